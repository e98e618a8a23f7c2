#include "tools/fake_provider/notice_receiver.hpp"

#include <openssl/crypto.h>

#include <chrono>
#include <cstdlib>

#include "api/crypto/signature.hpp"

namespace switchboard::tools::fake_provider {
namespace {

constexpr std::int64_t kTolerance = 300;  // seconds either side of now

std::string header(const Request& request, std::string_view name) {
  const auto it = request.find(boost::beast::string_view{name.data(), name.size()});
  if (it == request.end()) return {};
  return {it->value().data(), it->value().size()};
}

}  // namespace

Answer NoticeReceiver::handle(const Request& request) {
  if (request.method() != boost::beast::http::verb::post) {
    return {405, error_body("notices are POSTed")};
  }
  if (secret_.empty()) return {401, error_body("no notice secret set")};
  const auto timestamp = header(request, "X-Switchboard-Timestamp");
  const auto signature = header(request, "X-Switchboard-Signature");
  char* end = nullptr;
  const auto seconds = std::strtoll(timestamp.c_str(), &end, 10);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (timestamp.empty() || *end != '\0' || std::llabs(now - seconds) > kTolerance) {
    return {401, error_body("X-Switchboard-Timestamp missing or not within 5 minutes of now")};
  }
  const auto expected = api::crypto::hmac_sha256_hex(secret_, timestamp + "." + request.body());
  // Compared in constant time, as a real receiver must.
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return {401, error_body("X-Switchboard-Signature does not match")};
  }
  if (!parse_object(request.body())) return {400, error_body("the body must be a JSON object")};
  accepted_.emplace_back(header(request, "Idempotency-Key"), request.body());
  return {200, R"({"ok":true})"};
}

void NoticeReceiver::write_state(JsonWriter& writer) const {
  writer.Key("notice_secret");
  writer.Bool(!secret_.empty());
  writer.Key("notices");
  writer.StartArray();
  for (const auto& [key, body] : accepted_) {
    writer.StartObject();
    writer.Key("idempotency_key");
    write_string(writer, key);
    writer.Key("notice");
    writer.RawValue(body.data(), body.size(), rapidjson::kObjectType);
    writer.EndObject();
  }
  writer.EndArray();
}

}  // namespace switchboard::tools::fake_provider
