// same_tree: copy both trees, zero their locations, and compare their protobuf encodings (which
// protobuf-c writes in field order, so equal structs give equal bytes).
#include "rewrite/pg/tree_compare.h"

#include <cstdint>
#include <cstring>
#include <string>

#include "rewrite/pg/message_ptr.h"
#include "rewrite/pg/tree_edit.h"
#include "rewrite/pg/walk.h"

namespace switchyard::rewrite::pg {
namespace {

bool is_location(const ProtobufCFieldDescriptor& f) {
  if (f.type != PROTOBUF_C_TYPE_INT32 || f.label == PROTOBUF_C_LABEL_REPEATED) return false;
  return std::strcmp(f.name, "location") == 0 || std::strcmp(f.name, "stmt_location") == 0 ||
         std::strcmp(f.name, "stmt_len") == 0;
}

// The encoding of `m` with every location set to 0 (which protobuf's encoding then leaves out).
std::string encoding_without_locations(const ProtobufCMessage* m) {
  MessagePtr<ProtobufCMessage> copy(copy_message(m));
  walk_messages(copy.get(), [](ProtobufCMessage* node) {
    const ProtobufCMessageDescriptor* d = node->descriptor;
    for (unsigned i = 0; i < d->n_fields; ++i)
      if (is_location(d->fields[i]))
        *reinterpret_cast<std::int32_t*>(reinterpret_cast<char*>(node) + d->fields[i].offset) = 0;
    return WalkAction::kDescend;
  });
  std::string bytes(protobuf_c_message_get_packed_size(copy.get()), '\0');
  protobuf_c_message_pack(copy.get(), reinterpret_cast<std::uint8_t*>(bytes.data()));
  return bytes;
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
  if (a->descriptor != b->descriptor) return false;
  return encoding_without_locations(a) == encoding_without_locations(b);
}

}  // namespace switchyard::rewrite::pg
