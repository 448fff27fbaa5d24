#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  return kvonce::cli::run(argc, argv, std::cout, std::cerr, kvonce::cli::process_host());
}
