#include "autograph/signing/envelope_verifier.hpp"

#include <gtest/gtest.h>

#include <string>

#include "autograph/signing/batch_envelope.hpp"
#include "signing/envelope_fixture.hpp"

namespace autograph::signing {
namespace {

class EnvelopeVerifier : public testing::Test {
 protected:
  // Builds an envelope around arbitrary data bytes, signed correctly, to test data checks.
  std::string envelope_with_data(const std::string& data,
                                 std::string id = "2c7536E3605D9C16a7a3D7b1898e529396a65c23:b:0") {
    auto envelope = build_envelope(
        key_, {std::move(id), "autograph/test", std::string(test::kWeb3DocsAddress), "t", "now"},
        data);
    EXPECT_TRUE(envelope);
    return envelope.value_or("");
  }

  void expect_error(const std::string& text, const std::string& fragment) {
    auto verified = verify_envelope(text, std::nullopt);
    ASSERT_FALSE(verified) << "accepted: " << text;
    EXPECT_EQ(verified.error().code(), ErrorCode::kMalformed);
    EXPECT_NE(verified.error().message().find(fragment), std::string::npos)
        << verified.error().message();
  }

  static std::string replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
  }

  const SecretKey key_ = test::key_from_hex(test::kWeb3DocsKey);
  const std::string prev_zero_ = "0x" + std::string(64, '0');
  const std::string good_ = test::sign_batches(key_, "insurer", 2)[1];
};

TEST_F(EnvelopeVerifier, AcceptsASignedEnvelopeAndReturnsItsFields) {
  auto verified = verify_envelope(good_, std::nullopt);
  ASSERT_TRUE(verified) << verified.error().message();
  EXPECT_EQ(verified->signer.to_checksum_hex(), test::kWeb3DocsAddress);
  EXPECT_EQ(verified->id, "2c7536E3605D9C16a7a3D7b1898e529396a65c23:b00t:1");
  EXPECT_EQ(verified->stream, "insurer");
  EXPECT_EQ(verified->seq, 1u);
  EXPECT_EQ(verified->boot, "b00t");
  EXPECT_EQ(verified->type, "autograph.signals.v1");
  EXPECT_EQ(verified->time, "2025-11-26T09:40:01.000Z");
  const size_t data_at = good_.find(R"("data":)") + 7;
  EXPECT_EQ(verified->data, good_.substr(data_at, good_.rfind(R"(,"signature")") - data_at));
  EXPECT_EQ(verified->data_hash, keccak256(test::as_bytes(verified->data)));
  auto first = verify_envelope(test::sign_batches(key_, "insurer", 1)[0], std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(verified->prev, first->data_hash);
}

TEST_F(EnvelopeVerifier, ChecksTheExpectedSigner) {
  EXPECT_TRUE(verify_envelope(good_, Address::parse(test::kWeb3DocsAddress).value()));
  auto other = Address::parse("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf").value();
  auto verified = verify_envelope(good_, other);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().message().find("expected 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf"),
            std::string::npos);
}

TEST_F(EnvelopeVerifier, AcceptsWhitespaceOutsideData) {
  std::string spaced = replace(good_, R"(,"data":)", " ,\n \"data\" :\t");
  spaced = " " + replace(spaced, R"(,"signature")", "\r\n,\"signature\"") + "\n";
  EXPECT_TRUE(verify_envelope(spaced, std::nullopt));
}

TEST_F(EnvelopeVerifier, DetectsOneAlteredDataByte) {
  expect_error(replace(good_, "[500,52]", "[500,53]"), "not by subject");
}

TEST_F(EnvelopeVerifier, DetectsReformattedData) {
  // Same JSON value, different bytes: the signature covers bytes, not meaning.
  expect_error(replace(good_, R"({"v":1,)", R"({"v": 1,)"), "not by subject");
}

TEST_F(EnvelopeVerifier, DetectsAnAlteredSignatureByte) {
  const size_t at = good_.find(R"("signature":"0x)") + 20;
  std::string altered = good_;
  altered[at] = altered[at] == '1' ? '2' : '1';
  auto verified = verify_envelope(altered, std::nullopt);
  EXPECT_FALSE(verified);
}

TEST_F(EnvelopeVerifier, DetectsAnAlteredSubject) {
  expect_error(replace(good_, R"("subject":"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")",
                       R"("subject":"0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")"),
               "not by subject 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
}

TEST_F(EnvelopeVerifier, AcceptsALowercaseSubject) {
  EXPECT_TRUE(verify_envelope(replace(good_, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
                                      "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23"),
                              std::nullopt));
}

TEST_F(EnvelopeVerifier, RejectsAnIdThatDoesNotMatchTheSignedData) {
  expect_error(replace(good_, "b00t:1\"", "b00t:2\""), "does not match data boot");
  expect_error(replace(good_, "b00t:1\"", "boot:1\""), "does not match data boot");
  expect_error(replace(good_, "\"2c7536E3605D9C16a7a3D7b1898e529396a65c23:",
                       "\"7E5F4552091A69125d5DfCb7b8C2659029395Bdf:"),
               "does not start with the signer's address");
  expect_error(replace(good_, "b00t:1\"", "b00t-1\""), "is not <address>:<boot>:<seq>");
}

TEST_F(EnvelopeVerifier, RejectsADuplicateDataMember) {
  expect_error(replace(good_, R"(,"signature")", R"(,"data":{},"signature")"),
               "duplicate member 'data'");
}

TEST_F(EnvelopeVerifier, RejectsMissingOrWronglyTypedAttributes) {
  expect_error(replace(good_, R"("specversion":"1.0")", R"("specversion":"0.3")"), "specversion");
  expect_error(replace(good_, R"("specversion":"1.0",)", ""), "missing member 'specversion'");
  expect_error(replace(good_, R"("datacontenttype":"application/json")",
                       R"("datacontenttype":"text/plain")"),
               "datacontenttype");
  expect_error(replace(good_, R"("type":"autograph.signals.v1")", R"("type":1)"),
               "member 'type' must be a string, not number");
  expect_error(replace(good_, R"("data":{)", R"("dat":{)"), "'data' must be present");
  expect_error(replace(good_, R"("subject":"0x2c)", R"("subject":"0y2c)"), "'subject'");
  expect_error(replace(good_, R"("signature":"0x)", R"("signature":"0x00)"), "'signature'");
}

TEST_F(EnvelopeVerifier, RejectsTextThatIsNotOneJsonObject) {
  expect_error("", "envelope: JSON at byte 0");
  expect_error("[]", "expected a JSON object");
  expect_error(good_ + "{}", "text after the end");
  expect_error(good_.substr(0, good_.size() - 1), "envelope: JSON");
}

TEST_F(EnvelopeVerifier, ChecksTheSignedDataFields) {
  const std::string base = R"("stream":"s","seq":0,"prev":")" + prev_zero_ + R"(","policy":")" +
                           prev_zero_ + R"(","boot":"b")";
  EXPECT_TRUE(verify_envelope(envelope_with_data(R"({"v":1,)" + base + "}"), std::nullopt));
  expect_error(envelope_with_data("{" + base + "}"), "data: missing member 'v'");
  expect_error(envelope_with_data(R"({"v":2,)" + base + "}"), "this verifier knows version 1");
  expect_error(envelope_with_data(R"({"v":1,)" + replace(base, R"("seq":0)", R"("seq":"0")") + "}"),
               "'seq': must be a number, not string");
  expect_error(envelope_with_data(R"({"v":1,)" + replace(base, R"("seq":0)", R"("seq":-1)") + "}"),
               "not a non-negative integer");
  expect_error(
      envelope_with_data(R"({"v":1,)" + replace(base, R"("prev":"0x0)", R"("prev":"0x)") + "}"),
      "'prev' must be 0x followed by 64 hex digits");
  expect_error(envelope_with_data(R"({"v":1,)" +
                                  replace(base, R"("policy":"0x0)", R"("policy":"0xg)") + "}"),
               "not a hex digit");
  expect_error(envelope_with_data(R"({"v":1,)" + replace(base, R"(,"boot":"b")", "") + "}"),
               "missing member 'boot'");
  expect_error(envelope_with_data(R"({"v":1,)" + base + R"(,"v":1})"), "data: JSON");
}

}  // namespace
}  // namespace autograph::signing
