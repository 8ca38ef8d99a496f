// Prints what switchyard logged during a test when that test fails, and says so when the
// proxy is no longer running: the first thing to look at when a test fails through the proxy.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>

namespace switchyard::test_support {

class ProxyLogListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo& test) override;
  void OnTestEnd(const ::testing::TestInfo& test) override;

 private:
  std::size_t log_offset_ = 0;  // size of the proxy log when the test started
};

}  // namespace switchyard::test_support
