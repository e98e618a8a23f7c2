#include "eventstore/connection_string.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>
#include <vector>

namespace switchboard::eventstore {
namespace {

// A parameter as libpq reads it: decoded key and value, and (in a URI) where "key=value" is.
struct Parameter {
  std::string key;
  std::string value;
  std::size_t begin = 0;
  std::size_t end = 0;
};

using Setting = std::pair<std::string, std::string>;

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_uri(std::string_view conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    const int low = high < 0 ? -1 : hex_value(text[i + 2]);
    if (low < 0 || (high == 0 && low == 0)) {
      throw std::invalid_argument(fmt::format("invalid percent-encoded token: \"{}\"", text));
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

// The query of postgresql://...?key=value&..., as libpq splits it: a trailing '&' is allowed,
// an empty parameter elsewhere is not.
std::vector<Parameter> uri_parameters(std::string_view uri) {
  std::vector<Parameter> out;
  const auto query = uri.find('?');
  if (query == std::string_view::npos) return out;
  for (std::size_t begin = query + 1; begin < uri.size();) {
    const auto end = std::min(uri.find('&', begin), uri.size());
    const auto text = uri.substr(begin, end - begin);
    const auto equals = text.find('=');
    if (equals == std::string_view::npos) {
      throw std::invalid_argument(
          fmt::format("missing key/value separator \"=\" in URI query parameter: \"{}\"", text));
    }
    if (text.find('=', equals + 1) != std::string_view::npos) {
      throw std::invalid_argument(
          fmt::format("extra key/value separator \"=\" in URI query parameter: \"{}\"", text));
    }
    out.push_back({percent_decode(text.substr(0, equals)), percent_decode(text.substr(equals + 1)),
                   begin, end});
    begin = end + 1;
  }
  return out;
}

// key=value settings separated by blanks, a value either bare (backslash escapes the next
// character) or in single quotes (backslash escapes there too), as libpq's conninfo_parse.
std::vector<Parameter> keyword_parameters(std::string_view text) {
  std::vector<Parameter> out;
  std::size_t i = 0;
  const auto skip_blanks = [&] {
    while (i < text.size() && is_space(text[i])) ++i;
  };
  while (skip_blanks(), i < text.size()) {
    Parameter p;
    p.begin = i;
    while (i < text.size() && text[i] != '=' && !is_space(text[i])) p.key += text[i++];
    skip_blanks();
    if (i == text.size() || text[i] != '=') {
      throw std::invalid_argument(
          fmt::format("missing \"=\" after \"{}\" in connection info string", p.key));
    }
    ++i;
    skip_blanks();
    const bool quoted = i < text.size() && text[i] == '\'';
    if (quoted) ++i;
    while (true) {
      if (i == text.size()) {
        if (quoted) throw std::invalid_argument("unterminated quoted string in connection info");
        break;
      }
      const char c = text[i++];
      if (c == '\\') {
        if (i < text.size()) p.value += text[i++];
      } else if (quoted ? c == '\'' : is_space(c)) {
        break;
      } else {
        p.value += c;
      }
    }
    p.end = i;
    out.push_back(std::move(p));
  }
  return out;
}

std::string quoted(std::string_view value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// The server settings that backend command-line options set (`-c name=value`, `-cname=value`,
// `--name=value`), split as PostgreSQL's pg_split_opts does: at blanks a backslash does not
// escape. Names are normalised as PostgreSQL compares them.
std::vector<std::string> settings_in_options(std::string_view options) {
  std::vector<std::string> words;
  std::string word;
  bool escaped = false;
  for (const char c : options) {
    if (escaped) {
      word += c;
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (is_space(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));

  std::vector<std::string> names;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view assignment = words[i];
    if (assignment == "-c" && i + 1 < words.size()) {
      assignment = words[++i];
    } else if (assignment.starts_with("-c") || assignment.starts_with("--")) {
      assignment.remove_prefix(2);
    } else {
      continue;
    }
    std::string name{assignment.substr(0, assignment.find('='))};
    std::ranges::transform(name, name.begin(), [](unsigned char c) {
      return c == '-' ? '_' : static_cast<char>(std::tolower(c));
    });
    names.push_back(std::move(name));
  }
  return names;
}

struct Probing {
  long idle_s;
  long interval_s;
  long count;
  long user_timeout_ms;
};

// Probes start after a third of the bound and repeat every sixth of it, so the last one falls
// due at the bound. Linux closes a connection at the first unanswered probe past
// tcp_user_timeout (the count is for systems without it), and tcp_user_timeout alone closes one
// whose sent data stays unacknowledged that long.
Probing probing_within(std::chrono::milliseconds bound) {
  const long ms = std::max<long>(bound.count(), 1);
  const long idle = std::max(1L, ms / 3000);
  const long interval = std::max(1L, ms / 6000);
  const long count = std::max(1L, (ms - idle * 1000 + interval * 1000 - 1) / (interval * 1000));
  return {idle, interval, count, ms};
}

}  // namespace

std::string with_dead_peer_timeouts(std::string_view conninfo, std::chrono::milliseconds takeover,
                                    std::string_view default_options) {
  const bool uri = is_uri(conninfo);
  auto parameters = uri ? uri_parameters(conninfo) : keyword_parameters(conninfo);
  // libpq takes the last of a repeated key.
  const auto last = [&parameters](std::string_view key) -> Parameter* {
    const auto it = std::ranges::find(parameters.rbegin(), parameters.rend(), key, &Parameter::key);
    return it == parameters.rend() ? nullptr : &*it;
  };

  const auto client = probing_within(takeover * 2 / 3);
  std::vector<Setting> added;
  for (auto& setting : std::vector<Setting>{
           {"keepalives", "1"},
           {"keepalives_idle", std::to_string(client.idle_s)},
           {"keepalives_interval", std::to_string(client.interval_s)},
           {"keepalives_count", std::to_string(client.count)},
           {"tcp_user_timeout", std::to_string(client.user_timeout_ms)},
       }) {
    if (!last(setting.first)) added.push_back(std::move(setting));
  }

  const auto server = probing_within(takeover);
  auto* options = last("options");
  const std::string given{options ? std::string_view{options->value} : default_options};
  const auto set = settings_in_options(given);
  std::string merged = given;
  // A dangling escape would take the blank before the first added switch; it escapes nothing.
  const auto backslashes =
      std::find_if_not(merged.rbegin(), merged.rend(), [](char c) { return c == '\\'; }) -
      merged.rbegin();
  if (backslashes % 2 == 1) merged.pop_back();
  for (const auto& [name, value] : std::vector<Setting>{
           {"tcp_keepalives_idle", std::to_string(server.idle_s)},
           {"tcp_keepalives_interval", std::to_string(server.interval_s)},
           {"tcp_keepalives_count", std::to_string(server.count)},
           {"tcp_user_timeout", std::to_string(server.user_timeout_ms)},
       }) {
    if (std::ranges::find(set, name) != set.end()) continue;
    if (!merged.empty()) merged += ' ';
    merged += fmt::format("-c {}={}", name, value);
  }

  std::string out{conninfo};
  const auto encoded = [](std::string_view key, std::string_view value) {
    return percent_encode(key) + "=" + percent_encode(value);
  };
  if (merged != given) {
    if (!options) {
      added.emplace_back("options", merged);
    } else if (uri) {
      out.replace(options->begin, options->end - options->begin, encoded("options", merged));
    } else {
      options->value = merged;
    }
  }

  if (!uri) {
    // Written out again rather than appended to: a bare value's trailing backslash would escape
    // the blank before the first added setting.
    out.clear();
    for (const auto& p : parameters) out += fmt::format("{}={} ", p.key, quoted(p.value));
    for (const auto& [key, value] : added) out += fmt::format("{}={} ", key, quoted(value));
    if (!out.empty()) out.pop_back();
    return out;
  }
  for (const auto& [key, value] : added) {
    if (out.find('?') == std::string::npos) {
      out += '?';
    } else if (!out.ends_with('?') && !out.ends_with('&')) {
      out += '&';
    }
    out += encoded(key, value);
  }
  return out;
}

}  // namespace switchboard::eventstore
