// Pairing replies with the requests that get one of their own; see injected_replies.h.
#include "protocol/pg/injected_replies.h"

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
    case 'E':
      // In a simple Query the error ends one statement and ReadyForQuery follows; in the
      // extended protocol the server skips everything up to the next Sync. Kept either way.
      if (front.kind == Request::kQuery) front.failed = true;
      else drop_to_sync(outcomes);
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
  TypeSet t{'1', '3', 'E', 'Z'};
  if (injected_queries_ > 0) t.add('C');
  return t;
}

}  // namespace switchyard::pg
