// Reads the live schema for the configured migrations over the `control` connection (libpq,
// blocking: called at start-up and on reload, never on a session's thread), and checks each
// migration against it: the tables and columns exist as the phase requires, the key exists,
// and every up/down expression is valid SQL over the right table (PostgreSQL itself plans
// `SELECT <expr> FROM <table> WHERE false`). Errors name the migration and the key.
#pragma once

#include <string>

#include "config/config.h"
#include "rewrite/catalog.h"

namespace switchyard::catalog {

struct SchemaLoad {
  bool ok = false;
  rewrite::Catalog catalog;
  std::string error;  // "migration NAME: KEY: problem", when !ok
};

SchemaLoad load_schema(const config::Config& config);

}  // namespace switchyard::catalog
