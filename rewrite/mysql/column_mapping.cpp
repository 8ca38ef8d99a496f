// Parsed up/down mappings of a column migration (column_mapping.h).
#include "rewrite/mysql/column_mapping.h"

#include <algorithm>

#include "rewrite/mysql/statement_facts.h"

namespace switchyard::rewrite::mysql {

std::optional<MappedExpr> MappedExpr::parse(const std::string& expr, const LexicalSettings& settings, std::string& error) {
  auto st = std::make_shared<State>();
  st->sql = "SELECT " + expr;
  Parsed parsed = mysql::parse(st->sql, settings);
  if (!parsed) {
    error = "`" + expr + "` does not parse as MySQL: " + parsed.error().message;
    return std::nullopt;
  }
  st->tree = std::move(parsed.tree());
  const Tree& t = st->tree;
  const NodeId root = t.root();
  // SELECT <expr>: one item, no alias, nothing after the list.
  const NodeId items = t.child(root, 0);
  if (t.node(root).kind != Kind::kSelect || t.child_count(root) != 1 || t.child_count(items) != 1 ||
      t.child_count(t.child(items, 0)) != 1 || t.node(t.child(t.child(items, 0), 0)).kind == Kind::kStar) {
    error = "`" + expr + "` is not one expression";
    return std::nullopt;
  }
  st->expr = t.child(t.child(items, 0), 0);
  st->refs = column_refs(t, st->expr, true);
  for (const ColumnRef& r : st->refs) st->reads.insert(r.column);
  if (t.node(st->expr).kind == Kind::kName && st->refs.size() == 1) st->bare = st->refs[0].column;
  st->is_volatile = may_be_volatile(t, st->expr);
  MappedExpr m;
  m.s_ = std::move(st);
  return m;
}

size_t MappedExpr::reads_count(const std::string& column) const {
  return static_cast<size_t>(
      std::count_if(s_->refs.begin(), s_->refs.end(), [&](const ColumnRef& r) { return r.column == column; }));
}

std::string MappedExpr::text(const std::function<std::optional<std::string>(const std::string&)>& value) const {
  if (!s_->bare.empty())
    if (auto v = value(s_->bare)) return "(" + *v + ")";
  TextEdits edits;
  for (const ColumnRef& r : s_->refs)
    if (auto v = value(r.column)) edits.replace(s_->tree.node(r.node).begin, s_->tree.node(r.node).end, "(" + *v + ")");
  const Range range = expression_range(s_->tree, s_->expr);
  return "(" + edits.text(s_->sql, range.begin, range.end) + ")";
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

// A migration's parsed mappings, kept per thread: preparing them is a fifth of rewriting a
// statement seen for the first time, and they depend only on the migration's kind and
// expressions and on the lexical settings, which change at a reload or a session's SET.
struct PreparedMappings {
  bool rename = false;
  std::vector<config::ColumnMap> up_maps, down_maps;
  LexicalSettings settings;
  std::vector<Mapping> up, down;
};

constexpr size_t kPreparedPerThread = 64;  // migrations x settings a worker meets; more: start over

}  // namespace

std::optional<ColumnMigration> column_migration(const ResolvedMigration& m, size_t index, const LexicalSettings& settings,
                                                std::string& error) {
  thread_local std::vector<PreparedMappings> prepared;
  ColumnMigration cm;
  cm.migration = &m;
  cm.index = index;
  const bool rename = m.spec.kind == config::MigrationKind::kRenameColumn;
  for (const PreparedMappings& p : prepared) {
    if (p.rename == rename && p.up_maps == m.spec.up && p.down_maps == m.spec.down && p.settings == settings) {
      cm.up = p.up;
      cm.down = p.down;
      return cm;
    }
  }
  if (!add_mappings(m.spec.up, rename, settings, cm.up, m.spec.name, error) ||
      !add_mappings(m.spec.down, rename, settings, cm.down, m.spec.name, error))
    return std::nullopt;
  if (prepared.size() >= kPreparedPerThread) prepared.clear();
  prepared.push_back({rename, m.spec.up, m.spec.down, settings, cm.up, cm.down});
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
