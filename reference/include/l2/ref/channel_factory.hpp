// Channel factories: one on-chain deposit, shared by 2..16 participants, funds several two-party
// sub-channels at once. The factory contract embeds the payment-channel adjudicator of
// l2/ref/payment_channel.hpp: an allocation co-signed by every factory participant appends its
// sub-channels to that adjudicator as Active channels, after which they are ordinary channels.
//
// The rules auditors care about are conservation (the sub-channel capacities plus the fee equal the
// deposit exactly, with checked sums, so an overflow cannot wrap into a "matching" total), single
// use (each deposit funds sub-channels once), and recovery: the deposit is value paid into the
// contract under terms the factory id binds (participants, amount, fee, funder), so nobody can
// squat an id with other terms, and a deposit no allocation used goes back to its funder.
// spec: channel_factory.md
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/error_table.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/operations.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/sha256.hpp"

namespace l2 {

// spec: channel_factory.md#errors
#define L2_FACTORY_ERRORS(X) \
  X(participant_count, "PCF-REG-1", "a factory needs 2 to max_factory_participants participants") \
  X(duplicate_participant, "PCF-REG-2", "a key appears twice among the factory participants") \
  X(fee_above_deposit, "PCF-REG-3", "the fee exceeds the deposit, so no allocation could ever balance") \
  X(duplicate_factory, "PCF-REG-4", "a factory with the derived factory_id already exists") \
  X(deposit_too_small, "PCF-REG-5", "deposited_amount - fee is below min_channel_capacity: no sub-channel could be funded") \
  X(deposit_wrong_amount, "PCF-REG-6", "the value paid in is not exactly deposited_amount") \
  X(unknown_factory, "PCF-FAC-1", "no factory with this factory_id is registered") \
  X(factory_not_open, "PCF-ALLOC-1", "the factory allocated or was refunded already: its deposit left") \
  X(allocation_too_late, "PCF-ALLOC-6", "allocation at or after the factory's allocation_deadline") \
  X(empty_allocation, "PCF-ALLOC-2", "an allocation must fund at least one sub-channel") \
  X(signature_count, "PCF-SIG-1", "the allocation needs exactly one signature per factory participant") \
  X(sub_same_participants, "PCF-SUB-1", "a sub-channel's two participants are the same key") \
  X(not_a_member, "PCF-SUB-2", "a sub-channel participant is not a factory participant") \
  X(sub_balance_overflow, "PCF-SUB-3", "a sub-channel's balances sum past UINT64_MAX") \
  X(sub_balance_mismatch, "PCF-SUB-4", "a sub-channel's balances do not sum to its total_capacity") \
  X(sub_capacity_too_small, "PCF-SUB-5", "a sub-channel's capacity is below min_channel_capacity") \
  X(sub_capacity_too_large, "PCF-SUB-6", "a sub-channel's capacity is above max_channel_capacity") \
  X(duplicate_sub_channel, "PCF-SUB-8", "a derived sub-channel id is already registered or repeats in the allocation") \
  X(allocation_overflow, "PCF-ALLOC-3", "fee plus the sub-channel capacities exceeds UINT64_MAX") \
  X(over_allocation, "PCF-ALLOC-4", "fee plus the sub-channel capacities exceeds the deposit") \
  X(under_allocation, "PCF-ALLOC-5", "fee plus the sub-channel capacities is below the deposit") \
  X(bad_signature, "PCF-SIG-2", "a signature is not its participant's signature of the allocation_digest") \
  X(refund_not_open, "PCF-REFUND-1", "the factory was allocated or refunded already") \
  X(refund_too_early, "PCF-REFUND-2", "refund before the factory's allocation_deadline")
L2_ERROR_ENUM(FactoryError, "PCF_", L2_FACTORY_ERRORS)

inline constexpr auto all_factory_errors = all_errors(FactoryError{});

}  // namespace l2

namespace l2::ref::channel_factory {

using payment_channel::Adjudicator;
using payment_channel::Bip340Check;
using payment_channel::ChannelState;
using payment_channel::Env;
using payment_channel::PaymentChannel;
using payment_channel::Signature;
using payment_channel::SignatureCheck;

inline constexpr std::string_view id_tag = "L2/channel_factory/id";
inline constexpr std::string_view sub_channel_tag = "L2/channel_factory/sub_channel";
inline constexpr std::string_view allocation_tag = "L2/channel_factory/allocation";
inline constexpr std::string_view root_tag = "L2/channel_factory/registry";

// Bounds the signatures one allocation verifies. spec: channel_factory.md#apply_register_factory
inline constexpr std::size_t max_factory_participants = 16;

// ---------------------------------------------------------------------------------------------
// State. spec: channel_factory.md#state

// The sketch's ChannelFactory. factory_address is factory_id; channel_templates are not kept (the
// sub-channels they created live in the adjudicator); used_channels lists the sub-channel ids the
// deposit funded, and is empty until the one allocation. The funder receives the fee when the
// factory allocates, or the whole deposit back if it is still unallocated at allocation_deadline.
// spec: channel_factory.md#channelfactory
struct ChannelFactory {
  BOOST_HANA_DEFINE_STRUCT(ChannelFactory, (Hash32, factory_id), (std::vector<Hash32>, participants),
                           (u64, deposited_amount), (u64, fee), (Hash32, funder), (u64, allocation_deadline),
                           (std::vector<Hash32>, used_channels), (bool, refunded));
};

// The factory contract: every factory, and the adjudicator that holds every channel (sub-channels
// and channels opened directly). spec: channel_factory.md#factoryregistry
struct FactoryRegistry {
  BOOST_HANA_DEFINE_STRUCT(FactoryRegistry, (Adjudicator, adjudicator), (std::vector<ChannelFactory>, factories));
};

// ---------------------------------------------------------------------------------------------
// Inputs. spec: channel_factory.md#inputs

// The deposit: `value` is the value attached to the L1 call, and must be deposited_amount.
struct RegisterFactoryInput {
  BOOST_HANA_DEFINE_STRUCT(RegisterFactoryInput, (std::vector<Hash32>, participants), (u64, deposited_amount),
                           (u64, fee), (Hash32, funder), (u64, nonce), (u64, value));
};

// One sub-channel of an allocation: the fields of a payment-channel open without its signatures
// (the sketch's ChannelTemplate); the allocation's signatures cover it.
struct ChannelTemplate {
  BOOST_HANA_DEFINE_STRUCT(ChannelTemplate, (std::array<Hash32, 2>, participants), (std::array<u64, 2>, balances),
                           (u64, total_capacity), (u64, nonce));
};

// signatures[i] is participants[i]'s signature of the allocation_digest.
struct AllocateInput {
  BOOST_HANA_DEFINE_STRUCT(AllocateInput, (Hash32, factory_id), (std::vector<ChannelTemplate>, channels),
                           (std::vector<Signature>, signatures));
};

struct FactoryRef {
  BOOST_HANA_DEFINE_STRUCT(FactoryRef, (Hash32, factory_id));
};

// ---------------------------------------------------------------------------------------------
// Identifiers and digests. spec: channel_factory.md#identifiers-and-digests

struct FactoryIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(FactoryIdPreimage, (u64, chain_id), (Hash32, adjudicator_id), (std::vector<Hash32>, participants),
                           (u64, nonce), (u64, deposited_amount), (u64, fee), (Hash32, funder));
};

struct SubChannelIdPreimage {
  BOOST_HANA_DEFINE_STRUCT(SubChannelIdPreimage, (Hash32, factory_id), (std::array<Hash32, 2>, participants), (u64, nonce));
};

struct AllocationBody {
  BOOST_HANA_DEFINE_STRUCT(AllocationBody, (u64, chain_id), (Hash32, factory_id), (u64, deposited_amount), (u64, fee),
                           (std::vector<ChannelTemplate>, channels));
};

// Binds every term of the deposit, so a registration under the same id is the same factory:
// nobody can take an id first with a dust deposit or another fee or funder.
// spec: channel_factory.md#factory_id
constexpr Hash32 factory_id(u64 chain_id, const Hash32& adjudicator_id, const RegisterFactoryInput& terms) {
  return tagged_hash(id_tag, reflect::encode(FactoryIdPreimage{chain_id, adjudicator_id, terms.participants, terms.nonce,
                                                               terms.deposited_amount, terms.fee, terms.funder}));
}

// Binds the factory, so nobody can take a sub-channel's id first with a direct open and block
// the allocation. spec: channel_factory.md#sub_channel_id
constexpr Hash32 sub_channel_id(const Hash32& factory, const std::array<Hash32, 2>& participants, u64 nonce) {
  return tagged_hash(sub_channel_tag, reflect::encode(SubChannelIdPreimage{factory, participants, nonce}));
}

// What every factory participant signs. spec: channel_factory.md#allocation_digest
constexpr Hash32 allocation_digest(u64 chain_id, const Hash32& factory, u64 deposited_amount, u64 fee,
                                   const std::vector<ChannelTemplate>& channels) {
  return tagged_hash(allocation_tag, reflect::encode(AllocationBody{chain_id, factory, deposited_amount, fee, channels}));
}

// spec: channel_factory.md#state_root
constexpr Hash32 state_root(const FactoryRegistry& registry) { return tagged_hash(root_tag, reflect::encode(registry)); }

// ---------------------------------------------------------------------------------------------
// Helpers shared by the transitions.

constexpr std::optional<std::size_t> find_factory(const FactoryRegistry& registry, const Hash32& id) {
  for (std::size_t i = 0; i < registry.factories.size(); ++i)
    if (registry.factories[i].factory_id == id) return i;
  return std::nullopt;
}

constexpr bool is_member(const ChannelFactory& factory, const Hash32& key) {
  for (const Hash32& participant : factory.participants)
    if (participant == key) return true;
  return false;
}

// Open: registered, and neither allocated nor refunded. Only an open factory holds its deposit.
constexpr bool is_open(const ChannelFactory& factory) { return factory.used_channels.empty() && !factory.refunded; }

// fee + the sum of the templates' total_capacity, with checked arithmetic.
constexpr Checked allocation_total(u64 fee, const std::vector<ChannelTemplate>& channels) {
  Checked total{fee, false};
  for (const ChannelTemplate& channel : channels) {
    total = checked_add(total.value, channel.total_capacity);
    if (total.overflow) return total;
  }
  return total;
}

// The rules one template must pass. `adjudicator` already holds the sub-channels of the templates
// before this one, so id freshness counts them too. The per-user limit of PC-OPEN-4 is not applied:
// every member signed the allocation, and a member who could fill its own quota first would
// otherwise block the whole group's allocation (it still counts these channels for later opens).
// spec: channel_factory.md#check_template
constexpr FactoryError check_template(const Adjudicator& adjudicator, const ChannelFactory& factory,
                                      const ChannelTemplate& channel) {
  const payment_channel::Layer2Config& config = adjudicator.config;
  // Verify: participants[0] != participants[1] [PCF-SUB-1]
  if (channel.participants[0] == channel.participants[1]) return FactoryError::sub_same_participants;
  // Verify: both participants are factory participants [PCF-SUB-2]
  if (!is_member(factory, channel.participants[0]) || !is_member(factory, channel.participants[1]))
    return FactoryError::not_a_member;
  const Checked sum = checked_add(channel.balances[0], channel.balances[1]);
  // Verify: balances[0] + balances[1] <= UINT64_MAX [PCF-SUB-3]
  if (sum.overflow) return FactoryError::sub_balance_overflow;
  // Verify: balances[0] + balances[1] == total_capacity [PCF-SUB-4]
  if (sum.value != channel.total_capacity) return FactoryError::sub_balance_mismatch;
  // Verify: total_capacity >= min_channel_capacity [PCF-SUB-5]
  if (channel.total_capacity < config.min_channel_capacity) return FactoryError::sub_capacity_too_small;
  // Verify: total_capacity <= max_channel_capacity [PCF-SUB-6]
  if (channel.total_capacity > config.max_channel_capacity) return FactoryError::sub_capacity_too_large;
  const Hash32 id = sub_channel_id(factory.factory_id, channel.participants, channel.nonce);
  // Verify: no registered channel, and no earlier template, has the derived sub-channel id [PCF-SUB-8]
  if (payment_channel::find_channel(adjudicator, id)) return FactoryError::duplicate_sub_channel;
  return FactoryError::none;
}

// ---------------------------------------------------------------------------------------------
// Deployment. spec: channel_factory.md#deploy

// The registry embeds a freshly deployed adjudicator; its configuration carries the allocation
// window, so the payment channel's deployment rules (PC-DEPLOY-1..6) are the registry's.
constexpr Result<FactoryRegistry, ChannelError> deploy(const payment_channel::DeployInput& in) {
  const auto adjudicator = payment_channel::deploy(in);
  if (!adjudicator) return adjudicator.error();
  return FactoryRegistry{adjudicator.value(), {}};
}

// ---------------------------------------------------------------------------------------------
// Transitions. spec: channel_factory.md#transitions

// spec: channel_factory.md#apply_register_factory
constexpr Result<FactoryRegistry, FactoryError> apply_register_factory(const FactoryRegistry& registry,
                                                                       const RegisterFactoryInput& in, const Env& env) {
  const std::size_t count = in.participants.size();
  // Verify: 2 <= len(participants) <= max_factory_participants [PCF-REG-1]
  if (count < 2 || count > max_factory_participants) return FactoryError::participant_count;
  // Verify: the participants are distinct [PCF-REG-2]
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = i + 1; j < count; ++j)
      if (in.participants[i] == in.participants[j]) return FactoryError::duplicate_participant;
  // Verify: fee <= deposited_amount [PCF-REG-3]
  if (in.fee > in.deposited_amount) return FactoryError::fee_above_deposit;
  // Verify: deposited_amount - fee >= min_channel_capacity: one sub-channel at least can be funded [PCF-REG-5]
  if (in.deposited_amount - in.fee < registry.adjudicator.config.min_channel_capacity)
    return FactoryError::deposit_too_small;
  // Verify: the value paid in is exactly deposited_amount [PCF-REG-6]
  if (in.value != in.deposited_amount) return FactoryError::deposit_wrong_amount;
  const Hash32 id = factory_id(registry.adjudicator.chain_id, registry.adjudicator.adjudicator_id, in);
  // Verify: no registered factory has the derived factory_id [PCF-REG-4]
  if (find_factory(registry, id)) return FactoryError::duplicate_factory;

  ChannelFactory factory{};
  factory.factory_id = id;
  factory.participants = in.participants;
  factory.deposited_amount = in.deposited_amount;
  factory.fee = in.fee;
  factory.funder = in.funder;
  factory.allocation_deadline = payment_channel::saturating_add(env.height, registry.adjudicator.config.allocation_window_blocks);
  factory.used_channels = {};
  factory.refunded = false;
  FactoryRegistry next = registry;
  next.factories.push_back(factory);
  return next;
}

// spec: channel_factory.md#apply_allocate
template <SignatureCheck Check = Bip340Check>
constexpr Result<FactoryRegistry, FactoryError> apply_allocate(const FactoryRegistry& registry, const AllocateInput& in,
                                                               const Env& env, const Check& signature_check = {}) {
  const auto index = find_factory(registry, in.factory_id);
  // Verify: the factory is registered [PCF-FAC-1]
  if (!index) return FactoryError::unknown_factory;
  ChannelFactory factory = registry.factories[*index];
  // Verify: the factory is open, neither allocated nor refunded: a deposit leaves once [PCF-ALLOC-1]
  if (!is_open(factory)) return FactoryError::factory_not_open;
  // Verify: height < allocation_deadline [PCF-ALLOC-6]
  if (env.height >= factory.allocation_deadline) return FactoryError::allocation_too_late;
  // Verify: the allocation names at least one sub-channel [PCF-ALLOC-2]
  if (in.channels.empty()) return FactoryError::empty_allocation;
  // Verify: len(signatures) == len(participants) [PCF-SIG-1]
  if (in.signatures.size() != factory.participants.size()) return FactoryError::signature_count;

  // Sub-channels are appended one by one, so each template is checked against the ones before it.
  Adjudicator adjudicator = registry.adjudicator;
  for (const ChannelTemplate& channel : in.channels) {
    if (const FactoryError e = check_template(adjudicator, factory, channel); e != FactoryError::none) return e;
    PaymentChannel sub{};
    sub.channel_id = sub_channel_id(factory.factory_id, channel.participants, channel.nonce);
    sub.participants = channel.participants;
    sub.balances = channel.balances;
    sub.total_capacity = channel.total_capacity;
    sub.state = ChannelState::active;
    sub.sequence = 0;
    sub.created_at = env.height;
    sub.timeout_height = payment_channel::saturating_add(env.height, adjudicator.config.channel_timeout_blocks);
    sub.dispute_deadline = 0;
    adjudicator.channels.push_back(sub);
    factory.used_channels.push_back(sub.channel_id);
  }
  const Checked total = allocation_total(factory.fee, in.channels);
  // Verify: fee + sum(total_capacity) <= UINT64_MAX [PCF-ALLOC-3]
  if (total.overflow) return FactoryError::allocation_overflow;
  // Verify: fee + sum(total_capacity) <= deposited_amount [PCF-ALLOC-4]
  if (total.value > factory.deposited_amount) return FactoryError::over_allocation;
  // Verify: fee + sum(total_capacity) >= deposited_amount [PCF-ALLOC-5]
  if (total.value < factory.deposited_amount) return FactoryError::under_allocation;
  const Hash32 digest = allocation_digest(registry.adjudicator.chain_id, factory.factory_id, factory.deposited_amount,
                                          factory.fee, in.channels);
  // Verify: signatures[i] is participants[i]'s signature of the allocation_digest, for every i [PCF-SIG-2]
  for (std::size_t i = 0; i < factory.participants.size(); ++i)
    if (!signature_check(factory.participants[i], digest, in.signatures[i])) return FactoryError::bad_signature;

  // The sub-channels now hold the deposit less the fee, which is paid to the funder.
  FactoryRegistry next = registry;
  next.adjudicator = adjudicator;
  next.factories[*index] = factory;
  return next;
}

// spec: channel_factory.md#apply_refund_factory
constexpr Result<FactoryRegistry, FactoryError> apply_refund_factory(const FactoryRegistry& registry,
                                                                     const FactoryRef& in, const Env& env) {
  const auto index = find_factory(registry, in.factory_id);
  // Verify: the factory is registered [PCF-FAC-1]
  if (!index) return FactoryError::unknown_factory;
  const ChannelFactory& factory = registry.factories[*index];
  // Verify: the factory is neither allocated nor refunded [PCF-REFUND-1]
  if (!is_open(factory)) return FactoryError::refund_not_open;
  // Verify: height >= allocation_deadline [PCF-REFUND-2]
  if (env.height < factory.allocation_deadline) return FactoryError::refund_too_early;

  // The whole deposit is paid back to the funder.
  FactoryRegistry next = registry;
  next.factories[*index].refunded = true;
  return next;
}

// ---------------------------------------------------------------------------------------------
// The operations table. spec: channel_factory.md#vector-operations-mechanism-channel_factory

using Transition = Result<FactoryRegistry, FactoryError>;

struct RegisterFactory {
  static constexpr std::string_view name = "register_factory";
  using State = FactoryRegistry;
  using Input = RegisterFactoryInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_register_factory(s, in, env);
  }
};

struct Allocate {
  static constexpr std::string_view name = "allocate";
  using State = FactoryRegistry;
  using Input = AllocateInput;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& check = {}) {
    return apply_allocate(s, in, env, check);
  }
};

struct RefundFactory {
  static constexpr std::string_view name = "refund_factory";
  using State = FactoryRegistry;
  using Input = FactoryRef;
  template <SignatureCheck Check = Bip340Check>
  static constexpr Transition apply(const State& s, const Input& in, const Env& env, const Check& = {}) {
    return apply_refund_factory(s, in, env);
  }
};

template <class Op>
using OnRegistryAdjudicator = payment_channel::OnAdjudicator<Op, FactoryRegistry>;

// The registry's operations: its own, then every payment-channel op on the embedded adjudicator.
using Operations = OperationTable<RegisterFactory, Allocate, RefundFactory,
                                  OnRegistryAdjudicator<payment_channel::Open>, OnRegistryAdjudicator<payment_channel::Fund>,
                                  OnRegistryAdjudicator<payment_channel::Update>,
                                  OnRegistryAdjudicator<payment_channel::CooperativeClose>,
                                  OnRegistryAdjudicator<payment_channel::ForceClose>,
                                  OnRegistryAdjudicator<payment_channel::Challenge>,
                                  OnRegistryAdjudicator<payment_channel::Settle>,
                                  OnRegistryAdjudicator<payment_channel::Timeout>>;

}  // namespace l2::ref::channel_factory
