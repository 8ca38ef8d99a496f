// What the planner decides to shadow for one sampled read, and the session hands to the shadow
// executor (proxy/shadow.h): the read as the client was served it and the same read against the
// other shape. Plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rewrite/mysql/lexical.h"

namespace switchyard::planner {

struct ShadowRead {
  std::string migration;
  // The statement's shape with its literals lifted out (Dialect::shape); logged
  // as given, so that mismatches of one query group together.
  std::string fingerprint;
  bool served_is_new = false;  // the client read the new shape; `other_sql` reads the old one
  // Exactly one statement each (PostgreSQL runs them through the extended protocol, MySQL as
  // text-protocol queries); both take `params`.
  std::string served_sql;
  std::string other_sql;
  // Values of $1.. as the client bound them (nullopt is NULL); empty for the simple protocol.
  std::vector<std::optional<std::string>> params;
  // Per parameter: its format (0 text, 1 binary) and type OID (0: the server infers it, as it
  // did for the client). Empty: all text, all inferred. A binary value always has its type.
  std::vector<int> param_formats;
  std::vector<uint32_t> param_types;
  bool ordered = false;         // the query has ORDER BY: compare row by row, not as multisets
  double float_tolerance = 0;   // ShadowSpec::float_tolerance
  bool redact_parameters = true;  // log "$1".. instead of the values
  // MySQL / MariaDB: the sql_mode flags the texts were read and written under (the session's);
  // the MySQL shadow connection reads them under the same. Unused for PostgreSQL.
  rewrite::mysql::LexicalSettings mysql_lexical;
};

}  // namespace switchyard::planner

namespace switchyard::proxy {
using planner::ShadowRead;  // the executor's currency
}  // namespace switchyard::proxy
