#include "tests/support/test_database.hpp"

#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <thread>

#include "eventstore/migrator.hpp"

namespace switchboard::tests {
namespace {

std::string required_env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string(name) +
                             " is not set: run the tests with tools/run-tests.sh");
  }
  return v;
}

std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 g(rd());
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 10; ++i) s += alphabet[g() % (sizeof(alphabet) - 1)];
  return s;
}

}  // namespace

std::string with_database(const std::string& url, const std::string& database) {
  const auto authority = url.find("//");
  const auto slash = url.find('/', authority + 2);
  const auto query = url.find('?', slash);
  return url.substr(0, slash) + "/" + database +
         (query == std::string::npos ? "" : url.substr(query));
}

std::string with_user(const std::string& url, const std::string& user) {
  const auto authority = url.find("//") + 2;
  const auto at = url.find('@', authority);
  const auto host = at == std::string::npos ? authority : at + 1;
  return url.substr(0, authority) + user + "@" + url.substr(host);
}

TestDatabase::TestDatabase()
    : cluster_url_(required_env("SWITCHBOARD_TEST_PG_ADMIN_URL")),
      name_("sb_test_" + random_suffix()) {
  {
    pqxx::connection c(cluster_url_);
    pqxx::nontransaction(c).exec("CREATE DATABASE " + c.quote_name(name_));
  }
  admin_url_ = with_database(cluster_url_, name_);
  app_url_ = with_user(admin_url_, "switchboard_app");
  eventstore::migrate(admin_url_);
  // The role is cluster-wide and other tests may be altering it at this moment.
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::connection c(admin_url_);
      pqxx::nontransaction(c).exec("ALTER ROLE switchboard_app LOGIN");
      break;
    } catch (const pqxx::sql_error&) {
      if (attempt == 10) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

TestDatabase::~TestDatabase() {
  // For post-mortems: SWITCHBOARD_TEST_KEEP_DATABASES=1 leaves every test database in place.
  if (std::getenv("SWITCHBOARD_TEST_KEEP_DATABASES") != nullptr) return;
  try {
    pqxx::connection c(cluster_url_);
    pqxx::nontransaction(c).exec("DROP DATABASE IF EXISTS " + c.quote_name(name_) +
                                 " WITH (FORCE)");
  } catch (...) {
    // A database left behind lives in the throwaway cluster and goes with it.
  }
}

void TestDatabase::exec(const std::string& sql) const {
  pqxx::connection c(admin_url_);
  pqxx::nontransaction(c).exec(sql);
}

long long TestDatabase::count(const std::string& sql) const {
  pqxx::connection c(admin_url_);
  return pqxx::nontransaction(c).exec(sql)[0][0].as<long long>();
}

std::string nats_url() {
  return required_env("SWITCHBOARD_TEST_NATS_URL");
}

}  // namespace switchboard::tests
