// InjectedReplies: the replies to requests the proxy slipped into a session's stream are dropped,
// whatever the client pipelined around them, and errors settle the right requests.
#include "protocol/pg/injected_replies.h"

#include <gtest/gtest.h>

namespace switchyard::pg {
namespace {

using R = InjectedReplies::Request;
using V = InjectedReplies::Verdict;
using Outcomes = std::vector<InjectedReplies::Outcome>;

struct Step {
  char type;
  V verdict;
};

// Feeds `steps` to `t`, checking each verdict; returns the outcomes settled on the way.
Outcomes feed(InjectedReplies& t, const std::vector<Step>& steps) {
  Outcomes out;
  for (size_t i = 0; i < steps.size(); ++i)
    EXPECT_EQ(t.on_backend(steps[i].type, out), steps[i].verdict) << "reply " << i << " '" << steps[i].type << "'";
  return out;
}

TEST(InjectedReplies, ARePrepareBeforeABindIsInvisible) {
  InjectedReplies t;
  t.sent(R::kClose, true);
  t.sent(R::kParse, true, 7);
  t.sent(R::kSync, false);  // the client's Bind, Execute (no entries), then its Sync
  EXPECT_TRUE(t.injecting());
  const Outcomes o = feed(t, {{'3', V::kDrop}, {'1', V::kDrop}, {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].tag, 7u);
  EXPECT_TRUE(o[0].ok);
  EXPECT_FALSE(t.injecting());
}

TEST(InjectedReplies, TheClientsOwnParsesBeforeTheInjectionAreKept) {
  InjectedReplies t;
  t.sent(R::kParse, false, 1);
  t.sent(R::kParse, false);
  t.sent(R::kClose, true);
  t.sent(R::kParse, true, 2);
  t.sent(R::kParse, false);
  t.sent(R::kSync, false);
  const Outcomes o = feed(t, {{'1', V::kKeep}, {'1', V::kKeep}, {'3', V::kDrop}, {'1', V::kDrop}, {'1', V::kKeep},
                              {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].tag, 1u);
  EXPECT_EQ(o[1].tag, 2u);
}

TEST(InjectedReplies, AFailedRePrepareIsReportedAndItsErrorKept) {
  InjectedReplies t;
  t.sent(R::kClose, true);
  t.sent(R::kParse, true, 3);
  t.sent(R::kParse, false, 4);  // skipped by the server after the error
  t.sent(R::kSync, false);
  const Outcomes o = feed(t, {{'3', V::kDrop}, {'E', V::kKeep}, {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].tag, 3u);
  EXPECT_FALSE(o[0].ok);
  EXPECT_EQ(o[1].tag, 4u);
  EXPECT_FALSE(o[1].ok);
}

TEST(InjectedReplies, AnErrorBeforeTheInjectionSkipsItToo) {
  // The client's Bind fails before the proxy's Close and Parse: the server skips them.
  InjectedReplies u;
  u.sent(R::kParse, false);  // the client's Parse completes, then its Bind fails
  u.sent(R::kClose, true);
  u.sent(R::kParse, true, 6);
  u.sent(R::kSync, false);
  const Outcomes o = feed(u, {{'1', V::kKeep}, {'E', V::kKeep}, {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].tag, 6u);
  EXPECT_FALSE(o[0].ok);
  EXPECT_FALSE(u.injecting());
}

TEST(InjectedReplies, AnInjectedQueryBeforeTheClientsQueryIsInvisible) {
  InjectedReplies t;
  t.sent(R::kClose, true);
  t.sent(R::kSync, true);
  t.sent(R::kQuery, true, 8);
  t.sent(R::kQuery, false, 9);
  EXPECT_TRUE(t.backend_capture().contains('C'));
  const Outcomes o = feed(t, {{'3', V::kDrop}, {'Z', V::kDrop}, {'C', V::kDrop}, {'Z', V::kDrop}, {'C', V::kKeep},
                              {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 2u);
  EXPECT_TRUE(o[0].ok);
  EXPECT_TRUE(o[1].ok);
  EXPECT_FALSE(t.backend_capture().contains('C'));
}

TEST(InjectedReplies, AQueryWithAnErrorFails) {
  InjectedReplies t;
  t.sent(R::kQuery, true, 1);
  t.sent(R::kQuery, false, 2);
  const Outcomes o = feed(t, {{'E', V::kKeep}, {'Z', V::kDrop}, {'C', V::kKeep}, {'Z', V::kKeep}});
  ASSERT_EQ(o.size(), 2u);
  EXPECT_FALSE(o[0].ok);
  EXPECT_TRUE(o[1].ok);
}

TEST(InjectedReplies, PipelinedRequestsShareEntries) {
  InjectedReplies t;
  for (int i = 0; i < 100000; ++i) {
    t.sent(R::kParse, false);
    t.sent(R::kSync, false);
  }
  Outcomes o;
  for (int i = 0; i < 100000; ++i) {
    ASSERT_EQ(t.on_backend('1', o), V::kKeep);
    ASSERT_EQ(t.on_backend('Z', o), V::kKeep);
  }
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(t.on_backend('Z', o), V::kKeep);  // nothing pending: kept
}

}  // namespace
}  // namespace switchyard::pg
