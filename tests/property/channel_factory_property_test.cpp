// Factory conservation under random allocations and random sub-channel lifecycles. The oracle sums
// the capacities in two 64-bit words (a carry counter), independently of the reference's checked
// sum and its order, so it decides over-, under- and overflowing allocations exactly. Signatures
// are l2::test::ToySignatureCheck stand-ins: the properties are about amounts, not about BIP-340.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "l2/ref/channel_factory.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::FactoryError;
using l2::Hash32;
using l2::u64;
namespace pc = l2::ref::payment_channel;
namespace pcf = l2::ref::channel_factory;
using pcf::AllocateInput;
using pcf::ChannelTemplate;
using pcf::FactoryRegistry;

using l2::test::toy;

using l2::test::key;

FactoryRegistry empty_registry() {
  FactoryRegistry r{};
  r.adjudicator.chain_id = 1;
  r.adjudicator.adjudicator_id = key(0xcc);
  // Capacities up to UINT64_MAX and a per-user limit the generated allocations never reach, so
  // the amounts alone decide acceptance.
  r.adjudicator.config = pc::Layer2Config{64, 500, 30, 1000, l2::u64_max};
  return r;
}

// A sum in two words: value = hi * 2^64 + lo.
struct Wide {
  u64 hi = 0;
  u64 lo = 0;
  void add(u64 x) {
    lo += x;
    if (lo < x) ++hi;
  }
};

// Capacities biased toward the edges: the minimum (an off-by-one in PCF-SUB-5), round values, and
// values near UINT64_MAX where a wrapping sum would still "match" the deposit.
rc::Gen<u64> capacity_gen() {
  return rc::gen::weightedOneOf<u64>({{2, rc::gen::element<u64>(u64{1000}, u64{1001}, u64{10000}, u64{1'000'000})},
                                      {3, rc::gen::inRange<u64>(1000, u64{1} << 40)},
                                      {1, rc::gen::element<u64>(l2::u64_max / 2, l2::u64_max - 1, l2::u64_max)}});
}

struct Allocation {
  FactoryRegistry registry;
  AllocateInput input;
  Wide total;  // fee + capacities, exactly
};

// A factory of 2..5 members and an allocation of 1..4 valid templates among them. The deposit is
// the exact total, or one off either way, or unrelated; the sum may exceed 64 bits.
rc::Gen<Allocation> allocation_gen() {
  return rc::gen::exec([] {
    const int members = *rc::gen::inRange(2, 6);
    std::vector<Hash32> participants;
    for (int i = 0; i < members; ++i) participants.push_back(key(static_cast<l2::u8>(0x10 + i)));
    const int count = *rc::gen::inRange(1, 5);
    const u64 fee = *rc::gen::element<u64>(u64{0}, u64{1}, u64{500}, l2::u64_max);
    Wide total;
    total.add(fee);
    std::vector<ChannelTemplate> channels;
    for (int k = 0; k < count; ++k) {
      const int a = *rc::gen::inRange(0, members);
      const int b = (a + *rc::gen::inRange(1, members)) % members;
      const u64 capacity = *capacity_gen();
      const u64 to_a = *rc::gen::inRange<u64>(0, capacity) + (*rc::gen::arbitrary<bool>() ? 1 : 0);
      channels.push_back(ChannelTemplate{{participants[a], participants[b]}, {to_a, capacity - to_a}, capacity,
                                         static_cast<u64>(k)});
      total.add(capacity);
    }
    const int choice = *rc::gen::inRange(0, 4);
    u64 deposit = total.lo;  // exact when total.hi == 0
    if (choice == 1) deposit = total.lo + 1;
    if (choice == 2) deposit = total.lo - 1;
    if (choice == 3) deposit = *rc::gen::arbitrary<u64>();
    if (deposit < fee) deposit = fee;  // registration needs fee <= deposit (PCF-REG-3)

    FactoryRegistry r = pcf::apply_register_factory(
                            empty_registry(), pcf::RegisterFactoryInput{participants, deposit, fee, 0, key(0xd0)}, pc::Env{10})
                            .value();
    const Hash32 id = r.factories[0].factory_id;
    const Hash32 digest = pcf::allocation_digest(1, id, deposit, fee, channels);
    AllocateInput input{id, channels, {}};
    for (const Hash32& p : participants) input.signatures.push_back(l2::test::toy_sign(p, digest));
    return Allocation{r, input, total};
  });
}

// Factory conservation, as the spec states it.
bool conserved(const FactoryRegistry& r, std::string& why) {
  for (const pcf::ChannelFactory& f : r.factories) {
    if (f.fee > f.deposited_amount) return why = "fee above deposit", false;
    if (f.used_channels.empty()) continue;
    Wide total;
    total.add(f.fee);
    for (const Hash32& id : f.used_channels) {
      std::size_t found = 0;
      for (const pc::PaymentChannel& c : r.adjudicator.channels)
        if (c.channel_id == id) {
          ++found;
          total.add(c.total_capacity);
        }
      if (found != 1) return why = "a used channel is not in the adjudicator exactly once", false;
    }
    if (total.hi != 0 || total.lo != f.deposited_amount) return why = "fee + capacities != deposit", false;
  }
  return true;
}

RC_GTEST_PROP(ChannelFactoryProperty, AllocationIsAcceptedExactlyWhenItMatchesTheDeposit, ()) {
  const Allocation a = *allocation_gen();
  const u64 deposit = a.registry.factories[0].deposited_amount;
  const auto result = pcf::apply_allocate(a.registry, a.input, pc::Env{11}, toy);
  RC_TAG(result.ok() ? std::string("accepted") : std::string(l2::error_info(result.error()).code));
  if (a.total.hi != 0) {
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error() == FactoryError::allocation_overflow);
  } else if (a.total.lo > deposit) {
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error() == FactoryError::over_allocation);
  } else if (a.total.lo < deposit) {
    RC_ASSERT(!result.ok());
    RC_ASSERT(result.error() == FactoryError::under_allocation);
  } else {
    RC_ASSERT(result.ok());
    std::string why;
    RC_ASSERT(conserved(result.value(), why));
    RC_ASSERT(result.value().factories[0].used_channels.size() == a.input.channels.size());
    for (const pc::PaymentChannel& c : result.value().adjudicator.channels) RC_ASSERT(c.state == pc::ChannelState::active);
    // Used once: the same deposit never funds a second allocation.
    const auto again = pcf::apply_allocate(result.value(), a.input, pc::Env{12}, toy);
    RC_ASSERT(!again.ok());
    RC_ASSERT(again.error() == FactoryError::already_allocated);
  }
}

// After an exact allocation, the sub-channels run their own lifecycle (updates with random
// splits, force-closes, challenges, settles and timeouts, valid or not); conservation holds in
// every state, because no payment-channel op writes total_capacity.
RC_GTEST_PROP(ChannelFactoryProperty, ConservationSurvivesSubChannelLifecycles, ()) {
  const Allocation a = *allocation_gen();
  RC_PRE(a.total.hi == 0);
  // Register the same members and fee again with the exact total as the deposit.
  const pcf::ChannelFactory& generated = a.registry.factories[0];
  FactoryRegistry r = pcf::apply_register_factory(
                          empty_registry(), pcf::RegisterFactoryInput{generated.participants, a.total.lo, generated.fee, 0, key(0xd1)},
                          pc::Env{10})
                          .value();
  const pcf::ChannelFactory& f = r.factories[0];
  const Hash32 digest = pcf::allocation_digest(1, f.factory_id, f.deposited_amount, f.fee, a.input.channels);
  AllocateInput input{f.factory_id, a.input.channels, {}};
  for (const Hash32& p : f.participants) input.signatures.push_back(l2::test::toy_sign(p, digest));
  r = pcf::apply_allocate(r, input, pc::Env{11}, toy).value();

  u64 height = 12;
  const int steps = *rc::gen::inRange(1, 40);
  for (int s = 0; s < steps; ++s) {
    height += *rc::gen::element<u64>(u64{0}, u64{1}, u64{29}, u64{30}, u64{31}, u64{500});
    const std::size_t index = *rc::gen::inRange<std::size_t>(0, r.adjudicator.channels.size());
    const pc::PaymentChannel& c = r.adjudicator.channels[index];
    const u64 sequence = c.sequence + *rc::gen::inRange<u64>(0, 3);
    const u64 to_0 = *rc::gen::inRange<u64>(0, c.total_capacity) + (*rc::gen::arbitrary<bool>() ? 1 : 0);
    std::array<u64, 2> balances{to_0, c.total_capacity - to_0};
    if (*rc::gen::inRange(0, 8) == 0) balances[1] += 1;  // an unbalanced state, which must be refused
    const Hash32 d = pc::state_digest(1, c.channel_id, sequence, balances);
    const pc::OffChainTransaction tx{c.channel_id, sequence, balances,
                                     {l2::test::toy_sign(c.participants[0], d), l2::test::toy_sign(c.participants[1], d)}};
    const pc::Env env{height};
    l2::Result<pc::Adjudicator, l2::ChannelError> next = l2::ChannelError::none;
    switch (*rc::gen::inRange(0, 5)) {
      case 0: next = pc::apply_update(r.adjudicator, tx, env, toy); break;
      case 1: next = pc::apply_force_close(r.adjudicator, tx, env, toy); break;
      case 2: next = pc::apply_challenge(r.adjudicator, tx, env, toy); break;
      case 3: next = pc::apply_settle(r.adjudicator, pc::ChannelRef{c.channel_id}, env); break;
      default: next = pc::apply_timeout(r.adjudicator, pc::ChannelRef{c.channel_id}, env); break;
    }
    if (next.ok()) r.adjudicator = next.value();
    std::string why;
    RC_ASSERT(conserved(r, why));
    for (const pc::PaymentChannel& channel : r.adjudicator.channels) {
      RC_ASSERT(channel.balances[0] <= channel.total_capacity);
      RC_ASSERT(channel.balances[0] + channel.balances[1] == channel.total_capacity);
    }
  }
}

}  // namespace
