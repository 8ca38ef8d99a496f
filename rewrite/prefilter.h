// The cheap test that keeps statements away from the SQL parser: does the text mention, as a
// whole word in any letter case, the name of a relation some migration touches? Statements that
// do not are relayed untouched, without parsing.
//
// False positives only cost a parse (the rewriter then finds nothing to do); false negatives
// would skip a rewrite, so the test errs wide: it ignores quoting, comments and string literals,
// and matches names case-insensitively (a quoted "createdAt" and an unquoted createdat both
// match the column createdAt; so does an unquoted CREATEDAT, which names another column: that
// only costs a parse). A name with spaces matches as it is written quoted ("order items"), and a
// quote in a name matches both itself and the doubled quote SQL writes for it. A name spelt with Unicode escapes (U&"\0075sers") is not
// recognised; docs/phases.md lists this limit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace switchyard::rewrite {

class Prefilter {
 public:
  Prefilter() = default;
  // `names`: unqualified relation names, e.g. {"users", "invoices"}.
  explicit Prefilter(const std::vector<std::string>& names);
  // `truncate_names` also match, but only in a text that contains the word TRUNCATE (tables
  // whose TRUNCATE may empty a migrated one, Catalog::truncate_names()).
  Prefilter(const std::vector<std::string>& names, const std::vector<std::string>& truncate_names);
  // `server_code_names` (Catalog::server_writer_names(): functions that write a migrated
  // relation, tables whose triggers or rules do) also match, anywhere.
  Prefilter(const std::vector<std::string>& names, const std::vector<std::string>& truncate_names,
            const std::vector<std::string>& server_code_names);

  // True if `sql` may touch one of the names.
  bool may_touch(std::string_view sql) const;

  // True if `sql` contains, as a whole word in any case, a keyword that starts a write: INSERT,
  // UPDATE, DELETE, MERGE, COPY or TRUNCATE. Only writes are rewritten, so a statement without one (a
  // plain SELECT) is relayed without a parse. Errs wide like may_touch ("FOR UPDATE" passes).
  static bool may_write(std::string_view sql);
  // True if `sql` names, as a whole word, one of the server_code_names: the statement may run
  // server-side code that writes a migrated relation even without a write keyword
  // (`SELECT touch_user(1)`), so it must be parsed.
  bool may_run_server_code(std::string_view sql) const;
  bool empty() const { return names_.empty() && server_code_names_.empty(); }
  // Whether `word` (lower case, not empty) occurs in `sql` as a whole word, in any letter case;
  // a '"' in `word` also matches '""' in `sql`.
  static bool contains_word(std::string_view sql, std::string_view word);
  // `name` with ASCII letters lower-cased, as contains_word wants its `word`.
  static std::string lower_case(std::string_view name);
  // contains_word of `name` in any case; no copy of it when it has no capital letter.
  static bool contains_name(std::string_view sql, std::string_view name);

 private:
  std::vector<std::string> names_;  // lower-cased, longest first
  std::vector<std::string> truncate_names_;  // lower-cased
  std::vector<std::string> server_code_names_;  // lower-cased
};

}  // namespace switchyard::rewrite
