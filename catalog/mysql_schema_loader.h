// Reads the live MySQL / MariaDB schema for the configured migrations over the `control`
// connection (MariaDB Connector/C, blocking: called at start-up and on reload, never on a
// session's thread), and checks each migration against it as load_schema (schema_loader.h)
// does for PostgreSQL: the shapes the phase needs exist (column_checks.h), and every up/down
// expression, as the MySQL rewriter splices it (rewrite/mysql/column_mapping.h), is valid over
// its table: the server itself runs `SELECT <expr> FROM db.table WHERE false`. Also reads the
// triggers and stored routines that write a migrated table (ResolvedMigration::server_writers).
//
// Names: a migration's schema "public" (the default) means the control connection's database
// (dbname); any other schema is the database of that name. RelationInfo::name keeps the
// TableName as configured (the rewriter matches tables by name). Column facts are as
// information_schema.COLUMNS gives them: type and base_type are COLUMN_TYPE ("varchar(100)",
// "int(11)"), default_expr is COLUMN_DEFAULT as MariaDB 10.2+ spells it (SQL text: "NULL",
// "''", "0"; "" when there is none). The table kinds (rename_table, copy_table) read both
// tables, each where the phase needs it, keyed alike (a unique index on exactly the row key).
#pragma once

#include <optional>
#include <string>

#include "catalog/schema_loader.h"
#include "config/config.h"

namespace switchyard::catalog {

// Where the control connection goes. Empty strings and port 0 leave the client library's
// defaults (host localhost over the unix socket, port 3306, no database).
struct MysqlControl {
  std::string host;
  unsigned port = 0;
  std::string user;
  std::string password;
  std::string dbname;
};

// Parses `control` as libpq-style `key=value` pairs separated by blanks (keys host, port, user,
// password, dbname; a value may be single-quoted, with \' and \\ inside) or as a URI
// `mysql://user:password@host:port/dbname` (every part optional, %XX decoded; `mariadb://` too).
// Pure. nullopt with "control: ..." in `error` on a bad string ("control: unknown key sslmode").
std::optional<MysqlControl> parse_mysql_control(const std::string& control, std::string& error);

// With no migrations: ok and an empty catalog, without connecting.
SchemaLoad load_mysql_schema(const config::Config& config);

}  // namespace switchyard::catalog
