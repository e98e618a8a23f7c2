#pragma once

#include <string>

namespace switchboard::tests {

// A fresh, migrated database in the PostgreSQL cluster the test script started
// (SWITCHBOARD_TEST_PG_ADMIN_URL), dropped again at the end. admin_url() is the owner (as the
// migrations and the admin CLI use it), app_url() the application's role.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& admin_url() const { return admin_url_; }
  const std::string& app_url() const { return app_url_; }

  // Runs SQL as the owner (for test set-up and checks).
  void exec(const std::string& sql) const;
  long long count(const std::string& sql) const;

 private:
  std::string cluster_url_;
  std::string name_;
  std::string admin_url_;
  std::string app_url_;
};

// postgresql://user@host:port/db -> the same with another database or user.
std::string with_database(const std::string& url, const std::string& database);
std::string with_user(const std::string& url, const std::string& user);

// SWITCHBOARD_TEST_NATS_URL, or a failed test naming the variable.
std::string nats_url();

}  // namespace switchboard::tests
