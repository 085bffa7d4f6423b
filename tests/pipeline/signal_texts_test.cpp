// SignalTexts: the table of text values of the VSS text signals.
#include "pipeline/signal_texts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace autograph::pipeline {
namespace {

const std::vector<std::string> kPaths = {"Vehicle.Speed", "Vehicle.OBD.DTCList",
                                         "Vehicle.VehicleIdentification.VIN"};

TEST(SignalTexts, HasATableForEachTextSignalOnly) {
  const SignalTexts texts(kPaths);
  EXPECT_EQ(texts.texts(0), nullptr);
  ASSERT_NE(texts.texts(1), nullptr);
  ASSERT_NE(texts.texts(2), nullptr);
  EXPECT_EQ(texts.texts(3), nullptr);
  EXPECT_EQ(texts.signal_of("Vehicle.VehicleIdentification.VIN"), 2u);
  EXPECT_EQ(texts.signal_of("Vehicle.OBD.DTCList"), 1u);
  EXPECT_EQ(texts.signal_of("Vehicle.Speed"), std::nullopt);
}

TEST(SignalTexts, InternsTheSameTextToTheSameIndexPerSignal) {
  SignalTexts texts(kPaths);
  EXPECT_EQ(texts.intern(1, "[]"), 0u);
  EXPECT_EQ(texts.intern(1, R"(["P0133"])"), 1u);
  EXPECT_EQ(texts.intern(1, "[]"), 0u);
  EXPECT_EQ(texts.intern(2, R"("KMHK381GFMU123456")"), 0u);  // its own table
  EXPECT_EQ(*texts.texts(1), (std::vector<std::string>{"[]", R"(["P0133"])"}));
  EXPECT_EQ(texts.refused(), 0u);
}

TEST(SignalTexts, RefusesAndCountsNewTextsOnceATableIsFull) {
  SignalTexts texts(kPaths);
  const std::vector<std::string>* table = texts.texts(1);
  for (size_t i = 0; i < SignalTexts::kMaxValues; ++i) {
    ASSERT_EQ(texts.intern(1, "[\"" + std::to_string(i) + "\"]"), i);
  }
  EXPECT_EQ(texts.intern(1, R"(["new"])"), std::nullopt);
  EXPECT_EQ(texts.refused(), 1u);
  EXPECT_EQ(texts.intern(1, R"(["7"])"), 7u);  // known texts keep their index
  EXPECT_EQ(texts.texts(1), table);            // the table never moved
  // The byte bound too.
  const std::string big = "\"" + std::string(SignalTexts::kMaxBytes / 2, 'x') + "\"";
  EXPECT_EQ(texts.intern(2, big), 0u);
  EXPECT_EQ(texts.intern(2, big + " "), std::nullopt);
  EXPECT_EQ(texts.refused(), 2u);
}

TEST(SignalTextsDeathTest, AbortsWhenAskedToInternForANumericSignal) {
  SignalTexts texts(kPaths);
  EXPECT_DEATH((void)texts.intern(0, "\"x\""), "not a text signal");
}

}  // namespace
}  // namespace autograph::pipeline
