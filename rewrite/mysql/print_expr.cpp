// Printing expressions: each operand gets parentheses when it binds more loosely than its place
// in the parent needs (the levels of parse_expr.cpp), so printing and parsing again gives the same
// tree.
#include "rewrite/mysql/keywords.h"
#include "rewrite/mysql/printer_impl.h"

namespace switchyard::rewrite::mysql::detail {
namespace {

int binary_level(std::string_view op) {
  if (op == ":=") return kPrecAssign;
  if (op == "OR") return kPrecOr;
  if (op == "XOR") return kPrecXor;
  if (op == "AND") return kPrecAnd;
  if (op == "=" || op == "<=>" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") return kPrecCompare;
  if (op == "|") return kPrecBitOr;
  if (op == "&") return kPrecBitAnd;
  if (op == "<<" || op == ">>") return kPrecShift;
  if (op == "+" || op == "-") return kPrecAdd;
  if (op == "*" || op == "/" || op == "%" || op == "DIV" || op == "MOD") return kPrecMul;
  if (op == "^") return kPrecXorBits;
  if (op == "||") return kPrecConcat;
  return kPrecPrimary;  // -> ->>
}

}  // namespace

bool is_expression(Kind kind) {
  switch (kind) {
    case Kind::kName: case Kind::kStar: case Kind::kLiteral: case Kind::kIntroduced: case Kind::kTypedLiteral:
    case Kind::kParam: case Kind::kVariable: case Kind::kDefault: case Kind::kUnary: case Kind::kBinary:
    case Kind::kIs: case Kind::kCompareSub: case Kind::kIn: case Kind::kBetween: case Kind::kLike:
    case Kind::kRegexp: case Kind::kSoundsLike: case Kind::kMemberOf: case Kind::kCase: case Kind::kCast:
    case Kind::kConvert: case Kind::kCollate: case Kind::kInterval: case Kind::kFunction:
    case Kind::kGroupConcat: case Kind::kSpecialCall: case Kind::kExists: case Kind::kSubquery: case Kind::kRow:
    case Kind::kNextValue: case Kind::kIdent: case Kind::kType:
      return true;
    default:
      return false;
  }
}

int precedence(const Tree& tree, NodeId id) {
  const Node& n = tree.node(id);
  switch (n.kind) {
    case Kind::kBinary: return binary_level(n.text);
    case Kind::kUnary: return n.text == "NOT" ? kPrecNot : kPrecUnary;
    case Kind::kIs: return (n.flags & ~flag::kIsNot) == flag::kIsNull ? kPrecCompare : kPrecIsTruth;
    case Kind::kCompareSub: return kPrecCompare;
    case Kind::kIn: case Kind::kBetween: case Kind::kLike: case Kind::kRegexp: case Kind::kSoundsLike:
    case Kind::kMemberOf:
      return kPrecPredicate;
    case Kind::kCollate: return kPrecUnary;
    default: return kPrecPrimary;
  }
}

void Printer::expr(NodeId id, int required) {
  const Node& x = n(id);
  const bool parens = precedence(t_, id) < required;
  if (parens) put("(");
  NodeId first3[3] = {kNoNode, kNoNode, kNoNode};  // the first three positions, absent ones kNoNode
  size_t at = 0;
  for (NodeId k = x.first_child; k != kNoNode && at < 3; k = n(k).next_sibling) {
    at += n(k).gap;
    if (at < 3) first3[at] = k;
    ++at;
  }
  const NodeId c0 = first3[0], c1 = first3[1], c2 = first3[2];
  switch (x.kind) {
    case Kind::kIdent: case Kind::kParam: case Kind::kVariable: case Kind::kDefault: case Kind::kType:
      put(x.text);
      break;
    case Kind::kLiteral:
      put(x.text);
      for (NodeId c = c0; c != kNoNode; c = n(c).next_sibling) {
        put(" ");
        put(n(c).text);
      }
      break;
    case Kind::kIntroduced: case Kind::kTypedLiteral:
      put(x.text);
      put(" ");
      expr(c0, kPrecPrimary);
      break;
    case Kind::kName:
      list(id, ".");
      break;
    case Kind::kStar:
      if (!empty(c0)) {
        expr(c0, kPrecAny);
        put(".");
      }
      put("*");
      break;
    case Kind::kUnary: {
      put(x.text);
      if (x.text == "NOT" || x.text == "BINARY") {
        put(" ");
        expr(c0, x.text == "NOT" ? kPrecNot : kPrecUnary);
        break;
      }
      Printer inner(t_);
      inner.expr(c0, kPrecUnary);
      const std::string operand = inner.take();
      if (!operand.empty() && (operand[0] == '-' || operand[0] == '+')) put(" ");
      put(operand);
      break;
    }
    case Kind::kBinary: {
      const int level = binary_level(x.text);
      const bool arrow = level == kPrecPrimary;
      expr(c0, level == kPrecAssign || arrow ? kPrecPrimary : level);
      if (arrow) {
        put(x.text);
      } else {
        put(" ");
        put(x.text);
        put(" ");
      }
      expr(c1, level == kPrecAssign ? kPrecAssign : level == kPrecCompare ? kPrecPredicate : arrow ? kPrecPrimary : level + 1);
      break;
    }
    case Kind::kIs: {
      const uint32_t what = x.flags & ~flag::kIsNot;
      expr(c0, what == flag::kIsNull ? kPrecCompare : kPrecIsTruth);
      put((x.flags & flag::kIsNot) ? " IS NOT " : " IS ");
      put(what == flag::kIsNull ? "NULL" : what == flag::kIsTrue ? "TRUE" : what == flag::kIsFalse ? "FALSE" : "UNKNOWN");
      break;
    }
    case Kind::kCompareSub:
      expr(c0, kPrecCompare);
      put(" ");
      put(x.text);
      put(x.flags == flag::kAny ? " ANY " : x.flags == flag::kAllSub ? " ALL " : " SOME ");
      expr(c1, kPrecPrimary);
      break;
    case Kind::kIn:
      expr(c0, kPrecBitOr);
      put((x.flags & flag::kNot) ? " NOT IN " : " IN ");
      if (n(c1).kind == Kind::kSubquery) {
        expr(c1, kPrecPrimary);
      } else {
        put("(");
        list(c1, ", ");
        put(")");
      }
      break;
    case Kind::kBetween:
      expr(c0, kPrecBitOr);
      put((x.flags & flag::kNot) ? " NOT BETWEEN " : " BETWEEN ");
      expr(c1, kPrecBitOr);
      put(" AND ");
      expr(c2, kPrecPredicate);
      break;
    case Kind::kLike:
      expr(c0, kPrecBitOr);
      put((x.flags & flag::kNot) ? " NOT LIKE " : " LIKE ");
      expr(c1, kPrecUnary);
      if (c2 != kNoNode) {
        put(" ESCAPE ");
        expr(c2, kPrecUnary);
      }
      break;
    case Kind::kRegexp:
      expr(c0, kPrecBitOr);
      put((x.flags & flag::kNot) ? " NOT REGEXP " : " REGEXP ");
      expr(c1, kPrecBitOr);
      break;
    case Kind::kSoundsLike:
      expr(c0, kPrecBitOr);
      put(" SOUNDS LIKE ");
      expr(c1, kPrecBitOr);
      break;
    case Kind::kMemberOf:
      expr(c0, kPrecBitOr);
      put(" MEMBER OF (");
      expr(c1, kPrecAny);
      put(")");
      break;
    case Kind::kCase:
      put("CASE");
      if (!empty(c0)) {
        put(" ");
        expr(c0, kPrecAny);
      }
      for (NodeId c = c1; c != kNoNode; c = n(c).next_sibling) {
        if (n(c).kind == Kind::kWhen) {
          put(" WHEN ");
          expr(n(c).first_child, kPrecAny);
          put(" THEN ");
          expr(n(n(c).first_child).next_sibling, kPrecAny);
        } else if (!empty(c)) {
          put(" ELSE ");
          expr(c, kPrecAny);
        }
      }
      put(" END");
      break;
    case Kind::kCast:
      put("CAST(");
      expr(c0, kPrecAny);
      put(" AS ");
      put(n(c1).text);
      put(")");
      break;
    case Kind::kConvert:
      put("CONVERT(");
      expr(c0, kPrecAny);
      put((x.flags & flag::kConvertUsing) ? " USING " : ", ");
      put(n(c1).text);
      put(")");
      break;
    case Kind::kCollate:
      expr(c0, kPrecPrimary);
      put(" COLLATE ");
      put(x.text);
      break;
    case Kind::kInterval:
      put("INTERVAL ");
      expr(c0, kPrecAssign + 1);
      put(" ");
      put(x.text);
      break;
    case Kind::kFunction:
      if (!empty(c0)) {
        expr(c0, kPrecAny);
        put(".");
      }
      put(x.text);
      if (x.flags & flag::kNoParens) break;
      put("(");
      if (x.flags & flag::kFnDistinct) put("DISTINCT ");
      children_from(c1, ", ");
      put(")");
      break;
    case Kind::kGroupConcat:
      put(x.text);
      put((x.flags & flag::kFnDistinct) ? "(DISTINCT " : "(");
      list(c0, ", ");
      if (!empty(c1)) {
        put(" ORDER BY ");
        list(c1, ", ");
      }
      if (!empty(c2)) {
        put(" SEPARATOR ");
        put(n(c2).text);
      }
      put(")");
      break;
    case Kind::kSpecialCall: {
      put(x.text);
      put("(");
      const bool trim = same_word(x.text, "TRIM");
      const bool extract = same_word(x.text, "EXTRACT");
      const bool position = same_word(x.text, "POSITION");
      if (trim) {
        const uint32_t dir = x.flags & 3;
        if (dir != 0) put(dir == flag::kTrimLeading ? "LEADING " : dir == flag::kTrimTrailing ? "TRAILING " : "BOTH ");
        if ((x.flags & flag::kTrimFrom) && c1 == kNoNode) {
          put("FROM ");
          expr(c0, kPrecAny);
        } else {
          expr(c0, kPrecAny);
          if (x.flags & flag::kTrimFrom) {
            put(" FROM ");
            expr(c1, kPrecAny);
          }
        }
      } else if (extract) {
        put(n(c0).text);
        put(" FROM ");
        expr(c1, kPrecAny);
      } else if (position) {
        expr(c0, kPrecBitOr);
        put(" IN ");
        expr(c1, kPrecAny);
      } else if (x.flags & flag::kSubstrFrom) {
        expr(c0, kPrecAny);
        put(" FROM ");
        expr(c1, kPrecAny);
        if (c2 != kNoNode) {
          put(" FOR ");
          expr(c2, kPrecAny);
        }
      } else {  // SUBSTRING(a, b[, c]), CHAR(a, ... [USING cs])
        for (NodeId c = c0; c != kNoNode; c = n(c).next_sibling) {
          const bool last = n(c).next_sibling == kNoNode;
          if (c != c0) put(last && (x.flags & flag::kCharUsing) ? " USING " : ", ");
          expr(c, kPrecAny);
        }
      }
      put(")");
      break;
    }
    case Kind::kExists:
      put("EXISTS ");
      expr(c0, kPrecPrimary);
      break;
    case Kind::kSubquery:
      put("(");
      query_or_clause(c0);
      put(")");
      break;
    case Kind::kRow:
      put((x.flags & flag::kRowKeyword) ? "ROW(" : "(");
      children_from(c0, ", ");
      put(")");
      break;
    case Kind::kNextValue:
      put("NEXT VALUE FOR ");
      expr(c0, kPrecAny);
      break;
    default:
      query_or_clause(id);
      break;
  }
  if (parens) put(")");
}

void Printer::children_from(NodeId first, std::string_view separator, int required) {
  for (NodeId c = first; c != kNoNode; c = n(c).next_sibling) {
    if (c != first) put(separator);
    node(c, required);
  }
}

void Printer::list(NodeId id, std::string_view separator, int required) {
  children_from(n(id).first_child, separator, required);
}

void Printer::node(NodeId id, int required) {
  if (empty(id)) return;
  if (is_expression(n(id).kind)) {
    expr(id, required);
  } else {
    query_or_clause(id);
  }
}

}  // namespace switchyard::rewrite::mysql::detail
