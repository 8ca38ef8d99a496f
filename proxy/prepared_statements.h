// The statements one client session has prepared, protocol-level (Parse / Close) and SQL-level
// (PREPARE / DEALLOCATE / DISCARD ALL), with what the upstream holds under each name and the
// plan it was made under. This is what lets a statement prepared under one phase follow every
// later phase flip: when the session adopts another generation or canary route, each statement
// is planned again at its next use and, if its upstream text differs, prepared again under the
// client's own name before that use (docs/architecture.md, "Prepared statements").
//
// Names: the upstream holds each statement under the client's own name, so the server's
// namespace is exactly the client's and a re-prepare (Close, then Parse, of that name) can never
// collide with a name the client uses or will use; Binds, Describes and Executes pass through
// unchanged, and the client's own Close and DEALLOCATE keep working. PgBouncer and PgDog name
// server statements themselves because their server connections are shared between clients;
// switchyard's are not, so it needs no renaming, and no Bind is copied to rename it.
//
// Changes follow the server: a Parse (or single-statement PREPARE) is pending until its reply
// says whether the server took it, since a failed Parse leaves the old statement of that name
// in place. Pure bookkeeping: no I/O; touched only on the session's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg/reply_tracker.h"
#include "proxy/metrics.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

// The generation and read route a statement's upstream text was planned under.
struct PlanStamp {
  uint64_t generation = 0;  // 0: never planned, or the server's copy is unknown
  rewrite::ReadRoute route;
  bool operator==(const PlanStamp&) const = default;
};

struct PreparedStatement {
  bool sql_level = false;              // PREPARE: re-prepared with SQL, with `sql_types`
  std::string text;                    // the client's statement text
  std::vector<uint32_t> param_types;   // Parse: as the client declared them (0: inferred)
  std::string sql_types;               // PREPARE: the parenthesised type list as written

  // The server's copy.
  PlanStamp stamp;
  std::string upstream_text;           // what the server prepared when not `text` (the rewrite, or
                                       // the refusal when refused); empty: `text` itself
  const std::string& upstream() const { return upstream_text.empty() ? text : upstream_text; }
  bool refused = false;                // a parameterless statement raising the refusal
  std::optional<pg::ReplyPatch> patch;  // two-table rewrites: the replies to restore
  // A COPY FROM into a migrated table: what runs around each Execute of it (pg_copy.cpp).
  std::shared_ptr<const rewrite::ExtendedCopy> copy;

  // What each use of it does under its plan, for metrics and shadow reads.
  uint64_t reads_mask = 0;             // bit i: reads catalog migration i
  WriteCount write_count;              // how each use of it counts as a write
  bool shadow = false;                 // a plain read a shadow read may sample
  uint64_t touches = 0;                // bit i: its plan reads or writes catalog migration i

  // What the client was told about it before any re-prepare (bodies of the first
  // ParameterDescription and RowDescription), so that it is told the same after one: the
  // parameter types are pinned in the re-prepare's Parse, and each RowDescription gets its
  // columns' table and attribute numbers back (protocol/pg/describe.h).
  std::string described_params;
  std::string described_rows;
  bool reprepared = false;             // the server's copy was made by the proxy
};

class PreparedStatements {
 public:
  // The statement `name` ("" the unnamed one) as the session last sent it, pending or not.
  PreparedStatement* find(std::string_view name);
  size_t size() const { return statements_.size(); }

  // A request that changes `name` went upstream: a Parse or PREPARE (`s`), or a Close or
  // DEALLOCATE (nullopt). The change is in force at once, for the requests pipelined behind
  // it, until rollback(tag).
  // Several changes may share a tag (the statements of one Query); they unwind last first.
  // `uncertain`: the request is one statement of a multi-statement Query, which may have run
  // even if the Query failed; what a rollback restores is then marked unknown, to be prepared
  // again at its next use.
  void put_pending(uint32_t tag, const std::string& name, std::optional<PreparedStatement> s, bool uncertain = false);
  // DEALLOCATE ALL or DISCARD ALL went upstream: every statement is gone until rollback(tag).
  void clear_pending(uint32_t tag, bool uncertain = false);
  // The server took the request / did not (outcomes of one batch: commits in order, rollbacks
  // last first, so a stack of changes to one name unwinds to what the server holds).
  void commit(uint32_t tag);
  void rollback(uint32_t tag);
  // The unnamed statement, which every simple Query destroys on the server.
  void forget_unnamed();
  // The server's copy of `s` is unknown (a re-prepare failed): prepare it again at next use.
  void make_unknown(PreparedStatement& s);
  // Put without waiting for an answer (a PREPARE inside a multi-statement Query: the server's
  // copy is unknown, so its stamp is 0 and its next use prepares it again).
  void put(const std::string& name, PreparedStatement s);

  // Stamps: statements not planned under `current` are stale until their next use.
  void set_current(PlanStamp current);
  const PlanStamp& current() const { return current_; }
  bool stale(const PreparedStatement& s) const { return !(s.stamp == current_); }
  // `s` (a statement of this registry) planned again: replaced by `next`.
  void replace(PreparedStatement& s, PreparedStatement next);

  // Whether every Bind and Describe must be looked at: a statement is stale, refused, read or
  // written through a migration, or a shadow candidate.
  bool needs_bind() const;
  // Statements per (stamp generation, touches), for the census of what runs an older plan
  // (generation 0: the server's copy is unknown).
  using Census = std::map<std::pair<uint64_t, uint64_t>, int64_t>;
  const Census& by_generation() const { return by_generation_; }

 private:
  void count(const PreparedStatement& s, int delta);

  std::map<std::string, PreparedStatement, std::less<>> statements_;
  struct Pending {
    std::string name;
    std::optional<PreparedStatement> previous;
    bool uncertain = false;
    bool all = false;  // clear_pending: `everything` holds what was cleared
    std::map<std::string, PreparedStatement, std::less<>> everything;
  };
  void insert(const std::string& name, PreparedStatement s);  // replaces, counted
  std::map<uint32_t, std::vector<Pending>> pending_;
  Census by_generation_;
  PlanStamp current_;
  size_t stale_ = 0;        // statements whose stamp is not current_
  size_t interesting_ = 0;  // refused, shadow, reading or writing a migration
};

}  // namespace switchyard::proxy
