// Finding where a JSON string literal's plain run ends, many bytes at a time.
//
// Strings are most of a payload's bytes, so the reader asks for the length of the run of bytes
// that need no attention (not '"', '\\', a control byte below 0x20, nor a non-ASCII byte, whose
// UTF-8 the reader checks) and jumps over it. Each path gives the same answer; which one runs is
// chosen once per process from what the CPU has (AVX2, else SSE2 on x86-64; NEON on AArch64;
// eight bytes in a word elsewhere). Tests and the differential fuzz target pick a path by name.
#pragma once

#include <cstddef>
#include <string_view>

namespace kvonce::json {

enum class ScanPath { portable, sse2, avx2, neon };

// Length of the run of plain bytes at p, at most n (n when the run reaches the end).
using PlainRunFn = std::size_t (*)(const char* p, std::size_t n);

// The function of `path`, or null when this build or this CPU cannot run it.
PlainRunFn plain_run_for(ScanPath path);

// The fastest path this CPU runs; what every Reader uses unless told otherwise.
ScanPath best_scan_path();

std::string_view to_string(ScanPath path);

}  // namespace kvonce::json
