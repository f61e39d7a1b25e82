// Channel factories with real BIP-340 signatures, made by libsecp256k1 (independent of the
// reference's verifier): registration and allocation accept and reject per rule, a rejection
// changes nothing, the digests hash exactly the documented bytes (checked against libsecp256k1's
// tagged hash over bytes laid out by hand here), and factory conservation holds after allocation
// and through the sub-channels' own lifecycle.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "l2/ref/channel_factory.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/spec_rule_table.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::FactoryError;
using l2::Hash32;
using l2::u64;
namespace pc = l2::ref::payment_channel;
namespace pcf = l2::ref::channel_factory;
namespace oracle = l2::test::libsecp256k1;
using pc::ChannelState;
using pc::Env;
using pcf::AllocateInput;
using pcf::ChannelTemplate;
using pcf::FactoryRegistry;

constexpr u64 chain = 7;
constexpr u64 deposit = 30000;
constexpr u64 fee = 500;

class ChannelFactoryTest : public ::testing::Test {
 protected:
  ChannelFactoryTest() {
    const Bytes seed = l2::bytes_of("channel_factory_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    empty.adjudicator.chain_id = chain;
    empty.adjudicator.adjudicator_id = l2::ref::tagged_hash("test/adjudicator", seed);
    empty.adjudicator.config = pc::Layer2Config{2, 1000, 144, 1000, 1'000'000};
  }

  std::vector<Hash32> members() const { return {key[0], key[1], key[2]}; }
  Hash32 factory(u64 nonce = 0) const {
    return pcf::factory_id(chain, empty.adjudicator.adjudicator_id, members(), nonce);
  }
  FactoryRegistry registered(u64 deposited = deposit, u64 factory_fee = fee, u64 nonce = 0,
                             const FactoryRegistry* from = nullptr) const {
    return pcf::apply_register_factory(from ? *from : empty,
                                       pcf::RegisterFactoryInput{members(), deposited, factory_fee, nonce, Hash32{0xd0}},
                                       Env{100})
        .value();
  }
  ChannelTemplate sub(std::size_t a, std::size_t b, std::array<u64, 2> balances, u64 nonce = 0) const {
    return ChannelTemplate{{key[a], key[b]}, balances, balances[0] + balances[1], nonce};
  }
  std::vector<ChannelTemplate> exact() const {
    return {sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 500})};
  }
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  AllocateInput allocation(const std::vector<ChannelTemplate>& channels, u64 nonce = 0, u64 deposited = deposit,
                           u64 factory_fee = fee, u64 signed_chain = chain) const {
    const Hash32 d = pcf::allocation_digest(signed_chain, factory(nonce), deposited, factory_fee, channels);
    return AllocateInput{factory(nonce), channels, {sign(0, d), sign(1, d), sign(2, d)}};
  }
  FactoryError allocate_error(const FactoryRegistry& r, const AllocateInput& in) const {
    const auto result = pcf::apply_allocate(r, in, Env{101});
    return result.ok() ? FactoryError::none : result.error();
  }

  Hash32 secret[4]{};
  Hash32 key[4]{};
  FactoryRegistry empty{};
};

template <class Apply>
void expect_rejected(const FactoryRegistry& state, FactoryError expected, Apply apply) {
  const FactoryRegistry before = state;
  const auto result = apply(state);
  ASSERT_FALSE(result.ok()) << "expected " << l2::error_info(expected).code;
  EXPECT_EQ(l2::error_info(result.error()).code, l2::error_info(expected).code);
  L2_EXPECT_FIELDS_EQ(before, state);
}

// deposited == fee + the capacities of used_channels, summed without overflow; every used channel
// exists exactly once in the adjudicator.
::testing::AssertionResult conserved(const FactoryRegistry& r) {
  for (const pcf::ChannelFactory& f : r.factories) {
    if (f.fee > f.deposited_amount) return ::testing::AssertionFailure() << "fee above deposit";
    if (f.used_channels.empty()) continue;
    u64 total = f.fee;
    for (const Hash32& id : f.used_channels) {
      std::size_t found = 0;
      for (const pc::PaymentChannel& c : r.adjudicator.channels)
        if (c.channel_id == id) {
          ++found;
          if (total > l2::u64_max - c.total_capacity) return ::testing::AssertionFailure() << "sum overflows";
          total += c.total_capacity;
        }
      if (found != 1) return ::testing::AssertionFailure() << "a used channel appears " << found << " times";
    }
    if (total != f.deposited_amount)
      return ::testing::AssertionFailure() << "fee + capacities " << total << " != deposit " << f.deposited_amount;
  }
  return ::testing::AssertionSuccess();
}

// ---- error codes match the spec's rule tables ----

TEST(ChannelFactoryErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_factory_errors, "channel_factory.md", "PCF");
}

// ---- identifiers and digests ----

TEST_F(ChannelFactoryTest, IdsAndDigestHashTheDocumentedBytes) {
  // factory_id: 8-byte chain_id || 32-byte adjudicator_id || u32 count || keys || 8-byte nonce.
  Bytes preimage;
  l2::put_u64_be(preimage, chain);
  l2::append(preimage, empty.adjudicator.adjudicator_id);
  preimage.insert(preimage.end(), {0, 0, 0, 3});
  for (std::size_t i = 0; i < 3; ++i) l2::append(preimage, key[i]);
  l2::put_u64_be(preimage, 9);
  ASSERT_EQ(preimage.size(), 8u + 32u + 4u + 96u + 8u);
  EXPECT_EQ(factory(9), oracle::tagged_hash("L2/channel_factory/id", preimage));

  // sub_channel_id: 32-byte factory_id || two 32-byte keys || 8-byte nonce = 104 bytes.
  Bytes sub_preimage;
  l2::append(sub_preimage, factory());
  l2::append(sub_preimage, key[2]);
  l2::append(sub_preimage, key[0]);
  l2::put_u64_be(sub_preimage, 0x0102030405060708);
  ASSERT_EQ(sub_preimage.size(), 104u);
  EXPECT_EQ(pcf::sub_channel_id(factory(), {key[2], key[0]}, 0x0102030405060708),
            oracle::tagged_hash("L2/channel_factory/sub_channel", sub_preimage));

  // allocation_digest: chain_id || factory_id || deposited_amount || fee || u32 count || per
  // template: two keys, two balances, capacity, nonce (96 bytes).
  const std::vector<ChannelTemplate> two = {sub(0, 1, {6000, 4000}, 3), sub(1, 2, {l2::u64_max, 0})};
  Bytes body;
  l2::put_u64_be(body, chain);
  l2::append(body, factory());
  l2::put_u64_be(body, deposit);
  l2::put_u64_be(body, fee);
  body.insert(body.end(), {0, 0, 0, 2});
  for (const ChannelTemplate& t : two) {
    l2::append(body, t.participants[0]);
    l2::append(body, t.participants[1]);
    l2::put_u64_be(body, t.balances[0]);
    l2::put_u64_be(body, t.balances[1]);
    l2::put_u64_be(body, t.total_capacity);
    l2::put_u64_be(body, t.nonce);
  }
  ASSERT_EQ(body.size(), 8u + 32u + 8u + 8u + 4u + 2u * 96u);
  EXPECT_EQ(pcf::allocation_digest(chain, factory(), deposit, fee, two),
            oracle::tagged_hash("L2/channel_factory/allocation", body));

  const FactoryRegistry r = registered();
  EXPECT_EQ(pcf::state_root(r), oracle::tagged_hash("L2/channel_factory/registry", l2::reflect::encode(r)));
}

// ---- apply_register_factory [PCF-REG-1 .. PCF-REG-4] ----

TEST_F(ChannelFactoryTest, RegisterRecordsTheDeposit) {
  const FactoryRegistry r = registered();
  ASSERT_EQ(r.factories.size(), 1u);
  const pcf::ChannelFactory& f = r.factories[0];
  EXPECT_EQ(f.factory_id, factory());
  EXPECT_EQ(f.participants, members());
  EXPECT_EQ(f.deposited_amount, deposit);
  EXPECT_EQ(f.fee, fee);
  EXPECT_EQ(f.deposit_tx_hash, Hash32{0xd0});
  EXPECT_TRUE(f.used_channels.empty());
  EXPECT_TRUE(r.adjudicator.channels.empty());
}

TEST_F(ChannelFactoryTest, RegisterRejections) {
  const auto reg = [&](std::vector<Hash32> participants, u64 deposited, u64 factory_fee) {
    return [=](const FactoryRegistry& s) {
      return pcf::apply_register_factory(s, pcf::RegisterFactoryInput{participants, deposited, factory_fee, 0, Hash32{}}, Env{100});
    };
  };
  expect_rejected(empty, FactoryError::participant_count, reg({key[0]}, deposit, fee));
  expect_rejected(empty, FactoryError::participant_count, reg({}, deposit, fee));
  std::vector<Hash32> sixteen, seventeen;
  for (l2::u8 i = 1; i <= 17; ++i) (i <= 16 ? sixteen : seventeen).push_back(Hash32{i});
  seventeen.insert(seventeen.begin(), sixteen.begin(), sixteen.end());
  EXPECT_TRUE(reg(sixteen, deposit, fee)(empty).ok());
  expect_rejected(empty, FactoryError::participant_count, reg(seventeen, deposit, fee));
  expect_rejected(empty, FactoryError::duplicate_participant, reg({key[0], key[1], key[0]}, deposit, fee));
  EXPECT_TRUE(reg({key[0], key[1]}, deposit, deposit)(empty).ok());
  expect_rejected(empty, FactoryError::fee_above_deposit, reg({key[0], key[1]}, deposit, deposit + 1));
  expect_rejected(registered(), FactoryError::duplicate_factory, reg(members(), 1, 0));
}

// ---- apply_allocate [PCF-FAC-1, PCF-ALLOC-1 .. 5, PCF-SUB-1 .. 8, PCF-SIG-1 .. 2] ----

TEST_F(ChannelFactoryTest, ExactAllocationFundsActiveSubChannels) {
  const FactoryRegistry r = pcf::apply_allocate(registered(), allocation(exact()), Env{101}).value();
  ASSERT_EQ(r.adjudicator.channels.size(), 3u);
  ASSERT_EQ(r.factories[0].used_channels.size(), 3u);
  const std::vector<ChannelTemplate> templates = exact();
  for (std::size_t i = 0; i < 3; ++i) {
    const pc::PaymentChannel& c = r.adjudicator.channels[i];
    const ChannelTemplate& t = templates[i];
    EXPECT_EQ(c.channel_id, pcf::sub_channel_id(factory(), t.participants, t.nonce));
    EXPECT_EQ(r.factories[0].used_channels[i], c.channel_id);
    EXPECT_EQ(c.participants, t.participants);
    EXPECT_EQ(c.balances, t.balances);
    EXPECT_EQ(c.total_capacity, t.total_capacity);
    EXPECT_EQ(c.state, ChannelState::active);
    EXPECT_EQ(c.sequence, 0u);
    EXPECT_EQ(c.created_at, 101u);
    EXPECT_EQ(c.timeout_height, 1101u);
    EXPECT_EQ(c.funding_tx_hash, Hash32{0xd0});
  }
  EXPECT_TRUE(conserved(r));
}

TEST_F(ChannelFactoryTest, AllocationMustMatchTheDepositExactly) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(allocate_error(r, allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 499})})),
            FactoryError::under_allocation);
  EXPECT_EQ(allocate_error(r, allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 501})})),
            FactoryError::over_allocation);
  EXPECT_EQ(allocate_error(r, allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {19000, 500})})),
            FactoryError::over_allocation);
  expect_rejected(r, FactoryError::under_allocation, [&](const FactoryRegistry& s) {
    return pcf::apply_allocate(s, allocation({sub(0, 1, {6000, 4000})}), Env{101});
  });
}

TEST_F(ChannelFactoryTest, CapacityPlusFeeOverflowIsItsOwnError) {
  FactoryRegistry unbounded = empty;
  unbounded.adjudicator.config.max_channel_capacity = l2::u64_max;
  // 500 + UINT64_MAX + 29501 is 30000 modulo 2^64: a wrapping sum would accept it.
  const FactoryRegistry r = registered(deposit, fee, 0, &unbounded);
  expect_rejected(r, FactoryError::allocation_overflow, [&](const FactoryRegistry& s) {
    return pcf::apply_allocate(s, allocation({sub(0, 1, {l2::u64_max, 0}), sub(1, 2, {29501, 0})}), Env{101});
  });
  const FactoryRegistry max = registered(l2::u64_max, 1, 0, &unbounded);
  EXPECT_EQ(allocate_error(max, allocation({sub(0, 1, {l2::u64_max, 0})}, 0, l2::u64_max, 1)),
            FactoryError::allocation_overflow);
  const auto at_max = pcf::apply_allocate(max, allocation({sub(0, 1, {l2::u64_max - 2, 1})}, 0, l2::u64_max, 1), Env{101});
  ASSERT_TRUE(at_max.ok());
  EXPECT_TRUE(conserved(at_max.value()));
}

TEST_F(ChannelFactoryTest, EachDepositAndSubChannelIsUsedOnce) {
  const FactoryRegistry allocated = pcf::apply_allocate(registered(), allocation(exact()), Env{101}).value();
  expect_rejected(allocated, FactoryError::already_allocated, [&](const FactoryRegistry& s) {
    return pcf::apply_allocate(s, allocation({sub(0, 1, {14750, 0}, 5), sub(1, 2, {0, 14750}, 5)}), Env{102});
  });
  expect_rejected(registered(), FactoryError::duplicate_sub_channel, [&](const FactoryRegistry& s) {
    return pcf::apply_allocate(s, allocation({sub(0, 1, {14750, 0}), sub(0, 1, {0, 14750})}), Env{101});
  });
  // The same keys and nonce with the opposite order are another sub-channel.
  EXPECT_TRUE(pcf::apply_allocate(registered(), allocation({sub(0, 1, {14750, 0}), sub(1, 0, {0, 14750})}), Env{101}).ok());
  // A direct channel with the same keys and nonce does not collide: sub-channel ids bind the factory.
  FactoryRegistry direct = registered();
  direct.adjudicator = pc::apply_open(direct.adjudicator, pc::OpenInput{{key[0], key[1]}, {6000, 4000}, 10000, 0}, Env{100}).value();
  EXPECT_TRUE(pcf::apply_allocate(direct, allocation({sub(0, 1, {29500, 0})}), Env{101}).ok());
}

TEST_F(ChannelFactoryTest, AllocationStructuralRejections) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(allocate_error(r, allocation(exact(), 3)), FactoryError::unknown_factory);
  EXPECT_EQ(allocate_error(registered(fee, fee), allocation({}, 0, fee, fee)), FactoryError::empty_allocation);
  AllocateInput missing = allocation(exact());
  missing.signatures.pop_back();
  EXPECT_EQ(allocate_error(r, missing), FactoryError::signature_count);
  AllocateInput extra = allocation(exact());
  extra.signatures.push_back(extra.signatures[2]);
  EXPECT_EQ(allocate_error(r, extra), FactoryError::signature_count);
}

TEST_F(ChannelFactoryTest, SubChannelsFollowTheChannelRules) {
  const FactoryRegistry r = registered();
  const auto with_first = [&](const ChannelTemplate& first) {
    return allocation({first, sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 500})});
  };
  EXPECT_EQ(allocate_error(r, with_first(sub(1, 1, {6000, 4000}))), FactoryError::sub_same_participants);
  EXPECT_EQ(allocate_error(r, with_first(sub(0, 3, {6000, 4000}))), FactoryError::not_a_member);
  EXPECT_EQ(allocate_error(r, with_first(sub(3, 1, {6000, 4000}))), FactoryError::not_a_member);
  EXPECT_EQ(allocate_error(r, with_first(ChannelTemplate{{key[0], key[1]}, {l2::u64_max, 1}, 0, 0})),
            FactoryError::sub_balance_overflow);
  EXPECT_EQ(allocate_error(r, with_first(ChannelTemplate{{key[0], key[1]}, {6000, 4001}, 10000, 0})),
            FactoryError::sub_balance_mismatch);
  EXPECT_EQ(allocate_error(registered(1499), allocation({sub(0, 1, {999, 0})}, 0, 1499)), FactoryError::sub_capacity_too_small);
  EXPECT_EQ(allocate_error(registered(1500), allocation({sub(0, 1, {1000, 0})}, 0, 1500)), FactoryError::none);
  EXPECT_EQ(allocate_error(registered(1'000'501), allocation({sub(0, 1, {1'000'001, 0})}, 0, 1'000'501)),
            FactoryError::sub_capacity_too_large);
  EXPECT_EQ(allocate_error(registered(1'000'500), allocation({sub(0, 1, {1'000'000, 0})}, 0, 1'000'500)), FactoryError::none);
  // Key 0 in three sub-channels: the third breaks max_channels_per_user (2).
  EXPECT_EQ(allocate_error(registered(deposit + 1000), allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}),
                                                                   sub(2, 0, {9000, 500}), sub(0, 1, {500, 500}, 1)},
                                                                  0, deposit + 1000)),
            FactoryError::sub_too_many_channels);
}

TEST_F(ChannelFactoryTest, EveryParticipantMustSignTheExactAllocation) {
  const FactoryRegistry r = registered();
  for (std::size_t i = 0; i < 3; ++i) {
    AllocateInput in = allocation(exact());
    in.signatures[i][7] ^= 0x20;
    EXPECT_EQ(allocate_error(r, in), FactoryError::bad_signature) << "signature " << i;
  }
  AllocateInput swapped = allocation(exact());
  std::swap(swapped.signatures[0], swapped.signatures[2]);
  EXPECT_EQ(allocate_error(r, swapped), FactoryError::bad_signature);
  AllocateInput changed = allocation(exact());
  changed.channels[0].balances = {7000, 3000};
  EXPECT_EQ(allocate_error(r, changed), FactoryError::bad_signature);
  AllocateInput reordered = allocation(exact());
  std::swap(reordered.channels[0], reordered.channels[1]);
  EXPECT_EQ(allocate_error(r, reordered), FactoryError::bad_signature);
  EXPECT_EQ(allocate_error(r, allocation(exact(), 0, deposit, fee, chain + 1)), FactoryError::bad_signature);
  // The fee is signed: the same list signed for another fee does not verify.
  AllocateInput other_fee = allocation(exact(), 0, deposit, fee - 1);
  EXPECT_EQ(allocate_error(r, other_fee), FactoryError::bad_signature);
  // Replay to another factory of the same keys.
  const FactoryRegistry one = registered(10500, fee, 0);
  const FactoryRegistry two = registered(10500, fee, 1, &one);
  const AllocateInput for_first = allocation({sub(0, 1, {6000, 4000})}, 0, 10500);
  const FactoryRegistry after_first = pcf::apply_allocate(two, for_first, Env{101}).value();
  AllocateInput replay = for_first;
  replay.factory_id = factory(1);
  expect_rejected(after_first, FactoryError::bad_signature,
                  [&](const FactoryRegistry& s) { return pcf::apply_allocate(s, replay, Env{102}); });
}

TEST_F(ChannelFactoryTest, SubChannelsLiveAndSettleAsChannels) {
  FactoryRegistry r = pcf::apply_allocate(registered(), allocation(exact()), Env{101}).value();
  const Hash32 id = pcf::sub_channel_id(factory(), {key[1], key[2]}, 0);
  const auto cosigned = [&](u64 sequence, std::array<u64, 2> balances) {
    const Hash32 d = pc::state_digest(chain, id, sequence, balances);
    return pc::OffChainTransaction{id, sequence, balances, {sign(1, d), sign(2, d)}};
  };
  r.adjudicator = pc::apply_update(r.adjudicator, cosigned(1, {1, 9999}), Env{110}).value();
  r.adjudicator = pc::apply_force_close(r.adjudicator, cosigned(1, {1, 9999}), Env{200}).value();
  r.adjudicator = pc::apply_challenge(r.adjudicator, cosigned(2, {4000, 6000}), Env{300}).value();
  r.adjudicator = pc::apply_settle(r.adjudicator, pc::ChannelRef{id}, Env{344}).value();
  EXPECT_EQ(r.adjudicator.channels[1].state, ChannelState::settled);
  EXPECT_EQ(r.adjudicator.channels[1].balances, (std::array<u64, 2>{4000, 6000}));
  EXPECT_TRUE(conserved(r)) << "settling a sub-channel pays its capacity; the factory equation still holds";
  // Participant 0 is not in this sub-channel: its signature does not count.
  const Hash32 d = pc::state_digest(chain, pcf::sub_channel_id(factory(), {key[0], key[1]}, 0), 1, {0, 10000});
  EXPECT_EQ(pc::apply_update(r.adjudicator,
                             pc::OffChainTransaction{pcf::sub_channel_id(factory(), {key[0], key[1]}, 0), 1, {0, 10000},
                                                     {sign(0, d), sign(2, d)}},
                             Env{110})
                .error(),
            l2::ChannelError::bad_signature_1);
}

}  // namespace
