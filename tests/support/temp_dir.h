// A directory under /tmp that lives as long as its owner and is removed with everything in it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace switchyard::test_support {

class TempDir {
 public:
  // Creates /tmp/<prefix>XXXXXX (mode 0700). Returns null and says why in `error` on failure.
  static std::unique_ptr<TempDir> create(const std::string& prefix, std::string& error);

  // Removes the directory tree (errors are ignored), unless SWITCHYARD_TEST_KEEP_DIRS=1 asks
  // to keep it for a look at the logs; then it prints the path.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // `path()/name`.
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Hands the directory to another user (PostgreSQL must own its data and socket directory).
  bool chown_to(uid_t uid, gid_t gid, std::string& error) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Writes `text` to `path` (truncating). Returns false and says why in `error` on failure.
bool write_file(const std::string& path, const std::string& text, std::string& error);
// The contents of `path` from byte `offset` on; empty when it cannot be read.
std::string read_file(const std::string& path, std::size_t offset = 0);

}  // namespace switchyard::test_support
