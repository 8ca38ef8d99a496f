// The migrations list: every kind lands in the one model, and mistakes name the key and line.
#include <gtest/gtest.h>

#include "config/config.h"

namespace switchyard::config {
namespace {

// The example from the product's issue tracker, all five kinds.
constexpr char kExample[] = R"(
control: "host=127.0.0.1 port=5432 dbname=app user=switchyard"
migrations:
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
  - name: accounts-include-bool
    table: accounts
    change_column:
      from: include
      to: include_bool
      up: "CASE WHEN include = 'X' THEN true ELSE false END"
      down: "CASE WHEN include_bool THEN 'X' ELSE '' END"
    phase: dual_write
  - name: invoices
    rename_table: {from: inovices, to: invoices}
    phase: dual_write
  - name: account-split
    copy_table:
      from: legacy_accounts
      to: account
      key: [id]
      columns: {id: id, name: name, user_id: user_id,
                type: "CASE accttype WHEN 'CHECKING' THEN 'ASSET' WHEN 'SAVINGS' THEN 'ASSET' WHEN 'CREDITLINE' THEN 'LIABILITY' END"}
      down: {accttype: "CASE type WHEN 'LIABILITY' THEN 'CREDITLINE' ELSE 'CHECKING' END"}
    phase: canary
    canary: {percent: 10}
  - name: accounts-id
    table: billing.accounts
    add_column: {name: id, up: "aid"}
    phase: new_only
    on_unsupported: pass
)";

TEST(Migrations, EveryKindLandsInTheOneModel) {
  const auto r = parse_config(kExample, "m.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  const auto& ms = r.config->migrations;
  ASSERT_EQ(ms.size(), 5u);
  EXPECT_EQ(r.config->control, "host=127.0.0.1 port=5432 dbname=app user=switchyard");

  EXPECT_EQ(ms[0].kind, MigrationKind::kRenameColumn);
  EXPECT_EQ(ms[0].old_table.to_string(), "public.users");
  EXPECT_TRUE(ms[0].same_table());
  // A rename's expressions are the other column, quoted: names are exact.
  EXPECT_EQ(ms[0].up, (std::vector<ColumnMap>{{"display_name", "\"full_name\""}}));
  EXPECT_EQ(ms[0].down, (std::vector<ColumnMap>{{"full_name", "\"display_name\""}}));
  EXPECT_EQ(ms[0].phase, Phase::kDualWrite);
  EXPECT_EQ(ms[0].line, 4);

  EXPECT_EQ(ms[1].up, (std::vector<ColumnMap>{{"include_bool", "CASE WHEN include = 'X' THEN true ELSE false END"}}));
  EXPECT_EQ(ms[1].down, (std::vector<ColumnMap>{{"include", "CASE WHEN include_bool THEN 'X' ELSE '' END"}}));

  EXPECT_EQ(ms[2].kind, MigrationKind::kRenameTable);
  EXPECT_EQ(ms[2].old_table.name, "inovices");
  EXPECT_EQ(ms[2].new_table.name, "invoices");
  EXPECT_TRUE(ms[2].all_columns);
  EXPECT_FALSE(ms[2].same_table());

  EXPECT_EQ(ms[3].kind, MigrationKind::kCopyTable);
  EXPECT_EQ(ms[3].key, (std::vector<std::string>{"id"}));
  ASSERT_EQ(ms[3].up.size(), 4u);
  EXPECT_EQ(ms[3].up[3].column, "type");
  EXPECT_EQ(ms[3].down[0].column, "accttype");
  EXPECT_EQ(ms[3].phase, Phase::kCanary);
  EXPECT_EQ(ms[3].canary_percent, 10u);

  EXPECT_EQ(ms[4].old_table.to_string(), "billing.accounts");
  EXPECT_EQ(ms[4].up, (std::vector<ColumnMap>{{"id", "aid"}}));
  EXPECT_TRUE(ms[4].down.empty());
  EXPECT_EQ(ms[4].phase, Phase::kNewOnly);
  EXPECT_TRUE(ms[4].pass_unsupported);
}

struct Bad {
  const char* yaml;
  int line;
  const char* key;
  const char* message_part;
};

TEST(Migrations, MistakesNameTheKeyAndLine) {
  const std::string head = "control: x\nmigrations:\n";
  const Bad cases[] = {
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    phase: sideways\n", 6, "migrations[0].phase", "not one of"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    add_column: {name: c, up: a}\n", 6,
       "migrations[0].add_column", "one kind"},
      {"  - name: a\n    rename_column: {from: a, to: b}\n", 3, "migrations[0] (a)", "needs table"},
      {"  - name: a\n    table: t\n    rename_table: {from: a, to: b}\n", 3, "migrations[0] (a).table", "not used"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, too: b}\n", 5, "migrations[0].rename_column.too", "unknown key"},
      {"  - name: a\n    table: t\n    rename_column: {from: a}\n", 5, "migrations[0].rename_column", "needs to:"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: a}\n", 5, "migrations[0].rename_column", "same column"},
      {"  - name: a\n    rename_table: {from: t, to: t}\n", 4, "migrations[0].rename_table", "same table"},
      {"  - name: a\n    table: t\n    change_column: {from: a, to: b, up: x}\n", 5, "migrations[0].change_column", "needs down:"},
      {"  - name: a\n    table: t\n    add_column: {name: c, up: \"\"}\n", 5, "migrations[0].add_column.up", "empty"},
      {"  - name: a\n    copy_table: {from: a, to: b}\n", 4, "migrations[0].copy_table", "needs columns"},
      {"  - name: a\n    copy_table: {from: a, to: b, key: [], columns: {x: y}}\n", 4, "migrations[0].copy_table.key", "list of columns"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    canary: {percent: 101}\n", 6,
       "migrations[0].canary.percent", "at most 100"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    canary: {key: cookie}\n", 6,
       "migrations[0].canary.key", "not one of"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    shadow: {sample_percent: 150}\n", 6,
       "migrations[0].shadow.sample_percent", "between 0 and 100"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n    shadow: {in_read_new: maybe}\n", 6,
       "migrations[0].shadow.in_read_new", "not one of"},
      {"  - name: A B\n", 3, "migrations[0].name", "a-z"},
      {"  - table: t\n    rename_column: {from: a, to: b}\n", 3, "migrations[0]", "needs a name"},
      {"  - name: a\n    table: a.b.c\n    rename_column: {from: a, to: b}\n", 4, "migrations[0].table", "schema.table"},
      {"  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n  - name: a\n    table: u\n    rename_column: {from: a, to: b}\n",
       6, "migrations[1].name", "used twice"},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(head + c.yaml, "m.yaml");
    ASSERT_FALSE(r) << c.yaml;
    EXPECT_EQ(r.error.line, c.line) << c.yaml << " -> " << r.error.to_string();
    EXPECT_EQ(r.error.key, c.key) << c.yaml << " -> " << r.error.to_string();
    EXPECT_NE(r.error.message.find(c.message_part), std::string::npos) << r.error.to_string();
  }
}

// Names are exact identifiers as the catalog stores them: camelCase, mixed case, keywords,
// spaces and quotes are kept as written, and a rename's expressions quote them.
TEST(Migrations, NamesThatNeedQuotingAreKeptExactly) {
  struct Case {
    const char* yaml;
    TableName table;
    ColumnMap up;
    ColumnMap down;
  };
  const Case cases[] = {
      {"table: orders\n    rename_column: {from: createdAt, to: created_at}", {"public", "orders"},
       {"created_at", "\"createdAt\""}, {"createdAt", "\"created_at\""}},
      {"table: orders\n    rename_column: {from: src, to: plainNew}", {"public", "orders"}, {"plainNew", "\"src\""},
       {"src", "\"plainNew\""}},
      {"table: 'App.Order Items'\n    rename_column: {from: order, to: user}", {"App", "Order Items"},
       {"user", "\"order\""}, {"order", "\"user\""}},
      {"table: MixedCase\n    rename_column: {from: 'we\"ird', to: 'two words'}", {"public", "MixedCase"},
       {"two words", "\"we\"\"ird\""}, {"we\"ird", "\"two words\""}},
      {"table: t\n    change_column: {from: Total, to: totalCents, up: '\"Total\" * 100', down: '\"totalCents\" / 100'}",
       {"public", "t"}, {"totalCents", "\"Total\" * 100"}, {"Total", "\"totalCents\" / 100"}},
  };
  for (const auto& c : cases) {
    const auto r = parse_config(std::string("control: x\nmigrations:\n  - name: a\n    ") + c.yaml + "\n", "m.yaml");
    ASSERT_TRUE(r) << c.yaml << ": " << r.error.to_string();
    const Migration& m = r.config->migrations[0];
    EXPECT_EQ(m.old_table, c.table) << c.yaml;
    EXPECT_EQ(m.up, std::vector<ColumnMap>{c.up}) << c.yaml << ": " << m.up[0].expr;
    EXPECT_EQ(m.down, std::vector<ColumnMap>{c.down}) << c.yaml << ": " << m.down[0].expr;
    EXPECT_EQ(m.up[0].line, 5) << c.yaml;
    EXPECT_EQ(m.up[0].key.rfind("migrations[0].", 0), 0u) << m.up[0].key;
  }
}

TEST(Migrations, CanaryKeyAndShadowSampling) {
  const auto r = parse_config(std::string("control: x\nmigrations:\n") + "  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n"
                                     "    canary: {percent: 10, key: application_name}\n"
                                     "    shadow: {sample_percent: 12.5, float_tolerance: 0.001, in_read_new: true,"
                                     " redact_parameters: false}\n", "m.yaml");
  ASSERT_TRUE(r) << r.error.to_string();
  const Migration& m = r.config->migrations[0];
  EXPECT_EQ(m.canary_percent, 10u);
  EXPECT_EQ(m.canary_key, CanaryKey::kApplicationName);
  EXPECT_DOUBLE_EQ(m.shadow.sample_percent, 12.5);
  EXPECT_DOUBLE_EQ(m.shadow.float_tolerance, 0.001);
  EXPECT_TRUE(m.shadow.in_read_new);
  EXPECT_FALSE(m.shadow.redact_parameters);
}

TEST(Migrations, NeedAControlConnection) {
  const auto r = parse_config("migrations:\n  - name: a\n    table: t\n    rename_column: {from: a, to: b}\n", "m.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.key, "control");
}

TEST(Migrations, PhaseNamesRoundTrip) {
  for (Phase p : {Phase::kOff, Phase::kDualWrite, Phase::kShadow, Phase::kCanary, Phase::kReadNew, Phase::kNewOnly}) {
    Phase back{};
    ASSERT_TRUE(parse_phase(to_string(p), back));
    EXPECT_EQ(back, p);
  }
  Phase ignored{};
  EXPECT_FALSE(parse_phase("DUAL_WRITE", ignored));
}

}  // namespace
}  // namespace switchyard::config
