#include "api/http/encoding.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>

#include "api/http/types.hpp"

namespace switchboard::api::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// gzip framing: window bits 15, +16 selects the gzip header and trailer.
constexpr int gzip_window_bits = 15 + 16;

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    const auto semicolon = item.find(';');
    const auto coding = trim(item.substr(0, semicolon));
    if (!iequals(coding, "gzip") && !iequals(coding, "x-gzip") && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    const auto parameter = trim(item.substr(semicolon + 1));
    if (parameter.size() < 2 || std::tolower(static_cast<unsigned char>(parameter[0])) != 'q' ||
        parameter[1] != '=') {
      return true;
    }
    // "q=0", "q=0.", "q=0.000" refuse; any other weight accepts.
    const auto weight = trim(parameter.substr(2));
    const bool zero =
        !weight.empty() && weight.front() == '0' &&
        std::all_of(weight.begin() + 1, weight.end(), [](char c) { return c == '.' || c == '0'; });
    if (!zero) return true;
  }
  return false;
}

std::string gzip(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Inflated gunzip(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, gzip_window_bits) != Z_OK) return {Inflated::Status::corrupt, {}};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());

  std::string out;
  std::array<char, 16384> chunk;
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    result = inflate(&stream, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - stream.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return {Inflated::Status::too_large, {}};
    }
    out.append(chunk.data(), produced);
    // Z_BUF_ERROR with input left means no progress is possible: truncated input.
    if (result == Z_BUF_ERROR || (result == Z_OK && stream.avail_in == 0 && produced == 0)) break;
  }
  inflateEnd(&stream);
  // Trailing bytes after the gzip member are refused rather than silently ignored.
  if (result != Z_STREAM_END || stream.avail_in != 0) return {Inflated::Status::corrupt, {}};
  return {Inflated::Status::ok, std::move(out)};
}

std::string new_request_id() {
  thread_local std::mt19937_64 random = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64{seed};
  }();
  return fmt::format("{:016x}{:016x}", random(), random());
}

std::string request_id_for(std::optional<std::string_view> client_value) {
  const auto allowed = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == ':' ||
           c == '-';
  };
  if (client_value && !client_value->empty() && client_value->size() <= 128 &&
      std::all_of(client_value->begin(), client_value->end(), allowed)) {
    return std::string{*client_value};
  }
  return new_request_id();
}

}  // namespace switchboard::api::http
