// `autograph watch --ca FILE --topic FILTER... [--host H] [--port P] [--device 0x..] [--jsonl]
// [--count N] [--timeout S]`: subscribes with our own MQTT client over TLS and checks every
// message as a grantee would (signature, then the chain of its stream), printing a table per
// batch or one JSON line per message.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_logger.hpp"
#include "cli/commands.hpp"
#include "cli/watch_checker.hpp"
#include "cli/watch_output.hpp"
#include "mqtt/clock.hpp"
#include "mqtt/session.hpp"
#include "tls/tls_transport.hpp"

namespace autograph::cli {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int kExitTimeout = 3;  // --timeout passed before --count messages arrived

struct WatchOptions {
  std::string host = "localhost";
  uint16_t port = 8883;
  std::string ca;
  std::string cert;
  std::string key;
  std::vector<std::string> topics;
  std::string device;
  std::string mapping;
  std::string client_id;
  bool jsonl = false;
  size_t count = 0;      // 0: no limit
  double timeout_s = 0;  // 0: no limit
};

// Set from the signal handler; the loop notices it within one poll interval.
volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int signal) { g_stop_signal = signal; }

void install_stop_handlers() {
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

Result<std::unique_ptr<mqtt::Session>> make_session(const WatchOptions& options,
                                                    const mqtt::Clock& clock,
                                                    mqtt::SessionCallbacks callbacks) {
  tls::TlsOptions tls;
  tls.host = options.host;
  tls.port = options.port;
  tls.ca_file = options.ca;
  tls.cert_file = options.cert;
  tls.key_file = options.key;
  auto transport = tls::TlsTransport::create(tls);
  if (!transport) {
    return tl::unexpected(transport.error());
  }
  mqtt::SessionOptions session;
  session.client_id =
      options.client_id.empty() ? fmt::format("autograph-watch-{}", ::getpid()) : options.client_id;
  // A watcher is a passer-by: the broker keeps nothing for it once it leaves.
  session.clean_session = true;
  session.keep_alive = std::chrono::seconds(30);
  session.backoff = {milliseconds(200), milliseconds(5000)};
  auto made = std::make_unique<mqtt::Session>(std::move(session), std::move(*transport), clock,
                                              std::move(callbacks));
  for (const std::string& topic : options.topics) {
    auto subscribed = made->subscribe(topic, 1);
    if (!subscribed) {
      return fail(ErrorCode::kMalformed, "--topic {}: {}", printable(topic),
                  subscribed.error().message());
    }
  }
  return made;
}

// Runs the session until --count messages, --timeout, or SIGINT/SIGTERM. Returns true on
// timeout.
bool run_session(mqtt::Session& session, const WatchOptions& options, const WatchChecker& checker) {
  std::optional<steady_clock::time_point> deadline;
  if (options.timeout_s > 0) {
    deadline = steady_clock::now() + std::chrono::duration_cast<steady_clock::duration>(
                                         std::chrono::duration<double>(options.timeout_s));
  }
  session.start();
  while (g_stop_signal == 0) {
    if (options.count > 0 && checker.messages() >= options.count) {
      return false;
    }
    if (deadline && steady_clock::now() >= *deadline) {
      return true;
    }
    session.run_once(milliseconds(100));
  }
  return false;
}

void stop_session(mqtt::Session& session) {
  session.disconnect();
  const auto give_up = steady_clock::now() + milliseconds(1000);
  while (session.state() != mqtt::SessionState::kStopped && steady_clock::now() < give_up) {
    session.run_once(milliseconds(20));
  }
}

int run_watch(const WatchOptions& options) {
  // A year is more than anyone waits, and keeps the deadline arithmetic far from overflow.
  if (!(options.timeout_s >= 0 && options.timeout_s <= 365.0 * 86'400)) {
    fmt::print(stderr, "autograph watch: --timeout {}: not 0..31536000 seconds\n",
               options.timeout_s);
    return kExitUsage;
  }
  std::optional<signing::Address> expected;
  if (!options.device.empty()) {
    auto parsed = signing::Address::parse(options.device);
    if (!parsed) {
      fmt::print(stderr, "autograph watch: --device: {}\n", parsed.error());
      return kExitUsage;
    }
    expected = *parsed;
  }
  VssUnits units;
  if (!options.mapping.empty()) {
    auto loaded = load_vss_units(options.mapping);
    if (!loaded) {
      fmt::print(stderr, "autograph watch: --mapping: {}\n", loaded.error());
      return kExitUsage;
    }
    units = std::move(*loaded);
  }
  WatchChecker checker(expected);
  mqtt::SteadyClock clock;
  mqtt::SessionCallbacks callbacks;
  callbacks.on_message = [&](const mqtt::PublishPacket& packet) {
    const std::string_view payload(reinterpret_cast<const char*>(packet.payload.data()),
                                   packet.payload.size());
    const CheckedMessage message = checker.check(payload);
    const std::string text = options.jsonl ? format_watch_jsonl(packet.topic, message)
                                           : format_watch_table(packet.topic, message, units);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  };
  auto session = make_session(options, clock, std::move(callbacks));
  if (!session) {
    fmt::print(stderr, "autograph watch: {}\n", session.error());
    return kExitUsage;
  }
  install_stop_handlers();
  const bool timed_out = run_session(**session, options, checker);
  stop_session(**session);
  if (checker.failures() > 0) {
    fmt::print(stderr, "autograph watch: {} of {} messages failed verification or their chain\n",
               checker.failures(), checker.messages());
    return kExitFailure;
  }
  if (timed_out) {
    const auto& last_error = (*session)->last_error();
    fmt::print(stderr, "autograph watch: timed out after {} s with {} of {} messages{}{}\n",
               options.timeout_s, checker.messages(), options.count,
               last_error ? "; last connection error: " : "",
               last_error ? last_error->message() : "");
    return kExitTimeout;
  }
  return kExitOk;
}

}  // namespace

void add_watch_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<WatchOptions>();
  CLI::App* watch = app.add_subcommand(
      "watch",
      "subscribe over MQTT-TLS and verify every batch (signature and chain) as a grantee would; "
      "exit 0 after --count messages, 1 if any failed, 3 on --timeout");
  watch->add_option("--host", options->host, "broker host name (the name its certificate carries)")
      ->capture_default_str();
  watch->add_option("--port", options->port, "broker port")->capture_default_str();
  watch->add_option("--ca", options->ca, "CA file (PEM) the broker's certificate chains to")
      ->required();
  watch->add_option("--cert", options->cert, "client certificate (PEM), for mutual TLS");
  watch->add_option("--key", options->key, "client certificate's private key");
  watch->add_option("--topic", options->topics, "topic filter to subscribe to (repeatable)")
      ->required();
  watch->add_option("--device", options->device, "expected signer address (0x...)");
  watch->add_option("--mapping", options->mapping, "vehicle mapping file, to show units");
  watch->add_option("--client-id", options->client_id, "MQTT client id")
      ->default_str("autograph-watch-<pid>");
  watch->add_flag("--jsonl", options->jsonl, "one JSON line per message instead of tables");
  watch->add_option("--count", options->count,
                    "stop after this many messages (duplicates not "
                    "counted)");
  watch->add_option("--timeout", options->timeout_s, "stop after this many seconds (exit 3)");
  watch->callback([options, &exit_code] { exit_code = run_watch(*options); });
}

}  // namespace autograph::cli
