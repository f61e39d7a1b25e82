// Vectors for channel factories: every op runs on the FactoryRegistry of
// l2/ref/channel_factory.hpp (the factories plus the embedded payment-channel adjudicator). Most
// cases register one factory of keys 0, 1 and 2 with a 30000 deposit and a 500 fee, then allocate
// sub-channels whose capacities sum to the deposit minus the fee, give or take one. Keys derive
// from the case seed; the reference signs at generation time. spec: channel_factory.md
#include <array>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "l2/inv/channel_factory_engine.hpp"
#include "l2/inv/channel_factory_model.hpp"
#include "l2/opt/payment_channel_hub.hpp"
#include "l2/ref/channel_factory.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/vectors/counterexample.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace channel_factory_vectors {

namespace payment_channel = ref::payment_channel;
namespace channel_factory = ref::channel_factory;
using channel_factory::AllocateInput;
using channel_factory::ChannelTemplate;
using channel_factory::FactoryRegistry;
using Error = FactoryError;

constexpr std::string_view mechanism_name = "channel_factory";

// ---- Op handlers, derived from the operations table ----

// The payment-channel ops run on the adjudicator, in the channel hub and in the payment-channel
// model; the mechanism's own ops have no optimized engine (spec: the missing-faces table), and run
// in the model on the channel factory's engine (FactoryModel).
using HubOnAdjudicator = payment_channel_scenario::ChannelOpsOnAdjudicator<Impl::optimized, FactoryRegistry, channel_factory::state_root>;
using ModelOnAdjudicator = payment_channel_scenario::ChannelOpsOnAdjudicator<Impl::model, FactoryRegistry, channel_factory::state_root>;

// The model of every op: the registry's own on the channel factory's model engine
// (l2/inv/channel_factory_engine.hpp, one per thread, its signature oracle BIP-340 on the concrete
// digest), the payment-channel ops on the payment-channel model (ModelOnAdjudicator).
struct FactoryModel {
  template <class Op>
  StepResult operator()(std::type_identity<Op> op, const FactoryRegistry& registry, const typename Op::Input& in,
                        u64 height) const {
    if constexpr (ModelOnAdjudicator::handles<Op>) {
      return ModelOnAdjudicator{}(op, registry, in, height);
    } else {
      thread_local inv::channel_factory::Engine engine([](const Hash32& key, const Hash32& digest, const payment_channel::Signature& sig) {
        return opt::schnorr::verify(key, digest, sig) == PrimitiveError::none;
      });
      const auto outcome = engine.apply(registry, inv::channel_factory::Step{channel_factory::Operations::code_of<Op>(), in, height});
      if (!outcome.problem.empty()) return StepResult{true, Outcome::invalid("MODEL_FAILURE", "", outcome.problem)};
      if (outcome.error != Error::none) return StepResult{true, rejection(outcome.error)};
      return StepResult{true, Outcome::ok(codec::to_json(outcome.post), to_hex(channel_factory::state_root(outcome.post)))};
    }
  }
};

std::vector<OpHandler> ops() {
  const std::function<Hash32(const FactoryRegistry&)> root = channel_factory::state_root;
  std::vector<OpHandler> list;
  list.push_back(deploy_op<payment_channel::DeployInput, FactoryRegistry, ChannelError>(
      channel_factory::deploy, root, nullptr, [](const payment_channel::DeployInput& in) {
        return payment_channel_scenario::channel_model_deploy(in, [](const payment_channel::Adjudicator& adjudicator) {
          const FactoryRegistry deployed{adjudicator, {}};
          return StepResult{true, Outcome::ok(codec::to_json(deployed), to_hex(channel_factory::state_root(deployed)))};
        });
      }));
  for (OpHandler& handler :
       table_ops<channel_factory::Operations, FactoryRegistry>(root, [](u64 height) { return payment_channel::Env{height}; }, HubOnAdjudicator{},
                                                   FactoryModel{}))
    list.push_back(std::move(handler));
  return list;
}

// ---- Cases ----

constexpr u64 chain_id = 1;
constexpr u64 register_height = 100;
constexpr u64 allocate_height = 101;
constexpr u64 deposit = 30000;
constexpr u64 fee = 500;
constexpr u64 allocation_deadline = register_height + 100;  // allocation_window_blocks 100
constexpr std::size_t funder = 0;
constexpr std::size_t outsider = 3;

// One case under construction: keys 0, 1 and 2 are the factory's participants, key 3 an outsider.
// The funder is key 0, a member.
class Scenario {
 public:
  Scenario(CaseSpec& spec, const payment_channel::Layer2Config& config = payment_channel_scenario::default_config())
      : spec_(spec), keys_(spec.seed) {
    FactoryRegistry registry{};
    registry.adjudicator = payment_channel_scenario::empty_adjudicator(spec.seed, config);
    adjudicator_id_ = registry.adjudicator.adjudicator_id;
    spec.pre_state = codec::to_json(registry);
  }

  const Hash32& key(std::size_t i) const { return keys_.pubkey(i); }
  std::vector<Hash32> members() const { return {key(0), key(1), key(2)}; }
  // A registration of the members' factory, paying exactly the deposit.
  channel_factory::RegisterFactoryInput terms(u64 deposited = deposit, u64 factory_fee = fee, u64 nonce = 0) const {
    return channel_factory::RegisterFactoryInput{members(), deposited, factory_fee, key(funder), nonce, deposited};
  }
  Hash32 factory(u64 nonce = 0, u64 deposited = deposit, u64 factory_fee = fee) const {
    return channel_factory::factory_id(chain_id, adjudicator_id_, terms(deposited, factory_fee, nonce));
  }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }
  Scenario& register_factory(u64 height, const channel_factory::RegisterFactoryInput& in) {
    return step("register_factory", height, codec::to_json(in));
  }
  Scenario& register_factory(u64 height, const std::vector<Hash32>& participants, u64 deposited, u64 factory_fee,
                             u64 nonce = 0) {
    return register_factory(height, channel_factory::RegisterFactoryInput{participants, deposited, factory_fee, key(funder), nonce, deposited});
  }
  Scenario& refund(u64 height, const Hash32& factory_id) {
    return step("refund_factory", height, codec::to_json(channel_factory::FactoryRef{factory_id}));
  }
  // A direct channel between keys a and b, its opening state signed by both.
  Scenario& open_direct(u64 height, std::size_t a, std::size_t b, u64 nonce) {
    const std::array<Hash32, 2> pair{key(a), key(b)};
    const Hash32 d = payment_channel::state_digest(chain_id, payment_channel::channel_id(chain_id, adjudicator_id_, pair, nonce), 0, {6000, 4000});
    return step("open", height, codec::to_json(payment_channel::OpenInput{pair, {6000, 4000}, 10000, nonce, {keys_.sign(a, d), keys_.sign(b, d)}}));
  }
  // The usual factory: keys 0, 1, 2; deposit 30000; fee 500.
  Scenario& register_default(u64 nonce = 0) { return register_factory(register_height, members(), deposit, fee, nonce); }

  // A sub-channel between keys a and b whose capacity is the sum of its balances.
  ChannelTemplate sub(std::size_t a, std::size_t b, std::array<u64, 2> balances, u64 nonce = 0) const {
    return ChannelTemplate{{key(a), key(b)}, balances, balances[0] + balances[1], nonce};
  }
  // The usual allocation: 10000 + 10000 + 9500 + fee 500 = 30000; every key in exactly two
  // sub-channels, which is max_channels_per_user.
  std::vector<ChannelTemplate> exact() const {
    return {sub(0, 1, {6000, 4000}), sub(1, 2, {5000, 5000}), sub(2, 0, {9000, 500})};
  }
  // The allocation signed by keys 0, 1, 2 for factory `nonce` with the given deposit and fee.
  AllocateInput allocation(const std::vector<ChannelTemplate>& channels, u64 nonce = 0, u64 deposited = deposit,
                           u64 factory_fee = fee) const {
    const Hash32 id = factory(nonce, deposited, factory_fee);
    const Hash32 d = channel_factory::allocation_digest(chain_id, id, deposited, factory_fee, channels);
    return AllocateInput{id, channels, {keys_.sign(0, d), keys_.sign(1, d), keys_.sign(2, d)}};
  }
  Scenario& allocate(u64 height, const AllocateInput& in) { return step("allocate", height, codec::to_json(in)); }

  // A payment-channel state of sub-channel (a, b, nonce) of factory 0, signed by a and b.
  payment_channel::OffChainTransaction cosigned(std::size_t a, std::size_t b, u64 sequence, std::array<u64, 2> balances, u64 nonce = 0) const {
    const Hash32 id = channel_factory::sub_channel_id(factory(), {key(a), key(b)}, nonce);
    const Hash32 d = payment_channel::state_digest(chain_id, id, sequence, balances);
    return payment_channel::OffChainTransaction{id, sequence, balances, {keys_.sign(a, d), keys_.sign(b, d)}};
  }
  Hash32 sub_id(std::size_t a, std::size_t b, u64 nonce = 0) const {
    return channel_factory::sub_channel_id(factory(), {key(a), key(b)}, nonce);
  }

 private:
  CaseSpec& spec_;
  payment_channel_scenario::Keys<4> keys_;
  Hash32 adjudicator_id_{};
};

payment_channel::Layer2Config unbounded_config() {
  payment_channel::Layer2Config config = payment_channel_scenario::default_config();
  config.max_channel_capacity = u64_max;
  return config;
}

// n distinct keys derived from the case seed: more than the scenario's four.
std::vector<Hash32> many_keys(const CaseSpec& spec, std::size_t n) {
  std::vector<Hash32> out;
  for (u32 i = 0; i < n; ++i)
    out.push_back(ref::bip340::pubkey_from_secret(ref::bip340::secret_from_seed(spec.seed, 100 + i)).value());
  return out;
}

void register_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("register_factory", "basic", "three participants pay in 30000, fee 500, funder participant 0",
                         {"PCF-REG-1", "PCF-REG-2", "PCF-REG-3", "PCF-REG-4", "PCF-REG-5", "PCF-REG-6"}));
    s.register_default();
  }
  {
    Scenario s(cases.add("register_factory", "two_participants", "the smallest factory: two participants", {"PCF-REG-1"}));
    s.register_factory(register_height, {s.key(0), s.key(1)}, deposit, fee);
  }
  {
    CaseSpec& spec = cases.add("register_factory", "sixteen_participants", "exactly max_factory_participants (16)",
                               {"PCF-REG-1", "PCF-REG-2"});
    Scenario(spec).register_factory(register_height, many_keys(spec, 16), deposit, fee);
  }
  {
    CaseSpec& spec = cases.add("register_factory", "invalid_seventeen_participants", "max_factory_participants + 1",
                               {"PCF-REG-1"});
    Scenario(spec).register_factory(register_height, many_keys(spec, 17), deposit, fee);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_one_participant", "a factory of one", {"PCF-REG-1"}));
    s.register_factory(register_height, {s.key(0)}, deposit, fee);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_duplicate_participant", "key 1 listed twice", {"PCF-REG-2"}));
    s.register_factory(register_height, {s.key(0), s.key(1), s.key(1)}, deposit, fee);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_fee_above_deposit", "fee = deposited_amount + 1", {"PCF-REG-3"}));
    s.register_factory(register_height, s.members(), deposit, deposit + 1);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_fee_equals_deposit",
                         "fee == deposited_amount: nothing left for a sub-channel", {"PCF-REG-5"}));
    s.register_factory(register_height, s.members(), deposit, deposit);
  }
  {
    Scenario s(cases.add("register_factory", "deposit_minus_fee_at_min",
                         "deposited_amount - fee == min_channel_capacity (1000): exactly one minimal sub-channel",
                         {"PCF-REG-3", "PCF-REG-5"}));
    s.register_factory(register_height, s.members(), 1500, fee);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_deposit_minus_fee_below_min",
                         "deposited_amount - fee == min_channel_capacity - 1", {"PCF-REG-5"}));
    s.register_factory(register_height, s.members(), 1499, fee);
  }
  for (const auto& [name, value, description] :
       {std::tuple{"invalid_value_deposit_minus_1", deposit - 1, "a payment one below the deposit it declares"},
        std::tuple{"invalid_value_deposit_plus_1", deposit + 1, "a payment one above the deposit it declares"},
        std::tuple{"invalid_value_zero", u64{0}, "a deposit reported but not paid"}}) {
    Scenario s(cases.add("register_factory", name, description, {"PCF-REG-6"}));
    channel_factory::RegisterFactoryInput in = s.terms();
    in.value = value;
    s.register_factory(register_height, in);
  }
  {
    Scenario s(cases.add("register_factory", "invalid_duplicate_factory", "the same terms registered twice",
                         {"PCF-REG-4"}));
    s.register_default(4).register_factory(register_height + 1, s.members(), deposit, fee, 4);
  }
  {
    Scenario s(cases.add("register_factory", "same_members_other_terms",
                         "the members' participants and nonce with another deposit: another factory id, accepted",
                         {"PCF-REG-4"}));
    s.register_default().register_factory(register_height + 1, s.members(), deposit + 1000, fee);
  }
  {
    Scenario s(cases.add("register_factory", "malformed_short_key", "a 31-byte participant key", {"PCF-REG-1"}));
    json input = codec::to_json(s.terms());
    input["participants"][2] = input["participants"][2].get<std::string>().substr(2);
    s.step("register_factory", register_height, input);
  }
}

const std::vector<std::string> all_allocate_rules = {
    "PCF-FAC-1", "PCF-ALLOC-1", "PCF-ALLOC-2", "PCF-ALLOC-3", "PCF-ALLOC-4", "PCF-ALLOC-5", "PCF-ALLOC-6", "PCF-SIG-1",
    "PCF-SIG-2", "PCF-SUB-1",   "PCF-SUB-2",   "PCF-SUB-3",   "PCF-SUB-4",   "PCF-SUB-5",   "PCF-SUB-6",   "PCF-SUB-8"};

void allocate_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("allocate", "exact_allocation",
                         "10000 + 10000 + 9500 + fee 500 == deposit 30000: three Active sub-channels", all_allocate_rules));
    s.register_default().allocate(allocate_height, s.allocation(s.exact()));
  }
  {
    Scenario s(cases.add("allocate", "sub_channels_are_channels",
                         "after allocation, sub-channel (0, 1) is updated, force-closed and settled like any channel",
                         {"PCF-ALLOC-5", "PC-UPD-1", "PC-UPD-2", "PC-FORCE-1", "PC-SETTLE-1", "PC-SETTLE-2"}));
    s.register_default().allocate(allocate_height, s.allocation(s.exact()));
    s.step("update", 110, codec::to_json(s.cosigned(0, 1, 1, {1000, 9000})));
    s.step("force_close", 200, codec::to_json(s.cosigned(0, 1, 2, {500, 9500})));
    s.step("settle", 344, codec::to_json(payment_channel::ChannelRef{s.sub_id(0, 1)}));
  }
  {
    Scenario s(cases.add("allocate", "capacity_at_min",
                         "a single sub-channel of exactly min_channel_capacity (1000) from a 1500 deposit with fee 500",
                         {"PCF-SUB-5", "PCF-ALLOC-4", "PCF-ALLOC-5"}));
    s.register_factory(register_height, s.members(), 1500, fee).allocate(allocate_height,
                                                                       s.allocation({s.sub(0, 2, {0, 1000})}, 0, 1500, fee));
  }
  {
    Scenario s(cases.add("allocate", "capacity_at_max", "a sub-channel of exactly max_channel_capacity (1000000)",
                         {"PCF-SUB-6"}));
    const u64 big = 1'000'000 + fee;
    s.register_factory(register_height, s.members(), big, fee)
        .allocate(allocate_height, s.allocation({s.sub(1, 2, {1'000'000, 0})}, 0, big, fee));
  }
  {
    Scenario s(cases.add("allocate", "direct_channel_does_not_block",
                         "keys 0 and 1 first open a direct channel with nonce 0; the factory's sub-channel (0, 1, nonce 0) "
                         "has another id and is still funded",
                         {"PCF-SUB-8"}));
    s.open_direct(99, 0, 1, 0);
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {20000, 9500})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_under_allocation",
                         "sub-channels worth 29499: fee + capacities == deposit - 1 would lock 1 forever",
                         {"PCF-ALLOC-5"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 2, {5000, 5000}),
                                                                 s.sub(2, 0, {9000, 499})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_over_allocation_by_one", "fee + capacities == deposit + 1",
                         {"PCF-ALLOC-4"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 2, {5000, 5000}),
                                                                 s.sub(2, 0, {9000, 501})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_unknown_factory", "an allocation for a factory never registered",
                         {"PCF-FAC-1"}));
    s.register_default().allocate(allocate_height, s.allocation(s.exact(), 7));
  }
  {
    Scenario s(cases.add("allocate", "invalid_empty_allocation", "an allocation with no sub-channel", {"PCF-ALLOC-2"}));
    s.register_default().allocate(allocate_height, s.allocation({}));
  }
  {
    Scenario s(cases.add("allocate", "at_deadline_minus_1", "the allocation at allocation_deadline - 1 is accepted",
                         {"PCF-ALLOC-6"}));
    s.register_default().allocate(allocation_deadline - 1, s.allocation(s.exact()));
  }
  {
    Scenario s(cases.add("allocate", "invalid_at_deadline", "the allocation at allocation_deadline: refund's height",
                         {"PCF-ALLOC-6"}));
    s.register_default().allocate(allocation_deadline, s.allocation(s.exact()));
  }
  {
    Scenario s(cases.add("allocate", "invalid_after_deadline", "the allocation at allocation_deadline + 1",
                         {"PCF-ALLOC-6"}));
    s.register_default().allocate(allocation_deadline + 1, s.allocation(s.exact()));
  }
  {
    Scenario s(cases.add("allocate", "invalid_missing_signature", "participant 2's signature left out", {"PCF-SIG-1"}));
    AllocateInput in = s.allocation(s.exact());
    in.signatures.pop_back();
    s.register_default().allocate(allocate_height, in);
  }
  {
    Scenario s(cases.add("allocate", "invalid_extra_signature", "a fourth signature (a copy of participant 0's)", {"PCF-SIG-1"}));
    AllocateInput in = s.allocation(s.exact());
    in.signatures.push_back(in.signatures[0]);
    s.register_default().allocate(allocate_height, in);
  }
  {
    Scenario s(cases.add("allocate", "invalid_bad_signature_last", "one bit of participant 2's signature flipped",
                         {"PCF-SIG-2"}));
    AllocateInput in = s.allocation(s.exact());
    in.signatures[2][10] ^= 0x04;
    s.register_default().allocate(allocate_height, in);
  }
  {
    Scenario s(cases.add("allocate", "invalid_signatures_out_of_order", "signatures 0 and 1 swapped", {"PCF-SIG-2"}));
    AllocateInput in = s.allocation(s.exact());
    std::swap(in.signatures[0], in.signatures[1]);
    s.register_default().allocate(allocate_height, in);
  }
  {
    Scenario s(cases.add("allocate", "invalid_list_changed_after_signing",
                         "the signed list moved 1000 from key 1 to key 0 in sub-channel (0, 1) before submission",
                         {"PCF-SIG-2"}));
    AllocateInput in = s.allocation(s.exact());
    in.channels[0].balances = {7000, 3000};
    s.register_default().allocate(allocate_height, in);
  }
  {
    Scenario s(cases.add("allocate", "invalid_same_participants", "a sub-channel of key 1 with itself", {"PCF-SUB-1"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 1, {5000, 5000}),
                                                                 s.sub(2, 0, {9000, 500})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_balance_overflow",
                         "a sub-channel with balances UINT64_MAX / 1 and capacity 0", {"PCF-SUB-3"}),
               unbounded_config());
    s.register_default().allocate(allocate_height, s.allocation({ChannelTemplate{{s.key(0), s.key(1)}, {u64_max, 1}, 0, 0}}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_balance_mismatch", "a sub-channel whose balances sum to its capacity + 1",
                         {"PCF-SUB-4"}));
    s.register_default().allocate(allocate_height,
                                  s.allocation({ChannelTemplate{{s.key(0), s.key(1)}, {6000, 4001}, 10000, 0},
                                                s.sub(1, 2, {5000, 5000}), s.sub(2, 0, {9000, 500})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_capacity_below_min", "a sub-channel of min_channel_capacity - 1",
                         {"PCF-SUB-5"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 2, {0, 999}), s.sub(0, 1, {20000, 8501})}));
  }
  {
    Scenario s(cases.add("allocate", "invalid_capacity_above_max", "a sub-channel of max_channel_capacity + 1",
                         {"PCF-SUB-6"}));
    const u64 big = 1'000'001 + fee;
    s.register_factory(register_height, s.members(), big, fee)
        .allocate(allocate_height, s.allocation({s.sub(1, 2, {1'000'001, 0})}, 0, big, fee));
  }
  {
    Scenario s(cases.add("allocate", "above_channel_limit",
                         "a fourth sub-channel (0, 1, nonce 1) gives key 0 three live channels: an allocation every "
                         "member signed is not held to max_channels_per_user",
                         {"PCF-SUB-8", "PCF-ALLOC-5"}));
    s.register_factory(register_height, s.members(), deposit + 1000, fee)
        .allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 2, {5000, 5000}),
                                                 s.sub(2, 0, {9000, 500}), s.sub(0, 1, {500, 500}, 1)},
                                                0, deposit + 1000, fee));
  }
  {
    Scenario s(cases.add("allocate", "invalid_open_after_allocation_over_limit",
                         "after the exact allocation each key is in two live channels, so a direct open of keys 0 and 1 "
                         "is over max_channels_per_user",
                         {"PCF-ALLOC-5", "PC-OPEN-4"}));
    s.register_default().allocate(allocate_height, s.allocation(s.exact())).open_direct(allocate_height + 1, 0, 1, 9);
  }
  {
    Scenario s(cases.add("allocate", "malformed_short_signature", "a 63-byte allocation signature", {"PCF-SIG-2"}));
    json input = codec::to_json(s.allocation(s.exact()));
    input["signatures"][1] = input["signatures"][1].get<std::string>().substr(2);
    s.register_default().step("allocate", allocate_height, input);
  }
}

void adversarial_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("adversarial", "invalid_over_allocation",
                         "key 0 asks for 10000 more in sub-channel (2, 0): 39500 + fee 500 from a 30000 deposit",
                         {"PCF-ALLOC-4"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 2, {5000, 5000}),
                                                                 s.sub(2, 0, {9000, 10500})}));
    cases.mark_adversarial("a factory over-allocation: sub-channels worth more than the deposit", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_capacity_plus_fee_overflow",
                         "fee 500 + UINT64_MAX + 29501 wraps to exactly the deposit 30000 in uint64 arithmetic",
                         {"PCF-ALLOC-3"}),
               unbounded_config());
    s.register_default().allocate(allocate_height,
                                  s.allocation({s.sub(0, 1, {u64_max, 0}), s.sub(1, 2, {29501, 0})}));
    cases.mark_adversarial("a capacity sum that wraps around uint64 to match the deposit", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "allocation_at_uint64_max",
                         "deposit UINT64_MAX, fee 1, one sub-channel of UINT64_MAX - 1: the largest exact allocation",
                         {"PCF-ALLOC-3", "PCF-ALLOC-4", "PCF-ALLOC-5"}),
               unbounded_config());
    s.register_factory(register_height, s.members(), u64_max, 1)
        .allocate(allocate_height, s.allocation({s.sub(0, 1, {u64_max - 2, 1})}, 0, u64_max, 1));
  }
  {
    Scenario s(cases.add("adversarial", "invalid_capacity_plus_fee_overflow_single",
                         "deposit UINT64_MAX, fee 1, one sub-channel of UINT64_MAX", {"PCF-ALLOC-3"}),
               unbounded_config());
    s.register_factory(register_height, s.members(), u64_max, 1)
        .allocate(allocate_height, s.allocation({s.sub(0, 1, {u64_max, 0})}, 0, u64_max, 1));
    cases.mark_adversarial("fee plus capacity overflowing uint64", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_second_allocation",
                         "after an exact allocation, a second validly signed allocation of the same deposit",
                         {"PCF-ALLOC-1"}));
    s.register_default().allocate(allocate_height, s.allocation(s.exact()));
    s.allocate(allocate_height + 1, s.allocation({s.sub(0, 1, {14750, 0}, 5), s.sub(1, 2, {0, 14750}, 5)}));
    cases.mark_adversarial("the same deposit funding sub-channels twice", "all factory participants");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_sub_channel_listed_twice",
                         "sub-channel (0, 1, nonce 0) listed twice, each 14750", {"PCF-SUB-8"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {14750, 0}), s.sub(0, 1, {14750, 0})}));
    cases.mark_adversarial("one sub-channel funded twice", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_non_member_participant",
                         "sub-channel (0, outsider) paid from the group's deposit", {"PCF-SUB-2"}));
    s.register_default().allocate(allocate_height, s.allocation({s.sub(0, 1, {6000, 4000}), s.sub(1, 2, {5000, 5000}),
                                                                 s.sub(0, outsider, {9000, 500})}));
    cases.mark_adversarial("a sub-channel paying an outsider", "participant 0");
  }
  {
    Scenario s(cases.add("adversarial", "squatting_registration_is_another_factory",
                         "an outsider first registers the members' participants and nonce with a dust deposit and itself "
                         "as funder: that is another factory id, and the members' own registration and allocation go "
                         "through (review finding 2)",
                         {"PCF-REG-4", "PCF-ALLOC-5", "PCF-SIG-2"}));
    s.register_factory(register_height - 1, channel_factory::RegisterFactoryInput{s.members(), 1000, 0, s.key(outsider), 0, 1000});
    s.register_default().allocate(allocate_height, s.allocation(s.exact()));
    cases.mark_adversarial("squatting the factory id with a dust deposit", "outsider");
  }
  {
    Scenario s(cases.add("adversarial", "full_quota_does_not_block_allocation",
                         "member 2 fills its own quota with two direct channels before the allocation; the allocation, "
                         "which gives it two more sub-channels, is still accepted (review finding 3)",
                         {"PC-OPEN-4", "PCF-ALLOC-5"}));
    s.open_direct(98, 2, outsider, 1).open_direct(98, 2, outsider, 2);
    s.register_default().allocate(allocate_height, s.allocation(s.exact()));
    cases.mark_adversarial("a member filling its own channel quota to block the group's allocation", "participant 2");
  }
  {
    Scenario s(cases.add("adversarial", "unsigned_allocation_is_refunded",
                         "one member never signs the allocation; after the window the funder gets the whole deposit back",
                         {"PCF-SIG-1", "PCF-REFUND-2"}));
    AllocateInput partial = s.allocation(s.exact());
    partial.signatures.pop_back();
    s.register_default().allocate(allocate_height, partial).refund(allocation_deadline, s.factory());
    cases.mark_adversarial("an unresponsive member holding the deposit hostage", "participant 2");
  }
  {
    Scenario s(cases.add("adversarial", "invalid_allocation_replayed_to_other_factory",
                         "an allocation signed for factory nonce 0 replayed to factory nonce 1 of the same keys",
                         {"PCF-SIG-2", "PCF-ALLOC-5"}));
    const std::vector<ChannelTemplate> one = {s.sub(0, 1, {6000, 4000})};
    s.register_factory(register_height, s.members(), 10500, fee, 0).register_factory(register_height, s.members(), 10500, fee, 1);
    AllocateInput replay = s.allocation(one, 0, 10500, fee);
    s.allocate(allocate_height, replay);
    replay.factory_id = s.factory(1, 10500, fee);
    s.allocate(allocate_height + 1, replay);
    cases.mark_adversarial("an allocation replayed to another factory", "participant 0");
  }
}

void refund_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("refund_factory", "at_deadline", "nobody allocated: the funder is repaid at allocation_deadline",
                         {"PCF-FAC-1", "PCF-REFUND-1", "PCF-REFUND-2"}));
    s.register_default().refund(allocation_deadline, s.factory());
  }
  {
    Scenario s(cases.add("refund_factory", "invalid_one_block_early", "a refund at allocation_deadline - 1",
                         {"PCF-REFUND-2"}));
    s.register_default().refund(allocation_deadline - 1, s.factory());
  }
  {
    Scenario s(cases.add("refund_factory", "after_deadline", "a refund at allocation_deadline + 1", {"PCF-REFUND-2"}));
    s.register_default().refund(allocation_deadline + 1, s.factory());
  }
  {
    Scenario s(cases.add("refund_factory", "invalid_after_allocation", "the factory allocated; its deposit is spent",
                         {"PCF-REFUND-1"}));
    s.register_default().allocate(allocate_height, s.allocation(s.exact())).refund(allocation_deadline, s.factory());
  }
  {
    Scenario s(cases.add("refund_factory", "invalid_twice", "a second refund of the same deposit", {"PCF-REFUND-1"}));
    s.register_default().refund(allocation_deadline, s.factory()).refund(allocation_deadline + 1, s.factory());
  }
  {
    Scenario s(cases.add("refund_factory", "invalid_unknown_factory", "a refund of a factory never registered",
                         {"PCF-FAC-1"}));
    s.register_default().refund(allocation_deadline, s.factory(7));
  }
  {
    Scenario s(cases.add("refund_factory", "invalid_allocation_after_refund",
                         "the refunded factory's allocation arrives later: the deposit left already", {"PCF-REFUND-1", "PCF-ALLOC-1"}));
    s.register_default().refund(allocation_deadline, s.factory()).allocate(allocation_deadline + 1, s.allocation(s.exact()));
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  CaseBook cases{std::string(mechanism_name)};
  register_cases(cases);
  allocate_cases(cases);
  refund_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace channel_factory_vectors

Mechanism channel_factory_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(channel_factory_vectors::mechanism_name);
  mechanism.ops = channel_factory_vectors::ops();
  mechanism.cases = channel_factory_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::channel_factory::registry_entry;
  mechanism.counterexample = counterexample_renderer<ref::channel_factory::Operations, ref::channel_factory::FactoryRegistry>(
      mechanism.name, ref::channel_factory::state_root);
  return mechanism;
}

}  // namespace l2::vectors
