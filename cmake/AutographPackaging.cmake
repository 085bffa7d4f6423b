# The Debian package, one per architecture (CPack DEB). After a build of the release preset or a
# cross preset: `cpack --config build/<preset>/CPackConfig.cmake -B build/<preset>/deb`
# (scripts/build-deb does that and names the result). What it holds:
#   /usr/bin/autograph, /usr/sbin/autographd (when the tree has it)  the stripped binaries
#   /usr/lib/systemd/system/autograph.service (packaging/, when the tree has it) and the
#     drop-in autograph.service.d/device-key.conf that makes the device key on first start
#   /etc/autograph/config.json (a conffile: local edits survive upgrades)
#   /usr/share/autograph/vehicles/  the vehicle profiles the configuration names
# postinst creates the `autograph` system user and /var/lib/autograph (0700); the key is made
# on the device at the service's first start and never shipped.
option(AUTOGRAPH_PACKAGE "Install rules and CPack for the Debian package" ON)
if(NOT AUTOGRAPH_PACKAGE)
  return()
endif()

set(_packaging ${PROJECT_SOURCE_DIR}/packaging)
install(FILES ${_packaging}/config.json DESTINATION /etc/autograph)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/vehicles/ DESTINATION share/autograph/vehicles)
if(EXISTS ${_packaging}/autograph.service)
  install(FILES ${_packaging}/autograph.service DESTINATION lib/systemd/system)
  install(FILES ${_packaging}/device-key.conf
          DESTINATION lib/systemd/system/autograph.service.d)
endif()

# Debian names for the target architecture.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(_deb_arch arm64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^arm")
  set(_deb_arch armhf)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|amd64)$")
  set(_deb_arch amd64)
else()
  set(_deb_arch ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME autograph)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Reads a vehicle's CAN buses through SocketCAN, lets only what the owner's signed policy
allows through, signs every batch with a key that never leaves the device and publishes
the batches over MQTT-TLS.")
set(CPACK_PACKAGE_CONTACT "autograph maintainers <maintainers@autograph.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${_deb_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Written out rather than by dpkg-shlibdeps, which cannot read a cross sysroot without a dpkg
# database: every runtime library of cmake/AutographDependencies.cmake (the binaries may load
# fewer), adduser for postinst, procps for the unit's ExecReload (/bin/kill).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.36), libstdc++6 (>= 12), libgcc-s1, libfmt9, libspdlog1.10, libsecp256k1-1, \
libmbedtls14, libmbedx509-1, libmbedcrypto7, libsocketcan2, libsystemd0, adduser, procps")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_packaging}/conffiles ${_packaging}/postinst ${_packaging}/prerm ${_packaging}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
