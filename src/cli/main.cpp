#include <iostream>

#include "kvonce/util/interrupt_cleanup.hpp"

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Only the real process: in-process runs (tests) keep their host's signal handling.
  kvonce::install_interrupt_cleanup();
  // The only place that touches the process's own streams.
  const kvonce::cli::Host host = kvonce::cli::process_host(std::cout, std::cerr);
  return kvonce::cli::run(argc, argv, host);
}
