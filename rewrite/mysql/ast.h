// The syntax tree of one MySQL statement: a flat arena of nodes (Tree owns them; a NodeId is an
// index), each with a kind, flags, the text it spells and its byte range [begin, end) in the
// parsed statement, so a rewrite can splice the original text instead of reprinting it.
//
// Ownership: a node's `text` is a view into the statement text given to parse() (which must
// outlive the Tree) or into text the Tree owns (Tree::own, for nodes a rewrite adds). Identifiers
// and literals keep their spelling (`a``b`, 'it''s', _utf8mb4'x', 0x0F), so printing them back is
// exact under the same LexicalSettings; operators and keywords are canonical ("AND" for &&, "<>"
// for !=, "OR" for || without PIPES_AS_CONCAT). Parentheses are not nodes: the printer adds what
// precedence needs. Children are in a fixed order per kind (see Kind), so child(i) always means
// the same thing; an absent optional part has no node: child(i) is kNoNode, and the next
// present child records how many absent ones come before it (Node::gap).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::rewrite::mysql {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFFu;

// The children of each kind, in order ([x]: may be absent, child(i) == kNoNode; x...: any number).
enum class Kind : uint8_t {
  kEmpty,       // no parsed tree holds it (absent parts have no node); StatementFacts' default
  kList,        // items...  (select list, FROM list, GROUP BY, SET assignments, VALUES rows, ...)
  // Statements and query parts.
  kSelect,      // flags SelectFlag; list, [from], [where], [group], [having], [order], [limit], [lock]
  kSetOp,       // text UNION/EXCEPT/INTERSECT, flags SetOpFlag; left, right, [order], [limit]
  kParenQuery,  // (query) ORDER BY / LIMIT outside the parentheses: query, [order], [limit]
  kWith,        // flags kRecursive; kCte..., body
  kCte,         // text name; [column list], query
  kInsert,      // flags InsertFlag; table, [columns], source, [row alias], [on dup list], [returning]
  kValues,      // kRow... (each row's items may be kDefault)
  kUpdate,      // flags UpdateFlag; tables (kList of refs), assignments (kList of kAssign), [where], [order], [limit]
  kDelete,      // flags kDeleteMulti (DELETE t1 FROM ...) / kDeleteUsing (DELETE FROM t1 USING ...); [targets: kList of kName], tables (kList of refs), [where], [order], [limit], [returning]
  kTruncate,    // flags kTableKeyword; table kName
  kAssign,      // column kName, value expression (or kDefault)
  kRowAlias,    // text alias; [column list]  (INSERT ... VALUES (...) AS new(a, b))
  kSelectItem,  // expression or kStar, [alias kIdent]
  kOrderItem,   // flags kAsc/kDesc; expression
  kLimit,       // flags kLimitComma (LIMIT offset, count); count, [offset]
  kLock,        // flags LockFlag; [of tables], [wait seconds]
  kTable,       // kName, [alias kIdent], [index hints: kList of kIndexHint]
  kIndexHint,   // text USE/FORCE/IGNORE, flags IndexHintFlag; kList of kIdent
  kDerived,     // flags kLateral; query, alias kIdent, [column list]
  kJoin,        // flags JoinFlag; left, right, [kOn expression | kUsing list]
  kOn,          // expression
  kUsing,       // kIdent...
  // Names.
  kIdent,       // text: one identifier as spelled (a, `a`, "a" under ANSI_QUOTES)
  kName,        // kIdent... : db.t, t.c, db.t.c, c
  kStar,        // [qualifier kName]: *, t.*, db.t.*
  // Expressions.
  kLiteral,     // flags LiteralFlag; text as spelled. Adjacent strings 'a' 'b': children the parts
  kIntroduced,  // text the introducer (_utf8mb4), flags kCollateAfter?; literal
  kTypedLiteral,// text DATE/TIME/TIMESTAMP; string literal
  kParam,       // text "?"; flags: 0-based ordinal among the statement's placeholders
  kVariable,    // text @x, @@x, @@session.x
  kDefault,     // DEFAULT (in VALUES and SET)
  kUnary,       // text "-", "~", "!", "NOT", "BINARY"; operand
  kBinary,      // text the operator (canonical: "OR", "XOR", "AND", "=", "<=>", "<>", "||" (concat), ":=", "->", "->>", "DIV", "MOD", ...); left, right
  kIs,          // flags IsFlag; operand
  kCompareSub,  // text the operator, flags kAny/kAll; left, kSubquery
  kIn,          // flags kNot; operand, kList of values | kSubquery
  kBetween,     // flags kNot; operand, low, high
  kLike,        // flags kNot; operand, pattern, [escape]
  kRegexp,      // flags kNot; operand, pattern
  kSoundsLike,  // left, right
  kMemberOf,    // value, json array
  kCase,        // [operand], kWhen..., [else]
  kWhen,        // condition, result
  kCast,        // expression, kType  (CAST(x AS t))
  kConvert,     // flags kConvertUsing; expression, kType | kIdent charset
  kType,        // text the type as spelled (CHAR(10) CHARACTER SET utf8mb4, SIGNED, DECIMAL(10,2))
  kCollate,     // text collation; expression
  kInterval,    // text the unit (canonical: DAY, HOUR_MINUTE, ...); expression
  kFunction,    // text name as spelled, flags FunctionFlag; [qualifier kName], args...
  kGroupConcat, // flags kDistinct; kList args, [order], [separator literal]
  kSpecialCall, // text TRIM/SUBSTRING/EXTRACT/POSITION/CHAR form, flags SpecialFlag; operands (see the parser)
  kExists,      // kSubquery
  kSubquery,    // query
  kRow,         // flags kRowKeyword; items...  ((a, b), ROW(a, b), a VALUES row)
  kNextValue,   // kName (NEXT VALUE FOR seq: MariaDB sequences)
};

// Flag bits by kind (one namespace of constants per kind keeps them apart).
namespace flag {
// kSelect
inline constexpr uint32_t kDistinct = 1, kDistinctRow = 2, kAll = 4, kHighPriority = 8, kStraightJoin = 16,
                          kSmallResult = 32, kBigResult = 64, kBufferResult = 128, kNoCache = 256, kCache = 512,
                          kCalcFoundRows = 1024, kWithRollup = 2048;
// kSetOp
inline constexpr uint32_t kSetAll = 1, kSetDistinct = 2;
// kWith
inline constexpr uint32_t kRecursive = 1;
// kInsert
inline constexpr uint32_t kReplace = 1, kLowPriority = 2, kDelayed = 4, kInsertHighPriority = 8, kIgnore = 16,
                          kSourceSet = 32, kSourceQuery = 64;
// kUpdate and kDelete (kLowPriority, kIgnore as above)
inline constexpr uint32_t kQuick = 32, kDeleteMulti = 64, kDeleteUsing = 128;
// kTruncate
inline constexpr uint32_t kTableKeyword = 1;
// kOrderItem
inline constexpr uint32_t kAsc = 1, kDesc = 2;
// kLimit
inline constexpr uint32_t kLimitComma = 1;
// kLock
inline constexpr uint32_t kForUpdate = 1, kForShare = 2, kLockInShareMode = 4, kNoWait = 8, kSkipLocked = 16,
                          kWait = 32;
// kIndexHint
inline constexpr uint32_t kHintKey = 1, kHintForJoin = 2, kHintForOrderBy = 4, kHintForGroupBy = 8;
// kDerived
inline constexpr uint32_t kLateral = 1;
// kJoin: the join's type
inline constexpr uint32_t kJoinComma = 0, kJoinInner = 1, kJoinCross = 2, kJoinLeft = 3, kJoinRight = 4,
                          kJoinStraight = 5, kJoinNatural = 6, kJoinNaturalLeft = 7, kJoinNaturalRight = 8,
                          kJoinInnerKeyword = 16, kJoinOuterKeyword = 32;
// kLiteral
inline constexpr uint32_t kString = 1, kNational = 2, kNumber = 3, kHex = 4, kBit = 5, kNull = 6, kTrue = 7,
                          kFalse = 8;
// kIs
inline constexpr uint32_t kIsNot = 16, kIsNull = 1, kIsTrue = 2, kIsFalse = 3, kIsUnknown = 4;
// kCompareSub
inline constexpr uint32_t kAny = 1, kAllSub = 2, kSome = 3;
// kIn, kBetween, kLike, kRegexp
inline constexpr uint32_t kNot = 1;
// kConvert
inline constexpr uint32_t kConvertUsing = 1;
// kFunction
inline constexpr uint32_t kFnDistinct = 1, kNoParens = 2, kFnStarArg = 4;
// kSpecialCall (TRIM)
inline constexpr uint32_t kTrimLeading = 1, kTrimTrailing = 2, kTrimBoth = 3, kTrimFrom = 4,
                          kSubstrFrom = 8, kSubstrFor = 16, kCharUsing = 32;
// kRow
inline constexpr uint32_t kRowKeyword = 1;
}  // namespace flag

struct Node {
  Kind kind = Kind::kEmpty;
  uint8_t gap = 0;  // absent children of the parent just before this one (child(i) == kNoNode)
  uint32_t flags = 0;
  uint32_t begin = 0;  // byte range in the statement text
  uint32_t end = 0;
  std::string_view text;
  NodeId first_child = kNoNode;
  NodeId next_sibling = kNoNode;
};

class Tree {
 public:
  NodeId root() const { return root_; }
  const Node& node(NodeId id) const { return nodes_[id]; }
  Node& node(NodeId id) { return nodes_[id]; }
  size_t size() const { return nodes_.size(); }
  std::string_view source() const { return source_; }

  // The i-th child (0-based), or kNoNode when that optional part is absent or i is past the end.
  NodeId child(NodeId id, size_t i) const;
  // The children's positions through the last present one (absent ones before it counted).
  size_t child_count(NodeId id) const;
  // The node's original text (its byte range in the source).
  std::string_view source_text(NodeId id) const;

  // For the parser and rewrites: a node with no children yet, appended to the arena.
  // Inline: the parser adds a node per token or so, and a call costs as much as the append.
  NodeId add(Kind kind, uint32_t begin, uint32_t end, std::string_view text = {}, uint32_t flags = 0) {
    const auto id = static_cast<NodeId>(nodes_.size());
    nodes_.push_back(Node{kind, 0, flags, begin, end, text, kNoNode, kNoNode});
    return id;
  }
  // Appends `child` to `parent`'s children, right after the last present one (O(children);
  // lists keep their own tail while parsing).
  void append(NodeId parent, NodeId child);
  // Puts `child` (which must have no siblings) at `parent`'s i-th position, in place of the
  // child there or where an absent one (or one past the end) would be.
  void replace_child(NodeId parent, size_t i, NodeId child);
  // A copy of `text` that lives as long as the Tree, for a rewrite's new names and literals.
  std::string_view own(std::string text);
  void set_root(NodeId id) { root_ = id; }
  // Empties the tree for a parse of `source`, reserving room for about `nodes` nodes.
  void reset(std::string_view source, size_t nodes = 0);

 private:
  std::string_view source_;
  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<std::string>> owned_;  // stable addresses; no allocation until used
  NodeId root_ = kNoNode;
};

// Whether two subtrees are the same statement: kinds, flags, texts and children, byte ranges
// aside. What the round-trip property (parse, print, parse) checks.
bool same_tree(const Tree& a, NodeId na, const Tree& b, NodeId nb);

// The kind's name without its k ("Select", "Binary").
const char* kind_name(Kind kind);

}  // namespace switchyard::rewrite::mysql
