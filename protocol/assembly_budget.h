// How a framer borrows memory for messages it assembles, shared by the PostgreSQL and MySQL
// framers (protocol/pg/framer.h, protocol/mysql/framer.h); the session answers from the
// process-wide limits.max_assembly_bytes.
#pragma once

#include <cstddef>

namespace switchyard::protocol {

// Memory lent to a framer for messages it assembles across reads: `bytes` more are about to be
// held (false: refuse them, and the framer fails with its over-budget error), and bytes held are
// handed back once their message is complete. A message whole in one read costs nothing.
class AssemblyBudget {
 public:
  virtual ~AssemblyBudget() = default;
  virtual bool hold(size_t bytes) {
    (void)bytes;
    return true;
  }
  virtual void release(size_t bytes) { (void)bytes; }
};

}  // namespace switchyard::protocol
