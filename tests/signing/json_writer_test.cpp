#include "autograph/signing/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace autograph::signing {
namespace {

TEST(JsonWriter, WritesNestedObjectsAndArraysCompactly) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_object();
  writer.key("a");
  writer.begin_array();
  writer.integer(-1);
  writer.unsigned_integer(18446744073709551615u);
  writer.begin_array();
  writer.end_array();
  writer.end_array();
  writer.key("b");
  writer.begin_object();
  writer.end_object();
  writer.key("c");
  writer.raw("true");
  writer.end_object();
  EXPECT_TRUE(writer.complete());
  EXPECT_EQ(out, R"({"a":[-1,18446744073709551615,[]],"b":{},"c":true})");
}

TEST(JsonWriter, WritesDoublesInShortestRoundTripForm) {
  const double values[] = {52.1, 100.0, 0.1 + 0.2, -0.0, 5e-324, 1e21, 123456000.0, -1.5e-7};
  std::string out;
  JsonWriter writer(out);
  writer.begin_array();
  for (double value : values) {
    writer.number(value);
  }
  writer.end_array();
  EXPECT_EQ(out, "[52.1,100,0.30000000000000004,-0,5e-324,1e+21,123456000,-1.5e-07]");
  // Every value reads back bit for bit with strtod (sign of zero included).
  const char* cursor = out.c_str() + 1;
  for (double value : values) {
    char* end = nullptr;
    const double read = std::strtod(cursor, &end);
    EXPECT_EQ(std::memcmp(&read, &value, sizeof value), 0) << value;
    cursor = end + 1;
  }
}

TEST(JsonWriter, WritesNonFiniteDoublesAsNull) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_array();
  writer.number(std::numeric_limits<double>::quiet_NaN());
  writer.number(-std::numeric_limits<double>::infinity());
  writer.end_array();
  EXPECT_EQ(out, "[null,null]");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  // 14 characters: the literal's terminating NUL is included on purpose.
  append_json_string(out, std::string("a\"b\\c\n\t\r\b\f\x01\x1f/", 14));
  EXPECT_EQ(out, R"("a\"b\\c\n\t\r\b\f\u0001\u001f/\u0000")");
}

TEST(JsonWriter, KeepsValidUtf8AndReplacesInvalidBytes) {
  std::string out;
  append_json_string(out, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x97");  // é € 🚗
  EXPECT_EQ(out, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x9a\x97\"");
  out.clear();
  // A lone continuation byte, an overlong '/', a surrogate, a truncated sequence.
  append_json_string(out, "\x80|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
  EXPECT_EQ(out, "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\"");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(JsonWriterDeathTest, AbortsOnAValueWithoutKeyInAnObject) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_object();
  EXPECT_DEATH(writer.integer(1), "without key");
}

TEST(JsonWriterDeathTest, AbortsOnMismatchedEnd) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_array();
  EXPECT_DEATH(writer.end_object(), "end_object");
}

}  // namespace
}  // namespace autograph::signing
