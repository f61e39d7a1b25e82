// Laws of the reflection layer over random values of the test structs: the byte encoding and the
// JSON form both round-trip, equal agrees with diff and with byte equality, and the decoder only
// ever accepts canonical bytes.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstddef>
#include <vector>
#include <span>
#include <string>

#include "l2/codec/json.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/test/arbitrary.hpp"
#include "l2/test/reflect_test_types.hpp"

namespace l2::test {
namespace {

using namespace reflect_types;

// Any position in [0, size), whatever RapidCheck's current size (gen::inRange alone scales with it).
rc::Gen<std::size_t> any_position(std::size_t size) {
  return rc::gen::resize(100, rc::gen::inRange<std::size_t>(0, size));
}

template <class T>
void check_byte_round_trip(const T& value) {
  const Bytes wire = reflect::encode(value);
  const auto decoded = reflect::decode<T>(wire);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(reflect::equal(decoded.value(), value));
}

template <class T>
void check_json_round_trip(const T& value) {
  const auto from_document = codec::from_json<T>(codec::to_json(value));
  RC_ASSERT(from_document.ok());
  RC_ASSERT(reflect::equal(from_document.value(), value));
  const auto from_text = codec::parse_json<T>(codec::to_json(value).dump());
  RC_ASSERT(from_text.ok());
  RC_ASSERT(reflect::equal(from_text.value(), value));
}

template <class T>
void check_equality_laws(const T& a, const T& b) {
  RC_ASSERT(reflect::equal(a, a));
  RC_ASSERT(reflect::diff(a, a).empty());
  const bool same = reflect::equal(a, b);
  RC_ASSERT(same == reflect::equal(b, a));
  RC_ASSERT(same == reflect::diff(a, b).empty());
  // The encoding is injective, so byte equality is an independent oracle for field equality.
  RC_ASSERT(same == (reflect::encode(a) == reflect::encode(b)));
}

RC_GTEST_PROP(ReflectProperty, EverythingRoundTripsThroughBytes, (const Everything& value)) {
  check_byte_round_trip(value);
}
RC_GTEST_PROP(ReflectProperty, ChannelRoundTripsThroughBytes, (const Channel& value)) { check_byte_round_trip(value); }
RC_GTEST_PROP(ReflectProperty, InstructionRoundTripsThroughBytes, (const Instruction& value)) {
  check_byte_round_trip(value);
}

RC_GTEST_PROP(ReflectProperty, EverythingRoundTripsThroughJson, (const Everything& value)) {
  check_json_round_trip(value);
}
RC_GTEST_PROP(ReflectProperty, ChannelRoundTripsThroughJson, (const Channel& value)) { check_json_round_trip(value); }

RC_GTEST_PROP(ReflectProperty, EqualityLawsOnIndependentValues, (const Step& a, const Step& b)) {
  check_equality_laws(a, b);
}

RC_GTEST_PROP(ReflectProperty, EqualityLawsOnNearlyEqualValues, (const Everything& a)) {
  // Independent random values almost never coincide; flip one byte of a's encoding instead, so that
  // "equal" and "differs in one leaf" both occur.
  Bytes wire = reflect::encode(a);
  const auto position = *any_position(wire.size());
  wire[position] = static_cast<u8>(wire[position] ^ *rc::gen::element<u8>(0x00, 0x01, 0x80));
  const auto b = reflect::decode<Everything>(wire);
  RC_PRE(b.ok());
  check_equality_laws(a, b.value());
}

RC_GTEST_PROP(ReflectProperty, EveryStrictPrefixIsRejectedAsShort, (const Step& value)) {
  const Bytes wire = reflect::encode(value);
  for (std::size_t length = 0; length < wire.size(); ++length) {
    const auto decoded = reflect::decode<Step>(std::span<const u8>(wire.data(), length));
    RC_ASSERT(!decoded.ok());
    const auto code = decoded.error().code;
    RC_ASSERT(code == reflect::DecodeErrorCode::truncated || code == reflect::DecodeErrorCode::length_too_large);
    RC_ASSERT(decoded.error().offset <= length);
  }
}

// Whatever the decoder accepts re-encodes to exactly the bytes it read: there is one encoding per value.
RC_GTEST_PROP(ReflectProperty, AcceptedBytesAreCanonical, (const Everything& value)) {
  Bytes wire = reflect::encode(value);
  const auto flips = *rc::gen::inRange<std::size_t>(1, 4);
  for (std::size_t i = 0; i < flips; ++i) {
    const auto position = *any_position(wire.size());
    wire[position] = *rc::gen::arbitrary<u8>();
  }
  const auto decoded = reflect::decode<Everything>(wire);
  if (decoded.ok()) RC_ASSERT(reflect::encode(decoded.value()) == wire);
}

RC_GTEST_PROP(ReflectProperty, RandomBytesNeverCrashAndAcceptedOnesAreCanonical, (const Bytes& wire)) {
  const auto decoded = reflect::decode<Step>(wire);
  if (decoded.ok()) RC_ASSERT(reflect::encode(decoded.value()) == wire);
}

TEST(ReflectGenerators, BoundaryValuesIncludeTheNamedOnes) {
  const auto values = boundary_values<u64>();
  for (u64 expected : {u64{0}, u64{1}, ~u64{0}, ~u64{0} - 1, u64{0xffffffff}, u64{0x100000000}, u64{0x100000001}})
    EXPECT_NE(std::find(values.begin(), values.end(), expected), values.end()) << expected;
  const auto small = boundary_values<u8>();
  EXPECT_EQ(small, (std::vector<u8>{0, 1, 255, 254, 128}));
}

}  // namespace
}  // namespace l2::test
