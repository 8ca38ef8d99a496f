// MySQL backfill and verify SQL generation; see mysql_backfill_sql.h.
#include "jobs/mysql_backfill_sql.h"

#include <algorithm>
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

// The table kinds' source rows of (lo, hi] as the target would have them: a derived table `s`
// whose columns are the target's names, each computed by its expression over the source row
// (unqualified names in the expressions resolve to the source, the only table in scope).
std::string mapped_source(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  std::vector<std::string> select;
  for (const auto& c : spec.columns) select.push_back(c.expr + " AS " + quote_identifier(c.name));
  return "(SELECT " + join(select, ", ") + " FROM " + mysql_table(spec.source) + where_key(spec, lo, hi) + ") s";
}

// s LEFT JOIN the target t on the key.
std::string joined(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  std::vector<std::string> on;
  for (const auto& k : spec.key) on.push_back("t." + quote_identifier(k) + " = s." + quote_identifier(k));
  return mapped_source(spec, lo, hi) + " LEFT JOIN " + mysql_table(spec.target) + " t ON " + join(on, " AND ");
}

bool is_key(const JobSpec& spec, const std::string& column) {
  return std::find(spec.key.begin(), spec.key.end(), column) != spec.key.end();
}

// " AND NOT EXISTS (a source row whose key expressions equal the target row's key)", in a
// statement over the target (named in full: the subquery's bare names are the source's).
std::string no_source_row(const JobSpec& spec) {
  std::vector<std::string> match;
  for (const auto& c : spec.columns)
    if (is_key(spec, c.name)) match.push_back(c.expr + " = " + mysql_table(spec.target) + "." + quote_identifier(c.name));
  return " AND NOT EXISTS (SELECT 1 FROM " + mysql_table(spec.source) + " WHERE " + join(match, " AND ") + ")";
}

// `k IN (1, 2)`, or `(a, b) IN ((1, 'x'), (2, 'y'))` for a composite key.
std::string key_in(const std::vector<std::string>& key, const std::vector<Literals>& keys) {
  std::vector<std::string> values;
  for (const auto& k : keys) values.push_back(key.size() == 1 ? k[0] : "(" + join(k, ", ") + ")");
  const std::string lhs = key.size() == 1 ? quote_identifier(key[0]) : "(" + columns(key) + ")";
  return lhs + " IN (" + join(values, ", ") + ")";
}

// NOT (t.c <=> s.c AND ...) over `checked`.
std::string joined_differs(const std::vector<TargetColumn>& checked) {
  std::vector<std::string> same;
  for (const auto& c : checked) same.push_back("t." + quote_identifier(c.name) + " <=> s." + quote_identifier(c.name));
  return "NOT (" + join(same, " AND ") + ")";
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

std::vector<std::string> mysql_verify_checkpoint_ddl() {
  return {"CREATE DATABASE IF NOT EXISTS `switchyard`",
          std::string("CREATE TABLE IF NOT EXISTS ") + kMysqlVerifyCheckpointTable +
              " (migration VARCHAR(64) NOT NULL PRIMARY KEY, stage VARCHAR(16) NOT NULL, last_key LONGTEXT NULL,"
              " rows_compared BIGINT NOT NULL, matching BIGINT NOT NULL, mismatched BIGINT NOT NULL,"
              " missing BIGINT NOT NULL, extra BIGINT NOT NULL, samples LONGTEXT NOT NULL, host VARCHAR(255) NULL,"
              " updated_at DATETIME(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"};
}

std::string mysql_verify_checkpoint_save(const std::string& migration, const std::string& stage, const Literals& key,
                                         const VerifyCounts& c, const Literals& samples, const std::string& host) {
  const std::string last_key = key.empty() ? "NULL" : "JSON_ARRAY(" + join(key, ", ") + ")";
  const std::string values = std::to_string(c.rows) + ", " + std::to_string(c.matching) + ", " + std::to_string(c.mismatched) +
                             ", " + std::to_string(c.missing) + ", " + std::to_string(c.extra);
  return std::string("INSERT INTO ") + kMysqlVerifyCheckpointTable +
         " (migration, stage, last_key, rows_compared, matching, mismatched, missing, extra, samples, host, updated_at)"
         " VALUES (" + migration + ", " + stage + ", " + last_key + ", " + values + ", JSON_ARRAY(" + join(samples, ", ") +
         "), " + host + ", NOW(6)) ON DUPLICATE KEY UPDATE stage = VALUES(stage), last_key = VALUES(last_key),"
         " rows_compared = VALUES(rows_compared), matching = VALUES(matching), mismatched = VALUES(mismatched),"
         " missing = VALUES(missing), extra = VALUES(extra), samples = VALUES(samples), host = VALUES(host),"
         " updated_at = VALUES(updated_at)";
}

std::string mysql_verify_checkpoint_load(const std::string& migration, size_t key_size, int samples) {
  std::string out = "SELECT stage, rows_compared, matching, mismatched, missing, extra";
  for (size_t i = 0; i < key_size; ++i)
    out += ", JSON_UNQUOTE(JSON_EXTRACT(last_key, '$[" + std::to_string(i) + "]'))";
  for (int i = 0; i < samples; ++i) out += ", JSON_UNQUOTE(JSON_EXTRACT(samples, '$[" + std::to_string(i) + "]'))";
  return out + " FROM " + kMysqlVerifyCheckpointTable + " WHERE migration = " + migration;
}

std::vector<std::string> mysql_heartbeat_ddl() {
  return {"CREATE DATABASE IF NOT EXISTS `switchyard`",
          std::string("CREATE TABLE IF NOT EXISTS ") + kMysqlHeartbeatTable +
              " (migration VARCHAR(64) NOT NULL PRIMARY KEY, seq BIGINT NOT NULL, beat DATETIME(6) NOT NULL)"
              " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"};
}

std::string mysql_heartbeat_beat(const std::string& migration) {
  return std::string("INSERT INTO ") + kMysqlHeartbeatTable + " (migration, seq, beat) VALUES (" + migration +
         ", 1, NOW(6)) ON DUPLICATE KEY UPDATE seq = seq + 1, beat = VALUES(beat)";
}

std::string mysql_heartbeat_seq(const std::string& migration) {
  return std::string("SELECT seq FROM ") + kMysqlHeartbeatTable + " WHERE migration = " + migration;
}

std::string mysql_heartbeat_seen(const std::string& migration) {
  return std::string("SELECT seq, TIMESTAMPDIFF(MICROSECOND, beat, NOW(6)) FROM ") + kMysqlHeartbeatTable +
         " WHERE migration = " + migration;
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

std::string mysql_page_end(const JobSpec& spec, const config::TableName& table, const Literals& lo, int64_t n) {
  std::vector<std::string> desc;
  for (const auto& k : spec.key) desc.push_back("page." + quote_identifier(k) + " DESC");
  return "SELECT COUNT(*) OVER (), " + columns(spec.key, "page") + " FROM (SELECT " + columns(spec.key) + " FROM " +
         mysql_table(table) + (lo.empty() ? "" : " WHERE " + mysql_key_after(spec.key, lo)) + " ORDER BY " +
         columns(spec.key) + " LIMIT " + std::to_string(n) + ") page ORDER BY " + join(desc, ", ") + " LIMIT 1";
}

std::string mysql_batch_write(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  if (spec.same_table()) {
    std::vector<std::string> set;
    for (const auto& c : spec.columns) set.push_back(quote_identifier(c.name) + " = " + c.expr);
    return "UPDATE " + mysql_table(spec.target) + " SET " + join(set, ", ") + where_key(spec, lo, hi);
  }
  std::vector<std::string> select, update;
  for (const auto& c : spec.columns) {
    select.push_back(c.expr);
    if (!is_key(spec, c.name))
      update.push_back(quote_identifier(c.name) + " = VALUES(" + quote_identifier(c.name) + ")");
  }
  // Every column a key column: a duplicate is already right.
  if (update.empty()) update.push_back(quote_identifier(spec.key[0]) + " = " + quote_identifier(spec.key[0]));
  return "INSERT INTO " + mysql_table(spec.target) + " (" + columns(spec.column_names()) + ") SELECT " +
         join(select, ", ") + " FROM " + mysql_table(spec.source) + where_key(spec, lo, hi) + " ORDER BY " +
         columns(spec.key) + " LOCK IN SHARE MODE ON DUPLICATE KEY UPDATE " + join(update, ", ");
}

int64_t mysql_copy_changed(int64_t inserted, uint64_t affected) {
  const int64_t updated = (static_cast<int64_t>(affected) - inserted) / 2;
  return std::max<int64_t>(inserted, 0) + std::max<int64_t>(updated, 0);
}

std::string mysql_lock_source(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  return "SELECT " + columns(spec.key) + " FROM " + mysql_table(spec.source) + where_key(spec, lo, hi) + " ORDER BY " +
         columns(spec.key) + " LOCK IN SHARE MODE";
}

std::string mysql_count_range(const JobSpec& spec, const config::TableName& table, const Literals& lo, const Literals& hi) {
  return "SELECT COUNT(*) FROM " + mysql_table(table) + where_key(spec, lo, hi);
}

std::string mysql_orphan_candidates(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  return "SELECT " + columns(spec.key) + " FROM " + mysql_table(spec.target) + where_key(spec, lo, hi) + no_source_row(spec) +
         " ORDER BY " + columns(spec.key);
}

std::string mysql_lock_old_keys(const JobSpec& spec, const std::vector<Literals>& keys) {
  bool copied = true;  // every key column of the target is the source's column of that name
  for (const auto& c : spec.columns)
    if (is_key(spec, c.name) && c.expr != quote_identifier(c.name)) copied = false;
  if (!copied) return "DO 0";
  return "SELECT " + columns(spec.key) + " FROM " + mysql_table(spec.source) + " WHERE " + key_in(spec.key, keys) +
         " ORDER BY " + columns(spec.key) + " LOCK IN SHARE MODE";
}

std::string mysql_orphan_delete(const JobSpec& spec, const std::vector<Literals>& keys) {
  return "DELETE FROM " + mysql_table(spec.target) + " WHERE " + key_in(spec.key, keys) + no_source_row(spec);
}

std::string mysql_older_transactions(const std::string& since) {
  return "SELECT COUNT(*), COALESCE(GROUP_CONCAT(trx_mysql_thread_id ORDER BY trx_mysql_thread_id SEPARATOR ', '), '') "
         "FROM information_schema.INNODB_TRX "
         "WHERE trx_started < " + since + " AND trx_mysql_thread_id <> CONNECTION_ID()";
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
  if (!spec.same_table()) {
    const std::string differs = joined_differs(checked);
    return "SELECT COUNT(*), COALESCE(SUM(" + differs + "), 0), COALESCE(SUM(t." + quote_identifier(spec.key[0]) +
           " IS NULL), 0) FROM " + joined(spec, lo, hi);
  }
  std::vector<std::string> unfilled;
  for (const auto& c : spec.columns) unfilled.push_back(quote_identifier(c.name) + " IS NULL");
  const std::string differs = mysql_differs(checked);
  return "SELECT COUNT(*), COALESCE(SUM(" + differs + "), 0), COALESCE(SUM(" + differs + " AND " +
         join(unfilled, " AND ") + "), 0) FROM " + mysql_table(spec.source) + where_key(spec, lo, hi);
}

std::string mysql_verify_samples(const JobSpec& spec, const std::vector<TargetColumn>& checked, const Literals& lo,
                                 const Literals& hi, int limit) {
  if (!spec.same_table()) {
    std::vector<std::string> key, expected, actual, order;
    for (const auto& k : spec.key) {
      key.push_back("QUOTE(s." + quote_identifier(k) + ")");
      order.push_back("s." + quote_identifier(k));
    }
    for (const auto& c : checked) {
      expected.push_back("QUOTE(s." + quote_identifier(c.name) + ")");
      actual.push_back("QUOTE(t." + quote_identifier(c.name) + ")");
    }
    return "SELECT CONCAT_WS(', ', " + join(key, ", ") + "), CONCAT_WS(', ', " + join(expected, ", ") + "), IF(t." +
           quote_identifier(spec.key[0]) + " IS NULL, 'no row', CONCAT_WS(', ', " + join(actual, ", ") + ")) FROM " +
           joined(spec, lo, hi) + " WHERE " + joined_differs(checked) + " ORDER BY " + join(order, ", ") + " LIMIT " +
           std::to_string(limit);
  }
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

std::string mysql_verify_extra(const JobSpec& spec, const Literals& lo, const Literals& hi) {
  return "SELECT COUNT(*) FROM " + mysql_table(spec.target) + where_key(spec, lo, hi) + no_source_row(spec);
}

}  // namespace switchyard::jobs
