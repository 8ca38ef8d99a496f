// Read buffers shared by the sessions of one worker thread, so that an idle session holds none:
// a pump takes a buffer when its socket becomes readable and gives it back once what it read has
// been written on (pg_pump.h). A bounded number of free buffers is kept for reuse, so the steady
// state allocates nothing per message. Touched only on its worker's thread.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace switchyard::proxy {

class BufferPool {
 public:
  static constexpr size_t kBufferSize = 32 * 1024;
  static constexpr size_t kMaxFree = 64;  // 2 MiB kept per worker at most
  using Buffer = std::unique_ptr<char[]>;

  Buffer acquire() {
    if (free_.empty()) return Buffer(new char[kBufferSize]);
    Buffer b = std::move(free_.back());
    free_.pop_back();
    return b;
  }
  void release(Buffer b) {
    if (b && free_.size() < kMaxFree) free_.push_back(std::move(b));
  }

 private:
  std::vector<Buffer> free_;
};

}  // namespace switchyard::proxy
