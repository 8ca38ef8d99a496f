// Depth-first visits of any parse-tree message, driven by protobuf-c descriptors, so every field
// of every node type is covered without a hand-written switch over ~240 node kinds.
//
// Order: pre-order, fields in proto field-number order, list entries in order; only oneof members
// that are set are followed. Field order is not always text order: a statement's with_clause is
// its last field, so CTEs come after the main statement's parts. Uses: find every RangeVar / ColumnRef / ParamRef, or substitute
// column references inside an expression by replacing the visited Node in its slot.
#pragma once

#include <functional>
#include <vector>

#include "rewrite/pg/message_ptr.h"

namespace switchyard::rewrite::pg {

enum class WalkAction {
  kDescend,       // go on into the visited node's children
  kSkipChildren,  // do not look inside the visited node; continue with its siblings
  kStop,          // end the walk now
};

// Called with the slot holding each PgQuery__Node (a singular field, or an entry of a repeated
// field). The callback may edit the node and anything below it, or replace the node:
//   replace_node(slot, copy_node(...))   (tree_edit.h) frees the old node and stores the new one.
// A replacement is never descended into (so replacing `a` with `a + 1` does not loop). Setting a
// slot to null is allowed only for singular fields. Edits elsewhere in the tree (e.g. to an
// ancestor's lists) are re-read by the walker but are easy to get wrong; prefer collecting first.
using NodeVisitor = std::function<WalkAction(PgQuery__Node** slot)>;

// Visits every Node slot below `root` (any message: a ParseResult, a RawStmt, an InsertStmt...);
// `root` itself is not visited. Returns false if a callback stopped the walk.
bool walk_nodes(ProtobufCMessage* root, const NodeVisitor& visit);
// Visits `*root` first (so it can be replaced too), then everything below it.
bool walk_nodes(PgQuery__Node** root, const NodeVisitor& visit);
bool walk_nodes(NodePtr& root, const NodeVisitor& visit);

// Called with each message at or below the root, except the PgQuery__Node wrappers themselves
// (their inner message is visited instead). This reaches messages that are held directly rather
// than through a Node, such as InsertStmt.relation (a RangeVar) or TypeCast.type_name. No
// replacement here; compare message->descriptor with e.g. &pg_query__range_var__descriptor.
using MessageVisitor = std::function<WalkAction(ProtobufCMessage* message)>;
bool walk_messages(ProtobufCMessage* root, const MessageVisitor& visit);

// Every message of one type at or below `root`, in walk order, e.g.
// collect<PgQuery__RangeVar>(&tree.get()->base, pg_query__range_var__descriptor).
// The pointers stay valid until the tree is edited.
template <class Message>
std::vector<Message*> collect(ProtobufCMessage* root, const ProtobufCMessageDescriptor& type) {
  std::vector<Message*> found;
  walk_messages(root, [&](ProtobufCMessage* m) {
    if (m->descriptor == &type) found.push_back(reinterpret_cast<Message*>(m));
    return WalkAction::kDescend;
  });
  return found;
}

}  // namespace switchyard::rewrite::pg
