// SIGINT and SIGTERM remove the process's temporary files, then end it with 130 or 143. Each
// case runs in a forked child, so the signal ends the child and never the test process.
#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/interrupt_cleanup.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

// Runs `child` in a forked process; returns its exit status (-1 when it did not exit normally).
template <typename F>
int in_child(F child) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    try {
      child();
    } catch (...) {
      ::_exit(98);  // never back into the test runner from the child
    }
    ::_exit(99);  // the signal did not end the process
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("an interrupt removes the temporary files being written and exits 128 + signal") {
  TempDir dir;
  const int signo = GENERATE(SIGTERM, SIGINT);
  const int status = in_child([&] {
    install_interrupt_cleanup();
    AtomicFile first(dir / "a.json");
    first.write("partial");
    AtomicFile second(dir / "b.json");
    second.write("partial");
    write_file_atomically(dir / "done.json", "complete");
    ::raise(signo);
  });
  CHECK(status == 128 + signo);
  CHECK(dir.files() == std::vector<std::string>{"done.json"});
}

TEST_CASE("an interrupt leaves files this process did not register") {
  TempDir dir;
  write_file(dir / ".a.json.tmp-1-1", "another process's");
  const int status = in_child([&] {
    install_interrupt_cleanup();
    RemoveOnInterrupt mine(dir / "mine");
    write_file(dir / "mine", "x");
    RemoveOnInterrupt released(dir / "released");
    write_file(dir / "released", "x");
    released.release();
    ::raise(SIGTERM);
  });
  CHECK(status == 143);
  CHECK(dir.files() == std::vector<std::string>{".a.json.tmp-1-1", "released"});
}

TEST_CASE("an interrupt removes a registered directory once its registered files are gone") {
  TempDir dir;
  const auto scratch = dir / "scratch";
  const int status = in_child([&] {
    install_interrupt_cleanup();
    std::filesystem::create_directories(scratch);
    RemoveOnInterrupt directory(scratch, RemoveOnInterrupt::Kind::directory);
    RemoveOnInterrupt download(scratch / "payload-0");  // registered after its directory
    write_file(scratch / "payload-0", "downloaded");
    ::raise(SIGINT);
  });
  CHECK(status == 130);
  CHECK_FALSE(std::filesystem::exists(scratch));
}

TEST_CASE("held_by_this_process follows registration") {
  TempDir dir;
  CHECK_FALSE(held_by_this_process(dir / "x"));
  {
    RemoveOnInterrupt held(dir / "x");
    CHECK(held_by_this_process(dir / "x"));
  }
  CHECK_FALSE(held_by_this_process(dir / "x"));
}

// A signal can arrive at any instant of a file's creation, on the creating thread or another. The
// children below create and discard temporary files without pause on two threads and are
// signalled after a random delay: whatever instant it hits, no temporary file may remain.
TEST_CASE("an interrupt at any instant of a creation leaves no temporary file") {
  TempDir dir;
  std::mt19937 random(20261203);
  for (int round = 0; round < 150; ++round) {
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      install_interrupt_cleanup();
      const auto churn = [&](const char* name) {
        for (;;) AtomicFile file(dir / name);
      };
      std::thread other(churn, "b.json");
      (void)!::write(ready[1], "r", 1);
      churn("a.json");
    }
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::close(ready[1]);
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<>(0, 2000)(random));
    std::this_thread::sleep_for(delay);
    ::kill(pid, round % 2 ? SIGINT : SIGTERM);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    INFO("round " << round << ": " << (dir.files().empty() ? "" : dir.files().front()));
    REQUIRE(dir.files().empty());
  }
}
