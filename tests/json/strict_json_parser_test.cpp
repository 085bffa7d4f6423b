#include "json/strict_json_parser.hpp"

#include <string>

#include <gtest/gtest.h>

namespace autograph::json {
namespace {

TEST(StrictJsonParser, ParsesAnObject) {
  const auto value = parse_strict_json(R"({"a": [1, 2], "b": {"c": "d"}})", "doc.json");
  ASSERT_TRUE(value.has_value()) << value.error().message();
  EXPECT_EQ((*value)["b"]["c"], "d");
}

TEST(StrictJsonParser, NamesLineAndColumnOfASyntaxError) {
  const auto value = parse_strict_json("{\n  \"a\": 1,\n  \"b\": tru\n}", "doc.json");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code(), ErrorCode::kMalformed);
  EXPECT_TRUE(value.error().message().starts_with("doc.json:3:")) << value.error().message();
}

TEST(StrictJsonParser, RejectsATrailingComma) {
  const auto value = parse_strict_json("{\"a\": 1,}", "doc.json");
  ASSERT_FALSE(value.has_value());
  EXPECT_TRUE(value.error().message().starts_with("doc.json:1:9:")) << value.error().message();
}

TEST(StrictJsonParser, RejectsADuplicateKeyNamingItsPath) {
  const auto value =
      parse_strict_json(R"({"g": [{"x": 1}, {"name": "a", "name": "b"}]})", "doc.json");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "doc.json: g[1]: duplicate key \"name\"");
}

TEST(StrictJsonParser, RejectsADuplicateKeyAtTheTop) {
  const auto value = parse_strict_json(R"({"a": 1, "a": 1})", "doc.json");
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "doc.json: (root): duplicate key \"a\"");
}

TEST(StrictJsonParser, AllowsTheSameKeyInDifferentObjects) {
  EXPECT_TRUE(parse_strict_json(R"({"a": {"a": 1}, "b": {"a": 2}})", "doc.json").has_value());
}

TEST(StrictJsonParser, RejectsNestingDeeperThanTheLimit) {
  const std::string deep = std::string(20, '[') + std::string(20, ']');
  const auto value = parse_strict_json(deep, "doc.json", StrictJsonLimits{.max_depth = 16});
  ASSERT_FALSE(value.has_value());
  EXPECT_NE(value.error().message().find("nested deeper than 16 levels"), std::string::npos);
  const std::string ok = std::string(16, '[') + std::string(16, ']');
  EXPECT_TRUE(parse_strict_json(ok, "doc.json", StrictJsonLimits{.max_depth = 16}).has_value());
}

TEST(StrictJsonParser, RejectsADocumentOverTheSizeLimit) {
  const auto value = parse_strict_json("[1,2,3]", "doc.json", StrictJsonLimits{.max_bytes = 6});
  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().message(), "doc.json: 7 bytes, more than the 6 allowed");
}

TEST(StrictJsonParser, RejectsEmptyInputAndTrailingGarbage) {
  EXPECT_FALSE(parse_strict_json("", "doc.json").has_value());
  EXPECT_FALSE(parse_strict_json("{} x", "doc.json").has_value());
}

TEST(StrictJsonParser, CountsPositionsByLine) {
  EXPECT_EQ(position_of("ab\ncd", 0).line, 1u);
  EXPECT_EQ(position_of("ab\ncd", 4).line, 2u);
  EXPECT_EQ(position_of("ab\ncd", 4).column, 2u);
  EXPECT_EQ(position_of("ab", 99).column, 3u);
}

}  // namespace
}  // namespace autograph::json
