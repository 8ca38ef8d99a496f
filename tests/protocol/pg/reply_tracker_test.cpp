// ReplyTracker: replies matched to requests in both protocols, patches applied to the right
// statement only, and the error rules (skip to Sync; a Query's remaining statements never run).
#include "protocol/pg/reply_tracker.h"

#include <gtest/gtest.h>

#include "protocol/pg/backend.h"

namespace switchyard::pg {
namespace {

using V = ReplyTracker::Verdict;

std::string tag(std::string_view t) { return std::string(t) + std::string(1, '\0'); }

std::string message(char type, std::string_view body) {
  std::string out;
  encode_message(out, type, body);
  return out;
}

ReplyPatch update_suppressed() { return ReplyPatch{"UPDATE", true}; }
ReplyPatch update_returning() { return ReplyPatch{"UPDATE", false}; }

TEST(PatchedTag, ReplacesTheVerbAndKeepsTheCount) {
  EXPECT_EQ(patched_tag("SELECT 3", "UPDATE"), "UPDATE 3");
  EXPECT_EQ(patched_tag("SELECT 0", "DELETE"), "DELETE 0");
  EXPECT_EQ(patched_tag("SELECT 12", "INSERT"), "INSERT 0 12");
  EXPECT_EQ(patched_tag("INSERT 0 2", "INSERT"), "INSERT 0 2");
  EXPECT_EQ(patched_tag("BEGIN", "UPDATE"), "BEGIN");
}

TEST(ReplyTracker, SimpleQueryPatchesOnlyItsOwnStatement) {
  ReplyTracker t;
  t.on_query({std::nullopt, update_suppressed(), std::nullopt});
  std::string out;
  EXPECT_TRUE(t.backend_capture().contains('D'));
  // Statement 0: an ordinary SELECT, kept.
  EXPECT_EQ(t.on_backend('T', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('D', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kKeep);
  // Statement 1: the rewritten UPDATE without RETURNING: rows dropped, tag patched.
  EXPECT_EQ(t.on_backend('T', "x", out), V::kDrop);
  EXPECT_EQ(t.on_backend('D', "x", out), V::kDrop);
  EXPECT_EQ(t.on_backend('D', "x", out), V::kDrop);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 2"), out), V::kReplace);
  EXPECT_EQ(out, message('C', tag("UPDATE 2")));
  out.clear();
  // Statement 2.
  EXPECT_EQ(t.on_backend('C', tag("INSERT 0 1"), out), V::kKeep);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_FALSE(t.backend_capture().contains('D'));
}

// COPY FROM into a migrated table runs as CREATE, COPY, INSERT, DROP (rewrite/pg/copy_from.h):
// the client sees one COPY. CopyInResponse is never captured, so it streams through.
TEST(ReplyTracker, ACopyThroughATemporaryTableShowsOneCopyTag) {
  const ReplyPatch dropped{"", false, true};
  ReplyTracker t;
  t.on_query({dropped, dropped, ReplyPatch{"COPY", false}, dropped, std::nullopt});
  std::string out;
  EXPECT_FALSE(t.backend_capture().contains('D'));
  EXPECT_EQ(t.on_backend('C', tag("CREATE TABLE"), out), V::kDrop);
  EXPECT_EQ(t.on_backend('C', tag("COPY 3"), out), V::kDrop);
  EXPECT_EQ(t.on_backend('C', tag("INSERT 0 2"), out), V::kReplace);  // a trigger skipped a row
  EXPECT_EQ(out, message('C', tag("COPY 2")));
  out.clear();
  EXPECT_EQ(t.on_backend('C', tag("DROP TABLE"), out), V::kDrop);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kKeep);  // the client's next statement
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  // An error (bad input, CopyFail) is kept, and ends the string.
  t.on_query({dropped, dropped, ReplyPatch{"COPY", false}, dropped});
  EXPECT_EQ(t.on_backend('C', tag("CREATE TABLE"), out), V::kDrop);
  EXPECT_EQ(t.on_backend('E', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReplyTracker, AnErrorEndsAQueryAndNothingAfterItIsPatched) {
  ReplyTracker t;
  t.on_query({std::nullopt, update_suppressed()});
  t.on_query({update_returning()});
  std::string out;
  EXPECT_EQ(t.on_backend('E', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  // The second Query's statement keeps its rows and gets its tag patched.
  EXPECT_EQ(t.on_backend('T', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('D', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kReplace);
  EXPECT_EQ(out, message('C', tag("UPDATE 1")));
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReplyTracker, ExtendedProtocolFollowsStatementsAndPortals) {
  ReplyTracker t;
  t.on_parse("s1", update_suppressed());
  t.on_parse("s2", std::nullopt);
  t.on_describe('S', "s1");
  t.on_bind("", "s1");
  t.on_describe('P', "");
  t.on_execute("");
  t.on_bind("p2", "s2");
  t.on_execute("p2");
  t.on_sync();
  std::string out;
  EXPECT_EQ(t.on_backend('1', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('1', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('t', "x", out), V::kKeep);
  EXPECT_EQ(t.on_backend('T', "x", out), V::kReplace);  // Describe of s1 answers NoData
  EXPECT_EQ(out, message('n', ""));
  out.clear();
  EXPECT_EQ(t.on_backend('2', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('T', "x", out), V::kReplace);  // Describe of the portal likewise
  out.clear();
  EXPECT_EQ(t.on_backend('D', "x", out), V::kDrop);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 4"), out), V::kReplace);
  EXPECT_EQ(out, message('C', tag("UPDATE 4")));
  out.clear();
  EXPECT_EQ(t.on_backend('2', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('D', "x", out), V::kKeep);  // s2 is not patched
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kKeep);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReplyTracker, AnExtendedErrorSkipsToTheNextSync) {
  ReplyTracker t;
  t.on_parse("", std::nullopt);
  t.on_bind("", "");
  t.on_execute("");
  t.on_sync();
  t.on_parse("s", update_returning());
  t.on_bind("", "s");
  t.on_execute("");
  t.on_sync();
  std::string out;
  EXPECT_EQ(t.on_backend('E', "x", out), V::kKeep);  // the first Parse failed
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.on_backend('1', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('2', "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kReplace);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReplyTracker, RequestsSentAfterAnErrorBeforeTheirSyncGetNoReplies) {
  ReplyTracker t;
  t.on_parse("s", update_suppressed());
  t.on_bind("", "s");
  std::string out;
  EXPECT_EQ(t.on_backend('E', "x", out), V::kKeep);  // Bind failed; the client has not synced yet
  t.on_execute("");  // skipped by the server
  t.on_sync();
  EXPECT_EQ(t.pending(), 1u);
  EXPECT_FALSE(t.backend_capture().contains('D'));
  EXPECT_EQ(t.on_backend('Z', "E", out), V::kKeep);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(ReplyTracker, ClosedStatementsLoseTheirPatch) {
  ReplyTracker t;
  t.on_parse("s", update_suppressed());
  t.on_close('S', "s");
  t.on_parse("s", std::nullopt);  // unrelated to the one closed... re-prepared unpatched
  t.on_bind("", "s");
  t.on_execute("");
  t.on_sync();
  std::string out;
  for (char c : {'1', '3', '1', '2'}) EXPECT_EQ(t.on_backend(c, "", out), V::kKeep);
  EXPECT_EQ(t.on_backend('C', tag("SELECT 1"), out), V::kKeep);
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);
}

TEST(ReplyTracker, UnsolicitedMessagesPassAndAnUnexpectedReadyForQueryResets) {
  ReplyTracker t;
  std::string out;
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);  // after authentication: nothing pending
  t.on_parse("", update_suppressed());
  EXPECT_EQ(t.on_backend('Z', "I", out), V::kKeep);  // out of step
  EXPECT_EQ(t.pending(), 0u);
}

}  // namespace
}  // namespace switchyard::pg
