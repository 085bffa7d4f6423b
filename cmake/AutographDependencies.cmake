# Every dependency is a Debian -dev package; nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tl-expected REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
# sd_notify for autographd under systemd (Type=notify, watchdog).
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)

# mbedTLS 2.28 ships neither a CMake package nor a pkg-config file on Debian 12.
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
find_library(MBEDTLS_LIBRARY mbedtls REQUIRED)
find_library(MBEDX509_LIBRARY mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIBRARY mbedcrypto REQUIRED)
add_library(mbedtls_all INTERFACE)
target_include_directories(mbedtls_all SYSTEM INTERFACE ${MBEDTLS_INCLUDE_DIR})
target_link_libraries(mbedtls_all INTERFACE ${MBEDTLS_LIBRARY} ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY})

if(AUTOGRAPH_TESTS)
  find_package(GTest REQUIRED)
endif()
if(AUTOGRAPH_BENCH)
  find_package(benchmark REQUIRED)
endif()
