#include "tests/e2e/messaging/support/fake_provider.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/test/unit_test.hpp>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

#include "api/http/json_schema.hpp"
#include "tests/e2e/support/openapi_spec.hpp"

namespace switchboard::tests::e2e::messaging {
namespace {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) throw std::runtime_error("the fake provider answered no JSON: " + text);
  return d;
}

// The top-level properties an api/schemas file names.
std::set<std::string> properties_of(std::string_view schema_file) {
  for (const auto& [name, text] : api::http::embedded_schemas()) {
    if (name != schema_file) continue;
    const auto schema = parse_json(std::string(text));
    std::set<std::string> names;
    for (const auto& p : schema["properties"].GetObject()) names.emplace(p.name.GetString());
    return names;
  }
  throw std::runtime_error("no schema " + std::string(schema_file));
}

}  // namespace

FakeProvider::FakeProvider(const TempDir& dir, ProviderTls tls)
    : dir_(dir), tls_(std::move(tls)), port_(free_port()), control_port_(free_port()) {
  start();
}

std::string FakeProvider::base_url() const {
  return (tls_.cert_file.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
         std::to_string(port_);
}

void FakeProvider::start() {
  std::vector<std::string> args{"--port", std::to_string(port_), "--control-port",
                                std::to_string(control_port_)};
  for (const auto& [option, file] : {std::pair{"--tls-cert", tls_.cert_file},
                                     {"--tls-key", tls_.key_file},
                                     {"--tls-client-ca", tls_.client_ca_file}}) {
    if (!file.empty()) args.insert(args.end(), {option, file});
  }
  process_ = std::make_unique<ChildProcess>(SWITCHBOARD_FAKE_PROVIDER_BINARY, std::move(args),
                                            dir_.path() / "fake-provider.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  for (;;) {
    try {
      if (get({"127.0.0.1", control_port_, {}}, "/state").status == 200) return;
    } catch (const std::exception&) {
      // Not listening yet.
    }
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("the fake provider did not start; see " +
                               (dir_.path() / "fake-provider.log").string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void FakeProvider::restart() {
  process_->stop();
  start();
}

HttpResponse FakeProvider::control(const std::string& method, const std::string& path,
                                   const std::string& body) {
  HttpRequest request{
      .method = method, .target = path, .headers = {}, .body = body, .gzip_body = false};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return send({"127.0.0.1", control_port_, {}}, request);
}

HttpResponse FakeProvider::require_ok(const std::string& method, const std::string& path,
                                      const std::string& body) {
  auto r = control(method, path, body);
  if (r.status != 200) {
    throw std::runtime_error("fake provider " + method + " " + path + ": " +
                             std::to_string(r.status) + " " + r.body);
  }
  return r;
}

rapidjson::Document FakeProvider::received(const std::string& path) {
  return parse_json(require_ok("GET", "/received?path=" + path).body);
}

rapidjson::Document FakeProvider::state() {
  return parse_json(require_ok("GET", "/state").body);
}

namespace {

// {"<key>":"<value>"}, escaped.
std::string one_member(const char* key, const std::string& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
  writer.StartObject();
  writer.Key(key);
  writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  writer.EndObject();
  return buffer.GetString();
}

}  // namespace

void FakeProvider::add_token(const std::string& token) {
  require_ok("POST", "/tokens", one_member("token", token));
}

void FakeProvider::set_notice_secret(const std::string& secret) {
  require_ok("POST", "/notice-secret", one_member("secret", secret));
}

void FakeProvider::set_mode(const ProviderMode& mode) {
  require_ok("POST", "/mode",
             R"({"mode":")" + mode.mode + R"(","delay_ms":)" + std::to_string(mode.delay_ms) +
                 R"(,"status":)" + std::to_string(mode.status) + R"(,"count":)" +
                 std::to_string(mode.count) + "}");
}

void FakeProvider::expect_on_contract() {
  const auto webhooks = documented_webhooks();
  const auto requests = received();
  for (const auto& r : requests.GetArray()) {
    const std::string method = r["method"].GetString();
    const std::string path = r["path"].GetString();
    const std::string body = r["body"].GetString();
    BOOST_TEST_CONTEXT(method << " " << path << " #" << r["seq"].GetUint64() << ": " << body) {
      // The webhook the fake serves at this path with this method (set_webhook and
      // remove_webhook share /webhook).
      const DocumentedWebhook* webhook = nullptr;
      for (const auto& [name, served_at] : kFakeEndpoints) {
        const auto it = webhooks.find(name);
        if (path == served_at && it != webhooks.end() && it->second.method == method) {
          webhook = &it->second;
        }
      }
      // A notice push is no tenant's and is signed instead (the fake checks the signature).
      const bool notice = path == kNoticeWebhookPath;
      if (const auto it = webhooks.find("notice_webhook");
          notice && it != webhooks.end() && it->second.method == method) {
        webhook = &it->second;
      }
      BOOST_TEST_REQUIRE(webhook != nullptr, "no webhook in docs/openapi.yaml documents it");
      BOOST_TEST(r["idempotency_key"].GetStringLength() > 0u, "Idempotency-Key");
      if (!notice) {
        BOOST_TEST(std::string_view(r["authorization"].GetString()).starts_with("Bearer "));
        BOOST_TEST(r["tenant"].GetStringLength() > 0u, "X-Switchboard-Tenant");
      }
      if (webhook->body_schema.empty()) {
        BOOST_TEST(body.empty(), "a body where the spec documents none");
        continue;
      }
      const auto refused = api::http::validate_body(webhook->body_schema, body);
      BOOST_TEST(!refused, "does not match " << webhook->body_schema << ": "
                                             << (refused ? refused->body : ""));
      if (refused) continue;
      const auto named = properties_of(webhook->body_schema);
      const auto sent = parse_json(body);
      for (const auto& field : sent.GetObject()) {
        BOOST_TEST(named.contains(field.name.GetString()),
                   field.name.GetString()
                       << " is sent but " << webhook->body_schema << " does not document it");
      }
    }
  }
}

}  // namespace switchboard::tests::e2e::messaging
