// SQL spelling helpers for the jobs; see sql_text.h.
#include "jobs/sql_text.h"

#include <cstdint>
#include <cstdio>

namespace switchyard::jobs {
namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

std::string column(const std::string& name, const std::string& qualifier) {
  return qualifier.empty() ? quote_ident(name) : qualifier + "." + quote_ident(name);
}

std::string param_row(const std::vector<std::string>& types, int first_param) {
  std::vector<std::string> params;
  for (size_t i = 0; i < types.size(); ++i)
    params.push_back("$" + std::to_string(first_param + static_cast<int>(i)) + "::" + types[i]);
  return "ROW(" + join(params, ", ") + ")";
}

}  // namespace

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string column_list(const std::vector<std::string>& columns, const std::string& qualifier) {
  std::vector<std::string> parts;
  for (const auto& c : columns) parts.push_back(column(c, qualifier));
  return join(parts, ", ");
}

std::string row_of(const std::vector<std::string>& columns, const std::string& qualifier) {
  return "ROW(" + column_list(columns, qualifier) + ")";
}

std::string key_after(const std::vector<std::string>& key, const std::vector<std::string>& types, int first_param,
                      const std::string& qualifier) {
  return row_of(key, qualifier) + " > " + param_row(types, first_param);
}

std::string key_at_most(const std::vector<std::string>& key, const std::vector<std::string>& types, int first_param,
                        const std::string& qualifier) {
  return row_of(key, qualifier) + " <= " + param_row(types, first_param);
}

std::string key_order(const std::vector<std::string>& key, const std::string& qualifier) {
  return column_list(key, qualifier);
}

std::string key_as_text_array(const std::vector<std::string>& key, const std::string& qualifier) {
  std::vector<std::string> parts;
  for (const auto& k : key) parts.push_back(column(k, qualifier) + "::text");
  return "ARRAY[" + join(parts, ", ") + "]";
}

uint32_t stable_hash32(const std::string& text) {
  uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

std::string fit_identifier(const std::string& base) {
  constexpr size_t kMax = 63;
  if (base.size() <= kMax) return base;
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", stable_hash32(base));
  return base.substr(0, kMax - 9) + suffix;
}

}  // namespace switchyard::jobs
