// Serving reads of migrated tables from the phase's shape (read_routing.h).
#include "rewrite/mysql/read_routing.h"

#include <algorithm>
#include <set>

#include "rewrite/mysql/keywords.h"
#include "rewrite/mysql/statement_facts.h"
#include "rewrite/read_phase.h"

namespace switchyard::rewrite::mysql {

bool names_table(const std::string& schema, const std::string& name, const config::TableName& t,
                 const std::string& database) {
  if (!same_word(name, t.name)) return false;
  const std::string& db = schema.empty() ? database : schema;
  return db.empty() || t.schema == "public" || same_word(db, t.schema);
}

namespace {

struct Walk {
  const Tree& t;
  std::set<std::string> ctes;        // folded
  std::set<NodeId> targets;          // kTable nodes that are write targets
  std::set<std::string> referenced;  // folded columns named anywhere (filled when first needed)
  bool referenced_known = false;
  bool star = false;
};

void collect(Walk& w, NodeId id) {
  const Node& n = w.t.node(id);
  if (n.kind == Kind::kCte) w.ctes.insert(fold(identifier_value(n.text)));
  // * in a select list (not COUNT(*)) reads every column.
  if (n.kind == Kind::kSelectItem && n.first_child != kNoNode && w.t.node(n.first_child).kind == Kind::kStar) w.star = true;
  for (NodeId c = n.first_child; c != kNoNode; c = w.t.node(c).next_sibling) collect(w, c);
}

// The kTable nodes of a write's reference list, outside derived tables and subqueries.
void mark_targets(Walk& w, NodeId id) {
  const Node& n = w.t.node(id);
  if (n.kind == Kind::kDerived || n.kind == Kind::kSubquery || n.kind == Kind::kOn) return;
  if (n.kind == Kind::kTable) w.targets.insert(id);
  for (NodeId c = n.first_child; c != kNoNode; c = w.t.node(c).next_sibling) mark_targets(w, c);
}

void tables(const Walk& w, NodeId id, std::vector<NodeId>& out) {
  const Node& n = w.t.node(id);
  if (n.kind == Kind::kTable && w.targets.count(id) == 0) out.push_back(id);
  for (NodeId c = n.first_child; c != kNoNode; c = w.t.node(c).next_sibling) tables(w, c, out);
}

}  // namespace

ReadEdit route_reads(const Tree& t, const std::vector<ColumnMigration>& migrations, ReadRoute route, TextEdits& edits,
                     const std::string& database) {
  ReadEdit out;
  const NodeId root = t.root();
  if (root == kNoNode) return out;
  Walk w{t, {}, {}, {}, false, false};
  collect(w, root);
  // Every column the statement names, gathered only when a read of a migrated table asks: most
  // writes read no migrated table, or none whose columns differ between the shapes.
  const auto referenced = [&](const std::string& folded) {
    if (!w.referenced_known) {
      for (const ColumnRef& r : column_refs(t, root, true)) w.referenced.insert(r.column);
      w.referenced_known = true;
    }
    return w.referenced.count(folded) > 0;
  };
  const Kind kind = t.node(root).kind;
  if (kind == Kind::kUpdate) mark_targets(w, t.child(root, 0));
  if (kind == Kind::kDelete) mark_targets(w, t.child(root, 1));
  std::vector<NodeId> reads;
  tables(w, root, reads);
  std::vector<std::pair<std::string, std::string>> shortened;  // (schema, table) of replaced unaliased items
  for (NodeId table : reads) {
    const NodeId name = t.child(table, 0);
    const ColumnRef tn = column_ref(t, name);  // qualifier: schema, column: table (folded)
    const std::string schema = tn.parts >= 2 ? identifier_value(t.node(t.child(name, tn.parts - 2)).text) : "";
    const std::string tname = identifier_value(t.node(t.child(name, tn.parts - 1)).text);
    if (schema.empty() && w.ctes.count(fold(tname)) > 0) continue;
    // Per column of the table: the expression presenting it, when the serving shape lacks it.
    std::vector<std::pair<std::string, std::string>> translated;  // (folded column, expression)
    const RelationInfo* rel = nullptr;
    for (const ColumnMigration& cm : migrations) {
      const config::Migration& spec = cm.migration->spec;
      if (!routes_reads(spec) || !names_table(schema, tname, spec.old_table, database)) continue;
      if (cm.index < 64) out.reads_mask |= uint64_t{1} << cm.index;
      const bool serve_new = reads_new_shape(spec, cm.index, route);
      const auto& differing = serve_new ? cm.down : cm.up;
      const bool needed = w.star || std::any_of(differing.begin(), differing.end(),
                                                [&](const Mapping& m) { return referenced(m.folded); });
      if (!needed) continue;
      rel = &cm.migration->old_rel;
      for (const Mapping& m : differing) translated.emplace_back(m.folded, m.expr.text());
    }
    if (translated.empty() || rel == nullptr || rel->columns.empty()) continue;
    std::string items;
    std::set<std::string> listed;
    const auto add_item = [&](const std::string& column) {
      const std::string f = fold(column);
      if (!listed.insert(f).second) return;
      const auto tr = std::find_if(translated.begin(), translated.end(), [&](const auto& p) { return p.first == f; });
      items += items.empty() ? "" : ", ";
      items += tr == translated.end() ? quote_identifier(column) : tr->second + " AS " + quote_identifier(column);
    };
    for (const ColumnInfo& c : rel->columns)
      if (!c.dropped || std::any_of(translated.begin(), translated.end(), [&](const auto& p) { return p.first == fold(c.name); }))
        add_item(c.name);
    const NodeId alias = t.child(table, 1);
    const NodeId hints = t.child(table, 2);
    std::string text = "(SELECT " + items + " FROM " + std::string(t.source_text(name));
    if (hints != kNoNode) text += " " + std::string(t.source_text(hints));
    text += ") AS ";
    text += alias != kNoNode ? std::string(t.source_text(alias)) : std::string(t.source_text(t.child(name, tn.parts - 1)));
    edits.replace(t.node(table).begin, t.node(table).end, text);
    if (alias == kNoNode && !schema.empty()) shortened.emplace_back(fold(schema), fold(tname));
    out.changed = true;
  }
  shorten_qualified_refs(t, shortened, edits);
  return out;
}

std::vector<NodeId> read_tables(const Tree& t) {
  std::vector<NodeId> out;
  const NodeId root = t.root();
  if (root == kNoNode) return out;
  Walk w{t, {}, {}, {}, false, false};
  collect(w, root);
  const Kind kind = t.node(root).kind;
  if (kind == Kind::kUpdate) mark_targets(w, t.child(root, 0));
  if (kind == Kind::kDelete) mark_targets(w, t.child(root, 1));
  std::vector<NodeId> all;
  tables(w, root, all);
  for (NodeId table : all) {
    const NodeId name = t.child(table, 0);
    if (t.child_count(name) == 1 && w.ctes.count(fold(identifier_value(t.node(t.child(name, 0)).text))) > 0) continue;
    out.push_back(table);
  }
  return out;
}

void shorten_qualified_refs(const Tree& t, const std::vector<std::pair<std::string, std::string>>& shortened, TextEdits& edits) {
  if (shortened.empty()) return;
  for (const ColumnRef& r : column_refs(t, t.root(), true)) {
    if (r.parts != 3) continue;
    const std::string s = fold(identifier_value(t.node(t.child(r.node, 0)).text));
    if (std::find(shortened.begin(), shortened.end(), std::make_pair(s, r.qualifier)) == shortened.end()) continue;
    const Node& n = t.node(r.node);
    edits.replace(n.begin, n.end, std::string(t.source().substr(t.node(t.child(r.node, 1)).begin, n.end - t.node(t.child(r.node, 1)).begin)));
  }
}

}  // namespace switchyard::rewrite::mysql
