#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <pqxx/pqxx>

#include "api/wiring/readiness.hpp"

namespace switchboard::api::wiring {
namespace {

// libpq takes connection parameters in either syntax; both accept a later duplicate.
std::string with_timeouts(const std::string& url, std::chrono::seconds timeout) {
  const auto seconds = timeout.count();
  const bool uri = url.starts_with("postgresql://") || url.starts_with("postgres://");
  if (uri) {
    return fmt::format("{}{}connect_timeout={}&tcp_user_timeout={}", url,
                       url.find('?') == std::string::npos ? '?' : '&', seconds, seconds * 1000);
  }
  return fmt::format("{} connect_timeout={} tcp_user_timeout={}", url, seconds, seconds * 1000);
}

std::string first_line(std::string text) {
  if (const auto end = text.find('\n'); end != std::string::npos) text.resize(end);
  return text;
}

struct PostgresProbe {
  std::string url;
  std::chrono::seconds timeout;
  std::mutex mutex;
  std::unique_ptr<pqxx::connection> connection;

  std::optional<std::string> check() {
    std::lock_guard lock{mutex};
    try {
      if (!connection || !connection->is_open()) {
        connection = std::make_unique<pqxx::connection>(url);
        pqxx::nontransaction setup{*connection};
        setup.exec(fmt::format("SET statement_timeout = {}", timeout.count() * 1000));
      }
      pqxx::nontransaction tx{*connection};
      tx.exec1("SELECT 1");
      return std::nullopt;
    } catch (const std::exception& e) {
      connection.reset();
      return "PostgreSQL: " + first_line(e.what());
    }
  }
};

}  // namespace

Check postgres_check(std::string url, std::chrono::seconds timeout) {
  auto probe = std::make_shared<PostgresProbe>();
  probe->url = with_timeouts(url, timeout);
  probe->timeout = timeout;
  return [probe] { return probe->check(); };
}

}  // namespace switchboard::api::wiring
