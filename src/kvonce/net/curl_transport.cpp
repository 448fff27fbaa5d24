// HttpTransport over libcurl: the only code that includes <curl/curl.h>.
//
// curl performs each hop; the redirect loop is ours, because two rules cannot be said with curl
// options: every redirect target must pass the outbound policy (host list, http only to loopback
// hosts) *before* it is contacted, and credential headers must not follow a redirect to another
// origin. curl still resolves the Location header (CURLINFO_REDIRECT_URL).
// Content decoding is switched off: a body stored gzip with Content-Encoding: gzip is saved as
// stored, and the payload readers sniff the bytes.
#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>

#include <curl/curl.h>

#include "kvonce/net/http.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::net {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kErrorBodyLimit = 64 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      fail(ErrorKind::internal, "libcurl initialisation failed");
    }
  });
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

void append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (!grown) fail(ErrorKind::internal, "libcurl: out of memory");
  (void)list.release();
  list.reset(grown);
}

// One request-response exchange (one hop of a redirect chain) and what its callbacks saw.
struct Exchange {
  CURL* curl = nullptr;
  const BodySink* sink = nullptr;
  bool follow_redirects = false;
  HttpResponse response;
  bool routed = false;   // the body's destination is decided (on its first byte)
  bool discard = false;  // the body of a redirect we follow
  bool to_sink = false;
  bool sink_refused = false;
  std::exception_ptr sink_error;
  std::size_t header_bytes = 0;  // of the current response, bounded by kMaxHeaderBytes
  bool headers_too_large = false;
};

// No service kvonce-trace talks to sends more; a larger header block is refused, not buffered.
constexpr std::size_t kMaxHeaderBytes = 256u << 10;

bool is_redirect_status(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& ex = *static_cast<Exchange*>(user);
  const std::size_t total = size * count;
  const std::string_view line = trim(std::string_view(data, total));
  if (line.starts_with("HTTP/")) {
    ex.response.headers.clear();  // a new response begins (after 1xx): keep the final one only
    ex.header_bytes = 0;
  }
  ex.header_bytes += total;
  if (ex.header_bytes > kMaxHeaderBytes) {
    ex.headers_too_large = true;
    return 0;  // curl ends the transfer
  }
  if (line.starts_with("HTTP/")) return total;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return total;
  ex.response.headers.emplace_back(to_lower_ascii(trim(line.substr(0, colon))),
                                   std::string(trim(line.substr(colon + 1))));
  return total;
}

// Decides on the first body byte where the body goes: the sink for 2xx, memory for error
// documents, nowhere for a redirect we are about to follow.
void route_body(Exchange& ex) {
  long status = 0;
  curl_easy_getinfo(ex.curl, CURLINFO_RESPONSE_CODE, &status);
  ex.discard = ex.follow_redirects && is_redirect_status(status) &&
               ex.response.header("location").has_value();
  ex.to_sink = !ex.discard && ex.sink && *ex.sink && status >= 200 && status < 300;
  ex.routed = true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& ex = *static_cast<Exchange*>(user);
  const std::size_t total = size * count;
  if (!ex.routed) route_body(ex);
  if (ex.discard) return total;
  ex.response.body_bytes += total;
  if (ex.to_sink) {
    // Exceptions must not unwind through C code: keep it and rethrow after the transfer.
    try {
      if (!(*ex.sink)(std::string_view(data, total))) {
        ex.sink_refused = true;
        return 0;
      }
    } catch (...) {
      ex.sink_error = std::current_exception();
      return 0;
    }
    return total;
  }
  const bool bounded = ex.sink && *ex.sink;
  const std::size_t room =
      bounded ? kErrorBodyLimit - std::min(kErrorBodyLimit, ex.response.body.size()) : total;
  ex.response.body.append(data, std::min(room, total));
  return total;
}

// Maps a curl failure to the transport's classification; retryable when another attempt can
// plausibly succeed. The message does not repeat the request's URL (callers label their
// requests); `where` names a redirect target when the failure happened there.
TransportError classify(CURLcode code, const std::string& where, const char* detail) {
  const std::string text =
      where + (detail && *detail ? std::string(detail) : curl_easy_strerror(code));
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return TransportError(TransportFailure::connect, true, text);
    case CURLE_OPERATION_TIMEDOUT: return TransportError(TransportFailure::timeout, true, text);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3: return TransportError(TransportFailure::reset, true, text);
    case CURLE_SSL_CONNECT_ERROR:  // handshake cut short: often transient
      return TransportError(TransportFailure::tls, true, text);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED: return TransportError(TransportFailure::tls, false, text);
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_UNSUPPORTED_PROTOCOL: return TransportError(TransportFailure::redirect, false, text);
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK: return TransportError(TransportFailure::aborted, false, text);
    default: return TransportError(TransportFailure::other, false, text);
  }
}

bool is_credential_header(std::string_view name) {
  const std::string lower = to_lower_ascii(name);
  return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
         lower == "x-amz-security-token";
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(OutboundPolicy policy) : policy_(std::move(policy)) {
    global_init();
    curl_ = curl_easy_init();
    if (!curl_) fail(ErrorKind::internal, "libcurl: cannot create a handle");
  }
  ~CurlTransport() override { curl_easy_cleanup(curl_); }
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse perform(const HttpRequest& request, const BodySink& sink) override {
    const std::lock_guard lock(mutex_);
    const auto start = Clock::now();
    HttpRequest hop = request;
    for (long redirects = 0;; ++redirects) {
      check_policy(hop, redirects > 0);
      std::string location;
      HttpResponse response = exchange(hop, sink, start, location, redirects > 0);
      if (!request.follow_redirects || !is_redirect_status(response.status) || location.empty()) {
        response.effective_url = hop.url;
        return response;
      }
      if (redirects >= request.max_redirects) {
        throw TransportError(TransportFailure::redirect, false,
                             "more than " + std::to_string(request.max_redirects) + " redirects");
      }
      prepare_redirect(hop, response.status, location);
    }
  }

 private:
  void check_policy(const HttpRequest& hop, bool is_redirect) const {
    OutboundPolicy policy = policy_;
    policy.allow_plain_http = policy.allow_plain_http || hop.allow_plain_http;
    const auto reason = outbound_violation(hop.url, policy);
    if (!reason) return;
    if (!is_redirect) fail(ErrorKind::usage, redact_url(hop.url) + ": " + *reason);
    throw TransportError(TransportFailure::redirect, false,
                         "redirect to " + redact_url(hop.url) + " refused: " + *reason);
  }

  // The next hop: new URL, 303 (and 301/302 after POST) become GET, and credentials stay behind
  // when the origin changes.
  static void prepare_redirect(HttpRequest& hop, long status, const std::string& location) {
    const auto from = parse_url(hop.url);
    const auto to = parse_url(location);
    if (!from || !to || from->origin() != to->origin()) {
      std::erase_if(hop.headers, [](const auto& h) { return is_credential_header(h.first); });
    }
    if (status == 303 || ((status == 301 || status == 302) && hop.method == "POST")) {
      hop.method = "GET";
      hop.body.clear();
      std::erase_if(hop.headers, [](const auto& h) {
        const std::string lower = to_lower_ascii(h.first);
        return lower == "content-type" || lower == "content-length";
      });
    }
    hop.url = location;
  }

  HttpResponse exchange(const HttpRequest& hop, const BodySink& sink, Clock::time_point start,
                        std::string& location, bool redirected) {
    curl_easy_reset(curl_);  // keeps live connections for reuse
    Exchange ex;
    ex.curl = curl_;
    ex.sink = &sink;
    ex.follow_redirects = hop.follow_redirects;
    char errbuf[CURL_ERROR_SIZE] = {0};
    Slist headers(nullptr);
    Slist resolve(nullptr);
    set_options(hop, start, errbuf, headers, resolve);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &ex);
    const CURLcode code = curl_easy_perform(curl_);
    if (ex.sink_error) std::rethrow_exception(ex.sink_error);
    // curl refuses a single header line over its own limit (100 KiB) as "out of memory", before
    // any body byte arrived.
    if (ex.headers_too_large || (code == CURLE_OUT_OF_MEMORY && !ex.routed)) {
      throw TransportError(TransportFailure::other, false,
                           (redirected ? "after a redirect to " + redact_url(hop.url) + ": " : "") +
                               "the response headers exceed " +
                               std::to_string(kMaxHeaderBytes >> 10) + " KiB");
    }
    if (ex.sink_refused) {
      fail(ErrorKind::fetch, redact_url(hop.url) + ": the transfer was aborted by the receiver");
    }
    if (code != CURLE_OK) {
      throw classify(code, redirected ? "after a redirect to " + redact_url(hop.url) + ": " : "",
                     errbuf);
    }
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &ex.response.status);
    char* redirect = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &redirect);
    location = redirect ? redirect : "";
    return std::move(ex.response);
  }

  void set_options(const HttpRequest& hop, Clock::time_point start, char* errbuf, Slist& headers,
                   Slist& resolve) {
    curl_easy_setopt(curl_, CURLOPT_URL, hop.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "kvonce-trace/" KVONCE_VERSION);
    // The policy check above allowed this URL's scheme; curl may use nothing else.
    // Schemes are case-insensitive: "HTTP://" is plain http too.
    const bool plain = to_lower_ascii(std::string_view(hop.url).substr(0, 5)) == "http:";
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, plain ? "http" : "https");
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl_, CURLOPT_HTTP_CONTENT_DECODING, 0L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, std::max(1L, hop.connect_timeout_ms));
    if (hop.timeout_ms > 0) {
      const auto spent =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, std::max(1L, hop.timeout_ms - long(spent)));
    }
    if (hop.stall_timeout_ms > 0) {
      curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME,
                       std::max(1L, (hop.stall_timeout_ms + 999) / 1000));
    }
    set_method(hop);
    for (const auto& [name, value] : hop.headers) {
      append(headers, value.empty() ? name + ";" : name + ": " + value);
    }
    if (!hop.body.empty()) append(headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers.get());
    for (const auto& entry : hop.resolve) append(resolve, entry);
    curl_easy_setopt(curl_, CURLOPT_RESOLVE, resolve.get());
  }

  void set_method(const HttpRequest& hop) {
    if (hop.method == "GET") {
      curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    } else if (hop.method == "HEAD") {
      curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
    } else if (hop.method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    } else {
      curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, hop.method.c_str());
    }
    if (!hop.body.empty() || hop.method == "POST" || hop.method == "PUT" || hop.method == "PATCH") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, hop.body.data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(hop.body.size()));
    }
  }

  OutboundPolicy policy_;
  CURL* curl_ = nullptr;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_curl_transport() {
  return std::make_unique<CurlTransport>(OutboundPolicy{});
}

std::unique_ptr<HttpTransport> make_curl_transport(const OutboundPolicy& policy) {
  return std::make_unique<CurlTransport>(policy);
}

std::string libcurl_runtime_version() {
  return curl_version_info(CURLVERSION_NOW)->version;
}

}  // namespace kvonce::net
