#pragma once

// Update notices to providers as JSON: what publishing answers with and what a provider's
// developer lists, with their own read state.

#include <optional>
#include <string>

#include "api/routes/pagination.hpp"
#include "domain/json.hpp"
#include "domain/provider_platform/notice.hpp"

namespace pqxx {
class transaction_base;
}

namespace switchboard::api::routes {

// {notice_id, title: {ru, en}, body: {ru, en}, api_version, effective_date (null when none),
// providers, endpoints}
void write_notice(domain::JsonWriter& w, const domain::provider_platform::PublishNotice& n);

// {"items": [notice... + published_at, read, acknowledged_at], "next_cursor": ...}: the notices
// that concern provider `code`, newest first, read or not as `developer_id` has acknowledged
// them; only the unread ones when `unread_only`. nullopt when the cursor is not one of these.
std::optional<std::string> notices_page_json(pqxx::transaction_base& tx, const std::string& code,
                                             const std::string& developer_id, bool unread_only,
                                             const PageRequest& page);

}  // namespace switchboard::api::routes
