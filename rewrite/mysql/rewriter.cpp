// The MySQL rewriter's entry: pre-filter, split, parse, route, mirror, check; see rewriter.h.
#include "rewrite/mysql/rewriter.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "rewrite/migration_facts.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/column_writes.h"
#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/read_routing.h"
#include "rewrite/mysql/statement_facts.h"
#include "rewrite/mysql/table_writes.h"
#include "rewrite/read_phase.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::mysql {
namespace {

using config::Phase;

struct Refusal {
  std::string migration;
  std::string reason;
  RefusalReason code = RefusalReason::kUnsupportedForm;
};

// The migrations whose table the statement writes, by name.
bool writes_table(const StatementFacts& facts, const config::TableName& t, const std::string& db) {
  return std::any_of(facts.tables.begin(), facts.tables.end(),
                     [&](const TableMention& m) { return m.written && names_table(m.schema, m.name, t, db); });
}

bool mentions_table(const StatementFacts& facts, const config::TableName& t, const std::string& db) {
  return std::any_of(facts.tables.begin(), facts.tables.end(),
                     [&](const TableMention& m) { return names_table(m.schema, m.name, t, db); });
}

// The first active migration whose table `text` names as a word (for a refusal of text that does
// not parse).
const ResolvedMigration* named_in(std::string_view text, const Catalog& catalog) {
  for (const auto& m : catalog.migrations) {
    if (m.spec.phase == Phase::kOff) continue;
    for (const auto* t : {&m.spec.old_table, &m.spec.new_table})
      if (Prefilter::contains_name(text, t->name)) return &m;
  }
  return nullptr;
}

// The refusal of a statement that runs server code which writes a migrated table: a routine it
// names (as a whole word: a call, a CALL, or a name that may be one, erring wide as the loader
// does), or a trigger of a table it writes (`facts`; for a text that did not parse, a write
// keyword and the table's name). What that code writes is out of the proxy's sight.
std::optional<Refusal> server_writer_refusal(std::string_view text, const StatementFacts* facts, const Catalog& catalog,
                                            const std::string& db) {
  for (const auto& m : catalog.migrations) {
    if (m.spec.phase == Phase::kOff || m.spec.pass_unsupported) continue;
    for (const ServerWriter& w : m.server_writers) {
      const bool named = Prefilter::contains_name(text, w.object.name);
      const bool runs = w.kind != ServerWriter::Kind::kTrigger ? named
                        : facts != nullptr                       ? writes_table(*facts, w.object, db)
                                                                 : named && Prefilter::may_write(text);
      if (runs)
        return Refusal{m.spec.name,
                       "the statement runs " + w.description + ", which writes " + w.via +
                           " inside the server, where switchyard cannot mirror it into the other shape; run it without "
                           "the proxy, or set on_unsupported: pass",
                       RefusalReason::kServerSideCode};
    }
  }
  return std::nullopt;
}

// True if a table of the write's own reference list (an UPDATE's tables, a DELETE's FROM / USING
// list: not inside derived tables or subqueries) is `t`.
bool in_reference_list(const Tree& tree, NodeId id, const config::TableName& t, const std::string& db) {
  const Node& n = tree.node(id);
  if (n.kind == Kind::kDerived || n.kind == Kind::kSubquery || n.kind == Kind::kOn) return false;
  if (n.kind == Kind::kTable) {
    const NodeId name = n.first_child;
    const size_t parts = tree.child_count(name);
    const std::string schema = parts >= 2 ? identifier_value(tree.node(tree.child(name, parts - 2)).text) : "";
    if (names_table(schema, identifier_value(tree.node(tree.child(name, parts - 1)).text), t, db)) return true;
  }
  for (NodeId c = n.first_child; c != kNoNode; c = tree.node(c).next_sibling)
    if (in_reference_list(tree, c, t, db)) return true;
  return false;
}

struct StatementOutcome {
  bool changed = false;
  std::string text;
  std::string migration;  // the last migration that changed it
  std::optional<Refusal> refusal;
  std::string passed_migration;
  RefusalReason passed_code = RefusalReason::kUnsupportedForm;
  uint64_t reads_mask = 0;
  bool parsed = true;
  bool ordered = false;
  bool single_read = false;
  std::optional<WriteScript> script;
};

// The two-table migrations' part of a statement's rewrite (table_writes.h): a script for a write
// in the dual phases, rename_table's reads and new_only statements retargeted. False: `out` holds
// a refusal, or on_unsupported: pass's verdict, and the statement goes no further.
bool table_kinds(const Tree& tree, NodeId root, const StatementFacts& facts, const std::vector<TableMigration>& tms,
                 ReadRoute route, bool alone, const LexicalSettings& settings, const std::string& database, TextEdits& edits,
                 StatementOutcome& out) {
  for (const TableMigration& tm : tms) {
    const config::Migration& spec = tm.migration->spec;
    const bool w_old = writes_table(facts, spec.old_table, database), w_new = writes_table(facts, spec.new_table, database);
    const bool names_old = mentions_table(facts, spec.old_table, database);
    if (tm.rename && names_old && tm.index < 64) out.reads_mask |= uint64_t{1} << tm.index;
    std::string refusal;
    if (spec.phase == Phase::kNewOnly) {
      if (tm.rename) {
        if (retarget_rename(tree, tm, false, edits, database)) {
          out.changed = true;
          out.migration = spec.name;
        }
      } else if (names_old) {
        refusal = "in new_only, " + spec.old_table.to_string() + " no longer receives writes; use " + spec.new_table.to_string();
      }
    } else if (w_old && w_new) {
      refusal = "a statement that writes both " + spec.old_table.to_string() + " and " + spec.new_table.to_string();
    } else if (w_old || w_new) {
      if (out.script) {
        refusal = "a statement that writes tables of two table migrations";
      } else {
        TableWrite tw = plan_table_write(tree, root, tm, w_new, edits, alone, settings, database);
        if (!tw.refusal.empty()) {
          if (spec.pass_unsupported) {
            out.passed_migration = spec.name;
            out.passed_code = tw.code;
            out.changed = false;
            out.script.reset();
            return false;
          }
          out.refusal = Refusal{spec.name, tw.refusal, tw.code};
          return false;
        }
        out.script = std::move(tw.script);
        out.changed = true;
        out.migration = spec.name;
      }
    } else if (tm.rename && names_old && reads_new_shape(spec, tm.index, route)) {
      if (retarget_rename(tree, tm, true, edits, database)) out.changed = true;
    }
    if (!refusal.empty()) {
      if (spec.pass_unsupported) {
        out.passed_migration = spec.name;
        out.changed = false;
        out.script.reset();
        return false;
      }
      out.refusal = Refusal{spec.name, refusal};
      return false;
    }
  }
  return true;
}

StatementOutcome rewrite_statement(std::string_view text, const Catalog& catalog, const std::vector<ColumnMigration>& cms,
                                   const std::vector<TableMigration>& tms, const std::vector<Refusal>& broken, ReadRoute route,
                                   const LexicalSettings& settings, const std::string& database, bool alone) {
  StatementOutcome out;
  Parsed parsed = parse(text, settings);
  if (!parsed) {
    if (auto r = server_writer_refusal(text, nullptr, catalog, database)) {
      out.refusal = std::move(r);
      out.parsed = false;
      return out;
    }
    if (parsed.error().kind == ParseError::Kind::kUnsupported && Prefilter::may_write(text))
      if (const ResolvedMigration* m = named_in(text, catalog))
        out.refusal = Refusal{m->spec.name,
                              "switchyard cannot rewrite this statement (" + parsed.error().message +
                                  ") and it may write a migrated table; write it as INSERT, REPLACE, UPDATE or DELETE"};
    out.parsed = false;
    return out;
  }
  const Tree& tree = parsed.tree();
  const NodeId root = tree.root();
  const Kind kind = tree.node(root).kind;
  const StatementFacts facts = statement_facts(tree);
  if (auto r = server_writer_refusal(text, &facts, catalog, database)) {
    out.refusal = std::move(r);
    return out;
  }
  for (const Refusal& b : broken)
    for (const auto& m : catalog.migrations)
      if (m.spec.name == b.migration &&
          (mentions_table(facts, m.spec.old_table, database) || mentions_table(facts, m.spec.new_table, database))) {
        out.refusal = b;
        return out;
      }
  TextEdits edits;
  const ReadEdit reads = route_reads(tree, cms, route, edits, database);
  out.reads_mask = reads.reads_mask;
  out.changed = reads.changed;
  if (kind == Kind::kInsert || kind == Kind::kUpdate || kind == Kind::kDelete) {
    for (const ColumnMigration& cm : cms) {
      const config::Migration& spec = cm.migration->spec;
      // An UPDATE or DELETE is checked whenever its own reference list names the table (a
      // multi-table one may read it there, where reads are not routed).
      const bool listed = kind != Kind::kInsert && in_reference_list(tree, tree.child(root, kind == Kind::kUpdate ? 0 : 1), spec.old_table, database);
      if (!writes_table(facts, spec.old_table, database) && !listed) continue;
      const bool simultaneous = settings.simultaneous_assignment;
      const WriteEdit e = kind == Kind::kInsert   ? mirror_insert(tree, root, cm, edits, simultaneous)
                          : kind == Kind::kUpdate ? mirror_update(tree, root, cm, edits, simultaneous)
                                                  : mirror_delete(tree, root, cm, edits);
      if (!e.refusal.empty()) {
        if (!spec.pass_unsupported) {
          out.refusal = Refusal{spec.name, e.refusal, e.code};
          return out;
        }
        if (out.passed_migration.empty()) {
          out.passed_migration = spec.name;
          out.passed_code = e.code;
        }
        // on_unsupported: pass relays the statement as written.
        out.changed = false;
        out.text.clear();
        return out;
      }
      if (e.changed) {
        out.changed = true;
        out.migration = spec.name;
      }
    }
  }
  if (!tms.empty() && !table_kinds(tree, root, facts, tms, route, alone, settings, database, edits, out)) {
    if (!out.refusal) out.text.clear();
    return out;
  }
  // The query under a WITH; its top-level ORDER BY; and whether it is one plain read (no
  // locking clause anywhere), which a shadow read may run again elsewhere.
  NodeId body = root;
  if (kind == Kind::kWith)
    for (NodeId c = tree.node(root).first_child; c != kNoNode; c = tree.node(c).next_sibling) body = c;
  const Kind body_kind = tree.node(body).kind;
  const NodeId order = body_kind == Kind::kSelect ? tree.child(body, 5)
                       : body_kind == Kind::kSetOp ? tree.child(body, 2)
                       : body_kind == Kind::kParenQuery ? tree.child(body, 1)
                                                         : kNoNode;
  out.ordered = order != kNoNode;
  bool locks = false;
  for (NodeId id = 0; id < tree.size() && !locks; ++id) locks = tree.node(id).kind == Kind::kLock;
  out.single_read = !locks && (body_kind == Kind::kSelect || body_kind == Kind::kSetOp || body_kind == Kind::kParenQuery);
  if (!out.changed) return out;
  out.text = edits.apply(text);
  // What is sent must be SQL this front end reads back; never send a text it cannot.
  if (Parsed again = parse(out.text, settings); !again) {
    out.refusal = Refusal{!out.migration.empty() ? out.migration : !cms.empty() ? cms.front().migration->spec.name : tms.front().migration->spec.name,
                          "switchyard could not print the rewritten statement (" + again.error().message + "); write it another way",
                          RefusalReason::kRewriteFailed};
  }
  return out;
}

// Whether `sql` names, as a whole word in any case, one of m's tables or the server code that
// writes them (a routine's call, a trigger's table): Prefilter::may_touch for one migration.
bool names_migration(std::string_view sql, const ResolvedMigration& m) {
  const auto named = [sql](const std::string& name) {
    return Prefilter::contains_name(sql, name);
  };
  if (named(m.spec.old_table.name) || named(m.spec.new_table.name)) return true;
  for (const ServerWriter& w : m.server_writers)
    if (named(w.object.name)) return true;
  return false;
}

}  // namespace

RewriteResult rewrite_sql(std::string_view sql, const Catalog& catalog, ReadRoute route, const LexicalSettings& settings,
                          const std::string& database) {
  RewriteResult result;
  // Only the migrations the text names are prepared (their expressions parsed): the
  // pre-filter's test, one migration at a time; a text naming none is not parsed at all.
  std::vector<ColumnMigration> cms;
  std::vector<TableMigration> tms;
  std::vector<Refusal> broken;  // migrations whose expressions do not parse as MySQL
  for (size_t i = 0; i < catalog.migrations.size(); ++i) {
    const ResolvedMigration& m = catalog.migrations[i];
    if (m.spec.phase == Phase::kOff || !names_migration(sql, m)) continue;
    std::string error;
    if (is_column_kind(m.spec)) {
      if (auto cm = column_migration(m, i, settings, error)) cms.push_back(std::move(*cm));
      else broken.push_back(Refusal{m.spec.name, error, RefusalReason::kRewriteFailed});
    } else if (auto tm = table_migration(m, i, settings, error)) {
      tms.push_back(std::move(*tm));
    } else {
      broken.push_back(Refusal{m.spec.name, error, RefusalReason::kRewriteFailed});
    }
  }
  if (cms.empty() && tms.empty() && broken.empty()) return result;

  std::vector<StatementRange> ranges;
  std::string error;
  if (StatementRange one; single_statement(sql, one)) ranges.push_back(one);
  else if (!split_statements(sql, settings, ranges, error)) {
    result.parsed = false;
    return result;
  }
  std::string out;
  uint32_t at = 0;
  bool any = false;
  for (const StatementRange& r : ranges) {
    const std::string_view text = sql.substr(r.begin, r.end - r.begin);
    StatementOutcome s = rewrite_statement(text, catalog, cms, tms, broken, route, settings, database, ranges.size() == 1);
    if (s.refusal) {
      result.kind = RewriteResult::Kind::kRefused;
      result.migration = std::move(s.refusal->migration);
      result.reason = std::move(s.refusal->reason);
      result.code = s.refusal->code;
      result.sql.clear();
      return result;
    }
    result.parsed &= s.parsed;
    result.reads_mask |= s.reads_mask;
    if (result.passed_migration.empty() && !s.passed_migration.empty()) {
      result.passed_migration = s.passed_migration;
      result.passed_code = s.passed_code;
    }
    out.append(sql.substr(at, r.begin - at));
    if (s.changed) {
      out += s.text;
      result.migration = s.migration;
      any = true;
    } else {
      out.append(text);
    }
    at = r.end;
    if (ranges.size() == 1) {
      result.script = std::move(s.script);
      result.ordered = s.ordered;
      result.single_read = s.single_read;
    }
  }
  out.append(sql.substr(at));
  if (any) {
    result.kind = RewriteResult::Kind::kRewritten;
    result.sql = std::move(out);
  }
  return result;
}

std::string refusal_message(const RewriteResult& refused) {
  return "switchyard: migration " + refused.migration + ": " + refused.reason;
}

}  // namespace switchyard::rewrite::mysql
