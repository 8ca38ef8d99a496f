// The result of rewriting one SQL string, shared by the PostgreSQL and (later) MySQL rewriters.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/write_script.h"

namespace switchyard::rewrite {

// Which shape each migration's reads are served from, for one session: bit i stands for the
// migration at index i of the catalog (at most 64, which config validation enforces). A set bit
// means "serve this migration's reads from the new shape".
struct ReadRoute {
  uint64_t new_mask = 0;
  bool reads_new(size_t migration_index) const { return migration_index < 64 && ((new_mask >> migration_index) & 1u); }
  bool operator==(const ReadRoute&) const = default;
};

// What the client must see for one top-level statement of a rewritten text, when the rewrite
// changed the statement's outer command (two-table migrations run the original write in a CTE
// and the mirror around it), or added statements the client never sent (COPY FROM through a
// temporary table, copy_from.h), so that the session can restore the original's replies.
struct Completion {
  bool patched = false;        // false: relay this statement's replies unchanged
  std::string tag_verb;        // the original's command: CommandComplete becomes "<verb> n"
                               // ("INSERT 0 n" for INSERT)
  bool suppress_rows = false;  // the original returned no rows: drop its RowDescription and DataRows,
                               // and answer Describe with NoData
  bool drop_tag = false;       // the client did not send this statement: drop its CommandComplete
                               // (its errors and notices still reach the client)
  bool operator==(const Completion&) const = default;
};

// Why a statement was refused, for the counters (a small fixed set; the message says the rest).
// Each row: (enumerator, the label of switchyard_statements_total{reason=...}).
#define SWITCHYARD_REFUSAL_REASONS(X)                                                      \
  X(kUnsupportedForm, "unsupported_form") /* a write form the rewriter cannot mirror yet */ \
  X(kVolatile, "volatile")                /* a value copied into both shapes may differ */   \
  X(kServerSideCode, "server_side_code")  /* a function, trigger or rule writes one shape */ \
  X(kRewriteFailed, "rewrite_failed")     /* the rewritten text could not be printed */

enum class RefusalReason : uint8_t {
#define SWITCHYARD_REFUSAL_ENUM(e, label) e,
  SWITCHYARD_REFUSAL_REASONS(SWITCHYARD_REFUSAL_ENUM)
#undef SWITCHYARD_REFUSAL_ENUM
};
#define SWITCHYARD_REFUSAL_COUNT(e, label) +1
inline constexpr size_t kRefusalReasons = 0 SWITCHYARD_REFUSAL_REASONS(SWITCHYARD_REFUSAL_COUNT);
#undef SWITCHYARD_REFUSAL_COUNT

inline std::string_view to_string(RefusalReason r) {
  switch (r) {
#define SWITCHYARD_REFUSAL_LABEL(e, label) \
  case RefusalReason::e: return label;
    SWITCHYARD_REFUSAL_REASONS(SWITCHYARD_REFUSAL_LABEL)
#undef SWITCHYARD_REFUSAL_LABEL
  }
  return "unsupported_form";
}

// A COPY FROM into a migrated table sent in a Parse (the extended protocol), which holds one
// statement where the mirror needs four (rewrite/pg/copy_from.h): the Parse holds `copy`, the
// COPY into the temporary table; the session runs `before` ahead of each Execute of it and
// `after` once the client's CopyDone has gone up, all before the client's Sync, so the four run in
// one transaction as they do in a simple Query. `after_completions` restores what the client
// sees of `after` (the mirrored INSERT's tag becomes "COPY n"); the COPY's own tag is dropped.
struct ExtendedCopy {
  std::string before;               // CREATE TEMPORARY TABLE pg_temp."_switchyard_copy_0" (...)
  std::string copy;                 // COPY pg_temp."_switchyard_copy_0" (...) FROM STDIN ...
  std::vector<std::string> after;   // the mirrored INSERT ... SELECT, then DROP TABLE
  std::vector<Completion> after_completions;  // one per `after` statement
};

struct RewriteResult {
  enum class Kind {
    kUnchanged,  // relay the original text
    kRewritten,  // relay `sql` instead
    kRefused,    // the text writes a migrated relation in a way that cannot be mirrored exactly
  };
  Kind kind = Kind::kUnchanged;
  std::string sql;        // kRewritten: the new text
  std::string migration;  // kRefused (and kRewritten): the migration concerned
  std::string reason;     // kRefused: why, for the client's error message
  RefusalReason code = RefusalReason::kUnsupportedForm;  // kRefused: the reason's class, for counters
  // kUnchanged under `on_unsupported: pass`: the migration whose refusal was waived (empty if
  // none), and why it would have refused. The statement is relayed as written.
  std::string passed_migration;
  RefusalReason passed_code = RefusalReason::kUnsupportedForm;
  bool parsed = true;     // false: the text did not parse (kUnchanged; the server will say why)
  // kRewritten: one entry per top-level statement when any statement's replies must be patched;
  // empty when the server's replies can be relayed as they are.
  std::vector<Completion> completions;
  // The text holds a COPY FROM into a migrated table, rewritten into several statements, which
  // only a simple Query may carry: a Parse of it must be refused, or, when the text is that one
  // COPY, sent as `extended_copy` says.
  bool simple_query_only = false;
  std::shared_ptr<const ExtendedCopy> extended_copy;
  // kRewritten (MySQL's two-table migrations): the statements the session runs in place of the
  // text, in a transaction or savepoint of its own (write_script.h); `sql` is then the write alone,
  // for the logs. Only a text of one statement, sent as a query (not prepared), carries one.
  std::optional<WriteScript> script;
  // Bit i: the text reads a relation of catalog migration i (for routing metrics and shadow reads).
  uint64_t reads_mask = 0;
  // The text is one read whose top-level query has ORDER BY (shadow reads compare in order).
  bool ordered = false;
  // The text is exactly one plain read: a SELECT (or VALUES/TABLE) with no data-modifying CTE and
  // no locking clause, which a shadow read may run again on another connection.
  bool single_read = false;
};

}  // namespace switchyard::rewrite
