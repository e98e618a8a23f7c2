// The dead-peer timeouts added to connection strings, read back with libpq's own parser: the
// string stays one libpq accepts, means what the operator wrote, and keeps the operator's values.
#include "eventstore/connection_string.hpp"

#include <libpq-fe.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

using switchboard::eventstore::with_dead_peer_timeouts;
using namespace std::chrono_literals;

namespace {

// What libpq reads from the string (only what it sets: no defaults, no environment).
std::map<std::string, std::string> libpq_reads(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  const std::string message = error ? error : "";
  PQfreemem(error);
  BOOST_REQUIRE_MESSAGE(options != nullptr, "libpq refuses '" << conninfo << "': " << message);
  std::map<std::string, std::string> read;
  for (auto* o = options; o->keyword; ++o) {
    if (o->val) read[o->keyword] = o->val;
  }
  PQconninfoFree(options);
  return read;
}

constexpr const char* server_switches =
    "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=4"
    " -c tcp_user_timeout=30000";

// The client-side settings for the default 30 s: two thirds of it.
void check_client_settings(const std::map<std::string, std::string>& read) {
  BOOST_TEST(read.at("keepalives") == "1");
  BOOST_TEST(read.at("keepalives_idle") == "6");
  BOOST_TEST(read.at("keepalives_interval") == "3");
  BOOST_TEST(read.at("keepalives_count") == "5");
  BOOST_TEST(read.at("tcp_user_timeout") == "20000");
}

struct Probing {
  long idle;
  long interval;
  long count;
  long user_timeout_ms;
};

Probing probing(const std::string& idle, const std::string& interval, const std::string& count,
                const std::string& user_timeout) {
  return {std::stol(idle), std::stol(interval), std::stol(count), std::stol(user_timeout)};
}

// "-c a=1 -c b=2" -> {a: 1, b: 2}
std::map<std::string, std::string> switches(const std::string& options) {
  std::map<std::string, std::string> out;
  std::istringstream in{options};
  for (std::string flag, assignment; in >> flag >> assignment;) {
    BOOST_REQUIRE(flag == "-c");
    const auto equals = assignment.find('=');
    out[assignment.substr(0, equals)] = assignment.substr(equals + 1);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(connection_string)

BOOST_AUTO_TEST_CASE(a_uri_means_what_it_did_with_the_timeouts_added) {
  const auto read =
      libpq_reads(with_dead_peer_timeouts("postgresql://app@db.example:5432/switchboard", 30s));
  BOOST_TEST(read.at("user") == "app");
  BOOST_TEST(read.at("host") == "db.example");
  BOOST_TEST(read.at("port") == "5432");
  BOOST_TEST(read.at("dbname") == "switchboard");
  check_client_settings(read);
  BOOST_TEST(read.at("options") == server_switches);
  BOOST_TEST(read.size() == 10u);  // nothing else

  // No path at all, and a query with nothing in it yet.
  BOOST_TEST(libpq_reads(with_dead_peer_timeouts("postgres://db.example", 30s)).at("options") ==
             server_switches);
  const auto empty_query = libpq_reads(with_dead_peer_timeouts("postgresql://db.example/sb?", 30s));
  BOOST_TEST(empty_query.at("dbname") == "sb");
  check_client_settings(empty_query);
}

BOOST_AUTO_TEST_CASE(a_uri_with_a_query_keeps_it_and_adds_to_it) {
  const std::string url =
      "postgresql://app:p%40ss%26w%3Drd@h1:5432,h2:5433/switch%20board"
      "?sslmode=require&application_name=sb%20node";
  const auto read = libpq_reads(with_dead_peer_timeouts(url, 30s));
  BOOST_TEST(read.at("password") == "p@ss&w=rd");
  BOOST_TEST(read.at("host") == "h1,h2");
  BOOST_TEST(read.at("port") == "5432,5433");
  BOOST_TEST(read.at("dbname") == "switch board");
  BOOST_TEST(read.at("sslmode") == "require");
  BOOST_TEST(read.at("application_name") == "sb node");
  check_client_settings(read);
  BOOST_TEST(read.at("options") == server_switches);
}

BOOST_AUTO_TEST_CASE(values_the_operator_put_in_a_uri_are_kept) {
  const std::string url =
      "postgresql://app@h/sb?keepalives_idle=2&tcp_user_timeout=0"
      "&options=-c%20statement_timeout%3D5s%20--tcp-keepalives-idle%3D60&sslmode=disable";
  const auto read = libpq_reads(with_dead_peer_timeouts(url, 30s));
  BOOST_TEST(read.at("keepalives_idle") == "2");
  BOOST_TEST(read.at("tcp_user_timeout") == "0");
  BOOST_TEST(read.at("keepalives") == "1");
  BOOST_TEST(read.at("keepalives_interval") == "3");
  BOOST_TEST(read.at("keepalives_count") == "5");
  BOOST_TEST(read.at("sslmode") == "disable");
  // PostgreSQL reads --tcp-keepalives-idle as tcp_keepalives_idle: the operator's 60 stays alone.
  BOOST_TEST(read.at("options") ==
             "-c statement_timeout=5s --tcp-keepalives-idle=60 -c tcp_keepalives_interval=5"
             " -c tcp_keepalives_count=4 -c tcp_user_timeout=30000");

  // Everything set already: the string means what it did.
  const std::string complete =
      "postgresql://h/sb?keepalives=1&keepalives_idle=1&keepalives_interval=1&keepalives_count=1"
      "&tcp_user_timeout=1&options=-ctcp_keepalives_idle%3D1%20-c%20TCP_KEEPALIVES_INTERVAL%3D1"
      "%20-c%20tcp_keepalives_count%3D1%20-c%20tcp_user_timeout%3D1";
  BOOST_TEST(libpq_reads(with_dead_peer_timeouts(complete, 30s)) == libpq_reads(complete));
}

BOOST_AUTO_TEST_CASE(key_value_settings_are_kept_and_added_to) {
  const auto composed = with_dead_peer_timeouts(
      R"(host=127.0.0.1   dbname = switchboard password='it\'s a \\ secret' user=app)", 30s);
  const auto read = libpq_reads(composed);
  BOOST_TEST(read.at("host") == "127.0.0.1");
  BOOST_TEST(read.at("dbname") == "switchboard");
  BOOST_TEST(read.at("password") == R"(it's a \ secret)");
  BOOST_TEST(read.at("user") == "app");
  check_client_settings(read);
  BOOST_TEST(read.at("options") == server_switches);

  // A bare value's trailing backslash escapes nothing: it must not take the next setting in.
  const auto trailing = libpq_reads(with_dead_peer_timeouts(R"(host=h password=abc\)", 30s));
  BOOST_TEST(trailing.at("password") == "abc");
  check_client_settings(trailing);

  // All defaults: only what is added.
  const auto empty = libpq_reads(with_dead_peer_timeouts("", 30s));
  check_client_settings(empty);
  BOOST_TEST(empty.at("options") == server_switches);
}

BOOST_AUTO_TEST_CASE(values_the_operator_put_in_key_value_settings_are_kept) {
  const auto read = libpq_reads(with_dead_peer_timeouts(
      "host=h keepalives=0 keepalives_count=9 options='-c search_path=x -ctcp_keepalives_count=2'",
      30s));
  BOOST_TEST(read.at("keepalives") == "0");
  BOOST_TEST(read.at("keepalives_count") == "9");
  BOOST_TEST(read.at("keepalives_idle") == "6");
  BOOST_TEST(read.at("options") ==
             "-c search_path=x -ctcp_keepalives_count=2 -c tcp_keepalives_idle=10"
             " -c tcp_keepalives_interval=5 -c tcp_user_timeout=30000");

  // A dangling escape at the end of the operator's options does not swallow the first switch.
  const auto dangling =
      libpq_reads(with_dead_peer_timeouts(R"(options='-c search_path=x\\')", 30s));
  BOOST_TEST(dangling.at("options") == std::string{"-c search_path=x "} + server_switches);
}

BOOST_AUTO_TEST_CASE(pgoptions_is_kept_when_the_string_has_no_options) {
  // libpq ignores PGOPTIONS once the string has options: they go in with the added switches.
  const auto read = libpq_reads(with_dead_peer_timeouts(
      "postgresql://h/sb", 30s, "-c work_mem=64MB -c tcp_keepalives_idle=20"));
  BOOST_TEST(read.at("options") ==
             "-c work_mem=64MB -c tcp_keepalives_idle=20 -c tcp_keepalives_interval=5"
             " -c tcp_keepalives_count=4 -c tcp_user_timeout=30000");
  // Setting all four already, PGOPTIONS is left to libpq.
  BOOST_TEST(!libpq_reads(with_dead_peer_timeouts("host=h", 30s,
                                                  "-c tcp_keepalives_idle=1 -c "
                                                  "tcp_keepalives_interval=1 -c "
                                                  "tcp_keepalives_count=1 -c tcp_user_timeout=1"))
                  .contains("options"));
  // The string's own options win over PGOPTIONS, as in libpq.
  BOOST_TEST(libpq_reads(with_dead_peer_timeouts("postgresql://h/sb?options=-c%20a.b%3D1", 30s,
                                                 "-c work_mem=64MB"))
                 .at("options") == std::string{"-c a.b=1 "} + server_switches);
}

// The last probe falls due at the bound and not a probe interval earlier, so a dead peer is given
// up on within the bound (plus at most one interval); the client side gives up first.
BOOST_AUTO_TEST_CASE(probes_end_at_the_takeover_bound) {
  for (const auto bound : {6s, 10s, 30s, 45s, 60s, 600s}) {
    BOOST_TEST_CONTEXT(bound.count() << " s") {
      const auto read = libpq_reads(with_dead_peer_timeouts("host=h", bound));
      const auto s = switches(read.at("options"));
      const auto server = probing(s.at("tcp_keepalives_idle"), s.at("tcp_keepalives_interval"),
                                  s.at("tcp_keepalives_count"), s.at("tcp_user_timeout"));
      const auto client = probing(read.at("keepalives_idle"), read.at("keepalives_interval"),
                                  read.at("keepalives_count"), read.at("tcp_user_timeout"));
      BOOST_TEST(server.user_timeout_ms == bound.count() * 1000);
      BOOST_TEST(client.user_timeout_ms == bound.count() * 2000 / 3);
      for (const auto& p : {server, client}) {
        BOOST_TEST(p.idle >= 1);
        BOOST_TEST(p.interval >= 1);
        BOOST_TEST((p.idle + p.count * p.interval) * 1000 >= p.user_timeout_ms);
        BOOST_TEST((p.idle + (p.count - 1) * p.interval) * 1000 < p.user_timeout_ms);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_string_libpq_would_refuse_is_an_error) {
  for (const char* bad :
       {"host=h dbname", "host='h", "postgresql://h/sb?sslmode", "postgresql://h/sb?a=b=c",
        "postgresql://h/sb?&sslmode=disable", "postgresql://h/sb?application_name=%zz"}) {
    BOOST_TEST_CONTEXT(bad) {
      BOOST_CHECK_THROW(with_dead_peer_timeouts(bad, 30s), std::invalid_argument);
      BOOST_TEST(PQconninfoParse(bad, nullptr) == nullptr);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
