// The seeds' tables and migrations, as the product's reference articles tell them, shared by the
// dual-write integration tests: users.full_name renamed to display_name; accounts.include
// ('X' or '') becoming the boolean include_bool; accounts' key aid (a serial) copied into id; and
// users.email_verified computed from email.
#pragma once

namespace switchyard::test_support::seeds {

inline constexpr char kUsersTable[] =
    "CREATE TABLE users (id int PRIMARY KEY, full_name text, email text, display_name text);\n";
inline constexpr char kAccountsTable[] =
    "CREATE TABLE accounts (aid serial PRIMARY KEY, include char(1), name text DEFAULT 'unnamed',\n"
    "                       include_bool boolean, id int);\n";

inline constexpr char kUsersDisplayName[] = R"(
  - name: users-display-name
    table: users
    rename_column: {from: full_name, to: display_name}
    phase: dual_write
)";
inline constexpr char kAccountsIncludeBool[] = R"(
  - name: accounts-include-bool
    table: accounts
    change_column:
      from: include
      to: include_bool
      up: "CASE WHEN include = 'X' THEN true ELSE false END"
      down: "CASE WHEN include_bool THEN 'X' ELSE '' END"
    phase: dual_write
)";
inline constexpr char kAccountsId[] = R"(
  - name: accounts-id
    table: accounts
    add_column: {name: id, up: "aid"}
    phase: dual_write
)";
// Needs `ALTER TABLE users ADD COLUMN email_verified boolean`.
inline constexpr char kUsersEmailVerified[] = R"(
  - name: users-email-verified
    table: users
    add_column: {name: email_verified, up: "email IS NOT NULL AND email LIKE '%@%'"}
    phase: dual_write
)";

// Rows that break each seed's invariant (old = up(new)); every count must be 0.
inline constexpr char kUsersNamesDiffer[] = "SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM display_name";
inline constexpr char kAccountsIncludeDiffers[] =
    "SELECT count(*) FROM accounts WHERE include_bool IS DISTINCT FROM CASE WHEN include = 'X' THEN true ELSE false END";
inline constexpr char kAccountsIdDiffers[] = "SELECT count(*) FROM accounts WHERE id IS DISTINCT FROM aid";
inline constexpr char kEmailVerifiedWrong[] =
    "SELECT count(*) FROM users WHERE email_verified IS DISTINCT FROM (email IS NOT NULL AND email LIKE '%@%')";

}  // namespace switchyard::test_support::seeds
