// The Z3 model of the payment-channel adjudicator (spec: payment_channel.md, README.md#the-formal-layer).
//
// The model is the transition relation of ONE channel, the one a step addresses, over 64-bit
// bit-vectors: for a pre-state and an input it defines the error code the step gets (the first
// rule that fails, in the reference's order) and the post-state. Channels are independent except
// through `open`'s per-user limit and duplicate check, which the model reads as two inputs (the
// live-channel counts of the two keys) and the addressed channel's existence. A step never touches
// another channel (the frame), which trace validation checks against the reference.
//
// Signatures and hashes are abstracted as the design says: a signature check is a Boolean per
// slot, free unless an obligation constrains it; where a claim is about what was signed, the
// digest is an uninterpreted function that is injective (SHA-256 collision resistance over an
// injective fixed-width encoding) and a key's signature validates exactly the digests its holder
// signed (BIP-340 unforgeability).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/symbolic_signature.hpp"
#include "l2/ref/payment_channel.hpp"

namespace l2::inv::payment_channel {

namespace pc = l2::ref::payment_channel;

// The adjudicator's transitions, as the reference defines them; the value is the model's op code.
using Op = pc::ChannelOp;
inline constexpr std::size_t op_count = pc::channel_op_count;
using pc::op_name;
using pc::parse_op;

// One concrete step: the op and its input (OpenInput, FundInput, OffChainTransaction or ChannelRef).
struct Step {
  Op op = Op::open;
  std::variant<pc::OpenInput, pc::FundInput, pc::OffChainTransaction, pc::ChannelRef> input;
  u64 height = 0;
};

// The reference's outcome for a step: the apply_<op> the step names, with `check` for signatures.
template <pc::SignatureCheck Check>
Result<pc::Adjudicator, ChannelError> apply_reference(const pc::Adjudicator& a, const Step& step, const Check& check) {
  const pc::Env env{step.height};
  switch (step.op) {
    case Op::open: return pc::apply_open(a, std::get<pc::OpenInput>(step.input), env);
    case Op::fund: return pc::apply_fund(a, std::get<pc::FundInput>(step.input), env);
    case Op::update: return pc::apply_update(a, std::get<pc::OffChainTransaction>(step.input), env, check);
    case Op::cooperative_close: return pc::apply_cooperative_close(a, std::get<pc::OffChainTransaction>(step.input), env, check);
    case Op::force_close: return pc::apply_force_close(a, std::get<pc::OffChainTransaction>(step.input), env, check);
    case Op::challenge: return pc::apply_challenge(a, std::get<pc::OffChainTransaction>(step.input), env, check);
    case Op::settle: return pc::apply_settle(a, std::get<pc::ChannelRef>(step.input), env);
    case Op::timeout: return pc::apply_timeout(a, std::get<pc::ChannelRef>(step.input), env);
  }
  return ChannelError::unknown_channel;
}

// A rule deliberately weakened, to show that the prover and the counterexample path have teeth.
// Never used outside tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  update_accepts_equal_sequence,   // PC-UPD-2 as `>=` instead of `>`
  challenge_accepted_at_deadline,  // PC-CHAL-2 as `height <= dispute_deadline` (the earlier draft)
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);

// Every obligation of the mechanism: initiation, consecution of each invariant against each
// transition, replay binding, and the bounded model checks.
std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

// The signature oracle that gives the model's abstract check its concrete value in trace
// validation: is `signature` the holder of `pubkey`'s signature of `digest`?
using SignatureOracle = std::function<bool(const Hash32& pubkey, const Hash32& digest, const pc::Signature& signature)>;

// Runs concrete steps through the model with one Z3 context. For each step it asks the solver for
// the model's outcome and then proves that no other outcome is admitted; a second admitted outcome
// is reported as `ambiguous`, which would be a modelling error.
class Engine {
 public:
  explicit Engine(Weakening weakening = Weakening::none, SignatureOracle oracle = pc::Bip340Check{});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    ChannelError error = ChannelError::none;
    pc::Adjudicator post;      // the pre-state when error != none
    bool ambiguous = false;    // the model admits more than one outcome (never expected)
    std::string problem;       // why the step could not be modelled (e.g. an unknown Z3 answer)
  };
  Outcome apply(const pc::Adjudicator& pre, const Step& step);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A counterexample of an obligation as concrete steps: the pre-state and the steps to replay,
// with real BIP-340 signatures from keys derived from `seed` (participant i signs a slot the model
// found valid; an outsider signs a slot it found invalid). Present when the model's values can be
// realised (e.g. open's live-channel counts are small enough to build).
struct Counterexample {
  std::string obligation;   // the obligation id
  std::string statement;
  pc::Adjudicator pre;
  std::vector<Step> steps;
};

}  // namespace l2::inv::payment_channel

namespace l2::inv::payment_channel {

struct TraceValidation {
  std::size_t traces = 0;
  std::size_t steps = 0;
  std::size_t accepted = 0;
  std::size_t disagreements = 0;
  std::vector<std::string> failures;  // the first ten disagreements, each naming trace, step and both outcomes
};

// Replays `traces` pseudo-random traces (deterministic in `seed`) of up to `max_steps` steps
// through the reference and the model, comparing every step's outcome. Inputs mix valid and
// invalid ones: wrong sums, UINT64_MAX balances, bad, duplicated or misdirected signatures,
// unknown channels, heights around timeouts and deadlines. `progress` is called after each trace.
TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress = {});

}  // namespace l2::inv::payment_channel
