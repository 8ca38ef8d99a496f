// Reads the `migrations:` list into the one migration model; see migration.h and
// docs/config.md. Checks what can be checked without a database: one kind per migration,
// required keys, names, phases. Whether the tables, columns and expressions exist and parse is
// checked against the live schema when the proxy loads the config.
#include <set>

#include "config/identifier.h"
#include "config/migration.h"
#include "config/yaml_reader.h"

namespace switchyard::config::detail {
namespace {

using Handlers = std::map<std::string, std::function<void(const YAML::Node&, const std::string&)>>;

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

TableName table_name(Reader& r, const YAML::Node& n, const std::string& key) {
  TableName t;
  if (!parse_table_name(r.scalar(n, key), t)) r.fail(n, key, "expected table or schema.table");
  return t;
}

// A mapping of column -> SQL expression, e.g. {type: "CASE ... END"}.
std::vector<ColumnMap> column_maps(Reader& r, const YAML::Node& n, const std::string& key) {
  if (!n.IsMap()) r.fail(n, key, "expected a mapping of column: expression");
  std::vector<ColumnMap> out;
  for (const auto& kv : n) {
    const std::string column = kv.first.as<std::string>();
    const std::string expr = r.scalar(kv.second, key + "." + column);
    if (column.empty()) r.fail(kv.first, key, "a column name is empty");
    if (expr.empty()) r.fail(kv.second, key + "." + column, "expression is empty");
    out.push_back({column, expr, line_of(kv.second), key + "." + column});
  }
  return out;
}

Migration read_one(Reader& r, const YAML::Node& node, const std::string& path) {
  Migration m;
  m.line = node.Mark().line + 1;
  std::optional<TableName> table;
  std::string kind_key;
  YAML::Node kind_node;
  auto kind = [&](MigrationKind k) {
    return [&, k](const YAML::Node& n, const std::string& key) {
      if (!kind_key.empty()) r.fail(n, key, "a migration has one kind, and this one already has " + kind_key);
      kind_key = key;
      kind_node = n;
      m.kind = k;
    };
  };
  r.mapping(node, path, Handlers{
    {"name", [&](auto& n, auto& k) {
       m.name = r.scalar(n, k);
       if (!valid_name(m.name)) r.fail(n, k, "use 1-63 characters of a-z, 0-9, _ and -");
     }},
    {"table", [&](auto& n, auto& k) { table = table_name(r, n, k); }},
    {"phase", [&](auto& n, auto& k) {
       if (!parse_phase(r.scalar(n, k), m.phase))
         r.fail(n, k, "'" + n.Scalar() + "' is not one of off, dual_write, shadow, canary, read_new, new_only");
     }},
    {"canary", [&](auto& n, auto& k) {
       r.mapping(n, k, Handlers{
         {"percent", [&](auto& pn, auto& pk) { m.canary_percent = static_cast<unsigned>(r.unsigned_int(pn, pk, 100)); }},
         {"key", [&](auto& kn2, auto& kk2) {
            const std::string v = r.one_of(kn2, kk2, {"session", "user", "application_name", "client_address"});
            m.canary_key = v == "user"               ? CanaryKey::kUser
                           : v == "application_name" ? CanaryKey::kApplicationName
                           : v == "client_address"   ? CanaryKey::kClientAddress
                                                     : CanaryKey::kSession;
          }},
       });
     }},
    {"shadow", [&](auto& n, auto& k) {
       r.mapping(n, k, Handlers{
         {"sample_percent", [&](auto& sn, auto& sk) { m.shadow.sample_percent = r.number(sn, sk, 0, 100); }},
         {"float_tolerance", [&](auto& sn, auto& sk) { m.shadow.float_tolerance = r.number(sn, sk, 0, 1); }},
         {"in_read_new", [&](auto& sn, auto& sk) { m.shadow.in_read_new = r.boolean(sn, sk); }},
         {"redact_parameters", [&](auto& sn, auto& sk) { m.shadow.redact_parameters = r.boolean(sn, sk); }},
       });
     }},
    {"on_unsupported", [&](auto& n, auto& k) { m.pass_unsupported = r.one_of(n, k, {"refuse", "pass"}) == "pass"; }},
    {"rename_column", kind(MigrationKind::kRenameColumn)},
    {"change_column", kind(MigrationKind::kChangeColumn)},
    {"add_column", kind(MigrationKind::kAddColumn)},
    {"rename_table", kind(MigrationKind::kRenameTable)},
    {"copy_table", kind(MigrationKind::kCopyTable)},
  });
  if (m.name.empty()) r.fail(node, path, "a migration needs a name");
  const std::string where = path + " (" + m.name + ")";
  if (kind_key.empty())
    r.fail(node, where, "needs one of rename_column, change_column, add_column, rename_table, copy_table");

  const bool column_kind = m.kind == MigrationKind::kRenameColumn || m.kind == MigrationKind::kChangeColumn ||
                           m.kind == MigrationKind::kAddColumn;
  if (column_kind && !table) r.fail(node, where, std::string(to_string(m.kind)) + " needs table:");
  if (!column_kind && table) r.fail(node, where + ".table", "not used by " + std::string(to_string(m.kind)) + ": name the tables with from: and to:");
  const std::string kk = kind_key;
  const YAML::Node& kn = kind_node;
  std::string from, to;
  auto required = [&](const char* key) -> std::string {
    if (!kn[key]) r.fail(kn, kk, std::string("needs ") + key + ":");
    std::string v = r.scalar(kn[key], kk + "." + key);
    if (v.empty()) r.fail(kn[key], kk + "." + key, "is empty");
    return v;
  };

  switch (m.kind) {
    case MigrationKind::kRenameColumn:
      r.mapping(kn, kk, Handlers{{"from", [&](auto& n, auto& k) { from = r.scalar(n, k); }},
                                 {"to", [&](auto& n, auto& k) { to = r.scalar(n, k); }}});
      from = required("from");
      to = required("to");
      m.old_table = m.new_table = *table;
      // Names are exact: the expression is the other column, quoted (createdAt is not createdat).
      m.up = {{to, quote_ident(from), line_of(kn["from"]), kk + ".from"}};
      m.down = {{from, quote_ident(to), line_of(kn["to"]), kk + ".to"}};
      break;
    case MigrationKind::kChangeColumn: {
      std::string up, down;
      r.mapping(kn, kk, Handlers{{"from", [&](auto& n, auto& k) { from = r.scalar(n, k); }},
                                 {"to", [&](auto& n, auto& k) { to = r.scalar(n, k); }},
                                 {"up", [&](auto& n, auto& k) { up = r.scalar(n, k); }},
                                 {"down", [&](auto& n, auto& k) { down = r.scalar(n, k); }}});
      from = required("from");
      to = required("to");
      up = required("up");
      down = required("down");
      m.old_table = m.new_table = *table;
      m.up = {{to, up, line_of(kn["up"]), kk + ".up"}};
      m.down = {{from, down, line_of(kn["down"]), kk + ".down"}};
      break;
    }
    case MigrationKind::kAddColumn: {
      std::string name, up;
      r.mapping(kn, kk, Handlers{{"name", [&](auto& n, auto& k) { name = r.scalar(n, k); }},
                                 {"up", [&](auto& n, auto& k) { up = r.scalar(n, k); }},
                                 {"down", [&](auto& n, auto& k) { m.down = column_maps(r, n, k); }}});
      to = required("name");
      up = required("up");
      m.old_table = m.new_table = *table;
      m.up = {{to, up, line_of(kn["up"]), kk + ".up"}};
      from = "";
      break;
    }
    case MigrationKind::kRenameTable:
      r.mapping(kn, kk, Handlers{{"from", [&](auto& n, auto& k) { m.old_table = table_name(r, n, k); }},
                                 {"to", [&](auto& n, auto& k) { m.new_table = table_name(r, n, k); }}});
      required("from");
      required("to");
      m.all_columns = true;
      break;
    case MigrationKind::kCopyTable:
      r.mapping(kn, kk, Handlers{
        {"from", [&](auto& n, auto& k) { m.old_table = table_name(r, n, k); }},
        {"to", [&](auto& n, auto& k) { m.new_table = table_name(r, n, k); }},
        {"key", [&](auto& n, auto& k) {
           if (!n.IsSequence() || n.size() == 0) r.fail(n, k, "expected a list of columns, e.g. [id]");
           for (const auto& c : n) m.key.push_back(r.scalar(c, k));
         }},
        {"columns", [&](auto& n, auto& k) { m.up = column_maps(r, n, k); }},
        {"down", [&](auto& n, auto& k) { m.down = column_maps(r, n, k); }},
      });
      required("from");
      required("to");
      if (m.up.empty()) r.fail(kn, kk, "needs columns: (each new column and its expression over the old row)");
      break;
  }
  if (!column_kind && m.old_table == m.new_table) r.fail(kn, kk, "from and to name the same table");
  if (column_kind && from == to) r.fail(kn, kk, "from and to name the same column");
  return m;
}

}  // namespace

void read_migrations(Reader& r, const YAML::Node& node, const std::string& key, std::vector<Migration>& out) {
  if (!node.IsSequence()) r.fail(node, key, "expected a list of migrations");
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    Migration m = read_one(r, node[i], key + "[" + std::to_string(i) + "]");
    if (!names.insert(m.name).second) r.fail(node[i], key + "[" + std::to_string(i) + "].name", "'" + m.name + "' is used twice");
    out.push_back(std::move(m));
  }
}

}  // namespace switchyard::config::detail
