// Test helpers for decoding real captures: databases per bus, frames, reference lines.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "autograph/can/decoder.hpp"

namespace autograph::can {

// A capture folder and its DBC files per bus (index 0 = can0, 1 = can1; several merge).
struct CaptureCase {
  std::filesystem::path dir;
  std::vector<std::vector<std::string>> dbcs;
};

inline CaptureCase kona_case() {
  return {std::filesystem::path(AUTOGRAPH_TEST_DATA_DIR) / "hyundai-kona-ev",
          {{"vehicle.dbc"}, {"vehicle.dbc", "ccan.dbc"}}};
}
inline CaptureCase rav4_case() {
  return {std::filesystem::path(AUTOGRAPH_TEST_DATA_DIR) / "toyota-rav4-comma2k19",
          {{"vehicle.dbc"}, {"radar.dbc"}}};
}
inline CaptureCase ford_case() {
  return {std::filesystem::path(AUTOGRAPH_SHARED_DATA_DIR) / "ford-mustang-gt350",
          {{"vehicle.dbc"}}};
}

// The databases of every bus; an empty vector (with a test failure) when one does not load.
inline std::vector<Database> load_databases(const CaptureCase& capture) {
  std::vector<Database> buses;
  for (const auto& files : capture.dbcs) {
    Database bus;
    for (const std::string& file : files) {
      auto db = load_dbc_file(capture.dir / file);
      if (!db) {
        ADD_FAILURE() << db.error().message();
        return {};
      }
      if (auto merged = merge_into(bus, std::move(*db)); !merged) {
        ADD_FAILURE() << merged.error().message();
        return {};
      }
    }
    buses.push_back(std::move(bus));
  }
  return buses;
}

// Every frame of capture.log, buses numbered can0 = 0, can1 = 1.
inline std::vector<CanFrame> load_frames(const CaptureCase& capture) {
  auto reader =
      CandumpReader::open((capture.dir / "capture.log").string(), BusTable({"can0", "can1"}));
  std::vector<CanFrame> frames;
  if (!reader) {
    ADD_FAILURE() << reader.error().message();
    return frames;
  }
  CanFrame frame;
  for (auto more = reader->next(frame); more && *more; more = reader->next(frame)) {
    frames.push_back(frame);
  }
  return frames;
}

// The lines of `path`, decompressing it with xz when it ends in ".xz".
inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  if (path.extension() == ".xz") {
    const std::string command = "xz -dc '" + path.string() + "'";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
      ADD_FAILURE() << "cannot run " << command;
      return lines;
    }
    std::string line;
    for (int c = std::fgetc(pipe); c != EOF; c = std::fgetc(pipe)) {
      if (c == '\n') {
        lines.push_back(std::move(line));
        line.clear();
      } else {
        line += static_cast<char>(c);
      }
    }
    EXPECT_EQ(pclose(pipe), 0) << command;
    return lines;
  }
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

}  // namespace autograph::can
