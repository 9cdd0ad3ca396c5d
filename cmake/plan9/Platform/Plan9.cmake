# CMake's platform description for CMAKE_SYSTEM_NAME Plan9 (the toolchain file cmake/plan9-amd64.cmake
# puts this directory on CMAKE_MODULE_PATH). Plan 9 programs are static: no shared libraries,
# no executable suffix.
include(Platform/Generic)
