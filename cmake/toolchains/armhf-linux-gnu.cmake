# 32-bit Arm boards with hardware floating point (armhf, ARMv7): Debian's arm-linux-gnueabihf
# cross compiler, qemu-arm for programs. Used by the cross-armhf preset; see debian-cross.cmake.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(AUTOGRAPH_TRIPLE arm-linux-gnueabihf)
set(AUTOGRAPH_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
