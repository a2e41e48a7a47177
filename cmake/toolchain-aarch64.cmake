# Cross-compiling for 64-bit ARM on a Debian (amd64) host:
#   cmake -S . -B build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake
# Compiler: Debian's g++-aarch64-linux-gnu (its C library lives in
# /usr/aarch64-linux-gnu). Libraries: the :arm64 -dev packages installed
# through multiarch into /usr/lib/aarch64-linux-gnu; headers in /usr/include
# are shared by both architectures. tools/cross-build installs all of it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CAMMIO_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${CAMMIO_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${CAMMIO_CROSS_TRIPLE}-g++)
set(CMAKE_AR ${CAMMIO_CROSS_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${CAMMIO_CROSS_TRIPLE}-ranlib CACHE FILEPATH "")
set(CMAKE_STRIP ${CAMMIO_CROSS_TRIPLE}-strip CACHE FILEPATH "")

# find_library/find_path search <prefix>/lib/<arch> for this architecture
# only, so /usr/lib/x86_64-linux-gnu (the host's archives) is never picked.
set(CMAKE_LIBRARY_ARCHITECTURE ${CAMMIO_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${CAMMIO_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Lets try_run/ctest run target programs without binfmt_misc.
find_program(CAMMIO_QEMU_AARCH64 qemu-aarch64-static)
if(CAMMIO_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${CAMMIO_QEMU_AARCH64})
endif()
