# Shared part of the cross toolchain files: Debian's cross compilers (crossbuild-essential-*)
# against a Debian sysroot that holds the target's -dev packages (scripts/cross-build makes it
# with mmdebstrap, without `dpkg --add-architecture` on the build machine). The including file
# sets AUTOGRAPH_TRIPLE (e.g. aarch64-linux-gnu) and AUTOGRAPH_QEMU (qemu-aarch64).
#
# AUTOGRAPH_SYSROOT: the sysroot directory (the cross presets pass build/sysroot-<arch>).
# Libraries, headers, CMake packages and pkg-config files come only from the sysroot; programs
# (xz, node, mosquitto used by tests) from the build machine. Test programs run under qemu-user
# with the sysroot as their root for the dynamic linker and libraries (ctest and
# gtest_discover_tests use CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Linux)
if(NOT AUTOGRAPH_SYSROOT)
  message(FATAL_ERROR "AUTOGRAPH_SYSROOT is not set: scripts/cross-build makes the sysroot and "
                      "passes it (or -DAUTOGRAPH_SYSROOT=DIR)")
endif()
if(NOT EXISTS "${AUTOGRAPH_SYSROOT}/usr/lib/${AUTOGRAPH_TRIPLE}")
  message(FATAL_ERROR "${AUTOGRAPH_SYSROOT} is not a ${AUTOGRAPH_TRIPLE} sysroot: "
                      "run scripts/cross-build first")
endif()
# try_compile projects read this file again; they need the same sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AUTOGRAPH_SYSROOT AUTOGRAPH_TRIPLE AUTOGRAPH_QEMU)

set(CMAKE_C_COMPILER ${AUTOGRAPH_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${AUTOGRAPH_TRIPLE}-g++)
set(CMAKE_STRIP ${AUTOGRAPH_TRIPLE}-strip CACHE FILEPATH "strip for the target")
set(CMAKE_SYSROOT ${AUTOGRAPH_SYSROOT})
set(CMAKE_FIND_ROOT_PATH ${AUTOGRAPH_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (libsecp256k1, libsystemd): the target's .pc files, paths prefixed with the sysroot.
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${AUTOGRAPH_SYSROOT})
set(_pc_dirs "${AUTOGRAPH_SYSROOT}/usr/lib/${AUTOGRAPH_TRIPLE}/pkgconfig")
set(ENV{PKG_CONFIG_LIBDIR} "${_pc_dirs}:${AUTOGRAPH_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR ${AUTOGRAPH_QEMU} -L ${AUTOGRAPH_SYSROOT})
