// One MySQL / MariaDB client session relayed to its own upstream connection.
//
// Lifecycle (one switch over State): kConnecting opens the upstream first (connect_timeout_ms);
// kGreeting reads the server's v10 greeting and relays it with what a relay cannot honour
// masked (compression, MySQL 8's query attributes and optional metadata, MariaDB's metadata
// cache and COM_MULTI, and CLIENT_SSL unless TLS is possible on both legs); kHandshake reads
// the client's first packet: an SSLRequest makes both legs TLS (mysql_tls.cpp: the handshake
// with the client, the SSLRequest forwarded upstream and the handshake with the server), then
// the HandshakeResponse41 is forwarded unchanged. kAuth relays the rest of the authentication
// (AuthSwitchRequest, AuthMoreData, caching_sha2_password's RSA exchange, ed25519) byte for byte
// until the server's OK or ERR, never knowing a password; kCommand relays commands and replies,
// followed by a mysql::ReplyTracker so that the client's packets can be checked (a command
// starts at sequence id 0; LOCAL INFILE data and COM_CHANGE_USER answers only when the server
// asked). kFailing: a final ERR is on its way to the client. kClosed.
//
// Statements (mysql_statements.cpp): with migrations configured, each COM_QUERY and
// COM_STMT_PREPARE is planned by SessionPlans (proxy/session_plans.h) under the session's
// lexical settings, and relayed, replaced by its rewrite, or refused: replaced by the stand-in
// "DO 0", whose OK becomes ERR 1235. A query is read whole up to limits.max_message_bytes while
// any migration is past off. The settings (mysql_settings.cpp): sql_mode and
// character_set_client are asked of the server after authentication and after each command that
// may change them, before the client sees that command's last packet. A new generation is
// adopted at a transaction boundary: nothing in flight, the last status not in a transaction.
//
// The greeting and the client's first packets are read by the session itself (small, bounded);
// from kAuth on two pumps (mysql_relay.cpp) stream bytes through a mysql::StreamFramer, so a
// 64 MB row or a 16 MiB continuation chain costs one read buffer. The connection id the client
// sees is the server's (the greeting is relayed), so KILL QUERY from another session works.
//
// Threading: a session lives on the io_context of one worker thread and is touched only there.
// It keeps itself alive through shared_from_this() in its pending handlers.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/mysql/framer.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/reply_tracker.h"
#include "proxy/relay_loop.h"
#include "proxy/session_core.h"
#include "proxy/session_plans.h"
#include "rewrite/lexical.h"
#include "rewrite/write_script.h"

namespace switchyard::proxy {

class MySqlSession final : public SessionCore, public std::enable_shared_from_this<MySqlSession> {
 public:
  MySqlSession(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id);
  ~MySqlSession() override;

  void start() override;
  void close(std::string_view reason) override;

 private:
  enum class State { kConnecting, kGreeting, kHandshake, kAuth, kCommand, kFailing, kClosed };
  enum class Dir { kToUpstream = 0, kToClient = 1 };
  struct Pump;  // mysql_relay.cpp

  // mysql_session.cpp: the connection phase up to the client's HandshakeResponse41.
  void connect_upstream();
  void on_upstream_connected();
  // Reads from `leg` until hello_buf_ holds one whole packet, then calls `next` with its
  // sequence id and payload; hello_buf_ keeps what follows it.
  using HelloStep = void (MySqlSession::*)(uint8_t seq, std::string payload);
  void read_hello_packet(StreamLeg& leg, HelloStep next, const char* side);
  void on_greeting(uint8_t seq, std::string payload);
  void on_client_hello(uint8_t seq, std::string payload);
  // mysql_tls.cpp: the client's SSLRequest answered by TLS on both legs, then the client's
  // HandshakeResponse41 read over TLS.
  void start_tls_both_legs(uint8_t seq, std::string ssl_request);
  // The SSLRequest packet to the server, then the TLS handshake on the upstream leg, then `then`.
  void upstream_tls(std::shared_ptr<std::string> ssl_request, std::function<void()> then);
  // A plaintext client's HandshakeResponse41 (sequence id `seq`) with a TLS upstream: the proxy's
  // own SSLRequest takes `seq` upstream, the response follows over TLS one id later, and the
  // server's ids run one ahead of the client's until authentication ends (seq_shift_).
  void plaintext_client_tls_upstream(uint8_t seq, std::string response_payload, const mysql::HandshakeResponse41& response);
  bool client_tls_admits(uint8_t seq);

  // mysql_relay.cpp: the pumps, from kAuth on.
  void start_pumps();  // with hello_buf_'s bytes (pipelined behind the response) fed first
  void pump_feed(Pump& p, std::string_view data);
  bool frame(Pump& p, std::string_view data);  // false: the session is failing or closed
  // For RelayLoop (proxy/relay_loop.h), which runs the pumps.
  friend struct RelayLoop<MySqlSession, Pump>;
  using Loop = RelayLoop<MySqlSession, Pump>;
  bool failing() const { return state_ == State::kFailing; }
  bool relay_written(Pump& p);  // false after COM_QUIT went up: both legs close
  // What a pump's framer shows: a whole small packet (true: replace it by p.replacement) or a
  // long packet's first byte. The client's and the server's, by phase; each returns true when
  // it set p.replacement.
  bool inspect(Pump& p, uint8_t seq, std::string_view payload, bool whole);
  // Writes p.replacement where the replaced packet was.
  void replace(Pump& p);
  // A packet of the authentication exchange renumbered by seq_shift_, as wire bytes.
  std::string shifted_packet(Pump& p, uint8_t seq, std::string_view payload) const;
  bool client_packet(Pump& p, uint8_t seq, std::string_view payload, bool whole);
  bool server_packet(Pump& p, uint8_t seq, std::string_view payload, bool whole);
  // The server's OK that ends authentication, `wire` as the client is to get it.
  bool authenticated(Pump& p, std::string wire);

  // mysql_statements.cpp.
  // A command the client sent at sequence id 0 (whole, or its first byte), before it goes up:
  // planned, rewritten or refused; true when p.replacement holds what goes up instead. `sent`
  // is set to the payload that goes up.
  bool plan_command(Pump& p, std::string_view payload, bool whole, std::string& sent);
  // A refusal: the stand-in goes up in place of the command, its OK comes back as ERR 1235.
  void refuse_command(Pump& p, std::string message, std::string& sent);
  // A plan with a write script (two-table migrations) for a prepared statement, made a refusal:
  // a script runs only in place of a text query.
  void refuse_prepared_script(planner::Decision& d) const;
  // A packet of the reply to command `ordinal`; true when p.replacement replaces it.
  bool reply_packet(Pump& p, uint64_t ordinal, uint8_t seq, std::string_view payload, mysql::ReplyTracker::Progress progress);
  // Routing and the framer's capture for gen_ (at authentication, and at each adoption).
  void update_routing();
  // Takes the newest generation if the session is at a transaction boundary.
  void adopt_generation();

  // mysql_prepared.cpp: commands on a prepared statement (by id), the prepare replies, and each
  // statement planned again when a generation is adopted.
  bool prepared_command(Pump& p, std::string_view payload, bool whole, std::string& sent);
  bool prepare_reply(Pump& p, std::string_view payload, mysql::ReplyTracker::Progress progress);
  void replan_prepared();
  // mysql_settings.cpp: the settings query (rewrite/mysql/session_settings.h).
  // Sends it upstream now and keeps `held` (the packet the client waits for) until its reply
  // is read; false if it cannot go now (the client pipelined behind).
  bool ask_settings(std::string held);
  // A packet of the settings query's reply (its front command); true: p.replacement is set.
  bool settings_packet(Pump& p, std::string_view payload, mysql::ReplyTracker::Progress progress);
  bool hold_assembly(size_t bytes);
  void release_assembly(size_t bytes);
  // mysql_scripts.cpp: a write of a two-table migration run as its script's statements
  // (rewrite/write_script.h) in a transaction or savepoint of the session's own, the client's
  // packet answered with the write's own reply. Reads from the client pause meanwhile.
  void start_script(Pump& p, rewrite::WriteScript plan, std::string& sent);
  // A packet of a script statement's reply (always dropped); the last one's end answers the client.
  bool script_packet(Pump& p, std::string_view payload, mysql::ReplyTracker::Progress progress);
  void script_send(const std::string& sql);
  void script_advance(Pump& p);
  void script_finish(Pump& p, std::string wire);

  // Sends an ERR packet (sequence id `seq`) to the client, then closes. Safe in any state:
  // while relaying, the upstream->client pump (the only writer to the client) sends it when idle.
  void fail_to_client(uint16_t code, std::string_view sql_state, std::string message, uint8_t seq);
  void send_final_error();
  bool done() const { return state_ == State::kFailing || state_ == State::kClosed; }
  const config::Config& cfg() const { return gen_->config; }
  void arm_deadline(std::chrono::milliseconds after, const char* what);

  State state_ = State::kConnecting;

  // Connection phase: one packet at a time (greeting, SSLRequest, HandshakeResponse41).
  std::string hello_buf_;
  uint32_t server_capabilities_ = 0;  // as relayed to the client, masked
  uint32_t server_mariadb_capabilities_ = 0;
  uint8_t greeting_charset_ = 0;
  bool server_offers_tls_ = false;  // CLIENT_SSL in the server's own greeting, before masking
  // Upstream sequence id minus the client's during kAuth (1 when the proxy sent an SSLRequest
  // the client did not: plaintext_client_tls_upstream), else 0.
  uint8_t seq_shift_ = 0;
  std::string user_, database_;

  // Command phase.
  std::unique_ptr<Pump> to_upstream_;
  std::unique_ptr<Pump> to_client_;
  std::optional<mysql::ReplyTracker> replies_;  // capabilities both sides agreed on
  uint32_t capabilities_ = 0;
  bool quit_ = false;  // COM_QUIT relayed: close once it is written
  uint64_t commands_sent_ = 0;  // commands that expect a reply, sent upstream (the proxy's own too)
  uint64_t replies_done_ = 0;   // of those, the ones whose reply is complete

  // Statements: routing, plans and counting (shared with PgSession), under the session's
  // settings as last read from the server.
  SessionPlans plans_;
  rewrite::Lexical lexical_;
  std::string client_charset_;  // character_set_client as last read (string parameters arrive in it)
  bool plan_statements_ = false;  // gen_ has migrations, or the DDL lint is on
  // Refused commands, by ordinal: the ERR their stand-in's OK becomes.
  std::deque<std::pair<uint64_t, std::string>> refusals_;
  // A prepared statement, by the id the client knows (the server's when it was prepared):
  // its text as the client wrote it, the text prepared upstream, how each execution counts
  // under the session's generation, and what that generation changed (mysql_prepared.cpp).
  struct Prepared {
    std::string sql;
    std::string upstream_sql;
    WriteCount counting;
    uint64_t reads_mask = 0;
    bool shadow = false;      // its executions may be sampled for a shadow read (the plan's shadow_candidate)
    bool unread = false;      // its text was too long to read (no migration was active then)
    uint32_t server_id = 0;   // the server's id for it now: the client's, or its re-prepared one's
    uint16_t num_params = 0;
    std::string types;        // the parameter types as the client last bound them (2 bytes each)
    bool long_data = false;   // COM_STMT_SEND_LONG_DATA since its last execution
    std::string refused;      // the generation refuses it: why
    std::optional<std::string> reprepare;  // the generation plans another text: prepared at its next execution
    bool represparing = false;  // that prepare is upstream
    size_t held = 0;            // bytes of the texts, counted in SharedState::prepared_text_bytes
  };
  std::unordered_map<uint32_t, Prepared> prepared_;
  // A COM_STMT_EXECUTE of a statement whose reads are sampled: drawn for, and when drawn, its
  // text with the bound values in place handed to the shadow executor (never waits).
  void shadow_execute(const Prepared& s, std::string_view payload);

  // COM_STMT_PREPAREs in flight, by ordinal: the client's (what prepared_ records when the OK
  // comes), and the session's own re-prepares (client id = the statement's).
  struct Preparing {
    Prepared statement;
    std::optional<uint32_t> reprepares;
  };
  std::deque<std::pair<uint64_t, Preparing>> preparing_;
  std::vector<uint32_t> to_close_;  // server statements replaced by re-prepares, closed with the next command
  size_t prepared_bytes_ = 0;  // held for prepared texts (Prepared::held), given back at close
  void forget(Prepared& s);    // gives its bytes back

  // Settings: the command (ordinal) whose reply may change them, and the settings query.
  std::optional<uint64_t> settings_change_;
  bool changes_settings_ = false;  // the command being planned may change them (plan_command)
  bool settings_stale_ = false;   // asked for, and not asked yet (the client pipelined)
  bool asking_settings_ = false;  // the settings query is the front command upstream
  size_t settings_packets_ = 0;   // packets of its reply so far
  std::string settings_error_;
  std::optional<std::pair<std::string, std::string>> settings_row_;  // sql_mode, character_set_client
  std::string settings_database_;  // DATABASE() in the same row ("" for NULL)
  std::string held_;              // the client's packet held until the reply is read

  // The write script running (mysql_scripts.cpp), if any.
  struct Script {
    enum class Step : uint8_t { kBegin, kCapture, kWrite, kMirror, kEnd, kRetry, kRollback };
    rewrite::WriteScript plan;
    Step step = Step::kBegin;
    bool savepoint = false;  // inside the client's transaction (or with autocommit off)
    size_t mirror = 0;       // the mirror statement running
    uint64_t ordinal = 0;    // the command whose reply is being read
    size_t packets = 0;      // of that reply, so far
    uint64_t columns = 0;    // the capture's result set
    std::vector<std::vector<std::string>> keys;
    bool too_many = false;
    bool unrestricted = false;  // the write runs without keys (the capture found none)
    int retries = 0;
    int deadlocks = 0;       // rounds begun again after a deadlock (own transaction only)
    std::string keys_sql;    // the keys condition, once known
    std::string write_ok;    // the write's OK payload: the client's reply
    std::string step_error;  // the running statement's ERR payload
    std::string failure;     // the ERR packet (wire) the client gets after the rollback
  };
  std::unique_ptr<Script> script_;
  bool upstream_paused_ = false;  // the client->upstream pump waits for the script's end

  std::string final_error_;  // the ERR packet sent to the client before closing
  std::string close_reason_;
};

}  // namespace switchyard::proxy
