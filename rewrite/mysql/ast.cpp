// The MySQL syntax tree's arena (ast.h).
#include "rewrite/mysql/ast.h"

namespace switchyard::rewrite::mysql {

NodeId Tree::child(NodeId id, size_t i) const {
  size_t at = 0;  // the position of c
  for (NodeId c = nodes_[id].first_child; c != kNoNode; c = nodes_[c].next_sibling) {
    at += nodes_[c].gap;
    if (at >= i) return at == i ? c : kNoNode;
    ++at;
  }
  return kNoNode;
}

size_t Tree::child_count(NodeId id) const {
  size_t n = 0;
  for (NodeId c = nodes_[id].first_child; c != kNoNode; c = nodes_[c].next_sibling) n += nodes_[c].gap + 1u;
  return n;
}

std::string_view Tree::source_text(NodeId id) const {
  const Node& n = nodes_[id];
  if (n.end > source_.size() || n.begin > n.end) return {};
  return source_.substr(n.begin, n.end - n.begin);
}

void Tree::append(NodeId parent, NodeId child) {
  NodeId* link = &nodes_[parent].first_child;
  while (*link != kNoNode) link = &nodes_[*link].next_sibling;
  nodes_[child].gap = 0;
  *link = child;
}

void Tree::replace_child(NodeId parent, size_t i, NodeId child) {
  NodeId* link = &nodes_[parent].first_child;
  size_t at = 0;  // the first position *link may take
  while (*link != kNoNode) {
    Node& c = nodes_[*link];
    const size_t c_at = at + c.gap;
    if (c_at == i) {  // in place of c
      nodes_[child].gap = c.gap;
      nodes_[child].next_sibling = c.next_sibling;
      *link = child;
      return;
    }
    if (c_at > i) {  // into c's gap: the absent ones before i stay before child, the rest before c
      nodes_[child].gap = static_cast<uint8_t>(i - at);
      c.gap = static_cast<uint8_t>(c_at - i - 1);
      nodes_[child].next_sibling = *link;
      *link = child;
      return;
    }
    at = c_at + 1;
    link = &c.next_sibling;
  }
  nodes_[child].gap = static_cast<uint8_t>(i - at);  // past the last present child
  nodes_[child].next_sibling = kNoNode;
  *link = child;
}

std::string_view Tree::own(std::string text) {
  owned_.push_back(std::make_unique<std::string>(std::move(text)));
  return *owned_.back();
}

void Tree::reset(std::string_view source, size_t nodes) {
  source_ = source;
  nodes_.clear();
  nodes_.reserve(nodes);
  owned_.clear();
  root_ = kNoNode;
}

bool same_tree(const Tree& a, NodeId na, const Tree& b, NodeId nb) {
  if (na == kNoNode || nb == kNoNode) return na == nb;
  const Node& x = a.node(na);
  const Node& y = b.node(nb);
  if (x.kind != y.kind || x.flags != y.flags || x.text != y.text) return false;
  NodeId cx = x.first_child;
  NodeId cy = y.first_child;
  while (cx != kNoNode && cy != kNoNode) {
    if (a.node(cx).gap != b.node(cy).gap || !same_tree(a, cx, b, cy)) return false;
    cx = a.node(cx).next_sibling;
    cy = b.node(cy).next_sibling;
  }
  return cx == kNoNode && cy == kNoNode;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kEmpty: return "Empty";
    case Kind::kList: return "List";
    case Kind::kSelect: return "Select";
    case Kind::kSetOp: return "SetOp";
    case Kind::kParenQuery: return "ParenQuery";
    case Kind::kWith: return "With";
    case Kind::kCte: return "Cte";
    case Kind::kInsert: return "Insert";
    case Kind::kValues: return "Values";
    case Kind::kUpdate: return "Update";
    case Kind::kDelete: return "Delete";
    case Kind::kTruncate: return "Truncate";
    case Kind::kAssign: return "Assign";
    case Kind::kRowAlias: return "RowAlias";
    case Kind::kSelectItem: return "SelectItem";
    case Kind::kOrderItem: return "OrderItem";
    case Kind::kLimit: return "Limit";
    case Kind::kLock: return "Lock";
    case Kind::kTable: return "Table";
    case Kind::kIndexHint: return "IndexHint";
    case Kind::kDerived: return "Derived";
    case Kind::kJoin: return "Join";
    case Kind::kOn: return "On";
    case Kind::kUsing: return "Using";
    case Kind::kIdent: return "Ident";
    case Kind::kName: return "Name";
    case Kind::kStar: return "Star";
    case Kind::kLiteral: return "Literal";
    case Kind::kIntroduced: return "Introduced";
    case Kind::kTypedLiteral: return "TypedLiteral";
    case Kind::kParam: return "Param";
    case Kind::kVariable: return "Variable";
    case Kind::kDefault: return "Default";
    case Kind::kUnary: return "Unary";
    case Kind::kBinary: return "Binary";
    case Kind::kIs: return "Is";
    case Kind::kCompareSub: return "CompareSub";
    case Kind::kIn: return "In";
    case Kind::kBetween: return "Between";
    case Kind::kLike: return "Like";
    case Kind::kRegexp: return "Regexp";
    case Kind::kSoundsLike: return "SoundsLike";
    case Kind::kMemberOf: return "MemberOf";
    case Kind::kCase: return "Case";
    case Kind::kWhen: return "When";
    case Kind::kCast: return "Cast";
    case Kind::kConvert: return "Convert";
    case Kind::kType: return "Type";
    case Kind::kCollate: return "Collate";
    case Kind::kInterval: return "Interval";
    case Kind::kFunction: return "Function";
    case Kind::kGroupConcat: return "GroupConcat";
    case Kind::kSpecialCall: return "SpecialCall";
    case Kind::kExists: return "Exists";
    case Kind::kSubquery: return "Subquery";
    case Kind::kRow: return "Row";
    case Kind::kNextValue: return "NextValue";
  }
  return "?";
}

}  // namespace switchyard::rewrite::mysql
