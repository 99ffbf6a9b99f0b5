#include "common/tls/grpc_credentials.h"

#include "common/base/log.h"
#include "common/tls/peer_check.h"
#include "common/tls/tls_config.h"
#include "grpcpp/create_channel.h"

namespace huiyin {
namespace {

struct PemFiles {
  std::string chain, key, ca;
};

// The three files of mutual TLS; an error is logged (it was checked at start, so it is news).
absl::StatusOr<PemFiles> ReadMutualTlsFiles(const config::v1::TlsConfig& tls) {
  PemFiles out;
  for (auto [path, field, text] :
       {std::make_tuple(&tls.cert_chain_file(), "tls.cert_chain_file", &out.chain),
        std::make_tuple(&tls.private_key_file(), "tls.private_key_file", &out.key),
        std::make_tuple(&tls.ca_file(), "tls.ca_file", &out.ca)}) {
    auto pem = ReadPemFile(*path, field);
    if (!pem.ok()) {
      LogError("cannot read a TLS file; TLS handshakes will fail",
               {{"error", pem.status().ToString()}});
      return pem.status();
    }
    *text = *std::move(pem);
  }
  return out;
}

}  // namespace

std::shared_ptr<grpc::ServerCredentials> GrpcServerCredentials(const config::v1::TlsConfig& tls) {
  if (!MutualTlsEnabled(tls)) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  auto files = ReadMutualTlsFiles(tls);
  if (files.ok()) {
    options.pem_root_certs = files->ca;
    options.pem_key_cert_pairs.push_back({files->key, files->chain});
  }
  // Without a key pair gRPC cannot listen: Start() then reports the port it could not open.
  auto credentials = grpc::SslServerCredentials(options);
  credentials->SetAuthMetadataProcessor(
      std::make_shared<InternalCredentialPeerCheck>(AllowedPeerNames(tls)));
  return credentials;
}

std::shared_ptr<grpc::ChannelCredentials> GrpcChannelCredentials(const config::v1::TlsConfig& tls) {
  if (!MutualTlsEnabled(tls)) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  auto files = ReadMutualTlsFiles(tls);
  if (files.ok()) {
    options.pem_root_certs = files->ca;
    options.pem_private_key = files->key;
    options.pem_cert_chain = files->chain;
  } else {
    // No root that any server's certificate chains to: every handshake fails.
    options.pem_root_certs = "-";
  }
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address,
                                              const config::v1::TlsConfig& tls,
                                              const grpc::ChannelArguments& args) {
  return grpc::CreateCustomChannel(address, GrpcChannelCredentials(tls), args);
}

}  // namespace huiyin
