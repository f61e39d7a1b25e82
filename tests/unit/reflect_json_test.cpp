// The JSON mapping of tools/include/l2/codec/json.hpp against spec/encoding.md#json-mapping. The
// expected documents are written by hand from the mapping rules.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "l2/codec/json.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/reflect_test_types.hpp"

namespace l2::test {
namespace {

using namespace reflect_types;
using nlohmann::json;

const std::string_view everything_json = R"({
  "version": 1,
  "flags": 515,
  "nonce": 67438087,
  "amount": "1",
  "final": true,
  "phase": "closing",
  "tag": "deadbeef",
  "payload": "aabb",
  "memo": "hi",
  "ids": [7, 16777216],
  "pair": [258, 65535],
  "limit": null,
  "backup": {"account": 3, "amount": "16"},
  "owner": {"account": 168496141, "amount": "18446744073709551615"},
  "steps": [{"height": 256, "cooperative": false, "phase": "closed",
             "balances": [{"account": 1, "amount": "2"}], "fee": "5"}]
})";

TEST(ReflectJson, SampleMatchesTheHandWrittenDocument) {
  EXPECT_EQ(codec::to_json(sample_everything()), json::parse(everything_json));
}

TEST(ReflectJson, SampleParsesBackToTheSameValue) {
  const auto parsed = codec::parse_json<Everything>(everything_json);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  L2_EXPECT_FIELDS_EQ(sample_everything(), parsed.value());
}

TEST(ReflectJson, RoundTripThroughTextOfEdgeValues) {
  Everything value = sample_everything();
  value.amount = 0;
  value.payload = {};
  value.memo = "quote \" backslash \\ newline \n é";
  value.limit = 4294967296u;
  value.backup = std::nullopt;
  value.steps = {};
  const auto parsed = codec::parse_json<Everything>(codec::to_json(value).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  L2_EXPECT_FIELDS_EQ(value, parsed.value());
}

// Parses everything_json with one value replaced by `replacement` (JSON text); null to remove it.
codec::JsonError error_with(const json::json_pointer& where, const std::string& replacement) {
  json document = json::parse(everything_json);
  if (replacement == "<remove>") {
    document[where.parent_pointer()].erase(where.back());
  } else {
    document[where] = json::parse(replacement);
  }
  const auto parsed = codec::from_json<Everything>(document);
  EXPECT_FALSE(parsed.ok()) << where << " = " << replacement << " was accepted";
  return parsed.ok() ? codec::JsonError{} : parsed.error();
}

void expect_error(const std::string& pointer, const std::string& replacement, std::string_view field,
                  std::string_view message) {
  const codec::JsonError error = error_with(json::json_pointer(pointer), replacement);
  EXPECT_EQ(error.field, field) << pointer << " = " << replacement;
  EXPECT_EQ(error.message, message) << pointer << " = " << replacement;
}

// JSON-DOC-1
TEST(ReflectJson, MalformedTextIsAnErrorNotAnException) {
  for (std::string_view text : {"", "{", "{\"version\": 1,}", "[1, 2", "nul", "{\"a\" 1}", "\"\xff\""}) {
    const auto parsed = codec::parse_json<Everything>(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().field, "");
    EXPECT_TRUE(parsed.error().message.starts_with("malformed JSON: parse error at line 1, column "))
        << parsed.error().message;
  }
}

// Found by fuzz/codec_fuzz.cpp: a long string is quoted in the message only in part, and the cut
// fell inside a two-byte character; dumping that half character used to throw.
TEST(ReflectJson, MessagesQuotingCutTextNeverThrow) {
  const std::string text = "\"" + std::string(39, 'r') + "\xc9\xad" + std::string(10, 'r') + "\"";
  const auto parsed = codec::parse_json<Everything>(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(parsed.error().message.starts_with("the top-level value: expected an object, got string"))
      << parsed.error().message;
  const auto hex = codec::from_json<Everything>(json{{"version", "\xc9\xad"}});
  EXPECT_FALSE(hex.ok());
}

// JSON-INT-1, JSON-BOOL-1, JSON-STR-1, JSON-LIST-1, JSON-STRUCT-1
TEST(ReflectJson, WrongTypesNameTheFieldAndWhatCame) {
  expect_error("/version", "\"1\"", "version", R"(field "version": expected an unsigned integer for u8, got string "1")");
  expect_error("/final", "1", "final", R"(field "final": expected true or false, got number 1)");
  expect_error("/memo", "5", "memo", R"(field "memo": expected a string, got number 5)");
  expect_error("/ids", "{}", "ids", R"(field "ids": expected an array, got an object)");
  expect_error("/backup", "[]", "backup", R"(field "backup": expected an object, got an array of 0 elements)");
  expect_error("/steps/0/balances/0/account", "null", "steps[0].balances[0].account",
               R"(field "steps[0].balances[0].account": expected an unsigned integer for u32, got null)");
  const auto top = codec::from_json<Everything>(json::array());
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().message, "the top-level value: expected an object, got an array of 0 elements");
}

// JSON-INT-1
TEST(ReflectJson, SmallIntegersMustBeInRangeWholeAndUnsigned) {
  expect_error("/version", "256", "version", R"(field "version": number 256 is out of range for u8 (at most 255))");
  expect_error("/flags", "65536", "flags", R"(field "flags": number 65536 is out of range for u16 (at most 65535))");
  expect_error("/nonce", "4294967296", "nonce",
               R"(field "nonce": number 4294967296 is out of range for u32 (at most 4294967295))");
  expect_error("/nonce", "-1", "nonce", R"(field "nonce": expected an unsigned integer for u32, got number -1)");
  expect_error("/nonce", "1.5", "nonce", R"(field "nonce": expected an unsigned integer for u32, got number 1.5)");
  expect_error("/nonce", "1.0", "nonce", R"(field "nonce": expected an unsigned integer for u32, got number 1.0)");
}

TEST(ReflectJson, NegativeZeroIsRejectedInText) {
  const auto parsed = codec::parse_json<Everything>(R"({"steps": [{}, {"balances": [{"account": -0}]}]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "steps[1].balances[0].account");
  EXPECT_EQ(parsed.error().message, R"(field "steps[1].balances[0].account" is the number -0; write 0)");
  EXPECT_EQ(codec::parse_json<u8>("-0").error().message, "the top-level value is the number -0; write 0");
}

TEST(ReflectJson, DocumentsBuiltFromSignedIntsAreRead) {
  const json document = {{"account", 7}, {"amount", "9"}};  // 7 is stored as a signed integer
  const auto balance = codec::from_json<Balance>(document);
  ASSERT_TRUE(balance.ok()) << balance.error().message;
  EXPECT_EQ(balance.value().account, 7u);
  const auto negative = codec::from_json<Balance>(json{{"account", -7}, {"amount", "9"}});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().message, R"(field "account": expected an unsigned integer for u32, got number -7)");
}

// JSON-U64-1
TEST(ReflectJson, U64IsACanonicalDecimalString) {
  expect_error("/amount", "1", "amount", R"(field "amount": expected a decimal string for u64, got number 1)");
  expect_error("/steps/0/fee", "5", "steps[0].fee", R"(field "steps[0].fee": expected a decimal string for u64, got number 5)");
  const std::string not_canonical =
      R"(field "amount": expected a decimal string for u64 (digits only, no sign, no leading zeros), got string )";
  for (std::string_view text : {"", "01", "+1", "-1", " 1", "1 ", "0x10", "1e3", "1.0"}) {
    const std::string quoted = json(std::string(text)).dump();
    expect_error("/amount", quoted, "amount", not_canonical + quoted);
  }
  expect_error("/amount", "\"18446744073709551616\"", "amount",
               R"(field "amount": decimal string "18446744073709551616" is out of range for u64 (at most 18446744073709551615))");
  expect_error("/amount", "\"99999999999999999999999\"", "amount",
               R"(field "amount": decimal string "99999999999999999999999" is out of range for u64 (at most 18446744073709551615))");
  const auto zero = codec::from_json<u64>(json("0"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero.value(), 0u);
}

// JSON-HEX-1
TEST(ReflectJson, HexIsLowercaseAndExactlySized) {
  expect_error("/tag", "\"deadbee\"", "tag",
               R"(field "tag": expected a string of 8 lowercase hex digits for a 4-byte array, got 7 characters)");
  expect_error("/tag", "\"deadbeef00\"", "tag",
               R"(field "tag": expected a string of 8 lowercase hex digits for a 4-byte array, got 10 characters)");
  expect_error("/tag", "\"DEADBEEF\"", "tag",
               R"(field "tag": expected a string of 8 lowercase hex digits for a 4-byte array, got "D" at position 0 (only 0-9 and a-f are allowed))");
  expect_error("/tag", "\"0xdeadbe\"", "tag",
               R"(field "tag": expected a string of 8 lowercase hex digits for a 4-byte array, got "x" at position 1 (only 0-9 and a-f are allowed))");
  expect_error("/payload", "\"abc\"", "payload",
               R"(field "payload": expected a string of an even number of lowercase hex digits, got 3 characters)");
  expect_error("/payload", "\"zz\"", "payload",
               R"(field "payload": expected a string of an even number of lowercase hex digits, got "z" at position 0 (only 0-9 and a-f are allowed))");
  expect_error("/payload", "[170, 187]", "payload",
               R"(field "payload": expected a string of an even number of lowercase hex digits, got an array of 2 elements)");
}

// JSON-ENUM-1
TEST(ReflectJson, EnumsAreWrittenByName) {
  expect_error("/phase", "\"Closing\"", "phase", R"(field "phase": expected one of "open", "closing", "closed", got string "Closing")");
  expect_error("/steps/0/phase", "2", "steps[0].phase",
               R"(field "steps[0].phase": expected one of "open", "closing", "closed", got number 2)");
}

// JSON-LIST-1
TEST(ReflectJson, FixedListsNeedExactlyTheirLength) {
  expect_error("/pair", "[1]", "pair", R"(field "pair": expected an array of exactly 2 elements, got 1)");
  expect_error("/pair", "[1, 2, 3]", "pair", R"(field "pair": expected an array of exactly 2 elements, got 3)");
  expect_error("/pair/1", "65536", "pair[1]", R"(field "pair[1]": number 65536 is out of range for u16 (at most 65535))");
}

// JSON-STRUCT-1
TEST(ReflectJson, MissingAndUnknownFieldsAreNamed) {
  expect_error("/owner/amount", "<remove>", "owner.amount", R"(field "owner.amount" is missing)");
  expect_error("/steps/0/fee", "<remove>", "steps[0].fee", R"(field "steps[0].fee" is missing)");
  expect_error("/backup/ammount", "\"1\"", "backup.ammount",
               R"(field "backup.ammount" is not a field of this object (its fields are: account, amount))");
  expect_error("/extra", "true", "extra",
               R"(field "extra" is not a field of this object (its fields are: version, flags, nonce, amount, final, phase, tag, payload, memo, ids, pair, limit, backup, owner, steps))");
}

// JSON-OPT-1
TEST(ReflectJson, OptionalIsNullOrTheValue) {
  expect_error("/limit", "\"x\"", "limit",
               R"(field "limit": expected a decimal string for u64 (digits only, no sign, no leading zeros), got string "x")");
  const auto absent = codec::from_json<std::optional<Balance>>(json(nullptr));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent.value().has_value());
}

TEST(ReflectJson, DuplicateKeysAreRejectedWithTheirPath) {
  const auto parsed = codec::parse_json<Everything>(
      R"({"steps": [{"balances": [], "height": 1}, {"balances": [{"account": 1, "account": 2}]}]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "steps[1].balances[0].account");
  EXPECT_EQ(parsed.error().message, R"(field "steps[1].balances[0].account" appears twice in the same object)");
}

TEST(ReflectJson, DuplicateKeysAreRejectedAtTheTopLevelAndInsideAnyValue) {
  const auto top = codec::parse_json<Balance>(R"({"account": 1, "amount": "2", "account": 1})");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().field, "account");
  EXPECT_EQ(top.error().message, R"(field "account" appears twice in the same object)");
  // Inside a key that is no field: the repeat is found first, in the text.
  const auto unknown = codec::parse_json<Balance>(R"({"account": 1, "amount": "2", "x": {"y": 1, "y": 1}})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "x.y");
  // The same keys in two different objects are no repeat.
  EXPECT_TRUE(codec::parse_json<std::vector<Balance>>(R"([{"account": 1, "amount": "2"}, {"account": 1, "amount": "2"}])").ok());
}

// nlohmann::json::parse alone accepts all of these; every consumer-facing reader uses parse_document.
TEST(ReflectJson, ParseDocumentRejectsWhatAPlainParseAccepts) {
  for (std::string_view text : {R"({"a": 1, "a": 2})", "[-0]", "\xef\xbb\xbf{}"}) {
    EXPECT_FALSE(json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded()) << text;
    const auto parsed = codec::parse_document(text);
    EXPECT_FALSE(parsed.ok()) << text;
  }
  EXPECT_EQ(codec::parse_document("[-0]").error().field, "[0]");
  EXPECT_EQ(codec::parse_document("\xef\xbb\xbf{}").error().message,
            "malformed JSON: the text starts with a UTF-8 byte-order mark (RFC 8259 §8.1)");
  const auto good = codec::parse_document(R"( {"a": [0, -1, 1.5, "-0"], "b": {"a": null}} )");
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good.value(), json::parse(R"({"a": [0, -1, 1.5, "-0"], "b": {"a": null}})"));
}

TEST(ReflectJson, TextThatIsNotUtf8OrALoneSurrogateIsMalformed) {
  for (std::string_view text : {R"("\ud800")", R"("\udc00")", R"("\ud800\u0041")", R"("\udbff\udbff")", "\"\xff\"",
                                "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\""}) {
    const auto parsed = codec::parse_json<std::string>(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().field, "");
    EXPECT_TRUE(parsed.error().message.starts_with("malformed JSON: ")) << parsed.error().message;
    // The message quotes what was read, with the ill-formed bytes replaced: it is text itself.
    EXPECT_TRUE(reflect::is_utf8(parsed.error().message)) << parsed.error().message;
  }
  const auto pair = codec::parse_json<std::string>(R"("\ud83d\ude00\u00e9")");
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  EXPECT_EQ(pair.value(), "\xf0\x9f\x98\x80\xc3\xa9");
}

// Parsed text is always UTF-8; a document built in C++ can hold any bytes, which have no JSON form.
TEST(ReflectJson, TextBuiltInCxxMustBeUtf8Too) {
  json document = json::parse(everything_json);
  document["memo"] = std::string("h\xffi");
  const auto parsed = codec::from_json<Everything>(document);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().field, "memo");
  EXPECT_EQ(parsed.error().message, R"(field "memo": expected a string, got bytes that are not well-formed UTF-8)");
  document["memo"] = std::string("h\xc3\xa9");
  EXPECT_TRUE(codec::from_json<Everything>(document).ok());
}

TEST(ReflectJson, LongStringsAreShortenedInMessages) {
  const std::string long_name(100, 'x');
  expect_error("/phase", json(long_name).dump(), "phase",
               R"(field "phase": expected one of "open", "closing", "closed", got string ")" + std::string(40, 'x') +
                   R"("... (100 characters))");
}

}  // namespace
}  // namespace l2::test
