// The session values a MySQL/MariaDB relay follows to read its client's SQL as the server does
// (LexicalSettings, rewrite/mysql/lexical.h): the server version from the greeting, and sql_mode
// and character_set_client as the server reports them (the session asks it with
// kSettingsQuery after authentication and after any statement that may change them). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rewrite/mysql/lexical.h"

namespace switchyard::rewrite::mysql {

// The query whose one row holds @@SESSION.sql_mode, @@SESSION.character_set_client and the
// current database (NULL when none is selected).
inline constexpr char kSettingsQuery[] = "SELECT @@SESSION.sql_mode, @@SESSION.character_set_client, DATABASE()";

// The greeting's version string ("5.5.5-10.11.6-MariaDB-0+deb12u1", "8.0.36"): version number
// and whether the server is MariaDB. Unparseable digits leave the version as it was.
void follow_server_version(LexicalSettings& s, std::string_view version);

// Sets the flags of `sql_mode` (the server's comma-separated, upper-case list, composite modes
// such as ANSI already expanded into their parts) and the lexer's reading of `charset` (a
// character_set_client name). Returns why the rewriter cannot read statements under them (modes
// that change the grammar: ORACLE, HIGH_NOT_PRECEDENCE), or nullopt.
std::optional<std::string> follow_session(LexicalSettings& s, std::string_view sql_mode, std::string_view charset);

// True if `sql` may change sql_mode, the client character set or the current database: a SET that
// names sql_mode, NAMES, CHARACTER SET, CHARSET or character_set_client, or a USE (the text's
// first word, or any word "use" in a text of several statements). Word matching, no parse: it
// may say true of a statement that changes none of them, which only costs a settings query.
bool may_change_settings(std::string_view sql);

}  // namespace switchyard::rewrite::mysql
