// Assertions on text that print both sides when they fail: EXPECT_TRUE(Contains(log, "..."));
#pragma once

#include <gtest/gtest.h>

#include <string_view>

namespace switchyard::test_support {

::testing::AssertionResult Contains(std::string_view text, std::string_view part);

}  // namespace switchyard::test_support
