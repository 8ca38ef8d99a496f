// The DDL lints' shared questions to the catalog and their shared findings; see ddl_usage.h.
#include "rewrite/ddl_usage.h"

#include <algorithm>
#include <utility>

namespace switchyard::rewrite::ddl {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool rule_char(char c) { return (lower(c) >= 'a' && lower(c) <= 'z') || c == '_'; }

bool uses_column(const ResolvedMigration& m, const NameRules& rules, const std::string& column, bool old_side_in_use) {
  std::vector<std::string> used;
  for (const auto& c : m.spec.up) {
    used.push_back(c.column);
    if (old_side_in_use) rules.columns_read(c.expr, used);
  }
  for (const auto& c : m.spec.down) {
    rules.columns_read(c.expr, used);
    if (old_side_in_use) used.push_back(c.column);
  }
  return std::any_of(used.begin(), used.end(), [&](const std::string& u) { return rules.same_column(column, u); });
}

// " (which migration m (phase p) uses)" when `user` is set.
std::string used_by(const std::string& user) { return user.empty() ? "" : ", which " + user + " uses,"; }

}  // namespace

std::string migration_using(const Catalog& catalog, const NameRules& rules, const std::string& column) {
  for (const auto& m : catalog.migrations) {
    const bool old_in_use = m.spec.phase < config::Phase::kNewOnly;
    const bool on_old = old_in_use && rules.is_table(m.spec.old_table);
    const bool on_new = rules.is_table(m.spec.new_table);
    if (!on_old && !on_new) continue;
    const bool used = column.empty() || !m.spec.same_table() || uses_column(m, rules, column, old_in_use);
    if (used) return "migration " + m.spec.name + " (phase " + std::string(config::to_string(m.spec.phase)) + ")";
  }
  return "";
}

std::set<std::string> allowed_rules(std::string_view sql) {
  static constexpr std::string_view kMarker = "switchyard:allow";
  std::set<std::string> out;
  for (size_t at = sql.find(kMarker); at != std::string_view::npos; at = sql.find(kMarker, at + 1)) {
    std::string rule;
    for (size_t i = at + kMarker.size(); i < sql.size(); ++i) {
      const char c = sql[i];
      if (rule_char(c)) {
        rule.push_back(lower(c));
      } else if (c == ',' || c == ' ' || c == '\t') {
        if (!rule.empty()) out.insert(std::exchange(rule, ""));
      } else {
        break;
      }
    }
    if (!rule.empty()) out.insert(rule);
  }
  return out;
}

void drop_allowed(std::string_view sql, std::vector<DdlFinding>& findings) {
  const std::set<std::string> allowed = allowed_rules(sql);
  std::erase_if(findings, [&](const DdlFinding& f) { return allowed.count(f.rule) > 0; });
}

std::string describe(const DdlFinding& finding) {
  return "switchyard: ddl_lint " + finding.rule + ": " + finding.message + "; safe alternative: " + finding.alternative;
}

DdlFinding rename_column(const std::string& where, const std::string& to, const std::string& user) {
  return {"rename_column",
          "renames column " + where + used_by(user) + " to " + to + ": every client that still uses the old name fails at once",
          "a rename_column migration in switchyard: add the new column, let switchyard dual-write and backfill it, move "
          "the clients over, then drop the old column"};
}

DdlFinding rename_table(const std::string& table, const std::string& to, const std::string& user) {
  return {"rename_table",
          "renames table " + table + used_by(user) + " to " + to + ": every client that still uses the old name fails at once",
          "a rename_table migration in switchyard: create the new table, let switchyard dual-write and backfill it, move "
          "the clients over, then drop the old table"};
}

DdlFinding drop_column_in_use(const std::string& where, const std::string& user) {
  return {"drop_column_in_use", "drops column " + where + ", which " + user + " still uses",
          "finish the migration first: drop an old-shape column once the migration is in new_only, a new-shape column "
          "only after removing the migration from the configuration"};
}

DdlFinding drop_table_in_use(const std::string& table, const std::string& user) {
  return {"drop_table_in_use", "drops table " + table + ", which " + user + " still uses",
          "finish the migration first: drop its old table once the migration is in new_only, its new table only after "
          "removing the migration from the configuration"};
}

}  // namespace switchyard::rewrite::ddl
