// Roles' SCRAM verifiers, read from the server for the sessions that run SCRAM on both legs
// (proxy/pg_scram.cpp): `auth.query` with the role name as $1 over a connection of its own on
// `control` (proxy/shadow_connection.h: every wait bounded), on one thread of its own, so a
// session never blocks its worker on libpq. Answers are cached for `auth.cache_ms`: a role's
// verifier, its absence, and a failed query too (a broken auth.query costs one query per role
// and period, not one per login). Concurrent look-ups of one role share one query; clear() (at
// every reload) empties the cache, and forget() drops one role after a failed proof, so a
// changed password is read again at the next attempt.
//
// Threads: lookup(), forget() and clear() from any thread. A callback runs on the source's own
// thread (post it to the session's executor); stop() (the destructor) drops the queued ones.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/scram.h"

namespace switchyard::proxy {

struct VerifierAnswer {
  enum class Kind {
    kScram,  // `verifier` holds the role's SCRAM-SHA-256 secret
    kOther,  // no row, NULL, md5 or anything else: the server's own exchange is relayed
    kError,  // the query failed (`error`): the session relays too, and the reason is logged
  };
  Kind kind = Kind::kOther;
  auth::Verifier verifier;
  std::string error;
  bool cached = false;  // from the cache, not a query of this look-up
};

class VerifierSource {
 public:
  using Callback = std::function<void(VerifierAnswer)>;
  static constexpr uint32_t kStatementTimeoutMs = 5000;
  // Roles whose query waits at once; beyond, a look-up is answered kError at once (the session
  // relays), so a flood of logins under new names cannot grow the queue without bound.
  static constexpr size_t kMaxQueued = 1024;

  VerifierSource() = default;
  ~VerifierSource() { stop(); }
  VerifierSource(const VerifierSource&) = delete;
  VerifierSource& operator=(const VerifierSource&) = delete;

  // The cached answer for `user` if it is younger than `cache_ms`; otherwise nullopt, and `done`
  // gets the answer later on the source's thread. `conninfo` and `query` are the caller's
  // generation's (a reload may change them).
  std::optional<VerifierAnswer> lookup(const std::string& conninfo, const std::string& query, const std::string& user,
                                       uint32_t cache_ms, Callback done);
  void forget(const std::string& user);
  void clear();
  void stop();

 private:
  struct Request {
    std::string conninfo, query, user;
  };
  struct Cached {
    VerifierAnswer answer;
    std::chrono::steady_clock::time_point at;
  };
  void run();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Request> queue_;
  std::map<std::string, std::vector<Callback>> waiting_;  // by user: callbacks of the query queued or running
  std::map<std::string, Cached> cache_;
  uint64_t epoch_ = 0;  // bumped by clear(): an answer fetched before it is not cached
  bool stopping_ = false;
  std::atomic<bool> stop_flag_{false};  // stopping_, for ShadowConnection's bound on a running query
  std::thread thread_;  // started by the first look-up
};

}  // namespace switchyard::proxy
