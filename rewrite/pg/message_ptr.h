// Owning smart pointers for protobuf-c messages of the parse tree (PgQuery__Node, TypeName, ...).
//
// A MessagePtr frees with protobuf_c_message_free_unpacked, which walks the message and free()s
// every submessage, string and array it reaches. So everything reachable from the message must
// have come from malloc/calloc/realloc/strdup (see the contract in parse_tree.h), and nothing
// reachable from it may also be reachable from another owner.
#pragma once

#include <memory>

#include "rewrite/pg/pg_query_c.h"

namespace switchyard::rewrite::pg {

struct MessageDeleter {
  void operator()(void* message) const {
    // Every generated message struct starts with its ProtobufCMessage base.
    protobuf_c_message_free_unpacked(static_cast<ProtobufCMessage*>(message), nullptr);
  }
};

template <class Message>
using MessagePtr = std::unique_ptr<Message, MessageDeleter>;

using NodePtr = MessagePtr<PgQuery__Node>;
using TypeNamePtr = MessagePtr<PgQuery__TypeName>;

// The ProtobufCMessage view of any generated message (all start with `base`).
template <class Message>
ProtobufCMessage* as_message(Message* m) {
  return m == nullptr ? nullptr : &m->base;
}
template <class Message>
const ProtobufCMessage* as_message(const Message* m) {
  return m == nullptr ? nullptr : &m->base;
}

}  // namespace switchyard::rewrite::pg
