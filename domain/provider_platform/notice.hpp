#pragma once

// An update notice to providers (seed 000, "Удобство" 3): the operator or the marketplace tells
// providers about a contract or API change so they can update their integration in time, and
// each provider's developer acknowledges having read it. Stream "notice-<notice_id>".

#include <set>
#include <string>
#include <vector>

#include "domain/decision.hpp"

namespace switchboard::domain::provider_platform {

struct Notice {
  struct State {
    bool published = false;
    std::set<std::string> providers;        // the codes it concerns; empty: every provider
    std::set<std::string> acknowledged_by;  // developer ids
  };
  static constexpr std::string_view category = "notice";
  static void apply(State& s, std::string_view type, std::string_view data);
};

// Text in both languages the guides are written in.
struct LocalizedText {
  std::string ru;
  std::string en;
};

struct PublishNotice {
  std::string notice_id;
  LocalizedText title;
  LocalizedText body;
  std::string api_version;             // the contract version it concerns, e.g. "v1" or "1.4"
  std::string effective_date;          // YYYY-MM-DD by which providers must act; empty: none
  std::vector<std::string> providers;  // empty: every provider
  std::vector<std::string> endpoints;  // the configuration endpoints it concerns, if any
};

struct AcknowledgeNotice {
  std::string developer_id;
  std::string provider_code;  // the provider through which the developer read it
};

// Every reason a notice cannot be published, each naming its field by JSON pointer
// ("/title/en", "/providers/2"). Empty when valid.
std::vector<FieldProblem> validate_notice(const PublishNotice& c);

// Whether a notice with these providers concerns provider `code`.
bool concerns(const Notice::State& s, const std::string& code);

Decision decide(const Notice::State& s, const PublishNotice& c);
// Refused as not found when the notice does not concern the provider, so a developer cannot
// learn of notices meant for others; acknowledging again changes nothing.
Decision decide(const Notice::State& s, const AcknowledgeNotice& c);

}  // namespace switchboard::domain::provider_platform
