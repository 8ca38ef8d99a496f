// Binary protocol value lengths; see binary_value.h.
#include "protocol/mysql/binary_value.h"

#include "protocol/mysql/coding.h"

namespace switchyard::mysql {

std::optional<size_t> binary_value_length(ColumnType type, std::string_view data) {
  auto fixed = [&](size_t n) -> std::optional<size_t> {
    if (data.size() < n) return std::nullopt;
    return n;
  };
  switch (type) {
    case ColumnType::kNull: return 0;
    case ColumnType::kTiny: return fixed(1);
    case ColumnType::kShort:
    case ColumnType::kYear: return fixed(2);
    case ColumnType::kLong:
    case ColumnType::kInt24:
    case ColumnType::kFloat: return fixed(4);
    case ColumnType::kLongLong:
    case ColumnType::kDouble: return fixed(8);
    case ColumnType::kDate:
    case ColumnType::kDateTime:
    case ColumnType::kTimestamp:
    case ColumnType::kTime: {  // a length byte (0, 4, 7 or 11; TIME 0, 8 or 12), then that many
      if (data.empty()) return std::nullopt;
      return fixed(1 + static_cast<uint8_t>(data[0]));
    }
    case ColumnType::kDecimal:
    case ColumnType::kNewDecimal:
    case ColumnType::kVarchar:
    case ColumnType::kBit:
    case ColumnType::kJson:
    case ColumnType::kEnum:
    case ColumnType::kSet:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kVarString:
    case ColumnType::kString:
    case ColumnType::kGeometry: {
      ByteReader r(data);
      std::string_view v;
      if (!r.lenenc_str(v)) return std::nullopt;
      return data.size() - r.remaining();
    }
    case ColumnType::kNewDate: break;  // server-internal, never on the wire
  }
  return std::nullopt;
}

}  // namespace switchyard::mysql
