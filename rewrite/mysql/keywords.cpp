// Keyword lookup: the X-macro's names sorted once, then a binary search on the upper-cased word.
#include "rewrite/mysql/keywords.h"

#include <algorithm>
#include <array>

namespace switchyard::rewrite::mysql {
namespace {

struct Entry {
  std::string_view name;
  Kw kw;
  bool reserved;
};

constexpr Entry kEntries[] = {
#define SWITCHYARD_KW_ENTRY(name, reserved) {#name, Kw::k##name, reserved != 0},
    SWITCHYARD_MYSQL_KEYWORDS(SWITCHYARD_KW_ENTRY)
#undef SWITCHYARD_KW_ENTRY
};
constexpr size_t kCount = sizeof(kEntries) / sizeof(kEntries[0]);
constexpr size_t kLongest = 20;  // SQL_CALC_FOUND_ROWS is 19

struct Sorted {
  std::array<Entry, kCount> entries;
  Sorted() {
    std::copy(std::begin(kEntries), std::end(kEntries), entries.begin());
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  }
};

const Sorted& sorted() {
  static const Sorted s;
  return s;
}

}  // namespace

Kw lookup_keyword(std::string_view word) {
  if (word.size() < 2 || word.size() > kLongest) return Kw::kNone;
  char upper[kLongest];
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  }
  const std::string_view key(upper, word.size());
  const auto& e = sorted().entries;
  const auto it = std::lower_bound(e.begin(), e.end(), key, [](const Entry& a, std::string_view k) { return a.name < k; });
  return (it != e.end() && it->name == key) ? it->kw : Kw::kNone;
}

bool is_reserved(Kw kw) { return kw != Kw::kNone && kEntries[static_cast<size_t>(kw) - 1].reserved; }

std::string_view keyword_text(Kw kw) {
  return kw == Kw::kNone ? std::string_view{} : kEntries[static_cast<size_t>(kw) - 1].name;
}

}  // namespace switchyard::rewrite::mysql
