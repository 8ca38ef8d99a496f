// Reply tracking; see reply_tracker.h.
#include "protocol/pg/reply_tracker.h"

#include "protocol/pg/backend.h"

namespace switchyard::pg {

std::string patched_tag(std::string_view tag, std::string_view verb) {
  const auto space = tag.rfind(' ');
  if (space == std::string_view::npos || space + 1 == tag.size()) return std::string(tag);
  for (size_t i = space + 1; i < tag.size(); ++i)
    if (tag[i] < '0' || tag[i] > '9') return std::string(tag);
  std::string out(verb);
  if (verb == "INSERT") out += " 0";
  out += tag.substr(space);
  return out;
}

void ReplyTracker::push(Request r) {
  // After an error the server ignores every message up to the next Sync, so those requests
  // get no replies at all.
  if (skipping_to_sync_) return;
  if (r.kind == Kind::kQuery) {
    for (const auto& s : r.statements)
      if (s && s->suppress_rows) {
        ++suppressing_;
        break;
      }
  } else if (r.patch && r.patch->suppress_rows) {
    ++suppressing_;
  }
  queue_.push_back(std::move(r));
}

void ReplyTracker::pop_front() {
  queue_.pop_front();
  recount();
}

void ReplyTracker::recount() {
  suppressing_ = 0;
  for (const auto& r : queue_) {
    bool s = r.patch && r.patch->suppress_rows;
    for (const auto& st : r.statements) s = s || (st && st->suppress_rows);
    suppressing_ += s ? 1 : 0;
  }
}

std::optional<ReplyPatch> ReplyTracker::lookup(const std::map<std::string, ReplyPatch, std::less<>>& m,
                                               std::string_view name) const {
  const auto it = m.find(name);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

void ReplyTracker::on_query(std::vector<std::optional<ReplyPatch>> per_statement) {
  Request r{Kind::kQuery, std::nullopt, std::move(per_statement)};
  push(std::move(r));
}

void ReplyTracker::on_parse(std::string_view statement, std::optional<ReplyPatch> patch) {
  if (!skipping_to_sync_) {
    // A Parse the server skips leaves the old statement in place, so only a processed one counts.
    if (patch) statements_.insert_or_assign(std::string(statement), *patch);
    else if (auto it = statements_.find(statement); it != statements_.end()) statements_.erase(it);
  }
  push(Request{Kind::kParse});
}

void ReplyTracker::on_reprepare(std::string_view statement, std::optional<ReplyPatch> patch) {
  if (skipping_to_sync_) return;  // the server skips it too
  if (patch) statements_.insert_or_assign(std::string(statement), *patch);
  else if (auto it = statements_.find(statement); it != statements_.end()) statements_.erase(it);
}

void ReplyTracker::on_bind(std::string_view portal, std::string_view statement) {
  if (!skipping_to_sync_) {
    if (auto p = lookup(statements_, statement)) portals_.insert_or_assign(std::string(portal), *p);
    else if (auto it = portals_.find(portal); it != portals_.end()) portals_.erase(it);
  }
  push(Request{Kind::kBind});
}

void ReplyTracker::on_describe(char kind, std::string_view name) {
  if (kind == 'S') push(Request{Kind::kDescribeStatement, lookup(statements_, name)});
  else push(Request{Kind::kDescribePortal, lookup(portals_, name)});
}

void ReplyTracker::on_execute(std::string_view portal) { push(Request{Kind::kExecute, lookup(portals_, portal)}); }

void ReplyTracker::on_close(char kind, std::string_view name) {
  if (!skipping_to_sync_) {
    auto& m = kind == 'S' ? statements_ : portals_;
    if (auto it = m.find(name); it != m.end()) m.erase(it);
  }
  push(Request{Kind::kClose});
}

void ReplyTracker::on_sync() {
  skipping_to_sync_ = false;
  push(Request{Kind::kSync});
}

void ReplyTracker::on_syncs_ignored(size_t n) {
  for (auto it = queue_.begin(); n > 0 && it != queue_.end();) {
    if (it->kind != Kind::kSync) {
      ++it;
      continue;
    }
    it = queue_.erase(it);
    --n;
  }
}

void ReplyTracker::on_function_call() { push(Request{Kind::kFunctionCall}); }

const ReplyPatch* ReplyTracker::current_patch() const {
  if (queue_.empty()) return nullptr;
  const Request& r = queue_.front();
  if (r.kind == Kind::kQuery) {
    if (r.index < r.statements.size() && r.statements[r.index]) return &*r.statements[r.index];
    return nullptr;
  }
  return r.patch ? &*r.patch : nullptr;
}

ReplyTracker::Verdict ReplyTracker::on_backend(char type, std::string_view body, std::string& out) {
  if (queue_.empty()) return Verdict::kKeep;  // e.g. the ReadyForQuery that ends authentication
  Request& front = queue_.front();
  const ReplyPatch* patch = current_patch();
  auto pop_if = [&](Kind k) {
    if (front.kind == k) pop_front();
  };
  switch (type) {
    case '1': pop_if(Kind::kParse); return Verdict::kKeep;
    case '2': pop_if(Kind::kBind); return Verdict::kKeep;
    case '3': pop_if(Kind::kClose); return Verdict::kKeep;
    case 'V': pop_if(Kind::kFunctionCall); return Verdict::kKeep;
    case 't': return Verdict::kKeep;  // ParameterDescription: Describe's RowDescription/NoData follows
    case 'n':
      if (front.kind == Kind::kDescribeStatement || front.kind == Kind::kDescribePortal) pop_front();
      return Verdict::kKeep;
    case 'T': {
      if (front.kind == Kind::kDescribeStatement || front.kind == Kind::kDescribePortal) {
        const bool suppress = patch && patch->suppress_rows;
        pop_front();
        if (!suppress) return Verdict::kKeep;
        encode_message(out, 'n', {});
        return Verdict::kReplace;
      }
      return patch && patch->suppress_rows ? Verdict::kDrop : Verdict::kKeep;  // a Query's statement
    }
    case 'D':
      return patch && patch->suppress_rows ? Verdict::kDrop : Verdict::kKeep;
    case 'C': {
      Verdict v = Verdict::kKeep;
      if (patch && patch->drop_tag) {
        v = Verdict::kDrop;
      } else if (patch) {
        const auto nul = body.find('\0');
        encode_message(out, 'C', patched_tag(body.substr(0, nul), patch->tag_verb) + std::string(1, '\0'));
        v = Verdict::kReplace;
      }
      if (front.kind == Kind::kQuery) ++front.index;
      else pop_if(Kind::kExecute);
      return v;
    }
    case 'I':
      if (front.kind == Kind::kQuery) ++front.index;
      else pop_if(Kind::kExecute);
      return Verdict::kKeep;
    case 's': pop_if(Kind::kExecute); return Verdict::kKeep;
    case 'E':
      if (front.kind == Kind::kQuery) {
        front.failed = true;  // the rest of the string does not run; ReadyForQuery ends it
        front.index = front.statements.size();
        return Verdict::kKeep;
      }
      // Extended protocol: the server skips to the next Sync.
      while (!queue_.empty() && queue_.front().kind != Kind::kSync) queue_.pop_front();
      if (queue_.empty()) skipping_to_sync_ = true;
      recount();
      return Verdict::kKeep;
    case 'Z':
      if (front.kind == Kind::kQuery || front.kind == Kind::kSync) {
        pop_front();
      } else {
        // Out of step with the server (a request type this tracker does not know): start over
        // rather than patch the wrong reply.
        queue_.clear();
        recount();
      }
      return Verdict::kKeep;
    default:
      return Verdict::kKeep;
  }
}

TypeSet ReplyTracker::backend_capture() const {
  TypeSet t{'K', 'Z', '1', '2', '3', 'V', 't', 'n', 'T', 'C', 'I', 's', 'E'};
  if (suppressing_ > 0) t.add('D');
  return t;
}

}  // namespace switchyard::pg
