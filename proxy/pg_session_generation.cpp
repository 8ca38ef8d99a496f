// PgSession at the edges of each request: the client messages that start one (Query, Sync,
// FunctionCall) and the ReadyForQuery that ends it, less the Syncs the server ignores in copy-in
// mode (protocol/pg/copy_in_syncs.h). Times the upstream, and adopts a reloaded
// Generation at a transaction boundary.
//
// The boundary: the last ReadyForQuery said 'I' (idle) and nothing the client sent since is in
// flight, no extended-protocol batch open, so the next message the client sends starts a new
// transaction. The session checks for a newer generation there twice: at that ReadyForQuery,
// and when the next message arrives (a session idle during the reload takes the new generation
// for its very next statement). Every statement of one transaction runs under one generation.
// A session that never stops pipelining keeps its generation until it pauses. A prepared
// statement follows: it is planned again at its first use under the new generation (and
// prepared again upstream if its text changed); a portal bound before finishes under the plan
// it was bound with.
#include <spdlog/spdlog.h>

#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

bool PgSession::note_frontend(char type) {
  if (transaction_status_ == 'I' && in_flight_.idle()) adopt_generation();
  switch (type) {
    case 'Q':
      in_flight_.request_sent(InFlight::Clock::now());
      error_positions_.unit_sent();
      return true;
    case 'S':
      in_flight_.sync_sent(InFlight::Clock::now());
      error_positions_.unit_sent();
      requests_.sent(pg::InjectedReplies::Request::kSync, false);
      return false;
    case 'F':
      in_flight_.request_sent(InFlight::Clock::now());
      error_positions_.unit_sent();
      requests_.sent(pg::InjectedReplies::Request::kQuery, false);
      return false;
    case 'P':
    case 'B':
    case 'E':
    case 'D':
    case 'C':
      in_flight_.extended_sent();  // seen only while captured, i.e. while they may be rewritten
      return true;
    default:
      return true;
  }
}

void PgSession::copy_in_started() {
  // The Syncs the client sent after the COPY's Execute reached the server in copy-in mode: no
  // ReadyForQuery answers them, so every count of requests in flight takes them back.
  const uint64_t ignored = copy_syncs_.on_backend('G');
  in_flight_.syncs_ignored(ignored);
  error_positions_.units_ignored(ignored);
  requests_.syncs_ignored(ignored);
  if (replies_) replies_->on_syncs_ignored(ignored);
  if (copy_syncs_.copying_in()) in_flight_.set_copying_in(true);  // until the Sync after its CopyDone
}

void PgSession::at_ready_for_query() {
  if (!in_flight_.authenticated()) authenticated();  // this ReadyForQuery ends authentication
  else error_positions_.answered();
  if (const auto seconds = in_flight_.answered(InFlight::Clock::now()))
    ctx_.shared.metrics.upstream_seconds.observe(*seconds);
  if (transaction_status_ == 'I' && in_flight_.idle()) adopt_generation();
  publish_census();
}

void PgSession::adopt_generation() {
  // Paid at every boundary: one atomic load; the mutex only when a reload published another.
  if (ctx_.shared.generation_number.load(std::memory_order_acquire) == gen_->number) return;
  auto next = ctx_.shared.generation();
  if (next == gen_) return;
  spdlog::debug("session={} adopts generation {} (was {})", id_, next->number, gen_->number);
  gen_ = std::move(next);
  update_reply_tracking();  // safe here: nothing is in flight
  update_routing();
  // Every statement is planned again at its next use (pg_prepared.cpp).
  prepared_.set_current(PlanStamp{gen_->number, plans_.route()});
  to_upstream_->framer.set_capture(frontend_capture());
  publish_census();
}

}  // namespace switchyard::proxy
