// The result of rewriting one SQL string, shared by the PostgreSQL and (later) MySQL rewriters.
#pragma once

#include <string>

namespace switchyard::rewrite {

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
  bool parsed = true;     // false: the text did not parse (kUnchanged; the server will say why)
};

}  // namespace switchyard::rewrite
