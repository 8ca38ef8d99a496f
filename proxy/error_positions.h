// Which text an ErrorResponse's position refers to, so that the session can point it at the
// client's text instead of the rewritten one (rewrite/pg/error_position.h does the mapping).
//
// Every Query, Sync and FunctionCall gets exactly one ReadyForQuery, in order (as in_flight.h),
// so a FIFO of units, one per such request, pairs each ErrorResponse with the unit it ends: the
// front one. A unit holds the rewritten texts sent in it (a Query's, or the Parses of an extended
// batch) beside the client's originals. An error in a unit with no rewritten text is relayed as
// it is. In a unit with exactly one statement, rewritten, its position is mapped; with several
// statements of which one is rewritten, the proxy cannot tell which statement the error is
// about, so the position is dropped. Errors at Bind or Execute of a
// statement prepared in an earlier unit are not paired with that statement's text (the server
// reports positions at Parse, when it analyses the text, and rarely later).
//
// Bounded: past kMaxUnits units in flight (a client pipelining without reading), or kMaxUnits
// Parses in one batch, a unit keeps no texts but is marked untracked, and an error in it loses
// its position. Texts are copied only
// for rewritten statements. Touched only on the session's thread.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard::proxy {

class ErrorPositions {
 public:
  static constexpr std::size_t kMaxUnits = 256;

  struct Texts {
    std::string sent;      // what went upstream
    std::string original;  // what the client sent
    bool relayed = false;  // a Parse relayed as written (both texts empty)
  };

  // A Query, Sync or FunctionCall went upstream: it ends the open batch, as one unit.
  void unit_sent();
  // A rewritten Parse joins the open batch; a rewritten Query joins the unit it just opened.
  // A Parse relayed as written joins it too, without its text, so that an error in a batch of
  // several Parses is never taken for the rewritten one's.
  void parse_rewritten(std::string sent, std::string original);
  void parse_relayed();
  void query_rewritten(std::string sent, std::string original);
  // A ReadyForQuery came back for a request (not the one that ends authentication).
  void answered();
  // The `n` oldest units were Syncs the server ignored in copy-in mode (protocol/pg/
  // copy_in_syncs.h): no ReadyForQuery ends them.
  void units_ignored(std::size_t n);

  // What an ErrorResponse arriving now refers to: nullopt to relay it as it is; a Texts with an
  // empty `sent` when its position must be dropped.
  std::optional<Texts> current() const;
  bool empty() const { return units_.empty() && open_.empty() && !open_untracked_; }

 private:
  struct Unit {
    std::vector<Texts> texts;
    bool untracked = false;
  };
  void add_to_batch(Texts t);

  std::deque<Unit> units_;
  std::vector<Texts> open_;      // the extended batch not yet ended by a Sync
  bool open_untracked_ = false;  // it outgrew kMaxUnits statements: its texts were let go
};

// `body` (an ErrorResponse's) with its position fields pointing into `texts.original`: P mapped,
// or dropped when it cannot be mapped; p and q (an internal query) likewise when q is the sent
// text. nullopt when nothing changes. `utf8`: the session's client_encoding is UTF8 (otherwise
// positions are mapped only in ASCII texts, where characters are bytes). Appends the whole new
// message (type 'E') to `out` when it returns true.
bool remap_error_positions(std::string_view body, const ErrorPositions::Texts& texts, bool utf8, std::string& out);

}  // namespace switchyard::proxy
