// PostgreSQL as a rewrite::Dialect (rewrite/dialect.h): the rewriter (rewriter.h), literal
// shapes (literals.h), string reading (lexical.h), refusals raised by a DO block, the DDL lint
// (ddl_lint.h) and the pre-filter's write keywords (rewrite/prefilter.h). Stateless.
#pragma once

#include "rewrite/dialect.h"

namespace switchyard::rewrite::pg {

// The one PostgreSQL dialect; lives for the whole program.
const Dialect& dialect();

}  // namespace switchyard::rewrite::pg
