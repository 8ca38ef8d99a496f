// Temporary directories and whole-file helpers (see temp_dir.h).
#include "tests/support/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace switchyard::test_support {

std::unique_ptr<TempDir> TempDir::create(const std::string& prefix, std::string& error) {
  std::string pattern = "/tmp/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    error = "mkdtemp(" + pattern + "): " + std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<TempDir>(new TempDir(buffer.data()));
}

TempDir::~TempDir() {
  const char* keep = std::getenv("SWITCHYARD_TEST_KEEP_DIRS");
  if (keep != nullptr && std::string(keep) == "1") {
    std::fprintf(stderr, "SWITCHYARD_TEST_KEEP_DIRS=1: keeping %s\n", path_.c_str());
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool TempDir::chown_to(uid_t uid, gid_t gid, std::string& error) const {
  if (chown(path_.c_str(), uid, gid) != 0) {
    error = "chown(" + path_ + "): " + std::strerror(errno);
    return false;
  }
  return true;
}

bool write_file(const std::string& path, const std::string& text, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    error = "cannot write " + path;
    return false;
  }
  return true;
}

std::string read_file(const std::string& path, std::size_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace switchyard::test_support
