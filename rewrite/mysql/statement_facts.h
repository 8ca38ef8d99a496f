// Cheap questions about a parsed MySQL statement, for the pre-filter, refusals and the rewriter:
// which tables it names (and which it writes), and whether a value in it is volatile (evaluating
// it twice, once per shape of a dual write, could give different answers).
//
// MySQL has no catalog of function volatility like pg_proc, so the built-ins are judged by name
// (builtin_volatility): a list of deterministic ones; everything else, user functions included,
// is volatile. NOW(), UUID(), RAND(), LAST_INSERT_ID(), SYSDATE(), CONNECTION_ID(), UNIX_TIMESTAMP()
// without arguments, NEXT VALUE FOR, and @v := x are volatile. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/mysql/ast.h"
#include "rewrite/volatility.h"

namespace switchyard::rewrite::mysql {

// An identifier's value: `a``b` -> a`b, "a""b" -> a"b (as ANSI_QUOTES spells it), bare -> as is.
std::string identifier_value(std::string_view spelled);

struct TableMention {
  std::string schema;  // "" when unqualified
  std::string name;
  bool written = false;  // INSERT / REPLACE / UPDATE / DELETE / TRUNCATE target
  uint32_t begin = 0;    // the name's byte range in the statement
  uint32_t end = 0;
};

struct StatementFacts {
  Kind statement = Kind::kEmpty;  // the root's kind (kSelect, kSetOp, kWith, kInsert, ...)
  // Every table the statement names, in text order; names that are CTEs of the statement are
  // left out (by name: a CTE shadows a table of that name everywhere in the statement).
  std::vector<TableMention> tables;
  bool is_volatile = false;
  std::string volatile_reason;  // the first volatile function or construct, e.g. "NOW()"
};

StatementFacts statement_facts(const Tree& tree);

// kImmutable for the deterministic built-ins (by name, any case, and argument count for the
// few that care); kVolatile for anything else.
Volatility builtin_volatility(std::string_view name, size_t args);

}  // namespace switchyard::rewrite::mysql
