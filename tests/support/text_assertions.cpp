// Text assertions (see text_assertions.h).
#include "tests/support/text_assertions.h"

namespace switchyard::test_support {

::testing::AssertionResult Contains(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << part << "\" not found in:\n" << text;
}

}  // namespace switchyard::test_support
