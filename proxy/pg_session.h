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

#include "protocol/pg/backend.h"
#include "protocol/pg/framer.h"
#include "protocol/pg/injected_replies.h"
#include "protocol/pg/reply_tracker.h"
#include "protocol/pg/startup.h"
#include "proxy/error_positions.h"
#include "proxy/in_flight.h"
#include "proxy/prepared_statements.h"
#include "proxy/session.h"
#include "proxy/session_context.h"
#include "proxy/stream_leg.h"
#include "proxy/verifier_source.h"
#include "rewrite/pg/lexical.h"
#include "rewrite/read_phase.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::proxy {

// True if the migration's phase and shadow settings sample its reads (pg_shadow.cpp).
bool shadow_eligible(const config::Migration& m);

class PgSession final : public Session, public std::enable_shared_from_this<PgSession> {
 public:
  PgSession(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id);
  ~PgSession() override;

  void start() override;
  // Ends the session, closing both sockets; idempotent. `reason` goes to the log.
  void close(std::string_view reason) override;
  uint64_t id() const override { return id_; }

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
  // without SCRAM-SHA-256-PLUS (true: replaced by backend_replacement_).
  void accept_client_tls();
  bool client_tls_admits();
  void request_upstream_tls();
  void on_upstream_tls_answer(char answer);
  bool inspect_authentication(std::string_view body);
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
  void pump_read(Pump& p);
  void pump_read_now(Pump& p);
  void watch_message_deadline();
  // The process-wide budget for captured messages assembled across reads.
  bool hold_assembly(size_t bytes);
  void release_assembly(size_t bytes);
  void pump_feed(Pump& p, std::string_view data);
  void pump_write(Pump& p);
  // A captured message, seen in place: true if it must be replaced (then replace() emits the
  // replacement into the pump's output, at the message's place in the stream).
  bool inspect(Pump& p, char type, std::string_view body);
  void replace(Pump& p, char type, std::string_view body);
  bool inspect_frontend(char type, std::string_view body);
  bool inspect_query(std::string_view body);
  bool inspect_parse(std::string_view body);
  // What the session's generation and route make of one statement text: the rewrite (kUnchanged
  // when the text is relayed as it is) and the migrations it reads. Counts nothing.
  struct Plan {
    rewrite::RewriteResult result;
    bool writes = false;      // the text may write (Prefilter::may_write)
    uint64_t reads_mask = 0;  // a read: bit i, it reads catalog migration i
  };
  Plan plan(std::string_view sql);
  // A Query's plan: counted, logged, and sampled for a shadow read.
  void count_query(std::string_view sql, const Plan& p);
  pg::TypeSet frontend_capture() const;
  // pg_prepared.cpp: the statements the client prepared (proxy/prepared_statements.h), each
  // prepared again under the current plan at its first use after a flip.
  PreparedStatement statement_of(std::string_view text, const Plan& p);
  void count_use(const PreparedStatement& s);
  // How each execution of a statement planned as `p` counts as a write, and the counting.
  WriteCount write_count(const Plan& p);
  // Counts one use of a planned write; a refusal also goes to its migration's recent refusals as
  // `sql`'s fingerprint with `reason`.
  void count_write(const WriteCount& w, std::string_view sql, std::string_view reason);
  void too_many_statements();  // FATAL 54000: limits.max_prepared_statements
  // Before a Bind or Describe (`before_query` false) or an EXECUTE in a Query (true) of `name`:
  // plans it again if stale, and if the server's copy differs, appends to `injection_` what
  // prepares it again. True if something was injected.
  bool refresh(const std::string& name, PreparedStatement& s, bool before_query);
  bool inspect_bind(std::string_view body);
  bool inspect_describe(std::string_view body);
  // A ParameterDescription or RowDescription answering a Describe of statement `name`: kept in
  // the statement's record, or restored to what the client was told before a re-prepare
  // (true: replaced by backend_replacement_).
  bool on_describe_answer(const std::string& name, char type, std::string_view body);
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
  void adopt_generation();
  // pg_replies.cpp: restoring the replies of statements a two-table migration rewrote.
  void update_reply_tracking();
  pg::TypeSet backend_capture() const;
  void remember_patches(const rewrite::RewriteResult& r);
  void track_frontend(char type, std::string_view body);
  bool track_backend(char type, std::string_view body);  // true: drop or replace it
  // An ErrorResponse whose position points into a rewritten text: pointed at the client's text,
  // or dropped (true: replaced by backend_replacement_).
  bool remap_error(std::string_view body);
  // pg_routing.cpp: the shape each migration's reads are served from in this session.
  void update_routing();
  void count_reads(uint64_t reads_mask);
  MigrationMetrics& metrics_of(const std::string& migration);
  // Without a parse: whether a read may need rewriting under this session's route (or may be
  // sampled for a shadow read), and which migrations' relations it names.
  void update_read_triggers();
  bool read_needs_rewrite(std::string_view sql, uint64_t& reads_mask) const;
  // pg_shadow.cpp: sampling reads for the shadow executor.
  std::optional<size_t> shadow_pick(const rewrite::RewriteResult& r) const;
  struct ShadowParams {
    std::vector<std::optional<std::string>> values;
    std::vector<int> formats;       // empty: all text
    std::vector<uint32_t> types;    // empty: all inferred
  };
  void submit_shadow(size_t index, std::string_view sql, const rewrite::RewriteResult& served, ShadowParams params);
  void shadow_query(std::string_view sql, const rewrite::RewriteResult& r);
  void shadow_bind(std::string_view body, const PreparedStatement& s);

  // Sends a FATAL ErrorResponse to the client, then closes. Safe in any state: while relaying,
  // the upstream->client pump (the only writer to the client) sends it when idle.
  void fail_to_client(std::string_view sqlstate, std::string message);
  void send_final_error();
  bool done() const { return state_ == State::kFailing || state_ == State::kClosed; }

  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  StreamLeg client_leg_{client_};      // reads and writes of the client, through TLS once agreed
  StreamLeg upstream_leg_{upstream_};
  boost::asio::steady_timer timer_;
  SessionContext& ctx_;
  const uint64_t id_;
  State state_ = State::kStartup;
  std::shared_ptr<const Generation> gen_;  // the configuration this session runs under
  // The TLS contexts the session started with: its streams use them for its whole life, even
  // after it adopts a later generation.
  std::shared_ptr<TlsContexts> tls_;
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
  ErrorPositions error_positions_;  // the rewritten texts ErrorResponse positions refer to
  std::unique_ptr<pg::ReplyTracker> replies_;  // only while a two-table migration is configured
  std::vector<std::optional<pg::ReplyPatch>> pending_patches_;  // of the Query/Parse being inspected
  std::string backend_replacement_;  // what replace() emits for a backend message track_backend chose
  rewrite::ReadRoute route_;         // set at start and at each adopted generation
  rewrite::pg::Lexical lexical_;     // as the server last reported it (ParameterStatus)
  std::vector<MigrationMetrics*> migration_metrics_;  // by catalog index, for gen_
  struct ReadTrigger {
    std::vector<std::string> relations;  // lower-cased names of the old and new relation
    std::vector<std::string> words;      // names whose mention means the read must be rewritten
    bool star = false;                   // `*` too (SELECT * lists old columns served from new)
    bool active = false;                 // the phase routes reads
    bool shadow = false;                 // reads may be sampled for a shadow read: always parse
  };
  std::vector<ReadTrigger> read_triggers_;  // by catalog index, for gen_ and route_
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
  std::string replacement_;  // what replace() emits for the frontend message inspect() chose
  std::chrono::steady_clock::time_point started_;
  std::string close_reason_;
  bool message_deadline_armed_ = false;
};

}  // namespace switchyard::proxy
