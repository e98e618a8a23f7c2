// The one SHA-256 and hex of the code base (eventstore/digest.hpp): migrations, tokens, sessions
// and tags are all known by it, so it must match the standard's test vectors.
#include "eventstore/digest.hpp"

#include <boost/test/unit_test.hpp>

using namespace switchboard::eventstore;

BOOST_AUTO_TEST_CASE(sha256_matches_the_standard_test_vectors) {
  BOOST_CHECK_EQUAL(sha256_hex(""),
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_CHECK_EQUAL(sha256_hex("abc"),
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto digest = sha256("abc");
  BOOST_CHECK_EQUAL(hex(digest.data(), digest.size()), sha256_hex("abc"));
}

BOOST_AUTO_TEST_CASE(hex_is_lower_case_two_digits_a_byte) {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  BOOST_CHECK_EQUAL(hex(bytes, sizeof bytes), "000fa0ff");
  BOOST_CHECK_EQUAL(hex(bytes, 0), "");
}
