// One PostgreSQL client session relayed to its own upstream connection.
//
// Lifecycle (one switch over State): kStartup reads the untyped first packets (answering an
// SSLRequest 'S' and handshaking when tls: is configured, else 'N'; GSSENCRequest 'N'; routing
// a CancelRequest), kConnecting opens the upstream (with TLS first when upstream_tls: says so,
// pg_tls.cpp) and forwards the StartupMessage unchanged, kRelaying runs two pumps (client->upstream and
// upstream->client), kClosed. Authentication of every kind passes through untouched, since the
// upstream does it, except when the proxy runs SCRAM itself on both legs (pg_scram.cpp: the
// client's exchange in kStartup before the upstream is opened, the server's in kConnecting).
//
// What to do with each Query and Parse text is the planner's decision (planner/planner.h, rebuilt
// with the route in pg_routing.cpp); the session applies it: writes the text, counts, logs,
// records prepared statements and submits shadow reads.
//
// Threading: a session lives on the io_context of one worker thread and is touched only there.
// It keeps itself alive through shared_from_this() in its pending handlers.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <map>
#include <vector>

#include "planner/planner.h"
#include "protocol/pg/backend.h"
#include "protocol/pg/copy_in_syncs.h"
#include "protocol/pg/framer.h"
#include "protocol/pg/frontend.h"
#include "protocol/pg/injected_replies.h"
#include "protocol/pg/reply_tracker.h"
#include "protocol/pg/startup.h"
#include "proxy/error_positions.h"
#include "proxy/in_flight.h"
#include "proxy/prepared_statements.h"
#include "proxy/relay_loop.h"
#include "proxy/session_core.h"
#include "proxy/session_plans.h"
#include "proxy/verifier_source.h"
#include "rewrite/lexical.h"
#include "rewrite/read_phase.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

// What the session makes of a captured message, returned by each inspect_* function: nullopt
// keeps it (its bytes stream on, without a copy), a string replaces it with those bytes (whole
// messages), an empty string drops it.
using Replacement = std::optional<std::string>;
inline const Replacement kKept = std::nullopt;
inline const Replacement kDropped = std::string();

class PgSession final : public SessionCore, public std::enable_shared_from_this<PgSession> {
 public:
  PgSession(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id);
  ~PgSession() override;

  void start() override;
  // Ends the session, closing both sockets; idempotent. `reason` goes to the log.
  void close(std::string_view reason) override;

 private:
  // kFailing: a final ErrorResponse is on its way to the client; nothing else happens.
  enum class State { kStartup, kConnecting, kRelaying, kFailing, kClosed };
  enum class Dir { kToUpstream = 0, kToClient = 1 };

  // One direction of the relay: read a chunk, frame it, write what results, repeat.
  struct Pump;

  // Startup phase.
  void read_startup();
  void on_startup_bytes();
  void answer_encryption_request(pg::StartupKind kind);
  void forward_cancel(pg::BackendKeyData client_key);
  void connect_upstream();
  void on_upstream_connected();
  void send_startup_upstream();
  // pg_tls.cpp: TLS on both legs. The client's handshake after 'S'; what tls.mode and
  // tls.verify demand of a StartupMessage (false: the session is failing); the SSLRequest to the
  // upstream and its handshake (then send_startup_upstream); and the AuthenticationSASL list
  // without SCRAM-SHA-256-PLUS.
  void accept_client_tls();
  bool client_tls_admits();
  void request_upstream_tls();
  void on_upstream_tls_answer(char answer);
  Replacement inspect_authentication(std::string_view body);
  // pg_scram.cpp: SCRAM on both legs (auth: in config/auth.h), instead of relaying the server's
  // exchange. begin_authentication follows the StartupMessage: it looks the role's verifier up
  // and runs the client's exchange, or goes straight to connect_upstream; upstream_scram follows
  // the upstream StartupMessage when the client's exchange passed; scram_done starts the relay.
  struct Scram;
  bool scram_wanted() const;
  void begin_authentication();
  void on_verifier(VerifierAnswer answer);
  void scram_write(StreamLeg& leg, std::shared_ptr<std::string> bytes, void (*next)(PgSession&));
  void scram_read(bool from_client);  // one whole message, to on_client_sasl / on_upstream_sasl
  void on_client_sasl(char type, const std::string& body);
  void upstream_scram();
  void on_upstream_sasl(char type, const std::string& body);
  void scram_done();

  // Relay phase.
  void start_pumps();
  void authenticated();  // the first ReadyForQuery: every frontend message is accepted from now
  std::string frontend_error(pg::FrameError err) const;
  void watch_message_deadline();
  // The process-wide budget for captured messages assembled across reads.
  bool hold_assembly(size_t bytes);
  void release_assembly(size_t bytes);
  void pump_feed(Pump& p, std::string_view data);
  // For RelayLoop (proxy/relay_loop.h), which runs the pumps.
  friend struct RelayLoop<PgSession, Pump>;
  using Loop = RelayLoop<PgSession, Pump>;
  bool failing() const { return state_ == State::kFailing; }
  bool relay_written(Pump&) { return true; }
  // A captured message, seen in place: what it becomes (the pump writes a replacement at the
  // message's place in the stream).
  Replacement inspect(Pump& p, char type, std::string_view body);
  Replacement replace_backend_key(std::string_view body);  // the proxy's key for the backend's
  // A client message going upstream; a Bind's names decoded once for whoever looks at them.
  Replacement inspect_frontend(char type, std::string_view body, const std::optional<pg::BindNames>& bind,
                               std::vector<rewrite::Completion>& completions);
  Replacement inspect_query(std::string_view body, std::vector<rewrite::Completion>& completions);
  Replacement inspect_parse(std::string_view body, std::vector<rewrite::Completion>& completions);
  // What the planner (planner/planner.h) decides for one statement under the session's
  // generation, route and lexical settings; the DDL lint's findings are logged and counted here.
  planner::Decision plan(planner::Statement statement);
  // A Query's decision: its reads and writes counted, logged, its shadow read submitted.
  void count_query(std::string_view sql, planner::Decision& d);
  pg::TypeSet frontend_capture() const;
  // pg_prepared.cpp: the statements the client prepared (proxy/prepared_statements.h), each
  // prepared again under the current plan at its first use after a flip.
  PreparedStatement statement_of(std::string_view text, const planner::Decision& d);
  void count_use(const PreparedStatement& s);
  void too_many_statements();  // FATAL 54000: limits.max_prepared_statements
  // Before a Bind or Describe (`before_query` false) or an EXECUTE in a Query (true) of `name`:
  // plans it again if stale, and if the server's copy differs, appends to `injection_` what
  // prepares it again. True if something was injected.
  bool refresh(const std::string& name, PreparedStatement& s, bool before_query);
  // Its parameters are decoded only for a shadow read or a refusal, which never meet.
  Replacement inspect_bind(std::string_view body, const pg::BindNames& names);
  Replacement inspect_describe(std::string_view body);
  // pg_copy.cpp: an Execute of a COPY FROM into a migrated table prepared in a Parse
  // (rewrite::ExtendedCopy): the temporary table is made just before it, and the client's
  // CopyDone is followed by the mirrored INSERT and the DROP. Each statement is sent as the
  // proxy's own Parse, Bind, Execute and Close, whose replies the client never sees.
  Replacement inspect_execute(std::string_view body);
  Replacement inspect_copy_end(char type);  // CopyDone 'c' or CopyFail 'f'
  // A Parse (or re-prepare) of such a COPY: replies are tracked from now on, or it is refused.
  void track_copy(planner::Decision& d);
  void inject_statement(std::string_view sql, std::string verb);
  // A ParameterDescription or RowDescription answering a Describe of statement `name`: kept in
  // the statement's record, or restored to what the client was told before a re-prepare.
  Replacement on_describe_answer(const std::string& name, char type, std::string_view body);
  void note_close(std::string_view body);
  // SQL PREPARE / EXECUTE / DEALLOCATE / DISCARD ALL in a Query; a replacement for the Query
  // itself (a single PREPARE whose statement is rewritten) goes to `query`.
  void note_prepared_commands(std::string_view sql, uint32_t tag, std::optional<std::string>& query);
  void on_request_outcomes();
  void publish_census();
  uint32_t next_tag() { return ++last_tag_ == 0 ? ++last_tag_ : last_tag_; }
  // pg_session_generation.cpp: in-flight bookkeeping of a client message going upstream (false:
  // inspect_frontend need not see it), and what happens at each ReadyForQuery (upstream latency;
  // adopting a reloaded generation at a transaction boundary).
  bool note_frontend(char type);
  void at_ready_for_query();
  void copy_in_started();  // a CopyInResponse came
  void adopt_generation();
  // pg_replies.cpp: restoring the replies of statements a two-table migration rewrote.
  void update_reply_tracking();
  // Starts tracking replies for a Query whose rewrite patches them (a COPY FROM into a migrated
  // table) in a session that does not track: only when nothing was in flight before it.
  bool start_reply_tracking();
  pg::TypeSet backend_capture() const;
  // `completions`: of the Query or Parse being relayed (empty: its replies are relayed as they are).
  void track_frontend(char type, std::string_view body, const std::optional<pg::BindNames>& bind,
                      std::vector<rewrite::Completion> completions);
  Replacement track_backend(char type, std::string_view body);
  // An ErrorResponse whose position points into a rewritten text: pointed at the client's text,
  // or the position dropped.
  Replacement remap_error(std::string_view body);
  // pg_routing.cpp: the session's identity for canary routing, given to plans_.
  void update_routing();
  // pg_shadow.cpp: handing shadow reads the planner chose to the executor (SessionPlans::submit_shadow).
  // Each Bind of a statement that may be sampled (PreparedStatement::shadow), with its parameters;
  // an EXECUTE of one, as the plain read it runs.
  void shadow_bind(std::string_view bind_body, const PreparedStatement& s);  // decoded only when sampled
  void shadow_execute(std::string_view read);

  // Sends a FATAL ErrorResponse to the client, then closes. Safe in any state: while relaying,
  // the upstream->client pump (the only writer to the client) sends it when idle.
  void fail_to_client(std::string_view sqlstate, std::string message);
  void send_final_error();
  bool done() const { return state_ == State::kFailing || state_ == State::kClosed; }

  State state_ = State::kStartup;
  char upstream_tls_answer_ = 0;
  // Capture Authentication ('R') until authentication ends, to take SCRAM-SHA-256-PLUS out of
  // the server's list: only when the upstream leg is encrypted (else the server offers none).
  bool capture_authentication_ = false;
  const config::Config& cfg() const { return gen_->config; }

  std::string startup_buf_;            // bytes of the startup phase read so far
  std::string startup_packet_;         // the StartupMessage to forward upstream
  std::string startup_leftover_;       // bytes the client sent after it, fed to the relay
  std::string upstream_leftover_;      // bytes the server sent after a SCRAM exchange the proxy ran
  std::unique_ptr<Scram> scram_;       // while the proxy runs SCRAM on both legs (pg_scram.cpp)
  std::string user_, database_, application_name_;

  std::unique_ptr<Pump> to_upstream_;
  std::unique_ptr<Pump> to_client_;
  std::string final_error_;            // the ErrorResponse sent to the client before closing
  bool client_key_registered_ = false;
  pg::BackendKeyData client_key_{};
  char transaction_status_ = 'I';
  InFlight in_flight_;  // requests awaiting their ReadyForQuery
  pg::CopyInSyncs copy_syncs_;  // the Syncs the server ignores in copy-in mode
  ErrorPositions error_positions_;  // the rewritten texts ErrorResponse positions refer to
  std::unique_ptr<pg::ReplyTracker> replies_;  // only while a two-table migration is configured
  bool idle_before_request_ = false;  // nothing was in flight before the request being inspected
  // The read route, the planner and the counting, for gen_ (updated at start and at each
  // adopted generation).
  SessionPlans plans_;
  rewrite::Lexical lexical_;         // as the server last reported it (ParameterStatus)
  // Every statement the client prepared, and what the server holds under its name.
  PreparedStatements prepared_;
  // The requests that get a reply of their own, the proxy's re-prepares among them (dropped).
  pg::InjectedReplies requests_;
  std::vector<pg::InjectedReplies::Outcome> outcomes_;
  std::map<uint32_t, std::string> reprepare_tags_;  // an injected Parse or PREPARE: its statement
  std::map<uint32_t, std::string> describe_tags_;   // a Describe of a statement that reads a migration
  std::map<std::string, std::string, std::less<>> portals_;  // portal -> statement, for those
  uint32_t last_tag_ = 0;
  PreparedStatements::Census published_statements_;  // as the census last heard it
  uint64_t published_generation_ = 0;
  std::string injection_;    // messages the proxy sends upstream before the client's message
  // The extended-protocol COPY whose Execute went up last, until the client ends its data or
  // sends another request (pg_copy.cpp).
  std::shared_ptr<const rewrite::ExtendedCopy> copy_running_;
  bool tracks_copies_ = false;  // a COPY of that kind was prepared: replies are tracked for good
  std::string close_reason_;
  bool message_deadline_armed_ = false;
};

}  // namespace switchyard::proxy
