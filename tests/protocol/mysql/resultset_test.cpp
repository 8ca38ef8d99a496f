// Result set packets: the MySQL docs' column definition example, text rows with NULLs and long
// values, binary rows and their NULL bitmap, MariaDB's extended metadata.
#include "protocol/mysql/resultset.h"

#include <gtest/gtest.h>

#include "protocol/mysql/coding.h"
#include "tests/protocol/mysql/packet_builder.h"

namespace switchyard::mysql {
namespace {

using testing::from_hex;

// page_protocol_com_query_response_text_resultset's example column: "@@version_comment",
// character set 8, length 0x1c, MYSQL_TYPE_VAR_STRING, decimals 0x1f.
const std::string kDocColumn = from_hex(
    "03 64 65 66 00 00 00 11 40 40 76 65 72 73 69 6f 6e 5f 63 6f 6d 6d 65 6e 74 00 0c 08 00 1c 00 00 00 fd 00 00 1f 00"
    "00");

TEST(MysqlResultset, DocumentColumnDefinition) {
  const auto c = decode_column_definition(kDocColumn);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->catalog, "def");
  EXPECT_EQ(c->name, "@@version_comment");
  EXPECT_TRUE(c->schema.empty() && c->table.empty() && c->org_name.empty());
  EXPECT_EQ(c->character_set, 8);
  EXPECT_EQ(c->column_length, 0x1cu);
  EXPECT_EQ(c->type, ColumnType::kVarString);
  EXPECT_EQ(c->decimals, 0x1f);
  std::string again;
  encode_column_definition(again, *c);
  EXPECT_EQ(again, kDocColumn);
  for (size_t cut = 0; cut < kDocColumn.size(); ++cut) {
    EXPECT_FALSE(decode_column_definition(std::string_view(kDocColumn).substr(0, cut))) << cut;
  }
}

TEST(MysqlResultset, ExtendedMetadataColumn) {
  ColumnDefinition c;
  c.schema = "app";
  c.table = c.org_table = "t";
  c.name = c.org_name = "doc";
  const std::string format = from_hex("00 04 6a 73 6f 6e");  // format "json"
  c.extended_metadata = format;
  c.type = ColumnType::kBlob;
  std::string bytes;
  encode_column_definition(bytes, c, true);
  EXPECT_FALSE(decode_column_definition(bytes, false));
  const auto back = decode_column_definition(bytes, true);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->extended_metadata, c.extended_metadata);
  EXPECT_EQ(back->org_name, "doc");
}

TEST(MysqlResultset, ColumnCount) {
  EXPECT_EQ(decode_column_count(from_hex("01")), 1u);
  EXPECT_EQ(decode_column_count(from_hex("fc 2c 01")), 300u);
  EXPECT_FALSE(decode_column_count(from_hex("00")));  // an OK
  EXPECT_FALSE(decode_column_count(from_hex("01 01")));
}

TEST(MysqlResultset, TextRows) {
  std::string bytes;
  encode_text_row(bytes, {std::string("1"), std::nullopt, std::string(), std::string(70000, 'v')});
  EXPECT_EQ(bytes.substr(0, 4), from_hex("01 31 fb 00"));
  const auto row = decode_text_row(bytes, 4);
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)[0], "1");
  EXPECT_FALSE((*row)[1]);
  EXPECT_EQ((*row)[2], "");
  EXPECT_EQ((*row)[3]->size(), 70000u);
  EXPECT_FALSE(decode_text_row(bytes, 3));  // bytes left over
  EXPECT_FALSE(decode_text_row(bytes, 5));  // too few
}

TEST(MysqlResultset, BinaryRowsAndTheirOffsetNullBitmap) {
  // page_protocol_binary_resultset: 0x00, NULL bitmap with the column's bit at position + 2.
  const ColumnType types[] = {ColumnType::kLongLong, ColumnType::kVarString, ColumnType::kDouble, ColumnType::kDateTime};
  std::string bytes = from_hex("00");
  bytes += static_cast<char>(1 << (1 + 2));  // column 1 is NULL
  bytes += from_hex("2a 00 00 00 00 00 00 00");
  bytes += from_hex("00 00 00 00 00 00 f0 3f");
  bytes += from_hex("07 e9 07 0c 02 01 0e 0c");
  const auto row = decode_binary_row(bytes, types);
  ASSERT_TRUE(row);
  EXPECT_EQ(get_int(reinterpret_cast<const unsigned char*>((*row)[0]->data()), 8), 42u);
  EXPECT_FALSE((*row)[1]);
  EXPECT_EQ((*row)[2]->size(), 8u);
  EXPECT_EQ((*row)[3]->size(), 8u);
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_binary_row(bytes.substr(0, cut), types)) << cut;
}

}  // namespace
}  // namespace switchyard::mysql
