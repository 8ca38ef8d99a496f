// A statement's shape: its text with every literal constant replaced by a placeholder $N
// (numbered after the statement's own parameters), found as PostgreSQL's own lexer finds them. Writes
// that differ only in their literals (what a simple-protocol client sends, e.g.
// `UPDATE t SET a = a + 7 WHERE id = 42`) share one shape, so their rewrite is computed once and
// the literals are put back into it.
//
// Rewriting never depends on a literal's value, only on where it stands; a shape that does not
// parse (a typed literal such as DATE '2024-01-01' becomes DATE $3) must not be used: callers
// rewrite the original text instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/shape.h"

namespace switchyard::rewrite::pg {

using rewrite::Shape;  // rewrite/shape.h

// nullopt if the text does not scan (the server will report why), or when a placeholder would
// join the word before it (`date'2024-01-01'` is not `date$1`). scanned_shape_of when
// fast_shape_of declines.
std::optional<Shape> shape_of(std::string_view sql);

// The shape by libpg_query's scanner (pg_query_scan), whose result comes packed in protobuf and
// is unpacked again: about 20,000 instructions for a pgbench UPDATE, most of them packing.
std::optional<Shape> scanned_shape_of(std::string_view sql);

// The shape by a scan of the part of PostgreSQL's lexical rules that ORMs and pgbench write
// (words, "identifiers", '' strings with standard_conforming_strings on, numbers, $n, comments,
// operators), about a tenth of the cost; nullopt (declined) at anything else: E'', B'', X'',
// U&'', N'' and a word against a quote, dollar quotes, string continuation across a newline, a
// number with trailing junk, a backslash outside a string, control bytes, NUL, what does not
// end. What it accepts it must shape exactly as scanned_shape_of does (literals_test.cpp over
// the corpora, and the pg_rewrite fuzzer on every input).
std::optional<Shape> fast_shape_of(std::string_view sql);

// `shaped_sql` (typically a rewrite of shape.text) with each placeholder $first.. put back as
// its literal. Placeholders inside quoted strings or identifiers are left alone. nullopt if a
// placeholder is out of range.
std::optional<std::string> with_literals(std::string_view shaped_sql, const Shape& shape);

}  // namespace switchyard::rewrite::pg
