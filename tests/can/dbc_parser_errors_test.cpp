// DbcParser: every error message, checked for its line, column and reason.
#include "autograph/can/dbc_parser.hpp"

#include <gtest/gtest.h>

#include "can/dbc_parser_test_util.hpp"

namespace autograph::can {
namespace {

using testing::parse_error;

TEST(DbcParser, RejectsStatementNotStartingWithKeyword) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "123 foo;\n"),
            "t.dbc:2:1: expected a statement keyword (BO_, SG_, CM_, VAL_, ...), found '123'");
}

TEST(DbcParser, RejectsSignalOutsideMessage) {
  EXPECT_EQ(parse_error("BU_: A\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" A\n"),
            "t.dbc:2:2: expected SG_ only after BO_ or SG_, found SG_ outside a message");
}

TEST(DbcParser, RejectsMessageIdOutOfRange) {
  EXPECT_EQ(parse_error("BO_ 4294967296 M: 8 X\n"),
            "t.dbc:1:5: expected a message id of 0 to 4294967295, found 4294967296");
}

TEST(DbcParser, RejectsMessageIdNotANumber) {
  EXPECT_EQ(parse_error("BO_ x12 M: 8 X\n"),
            "t.dbc:1:5: expected message id (0 to 4294967295), found 'x12'");
}

TEST(DbcParser, RejectsMissingColonAfterMessageName) {
  EXPECT_EQ(parse_error("BO_ 1 M 8 X\n"),
            "t.dbc:1:9: expected ':' after the message name, found '8'");
}

TEST(DbcParser, RejectsMessageLongerThan64Bytes) {
  EXPECT_EQ(parse_error("BO_ 1 M: 65 X\n"),
            "t.dbc:1:10: expected a message length of 0 to 64 bytes, found 65");
}

TEST(DbcParser, RejectsMissingTransmitter) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8\n"
                        "BO_ 2 N: 8 X\n"),
            "t.dbc:1:11: expected transmitter node name, found end of line");
}

TEST(DbcParser, RejectsDuplicateMessageId) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "BO_ 2 N: 8 X\n"
                        "BO_ 1 O: 8 X\n"),
            "t.dbc:3:5: expected a new message id, found 1 (0x1) already used by 'M' at line 1");
}

TEST(DbcParser, RejectsDuplicateSignalName) {
  EXPECT_EQ(
      parse_error("BO_ 1 M: 8 X\n"
                  " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                  " SG_ S : 8|8@1+ (1,0) [0|0] \"\" X\n"),
      "t.dbc:3:6: expected a new signal name in message 'M', found 'S' already defined at line 2");
}

TEST(DbcParser, RejectsBadMultiplexerIndicator) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S x1 : 0|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:8: expected ':' or a multiplexer indicator (M, m<k> or m<k>M), found 'x1'");
}

TEST(DbcParser, RejectsZeroLengthSignal) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|0@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:12: expected a signal length of 1 to 64 bits, found 0");
}

TEST(DbcParser, RejectsSignalLongerThan64Bits) {
  EXPECT_EQ(parse_error("BO_ 1 M: 16 X\n"
                        " SG_ S : 0|65@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:12: expected a signal length of 1 to 64 bits, found 65");
}

TEST(DbcParser, RejectsBadByteOrder) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@2+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:14: expected byte order 0 (Motorola) or 1 (Intel), found '2+'");
}

TEST(DbcParser, RejectsBadSign) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1* (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:15: expected '+' (unsigned) or '-' (signed), found '*'");
}

TEST(DbcParser, RejectsFactorNotANumber) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (one,0) [0|0] \"\" X\n"),
            "t.dbc:2:18: expected factor, found 'one'");
}

TEST(DbcParser, RejectsInfiniteFactor) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1e999,0) [0|0] \"\" X\n"),
            "t.dbc:2:18: expected factor, found '1e999'");
}

TEST(DbcParser, RejectsMissingClosingBracket) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0 \"\" X\n"),
            "t.dbc:2:28: expected ']' after the maximum, found '\"'");
}

TEST(DbcParser, RejectsUnterminatedUnit) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"km X\n"),
            "t.dbc:2:29: expected '\"' closing unit in double quotes, found end of file");
}

TEST(DbcParser, RejectsBadReceiver) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X, 9Y\n"),
            "t.dbc:2:35: expected receiver node name, found '9Y'");
}

TEST(DbcParser, RejectsIntelSignalPastEnd) {
  EXPECT_EQ(parse_error("BO_ 1 M: 2 X\n"
                        " SG_ S : 9|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:10: expected signal 'S' within the 2 bytes of message 'M', found start bit 9 "
            "length 8 (Intel, ends in byte 2)");
}

TEST(DbcParser, RejectsMotorolaSignalPastEnd) {
  EXPECT_EQ(parse_error("BO_ 1 M: 1 X\n"
                        " SG_ S : 7|9@0+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:10: expected signal 'S' within the 1 bytes of message 'M', found start bit 7 "
            "length 9 (Motorola, ends in byte 1)");
}

TEST(DbcParser, RejectsMotorolaStartBitPastEnd) {
  EXPECT_EQ(parse_error("BO_ 1 M: 1 X\n"
                        " SG_ S : 8|1@0+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:10: expected signal 'S' within the 1 bytes of message 'M', found start bit 8 "
            "length 1 (Motorola, ends in byte 1)");
}

TEST(DbcParser, RejectsFloat32OfWrongLength) {
  EXPECT_EQ(
      parse_error("BO_ 1 M: 8 X\n"
                  " SG_ S : 0|16@1- (1,0) [0|0] \"\" X\n"
                  "SIG_VALTYPE_ 1 S : 1;\n"),
      "t.dbc:3:20: expected a 32-bit signal for value type 1 (float32), found 'S' of 16 bits");
}

TEST(DbcParser, RejectsFloat64OfWrongLength) {
  EXPECT_EQ(
      parse_error("BO_ 1 M: 8 X\n"
                  " SG_ S : 0|32@1- (1,0) [0|0] \"\" X\n"
                  "SIG_VALTYPE_ 1 S : 2;\n"),
      "t.dbc:3:20: expected a 64-bit signal for value type 2 (float64), found 'S' of 32 bits");
}

TEST(DbcParser, RejectsUnknownValueType) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|32@1- (1,0) [0|0] \"\" X\n"
                        "SIG_VALTYPE_ 1 S : 3;\n"),
            "t.dbc:3:20: expected value type 0 (integer), 1 (float32) or 2 (float64), found '3'");
}

TEST(DbcParser, RejectsValuesForUnknownMessage) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "VAL_ 2 S 0 \"a\";\n"),
            "t.dbc:2:6: expected the id of a message defined by BO_, found '2'");
}

TEST(DbcParser, RejectsValuesForUnknownSignal) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        "VAL_ 1 T 0 \"a\";\n"),
            "t.dbc:3:8: expected a signal of message 'M' (0x1), found 'T'");
}

TEST(DbcParser, RejectsValueNotAnInteger) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        "VAL_ 1 S 0.5 \"a\";\n"),
            "t.dbc:3:10: expected an integer value, its description or ';', found '0.5'");
}

TEST(DbcParser, RejectsValueWithoutDescription) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        "VAL_ 1 S 0 ;\n"),
            "t.dbc:3:12: expected value description in double quotes, found ';'");
}

TEST(DbcParser, RejectsUnknownValueTable) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"
                        "VAL_ 1 S Nope;\n"),
            "t.dbc:3:10: expected a value table defined by VAL_TABLE_, found 'Nope'");
}

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

TEST(DbcParser, RejectsUnknownStatementWithoutSemicolonBeforeMessage) {
  EXPECT_EQ(parse_error("FOO_ 1 2 3\n"
                        "BO_ 1 M: 8 X\n"),
            "t.dbc:2:1: expected ';' ending FOO_ from line 1, found 'BO_'");
}

TEST(DbcParser, RejectsUnknownStatementRunningToEndOfFile) {
  EXPECT_EQ(parse_error("FOO_ 1 2 3\n"
                        "\"open ; string\n"),
            "t.dbc:2:1: expected '\"' closing string, found end of file");
}

TEST(DbcParser, RejectsBadNewSymbolList) {
  EXPECT_EQ(parse_error("NS_ :\n"
                        "  NS_DESC_ 42\n"),
            "t.dbc:2:12: expected a symbol name in the NS_ list, found '42'");
}

TEST(DbcParser, RejectsBadCommentObject) {
  EXPECT_EQ(parse_error("CM_ XX_ 1 \"c\";\n"),
            "t.dbc:1:5: expected BU_, BO_, SG_, EV_ or a comment in double quotes, found 'XX_'");
}

TEST(DbcParser, RejectsCommentWithoutSemicolon) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "CM_ BO_ 1 \"c\"\n"
                        "BO_ 2 N: 8 X\n"),
            "t.dbc:3:1: expected ';' after the comment, found 'BO_'");
}

TEST(DbcParser, RejectsExtraTransmittersWithoutSemicolon) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "BO_TX_BU_ 1 : A,B\n"
                        "BO_ 2 N: 8 X\n"),
            "t.dbc:3:1: expected ',' or ';' after the transmitter node name, found 'BO_'");
}

TEST(DbcParser, RejectsControlByte) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        "\x01\n"),
            "t.dbc:2:1: expected a statement keyword (BO_, SG_, CM_, VAL_, ...), found byte 0x01");
}

}  // namespace
}  // namespace autograph::can
