// DbcParser: every error of multiplexing and attribute statements, checked for its line,
// column and reason (dbc_parser_errors_test.cpp has the others).
#include "autograph/can/dbc_parser.hpp"

#include <gtest/gtest.h>

#include "can/dbc_parser_test_util.hpp"

namespace autograph::can {
namespace {

using testing::parse_error;

TEST(DbcParser, RejectsMultiplexedSignalWithoutMultiplexor) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S m1 : 0|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:8: expected one multiplexor signal (M) in message 'M' for the multiplexed "
            "signal 'S', found 0 (SG_MUL_VAL_ names it when there are several)");
}

TEST(DbcParser, RejectsMultiplexedSignalWithTwoMultiplexors) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ B M : 8|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ S m1 : 16|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:4:8: expected one multiplexor signal (M) in message 'M' for the multiplexed "
            "signal 'S', found 2 (SG_MUL_VAL_ names it when there are several)");
}

TEST(DbcParser, RejectsMuxValuesNamingNonMultiplexor) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ B : 8|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ S m1 : 16|8@1+ (1,0) [0|0] \"\" X\n"
                        "SG_MUL_VAL_ 1 S B 1-1;\n"),
            "t.dbc:5:17: expected a multiplexor signal (M or m<k>M) of message 'M', found 'B'");
}

TEST(DbcParser, RejectsMuxValuesForPlainSignal) {
  EXPECT_EQ(
      parse_error("BO_ 1 M: 8 X\n"
                  " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                  " SG_ B : 8|8@1+ (1,0) [0|0] \"\" X\n"
                  "SG_MUL_VAL_ 1 B A 1-1;\n"),
      "t.dbc:4:13: expected a multiplexed signal (m<k>), found 'B' of message 'M' without m<k>");
}

TEST(DbcParser, RejectsMuxRangeBackwards) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ S m1 : 16|8@1+ (1,0) [0|0] \"\" X\n"
                        "SG_MUL_VAL_ 1 S A 5-3;\n"),
            "t.dbc:4:19: expected a range with low <= high, found 5-3");
}

TEST(DbcParser, RejectsMuxRangeWithoutSemicolon) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ S m1 : 16|8@1+ (1,0) [0|0] \"\" X\n"
                        "SG_MUL_VAL_ 1 S A 1-3\n"),
            "t.dbc:5:1: expected ',' or ';' after the multiplexor value range, found end of file");
}

TEST(DbcParser, RejectsSecondMultiplexorForSignal) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ B m1M : 8|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ S m1 : 16|8@1+ (1,0) [0|0] \"\" X\n"
                        "SG_MUL_VAL_ 1 S A 1-1;\n"
                        "SG_MUL_VAL_ 1 S B 1-1;\n"),
            "t.dbc:6:17: expected multiplexor 'A' for signal 'S' as before, found 'B'");
}

TEST(DbcParser, RejectsMultiplexorCycle) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ A m1M : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        " SG_ B m1M : 8|8@1+ (1,0) [0|0] \"\" X\n"
                        "SG_MUL_VAL_ 1 A B 1-1;\n"
                        "SG_MUL_VAL_ 1 B A 1-1;\n"),
            "t.dbc:2:8: expected multiplexors of message 'M' to form a tree, found a cycle through "
            "signal 'A'");
}

TEST(DbcParser, RejectsUndefinedAttribute) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "BA_ \"Nope\" BO_ 1 3;\n"),
            "t.dbc:2:5: expected an attribute defined by BA_DEF_, found 'Nope'");
}

TEST(DbcParser, RejectsAttributeOnWrongObject) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"Cycle\" INT 0 10;\n"
                        "BU_: X\n"
                        "BA_ \"Cycle\" BU_ X 3;\n"),
            "t.dbc:3:13: expected BO_ <message id> for attribute 'Cycle', found BU_ <node>");
}

TEST(DbcParser, RejectsAttributeDefinedTwice) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"Cycle\" INT 0 10;\n"
                        "BA_DEF_ SG_ \"Cycle\" INT 0 10;\n"),
            "t.dbc:2:13: expected a new attribute name, found 'Cycle' defined before");
}

TEST(DbcParser, RejectsUnknownAttributeType) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"Cycle\" DOUBLE 0 10;\n"),
            "t.dbc:1:21: expected attribute type INT, HEX, FLOAT, STRING or ENUM, found 'DOUBLE'");
}

TEST(DbcParser, RejectsUnknownAttributeObject) {
  EXPECT_EQ(
      parse_error("BA_DEF_ XX_ \"Cycle\" INT 0 10;\n"),
      "t.dbc:1:9: expected BU_, BO_, SG_, EV_ or an attribute name in double quotes, found 'XX_'");
}

TEST(DbcParser, RejectsFrameFormatIndexOutOfRange) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"VFrameFormat\" ENUM \"StandardCAN\",\"ExtendedCAN\";\n"
                        "BO_ 1 M: 8 X\n"
                        "BA_ \"VFrameFormat\" BO_ 1 2;\n"),
            "t.dbc:3:26: expected a VFrameFormat index of 0 to 1, found 2");
}

TEST(DbcParser, RejectsNegativeCycleTime) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 10;\n"
                        "BA_DEF_DEF_ \"GenMsgCycleTime\" -5;\n"),
            "t.dbc:2:31: expected a GenMsgCycleTime of 0 to 4294967295 ms, found -5");
}

TEST(DbcParser, RejectsDefaultForUndefinedAttribute) {
  EXPECT_EQ(parse_error("BA_DEF_DEF_ \"GenMsgCycleTime\" 5;\n"),
            "t.dbc:1:13: expected an attribute defined by BA_DEF_, found 'GenMsgCycleTime'");
}

TEST(DbcParser, RejectsFrameFormatAsRealNumber) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"VFrameFormat\" ENUM \"StandardCAN\",\"StandardCAN_FD\";\n"
                        "BO_ 1 M: 8 X\n"
                        "BA_ \"VFrameFormat\" BO_ 1 1.5;\n"),
            "t.dbc:3:26: expected an integer or a label for VFrameFormat, found 1.5");
}

TEST(DbcParser, RejectsUnknownAttributeObjectInValue) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"Cycle\" INT 0 10;\n"
                        "BA_ \"Cycle\" XX_ 1 3;\n"),
            "t.dbc:2:13: expected BU_, BO_, SG_, EV_ or the attribute value, found 'XX_'");
}

TEST(DbcParser, RejectsAttributeDefinitionWithoutSemicolon) {
  EXPECT_EQ(parse_error("BA_DEF_ BO_ \"Cycle\" INT 0 10\n"
                        "BO_ 1 M: 8 X\n"),
            "t.dbc:2:1: expected ';' after the attribute definition, found 'BO_'");
}

TEST(DbcParser, RejectsAttributeValueMissing) {
  EXPECT_EQ(parse_error("BA_DEF_ \"Bus\" STRING;\n"
                        "BA_ \"Bus\" ;\n"),
            "t.dbc:2:11: expected attribute value (number or string), found ';'");
}

}  // namespace
}  // namespace autograph::can
