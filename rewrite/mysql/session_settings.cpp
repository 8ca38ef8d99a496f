// Following a MySQL session's lexical settings; see session_settings.h.
#include "rewrite/mysql/session_settings.h"

#include <cctype>

#include "rewrite/prefilter.h"

namespace switchyard::rewrite::mysql {
namespace {

// One dotted version "10.11.6" at the start of `v`, as major * 10000 + minor * 100 + patch.
std::optional<uint32_t> dotted(std::string_view v) {
  uint32_t parts[3] = {0, 0, 0};
  size_t i = 0;
  for (int p = 0; p < 3; ++p) {
    const size_t start = i;
    uint32_t n = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) && n < 1000) n = n * 10 + (v[i++] - '0');
    if (i == start) return std::nullopt;
    parts[p] = n;
    if (p < 2 && (i >= v.size() || v[i] != '.')) return std::nullopt;
    ++i;
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

bool has_flag(std::string_view list, std::string_view flag) {
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string_view item = list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.size() == flag.size()) {
      bool same = true;
      for (size_t i = 0; i < item.size() && same; ++i)
        same = std::toupper(static_cast<unsigned char>(item[i])) == static_cast<unsigned char>(flag[i]);
      if (same) return true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The text's first word, past blanks and comments (a /*! ... */ comment is code: it stops there).
std::string_view first_word(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#' || (c == '-' && sql.substr(i, 3).size() == 3 && sql[i + 1] == '-' &&
                            std::isspace(static_cast<unsigned char>(sql[i + 2])))) {
      const size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.substr(i, 2) == "/*" && sql.substr(i, 3) != "/*!") {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
  return sql.substr(i, j - i);
}

}  // namespace

void follow_server_version(LexicalSettings& s, std::string_view version) {
  s.mariadb = version.find("MariaDB") != std::string_view::npos;
  // MariaDB 10 and later announce themselves as "5.5.5-<version>" to old clients.
  if (version.substr(0, 6) == "5.5.5-") version.remove_prefix(6);
  if (auto v = dotted(version)) s.server_version = *v;
}

std::optional<std::string> follow_session(LexicalSettings& s, std::string_view sql_mode, std::string_view charset) {
  s.ansi_quotes = has_flag(sql_mode, "ANSI_QUOTES");
  s.no_backslash_escapes = has_flag(sql_mode, "NO_BACKSLASH_ESCAPES");
  s.pipes_as_concat = has_flag(sql_mode, "PIPES_AS_CONCAT");
  s.simultaneous_assignment = has_flag(sql_mode, "SIMULTANEOUS_ASSIGNMENT");
  const std::string cs = lower(charset);
  if (cs == "big5") s.charset = ClientCharset::kBig5;
  else if (cs == "gbk") s.charset = ClientCharset::kGbk;
  else if (cs == "gb18030") s.charset = ClientCharset::kGb18030;
  else if (cs == "sjis") s.charset = ClientCharset::kSjis;
  else if (cs == "cp932") s.charset = ClientCharset::kCp932;
  else s.charset = ClientCharset::kAsciiCompatible;
  for (std::string_view grammar : {"ORACLE", "HIGH_NOT_PRECEDENCE"})
    if (has_flag(sql_mode, grammar))
      return "the session's sql_mode has " + std::string(grammar) + ", which changes how MySQL reads a statement in ways "
             "switchyard's parser does not follow";
  return std::nullopt;
}

bool may_change_settings(std::string_view sql) {
  if (Prefilter::contains_word(sql, "use")) {
    const std::string word = lower(first_word(sql));
    if (word == "use" || sql.find(';') != std::string_view::npos) return true;
  }
  if (!Prefilter::contains_word(sql, "set")) return false;
  for (std::string_view w : {"sql_mode", "names", "character", "charset", "character_set_client"})
    if (Prefilter::contains_word(sql, w)) return true;
  return false;
}

}  // namespace switchyard::rewrite::mysql
