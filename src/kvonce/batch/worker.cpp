#include "kvonce/batch/worker.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>
#include <system_error>

#include <sys/stat.h>

#include "kvonce/io/hashed_input.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Removes a file when it goes out of scope.
struct RemoveFile {
  fs::path path;
  ~RemoveFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

}  // namespace

ResumeIndex index_resume(const std::vector<PayloadResult>& recorded,
                         const JudgedUnder& judged_under) {
  ResumeIndex index;
  for (const PayloadResult& r : recorded) {
    if (!(r.verified() || r.no_events()) || r.sha256.empty()) continue;
    if (r.judged_under == judged_under) {
      index.reusable[{r.source, r.sha256}] = r;
    } else {
      index.judged_otherwise.insert({r.source, r.sha256});
    }
  }
  for (const auto& [key, r] : index.reusable) index.judged_otherwise.erase(key);
  return index;
}

ScratchDir::ScratchDir() {
  // mkdtemp() would name the directory only once it exists, too late to register it.
  std::random_device random;
  for (int attempt = 0; attempt < 16; ++attempt) {
    char name[32];
    std::snprintf(name, sizeof name, "kvonce-batch-%08x", random());
    path_ = fs::temp_directory_path() / name;
    cleanup_.emplace(path_, RemoveOnInterrupt::Kind::directory);
    const int made = ::mkdir(path_.c_str(), 0700);
    const int mkdir_errno = errno;
    cleanup_->created();
    if (made == 0) return;
    cleanup_.reset();
    if (mkdir_errno != EEXIST) break;
  }
  fail(ErrorKind::output,
       "cannot create a temporary directory in " + fs::temp_directory_path().string());
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Worker::Worker(const PayloadOptions& options, const TransportFactory& make_transport,
               RemoteStore& remote, const ResumeIndex& resume, fs::path download)
    : options_(options),
      make_transport_(make_transport),
      remote_(remote),
      resume_(resume),
      download_(std::move(download)) {
  if (download_.empty()) return;
  download_cleanup_.emplace(download_);
  download_cleanup_->created();  // created much later, by the download
}

bool Worker::has_record(const std::string& source) const {
  const auto reusable = resume_.reusable.lower_bound({source, ""});
  const auto otherwise = resume_.judged_otherwise.lower_bound({source, ""});
  return (reusable != resume_.reusable.end() && reusable->first.first == source) ||
         (otherwise != resume_.judged_otherwise.end() && otherwise->first == source);
}

const PayloadResult* Worker::recorded(const std::string& source, const std::string& sha256,
                                      Reuse& reuse) const {
  if (resume_.judged_otherwise.contains({source, sha256})) reuse = Reuse::judged_again;
  const auto it = resume_.reusable.find({source, sha256});
  if (it == resume_.reusable.end()) return nullptr;
  reuse = Reuse::resumed;
  return &it->second;
}

PayloadResult Worker::process(const PayloadRef& ref, Reuse& reuse) {
  reuse = Reuse::none;
  if (ref.location != Location::local) return process_remote(ref, reuse);
  if (has_record(ref.source)) {  // hash first: only then can the payload be skipped
    try {
      std::uint64_t bytes = 0;
      if (const PayloadResult* r =
              recorded(ref.source, io::sha256_of_file(ref.source, bytes), reuse)) {
        return *r;
      }
    } catch (const Error&) {
      // Unreadable: verifying it reports why.
    }
  }
  return verify_file(ref.source, ref.source, options_);
}

PayloadResult Worker::process_remote(const PayloadRef& ref, Reuse& reuse) {
  const auto start = std::chrono::steady_clock::now();
  if (!transport_) transport_ = make_transport_();
  transfer::DownloadResult got;
  try {
    got = remote_.download(ref.source, download_, *transport_);
  } catch (const Error& e) {
    PayloadResult r;
    r.source = ref.source;
    r.error = PayloadError{kind_name(e.kind()), e.what()};
    r.seconds = seconds_since(start);
    r.judged_under = judged_under(options_);  // merge checks every line's options
    return r;
  }
  const RemoveFile remove{download_};
  if (const PayloadResult* r = recorded(ref.source, got.sha256, reuse)) return *r;
  PayloadResult r = verify_file(ref.source, download_, options_);
  r.seconds = seconds_since(start);  // the download included
  return r;
}

}  // namespace kvonce::batch
