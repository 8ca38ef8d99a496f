// Tables named and volatility of a MySQL statement (statement_facts.h): one walk of the tree.
#include "rewrite/mysql/statement_facts.h"

#include <algorithm>
#include <array>

namespace switchyard::rewrite::mysql {
namespace {

// Deterministic built-ins: the same arguments give the same value within and across statements
// of a session (time-zone and sql_mode dependent ones included: both shapes share the session).
constexpr std::string_view kDeterministic[] = {
    "ABS", "ACOS", "ADDDATE", "ADDTIME", "AES_DECRYPT", "AES_ENCRYPT", "ASCII", "ASIN", "ATAN", "ATAN2", "AVG",
    "BIN", "BIN_TO_UUID", "BIT_AND", "BIT_COUNT", "BIT_LENGTH", "BIT_OR", "BIT_XOR", "CEIL", "CEILING", "CHAR",
    "CHARACTER_LENGTH", "CHAR_LENGTH", "COALESCE", "COMPRESS", "CONCAT", "CONCAT_WS", "CONV", "CONVERT_TZ", "COS",
    "COT", "COUNT", "CRC32", "DATE", "DATEDIFF", "DATE_ADD", "DATE_FORMAT", "DATE_SUB", "DAY", "DAYNAME",
    "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "DEFAULT", "DEGREES", "ELT", "EXP", "EXTRACT", "FIELD",
    "FIND_IN_SET", "FLOOR", "FORMAT", "FROM_BASE64", "FROM_DAYS", "FROM_UNIXTIME", "GREATEST", "GROUP_CONCAT",
    "HEX", "HOUR", "IF", "IFNULL", "INET6_ATON", "INET6_NTOA", "INET_ATON", "INET_NTOA", "INSERT", "INSTR",
    "INTERVAL", "ISNULL", "JSON_ARRAY", "JSON_ARRAYAGG", "JSON_CONTAINS", "JSON_CONTAINS_PATH", "JSON_DEPTH",
    "JSON_EXTRACT", "JSON_INSERT", "JSON_KEYS", "JSON_LENGTH", "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE",
    "JSON_OBJECT", "JSON_OBJECTAGG", "JSON_QUOTE", "JSON_REMOVE", "JSON_REPLACE", "JSON_SEARCH", "JSON_SET",
    "JSON_TYPE", "JSON_UNQUOTE", "JSON_VALID", "JSON_VALUE", "LAST_DAY", "LCASE", "LEAST", "LEFT", "LENGTH", "LN",
    "LOCATE", "LOG", "LOG10", "LOG2", "LOWER", "LPAD", "LTRIM", "MAKEDATE", "MAKETIME", "MAX", "MD5",
    "MICROSECOND", "MID", "MIN", "MINUTE", "MOD", "MONTH", "MONTHNAME", "NULLIF", "OCT", "OCTET_LENGTH", "ORD",
    "PERIOD_ADD", "PERIOD_DIFF", "PI", "POSITION", "POW", "POWER", "QUARTER", "QUOTE", "RADIANS",
    "REGEXP_INSTR", "REGEXP_LIKE", "REGEXP_REPLACE", "REGEXP_SUBSTR", "REPEAT", "REPLACE", "REVERSE", "RIGHT",
    "ROUND", "RPAD", "RTRIM", "SECOND", "SEC_TO_TIME", "SHA", "SHA1", "SHA2", "SIGN", "SIN", "SOUNDEX", "SPACE",
    "SQRT", "STD", "STDDEV", "STR_TO_DATE", "STRCMP", "SUBDATE", "SUBSTR", "SUBSTRING", "SUBSTRING_INDEX",
    "SUBTIME", "SUM", "TAN", "TIME", "TIMEDIFF", "TIMESTAMP", "TIMESTAMPADD", "TIMESTAMPDIFF", "TIME_FORMAT",
    "TIME_TO_SEC", "TO_BASE64", "TO_DAYS", "TO_SECONDS", "TRIM", "TRUNCATE", "UCASE", "UNCOMPRESS", "UNHEX",
    "UPPER", "UUID_TO_BIN", "VALUES", "VARIANCE", "VAR_POP", "VAR_SAMP", "WEEK", "WEEKDAY", "WEEKOFYEAR", "YEAR",
    "YEARWEEK"};

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return u;
}

class Walker {
 public:
  Walker(const Tree& tree, StatementFacts& facts) : t_(tree), f_(facts) {}

  void collect_ctes(NodeId id) {
    for (NodeId c = t_.node(id).first_child; c != kNoNode; c = t_.node(c).next_sibling) collect_ctes(c);
    if (t_.node(id).kind == Kind::kCte) ctes_.push_back(upper(identifier_value(t_.node(id).text)));
  }

  void walk(NodeId id) {
    const Node& n = t_.node(id);
    switch (n.kind) {
      case Kind::kTable:
        mention(n.first_child, false);
        break;
      case Kind::kInsert:
        mention(n.first_child, true);
        break;
      case Kind::kTruncate:
        mention(n.first_child, true);
        return;
      case Kind::kFunction:
      case Kind::kSpecialCall:
      case Kind::kGroupConcat: {
        size_t args = t_.child_count(id);
        if (n.kind == Kind::kFunction && args > 0) --args;  // the qualifier's position
        const bool qualified = n.kind == Kind::kFunction && t_.child(id, 0) != kNoNode;
        if (qualified || builtin_volatility(identifier_value(n.text), args) == Volatility::kVolatile)
          mark_volatile(std::string(n.text) + ((n.flags & flag::kNoParens) ? "" : "()"));
        break;
      }
      case Kind::kNextValue:
        mark_volatile("NEXT VALUE FOR");
        break;
      case Kind::kBinary:
        if (n.text == ":=") mark_volatile(":=");
        break;
      default:
        break;
    }
    for (NodeId c = n.first_child; c != kNoNode; c = t_.node(c).next_sibling) walk(c);
  }

  // UPDATE and DELETE write the tables of their targets; resolved after the walk.
  void mark_written(NodeId root) {
    const Node& n = t_.node(root);
    if (n.kind == Kind::kUpdate) {
      const NodeId assigns = t_.child(root, 1);
      bool unqualified = false;
      for (NodeId a = t_.node(assigns).first_child; a != kNoNode; a = t_.node(a).next_sibling) {
        const NodeId col = t_.node(a).first_child;
        const size_t parts = t_.child_count(col);
        if (parts < 2) {
          unqualified = true;
          continue;
        }
        write_by_alias(t_.node(t_.child(col, parts - 2)).text);
      }
      const size_t tables_in_refs = count_tables(t_.child(root, 0));
      if (unqualified || tables_in_refs == 1) written_all_in(t_.child(root, 0));
    } else if (n.kind == Kind::kDelete) {
      if (n.flags & (flag::kDeleteMulti | flag::kDeleteUsing)) {
        const NodeId targets = t_.child(root, 0);
        for (NodeId c = t_.node(targets).first_child; c != kNoNode; c = t_.node(c).next_sibling) {
          NodeId name = t_.node(c).kind == Kind::kStar ? t_.node(c).first_child : c;
          write_by_alias(t_.node(t_.child(name, t_.child_count(name) - 1)).text);
        }
      } else {
        written_all_in(t_.child(root, 1));
      }
    }
  }

 private:
  void mention(NodeId name, bool written) {
    const size_t parts = t_.child_count(name);
    TableMention m;
    m.name = identifier_value(t_.node(t_.child(name, parts - 1)).text);
    if (parts >= 2) m.schema = identifier_value(t_.node(t_.child(name, parts - 2)).text);
    if (m.schema.empty() && std::find(ctes_.begin(), ctes_.end(), upper(m.name)) != ctes_.end()) return;
    m.written = written;
    m.begin = t_.node(name).begin;
    m.end = t_.node(name).end;
    f_.tables.push_back(std::move(m));
  }

  void mark_volatile(std::string why) {
    if (f_.is_volatile) return;
    f_.is_volatile = true;
    f_.volatile_reason = std::move(why);
  }

  size_t count_tables(NodeId id) const {
    size_t n = t_.node(id).kind == Kind::kTable ? 1 : 0;
    for (NodeId c = t_.node(id).first_child; c != kNoNode; c = t_.node(c).next_sibling) n += count_tables(c);
    return n;
  }

  // Tables of a reference list that are not inside a derived table or subquery.
  void written_all_in(NodeId refs) {
    const Node& n = t_.node(refs);
    if (n.kind == Kind::kDerived || n.kind == Kind::kSubquery || n.kind == Kind::kOn) return;
    if (n.kind == Kind::kTable) set_written(t_.node(n.first_child).begin);
    for (NodeId c = n.first_child; c != kNoNode; c = t_.node(c).next_sibling) written_all_in(c);
  }

  // `alias` names a table of the statement by its alias, or by its own name when it has none.
  void write_by_alias(std::string_view alias) {
    const std::string want = upper(identifier_value(alias));
    for (size_t i = 0; i < t_.size(); ++i) {
      const Node& n = t_.node(static_cast<NodeId>(i));
      if (n.kind != Kind::kTable) continue;
      const NodeId name = n.first_child;
      const NodeId alias_id = t_.child(static_cast<NodeId>(i), 1);
      const bool has_alias = alias_id != kNoNode;
      const std::string_view own =
          has_alias ? t_.node(alias_id).text : t_.node(t_.child(name, t_.child_count(name) - 1)).text;
      if (upper(identifier_value(own)) == want) set_written(t_.node(name).begin);
    }
  }

  void set_written(uint32_t begin) {
    for (TableMention& m : f_.tables)
      if (m.begin == begin) m.written = true;
  }

  const Tree& t_;
  StatementFacts& f_;
  std::vector<std::string> ctes_;
};

}  // namespace

std::string identifier_value(std::string_view spelled) {
  if (spelled.size() >= 2 && (spelled.front() == '`' || spelled.front() == '"') && spelled.back() == spelled.front()) {
    const char q = spelled.front();
    std::string out;
    out.reserve(spelled.size() - 2);
    for (size_t i = 1; i + 1 < spelled.size(); ++i) {
      out += spelled[i];
      if (spelled[i] == q && i + 2 < spelled.size() && spelled[i + 1] == q) ++i;
    }
    return out;
  }
  return std::string(spelled);
}

Volatility builtin_volatility(std::string_view name, size_t args) {
  static const std::array<std::string_view, std::size(kDeterministic)> sorted = [] {
    std::array<std::string_view, std::size(kDeterministic)> a{};
    std::copy(std::begin(kDeterministic), std::end(kDeterministic), a.begin());
    std::sort(a.begin(), a.end());
    return a;
  }();
  const std::string u = upper(name);
  if (u == "UNIX_TIMESTAMP") return args == 0 ? Volatility::kVolatile : Volatility::kImmutable;
  return std::binary_search(sorted.begin(), sorted.end(), std::string_view(u)) ? Volatility::kImmutable
                                                                              : Volatility::kVolatile;
}

StatementFacts statement_facts(const Tree& tree) {
  StatementFacts facts;
  if (tree.root() == kNoNode) return facts;
  facts.statement = tree.node(tree.root()).kind;
  Walker w(tree, facts);
  w.collect_ctes(tree.root());
  w.walk(tree.root());
  w.mark_written(tree.root());
  return facts;
}

}  // namespace switchyard::rewrite::mysql
