// Comparing the two results of a shadow read: order only when ordered, multisets with their
// duplicates, NULL against the empty string, float tolerance, row counts, the first difference.
#include "proxy/shadow_compare.h"

#include <gtest/gtest.h>

namespace switchyard::proxy {
namespace {

const ShadowValue kNull = std::nullopt;

ShadowRow row(std::initializer_list<ShadowValue> values) { return ShadowRow(values); }

std::string show(const std::optional<ShadowRow>& r) {
  if (!r) return "(none)";
  std::string out = "(";
  for (const ShadowValue& v : *r) out += (v ? "'" + *v + "'" : "NULL") + std::string(",");
  return out + ")";
}

TEST(ShadowCompare, ComparesResultsAndReportsTheFirstDifference) {
  struct Case {
    const char* name;
    ShadowRows served;
    ShadowRows other;
    CompareOptions options;
    bool equal;
    std::size_t index;                 // when !equal
    std::optional<ShadowRow> served_row;  // when !equal
    std::optional<ShadowRow> other_row;
  };
  const CompareOptions kOrdered{true, 0};
  const CompareOptions kUnordered{false, 0};
  const Case cases[] = {
      {"both empty", {}, {}, kUnordered, true, 0, {}, {}},
      {"same rows, same order", {row({"1", "a"}), row({"2", "b"})}, {row({"1", "a"}), row({"2", "b"})}, kOrdered,
       true, 0, {}, {}},
      {"order differs, ordered", {row({"1"}), row({"2"})}, {row({"2"}), row({"1"})}, kOrdered, false, 0, row({"1"}),
       row({"2"})},
      {"order differs, unordered", {row({"1"}), row({"2"})}, {row({"2"}), row({"1"})}, kUnordered, true, 0, {}, {}},
      {"duplicates count in a multiset", {row({"1"}), row({"1"}), row({"2"})}, {row({"1"}), row({"2"}), row({"2"})},
       kUnordered, false, 1, row({"1"}), row({"2"})},
      {"same duplicates in another order", {row({"x"}), row({"y"}), row({"x"})}, {row({"y"}), row({"x"}), row({"x"})},
       kUnordered, true, 0, {}, {}},
      {"NULL is not the empty string", {row({kNull})}, {row({""})}, kUnordered, false, 0, row({kNull}), row({""})},
      {"NULL equals NULL", {row({kNull, "a"})}, {row({kNull, "a"})}, kOrdered, true, 0, {}, {}},
      {"other side has fewer rows", {row({"1"}), row({"2"})}, {row({"1"})}, kOrdered, false, 1, row({"2"}),
       std::nullopt},
      {"served side has fewer rows", {}, {row({"1"})}, kUnordered, false, 0, std::nullopt, row({"1"})},
      {"rows of different widths", {row({"1"})}, {row({"1", "2"})}, kOrdered, false, 0, row({"1"}), row({"1", "2"})},
      {"first difference after equal rows", {row({"1", "a"}), row({"2", "b"}), row({"3", "c"})},
       {row({"1", "a"}), row({"2", "B"}), row({"3", "C"})}, kOrdered, false, 1, row({"2", "b"}), row({"2", "B"})},
      {"unordered reports the index in sorted order", {row({"3", "c"}), row({"1", "a"})},
       {row({"1", "a"}), row({"3", "x"})}, kUnordered, false, 1, row({"3", "c"}), row({"3", "x"})},
      {"text equality without tolerance", {row({"1.0"})}, {row({"1"})}, kOrdered, false, 0, row({"1.0"}), row({"1"})},
      {"tolerance: 1.0 and 1", {row({"1.0"})}, {row({"1"})}, {true, 1e-9}, true, 0, {}, {}},
      {"tolerance: within 1%", {row({"100"})}, {row({"100.9"})}, {true, 0.01}, true, 0, {}, {}},
      {"tolerance: beyond 1%", {row({"100"})}, {row({"101.5"})}, {true, 0.01}, false, 0, row({"100"}),
       row({"101.5"})},
      {"tolerance is relative", {row({"1e-9"})}, {row({"2e-9"})}, {true, 0.01}, false, 0, row({"1e-9"}),
       row({"2e-9"})},
      {"tolerance: zeros", {row({"0"})}, {row({"-0.0"})}, {true, 0.01}, true, 0, {}, {}},
      {"tolerance ignores text", {row({"abc"})}, {row({"abd"})}, {true, 0.5}, false, 0, row({"abc"}), row({"abd"})},
      {"tolerance ignores NaN", {row({"NaN"})}, {row({"1"})}, {true, 10}, false, 0, row({"NaN"}), row({"1"})},
      {"tolerance needs the whole text", {row({"1 "})}, {row({"1"})}, {true, 0.5}, false, 0, row({"1 "}), row({"1"})},
      {"tolerance does not make NULL a number", {row({kNull})}, {row({"0"})}, {true, 1}, false, 0, row({kNull}),
       row({"0"})},
      {"tolerance in a multiset", {row({"2.0000001"}), row({"1"})}, {row({"1.0000001"}), row({"2"})},
       {false, 1e-6}, true, 0, {}, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const CompareResult r = compare_results(c.served, c.other, c.options);
    EXPECT_EQ(r.equal, c.equal);
    if (c.equal || r.equal) continue;
    EXPECT_EQ(r.index, c.index);
    EXPECT_EQ(show(r.served_row), show(c.served_row));
    EXPECT_EQ(show(r.other_row), show(c.other_row));
  }
}

TEST(ShadowCompare, ParsesOnlyWholeFiniteNumbers) {
  EXPECT_EQ(parse_finite_number("1"), 1.0);
  EXPECT_EQ(parse_finite_number("-2.50"), -2.5);
  EXPECT_EQ(parse_finite_number("1e+20"), 1e20);
  for (const char* text : {"", "NaN", "Infinity", "-Infinity", "1 ", " 1", "0x10", "1,5", "abc", "1e999"}) {
    EXPECT_FALSE(parse_finite_number(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace switchyard::proxy
