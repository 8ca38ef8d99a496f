// The OpenSSL contexts of both legs of a session, built from config::ClientTls and
// config::UpstreamTls (config/tls.h). Not tied to PostgreSQL: any wire protocol's sessions
// handshake with them (proxy/stream_leg.h).
//
// Built by build_generation (proxy/generation.cpp) at start-up and at every reload, so the
// certificate and key files are re-read then: a file that cannot be read, or a key that does
// not match its certificate, fails the build and so refuses the reload. A session keeps the
// contexts it started with (a shared_ptr) for its whole life, whatever later reloads publish.
// Immutable once built; OpenSSL allows SSL objects to be created from one SSL_CTX on many
// threads at once.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"

namespace switchyard::proxy {

struct TlsContexts {
  // Server role, towards clients; null when tls.mode is disable.
  std::unique_ptr<boost::asio::ssl::context> client;
  config::ClientTls client_settings;
  std::string client_subject;  // of the certificate served, for the log

  // Client role, towards the upstream; null when upstream_tls.mode is disable.
  std::unique_ptr<boost::asio::ssl::context> upstream;
  config::UpstreamTls upstream_settings;
  // Sent as SNI (a host name only; never an IP address, RFC 6066) and, under verify-full,
  // checked against the server's certificate: upstream_tls.server_name, else upstream's host.
  std::string upstream_name;
};

struct TlsBuild {
  std::shared_ptr<TlsContexts> contexts;  // null on failure
  std::string error;                      // "tls.cert_file: cannot load '/x': reason"
};

// Reads every file the config names. Both legs at least TLS 1.2, no renegotiation, no session
// tickets (nothing resumes a session through a proxy).
TlsBuild build_tls_contexts(const config::Config& c);

// Why a handshake on `s` failed, in words: the certificate check's verdict when that was it.
std::string handshake_failure(SSL* s, const boost::system::error_code& ec);

// OpenSSL's reason for the last failure on this thread, and clears the queue ("" if none).
std::string openssl_error();

// RFC 5929 tls-server-end-point channel-binding data of `cert`: its DER encoding hashed with the
// hash of its signature algorithm, SHA-256 for MD5 and SHA-1 (PostgreSQL computes the same).
// Empty if `cert` is null or its signature has no such hash (Ed25519, for instance).
std::string certificate_end_point_hash(X509* cert);

}  // namespace switchyard::proxy
