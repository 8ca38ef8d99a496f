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

// One statement the proxy runs around an extended-protocol COPY (proxy/pg_copy.cpp): Closes,
// Parse, Bind, Execute, Closes, each reply dropped, `verb` given to the Execute.
void inject_statement(InjectedReplies& t, std::string verb = {}) {
  t.sent(R::kClose, true);
  t.sent(R::kClose, true);
  t.sent(R::kParse, true);
  t.sent(R::kBind, true);
  t.sent_execute(std::move(verb));
  t.sent(R::kClose, true);
  t.sent(R::kClose, true);
}
const std::vector<Step> kInjectedStatement = {{'3', V::kDrop}, {'3', V::kDrop}, {'1', V::kDrop}, {'2', V::kDrop},
                                              {'C', V::kDrop}, {'3', V::kDrop}, {'3', V::kDrop}};

TEST(InjectedReplies, AStatementRunBeforeTheClientsExecuteIsInvisible) {
  InjectedReplies t;
  t.sent(R::kParse, false, 4);  // the client's Parse, Bind (no entry), Describe
  t.sent(R::kDescribe, false);
  inject_statement(t);  // then the client's Execute (no entry) and Sync
  t.sent(R::kSync, false);
  EXPECT_TRUE(t.backend_capture().contains('2'));
  EXPECT_TRUE(t.backend_capture().contains('C'));
  EXPECT_TRUE(t.backend_capture().contains('D'));
  // The client's BindComplete comes while the proxy's Close is in front: kept.
  std::vector<Step> steps = {{'1', V::kKeep}, {'2', V::kKeep}, {'n', V::kKeep}};
  steps.insert(steps.end(), kInjectedStatement.begin(), kInjectedStatement.end());
  steps.push_back({'C', V::kKeep});  // the client's own COPY's tag (the reply tracker drops it)
  steps.push_back({'Z', V::kKeep});
  const Outcomes o = feed(t, steps);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].tag, 4u);
  EXPECT_FALSE(t.injecting());
  EXPECT_FALSE(t.backend_capture().contains('2'));
  EXPECT_FALSE(t.backend_capture().contains('C'));
}

TEST(InjectedReplies, AnInjectedExecuteWithAVerbGivesTheClientItsTag) {
  InjectedReplies t;
  inject_statement(t, "COPY");
  inject_statement(t);
  t.sent(R::kSync, false);
  Outcomes o;
  std::string out;
  for (const char type : {'3', '3', '1', '2'}) ASSERT_EQ(t.on_backend(type, {}, out, o), V::kDrop);
  EXPECT_EQ(t.on_backend('D', std::string_view("\0\0", 2), out, o), V::kDrop);  // rows of the proxy's statement
  ASSERT_EQ(t.on_backend('C', std::string_view("INSERT 0 3\0", 11), out, o), V::kReplace);
  EXPECT_EQ(out, std::string("C\0\0\0\x0b" "COPY 3\0", 12));
  out.clear();
  for (const char type : {'3', '3'}) ASSERT_EQ(t.on_backend(type, {}, out, o), V::kDrop);
  for (const Step& s : kInjectedStatement) ASSERT_EQ(t.on_backend(s.type, {}, out, o), s.verdict);
  EXPECT_EQ(t.on_backend('Z', o), V::kKeep);
  EXPECT_TRUE(out.empty());
}

// An error in the proxy's statement reaches the client and settles everything up to the Sync,
// as the server skips it; the Sync's ReadyForQuery is the client's.
TEST(InjectedReplies, AnErrorInAnInjectedExecuteSkipsToTheSync) {
  InjectedReplies t;
  inject_statement(t, "COPY");
  inject_statement(t);
  t.sent(R::kSync, false);
  feed(t, {{'3', V::kDrop}, {'3', V::kDrop}, {'1', V::kDrop}, {'2', V::kDrop}, {'E', V::kKeep}, {'Z', V::kKeep}});
  EXPECT_FALSE(t.injecting());
  EXPECT_FALSE(t.backend_capture().contains('C'));
  // An error before any reply of the proxy's (the client's COPY data was bad): the same.
  inject_statement(t, "COPY");
  t.sent(R::kSync, false);
  feed(t, {{'E', V::kKeep}, {'Z', V::kKeep}});
  EXPECT_FALSE(t.injecting());
}

}  // namespace
}  // namespace switchyard::pg
