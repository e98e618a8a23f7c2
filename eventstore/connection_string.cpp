#include "eventstore/connection_string.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace switchboard::eventstore {
namespace {

using Setting = std::pair<std::string, std::string>;

// What the string sets, as libpq reads it (a URI or key=value settings; no defaults, no
// environment).
std::map<std::string, std::string> libpq_settings(std::string_view conninfo) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> parsed{
      PQconninfoParse(std::string(conninfo).c_str(), &error), &PQconninfoFree};
  if (!parsed) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
      message.pop_back();
    }
    throw std::invalid_argument(message);
  }
  std::map<std::string, std::string> settings;
  for (const auto* o = parsed.get(); o->keyword != nullptr; ++o) {
    if (o->val != nullptr) settings[o->keyword] = o->val;
  }
  return settings;
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
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
  auto settings = libpq_settings(conninfo);

  const auto client = probing_within(takeover * 2 / 3);
  for (auto& [key, value] : std::vector<Setting>{
           {"keepalives", "1"},
           {"keepalives_idle", std::to_string(client.idle_s)},
           {"keepalives_interval", std::to_string(client.interval_s)},
           {"keepalives_count", std::to_string(client.count)},
           {"tcp_user_timeout", std::to_string(client.user_timeout_ms)},
       }) {
    settings.try_emplace(std::move(key), std::move(value));
  }

  const auto server = probing_within(takeover);
  const auto given_options = settings.find("options");
  const std::string given{given_options != settings.end() ? std::string_view{given_options->second}
                                                          : default_options};
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
  if (merged != given) settings["options"] = merged;

  // Written out as key=value settings whatever the input's form: libpq reads both alike.
  std::string out;
  for (const auto& [key, value] : settings) {
    if (!out.empty()) out += ' ';
    out += key + '=' + quoted(value);
  }
  return out;
}

std::string with_dead_peer_timeouts_from_environment(std::string_view conninfo,
                                                     std::chrono::milliseconds takeover) {
  const char* pgoptions = std::getenv("PGOPTIONS");
  return with_dead_peer_timeouts(conninfo, takeover, pgoptions != nullptr ? pgoptions : "");
}

}  // namespace switchboard::eventstore
