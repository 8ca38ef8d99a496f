// Fuzzes InjectedReplies (protocol/pg/injected_replies.h) against a model of the server: any
// interleaving of requests (the client's and injected ones, tagged or not) answered as
// PostgreSQL answers them, errors anywhere, must drop exactly the injected requests' replies,
// settle every tagged request exactly once, and end with nothing injected pending.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <set>
#include <vector>

#include "protocol/pg/injected_replies.h"

namespace {

using switchyard::pg::InjectedReplies;
using R = InjectedReplies::Request;

struct Sent {
  R kind;
  bool injected;
  uint32_t tag;
  bool fails;  // the server answers this one with an error
};

[[noreturn]] void fail() { std::abort(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  InjectedReplies t;
  std::vector<Sent> batch;  // requests sent since the last answered Sync/Query
  std::set<uint32_t> open_tags, settled;
  uint32_t next_tag = 1;
  std::vector<InjectedReplies::Outcome> outcomes;

  // Answers everything sent so far as the server would, checking each verdict.
  auto answer = [&] {
    bool skipping = false;  // an extended-protocol error: skip to the next Sync
    for (const Sent& s : batch) {
      auto expect = [&](char type, bool dropped) {
        const auto v = t.on_backend(type, outcomes);
        if ((v == InjectedReplies::Verdict::kDrop) != dropped) fail();
      };
      switch (s.kind) {
        case R::kParse:
        case R::kClose:
        case R::kDescribe:
          if (skipping) break;
          if (s.fails) {
            expect('E', false);  // errors are always passed on
            skipping = true;
          } else if (s.kind == R::kDescribe) {
            expect('t', false);
            expect('T', false);
          } else {
            expect(s.kind == R::kParse ? '1' : '3', s.injected);
          }
          break;
        case R::kSync:
          expect('Z', s.injected);
          skipping = false;
          break;
        case R::kQuery:
          if (skipping) break;  // skipped to the Sync like anything else
          if (s.fails) expect('E', false);
          else expect('C', s.injected);
          expect('Z', s.injected);
          break;
      }
    }
    batch.clear();
    for (const auto& o : outcomes) {
      if (!open_tags.erase(o.tag) || !settled.insert(o.tag).second) fail();  // once, and only tagged ones
    }
    outcomes.clear();
  };

  for (size_t i = 0; i < size; ++i) {
    const uint8_t b = data[i];
    if ((b & 7) == 7) {
      // The batch ends with a Sync, and the server answers.
      batch.push_back({R::kSync, (b & 8) != 0, 0, false});
      t.sent(R::kSync, (b & 8) != 0);
      answer();
      continue;
    }
    const R kind = static_cast<R>((b & 7) % 5);
    if (kind == R::kSync) continue;
    const bool injected = (b & 8) != 0 && kind != R::kDescribe;
    const uint32_t tag = (b & 16) ? next_tag++ : 0;
    const bool fails = (b & 0xe0) == 0xe0;
    if (tag != 0) open_tags.insert(tag);
    batch.push_back({kind, injected, tag, fails});
    t.sent(kind, injected, tag);
    if (kind == R::kQuery) answer();  // a Query is answered to its ReadyForQuery
  }
  batch.push_back({R::kSync, false, 0, false});
  t.sent(R::kSync, false);
  answer();
  if (t.injecting() || !open_tags.empty()) fail();
  return 0;
}
