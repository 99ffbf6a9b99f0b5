#include "common/identity/caller.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "common/status/errors.h"

namespace huiyin {
namespace {

const grpc::string_ref* Find(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                             absl::string_view key) {
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  return it == metadata.end() ? nullptr : &it->second;
}

bool ConstantTimeEquals(const grpc::string_ref& given, absl::string_view expected) {
  if (given.size() != expected.size()) return false;
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

absl::StatusOr<Caller> CallerFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    absl::string_view internal_credential) {
  Caller public_caller = MakeCaller("public", common::v1::ROLE_PUBLIC);
  const auto* credential = Find(metadata, kCredentialMetadataKey);
  if (credential == nullptr || internal_credential.empty()) return public_caller;
  if (!ConstantTimeEquals(*credential, internal_credential)) {
    return Unauthenticated("internal credential does not match");
  }
  const auto* encoded = Find(metadata, kCallerMetadataKey);
  if (encoded == nullptr) return public_caller;
  Caller caller;
  if (!caller.ParseFromArray(encoded->data(), static_cast<int>(encoded->size())) ||
      caller.role() == common::v1::ROLE_UNSPECIFIED || caller.principal().empty()) {
    return Unauthenticated("caller metadata is malformed");
  }
  return caller;
}

void AttachCaller(grpc::ClientContext& context, const Caller& caller,
                  absl::string_view internal_credential) {
  context.AddMetadata(kCredentialMetadataKey, std::string(internal_credential));
  context.AddMetadata(kCallerMetadataKey, caller.SerializeAsString());
}

Caller MakeCaller(std::string principal, Role role, std::string unit, std::string display_name) {
  Caller c;
  c.set_principal(std::move(principal));
  c.set_role(role);
  c.set_unit(std::move(unit));
  c.set_display_name(std::move(display_name));
  return c;
}

std::string RoleLabel(Role role) {
  std::string name = common::v1::Role_Name(role);
  if (name.rfind("ROLE_", 0) == 0) name = name.substr(5);
  return absl::AsciiStrToLower(absl::StrReplaceAll(name, {{"_", " "}}));
}

}  // namespace huiyin
