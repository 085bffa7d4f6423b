// DbcParser: text encodings, signal boundaries, the past-length option, merging and loading.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "autograph/can/dbc_parser.hpp"
#include "can/dbc_parser_test_util.hpp"

namespace autograph::can {
namespace {

using testing::parse_error;
using testing::parse_ok;

TEST(DbcParser, ConvertsWindows1252TextToUtf8) {
  // "°C" and "Geschwindigkeit überschritten – €" in Windows-1252.
  const Database db = parse_ok(
      "BO_ 1 M: 8 X\r\n SG_ T : 0|8@1+ (1,0) [0|0] \"\xB0"
      "C\" X\r\n"
      "CM_ SG_ 1 T \"Geschwindigkeit \xFC"
      "berschritten \x96 \x80\";\r\n");
  const Signal& signal = db.messages.at(0).signals.at(0);
  EXPECT_EQ(signal.unit,
            "\xC2\xB0"
            "C");
  EXPECT_EQ(signal.comment,
            "Geschwindigkeit \xC3\xBC"
            "berschritten \xE2\x80\x93 \xE2\x82\xAC");
}

TEST(DbcParser, KeepsUtf8TextAndDropsByteOrderMark) {
  const Database db = parse_ok(
      "\xEF\xBB\xBF"
      "BO_ 1 M: 8 X\n SG_ T : 0|8@1+ (1,0) [0|0] \"\xC2\xB0"
      "C\" X\n");
  EXPECT_EQ(db.messages.at(0).signals.at(0).unit,
            "\xC2\xB0"
            "C");
}

TEST(DbcParser, AcceptsSignalsAtTheBoundaries) {
  const Database db = parse_ok(R"dbc(BO_ 1 Full: 8 X
 SG_ Intel64 : 0|64@1+ (1,0) [0|0] "" X
BO_ 2 Moto: 8 X
 SG_ Motorola64 : 7|64@0+ (1,0) [0|0] "" X
BO_ 3 Fd: 64 X
 SG_ First : 0|1@1+ (1,0) [0|1] "" X
 SG_ Last : 511|1@1+ (1,0) [0|1] "" X
 SG_ MotoLast : 504|1@0+ (1,0) [0|1] "" X
BO_ 4 Cross: 2 X
 SG_ Crossing : 3|12@0+ (1,0) [0|0] "" X
BO_ 5 Empty: 0 X
)dbc");
  ASSERT_EQ(db.messages.size(), 5u);
  EXPECT_EQ(db.messages[0].signals.at(0).length, 64);
  EXPECT_EQ(db.messages[1].signals.at(0).start_bit, 7);
  EXPECT_EQ(db.messages[2].length, 64);
  EXPECT_EQ(db.messages[2].signals.at(1).start_bit, 511);
  EXPECT_EQ(db.messages[3].signals.at(0).length, 12);
}

TEST(DbcParser, WarnsInsteadOfFailingForSignalsPastLengthWhenAllowed) {
  const char* text = "BO_ 1493 Temps: 5 X\n SG_ Lash : 40|10@1+ (0.06,0) [0|60] \"Deg\" X\n";
  EXPECT_EQ(parse_error(text),
            "t.dbc:2:13: expected signal 'Lash' within the 5 bytes of message 'Temps', found start "
            "bit 40 length 10 (Intel, ends in byte 6)");
  const Database db = parse_ok(text, DbcParseOptions{.allow_signals_past_length = true});
  ASSERT_EQ(db.warnings.size(), 1u);
  EXPECT_EQ(db.warnings[0],
            "t.dbc:2:13: expected signal 'Lash' within the 5 bytes of message 'Temps', found start "
            "bit 40 length 10 (Intel, ends in byte 6)");
  EXPECT_EQ(db.messages.at(0).signals.at(0).start_bit, 40);
}

TEST(DbcParser, MergesFilesAndRejectsAnIdDefinedTwice) {
  Database into = *parse_dbc("BU_: A\nBO_ 1 One: 8 A\nVAL_TABLE_ T 1 \"x\";\n", "a.dbc");
  Database other = *parse_dbc("VERSION \"2\"\nBU_: A B\nBO_ 2 Two: 8 B\n", "b.dbc");
  ASSERT_TRUE(merge_into(into, std::move(other)).has_value());
  ASSERT_EQ(into.messages.size(), 2u);
  EXPECT_EQ(into.sources, (std::vector<std::string>{"a.dbc", "b.dbc"}));
  EXPECT_EQ(into.messages[1].source, 1u);
  EXPECT_EQ(into.nodes, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(into.version, "2");
  EXPECT_EQ(into.value_tables.size(), 1u);

  Database clash = *parse_dbc("\nBO_ 2 Again: 8 C\n", "c.dbc");
  const Result<void> merged = merge_into(into, std::move(clash));
  ASSERT_FALSE(merged.has_value());
  EXPECT_EQ(merged.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(merged.error().message(),
            "c.dbc:2: message id 0x2 ('Again') is already defined at b.dbc:3 ('Two')");
  EXPECT_EQ(into.messages.size(), 2u);
  EXPECT_EQ(into.sources.size(), 2u);
}

TEST(DbcParser, MergesFilesThatEachHaveAnIndependentSignalsMessage) {
  constexpr const char* kText =
      "BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX\n"
      " SG_ Lonely : 0|8@1+ (1,0) [0|0] \"\" Vector__XXX\n";
  Database into = *parse_dbc(kText, "a.dbc");
  ASSERT_TRUE(merge_into(into, *parse_dbc(kText, "b.dbc")).has_value());
  ASSERT_EQ(into.pseudo_messages.size(), 2u);
  EXPECT_EQ(into.pseudo_messages[1].source, 1u);
  EXPECT_TRUE(into.messages.empty());
}

TEST(DbcParser, ReportsAMissingFileAsFailedPrecondition) {
  const Result<Database> db = load_dbc_file("/nonexistent/dir/none.dbc");
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(db.error().message().find("/nonexistent/dir/none.dbc"), std::string::npos);
}

TEST(DbcParser, ReadsInvalidUtf8AsWindows1252) {
  // An overlong "/" (C0 AF) is not UTF-8; as Windows-1252 it is "À¯". 0x81 is undefined in
  // Windows-1252 and becomes U+0081.
  const Database db = parse_ok("BO_ 1 M: 8 X\n SG_ T : 0|8@1+ (1,0) [0|0] \"\xC0\xAF\x81\" X\n");
  EXPECT_EQ(db.messages.at(0).signals.at(0).unit, "\xC3\x80\xC2\xAF\xC2\x81");
}

TEST(DbcParser, RejectsAFileLargerThan64MiB) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("dbc_parser_test_" + std::to_string(getpid()));
  {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr);
    std::fclose(file);
  }
  std::filesystem::resize_file(path, (64u << 20) + 1);  // sparse: no disk space used
  const Result<Database> db = load_dbc_file(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(db.error().message(),
            path.string() + ": DBC file of 67108865 bytes, expected at most 67108864");
}

}  // namespace
}  // namespace autograph::can
