// Finding server-side writes in SQL; see server_code.h.
#include "rewrite/pg/server_code.h"

#include <algorithm>

#include "rewrite/pg/node_volatility.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/walk.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::pg {
namespace {

using config::Phase;

// The relation a message writes, if it is a write statement; null otherwise.
const PgQuery__RangeVar* write_target(const ProtobufCMessage* m) {
  if (m->descriptor == &pg_query__insert_stmt__descriptor) return reinterpret_cast<const PgQuery__InsertStmt*>(m)->relation;
  if (m->descriptor == &pg_query__update_stmt__descriptor) return reinterpret_cast<const PgQuery__UpdateStmt*>(m)->relation;
  if (m->descriptor == &pg_query__delete_stmt__descriptor) return reinterpret_cast<const PgQuery__DeleteStmt*>(m)->relation;
  if (m->descriptor == &pg_query__merge_stmt__descriptor) return reinterpret_cast<const PgQuery__MergeStmt*>(m)->relation;
  if (m->descriptor == &pg_query__copy_stmt__descriptor) {
    const auto* copy = reinterpret_cast<const PgQuery__CopyStmt*>(m);
    return copy->is_from ? copy->relation : nullptr;
  }
  return nullptr;
}

// Every relation the statement below `root` writes (TRUNCATE's list included).
std::vector<const PgQuery__RangeVar*> write_targets(ProtobufCMessage* root) {
  std::vector<const PgQuery__RangeVar*> out;
  walk_messages(root, [&](ProtobufCMessage* m) {
    if (const auto* rv = write_target(m)) out.push_back(rv);
    if (m->descriptor == &pg_query__truncate_stmt__descriptor) {
      const auto* t = reinterpret_cast<const PgQuery__TruncateStmt*>(m);
      for (size_t i = 0; i < t->n_relations; ++i)
        if (t->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) out.push_back(t->relations[i]->range_var);
    }
    return WalkAction::kDescend;
  });
  return out;
}

// The schema (empty if unqualified) and name of a call.
bool call_name(const PgQuery__FuncCall* f, std::string_view& schema, std::string_view& name) {
  return dotted_name(f->funcname, f->n_funcname, schema, name);
}

bool is_routine(const ServerWriter& w) {
  return w.kind == ServerWriter::Kind::kFunction || w.kind == ServerWriter::Kind::kProcedure;
}

// The body of a DO block (its AS argument).
std::string_view do_body(const PgQuery__DoStmt* d) {
  for (size_t i = 0; i < d->n_args; ++i) {
    if (d->args[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const auto* e = d->args[i]->def_elem;
    if (e->defname && std::string_view(e->defname) == "as" && e->arg && e->arg->node_case == PG_QUERY__NODE__NODE_STRING)
      return e->arg->string->sval;
  }
  return {};
}

// The body of CREATE FUNCTION / PROCEDURE given as a string (its AS argument's first string;
// the second, for C functions, is a link symbol); empty for a BEGIN ATOMIC / RETURN body.
std::string_view function_body(const PgQuery__CreateFunctionStmt* f) {
  for (size_t i = 0; i < f->n_options; ++i) {
    if (f->options[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const auto* e = f->options[i]->def_elem;
    if (!e->defname || std::string_view(e->defname) != "as" || !e->arg) continue;
    if (e->arg->node_case == PG_QUERY__NODE__NODE_STRING) return e->arg->string->sval;
    if (e->arg->node_case == PG_QUERY__NODE__NODE_LIST && e->arg->list->n_items > 0 &&
        e->arg->list->items[0]->node_case == PG_QUERY__NODE__NODE_STRING)
      return e->arg->list->items[0]->string->sval;
  }
  return {};
}

const char kCannotMirror[] = ", inside the server, where switchyard cannot mirror it into the other shape; "
                             "run it without the proxy, or set on_unsupported: pass";

// The refusal for migration `m`, or "" if the statement runs none of its writers.
std::string refusal_for(ProtobufCMessage* stmt, const ResolvedMigration& m) {
  std::string out;
  walk_messages(stmt, [&](ProtobufCMessage* msg) {
    if (msg->descriptor == &pg_query__func_call__descriptor) {
      std::string_view schema, name;
      if (!call_name(reinterpret_cast<const PgQuery__FuncCall*>(msg), schema, name)) return WalkAction::kDescend;
      for (const auto& w : m.server_writers) {
        if (!is_routine(w) || w.object.name != name || (!schema.empty() && schema != w.object.schema)) continue;
        out = "the statement calls " + w.description + ", which writes " + w.via + kCannotMirror;
        return WalkAction::kStop;
      }
    } else if (msg->descriptor == &pg_query__create_function_stmt__descriptor) {
      // A routine created through the proxy is not in the catalog loaded at the last reload, so
      // its calls could not be refused: refuse creating one that would write a migrated relation
      // (judged as at load: a parsed SQL body's write targets, else the whole-word search).
      const auto* f = reinterpret_cast<const PgQuery__CreateFunctionStmt*>(msg);
      std::string written;
      if (f->sql_body != nullptr) {
        for (const PgQuery__RangeVar* rv : write_targets(&f->sql_body->base))
          for (const auto* t : {&m.spec.old_table, &m.spec.new_table})
            if (written.empty() && names_table(rv, *t)) written = t->name;
      } else if (const std::string_view body = function_body(f); Prefilter::may_write(body)) {
        for (const auto* t : {&m.spec.old_table, &m.spec.new_table})
          if (written.empty() && Prefilter::contains_name(body, t->name)) written = t->name;
      }
      if (!written.empty()) {
        std::string_view schema, name;
        dotted_name(f->funcname, f->n_funcname, schema, name);
        out = std::string(f->is_procedure ? "CREATE PROCEDURE " : "CREATE FUNCTION ") + std::string(name) +
              " makes a routine that writes " + written +
              ", inside the server, where switchyard cannot mirror it into the other shape; create it without "
              "the proxy (the next reload lists it and refuses its calls), or set on_unsupported: pass";
        return WalkAction::kStop;
      }
    } else if (msg->descriptor == &pg_query__do_stmt__descriptor) {
      // A migrated relation counts with a write keyword; a writer routine counts alone.
      const std::string_view body = do_body(reinterpret_cast<const PgQuery__DoStmt*>(msg));
      std::vector<std::string> named;
      if (Prefilter::may_write(body)) named = {m.spec.old_table.name, m.spec.new_table.name};
      for (const auto& w : m.server_writers)
        if (is_routine(w)) named.push_back(w.object.name);
      for (const auto& n : named) {
        if (!Prefilter::contains_name(body, n)) continue;
        out = "a DO block that names " + n + " writes it" + kCannotMirror;
        return WalkAction::kStop;
      }
    }
    return WalkAction::kDescend;
  });
  if (!out.empty()) return out;
  for (const PgQuery__RangeVar* rv : write_targets(stmt)) {
    for (const auto& w : m.server_writers) {
      if (is_routine(w) || !names_table(rv, w.object)) continue;
      return "writing " + w.object.to_string() + " runs " + w.description + ", which writes " + w.via + kCannotMirror;
    }
  }
  return "";
}

}  // namespace

SqlBodyUse sql_body_use(std::string_view sql) {
  SqlBodyUse use;
  auto parsed = ParseTree::parse(sql);
  if (!parsed) return use;
  use.parsed = true;
  ParseTree& tree = parsed.value();
  std::vector<const PgQuery__RangeVar*> skip;  // a rule's own table, and the write targets
  walk_messages(&tree.get()->base, [&](ProtobufCMessage* m) {
    if (m->descriptor == &pg_query__rule_stmt__descriptor) skip.push_back(reinterpret_cast<PgQuery__RuleStmt*>(m)->relation);
    if (m->descriptor == &pg_query__func_call__descriptor) {
      std::string_view schema, name;
      if (call_name(reinterpret_cast<const PgQuery__FuncCall*>(m), schema, name)) use.called.emplace_back(name);
    }
    return WalkAction::kDescend;
  });
  for (const PgQuery__RangeVar* rv : write_targets(&tree.get()->base)) {
    skip.push_back(rv);
    if (rv->relname) use.written.push_back(rv->relname);
  }
  for (const auto* rv : collect<PgQuery__RangeVar>(&tree.get()->base, pg_query__range_var__descriptor)) {
    if (rv->relname == nullptr || std::find(skip.begin(), skip.end(), rv) != skip.end()) continue;
    use.read.push_back(rv->relname);
  }
  return use;
}

ServerWriteCheck check_server_writers(const PgQuery__RawStmt* raw, const Catalog& catalog) {
  ServerWriteCheck found;
  auto* stmt = const_cast<ProtobufCMessage*>(&raw->base);  // the walk only reads
  for (const auto& m : catalog.migrations) {
    if (m.spec.phase == Phase::kOff) continue;
    std::string refusal = refusal_for(stmt, m);
    if (refusal.empty()) continue;
    if (!m.spec.pass_unsupported) return {m.spec.name, std::move(refusal), false};
    if (found.migration.empty()) found = {m.spec.name, std::move(refusal), true};
  }
  return found;
}

}  // namespace switchyard::rewrite::pg
