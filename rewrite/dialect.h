// The SQL dialect a session speaks, as the planner (planner/planner.h) and the rewrite cache
// (proxy/rewrite_cache.h) use it: everything they need to know about SQL text goes through this
// interface, so that neither names rewrite::pg:: and a second dialect (MySQL / MariaDB, issue 14)
// is one more implementation. PostgreSQL's is rewrite/pg/dialect.h.
//
// Pure: no I/O, no logging, no exceptions; every method is const and safe from any thread.
//
// What a dialect must be able to say, and how MySQL fits each:
// - rewrite(): the migration rewriter. MySQL has no data-modifying CTEs, so its two-table writes
//   need another plan than PostgreSQL's CTE (more than one statement); RewriteResult and
//   Completion stay the currency. Completion names the client's expected reply abstractly
//   (a verb and "no rows"): a PostgreSQL session patches CommandComplete tags with it, a MySQL
//   session OK packets' affected-rows.
// - shape() / with_literals(): literals lifted out, for the cache key and fingerprints.
// - read_strings(): the text as the server reads it under the session's Lexical settings.
// - raise_statement(): refusals are raised by the server itself, so its transaction state and
//   the client's agree (PostgreSQL: a DO block; MySQL: SIGNAL SQLSTATE in a compound statement
//   is not available outside procedures, so its session may answer with an ERR packet instead;
//   Decision carries the SQLSTATE and message for that).
// - may_be_ddl() / lint_ddl() / describe(): the DDL lint.
// - may_write(): the pre-filter's write keywords (MySQL adds REPLACE and LOAD DATA).
// - shadow_lexical(): which reads a shadow connection can read as the session's server does.
// Not part of this pure interface because they do I/O: the shadow backend (both dialects,
// proxy/dialect_backends.h), and, declared for later, the schema source and the job SQL.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/ddl_finding.h"
#include "rewrite/lexical.h"
#include "rewrite/rewrite_result.h"
#include "rewrite/shape.h"

namespace switchyard::rewrite {

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "postgresql", "mysql": for logs.
  virtual std::string_view name() const = 0;

  // The rewrite of `sql` under the migrations of `catalog`, reads routed by `route`, as a server
  // with the session's `lexical` settings reads it. PostgreSQL's text comes read with its
  // standard settings already (see read_strings) and ignores `lexical`; MySQL's reads it under
  // lexical.mysql (sql_mode, character set).
  virtual RewriteResult rewrite(std::string_view sql, const Catalog& catalog, ReadRoute route,
                                const Lexical& lexical) const = 0;
  // What of `lexical` rewrite() depends on, as a cache key prefix ("" when nothing does: a text
  // means the same under every session's settings).
  virtual std::string lexical_key(const Lexical& lexical) const = 0;
  // Why no text can be read safely under `lexical` (a client encoding whose characters may hold
  // quote or backslash bytes, when the dialect cannot follow it); nullopt if it can be.
  virtual std::optional<std::string> unreadable(const Lexical& lexical) const = 0;

  // The settings a shadow connection (proxy/shadow.h) reads a sampled read under when the
  // session's are `session`, or nullopt when it cannot read the read's texts as the session's
  // server does (the read is then not shadowed). PostgreSQL: the default ones (its shadow
  // connections read with standard_conforming_strings on). MySQL: the session's own (the shadow
  // connection takes on its sql_mode flags, ShadowRead::mysql_lexical), when its character set
  // is one whose bytes a utf8mb4 connection reads alike at every quote and backslash.
  virtual std::optional<Lexical> shadow_lexical(const Lexical& session) const = 0;

  // `sql` with its literals lifted out, read under `lexical`; nullopt if it does not scan (the
  // server says why) or has nothing to lift.
  virtual std::optional<Shape> shape(std::string_view sql, const Lexical& lexical) const = 0;
  // `shaped_sql` (a rewrite of shape.text) with the literals put back; nullopt if it cannot be.
  virtual std::optional<std::string> with_literals(std::string_view shaped_sql, const Shape& shape,
                                                   const Lexical& lexical) const = 0;
  // Whether a refusal of a shape is the refusal of every text of that shape. MySQL's is not
  // always (a refusal may name the sentinel, or hang on a literal's value): the cache then plans
  // the text itself.
  virtual bool refusals_hold_for_texts() const = 0;
  // `sql` as read with backslashes ordinary in plain literals (`standard_strings`: they already are).
  virtual StringReading read_strings(std::string_view sql, bool standard_strings) const = 0;

  // A statement that makes the server itself raise `message` as a refusal (SQLSTATE 0A000), so
  // that it aborts the transaction as any error does (PostgreSQL). Takes no parameters. MySQL:
  // a statement that does nothing, whose OK the session answers with the refusal's ERR packet
  // (an error there leaves the transaction open, and SIGNAL would cut the message to 128 bytes).
  virtual std::string raise_statement(const std::string& message) const = 0;

  // The DDL lint: a cheap test that errs wide, then the findings of a text that passed it, read
  // under the session's `lexical` settings (MySQL: sql_mode, the current database).
  virtual bool may_be_ddl(std::string_view sql) const = 0;
  virtual std::vector<DdlFinding> lint_ddl(std::string_view sql, const Catalog& catalog, const Lexical& lexical) const = 0;
  // The client's error text for a blocked finding.
  virtual std::string describe(const DdlFinding& finding) const = 0;

  // The pre-filter's write keywords: true if `sql` may start a write (errs wide).
  virtual bool may_write(std::string_view sql) const = 0;
};

}  // namespace switchyard::rewrite
