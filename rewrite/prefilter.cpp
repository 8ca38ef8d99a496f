// Word-boundary, case-insensitive name search; see prefilter.h.
#include "rewrite/prefilter.h"

#include <algorithm>
#include <cstring>

namespace switchyard::rewrite {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Characters that may continue an unquoted identifier (bytes >= 0x80 too: PostgreSQL allows them).
bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}


char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// The next offset at or after `from` (below `end`) holding `c`, or `end`.
size_t next_of(std::string_view sql, char c, size_t from, size_t end) {
  if (from >= end) return end;
  const void* at = std::memchr(sql.data() + from, c, end - from);
  return at ? static_cast<size_t>(static_cast<const char*>(at) - sql.data()) : end;
}

bool contains_spelling(std::string_view sql, std::string_view word) {
  if (word.size() > sql.size()) return false;
  // Candidates are found by memchr for the first letter in either case, each kept until passed.
  const char first = word[0], first_upper = upper(first);
  const size_t end = sql.size() - word.size() + 1;
  size_t lo = next_of(sql, first, 0, end), up = first_upper == first ? end : next_of(sql, first_upper, 0, end);
  while (true) {
    const size_t i = std::min(lo, up);
    if (i >= end) return false;
    if (i == lo) lo = next_of(sql, first, i + 1, end);
    if (i == up) up = next_of(sql, first_upper, i + 1, end);
    if (i > 0 && ident_char(sql[i - 1])) continue;
    size_t k = 1;
    while (k < word.size() && lower(sql[i + k]) == word[k]) ++k;
    if (k < word.size()) continue;
    if (i + k < sql.size() && ident_char(sql[i + k])) continue;
    return true;
  }
}

}  // namespace

bool Prefilter::contains_word(std::string_view sql, std::string_view word) {
  if (contains_spelling(sql, word)) return true;
  if (word.find('"') == std::string_view::npos) return false;
  // Inside a quoted identifier a quote is written doubled: we"ird is spelt "we""ird".
  std::string doubled;
  for (char c : word) doubled += c == '"' ? std::string("\"\"") : std::string(1, c);
  return contains_spelling(sql, doubled);
}

bool Prefilter::contains_name(std::string_view sql, std::string_view name) {
  if (name.empty()) return false;
  if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return contains_word(sql, name);
  return contains_word(sql, lower_case(name));
}

std::string Prefilter::lower_case(std::string_view name) {
  std::string l;
  for (char c : name) l.push_back(lower(c));
  return l;
}

namespace {

void add_lowered(const std::vector<std::string>& names, std::vector<std::string>& out) {
  for (const auto& n : names) {
    const std::string l = Prefilter::lower_case(n);
    if (!l.empty() && std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
}

}  // namespace

Prefilter::Prefilter(const std::vector<std::string>& names) { add_lowered(names, names_); }

Prefilter::Prefilter(const std::vector<std::string>& names, const std::vector<std::string>& truncate_names)
    : Prefilter(names) {
  add_lowered(truncate_names, truncate_names_);
}

Prefilter::Prefilter(const std::vector<std::string>& names, const std::vector<std::string>& truncate_names,
                     const std::vector<std::string>& server_code_names)
    : Prefilter(names, truncate_names) {
  add_lowered(server_code_names, server_code_names_);
}

bool Prefilter::may_run_server_code(std::string_view sql) const {
  for (const auto& name : server_code_names_)
    if (contains_word(sql, name)) return true;
  return false;
}

bool Prefilter::may_write(std::string_view sql) {
  for (std::string_view w : {"insert", "update", "delete", "merge", "copy", "truncate"})
    if (contains_word(sql, w)) return true;
  return false;
}

bool Prefilter::may_touch(std::string_view sql) const {
  for (const auto& name : names_)
    if (contains_word(sql, name)) return true;
  if (may_run_server_code(sql)) return true;
  if (truncate_names_.empty() || !contains_word(sql, "truncate")) return false;
  for (const auto& name : truncate_names_)
    if (contains_word(sql, name)) return true;
  return false;
}

}  // namespace switchyard::rewrite
