// Decoder on messages of every shape the fast path has a kernel for, and just beyond: p plain
// signals (unsigned, unscaled) and s scaled ones (signed integers, binary64), with p and s one
// past the largest kernel, so both the straight-line kernels and the loop kernel are checked
// against values computed here bit by bit.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "autograph/can/decoder.hpp"
#include "can/decoder_testing.hpp"

namespace autograph::can {
namespace {

constexpr unsigned kMaxPlain = 10;   // the largest kernel has 8 plain ops
constexpr unsigned kMaxScaled = 6;   // and 4 scaled ops
constexpr unsigned kPlainBits = 4;   // plain signal i: Intel bits 4i .. 4i+3
constexpr unsigned kScaledBits = 3;  // scaled signal j: Intel bits 40+3j .. 42+3j

uint32_t shape_id(unsigned plain, unsigned scaled) { return 0x100 + plain * 16 + scaled; }

// Scaled signals alternate: even j signed integers (factor 3, offset -2, exact), odd j
// binary64 (factor 0.25, offset 0.5).
Message shape_message(unsigned plain, unsigned scaled) {
  std::vector<Signal> signals;
  for (unsigned i = 0; i < plain; ++i) {
    signals.push_back(
        make_signal("p" + std::to_string(i), static_cast<uint16_t>(kPlainBits * i), kPlainBits));
  }
  for (unsigned j = 0; j < scaled; ++j) {
    const auto start = static_cast<uint16_t>(kMaxPlain * kPlainBits + kScaledBits * j);
    signals.push_back(j % 2 == 0
                          ? make_signal("s" + std::to_string(j), start, kScaledBits,
                                        ByteOrder::kLittleEndian, ValueType::kSigned, 3.0, -2.0)
                          : make_signal("s" + std::to_string(j), start, kScaledBits,
                                        ByteOrder::kLittleEndian, ValueType::kUnsigned, 0.25, 0.5));
  }
  return make_message(shape_id(plain, scaled), signals);
}

uint64_t bits(uint64_t word, unsigned start, unsigned length) {
  return (word >> start) & ((uint64_t{1} << length) - 1);
}

TEST(DecoderShapes, DecodesEveryKernelShapeAndTheLoopBeyond) {
  Database db;
  for (unsigned p = 0; p <= kMaxPlain; ++p) {
    for (unsigned s = 0; s <= kMaxScaled; ++s) {
      if (p + s != 0) {
        db.messages.push_back(shape_message(p, s));
      }
    }
  }
  Decoder decoder = compile_or_die({db});
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937_64 random(seed);
  for (int round = 0; round < 4; ++round) {
    const uint64_t word = random();
    std::vector<uint8_t> data(8);
    for (unsigned b = 0; b < 8; ++b) {
      data[b] = static_cast<uint8_t>(word >> (8 * b));
    }
    for (unsigned p = 0; p <= kMaxPlain; ++p) {
      for (unsigned s = 0; s <= kMaxScaled; ++s) {
        if (p + s == 0) {
          continue;
        }
        SCOPED_TRACE(::testing::Message() << "plain " << p << " scaled " << s);
        auto values = decode_by_name(decoder, make_frame(shape_id(p, s), data));
        ASSERT_EQ(values.size(), p + s);
        for (unsigned i = 0; i < p; ++i) {
          const Sample& sample = values.at("p" + std::to_string(i));
          EXPECT_EQ(sample.kind, SampleKind::kUnsigned);
          EXPECT_EQ(sample.value.u64, bits(word, kPlainBits * i, kPlainBits));
        }
        for (unsigned j = 0; j < s; ++j) {
          const Sample& sample = values.at("s" + std::to_string(j));
          const uint64_t raw = bits(word, kMaxPlain * kPlainBits + kScaledBits * j, kScaledBits);
          if (j % 2 == 0) {
            const int64_t extended = static_cast<int64_t>(raw) - (raw >= 4 ? 8 : 0);
            EXPECT_EQ(sample.kind, SampleKind::kSigned);
            EXPECT_EQ(sample.value.i64, extended * 3 - 2);
          } else {
            EXPECT_EQ(sample.kind, SampleKind::kFloat);
            EXPECT_EQ(sample.value.f64, static_cast<double>(raw) * 0.25 + 0.5);
          }
        }
      }
    }
  }
}

// The raw bits of `signal` in the 8 bytes of `data`, the DBC bit numbering walked one bit at a
// time: Intel from the start bit upwards, Motorola from the start bit (the MSB) down through
// each byte and on to the next byte's bit 7.
uint64_t reference_raw(const Signal& signal, const std::vector<uint8_t>& data) {
  const auto bit = [&](unsigned position) -> uint64_t {
    return (data[position / 8] >> (position % 8)) & 1u;
  };
  uint64_t raw = 0;
  unsigned position = signal.start_bit;
  for (unsigned i = 0; i < signal.length; ++i) {
    if (signal.byte_order == ByteOrder::kLittleEndian) {
      raw |= bit(signal.start_bit + i) << i;
    } else {
      raw = (raw << 1) | bit(position);
      position = position % 8 == 0 ? position + 15 : position - 1;
    }
  }
  return raw;
}

// A random signal within the first 8 bytes: Intel or Motorola, 1..24 bits (often within one
// byte, often across bytes), unsigned or signed.
Signal random_signal(std::mt19937_64& random, const std::string& name, ByteOrder order) {
  const auto length = static_cast<uint16_t>(1 + random() % (random() % 2 == 0 ? 8 : 24));
  const auto first = static_cast<unsigned>(random() % (64 - length + 1));  // LSB-first or MSB-first
  const uint16_t start = order == ByteOrder::kLittleEndian
                             ? static_cast<uint16_t>(first)
                             : static_cast<uint16_t>(8 * (first / 8) + 7 - first % 8);
  return make_signal(name, start, length, order,
                     random() % 3 == 0 ? ValueType::kSigned : ValueType::kUnsigned);
}

// Messages of 1..14 signals whose byte order is all Intel, all Motorola or mixed: the fast path
// reads one word per message (signals within one byte read from the message's word) and gives
// messages of mixed order their own loop, so each kind is checked against the bit walk above.
TEST(DecoderShapes, MatchesABitByBitReferenceInMessagesOfOneOrMixedByteOrders) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937_64 random(seed);
  for (int round = 0; round < 200; ++round) {
    Database db;
    for (uint32_t id = 0x10; id < 0x16; ++id) {
      const unsigned count = 1 + static_cast<unsigned>(random() % 14);
      const unsigned orders = static_cast<unsigned>(random() % 3);  // Intel, Motorola, mixed
      std::vector<Signal> signals;
      for (unsigned i = 0; i < count; ++i) {
        const bool big = orders == 2 ? random() % 2 == 0 : orders == 1;
        signals.push_back(random_signal(random, "m" + std::to_string(id) + "s" + std::to_string(i),
                                        big ? ByteOrder::kBigEndian : ByteOrder::kLittleEndian));
      }
      db.messages.push_back(make_message(id, signals));
    }
    Decoder decoder = compile_or_die({db});
    std::vector<uint8_t> data(8);
    for (uint8_t& byte : data) {
      byte = static_cast<uint8_t>(random());
    }
    for (const Message& message : db.messages) {
      auto values = decode_by_name(decoder, make_frame(message.id, data));
      ASSERT_EQ(values.size(), message.signals.size());
      for (const Signal& signal : message.signals) {
        uint64_t want = reference_raw(signal, data);
        if (signal.value_type == ValueType::kSigned && ((want >> (signal.length - 1)) & 1u) != 0) {
          want |= ~uint64_t{0} << signal.length;
        }
        EXPECT_EQ(values.at(signal.name).value.u64, want)
            << signal.name << " start " << signal.start_bit << " length " << signal.length
            << (signal.byte_order == ByteOrder::kBigEndian ? " motorola" : " intel");
      }
    }
  }
}

TEST(DecoderShapes, CountsUnknownIdentifiersBetweenKnownOnes) {
  Database db;
  db.messages.push_back(shape_message(3, 2));
  Decoder decoder = compile_or_die({db});
  std::vector<Sample> out(decoder.max_samples_per_frame());
  const std::vector<uint8_t> data(8, 0xA5);
  EXPECT_EQ(decoder.decode(make_frame(0x7FF, data), out), 0u);
  EXPECT_EQ(decoder.decode(make_frame(shape_id(3, 2), data), out), 5u);
  EXPECT_EQ(decoder.decode(make_frame(0x000, data), out), 0u);
  EXPECT_EQ(decoder.counters(0).unknown_id, 2u);
}

}  // namespace
}  // namespace autograph::can
