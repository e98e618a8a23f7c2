#include "commands/command_context.hpp"

#include <openssl/rand.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <random>

#include "eventstore/digest.hpp"

namespace switchboard::commands {
namespace {

std::string uuid_text(unsigned char* b, unsigned char version) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | (version << 4));
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  const auto h = eventstore::hex(b, 16);
  return h.substr(0, 8) + '-' + h.substr(8, 4) + '-' + h.substr(12, 4) + '-' + h.substr(16, 4) +
         '-' + h.substr(20);
}

}  // namespace

std::string new_uuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    thread_local std::mt19937_64 fallback{std::random_device{}()};
    for (auto& x : b) x = static_cast<unsigned char>(fallback());
  }
  return uuid_text(b.data(), 4);
}

std::string name_uuid(std::string_view name) {
  auto digest = eventstore::sha256(name);
  return uuid_text(digest.data(), 8);
}

std::string metadata_json(const CommandContext& c) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  const auto field = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  field("tenant", c.tenant);
  field("actor", c.actor);
  field("correlation_id", c.correlation_id);
  field("causation_id", c.causation_id);
  field("command_id", c.command_id);
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::string fingerprint(std::string_view canonical_command) {
  return eventstore::sha256_hex(canonical_command).substr(0, 32);
}

}  // namespace switchboard::commands
