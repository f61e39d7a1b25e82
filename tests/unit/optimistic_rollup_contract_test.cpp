// The optimistic rollup's L1 contract with real BIP-340 signatures: every rule of deployment,
// stake, deposits, batch submission, challenges, fraud-proof verification, finalization and payout
// accepts and rejects; the named attacks (invalid root, invalid signature in a batch, double spend,
// challenge at the deadline, frivolous challenge, operator below the minimum stake, withdrawal
// before finality, revert cascade over three batches, an ignored deposit) end as the spec says; and
// every call conserves the contract's holdings. Signatures come from libsecp256k1 (the oracle), so
// the operator's and users' signatures are not checked only against the reference's own signer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

using l2::Hash32;
using l2::RollupError;
using l2::u64;
namespace orl = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using orl::AccountIndex;
using orl::Batch;
using orl::Effects;
using orl::Env;
using orl::FraudProof;
using orl::FraudProofType;
using orl::OptimisticRollup;
using orl::ResolutionKind;
using orl::State;
using orl::Transaction;

constexpr u64 chain = 7;
constexpr AccountIndex alice = 1;
constexpr AccountIndex bob = 2;
constexpr Hash32 challenger_address{0xc1};
constexpr Hash32 second_challenger{0xc2};
constexpr Hash32 recipient_address{0xe1};

const orl::RollupConfig config{
    /*max_batch_size=*/4, /*challenge_period_blocks=*/20, /*resolution_period_blocks=*/10,
    /*deposit_inclusion_blocks=*/5, /*min_challenge_bond=*/100,
    orl::StakeRequirements{/*minimum_stake=*/1000, /*stake_lock_period=*/50, /*penalty_percentage=*/30}};

std::string code(RollupError e) { return std::string(l2::error_info(e).code); }
std::string code_of(const orl::Transition& t) { return code(t.ok() ? RollupError::none : t.error()); }

// Sum of the payouts of one call.
u64 paid_out(const Effects& e) {
  u64 sum = 0;
  for (const auto& p : e.payouts) sum += p.amount;
  return sum;
}

class RollupContractTest : public ::testing::Test {
 protected:
  RollupContractTest() {
    const l2::Bytes seed = l2::bytes_of("optimistic_rollup_contract_test");
    for (l2::u32 i = 0; i < 4; ++i) {
      secret[i] = l2::ref::bip340::secret_from_seed(seed, i);
      key[i] = oracle::pubkey(secret[i]).value();
    }
    contract = orl::deploy(chain, Hash32{0xcc}, key[0], 0, config).value();
    contract = ok(orl::apply_stake(contract, {1000}, env(1, key[0])));
    contract = ok(orl::apply_deposit_new_account(contract, {key[1], 1000}, env(2)));
    contract = ok(orl::apply_deposit_new_account(contract, {key[2], 500}, env(2)));
    l2_state = State::genesis(key[0]);
  }

  static Env env(u64 height, const Hash32& caller = Hash32{0xaa}) { return Env{height, caller}; }

  // A call that must succeed; also checks conservation of the holdings across it.
  OptimisticRollup ok(const orl::Transition& t, u64 value_in = 0, const OptimisticRollup* before = nullptr) {
    EXPECT_TRUE(t.ok()) << code_of(t);
    if (!t.ok()) return before ? *before : contract;
    if (before) {
      EXPECT_EQ(orl::holdings(*before).value + value_in, orl::holdings(t.value().contract).value + paid_out(t.value()))
          << "holdings not conserved";
    }
    return t.value().contract;
  }

  orl::L2Params params() const { return orl::params_of(contract); }
  std::vector<Hash32> deposit_ids() const {
    std::vector<Hash32> ids;
    for (const auto& d : contract.deposits) ids.push_back(d.deposit_id);
    return ids;
  }

  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    orl::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = oracle::sign(secret[signer], orl::transfer_digest(params(), t), Hash32{}).value();
    return orl::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    orl::Withdrawal w{from, recipient_address, amount, fee, nonce, {}};
    w.signature = oracle::sign(secret[signer], orl::withdrawal_digest(params(), w), Hash32{}).value();
    return orl::make_transaction(w);
  }
  Transaction deposit(u64 index) const {
    // Reconstructs the deposit L1 recorded at `index` in this fixture: 0 alice 1000, 1 bob 500,
    // later ones top-ups of alice recorded by top_up().
    if (index == 0) return orl::make_transaction(orl::Deposit{0, alice, key[1], 1000});
    if (index == 1) return orl::make_transaction(orl::Deposit{1, bob, key[2], 500});
    return orl::make_transaction(orl::Deposit{index, alice, std::nullopt, top_ups.at(index)});
  }
  void top_up(u64 amount, u64 height) {
    top_ups[contract.deposits.size()] = amount;
    const OptimisticRollup before = contract;
    contract = ok(orl::apply_deposit_top_up(contract, {alice, amount}, env(height)), amount, &before);
  }

  // An honest batch over `txs` from the current L2 state, signed by the operator; the L2 state moves.
  Batch honest_batch(const std::vector<Transaction>& txs) {
    const auto ids = deposit_ids();
    auto executed = orl::execute_batch(params(), orl::L1View{ids}, l2_state, txs);
    if (!executed.ok()) {
      ADD_FAILURE() << "honest batch refused: " << code(executed.error());
      return Batch{{}, {}, txs, std::vector<Hash32>(txs.size() + 1)};
    }
    states_before.push_back(l2_state);
    l2_state = executed.value().post_state;
    return orl::make_batch(contract, txs, executed.value().state_roots, secret[0], Hash32{0x01});
  }
  // Signs `batch` again after its header or data was altered (the operator is the cheater).
  Batch resigned(Batch batch) const {
    batch.header = orl::batch_header_for(contract, batch.transactions, batch.state_roots);
    batch.signature = oracle::sign(secret[0], orl::batch_id(batch.header), Hash32{}).value();
    return batch;
  }
  void submit(const Batch& batch, u64 height) {
    contract = ok(orl::apply_submit_batch(contract, batch, env(height)));
    posted.push_back(batch);
  }

  // Commits to `proof` as `who` and opens the challenge; returns its id.
  Hash32 open(const FraudProof& proof, u64 height, const Hash32& who = challenger_address, u64 bond = 100) {
    const Hash32 evidence = orl::evidence_commitment(who, proof);
    const OptimisticRollup before = contract;
    contract = ok(orl::apply_open_challenge(contract, {proof.batch_id, proof.proof_type, evidence, bond}, env(height, who)),
                  bond, &before);
    return orl::challenge_id(who, evidence);
  }
  Effects resolve(const Hash32& id, const FraudProof& proof, u64 height) {
    const OptimisticRollup before = contract;
    const auto t = orl::apply_resolve_challenge(contract, {id, proof}, env(height));
    contract = ok(t, 0, &before);
    return t.ok() ? t.value() : Effects{};
  }
  std::optional<FraudProof> proof_against(std::size_t batch_number) const {
    return orl::find_fraud(contract, contract.batches[batch_number], posted[batch_number], states_before[batch_number]);
  }

  Hash32 secret[4]{};
  Hash32 key[4]{};  // 0 the operator, 1 alice, 2 bob, 3 an outsider
  OptimisticRollup contract;
  State l2_state;
  std::vector<State> states_before;  // the true L2 state before each posted batch
  std::vector<Batch> posted;
  std::map<u64, u64> top_ups;
};

// ---- error codes ----

TEST(RollupContractErrors, EveryCodeIsARowOfTheSpec) {
  l2::test::expect_rule_table_matches(l2::all_rollup_errors, "optimistic_rollup.md", "OR");
}

// ---- deployment and stake ----

TEST_F(RollupContractTest, DeploymentRefusesAConfigWithoutWorkingFraudProofs) {
  auto refused = [&](auto change) {
    orl::RollupConfig bad = config;
    change(bad);
    return orl::deploy(chain, Hash32{}, key[0], 0, bad).error() == RollupError::config_invalid;
  };
  EXPECT_TRUE(refused([](orl::RollupConfig& c) { c.stake.penalty_percentage = 101; }));
  EXPECT_TRUE(refused([](orl::RollupConfig& c) { c.max_batch_size = 0; }));
  EXPECT_TRUE(refused([](orl::RollupConfig& c) { c.challenge_period_blocks = 0; }));
  EXPECT_TRUE(refused([](orl::RollupConfig& c) { c.resolution_period_blocks = 1; }));
  orl::RollupConfig edge = config;
  edge.stake.penalty_percentage = 100;
  edge.max_batch_size = 1;
  edge.challenge_period_blocks = 1;
  edge.resolution_period_blocks = 2;
  const auto deployed = orl::deploy(chain, Hash32{}, key[0], 0, edge);
  ASSERT_TRUE(deployed.ok());
  EXPECT_EQ(deployed.value().last_state_root, State::genesis(key[0]).root());
  EXPECT_EQ(deployed.value().next_account_index, 1u);
  EXPECT_EQ(deployed.value().rollup_id, orl::rollup_id(chain, Hash32{}, key[0], 0));
}

TEST_F(RollupContractTest, StakeRules) {
  OptimisticRollup fresh = orl::deploy(chain, Hash32{0xcc}, key[0], 0, config).value();
  EXPECT_EQ(orl::apply_stake(fresh, {5000}, env(1, key[1])).error(), RollupError::not_operator);
  EXPECT_EQ(orl::apply_stake(fresh, {999}, env(1, key[0])).error(), RollupError::stake_below_minimum);
  fresh = ok(orl::apply_stake(fresh, {1000}, env(10, key[0])), 1000, &fresh);
  EXPECT_TRUE(fresh.staked);
  EXPECT_EQ(fresh.stake_unlock_height, 60u);
  // Once staked, a top-up of any size is fine and the lock only moves later.
  fresh = ok(orl::apply_stake(fresh, {1}, env(5, key[0])), 1, &fresh);
  EXPECT_EQ(fresh.stake, 1001u);
  EXPECT_EQ(fresh.stake_unlock_height, 60u);
  EXPECT_EQ(orl::apply_stake(fresh, {l2::u64_max - 1000}, env(5, key[0])).error(), RollupError::stake_overflow);
  // A lock period past UINT64_MAX saturates.
  fresh = ok(orl::apply_stake(fresh, {1}, env(l2::u64_max - 10, key[0])), 1, &fresh);
  EXPECT_EQ(fresh.stake_unlock_height, l2::u64_max);
}

TEST_F(RollupContractTest, UnstakeWaitsForTheLockAndForPendingBatches) {
  EXPECT_EQ(orl::apply_unstake(contract, env(100, key[1])).error(), RollupError::not_operator);
  EXPECT_EQ(orl::apply_unstake(contract, env(50, key[0])).error(), RollupError::stake_locked);
  submit(honest_batch({deposit(0)}), 10);
  EXPECT_EQ(orl::apply_unstake(contract, env(51, key[0])).error(), RollupError::batches_pending);
  contract = ok(orl::apply_finalize(contract, env(30)));
  const auto t = orl::apply_unstake(contract, env(51, key[0]));
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.value().payouts.size(), 1u);
  EXPECT_EQ(t.value().payouts[0].to, key[0]);
  EXPECT_EQ(t.value().payouts[0].amount, 1000u);
  EXPECT_FALSE(t.value().contract.staked);
  EXPECT_EQ(orl::apply_submit_batch(t.value().contract, honest_batch({deposit(1)}), env(52)).error(),
            RollupError::operator_understaked);
}

// ---- deposits ----

TEST_F(RollupContractTest, DepositsAssignIndicesAndRecordIds) {
  EXPECT_EQ(contract.next_account_index, 3u);
  EXPECT_EQ(contract.escrow, 1500u);
  ASSERT_EQ(contract.deposits.size(), 2u);
  EXPECT_EQ(contract.deposits[1].deposit_id, orl::deposit_id(params(), orl::Deposit{1, bob, key[2], 500}));
  EXPECT_EQ(contract.deposits[1].recorded_at, 2u);
  top_up(50, 3);
  EXPECT_EQ(contract.deposits[2].deposit_id, orl::deposit_id(params(), orl::Deposit{2, alice, std::nullopt, 50}));
  // Account 0 exists from genesis, so the operator can top it up.
  EXPECT_TRUE(orl::apply_deposit_top_up(contract, {0, 1}, env(3)).ok());
  EXPECT_EQ(orl::apply_deposit_top_up(contract, {3, 1}, env(3)).error(), RollupError::deposit_unknown_account);
  EXPECT_EQ(orl::apply_deposit_top_up(contract, {1, l2::u64_max}, env(3)).error(), RollupError::escrow_overflow);
  EXPECT_EQ(orl::apply_deposit_new_account(contract, {key[3], l2::u64_max - 2000}, env(3)).error(),
            RollupError::escrow_overflow);
  OptimisticRollup full = contract;
  full.next_account_index = u64{1} << 32;
  EXPECT_EQ(orl::apply_deposit_new_account(full, {key[3], 1}, env(3)).error(), RollupError::accounts_exhausted);
  full.next_account_index = (u64{1} << 32) - 1;
  EXPECT_EQ(orl::apply_deposit_new_account(full, {key[3], 1}, env(3)).value().contract.next_account_index,
            u64{1} << 32);
}

// ---- batch submission ----

TEST_F(RollupContractTest, SubmissionChecksEveryCommitmentInOrder) {
  const Batch good = honest_batch({deposit(0), deposit(1)});
  auto refused = [&](const Batch& b, RollupError e) {
    EXPECT_EQ(code_of(orl::apply_submit_batch(contract, b, env(5))), code(e));
  };
  {
    OptimisticRollup unstaked = orl::deploy(chain, Hash32{0xcc}, key[0], 0, config).value();
    EXPECT_EQ(orl::apply_submit_batch(unstaked, good, env(5)).error(), RollupError::operator_understaked);
    OptimisticRollup under = contract;
    under.stake = 999;  // what a slash leaves
    EXPECT_EQ(orl::apply_submit_batch(under, good, env(5)).error(), RollupError::operator_understaked);
  }
  Batch b = good;
  b.header.chain_id += 1;
  refused(b, RollupError::batch_wrong_rollup);
  b = good;
  b.header.rollup_id[0] ^= 1;
  refused(b, RollupError::batch_wrong_rollup);
  b = good;
  b.header.batch_number = 1;
  refused(b, RollupError::batch_out_of_order);
  b = good;
  b.header.prev_state_root[0] ^= 1;
  refused(b, RollupError::batch_prev_root_mismatch);
  b = good;
  b.transactions.clear();
  refused(b, RollupError::batch_empty);
  b = good;
  b.transactions.assign(5, deposit(0));
  refused(b, RollupError::batch_too_large);
  b = good;
  b.transactions.pop_back();
  refused(b, RollupError::batch_count_mismatch);
  b = good;
  std::swap(b.transactions[0], b.transactions[1]);
  refused(b, RollupError::batch_tx_root_mismatch);
  b = good;
  b.state_roots.pop_back();
  refused(b, RollupError::batch_state_root_count);
  b = good;
  b.state_roots.front()[0] ^= 1;
  refused(b, RollupError::batch_state_root_endpoints);
  b = good;
  b.state_roots.back()[0] ^= 1;
  refused(b, RollupError::batch_state_root_endpoints);
  b = good;
  b.state_roots[1][0] ^= 1;
  refused(b, RollupError::batch_state_roots_mismatch);
  b = good;
  b.signature[5] ^= 1;
  refused(b, RollupError::bad_operator_signature);
  b = good;
  b.signature = oracle::sign(secret[1], orl::batch_id(good.header), Hash32{}).value();
  refused(b, RollupError::bad_operator_signature);

  submit(good, 5);
  ASSERT_EQ(contract.batches.size(), 1u);
  const orl::BatchRecord& record = contract.batches[0];
  EXPECT_EQ(record.batch_id, orl::batch_id(good.header));
  EXPECT_EQ(record.submitted_at, 5u);
  EXPECT_EQ(record.challenge_deadline, 25u);
  EXPECT_EQ(record.deposits_recorded, 2u);
  EXPECT_FALSE(record.final);
  EXPECT_EQ(contract.last_state_root, good.header.post_state_root);
  // The same batch again is out of order; the next one must start from its post-root.
  EXPECT_EQ(orl::apply_submit_batch(contract, good, env(6)).error(), RollupError::batch_out_of_order);
  submit(honest_batch({transfer(alice, bob, 10, 1, 0, 1)}), 6);
  EXPECT_EQ(contract.batches[1].header.prev_state_root, contract.batches[0].header.post_state_root);
}

// ---- challenges, fraud proofs, resolution ----

TEST_F(RollupContractTest, ChallengeWindowIsHalfOpenAtTheDeadline) {
  submit(honest_batch({deposit(0)}), 10);  // challenge_deadline 30
  const FraudProof proof{contract.batches[0].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const Hash32 evidence = orl::evidence_commitment(challenger_address, proof);
  const orl::OpenChallengeInput in{proof.batch_id, proof.proof_type, evidence, 100};
  EXPECT_TRUE(orl::apply_open_challenge(contract, in, env(29, challenger_address)).ok());
  EXPECT_EQ(orl::apply_open_challenge(contract, in, env(30, challenger_address)).error(),
            RollupError::challenge_too_late);
  EXPECT_EQ(orl::apply_open_challenge(contract, in, env(31, challenger_address)).error(),
            RollupError::challenge_too_late);
  // And finalization is possible exactly from the deadline.
  EXPECT_EQ(orl::apply_finalize(contract, env(29)).error(), RollupError::challenge_period_open);
  EXPECT_TRUE(orl::apply_finalize(contract, env(30)).ok());
}

TEST_F(RollupContractTest, OpenChallengeRules) {
  submit(honest_batch({deposit(0)}), 10);
  const Hash32 id = contract.batches[0].batch_id;
  auto input = [&](FraudProofType type, u64 bond) {
    return orl::OpenChallengeInput{id, type, Hash32{0x77}, bond};
  };
  EXPECT_EQ(orl::apply_open_challenge(contract, {Hash32{1}, FraudProofType::invalid_transition, Hash32{}, 100}, env(11))
                .error(),
            RollupError::challenge_unknown_batch);
  EXPECT_EQ(orl::apply_open_challenge(contract, input(FraudProofType::invalid_transition, 99), env(11)).error(),
            RollupError::challenge_bond_too_small);
  EXPECT_EQ(orl::apply_open_challenge(contract, input(FraudProofType::data_withholding, 100), env(11)).error(),
            RollupError::challenge_type_not_applicable);
  EXPECT_EQ(orl::apply_open_challenge(contract, input(FraudProofType::invalid_transition, l2::u64_max), env(11)).error(),
            RollupError::challenge_bond_overflow);
  OptimisticRollup before = contract;
  contract = ok(orl::apply_open_challenge(contract, input(FraudProofType::double_spend, 100), env(11)), 100, &before);
  EXPECT_EQ(contract.batches[0].open_challenges, 1u);
  EXPECT_EQ(contract.challenges[0].deadline, 21u);
  EXPECT_EQ(contract.challenges[0].opened_at, 11u);
  EXPECT_EQ(orl::apply_open_challenge(contract, input(FraudProofType::invalid_signature, 100), env(12)).error(),
            RollupError::challenge_duplicate);
  // Attack: evidence squatting. Another party opening the same evidence first does not make this
  // challenger's open a duplicate: each challenge is its opener's.
  EXPECT_EQ(contract.challenges[0].challenge_id, orl::challenge_id(Hash32{0xaa}, Hash32{0x77}));
  EXPECT_TRUE(orl::apply_open_challenge(contract, input(FraudProofType::double_spend, 100), env(12, challenger_address)).ok());
  // A final batch cannot be challenged.
  contract.challenges.clear();
  contract.batches[0].open_challenges = 0;
  contract = ok(orl::apply_finalize(contract, env(30)));
  EXPECT_EQ(orl::apply_open_challenge(contract, {id, FraudProofType::invalid_transition, Hash32{0x78}, 100}, env(11))
                .error(),
            RollupError::challenge_unknown_batch);
}

TEST_F(RollupContractTest, InvalidRootIsProvenAndSlashed) {
  // Attack: the operator posts a batch whose root after the transfer credits bob 1000 instead of 10.
  submit(honest_batch({deposit(0), deposit(1)}), 5);
  const std::vector<Transaction> txs{transfer(alice, bob, 10, 1, 0, 1)};
  Batch bad = honest_batch(txs);
  State forged = states_before.back();
  forged.put(bob, orl::Account{1500, 0, key[2]});
  bad.state_roots[1] = forged.root();
  bad = resigned(bad);
  l2_state = states_before.back();
  submit(bad, 6);

  const auto proof = proof_against(1);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->proof_type, FraudProofType::invalid_transition);
  EXPECT_EQ(proof->transaction_fault->transaction_index, 0u);
  EXPECT_EQ(orl::find_fraud(contract, contract.batches[0], posted[0], states_before[0]), std::nullopt)
      << "the honest batch has no fault";
  EXPECT_EQ(orl::verify_fraud_proof(contract, contract.batches[1],
                                    orl::Challenge{{}, proof->batch_id, challenger_address, proof->proof_type, {}, 0, 0, 0},
                                    *proof),
            RollupError::none);

  const Hash32 id = open(*proof, 7);
  const u64 stake_before = contract.stake;
  const Effects e = resolve(id, *proof, 8);
  ASSERT_EQ(e.resolutions.size(), 1u);
  EXPECT_EQ(e.resolutions[0].kind, ResolutionKind::fraud_confirmed);
  EXPECT_EQ(e.resolutions[0].slashed_amount, stake_before * 30 / 100);
  EXPECT_EQ(e.resolutions[0].paid_to_challenger, 100 + stake_before * 30 / 100 / 2);
  EXPECT_EQ(contract.stake, stake_before - stake_before * 30 / 100);
  EXPECT_EQ(contract.treasury, stake_before * 30 / 100 - stake_before * 30 / 100 / 2);
  EXPECT_EQ(contract.batches.size(), 1u);
  EXPECT_EQ(contract.last_state_root, posted[0].header.post_state_root);
  EXPECT_TRUE(contract.challenges.empty());
  // The slashed operator is below the minimum stake until it stakes again.
  EXPECT_EQ(orl::apply_submit_batch(contract, honest_batch(txs), env(9)).error(), RollupError::operator_understaked);
}

TEST_F(RollupContractTest, InvalidSignatureAndDoubleSpendInsideABatchAreProven) {
  submit(honest_batch({deposit(0), deposit(1)}), 5);
  struct Attack {
    Transaction tx;
    FraudProofType type;
  };
  const Transaction replayed = transfer(alice, bob, 10, 0, 0, 1);
  const std::vector<Attack> attacks{
      {transfer(alice, bob, 10, 0, 0, 3), FraudProofType::invalid_signature},  // signed by an outsider
      {transfer(alice, bob, 2000, 0, 0, 1), FraudProofType::double_spend},     // more than the balance
  };
  for (const Attack& attack : attacks) {
    // The operator includes the invalid transaction and claims a state where it moved the money.
    const State pre = l2_state;
    State claimed = pre;
    const auto& t = *attack.tx.transfer;
    claimed.put(alice, orl::Account{0, 1, key[1]});
    claimed.put(bob, orl::Account{500 + t.amount, 0, key[2]});
    Batch bad{{}, {}, {attack.tx}, {pre.root(), claimed.root()}};
    bad = resigned(bad);
    const OptimisticRollup saved = contract;
    submit(bad, 6);
    states_before.push_back(pre);
    const auto proof = proof_against(1);
    ASSERT_TRUE(proof.has_value());
    EXPECT_EQ(proof->proof_type, attack.type);
    const Hash32 id = open(*proof, 7);
    EXPECT_EQ(resolve(id, *proof, 8).resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
    contract = saved;
    posted.pop_back();
    states_before.pop_back();
  }
  // A nonce replay: the same signed transfer twice in one batch.
  const State pre = l2_state;
  State once = orl::apply_tx(params(), orl::L1View{deposit_ids()}, pre, replayed).value();
  Batch bad{{}, {}, {replayed, replayed}, {pre.root(), once.root(), once.root()}};
  bad = resigned(bad);
  submit(bad, 6);
  states_before.push_back(pre);
  const auto proof = proof_against(1);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->proof_type, FraudProofType::double_spend);
  EXPECT_EQ(proof->transaction_fault->transaction_index, 1u);
}

TEST_F(RollupContractTest, FrivolousChallengeForfeitsTheBond) {
  submit(honest_batch({deposit(0), deposit(1), transfer(alice, bob, 10, 2, 0, 1)}), 5);
  // A "proof" that the correct transfer is wrong: the honest step, claimed as invalid.
  const auto ids = deposit_ids();
  const State before_transfer =
      orl::execute_batch(params(), orl::L1View{ids}, states_before[0], std::vector{deposit(0), deposit(1)})
          .value()
          .post_state;
  const FraudProof proof{contract.batches[0].batch_id, FraudProofType::invalid_transition,
                         orl::transaction_fault_at(contract, contract.batches[0], posted[0], 2, before_transfer),
                         std::nullopt};
  const Hash32 id = open(proof, 6);
  const Effects e = resolve(id, proof, 7);
  ASSERT_EQ(e.resolutions.size(), 1u);
  EXPECT_EQ(e.resolutions[0].kind, ResolutionKind::challenge_rejected);
  EXPECT_EQ(e.resolutions[0].reason, RollupError::fraud_no_fault);
  EXPECT_EQ(e.resolutions[0].forfeited_bond, 100u);
  EXPECT_TRUE(e.payouts.empty());
  EXPECT_EQ(contract.rewards.challenge_bonds, 100u);
  EXPECT_EQ(contract.batches[0].open_challenges, 0u);
  const auto claimed = orl::apply_claim_rewards(contract, env(8, key[0]));
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed.value().payouts.at(0).amount, 100u);
  EXPECT_EQ(claimed.value().contract.rewards.challenge_bonds, 0u);
  EXPECT_EQ(orl::apply_claim_rewards(contract, env(8, key[1])).error(), RollupError::not_operator);
}

TEST_F(RollupContractTest, FraudProofVerifierRules) {
  submit(honest_batch({deposit(0), deposit(1)}), 5);
  Batch bad = honest_batch({transfer(alice, bob, 10, 1, 0, 1), transfer(bob, alice, 5, 0, 0, 2)});
  bad.state_roots[2][0] ^= 1;  // the second step's result is wrong
  bad.header.post_state_root = bad.state_roots[2];
  bad = resigned(bad);
  submit(bad, 6);
  const orl::BatchRecord& record = contract.batches[1];
  const FraudProof good = *proof_against(1);
  ASSERT_EQ(good.transaction_fault->transaction_index, 1u);
  const orl::Challenge challenge{{}, record.batch_id, challenger_address, good.proof_type, {}, 0, 0, 0};
  auto verdict = [&](const FraudProof& p) { return code(orl::verify_fraud_proof(contract, record, challenge, p)); };
  EXPECT_EQ(verdict(good), code(RollupError::none));

  FraudProof p = good;
  p.batch_id = contract.batches[0].batch_id;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_batch_mismatch));
  p = good;
  p.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_batch_mismatch));
  p = good;
  p.timeout_fault = orl::TimeoutFault{0, {}};
  EXPECT_EQ(verdict(p), code(RollupError::fraud_evidence_shape));
  p = good;
  p.transaction_fault.reset();
  EXPECT_EQ(verdict(p), code(RollupError::fraud_evidence_shape));
  p = good;
  p.transaction_fault->transaction_index = 0;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->transaction_index = 2;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_tx_not_included));
  p = good;
  p.transaction_fault->pre_state_root = p.transaction_fault->post_state_root;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_pre_root_not_included));
  p = good;
  p.transaction_fault->post_state_root = p.transaction_fault->pre_state_root;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_post_root_not_included));
  p = good;
  p.transaction_fault->witness.accounts[0].account->balance += 1;  // a forged opening
  EXPECT_EQ(verdict(p), code(RollupError::fraud_bad_witness));
  p = good;
  p.transaction_fault->witness.accounts.pop_back();
  EXPECT_EQ(verdict(p), code(RollupError::fraud_bad_witness));
  // The same kind of proof against the first, correct step.
  const FraudProof at_zero{record.batch_id, FraudProofType::invalid_transition,
                           orl::transaction_fault_at(contract, record, posted[1], 0, states_before[1]), std::nullopt};
  EXPECT_EQ(verdict(at_zero), code(RollupError::fraud_no_fault));
  // A transaction fault typed as a double spend while the step is valid.
  orl::Challenge typed = challenge;
  typed.proof_type = FraudProofType::double_spend;
  p = good;
  p.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(code(orl::verify_fraud_proof(contract, record, typed, p)), code(RollupError::fraud_type_mismatch));
}

TEST_F(RollupContractTest, IgnoredDepositIsATimeoutViolation) {
  // Deposit 2 (recorded at 3) is due by height 8; a batch at 9 that does not credit it is fraudulent.
  top_up(50, 3);
  submit(honest_batch({deposit(0), deposit(1)}), 9);
  const auto proof = proof_against(0);
  ASSERT_TRUE(proof.has_value());
  EXPECT_EQ(proof->proof_type, FraudProofType::timeout_violation);
  EXPECT_EQ(proof->timeout_fault->deposit_index, 2u);
  const orl::BatchRecord& record = contract.batches[0];
  const orl::Challenge challenge{{}, record.batch_id, challenger_address, proof->proof_type, {}, 0, 0, 0};
  auto verdict = [&](const FraudProof& p) { return code(orl::verify_fraud_proof(contract, record, challenge, p)); };
  EXPECT_EQ(verdict(*proof), code(RollupError::none));
  FraudProof p = *proof;
  p.timeout_fault->post_state.deposits_credited = 3;
  EXPECT_EQ(verdict(p), code(RollupError::fraud_bad_state_opening));
  p = *proof;
  p.timeout_fault->deposit_index = 3;  // recorded after the batch
  EXPECT_EQ(verdict(p), code(RollupError::fraud_deposit_not_overdue));
  p = *proof;
  p.timeout_fault->deposit_index = 1;  // credited
  EXPECT_EQ(verdict(p), code(RollupError::fraud_deposit_credited));
  // At height 8 the same batch would not be late: nothing to prove.
  OptimisticRollup early = contract;
  early.batches[0].submitted_at = 7;
  EXPECT_EQ(orl::find_fraud(early, early.batches[0], posted[0], states_before[0]), std::nullopt);
  EXPECT_EQ(code(orl::verify_fraud_proof(early, early.batches[0], challenge, *proof)),
            code(RollupError::fraud_deposit_not_overdue));
  const Hash32 id = open(*proof, 10);
  EXPECT_EQ(resolve(id, *proof, 11).resolutions.at(0).kind, ResolutionKind::fraud_confirmed);
  EXPECT_TRUE(contract.batches.empty());
  EXPECT_EQ(contract.last_state_root, State::genesis(key[0]).root());
}

TEST_F(RollupContractTest, ResolveExpireAndWithdrawRules) {
  submit(honest_batch({deposit(0)}), 10);
  const FraudProof proof{contract.batches[0].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const Hash32 id = open(proof, 11);  // deadline 21
  EXPECT_EQ(orl::apply_resolve_challenge(contract, {Hash32{9}, proof}, env(12)).error(), RollupError::unknown_challenge);
  EXPECT_EQ(orl::apply_resolve_challenge(contract, {id, proof}, env(21)).error(), RollupError::challenge_expired);
  // Attack: a copy of a revealed proof, committed and revealed in one block, would overtake it.
  EXPECT_EQ(orl::apply_resolve_challenge(contract, {id, proof}, env(11)).error(), RollupError::reveal_too_early);
  FraudProof other = proof;
  other.proof_type = FraudProofType::double_spend;
  EXPECT_EQ(orl::apply_resolve_challenge(contract, {id, other}, env(12)).error(), RollupError::evidence_mismatch);
  // The proof revealed by anyone still pays the committed challenger; this one is malformed evidence.
  const auto rejected = orl::apply_resolve_challenge(contract, {id, proof}, env(20, second_challenger));
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected.value().resolutions.at(0).reason, RollupError::fraud_evidence_shape);

  EXPECT_EQ(orl::apply_expire_challenge(contract, {Hash32{9}}, env(30)).error(), RollupError::unknown_challenge);
  EXPECT_EQ(orl::apply_expire_challenge(contract, {id}, env(20)).error(), RollupError::challenge_not_expired);
  const auto expired = orl::apply_expire_challenge(contract, {id}, env(21));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired.value().resolutions.at(0).kind, ResolutionKind::challenge_rejected);
  EXPECT_EQ(expired.value().resolutions.at(0).reason, RollupError::challenge_expired);
  EXPECT_EQ(expired.value().contract.rewards.challenge_bonds, 100u);

  EXPECT_EQ(orl::apply_withdraw_challenge(contract, {Hash32{9}}, env(12, challenger_address)).error(),
            RollupError::unknown_challenge);
  EXPECT_EQ(orl::apply_withdraw_challenge(contract, {id}, env(12, second_challenger)).error(),
            RollupError::not_challenger);
  EXPECT_EQ(orl::apply_withdraw_challenge(contract, {id}, env(21, challenger_address)).error(),
            RollupError::challenge_expired);
  const OptimisticRollup before = contract;
  const auto withdrawn = orl::apply_withdraw_challenge(contract, {id}, env(20, challenger_address));
  contract = ok(withdrawn, 0, &before);
  EXPECT_EQ(withdrawn.value().resolutions.at(0).kind, ResolutionKind::challenge_withdrawn);
  EXPECT_EQ(withdrawn.value().payouts.at(0).to, challenger_address);
  EXPECT_EQ(withdrawn.value().payouts.at(0).amount, 100u);
  EXPECT_EQ(contract.batches[0].open_challenges, 0u);
}

TEST_F(RollupContractTest, FinalizationIsInOrderAndWaitsForChallenges) {
  EXPECT_EQ(orl::apply_finalize(contract, env(100)).error(), RollupError::nothing_to_finalize);
  submit(honest_batch({deposit(0)}), 10);
  submit(honest_batch({deposit(1)}), 12);
  const FraudProof proof{contract.batches[0].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const Hash32 id = open(proof, 11);
  EXPECT_EQ(orl::apply_finalize(contract, env(29)).error(), RollupError::challenge_period_open);
  EXPECT_EQ(orl::apply_finalize(contract, env(40)).error(), RollupError::challenges_open);
  contract = ok(orl::apply_expire_challenge(contract, {id}, env(21)));
  contract = ok(orl::apply_finalize(contract, env(30)));
  EXPECT_TRUE(contract.batches[0].final);
  EXPECT_FALSE(contract.batches[1].final);
  EXPECT_EQ(orl::apply_finalize(contract, env(31)).error(), RollupError::challenge_period_open);
  contract = ok(orl::apply_finalize(contract, env(32)));
  EXPECT_EQ(orl::apply_finalize(contract, env(100)).error(), RollupError::nothing_to_finalize);
}

TEST_F(RollupContractTest, WithdrawalIsPaidOnlyFromAFinalBatchAndOnce) {
  submit(honest_batch({deposit(0), deposit(1), withdrawal(alice, 300, 5, 0, 1)}), 10);
  const auto leaves = orl::transaction_leaf_hashes(posted[0].transactions);
  const orl::PayWithdrawalInput pay{0, 2, l2::reflect::encode(posted[0].transactions[2]),
                                    l2::ref::rfc6962::inclusion_proof(leaves, 2)};
  // Attack: a withdrawal before finality.
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, pay, env(29)).error(), RollupError::pay_batch_not_final);
  orl::PayWithdrawalInput unknown = pay;
  unknown.batch_number = 1;
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, unknown, env(29)).error(), RollupError::pay_batch_not_final);
  contract = ok(orl::apply_finalize(contract, env(30)));
  orl::PayWithdrawalInput bad = pay;
  bad.transaction_index = 1;
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, bad, env(31)).error(), RollupError::pay_tx_not_included);
  bad = pay;
  bad.transaction.back() ^= 1;
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, bad, env(31)).error(), RollupError::pay_tx_not_included);
  const orl::PayWithdrawalInput deposit_tx{0, 1, l2::reflect::encode(posted[0].transactions[1]),
                                           l2::ref::rfc6962::inclusion_proof(leaves, 1)};
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, deposit_tx, env(31)).error(), RollupError::pay_not_withdrawal);

  const OptimisticRollup before = contract;
  const auto paid = orl::apply_pay_withdrawal(contract, pay, env(31));
  contract = ok(paid, 0, &before);
  ASSERT_EQ(paid.value().payouts.size(), 1u);
  EXPECT_EQ(paid.value().payouts[0].to, recipient_address);
  EXPECT_EQ(paid.value().payouts[0].amount, 300u);
  EXPECT_EQ(contract.escrow, 1200u);
  EXPECT_EQ(orl::apply_pay_withdrawal(contract, pay, env(32)).error(), RollupError::pay_already_paid);
  // The escrow never pays what it does not hold (reachable only after an unwatched fraud).
  OptimisticRollup drained = before;
  drained.escrow = 299;
  EXPECT_EQ(orl::apply_pay_withdrawal(drained, pay, env(31)).error(), RollupError::pay_escrow_insufficient);
}

TEST_F(RollupContractTest, RevertCascadeOverThreeBatchesRefundsTheirChallenges) {
  submit(honest_batch({deposit(0), deposit(1)}), 5);
  // Batch 1 is fraudulent (bob credited from nowhere); batches 2 and 3 build on it.
  Batch bad = honest_batch({transfer(alice, bob, 10, 0, 0, 1)});
  State forged = states_before.back();
  forged.put(bob, orl::Account{5000, 0, key[2]});
  bad.state_roots[1] = forged.root();
  bad = resigned(bad);
  submit(bad, 6);
  l2_state = forged;
  submit(honest_batch({transfer(bob, alice, 4000, 0, 0, 2)}), 7);
  submit(honest_batch({transfer(alice, bob, 1, 0, 0, 1)}), 8);  // alice's transfer never happened in the forged state
  ASSERT_EQ(contract.batches.size(), 4u);

  // Other challengers have open challenges on batches 2 and 3, and on batch 0 (which survives).
  const FraudProof junk2{contract.batches[2].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
  const FraudProof junk3{contract.batches[3].batch_id, FraudProofType::double_spend, std::nullopt, std::nullopt};
  const FraudProof junk0{contract.batches[0].batch_id, FraudProofType::invalid_signature, std::nullopt, std::nullopt};
  open(junk2, 9, second_challenger, 150);
  open(junk3, 9, second_challenger, 160);
  const Hash32 survivor = open(junk0, 9, second_challenger, 170);

  const auto proof = proof_against(1);
  ASSERT_TRUE(proof.has_value());
  const Hash32 id = open(*proof, 10);
  const Effects e = resolve(id, *proof, 11);
  ASSERT_EQ(e.resolutions.size(), 3u);
  EXPECT_EQ(e.resolutions[0].kind, ResolutionKind::fraud_confirmed);
  EXPECT_EQ(e.resolutions[1].kind, ResolutionKind::challenge_withdrawn);
  EXPECT_EQ(e.resolutions[1].paid_to_challenger, 150u);
  EXPECT_EQ(e.resolutions[2].kind, ResolutionKind::challenge_withdrawn);
  EXPECT_EQ(e.resolutions[2].paid_to_challenger, 160u);
  ASSERT_EQ(contract.batches.size(), 1u);
  EXPECT_EQ(contract.last_state_root, posted[0].header.post_state_root);
  ASSERT_EQ(contract.challenges.size(), 1u);
  EXPECT_EQ(contract.challenges[0].challenge_id, survivor);
  EXPECT_EQ(contract.batches[0].open_challenges, 1u);
  // The chain resumes from batch 0's post-root with batch number 1.
  l2_state = states_before[1];
  contract.stake += 1000;  // restake (test shortcut: the slash left it below the minimum)
  const Batch next = honest_batch({transfer(alice, bob, 10, 0, 0, 1)});
  EXPECT_EQ(next.header.batch_number, 1u);
  EXPECT_TRUE(orl::apply_submit_batch(contract, next, env(12)).ok());
}

// Random calls, valid and invalid: every accepted call conserves the holdings (value in = the
// change in holdings + payouts) and keeps the batches chained and the final batches a prefix.
TEST_F(RollupContractTest, RandomCallsConserveHoldingsAndChainBatches) {
  std::mt19937_64 rng(42);
  u64 height = 10;
  std::vector<Hash32> open_ids;
  for (int round = 0; round < 300; ++round) {
    height += rng() % 4;
    const OptimisticRollup before = contract;
    orl::Transition t = RollupError::none;
    u64 value = 0;
    switch (rng() % 9) {
      case 0: value = rng() % 3000; t = orl::apply_stake(contract, {value}, env(height, key[rng() % 2])); break;
      case 1: t = orl::apply_unstake(contract, env(height, key[0])); break;
      case 2: value = rng() % 500; t = orl::apply_deposit_top_up(contract, {static_cast<AccountIndex>(rng() % 4), value}, env(height)); break;
      case 3: {
        const Batch b = honest_batch({transfer(0, 0, 0, 0, l2_state.account(0)->nonce, 0)});
        t = orl::apply_submit_batch(contract, b, env(height));
        if (t.ok()) {
          posted.push_back(b);
        } else {
          l2_state = states_before.back();
          states_before.pop_back();
        }
        break;
      }
      case 4: {
        if (contract.batches.empty()) break;
        const std::size_t k = rng() % contract.batches.size();
        const FraudProof junk{contract.batches[k].batch_id, FraudProofType::invalid_transition, std::nullopt, std::nullopt};
        const Hash32 who{static_cast<l2::u8>(rng() % 3 + 1)};
        value = 100 + rng() % 50;
        const Hash32 ev = orl::evidence_commitment(who, junk);
        t = orl::apply_open_challenge(contract, {junk.batch_id, junk.proof_type, ev, value}, env(height, who));
        break;
      }
      case 5: if (!contract.challenges.empty()) t = orl::apply_expire_challenge(contract, {contract.challenges[0].challenge_id}, env(height)); break;
      case 6: if (!contract.challenges.empty()) t = orl::apply_withdraw_challenge(contract, {contract.challenges[0].challenge_id}, env(height, contract.challenges[0].challenger)); break;
      case 7: t = orl::apply_finalize(contract, env(height)); break;
      case 8: t = orl::apply_claim_rewards(contract, env(height, key[0])); break;
    }
    if (!t.ok()) continue;  // a rejected call returns no state: nothing to apply
    contract = t.value().contract;
    EXPECT_EQ(orl::holdings(before).value + value, orl::holdings(contract).value + paid_out(t.value())) << round;
    // batches_chain
    Hash32 prev = State::genesis(key[0]).root();
    for (std::size_t k = 0; k < contract.batches.size(); ++k) {
      EXPECT_EQ(contract.batches[k].header.batch_number, k);
      EXPECT_EQ(contract.batches[k].header.prev_state_root, prev);
      prev = contract.batches[k].header.post_state_root;
      if (k > 0 && contract.batches[k].final) {
        EXPECT_TRUE(contract.batches[k - 1].final);
      }
    }
    EXPECT_EQ(contract.last_state_root, prev);
  }
  EXPECT_GT(contract.batches.size(), 0u);
}

}  // namespace
