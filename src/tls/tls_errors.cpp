#include "tls/tls_errors.hpp"

#include <fmt/format.h>
#include <mbedtls/error.h>
#include <mbedtls/x509.h>

#include <array>
#include <string_view>
#include <utility>

namespace autograph::tls {

std::string describe_verify_flags(uint32_t flags) {
  static constexpr std::array<std::pair<uint32_t, std::string_view>, 14> kReasons = {{
      {MBEDTLS_X509_BADCERT_EXPIRED, "expired certificate"},
      {MBEDTLS_X509_BADCERT_FUTURE, "certificate not yet valid"},
      {MBEDTLS_X509_BADCERT_CN_MISMATCH, "host name mismatch"},
      {MBEDTLS_X509_BADCERT_NOT_TRUSTED,
       "unknown CA (not signed by a trusted certificate authority)"},
      {MBEDTLS_X509_BADCERT_REVOKED, "certificate revoked"},
      {MBEDTLS_X509_BADCERT_MISSING, "no certificate"},
      {MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification skipped"},
      {MBEDTLS_X509_BADCERT_KEY_USAGE, "key usage does not allow this use"},
      {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "extended key usage does not allow TLS server use"},
      {MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "certificate type does not allow this use"},
      {MBEDTLS_X509_BADCERT_BAD_MD, "signed with an unacceptable hash"},
      {MBEDTLS_X509_BADCERT_BAD_PK, "unacceptable public key algorithm"},
      {MBEDTLS_X509_BADCERT_BAD_KEY, "key too short"},
      {MBEDTLS_X509_BADCERT_OTHER, "other verification failure"},
  }};
  std::string words;
  uint32_t known = 0;
  for (const auto& [flag, reason] : kReasons) {
    if ((flags & flag) != 0) {
      words += words.empty() ? "" : ", ";
      words += reason;
      known |= flag;
    }
  }
  if ((flags & ~known) != 0) {
    words += fmt::format("{}flags 0x{:x}", words.empty() ? "" : ", ", flags & ~known);
  }
  return words.empty() ? std::string("no reason given") : words;
}

std::string describe_mbedtls_error(int code) {
  char text[160] = {};
  mbedtls_strerror(code, text, sizeof(text));
  return fmt::format("{} (-0x{:04x})", text, static_cast<unsigned>(-code));
}

}  // namespace autograph::tls
