// SQL-level prepared statements in a Query; see prepared_commands.h.
#include "rewrite/pg/prepared_commands.h"

#include <vector>

#include "rewrite/pg/literals.h"
#include "rewrite/pg/parse_tree.h"
#include "rewrite/pg/pg_query_c.h"
#include "rewrite/prefilter.h"

namespace switchyard::rewrite::pg {
namespace {

std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The parts of `PREPARE name [(types)] AS query` around its AS, found with the server's own
// scanner so that comments and quoted names cannot mislead: the type list as written and the
// statement after AS. False if the text does not scan as expected.
bool split_prepare(std::string_view text, std::string& types, std::string& query) {
  const std::string s(text);  // the scanner needs a NUL-terminated string
  PgQueryScanResult scanned = pg_query_scan(s.c_str());
  if (scanned.error != nullptr) {
    pg_query_free_scan_result(scanned);
    return false;
  }
  PgQuery__ScanResult* tokens =
      pg_query__scan_result__unpack(nullptr, scanned.pbuf.len, reinterpret_cast<const uint8_t*>(scanned.pbuf.data));
  pg_query_free_scan_result(scanned);
  if (tokens == nullptr) return false;
  bool ok = false;
  int depth = 0;
  size_t open = std::string::npos;
  // Without comments: PREPARE, the name, an optional type list, then AS.
  std::vector<const PgQuery__ScanToken*> words;
  for (size_t i = 0; i < tokens->n_tokens; ++i)
    if (tokens->tokens[i]->token != PG_QUERY__TOKEN__SQL_COMMENT && tokens->tokens[i]->token != PG_QUERY__TOKEN__C_COMMENT)
      words.push_back(tokens->tokens[i]);
  for (size_t i = 2; i < words.size(); ++i) {
    const auto* t = words[i];
    if (t->token == PG_QUERY__TOKEN__ASCII_40) {
      if (depth++ == 0 && open == std::string::npos) open = static_cast<size_t>(t->start);
    } else if (t->token == PG_QUERY__TOKEN__ASCII_41) {
      if (--depth == 0 && open != std::string::npos) types = s.substr(open, static_cast<size_t>(t->end) - open);
    } else if (depth == 0 && t->token == PG_QUERY__TOKEN__AS && i + 1 < words.size()) {
      query = s.substr(static_cast<size_t>(words[i + 1]->start));
      ok = true;
      break;
    }
  }
  pg_query__scan_result__free_unpacked(tokens, nullptr);
  return ok;
}

}  // namespace

bool mentions_prepared_commands(std::string_view sql) {
  // The four commands start a statement, so a statement that starts otherwise (nearly every one:
  // SELECT, INSERT, UPDATE, BEGIN, ...) is passed over by a look at its first letter. A comment
  // or a parenthesis there, or CREATE TABLE ... AS EXECUTE, gets the full word search.
  const auto may_start_one = [&](size_t i) {
    while (i < sql.size() && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r')) ++i;
    if (i >= sql.size()) return false;
    switch (sql[i]) {
      case 'p': case 'P': case 'e': case 'E': case 'd': case 'D': case 'c': case 'C': case '/': case '-': case '(':
        return true;
      default:
        return false;
    }
  };
  bool maybe = may_start_one(0);
  for (size_t at = sql.find(';'); !maybe && at != std::string_view::npos; at = sql.find(';', at + 1))
    maybe = may_start_one(at + 1);
  if (!maybe) return false;
  for (const char* w : {"prepare", "execute", "deallocate", "discard"})
    if (Prefilter::contains_word(sql, w)) return true;
  return false;
}

std::optional<PreparedCommands> prepared_commands(std::string_view sql) {
  auto parsed = ParseTree::parse(sql);
  if (!parsed) return std::nullopt;
  ParseTree& tree = parsed.value();
  PreparedCommands out;
  out.statements = tree.size();
  for (size_t i = 0; i < tree.size(); ++i) {
    const PgQuery__Node* stmt = tree.statement(i)->stmt;
    if (stmt == nullptr) continue;
    PreparedCommand c;
    switch (stmt->node_case) {
      case PG_QUERY__NODE__NODE_PREPARE_STMT:
        c.kind = PreparedCommand::Kind::kPrepare;
        c.name = stmt->prepare_stmt->name;
        if (!split_prepare(tree.statement_text(sql, i), c.types, c.query)) return std::nullopt;
        break;
      case PG_QUERY__NODE__NODE_EXECUTE_STMT:
        c.kind = PreparedCommand::Kind::kExecute;
        c.name = stmt->execute_stmt->name;
        for (size_t a = 0; a < stmt->execute_stmt->n_params; ++a) {
          auto arg = deparse_expression(stmt->execute_stmt->params[a]);
          if (!arg) {
            c.args.clear();
            break;
          }
          c.args.push_back(std::move(arg.value()));
        }
        break;
      case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
        c.name = stmt->deallocate_stmt->name != nullptr ? stmt->deallocate_stmt->name : "";
        c.kind = c.name.empty() ? PreparedCommand::Kind::kDeallocateAll : PreparedCommand::Kind::kDeallocate;
        break;
      case PG_QUERY__NODE__NODE_DISCARD_STMT:
        if (stmt->discard_stmt->target != PG_QUERY__DISCARD_MODE__DISCARD_ALL) continue;
        c.kind = PreparedCommand::Kind::kDiscardAll;
        break;
      default:
        continue;
    }
    out.commands.push_back(std::move(c));
  }
  return out;
}

std::string prepare_statement(std::string_view name, std::string_view types, std::string_view query) {
  std::string out = "PREPARE " + quoted(name);
  if (!types.empty()) {
    out += ' ';
    out.append(types);
  }
  out += " AS ";
  out.append(query);
  return out;
}

std::optional<std::string> with_arguments(std::string_view text, const std::vector<std::string>& args) {
  Shape shape;
  shape.first = 1;
  for (const auto& a : args) shape.literals.push_back("(" + a + ")");
  return with_literals(text, shape);
}

std::string deallocate_statement(std::string_view name) { return "DEALLOCATE " + quoted(name); }

}  // namespace switchyard::rewrite::pg
