// Test helpers for the decoder: hand-built signals, messages and frames.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/decoder.hpp"

namespace autograph::can {

inline Signal make_signal(std::string name, uint16_t start, uint16_t length,
                          ByteOrder order = ByteOrder::kLittleEndian,
                          ValueType type = ValueType::kUnsigned, double factor = 1.0,
                          double offset = 0.0) {
  Signal signal;
  signal.name = std::move(name);
  signal.start_bit = start;
  signal.length = length;
  signal.byte_order = order;
  signal.value_type = type;
  signal.factor = factor;
  signal.offset = offset;
  return signal;
}

inline Message make_message(uint32_t id, std::vector<Signal> signals, uint16_t length = 8) {
  Message message;
  message.id = id;
  message.name = "MSG_" + std::to_string(id & CanFrame::kEffMask);
  message.length = length;
  message.signals = std::move(signals);
  return message;
}

inline CanFrame make_frame(uint32_t id, std::vector<uint8_t> data, uint16_t bus = 0) {
  CanFrame frame;
  frame.id = id;
  frame.bus = bus;
  frame.len = static_cast<uint8_t>(data.size());
  frame.flags = data.size() > 8 ? CanFrame::kFd : 0;
  frame.t_ns = 123456789;
  if (!data.empty()) {  // memcpy from an empty vector's null data() is undefined
    std::memcpy(frame.data, data.data(), data.size());
  }
  return frame;
}

inline Decoder compile_or_die(std::vector<Database> buses, const SignalSelection& selection = {}) {
  auto decoder = Decoder::compile(buses, selection);
  EXPECT_TRUE(decoder.has_value()) << (decoder ? "" : decoder.error().message());
  return std::move(*decoder);
}

inline Decoder one_message(Message message) {
  Database db;
  db.messages.push_back(std::move(message));
  return compile_or_die({db});
}

// Decodes `frame` and returns name -> sample.
inline std::map<std::string, Sample> decode_by_name(Decoder& decoder, const CanFrame& frame) {
  std::vector<Sample> out(decoder.max_samples_per_frame());
  const size_t count = decoder.decode(frame, out);
  std::map<std::string, Sample> result;
  for (size_t i = 0; i < count; ++i) {
    EXPECT_EQ(out[i].t_ns, frame.t_ns);
    EXPECT_EQ(out[i].kind, decoder.signals()[out[i].signal].kind);
    result.emplace(decoder.signals()[out[i].signal].name, out[i]);
  }
  return result;
}

// A message with a multiplexor, two simple branches and a nested one:
// Mux (byte 0) selects A (1), B (2-3, 7) or Sub (4); Sub (byte 1) selects C (5).
inline Message multiplexed_message() {
  Signal mux = make_signal("Mux", 0, 8);
  mux.is_multiplexor = true;
  Signal always = make_signal("Always", 56, 8);
  Signal a = make_signal("A", 8, 8);
  a.multiplexor = 0;
  a.mux_values = {{1, 1}};
  Signal b = make_signal("B", 8, 16);
  b.multiplexor = 0;
  b.mux_values = {{2, 3}, {7, 7}};
  // Nested: Sub is selected by Mux = 4 and itself selects C (Sub = 5).
  Signal sub = make_signal("Sub", 8, 8);
  sub.multiplexor = 0;
  sub.mux_values = {{4, 4}};
  sub.is_multiplexor = true;
  Signal c = make_signal("C", 16, 8);
  c.multiplexor = 5;
  c.mux_values = {{5, 5}};
  // C comes before Sub in the file: the compiler must still run Sub first.
  return make_message(0x500, {mux, always, a, b, c, sub});
}

}  // namespace autograph::can
