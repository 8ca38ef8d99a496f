// The words the MySQL front end recognises, told apart at lexing so the parser compares small
// integers rather than strings. Each is marked reserved (MySQL 8 / MariaDB 10.11 reserve it: it
// cannot be an unquoted identifier or an implicit alias) or not. Words not listed are plain
// identifiers (Kw::kNone). Pure; no allocation.
#pragma once

#include <cstdint>
#include <string_view>

namespace switchyard::rewrite::mysql {

// X(name, reserved); the enumerators are k<NAME> (Kw::kSELECT), as NULL is a macro.
#define SWITCHYARD_MYSQL_KEYWORDS(X)                                                                     \
  X(ALL, 1) X(AND, 1) X(ANY, 0) X(AS, 1) X(ASC, 1) X(BETWEEN, 1) X(BINARY, 1) X(BOTH, 1) X(BY, 1)        \
  X(CASE, 1) X(CAST, 0) X(CHAR, 1) X(CHARACTER, 1) X(CHARSET, 0) X(COLLATE, 1) X(CONVERT, 1)             \
  X(CROSS, 1) X(CURRENT_DATE, 1) X(CURRENT_TIME, 1) X(CURRENT_TIMESTAMP, 1) X(CURRENT_USER, 1)           \
  X(DATE, 0) X(DAY, 0) X(DEFAULT, 1) X(DELAYED, 1) X(DELETE, 1) X(DESC, 1) X(DISTINCT, 1)                \
  X(DISTINCTROW, 1) X(DIV, 1) X(DUPLICATE, 0) X(ELSE, 1) X(END, 0) X(ESCAPE, 0) X(EXCEPT, 1)             \
  X(EXISTS, 1) X(EXTRACT, 0) X(FALSE, 1) X(FOR, 1) X(FORCE, 1) X(FROM, 1) X(FULL, 0) X(GROUP, 1)         \
  X(HAVING, 1) X(HIGH_PRIORITY, 1) X(IGNORE, 1) X(IN, 1) X(INDEX, 1) X(INNER, 1) X(INSERT, 1)            \
  X(INTERSECT, 1) X(INTERVAL, 1) X(INTO, 1) X(IS, 1) X(JOIN, 1) X(KEY, 1) X(LATERAL, 1) X(LEADING, 1)    \
  X(LEFT, 1) X(LIKE, 1) X(LIMIT, 1) X(LOCALTIME, 1) X(LOCALTIMESTAMP, 1) X(LOCK, 1) X(LOCKED, 0)         \
  X(LOW_PRIORITY, 1) X(MEMBER, 0) X(MINUS, 0) X(MOD, 1) X(MODE, 0) X(NATURAL, 1) X(NEXT, 0) X(NOT, 1)   \
  X(NOWAIT, 0) X(NULL, 1) X(OF, 1) X(OFFSET, 0) X(ON, 1) X(OR, 1) X(ORDER, 1) X(OUTER, 1) X(OVER, 0)     \
  X(PARTITION, 1) X(POSITION, 0) X(QUICK, 0) X(RECURSIVE, 1) X(REGEXP, 1) X(REPLACE, 1)                  \
  X(RETURNING, 0) X(RIGHT, 1) X(RLIKE, 1) X(ROLLUP, 0) X(ROW, 0) X(SELECT, 1) X(SEPARATOR, 1)            \
  X(SET, 1) X(SHARE, 0) X(SIGNED, 0) X(SKIP, 0) X(SOME, 0) X(SOUNDS, 0) X(SQL_BIG_RESULT, 1)             \
  X(SQL_BUFFER_RESULT, 0) X(SQL_CACHE, 0) X(SQL_CALC_FOUND_ROWS, 1) X(SQL_NO_CACHE, 0)                   \
  X(SQL_SMALL_RESULT, 1) X(STRAIGHT_JOIN, 1) X(SUBSTR, 0) X(SUBSTRING, 0) X(TABLE, 1) X(THEN, 1)         \
  X(TIME, 0) X(TIMESTAMP, 0) X(TRAILING, 1) X(TRIM, 0) X(TRUE, 1) X(TRUNCATE, 0) X(UNION, 1)             \
  X(UNKNOWN, 0) X(UNSIGNED, 1) X(UPDATE, 1) X(USE, 1) X(USING, 1) X(UTC_DATE, 1) X(UTC_TIME, 1)          \
  X(UTC_TIMESTAMP, 1) X(VALUE, 0) X(VALUES, 1) X(WAIT, 0) X(WHEN, 1) X(WHERE, 1) X(WINDOW, 1)            \
  X(WITH, 1) X(XOR, 1)

enum class Kw : uint16_t {
  kNone,
#define SWITCHYARD_KW_ENUM(name, reserved) k##name,
  SWITCHYARD_MYSQL_KEYWORDS(SWITCHYARD_KW_ENUM)
#undef SWITCHYARD_KW_ENUM
};

// The keyword spelled `word` (any case), or Kw::kNone.
Kw lookup_keyword(std::string_view word);
inline constexpr bool kReserved[] = {
    false,  // kNone
#define SWITCHYARD_KW_RESERVED(name, reserved) reserved != 0,
    SWITCHYARD_MYSQL_KEYWORDS(SWITCHYARD_KW_RESERVED)
#undef SWITCHYARD_KW_RESERVED
};
inline bool is_reserved(Kw kw) { return kReserved[static_cast<size_t>(kw)]; }
// The keyword's canonical (upper-case) spelling; "" for kNone.
std::string_view keyword_text(Kw kw);
// ASCII case-insensitive equality, as MySQL compares keywords and built-in function names.
bool same_word(std::string_view a, std::string_view b);

}  // namespace switchyard::rewrite::mysql
