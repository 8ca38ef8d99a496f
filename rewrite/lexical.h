// The session settings that change how a server's lexer reads SQL text, as a session follows
// them and the planner and rewrite cache are given them. Dialect-neutral: PostgreSQL reports
// standard_conforming_strings and client_encoding (ParameterStatus; rewrite/pg/lexical.h says
// what each changes); MySQL's counterparts are sql_mode's NO_BACKSLASH_ESCAPES and
// character_set_client (issue 14). Plain data; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/mysql/lexical.h"

namespace switchyard::rewrite {

struct Lexical {
  bool standard_strings = true;  // a backslash in a plain literal is an ordinary character
                                 // (standard_conforming_strings on; MySQL: NO_BACKSLASH_ESCAPES)
  std::string client_encoding = "UTF8";
  // Nothing relayed before the statement being planned still awaits its ReadyForQuery, so the
  // server reads it under exactly these values (one still in flight may change them).
  bool settled = true;
  // MySQL / MariaDB: the session's sql_mode flags, character_set_client and server version as
  // its lexer and the rewriter need them (rewrite/mysql/lexical.h; its no_backslash_escapes
  // and standard_strings agree). Unused for PostgreSQL.
  mysql::LexicalSettings mysql;
  // MySQL / MariaDB: the session's current database (DATABASE(); "" when none or not known), in
  // which an unqualified table name is looked up. Not lexical, but it decides which table a text
  // names, so a rewrite depends on it (and the cache keys by it).
  std::string database;
  // MySQL / MariaDB: why the session's settings cannot be read as the server reads them (not
  // known yet, or a sql_mode whose grammar the parser does not follow); while set, a statement
  // that names a migrated table is refused with it. Empty: they are known.
  std::string unfollowed;

  // A client encoding whose characters may hold ASCII bytes (rewrite/pg/lexical.h names them).
  bool unsafe_encoding() const;
  // Follows one reported setting by its PostgreSQL name (standard_conforming_strings,
  // client_encoding); other names are ignored. Defined in rewrite/pg/lexical.cpp.
  void follow(std::string_view name, std::string_view value);
};

struct StringReading {
  bool ok = true;                 // false: a string, identifier or comment does not end (the server says why)
  std::string text;               // `sql` as read with standard_conforming_strings = on (the same bytes if it was)
  bool plain_backslash = false;   // a plain '...' literal holds a backslash: the two settings read it differently
};

}  // namespace switchyard::rewrite
