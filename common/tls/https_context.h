// The gateway's public HTTPS, set up on an OpenSSL context from the TLS section
// (tls.https_cert_chain_file, tls.https_private_key_file, tls.https_client_ca_file):
// TLS 1.2 and 1.3 only, forward-secret AEAD suites for TLS 1.2 (Mozilla's "intermediate"
// profile), no compression, no renegotiation.
//
//   httplib::SSLServer server([&](SSL_CTX& ctx) { return ConfigureHttpsContext(ctx, tls); });
#pragma once

#include <openssl/ssl.h>

#include "huiyin/config/v1/config.pb.h"

namespace huiyin {

// False (and the reason logged) when a file cannot be loaded or the key does not match.
bool ConfigureHttpsContext(SSL_CTX& ctx, const config::v1::TlsConfig& tls);

}  // namespace huiyin
