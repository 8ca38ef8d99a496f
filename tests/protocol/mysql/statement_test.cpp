// Prepared statement commands: COM_STMT_PREPARE and its OK, COM_STMT_EXECUTE's null bitmap,
// types and binary values (with the MySQL docs' example), FETCH, CLOSE, RESET, SEND_LONG_DATA.
#include "protocol/mysql/statement.h"

#include <gtest/gtest.h>

#include "protocol/mysql/binary_value.h"
#include "protocol/mysql/command.h"
#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

TEST(MysqlStatement, PrepareAndItsOk) {
  std::string payload;
  encode_stmt_prepare(payload, "SELECT ?");
  EXPECT_EQ(command_of(payload), Command::kStmtPrepare);
  EXPECT_EQ(decode_stmt_prepare(payload), "SELECT ?");
  // page_protocol_com_stmt_prepare_response's example: statement 1, 1 column, 2 params.
  const std::string ok = from_hex("00 01 00 00 00 01 00 02 00 00 00 00");
  const auto decoded = decode_stmt_prepare_ok(ok);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->statement_id, 1u);
  EXPECT_EQ(decoded->num_columns, 1);
  EXPECT_EQ(decoded->num_params, 2);
  std::string again;
  encode_stmt_prepare_ok(again, *decoded);
  EXPECT_EQ(again, ok);
  for (size_t cut = 0; cut < 10; ++cut) EXPECT_FALSE(decode_stmt_prepare_ok(ok.substr(0, cut))) << cut;
}

TEST(MysqlStatement, DocumentExecuteExample) {
  // The MySQL internals manual's COM_STMT_EXECUTE example (doc/internals/en/com-stmt-execute):
  // 17 | statement 1 | no cursor | iteration 1 | null bitmap 00 | types bound | VARCHAR | "foo".
  const std::string payload = from_hex("17 01 00 00 00 00 01 00 00 00 00 01 0f 00 03 66 6f 6f");
  const auto ex = decode_stmt_execute(payload, 1);
  ASSERT_TRUE(ex) << ex.error;
  EXPECT_EQ(ex->statement_id, 1u);
  EXPECT_EQ(ex->flags, kCursorTypeNoCursor);
  EXPECT_EQ(ex->iteration_count, 1u);
  ASSERT_EQ(ex->params.size(), 1u);
  EXPECT_EQ(ex->params[0].type.type, ColumnType::kVarchar);
  EXPECT_EQ(ex->params[0].value, from_hex("03 66 6f 6f"));
  std::string again;
  encode_stmt_execute(again, *ex);
  EXPECT_EQ(again, payload);
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    EXPECT_FALSE(decode_stmt_execute(std::string_view(payload).substr(0, cut), 1)) << cut;
  }
}

TEST(MysqlStatement, ExecuteWithNullsUnsignedLongDataAndEveryValueWidth) {
  struct Value {
    ColumnType type;
    std::string bytes;
  };
  const std::vector<Value> values = {
      {ColumnType::kTiny, from_hex("7f")},
      {ColumnType::kShort, from_hex("01 02")},
      {ColumnType::kLong, from_hex("01 02 03 04")},
      {ColumnType::kLongLong, from_hex("01 02 03 04 05 06 07 08")},
      {ColumnType::kFloat, from_hex("00 00 80 3f")},
      {ColumnType::kDouble, from_hex("00 00 00 00 00 00 f0 3f")},
      {ColumnType::kDate, from_hex("04 e9 07 0c 02")},
      {ColumnType::kDateTime, from_hex("0b e9 07 0c 02 01 0e 0c 40 e2 01 00")},
      {ColumnType::kTime, from_hex("08 00 01 00 00 00 02 03 04")},
      {ColumnType::kTimestamp, from_hex("00")},
      {ColumnType::kNewDecimal, from_hex("04 31 2e 35 30")},
      {ColumnType::kBlob, from_hex("fc 00 01") + std::string(256, 'b')},
  };
  StmtExecute ex;
  ex.statement_id = 7;
  ex.new_params_bound = true;
  for (const Value& v : values) ex.params.push_back({{v.type, v.type == ColumnType::kLongLong}, false, false, v.bytes});
  ex.params.push_back({{ColumnType::kString, false}, true, false, {}});       // NULL
  ex.params.push_back({{ColumnType::kBlob, false}, false, true, {}});         // sent by SEND_LONG_DATA
  std::vector<bool> long_data(ex.params.size(), false);
  long_data.back() = true;
  std::string payload;
  encode_stmt_execute(payload, ex);
  const auto back = decode_stmt_execute(payload, static_cast<uint16_t>(ex.params.size()), {}, long_data);
  ASSERT_TRUE(back) << back.error;
  ASSERT_EQ(back->params.size(), ex.params.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(back->params[i].value, values[i].bytes) << i;
    EXPECT_EQ(binary_value_length(values[i].type, values[i].bytes), values[i].bytes.size()) << i;
  }
  EXPECT_TRUE(back->params[3].type.is_unsigned);
  EXPECT_TRUE(back->params[values.size()].is_null);
  EXPECT_TRUE(back->params.back().long_data);

  // The next execution need not send the types again: they are the previous ones.
  StmtExecute again = ex;
  again.new_params_bound = false;
  std::string second;
  encode_stmt_execute(second, again);
  EXPECT_FALSE(decode_stmt_execute(second, static_cast<uint16_t>(ex.params.size())));
  const auto types = back->types();
  const auto reused = decode_stmt_execute(second, static_cast<uint16_t>(ex.params.size()), types, long_data);
  ASSERT_TRUE(reused) << reused.error;
  EXPECT_EQ(reused->types(), types);
  EXPECT_EQ(reused->params[1].value, values[1].bytes);
}

TEST(MysqlStatement, ExecuteWithoutParametersAndBytesLeftOver) {
  StmtExecute ex;
  ex.statement_id = 3;
  ex.flags = kCursorTypeReadOnly;
  std::string payload;
  encode_stmt_execute(payload, ex);
  EXPECT_EQ(payload, from_hex("17 03 00 00 00 01 01 00 00 00"));
  EXPECT_TRUE(decode_stmt_execute(payload, 0));
  EXPECT_FALSE(decode_stmt_execute(payload + "x", 0));
}

TEST(MysqlStatement, FetchCloseResetAndLongData) {
  std::string fetch;
  encode_stmt_fetch(fetch, StmtFetch{5, 100});
  EXPECT_EQ(fetch, from_hex("1c 05 00 00 00 64 00 00 00"));
  EXPECT_EQ(decode_stmt_fetch(fetch)->num_rows, 100u);
  std::string close, reset;
  encode_stmt_close(close, 9);
  encode_stmt_reset(reset, 9);
  EXPECT_EQ(close, from_hex("19 09 00 00 00"));
  EXPECT_EQ(decode_stmt_close(close), 9u);
  EXPECT_EQ(decode_stmt_reset(reset), 9u);
  EXPECT_FALSE(decode_stmt_close(reset));
  EXPECT_FALSE(decode_stmt_close(close.substr(0, 4)));
  std::string chunk;
  encode_stmt_send_long_data(chunk, StmtSendLongData{9, 2, "part of a blob"});
  EXPECT_EQ(chunk.substr(0, 7), from_hex("18 09 00 00 00 02 00"));
  const auto d = decode_stmt_send_long_data(chunk);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->param_id, 2);
  EXPECT_EQ(d->data, "part of a blob");
}

TEST(MysqlCommand, QueryWithAndWithoutQueryAttributes) {
  std::string plain;
  encode_query(plain, "SELECT 1", 0);
  EXPECT_EQ(decode_query(plain, 0).value, "SELECT 1");
  std::string attrs;
  encode_query(attrs, "SELECT 1", cap::kQueryAttributes);
  EXPECT_EQ(attrs, from_hex("03 00 01") + "SELECT 1");
  EXPECT_EQ(decode_query(attrs, cap::kQueryAttributes).value, "SELECT 1");
  const auto refused = decode_query(from_hex("03 01 01 00 01 08 00 01 61 01 00 00 00 00 00 00 00") + "SELECT 1",
                                    cap::kQueryAttributes);
  EXPECT_FALSE(refused);
  EXPECT_EQ(refused.error, "query attributes are not supported");
  EXPECT_FALSE(decode_query("", 0));
  EXPECT_EQ(decode_init_db("\x02" "app"), "app");
}

}  // namespace
}  // namespace switchyard::mysql
