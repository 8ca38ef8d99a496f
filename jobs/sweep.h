// The sweep stage of the table kinds' backfill, one loop for both dialects (backfill.cpp,
// mysql_backfill.cpp): wait until every transaction that started before the copy ended has
// ended too (one of them may have deleted an old row whose new row the copy had not written yet,
// so its mirror found nothing to delete), then page through the new table deleting the rows
// whose old row is gone, until a page comes back short. The dialect supplies the queries.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace switchyard::jobs {

struct OlderTransactions {
  bool ok = false;
  int64_t count = 0;
  std::string ids;    // which, as the server names them ("812, 907")
  std::string error;  // when !ok
};

struct SweepHooks {
  std::function<bool()> stopped;
  std::function<OlderTransactions()> older;                  // transactions older than the copy's end
  std::string ids_are;                                       // what older().ids are: "pids", "connection ids"
  std::function<void(const std::string& waiting)> publish;   // progress, and why it waits ("" when it does not)
  std::function<int64_t()> batch_rows;                       // the next page's size
  std::function<bool(int64_t n, int64_t& rows)> batch;       // one page; false on an error it records itself
};

// False on an error: older()'s, in `error`, or a batch's (which the caller has recorded).
bool run_sweep(const SweepHooks& hooks, std::string& error);

}  // namespace switchyard::jobs
