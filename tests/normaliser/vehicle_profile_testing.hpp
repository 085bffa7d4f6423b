// Test helpers: the vehicle profiles in vehicles/ (DBCs per bus + mapping) with their captures.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "autograph/can/candump_reader.hpp"
#include "autograph/can/dbc_parser.hpp"
#include "normaliser/vss_mapping.hpp"

namespace autograph::normaliser {

struct VehicleProfile {
  std::string name;
  std::filesystem::path mapping;
  std::vector<std::vector<std::filesystem::path>> dbcs;  // by bus index: can0, can1
  std::filesystem::path capture;
};

inline std::vector<std::string> profile_bus_names(const VehicleProfile& profile) {
  std::vector<std::string> names;
  for (size_t i = 0; i < profile.dbcs.size(); ++i) {
    names.push_back("can" + std::to_string(i));
  }
  return names;
}

inline VehicleProfile kona_profile() {
  const std::filesystem::path dir =
      std::filesystem::path(AUTOGRAPH_SOURCE_DIR) / "vehicles" / "hyundai-kona-ev";
  return {"kona",
          dir / "mapping.json",
          {{dir / "vehicle.dbc"}, {dir / "vehicle.dbc", dir / "ccan.dbc"}},
          std::filesystem::path(AUTOGRAPH_TEST_DATA_DIR) / "hyundai-kona-ev" / "capture.log"};
}

inline VehicleProfile rav4_profile() {
  const std::filesystem::path dir =
      std::filesystem::path(AUTOGRAPH_SOURCE_DIR) / "vehicles" / "toyota-rav4";
  return {"rav4",
          dir / "mapping.json",
          {{dir / "vehicle.dbc"}, {dir / "radar.dbc"}},
          std::filesystem::path(AUTOGRAPH_TEST_DATA_DIR) / "toyota-rav4-comma2k19" / "capture.log"};
}

// The Ford DBC and capture live only in ../shared/data (the capture is GPL-3.0).
inline VehicleProfile ford_profile() {
  const std::filesystem::path shared =
      std::filesystem::path(AUTOGRAPH_SHARED_DATA_DIR) / "ford-mustang-gt350";
  return {"ford",
          std::filesystem::path(AUTOGRAPH_SOURCE_DIR) / "vehicles" / "ford-mustang-gt350" /
              "mapping.json",
          {{shared / "vehicle.dbc"}},
          shared / "capture.log"};
}

inline bool profile_available(const VehicleProfile& profile) {
  return std::filesystem::exists(profile.capture) && std::filesystem::exists(profile.dbcs[0][0]);
}

inline std::vector<can::Database> load_profile_databases(const VehicleProfile& profile) {
  std::vector<can::Database> buses;
  for (const auto& files : profile.dbcs) {
    can::Database bus;
    for (const auto& file : files) {
      auto db = can::load_dbc_file(file);
      if (!db) {
        ADD_FAILURE() << db.error().message();
        return {};
      }
      if (auto merged = can::merge_into(bus, std::move(*db)); !merged) {
        ADD_FAILURE() << merged.error().message();
        return {};
      }
    }
    buses.push_back(std::move(bus));
  }
  return buses;
}

inline std::vector<can::CanFrame> load_profile_frames(const VehicleProfile& profile) {
  std::vector<std::string> names = profile_bus_names(profile);
  auto reader = can::CandumpReader::open(profile.capture.string(), can::BusTable(names));
  std::vector<can::CanFrame> frames;
  if (!reader) {
    ADD_FAILURE() << reader.error().message();
    return frames;
  }
  can::CanFrame frame;
  for (auto more = reader->next(frame); more && *more; more = reader->next(frame)) {
    frames.push_back(frame);
  }
  return frames;
}

}  // namespace autograph::normaliser
