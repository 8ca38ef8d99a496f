// same_tree: both trees walked together through their protobuf-c descriptors, field by field.
#include "rewrite/pg/tree_compare.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "rewrite/pg/message_ptr.h"

namespace switchyard::rewrite::pg {
namespace {

bool is_location(const ProtobufCFieldDescriptor& f) {
  if (f.type != PROTOBUF_C_TYPE_INT32 || f.label == PROTOBUF_C_LABEL_REPEATED) return false;
  return std::strcmp(f.name, "location") == 0 || std::strcmp(f.name, "stmt_location") == 0 ||
         std::strcmp(f.name, "stmt_len") == 0;
}

template <class T>
T read_at(const void* base, unsigned offset) {
  T value;
  std::memcpy(&value, static_cast<const char*>(base) + offset, sizeof value);
  return value;
}

bool same_message(const ProtobufCMessage* a, const ProtobufCMessage* b);

// One value of field `f`, stored at `x` and `y` (a singular field, or one entry of a list).
bool same_value(const ProtobufCFieldDescriptor& f, const char* x, const char* y) {
  switch (f.type) {
    case PROTOBUF_C_TYPE_STRING: {
      // null and "" are both the empty string (protobuf does not tell them apart).
      const char* s = read_at<const char*>(x, 0);
      const char* t = read_at<const char*>(y, 0);
      return std::strcmp(s != nullptr ? s : "", t != nullptr ? t : "") == 0;
    }
    case PROTOBUF_C_TYPE_BYTES: {
      const auto p = read_at<ProtobufCBinaryData>(x, 0), q = read_at<ProtobufCBinaryData>(y, 0);
      return p.len == q.len && (p.len == 0 || std::memcmp(p.data, q.data, p.len) == 0);
    }
    case PROTOBUF_C_TYPE_MESSAGE: {
      const auto* m = read_at<const ProtobufCMessage*>(x, 0);
      const auto* n = read_at<const ProtobufCMessage*>(y, 0);
      return m == nullptr || n == nullptr ? m == n : same_message(m, n);
    }
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
      return std::memcmp(x, y, 8) == 0;
    case PROTOBUF_C_TYPE_BOOL: return (read_at<protobuf_c_boolean>(x, 0) != 0) == (read_at<protobuf_c_boolean>(y, 0) != 0);
    default: return std::memcmp(x, y, 4) == 0;  // the 32-bit kinds and enums
  }
}

std::size_t value_size(const ProtobufCFieldDescriptor& f) {
  switch (f.type) {
    case PROTOBUF_C_TYPE_STRING: return sizeof(char*);
    case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void*);
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE: return 8;
    case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
    default: return 4;
  }
}

// Field by field, through the descriptors, skipping locations: no copy, no allocation.
bool same_message(const ProtobufCMessage* a, const ProtobufCMessage* b) {
  const ProtobufCMessageDescriptor* d = a->descriptor;
  if (d != b->descriptor) return false;
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (is_location(f)) continue;
    if (f.label == PROTOBUF_C_LABEL_REPEATED) {
      const auto n = read_at<std::size_t>(a, f.quantifier_offset);
      if (n != read_at<std::size_t>(b, f.quantifier_offset)) return false;
      const char* x = read_at<const char*>(a, f.offset);
      const char* y = read_at<const char*>(b, f.offset);
      for (std::size_t j = 0; j < n; ++j)
        if (!same_value(f, x + j * value_size(f), y + j * value_size(f))) return false;
      continue;
    }
    if ((f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0) {
      const auto set = read_at<std::uint32_t>(a, f.quantifier_offset);
      if (set != read_at<std::uint32_t>(b, f.quantifier_offset)) return false;
      if (set != f.id) continue;  // another member of the oneof is the one set
    }
    if (!same_value(f, reinterpret_cast<const char*>(a) + f.offset, reinterpret_cast<const char*>(b) + f.offset))
      return false;
  }
  return true;
}

}  // namespace

std::int32_t location_of(const ProtobufCMessage* m) {
  const ProtobufCMessageDescriptor* d = m->descriptor;
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor& f = d->fields[i];
    if (f.type == PROTOBUF_C_TYPE_INT32 && f.label != PROTOBUF_C_LABEL_REPEATED && std::strcmp(f.name, "location") == 0)
      return *reinterpret_cast<const std::int32_t*>(reinterpret_cast<const char*>(m) + f.offset);
  }
  return -1;
}

DeparseOutcome deparse_faithfully(const PgQuery__RawStmt* stmt) {
  DeparseOutcome text = deparse_statement(stmt->stmt);
  if (!text) return text;
  auto again = ParseTree::parse(text.value());
  if (!again || again->size() != 1 || !same_tree(as_message(again->statement(0)->stmt), as_message(stmt->stmt)))
    return PgError{"the printed statement would not parse back to the same tree", 0};
  return text;
}

bool same_tree(const ProtobufCMessage* a, const ProtobufCMessage* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return same_message(a, b);
}

}  // namespace switchyard::rewrite::pg
