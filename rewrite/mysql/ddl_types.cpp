// Column definitions as the MySQL DDL lint compares them; see ddl_types.h.
#include "rewrite/mysql/ddl_types.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "rewrite/mysql/keywords.h"

namespace switchyard::rewrite::mysql::ddl {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_integer(const std::string& name) {
  return name == "tinyint" || name == "smallint" || name == "mediumint" || name == "int" || name == "bigint";
}

std::string canonical(const std::string& name) {
  if (name == "integer" || name == "int4") return "int";
  if (name == "int1") return "tinyint";
  if (name == "int2") return "smallint";
  if (name == "int3" || name == "middleint") return "mediumint";
  if (name == "int8") return "bigint";
  if (name == "dec" || name == "numeric" || name == "fixed") return "decimal";
  if (name == "bool" || name == "boolean") return "tinyint";
  return name;
}

// Reads a type from tokens [i, end): a word, optional (arguments), UNSIGNED / SIGNED / ZEROFILL.
// Advances `i` past it.
std::optional<ColumnType> read_type(std::string_view sql, const std::vector<Token>& t, size_t& i, size_t end) {
  if (i >= end || t[i].type != Tok::kWord) return std::nullopt;
  auto text = [&](size_t k) { return sql.substr(t[k].begin, t[k].end - t[k].begin); };
  ColumnType out;
  out.name = canonical(lower(text(i++)));
  if (i < end && t[i].op == Op::kLParen) {
    std::string arg;
    for (++i; i < end && t[i].op != Op::kRParen; ++i) {
      if (t[i].op == Op::kComma) {
        out.args.push_back(std::exchange(arg, ""));
      } else {
        arg += text(i);
      }
    }
    if (i >= end) return std::nullopt;  // no ')'
    out.args.push_back(arg);
    ++i;
  }
  for (; i < end && t[i].type == Tok::kWord; ++i) {
    const std::string w = lower(text(i));
    if (w == "unsigned") {
      out.is_unsigned = true;
    } else if (w == "zerofill") {
      out.zerofill = out.is_unsigned = true;
    } else if (w != "signed") {
      break;
    }
  }
  if (is_integer(out.name)) out.args.clear();  // a display width changes nothing stored
  if (out.name == "decimal") {
    if (out.args.empty()) out.args.push_back("10");
    if (out.args.size() == 1) out.args.push_back("0");
  }
  return out;
}

bool number(const std::string& s, long& out) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  out = std::strtol(s.c_str(), nullptr, 10);
  return true;
}

bool widens(const ColumnType& from, const ColumnType& to) {
  if (from == to) return true;
  if (from.is_unsigned != to.is_unsigned || from.zerofill != to.zerofill || from.name != to.name) return false;
  long a = 0, b = 0;
  if (from.name == "varchar" && from.args.size() == 1 && to.args.size() == 1)
    return number(from.args[0], a) && number(to.args[0], b) && b >= a;
  if (from.name == "enum")
    return to.args.size() <= 255 && to.args.size() >= from.args.size() &&
           std::equal(from.args.begin(), from.args.end(), to.args.begin());
  return false;
}

}  // namespace

ColumnDef read_column_def(std::string_view sql, const std::vector<Token>& tokens, size_t begin, size_t end) {
  ColumnDef out;
  size_t i = begin;
  out.type = read_type(sql, tokens, i, end);
  for (; i < end; ++i) {
    if (tokens[i].type != Tok::kWord) continue;
    const std::string w = lower(sql.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    const bool character_set =
        w == "character" && i + 1 < end && same_word(sql.substr(tokens[i + 1].begin, tokens[i + 1].end - tokens[i + 1].begin), "set");
    if (w == "charset" || w == "collate" || character_set)
      out.collation = true;
    else if (w == "auto_increment")
      out.auto_increment = true;
    else if (w == "as" && i + 1 < end && tokens[i + 1].op == Op::kLParen)
      out.generated = true;
    else if (out.generated && (w == "stored" || w == "persistent"))
      out.stored = true;
  }
  return out;
}

std::optional<ColumnType> parse_column_type(const std::string& column_type) {
  std::vector<Token> tokens;
  std::string error;
  uint32_t at = 0;
  if (!tokenize(column_type, LexicalSettings{}, tokens, error, at)) return std::nullopt;
  size_t i = 0;
  return read_type(column_type, tokens, i, tokens.size());
}

bool in_place_change(const ColumnInfo& from, const ColumnDef& to) {
  if (!to.type || to.collation || from.own_collation || from.generated || to.generated) return false;
  if (to.auto_increment && !from.auto_increment) return false;  // numbering the rows locks the table
  const auto old_type = parse_column_type(from.type);
  return old_type && widens(*old_type, *to.type);
}

}  // namespace switchyard::rewrite::mysql::ddl
