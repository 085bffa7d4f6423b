// The few mbedTLS calls whose signatures differ between 2.28 (Debian 12) and 3.x, behind
// functions with one signature, so the rest of the TLS code builds unchanged on both.
#pragma once

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>

namespace autograph::tls {

// Initialises the crypto back end once per process where the version needs it (PSA in 3.x).
// Returns 0 or an mbedTLS error code.
int init_crypto_backend() noexcept;

// Refuses anything older than TLS 1.2 on `config`.
void set_minimum_tls12(mbedtls_ssl_config* config) noexcept;

// Parses an unencrypted private key file (PEM or DER). Returns 0 or an mbedTLS error code.
int parse_key_file(mbedtls_pk_context* key, const char* path,
                   mbedtls_ctr_drbg_context* rng) noexcept;

}  // namespace autograph::tls
