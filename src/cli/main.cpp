#include <iostream>

#include "kvonce/util/interrupt_cleanup.hpp"

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Only the real process: in-process runs (tests) keep their host's signal handling.
  kvonce::install_interrupt_cleanup();
  return kvonce::cli::run(argc, argv, std::cout, std::cerr, kvonce::cli::process_host());
}
