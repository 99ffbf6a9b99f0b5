#include "common/tls/https_context.h"

#include <openssl/err.h>

#include <string>

#include "common/base/log.h"

namespace huiyin {
namespace {

constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

bool Fail(const char* what, const std::string& file) {
  char reason[256];
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  ERR_clear_error();
  LogError("cannot set up HTTPS", {{"step", what}, {"file", file}, {"error", reason}});
  return false;
}

}  // namespace

bool ConfigureHttpsContext(SSL_CTX& ctx, const config::v1::TlsConfig& tls) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(
      &ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(&ctx, kTls12Ciphers) != 1) return Fail("cipher list", "");
  const std::string& chain = tls.https_cert_chain_file();
  const std::string& key = tls.https_private_key_file();
  if (SSL_CTX_use_certificate_chain_file(&ctx, chain.c_str()) != 1) {
    return Fail("tls.https_cert_chain_file", chain);
  }
  if (SSL_CTX_use_PrivateKey_file(&ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    return Fail("tls.https_private_key_file", key);
  }
  const std::string& client_ca = tls.https_client_ca_file();
  if (client_ca.empty()) return true;
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
  if (names == nullptr || SSL_CTX_load_verify_locations(&ctx, client_ca.c_str(), nullptr) != 1) {
    if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
    return Fail("tls.https_client_ca_file", client_ca);
  }
  SSL_CTX_set_client_CA_list(&ctx, names);  // takes ownership
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return true;
}

}  // namespace huiyin
