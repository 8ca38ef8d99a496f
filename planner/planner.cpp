// The statement planner; see planner.h. The order of the tests is the order of their costs: the
// DDL lint's keyword scan, the pre-filter's word scan, the read triggers, and only then the
// rewriter (through the session's cache).
#include "planner/planner.h"

#include <utility>

namespace switchyard::planner {

namespace {

using Kind = rewrite::RewriteResult::Kind;

// The DDL lint under `block`: the whole text is replaced by a statement raising the first
// finding, so a multi-statement string is not half-applied.
void block_ddl(const rewrite::Dialect& dialect, const std::vector<rewrite::DdlFinding>& findings, Decision& d) {
  std::string message = dialect.describe(findings.front());
  if (findings.size() > 1) message += " (and " + std::to_string(findings.size() - 1) + " more in this text)";
  d.action = Decision::Action::kRefuse;
  d.text = dialect.raise_statement(message);
  d.refusal.source = Refusal::Source::kDdlLint;
  d.refusal.message = std::move(message);
  d.ddl_blocked = findings.size();
}

}  // namespace

Planner::Planner(GenerationFacts facts, rewrite::ReadRoute route)
    : facts_(facts), route_(route), triggers_(*facts.catalog, route) {}

uint64_t Planner::migration_bit(const std::string& name) const {
  const auto& ms = facts_.catalog->migrations;
  for (size_t i = 0; i < ms.size() && i < 64 && !name.empty(); ++i)
    if (ms[i].spec.name == name) return uint64_t{1} << i;
  return 0;
}

namespace {

rewrite::RewriteResult simple_query_only_refusal(const rewrite::RewriteResult& r) {
  rewrite::RewriteResult refused;
  refused.kind = rewrite::RewriteResult::Kind::kRefused;
  refused.migration = r.migration.empty() ? r.passed_migration : r.migration;
  refused.reason = "COPY FROM into a migrated table is mirrored in a prepared statement only when it is the statement's "
                   "one command; send it alone";
  refused.code = rewrite::RefusalReason::kUnsupportedForm;
  refused.reads_mask = r.reads_mask;
  return refused;
}

}  // namespace

Decision Planner::plan(const Statement& statement, const rewrite::Lexical& lexical, Rewrites& rewrites,
                       Sampler& sampler) const {
  const rewrite::Dialect& dialect = *facts_.dialect;
  const std::string_view sql = statement.sql;
  Decision d;
  if (facts_.ddl_lint != config::DdlLint::kOff && dialect.may_be_ddl(sql)) {
    auto findings = dialect.lint_ddl(sql, *facts_.catalog, lexical);
    if (!findings.empty() && facts_.ddl_lint == config::DdlLint::kBlock) {
      block_ddl(dialect, findings, d);
      return d;
    }
    d.ddl_warnings = std::move(findings);  // warn: logged and counted, and planned as any text
  }
  // A word scan keeps every statement that names no migrated relation away from the parser.
  if (!facts_.prefilter->may_touch(sql)) return d;
  // A call of a function that writes a migrated relation needs no write keyword to write.
  d.writes = dialect.may_write(sql) || facts_.prefilter->may_run_server_code(sql);
  // A read that names nothing its route would change is relayed without a parse either, unless
  // a shadow read samples it: a Query is drawn for first (at the highest percent of the
  // migrations it names; shadow_read draws again for the one it reads), so what is not sampled
  // costs no parse; a Parse is parsed, since its executions are drawn for (shadow_use).
  double drawn = 0;
  if (!d.writes) {
    const ReadTriggers::Scan scan = triggers_.scan(sql);
    d.reads_mask = scan.reads_mask;
    if (!scan.route_needs) {
      const bool may_sample = facts_.shadow && scan.shadow_percent > 0;
      const bool parse = statement.kind == Statement::Kind::kPrepare
                             ? may_sample
                             : may_sample && dialect.shadow_lexical(lexical) && sampler.sample(scan.shadow_percent);
      if (!parse) {
        d.touches = d.reads_mask;
        return d;
      }
      if (statement.kind == Statement::Kind::kQuery) drawn = scan.shadow_percent;
    }
  }
  rewrite::RewriteResult r = rewrites.get(sql, route_, lexical);
  // A prepared statement holds one statement; a rewrite into several (COPY FROM into a migrated
  // table) is sent as the one COPY, the session running the others around its Execute, or, in a
  // text of several statements, refused.
  const bool extended_copy = statement.kind == Statement::Kind::kPrepare && r.simple_query_only && r.extended_copy &&
                             r.completions.size() == 4;
  if (statement.kind == Statement::Kind::kPrepare && r.simple_query_only && !extended_copy) r = simple_query_only_refusal(r);
  apply(r, d);
  if (extended_copy && d.action == Decision::Action::kReplace) {
    d.text = r.extended_copy->copy;
    d.completions = {r.completions[1]};
    d.copy = r.extended_copy;
  }
  // Only what a shadow connection reads as the session's server does (Dialect::shadow_lexical).
  if (statement.kind == Statement::Kind::kQuery && d.shadow_candidate)
    if (const auto shadow_settings = dialect.shadow_lexical(lexical))
      d.shadow = shadow_read(*d.shadow_candidate, sql, r, {}, *shadow_settings, rewrites, sampler, drawn);
  return d;
}

void Planner::refuse(Decision& d, std::string reason) const {
  rewrite::RewriteResult r;
  r.kind = Kind::kRefused;
  r.migration = d.migration;
  r.reason = std::move(reason);
  Decision refused;
  refused.writes = d.writes;
  refused.reads_mask = d.reads_mask;
  apply(r, refused);
  d = std::move(refused);
}

void Planner::apply(const rewrite::RewriteResult& r, Decision& d) const {
  using Route = WriteCounting::Route;
  if (!d.writes) d.reads_mask = r.reads_mask;
  d.parsed = r.parsed;
  d.passed_migration = r.passed_migration;
  d.passed_code = r.passed_code;
  switch (r.kind) {
    case Kind::kUnchanged:
      if (d.writes && r.parsed) d.counting = {Route::kPassed, r.passed_migration, r.passed_code};
      break;
    case Kind::kRewritten:
      d.action = Decision::Action::kReplace;
      d.text = r.sql;
      d.migration = r.migration;
      d.completions = r.completions;
      d.script = r.script;
      if (d.writes && !r.migration.empty()) d.counting = {Route::kRewritten, r.migration, {}};
      break;
    case Kind::kRefused:
      d.action = Decision::Action::kRefuse;
      d.refusal.source = Refusal::Source::kMigration;
      d.refusal.message = "switchyard: migration " + r.migration + ": " + r.reason;
      d.refusal.migration = r.migration;
      d.refusal.reason = r.reason;
      d.refusal.code = r.code;
      // The server raises it, so it aborts the transaction, and the implicit transaction of a
      // multi-statement string, exactly as any error would.
      d.text = facts_.dialect->raise_statement(d.refusal.message);
      d.counting = {Route::kRefused, r.migration, r.code};
      break;
  }
  d.touches = d.reads_mask | migration_bit(r.migration);
  if (!d.writes && r.kind != Kind::kRefused) d.shadow_candidate = shadow_pick(r);
}

}  // namespace switchyard::planner
