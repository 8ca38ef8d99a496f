// Frontend messages the proxy reads and rewrites (PostgreSQL docs, "Message Formats"): Query,
// Parse and Bind. Bodies exclude the type byte and the length word, as the Framer delivers them;
// encoders append whole messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::pg {

// Query ('Q'): one string, which may hold several statements.
std::optional<std::string_view> decode_query(std::string_view body);
void encode_query(std::string& out, std::string_view sql);

// Parse ('P'): statement name, query, and the parameter types the client declared (0 = let the
// server infer).
struct ParseMessage {
  std::string_view statement;
  std::string_view query;
  std::vector<uint32_t> param_types;
};
std::optional<ParseMessage> decode_parse(std::string_view body);
void encode_parse(std::string& out, const ParseMessage& m);

// Bind ('B'): only the parts the proxy changes are decoded; the rest is kept as bytes.
struct BindMessage {
  std::string_view portal;
  std::string_view statement;
  std::vector<uint16_t> param_formats;
  std::vector<std::optional<std::string_view>> params;  // nullopt = NULL
  std::string_view result_formats;  // the Int16 count and codes, verbatim
};
std::optional<BindMessage> decode_bind(std::string_view body);
void encode_bind(std::string& out, const BindMessage& m);

// The names a Bind refers to, without decoding its parameters.
struct BindNames {
  std::string_view portal;
  std::string_view statement;
};
std::optional<BindNames> decode_bind_names(std::string_view body);

// Describe ('D') and Close ('C'): a kind ('S' statement, 'P' portal) and a name.
struct Target {
  char kind = 'S';
  std::string_view name;
};
std::optional<Target> decode_describe_or_close(std::string_view body);

void encode_describe_or_close(std::string& out, char type, const Target& t);  // type 'D' or 'C'

// Execute ('E'): the portal (the row limit is not needed).
std::optional<std::string_view> decode_execute_portal(std::string_view body);
void encode_execute(std::string& out, std::string_view portal, uint32_t max_rows = 0);

}  // namespace switchyard::pg
