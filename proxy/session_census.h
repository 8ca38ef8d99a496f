// Which configuration generation every session runs under, and under which generations the
// statements the sessions hold upstream were prepared: what /status reports as sessions and
// statements still behind the phase in force, and what `switchyard contract` checks before it
// drops the old shape.
//
// Thread-safe (one mutex). Sessions publish only when something changed, at a request's end
// (ReadyForQuery) or when they adopt a generation, so the statement path takes no lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace switchyard::proxy {

struct Generation;

class SessionCensus {
 public:
  // Per (stamp generation, mask of the catalog migrations its plan touches): statements held.
  // Generation 0: the server's copy is unknown, and the statement is prepared again at next use.
  using Statements = std::map<std::pair<uint64_t, uint64_t>, int64_t>;
  // Session `id` runs under `generation` and holds `statements`.
  void publish(uint64_t id, const std::shared_ptr<const Generation>& generation, const Statements& statements);
  void remove(uint64_t id);

  struct MigrationBehind {
    std::string migration;
    int64_t sessions_behind = 0;       // sessions under a generation with another phase for it
    int64_t statements_old_shape = 0;  // statements touching it, planned under another phase for it
  };
  struct Snapshot {
    std::vector<MigrationBehind> migrations;  // those of `current`, in config order
    int64_t prepared_statements = 0;          // held by all sessions
    int64_t prepared_statements_max = 0;      // held by the session that holds most
  };
  Snapshot snapshot(const Generation& current) const;

 private:
  struct Report {
    uint64_t generation = 0;
    Statements statements;
    int64_t held = 0;
  };
  void collect();  // drops generations no report names

  mutable std::mutex mu_;
  std::map<uint64_t, Report> reports_;
  std::map<uint64_t, std::shared_ptr<const Generation>> generations_;
};

}  // namespace switchyard::proxy
