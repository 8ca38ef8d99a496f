// How a name from the config is spelt in SQL. Every name in the config (schema, table, column,
// key) is an exact identifier as the catalog stores it, case-sensitive: `createdAt` is the
// column PostgreSQL shows as createdAt, which SQL must write "createdAt" (unquoted, createdAt
// folds to createdat). So wherever switchyard writes SQL it spells config names with these
// helpers, always double-quoted: quoting keeps the case, spaces and quotes of a name and never
// collides with a keyword ("order", "user"). This is the one quoting helper; rewrite/, proxy/
// and jobs/ all use it.
#pragma once

#include <string>
#include <string_view>

#include "config/migration.h"

namespace switchyard::config {

// "name", with each " doubled: we"ird -> "we""ird". REQUIRES: no NUL byte in `name`.
std::string quote_ident(std::string_view name);
// "schema"."name"
std::string quote_table(const TableName& table);

}  // namespace switchyard::config
