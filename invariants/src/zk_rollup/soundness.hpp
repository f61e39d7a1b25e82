// The reexecution backend's soundness over a small sparse tree: multiproof_binds,
// touched_slots_agree, post_root_recomputed and reexecution_sound (soundness.cpp).
// spec: zk_rollup.md#obligations
#pragma once

#include <cstddef>
#include <vector>

#include "l2/inv/zk_rollup_model.hpp"

namespace l2::inv::zk_rollup {

// The bounds of the soundness obligations: a sparse tree of `tree_depth` levels (2^tree_depth
// account slots; the real tree has 32) and, end to end in reexecution_sound, a batch of
// `transactions` transactions (touched_slots_agree carries any length; two transactions over 8
// slots end to end take about a minute).
struct SoundnessBounds {
  std::size_t tree_depth;
  std::size_t transactions;
};
constexpr SoundnessBounds soundness_bounds(Depth depth) {
  return depth == Depth::full ? SoundnessBounds{3, 1} : SoundnessBounds{2, 1};
}

// The four, under `weakening` (witness_root_unchecked is the one that changes the backend, in
// multiproof_binds and reexecution_sound; every other weakening leaves it as it is).
std::vector<Obligation> soundness_obligations(Weakening weakening, Depth depth);

}  // namespace l2::inv::zk_rollup
