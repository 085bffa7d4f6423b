#include "pipeline/reactor.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "autograph/signing/envelope_verifier.hpp"
#include "kona_pipeline.hpp"
#include "pipeline_test_support.hpp"

namespace autograph::pipeline {
namespace {

using namespace std::chrono_literals;

// Blocks the reactor's signals in this thread for the test (threads started here inherit it)
// and restores the old mask afterwards.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockedSignals() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

struct RunningReactor {
  const signing::SecretKey key = testing::test_key();
  BoundedQueue<OutgoingBatch> queue{1024};
  std::unique_ptr<FramePipeline> pipeline;
  std::atomic<int> reloads{0};
  std::atomic<int> statuses{0};
  int reload_fd = -1;

  Reactor make(std::chrono::milliseconds status_interval) {
    testing::KonaVehicle kona = testing::load_kona();
    pipeline = std::make_unique<FramePipeline>(std::move(kona.decoder), std::move(kona.normaliser),
                                               key, "boot1", queue);
    testing::apply(*pipeline, testing::two_grantee_policy());
    std::vector<std::unique_ptr<FrameSource>> sources;
    sources.push_back(testing::kona_replayer(1.0));  // real time: 10.8 s
    ReactorOptions options;
    options.status_interval = status_interval;
    options.on_reload = [this] { ++reloads; };
    options.on_status = [this] { ++statuses; };
    options.reload_fd = reload_fd;
    return std::move(Reactor::create(*pipeline, std::move(sources), options).value());
  }
};

TEST(Reactor, SigtermMidReplayClosesAndSignsTheOpenBatchesAndReturns) {
  BlockedSignals blocked;
  RunningReactor setup;
  Reactor reactor = setup.make(60'000ms);
  std::promise<bool> done;
  std::future<bool> finished = done.get_future();
  std::thread thread([&] { done.set_value(reactor.run().has_value()); });
  std::this_thread::sleep_for(1500ms);  // some frames in, the 2 s batches still open
  ::kill(::getpid(), SIGTERM);
  const bool stopped = finished.wait_for(2s) == std::future_status::ready;
  if (!stopped) {
    ::kill(::getpid(), SIGTERM);  // a second chance so the test can end and report
  }
  thread.join();
  ASSERT_TRUE(stopped) << "run() did not return within 2 s of SIGTERM";
  ASSERT_TRUE(finished.get());

  EXPECT_FALSE(reactor.sources()[0]->finished()) << "stopped mid-replay";
  EXPECT_GT(setup.pipeline->counters().frames, 0u);
  for (size_t i = 0; i < setup.pipeline->stream_count(); ++i) {
    EXPECT_TRUE(setup.pipeline->stream(i).empty()) << setup.pipeline->stream(i).name();
  }
  // Both streams got a signed batch although neither had reached its interval or size.
  std::map<std::string, int> batches;
  std::map<std::string, uint64_t> last_samples;
  OutgoingBatch out;
  while (setup.queue.try_pop(out)) {
    EXPECT_TRUE(signing::verify_envelope(out.batch.envelope, {}).has_value());
    ++batches[out.stream];
    last_samples[out.stream] = out.samples;
  }
  EXPECT_EQ(batches["insurer"], 1) << "its 2 s interval had not passed";
  EXPECT_GE(batches["fleet"], 1);
  EXPECT_GT(last_samples["fleet"], 0u);
  EXPECT_LT(last_samples["fleet"], 50u) << "the last fleet batch was closed before it was full";
}

TEST(Reactor, SighupCallsReloadAndTheStatusTimerFires) {
  BlockedSignals blocked;
  RunningReactor setup;
  Reactor reactor = setup.make(100ms);
  std::thread thread([&] { EXPECT_TRUE(reactor.run().has_value()); });
  std::this_thread::sleep_for(300ms);
  ::kill(::getpid(), SIGHUP);
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (setup.reloads.load() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  ::kill(::getpid(), SIGINT);
  thread.join();
  EXPECT_EQ(setup.reloads.load(), 1);
  EXPECT_GE(setup.statuses.load(), 2);
}

// The publisher thread's wake-up after installing a policy from the policy topic.
TEST(Reactor, AWriteToTheReloadEventfdCallsReloadOnce) {
  BlockedSignals blocked;
  RunningReactor setup;
  setup.reload_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ASSERT_GE(setup.reload_fd, 0);
  Reactor reactor = setup.make(60'000ms);
  std::thread thread([&] { EXPECT_TRUE(reactor.run().has_value()); });
  const uint64_t one = 1;
  ASSERT_EQ(::write(setup.reload_fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  const auto give_up = std::chrono::steady_clock::now() + 5s;
  while (setup.reloads.load() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(100ms);  // a readiness left uncleared would call it again
  ::kill(::getpid(), SIGINT);
  thread.join();
  EXPECT_EQ(setup.reloads.load(), 1);
  ::close(setup.reload_fd);
}

}  // namespace
}  // namespace autograph::pipeline
