// Triggers and routines that write a migrated MySQL table; see mysql_server_writers.h.
#include "catalog/mysql_server_writers.h"

#include <map>

#include "rewrite/prefilter.h"

namespace switchyard::catalog {
namespace {

using rewrite::Prefilter;
using rewrite::ServerWriter;

bool names(const std::string& body, const std::string& name) {
  return Prefilter::contains_word(body, Prefilter::lower_case(name));
}

// Prefilter::may_write, and MySQL's REPLACE (LOAD DATA ... INTO TABLE names INTO, not a write
// keyword of its own, and is not allowed in a stored routine).
bool may_write(const std::string& body) { return Prefilter::may_write(body) || names(body, "replace"); }

bool same_name(const std::string& a, const std::string& b) { return Prefilter::lower_case(a) == Prefilter::lower_case(b); }

}  // namespace

std::vector<ServerWriter> mysql_server_writers(const config::TableName& table, const std::string& db,
                                               const std::vector<MysqlRoutine>& routines,
                                               const std::vector<MysqlTrigger>& triggers) {
  const std::string where = db + "." + table.name;
  const auto describe = [](const MysqlRoutine& r) {
    return std::string(r.procedure ? "procedure " : "function ") + r.schema + "." + r.name;
  };
  // What a body writes: the table, or a routine found earlier through which it does; "" if neither.
  std::map<size_t, std::string> via;  // routine index -> what it writes, or the routine it calls
  const auto writes = [&](const std::string& body) -> std::string {
    if (names(body, table.name) && may_write(body)) return where;
    for (const auto& [i, _] : via)
      if (names(body, routines[i].name)) return describe(routines[i]);
    return "";
  };
  // Routines, to a fixed point: each round adds those that write the table or call one found.
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < routines.size(); ++i) {
      if (via.count(i) || !routines[i].body) continue;
      std::string found = writes(*routines[i].body);
      if (found.empty()) continue;
      via[i] = found;
      grew = true;
    }
  }
  std::vector<ServerWriter> out;
  for (const auto& [i, what] : via) {
    const MysqlRoutine& r = routines[i];
    out.push_back({r.procedure ? ServerWriter::Kind::kProcedure : ServerWriter::Kind::kFunction, {r.schema, r.name},
                   describe(r), what});
  }
  for (const auto& t : triggers) {
    const bool own = same_name(t.table_schema, db) && same_name(t.table, table.name);
    const std::string what = own && t.before ? where : writes(t.body);
    if (what.empty()) continue;
    const config::TableName object = own ? config::TableName{db, table.name} : config::TableName{t.table_schema, t.table};
    out.push_back({ServerWriter::Kind::kTrigger, object, "trigger " + t.name + " on " + t.table_schema + "." + t.table, what});
  }
  return out;
}

}  // namespace switchyard::catalog
