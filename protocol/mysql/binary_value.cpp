// Binary protocol value lengths; see binary_value.h.
#include "protocol/mysql/binary_value.h"

#include <cstdio>
#include <cstring>

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

namespace {

std::string hex_literal(std::string_view introducer, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(introducer.size() + 4 + 2 * bytes.size());
  out.push_back('_');
  out += introducer;
  out += " X'";
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  out.push_back('\'');
  return out;
}

bool is_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// A DECIMAL parameter's text: digits with at most one point and a sign, as the server reads it.
bool is_decimal(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  bool digits = false, point = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') digits = true;
    else if (s[i] == '.' && !point) point = true;
    else return false;
  }
  return digits;
}

std::string exponent_form(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17e", d);
  return buf;
}

}  // namespace

std::optional<std::string> binary_value_literal(ColumnType type, bool is_unsigned, std::string_view value,
                                                std::string_view string_charset) {
  const auto* b = reinterpret_cast<const unsigned char*>(value.data());
  const auto length = binary_value_length(type, value);
  if (!length || *length != value.size()) return std::nullopt;
  const auto integer = [&](int width) {
    const uint64_t raw = get_int(b, width);
    if (is_unsigned) return std::to_string(raw);
    const int bits = 8 * width;
    const int64_t v = bits == 64 ? static_cast<int64_t>(raw)
                                 : static_cast<int64_t>(raw << (64 - bits)) >> (64 - bits);  // sign-extended
    return std::to_string(v);
  };
  switch (type) {
    case ColumnType::kNull: return std::string("NULL");
    case ColumnType::kTiny: return integer(1);
    case ColumnType::kShort:
    case ColumnType::kYear: return integer(2);
    case ColumnType::kLong:
    case ColumnType::kInt24: return integer(4);
    case ColumnType::kLongLong: return integer(8);
    case ColumnType::kFloat: {
      float f;
      std::memcpy(&f, b, 4);
      return exponent_form(f);
    }
    case ColumnType::kDouble: {
      double d;
      std::memcpy(&d, b, 8);
      return exponent_form(d);
    }
    case ColumnType::kDate:
    case ColumnType::kDateTime:
    case ColumnType::kTimestamp: {
      const uint8_t n = b[0];
      if (n < 4) return std::nullopt;  // the zero date: not a literal every sql_mode reads
      const unsigned year = static_cast<unsigned>(get_int(b + 1, 2)), month = b[3], day = b[4];
      const unsigned hour = n >= 7 ? b[5] : 0, minute = n >= 7 ? b[6] : 0, second = n >= 7 ? b[7] : 0;
      const unsigned long micro = n >= 11 ? static_cast<unsigned long>(get_int(b + 8, 4)) : 0;
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59 || micro > 999999)
        return std::nullopt;
      char buf[48];
      if (type == ColumnType::kDate) std::snprintf(buf, sizeof buf, "DATE'%04u-%02u-%02u'", year, month, day);
      else
        std::snprintf(buf, sizeof buf, "TIMESTAMP'%04u-%02u-%02u %02u:%02u:%02u.%06lu'", year, month, day, hour, minute,
                      second, micro);
      return std::string(buf);
    }
    case ColumnType::kTime: {
      const uint8_t n = b[0];
      if (n == 0) return std::string("TIME'00:00:00.000000'");
      if (n < 8) return std::nullopt;
      const bool negative = b[1] != 0;
      const unsigned long days = static_cast<unsigned long>(get_int(b + 2, 4));
      const unsigned hour = b[6], minute = b[7], second = b[8];
      const unsigned long micro = n >= 12 ? static_cast<unsigned long>(get_int(b + 9, 4)) : 0;
      if (days > 34 || hour > 23 || minute > 59 || second > 59 || micro > 999999) return std::nullopt;
      char buf[48];
      std::snprintf(buf, sizeof buf, "TIME'%s%lu:%02u:%02u.%06lu'", negative ? "-" : "", days * 24 + hour, minute, second,
                    micro);
      return std::string(buf);
    }
    case ColumnType::kDecimal:
    case ColumnType::kNewDecimal:
    case ColumnType::kVarchar:
    case ColumnType::kJson:
    case ColumnType::kEnum:
    case ColumnType::kSet:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kVarString:
    case ColumnType::kString: {
      ByteReader r(value);
      std::string_view bytes;
      if (!r.lenenc_str(bytes)) return std::nullopt;
      switch (type) {
        case ColumnType::kDecimal:
        case ColumnType::kNewDecimal:
          if (!is_decimal(bytes)) return std::nullopt;
          return std::string(bytes);
        case ColumnType::kTinyBlob:
        case ColumnType::kMediumBlob:
        case ColumnType::kLongBlob:
        case ColumnType::kBlob: return hex_literal("binary", bytes);  // the server takes these as bytes
        default:
          if (!is_word(string_charset)) return std::nullopt;
          return hex_literal(string_charset, bytes);
      }
    }
    case ColumnType::kBit:
    case ColumnType::kGeometry:
    case ColumnType::kNewDate: break;
  }
  return std::nullopt;
}

}  // namespace switchyard::mysql
