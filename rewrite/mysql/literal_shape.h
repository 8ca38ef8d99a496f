// Literal shapes of MySQL text, for the rewrite cache (proxy/rewrite_cache.h): statements that
// differ only in their literals share one rewrite. The client's string literals and plain
// numbers are lifted out and stand in the shape as sentinels of the same kind (a string
// 'sy~lit~N~', an integer 8437519260000000000 + N, a decimal 8437519260.1000000+N), so the
// rewriter reads the shape exactly as it reads the text (a `?` would not do: the rewriter treats
// placeholders apart, and MySQL has no numbered ones); with_literals puts the originals back in
// place of every sentinel token the rewrite kept, copied or moved. Not lifted: numbers of an
// ORDER BY / GROUP BY list (positions, which read as columns), X'..', B'..', N'..', exponents.
// A text holding a `?` has no shape. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rewrite/mysql/lexical.h"
#include "rewrite/shape.h"

namespace switchyard::rewrite::mysql {

// nullopt when the text does not lex, holds a placeholder, or has no literal to lift.
std::optional<Shape> literal_shape(std::string_view sql, const LexicalSettings& settings);

// `rewritten` (a rewrite of shape.text) with each sentinel token replaced by its literal; nullopt
// when it does not lex or names a sentinel the shape does not have.
std::optional<std::string> fill_literals(std::string_view rewritten, const Shape& shape, const LexicalSettings& settings);

}  // namespace switchyard::rewrite::mysql
