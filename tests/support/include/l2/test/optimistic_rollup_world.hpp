// One optimistic rollup for the contract's unit tests: six parties with real keys, the L1 contract,
// the operator's L2 state, and the bookkeeping an honest operator and an honest challenger keep
// (the L2 body of every L1 request, every posted batch with the true state before it).
//
// Every call goes through World::call, which checks conservation on each accepted step: the value
// the call brings in minus what it pays out is the change of escrow + stake + treasury + the open
// challenges' bonds (spec: optimistic_rollup.md#invariants, computed here in 128 bits so that a
// contract holding UINT64_MAX is checked too). Users' and the operator's signatures are made by
// libsecp256k1, and the requests an honest operator must process are read from the L1 records by
// the test, not by the reference's helpers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace l2::test::rollup {

namespace optimistic_rollup = l2::ref::optimistic_rollup;

__extension__ using Wide = unsigned __int128;

inline std::string code(OptimisticRollupError e) { return std::string(error_info(e).code); }
template <class T>
std::string code_of(const Result<T, OptimisticRollupError>& r) {
  return code(r.ok() ? OptimisticRollupError::none : r.error());
}

// The parties, by key index. L1 addresses are these x-only keys.
enum Party : std::size_t { operator_party = 0, alice = 1, bob = 2, challenger = 3, carol = 4, watcher = 5 };

// Every bound differs from every other, so that a rule reading the wrong field fails its
// boundary test: max_batch_size 4, challenge_period_blocks 100, resolution_period_blocks 21,
// queue_inclusion_blocks 10, sequencing_window_blocks 23, escape_delay_blocks 40 (> 10 + 23),
// censorship_bound_blocks 6, min_challenge_bond 1000, min_deposit 100, forced_exit_fee 17,
// minimum_stake 10000, stake_lock_period 500, penalty_percentage 50.
inline constexpr optimistic_rollup::RollupConfig test_config{4,    100, 21, 10, 23, 40, 6, 1000, 100, 17,
                                               optimistic_rollup::StakeRequirements{10000, 500, 50}};

// Everything the contract holds: escrow + stake + treasury + the open challenges' bonds.
inline Wide contract_total(const optimistic_rollup::OptimisticRollup& c) {
  Wide total = Wide{c.escrow} + c.stake + c.treasury;
  for (const optimistic_rollup::Challenge& challenge : c.challenges) total += challenge.bond_amount;
  return total;
}

inline Wide payout_total(const optimistic_rollup::Effects& e) {
  Wide total = 0;
  for (const optimistic_rollup::Payout& p : e.payouts) total += p.amount;
  return total;
}

// The value a call brings in: the `value` of a payable entry point's input, else nothing.
template <class Input>
constexpr u64 value_in(const Input& in) {
  if constexpr (requires { in.value; }) {
    return in.value;
  } else {
    return 0;
  }
}

inline std::string wide_text(Wide v) {
  if (v == 0) return "0";
  std::string text;
  while (v != 0) {
    text.insert(text.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return text;
}

// Conservation of one accepted call; a payout is never of 0.
inline ::testing::AssertionResult conserves(const optimistic_rollup::OptimisticRollup& before, u64 value, const optimistic_rollup::Effects& e) {
  for (const optimistic_rollup::Payout& p : e.payouts)
    if (p.amount == 0) return ::testing::AssertionFailure() << "a payout of 0 is listed";
  const Wide in = contract_total(before) + value;
  const Wide out = contract_total(e.contract) + payout_total(e);
  if (in == out) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "held before " << wide_text(contract_total(before)) << " + value " << value
                                       << " != held after " << wide_text(contract_total(e.contract)) << " + paid "
                                       << wide_text(payout_total(e));
}

// An honest batch with the true states around it.
struct BuiltBatch {
  optimistic_rollup::Batch batch;
  optimistic_rollup::State pre;
  optimistic_rollup::State post;
};

class World {
 public:
  explicit World(const optimistic_rollup::RollupConfig& config = test_config, std::string_view seed = "optimistic_rollup_world")
      : keys(KeyPool<6>::make(seed)) {
    contract = optimistic_rollup::deploy(optimistic_rollup::DeployInput{chain, contract_address, key(operator_party), 0, config}).value();
    l2 = optimistic_rollup::State::genesis(key(operator_party));
  }

  static constexpr u64 chain = 7;
  static constexpr Hash32 contract_address{0xcc, 0x01};

  const Hash32& key(Party p) const { return keys.pubkey[p]; }
  optimistic_rollup::L2Params params() const { return optimistic_rollup::params_of(contract); }
  const optimistic_rollup::RollupConfig& config() const { return contract.config; }

  // ---- calls

  // Runs the operation on the current contract; an accepted call must conserve value, and the
  // world adopts its contract.
  template <class Op>
  optimistic_rollup::Transition call(const typename Op::Input& in, u64 height) {
    const optimistic_rollup::OptimisticRollup before = contract;
    optimistic_rollup::Transition t = Op::apply(contract, in, optimistic_rollup::Env{height});
    if (t.ok()) {
      EXPECT_TRUE(conserves(before, value_in(in), t.value())) << Op::name << " at " << height;
      contract = t.value().contract;
    }
    return t;
  }

  // A call that must be accepted; its effects.
  template <class Op>
  optimistic_rollup::Effects accept(const typename Op::Input& in, u64 height) {
    optimistic_rollup::Transition t = call<Op>(in, height);
    EXPECT_TRUE(t.ok()) << Op::name << " at " << height << ": " << code_of(t);
    return t.ok() ? std::move(t).value() : optimistic_rollup::Effects{contract, {}, {}};
  }

  // The code a call is refused with, on a copy (the world does not move); none if it was accepted.
  template <class Op>
  OptimisticRollupError refusal(const typename Op::Input& in, u64 height, const optimistic_rollup::OptimisticRollup* on = nullptr) const {
    const optimistic_rollup::Transition t = Op::apply(on != nullptr ? *on : contract, in, optimistic_rollup::Env{height});
    return t.ok() ? OptimisticRollupError::none : t.error();
  }

  // ---- L1 entry points that record what the L2 must process

  void stake(u64 value, u64 height) { accept<optimistic_rollup::Stake>({key(operator_party), value}, height); }

  optimistic_rollup::AccountIndex deposit_new(Party payer, Party owner, u64 value, u64 height) {
    const auto to = static_cast<optimistic_rollup::AccountIndex>(contract.next_account_index);
    if (call<optimistic_rollup::DepositNewAccount>({key(payer), key(owner), value}, height).ok()) {
      deposits.push_back(optimistic_rollup::Deposit{deposits.size(), to, key(owner), value});
    } else {
      ADD_FAILURE() << "deposit_new_account refused";
    }
    return to;
  }

  void top_up(Party payer, optimistic_rollup::AccountIndex to, u64 value, u64 height) {
    if (call<optimistic_rollup::DepositTopUp>({key(payer), to, value}, height).ok()) {
      deposits.push_back(optimistic_rollup::Deposit{deposits.size(), to, std::nullopt, value});
    } else {
      ADD_FAILURE() << "deposit_top_up refused";
    }
  }

  optimistic_rollup::Effects request_exit(Party requester, optimistic_rollup::AccountIndex from, const Hash32& recipient, u64 height) {
    optimistic_rollup::Effects e = accept<optimistic_rollup::RequestForcedExit>({key(requester), from, recipient, config().forced_exit_fee}, height);
    exits.push_back(optimistic_rollup::ForcedExit{exits.size(), from, key(requester), recipient, 0});
    return e;
  }

  // ---- L2 transactions, signed with libsecp256k1

  optimistic_rollup::Transaction transfer(Party signer, optimistic_rollup::AccountIndex from, optimistic_rollup::AccountIndex to, u64 amount, u64 fee,
                            u64 nonce) const {
    optimistic_rollup::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = libsecp256k1::sign(keys.secret[signer], optimistic_rollup::transfer_digest(params(), t), Hash32{}).value();
    return optimistic_rollup::make_transaction(t);
  }
  optimistic_rollup::Transaction withdrawal(Party signer, optimistic_rollup::AccountIndex from, const Hash32& recipient, u64 amount, u64 fee,
                              u64 nonce) const {
    optimistic_rollup::Withdrawal w{from, recipient, amount, fee, nonce, {}};
    w.signature = libsecp256k1::sign(keys.secret[signer], optimistic_rollup::withdrawal_digest(params(), w), Hash32{}).value();
    return optimistic_rollup::make_transaction(w);
  }

  // The forced exit `k` as an honest operator processes it from `s`: the whole balance if the
  // requester owns the account, else nothing.
  optimistic_rollup::Transaction processed_exit(std::size_t k, const optimistic_rollup::State& s) const {
    optimistic_rollup::ForcedExit e = exits.at(k);
    const std::optional<optimistic_rollup::Account> account = s.account(e.from);
    e.amount = account && account->owner == e.requester ? account->balance : 0;
    return optimistic_rollup::make_transaction(e);
  }

  // How many of a queue's records were recorded at or below `height` (read from the records).
  u64 deposits_recorded_by(u64 height) const {
    return static_cast<u64>(std::count_if(contract.deposits.begin(), contract.deposits.end(),
                                          [&](const optimistic_rollup::DepositRecord& r) { return r.recorded_at <= height; }));
  }
  u64 exits_recorded_by(u64 height) const {
    return static_cast<u64>(std::count_if(contract.forced_exits.begin(), contract.forced_exits.end(),
                                          [&](const optimistic_rollup::ForcedExitRecord& r) { return r.recorded_at <= height; }));
  }

  // The L1 view of a batch built on `origin`.
  struct View {
    std::vector<Hash32> deposit_ids;
    std::vector<Hash32> exit_ids;
    optimistic_rollup::L1View view() const { return optimistic_rollup::L1View{deposit_ids, exit_ids}; }
  };
  View view_at(u64 origin) const {
    View v;
    for (u64 k = 0; k < deposits_recorded_by(origin); ++k) v.deposit_ids.push_back(contract.deposits[k].deposit_id);
    for (u64 k = 0; k < exits_recorded_by(origin); ++k) v.exit_ids.push_back(contract.forced_exits[k].request_id);
    return v;
  }

  // ---- the operator

  // The header for the next batch number in the current epoch, signed with libsecp256k1.
  optimistic_rollup::Batch signed_batch(std::vector<optimistic_rollup::Transaction> txs, std::vector<Hash32> roots, u64 origin,
                          Party signer = operator_party) const {
    optimistic_rollup::Batch b{optimistic_rollup::batch_header_for(contract, txs, roots, origin), {}, std::move(txs), std::move(roots)};
    b.signature = libsecp256k1::sign(keys.secret[signer], optimistic_rollup::batch_id(b.header), Hash32{}).value();
    return b;
  }
  // Signs `b` again after its header was edited.
  optimistic_rollup::Batch resigned(optimistic_rollup::Batch b, Party signer = operator_party) const {
    b.signature = libsecp256k1::sign(keys.secret[signer], optimistic_rollup::batch_id(b.header), Hash32{}).value();
    return b;
  }

  // An honest batch on `origin` from the operator's state: every deposit and forced exit visible
  // at the origin and not yet processed (when `with_requests`), then `txs`.
  BuiltBatch honest(u64 origin, const std::vector<optimistic_rollup::Transaction>& txs = {}, bool with_requests = true) const {
    const View v = view_at(origin);
    optimistic_rollup::State s = l2;
    std::vector<optimistic_rollup::Transaction> all;
    const auto run = [&](const optimistic_rollup::Transaction& tx) {
      auto next = optimistic_rollup::apply_tx(params(), v.view(), s, tx);
      EXPECT_TRUE(next.ok()) << "the honest batch's transaction " << all.size() << " is refused: " << code_of(next);
      if (next.ok()) s = std::move(next).value();
      all.push_back(tx);
    };
    if (with_requests) {
      for (u64 k = s.deposits_credited(); k < v.deposit_ids.size(); ++k) run(optimistic_rollup::make_transaction(deposits.at(k)));
      for (u64 k = s.forced_exits_processed(); k < v.exit_ids.size(); ++k) run(processed_exit(k, s));
    }
    for (const optimistic_rollup::Transaction& tx : txs) run(tx);
    const auto executed = optimistic_rollup::execute_batch(params(), v.view(), l2, all);
    EXPECT_TRUE(executed.ok()) << code_of(executed);
    if (!executed.ok()) return {};
    EXPECT_EQ(executed.value().post_state.root(), s.root());
    return BuiltBatch{signed_batch(all, executed.value().state_roots, origin), l2, executed.value().post_state};
  }

  // Submits a batch whose true pre-state is `pre`; the operator's state becomes `post`.
  void submit(const optimistic_rollup::Batch& b, u64 height, const optimistic_rollup::State& pre, const optimistic_rollup::State& post) {
    if (!call<optimistic_rollup::SubmitBatch>({key(operator_party), b}, height).ok()) {
      ADD_FAILURE() << "submit_batch refused at " << height << ": "
                    << code(optimistic_rollup::SubmitBatch::apply(contract, {key(operator_party), b}, optimistic_rollup::Env{height}).error());
      return;
    }
    posted.push_back(b);
    pre_states.push_back(pre);
    l2 = post;
  }

  // Builds and submits an honest batch landing at `height` on origin `height - 1`.
  BuiltBatch submit_honest(u64 height, const std::vector<optimistic_rollup::Transaction>& txs = {}) {
    return submit_honest_on(height - 1, height, txs);
  }
  BuiltBatch submit_honest_on(u64 origin, u64 height, const std::vector<optimistic_rollup::Transaction>& txs = {}) {
    BuiltBatch built = honest(origin, txs);
    submit(built.batch, height, built.pre, built.post);
    return built;
  }

  // After a revert: forget the removed batches; the operator resumes from the true state at the
  // new last_state_root.
  void rewind() {
    const std::size_t kept = contract.batches.size();
    if (kept < pre_states.size()) l2 = pre_states[kept];
    posted.resize(kept);
    pre_states.resize(kept);
  }

  // ---- challengers

  // The honest challenger's proof against batch `k`, from the true state before it.
  std::optional<optimistic_rollup::FraudProof> fraud_in(std::size_t k) const {
    return optimistic_rollup::find_fraud(contract, contract.batches.at(k), posted.at(k), pre_states.at(k));
  }

  optimistic_rollup::OpenChallengeInput open_input(Party who, const optimistic_rollup::FraudProof& proof, u64 bond) const {
    return optimistic_rollup::OpenChallengeInput{key(who), proof.batch_id, proof.proof_type, optimistic_rollup::evidence_commitment(key(who), proof),
                                   bond};
  }
  // Opens a challenge committing to `proof`; its id.
  Hash32 open(Party who, const optimistic_rollup::FraudProof& proof, u64 height, u64 bond = 1000) {
    const optimistic_rollup::OpenChallengeInput in = open_input(who, proof, bond);
    accept<optimistic_rollup::OpenChallenge>(in, height);
    return optimistic_rollup::challenge_id(key(who), in.evidence);
  }
  optimistic_rollup::Effects resolve(const Hash32& id, const optimistic_rollup::FraudProof& proof, u64 height, Party caller = watcher) {
    return accept<optimistic_rollup::ResolveChallenge>({key(caller), id, proof}, height);
  }

  KeyPool<6> keys;
  optimistic_rollup::OptimisticRollup contract;
  optimistic_rollup::State l2;                        // the operator's L2 state: the post-state of its last batch
  std::vector<optimistic_rollup::Deposit> deposits;   // the L2 body of every L1 deposit, in order
  std::vector<optimistic_rollup::ForcedExit> exits;   // every forced-exit request (amount 0: decided on L2)
  std::vector<optimistic_rollup::Batch> posted;       // by batch number
  std::vector<optimistic_rollup::State> pre_states;   // the true state at each posted batch's prev_state_root
};

}  // namespace l2::test::rollup
