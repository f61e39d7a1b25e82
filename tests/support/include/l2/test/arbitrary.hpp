// RapidCheck generators for every reflected struct, derived field by field: `*rc::gen::arbitrary<S>()`
// (or an RC_GTEST_PROP parameter of type S) just works for any BOOST_HANA_DEFINE_STRUCT type whose
// fields are l2::reflect::Encodable. Integers lean on boundary values, sizes stay short, enums stay
// in range. Counterexamples print through l2::reflect::to_text.
#pragma once

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include <rapidcheck.h>

#include "l2/ref/reflect.hpp"
#include "l2/test/fields_eq.hpp"

namespace l2::test {

// Integer values where code tends to break, each with the bug it hunts.
template <reflect::UnsignedInteger U>
std::vector<U> boundary_values() {
  constexpr U max = std::numeric_limits<U>::max();
  constexpr std::size_t bits = 8 * sizeof(U);
  std::vector<U> values = {
      0,        // empty balance, zero fee, division by zero, "unset" confused with "zero"
      1,        // off-by-one at the bottom: the smallest amount that must not round away
      max,      // overflow on any addition; a sum that silently wraps
      max - 1,  // overflow only after adding 2; an upper bound checked with < instead of <=
      static_cast<U>(U{1} << (bits - 1)),  // the top bit: a signed/unsigned mix-up reads it as negative
  };
  // Byte boundaries 2^k - 1, 2^k, 2^k + 1: a value truncated to a narrower integer, an encoder that
  // writes too few bytes, a length that carries into the next byte.
  for (std::size_t k = 8; k < bits; k *= 2) {
    const U power = static_cast<U>(U{1} << k);
    values.push_back(static_cast<U>(power - 1));
    values.push_back(power);
    values.push_back(static_cast<U>(power + 1));
  }
  return values;  // for u64 this includes 2^32 - 1, 2^32, 2^32 + 1: 32-bit truncation of amounts
}

// About half the time a boundary value, otherwise RapidCheck's size-scaled arbitrary value.
template <reflect::UnsignedInteger U>
rc::Gen<U> boundary_biased() {
  return rc::gen::weightedOneOf<U>({{1, rc::gen::elementOf(boundary_values<U>())}, {1, rc::gen::arbitrary<U>()}});
}

// Short lengths with 0 well represented: an empty list is where "first element" and "last
// element" code reads out of bounds, and where a length prefix of zero gets skipped.
inline rc::Gen<std::size_t> short_length(std::size_t longest) {
  return rc::gen::weightedOneOf<std::size_t>(
      {{1, rc::gen::just<std::size_t>(0)}, {1, rc::gen::just<std::size_t>(1)}, {2, rc::gen::inRange<std::size_t>(2, longest + 1)}});
}

inline rc::Gen<u8> arbitrary_byte() {
  return rc::gen::weightedOneOf<u8>({
      {1, rc::gen::just<u8>(0x00)},  // a zero byte ends C strings and hides in all-zero "empty" hashes
      {1, rc::gen::just<u8>(0xff)},  // sign extension of a char, carries out of a byte
      {3, rc::gen::arbitrary<u8>()},
  });
}

template <class T>
rc::Gen<T> field_gen();

template <class Sequence>
rc::Gen<Sequence> byte_string_gen() {
  // Up to 65 bytes: crosses the 32-byte hash size and the 64-byte SHA-256 block.
  return rc::gen::mapcat(short_length(65), [](std::size_t length) {
    return rc::gen::map(rc::gen::container<std::vector<u8>>(length, arbitrary_byte()), [](const std::vector<u8>& bytes) {
      return Sequence(bytes.begin(), bytes.end());
    });
  });
}

// Printable ASCII plus quote, backslash and a two-byte UTF-8 letter: valid UTF-8, so every value
// also survives a trip through JSON text.
inline rc::Gen<std::string> text_gen() {
  return rc::gen::mapcat(short_length(12), [](std::size_t length) {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                            length, rc::gen::weightedOneOf<std::string>({
                                        {8, rc::gen::map(rc::gen::inRange<int>(0x20, 0x7f),
                                                         [](int c) { return std::string(1, static_cast<char>(c)); })},
                                        {1, rc::gen::element<std::string>("\"", "\\")},
                                        {1, rc::gen::just<std::string>("\xc3\xa9")},  // é
                                    })),
                        [](const std::vector<std::string>& pieces) {
                          std::string text;
                          for (const std::string& piece : pieces) text += piece;
                          return text;
                        });
  });
}

template <reflect::Reflected T>
rc::Gen<T> struct_gen() {
  return rc::gen::exec([] {
    T value{};
    reflect::for_each_field(value, [](std::string_view, auto& member) {
      member = *field_gen<std::remove_cvref_t<decltype(member)>>();
    });
    return value;
  });
}

template <class T>
rc::Gen<T> field_gen() {
  static_assert(reflect::Encodable<T>, "l2::test::field_gen: the type is not l2::reflect::Encodable");
  if constexpr (reflect::UnsignedInteger<T>) {
    return boundary_biased<T>();
  } else if constexpr (reflect::Boolean<T>) {
    return rc::gen::arbitrary<bool>();
  } else if constexpr (reflect::ScopedEnum<T>) {
    using Underlying = std::underlying_type_t<T>;
    if constexpr (reflect::EnumWithRange<T>) {
      // Uniform over every valid value: gen::inRange would scale with size and rarely reach the last.
      std::vector<T> valid;
      for (std::size_t raw = 0; raw < reflect::EnumTraits<T>::count; ++raw) valid.push_back(static_cast<T>(raw));
      return rc::gen::elementOf(valid);
    } else {
      return rc::gen::map(boundary_biased<Underlying>(), [](Underlying raw) { return static_cast<T>(raw); });
    }
  } else if constexpr (reflect::FixedBytes<T>) {
    return rc::gen::weightedOneOf<T>({
        {1, rc::gen::just(T{})},  // all zero: the "no hash yet" sentinel colliding with a real one
        {4, rc::gen::container<T>(arbitrary_byte())},
    });
  } else if constexpr (reflect::ByteString<T>) {
    return byte_string_gen<T>();
  } else if constexpr (reflect::Text<T>) {
    return text_gen();
  } else if constexpr (reflect::DynamicList<T>) {
    using Element = typename T::value_type;
    return rc::gen::mapcat(short_length(4), [](std::size_t length) {
      return rc::gen::container<T>(length, field_gen<Element>());
    });
  } else if constexpr (reflect::FixedList<T>) {
    return rc::gen::container<T>(field_gen<typename T::value_type>());
  } else if constexpr (reflect::OptionalValue<T>) {
    using Inner = typename T::value_type;
    return rc::gen::weightedOneOf<T>({
        {1, rc::gen::just(T{})},
        {1, rc::gen::map(field_gen<Inner>(), [](Inner inner) { return T(std::move(inner)); })},
    });
  } else {
    return rc::gen::arbitrary<T>();  // a reflected struct: the Arbitrary below
  }
}

}  // namespace l2::test

namespace rc {

template <class T>
  requires boost::hana::Struct<T>::value
struct Arbitrary<T> {
  static Gen<T> arbitrary() { return l2::test::struct_gen<T>(); }
};

namespace detail {

// How RapidCheck prints a counterexample of a reflected type.
template <class T>
  requires boost::hana::Struct<T>::value
struct ShowDefault<T, false, false> {
  static void show(const T& value, std::ostream& os) { os << l2::reflect::to_text(value); }
};

}  // namespace detail
}  // namespace rc
