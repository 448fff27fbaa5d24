#include "kvonce/receive/child_process.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvonce/util/error.hpp"

extern char** environ;

namespace kvonce::receive {

std::string signal_name(int signo) {
  const char* name = sigabbrev_np(signo);
  return name ? std::string("SIG") + name : "signal " + std::to_string(signo);
}

std::string CommandStatus::describe() const {
  if (!ran) return reason;
  if (signal != 0)
    return "killed by signal " + std::to_string(signal) + " (" + signal_name(signal) + ")";
  return "exit status " + std::to_string(code);
}

namespace {

struct Resolved {
  std::string path;  // empty: not runnable
  int code = 0;      // 126 or 127 when not runnable
  std::string reason;
};

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// argv[0] as a shell finds it: a name with a '/' as it is; otherwise the first executable file
// of that name in PATH.
Resolved resolve(const std::string& name) {
  if (name.empty()) return {"", 127, "command not found"};
  if (name.find('/') != std::string::npos) {
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) return {"", 127, std::strerror(errno)};
    if (S_ISDIR(st.st_mode)) return {"", 126, "Is a directory"};
    if (::access(name.c_str(), X_OK) != 0) return {"", 126, std::strerror(errno)};
    return {name, 0, ""};
  }
  const char* env_path = std::getenv("PATH");
  const std::string path = env_path ? env_path : "/usr/local/bin:/usr/bin:/bin";
  Resolved found{"", 127, "command not found"};
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end == start ? "." : path.substr(start, end - start);
    const std::string candidate = dir + "/" + name;
    if (is_executable_file(candidate)) return {candidate, 0, ""};
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      found = {"", 126, "Permission denied"};  // a shell says so when nothing later runs
    }
    start = end + 1;
  }
  return found;
}

// This process's environment with `variables` set (replacing those of the same name).
std::vector<std::string> environment_with(
    const std::vector<std::pair<std::string, std::string>>& variables) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& v : variables) replaced = replaced || v.first == name;
    if (!replaced) out.push_back(entry);
  }
  for (const auto& [name, value] : variables) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Whether this process owns its terminal's foreground: the command then gets it while it runs,
// so a test runner that reads the terminal is not stopped, and Ctrl-C reaches it directly.
bool owns_terminal() {
  return ::isatty(STDIN_FILENO) && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp();
}

void give_terminal_to(pid_t group) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTTOU);  // a background process may take the terminal back only so
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  ::tcsetpgrp(STDIN_FILENO, group);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(const char* path, char* const* argv, char* const* envp,
                             bool foreground, const sigset_t& mask, int error_fd) {
  for (const int signo : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT}) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(signo, &dfl, nullptr);
  }
  ::setpgid(0, 0);
  if (foreground) ::tcsetpgrp(STDIN_FILENO, ::getpid());  // every signal is still blocked
  ::pthread_sigmask(SIG_SETMASK, &mask, nullptr);
  ::execve(path, argv, envp);
  const int error = errno;
  [[maybe_unused]] const auto written = ::write(error_fd, &error, sizeof error);
  ::_exit(127);
}

bool g_gave_terminal = false;

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& variables) {
  if (argv.empty()) fail(ErrorKind::usage, "no command to run");
  const Resolved resolved = resolve(argv.front());
  if (resolved.path.empty()) {
    not_started_ = {false, resolved.code, 0, resolved.reason};
    return;
  }
  std::vector<std::string> args = argv, env = environment_with(variables);
  std::vector<char*> arg_ptrs = pointers(args), env_ptrs = pointers(env);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    fail(ErrorKind::internal, "pipe: " + std::string(std::strerror(errno)));
  const bool foreground = owns_terminal();
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    exec_child(resolved.path.c_str(), arg_ptrs.data(), env_ptrs.data(), foreground, old, fds[1]);
  }
  const int fork_error = errno;
  if (pid > 0) ::setpgid(pid, pid);  // as the child does: whichever runs first, the group exists
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    fail(ErrorKind::internal, "fork: " + std::string(std::strerror(fork_error)));
  }
  pid_ = pid;
  g_gave_terminal = foreground;
  int exec_error = 0;
  ssize_t n;
  do {
    n = ::read(fds[0], &exec_error, sizeof exec_error);
  } while (n < 0 && errno == EINTR);
  ::close(fds[0]);
  if (n == static_cast<ssize_t>(sizeof exec_error)) {  // exec failed: the child has ended
    wait();
    not_started_ = {false, exec_error == ENOENT ? 127 : 126, 0, std::strerror(exec_error)};
    pid_ = 0;
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !waited_) {
    ::kill(-pid_, SIGTERM);
    wait();
  }
}

CommandStatus ChildProcess::wait() {
  if (pid_ <= 0) return not_started_;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  waited_ = true;
  if (g_gave_terminal) {
    give_terminal_to(::getpgrp());
    g_gave_terminal = false;
  }
  CommandStatus out;
  out.ran = true;
  if (WIFSIGNALED(status)) {
    out.signal = WTERMSIG(status);
    out.code = 128 + out.signal;
  } else {
    out.code = WEXITSTATUS(status);
  }
  return out;
}

// ---- signals ----

namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<pid_t> g_group{0};
std::atomic<int> g_pending{0};  // received before the group was known
struct sigaction g_forward_saved[3];

// Sends a signal noted before the group was known; whichever of the handler and to() comes
// second sends it, exactly once.
void send_pending() {
  const pid_t group = g_group.load();
  if (group <= 0) return;
  if (const int signo = g_pending.exchange(0); signo != 0) ::kill(-group, signo);
}

extern "C" void forward_signal(int signo) {
  const int saved = errno;
  if (const pid_t group = g_group.load(); group > 0) {
    ::kill(-group, signo);
  } else {
    g_pending.store(signo);
    send_pending();  // the group may have been set meanwhile
  }
  errno = saved;
}

constexpr int kStopping[] = {SIGINT, SIGTERM};
std::atomic<int> g_first{0};
struct sigaction g_stop_saved[2];
std::atomic<bool> g_stop_restored{false};

void restore_stop_handlers() {
  if (g_stop_restored.exchange(true)) return;
  for (int i = 0; i < 2; ++i) ::sigaction(kStopping[i], &g_stop_saved[i], nullptr);
}

extern "C" void note_first_signal(int signo) {
  int none = 0;
  if (g_first.compare_exchange_strong(none, signo)) restore_stop_handlers();
}

void install(int signo, void (*handler)(int), struct sigaction* saved) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  ::sigaction(signo, &action, saved);
}

}  // namespace

ForwardSignals::ForwardSignals() {
  g_group = 0;
  g_pending = 0;
  for (int i = 0; i < 3; ++i) install(kForwarded[i], forward_signal, &g_forward_saved[i]);
}

void ForwardSignals::to(pid_t group) {
  g_group = group;
  send_pending();
}

ForwardSignals::~ForwardSignals() {
  for (int i = 0; i < 3; ++i) ::sigaction(kForwarded[i], &g_forward_saved[i], nullptr);
  const bool sent = g_group.exchange(0) > 0;
  // A signal with no command to take it (none started) does what it did before.
  if (const int signo = g_pending.exchange(0); signo != 0 && !sent) ::raise(signo);
}

FirstSignalStops::FirstSignalStops() {
  g_first = 0;
  g_stop_restored = false;
  for (int i = 0; i < 2; ++i) install(kStopping[i], note_first_signal, &g_stop_saved[i]);
}

FirstSignalStops::~FirstSignalStops() {
  restore_stop_handlers();
}

int FirstSignalStops::received() const {
  return g_first.load();
}

}  // namespace kvonce::receive
