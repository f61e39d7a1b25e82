// Byte strings, fixed-size hashes and hex, usable in constant expressions.
// spec: primitives.md#bytes
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace l2 {

using u8 = std::uint8_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

template <std::size_t N>
using ByteArray = std::array<u8, N>;

using Hash32 = ByteArray<32>;
using Bytes = std::vector<u8>;

// Bytes of an ASCII string, e.g. a tag or a NIST message.
constexpr Bytes bytes_of(std::string_view text) {
  Bytes out;
  out.reserve(text.size());
  for (char c : text) out.push_back(static_cast<u8>(c));
  return out;
}

constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses hex of any even length. Returns false (and leaves `out` unspecified) on a bad digit or odd length.
constexpr bool hex_decode(std::string_view hex, Bytes& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_digit_value(hex[i]);
    const int lo = hex_digit_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<u8>(hi * 16 + lo));
  }
  return true;
}

// Parses exactly 2N hex digits into a fixed array.
template <std::size_t N>
constexpr bool hex_decode(std::string_view hex, ByteArray<N>& out) {
  if (hex.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_digit_value(hex[2 * i]);
    const int lo = hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<u8>(hi * 16 + lo);
  }
  return true;
}

// For literals in tests and static_asserts: hex that is known to be well formed.
template <std::size_t N>
constexpr ByteArray<N> from_hex(std::string_view hex) {
  ByteArray<N> out{};
  if (!hex_decode(hex, out)) throw "from_hex: malformed literal";  // a compile error in constant evaluation
  return out;
}

constexpr Bytes bytes_from_hex(std::string_view hex) {
  Bytes out;
  if (!hex_decode(hex, out)) throw "bytes_from_hex: malformed literal";
  return out;
}

template <class Range>
constexpr std::string to_hex(const Range& data) {
  constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::size(data) * 2);
  for (u8 b : data) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

template <class A, class B>
constexpr bool bytes_equal(const A& a, const B& b) {
  if (std::size(a) != std::size(b)) return false;
  auto ib = std::begin(b);
  for (auto ia = std::begin(a); ia != std::end(a); ++ia, ++ib)
    if (*ia != *ib) return false;
  return true;
}

// Big-endian integer encoding, the canonical width for every integer (spec: encoding.md).
constexpr void put_u64_be(Bytes& out, u64 value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<u8>(value >> shift));
}
constexpr void put_u32_be(Bytes& out, u32 value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<u8>(value >> shift));
}
template <class Range>
constexpr void append(Bytes& out, const Range& data) {
  for (u8 b : data) out.push_back(b);
}

}  // namespace l2
