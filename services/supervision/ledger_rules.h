// How the ledger (台账) reads workflow's tasks: an item's stage, and what a task counts for in the
// officials' figures (办理指标) as defined in proto/huiyin/supervision/v1/supervision.proto
// (Stage, FigureCounts). Pure: the ledger (core.cc) and huiyin-reconcile, which recounts both
// from the owning services, share these definitions.
//
//   Counts c = ContributionOf(task, answers_disclosed_on_time);  // c[0] assigned, c[1] answered …
//   v1::Stage stage = StageOf(v1::STAGE_ASSIGNED, item_tasks);
#pragma once

#include <string>
#include <vector>

#include "google/protobuf/timestamp.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "services/supervision/store.h"

namespace huiyin::supervision {

// Issued and still standing, or superseded by a later one (二次办理); not returned.
bool IsIssued(const workflow::v1::Answer& a);
// The China civil date ("YYYY-MM-DD") of an instant.
std::string ChinaDate(const google::protobuf::Timestamp& t);
// An answering task (主办 or 分办) that was not cancelled: the unit of the figures.
bool Answers(const workflow::v1::Task& task);
// 见面: met face to face — in person, on a site visit or at a meeting; a phone call is not.
bool MetProposer(const workflow::v1::Task& task);
// What one task adds to the counters, in kCounterColumns order (all zero for a co-handler or a
// cancelled task). `disclosed_on_time`: the task's answers the disclosure service published
// within its deadline.
Counts ContributionOf(const workflow::v1::Task& task,
                      const std::vector<std::string>& disclosed_on_time);

// The item's stage: `pre_stage` (what intake's and assignment's events set) until a task of an
// answering unit exists, then from where the answering units stand; ENDED stays ENDED.
v1::Stage StageOf(v1::Stage pre_stage, const std::vector<workflow::v1::Task>& item_tasks);

}  // namespace huiyin::supervision
