// Comparison of the two results of a shadow read (see shadow_compare.h).
#include "proxy/shadow_compare.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace switchyard::proxy {
namespace {

// One value as the unordered comparison sorts it: NULL < numbers (by value, then text) < text.
struct SortKey {
  int kind = 0;  // 0 NULL, 1 number, 2 other text
  double number = 0;
  const std::string* text = nullptr;
};

int compare_keys(const SortKey& a, const SortKey& b) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind == 0) return 0;
  if (a.kind == 1 && a.number != b.number) return a.number < b.number ? -1 : 1;
  const int c = a.text->compare(*b.text);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

std::vector<SortKey> keys_of(const ShadowRow& row) {
  std::vector<SortKey> keys;
  keys.reserve(row.size());
  for (const ShadowValue& value : row) {
    SortKey key;
    if (value) {
      key.text = &*value;
      const std::optional<double> number = parse_finite_number(*value);
      key.kind = number ? 1 : 2;
      key.number = number.value_or(0);
    }
    keys.push_back(key);
  }
  return keys;
}

// `rows` in the order of the unordered comparison (a total order, so equal multisets sort alike).
std::vector<const ShadowRow*> sorted(const ShadowRows& rows) {
  std::vector<std::vector<SortKey>> keys;
  keys.reserve(rows.size());
  for (const ShadowRow& row : rows) keys.push_back(keys_of(row));
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& ka = keys[a];
    const auto& kb = keys[b];
    for (std::size_t i = 0; i < ka.size() && i < kb.size(); ++i) {
      if (const int c = compare_keys(ka[i], kb[i]); c != 0) return c < 0;
    }
    return ka.size() < kb.size();
  });
  std::vector<const ShadowRow*> out;
  out.reserve(rows.size());
  for (std::size_t i : order) out.push_back(&rows[i]);
  return out;
}

std::vector<const ShadowRow*> as_given(const ShadowRows& rows) {
  std::vector<const ShadowRow*> out;
  out.reserve(rows.size());
  for (const ShadowRow& row : rows) out.push_back(&row);
  return out;
}

bool rows_equal(const ShadowRow& a, const ShadowRow& b, double float_tolerance) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!values_equal(a[i], b[i], float_tolerance)) return false;
  }
  return true;
}

}  // namespace

std::optional<double> parse_finite_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool values_equal(const ShadowValue& a, const ShadowValue& b, double float_tolerance) {
  if (!a || !b) return !a && !b;
  if (*a == *b) return true;
  if (float_tolerance <= 0) return false;
  const std::optional<double> x = parse_finite_number(*a);
  const std::optional<double> y = parse_finite_number(*b);
  if (!x || !y) return false;
  return std::fabs(*x - *y) <= float_tolerance * std::max(std::fabs(*x), std::fabs(*y));
}

CompareResult compare_results(const ShadowRows& served, const ShadowRows& other, const CompareOptions& options) {
  const std::vector<const ShadowRow*> a = options.ordered ? as_given(served) : sorted(served);
  const std::vector<const ShadowRow*> b = options.ordered ? as_given(other) : sorted(other);
  CompareResult result;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i < a.size() && i < b.size() && rows_equal(*a[i], *b[i], options.float_tolerance)) continue;
    result.equal = false;
    result.index = i;
    if (i < a.size()) result.served_row = *a[i];
    if (i < b.size()) result.other_row = *b[i];
    break;
  }
  return result;
}

}  // namespace switchyard::proxy
