// The payment-channel adjudicator with real BIP-340 signatures: every rule accepts and rejects, the
// named attacks fail, and a rejected input leaves the adjudicator exactly as it was. Signatures
// and tagged hashes are also produced by libsecp256k1 (an independent implementation), so the
// digest layout and the signature check are not only tested against themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "l2/ref/payment_channel.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace pc = l2::ref::payment_channel;
namespace oracle = l2::test::libsecp256k1;
using pc::Adjudicator;
using pc::ChannelState;
using pc::Env;
using pc::OffChainTransaction;

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
    for (l2::u32 i = 0; i < 3; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = l2::ref::bip340::pubkey_from_secret(secret[i]).value();
    }
    empty.chain_id = chain;
    empty.adjudicator_id = l2::ref::tagged_hash("test/adjudicator", seed);
    empty.config = pc::Layer2Config{2, 1000, 144, 1000, 1'000'000};
  }

  Hash32 id(u64 nonce = 0, u64 on_chain = chain) const {
    return pc::channel_id(on_chain, empty.adjudicator_id, {key[0], key[1]}, nonce);
  }
  pc::OpenInput open_input(u64 nonce = 0, std::array<u64, 2> balances = {6000, 4000}, u64 capacity = 10000) const {
    return pc::OpenInput{{key[0], key[1]}, balances, capacity, nonce};
  }
  Adjudicator opened(u64 nonce = 0) const { return pc::apply_open(empty, open_input(nonce), Env{open_height}).value(); }
  Adjudicator active(u64 nonce = 0) const { return activate(opened(nonce), nonce); }
  Adjudicator activate(const Adjudicator& a, u64 nonce = 0) const {
    return pc::apply_fund(a, pc::FundInput{id(nonce), Hash32{0x42}}, Env{open_height + 1}).value();
  }

  // Signed with libsecp256k1 so that the reference's verification is checked against an independent signer.
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  OffChainTransaction cosigned(u64 sequence, std::array<u64, 2> balances, Digest kind = Digest::state, u64 nonce = 0,
                               u64 signed_chain = chain) const {
    const Hash32 d = kind == Digest::close ? pc::close_digest(signed_chain, id(nonce), sequence, balances)
                                           : pc::state_digest(signed_chain, id(nonce), sequence, balances);
    return OffChainTransaction{id(nonce), sequence, balances, {sign(0, d), sign(1, d)}};
  }
  Adjudicator force_closed(std::array<u64, 2> balances = {9000, 1000}, u64 sequence = 1) const {
    return pc::apply_force_close(active(), cosigned(sequence, balances), Env{force_height}).value();
  }

  Hash32 secret[3]{};
  Hash32 key[3]{};
  Adjudicator empty{};
};

const pc::PaymentChannel& only(const Adjudicator& a) { return a.channels.at(0); }

// A rejection names the expected code and leaves the pre-state untouched (compared with a copy
// taken before the call, field by field and by its state root).
template <class Apply>
void expect_rejected(const Adjudicator& state, ChannelError expected, Apply apply) {
  const Adjudicator before = state;
  const Hash32 root_before = pc::state_root(state);
  const Outcome result = apply(state);
  ASSERT_FALSE(result.ok()) << "expected " << l2::error_info(expected).code;
  EXPECT_EQ(l2::error_info(result.error()).code, l2::error_info(expected).code);
  L2_EXPECT_FIELDS_EQ(before, state);
  EXPECT_EQ(pc::state_root(state), root_before);
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
  EXPECT_EQ(pc::state_digest(chain, id(), 5, {0x0102030405060708, l2::u64_max}),
            oracle::tagged_hash("L2/payment_channel/state", body));
  EXPECT_EQ(pc::close_digest(chain, id(), 5, {0x0102030405060708, l2::u64_max}),
            oracle::tagged_hash("L2/payment_channel/close", body));

  Bytes preimage;
  l2::put_u64_be(preimage, chain);
  l2::append(preimage, empty.adjudicator_id);
  l2::append(preimage, key[0]);
  l2::append(preimage, key[1]);
  l2::put_u64_be(preimage, 9);
  ASSERT_EQ(preimage.size(), 112u);
  EXPECT_EQ(pc::channel_id(chain, empty.adjudicator_id, {key[0], key[1]}, 9),
            oracle::tagged_hash("L2/payment_channel/id", preimage));
}

TEST_F(PaymentChannelTest, StateRootHashesTheCanonicalEncoding) {
  const Adjudicator a = active();
  EXPECT_EQ(pc::state_root(a), oracle::tagged_hash("L2/payment_channel/adjudicator", l2::reflect::encode(a)));
  EXPECT_NE(pc::state_root(a), pc::state_root(opened()));
}

TEST_F(PaymentChannelTest, ReferenceSignaturesVerifyUnderLibsecp256k1) {
  const Hash32 d = pc::state_digest(chain, id(), 1, {1, 9999});
  const auto signature = l2::ref::bip340::sign(secret[0], d, Hash32{}).value();
  EXPECT_TRUE(oracle::verify(key[0], d, signature));
  EXPECT_TRUE(pc::Bip340Check{}(key[0], d, signature));
  EXPECT_FALSE(pc::Bip340Check{}(key[1], d, signature));
}

// ---- error codes match the spec's rule tables ----

TEST(PaymentChannelErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_channel_errors, "payment_channel.md", "PC");
}

// ---- open [PC-OPEN-1, PC-OPEN-2, PC-OPEN-3, PC-OPEN-4, PC-OPEN-5, PC-BAL-1, PC-BAL-2] ----

TEST_F(PaymentChannelTest, OpenRegistersAnOpeningChannel) {
  const Adjudicator a = opened();
  const pc::PaymentChannel& c = only(a);
  EXPECT_EQ(c.channel_id, id());
  EXPECT_EQ(c.state, ChannelState::opening);
  EXPECT_EQ(c.sequence, 0u);
  EXPECT_EQ(c.created_at, open_height);
  EXPECT_EQ(c.timeout_height, timeout_height);
  EXPECT_EQ(c.balances, (std::array<u64, 2>{6000, 4000}));
  EXPECT_FALSE(c.funding_tx_hash.has_value());
}

TEST_F(PaymentChannelTest, OpenRejections) {
  expect_rejected(empty, ChannelError::same_participants, [&](const Adjudicator& a) {
    return pc::apply_open(a, pc::OpenInput{{key[0], key[0]}, {6000, 4000}, 10000, 0}, Env{open_height});
  });
  expect_rejected(empty, ChannelError::balance_overflow, [&](const Adjudicator& a) {
    return pc::apply_open(a, open_input(0, {l2::u64_max, 1}, 0), Env{open_height});
  });
  expect_rejected(empty, ChannelError::balance_mismatch, [&](const Adjudicator& a) {
    return pc::apply_open(a, open_input(0, {6000, 4000}, 10001), Env{open_height});
  });
  expect_rejected(empty, ChannelError::balance_mismatch, [&](const Adjudicator& a) {
    return pc::apply_open(a, open_input(0, {6000, 4000}, 9999), Env{open_height});
  });
  expect_rejected(empty, ChannelError::capacity_too_small, [&](const Adjudicator& a) {
    return pc::apply_open(a, open_input(0, {999, 0}, 999), Env{open_height});
  });
  expect_rejected(empty, ChannelError::capacity_too_large, [&](const Adjudicator& a) {
    return pc::apply_open(a, open_input(0, {1'000'001, 0}, 1'000'001), Env{open_height});
  });
  EXPECT_TRUE(pc::apply_open(empty, open_input(0, {1000, 0}, 1000), Env{open_height}).ok());
  EXPECT_TRUE(pc::apply_open(empty, open_input(0, {0, 1'000'000}, 1'000'000), Env{open_height}).ok());

  const Adjudicator two = pc::apply_open(opened(1), open_input(2), Env{open_height}).value();
  expect_rejected(two, ChannelError::too_many_channels,
                  [&](const Adjudicator& a) { return pc::apply_open(a, open_input(3), Env{open_height}); });
  // The limit is per key: participant 1 with a fresh partner is also at its limit.
  expect_rejected(two, ChannelError::too_many_channels, [&](const Adjudicator& a) {
    return pc::apply_open(a, pc::OpenInput{{key[2], key[1]}, {6000, 4000}, 10000, 0}, Env{open_height});
  });
  EXPECT_TRUE(pc::apply_open(two, pc::OpenInput{{key[2], Hash32{9}}, {6000, 4000}, 10000, 0}, Env{open_height}).ok());
  expect_rejected(opened(4), ChannelError::duplicate_channel,
                  [&](const Adjudicator& a) { return pc::apply_open(a, open_input(4), Env{open_height + 5}); });
}

TEST_F(PaymentChannelTest, SettledAndClosedChannelsFreeTheirSlot) {
  Adjudicator a = pc::apply_open(active(1), open_input(2), Env{open_height}).value();
  a = pc::apply_cooperative_close(a, cosigned(1, {5000, 5000}, Digest::close, 1), Env{110}).value();
  a = pc::apply_timeout(a, pc::ChannelRef{id(2)}, Env{timeout_height}).value();
  EXPECT_EQ(a.channels[1].state, ChannelState::closed);
  a = pc::apply_open(a, open_input(3), Env{timeout_height}).value();
  EXPECT_TRUE(pc::apply_open(a, open_input(4), Env{timeout_height}).ok());
}

// ---- fund [PC-CHAN-1, PC-FUND-1, PC-FUND-2] ----

TEST_F(PaymentChannelTest, FundActivatesBeforeTimeout) {
  const Adjudicator a = pc::apply_fund(opened(), pc::FundInput{id(), Hash32{1}}, Env{timeout_height - 1}).value();
  EXPECT_EQ(only(a).state, ChannelState::active);
  EXPECT_EQ(only(a).funding_tx_hash, Hash32{1});
  expect_rejected(opened(), ChannelError::funding_expired, [&](const Adjudicator& s) {
    return pc::apply_fund(s, pc::FundInput{id(), Hash32{1}}, Env{timeout_height});
  });
  expect_rejected(a, ChannelError::fund_not_opening,
                  [&](const Adjudicator& s) { return pc::apply_fund(s, pc::FundInput{id(), Hash32{1}}, Env{102}); });
  expect_rejected(a, ChannelError::unknown_channel,
                  [&](const Adjudicator& s) { return pc::apply_fund(s, pc::FundInput{id(1), Hash32{1}}, Env{102}); });
}

// ---- update [PC-UPD-1, PC-UPD-2, PC-SIG-1, PC-SIG-2] ----

TEST_F(PaymentChannelTest, UpdateRegistersNewerCosignedStates) {
  Adjudicator a = pc::apply_update(active(), cosigned(1, {5000, 5000}), Env{110}).value();
  a = pc::apply_update(a, cosigned(9, {0, 10000}), Env{111}).value();
  EXPECT_EQ(only(a).sequence, 9u);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{0, 10000}));
  EXPECT_EQ(only(a).state, ChannelState::active);

  expect_rejected(a, ChannelError::stale_sequence,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(9, {1, 9999}), Env{112}); });
  expect_rejected(a, ChannelError::stale_sequence,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(8, {1, 9999}), Env{112}); });
  expect_rejected(opened(), ChannelError::update_not_active,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(1, {5000, 5000}), Env{112}); });
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return pc::apply_update(s, cosigned(1, {5000, 5000}, Digest::state, 3), Env{112});
  });
}

TEST_F(PaymentChannelTest, BalancesMustSumToCapacityExactly) {
  expect_rejected(active(), ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(1, {5001, 5000}), Env{110}); });
  expect_rejected(active(), ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(1, {4999, 5000}), Env{110}); });
  EXPECT_TRUE(pc::apply_update(active(), cosigned(1, {10000, 0}), Env{110}).ok());
}

TEST_F(PaymentChannelTest, BalancesAtUint64Max) {
  Adjudicator unbounded = empty;
  unbounded.config.max_channel_capacity = l2::u64_max;
  Adjudicator a = pc::apply_open(unbounded, open_input(0, {l2::u64_max, 0}, l2::u64_max), Env{open_height}).value();
  a = activate(a);
  expect_rejected(a, ChannelError::balance_overflow,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(1, {l2::u64_max, 1}), Env{110}); });
  expect_rejected(a, ChannelError::balance_overflow, [&](const Adjudicator& s) {
    return pc::apply_update(s, cosigned(1, {l2::u64_max, l2::u64_max}), Env{110});
  });
  expect_rejected(a, ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return pc::apply_update(s, cosigned(1, {l2::u64_max - 2, 1}), Env{110}); });
  a = pc::apply_update(a, cosigned(1, {l2::u64_max - 1, 1}), Env{110}).value();
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{l2::u64_max - 1, 1}));
}

TEST_F(PaymentChannelTest, SignaturesAreBoundToTheirSlotAndSigner) {
  const Hash32 d = pc::state_digest(chain, id(), 1, {9000, 1000});
  const auto with = [&](const pc::Signature& s0, const pc::Signature& s1) {
    return OffChainTransaction{id(), 1, {9000, 1000}, {s0, s1}};
  };
  EXPECT_TRUE(pc::apply_update(active(), with(sign(0, d), sign(1, d)), Env{110}).ok());
  // A duplicated signature: participant 0 signs for both slots.
  expect_rejected(active(), ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return pc::apply_update(s, with(sign(0, d), sign(0, d)), Env{110}); });
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, with(sign(1, d), sign(1, d)), Env{110}); });
  // Both signatures present but swapped.
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, with(sign(1, d), sign(0, d)), Env{110}); });
  // An outsider signs in either slot.
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, with(sign(2, d), sign(1, d)), Env{110}); });
  expect_rejected(active(), ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return pc::apply_update(s, with(sign(0, d), sign(2, d)), Env{110}); });
  // Signatures of one balance split attached to another.
  OffChainTransaction moved = with(sign(0, d), sign(1, d));
  moved.new_balances = {1000, 9000};
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, moved, Env{110}); });
  OffChainTransaction renumbered = with(sign(0, d), sign(1, d));
  renumbered.sequence_number = 2;
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, renumbered, Env{110}); });
}

TEST_F(PaymentChannelTest, SignaturesDoNotReplayAcrossChannelsOrChains) {
  const Adjudicator both = activate(pc::apply_open(active(1), open_input(2), Env{open_height}).value(), 2);
  OffChainTransaction from_channel_1 = cosigned(1, {9000, 1000}, Digest::state, 1);
  ASSERT_TRUE(pc::apply_update(both, from_channel_1, Env{110}).ok());
  from_channel_1.channel_id = id(2);
  expect_rejected(both, ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, from_channel_1, Env{110}); });

  const OffChainTransaction other_chain = cosigned(1, {9000, 1000}, Digest::state, 0, chain + 1);
  expect_rejected(active(), ChannelError::bad_signature_0,
                  [&](const Adjudicator& s) { return pc::apply_update(s, other_chain, Env{110}); });
  // The same keys and nonce on another chain or adjudicator give another channel_id.
  EXPECT_NE(id(0, chain + 1), id(0, chain));
  EXPECT_NE(pc::channel_id(chain, Hash32{1}, {key[0], key[1]}, 0), id());
}

// ---- cooperative close [PC-COOP-1, PC-COOP-2] ----

TEST_F(PaymentChannelTest, CooperativeCloseSettlesAtOnce) {
  Adjudicator a = pc::apply_update(active(), cosigned(1, {5000, 5000}), Env{110}).value();
  a = pc::apply_cooperative_close(a, cosigned(2, {2500, 7500}, Digest::close), Env{111}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{2500, 7500}));
  expect_rejected(a, ChannelError::coop_not_active, [&](const Adjudicator& s) {
    return pc::apply_cooperative_close(s, cosigned(3, {0, 10000}, Digest::close), Env{112});
  });
  expect_rejected(pc::apply_update(active(), cosigned(3, {5000, 5000}), Env{110}).value(), ChannelError::coop_stale_sequence,
                  [&](const Adjudicator& s) {
                    return pc::apply_cooperative_close(s, cosigned(3, {5000, 5000}, Digest::close), Env{111});
                  });
  // An old co-signed state is not a close: the close tag differs.
  expect_rejected(active(), ChannelError::bad_signature_0, [&](const Adjudicator& s) {
    return pc::apply_cooperative_close(s, cosigned(1, {9000, 1000}, Digest::state), Env{110});
  });
  // ...and a close signature is not a state that could be published in a dispute.
  expect_rejected(active(), ChannelError::bad_signature_0, [&](const Adjudicator& s) {
    return pc::apply_force_close(s, cosigned(1, {9000, 1000}, Digest::close), Env{110});
  });
}

// ---- force close, challenge, settle [PC-FORCE-1, PC-FORCE-2, PC-CHAL-1, PC-CHAL-2, PC-CHAL-3, PC-SETTLE-1, PC-SETTLE-2] ----

TEST_F(PaymentChannelTest, StaleForceCloseIsAnsweredByAChallenge) {
  // Off chain the parties reached sequence 2 (2000 / 8000). Participant 0 publishes sequence 1.
  Adjudicator a = force_closed({9000, 1000}, 1);
  EXPECT_EQ(only(a).state, ChannelState::disputing);
  EXPECT_EQ(only(a).dispute_deadline, deadline);
  a = pc::apply_challenge(a, cosigned(2, {2000, 8000}), Env{250}).value();
  EXPECT_EQ(only(a).dispute_deadline, deadline) << "a challenge must not move the deadline";
  expect_rejected(a, ChannelError::settle_too_early,
                  [&](const Adjudicator& s) { return pc::apply_settle(s, pc::ChannelRef{id()}, Env{deadline - 1}); });
  a = pc::apply_settle(a, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{2000, 8000}));
  expect_rejected(a, ChannelError::settle_not_disputing,
                  [&](const Adjudicator& s) { return pc::apply_settle(s, pc::ChannelRef{id()}, Env{deadline + 1}); });
  expect_rejected(a, ChannelError::challenge_not_disputing,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(3, {0, 10000}), Env{deadline}); });
}

TEST_F(PaymentChannelTest, ChallengeBeforeAtAndAfterTheDeadline) {
  const Adjudicator a = force_closed();
  EXPECT_TRUE(pc::apply_challenge(a, cosigned(2, {2000, 8000}), Env{deadline - 1}).ok());
  expect_rejected(a, ChannelError::challenge_too_late,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(2, {2000, 8000}), Env{deadline}); });
  expect_rejected(a, ChannelError::challenge_too_late,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(2, {2000, 8000}), Env{deadline + 1}); });
}

TEST_F(PaymentChannelTest, ChallengeRejections) {
  const Adjudicator a = force_closed({9000, 1000}, 3);
  expect_rejected(a, ChannelError::challenge_stale_sequence,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(3, {1000, 9000}), Env{250}); });
  expect_rejected(a, ChannelError::challenge_stale_sequence,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(2, {1000, 9000}), Env{250}); });
  expect_rejected(active(), ChannelError::challenge_not_disputing,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(4, {1000, 9000}), Env{250}); });
  expect_rejected(a, ChannelError::balance_mismatch,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, cosigned(4, {1000, 9001}), Env{250}); });
  OffChainTransaction half_signed = cosigned(4, {1000, 9000});
  half_signed.signatures[1][0] ^= 1;
  expect_rejected(a, ChannelError::bad_signature_1,
                  [&](const Adjudicator& s) { return pc::apply_challenge(s, half_signed, Env{250}); });
}

TEST_F(PaymentChannelTest, RepeatedChallengesCannotStretchTheWindow) {
  Adjudicator a = force_closed();
  for (u64 sequence = 2; sequence <= 6; ++sequence)
    a = pc::apply_challenge(a, cosigned(sequence, {sequence * 1000, 10000 - sequence * 1000}), Env{force_height + sequence}).value();
  EXPECT_EQ(only(a).dispute_deadline, deadline);
  a = pc::apply_settle(a, pc::ChannelRef{id()}, Env{deadline}).value();
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{6000, 4000}));
}

TEST_F(PaymentChannelTest, ForceCloseRejections) {
  const Adjudicator registered = pc::apply_update(active(), cosigned(4, {7000, 3000}), Env{110}).value();
  EXPECT_TRUE(pc::apply_force_close(registered, cosigned(4, {7000, 3000}), Env{force_height}).ok());
  expect_rejected(registered, ChannelError::force_stale_sequence,
                  [&](const Adjudicator& s) { return pc::apply_force_close(s, cosigned(3, {9000, 1000}), Env{force_height}); });
  expect_rejected(opened(), ChannelError::force_not_active,
                  [&](const Adjudicator& s) { return pc::apply_force_close(s, cosigned(0, {6000, 4000}), Env{force_height}); });
  expect_rejected(force_closed(), ChannelError::force_not_active,
                  [&](const Adjudicator& s) { return pc::apply_force_close(s, cosigned(2, {6000, 4000}), Env{force_height}); });
  expect_rejected(active(), ChannelError::unknown_channel, [&](const Adjudicator& s) {
    return pc::apply_settle(s, pc::ChannelRef{id(5)}, Env{force_height});
  });
  expect_rejected(active(), ChannelError::settle_not_disputing,
                  [&](const Adjudicator& s) { return pc::apply_settle(s, pc::ChannelRef{id()}, Env{force_height}); });
}

// ---- timeout [PC-TIMEOUT-1, PC-TIMEOUT-2] ----

TEST_F(PaymentChannelTest, TimeoutEndsChannelsWithoutTheOtherParty) {
  expect_rejected(opened(), ChannelError::timeout_not_reached,
                  [&](const Adjudicator& s) { return pc::apply_timeout(s, pc::ChannelRef{id()}, Env{timeout_height - 1}); });
  const Adjudicator closed = pc::apply_timeout(opened(), pc::ChannelRef{id()}, Env{timeout_height}).value();
  EXPECT_EQ(only(closed).state, ChannelState::closed);
  expect_rejected(closed, ChannelError::timeout_wrong_phase,
                  [&](const Adjudicator& s) { return pc::apply_timeout(s, pc::ChannelRef{id()}, Env{timeout_height + 1}); });
  expect_rejected(closed, ChannelError::fund_not_opening,
                  [&](const Adjudicator& s) { return pc::apply_fund(s, pc::FundInput{id(), Hash32{}}, Env{timeout_height + 1}); });

  Adjudicator a = pc::apply_timeout(active(), pc::ChannelRef{id()}, Env{timeout_height + 10}).value();
  EXPECT_EQ(only(a).state, ChannelState::disputing);
  EXPECT_EQ(only(a).dispute_deadline, timeout_height + 10 + 144);
  expect_rejected(a, ChannelError::timeout_wrong_phase,
                  [&](const Adjudicator& s) { return pc::apply_timeout(s, pc::ChannelRef{id()}, Env{timeout_height + 20}); });
  // The other party can still answer the registered (opening) state with a newer one.
  a = pc::apply_challenge(a, cosigned(1, {1, 9999}), Env{timeout_height + 11}).value();
  a = pc::apply_settle(a, pc::ChannelRef{id()}, Env{timeout_height + 154}).value();
  EXPECT_EQ(only(a).state, ChannelState::settled);
  EXPECT_EQ(only(a).balances, (std::array<u64, 2>{1, 9999}));
}

TEST_F(PaymentChannelTest, HeightsSaturateInsteadOfWrapping) {
  const Adjudicator a = pc::apply_open(empty, open_input(), Env{l2::u64_max - 5}).value();
  EXPECT_EQ(only(a).timeout_height, l2::u64_max);
  const Adjudicator b = pc::apply_force_close(active(), cosigned(1, {9000, 1000}), Env{l2::u64_max - 5}).value();
  EXPECT_EQ(only(b).dispute_deadline, l2::u64_max);
  EXPECT_TRUE(pc::apply_settle(b, pc::ChannelRef{id()}, Env{l2::u64_max}).ok());
}

}  // namespace
