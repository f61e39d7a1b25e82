// Differential tests: the optimized BIP-340 engine (l2::opt::schnorr, backed by libsecp256k1)
// against the reference (l2::ref::bip340). libsecp256k1 only says valid or not, so the engine
// classifies failures itself; every kind of invalid signature below checks that it names the
// same rule as the reference, in the same order. Then the batch verifier against single calls.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/bip340_published_vectors.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::PrimitiveError;
using l2::u8;
namespace bip340 = l2::ref::bip340;
namespace secp256k1 = l2::ref::secp256k1;
namespace opt = l2::opt::schnorr;
using Signature = bip340::Signature;

struct Case {
  std::string name;
  Hash32 pubkey;
  Bytes msg;
  Signature sig;
  PrimitiveError expected;  // what the construction is meant to produce
};

std::string name_of(PrimitiveError e) { return std::string(l2::error_info(e).code); }

void print_backend_once() {
  static const bool printed = [] {
    std::printf("[ backend  ] %s\n", std::string(opt::backend_name()).c_str());
    return true;
  }();
  static_cast<void>(printed);
}

void expect_matches_reference(const std::vector<Case>& cases) {
  print_backend_once();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const PrimitiveError reference = bip340::verify(c.pubkey, c.msg, c.sig);
    EXPECT_EQ(name_of(reference), name_of(c.expected)) << "the case does not test what it claims";
    EXPECT_EQ(name_of(opt::verify(c.pubkey, c.msg, c.sig)), name_of(reference));
  }
}

Hash32 key_for(u8 seed_byte, l2::u32 index) { return bip340::secret_from_seed(Bytes{seed_byte}, index); }

Bytes message_of_length(std::size_t length, u8 salt) {
  Bytes message(length);
  for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<u8>(i * 31 + salt);
  return message;
}

Case valid_case(l2::u32 index, std::size_t message_length) {
  const Hash32 key = key_for(0x5C, index);
  const Bytes message = message_of_length(message_length, static_cast<u8>(index));
  const Hash32 aux = key_for(0xA0, index);
  return {"valid #" + std::to_string(index) + " (" + std::to_string(message_length) + "-byte message)",
          bip340::pubkey_from_secret(key).value(), message, bip340::sign(key, message, aux).value(),
          PrimitiveError::none};
}

void put_r(Signature& sig, const Hash32& r) { std::copy(r.begin(), r.end(), sig.begin()); }
void put_s(Signature& sig, const Hash32& s) { std::copy(s.begin(), s.end(), sig.begin() + 32); }
Hash32 be(const secp256k1::U256& value) { return secp256k1::to_be_bytes(value); }
secp256k1::U256 plus(const secp256k1::U256& value, l2::u64 small) {
  secp256k1::U256 sum;
  secp256k1::add_with_carry(value, secp256k1::u256_from_u64(small), sum);
  return sum;
}
secp256k1::U256 minus(const secp256k1::U256& value, l2::u64 small) {
  secp256k1::U256 difference;
  secp256k1::subtract_with_borrow(value, secp256k1::u256_from_u64(small), difference);
  return difference;
}
const Hash32 all_ones = [] {
  Hash32 ones{};
  ones.fill(0xFF);
  return ones;
}();

// The first x >= start for which x^3 + 7 has no square root: a key that is off the curve although
// below p.
Hash32 first_x_off_curve(l2::u64 start) {
  for (l2::u64 x = start;; ++x) {
    if (!secp256k1::lift_x(secp256k1::u256_from_u64(x))) return be(secp256k1::u256_from_u64(x));
  }
}

std::vector<Case> invalid_cases() {
  using secp256k1::field_size;
  using secp256k1::group_order;
  const Case base = valid_case(7, 32);
  const Case other = valid_case(8, 32);
  std::vector<Case> cases;
  const auto add = [&](std::string name, auto&& mutate, PrimitiveError expected) {
    Case c = base;
    c.name = std::move(name);
    c.expected = expected;
    mutate(c);
    cases.push_back(c);
  };

  // SIG-VER-4: the equation fails.
  add("wrong key", [&](Case& c) { c.pubkey = other.pubkey; }, PrimitiveError::sig_invalid);
  add("signature of another message", [&](Case& c) { c.sig = other.sig; }, PrimitiveError::sig_invalid);
  add("empty message instead of 32 bytes", [&](Case& c) { c.msg.clear(); }, PrimitiveError::sig_invalid);
  add("one byte appended to the message", [&](Case& c) { c.msg.push_back(0); }, PrimitiveError::sig_invalid);
  for (std::size_t bit : {0u, 7u, 129u, 255u}) {
    add("message bit " + std::to_string(bit) + " flipped",
        [&](Case& c) { c.msg[bit / 8] ^= static_cast<u8>(1u << (bit % 8)); }, PrimitiveError::sig_invalid);
  }
  // Flipping the lowest bits keeps r below p and s below n, so the equation must catch them.
  for (std::size_t byte : {31u, 63u}) {
    add("signature byte " + std::to_string(byte) + " low bit flipped", [&](Case& c) { c.sig[byte] ^= 1; },
        PrimitiveError::sig_invalid);
  }
  add("s = 0", [&](Case& c) { put_s(c.sig, Hash32{}); }, PrimitiveError::sig_invalid);
  add("r = 0", [&](Case& c) { put_r(c.sig, Hash32{}); }, PrimitiveError::sig_invalid);
  add("r = p - 1 (largest in range)", [&](Case& c) { put_r(c.sig, be(minus(field_size, 1))); },
      PrimitiveError::sig_invalid);
  add("s = n - 1 (largest in range)", [&](Case& c) { put_s(c.sig, be(minus(group_order, 1))); },
      PrimitiveError::sig_invalid);

  // SIG-VER-2 / SIG-VER-3: r >= p, s >= n, with the first values out of range.
  add("r = p", [&](Case& c) { put_r(c.sig, be(field_size)); }, PrimitiveError::sig_r_out_of_range);
  add("r = p + 1", [&](Case& c) { put_r(c.sig, be(plus(field_size, 1))); }, PrimitiveError::sig_r_out_of_range);
  add("r = 2^256 - 1", [&](Case& c) { put_r(c.sig, all_ones); }, PrimitiveError::sig_r_out_of_range);
  add("s = n", [&](Case& c) { put_s(c.sig, be(group_order)); }, PrimitiveError::sig_s_out_of_range);
  add("s = n + 1", [&](Case& c) { put_s(c.sig, be(plus(group_order, 1))); }, PrimitiveError::sig_s_out_of_range);
  add("s = 2^256 - 1", [&](Case& c) { put_s(c.sig, all_ones); }, PrimitiveError::sig_s_out_of_range);

  // SIG-VER-1: x >= p, or x^3 + 7 not a square.
  add("key x = p", [&](Case& c) { c.pubkey = be(field_size); }, PrimitiveError::sig_pubkey_not_on_curve);
  add("key x = p + 1", [&](Case& c) { c.pubkey = be(plus(field_size, 1)); },
      PrimitiveError::sig_pubkey_not_on_curve);
  add("key x = 2^256 - 1", [&](Case& c) { c.pubkey = all_ones; }, PrimitiveError::sig_pubkey_not_on_curve);
  add("key x below p but off the curve", [&](Case& c) { c.pubkey = first_x_off_curve(1); },
      PrimitiveError::sig_pubkey_not_on_curve);

  // Several rules fail at once: the first in order wins.
  add("key off curve and r = p", [&](Case& c) {
    c.pubkey = first_x_off_curve(1);
    put_r(c.sig, be(field_size));
  }, PrimitiveError::sig_pubkey_not_on_curve);
  add("key x = p and s = n", [&](Case& c) {
    c.pubkey = be(field_size);
    put_s(c.sig, be(group_order));
  }, PrimitiveError::sig_pubkey_not_on_curve);
  add("r = p and s = n", [&](Case& c) {
    put_r(c.sig, be(field_size));
    put_s(c.sig, be(group_order));
  }, PrimitiveError::sig_r_out_of_range);
  add("s = n and wrong key", [&](Case& c) {
    c.pubkey = other.pubkey;
    put_s(c.sig, be(group_order));
  }, PrimitiveError::sig_s_out_of_range);
  return cases;
}

TEST(PrimitivesSchnorrBackend, ValidSignaturesOfEveryMessageLength) {
  std::vector<Case> cases;
  l2::u32 index = 0;
  for (std::size_t length : {0u, 1u, 31u, 32u, 33u, 64u, 100u, 257u}) cases.push_back(valid_case(index++, length));
  expect_matches_reference(cases);
}

TEST(PrimitivesSchnorrBackend, EveryKindOfInvalidSignature) { expect_matches_reference(invalid_cases()); }

TEST(PrimitivesSchnorrBackend, PublishedTable) {
  std::vector<Case> cases;
  for (const auto& row : l2::vectors::bip340_published::rows) {
    const Hash32 pubkey = l2::from_hex<32>(row.public_key_hex);
    const Bytes message = l2::bytes_from_hex(row.message_hex);
    const Signature sig = l2::from_hex<64>(row.signature_hex);
    cases.push_back({"BIP-340 row " + std::to_string(row.index), pubkey, message, sig,
                     bip340::verify(pubkey, message, sig)});
    if (row.secret_key_hex.empty()) continue;
    const Hash32 key = l2::from_hex<32>(row.secret_key_hex);
    const auto signature = opt::sign(key, message, l2::from_hex<32>(row.aux_rand_hex));
    ASSERT_TRUE(signature.ok());
    EXPECT_EQ(signature.value(), sig);
    EXPECT_EQ(opt::pubkey_from_secret(key).value(), pubkey);
  }
  expect_matches_reference(cases);
}

// Random inputs: the same error as the reference for arbitrary keys and signatures, which land
// mostly on SIG-VER-1 and SIG-VER-4, and for arbitrary valid-then-mutated signatures.
RC_GTEST_PROP(PrimitivesSchnorrBackend, VerifyMatchesReferenceOnArbitraryInput,
              (const Hash32& pubkey, const Bytes& msg, const Signature& sig)) {
  RC_ASSERT(opt::verify(pubkey, msg, sig) == bip340::verify(pubkey, msg, sig));
}

RC_GTEST_PROP(PrimitivesSchnorrBackend, SignAndKeyMatchReference,
              (const Hash32& key, const Bytes& msg, const Hash32& aux)) {
  const auto reference_pubkey = bip340::pubkey_from_secret(key);
  const auto pubkey = opt::pubkey_from_secret(key);
  RC_ASSERT(pubkey.ok() == reference_pubkey.ok());
  RC_ASSERT(pubkey.error() == reference_pubkey.error());
  const auto reference_sig = bip340::sign(key, msg, aux);
  const auto sig = opt::sign(key, msg, aux);
  RC_ASSERT(sig.ok() == reference_sig.ok());
  RC_ASSERT(sig.error() == reference_sig.error());
  if (!sig.ok()) return;
  RC_ASSERT(pubkey.value() == reference_pubkey.value());
  RC_ASSERT(sig.value() == reference_sig.value());
  const std::size_t bit = *rc::gen::inRange<std::size_t>(0, 512);
  Signature mutated = sig.value();
  mutated[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
  RC_ASSERT(opt::verify(pubkey.value(), msg, mutated) == bip340::verify(pubkey.value(), msg, mutated));
}

TEST(PrimitivesSchnorrBackend, SignRejectsTheSameKeysAsTheReference) {
  const Hash32 order = be(secp256k1::group_order);
  for (const Hash32& key : {Hash32{}, order, be(plus(secp256k1::group_order, 1)), all_ones}) {
    EXPECT_EQ(opt::pubkey_from_secret(key).error(), PrimitiveError::sig_secret_key_range);
    EXPECT_EQ(opt::sign(key, Bytes{}, Hash32{}).error(), PrimitiveError::sig_secret_key_range);
  }
  const Hash32 largest = be(minus(secp256k1::group_order, 1));
  const Bytes message{1, 2, 3};
  EXPECT_EQ(opt::sign(largest, message, Hash32{}).value(), bip340::sign(largest, message, Hash32{}).value());
}

// A pool mixing valid and every kind of invalid signature, so that a batch mixes outcomes.
std::vector<Case> mixed_pool() {
  std::vector<Case> pool = invalid_cases();
  for (l2::u32 i = 0; i < 24; ++i) pool.push_back(valid_case(100 + i, i % 3 == 0 ? 32 : i));
  return pool;
}

std::vector<opt::VerifyItem> items_from(const std::vector<Case>& pool, std::size_t count) {
  std::vector<opt::VerifyItem> items;
  for (std::size_t i = 0; i < count; ++i) {
    // A stride coprime to the pool size spreads valid and invalid cases through the batch.
    const Case& c = pool[(i * 7) % pool.size()];
    items.push_back({c.pubkey, c.msg, c.sig});
  }
  return items;
}

std::vector<PrimitiveError> single_results(const std::vector<opt::VerifyItem>& items) {
  std::vector<PrimitiveError> results;
  for (const auto& item : items) results.push_back(opt::verify(item.pubkey, item.msg, item.sig));
  return results;
}

// Sizes around the grain (one task, two tasks, a ragged tail) and a batch of many tasks.
TEST(PrimitivesSchnorrBackend, BatchEqualsSingleVerification) {
  print_backend_once();
  const std::vector<Case> pool = mixed_pool();
  std::vector<std::size_t> sizes;
  for (std::size_t n = 0; n <= 2 * opt::verify_batch_grain + 3; ++n) sizes.push_back(n);
  sizes.push_back(1000);
  for (std::size_t size : sizes) {
    const std::vector<opt::VerifyItem> items = items_from(pool, size);
    const std::vector<PrimitiveError> expected = single_results(items);
    for (unsigned threads : {1u, 2u, 0u}) {
      SCOPED_TRACE("batch of " + std::to_string(size) + " on " + std::to_string(threads) + " threads");
      // One extra slot: results beyond the items must be left alone.
      std::vector<PrimitiveError> results(size + 1, PrimitiveError::merkle_root_mismatch);
      opt::verify_batch(items, results, threads);
      EXPECT_TRUE(std::equal(expected.begin(), expected.end(), results.begin()));
      EXPECT_EQ(results.back(), PrimitiveError::merkle_root_mismatch);
      const bool all_valid =
          std::all_of(expected.begin(), expected.end(), [](PrimitiveError e) { return e == PrimitiveError::none; });
      EXPECT_EQ(opt::verify_all(items, threads), all_valid);
    }
  }
}

TEST(PrimitivesSchnorrBackend, VerifyAllOnValidBatches) {
  std::vector<Case> valid;
  for (l2::u32 i = 0; i < 80; ++i) valid.push_back(valid_case(200 + i, 32));
  const std::vector<opt::VerifyItem> items = items_from(valid, valid.size());
  for (unsigned threads : {1u, 2u, 0u}) {
    EXPECT_TRUE(opt::verify_all(items, threads));
    std::vector<opt::VerifyItem> one_bad = items;
    one_bad[79].sig[40] ^= 1;  // the last item, so an early exit cannot hide it
    EXPECT_FALSE(opt::verify_all(one_bad, threads));
  }
  EXPECT_TRUE(opt::verify_all({}, 2));
}

}  // namespace
