#include "api/crypto/sealed_box.hpp"

#include <boost/test/unit_test.hpp>

#include "api/crypto/signature.hpp"

using namespace switchboard::api::crypto;

namespace {

const auto key = *key_from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
const auto other_key =
    *key_from_hex("F00102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F");

}  // namespace

BOOST_AUTO_TEST_CASE(keys_are_64_hex_characters) {
  BOOST_CHECK(key_from_hex(std::string(64, 'a')).has_value());
  BOOST_CHECK(!key_from_hex(std::string(63, 'a')).has_value());
  BOOST_CHECK(!key_from_hex(std::string(66, 'a')).has_value());
  BOOST_CHECK(!key_from_hex(std::string(63, 'a') + "g").has_value());
  BOOST_CHECK(!key_from_hex("").has_value());
  BOOST_CHECK(key.at(1) == 0x01 && key.at(31) == 0x1f);
}

BOOST_AUTO_TEST_CASE(a_sealed_value_opens_to_itself) {
  for (const std::string& text :
       {std::string(), std::string("a"), std::string("client-token-0123456789abcdef0123456789"),
        std::string(1000, 'x'), std::string("\0binary\xff", 8)}) {
    const auto sealed = seal(text, key);
    const auto opened = open(sealed, key);
    BOOST_REQUIRE(opened.has_value());
    BOOST_CHECK(*opened == text);
  }
}

BOOST_AUTO_TEST_CASE(every_seal_uses_a_fresh_nonce) {
  BOOST_CHECK_NE(seal("same", key), seal("same", key));
}

BOOST_AUTO_TEST_CASE(the_output_is_base64_of_nonce_ciphertext_and_tag) {
  const auto sealed = seal("twelve chars", key);
  // 12 + 12 + 16 = 40 bytes -> 56 base64 characters.
  BOOST_CHECK_EQUAL(sealed.size(), 56u);
  BOOST_CHECK(sealed.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") ==
              std::string::npos);
}

BOOST_AUTO_TEST_CASE(tampering_is_detected) {
  const auto sealed = seal("client-token-0123456789abcdef0123456789", key);
  // The last base64 group holds padding bits that decode to nothing: leave it out.
  for (std::size_t i = 0; i + 4 < sealed.size(); i += 7) {
    auto changed = sealed;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    BOOST_CHECK_MESSAGE(!open(changed, key).has_value(), "position " << i);
  }
  BOOST_CHECK(!open(sealed.substr(0, sealed.size() - 4), key).has_value());
  BOOST_CHECK(!open("", key).has_value());
  BOOST_CHECK(!open("not base64 at all!", key).has_value());
  BOOST_CHECK(!open("AAAA", key).has_value());
}

BOOST_AUTO_TEST_CASE(the_wrong_key_does_not_open) {
  BOOST_CHECK(!open(seal("secret", key), other_key).has_value());
}

BOOST_AUTO_TEST_CASE(signatures_are_hex_hmac_sha256) {
  // RFC 4231, test case 2: what any provider's HMAC library computes.
  BOOST_CHECK_EQUAL(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
                    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  BOOST_CHECK_NE(hmac_sha256_hex("Jefe", "what do ya want for nothing!"),
                 hmac_sha256_hex("Jefe", "what do ya want for nothing?"));
}
