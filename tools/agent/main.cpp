// switchboard-agent: a contact-centre agent's console for the CTI middleware (seed 004).
//
//   switchboard-agent -a http://127.0.0.1:8080
//
// Asks for the login and password, then shows the agent's events as they come (long-poll,
// acknowledging each batch) while reading commands from standard input. `help` lists them.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <iostream>
#include <mutex>
#include <thread>

#include "tools/agent/command_parser.hpp"
#include "tools/agent/middleware_client.hpp"

namespace {

namespace agent = switchboard::tools::agent;

std::mutex output;

void say(const std::string& line) {
  std::lock_guard lock(output);
  std::cout << line << std::endl;
}

std::string ask(const std::string& prompt, bool secret) {
  const bool terminal = isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cout << prompt << std::flush;
    if (secret) {
      tcgetattr(STDIN_FILENO, &saved);
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
  }
  std::string line;
  std::getline(std::cin, line);
  if (terminal && secret) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cout << '\n';
  }
  return line;
}

std::string text(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsBool()) return it->value.GetBool() ? "true" : "false";
  return {};
}

// One line per event; calls get their useful fields, anything else its JSON.
std::string describe(const rapidjson::Value& e, const std::string& json) {
  const auto name = text(e, "name");
  std::string line = "<< [" + text(e, "seq") + "] " + name;
  if (name == "NewCall" || name == "CallStatus") {
    line += " cid=" + text(e, "cid") + " state=" + text(e, "state") +
            " direction=" + text(e, "direction") + " hold=" + text(e, "hold") +
            " muted=" + text(e, "muted") + " '" + text(e, "displayName") + "'";
    return line;
  }
  return line + " " + json;
}

void follow_events(const agent::MiddlewareClient& client, std::atomic<bool>& running) {
  std::int64_t cursor = 0;
  while (running) {
    try {
      const auto target = "/api/v1/events?wait=20" +
                          (cursor > 0 ? "&after=" + std::to_string(cursor) : std::string{});
      const auto reply = client.get(target, std::chrono::seconds{40});
      if (reply.status == 204) continue;
      if (reply.status == 401) {
        say("!! the session ended; log in again");
        running = false;
        return;
      }
      if (reply.status != 200) {
        say("!! events: HTTP " + std::to_string(reply.status) + " " + reply.body);
        std::this_thread::sleep_for(std::chrono::seconds{1});
        continue;
      }
      rapidjson::Document d;
      d.Parse(reply.body.c_str());
      if (d.HasParseError() || !d.HasMember("events")) continue;
      for (const auto& e : d["events"].GetArray()) {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
        e.Accept(w);
        say(describe(e, buffer.GetString()));
      }
      // Acknowledged with the next request: a response lost on the way comes again.
      cursor = d["cursor"].GetInt64();
    } catch (const std::exception& e) {
      say(std::string{"!! "} + e.what() + "; retrying");
      std::this_thread::sleep_for(std::chrono::seconds{1});
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  std::string address_text;
  po::options_description options{"Options"};
  options.add_options()("help,h", "show this help")(
      "address,a", po::value(&address_text)->default_value("http://127.0.0.1:8080"),
      "the CTI middleware's address");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    po::notify(args);
  } catch (const po::error& e) {
    std::cerr << "switchboard-agent: " << e.what() << "\n" << options;
    return 2;
  }
  if (args.contains("help")) {
    std::cout << "Usage: switchboard-agent -a ADDRESS\n"
              << options << "\nCommands:\n"
              << agent::command_help;
    return 0;
  }
  const auto address = agent::parse_address(address_text);
  if (!address) {
    std::cerr << "switchboard-agent: -a " << address_text << " is not host:port\n";
    return 2;
  }
  agent::MiddlewareClient client{*address};
  try {
    const auto login = ask("login: ", false);
    const auto password = ask("password: ", true);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
    w.StartObject();
    w.Key("login");
    w.String(login.c_str());
    w.Key("password");
    w.String(password.c_str());
    w.EndObject();
    const auto reply = client.post("/api/v1/login", buffer.GetString());
    if (reply.status != 200) {
      std::cerr << "login refused (HTTP " << reply.status << "): " << reply.body << '\n';
      return 1;
    }
    rapidjson::Document d;
    d.Parse(reply.body.c_str());
    client.set_token(d["token"].GetString());
    say("logged in as " + login + " (CTI login " + d["ctiLogin"].GetString() +
        "); type help for commands");
  } catch (const std::exception& e) {
    std::cerr << "switchboard-agent: " << e.what() << '\n';
    return 1;
  }

  std::atomic<bool> running{true};
  std::thread events{[&] { follow_events(client, running); }};
  for (std::string line; running && std::getline(std::cin, line);) {
    if (line == "quit" || line == "exit") break;
    if (line == "help") {
      say(agent::command_help);
      continue;
    }
    const auto body = agent::control_body(line);
    if (!body) continue;
    if (const auto* error = std::get_if<agent::ParseError>(&*body)) {
      say("!! " + error->message);
      continue;
    }
    try {
      const auto reply = client.post("/api/v1/control", std::get<std::string>(*body));
      say(">> HTTP " + std::to_string(reply.status) + " " + reply.body);
    } catch (const std::exception& e) {
      say(std::string{"!! "} + e.what());
    }
  }
  running = false;
  try {
    client.post("/api/v1/logout", "");
    say("logged out");
  } catch (const std::exception&) {
  }
  // The long-poll ends within its wait.
  events.join();
  return 0;
}
