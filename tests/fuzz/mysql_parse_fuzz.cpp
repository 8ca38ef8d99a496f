// Fuzzes the MySQL front end (rewrite/mysql/): any text either fails to parse with an error, or
// parses to a tree whose printed form parses again to the same tree (and prints the same), whose
// nodes' byte ranges lie in the text; never a crash, a hang or an out-of-bounds read.
// statement_facts runs on every tree, and a tree's ? placeholders are exactly those
// with_parameters replaces (what a sampled COM_STMT_EXECUTE's shadow read does): the text with
// literals in their place parses, and has none left. The first byte
// picks the lexical settings (ANSI_QUOTES, NO_BACKSLASH_ESCAPES, PIPES_AS_CONCAT, a multi-byte
// client character set, MySQL rather than MariaDB).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rewrite/mysql/parser.h"
#include "rewrite/mysql/placeholders.h"
#include "rewrite/mysql/printer.h"
#include "rewrite/mysql/statement_facts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace switchyard::rewrite::mysql;
  if (size < 1 || size > 4096) return 0;
  LexicalSettings s;
  s.ansi_quotes = data[0] & 1;
  s.no_backslash_escapes = data[0] & 2;
  s.pipes_as_concat = data[0] & 4;
  s.charset = (data[0] & 8) ? ClientCharset::kGbk : ClientCharset::kAsciiCompatible;
  s.mariadb = !(data[0] & 16);
  s.server_version = s.mariadb ? 101100 : 80036;
  const std::string sql(reinterpret_cast<const char*>(data + 1), size - 1);
  const Parsed first = parse(sql, s);
  if (!first) return 0;
  const Tree& tree = first.tree();
  for (NodeId id = 0; id < tree.size(); ++id) {  // every byte range lies in the text
    const Node& n = tree.node(id);
    if (n.begin > n.end || n.end > sql.size()) std::abort();
  }
  for (const TableMention& t : statement_facts(tree).tables)
    if (t.begin > t.end || t.end > sql.size()) std::abort();
  std::vector<std::string> values;
  for (NodeId id = 0; id < tree.size(); ++id)
    if (tree.node(id).kind == Kind::kParam) values.push_back("1");
  if (!values.empty()) {
    const auto bound = with_parameters(sql, values, s);
    if (!bound) std::abort();
    const Parsed read = parse(*bound, s);
    if (!read) std::abort();
    for (NodeId id = 0; id < read.tree().size(); ++id)
      if (read.tree().node(id).kind == Kind::kParam) std::abort();
  }
  const std::string printed = print(first.tree());
  const Parsed again = parse(printed, s);
  if (!again || !same_tree(first.tree(), first.tree().root(), again.tree(), again.tree().root())) std::abort();
  if (print(again.tree()) != printed) std::abort();
  return 0;
}
