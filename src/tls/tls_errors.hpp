// Words for mbedTLS failures: certificate verification flags and error codes, so that a refused
// connection says why ("certificate expired", "host name mismatch") rather than a number.
#pragma once

#include <cstdint>
#include <string>

namespace autograph::tls {

// The reasons set in `flags` (mbedtls_ssl_get_verify_result / mbedtls_x509_crt_verify), joined
// with ", ": "expired certificate", "host name mismatch", "unknown CA (not signed by a trusted
// certificate authority)", ... Unknown bits are named by their value.
std::string describe_verify_flags(uint32_t flags);

// mbedtls_strerror text and the code in hex: "X509 - Certificate verification failed (-0x2700)".
std::string describe_mbedtls_error(int code);

}  // namespace autograph::tls
