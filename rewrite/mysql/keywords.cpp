// Keyword lookup: the X-macro's names in a hash table built at start-up.
#include "rewrite/mysql/keywords.h"

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

// An open-addressed table on a hash of the upper-cased word, built once: a lookup is one hash
// and, almost always, one comparison.
constexpr size_t kSlots = 1024;  // a power of two, over 4x the number of keywords

uint32_t hash(std::string_view upper) {
  uint32_t h = 2166136261u;
  for (char c : upper) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

struct Table {
  std::array<int16_t, kSlots> slot;  // index into kEntries, -1 when empty
  Table() {
    slot.fill(-1);
    for (size_t i = 0; i < kCount; ++i) {
      size_t at = hash(kEntries[i].name) & (kSlots - 1);
      while (slot[at] >= 0) at = (at + 1) & (kSlots - 1);
      slot[at] = static_cast<int16_t>(i);
    }
  }
};

const Table kTable;

}  // namespace

Kw lookup_keyword(std::string_view word) {
  if (word.size() < 2 || word.size() > kLongest) return Kw::kNone;
  char upper[kLongest];
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < word.size(); ++i) {  // upper-case and hash in one pass
    char c = word[i];
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 32);
    } else if (!((c >= 'A' && c <= 'Z') || c == '_')) {
      return Kw::kNone;  // keywords are letters and underscores only
    }
    upper[i] = c;
    h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  const std::string_view key(upper, word.size());
  for (size_t at = h & (kSlots - 1);; at = (at + 1) & (kSlots - 1)) {
    const int16_t i = kTable.slot[at];
    if (i < 0) return Kw::kNone;
    if (kEntries[i].name == key) return kEntries[i].kw;
  }
}

bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

bool is_reserved(Kw kw) { return kw != Kw::kNone && kEntries[static_cast<size_t>(kw) - 1].reserved; }

std::string_view keyword_text(Kw kw) {
  return kw == Kw::kNone ? std::string_view{} : kEntries[static_cast<size_t>(kw) - 1].name;
}

}  // namespace switchyard::rewrite::mysql
