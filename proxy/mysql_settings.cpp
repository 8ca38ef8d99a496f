// MySqlSession's reading of the session's lexical settings (rewrite/mysql/session_settings.h):
// sql_mode and character_set_client change how the server reads SQL text (ANSI_QUOTES,
// NO_BACKSLASH_ESCAPES, multi-byte client character sets), and the current database which table
// an unqualified name is, so the planner must read a statement under the values the server holds. They can be set in many ways (SET with any expression,
// init_connect, a user's defaults, COM_RESET_CONNECTION, COM_CHANGE_USER, COM_INIT_DB, USE), so the session asks
// the server rather than evaluating them: after authentication and after the reply to each
// command that may change them, it sends kSettingsQuery itself and holds the packet the client
// waits for (the OK that ends authentication, or that command's last packet) until the reply
// is read; the reply is the proxy's own and never reaches the client. Because the client waits
// for that packet, nothing of its own is upstream then; a client that pipelined behind such a
// command is asked for at the next moment nothing is in flight, and until then a statement that
// names a migrated table is refused (Lexical::unfollowed).
#include <spdlog/spdlog.h>

#include "protocol/mysql/resultset.h"
#include "protocol/mysql/response.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/mysql_session.h"
#include "rewrite/mysql/session_settings.h"

namespace switchyard::proxy {

using Progress = mysql::ReplyTracker::Progress;

bool MySqlSession::ask_settings(std::string held) {
  held_ = std::move(held);
  if (replies_->pending() != 0 || to_upstream_->busy || !to_upstream_->pending().empty()) {
    settings_stale_ = true;
    lexical_.unfollowed = "sent while statements that may change the session's sql_mode or character set were in flight "
                          "(pipelined); send it after their replies";
    return false;
  }
  std::string payload(1, static_cast<char>(mysql::Command::kQuery));
  payload += rewrite::mysql::kSettingsQuery;
  std::string wire;
  mysql::encode_packet(wire, 0, payload);
  // The client waits for `held`, so its leg upstream is idle and the socket's buffer empty: the
  // few bytes go at once, or the connection is broken.
  boost::system::error_code ec;
  const size_t n = upstream_leg_.write_now(boost::asio::buffer(wire), ec);
  if (ec || n != wire.size()) {
    fail_to_client(kHandshakeError, "08S01", "switchyard: cannot send its settings query upstream" +
                                                 (ec ? ": " + ec.message() : std::string()), 1);
    return true;
  }
  if (replies_->on_command(payload)) ++commands_sent_;
  settings_stale_ = false;
  asking_settings_ = true;
  settings_packets_ = 0;
  settings_error_.clear();
  settings_row_.reset();
  lexical_.unfollowed = "sent before the server said the session's sql_mode (pipelined); send it after the replies ahead of it";
  return true;
}

bool MySqlSession::settings_packet(Pump& p, std::string_view payload, Progress progress) {
  // A text result set of one row of kColumns columns: column count, the definitions, an EOF
  // unless CLIENT_DEPRECATE_EOF, the row, the terminator. Or an ERR.
  constexpr size_t kColumns = 3;
  const size_t row_at = 1 + kColumns + ((capabilities_ & mysql::cap::kDeprecateEof) ? 0 : 1);
  if (settings_packets_ == 0 && mysql::is_err_packet(payload)) {
    const auto err = mysql::decode_err(payload, capabilities_);
    settings_error_ = err ? std::string(err->message) : "an ERR packet";
  } else if (settings_packets_ == row_at) {
    if (auto row = mysql::decode_text_row(payload, kColumns); row && row->size() == kColumns && (*row)[0] && (*row)[1]) {
      settings_row_.emplace(std::string(*(*row)[0]), std::string(*(*row)[1]));
      settings_database_ = (*row)[2] ? std::string(*(*row)[2]) : std::string();
    }
  }
  ++settings_packets_;
  if (progress != Progress::kComplete) return true;  // dropped
  asking_settings_ = false;
  if (settings_row_) {
    lexical_.unfollowed = rewrite::mysql::follow_session(lexical_.mysql, settings_row_->first, settings_row_->second).value_or("");
    lexical_.standard_strings = lexical_.mysql.no_backslash_escapes;
    lexical_.database = settings_database_;
    client_charset_ = settings_row_->second;
    spdlog::debug("session={} sql_mode={} character_set_client={} database={}", id_, settings_row_->first,
                  settings_row_->second, settings_database_);
  } else {
    lexical_.unfollowed = "switchyard could not read the session's sql_mode" +
                          (settings_error_.empty() ? std::string() : ": " + settings_error_);
    spdlog::warn("session={} {}", id_, lexical_.unfollowed);
  }
  p.replacement = std::move(held_);  // what the client was waiting for
  held_.clear();
  return true;
}

}  // namespace switchyard::proxy
