// Decoder on hand-built databases: bit layouts, scaling, truncation, multiplexing, selection.
#include "autograph/can/decoder.hpp"
#include "can/decoder_testing.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace autograph::can {
namespace {

TEST(Decoder, ExtractsIntelSignalsAtByteEdges) {
  Decoder decoder = one_message(make_message(
      0x100, {make_signal("byte1", 8, 8), make_signal("across", 4, 8), make_signal("top", 56, 8),
              make_signal("bit63", 63, 1), make_signal("bit0", 0, 1)}));
  auto values = decode_by_name(decoder, make_frame(0x100, {0x5A, 0xC3, 0, 0, 0, 0, 0, 0x81}));
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values["byte1"].value.u64, 0xC3u);
  EXPECT_EQ(values["byte1"].kind, SampleKind::kUnsigned);
  EXPECT_EQ(values["across"].value.u64, 0x35u);  // high nibble of 0x5A, low nibble of 0xC3
  EXPECT_EQ(values["top"].value.u64, 0x81u);
  EXPECT_EQ(values["bit63"].value.u64, 1u);
  EXPECT_EQ(values["bit0"].value.u64, 0u);
}

TEST(Decoder, ExtractsMotorolaSignalsAtByteEdges) {
  Decoder decoder = one_message(make_message(
      0x101, {make_signal("byte0", 7, 8, ByteOrder::kBigEndian),
              make_signal("twelve", 7, 12, ByteOrder::kBigEndian),  // byte 0 + high nibble of 1
              make_signal("across", 3, 8, ByteOrder::kBigEndian),   // low nibble 0, high 1
              make_signal("last", 63, 8, ByteOrder::kBigEndian),
              make_signal("lsb", 56, 1, ByteOrder::kBigEndian)}));
  auto values = decode_by_name(decoder, make_frame(0x101, {0x5A, 0xC3, 0, 0, 0, 0, 0, 0x81}));
  ASSERT_EQ(values.size(), 5u);
  EXPECT_EQ(values["byte0"].value.u64, 0x5Au);
  EXPECT_EQ(values["twelve"].value.u64, 0x5ACu);
  EXPECT_EQ(values["across"].value.u64, 0xACu);
  EXPECT_EQ(values["last"].value.u64, 0x81u);
  EXPECT_EQ(values["lsb"].value.u64, 1u);
}

TEST(Decoder, SignExtendsSignedSignals) {
  Decoder decoder = one_message(make_message(
      0x102, {make_signal("intel", 0, 12, ByteOrder::kLittleEndian, ValueType::kSigned),
              make_signal("motorola", 23, 16, ByteOrder::kBigEndian, ValueType::kSigned),
              make_signal("bit", 40, 1, ByteOrder::kLittleEndian, ValueType::kSigned),
              make_signal("positive", 48, 8, ByteOrder::kLittleEndian, ValueType::kSigned)}));
  auto values =
      decode_by_name(decoder, make_frame(0x102, {0xFF, 0x0F, 0x80, 0x00, 0, 0x01, 0x7F, 0}));
  EXPECT_EQ(values["intel"].kind, SampleKind::kSigned);
  EXPECT_EQ(values["intel"].value.i64, -1);
  EXPECT_EQ(values["motorola"].value.i64, -32768);
  EXPECT_EQ(values["bit"].value.i64, -1);
  EXPECT_EQ(values["positive"].value.i64, 127);
}

TEST(Decoder, KeepsSixtyFourBitIntegersExact) {
  Decoder decoder = one_message(make_message(
      0x40A, {make_signal("intel", 0, 64), make_signal("motorola", 7, 64, ByteOrder::kBigEndian)}));
  // 13911690202346455040 = 0xC110408820248000, the largest value in the Ford capture.
  auto values =
      decode_by_name(decoder, make_frame(0x40A, {0x00, 0x80, 0x24, 0x20, 0x88, 0x40, 0x10, 0xC1}));
  EXPECT_EQ(values["intel"].kind, SampleKind::kUnsigned);
  EXPECT_EQ(values["intel"].value.u64, 13911690202346455040u);
  EXPECT_EQ(values["motorola"].value.u64, 0x00802420884010C1u);
  values =
      decode_by_name(decoder, make_frame(0x40A, {0xC1, 0x10, 0x40, 0x88, 0x20, 0x24, 0x80, 0x01}));
  EXPECT_EQ(values["motorola"].value.u64, 13911690202346455041u);
}

TEST(Decoder, ExtractsWideSignalsOfFdFramesSpanningNineBytes) {
  Decoder decoder = one_message(make_message(
      0x200,
      {make_signal("intel", 68, 64), make_signal("motorola", 67, 64, ByteOrder::kBigEndian),
       make_signal("tail", 504, 8, ByteOrder::kLittleEndian, ValueType::kSigned)},
      64));
  std::vector<uint8_t> data(64, 0);
  // intel: bits 68..131 = bytes 8 (high nibble) .. 16 (low nibble).
  // motorola: MSB at byte 8 bit 3, 64 bits down to byte 16 bit 4.
  data[8] = 0x18;
  data[16] = 0x1F;
  data[63] = 0xFE;
  auto values = decode_by_name(decoder, make_frame(0x200, data));
  EXPECT_EQ(values["intel"].value.u64, 0xF000000000000001u);
  EXPECT_EQ(values["motorola"].value.u64, 0x8000000000000001u);
  EXPECT_EQ(values["tail"].value.i64, -2);
}

TEST(Decoder, ReinterpretsFloatSignals) {
  Signal f32 = make_signal("f32", 0, 32, ByteOrder::kLittleEndian, ValueType::kFloat32);
  Signal f64 = make_signal("f64", 7, 64, ByteOrder::kBigEndian, ValueType::kFloat64);
  Signal scaled =
      make_signal("scaled", 0, 32, ByteOrder::kLittleEndian, ValueType::kFloat32, 2.0, 0.5);
  Decoder f32_decoder = one_message(make_message(0x300, {f32, scaled}));
  Decoder f64_decoder = one_message(make_message(0x301, {f64}));
  const float pi = 3.14159274f;
  std::vector<uint8_t> data(8, 0);
  std::memcpy(data.data(), &pi, 4);
  auto values = decode_by_name(f32_decoder, make_frame(0x300, data));
  EXPECT_EQ(values["f32"].kind, SampleKind::kFloat);
  EXPECT_EQ(values["f32"].value.f64, static_cast<double>(pi));
  EXPECT_EQ(values["scaled"].value.f64, static_cast<double>(pi) * 2.0 + 0.5);
  const double e = -2.718281828459045;
  uint64_t bits;
  std::memcpy(&bits, &e, 8);
  for (int i = 0; i < 8; ++i) {
    data[static_cast<size_t>(i)] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  }
  values = decode_by_name(f64_decoder, make_frame(0x301, data));
  EXPECT_EQ(values["f64"].value.f64, e);
}

TEST(Decoder, ScalesInBinary64OrExactIntegers) {
  Decoder decoder = one_message(make_message(
      0x400,
      {make_signal("speed", 0, 16, ByteOrder::kLittleEndian, ValueType::kUnsigned, 0.01, 0),
       make_signal("temp", 16, 8, ByteOrder::kLittleEndian, ValueType::kUnsigned, 1, -40),
       make_signal("doubled", 24, 8, ByteOrder::kLittleEndian, ValueType::kSigned, 2, 1),
       make_signal("neg", 32, 8, ByteOrder::kLittleEndian, ValueType::kSigned, 0.5, -0.25)}));
  auto values = decode_by_name(decoder, make_frame(0x400, {0x39, 0x30, 10, 0xFE, 0xFF, 0, 0, 0}));
  volatile double raw = 12345.0;  // volatile: keep the compiler from folding the reference
  EXPECT_EQ(values["speed"].kind, SampleKind::kFloat);
  EXPECT_EQ(values["speed"].value.f64, raw * 0.01 + 0.0);
  EXPECT_EQ(values["temp"].kind, SampleKind::kSigned);
  EXPECT_EQ(values["temp"].value.i64, -30);
  EXPECT_EQ(values["doubled"].kind, SampleKind::kSigned);
  EXPECT_EQ(values["doubled"].value.i64, -3);
  EXPECT_EQ(values["neg"].value.f64, -0.75);
  EXPECT_DOUBLE_EQ(values["temp"].as_double(), -30.0);
}

TEST(Decoder, DropsSignalsPastTheEndOfShortFrames) {
  Decoder decoder = one_message(
      make_message(0x562, {make_signal("first", 0, 8), make_signal("second", 8, 8),
                           make_signal("moto_in", 15, 8, ByteOrder::kBigEndian),   // byte 1
                           make_signal("moto_out", 12, 8, ByteOrder::kBigEndian),  // bytes 1..2
                           make_signal("wide", 4, 16)}));
  auto values = decode_by_name(decoder, make_frame(0x562, {1, 2}));
  EXPECT_EQ(values.size(), 3u);
  EXPECT_EQ(values.count("first"), 1u);
  EXPECT_EQ(values.count("second"), 1u);
  EXPECT_EQ(values["moto_in"].value.u64, 2u);
  EXPECT_EQ(values.count("moto_out"), 0u);
  EXPECT_EQ(values.count("wide"), 0u);
  EXPECT_TRUE(decode_by_name(decoder, make_frame(0x562, {})).empty());
  // Longer than the message: the extra bytes are ignored.
  values = decode_by_name(decoder, make_frame(0x562, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(values.size(), 5u);
}

TEST(Decoder, TellsExtendedFromStandardIdsWithTheSameNumber) {
  Database db;
  db.messages.push_back(make_message(0x123, {make_signal("standard", 0, 8)}));
  db.messages.push_back(make_message(0x123 | CanFrame::kEffFlag, {make_signal("extended", 0, 8)}));
  db.messages.push_back(
      make_message(0x18DAF110 | CanFrame::kEffFlag, {make_signal("other", 0, 8)}));
  Decoder decoder = compile_or_die({db});
  auto values = decode_by_name(decoder, make_frame(0x123, {7}));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values.count("standard"), 1u);
  values = decode_by_name(decoder, make_frame(0x123 | CanFrame::kEffFlag, {7}));
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values.count("extended"), 1u);
  EXPECT_EQ(decode_by_name(decoder, make_frame(0x18DAF110 | CanFrame::kEffFlag, {7})).size(), 1u);
  EXPECT_TRUE(decode_by_name(decoder, make_frame(0x124 | CanFrame::kEffFlag, {7})).empty());
  EXPECT_TRUE(decoder.knows(0, 0x123 | CanFrame::kEffFlag));
  EXPECT_FALSE(decoder.knows(0, 0x124 | CanFrame::kEffFlag));
}

TEST(Decoder, SelectsSignalsByNameAndByKey) {
  Database bus0;
  bus0.messages.push_back(
      make_message(0x10, {make_signal("Speed", 0, 8), make_signal("Rpm", 8, 8)}));
  Database bus1;
  bus1.messages.push_back(
      make_message(0x10, {make_signal("Speed", 0, 8), make_signal("Gear", 8, 8)}));
  SignalSelection selection;
  selection.names = {"Speed"};
  selection.keys = {SignalKey{1, 0x10, "Gear"}};
  Decoder decoder = compile_or_die({bus0, bus1}, selection);
  ASSERT_EQ(decoder.signals().size(), 3u);
  auto values = decode_by_name(decoder, make_frame(0x10, {1, 2}, 0));
  EXPECT_EQ(values.size(), 1u);
  EXPECT_EQ(values.count("Speed"), 1u);
  values = decode_by_name(decoder, make_frame(0x10, {1, 2}, 1));
  EXPECT_EQ(values.size(), 2u);
  EXPECT_EQ(values["Gear"].value.u64, 2u);
  const SignalInfo& gear = decoder.signals()[1 + 1];
  EXPECT_EQ(gear.bus, 1u);
  EXPECT_EQ(gear.name, "Gear");
}

TEST(Decoder, RefusesSelectionsThatMatchNothing) {
  Database db;
  db.messages.push_back(make_message(0x10, {make_signal("Speed", 0, 8)}));
  SignalSelection by_name;
  by_name.names = {"Sped"};
  auto decoder = Decoder::compile(std::vector<Database>{db}, by_name);
  ASSERT_FALSE(decoder.has_value());
  EXPECT_EQ(decoder.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(decoder.error().message().find("Sped"), std::string::npos);
  SignalSelection by_key;
  by_key.keys = {SignalKey{0, 0x11, "Speed"}};
  EXPECT_FALSE(Decoder::compile(std::vector<Database>{db}, by_key).has_value());
}

TEST(Decoder, RefusesSignalsItCannotExtract) {
  for (Signal bad : {make_signal("zero", 0, 0), make_signal("past", 510, 8),
                     make_signal("f32", 0, 16, ByteOrder::kLittleEndian, ValueType::kFloat32)}) {
    Database db;
    db.messages.push_back(make_message(0x10, {bad}));
    auto decoder = Decoder::compile(std::vector<Database>{db});
    ASSERT_FALSE(decoder.has_value()) << bad.name;
    EXPECT_EQ(decoder.error().code(), ErrorCode::kMalformed);
    EXPECT_NE(decoder.error().message().find(bad.name), std::string::npos);
  }
  Database loop;
  Message message = multiplexed_message();
  message.signals[0].multiplexor = 5;  // Mux <- Sub <- Mux
  loop.messages.push_back(message);
  EXPECT_FALSE(Decoder::compile(std::vector<Database>{loop}).has_value());
}

TEST(Decoder, CountsUnknownUnselectedAndSkippedFrames) {
  Database db;
  db.messages.push_back(make_message(0x10, {make_signal("Speed", 0, 8)}));
  db.messages.push_back(make_message(0x11, {make_signal("Rpm", 0, 8)}));
  SignalSelection selection;
  selection.names = {"Speed"};
  Decoder decoder = compile_or_die({db}, selection);
  std::vector<Sample> out(decoder.max_samples_per_frame());
  EXPECT_EQ(decoder.decode(make_frame(0x10, {1}), out), 1u);
  EXPECT_EQ(decoder.decode(make_frame(0x11, {1}), out), 0u);
  EXPECT_EQ(decoder.decode(make_frame(0x12, {1}), out), 0u);
  EXPECT_EQ(decoder.decode(make_frame(0x12, {1}), out), 0u);
  CanFrame rtr = make_frame(0x10, {});
  rtr.flags = CanFrame::kRtr;
  EXPECT_EQ(decoder.decode(rtr, out), 0u);
  CanFrame error = make_frame(0x10, {1});
  error.flags = CanFrame::kErr;
  EXPECT_EQ(decoder.decode(error, out), 0u);
  EXPECT_EQ(decoder.decode(make_frame(0x10, {1}, 3), out), 0u);
  const DecoderCounters counters = decoder.counters(0);
  EXPECT_EQ(counters.unselected, 1u);
  EXPECT_EQ(counters.unknown_id, 2u);
  EXPECT_EQ(counters.skipped, 2u);
  EXPECT_EQ(decoder.unknown_bus_frames(), 1u);
  EXPECT_TRUE(decoder.knows(0, 0x11));
}

// The DBC bit numbering walked one bit at a time: the textbook definition, to check the
// decoder's shifts against. Returns nullopt when a bit lies past `len` bytes.
std::optional<uint64_t> reference_raw(const Signal& signal, const uint8_t* data, unsigned len) {
  uint64_t raw = 0;
  unsigned bit = signal.start_bit;
  for (unsigned i = 0; i < signal.length; ++i) {
    if (bit / 8 >= len) {
      return std::nullopt;
    }
    const uint64_t value = (data[bit / 8] >> (bit % 8)) & 1u;
    if (signal.byte_order == ByteOrder::kLittleEndian) {
      raw |= value << i;
      ++bit;
    } else {
      raw = (raw << 1) | value;
      bit = bit % 8 == 0 ? bit + 15 : bit - 1;
    }
  }
  return raw;
}

TEST(Decoder, MatchesABitByBitReferenceOnRandomLayouts) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE(testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 2000; ++round) {
    const bool fd = rng() % 2 == 0;
    const unsigned bytes = fd ? 64 : 8;
    const auto length = static_cast<uint16_t>(1 + rng() % 64);
    const bool big = rng() % 2 == 0;
    const bool is_signed = rng() % 2 == 0;
    uint16_t start = 0;
    if (big) {  // the MSB must leave room for `length` bits before the end
      const unsigned first = static_cast<unsigned>(rng() % (8 * bytes - length + 1));
      start = static_cast<uint16_t>(8 * (first / 8) + 7 - first % 8);
    } else {
      start = static_cast<uint16_t>(rng() % (8 * bytes - length + 1));
    }
    const Signal signal =
        make_signal("s", start, length, big ? ByteOrder::kBigEndian : ByteOrder::kLittleEndian,
                    is_signed ? ValueType::kSigned : ValueType::kUnsigned);
    Decoder decoder = one_message(make_message(0x7FF, {signal}, static_cast<uint16_t>(bytes)));
    std::vector<uint8_t> data(rng() % (bytes + 1));
    for (uint8_t& byte : data) {
      byte = static_cast<uint8_t>(rng());
    }
    const CanFrame frame = make_frame(0x7FF, data);
    const auto expected = reference_raw(signal, frame.data, frame.len);
    auto values = decode_by_name(decoder, frame);
    ASSERT_EQ(values.size(), expected ? 1u : 0u) << "start " << start << " length " << length;
    if (!expected) {
      continue;
    }
    uint64_t want = *expected;
    if (is_signed && length < 64 && ((want >> (length - 1)) & 1u) != 0) {
      want |= ~uint64_t{0} << length;
    }
    EXPECT_EQ(values["s"].value.u64, want)
        << "start " << start << " length " << length << (big ? " motorola" : " intel");
  }
}

TEST(DecoderDeathTest, AbortsWhenOutIsTooSmall) {
  Database db;
  db.messages.push_back(make_message(0x10, {make_signal("a", 0, 8), make_signal("b", 8, 8)}));
  Decoder decoder = compile_or_die({db});
  std::vector<Sample> out(1);
  EXPECT_DEATH(decoder.decode(make_frame(0x10, {1, 2}), out), "max_samples_per_frame");
}

}  // namespace
}  // namespace autograph::can
