#include "kvonce/util/interrupt_cleanup.hpp"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <mutex>
#include <set>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace kvonce {
namespace {

// A slot moves free -> filling -> creating -> armed -> free as a file is registered, created and
// released. The handler unlinks creating and armed slots; it waits for other threads' filling and
// creating slots to settle, because a file created after its unlink would otherwise outlive the
// process. A thread that finishes creating once the handler has started removes the file itself.
enum SlotState : int { kFree, kFilling, kCreating, kArmed, kFiring };

// A state and the thread that owns the slot in it, in one atomic word: read apart, a slot claimed
// by one thread could still show the owner of its previous use.
using Word = std::uint64_t;
constexpr Word word(SlotState state, pid_t owner) {
  return static_cast<Word>(static_cast<std::uint32_t>(owner)) << 8 | state;
}
constexpr SlotState state_of(Word w) {
  return static_cast<SlotState>(w & 0xff);
}
constexpr pid_t owner_of(Word w) {
  return static_cast<pid_t>(w >> 8);
}

struct Slot {
  std::atomic<Word> state{word(kFree, 0)};
  std::atomic<char*> path{nullptr};
  std::atomic<int> dir{AT_FDCWD};  // what `path` is relative to
  std::atomic<bool> directory{false};
};

// Enough for every worker of the largest --jobs writing two files at once.
constexpr int kSlots = 4096;
Slot g_slots[kSlots];

static_assert(std::atomic<Word>::is_always_lock_free && std::atomic<char*>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler may only use lock-free atomics");

// Set by the handler before it looks at any slot.
std::atomic<bool> g_interrupted{false};

std::mutex g_held_mutex;
std::set<std::string>& held_paths() {
  static std::set<std::string> paths;
  return paths;
}

// Whether another thread is between registering a file and telling that it exists. Bounded, so
// that a thread stuck in open() on a dead network mount cannot keep the process alive.
void wait_for_creators() {
  const pid_t me = ::gettid();
  for (int waited_ms = 0; waited_ms < 2000; ++waited_ms) {
    bool pending = false;
    for (Slot& slot : g_slots) {
      const Word w = slot.state.load();
      pending |= (state_of(w) == kFilling || state_of(w) == kCreating) && owner_of(w) != me;
    }
    if (!pending) return;
    const timespec one_ms{0, 1'000'000};
    ::nanosleep(&one_ms, nullptr);
  }
}

void fire(bool directories) {
  for (Slot& slot : g_slots) {
    if (slot.directory.load() != directories) continue;
    Word w = slot.state.load();
    if (state_of(w) != kArmed && state_of(w) != kCreating) continue;
    if (slot.state.compare_exchange_strong(w, word(kFiring, owner_of(w)))) {
      ::unlinkat(slot.dir.load(), slot.path.load(), directories ? AT_REMOVEDIR : 0);
    }
  }
}

extern "C" void remove_and_exit(int signo) {
  g_interrupted.store(true);
  wait_for_creators();
  fire(false);  // files first, so that their directories are empty after
  fire(true);
  ::_exit(128 + signo);
}

int reserve(int dir, const std::string& path, bool directory) {
  const pid_t me = ::gettid();
  for (int i = 0; i < kSlots; ++i) {
    Word free = word(kFree, 0);
    if (!g_slots[i].state.compare_exchange_strong(free, word(kFilling, me))) continue;
    // The handler may have looked at this slot before it was taken, and would not wait for it: no
    // new file once the process is ending.
    if (g_interrupted.load())
      for (;;) ::pause();
    char* copy = new char[path.size() + 1];
    std::memcpy(copy, path.c_str(), path.size() + 1);
    g_slots[i].path.store(copy);
    g_slots[i].dir.store(dir);
    g_slots[i].directory.store(directory);
    g_slots[i].state.store(word(kCreating, me));
    return i;
  }
  return -1;
}

void disarm(int i) {
  char* path = g_slots[i].path.load();
  // Firing: the handler is using the path and the process is ending; leave it to the handler.
  Word w = g_slots[i].state.load();
  if (state_of(w) != kArmed && state_of(w) != kCreating) return;
  if (g_slots[i].state.compare_exchange_strong(w, word(kFree, 0))) delete[] path;
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

RemoveOnInterrupt::RemoveOnInterrupt(const std::filesystem::path& path, Kind kind)
    : path_(path), held_as_(path), dir_fd_(AT_FDCWD), directory_(kind == Kind::directory) {
  {
    std::lock_guard<std::mutex> lock(g_held_mutex);
    held_paths().insert(held_as_.string());
  }
  held_ = true;
  slot_ = reserve(dir_fd_, path_.string(), directory_);
}

RemoveOnInterrupt::RemoveOnInterrupt(int dir_fd, const std::filesystem::path& name,
                                     const std::filesystem::path& held_as)
    : path_(name), held_as_(held_as), dir_fd_(dir_fd) {
  {
    std::lock_guard<std::mutex> lock(g_held_mutex);
    held_paths().insert(held_as_.string());
  }
  held_ = true;
  slot_ = reserve(dir_fd_, path_.string(), false);
}

void RemoveOnInterrupt::created() {
  if (slot_ < 0) return;
  // The handler has started and may have unlinked before the file existed; it waits for this
  // slot to leave `creating`, so remove the file here and wait for its _exit.
  if (g_interrupted.load()) {
    ::unlinkat(dir_fd_, path_.c_str(), directory_ ? AT_REMOVEDIR : 0);
    g_slots[slot_].state.store(word(kFiring, ::gettid()));
    for (;;) ::pause();
  }
  g_slots[slot_].state.store(word(kArmed, ::gettid()));
}

void RemoveOnInterrupt::release() {
  if (slot_ >= 0) disarm(slot_);
  slot_ = -1;
  if (!held_) return;
  held_ = false;
  std::lock_guard<std::mutex> lock(g_held_mutex);
  held_paths().erase(held_as_.string());
}

bool held_by_this_process(const std::filesystem::path& path) {
  std::lock_guard<std::mutex> lock(g_held_mutex);
  return held_paths().count(path.string()) != 0;
}

}  // namespace kvonce
