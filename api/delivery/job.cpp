#include "api/delivery/job.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

namespace switchboard::api::delivery {
namespace {

std::string string_member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  const auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString()
             ? std::string(it->value.GetString(), it->value.GetStringLength())
             : std::string();
}

bool digits(std::string_view text, std::size_t from, std::size_t count, int& out) {
  if (from + count > text.size()) return false;
  const auto* first = text.data() + from;
  const auto [end, error] = std::from_chars(first, first + count, out);
  return error == std::errc() && end == first + count;
}

}  // namespace

KindTraits traits_of(std::string_view kind) {
  if (kind == kinds::send_message) return {.outcome = Outcome::delivery};
  if (kind == kinds::sync_accounts) return {.outcome = Outcome::sync};
  if (kind == kinds::remove_app) return {.outcome = Outcome::removal};
  if (kind == kinds::notice_push) {
    return {.recipient = Recipient::developer,
            .outcome = Outcome::push,
            .recipient_gone = "webhook_removed",
            .not_done = "not pushed"};
  }
  return {};
}

bool deactivation_notice(std::string_view kind) {
  return kind == kinds::remove_webhook || kind == kinds::app_disabled;
}

bool replaced_token_notice(const Job& job) {
  return job.kind == kinds::remove_webhook && !job.field("replaced_by").empty();
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view iso) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (iso.size() < 20 || iso[4] != '-' || iso[7] != '-' || (iso[10] != 'T' && iso[10] != ' ') ||
      iso[13] != ':' || iso[16] != ':' || !digits(iso, 0, 4, year) || !digits(iso, 5, 2, month) ||
      !digits(iso, 8, 2, day) || !digits(iso, 11, 2, hour) || !digits(iso, 14, 2, minute) ||
      !digits(iso, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t i = 19;
  std::chrono::microseconds fraction{0};
  if (i < iso.size() && iso[i] == '.') {
    long long scale = 100'000;
    for (++i; i < iso.size() && iso[i] >= '0' && iso[i] <= '9'; ++i) {
      fraction += std::chrono::microseconds((iso[i] - '0') * scale);
      scale /= 10;
    }
  }
  std::chrono::minutes offset{0};
  if (i < iso.size() && (iso[i] == '+' || iso[i] == '-')) {
    int oh = 0, om = 0;
    if (!digits(iso, i + 1, 2, oh) || iso.size() < i + 6 || iso[i + 3] != ':' ||
        !digits(iso, i + 4, 2, om)) {
      return std::nullopt;
    }
    offset = std::chrono::minutes((iso[i] == '+' ? 1 : -1) * (oh * 60 + om));
    i += 6;
  } else if (i < iso.size() && iso[i] == 'Z') {
    ++i;
  } else {
    return std::nullopt;
  }
  if (i != iso.size()) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                         std::chrono::day(day)};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) + fraction - offset;
}

std::optional<Job> parse_job(std::string_view json) {
  Job job;
  job.document.Parse(json.data(), json.size());
  if (job.document.HasParseError() || !job.document.IsObject()) return std::nullopt;
  job.job_id = string_member(job.document, "job_id");
  job.kind = string_member(job.document, "kind");
  job.tenant_id = string_member(job.document, "tenant_id");
  job.provider_code = string_member(job.document, "provider_code");
  job.lane = string_member(job.document, "lane");
  job.created_at = string_member(job.document, "created_at");
  job.traits = traits_of(job.kind);
  const auto created = parse_timestamp(job.created_at);
  if (job.job_id.empty() || job.kind.empty() ||
      (job.tenant_id.empty() && job.traits.recipient == Recipient::connection) ||
      job.provider_code.empty() || job.lane.empty() || !created) {
    return std::nullopt;
  }
  job.created = *created;
  return job;
}

const rapidjson::Value* Job::body() const {
  const auto it = document.FindMember("body");
  return it != document.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

std::string Job::body_json() const {
  const auto* b = body();
  if (b == nullptr) return "{}";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  b->Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string Job::field(const char* name) const {
  auto value = string_member(document, name);
  if (value.empty()) {
    if (const auto* b = body()) value = string_member(*b, name);
  }
  return value;
}

bool Job::flag(const char* name) const {
  const auto it = document.FindMember(name);
  return it != document.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::int64_t Job::number(const char* name) const {
  const auto it = document.FindMember(name);
  return it != document.MemberEnd() && it->value.IsInt64() ? it->value.GetInt64() : 0;
}

}  // namespace switchboard::api::delivery
