// Pairing replies with the requests that get one of their own; see injected_replies.h.
#include "protocol/pg/injected_replies.h"

#include <algorithm>
#include <iterator>

namespace switchyard::pg {

void InjectedReplies::sent(Request r, bool injected, uint32_t tag) {
  if (injected) {
    ++injected_pending_;
    if (r == Request::kQuery) ++injected_queries_;
  }
  Entry* back = queue_.empty() ? nullptr : &queue_.back();
  if (back != nullptr && !injected && tag == 0 && back->kind == r && !back->injected && back->tag == 0 && !back->failed) {
    ++back->count;
    return;
  }
  queue_.push_back(Entry{r, injected, tag, 1});
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
  }
  if (e.tag != 0) outcomes.push_back(Outcome{e.tag, ok});
  if (--e.count == 0) queue_.pop_front();
  else e.failed = false;
}

void InjectedReplies::drop_to_sync(std::vector<Outcome>& outcomes) {
  while (!queue_.empty() && queue_.front().kind != Request::kSync) pop_one(outcomes, false);
}

InjectedReplies::Verdict InjectedReplies::on_backend(char type, std::vector<Outcome>& outcomes) {
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
    case 'C':
      return front.kind == Request::kQuery && injected ? Verdict::kDrop : Verdict::kKeep;
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
  if (injected_queries_ > 0) t.add('C');
  return t;
}

uint32_t InjectedReplies::describing() const {
  return !queue_.empty() && queue_.front().kind == Request::kDescribe ? queue_.front().tag : 0;
}

}  // namespace switchyard::pg
