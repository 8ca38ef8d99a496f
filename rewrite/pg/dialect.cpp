// PostgreSQL's dialect: each method forwards to the rewrite/pg/ function that does it; see dialect.h.
#include "rewrite/pg/dialect.h"

#include "rewrite/pg/ddl_lint.h"
#include "rewrite/pg/lexical.h"
#include "rewrite/pg/literals.h"
#include "rewrite/pg/rewriter.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::pg {
namespace {

class PgDialect final : public Dialect {
 public:
  std::string_view name() const override { return "postgresql"; }
  RewriteResult rewrite(std::string_view sql, const Catalog& catalog, ReadRoute route, const Lexical&) const override {
    return rewrite_sql(sql, catalog, route);
  }
  std::string lexical_key(const Lexical&) const override { return {}; }
  std::optional<std::string> unreadable(const Lexical& lexical) const override {
    if (!lexical.unsafe_encoding()) return std::nullopt;
    return "client_encoding " + lexical.client_encoding +
           " lets a character hold a backslash or quote byte, which switchyard cannot read; use UTF8";
  }
  std::optional<Lexical> shadow_lexical(const Lexical& session) const override {
    if (!session.standard_strings) return std::nullopt;
    return Lexical{};
  }
  // The text comes read with standard settings (read_strings), so `lexical` changes nothing.
  std::optional<Shape> shape(std::string_view sql, const Lexical&) const override { return shape_of(sql); }
  bool refusals_hold_for_texts() const override { return true; }
  std::optional<std::string> with_literals(std::string_view shaped_sql, const Shape& shape, const Lexical&) const override {
    return pg::with_literals(shaped_sql, shape);
  }
  StringReading read_strings(std::string_view sql, bool standard_strings) const override {
    return pg::read_strings(sql, standard_strings);
  }
  std::string raise_statement(const std::string& message) const override { return pg::raise_statement(message); }
  bool may_be_ddl(std::string_view sql) const override { return pg::may_be_ddl(sql); }
  std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog, const Lexical&) const override {
    return pg::lint_ddl(sql, catalog);
  }
  std::string describe(const DdlFinding& finding) const override { return pg::describe(finding); }
  bool may_write(std::string_view sql) const override { return Prefilter::may_write(sql); }
};

}  // namespace

const Dialect& dialect() {
  static const PgDialect d;
  return d;
}

}  // namespace switchyard::rewrite::pg
