// Error positions mapped back by matching nodes; see error_position.h.
#include "rewrite/pg/error_position.h"

#include <cstdint>
#include <set>
#include <vector>

#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/tree_compare.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

// Longer texts are not searched (the error path must stay cheap); their positions are dropped.
constexpr std::size_t kMaxText = 256 * 1024;

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Byte offset of 0-based character `chars`, or nullopt past the end.
std::optional<std::size_t> byte_of(std::string_view text, int chars, bool utf8) {
  if (chars < 0) return std::nullopt;
  if (!utf8) return static_cast<std::size_t>(chars) < text.size() ? std::optional<std::size_t>(chars) : std::nullopt;
  int seen = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!continuation(text[i])) ++seen;
    if (seen == chars) return i;
  }
  return std::nullopt;
}

int chars_before(std::string_view text, std::size_t byte, bool utf8) {
  if (!utf8) return static_cast<int>(byte);
  int n = 0;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) n += continuation(text[i]) ? 0 : 1;
  return n;
}

std::vector<ProtobufCMessage*> messages(ParseTree& tree) {
  std::vector<ProtobufCMessage*> out;
  walk_messages(&tree.get()->base, [&](ProtobufCMessage* m) {
    out.push_back(m);
    return WalkAction::kDescend;
  });
  return out;
}

}  // namespace

std::optional<int> map_error_position(std::string_view sent, std::string_view original, int position, bool utf8) {
  if (sent.size() > kMaxText || original.size() > kMaxText) return std::nullopt;
  const std::optional<std::size_t> at = byte_of(sent, position - 1, utf8);
  if (!at) return std::nullopt;
  auto sent_tree = ParseTree::parse(sent);
  auto original_tree = ParseTree::parse(original);
  if (!sent_tree || !original_tree) return std::nullopt;
  const std::vector<ProtobufCMessage*> theirs = messages(original_tree.value());
  for (const ProtobufCMessage* m : messages(sent_tree.value())) {  // pre-order: outermost first
    if (location_of(m) != static_cast<std::int32_t>(*at)) continue;
    std::set<std::int32_t> found;
    for (const ProtobufCMessage* o : theirs)
      if (o->descriptor == m->descriptor && location_of(o) >= 0 && same_tree(o, m)) found.insert(location_of(o));
    if (found.empty()) continue;  // made by the rewrite: an inner node may still be the client's
    if (found.size() > 1) return std::nullopt;
    return chars_before(original, static_cast<std::size_t>(*found.begin()), utf8) + 1;
  }
  return std::nullopt;
}

}  // namespace switchyard::rewrite::pg
