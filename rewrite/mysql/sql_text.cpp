// Edits, names, column references and volatility for the MySQL rewriter (sql_text.h).
#include "rewrite/mysql/sql_text.h"

#include <algorithm>

#include "rewrite/mysql/statement_facts.h"

namespace switchyard::rewrite::mysql {

void TextEdits::replace(uint32_t begin, uint32_t end, std::string text) {
  // Edits strictly inside the new range are folded into `text` by the caller; an insert at either
  // end stays only if the range is itself an insert point (two inserts at one point keep order).
  std::erase_if(edits_, [&](const Edit& e) {
    return begin < end && e.begin >= begin && e.end <= end && !(e.begin == e.end && (e.begin == begin || e.begin == end));
  });
  edits_.push_back(Edit{begin, end, std::move(text)});
}

std::string TextEdits::text(std::string_view source, uint32_t begin, uint32_t end, bool ends) const {
  std::vector<const Edit*> inside;
  for (const Edit& e : edits_)
    if (e.begin >= begin && e.end <= end && (ends || !(e.begin == e.end && begin < end && (e.begin == begin || e.begin == end))))
      inside.push_back(&e);
  // By position; at one position an insert before a replacement, inserts in insertion order.
  std::stable_sort(inside.begin(), inside.end(), [](const Edit* a, const Edit* b) {
    if (a->begin != b->begin) return a->begin < b->begin;
    return (a->begin == a->end) && (b->begin != b->end);
  });
  std::string out;
  uint32_t at = begin;
  for (const Edit* e : inside) {
    if (e->begin < at) continue;  // overlapping: cannot happen for well-formed edits
    out.append(source.substr(at, e->begin - at));
    out += e->text;
    at = e->end;
  }
  if (at < end) out.append(source.substr(at, end - at));
  return out;
}

std::string quote_identifier(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    out += c;
    if (c == '`') out += '`';
  }
  return out + "`";
}

std::string fold(std::string&& name) {
  for (char& c : name)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return std::move(name);
}

std::string fold(std::string_view name) { return fold(std::string(name)); }

Range expression_range(const Tree& tree, NodeId id) {
  const Node& n = tree.node(id);
  if (n.kind == Kind::kSubquery && n.first_child != kNoNode) return expression_range(tree, n.first_child);
  return Range{n.begin, n.end};
}

std::string parenthesised(const Tree& tree, NodeId id, const TextEdits& edits) {
  const Range r = expression_range(tree, id);
  return "(" + edits.text(tree.source(), r.begin, r.end) + ")";
}

ColumnRef column_ref(const Tree& tree, NodeId name) {
  ColumnRef r;
  r.node = name;
  r.parts = tree.child_count(name);
  if (r.parts == 0) return r;
  r.column = fold(identifier_value(tree.node(tree.child(name, r.parts - 1)).text));
  if (r.parts >= 2) r.qualifier = fold(identifier_value(tree.node(tree.child(name, r.parts - 2)).text));
  return r;
}

namespace {

void collect(const Tree& t, NodeId id, bool in_subqueries, bool* found_subquery, std::vector<ColumnRef>& out) {
  const Node& n = t.node(id);
  switch (n.kind) {
    case Kind::kName: out.push_back(column_ref(t, id)); return;
    case Kind::kStar:
    case Kind::kTable:
    case Kind::kNextValue:
    case Kind::kType:
    case Kind::kIdent: return;
    case Kind::kSubquery:
    case Kind::kExists:
    case Kind::kDerived:
      if (found_subquery != nullptr) *found_subquery = true;
      if (!in_subqueries) return;
      break;
    case Kind::kAssign:  // the target is not a read
      if (n.first_child != kNoNode && t.node(n.first_child).next_sibling != kNoNode)
        collect(t, t.node(n.first_child).next_sibling, in_subqueries, found_subquery, out);
      return;
    case Kind::kFunction: {  // child 0: the qualifier (db.f), absent or a name that is no column
      size_t i = 0;
      for (NodeId c = n.first_child; c != kNoNode; c = t.node(c).next_sibling) {
        i += t.node(c).gap;
        if (i > 0) collect(t, c, in_subqueries, found_subquery, out);
        ++i;
      }
      return;
    }
    default: break;
  }
  for (NodeId c = n.first_child; c != kNoNode; c = t.node(c).next_sibling) collect(t, c, in_subqueries, found_subquery, out);
}

bool volatile_walk(const Tree& t, NodeId id, std::string* why) {
  const Node& n = t.node(id);
  std::string reason;
  switch (n.kind) {
    case Kind::kFunction:
    case Kind::kSpecialCall:
    case Kind::kGroupConcat: {
      size_t args = t.child_count(id);
      if (n.kind == Kind::kFunction && args > 0) --args;
      const bool qualified = n.kind == Kind::kFunction && t.child(id, 0) != kNoNode;
      if (qualified || builtin_volatility(identifier_value(n.text), args) == Volatility::kVolatile)
        reason = std::string(n.text) + ((n.flags & flag::kNoParens) ? "" : "()");
      break;
    }
    case Kind::kNextValue: reason = "NEXT VALUE FOR"; break;
    case Kind::kBinary:
      if (n.text == ":=") reason = ":=";
      break;
    case Kind::kLock: reason = "a locking read"; break;
    default: break;
  }
  if (!reason.empty()) {
    if (why != nullptr) *why = reason;
    return true;
  }
  for (NodeId c = n.first_child; c != kNoNode; c = t.node(c).next_sibling)
    if (volatile_walk(t, c, why)) return true;
  return false;
}

void leaves(const Tree& t, NodeId q, std::vector<NodeId>& out) {
  if (q == kNoNode) return;
  const Node& n = t.node(q);
  switch (n.kind) {
    case Kind::kSelect: out.push_back(q); return;
    case Kind::kParenQuery: leaves(t, t.child(q, 0), out); return;
    case Kind::kSetOp:
      leaves(t, t.child(q, 0), out);
      leaves(t, t.child(q, 1), out);
      return;
    case Kind::kWith: {  // the body is the last child
      NodeId last = kNoNode;
      for (NodeId c = n.first_child; c != kNoNode; c = t.node(c).next_sibling) last = c;
      leaves(t, last, out);
      return;
    }
    default: return;
  }
}

}  // namespace

std::vector<ColumnRef> column_refs(const Tree& tree, NodeId id, bool in_subqueries, bool* found_subquery) {
  std::vector<ColumnRef> out;
  if (id != kNoNode) collect(tree, id, in_subqueries, found_subquery, out);
  return out;
}

bool may_be_volatile(const Tree& tree, NodeId id, std::string* why) { return id != kNoNode && volatile_walk(tree, id, why); }

std::vector<NodeId> children(const Tree& t, NodeId id) {
  std::vector<NodeId> out;
  if (id == kNoNode) return out;
  for (NodeId c = t.node(id).first_child; c != kNoNode; c = t.node(c).next_sibling) out.push_back(c);
  return out;
}

bool has_placeholder(const Tree& t, NodeId id) {
  if (id == kNoNode) return false;
  if (t.node(id).kind == Kind::kParam) return true;
  for (NodeId c = t.node(id).first_child; c != kNoNode; c = t.node(c).next_sibling)
    if (has_placeholder(t, c)) return true;
  return false;
}

std::vector<NodeId> select_leaves(const Tree& tree, NodeId query) {
  std::vector<NodeId> out;
  leaves(tree, query, out);
  return out;
}

}  // namespace switchyard::rewrite::mysql
