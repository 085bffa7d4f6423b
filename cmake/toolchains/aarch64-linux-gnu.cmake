# 64-bit Arm boards (arm64): Debian's aarch64-linux-gnu cross compiler, qemu-aarch64 for tests.
# Used by the cross-arm64 preset; see debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(AUTOGRAPH_TRIPLE aarch64-linux-gnu)
set(AUTOGRAPH_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
