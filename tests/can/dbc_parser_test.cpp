// DbcParser: every statement kind, read from small inline DBC files.
#include "autograph/can/dbc_parser.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "autograph/can/can_frame.hpp"
#include "can/dbc_parser_test_util.hpp"

namespace autograph::can {
namespace {

using testing::parse_error;
using testing::parse_ok;
using testing::signal_named;

TEST(DbcParser, ReadsEveryFieldOfMessagesAndSignals) {
  const Database db = parse_ok(R"dbc(VERSION "1.2"

NS_ :
	NS_DESC_
	CM_
	BA_DEF_

BS_:

BU_: ECU1 ECU2 Vector__XXX

BO_ 291 Engine: 8 ECU1
 SG_ Speed : 0|16@1- (0.01,-5.5) [-100|327.5] "km/h" ECU2,Vector__XXX
 SG_ Temp : 23|12@0+ (2.4E-007,-3E-005) [0|1E+3] "degC"  ECU2
)dbc");
  EXPECT_EQ(db.version, "1.2");
  EXPECT_EQ(db.nodes, (std::vector<std::string>{"ECU1", "ECU2", "Vector__XXX"}));
  ASSERT_EQ(db.messages.size(), 1u);
  const Message& message = db.messages[0];
  EXPECT_EQ(message.id, 291u);
  EXPECT_EQ(message.name, "Engine");
  EXPECT_EQ(message.length, 8);
  EXPECT_EQ(message.transmitter, "ECU1");
  EXPECT_EQ(message.line, 12);
  EXPECT_FALSE(message.fd);
  EXPECT_FALSE(message.cycle_time_ms.has_value());
  ASSERT_EQ(message.signals.size(), 2u);
  const Signal& speed = message.signals[0];
  EXPECT_EQ(speed.name, "Speed");
  EXPECT_EQ(speed.start_bit, 0);
  EXPECT_EQ(speed.length, 16);
  EXPECT_EQ(speed.byte_order, ByteOrder::kLittleEndian);
  EXPECT_EQ(speed.value_type, ValueType::kSigned);
  EXPECT_EQ(speed.factor, 0.01);
  EXPECT_EQ(speed.offset, -5.5);
  EXPECT_EQ(speed.minimum, -100);
  EXPECT_EQ(speed.maximum, 327.5);
  EXPECT_EQ(speed.unit, "km/h");
  EXPECT_EQ(speed.receivers, (std::vector<std::string>{"ECU2", "Vector__XXX"}));
  EXPECT_EQ(speed.line, 13);
  EXPECT_FALSE(speed.is_multiplexor);
  EXPECT_FALSE(speed.multiplexor.has_value());
  const Signal& temp = message.signals[1];
  EXPECT_EQ(temp.start_bit, 23);
  EXPECT_EQ(temp.byte_order, ByteOrder::kBigEndian);
  EXPECT_EQ(temp.value_type, ValueType::kUnsigned);
  EXPECT_EQ(temp.factor, 2.4E-007);
  EXPECT_EQ(temp.offset, -3E-005);
  EXPECT_EQ(temp.maximum, 1000.0);
  EXPECT_EQ(temp.receivers, (std::vector<std::string>{"ECU2"}));
  EXPECT_EQ(db.sources, (std::vector<std::string>{"t.dbc"}));
  EXPECT_EQ(db.find(291), &message);
  EXPECT_EQ(db.find(291 | CanFrame::kEffFlag), nullptr);
}

TEST(DbcParser, EndsTheNewSymbolListAtAnIndentedBitTimingOrMessage) {
  const Database db = parse_ok("NS_ : NS_DESC_\n  CM_\n  BO_ 1 M: 8 X\n");
  ASSERT_EQ(db.messages.size(), 1u);
  EXPECT_EQ(parse_ok("NS_ :\n  CM_\n  BS_:\nBU_: A\n").nodes, (std::vector<std::string>{"A"}));
}

TEST(DbcParser, AcceptsBitTimingWithBaudRateAndSpacedColon) {
  const Database db =
      parse_ok("BS_: 500 : 12,34\nBO_ 1 A : 2 X\n SG_ S : 0|8@1+ (1,0) [0|0] \"\" X\n");
  ASSERT_EQ(db.messages.size(), 1u);
  EXPECT_EQ(db.messages[0].signals.size(), 1u);
}

TEST(DbcParser, AcceptsFileWithoutBitTimingLikeKona) {
  const Database db = parse_ok(R"dbc(VERSION ""

NS_ :
  NS_DESC_

BO_ 356 UNK_164: 8 XXX

BO_ 881 IEB: 8 IEB_MAYBE
 SG_ BrakeUnknown : 7|8@0+ (1,0) [0|255] "" XXX
)dbc");
  ASSERT_EQ(db.messages.size(), 2u);
  EXPECT_TRUE(db.messages[0].signals.empty());
  EXPECT_EQ(db.messages[1].signals.size(), 1u);
}

TEST(DbcParser, MarksBit31IdsExtendedAndKeepsPseudoMessagesApart) {
  const Database db = parse_ok(R"dbc(BO_ 2566844926 Ext: 8 X
 SG_ A : 0|8@1+ (1,0) [0|0] "" X
BO_ 0 Zero: 8 X
BO_ 3221225472 VECTOR__INDEPENDENT_SIG_MSG: 0 Vector__XXX
 SG_ Lonely : 0|16@1+ (1,0) [0|0] "" Vector__XXX
BO_ 1075054137 TooBigForStandard: 8 X
CM_ SG_ 3221225472 Lonely "kept";
)dbc");
  ASSERT_EQ(db.messages.size(), 2u);
  const Message& ext = db.messages[0];
  EXPECT_EQ(ext.id, 0x18FEF1FEu | CanFrame::kEffFlag);
  EXPECT_EQ(ext.id & CanFrame::kEffMask, 0x18FEF1FEu);
  EXPECT_EQ(db.find(0x18FEF1FEu | CanFrame::kEffFlag), &ext);
  EXPECT_EQ(db.find(0), &db.messages[1]);
  ASSERT_EQ(db.pseudo_messages.size(), 2u);
  EXPECT_EQ(db.pseudo_messages[0].id, 0xC0000000u);
  EXPECT_EQ(db.pseudo_messages[0].signals.at(0).comment, "kept");
  EXPECT_EQ(db.pseudo_messages[1].id, 1075054137u);
  EXPECT_EQ(db.find(CanFrame::kEffFlag), nullptr);
}

TEST(DbcParser, ResolvesSimpleMultiplexing) {
  const Database db = parse_ok(R"dbc(BO_ 100 Mux: 8 X
 SG_ Page m1 : 8|8@1+ (1,0) [0|0] "" X
 SG_ Selector M : 0|8@1+ (1,0) [0|0] "" X
 SG_ Other m0: 8|16@1+ (1,0) [0|0] "" X
 SG_ Always : 24|8@1+ (1,0) [0|0] "" X
)dbc");
  const Message& message = db.messages.at(0);
  EXPECT_TRUE(signal_named(message, "Selector").is_multiplexor);
  const Signal& page = signal_named(message, "Page");
  EXPECT_EQ(page.multiplexor, 1u);
  ASSERT_EQ(page.mux_values.size(), 1u);
  EXPECT_EQ(page.mux_values[0].low, 1u);
  EXPECT_EQ(page.mux_values[0].high, 1u);
  EXPECT_EQ(signal_named(message, "Other").multiplexor, 1u);
  EXPECT_EQ(signal_named(message, "Other").mux_values.at(0).low, 0u);
  EXPECT_FALSE(signal_named(message, "Always").multiplexor.has_value());
}

TEST(DbcParser, ExtendedMultiplexingReplacesValuesAndNamesNestedMultiplexor) {
  const Database db = parse_ok(R"dbc(BO_ 200 Nested: 8 X
 SG_ Top M : 0|8@1+ (1,0) [0|0] "" X
 SG_ Inner m1M : 8|8@1+ (1,0) [0|0] "" X
 SG_ Leaf m2 : 16|8@1+ (1,0) [0|0] "" X
 SG_ Wide m1 : 24|8@1+ (1,0) [0|0] "" X

SG_MUL_VAL_ 200 Inner Top 1-1;
SG_MUL_VAL_ 200 Leaf Inner 2-2, 4-6;
SG_MUL_VAL_ 200 Wide Top 3-5, 7-7;
SG_MUL_VAL_ 200 Wide Top 9-9;
)dbc");
  const Message& message = db.messages.at(0);
  const Signal& inner = signal_named(message, "Inner");
  EXPECT_TRUE(inner.is_multiplexor);
  EXPECT_EQ(inner.multiplexor, 0u);
  const Signal& leaf = signal_named(message, "Leaf");
  EXPECT_EQ(leaf.multiplexor, 1u);
  ASSERT_EQ(leaf.mux_values.size(), 2u);
  EXPECT_EQ(leaf.mux_values[1].low, 4u);
  EXPECT_EQ(leaf.mux_values[1].high, 6u);
  const Signal& wide = signal_named(message, "Wide");
  EXPECT_EQ(wide.multiplexor, 0u);
  ASSERT_EQ(wide.mux_values.size(), 3u);
  EXPECT_EQ(wide.mux_values[0].low, 3u);
  EXPECT_EQ(wide.mux_values[0].high, 5u);
  EXPECT_EQ(wide.mux_values[2].low, 9u);
}

TEST(DbcParser, SetsFloatValueTypes) {
  const Database db = parse_ok(R"dbc(BO_ 1 F: 16 X
 SG_ Single : 0|32@1- (1,0) [0|0] "" X
 SG_ Double : 64|64@1- (1,0) [0|0] "" X
 SG_ Plain : 32|32@1- (1,0) [0|0] "" X
SIG_VALTYPE_ 1 Single : 1;
SIG_VALTYPE_ 1 Double : 2;
SIG_VALTYPE_ 1 Plain 0;
)dbc");
  const Message& message = db.messages.at(0);
  EXPECT_EQ(signal_named(message, "Single").value_type, ValueType::kFloat32);
  EXPECT_EQ(signal_named(message, "Double").value_type, ValueType::kFloat64);
  EXPECT_EQ(signal_named(message, "Plain").value_type, ValueType::kSigned);
}

TEST(DbcParser, ReadsValueDescriptionsAndTablesEvenWithoutFinalSemicolon) {
  const Database db = parse_ok(R"dbc(VAL_TABLE_ OnOff 1 "on" 0 "off" ;
BO_ 865 M: 8 X
 SG_ CLUTCH_RELEASED : 0|1@1+ (1,0) [0|1] "" X
 SG_ Gear : 8|8@1- (1,0) [0|0] "" X
 SG_ Lamp : 16|1@1+ (1,0) [0|1] "" X
EV_ Env : 0 [0|1] "" 0 1 DUMMY_NODE_VECTOR0 Vector__XXX;
VAL_ 865 CLUTCH_RELEASED 0 "clutch pressed any amount" 1 "clutch released"
VAL_ 865 Gear -1 "R" 0 "N" 1 "D";
VAL_ 865 Lamp OnOff;
VAL_ Env 0 "a" 1 "b";
VAL_TABLE_ Last 3 "x")dbc");
  const Message& message = db.messages.at(0);
  using Choices = std::vector<std::pair<int64_t, std::string>>;
  EXPECT_EQ(signal_named(message, "CLUTCH_RELEASED").choices,
            (Choices{{0, "clutch pressed any amount"}, {1, "clutch released"}}));
  EXPECT_EQ(signal_named(message, "Gear").choices, (Choices{{-1, "R"}, {0, "N"}, {1, "D"}}));
  EXPECT_EQ(signal_named(message, "Lamp").choices, (Choices{{1, "on"}, {0, "off"}}));
  EXPECT_EQ(db.value_tables.at("OnOff"), (Choices{{1, "on"}, {0, "off"}}));
  EXPECT_EQ(db.value_tables.at("Last"), (Choices{{3, "x"}}));
}

TEST(DbcParser, ReadsMultiLineCommentsWithEscapedQuotes) {
  const Database db = parse_ok(R"dbc(BO_ 1104 M: 8 X
 SG_ S : 0|8@1+ (1,0) [0|0] "" X
CM_ "network comment";
CM_ BU_ X "node comment";
CM_ BO_ 1104 "50Hz. Always present.

Says \"hello\" and a \\ backslash.";
CM_ SG_ 1104 S "signal comment";
CM_ SG_ 1104 Missing "dropped: no such signal (VW MQB has these)";
CM_ SG_ 1104 "dropped: no signal name (Honda has these)";
CM_ 1104 "replaces: BO_ left out (Hyundai CAN FD has these)";
CM_ EV_ Env "env";
)dbc");
  const Message& message = db.messages.at(0);
  EXPECT_EQ(message.comment, "replaces: BO_ left out (Hyundai CAN FD has these)");
  EXPECT_EQ(message.signals.at(0).comment, "signal comment");
  const Database first =
      parse_ok("BO_ 1 M: 8 X\nCM_ BO_ 1 \"50Hz.\r\n\r\nSays \\\"hi\\\" \\\\ ok\";\n");
  EXPECT_EQ(first.messages.at(0).comment, "50Hz.\n\nSays \"hi\" \\ ok");
}

TEST(DbcParser, KeepsAttributeDefinitionsAndAppliesFrameFormatAndCycleTime) {
  const Database db = parse_ok(
      R"dbc(BA_DEF_ BO_  "VFrameFormat" ENUM  "StandardCAN","ExtendedCAN","reserved","StandardCAN_FD","ExtendedCAN_FD";
BA_DEF_ BO_  "GenMsgCycleTime" INT 0 100000;
BA_DEF_  "BusType" STRING ;
BA_DEF_ SG_  "GenSigStartValue" FLOAT -1E+10 1E+10;
BA_DEF_ BU_  "NodeLayer" HEX 0 255;
BA_DEF_ EV_  "EnvKind" INT 0 1;
BA_DEF_DEF_  "VFrameFormat" "ExtendedCAN_FD";
BA_DEF_DEF_  "GenMsgCycleTime" 100;
BA_DEF_DEF_  "BusType" "";
BA_DEF_DEF_  "GenSigStartValue" 0.5;
BO_ 1 Standard: 8 X
 SG_ S : 0|8@1+ (1,0) [0|0] "" X
BO_ 2147483650 Extended: 8 X
BO_ 3 Classic: 8 X
BA_ "BusType" "CAN FD";
BA_ "VFrameFormat" BO_ 3 0;
BA_ "GenMsgCycleTime" BO_ 3 20;
BA_ "GenSigStartValue" SG_ 1 S 2.5;
BA_ "NodeLayer" BU_ X 16;
BA_ "EnvKind" EV_ Env 1;
)dbc");
  ASSERT_EQ(db.messages.size(), 3u);
  EXPECT_EQ(db.messages[0].id, 1u);  // ExtendedCAN_FD by default: still an 11-bit id
  EXPECT_TRUE(db.messages[0].fd);
  EXPECT_EQ(db.messages[0].cycle_time_ms, 100u);
  EXPECT_EQ(db.messages[1].id, 2u | CanFrame::kEffFlag);
  EXPECT_TRUE(db.messages[1].fd);
  EXPECT_FALSE(db.messages[2].fd);
  EXPECT_EQ(db.messages[2].cycle_time_ms, 20u);
  ASSERT_EQ(db.attributes.size(), 6u);
  const AttributeDefinition& format = db.attributes[0];
  EXPECT_EQ(format.object, AttributeDefinition::Object::kMessage);
  EXPECT_EQ(format.kind, AttributeDefinition::Kind::kEnum);
  EXPECT_EQ(format.enum_values.size(), 5u);
  EXPECT_EQ(format.default_value, AttributeValue(std::string("ExtendedCAN_FD")));
  EXPECT_EQ(db.attributes[1].default_value, AttributeValue(int64_t{100}));
  EXPECT_EQ(db.attributes[2].object, AttributeDefinition::Object::kNetwork);
  EXPECT_EQ(db.attributes[2].kind, AttributeDefinition::Kind::kString);
  EXPECT_EQ(db.attributes[3].kind, AttributeDefinition::Kind::kFloat);
  EXPECT_EQ(db.attributes[3].default_value, AttributeValue(0.5));
  EXPECT_EQ(db.attributes[4].kind, AttributeDefinition::Kind::kHex);
  EXPECT_EQ(db.attributes[5].object, AttributeDefinition::Object::kEnvVar);
}

TEST(DbcParser, ReadsExtraTransmitters) {
  const Database db = parse_ok("BO_ 878 M: 8 PCM\nBO_TX_BU_ 878 : PCM,PCM_HEV, ECM;\n");
  EXPECT_EQ(db.messages.at(0).extra_transmitters,
            (std::vector<std::string>{"PCM", "PCM_HEV", "ECM"}));
}

TEST(DbcParser, SkipsStatementsItDoesNotModel) {
  const Database db = parse_ok(R"dbc(NS_ :
    BA_DEF_REL_
BU_: A B
BO_ 1 M: 8 A
 SG_ S : 0|8@1+ (1,0) [0|0] "" B
EV_ Env: 0 [0|100] "km;h" 0 2 DUMMY_NODE_VECTOR0 Vector__XXX;
ENVVAR_DATA_ Env: 4;
SGTYPE_ T : 8@1+ (1,0) [0|1] "" 0 , Table;
SIG_GROUP_ 1 Group 1 : S;
CAT_DEF_ 1 Cat 0;
CAT_ BO_ 1 1;
FILTER 0 Cat;
BA_DEF_REL_ BU_SG_REL_ "Rel" INT 0 10;
BA_DEF_DEF_REL_ "Rel" 0;
BA_REL_ "Rel" BU_SG_REL_ A SG_ 1 S 3;
SIG_TYPE_REF_ 1 S : T;
SOME_FUTURE_KEYWORD_ 1 "with ; inside" and more
  over lines;
BO_ 2 N: 8 A
)dbc");
  ASSERT_EQ(db.messages.size(), 2u);
  EXPECT_EQ(db.messages[1].name, "N");
}

}  // namespace
}  // namespace autograph::can
