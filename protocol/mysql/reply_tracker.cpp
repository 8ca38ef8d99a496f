// Matching the server's packets to the commands they answer; see reply_tracker.h.
#include "protocol/mysql/reply_tracker.h"

#include "protocol/mysql/command.h"
#include "protocol/mysql/framer.h"
#include "protocol/mysql/resultset.h"
#include "protocol/mysql/response.h"

namespace switchyard::mysql {
namespace {

uint8_t first_byte(std::string_view payload) { return payload.empty() ? 0 : static_cast<uint8_t>(payload[0]); }

}  // namespace

std::string_view to_string(ReplyTracker::Progress p) {
  switch (p) {
    case ReplyTracker::Progress::kInReply: return "in reply";
    case ReplyTracker::Progress::kResultDone: return "result done, more follow";
    case ReplyTracker::Progress::kComplete: return "reply complete";
    case ReplyTracker::Progress::kLocalInfile: return "LOCAL INFILE request";
    case ReplyTracker::Progress::kUnexpected: return "unexpected packet";
  }
  return "unknown";
}

bool ReplyTracker::on_command(std::string_view payload) {
  Pending p;
  switch (command_of(payload).value_or(Command::kPing)) {
    case Command::kQuit:
    case Command::kStmtClose:
    case Command::kStmtSendLongData: return false;
    case Command::kQuery: p.reply = Reply::kResult; break;
    case Command::kStmtExecute:
    case Command::kStmtBulkExecute: p.reply = Reply::kBinaryResult; break;
    case Command::kStmtFetch:
      p.reply = Reply::kRows;
      p.state = State::kRows;
      break;
    case Command::kStmtPrepare: p.reply = Reply::kPrepare; break;
    case Command::kFieldList:
      p.reply = Reply::kFieldList;
      p.state = State::kFieldList;
      break;
    case Command::kStatistics: p.reply = Reply::kStatistics; break;
    case Command::kChangeUser: p.reply = Reply::kAuth; break;
    default: p.reply = Reply::kSingle; break;  // OK, ERR, or EOF (COM_SET_OPTION)
  }
  queue_.push_back(p);
  return true;
}

bool ReplyTracker::is_terminator(std::string_view payload) const {
  return deprecate_eof() ? is_ok_packet(payload, capabilities_) && first_byte(payload) == kEofHeader
                         : is_eof_packet(payload);
}

ReplyTracker::Progress ReplyTracker::complete() {
  queue_.pop_front();
  completed_front_ = true;
  return Progress::kComplete;
}

ReplyTracker::Progress ReplyTracker::end_result(std::string_view terminator) {
  // An OK (0x00, or 0xFE under CLIENT_DEPRECATE_EOF), else an EOF.
  uint16_t flags = 0;
  const bool may_be_ok = first_byte(terminator) == kOkHeader || deprecate_eof();
  if (const auto ok = may_be_ok ? decode_ok(terminator, capabilities_) : std::nullopt) {
    flags = ok->status_flags;
  } else if (const auto eof = decode_eof(terminator, capabilities_)) {
    flags = eof->status_flags;
  } else {
    return Progress::kUnexpected;
  }
  status_flags_ = flags;
  ++results_;
  if (flags & status::kMoreResultsExist) {
    queue_.front().state = State::kFirst;
    return Progress::kResultDone;
  }
  return complete();
}

ReplyTracker::Progress ReplyTracker::first_packet(Pending& p, std::string_view payload) {
  switch (first_byte(payload)) {
    case kOkHeader: return end_result(payload);
    case kLocalInfileHeader:
      if (p.reply != Reply::kResult) return Progress::kUnexpected;
      p.state = State::kInfileData;
      return Progress::kLocalInfile;
    default: {
      const auto columns = decode_column_count(payload);
      if (!columns) return Progress::kUnexpected;
      p.left = *columns;
      p.state = State::kColumns;
      return Progress::kInReply;
    }
  }
}

ReplyTracker::Progress ReplyTracker::after_columns(Pending& p) {
  p.state = deprecate_eof() ? State::kRows : State::kColumnsEof;
  return Progress::kInReply;
}

ReplyTracker::Progress ReplyTracker::after_prepare_group(Pending& p) {
  if (p.state == State::kPrepareParams || p.state == State::kPrepareParamsEof) {
    if (p.state == State::kPrepareParams && !deprecate_eof()) {
      p.state = State::kPrepareParamsEof;
      return Progress::kInReply;
    }
    if (p.columns_after_params > 0) {
      p.left = p.columns_after_params;
      p.state = State::kPrepareColumns;
      return Progress::kInReply;
    }
    return complete();
  }
  if (p.state == State::kPrepareColumns && !deprecate_eof()) {
    p.state = State::kPrepareColumnsEof;
    return Progress::kInReply;
  }
  return complete();
}

ReplyTracker::Progress ReplyTracker::on_server_packet(std::string_view payload) {
  if (queue_.empty()) return Progress::kUnexpected;
  if (completed_front_) {
    completed_front_ = false;
    results_ = 0;
  }
  Pending& p = queue_.front();
  if (p.state == State::kInfileData) return Progress::kUnexpected;

  // An ERR ends any reply at any point, except MariaDB's progress reports.
  if (is_err_packet(payload) && p.reply != Reply::kStatistics) {
    const auto err = decode_err(payload, capabilities_);
    if (err && err->error_code == kProgressReportCode) return Progress::kInReply;
    ++results_;
    return complete();
  }

  switch (p.reply) {
    case Reply::kSingle:
      if (is_ok_packet(payload, capabilities_) || is_eof_packet(payload)) return end_result(payload);
      return Progress::kUnexpected;
    case Reply::kStatistics: return complete();  // one string<EOF>
    case Reply::kAuth:
      if (first_byte(payload) == kOkHeader) return end_result(payload);
      if (first_byte(payload) == 0xFE || first_byte(payload) == 0x01) return Progress::kInReply;  // switch, more data
      return Progress::kUnexpected;
    case Reply::kFieldList:
      if (is_terminator(payload)) return end_result(payload);
      return decode_column_definition(payload, extended_metadata_) ? Progress::kInReply : Progress::kUnexpected;
    case Reply::kPrepare:
      switch (p.state) {
        case State::kFirst: {
          const auto ok = decode_stmt_prepare_ok(payload);
          if (!ok) return Progress::kUnexpected;
          last_prepare_ok_ = ok;
          ++results_;
          p.columns_after_params = ok->num_columns;
          if (ok->num_params > 0) {
            p.left = ok->num_params;
            p.state = State::kPrepareParams;
            return Progress::kInReply;
          }
          p.state = State::kPrepareParamsEof;  // no parameter group: straight to the columns
          return after_prepare_group(p);
        }
        case State::kPrepareParams:
        case State::kPrepareColumns:
          if (!decode_column_definition(payload, extended_metadata_)) return Progress::kUnexpected;
          if (--p.left > 0) return Progress::kInReply;
          return after_prepare_group(p);
        case State::kPrepareParamsEof:
        case State::kPrepareColumnsEof:
          if (!is_eof_packet(payload)) return Progress::kUnexpected;
          return after_prepare_group(p);
        default: return Progress::kUnexpected;
      }
    case Reply::kResult:
    case Reply::kBinaryResult:
    case Reply::kRows:
      switch (p.state) {
        case State::kFirst: return first_packet(p, payload);
        case State::kColumns:
          if (!decode_column_definition(payload, extended_metadata_)) return Progress::kUnexpected;
          if (--p.left > 0) return Progress::kInReply;
          return after_columns(p);
        case State::kColumnsEof: {
          const auto eof = decode_eof(payload, capabilities_);
          if (!eof) return Progress::kUnexpected;
          // A cursor was opened (COM_STMT_EXECUTE with a cursor flag): rows come by COM_STMT_FETCH.
          if (eof->status_flags & status::kCursorExists) return end_result(payload);
          p.state = State::kRows;
          return Progress::kInReply;
        }
        case State::kRows:
          if (is_terminator(payload)) return end_result(payload);
          if (payload.empty()) return Progress::kUnexpected;
          return Progress::kInReply;  // a row
        default: return Progress::kUnexpected;
      }
  }
  return Progress::kUnexpected;
}

ReplyTracker::Progress ReplyTracker::on_long_server_packet() {
  if (queue_.empty() || queue_.front().state != State::kRows) return Progress::kUnexpected;
  if (completed_front_) {
    completed_front_ = false;
    results_ = 0;
  }
  return Progress::kInReply;
}

ReplyTracker::Progress ReplyTracker::on_client_packet(std::string_view payload) {
  if (!awaiting_client_data()) return Progress::kUnexpected;
  if (payload.empty()) queue_.front().state = State::kFirst;  // the file is done: OK or ERR follows
  return Progress::kInReply;
}

}  // namespace switchyard::mysql
