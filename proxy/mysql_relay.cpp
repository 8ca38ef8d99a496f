// MySQL session relay: the two pumps (mysql_pump.h) from kAuth on, and what the session checks
// of each packet. Client packets: during authentication anything small (its answers to
// AuthSwitchRequest and AuthMoreData); then each command must start at sequence id 0 with a
// command byte the relay can follow, except the packets the server asked for (a LOCAL INFILE
// file, COM_CHANGE_USER's authentication answers). Server packets: the authentication's end
// (OK: commands follow; ERR: the server's refusal, 1045 and all, reaches the client as sent),
// then every packet goes to the ReplyTracker, so the session knows whose turn it is.
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/mysql/command.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/statement.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/mysql_session.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Commands the relay follows to the end of their replies. Replication (binlog dumps, slave
// registration) streams replies without end and COM_MULTI is masked in the greeting; the rest
// of the numbers are unknown to both servers.
bool relayable(uint8_t command) {
  switch (command) {
    case 0x12: case 0x13: case 0x14: case 0x15: case 0x1E: return false;  // replication
    default: return command <= 0x1F || command == 0xFA;  // ... COM_RESET_CONNECTION, COM_STMT_BULK_EXECUTE
  }
}

}  // namespace

bool MySqlSession::hold_assembly(size_t bytes) {
  auto& used = ctx_.shared.assembly_bytes;
  if (used.fetch_add(bytes, std::memory_order_relaxed) + bytes > cfg().limits.max_assembly_bytes) {
    used.fetch_sub(bytes, std::memory_order_relaxed);
    ctx_.shared.metrics.assembly_refused.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void MySqlSession::release_assembly(size_t bytes) { ctx_.shared.assembly_bytes.fetch_sub(bytes, std::memory_order_relaxed); }

void MySqlSession::start_pumps() {
  boost::system::error_code ec;
  client_.non_blocking(true, ec);  // reads after readability must never block
  upstream_.non_blocking(true, ec);
  to_upstream_ = std::make_unique<Pump>(*this, Dir::kToUpstream, client_leg_, upstream_leg_, ctx_.buffers);
  to_client_ = std::make_unique<Pump>(*this, Dir::kToClient, upstream_leg_, client_leg_, ctx_.buffers);
  // A TLS leg may hold decrypted bytes the socket no longer signals: read before waiting.
  to_upstream_->full = client_leg_.drain_before_wait();
  to_client_->full = upstream_leg_.drain_before_wait();
  Loop::read(*this, *to_client_);
  if (done()) return;  // a first read through TLS may already have ended the session
  if (!hello_buf_.empty()) {
    // The client pipelined packets behind its HandshakeResponse41; they go through the framer too.
    const std::string leftover = std::move(hello_buf_);
    to_upstream_->bytes_read += leftover.size();
    if (!frame(*to_upstream_, leftover)) return;
    to_upstream_->output.materialize();  // `leftover` dies here; nothing may point into it
    return Loop::write(*this, *to_upstream_);
  }
  Loop::read(*this, *to_upstream_);
}

void MySqlSession::pump_feed(Pump& p, std::string_view data) {
  if (frame(p, data)) Loop::write(*this, p);
}

bool MySqlSession::frame(Pump& p, std::string_view data) {
  // A reload is taken before the next command's header is framed, so that the framer reads it
  // under the new generation's capture (a long query after a reload that activated a migration).
  if (p.dir == Dir::kToUpstream && state_ == State::kCommand && p.framer.at_boundary()) adopt_generation();
  const mysql::FrameError err = p.framer.feed(data, p);
  if (done()) return false;  // a packet ended the session
  if (err != mysql::FrameError::kNone) {
    const uint8_t seq = static_cast<uint8_t>(p.framer.last_sequence_id() + 1);
    if (p.dir == Dir::kToUpstream)
      fail_to_client(kPacketsOutOfOrder, "08S01", "switchyard: invalid packet from the client: " + std::string(mysql::to_string(err)), seq);
    else {
      spdlog::warn("session={} upstream protocol error: {}", id_, mysql::to_string(err));
      fail_to_client(kHandshakeError, "08S01", "switchyard: invalid packet from upstream: " + std::string(mysql::to_string(err)), seq);
    }
    return false;
  }
  return true;
}

bool MySqlSession::relay_written(Pump& p) {
  if (p.dir == Dir::kToUpstream && quit_) {
    close("client quit");  // COM_QUIT is relayed, then both legs close
    return false;
  }
  if (p.dir == Dir::kToUpstream && script_) {
    upstream_paused_ = true;  // read again when the script ends (mysql_scripts.cpp)
    return false;
  }
  return true;
}

bool MySqlSession::inspect(Pump& p, uint8_t seq, std::string_view payload, bool whole) {
  if (done()) return false;
  // Decided before the packet is looked at: the server's OK ends kAuth, and is renumbered too.
  const bool shifted = seq_shift_ != 0 && state_ == State::kAuth;
  p.replacement.clear();
  const bool replaced = p.dir == Dir::kToUpstream ? client_packet(p, seq, payload, whole) : server_packet(p, seq, payload, whole);
  if (done()) return false;
  if (replaced) return true;
  if (!shifted) return false;  // kept: relayed without a copy
  if (!whole) {  // an authentication packet over 64 KiB (client ones are refused already)
    fail_to_client(kHandshakeError, "08S01", "switchyard: an authentication packet from upstream longer than 64 KiB",
                   static_cast<uint8_t>(seq - seq_shift_ + 1));
    return false;
  }
  p.replacement = shifted_packet(p, seq, payload);
  return true;
}

void MySqlSession::replace(Pump& p) {
  p.output.materialize();
  p.output.out.append(p.replacement);
}

std::string MySqlSession::shifted_packet(Pump& p, uint8_t seq, std::string_view payload) const {
  const uint8_t out_seq = static_cast<uint8_t>(p.dir == Dir::kToUpstream ? seq + seq_shift_ : seq - seq_shift_);
  std::string out;
  mysql::encode_packet(out, out_seq, payload);
  return out;
}

bool MySqlSession::client_packet(Pump& p, uint8_t seq, std::string_view payload, bool whole) {
  const uint8_t reply_seq = static_cast<uint8_t>(seq + 1);
  if (state_ == State::kAuth) {
    if (!whole) fail_to_client(kNetPacketTooLarge, "08S01", "switchyard: an authentication packet too long", reply_seq);
    return false;  // an answer to AuthSwitchRequest or AuthMoreData
  }
  if (script_) {
    // Pipelined in the same read behind a write the session runs as a script: it cannot go up
    // before the script's statements, and the session cannot hold it.
    fail_to_client(kPacketsOutOfOrder, "08S01", "switchyard: a command pipelined behind a write to a table under a two-table "
                                                "migration (which switchyard runs as several statements); wait for its reply",
                   reply_seq);
    return false;
  }
  if (replies_->awaiting_client_data()) {  // the LOCAL INFILE file the server asked for
    replies_->on_client_packet(whole ? payload : std::string_view("x", 1));
    return false;
  }
  if (seq != 0 && replies_->changing_user()) return false;  // COM_CHANGE_USER's authentication answers
  if (seq != 0) {
    fail_to_client(kPacketsOutOfOrder, "08S01", "switchyard: got packets out of order (a command with sequence id " +
                                                    std::to_string(seq) + ")", reply_seq);
    return false;
  }
  if (payload.empty() || !relayable(static_cast<uint8_t>(payload[0]))) {
    fail_to_client(kUnknownCommand, "08S01", payload.empty() ? "switchyard: an empty command packet"
                                                             : "switchyard: unknown or unsupported command " +
                                                                   std::to_string(static_cast<uint8_t>(payload[0])), reply_seq);
    return false;
  }
  if (mysql::command_of(payload) == mysql::Command::kQuit) quit_ = true;
  std::string sent;
  changes_settings_ = false;
  bool replaced = plan_command(p, payload, whole, sent);
  if (done()) return false;
  if (changes_settings_) {
    // Asked of the server after its reply (mysql_settings.cpp); what the client pipelines behind
    // it is read under settings not known yet.
    settings_change_ = commands_sent_;
    lexical_.unfollowed = "sent while a statement that may change the session's sql_mode, character set or database "
                          "was in flight (pipelined); send it after its reply";
  }
  if (replies_->on_command(replaced ? std::string_view(sent) : payload)) ++commands_sent_;
  if (!to_close_.empty() && whole) {
    // Server statements that re-prepares replaced (mysql_prepared.cpp): closed ahead of this
    // command, which has no reply, so the client never sees them.
    std::string closes;
    for (const uint32_t id : to_close_) {
      std::string close;
      mysql::encode_stmt_close(close, id);
      mysql::encode_packet(closes, 0, close);
    }
    to_close_.clear();
    if (!replaced) mysql::encode_packet(p.replacement, 0, payload);
    p.replacement.insert(0, closes);
    replaced = true;
  }
  return replaced;
}

bool MySqlSession::server_packet(Pump& p, uint8_t seq, std::string_view payload, bool whole) {
  if (state_ == State::kAuth) {
    const uint8_t first = payload.empty() ? 0 : static_cast<uint8_t>(payload[0]);
    if (!whole || payload.empty() || (first != mysql::kOkHeader && first != mysql::kErrHeader && first != 0xFE && first != 0x01)) {
      fail_to_client(kHandshakeError, "08S01", "switchyard: unexpected packet from upstream during authentication",
                     static_cast<uint8_t>(seq + 1));
      return false;
    }
    if (first == mysql::kOkHeader) {
      std::string wire;
      if (seq_shift_ != 0) wire = shifted_packet(p, seq, payload);
      else mysql::encode_packet(wire, seq, payload);
      return authenticated(p, std::move(wire));
    }
    if (first == mysql::kErrHeader) {
      const auto err = mysql::decode_err(payload, capabilities_);
      spdlog::info("session={} user={} authentication failed: {}", id_, user_, err ? std::string(err->message) : "?");
    }
    return false;  // ERR: the server closes next; 0xFE AuthSwitchRequest, 0x01 AuthMoreData: the client answers
  }
  const uint64_t ordinal = replies_done_;
  const auto progress = whole ? replies_->on_server_packet(payload) : replies_->on_long_server_packet();
  if (progress != mysql::ReplyTracker::Progress::kUnexpected) {
    if (progress == mysql::ReplyTracker::Progress::kComplete) ++replies_done_;
    return reply_packet(p, ordinal, seq, payload, progress);
  }
  // An ERR nobody asked for: the server ends the connection (KILL CONNECTION, shutdown).
  if (whole && replies_->pending() == 0 && mysql::is_err_packet(payload)) return false;
  spdlog::warn("session={} upstream sent a packet the protocol does not allow here (sequence id {}, first byte {})", id_, seq,
               payload.empty() ? -1 : static_cast<int>(static_cast<uint8_t>(payload[0])));
  fail_to_client(kHandshakeError, "08S01", "switchyard: unexpected packet from upstream", static_cast<uint8_t>(seq + 1));
  return false;
}

bool MySqlSession::authenticated(Pump& p, std::string wire) {
  state_ = State::kCommand;
  timer_.cancel();
  spdlog::debug("session={} user={} database={} authenticated", id_, user_, database_);
  update_routing();
  // The client waits for this OK: the server tells the session's settings first.
  if (ask_settings(std::move(wire))) return true;  // dropped here, sent after the settings' reply
  p.replacement = std::move(held_);
  held_.clear();
  return true;
}

}  // namespace switchyard::proxy
