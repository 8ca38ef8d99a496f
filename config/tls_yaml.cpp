// Reading `tls:` and `upstream_tls:`; see config/tls.h. The files named are read, and the
// certificates checked, when the proxy builds its contexts (proxy/tls_context.h).
#include "config/tls.h"
#include "config/yaml_reader.h"

namespace switchyard::config {

const char* to_string(ClientTlsMode m) {
  switch (m) {
    case ClientTlsMode::kDisable: return "disable";
    case ClientTlsMode::kAllow: return "allow";
    case ClientTlsMode::kRequire: return "require";
  }
  return "?";
}

const char* to_string(ClientCertVerify v) {
  switch (v) {
    case ClientCertVerify::kNone: return "none";
    case ClientCertVerify::kCa: return "ca";
    case ClientCertVerify::kFull: return "full";
  }
  return "?";
}

const char* to_string(UpstreamTlsMode m) {
  switch (m) {
    case UpstreamTlsMode::kDisable: return "disable";
    case UpstreamTlsMode::kPrefer: return "prefer";
    case UpstreamTlsMode::kRequire: return "require";
    case UpstreamTlsMode::kVerifyCa: return "verify-ca";
    case UpstreamTlsMode::kVerifyFull: return "verify-full";
  }
  return "?";
}

namespace detail {
namespace {

std::string path_value(Reader& r, const YAML::Node& n, const std::string& k) {
  std::string v = r.scalar(n, k);
  if (v.empty()) r.fail(n, k, "is empty");
  return v;
}

}  // namespace

void read_client_tls(Reader& r, const YAML::Node& node, const std::string& key, ClientTls& out) {
  bool mode_set = false;
  r.mapping(node, key, {
    {"cert_file", [&](auto& n, auto& k) { out.cert_file = path_value(r, n, k); }},
    {"key_file", [&](auto& n, auto& k) { out.key_file = path_value(r, n, k); }},
    {"ca_file", [&](auto& n, auto& k) { out.ca_file = path_value(r, n, k); }},
    {"mode", [&](auto& n, auto& k) {
       const std::string v = r.one_of(n, k, {"disable", "allow", "require"});
       out.mode = v == "disable" ? ClientTlsMode::kDisable : v == "allow" ? ClientTlsMode::kAllow : ClientTlsMode::kRequire;
       mode_set = true;
     }},
    {"verify", [&](auto& n, auto& k) {
       const std::string v = r.one_of(n, k, {"none", "ca", "full"});
       out.verify = v == "none" ? ClientCertVerify::kNone : v == "ca" ? ClientCertVerify::kCa : ClientCertVerify::kFull;
     }},
    {"ciphers", [&](auto& n, auto& k) { out.ciphers = path_value(r, n, k); }},
  });
  if (out.cert_file.empty() != out.key_file.empty())
    r.fail(node, key + (out.cert_file.empty() ? ".cert_file" : ".key_file"),
           "cert_file and key_file go together (the proxy's certificate and its private key)");
  if (!mode_set && !out.cert_file.empty()) out.mode = ClientTlsMode::kAllow;
  if (out.enabled() && out.cert_file.empty())
    r.fail(node, key + ".mode", std::string(to_string(out.mode)) + " needs cert_file and key_file");
  if (out.verify != ClientCertVerify::kNone && out.ca_file.empty())
    r.fail(node["verify"], key + ".verify",
           std::string(to_string(out.verify)) + " needs ca_file (the CAs client certificates must chain to)");
}

void read_upstream_tls(Reader& r, const YAML::Node& node, const std::string& key, UpstreamTls& out) {
  r.mapping(node, key, {
    {"mode", [&](auto& n, auto& k) {
       const std::string v = r.one_of(n, k, {"disable", "prefer", "require", "verify-ca", "verify-full"});
       out.mode = v == "disable"     ? UpstreamTlsMode::kDisable
                  : v == "prefer"    ? UpstreamTlsMode::kPrefer
                  : v == "require"   ? UpstreamTlsMode::kRequire
                  : v == "verify-ca" ? UpstreamTlsMode::kVerifyCa
                                     : UpstreamTlsMode::kVerifyFull;
     }},
    {"ca_file", [&](auto& n, auto& k) { out.ca_file = path_value(r, n, k); }},
    {"cert_file", [&](auto& n, auto& k) { out.cert_file = path_value(r, n, k); }},
    {"key_file", [&](auto& n, auto& k) { out.key_file = path_value(r, n, k); }},
    {"server_name", [&](auto& n, auto& k) { out.server_name = path_value(r, n, k); }},
  });
  if (out.cert_file.empty() != out.key_file.empty())
    r.fail(node, key + (out.cert_file.empty() ? ".cert_file" : ".key_file"),
           "cert_file and key_file go together (the client certificate and its private key)");
  const bool verifies = out.mode == UpstreamTlsMode::kVerifyCa || out.mode == UpstreamTlsMode::kVerifyFull;
  if (verifies && out.ca_file.empty())
    r.fail(node["mode"], key + ".mode",
           std::string(to_string(out.mode)) + " needs ca_file (the CAs the server's certificate must chain to)");
}

}  // namespace detail
}  // namespace switchyard::config
