// A throwaway certificate authority for TLS tests, made with the openssl command in its own
// temp directory at run time (no key is ever checked in): EC P-256 keys, valid for two days.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace switchyard::test_support {

struct CertPair {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path (unencrypted, mode 0600)
};

class TestPki {
 public:
  // A CA with subject CN=`ca_name`. Null, and why in `error`, if openssl fails.
  static std::unique_ptr<TestPki> create(const std::string& ca_name, std::string& error);

  const std::string& ca_cert() const { return ca_.cert; }
  // A leaf certificate signed by this CA, subject CN=`common_name`, with subjectAltNames such
  // as "DNS:localhost", "IP:127.0.0.1". Files are named after `name`. Empty paths on failure
  // (and why in `error`).
  CertPair issue(const std::string& name, const std::string& common_name, const std::vector<std::string>& alt_names,
                 std::string& error);

 private:
  TestPki() = default;
  bool run(const std::vector<std::string>& argv, std::string& error);

  std::unique_ptr<TempDir> dir_;
  CertPair ca_;
};

}  // namespace switchyard::test_support
