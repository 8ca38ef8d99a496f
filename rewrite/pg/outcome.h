// A value or an error from the parser layer: what parse, deparse and the text-based node builders
// return instead of throwing. rewrite/ never throws on bad input (only std::bad_alloc escapes,
// as from any std::string).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace switchyard::rewrite::pg {

// Why libpg_query refused a text or a tree.
struct PgError {
  std::string message;
  // 1-based byte offset in the text that was given to the failing call (e.g. the expression text
  // for parse_expression, not the "SELECT ..." wrapped around it); 0 when there is none.
  int cursor_position = 0;
};

template <class T>
class Outcome {
 public:
  Outcome(T value) : v_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit on purpose
  Outcome(PgError error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES !ok().
  const PgError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, PgError> v_;
};

}  // namespace switchyard::rewrite::pg
