// MySQL backfill and verify SQL generation; see mysql_backfill_sql.h.
#include "jobs/mysql_backfill_sql.h"

#include <cstdio>

#include "jobs/sql_text.h"
#include "rewrite/mysql/sql_text.h"

namespace switchyard::jobs {
namespace {

using rewrite::mysql::quote_identifier;

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string columns(const std::vector<std::string>& names, const std::string& qualifier = "") {
  std::vector<std::string> parts;
  for (const auto& n : names) parts.push_back((qualifier.empty() ? "" : qualifier + ".") + quote_identifier(n));
  return join(parts, ", ");
}

// (k[i] OP v[i]) over the key from column i on: the last column compares with `last_op`, the
// others strictly with `op` or equal and recurse.
std::string compare_from(const std::vector<std::string>& key, const Literals& v, size_t i, const char* op,
                         const char* last_op) {
  const std::string k = quote_identifier(key[i]);
  if (i + 1 == key.size()) return k + " " + last_op + " " + v[i];
  return "(" + k + " " + op + " " + v[i] + " OR (" + k + " = " + v[i] + " AND " + compare_from(key, v, i + 1, op, last_op) +
         "))";
}

bool is_integer_type(const std::string& type) {
  for (const char* t : {"tinyint", "smallint", "mediumint", "int", "bigint"}) {
    const std::string p = t;
    if (type.compare(0, p.size(), p) == 0 && (type.size() == p.size() || type[p.size()] == '(' || type[p.size()] == ' '))
      return true;
  }
  return false;
}

bool is_integer_text(const std::string& v) {
  size_t i = !v.empty() && v[0] == '-' ? 1 : 0;
  if (i == v.size() || v.size() > 21) return false;
  for (; i < v.size(); ++i)
    if (v[i] < '0' || v[i] > '9') return false;
  return true;
}

std::string where_key(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  return " WHERE " + mysql_key_range(spec.key, lo, hi);
}

}  // namespace

std::string mysql_table(const config::TableName& table) {
  if (table.schema.empty() || table.schema == "public") return quote_identifier(table.name);
  return quote_identifier(table.schema) + "." + quote_identifier(table.name);
}

std::string mysql_columns(const std::vector<std::string>& names) { return columns(names); }

std::vector<std::string> mysql_checkpoint_ddl() {
  return {"CREATE DATABASE IF NOT EXISTS `switchyard`",
          std::string("CREATE TABLE IF NOT EXISTS ") + kMysqlCheckpointTable +
              " (migration VARCHAR(64) NOT NULL, job VARCHAR(32) NOT NULL, stage VARCHAR(16) NOT NULL,"
              " last_key LONGTEXT NULL, rows_done BIGINT NOT NULL DEFAULT 0, rows_changed BIGINT NOT NULL DEFAULT 0,"
              " host VARCHAR(255) NULL, started_at DATETIME(6) NULL, updated_at DATETIME(6) NULL,"
              " PRIMARY KEY (migration, job)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"};
}

std::string mysql_checkpoint_select(const std::string& migration, const std::string& job, size_t key_size) {
  std::string out = "SELECT stage, rows_done, rows_changed, COALESCE(host, ''), CAST(updated_at AS CHAR)";
  for (size_t i = 0; i < key_size; ++i)
    out += ", JSON_UNQUOTE(JSON_EXTRACT(last_key, '$[" + std::to_string(i) + "]'))";
  return out + " FROM " + kMysqlCheckpointTable + " WHERE migration = " + migration + " AND job = " + job;
}

std::string mysql_checkpoint_start(const std::string& migration, const std::string& job, const std::string& host) {
  return std::string("INSERT INTO ") + kMysqlCheckpointTable +
         " (migration, job, stage, last_key, rows_done, rows_changed, host, started_at, updated_at) VALUES (" + migration +
         ", " + job + ", 'copy', NULL, 0, 0, " + host +
         ", NOW(6), NOW(6)) ON DUPLICATE KEY UPDATE stage = 'copy', last_key = NULL, rows_done = 0, rows_changed = 0,"
         " host = VALUES(host), started_at = NOW(6), updated_at = NOW(6)";
}

std::string mysql_checkpoint_update(const std::string& migration, const std::string& job, const std::string& stage,
                                    const Literals& key, int64_t rows_done, int64_t rows_changed) {
  const std::string last_key = key.empty() ? "NULL" : "JSON_ARRAY(" + join(key, ", ") + ")";
  return std::string("UPDATE ") + kMysqlCheckpointTable + " SET stage = " + stage + ", last_key = " + last_key +
         ", rows_done = " + std::to_string(rows_done) + ", rows_changed = " + std::to_string(rows_changed) +
         ", updated_at = NOW(6) WHERE migration = " + migration + " AND job = " + job;
}

std::string mysql_lock_name(const std::string& family, const std::string& migration) {
  const std::string name = "switchyard." + family + "." + migration;
  constexpr size_t kMax = 64;
  if (name.size() <= kMax) return name;
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", stable_hash32(name));
  return name.substr(0, kMax - 9) + suffix;
}

Literals mysql_key_literals(const std::vector<std::string>& key_types, const std::vector<std::string>& values,
                            const std::function<std::string(const std::string&)>& escape) {
  Literals out;
  for (size_t i = 0; i < values.size(); ++i) {
    const bool bare = i < key_types.size() && is_integer_type(key_types[i]) && is_integer_text(values[i]);
    out.push_back(bare ? values[i] : escape(values[i]));
  }
  return out;
}

std::string mysql_key_after(const std::vector<std::string>& key, const Literals& lo) {
  return compare_from(key, lo, 0, ">", ">");
}

std::string mysql_key_at_most(const std::vector<std::string>& key, const Literals& hi) {
  return compare_from(key, hi, 0, "<", "<=");
}

std::string mysql_key_range(const std::vector<std::string>& key, const Literals& lo, const Literals& hi) {
  std::vector<std::string> parts;
  if (!lo.empty()) parts.push_back(mysql_key_after(key, lo));
  if (!hi.empty()) parts.push_back(mysql_key_at_most(key, hi));
  return parts.empty() ? "TRUE" : join(parts, " AND ");
}

std::string mysql_page_end(const JobSpec& spec, const Literals& lo, int64_t n) {
  std::vector<std::string> desc;
  for (const auto& k : spec.key) desc.push_back("page." + quote_identifier(k) + " DESC");
  return "SELECT COUNT(*) OVER (), " + columns(spec.key, "page") + " FROM (SELECT " + columns(spec.key) + " FROM " +
         mysql_table(spec.source) + (lo.empty() ? "" : " WHERE " + mysql_key_after(spec.key, lo)) + " ORDER BY " +
         columns(spec.key) + " LIMIT " + std::to_string(n) + ") page ORDER BY " + join(desc, ", ") + " LIMIT 1";
}

std::string mysql_batch_update(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  std::vector<std::string> set;
  for (const auto& c : spec.columns) set.push_back(quote_identifier(c.name) + " = " + c.expr);
  return "UPDATE " + mysql_table(spec.target) + " SET " + join(set, ", ") + where_key(spec, lo, hi);
}

std::string mysql_estimated_rows(const std::string& schema, const std::string& name) {
  return "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema + " AND TABLE_NAME = " + name;
}

std::string mysql_differs(const std::vector<TargetColumn>& checked) {
  std::vector<std::string> same;
  for (const auto& c : checked) same.push_back(quote_identifier(c.name) + " <=> " + c.expr);
  return "NOT (" + join(same, " AND ") + ")";
}

std::string mysql_verify_stats(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                               const Literals& hi) {
  std::vector<std::string> unfilled;
  for (const auto& c : spec.columns) unfilled.push_back(quote_identifier(c.name) + " IS NULL");
  const std::string differs = mysql_differs(checked);
  return "SELECT COUNT(*), COALESCE(SUM(" + differs + "), 0), COALESCE(SUM(" + differs + " AND " +
         join(unfilled, " AND ") + "), 0) FROM " + mysql_table(spec.source) + where_key(spec, lo, hi);
}

std::string mysql_verify_samples(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                                 const Literals& hi, int limit) {
  std::vector<std::string> key, expected, actual;
  for (const auto& k : spec.key) key.push_back("QUOTE(" + quote_identifier(k) + ")");
  for (const auto& c : checked) {
    expected.push_back("QUOTE(" + c.expr + ")");
    actual.push_back("QUOTE(" + quote_identifier(c.name) + ")");
  }
  return "SELECT CONCAT_WS(', ', " + join(key, ", ") + "), CONCAT_WS(', ', " + join(expected, ", ") + "), CONCAT_WS(', ', " +
         join(actual, ", ") + ") FROM " + mysql_table(spec.source) + where_key(spec, lo, hi) + " AND " +
         mysql_differs(checked) + " ORDER BY " + columns(spec.key) + " LIMIT " + std::to_string(limit);
}

}  // namespace switchyard::jobs
