// The Z3 model of the ZK rollup (spec: zk_rollup.md#obligations, README.md#the-formal-layer): the L1
// contract's transition relation, op by op through the reference's operations table
// (l2/ref/zk_rollup_contract.hpp), over bounded batch slots; the proof system as a predicate on
// public inputs that an accepted proof implies (soundness); the named invariants by initiation and
// consecution, the safety obligations of the commit / prove / execute pipeline and of exodus, and
// the adversarial liveness check honest_user_exits (bounded model checking); and an engine that runs
// concrete steps through the relation. The abstraction and its bounds are described at the top of
// invariants/src/zk_rollup/model.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace l2::inv::zk_rollup {

// The model's bounds. The contract holds at most `batch_slots` committed batches (a commit that
// needs one more is outside the model); a batch consumes at most `priority_per_batch` priority
// operations; the L2 execution behind a valid statement consumes at most `statement_priority_max`
// (more than a batch may, so that a longer list is considered); exodus_withdraw_many takes at most
// `claim_slots` claims.
inline constexpr std::size_t batch_slots = 3;
inline constexpr std::size_t priority_per_batch = 2;
inline constexpr std::size_t statement_priority_max = 3;
inline constexpr std::size_t claim_slots = 2;

// honest_user_exits: the steps of the trace, the user's three included (its request, its
// activate_exodus, its exodus_withdraw); the others are any call by anyone.
constexpr std::size_t honest_user_exits_depth(Depth depth) { return depth == Depth::full ? 6 : 4; }

// A rule deliberately weakened, to show that the obligations have teeth. Never used outside tests
// and `l2spec prove --weaken`.
enum class Weakening {
  none,
  execute_before_verify,            // ZK-EXEC-1 as `executed < committed`
  public_input_omits_priority_ops,  // the public input without priority_ops_hash
  exodus_exit_twice,                // ZK-EXIT-4 dropped
  expiry_exclusive,                 // ZK-LIVE-2 and ZK-EXO-1 with the expiry at expiry_height + 1
  revert_verified,                  // ZK-REVERT-2 dropped
  witness_root_unchecked,           // ZK-RX-8 without the comparison with pre_state.accounts_root
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 6> all_weakenings = {
    Weakening::execute_before_verify, Weakening::public_input_omits_priority_ops, Weakening::exodus_exit_twice,
    Weakening::expiry_exclusive, Weakening::revert_verified, Weakening::witness_root_unchecked};

// Every obligation of the mechanism, in one list with the same ids at both depths (only
// honest_user_exits' depth differs).
std::vector<Obligation> obligations(Weakening weakening = Weakening::none, Depth depth = Depth::full);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings, and the
// audit's trace validation stage.
ModelEntry registry_entry();

// ---- The engine: concrete steps through the model (zk_rollup.md#the-model-as---impl-model).

// The deployment rules as the model states them (ZK-DEPLOY-1..5), evaluated for a concrete
// configuration, then ZK-DEPLOY-6, the backend's check of its key (check_key: the model has no key):
// the code of the first rule that refuses, or ZkRollupError::none (`vectors verify --impl model` of deploy).
ZkRollupError deploy_error(const ref::zk_rollup::ZkConfig& config, const ref::zk_rollup::VerifyingKey& verifying_key);

// The contract's transitions, as the reference's operations table defines them; an op's code in the
// model is its code in the table.
using Op = ref::zk_rollup::ContractOp;
inline constexpr std::size_t op_count = ref::zk_rollup::Operations::count;

// One concrete contract step: the op, its input (the op's Input type) and its height.
struct Step {
  Op op{};
  ref::zk_rollup::Operations::InputVariant input;
  u64 height = 0;
};

// The input's type is the one the op's table entry declares.
bool input_matches_op(const Step& step);

// The signature oracle that gives the proof system's verdict its concrete value (ZK-PROVE-3 is the
// reference's verify on the concrete proof, re-executing signed transactions with this check).
using SignatureOracle =
    std::function<bool(const Hash32& pubkey, const Hash32& digest, const ref::optimistic_rollup::Signature& signature)>;

// Runs concrete steps through the model's transition relation (model.hpp, the relation the
// obligations use) with one Z3 context. Each step's concrete values are projected onto the model's
// variables (hashes interned: equal hashes, equal values; the hash terms the step builds fixed at the
// reference's hashes; every abstracted check, the proof system's acceptance included, is its verdict
// computed by the reference with `oracle`); the solver gives the outcome, is asked to rule out any
// other, and the outcome is lifted back to concrete values. A step outside the model's bounds (a
// fourth batch slot, more than priority_per_batch operations in a batch, more than claim_slots
// claims, the committee data mode) is not applicable: `outside_bounds` says why and nothing else is set.
class Engine {
 public:
  explicit Engine(Weakening weakening = Weakening::none, SignatureOracle oracle = ref::zk_rollup::Bip340Check{});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    ZkRollupError error = ZkRollupError::none;
    ref::zk_rollup::ZkEffects effects;  // the post-state and payouts; the pre-state and none when error != none
    std::string outside_bounds;         // non-empty: the step is outside the model's bounds (not applicable)
    bool ambiguous = false;             // the model admits more than one outcome (never expected)
    std::string problem;                // why the step could not be modelled (e.g. an unknown Z3 answer)
  };
  // A contract op.
  Outcome apply(const ref::zk_rollup::ZkRollup& pre, const Step& step);

  struct Impl;  // opaque: the Z3 context and the relation

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Trace validation: pseudo-random reference traces through the engine.

// The registry's report (the first ten failures; outcomes "op: error code" or "op: ok"), and more.
struct TraceValidation : TraceReport {
  std::size_t not_applicable = 0;  // steps outside the model's bounds, not compared
};

// Replays `traces` pseudo-random traces (deterministic in `seed`) of up to `max_steps` reference
// contract calls (with the symbolic signature check) from deploy through the engine, comparing every
// step's outcome (error code, post-state and payouts) with the reference's; deploy's verdict is
// compared with deploy_error. Calls mix all 12 ops, valid and invalid: honest and dishonest batches
// (wrong roots, numbers and counts, tampered data, priority operations skipped or beyond the queue),
// honest, junk and misaddressed proofs, executions, reverts, heights at each expiry -1/0/+1, exodus,
// exits (tampered openings, repeated accounts), refunds and withdrawal payments. `progress` is called
// after each trace. The engine runs with `weakening` (none in the audit; a weakened engine shows how a
// disagreement is reported).
TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress = {},
                                       Weakening weakening = Weakening::none);

}  // namespace l2::inv::zk_rollup
