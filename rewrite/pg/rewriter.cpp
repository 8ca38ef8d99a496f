// Finding the writes to migrated relations in a statement and mirroring them; see rewriter.h.
#include "rewrite/pg/rewriter.h"

#include <vector>

#include "rewrite/pg/column_writes.h"
#include "rewrite/pg/copy_from.h"
#include "rewrite/pg/merge_writes.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/read_routing.h"
#include "rewrite/pg/server_code.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_compare.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

using config::MigrationKind;
using config::Phase;

bool names(const PgQuery__RangeVar* rv, const config::TableName& t) {
  if (rv == nullptr || rv->relname == nullptr || t.name != rv->relname) return false;
  // Unqualified names match whatever schema the migration names: the session's search_path is
  // not known here, and a needless rewrite is safe where a missed one is not.
  return rv->schemaname == nullptr || rv->schemaname[0] == '\0' || t.schema == rv->schemaname;
}

bool column_kind(MigrationKind k) {
  return k == MigrationKind::kRenameColumn || k == MigrationKind::kChangeColumn || k == MigrationKind::kAddColumn;
}

struct Write {
  ProtobufCMessage* stmt;
  const PgQuery__RangeVar* relation;
  const char* verb;
};

// Every write statement in the tree below `root`, outermost first.
std::vector<Write> find_writes(ProtobufCMessage* root) {
  std::vector<Write> out;
  walk_messages(root, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__insert_stmt__descriptor)
      out.push_back({m, reinterpret_cast<PgQuery__InsertStmt*>(m)->relation, "INSERT"});
    else if (m->descriptor == &pg_query__update_stmt__descriptor)
      out.push_back({m, reinterpret_cast<PgQuery__UpdateStmt*>(m)->relation, "UPDATE"});
    else if (m->descriptor == &pg_query__delete_stmt__descriptor)
      out.push_back({m, reinterpret_cast<PgQuery__DeleteStmt*>(m)->relation, "DELETE"});
    else if (m->descriptor == &pg_query__merge_stmt__descriptor)
      out.push_back({m, reinterpret_cast<PgQuery__MergeStmt*>(m)->relation, "MERGE"});
    else if (m->descriptor == &pg_query__copy_stmt__descriptor && reinterpret_cast<PgQuery__CopyStmt*>(m)->is_from)
      out.push_back({m, reinterpret_cast<PgQuery__CopyStmt*>(m)->relation, "COPY FROM"});
    return WalkAction::kDescend;
  });
  return out;
}

// Applies every migration on the written relation, in config order (several compose). A refusal
// waived by `on_unsupported: pass` is noted in `passed` (its migration) and `passed_code`.
StatementEdit mirror(const Write& w, const Catalog& catalog, std::string& migration, std::string& passed,
                     RefusalReason& passed_code) {
  StatementEdit total;
  const std::string verb = w.verb;
  for (const auto& m : catalog.migrations) {
    if (m.spec.phase == Phase::kOff) continue;
    if (!names(w.relation, m.spec.old_table) && !names(w.relation, m.spec.new_table)) continue;
    migration = m.spec.name;
    StatementEdit e;
    if (!column_kind(m.spec.kind) && (verb == "INSERT" || verb == "UPDATE" || verb == "DELETE")) {
      // Two tables: new_only retargets the write here; the dual phases rebuild the whole
      // statement around it afterwards (mirror_table_writes).
      e = translate_table_write(w.stmt, m, catalog.volatility);
    } else if (!column_kind(m.spec.kind) && verb == "MERGE") {
      e = merge_into_two_tables(reinterpret_cast<PgQuery__MergeStmt*>(w.stmt), m, catalog.volatility);
    } else if (!column_kind(m.spec.kind)) {
      e.refusal = verb + " into a migrated table cannot be mirrored; write with INSERT, UPDATE or DELETE";
    } else if (verb == "INSERT") {
      e = mirror_insert(reinterpret_cast<PgQuery__InsertStmt*>(w.stmt), m, catalog.volatility);
    } else if (verb == "UPDATE") {
      e = mirror_update(reinterpret_cast<PgQuery__UpdateStmt*>(w.stmt), m, catalog.volatility);
    } else if (verb == "DELETE") {
      // A deleted row leaves both shapes at once when they live in one table.
      e = mirror_delete(reinterpret_cast<PgQuery__DeleteStmt*>(w.stmt), m);
    } else if (verb == "MERGE") {
      e = mirror_merge(reinterpret_cast<PgQuery__MergeStmt*>(w.stmt), m, catalog.volatility);
    } else {
      e.refusal = verb + " into a migrated table cannot be mirrored; write with INSERT, UPDATE or DELETE";
    }
    total.changed |= e.changed;
    if (!e.refusal.empty() && !m.spec.pass_unsupported) {
      total.refusal = e.refusal;
      total.code = e.code;
      return total;
    }
    if (!e.refusal.empty() && passed.empty()) {
      passed = m.spec.name;
      passed_code = e.code;
    }
  }
  return total;
}

}  // namespace

RewriteResult rewrite_sql(std::string_view sql, const Catalog& catalog, ReadRoute route) {
  RewriteResult result;
  auto parsed = ParseTree::parse(sql);
  if (!parsed) {
    result.parsed = false;  // the server reports the syntax error itself
    return result;
  }
  ParseTree& tree = parsed.value();
  const auto refused = [&result](std::string migration, std::string reason, RefusalReason code) {
    result.kind = RewriteResult::Kind::kRefused;
    result.migration = std::move(migration);
    result.reason = std::move(reason);
    result.code = code;
    return result;
  };
  // $0 parses, but PostgreSQL rejects it ("there is no parameter $0") and libpg_query deparses it
  // as `?`: leave such text for the server to refuse with its own error.
  bool param_zero = false;
  walk_nodes(&tree.get()->base, [&](PgQuery__Node** slot) {
    if ((*slot)->node_case == PG_QUERY__NODE__NODE_PARAM_REF && (*slot)->param_ref->number <= 0) param_zero = true;
    return param_zero ? WalkAction::kStop : WalkAction::kDescend;
  });
  if (param_zero) return result;

  std::vector<bool> changed(tree.size(), false);
  std::vector<Completion> completions(tree.size());
  // COPY FROM into a migrated table: statement i becomes several (copy_from.h).
  std::vector<CopyExpansion> copies(tree.size());
  for (size_t i = 0; i < tree.size(); ++i) {
    // Reads are routed first, so that what the write path adds (mirrors, which read exactly the
    // shape they name) is never routed (read_routing.h).
    const ReadEdit reads = route_reads(tree.statement(i), catalog, route);
    result.reads_mask |= reads.reads_mask;
    changed[i] = reads.changed;
    // Functions, DO blocks, triggers and rules that write a migrated relation inside the server.
    if (ServerWriteCheck code = check_server_writers(tree.statement(i), catalog); !code.migration.empty()) {
      if (!code.waived) return refused(std::move(code.migration), std::move(code.refusal), RefusalReason::kServerSideCode);
      if (result.passed_migration.empty()) {
        result.passed_migration = std::move(code.migration);
        result.passed_code = RefusalReason::kServerSideCode;
      }
    }
    if (const PgQuery__Node* stmt = tree.statement(i)->stmt;
        stmt != nullptr && stmt->node_case == PG_QUERY__NODE__NODE_COPY_STMT && copies_into_migrated(stmt->copy_stmt, catalog)) {
      CopyExpansion& c = copies[i];
      c = expand_copy_from(tree.statement(i), i, catalog, route);
      if (!c.refusal.empty()) return refused(std::move(c.migration), std::move(c.refusal), c.code);
      if (c.passed && result.passed_migration.empty()) {
        result.passed_migration = c.migration;
        result.passed_code = c.code;
      }
      if (!c.statements.empty()) result.migration = c.migration;
      // One relayed as written runs in the extended protocol too: the session follows the Sync
      // the server ignores in copy-in mode (protocol/pg/copy_in_syncs.h). Only the mirrored one,
      // four statements, needs a simple Query (simple_query_only, set below).
      if (!c.passed && result.migration.empty()) result.migration = c.migration;
      continue;
    }
    for (const Write& w : find_writes(&tree.statement(i)->base)) {
      std::string migration;
      const StatementEdit e = mirror(w, catalog, migration, result.passed_migration, result.passed_code);
      if (!e.refusal.empty()) return refused(std::move(migration), e.refusal, e.code);
      if (e.changed) {
        changed[i] = true;
        result.migration = migration;
      }
    }
    // Writes to the two tables of rename_table / copy_table (dual phases) rebuild the statement.
    const TableMirror tables = mirror_table_writes(tree.statement(i), catalog);
    if (!tables.refusal.empty()) return refused(tables.migration, tables.refusal, RefusalReason::kUnsupportedForm);
    if (tables.relay_unchanged) {
      changed[i] = false;  // on_unsupported: pass relays the statement as written
      if (result.passed_migration.empty()) result.passed_migration = tables.migration;
      continue;
    }
    if (tables.changed) {
      changed[i] = true;
      result.migration = tables.migration;
    }
    completions[i] = tables.completion;
  }
  result.ordered = tree.size() == 1 && is_ordered_select(tree.statement(0));
  if (tree.size() == 1 && tree.statement(0)->stmt != nullptr &&
      tree.statement(0)->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
    const PgQuery__SelectStmt* select = tree.statement(0)->stmt->select_stmt;
    result.single_read = select->n_locking_clause == 0 && select->into_clause == nullptr &&
                         find_writes(&tree.statement(0)->base).empty();
  }
  std::string out;
  bool any = false;
  std::vector<Completion> sent;  // one per statement of `out`
  for (size_t i = 0; i < tree.size(); ++i) {
    if (i > 0) out += ";";
    if (!copies[i].statements.empty()) {
      for (size_t k = 0; k < copies[i].statements.size(); ++k) out += (k > 0 ? "; " : i > 0 ? " " : "") + copies[i].statements[k];
      sent.insert(sent.end(), copies[i].completions.begin(), copies[i].completions.end());
      any = true;
      result.simple_query_only = true;
      if (tree.size() == 1 && copies[i].statements.size() == 4) {
        auto e = std::make_shared<ExtendedCopy>();
        e->before = copies[i].statements[0];
        e->copy = copies[i].statements[1];
        e->after = {copies[i].statements[2], copies[i].statements[3]};
        e->after_completions = {copies[i].completions[2], copies[i].completions[3]};
        result.extended_copy = std::move(e);
      }
      continue;
    }
    sent.push_back(completions[i]);
    if (!changed[i]) {
      out += tree.statement_text(sql, i);
      continue;
    }
    // The guarantee that what is sent is what was meant, paid once per statement shape (results
    // are cached): the text must parse back to the edited tree, locations aside. libpg_query's
    // deparser cannot print some trees, and prints others as text the parser would not accept or
    // reads otherwise (a lost modifier); never send such a text: refuse instead.
    auto text = deparse_faithfully(tree.statement(i));
    if (!text)
      return refused(result.migration,
                     "switchyard could not print the rewritten statement faithfully (" + text.error().message +
                         "); write it another way",
                     RefusalReason::kRewriteFailed);
    if (i > 0) out += " ";
    out += text.value();
    any = true;
  }
  if (any) {
    result.kind = RewriteResult::Kind::kRewritten;
    result.sql = std::move(out);
    for (const Completion& c : sent)
      if (c.patched) result.completions = sent;  // one per statement, when any is patched
  }
  return result;
}

std::string refusal_statement(const RewriteResult& refused) {
  return raise_statement("switchyard: migration " + refused.migration + ": " + refused.reason);
}

std::string raise_statement(const std::string& message) {
  // An escape string when the message holds a backslash: read alike whatever the session's
  // standard_conforming_strings (PL/pgSQL reads the block with it).
  const bool escape = message.find('\\') != std::string::npos;
  std::string quoted;
  for (char c : message) {
    quoted += c;
    if (c == '\'' || (escape && c == '\\')) quoted += c;
  }
  // A dollar-quote tag the message cannot contain.
  std::string tag = "$switchyard$";
  while (quoted.find(tag) != std::string::npos) tag.insert(tag.size() - 1, "x");
  return "DO " + tag + " BEGIN RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', MESSAGE = " + (escape ? "E'" : "'") + quoted +
         "'; END " + tag;
}

}  // namespace switchyard::rewrite::pg
