// ecu_simulator: OBD-II ECUs on a SocketCAN interface, for the tests in the QEMU guest.
//
//   ecu_simulator <interface> <scenario file>
//
// Each ECU n of the scenario (tests/obd/scenario.txt documents the format) listens for
// functional requests on 0x7DF and physical ones on 0x7E0 + n, and answers from 0x7E8 + n
// through a kernel ISO-TP socket (so multi-frame answers get real flow control). With the line
// "addressing 29bit" (tests/obd/scenario29.txt) every ECU has a 29-bit address xx ("ecu <n>
// address <hex>", default 0x10 + n): it listens on 0x18DB33F1 and 0x18DAxxF1 and answers from
// 0x18DAF1xx (ISO 15765-4 normal fixed addressing). It answers
// service 01 PIDs it has (several per request unless refuse-multi: then 7F 01 12), its bitmaps
// (computed from its PIDs), 09 02 with its VIN and 03 with its DTCs; it stays silent for what it
// does not have, as J1979 ECUs do. Every request it receives is printed as "rx <n> <hex>".
// Prints "ready" once every socket is bound; runs until SIGTERM or SIGINT.
#include <poll.h>
#include <signal.h>
#include <time.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "autograph/can/isotp_socket.hpp"

namespace {

using autograph::can::IsoTpOptions;
using autograph::can::IsoTpSocket;

struct Ecu {
  int index = 0;
  uint8_t address = 0;  // 29-bit only
  int delay_ms = 0;
  bool refuse_multi = false;
  bool silent = false;
  std::map<uint8_t, std::vector<uint8_t>> pids;
  std::string vin;
  std::vector<uint8_t> dtcs;  // two bytes per code
};

struct Pending {
  int64_t due_ms = 0;
  size_t ecu = 0;
  std::vector<uint8_t> payload;
};

volatile sig_atomic_t g_stop = 0;

int64_t now_ms() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1'000'000;
}

std::vector<uint8_t> hex_bytes(std::istringstream& in) {
  std::vector<uint8_t> out;
  std::string word;
  while (in >> word) {
    for (size_t i = 0; i + 2 <= word.size(); i += 2) {
      out.push_back(static_cast<uint8_t>(std::stoul(word.substr(i, 2), nullptr, 16)));
    }
  }
  return out;
}

struct Scenario {
  bool extended = false;  // 29-bit addressing
  std::vector<Ecu> ecus;
};

Scenario load(const char* path) {
  Scenario scenario;
  std::vector<Ecu>& ecus = scenario.ecus;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream in(line);
    std::string kind;
    int n = 0;
    if ((in >> kind) && kind == "addressing") {
      std::string bits;
      in >> bits;
      scenario.extended = bits == "29bit";
      continue;
    }
    if (kind.empty() || kind[0] == '#' || !(in >> n)) {
      continue;
    }
    if (kind == "ecu") {
      ecus.push_back(Ecu{});
      ecus.back().index = n;
      ecus.back().address = static_cast<uint8_t>(0x10 + n);
      std::string option;
      while (in >> option) {
        if (option == "delay") {
          in >> ecus.back().delay_ms;
        } else if (option == "address") {
          unsigned address = 0;
          in >> std::hex >> address >> std::dec;
          ecus.back().address = static_cast<uint8_t>(address);
        }
        ecus.back().refuse_multi |= option == "refuse-multi";
        ecus.back().silent |= option == "silent";
      }
      continue;
    }
    for (Ecu& ecu : ecus) {
      if (ecu.index != n) {
        continue;
      }
      if (kind == "pid") {
        const std::vector<uint8_t> bytes = hex_bytes(in);
        ecu.pids[bytes.at(0)].assign(bytes.begin() + 1, bytes.end());
      } else if (kind == "vin") {
        in >> ecu.vin;
      } else if (kind == "dtc") {
        ecu.dtcs = hex_bytes(in);
      }
    }
  }
  return scenario;
}

// The four bytes of bitmap `base` for `ecu`: its PIDs in (base, base + 0x20], plus the next
// bitmap's bit when it has PIDs beyond.
std::vector<uint8_t> bitmap(const Ecu& ecu, unsigned base) {
  std::vector<uint8_t> bits(4, 0);
  for (const auto& [pid, data] : ecu.pids) {
    if (pid > base && pid <= base + 0x20) {
      const unsigned bit = pid - base - 1;
      bits[bit / 8] = static_cast<uint8_t>(bits[bit / 8] | 0x80u >> (bit % 8));
    } else if (pid > base + 0x20) {
      bits[3] |= 0x01;
    }
  }
  return bits;
}

// The answer of `ecu` to `request`; empty when it stays silent.
std::vector<uint8_t> answer(const Ecu& ecu, const std::vector<uint8_t>& request) {
  if (request.empty()) {
    return {};
  }
  const uint8_t service = request[0];
  std::vector<uint8_t> out = {static_cast<uint8_t>(service + 0x40)};
  if (service == 0x01) {
    if (ecu.refuse_multi && request.size() > 2) {
      return {0x7F, 0x01, 0x12};
    }
    for (size_t i = 1; i < request.size(); ++i) {
      const uint8_t pid = request[i];
      if ((pid & 0x1F) == 0 && (pid == 0 || (bitmap(ecu, pid - 0x20u)[3] & 1) != 0)) {
        const std::vector<uint8_t> bits = bitmap(ecu, pid);
        out.push_back(pid);
        out.insert(out.end(), bits.begin(), bits.end());
      } else if (!ecu.silent && ecu.pids.count(pid) != 0) {
        out.push_back(pid);
        out.insert(out.end(), ecu.pids.at(pid).begin(), ecu.pids.at(pid).end());
      }
    }
    return out.size() > 1 ? out : std::vector<uint8_t>{};
  }
  if (service == 0x09 && request.size() == 2 && request[1] == 0x02 && !ecu.vin.empty()) {
    out.insert(out.end(), {0x02, 0x01});
    out.insert(out.end(), ecu.vin.begin(), ecu.vin.end());
    return out;
  }
  if (service == 0x03 && !ecu.silent) {
    out.push_back(static_cast<uint8_t>(ecu.dtcs.size() / 2));
    out.insert(out.end(), ecu.dtcs.begin(), ecu.dtcs.end());
    return out;
  }
  return {};
}

IsoTpSocket open_or_exit(const char* interface, uint32_t tx, uint32_t rx) {
  IsoTpOptions options;
  options.interface = interface;
  options.tx_id = tx;
  options.rx_id = rx;
  auto socket = IsoTpSocket::open(options);
  if (!socket) {
    std::fprintf(stderr, "ecu_simulator: %s\n", socket.error().message().c_str());
    std::exit(1);
  }
  return std::move(*socket);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: ecu_simulator <interface> <scenario file>\n");
    return 2;
  }
  const Scenario scenario = load(argv[2]);
  const std::vector<Ecu>& ecus = scenario.ecus;
  if (ecus.empty()) {
    std::fprintf(stderr, "ecu_simulator: no ECU in %s\n", argv[2]);
    return 2;
  }
  ::signal(SIGTERM, [](int) { g_stop = 1; });
  ::signal(SIGINT, [](int) { g_stop = 1; });
  // [2i]: functional listener of ECU i; [2i + 1]: its physical socket, which also answers.
  std::vector<IsoTpSocket> sockets;
  for (const Ecu& ecu : ecus) {
    if (scenario.extended) {
      constexpr uint32_t kEff = 0x80000000u;  // CAN_EFF_FLAG
      const uint32_t xx = ecu.address;
      sockets.push_back(open_or_exit(argv[1], kEff | 0x18DAF100u | xx, kEff | 0x18DB33F1u));
      sockets.push_back(
          open_or_exit(argv[1], kEff | 0x18DAF100u | xx, kEff | 0x18DA00F1u | xx << 8));
      continue;
    }
    const auto n = static_cast<uint32_t>(ecu.index);
    sockets.push_back(open_or_exit(argv[1], 0x7E8 + n, 0x7DF));
    sockets.push_back(open_or_exit(argv[1], 0x7E8 + n, 0x7E0 + n));
  }
  std::printf("ready\n");
  std::fflush(stdout);
  std::vector<Pending> pending;
  std::array<uint8_t, IsoTpSocket::kMaxMessageSize> buffer{};
  while (g_stop == 0) {
    std::vector<pollfd> fds;
    for (const IsoTpSocket& s : sockets) {
      fds.push_back(pollfd{s.fd(), POLLIN, 0});
    }
    poll(fds.data(), fds.size(), 5);
    for (size_t i = 0; i < sockets.size(); ++i) {
      const auto got = sockets[i].receive(buffer);
      if (!got || *got == 0) {
        continue;
      }
      const Ecu& ecu = ecus[i / 2];
      const std::vector<uint8_t> request(buffer.begin(), buffer.begin() + *got);
      std::printf("rx %d", ecu.index);
      for (const uint8_t b : request) {
        std::printf(" %02X", b);
      }
      std::printf("\n");
      std::fflush(stdout);
      std::vector<uint8_t> reply = answer(ecu, request);
      if (!reply.empty()) {
        pending.push_back(Pending{now_ms() + ecu.delay_ms, i / 2, std::move(reply)});
      }
    }
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->due_ms > now_ms()) {
        ++it;
        continue;
      }
      if (auto sent = sockets[2 * it->ecu + 1].send(it->payload); !sent) {
        std::printf("tx-error %s\n", sent.error().message().c_str());
        std::fflush(stdout);
      }
      it = pending.erase(it);
    }
  }
  return 0;
}
