// Fuzzes the rewrite cache's fast literal scan (rewrite/pg/literals.h) against PostgreSQL's own
// scanner: whatever fast_shape_of accepts, it must shape exactly as scanned_shape_of does (the
// same text, literals and first placeholder number), and with_literals must give the input back
// from its shape. pg_rewrite_fuzz checks the same on its inputs; this target runs only the two
// scans, so it reaches far more lexer corners per second.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rewrite/pg/literals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard::rewrite::pg;
  if (size > 4096) return 0;
  const std::string sql(reinterpret_cast<const char*>(data), size);
  const auto fast = fast_shape_of(sql);
  if (!fast) return 0;
  const auto scanned = scanned_shape_of(sql);
  if (!scanned || scanned->text != fast->text || scanned->literals != fast->literals || scanned->first != fast->first)
    std::abort();
  const auto back = with_literals(fast->text, *fast);
  if (!back || *back != sql) std::abort();
  return 0;
}
