// Maps the cancel keys switchyard hands to clients onto the real upstream backends.
//
// Clients never see an upstream's BackendKeyData: each session gets a fresh random key from
// the proxy (as PgBouncer does), so a CancelRequest arriving on any thread can be routed to the
// right upstream server and backend, and a client cannot cancel another's queries by guessing.
// Thread-safe: sessions register on their own thread, cancels arrive on any.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>

#include "protocol/pg/backend.h"

namespace switchyard::proxy {

struct CancelTarget {
  boost::asio::ip::tcp::endpoint upstream;
  pg::BackendKeyData backend;  // the real upstream backend's key
};

class CancelRegistry {
 public:
  CancelRegistry();
  // Registers `target` and returns the key to give the client instead of the backend's.
  pg::BackendKeyData add(const CancelTarget& target);
  void remove(pg::BackendKeyData client_key);
  std::optional<CancelTarget> find(pg::BackendKeyData client_key) const;

 private:
  static uint64_t pack(pg::BackendKeyData k) { return (uint64_t{k.pid} << 32) | k.secret; }
  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  std::unordered_map<uint64_t, CancelTarget> targets_;
};

}  // namespace switchyard::proxy
