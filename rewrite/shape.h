// A statement's shape: its text with every literal constant replaced by a placeholder, so that
// statements differing only in their literals share one rewrite (proxy/rewrite_cache.h) and one
// fingerprint (shadow logs, recent refusals). Each dialect finds the literals with its own lexer
// (PostgreSQL: rewrite/pg/literals.h, placeholders $N; MySQL: rewrite/mysql/literal_shape.h,
// sentinel literals). Plain data.
#pragma once

#include <string>
#include <vector>

namespace switchyard::rewrite {

struct Shape {
  std::string text;                   // the statement with placeholders for its literals
  std::vector<std::string> literals;  // the original literal texts, for placeholders first .. first+n-1
  int first = 1;                      // the number of the first literal placeholder
  // For logs, when `text` is not fit to show (MySQL's sentinels): the text with `?` for each
  // literal. "" means `text` itself.
  std::string display;
  const std::string& fingerprint() const { return display.empty() ? text : display; }
};

}  // namespace switchyard::rewrite
