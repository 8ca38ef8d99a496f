// ErrorResponse positions paired with the texts they refer to; see error_positions.h.
#include "proxy/error_positions.h"

#include <algorithm>
#include <charconv>

#include "protocol/pg/backend.h"
#include "rewrite/pg/error_position.h"

namespace switchyard::proxy {

void ErrorPositions::unit_sent() {
  Unit u;
  if (units_.size() >= kMaxUnits || open_untracked_) u.untracked = true;
  else u.texts = std::move(open_);
  open_.clear();
  open_untracked_ = false;
  units_.push_back(std::move(u));
}

void ErrorPositions::add_to_batch(Texts t) {
  if (open_untracked_) return;
  if (units_.size() >= kMaxUnits || open_.size() >= kMaxUnits) {
    open_.clear();
    open_untracked_ = true;
    return;
  }
  open_.push_back(std::move(t));
}

void ErrorPositions::parse_rewritten(std::string sent, std::string original) {
  add_to_batch({std::move(sent), std::move(original)});
}

void ErrorPositions::parse_relayed() { add_to_batch({"", "", true}); }

void ErrorPositions::query_rewritten(std::string sent, std::string original) {
  if (units_.empty() || units_.back().untracked) return;
  units_.back().texts.push_back({std::move(sent), std::move(original)});
}

void ErrorPositions::answered() {
  if (!units_.empty()) units_.pop_front();
}

void ErrorPositions::units_ignored(std::size_t n) {
  for (; n > 0 && !units_.empty(); --n) units_.pop_front();
}

std::optional<ErrorPositions::Texts> ErrorPositions::current() const {
  // No unit yet: the error ends nothing the client sent through a rewrite (e.g. at start-up),
  // or belongs to the open batch (an extended-protocol error before its Sync is sent).
  const std::vector<Texts>* texts = !units_.empty() ? &units_.front().texts : &open_;
  if (!units_.empty() ? units_.front().untracked : open_untracked_) return Texts{};
  const bool rewritten = std::any_of(texts->begin(), texts->end(), [](const Texts& t) { return !t.relayed; });
  if (!rewritten) return std::nullopt;
  if (texts->size() > 1) return Texts{};
  return texts->front();
}

namespace {

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
}

// The position `value` (decimal, 1-based) mapped from `sent` to `original`, as text.
std::optional<std::string> mapped(std::string_view value, std::string_view sent, std::string_view original, bool utf8) {
  int position = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), position);
  if (ec != std::errc() || end != value.data() + value.size() || sent.empty()) return std::nullopt;
  if (!utf8 && !(ascii(sent) && ascii(original))) return std::nullopt;
  const auto to = rewrite::pg::map_error_position(sent, original, position, utf8);
  if (!to) return std::nullopt;
  return std::to_string(*to);
}

}  // namespace

bool remap_error_positions(std::string_view body, const ErrorPositions::Texts& texts, bool utf8, std::string& out) {
  pg::ErrorFieldEdits edits;
  if (const std::string_view p = pg::error_field(body, 'P'); !p.empty())
    edits['P'] = mapped(p, texts.sent, texts.original, utf8);
  const std::string_view q = pg::error_field(body, 'q');
  if (!q.empty() && q == texts.sent) {
    edits['q'] = texts.original;
    if (const std::string_view p = pg::error_field(body, 'p'); !p.empty()) edits['p'] = mapped(p, texts.sent, texts.original, utf8);
  }
  if (edits.empty()) return false;
  return pg::encode_with_error_fields(out, 'E', body, edits);
}

}  // namespace switchyard::proxy
