// The MySQL parser and printer, form by form: each statement parses, prints as written in the
// table (canonical keywords, single spaces, only the parentheses precedence needs) and parses
// back to the same tree; precedence is checked on the tree's shape; errors say what and where.
#include "rewrite/mysql/parser.h"

#include <gtest/gtest.h>

#include "rewrite/mysql/printer.h"
#include "tests/rewrite/mysql/round_trip.h"

namespace switchyard::rewrite::mysql {
namespace {

struct PrintCase {
  const char* sql;
  const char* printed;  // nullptr: prints as written
};

void PrintTo(const PrintCase& c, std::ostream* os) { *os << c.sql; }

class MysqlStatementForms : public ::testing::TestWithParam<PrintCase> {};

TEST_P(MysqlStatementForms, ParsePrintParseGivesTheSameTree) {
  const PrintCase& c = GetParam();
  std::string printed;
  EXPECT_EQ(testing::round_trip_failure(c.sql, {}, &printed), "") << c.sql;
  EXPECT_EQ(printed, c.printed != nullptr ? c.printed : c.sql);
}

const PrintCase kForms[] = {
    // INSERT / REPLACE
    {"INSERT INTO t (a, b) VALUES (1, 2), (3, 4)", nullptr},
    {"insert into t(a,b) value (1,2)", "INSERT INTO t (a, b) VALUES (1, 2)"},
    {"INSERT t VALUES (1)", "INSERT INTO t VALUES (1)"},
    {"INSERT LOW_PRIORITY IGNORE INTO t VALUES (1)", nullptr},
    {"INSERT DELAYED INTO t VALUES (1)", nullptr},
    {"INSERT HIGH_PRIORITY INTO t VALUES (1)", nullptr},
    {"INSERT INTO t () VALUES ()", nullptr},
    {"INSERT INTO t VALUES (DEFAULT, ?, NULL)", nullptr},
    {"INSERT INTO t SET a = 1, b = DEFAULT", nullptr},
    {"INSERT INTO t (a) SELECT b FROM u WHERE c > 1", nullptr},
    {"INSERT INTO t (a) (SELECT b FROM u)", "INSERT INTO t (a) SELECT b FROM u"},
    {"INSERT INTO t (a, b) VALUES (1, 2) ON DUPLICATE KEY UPDATE b = VALUES(b), a = a + 1", nullptr},
    {"INSERT INTO t (a, b) VALUES (1, 2) AS new ON DUPLICATE KEY UPDATE b = new.b", nullptr},
    {"INSERT INTO t (a, b) VALUES (1, 2) AS new (x, y) ON DUPLICATE KEY UPDATE b = x + y", nullptr},
    {"INSERT INTO t SET a = 1 AS new ON DUPLICATE KEY UPDATE a = new.a", nullptr},
    {"INSERT INTO t (a) SELECT a FROM u ON DUPLICATE KEY UPDATE a = VALUES(a) + 1", nullptr},
    {"INSERT INTO t (a) VALUES (1) RETURNING id, a AS x", nullptr},
    {"REPLACE INTO t (a) VALUES (1)", nullptr},
    {"REPLACE LOW_PRIORITY INTO t SET a = 1", nullptr},
    {"REPLACE INTO t SELECT * FROM u RETURNING *", nullptr},
    {"INSERT INTO db.t (t.a) VALUES (1)", nullptr},
    // UPDATE
    {"UPDATE t SET a = 1 WHERE id = ?", nullptr},
    {"UPDATE LOW_PRIORITY IGNORE t SET a = a + 1 ORDER BY b DESC LIMIT 5", nullptr},
    {"UPDATE t AS x SET x.a = 1", nullptr},
    {"UPDATE t SET a := 1", "UPDATE t SET a = 1"},
    {"UPDATE t SET a = b = c", nullptr},
    {"UPDATE t1 JOIN t2 ON t1.id = t2.id SET t1.a = t2.b WHERE t2.c IS NOT NULL", nullptr},
    {"UPDATE t1, t2 SET t1.a = t2.a WHERE t1.id = t2.id", nullptr},
    {"UPDATE t SET a = DEFAULT", nullptr},
    // DELETE
    {"DELETE FROM t WHERE id = ?", nullptr},
    {"DELETE LOW_PRIORITY QUICK IGNORE FROM t WHERE a > 1 ORDER BY a LIMIT 10", nullptr},
    {"DELETE FROM t AS x WHERE x.a = 1", nullptr},
    {"DELETE FROM t WHERE a = 1 RETURNING a, b", nullptr},
    {"DELETE t1 FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t2.id IS NULL", nullptr},
    {"DELETE t1.*, t2 FROM t1 JOIN t2 ON t1.a = t2.a", nullptr},
    {"DELETE FROM t1, t2 USING t1 INNER JOIN t2 INNER JOIN t3 WHERE t1.id = t2.id", nullptr},
    // TRUNCATE
    {"TRUNCATE TABLE t", nullptr},
    {"TRUNCATE db.t", nullptr},
    // SELECT
    {"SELECT 1", nullptr},
    {"select c from sbtest1 where id=?", "SELECT c FROM sbtest1 WHERE id = ?"},
    {"SELECT a, b AS x, t.*, db.t.* FROM t", nullptr},
    {"SELECT a x, b 'y' FROM t", "SELECT a AS x, b AS 'y' FROM t"},
    {"SELECT DISTINCT HIGH_PRIORITY STRAIGHT_JOIN SQL_NO_CACHE SQL_CALC_FOUND_ROWS a FROM t", nullptr},
    {"SELECT a FROM t WHERE b = 1 GROUP BY a WITH ROLLUP HAVING COUNT(*) > 1 ORDER BY a DESC, b LIMIT 10", nullptr},
    {"SELECT a FROM t LIMIT 1, 2", nullptr},
    {"SELECT a FROM t LIMIT 2 OFFSET 1", nullptr},
    {"SELECT a FROM t LIMIT ?, ?", nullptr},
    {"SELECT * FROM t WHERE id = 1 FOR UPDATE", nullptr},
    {"SELECT * FROM t FOR UPDATE OF t NOWAIT", nullptr},
    {"SELECT * FROM t FOR SHARE SKIP LOCKED", nullptr},
    {"SELECT * FROM t FOR UPDATE WAIT 5", nullptr},
    {"SELECT * FROM t LOCK IN SHARE MODE", nullptr},
    {"SELECT * FROM t1, t2 JOIN t3 ON t2.a = t3.a", nullptr},
    {"SELECT * FROM (t1, t2) JOIN t3 ON t1.a = t3.a", nullptr},
    {"SELECT * FROM t1 JOIN (t2 JOIN t3 ON t2.a = t3.a) ON t1.a = t2.a", nullptr},
    {"SELECT * FROM t1 INNER JOIN t2 USING (a, b) LEFT OUTER JOIN t3 ON 1 RIGHT JOIN t4 USING (c)", nullptr},
    {"SELECT * FROM t1 NATURAL LEFT JOIN t2 STRAIGHT_JOIN t3 CROSS JOIN t4 NATURAL JOIN t5", nullptr},
    {"SELECT * FROM t USE INDEX (i1) IGNORE KEY FOR ORDER BY (i2) FORCE INDEX FOR JOIN (PRIMARY)", nullptr},
    {"SELECT * FROM (SELECT a FROM t) AS d (x) JOIN u ON u.x = d.x", nullptr},
    {"SELECT * FROM t, LATERAL (SELECT t.a) AS l", nullptr},
    {"SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 10", nullptr},
    {"SELECT 1 UNION DISTINCT SELECT 2 EXCEPT SELECT 3", nullptr},
    {"SELECT 1 UNION SELECT 2 INTERSECT SELECT 3", nullptr},
    {"SELECT 1 INTERSECT SELECT 2 UNION SELECT 3", nullptr},
    {"SELECT 1 UNION (SELECT 2 UNION SELECT 3)", nullptr},
    {"(SELECT a FROM t ORDER BY a LIMIT 1) UNION (SELECT b FROM u ORDER BY b LIMIT 1)", nullptr},
    {"(SELECT 1) ORDER BY 1", "SELECT 1 ORDER BY 1"},
    {"((SELECT 1 ORDER BY 1 LIMIT 1)) LIMIT 2", "(SELECT 1 ORDER BY 1 LIMIT 1) LIMIT 2"},
    {"WITH c AS (SELECT 1 AS x) SELECT x FROM c", nullptr},
    {"WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r", nullptr},
    {"WITH a AS (SELECT 1), b AS (SELECT 2) SELECT * FROM a, b", nullptr},
    {"SELECT * FROM t WHERE a IN (SELECT a FROM u UNION SELECT b FROM v)", nullptr},
    {"SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a) AND NOT EXISTS (SELECT 1)", nullptr},
    {"SELECT (SELECT MAX(a) FROM u) AS m FROM t", nullptr},
    {"SELECT a = ANY (SELECT b FROM u), a > ALL (SELECT b FROM u), a < SOME (SELECT 1)", nullptr},
    {"SELECT /*+ BKA(t) */ a FROM t /* c */ -- x", "SELECT a FROM t"},
    {"SELECT /*!40001 SQL_NO_CACHE */ a FROM t", "SELECT SQL_NO_CACHE a FROM t"},
    {"SELECT 1;", "SELECT 1"},
    {"SELECT `select`, `a``b` FROM `my db`.`t`", nullptr},
    {"SELECT t.order, 1abc FROM t", nullptr},
    // Expressions
    {"SELECT CASE WHEN a > 1 THEN 'x' WHEN a < 0 THEN 'z' ELSE 'y' END, CASE a WHEN 1 THEN 2 END", nullptr},
    {"SELECT CAST(a AS CHAR(10) CHARACTER SET utf8mb4), CAST(b AS DECIMAL(10,2)), CAST(c AS UNSIGNED)",
     "SELECT CAST(a AS CHAR(10) CHARACTER SET utf8mb4), CAST(b AS DECIMAL(10, 2)), CAST(c AS UNSIGNED)"},
    {"SELECT CONVERT(b, SIGNED), CONVERT(c USING utf8mb4)", nullptr},
    {"SELECT NOW(), d + INTERVAL 1 DAY, DATE_ADD(d, INTERVAL 2 HOUR), INTERVAL 1 DAY + d, d - INTERVAL '1:2' HOUR_MINUTE", nullptr},
    {"SELECT INTERVAL(1, 2, 3), INTERVAL (1 + 1) DAY + d", "SELECT INTERVAL(1, 2, 3), INTERVAL 1 + 1 DAY + d"},
    {"SELECT a COLLATE utf8mb4_bin, BINARY a, _utf8mb4'x', _binary X'0F', X'0F', 0x0f, b'01', 0b01, N'nat', 'a' 'b'",
     "SELECT a COLLATE utf8mb4_bin, BINARY a, _utf8mb4 'x', _binary X'0F', X'0F', 0x0f, b'01', 0b01, N'nat', 'a' 'b'"},
    {"SELECT a LIKE 'x%' ESCAPE '!', a NOT LIKE 'y', a REGEXP '^a', a NOT REGEXP 'b', a RLIKE 'c'",
     "SELECT a LIKE 'x%' ESCAPE '!', a NOT LIKE 'y', a REGEXP '^a', a NOT REGEXP 'b', a REGEXP 'c'"},
    {"SELECT a IN (1, 2), a NOT IN (?), a BETWEEN 1 AND 2, a NOT BETWEEN b AND c", nullptr},
    {"SELECT a IS NULL, a IS NOT NULL, a IS TRUE, a IS NOT FALSE, a IS UNKNOWN", nullptr},
    {"SELECT (1, 2) = (1, 2), ROW(1, 2) IN (ROW(1, 2)), (a, b) IN ((1, 2), (3, 4))", nullptr},
    {"SELECT j->'$.a', j->>'$.b', t.j->'$[0]' FROM t", nullptr},
    {"SELECT @a := 1, @@session.sql_mode, @@version, @`q`", nullptr},
    {"SELECT COUNT(*), COUNT(DISTINCT a, b), SUM(ALL a), GROUP_CONCAT(DISTINCT a ORDER BY a SEPARATOR ',')",
     "SELECT COUNT(*), COUNT(DISTINCT a, b), SUM(a), GROUP_CONCAT(DISTINCT a ORDER BY a SEPARATOR ',')"},
    {"SELECT TRIM(LEADING 'x' FROM a), TRIM(a), TRIM('x' FROM a), TRIM(BOTH FROM a), SUBSTRING(a FROM 1 FOR 2), "
     "SUBSTRING(a, 1), SUBSTR(a FROM 2), EXTRACT(YEAR FROM d), POSITION('a' IN b), CHAR(65, 66 USING utf8mb4)",
     nullptr},
    {"SELECT CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(6), UTC_DATE, LOCALTIME(), UUID(), db.f(1), `f`(2)", nullptr},
    {"SELECT DATE '2020-01-01', TIME '10:00', TIMESTAMP '2020-01-01 00:00:00'", nullptr},
    {"SELECT NEXT VALUE FOR s, NEXTVAL(s)", nullptr},
    {"SELECT IF(a, b, c), LEFT(a, 1), RIGHT(a, 1), INSERT(a, 1, 2, 'x'), REPLACE(a, 'x', 'y'), MOD(5, 2)", nullptr},
    {"SELECT -1, - -1, ~a, !a, 1 - -1, a DIV 2, a MOD 2, a % 2, 1 << 2, a ^ b, a | b & c", nullptr},
    {"SELECT a != b, a && b, a || b", "SELECT a <> b, a AND b, a OR b"},
    {"SELECT 1 + 2 * 3, (1 + 2) * 3, 1 - (2 - 3), 1 - 2 - 3, (a OR b) AND c, NOT (a = b), a = (b = c)",
     "SELECT 1 + 2 * 3, (1 + 2) * 3, 1 - (2 - 3), 1 - 2 - 3, (a OR b) AND c, NOT a = b, a = (b = c)"},
    {"SELECT a IS NULL IS NULL, (a IS TRUE) IS NULL, a BETWEEN 1 AND 2 AND b, -(a + b), -a COLLATE x", nullptr},
    {"SELECT 1 FROM t WHERE a SOUNDS LIKE b AND 1 MEMBER OF ('[1]')", nullptr},
    {"SELECT a XOR b, a OR b XOR c, NOT NOT a", nullptr},
    {"SELECT a LIKE (b + 1), (a LIKE b) = 0, a = b IS NULL", "SELECT a LIKE (b + 1), a LIKE b = 0, a = b IS NULL"},
};

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlStatementForms, ::testing::ValuesIn(kForms));

// The tree's shape: precedence and associativity, by the debug string.
struct ShapeCase {
  const char* expr;
  const char* shape;
};

void PrintTo(const ShapeCase& c, std::ostream* os) { *os << c.expr; }

class MysqlPrecedence : public ::testing::TestWithParam<ShapeCase> {};

TEST_P(MysqlPrecedence, BuildsTheTreeMysqlDoes) {
  const std::string sql = std::string("SELECT ") + GetParam().expr;
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p) << p.error().message;
  const Tree& t = p.tree();
  const NodeId item = t.child(t.child(t.root(), 0), 0);
  EXPECT_EQ(debug_string(t, t.child(item, 0)), GetParam().shape) << sql;
}

const ShapeCase kShapes[] = {
    {"a OR b AND c", "(Binary OR (Name (Ident a)) (Binary AND (Name (Ident b)) (Name (Ident c))))"},
    {"a XOR b OR c", "(Binary OR (Binary XOR (Name (Ident a)) (Name (Ident b))) (Name (Ident c)))"},
    {"NOT a = b", "(Unary NOT (Binary = (Name (Ident a)) (Name (Ident b))))"},
    {"!a = b", "(Binary = (Unary ! (Name (Ident a))) (Name (Ident b)))"},
    {"1 + 2 * 3", "(Binary + (Literal 1 #3) (Binary * (Literal 2 #3) (Literal 3 #3)))"},
    {"1 - 2 - 3", "(Binary - (Binary - (Literal 1 #3) (Literal 2 #3)) (Literal 3 #3))"},
    {"a | b & c", "(Binary | (Name (Ident a)) (Binary & (Name (Ident b)) (Name (Ident c))))"},
    {"a << 1 + 2", "(Binary << (Name (Ident a)) (Binary + (Literal 1 #3) (Literal 2 #3)))"},
    {"a ^ b * c", "(Binary * (Binary ^ (Name (Ident a)) (Name (Ident b))) (Name (Ident c)))"},
    {"-a ^ b", "(Binary ^ (Unary - (Name (Ident a))) (Name (Ident b)))"},
    {"a = b IS NULL", "(Is #1 (Binary = (Name (Ident a)) (Name (Ident b))))"},
    {"a = b IS TRUE", "(Is #2 (Binary = (Name (Ident a)) (Name (Ident b))))"},
    {"NOT a IS TRUE", "(Unary NOT (Is #2 (Name (Ident a))))"},
    {"a + 1 IN (1)", "(In (Binary + (Name (Ident a)) (Literal 1 #3)) (List (Literal 1 #3)))"},
    {"a = b IN (1)", "(Binary = (Name (Ident a)) (In (Name (Ident b)) (List (Literal 1 #3))))"},
    {"a BETWEEN 1 AND 2 AND c", "(Binary AND (Between (Name (Ident a)) (Literal 1 #3) (Literal 2 #3)) (Name (Ident c)))"},
    {"a BETWEEN b + 1 AND c", "(Between (Name (Ident a)) (Binary + (Name (Ident b)) (Literal 1 #3)) (Name (Ident c)))"},
    {"-a COLLATE x", "(Unary - (Collate x (Name (Ident a))))"},
    {"@a := @b := 1", "(Binary := (Variable @a) (Binary := (Variable @b) (Literal 1 #3)))"},
    {"d + INTERVAL 1 DAY - INTERVAL 2 HOUR",
     "(Binary - (Binary + (Name (Ident d)) (Interval DAY (Literal 1 #3))) (Interval HOUR (Literal 2 #3)))"},
};

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlPrecedence, ::testing::ValuesIn(kShapes));

TEST(MysqlLexicalSettings, PipesAsConcatMakesConcatenationThatBindsTighterThanComparison) {
  LexicalSettings s;
  s.pipes_as_concat = true;
  const std::string sql = "SELECT a || b = c";
  const Parsed p = parse(sql, s);
  ASSERT_TRUE(p);
  const NodeId value = p.tree().child(p.tree().child(p.tree().child(p.tree().root(), 0), 0), 0);
  EXPECT_EQ(debug_string(p.tree(), value), "(Binary = (Binary || (Name (Ident a)) (Name (Ident b))) (Name (Ident c)))");
  EXPECT_EQ(testing::round_trip_failure("SELECT (a OR b) || c, a || (b || c)", s), "");
}

TEST(MysqlLexicalSettings, AnsiQuotesMakeDoubleQuotesAnIdentifier) {
  LexicalSettings s;
  s.ansi_quotes = true;
  const std::string sql = "SELECT \"a\" FROM \"t\"";
  const Parsed p = parse(sql, s);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(print(p.tree()), sql);
  const NodeId value = p.tree().child(p.tree().child(p.tree().child(p.tree().root(), 0), 0), 0);
  EXPECT_EQ(p.tree().node(value).kind, Kind::kName);
  // Without ANSI_QUOTES the same text selects a string.
  const Parsed q = parse(sql.substr(0, 10), {});
  ASSERT_TRUE(q);
  EXPECT_EQ(q.tree().node(q.tree().child(q.tree().child(q.tree().child(q.tree().root(), 0), 0), 0)).kind,
            Kind::kLiteral);
}

TEST(MysqlLexicalSettings, NoBackslashEscapesRoundTrips) {
  LexicalSettings s;
  s.no_backslash_escapes = true;
  EXPECT_EQ(testing::round_trip_failure("SELECT 'a\\' FROM t WHERE b = 'c\\'", s), "");
  EXPECT_FALSE(parse("SELECT 'a\\' FROM t WHERE b = 'c\\'", {}));  // one string, unterminated
}

TEST(MysqlPositions, EveryNodeKnowsItsBytes) {
  const std::string sql = "UPDATE  users SET full_name = ?, display_name = CONCAT('x', ?) WHERE id = 7";
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p);
  const Tree& t = p.tree();
  const NodeId assigns = t.child(t.root(), 1);
  EXPECT_EQ(t.source_text(t.child(assigns, 1)), "display_name = CONCAT('x', ?)");
  EXPECT_EQ(t.source_text(t.child(t.child(assigns, 1), 1)), "CONCAT('x', ?)");
  EXPECT_EQ(t.source_text(t.child(t.root(), 2)), "id = 7");
  EXPECT_EQ(t.source_text(t.child(t.child(t.root(), 0), 0)), "users");
  EXPECT_EQ(t.source_text(t.root()), sql);
  // Placeholders are numbered in text order.
  EXPECT_EQ(t.node(t.child(t.child(assigns, 0), 1)).flags, 0u);
  EXPECT_EQ(t.node(t.child(t.child(t.child(assigns, 1), 1), 2)).flags, 1u);
}

struct ErrorCase {
  const char* sql;
  ParseError::Kind kind;
  const char* message;  // a part of it
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.sql; }

class MysqlParseErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(MysqlParseErrors, SaysWhatIsWrong) {
  const Parsed p = parse(GetParam().sql, {});
  ASSERT_FALSE(p) << GetParam().sql;
  EXPECT_EQ(p.error().kind, GetParam().kind) << p.error().message;
  EXPECT_NE(p.error().message.find(GetParam().message), std::string::npos) << p.error().message;
}

using K = ParseError::Kind;
const ErrorCase kErrors[] = {
    {"", K::kSyntax, "empty statement"},
    {"SELECT a FROM t WHERE", K::kSyntax, "at the end"},
    {"SELECT a FROM t WHERE b IN ()", K::kSyntax, "at least one value"},
    {"SELECT a FORM t x", K::kSyntax, "unexpected text after the statement"},
    {"SELECT 'open", K::kSyntax, "unterminated string"},
    {"SELECT FROM t", K::kSyntax, "reserved word"},
    // FROM/FOR only in SUBSTRING's own form (the fuzzer found these accepted and printed wrong).
    {"SELECT SUBSTRING(b, c FROM 1 FOR 2)", K::kSyntax, "expected"},
    {"SELECT SUBSTRING(b FROM 1 FOR 2 FOR 3)", K::kSyntax, "expected"},
    {"INSERT INTO t (a) VALUES (1", K::kSyntax, "expected ')'"},
    {"REPLACE INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1", K::kSyntax, "REPLACE"},
    {"SELECT * FROM t1 LEFT JOIN t2", K::kSyntax, "ON or USING"},
    {"SELECT * FROM (SELECT 1)", K::kSyntax, "alias"},
    {"SELECT a IS b", K::kSyntax, "after IS"},
    {"SELECT 1 := 2", K::kSyntax, "user variable"},
    {"SET NAMES utf8mb4", K::kUnsupported, "SET statements"},
    {"ALTER TABLE t ADD c INT", K::kUnsupported, "ALTER statements"},
    {"INSERT INTO t PARTITION (p0) VALUES (1)", K::kUnsupported, "PARTITION"},
    {"SELECT SUM(a) OVER (PARTITION BY b) FROM t", K::kUnsupported, "window"},
    {"SELECT a INTO @x FROM t", K::kUnsupported, "INTO"},
    {"SELECT * FROM t WHERE MATCH (a) AGAINST ('x')", K::kUnsupported, "MATCH"},
    {"WITH c AS (SELECT 1) UPDATE t SET a = 1", K::kUnsupported, "WITH"},
    {"SELECT {d '2020-01-01'}", K::kUnsupported, "ODBC"},
    {"SELECT * FROM JSON_TABLE('[]', '$' COLUMNS (a INT PATH '$')) AS j", K::kUnsupported, "JSON_TABLE"},
    {"SELECT 1 UNION SELECT 2 FOR UPDATE", K::kUnsupported, "locking"},
};

INSTANTIATE_TEST_SUITE_P(Mysql, MysqlParseErrors, ::testing::ValuesIn(kErrors));

TEST(MysqlParseErrors, PointAtTheOffendingByte) {
  const Parsed in = parse("SELECT a FROM t WHERE b IN ()", {});
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error().offset, 28u);  // the ')'
  const Parsed lexed = parse("SELECT a, 'open", {});
  ASSERT_FALSE(lexed);
  EXPECT_EQ(lexed.error().offset, 10u);  // the opening quote
  const Parsed partition = parse("INSERT INTO t PARTITION (p0) VALUES (1)", {});
  ASSERT_FALSE(partition);
  EXPECT_EQ(partition.error().offset, 14u);
}

// expr() takes a one-token operand straight when the next token is one no operator level looks
// for; these are the neighbours that must still go through the levels (and two that need not).
TEST(MysqlLoneOperand, AnOperandFollowedByAnOperatorWordStillGetsItsOperator) {
  const struct {
    const char* sql;
    const char* select_list;
  } kCases[] = {
    {"SELECT 'a' 'b' FROM t", "(List (SelectItem (Literal 'a' #1 (Literal 'b' #1))))"},
    {"SELECT _utf8mb4 'x' FROM t", "(List (SelectItem (Introduced _utf8mb4 (Literal 'x' #1))))"},
    {"SELECT a COLLATE utf8mb4_bin FROM t", "(List (SelectItem (Collate utf8mb4_bin (Name (Ident a)))))"},
    {"SELECT a DIV b FROM t", "(List (SelectItem (Binary DIV (Name (Ident a)) (Name (Ident b)))))"},
    {"SELECT a IS NULL FROM t", "(List (SelectItem (Is #1 (Name (Ident a)))))"},
    {"SELECT a NOT IN (1) FROM t", "(List (SelectItem (In #1 (Name (Ident a)) (List (Literal 1 #3)))))"},
    {"SELECT a x FROM t", "(List (SelectItem (Name (Ident a)) (Ident x)))"},
    {"SELECT ? AS p, 1 ORDER BY 1 DESC", "(List (SelectItem (Param ?) (Ident p)) (SelectItem (Literal 1 #3)))"},
    {"SELECT a MEMBER OF ('[1]')", "(List (SelectItem (MemberOf (Name (Ident a)) (Literal '[1]' #1))))"},
    {"SELECT a SOUNDS LIKE b", "(List (SelectItem (SoundsLike (Name (Ident a)) (Name (Ident b)))))"},
    {"SELECT a XOR b", "(List (SelectItem (Binary XOR (Name (Ident a)) (Name (Ident b)))))"},
    {"SELECT CASE WHEN a THEN b ELSE c END", "(List (SelectItem (Case _ (When (Name (Ident a)) (Name (Ident b))) (Name (Ident c)))))"},
  };
  for (const auto& c : kCases) {
    const Parsed p = parse(c.sql, {});
    ASSERT_TRUE(p) << c.sql;
    EXPECT_EQ(debug_string(p.tree(), p.tree().child(p.tree().root(), 0)), c.select_list) << c.sql;
    EXPECT_EQ(testing::round_trip_failure(c.sql), "") << c.sql;
  }
}

TEST(MysqlTreeShape, AnAbsentPartIsNoNodeAndKeepsTheOthersInPlace) {
  const std::string sql = "SELECT a FROM t WHERE b = 1 ORDER BY a LIMIT 1 FOR UPDATE";
  const Parsed p = parse(sql, {});
  ASSERT_TRUE(p);
  const Tree& t = p.tree();
  for (NodeId id = 0; id < t.size(); ++id) EXPECT_NE(t.node(id).kind, Kind::kEmpty);
  const NodeId s = t.root();
  EXPECT_EQ(t.source_text(t.child(s, 2)), "b = 1");
  EXPECT_EQ(t.child(s, 3), kNoNode);  // GROUP BY
  EXPECT_EQ(t.child(s, 4), kNoNode);  // HAVING
  EXPECT_EQ(t.source_text(t.child(s, 5)), "a");
  EXPECT_EQ(t.node(t.child(s, 6)).kind, Kind::kLimit);
  EXPECT_EQ(t.source_text(t.child(s, 7)), "FOR UPDATE");
  EXPECT_EQ(t.child(s, 8), kNoNode);
  EXPECT_EQ(t.child_count(s), 8u);
  // FROM t: the table's alias and hints are absent; so is the select item's alias.
  const NodeId table = t.child(t.child(s, 1), 0);
  EXPECT_EQ(t.child(table, 1), kNoNode);
  EXPECT_EQ(t.child(table, 2), kNoNode);
  EXPECT_EQ(t.child_count(table), 1u);
  EXPECT_EQ(t.child(t.child(t.child(s, 0), 0), 1), kNoNode);
  EXPECT_EQ(debug_string(t, table), "(Table (Name (Ident t)))");
  // A table with hints and no alias: the hints stay the third child.
  const Parsed h = parse("SELECT 1 FROM t USE INDEX (i)", {});
  ASSERT_TRUE(h);
  const NodeId ht = h.tree().child(h.tree().child(h.tree().root(), 1), 0);
  EXPECT_EQ(h.tree().child(ht, 1), kNoNode);
  EXPECT_EQ(h.tree().source_text(h.tree().child(ht, 2)), "USE INDEX (i)");
  EXPECT_EQ(debug_string(h.tree(), ht), "(Table (Name (Ident t)) _ (List (IndexHint USE (List (Ident i)))))");
}

TEST(MysqlTreeShape, ReplaceChildFillsAnAbsentPositionOrReplacesAPresentOne) {
  Parsed p = parse("SELECT a FROM t", {});
  ASSERT_TRUE(p);
  Tree& t = p.tree();
  const NodeId s = t.root();
  const NodeId having = t.add(Kind::kLiteral, 0, 0, "1", flag::kNumber);
  t.replace_child(s, 4, having);  // past the last present child
  EXPECT_EQ(t.child(s, 4), having);
  EXPECT_EQ(t.child(s, 2), kNoNode);
  const NodeId where = t.add(Kind::kLiteral, 0, 0, "2", flag::kNumber);
  t.replace_child(s, 2, where);  // into the gap before HAVING
  EXPECT_EQ(t.child(s, 2), where);
  EXPECT_EQ(t.child(s, 3), kNoNode);
  EXPECT_EQ(t.child(s, 4), having);
  const NodeId where2 = t.add(Kind::kLiteral, 0, 0, "3", flag::kNumber);
  t.replace_child(s, 2, where2);  // in place of a present child
  EXPECT_EQ(t.child(s, 2), where2);
  EXPECT_EQ(t.child(s, 4), having);
  EXPECT_EQ(print(t), "SELECT a FROM t WHERE 3 HAVING 1");
}

TEST(MysqlParseErrors, APlaceholderInACastTypeIsAnErrorNotAHiddenParameter) {
  // Every ? the text holds is a parameter node in the tree, or the text does not parse: a
  // COM_STMT_EXECUTE's values are put in place of the tree's placeholders, one by one.
  EXPECT_FALSE(parse("SELECT CAST(a AS CHAR(?)), ?", {}));
  EXPECT_FALSE(parse("SELECT CONVERT(a, UNSIGNED ?)", {}));
  EXPECT_TRUE(parse("SELECT CAST(? AS CHAR(3))", {}));
}

TEST(MysqlParseErrors, DeepNestingIsRefusedNotACrash) {
  const std::string deep = "SELECT " + std::string(5000, '(') + "1" + std::string(5000, ')');
  const Parsed p = parse(deep, {});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ParseError::Kind::kUnsupported);
  const std::string ok = "SELECT " + std::string(50, '(') + "1" + std::string(50, ')');
  EXPECT_TRUE(parse(ok, {}));
}

}  // namespace
}  // namespace switchyard::rewrite::mysql
