// MySQL's dialect: each method forwards to the rewrite/mysql/ function that does it; see dialect.h.
#include "rewrite/mysql/dialect.h"

#include "rewrite/ddl_usage.h"
#include "rewrite/mysql/ddl_lint.h"
#include "rewrite/mysql/literal_shape.h"
#include "rewrite/mysql/rewriter.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::mysql {
namespace {

class MySqlDialect final : public Dialect {
 public:
  std::string_view name() const override { return "mysql"; }
  RewriteResult rewrite(std::string_view sql, const Catalog& catalog, ReadRoute route, const Lexical& lexical) const override {
    return rewrite_sql(sql, catalog, route, lexical.mysql, lexical.database);
  }
  std::string lexical_key(const Lexical& lexical) const override {
    const LexicalSettings& s = lexical.mysql;
    std::string key = "my";
    key += static_cast<char>('0' + (s.ansi_quotes ? 1 : 0) + (s.no_backslash_escapes ? 2 : 0) + (s.pipes_as_concat ? 4 : 0) +
                             (s.simultaneous_assignment ? 8 : 0) + (s.mariadb ? 16 : 0));
    key += static_cast<char>('a' + static_cast<int>(s.charset));
    key += std::to_string(s.server_version);
    key += '.';
    key += lexical.database;  // a database name holds no NUL; the prefix ends the key's settings
    key += '\0';
    return key;
  }
  // Every character set MySQL offers as character_set_client is read by the lexer (lexical.h);
  // what the session could not follow (session_settings.h) is not.
  std::optional<std::string> unreadable(const Lexical& lexical) const override {
    if (lexical.unfollowed.empty()) return std::nullopt;
    return lexical.unfollowed;
  }
  std::optional<Lexical> shadow_lexical(const Lexical& session) const override {
    if (!session.unfollowed.empty() || session.mysql.charset != ClientCharset::kAsciiCompatible) return std::nullopt;
    return session;
  }
  // Literals lifted as sentinels of their own kind (literal_shape.h), read as the session reads.
  std::optional<Shape> shape(std::string_view sql, const Lexical& lexical) const override {
    return literal_shape(sql, lexical.mysql);
  }
  std::optional<std::string> with_literals(std::string_view shaped_sql, const Shape& shape,
                                           const Lexical& lexical) const override {
    return fill_literals(shaped_sql, shape, lexical.mysql);
  }
  bool refusals_hold_for_texts() const override { return false; }
  // The rewriter reads backslashes itself, under the session's NO_BACKSLASH_ESCAPES.
  StringReading read_strings(std::string_view sql, bool) const override { return StringReading{true, std::string(sql), false}; }
  std::string raise_statement(const std::string&) const override { return kRefusalStandIn; }
  bool may_be_ddl(std::string_view sql) const override { return mysql::may_be_ddl(sql); }
  std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog, const Lexical& lexical) const override {
    return mysql::lint_ddl(sql, catalog, lexical);
  }
  // The text of the ERR 1235 the session answers a blocked statement with.
  std::string describe(const DdlFinding& finding) const override { return rewrite::ddl::describe(finding); }
  bool may_write(std::string_view sql) const override {
    for (std::string_view w : {"insert", "update", "delete", "replace", "truncate", "load"})
      if (Prefilter::contains_word(sql, w)) return true;
    return false;
  }
};

}  // namespace

const Dialect& dialect() {
  static const MySqlDialect d;
  return d;
}

}  // namespace switchyard::rewrite::mysql
