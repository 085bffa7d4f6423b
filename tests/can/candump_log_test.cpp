// Reading and writing candump log files: the real captures frame for frame and byte for byte,
// error reports naming file:line:column, skipping, buffer boundaries and I/O failures.
#include "autograph/can/candump_log.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "can/can_frame_testing.hpp"

namespace autograph::can {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

std::string temp_path(const std::string& name) {
  return testing::TempDir() + "candump_log_test_" + name;
}

std::string write_temp(const std::string& name, const std::string& contents) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

// What next() did, as text: "frame", "end" or the error message.
std::string next_of(CandumpReader& reader, CanFrame& frame) {
  Result<bool> got = reader.next(frame);
  if (!got.has_value()) {
    return got.error().message();
  }
  return *got ? "frame" : "end";
}

// Reads every frame; fails the test on any error.
std::vector<CanFrame> read_all(CandumpReader& reader) {
  std::vector<CanFrame> frames;
  CanFrame frame;
  for (;;) {
    Result<bool> got = reader.next(frame);
    EXPECT_TRUE(got.has_value()) << got.error().message();
    if (!got.has_value() || !*got) {
      return frames;
    }
    frames.push_back(frame);
  }
}

struct Capture {
  const char* path;
  size_t frames;
  std::vector<std::string> interfaces;
  size_t frames_on_first_bus;
};

const Capture kCaptures[] = {
    {AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev/capture.log", 39546, {"can0", "can1"}, 24263},
    {AUTOGRAPH_TEST_DATA_DIR "/toyota-rav4-comma2k19/capture.log", 78304, {"can0", "can1"}, 38275},
    {AUTOGRAPH_TEST_DATA_DIR "/hyundai-kona-ev/obd-capture.log", 1845, {"can1"}, 1845},
};

TEST(CandumpLog, ReadsRealCapturesAndWritesThemBackByteIdentical) {
  for (const Capture& capture : kCaptures) {
    SCOPED_TRACE(capture.path);
    Result<CandumpReader> reader = CandumpReader::open(capture.path);
    ASSERT_TRUE(reader.has_value()) << reader.error().message();
    const std::vector<CanFrame> frames = read_all(*reader);
    EXPECT_EQ(frames.size(), capture.frames);
    EXPECT_EQ(reader->interfaces(), capture.interfaces);
    EXPECT_EQ(reader->skipped(), 0u);
    size_t on_first_bus = 0;
    for (const CanFrame& frame : frames) {
      on_first_bus += frame.bus == 0 ? 1 : 0;
    }
    EXPECT_EQ(on_first_bus, capture.frames_on_first_bus);

    const std::string out = temp_path("roundtrip.log");
    Result<CandumpWriter> writer = CandumpWriter::create(out, reader->buses());
    ASSERT_TRUE(writer.has_value()) << writer.error().message();
    for (const CanFrame& frame : frames) {
      ASSERT_TRUE(writer->write(frame).has_value());
    }
    ASSERT_TRUE(writer->close().has_value());
    EXPECT_TRUE(read_file(out) == read_file(capture.path)) << "written file differs";
  }
}

TEST(CandumpLog, ReadsKonaCaptureTimestampsExactly) {
  Result<CandumpReader> reader = CandumpReader::open(kCaptures[0].path);
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  ASSERT_EQ(next_of(*reader, frame), "frame");
  EXPECT_EQ(frame.t_ns, 1953613500000u);  // (1953.613500) can0 109#000100FFFFFF0F3D
  EXPECT_EQ(frame.id, 0x109u);
  EXPECT_EQ(frame.data[7], 0x3D);
  EXPECT_EQ(reader->line_number(), 1u);
}

TEST(CandumpLog, SmallBufferReadsTheSameFramesAsTheDefault) {
  Result<CandumpReader> big = CandumpReader::open(kCaptures[1].path);
  Result<CandumpReader> small = CandumpReader::open(kCaptures[1].path, {}, {false, 256});
  ASSERT_TRUE(big.has_value() && small.has_value());
  const std::vector<CanFrame> expected = read_all(*big);
  const std::vector<CanFrame> got = read_all(*small);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_PRED2(same_frame, got[i], expected[i]) << "frame " << i;
  }
}

TEST(CandumpLog, MemoryInputReadsTheSameFramesAsTheFile) {
  const std::string text = read_file(kCaptures[0].path);
  CandumpReader memory = CandumpReader::from_memory(text, "kona");
  Result<CandumpReader> file = CandumpReader::open(kCaptures[0].path);
  ASSERT_TRUE(file.has_value());
  const std::vector<CanFrame> expected = read_all(*file);
  const std::vector<CanFrame> got = read_all(memory);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_PRED2(same_frame, got[i], expected[i]) << "frame " << i;
  }
  EXPECT_EQ(memory.interfaces(), file->interfaces());
}

TEST(CandumpLog, PresetBusTableKeepsIndicesStable) {
  Result<CandumpReader> reader = CandumpReader::open(kCaptures[2].path, BusTable({"can0", "can1"}));
  ASSERT_TRUE(reader.has_value());
  const std::vector<CanFrame> frames = read_all(*reader);
  ASSERT_EQ(frames.size(), 1845u);
  EXPECT_EQ(frames.front().bus, 1);
  EXPECT_EQ(reader->interfaces(), (std::vector<std::string>{"can0", "can1"}));
}

TEST(CandumpLog, EmptyFileHasNoFrames) {
  Result<CandumpReader> reader = CandumpReader::open(write_temp("empty.log", ""));
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  EXPECT_EQ(next_of(*reader, frame), "end");
  EXPECT_EQ(next_of(*reader, frame), "end");
  EXPECT_TRUE(reader->interfaces().empty());
  CandumpReader memory = CandumpReader::from_memory({}, "nothing");
  EXPECT_EQ(next_of(memory, frame), "end");
}

TEST(CandumpLog, SkipsCommentsBlankLinesAndReadsLastLineWithoutNewline) {
  const std::string text =
      "# recorded on the bench\r\n\r\n(1.000000) can0 123#11\r\n\n   \n(2.000000) can1 456#22";
  Result<CandumpReader> reader = CandumpReader::open(write_temp("comments.log", text));
  ASSERT_TRUE(reader.has_value());
  const std::vector<CanFrame> frames = read_all(*reader);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].id, 0x456u);
  EXPECT_EQ(frames[1].bus, 1);
  EXPECT_EQ(reader->line_number(), 6u);
}

TEST(CandumpLog, ErrorNamesFileLineAndColumnAndReadingGoesOn) {
  const std::string path = write_temp("capture.log",
                                      "(1.000000) can0 123#11\n"
                                      "# comment\n"
                                      "(2.000000) can0 123#112\n"
                                      "(3.000000) can0 800#\n"
                                      "(4.000000) can0 124#\n");
  Result<CandumpReader> reader = CandumpReader::open(path);
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  EXPECT_EQ(next_of(*reader, frame), "frame");
  Result<bool> got = reader->next(frame);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kMalformed);
  EXPECT_EQ(got.error().message(), path + ":3:24: data has odd number of hex digits");
  got = reader->next(frame);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), path + ":4:17: standard identifier above 7FF");
  EXPECT_EQ(next_of(*reader, frame), "frame");
  EXPECT_EQ(frame.id, 0x124u);
  EXPECT_EQ(next_of(*reader, frame), "end");
  EXPECT_EQ(reader->skipped(), 0u);
}

TEST(CandumpLog, SkipBadLinesCountsThemAndKeepsTheFirstError) {
  const std::string text =
      "(1.000000) can0 123#11\nnonsense\n(2.000000) can0 123#1\n(3.000000) can0 125#\n";
  CandumpReader reader = CandumpReader::from_memory(text, "mem.log", {}, {true, 256});
  const std::vector<CanFrame> frames = read_all(reader);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].id, 0x125u);
  EXPECT_EQ(reader.skipped(), 2u);
  EXPECT_EQ(reader.first_skipped(), "mem.log:2:1: expected '(' starting the timestamp");
}

TEST(CandumpLog, LineLongerThanTheBufferIsAnError) {
  const std::string text = "(1.000000) can0 123#11\n" + std::string(600, 'x') + "\n" +
                           std::string(300, 'y') + "\n(2.000000) can0 124#\n";
  const std::string path = write_temp("long.log", text);
  Result<CandumpReader> reader = CandumpReader::open(path, {}, {false, 256});
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  EXPECT_EQ(next_of(*reader, frame), "frame");
  Result<bool> got = reader->next(frame);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), path + ":2:1: line longer than the read buffer (256 bytes)");
  got = reader->next(frame);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().message(), path + ":3:1: line longer than the read buffer (256 bytes)");
  EXPECT_EQ(next_of(*reader, frame), "frame");
  EXPECT_EQ(frame.id, 0x124u);
  EXPECT_EQ(reader->line_number(), 4u);

  Result<CandumpReader> skipping = CandumpReader::open(path, {}, {true, 256});
  ASSERT_TRUE(skipping.has_value());
  EXPECT_EQ(read_all(*skipping).size(), 2u);
  EXPECT_EQ(skipping->skipped(), 2u);
  EXPECT_EQ(skipping->line_number(), 4u);
}

TEST(CandumpLog, LineThatFillsTheBufferWithItsNewlineIsRead) {
  const std::string line = "(1.000000) can0 123#";
  const std::string fits = std::string(255 - line.size(), ' ') + line + "\n";
  const std::string too_long = std::string(256 - line.size(), ' ') + line + "\n";
  const std::string path = write_temp("boundary.log", fits + too_long + fits);
  Result<CandumpReader> reader = CandumpReader::open(path, {}, {false, 256});
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  EXPECT_EQ(next_of(*reader, frame), "frame");
  EXPECT_EQ(next_of(*reader, frame), path + ":2:1: line longer than the read buffer (256 bytes)");
  EXPECT_EQ(next_of(*reader, frame), "frame");
  EXPECT_EQ(next_of(*reader, frame), "end");
}

TEST(CandumpLog, OverlongLastLineWithoutNewlineIsSkipped) {
  const std::string path =
      write_temp("longlast.log", "(1.000000) can0 123#\n" + std::string(700, 'z'));
  Result<CandumpReader> reader = CandumpReader::open(path, {}, {true, 256});
  ASSERT_TRUE(reader.has_value());
  EXPECT_EQ(read_all(*reader).size(), 1u);
  EXPECT_EQ(reader->skipped(), 1u);
}

TEST(CandumpLog, OpeningMissingFileIsUnavailable) {
  const std::string path = temp_path("does-not-exist.log");
  Result<CandumpReader> reader = CandumpReader::open(path);
  ASSERT_FALSE(reader.has_value());
  EXPECT_EQ(reader.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(reader.error().message(), path + ": cannot open: No such file or directory");
}

TEST(CandumpLog, ReadingADirectoryIsUnavailable) {
  Result<CandumpReader> reader = CandumpReader::open(testing::TempDir());
  ASSERT_TRUE(reader.has_value());
  CanFrame frame;
  Result<bool> got = reader->next(frame);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.error().message().find("read failed after line 0: Is a directory"),
            std::string::npos)
      << got.error().message();
}

TEST(CandumpLog, WriterNamesInterfacesAndReportsCreateFailure) {
  const std::string path = temp_path("written.log");
  Result<CandumpWriter> writer = CandumpWriter::create(path, BusTable({"can0", "can1"}));
  ASSERT_TRUE(writer.has_value());
  CanFrame frame;
  frame.id = 0x321;
  frame.bus = 1;
  frame.t_ns = 5'000'000'001;
  ASSERT_TRUE(writer->write(frame).has_value());
  ASSERT_TRUE(writer->write(frame, "vcan0").has_value());
  CandumpWriter moved = std::move(*writer);
  ASSERT_TRUE(moved.close().has_value());
  ASSERT_TRUE(moved.close().has_value());
  EXPECT_EQ(read_file(path), "(5.000000001) can1 321#\n(5.000000001) vcan0 321#\n");

  Result<CandumpWriter> bad = CandumpWriter::create(temp_path("no/such/dir.log"));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(bad.error().message().find("cannot create: No such file or directory"),
            std::string::npos);
}

TEST(CandumpLog, WriterReportsWriteFailure) {
  Result<CandumpWriter> writer = CandumpWriter::create("/dev/full");
  if (!writer.has_value()) {
    GTEST_SKIP() << "/dev/full not available: " << writer.error().message();
  }
  CanFrame frame;
  ASSERT_TRUE(writer->write(frame, "can0").has_value());
  Result<void> closed = writer->close();
  ASSERT_FALSE(closed.has_value());
  EXPECT_EQ(closed.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(closed.error().message(), "/dev/full: write failed: No space left on device");
}

TEST(CandumpLogDeathTest, ReaderAbortsOnTinyBuffer) {
  EXPECT_DEATH((void)CandumpReader::open(kCaptures[0].path, {}, {false, 255}),
               "buffer_size below 256");
}

TEST(CandumpLogDeathTest, WriterAbortsOnUnknownBusIndex) {
  const std::string path = temp_path("death.log");
  EXPECT_DEATH(
      {
        Result<CandumpWriter> writer = CandumpWriter::create(path, BusTable({"can0"}));
        CanFrame frame;
        frame.bus = 1;
        (void)writer->write(frame);
      },
      "index out of range");
}

}  // namespace
}  // namespace autograph::can
