// Keyword lookup: the X-macro's names in a hash table built at start-up.
#include "rewrite/mysql/keywords.h"

#include <array>

namespace switchyard::rewrite::mysql {
namespace {

struct Entry {
  std::string_view name;
  Kw kw;
};

constexpr Entry kEntries[] = {
#define SWITCHYARD_KW_ENTRY(name, reserved) {#name, Kw::k##name},
    SWITCHYARD_MYSQL_KEYWORDS(SWITCHYARD_KW_ENTRY)
#undef SWITCHYARD_KW_ENTRY
};
constexpr size_t kCount = sizeof(kEntries) / sizeof(kEntries[0]);
constexpr size_t kLongest = 20;  // SQL_CALC_FOUND_ROWS is 19

// An open-addressed table keyed by a hash of the word's length and its first, second and last
// letters (case folded), built once: a lookup reads three bytes and, for a word that is no
// keyword, almost always stops at an empty slot or a length that differs, without a loop.
constexpr size_t kSlots = 1024;  // a power of two, over 4x the number of keywords

unsigned char upper(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b >= 'a' && b <= 'z') ? static_cast<unsigned char>(b - 32) : b;
}

// The hash folds case by setting bit 0x20 (a-z and A-Z alike; it only picks a slot: the
// comparison in lookup_keyword is exact).
uint32_t fold(char c) { return static_cast<unsigned char>(c) | 0x20u; }

size_t slot_of(std::string_view word) {  // REQUIRES word.size() >= 2
  const uint32_t key = (fold(word[0]) << 16) | (fold(word[1]) << 8) | fold(word.back());
  const uint32_t h = (key * 0x9E3779B1u) ^ (static_cast<uint32_t>(word.size()) * 0x85EBCA6Bu);
  return (h * 0xC2B2AE35u) >> 22;  // the top 10 bits: kSlots
}

struct Table {
  std::array<int16_t, kSlots> slot;  // index into kEntries, -1 when empty
  Table() {
    slot.fill(-1);
    for (size_t i = 0; i < kCount; ++i) {
      size_t at = slot_of(kEntries[i].name);
      while (slot[at] >= 0) at = (at + 1) & (kSlots - 1);
      slot[at] = static_cast<int16_t>(i);
    }
  }
};

const Table kTable;

}  // namespace

Kw lookup_keyword(std::string_view word) {
  if (word.size() < 2 || word.size() > kLongest) return Kw::kNone;
  for (size_t at = slot_of(word);; at = (at + 1) & (kSlots - 1)) {
    const int16_t i = kTable.slot[at];
    if (i < 0) return Kw::kNone;
    const std::string_view name = kEntries[i].name;
    if (name.size() != word.size()) continue;
    size_t k = 0;
    while (k < word.size() && upper(word[k]) == static_cast<unsigned char>(name[k])) ++k;
    if (k == word.size()) return kEntries[i].kw;
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

std::string_view keyword_text(Kw kw) {
  return kw == Kw::kNone ? std::string_view{} : kEntries[static_cast<size_t>(kw) - 1].name;
}

}  // namespace switchyard::rewrite::mysql
