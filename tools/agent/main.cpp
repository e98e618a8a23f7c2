// switchboard-agent: a contact-centre agent's console for the CTI middleware (seed 004).
//
//   switchboard-agent -a http://127.0.0.1:8080
//
// Asks for the login and password, then shows the agent's events as they come (long-poll,
// acknowledging each batch) while reading commands from standard input. `help` lists them.

#include <poll.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cerrno>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "tools/agent/command_parser.hpp"
#include "tools/agent/middleware_client.hpp"
#include "tools/agent/replies.hpp"

namespace {

namespace agent = switchboard::tools::agent;

std::mutex output;

void say(const std::string& line) {
  std::lock_guard lock(output);
  std::cout << line << std::endl;
}

// Standard input, line by line, read from the descriptor with a timeout: the console stops
// waiting for a line when the session ends under it (a blocked std::getline cannot be woken).
class Input {
 public:
  // The next line; nullopt at the end of input or once `go_on` is false.
  std::optional<std::string> line(const std::atomic<bool>& go_on) {
    for (;;) {
      if (const auto end = buffer_.find('\n'); end != std::string::npos) {
        auto line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        if (line.ends_with('\r')) line.pop_back();
        return line;
      }
      if (closed_) {
        if (buffer_.empty()) return std::nullopt;
        return std::exchange(buffer_, {});
      }
      if (!go_on) return std::nullopt;
      pollfd in{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
      const int ready = ::poll(&in, 1, 200);
      if (ready < 0 && errno != EINTR) closed_ = true;
      if (ready <= 0) continue;
      char chunk[4096];
      const auto n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        closed_ = true;
      }
    }
  }

 private:
  std::string buffer_;
  bool closed_ = false;
};

std::string ask(Input& input, const std::string& prompt, bool secret) {
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
  const std::atomic<bool> waiting{true};
  auto line = input.line(waiting).value_or("");
  if (terminal && secret) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cout << '\n';
  }
  return line;
}

// Until `running` goes false; a 401 (the session was ended: logout elsewhere, a disabled agent,
// a password reset, expiry) sets `session_ended` and stops the console too. A 503 is said once
// (again only when its reason changes) and asked again after its Retry-After.
void follow_events(const agent::MiddlewareClient& client, std::atomic<bool>& running,
                   std::atomic<bool>& session_ended) {
  std::int64_t cursor = 0;
  std::string outage;  // what the console last said of a 503; empty when none is current
  while (running) {
    try {
      const auto target = "/api/v1/events?wait=20" +
                          (cursor > 0 ? "&after=" + std::to_string(cursor) : std::string{});
      const auto reply = client.get(target, std::chrono::seconds{40});
      if (const auto unavailable =
              agent::parse_unavailable(reply.status, reply.body, reply.retry_after)) {
        if (unavailable->notice != outage) say("!! events: " + unavailable->notice);
        outage = unavailable->notice;
        std::this_thread::sleep_for(unavailable->retry_after);
        continue;
      }
      if (!outage.empty() && (reply.status == 200 || reply.status == 204)) {
        say("!! events: the server is available again");
        outage.clear();
      }
      if (reply.status == 204) continue;
      if (reply.status == 401) {
        session_ended = true;
        running = false;
        return;
      }
      const auto batch = reply.status == 200 ? agent::parse_events_reply(reply.body) : std::nullopt;
      if (!batch) {
        say("!! events: unexpected reply HTTP " + std::to_string(reply.status) + " " +
            reply.body.substr(0, 200));
        std::this_thread::sleep_for(std::chrono::seconds{1});
        continue;
      }
      for (const auto& line : batch->lines) say(line);
      // Acknowledged with the next request: a response lost on the way comes again.
      cursor = batch->cursor;
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
  Input input;
  try {
    const auto login = ask(input, "login: ", false);
    const auto password = ask(input, "password: ", true);
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
    w.StartObject();
    w.Key("login");
    w.String(login.c_str());
    w.Key("password");
    w.String(password.c_str());
    w.EndObject();
    auto reply = client.post("/api/v1/login", buffer.GetString());
    // Too many logins at once, or an outage: it passes, so the login is sent again after
    // Retry-After, saying so once per reason.
    for (std::string said; const auto unavailable = agent::parse_unavailable(
                               reply.status, reply.body, reply.retry_after);) {
      if (unavailable->notice != said) say("!! not logged in yet: " + unavailable->notice);
      said = unavailable->notice;
      std::this_thread::sleep_for(unavailable->retry_after);
      reply = client.post("/api/v1/login", buffer.GetString());
    }
    if (reply.status != 200) {
      std::cerr << "login refused (HTTP " << reply.status << "): " << reply.body << '\n';
      return 1;
    }
    const auto session = agent::parse_login_reply(reply.body);
    if (!session) {
      std::cerr << "switchboard-agent: " << address_text
                << " answered the login with something else than a session: "
                << reply.body.substr(0, 200) << '\n';
      return 1;
    }
    client.set_token(session->token);
    say("logged in as " + login + " (CTI login " + session->cti_login +
        "); type help for commands");
  } catch (const std::exception& e) {
    std::cerr << "switchboard-agent: " << e.what() << '\n';
    return 1;
  }

  std::atomic<bool> running{true};
  std::atomic<bool> session_ended{false};
  std::thread events{[&] { follow_events(client, running, session_ended); }};
  while (const auto line = input.line(running)) {
    if (*line == "quit" || *line == "exit") break;
    if (*line == "help") {
      say(agent::command_help);
      continue;
    }
    const auto body = agent::control_body(*line);
    if (!body) continue;
    if (const auto* error = std::get_if<agent::ParseError>(&*body)) {
      say("!! " + error->message);
      continue;
    }
    try {
      const auto reply = client.post("/api/v1/control", std::get<std::string>(*body));
      if (const auto unavailable =
              agent::parse_unavailable(reply.status, reply.body, reply.retry_after)) {
        say("!! not sent: " + unavailable->notice);
        continue;
      }
      say(">> HTTP " + std::to_string(reply.status) + " " + reply.body);
    } catch (const std::exception& e) {
      say(std::string{"!! "} + e.what());
    }
  }
  running = false;
  if (session_ended) {
    events.join();
    say("!! the session has ended (logged out elsewhere, agent disabled, password reset or "
        "expired); log in again");
    return 1;
  }
  try {
    client.post("/api/v1/logout", "");
    say("logged out");
  } catch (const std::exception&) {
  }
  // The long-poll ends within its wait.
  events.join();
  return 0;
}
