// Where SuggestUnits learns which items resemble the one being assigned: intake's FindSimilar
// (same-session merge candidates and earlier years' recurring items, each scored 0..1). The core
// sees only this interface; main wires IntakeSimilarItems (intake_client.h), tests a fake.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "huiyin/intake/v1/intake.pb.h"

namespace huiyin::assignment {

class SimilarItemsSource {
 public:
  virtual ~SimilarItemsSource() = default;
  // Items similar to `item` ("items/{item}"), answered by `deadline` at the latest.
  virtual absl::StatusOr<intake::v1::FindSimilarResponse> FindSimilar(const std::string& item,
                                                                      absl::Time deadline) = 0;
};

}  // namespace huiyin::assignment
