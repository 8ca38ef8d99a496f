// Proxy log on test failure (see proxy_log_listener.h).
#include "tests/support/proxy_log_listener.h"

#include <cstdio>

#include "tests/support/integration_environment.h"

namespace switchyard::test_support {
namespace {

constexpr std::size_t kMaxPrinted = 8000;  // the tail is where the failure is

}  // namespace

void ProxyLogListener::OnTestStart(const ::testing::TestInfo&) {
  ProxyProcess* proxy = integration_env().proxy();
  log_offset_ = proxy ? proxy->log().size() : 0;
}

void ProxyLogListener::OnTestEnd(const ::testing::TestInfo& test) {
  ProxyProcess* proxy = integration_env().proxy();
  if (proxy == nullptr || !test.result()->Failed()) return;
  std::string text = proxy->log(log_offset_);
  if (text.size() > kMaxPrinted) text = "[...]\n" + text.substr(text.size() - kMaxPrinted);
  std::fprintf(stderr, "--- switchyard log during %s.%s (%s) ---\n%s--- end of switchyard log ---\n",
               test.test_suite_name(), test.name(), proxy->log_path().c_str(), text.c_str());
  if (!proxy->running()) {
    std::fprintf(stderr, "switchyard is no longer running: %s\n",
                 describe_wait_status(proxy->wait_status().value_or(-1)).c_str());
  }
}

}  // namespace switchyard::test_support
