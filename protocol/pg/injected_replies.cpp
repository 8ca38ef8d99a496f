// Pairing replies with the requests that get one of their own; see injected_replies.h.
#include "protocol/pg/injected_replies.h"

#include <algorithm>
#include <iterator>

#include "protocol/pg/backend.h"
#include "protocol/pg/reply_tracker.h"

namespace switchyard::pg {

void InjectedReplies::sent(Request r, bool injected, uint32_t tag) {
  if (injected) {
    ++injected_pending_;
    if (r == Request::kQuery) ++injected_queries_;
    if (r == Request::kBind) ++injected_binds_;
    if (r == Request::kExecute) ++injected_executes_;
  }
  Entry* back = queue_.empty() ? nullptr : &queue_.back();
  if (back != nullptr && !injected && tag == 0 && back->kind == r && !back->injected && back->tag == 0 && !back->failed) {
    ++back->count;
    return;
  }
  queue_.push_back(Entry{r, injected, false, false, tag, 1});
}

void InjectedReplies::sent_execute(std::string verb) {
  sent(Request::kExecute, true);
  if (verb.empty()) return;
  queue_.back().has_verb = true;
  verbs_.push_back(std::move(verb));
}

void InjectedReplies::syncs_ignored(uint64_t n) {
  for (auto it = queue_.begin(); n > 0 && it != queue_.end();) {
    if (it->kind != Request::kSync || it->injected) {
      ++it;
      continue;
    }
    const uint64_t k = std::min(n, it->count);
    n -= k;
    it->count -= k;
    it = it->count == 0 ? queue_.erase(it) : std::next(it);
  }
}

void InjectedReplies::pop_one(std::vector<Outcome>& outcomes, bool ok) {
  Entry& e = queue_.front();
  if (e.injected) {
    --injected_pending_;
    if (e.kind == Request::kQuery) --injected_queries_;
    if (e.kind == Request::kBind) --injected_binds_;
    if (e.kind == Request::kExecute) --injected_executes_;
  }
  if (e.has_verb) verbs_.pop_front();
  if (e.tag != 0) outcomes.push_back(Outcome{e.tag, ok});
  if (--e.count == 0) queue_.pop_front();
  else e.failed = false;
}

void InjectedReplies::drop_to_sync(std::vector<Outcome>& outcomes) {
  while (!queue_.empty() && queue_.front().kind != Request::kSync) pop_one(outcomes, false);
}

InjectedReplies::Verdict InjectedReplies::on_backend(char type, std::vector<Outcome>& outcomes) {
  std::string unused;
  return on_backend(type, {}, unused, outcomes);
}

InjectedReplies::Verdict InjectedReplies::on_backend(char type, std::string_view body, std::string& out,
                                                     std::vector<Outcome>& outcomes) {
  if (queue_.empty()) return Verdict::kKeep;  // e.g. the ReadyForQuery that ends authentication
  Entry& front = queue_.front();
  const bool injected = front.injected;
  switch (type) {
    case '1':
    case '3': {
      const Request expected = type == '1' ? Request::kParse : Request::kClose;
      if (front.kind != expected) return Verdict::kKeep;  // not ours to judge
      pop_one(outcomes, true);
      return injected ? Verdict::kDrop : Verdict::kKeep;
    }
    case '2':  // BindComplete: only the proxy's own Binds have entries
      if (front.kind != Request::kBind || !injected) return Verdict::kKeep;
      pop_one(outcomes, true);
      return Verdict::kDrop;
    case 'D':  // a DataRow of the proxy's own Execute
      return front.kind == Request::kExecute && injected ? Verdict::kDrop : Verdict::kKeep;
    case 'C': {
      if (front.kind == Request::kQuery && injected) return Verdict::kDrop;
      if (front.kind != Request::kExecute || !injected) return Verdict::kKeep;
      std::string verb = front.has_verb ? std::move(verbs_.front()) : std::string();
      pop_one(outcomes, true);
      if (verb.empty()) return Verdict::kDrop;
      // CommandComplete's body is the tag and its terminating NUL.
      const std::string_view tag = body.substr(0, body.find('\0'));
      std::string patched = patched_tag(tag, verb);
      patched.push_back('\0');
      encode_message(out, 'C', patched);
      return Verdict::kReplace;
    }
    case 'T':
    case 'n':
      // RowDescription ends a Describe's answer (NoData for a statement that returns no rows);
      // in a simple Query it describes a statement's result rows.
      if (front.kind == Request::kDescribe) pop_one(outcomes, true);
      return Verdict::kKeep;
    case 'E':
      // In a simple Query the error ends one statement and ReadyForQuery follows; in the
      // extended protocol the server skips everything up to the next Sync. Kept either way.
      if (front.kind == Request::kQuery) front.failed = true;
      else drop_to_sync(outcomes);
      return Verdict::kKeep;
    case 't':
      return Verdict::kKeep;
    case 'Z': {
      // Only a Query or Sync is answered by ReadyForQuery; anything before it got no reply.
      while (!queue_.empty() && queue_.front().kind != Request::kQuery && queue_.front().kind != Request::kSync)
        pop_one(outcomes, false);
      if (queue_.empty()) return Verdict::kKeep;
      const bool ours = queue_.front().injected;
      pop_one(outcomes, !queue_.front().failed);
      return ours ? Verdict::kDrop : Verdict::kKeep;
    }
    default:
      return Verdict::kKeep;
  }
}

TypeSet InjectedReplies::backend_capture() const {
  // The answers to Describe always: a client's Describe may be answered before the proxy knows
  // it will want to look, and a missed answer would pair the next one with the wrong request.
  TypeSet t{'1', '3', 'E', 'Z', 't', 'T', 'n'};
  if (injected_queries_ > 0 || injected_executes_ > 0) t.add('C');
  if (injected_executes_ > 0) t.add('D');
  if (injected_binds_ > 0) t.add('2');
  return t;
}

uint32_t InjectedReplies::describing() const {
  return !queue_.empty() && queue_.front().kind == Request::kDescribe ? queue_.front().tag : 0;
}

}  // namespace switchyard::pg
