// COPY ... FROM into a migrated table through a temporary table; see copy_from.h.
#include "rewrite/pg/copy_from.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "config/identifier.h"
#include "rewrite/pg/node_builder.h"
#include "rewrite/pg/rewriter.h"
#include "rewrite/pg/table_writes.h"
#include "rewrite/pg/tree_compare.h"
#include "rewrite/pg/tree_edit.h"

namespace switchyard::rewrite::pg {
namespace {

using config::quote_ident;

const ResolvedMigration* migration_of(const PgQuery__RangeVar* rv, const Catalog& catalog, bool& old_shape) {
  for (const auto& m : catalog.migrations) {
    if (m.spec.phase == config::Phase::kOff) continue;
    if (names_table(rv, m.spec.old_table)) return old_shape = true, &m;
    if (names_table(rv, m.spec.new_table)) return old_shape = false, &m;
  }
  return nullptr;
}

// FREEZE in any spelling PostgreSQL reads as true (defGetBoolean): absent value, true/on/1.
bool asks_freeze(const PgQuery__DefElem* d) {
  if (d->defname == nullptr || std::strcmp(d->defname, "freeze") != 0) return false;
  const PgQuery__Node* a = d->arg;
  if (a == nullptr) return true;
  if (a->node_case == PG_QUERY__NODE__NODE_BOOLEAN) return a->boolean->boolval;
  if (a->node_case == PG_QUERY__NODE__NODE_INTEGER) return a->integer->ival != 0;
  if (a->node_case == PG_QUERY__NODE__NODE_STRING) {
    const std::string v = a->string->sval;
    return !(v == "false" || v == "off" || v == "0" || v == "f" || v == "of" || v == "fa" || v == "fal" || v == "fals");
  }
  return true;  // an argument PostgreSQL would reject: refusing is safe
}

void set_string(char*& slot, std::string_view value) {
  if (slot != nullptr && slot != protobuf_c_empty_string) std::free(slot);
  slot = dup_string(value);
}

std::string relation_text(const PgQuery__RangeVar* rv) {
  std::string out;
  if (rv->catalogname != nullptr && rv->catalogname[0] != '\0') out += quote_ident(rv->catalogname) + ".";
  if (rv->schemaname != nullptr && rv->schemaname[0] != '\0') out += quote_ident(rv->schemaname) + ".";
  return out + quote_ident(rv->relname);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote_ident(n);
  return out;
}

}  // namespace

bool copies_into_migrated(const PgQuery__CopyStmt* copy, const Catalog& catalog) {
  bool old_shape = false;
  return copy->is_from && copy->relation != nullptr && migration_of(copy->relation, catalog, old_shape) != nullptr;
}

CopyExpansion expand_copy_from(PgQuery__RawStmt* raw, size_t index, const Catalog& catalog, ReadRoute route) {
  CopyExpansion out;
  PgQuery__CopyStmt* copy = raw->stmt->copy_stmt;
  bool old_shape = false;
  const ResolvedMigration* m = migration_of(copy->relation, catalog, old_shape);
  out.migration = m->spec.name;
  const auto refuse = [&](std::string why) {
    if (m->spec.pass_unsupported) {
      out.passed = true;
    } else {
      out.refusal = std::move(why);
    }
    return out;
  };
  for (size_t i = 0; i < copy->n_options; ++i)
    if (copy->options[i]->node_case == PG_QUERY__NODE__NODE_DEF_ELEM && asks_freeze(copy->options[i]->def_elem))
      return refuse("COPY FROM with FREEZE into a migrated table cannot be mirrored; COPY without FREEZE");
  if (copy->where_clause != nullptr)
    return refuse("COPY FROM ... WHERE into a migrated table cannot be mirrored; COPY into a table of your own and "
                  "INSERT ... SELECT from it");

  // The columns COPY fills: those listed, else every column of the table but generated ones.
  const RelationInfo& rel = old_shape ? m->old_rel : m->new_rel;
  std::vector<std::string> cols;
  for (size_t i = 0; i < copy->n_attlist; ++i) {
    const PgQuery__Node* a = copy->attlist[i];
    if (a->node_case != PG_QUERY__NODE__NODE_STRING) return refuse("COPY FROM with this column list cannot be mirrored");
    cols.emplace_back(a->string->sval);
  }
  if (cols.empty())
    for (const auto& c : rel.columns)
      if (!c.dropped && !c.generated) cols.push_back(c.name);
  if (cols.empty()) return refuse("COPY FROM into a table whose columns switchyard does not know cannot be mirrored");

  // The temporary table's columns take the columns' types without modifier (their base types,
  // schema-qualified outside pg_catalog, so the session's search_path does not matter): COPY
  // reads each value as the table would, and the INSERT's assignment casts apply the modifier
  // (rounding, padding, or the same error). A column the catalog does not know is refused, as
  // an INSERT of it is: relayed, it would be written unmirrored if the catalog were stale.
  std::string defs;
  for (const auto& n : cols) {
    const ColumnInfo* c = rel.column(n);
    if (c == nullptr) return refuse("COPY FROM: column " + n + " is not in " + rel.name.schema + "." + rel.name.name);
    if (c->dropped || c->base_type.empty())
      return refuse("COPY FROM of column " + n + ", which contract dropped, cannot be mirrored; COPY the new columns");
    defs += (defs.empty() ? "" : ", ") + quote_ident(n) + " " + c->base_type;
  }
  const std::string table = relation_text(copy->relation);
  const std::string temp = "pg_temp." + quote_ident("_switchyard_copy_" + std::to_string(index));
  const std::string create = "CREATE TEMPORARY TABLE " + temp + " (" + defs + ")";

  // The INSERT, as the rewriter mirrors any INSERT ... SELECT.
  const std::string insert =
      "INSERT INTO " + table + " (" + joined(cols) + ") SELECT " + joined(cols) + " FROM " + temp;
  RewriteResult mirrored = rewrite_sql(insert, catalog, route);
  if (mirrored.kind == RewriteResult::Kind::kRefused) {
    out.migration = mirrored.migration;
    out.code = mirrored.code;
    out.refusal = "COPY FROM: " + mirrored.reason;
    return out;
  }
  if (mirrored.kind == RewriteResult::Kind::kUnchanged) {
    // Nothing to mirror (a write of both shapes, or a new-shaped one in new_only), or a waived
    // refusal: the COPY as written is the same write.
    if (!mirrored.passed_migration.empty()) {
      out.migration = mirrored.passed_migration;
      out.code = mirrored.passed_code;
      out.passed = true;
    }
    return out;
  }

  // The COPY itself, into the temporary table, with every option as written.
  set_string(copy->relation->schemaname, "pg_temp");
  set_string(copy->relation->relname, "_switchyard_copy_" + std::to_string(index));
  if (copy->relation->catalogname != nullptr && copy->relation->catalogname != protobuf_c_empty_string) {
    std::free(copy->relation->catalogname);
    copy->relation->catalogname = const_cast<char*>(protobuf_c_empty_string);
  }
  if (copy->n_attlist == 0)
    for (const auto& n : cols) append_node(&copy->attlist, &copy->n_attlist, string_node(n));
  auto copy_text = deparse_faithfully(raw);
  if (!copy_text) {
    out.code = RefusalReason::kRewriteFailed;
    out.refusal = "switchyard could not print the COPY faithfully (" + copy_text.error().message + "); write it another way";
    return out;
  }

  out.statements = {create, copy_text.value(), mirrored.sql, "DROP TABLE " + temp};
  Completion hidden;
  hidden.patched = true;
  hidden.drop_tag = true;
  Completion copied;
  copied.patched = true;
  copied.tag_verb = "COPY";  // the INSERT (or its mirror's outer INSERT) returns no rows
  out.completions = {hidden, hidden, copied, hidden};
  return out;
}

}  // namespace switchyard::rewrite::pg
