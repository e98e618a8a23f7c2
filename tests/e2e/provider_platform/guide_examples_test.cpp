// The provider guides' examples are runnable and right (issue item 8): every ```sh block that
// starts with `curl` in docs/guides/provider-integration.en.md and docs/guides/messaging.en.md
// is sent, in order, to a real server, and the ```http block after it is what must come back:
// its status, and its JSON body as a pattern ("..." matches any value; "$NAME" stores the value
// in the shell variable NAME for later examples, e.g. a token shown once, or must repeat it once
// NAME is set). Each Russian guide must carry exactly the same examples as its English one. The
// messaging guide's examples also need a provider to call: the fake provider plays it.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "commands/command_context.hpp"
#include "tests/e2e/messaging/support/fake_provider.hpp"
#include "tests/e2e/support/api_client.hpp"

using namespace switchboard;
using namespace switchboard::tests::e2e;
using domain::access::TokenKind;
using switchboard::tests::e2e::messaging::FakeProvider;

namespace {

using Variables = std::map<std::string, std::string>;

struct Example {
  int line = 0;         // of the curl block in the guide, for failure messages
  std::string command;  // the curl command as written
  int status = 0;
  std::string body;  // the expected JSON pattern; empty: not checked
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Splits a command as a POSIX shell would for the forms the guides use: single quotes (literal,
// may span lines), double quotes and bare words (where $NAME and ${NAME} are expanded from
// `vars`), backslash-newline continuations.
std::vector<std::string> shell_words(const std::string& text, const Variables& vars) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool quoted = false;
  const auto variable = [&](std::size_t& i) {
    std::string name;
    if (text[i + 1] == '{') {
      const auto end = text.find('}', i + 2);
      BOOST_REQUIRE(end != std::string::npos);
      name = text.substr(i + 2, end - i - 2);
      i = end;
    } else {
      std::size_t j = i + 1;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) {
        ++j;
      }
      name = text.substr(i + 1, j - i - 1);
      i = j - 1;
    }
    const auto it = vars.find(name);
    BOOST_REQUIRE_MESSAGE(it != vars.end(), "the guide uses $" << name << " before it is set");
    word += it->second;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        quoted = false;
      } else if (c == '$' && i + 1 < text.size()) {
        variable(i);
      } else {
        word += c;
      }
    } else if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
    } else if (c == '\'') {
      const auto end = text.find('\'', i + 1);
      BOOST_REQUIRE_MESSAGE(end != std::string::npos, "unterminated ' in: " << text);
      word += text.substr(i + 1, end - i - 1);
      in_word = true;
      i = end;
    } else if (c == '"') {
      quoted = in_word = true;
    } else if (c == '$' && i + 1 < text.size()) {
      variable(i);
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  BOOST_REQUIRE_MESSAGE(!quoted, "unterminated \" in: " << text);
  if (in_word) words.push_back(word);
  return words;
}

struct Block {
  int line = 0;
  std::string tag;
  std::string text;
};

std::vector<Block> fenced_blocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  int number = 0;
  std::optional<Block> open;
  while (std::getline(in, line)) {
    ++number;
    if (line.starts_with("```")) {
      if (open) {
        blocks.push_back(std::move(*open));
        open.reset();
      } else {
        open = Block{number, line.substr(3), {}};
      }
    } else if (open) {
      open->text += line + '\n';
    }
  }
  return blocks;
}

std::vector<Example> examples(const std::string& path) {
  const auto blocks = fenced_blocks(read_file(path));
  std::vector<Example> found;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].tag != "sh" || !blocks[i].text.starts_with("curl ")) continue;
    BOOST_REQUIRE_MESSAGE(
        i + 1 < blocks.size() && blocks[i + 1].tag == "http" &&
            blocks[i + 1].text.starts_with("HTTP/1.1 "),
        path << ':' << blocks[i].line << ": a curl example must be followed by its ```http answer");
    Example e;
    e.line = blocks[i].line;
    e.command = blocks[i].text;
    const auto& answer = blocks[i + 1].text;
    e.status = std::stoi(answer.substr(9, 3));
    if (const auto blank = answer.find("\n\n"); blank != std::string::npos) {
      e.body = answer.substr(blank + 2);
    }
    found.push_back(std::move(e));
  }
  return found;
}

// Does `actual` fit `pattern`? "$NAME" sets NAME in `vars`, or, when set, must equal it. Objects
// may have more members than the pattern shows; arrays must match element by element.
bool fits(const rapidjson::Value& pattern, const rapidjson::Value& actual, Variables& vars,
          std::string& why, const std::string& where) {
  if (pattern.IsString()) {
    const std::string p = pattern.GetString();
    if (p == "...") return true;
    if (p.size() > 1 && p[0] == '$') {
      std::string value;
      if (actual.IsString()) {
        value = actual.GetString();
      } else {
        rapidjson::StringBuffer b;
        rapidjson::Writer<rapidjson::StringBuffer> w(b);
        actual.Accept(w);
        value = b.GetString();
      }
      // A variable already set is a value the answer must repeat.
      const auto [it, fresh] = vars.emplace(p.substr(1), value);
      if (!fresh && it->second != value) return why = where + " is not " + p, false;
      return true;
    }
  }
  if (pattern.IsObject()) {
    if (!actual.IsObject()) return why = where + " is not an object", false;
    for (const auto& m : pattern.GetObject()) {
      const auto it = actual.FindMember(m.name);
      const auto at = where + "/" + m.name.GetString();
      if (it == actual.MemberEnd()) return why = at + " is missing", false;
      if (!fits(m.value, it->value, vars, why, at)) return false;
    }
    return true;
  }
  if (pattern.IsArray()) {
    if (!actual.IsArray() || actual.Size() != pattern.Size()) {
      return why = where + " has another length", false;
    }
    for (rapidjson::SizeType i = 0; i < pattern.Size(); ++i) {
      if (!fits(pattern[i], actual[i], vars, why, where + "/" + std::to_string(i))) return false;
    }
    return true;
  }
  if (pattern != actual) return why = where + " differs", false;
  return true;
}

struct Guide {
  ServerProcess server;
  Variables vars;

  explicit Guide(const Settings& overrides = {}) : server(overrides) {
    vars["SB"] = "http://127.0.0.1:" + std::to_string(server.port());
    // The guide gets these from `switchboard-admin tokens issue`.
    vars["MARKETPLACE_TOKEN"] = issue_token(server, TokenKind::service, "marketplace");
    vars["ADMIN_TOKEN"] = issue_token(server, TokenKind::service, "admin");
  }

  HttpRequest request_of(const Example& e) const {
    const auto argv = shell_words(e.command, vars);
    HttpRequest request;
    std::string url;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      const auto& word = argv[i];
      if (word == "-sS" || word == "-s" || word == "-S" || word == "-i") continue;
      if ((word == "-X" || word == "-H" || word == "-d") && i + 1 < argv.size()) {
        const auto& value = argv[++i];
        if (word == "-X") request.method = value;
        if (word == "-d") request.body = value;
        if (word == "-H") {
          const auto colon = value.find(": ");
          BOOST_REQUIRE_MESSAGE(colon != std::string::npos, "not a header: " << value);
          request.headers.emplace_back(value.substr(0, colon), value.substr(colon + 2));
        }
        continue;
      }
      BOOST_REQUIRE_MESSAGE(url.empty(), "the guide's curl has an unknown option: " << word);
      url = word;
    }
    const auto& base = vars.at("SB");
    BOOST_REQUIRE_MESSAGE(url.starts_with(base), "the URL must start with $SB: " << url);
    request.target = url.substr(base.size());
    return request;
  }

  // Sends the example; empty when the answer is as the guide says, else why not. Reads (GET)
  // are retried for a while: they come from projections, which follow the writes a little later.
  void run(const Example& e) {
    BOOST_TEST_CONTEXT("guide line " << e.line) {
      const auto request = request_of(e);
      rapidjson::Document pattern;
      if (!e.body.empty()) {
        BOOST_REQUIRE_MESSAGE(!pattern.Parse(e.body.c_str()).HasParseError(),
                              "the expected answer is not JSON: " << e.body);
      }
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      for (;;) {
        const auto response = send(server.endpoint(), request);
        std::string why;
        auto captured = vars;
        if (response.status != e.status) {
          why = "status " + std::to_string(response.status);
        } else if (!e.body.empty()) {
          rapidjson::Document actual;
          if (actual.Parse(response.text().c_str()).HasParseError()) {
            why = "the answer is not JSON";
          } else {
            fits(pattern, actual, captured, why, "");
          }
        }
        if (why.empty()) {
          vars = std::move(captured);
          return;
        }
        if (request.method != "GET" || std::chrono::steady_clock::now() > deadline) {
          BOOST_ERROR(request.method << ' ' << request.target << ": " << why << " (expected "
                                     << e.status << ") in " << response.text());
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  // Runs every example of the guide at `path`, in order.
  void run_all(const std::string& path) {
    const auto all = examples(path);
    BOOST_REQUIRE(!all.empty());
    for (const auto& e : all) run(e);
  }
};

// The messaging guide's fixture: also a provider for Switchboard to call. The fake provider's
// base URL is $PROVIDER (the guide's configuration names its endpoints under it), and it knows
// the client token the guide activates ($CLIENT_TOKEN). It answers list_accounts and
// message_history with what the guide shows as the provider's answers. Delivery retries come
// quickly, so the guide's reads never wait long on the delivery queue.
struct MessagingGuide : Guide {
  TempDir dir;
  FakeProvider provider{dir};

  MessagingGuide()
      : Guide({{"messaging.retry_delay_ms", "200"}, {"messaging.unavailable_retry_ms", "300"}}) {
    vars["PROVIDER"] = provider.base_url();
    vars["CLIENT_TOKEN"] = "ct-" + commands::new_uuid() + "-" + commands::new_uuid();
    provider.add_token(vars["CLIENT_TOKEN"]);
    control("/accounts",
            R"({"accounts":[{"id":"tg-1","channel_code":"telegram","name":"Support bot"}]})");
    control("/history",
            R"({"messages":[{"provider_message_id":"hist-1",)"
            R"("chat":{"id":"c-1","kind":"private","title":"Olga Petrova",)"
            R"("participants":[{"id":"olga","name":"Olga Petrova"}]},"account_id":"tg-1",)"
            R"("sender":{"id":"olga","name":"Olga Petrova"},"text":"Hello! Is my order shipped?",)"
            R"("sent_at":"2024-12-20T09:30:00Z"}]})");
  }

  void control(const std::string& path, const std::string& body) {
    const auto r = provider.control("POST", path, body);
    BOOST_REQUIRE_MESSAGE(r.status == 200, "fake provider " << path << ": " << r.text());
  }
};

const std::string kGuides = SWITCHBOARD_GUIDES_DIR;

// The Russian guide `name`.ru.md carries exactly the examples of `name`.en.md.
void check_same_examples(const std::string& name) {
  const auto en = examples(kGuides + "/" + name + ".en.md");
  const auto ru = examples(kGuides + "/" + name + ".ru.md");
  BOOST_TEST(en.size() >= 20u);
  BOOST_REQUIRE_EQUAL(en.size(), ru.size());
  for (std::size_t i = 0; i < en.size(); ++i) {
    BOOST_TEST_CONTEXT("example " << i + 1 << " (en line " << en[i].line << ", ru line "
                                  << ru[i].line << ")") {
      BOOST_TEST(en[i].command == ru[i].command);
      BOOST_TEST(en[i].status == ru[i].status);
      BOOST_TEST(en[i].body == ru[i].body);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_guides_carry_the_same_examples) {
  check_same_examples("provider-integration");
}

BOOST_AUTO_TEST_CASE(both_messaging_guides_carry_the_same_examples) {
  check_same_examples("messaging");
}

BOOST_FIXTURE_TEST_CASE(the_english_guide_runs_from_app_to_production, Guide) {
  run_all(kGuides + "/provider-integration.en.md");
}

BOOST_FIXTURE_TEST_CASE(the_english_messaging_guide_runs_end_to_end, MessagingGuide) {
  run_all(kGuides + "/messaging.en.md");
}
