// The Z3 model of the payment-channel adjudicator (spec: payment_channel.md, README.md#the-formal-layer).
//
// The model is the transition relation of ONE channel, the one a step addresses, over 64-bit
// bit-vectors: for a pre-state and an input it defines the error code the step gets (the first
// rule that fails, in the reference's order) and the post-state. Channels are independent except
// through `open`'s per-user limit and duplicate check, which the model reads as two inputs (the
// live-channel counts of the two keys) and the addressed channel's existence. A step never touches
// another channel (the frame), which trace validation checks against the reference. The one
// obligation about several channels (a quota two channels share, honest_open_succeeds) composes
// this relation over several channel slots.
//
// Signatures and hashes are abstracted as the design says: a signature check is a Boolean per
// slot, free unless an obligation constrains it; where a claim is about what was signed, the
// digest is an uninterpreted function that is injective (SHA-256 collision resistance over an
// injective fixed-width encoding) and a key's signature validates exactly the digests its holder
// signed (BIP-340 unforgeability).
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/inv/symbolic_signature.hpp"
#include "l2/ref/payment_channel.hpp"

namespace l2::inv::payment_channel {

// The adjudicator's transitions, as the reference's operations table defines them; an op's code in
// the model is its code in the table.
using Op = ref::payment_channel::ChannelOp;
inline constexpr std::size_t op_count = ref::payment_channel::channel_op_count;
using ref::payment_channel::op_code;
using ref::payment_channel::op_name;
using ref::payment_channel::parse_op;

// One concrete step: the op, its input (the op's Input type) and its height.
struct Step {
  Op op{};
  ref::payment_channel::Operations::InputVariant input;
  u64 height = 0;
};

// The input's type is the one the op's table entry declares.
bool input_matches_op(const Step& step);

// The reference's outcome for a step: the table's apply for the op the step names, with `check` for
// signatures. Contract: input_matches_op(step).
template <ref::payment_channel::SignatureCheck Check>
Result<ref::payment_channel::Adjudicator, ChannelError> apply_reference(const ref::payment_channel::Adjudicator& a, const Step& step, const Check& check) {
  const ref::payment_channel::Env env{step.height};
  return ref::payment_channel::Operations::visit(step.op, [&](auto op) -> ref::payment_channel::Transition {
    using Operation = typename decltype(op)::type;
    return Operation::apply(a, std::get<typename Operation::Input>(step.input), env, check);
  });
}

// A rule deliberately weakened, to show that the prover and the counterexample path have teeth.
// Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  update_accepts_equal_sequence,   // PC-UPD-2 as `>=` instead of `>`
  challenge_accepted_at_deadline,  // PC-CHAL-2 as `height <= dispute_deadline` (the earlier draft)
  open_unsigned,                   // open without PC-SIG (the draft the review found: findings 3 and 4)
  dispute_period_at_bound,         // PC-DEPLOY-2 as `dispute_period_blocks >= censorship_bound_blocks`
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 4> all_weakenings = {
    Weakening::update_accepts_equal_sequence, Weakening::challenge_accepted_at_deadline, Weakening::open_unsigned,
    Weakening::dispute_period_at_bound};

// Every obligation of the mechanism: initiation, consecution of each invariant against each
// transition, replay binding, and the bounded model checks, whose trace checks over one channel
// unroll `trace_depths(depth)` steps.
std::vector<Obligation> obligations(Weakening weakening = Weakening::none, Depth depth = Depth::full);

// The steps of the three trace checks over one channel. Full depth is 6 for each. Small depth is
// the least depth at which the check's premise can hold, plus one step for the other party
// (payment_channel.md#obligations): latest_state_wins needs 2 (from a channel already in dispute,
// the honest challenge and the settle), latest_state_wins_at_opening 5 (the open first), and
// no_funds_locked_forever 2 (the two unilateral moves). One step less is vacuous, which discharge
// reports as a failure.
struct TraceDepths {
  std::size_t latest_state = 6;
  std::size_t latest_state_at_opening = 6;
  std::size_t unilateral = 6;
};
constexpr TraceDepths trace_depths(Depth depth) { return depth == Depth::full ? TraceDepths{} : TraceDepths{3, 6, 3}; }

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings, and the
// audit's trace validation stage.
ModelEntry registry_entry();

// The deployment rules as the model states them, evaluated for a concrete configuration: the code
// of the first rule that refuses it, or ChannelError::none (`vectors verify --impl model` of deploy).
ChannelError deploy_error(const ref::payment_channel::Layer2Config& config, Weakening weakening = Weakening::none);

// The signature oracle that gives the model's abstract check its concrete value in trace
// validation: is `signature` the holder of `pubkey`'s signature of `digest`?
using SignatureOracle = std::function<bool(const Hash32& pubkey, const Hash32& digest, const ref::payment_channel::Signature& signature)>;

// Runs concrete steps through the model with one Z3 context. For each step it asks the solver for
// the model's outcome and then proves that no other outcome is admitted; a second admitted outcome
// is reported as `ambiguous`, which would be a modelling error.
class Engine {
 public:
  explicit Engine(Weakening weakening = Weakening::none, SignatureOracle oracle = ref::payment_channel::Bip340Check{});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    ChannelError error = ChannelError::none;
    ref::payment_channel::Adjudicator post;      // the pre-state when error != none
    bool ambiguous = false;    // the model admits more than one outcome (never expected)
    std::string problem;       // why the step could not be modelled (e.g. an unknown Z3 answer)
  };
  Outcome apply(const ref::payment_channel::Adjudicator& pre, const Step& step);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace l2::inv::payment_channel

namespace l2::inv::payment_channel {

struct TraceValidation {
  std::size_t traces = 0;
  std::size_t steps = 0;
  std::size_t accepted = 0;
  std::size_t disagreements = 0;
  std::vector<std::string> failures;  // the first ten disagreements, each naming trace, step and both outcomes
  std::vector<std::string> first_disagreeing_trace;  // that trace in full, one trace_step_line per step
};

// Replays `traces` pseudo-random traces (deterministic in `seed`) of up to `max_steps` steps
// through the reference and the model, comparing every step's outcome. Inputs mix valid and
// invalid ones: wrong sums, UINT64_MAX balances, bad, duplicated or misdirected signatures,
// unknown channels, heights around timeouts and deadlines. `progress` is called after each trace.
// The model runs with `weakening` (none in the audit; a weakened model shows how a disagreement is
// reported).
TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress = {},
                                       Weakening weakening = Weakening::none);

}  // namespace l2::inv::payment_channel
