// Channel-factory scenarios checked at compile time: this file compiling is the test passing.
//
// Signatures are l2::test::ToySignatureCheck stand-ins (valid exactly for the signer's key and the
// digest; see payment_channel_static_test.cpp for why). Everything else is the reference as it
// runs: ids, digests, checked sums, the per-user limit. The same scenarios with BIP-340 signatures
// run in tests/unit/channel_factory_test.cpp.
#include <gtest/gtest.h>

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
using pc::ChannelState;
using pc::Env;
using pcf::AllocateInput;
using pcf::ChannelTemplate;
using pcf::FactoryRegistry;

using l2::test::toy_sign;
using l2::test::toy;

using l2::test::key;
constexpr Hash32 alice = key(0xa1), bob = key(0xb2), carol = key(0xc3), mallory = key(0xee);
constexpr u64 chain = 1;

constexpr FactoryRegistry empty_registry(u64 max_capacity = 1'000'000) {
  FactoryRegistry r{};
  r.adjudicator.chain_id = chain;
  r.adjudicator.adjudicator_id = key(0xcc);
  r.adjudicator.config = pc::Layer2Config{2, 1000, 144, 1000, max_capacity};
  return r;
}
constexpr std::vector<Hash32> members() { return {alice, bob, carol}; }
constexpr Hash32 factory() { return pcf::factory_id(chain, key(0xcc), members(), 0); }

// alice, bob and carol deposit 30000 with a fee of 500.
constexpr FactoryRegistry registered(u64 deposited = 30000, u64 fee = 500, u64 max_capacity = 1'000'000) {
  return pcf::apply_register_factory(empty_registry(max_capacity), pcf::RegisterFactoryInput{members(), deposited, fee, 0, key(0xd0)},
                                     Env{100})
      .value();
}

constexpr ChannelTemplate sub(const Hash32& a, const Hash32& b, u64 to_a, u64 to_b, u64 nonce = 0) {
  return ChannelTemplate{{a, b}, {to_a, to_b}, to_a + to_b, nonce};
}

constexpr AllocateInput signed_allocation(const std::vector<ChannelTemplate>& channels, u64 deposited = 30000, u64 fee = 500) {
  const Hash32 d = pcf::allocation_digest(chain, factory(), deposited, fee, channels);
  return AllocateInput{factory(), channels, {toy_sign(alice, d), toy_sign(bob, d), toy_sign(carol, d)}};
}

// 10000 + 10000 + 9500 + fee 500 == 30000.
constexpr std::vector<ChannelTemplate> exact() {
  return {sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000), sub(carol, alice, 9000, 500)};
}

constexpr FactoryError allocate_error(const FactoryRegistry& r, const AllocateInput& in) {
  const auto result = pcf::apply_allocate(r, in, Env{101}, toy);
  return result.ok() ? FactoryError::none : result.error();
}

// ---- register [PCF-REG-1, PCF-REG-2, PCF-REG-3, PCF-REG-4] ----
constexpr FactoryError register_error(const std::vector<Hash32>& participants, u64 deposited, u64 fee) {
  const auto r = pcf::apply_register_factory(registered(), pcf::RegisterFactoryInput{participants, deposited, fee, 1, key(1)}, Env{100});
  return r.ok() ? FactoryError::none : r.error();
}
static_assert(registered().factories.size() == 1 && registered().factories[0].used_channels.empty());
static_assert(register_error({alice, bob}, 100, 100) == FactoryError::none);
static_assert(register_error({alice}, 100, 0) == FactoryError::participant_count);
static_assert(register_error({alice, bob, alice}, 100, 0) == FactoryError::duplicate_participant);
static_assert(register_error({alice, bob}, 100, 101) == FactoryError::fee_above_deposit);
constexpr FactoryError register_same_factory_twice() {
  const auto r = pcf::apply_register_factory(registered(), pcf::RegisterFactoryInput{members(), 1, 0, 0, key(1)}, Env{100});
  return r.ok() ? FactoryError::none : r.error();
}
static_assert(register_same_factory_twice() == FactoryError::duplicate_factory);

// ---- allocate: conservation [PCF-FAC-1, PCF-ALLOC-1, PCF-ALLOC-2, PCF-ALLOC-3, PCF-ALLOC-4, PCF-ALLOC-5] ----
constexpr bool exact_allocation_funds_active_sub_channels() {
  const FactoryRegistry r = pcf::apply_allocate(registered(), signed_allocation(exact()), Env{101}, toy).value();
  if (r.adjudicator.channels.size() != 3 || r.factories[0].used_channels.size() != 3) return false;
  u64 total = r.factories[0].fee;
  for (std::size_t i = 0; i < 3; ++i) {
    const pc::PaymentChannel& c = r.adjudicator.channels[i];
    if (c.state != ChannelState::active || c.channel_id != r.factories[0].used_channels[i] || c.sequence != 0) return false;
    total += c.total_capacity;
  }
  return total == r.factories[0].deposited_amount;
}
static_assert(exact_allocation_funds_active_sub_channels());

static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000),
                                                              sub(carol, alice, 9000, 499)})) == FactoryError::under_allocation);
static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000),
                                                              sub(carol, alice, 9000, 501)})) == FactoryError::over_allocation);
// 500 + UINT64_MAX + 29501 is 30000 modulo 2^64.
static_assert(allocate_error(registered(30000, 500, l2::u64_max),
                             signed_allocation({sub(alice, bob, l2::u64_max, 0), sub(bob, carol, 29501, 0)})) ==
              FactoryError::allocation_overflow);
static_assert(allocate_error(registered(l2::u64_max, 1, l2::u64_max),
                             signed_allocation({sub(alice, bob, l2::u64_max - 2, 1)}, l2::u64_max, 1)) == FactoryError::none);
static_assert(allocate_error(registered(500, 500), signed_allocation({}, 500, 500)) == FactoryError::empty_allocation);

constexpr AllocateInput for_unknown_factory() {
  AllocateInput in = signed_allocation(exact());
  in.factory_id = key(0x99);
  return in;
}
static_assert(allocate_error(registered(), for_unknown_factory()) == FactoryError::unknown_factory);

constexpr FactoryError second_allocation() {
  const FactoryRegistry r = pcf::apply_allocate(registered(), signed_allocation(exact()), Env{101}, toy).value();
  return allocate_error(r, signed_allocation({sub(alice, bob, 14750, 0, 5), sub(bob, carol, 0, 14750, 5)}));
}
static_assert(second_allocation() == FactoryError::already_allocated);

// ---- sub-channels [PCF-SUB-1, PCF-SUB-2, PCF-SUB-3, PCF-SUB-4, PCF-SUB-5, PCF-SUB-6, PCF-SUB-7, PCF-SUB-8] ----
constexpr FactoryError with_first(const ChannelTemplate& first) {
  return allocate_error(registered(), signed_allocation({first, sub(bob, carol, 5000, 5000), sub(carol, alice, 9000, 500)}));
}
static_assert(with_first(sub(bob, bob, 6000, 4000)) == FactoryError::sub_same_participants);
static_assert(with_first(sub(alice, mallory, 6000, 4000)) == FactoryError::not_a_member);
static_assert(with_first(ChannelTemplate{{alice, bob}, {l2::u64_max, 1}, 0, 0}) == FactoryError::sub_balance_overflow);
static_assert(with_first(ChannelTemplate{{alice, bob}, {6000, 4001}, 10000, 0}) == FactoryError::sub_balance_mismatch);
static_assert(allocate_error(registered(1499), signed_allocation({sub(alice, bob, 999, 0)}, 1499)) == FactoryError::sub_capacity_too_small);
static_assert(allocate_error(registered(1500), signed_allocation({sub(alice, bob, 1000, 0)}, 1500)) == FactoryError::none);
static_assert(allocate_error(registered(1'000'501), signed_allocation({sub(alice, bob, 1'000'001, 0)}, 1'000'501)) ==
              FactoryError::sub_capacity_too_large);
static_assert(allocate_error(registered(31000), signed_allocation({sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000),
                                                                   sub(carol, alice, 9000, 500), sub(alice, bob, 500, 500, 1)},
                                                                  31000)) == FactoryError::sub_too_many_channels);
static_assert(allocate_error(registered(), signed_allocation({sub(alice, bob, 14750, 0), sub(alice, bob, 0, 14750)})) ==
              FactoryError::duplicate_sub_channel);
// Sub-channel ids bind the factory: a direct channel with the same keys and nonce does not collide.
static_assert(pcf::sub_channel_id(factory(), {alice, bob}, 0) != pc::channel_id(chain, key(0xcc), {alice, bob}, 0));
static_assert(pcf::sub_channel_id(factory(), {alice, bob}, 0) != pcf::sub_channel_id(key(0x01), {alice, bob}, 0));

// ---- signatures [PCF-SIG-1, PCF-SIG-2] ----
constexpr FactoryError with_signatures(std::vector<pc::Signature> signatures) {
  AllocateInput in = signed_allocation(exact());
  in.signatures = signatures;
  return allocate_error(registered(), in);
}
constexpr Hash32 digest = pcf::allocation_digest(chain, factory(), 30000, 500, exact());
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest)}) == FactoryError::signature_count);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest), toy_sign(carol, digest), toy_sign(carol, digest)}) ==
              FactoryError::signature_count);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(carol, digest), toy_sign(bob, digest)}) == FactoryError::bad_signature);
static_assert(with_signatures({toy_sign(alice, digest), toy_sign(bob, digest), toy_sign(mallory, digest)}) ==
              FactoryError::bad_signature);
// The digest binds the chain, the factory, the deposit, the fee and every template.
static_assert(pcf::allocation_digest(2, factory(), 30000, 500, exact()) != digest);
static_assert(pcf::allocation_digest(chain, key(0x01), 30000, 500, exact()) != digest);
static_assert(pcf::allocation_digest(chain, factory(), 30001, 500, exact()) != digest);
static_assert(pcf::allocation_digest(chain, factory(), 30000, 499, exact()) != digest);
static_assert(pcf::allocation_digest(chain, factory(), 30000, 500, {sub(alice, bob, 6000, 4000), sub(bob, carol, 5000, 5000)}) !=
              digest);

}  // namespace

TEST(ChannelFactoryStatic, Compiles) { SUCCEED() << "every static_assert in this file held at compile time"; }
