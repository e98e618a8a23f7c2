#include <chrono>

#include "api/routes/cti/cti_routes.hpp"
#include "api/routes/cti/session_auth.hpp"
#include "api/routes/pagination.hpp"

namespace switchboard::api::routes::cti {
namespace {

http::Response unreadable() {
  return http::database_unavailable(
      "the events cannot be read: the database cannot be reached; retry");
}

}  // namespace

// GET /api/v1/events[?after=SEQ][&wait=SECONDS]: the caller's unacknowledged events after SEQ.
// `after` acknowledges every event up to SEQ (they are never handed out again); an agent whose
// response was lost simply asks again with its previous `after`. `wait` holds the request until an
// event arrives (long-poll), at most the server's limit (a longer one is clamped to it). 200 with
// events, 204 with none, 503 "shutting down" when the server stops during the wait.
http::AsyncHandlerFor<commands::cti::AuthenticatedAgent> events(api::cti::CtiService* service) {
  return [service](const http::Request& request, const commands::cti::AuthenticatedAgent& agent,
                   http::Responder respond) {
    std::int64_t after = 0;
    if (const auto text = request.query_param("after")) {
      const auto value = to_integer(*text);
      if (!value) {
        return respond(http::problem(400, "invalid query parameter", "after must be an event seq",
                                     {{"after", "must be a non-negative integer"}}));
      }
      after = *value;
    }
    std::chrono::milliseconds wait{0};
    if (const auto text = request.query_param("wait")) {
      const auto value = to_integer(*text);
      if (!value) {
        return respond(http::problem(400, "invalid query parameter", "wait is in seconds",
                                     {{"wait", "must be a non-negative integer"}}));
      }
      // A longer wait than this server allows is shortened, not refused: an agent cannot know
      // every server's request timeout, and an early 204 only makes it ask again.
      const auto limit = service->max_wait();
      wait = *value > std::chrono::duration_cast<std::chrono::seconds>(limit).count()
                 ? limit
                 : std::chrono::seconds{*value};
    }

    if (!request.query_param("after")) {
      // Without a cursor the agent gets everything it has not acknowledged, also when the
      // projection has not applied its latest acknowledgement yet.
      const auto acknowledged = service->lines().acknowledged(agent.cti_login);
      if (!acknowledged) {
        return respond(unreadable());
      }
      after = *acknowledged;
    } else if (after > 0) {
      const auto outcome = service->lines().acknowledge(agent.cti_login, after,
                                                        agent_context(request, agent.agent_login));
      if (!outcome.ok()) return respond(command_problem(outcome));
    }

    service->feed().poll(
        agent.cti_login, after, wait, [respond = std::move(respond)](api::cti::FeedResult result) {
          using Status = api::cti::FeedResult::Status;
          switch (result.status) {
            case Status::events:
              return respond(http::json(200, std::move(result.body)));
            case Status::empty:
              return respond(
                  http::Response{.status = 204, .content_type = {}, .body = {}, .headers = {}});
            case Status::unavailable:
              return respond(unreadable());
            case Status::stopped:
              return respond(http::retry_later(
                  "shutting down",
                  "the server is shutting down; ask again (another node answers, or this one "
                  "once it is back)"));
            case Status::failed:
              break;
          }
          respond(http::problem(500, "cannot read events", result.error));
        });
  };
}

}  // namespace switchboard::api::routes::cti
