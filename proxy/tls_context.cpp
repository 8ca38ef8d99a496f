// Building the OpenSSL contexts of both legs; see tls_context.h.
#include "proxy/tls_context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <fstream>

namespace switchyard::proxy {

namespace ssl = boost::asio::ssl;

std::string openssl_error() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

namespace {

// True if it can be opened; otherwise OpenSSL's message would only say "system lib".
bool readable(const std::string& path) { return std::ifstream(path).good(); }

// Common to both roles: TLS 1.2 and up, no renegotiation, no resumption.
void harden(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
}

// Loads a certificate chain and its key; "" or the error, prefixed with the keys named.
std::string load_pair(SSL_CTX* ctx, const std::string& prefix, const std::string& cert, const std::string& key) {
  if (!readable(cert)) return prefix + ".cert_file: cannot read '" + cert + "'";
  if (!readable(key)) return prefix + ".key_file: cannot read '" + key + "'";
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return prefix + ".cert_file: '" + cert + "' is not a PEM certificate: " + openssl_error();
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    const std::string reason = openssl_error();
    if (reason.find("key values mismatch") != std::string::npos)
      return prefix + ".key_file: '" + key + "' does not match the certificate in '" + cert + "'";
    return prefix + ".key_file: '" + key + "' is not a PEM private key (or is encrypted): " + reason;
  }
  if (SSL_CTX_check_private_key(ctx) != 1)
    return prefix + ".key_file: '" + key + "' does not match the certificate in '" + cert + "'";
  return {};
}

std::string load_ca(SSL_CTX* ctx, const std::string& prefix, const std::string& ca) {
  if (!readable(ca)) return prefix + ".ca_file: cannot read '" + ca + "'";
  ERR_clear_error();
  if (SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) != 1)
    return prefix + ".ca_file: '" + ca + "' holds no PEM certificate: " + openssl_error();
  return {};
}

std::string subject_of(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (!cert) return {};
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

std::string build_client(const config::ClientTls& s, TlsContexts& out) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* h = ctx->native_handle();
  harden(h);
  ERR_clear_error();
  if (SSL_CTX_set_cipher_list(h, s.ciphers.c_str()) != 1)
    return "tls.ciphers: '" + s.ciphers + "' names no cipher OpenSSL knows: " + openssl_error();
  if (auto e = load_pair(h, "tls", s.cert_file, s.key_file); !e.empty()) return e;
  if (s.verify != config::ClientCertVerify::kNone) {
    if (auto e = load_ca(h, "tls", s.ca_file); !e.empty()) return e;
    // The CAs named in the CertificateRequest, so a client with several certificates picks right.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(s.ca_file.c_str())) SSL_CTX_set_client_CA_list(h, names);
    SSL_CTX_set_verify(h, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else {
    SSL_CTX_set_verify(h, SSL_VERIFY_NONE, nullptr);
  }
  out.client_subject = subject_of(h);
  out.client = std::move(ctx);
  return {};
}

std::string build_upstream(const config::Config& c, TlsContexts& out) {
  const auto& s = c.upstream_tls;
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  SSL_CTX* h = ctx->native_handle();
  harden(h);
  if (!s.cert_file.empty())
    if (auto e = load_pair(h, "upstream_tls", s.cert_file, s.key_file); !e.empty()) return e;
  out.upstream_name = s.server_name.empty() ? c.upstream.host : s.server_name;
  const bool verify = s.mode == config::UpstreamTlsMode::kVerifyCa || s.mode == config::UpstreamTlsMode::kVerifyFull;
  if (verify) {
    if (auto e = load_ca(h, "upstream_tls", s.ca_file); !e.empty()) return e;
    SSL_CTX_set_verify(h, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(h, SSL_VERIFY_NONE, nullptr);  // libpq's require: encrypted, not authenticated
  }
  if (s.mode == config::UpstreamTlsMode::kVerifyFull) {
    // libpq's verify-full: the name must match a subjectAltName (or the CN without any).
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(h);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const bool ok = config::is_ip_address(out.upstream_name)
                        ? X509_VERIFY_PARAM_set1_ip_asc(param, out.upstream_name.c_str()) == 1
                        : X509_VERIFY_PARAM_set1_host(param, out.upstream_name.c_str(), 0) == 1;
    if (!ok) return "upstream_tls.server_name: '" + out.upstream_name + "' is not a usable host name";
  }
  out.upstream = std::move(ctx);
  return {};
}

}  // namespace

TlsBuild build_tls_contexts(const config::Config& c) {
  TlsBuild b;
  auto out = std::make_shared<TlsContexts>();
  out->client_settings = c.tls;
  out->upstream_settings = c.upstream_tls;
  if (c.tls.enabled()) b.error = build_client(c.tls, *out);
  if (b.error.empty() && c.upstream_tls.enabled()) b.error = build_upstream(c, *out);
  if (b.error.empty()) b.contexts = std::move(out);
  return b;
}

std::string certificate_end_point_hash(X509* cert) {
  if (!cert) return {};
  int digest_nid = NID_undef, key_nid = NID_undef;
  if (!OBJ_find_sigid_algs(X509_get_signature_nid(cert), &digest_nid, &key_nid)) return {};
  const EVP_MD* md = digest_nid == NID_md5 || digest_nid == NID_sha1 ? EVP_sha256() : EVP_get_digestbynid(digest_nid);
  if (!md) return {};
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, md, hash, &n) != 1) return {};
  return std::string(reinterpret_cast<const char*>(hash), n);
}

std::string handshake_failure(SSL* s, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(s);
  if (verify != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  return ec.message();
}

}  // namespace switchyard::proxy
