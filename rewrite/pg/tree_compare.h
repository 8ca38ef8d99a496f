// Comparing parse trees as the parser would make them from different texts: the same statement
// printed again differs only in its `location` fields (byte offsets into the text it came from).
// Used to check that a deparsed rewrite parses back to the tree that was meant (rewriter.cpp).
#pragma once

#include <cstdint>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

// True when `a` and `b` (any two messages of the parse tree, e.g. two statements' `stmt` nodes)
// are equal in every field except location, stmt_location and stmt_len. Null equals only null.
// Reads both only, without copying or allocating.
bool same_tree(const ProtobufCMessage* a, const ProtobufCMessage* b);

// SQL for one statement that parses back to exactly `stmt` (locations aside), or an error when
// libpg_query cannot print it so: the guarantee that a rewrite sends what was meant.
DeparseOutcome deparse_faithfully(const PgQuery__RawStmt* stmt);

// The message's own `location` (a byte offset into the text it was parsed from; -1 unknown), or
// -1 when its type has none.
std::int32_t location_of(const ProtobufCMessage* m);

}  // namespace switchyard::rewrite::pg
