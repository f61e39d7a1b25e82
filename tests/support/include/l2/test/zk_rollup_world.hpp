// One zk rollup for the contract's unit tests, written once for zk_rollup_test and validium_test:
// six parties with real keys, the L1 contract (a zk_rollup::ZkRollup, or a validium::Validium whose
// `rollup` is the zk rollup), and the bookkeeping an honest operator keeps (the L2 body of every
// queued request, and the full state before every committed batch with its transactions).
//
// A Face names what differs between the two contracts: the contract and its effects, where the
// rollup lives in it, the batch the operator builds, and how a zk_rollup op is called on it. What
// only one of them has (the validium's committee, which attests each batch before its commit) is in
// the test's World subclass. Every call goes through World::call, which checks conservation on each
// accepted step: escrow before + the value brought in == escrow after + the value paid out
// (spec: zk_rollup.md#invariants, in 128 bits so that an escrow at UINT64_MAX is checked too), and
// no payout is of 0. Users' signatures are made by libsecp256k1.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/validium.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/optimistic_rollup_world.hpp"

namespace l2::test::zk_world {

namespace zk_rollup = l2::ref::zk_rollup;
namespace validium = l2::ref::validium;
namespace optimistic_rollup = l2::ref::optimistic_rollup;

using rollup::value_in;
using rollup::Wide;

// The parties, by key index. L1 addresses are these x-only keys.
enum Party : std::size_t { operator_party = 0, alice = 1, bob = 2, carol = 3, watcher = 4, griefer = 5 };

// Every bound differs from every other, so that a rule reading the wrong field fails its boundary
// test: max_batch_size 4, censorship_bound_blocks B = 6, proving_time_blocks 11,
// priority_expiry_blocks E = 40 (> 3 * 6 + 11 = 29), min_deposit 100, forced_withdrawal_fee 17.
inline constexpr zk_rollup::ZkConfig test_config{4, 6, 11, 40, 100, 17};
inline constexpr Hash32 alice_l1{0xa1};
inline constexpr Hash32 bob_l1{0xb1};

// "OK", or the error's code.
template <class T, class E>
std::string outcome(const Result<T, E>& r) {
  return r.ok() ? std::string("OK") : std::string(error_info(r.error()).code);
}

// The zk rollup itself.
struct ZkRollupFace {
  using Contract = zk_rollup::ZkRollup;
  using Effects = zk_rollup::ZkEffects;
  using Batch = zk_rollup::ZkBatch;
  template <class Op>
  using On = Op;

  static const zk_rollup::ZkRollup& rollup(const Contract& c) { return c; }
  static constexpr std::string_view make_batch_name = "make_zk_batch";
  static Result<Batch, OptimisticRollupError> make_batch(const Contract& c, const zk_rollup::State& committed,
                                                         std::vector<zk_rollup::Transaction> transactions) {
    return zk_rollup::make_zk_batch(c, committed, std::move(transactions));
  }
  // The transactions the prover reads: posted with the commit.
  static const std::vector<zk_rollup::Transaction>& transactions(const Batch& b) { return b.commit.transactions; }
};

// A validium: the zk rollup is its `rollup`, and its ops are the zk rollup's run there.
struct ValidiumFace {
  using Contract = validium::Validium;
  using Effects = validium::ValidiumEffects;
  using Batch = validium::ValidiumBatch;
  template <class Op>
  using On = validium::OnRollup<Op>;

  static const zk_rollup::ZkRollup& rollup(const Contract& c) { return c.rollup; }
  static constexpr std::string_view make_batch_name = "make_validium_batch";
  static Result<Batch, OptimisticRollupError> make_batch(const Contract& c, const zk_rollup::State& committed,
                                                         std::vector<zk_rollup::Transaction> transactions) {
    return validium::make_validium_batch(c, committed, std::move(transactions));
  }
  // The transactions the prover reads: kept off chain.
  static const std::vector<zk_rollup::Transaction>& transactions(const Batch& b) { return b.transactions; }
};

// Value in == value kept + value paid, for one accepted call; no payout of 0.
template <class Face>
::testing::AssertionResult conserves(const typename Face::Contract& before, u64 value, const typename Face::Effects& e) {
  Wide paid = 0;
  for (const zk_rollup::Payout& p : e.payouts) {
    if (p.amount == 0) return ::testing::AssertionFailure() << "a payout of 0 is listed";
    paid += p.amount;
  }
  const u64 escrow_before = Face::rollup(before).escrow;
  const u64 escrow_after = Face::rollup(e.contract).escrow;
  if (Wide{escrow_before} + value == Wide{escrow_after} + paid) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "escrow " << escrow_before << " + value " << value << " != escrow "
                                       << escrow_after << " + paid";
}

template <class Effects>
void expect_payouts(const Effects& e, const std::vector<zk_rollup::Payout>& expected) {
  ASSERT_EQ(e.payouts.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(e.payouts[i].to, expected[i].to) << "payout " << i;
    EXPECT_EQ(e.payouts[i].amount, expected[i].amount) << "payout " << i;
  }
}

// A signature check that refuses everything: the verifier must then reject a signed transaction.
struct RejectAll {
  constexpr bool operator()(const Hash32&, const Hash32&, const ref::bip340::Signature&) const { return false; }
};

// The world without its contract: the test's subclass deploys it (setting `vk` and `contract`).
template <class Face, class Keys>
class World {
 public:
  using Contract = typename Face::Contract;
  using Effects = typename Face::Effects;
  using Batch = typename Face::Batch;
  using State = zk_rollup::State;
  using Transaction = zk_rollup::Transaction;
  using AccountIndex = zk_rollup::AccountIndex;
  template <class Op>
  using On = typename Face::template On<Op>;

  explicit World(const Keys& pool) : keys(pool), committed_l2(State::genesis(key(operator_party))) {}

  const Hash32& key(std::size_t party) const { return keys.pubkey[party]; }
  const zk_rollup::ZkRollup& rollup() const { return Face::rollup(contract); }
  zk_rollup::L2Params params() const { return zk_rollup::params_of(rollup()); }

  // ---- calls

  template <class Op>
  auto call(const typename Op::Input& in, u64 height) {
    const Contract before = contract;
    auto t = Op::apply(contract, in, zk_rollup::Env{height});
    if (t.ok()) {
      EXPECT_TRUE(conserves<Face>(before, value_in(in), t.value())) << Op::name << " at " << height;
      contract = t.value().contract;
    }
    return t;
  }

  template <class Op>
  Effects accept(const typename Op::Input& in, u64 height) {
    auto t = call<Op>(in, height);
    EXPECT_TRUE(t.ok()) << Op::name << " at " << height << ": " << outcome(t);
    return t.ok() ? std::move(t).value() : Effects{contract, {}};
  }

  // ---- requests

  AccountIndex deposit_new(Party payer, Party owner, u64 value, u64 height) {
    const auto to = static_cast<AccountIndex>(rollup().next_account_index);
    const u64 index = rollup().deposit_count;
    if (call<On<zk_rollup::DepositNewAccount>>({key(payer), key(owner), value}, height).ok()) {
      queue_bodies.push_back(optimistic_rollup::make_transaction(optimistic_rollup::Deposit{index, to, key(owner), value}));
    } else {
      ADD_FAILURE() << "deposit_new_account refused";
    }
    return to;
  }

  void top_up(Party payer, AccountIndex to, u64 value, u64 height) {
    const u64 index = rollup().deposit_count;
    if (call<On<zk_rollup::DepositTopUp>>({key(payer), to, value}, height).ok()) {
      queue_bodies.push_back(optimistic_rollup::make_transaction(optimistic_rollup::Deposit{index, to, std::nullopt, value}));
    } else {
      ADD_FAILURE() << "deposit_top_up refused";
    }
  }

  Effects request(Party requester, AccountIndex from, const Hash32& recipient, u64 height) {
    const u64 index = rollup().forced_withdrawal_count;
    Effects e = accept<On<zk_rollup::RequestForcedWithdrawal>>(
        {key(requester), from, recipient, rollup().config.forced_withdrawal_fee}, height);
    queue_bodies.push_back(
        optimistic_rollup::make_transaction(optimistic_rollup::ForcedExit{index, from, key(requester), recipient, 0}));
    return e;
  }

  // ---- L2 transactions, signed with libsecp256k1

  Transaction transfer(Party signer, AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce) const {
    optimistic_rollup::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = libsecp256k1::sign(keys.secret[signer], optimistic_rollup::transfer_digest(params(), t), Hash32{}).value();
    return optimistic_rollup::make_transaction(t);
  }
  Transaction withdrawal(Party signer, AccountIndex from, const Hash32& recipient, u64 amount, u64 fee, u64 nonce) const {
    optimistic_rollup::Withdrawal w{from, recipient, amount, fee, nonce, {}};
    w.signature =
        libsecp256k1::sign(keys.secret[signer], optimistic_rollup::withdrawal_digest(params(), w), Hash32{}).value();
    return optimistic_rollup::make_transaction(w);
  }

  // The next `k` queued operations as the honest operator processes them from the committed state:
  // a forced exit takes the whole balance if its requester owns the account, else nothing.
  std::vector<Transaction> priority_txs(u64 k) const {
    std::vector<Transaction> out;
    State scratch = committed_l2;
    const zk_rollup::QueueIds ids = zk_rollup::queue_ids(rollup());
    for (u64 q = rollup().priority_committed; q < rollup().priority_committed + k; ++q) {
      Transaction tx = queue_bodies.at(q);
      if (tx.kind == zk_rollup::TxKind::forced_exit) {
        const std::optional<optimistic_rollup::Account> account = scratch.account(tx.forced_exit->from);
        tx.forced_exit->amount = account && account->owner == tx.forced_exit->requester ? account->balance : 0;
      }
      auto next = optimistic_rollup::apply_tx(params(), ids.view(), scratch, tx);
      EXPECT_TRUE(next.ok()) << "queue op " << q;
      if (next.ok()) scratch = std::move(next).value();
      out.push_back(tx);
    }
    return out;
  }

  Batch build(std::vector<Transaction> transactions) const {
    auto built = Face::make_batch(contract, committed_l2, std::move(transactions));
    EXPECT_TRUE(built.ok()) << Face::make_batch_name << ": " << outcome(built);
    return built.ok() ? std::move(built).value() : Batch{};
  }

  // The next `k` queued operations, then `user` transactions.
  Batch build(u64 k, const std::vector<Transaction>& user) const {
    std::vector<Transaction> txs = priority_txs(k);
    txs.insert(txs.end(), user.begin(), user.end());
    return build(std::move(txs));
  }

  auto commit(const Batch& batch, u64 height) {
    auto t = call<On<zk_rollup::CommitBatch>>(batch.commit, height);
    if (t.ok()) {
      batch_pre.push_back(committed_l2);
      batch_txs.push_back(Face::transactions(batch));
      batch_withdrawals.push_back(batch.commit.withdrawals);
      committed_l2 = batch.post_state;
    }
    return t;
  }
  void commit_ok(const Batch& batch, u64 height) {
    const auto t = commit(batch, height);
    EXPECT_TRUE(t.ok()) << "commit at " << height << ": " << outcome(t);
  }
  void commit_ok(u64 k, const std::vector<Transaction>& user, u64 height) { commit_ok(build(k, user), height); }

  Bytes proof_for(u64 first, u64 count, const zk_rollup::VerifyingKey& key_used) const {
    std::vector<zk_rollup::BatchToProve> batches;
    for (u64 k = first; k < first + count; ++k) batches.push_back(zk_rollup::BatchToProve{k, batch_txs.at(k)});
    auto proof = zk_rollup::prove_reexecution(params(), key_used, batch_pre.at(first), batches);
    EXPECT_TRUE(proof.ok());
    return proof.ok() ? proof.value() : Bytes{};
  }
  Bytes proof_for(u64 first, u64 count) const { return proof_for(first, count, vk); }

  void prove_ok(u64 count, u64 height) {
    accept<On<zk_rollup::ProveBatches>>({key(watcher), count, proof_for(rollup().verified, count)}, height);
  }
  void execute_ok(u64 height) { accept<On<zk_rollup::ExecuteBatch>>({key(watcher)}, height); }

  auto revert(u64 new_committed, u64 height) {
    auto t = call<On<zk_rollup::RevertBatches>>({key(operator_party), new_committed}, height);
    if (t.ok()) {
      committed_l2 = batch_pre.at(new_committed);
      batch_pre.resize(new_committed);
      batch_txs.resize(new_committed);
      batch_withdrawals.resize(new_committed);
    }
    return t;
  }

  // The full state after the first `count` committed batches.
  State state_after(u64 count) const { return count == batch_pre.size() ? committed_l2 : batch_pre.at(count); }
  State executed_l2() const { return state_after(rollup().executed); }

  zk_rollup::ExodusClaim claim(const State& s, AccountIndex index) const {
    return zk_rollup::ExodusClaim{index, s.account(index).value(), s.prove(index).siblings};
  }
  zk_rollup::ExitInput exit_input(Party caller, const State& s, AccountIndex index) const {
    const zk_rollup::ExodusClaim c = claim(s, index);
    return zk_rollup::ExitInput{key(caller), s.header(), c.account_index, c.account, c.siblings};
  }

  zk_rollup::PayZkWithdrawalInput pay_input(u64 batch_number, u64 index) const {
    const std::vector<zk_rollup::WithdrawalRecord>& records = batch_withdrawals.at(batch_number);
    std::vector<Hash32> leaves;
    for (const zk_rollup::WithdrawalRecord& r : records) leaves.push_back(ref::rfc6962::leaf_hash(reflect::encode(r)));
    return zk_rollup::PayZkWithdrawalInput{key(watcher), batch_number, index, records.at(index),
                                           ref::rfc6962::inclusion_proof(leaves, index)};
  }

  Keys keys;
  zk_rollup::VerifyingKey vk;
  Contract contract;
  std::vector<Transaction> queue_bodies;
  std::vector<State> batch_pre;
  std::vector<std::vector<Transaction>> batch_txs;
  std::vector<std::vector<zk_rollup::WithdrawalRecord>> batch_withdrawals;
  State committed_l2;
};

// The spec's shared states (zk_rollup.md, validium.md), with this configuration: `deployed` (alice
// deposits 5000 at 20, account 1, op 0; bob 3000 at 21, account 2, op 1), `committed` (batch 0 at
// 30: ops 0 and 1, alice pays bob 1000 with fee 10, alice withdraws 500 to alice_l1 with fee 5;
// W's commit_ok does what the contract needs before it), `verified` (at 31), `executed` (at 32),
// `forced_requested` (alice requests her forced withdrawal at 40, op 2, expiry 80), `stalled`
// (carol deposits 700 at 41, account 3, op 3, expiry 81).
enum class Stage { deployed, committed, verified, executed, forced_requested, stalled };

template <class W>
W world_at(Stage stage) {
  W w;
  w.deposit_new(alice, alice, 5000, 20);
  w.deposit_new(bob, bob, 3000, 21);
  if (stage == Stage::deployed) return w;
  w.commit_ok(2, {w.transfer(alice, 1, 2, 1000, 10, 0), w.withdrawal(alice, 1, alice_l1, 500, 5, 1)}, 30);
  if (stage == Stage::committed) return w;
  w.prove_ok(1, 31);
  if (stage == Stage::verified) return w;
  w.execute_ok(32);
  if (stage == Stage::executed) return w;
  w.request(alice, 1, alice_l1, 40);
  if (stage == Stage::forced_requested) return w;
  w.deposit_new(carol, carol, 700, 41);
  return w;
}

}  // namespace l2::test::zk_world
