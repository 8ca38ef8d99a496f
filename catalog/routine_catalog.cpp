// Volatility and server-side writers from pg_proc, pg_operator, pg_type, pg_trigger and
// pg_rewrite; see routine_catalog.h.
#include "catalog/routine_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <vector>

#include "catalog/libpq_result.h"
#include "rewrite/pg/server_code.h"
#include "rewrite/prefilter.h"

namespace switchyard::catalog {
namespace {

using rewrite::ServerWriter;
using rewrite::volatility_from_code;

bool ok(const Result& r, std::string& error) {
  if (PQresultStatus(r.get()) == PGRES_TUPLES_OK) return true;
  error = first_line(PQresultErrorMessage(r.get()));
  return false;
}

std::string value(const Result& r, int row, int col) { return PQgetvalue(r.get(), row, col); }
int number(const Result& r, int row, int col) { return std::atoi(PQgetvalue(r.get(), row, col)); }

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// A body's text, and what it does when it is SQL that parses.
struct Body {
  std::string text;
  rewrite::pg::SqlBodyUse use;
  // Whether the body names `name` (exact, as the catalog spells it) as a relation it writes
  // (`writes`) or as a routine it calls (!writes).
  bool names(const std::string& name, bool writes) const {
    if (use.parsed) return contains(writes ? use.written : use.called, name);
    return rewrite::Prefilter::contains_word(text, rewrite::Prefilter::lower_case(name)) && (!writes || rewrite::Prefilter::may_write(text));
  }
};

struct Routine {
  config::TableName name;  // schema and proname
  std::string description;  // "function public.f(integer)"
  ServerWriter::Kind kind = ServerWriter::Kind::kFunction;
  Body body;
};

// Outside the system schemas; C and internal functions have no body to read.
constexpr char kRoutines[] = R"(
    SELECT p.oid, n.nspname, p.proname, p.prokind, l.lanname,
           CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_functiondef(p.oid) ELSE p.prosrc END,
           pg_get_function_identity_arguments(p.oid)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'
       AND l.lanname NOT IN ('internal', 'c') AND p.prokind IN ('f', 'p')
     ORDER BY 2, 3, 1)";

constexpr char kTriggers[] = R"(
    SELECT t.tgname, n.nspname, c.relname, t.tgfoid
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal ORDER BY 2, 3, 1)";

// Rules, and the _RETURN rule of each view (ev_type 1).
constexpr char kRules[] = R"(
    SELECT r.rulename, n.nspname, c.relname, r.ev_type = '1' AND c.relkind = 'v', pg_get_ruledef(r.oid)
      FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND (r.ev_type <> '1' OR c.relkind = 'v')
     ORDER BY 2, 3, 1)";

// The writers of one migration's relations, given every routine, trigger and rule.
class WriterSearch {
 public:
  WriterSearch(const std::map<std::string, Routine>& routines, const Result& triggers, const Result& rules)
      : routines_(routines), triggers_(triggers), rules_(rules) {}

  std::vector<ServerWriter> run(const rewrite::ResolvedMigration& m) {
    std::vector<config::TableName> relations = {m.spec.old_table};
    if (!m.spec.same_table()) relations.push_back(m.spec.new_table);
    // Routines, to a fixed point: each round adds those that write a relation or call one found.
    std::map<std::string, std::string> via;  // routine oid -> what it writes, or the routine it calls
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [oid, r] : routines_) {
        if (via.count(oid)) continue;
        std::string found = writes(r.body, relations);
        for (auto it = via.begin(); found.empty() && it != via.end(); ++it)
          if (r.body.names(routines_.at(it->first).name.name, false)) found = routines_.at(it->first).description;
        if (found.empty()) continue;
        via[oid] = found;
        grew = true;
      }
    }
    std::vector<ServerWriter> out;
    for (const auto& [oid, what] : via) {
      const Routine& r = routines_.at(oid);
      out.push_back({r.kind, r.name, r.description, what});
    }
    for (int i = 0; i < PQntuples(triggers_.get()); ++i) {
      const auto it = via.find(value(triggers_, i, 3));
      if (it == via.end()) continue;
      const config::TableName table{value(triggers_, i, 1), value(triggers_, i, 2)};
      out.push_back({ServerWriter::Kind::kTrigger, table, "trigger " + value(triggers_, i, 0) + " on " + table.to_string(),
                     routines_.at(it->first).description});
    }
    for (int i = 0; i < PQntuples(rules_.get()); ++i) {
      const config::TableName table{value(rules_, i, 1), value(rules_, i, 2)};
      const bool view = value(rules_, i, 3) == "t";
      Body body{value(rules_, i, 4), rewrite::pg::sql_body_use(value(rules_, i, 4))};
      std::string found;
      for (const auto& rel : relations) {
        const bool named = view ? (body.use.parsed ? contains(body.use.read, rel.name) : body.names(rel.name, false))
                                : body.names(rel.name, true);
        // Unparsed, a rule's text names its own table too.
        if (named && (body.use.parsed || !(rel == table))) found = rel.to_string();
      }
      for (auto it = via.begin(); found.empty() && it != via.end(); ++it)
        if (body.names(routines_.at(it->first).name.name, false)) found = routines_.at(it->first).description;
      if (found.empty()) continue;
      if (view)
        out.push_back({ServerWriter::Kind::kView, table, "view " + table.to_string(), found});
      else
        out.push_back({ServerWriter::Kind::kRule, table, "rule " + value(rules_, i, 0) + " on " + table.to_string(), found});
    }
    return out;
  }

 private:
  static std::string writes(const Body& body, const std::vector<config::TableName>& relations) {
    for (const auto& rel : relations)
      if (body.names(rel.name, true)) return rel.to_string();
    return "";
  }

  const std::map<std::string, Routine>& routines_;
  const Result& triggers_;
  const Result& rules_;
};

}  // namespace

bool read_volatility(PGconn* c, rewrite::VolatilityCatalog& out, std::string& error) {
  out = {};
  Result functions = exec(c, R"(
      SELECT n.nspname, p.proname, p.pronargs - p.pronargdefaults,
             CASE WHEN p.provariadic <> 0 THEN -1 ELSE p.pronargs END, p.provolatile
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace)",
                          {});
  if (!ok(functions, error)) return false;
  for (int i = 0; i < PQntuples(functions.get()); ++i)
    out.add_function(value(functions, i, 0), value(functions, i, 1), number(functions, i, 2), number(functions, i, 3),
                     volatility_from_code(value(functions, i, 4)[0]));
  Result operators = exec(c, R"(
      SELECT n.nspname, o.oprname, CASE WHEN o.oprleft = 0 THEN 1 ELSE 2 END, max(p.provolatile::text)
        FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode JOIN pg_namespace n ON n.oid = o.oprnamespace
       GROUP BY 1, 2, 3)",
                          {});
  if (!ok(operators, error)) return false;
  for (int i = 0; i < PQntuples(operators.get()); ++i)
    out.add_operator(value(operators, i, 0), value(operators, i, 1), number(operators, i, 2),
                     volatility_from_code(value(operators, i, 3)[0]));
  // A cast into a type: its input function (from a literal or text), every cast function into
  // it, the output function of every source of an I/O cast into it, and for string types the
  // output function of every type (any type converts to text through its output function). A
  // domain also takes its base type's. 'i' < 's' < 'v', so max() is the worst.
  Result casts = exec(c, R"(
      WITH outputs AS (SELECT max(p.provolatile::text) AS v FROM pg_type s JOIN pg_proc p ON p.oid = s.typoutput),
           into_type AS (
             SELECT k.casttarget AS oid,
                    max(greatest(f.provolatile::text, CASE WHEN k.castmethod = 'i' THEN o.provolatile::text END)) AS v
               FROM pg_cast k LEFT JOIN pg_proc f ON f.oid = k.castfunc
               JOIN pg_type s ON s.oid = k.castsource JOIN pg_proc o ON o.oid = s.typoutput
              GROUP BY 1),
           own AS (
             SELECT t.oid, t.typbasetype,
                    greatest(i.provolatile::text, c.v, CASE WHEN t.typcategory = 'S' THEN (SELECT v FROM outputs) END) AS v
               FROM pg_type t JOIN pg_proc i ON i.oid = t.typinput LEFT JOIN into_type c ON c.oid = t.oid)
      SELECT n.nspname, t.typname, greatest(o.v, b.v)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN own o ON o.oid = t.oid
        LEFT JOIN own b ON b.oid = o.typbasetype)",
                      {});
  if (!ok(casts, error)) return false;
  for (int i = 0; i < PQntuples(casts.get()); ++i)
    out.add_cast_target(value(casts, i, 0), value(casts, i, 1), volatility_from_code(value(casts, i, 2)[0]));
  return true;
}

bool read_server_writers(PGconn* c, rewrite::Catalog& catalog, std::string& error) {
  Result routines = exec(c, kRoutines, {});
  if (!ok(routines, error)) return false;
  Result triggers = exec(c, kTriggers, {});
  if (!ok(triggers, error)) return false;
  Result rules = exec(c, kRules, {});
  if (!ok(rules, error)) return false;
  std::map<std::string, Routine> by_oid;
  for (int i = 0; i < PQntuples(routines.get()); ++i) {
    Routine r;
    r.name = {value(routines, i, 1), value(routines, i, 2)};
    r.kind = value(routines, i, 3) == "p" ? ServerWriter::Kind::kProcedure : ServerWriter::Kind::kFunction;
    r.description = std::string(rewrite::to_string(r.kind)) + " " + r.name.to_string() + "(" + value(routines, i, 6) + ")";
    r.body.text = value(routines, i, 5);
    if (value(routines, i, 4) == "sql") r.body.use = rewrite::pg::sql_body_use(r.body.text);
    by_oid.emplace(value(routines, i, 0), std::move(r));
  }
  WriterSearch search(by_oid, triggers, rules);
  for (auto& m : catalog.migrations)
    if (m.spec.phase != config::Phase::kOff) m.server_writers = search.run(m);
  return true;
}

}  // namespace switchyard::catalog
