// The channel hub (l2::opt::ChannelHub) by hand: lossless conversion from and to the reference's
// Adjudicator (including states the protocol cannot reach), and the cases where processing a whole
// stream at once could go wrong: a channel opened earlier or later in the same stream, an open
// rejected for its signatures and then opened by a correctly signed one, a copied open, the per-user
// limit freed by a close (a cooperative close during a dispute included), fund values around the
// capacity, the order of the balance and signature rules. Each case is also run through the
// reference's fold, with real BIP-340 signatures from libsecp256k1.
// The random interleavings are in tests/property/payment_channel_hub_differential_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <variant>
#include <vector>

#include "l2/opt/payment_channel_hub.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
namespace opt = l2::opt;
namespace oracle = l2::test::libsecp256k1;
using payment_channel::Adjudicator;
using payment_channel::ChannelState;
using payment_channel::OffChainTransaction;
using Outcome = l2::Result<Adjudicator, ChannelError>;

// Field-equal, printing both values in full on failure. (Not EXPECT_SAME_FIELDS: GCC 12 at -O3
// reports a false -Wrestrict inside reflect::diff's string concatenation when it is inlined here.)
template <class T>
::testing::AssertionResult same_fields(const char* expression_a, const char* expression_b, const T& a, const T& b) {
  if (l2::reflect::equal(a, b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expression_a << " and " << expression_b << " differ:\n  "
                                       << l2::reflect::to_text(a) << "\n  " << l2::reflect::to_text(b);
}
#define EXPECT_SAME_FIELDS(a, b) EXPECT_PRED_FORMAT2(same_fields, a, b)

std::string code(ChannelError e) { return std::string(l2::error_info(e).code); }

std::vector<std::string> codes(const std::vector<ChannelError>& errors) {
  std::vector<std::string> out;
  for (const ChannelError e : errors) out.push_back(code(e));
  return out;
}

class ChannelHubTest : public ::testing::Test {
 protected:
  ChannelHubTest() {
    const Bytes seed = l2::bytes_of("payment_channel_hub_test");
    for (l2::u32 i = 0; i < 3; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    empty = payment_channel::deploy(payment_channel::DeployInput{7, oracle::tagged_hash("test/adjudicator", seed),
                                       payment_channel::Layer2Config{2, 1000, 144, 1000, 1'000'000, 6, 100}})
                .value();
  }

  Hash32 id(std::size_t first, std::size_t second, u64 nonce = 0) const {
    return payment_channel::channel_id(empty.chain_id, empty.adjudicator_id, {key[first], key[second]}, nonce);
  }
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  // Channel (first, second, nonce) opened with `balances`, both participants' signatures of its
  // sequence-0 state.
  payment_channel::OpenInput open_input(std::size_t first, std::size_t second, u64 nonce = 0,
                           std::array<u64, 2> balances = {6000, 4000}) const {
    const Hash32 opening = payment_channel::state_digest(empty.chain_id, id(first, second, nonce), 0, balances);
    return payment_channel::OpenInput{{key[first], key[second]}, balances, balances[0] + balances[1], nonce,
                         {sign(first, opening), sign(second, opening)}};
  }
  opt::ChannelItem open(std::size_t first, std::size_t second, u64 nonce = 0, u64 height = 100) const {
    return opt::ChannelItem::of<payment_channel::Open>(open_input(first, second, nonce), height);
  }
  opt::ChannelItem fund(std::size_t first, std::size_t second, u64 nonce = 0, u64 height = 101, u64 value = 10000) const {
    return opt::ChannelItem::of<payment_channel::Fund>(payment_channel::FundInput{id(first, second, nonce), value}, height);
  }
  // A state of channel (first, second, nonce) signed by both participants.
  OffChainTransaction cosigned(std::size_t first, std::size_t second, u64 sequence, std::array<u64, 2> balances,
                               bool close = false, u64 nonce = 0) const {
    const Hash32 channel = id(first, second, nonce);
    const Hash32 digest = close ? payment_channel::close_digest(empty.chain_id, channel, sequence, balances)
                                : payment_channel::state_digest(empty.chain_id, channel, sequence, balances);
    return OffChainTransaction{channel, sequence, balances, {sign(first, digest), sign(second, digest)}};
  }

  // The reference's fold over the stream: its errors, and its final state in `state`.
  static std::vector<ChannelError> reference_fold(Adjudicator& state, const std::vector<opt::ChannelItem>& stream) {
    std::vector<ChannelError> errors;
    for (const opt::ChannelItem& item : stream) {
      const payment_channel::Env env{item.height()};
      const Outcome outcome = payment_channel::Operations::visit(item.op(), [&](auto op) -> payment_channel::Transition {
        using Operation = typename decltype(op)::type;
        return Operation::apply(state, std::get<typename Operation::Input>(item.input()), env);
      });
      errors.push_back(outcome.ok() ? ChannelError::none : outcome.error());
      if (outcome.ok()) state = outcome.value();
    }
    return errors;
  }

  // Processes `stream` from `start` on the hub (on 2 threads) and expects `expected` codes; the
  // reference must say the same, and both must end in the same adjudicator.
  void expect_stream(const Adjudicator& start, const std::vector<opt::ChannelItem>& stream,
                     const std::vector<ChannelError>& expected) {
    Adjudicator reference = start;
    const std::vector<ChannelError> reference_errors = reference_fold(reference, stream);
    ASSERT_EQ(codes(reference_errors), codes(expected)) << "the case does not test what it claims";
    opt::ChannelHub hub(start, 2);
    EXPECT_EQ(codes(hub.process(stream, 2)), codes(expected));
    const Adjudicator exported = hub.to_adjudicator();
    EXPECT_SAME_FIELDS(reference, exported);
    EXPECT_EQ(payment_channel::state_root(exported), payment_channel::state_root(reference));
  }

  Hash32 secret[3]{};
  Hash32 key[3]{};
  Adjudicator empty{};
};

TEST_F(ChannelHubTest, ConversionIsLosslessForAnyRepresentableState) {
  Adjudicator a = empty;
  // Every phase, a duplicated id (the reference only ever finds the first), a channel with itself
  // and a key off the curve: none reachable, all representable. The configuration is one deploy
  // refuses (no censorship bound, no dispute window), which the hub must carry through unchanged.
  a.config.censorship_bound_blocks = 0;
  a.config.dispute_period_blocks = 0;
  a.config.allocation_window_blocks = l2::u64_max;
  ASSERT_NE(payment_channel::check_config(a.config), ChannelError::none);
  const ChannelState phases[] = {ChannelState::opening, ChannelState::active, ChannelState::disputing,
                                 ChannelState::closed, ChannelState::settled};
  for (std::size_t i = 0; i < 5; ++i) {
    payment_channel::PaymentChannel c{};
    c.channel_id = id(0, 1, i);
    c.participants = {key[0], key[1]};
    c.balances = {l2::u64_max - i, i};
    c.total_capacity = l2::u64_max;
    c.state = phases[i];
    c.sequence = i == 4 ? l2::u64_max : i;
    c.created_at = 10 + i;
    c.timeout_height = 1010 + i;
    c.dispute_deadline = i == 2 ? 300 : 0;
    a.channels.push_back(c);
  }
  payment_channel::PaymentChannel duplicate = a.channels[1];
  duplicate.balances = {1, 2};
  a.channels.push_back(duplicate);
  payment_channel::PaymentChannel with_itself = a.channels[0];
  with_itself.channel_id = id(2, 2);
  with_itself.participants = {key[2], key[2]};
  a.channels.push_back(with_itself);
  payment_channel::PaymentChannel off_curve = a.channels[1];
  off_curve.channel_id = id(0, 2);
  off_curve.participants[1] = Hash32{};  // x = 0: 0^3 + 7 is not a square mod p
  ASSERT_FALSE(oracle::pubkey_parses(off_curve.participants[1]));
  a.channels.push_back(off_curve);

  for (const unsigned threads : {0u, 1u, 2u}) {
    const opt::ChannelHub hub(a, threads);
    ASSERT_EQ(hub.channel_count(), a.channels.size());
    for (std::size_t i = 0; i < a.channels.size(); ++i) EXPECT_SAME_FIELDS(a.channels[i], hub.channel(i));
    const Adjudicator exported = hub.to_adjudicator();
    EXPECT_SAME_FIELDS(a, exported);
    EXPECT_EQ(payment_channel::state_root(exported), payment_channel::state_root(a));
  }
  opt::ChannelHub hub(a);
  EXPECT_TRUE(hub.process({}).empty());
  EXPECT_SAME_FIELDS(a, hub.to_adjudicator());
}

TEST_F(ChannelHubTest, OpenFundAndUpdateInOneStream) {
  expect_stream(empty,
                {open(0, 1), fund(0, 1), opt::ChannelItem::of<payment_channel::Update>(cosigned(0, 1, 1, {5000, 5000}), 102),
                 opt::ChannelItem::of<payment_channel::Update>(cosigned(0, 1, 2, {1, 9999}), 103)},
                {ChannelError::none, ChannelError::none, ChannelError::none, ChannelError::none});
}

TEST_F(ChannelHubTest, AnUpdateBeforeItsOpenInTheStreamFindsNoChannel) {
  // The hub verifies the stream's signatures up front; the update's keys are known only from the
  // open that comes after it, which must not make the update count.
  const auto update = opt::ChannelItem::of<payment_channel::Update>(cosigned(0, 1, 1, {5000, 5000}), 102);
  expect_stream(empty, {update, open(0, 1), fund(0, 1), update},
                {ChannelError::unknown_channel, ChannelError::none, ChannelError::none, ChannelError::none});
}

TEST_F(ChannelHubTest, AnUpdateOfARejectedOpenFindsNoChannel) {
  Adjudicator limited = empty;
  limited.config.max_channels_per_user = 1;
  expect_stream(limited,
                {open(0, 1), open(0, 2), fund(0, 2), opt::ChannelItem::of<payment_channel::Update>(cosigned(0, 2, 1, {5000, 5000}), 102)},
                {ChannelError::none, ChannelError::too_many_channels, ChannelError::unknown_channel,
                 ChannelError::unknown_channel});
}

TEST_F(ChannelHubTest, EndingAChannelFreesItsSlotsForTheLimit) {
  Adjudicator limited = empty;
  limited.config.max_channels_per_user = 1;
  // Channel (0, 1) closes cooperatively, (0, 2) then fits; (2, 1) fits only once the unfunded
  // (0, 2) has timed out to closed.
  expect_stream(limited,
                {open(0, 1), open(0, 2), fund(0, 1),
                 opt::ChannelItem::of<payment_channel::CooperativeClose>(cosigned(0, 1, 1, {5000, 5000}, true), 102), open(0, 2, 0, 103),
                 open(2, 1, 0, 103), opt::ChannelItem::of<payment_channel::Timeout>(payment_channel::ChannelRef{id(0, 2)}, 1103), open(2, 1, 0, 1104)},
                {ChannelError::none, ChannelError::too_many_channels, ChannelError::none, ChannelError::none,
                 ChannelError::none, ChannelError::too_many_channels, ChannelError::none, ChannelError::none});
}

TEST_F(ChannelHubTest, RulesKeepTheReferenceOrder) {
  Adjudicator active = empty;
  reference_fold(active, {open(0, 1), fund(0, 1)});
  OffChainTransaction both_bad = cosigned(0, 1, 1, {5000, 5000});
  both_bad.signatures[0][10] ^= 1;
  both_bad.signatures[1][10] ^= 1;
  OffChainTransaction second_bad = cosigned(0, 1, 1, {5000, 5000});
  second_bad.signatures[1] = second_bad.signatures[0];
  OffChainTransaction unbalanced_and_bad = both_bad;
  unbalanced_and_bad.new_balances = {5000, 5001};
  OffChainTransaction stale_and_bad = both_bad;
  stale_and_bad.sequence_number = 0;
  OffChainTransaction state_as_close = cosigned(0, 1, 1, {5000, 5000});
  expect_stream(active,
                {opt::ChannelItem::of<payment_channel::Update>(both_bad, 102), opt::ChannelItem::of<payment_channel::Update>(second_bad, 102),
                 opt::ChannelItem::of<payment_channel::Update>(unbalanced_and_bad, 102), opt::ChannelItem::of<payment_channel::Update>(stale_and_bad, 102),
                 opt::ChannelItem::of<payment_channel::CooperativeClose>(state_as_close, 102),
                 opt::ChannelItem::of<payment_channel::Challenge>(state_as_close, 102), opt::ChannelItem::of<payment_channel::Update>(state_as_close, 102)},
                {ChannelError::bad_signature_0, ChannelError::bad_signature_1, ChannelError::balance_mismatch,
                 ChannelError::stale_sequence, ChannelError::bad_signature_0, ChannelError::challenge_not_disputing,
                 ChannelError::none});
}

TEST_F(ChannelHubTest, DisputeWindowEdges) {
  Adjudicator active = empty;
  reference_fold(active, {open(0, 1), fund(0, 1)});
  const u64 force_height = 200, deadline = 344;
  expect_stream(active,
                {opt::ChannelItem::of<payment_channel::ForceClose>(cosigned(0, 1, 1, {9000, 1000}), force_height),
                 opt::ChannelItem::of<payment_channel::Settle>(payment_channel::ChannelRef{id(0, 1)}, deadline - 1),
                 opt::ChannelItem::of<payment_channel::Challenge>(cosigned(0, 1, 2, {2000, 8000}), deadline - 1),
                 opt::ChannelItem::of<payment_channel::Challenge>(cosigned(0, 1, 3, {1000, 9000}), deadline),
                 opt::ChannelItem::of<payment_channel::Settle>(payment_channel::ChannelRef{id(0, 1)}, deadline),
                 opt::ChannelItem::of<payment_channel::Timeout>(payment_channel::ChannelRef{id(0, 1)}, deadline)},
                {ChannelError::none, ChannelError::settle_too_early, ChannelError::none,
                 ChannelError::challenge_too_late, ChannelError::none, ChannelError::timeout_wrong_phase});
}

// The hub verifies an open's signatures up front. An open rejected for its signatures registers
// nothing, so an update naming its id finds no channel, and a later, correctly signed open of the
// same id registers it with the update's keys; a copy of that open is then a duplicate.
TEST_F(ChannelHubTest, SignedOpensInOneStream) {
  payment_channel::OpenInput unsigned_open = open_input(0, 1);
  unsigned_open.signatures = {};
  payment_channel::OpenInput outsider_in_slot_1 = open_input(0, 1);
  outsider_in_slot_1.signatures[1] = sign(2, payment_channel::state_digest(empty.chain_id, id(0, 1), 0, {6000, 4000}));
  payment_channel::OpenInput other_split = open_input(0, 1);
  other_split.balances = {4000, 6000};
  payment_channel::OpenInput other_sequence = open_input(0, 1);
  const Hash32 sequence_1 = payment_channel::state_digest(empty.chain_id, id(0, 1), 1, {6000, 4000});
  other_sequence.signatures = {sign(0, sequence_1), sign(1, sequence_1)};
  const auto update = opt::ChannelItem::of<payment_channel::Update>(cosigned(0, 1, 1, {5000, 5000}), 102);
  expect_stream(empty,
                {opt::ChannelItem::of<payment_channel::Open>(unsigned_open, 100), opt::ChannelItem::of<payment_channel::Open>(outsider_in_slot_1, 100),
                 opt::ChannelItem::of<payment_channel::Open>(other_split, 100), opt::ChannelItem::of<payment_channel::Open>(other_sequence, 100),
                 update, fund(0, 1), open(0, 1), open(0, 1), fund(0, 1), update},
                {ChannelError::bad_signature_0, ChannelError::bad_signature_1, ChannelError::bad_signature_0,
                 ChannelError::bad_signature_0, ChannelError::unknown_channel, ChannelError::unknown_channel,
                 ChannelError::none, ChannelError::duplicate_channel, ChannelError::none, ChannelError::none});
}

// An unsigned open that also breaks another rule gets that rule's code: the hub, like the
// reference, reads the signature verdict only after PC-OPEN-5.
TEST_F(ChannelHubTest, OpenSignaturesAreCheckedLast) {
  const auto without_signatures = [](payment_channel::OpenInput in, u64 height = 100) {
    in.signatures = {};
    return opt::ChannelItem::of<payment_channel::Open>(in, height);
  };
  payment_channel::OpenInput same_key = open_input(2, 2);
  payment_channel::OpenInput too_small = open_input(0, 2, 5, {999, 0});
  payment_channel::OpenInput mismatch = open_input(0, 2, 6);
  mismatch.total_capacity = 10001;
  expect_stream(empty,
                {open(0, 1), without_signatures(open_input(0, 1)), without_signatures(same_key),
                 without_signatures(mismatch), without_signatures(too_small), open(0, 2),
                 without_signatures(open_input(0, 2, 1)), without_signatures(open_input(1, 2))},
                {ChannelError::none, ChannelError::duplicate_channel, ChannelError::same_participants,
                 ChannelError::balance_mismatch, ChannelError::capacity_too_small, ChannelError::none,
                 ChannelError::too_many_channels, ChannelError::bad_signature_0});
}

// Quota squatting in one stream: an outsider's opens naming key 0 without its signature are
// rejected, so key 0's own open still fits its limit of one.
TEST_F(ChannelHubTest, OpensWithoutAKeysSignatureCannotUseItsQuota) {
  Adjudicator limited = empty;
  limited.config.max_channels_per_user = 1;
  payment_channel::OpenInput victim_first = open_input(0, 2);
  victim_first.signatures[0] = sign(2, payment_channel::state_digest(empty.chain_id, id(0, 2), 0, {6000, 4000}));
  payment_channel::OpenInput victim_second = open_input(2, 0, 1);
  victim_second.signatures[1] = victim_second.signatures[0];
  expect_stream(limited,
                {opt::ChannelItem::of<payment_channel::Open>(victim_first, 100), opt::ChannelItem::of<payment_channel::Open>(victim_second, 100),
                 open(0, 1), open(0, 2, 2)},
                {ChannelError::bad_signature_0, ChannelError::bad_signature_1, ChannelError::none,
                 ChannelError::too_many_channels});
}

// A key that is not on the curve: no signature verifies under it, in either slot of an open.
TEST_F(ChannelHubTest, AnOpenNamingAKeyOffTheCurveFails) {
  const Hash32 off_curve{};  // x = 0: 0^3 + 7 is not a square mod p
  ASSERT_FALSE(oracle::pubkey_parses(off_curve));
  const auto open_with = [&](const std::array<Hash32, 2>& participants, std::size_t signer0, std::size_t signer1) {
    const Hash32 opening = payment_channel::state_digest(
        empty.chain_id, payment_channel::channel_id(empty.chain_id, empty.adjudicator_id, participants, 0), 0, {6000, 4000});
    return opt::ChannelItem::of<payment_channel::Open>(
        payment_channel::OpenInput{participants, {6000, 4000}, 10000, 0, {sign(signer0, opening), sign(signer1, opening)}}, 100);
  };
  expect_stream(empty, {open_with({off_curve, key[1]}, 0, 1), open_with({key[0], off_curve}, 0, 1), open_with({key[0], key[1]}, 0, 1)},
                {ChannelError::bad_signature_0, ChannelError::bad_signature_1, ChannelError::none});
}

TEST_F(ChannelHubTest, FundValuesAroundTheCapacity) {
  expect_stream(empty,
                {open(0, 1), fund(0, 1, 0, 101, 9999), fund(0, 1, 0, 101, 10001), fund(0, 1, 0, 101, 0),
                 fund(0, 1, 0, 101, l2::u64_max), fund(0, 1, 0, 101, 10000), fund(0, 1, 0, 102, 10000),
                 // Two channels opened at 102 (timeout_height 1102): funded in the last block, and too late.
                 open(0, 2, 0, 102), open(1, 2, 0, 102), fund(0, 2, 0, 1101, 10000), fund(1, 2, 0, 1102, 9999),
                 fund(1, 2, 0, 1102, 10000)},
                {ChannelError::none, ChannelError::fund_wrong_amount, ChannelError::fund_wrong_amount,
                 ChannelError::fund_wrong_amount, ChannelError::fund_wrong_amount, ChannelError::none,
                 ChannelError::fund_not_opening, ChannelError::none, ChannelError::none, ChannelError::none,
                 ChannelError::funding_expired, ChannelError::funding_expired});
}

// A cooperative close ends a dispute at any height, and frees both keys' slots at once.
TEST_F(ChannelHubTest, CooperativeCloseDuringADispute) {
  Adjudicator limited = empty;
  limited.config.max_channels_per_user = 1;
  const u64 force_height = 200, deadline = 344;
  expect_stream(limited,
                {open(0, 1), fund(0, 1), opt::ChannelItem::of<payment_channel::ForceClose>(cosigned(0, 1, 1, {9000, 1000}), force_height),
                 opt::ChannelItem::of<payment_channel::CooperativeClose>(cosigned(0, 1, 1, {5000, 5000}, true), deadline + 1),
                 open(0, 2, 0, deadline + 1),
                 opt::ChannelItem::of<payment_channel::CooperativeClose>(cosigned(0, 1, 2, {5000, 5000}, true), deadline + 1),
                 opt::ChannelItem::of<payment_channel::Settle>(payment_channel::ChannelRef{id(0, 1)}, deadline + 1), open(2, 1, 0, deadline + 1),
                 fund(2, 1, 0, deadline + 2), opt::ChannelItem::of<payment_channel::ForceClose>(cosigned(2, 1, 0, {6000, 4000}), 400),
                 opt::ChannelItem::of<payment_channel::CooperativeClose>(cosigned(2, 1, 1, {1, 9999}, true), 401),
                 opt::ChannelItem::of<payment_channel::Challenge>(cosigned(2, 1, 2, {2, 9998}), 402), open(0, 2, 0, 403)},
                {ChannelError::none, ChannelError::none, ChannelError::none, ChannelError::coop_stale_sequence,
                 ChannelError::too_many_channels, ChannelError::none, ChannelError::settle_not_disputing,
                 ChannelError::none, ChannelError::none, ChannelError::none, ChannelError::none,
                 ChannelError::challenge_not_disputing, ChannelError::none});
}

TEST_F(ChannelHubTest, ApplyItemIsADropInForTheReference) {
  Adjudicator opened = empty;
  reference_fold(opened, {open(0, 1)});
  const Outcome funded = opt::apply_item(opened, fund(0, 1));
  ASSERT_TRUE(funded.ok());
  EXPECT_SAME_FIELDS(payment_channel::apply_fund(opened, payment_channel::FundInput{id(0, 1), 10000}, payment_channel::Env{101}).value(), funded.value());
  EXPECT_EQ(code(opt::apply_item(opened, fund(0, 1, 0, 1100)).error()), code(ChannelError::funding_expired));
  EXPECT_EQ(code(opt::apply_item(opened, fund(0, 1, 0, 101, 9999)).error()), code(ChannelError::fund_wrong_amount));
  EXPECT_EQ(code(opt::apply_item(empty, fund(0, 1)).error()), code(ChannelError::unknown_channel));
  const Outcome registered = opt::apply_item(empty, open(0, 1));
  ASSERT_TRUE(registered.ok());
  EXPECT_SAME_FIELDS(opened, registered.value());
  payment_channel::OpenInput unsigned_open = open_input(0, 1);
  unsigned_open.signatures = {};
  EXPECT_EQ(code(opt::apply_item(empty, opt::ChannelItem::of<payment_channel::Open>(unsigned_open, 100)).error()),
            code(ChannelError::bad_signature_0));
}

TEST_F(ChannelHubTest, OpNamesAreTheVectorOpNames) {
  // payment_channel.md#vector-operations, in the spec's order.
  const std::vector<std::string> spec_names = {"open",        "fund",      "update", "cooperative_close",
                                               "force_close", "challenge", "settle", "timeout"};
  ASSERT_EQ(payment_channel::channel_op_count, spec_names.size());
  for (std::size_t i = 0; i < spec_names.size(); ++i)
    EXPECT_EQ(opt::op_name(static_cast<opt::ChannelOp>(i)), spec_names[i]);
  const auto item = opt::ChannelItem::of<payment_channel::Challenge>(cosigned(0, 1, 1, {1, 9999}), 42);
  EXPECT_EQ(item.op(), payment_channel::op_code<payment_channel::Challenge>);
  EXPECT_EQ(opt::op_name(item.op()), "challenge");
  EXPECT_EQ(item.height(), 42u);
  EXPECT_TRUE(std::holds_alternative<OffChainTransaction>(item.input()));
  const auto fund_item = fund(0, 1, 0, 43, 12345);
  EXPECT_EQ(opt::op_name(fund_item.op()), "fund");
  ASSERT_TRUE(std::holds_alternative<payment_channel::FundInput>(fund_item.input()));
  EXPECT_EQ(std::get<payment_channel::FundInput>(fund_item.input()).value, 12345u);
}

// The hub verifies under keys parsed once (schnorr::parse_pubkey, verify_parsed); that must say
// valid exactly when schnorr::verify says none.
TEST_F(ChannelHubTest, ParsedKeyVerificationAgreesWithVerify) {
  const Hash32 digest = oracle::tagged_hash("test/message", l2::bytes_of("m"));
  const auto signature = oracle::sign(secret[0], digest, Hash32{}).value();
  const auto parsed = opt::schnorr::parse_pubkey(key[0]);
  ASSERT_TRUE(parsed.has_value());
  std::vector<l2::ByteArray<64>> signatures = {signature};
  signatures.push_back(signature);
  signatures.back()[63] ^= 1;  // the equation fails
  signatures.push_back(signature);
  std::fill(signatures.back().begin(), signatures.back().begin() + 32, l2::u8{0xFF});  // r >= p
  signatures.push_back(signature);
  std::fill(signatures.back().begin() + 32, signatures.back().end(), l2::u8{0xFF});  // s >= n
  for (const auto& s : signatures) {
    EXPECT_EQ(opt::schnorr::verify_parsed(*parsed, digest, s),
              opt::schnorr::verify(key[0], digest, s) == l2::PrimitiveError::none);
  }
  EXPECT_TRUE(opt::schnorr::verify_parsed(*parsed, digest, signature));
  EXPECT_FALSE(opt::schnorr::verify_parsed(*opt::schnorr::parse_pubkey(key[1]), digest, signature));
  EXPECT_FALSE(opt::schnorr::parse_pubkey(Hash32{}).has_value());
  EXPECT_EQ(opt::schnorr::verify(Hash32{}, digest, signature), l2::PrimitiveError::sig_pubkey_not_on_curve);
}

}  // namespace
