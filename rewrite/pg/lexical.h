// The session settings that change how PostgreSQL's lexer reads SQL text, and reading string
// literals under them. The rewriter's parser (libpg_query) always reads text as a server with
// standard_conforming_strings = on and a client encoding that keeps ASCII bytes ASCII.
//
// - standard_conforming_strings = off: a plain '...' literal takes backslash escapes, exactly as
//   an escape string E'...' does (the server's lexer reads both in one state), so prefixing E to
//   each plain literal gives a text that means the same under either setting. Reported by the
//   server in ParameterStatus whenever it changes (GUC_REPORT).
// - client_encoding SJIS, SHIFT_JIS_2004, BIG5, GBK, GB18030, UHC or JOHAB: the second byte of a
//   character may be a backslash or a quote, so the bytes the proxy sees are not what the server
//   lexes (it converts to the server encoding first). Reported too; not followed: refused.
// - backslash_quote decides whether the server accepts \' in an escape string. Not reported, so
//   not followed: a rewritten text prints quotes as '', so with backslash_quote = off a rewritten
//   write holding \' succeeds where the server alone would refuse it (both shapes still agree).
// escape_string_warning only warns. Pure; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "rewrite/lexical.h"

namespace switchyard::rewrite::pg {

// The settings and a reading of them, in the dialect-neutral form (rewrite/lexical.h).
using rewrite::Lexical;
using rewrite::StringReading;

// Reads the string literals of `sql` under `standard_strings` (comments, quoted identifiers,
// dollar quotes, E/B/X/U& strings and continuation lines as the server's lexer knows them).
StringReading read_strings(std::string_view sql, bool standard_strings);

}  // namespace switchyard::rewrite::pg
