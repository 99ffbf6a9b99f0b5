# Sanitizer and fuzzing builds (README "Fuzzing and sanitizers"), each in a build directory of
# its own next to the ordinary g++ one, configured with clang from Debian:
#
#   CC=clang CXX=clang++ cmake -S . -B build-sanitize -G Ninja -DHUIYIN_SANITIZE=ON -DHUIYIN_FUZZ=ON
#   cmake --build build-sanitize --target huiyin_fuzzers   # the libFuzzer targets of tests/fuzz
#   cmake --build build-sanitize                            # and every unit test
#
# HUIYIN_SANITIZE compiles everything with AddressSanitizer and UndefinedBehaviorSanitizer; any
# finding aborts the process, so a test that triggers one fails. HUIYIN_FUZZ adds libFuzzer's
# coverage instrumentation to every library and the fuzz targets of tests/fuzz; it needs clang.
# The integration tests (tests/python, the benchmark) are left out of such a directory: they
# start the real binaries, which the ordinary build already covers.
include_guard(GLOBAL)

option(HUIYIN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(HUIYIN_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies HUIYIN_SANITIZE)" OFF)

if(HUIYIN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "HUIYIN_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  set(HUIYIN_SANITIZE ON CACHE BOOL "" FORCE)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(HUIYIN_SANITIZE)
  set(huiyin_sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  # -O1 and line tables only: what sanitizer reports need, and a much quicker cold build.
  add_compile_options(${huiyin_sanitizers} -fno-omit-frame-pointer -O1
                      $<IF:$<CXX_COMPILER_ID:Clang>,-gline-tables-only,-g1>)
  add_link_options(${huiyin_sanitizers})
endif()
