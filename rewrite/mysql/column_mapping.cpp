// Parsed up/down mappings of a column migration (column_mapping.h).
#include "rewrite/mysql/column_mapping.h"

#include <algorithm>

#include "rewrite/mysql/statement_facts.h"

namespace switchyard::rewrite::mysql {

std::optional<MappedExpr> MappedExpr::parse(const std::string& expr, const LexicalSettings& settings, std::string& error) {
  MappedExpr m;
  m.sql_ = std::make_unique<std::string>("SELECT " + expr);
  Parsed parsed = mysql::parse(*m.sql_, settings);
  if (!parsed) {
    error = "`" + expr + "` does not parse as MySQL: " + parsed.error().message;
    return std::nullopt;
  }
  m.tree_ = std::make_unique<Tree>(std::move(parsed.tree()));
  const Tree& t = *m.tree_;
  const NodeId root = t.root();
  // SELECT <expr>: one item, no alias, nothing after the list.
  const NodeId items = t.child(root, 0);
  if (t.node(root).kind != Kind::kSelect || t.child_count(root) != 1 || t.child_count(items) != 1 ||
      t.child_count(t.child(items, 0)) != 1 || t.node(t.child(t.child(items, 0), 0)).kind == Kind::kStar) {
    error = "`" + expr + "` is not one expression";
    return std::nullopt;
  }
  m.expr_ = t.child(t.child(items, 0), 0);
  m.refs_ = column_refs(t, m.expr_, true);
  for (const ColumnRef& r : m.refs_) m.reads_.insert(r.column);
  if (t.node(m.expr_).kind == Kind::kName && m.refs_.size() == 1) m.bare_ = m.refs_[0].column;
  m.volatile_ = may_be_volatile(t, m.expr_);
  return m;
}

size_t MappedExpr::reads_count(const std::string& column) const {
  return static_cast<size_t>(std::count_if(refs_.begin(), refs_.end(), [&](const ColumnRef& r) { return r.column == column; }));
}

std::string MappedExpr::text(const std::function<std::optional<std::string>(const std::string&)>& value) const {
  if (!bare_.empty())
    if (auto v = value(bare_)) return "(" + *v + ")";
  TextEdits edits;
  for (const ColumnRef& r : refs_)
    if (auto v = value(r.column)) edits.replace(tree_->node(r.node).begin, tree_->node(r.node).end, "(" + *v + ")");
  const Range range = expression_range(*tree_, expr_);
  return "(" + edits.text(*sql_, range.begin, range.end) + ")";
}

bool is_column_kind(const config::Migration& m) {
  return m.kind == config::MigrationKind::kRenameColumn || m.kind == config::MigrationKind::kChangeColumn ||
         m.kind == config::MigrationKind::kAddColumn;
}

namespace {

bool add_mappings(const std::vector<config::ColumnMap>& maps, bool rename, const LexicalSettings& settings,
                  std::vector<Mapping>& out, const std::string& migration, std::string& error) {
  for (const auto& c : maps) {
    std::string text = c.expr;
    if (rename) {
      // The config's expression is the other column in PostgreSQL's quotes: "full_name".
      std::string other = c.expr;
      if (other.size() >= 2 && other.front() == '"' && other.back() == '"') {
        std::string unq;
        for (size_t i = 1; i + 1 < other.size(); ++i) {
          unq += other[i];
          if (other[i] == '"' && other[i + 1] == '"') ++i;
        }
        other = unq;
      }
      text = quote_identifier(other);
    }
    auto e = MappedExpr::parse(text, settings, error);
    if (!e) {
      error = "the expression for " + c.column + " in " + migration + " " + error;
      return false;
    }
    out.push_back(Mapping{c.column, fold(c.column), std::move(*e)});
  }
  return true;
}

}  // namespace

std::optional<ColumnMigration> column_migration(const ResolvedMigration& m, size_t index, const LexicalSettings& settings,
                                                std::string& error) {
  ColumnMigration cm;
  cm.migration = &m;
  cm.index = index;
  const bool rename = m.spec.kind == config::MigrationKind::kRenameColumn;
  if (!add_mappings(m.spec.up, rename, settings, cm.up, m.spec.name, error) ||
      !add_mappings(m.spec.down, rename, settings, cm.down, m.spec.name, error))
    return std::nullopt;
  return cm;
}

const Mapping* ColumnMigration::up_of(const std::string& folded) const {
  for (const auto& u : up)
    if (u.folded == folded) return &u;
  return nullptr;
}

const Mapping* ColumnMigration::down_of(const std::string& folded) const {
  for (const auto& d : down)
    if (d.folded == folded) return &d;
  return nullptr;
}

const ColumnInfo* ColumnMigration::column(const std::string& folded) const {
  for (const auto& c : migration->old_rel.columns)
    if (fold(c.name) == folded) return &c;
  return nullptr;
}

}  // namespace switchyard::rewrite::mysql
