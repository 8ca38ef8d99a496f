// Deriving a data job's plan from a resolved migration; see job_spec.h.
#include "jobs/job_spec.h"

#include <algorithm>

#include "jobs/sql_text.h"
#include "rewrite/migration_facts.h"
#include "rewrite/pg/expression_text.h"

namespace switchyard::jobs {
namespace {

using config::MigrationKind;

bool has(const std::vector<TargetColumn>& cols, const std::string& name) {
  return std::any_of(cols.begin(), cols.end(), [&](const TargetColumn& c) { return c.name == name; });
}

}  // namespace

std::vector<std::string> JobSpec::column_names() const {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

JobSpecResult make_job_spec(const rewrite::ResolvedMigration& m, Direction direction) {
  return make_job_spec(m, direction, [](const std::string&, const std::string& expr, std::string& error) {
    // The jobs paste `expr` into their SQL: only ever the one expression of its parse tree.
    auto one = rewrite::pg::canonical_expression(expr);
    if (!one) {
      error = one.error().message;
      return std::optional<std::string>();
    }
    return std::optional<std::string>(std::move(one.value()));
  });
}

JobSpecResult make_job_spec(const rewrite::ResolvedMigration& m, Direction direction, const ExpressionText& text) {
  JobSpecResult out;
  const bool forward = direction == Direction::kForward;
  const rewrite::RelationInfo& src = forward ? m.old_rel : m.new_rel;
  const rewrite::RelationInfo& dst = forward ? m.new_rel : m.old_rel;
  const std::string what = "migration " + m.spec.name + ": ";
  if (!src.exists) return {std::nullopt, what + "table " + src.name.to_string() + " does not exist"};
  if (!dst.exists)
    return {std::nullopt, what + "table " + dst.name.to_string() + " does not exist" + (forward ? " (run expand first)" : "")};

  JobSpec spec;
  spec.migration = m.spec.name;
  spec.kind = m.spec.kind;
  spec.direction = direction;
  spec.source = src.name;
  spec.target = dst.name;
  spec.key = rewrite::row_key(m).columns;  // the one rule (rewrite/migration_facts.h)
  if (spec.key.empty())
    return {std::nullopt, what + "table " + src.name.to_string() +
                              " has no primary key, so rows cannot be paged through by key; add a primary key "
                              "(or, for copy_table, name one with key:)"};
  for (const auto& k : spec.key) {
    const auto* sc = src.column(k);
    const auto* dc = dst.column(k);
    if (!sc || (!m.spec.same_table() && !dc))
      return {std::nullopt, what + "key column " + k + " is missing from " + (sc ? dst : src).name.to_string()};
    spec.key_types.push_back(sc->base_type);
  }

  const auto& maps = forward ? m.spec.up : m.spec.down;
  if (!forward && maps.empty() && m.spec.same_table())
    return {std::nullopt, what + "has no down expressions, so it cannot be filled in reverse"};
  auto add = [&](const std::string& name, const std::string& expr) -> bool {
    const auto* col = dst.column(name);
    if (!col || col->dropped) {
      out.error = what + "column " + name + " does not exist in " + dst.name.to_string() + (forward ? " (run expand first)" : "");
      return false;
    }
    std::string why;
    auto one = text(name, expr, why);
    if (!one) {
      out.error = what + "the expression for " + name + " is not exactly one SQL expression: " + why;
      return false;
    }
    spec.columns.push_back({name, std::move(*one), col->type});
    return true;
  };
  if (!m.spec.same_table()) {
    // The key first (copied as is unless a mapping computes it), then the mapped columns, then
    // same-named columns the mappings leave out.
    for (const auto& k : spec.key) {
      auto it = std::find_if(maps.begin(), maps.end(), [&](const config::ColumnMap& c) { return c.column == k; });
      if (!add(k, it != maps.end() ? it->expr : quote_ident(k))) return out;
    }
  }
  for (const auto& c : maps)
    if (!has(spec.columns, c.column) && !add(c.column, c.expr)) return out;
  if (!m.spec.same_table()) {
    for (const auto& col : dst.columns)
      if (!has(spec.columns, col.name) && src.column(col.name) && !col.dropped)
        spec.columns.push_back({col.name, quote_ident(col.name), col.type});
  }
  if (spec.columns.empty()) return {std::nullopt, what + "has no columns to fill"};
  out.spec = std::move(spec);
  return out;
}

}  // namespace switchyard::jobs
