// The differential test's hand-written cases (see differential_corpus.h).
#include "tests/support/differential_corpus.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <regex>

namespace switchyard::test_support::differential {
namespace {

// One shape a write can be written for: a table and the column of it that a migration moves (or,
// for the table kinds, any column), with the values and expressions the templates need. Rows
// 1-5 exist when a case starts; people holds ids 2, 4 and 5.
struct Target {
  std::string name;
  std::string table, key, column;
  std::string value, other_value;  // literals for `column`
  std::string changed;             // a new value of `column` computed from the row
  std::string columns;             // an INSERT column list: key, column, one more
  std::function<std::string(int)> row;        // a VALUES row for that list, with key n
  std::string generated;           // that row as a select list over g (generate_series)
  std::string copied;              // that row as a select list over the table's own row, key + 1000
  std::string defaulted;           // a VALUES row with key 150 and DEFAULT for the third column
  std::vector<std::optional<std::string>> params;  // $1 $2 $3 for the list, key 160
  std::vector<Oid> types;
  std::string copy_line;           // one COPY text row for the list, key 170
};

// `t` written for the other shape: every `from` in its names and SQL becomes `to`.
Target other_shape(Target t, const std::string& name, const std::string& from, const std::string& to) {
  t.name = name;
  for (std::string* text : {&t.table, &t.column, &t.changed, &t.columns, &t.copied})
    for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size()))
      text->replace(at, from.size(), to);
  return t;
}

std::vector<Target> targets() {
  constexpr Oid I = kInt4Oid, T = kTextOid, B = kBoolOid, C = kBpcharOid;
  constexpr Oid N = 1700;  // numeric
  const auto n = [](int k) { return std::to_string(k); };
  std::vector<Target> all = {
      {"users_old", "users", "id", "full_name", "'Grace Hopper'", "'Edsger Dijkstra'", "upper(full_name)",
       "(id, full_name, email)", [n](int k) { return "(" + n(k) + ", 'Name " + n(k) + "', 'u" + n(k) + "@example.com')"; },
       "g, 'user ' || g, NULL::text", "id + 1000, full_name, email", "(150, 'Dee Fault', DEFAULT)",
       {"160", "Param Name", "p@example.com"}, {I, T, T}, "170\tCopied Name\tc@example.com\n"},
      {"accounts_old", "accounts", "aid", "include", "'X'", "''", "CASE WHEN include = 'X' THEN '' ELSE 'X' END",
       "(aid, include, name)", [n](int k) { return "(" + n(k) + ", 'X', 'acct " + n(k) + "')"; },
       "g, CASE WHEN g % 2 = 0 THEN 'X' ELSE '' END, 'gen ' || g", "aid + 1000, include, name", "(150, 'X', DEFAULT)",
       {"160", "X", "param acct"}, {I, C, T}, "170\tX\tcopied acct\n"},
      {"accounts_new", "accounts", "aid", "include_bool", "true", "false", "NOT include_bool",
       "(aid, include_bool, name)", [n](int k) { return "(" + n(k) + ", true, 'acct " + n(k) + "')"; },
       "g, g % 2 = 0, 'gen ' || g", "aid + 1000, include_bool, name", "(150, false, DEFAULT)",
       {"160", "true", "param acct"}, {I, B, T}, "170\tt\tcopied acct\n"},
      {"inovices", "inovices", "id", "customer", "'acme'", "'globex'", "upper(customer)", "(id, customer, amount)",
       [n](int k) { return "(" + n(k) + ", 'cust " + n(k) + "', " + n(k) + ".5)"; }, "g, 'gen ' || g, g * 1.5",
       "id + 1000, customer, amount", "(150, 'dee', DEFAULT)", {"160", "param cust", "16.25"}, {I, T, N},
       "170\tcopied cust\t17.75\n"},
      {"legacy_items", "legacy_items", "id", "price_cents", "1999", "5", "price_cents + 100", "(id, title, price_cents)",
       [n](int k) { return "(" + n(k) + ", 'item " + n(k) + "', " + n(k) + "00)"; }, "g, 'gen ' || g, g * 10",
       "id + 1000, title, price_cents", "(150, 'dee', DEFAULT)", {"160", "param item", "1625"}, {I, T, I},
       "170\tcopied item\t1775\n"},
      {"items", "items", "id", "price", "19.99", "0.05", "price * 2", "(id, title, price)",
       [n](int k) { return "(" + n(k) + ", 'item " + n(k) + "', " + n(k) + ".25)"; }, "g, 'gen ' || g, g * 0.1",
       "id + 1000, title, price", "(150, 'dee', DEFAULT)", {"160", "param item", "16.25"}, {I, T, N},
       "170\tcopied item\t17.75\n"},
  };
  all.push_back(other_shape(all[0], "users_new", "full_name", "display_name"));
  all.push_back(other_shape(all[3], "invoices", "inovices", "invoices"));
  return all;
}

// A template: statements with {T} (table), {K} (key), {C} (column), {V}, {V2}, {E}, {COLS}, {SCOLS},
// {ROW101}, {ROW102}, {GEN}, {SELF}, {DEFROW}; a statement using $n takes the target's params.
struct Template {
  std::string name;
  std::vector<std::string> statements;
  bool simple_only = false;
  bool with_params = false;
  bool copy = false;
};

const std::vector<Template>& templates() {
  static const std::vector<Template> all = {
      // INSERT
      {"insert_values", {"INSERT INTO {T} {COLS} VALUES {ROW101}"}},
      {"insert_rows", {"INSERT INTO {T} {COLS} VALUES {ROW101}, {ROW102}"}},
      {"insert_returning_star", {"INSERT INTO {T} {COLS} VALUES {ROW101} RETURNING *"}},
      {"insert_returning_list", {"INSERT INTO {T} {COLS} VALUES {ROW101}, {ROW102} RETURNING {K}, {C}"}},
      {"insert_returning_expressions",
       {"INSERT INTO {T} {COLS} VALUES {ROW101} RETURNING {K} * 2 AS twice, {E} AS changed, {C} IS NULL AS missing"}},
      {"insert_params", {"INSERT INTO {T} {COLS} VALUES ($1, $2, $3)"}, false, true},
      {"insert_params_returning", {"INSERT INTO {T} {COLS} VALUES ($1, $2, $3) RETURNING {C}"}, false, true},
      {"insert_default", {"INSERT INTO {T} {COLS} VALUES {DEFROW}"}},
      {"insert_on_conflict_nothing", {"INSERT INTO {T} {COLS} VALUES {ROW1}, {ROW101} ON CONFLICT DO NOTHING"}},
      {"insert_on_conflict_key_nothing",
       {"INSERT INTO {T} {COLS} VALUES {ROW1} ON CONFLICT ({K}) DO NOTHING RETURNING {K}"}},
      {"insert_on_conflict_constraint", {"INSERT INTO {T} {COLS} VALUES {ROW2} ON CONFLICT ON CONSTRAINT {T}_pkey DO NOTHING"}},
      {"insert_on_conflict_update_excluded",
       {"INSERT INTO {T} {COLS} VALUES {ROW1}, {ROW101} ON CONFLICT ({K}) DO UPDATE SET {C} = EXCLUDED.{C}"}},
      {"insert_on_conflict_update_where_returning",
       {"INSERT INTO {T} {COLS} VALUES {ROW2} ON CONFLICT ({K}) DO UPDATE SET {C} = EXCLUDED.{C} WHERE {T}.{K} > 0 "
        "RETURNING {K}, {C}"}},
      {"insert_alias_on_conflict_update_own",
       {"INSERT INTO {T} AS t {COLS} VALUES {ROW3} ON CONFLICT ({K}) DO UPDATE SET {C} = t.{C}"}},
      {"insert_select_series", {"INSERT INTO {T} {COLS} SELECT {GEN} FROM generate_series(201, 203) g"}},
      {"insert_select_self", {"INSERT INTO {T} {COLS} SELECT {SELF} FROM {T} WHERE {K} <= 2"}},
      {"insert_select_cte", {"WITH src AS (SELECT {GEN} FROM generate_series(301, 302) g) INSERT INTO {T} {COLS} "
                             "SELECT * FROM src"}},
      {"insert_select_join_people",
       {"INSERT INTO {T} {COLS} SELECT {GEN} FROM generate_series(1, 9) g JOIN people p ON p.id = g - 400"}},
      {"insert_duplicate_key", {"INSERT INTO {T} {COLS} VALUES {ROW1}"}},
      {"insert_bad_key", {"INSERT INTO {T} ({K}) VALUES ('not a number')"}},
      // UPDATE
      {"update_one", {"UPDATE {T} SET {C} = {V} WHERE {K} = 1"}},
      {"update_all_expression", {"UPDATE {T} SET {C} = {E}"}},
      {"update_in_returning_star", {"UPDATE {T} SET {C} = {V2} WHERE {K} IN (1, 2) RETURNING *"}},
      {"update_returning_expressions", {"UPDATE {T} SET {C} = {E} WHERE {K} < 4 RETURNING {K}, {C}, {K} + 1 AS next"}},
      {"update_no_rows", {"UPDATE {T} SET {C} = {V} WHERE {K} = 999"}},
      {"update_alias", {"UPDATE {T} AS t SET {C} = {V} WHERE t.{K} = 2"}},
      {"update_from_table", {"UPDATE {T} SET {C} = {V} FROM people p WHERE p.id = {T}.{K}"}},
      {"update_from_values",
       {"UPDATE {T} SET {C} = v.val FROM (VALUES (1, {V}), (2, {V2})) AS v(k, val) WHERE {T}.{K} = v.k"}},
      {"update_where_exists", {"UPDATE {T} SET {C} = {V} WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = {T}.{K})"}},
      {"update_where_in_select", {"UPDATE {T} SET {C} = {V2} WHERE {K} IN (SELECT id FROM people WHERE mail IS NULL)"}},
      {"update_params", {"UPDATE {T} SET {C} = $2 WHERE {K} = $1 OR $3 IS NULL"}, false, true},
      {"update_set_default", {"UPDATE {T} SET {C} = DEFAULT WHERE {K} = 3"}},
      {"update_cte_ids", {"WITH ids AS (SELECT id FROM people) UPDATE {T} SET {C} = {V} WHERE {K} IN (SELECT id FROM ids)"}},
      {"update_in_cte", {"WITH u AS (UPDATE {T} SET {C} = {V} WHERE {K} <= 2 RETURNING {K}) SELECT count(*) FROM u"}},
      {"update_in_cte_returning_to_client",
       {"WITH u AS (UPDATE {T} SET {C} = {E} RETURNING {K}, {C}) SELECT * FROM u ORDER BY 1"}},
      // DELETE
      {"delete_one", {"DELETE FROM {T} WHERE {K} = 1"}},
      {"delete_returning_star", {"DELETE FROM {T} WHERE {K} >= 4 RETURNING *"}},
      {"delete_using", {"DELETE FROM {T} USING people p WHERE p.id = {T}.{K}"}},
      {"delete_in_select_returning", {"DELETE FROM {T} WHERE {K} IN (SELECT id FROM people) RETURNING {K}, {C}"}},
      {"delete_in_cte", {"WITH d AS (DELETE FROM {T} WHERE {K} = 2 RETURNING *) SELECT count(*) FROM d"}},
      {"delete_in_cte_into_people",
       {"WITH d AS (DELETE FROM {T} WHERE {K} <= 2 RETURNING {K}) INSERT INTO people (id, name) "
        "SELECT {K} + 100, 'moved' FROM d"}},
      {"delete_all", {"DELETE FROM {T}"}},
      {"delete_only", {"DELETE FROM ONLY {T} WHERE {K} = 5"}},
      {"delete_params", {"DELETE FROM {T} WHERE {K} = $1 OR {K} = 1 OR $2 = $3"}, false, true},
      // TRUNCATE, MERGE, COPY
      {"truncate", {"TRUNCATE {T}"}},
      {"truncate_restart_identity", {"TRUNCATE TABLE {T} RESTART IDENTITY"}},
      {"truncate_only_cascade", {"TRUNCATE ONLY {T} CASCADE"}},
      {"truncate_with_other_table", {"TRUNCATE {T}, people"}},
      {"merge_update",
       {"MERGE INTO {T} t USING people p ON t.{K} = p.id WHEN MATCHED THEN UPDATE SET {C} = {V} "
        "WHEN NOT MATCHED THEN DO NOTHING"}},
      {"merge_delete", {"MERGE INTO {T} t USING people p ON t.{K} = p.id WHEN MATCHED THEN DELETE"}},
      // The upsert as hand-written SQL spells it: a VALUES source, UPDATE and INSERT.
      {"merge_upsert_values",
       {"MERGE INTO {T} t USING (VALUES {ROW1}, {ROW101}) AS s{COLS} ON t.{K} = s.{K} "
        "WHEN MATCHED THEN UPDATE SET {C} = s.{C} WHEN NOT MATCHED THEN INSERT {COLS} VALUES {SCOLS}"}},
      {"merge_when_and_conditions",
       {"MERGE INTO {T} t USING people p ON t.{K} = p.id WHEN MATCHED AND p.mail IS NULL THEN DELETE "
        "WHEN MATCHED AND t.{K} = 2 THEN UPDATE SET {C} = {V} WHEN MATCHED THEN DO NOTHING "
        "WHEN NOT MATCHED AND p.id > 100 THEN DO NOTHING"}},
      {"merge_insert_from_subselect",
       {"MERGE INTO {T} t USING (SELECT {GEN} FROM generate_series(4, 6) g) AS s{COLS} ON t.{K} = s.{K} "
        "WHEN NOT MATCHED THEN INSERT {COLS} VALUES {SCOLS}"}},
      {"merge_update_from_own_row",
       {"MERGE INTO {T} t USING (SELECT {K} AS k, {C} AS v FROM {T} WHERE {K} = 1) s ON t.{K} = s.k + 1 "
        "WHEN MATCHED THEN UPDATE SET {C} = s.v"}},
      {"merge_only_do_nothing",
       {"MERGE INTO {T} t USING people p ON t.{K} = p.id WHEN MATCHED THEN DO NOTHING WHEN NOT MATCHED THEN DO NOTHING"}},
      {"merge_params",
       {"MERGE INTO {T} t USING (SELECT $1::int AS k) s ON t.{K} = s.k WHEN MATCHED THEN UPDATE SET {C} = {V} "
        "WHEN NOT MATCHED AND s.k > 0 THEN INSERT {COLS} VALUES (s.k, $2, $3)"},
       false, true},
      {"copy_from_stdin", {"COPY {T} {COLS} FROM STDIN"}, false, false, true},
      // Several statements, and transactions
      {"multi_statement",
       {"INSERT INTO {T} {COLS} VALUES {ROW101}; UPDATE {T} SET {C} = {V} WHERE {K} = 1; DELETE FROM {T} WHERE {K} = 2"},
       true},
      {"multi_statement_error_rolls_back",
       {"UPDATE {T} SET {C} = {V} WHERE {K} = 1; INSERT INTO {T} {COLS} VALUES {ROW1}; DELETE FROM {T}"}, true},
      {"transaction_savepoint",
       {"BEGIN", "UPDATE {T} SET {C} = {V} WHERE {K} = 1", "SAVEPOINT s1", "DELETE FROM {T} WHERE {K} = 2",
        "ROLLBACK TO SAVEPOINT s1", "INSERT INTO {T} {COLS} VALUES {ROW101}", "RELEASE SAVEPOINT s1", "COMMIT"}},
      {"transaction_rollback", {"BEGIN", "INSERT INTO {T} {COLS} VALUES {ROW101}", "UPDATE {T} SET {C} = {E}", "ROLLBACK"}},
      {"transaction_error_then_rollback",
       {"BEGIN", "UPDATE {T} SET {C} = {V}", "INSERT INTO {T} {COLS} VALUES {ROW1}", "UPDATE {T} SET {C} = {V2}",
        "ROLLBACK"}},
      {"transaction_select_for_update",
       {"BEGIN", "SELECT {K} FROM {T} WHERE {K} = 3 FOR UPDATE", "UPDATE {T} SET {C} = {V2} WHERE {K} = 3", "COMMIT"}},
      {"transaction_in_one_string",
       {"BEGIN; UPDATE {T} SET {C} = {V} WHERE {K} = 1; SAVEPOINT a; DELETE FROM {T}; ROLLBACK TO a; COMMIT"}, true},
  };
  return all;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

std::string instantiate(std::string text, const Target& t) {
  replace_all(text, "{ROW101}", t.row(101));
  replace_all(text, "{ROW102}", t.row(102));
  replace_all(text, "{ROW1}", t.row(1));
  replace_all(text, "{ROW2}", t.row(2));
  replace_all(text, "{ROW3}", t.row(3));
  replace_all(text, "{DEFROW}", t.defaulted);
  // {SCOLS}: the INSERT column list as the columns of the MERGE source s.
  replace_all(text, "{SCOLS}", std::regex_replace(t.columns, std::regex(R"(\w+)"), "s.$&"));
  replace_all(text, "{COLS}", t.columns);
  replace_all(text, "{GEN}", t.generated);
  replace_all(text, "{SELF}", t.copied);
  replace_all(text, "{V2}", t.other_value);
  replace_all(text, "{V}", t.value);
  replace_all(text, "{E}", t.changed);
  replace_all(text, "{T}", t.table);
  replace_all(text, "{K}", t.key);
  replace_all(text, "{C}", t.column);
  return text;
}

// Cases written for one table: forms whose values only make sense there.
std::vector<Case> single_cases() {
  return {
      {"insert_accounts_serial_returning/accounts_old",
       {{"INSERT INTO accounts (include, name) VALUES ('X', 'serial') RETURNING aid, id, include_bool", {}, {}}}},
      {"insert_accounts_new_serial/accounts_new",
       {{"INSERT INTO accounts (include_bool) VALUES (false) RETURNING *", {}, {}}}},
      {"insert_accounts_id_given/accounts_id", {{"INSERT INTO accounts (aid, include, id) VALUES (40, '', 41)", {}, {}}}},
      {"update_accounts_both_migrations/accounts_old",
       {{"UPDATE accounts SET include = '', aid = aid + 100 WHERE aid = 1 RETURNING aid, id, include_bool", {}, {}}}},
      {"insert_inovices_serial/inovices",
       {{"INSERT INTO inovices (customer, amount) VALUES ('serial', 1), ('serial', 2) RETURNING id", {}, {}}}},
      {"insert_legacy_items_serial/legacy_items",
       {{"INSERT INTO legacy_items (title) VALUES ('default price') RETURNING id, price_cents", {}, {}}}},
      {"update_inovices_check_violation/inovices", {{"UPDATE inovices SET amount = -1 WHERE id = 1", {}, {}}}},
      {"insert_invoices_not_null/invoices", {{"INSERT INTO invoices (id) VALUES (90)", {}, {}}}},
      {"insert_items_null_price/items", {{"INSERT INTO items (id, title) VALUES (90, 'no price')", {}, {}}}},
      {"update_users_both_shapes_set/users_both",
       {{"UPDATE users SET full_name = 'Both', display_name = 'Both' WHERE id = 1", {}, {}}}},
      {"insert_users_positional/users_old", {{"INSERT INTO users VALUES (90, 'Positional', 'p@example.com')", {}, {}}}},
      {"update_users_concat_params/users_old",
       {{"UPDATE users SET full_name = full_name || $1 WHERE id = ANY($2::int[])", {" Jr.", "{1,2,3}"}, {}}}},
      {"update_users_case/users_old",
       {{"UPDATE users SET full_name = CASE WHEN email IS NULL THEN 'anonymous' ELSE split_part(email, '@', 1) END",
         {}, {}}}},
      {"update_users_from_people_join/users_new",
       {{"UPDATE users u SET display_name = p.name || ' (' || coalesce(p.mail, '-') || ')' FROM people p "
         "WHERE p.id = u.id RETURNING u.id, u.display_name", {}, {}}}},
      {"insert_people_select_users/people",
       {{"INSERT INTO people (id, name, mail) SELECT id + 100, full_name, email FROM users WHERE id <= 3", {}, {}}}},
      {"update_people_from_users/people",
       {{"UPDATE people p SET name = u.display_name FROM users u WHERE u.id = p.id", {}, {}}}},
      {"cte_moves_users_to_people/users_old",
       {{"WITH gone AS (DELETE FROM users WHERE email IS NULL RETURNING id, full_name) "
         "INSERT INTO people (id, name) SELECT id + 200, full_name FROM gone RETURNING id, name", {}, {}}}},
      {"cte_two_writes/users_old",
       {{"WITH a AS (UPDATE users SET full_name = 'A' WHERE id = 1 RETURNING id), "
         "b AS (UPDATE accounts SET include = '' WHERE aid = 1 RETURNING aid) SELECT (SELECT count(*) FROM a), "
         "(SELECT count(*) FROM b)", {}, {}}}},
      {"insert_inovices_from_invoices/inovices",
       {{"INSERT INTO inovices (id, customer, amount) SELECT id + 500, customer, amount FROM invoices WHERE id < 3", {}, {}}}},
      {"update_items_from_legacy/items",
       {{"UPDATE items SET title = l.title || '!' FROM legacy_items l WHERE l.id = items.id AND l.id = 2", {}, {}}}},
      {"truncate_both_tables/inovices", {{"TRUNCATE inovices, invoices", {}, {}}}},
      {"truncate_only_restart/legacy_items", {{"TRUNCATE ONLY legacy_items RESTART IDENTITY", {}, {}}}},
      {"prepare_execute/users_old",
       {{"PREPARE ins(int, text) AS INSERT INTO users (id, full_name) VALUES ($1, $2)", {}, {}},
        {"EXECUTE ins(95, 'Prepared')", {}, {}}, {"DEALLOCATE ins", {}, {}}}},
      {"update_join_two_migrated/users_old",
       {{"UPDATE users u SET full_name = a.name || ':' || a.include FROM accounts a WHERE a.aid = u.id AND a.include_bool",
         {}, {}}}},
      {"update_self_subselect_where/users_new",
       {{"UPDATE users SET display_name = 'A-name' WHERE id IN (SELECT id FROM users WHERE full_name LIKE 'A%')", {}, {}}}},
      {"insert_on_conflict_mixed_shapes/users_old",
       {{"INSERT INTO users (id, full_name) VALUES (1, 'Mixed'), (102, 'Mixed new') ON CONFLICT (id) DO UPDATE "
         "SET display_name = EXCLUDED.display_name RETURNING id, full_name, display_name", {}, {}}}},
      {"cte_writes_two_table_kinds/inovices",
       {{"WITH a AS (INSERT INTO inovices (id, customer, amount) VALUES (60, 'cte', 6) RETURNING id) "
         "UPDATE legacy_items SET price_cents = price_cents + 1 WHERE id IN (SELECT id - 58 FROM a) RETURNING id, price_cents",
         {}, {}}}},
      {"insert_select_both_shapes_positional/users_both",
       {{"INSERT INTO users SELECT id + 100, full_name, email, display_name FROM users WHERE id < 3", {}, {}}}},
      {"update_returning_old_and_new/accounts_old",
       {{"UPDATE accounts SET include = 'X' WHERE aid = 2 RETURNING aid, include, include_bool, id", {}, {}}}},
      {"delete_returning_expression_join/items",
       {{"DELETE FROM items i USING people p WHERE p.id = i.id RETURNING i.id, i.price * 100 AS cents, p.name", {}, {}}}},
      {"upsert_table_kind_excluded_expression/invoices",
       {{"INSERT INTO invoices AS t (id, customer, amount) VALUES (3, 'again', 1) ON CONFLICT (id) DO UPDATE "
         "SET amount = t.amount + EXCLUDED.amount, note = 'was ' || t.customer RETURNING *", {}, {}}}},
      // The classes of issue 10 that other branches fix, so that their fixes show here.
      {"deparse_parentheses_cast/users_old",
       {{"UPDATE users SET full_name = (NOT true = false)::text || (id IS NOT NULL)::text WHERE id = 1", {}, {}}}},
      {"deparse_parentheses_in_list/users_old",
       {{"UPDATE users SET full_name = (id IN (1, 2))::text || (email IS NULL OR id > 3)::text", {}, {}}}},
      {"deparse_parentheses_at_time_zone/users_old",
       {{"UPDATE users SET full_name = (timestamp '2020-01-01 12:00' AT TIME ZONE 'UTC')::text WHERE id = 2", {}, {}}}},
      {"deparse_parentheses_returning/users_old",
       {{"UPDATE users SET full_name = 'r' WHERE id = 1 RETURNING (id > 0 AND true)::text AS flag", {}, {}}}},
      {"builtin_chr_to_hex/users_old", {{"UPDATE users SET full_name = chr(64 + id) || to_hex(id * 255)", {}, {}}}},
      {"builtin_overlay_quote/users_old",
       {{"UPDATE users SET full_name = overlay(coalesce(full_name, '?') placing '*' from 1 for 1) || "
         "quote_ident(coalesce(email, 'x')) || quote_literal(id)", {}, {}}}},
      {"builtin_extract_like_escape/users_old",
       {{"UPDATE users SET full_name = extract(year from timestamp '2024-05-01')::text || "
         "(coalesce(full_name, '') LIKE 'A!%' ESCAPE '!')::text", {}, {}}}},
      {"builtin_encode_ascii_array/users_old",
       {{"UPDATE users SET full_name = encode(convert_to(coalesce(full_name, ''), 'UTF8'), 'hex') || ascii('a') || "
         "(ARRAY['a', 'b'])[1] || array_to_string(ARRAY[id, id], '-')", {}, {}}}},
      {"builtin_similar_to/accounts_old",
       {{"UPDATE accounts SET include = CASE WHEN name SIMILAR TO 'acct [0-9]' THEN 'X' ELSE '' END", {}, {}}}},
      {"returning_system_columns/inovices",
       {{"UPDATE inovices SET note = 'sys' WHERE id = 1 RETURNING id, ctid IS NOT NULL AS located, "
         "tableoid::regclass AS tbl", {}, {}}}},
      {"returning_system_columns/legacy_items",
       {{"DELETE FROM legacy_items WHERE id = 2 RETURNING id, xmin IS NOT NULL AS versioned", {}, {}}}},
      {"error_position/users_old", {{"UPDATE users SET full_name = full_name + 1 WHERE id = 1", {}, {}}}},
      {"error_position/inovices", {{"INSERT INTO inovices (id, customer, amount) VALUES (80, 'c', 'lots')", {}, {}}}},
      {"set_row_from_select/users_old",
       {{"UPDATE users SET (full_name, email) = (SELECT name, mail FROM people WHERE people.id = users.id) "
         "WHERE id IN (2, 4)", {}, {}}}},
      {"set_subselect/accounts_old",
       {{"UPDATE accounts SET include = (SELECT CASE WHEN count(*) > 0 THEN 'X' ELSE '' END FROM people "
         "WHERE people.id = accounts.aid)", {}, {}}}},
      {"insert_default_values/accounts_old", {{"INSERT INTO accounts DEFAULT VALUES RETURNING aid, id, include_bool", {}, {}}}},
      {"server_side_function/users_old",
       {{"CREATE FUNCTION pg_temp.rename_user(int, text) RETURNS void LANGUAGE sql AS "
         "'UPDATE users SET full_name = $2 WHERE id = $1'", {}, {}},
        {"SELECT pg_temp.rename_user(1, 'Renamed by a function')", {}, {}},
        {"DROP FUNCTION pg_temp.rename_user(int, text)", {}, {}}}},
      {"do_block/users_old",
       {{"DO $$ BEGIN UPDATE users SET full_name = 'Renamed in DO' WHERE id = 2; END $$", {}, {}}}},
      {"standard_conforming_strings_off/users_old",
       {{"SET standard_conforming_strings = off", {}, {}},
        {"UPDATE users SET full_name = 'O\\'Brien' WHERE id = 1", {}, {}},
        {"RESET standard_conforming_strings", {}, {}}}},
      // MERGE over both shapes of one table, its conditions and ON clause naming old and new columns.
      {"merge_conditions_both_shapes/users_old",
       {{"MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED AND t.display_name IS NOT NULL AND "
         "t.full_name <> p.name THEN UPDATE SET full_name = p.name || ' (' || coalesce(p.mail, '-') || ')' "
         "WHEN NOT MATCHED THEN INSERT (id, full_name, email) VALUES (p.id, p.name, p.mail)", {}, {}}}},
      {"merge_on_old_column/users_new",
       {{"MERGE INTO users t USING (VALUES ('Alan Turing', 'Renamed')) s(old, new) ON t.full_name = s.old "
         "WHEN MATCHED THEN UPDATE SET display_name = s.new", {}, {}}}},
      {"merge_default_values/users_old",
       {{"MERGE INTO users t USING (SELECT 99 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT DEFAULT VALUES", {}, {}}}},
      {"merge_with_cte_both_migrations/accounts_old",
       {{"WITH src AS (SELECT id, name FROM people) MERGE INTO accounts a USING src s ON a.aid = s.id "
         "WHEN MATCHED THEN UPDATE SET include = CASE WHEN a.include_bool THEN '' ELSE 'X' END, aid = a.aid + 50 "
         "WHEN NOT MATCHED THEN INSERT (aid, include, name) VALUES (s.id, DEFAULT, s.name)", {}, {}}}},
      {"merge_insert_serial/accounts_old",
       {{"MERGE INTO accounts a USING people p ON a.name = p.name WHEN NOT MATCHED THEN INSERT (include, name) "
         "VALUES ('X', p.name)", {}, {}}}},
      {"update_where_current_of/users_old",
       {{"BEGIN", {}, {}}, {"DECLARE c CURSOR FOR SELECT id FROM users WHERE id = 2 FOR UPDATE", {}, {}},
        {"FETCH c", {}, {}}, {"UPDATE users SET full_name = 'Cursor' WHERE CURRENT OF c", {}, {}}, {"COMMIT", {}, {}}}},
  };
}

}  // namespace

const std::vector<Case>& hand_written_cases() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> out;
    for (const Template& tp : templates()) {
      for (const Target& t : targets()) {
        Case c{tp.name + "/" + t.name, {}, tp.copy ? t.copy_line + "\\.\n" : "", tp.simple_only};
        for (const std::string& s : tp.statements) {
          const bool params = tp.with_params && s.find('$') != std::string::npos;
          c.statements.push_back({instantiate(s, t), params ? t.params : std::vector<std::optional<std::string>>{},
                                  params ? t.types : std::vector<Oid>{}});
        }
        out.push_back(std::move(c));
      }
    }
    for (Case& c : single_cases()) out.push_back(std::move(c));
    return out;
  }();
  return cases;
}

const std::vector<std::string>& migrated_tables() {
  static const std::vector<std::string> names = {"users", "accounts", "inovices", "invoices", "legacy_items", "items"};
  return names;
}

std::string shape_of(const std::string& sql) {
  static const std::regex literal(R"('(?:[^']|'')*')");
  static const std::regex number(R"(\b\d+(\.\d+)?\b)");
  static const std::regex placeholder(R"(\$\d+|%\(\w+\)s|%s|\?)");
  static const std::regex space(R"(\s+)");
  static const std::regex lists(R"(\?(\s*,\s*\?)+)");
  static const std::regex rows(R"(\(\?\)(\s*,\s*\(\?\))+)");
  static const std::regex savepoint(R"(\b(SAVEPOINT|RELEASE|ROLLBACK TO)\s+(SAVEPOINT\s+)?("[^"]*"|\w+))",
                                    std::regex::icase);
  std::string s = std::regex_replace(sql, savepoint, "$1 SAVEPOINT ?");
  s = std::regex_replace(s, literal, "?");
  s = std::regex_replace(s, placeholder, "?");
  s = std::regex_replace(s, number, "?");
  s = std::regex_replace(s, lists, "?");
  s = std::regex_replace(s, rows, "(?)");
  s = std::regex_replace(s, space, " ");
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return s;
}

bool writes_migrated_table(const std::string& sql) {
  static const std::regex write(R"(\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO|COPY|TRUNCATE)\b)", std::regex::icase);
  static const std::regex lock(R"(\bFOR\s+(NO\s+KEY\s+)?UPDATE\b)", std::regex::icase);  // a read
  if (!std::regex_search(std::regex_replace(sql, lock, ""), write)) return false;
  for (const std::string& table : migrated_tables()) {
    const std::regex name("(^|[^A-Za-z0-9_])\"?" + table + "\"?($|[^A-Za-z0-9_])", std::regex::icase);
    if (std::regex_search(sql, name)) return true;
  }
  return false;
}

}  // namespace switchyard::test_support::differential
