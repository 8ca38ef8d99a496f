// Fuzzes the MySQL DDL lint (rewrite/mysql/ddl_lint.h) against the unit tests' column and
// two-table migrations (tests/rewrite/mysql/column_catalog.h, table_catalog.h) in every phase:
// no crash, no hang, every finding has a rule, a message and an alternative, and a text with a
// finding passes the keyword scan (may_be_ddl errs wide, never narrow). The first byte picks the
// phase (low 3 bits), ANSI_QUOTES (bit 3), NO_BACKSLASH_ESCAPES (bit 4) and the database (bit 5:
// app, else none).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rewrite/mysql/ddl_lint.h"
#include "tests/rewrite/mysql/table_catalog.h"

namespace {

switchyard::rewrite::Catalog catalog_in(switchyard::config::Phase phase) {
  namespace my = switchyard::rewrite::mysql;
  switchyard::rewrite::Catalog c = my::testing::column_catalog(phase);
  for (auto& m : my::testing::table_catalog(phase).migrations) c.migrations.push_back(std::move(m));
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard;
  using config::Phase;
  if (size < 1 || size > 4096) return 0;
  static const rewrite::Catalog catalogs[] = {catalog_in(Phase::kOff),    catalog_in(Phase::kDualWrite),
                                              catalog_in(Phase::kShadow), catalog_in(Phase::kCanary),
                                              catalog_in(Phase::kReadNew), catalog_in(Phase::kNewOnly)};
  const rewrite::Catalog& catalog = catalogs[(data[0] & 7) % std::size(catalogs)];
  rewrite::Lexical lexical;
  lexical.mysql.ansi_quotes = data[0] & 8;
  lexical.mysql.no_backslash_escapes = data[0] & 16;
  lexical.database = (data[0] & 32) ? "app" : "";
  const std::string sql(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto findings = rewrite::mysql::lint_ddl(sql, catalog, lexical);
  for (const auto& f : findings)
    if (f.rule.empty() || f.message.empty() || f.alternative.empty()) std::abort();
  if (!findings.empty() && !rewrite::mysql::may_be_ddl(sql)) std::abort();
  return 0;
}
