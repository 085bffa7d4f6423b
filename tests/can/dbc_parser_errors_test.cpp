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

TEST(DbcParser, RejectsUnknownStatementWithoutSemicolonAtEndOfFile) {
  EXPECT_EQ(parse_error("FOO_ 1 2 3\n"), "t.dbc:1:1: expected ';' ending FOO_, found end of file");
}

TEST(DbcParser, RejectsSignalBeforeIndentedMessageInSkippedStatement) {
  EXPECT_EQ(parse_error("FOO_ 1\n"
                        " SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:2: expected ';' ending FOO_ from line 1, found 'SG_'");
}

TEST(DbcParser, RejectsNumberAsMultiplexerIndicator) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S 1 : 0|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:8: expected ':' or a multiplexer indicator (M, m<k> or m<k>M), found '1'");
}

TEST(DbcParser, RejectsMissingBarAfterStartBit) {
  EXPECT_EQ(parse_error("BO_ 1 M: 8 X\n"
                        " SG_ S : 0/8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:11: expected '|' after the start bit, found '/'");
}

TEST(DbcParser, RejectsStartBitBeyondAnyFrame) {
  EXPECT_EQ(parse_error("BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n"
                        " SG_ S : 512|8@1+ (1,0) [0|0] \"\" X\n"),
            "t.dbc:2:10: expected signal 'S' within the 0 bytes of message "
            "'VECTOR__INDEPENDENT_SIG_MSG', found start bit 512 length 8 (Intel, ends in byte 64)");
}

TEST(DbcParser, RejectsBitTimingWithBadBaudRate) {
  EXPECT_EQ(parse_error("BS_: fast\n"), "t.dbc:1:6: expected baud rate, found 'fast'");
}

TEST(DbcParser, RejectsNodeListWithNumber) {
  EXPECT_EQ(parse_error("BU_: A 1B\n"), "t.dbc:1:8: expected node name, found '1B'");
}

TEST(DbcParser, RejectsVersionWithoutQuotes) {
  EXPECT_EQ(parse_error("VERSION 1.0\n"),
            "t.dbc:1:9: expected version in double quotes, found '1.0'");
}

}  // namespace
}  // namespace autograph::can
