// Compile-time tests: this file compiling is the test. Expected digests are the FIPS 180-4 /
// NIST CSRC example values (SHA256.pdf in the NIST "Examples with intermediate values" set).
#include <gtest/gtest.h>

#include "l2/ref/checked.hpp"
#include "l2/ref/sha256.hpp"

namespace {

using l2::from_hex;
using l2::ref::sha256;

static_assert(sha256("") == from_hex<32>("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
static_assert(sha256("abc") == from_hex<32>("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
// 448 bits: the length no longer fits in the first block, so padding needs a second one.
static_assert(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              from_hex<32>("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
static_assert(sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
              from_hex<32>("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));

// Incremental updates split at every awkward place must equal the one-shot digest.
constexpr bool split_updates_agree() {
  const l2::Bytes message = l2::bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq0123456789");
  for (std::size_t split = 0; split <= message.size(); ++split) {
    l2::ref::Sha256 hasher;
    hasher.update(std::span<const l2::u8>(message.data(), split));
    hasher.update(std::span<const l2::u8>(message.data() + split, message.size() - split));
    if (hasher.finish() != sha256(message)) return false;
  }
  return true;
}
static_assert(split_updates_agree());

// BIP-340's own tagged hash of the empty message under "BIP0340/challenge" is built the same way
// as ours; check the construction against its definition.
constexpr bool tagged_hash_is_its_definition() {
  const l2::Hash32 tag = sha256("L2/test");
  l2::Bytes whole(tag.begin(), tag.end());
  l2::append(whole, tag);
  l2::append(whole, l2::bytes_of("xyz"));
  return l2::ref::tagged_hash("L2/test", l2::bytes_of("xyz")) == sha256(whole);
}
static_assert(tagged_hash_is_its_definition());

// One TaggedHasher, made once, hashes message after message from its midstate: each digest equals
// the definition, at lengths around the padding's boundaries (55/56 bytes with the 64-byte prefix
// in its own block, 64, 119/120).
constexpr bool a_reused_tagged_hasher_is_its_definition() {
  const l2::ref::TaggedHasher hasher("L2/smt/node");
  const l2::Hash32 tag = sha256("L2/smt/node");
  for (std::size_t length : {0, 1, 55, 56, 63, 64, 65, 119, 120}) {
    l2::Bytes message(length, 0);
    for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<l2::u8>(i * 7 + length);
    l2::Bytes whole(tag.begin(), tag.end());
    l2::append(whole, tag);
    l2::append(whole, message);
    if (hasher(message) != sha256(whole)) return false;
  }
  return true;
}
static_assert(a_reused_tagged_hasher_is_its_definition());

// Checked arithmetic at its boundaries.
static_assert(l2::checked_add(l2::u64_max, 0) == l2::Checked{l2::u64_max, false});
static_assert(l2::checked_add(l2::u64_max, 1).overflow);
static_assert(l2::checked_sub(0, 1).overflow);
static_assert(l2::checked_sub(7, 7) == l2::Checked{0, false});
static_assert(l2::checked_mul(0xffffffffull, 0x100000001ull) == l2::Checked{l2::u64_max, false});
static_assert(l2::checked_mul(1ull << 32, 1ull << 32).overflow);
static_assert(l2::checked_mul_div(l2::u64_max, l2::u64_max, l2::u64_max) == l2::Checked{l2::u64_max, false});
static_assert(l2::checked_mul_div(1000, 3, 7) == l2::Checked{428, false});
static_assert(l2::checked_mul_div(1, 1, 0).overflow);
static_assert(l2::checked_mul_div(1ull << 63, 4, 2).overflow);

TEST(PrimitivesSha256Static, CompiledMeansPassed) { SUCCEED() << "every static_assert in this file held"; }

}  // namespace
