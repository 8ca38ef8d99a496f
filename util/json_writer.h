// The one JSON writer: every JSON body or line switchyard builds (GET /status, the console's
// history, jobs' status, the shadow log, JSON log lines) goes through it, so every string is
// escaped the same way and the output is always valid JSON (RFC 8259) in valid UTF-8.
//
// Strings: `"` and `\` escaped, control characters as \b \f \n \r \t or \u00XX, every byte
// that does not start a well-formed UTF-8 sequence (Unicode Table 3-7: no overlongs, no
// surrogates, nothing above U+10FFFF, nothing truncated) replaced by U+FFFD, one per byte.
// Other characters, including non-ASCII ones, are copied as they are. Pure: no I/O, no throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::util {

// Appends `text` escaped as the body of a JSON string (no quotes) to `out`.
void append_json_escaped(std::string& out, std::string_view text);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

// Builds one JSON value into a string it appends to, placing the commas and colons itself:
//
//   std::string out;
//   JsonWriter w(out);
//   w.begin_object().key("name").string(n).key("ids").begin_array().number(1).end_array().end_object();
//
// `out` must outlive the writer. The caller nests begin_/end_ calls correctly and gives every
// member of an object a key(); the writer does not check (it is used only on known shapes).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);  // the next value is this member's
  JsonWriter& string(std::string_view text);
  JsonWriter& number(uint64_t v);
  JsonWriter& number(int64_t v);
  JsonWriter& number(unsigned v) { return number(static_cast<uint64_t>(v)); }
  JsonWriter& number(int v) { return number(static_cast<int64_t>(v)); }
  // printf's %g; NaN and infinities, which JSON cannot hold, are written as null.
  JsonWriter& number(double v);
  // A fixed number of decimals (printf's %.Nf); NaN and infinities as null.
  JsonWriter& fixed(double v, int decimals);
  JsonWriter& boolean(bool v);
  JsonWriter& null();
  // A value that is already JSON (another writer's output). REQUIRES: `json` is one valid value.
  JsonWriter& raw(std::string_view json);

 private:
  void before_value();  // the comma between values of an array or members of an object
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);

  std::string& out_;
  std::vector<bool> has_items_;  // one per open object or array: something written in it yet
  bool after_key_ = false;
};

}  // namespace switchyard::util
