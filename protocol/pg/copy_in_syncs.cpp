// The Syncs a backend ignores in copy-in mode; see copy_in_syncs.h.
#include "protocol/pg/copy_in_syncs.h"

namespace switchyard::pg {

bool CopyInSyncs::on_frontend(char type) {
  switch (type) {
    case 'E':
      extended_ = true;
      ended_ = false;
      counted_ = 0;
      copying_in_ = false;
      return true;
    case 'Q':
    case 'F':
      extended_ = false;
      copying_in_ = false;
      return true;
    case 'S':
      if (copying_in_) return false;
      if (extended_ && !ended_) ++counted_;
      return true;
    case 'c':
    case 'f':
      ended_ = true;
      copying_in_ = false;
      return true;
    default:
      return true;
  }
}

uint64_t CopyInSyncs::on_backend(char type) {
  if (type != 'G' || !extended_) return 0;
  const uint64_t taken_back = counted_;
  counted_ = 0;
  copying_in_ = !ended_;
  extended_ = false;  // one CopyInResponse per Execute
  return taken_back;
}

}  // namespace switchyard::pg
