// ParseTree: libpg_query parse to protobuf, unpack into malloc'd protobuf-c structs, and back.
#include "rewrite/pg/parse_tree.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "rewrite/pg/parentheses.h"

namespace switchyard::rewrite::pg {
namespace {

PgError error_from(const PgQueryError& e) {
  return PgError{e.message != nullptr ? e.message : "unknown libpg_query error", e.cursorpos};
}

// libpg_query's deparser reads the argument of these COPY options without checking that there is
// one, and crashes on `COPY t FROM STDIN WITH (FORMAT)` (which parses; the server refuses it):
// the option's name when a top-level COPY has one of them without a value, else "".
std::string copy_option_without_value(const PgQuery__ParseResult& result) {
  for (size_t i = 0; i < result.n_stmts; ++i) {
    const PgQuery__Node* stmt = result.stmts[i] ? result.stmts[i]->stmt : nullptr;
    if (stmt == nullptr || stmt->node_case != PG_QUERY__NODE__NODE_COPY_STMT) continue;
    const PgQuery__CopyStmt* copy = stmt->copy_stmt;
    for (size_t j = 0; j < copy->n_options; ++j) {
      const PgQuery__Node* o = copy->options[j];
      if (o == nullptr || o->node_case != PG_QUERY__NODE__NODE_DEF_ELEM || o->def_elem->arg != nullptr) continue;
      const std::string name = o->def_elem->defname ? o->def_elem->defname : "";
      for (const char* needs : {"format", "delimiter", "null", "quote", "escape", "encoding", "force_quote"})
        if (name == needs) return name;
    }
  }
  return {};
}

// Packs `result` (read only) and asks libpg_query for its SQL.
DeparseOutcome deparse_result(const PgQuery__ParseResult& result) {
  // A null in a repeated field would crash the packer; check turns that into an error.
  if (!protobuf_c_message_check(&result.base)) {
    return PgError{"malformed parse tree (a null entry in a list or a broken message)", 0};
  }
  if (const std::string option = copy_option_without_value(result); !option.empty())
    return PgError{"COPY option \"" + option + "\" needs a value", 0};
  std::string buffer(pg_query__parse_result__get_packed_size(&result), '\0');
  pg_query__parse_result__pack(&result, reinterpret_cast<std::uint8_t*>(buffer.data()));
  // Printed from a copy that carries the parentheses the deparser would leave out
  // (parentheses.h); the tree itself stays a parse tree.
  PgQuery__ParseResult* copy =
      pg_query__parse_result__unpack(nullptr, buffer.size(), reinterpret_cast<const std::uint8_t*>(buffer.data()));
  if (copy == nullptr) return PgError{"out of memory copying a parse tree", 0};
  if (add_needed_parentheses(&copy->base) > 0) {
    buffer.assign(pg_query__parse_result__get_packed_size(copy), '\0');
    pg_query__parse_result__pack(copy, reinterpret_cast<std::uint8_t*>(buffer.data()));
  }
  pg_query__parse_result__free_unpacked(copy, nullptr);
  PgQueryDeparseResult deparsed = pg_query_deparse_protobuf(PgQueryProtobuf{buffer.size(), buffer.data()});
  DeparseOutcome out = deparsed.error != nullptr ? DeparseOutcome(error_from(*deparsed.error))
                       : deparsed.query != nullptr ? DeparseOutcome(std::string(deparsed.query))
                                                   : DeparseOutcome(PgError{"deparse returned nothing", 0});
  pg_query_free_deparse_result(deparsed);
  return out;
}

// A ParseResult on the stack that borrows one statement: packing only reads it, and it is never
// passed to free_unpacked, so nothing is freed twice.
DeparseOutcome deparse_borrowed(const PgQuery__RawStmt* raw, std::int32_t version) {
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  PgQuery__RawStmt* stmts[1] = {const_cast<PgQuery__RawStmt*>(raw)};
  result.version = version;
  result.n_stmts = 1;
  result.stmts = stmts;
  return deparse_result(result);
}

}  // namespace

ParseOutcome ParseTree::parse(std::string_view sql) {
  // libpg_query reads a C string: a NUL would silently cut the text (and hide statements).
  if (const auto nul = sql.find('\0'); nul != std::string_view::npos) {
    return PgError{"SQL text contains a NUL byte", static_cast<int>(nul) + 1};
  }
  const std::string text(sql);
  PgQueryProtobufParseResult parsed = pg_query_parse_protobuf(text.c_str());
  if (parsed.error != nullptr) {
    PgError error = error_from(*parsed.error);
    pg_query_free_protobuf_parse_result(parsed);
    return error;
  }
  PgQuery__ParseResult* result = pg_query__parse_result__unpack(
      nullptr, parsed.parse_tree.len, reinterpret_cast<const std::uint8_t*>(parsed.parse_tree.data));
  pg_query_free_protobuf_parse_result(parsed);
  if (result == nullptr) return PgError{"could not decode libpg_query's parse tree", 0};
  return ParseTree(result);
}

ParseTree::ParseTree(ParseTree&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}

ParseTree& ParseTree::operator=(ParseTree&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) pg_query__parse_result__free_unpacked(result_, nullptr);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

ParseTree::~ParseTree() {
  if (result_ != nullptr) pg_query__parse_result__free_unpacked(result_, nullptr);
}

DeparseOutcome ParseTree::deparse() const {
  if (result_ == nullptr) return std::string();
  return deparse_result(*result_);
}

DeparseOutcome ParseTree::deparse_statement(std::size_t i) const {
  return deparse_borrowed(result_->stmts[i], result_->version);
}

std::string_view ParseTree::statement_text(std::string_view sql, std::size_t i) const {
  const PgQuery__RawStmt* raw = result_->stmts[i];
  const std::size_t begin = std::min<std::size_t>(static_cast<std::size_t>(std::max(raw->stmt_location, 0)), sql.size());
  // stmt_len 0 means "to the end of the string" (the last statement, when no ';' follows it).
  const std::size_t len = raw->stmt_len <= 0 ? std::string_view::npos : static_cast<std::size_t>(raw->stmt_len);
  return sql.substr(begin, len);
}

DeparseOutcome deparse_statement(const PgQuery__Node* stmt) {
  if (stmt == nullptr) return PgError{"no statement to deparse", 0};
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = const_cast<PgQuery__Node*>(stmt);
  return deparse_borrowed(&raw, PG_VERSION_NUM);
}

DeparseOutcome deparse_expression(const PgQuery__Node* expr) {
  if (expr == nullptr) return PgError{"no expression to deparse", 0};
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = const_cast<PgQuery__Node*>(expr);
  target.location = -1;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[1] = {&target_node};

  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node select_node = PG_QUERY__NODE__INIT;
  select_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  select_node.select_stmt = &select;

  DeparseOutcome out = deparse_statement(&select_node);
  if (!out.ok()) return out;
  constexpr std::string_view kPrefix = "SELECT ";
  std::string& sql = out.value();
  if (sql.compare(0, kPrefix.size(), kPrefix) != 0) return PgError{"unexpected deparse of an expression: " + sql, 0};
  return sql.substr(kPrefix.size());
}

}  // namespace switchyard::rewrite::pg
