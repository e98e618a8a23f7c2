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
    bool withdrawn = false;
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

// A published notice replaced whole (its text, date, providers, endpoints), under the same id:
// event ProviderNoticeCorrected. Acknowledgements made before no longer count: they were of the
// old text, and a changed date or endpoint is what a developer must not miss.
struct CorrectNotice : PublishNotice {};

// The operator or the marketplace takes a notice back (published by mistake, the change called
// off): its developers still see it, marked withdrawn with the reason, so one who already started
// on it learns to stop.
struct WithdrawNotice {
  std::string reason;
};

struct AcknowledgeNotice {
  std::string developer_id;
  std::string provider_code;  // the provider through which the developer read it
};

// What became of pushing one change of a notice (the event with id `change_event_id`) to the
// notice webhook of the developer of provider `provider_code`: delivered (the webhook answered
// 2xx), or failed with `reason` ("rejected": it answered 4xx; "expired": no 2xx within the
// delivery expiry; "webhook_removed": the developer removed it meanwhile) and `detail`.
struct RecordNoticePush {
  std::string provider_code;
  std::string developer_id;
  std::string change_event_id;
  bool delivered = false;
  std::string reason;
  std::string detail;
};

// Every reason a notice cannot be published, each naming its field by JSON pointer
// ("/title/en", "/providers/2"). `reserved`: the codes among c.providers that an app holds (the
// ProviderCode streams); any other well-formed code is no provider. Empty when valid.
std::vector<FieldProblem> validate_notice(const PublishNotice& c,
                                          const std::set<std::string>& reserved);

// Whether a notice with these providers concerns provider `code`.
bool concerns(const Notice::State& s, const std::string& code);

Decision decide(const Notice::State& s, const PublishNotice& c,
                const std::set<std::string>& reserved);
// Refused while not published (not found) or once withdrawn (conflict: publish a new one).
Decision decide(const Notice::State& s, const CorrectNotice& c,
                const std::set<std::string>& reserved);
// Withdrawn once: withdrawing again is a conflict, as it cannot carry a second reason.
Decision decide(const Notice::State& s, const WithdrawNotice& c);
// Refused as not found when the notice does not concern the provider, so a developer cannot
// learn of notices meant for others; acknowledging again changes nothing, also once withdrawn.
// A withdrawn notice not yet acknowledged is a conflict: there is nothing left to act on.
Decision decide(const Notice::State& s, const AcknowledgeNotice& c);
// Refused as not found for a notice never published; the push's outcome is recorded whatever
// became of the notice since (a withdrawal is pushed too).
Decision decide(const Notice::State& s, const RecordNoticePush& c);

}  // namespace switchboard::domain::provider_platform
