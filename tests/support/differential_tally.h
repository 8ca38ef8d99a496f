// What the differential test (tests/integration/differential_test.cpp) makes of each statement:
// the client's view through switchyard beside the view PostgreSQL gave directly (the reference
// database, where triggers do the dual write), and the tables of both afterwards. Each outcome is
// counted in its class (rewritten, refused by reason, passed, silent or visible divergence,
// proxy-only failure) and judged against the lists the test keeps: the refusals
// docs/migrations.md documents, the known gaps other work fixes, the limits of the reference, and
// the open findings of this test not fixed yet. Anything else is a failure, described for the
// test's message.
#pragma once

#include <map>
#include <set>
#include <string>

namespace switchyard::test_support::differential {

// Keys are case names ("update_from_values/users_old", "django:bulk_update"; a name the test
// passes may end in " (simple)" or " (extended)") or their part before the '/' or ':'
// ("update_from_values", "django"); values say why.
struct Expectations {
  std::map<std::string, std::string> refusals;    // refused with 0A000, as documented
  std::map<std::string, std::string> known_gaps;  // a known class: any difference is tolerated
  // Where the trigger-kept reference cannot do what switchyard documents.
  std::map<std::string, std::string> reference_limits;
  // Differences this test found that are not fixed yet (each reported, with what it costs).
  std::map<std::string, std::string> open_findings;
};

class Tally {
 public:
  explicit Tally(const Expectations& expected) : expected_(expected) {}

  // One statement of case `name`; "" when the outcome is as it should be, else why not.
  std::string statement(const std::string& name, const std::string& sql, const std::string& through_proxy,
                        const std::string& direct);
  // The tables after case `name`; "" when they are equal, or a statement of the case already
  // differed (a refusal leaves the tables apart by the refused write), or the case has a known gap.
  std::string tables(const std::string& name, const std::string& through_proxy, const std::string& direct);
  // Whether case `name` was refused at least once (its tables then differ by the refused write).
  bool refused(const std::string& name) const { return refused_cases_.contains(name); }

  // "statements N, shapes N, writes N: rewritten N (P%), refused N (reason: n, ...), passed N,
  // silent divergences N, visible divergences N, proxy-only failures N; of these listed as known
  // gaps N, open findings N; reference limits N" (differences of the reference's making, not
  // counted as divergences).
  std::string summary() const;
  // Counts from several tallies (one per phase) added up.
  void add(const Tally& other);

 private:
  const std::string* lookup(const std::map<std::string, std::string>& list, const std::string& name) const;
  // "" when a list tolerates a difference in case `name` (counting it there), else `failure`.
  std::string tolerated(const std::string& name, const std::string& failure);

  const Expectations& expected_;
  std::set<std::string> shapes_, refused_cases_, differed_cases_;
  std::map<std::string, int> refused_by_reason_;
  int statements_ = 0, writes_ = 0, rewritten_ = 0, passed_ = 0, silent_ = 0, visible_ = 0, proxy_only_ = 0;
  int known_gaps_ = 0, reference_limits_ = 0, open_findings_ = 0;
};

}  // namespace switchyard::test_support::differential
