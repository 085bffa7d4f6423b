// TlsTransport: a Transport over TLS 1.2+ with mbedTLS, verifying the server always.
//
// The server's certificate must chain to the configured CA file and name the configured host
// (SNI is sent with the same name); verification is MBEDTLS_SSL_VERIFY_REQUIRED and no option
// turns it off. A client certificate and key are optional (mutual TLS). A failed set-up is an
// Error naming the peer and the reason in words: "localhost:8883: server certificate refused:
// expired certificate (X509 - Certificate verification failed (-0x2700))".
//
// Thread: owned and used by one thread (the publisher thread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "autograph/result.hpp"
#include "tls/transport.hpp"

namespace autograph::tls {

struct TlsOptions {
  // DNS name the server certificate must carry; also sent as SNI. mbedTLS 2.28 matches it
  // against DNS names only, so give a name, not an IP address.
  std::string host;
  uint16_t port = 8883;
  std::filesystem::path ca_file;    // PEM bundle of trusted CAs; required unless ca_pem is set
  std::filesystem::path cert_file;  // optional client certificate (PEM); needs key_file
  // The same as text ("-----BEGIN CERTIFICATE-----..."), as a policy may carry them inline;
  // when set they are used instead of ca_file / cert_file.
  std::string ca_pem;
  std::string cert_pem;
  std::filesystem::path key_file;  // its private key, unencrypted (PEM or DER)
};

class TlsTransport final : public Transport {
 public:
  // Loads the CA, client certificate and key and seeds the random generator. kFailedPrecondition
  // for an empty host, naming the file when one is missing or unreadable, or for a certificate
  // without a key (or the reverse); kInternal when mbedTLS can't be initialised.
  [[nodiscard]] static Result<std::unique_ptr<TlsTransport>> create(const TlsOptions& options);

  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;
  ~TlsTransport() override;

  [[nodiscard]] Result<void> open() override;
  [[nodiscard]] Result<bool> advance() override;
  [[nodiscard]] Result<size_t> read(std::span<uint8_t> data) override;
  [[nodiscard]] Result<size_t> write(std::span<const uint8_t> data) override;
  void close() noexcept override;
  int fd() const noexcept override;
  Interest interest() const noexcept override;
  const std::string& peer() const noexcept override;

 private:
  struct State;
  explicit TlsTransport(std::unique_ptr<State> state);

  [[nodiscard]] Result<bool> handshake();
  Error handshake_error(int code) const;

  std::unique_ptr<State> state_;
};

}  // namespace autograph::tls
