// The mass exit: must match l2::ref::zk_rollup::apply_exodus_withdraw_many
// (reference/include/l2/ref/zk_rollup_contract.hpp) bit for bit: ZK-EXIT-1, ZK-EXIT-6, ZK-EXIT-2,
// then for each claim in order ZK-EXIT-3, -4, -5 against the state the claims before it left, the
// first failing claim's code; on success the same contract and payouts.
// Exploits the claims' openings being independent of each other and of the contract: every
// claim's root is computed first, in groups whose 32 levels are hashed in lockstep (one
// midstate64_many call per level for the whole group, continuing the "L2/smt/node" midstate; the
// account values and leaf hashes from their tags' midstates through finish_many), the groups on TBB
// threads; then the rules run in order, with a hash set for ZK-EXIT-4 where the reference scans the
// list of exits for each claim.
// spec: zk_rollup.md#apply_exodus_withdraw-and-apply_exodus_withdraw_many
#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_set>

#include "../optimistic_rollup/hashes.hpp"
#include "../threads.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "reexecution.hpp"

namespace l2::opt::zk_rollup {

namespace reference = ref::zk_rollup;
namespace hashes = opt::optimistic_rollup::detail;

namespace {

// Claims per lockstep group: the group's 64-byte pairs and running hashes (12 KiB) stay in L1 over
// its 32 levels, and fill a 16-lane kernel 8 times per call.
constexpr std::size_t claims_per_group = 128;
// Groups per TBB task.
constexpr std::size_t claims_per_task = 4 * claims_per_group;

// roots[i] = smt::root_from_proof((claims[i].account_index, claims[i].siblings),
// account_value(claims[i].account)) for i in [begin, end).
void claim_roots(const sha256::Kernel& kernel, std::span<const reference::ExodusClaim> claims, Hash32* roots,
                 std::size_t begin, std::size_t end) {
  const sha256::Midstate& node = hashes::smt_node_tag().midstate;
  std::array<hashes::Tail, claims_per_group> tails;
  std::array<Hash32, claims_per_group> values;
  alignas(64) std::array<u8, 64 * claims_per_group> pairs;
  for (std::size_t group = begin; group < end; group += claims_per_group) {
    const std::size_t count = std::min(claims_per_group, end - group);
    for (std::size_t k = 0; k < count; ++k) {
      const ref::optimistic_rollup::Account& account = claims[group + k].account;
      tails[k] = hashes::account_tail(account.balance, account.nonce, account.owner);
    }
    hashes::finish(kernel, hashes::account_tag(), tails.data(), count, values.data());
    for (std::size_t k = 0; k < count; ++k) tails[k] = hashes::leaf_tail(claims[group + k].account_index, values[k]);
    Hash32* running = roots + group;
    hashes::finish(kernel, hashes::smt_leaf_tag(), tails.data(), count, running);
    for (std::size_t height = 0; height < ref::smt::depth; ++height) {
      for (std::size_t k = 0; k < count; ++k) {
        const reference::ExodusClaim& claim = claims[group + k];
        const bool right = ref::smt::goes_right(claim.account_index, height);
        u8* pair = pairs.data() + 64 * k;
        std::memcpy(pair + (right ? 32 : 0), running[k].data(), 32);
        std::memcpy(pair + (right ? 0 : 32), claim.siblings[height].data(), 32);
      }
      kernel.midstate64_many(node, pairs.data(), running[0].data(), count);
    }
  }
}

}  // namespace

reference::Transition apply_exodus_withdraw_many(const reference::ZkRollup& contract,
                                                 const reference::ExodusWithdrawManyInput& in,
                                                 const reference::Env& /*env*/, unsigned threads,
                                                 const sha256::Kernel& kernel) {
  // Verify: exodus is true [ZK-EXIT-1]
  if (!contract.exodus) return ZkRollupError::not_in_exodus;
  // Verify: len(claims) >= 1 [ZK-EXIT-6]
  if (in.claims.empty()) return ZkRollupError::exit_no_claims;
  // Verify: state_root(post_state) == executed_root [ZK-EXIT-2]
  if (detail::state_root(kernel, in.post_state) != reference::executed_root(contract))
    return ZkRollupError::exit_bad_state_opening;

  std::vector<Hash32> roots(in.claims.size());
  opt::detail::in_arena(threads, [&] {
    const bool parallel = threads != 1 && tbb::this_task_arena::max_concurrency() > 1;
    opt::detail::for_each_chunk(in.claims.size(), claims_per_task, parallel, [&](std::size_t begin, std::size_t end) {
      claim_roots(kernel, in.claims, roots.data(), begin, end);
    });
  });

  reference::ZkEffects effects = reference::effects_of(contract);
  reference::ZkRollup& c = effects.contract;
  std::unordered_set<ref::optimistic_rollup::AccountIndex> exited(c.exited.begin(), c.exited.end());
  exited.reserve(c.exited.size() + in.claims.size());
  c.exited.reserve(c.exited.size() + in.claims.size());
  for (std::size_t i = 0; i < in.claims.size(); ++i) {
    const reference::ExodusClaim& claim = in.claims[i];
    // Verify: the account's opening leads to post_state.accounts_root [ZK-EXIT-3]
    if (roots[i] != in.post_state.accounts_root) return ZkRollupError::exit_bad_account_proof;
    // Verify: account_index is not in exited [ZK-EXIT-4]
    if (exited.contains(claim.account_index)) return ZkRollupError::exit_already_exited;
    // Verify: escrow >= balance [ZK-EXIT-5]
    if (c.escrow < claim.account.balance) return ZkRollupError::exit_escrow_insufficient;
    c.escrow -= claim.account.balance;
    c.exited.push_back(claim.account_index);
    exited.insert(claim.account_index);
    reference::pay(effects, claim.account.owner, claim.account.balance);
  }
  return effects;
}

}  // namespace l2::opt::zk_rollup
