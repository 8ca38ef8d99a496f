// The DDL lint's text pre-check and its rules, statement by statement; see ddl_lint.h.
#include "rewrite/pg/ddl_lint.h"

#include <algorithm>
#include <set>
#include <utility>

#include "rewrite/ddl_usage.h"
#include "rewrite/pg/ddl_lint_catalog.h"
#include "rewrite/pg/expr.h"
#include "rewrite/pg/parse_tree.h"

namespace switchyard::rewrite::pg {
namespace {

using ddl::Relation;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool word_char(char c) { return lower(c) >= 'a' && lower(c) <= 'z'; }
bool set(const char* s) { return s != nullptr && s[0] != '\0'; }

// The index of the first character at or after `i` that is neither whitespace nor in a comment.
size_t skip_blank(std::string_view sql, size_t i) {
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find_first_of("\n\r", i);  // a -- comment ends at either (PostgreSQL's non_newline)
      if (i == std::string_view::npos) return sql.size();
    } else if (sql.substr(i, 2) == "/*") {  // block comments nest in PostgreSQL
      int depth = 0;
      do {
        if (sql.substr(i, 2) == "/*") {
          ++depth;
          i += 2;
        } else if (sql.substr(i, 2) == "*/") {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      } while (depth > 0 && i < sql.size());
    } else {
      break;
    }
  }
  return i;
}

bool ddl_keyword_at(std::string_view sql, size_t i) {
  size_t end = i;
  while (end < sql.size() && word_char(sql[end]) && end - i <= 6) ++end;
  if (end < sql.size() && (word_char(sql[end]) || sql[end] == '_' || (sql[end] >= '0' && sql[end] <= '9'))) return false;
  // Compared in place, case-folded letter by letter: this runs for every Query a session sends.
  const auto is = [&](std::string_view keyword) {
    if (end - i != keyword.size()) return false;
    for (size_t k = 0; k < keyword.size(); ++k)
      if (lower(sql[i + k]) != keyword[k]) return false;
    return true;
  };
  return is("alter") || is("create") || is("drop");
}

std::string type_text(const PgQuery__TypeName* t) {
  if (t == nullptr || t->n_names == 0) return "?";
  const PgQuery__Node* last = t->names[t->n_names - 1];
  std::string out = last->node_case == PG_QUERY__NODE__NODE_STRING ? last->string->sval : "?";
  for (size_t i = 0; i < t->n_typmods; ++i) {
    const PgQuery__Node* m = t->typmods[i];
    out += i == 0 ? "(" : ",";
    out += m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL
               ? std::to_string(m->a_const->ival->ival)
               : "?";
  }
  return t->n_typmods > 0 ? out + ")" : out;
}

constexpr char kValidateLater[] =
    "ADD CONSTRAINT ... NOT VALID (new and changed rows are checked at once), then VALIDATE CONSTRAINT in a "
    "separate statement, which checks the existing rows without blocking writes";

class Linter {
 public:
  explicit Linter(const Catalog& catalog) : catalog_(catalog) {}

  void statement(const PgQuery__Node* n) {
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_CREATE_STMT:
        created_.push_back(ddl::relation_of(n->create_stmt->relation));
        break;
      case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
        if (n->create_table_as_stmt->into != nullptr) created_.push_back(ddl::relation_of(n->create_table_as_stmt->into->rel));
        break;
      case PG_QUERY__NODE__NODE_INDEX_STMT:
        index(n->index_stmt);
        break;
      case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
        if (n->alter_table_stmt->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) break;
        for (size_t i = 0; i < n->alter_table_stmt->n_cmds; ++i)
          if (n->alter_table_stmt->cmds[i]->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)
            alter(ddl::relation_of(n->alter_table_stmt->relation), n->alter_table_stmt->cmds[i]->alter_table_cmd);
        break;
      case PG_QUERY__NODE__NODE_RENAME_STMT:
        rename(n->rename_stmt);
        break;
      case PG_QUERY__NODE__NODE_DROP_STMT:
        drop(n->drop_stmt);
        break;
      default:
        break;
    }
  }

  std::vector<DdlFinding> findings;

 private:
  void add(std::string rule, std::string message, std::string alternative) {
    findings.push_back({std::move(rule), std::move(message), std::move(alternative)});
  }

  // Created earlier in the same text, so new and empty: nothing to lock out or rewrite.
  bool fresh(const Relation& r) const {
    return std::any_of(created_.begin(), created_.end(), [&](const Relation& c) {
      return c.name == r.name && (c.schema.empty() || r.schema.empty() || c.schema == r.schema);
    });
  }

  void index(const PgQuery__IndexStmt* s) {
    const Relation table = ddl::relation_of(s->relation);
    // ON ONLY a partitioned parent builds nothing: the partitions' indexes are attached later.
    if (s->concurrent || fresh(table) || (s->relation != nullptr && !s->relation->inh)) return;
    add("create_index",
        "CREATE INDEX " + std::string(set(s->idxname) ? s->idxname : "") + (set(s->idxname) ? " " : "") + "on " +
            table.to_string() + " without CONCURRENTLY blocks every write to the table until the index is built",
        "CREATE INDEX CONCURRENTLY (outside a transaction block); for a partitioned table, CREATE INDEX ON ONLY the "
        "parent, CREATE INDEX CONCURRENTLY on each partition, then ALTER INDEX ... ATTACH PARTITION");
  }

  void alter(const Relation& table, const PgQuery__AlterTableCmd* cmd) {
    const std::string column = set(cmd->name) ? cmd->name : "";
    const std::string where = table.to_string() + "." + column;
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn) {
      const std::string user = ddl::migration_using(catalog_, table, column);
      if (!user.empty()) findings.push_back(rewrite::ddl::drop_column_in_use(where, user));
      return;
    }
    if (fresh(table)) return;
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
          add_column(table, cmd->def->column_def);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        const PgQuery__ColumnDef* def =
            cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF ? cmd->def->column_def : nullptr;
        if (ddl::known_widening(catalog_, table, column, def)) break;
        add("alter_column_type",
            "changes the type of " + where + " to " + type_text(def ? def->type_name : nullptr) +
                ", which rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless it is a "
                "binary-coercible widening",
            "a change_column migration in switchyard (a new column, dual writes, backfill, then switch); a widening "
            "switchyard cannot prove (varchar(n) to varchar(m > n) or text, numeric(p,s) to numeric(p' > p,s)) may be "
            "marked /* switchyard:allow alter_column_type */");
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        add("set_not_null", "SET NOT NULL on " + where + " scans the whole table under an ACCESS EXCLUSIVE lock",
            "ADD CONSTRAINT c CHECK (" + column + " IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT c (no write "
            "lock), then SET NOT NULL, which PostgreSQL 12+ proves from the valid constraint without a scan (mark it "
            "/* switchyard:allow set_not_null */), then DROP CONSTRAINT c");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd->def != nullptr && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT)
          add_constraint(table, cmd->def->constraint);
        break;
      default:
        break;
    }
  }

  void add_column(const Relation& table, const PgQuery__ColumnDef* def) {
    const std::string where = table.to_string() + "." + (set(def->colname) ? def->colname : "");
    bool not_null = false, generated = false;
    const PgQuery__Node* default_expr = nullptr;
    for (size_t i = 0; i < def->n_constraints; ++i) {
      if (def->constraints[i]->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) continue;
      const PgQuery__Constraint* c = def->constraints[i]->constraint;
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL || c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)
        not_null = true;
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) default_expr = c->raw_expr;
      if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY || c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)
        generated = true;
    }
    if (default_expr != nullptr && default_expr->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        default_expr->a_const->isnull)
      default_expr = nullptr;  // DEFAULT NULL is no default
    const PgQuery__TypeName* t = def->type_name;
    if (t != nullptr && t->n_names == 1 && t->names[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      static const std::set<std::string_view> kSerials = {"serial",  "serial2", "serial4",
                                                          "serial8", "bigserial", "smallserial"};
      if (kSerials.count(t->names[0]->string->sval)) generated = true;
    }
    const bool volatile_default = default_expr != nullptr && may_be_volatile(default_expr, catalog_.volatility);
    if (not_null && !generated && (default_expr == nullptr || volatile_default)) {
      add("add_column_not_null",
          "adds NOT NULL column " + where + " without a constant default: it fails on a table with rows, or "
              "rewrites the table when the default is volatile",
          "add the column nullable or with a constant DEFAULT, backfill it in batches, ADD CONSTRAINT c CHECK (" +
              std::string(set(def->colname) ? def->colname : "") +
              " IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT c, then SET NOT NULL");
    } else if (generated || volatile_default) {
      add("add_column_volatile_default",
          "adds column " + where + " with a value computed for every row (a volatile default, serial, identity or "
              "generated column), which rewrites the table under an ACCESS EXCLUSIVE lock",
          "add the column without a default (or with a constant one), then SET DEFAULT, and backfill the existing "
          "rows in batches");
    }
  }

  void add_constraint(const Relation& table, const PgQuery__Constraint* c) {
    const std::string name = set(c->conname) ? std::string(c->conname) + " " : "";
    switch (c->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        if (!c->skip_validation)
          add("add_foreign_key",
              "adds foreign key " + name + "on " + table.to_string() + " without NOT VALID: every row is checked "
              "while writes to it and to the referenced table are blocked",
              kValidateLater);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        if (!c->skip_validation)
          add("add_check",
              "adds CHECK constraint " + name + "on " + table.to_string() + " without NOT VALID: every row is "
              "checked under an ACCESS EXCLUSIVE lock",
              kValidateLater);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
        if (!set(c->indexname))
          add("add_index_constraint",
              "adds a PRIMARY KEY or UNIQUE constraint " + name + "on " + table.to_string() +
                  ", which builds its index under an ACCESS EXCLUSIVE lock",
              "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT name PRIMARY KEY (or UNIQUE) USING INDEX");
        break;
      default:
        break;
    }
  }

  void rename(const PgQuery__RenameStmt* s) {
    const Relation table = ddl::relation_of(s->relation);
    if (fresh(table)) return;
    const std::string to = set(s->newname) ? s->newname : "";
    if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && s->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
      findings.push_back(rewrite::ddl::rename_column(table.to_string() + "." + (set(s->subname) ? s->subname : ""), to, ""));
    else if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
      findings.push_back(rewrite::ddl::rename_table(table.to_string(), to, ""));
  }

  void drop(const PgQuery__DropStmt* s) {
    if (s->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
    for (size_t i = 0; i < s->n_objects; ++i) {
      if (s->objects[i]->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      const PgQuery__List* parts = s->objects[i]->list;
      Relation table;
      for (size_t k = 0; k < parts->n_items; ++k) {
        if (parts->items[k]->node_case != PG_QUERY__NODE__NODE_STRING) continue;
        table.schema = std::exchange(table.name, parts->items[k]->string->sval);
      }
      const std::string user = ddl::migration_using(catalog_, table, "");
      if (!user.empty()) findings.push_back(rewrite::ddl::drop_table_in_use(table.to_string(), user));
    }
  }

  const Catalog& catalog_;
  std::vector<Relation> created_;
};

}  // namespace

bool may_be_ddl(std::string_view sql) {
  size_t i = 0;
  while (true) {
    i = skip_blank(sql, i);
    if (ddl_keyword_at(sql, i)) return true;
    i = sql.find(';', i);
    if (i == std::string_view::npos) return false;
    ++i;
  }
}

std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog) {
  auto tree = ParseTree::parse(sql);
  if (!tree) return {};
  Linter linter(catalog);
  for (const PgQuery__RawStmt* s : tree->statements())
    if (s->stmt != nullptr) linter.statement(s->stmt);
  rewrite::ddl::drop_allowed(sql, linter.findings);
  return std::move(linter.findings);
}

std::string describe(const DdlFinding& finding) { return rewrite::ddl::describe(finding); }

}  // namespace switchyard::rewrite::pg
