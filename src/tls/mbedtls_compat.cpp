// The only file that knows which mbedTLS major version it builds against.
#include "tls/mbedtls_compat.hpp"

#include <mbedtls/version.h>

#if MBEDTLS_VERSION_MAJOR >= 3
#include <psa/crypto.h>
#endif

namespace autograph::tls {

int init_crypto_backend() noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3
  return psa_crypto_init() == PSA_SUCCESS ? 0 : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
#else
  return 0;
#endif
}

void set_minimum_tls12(mbedtls_ssl_config* config) noexcept {
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
  mbedtls_ssl_conf_min_tls_version(config, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(config, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

int parse_key_file(mbedtls_pk_context* key, const char* path,
                   mbedtls_ctr_drbg_context* rng) noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3
  return mbedtls_pk_parse_keyfile(key, path, nullptr, mbedtls_ctr_drbg_random, rng);
#else
  (void)rng;
  return mbedtls_pk_parse_keyfile(key, path, nullptr);
#endif
}

}  // namespace autograph::tls
