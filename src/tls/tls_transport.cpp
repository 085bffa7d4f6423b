#include "tls/tls_transport.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "autograph/check.hpp"
#include "tls/mbedtls_compat.hpp"
#include "tls/tcp_connector.hpp"
#include "tls/tls_errors.hpp"

namespace autograph::tls {

enum class Phase : uint8_t { kClosed, kTcpConnecting, kHandshaking, kOpen };

// The mbedTLS contexts point at each other, so they live together at a fixed address.
struct TlsTransport::State {
  State() {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_x509_crt_init(&ca);
    mbedtls_x509_crt_init(&cert);
    mbedtls_pk_init(&key);
    mbedtls_ssl_config_init(&config);
    mbedtls_ssl_init(&ssl);
  }
  ~State() {
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&config);
    mbedtls_pk_free(&key);
    mbedtls_x509_crt_free(&cert);
    mbedtls_x509_crt_free(&ca);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  TlsOptions options;
  std::string peer;
  bool has_client_cert = false;
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
  mbedtls_x509_crt ca;
  mbedtls_x509_crt cert;
  mbedtls_pk_context key;
  mbedtls_ssl_config config;
  mbedtls_ssl_context ssl;

  TcpConnector connector;
  int fd = -1;
  Phase phase = Phase::kClosed;
  Interest interest = Interest::kRead;
  size_t pending_write = 0;  // length of a write that returned WANT_WRITE; must be repeated
  int reset_error = 0;       // mbedtls_ssl_session_reset failure, reported by the next open()
};

namespace {

int send_callback(void* context, const unsigned char* data, size_t length) {
  const ssize_t sent = ::send(*static_cast<int*>(context), data, length, MSG_NOSIGNAL);
  if (sent >= 0) {
    return static_cast<int>(sent);
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    return MBEDTLS_ERR_SSL_WANT_WRITE;
  }
  return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
                                               : MBEDTLS_ERR_NET_SEND_FAILED;
}

int recv_callback(void* context, unsigned char* data, size_t length) {
  const ssize_t received = ::recv(*static_cast<int*>(context), data, length, 0);
  if (received >= 0) {
    return static_cast<int>(received);
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    return MBEDTLS_ERR_SSL_WANT_READ;
  }
  return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

// Parses PEM certificates from `pem` when it is not empty, else from the file at `path`. Returns
// mbedTLS's code (> 0: that many certificates failed to parse).
int parse_certificates(mbedtls_x509_crt* chain, const std::filesystem::path& path,
                       const std::string& pem) {
  if (pem.empty()) {
    return mbedtls_x509_crt_parse_file(chain, path.c_str());
  }
  // mbedTLS takes PEM only with the terminating NUL counted in the length.
  return mbedtls_x509_crt_parse(chain, reinterpret_cast<const unsigned char*>(pem.c_str()),
                                pem.size() + 1);
}

// Loads the CA bundle and the optional client certificate and key named in `options`.
Result<void> load_credentials(const TlsOptions& options, mbedtls_x509_crt* ca,
                              mbedtls_x509_crt* cert, mbedtls_pk_context* key,
                              mbedtls_ctr_drbg_context* drbg) {
  if (options.host.empty()) {
    return fail(ErrorCode::kFailedPrecondition, "TLS: a host name is required (it is verified)");
  }
  if (options.ca_file.empty() && options.ca_pem.empty()) {
    return fail(ErrorCode::kFailedPrecondition, "TLS: a CA file is required");
  }
  const std::string ca_name = options.ca_pem.empty() ? options.ca_file.string() : "inline CA";
  if (int rc = parse_certificates(ca, options.ca_file, options.ca_pem); rc != 0) {
    return fail(
        ErrorCode::kFailedPrecondition, "{}: cannot load CA certificates: {}", ca_name,
        rc > 0 ? fmt::format("{} certificates failed to parse", rc) : describe_mbedtls_error(rc));
  }
  const bool has_cert = !options.cert_file.empty() || !options.cert_pem.empty();
  if (has_cert == options.key_file.empty()) {
    return fail(ErrorCode::kFailedPrecondition,
                "TLS: a client certificate needs both cert_file and key_file (got '{}' and '{}')",
                options.cert_file.string(), options.key_file.string());
  }
  if (!has_cert) {
    return {};
  }
  if (int rc = parse_certificates(cert, options.cert_file, options.cert_pem); rc != 0) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot load client certificate: {}",
                options.cert_pem.empty() ? options.cert_file.string() : "inline certificate",
                describe_mbedtls_error(rc < 0 ? rc : -1));
  }
  if (int rc = parse_key_file(key, options.key_file.c_str(), drbg); rc != 0) {
    return fail(ErrorCode::kFailedPrecondition, "{}: cannot load client key: {}",
                options.key_file.string(), describe_mbedtls_error(rc));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<TlsTransport>> TlsTransport::create(const TlsOptions& options) {
  auto state = std::make_unique<State>();
  state->options = options;
  state->peer = fmt::format("{}:{}", options.host, options.port);
  if (int rc = init_crypto_backend(); rc != 0) {
    return fail(ErrorCode::kInternal, "TLS: crypto initialisation: {}", describe_mbedtls_error(rc));
  }
  static constexpr unsigned char kPersonalisation[] = "autograph-tls";
  if (int rc = mbedtls_ctr_drbg_seed(&state->drbg, mbedtls_entropy_func, &state->entropy,
                                     kPersonalisation, sizeof(kPersonalisation) - 1);
      rc != 0) {
    return fail(ErrorCode::kInternal, "TLS: seeding the random generator: {}",
                describe_mbedtls_error(rc));
  }
  if (auto loaded = load_credentials(options, &state->ca, &state->cert, &state->key, &state->drbg);
      !loaded) {
    return tl::unexpected(loaded.error());
  }
  state->has_client_cert = !options.cert_file.empty() || !options.cert_pem.empty();
  mbedtls_ssl_config* config = &state->config;
  if (int rc = mbedtls_ssl_config_defaults(
          config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
      rc != 0) {
    return fail(ErrorCode::kInternal, "TLS: configuration defaults: {}",
                describe_mbedtls_error(rc));
  }
  // Fixed, not an option: an unverified server could be anyone on the cellular path.
  mbedtls_ssl_conf_authmode(config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(config, &state->ca, nullptr);
  mbedtls_ssl_conf_rng(config, mbedtls_ctr_drbg_random, &state->drbg);
  set_minimum_tls12(config);
  if (state->has_client_cert) {
    if (int rc = mbedtls_ssl_conf_own_cert(config, &state->cert, &state->key); rc != 0) {
      return fail(ErrorCode::kFailedPrecondition, "{}: client certificate and key: {}",
                  options.cert_file.string(), describe_mbedtls_error(rc));
    }
  }
  if (int rc = mbedtls_ssl_setup(&state->ssl, config); rc != 0) {
    return fail(ErrorCode::kInternal, "TLS: setup: {}", describe_mbedtls_error(rc));
  }
  mbedtls_ssl_set_bio(&state->ssl, &state->fd, send_callback, recv_callback, nullptr);
  return std::unique_ptr<TlsTransport>(new TlsTransport(std::move(state)));
}

TlsTransport::TlsTransport(std::unique_ptr<State> state) : state_(std::move(state)) {}

TlsTransport::~TlsTransport() { close(); }

Result<void> TlsTransport::open() {
  close();
  if (state_->reset_error != 0) {
    return fail(ErrorCode::kInternal, "{}: TLS session reset: {}", state_->peer,
                describe_mbedtls_error(state_->reset_error));
  }
  if (int rc = mbedtls_ssl_set_hostname(&state_->ssl, state_->options.host.c_str()); rc != 0) {
    return fail(ErrorCode::kFailedPrecondition, "{}: host name for verification: {}", state_->peer,
                describe_mbedtls_error(rc));
  }
  if (auto started = state_->connector.start(state_->options.host, state_->options.port);
      !started) {
    return started;
  }
  state_->phase = Phase::kTcpConnecting;
  state_->interest = Interest::kWrite;
  return {};
}

Result<bool> TlsTransport::advance() {
  if (state_->phase == Phase::kOpen) {
    return true;
  }
  if (state_->phase == Phase::kTcpConnecting) {
    auto connected = state_->connector.advance();
    if (!connected || !*connected) {
      state_->interest = Interest::kWrite;
      if (!connected) {
        close();
      }
      return connected;
    }
    state_->fd = state_->connector.release();
    state_->phase = Phase::kHandshaking;
  }
  if (state_->phase == Phase::kHandshaking) {
    return handshake();
  }
  return fail(ErrorCode::kFailedPrecondition, "{}: advance() without open()", state_->peer);
}

Result<bool> TlsTransport::handshake() {
  const int rc = mbedtls_ssl_handshake(&state_->ssl);
  if (rc == 0) {
    state_->phase = Phase::kOpen;
    state_->interest = Interest::kRead;
    return true;
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    state_->interest = rc == MBEDTLS_ERR_SSL_WANT_READ ? Interest::kRead : Interest::kWrite;
    return false;
  }
  Error error = handshake_error(rc);
  close();
  return tl::unexpected(std::move(error));
}

Error TlsTransport::handshake_error(int code) const {
  const std::string& peer = state_->peer;
  if (code == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    const uint32_t flags = mbedtls_ssl_get_verify_result(&state_->ssl);
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("{}: server certificate refused: {} ({})", peer,
                             describe_verify_flags(flags), describe_mbedtls_error(code)));
  }
  const char* hint = state_->has_client_cert
                         ? "the server may not accept this client certificate"
                         : "the server may require a client certificate, and none is configured";
  if (code == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("{}: TLS handshake refused by the server with a fatal alert; {} ({})",
                             peer, hint, describe_mbedtls_error(code)));
  }
  if (code == MBEDTLS_ERR_NET_CONN_RESET || code == MBEDTLS_ERR_SSL_CONN_EOF) {
    return Error(
        ErrorCode::kUnavailable,
        fmt::format("{}: connection closed by the server during the TLS handshake; {} ({})", peer,
                    hint, describe_mbedtls_error(code)));
  }
  return Error(ErrorCode::kUnavailable,
               fmt::format("{}: TLS handshake failed: {}", peer, describe_mbedtls_error(code)));
}

Result<size_t> TlsTransport::read(std::span<uint8_t> data) {
  if (state_->phase != Phase::kOpen) {
    return fail(ErrorCode::kFailedPrecondition, "{}: read before the TLS session is up",
                state_->peer);
  }
  const int rc = mbedtls_ssl_read(&state_->ssl, data.data(), data.size());
  if (rc > 0) {
    return static_cast<size_t>(rc);
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    state_->interest = rc == MBEDTLS_ERR_SSL_WANT_READ ? Interest::kRead : Interest::kWrite;
    return size_t{0};
  }
  close();
  if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    return fail(ErrorCode::kUnavailable, "{}: connection closed by the server", state_->peer);
  }
  return fail(ErrorCode::kUnavailable, "{}: TLS read: {}", state_->peer,
              describe_mbedtls_error(rc));
}

Result<size_t> TlsTransport::write(std::span<const uint8_t> data) {
  if (state_->phase != Phase::kOpen) {
    return fail(ErrorCode::kFailedPrecondition, "{}: write before the TLS session is up",
                state_->peer);
  }
  AG_CHECK(data.size() >= state_->pending_write, "write() must repeat the bytes of a retry");
  const size_t length =
      state_->pending_write > 0 ? state_->pending_write : std::min<size_t>(data.size(), 16384);
  const int rc = mbedtls_ssl_write(&state_->ssl, data.data(), length);
  if (rc > 0) {
    state_->pending_write = 0;
    return static_cast<size_t>(rc);
  }
  if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
    state_->pending_write = length;
    state_->interest = rc == MBEDTLS_ERR_SSL_WANT_READ ? Interest::kRead : Interest::kWrite;
    return size_t{0};
  }
  close();
  return fail(ErrorCode::kUnavailable, "{}: TLS write: {}", state_->peer,
              describe_mbedtls_error(rc));
}

void TlsTransport::close() noexcept {
  if (state_->phase == Phase::kOpen) {
    // Best effort: the socket is non-blocking and closing anyway, so a WANT_WRITE is ignored.
    (void)mbedtls_ssl_close_notify(&state_->ssl);
  }
  if (state_->fd >= 0) {
    (void)::close(state_->fd);  // the connection is over either way
    state_->fd = -1;
  }
  state_->connector.reset();
  if (state_->phase != Phase::kClosed) {
    state_->reset_error = mbedtls_ssl_session_reset(&state_->ssl);
  }
  state_->phase = Phase::kClosed;
  state_->pending_write = 0;
}

int TlsTransport::fd() const noexcept {
  return state_->phase == Phase::kTcpConnecting ? state_->connector.fd() : state_->fd;
}

Interest TlsTransport::interest() const noexcept { return state_->interest; }

const std::string& TlsTransport::peer() const noexcept { return state_->peer; }

}  // namespace autograph::tls
