// What a column migration adds to, or changes in, one MySQL write, decided from the columns the
// write sets (shared by column_writes.cpp and update_writes.cpp). Internal to rewrite/mysql/.
//
// The shape of a write: old-shaped if it sets an old column (a `down` column) and no new one,
// new-shaped if it sets a new column (an `up` column) and no old one. In the dual phases an
// old-shaped write also sets each new column, and a new-shaped one each old column, to its
// mapping; MySQL's evaluation order lets the mirror read the column just set (an INSERT's value
// list and a single-table UPDATE's SET apply left to right), so the mirror is the mapping itself,
// appended last, and volatile values are evaluated once. In new_only (with old columns to
// translate) an old-shaped write is translated to set the new columns instead, and its reads of
// old columns become `down`.
#pragma once

#include <string>
#include <vector>

#include "rewrite/mysql/column_mapping.h"
#include "rewrite/mysql/column_writes.h"

namespace switchyard::rewrite::mysql::detail {

struct Plan {
  std::vector<const Mapping*> add;  // the mirrors to append (dual), or the columns to translate into (new_only)
  bool translate = false;           // new_only: translate the old columns written into `add`
  bool both = false;                // the write sets old and new columns itself
};

// `written`: the folded columns the write sets. `only_if_read`: an UPDATE mirrors a column only
// when it sets one its mapping reads.
Plan plan_for(const ColumnMigration& cm, const std::vector<std::string>& written, bool only_if_read);

// new_only translates (down is not empty there); otherwise nothing reads old columns differently.
bool translates_reads(const ColumnMigration& cm);

// True if the folded `column` is an old column of `cm` (one `down` sets).
inline bool is_old(const ColumnMigration& cm, const std::string& column) { return cm.down_of(column) != nullptr; }
inline bool is_new(const ColumnMigration& cm, const std::string& column) { return cm.up_of(column) != nullptr; }

// A refusal.
inline WriteEdit refuse(std::string why, RefusalReason code = RefusalReason::kUnsupportedForm) {
  WriteEdit e;
  e.refusal = std::move(why);
  e.code = code;
  return e;
}

// new_only: edits the reads of old columns in the expression at `id` (not inside subqueries:
// one that names an old column is refused) into `down` over the new ones. A reference counts
// when bare or qualified by one of `qualifiers` (folded); VALUES(old) becomes down over
// VALUES(new). Returns a refusal, or an empty string.
std::string translate_old_reads(const Tree& tree, NodeId id, const ColumnMigration& cm,
                                const std::vector<std::string>& qualifiers, TextEdits& edits);

// Whether two written values are the same and evaluate alike (so writing both shapes with them
// is consistent for a mapping that is just the other column).
bool same_value(const Tree& tree, NodeId a, NodeId b);

// A default that an INSERT's expressions can read as the column's value: none, NULL, a number or
// a quoted literal (an expression default such as current_timestamp() is computed after them).
bool constant_default(const ColumnInfo& c);

// True if `value` (in a VALUES row, a SET or ON DUPLICATE KEY UPDATE list) is the bare column `c`.
bool refers_to(const Tree& tree, NodeId value, const std::string& c);
// The table's spelling of the folded column `folded`, for messages and SQL.
std::string column_name(const ColumnMigration& cm, const std::string& folded);
// The text of the column's default, for a DEFAULT that is substituted ("NULL" when it has none).
std::string default_text(const ColumnMigration& cm, const std::string& c);

// A value put `uses` times into a mapping in place of the column it was written to: refused when
// it is volatile and used more than once, or holds a ? placeholder and is not used exactly once.
// Returns the refusal ("" if none) and its class in `code`.
std::string substitution_check(const Tree& tree, NodeId value, size_t uses, const std::string& column, const Mapping& into,
                               RefusalReason& code);

// Why a SET list's mirror of `m` is refused under SIMULTANEOUS_ASSIGNMENT: the SET reads the row
// as it was, so the mirror could only be computed from the value as written, not as stored.
std::string simultaneous_refusal(const Mapping& m);

// A SET list (an UPDATE's, or ON DUPLICATE KEY UPDATE's; `assigns` its assignments, `written`
// their folded columns) that sets columns of both shapes is consistent when each column set is
// just the other one, set to the same value, or set to the other column after it (the list
// applies left to right, except under SIMULTANEOUS_ASSIGNMENT). The mapping of the first column
// set that is not, or null.
const Mapping* inconsistent_assignment(const Tree& tree, const ColumnMigration& cm, const std::vector<std::string>& written,
                                       const std::vector<NodeId>& assigns, bool simultaneous);

// The dual phases: appends `p.add`'s mirrors behind the SET list's last assignment, so that they
// read every column as the list leaves it; a refusal under SIMULTANEOUS_ASSIGNMENT.
WriteEdit append_mirrors(const Tree& tree, const Plan& p, NodeId last_assign, TextEdits& edits, bool simultaneous);

// ON DUPLICATE KEY UPDATE of the INSERT at `root` (duplicate_update.cpp).
WriteEdit mirror_duplicate_update(const Tree& tree, NodeId root, const ColumnMigration& cm, TextEdits& edits, bool simultaneous);

}  // namespace switchyard::rewrite::mysql::detail
