// Exports (导出) of the ledger, the figures and the unit scores as CSV or Excel files, for the
// offices that live in Excel. Reads go through SupervisionCore and ScoreCore, so an export shows
// exactly what the caller may read there; the file is a huiyin.common.v1.HttpBody download.
//
//   ExportCore exports(core, scores, ExportOptions{20000});
//   auto file = exports.ExportLedger(caller, request);   // file->data(), file->filename()
#pragma once

#include "absl/status/statusor.h"
#include "huiyin/common/v1/http_body.pb.h"
#include "huiyin/supervision/v1/exports.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/scores.h"

namespace huiyin::supervision {

struct ExportOptions {
  // More rows than this are refused (FAILED_PRECONDITION: narrow the filter).
  int max_rows = 20000;
};

class ExportCore {
 public:
  ExportCore(const SupervisionCore& ledger, const ScoreCore& scores, ExportOptions options)
      : ledger_(ledger), scores_(scores), options_(options) {}

  absl::StatusOr<common::v1::HttpBody> ExportLedger(const common::v1::Caller& caller,
                                                    const v1::ExportLedgerRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> ExportFigures(const common::v1::Caller& caller,
                                                     const v1::ExportFiguresRequest& request) const;
  absl::StatusOr<common::v1::HttpBody> ExportUnitScores(
      const common::v1::Caller& caller, const v1::ExportUnitScoresRequest& request) const;

 private:
  absl::Status CheckRows(size_t rows) const;

  const SupervisionCore& ledger_;
  const ScoreCore& scores_;
  ExportOptions options_;
};

}  // namespace huiyin::supervision
