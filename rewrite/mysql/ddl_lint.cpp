// The MySQL DDL lint's statement reader and rules; see ddl_lint.h. A small reader over the
// lexer's tokens (versioned comments already read as code or comment), statement by statement:
// it knows the DDL forms the rules look at and skips everything else.
#include "rewrite/mysql/ddl_lint.h"

#include <algorithm>
#include <string>

#include "rewrite/ddl_usage.h"
#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/ddl_reader.h"
#include "rewrite/mysql/ddl_types.h"
#include "rewrite/mysql/read_routing.h"
#include "rewrite/mysql/sql_text.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::mysql {
namespace {

using ddl::Clauses;
using ddl::Reader;
using ddl::Table;
using ddl::read_clause;

constexpr char kGuard[] =
    "ALGORITHM=INPLACE, LOCK=NONE (or ALGORITHM=INSTANT) appended to the statement, so that MariaDB refuses it "
    "(ERROR 1845/1846) rather than copy or lock the table";

class Linter {
 public:
  Linter(const Catalog& catalog, const Lexical& lexical) : catalog_(catalog), lexical_(lexical) {}

  void statement(Reader& r) {
    if (r.accept("alter")) {
      r.accept("online");
      r.accept("ignore");
      if (r.accept("table")) alter_table(r);
    } else if (r.accept("rename")) {
      if (r.accept("table") || r.accept("tables")) rename_tables(r);
    } else if (r.accept("create")) {
      create(r);
    } else if (r.accept("drop")) {
      r.accept("temporary");
      if (r.accept("table") || r.accept("tables")) drop_tables(r);
    } else if (r.accept("truncate")) {
      r.accept("table");
      truncate(r.table());
    } else if (r.accept("set")) {
      set(r);
    }
  }

  std::vector<DdlFinding> findings;

 private:
  bool fresh(const Table& t) const {
    return std::any_of(created_.begin(), created_.end(), [&](const Table& c) {
      return fold(c.name) == fold(t.name) && (c.schema.empty() || t.schema.empty() || fold(c.schema) == fold(t.schema));
    });
  }

  std::string using_migration(const Table& t, const std::string& column) const {
    rewrite::ddl::NameRules rules;
    rules.is_table = [&](const config::TableName& m) { return names_table(t.schema, t.name, m, lexical_.database); };
    rules.same_column = [](const std::string& a, const std::string& b) { return fold(a) == fold(b); };
    rules.columns_read = [&](const std::string& expr, std::vector<std::string>& out) {
      std::string error;
      if (auto e = MappedExpr::parse(expr, LexicalSettings{}, error))  // as the config check reads them
        for (const auto& c : e->reads()) out.push_back(c);
    };
    return rewrite::ddl::migration_using(catalog_, rules, column);
  }

  const ColumnInfo* catalog_column(const Table& t, const std::string& column) const {
    for (const auto& m : catalog_.migrations)
      for (const RelationInfo* rel : {&m.old_rel, &m.new_rel}) {
        if (!rel->exists || !names_table(t.schema, t.name, rel->name, lexical_.database)) continue;
        for (const auto& c : rel->columns)
          if (!c.dropped && fold(c.name) == fold(column)) return &c;
      }
    return nullptr;
  }

  void alter_table(Reader& r) {
    r.skip_if_exists();
    const Table t = r.table();
    if (t.name.empty()) return;
    // The clauses apply to the whole statement wherever they stand: read them first.
    Clauses clauses;
    std::vector<std::pair<size_t, size_t>> items;
    while (!r.done()) {
      const size_t begin = r.pos(), end = r.item_end();
      if (!read_clause(r, clauses)) items.emplace_back(begin, end);
      r.seek(end + 1);
    }
    for (const auto& [begin, end] : items) {
      Reader item(r.sql(), r.tokens(), begin, end);
      alter_item(item, t, clauses);
    }
  }

  void alter_item(Reader& r, const Table& t, const Clauses& c) {
    const std::string where = t.to_string() + ".";
    if (r.accept("rename")) {
      if (r.accept("column")) {
        const std::string from = r.name();
        r.accept("to");
        rename_column(t, from, r.name());
      } else if (!r.is("index") && !r.is("key")) {
        if (!r.accept("to")) r.accept("as");
        const Table to = r.table();
        if (!fresh(t)) findings.push_back(rewrite::ddl::rename_table(t.to_string(), to.to_string(), using_migration(t, "")));
      }
    } else if (r.accept("change")) {
      r.accept("column");
      r.skip_if_exists();
      const std::string from = r.name(), to = r.name();
      if (fold(from) != fold(to)) rename_column(t, from, to);
      modify(r, t, from, c);
    } else if (r.accept("modify")) {
      r.accept("column");
      r.skip_if_exists();
      const std::string column = r.name();
      modify(r, t, column, c);
    } else if (r.accept("drop")) {
      static constexpr std::string_view kNotColumns[] = {"index",     "key",    "primary", "foreign",  "constraint", "check",
                                                         "partition", "period", "system",  "fulltext", "spatial",    "unique"};
      for (std::string_view w : kNotColumns)
        if (r.is(w)) return;
      r.accept("column");
      r.skip_if_exists();
      const std::string column = r.name();
      const std::string user = column.empty() ? "" : using_migration(t, column);
      if (!user.empty()) findings.push_back(rewrite::ddl::drop_column_in_use(where + column, user));
    } else if (r.accept("add")) {
      add(r, t, c);
    }
  }

  void rename_column(const Table& t, const std::string& from, const std::string& to) {
    if (fresh(t) || from.empty()) return;
    findings.push_back(rewrite::ddl::rename_column(t.to_string() + "." + from, to, using_migration(t, from)));
  }

  void modify(Reader& r, const Table& t, const std::string& column, const Clauses& c) {
    if (fresh(t) || column.empty() || c.guarded()) return;
    const ddl::ColumnDef def = ddl::read_column_def(r.sql(), r.tokens(), r.pos(), r.end());
    const ColumnInfo* current = catalog_column(t, column);
    if (current != nullptr && ddl::in_place_change(*current, def)) return;
    const std::string type = r.done() ? "?" : std::string(r.span(r.pos(), r.end()));
    findings.push_back(
        {"alter_column_type",
         "changes the definition of " + t.to_string() + "." + column + " (" + type +
             (current ? " from " + current->type : "") +
             ") in a way not known to be in place: MariaDB copies the table (ALGORITHM=COPY) and blocks writes to it "
             "until it is done",
         "a change_column migration in switchyard (a new column, dual writes, backfill, then switch); or the statement "
         "with " + std::string(kGuard)});
  }

  void add(Reader& r, const Table& t, const Clauses& c) {
    if (fresh(t)) return;
    if (r.accept("constraint")) {
      if (!r.is("foreign") && !r.is("primary") && !r.is("unique") && !r.is("check")) r.name();  // its symbol
    }
    if (r.is("foreign")) {
      if (c.no_copy() || fk_checks_off_) return;
      findings.push_back(
          {"add_foreign_key",
           "adds a foreign key on " + t.to_string() + " while foreign_key_checks is on: MariaDB copies the table "
               "(ALGORITHM=COPY) to check every row, blocking writes to it",
           "check for orphans first (SELECT ... LEFT JOIN the referenced table WHERE its key IS NULL), then in that "
           "session SET foreign_key_checks = 0 and add the key with ALGORITHM=INPLACE, LOCK=NONE (no copy), then SET "
           "foreign_key_checks = 1"});
      return;
    }
    if (r.is("fulltext") || r.is("spatial")) {
      if (!c.guarded()) index_lock(t, std::string(r.text(r.pos())));
      return;
    }
    static constexpr std::string_view kNotColumns[] = {"index", "key",       "primary", "unique",
                                                       "check", "partition", "period",  "system"};
    for (std::string_view w : kNotColumns)
      if (r.is(w)) return;
    r.accept("column");
    r.skip_if_exists();
    if (r.accept_op(Op::kLParen)) {  // ADD (a int, b int)
      while (!r.done() && r.name_here()) {
        const size_t begin = r.pos(), end = r.item_end();
        add_column(r, t, c, begin, std::min(end, r.end()));
        r.seek(end + 1);
      }
      return;
    }
    add_column(r, t, c, r.pos(), r.end());
  }

  void add_column(Reader& r, const Table& t, const Clauses& c, size_t begin, size_t end) {
    r.seek(begin);
    const std::string column = r.name();
    const ddl::ColumnDef def = ddl::read_column_def(r.sql(), r.tokens(), r.pos(), end);
    if (c.guarded() || !(def.auto_increment || def.stored)) return;
    findings.push_back(
        {"add_column_volatile_default",
         "adds column " + t.to_string() + "." + column + " with a value computed for every row (" +
             (def.auto_increment ? "AUTO_INCREMENT: under a lock that blocks writes"
                                 : "a STORED generated column: the table is copied") +
             ")",
         "add the column nullable (or VIRTUAL), then fill it in batches; or the statement with " + std::string(kGuard)});
  }

  void index_lock(const Table& t, const std::string& kind) {
    findings.push_back({"create_index",
                        "adds a " + Prefilter::lower_case(kind) + " index on " + t.to_string() +
                            ": MariaDB builds it under a shared lock that blocks every write to the table",
                        "build it where writes may wait (a maintenance window), or on a copy of the table (a copy_table "
                        "migration in switchyard); the statement with LOCK=NONE is refused rather than lock"});
  }

  void create(Reader& r) {
    if (r.accept("or")) r.accept("replace");
    r.accept("temporary");
    if (r.accept("table")) {
      r.skip_if_exists();
      created_.push_back(r.table());
      return;
    }
    std::string kind;
    if (r.is("fulltext") || r.is("spatial")) kind = std::string(r.text(r.pos()));
    if (!kind.empty() || r.is("unique")) r.seek(r.pos() + 1);
    if (!r.accept("index")) return;
    r.skip_if_exists();
    r.name();
    while (!r.done() && !r.is("on")) r.seek(r.pos() + 1);
    if (!r.accept("on")) return;
    const Table t = r.table();
    Clauses c;
    while (!r.done())
      if (!read_clause(r, c)) r.seek(r.pos() + 1);
    if (!kind.empty() && !fresh(t) && !c.guarded()) index_lock(t, kind);
  }

  void rename_tables(Reader& r) {
    r.skip_if_exists();  // RENAME TABLE [IF EXISTS] a [WAIT n | NOWAIT] TO b, ...
    while (!r.done()) {
      const Table from = r.table();
      if (r.accept("wait")) {
        r.seek(r.pos() + 1);
      } else {
        r.accept("nowait");
      }
      if (!r.accept("to")) return;
      const Table to = r.table();
      if (!from.name.empty() && !fresh(from))
        findings.push_back(rewrite::ddl::rename_table(from.to_string(), to.to_string(), using_migration(from, "")));
      if (!r.accept_op(Op::kComma)) return;
    }
  }

  void drop_tables(Reader& r) {
    r.skip_if_exists();
    do {
      const Table t = r.table();
      const std::string user = t.name.empty() ? "" : using_migration(t, "");
      if (!user.empty()) findings.push_back(rewrite::ddl::drop_table_in_use(t.to_string(), user));
    } while (r.accept_op(Op::kComma));
  }

  void truncate(const Table& t) {
    const std::string user = t.name.empty() ? "" : using_migration(t, "");
    if (user.empty()) return;
    findings.push_back({"truncate_table_in_use", "empties table " + t.to_string() + ", which " + user + " still uses",
                        "finish the migration first, or delete the rows in batches (DELETE ... LIMIT), which "
                        "switchyard mirrors as any write"});
  }

  // SET [SESSION | LOCAL] foreign_key_checks = v, SET @@[session.]foreign_key_checks = v, among
  // other assignments.
  void set(Reader& r) {
    while (!r.done()) {
      const size_t end = r.item_end();
      std::string name;
      if (!r.accept("session")) r.accept("local");
      if (r.pos() < end && r.tokens()[r.pos()].type == Tok::kSysVar) {
        const std::string_view v = r.text(r.pos());
        name = std::string(v.substr(v.rfind('.') == std::string_view::npos ? 2 : v.rfind('.') + 1));
        r.seek(r.pos() + 1);
      } else {
        name = r.name();
      }
      if (same_word(name, "foreign_key_checks") && r.accept_op(Op::kEq) && r.pos() < end) {
        const std::string_view v = r.text(r.pos());
        fk_checks_off_ = v == "0" || same_word(v, "off") || same_word(v, "false");
      }
      r.seek(end + 1);
    }
  }

  const Catalog& catalog_;
  const Lexical& lexical_;
  std::vector<Table> created_;
  bool fk_checks_off_ = false;  // a SET foreign_key_checks = 0 earlier in the text
};

}  // namespace

bool may_be_ddl(std::string_view sql) {
  // A versioned comment's code may start right after its digits (/*!50100ALTER ...), where no
  // word boundary is.
  if (sql.find("/*!") != std::string_view::npos || sql.find("/*M!") != std::string_view::npos) return true;
  for (std::string_view w : {"alter", "rename", "drop", "create", "truncate"})
    if (Prefilter::contains_word(sql, w)) return true;
  return false;
}

std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog, const Lexical& lexical) {
  std::vector<Token> tokens;
  std::string error;
  uint32_t error_at = 0;
  if (!tokenize(sql, lexical.mysql, tokens, error, error_at)) return {};
  Linter linter(catalog, lexical);
  size_t begin = 0;
  for (size_t i = 0; i <= tokens.size(); ++i) {
    if (i < tokens.size() && tokens[i].op != Op::kSemicolon) continue;
    Reader r(sql, tokens, begin, i);
    linter.statement(r);
    begin = i + 1;
  }
  rewrite::ddl::drop_allowed(sql, linter.findings);
  return std::move(linter.findings);
}

}  // namespace switchyard::rewrite::mysql
