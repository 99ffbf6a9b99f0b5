// The client of intake: its FindSimilar over gRPC as the SimilarItemsSource of SuggestUnits.
// Calls go as the system "services/assignment" with the internal credential, each with a
// deadline: the sooner of the caller's and `timeout` from now.
//
//   IntakeSimilarItems similar(intake_channel, credential, absl::Milliseconds(3000));
//   auto found = similar.FindSimilar("items/k3v9x0c2", absl::Now() + absl::Seconds(5));
#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "services/assignment/similar_items.h"

namespace huiyin::assignment {

// Who assignment is when it calls intake or reads intake's feed.
inline constexpr char kServicePrincipal[] = "services/assignment";

class IntakeSimilarItems final : public SimilarItemsSource {
 public:
  IntakeSimilarItems(std::shared_ptr<grpc::Channel> channel, std::string internal_credential,
                     absl::Duration timeout);

  absl::StatusOr<intake::v1::FindSimilarResponse> FindSimilar(const std::string& item,
                                                              absl::Time deadline) override;

 private:
  std::unique_ptr<intake::v1::IntakeService::Stub> stub_;
  std::string credential_;
  absl::Duration timeout_;
};

}  // namespace huiyin::assignment
