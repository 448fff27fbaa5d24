// The command `receive` runs: its exit status, a signal that ended it, not runnable as a shell
// says (126, 127), its environment, its own process group.
#include <csignal>
#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>
#include <unistd.h>

#include "kvonce/receive/child_process.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::receive;

TEST_CASE("child process: exit status and the signal that ended it") {
  CHECK(ChildProcess({"true"}, {}).wait().succeeded());
  const CommandStatus three = ChildProcess({"sh", "-c", "exit 3"}, {}).wait();
  CHECK(three.ran);
  CHECK(three.code == 3);
  CHECK(three.describe() == "exit status 3");
  const CommandStatus killed = ChildProcess({"sh", "-c", "kill -TERM $$"}, {}).wait();
  CHECK(killed.signal == SIGTERM);
  CHECK(killed.code == 143);
  CHECK(killed.describe() == "killed by signal 15 (SIGTERM)");
  CHECK_FALSE(killed.succeeded());
}

TEST_CASE("child process: not runnable is 127 when not found, 126 when not executable") {
  const CommandStatus missing = ChildProcess({"kvonce-no-such-command-here"}, {}).wait();
  CHECK_FALSE(missing.ran);
  CHECK(missing.code == 127);
  CHECK(missing.describe() == "command not found");
  CHECK(ChildProcess({"./no/such/file"}, {}).wait().code == 127);
  test::TempDir dir;
  test::write_file(dir / "script.sh", "#!/bin/sh\nexit 0\n");  // not executable
  const CommandStatus denied = ChildProcess({(dir / "script.sh").string()}, {}).wait();
  CHECK_FALSE(denied.ran);
  CHECK(denied.code == 126);
  CHECK(ChildProcess({dir.path().string()}, {}).wait().code == 126);  // a directory
}

TEST_CASE("child process: the variables given are set, the rest inherited") {
  ::setenv("KVONCE_CHILD_INHERITED", "kept", 1);
  ::setenv("KVONCE_CHILD_REPLACED", "old", 1);
  const CommandStatus status =
      ChildProcess(
          {"sh", "-c",
           "test \"$KVONCE_CHILD_INHERITED\" = kept && test \"$KVONCE_CHILD_REPLACED\" = new "
           "&& test \"$KVONCE_CHILD_ADDED\" = 'a b'"},
          {{"KVONCE_CHILD_REPLACED", "new"}, {"KVONCE_CHILD_ADDED", "a b"}})
          .wait();
  ::unsetenv("KVONCE_CHILD_INHERITED");
  ::unsetenv("KVONCE_CHILD_REPLACED");
  CHECK(status.succeeded());
}

TEST_CASE("child process: runs in a process group of its own, which forwarded signals reach") {
  test::TempDir dir;
  const auto pgid = dir / "pgid";
  // The shell and a child of it wait; SIGTERM to the group must end both.
  ChildProcess child(
      {"sh", "-c", "cut -d' ' -f5 /proc/$$/stat > '" + pgid.string() + "'; sleep 30 & wait"}, {});
  REQUIRE(child.group() > 0);
  CHECK(child.group() != ::getpgrp());
  for (int i = 0; i < 500 && !(std::filesystem::exists(pgid) && std::filesystem::file_size(pgid));
       ++i) {
    ::usleep(10000);
  }
  {
    ForwardSignals forward;
    forward.to(child.group());
    ::kill(::getpid(), SIGTERM);  // to this process: forwarded, not the end of it
    const CommandStatus status = child.wait();
    CHECK(status.signal == SIGTERM);
  }
  CHECK(std::stoi(test::read_file(pgid)) == child.group());
}

TEST_CASE("child process: a signal received while the command starts reaches it once started") {
  ForwardSignals forward;       // as receive does: before the command exists
  ::kill(::getpid(), SIGTERM);  // not the end of this process: kept for the command
  ChildProcess child({"sh", "-c", "sleep 30 & wait"}, {});
  REQUIRE(child.group() > 0);
  forward.to(child.group());
  const CommandStatus status = child.wait();
  CHECK(status.signal == SIGTERM);
}
