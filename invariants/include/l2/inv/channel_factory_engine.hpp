// The channel factory's model engine (spec: channel_factory.md#the-model-engine): the registry's own
// operations (register_factory, allocate, refund_factory) as a Z3 transition relation over a
// concrete pre-state and input, the engine `vectors verify --impl model` replays them with.
//
// The relation is built per step and sized to it: one term per registered factory, per
// participant, per registered channel, per template and per signature. Every rule of the three
// transitions is a Z3 term, checked in the reference's order so that the first failing rule gives
// the error: counts, duplicates (participants, factory ids, sub-channel ids), the fee bound and
// deposit sums, the checked allocation total and its comparisons with the deposit, the allocation
// window, capacities, membership, single funding. So is the effect: the factory written or
// appended, the sub-channels created in the adjudicator with every field, what the funder is paid.
// What Z3 does not see is cryptography: the derived factory_id and sub-channel ids (SHA-256) and
// each member's BIP-340 verdict over the allocation digest are computed outside and enter the
// relation as oracle values, as the payment-channel engine's signature verdicts do.
//
// The payment-channel ops on the embedded adjudicator are the payment-channel model's
// (l2/inv/payment_channel_model.hpp); deploy is the payment channel's deploy_error.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <variant>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/ref/channel_factory.hpp"

namespace l2::inv::channel_factory {

// The registry's operations table; the engine models the ops the registry itself defines.
using Op = ref::channel_factory::Operations::Code;

// Whether the engine models `Operation`: the registry's own ops, not the payment-channel ops the
// table lifts onto the adjudicator (those are the payment-channel model's).
template <class Operation>
inline constexpr bool engine_models = std::is_same_v<Operation, ref::channel_factory::RegisterFactory> ||
                                      std::is_same_v<Operation, ref::channel_factory::Allocate> ||
                                      std::is_same_v<Operation, ref::channel_factory::RefundFactory>;

// One concrete step: the op (its code in ref::channel_factory::Operations), its input and its height.
struct Step {
  Op op{};
  ref::channel_factory::Operations::InputVariant input;
  u64 height = 0;
};

// The largest list of one kind (participants, templates, signatures, registered factories or
// channels) a step's relation encodes; a longer one is reported as a problem, never truncated.
inline constexpr std::size_t max_modelled_entries = 1024;

// Runs concrete steps through the model. For each step it builds the op's relation over the
// pre-state and input, asks the solver for the outcome (the error code and every written term),
// then proves no other outcome is admitted; a second admitted outcome is reported as `ambiguous`,
// which would be a modelling error.
class Engine {
 public:
  // `oracle` gives the BIP-340 verdict of each member's allocation signature.
  explicit Engine(payment_channel::SignatureOracle oracle = ref::channel_factory::Bip340Check{});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    FactoryError error = FactoryError::none;
    ref::channel_factory::FactoryRegistry post;  // the pre-state when error != none
    // What the step moves, as the spec states it: the value the registry keeps from the call
    // (register_factory's deposit), and what it pays the addressed factory's funder (the fee at
    // allocation, the deposit at refund). Both 0 for a rejected step.
    u64 value_taken = 0;
    u64 paid_to_funder = 0;
    bool ambiguous = false;  // the model admits more than one outcome (never expected)
    std::string problem;     // why the step could not be modelled: a payment-channel op, a mismatched
                             // input, a list longer than max_modelled_entries, an unknown Z3 answer
  };
  Outcome apply(const ref::channel_factory::FactoryRegistry& pre, const Step& step);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace l2::inv::channel_factory
