// The rewrite cache computes a statement shape's rewrite once, with its fidelity check (the
// deparsed text parsed again and compared with the tree meant): statements that differ only in
// their literals are served from the cache, the literals put back.
#include "proxy/rewrite_cache.h"

#include <gtest/gtest.h>

#include "proxy/metrics.h"
#include "proxy/session_context.h"
#include "rewrite/pg/dialect.h"
#include "tests/rewrite/pg/tables_catalog.h"

namespace switchyard::proxy {
namespace {

TEST(RewriteCache, ComputesEachShapeOnce) {
  Generation gen;
  gen.catalog = rewrite::testing::tables_catalog();
  Metrics metrics;
  RewriteCache cache(&metrics);
  for (int i = 1; i <= 5; ++i) {
    const std::string sql = "UPDATE inovices SET note = (NOT " + std::to_string(i) + " = 1)::text WHERE id = " +
                            std::to_string(i) + " RETURNING xmin, note";
    const rewrite::RewriteResult r = cache.get(sql, gen, rewrite::pg::dialect());
    ASSERT_EQ(r.kind, rewrite::RewriteResult::Kind::kRewritten) << r.reason;
    EXPECT_NE(r.sql.find("(NOT " + std::to_string(i) + " = 1)::text"), std::string::npos) << r.sql;
    EXPECT_NE(r.sql.find("WHERE id = " + std::to_string(i) + " RETURNING"), std::string::npos) << r.sql;
  }
  EXPECT_EQ(metrics.rewrite_cache_misses.load(), 1u);
  EXPECT_EQ(metrics.rewrite_cache_hits.load(), 4u);
}

}  // namespace
}  // namespace switchyard::proxy
