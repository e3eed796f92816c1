# CMake toolchain for the cross prebuilds (scripts/build-cross.js): zig cc
# for one target triple, e.g. aarch64-linux-gnu.2.17, x86_64-macos.11.0,
# aarch64-windows-gnu. BW_ZIG_CC/AR/RANLIB are wrapper scripts that run
# "zig cc -target <triple>" etc. (CMake wants one program path per tool).
# Outputs are stripped at link time; zig's Mach-O linker ad-hoc signs arm64.
foreach(v BW_ZIG_TARGET BW_ZIG_CC BW_ZIG_AR BW_ZIG_RANLIB)
  if(NOT ${v})
    message(FATAL_ERROR "Pass -D${v}=... (scripts/build-cross.js does)")
  endif()
endforeach()

if(BW_ZIG_TARGET MATCHES "-linux-")
  set(CMAKE_SYSTEM_NAME Linux)
elseif(BW_ZIG_TARGET MATCHES "-macos")
  set(CMAKE_SYSTEM_NAME Darwin)
elseif(BW_ZIG_TARGET MATCHES "-windows-")
  set(CMAKE_SYSTEM_NAME Windows)
else()
  message(FATAL_ERROR "Unknown zig target ${BW_ZIG_TARGET}")
endif()
if(BW_ZIG_TARGET MATCHES "^aarch64")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
else()
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
endif()

set(CMAKE_C_COMPILER "${BW_ZIG_CC}")
set(CMAKE_AR "${BW_ZIG_AR}" CACHE FILEPATH "zig ar")
set(CMAKE_RANLIB "${BW_ZIG_RANLIB}" CACHE FILEPATH "zig ranlib")
set(CMAKE_TRY_COMPILE_PLATFORM_VARIABLES BW_ZIG_TARGET BW_ZIG_CC BW_ZIG_AR BW_ZIG_RANLIB)
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-s")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-s")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-s")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
