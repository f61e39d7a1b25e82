// Differential test: the optimized mass exit (l2::opt::zk_rollup::apply_exodus_withdraw_many)
// against l2::ref::zk_rollup::apply_exodus_withdraw_many.
// Each case draws an L2 state (accounts at dense and far indices, balances 0, 1, large and up to
// UINT64_MAX, empty slots) and a contract in exodus whose executed root is that state's (escrow
// sometimes short of the claims, some accounts already exited), then a call of 0..300 claims:
// true openings, mostly, and among them at random: a balance, nonce or owner changed, a sibling
// flipped, the opening of another slot, an empty slot claimed, an index past UINT32_MAX / 2, a
// claim repeated within the call or of an account that exited before, and sometimes the contract
// not in exodus or a post-state that does not open the executed root. The optimized call must give
// the reference's code, or the same contract and payouts, on one thread and on two, on a SHA-256
// kernel drawn from those this CPU supports. A larger call (3000 claims, several TBB tasks) runs
// too. EveryRuleIsHit runs fixed seeds and checks that ZK-EXIT-1..6 and acceptance were all seen.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace {

using l2::Hash32;
using l2::u64;
using l2::ZkRollupError;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace zk_rollup = l2::ref::zk_rollup;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::State;

using Random = std::mt19937_64;
u64 pick(Random& random, u64 n) { return n == 0 ? 0 : random() % n; }
bool chance(Random& random, u64 percent) { return pick(random, 100) < percent; }

std::string code(ZkRollupError e) { return std::string(l2::error_info(e).code); }

std::set<ZkRollupError>& seen() {
  static std::set<ZkRollupError> outcomes;
  return outcomes;
}

const l2::opt::sha256::Kernel& kernel_for(Random& random) {
  static const std::vector<const l2::opt::sha256::Kernel*> kernels = l2::opt::sha256::supported_kernels();
  return *kernels[pick(random, kernels.size())];
}

u64 balance_choice(Random& random) {
  constexpr std::array<u64, 6> balances = {0, 1, 1000, 123'456'789, l2::u64_max - 1, l2::u64_max};
  return chance(random, 70) ? 1 + pick(random, 1'000'000) : balances[pick(random, balances.size())];
}

struct Case {
  zk_rollup::ZkRollup contract;
  zk_rollup::ExodusWithdrawManyInput input;
  optimistic_rollup::StateHeader executed_state;  // the header that opens the executed root
};

Case make_case(Random& random, std::size_t accounts, std::size_t claims) {
  State state;
  for (std::size_t i = 0; i < accounts; ++i) {
    AccountIndex index = static_cast<AccountIndex>(i);
    if (chance(random, 10)) index = 0x80000000u + static_cast<AccountIndex>(pick(random, 1u << 30));
    if (chance(random, 3)) index = 0xFFFFFFFFu;
    Hash32 owner{};
    owner[0] = static_cast<l2::u8>(random());
    owner[31] = static_cast<l2::u8>(i);
    state.put(index, Account{balance_choice(random), pick(random, 5), owner});
  }
  state.set_counters(optimistic_rollup::Counters{pick(random, 9), pick(random, 9)});
  const auto entries = state.accounts();

  Case c;
  zk_rollup::ZkRollup& contract = c.contract;
  contract.chain_id = 3;
  contract.exodus = !chance(random, 4);
  zk_rollup::BatchRecord record{};
  record.header.post_state_root = state.root();
  const std::size_t executed = 1 + pick(random, 2);
  contract.batches.assign(executed, zk_rollup::BatchRecord{});
  contract.batches.back() = record;
  contract.committed = contract.verified = contract.executed = executed;
  if (chance(random, 5)) {  // executed_root is genesis
    contract.genesis_root = state.root();
    contract.executed = 0;
  }
  u64 total = 0;
  for (const auto& [index, account] : entries) total = l2::saturating_add(total, account.balance);
  contract.escrow = chance(random, 85) ? total : pick(random, total == 0 ? 1 : total);
  for (const auto& [index, account] : entries)
    if (chance(random, 4)) contract.exited.push_back(index);

  c.input.caller = Hash32{0xca};
  c.executed_state = state.header();
  c.input.post_state = state.header();
  if (chance(random, 4)) c.input.post_state.forced_exits_processed += 1;  // opens another root
  for (std::size_t k = 0; k < claims && !entries.empty(); ++k) {
    const auto& [index, account] = entries[pick(random, entries.size())];
    zk_rollup::ExodusClaim claim{index, account, state.prove(index).siblings};
    switch (chance(random, 12) ? pick(random, 9) : 99) {
      case 0: claim.account.balance += 1; break;
      case 1: claim.account.nonce += 1; break;
      case 2: claim.account.owner[5] ^= 1; break;
      case 3: claim.siblings[pick(random, l2::ref::smt::depth)][pick(random, 32)] ^= 0x10; break;
      case 4: claim.account_index ^= 1u << pick(random, 32); break;  // another slot's opening
      case 5: {  // an empty slot claimed with its true (empty) opening
        const AccountIndex empty = 0x20000000u + static_cast<AccountIndex>(pick(random, 1000));
        claim = zk_rollup::ExodusClaim{empty, Account{5, 0, Hash32{}}, state.prove(empty).siblings};
        break;
      }
      case 6:
        if (!c.input.claims.empty()) claim = c.input.claims[pick(random, c.input.claims.size())];  // repeated
        break;
      case 7:
        if (!contract.exited.empty()) {  // an account that exited before
          const AccountIndex gone = contract.exited[pick(random, contract.exited.size())];
          claim = zk_rollup::ExodusClaim{gone, *state.account(gone), state.prove(gone).siblings};
        }
        break;
      default: break;
    }
    c.input.claims.push_back(claim);
  }
  return c;
}

void compare(Random& random, const Case& c, const std::string& what) {
  const zk_rollup::Env env{50};
  const zk_rollup::Transition expected = zk_rollup::apply_exodus_withdraw_many(c.contract, c.input, env);
  const l2::opt::sha256::Kernel& kernel = kernel_for(random);
  for (const unsigned threads : {1u, 2u}) {
    const zk_rollup::Transition actual = l2::opt::zk_rollup::apply_exodus_withdraw_many(c.contract, c.input, env, threads, kernel);
    if (expected.ok() != actual.ok()) {
      ADD_FAILURE() << what << ": reference " << (expected.ok() ? "accepts" : code(expected.error())) << ", optimized "
                    << (actual.ok() ? "accepts" : code(actual.error())) << " on " << threads << " thread(s), kernel "
                    << kernel.name;
      return;
    }
    if (!expected.ok()) {
      EXPECT_EQ(code(expected.error()), code(actual.error())) << what << " on " << threads << " thread(s)";
    } else {
      EXPECT_TRUE(l2::reflect::equal(expected.value(), actual.value()))
          << what << ": " << l2::reflect::diff(expected.value(), actual.value());
    }
  }
  seen().insert(expected.ok() ? ZkRollupError::none : expected.error());
}

void run_case(u64 seed) {
  Random random(seed);
  const std::size_t claims = chance(random, 5) ? 0 : 1 + pick(random, chance(random, 20) ? 300 : 20);
  Case c = make_case(random, 3 + pick(random, 40), claims);
  compare(random, c, "seed " + std::to_string(seed));
}

RC_GTEST_PROP(ZkRollupExodusDifferential, RandomClaims, (u64 seed)) {
  run_case(seed);
  RC_ASSERT(!::testing::Test::HasFailure());
}

TEST(ZkRollupExodusDifferential, ManyClaimsAcrossTasks) {
  for (u64 seed = 1; seed <= 3; ++seed) {
    Random random(seed);
    Case c = make_case(random, 600, 3000);
    c.contract.exodus = true;
    c.input.post_state = c.executed_state;
    compare(random, c, "large, seed " + std::to_string(seed));
    // The same, every claim true and distinct: accepted, unless the escrow is short.
    Case honest = c;
    std::set<AccountIndex> taken(honest.contract.exited.begin(), honest.contract.exited.end());
    std::vector<zk_rollup::ExodusClaim> distinct;
    for (const zk_rollup::ExodusClaim& claim : c.input.claims)
      if (taken.insert(claim.account_index).second) distinct.push_back(claim);
    honest.input.claims = distinct;
    compare(random, honest, "large distinct, seed " + std::to_string(seed));
  }
}

TEST(ZkRollupExodusDifferential, EveryRuleIsHit) {
  seen().clear();
  for (u64 seed = 0; seed < 400 && !::testing::Test::HasFailure(); ++seed) run_case(seed * 104729 + 3);
  std::vector<std::string> missing;
  for (const ZkRollupError e : {ZkRollupError::none, ZkRollupError::not_in_exodus, ZkRollupError::exit_no_claims,
                                ZkRollupError::exit_bad_state_opening, ZkRollupError::exit_bad_account_proof,
                                ZkRollupError::exit_already_exited, ZkRollupError::exit_escrow_insufficient})
    if (!seen().contains(e)) missing.push_back(code(e));
  EXPECT_TRUE(missing.empty()) << "never reached: " << ::testing::PrintToString(missing);
  std::printf("zk_rollup exodus differential: %zu outcomes seen\n", seen().size());
}

}  // namespace
