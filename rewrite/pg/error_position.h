// Mapping an error position from the text switchyard sent to the text the client sent. The server
// reports where an error lies (ErrorResponse field P: a 1-based character position) in the text
// it ran, which for a rewritten statement is not the client's, so psql's caret would point at the
// wrong place.
//
// The rewrite copies the client's expressions into the new text (sometimes twice, as the mirror
// writes the same values), so an error's token is found again by its node: the nodes of the sent
// text that start at the position are looked up, outermost first, among the nodes of the client's
// text, by type and value (locations aside). The first that matches decides: one place in the
// client's text gives its position; several different places, or none at all, give no position
// (the caller drops the field rather than point somewhere wrong).
//
// Pure: no I/O. Costs two parses, so it is for the error path only.
#pragma once

#include <optional>
#include <string_view>

namespace switchyard::rewrite::pg {

// The 1-based character position in `original` of what `position` (1-based, in characters) points
// at in `sent`, or nullopt when it cannot be located for sure. `utf8`: both texts are UTF-8, and
// characters are counted as such; otherwise each byte is a character (a single-byte encoding).
std::optional<int> map_error_position(std::string_view sent, std::string_view original, int position, bool utf8);

}  // namespace switchyard::rewrite::pg
