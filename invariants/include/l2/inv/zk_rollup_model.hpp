// The Z3 model of the ZK rollup (spec: zk_rollup.md#obligations, README.md#the-formal-layer): the L1
// contract's transition relation, op by op through the reference's operations table
// (l2/ref/zk_rollup_contract.hpp), over bounded batch slots; the proof system as a predicate on
// public inputs that an accepted proof implies (soundness); the named invariants by initiation and
// consecution, the safety obligations of the commit / prove / execute pipeline and of exodus, and
// the adversarial liveness check honest_user_exits (bounded model checking). The abstraction and its
// bounds are described at the top of invariants/src/zk_rollup/model.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"

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
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 5> all_weakenings = {
    Weakening::execute_before_verify, Weakening::public_input_omits_priority_ops, Weakening::exodus_exit_twice,
    Weakening::expiry_exclusive, Weakening::revert_verified};

// Every obligation of the mechanism, in one list with the same ids at both depths (only
// honest_user_exits' depth differs).
std::vector<Obligation> obligations(Weakening weakening = Weakening::none, Depth depth = Depth::full);

// This model's entry in the registry (l2/inv/registry.hpp): its obligations and weakenings. The
// model has no concrete engine yet, so no trace validation stage.
ModelEntry registry_entry();

}  // namespace l2::inv::zk_rollup
