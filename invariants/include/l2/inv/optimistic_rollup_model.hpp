// The Z3 model of the optimistic rollup (spec: optimistic_rollup.md#the-z3-model, README.md#the-formal-layer):
// the L1 rollup contract's transition relation, op by op through the reference's operations table,
// over bounded batch and challenge slots; the fraud-proof verifier over a small L2 state; the named
// obligations over both, the adversarial liveness checks among them; and an engine that runs
// concrete steps through the relation. The abstraction and its bounds are described at the top of
// invariants/src/optimistic_rollup/contract_model.hpp and l2_model.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::inv::optimistic_rollup {

// The model's bounds. The obligations' contract model holds at most `batch_slots` recorded batches
// and `challenge_slots` open challenges (a step that would need one more is outside the model); the
// engine sizes its slots to each concrete state instead. The L2 model has `account_slots` account
// slots; completeness is checked end to end, by bounded model checking, for every batch of 1 to
// `completeness_max_transactions` transactions over completeness_accounts(n) slots (the one-step
// completeness obligations hold for any batch size).
inline constexpr std::size_t batch_slots = 3;
inline constexpr std::size_t challenge_slots = 3;
inline constexpr std::size_t account_slots = 3;
inline constexpr std::size_t completeness_max_transactions = 3;
constexpr std::size_t completeness_accounts(std::size_t transactions) { return transactions < 3 ? 3 : 2; }
// The adversarial bounded model checks: steps of the trace, the honest ones included.
inline constexpr std::size_t honest_challenger_depth = 4;
inline constexpr std::size_t no_batch_after_revert_depth = 3;
inline constexpr std::size_t honest_operator_depth = 4;

// A rule deliberately weakened, to show that the obligations have teeth. Never used outside tests
// and `l2spec prove --weaken`.
enum class Weakening {
  none,
  finalize_ignores_open_challenges,  // OR-FIN-3 dropped
  challenge_accepted_at_deadline,    // OR-CHAL-2 as `height <= challenge_deadline`
  challenge_id_is_evidence,          // OR-CHAL-5 as first specified: challenge_id = evidence, whoever commits it
  reverted_batch_replayable,         // OR-BATCH-13 dropped (review finding 1)
  overdue_at_inclusion,              // OR-FP-10 judged at the batch's inclusion height (review finding 5)
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 5> all_weakenings = {
    Weakening::finalize_ignores_open_challenges, Weakening::challenge_accepted_at_deadline,
    Weakening::challenge_id_is_evidence, Weakening::reverted_batch_replayable, Weakening::overdue_at_inclusion};

// Every obligation of the mechanism: initiation and consecution of the contract invariants against
// each of the 15 contract transitions, fraud-proof soundness and (bounded) completeness, L2
// conservation and exactly-once processing of deposits and forced exits, and the adversarial
// liveness obligations (honest_challenger_wins, no_batch_after_revert, honest_operator_not_slashed,
// honest_user_exits), in which every step but the honest party's is any call by anyone. Each
// obligation that a weakening breaks renders its counterexample as a vector case (Obligation::witness).
std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings, and the
// audit's trace validation stage.
ModelEntry registry_entry();

// The deployment rules OR-DEPLOY-1..11 as the model states them, evaluated for a concrete
// configuration: the code of the first rule that refuses it, or OptimisticRollupError::none (`vectors verify
// --impl model` of deploy).
OptimisticRollupError deploy_error(const ref::optimistic_rollup::RollupConfig& config, Weakening weakening = Weakening::none);

// ---- The engine: concrete steps through the model.

// The contract's transitions, as the reference's operations table defines them; an op's code in the
// model is its code in the table.
using Op = ref::optimistic_rollup::ContractOp;
inline constexpr std::size_t op_count = ref::optimistic_rollup::Operations::count;
using ref::optimistic_rollup::op_code;

// One concrete contract step: the op, its input (the op's Input type) and its height.
struct Step {
  Op op{};
  ref::optimistic_rollup::Operations::InputVariant input;
  u64 height = 0;
};

// The input's type is the one the op's table entry declares.
bool input_matches_op(const Step& step);

// The reference's outcome for a step, with `check` for signatures. Contract: input_matches_op(step).
template <ref::optimistic_rollup::SignatureCheck Check>
ref::optimistic_rollup::Transition apply_reference(const ref::optimistic_rollup::OptimisticRollup& c, const Step& step, const Check& check) {
  const ref::optimistic_rollup::Env env{step.height};
  return ref::optimistic_rollup::Operations::visit(step.op, [&](auto op) -> ref::optimistic_rollup::Transition {
    using Operation = typename decltype(op)::type;
    return Operation::apply(c, std::get<typename Operation::Input>(step.input), env, check);
  });
}

// The signature oracle that gives the model's abstract signature verdicts their concrete value: is
// `signature` the holder of `pubkey`'s signature of `digest`?
using SignatureOracle = std::function<bool(const Hash32& pubkey, const Hash32& digest, const ref::optimistic_rollup::Signature& signature)>;

// Runs concrete steps through the model with one Z3 context. For each step the concrete values are
// projected onto the model's variables (hashes interned: equal hashes, equal values; every check of
// posted data, of a signature, of a Merkle opening and of a transaction fault is its verdict, computed
// by the reference with `oracle`), the solver is asked for the model's outcome, then asked to rule
// out any other, and the outcome is lifted back to concrete values. A second admitted outcome is
// reported as `ambiguous`, which would be a modelling error.
class Engine {
 public:
  explicit Engine(Weakening weakening = Weakening::none, SignatureOracle oracle = ref::optimistic_rollup::Bip340Check{});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    OptimisticRollupError error = OptimisticRollupError::none;
    ref::optimistic_rollup::Effects effects;    // the post-state, payouts and resolutions; the pre-state and none when error != none
    bool ambiguous = false;  // the model admits more than one outcome (never expected)
    std::string problem;     // why the step could not be modelled (e.g. an unknown Z3 answer)
  };
  // A contract op.
  Outcome apply(const ref::optimistic_rollup::OptimisticRollup& pre, const Step& step);

  // The stateless step (vector op apply_tx): the post-root, or the first failing rule.
  struct TransactionOutcome {
    OptimisticRollupError error = OptimisticRollupError::none;
    Hash32 post_root{};
    bool ambiguous = false;
    std::string problem;
  };
  TransactionOutcome apply_tx(const ref::optimistic_rollup::L2Params& params, std::span<const Hash32> deposit_ids,
                              std::span<const Hash32> forced_exit_ids, const Hash32& pre_root,
                              const ref::optimistic_rollup::TxWitness& witness, std::span<const u8> transaction);

  // The read-only verifier (vector op verify_fraud_proof): OptimisticRollupError::none for a confirmed fraud,
  // else the OR-FP rule that rejects the proof, OR-RES-1 (unknown_challenge) for an unknown
  // challenge, or OR-CHAL-1 (challenge_unknown_batch) for a challenge whose batch is not pending.
  struct VerdictOutcome {
    OptimisticRollupError error = OptimisticRollupError::none;
    bool ambiguous = false;
    std::string problem;
  };
  VerdictOutcome verify_fraud_proof(const ref::optimistic_rollup::OptimisticRollup& contract, const Hash32& challenge_id,
                                    const ref::optimistic_rollup::FraudProof& proof);

  struct Impl;  // opaque: the Z3 context and the cached relations

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Trace validation: pseudo-random reference traces through the engine.

// The registry's report (the first ten failures; outcomes "op: error code" or "op: ok"), and more.
struct TraceValidation : TraceReport {
  std::size_t stateless_steps = 0;  // apply_tx and verify_fraud_proof steps checked besides
};

// Replays `traces` pseudo-random traces (deterministic in `seed`) of up to `max_steps` reference
// contract calls (with the symbolic signature check) from deploy through the engine, comparing every
// step's outcome (error code, post-state, payouts and resolutions) with the reference's. Calls mix
// valid and invalid ones: honest and fraudulent batches (minted balances, unsigned transfers, skipped
// and overdue requests), origins at the sequencing window's edges, forced exits, honest, copied and
// junk challenges and proofs, freezes, exits and reclaims, heights at every deadline -1/0/+1, values
// up to UINT64_MAX, configurations deploy refuses. Every `apply_tx` of a batch being built and every
// fraud proof a challenger reveals also goes through the engine's stateless ops. `progress` is called
// after each trace. The engine runs with `weakening` (none in the audit; a weakened engine shows how a
// disagreement is reported).
TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress = {},
                                       Weakening weakening = Weakening::none);

}  // namespace l2::inv::optimistic_rollup
