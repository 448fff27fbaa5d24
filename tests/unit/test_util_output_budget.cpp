// The bound on a run's output bytes.
#include <catch2/catch.hpp>

#include "kvonce/util/error.hpp"
#include "kvonce/util/output_budget.hpp"

using namespace kvonce;

TEST_CASE("default_max_output_bytes: 64 times the input, at least 256 MiB, never wrapping") {
  CHECK(default_max_output_bytes(0) == 256ULL << 20);
  CHECK(default_max_output_bytes(4ULL << 20) == 256ULL << 20);
  CHECK(default_max_output_bytes(10ULL << 20) == 640ULL << 20);
  CHECK(default_max_output_bytes(UINT64_MAX / 2) == UINT64_MAX);
}

TEST_CASE("OutputBudget: charges up to the bound, then a limit error") {
  OutputBudget budget(100);
  budget.charge(60);
  budget.charge(40);
  CHECK(budget.used() == 100);
  try {
    budget.charge(1);
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit);
    CHECK_THAT(std::string(e.what()), Catch::Contains("--max-output-bytes"));
  }
}
