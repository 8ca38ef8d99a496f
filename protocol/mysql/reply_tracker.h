// Knowing when the server's reply to each command is complete (MySQL source docs,
// page_protocol_command_phase and the response pages of each command:
// page_protocol_com_query_response, page_protocol_com_stmt_prepare_response,
// page_protocol_com_stmt_execute_response, page_protocol_com_query_response_local_infile_request;
// MariaDB KB "Result Set Packets", "COM_STMT_EXECUTE").
//
// Pure and I/O-free. The session reports every command it forwards upstream (on_command), every
// logical packet the server sends (on_server_packet) and, while the server waits for a LOCAL
// INFILE file, the client's packets (on_client_packet). Commands may be pipelined: replies come
// in command order. A reply is a sequence of results: OK, ERR, or a result set (column count,
// column definitions, EOF unless CLIENT_DEPRECATE_EOF, rows, then EOF or OK); a result whose
// status has SERVER_MORE_RESULTS_EXISTS (multi-statements, CALL) is followed by another. An ERR
// ends the reply (MariaDB's progress report, ERR 0xFFFF, does not).
//
// REQUIRES: `capabilities` are the ones both sides agreed on, without MySQL 8's
// CLIENT_OPTIONAL_RESULTSET_METADATA and MariaDB's MARIADB_CLIENT_CACHE_METADATA (the proxy clears
// both in the greeting), so every result set sends its column definitions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

#include "protocol/mysql/constants.h"
#include "protocol/mysql/statement.h"

namespace switchyard::mysql {

class ReplyTracker {
 public:
  enum class Progress {
    kInReply,      // more packets of this reply follow
    kResultDone,   // one result is done and another follows (SERVER_MORE_RESULTS_EXISTS)
    kComplete,     // the front command's reply is complete
    kLocalInfile,  // the server asks for a file: the client's packets go to on_client_packet
    kUnexpected,   // a packet the protocol does not allow here; the stream is out of step
  };

  // `mariadb_capabilities`: MariaDB's extended ones both sides agreed on (mariadb_cap::);
  // kExtendedMetadata adds a field to every column definition.
  explicit ReplyTracker(uint32_t capabilities, uint32_t mariadb_capabilities = 0)
      : capabilities_(capabilities), extended_metadata_((mariadb_capabilities & mariadb_cap::kExtendedMetadata) != 0) {}

  // A command packet sent upstream (its first packet; COM_STMT_SEND_LONG_DATA chunks too).
  // Returns whether it expects a reply: COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA and COM_QUIT do
  // not, and are not queued.
  bool on_command(std::string_view payload);
  Progress on_server_packet(std::string_view payload);
  // A server packet too long for the caller to look at (a relay streams it: StreamFramer's
  // on_long_packet). Only a row can be that long: kInReply among a result set's rows, else
  // kUnexpected.
  Progress on_long_server_packet();
  // A packet of the file the client sends after a LOCAL INFILE request; the empty packet ends it.
  // kUnexpected when no file was asked for.
  Progress on_client_packet(std::string_view payload);

  // Commands whose replies have not all arrived.
  size_t pending() const { return queue_.size(); }
  // The server waits for the client's LOCAL INFILE data.
  bool awaiting_client_data() const { return !queue_.empty() && queue_.front().state == State::kInfileData; }
  // The front command is COM_CHANGE_USER, whose authentication exchange (AuthSwitchRequest,
  // AuthMoreData) has the client answer within the reply.
  bool changing_user() const { return !queue_.empty() && queue_.front().reply == Reply::kAuth; }
  // Status flags of the last OK or EOF seen (in transaction, autocommit, ...).
  uint16_t status_flags() const { return status_flags_; }
  // Results of the front command so far (or of the last completed one).
  size_t results() const { return results_; }
  // The last COM_STMT_PREPARE OK seen: statement id and counts.
  const std::optional<StmtPrepareOk>& last_prepare_ok() const { return last_prepare_ok_; }

 private:
  enum class Reply { kResult, kBinaryResult, kRows, kPrepare, kFieldList, kStatistics, kAuth, kSingle };
  enum class State {
    kFirst,         // a result's first packet
    kColumns,       // column definitions
    kColumnsEof,    // the EOF after them
    kRows,          // rows, then a terminator
    kPrepareParams, kPrepareParamsEof, kPrepareColumns, kPrepareColumnsEof,
    kInfileData,    // the client sends a file
    kFieldList,     // column definitions until EOF
  };
  struct Pending {
    Reply reply = Reply::kSingle;
    State state = State::kFirst;
    uint64_t left = 0;  // column or parameter definitions still to come
    uint16_t columns_after_params = 0;
  };

  bool deprecate_eof() const { return (capabilities_ & cap::kDeprecateEof) != 0; }
  bool is_terminator(std::string_view payload) const;
  Progress first_packet(Pending& p, std::string_view payload);
  Progress end_result(std::string_view terminator);  // an OK or EOF that may announce more results
  Progress complete();
  Progress after_prepare_group(Pending& p);
  Progress after_columns(Pending& p);

  uint32_t capabilities_;
  bool extended_metadata_;
  std::deque<Pending> queue_;
  uint16_t status_flags_ = 0;
  size_t results_ = 0;
  bool completed_front_ = false;  // results_ belongs to a completed command
  std::optional<StmtPrepareOk> last_prepare_ok_;
};

std::string_view to_string(ReplyTracker::Progress p);

}  // namespace switchyard::mysql
