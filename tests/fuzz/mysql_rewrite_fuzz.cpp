// Fuzzes the MySQL column rewriter (rewrite/mysql/rewriter.h) against the unit tests' column
// migrations (tests/rewrite/mysql/column_catalog.h) in every phase and both read routes: no
// crash, no hang, and every outcome is one of three: the text relayed as written, a rewrite
// whose every statement parses again with the same lexical settings (but those relayed as the
// client wrote them, in a text of several), or a refusal naming a migration and a reason; and
// a rewrite keeps the text's ? placeholders. The first byte picks the phase (low 3 bits), the
// route (bit 3), ANSI_QUOTES (bit 4), NO_BACKSLASH_ESCAPES (bit 5), a multi-byte client
// character set (bit 6) and SIMULTANEOUS_ASSIGNMENT (bit 7).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rewrite/mysql/lexer.h"
#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/rewriter.h"
#include "tests/rewrite/mysql/column_catalog.h"

namespace {

// The ? placeholders of every statement of `text`; -1 if one does not parse.
long placeholders(const std::string& text, const switchyard::rewrite::mysql::LexicalSettings& s) {
  namespace my = switchyard::rewrite::mysql;
  std::vector<my::StatementRange> ranges;
  std::string error;
  if (!my::split_statements(text, s, ranges, error)) return -1;
  long n = 0;
  for (const auto& r : ranges) {
    const my::Parsed p = my::parse(std::string_view(text).substr(r.begin, r.end - r.begin), s);
    if (!p) return -1;
    for (my::NodeId id = 0; id < p.tree().size(); ++id) n += p.tree().node(id).kind == my::Kind::kParam;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard;
  using config::Phase;
  namespace my = rewrite::mysql;
  if (size < 1 || size > 4096) return 0;
  static const rewrite::Catalog catalogs[] = {
      my::testing::column_catalog(Phase::kOff),     my::testing::column_catalog(Phase::kDualWrite),
      my::testing::column_catalog(Phase::kShadow),  my::testing::column_catalog(Phase::kCanary),
      my::testing::column_catalog(Phase::kReadNew), my::testing::column_catalog(Phase::kNewOnly, true),
      my::testing::column_catalog(Phase::kNewOnly)};
  const rewrite::Catalog& catalog = catalogs[(data[0] & 7) % std::size(catalogs)];
  const rewrite::ReadRoute route{(data[0] & 8) ? ~uint64_t{0} : 0};
  my::LexicalSettings s;
  s.ansi_quotes = data[0] & 16;
  s.no_backslash_escapes = data[0] & 32;
  s.charset = (data[0] & 64) ? my::ClientCharset::kGbk : my::ClientCharset::kAsciiCompatible;
  s.simultaneous_assignment = data[0] & 128;
  const std::string sql(reinterpret_cast<const char*>(data + 1), size - 1);
  const rewrite::RewriteResult r = my::rewrite_sql(sql, catalog, route, s);
  switch (r.kind) {
    case rewrite::RewriteResult::Kind::kUnchanged:
      if (!r.sql.empty()) std::abort();
      break;
    case rewrite::RewriteResult::Kind::kRefused:
      if (r.migration.empty() || r.reason.empty()) std::abort();
      break;
    case rewrite::RewriteResult::Kind::kRewritten: {
      std::vector<my::StatementRange> ranges;
      std::string error;
      if (!my::split_statements(r.sql, s, ranges, error)) std::abort();
      // A statement that does not parse is one the rewriter relayed as the client wrote it.
      for (const auto& range : ranges) {
        const std::string_view statement = std::string_view(r.sql).substr(range.begin, range.end - range.begin);
        if (!my::parse(statement, s) && sql.find(statement) == std::string::npos) std::abort();
      }
      // The placeholders are kept, in number (a prepared statement binds them by position).
      if (const long before = placeholders(sql, s); before >= 0 && placeholders(r.sql, s) != before) std::abort();
      break;
    }
  }
  return 0;
}
