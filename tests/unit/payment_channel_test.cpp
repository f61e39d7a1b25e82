// The payment-channel adjudicator with real BIP-340 signatures: every rule accepts and rejects, the
// named attacks fail (spec: payment_channel.md#attacks-considered), and a rejected input leaves the
// adjudicator exactly as it was. Signatures
// and tagged hashes are also produced by libsecp256k1 (an independent implementation), so the
// digest layout and the signature check are not only tested against themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "l2/ref/encoding.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
namespace oracle = l2::test::libsecp256k1;
using payment_channel::Adjudicator;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::OffChainTransaction;

using Outcome = l2::Result<Adjudicator, ChannelError>;

constexpr u64 chain = 7;
constexpr u64 open_height = 100;
constexpr u64 timeout_height = 1100;  // open_height + channel_timeout_blocks
constexpr u64 force_height = 200;
constexpr u64 deadline = 344;  // force_height + dispute_period_blocks

enum class Digest { state, close };

class PaymentChannelTest : public ::testing::Test {
 protected:
  PaymentChannelTest() {
    const Bytes seed = l2::bytes_of("payment_channel_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = l2::ref::bip340::pubkey_from_secret(secret[i]).value();
    }
    empty = payment_channel::deploy(payment_channel::DeployInput{chain, l2::ref::tagged_hash("test/adjudicator", seed), config()}).value();
  }

  // The vectors' configuration (payment_channel.md#vector-operations).
  static payment_channel::Layer2Config config() { return payment_channel::Layer2Config{2, 1000, 144, 1000, 1'000'000, 6, 100}; }

  Hash32 id(u64 nonce = 0, u64 on_chain = chain) const {
    return payment_channel::channel_id(on_chain, empty.adjudicator_id, {key[0], key[1]}, nonce);
  }
  // An open of signers (first, second): both sign its sequence-0 state.
  payment_channel::OpenInput signed_open(std::size_t first, std::size_t second, u64 nonce = 0,
                            std::array<u64, 2> balances = {6000, 4000}, u64 capacity = 10000) const {
    const std::array<Hash32, 2> participants{key[first], key[second]};
    const Hash32 opening =
        payment_channel::state_digest(chain, payment_channel::channel_id(chain, empty.adjudicator_id, participants, nonce), 0, balances);
    return payment_channel::OpenInput{participants, balances, capacity, nonce, {sign(first, opening), sign(second, opening)}};
  }
  payment_channel::OpenInput open_input(u64 nonce = 0, std::array<u64, 2> balances = {6000, 4000}, u64 capacity = 10000) const {
    return signed_open(0, 1, nonce, balances, capacity);
  }
  // What an open's participants sign: the sequence-0 state of the channel it derives.
  Hash32 opening_digest(const payment_channel::OpenInput& in) const {
    return payment_channel::state_digest(chain, payment_channel::channel_id(chain, empty.adjudicator_id, in.participants, in.nonce), 0, in.balances);
  }
  Adjudicator opened(u64 nonce = 0) const { return payment_channel::apply_open(empty, open_input(nonce), Env{open_height}).value(); }
  Adjudicator active(u64 nonce = 0) const { return activate(opened(nonce), nonce); }
  Adjudicator activate(const Adjudicator& a, u64 nonce = 0) const {
    const u64 capacity = a.channels.at(*payment_channel::find_channel(a, id(nonce))).total_capacity;
    return payment_channel::apply_fund(a, payment_channel::FundInput{id(nonce), capacity}, Env{open_height + 1}).value();
  }

  // Signed with libsecp256k1 so that the reference's verification is checked against an independent signer.
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  OffChainTransaction cosigned(u64 sequence, std::array<u64, 2> balances, Digest kind = Digest::state, u64 nonce = 0,
                               u64 signed_chain = chain) const {
    const Hash32 d = kind == Digest::close ? payment_channel::close_digest(signed_chain, id(nonce), sequence, balances)
                                           : payment_channel::state_digest(signed_chain, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {sign(0, d), sign(1, d)}};
  }
  Adjudicator force_closed(std::array<u64, 2> balances = {9000, 1000}, u64 sequence = 1) const {
    return payment_channel::apply_force_close(active(), cosigned(sequence, balances), Env{force_height}).value();
  }

  Hash32 secret[4]{};
  Hash32 key[4]{};  // 0 and 1 open the channels; 2 and 3 are outsiders
  Adjudicator empty{};
};

const payment_channel::PaymentChannel& only(const Adjudicator& a) { return a.channels.at(0); }

// A rejection names the expected code and leaves the pre-state untouched (compared with a copy
// taken before the call, field by field and by its state root).
template <class Apply>
void expect_rejected(const Adjudicator& state, ChannelError expected, Apply apply) {
  const Adjudicator before = state;
  const Hash32 root_before = payment_channel::state_root(state);
  const Outcome result = apply(state);
  ASSERT_FALSE(result.ok()) << "expected " << l2::error_info(expected).code;
  EXPECT_EQ(l2::error_info(result.error()).code, l2::error_info(expected).code);
  L2_EXPECT_FIELDS_EQ(before, state);
  EXPECT_EQ(payment_channel::state_root(state), root_before);
}

// ---- identifiers and digests ----

TEST_F(PaymentChannelTest, DigestsHashTheDocumentedBytes) {
  // 8-byte chain_id || 32-byte channel_id || 8-byte sequence || 8 + 8 bytes of balances, big-endian.
  Bytes body;
  l2::put_u64_be(body, chain);
  l2::append(body, id());
  l2::put_u64_be(body, 5);
  l2::put_u64_be(body, 0x0102030405060708);
  l2::put_u64_be(body, l2::u64_max);
  ASSERT_EQ(body.size(), 64u);
  EXPECT_EQ(payment_channel::state_digest(chain, id(), 5, {0x0102030405060708, l2::u64_max}),
            oracle::tagged_hash("L2/payment_channel/state", body));
  EXPECT_EQ(payment_channel::close_digest(chain, id(), 5, {0x0102030405060708, l2::u64_max}),
            oracle::tagged_hash("L2/payment_channel/close", body));

  Bytes preimage;
  l2::put_u64_be(preimage, chain);
  l2::append(preimage, empty.adjudicator_id);
  l2::append(preimage, key[0]);
  l2::append(preimage, key[1]);
  l2::put_u64_be(preimage, 9);
  ASSERT_EQ(preimage.size(), 112u);
  EXPECT_EQ(payment_channel::channel_id(chain, empty.adjudicator_id, {key[0], key[1]}, 9),
            oracle::tagged_hash("L2/payment_channel/id", preimage));
}

TEST_F(PaymentChannelTest, StateRootHashesTheCanonicalEncoding) {
  const Adjudicator a = active();
  EXPECT_EQ(payment_channel::state_root(a), oracle::tagged_hash("L2/payment_channel/adjudicator", l2::reflect::encode(a)));
  EXPECT_NE(payment_channel::state_root(a), payment_channel::state_root(opened()));
}

TEST_F(PaymentChannelTest, ReferenceSignaturesVerifyUnderLibsecp256k1) {
  const Hash32 d = payment_channel::state_digest(chain, id(), 1, {1, 9999});
  const auto signature = l2::ref::bip340::sign(secret[0], d, Hash32{}).value();
  EXPECT_TRUE(oracle::verify(key[0], d, signature));
  EXPECT_TRUE(payment_channel::Bip340Check{}(key[0], d, signature));
  EXPECT_FALSE(payment_channel::Bip340Check{}(key[1], d, signature));
}

// ---- error codes match the spec's rule tables ----

TEST(PaymentChannelErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_channel_errors, "payment_channel.md", "PC");
}

// ---- deploy [PC-DEPLOY-1, PC-DEPLOY-2, PC-DEPLOY-3, PC-DEPLOY-4, PC-DEPLOY-5, PC-DEPLOY-6] ----

ChannelError deploy_error(const payment_channel::Layer2Config& config) {
  const Outcome r = payment_channel::deploy(payment_channel::DeployInput{chain, Hash32{1}, config});
  return r.ok() ? ChannelError::none : r.error();
}

TEST_F(PaymentChannelTest, DeployCreatesAnEmptyAdjudicator) {
  const Outcome deployed = payment_channel::deploy(payment_channel::DeployInput{chain, empty.adjudicator_id, config()});
  ASSERT_TRUE(deployed.ok());
  EXPECT_EQ(deployed.value().chain_id, chain);
  EXPECT_EQ(deployed.value().adjudicator_id, empty.adjudicator_id);
  L2_EXPECT_FIELDS_EQ(deployed.value().config, config());
  EXPECT_TRUE(deployed.value().channels.empty());
  // The root by hand (encoding.md): chain_id, adjudicator_id, the seven config fields in the order
  // of payment_channel.md#layer2config, and a u32 count of zero channels; hashed by libsecp256k1.
  Bytes encoded;
  l2::put_u64_be(encoded, chain);
  l2::append(encoded, empty.adjudicator_id);
  for (const u64 field : {u64{2}, u64{1000}, u64{144}, u64{1000}, u64{1'000'000}, u64{6}, u64{100}})
    l2::put_u64_be(encoded, field);
  for (int i = 0; i < 4; ++i) encoded.push_back(0);
  ASSERT_EQ(encoded.size(), 8u + 32u + 7u * 8u + 4u);
  EXPECT_EQ(payment_channel::state_root(deployed.value()), oracle::tagged_hash("L2/payment_channel/adjudicator", encoded));
}

// Each bound at -1, 0 and +1, every other field valid; each window against a censorship bound of 6.
TEST_F(PaymentChannelTest, DeployRuleBoundaries) {
  struct Case {
    const char* what;
    u64 payment_channel::Layer2Config::*field;
    u64 value;
    ChannelError expected;
  };
  const Case cases[] = {
      {"censorship bound 0", &payment_channel::Layer2Config::censorship_bound_blocks, 0, ChannelError::config_censorship_bound},
      {"censorship bound 1", &payment_channel::Layer2Config::censorship_bound_blocks, 1, ChannelError::none},
      {"censorship bound 2", &payment_channel::Layer2Config::censorship_bound_blocks, 2, ChannelError::none},
      {"censorship bound UINT64_MAX", &payment_channel::Layer2Config::censorship_bound_blocks, l2::u64_max,
       ChannelError::config_dispute_period},
      {"dispute period 0", &payment_channel::Layer2Config::dispute_period_blocks, 0, ChannelError::config_dispute_period},
      {"dispute period bound - 1", &payment_channel::Layer2Config::dispute_period_blocks, 5, ChannelError::config_dispute_period},
      {"dispute period = bound", &payment_channel::Layer2Config::dispute_period_blocks, 6, ChannelError::config_dispute_period},
      {"dispute period bound + 1", &payment_channel::Layer2Config::dispute_period_blocks, 7, ChannelError::none},
      {"channel timeout bound - 1", &payment_channel::Layer2Config::channel_timeout_blocks, 5, ChannelError::config_channel_timeout},
      {"channel timeout = bound", &payment_channel::Layer2Config::channel_timeout_blocks, 6, ChannelError::config_channel_timeout},
      {"channel timeout bound + 1", &payment_channel::Layer2Config::channel_timeout_blocks, 7, ChannelError::none},
      {"min capacity 0", &payment_channel::Layer2Config::min_channel_capacity, 0, ChannelError::config_capacity_range},
      {"min capacity 1", &payment_channel::Layer2Config::min_channel_capacity, 1, ChannelError::none},
      {"min capacity = max - 1", &payment_channel::Layer2Config::min_channel_capacity, 999'999, ChannelError::none},
      {"min capacity = max", &payment_channel::Layer2Config::min_channel_capacity, 1'000'000, ChannelError::none},
      {"min capacity = max + 1", &payment_channel::Layer2Config::min_channel_capacity, 1'000'001, ChannelError::config_capacity_range},
      {"max capacity = min - 1", &payment_channel::Layer2Config::max_channel_capacity, 999, ChannelError::config_capacity_range},
      {"max capacity = min", &payment_channel::Layer2Config::max_channel_capacity, 1000, ChannelError::none},
      {"channel limit 0", &payment_channel::Layer2Config::max_channels_per_user, 0, ChannelError::config_channel_limit},
      {"channel limit 1", &payment_channel::Layer2Config::max_channels_per_user, 1, ChannelError::none},
      {"allocation window bound - 1", &payment_channel::Layer2Config::allocation_window_blocks, 5, ChannelError::config_allocation_window},
      {"allocation window = bound", &payment_channel::Layer2Config::allocation_window_blocks, 6, ChannelError::config_allocation_window},
      {"allocation window bound + 1", &payment_channel::Layer2Config::allocation_window_blocks, 7, ChannelError::none},
  };
  for (const Case& c : cases) {
    payment_channel::Layer2Config changed = config();
    changed.*c.field = c.value;
    EXPECT_EQ(l2::error_info(deploy_error(changed)).code, l2::error_info(c.expected).code) << c.what;
    EXPECT_EQ(payment_channel::check_config(changed), deploy_error(changed)) << c.what;
  }
}

// Of two broken rules, deploy reports the one the spec lists first.
TEST_F(PaymentChannelTest, DeployReportsTheFirstBrokenRule) {
  const auto broken = [](payment_channel::Layer2Config c, std::size_t rule) {
    switch (rule) {
      case 1: c.censorship_bound_blocks = 0; break;
      case 2: c.dispute_period_blocks = c.censorship_bound_blocks; break;
      case 3: c.channel_timeout_blocks = c.censorship_bound_blocks; break;
      case 4: c.min_channel_capacity = c.max_channel_capacity + 1; break;
      case 5: c.max_channels_per_user = 0; break;
      default: c.allocation_window_blocks = c.censorship_bound_blocks; break;
    }
    return c;
  };
  const ChannelError rule_error[] = {ChannelError::none,
                                     ChannelError::config_censorship_bound,
                                     ChannelError::config_dispute_period,
                                     ChannelError::config_channel_timeout,
                                     ChannelError::config_capacity_range,
                                     ChannelError::config_channel_limit,
                                     ChannelError::config_allocation_window};
  for (std::size_t first = 1; first <= 6; ++first) {
    EXPECT_EQ(deploy_error(broken(config(), first)), rule_error[first]) << "rule " << first;
    for (std::size_t second = first + 1; second <= 6; ++second)
      EXPECT_EQ(deploy_error(broken(broken(config(), first), second)), rule_error[first]) << first << " and " << second;
  }
}

// PC-DEPLOY-2 and -3 are what make the windows work: with each window at its smallest (bound + 1),
// an honest answer sent after the block that opened the window lands inside it.
TEST_F(PaymentChannelTest, TheSmallestWindowsStillAdmitAnHonestAnswer) {
  payment_channel::Layer2Config tight = config();
  tight.dispute_period_blocks = tight.censorship_bound_blocks + 1;
  tight.channel_timeout_blocks = tight.censorship_bound_blocks + 1;
  const u64 bound = tight.censorship_bound_blocks;
  Adjudicator a = payment_channel::deploy(payment_channel::DeployInput{chain, empty.adjudicator_id, tight}).value();
  a = payment_channel::apply_open(a, open_input(), Env{open_height}).value();
  // The funder saw the open at open_height: its fund lands by open_height + bound.
  a = payment_channel::apply_fund(a, payment_channel::FundInput{id(), 10000}, Env{open_height + bound}).value();
  a = payment_channel::apply_force_close(a, cosigned(1, {9000, 1000}), Env{force_height}).value();
  expect_rejected(a, ChannelError::challenge_too_late,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(2, {2000, 8000}), Env{force_height + bound + 1}); });
  a = payment_channel::apply_challenge(a, cosigned(2, {2000, 8000}), Env{force_height + bound}).value();
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{2000, 8000}));
}

// ---- open [PC-OPEN-1, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5, PC-BAL-1, PC-BAL-2, PC-SIG-1, PC-SIG-2] ----

TEST_F(PaymentChannelTest, OpenRegistersAnOpeningChannel) {
  const Adjudicator a = opened();
  const payment_channel::PaymentChannel& c = only(a);
  EXPECT_EQ(c.channel_id, id());
  EXPECT_EQ(c.state, ChannelState::opening);
  EXPECT_EQ(c.sequence, 0u);
  EXPECT_EQ(c.created_at, open_height);
  EXPECT_EQ(c.timeout_height, timeout_height);
  EXPECT_EQ(c.balances, (std::array<u64, 2>{6000, 4000}));
  EXPECT_EQ(c.total_capacity, 10000u);
  EXPECT_EQ(c.participants, (std::array<Hash32, 2>{key[0], key[1]}));
  EXPECT_EQ(c.dispute_deadline, 0u);
}

TEST_F(PaymentChannelTest, OpenRejections) {
  expect_rejected(empty, ChannelError::same_participants,
                  [&](const Adjudicator& a) { return payment_channel::apply_open(a, signed_open(0, 0), Env{open_height}); });
  expect_rejected(empty, ChannelError::balance_overflow, [&](const Adjudicator& a) {
    return payment_channel::apply_open(a, open_input(0, {l2::u64_max, 1}, 0), Env{open_height});
  });
  expect_rejected(empty, ChannelError::balance_mismatch, [&](const Adjudicator& a) {
    return payment_channel::apply_open(a, open_input(0, {6000, 4000}, 10001), Env{open_height});
  });
  expect_rejected(empty, ChannelError::balance_mismatch, [&](const Adjudicator& a) {
    return payment_channel::apply_open(a, open_input(0, {6000, 4000}, 9999), Env{open_height});
  });
  expect_rejected(empty, ChannelError::capacity_too_small, [&](const Adjudicator& a) {
    return payment_channel::apply_open(a, open_input(0, {999, 0}, 999), Env{open_height});
  });
  expect_rejected(empty, ChannelError::capacity_too_large, [&](const Adjudicator& a) {
    return payment_channel::apply_open(a, open_input(0, {1'000'001, 0}, 1'000'001), Env{open_height});
  });
  EXPECT_TRUE(payment_channel::apply_open(empty, open_input(0, {1000, 0}, 1000), Env{open_height}).ok());
  EXPECT_TRUE(payment_channel::apply_open(empty, open_input(0, {1001, 0}, 1001), Env{open_height}).ok());
  EXPECT_TRUE(payment_channel::apply_open(empty, open_input(0, {0, 999'999}, 999'999), Env{open_height}).ok());
  EXPECT_TRUE(payment_channel::apply_open(empty, open_input(0, {0, 1'000'000}, 1'000'000), Env{open_height}).ok());

  const Adjudicator two = payment_channel::apply_open(opened(1), open_input(2), Env{open_height}).value();
  expect_rejected(two, ChannelError::too_many_channels,
                  [&](const Adjudicator& a) { return payment_channel::apply_open(a, open_input(3), Env{open_height}); });
  // The limit is per key: participant 1 with a fresh partner is also at its limit.
  expect_rejected(two, ChannelError::too_many_channels,
                  [&](const Adjudicator& a) { return payment_channel::apply_open(a, signed_open(2, 1), Env{open_height}); });
  EXPECT_TRUE(payment_channel::apply_open(two, signed_open(2, 3), Env{open_height}).ok());
  expect_rejected(opened(4), ChannelError::duplicate_channel,
                  [&](const Adjudicator& a) { return payment_channel::apply_open(a, open_input(4), Env{open_height + 5}); });
}

TEST_F(PaymentChannelTest, SettledAndClosedChannelsFreeTheirSlot) {
  Adjudicator a = payment_channel::apply_open(active(1), open_input(2), Env{open_height}).value();
  a = payment_channel::apply_cooperative_close(a, cosigned(1, {5000, 5000}, Digest::close, 1), Env{110}).value();
  a = payment_channel::apply_timeout(a, payment_channel::ChannelRef{id(2)}, Env{timeout_height}).value();
  EXPECT_EQ(a.channels[1].state, ChannelState::closed);
  a = payment_channel::apply_open(a, open_input(3), Env{timeout_height}).value();
  EXPECT_TRUE(payment_channel::apply_open(a, open_input(4), Env{timeout_height}).ok());
}

// ---- signed opens [PC-SIG-1, PC-SIG-2 over the sequence-0 state] ----

TEST_F(PaymentChannelTest, OpenNeedsBothSignaturesOfTheOpeningState) {
  const Hash32 opening = payment_channel::state_digest(chain, id(), 0, {6000, 4000});
  const auto with = [&](const payment_channel::Signature& s0, const payment_channel::Signature& s1) {
    payment_channel::OpenInput in = open_input();
    in.signatures = {s0, s1};
    return in;
  };
  ASSERT_TRUE(payment_channel::apply_open(empty, with(sign(0, opening), sign(1, opening)), Env{open_height}).ok());
  struct Case {
    const char* what;
    payment_channel::OpenInput input;
    ChannelError expected;
  };
  const Hash32 other_split = payment_channel::state_digest(chain, id(), 0, {5000, 5000});
  const Hash32 other_sequence = payment_channel::state_digest(chain, id(), 1, {6000, 4000});
  const Hash32 as_close = payment_channel::close_digest(chain, id(), 0, {6000, 4000});
  const Hash32 other_nonce = payment_channel::state_digest(chain, id(1), 0, {6000, 4000});
  const Hash32 other_chain = payment_channel::state_digest(chain + 1, id(0, chain + 1), 0, {6000, 4000});
  const Case cases[] = {
      {"no signatures", with({}, {}), ChannelError::bad_signature_0},
      {"only participant 0's", with(sign(0, opening), {}), ChannelError::bad_signature_1},
      {"participant 0's in both slots", with(sign(0, opening), sign(0, opening)), ChannelError::bad_signature_1},
      {"participant 1's in both slots", with(sign(1, opening), sign(1, opening)), ChannelError::bad_signature_0},
      {"swapped", with(sign(1, opening), sign(0, opening)), ChannelError::bad_signature_0},
      {"an outsider in slot 0", with(sign(2, opening), sign(1, opening)), ChannelError::bad_signature_0},
      {"an outsider in slot 1", with(sign(0, opening), sign(2, opening)), ChannelError::bad_signature_1},
      {"another split of the capacity", with(sign(0, other_split), sign(1, other_split)), ChannelError::bad_signature_0},
      {"participant 1 signed another split", with(sign(0, opening), sign(1, other_split)), ChannelError::bad_signature_1},
      {"sequence 1 instead of 0", with(sign(0, other_sequence), sign(1, other_sequence)), ChannelError::bad_signature_0},
      {"the close tag", with(sign(0, as_close), sign(1, as_close)), ChannelError::bad_signature_0},
      {"another nonce's channel", with(sign(0, other_nonce), sign(1, other_nonce)), ChannelError::bad_signature_0},
      {"another chain", with(sign(0, other_chain), sign(1, other_chain)), ChannelError::bad_signature_0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    expect_rejected(empty, c.expected, [&](const Adjudicator& a) { return payment_channel::apply_open(a, c.input, Env{open_height}); });
  }
  // Signed balances moved to the other participant: the same capacity, a split nobody signed.
  payment_channel::OpenInput moved = open_input();
  moved.balances = {4000, 6000};
  expect_rejected(empty, ChannelError::bad_signature_0,
                  [&](const Adjudicator& a) { return payment_channel::apply_open(a, moved, Env{open_height}); });
}

// Signatures come last: an open that is unsigned and also breaks another rule gets that rule's code.
TEST_F(PaymentChannelTest, OpenChecksSignaturesAfterEveryOtherRule) {
  const auto unsigned_open = [&](payment_channel::OpenInput in) {
    in.signatures = {};
    return in;
  };
  const auto open_with = [&](const payment_channel::OpenInput& in) {
    return [in](const Adjudicator& a) { return payment_channel::apply_open(a, in, Env{open_height}); };
  };
  expect_rejected(empty, ChannelError::same_participants, open_with(unsigned_open(signed_open(0, 0))));
  expect_rejected(empty, ChannelError::balance_overflow, open_with(unsigned_open(open_input(0, {l2::u64_max, 1}, 0))));
  expect_rejected(empty, ChannelError::balance_mismatch, open_with(unsigned_open(open_input(0, {6000, 4000}, 10001))));
  expect_rejected(empty, ChannelError::capacity_too_small, open_with(unsigned_open(open_input(0, {999, 0}, 999))));
  expect_rejected(empty, ChannelError::capacity_too_large,
                  open_with(unsigned_open(open_input(0, {1'000'001, 0}, 1'000'001))));
  const Adjudicator two = payment_channel::apply_open(opened(1), open_input(2), Env{open_height}).value();
  expect_rejected(two, ChannelError::too_many_channels, open_with(unsigned_open(open_input(3))));
  expect_rejected(opened(), ChannelError::duplicate_channel, open_with(unsigned_open(open_input())));
}

// Anyone may submit a signed open. A copy submitted first (a front-runner) registers exactly the
// channel the participants signed; whichever comes second fails PC-OPEN-5 and changes nothing,
// and the signed open cannot register its channel again once it has ended.
TEST_F(PaymentChannelTest, ACopiedOpenIsAHarmlessDuplicate) {
  const Adjudicator first = payment_channel::apply_open(empty, open_input(), Env{open_height}).value();
  const Adjudicator copy_first = payment_channel::apply_open(empty, payment_channel::OpenInput(open_input()), Env{open_height}).value();
  L2_EXPECT_FIELDS_EQ(first, copy_first);
  expect_rejected(first, ChannelError::duplicate_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_open(s, open_input(), Env{open_height}); });
  expect_rejected(first, ChannelError::duplicate_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_open(s, open_input(), Env{open_height + 500}); });
  const Adjudicator closed = payment_channel::apply_timeout(first, payment_channel::ChannelRef{id()}, Env{timeout_height}).value();
  expect_rejected(closed, ChannelError::duplicate_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_open(s, open_input(), Env{timeout_height + 1}); });
  Adjudicator settled = payment_channel::apply_cooperative_close(active(), cosigned(1, {5000, 5000}, Digest::close), Env{110}).value();
  expect_rejected(settled, ChannelError::duplicate_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_open(s, open_input(), Env{111}); });
}

// Quota squatting (review finding 3): an outsider (key 2) opens channels naming the victim (key 0)
// in either slot, with every signature but the victim's. None registers, so the victim's quota is
// untouched and both of its own opens (max_channels_per_user = 2) succeed.
TEST_F(PaymentChannelTest, AnOpenWithoutAKeysSignatureCannotUseItsQuota) {
  for (u64 nonce = 0; nonce < 4; ++nonce) {
    payment_channel::OpenInput victim_first = signed_open(0, 2, nonce);
    victim_first.signatures[0] = sign(3, opening_digest(victim_first));
    payment_channel::OpenInput victim_second = signed_open(2, 0, nonce);
    victim_second.signatures[1] = sign(2, opening_digest(victim_second));
    payment_channel::OpenInput victim_unsigned = signed_open(2, 0, nonce);
    victim_unsigned.signatures[1] = {};
    expect_rejected(empty, ChannelError::bad_signature_0,
                    [&](const Adjudicator& s) { return payment_channel::apply_open(s, victim_first, Env{open_height}); });
    expect_rejected(empty, ChannelError::bad_signature_1,
                    [&](const Adjudicator& s) { return payment_channel::apply_open(s, victim_second, Env{open_height}); });
    expect_rejected(empty, ChannelError::bad_signature_1,
                    [&](const Adjudicator& s) { return payment_channel::apply_open(s, victim_unsigned, Env{open_height}); });
  }
  EXPECT_EQ(payment_channel::live_channels_of(empty, key[0]), 0u);
  Adjudicator a = payment_channel::apply_open(empty, open_input(1), Env{open_height}).value();
  a = payment_channel::apply_open(a, open_input(2), Env{open_height}).value();
  EXPECT_EQ(payment_channel::live_channels_of(a, key[0]), 2u);
}

// The opening balances are the co-signed sequence-0 state: its signatures publish it in a dispute,
// and a counterparty cannot open with a split the other did not sign (review finding 4).
TEST_F(PaymentChannelTest, TheOpeningSignaturesAreTheSequence0State) {
  const payment_channel::OpenInput in = open_input();
  const Adjudicator a =
      payment_channel::apply_force_close(active(), OffChainTransaction{id(), 0, in.balances, in.signatures}, Env{force_height}).value();
  EXPECT_EQ(only(a).state, ChannelState::disputing);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{6000, 4000}));
  // Participant 0 alone cannot register its preferred split: participant 1's slot fails.
  const Hash32 preferred = payment_channel::state_digest(chain, id(), 0, {10000, 0});
  payment_channel::OpenInput greedy = open_input(0, {10000, 0});
  greedy.signatures = {sign(0, preferred), in.signatures[1]};
  expect_rejected(empty, ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return payment_channel::apply_open(s, greedy, Env{open_height}); });
}

// ---- fund [PC-CHAN-1, PC-FUND-1, PC-FUND-2, PC-FUND-3] ----

TEST_F(PaymentChannelTest, FundActivatesBeforeTimeout) {
  const Adjudicator a = payment_channel::apply_fund(opened(), payment_channel::FundInput{id(), 10000}, Env{timeout_height - 1}).value();
  EXPECT_EQ(only(a).state, ChannelState::active);
  // Nothing else of the channel changes.
  payment_channel::PaymentChannel expected = only(opened());
  expected.state = ChannelState::active;
  L2_EXPECT_FIELDS_EQ(expected, only(a));
  expect_rejected(opened(), ChannelError::funding_expired, [&](const Adjudicator& s) {
    return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 10000}, Env{timeout_height});
  });
  expect_rejected(opened(), ChannelError::funding_expired, [&](const Adjudicator& s) {
    return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 10000}, Env{timeout_height + 1});
  });
  // A second payment for the same channel is refused: value is taken once.
  expect_rejected(a, ChannelError::fund_not_opening,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 10000}, Env{102}); });
  expect_rejected(a, ChannelError::unknown_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(1), 10000}, Env{102}); });
}

TEST_F(PaymentChannelTest, FundValueIsExactlyTheCapacity) {
  expect_rejected(opened(), ChannelError::fund_wrong_amount,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 9999}, Env{102}); });
  EXPECT_TRUE(payment_channel::apply_fund(opened(), payment_channel::FundInput{id(), 10000}, Env{102}).ok());
  expect_rejected(opened(), ChannelError::fund_wrong_amount,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 10001}, Env{102}); });
  expect_rejected(opened(), ChannelError::fund_wrong_amount,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 0}, Env{102}); });
  expect_rejected(opened(), ChannelError::fund_wrong_amount,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), l2::u64_max}, Env{102}); });
  // The order is PC-FUND-1, PC-FUND-2, PC-FUND-3: a late or repeated payment of a wrong value
  // reports the phase or the height.
  expect_rejected(active(), ChannelError::fund_not_opening,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 9999}, Env{102}); });
  expect_rejected(opened(), ChannelError::funding_expired,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 9999}, Env{timeout_height}); });
  // At the top of the range: UINT64_MAX - 1 and UINT64_MAX (the capacity).
  Adjudicator unbounded = empty;
  unbounded.config.max_channel_capacity = l2::u64_max;
  const Adjudicator big = payment_channel::apply_open(unbounded, open_input(0, {l2::u64_max, 0}, l2::u64_max), Env{open_height}).value();
  expect_rejected(big, ChannelError::fund_wrong_amount,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), l2::u64_max - 1}, Env{102}); });
  EXPECT_TRUE(payment_channel::apply_fund(big, payment_channel::FundInput{id(), l2::u64_max}, Env{102}).ok());
}

// ---- update [PC-UPD-1, PC-UPD-2, PC-SIG-1, PC-SIG-2] ----

TEST_F(PaymentChannelTest, UpdateRegistersNewerCosignedStates) {
  Adjudicator a = payment_channel::apply_update(active(), cosigned(1, {5000, 5000}), Env{110}).value();
  a = payment_channel::apply_update(a, cosigned(9, {0, 10000}), Env{111}).value();
  EXPECT_EQ(only(a).sequence, 9u);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{0, 10000}));
  EXPECT_EQ(only(a).state, ChannelState::active);

  expect_rejected(a, ChannelError::stale_sequence,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(9, {1, 9999}), Env{112}); });
  expect_rejected(a, ChannelError::stale_sequence,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(8, {1, 9999}), Env{112}); });
  expect_rejected(opened(), ChannelError::update_not_active,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(1, {5000, 5000}), Env{112}); });
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return payment_channel::apply_update(s, cosigned(1, {5000, 5000}, Digest::state, 3), Env{112});
  });
}

TEST_F(PaymentChannelTest, BalancesMustSumToCapacityExactly) {
  expect_rejected(active(), ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(1, {5001, 5000}), Env{110}); });
  expect_rejected(active(), ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(1, {4999, 5000}), Env{110}); });
  EXPECT_TRUE(payment_channel::apply_update(active(), cosigned(1, {10000, 0}), Env{110}).ok());
}

TEST_F(PaymentChannelTest, BalancesAtUint64Max) {
  Adjudicator unbounded = empty;
  unbounded.config.max_channel_capacity = l2::u64_max;
  Adjudicator a = payment_channel::apply_open(unbounded, open_input(0, {l2::u64_max, 0}, l2::u64_max), Env{open_height}).value();
  a = activate(a);
  expect_rejected(a, ChannelError::balance_overflow,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(1, {l2::u64_max, 1}), Env{110}); });
  expect_rejected(a, ChannelError::balance_overflow, [&](const Adjudicator& s) {
    return payment_channel::apply_update(s, cosigned(1, {l2::u64_max, l2::u64_max}), Env{110});
  });
  expect_rejected(a, ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, cosigned(1, {l2::u64_max - 2, 1}), Env{110}); });
  a = payment_channel::apply_update(a, cosigned(1, {l2::u64_max - 1, 1}), Env{110}).value();
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{l2::u64_max - 1, 1}));
}

TEST_F(PaymentChannelTest, SignaturesAreBoundToTheirSlotAndSigner) {
  const Hash32 d = payment_channel::state_digest(chain, id(), 1, {9000, 1000});
  const auto with = [&](const payment_channel::Signature& s0, const payment_channel::Signature& s1) {
    return OffChainTransaction{id(), 1, {9000, 1000}, {s0, s1}};
  };
  EXPECT_TRUE(payment_channel::apply_update(active(), with(sign(0, d), sign(1, d)), Env{110}).ok());
  // A duplicated signature: participant 0 signs for both slots.
  expect_rejected(active(), ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, with(sign(0, d), sign(0, d)), Env{110}); });
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, with(sign(1, d), sign(1, d)), Env{110}); });
  // Both signatures present but swapped.
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, with(sign(1, d), sign(0, d)), Env{110}); });
  // An outsider signs in either slot.
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, with(sign(2, d), sign(1, d)), Env{110}); });
  expect_rejected(active(), ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, with(sign(0, d), sign(2, d)), Env{110}); });
  // Signatures of one balance split attached to another.
  OffChainTransaction moved = with(sign(0, d), sign(1, d));
  moved.new_balances = {1000, 9000};
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, moved, Env{110}); });
  OffChainTransaction renumbered = with(sign(0, d), sign(1, d));
  renumbered.sequence_number = 2;
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, renumbered, Env{110}); });
}

TEST_F(PaymentChannelTest, SignaturesDoNotReplayAcrossChannelsOrChains) {
  const Adjudicator both = activate(payment_channel::apply_open(active(1), open_input(2), Env{open_height}).value(), 2);
  OffChainTransaction from_channel_1 = cosigned(1, {9000, 1000}, Digest::state, 1);
  ASSERT_TRUE(payment_channel::apply_update(both, from_channel_1, Env{110}).ok());
  from_channel_1.channel_id = id(2);
  expect_rejected(both, ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, from_channel_1, Env{110}); });

  const OffChainTransaction other_chain = cosigned(1, {9000, 1000}, Digest::state, 0, chain + 1);
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return payment_channel::apply_update(s, other_chain, Env{110}); });
  // The same keys and nonce on another chain or adjudicator give another channel_id.
  EXPECT_NE(id(0, chain + 1), id(0, chain));
  EXPECT_NE(payment_channel::channel_id(chain, Hash32{1}, {key[0], key[1]}, 0), id());
}

// ---- cooperative close [PC-COOP-1, PC-COOP-2] ----

TEST_F(PaymentChannelTest, CooperativeCloseSettlesAtOnce) {
  Adjudicator a = payment_channel::apply_update(active(), cosigned(1, {5000, 5000}), Env{110}).value();
  a = payment_channel::apply_cooperative_close(a, cosigned(2, {2500, 7500}, Digest::close), Env{111}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{2500, 7500}));
  expect_rejected(a, ChannelError::coop_wrong_phase, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(3, {0, 10000}, Digest::close), Env{112});
  });
  expect_rejected(opened(), ChannelError::coop_wrong_phase, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(1, {0, 10000}, Digest::close), Env{112});
  });
  const Adjudicator closed = payment_channel::apply_timeout(opened(), payment_channel::ChannelRef{id()}, Env{timeout_height}).value();
  expect_rejected(closed, ChannelError::coop_wrong_phase, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(1, {0, 10000}, Digest::close), Env{timeout_height});
  });
  expect_rejected(payment_channel::apply_update(active(), cosigned(3, {5000, 5000}), Env{110}).value(), ChannelError::coop_stale_sequence,
                  [&](const Adjudicator& s) {
                    return payment_channel::apply_cooperative_close(s, cosigned(3, {5000, 5000}, Digest::close), Env{111});
                  });
  // An old co-signed state is not a close: the close tag differs.
  expect_rejected(active(), ChannelError::bad_signature_0, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(1, {9000, 1000}, Digest::state), Env{110});
  });
  // ...and a close signature is not a state that could be published in a dispute.
  expect_rejected(active(), ChannelError::bad_signature_0, [&](const Adjudicator& s) {
    return payment_channel::apply_force_close(s, cosigned(1, {9000, 1000}, Digest::close), Env{110});
  });
}

// A dispute both parties want to end: a cooperative close is accepted while disputing, at any
// height (PC-COOP-1), if it is newer than the disputed state (PC-COOP-2).
TEST_F(PaymentChannelTest, CooperativeCloseEndsADisputeBeforeAndAfterTheDeadline) {
  const Adjudicator disputed = force_closed({9000, 1000}, 1);
  for (const u64 height : {force_height, force_height + 1, deadline - 1, deadline, deadline + 1, l2::u64_max}) {
    SCOPED_TRACE(height);
    const Outcome closed = payment_channel::apply_cooperative_close(disputed, cosigned(2, {2500, 7500}, Digest::close), Env{height});
    ASSERT_TRUE(closed.ok());
    payment_channel::PaymentChannel expected = only(disputed);
    expected.state = ChannelState::settled;
    expected.sequence = 2;
    expected.balances = {2500, 7500};  // the deadline stays as it was: nothing reads it once settled
    L2_EXPECT_FIELDS_EQ(expected, only(closed.value()));
    EXPECT_EQ(payment_channel::live_channels_of(closed.value(), key[0]), 0u);
    expect_rejected(closed.value(), ChannelError::settle_not_disputing,
                    [&](const Adjudicator& s) { return payment_channel::apply_settle(s, payment_channel::ChannelRef{id()}, Env{height}); });
    expect_rejected(closed.value(), ChannelError::challenge_not_disputing,
                    [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(3, {0, 10000}), Env{height}); });
  }
  // A dispute that a timeout started ends the same way.
  const Adjudicator timed_out = payment_channel::apply_timeout(active(), payment_channel::ChannelRef{id()}, Env{timeout_height}).value();
  EXPECT_TRUE(payment_channel::apply_cooperative_close(timed_out, cosigned(1, {0, 10000}, Digest::close), Env{timeout_height + 1}).ok());
}

TEST_F(PaymentChannelTest, StaleCooperativeCloseDuringADispute) {
  // The disputed state is sequence 3, published after a challenge: the close must be at least 4.
  const Adjudicator disputed = payment_channel::apply_challenge(force_closed({9000, 1000}, 1), cosigned(3, {4000, 6000}), Env{210}).value();
  for (const u64 stale : {u64{0}, u64{2}, u64{3}}) {
    SCOPED_TRACE(stale);
    expect_rejected(disputed, ChannelError::coop_stale_sequence, [&](const Adjudicator& s) {
      return payment_channel::apply_cooperative_close(s, cosigned(stale, {2500, 7500}, Digest::close), Env{220});
    });
  }
  EXPECT_TRUE(payment_channel::apply_cooperative_close(disputed, cosigned(4, {2500, 7500}, Digest::close), Env{220}).ok());
  // Still the close tag: the newer co-signed state itself is a challenge, not a close.
  expect_rejected(disputed, ChannelError::bad_signature_0, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(4, {2500, 7500}, Digest::state), Env{220});
  });
  expect_rejected(disputed, ChannelError::balance_mismatch, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(4, {2500, 7501}, Digest::close), Env{220});
  });
  // Once settled there is nothing to close.
  const Adjudicator settled = payment_channel::apply_settle(disputed, payment_channel::ChannelRef{id()}, Env{deadline}).value();
  expect_rejected(settled, ChannelError::coop_wrong_phase, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(4, {2500, 7500}, Digest::close), Env{deadline + 1});
  });
}

// ---- force close, challenge, settle [PC-FORCE-1, PC-FORCE-2, PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, PC-SETTLE-1, PC-SETTLE-2] ----

TEST_F(PaymentChannelTest, StaleForceCloseIsAnsweredByAChallenge) {
  // Off chain the parties reached sequence 2 (2000 / 8000). Participant 0 publishes sequence 1.
  Adjudicator a = force_closed({9000, 1000}, 1);
  EXPECT_EQ(only(a).state, ChannelState::disputing);
  EXPECT_EQ(only(a).dispute_deadline, deadline);
  a = payment_channel::apply_challenge(a, cosigned(2, {2000, 8000}), Env{250}).value();
  EXPECT_EQ(only(a).dispute_deadline, deadline) << "a challenge must not move the deadline";
  expect_rejected(a, ChannelError::settle_too_early,
                  [&](const Adjudicator& s) { return payment_channel::apply_settle(s, payment_channel::ChannelRef{id()}, Env{deadline - 1}); });
  a = payment_channel::apply_settle(a, payment_channel::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{2000, 8000}));
  expect_rejected(a, ChannelError::settle_not_disputing,
                  [&](const Adjudicator& s) { return payment_channel::apply_settle(s, payment_channel::ChannelRef{id()}, Env{deadline + 1}); });
  expect_rejected(a, ChannelError::challenge_not_disputing,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(3, {0, 10000}), Env{deadline}); });
}

TEST_F(PaymentChannelTest, ChallengeBeforeAtAndAfterTheDeadline) {
  const Adjudicator a = force_closed();
  EXPECT_TRUE(payment_channel::apply_challenge(a, cosigned(2, {2000, 8000}), Env{deadline - 1}).ok());
  expect_rejected(a, ChannelError::challenge_too_late,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(2, {2000, 8000}), Env{deadline}); });
  expect_rejected(a, ChannelError::challenge_too_late,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(2, {2000, 8000}), Env{deadline + 1}); });
}

TEST_F(PaymentChannelTest, ChallengeRejections) {
  const Adjudicator a = force_closed({9000, 1000}, 3);
  expect_rejected(a, ChannelError::challenge_stale_sequence,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(3, {1000, 9000}), Env{250}); });
  expect_rejected(a, ChannelError::challenge_stale_sequence,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(2, {1000, 9000}), Env{250}); });
  expect_rejected(active(), ChannelError::challenge_not_disputing,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(4, {1000, 9000}), Env{250}); });
  expect_rejected(a, ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, cosigned(4, {1000, 9001}), Env{250}); });
  OffChainTransaction half_signed = cosigned(4, {1000, 9000});
  half_signed.signatures[1][0] ^= 1;
  expect_rejected(a, ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return payment_channel::apply_challenge(s, half_signed, Env{250}); });
}

TEST_F(PaymentChannelTest, RepeatedChallengesCannotStretchTheWindow) {
  Adjudicator a = force_closed();
  for (u64 sequence = 2; sequence <= 6; ++sequence)
    a = payment_channel::apply_challenge(a, cosigned(sequence, {sequence * 1000, 10000 - sequence * 1000}), Env{force_height + sequence}).value();
  EXPECT_EQ(only(a).dispute_deadline, deadline);
  a = payment_channel::apply_settle(a, payment_channel::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{6000, 4000}));
}

TEST_F(PaymentChannelTest, ForceCloseRejections) {
  const Adjudicator registered = payment_channel::apply_update(active(), cosigned(4, {7000, 3000}), Env{110}).value();
  EXPECT_TRUE(payment_channel::apply_force_close(registered, cosigned(4, {7000, 3000}), Env{force_height}).ok());
  expect_rejected(registered, ChannelError::force_stale_sequence,
                  [&](const Adjudicator& s) { return payment_channel::apply_force_close(s, cosigned(3, {9000, 1000}), Env{force_height}); });
  expect_rejected(opened(), ChannelError::force_not_active,
                  [&](const Adjudicator& s) { return payment_channel::apply_force_close(s, cosigned(0, {6000, 4000}), Env{force_height}); });
  expect_rejected(force_closed(), ChannelError::force_not_active,
                  [&](const Adjudicator& s) { return payment_channel::apply_force_close(s, cosigned(2, {6000, 4000}), Env{force_height}); });
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return payment_channel::apply_settle(s, payment_channel::ChannelRef{id(5)}, Env{force_height});
  });
  expect_rejected(active(), ChannelError::settle_not_disputing,
                  [&](const Adjudicator& s) { return payment_channel::apply_settle(s, payment_channel::ChannelRef{id()}, Env{force_height}); });
}

TEST_F(PaymentChannelTest, EveryChannelOpNeedsARegisteredChannel) {
  // PC-CHAN-1 for the ops the tests above do not reach it through: a valid, co-signed state of
  // channel nonce 3, which was never opened, next to a registered channel in the phase the op wants.
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return payment_channel::apply_cooperative_close(s, cosigned(1, {5000, 5000}, Digest::close, 3), Env{110});
  });
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return payment_channel::apply_force_close(s, cosigned(1, {9000, 1000}, Digest::state, 3), Env{force_height});
  });
  expect_rejected(force_closed(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return payment_channel::apply_challenge(s, cosigned(2, {2000, 8000}, Digest::state, 3), Env{force_height + 1});
  });
  expect_rejected(opened(), ChannelError::unknown_channel,
                  [&](const Adjudicator& s) { return payment_channel::apply_timeout(s, payment_channel::ChannelRef{id(3)}, Env{timeout_height}); });
}

// ---- timeout [PC-TIMEOUT-1, PC-TIMEOUT-2] ----

TEST_F(PaymentChannelTest, TimeoutEndsChannelsWithoutTheOtherParty) {
  expect_rejected(opened(), ChannelError::timeout_not_reached,
                  [&](const Adjudicator& s) { return payment_channel::apply_timeout(s, payment_channel::ChannelRef{id()}, Env{timeout_height - 1}); });
  const Adjudicator closed = payment_channel::apply_timeout(opened(), payment_channel::ChannelRef{id()}, Env{timeout_height}).value();
  EXPECT_EQ(only(closed).state, ChannelState::closed);
  expect_rejected(closed, ChannelError::timeout_wrong_phase,
                  [&](const Adjudicator& s) { return payment_channel::apply_timeout(s, payment_channel::ChannelRef{id()}, Env{timeout_height + 1}); });
  expect_rejected(closed, ChannelError::fund_not_opening,
                  [&](const Adjudicator& s) { return payment_channel::apply_fund(s, payment_channel::FundInput{id(), 10000}, Env{timeout_height + 1}); });

  Adjudicator a = payment_channel::apply_timeout(active(), payment_channel::ChannelRef{id()}, Env{timeout_height + 10}).value();
  EXPECT_EQ(only(a).state, ChannelState::disputing);
  EXPECT_EQ(only(a).dispute_deadline, timeout_height + 10 + 144);
  expect_rejected(a, ChannelError::timeout_wrong_phase,
                  [&](const Adjudicator& s) { return payment_channel::apply_timeout(s, payment_channel::ChannelRef{id()}, Env{timeout_height + 20}); });
  // The other party can still answer the registered (opening) state with a newer one.
  a = payment_channel::apply_challenge(a, cosigned(1, {1, 9999}), Env{timeout_height + 11}).value();
  a = payment_channel::apply_settle(a, payment_channel::ChannelRef{id()}, Env{timeout_height + 154}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{1, 9999}));
}

TEST_F(PaymentChannelTest, HeightsSaturateInsteadOfWrapping) {
  const Adjudicator a = payment_channel::apply_open(empty, open_input(), Env{l2::u64_max - 5}).value();
  EXPECT_EQ(only(a).timeout_height, l2::u64_max);
  const Adjudicator b = payment_channel::apply_force_close(active(), cosigned(1, {9000, 1000}), Env{l2::u64_max - 5}).value();
  EXPECT_EQ(only(b).dispute_deadline, l2::u64_max);
  EXPECT_TRUE(payment_channel::apply_settle(b, payment_channel::ChannelRef{id()}, Env{l2::u64_max}).ok());
}

}  // namespace
