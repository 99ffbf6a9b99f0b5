// Certificates made at test time with OpenSSL (P-256 keys, SHA-256 signatures), written to a
// temporary directory: a CA, and leaf certificates it issues for given names, valid now unless
// told otherwise. For tests only — nothing here is fit to issue real certificates.
//
//   TestPki pki("huiyin-test");                        // files under /tmp/huiyin-pki-…
//   auto intake = pki.Issue("intake", {"intake"});     // SAN DNS:intake, IP:127.0.0.1
//   auto stale = pki.Issue("old", {"gateway"}, -absl::Hours(48), -absl::Hours(24));
//   tls.set_cert_chain_file(intake.cert_file); tls.set_ca_file(pki.ca_file());
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace huiyin::testing {

struct TestKeyPair {
  std::string cert_file;
  std::string key_file;
};

class TestPki {
 public:
  explicit TestPki(std::string name) : name_(std::move(name)) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("huiyin-pki-", ::getpid(), "-", counter++, "-", name_);
    std::filesystem::create_directories(dir_);
    ca_key_.reset(EVP_EC_gen("P-256"));
    ca_.reset(NewCertificate(name_ + " CA", *ca_key_, -absl::Hours(1), absl::Hours(24)));
    X509_set_issuer_name(ca_.get(), X509_get_subject_name(ca_.get()));
    AddExtensions(*ca_, *ca_,
                  {{NID_basic_constraints, "critical,CA:TRUE"},
                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                   {NID_subject_key_identifier, "hash"}});
    X509_sign(ca_.get(), ca_key_.get(), EVP_sha256());
    ca_file_ = Write("ca.pem", Pem(*ca_));
  }
  ~TestPki() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  const std::string& ca_file() const { return ca_file_; }
  const std::filesystem::path& dir() const { return dir_; }

  // A leaf certificate for `common_name` with subjectAltNames DNS:`dns_names` and IP:127.0.0.1,
  // for serverAuth and clientAuth, valid from now + not_before to now + not_after.
  TestKeyPair Issue(const std::string& common_name, const std::vector<std::string>& dns_names,
                    absl::Duration not_before = -absl::Hours(1),
                    absl::Duration not_after = absl::Hours(24)) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        NewCertificate(common_name, *key, not_before, not_after), &X509_free);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_.get()));
    std::vector<std::string> sans;
    for (const auto& name : dns_names) sans.push_back("DNS:" + name);
    sans.push_back("IP:127.0.0.1");
    AddExtensions(*cert, *ca_,
                  {{NID_basic_constraints, "critical,CA:FALSE"},
                   {NID_key_usage, "critical,digitalSignature"},
                   {NID_ext_key_usage, "serverAuth,clientAuth"},
                   {NID_subject_alt_name, absl::StrJoin(sans, ",")},
                   {NID_authority_key_identifier, "keyid"}});
    X509_sign(cert.get(), ca_key_.get(), EVP_sha256());
    std::string stem = absl::StrCat(common_name, "-", serial_);
    return {Write(stem + ".pem", Pem(*cert)), Write(stem + ".key", PemKey(*key))};
  }

  // A file of the PKI's directory with `text` in it; its path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

 private:
  X509* NewCertificate(const std::string& common_name, EVP_PKEY& key, absl::Duration not_before,
                       absl::Duration not_after) {
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), ++serial_);
    X509_gmtime_adj(X509_getm_notBefore(cert), absl::ToInt64Seconds(not_before));
    X509_gmtime_adj(X509_getm_notAfter(cert), absl::ToInt64Seconds(not_after));
    X509_set_pubkey(cert, &key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    return cert;
  }

  static void AddExtensions(X509& cert, X509& issuer,
                            const std::vector<std::pair<int, std::string>>& extensions) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, &issuer, &cert, nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      X509_add_ext(&cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
  }

  static std::string Pem(X509& cert) {
    return ToText([&](BIO* bio) { PEM_write_bio_X509(bio, &cert); });
  }
  static std::string PemKey(EVP_PKEY& key) {
    return ToText([&](BIO* bio) {
      PEM_write_bio_PrivateKey(bio, &key, nullptr, nullptr, 0, nullptr, nullptr);
    });
  }
  template <typename Fn>
  static std::string ToText(Fn write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    write(bio.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
  }

  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ca_key_{nullptr, &EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> ca_{nullptr, &X509_free};
  std::string ca_file_;
  long serial_ = 0;
};

}  // namespace huiyin::testing
