// Channel factories with real BIP-340 signatures, made by libsecp256k1 (independent of the
// reference's verifier): deployment, registration, allocation and refund accept at every rule's
// boundary and reject one step past it, in the spec's order; the identifiers and the digest hash
// exactly the documented bytes (checked against libsecp256k1's tagged hash over bytes laid out by
// hand here); each attack of the spec's "Attacks considered" is played out; and every deposit
// leaves exactly once, into fee plus sub-channels or back to its funder, never both.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/channel_factory.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/fields_eq.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Bytes;
using l2::ChannelError;
using l2::FactoryError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
namespace channel_factory = l2::ref::channel_factory;
namespace oracle = l2::test::libsecp256k1;
using payment_channel::ChannelState;
using payment_channel::Env;
using channel_factory::AllocateInput;
using channel_factory::ChannelTemplate;
using channel_factory::FactoryRegistry;
using channel_factory::RegisterFactoryInput;

constexpr u64 chain = 7;
constexpr u64 deposit = 30000;
constexpr u64 fee = 500;
constexpr u64 min_capacity = 1000;
constexpr u64 max_capacity = 1'000'000;
constexpr u64 window = 100;
constexpr u64 censorship_bound = 6;
constexpr u64 register_height = 100;
constexpr u64 allocate_height = 101;
constexpr u64 deadline = register_height + window;  // the first height that refuses allocation

// Keys 0, 1 and 2 are the factory's members, 3 an outsider (the attacker), 4 the funder.
constexpr std::size_t outsider = 3;
constexpr std::size_t funder = 4;

template <class T, class E>
std::string_view code_of(const l2::Result<T, E>& result) {
  return result.ok() ? std::string_view{"OK"} : l2::error_info(result.error()).code;
}
template <class E>
std::string_view code(E e) {
  return l2::error_info(e).code;
}

// The value of a step the scenario needs. A rejection fails the test and ends it (GoogleTest
// catches the exception): Result::value() of a rejection is a default value.
struct StepRejected : std::runtime_error {
  using std::runtime_error::runtime_error;
};
template <class T, class E>
T must(const l2::Result<T, E>& result, std::string_view step) {
  if (!result.ok())
    throw StepRejected(std::string(step) + " rejected: " + std::string(l2::error_info(result.error()).code));
  return result.value();
}

payment_channel::Layer2Config test_config() {
  payment_channel::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = 1000;
  config.dispute_period_blocks = 144;
  config.min_channel_capacity = min_capacity;
  config.max_channel_capacity = max_capacity;
  config.censorship_bound_blocks = censorship_bound;
  config.allocation_window_blocks = window;
  return config;
}

// deposited == fee + the capacities of used_channels, summed without overflow; every used channel
// is in the adjudicator exactly once and in one factory only; an allocated factory is not refunded.
::testing::AssertionResult conserved(const FactoryRegistry& r) {
  std::vector<Hash32> all_used;
  for (const channel_factory::ChannelFactory& f : r.factories) {
    if (f.fee > f.deposited_amount) return ::testing::AssertionFailure() << "fee above deposit";
    if (f.used_channels.empty()) continue;
    if (f.refunded) return ::testing::AssertionFailure() << "allocated and refunded";
    u64 total = f.fee;
    for (const Hash32& id : f.used_channels) {
      for (const Hash32& seen : all_used)
        if (seen == id) return ::testing::AssertionFailure() << "a sub-channel id is used twice";
      all_used.push_back(id);
      std::size_t found = 0;
      for (const payment_channel::PaymentChannel& c : r.adjudicator.channels)
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

class ChannelFactoryTest : public ::testing::Test {
 protected:
  ChannelFactoryTest() {
    const Bytes seed = l2::bytes_of("channel_factory_test");
    for (l2::u32 i = 0; i < 5; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    adjudicator_id = oracle::tagged_hash("test/adjudicator", seed);
    empty = must(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, test_config()}), "deploy");
  }

  std::vector<Hash32> members() const { return {key[0], key[1], key[2]}; }
  // The group's registration: members 0, 1, 2; paid in full by the funder.
  RegisterFactoryInput terms(u64 deposited = deposit, u64 factory_fee = fee, u64 nonce = 0) const {
    return RegisterFactoryInput{members(), deposited, factory_fee, key[funder], nonce, deposited};
  }
  Hash32 factory(const RegisterFactoryInput& t) const { return channel_factory::factory_id(chain, adjudicator_id, t); }
  Hash32 factory() const { return factory(terms()); }
  FactoryRegistry registered(const RegisterFactoryInput& t, const FactoryRegistry& from, u64 height = register_height) const {
    return must(channel_factory::apply_register_factory(from, t, Env{height}), "register_factory");
  }
  FactoryRegistry registered(const RegisterFactoryInput& t) const { return registered(t, empty); }
  FactoryRegistry registered() const { return registered(terms()); }

  ChannelTemplate sub(std::size_t a, std::size_t b, std::array<u64, 2> balances, u64 nonce = 0) const {
    return ChannelTemplate{{key[a], key[b]}, balances, balances[0] + balances[1], nonce};
  }
  // 10000 + 10000 + 9500 + fee 500 = 30000; every member in exactly two sub-channels.
  std::vector<ChannelTemplate> exact() const {
    return {sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 500})};
  }
  payment_channel::Signature sign(std::size_t signer, const Hash32& digest) const {
    return oracle::sign(secret[signer], digest, Hash32{}).value();
  }
  // The allocation signed by members 0, 1, 2 for the factory of `t`.
  AllocateInput allocation(const std::vector<ChannelTemplate>& channels, const RegisterFactoryInput& t,
                           u64 signed_chain = chain) const {
    const Hash32 d = channel_factory::allocation_digest(signed_chain, factory(t), t.deposited_amount, t.fee, channels);
    return AllocateInput{factory(t), channels, {sign(0, d), sign(1, d), sign(2, d)}};
  }
  AllocateInput allocation(const std::vector<ChannelTemplate>& channels) const { return allocation(channels, terms()); }
  static l2::Result<FactoryRegistry, FactoryError> allocate(const FactoryRegistry& r, const AllocateInput& in,
                                                           u64 height = allocate_height) {
    return channel_factory::apply_allocate(r, in, Env{height});
  }
  static l2::Result<FactoryRegistry, FactoryError> refund(const FactoryRegistry& r, const Hash32& id, u64 height) {
    return channel_factory::apply_refund_factory(r, channel_factory::FactoryRef{id}, Env{height});
  }
  // A direct channel between keys a and b, its opening state signed by both.
  FactoryRegistry open_direct(const FactoryRegistry& r, std::size_t a, std::size_t b, u64 nonce, u64 height = 100) const {
    const std::array<Hash32, 2> pair{key[a], key[b]};
    const Hash32 d = payment_channel::state_digest(chain, payment_channel::channel_id(chain, adjudicator_id, pair, nonce), 0, {6000, 4000});
    return must(channel_factory::OnRegistryAdjudicator<payment_channel::Open>::apply(
                    r, payment_channel::OpenInput{pair, {6000, 4000}, 10000, nonce, {sign(a, d), sign(b, d)}}, Env{height}),
                "open");
  }

  Hash32 secret[5]{};
  Hash32 key[5]{};
  Hash32 adjudicator_id{};
  FactoryRegistry empty{};
};

// ---- error codes match the spec's rule tables ----

TEST(ChannelFactoryErrors, EveryCodeIsARowOfTheSpecAndDistinct) {
  l2::test::expect_rule_table_matches(l2::all_factory_errors, "channel_factory.md", "PCF");
}

// ---- identifiers and digests ----

TEST_F(ChannelFactoryTest, IdsAndDigestHashTheDocumentedBytes) {
  // factory_id: chain_id || adjudicator_id || u32 count || keys || nonce || deposited_amount || fee
  // || funder.
  Bytes preimage;
  l2::put_u64_be(preimage, chain);
  l2::append(preimage, adjudicator_id);
  l2::put_u32_be(preimage, 3);
  for (std::size_t i = 0; i < 3; ++i) l2::append(preimage, key[i]);
  l2::put_u64_be(preimage, 9);
  l2::put_u64_be(preimage, deposit);
  l2::put_u64_be(preimage, fee);
  l2::append(preimage, key[funder]);
  ASSERT_EQ(preimage.size(), 8u + 32u + 4u + 96u + 8u + 8u + 8u + 32u);
  EXPECT_EQ(factory(terms(deposit, fee, 9)), oracle::tagged_hash("L2/channel_factory/id", preimage));

  // sub_channel_id: factory_id || two keys || nonce = 104 bytes.
  Bytes sub_preimage;
  l2::append(sub_preimage, factory());
  l2::append(sub_preimage, key[2]);
  l2::append(sub_preimage, key[0]);
  l2::put_u64_be(sub_preimage, 0x0102030405060708);
  ASSERT_EQ(sub_preimage.size(), 104u);
  EXPECT_EQ(channel_factory::sub_channel_id(factory(), {key[2], key[0]}, 0x0102030405060708),
            oracle::tagged_hash("L2/channel_factory/sub_channel", sub_preimage));

  // allocation_digest: chain_id || factory_id || deposited_amount || fee || u32 count || per
  // template: two keys, two balances, capacity, nonce (96 bytes).
  const std::vector<ChannelTemplate> two = {sub(0, 1, {6000, 4000}, 3), sub(1, 2, {l2::u64_max, 0})};
  Bytes body;
  l2::put_u64_be(body, chain);
  l2::append(body, factory());
  l2::put_u64_be(body, deposit);
  l2::put_u64_be(body, fee);
  l2::put_u32_be(body, 2);
  for (const ChannelTemplate& t : two) {
    l2::append(body, t.participants[0]);
    l2::append(body, t.participants[1]);
    l2::put_u64_be(body, t.balances[0]);
    l2::put_u64_be(body, t.balances[1]);
    l2::put_u64_be(body, t.total_capacity);
    l2::put_u64_be(body, t.nonce);
  }
  ASSERT_EQ(body.size(), 8u + 32u + 8u + 8u + 4u + 2u * 96u);
  EXPECT_EQ(channel_factory::allocation_digest(chain, factory(), deposit, fee, two),
            oracle::tagged_hash("L2/channel_factory/allocation", body));

  const FactoryRegistry r = registered();
  EXPECT_EQ(channel_factory::state_root(r), oracle::tagged_hash("L2/channel_factory/registry", l2::reflect::encode(r)));
}

TEST_F(ChannelFactoryTest, FactoryIdBindsEveryTermButTheValuePaid) {
  const Hash32 id = factory();
  RegisterFactoryInput t = terms();
  t.value = 1;
  EXPECT_EQ(factory(t), id) << "the value paid is not a term: a wrong value is refused by PCF-REG-6, not another id";
  EXPECT_NE(factory(terms(deposit + 1)), id);
  EXPECT_NE(factory(terms(deposit, fee + 1)), id);
  EXPECT_NE(factory(terms(deposit, fee, 1)), id);
  t = terms();
  t.funder = key[outsider];
  EXPECT_NE(factory(t), id);
  t = terms();
  std::swap(t.participants[0], t.participants[1]);
  EXPECT_NE(factory(t), id) << "the order of the participants is the order of the signatures";
  EXPECT_NE(channel_factory::factory_id(chain + 1, adjudicator_id, terms()), id);
  EXPECT_NE(channel_factory::factory_id(chain, key[outsider], terms()), id);
}

// ---- deploy (payment_channel.md#deploy, PC-DEPLOY-6 for the allocation window) ----

TEST_F(ChannelFactoryTest, DeployEmbedsAFreshAdjudicatorAndNoFactory) {
  const auto deployed = channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, test_config()});
  ASSERT_TRUE(deployed.ok());
  EXPECT_TRUE(deployed.value().factories.empty());
  EXPECT_TRUE(deployed.value().adjudicator.channels.empty());
  EXPECT_EQ(deployed.value().adjudicator.chain_id, chain);
  EXPECT_EQ(deployed.value().adjudicator.adjudicator_id, adjudicator_id);
  L2_EXPECT_FIELDS_EQ(deployed.value().adjudicator.config, test_config());
}

TEST_F(ChannelFactoryTest, DeployAllocationWindowBoundary) {
  for (const u64 w : {u64{0}, censorship_bound - 1, censorship_bound, censorship_bound + 1}) {
    payment_channel::Layer2Config config = test_config();
    config.allocation_window_blocks = w;
    EXPECT_EQ(code_of(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, config})),
              w > censorship_bound ? "OK" : code(ChannelError::config_allocation_window))
        << "window " << w;
  }
  // The other deployment rules are the adjudicator's and come first.
  payment_channel::Layer2Config no_bound = test_config();
  no_bound.censorship_bound_blocks = 0;
  no_bound.allocation_window_blocks = 0;
  EXPECT_EQ(code_of(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, no_bound})), code(ChannelError::config_censorship_bound));
  payment_channel::Layer2Config no_range = test_config();
  no_range.min_channel_capacity = 0;
  EXPECT_EQ(code_of(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, no_range})), code(ChannelError::config_capacity_range));
}

// ---- apply_register_factory [PCF-REG-1 .. PCF-REG-6] ----

TEST_F(ChannelFactoryTest, RegisterRecordsTheTermsAndTheDeadline) {
  const FactoryRegistry r = registered();
  ASSERT_EQ(r.factories.size(), 1u);
  const channel_factory::ChannelFactory& f = r.factories[0];
  EXPECT_EQ(f.factory_id, factory());
  EXPECT_EQ(f.participants, members());
  EXPECT_EQ(f.deposited_amount, deposit);
  EXPECT_EQ(f.fee, fee);
  EXPECT_EQ(f.funder, key[funder]);
  EXPECT_EQ(f.allocation_deadline, deadline);
  EXPECT_TRUE(f.used_channels.empty());
  EXPECT_FALSE(f.refunded);
  L2_EXPECT_FIELDS_EQ(r.adjudicator, empty.adjudicator);
}

TEST_F(ChannelFactoryTest, RegisterAllocationDeadlineSaturates) {
  // min(height + allocation_window_blocks, UINT64_MAX): a wrapping sum would put the deadline in
  // the past and let anyone refund at once.
  EXPECT_EQ(registered(terms(), empty, l2::u64_max - window - 1).factories[0].allocation_deadline, l2::u64_max - 1);
  EXPECT_EQ(registered(terms(), empty, l2::u64_max - window).factories[0].allocation_deadline, l2::u64_max);
  EXPECT_EQ(registered(terms(), empty, l2::u64_max - window + 1).factories[0].allocation_deadline, l2::u64_max);
  EXPECT_EQ(registered(terms(), empty, l2::u64_max).factories[0].allocation_deadline, l2::u64_max);
}

TEST_F(ChannelFactoryTest, RegisterParticipantCountBoundary) {
  std::vector<Hash32> many;
  for (l2::u8 i = 1; i <= 17; ++i) many.push_back(Hash32{i});
  for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{15},
                                  std::size_t{16}, std::size_t{17}}) {
    RegisterFactoryInput t = terms();
    t.participants.assign(many.begin(), many.begin() + static_cast<std::ptrdiff_t>(count));
    const bool fits = count >= 2 && count <= channel_factory::max_factory_participants;
    EXPECT_EQ(code_of(channel_factory::apply_register_factory(empty, t, Env{register_height})),
              fits ? "OK" : code(FactoryError::participant_count))
        << count << " participants";
  }
  EXPECT_EQ(channel_factory::max_factory_participants, 16u);
}

TEST_F(ChannelFactoryTest, RegisterParticipantsMustBeDistinct) {
  for (const std::vector<Hash32>& participants : {std::vector<Hash32>{key[0], key[0]},
                                                  std::vector<Hash32>{key[0], key[1], key[0]},
                                                  std::vector<Hash32>{key[0], key[1], key[1]}}) {
    RegisterFactoryInput t = terms();
    t.participants = participants;
    EXPECT_EQ(code_of(channel_factory::apply_register_factory(empty, t, Env{register_height})), code(FactoryError::duplicate_participant));
  }
}

TEST_F(ChannelFactoryTest, RegisterFeeBoundary) {
  const auto reg = [&](u64 deposited, u64 factory_fee) {
    return code_of(channel_factory::apply_register_factory(empty, terms(deposited, factory_fee), Env{register_height}));
  };
  EXPECT_EQ(reg(deposit, deposit + 1), code(FactoryError::fee_above_deposit));
  EXPECT_EQ(reg(deposit, l2::u64_max), code(FactoryError::fee_above_deposit));
  // fee == deposit passes PCF-REG-3, then nothing is left for a sub-channel (PCF-REG-5).
  EXPECT_EQ(reg(deposit, deposit), code(FactoryError::deposit_too_small));
  EXPECT_EQ(reg(deposit, deposit - min_capacity), "OK");
  EXPECT_EQ(reg(deposit, 0), "OK");
}

TEST_F(ChannelFactoryTest, RegisterDepositTooSmallBoundary) {
  const auto reg = [&](u64 deposited, u64 factory_fee) {
    return code_of(channel_factory::apply_register_factory(empty, terms(deposited, factory_fee), Env{register_height}));
  };
  EXPECT_EQ(reg(min_capacity - 1, 0), code(FactoryError::deposit_too_small));
  EXPECT_EQ(reg(min_capacity, 0), "OK");
  EXPECT_EQ(reg(min_capacity + 1, 0), "OK");
  EXPECT_EQ(reg(fee + min_capacity - 1, fee), code(FactoryError::deposit_too_small));
  EXPECT_EQ(reg(fee + min_capacity, fee), "OK");
  EXPECT_EQ(reg(l2::u64_max, l2::u64_max - min_capacity + 1), code(FactoryError::deposit_too_small));
  EXPECT_EQ(reg(l2::u64_max, l2::u64_max - min_capacity), "OK");
}

TEST_F(ChannelFactoryTest, RegisterValueMustBeTheDeposit) {
  // A deposit reported but not paid, or paid once for two factories.
  for (const u64 value : {u64{0}, deposit - 1, deposit, deposit + 1, l2::u64_max}) {
    RegisterFactoryInput t = terms();
    t.value = value;
    EXPECT_EQ(code_of(channel_factory::apply_register_factory(empty, t, Env{register_height})),
              value == deposit ? "OK" : code(FactoryError::deposit_wrong_amount))
        << "value " << value;
  }
}

TEST_F(ChannelFactoryTest, RegisterTheSameTermsTwiceIsADuplicate) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(code_of(channel_factory::apply_register_factory(r, terms(), Env{register_height + 1})), code(FactoryError::duplicate_factory));
  // Any other term is another factory.
  RegisterFactoryInput other_funder = terms();
  other_funder.funder = key[outsider];
  for (const RegisterFactoryInput& t : {terms(deposit, fee, 1), terms(deposit + 1), terms(deposit, fee + 1), other_funder})
    EXPECT_EQ(code_of(channel_factory::apply_register_factory(r, t, Env{register_height + 1})), "OK");
}

TEST_F(ChannelFactoryTest, RegisterRulesAreCheckedInSpecOrder) {
  const auto reg_code = [&](const FactoryRegistry& r, RegisterFactoryInput t) {
    return code_of(channel_factory::apply_register_factory(r, t, Env{register_height}));
  };
  RegisterFactoryInput t = terms(deposit, deposit + 1);
  t.participants = {key[0]};
  EXPECT_EQ(reg_code(empty, t), code(FactoryError::participant_count)) << "PCF-REG-1 before PCF-REG-3";
  t.participants = {key[0], key[0]};
  EXPECT_EQ(reg_code(empty, t), code(FactoryError::duplicate_participant)) << "PCF-REG-2 before PCF-REG-3";
  t = terms(deposit, deposit + 1);
  t.value = 0;
  EXPECT_EQ(reg_code(empty, t), code(FactoryError::fee_above_deposit)) << "PCF-REG-3 before PCF-REG-6";
  t = terms(min_capacity - 1, 0);
  t.value = 0;
  EXPECT_EQ(reg_code(empty, t), code(FactoryError::deposit_too_small)) << "PCF-REG-5 before PCF-REG-6";
  t = terms();
  t.value = deposit - 1;
  EXPECT_EQ(reg_code(registered(), t), code(FactoryError::deposit_wrong_amount)) << "PCF-REG-6 before PCF-REG-4";
}

TEST_F(ChannelFactoryTest, SquattingRegistrationIsAnotherFactory) {
  // Review finding 2: the attacker registers the victims' participants and nonce with a dust
  // deposit, no fee and itself as funder. Its factory has another id; the victims register theirs,
  // and their allocation, signed before any deposit was paid, goes through.
  const AllocateInput presigned = allocation(exact());
  RegisterFactoryInput dust{members(), min_capacity, 0, key[outsider], 0, min_capacity};
  const FactoryRegistry squatted = registered(dust);
  EXPECT_NE(squatted.factories[0].factory_id, factory());
  const FactoryRegistry both = registered(terms(), squatted);
  const FactoryRegistry allocated = must(allocate(both, presigned), "allocate");
  EXPECT_EQ(allocated.factories[1].used_channels.size(), 3u);
  EXPECT_TRUE(allocated.factories[0].used_channels.empty()) << "the dust factory is untouched";
  EXPECT_TRUE(conserved(allocated));
  // The pre-signed allocation does not balance against the dust factory, and is not its members'
  // consent to anything there.
  AllocateInput onto_dust = presigned;
  onto_dust.factory_id = squatted.factories[0].factory_id;
  EXPECT_EQ(code_of(allocate(both, onto_dust)), code(FactoryError::over_allocation));
}

TEST_F(ChannelFactoryTest, AFrontRunnerRegisteringTheSameTermsPaysForTheGroupsFactory) {
  // The attacker submits the group's exact registration first, paying the deposit itself. The
  // group's factory exists with the group's funder; the group's own registration fails and takes
  // no value; the allocation works.
  const FactoryRegistry front_run = registered(terms());
  EXPECT_EQ(front_run.factories[0].funder, key[funder]) << "the id binds the funder: the front-runner cannot redirect it";
  EXPECT_EQ(code_of(channel_factory::apply_register_factory(front_run, terms(), Env{register_height + 1})),
            code(FactoryError::duplicate_factory));
  EXPECT_TRUE(allocate(front_run, allocation(exact())).ok());
}

// ---- apply_allocate [PCF-FAC-1, PCF-ALLOC-1 .. 6, PCF-SUB-1 .. 6, PCF-SUB-8, PCF-SIG-1 .. 2] ----

TEST_F(ChannelFactoryTest, ExactAllocationFundsActiveSubChannels) {
  const FactoryRegistry r = must(allocate(registered(), allocation(exact())), "allocate");
  ASSERT_EQ(r.adjudicator.channels.size(), 3u);
  ASSERT_EQ(r.factories[0].used_channels.size(), 3u);
  const std::vector<ChannelTemplate> templates = exact();
  for (std::size_t i = 0; i < 3; ++i) {
    const payment_channel::PaymentChannel& c = r.adjudicator.channels[i];
    const ChannelTemplate& t = templates[i];
    EXPECT_EQ(c.channel_id, channel_factory::sub_channel_id(factory(), t.participants, t.nonce));
    EXPECT_EQ(r.factories[0].used_channels[i], c.channel_id);
    EXPECT_EQ(c.participants, t.participants);
    EXPECT_EQ(c.balances, t.balances);
    EXPECT_EQ(c.total_capacity, t.total_capacity);
    EXPECT_EQ(c.state, ChannelState::active);
    EXPECT_EQ(c.sequence, 0u);
    EXPECT_EQ(c.created_at, allocate_height);
    EXPECT_EQ(c.timeout_height, allocate_height + 1000);
    EXPECT_EQ(c.dispute_deadline, 0u);
  }
  EXPECT_FALSE(r.factories[0].refunded);
  EXPECT_EQ(r.factories[0].allocation_deadline, deadline);
  EXPECT_TRUE(conserved(r));
}

TEST_F(ChannelFactoryTest, AllocationDeadlineBoundary) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), register_height)), "OK") << "in the registration's own block";
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), deadline - 1)), "OK");
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), deadline)), code(FactoryError::allocation_too_late));
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), deadline + 1)), code(FactoryError::allocation_too_late));
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), l2::u64_max)), code(FactoryError::allocation_too_late));
  // An allocation sent after the registration lands within the censorship bound: in time.
  EXPECT_EQ(code_of(allocate(r, allocation(exact()), register_height + censorship_bound)), "OK");
}

TEST_F(ChannelFactoryTest, AllocationMustMatchTheDepositExactly) {
  const FactoryRegistry r = registered();
  const auto third = [&](u64 to_0) {
    return allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {to_0, 500})});
  };
  EXPECT_EQ(code_of(allocate(r, third(8999))), code(FactoryError::under_allocation)) << "total = deposit - 1";
  EXPECT_EQ(code_of(allocate(r, third(9000))), "OK") << "total = deposit";
  EXPECT_EQ(code_of(allocate(r, third(9001))), code(FactoryError::over_allocation)) << "total = deposit + 1";
  EXPECT_EQ(code_of(allocate(r, third(19000))), code(FactoryError::over_allocation));
  EXPECT_EQ(code_of(allocate(r, allocation({sub(0, 1, {6000, 4000})}))), code(FactoryError::under_allocation));
  // With no fee, one sub-channel of the whole deposit.
  const RegisterFactoryInput no_fee = terms(deposit, 0);
  EXPECT_EQ(code_of(allocate(registered(no_fee), allocation({sub(0, 1, {deposit, 0})}, no_fee))), "OK");
}

TEST_F(ChannelFactoryTest, CapacityPlusFeeOverflowIsItsOwnError) {
  payment_channel::Layer2Config unbounded_config = test_config();
  unbounded_config.max_channel_capacity = l2::u64_max;
  const FactoryRegistry unbounded = must(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, unbounded_config}), "deploy");
  // 500 + UINT64_MAX + 29501 is 30000 modulo 2^64: a wrapping sum would accept it.
  const FactoryRegistry r = registered(terms(), unbounded);
  EXPECT_EQ(code_of(allocate(r, allocation({sub(0, 1, {l2::u64_max, 0}), sub(1, 2, {29501, 0})}))),
            code(FactoryError::allocation_overflow));
  // The sum at exactly UINT64_MAX does not overflow.
  const RegisterFactoryInput max_terms = terms(l2::u64_max, 1);
  const FactoryRegistry max = registered(max_terms, unbounded);
  EXPECT_EQ(code_of(allocate(max, allocation({sub(0, 1, {l2::u64_max, 0})}, max_terms))), code(FactoryError::allocation_overflow))
      << "fee 1 + UINT64_MAX";
  const auto at_max = allocate(max, allocation({sub(0, 1, {l2::u64_max - 2, 1})}, max_terms));
  ASSERT_TRUE(at_max.ok()) << code_of(at_max);
  EXPECT_TRUE(conserved(at_max.value()));
}

TEST_F(ChannelFactoryTest, EachDepositAndSubChannelIsUsedOnce) {
  const FactoryRegistry allocated = must(allocate(registered(), allocation(exact())), "allocate");
  EXPECT_EQ(code_of(allocate(allocated, allocation({sub(0, 1, {14750, 0}, 5), sub(1, 2, {0, 14750}, 5)}), 102)),
            code(FactoryError::factory_not_open));
  EXPECT_EQ(code_of(allocate(allocated, allocation(exact()), 102)), code(FactoryError::factory_not_open))
      << "the same allocation replayed";
  EXPECT_EQ(code_of(allocate(registered(), allocation({sub(0, 1, {14750, 0}), sub(0, 1, {0, 14750})}))),
            code(FactoryError::duplicate_sub_channel));
  // The same keys and nonce in the other order are another sub-channel; another nonce too.
  EXPECT_EQ(code_of(allocate(registered(), allocation({sub(0, 1, {14750, 0}), sub(1, 0, {0, 14750})}))), "OK");
  EXPECT_EQ(code_of(allocate(registered(), allocation({sub(0, 1, {14750, 0}), sub(0, 1, {0, 14750}, 1)}))), "OK");
  // Two factories of the same keys fund distinct sub-channels with the same templates.
  const RegisterFactoryInput second = terms(deposit, fee, 1);
  FactoryRegistry r = must(allocate(registered(second, allocated), allocation(exact(), second)), "second factory");
  EXPECT_EQ(r.adjudicator.channels.size(), 6u);
  EXPECT_TRUE(conserved(r));
}

TEST_F(ChannelFactoryTest, AllocationStructuralRejections) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(code_of(allocate(r, allocation(exact(), terms(deposit, fee, 3)))), code(FactoryError::unknown_factory));
  EXPECT_EQ(code_of(allocate(r, allocation({}))), code(FactoryError::empty_allocation));
  AllocateInput missing = allocation(exact());
  missing.signatures.pop_back();
  EXPECT_EQ(code_of(allocate(r, missing)), code(FactoryError::signature_count));
  AllocateInput extra = allocation(exact());
  extra.signatures.push_back(extra.signatures[2]);
  EXPECT_EQ(code_of(allocate(r, extra)), code(FactoryError::signature_count));
  AllocateInput none = allocation(exact());
  none.signatures.clear();
  EXPECT_EQ(code_of(allocate(r, none)), code(FactoryError::signature_count));
}

TEST_F(ChannelFactoryTest, SubChannelsFollowTheChannelRules) {
  const FactoryRegistry r = registered();
  const auto with_first = [&](const ChannelTemplate& first) {
    return code_of(allocate(r, allocation({first, sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 500})})));
  };
  EXPECT_EQ(with_first(sub(1, 1, {6000, 4000})), code(FactoryError::sub_same_participants));
  EXPECT_EQ(with_first(sub(0, outsider, {6000, 4000})), code(FactoryError::not_a_member));
  EXPECT_EQ(with_first(sub(outsider, 1, {6000, 4000})), code(FactoryError::not_a_member));
  EXPECT_EQ(with_first(sub(0, funder, {6000, 4000})), code(FactoryError::not_a_member)) << "the funder is no member";
  EXPECT_EQ(with_first(ChannelTemplate{{key[0], key[1]}, {l2::u64_max, 1}, 0, 0}), code(FactoryError::sub_balance_overflow));
  EXPECT_EQ(with_first(ChannelTemplate{{key[0], key[1]}, {6000, 3999}, 10000, 0}), code(FactoryError::sub_balance_mismatch));
  EXPECT_EQ(with_first(ChannelTemplate{{key[0], key[1]}, {6000, 4001}, 10000, 0}), code(FactoryError::sub_balance_mismatch));
  // A template after a bad one is never reached; a bad template after good ones is found.
  EXPECT_EQ(code_of(allocate(r, allocation({sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 2, {9000, 500})}))),
            code(FactoryError::sub_same_participants));

  // Capacity bounds, one sub-channel plus the fee balancing the deposit each time.
  const auto single = [&](u64 capacity) {
    // A deposit below min_capacity + fee cannot be registered (PCF-REG-5); the sub-channel of
    // min_capacity - 1 then under-allocates it, but PCF-SUB-5 is checked first.
    const RegisterFactoryInput t = terms(std::max(capacity, min_capacity) + fee);
    return code_of(allocate(registered(t), allocation({sub(0, 1, {capacity, 0})}, t)));
  };
  EXPECT_EQ(single(min_capacity - 1), code(FactoryError::sub_capacity_too_small));
  EXPECT_EQ(single(min_capacity), "OK");
  EXPECT_EQ(single(min_capacity + 1), "OK");
  EXPECT_EQ(single(max_capacity - 1), "OK");
  EXPECT_EQ(single(max_capacity), "OK");
  EXPECT_EQ(single(max_capacity + 1), code(FactoryError::sub_capacity_too_large));
}

TEST_F(ChannelFactoryTest, AllocationRulesAreCheckedInSpecOrder) {
  const FactoryRegistry r = registered();
  const FactoryRegistry allocated = must(allocate(r, allocation(exact())), "allocate");
  EXPECT_EQ(code_of(allocate(allocated, allocation(exact()), deadline)), code(FactoryError::factory_not_open))
      << "PCF-ALLOC-1 before PCF-ALLOC-6";
  EXPECT_EQ(code_of(allocate(r, allocation({}), deadline)), code(FactoryError::allocation_too_late))
      << "PCF-ALLOC-6 before PCF-ALLOC-2";
  AllocateInput empty_unsigned = allocation({});
  empty_unsigned.signatures.clear();
  EXPECT_EQ(code_of(allocate(r, empty_unsigned)), code(FactoryError::empty_allocation)) << "PCF-ALLOC-2 before PCF-SIG-1";
  AllocateInput bad_template_unsigned = allocation({sub(1, 1, {6000, 4000})});
  bad_template_unsigned.signatures.pop_back();
  EXPECT_EQ(code_of(allocate(r, bad_template_unsigned)), code(FactoryError::signature_count)) << "PCF-SIG-1 before PCF-SUB";
  EXPECT_EQ(code_of(allocate(r, allocation({sub(1, 1, {40000, 0})}))), code(FactoryError::sub_same_participants))
      << "PCF-SUB before PCF-ALLOC-4";
  AllocateInput under_unsigned = allocation({sub(0, 1, {6000, 4000})});
  under_unsigned.signatures[1][0] ^= 0x01;
  EXPECT_EQ(code_of(allocate(r, under_unsigned)), code(FactoryError::under_allocation)) << "PCF-ALLOC-5 before PCF-SIG-2";
}

TEST_F(ChannelFactoryTest, EveryParticipantMustSignTheExactAllocation) {
  const FactoryRegistry r = registered();
  const std::string_view bad = code(FactoryError::bad_signature);
  for (std::size_t i = 0; i < 3; ++i) {
    AllocateInput in = allocation(exact());
    in.signatures[i][7] ^= 0x20;
    EXPECT_EQ(code_of(allocate(r, in)), bad) << "signature " << i;
    AllocateInput by_outsider = allocation(exact());
    by_outsider.signatures[i] =
        sign(outsider, channel_factory::allocation_digest(chain, factory(), deposit, fee, exact()));
    EXPECT_EQ(code_of(allocate(r, by_outsider)), bad) << "signature " << i << " by an outsider";
  }
  AllocateInput swapped = allocation(exact());
  std::swap(swapped.signatures[0], swapped.signatures[2]);
  EXPECT_EQ(code_of(allocate(r, swapped)), bad);
  AllocateInput changed = allocation(exact());
  changed.channels[0].balances = {7000, 3000};
  EXPECT_EQ(code_of(allocate(r, changed)), bad) << "a split changed after signing";
  AllocateInput reordered = allocation(exact());
  std::swap(reordered.channels[0], reordered.channels[1]);
  EXPECT_EQ(code_of(allocate(r, reordered)), bad) << "the list reordered after signing";
  EXPECT_EQ(code_of(allocate(r, allocation(exact(), terms(), chain + 1))), bad) << "signed for another chain";
  // The fee and the deposit are signed: the same list signed for another fee does not verify.
  AllocateInput other_fee = allocation(exact());
  const Hash32 fee_digest = channel_factory::allocation_digest(chain, factory(), deposit, fee - 1, exact());
  other_fee.signatures = {sign(0, fee_digest), sign(1, fee_digest), sign(2, fee_digest)};
  EXPECT_EQ(code_of(allocate(r, other_fee)), bad);
  // Replayed to another factory of the same keys and deposit.
  const RegisterFactoryInput second = terms(deposit, fee, 1);
  const FactoryRegistry two = registered(second, r);
  const FactoryRegistry after_first = must(allocate(two, allocation(exact())), "first allocation");
  AllocateInput replay = allocation(exact());
  replay.factory_id = factory(second);
  EXPECT_EQ(code_of(allocate(after_first, replay, 102)), bad);
}

TEST_F(ChannelFactoryTest, AFullQuotaDoesNotBlockTheAllocation) {
  // Review finding 3: member 0 fills its own quota (max_channels_per_user = 2) with direct
  // channels before the allocation lands. The allocation still goes through, and its
  // sub-channels then count toward member 0's limit for later opens.
  FactoryRegistry r = registered();
  r = open_direct(r, 0, outsider, 0);
  r = open_direct(r, 0, outsider, 1);
  const FactoryRegistry allocated = must(allocate(r, allocation(exact())), "allocate");
  EXPECT_EQ(payment_channel::live_channels_of(allocated.adjudicator, key[0]), 4u);
  EXPECT_TRUE(conserved(allocated));
  const std::array<Hash32, 2> pair{key[1], key[outsider]};
  const Hash32 d = payment_channel::state_digest(chain, payment_channel::channel_id(chain, adjudicator_id, pair, 9), 0, {6000, 4000});
  EXPECT_EQ(code_of(payment_channel::apply_open(allocated.adjudicator,
                                   payment_channel::OpenInput{pair, {6000, 4000}, 10000, 9, {sign(1, d), sign(outsider, d)}}, Env{102})),
            code(ChannelError::too_many_channels))
      << "member 1 is in two sub-channels: at its limit";
  // One member in more sub-channels than max_channels_per_user in one allocation is accepted too.
  EXPECT_EQ(code_of(allocate(registered(), allocation({sub(0, 1, {9000, 0}), sub(0, 2, {10000, 0}), sub(0, 1, {10500, 0}, 1)}))),
            "OK");
}

TEST_F(ChannelFactoryTest, ADirectOpenCannotTakeASubChannelId) {
  // open needs no factory: if sub-channel ids were derived like direct ones, a direct open of the
  // same keys and nonce would take the id first and block the allocation for ever.
  const FactoryRegistry direct = open_direct(registered(), 0, 1, 0);
  EXPECT_NE(direct.adjudicator.channels[0].channel_id, channel_factory::sub_channel_id(factory(), {key[0], key[1]}, 0));
  const FactoryRegistry allocated = must(allocate(direct, allocation(exact())), "allocate");
  EXPECT_EQ(allocated.adjudicator.channels.size(), 4u);
}

// ---- apply_refund_factory [PCF-FAC-1, PCF-REFUND-1, PCF-REFUND-2] ----

TEST_F(ChannelFactoryTest, RefundDeadlineBoundary) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(code_of(refund(r, factory(), register_height)), code(FactoryError::refund_too_early));
  EXPECT_EQ(code_of(refund(r, factory(), deadline - 1)), code(FactoryError::refund_too_early));
  for (const u64 height : {deadline, deadline + 1, l2::u64_max}) {
    const auto refunded = refund(r, factory(), height);
    ASSERT_TRUE(refunded.ok()) << "height " << height << ": " << code_of(refunded);
    // Only `refunded` changes: the deposit goes back to the funder the id binds.
    FactoryRegistry expected = r;
    expected.factories[0].refunded = true;
    L2_EXPECT_FIELDS_EQ(refunded.value(), expected);
  }
}

TEST_F(ChannelFactoryTest, RefundNeedsAnOpenFactory) {
  const FactoryRegistry r = registered();
  EXPECT_EQ(code_of(refund(r, factory(terms(deposit, fee, 1)), deadline)), code(FactoryError::unknown_factory));
  const FactoryRegistry allocated = must(allocate(r, allocation(exact())), "allocate");
  EXPECT_EQ(code_of(refund(allocated, factory(), deadline)), code(FactoryError::refund_not_open)) << "allocated";
  EXPECT_EQ(code_of(refund(allocated, factory(), deadline - 1)), code(FactoryError::refund_not_open))
      << "PCF-REFUND-1 before PCF-REFUND-2";
  const FactoryRegistry refunded = must(refund(r, factory(), deadline), "refund");
  EXPECT_EQ(code_of(refund(refunded, factory(), deadline + 1)), code(FactoryError::refund_not_open)) << "a second refund";
}

TEST_F(ChannelFactoryTest, AnUnsignedAllocationIsRefunded) {
  // The members never sign (or the allocation fails): the funder alone gets the deposit back once
  // the window has passed, and the allocation can no longer land.
  const FactoryRegistry r = registered();
  AllocateInput unsigned_allocation = allocation(exact());
  unsigned_allocation.signatures[2][0] ^= 0x01;
  EXPECT_EQ(code_of(allocate(r, unsigned_allocation)), code(FactoryError::bad_signature));
  const FactoryRegistry refunded = must(refund(r, factory(), deadline), "refund");
  EXPECT_TRUE(refunded.factories[0].refunded);
  EXPECT_EQ(code_of(allocate(refunded, allocation(exact()), deadline)), code(FactoryError::factory_not_open));
  EXPECT_EQ(code_of(allocate(refunded, allocation(exact()), deadline + 1)), code(FactoryError::factory_not_open));
}

TEST_F(ChannelFactoryTest, NoHeightAdmitsBothAllocationAndRefund) {
  // The window is half-open: allocation in [registration, deadline), refund from deadline on.
  const FactoryRegistry r = registered();
  for (u64 height = deadline - 2; height <= deadline + 1; ++height) {
    const bool allocates = allocate(r, allocation(exact()), height).ok();
    const bool refunds = refund(r, factory(), height).ok();
    EXPECT_NE(allocates, refunds) << "height " << height;
    EXPECT_EQ(allocates, height < deadline) << "height " << height;
  }
}

TEST_F(ChannelFactoryTest, EachDepositLeavesExactlyOnce) {
  // Allocated, then a refund: refused. Refunded, then an allocation or a second refund: refused.
  const FactoryRegistry r = registered();
  const FactoryRegistry allocated = must(allocate(r, allocation(exact()), deadline - 1), "allocate");
  EXPECT_EQ(code_of(refund(allocated, factory(), deadline)), code(FactoryError::refund_not_open));
  EXPECT_FALSE(allocated.factories[0].refunded);
  const FactoryRegistry refunded = must(refund(r, factory(), deadline), "refund");
  EXPECT_EQ(code_of(allocate(refunded, allocation(exact()), deadline)), code(FactoryError::factory_not_open));
  EXPECT_EQ(code_of(refund(refunded, factory(), deadline)), code(FactoryError::refund_not_open));
  EXPECT_TRUE(refunded.factories[0].used_channels.empty());
  EXPECT_TRUE(conserved(allocated));
  EXPECT_TRUE(conserved(refunded));
  // A refund of one factory leaves the other open and allocatable.
  const RegisterFactoryInput second = terms(deposit, fee, 1);
  const FactoryRegistry two = registered(second, r, register_height + 50);
  const FactoryRegistry first_refunded = must(refund(two, factory(), deadline), "refund first");
  EXPECT_FALSE(first_refunded.factories[1].refunded);
  EXPECT_EQ(code_of(allocate(first_refunded, allocation(exact(), second), deadline)), "OK");
}

// ---- sub-channels are channels ----

TEST_F(ChannelFactoryTest, SubChannelsLiveAndSettleAsChannels) {
  FactoryRegistry r = must(allocate(registered(), allocation(exact())), "allocate");
  const Hash32 id = channel_factory::sub_channel_id(factory(), {key[1], key[2]}, 0);
  const auto cosigned = [&](u64 sequence, std::array<u64, 2> balances) {
    const Hash32 d = payment_channel::state_digest(chain, id, sequence, balances);
    return payment_channel::OffChainTransaction{id, sequence, balances, {sign(1, d), sign(2, d)}};
  };
  // The opening state is the template's balances at sequence 0, which both can force-close on.
  const auto opening = channel_factory::OnRegistryAdjudicator<payment_channel::ForceClose>::apply(r, cosigned(0, {5000, 5000}), Env{105});
  EXPECT_TRUE(opening.ok()) << code_of(opening);
  r = must(channel_factory::OnRegistryAdjudicator<payment_channel::Update>::apply(r, cosigned(1, {1, 9999}), Env{110}), "update");
  r = must(channel_factory::OnRegistryAdjudicator<payment_channel::ForceClose>::apply(r, cosigned(1, {1, 9999}), Env{200}), "force_close");
  r = must(channel_factory::OnRegistryAdjudicator<payment_channel::Challenge>::apply(r, cosigned(2, {4000, 6000}), Env{300}), "challenge");
  r = must(channel_factory::OnRegistryAdjudicator<payment_channel::Settle>::apply(r, payment_channel::ChannelRef{id}, Env{344}), "settle");
  EXPECT_EQ(r.adjudicator.channels[1].state, ChannelState::settled);
  EXPECT_EQ(r.adjudicator.channels[1].balances, (std::array<u64, 2>{4000, 6000}));
  EXPECT_TRUE(conserved(r)) << "settling a sub-channel pays its capacity; the factory equation still holds";
  // Member 0 is not in this sub-channel: its signature does not count.
  const Hash32 other = channel_factory::sub_channel_id(factory(), {key[0], key[1]}, 0);
  const Hash32 d = payment_channel::state_digest(chain, other, 1, {0, 10000});
  EXPECT_EQ(code_of(payment_channel::apply_update(r.adjudicator, payment_channel::OffChainTransaction{other, 1, {0, 10000}, {sign(0, d), sign(2, d)}},
                                     Env{110})),
            code(ChannelError::bad_signature_1));
  // A sub-channel is already funded: fund refuses it.
  EXPECT_EQ(code_of(payment_channel::apply_fund(r.adjudicator, payment_channel::FundInput{other, 10000}, Env{110})), code(ChannelError::fund_not_opening));
}

// ---- the operations table ----

TEST_F(ChannelFactoryTest, OperationsTableNamesEveryVectorOp) {
  // channel_factory.md#vector-operations-mechanism-channel_factory; deploy takes no pre-state and is
  // not a transition of the registry.
  const std::vector<std::string_view> expected = {"register_factory", "allocate", "refund_factory", "open",
                                                  "fund", "update", "cooperative_close", "force_close",
                                                  "challenge", "settle", "timeout"};
  ASSERT_EQ(channel_factory::Operations::count, expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(channel_factory::Operations::names[i], expected[i]);
    const auto parsed = channel_factory::Operations::parse(expected[i]);
    ASSERT_TRUE(parsed.has_value()) << expected[i];
    EXPECT_EQ(channel_factory::Operations::index(*parsed), i);
  }
  // The table's ops are the transitions.
  const FactoryRegistry r = registered();
  L2_EXPECT_FIELDS_EQ(must(channel_factory::RegisterFactory::apply(empty, terms(), Env{register_height}), "register via table"), r);
  L2_EXPECT_FIELDS_EQ(must(channel_factory::Allocate::apply(r, allocation(exact()), Env{allocate_height}), "allocate via table"),
                      must(allocate(r, allocation(exact())), "allocate"));
  EXPECT_EQ(code_of(channel_factory::RefundFactory::apply(r, channel_factory::FactoryRef{factory()}, Env{deadline - 1})),
            code(FactoryError::refund_too_early));
  // A payment-channel op on the registry leaves the factories as they were.
  const FactoryRegistry opened = open_direct(r, 0, 1, 0);
  L2_EXPECT_FIELDS_EQ(opened.factories, r.factories);
  EXPECT_EQ(opened.adjudicator.channels.size(), 1u);
}

}  // namespace
