#include "api/http/encoding.hpp"

#include <boost/test/unit_test.hpp>

namespace http = switchboard::api::http;

BOOST_AUTO_TEST_SUITE(encoding)

BOOST_AUTO_TEST_CASE(accept_encoding_negotiation) {
  BOOST_TEST(http::accepts_gzip("gzip"));
  BOOST_TEST(http::accepts_gzip("deflate, GZIP;q=0.5"));
  BOOST_TEST(http::accepts_gzip("br, *"));
  BOOST_TEST(!http::accepts_gzip("deflate, br"));
  BOOST_TEST(!http::accepts_gzip("gzip;q=0"));
  BOOST_TEST(!http::accepts_gzip("gzip; q=0.000"));
  BOOST_TEST(!http::accepts_gzip(""));
}

BOOST_AUTO_TEST_CASE(gzip_round_trip) {
  const std::string text(100'000, 'x');
  const auto packed = http::gzip(text);
  BOOST_TEST(packed.size() < text.size() / 10);
  const auto unpacked = http::gunzip(packed, text.size());
  BOOST_TEST((unpacked.status == http::Inflated::Status::ok));
  BOOST_TEST(unpacked.data == text);
  BOOST_TEST((http::gunzip(http::gzip(""), 0).status == http::Inflated::Status::ok));
}

BOOST_AUTO_TEST_CASE(inflating_stops_at_the_limit) {
  const auto bomb = http::gzip(std::string(10'000'000, '\0'));
  BOOST_TEST((http::gunzip(bomb, 1'000'000).status == http::Inflated::Status::too_large));
}

BOOST_AUTO_TEST_CASE(corrupt_truncated_or_trailing_input_is_refused) {
  const auto packed = http::gzip("hello, world");
  BOOST_TEST((http::gunzip("not gzip at all", 100).status == http::Inflated::Status::corrupt));
  BOOST_TEST((http::gunzip(packed.substr(0, packed.size() - 4), 100).status ==
              http::Inflated::Status::corrupt));
  BOOST_TEST((http::gunzip(packed + "junk", 100).status == http::Inflated::Status::corrupt));
}

BOOST_AUTO_TEST_CASE(request_ids) {
  BOOST_TEST(http::request_id_for(std::string_view{"abc-123.x:y_z"}) == "abc-123.x:y_z");
  const auto fresh = http::request_id_for(std::nullopt);
  BOOST_TEST(fresh.size() == 32u);
  BOOST_TEST(fresh.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(http::request_id_for(std::string_view{"bad id"}) != "bad id");
  BOOST_TEST(http::request_id_for(std::string_view{std::string(129, 'a')}).size() == 32u);
  BOOST_TEST(http::new_request_id() != http::new_request_id());
}

BOOST_AUTO_TEST_SUITE_END()
