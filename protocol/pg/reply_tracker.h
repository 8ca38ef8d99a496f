// Matching the backend's replies to the requests the frontend sent (PostgreSQL docs,
// "Message Flow": Simple Query, Extended Query, Function Call), so that the proxy can restore
// what the client would have seen for a statement whose outer command it rewrote: a two-table
// migration runs the original write inside a CTE and the mirror around it, so the server
// answers `SELECT n` where the client expects `UPDATE n`, and sends rows where the original
// returned none; and a COPY FROM into a migrated table runs as four statements (a temporary
// table, the COPY into it, the mirrored INSERT from it, its DROP) of which the client must see
// one COPY.
//
// Pure and I/O-free. The session reports every request it forwards upstream (on_query,
// on_parse, ...) and shows every backend message of the types in backend_capture() to
// on_backend(), which says whether to keep, drop or replace it. The tracker follows the
// protocol's rules: replies come in request order; after an ErrorResponse in the extended
// protocol the server skips everything up to the next Sync; ReadyForQuery ends a Query or a
// Sync. Requests for which nothing needs patching still take their place in the queue, since
// their replies come before those of later requests.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg/framer.h"

namespace switchyard::pg {

// How the replies of one rewritten statement differ from what the client expects.
struct ReplyPatch {
  std::string tag_verb;        // CommandComplete "SELECT n" becomes "<verb> n" ("INSERT 0 n")
  bool suppress_rows = false;  // drop RowDescription and DataRows; Describe answers NoData
  bool drop_tag = false;       // drop CommandComplete: a statement the client did not send
};

class ReplyTracker {
 public:
  enum class Verdict { kKeep, kDrop, kReplace };

  // Frontend requests, in the order they are sent upstream. `per_statement[i]` is the patch of
  // the i-th statement of a simple Query (nullopt or absent: none).
  void on_query(std::vector<std::optional<ReplyPatch>> per_statement);
  void on_parse(std::string_view statement, std::optional<ReplyPatch> patch);
  // The proxy prepared `statement` again (its own Parse, whose replies the client never sees):
  // its patch changes, and no request is queued.
  void on_reprepare(std::string_view statement, std::optional<ReplyPatch> patch);
  void on_bind(std::string_view portal, std::string_view statement);
  void on_describe(char kind, std::string_view name);  // kind 'S' or 'P'
  void on_execute(std::string_view portal);
  void on_close(char kind, std::string_view name);
  void on_sync();
  // The `n` oldest Syncs reported get no ReadyForQuery: the server ignored them in copy-in mode
  // (copy_in_syncs.h). A Sync sent in copy-in mode is not reported at all.
  void on_syncs_ignored(size_t n);
  void on_function_call();

  // A backend message of a type in backend_capture(). For kReplace the whole replacement message
  // is appended to `out`.
  Verdict on_backend(char type, std::string_view body, std::string& out);

  // The backend message types on_backend must see now: the completions always, DataRow only
  // while a pending request may need its rows dropped.
  TypeSet backend_capture() const;
  // Requests whose replies have not all arrived yet.
  size_t pending() const { return queue_.size(); }

 private:
  enum class Kind { kQuery, kParse, kBind, kDescribeStatement, kDescribePortal, kExecute, kClose, kSync, kFunctionCall };
  struct Request {
    Kind kind = Kind::kSync;
    std::optional<ReplyPatch> patch = std::nullopt;        // Describe, Execute
    std::vector<std::optional<ReplyPatch>> statements = {};  // Query
    size_t index = 0;                                      // Query: the statement being answered
    bool failed = false;                                   // Query: an error ended it
  };

  void push(Request r);
  void pop_front();
  const ReplyPatch* current_patch() const;  // of the front request's current statement
  std::optional<ReplyPatch> lookup(const std::map<std::string, ReplyPatch, std::less<>>& m, std::string_view name) const;
  void recount();

  std::deque<Request> queue_;
  std::map<std::string, ReplyPatch, std::less<>> statements_;  // prepared statements with a patch
  std::map<std::string, ReplyPatch, std::less<>> portals_;     // portals bound to them
  bool skipping_to_sync_ = false;  // an extended-protocol error arrived before its Sync was sent
  size_t suppressing_ = 0;         // pending requests that may drop rows
};

// CommandComplete's tag with its verb replaced: ("SELECT 3", "UPDATE") -> "UPDATE 3",
// ("SELECT 3", "INSERT") -> "INSERT 0 3". Unchanged if the tag has no row count.
std::string patched_tag(std::string_view tag, std::string_view verb);

}  // namespace switchyard::pg
