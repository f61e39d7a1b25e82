// Differential test: the optimized DA check (l2::opt::validium::check_availability and
// apply_verify_availability) against l2::ref::validium::apply_verify_availability, on one thread
// and on two. Keys and signatures come from libsecp256k1 (l2::opt::schnorr); the expected outcome
// is always the reference's, and the adversarial cases also pin the rule each must break.
//   - Adversarial, on a 16-member committee with threshold 11: the empty list; 17 entries; 11
//     valid entries with a non-member at each position, and with a non-member at each position
//     and a bad signature at every other (membership first); a bad signature at each position,
//     of each kind (another digest, another batch, a bit flipped, r = p, s = n, another member's
//     signature, all zeros); exactly 11 distinct signers (accepted), 10 (refused), 10 plus a
//     duplicate (refused), 11 plus duplicates (accepted), a duplicate whose second copy is bad;
//     all 16 members; a frozen and an expiring validium; an attestation already recorded.
//   - 64 entries: a 64-member committee (threshold 43) signed by all, with a bad signature first
//     and last; and 64 entries against the 16-member committee (VD-DA-1).
//   - Random (RapidCheck): committees of 1..16 members, sometimes out of order or with a key off
//     the curve (no contract holds either), thresholds 1..size (sometimes 0 or above), lists of
//     0..size+2 entries drawn with repeats, outsiders and bad signatures mixed in, the digest
//     sometimes already attested, the validium sometimes frozen.
// EveryOutcomeIsHit checks that acceptance and every VD-DA and VD-LIVE code were seen.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/opt/validium.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/validium.hpp"

namespace {

using l2::Hash32;
using l2::u64;
using l2::u8;
using l2::ValidiumError;
namespace validium = l2::ref::validium;
namespace schnorr = l2::opt::schnorr;
using validium::CommitteeSignature;
using validium::DAProof;
using validium::Validium;
using Signature = l2::ref::bip340::Signature;

using Random = std::mt19937_64;
u64 pick(Random& random, u64 n) { return n == 0 ? 0 : random() % n; }
bool chance(Random& random, u64 percent) { return pick(random, 100) < percent; }

std::string code(ValidiumError e) { return std::string(l2::error_info(e).code); }

std::set<ValidiumError>& seen() {
  static std::set<ValidiumError> outcomes;
  return outcomes;
}

// A key: its secret and its x-only public key.
struct Key {
  Hash32 secret;
  Hash32 pubkey;
};

Key key_number(u64 n) {
  Hash32 secret = l2::ref::sha256(std::string("validium da differential key ") + std::to_string(n));
  auto pubkey = schnorr::pubkey_from_secret(secret);
  return Key{secret, pubkey.value()};
}

// 64 committee candidates in ascending pubkey order, and 8 outsiders.
const std::vector<Key>& members_pool() {
  static const std::vector<Key> pool = [] {
    std::vector<Key> keys;
    for (u64 i = 0; i < 64; ++i) keys.push_back(key_number(i));
    std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) { return a.pubkey < b.pubkey; });
    return keys;
  }();
  return pool;
}
const std::vector<Key>& outsiders() {
  static const std::vector<Key> pool = [] {
    std::vector<Key> keys;
    for (u64 i = 1000; i < 1008; ++i) keys.push_back(key_number(i));
    return keys;
  }();
  return pool;
}

// An x coordinate with no point on the curve: x = 5 (5^3 + 7 = 132 is not a square mod p).
Hash32 off_curve_key() {
  Hash32 x{};
  x[31] = 5;
  return x;
}

Signature sign(const Key& key, const Hash32& digest) {
  Hash32 aux{};
  aux[0] = 0x5a;
  return schnorr::sign(key.secret, digest, aux).value();
}

// A live validium whose committee is the first `size` pool members, threshold `threshold`.
Validium make_validium(std::size_t size, l2::u32 threshold) {
  Validium v{};
  v.rollup.chain_id = 31337;
  v.rollup.rollup_id = l2::ref::sha256(std::string("validium da differential id"));
  v.rollup.data_mode = l2::ref::zk_rollup::DataMode::committee;
  for (std::size_t i = 0; i < size; ++i) v.committee.members.push_back(members_pool()[i].pubkey);
  v.committee.threshold = threshold;
  return v;
}

DAProof proof_for(u64 batch, u8 root_byte) {
  DAProof proof{};
  proof.batch_number = batch;
  proof.data_root.fill(root_byte);
  return proof;
}

Hash32 digest_of(const Validium& v, const DAProof& proof) {
  return validium::da_digest_of(v, proof.batch_number, proof.data_root);
}

CommitteeSignature good_entry(const Validium& v, const DAProof& proof, const Key& key) {
  return CommitteeSignature{key.pubkey, sign(key, digest_of(v, proof))};
}

// The kinds of bad signature under a member's key.
constexpr int bad_kinds = 7;
CommitteeSignature bad_entry(const Validium& v, const DAProof& proof, const Key& key, int kind) {
  const Hash32 digest = digest_of(v, proof);
  CommitteeSignature entry{key.pubkey, {}};
  switch (kind) {
    case 0: {  // a signature of another digest
      Hash32 other = digest;
      other[0] ^= 1;
      entry.signature = sign(key, other);
      break;
    }
    case 1:  // the signature of the next batch
      entry.signature = sign(key, validium::da_digest_of(v, proof.batch_number + 1, proof.data_root));
      break;
    case 2:  // a bit of s flipped
      entry.signature = sign(key, digest);
      entry.signature[63] ^= 0x01;
      break;
    case 3:  // r = p (SIG-VER-2)
      entry.signature = sign(key, digest);
      std::fill(entry.signature.begin(), entry.signature.begin() + 32, u8{0xFF});
      entry.signature[27] = 0xFE;
      entry.signature[30] = 0xFC;
      entry.signature[31] = 0x2F;
      break;
    case 4: {  // s = n (SIG-VER-3)
      constexpr std::array<u8, 32> n = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                        0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                                        0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
      entry.signature = sign(key, digest);
      std::copy(n.begin(), n.end(), entry.signature.begin() + 32);
      break;
    }
    case 5: {  // another member's valid signature of the digest, under this member's key
      const Key& other = members_pool()[key.pubkey == members_pool()[0].pubkey ? 1 : 0];
      entry.signature = sign(other, digest);
      break;
    }
    default:  // all zeros
      break;
  }
  return entry;
}

// Runs the reference and the optimized engine (1 and 2 threads) on the same call; returns the
// reference's outcome.
ValidiumError expect_same(const Validium& v, const DAProof& proof, u64 height = 100) {
  const validium::VerifyAvailabilityInput in{Hash32{}, proof};
  const validium::Env env{height};
  const validium::Transition expected = validium::apply_verify_availability(v, in, env);
  const ValidiumError expected_error = expected ? ValidiumError::none : expected.error();
  const bool live = validium::check_live(v, env) == ValidiumError::none;
  for (unsigned threads : {1u, 2u}) {
    const validium::Transition actual = l2::opt::validium::apply_verify_availability(v, in, env, threads);
    const ValidiumError actual_error = actual ? ValidiumError::none : actual.error();
    EXPECT_EQ(code(actual_error), code(expected_error)) << "threads " << threads;
    if (expected && actual) {
      EXPECT_EQ(validium::contract_root(actual.value().contract), validium::contract_root(expected.value().contract))
          << "threads " << threads;
      EXPECT_EQ(actual.value().payouts.size(), expected.value().payouts.size());
    }
    // The DA rules alone: the reference's outcome wherever the frozen rule lets them run.
    if (live) {
      EXPECT_EQ(code(l2::opt::validium::check_availability(v, proof, threads)), code(expected_error));
    }
  }
  seen().insert(expected_error);
  return expected_error;
}

std::vector<CommitteeSignature> valid_entries(const Validium& v, const DAProof& proof, std::size_t count) {
  std::vector<CommitteeSignature> entries;
  for (std::size_t i = 0; i < count; ++i) entries.push_back(good_entry(v, proof, members_pool()[i]));
  return entries;
}

TEST(ValidiumDaDifferential, CountAndMembership) {
  const Validium v = make_validium(16, 11);
  DAProof proof = proof_for(3, 0xAB);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_signature_count);  // empty
  proof.signatures = valid_entries(v, proof, 16);
  proof.signatures.push_back(proof.signatures[0]);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_signature_count);  // 17 > 16
  const std::vector<CommitteeSignature> eleven = valid_entries(v, proof, 11);
  for (std::size_t at = 0; at < 11; ++at) {
    proof.signatures = eleven;
    proof.signatures[at] = good_entry(v, proof, outsiders()[at % outsiders().size()]);
    EXPECT_EQ(expect_same(v, proof), ValidiumError::da_not_member) << "outsider at " << at;
    // Membership over the whole list first: bad signatures everywhere else change nothing.
    for (std::size_t other = 0; other < 11; ++other) {
      if (other != at) proof.signatures[other] = bad_entry(v, proof, members_pool()[other], 2);
    }
    EXPECT_EQ(expect_same(v, proof), ValidiumError::da_not_member) << "outsider at " << at << " after bad ones";
  }
  // A signer off the curve that is not a member, and one that is (no contract holds it).
  proof.signatures = eleven;
  proof.signatures[5].signer = off_curve_key();
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_not_member);
  Validium odd = v;
  odd.committee.members[15] = off_curve_key();
  EXPECT_EQ(expect_same(odd, proof), ValidiumError::da_bad_signature);
}

TEST(ValidiumDaDifferential, BadSignatureAtEveryPosition) {
  const Validium v = make_validium(16, 11);
  DAProof proof = proof_for(9, 0x11);
  const std::vector<CommitteeSignature> eleven = valid_entries(v, proof, 11);
  for (int kind = 0; kind < bad_kinds; ++kind) {
    for (std::size_t at = 0; at < 11; ++at) {
      proof.signatures = eleven;
      proof.signatures[at] = bad_entry(v, proof, members_pool()[at], kind);
      EXPECT_EQ(expect_same(v, proof), ValidiumError::da_bad_signature) << "kind " << kind << " at " << at;
    }
  }
  // Bad signatures and too few signers: VD-DA-3 before VD-DA-4.
  proof.signatures = valid_entries(v, proof, 4);
  proof.signatures[2] = bad_entry(v, proof, members_pool()[2], 0);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_bad_signature);
}

TEST(ValidiumDaDifferential, ThresholdAndDuplicates) {
  const Validium v = make_validium(16, 11);
  DAProof proof = proof_for(4, 0x42);
  proof.signatures = valid_entries(v, proof, 11);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::none);  // exactly the threshold
  std::reverse(proof.signatures.begin(), proof.signatures.end());
  EXPECT_EQ(expect_same(v, proof), ValidiumError::none);  // in any order
  proof.signatures = valid_entries(v, proof, 10);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_below_threshold);  // threshold - 1
  proof.signatures.push_back(proof.signatures[3]);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_below_threshold);  // 10 distinct in 11 entries
  proof.signatures = valid_entries(v, proof, 11);
  proof.signatures.insert(proof.signatures.begin(), proof.signatures[10]);
  proof.signatures.push_back(proof.signatures[1]);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::none);  // 11 distinct, duplicates counted once
  proof.signatures.push_back(bad_entry(v, proof, members_pool()[4], 2));
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_bad_signature);  // a duplicate's bad copy
  proof.signatures = valid_entries(v, proof, 16);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::none);  // every member
  proof.signatures.assign(11, proof.signatures[7]);
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_below_threshold);  // one signer eleven times
}

TEST(ValidiumDaDifferential, LiveRuleAndRepeatedAttestation) {
  Validium v = make_validium(16, 11);
  DAProof proof = proof_for(5, 0x77);
  proof.signatures = valid_entries(v, proof, 11);
  v.rollup.data_attestations.push_back(digest_of(v, proof));
  EXPECT_EQ(expect_same(v, proof), ValidiumError::none);  // recorded already: accepted, no change
  Validium frozen = v;
  frozen.rollup.exodus = true;
  EXPECT_EQ(expect_same(frozen, proof), ValidiumError::frozen);
  Validium expiring = v;
  expiring.rollup.priority_ops.push_back(l2::ref::zk_rollup::PriorityOp{});
  expiring.rollup.priority_ops.back().expiry_height = 50;
  EXPECT_EQ(expect_same(expiring, proof, 50), ValidiumError::priority_expired);
}

TEST(ValidiumDaDifferential, SixtyFourEntries) {
  const Validium large = make_validium(64, 43);
  DAProof proof = proof_for(12, 0x64);
  proof.signatures = valid_entries(large, proof, 64);
  EXPECT_EQ(expect_same(large, proof), ValidiumError::none);
  const std::vector<CommitteeSignature> all = proof.signatures;
  for (std::size_t at : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
    proof.signatures = all;
    proof.signatures[at] = bad_entry(large, proof, members_pool()[at], 0);
    EXPECT_EQ(expect_same(large, proof), ValidiumError::da_bad_signature) << "at " << at;
  }
  const Validium v = make_validium(16, 11);
  proof.signatures = all;
  EXPECT_EQ(expect_same(v, proof), ValidiumError::da_signature_count);
}

// A random validium and proof from `seed` (see the head comment).
void random_case(u64 seed) {
  Random random(seed);
  const std::size_t size = 1 + pick(random, 16);
  Validium v = make_validium(size, static_cast<l2::u32>(1 + pick(random, size)));
  if (chance(random, 5)) v.committee.threshold = chance(random, 50) ? 0 : static_cast<l2::u32>(size + 1);
  if (chance(random, 5) && size > 1) std::swap(v.committee.members.front(), v.committee.members.back());
  if (chance(random, 3)) v.committee.members[pick(random, size)] = off_curve_key();
  if (chance(random, 3)) v.rollup.exodus = true;
  DAProof proof = proof_for(pick(random, 4), static_cast<u8>(random()));
  if (chance(random, 10)) v.rollup.data_attestations.push_back(digest_of(v, proof));
  const std::size_t entries = pick(random, size + 3);
  for (std::size_t i = 0; i < entries; ++i) {
    if (chance(random, 4)) {
      proof.signatures.push_back(good_entry(v, proof, outsiders()[pick(random, outsiders().size())]));
      continue;
    }
    const Key& member = members_pool()[pick(random, size)];
    proof.signatures.push_back(chance(random, 6) ? bad_entry(v, proof, member, static_cast<int>(pick(random, bad_kinds)))
                                                 : good_entry(v, proof, member));
  }
  expect_same(v, proof);
}

RC_GTEST_PROP(ValidiumDaDifferential, RandomProofs, (u64 seed)) {
  random_case(seed);
  RC_ASSERT(!::testing::Test::HasFailure());
}

TEST(ValidiumDaDifferential, EveryOutcomeIsHit) {
  for (u64 seed = 0; seed < 60; ++seed) random_case(seed);
  const std::set<ValidiumError> expected = {ValidiumError::none,          ValidiumError::frozen,
                                            ValidiumError::da_signature_count, ValidiumError::da_not_member,
                                            ValidiumError::da_bad_signature,   ValidiumError::da_below_threshold};
  // The fixed cases above hit ValidiumError::priority_expired; the random ones never queue a request.
  for (ValidiumError e : expected) EXPECT_TRUE(seen().contains(e)) << code(e) << " never seen";
}

}  // namespace
