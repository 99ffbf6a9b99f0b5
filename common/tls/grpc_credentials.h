// Every gRPC port and channel of Huiyin is made here, from the TLS section: plain text while
// tls.cert_chain_file is empty, mutual TLS otherwise (TLS 1.2+, gRPC's defaults).
//
//   builder.AddListeningPort(address, GrpcServerCredentials(config.tls()), &port);
//   auto intake = ServiceChannel(config.workflow().intake_address(), config.tls());
//
// A server then requires a client certificate issued by a CA of tls.ca_file and refuses the
// internal credential from peers not named in tls.allowed_peer_names (peer_check.h). A channel
// presents this process's certificate and verifies the server's against tls.ca_file and the host
// of `address`. Tools that dial a service (reconciliation, backups, benches) use ServiceChannel
// with the binary's own Config::tls(), so they follow the same configuration.
#pragma once

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin {

// The section should have passed CheckTlsConfig at start. A file that became unreadable since
// is logged, and the credentials then fail closed: every handshake fails, nothing is plain text.
std::shared_ptr<grpc::ServerCredentials> GrpcServerCredentials(const config::v1::TlsConfig& tls);
std::shared_ptr<grpc::ChannelCredentials> GrpcChannelCredentials(const config::v1::TlsConfig& tls);

// A channel to another Huiyin process at `address` ("intake:7101", "127.0.0.1:7101").
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address,
                                              const config::v1::TlsConfig& tls,
                                              const grpc::ChannelArguments& args = {});

}  // namespace huiyin
