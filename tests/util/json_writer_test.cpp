// The one JSON writer (util/json_writer.h): exact escapes for each hostile input, and every
// document it writes read back by a real parser (Python's json module, strict UTF-8).
#include "util/json_writer.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace switchyard::util {
namespace {

struct Case {
  const char* name;
  std::string in;
  std::string out;  // the JSON string literal
};

const Case kCases[] = {
    {"plain", "users_email", R"("users_email")"},
    {"empty", "", R"("")"},
    {"quotes and backslashes", R"(a"b\c)", R"("a\"b\\c")"},
    {"named control characters", "\b\f\n\r\t", R"("\b\f\n\r\t")"},
    {"other control characters", std::string("\x00\x01\x1f", 3), R"("\u0000\u0001\u001f")"},
    {"DEL is not a control character to JSON", "\x7f", "\"\x7f\""},
    {"two-byte UTF-8 kept", "caf\xc3\xa9", "\"caf\xc3\xa9\""},
    {"four-byte UTF-8 kept", "\xf0\x9f\x90\x98", "\"\xf0\x9f\x90\x98\""},
    {"a lone continuation byte", "a\x80z", R"("a\ufffdz")"},
    {"a truncated sequence at the end", "a\xe2\x82", R"("a\ufffd\ufffd")"},
    {"a truncated sequence before ASCII", "\xe2\x82z", R"("\ufffd\ufffdz")"},
    {"an overlong slash", "\xc0\xaf", R"("\ufffd\ufffd")"},
    {"an overlong three-byte NUL", "\xe0\x80\x80", R"("\ufffd\ufffd\ufffd")"},
    {"a UTF-8-encoded high surrogate", "\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},
    {"a UTF-8-encoded surrogate pair (CESU-8)", "\xed\xa0\xbd\xed\xb0\x98",
     R"("\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd")"},
    {"above U+10FFFF", "\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
    {"0xff and 0xfe", "\xff\xfe", R"("\ufffd\ufffd")"},
    {"an escaped surrogate as text stays text", R"(\ud800)", R"("\\ud800")"},
    {"a latin-1 name", "na\xefve", R"("na\ufffdve")"},
};

TEST(JsonWriter, QuotesEachHostileStringExactly) {
  for (const auto& c : kCases) EXPECT_EQ(json_quote(c.in), c.out) << c.name;
}

TEST(JsonWriter, PlacesCommasAndColons) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("a").number(uint64_t{1}).key("b").begin_array().number(-2).string("x").null().boolean(true);
  w.begin_object().end_object().begin_array().end_array().end_array();
  w.key("c").raw(R"({"d":[]})").key("e").number(2.5).key("f").fixed(1.0 / 3, 2).end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[-2,"x",null,true,{},[]],"c":{"d":[]},"e":2.5,"f":0.33})");
}

TEST(JsonWriter, NumbersJsonCannotHoldBecomeNull) {
  std::string out;
  JsonWriter w(out);
  w.begin_array().number(std::nan("")).number(std::numeric_limits<double>::infinity()).fixed(-HUGE_VAL, 1);
  w.fixed(1e300, 1).end_array();
  EXPECT_EQ(out.substr(0, 16), "[null,null,null,");
  EXPECT_EQ(out.size(), 16 + 301 + 2 + 1) << "1e300 with one decimal: 301 digits, '.0' and ']'";
}

// Runs python3's json module over `document` and returns what it prints: the document
// re-encoded with ASCII escapes and sorted keys, or "" when it refuses the document.
std::string python_reencode(const std::string& document) {
  char path[] = "/tmp/json_writer_test_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "";
  close(fd);
  std::ofstream(path, std::ios::binary) << document;
  const std::string command = std::string("python3 -c 'import json,sys; ") +
                              "print(json.dumps(json.load(open(sys.argv[1], encoding=\"utf-8\", errors=\"strict\")), "
                              "sort_keys=True))' " + path + " 2>/dev/null";
  std::string printed;
  if (FILE* p = popen(command.c_str(), "r")) {
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) printed.append(buf.data(), n);
    if (pclose(p) != 0) printed.clear();
  }
  unlink(path);
  return printed;
}

TEST(JsonWriter, APythonParserReadsBackEveryHostileString) {
  ASSERT_EQ(python_reencode(R"({"b":[1],"a":"\u00e9"})"), "{\"a\": \"\\u00e9\", \"b\": [1]}\n")
      << "python3 must be installed (scripts/install-deps.sh)";
  ASSERT_EQ(python_reencode("{\"a\":\"\xff\"}"), "") << "the checker must refuse invalid UTF-8";
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  for (const auto& c : kCases) w.key(c.in).string(c.in);  // hostile keys too
  w.key("nested").begin_array();
  for (const auto& c : kCases) w.begin_object().key("name").string(c.name).key("value").string(c.in).end_object();
  w.end_array().end_object();
  const std::string printed = python_reencode(out);
  ASSERT_FALSE(printed.empty()) << out;
  // U+FFFD where the bytes were invalid, the rest as it was.
  EXPECT_NE(printed.find(R"("na\ufffdve": "na\ufffdve")"), std::string::npos) << printed;
  EXPECT_NE(printed.find(R"("a\"b\\c": "a\"b\\c")"), std::string::npos) << printed;
  EXPECT_NE(printed.find(R"("\ud83d\udc18": "\ud83d\udc18")"), std::string::npos) << printed;
  EXPECT_NE(printed.find(R"("\u0000\u0001\u001f")"), std::string::npos) << printed;
}

}  // namespace
}  // namespace switchyard::util
