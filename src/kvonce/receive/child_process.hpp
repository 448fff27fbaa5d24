// The command `receive` runs: started in a process group of its own (so a signal forwarded to
// the group reaches every process it starts, and a terminal's Ctrl-C reaches it through
// kvonce-trace alone), with the environment of this process plus the variables given, and waited
// for. A command that cannot be run ends as a shell's would: 127 when it is not found, 126 when
// it is found but cannot be executed.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace kvonce::receive {

struct CommandStatus {
  bool ran = false;    // false: not runnable (code 126 or 127, `reason` says why)
  int code = 0;        // exit status, or 128 + the signal's number as a shell reports it
  int signal = 0;      // the signal that ended it, or 0
  std::string reason;  // when it did not run: "command not found", "Permission denied", ...

  bool succeeded() const { return ran && code == 0 && signal == 0; }
  // "exit status 3", "killed by signal 9 (SIGKILL)", "command not found"
  std::string describe() const;
};

// "SIGTERM" (the signal's abbreviation), or "signal N" for one without.
std::string signal_name(int signo);

class ChildProcess {
 public:
  // Starts `argv` (argv[0] searched in PATH as a shell would, unless it names a path). A
  // command that cannot be run is no error: wait() reports it.
  ChildProcess(const std::vector<std::string>& argv,
               const std::vector<std::pair<std::string, std::string>>& variables);
  ~ChildProcess();  // waits for it if wait() was not called (a signal first: SIGTERM)
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The process group to forward signals to; 0 when it did not start.
  pid_t group() const { return pid_; }
  CommandStatus wait();

 private:
  pid_t pid_ = 0;
  bool waited_ = false;
  CommandStatus not_started_;
};

// While alive: SIGINT, SIGTERM and SIGHUP received by this process are sent on to the process
// group given to to() instead of ending this one. Made before the command is started, so that a
// signal arriving while it starts is not lost: one received before to() is sent when to() names
// the group. The previous handlers come back on destruction; a signal that found no group then
// is raised again.
class ForwardSignals {
 public:
  ForwardSignals();
  void to(pid_t group);
  ~ForwardSignals();
  ForwardSignals(const ForwardSignals&) = delete;
  ForwardSignals& operator=(const ForwardSignals&) = delete;
};

// While alive: the first SIGINT or SIGTERM is only noted (received() names it) and puts back the
// handlers that were there before, so a second one does what they do (the interrupt cleanup:
// temporary files removed, exit 130 or 143).
class FirstSignalStops {
 public:
  FirstSignalStops();
  ~FirstSignalStops();
  FirstSignalStops(const FirstSignalStops&) = delete;
  FirstSignalStops& operator=(const FirstSignalStops&) = delete;
  int received() const;  // the signal's number, or 0
};

}  // namespace kvonce::receive
