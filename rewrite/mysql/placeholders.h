// A prepared statement's text with its ? placeholders replaced by the values of one execution,
// as SQL literals (mysql::binary_value_literal): the plain read a MySQL session's shadow
// compares for a sampled COM_STMT_EXECUTE, so that it runs on the shadow connection as any
// COM_QUERY read does. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/mysql/lexical.h"

namespace switchyard::rewrite::mysql {

// `sql` read under `settings`, each ? token (never one inside a string, an identifier or a
// comment) replaced in order by values[i], with a space on each side so that it cannot join
// the tokens around it. nullopt when the text does not lex or holds another number of
// placeholders than `values`.
std::optional<std::string> with_parameters(std::string_view sql, const std::vector<std::string>& values,
                                           const LexicalSettings& settings);

}  // namespace switchyard::rewrite::mysql
