# Compile options for the project's own targets. Third-party headers are included as SYSTEM.
add_library(autograph_warnings INTERFACE)
target_compile_options(autograph_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  $<$<BOOL:${AUTOGRAPH_WERROR}>:-Werror>)

# can/ and signing/ handle raw bytes and bit fields: implicit narrowing there is a bug.
add_library(autograph_strict_warnings INTERFACE)
target_link_libraries(autograph_strict_warnings INTERFACE autograph_warnings)
target_compile_options(autograph_strict_warnings INTERFACE -Wconversion -Wsign-conversion)

# Physical values are raw * factor + offset in binary64 without contraction into FMA, so they
# equal reference decoders bit for bit on every architecture.
add_library(autograph_exact_fp INTERFACE)
target_compile_options(autograph_exact_fp INTERFACE -ffp-contract=off)

# Adds a libFuzzer target in fuzz builds; in every other build the same entry point is linked
# with a replay driver and its seed corpus runs as a regression test.
function(autograph_add_fuzz_target name source corpus_dir)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE autograph_warnings ${ARGN})
  if(AUTOGRAPH_FUZZ)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    target_sources(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
    add_test(NAME ${name}.corpus COMMAND ${name} ${corpus_dir})
  endif()
endfunction()
