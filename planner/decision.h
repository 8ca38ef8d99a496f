// What the planner (planner/planner.h) makes of one statement: the whole decision as a value, so
// that a session only moves bytes and applies it. Dialect-neutral plain data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/shadow_read.h"
#include "rewrite/ddl_finding.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::planner {

// The statement to plan.
struct Statement {
  enum class Kind {
    kQuery,    // run now (a simple Query, a SQL EXECUTE's read): counted and sampled now
    kPrepare,  // prepared under `name`, run at each use: counted and sampled per use
  };
  Kind kind = Kind::kQuery;
  std::string_view sql;
  // kPrepare: the statement's name as the client gave it ("" the unnamed one; a MySQL session
  // gives its statement id as text). Not part of the plan: the same text plans the same
  // under any name.
  std::string_view name;
};

// How each execution of a planned statement counts as a write (switchyard_statements_total).
struct WriteCounting {
  enum class Route : uint8_t {
    kNone,       // not a parsed write: reads are counted apart
    kRewritten,  // mirrored into both shapes (or translated)
    kRefused,    // refused for `reason`
    kPassed,     // parsed, relayed as written: nothing to mirror, or a refusal for `reason`
                 // waived by on_unsupported: pass (then `migration` is set)
  };
  Route route = Route::kNone;
  std::string migration;  // the migration concerned; may be empty for kPassed
  rewrite::RefusalReason reason = rewrite::RefusalReason::kUnsupportedForm;
  bool operator==(const WriteCounting&) const = default;
};

// Why a statement is refused, for the client and the counters.
struct Refusal {
  enum class Source : uint8_t {
    kMigration,  // the rewriter: a write that cannot be mirrored exactly
    kDdlLint,    // ddl_lint: block
  };
  Source source = Source::kMigration;
  std::string_view sqlstate = "0A000";  // feature_not_supported
  std::string message;             // the client's error text
  std::string migration;           // kMigration: the migration concerned
  std::string reason;              // kMigration: the rewriter's reason (logs, recent refusals)
  rewrite::RefusalReason code = rewrite::RefusalReason::kUnsupportedForm;  // kMigration
};

struct Decision {
  enum class Action {
    kRelay,    // send the client's text as it is
    kReplace,  // send `text` instead
    kRefuse,   // send `text`, which makes the server raise `refusal` itself
  };
  Action action = Action::kRelay;
  std::string text;  // kReplace: the rewritten text; kRefuse: the raising statement (no parameters)
  Refusal refusal;   // kRefuse
  // kReplace: the migration whose write was mirrored or whose reads were translated (may be empty).
  std::string migration;
  // kReplace: one entry per top-level statement when replies must be restored (two-table
  // migrations); empty when the server's replies can be relayed as they are.
  std::vector<rewrite::Completion> completions;
  // kReplace: the statements a MySQL session runs in place of the text (rewrite/write_script.h).
  std::optional<rewrite::WriteScript> script;
  // kReplace of a Parse: a COPY FROM into a migrated table, `text` being its COPY into the
  // temporary table; what the session sends around each Execute of it (rewrite_result.h).
  std::shared_ptr<const rewrite::ExtendedCopy> copy;

  bool writes = false;       // the text may write (the dialect's write keywords, or server code)
  bool parsed = true;        // false: the rewriter could not parse it (the server will say why)
  uint64_t reads_mask = 0;   // bit i: a read of catalog migration i, counted at each execution
  uint64_t touches = 0;      // bit i: the plan reads or writes catalog migration i
  WriteCounting counting;    // at each execution
  // A plain single read that a shadow read may sample: the migration (catalog index) it is
  // compared for.
  std::optional<size_t> shadow_candidate;
  // Statement::kQuery only: the shadow read sampled for this execution.
  std::optional<ShadowRead> shadow;

  // For the logs: a refusal waived by `on_unsupported: pass` (empty: none), and the DDL lint's
  // findings under `ddl_lint: warn` (each logged and counted as warned).
  std::string passed_migration;
  rewrite::RefusalReason passed_code = rewrite::RefusalReason::kUnsupportedForm;
  std::vector<rewrite::DdlFinding> ddl_warnings;
  size_t ddl_blocked = 0;  // Refusal::kDdlLint: how many findings the text had

  // The text the server is to run: the client's, or `text`.
  std::string_view upstream(std::string_view client_sql) const {
    return action == Action::kRelay ? client_sql : std::string_view(text);
  }
};

}  // namespace switchyard::planner
