// TLS settings of both legs of a session: towards clients (`tls:`) and towards the upstream
// (`upstream_tls:`). Plain structs, shared by every wire protocol the proxy speaks (PostgreSQL
// today, MySQL later); the OpenSSL contexts built from them are in proxy/tls_context.h.
#pragma once

#include <string>

namespace switchyard::config {

// Whether clients may, or must, encrypt. kAllow is the default once a certificate is set.
enum class ClientTlsMode { kDisable, kAllow, kRequire };
// Client certificates: not asked for; required and signed by ca_file; the same, and its CN
// must equal the user name of the StartupMessage (PostgreSQL's clientcert=verify-full).
enum class ClientCertVerify { kNone, kCa, kFull };

// Mozilla's "intermediate" TLS 1.2 list (forward secrecy, AEAD only); TLS 1.3 suites are
// OpenSSL's defaults, which are all sound.
inline constexpr char kDefaultCiphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

struct ClientTls {
  std::string cert_file;  // PEM chain, the proxy's certificate first
  std::string key_file;   // PEM private key of that certificate
  std::string ca_file;    // PEM CAs client certificates must chain to (verify: ca | full)
  ClientTlsMode mode = ClientTlsMode::kDisable;
  ClientCertVerify verify = ClientCertVerify::kNone;
  std::string ciphers = kDefaultCiphers;  // OpenSSL cipher list for TLS 1.2
  bool enabled() const { return mode != ClientTlsMode::kDisable; }
};

// libpq's sslmode values, with libpq's meanings (only `allow` is left out: it retries a refused
// plaintext session with TLS, which a proxy that already forwarded the startup cannot do).
enum class UpstreamTlsMode { kDisable, kPrefer, kRequire, kVerifyCa, kVerifyFull };

struct UpstreamTls {
  UpstreamTlsMode mode = UpstreamTlsMode::kDisable;
  std::string ca_file;      // PEM CAs the server's certificate must chain to (verify-ca | verify-full)
  std::string cert_file;    // optional client certificate the proxy presents to the server
  std::string key_file;
  std::string server_name;  // SNI and the name verify-full checks; default: upstream's host
  bool enabled() const { return mode != UpstreamTlsMode::kDisable; }
  bool required() const { return mode != UpstreamTlsMode::kDisable && mode != UpstreamTlsMode::kPrefer; }
};

const char* to_string(ClientTlsMode m);
const char* to_string(ClientCertVerify v);
const char* to_string(UpstreamTlsMode m);

}  // namespace switchyard::config
