#include "autograph/signing/json_scanner.hpp"

#include <gtest/gtest.h>

#include <string>

namespace autograph::signing {
namespace {

TEST(JsonScanner, ReturnsMembersAsExactSlices) {
  const std::string text = R"( {"a" : {"x":[1, 2.5e3,"s"]} ,"b":"q\"\u00e9","c":-0,"d":null} )";
  auto members = scan_json_object(text);
  ASSERT_TRUE(members) << members.error().message();
  ASSERT_EQ(members->size(), 4u);
  EXPECT_EQ((*members)[0].name, "a");
  EXPECT_EQ((*members)[0].kind, JsonKind::kObject);
  EXPECT_EQ((*members)[0].raw, R"({"x":[1, 2.5e3,"s"]})");
  EXPECT_EQ(text.substr((*members)[0].offset, (*members)[0].raw.size()), (*members)[0].raw);
  EXPECT_EQ((*members)[1].raw, R"("q\"\u00e9")");
  EXPECT_EQ((*members)[2].kind, JsonKind::kNumber);
  EXPECT_EQ((*members)[3].kind, JsonKind::kNull);
}

TEST(JsonScanner, ScansEmptyObjectAndArray) {
  auto members = scan_json_object("{}");
  ASSERT_TRUE(members);
  EXPECT_TRUE(members->empty());
  auto elements = scan_json_array(" [ ] ");
  ASSERT_TRUE(elements);
  EXPECT_TRUE(elements->empty());
}

TEST(JsonScanner, ScansArrayElements) {
  auto elements = scan_json_array(R"([{"a":1}, "x" ,true,false])");
  ASSERT_TRUE(elements) << elements.error().message();
  ASSERT_EQ(elements->size(), 4u);
  EXPECT_EQ((*elements)[0].raw, R"({"a":1})");
  EXPECT_EQ((*elements)[1].raw, R"("x")");
  EXPECT_EQ((*elements)[2].kind, JsonKind::kTrue);
  EXPECT_EQ((*elements)[3].kind, JsonKind::kFalse);
}

TEST(JsonScanner, RejectsDuplicateMembers) {
  auto members = scan_json_object(R"({"data":{},"data":{}})");
  ASSERT_FALSE(members);
  EXPECT_NE(members.error().message().find("duplicate member 'data'"), std::string::npos);
  // Escapes count: "d\u0061ta" is "data".
  EXPECT_FALSE(scan_json_object(R"({"data":1,"d\u0061ta":2})"));
}

TEST(JsonScanner, RejectsMalformedTextWithItsByteOffset) {
  const char* broken[] = {
      "",
      "{",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\":1,}",
      "{\"a\":1 \"b\":2}",
      "{a:1}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":1e}",
      "{\"a\":-}",
      "{\"a\":tru}",
      "{\"a\":\"x}",
      "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12g4\"}",
      "{\"a\":\"\x01\"}",
      "{} x",
      "[1,]",
      "{\"a\":[1 2]}",
      "{\"a\":+1}",
      "[1]",
      "{\"a\":1}}",
  };
  for (const char* text : broken) {
    auto members = scan_json_object(text);
    ASSERT_FALSE(members) << text;
    EXPECT_EQ(members.error().code(), ErrorCode::kMalformed);
    EXPECT_NE(members.error().message().find("byte"), std::string::npos) << text;
  }
}

TEST(JsonScanner, RefusesNestingDeeperThanTheLimit) {
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto members = scan_json_object(deep);
  ASSERT_FALSE(members);
  EXPECT_NE(members.error().message().find("nesting too deep"), std::string::npos);
  const std::string ok =
      "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') + std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(scan_json_object(ok));
}

TEST(JsonScanner, DecodesStringEscapesAndSurrogatePairs) {
  auto text = decode_json_string(R"("a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude97")");
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x9a\x97");
}

TEST(JsonScanner, RejectsLoneSurrogatesAndBadEscapes) {
  EXPECT_FALSE(decode_json_string(R"("\ud83d")"));
  EXPECT_FALSE(decode_json_string(R"("\ude97")"));
  EXPECT_FALSE(decode_json_string(R"("\ud83dx")"));
  EXPECT_FALSE(decode_json_string(R"("\q")"));
  EXPECT_FALSE(decode_json_string(R"("\")"));
  EXPECT_FALSE(decode_json_string("x"));
}

TEST(JsonScanner, ParsesUnsignedIntegersStrictly) {
  EXPECT_EQ(parse_json_uint("0").value(), 0u);
  EXPECT_EQ(parse_json_uint("18446744073709551615").value(), 18446744073709551615u);
  for (const char* bad :
       {"18446744073709551616", "-1", "1.0", "1e3", "01", "", "99999999999999999999"}) {
    EXPECT_FALSE(parse_json_uint(bad)) << bad;
  }
}

}  // namespace
}  // namespace autograph::signing
