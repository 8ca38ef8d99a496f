// Fuzzes the PostgreSQL write rewriter against the seeds' migrations in each phase: no crash,
// no leak or double free (the tree edits follow protobuf-c's ownership rules by hand), and every
// rewrite it produces parses again.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/rewriter.h"
#include "tests/rewrite/pg/catalog_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard;
  if (size < 1 || size > 4096) return 0;
  static const rewrite::Catalog catalogs[] = {rewrite::testing::seeds_catalog(config::Phase::kDualWrite),
                                              rewrite::testing::seeds_catalog(config::Phase::kNewOnly)};
  const std::string sql(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto r = rewrite::pg::rewrite_sql(sql, catalogs[data[0] & 1]);
  if (r.kind == rewrite::RewriteResult::Kind::kRewritten && !rewrite::pg::ParseTree::parse(r.sql)) std::abort();
  if (r.kind == rewrite::RewriteResult::Kind::kRefused &&
      !rewrite::pg::ParseTree::parse(rewrite::pg::refusal_statement(r)))
    std::abort();
  return 0;
}
