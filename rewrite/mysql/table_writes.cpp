// The two-table migrations' writes and reads on MySQL; see table_writes.h.
#include "rewrite/mysql/table_writes.h"

#include <algorithm>
#include <cctype>

#include "rewrite/migration_facts.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/read_routing.h"
#include "rewrite/mysql/statement_facts.h"

namespace switchyard::rewrite::mysql {
namespace {

// Where the keys condition goes in a statement's text while it is built; a text that holds it
// already is refused (it cannot, in practice: a control character in a literal).
constexpr std::string_view kKeysMark = "\x01switchyard-keys\x01";

std::string table_text(const config::TableName& t) {
  if (t.schema.empty() || t.schema == "public") return quote_identifier(t.name);
  return quote_identifier(t.schema) + "." + quote_identifier(t.name);
}

bool numeric_type(const std::string& type) {
  std::string t;
  for (char c : type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view p : {"tinyint", "smallint", "mediumint", "int", "bigint", "integer", "decimal", "numeric"})
    if (t.rfind(p, 0) == 0) return true;
  return false;
}

ScriptStatement split_at_marks(const std::string& text) {
  ScriptStatement s;
  size_t at = 0;
  for (size_t m = text.find(kKeysMark); m != std::string::npos; m = text.find(kKeysMark, at)) {
    s.parts.push_back(text.substr(at, m - at));
    at = m + kKeysMark.size();
  }
  s.parts.push_back(text.substr(at));
  return s;
}

ScriptStatement statement(std::string text) { return split_at_marks(text); }

const ColumnInfo* find_column(const RelationInfo& rel, const std::string& folded) {
  for (const ColumnInfo& c : rel.columns)
    if (fold(c.name) == folded) return &c;
  return nullptr;
}

struct Sides {
  const config::TableName* written;
  const config::TableName* other;
  const std::vector<std::pair<std::string, std::string>>* map;  // the other's columns over a written row
};

Sides sides(const TableMigration& tm, bool writes_new) {
  const auto& spec = tm.migration->spec;
  return writes_new ? Sides{&spec.new_table, &spec.old_table, &tm.down} : Sides{&spec.old_table, &spec.new_table, &tm.up};
}

// INSERT INTO other (cols) SELECT map FROM written WHERE <keys> ON DUPLICATE KEY UPDATE ...
std::string upsert_text(const TableMigration& tm, const Sides& s) {
  std::string cols, exprs, updates;
  for (const auto& pair : *s.map) {
    const std::string& column = pair.first;
    cols += (cols.empty() ? "" : ", ") + quote_identifier(column);
    exprs += (exprs.empty() ? "" : ", ") + pair.second;
    const bool key = std::any_of(tm.key.begin(), tm.key.end(), [&](const std::string& k) { return fold(k) == fold(column); });
    if (!key) updates += (updates.empty() ? "" : ", ") + quote_identifier(column) + " = VALUES(" + quote_identifier(column) + ")";
  }
  if (updates.empty()) updates = quote_identifier(tm.key.front()) + " = " + quote_identifier(tm.key.front());
  return "INSERT INTO " + table_text(*s.other) + " (" + cols + ") SELECT " + exprs + " FROM " + table_text(*s.written) +
         " WHERE " + std::string(kKeysMark) + " ON DUPLICATE KEY UPDATE " + updates;
}

// DELETE FROM other WHERE <keys> AND NOT EXISTS (SELECT 1 FROM written WHERE key = key)
std::string delete_text(const TableMigration& tm, const Sides& s) {
  std::string match;
  for (const std::string& k : tm.key)
    match += (match.empty() ? "" : " AND ") + table_text(*s.written) + "." + quote_identifier(k) + " = " + table_text(*s.other) + "." +
             quote_identifier(k);
  return "DELETE FROM " + table_text(*s.other) + " WHERE " + std::string(kKeysMark) + " AND NOT EXISTS (SELECT 1 FROM " +
         table_text(*s.written) + " WHERE " + match + ")";
}

std::string key_list(const TableMigration& tm) {
  std::string out;
  for (const std::string& k : tm.key) out += (out.empty() ? "" : ", ") + quote_identifier(k);
  return out;
}

// The key of each VALUES / SET row: its text, or a generated AUTO_INCREMENT value.
std::string insert_keys(const Tree& tree, NodeId root, const TableMigration& tm, const RelationInfo& rel, const TextEdits& edits,
                        WriteScript& script) {
  const NodeId cols = tree.child(root, 1);
  const NodeId source = tree.child(root, 2);
  const bool set_form = (tree.node(root).flags & flag::kSourceSet) != 0;
  std::vector<std::string> columns;  // folded, in value order
  if (set_form) {
    for (NodeId a : children(tree, source)) columns.push_back(column_ref(tree, tree.child(a, 0)).column);
  } else if (cols != kNoNode) {
    for (NodeId c : children(tree, cols)) columns.push_back(column_ref(tree, c).column);
  } else {
    for (const ColumnInfo& c : rel.columns) columns.push_back(fold(c.name));
  }
  std::vector<std::vector<NodeId>> rows;
  if (set_form) {
    std::vector<NodeId> values;
    for (NodeId a : children(tree, source)) values.push_back(tree.child(a, 1));
    rows.push_back(std::move(values));
  } else {
    for (NodeId row : children(tree, source)) rows.push_back(children(tree, row));
  }
  for (const auto& values : rows) {
    std::string key;
    bool generated = false;
    for (const std::string& k : tm.key) {
      const auto at = std::find(columns.begin(), columns.end(), fold(k));
      const ColumnInfo* info = find_column(rel, fold(k));
      const bool auto_inc = info != nullptr && info->auto_increment && tm.key.size() == 1;
      NodeId v = at == columns.end() || static_cast<size_t>(at - columns.begin()) >= values.size()
                     ? kNoNode
                     : values[static_cast<size_t>(at - columns.begin())];
      const Node* n = v == kNoNode ? nullptr : &tree.node(v);
      const bool default_like = n == nullptr || n->kind == Kind::kDefault || (n->kind == Kind::kLiteral && n->flags == flag::kNull);
      if (default_like) {
        if (!auto_inc)
          return "the key column " + k + " takes its default, which switchyard cannot know before the row is written; give its value";
        generated = true;
        continue;
      }
      if (!column_refs(tree, v, true).empty() || has_placeholder(tree, v))
        return "the value of the key column " + k + " reads the row or a parameter; give it as a constant";
      std::string why;
      if (may_be_volatile(tree, v, &why)) return "the value of the key column " + k + " is volatile (" + why + "); give it as a constant";
      const bool plain = n->kind == Kind::kLiteral || n->kind == Kind::kIntroduced || n->kind == Kind::kTypedLiteral;
      const std::string text = plain ? edits.text(tree.source(), n->begin, n->end) : parenthesised(tree, v, edits);
      // 0 takes the next AUTO_INCREMENT value too, unless sql_mode has NO_AUTO_VALUE_ON_ZERO:
      // both are synced (a key that names no written row costs nothing).
      if (auto_inc && n->kind == Kind::kLiteral && n->text == "0") generated = true;
      key += (key.empty() ? "" : ", ") + text;
    }
    if (!key.empty()) script.inserted_keys.push_back("(" + key + ")");
    if (generated) ++script.generated_rows;
  }
  if (script.generated_rows > 0 && !script.inserted_keys.empty() && rows.size() > 1)
    return "a multi-row INSERT that gives some rows' keys and lets AUTO_INCREMENT generate others (the generated values "
           "are then not consecutive); give every key or none";
  return "";
}

bool single_table(const Tree& tree, NodeId tables) {
  const std::vector<NodeId> refs = children(tree, tables);
  return refs.size() == 1 && tree.node(refs.front()).kind == Kind::kTable;
}

// The capture and the limited write of an UPDATE or DELETE over the one table `table`, whose
// WHERE, ORDER BY and LIMIT are children where, where + 1 and where + 2 of `root`; `no_where_at`:
// where " WHERE <keys>" goes when it has none.
void capture_and_write(const Tree& tree, NodeId root, NodeId table, size_t where, uint32_t no_where_at, const TableMigration& tm,
                       const TextEdits& edits, WriteScript& script) {
  const std::string_view src = tree.source();
  const NodeId w = tree.child(root, where), order = tree.child(root, where + 1), limit = tree.child(root, where + 2);
  std::string capture = "SELECT " + key_list(tm) + " FROM " + edits.text(src, tree.node(table).begin, tree.node(table).end);
  if (w != kNoNode) capture += " WHERE " + parenthesised(tree, w, edits);
  if (order != kNoNode) capture += " ORDER BY " + edits.text(src, tree.node(order).begin, tree.node(order).end);
  if (limit != kNoNode) {
    std::string l = edits.text(src, tree.node(limit).begin, tree.node(limit).end);
    l.erase(0, l.find_first_not_of(" \t\r\n"));
    capture += " LIMIT " + l;
  }
  capture += " FOR UPDATE";
  script.capture = statement(std::move(capture));
  TextEdits limited = edits;
  if (w != kNoNode) {
    const Range r = expression_range(tree, w);
    limited.insert(r.begin, "(");
    limited.insert(r.end, ") AND " + std::string(kKeysMark));
  } else {
    limited.insert(no_where_at, " WHERE " + std::string(kKeysMark));
  }
  script.write = statement(limited.apply(src));
}

std::string quoted_value(const std::string& v, bool no_backslash_escapes) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'') out += "''";
    else if (c == '\\' && !no_backslash_escapes) out += "\\\\";
    else out += c;
  }
  return out + "'";
}

bool plain_number(const std::string& v) {
  if (v.empty()) return false;
  size_t i = v[0] == '-' ? 1 : 0;
  bool digit = false, dot = false;
  for (; i < v.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(v[i]))) digit = true;
    else if (v[i] == '.' && !dot) dot = true;
    else return false;
  }
  return digit;
}

}  // namespace

bool is_table_kind(const config::Migration& m) { return is_two_table(m); }

std::optional<TableMigration> table_migration(const ResolvedMigration& m, size_t index, const LexicalSettings& settings,
                                              std::string& error) {
  TableMigration tm;
  tm.migration = &m;
  tm.index = index;
  tm.rename = m.spec.kind == config::MigrationKind::kRenameTable;
  const RowKey key = row_key(m);
  if (key.columns.empty()) {
    error = "migration " + m.spec.name + " has no row key (the old table has no primary key; name one with key:)";
    return std::nullopt;
  }
  tm.key = key.columns;
  const RelationInfo& keyed = m.old_rel.exists ? m.old_rel : m.new_rel;
  for (const std::string& k : tm.key) {
    const ColumnInfo* c = find_column(keyed, fold(k));
    tm.key_numeric.push_back(c != nullptr && numeric_type(c->type));
  }
  if (tm.rename) {
    const RelationInfo& rel = m.old_rel.exists ? m.old_rel : m.new_rel;
    for (const ColumnInfo& c : rel.columns)
      if (!c.generated && !c.dropped) {
        tm.up.emplace_back(c.name, quote_identifier(c.name));
        tm.down.emplace_back(c.name, quote_identifier(c.name));
      }
    return tm;
  }
  const auto maps = [&](const std::vector<config::ColumnMap>& from, std::vector<std::pair<std::string, std::string>>& to,
                        const char* which) {
    for (const std::string& k : tm.key)
      if (std::none_of(from.begin(), from.end(), [&](const config::ColumnMap& c) { return fold(c.column) == fold(k); }))
        to.emplace_back(k, quote_identifier(k));
    for (const config::ColumnMap& c : from) {
      auto e = MappedExpr::parse(c.expr, settings, error);
      if (!e) {
        error = "the " + std::string(which) + " expression for " + c.column + " in " + m.spec.name + " " + error;
        return false;
      }
      to.emplace_back(c.column, e->text());
    }
    return true;
  };
  if (!maps(m.spec.up, tm.up, "columns")) return std::nullopt;
  if (!m.spec.down.empty() && !maps(m.spec.down, tm.down, "down")) return std::nullopt;
  // As under PostgreSQL, the old table is written from down plus the columns both tables have by
  // the same name.
  if (!tm.down.empty() && m.old_rel.exists && m.new_rel.exists)
    for (const ColumnInfo& c : m.old_rel.columns) {
      const std::string folded = fold(c.name);
      const bool mapped = std::any_of(tm.down.begin(), tm.down.end(), [&](const auto& d) { return fold(d.first) == folded; });
      const ColumnInfo* in_new = find_column(m.new_rel, folded);
      if (!mapped && !c.generated && !c.dropped && in_new != nullptr && !in_new->generated)
        tm.down.emplace_back(c.name, quote_identifier(in_new->name));
    }
  return tm;
}

TableWrite plan_table_write(const Tree& tree, NodeId root, const TableMigration& tm, bool writes_new, const TextEdits& edits,
                            bool alone, const LexicalSettings& settings, const std::string& database) {
  TableWrite out;
  const config::Migration& spec = tm.migration->spec;
  const std::string kind = std::string(config::to_string(spec.kind));
  const auto refuse = [&](std::string why) {
    out.refusal = std::move(why);
    return out;
  };
  const Kind k = tree.node(root).kind;
  if (k == Kind::kTruncate)
    return refuse("TRUNCATE of a table under " + kind + " before new_only (it commits implicitly, so its mirror cannot be in "
                  "the same transaction); DELETE its rows, or TRUNCATE both tables without the proxy");
  const Sides s = sides(tm, writes_new);
  if (s.map->empty())
    return refuse("a write to " + spec.new_table.to_string() + ", which " + kind + " cannot mirror into " +
                  spec.old_table.to_string() + " (the migration has no down: mapping)");
  if (!alone)
    return refuse("a write to a table under " + kind + " among other statements in one query; send it as a query of its own");
  if (tree.source().find(kKeysMark) != std::string_view::npos) return refuse("the statement holds switchyard's key marker");
  WriteScript script;
  script.migration = spec.name;
  for (const std::string& c : tm.key) script.key_columns.push_back(quote_identifier(c));
  script.key_numeric = tm.key_numeric;
  const RelationInfo& rel = writes_new ? tm.migration->new_rel : tm.migration->old_rel;
  if (k == Kind::kInsert) {
    const uint32_t f = tree.node(root).flags;
    if (f & flag::kSourceQuery) return refuse("INSERT ... SELECT into a table under " + kind + "; insert the rows with VALUES");
    if (f & flag::kReplace) return refuse("REPLACE into a table under " + kind + " (it may delete rows by any unique key); use INSERT or UPDATE");
    if (tree.child(root, 4) != kNoNode)
      return refuse("INSERT ... ON DUPLICATE KEY UPDATE into a table under " + kind + " (the row it updates may be another key's); "
                    "use INSERT and UPDATE");
    if (tree.child(root, 5) != kNoNode) return refuse("RETURNING on a write to a table under " + kind);
    if (std::string why = insert_keys(tree, root, tm, rel, edits, script); !why.empty()) return refuse(why);
    script.write = statement(edits.apply(tree.source()));
    script.mirror.push_back(statement(upsert_text(tm, s)));
  } else if (k == Kind::kUpdate) {
    const NodeId tables = tree.child(root, 0);
    if (!single_table(tree, tables)) return refuse("a multi-table UPDATE of a table under " + kind + "; update one table per statement");
    for (NodeId a : children(tree, tree.child(root, 1))) {
      const std::string c = column_ref(tree, tree.child(a, 0)).column;
      if (std::any_of(tm.key.begin(), tm.key.end(), [&](const std::string& key) { return fold(key) == c; }))
        return refuse("an UPDATE of the key column " + c + " of a table under " + kind);
    }
    const NodeId table = tree.node(tables).first_child;
    capture_and_write(tree, root, table, 2, tree.node(tree.child(root, 1)).end, tm, edits, script);
    script.mirror.push_back(statement(upsert_text(tm, s)));
  } else if (k == Kind::kDelete) {
    if (tree.node(root).flags & (flag::kDeleteMulti | flag::kDeleteUsing))
      return refuse("a multi-table DELETE of a table under " + kind + "; delete from one table per statement");
    if (tree.child(root, 5) != kNoNode) return refuse("RETURNING on a write to a table under " + kind);
    const NodeId table = tree.node(tree.child(root, 1)).first_child;
    capture_and_write(tree, root, table, 2, tree.node(table).end, tm, edits, script);
    script.mirror.push_back(statement(delete_text(tm, s)));
  } else {
    return refuse("this statement writes a table under " + kind + "; write it as INSERT, UPDATE or DELETE");
  }
  (void)database;
  // Every statement must be one this front end reads back, with any keys condition.
  for (const ScriptStatement* st : {&script.capture, &script.write}) {
    if (st->empty()) continue;
    if (Parsed again = parse(st->with("FALSE"), settings); !again) {
      out.refusal = "switchyard could not print the rewritten statement (" + again.error().message + "); write it another way";
      out.code = RefusalReason::kRewriteFailed;
      return out;
    }
  }
  out.changed = true;
  out.script = std::move(script);
  return out;
}

bool retarget_rename(const Tree& tree, const TableMigration& tm, bool reads_only, TextEdits& edits, const std::string& database) {
  const config::Migration& spec = tm.migration->spec;
  bool changed = false;
  std::vector<std::pair<std::string, std::string>> shortened;
  const auto name_parts = [&](NodeId name, std::string& schema, std::string& table) {
    const size_t parts = tree.child_count(name);
    schema = parts >= 2 ? identifier_value(tree.node(tree.child(name, parts - 2)).text) : "";
    table = identifier_value(tree.node(tree.child(name, parts - 1)).text);
    return parts;
  };
  const auto new_name = [&](const std::string& schema) {
    return schema.empty() ? quote_identifier(spec.new_table.name) : quote_identifier(schema) + "." + quote_identifier(spec.new_table.name);
  };
  std::vector<NodeId> tables;
  if (reads_only) {
    tables = read_tables(tree);
  } else {
    for (NodeId id = 0; id < tree.size(); ++id)
      if (tree.node(id).kind == Kind::kTable) tables.push_back(id);
  }
  // A single-table DELETE takes no alias on MariaDB 10.11, and an INSERT's target none at all:
  // their columns qualified by the old name are qualified by the new one instead.
  const NodeId root = tree.root();
  const Kind root_kind = tree.node(root).kind;
  const bool single_delete =
      !reads_only && root_kind == Kind::kDelete && (tree.node(root).flags & (flag::kDeleteMulti | flag::kDeleteUsing)) == 0;
  bool rename_refs = false;
  for (NodeId table : tables) {
    const NodeId name = tree.child(table, 0);
    std::string schema, tname;
    const size_t parts = name_parts(name, schema, tname);
    if (!names_table(schema, tname, spec.old_table, database)) continue;
    std::string text = new_name(schema);
    if (single_delete && table == tree.child(tree.child(root, 1), 0) && tree.child(table, 1) == kNoNode) {
      rename_refs = true;
    } else if (tree.child(table, 1) == kNoNode) {
      text += " AS " + std::string(tree.source_text(tree.child(name, parts - 1)));
      if (!schema.empty()) shortened.emplace_back(fold(schema), fold(tname));
    }
    edits.replace(tree.node(name).begin, tree.node(name).end, text);
    changed = true;
  }
  if (!reads_only && (root_kind == Kind::kInsert || root_kind == Kind::kTruncate)) {
    // The targets that are names, not table references: INSERT INTO t, TRUNCATE t.
    const NodeId name = tree.child(root, 0);
    std::string schema, tname;
    name_parts(name, schema, tname);
    if (names_table(schema, tname, spec.old_table, database)) {
      edits.replace(tree.node(name).begin, tree.node(name).end, new_name(schema));
      changed = rename_refs = true;
    }
  }
  if (rename_refs)
    for (const ColumnRef& r : column_refs(tree, root, false)) {
      if (r.parts < 2 || r.qualifier != fold(spec.old_table.name)) continue;
      const Node& t = tree.node(tree.child(r.node, r.parts - 2));
      edits.replace(t.begin, t.end, quote_identifier(spec.new_table.name));
    }
  shorten_qualified_refs(tree, shortened, edits);
  return changed;
}

std::string keys_condition(const WriteScript& script, const std::vector<std::vector<std::string>>& captured,
                           uint64_t first_insert_id, bool no_backslash_escapes) {
  const bool single = script.key_columns.size() == 1;
  std::string columns;
  for (const std::string& c : script.key_columns) columns += (columns.empty() ? "" : ", ") + c;
  std::vector<std::string> rows = script.inserted_keys;
  for (const auto& row : captured) {
    std::string r;
    for (size_t i = 0; i < row.size() && i < script.key_columns.size(); ++i) {
      const bool numeric = i < script.key_numeric.size() && script.key_numeric[i] && plain_number(row[i]);
      r += (r.empty() ? "" : ", ") + (numeric ? row[i] : quoted_value(row[i], no_backslash_escapes));
    }
    rows.push_back("(" + r + ")");
  }
  std::vector<std::string> terms;
  if (!rows.empty()) {
    std::string list;
    for (const std::string& r : rows) list += (list.empty() ? "" : ", ") + r;
    terms.push_back((single ? columns : "(" + columns + ")") + " IN (" + list + ")");
  }
  if (script.generated_rows > 0 && first_insert_id > 0 && single) {
    const std::string first = std::to_string(first_insert_id);
    terms.push_back(script.generated_rows == 1
                        ? columns + " = " + first
                        : columns + " BETWEEN " + first + " AND " + first + " + " + std::to_string(script.generated_rows - 1) +
                              " * @@auto_increment_increment");
  }
  if (terms.empty()) return "FALSE";
  std::string out = "(";
  for (size_t i = 0; i < terms.size(); ++i) out += (i ? " OR " : "") + terms[i];
  return out + ")";
}

}  // namespace switchyard::rewrite::mysql
