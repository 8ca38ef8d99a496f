// Without a parse: whether a read may need rewriting under a session's route, whether a shadow
// read may sample it, and which migrations' relations it names. A read that names nothing its
// route would change is relayed without a parse unless a shadow read samples it: the draw comes
// first (Planner::plan), so an unsampled read costs what it costs in dual_write.
//
// Errs wide, as the pre-filter does (rewrite/prefilter.h): whole words in any letter case.
// Built with the Planner for one generation and route; immutable after that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rewrite/catalog.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::planner {

class ReadTriggers {
 public:
  ReadTriggers() = default;
  ReadTriggers(const rewrite::Catalog& catalog, rewrite::ReadRoute route);

  struct Scan {
    uint64_t reads_mask = 0;    // bit i for each active migration i whose relation it names
    bool route_needs = false;   // the route may change it: it must go to the rewriter
    double shadow_percent = 0;  // the highest sample_percent of the named migrations a shadow read samples
  };
  // Of `sql`, a text that passed the pre-filter and may not write.
  Scan scan(std::string_view sql) const;

 private:
  struct Trigger {
    std::vector<std::string> relations;  // lower-cased names of the old and new relation
    std::vector<std::string> words;      // names whose mention means the read must be rewritten
    bool star = false;                   // `*` too (SELECT * lists old columns served from new)
    bool active = false;                 // the phase routes reads
    double shadow_percent = 0;           // reads may be sampled for a shadow read, this often
  };
  std::vector<Trigger> triggers_;  // by catalog index
};

}  // namespace switchyard::planner
