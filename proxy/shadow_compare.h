// Comparison of the two results of a shadow read (the shape the client was served, and the other
// shape): pure, no I/O. Values are compared in PostgreSQL's text form, so two results match when
// a client reading text would have seen the same thing; column names and types are not compared.
//
//   ordered (the query has ORDER BY): row i of one side against row i of the other.
//   unordered: as multisets; both sides are sorted by one total order over rows (below), then
//              compared row by row, so duplicates count and order does not.
//
// Float tolerance: when `float_tolerance` > 0 and both values parse completely as finite numbers
// ("1", "-2.50", "1e+20"; not "NaN", "Infinity", "1 ", "0x10"), they are equal when
//   |a - b| <= float_tolerance * max(|a|, |b|)
// (relative, so 0.01 means "within 1%"). Otherwise, and always when the tolerance is 0, values
// are equal only when their texts are. NULL equals only NULL (never the empty string).
//
// The sort for the unordered comparison puts NULL first, then numbers by value, then other text
// byte-wise (ties between numbers broken by text), so that values within tolerance usually land
// side by side. Usually: a row whose first column differs within tolerance from another row's
// can still sort on the other side of it; such a multiset is reported as different.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace switchyard::proxy {

using ShadowValue = std::optional<std::string>;  // nullopt is SQL NULL
using ShadowRow = std::vector<ShadowValue>;
using ShadowRows = std::vector<ShadowRow>;

struct CompareOptions {
  bool ordered = false;
  double float_tolerance = 0;  // relative; 0: text equality
};

struct CompareResult {
  bool equal = true;
  // When !equal: the position of the first pair of rows that differ, counted in the order
  // compared (as returned when ordered, sorted otherwise), and those rows. A side that has no
  // row there (it has fewer rows) has nullopt.
  std::size_t index = 0;
  std::optional<ShadowRow> served_row;
  std::optional<ShadowRow> other_row;
};

CompareResult compare_results(const ShadowRows& served, const ShadowRows& other, const CompareOptions& options);

// True if the two values are equal under `float_tolerance` (see above).
bool values_equal(const ShadowValue& a, const ShadowValue& b, double float_tolerance);

// The value of `text` if it parses completely as a finite number.
std::optional<double> parse_finite_number(const std::string& text);

}  // namespace switchyard::proxy
