// Fuzzes the PostgreSQL rewriter (writes mirrored, reads routed) against the seeds' migrations,
// column and table kinds, in several phases and both read routes: no crash, no leak or double
// free (the tree edits follow protobuf-c's ownership rules by hand), and every rewrite it
// produces parses again. The printing the rewriter relies on is checked on the input's own
// statements too: deparse_faithfully either refuses or gives a text that parses back to the same
// tree (checked here again, independently), never anything else. The first byte picks the catalog
// (low 3 bits) and the route (bit 3). The literal shape's fast scan is checked against
// PostgreSQL's scanner on every input (rewrite/pg/literals.h).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rewrite/pg/literals.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/rewriter.h"
#include "rewrite/pg/tree_compare.h"
#include "tests/rewrite/pg/catalog_fixture.h"
#include "tests/rewrite/pg/read_route_catalog.h"
#include "tests/rewrite/pg/tables_catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard;
  if (size < 1 || size > 4096) return 0;
  using config::Phase;
  namespace t = rewrite::testing;
  static const rewrite::Catalog catalogs[] = {
      t::seeds_catalog(Phase::kDualWrite),      t::seeds_catalog(Phase::kNewOnly),
      t::read_route_catalog(Phase::kDualWrite), t::read_route_catalog(Phase::kReadNew),
      t::read_route_catalog(Phase::kNewOnly),   t::read_route_catalog(Phase::kOff),
      t::tables_catalog(Phase::kDualWrite),     t::tables_catalog(Phase::kNewOnly)};
  const rewrite::ReadRoute route{(data[0] & 8) ? ~uint64_t{0} : 0};
  const std::string sql(reinterpret_cast<const char*>(data + 1), size - 1);
  // The shape cache's fast scan: what it accepts it shapes as PostgreSQL's scanner does.
  if (const auto fast = rewrite::pg::fast_shape_of(sql)) {
    const auto scanned = rewrite::pg::scanned_shape_of(sql);
    if (!scanned || scanned->text != fast->text || scanned->literals != fast->literals || scanned->first != fast->first)
      std::abort();
  }
  const auto r = rewrite::pg::rewrite_sql(sql, catalogs[data[0] & 7], route);
  if (r.kind == rewrite::RewriteResult::Kind::kRewritten && !rewrite::pg::ParseTree::parse(r.sql)) std::abort();
  if (r.kind == rewrite::RewriteResult::Kind::kRefused &&
      !rewrite::pg::ParseTree::parse(rewrite::pg::refusal_statement(r)))
    std::abort();
  if (auto tree = rewrite::pg::ParseTree::parse(sql)) {
    for (const PgQuery__RawStmt* stmt : tree->statements()) {
      const auto text = rewrite::pg::deparse_faithfully(stmt);
      if (!text) continue;  // a refusal
      auto again = rewrite::pg::ParseTree::parse(text.value());
      if (!again || again->size() != 1 || !rewrite::pg::same_tree(&again->statement(0)->stmt->base, &stmt->stmt->base))
        std::abort();
    }
  }
  return 0;
}
