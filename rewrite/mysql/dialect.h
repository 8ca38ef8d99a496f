// MySQL / MariaDB as a rewrite::Dialect (rewrite/dialect.h): the column rewriter (rewriter.h)
// under the session's sql_mode and character set (Lexical::mysql), refusals answered by the
// session with ERR 1235 in place of the OK of a statement that does nothing, and the pre-filter's
// write keywords with MySQL's REPLACE and LOAD DATA, and the DDL lint in MariaDB's terms
// (ddl_lint.h), and literal shapes for the rewrite cache (literal_shape.h). Stateless.
#pragma once

#include "rewrite/dialect.h"

namespace switchyard::rewrite::mysql {

// The one MySQL dialect; lives for the whole program.
const Dialect& dialect();

// The statement a refused text is replaced by: it does nothing, and its OK becomes the ERR.
inline constexpr char kRefusalStandIn[] = "DO 0";

}  // namespace switchyard::rewrite::mysql
