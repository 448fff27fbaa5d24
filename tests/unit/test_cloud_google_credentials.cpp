// Google access tokens: explicit token, service-account JWT (verified with the public key),
// external accounts (subject token, STS exchange, impersonation), with a fake transport.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/cloud/google_credentials.hpp"
#include "kvonce/cloud/google_external_account.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/error.hpp"

#include "cloud_fake_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::cloud;
using kvonce::test::FakeTransport;
using kvonce::test::form_fields;
using kvonce::test::respond;
using nlohmann::json;

namespace {

// One key pair for the whole test binary: generating RSA keys takes a while.
const crypto::RsaKeyPair& test_keys() {
  static const crypto::RsaKeyPair keys = crypto::generate_rsa_key_pair(2048);
  return keys;
}

std::string b64url_decode(const std::string& text) {
  std::string out;
  REQUIRE(crypto::base64_decode(text, out));
  return out;
}

std::vector<std::string> split_jwt(const std::string& jwt) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot; (dot = jwt.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(jwt.substr(start, dot - start));
  }
  parts.push_back(jwt.substr(start));
  return parts;
}

std::string service_account_file(const std::string& token_uri) {
  return json{{"type", "service_account"},
              {"project_id", "p"},
              {"private_key_id", "kid-1"},
              {"private_key", test_keys().private_pem},
              {"client_email", "reader@p.iam.gserviceaccount.com"},
              {"token_uri", token_uri}}
      .dump();
}

net::HttpResponse unexpected(const net::HttpRequest& r) {
  FAIL("unexpected request to " << r.url);
  return respond(500, "");
}

}  // namespace

TEST_CASE("service_account_jwt") {
  ServiceAccountKey key{"reader@p.iam.gserviceaccount.com", test_keys().private_pem, "kid-1",
                        "https://oauth2.googleapis.com/token"};
  const std::string jwt = service_account_jwt(key, kStorageReadScope, 1700000000);
  const auto parts = split_jwt(jwt);
  REQUIRE(parts.size() == 3);

  SECTION("header and claims") {
    const auto header = json::parse(b64url_decode(parts[0]));
    CHECK(header == json{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-1"}});
    const auto claims = json::parse(b64url_decode(parts[1]));
    CHECK(claims["iss"] == "reader@p.iam.gserviceaccount.com");
    CHECK(claims["aud"] == "https://oauth2.googleapis.com/token");
    CHECK(claims["scope"] == "https://www.googleapis.com/auth/devstorage.read_only");
    CHECK(claims["iat"] == 1700000000);
    CHECK(claims["exp"] == 1700003600);
  }
  SECTION("base64url without padding") {
    CHECK(jwt.find_first_of("+/=") == std::string::npos);
  }
  SECTION("the signature verifies with the public key, and only over the signed text") {
    const std::string signature = b64url_decode(parts[2]);
    CHECK(signature.size() == 256);
    CHECK(crypto::rsa_sha256_verify(test_keys().public_pem, parts[0] + "." + parts[1], signature));
    CHECK_FALSE(crypto::rsa_sha256_verify(test_keys().public_pem, parts[0] + "." + parts[1] + "x",
                                          signature));
    const auto other = crypto::generate_rsa_key_pair(2048);
    CHECK_FALSE(crypto::rsa_sha256_verify(other.public_pem, parts[0] + "." + parts[1], signature));
  }
  SECTION("an unreadable key is an auth error that does not quote it") {
    key.private_key = "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n";
    try {
      service_account_jwt(key, kStorageReadScope, 1);
      FAIL("signed");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("not-a-key") == std::string::npos);
    }
  }
}

TEST_CASE("resolve_google_token") {
  test::TempDir dir;
  FakeTransport offline(unexpected);
  ApiContext offline_context{offline, test::quick_policy(), {}};

  SECTION("GOOGLE_OAUTH_ACCESS_TOKEN wins") {
    test::write_file(dir / "sa.json", service_account_file("http://127.0.0.1:1/token"));
    const auto t = resolve_google_token(
        environment_from({{"GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.direct"},
                          {"GOOGLE_APPLICATION_CREDENTIALS", (dir / "sa.json").string()}}),
        offline_context, std::nullopt);
    CHECK(t.access_token == "ya29.direct");
    CHECK(offline.requests.empty());
  }
  SECTION("a service account key: the signed JWT goes to its token_uri") {
    test::write_file(dir / "sa.json", service_account_file("http://127.0.0.1:1/token"));
    FakeTransport oauth([](const net::HttpRequest& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == "http://127.0.0.1:1/token");
      const auto form = form_fields(r.body);
      CHECK(form.at("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer");
      const auto parts = split_jwt(form.at("assertion"));
      REQUIRE(parts.size() == 3);
      CHECK(crypto::rsa_sha256_verify(test_keys().public_pem, parts[0] + "." + parts[1],
                                      b64url_decode(parts[2])));
      CHECK(json::parse(b64url_decode(parts[1]))["aud"] == "http://127.0.0.1:1/token");
      return respond(200, R"({"access_token":"ya29.sa","expires_in":3599,"token_type":"Bearer"})");
    });
    ApiContext context{oauth, test::quick_policy(), {}};
    const auto t = resolve_google_token(
        environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "sa.json").string()}}), context,
        std::nullopt);
    CHECK(t.access_token == "ya29.sa");
    CHECK(oauth.requests.size() == 1);
  }
  SECTION("the token endpoint can be overridden (option, then KVONCE_GCS_TOKEN_URL)") {
    test::write_file(dir / "sa.json", service_account_file("https://oauth2.googleapis.com/token"));
    FakeTransport oauth([](const net::HttpRequest&) {
      return respond(200, R"({"access_token":"ya29.override"})");
    });
    ApiContext context{oauth, test::quick_policy(), {}};
    const auto env =
        environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "sa.json").string()},
                          {"KVONCE_GCS_TOKEN_URL", "http://127.0.0.1:7/env"}});
    resolve_google_token(env, context, std::nullopt);
    resolve_google_token(env, context, std::string("http://127.0.0.1:8/opt"));
    REQUIRE(oauth.requests.size() == 2);
    CHECK(oauth.requests[0].url == "http://127.0.0.1:7/env");
    CHECK(oauth.requests[1].url == "http://127.0.0.1:8/opt");
  }
  SECTION("a refused assertion is an auth error with the OAuth error code") {
    test::write_file(dir / "sa.json", service_account_file("http://127.0.0.1:1/token"));
    FakeTransport oauth([](const net::HttpRequest&) {
      return respond(400,
                     R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})");
    });
    ApiContext context{oauth, test::quick_policy(), {}};
    try {
      resolve_google_token(
          environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "sa.json").string()}}),
          context, std::nullopt);
      FAIL("accepted");
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(message.find("invalid_grant") != std::string::npos);
      CHECK(message.find("Invalid JWT Signature.") != std::string::npos);
      CHECK(message.find("PRIVATE KEY") == std::string::npos);
    }
  }
  SECTION("an external account with a file source and impersonation") {
    test::write_file(dir / "subject.txt", "  subject-jwt\n");
    test::write_file(
        dir / "ext.json",
        json{{"type", "external_account"},
             {"audience",
              "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/"
              "p/providers/gh"},
             {"subject_token_type", "urn:ietf:params:oauth:token-type:jwt"},
             {"token_url", "http://127.0.0.1:5/v1/token"},
             {"service_account_impersonation_url",
              "http://127.0.0.1:6/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:"
              "generateAccessToken"},
             {"credential_source", {{"file", (dir / "subject.txt").string()}}}}
            .dump());
    FakeTransport google([](const net::HttpRequest& r) {
      if (r.url == "http://127.0.0.1:5/v1/token") {
        const auto form = form_fields(r.body);
        CHECK(form.at("grant_type") == "urn:ietf:params:oauth:grant-type:token-exchange");
        CHECK(form.at("subject_token") == "subject-jwt");
        CHECK(form.at("subject_token_type") == "urn:ietf:params:oauth:token-type:jwt");
        CHECK(form.at("requested_token_type") == "urn:ietf:params:oauth:token-type:access_token");
        CHECK(form.at("audience").find("workloadIdentityPools/p/providers/gh") !=
              std::string::npos);
        CHECK(form.at("scope") == "https://www.googleapis.com/auth/cloud-platform");
        return respond(200, R"({"access_token":"federated","token_type":"Bearer"})");
      }
      CHECK(r.url.find(":generateAccessToken") != std::string::npos);
      CHECK(test::header_of(r, "authorization") == "Bearer federated");
      const auto body = json::parse(r.body);
      CHECK(body["scope"] == json::array({"https://www.googleapis.com/auth/devstorage.read_only"}));
      return respond(200,
                     R"({"accessToken":"ya29.impersonated","expireTime":"2030-01-01T00:00:00Z"})");
    });
    ApiContext context{google, test::quick_policy(), {}};
    const auto t = resolve_google_token(
        environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "ext.json").string()}}),
        context, std::nullopt);
    CHECK(t.access_token == "ya29.impersonated");
    CHECK(google.requests.size() == 2);
  }
  SECTION("an external account without impersonation uses the federated token") {
    test::write_file(dir / "subject.txt", "subject-jwt");
    test::write_file(dir / "ext.json",
                     json{{"type", "external_account"},
                          {"audience", "aud"},
                          {"subject_token_type", "urn:ietf:params:oauth:token-type:jwt"},
                          {"token_url", "http://127.0.0.1:5/v1/token"},
                          {"credential_source", {{"file", (dir / "subject.txt").string()}}}}
                         .dump());
    FakeTransport google(
        [](const net::HttpRequest&) { return respond(200, R"({"access_token":"federated"})"); });
    ApiContext context{google, test::quick_policy(), {}};
    CHECK(resolve_google_token(
              environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "ext.json").string()}}),
              context, std::nullopt)
              .access_token == "federated");
  }
  SECTION("missing, unreadable and unsupported credentials are auth errors") {
    test::write_file(dir / "user.json", R"({"type":"authorized_user"})");
    test::write_file(dir / "junk.json", "not json");
    for (const auto& env :
         {environment_from({}),
          environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "absent.json").string()}}),
          environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "user.json").string()}}),
          environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", (dir / "junk.json").string()}})}) {
      try {
        resolve_google_token(env, offline_context, std::nullopt);
        FAIL("accepted");
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::auth);
      }
    }
  }
}

TEST_CASE("resolve_google_token: a key file's content set in place of its path is not quoted") {
  FakeTransport offline(unexpected);
  ApiContext context{offline, test::quick_policy(), {}};
  // As pasted from a secret: the JSON text itself, private key and all. Whether the lookup fails
  // (a part between two '/' longer than a file name may be) or finds no file, it is not repeated.
  const std::string content = service_account_file("http://127.0.0.1:1/token");
  for (const std::string& value : {content, std::string(R"({"type":"service_account"})")}) {
    try {
      resolve_google_token(environment_from({{"GOOGLE_APPLICATION_CREDENTIALS", value}}), context,
                           std::nullopt);
      FAIL("accepted");
    } catch (const Error& e) {
      const std::string message = e.what();
      CAPTURE(message);
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(message.find("GOOGLE_APPLICATION_CREDENTIALS") != std::string::npos);
      CHECK(message.find("service_account") == std::string::npos);
      CHECK(message.find("PRIVATE KEY") == std::string::npos);
    }
  }
  CHECK(offline.requests.empty());
}

TEST_CASE("external_subject_token") {
  test::TempDir dir;
  SECTION("from a URL with headers, JSON format") {
    const json config = {{"credential_source",
                          {{"url", "http://127.0.0.1:9/token?audience=x"},
                           {"headers", {{"Authorization", "Bearer request-token"}}},
                           {"format", {{"type", "json"}, {"subject_token_field_name", "value"}}}}}};
    FakeTransport oidc([](const net::HttpRequest& r) {
      CHECK(r.url == "http://127.0.0.1:9/token?audience=x");
      CHECK(test::header_of(r, "authorization") == "Bearer request-token");
      return respond(200, R"({"count":1,"value":"oidc-subject"})");
    });
    ApiContext context{oidc, test::quick_policy(), {}};
    CHECK(external_subject_token(config, "ext.json", context) == "oidc-subject");
  }
  SECTION("JSON format without the named member") {
    test::write_file(dir / "s.json", R"({"other":"x"})");
    const json config = {{"credential_source",
                          {{"file", (dir / "s.json").string()},
                           {"format", {{"type", "json"}, {"subject_token_field_name", "value"}}}}}};
    FakeTransport offline(unexpected);
    ApiContext context{offline, test::quick_policy(), {}};
    CHECK_THROWS_AS(external_subject_token(config, "ext.json", context), Error);
  }
  SECTION("a source with neither file nor url") {
    FakeTransport offline(unexpected);
    ApiContext context{offline, test::quick_policy(), {}};
    CHECK_THROWS_AS(
        external_subject_token(json{{"credential_source", {{"executable", {}}}}}, "e", context),
        Error);
  }
}
