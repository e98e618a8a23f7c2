#pragma once

// Update notices to providers as JSON: what publishing answers with, what a provider's developer
// lists with their own read state, and what the operator lists with who has read each.

#include <optional>
#include <string>

#include "api/http/types.hpp"
#include "api/routes/pagination.hpp"
#include "domain/json.hpp"
#include "domain/provider_platform/notice.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::api::routes {

// A 400 naming `notice_id` unless `id` has the shape of one the server hands out (a UUID).
std::optional<http::Response> malformed_notice_id(const std::string& id);

// {notice_id, title: {ru, en}, body: {ru, en}, api_version, effective_date (null when none),
// providers, endpoints}
void write_notice(domain::JsonWriter& w, const domain::provider_platform::PublishNotice& n);

// {"items": [notice... + published_at, updated_at, withdrawn_at, withdrawal_reason, read,
// acknowledged_at], "next_cursor": ...}: the notices that concern provider `code`, newest first,
// read or not as `developer_id` has acknowledged them; only the unread ones still standing when
// `unread_only`. nullopt when the cursor is not one of these.
std::optional<std::string> notices_page_json(pqxx::transaction_base& tx, const std::string& code,
                                             const std::string& developer_id, bool unread_only,
                                             const PageRequest& page);

// The operator's list: every notice, newest first, each with how many of the providers it
// concerns have acknowledged it (concerned_providers, acknowledged_providers). nullopt when the
// cursor is not one of these.
std::optional<std::string> operator_notices_page_json(pqxx::transaction_base& tx,
                                                      const PageRequest& page);

// One notice as the operator's list has it, plus `acknowledgements`: each provider it concerns
// with its developer, when they acknowledged it (null: not yet) and `push`, where pushing the
// notice's latest change to their notice webhook stands (not_registered, pending, delivered,
// failed), the unread first. nullopt when there is no such notice.
std::optional<std::string> operator_notice_json(pqxx::transaction_base& tx,
                                                const std::string& notice_id);

}  // namespace switchboard::api::routes
