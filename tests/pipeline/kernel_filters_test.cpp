// Kernel filters from the policy, on the real Kona profile: policy -> VSS ids -> decoder
// signals -> (bus, CAN id).
#include "pipeline/kernel_filters.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "kona_pipeline.hpp"

namespace autograph::pipeline {
namespace {

policy::PolicyGate gate_for(const testing::KonaVehicle& kona, const policy::Policy& p) {
  Result<policy::PolicyGate> gate = policy::PolicyGate::compile(p, kona.normaliser.vss_paths());
  EXPECT_TRUE(gate.has_value()) << gate.error().message();
  return std::move(*gate);
}

policy::Policy only(std::vector<policy::SignalRule> rules) {
  policy::Policy p;
  p.version = 1;
  p.grantees.push_back(testing::grantee("g", std::move(rules), 10, 100));
  return p;
}

TEST(KernelFilters, SpeedOnlyPassesTheGatewayMessageOnItsBusAndNothingOnTheOther) {
  const testing::KonaVehicle kona = testing::load_kona();
  const policy::PolicyGate gate = gate_for(kona, only({testing::every("Vehicle.Speed", 1000)}));
  const std::vector<BusFilter> filters = kernel_filters(kona.decoder, kona.normaliser, gate, 2);
  ASSERT_EQ(filters.size(), 2u);
  EXPECT_EQ(filters[0].ids, std::vector<uint32_t>{0x450}) << "CGW_450 carries Speed on can0";
  EXPECT_FALSE(filters[0].receive_all);
  EXPECT_TRUE(filters[1].ids.empty()) << "no mapped speed on can1: no data frame passes";
  EXPECT_FALSE(filters[1].receive_all);
}

TEST(KernelFilters, WheelSpeedsComeFromTheSameMessageOnBothBusesListedOnce) {
  const testing::KonaVehicle kona = testing::load_kona();
  const policy::PolicyGate gate =
      gate_for(kona, only({testing::every("Vehicle.Chassis.Axle.Row1.Wheel.Left.Speed", 100),
                           testing::every("Vehicle.Chassis.Axle.Row1.Wheel.Right.Speed", 100)}));
  const std::vector<BusFilter> filters = kernel_filters(kona.decoder, kona.normaliser, gate, 2);
  EXPECT_EQ(filters[0].ids, std::vector<uint32_t>{0x386});
  EXPECT_EQ(filters[1].ids, std::vector<uint32_t>{0x386});
}

TEST(KernelFilters, EverythingMappedGivesSortedUniqueIdsOfMappedMessagesOnly) {
  const testing::KonaVehicle kona = testing::load_kona();
  const policy::PolicyGate gate = gate_for(kona, only({testing::every("Vehicle.*", 100)}));
  const std::vector<BusFilter> filters = kernel_filters(kona.decoder, kona.normaliser, gate, 2);
  size_t mapped_messages = 0;
  for (size_t bus = 0; bus < 2; ++bus) {
    const std::vector<uint32_t>& ids = filters[bus].ids;
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
    mapped_messages += ids.size();
    // Every id listed carries a signal the normaliser maps; a DBC message it doesn't map is out.
    for (uint32_t id : ids) {
      bool mapped = false;
      for (size_t s = 0; s < kona.decoder.signals().size(); ++s) {
        const can::SignalInfo& info = kona.decoder.signals()[s];
        mapped = mapped || (info.bus == bus && info.message_id == id &&
                            kona.normaliser.vss_id_of(s).has_value());
      }
      EXPECT_TRUE(mapped) << "bus " << bus << " id " << id;
    }
  }
  EXPECT_GT(mapped_messages, 2u);
  EXPECT_LT(filters[0].ids.size(), kona.decoder.signals().size());
}

TEST(KernelFilters, BusesBeyondTheCountAreLeftOut) {
  const testing::KonaVehicle kona = testing::load_kona();
  const policy::PolicyGate gate =
      gate_for(kona, only({testing::every("Vehicle.Chassis.Axle.Row1.Wheel.Left.Speed", 100)}));
  const std::vector<BusFilter> filters = kernel_filters(kona.decoder, kona.normaliser, gate, 1);
  ASSERT_EQ(filters.size(), 1u);
  EXPECT_EQ(filters[0].ids, std::vector<uint32_t>{0x386});
}

}  // namespace
}  // namespace autograph::pipeline
