// A column migration (rename_column, change_column, add_column) as the MySQL rewriter uses it:
// its up and down mappings with their expressions parsed by the MySQL parser, so that the
// columns each one reads are known and a written value can be put in place of a column.
// A rename's mappings are the other column, backquoted (the config spells them in PostgreSQL's
// quotes). Pure.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/mysql/lexical.h"
#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/sql_text.h"

namespace switchyard::rewrite::mysql {

// One parsed up or down expression. Immutable once parsed; copies share it (cheaply, across
// threads too); the tree views into text it owns.
class MappedExpr {
 public:
  // nullopt if `expr` is not exactly one MySQL expression (`error` says why).
  static std::optional<MappedExpr> parse(const std::string& expr, const LexicalSettings& settings, std::string& error);

  // The columns it reads, folded.
  const std::set<std::string>& reads() const { return s_->reads; }
  // How many times it reads `column` (folded).
  size_t reads_count(const std::string& column) const;
  // The folded column it is, when it is nothing but a column; else "".
  const std::string& bare_column() const { return s_->bare; }
  // Its text, parenthesised, with each column reference for which `value` gives text replaced
  // by that text (parenthesised); `value` receives the folded column name.
  std::string text(const std::function<std::optional<std::string>(const std::string&)>& value) const;
  std::string text() const { return text([](const std::string&) { return std::nullopt; }); }
  bool is_volatile() const { return s_->is_volatile; }

 private:
  struct State {
    std::string sql;  // "SELECT <expr>", which tree views into
    Tree tree;
    NodeId expr = kNoNode;
    std::vector<ColumnRef> refs;
    std::set<std::string> reads;
    std::string bare;
    bool is_volatile = false;
  };
  std::shared_ptr<const State> s_;
};

struct Mapping {
  std::string column;  // as the config names it
  std::string folded;
  MappedExpr expr;
};

struct ColumnMigration {
  const ResolvedMigration* migration = nullptr;
  size_t index = 0;  // in the catalog, for the read route
  std::vector<Mapping> up;    // each new column over the old row
  std::vector<Mapping> down;  // each old column over the new row (add_column: may be none)

  const Mapping* up_of(const std::string& folded) const;
  const Mapping* down_of(const std::string& folded) const;
  // The table's column `folded`, or null.
  const ColumnInfo* column(const std::string& folded) const;
};

// nullopt, with why in `error`, when an expression does not parse as MySQL.
std::optional<ColumnMigration> column_migration(const ResolvedMigration& m, size_t index, const LexicalSettings& settings,
                                                std::string& error);

bool is_column_kind(const config::Migration& m);

}  // namespace switchyard::rewrite::mysql
