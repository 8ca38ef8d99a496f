// Without a parse: whether a read may need rewriting under a session's route (or may be sampled
// for a shadow read), and which migrations' relations it names. A read that names nothing its
// route would change, and that no shadow read may sample, is relayed without a parse.
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

  // True if `sql` (a text that passed the pre-filter and may not write) must go to the
  // rewriter; `reads_mask` gets bit i for each active migration i whose relation it names.
  bool needs_rewrite(std::string_view sql, uint64_t& reads_mask) const;

 private:
  struct Trigger {
    std::vector<std::string> relations;  // lower-cased names of the old and new relation
    std::vector<std::string> words;      // names whose mention means the read must be rewritten
    bool star = false;                   // `*` too (SELECT * lists old columns served from new)
    bool active = false;                 // the phase routes reads
    bool shadow = false;                 // reads may be sampled for a shadow read: always parse
  };
  std::vector<Trigger> triggers_;  // by catalog index
};

}  // namespace switchyard::planner
