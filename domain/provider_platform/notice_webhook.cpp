#include "domain/provider_platform/notice_webhook.hpp"

#include "domain/json.hpp"
#include "domain/provider_platform/app.hpp"

namespace switchboard::domain::provider_platform {

void NoticeWebhook::apply(State& s, std::string_view type, std::string_view data) {
  if (type == "NoticeWebhookRegistered") {
    s.registered = true;
    s.url = text(parse(data), "url");
  } else if (type == "NoticeWebhookRemoved") {
    s = {};
  }
}

Decision decide(const NoticeWebhook::State& s, const RegisterNoticeWebhook& c) {
  if (auto problem = endpoint_url_problem(c.url)) {
    return reject(Rejection::Kind::invalid, "the notice webhook is not valid",
                  std::vector<FieldProblem>{{"/url", *problem}});
  }
  return std::vector<NewEvent>{{"NoticeWebhookRegistered", json_object([&](JsonWriter& w) {
                                  put(w, "developer_id", c.developer_id);
                                  put(w, "url", c.url);
                                  put(w, "secret_sealed", c.secret_sealed);
                                  put(w, "replaced", s.registered);
                                })}};
}

Decision decide(const NoticeWebhook::State& s, const RemoveNoticeWebhook& c) {
  if (!s.registered) {
    return reject(Rejection::Kind::not_found, "no notice webhook is registered", "url");
  }
  return std::vector<NewEvent>{{"NoticeWebhookRemoved", json_object([&](JsonWriter& w) {
                                  put(w, "developer_id", c.developer_id);
                                })}};
}

}  // namespace switchboard::domain::provider_platform
