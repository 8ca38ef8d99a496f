// Requests the proxy itself slips into a session's upstream stream (a Close and a Parse that
// re-prepare a client's statement, a simple Query that re-runs its SQL PREPARE, or the Parse,
// Bind, Execute and Close of the statements an extended-protocol COPY FROM into a migrated table
// runs around the client's COPY), and the replies to them, which the client never asked for and
// must never see.
//
// The backend answers requests in the order they were sent (PostgreSQL docs, "Message Flow"),
// so a FIFO of the requests that get a reply of their own, Parse ('1'), Close ('3'), and the
// Query or Sync that ends with ReadyForQuery ('Z'), pairs each of those replies with its request.
// The client's Bind, Describe and Execute need no entry (the proxy injects its own Bind and
// Execute only together with a Parse before them, so their replies come in a run the FIFO
// fronts), and an error in the extended protocol makes the server skip every message up to the
// next Sync, which the FIFO follows by dropping the entries before that Sync.
//
// What is dropped: ParseComplete, BindComplete and CloseComplete of injected Parse, Bind and
// Close; the CommandComplete (and any DataRow) of an injected Execute, unless it was sent with a
// verb, when its tag is given that verb instead ("INSERT 0 3" -> "COPY 3") and reaches the client;
// and the CommandCompletes and ReadyForQuery of an injected Query. ErrorResponses and notices are
// kept: the client learns why its statement could not be prepared again, or why its COPY failed,
// and then its own request fails as it would have. Pure and I/O-free; touched only on the
// session's thread.
//
// Describe entries (every Describe goes in, since answers pair only in order) pair a
// ParameterDescription ('t') and RowDescription ('T') or NoData ('n') with their request, so
// the session can keep a statement's first answers (describing()).
//
// Memory: consecutive requests of one kind share an entry, so a client pipelining without
// reading costs a count, not an entry per message.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg/framer.h"

namespace switchyard::pg {

class InjectedReplies {
 public:
  enum class Request : uint8_t { kParse, kClose, kQuery, kSync, kDescribe, kBind, kExecute };
  enum class Verdict { kKeep, kDrop, kReplace };

  // Whether a request the caller tagged was carried out: a Parse or Close completed, or was
  // skipped or failed; a Query ran without any error, or not.
  struct Outcome {
    uint32_t tag = 0;
    bool ok = false;
  };

  // A request went upstream; `injected`: the proxy sent it, not the client. A FunctionCall
  // counts as a Query (it ends with ReadyForQuery). `tag` (not 0): report its Outcome.
  void sent(Request r, bool injected, uint32_t tag = 0);
  // The proxy sent an Execute (after its own Parse and Bind) whose CommandComplete reaches the
  // client with `verb` in place of the server's ("COPY"): the tag of the client's COPY.
  void sent_execute(std::string verb);

  // The `n` oldest Syncs the client sent and the proxy reported get no ReadyForQuery: the server
  // ignored them in copy-in mode (copy_in_syncs.h).
  void syncs_ignored(uint64_t n);

  // A backend message of a type in backend_capture(), in stream order. Outcomes of tagged
  // requests it settles are appended to `outcomes`, in request order. For kReplace the whole
  // replacement message is appended to `out`.
  Verdict on_backend(char type, std::string_view body, std::string& out, std::vector<Outcome>& outcomes);
  // The same for a message that is never replaced (every type but CommandComplete).
  Verdict on_backend(char type, std::vector<Outcome>& outcomes);

  // Types on_backend must see: '1', '3', 'E', 'Z', 't', 'T', 'n' always; CommandComplete while
  // an injected Query or Execute is pending, DataRow while an injected Execute is, BindComplete
  // while an injected Bind is.
  TypeSet backend_capture() const;
  // The tag of the Describe that the next 't', 'T' or 'n' answers, or 0.
  uint32_t describing() const;
  // Injected requests whose replies are still to come.
  bool injecting() const { return injected_pending_ > 0; }

 private:
  struct Entry {
    Request kind;
    bool injected;
    bool failed;    // a Query: an ErrorResponse came
    bool has_verb;  // an injected Execute whose tag the client gets, with verbs_.front()
    uint32_t tag;
    uint64_t count;
  };
  void pop_one(std::vector<Outcome>& outcomes, bool ok);
  // An extended-protocol error: the server skips every message up to the next Sync.
  void drop_to_sync(std::vector<Outcome>& outcomes);

  std::deque<Entry> queue_;
  std::deque<std::string> verbs_;  // of the entries with has_verb, in order (kept apart: entries stay small)
  uint64_t injected_pending_ = 0;
  uint64_t injected_queries_ = 0;
  uint64_t injected_binds_ = 0;
  uint64_t injected_executes_ = 0;
};

}  // namespace switchyard::pg
