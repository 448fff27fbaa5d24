#include "kvonce/util/interrupt_cleanup.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include <unistd.h>

namespace kvonce {
namespace {

// A slot moves free -> filling -> armed -> free as a file is registered and released; the handler
// takes an armed slot to firing and never gives it back (the process ends). A slot being filled
// is skipped: its owner checks g_interrupted once the slot is armed.
enum SlotState : int { kFree, kFilling, kArmed, kFiring };

struct Slot {
  std::atomic<int> state{kFree};
  std::atomic<char*> path{nullptr};
  std::atomic<bool> directory{false};
};

// Enough for every worker of the largest --jobs writing two files at once.
constexpr int kSlots = 4096;
Slot g_slots[kSlots];

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<char*>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free,
              "the signal handler may only use lock-free atomics");

// Set by the handler before it looks at any slot. A file registered after that look is removed by
// its own thread (see RemoveOnInterrupt): whichever comes first, no file outlives the process.
std::atomic<bool> g_interrupted{false};

std::mutex g_held_mutex;
std::set<std::string>& held_paths() {
  static std::set<std::string> paths;
  return paths;
}

extern "C" void remove_and_exit(int signo) {
  g_interrupted.store(true);
  for (Slot& slot : g_slots) {  // files first, so that their directories are empty after
    int armed = kArmed;
    if (!slot.directory.load() && slot.state.compare_exchange_strong(armed, kFiring)) {
      ::unlink(slot.path.load());
    }
  }
  for (Slot& slot : g_slots) {
    int armed = kArmed;
    if (slot.state.compare_exchange_strong(armed, kFiring)) ::rmdir(slot.path.load());
  }
  ::_exit(128 + signo);
}

int arm(const std::string& path, bool directory) {
  for (int i = 0; i < kSlots; ++i) {
    int free = kFree;
    if (!g_slots[i].state.compare_exchange_strong(free, kFilling)) continue;
    char* copy = new char[path.size() + 1];
    std::memcpy(copy, path.c_str(), path.size() + 1);
    g_slots[i].path.store(copy);
    g_slots[i].directory.store(directory);
    g_slots[i].state.store(kArmed);
    return i;
  }
  return -1;
}

void disarm(int i) {
  char* path = g_slots[i].path.load();
  int armed = kArmed;
  // Firing: the handler is using the path and the process is ending; leave it to the handler.
  if (g_slots[i].state.compare_exchange_strong(armed, kFree)) delete[] path;
}

void install_for(int signo) {
  struct sigaction old {};
  if (::sigaction(signo, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = remove_and_exit;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);  // one handler at a time
  sigaddset(&action.sa_mask, SIGTERM);
  ::sigaction(signo, &action, nullptr);
}

}  // namespace

void install_interrupt_cleanup() {
  install_for(SIGINT);
  install_for(SIGTERM);
}

RemoveOnInterrupt::RemoveOnInterrupt(const std::filesystem::path& path, Kind kind) : path_(path) {
  {
    std::lock_guard<std::mutex> lock(g_held_mutex);
    held_paths().insert(path_.string());
  }
  held_ = true;
  slot_ = arm(path_.string(), kind == Kind::directory);
  // The handler may have looked at the slots between this file's creation and its arming; the
  // process is then ending, so remove the file here and wait for the handler's _exit.
  if (g_interrupted.load()) {
    (kind == Kind::directory ? ::rmdir : ::unlink)(path_.c_str());
    for (;;) ::pause();
  }
}

void RemoveOnInterrupt::release() {
  if (slot_ >= 0) disarm(slot_);
  slot_ = -1;
  if (!held_) return;
  held_ = false;
  std::lock_guard<std::mutex> lock(g_held_mutex);
  held_paths().erase(path_.string());
}

bool held_by_this_process(const std::filesystem::path& path) {
  std::lock_guard<std::mutex> lock(g_held_mutex);
  return held_paths().count(path.string()) != 0;
}

}  // namespace kvonce
