// Which Syncs the backend ignores because they reach it in copy-in mode (PostgreSQL docs,
// "COPY Operations": "The backend will ignore Flush and Sync messages received during copy-in
// mode"). A client running COPY ... FROM STDIN through the extended protocol (libpq's
// PQexecParams, psycopg 3 with parameters) sends Parse, Bind, Describe, Execute, Sync, and after
// the CopyInResponse ('G') its CopyData, CopyDone or CopyFail, and Sync again: the server answers
// one ReadyForQuery for those two Syncs, the second. Whoever counts Syncs as awaiting a
// ReadyForQuery (in_flight.h, injected_replies.h, reply_tracker.h, error_positions.h) asks here.
//
// The rule: when the backend answers an extended-protocol Execute with CopyInResponse, every
// Sync the client sent after that Execute and before its CopyDone/CopyFail gets no ReadyForQuery.
// The proxy sees the client's first Sync before the server's 'G', so that one is counted when
// sent and taken back when 'G' arrives (on_backend returns how many); a Sync sent after 'G' and
// before CopyDone/CopyFail is never counted (on_frontend says so). A COPY run by a simple Query
// needs nothing: its client sends no Sync. Copy-out ('H') needs nothing either: the server reads
// no frontend message until it has sent CopyDone, so the Sync after the Execute is answered.
// After an error in copy-in mode the server skips to the next Sync and answers it; a Sync it
// read in copy-in mode before the error was ignored all the same, so the rule holds.
//
// Assumes the client sends no other request between the COPY's Execute and its CopyDone (the
// server would abort the copy with an error). Pure and I/O-free; touched only on the session's
// thread.
#pragma once

#include <cstdint>

#include "protocol/pg/framer.h"

namespace switchyard::pg {

class CopyInSyncs {
 public:
  // A frontend message of a type in frontend_capture(), in the order it goes upstream. For a
  // Sync: true if the server will answer it (or may: it is counted now and perhaps taken back
  // by on_backend), false if the server is in copy-in mode for it and will ignore it.
  bool on_frontend(char type);
  // A backend message of a type in backend_capture(): the number of Syncs already counted that
  // the server will ignore (not 0 only for the CopyInResponse of an extended-protocol Execute).
  uint64_t on_backend(char type);

  // The server is in copy-in mode for an extended-protocol COPY and the client has not ended it
  // (CopyDone/CopyFail): the session is not at a boundary, even with no Sync counted.
  bool copying_in() const { return copying_in_; }

  // Execute, Query, FunctionCall, Sync, CopyDone, CopyFail; CopyInResponse.
  static TypeSet frontend_capture() { return TypeSet{'E', 'Q', 'F', 'S', 'c', 'f'}; }
  static TypeSet backend_capture() { return TypeSet{'G'}; }

 private:
  bool extended_ = false;    // the last request sent was an Execute (not a Query or FunctionCall)
  bool ended_ = false;       // CopyDone or CopyFail sent since that Execute
  uint64_t counted_ = 0;     // Syncs counted since that Execute, before any CopyDone/CopyFail
  bool copying_in_ = false;  // 'G' came for that Execute and the client has not ended the copy
};

}  // namespace switchyard::pg
