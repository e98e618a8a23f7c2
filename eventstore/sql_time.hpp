#pragma once

#include <string>
#include <string_view>

namespace switchboard::eventstore {

// SQL for a timestamptz column (or expression) as ISO 8601 UTC text with microseconds, the form
// every timestamp leaves the service in (NULL stays NULL).
std::string iso_time(std::string_view column);

}  // namespace switchboard::eventstore
