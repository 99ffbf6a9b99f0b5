// The Chinese wording of an enum value for people (public pages, open data, exports), read
// from its (huiyin.common.v1.label) option in the contract; "" when the value has none.
//
//   Label(workflow::v1::ANSWER_CLASS_A)   // "A类（已解决或正在解决）"
//   Label(workflow::v1::RATING_UNSPECIFIED)  // "尚未测评"
#pragma once

#include <string>

#include "google/protobuf/generated_enum_reflection.h"
#include "huiyin/common/v1/annotations.pb.h"

namespace huiyin {

template <typename Enum>
std::string Label(Enum value) {
  const auto* d = google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value);
  return d == nullptr ? "" : d->options().GetExtension(common::v1::label);
}

}  // namespace huiyin
