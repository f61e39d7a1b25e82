// Channel-factory scenarios checked at compile time: this file compiling is the test passing.
//
// Signatures are l2::test::ToySignatureCheck stand-ins (valid exactly for the signer's key and the
// digest; see payment_channel_static_test.cpp for why). Everything else is the reference as it
// runs: deployment, ids, digests, checked sums, deadlines. The same scenarios with BIP-340
// signatures run in tests/unit/channel_factory_test.cpp.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "l2/ref/channel_factory.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/toy_signature.hpp"

namespace {

using l2::ChannelError;
using l2::FactoryError;
using l2::Hash32;
using l2::u64;
namespace payment_channel = l2::ref::payment_channel;
namespace channel_factory = l2::ref::channel_factory;
using payment_channel::ChannelState;
using payment_channel::Env;
using channel_factory::AllocateInput;
using channel_factory::ChannelTemplate;
using channel_factory::FactoryRegistry;
using channel_factory::RegisterFactoryInput;

using l2::test::key;
using l2::test::toy;
using l2::test::toy_sign;

constexpr Hash32 alice = key(0xa1), bob = key(0xb2), carol = key(0xc3), mallory = key(0xee), funder = key(0xf0);
constexpr u64 chain = 1;
constexpr Hash32 adjudicator_id = key(0xcc);
constexpr u64 register_height = 100;
constexpr u64 deadline = 200;  // register_height + allocation_window_blocks (100)

// A step the scenario needs: a rejection makes the evaluation non-constant, so the file does not
// compile (a default value would hide it).
template <class T, class E>
constexpr T must(const l2::Result<T, E>& result) {
  if (!result.ok()) throw "a step the scenario needs was rejected";
  return result.value();
}
template <class T, class E>
constexpr E error_of(const l2::Result<T, E>& result) {
  return result.ok() ? E::none : result.error();
}

constexpr payment_channel::Layer2Config config(u64 max_capacity = 1'000'000, u64 window = 100) {
  payment_channel::Layer2Config c{};
  c.max_channels_per_user = 2;
  c.channel_timeout_blocks = 1000;
  c.dispute_period_blocks = 144;
  c.min_channel_capacity = 1000;
  c.max_channel_capacity = max_capacity;
  c.censorship_bound_blocks = 6;
  c.allocation_window_blocks = window;
  return c;
}
constexpr FactoryRegistry empty_registry(u64 max_capacity = 1'000'000) {
  return must(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, config(max_capacity)}));
}
constexpr std::vector<Hash32> members() { return {alice, bob, carol}; }
// alice, bob and carol; the funder pays the deposit in full.
constexpr RegisterFactoryInput terms(u64 deposited = 30000, u64 fee = 500, u64 nonce = 0) {
  return RegisterFactoryInput{members(), deposited, fee, funder, nonce, deposited};
}
constexpr Hash32 factory(const RegisterFactoryInput& t = terms()) { return channel_factory::factory_id(chain, adjudicator_id, t); }

constexpr FactoryRegistry registered(const RegisterFactoryInput& t = terms(), u64 max_capacity = 1'000'000) {
  return must(channel_factory::apply_register_factory(empty_registry(max_capacity), t, Env{register_height}));
}

constexpr ChannelTemplate sub(const Hash32& a, const Hash32& b, u64 to_a, u64 to_b, u64 nonce = 0) {
  return ChannelTemplate{{a, b}, {to_a, to_b}, to_a + to_b, nonce};
}
constexpr AllocateInput signed_allocation(const std::vector<ChannelTemplate>& channels, const RegisterFactoryInput& t = terms()) {
  const Hash32 d = channel_factory::allocation_digest(chain, factory(t), t.deposited_amount, t.fee, channels);
  return AllocateInput{factory(t), channels, {toy_sign(alice, d), toy_sign(bob, d), toy_sign(carol, d)}};
}
// 10000 + 10000 + 9500 + fee 500 == 30000.
constexpr std::vector<ChannelTemplate> exact() {
  return {sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000), sub(carol, alice, 9000, 500)};
}

constexpr FactoryError allocate_error(const FactoryRegistry& r, const AllocateInput& in, u64 height = 101) {
  return error_of(channel_factory::apply_allocate(r, in, Env{height}, toy));
}
constexpr FactoryRegistry allocated() { return must(channel_factory::apply_allocate(registered(), signed_allocation(exact()), Env{101}, toy)); }
constexpr FactoryError refund_error(const FactoryRegistry& r, u64 height, const Hash32& id = factory()) {
  return error_of(channel_factory::apply_refund_factory(r, channel_factory::FactoryRef{id}, Env{height}));
}

// ---- deploy [PC-DEPLOY-6, the allocation window] ----
constexpr ChannelError deploy_error(u64 window) {
  return error_of(channel_factory::deploy(payment_channel::DeployInput{chain, adjudicator_id, config(1'000'000, window)}));
}
static_assert(deploy_error(5) == ChannelError::config_allocation_window);
static_assert(deploy_error(6) == ChannelError::config_allocation_window);
static_assert(deploy_error(7) == ChannelError::none);
static_assert(empty_registry().factories.empty() && empty_registry().adjudicator.channels.empty());

// ---- register [PCF-REG-1, PCF-REG-2, PCF-REG-3, PCF-REG-5, PCF-REG-6, PCF-REG-4] ----
constexpr FactoryError register_error(const RegisterFactoryInput& t, const FactoryRegistry& r = registered()) {
  return error_of(channel_factory::apply_register_factory(r, t, Env{register_height}));
}
constexpr RegisterFactoryInput with_participants(std::vector<Hash32> participants) {
  RegisterFactoryInput t = terms(30000, 500, 1);
  t.participants = participants;
  return t;
}
constexpr RegisterFactoryInput paying(u64 value) {
  RegisterFactoryInput t = terms(30000, 500, 1);
  t.value = value;
  return t;
}
constexpr bool register_records_the_terms() {
  const channel_factory::ChannelFactory f = registered().factories[0];
  return f.factory_id == factory() && f.participants == members() && f.deposited_amount == 30000 && f.fee == 500 &&
         f.funder == funder && f.allocation_deadline == deadline && f.used_channels.empty() && !f.refunded;
}
static_assert(register_records_the_terms());
static_assert(register_error(with_participants({alice, bob})) == FactoryError::none);
static_assert(register_error(with_participants({alice})) == FactoryError::participant_count);
static_assert(register_error(with_participants({alice, bob, alice})) == FactoryError::duplicate_participant);
static_assert(register_error(terms(30000, 30001, 1)) == FactoryError::fee_above_deposit);
static_assert(register_error(terms(30000, 30000, 1)) == FactoryError::deposit_too_small);
static_assert(register_error(terms(1499, 500, 1)) == FactoryError::deposit_too_small);
static_assert(register_error(terms(1500, 500, 1)) == FactoryError::none);
static_assert(register_error(terms(1501, 500, 1)) == FactoryError::none);
static_assert(register_error(paying(29999)) == FactoryError::deposit_wrong_amount);
static_assert(register_error(paying(30000)) == FactoryError::none);
static_assert(register_error(paying(30001)) == FactoryError::deposit_wrong_amount);
static_assert(register_error(terms()) == FactoryError::duplicate_factory);
// A deadline near the end of time saturates instead of wrapping into the past.
static_assert(must(channel_factory::apply_register_factory(empty_registry(), terms(), Env{l2::u64_max - 50})).factories[0].allocation_deadline ==
              l2::u64_max);

// The squatter's dust registration with the victims' keys and nonce is another factory: the
// victims register and allocate as planned.
constexpr bool squatting_is_another_factory() {
  const RegisterFactoryInput dust{members(), 1000, 0, mallory, 0, 1000};
  FactoryRegistry r = must(channel_factory::apply_register_factory(empty_registry(), dust, Env{99}));
  if (r.factories[0].factory_id == factory()) return false;
  r = must(channel_factory::apply_register_factory(r, terms(), Env{register_height}));
  r = must(channel_factory::apply_allocate(r, signed_allocation(exact()), Env{101}, toy));
  return r.factories[1].used_channels.size() == 3 && r.factories[0].used_channels.empty();
}
static_assert(squatting_is_another_factory());

// ---- allocate: conservation [PCF-FAC-1, PCF-ALLOC-1 .. PCF-ALLOC-6] ----
constexpr bool exact_allocation_funds_active_sub_channels() {
  const FactoryRegistry r = allocated();
  if (r.adjudicator.channels.size() != 3 || r.factories[0].used_channels.size() != 3) return false;
  u64 total = r.factories[0].fee;
  for (std::size_t i = 0; i < 3; ++i) {
    const payment_channel::PaymentChannel& c = r.adjudicator.channels[i];
    if (c.state != ChannelState::active || c.channel_id != r.factories[0].used_channels[i] || c.sequence != 0) return false;
    total += c.total_capacity;
  }
  return total == r.factories[0].deposited_amount && !r.factories[0].refunded;
}
static_assert(exact_allocation_funds_active_sub_channels());

static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000),
                                                              sub(carol, alice, 8999, 500)})) == FactoryError::under_allocation);
static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000),
                                                              sub(carol, alice, 9001, 500)})) == FactoryError::over_allocation);
// 500 + UINT64_MAX + 29501 is 30000 modulo 2^64.
static_assert(allocate_error(registered(terms(), l2::u64_max),
                             signed_allocation({sub(alice, bob, l2::u64_max, 0), sub(bob, carol, 29501, 0)})) ==
              FactoryError::allocation_overflow);
static_assert(allocate_error(registered(terms(l2::u64_max, 1), l2::u64_max),
                             signed_allocation({sub(alice, bob, l2::u64_max - 2, 1)}, terms(l2::u64_max, 1))) == FactoryError::none);
static_assert(allocate_error(registered(), signed_allocation({})) == FactoryError::empty_allocation);
static_assert(allocate_error(registered(), signed_allocation(exact(), terms(30000, 500, 9))) == FactoryError::unknown_factory);
static_assert(allocate_error(allocated(), signed_allocation({sub(alice, bob, 14750, 0, 5), sub(bob, carol, 0, 14750, 5)})) ==
              FactoryError::factory_not_open);
// The allocation window: [registration, allocation_deadline).
static_assert(allocate_error(registered(), signed_allocation(exact()), deadline - 1) == FactoryError::none);
static_assert(allocate_error(registered(), signed_allocation(exact()), deadline) == FactoryError::allocation_too_late);
static_assert(allocate_error(registered(), signed_allocation(exact()), deadline + 1) == FactoryError::allocation_too_late);
static_assert(allocate_error(allocated(), signed_allocation(exact()), deadline) == FactoryError::factory_not_open);

// ---- sub-channels [PCF-SUB-1, PCF-SUB-2, PCF-SUB-3, PCF-SUB-4, PCF-SUB-5, PCF-SUB-6, PCF-SUB-8] ----
constexpr FactoryError with_first(const ChannelTemplate& first) {
  return allocate_error(registered(), signed_allocation({first, sub(bob, carol, 5000, 5000), sub(carol, alice, 9000, 500)}));
}
static_assert(with_first(sub(bob, bob, 6000, 4000)) == FactoryError::sub_same_participants);
static_assert(with_first(sub(alice, mallory, 6000, 4000)) == FactoryError::not_a_member);
static_assert(with_first(sub(alice, funder, 6000, 4000)) == FactoryError::not_a_member);
static_assert(with_first(ChannelTemplate{{alice, bob}, {l2::u64_max, 1}, 0, 0}) == FactoryError::sub_balance_overflow);
static_assert(with_first(ChannelTemplate{{alice, bob}, {6000, 4001}, 10000, 0}) == FactoryError::sub_balance_mismatch);
static_assert(with_first(ChannelTemplate{{alice, bob}, {6000, 3999}, 10000, 0}) == FactoryError::sub_balance_mismatch);
constexpr FactoryError single(u64 capacity, u64 deposited) {
  return allocate_error(registered(terms(deposited)), signed_allocation({sub(alice, bob, capacity, 0)}, terms(deposited)));
}
static_assert(single(999, 1500) == FactoryError::sub_capacity_too_small);
static_assert(single(1000, 1500) == FactoryError::none);
static_assert(single(1'000'000, 1'000'500) == FactoryError::none);
static_assert(single(1'000'001, 1'000'501) == FactoryError::sub_capacity_too_large);
static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 14750, 0), sub(alice, bob, 0, 14750)})) ==
              FactoryError::duplicate_sub_channel);
// Sub-channel ids bind the factory: a direct channel with the same keys and nonce does not collide.
static_assert(channel_factory::sub_channel_id(factory(), {alice, bob}, 0) != payment_channel::channel_id(chain, adjudicator_id, {alice, bob}, 0));
static_assert(channel_factory::sub_channel_id(factory(), {alice, bob}, 0) != channel_factory::sub_channel_id(factory(terms(30000, 500, 1)), {alice, bob}, 0));

// A member at its quota of live channels (2) does not block the allocation: alice opens two direct
// channels with mallory first, and is then in two sub-channels as well.
constexpr payment_channel::OpenInput direct_open(u64 nonce) {
  const Hash32 d = payment_channel::state_digest(chain, payment_channel::channel_id(chain, adjudicator_id, {alice, mallory}, nonce), 0, {6000, 4000});
  return payment_channel::OpenInput{{alice, mallory}, {6000, 4000}, 10000, nonce, {toy_sign(alice, d), toy_sign(mallory, d)}};
}
constexpr FactoryError allocation_after_full_quota() {
  FactoryRegistry r = registered();
  r.adjudicator = must(payment_channel::apply_open(r.adjudicator, direct_open(0), Env{100}, toy));
  r.adjudicator = must(payment_channel::apply_open(r.adjudicator, direct_open(1), Env{100}, toy));
  return allocate_error(r, signed_allocation(exact()));
}
static_assert(allocation_after_full_quota() == FactoryError::none);
static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 9000, 0), sub(alice, carol, 10000, 0),
                                                              sub(alice, bob, 10500, 0, 1)})) == FactoryError::none);

// ---- signatures [PCF-SIG-1, PCF-SIG-2] ----
constexpr FactoryError with_signatures(std::vector<payment_channel::Signature> signatures) {
  AllocateInput in = signed_allocation(exact());
  in.signatures = signatures;
  return allocate_error(registered(), in);
}
constexpr Hash32 digest = channel_factory::allocation_digest(chain, factory(), 30000, 500, exact());
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest)}) == FactoryError::signature_count);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest), toy_sign(carol, digest), toy_sign(carol, digest)}) ==
              FactoryError::signature_count);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(carol, digest), toy_sign(bob, digest)}) == FactoryError::bad_signature);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest), toy_sign(mallory, digest)}) ==
              FactoryError::bad_signature);
// The digest binds the chain, the factory, the deposit, the fee and every template.
static_assert(channel_factory::allocation_digest(2, factory(), 30000, 500, exact()) != digest);
static_assert(channel_factory::allocation_digest(chain, key(0x01), 30000, 500, exact()) != digest);
static_assert(channel_factory::allocation_digest(chain, factory(), 30001, 500, exact()) != digest);
static_assert(channel_factory::allocation_digest(chain, factory(), 30000, 499, exact()) != digest);
static_assert(channel_factory::allocation_digest(chain, factory(), 30000, 500, {sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000)}) !=
              digest);
// The factory id binds every term of the deposit.
static_assert(factory(terms(30001)) != factory());
static_assert(factory(terms(30000, 501)) != factory());
static_assert(factory(RegisterFactoryInput{members(), 30000, 500, mallory, 0, 30000}) != factory());

// ---- refund_factory [PCF-FAC-1, PCF-REFUND-1, PCF-REFUND-2] ----
static_assert(refund_error(registered(), deadline - 1) == FactoryError::refund_too_early);
static_assert(refund_error(registered(), deadline) == FactoryError::none);
static_assert(refund_error(registered(), deadline + 1) == FactoryError::none);
static_assert(refund_error(registered(), deadline, key(0x99)) == FactoryError::unknown_factory);
static_assert(refund_error(allocated(), deadline) == FactoryError::refund_not_open);
static_assert(refund_error(allocated(), deadline - 1) == FactoryError::refund_not_open);
constexpr FactoryRegistry refunded() { return must(channel_factory::apply_refund_factory(registered(), channel_factory::FactoryRef{factory()}, Env{deadline})); }
static_assert(refunded().factories[0].refunded && refunded().factories[0].used_channels.empty());
static_assert(refund_error(refunded(), deadline + 1) == FactoryError::refund_not_open);
static_assert(allocate_error(refunded(), signed_allocation(exact()), deadline) == FactoryError::factory_not_open);

}  // namespace

TEST(ChannelFactoryStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
