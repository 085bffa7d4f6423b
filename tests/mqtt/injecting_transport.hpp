// InjectingTransport: wraps a real Transport and slips given bytes into what read() returns, to
// play a broker that sends malformed or unexpected packets. A fault injector only; everything
// else goes to the real connection.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "tls/transport.hpp"

namespace autograph::mqtt::testing {

class InjectingTransport final : public tls::Transport {
 public:
  explicit InjectingTransport(std::unique_ptr<tls::Transport> inner) : inner_(std::move(inner)) {}

  // The next read() on an open connection returns these bytes first.
  void inject(std::vector<uint8_t> bytes) { injected_ = std::move(bytes); }

  Result<void> open() override { return inner_->open(); }
  Result<bool> advance() override { return inner_->advance(); }
  Result<size_t> read(std::span<uint8_t> data) override {
    if (injected_.empty()) {
      return inner_->read(data);
    }
    const size_t n = std::min(data.size(), injected_.size());
    std::copy_n(injected_.begin(), n, data.begin());
    injected_.erase(injected_.begin(), injected_.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
  Result<size_t> write(std::span<const uint8_t> data) override { return inner_->write(data); }
  void close() noexcept override { inner_->close(); }
  int fd() const noexcept override { return inner_->fd(); }
  tls::Interest interest() const noexcept override { return inner_->interest(); }
  const std::string& peer() const noexcept override { return inner_->peer(); }

 private:
  std::unique_ptr<tls::Transport> inner_;
  std::vector<uint8_t> injected_;
};

}  // namespace autograph::mqtt::testing
