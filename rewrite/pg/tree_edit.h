// Allocating, copying and moving parse-tree nodes so that the memory contract of parse_tree.h
// holds: everything malloc'd, everything reachable from exactly one owner.
//
// Ownership is explicit: a node that belongs to no tree travels as a NodePtr (MessagePtr); putting
// it into a tree releases it; taking it out of a tree gives a NodePtr back and leaves the slot
// null (singular field) or removes it (repeated field, which must never hold a null).
//
// Allocation failure throws std::bad_alloc, as std::string does; nothing here throws otherwise,
// and nothing leaks when it does.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string_view>
#include <utility>

#include "rewrite/pg/message_ptr.h"

namespace switchyard::rewrite::pg {

// malloc / realloc that throw std::bad_alloc instead of returning null.
void* checked_malloc(std::size_t size);
void* checked_realloc(void* old, std::size_t size);
// A malloc'd, NUL-terminated copy of `s`. REQUIRES `s` holds no NUL (C strings end there).
char* dup_string(std::string_view s);

// A new message of the given type, calloc'd and set to its protobuf defaults: 0, false, null,
// "" (protobuf_c_empty_string, which free_unpacked knows not to free) and enum value 0. PG enums
// number from *_UNDEFINED = 0, so set every enum field the deparser reads (e.g. SelectStmt.op =
// SETOP_NONE, limit_option = LIMIT_OPTION_DEFAULT; A_Expr.kind) and every `location` (-1).
ProtobufCMessage* new_message(const ProtobufCMessageDescriptor& descriptor);
template <class Message>
MessagePtr<Message> new_message_of(const ProtobufCMessageDescriptor& descriptor) {
  return MessagePtr<Message>(reinterpret_cast<Message*>(new_message(descriptor)));
}

// A new Node wrapper with node_case = `kind` and a new default inner message of that kind, e.g.
// new_node(PG_QUERY__NODE__NODE_COLUMN_REF)->column_ref->location = -1.
// REQUIRES `kind` names a member of the Node oneof (not NODE__NOT_SET).
NodePtr new_node(PgQuery__Node__NodeCase kind);

// Deep copies (pack with the message's own descriptor, unpack with malloc). Null gives null.
// REQUIRES the source is well formed (no null entries in repeated fields).
ProtobufCMessage* copy_message(const ProtobufCMessage* message);
NodePtr copy_node(const PgQuery__Node* node);
template <class Message>
MessagePtr<Message> copy_of(const Message* message) {
  return MessagePtr<Message>(reinterpret_cast<Message*>(copy_message(as_message(message))));
}

// Appends `item` to the repeated field (`*items`, `*n`), e.g.
// append(&insert->cols, &insert->n_cols, res_target("display_name", nullptr)).
// REQUIRES item is not null (a repeated field must never hold a null).
template <class Message>
void append(Message*** items, std::size_t* n, MessagePtr<Message> item) {
  assert(item != nullptr);
  auto* grown = static_cast<Message**>(checked_realloc(*items, (*n + 1) * sizeof(Message*)));
  *items = grown;  // the old array is gone either way once realloc succeeds
  grown[(*n)++] = item.release();
}
inline void append_node(PgQuery__Node*** items, std::size_t* n, NodePtr node) {
  append(items, n, std::move(node));
}

// Inserts `node` before position `index` (index == *n appends). REQUIRES index <= *n, node not null.
void insert_node(PgQuery__Node*** items, std::size_t* n, std::size_t index, NodePtr node);

// Moves entry `index` out of the repeated field, closing the gap. REQUIRES index < *n.
NodePtr remove_node(PgQuery__Node*** items, std::size_t* n, std::size_t index);

// Moves a singular field's submessage out, leaving the slot null, e.g.
// NodePtr where = take(&update->where_clause); TypeNamePtr t = take(&cast->type_name).
template <class Message>
MessagePtr<Message> take(Message** slot) {
  return MessagePtr<Message>(std::exchange(*slot, nullptr));
}
inline NodePtr take_node(PgQuery__Node** slot) { return take(slot); }

// Frees what `*slot` holds and puts `node` there. Works for singular fields and for entries of
// repeated fields (then REQUIRES node not null).
inline void replace_node(PgQuery__Node** slot, NodePtr node) {
  NodePtr old(std::exchange(*slot, node.release()));
}

}  // namespace switchyard::rewrite::pg
