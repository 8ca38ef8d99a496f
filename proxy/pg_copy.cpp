// PgSession's COPY FROM into a migrated table through the extended protocol (rewrite_result.h,
// ExtendedCopy): a Parse holds one statement, the mirror needs four (rewrite/pg/copy_from.h), so
// the Parse holds the COPY into the temporary table and the session sends the other three itself:
//
//   client:  Parse(COPY t ...)  Bind  Describe  Execute          Sync  CopyData..  CopyDone        Sync
//   server:  Parse(COPY pg_temp._switchyard_copy_0 ...)  Bind  Describe
//            [Closes/Parse/Bind/Execute/Closes: CREATE TEMPORARY TABLE]  Execute  Sync  CopyData..  CopyDone
//            [Closes/Parse/Bind/Execute/Closes: INSERT INTO t ... SELECT FROM the temporary table]
//            [Closes/Parse/Bind/Execute/Closes: DROP TABLE]  Sync
//
// Everything before the client's last Sync runs in one transaction (the implicit one of the
// batch, or the client's), so the four statements commit or roll back together, as in a simple
// Query; an error in any makes the server skip to that Sync. The proxy's statements go under a
// name of their own, never the unnamed statement or portal, which may be the client's. Their
// replies are dropped (protocol/pg/injected_replies.h) but for the INSERT's CommandComplete,
// which reaches the client as "COPY n"; the COPY's own tag is dropped by the reply tracker
// (its Completion), so the client sees success only once the mirror has succeeded.
#include "protocol/pg/backend.h"
#include "protocol/pg/frontend.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

namespace {

constexpr std::string_view kName = "_switchyard_copy";

}  // namespace

void PgSession::track_copy(planner::Decision& d) {
  if (!d.copy) return;
  if (start_reply_tracking()) {
    tracks_copies_ = true;  // for as long as the session lives: the statement may be used at any time
    return;
  }
  plans_.planner().refuse(d, "COPY FROM into a migrated table prepared before the replies to the requests ahead of it "
                             "arrived, in a session that had no need to pair replies with requests until then; "
                             "prepare it after them");
}

void PgSession::inject_statement(std::string_view sql, std::string verb) {
  using Request = pg::InjectedReplies::Request;
  // The portal and the statement are closed after use, and before too: an error makes the server
  // skip to the Sync, past the Closes at the end, so an earlier failed COPY's may still be there
  // (closing a statement leaves its portal open until the transaction ends).
  const auto close = [&] {
    for (char kind : {'P', 'S'}) {
      pg::encode_describe_or_close(injection_, 'C', pg::Target{kind, kName});
      requests_.sent(Request::kClose, true);
    }
  };
  close();
  pg::ParseMessage parse;
  parse.statement = kName;
  parse.query = sql;
  pg::encode_parse(injection_, parse);
  requests_.sent(Request::kParse, true);
  pg::BindMessage bind;
  bind.portal = kName;
  bind.statement = kName;
  bind.result_formats = std::string_view("\0\0", 2);
  pg::encode_bind(injection_, bind);
  requests_.sent(Request::kBind, true);
  pg::encode_execute(injection_, kName);
  requests_.sent_execute(std::move(verb));
  close();
  // An error in it is no error of a text the client wrote: its position is dropped.
  error_positions_.parse_rewritten(std::string(sql), std::string());
}

Replacement PgSession::inspect_execute(std::string_view body) {
  const auto portal = pg::decode_execute_portal(body);
  if (!portal) {
    fail_to_client("08P01", "switchyard: malformed Execute message");
    return kDropped;
  }
  const auto bound = portals_.find(*portal);
  if (bound == portals_.end()) return kKept;
  const PreparedStatement* s = prepared_.find(bound->second);
  if (s == nullptr || !s->copy) return kKept;
  // Its COPY's tag is dropped by the reply tracker, which track_copy started. (Without it the
  // COPY into a temporary table that does not exist fails: nothing is written.)
  if (!replies_) return kKept;
  inject_statement(s->copy->before, {});
  copy_running_ = s->copy;
  to_client_->framer.set_capture(backend_capture());
  std::string out = std::move(injection_);
  pg::encode_message(out, 'E', body);
  return out;
}

Replacement PgSession::inspect_copy_end(char type) {
  auto copy = std::move(copy_running_);
  copy_running_.reset();
  if (!copy || type != 'c') return kKept;  // CopyFail: the server fails the COPY and skips to Sync
  std::string out;
  pg::encode_message(out, 'c', {});
  for (size_t i = 0; i < copy->after.size(); ++i) {
    const rewrite::Completion& c = copy->after_completions[i];
    inject_statement(copy->after[i], c.patched && !c.drop_tag ? c.tag_verb : std::string());
  }
  out += injection_;
  injection_.clear();
  to_client_->framer.set_capture(backend_capture());
  return out;
}

}  // namespace switchyard::proxy
