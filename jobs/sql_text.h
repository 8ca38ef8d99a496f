// Small pure helpers that spell SQL text for the jobs (backfill, verify, expand, contract):
// identifier and literal quoting, qualified names, column lists and keyset predicates. No I/O.
// Identifiers are always double-quoted by config::quote_ident (config/identifier.h), the one
// quoting helper: names come from the catalog exactly as stored, so quoting keeps their case and
// never collides with a keyword.
#pragma once

#include <string>
#include <vector>

#include "config/identifier.h"
#include "config/migration.h"

namespace switchyard::jobs {

using config::quote_ident;
// A standard-conforming string literal: 'it''s'.
std::string quote_literal(const std::string& text);
// "schema"."name" (config::quote_table).
inline std::string qualified(const config::TableName& table) { return config::quote_table(table); }

// "a", "b"  or, with `qualifier`, q."a", q."b".
std::string column_list(const std::vector<std::string>& columns, const std::string& qualifier = "");
// ROW("a", "b") (ROW keeps a one-column tuple a row).
std::string row_of(const std::vector<std::string>& columns, const std::string& qualifier = "");

// Keyset predicates over `key` against parameters: ROW(k1, k2) > ROW($first::t1, $first+1::t2).
// `types` are the key columns' types (format_type), so a text parameter converts exactly.
std::string key_after(const std::vector<std::string>& key, const std::vector<std::string>& types, int first_param,
                      const std::string& qualifier = "");
std::string key_at_most(const std::vector<std::string>& key, const std::vector<std::string>& types, int first_param,
                        const std::string& qualifier = "");
// ORDER BY list: "k1", "k2" (ascending).
std::string key_order(const std::vector<std::string>& key, const std::string& qualifier = "");
// ARRAY[k1::text, k2::text]: a key as the text[] the checkpoint stores.
std::string key_as_text_array(const std::vector<std::string>& key, const std::string& qualifier = "");

// A name for a relation or constraint derived from `base`: itself when it fits PostgreSQL's 63
// bytes, else cut and suffixed with a hash of the whole, so two long names never collide.
std::string fit_identifier(const std::string& base);

// FNV-1a, 32 bits: a stable hash of a name (for advisory lock keys), the same on every host.
uint32_t stable_hash32(const std::string& text);

}  // namespace switchyard::jobs
