#include "domain/provider_platform/notice.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "domain/json.hpp"
#include "domain/provider_platform/app.hpp"

namespace switchboard::domain::provider_platform {
namespace {

using Kind = Rejection::Kind;

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxBody = 20000;
constexpr std::size_t kMaxApiVersion = 32;
constexpr std::size_t kMaxReason = 1000;

// A calendar date written YYYY-MM-DD.
bool valid_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (const auto i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const auto digits = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const std::chrono::year_month_day date{std::chrono::year{digits(0, 4)},
                                         std::chrono::month{static_cast<unsigned>(digits(5, 2))},
                                         std::chrono::day{static_cast<unsigned>(digits(8, 2))}};
  return date.ok();
}

// Letters, digits, '.', '-' and '_', starting with a letter or digit: "v1", "1.4", "2026-11".
bool valid_api_version(std::string_view v) {
  if (v.empty() || v.size() > kMaxApiVersion) return false;
  if (!std::isalnum(static_cast<unsigned char>(v.front()))) return false;
  return std::ranges::all_of(v, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

void check_text(std::vector<FieldProblem>& problems, const std::string& field,
                const std::string& value, std::size_t max) {
  if (value.empty()) {
    problems.push_back({field, "is required"});
  } else if (value.size() > max) {
    problems.push_back({field, "at most " + std::to_string(max) + " bytes"});
  }
}

// The notice as its Published and Corrected events carry it.
std::string notice_data(const PublishNotice& c) {
  return json_object([&](JsonWriter& w) {
    put(w, "notice_id", c.notice_id);
    put(w, "title_ru", c.title.ru);
    put(w, "title_en", c.title.en);
    put(w, "body_ru", c.body.ru);
    put(w, "body_en", c.body.en);
    put(w, "api_version", c.api_version);
    put(w, "effective_date", c.effective_date);
    put(w, "providers", c.providers);
    put(w, "endpoints", c.endpoints);
  });
}

}  // namespace

std::vector<FieldProblem> validate_notice(const PublishNotice& c,
                                          const std::set<std::string>& reserved) {
  std::vector<FieldProblem> problems;
  check_text(problems, "/title/ru", c.title.ru, kMaxTitle);
  check_text(problems, "/title/en", c.title.en, kMaxTitle);
  check_text(problems, "/body/ru", c.body.ru, kMaxBody);
  check_text(problems, "/body/en", c.body.en, kMaxBody);
  if (!valid_api_version(c.api_version)) {
    problems.push_back({"/api_version",
                        "1 to 32 letters, digits, '.', '-' or '_', starting with a letter or "
                        "digit (e.g. v1, 1.4)"});
  }
  if (!c.effective_date.empty() && !valid_date(c.effective_date)) {
    problems.push_back({"/effective_date", "must be a calendar date YYYY-MM-DD"});
  }
  // `problem(value)`: what is wrong with one element, nullptr when nothing is.
  const auto each = [&](const std::vector<std::string>& values, const std::string& field,
                        auto&& problem) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto at = field + "/" + std::to_string(i);
      if (const char* message = problem(values[i])) {
        problems.push_back({at, message});
      } else if (!seen.insert(values[i]).second) {
        problems.push_back({at, "listed twice"});
      }
    }
  };
  each(c.providers, "/providers", [&](const std::string& code) -> const char* {
    if (!valid_system_name(code)) {
      return "must be a provider code: lower-case letters, digits, '_' and '-', 2 to 64";
    }
    return reserved.contains(code) ? nullptr : "no such provider";
  });
  each(c.endpoints, "/endpoints", [](const std::string& name) -> const char* {
    return known_endpoint(name) ? nullptr : "unknown endpoint";
  });
  return problems;
}

namespace {

// Event `type` carrying the notice whole, once it is valid.
Decision notice_event(const char* type, const PublishNotice& c,
                      const std::set<std::string>& reserved) {
  if (auto problems = validate_notice(c, reserved); !problems.empty()) {
    return reject(Kind::invalid, "the notice is not valid", std::move(problems));
  }
  return std::vector<NewEvent>{{type, notice_data(c)}};
}

}  // namespace

bool concerns(const Notice::State& s, const std::string& code) {
  return s.providers.empty() || s.providers.contains(code);
}

void Notice::apply(State& s, std::string_view type, std::string_view data) {
  const auto d = parse(data);
  if (type == "ProviderNoticePublished" || type == "ProviderNoticeCorrected") {
    s.published = true;
    s.providers.clear();
    for (auto& code : texts(d, "providers")) s.providers.insert(std::move(code));
    s.acknowledged_by.clear();
  } else if (type == "ProviderNoticeWithdrawn") {
    s.withdrawn = true;
  } else if (type == "ProviderNoticeAcknowledged") {
    s.acknowledged_by.insert(text(d, "developer_id"));
  }
}

Decision decide(const Notice::State& s, const PublishNotice& c,
                const std::set<std::string>& reserved) {
  if (s.published) return reject(Kind::conflict, "this notice is already published", "notice_id");
  return notice_event("ProviderNoticePublished", c, reserved);
}

Decision decide(const Notice::State& s, const CorrectNotice& c,
                const std::set<std::string>& reserved) {
  if (!s.published) return reject(Kind::not_found, "no such notice", "notice_id");
  if (s.withdrawn) {
    return reject(Kind::conflict, "this notice is withdrawn: publish a new one", "notice_id");
  }
  return notice_event("ProviderNoticeCorrected", c, reserved);
}

Decision decide(const Notice::State& s, const WithdrawNotice& c) {
  if (!s.published) return reject(Kind::not_found, "no such notice", "notice_id");
  if (s.withdrawn) return reject(Kind::conflict, "this notice is already withdrawn", "notice_id");
  std::vector<FieldProblem> problems;
  check_text(problems, "/reason", c.reason, kMaxReason);
  if (!problems.empty()) return reject(Kind::invalid, "the withdrawal is not valid", problems);
  return std::vector<NewEvent>{
      {"ProviderNoticeWithdrawn", json_object([&](JsonWriter& w) { put(w, "reason", c.reason); })}};
}

Decision decide(const Notice::State& s, const AcknowledgeNotice& c) {
  if (!s.published || !concerns(s, c.provider_code)) {
    return reject(Kind::not_found, "no such notice for this provider", "notice_id");
  }
  if (s.acknowledged_by.contains(c.developer_id)) return std::vector<NewEvent>{};
  if (s.withdrawn) return reject(Kind::conflict, "this notice was withdrawn", "notice_id");
  return std::vector<NewEvent>{{"ProviderNoticeAcknowledged", json_object([&](JsonWriter& w) {
                                  put(w, "developer_id", c.developer_id);
                                  put(w, "provider_code", c.provider_code);
                                })}};
}

Decision decide(const Notice::State& s, const RecordNoticePush& c) {
  if (!s.published) return reject(Kind::not_found, "no such notice", "notice_id");
  return std::vector<NewEvent>{
      {c.delivered ? "ProviderNoticePushDelivered" : "ProviderNoticePushFailed",
       json_object([&](JsonWriter& w) {
         put(w, "provider_code", c.provider_code);
         put(w, "developer_id", c.developer_id);
         put(w, "change_event_id", c.change_event_id);
         if (!c.delivered) {
           put(w, "reason", c.reason);
           put(w, "detail", c.detail);
         }
       })}};
}

}  // namespace switchboard::domain::provider_platform
