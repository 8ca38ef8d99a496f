// The write forms the equivalence test runs: each statement as an application writes it (sent
// through switchyard), beside the statement a developer would write by hand to keep both shapes
// (sent to PostgreSQL directly), over the seeds' users and accounts tables. Both take the same
// parameters.
#pragma once

#include <string>
#include <vector>

#include "tests/support/statement_runner.h"

namespace switchyard::test_support {

struct EquivalenceCase {
  std::string name;
  Statement application;  // through switchyard; `types` are declared in the typed run
  std::string by_hand;    // directly, with the same parameters
  bool volatile_values = false;  // compare the invariants, not the values
  bool simple_only = false;      // several statements: the simple protocol only
};

inline const std::vector<EquivalenceCase>& equivalence_cases() {
  constexpr Oid I = kInt4Oid, T = kTextOid, B = kBoolOid, C = kBpcharOid;
  static const std::vector<EquivalenceCase> cases = {
      {"InsertOneRow", {"INSERT INTO users (id, full_name) VALUES ($1, $2)", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2)"},
      {"InsertManyRows",
       {"INSERT INTO users (id, full_name, email) VALUES ($1, $2, 'b@example.com'), (11, 'Ken Thompson', NULL), (12, NULL, $3)",
        {"10", "Barbara Liskov", "k@example.com"}, {I, T, T}},
       "INSERT INTO users (id, full_name, email, display_name) VALUES ($1, $2, 'b@example.com', $2), "
       "(11, 'Ken Thompson', NULL, 'Ken Thompson'), (12, NULL, $3, NULL)"},
      {"InsertDefault", {"INSERT INTO users (id, full_name, email) VALUES (10, DEFAULT, $1)", {"d@example.com"}, {T}},
       "INSERT INTO users (id, full_name, email, display_name) VALUES (10, DEFAULT, $1, NULL)"},
      {"InsertDefaultSerialKey",
       {"INSERT INTO accounts (aid, include, name) VALUES (DEFAULT, $1, DEFAULT) RETURNING aid, id, include_bool", {"X"}, {C}},
       "INSERT INTO accounts (aid, include, name, include_bool, id) SELECT n, $1::bpchar, 'unnamed', "
       "CASE WHEN $1::bpchar = 'X' THEN true ELSE false END, n FROM nextval('accounts_aid_seq') AS n "
       "RETURNING aid, id, include_bool"},
      {"InsertWithImplicitColumnList", {"INSERT INTO users VALUES ($1, $2)", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2)"},
      {"InsertOfBothShapesIsLeftAsWritten",
       {"INSERT INTO users VALUES (10, 'Barbara Liskov', $1, 'Barbara')", {"b@example.com"}, {T}},
       "INSERT INTO users VALUES (10, 'Barbara Liskov', $1, 'Barbara')"},
      {"InsertNewShape", {"INSERT INTO users (id, display_name) VALUES ($1, $2)", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, display_name, full_name) VALUES ($1, $2, $2)"},
      {"InsertSelect",
       {"INSERT INTO users (id, full_name, email) SELECT id + 10, name, mail FROM people WHERE id > $1", {"3"}, {I}},
       "INSERT INTO users (id, full_name, email, display_name) SELECT id + 10, name, mail, name FROM people WHERE id > $1"},
      // The rewrite moves the SELECT into a sub-select, where PostgreSQL would infer an undeclared
      // $1 as text; the rewriter casts untyped outputs to their columns so Describe still says int4.
      {"InsertSelectOfParameters",
       {"INSERT INTO users (id, full_name) SELECT $1, $2", {"10", "Frances Allen"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) SELECT $1::int, $2::text, $2::text"},
      {"InsertOnConflictDoNothing",
       {"INSERT INTO users (id, full_name) VALUES (1, $1), (10, $2) ON CONFLICT DO NOTHING",
        {"Ada King", "Barbara Liskov"}, {T, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES (1, $1, $1), (10, $2, $2) ON CONFLICT DO NOTHING"},
      {"InsertOnConflictDoUpdateReturning",
       {"INSERT INTO users (id, full_name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name "
        "RETURNING id, full_name, display_name",
        {"2", "Alan M. Turing"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2) ON CONFLICT (id) DO UPDATE "
       "SET full_name = EXCLUDED.full_name, display_name = EXCLUDED.full_name RETURNING id, full_name, display_name"},
      {"InsertOnConflictUpdateFromOtherColumns",
       {"INSERT INTO users AS u (id, full_name) VALUES ($1, 'ignored') ON CONFLICT (id) DO UPDATE "
        "SET full_name = u.full_name || ' (' || EXCLUDED.full_name || ')' WHERE u.email IS NOT NULL RETURNING *",
        {"1"}, {I}},
       "INSERT INTO users AS u (id, full_name, display_name) VALUES ($1, 'ignored', 'ignored') ON CONFLICT (id) DO UPDATE "
       "SET full_name = u.full_name || ' (' || EXCLUDED.full_name || ')', "
       "display_name = u.full_name || ' (' || EXCLUDED.full_name || ')' WHERE u.email IS NOT NULL RETURNING *"},
      {"InsertReturningStar",
       {"INSERT INTO users (id, full_name) VALUES ($1, $2) RETURNING *", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2) RETURNING *"},
      {"UpdateFromOtherColumns",
       {"UPDATE users SET full_name = full_name || ' <' || coalesce(email, $1) || '>' WHERE id <= 2", {"?"}, {T}},
       "UPDATE users SET full_name = full_name || ' <' || coalesce(email, $1) || '>', "
       "display_name = full_name || ' <' || coalesce(email, $1) || '>' WHERE id <= 2"},
      {"UpdateMultiColumnSet",
       {"UPDATE users SET (full_name, email) = ($1, $2) WHERE id = 1", {"Augusta Ada King", "countess@example.com"}, {T, T}},
       "UPDATE users SET (full_name, email, display_name) = ($1, $2, $1) WHERE id = 1"},
      {"UpdateFrom",
       {"UPDATE users u SET full_name = p.name FROM people p WHERE p.id = u.id RETURNING u.*", {}, {}},
       "UPDATE users u SET full_name = p.name, display_name = p.name FROM people p WHERE p.id = u.id RETURNING u.*"},
      {"UpdateNewShape",
       {"UPDATE users SET display_name = $1 WHERE id = $2", {"Alan Mathison Turing", "2"}, {T, I}},
       "UPDATE users SET display_name = $1, full_name = $1 WHERE id = $2"},
      {"UpdateOfAnotherColumnOnly",
       {"UPDATE users SET email = $1 WHERE id = 2 RETURNING full_name, display_name", {"alan@example.com"}, {T}},
       "UPDATE users SET email = $1 WHERE id = 2 RETURNING full_name, display_name"},
      {"UpdateToDefault", {"UPDATE users SET full_name = DEFAULT WHERE id = $1", {"1"}, {I}},
       "UPDATE users SET full_name = DEFAULT, display_name = NULL WHERE id = $1"},
      {"DeleteUsingReturning",
       {"DELETE FROM users u USING people p WHERE p.id = u.id RETURNING u.id, u.full_name, u.display_name, p.name", {}, {}},
       "DELETE FROM users u USING people p WHERE p.id = u.id RETURNING u.id, u.full_name, u.display_name, p.name"},
      {"DeleteReturning", {"DELETE FROM users WHERE full_name = $1 RETURNING *", {"Ada Lovelace"}, {T}},
       "DELETE FROM users WHERE full_name = $1 RETURNING *"},
      {"UpdateInsideCte",
       {"WITH changed AS (UPDATE users SET full_name = upper(full_name) WHERE id = $1 RETURNING id, full_name) "
        "SELECT * FROM changed",
        {"1"}, {I}},
       "WITH changed AS (UPDATE users SET full_name = upper(full_name), display_name = upper(full_name) WHERE id = $1 "
       "RETURNING id, full_name) SELECT * FROM changed"},
      {"InsertInsideCte",
       {"WITH added AS (INSERT INTO users (id, full_name) SELECT id + 20, name FROM people RETURNING id) "
        "SELECT count(*) FROM added",
        {}, {}},
       "WITH added AS (INSERT INTO users (id, full_name, display_name) SELECT id + 20, name, name FROM people RETURNING id) "
       "SELECT count(*) FROM added"},
      {"MultiStatementQuery",
       {"INSERT INTO users (id, full_name) VALUES (10, 'Barbara Liskov'); SELECT 1; "
        "UPDATE users SET full_name = 'Alan Turing, OBE' WHERE id = 2; "
        "UPDATE accounts SET include = '' WHERE aid = 1 RETURNING *",
        {}, {}},
       "INSERT INTO users (id, full_name, display_name) VALUES (10, 'Barbara Liskov', 'Barbara Liskov'); SELECT 1; "
       "UPDATE users SET full_name = 'Alan Turing, OBE', display_name = 'Alan Turing, OBE' WHERE id = 2; "
       "UPDATE accounts SET include = '', include_bool = false WHERE aid = 1 RETURNING *",
       false, true},
      {"QuotedIdentifiers",
       {R"(INSERT INTO "users" ("id", "full_name") VALUES ($1, $2))", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2)"},
      {"UpperCaseIdentifiers", {"UPDATE USERS SET FULL_NAME = $1 WHERE ID = 3", {"Nobody"}, {T}},
       "UPDATE users SET full_name = $1, display_name = $1 WHERE id = 3"},
      {"SchemaQualifiedInsert",
       {"INSERT INTO public.users (id, full_name) VALUES ($1, $2)", {"10", "Barbara Liskov"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2)"},
      {"QuotedSchemaQualifiedUpdate",
       {R"(UPDATE "public"."users" SET "full_name" = $1 WHERE "id" = 3)", {"Nobody"}, {T}},
       "UPDATE users SET full_name = $1, display_name = $1 WHERE id = 3"},
      {"InsertOldShapeOfAccounts",
       {"INSERT INTO accounts (include, name) VALUES ($1, $2), ('', 'loan')", {"X", "brokerage"}, {C, T}},
       "INSERT INTO accounts (aid, include, name, include_bool, id) VALUES "
       "(nextval('accounts_aid_seq'), $1::bpchar, $2, CASE WHEN $1::bpchar = 'X' THEN true ELSE false END, "
       "currval('accounts_aid_seq')), "
       "(nextval('accounts_aid_seq'), '', 'loan', false, currval('accounts_aid_seq'))"},
      {"InsertNewShapeOfAccounts",
       {"INSERT INTO accounts (aid, include_bool, name) VALUES ($1, $2, 'joint')", {"7", "true"}, {I, B}},
       "INSERT INTO accounts (aid, include_bool, name, include, id) VALUES ($1, $2, 'joint', "
       "CASE WHEN $2::bool THEN 'X' ELSE '' END, $1::int)"},
      {"InsertAccountWithItsKey", {"INSERT INTO accounts (aid, include) VALUES ($1, '')", {"7"}, {I}},
       "INSERT INTO accounts (aid, include, include_bool, id) VALUES ($1, '', false, $1)"},
      {"UpdateNewShapeOfAccounts",
       {"UPDATE accounts SET include_bool = $1 WHERE aid = $2 RETURNING include, include_bool", {"true", "2"}, {B, I}},
       "UPDATE accounts SET include_bool = $1, include = CASE WHEN $1::bool THEN 'X' ELSE '' END WHERE aid = $2 "
       "RETURNING include, include_bool"},
      {"UpdateAccountKey", {"UPDATE accounts SET aid = aid + $1 WHERE aid = 3", {"100"}, {I}},
       "UPDATE accounts SET aid = aid + $1, id = aid + $1 WHERE aid = 3"},
      {"ExplicitNextval",
       {"INSERT INTO accounts (aid, include, name) VALUES (nextval('accounts_aid_seq'), $1, 'first'), "
        "(nextval('accounts_aid_seq'), '', 'second') RETURNING aid, id",
        {"X"}, {C}},
       "INSERT INTO accounts (aid, include, name, include_bool, id) VALUES "
       "(nextval('accounts_aid_seq'), $1::bpchar, 'first', CASE WHEN $1::bpchar = 'X' THEN true ELSE false END, "
       "currval('accounts_aid_seq')), "
       "(nextval('accounts_aid_seq'), '', 'second', false, currval('accounts_aid_seq')) RETURNING aid, id"},
      {"VolatileValues",
       {"INSERT INTO users (id, full_name) VALUES (10, random()::text), ($1, md5(clock_timestamp()::text))", {"11"}, {I}},
       "INSERT INTO users (id, full_name, display_name) SELECT id, v, v "
       "FROM (VALUES (10, random()::text), ($1::int, md5(clock_timestamp()::text))) AS t(id, v)",
       true},
      {"UniqueViolation", {"INSERT INTO users (id, full_name) VALUES ($1, $2)", {"1", "Duplicate"}, {I, T}},
       "INSERT INTO users (id, full_name, display_name) VALUES ($1, $2, $2)"},
      // The aid is given: with a serial default the rewrite's sub-select calls nextval() before
      // the value fails its length check, so a failed INSERT advances the sequence where
      // PostgreSQL alone would not (docs/migrations.md, known limits). Here: same error, same rows.
      {"ValueTooLong", {"INSERT INTO accounts (aid, include, name) VALUES (50, $1, 'too long')", {"XY"}, {C}},
       "INSERT INTO accounts (aid, include, name, include_bool, id) VALUES (50, $1, 'too long', "
       "CASE WHEN $1::bpchar = 'X' THEN true ELSE false END, 50)"},
      // Sub-selects in SET and VALUES (issue 10), as ORMs write them. A non-volatile sub-select is
      // evaluated again for the mirror (one snapshot: the same value); a volatile one once, and as
      // often as PostgreSQL alone evaluates it (once per row, or once per statement when it is
      // uncorrelated: the harness compares the number of distinct names).
      {"UpdateDjangoCorrelatedSubquery",
       {R"(UPDATE "users" SET "full_name" = (SELECT U0."name" FROM "people" U0 WHERE U0."id" = ("users"."id") LIMIT 1) )"
        R"(WHERE "users"."id" IN ($1, $2))",
        {"1", "2"}, {I, I}},
       "UPDATE users SET (full_name, display_name) = (SELECT name, name FROM people WHERE people.id = users.id) "
       "WHERE id IN ($1, $2)"},
      {"UpdateSqlalchemyScalarSubquery",
       {"UPDATE users SET full_name=(SELECT max(people.name) AS max_1 FROM people) WHERE users.id = $1", {"3"}, {I}},
       "UPDATE users SET (full_name, display_name) = (SELECT max(name), max(name) FROM people) WHERE id = $1"},
      {"UpdateActiveRecordSubselectReturning",
       {R"(UPDATE "users" SET full_name = (SELECT name FROM people WHERE people.id = users.id) RETURNING id, full_name, display_name)",
        {}, {}},
       "UPDATE users SET full_name = (SELECT name FROM people WHERE people.id = users.id), "
       "display_name = (SELECT name FROM people WHERE people.id = users.id) RETURNING id, full_name, display_name"},
      {"UpdateVolatileCorrelatedSubselect",
       {"UPDATE users SET full_name = (SELECT name || random()::text FROM people WHERE people.id = users.id + $1)",
        {"0"}, {I}},
       "UPDATE users SET (full_name, display_name) = (SELECT v, v FROM (SELECT (SELECT name || random()::text FROM people "
       "WHERE people.id = users.id + $1)) s(v))",
       true},
      {"UpdateVolatileUncorrelatedSubselect", {"UPDATE users SET full_name = (SELECT random()::text)", {}, {}},
       "UPDATE users SET (full_name, display_name) = (SELECT v, v FROM (SELECT random()::text) s(v))", true},
      {"UpdateVolatileValue", {"UPDATE users SET full_name = gen_random_uuid()::text WHERE id <= $1", {"3"}, {I}},
       "UPDATE users SET (full_name, display_name) = (SELECT v, v FROM (SELECT gen_random_uuid()::text) s(v) "
       "WHERE users.id IS NOT NULL) WHERE id <= $1",
       true},
      {"UpdateMultiColumnSubselect",
       {"UPDATE users SET (full_name, email) = (SELECT name, mail FROM people WHERE people.id = users.id) WHERE id >= $1",
        {"2"}, {I}},
       "UPDATE users SET (full_name, email, display_name) = (SELECT name, mail, name FROM people WHERE people.id = users.id) "
       "WHERE id >= $1"},
      {"UpdateMultiColumnVolatileSubselect",
       {"UPDATE users SET (email, full_name) = (SELECT mail, name || random() FROM people ORDER BY id LIMIT 1)", {}, {}},
       "UPDATE users SET (email, full_name, display_name) = (SELECT m, v, v FROM "
       "(SELECT mail, name || random() FROM people ORDER BY id LIMIT 1) s(m, v))",
       true},
      {"UpdateMultiColumnRow",
       {"UPDATE users SET (full_name, email) = ROW($1, $2) WHERE id = 1", {"Ada King", "king@example.com"}, {T, T}},
       "UPDATE users SET full_name = $1, email = $2, display_name = $1 WHERE id = 1"},
      {"UpdateMultiColumnRowVolatile",
       {"UPDATE users SET (full_name, email) = (md5(random()::text), $1) WHERE id <= 2", {"e@example.com"}, {T}},
       "UPDATE users SET (full_name, email, display_name) = (SELECT v, $1, v FROM (SELECT md5(random()::text)) s(v) "
       "WHERE users.id IS NOT NULL) WHERE id <= 2",
       true},
      {"UpdateChangeColumnFromSubselect",
       {"UPDATE accounts SET include = (SELECT CASE WHEN count(*) > 1 THEN 'X' ELSE '' END FROM people "
        "WHERE people.id <= accounts.aid + $1) RETURNING aid, include, include_bool",
        {"1"}, {I}},
       "UPDATE accounts SET (include, include_bool) = (SELECT v, v = 'X' FROM (SELECT CASE WHEN count(*) > 1 THEN 'X' "
       "ELSE '' END FROM people WHERE people.id <= accounts.aid + $1) s(v)) RETURNING aid, include, include_bool"},
      {"UpdateChangeColumnVolatile",
       {"UPDATE accounts SET include = CASE WHEN random() < 0.5 THEN 'X' ELSE '' END", {}, {}},
       "UPDATE accounts SET (include, include_bool) = (SELECT v, v = 'X' FROM "
       "(SELECT CASE WHEN random() < 0.5 THEN 'X' ELSE '' END) s(v) WHERE accounts.aid IS NOT NULL)",
       true},
      {"UpdateSerialKeyToDefault", {"UPDATE accounts SET aid = DEFAULT WHERE aid = $1 RETURNING aid, id", {"2"}, {I}},
       "UPDATE accounts SET (aid, id) = (SELECT n, n FROM nextval('accounts_aid_seq') n) WHERE aid = $1 RETURNING aid, id"},
      {"InsertOnConflictUpdateFromSubselect",
       {"INSERT INTO users AS u (id, full_name) VALUES ($1, 'x') ON CONFLICT (id) DO UPDATE "
        "SET full_name = (SELECT name FROM people WHERE people.id = u.id) RETURNING *",
        {"2"}, {I}},
       "INSERT INTO users AS u (id, full_name, display_name) VALUES ($1, 'x', 'x') ON CONFLICT (id) DO UPDATE "
       "SET (full_name, display_name) = (SELECT name, name FROM people WHERE people.id = u.id) RETURNING *"},
      {"InsertOnConflictUpdateVolatile",
       {"INSERT INTO users (id, full_name) VALUES (1, 'a'), ($1, 'b') ON CONFLICT (id) DO UPDATE "
        "SET full_name = excluded.full_name || random()",
        {"10"}, {I}},
       "INSERT INTO users (id, full_name, display_name) VALUES (1, 'a', 'a'), ($1, 'b', 'b') ON CONFLICT (id) DO UPDATE "
       "SET (full_name, display_name) = (SELECT v, v FROM (SELECT excluded.full_name || random()) s(v))",
       true},
      {"InsertValuesSubselect",
       {"INSERT INTO users (id, full_name) VALUES ($1, (SELECT name FROM people WHERE id = 2))", {"10"}, {I}},
       "INSERT INTO users (id, full_name, display_name) SELECT $1, name, name FROM people WHERE id = 2"},
      {"InsertValuesVolatileSubselect",
       {"INSERT INTO users (id, full_name) VALUES (10, (SELECT name || random() FROM people ORDER BY id LIMIT 1)), "
        "($1, (SELECT name || random() FROM people ORDER BY id LIMIT 1))",
        {"11"}, {I}},
       "INSERT INTO users (id, full_name, display_name) SELECT id, v, v FROM (VALUES "
       "(10, (SELECT name || random() FROM people ORDER BY id LIMIT 1)), "
       "($1::int, (SELECT name || random() FROM people ORDER BY id LIMIT 1))) t(id, v)",
       true},
      // DEFAULT VALUES (SQLAlchemy's insert() without values; ActiveRecord's create without
      // attributes): the mirrors take what a trigger would give them after the defaults.
      {"InsertDefaultValuesSerial",
       {R"(INSERT INTO "accounts" DEFAULT VALUES RETURNING "aid", include, name, include_bool, id)", {}, {}},
       "INSERT INTO accounts (aid, include_bool, id) SELECT n, false, n FROM nextval('accounts_aid_seq') n "
       "RETURNING aid, include, name, include_bool, id"},
      {"InsertDefaultValuesNotNullViolation", {"INSERT INTO users DEFAULT VALUES RETURNING *", {}, {}},
       "INSERT INTO users DEFAULT VALUES RETURNING *"},
      // The two-table kinds: the original write moves into a CTE unchanged, so each value is
      // computed once by it. The oracle is B's triggers: the hand-written statement is the same.
      {"TableUpdateFromCorrelatedSubselect",
       {"UPDATE inovices SET note = (SELECT max(note) FROM inovices i2 WHERE i2.id <> inovices.id) WHERE id <= $1 "
        "RETURNING id, note",
        {"2"}, {I}},
       "UPDATE inovices SET note = (SELECT max(note) FROM inovices i2 WHERE i2.id <> inovices.id) WHERE id <= $1 "
       "RETURNING id, note"},
      {"TableUpdateMultiColumnVolatileSubselect",
       {"UPDATE inovices SET (customer, note) = (SELECT 'c' || i.id, left(md5(random()::text), 8) FROM inovices i "
        "WHERE i.id = inovices.id)",
        {}, {}},
       "UPDATE inovices SET (customer, note) = (SELECT 'c' || i.id, left(md5(random()::text), 8) FROM inovices i "
       "WHERE i.id = inovices.id)",
       true},
      {"TableInsertDefaultValues", {"INSERT INTO legacy_accounts DEFAULT VALUES RETURNING *", {}, {}},
       "INSERT INTO legacy_accounts DEFAULT VALUES RETURNING *"},
      {"TableCopyUpdateFromSubselect",
       {"UPDATE legacy_accounts SET (name, accttype) = (SELECT customer, 'CHECKING' FROM inovices WHERE inovices.id = "
        "legacy_accounts.id + $1)",
        {"1"}, {I}},
       "UPDATE legacy_accounts SET (name, accttype) = (SELECT customer, 'CHECKING' FROM inovices WHERE inovices.id = "
       "legacy_accounts.id + $1)"},
      // MERGE: each action mirrored as the UPDATE or INSERT it stands for (rewrite/pg/merge_writes.h).
      {"MergeUpsertParams",
       {"MERGE INTO users t USING (SELECT $1::int AS id, $2::text AS name) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET full_name = s.name WHEN NOT MATCHED THEN INSERT (id, full_name) VALUES (s.id, s.name)",
        {"2", "Alan M. Turing"}, {I, T}},
       "MERGE INTO users t USING (SELECT $1::int AS id, $2::text AS name) s ON t.id = s.id "
       "WHEN MATCHED THEN UPDATE SET full_name = s.name, display_name = s.name "
       "WHEN NOT MATCHED THEN INSERT (id, full_name, display_name) VALUES (s.id, s.name, s.name)"},
      {"MergeValuesSourceEveryAction",
       {"MERGE INTO users t USING (VALUES (1, 'Ada King'), (2, 'Alan'), (10, $1)) s(id, name) ON t.id = s.id "
        "WHEN MATCHED AND t.email IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET full_name = s.name "
        "WHEN NOT MATCHED THEN INSERT (id, full_name) VALUES (s.id, s.name)",
        {"Barbara Liskov"}, {T}},
       "MERGE INTO users t USING (VALUES (1, 'Ada King'), (2, 'Alan'), (10, $1)) s(id, name) ON t.id = s.id "
       "WHEN MATCHED AND t.email IS NULL THEN DELETE WHEN MATCHED THEN UPDATE SET full_name = s.name, display_name = s.name "
       "WHEN NOT MATCHED THEN INSERT (id, full_name, display_name) VALUES (s.id, s.name, s.name)"},
      {"MergeNewShapedColumnAndCondition",
       {"MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED AND NOT a.include_bool THEN "
        "UPDATE SET include_bool = p.mail IS NOT NULL", {}, {}},
       "MERGE INTO accounts a USING people p ON a.aid = p.id WHEN MATCHED AND NOT a.include_bool THEN "
       "UPDATE SET include_bool = p.mail IS NOT NULL, include = CASE WHEN p.mail IS NOT NULL THEN 'X' ELSE '' END"},
      {"MergeInsertGivenKey",
       {"MERGE INTO accounts a USING (SELECT $1::int AS aid, $2::bpchar AS include) s ON a.aid = s.aid "
        "WHEN NOT MATCHED THEN INSERT (aid, include) VALUES (s.aid, s.include)",
        {"20", "X"}, {I, C}},
       "MERGE INTO accounts a USING (SELECT $1::int AS aid, $2::bpchar AS include) s ON a.aid = s.aid "
       "WHEN NOT MATCHED THEN INSERT (aid, include, include_bool, id) "
       "VALUES (s.aid, s.include, CASE WHEN s.include = 'X' THEN true ELSE false END, s.aid)"},
      {"MergeSetSubselect",
       {"MERGE INTO users t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN "
        "UPDATE SET full_name = (SELECT name FROM people WHERE people.id = t.id)", {}, {}},
       "MERGE INTO users t USING (SELECT 2 AS id) s ON t.id = s.id WHEN MATCHED THEN "
       "UPDATE SET full_name = (SELECT name FROM people WHERE people.id = t.id), "
       "display_name = (SELECT name FROM people WHERE people.id = t.id)"},
      {"MergeVolatileSet",
       {"MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN UPDATE SET full_name = p.name || random()",
        {}, {}},
       "MERGE INTO users t USING people p ON t.id = p.id WHEN MATCHED THEN "
       "UPDATE SET (full_name, display_name) = (SELECT v, v FROM (SELECT p.name || random()) s(v))",
       true},
  };
  return cases;
}

}  // namespace switchyard::test_support
