#pragma once

// The control API's /push: the fake provider calls Switchboard's public API the way a real
// provider would (its client token as Bearer), and passes Switchboard's answer back unchanged.

#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>

#include "tools/fake_provider/http_listener.hpp"

namespace switchboard::tools::fake_provider {

// `spec`: {"switchboard":"http://host:port","token":"...","path":"/public/v1/...",
//          "method":"POST" (default),"body":{...} or "raw text","idempotency_key":"..."
//          (optional)}.
// Replies with Switchboard's status, body and content type; 400 for a bad spec; 502 when
// Switchboard cannot be reached or does not answer within 10 s.
void push_to_switchboard(boost::asio::io_context& io, const rapidjson::Value& spec, Reply reply);

}  // namespace switchboard::tools::fake_provider
