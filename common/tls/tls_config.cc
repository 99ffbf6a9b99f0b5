#include "common/tls/tls_config.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace huiyin {
namespace {

using config::v1::TlsConfig;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::Status Bad(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

std::unique_ptr<BIO, decltype(&BIO_free)> MemoryBio(const std::string& pem) {
  return {BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
}

// Every certificate of a PEM text, in order; empty if it holds none.
std::vector<X509Ptr> Certificates(const std::string& pem) {
  std::vector<X509Ptr> out;
  auto bio = MemoryBio(pem);
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  ERR_clear_error();  // the loop ends on "no start line"
  return out;
}

absl::StatusOr<std::vector<X509Ptr>> ReadCertificates(const std::string& path,
                                                      absl::string_view field) {
  auto pem = ReadPemFile(path, field);
  if (!pem.ok()) return pem.status();
  auto certificates = Certificates(*pem);
  if (certificates.empty()) return Bad(field, absl::StrCat(path, " holds no PEM certificate"));
  return certificates;
}

absl::StatusOr<KeyPtr> ReadKey(const std::string& path, absl::string_view field) {
  auto pem = ReadPemFile(path, field);
  if (!pem.ok()) return pem.status();
  auto bio = MemoryBio(*pem);
  // A null password callback with no password: an encrypted key fails here, not at a prompt.
  KeyPtr key(PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return Bad(field, absl::StrCat(path, " holds no unencrypted PEM private key"));
  }
  return key;
}

std::string TimeText(const ASN1_TIME* t) {
  auto bio = std::unique_ptr<BIO, decltype(&BIO_free)>(BIO_new(BIO_s_mem()), &BIO_free);
  ASN1_TIME_print(bio.get(), t);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

absl::Status CheckValidity(X509& certificate, absl::string_view field, absl::Time now) {
  time_t t = absl::ToTimeT(now);
  if (X509_cmp_time(X509_get0_notBefore(&certificate), &t) > 0) {
    return Bad(field, absl::StrCat("the certificate is not valid before ",
                                   TimeText(X509_get0_notBefore(&certificate))));
  }
  if (X509_cmp_time(X509_get0_notAfter(&certificate), &t) < 0) {
    return Bad(field, absl::StrCat("the certificate expired on ",
                                   TimeText(X509_get0_notAfter(&certificate))));
  }
  return absl::OkStatus();
}

// A certificate chain and its key, as cert_field and key_field name them.
absl::StatusOr<std::vector<X509Ptr>> CheckKeyPair(const std::string& cert_path,
                                                  absl::string_view cert_field,
                                                  const std::string& key_path,
                                                  absl::string_view key_field, absl::Time now) {
  auto chain = ReadCertificates(cert_path, cert_field);
  if (!chain.ok()) return chain.status();
  auto key = ReadKey(key_path, key_field);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(chain->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return Bad(key_field, absl::StrCat("does not match the certificate in ", cert_field));
  }
  if (auto s = CheckValidity(*chain->front(), cert_field, now); !s.ok()) return s;
  return chain;
}

// The leaf of `chain` (intermediates after it) verified against the CAs of `roots` at `now`.
absl::Status CheckIssuedBy(const std::vector<X509Ptr>& chain, const std::vector<X509Ptr>& roots,
                           absl::Time now) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const auto& root : roots) X509_STORE_add_cert(store.get(), root.get());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get());
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(now));
  if (X509_verify_cert(ctx.get()) == 1) return absl::OkStatus();
  std::string why = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  ERR_clear_error();
  return Bad("tls.cert_chain_file", absl::StrCat("not issued by a CA of tls.ca_file (", why, ")"));
}

// The fields of a group that must be set together, by name; the first one missing, if any.
absl::Status RequireTogether(
    const std::vector<std::pair<absl::string_view, const std::string*>>& fields) {
  std::vector<absl::string_view> set;
  for (const auto& [name, value] : fields) {
    if (!value->empty()) set.push_back(name);
  }
  if (set.empty()) return absl::OkStatus();
  for (const auto& [name, value] : fields) {
    if (value->empty()) return Bad(name, absl::StrCat("required with ", absl::StrJoin(set, ", ")));
  }
  return absl::OkStatus();
}

absl::Status CheckMutualTls(const TlsConfig& tls, absl::Time now) {
  if (auto s = RequireTogether({{"tls.cert_chain_file", &tls.cert_chain_file()},
                                {"tls.private_key_file", &tls.private_key_file()},
                                {"tls.ca_file", &tls.ca_file()}});
      !s.ok()) {
    return s;
  }
  if (!MutualTlsEnabled(tls)) return absl::OkStatus();
  auto chain = CheckKeyPair(tls.cert_chain_file(), "tls.cert_chain_file", tls.private_key_file(),
                            "tls.private_key_file", now);
  if (!chain.ok()) return chain.status();
  auto roots = ReadCertificates(tls.ca_file(), "tls.ca_file");
  if (!roots.ok()) return roots.status();
  if (auto s = CheckIssuedBy(*chain, *roots, now); !s.ok()) return s;
  if (AllowedPeerNames(tls).empty()) {
    return Bad("tls.allowed_peer_names",
               "names no peer: the internal credential would be refused "
               "from every process");
  }
  return absl::OkStatus();
}

absl::Status CheckHttps(const TlsConfig& tls, absl::Time now) {
  if (auto s = RequireTogether({{"tls.https_cert_chain_file", &tls.https_cert_chain_file()},
                                {"tls.https_private_key_file", &tls.https_private_key_file()}});
      !s.ok()) {
    return s;
  }
  if (!HttpsEnabled(tls)) {
    if (!tls.https_client_ca_file().empty()) {
      return Bad("tls.https_cert_chain_file", "required with tls.https_client_ca_file");
    }
    return absl::OkStatus();
  }
  auto chain = CheckKeyPair(tls.https_cert_chain_file(), "tls.https_cert_chain_file",
                            tls.https_private_key_file(), "tls.https_private_key_file", now);
  if (!chain.ok()) return chain.status();
  if (!tls.https_client_ca_file().empty()) {
    auto roots = ReadCertificates(tls.https_client_ca_file(), "tls.https_client_ca_file");
    if (!roots.ok()) return roots.status();
  }
  return absl::OkStatus();
}

}  // namespace

bool MutualTlsEnabled(const TlsConfig& tls) { return !tls.cert_chain_file().empty(); }

bool HttpsEnabled(const TlsConfig& tls) { return !tls.https_cert_chain_file().empty(); }

absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view field) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) return Bad(field, absl::StrCat("cannot read ", path));
  return buffer.str();
}

absl::Status CheckTlsConfig(const TlsConfig& tls, absl::Time now) {
  if (auto s = CheckMutualTls(tls, now); !s.ok()) return s;
  return CheckHttps(tls, now);
}

absl::flat_hash_set<std::string> AllowedPeerNames(const TlsConfig& tls) {
  absl::flat_hash_set<std::string> out;
  for (absl::string_view name : absl::StrSplit(tls.allowed_peer_names(), ',')) {
    name = absl::StripAsciiWhitespace(name);
    if (!name.empty()) out.insert(absl::AsciiStrToLower(name));
  }
  return out;
}

}  // namespace huiyin
