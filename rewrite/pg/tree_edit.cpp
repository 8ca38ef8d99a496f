// Allocation, deep copy and repeated-field surgery for protobuf-c parse-tree messages.
#include "rewrite/pg/tree_edit.h"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <vector>

namespace switchyard::rewrite::pg {

void* checked_malloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* checked_realloc(void* old, std::size_t size) {
  void* p = std::realloc(old, size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();  // `old` is still valid and still owned by the caller
  return p;
}

char* dup_string(std::string_view s) {
  assert(s.find('\0') == std::string_view::npos);
  auto* p = static_cast<char*>(checked_malloc(s.size() + 1));
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

ProtobufCMessage* new_message(const ProtobufCMessageDescriptor& descriptor) {
  void* p = std::calloc(1, descriptor.sizeof_message);
  if (p == nullptr) throw std::bad_alloc();
  auto* message = static_cast<ProtobufCMessage*>(p);
  descriptor.message_init(message);
  return message;
}

NodePtr new_node(PgQuery__Node__NodeCase kind) {
  const ProtobufCFieldDescriptor* field =
      protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, static_cast<unsigned>(kind));
  assert(field != nullptr && field->type == PROTOBUF_C_TYPE_MESSAGE);
  NodePtr node = new_message_of<PgQuery__Node>(pg_query__node__descriptor);
  // The oneof members share one pointer slot at field->offset; node_case says which one it is.
  ProtobufCMessage* inner = new_message(*static_cast<const ProtobufCMessageDescriptor*>(field->descriptor));
  std::memcpy(reinterpret_cast<char*>(node.get()) + field->offset, &inner, sizeof inner);
  node->node_case = kind;
  return node;
}

ProtobufCMessage* copy_message(const ProtobufCMessage* message) {
  if (message == nullptr) return nullptr;
  assert(protobuf_c_message_check(message));
  std::vector<std::uint8_t> buffer(protobuf_c_message_get_packed_size(message));
  const std::size_t packed = protobuf_c_message_pack(message, buffer.data());
  ProtobufCMessage* copy = protobuf_c_message_unpack(message->descriptor, nullptr, packed, buffer.data());
  if (copy == nullptr) throw std::bad_alloc();  // the bytes are our own, so only memory can fail
  return copy;
}

NodePtr copy_node(const PgQuery__Node* node) {
  return NodePtr(reinterpret_cast<PgQuery__Node*>(copy_message(as_message(node))));
}

void insert_node(PgQuery__Node*** items, std::size_t* n, std::size_t index, NodePtr node) {
  assert(index <= *n && node != nullptr);
  auto* grown = static_cast<PgQuery__Node**>(checked_realloc(*items, (*n + 1) * sizeof(PgQuery__Node*)));
  *items = grown;
  std::memmove(grown + index + 1, grown + index, (*n - index) * sizeof(PgQuery__Node*));
  grown[index] = node.release();
  ++*n;
}

NodePtr remove_node(PgQuery__Node*** items, std::size_t* n, std::size_t index) {
  assert(index < *n);
  PgQuery__Node** array = *items;
  NodePtr removed(array[index]);
  std::memmove(array + index, array + index + 1, (*n - index - 1) * sizeof(PgQuery__Node*));
  if (--*n == 0) {
    // Keep the protobuf-c invariant that an empty repeated field has no array.
    std::free(array);
    *items = nullptr;
  }
  return removed;
}

}  // namespace switchyard::rewrite::pg
