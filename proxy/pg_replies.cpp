// PgSession's reply patching for two-table migrations (see protocol/pg/reply_tracker.h): a
// rewritten write whose outer command changed (the original runs in a CTE, the mirror around
// it) gets its CommandComplete tag, RowDescription, DataRows and Describe answers restored to
// what the original statement would have produced.
//
// Tracking costs a look at every request and at each reply's completion message, so a session
// tracks only while its generation has a rename_table or copy_table migration, or, once it sent
// a COPY FROM that became four statements (rewrite/pg/copy_from.h), until it adopts another
// generation, and for good once it prepared one (pg_copy.cpp). It starts or
// stops only at a transaction boundary with nothing in flight (adopt_generation), so the
// tracker never misses a request whose replies are still to come.
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

namespace {

bool has_two_table_migration(const Generation& g) {
  for (const auto& m : g.catalog.migrations)
    if (!m.spec.same_table()) return true;
  return false;
}

}  // namespace

void PgSession::update_reply_tracking() {
  if (has_two_table_migration(*gen_) || tracks_copies_) {
    if (!replies_) replies_ = std::make_unique<pg::ReplyTracker>();
  } else {
    replies_.reset();
  }
  if (to_upstream_) to_upstream_->framer.set_capture(frontend_capture());
  if (to_client_) to_client_->framer.set_capture(backend_capture());
}

bool PgSession::start_reply_tracking() {
  if (replies_) return true;
  // Replies to requests sent before the tracker existed would be paired with the wrong ones.
  if (!idle_before_request_) return false;
  replies_ = std::make_unique<pg::ReplyTracker>();
  to_upstream_->framer.set_capture(frontend_capture());
  to_client_->framer.set_capture(backend_capture());
  return true;
}

pg::TypeSet PgSession::backend_capture() const {
  pg::TypeSet t{'K', 'Z', 'S'};  // 'S': ParameterStatus, followed for the lexical settings
  t.add(pg::CopyInSyncs::backend_capture());  // CopyInResponse: Syncs the server ignores
  if (capture_authentication_) t.add('R');  // SCRAM-SHA-256-PLUS out of the list (pg_tls.cpp)
  t.add(requests_.backend_capture());
  if (replies_) t.add(replies_->backend_capture());
  return t;
}

namespace {

std::optional<pg::ReplyPatch> patch_of(const rewrite::Completion& c) {
  if (!c.patched) return std::nullopt;
  return pg::ReplyPatch{c.tag_verb, c.suppress_rows, c.drop_tag};
}

}  // namespace

void PgSession::track_frontend(char type, std::string_view body, const std::optional<pg::BindNames>& bind,
                               std::vector<rewrite::Completion> completions) {
  const bool had_rows = replies_->backend_capture().contains('D');
  switch (type) {
    case 'Q': {
      std::vector<std::optional<pg::ReplyPatch>> patches;
      patches.reserve(completions.size());
      for (const auto& c : completions) patches.push_back(patch_of(c));
      replies_->on_query(std::move(patches));
      break;
    }
    case 'P': {
      const auto parse = pg::decode_parse(body);
      std::optional<pg::ReplyPatch> patch;
      if (!completions.empty()) patch = patch_of(completions.front());
      if (parse) replies_->on_parse(parse->statement, std::move(patch));
      break;
    }
    case 'B':
      if (bind) replies_->on_bind(bind->portal, bind->statement);
      break;
    case 'D':
      if (const auto d = pg::decode_describe_or_close(body)) replies_->on_describe(d->kind, d->name);
      break;
    case 'C':
      if (const auto c = pg::decode_describe_or_close(body)) replies_->on_close(c->kind, c->name);
      break;
    case 'E':
      if (const auto portal = pg::decode_execute_portal(body)) replies_->on_execute(*portal);
      break;
    case 'S':
      replies_->on_sync();
      break;
    case 'F':
      replies_->on_function_call();
      break;
    default:
      break;
  }
  if (replies_->backend_capture().contains('D') != had_rows) to_client_->framer.set_capture(backend_capture());
}

Replacement PgSession::track_backend(char type, std::string_view body) {
  const bool had_rows = replies_->backend_capture().contains('D');
  std::string out;
  const auto verdict = replies_->on_backend(type, body, out);
  if (replies_->backend_capture().contains('D') != had_rows) to_client_->framer.set_capture(backend_capture());
  if (verdict == pg::ReplyTracker::Verdict::kKeep) return kKept;
  return out;  // empty: dropped
}

}  // namespace switchyard::proxy
