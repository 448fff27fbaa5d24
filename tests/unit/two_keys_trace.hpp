// A small NDJSON trace shared by the explain and history tests: "a" is written twice
// (multiple-success at event 2), then fails as a duplicate; "b" is clean.
#pragma once

#include <string>

#include "support/test_support.hpp"

namespace kvonce::test {

inline const std::string kTwoKeysTrace =
    R"({"timestamp":"2025-10-09T08:00:00.000Z","type":"success","key":"a","value":"v1","context":{"attempts":1},"traceId":"t0"}
{"timestamp":"2025-10-09T08:00:01.000Z","type":"success","key":"b","value":"x","context":{"attempts":1},"traceId":"t1"}
{"timestamp":"2025-10-09T08:00:02.000Z","type":"success","key":"a","value":"v2","context":{"attempts":1},"traceId":"t2"}
{"timestamp":"2025-10-09T08:00:03.000Z","type":"failure","key":"a","reason":"duplicate","traceId":"t3"}
)";

// The trace written to trace.ndjson in a fresh directory.
struct TwoKeysFixture {
  TempDir dir;
  std::string in = (dir / "trace.ndjson").string();
  TwoKeysFixture() { write_file(dir / "trace.ndjson", kTwoKeysTrace); }
};

}  // namespace kvonce::test
