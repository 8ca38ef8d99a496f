// Roles' SCRAM verifiers from the server, cached; see verifier_source.h.
#include "proxy/verifier_source.h"

#include <memory>

#include "proxy/shadow_connection.h"

namespace switchyard::proxy {

std::optional<VerifierAnswer> VerifierSource::lookup(const std::string& conninfo, const std::string& query,
                                                     const std::string& user, uint32_t cache_ms, Callback done) {
  std::lock_guard lock(mu_);
  if (const auto it = cache_.find(user);
      it != cache_.end() && std::chrono::steady_clock::now() - it->second.at < std::chrono::milliseconds(cache_ms)) {
    VerifierAnswer answer = it->second.answer;
    answer.cached = true;
    return answer;
  }
  if (stopping_ || (queue_.size() >= kMaxQueued && !waiting_.count(user))) {
    VerifierAnswer answer;
    answer.kind = VerifierAnswer::Kind::kError;
    answer.error = stopping_ ? "switchyard is stopping" : "too many auth.query look-ups waiting";
    return answer;
  }
  auto& callbacks = waiting_[user];
  callbacks.push_back(std::move(done));
  if (callbacks.size() == 1) queue_.push_back({conninfo, query, user});
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  wake_.notify_one();
  return std::nullopt;
}

void VerifierSource::forget(const std::string& user) {
  std::lock_guard lock(mu_);
  cache_.erase(user);
}

void VerifierSource::clear() {
  std::lock_guard lock(mu_);
  cache_.clear();
  ++epoch_;
}

void VerifierSource::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    stop_flag_ = true;
    queue_.clear();
    waiting_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void VerifierSource::run() {
  std::unique_ptr<ShadowConnection> conn;
  std::string conninfo;
  for (;;) {
    Request r;
    uint64_t epoch = 0;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      r = std::move(queue_.front());
      queue_.pop_front();
      epoch = epoch_;
    }
    if (!conn || conninfo != r.conninfo) {
      conninfo = r.conninfo;
      conn = std::make_unique<ShadowConnection>(conninfo, kStatementTimeoutMs, stop_flag_);
    }
    VerifierAnswer answer;
    std::string error;
    ShadowRows rows;
    if (!conn->ensure(error) || !conn->query(r.query, {ShadowValue(r.user)}, {}, {}, rows, error)) {
      answer.kind = VerifierAnswer::Kind::kError;
      answer.error = error;
      conn->reset();  // a failed query may have left the connection mid-transaction or broken
    } else if (!rows.empty() && !rows[0].empty() && rows[0].back()) {
      // (name, verifier) as PgBouncer's auth_query returns; the last column is the secret.
      if (auto v = auth::parse_verifier(*rows[0].back())) {
        answer.kind = VerifierAnswer::Kind::kScram;
        answer.verifier = std::move(*v);
      }
    }
    std::vector<Callback> callbacks;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      if (epoch == epoch_)
        cache_[r.user] = Cached{answer, std::chrono::steady_clock::now()};
      callbacks = std::move(waiting_[r.user]);
      waiting_.erase(r.user);
    }
    for (auto& cb : callbacks) cb(answer);
  }
}

}  // namespace switchyard::proxy
