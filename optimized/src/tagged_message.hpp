// A tagged hash computed as the optimized engines compute the reference's digests: the tag's
// midstate once per process, then a message written field by field in the canonical encoding
// (spec: encoding.md) and finished on the dispatched SHA-256 kernel. Internal to optimized/src.
#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sha256_finish.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::opt::detail {

// The chaining state after a tag's 64-byte prefix SHA256(tag) || SHA256(tag), from the
// reference's SHA-256 (which never throws, whatever L2_FORCE_BACKEND says).
inline sha256::Midstate make_midstate(std::string_view tag) {
  const Hash32 tag_hash = ref::sha256(tag);
  std::array<u8, 64> prefix{};
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin());
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin() + 32);
  std::array<u32, 8> state = ref::sha256_detail::initial_state;
  ref::sha256_compress(state, prefix.data());
  return sha256::Midstate{state};
}

// The canonical encoding (spec: encoding.md) of a message after a tag prefix, written field by
// field, then padded and hashed from the tag's midstate.
class Message {
 public:
  explicit Message(std::size_t body_size) { bytes_.reserve(body_size + 72); }

  Message& u64_field(u64 value) {
    for (int shift = 56; shift >= 0; shift -= 8) bytes_.push_back(static_cast<u8>(value >> shift));
    return *this;
  }
  Message& u32_field(u32 value) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes_.push_back(static_cast<u8>(value >> shift));
    return *this;
  }
  Message& u8_field(u8 value) {
    bytes_.push_back(value);
    return *this;
  }
  // A byte string: its u32 length, then its bytes.
  Message& byte_string(std::span<const u8> value) {
    u32_field(static_cast<u32>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return *this;
  }
  template <std::size_t N>
  Message& bytes_field(const ByteArray<N>& value) {
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return *this;
  }

  // The tagged hash: `midstate` continued over this message, padded as FIPS 180-4 pads the
  // 64-byte prefix and the message together.
  Hash32 digest(const sha256::Midstate& midstate) {
    const u64 bits = (64 + u64{bytes_.size()}) * 8;
    bytes_.push_back(0x80);
    while (bytes_.size() % 64 != 56) bytes_.push_back(0);
    u64_field(bits);
    Hash32 out{};
    const u8* blocks = bytes_.data();
    u8* digest = out.data();
    sha256::finish_many(default_merkle_kernel(), midstate, &blocks, bytes_.size() / 64, &digest, 1);
    return out;
  }

 private:
  std::vector<u8> bytes_;
};

}  // namespace l2::opt::detail
