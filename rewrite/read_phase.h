// Which shape serves a migration's reads, from its phase and the session's route: the one place
// that decides it, for the rewriter and for the session (shadow reads, metrics). No parser here,
// so proxy/ can include it.
#pragma once

#include <cstddef>

#include "config/migration.h"
#include "rewrite/rewrite_result.h"

namespace switchyard::rewrite {

// True: reads of migration `index` are served from the new shape in this session.
//   off                          never routed: the new shape may not exist yet;
//   dual_write, shadow, canary,
//   read_new                     the route's bit decides. The session sets it in read_new for
//                                every session, in canary for the chosen ones, and flips it for
//                                the second half of a shadow read (so shadow in read_new can
//                                still compare against the old shape);
//   new_only                     always new: the old columns or table may be gone.
// Serving the old shape still translates new-shaped reads (columns or table the old shape does
// not have) through `up`; serving the new shape translates old-shaped reads through `down`.
inline bool reads_new_shape(const config::Migration& m, std::size_t index, ReadRoute route) {
  switch (m.phase) {
    case config::Phase::kOff: return false;
    case config::Phase::kNewOnly: return true;
    default: return route.reads_new(index);
  }
}

// True if the phase routes reads at all (everything but off).
inline bool routes_reads(const config::Migration& m) { return m.phase != config::Phase::kOff; }

}  // namespace switchyard::rewrite
