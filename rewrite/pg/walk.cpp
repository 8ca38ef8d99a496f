// The descriptor-driven walker: reads each message field through its protobuf-c field descriptor.
#include "rewrite/pg/walk.h"

#include <cstdint>
#include <cstring>

namespace switchyard::rewrite::pg {
namespace {

bool is_node(const ProtobufCMessageDescriptor* d) { return d == &pg_query__node__descriptor; }

template <class T>
T read_at(const ProtobufCMessage* m, unsigned offset) {
  T value;
  std::memcpy(&value, reinterpret_cast<const char*>(m) + offset, sizeof value);
  return value;
}

class Walker {
 public:
  Walker(const NodeVisitor* on_node, const MessageVisitor* on_message)
      : on_node_(on_node), on_message_(on_message) {}

  // Visits the children of `m`. False once a callback said kStop.
  bool children(ProtobufCMessage* m) {
    const ProtobufCMessageDescriptor* d = m->descriptor;
    for (unsigned i = 0; i < d->n_fields; ++i) {
      const ProtobufCFieldDescriptor& f = d->fields[i];
      if (f.type != PROTOBUF_C_TYPE_MESSAGE) continue;
      if ((f.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 && read_at<std::uint32_t>(m, f.quantifier_offset) != f.id) {
        continue;  // not the member of the oneof that is set
      }
      char* slot_base = reinterpret_cast<char*>(m) + f.offset;
      if (f.label == PROTOBUF_C_LABEL_REPEATED) {
        // Re-read the count and array on every step: a callback may have grown this list.
        for (std::size_t j = 0; j < read_at<std::size_t>(m, f.quantifier_offset); ++j) {
          char* array = read_at<char*>(m, f.offset);
          if (!slot(array + j * sizeof(void*), f)) return false;
        }
      } else if (!slot(slot_base, f)) {
        return false;
      }
    }
    return true;
  }

  // Visits the message held at `address` (a pointer-sized slot of field `f`), then its children.
  bool slot(char* address, const ProtobufCFieldDescriptor& f) {
    const auto* type = static_cast<const ProtobufCMessageDescriptor*>(f.descriptor);
    if (is_node(type)) return node_slot(reinterpret_cast<PgQuery__Node**>(address));
    ProtobufCMessage* m = nullptr;
    std::memcpy(&m, address, sizeof m);
    return m == nullptr || message(m);
  }

  bool node_slot(PgQuery__Node** slot) {
    PgQuery__Node* before = *slot;
    if (before == nullptr) return true;
    if (on_node_ != nullptr) {
      const WalkAction action = (*on_node_)(slot);
      if (action == WalkAction::kStop) return false;
      if (action == WalkAction::kSkipChildren || *slot != before || *slot == nullptr) return true;
    }
    return children(&before->base);
  }

  // A message reached directly (not a Node wrapper): report it, then descend.
  bool message(ProtobufCMessage* m) {
    if (on_message_ != nullptr) {
      const WalkAction action = (*on_message_)(m);
      if (action == WalkAction::kStop) return false;
      if (action == WalkAction::kSkipChildren) return true;
    }
    return children(m);
  }

 private:
  const NodeVisitor* on_node_;
  const MessageVisitor* on_message_;
};

}  // namespace

bool walk_nodes(ProtobufCMessage* root, const NodeVisitor& visit) {
  if (root == nullptr) return true;
  return Walker(&visit, nullptr).children(root);
}

bool walk_nodes(PgQuery__Node** root, const NodeVisitor& visit) {
  return Walker(&visit, nullptr).node_slot(root);
}

bool walk_nodes(NodePtr& root, const NodeVisitor& visit) {
  // The callback may replace the root; hand it back to `root` even if the callback throws.
  struct GiveBack {
    NodePtr& owner;
    PgQuery__Node* raw;
    ~GiveBack() { owner.reset(raw); }
  } guard{root, root.release()};
  return walk_nodes(&guard.raw, visit);
}

bool walk_messages(ProtobufCMessage* root, const MessageVisitor& visit) {
  if (root == nullptr) return true;
  Walker walker(nullptr, &visit);
  // A Node root is only a wrapper: start from the message it holds.
  return is_node(root->descriptor) ? walker.children(root) : walker.message(root);
}

}  // namespace switchyard::rewrite::pg
