// Conditional locks in payment channels (spec: channel_network.md#locks and
// #on-chain-the-lock-adjudicator): every rule accepted at its boundary and rejected one past it,
// in the spec's check order; conservation through every op; the secret registry's expiry
// boundaries; and the attacks played out: the wormhole (which succeeds against HTLCs and fails
// against PTLCs), jamming, a stale state with pending locks, and a payee that withholds its secret
// until the last block. Signatures come from libsecp256k1 and tagged hashes are recomputed with it,
// so the digests and the checks are not only tested against themselves.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "l2/ref/channel_network.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::NetworkError;
using l2::u64;
using l2::u8;
namespace cn = l2::ref::channel_network;
namespace secp = l2::ref::secp256k1;
namespace oracle = l2::test::libsecp256k1;
using cn::Env;
using cn::LockCondition;
using cn::LockedState;
using cn::NetworkAdjudicator;
using cn::OffChainChannel;

constexpr u64 chain = 7;
constexpr u64 capacity = 10000;
constexpr u64 height = 1000;

// censorship 6, dispute 144, capacity 1000..1'000'000, dust 10, at most 30 locks, delta 40, expiry 2016.
constexpr cn::NetworkConfig config{6, 144, 1000, 1'000'000, 10, 30, 40, 2016};
constexpr cn::ChannelTerms terms{100, 5000, 5};

std::string code(NetworkError e) { return std::string(l2::error_info(e).code); }

template <class T>
std::string code_of(const l2::Result<T, NetworkError>& result) {
  return result.ok() ? "OK" : code(result.error());
}

Hash32 scalar_bytes(u64 value) { return secp::to_be_bytes(secp::u256_from_u64(value)); }

Hash32 preimage(u8 tag) {
  Hash32 r{};
  r.fill(tag);
  return r;
}

LockCondition htlc(const Hash32& r) { return cn::hash_lock(l2::ref::sha256(r)); }

class ChannelNetworkTest : public ::testing::Test {
 protected:
  ChannelNetworkTest() {
    const Bytes seed = l2::bytes_of("channel_network_test");
    for (l2::u32 i = 0; i < 3; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    empty = cn::deploy(cn::DeployInput{chain, l2::ref::tagged_hash("test/adjudicator", seed), config}).value();
  }

  cn::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  Hash32 id(u64 nonce = 0) const { return cn::channel_id(chain, empty.adjudicator_id, {key[0], key[1]}, nonce); }

  cn::OpenInput open_input(u64 nonce = 0, std::array<u64, 2> balances = {6000, 4000}, u64 total = capacity,
                           cn::ChannelTerms signed_terms = terms) const {
    const Hash32 channel = id(nonce);
    const Hash32 digest = cn::open_digest(chain, channel, signed_terms, total, balances);
    return cn::OpenInput{{key[0], key[1]}, signed_terms, balances, total, nonce, total, {sign(0, digest), sign(1, digest)}};
  }
  NetworkAdjudicator opened(u64 nonce = 0) const { return cn::apply_open(empty, open_input(nonce), Env{height}).value(); }

  cn::StateInput cosigned(const LockedState& state, u64 nonce = 0, u64 signed_chain = chain) const {
    const Hash32 digest = cn::state_digest(signed_chain, id(nonce), state);
    return cn::StateInput{id(nonce), state, {sign(0, digest), sign(1, digest)}};
  }
  cn::CloseInput closing(u64 sequence, std::array<u64, 2> balances) const {
    const Hash32 digest = cn::close_digest(chain, id(), sequence, balances);
    return cn::CloseInput{id(), sequence, balances, {sign(0, digest), sign(1, digest)}};
  }

  OffChainChannel off_chain(LockedState state = LockedState{0, {6000, 4000}, {}, 0}) const {
    return OffChainChannel{config, id(), capacity, terms, std::move(state)};
  }
  // Participant 0 offers `amount` under `condition` until `expiry`.
  cn::LockedState with_lock(const LockCondition& condition, u64 expiry, u64 amount = 1000, u8 sender = 0) const {
    return cn::apply_add_lock(off_chain(), cn::AddLockInput{sender, amount, condition, expiry}, Env{height}).value().state;
  }
  // The channel force-closed at `height` with `state`, then settled at the deadline.
  NetworkAdjudicator settled_with(const LockedState& state, NetworkAdjudicator from) const {
    from = cn::apply_force_close(from, cosigned(state), Env{height}).value();
    return cn::apply_settle(from, cn::ChannelRef{id()}, Env{height + config.dispute_period_blocks}).value();
  }

  Hash32 secret[3]{};
  Hash32 key[3]{};  // 0 and 1 open the channel; 2 is an outsider
  NetworkAdjudicator empty{};
};

const cn::LockedChannel& only(const NetworkAdjudicator& a) { return a.channels.at(0); }

u64 locked_total(const LockedState& state) {
  u64 sum = state.balances[0] + state.balances[1];
  for (const cn::Lock& lock : state.locks) sum += lock.amount;
  return sum;
}

// A rejection names the expected code and leaves the pre-state as it was.
template <class State, class Apply>
void expect_rejected(const State& state, NetworkError expected, Apply apply) {
  const State before = state;
  const auto result = apply(state);
  ASSERT_FALSE(result.ok()) << "expected " << code(expected);
  EXPECT_EQ(code(result.error()), code(expected));
  L2_EXPECT_FIELDS_EQ(before, state);
}

// ---- the error table and the digests ----

TEST(ChannelNetworkSpec, EveryErrorHasItsRuleRowAndNoRowLacksAnError) {
  const std::string spec = l2::test::read_spec("channel_network.md");
  ASSERT_FALSE(spec.empty());
  for (const NetworkError e : l2::all_errors(NetworkError{})) {
    const l2::ErrorInfo info = l2::error_info(e);
    const std::string row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    EXPECT_NE(spec.find(row), std::string::npos) << row;
  }
  const std::regex families("\n\\| CN-(SIG|CHAN|DEPLOY|OPEN|STATE|UPD|COOP|FORCE|CHAL|SETTLE|REVEAL|RESOLVE|OFF|ADD|FULFILL|FAIL)-[0-9]+ \\| ");
  const auto rows = std::distance(std::sregex_iterator(spec.begin(), spec.end(), families), std::sregex_iterator());
  EXPECT_EQ(static_cast<std::size_t>(rows), l2::all_errors(NetworkError{}).size());
}

TEST_F(ChannelNetworkTest, DigestsHashTheDocumentedBytes) {
  // state_digest: chain_id (8) || channel_id (32) || sequence (8) || balances (2 x 8) || locks (a u32
  // count, then per lock id 8, sender 1, amount 8, condition 33, expiry 8) || next_lock_id (8).
  const LockCondition condition = htlc(preimage(1));
  const LockedState state{5, {100, 200}, {cn::Lock{3, 1, 700, condition, 1234}}, 4};
  Bytes body;
  l2::put_u64_be(body, chain);
  l2::append(body, id());
  l2::put_u64_be(body, 5);
  l2::put_u64_be(body, 100);
  l2::put_u64_be(body, 200);
  body.insert(body.end(), {0, 0, 0, 1});
  l2::put_u64_be(body, 3);
  body.push_back(1);
  l2::put_u64_be(body, 700);
  l2::append(body, condition);
  l2::put_u64_be(body, 1234);
  l2::put_u64_be(body, 4);
  EXPECT_EQ(cn::state_digest(chain, id(), state), oracle::tagged_hash("L2/channel_network/state", body));

  Bytes close;
  l2::put_u64_be(close, chain);
  l2::append(close, id());
  l2::put_u64_be(close, 5);
  l2::put_u64_be(close, 100);
  l2::put_u64_be(close, 200);
  EXPECT_EQ(cn::close_digest(chain, id(), 5, {100, 200}), oracle::tagged_hash("L2/channel_network/close", close));

  Bytes open;
  l2::put_u64_be(open, chain);
  l2::append(open, id());
  for (const u64 field : {terms.htlc_minimum, terms.max_in_flight, terms.max_locks, capacity, u64{6000}, u64{4000}})
    l2::put_u64_be(open, field);
  EXPECT_EQ(cn::open_digest(chain, id(), terms, capacity, {6000, 4000}), oracle::tagged_hash("L2/channel_network/open", open));

  Bytes preimage_of_id;
  l2::put_u64_be(preimage_of_id, chain);
  l2::append(preimage_of_id, empty.adjudicator_id);
  l2::append(preimage_of_id, key[0]);
  l2::append(preimage_of_id, key[1]);
  l2::put_u64_be(preimage_of_id, 0);
  EXPECT_EQ(id(), oracle::tagged_hash("L2/channel_network/id", preimage_of_id));
}

// ---- conditions ----

TEST(ChannelNetworkLocks, ASecretOpensItsHashLockOnly) {
  const Hash32 r = preimage(9);
  EXPECT_TRUE(cn::opens(htlc(r), r));
  EXPECT_FALSE(cn::opens(htlc(r), preimage(8)));
  LockCondition wrong_hash = htlc(r);
  wrong_hash[32] ^= 1;
  EXPECT_FALSE(cn::opens(wrong_hash, r));
}

TEST(ChannelNetworkLocks, APointLockOpensWithItsDiscreteLogBelowTheOrder) {
  const Hash32 t = scalar_bytes(12345);
  const LockCondition point = cn::point_lock(t).value();
  // libsecp256k1's x-only key of t is the point's x coordinate: an independent check of t*G.
  const Hash32 x = oracle::pubkey(t).value();
  EXPECT_TRUE(std::equal(x.begin(), x.end(), point.begin() + 1));
  EXPECT_TRUE(cn::opens(point, t));
  EXPECT_FALSE(cn::opens(point, scalar_bytes(12346)));
  // n - t opens the negated point only (same x, other parity).
  const Hash32 negated = secp::to_be_bytes(secp::scalar_negate(secp::u256_from_u64(12345)));
  EXPECT_FALSE(cn::opens(point, negated));
  LockCondition flipped = point;
  flipped[0] ^= 1;  // 02 <-> 03
  EXPECT_TRUE(cn::opens(flipped, negated));
  // Scalars 0, n and n + 1 are no secret; n - 1 is.
  EXPECT_FALSE(cn::point_lock(Hash32{}).has_value());
  EXPECT_FALSE(cn::point_lock(secp::to_be_bytes(secp::group_order)).has_value());
  EXPECT_TRUE(cn::point_lock(secp::to_be_bytes(secp::scalar_negate(secp::u256_from_u64(1)))).has_value());
  EXPECT_FALSE(cn::opens(point, secp::to_be_bytes(secp::add_mod(secp::group_order, secp::u256_from_u64(12345),
                                                                secp::field_modulus))));
}

TEST(ChannelNetworkLocks, OnlyHashLocksAndCompressedPointsAreWellFormed) {
  EXPECT_TRUE(cn::is_well_formed(htlc(preimage(1))));
  EXPECT_TRUE(cn::is_well_formed(cn::point_lock(scalar_bytes(7)).value()));
  LockCondition c = cn::point_lock(scalar_bytes(7)).value();
  for (const u8 prefix : {u8{0x01}, u8{0x04}, u8{0x05}, u8{0xff}}) {
    c[0] = prefix;
    EXPECT_FALSE(cn::is_well_formed(c)) << int(prefix);
  }
  LockCondition at_p{};
  at_p[0] = 0x02;
  const Hash32 p = secp::to_be_bytes(secp::field_size);
  std::copy(p.begin(), p.end(), at_p.begin() + 1);
  EXPECT_FALSE(cn::is_well_formed(at_p));
  LockCondition no_point{};
  no_point[0] = 0x02;
  no_point[32] = 5;  // x = 5: 5^3 + 7 = 132 is not a square mod p
  EXPECT_FALSE(cn::is_well_formed(no_point));
}

// ---- deploy [CN-DEPLOY-1..7] ----

TEST(ChannelNetworkDeploy, EveryConfigurationRuleAtItsBoundary) {
  const auto deploy = [](cn::NetworkConfig c) { return code_of(cn::deploy(cn::DeployInput{chain, Hash32{}, c})); };
  EXPECT_EQ(deploy(config), "OK");
  cn::NetworkConfig c = config;
  c.censorship_bound_blocks = 0;
  EXPECT_EQ(deploy(c), "CN_CONFIG_CENSORSHIP_BOUND");
  c = config;
  c.dispute_period_blocks = c.censorship_bound_blocks;
  EXPECT_EQ(deploy(c), "CN_CONFIG_DISPUTE_PERIOD");
  c.dispute_period_blocks = c.censorship_bound_blocks + 1;
  EXPECT_EQ(deploy(c), "OK");
  c = config;
  c.min_channel_capacity = 0;
  EXPECT_EQ(deploy(c), "CN_CONFIG_CAPACITY_RANGE");
  c.min_channel_capacity = c.max_channel_capacity + 1;
  EXPECT_EQ(deploy(c), "CN_CONFIG_CAPACITY_RANGE");
  c.min_channel_capacity = c.max_channel_capacity;
  EXPECT_EQ(deploy(c), "OK");
  c = config;
  c.dust_limit = 0;
  EXPECT_EQ(deploy(c), "CN_CONFIG_DUST_LIMIT");
  c.dust_limit = 1;
  EXPECT_EQ(deploy(c), "OK");
  c = config;
  c.max_locks_limit = 0;
  EXPECT_EQ(deploy(c), "CN_CONFIG_LOCK_LIMIT");
  c.max_locks_limit = 483;
  EXPECT_EQ(deploy(c), "OK");
  c.max_locks_limit = 484;
  EXPECT_EQ(deploy(c), "CN_CONFIG_LOCK_LIMIT");
  c = config;
  c.min_cltv_delta = c.censorship_bound_blocks;
  EXPECT_EQ(deploy(c), "CN_CONFIG_CLTV_DELTA");
  c.min_cltv_delta = c.censorship_bound_blocks + 1;
  EXPECT_EQ(deploy(c), "OK");
  c = config;
  c.max_expiry_blocks = c.censorship_bound_blocks;
  EXPECT_EQ(deploy(c), "CN_CONFIG_MAX_EXPIRY");
  c.max_expiry_blocks = c.censorship_bound_blocks + 1;
  EXPECT_EQ(deploy(c), "OK");
  c.max_expiry_blocks = (u64{1} << 32) - 1;
  EXPECT_EQ(deploy(c), "OK");
  c.max_expiry_blocks = u64{1} << 32;
  EXPECT_EQ(deploy(c), "CN_CONFIG_MAX_EXPIRY");
  // Order: a configuration breaking every rule reports the first.
  EXPECT_EQ(deploy(cn::NetworkConfig{}), "CN_CONFIG_CENSORSHIP_BOUND");
}

// ---- open [CN-OPEN-1..8, CN-SIG-1, CN-SIG-2] ----

TEST_F(ChannelNetworkTest, OpenRegistersAnActiveChannelAtSequenceZero) {
  const NetworkAdjudicator a = opened();
  ASSERT_EQ(a.channels.size(), 1u);
  EXPECT_EQ(only(a).channel_id, id());
  EXPECT_EQ(only(a).phase, cn::ChannelPhase::active);
  L2_EXPECT_FIELDS_EQ(only(a).state, (LockedState{0, {6000, 4000}, {}, 0}));
  L2_EXPECT_FIELDS_EQ(only(a).terms, terms);
}

TEST_F(ChannelNetworkTest, OpenRulesInOrderAtTheirBoundaries) {
  const auto open = [&](const cn::OpenInput& in) { return code_of(cn::apply_open(empty, in, Env{height})); };
  cn::OpenInput in = open_input();
  in.participants[1] = in.participants[0];
  EXPECT_EQ(open(in), "CN_OPEN_SAME_PARTICIPANTS");
  EXPECT_EQ(open(open_input(0, {999, 0}, 999)), "CN_OPEN_CAPACITY_TOO_SMALL");
  EXPECT_EQ(open(open_input(0, {1000, 0}, 1000)), "OK");
  EXPECT_EQ(open(open_input(0, {1'000'000, 0}, 1'000'000)), "OK");
  EXPECT_EQ(open(open_input(0, {1'000'001, 0}, 1'000'001)), "CN_OPEN_CAPACITY_TOO_LARGE");
  for (const u64 value : {capacity - 1, capacity + 1}) {
    in = open_input();
    in.value = value;
    EXPECT_EQ(open(in), "CN_OPEN_VALUE") << value;
  }
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{9, 5000, 5})), "CN_OPEN_HTLC_MINIMUM");
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{10, 5000, 5})), "OK");
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{100, 5000, 0})), "CN_OPEN_MAX_LOCKS");
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{100, 5000, 1})), "OK");
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{100, 5000, 30})), "OK");
  EXPECT_EQ(open(open_input(0, {6000, 4000}, capacity, cn::ChannelTerms{100, 5000, 31})), "CN_OPEN_MAX_LOCKS");
  EXPECT_EQ(open(open_input(0, {6000, 3999})), "CN_OPEN_BALANCES");
  EXPECT_EQ(open(open_input(0, {6000, 4001})), "CN_OPEN_BALANCES");
  EXPECT_EQ(open(open_input(0, {l2::u64_max, 10001 - 0})), "CN_OPEN_BALANCES");  // the sum overflows
  expect_rejected(opened(), NetworkError::open_duplicate,
                  [&](const NetworkAdjudicator& a) { return cn::apply_open(a, open_input(), Env{height}); });
  EXPECT_EQ(code_of(cn::apply_open(opened(), open_input(1), Env{height})), "OK");
  in = open_input();
  std::swap(in.signatures[0], in.signatures[1]);
  EXPECT_EQ(open(in), "CN_BAD_SIGNATURE_0");
  in = open_input();
  in.signatures[1] = open_input(1).signatures[1];
  EXPECT_EQ(open(in), "CN_BAD_SIGNATURE_1");
  // The terms are signed: the same signatures over other terms are refused.
  in = open_input();
  in.terms.max_in_flight += 1;
  EXPECT_EQ(open(in), "CN_BAD_SIGNATURE_0");
}

// ---- off chain: add, fulfill, fail [CN-OFF-1, CN-ADD-1..10, CN-FULFILL-1..3, CN-FAIL-1] ----

TEST_F(ChannelNetworkTest, AddLockMovesTheAmountIntoANewLockAndKeepsConservation) {
  const LockCondition condition = htlc(preimage(1));
  const OffChainChannel next =
      cn::apply_add_lock(off_chain(), cn::AddLockInput{1, 1500, condition, height + 100}, Env{height}).value();
  L2_EXPECT_FIELDS_EQ(next.state, (LockedState{1, {6000, 2500}, {cn::Lock{0, 1, 1500, condition, height + 100}}, 1}));
  const OffChainChannel after =
      cn::apply_add_lock(next, cn::AddLockInput{0, 100, condition, height + 100}, Env{height}).value();
  EXPECT_EQ(after.state.locks.back().id, 1u);
  EXPECT_EQ(after.state.next_lock_id, 2u);
  EXPECT_EQ(locked_total(after.state), capacity);
}

TEST_F(ChannelNetworkTest, AddLockRulesInOrderAtTheirBoundaries) {
  const LockCondition condition = htlc(preimage(1));
  const auto add = [&](const OffChainChannel& c, u8 sender, u64 amount, const LockCondition& cond, u64 expiry) {
    return code_of(cn::apply_add_lock(c, cn::AddLockInput{sender, amount, cond, expiry}, Env{height}));
  };
  const OffChainChannel c = off_chain();
  const u64 ok_expiry = height + 100;
  EXPECT_EQ(add(c, 2, 1000, condition, ok_expiry), "CN_ADD_SENDER");
  LockCondition bad = condition;
  bad[0] = 0x04;
  EXPECT_EQ(add(c, 0, 1000, bad, ok_expiry), "CN_ADD_CONDITION");
  EXPECT_EQ(add(c, 0, 1000, cn::point_lock(scalar_bytes(5)).value(), ok_expiry), "OK");
  // dust_limit 10 < htlc_minimum 100: dust is checked first; a channel whose minimum is the dust
  // limit shows dust's own boundary.
  EXPECT_EQ(add(c, 0, 9, condition, ok_expiry), "CN_ADD_DUST");
  OffChainChannel at_dust = c;
  at_dust.terms.htlc_minimum = 10;
  EXPECT_EQ(add(at_dust, 0, 10, condition, ok_expiry), "OK");
  EXPECT_EQ(add(c, 0, 99, condition, ok_expiry), "CN_ADD_BELOW_MINIMUM");
  EXPECT_EQ(add(c, 0, 100, condition, ok_expiry), "OK");
  OffChainChannel rich = c;
  rich.terms.max_in_flight = capacity;
  EXPECT_EQ(add(rich, 1, 4000, condition, ok_expiry), "OK");
  EXPECT_EQ(add(rich, 1, 4001, condition, ok_expiry), "CN_ADD_BALANCE");
  EXPECT_EQ(add(c, 0, 5000, condition, ok_expiry), "OK");
  EXPECT_EQ(add(c, 0, 5001, condition, ok_expiry), "CN_ADD_IN_FLIGHT");
  EXPECT_EQ(add(c, 0, 1000, condition, height + config.censorship_bound_blocks), "CN_ADD_EXPIRY_TOO_SOON");
  EXPECT_EQ(add(c, 0, 1000, condition, height + config.censorship_bound_blocks + 1), "OK");
  EXPECT_EQ(add(c, 0, 1000, condition, height + config.max_expiry_blocks), "OK");
  EXPECT_EQ(add(c, 0, 1000, condition, height + config.max_expiry_blocks + 1), "CN_ADD_EXPIRY_TOO_FAR");
  OffChainChannel ids_at_end = c;
  ids_at_end.state.next_lock_id = l2::u64_max - 1;
  EXPECT_EQ(add(ids_at_end, 0, 1000, condition, ok_expiry), "OK");
  ids_at_end.state.next_lock_id = l2::u64_max;
  EXPECT_EQ(add(ids_at_end, 0, 1000, condition, ok_expiry), "CN_ADD_LOCK_IDS_EXHAUSTED");
  // Heights near the top saturate instead of wrapping: nothing expires after 2^64 - 1.
  EXPECT_EQ(code_of(cn::apply_add_lock(c, cn::AddLockInput{0, 1000, condition, l2::u64_max}, Env{l2::u64_max - 3})),
            "CN_ADD_EXPIRY_TOO_SOON");
  // Order: a sender of 2 with a malformed condition and dust reports the sender.
  EXPECT_EQ(add(c, 2, 1, bad, 0), "CN_ADD_SENDER");
  EXPECT_EQ(add(c, 0, 1, bad, 0), "CN_ADD_CONDITION");
  EXPECT_EQ(add(c, 0, 1, condition, 0), "CN_ADD_DUST");
  EXPECT_EQ(add(c, 0, 7000, condition, 0), "CN_ADD_BALANCE");
}

TEST_F(ChannelNetworkTest, JammingStopsAtTheLockCountAndTheInFlightLimit) {
  // A sender pinning the channel with small locks stops at max_locks (5) locks...
  OffChainChannel c = off_chain();
  for (u64 i = 0; i < terms.max_locks; ++i)
    c = cn::apply_add_lock(c, cn::AddLockInput{0, 100, htlc(preimage(u8(i))), height + 100}, Env{height}).value();
  EXPECT_EQ(code_of(cn::apply_add_lock(c, cn::AddLockInput{0, 100, htlc(preimage(9)), height + 100}, Env{height})),
            "CN_ADD_TOO_MANY_LOCKS");
  // ...while the other direction keeps its own count.
  EXPECT_EQ(code_of(cn::apply_add_lock(c, cn::AddLockInput{1, 100, htlc(preimage(9)), height + 100}, Env{height})), "OK");
  // With large locks the in-flight limit (5000) binds first: 4 x 1200 = 4800, then 200 more is the limit.
  OffChainChannel big = off_chain();
  for (int i = 0; i < 4; ++i)
    big = cn::apply_add_lock(big, cn::AddLockInput{0, 1200, htlc(preimage(u8(i))), height + 100}, Env{height}).value();
  EXPECT_EQ(code_of(cn::apply_add_lock(big, cn::AddLockInput{0, 201, htlc(preimage(9)), height + 100}, Env{height})),
            "CN_ADD_IN_FLIGHT");
  EXPECT_EQ(code_of(cn::apply_add_lock(big, cn::AddLockInput{0, 200, htlc(preimage(9)), height + 100}, Env{height})), "OK");
  // The on-chain state stays bounded: a co-signed state with max_locks + 1 locks of one sender is refused.
  LockedState over = c.state;
  over.locks.push_back(cn::Lock{over.next_lock_id, 0, 100, htlc(preimage(9)), height + 100});
  ++over.next_lock_id;
  over.balances[0] -= 100;
  EXPECT_EQ(code(cn::check_locked_state(over, capacity, terms)), "CN_STATE_LOCK_COUNT");
  EXPECT_EQ(code(cn::check_locked_state(c.state, capacity, terms)), "OK");
}

TEST_F(ChannelNetworkTest, FulfillPaysTheReceiverStrictlyBeforeExpiry) {
  const Hash32 r = preimage(3);
  const u64 expiry = height + 100;
  const OffChainChannel c = off_chain(with_lock(htlc(r), expiry, 1000, 0));
  const auto fulfill = [&](u64 lock_id, const Hash32& s, u64 at) {
    return cn::apply_fulfill_lock(c, cn::FulfillLockInput{lock_id, s}, Env{at});
  };
  const auto done = fulfill(0, r, expiry - 1);
  ASSERT_TRUE(done.ok());
  L2_EXPECT_FIELDS_EQ(done.value().state, (LockedState{2, {5000, 5000}, {}, 1}));
  EXPECT_EQ(code_of(fulfill(0, r, expiry)), "CN_FULFILL_EXPIRED");
  EXPECT_EQ(code_of(fulfill(0, r, expiry + 1)), "CN_FULFILL_EXPIRED");
  EXPECT_EQ(code_of(fulfill(1, r, height)), "CN_FULFILL_UNKNOWN_LOCK");
  EXPECT_EQ(code_of(fulfill(0, preimage(4), height)), "CN_FULFILL_WRONG_SECRET");
  // Order: an unknown lock is reported before an expiry or a secret; an expiry before the secret.
  EXPECT_EQ(code_of(fulfill(1, preimage(4), expiry + 5)), "CN_FULFILL_UNKNOWN_LOCK");
  EXPECT_EQ(code_of(fulfill(0, preimage(4), expiry)), "CN_FULFILL_EXPIRED");
}

TEST_F(ChannelNetworkTest, FailReturnsTheAmountToTheSender) {
  const OffChainChannel c = off_chain(with_lock(htlc(preimage(3)), height + 100, 1000, 0));
  const auto failed = cn::apply_fail_lock(c, cn::FailLockInput{0}, Env{height});
  ASSERT_TRUE(failed.ok());
  L2_EXPECT_FIELDS_EQ(failed.value().state, (LockedState{2, {6000, 4000}, {}, 1}));
  EXPECT_EQ(code_of(cn::apply_fail_lock(c, cn::FailLockInput{1}, Env{height})), "CN_FAIL_UNKNOWN_LOCK");
}

TEST_F(ChannelNetworkTest, OffChainOpsCheckTheStateFirst) {
  const LockCondition condition = htlc(preimage(1));
  const cn::AddLockInput add{0, 1000, condition, height + 100};
  LockedState state = with_lock(condition, height + 100);
  EXPECT_EQ(code_of(cn::apply_add_lock(off_chain(state), add, Env{height})), "OK");
  LockedState broken = state;
  broken.balances[0] += 1;
  EXPECT_EQ(code_of(cn::apply_add_lock(off_chain(broken), add, Env{height})), "CN_STATE_CONSERVATION");
  broken = state;
  broken.balances[0] = l2::u64_max;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(broken), cn::FailLockInput{0}, Env{height})), "CN_STATE_CONSERVATION");
  broken = state;
  broken.next_lock_id = 0;  // the lock's id 0 is not below it
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(broken), cn::FailLockInput{0}, Env{height})), "CN_STATE_LOCK_IDS");
  broken = state;
  broken.locks.push_back(broken.locks[0]);  // a repeated id
  broken.locks[1].amount = 0;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(broken), cn::FailLockInput{0}, Env{height})), "CN_STATE_LOCK_IDS");
  broken = state;
  broken.locks[0].sender = 2;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(broken), cn::FailLockInput{0}, Env{height})), "CN_STATE_LOCK_FORM");
  broken = state;
  broken.locks[0].condition[0] = 0x07;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(broken), cn::FailLockInput{0}, Env{height})), "CN_STATE_LOCK_FORM");
  LockedState last = state;
  last.sequence = l2::u64_max - 1;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(last), cn::FailLockInput{0}, Env{height})), "OK");
  last.sequence = l2::u64_max;
  EXPECT_EQ(code_of(cn::apply_fail_lock(off_chain(last), cn::FailLockInput{0}, Env{height})), "CN_SEQUENCE_EXHAUSTED");
}

// ---- on chain: close, dispute, reveal, resolve ----

TEST_F(ChannelNetworkTest, CooperativeCloseSettlesAtOnceWithoutLocks) {
  const NetworkAdjudicator a = opened();
  const auto closed = cn::apply_cooperative_close(a, closing(1, {7000, 3000}), Env{height});
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(only(closed.value()).phase, cn::ChannelPhase::settled);
  L2_EXPECT_FIELDS_EQ(only(closed.value()).state, (LockedState{1, {7000, 3000}, {}, 0}));
  EXPECT_EQ(code_of(cn::apply_cooperative_close(closed.value(), closing(2, {7000, 3000}), Env{height})), "CN_COOP_PHASE");
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, closing(0, {7000, 3000}), Env{height})), "CN_COOP_STALE");
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, closing(1, {7000, 2999}), Env{height})), "CN_COOP_BALANCES");
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, closing(1, {7000, 3001}), Env{height})), "CN_COOP_BALANCES");
  cn::CloseInput forged = closing(1, {7000, 3000});
  forged.signatures[1] = sign(2, cn::close_digest(chain, id(), 1, {7000, 3000}));
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, forged, Env{height})), "CN_BAD_SIGNATURE_1");
  // A co-signed state is no close: its tag differs.
  cn::CloseInput replayed = closing(1, {6000, 4000});
  const cn::StateInput state = cosigned(LockedState{1, {6000, 4000}, {}, 0});
  replayed.signatures = state.signatures;
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, replayed, Env{height})), "CN_BAD_SIGNATURE_0");
  cn::CloseInput unknown = closing(1, {7000, 3000});
  unknown.channel_id[0] ^= 1;
  EXPECT_EQ(code_of(cn::apply_cooperative_close(a, unknown, Env{height})), "CN_UNKNOWN_CHANNEL");
  // A disputing channel may still close cooperatively, locks and all settled off chain.
  const NetworkAdjudicator disputing =
      cn::apply_force_close(a, cosigned(with_lock(htlc(preimage(1)), height + 300)), Env{height}).value();
  const auto coop = cn::apply_cooperative_close(disputing, closing(3, {5500, 4500}), Env{height + 1});
  ASSERT_TRUE(coop.ok());
  EXPECT_TRUE(only(coop.value()).state.locks.empty());
  EXPECT_EQ(only(coop.value()).state.next_lock_id, 1u);
}

TEST_F(ChannelNetworkTest, UpdateRegistersAStrictlyNewerCoSignedStateWhileActive) {
  const NetworkAdjudicator a = opened();
  const LockedState one_lock = with_lock(htlc(preimage(1)), height + 300);  // sequence 1
  const auto updated = cn::apply_update(a, cosigned(one_lock), Env{height});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(only(updated.value()).phase, cn::ChannelPhase::active);
  L2_EXPECT_FIELDS_EQ(only(updated.value()).state, one_lock);
  // CN-UPD-2 at the registered sequence and one above it.
  EXPECT_EQ(code_of(cn::apply_update(updated.value(), cosigned(one_lock), Env{height})), "CN_UPDATE_STALE");
  const LockedState two = cn::apply_fail_lock(off_chain(one_lock), cn::FailLockInput{0}, Env{height}).value().state;
  EXPECT_EQ(code_of(cn::apply_update(updated.value(), cosigned(two), Env{height})), "OK");
  // A force-close can no longer register anything below it.
  EXPECT_EQ(code_of(cn::apply_force_close(updated.value(), cosigned(LockedState{0, {6000, 4000}, {}, 0}), Env{height})),
            "CN_FORCE_STALE");
  // CN-UPD-1: not while disputing; then the state's checks and the signatures.
  const NetworkAdjudicator disputing = cn::apply_force_close(a, cosigned(one_lock), Env{height}).value();
  EXPECT_EQ(code_of(cn::apply_update(disputing, cosigned(two), Env{height})), "CN_UPDATE_PHASE");
  LockedState broken = two;
  broken.balances[0] -= 1;
  EXPECT_EQ(code_of(cn::apply_update(a, cosigned(broken), Env{height})), "CN_STATE_CONSERVATION");
  cn::StateInput forged = cosigned(two);
  forged.signatures[1] = forged.signatures[0];
  EXPECT_EQ(code_of(cn::apply_update(a, forged, Env{height})), "CN_BAD_SIGNATURE_1");
  cn::StateInput unknown = cosigned(two);
  unknown.channel_id[5] ^= 1;
  EXPECT_EQ(code_of(cn::apply_update(a, unknown, Env{height})), "CN_UNKNOWN_CHANNEL");
}

TEST_F(ChannelNetworkTest, ForceCloseChallengeAndSettleAtTheirBoundaries) {
  const NetworkAdjudicator a = opened();
  const LockedState one_lock = with_lock(htlc(preimage(1)), height + 300);  // sequence 1
  const auto forced = cn::apply_force_close(a, cosigned(one_lock), Env{height});
  ASSERT_TRUE(forced.ok());
  const u64 deadline = height + config.dispute_period_blocks;
  EXPECT_EQ(only(forced.value()).phase, cn::ChannelPhase::disputing);
  EXPECT_EQ(only(forced.value()).dispute_deadline, deadline);
  L2_EXPECT_FIELDS_EQ(only(forced.value()).state, one_lock);
  // force_close: only an active channel; the registered sequence itself is accepted.
  EXPECT_EQ(code_of(cn::apply_force_close(forced.value(), cosigned(one_lock), Env{height})), "CN_FORCE_PHASE");
  EXPECT_EQ(code_of(cn::apply_force_close(a, cosigned(LockedState{0, {6000, 4000}, {}, 0}), Env{height})), "OK");
  LockedState broken = one_lock;
  broken.balances[1] += 1;
  EXPECT_EQ(code_of(cn::apply_force_close(a, cosigned(broken), Env{height})), "CN_STATE_CONSERVATION");
  cn::StateInput other_chain = cosigned(one_lock, 0, chain + 1);
  EXPECT_EQ(code_of(cn::apply_force_close(a, other_chain, Env{height})), "CN_BAD_SIGNATURE_0");

  // challenge: strictly newer, strictly before the deadline; the deadline stays.
  const LockedState newer = cn::apply_fail_lock(off_chain(one_lock), cn::FailLockInput{0}, Env{height}).value().state;
  const auto challenged = cn::apply_challenge(forced.value(), cosigned(newer), Env{deadline - 1});
  ASSERT_TRUE(challenged.ok());
  EXPECT_EQ(only(challenged.value()).dispute_deadline, deadline);
  L2_EXPECT_FIELDS_EQ(only(challenged.value()).state, newer);
  EXPECT_EQ(code_of(cn::apply_challenge(forced.value(), cosigned(newer), Env{deadline})), "CN_CHALLENGE_LATE");
  EXPECT_EQ(code_of(cn::apply_challenge(forced.value(), cosigned(one_lock), Env{height})), "CN_CHALLENGE_STALE");
  EXPECT_EQ(code_of(cn::apply_challenge(a, cosigned(newer), Env{height})), "CN_CHALLENGE_PHASE");
  // Order: phase before deadline before sequence.
  EXPECT_EQ(code_of(cn::apply_challenge(forced.value(), cosigned(one_lock), Env{deadline})), "CN_CHALLENGE_LATE");

  // settle: at the deadline, not before.
  EXPECT_EQ(code_of(cn::apply_settle(forced.value(), cn::ChannelRef{id()}, Env{deadline - 1})), "CN_SETTLE_EARLY");
  const auto settled = cn::apply_settle(forced.value(), cn::ChannelRef{id()}, Env{deadline});
  ASSERT_TRUE(settled.ok());
  EXPECT_EQ(only(settled.value()).phase, cn::ChannelPhase::settled);
  EXPECT_EQ(code_of(cn::apply_settle(settled.value(), cn::ChannelRef{id()}, Env{deadline})), "CN_SETTLE_PHASE");
  EXPECT_EQ(code_of(cn::apply_settle(a, cn::ChannelRef{id()}, Env{deadline})), "CN_SETTLE_PHASE");
  EXPECT_EQ(code_of(cn::apply_settle(a, cn::ChannelRef{Hash32{}}, Env{deadline})), "CN_UNKNOWN_CHANNEL");
}

TEST_F(ChannelNetworkTest, RevealRecordsTheFirstSecretOfAWellFormedCondition) {
  const Hash32 r = preimage(5);
  const auto revealed = cn::apply_reveal_secret(empty, cn::RevealInput{htlc(r), r}, Env{height});
  ASSERT_TRUE(revealed.ok());
  ASSERT_EQ(revealed.value().revelations.size(), 1u);
  L2_EXPECT_FIELDS_EQ(revealed.value().revelations[0], (cn::Revelation{htlc(r), r, height}));
  expect_rejected(revealed.value(), NetworkError::reveal_duplicate, [&](const NetworkAdjudicator& a) {
    return cn::apply_reveal_secret(a, cn::RevealInput{htlc(r), r}, Env{height + 1});
  });
  EXPECT_EQ(code_of(cn::apply_reveal_secret(empty, cn::RevealInput{htlc(r), preimage(6)}, Env{height})),
            "CN_REVEAL_WRONG_SECRET");
  LockCondition bad = htlc(r);
  bad[0] = 0x01;
  EXPECT_EQ(code_of(cn::apply_reveal_secret(empty, cn::RevealInput{bad, r}, Env{height})), "CN_REVEAL_CONDITION");
  const Hash32 t = scalar_bytes(77);
  EXPECT_EQ(code_of(cn::apply_reveal_secret(empty, cn::RevealInput{cn::point_lock(t).value(), t}, Env{height})), "OK");
}

TEST_F(ChannelNetworkTest, ALockIsClaimedOnlyWhenRevealedStrictlyBeforeItsExpiry) {
  const Hash32 r = preimage(5);
  const u64 expiry = height + 300;  // after the dispute window ends at height + 144
  const NetworkAdjudicator settled = settled_with(with_lock(htlc(r), expiry, 1000, 0), opened());
  const cn::ResolveInput resolve{id(), 0};
  const auto reveal_at = [&](u64 at) {
    return cn::apply_reveal_secret(settled, cn::RevealInput{htlc(r), r}, Env{at}).value();
  };
  // Revealed at expiry - 1: claimed, at any later height.
  const auto claimed = cn::apply_resolve_lock(reveal_at(expiry - 1), resolve, Env{expiry + 50});
  ASSERT_TRUE(claimed.ok());
  L2_EXPECT_FIELDS_EQ(only(claimed.value()).state.balances, (std::array<u64, 2>{5000, 5000}));
  EXPECT_TRUE(only(claimed.value()).state.locks.empty());
  // Revealed at expiry or expiry + 1: too late, refunded to the sender once expired.
  for (const u64 at : {expiry, expiry + 1}) {
    const auto refunded = cn::apply_resolve_lock(reveal_at(at), resolve, Env{at});
    ASSERT_TRUE(refunded.ok()) << at;
    L2_EXPECT_FIELDS_EQ(only(refunded.value()).state.balances, (std::array<u64, 2>{6000, 4000}));
  }
  // Never revealed: pending at expiry - 1, refunded at expiry and expiry + 1.
  expect_rejected(settled, NetworkError::resolve_pending,
                  [&](const NetworkAdjudicator& a) { return cn::apply_resolve_lock(a, resolve, Env{expiry - 1}); });
  for (const u64 at : {expiry, expiry + 1})
    EXPECT_EQ(only(cn::apply_resolve_lock(settled, resolve, Env{at}).value()).state.balances,
              (std::array<u64, 2>{6000, 4000}));
  // A resolved lock is gone; an unknown one never was; an unsettled channel resolves nothing.
  EXPECT_EQ(code_of(cn::apply_resolve_lock(claimed.value(), resolve, Env{expiry + 60})), "CN_RESOLVE_UNKNOWN_LOCK");
  const NetworkAdjudicator disputing =
      cn::apply_force_close(opened(), cosigned(with_lock(htlc(r), expiry)), Env{height}).value();
  EXPECT_EQ(code_of(cn::apply_resolve_lock(disputing, resolve, Env{expiry})), "CN_RESOLVE_PHASE");
  EXPECT_EQ(code_of(cn::apply_resolve_lock(settled, cn::ResolveInput{Hash32{}, 0}, Env{expiry})), "CN_UNKNOWN_CHANNEL");
}

TEST_F(ChannelNetworkTest, ResolveChecksASettledStateTakenAsItStands) {
  // No op registers a malformed state, but an adjudicator can be loaded as it stands: a lock whose
  // sender is 2 would pay balances[255], and one over the capacity would overflow a balance.
  NetworkAdjudicator loaded = settled_with(with_lock(htlc(preimage(1)), height + 300), opened());
  loaded.channels[0].state.locks[0].sender = 2;
  expect_rejected(loaded, NetworkError::state_lock_form,
                  [&](const NetworkAdjudicator& a) { return cn::apply_resolve_lock(a, cn::ResolveInput{id(), 0}, Env{height + 300}); });
  loaded.channels[0].state.locks[0].sender = 0;
  loaded.channels[0].state.balances[1] = l2::u64_max;
  expect_rejected(loaded, NetworkError::state_conservation,
                  [&](const NetworkAdjudicator& a) { return cn::apply_resolve_lock(a, cn::ResolveInput{id(), 0}, Env{height + 300}); });
}

// ---- attacks (channel_network.md#threat-model) ----

// A five-node route P -> I1 -> H -> I2 -> R, one channel per hop, where I1 and I2 collude against
// the honest H between them. Each hop's sender is participant 0; the amounts pay 10 per forwarder.
constexpr std::array<u64, 4> route_amounts{1030, 1020, 1010, 1000};

TEST_F(ChannelNetworkTest, WormholeStealsTheSkippedHopsFeesUnderHtlcs) {
  // Every hop locks SHA256(r). R claims from I2 with r; I2 fails H's lock instead of claiming it
  // and hands r to I1, who claims from P; H, without r, fails the lock I1 offered it.
  const Hash32 r = preimage(42);
  std::vector<OffChainChannel> hops;
  for (std::size_t i = 0; i < 4; ++i) hops.push_back(off_chain(with_lock(htlc(r), height + 300 - 40 * i, route_amounts[i], 0)));
  const auto fulfill = [&](std::size_t hop) {
    return cn::apply_fulfill_lock(hops[hop], cn::FulfillLockInput{0, r}, Env{height + 1}).value().state.balances;
  };
  const auto fail = [&](std::size_t hop) {
    return cn::apply_fail_lock(hops[hop], cn::FailLockInput{0}, Env{height + 1}).value().state.balances;
  };
  // A node's gain on a hop: what it holds after, minus what it held before the lock (6000 / 4000).
  const auto received = [](const std::array<u64, 2>& b) { return static_cast<long long>(b[1]) - 4000; };
  const auto sent = [](const std::array<u64, 2>& b) { return static_cast<long long>(b[0]) - 6000; };
  const long long i1 = received(fulfill(0)) + sent(fail(1));
  const long long h = received(fail(1)) + sent(fail(2));
  const long long i2 = received(fail(2)) + sent(fulfill(3));
  EXPECT_EQ(h, 0);             // H forwarded, locked its funds, and earns nothing
  EXPECT_EQ(i1 + i2, 30);      // the coalition takes all three fees: H's 10 is stolen
  EXPECT_EQ(received(fulfill(0)) + sent(fulfill(3)), 30);
}

TEST_F(ChannelNetworkTest, WormholeFailsUnderPtlcsBecauseEveryHopsPointDiffers) {
  std::vector<Hash32> tweaks;
  for (u64 i = 0; i < 4; ++i) tweaks.push_back(scalar_bytes(1000 + 17 * i));  // y_0 .. y_3
  const cn::PointLocks locks = cn::point_locks(tweaks).value();
  // Unlinkable: no two hops share a condition.
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i + 1; j < 4; ++j) EXPECT_NE(locks.conditions[i], locks.conditions[j]);
  // Each node's own check before forwarding: T_{i-1} = T_i + y_{i-1} G (and T_3 = y_3 G for R).
  EXPECT_EQ(locks.conditions[3], cn::point_lock(tweaks[3]).value());
  for (std::size_t i = 1; i < 4; ++i)
    EXPECT_EQ(cn::point_lock(cn::upstream_secret(locks.secrets[i], tweaks[i - 1])).value(), locks.conditions[i - 1]);

  // Honest settlement: R claims hop 3 with y_3, and each node claims upstream with t + y.
  Hash32 downstream = tweaks[3];
  for (std::size_t hop = 4; hop-- > 0;) {
    const OffChainChannel channel = off_chain(with_lock(locks.conditions[hop], height + 300, 1000, 0));
    EXPECT_EQ(code_of(cn::apply_fulfill_lock(channel, cn::FulfillLockInput{0, downstream}, Env{height + 1})), "OK") << hop;
    if (hop > 0) downstream = cn::upstream_secret(downstream, tweaks[hop - 1]);
  }

  // The wormhole: I2 learns t_3 from R and knows y_2, so it has t_2; it gives I1 what it has. I1
  // knows y_0 but not H's y_1, so t_2 + y_0 (or t_2 itself) does not open hop 0.
  const Hash32 t2 = cn::upstream_secret(tweaks[3], tweaks[2]);
  const OffChainChannel p_to_i1 = off_chain(with_lock(locks.conditions[0], height + 300, 1000, 0));
  for (const Hash32& attempt : {cn::upstream_secret(t2, tweaks[0]), t2, tweaks[3]})
    EXPECT_EQ(code_of(cn::apply_fulfill_lock(p_to_i1, cn::FulfillLockInput{0, attempt}, Env{height + 1})),
              "CN_FULFILL_WRONG_SECRET");
}

TEST_F(ChannelNetworkTest, AStaleStateWithPendingLocksLosesToTheChallengeAndTheReceiverStillClaims) {
  // Sequence 1 has a 1000 lock from 0 to 1; at sequence 2 it was fulfilled off chain. Participant 0
  // force-closes the stale sequence 1.
  const Hash32 r = preimage(7);
  const u64 expiry = height + 300;
  const LockedState stale = with_lock(htlc(r), expiry, 1000, 0);
  const LockedState latest = cn::apply_fulfill_lock(off_chain(stale), cn::FulfillLockInput{0, r}, Env{height}).value().state;
  const NetworkAdjudicator forced = cn::apply_force_close(opened(), cosigned(stale), Env{height}).value();
  // Participant 1 answers with the latest state: it settles at 5000 / 5000 with no lock.
  const NetworkAdjudicator answered = cn::apply_challenge(forced, cosigned(latest), Env{height + 1}).value();
  const NetworkAdjudicator settled =
      cn::apply_settle(answered, cn::ChannelRef{id()}, Env{height + config.dispute_period_blocks}).value();
  L2_EXPECT_FIELDS_EQ(only(settled).state, latest);
  // Had participant 1 missed the window, the stale lock is still its own: it reveals r before the
  // expiry and resolves the lock to itself, ending at the same 5000 / 5000.
  const NetworkAdjudicator unanswered = cn::apply_settle(forced, cn::ChannelRef{id()}, Env{height + 144}).value();
  const NetworkAdjudicator revealed =
      cn::apply_reveal_secret(unanswered, cn::RevealInput{htlc(r), r}, Env{height + 145}).value();
  const NetworkAdjudicator resolved = cn::apply_resolve_lock(revealed, cn::ResolveInput{id(), 0}, Env{height + 146}).value();
  L2_EXPECT_FIELDS_EQ(only(resolved).state.balances, latest.balances);
}

TEST_F(ChannelNetworkTest, APayeeWithholdingItsSecretUntilTheLastBlockCannotMakeTheIntermediaryLose) {
  // Two channels of one intermediary I: upstream U -> I (nonce 0, I is participant 1) and downstream
  // I -> R (nonce 1, I is participant 0), with expiry_in = expiry_out + min_cltv_delta. R reveals at
  // expiry_out - 1, the last block that still claims.
  const u64 expiry_out = height + 300;
  const u64 expiry_in = expiry_out + config.min_cltv_delta;
  NetworkAdjudicator a = cn::apply_open(opened(), open_input(1), Env{height}).value();
  const auto close_with_lock = [&](NetworkAdjudicator from, u64 nonce, const LockCondition& condition, u64 expiry,
                                   u64 amount) {
    LockedState state = LockedState{0, {6000, 4000}, {}, 0};
    state = cn::apply_add_lock(OffChainChannel{config, id(nonce), capacity, terms, state},
                               cn::AddLockInput{0, amount, condition, expiry}, Env{height})
                .value()
                .state;
    from = cn::apply_force_close(from, cosigned(state, nonce), Env{height}).value();
    return cn::apply_settle(from, cn::ChannelRef{id(nonce)}, Env{height + config.dispute_period_blocks}).value();
  };
  const auto intermediary_gain = [&](const NetworkAdjudicator& end) {
    // I is participant 1 upstream (receiver of 1010) and participant 0 downstream (sender of 1000).
    const auto& up = end.channels[0].state.balances;
    const auto& down = end.channels[1].state.balances;
    return static_cast<long long>(up[1]) - 4000 + static_cast<long long>(down[0]) - 6000;
  };

  {  // HTLC: R's revelation registers SHA256(r) for both hops at once.
    const Hash32 r = preimage(11);
    NetworkAdjudicator h = close_with_lock(a, 0, htlc(r), expiry_in, 1010);
    h = close_with_lock(h, 1, htlc(r), expiry_out, 1000);
    h = cn::apply_reveal_secret(h, cn::RevealInput{htlc(r), r}, Env{expiry_out - 1}).value();
    h = cn::apply_resolve_lock(h, cn::ResolveInput{id(1), 0}, Env{expiry_out}).value();
    h = cn::apply_resolve_lock(h, cn::ResolveInput{id(0), 0}, Env{expiry_in + 5}).value();
    EXPECT_EQ(intermediary_gain(h), 10);  // its fee
  }
  {  // PTLC: I learns t_out at expiry_out - 1 and has min_cltv_delta blocks to reveal t_in = t_out + y.
    const std::vector<Hash32> tweaks{scalar_bytes(501), scalar_bytes(502)};
    const cn::PointLocks locks = cn::point_locks(tweaks).value();
    NetworkAdjudicator p = close_with_lock(a, 0, locks.conditions[0], expiry_in, 1010);
    p = close_with_lock(p, 1, locks.conditions[1], expiry_out, 1000);
    p = cn::apply_reveal_secret(p, cn::RevealInput{locks.conditions[1], tweaks[1]}, Env{expiry_out - 1}).value();
    const Hash32 t_in = cn::upstream_secret(tweaks[1], tweaks[0]);
    // Its last chance is expiry_in - 1; it acts within the censorship bound, well before.
    p = cn::apply_reveal_secret(p, cn::RevealInput{locks.conditions[0], t_in},
                                Env{expiry_out - 1 + config.censorship_bound_blocks})
            .value();
    p = cn::apply_resolve_lock(p, cn::ResolveInput{id(1), 0}, Env{expiry_in}).value();
    p = cn::apply_resolve_lock(p, cn::ResolveInput{id(0), 0}, Env{expiry_in}).value();
    EXPECT_EQ(intermediary_gain(p), 10);
  }
}

TEST_F(ChannelNetworkTest, ConservationHoldsThroughEveryOnChainOp) {
  const Hash32 r = preimage(1);
  NetworkAdjudicator a = opened();
  const auto total = [](const NetworkAdjudicator& x) { return locked_total(only(x).state); };
  EXPECT_EQ(total(a), capacity);
  LockedState two = with_lock(htlc(r), height + 300, 1000, 0);
  two = cn::apply_add_lock(off_chain(two), cn::AddLockInput{1, 500, htlc(preimage(2)), height + 200}, Env{height})
            .value()
            .state;
  a = cn::apply_force_close(a, cosigned(two), Env{height}).value();
  EXPECT_EQ(total(a), capacity);
  a = cn::apply_settle(a, cn::ChannelRef{id()}, Env{height + 144}).value();
  a = cn::apply_reveal_secret(a, cn::RevealInput{htlc(r), r}, Env{height + 150}).value();
  a = cn::apply_resolve_lock(a, cn::ResolveInput{id(), 0}, Env{height + 150}).value();
  EXPECT_EQ(total(a), capacity);
  a = cn::apply_resolve_lock(a, cn::ResolveInput{id(), 1}, Env{height + 200}).value();
  EXPECT_EQ(total(a), capacity);
  L2_EXPECT_FIELDS_EQ(only(a).state.balances, (std::array<u64, 2>{5000, 5000}));
}

}  // namespace
