// The ZK rollup's L1 contract as a Z3 transition relation. spec: zk_rollup.md#obligations
//
// THE ABSTRACTION AND ITS BOUNDS
//
// Numbers: every u64 (amounts, heights, counters, indices) is an exact integer in [0, UINT64_MAX];
// checked_add's test is `a + b > UINT64_MAX` and saturating_add is min(a + b, UINT64_MAX), as in the
// optimistic rollup's model (the primitives' obligations prove the reference's tests). Hashes, keys
// and roots are 64-bit bit-vectors, only compared and passed through uninterpreted functions (any
// width with more values than the query's terms is equisatisfiable with 256 bits). Collision
// resistance is stated where a claim needs it, as ground instances of inverse functions at the
// terms the query builds.
//
// State: the configuration (every ZkConfig field; the identity chain_id, rollup_id, operator_key,
// vk_hash and the genesis root); escrow, next_account_index, deposit_count, forced_withdrawal_count;
// the priority queue (its length and, per index, each PriorityOp field as an uninterpreted function
// of the index, plus the records appended since); priority_committed, priority_executed, committed,
// verified, executed; `batch_slots` batch records (the first `committed` are recorded), each the
// header, public_input, committed_at and priority_first; exodus; the exited, refunded and paid sets
// (a membership predicate plus the keys added since). Ghosts: the contract's balance (value in minus
// payouts), `now` (the height of the last accepted step; L1 heights never decrease), and since
// exodus the escrow at activation and the sum paid out since.
//
// Each of the 12 ops of the reference's operations table is modelled rule by rule in the reference's
// order with its code, with its effects and payouts. Checks of posted data and openings are free
// verdicts that only reject: ZK-COMMIT-9 and 11, ZK-EXIT-3 (an accepted opening binds the account's
// owner and balance to the root and index: account_owner / account_balance), ZK-PAY-2 (an accepted
// inclusion binds the record to the batch's withdrawals root and index, below withdrawal_count),
// ZK-BRIDGE-5 (pubkey_on_curve). Every other check is computed: ZK-LIVE-1/2, ZK-EXO-1 from the
// queue, ZK-COMMIT-2..8 and 10 from the header and the posted lengths, ZK-EXIT-2 through
// state_root. The data mode is calldata (ZK-COMMIT-12 is validium's). The proof system is the
// predicate valid_statement(public_input): ZK-PROVE-3's verdict is free, constrained by soundness
// (accepted implies valid_statement of every covered batch's public input), so every contract
// obligation holds for any sound backend.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "l2/inv/z3_vocabulary.hpp"
#include "l2/inv/zk_rollup_model.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/ref/zk_rollup_contract.hpp"

namespace l2::inv::zk_rollup::model {

using z3::expr;
using inv::KeySet;
using Error = ZkRollupError;
using Op = ref::zk_rollup::ContractOp;
using ref::zk_rollup::op_code;
namespace zk = ref::zk_rollup;

constexpr std::string_view mechanism_name = "zk_rollup";
constexpr unsigned hash_bits = 64;

struct Config {
  expr chain_id, rollup_id, vk_hash, operator_key, genesis_root;
  expr max_batch_size, censorship_bound, proving_time, expiry_blocks, min_deposit, fee;
};

// One PriorityOp: kind (true for a deposit), op_id, recorded_at, expiry_height, requester, amount.
struct QueueEntry {
  expr is_deposit, id, recorded_at, expiry, requester, amount;
};

struct Queue {
  struct Appended {
    expr present, index;
    QueueEntry entry;
  };
  expr count;
  std::function<QueueEntry(const expr&)> base;
  std::vector<Appended> appended;

  QueueEntry at(const expr& k) const {
    QueueEntry e = base(k);
    for (const Appended& a : appended) {
      const expr here = a.present && k == a.index;
      e = {z3::ite(here, a.entry.is_deposit, e.is_deposit), z3::ite(here, a.entry.id, e.id),
           z3::ite(here, a.entry.recorded_at, e.recorded_at), z3::ite(here, a.entry.expiry, e.expiry),
           z3::ite(here, a.entry.requester, e.requester), z3::ite(here, a.entry.amount, e.amount)};
    }
    return e;
  }
};

struct BatchRecord {
  // the header's fields the contract reads (chain and rollup are the contract's: ZK-COMMIT-2)
  expr number, prev, post, tx_root, tx_count, wroot, wcount, pcount;
  expr public_input, committed_at, priority_first;
};

struct Contract {
  expr escrow, next_account_index, deposit_count, forced_count;
  Queue queue;
  expr priority_committed, priority_executed, committed, verified, executed;
  std::vector<BatchRecord> batches;
  expr exodus;
  KeySet exited, refunded, paid;
  expr total, now, exodus_escrow, exodus_paid;  // ghosts
};

// One claim of an exit: the account index, the opened account's owner and balance, the ZK-EXIT-3
// verdict.
struct Claim {
  expr index, owner, balance, proof_ok;
};

// A step's input: the fields of every op's input, of which each op reads its own, with the verdicts
// of the abstracted checks.
struct Call {
  expr op, height, caller, value;
  expr owner;      // deposit_new_account.owner
  expr account;    // deposit_top_up.to, request_forced_withdrawal.from
  expr recipient;  // request_forced_withdrawal.l1_recipient
  // commit_batch: the header, the posted lengths and the ZK-COMMIT-9 / 11 verdicts
  expr chain_id, rollup_id, number, prev, post, tx_root, tx_count, wroot, wcount, pcount;
  expr withdrawals_length, withdrawals_root_ok, transactions_length, transactions_root_ok;
  // prove_batches: count and the ZK-PROVE-3 verdict
  expr count, proof_ok;
  // revert_batches
  expr new_committed;
  // exodus_withdraw (claim 0) and exodus_withdraw_many: the opened state header and the claims
  expr accounts_root, deposits_credited, forced_processed, claim_count;
  std::vector<Claim> claims;
  // refund_deposit
  expr queue_index;
  // pay_withdrawal: the key, the record and the ZK-PAY-2 verdict
  expr pay_batch, pay_index, w_recipient, w_amount, included;
};

struct Payout {
  expr to, amount;
};

struct Step {
  expr error;
  Contract post;
  std::vector<Payout> payouts;  // claim_slots slots, in order; an amount of 0 is no payout
  expr domain;                  // the input domain, the environment and the model's bounds
  expr paid_out;                // Σ payouts
};

// The keys at which the quantified parts of the invariants are read: two queue indices, an exited
// account, a refunded queue index, a paid (batch, index).
struct Keys {
  expr i, j, exited, refunded, paid_batch, paid_index;
};

class Model : public Vocabulary {
 public:
  Model(z3::context& ctx, Weakening weakening);

  Weakening weakening() const { return weakening_; }

  // ---- Codes.
  expr code(Error e) const { return ctx().bv_val(static_cast<unsigned>(e), 8); }
  expr opcode(Op op) const { return ctx().bv_val(static_cast<unsigned>(op), 8); }
  template <class Operation>
  expr opcode() const {
    return opcode(op_code<Operation>);
  }
  expr first_failure(const std::vector<std::pair<expr, Error>>& checks) const;

  // ---- Hashes, uninterpreted.
  // public_input over PublicInputPreimage's fields (without priority_ops_hash under the weakening
  // public_input_omits_priority_ops), and the preimage's fields back from it: its collision
  // resistance, asserted where a claim needs it by public_input_binds_at.
  expr public_input(const Config& cfg, const expr& number, const expr& prev, const expr& post, const expr& data,
                    const expr& priority_hash) const;
  // The preimage's fields of `pi`, in PublicInputPreimage's order.
  std::vector<expr> preimage_of(const expr& pi) const;
  // The collision resistance of public_input at the term `public_input(cfg, ...)`: its inverse
  // functions give back its fields (the priority-ops hash only when the weakening leaves it in).
  expr public_input_binds_at(const Config& cfg, const expr& number, const expr& prev, const expr& post,
                             const expr& data, const expr& priority_hash) const;
  expr data_commitment(const expr& tx_root, const expr& tx_count, const expr& wroot, const expr& wcount) const;
  // One link of the priority-ops chain, acc' = H(acc || id); with `facts`, its collision resistance
  // at this term (the inverses give back acc and id; no link is the zero start).
  expr chain_link(const expr& acc, const expr& id, std::vector<expr>* facts) const;
  // priority_ops_hash of the queue's ids [first, first + count), count <= priority_per_batch.
  expr priority_hash(const Queue& q, const expr& first, const expr& count, std::vector<expr>* facts) const;
  expr state_root(const expr& accounts_root, const expr& deposits, const expr& forced) const;
  expr valid_statement(const expr& pi) const;
  expr account_owner(const expr& accounts_root, const expr& index) const;
  expr account_balance(const expr& accounts_root, const expr& index) const;
  expr withdrawal_recipient(const expr& wroot, const expr& index) const;
  expr withdrawal_amount(const expr& wroot, const expr& index) const;
  expr on_curve(const expr& key) const;
  expr deposit_id(const expr& index, const expr& to, const expr& creates, const expr& owner, const expr& amount) const;
  expr forced_exit_id(const expr& index, const expr& from, const expr& requester, const expr& recipient) const;

  // ---- Configuration, state and inputs.
  Config config(const std::string& p) const;
  // The configurations the obligations range over: every one ZK-DEPLOY-1..5 accepts (ZK-DEPLOY-6,
  // the key against the configuration, is the backend's: the model has no key).
  expr config_valid(const Config& c) const;
  // The code of the first of ZK-DEPLOY-1..5 that refuses `c`, or none (config_valid's test; the
  // engine evaluates it on a concrete configuration).
  expr deploy_error(const Config& c) const;
  Contract contract(const std::string& p) const;
  Call call(const std::string& p) const;
  Keys keys(const std::string& p) const;
  // The contract at deployment: every counter, list and flag zero, empty or false,
  // next_account_index 1. `s` gets empty sets.
  expr initial(Contract& s) const;

  expr recorded(const Contract& s, std::size_t k) const { return u64v(k) < s.committed; }
  BatchRecord pick_batch(const Contract& s, const expr& index) const;
  expr root_after(const Contract& s, const Config& cfg, const expr& count) const;
  expr committed_root(const Contract& s, const Config& cfg) const { return root_after(s, cfg, s.committed); }
  expr executed_root(const Contract& s, const Config& cfg) const { return root_after(s, cfg, s.executed); }
  // ZK-LIVE-2's test (the oldest unserved operation has expired at `height`), at expiry_height + 1
  // under the weakening expiry_exclusive; `expired_exactly` is the spec's, whatever the weakening.
  expr expired(const Contract& s, const expr& height) const;
  expr expired_exactly(const Contract& s, const expr& height) const;

  // ---- The transition relation: one op (`only`) or any op (the call's op code selects).
  Step step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const;

  // ---- The invariants (zk_rollup.md#invariants).
  // Every field in its type's range, the counts in the model's bounds, and the queue in recording
  // order with expiry_height = min(recorded_at + E, UINT64_MAX), no record later than `now`, a
  // forced withdrawal's amount 0 (at the keys' indices).
  expr typing(const Contract& s, const Config& cfg, const Keys& keys) const;
  expr queue_at(const Queue& q, const Config& cfg, const expr& i, const expr& j, const expr& now) const;
  expr counters_ordered(const Contract& s) const;
  expr batches_chain(const Contract& s, const Config& cfg) const;
  expr priority_in_order(const Contract& s) const;
  expr verified_only_by_proof(const Contract& s) const;
  expr exodus_state(const Contract& s, const Keys& keys) const;
  expr refunded_state(const Contract& s, const Keys& keys) const;
  expr conservation(const Contract& s) const { return s.total == s.escrow; }
  expr exodus_conservation(const Contract& s) const;
  // All of the above.
  expr invariant(const Contract& s, const Config& cfg, const Keys& keys) const;

 private:
  struct Transition;
  Weakening weakening_;
  z3::func_decl public_input_, data_commitment_, chain_link_, chain_acc_, chain_id_, state_root_, valid_,
      account_owner_, account_balance_, withdrawal_recipient_, withdrawal_amount_, on_curve_, deposit_id_,
      forced_exit_id_;
  std::vector<z3::func_decl> preimage_;  // the inverses of public_input, one per PublicInputPreimage field
};

}  // namespace l2::inv::zk_rollup::model
