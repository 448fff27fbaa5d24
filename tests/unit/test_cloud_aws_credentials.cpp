// The AWS credential chain, with STS and the Actions OIDC endpoint played by a fake transport.
#include <catch2/catch.hpp>

#include "kvonce/cloud/aws_credentials.hpp"
#include "kvonce/util/error.hpp"

#include "cloud_fake_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::cloud;
using kvonce::test::FakeTransport;
using kvonce::test::form_fields;
using kvonce::test::respond;

namespace {

const std::string kStsAnswer = R"(<AssumeRoleWithWebIdentityResponse
    xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <SessionToken>FwoGZXIvYXdz&amp;token</SessionToken>
      <SecretAccessKey>sts-secret</SecretAccessKey>
      <Expiration>2030-01-01T00:00:00Z</Expiration>
      <AccessKeyId>ASIASTSKEY</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

net::HttpResponse unexpected(const net::HttpRequest& r) {
  FAIL("unexpected request to " << r.url);
  return respond(500, "");
}

}  // namespace

TEST_CASE("resolve_aws_credentials") {
  test::TempDir dir;
  FakeTransport offline(unexpected);
  ApiContext context{offline, test::quick_policy(), {}};

  SECTION("environment keys come first, with the session token") {
    test::write_file(dir / "credentials",
                     "[default]\naws_access_key_id=FILE\naws_secret_access_key=f\n");
    const auto c = resolve_aws_credentials(
        environment_from({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                          {"AWS_SECRET_ACCESS_KEY", "env-secret"},
                          {"AWS_SESSION_TOKEN", "env-token"},
                          {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                          {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()},
                          {"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()}}),
        context, "us-east-1");
    CHECK(c.access_key_id == "AKIDENV");
    CHECK(c.secret_access_key == "env-secret");
    CHECK(c.session_token == "env-token");
    CHECK(offline.requests.empty());
  }
  SECTION("half a key pair is an auth error that names the missing variable") {
    try {
      resolve_aws_credentials(environment_from({{"AWS_ACCESS_KEY_ID", "AKID"}}), context, "r");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
    }
  }
  SECTION("web identity from a token file, exchanged at STS") {
    test::write_file(dir / "token", "header.claims.sig\n");
    FakeTransport sts([](const net::HttpRequest& r) {
      CHECK(r.method == "POST");
      CHECK(r.url == "https://sts.eu-west-1.amazonaws.com/");
      CHECK(test::header_of(r, "authorization") == "<absent>");  // the call is unsigned
      const auto form = form_fields(r.body);
      CHECK(form.at("Action") == "AssumeRoleWithWebIdentity");
      CHECK(form.at("Version") == "2011-06-15");
      CHECK(form.at("RoleArn") == "arn:aws:iam::123456789012:role/ci");
      CHECK(form.at("WebIdentityToken") == "header.claims.sig");
      CHECK(form.at("RoleSessionName") == "my-session");
      return respond(200, kStsAnswer);
    });
    ApiContext sts_context{sts, test::quick_policy(), {}};
    const auto c = resolve_aws_credentials(
        environment_from({{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci"},
                          {"AWS_ROLE_SESSION_NAME", "my-session"},
                          {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()},
                          {"HOME", dir.path().string()}}),
        sts_context, "eu-west-1");
    CHECK(sts.requests.size() == 1);
    CHECK(c.access_key_id == "ASIASTSKEY");
    CHECK(c.secret_access_key == "sts-secret");
    CHECK(c.session_token == "FwoGZXIvYXdz&token");
  }
  SECTION("web identity from the GitHub Actions OIDC endpoint, STS endpoint overridden") {
    FakeTransport services([](const net::HttpRequest& r) {
      if (r.method == "GET") {
        CHECK(r.url == "http://127.0.0.1:1/token?api-version=2.0&audience=sts.amazonaws.com");
        CHECK(test::header_of(r, "authorization") == "bearer request-token");
        return respond(200, R"({"count":1,"value":"oidc.jwt.value"})");
      }
      CHECK(r.url == "http://127.0.0.1:2/");
      CHECK(form_fields(r.body).at("WebIdentityToken") == "oidc.jwt.value");
      CHECK(form_fields(r.body).at("RoleSessionName").rfind("kvonce-trace-", 0) == 0);
      return respond(200, kStsAnswer);
    });
    ApiContext services_context{services, test::quick_policy(), {}};
    const auto c = resolve_aws_credentials(
        environment_from(
            {{"AWS_ROLE_ARN", "arn:aws:iam::1:role/ci"},
             {"ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:1/token?api-version=2.0"},
             {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token"},
             {"AWS_ENDPOINT_URL", "http://127.0.0.1:3"},
             {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2"}}),
        services_context, "us-east-1");
    CHECK(services.requests.size() == 2);
    CHECK(c.access_key_id == "ASIASTSKEY");
  }
  SECTION("an STS refusal is an auth error with STS's code, without the token") {
    test::write_file(dir / "token", "secret-web-identity-token");
    FakeTransport sts([](const net::HttpRequest&) {
      return respond(400, R"(<ErrorResponse><Error><Type>Sender</Type>
        <Code>InvalidIdentityToken</Code><Message>Incorrect token audience</Message></Error>
        </ErrorResponse>)");
    });
    ApiContext sts_context{sts, test::quick_policy(), {}};
    try {
      resolve_aws_credentials(
          environment_from({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/ci"},
                            {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()}}),
          sts_context, "us-east-1");
      FAIL("accepted");
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(message.find("InvalidIdentityToken") != std::string::npos);
      CHECK(message.find("Incorrect token audience") != std::string::npos);
      CHECK(message.find("arn:aws:iam::1:role/ci") != std::string::npos);
      CHECK(message.find("secret-web-identity-token") == std::string::npos);
    }
    CHECK(sts.requests.size() == 1);  // 4xx is not retried
  }
  SECTION("an OIDC refusal hints at the id-token permission") {
    FakeTransport oidc([](const net::HttpRequest&) { return respond(403, "{}"); });
    ApiContext oidc_context{oidc, test::quick_policy(), {}};
    try {
      resolve_aws_credentials(
          environment_from({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/ci"},
                            {"ACTIONS_ID_TOKEN_REQUEST_URL", "https://actions.example/t?x=1"},
                            {"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token"}}),
          oidc_context, "us-east-1");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("id-token: write") != std::string::npos);
      CHECK(std::string(e.what()).find("request-token") == std::string::npos);
    }
  }
  SECTION("the shared credentials file, AWS_PROFILE selecting the section") {
    test::write_file(dir / "credentials",
                     "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\n"
                     "aws_secret_access_key = default-secret\n\n[ci]\r\n"
                     "aws_access_key_id=AKIDCI\r\naws_secret_access_key=ci-secret\r\n"
                     "aws_session_token=ci-token\r\n");
    const auto d = resolve_aws_credentials(
        environment_from({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()}}),
        context, "us-east-1");
    CHECK(d.access_key_id == "AKIDDEFAULT");
    CHECK(d.secret_access_key == "default-secret");
    CHECK(d.session_token.empty());
    const auto ci = resolve_aws_credentials(
        environment_from({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
                          {"AWS_PROFILE", "ci"}}),
        context, "us-east-1");
    CHECK(ci.access_key_id == "AKIDCI");
    CHECK(ci.session_token == "ci-token");
  }
  SECTION("the file under HOME when no path is given") {
    std::filesystem::create_directories(dir / ".aws");
    test::write_file(dir / ".aws" / "credentials",
                     "[default]\naws_access_key_id=AKIDHOME\naws_secret_access_key=s\n");
    CHECK(resolve_aws_credentials(environment_from({{"HOME", dir.path().string()}}), context, "r")
              .access_key_id == "AKIDHOME");
  }
  SECTION("an unknown profile is an auth error naming it") {
    test::write_file(dir / "credentials",
                     "[default]\naws_access_key_id=A\naws_secret_access_key=s\n");
    try {
      resolve_aws_credentials(
          environment_from({{"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()},
                            {"AWS_PROFILE", "prod"}}),
          context, "r");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("prod") != std::string::npos);
    }
  }
  SECTION("a profile only in the config file: the error says such profiles are not read") {
    std::filesystem::create_directories(dir / ".aws");
    test::write_file(dir / ".aws" / "config",
                     "[default]\nregion = eu-west-3\n\n[profile ci]\nrole_arn = "
                     "arn:aws:iam::1:role/r\nsource_profile = default\n");
    for (const bool with_credentials_file : {false, true}) {
      if (with_credentials_file) {
        test::write_file(dir / ".aws" / "credentials",
                         "[default]\naws_access_key_id=A\naws_secret_access_key=s\n");
      }
      try {
        resolve_aws_credentials(
            environment_from({{"HOME", dir.path().string()}, {"AWS_PROFILE", "ci"}}), context, "r");
        FAIL("accepted");
      } catch (const Error& e) {
        const std::string message = e.what();
        CHECK(e.kind() == ErrorKind::auth);
        CHECK_THAT(message, Catch::Contains("AWS_PROFILE=ci"));
        CHECK_THAT(message, Catch::Contains("config-file profiles"));
        CHECK_THAT(message, Catch::Contains((dir / ".aws" / "config").string()));
      }
    }
    // A profile that is in neither file gets no such hint.
    try {
      resolve_aws_credentials(
          environment_from({{"HOME", dir.path().string()}, {"AWS_PROFILE", "other"}}), context,
          "r");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK_THAT(std::string(e.what()), !Catch::Contains("config-file profiles"));
    }
  }
  SECTION("a token file without a role is not web identity, and the message says why") {
    test::write_file(dir / "token", "t");
    try {
      resolve_aws_credentials(
          environment_from({{"HOME", dir.path().string()},
                            {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()}}),
          context, "r");
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("AWS_ROLE_ARN is not") != std::string::npos);
    }
    CHECK(offline.requests.empty());
  }
  SECTION("a secret where a file's path belongs is not quoted") {
    // A token or a credentials file's text set in place of its path, and a value too long to be
    // a path at all: each names no file, and the message must not repeat it.
    const std::string token = "eyJ-canary-token." + std::string(300, 'x') + ".sig";
    const std::string ini = "[ci]\naws_access_key_id=AKID\naws_secret_access_key=canary/secret";
    for (const auto& env :
         {environment_from({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                            {"AWS_WEB_IDENTITY_TOKEN_FILE", "eyJ-canary-token.claims.sig"}}),
          environment_from(
              {{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}, {"AWS_WEB_IDENTITY_TOKEN_FILE", token}}),
          environment_from({{"AWS_SHARED_CREDENTIALS_FILE", ini}, {"AWS_PROFILE", "ci"}})}) {
      try {
        resolve_aws_credentials(env, context, "r");
        FAIL("accepted");
      } catch (const Error& e) {
        const std::string message = e.what();
        CAPTURE(message);
        CHECK(e.kind() == ErrorKind::auth);
        CHECK(message.find("canary") == std::string::npos);
        CHECK((message.find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos ||
               message.find("AWS_SHARED_CREDENTIALS_FILE") != std::string::npos));
      }
    }
    CHECK(offline.requests.empty());
  }
  SECTION("nothing at all: one message listing every way") {
    try {
      resolve_aws_credentials(environment_from({{"HOME", dir.path().string()},
                                                {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"}}),
                              context, "r");
      FAIL("accepted");
    } catch (const Error& e) {
      const std::string message = e.what();
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(message.find("AWS_ACCESS_KEY_ID") != std::string::npos);
      CHECK(message.find("AWS_WEB_IDENTITY_TOKEN_FILE") != std::string::npos);
      CHECK(message.find("AWS_ROLE_ARN is set") != std::string::npos);
    }
  }
}

TEST_CASE("parse_sts_credentials") {
  SECTION("an answer without credentials is an auth error") {
    CHECK_THROWS_AS(parse_sts_credentials("<AssumeRoleWithWebIdentityResponse/>"), Error);
    CHECK_THROWS_AS(
        parse_sts_credentials("<Credentials><AccessKeyId>A</AccessKeyId></Credentials>"), Error);
  }
  SECTION("surrounding whitespace is dropped") {
    const auto c = parse_sts_credentials(
        "<Credentials><AccessKeyId> A </AccessKeyId><SecretAccessKey>\nS\n</SecretAccessKey>"
        "<SessionToken>T</SessionToken></Credentials>");
    CHECK(c.access_key_id == "A");
    CHECK(c.secret_access_key == "S");
  }
}

TEST_CASE("parse_shared_credentials") {
  SECTION("absent profile") {
    CHECK(parse_shared_credentials("[a]\nx=1\n", "b") == std::nullopt);
  }
  SECTION("a profile without a secret") {
    CHECK_THROWS_AS(parse_shared_credentials("[a]\naws_access_key_id=A\n", "a"), Error);
  }
  SECTION("keys are case-insensitive, '; comments' skipped, last section line wins") {
    const auto c = parse_shared_credentials(
        "; c\n[ a ]\nAWS_ACCESS_KEY_ID=A\naws_secret_access_key=S=with=equals\n", "a");
    REQUIRE(c);
    CHECK(c->access_key_id == "A");
    CHECK(c->secret_access_key == "S=with=equals");
  }
}
