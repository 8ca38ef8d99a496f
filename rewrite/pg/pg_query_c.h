// The C API of libpg_query (the PostgreSQL 15 parser) and the protobuf-c structs of its parse
// tree, included as system headers so their C idioms never trip our C++ warning flags. Every file
// in rewrite/pg/ includes the parser through this header, never directly.
#pragma once
#pragma GCC system_header

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <protobuf-c/protobuf-c.h>
