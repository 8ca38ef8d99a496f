// Throwaway CA and certificates through the openssl command; see test_pki.h.
#include "tests/support/test_pki.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "tests/support/run_command.h"

namespace switchyard::test_support {
namespace {

// run_command execs a path, not a name: the openssl on $PATH.
std::string openssl_program() {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin");
  for (std::string dir; std::getline(path, dir, ':');)
    if (access((dir + "/openssl").c_str(), X_OK) == 0) return dir + "/openssl";
  return "/usr/bin/openssl";
}

}  // namespace

bool TestPki::run(const std::vector<std::string>& argv, std::string& error) {
  std::vector<std::string> command = argv;
  command[0] = openssl_program();
  const CommandResult r = run_command(command, 30s);
  if (r.succeeded()) return true;
  error = r.describe();
  return false;
}

std::unique_ptr<TestPki> TestPki::create(const std::string& ca_name, std::string& error) {
  std::unique_ptr<TestPki> pki(new TestPki);
  pki->dir_ = TempDir::create("switchyard-pki-", error);
  if (!pki->dir_) return nullptr;
  pki->ca_ = {pki->dir_->file("ca.crt"), pki->dir_->file("ca.key")};
  if (!pki->run({"openssl", "req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-keyout", pki->ca_.key, "-out", pki->ca_.cert, "-days", "2", "-subj", "/CN=" + ca_name,
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
                error))
    return nullptr;
  return pki;
}

CertPair TestPki::issue(const std::string& name, const std::string& common_name,
                        const std::vector<std::string>& alt_names, std::string& error) {
  const CertPair pair{dir_->file(name + ".crt"), dir_->file(name + ".key")};
  const std::string csr = dir_->file(name + ".csr");
  const std::string ext = dir_->file(name + ".ext");
  std::string extensions = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n";
  if (!alt_names.empty()) {
    extensions += "subjectAltName=";
    for (size_t i = 0; i < alt_names.size(); ++i) extensions += (i ? "," : "") + alt_names[i];
    extensions += "\n";
  }
  if (!write_file(ext, extensions, error) ||
      !run({"openssl", "req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-keyout",
            pair.key, "-out", csr, "-subj", "/CN=" + common_name},
           error) ||
      !run({"openssl", "x509", "-req", "-in", csr, "-CA", ca_.cert, "-CAkey", ca_.key, "-CAcreateserial", "-out",
            pair.cert, "-days", "2", "-extfile", ext},
           error))
    return {};
  return pair;
}

}  // namespace switchyard::test_support
