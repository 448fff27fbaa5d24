// Batches over S3 and GCS listings, with a fake transport standing in for the stores.
#include <atomic>
#include <mutex>

#include <catch2/catch.hpp>

#include "kvonce/batch/batch.hpp"
#include "kvonce/batch/remote.hpp"
#include "kvonce/batch/summary.hpp"
#include "kvonce/util/error.hpp"

#include "batch_test_payloads.hpp"
#include "cloud_fake_transport.hpp"

using namespace kvonce;
using namespace kvonce::batch;
using kvonce::test::respond;

namespace {

// The fake stores answer from any worker thread: one handler, serialised.
class SharedFake {
 public:
  using Handler = std::function<net::HttpResponse(const net::HttpRequest&)>;
  explicit SharedFake(Handler handler) : fake_(std::move(handler)) {}
  TransportFactory factory() {
    return [this] { return std::make_unique<Forward>(*this); };
  }
  std::vector<std::string> urls() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : fake_.requests) out.push_back(r.url);
    return out;
  }

 private:
  struct Forward : net::HttpTransport {
    explicit Forward(SharedFake& s) : shared(s) {}
    net::HttpResponse perform(const net::HttpRequest& request, const net::BodySink& sink) override {
      std::lock_guard<std::mutex> lock(shared.mutex_);
      return shared.fake_.perform(request, sink);
    }
    SharedFake& shared;
  };
  test::FakeTransport fake_;
  std::mutex mutex_;
};

std::string s3_page(const std::vector<std::string>& keys, const std::string& next = "") {
  std::string xml = "<ListBucketResult><Name>bkt</Name>";
  for (const auto& key : keys)
    xml += "<Contents><Key>" + key + "</Key><ETag>&quot;x&quot;</ETag></Contents>";
  xml += next.empty() ? "<IsTruncated>false</IsTruncated>"
                      : "<IsTruncated>true</IsTruncated><NextContinuationToken>" + next +
                            "</NextContinuationToken>";
  return xml + "</ListBucketResult>";
}

// Counts how often the AWS key is read from the process environment: once per resolution.
struct CountingEnv {
  std::shared_ptr<std::atomic<int>> key_reads = std::make_shared<std::atomic<int>>(0);
  Environment env() const {
    const Environment base = environment_from({{"AWS_ACCESS_KEY_ID", "AKIDTEST"},
                                               {"AWS_SECRET_ACCESS_KEY", "test-secret"},
                                               {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                                               {"AWS_REGION", "eu-west-3"}});
    return [base, reads = key_reads](const std::string& name) {
      if (name == "AWS_ACCESS_KEY_ID") ++*reads;
      return base(name);
    };
  }
};

const std::string kDay9 = "kvonce-trace/2025/10/09/";
const std::string kDay10 = "kvonce-trace/2025/10/10/";

// Day 9: two valid payloads and a folder marker and a non-payload; day 10: one invalid payload
// and one the store cannot serve (HTTP 503 on every attempt).
net::HttpResponse s3_store(const net::HttpRequest& r) {
  if (r.url.find("list-type=2") != std::string::npos) {
    if (r.url.find("2025%2F10%2F09") != std::string::npos) {
      if (r.url.find("continuation-token") == std::string::npos) {
        return respond(200, s3_page({kDay9, kDay9 + "a.json", kDay9 + "notes.txt"}, "t1"));
      }
      return respond(200, s3_page({kDay9 + "b.json.gz"}));
    }
    if (r.url.find("2025%2F10%2F10") != std::string::npos) {
      return respond(200, s3_page({kDay10 + "bad.json", kDay10 + "gone.json"}));
    }
    return respond(200, s3_page({}));
  }
  if (r.url.find("gone.json") != std::string::npos)
    return respond(503, "<Error><Code>SlowDown</Code></Error>");
  if (r.url.find("bad.json") != std::string::npos) return respond(200, test::invalid_payload());
  if (r.url.find("a.json") != std::string::npos) return respond(200, test::valid_payload(2));
  if (r.url.find("b.json.gz") != std::string::npos) return respond(200, test::valid_payload(3));
  return respond(404, "<Error><Code>NoSuchKey</Code></Error>");
}

}  // namespace

TEST_CASE("RemoteStore::list") {
  SECTION("S3: ListObjectsV2 pages, payload names only, as object URIs") {
    SharedFake s3(s3_store);
    RemoteStore store(CountingEnv{}.env(), test::quick_policy());
    auto transport = s3.factory()();
    CHECK(store.list("s3://bkt/" + kDay9, *transport) ==
          std::vector<std::string>{"s3://bkt/" + kDay9 + "a.json",
                                   "s3://bkt/" + kDay9 + "b.json.gz"});
    const auto urls = s3.urls();
    REQUIRE(urls.size() == 2);
    CHECK(urls[1].find("continuation-token=t1") != std::string::npos);
  }
  SECTION("GCS: objects.list pages with the access token") {
    SharedFake gcs([](const net::HttpRequest& r) {
      CHECK(test::header_of(r, "authorization") == "Bearer ya29.test");
      if (r.url.find("pageToken") == std::string::npos) {
        return respond(
            200,
            R"({"items":[{"name":"p/a.json"},{"name":"p/x.bin"},{"name":"p/"}],"nextPageToken":"n2"})");
      }
      return respond(200, R"({"items":[{"name":"p/c.jsonl.gz"}]})");
    });
    RemoteStore store(environment_from({{"GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.test"},
                                        {"KVONCE_GCS_API_URL", "http://127.0.0.1:9100/"}}),
                      test::quick_policy());
    auto transport = gcs.factory()();
    CHECK(store.list("gs://bkt/p/", *transport) ==
          std::vector<std::string>{"gs://bkt/p/a.json", "gs://bkt/p/c.jsonl.gz"});
    CHECK(gcs.urls()[0] == "http://127.0.0.1:9100/storage/v1/b/bkt/o?prefix=p%2F");
  }
  SECTION("a refused listing is an auth error; a malformed URI a usage error") {
    SharedFake s3([](const net::HttpRequest&) {
      return respond(403, "<Error><Code>AccessDenied</Code><Message>no</Message></Error>");
    });
    RemoteStore store(CountingEnv{}.env(), test::quick_policy());
    auto transport = s3.factory()();
    try {
      store.list("s3://bkt/p/", *transport);
      FAIL("listed");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK_THAT(e.what(), Catch::Contains("AccessDenied") && Catch::Contains("s3://bkt/p/"));
    }
    CHECK_THROWS_AS(store.list("s3:///p/", *transport), Error);
  }
}

TEST_CASE("run_batch over an S3 prefix with dates") {
  SharedFake s3(s3_store);
  CountingEnv counting;
  BatchOptions options;
  options.inputs = {"s3://bkt/"};
  options.from = "2025-10-09";
  options.to = "2025-10-11";
  options.jobs = 2;
  BatchContext context{counting.env(), s3.factory(), nullptr, test::quick_policy()};

  const BatchRun run = run_batch(options, context);
  REQUIRE(run.results.size() == 4);
  CHECK(run.results[0].source == "s3://bkt/" + kDay9 + "a.json");
  CHECK(run.results[0].valid);
  CHECK(run.results[1].source == "s3://bkt/" + kDay9 + "b.json.gz");
  CHECK(run.results[1].events == 3);
  CHECK(run.results[2].source == "s3://bkt/" + kDay10 + "bad.json");
  CHECK_FALSE(run.results[2].valid);
  CHECK(run.results[2].issue_counts.count("multiple-success") == 1);
  CHECK(run.results[3].source == "s3://bkt/" + kDay10 + "gone.json");
  REQUIRE(run.results[3].error);
  CHECK(run.results[3].error->kind == "fetch");
  CHECK_THAT(run.results[3].error->message, Catch::Contains("503"));
  CHECK(batch_exit_code(tally(run.results), run.listed) == 1);

  // One listing per day (day 9 in two pages), and the credentials read once for all requests.
  std::size_t listings = 0;
  for (const auto& url : s3.urls()) listings += url.find("list-type=2") != std::string::npos;
  CHECK(listings == 4);
  CHECK(*counting.key_reads == 1);
}
