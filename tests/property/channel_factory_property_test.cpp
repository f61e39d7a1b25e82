// Factory conservation under random allocations, random sub-channel lifecycles and random
// registration / allocation / refund sequences. The oracles are written here, independently of the
// reference: amounts are summed in two 64-bit words (a carry counter), so over-, under- and
// overflowing allocations are decided exactly; and each factory's fate (open, allocated, refunded)
// is tracked by a small model of the spec's rules, which predicts every result code. Signatures are
// l2::test::ToySignatureCheck stand-ins: the properties are about amounts and heights, not BIP-340.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "l2/ref/channel_factory.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::FactoryError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
namespace channel_factory = l2::ref::channel_factory;
using channel_factory::AllocateInput;
using channel_factory::ChannelTemplate;
using channel_factory::FactoryRegistry;
using channel_factory::RegisterFactoryInput;

using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr u64 chain = 1;
constexpr u64 min_capacity = 1000;
const Hash32 funder = key(0xf0);

// Capacities up to UINT64_MAX, so the amounts alone decide acceptance (the per-user limit is not
// applied to allocations at all). A short allocation window, so random heights cross deadlines.
FactoryRegistry empty_registry(u64 window = 500) {
  payment_channel::Layer2Config config{};
  config.max_channels_per_user = 64;
  config.channel_timeout_blocks = 500;
  config.dispute_period_blocks = 30;
  config.min_channel_capacity = min_capacity;
  config.max_channel_capacity = l2::u64_max;
  config.censorship_bound_blocks = 6;
  config.allocation_window_blocks = window;
  const auto deployed = channel_factory::deploy(payment_channel::DeployInput{chain, key(0xcc), config});
  RC_ASSERT(deployed.ok());
  return deployed.value();
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

AllocateInput signed_by_all(const channel_factory::ChannelFactory& f, const std::vector<ChannelTemplate>& channels) {
  const Hash32 digest = channel_factory::allocation_digest(chain, f.factory_id, f.deposited_amount, f.fee, channels);
  AllocateInput input{f.factory_id, channels, {}};
  for (const Hash32& p : f.participants) input.signatures.push_back(toy_sign(p, digest));
  return input;
}

struct Allocation {
  FactoryRegistry registry;
  AllocateInput input;
  Wide total;  // fee + capacities, exactly
};

// A factory of 2..5 members and an allocation of 1..4 valid templates among them. The deposit is
// the exact total, or one off either way, or unrelated, raised where needed to the smallest one
// PCF-REG-3 and PCF-REG-5 accept; the sum may exceed 64 bits.
rc::Gen<Allocation> allocation_gen() {
  return rc::gen::exec([] {
    const int members = *rc::gen::inRange(2, 6);
    std::vector<Hash32> participants;
    for (int i = 0; i < members; ++i) participants.push_back(key(static_cast<l2::u8>(0x10 + i)));
    const int count = *rc::gen::inRange(1, 5);
    // UINT64_MAX - min_capacity is the largest fee a deposit can still cover (PCF-REG-5).
    const u64 fee = *rc::gen::element<u64>(u64{0}, u64{1}, u64{500}, l2::u64_max - min_capacity);
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
    if (deposit < fee || deposit - fee < min_capacity) deposit = fee + min_capacity;

    const auto registered = channel_factory::apply_register_factory(
        empty_registry(), RegisterFactoryInput{participants, deposit, fee, funder, 0, deposit}, payment_channel::Env{10});
    RC_ASSERT(registered.ok());
    const FactoryRegistry r = registered.value();
    return Allocation{r, signed_by_all(r.factories[0], channels), total};
  });
}

// Factory conservation and single use, as the spec states them: an allocated factory's fee plus
// its sub-channels' capacities is its deposit exactly; each sub-channel is in the adjudicator once
// and used by one factory; no factory is both allocated and refunded.
bool conserved(const FactoryRegistry& r, std::string& why) {
  std::vector<Hash32> all_used;
  for (const channel_factory::ChannelFactory& f : r.factories) {
    if (f.fee > f.deposited_amount) return why = "fee above deposit", false;
    if (f.used_channels.empty()) continue;
    if (f.refunded) return why = "allocated and refunded", false;
    Wide total;
    total.add(f.fee);
    for (const Hash32& id : f.used_channels) {
      for (const Hash32& seen : all_used)
        if (seen == id) return why = "a sub-channel funded twice", false;
      all_used.push_back(id);
      std::size_t found = 0;
      for (const payment_channel::PaymentChannel& c : r.adjudicator.channels)
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
  const auto result = channel_factory::apply_allocate(a.registry, a.input, payment_channel::Env{11}, toy);
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
    for (const payment_channel::PaymentChannel& c : result.value().adjudicator.channels) RC_ASSERT(c.state == payment_channel::ChannelState::active);
    // Used once: the same deposit never funds a second allocation, nor goes back to the funder.
    const auto again = channel_factory::apply_allocate(result.value(), a.input, payment_channel::Env{12}, toy);
    RC_ASSERT(!again.ok());
    RC_ASSERT(again.error() == FactoryError::factory_not_open);
    const u64 deadline = result.value().factories[0].allocation_deadline;
    const auto refund = channel_factory::apply_refund_factory(result.value(), channel_factory::FactoryRef{a.input.factory_id}, payment_channel::Env{deadline});
    RC_ASSERT(!refund.ok());
    RC_ASSERT(refund.error() == FactoryError::refund_not_open);
  }
}

// After an exact allocation, the sub-channels run their own lifecycle (updates with random
// splits, force-closes, challenges, settles and timeouts, valid or not), and refunds are tried at
// random heights; conservation holds in every state, because no payment-channel op writes
// total_capacity and an allocated deposit never goes back.
RC_GTEST_PROP(ChannelFactoryProperty, ConservationSurvivesSubChannelLifecycles, ()) {
  const Allocation a = *allocation_gen();
  RC_PRE(a.total.hi == 0);
  // Register the same members and fee again with the exact total as the deposit.
  const channel_factory::ChannelFactory& generated = a.registry.factories[0];
  const auto registered = channel_factory::apply_register_factory(
      empty_registry(), RegisterFactoryInput{generated.participants, a.total.lo, generated.fee, funder, 0, a.total.lo},
      payment_channel::Env{10});
  RC_ASSERT(registered.ok());
  const auto allocated = channel_factory::apply_allocate(registered.value(), signed_by_all(registered.value().factories[0], a.input.channels),
                                             payment_channel::Env{11}, toy);
  RC_ASSERT(allocated.ok());
  FactoryRegistry r = allocated.value();
  const Hash32 factory_id = r.factories[0].factory_id;

  u64 height = 12;
  bool settled = false;
  const int steps = *rc::gen::inRange(1, 40);
  for (int s = 0; s < steps; ++s) {
    height += *rc::gen::element<u64>(u64{0}, u64{1}, u64{29}, u64{30}, u64{31}, u64{500});
    const std::size_t index = *rc::gen::inRange<std::size_t>(0, r.adjudicator.channels.size());
    const payment_channel::PaymentChannel& c = r.adjudicator.channels[index];
    const u64 sequence = c.sequence + *rc::gen::inRange<u64>(0, 3);
    const u64 to_0 = *rc::gen::inRange<u64>(0, c.total_capacity) + (*rc::gen::arbitrary<bool>() ? 1 : 0);
    std::array<u64, 2> balances{to_0, c.total_capacity - to_0};
    if (*rc::gen::inRange(0, 8) == 0) balances[1] += 1;  // an unbalanced state, which must be refused
    const Hash32 d = payment_channel::state_digest(chain, c.channel_id, sequence, balances);
    const payment_channel::OffChainTransaction tx{c.channel_id, sequence, balances,
                                     {toy_sign(c.participants[0], d), toy_sign(c.participants[1], d)}};
    const payment_channel::Env env{height};
    switch (*rc::gen::inRange(0, 6)) {
      case 0: {
        const auto next = channel_factory::OnRegistryAdjudicator<payment_channel::Update>::apply(r, tx, env, toy);
        if (next.ok()) r = next.value();
        break;
      }
      case 1: {
        const auto next = channel_factory::OnRegistryAdjudicator<payment_channel::ForceClose>::apply(r, tx, env, toy);
        if (next.ok()) r = next.value();
        break;
      }
      case 2: {
        const auto next = channel_factory::OnRegistryAdjudicator<payment_channel::Challenge>::apply(r, tx, env, toy);
        if (next.ok()) r = next.value();
        break;
      }
      case 3: {
        const auto next = channel_factory::OnRegistryAdjudicator<payment_channel::Settle>::apply(r, payment_channel::ChannelRef{c.channel_id}, env);
        if (next.ok()) r = next.value();
        settled = settled || next.ok();
        break;
      }
      case 4: {
        const auto next = channel_factory::OnRegistryAdjudicator<payment_channel::Timeout>::apply(r, payment_channel::ChannelRef{c.channel_id}, env);
        if (next.ok()) r = next.value();
        break;
      }
      default: {
        const auto refund = channel_factory::apply_refund_factory(r, channel_factory::FactoryRef{factory_id}, env);
        RC_ASSERT(!refund.ok());
        RC_ASSERT(refund.error() == FactoryError::refund_not_open);
        break;
      }
    }
    std::string why;
    RC_ASSERT(conserved(r, why));
    for (const payment_channel::PaymentChannel& channel : r.adjudicator.channels) {
      RC_ASSERT(channel.balances[0] <= channel.total_capacity);
      RC_ASSERT(channel.balances[0] + channel.balances[1] == channel.total_capacity);
    }
  }
  RC_CLASSIFY(settled, "a sub-channel settled");
}

// ---- every deposit leaves once: random registrations, allocations and refunds against a model ----

// What the model knows of one registered factory.
struct ModelFactory {
  Hash32 id{};
  u64 deposit = 0;
  u64 fee = 0;
  u64 deadline = 0;
  bool allocated = false;
  bool refunded = false;
};

constexpr u64 window = 20;
constexpr u64 fee = 500;

std::vector<Hash32> members() { return {key(0x10), key(0x11), key(0x12)}; }

// Three nonces and two deposits: registrations repeat terms often enough to hit PCF-REG-4.
RegisterFactoryInput terms_of(u64 nonce, u64 deposit) { return RegisterFactoryInput{members(), deposit, fee, funder, nonce, deposit}; }

// An allocation of the deposit into one sub-channel, or two where the deposit funds two of at
// least min_capacity, off by `delta` in total.
std::vector<ChannelTemplate> templates_for(u64 deposit, int delta, bool split) {
  const std::vector<Hash32> m = members();
  const u64 capacity = deposit - fee;
  const u64 adjusted = delta < 0 ? capacity - 1 : delta > 0 ? capacity + 1 : capacity;
  if (!split || capacity < 2 * min_capacity + 1) return {ChannelTemplate{{m[0], m[1]}, {adjusted, 0}, adjusted, 0}};
  return {ChannelTemplate{{m[0], m[1]}, {min_capacity, 0}, min_capacity, 0},
          ChannelTemplate{{m[1], m[2]}, {0, adjusted - min_capacity}, adjusted - min_capacity, 0}};
}

RC_GTEST_PROP(ChannelFactoryProperty, EveryDepositLeavesOnceIntoFeeAndChannelsOrBackToTheFunder, ()) {
  FactoryRegistry r = empty_registry(window);
  std::vector<ModelFactory> model;
  bool some_allocated = false, some_refunded = false;
  u64 height = 10;
  const int steps = *rc::gen::inRange(1, 60);
  for (int s = 0; s < steps; ++s) {
    // Heights never go back (L1 blocks); they favour the deadline of a factory at -1, 0 and +1,
    // where an off-by-one in PCF-ALLOC-6 or PCF-REFUND-2 would let both paths through.
    if (!model.empty() && *rc::gen::inRange(0, 3) == 0) {
      const ModelFactory& target = model[*rc::gen::inRange<std::size_t>(0, model.size())];
      const u64 candidate = target.deadline + *rc::gen::element<u64>(u64{0}, u64{1}, u64{2}) - 1;
      if (candidate > height) height = candidate;
    } else {
      height += *rc::gen::weightedElement<u64>({{4, 0}, {4, 1}, {2, 5}, {1, window - 1}, {1, window}, {1, window + 1}});
    }
    const payment_channel::Env env{height};
    const int op = model.empty() ? 0 : *rc::gen::weightedElement<int>({{1, 0}, {2, 1}, {2, 2}});
    if (op == 0) {
      const u64 nonce = *rc::gen::inRange<u64>(0, 3);
      const u64 deposit = *rc::gen::element<u64>(u64{1500}, u64{30000});
      RegisterFactoryInput t = terms_of(nonce, deposit);
      const int paid = *rc::gen::element(0, 0, 0, -1, 1);
      t.value = paid < 0 ? deposit - 1 : paid > 0 ? deposit + 1 : deposit;
      const Hash32 id = channel_factory::factory_id(chain, r.adjudicator.adjudicator_id, t);
      bool known = false;
      for (const ModelFactory& f : model) known = known || f.id == id;
      const FactoryError expected = paid != 0 ? FactoryError::deposit_wrong_amount
                                    : known   ? FactoryError::duplicate_factory
                                              : FactoryError::none;
      const auto result = channel_factory::apply_register_factory(r, t, env);
      RC_ASSERT((result.ok() ? FactoryError::none : result.error()) == expected);
      if (result.ok()) {
        r = result.value();
        model.push_back(ModelFactory{id, deposit, fee, height + window, false, false});
        RC_ASSERT(r.factories.back().allocation_deadline == height + window);
      }
    } else {
      const std::size_t index = *rc::gen::inRange<std::size_t>(0, model.size());
      ModelFactory& f = model[index];
      if (op == 1) {
        const int delta = *rc::gen::element(0, 0, 0, -1, 1);
        const bool bad_signature = *rc::gen::inRange(0, 6) == 0;
        const auto channels = templates_for(f.deposit, delta, *rc::gen::arbitrary<bool>());
        AllocateInput in = signed_by_all(r.factories[index], channels);
        if (bad_signature)
          in.signatures[1] = toy_sign(key(0xee), channel_factory::allocation_digest(chain, f.id, f.deposit, f.fee, channels));
        u64 smallest = l2::u64_max;
        for (const ChannelTemplate& t : channels) smallest = t.total_capacity < smallest ? t.total_capacity : smallest;
        // The spec's order: PCF-ALLOC-1, PCF-ALLOC-6, check_template, PCF-ALLOC-4 and -5, PCF-SIG-2.
        FactoryError expected = FactoryError::none;
        if (f.allocated || f.refunded) expected = FactoryError::factory_not_open;
        else if (height >= f.deadline) expected = FactoryError::allocation_too_late;
        else if (smallest < min_capacity) expected = FactoryError::sub_capacity_too_small;
        else if (delta > 0) expected = FactoryError::over_allocation;
        else if (delta < 0) expected = FactoryError::under_allocation;
        else if (bad_signature) expected = FactoryError::bad_signature;
        const auto result = channel_factory::apply_allocate(r, in, env, toy);
        RC_ASSERT((result.ok() ? FactoryError::none : result.error()) == expected);
        if (result.ok()) {
          r = result.value();
          RC_ASSERT(!f.refunded);
          f.allocated = true;
          some_allocated = true;
        }
      } else {
        FactoryError expected = FactoryError::none;
        if (f.allocated || f.refunded) expected = FactoryError::refund_not_open;
        else if (height < f.deadline) expected = FactoryError::refund_too_early;
        const auto result = channel_factory::apply_refund_factory(r, channel_factory::FactoryRef{f.id}, env);
        RC_ASSERT((result.ok() ? FactoryError::none : result.error()) == expected);
        if (result.ok()) {
          r = result.value();
          RC_ASSERT(!f.allocated);
          f.refunded = true;
          some_refunded = true;
        }
      }
    }

    // The registry agrees with the model on every factory's fate, and the fates exclude each
    // other: what left the registry is fee + capacities (allocated) or the deposit (refunded).
    RC_ASSERT(r.factories.size() == model.size());
    Wide held, left, paid_in;
    for (std::size_t i = 0; i < model.size(); ++i) {
      const channel_factory::ChannelFactory& actual = r.factories[i];
      RC_ASSERT(actual.factory_id == model[i].id);
      RC_ASSERT(actual.used_channels.empty() == !model[i].allocated);
      RC_ASSERT(actual.refunded == model[i].refunded);
      RC_ASSERT(!(model[i].allocated && model[i].refunded));
      paid_in.add(actual.deposited_amount);
      if (channel_factory::is_open(actual)) {
        held.add(actual.deposited_amount);
      } else if (actual.refunded) {
        left.add(actual.deposited_amount);
      } else {
        left.add(actual.fee);
        for (const Hash32& id : actual.used_channels) {
          const auto channel = payment_channel::find_channel(r.adjudicator, id);
          RC_ASSERT(channel.has_value());
          left.add(r.adjudicator.channels[*channel].total_capacity);
        }
      }
    }
    Wide accounted = held;
    accounted.add(left.lo);
    accounted.hi += left.hi;
    RC_ASSERT(accounted.hi == paid_in.hi);
    RC_ASSERT(accounted.lo == paid_in.lo);
    std::string why;
    RC_ASSERT(conserved(r, why));
  }
  RC_CLASSIFY(some_allocated, "a factory allocated");
  RC_CLASSIFY(some_refunded, "a factory refunded");
}

}  // namespace
