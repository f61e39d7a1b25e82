// The engine's state: one Z3 context, one cached transition relation per slot bounds; its hash
// interning table and the reader of Z3 values are l2/inv/concrete_engine.hpp's.
// spec: optimistic_rollup.md#the-z3-model
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <algorithm>
#include <type_traits>
#include <variant>

#include "contract_model.hpp"
#include "l2/inv/concrete_engine.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2_model.hpp"

namespace l2::inv::optimistic_rollup::model {

// The hash interning table and the reader of a Z3 model's values, shared with the other engines.
using inv::Interner;
using inv::Reader;

// The hash term `e` stands for the concrete hash `h`.
inline expr hash_is(z3::context& ctx, Interner& interner, const expr& e, const Hash32& h) {
  return e == ctx.bv_val(interner(h), hash_bits);
}

}  // namespace l2::inv::optimistic_rollup::model

namespace l2::inv::optimistic_rollup {

// One Z3 context; a contract relation per slot bounds, built on first use.
struct Engine::Impl {
  struct Relation {
    model::ContractModel m;
    model::Config cfg;
    model::Contract pre;
    model::Call in;
    model::Step out;
    z3::solver solver;
    Relation(z3::context& ctx, Weakening weakening, model::Bounds bounds)
        : m(ctx, weakening, bounds),
          cfg(m.config("cfg")),
          pre(m.contract("pre")),
          in(m.call("step")),
          out(m.step(cfg, pre, in, std::nullopt)),
          solver(ctx) {
      solver.add(out.domain);
      solver.add(m.config_typing(cfg));
    }
  };

  Impl(Weakening w, SignatureOracle o) : weakening(w), oracle(std::move(o)) {}
  Relation& relation(model::Bounds bounds) {
    auto it = relations.find(bounds);
    if (it == relations.end()) it = relations.emplace(bounds, std::make_unique<Relation>(ctx, weakening, bounds)).first;
    return *it->second;
  }

  z3::context ctx;
  Weakening weakening;
  SignatureOracle oracle;
  model::Interner interner;
  std::map<model::Bounds, std::unique_ptr<Relation>> relations;
};

namespace detail {

using z3::expr;
using model::Interner;

// The values of one step's projection, and the terms whose values are its outcome.
class Projection {
 public:
  Projection(Engine::Impl::Relation& r, Interner& interner, const SignatureOracle& oracle)
      : r_(r), m_(r.m), ctx_(r.m.ctx()), interner_(interner), oracle_(oracle) {}

  void number(const expr& var, u64 v) { r_.solver.add(var == m_.u64v(v)); }
  void hash(const expr& var, const Hash32& h) { r_.solver.add(model::hash_is(ctx_, interner_, var, h)); }
  void flag(const expr& var, bool v) { r_.solver.add(var == ctx_.bool_val(v)); }
  void small(const expr& var, unsigned v) { r_.solver.add(var == ctx_.bv_val(v, 8)); }

  void config(const ref::optimistic_rollup::OptimisticRollup& c) {
    const model::Config& cfg = r_.cfg;
    number(cfg.chain_id, c.chain_id);
    hash(cfg.rollup_id, c.rollup_id);
    hash(cfg.operator_key, c.operator_key);
    const ref::optimistic_rollup::RollupConfig& x = c.config;
    number(cfg.max_batch_size, x.max_batch_size);
    number(cfg.challenge_period, x.challenge_period_blocks);
    number(cfg.resolution_period, x.resolution_period_blocks);
    number(cfg.queue_inclusion, x.queue_inclusion_blocks);
    number(cfg.sequencing_window, x.sequencing_window_blocks);
    number(cfg.escape_delay, x.escape_delay_blocks);
    number(cfg.censorship_bound, x.censorship_bound_blocks);
    number(cfg.min_challenge_bond, x.min_challenge_bond);
    number(cfg.min_deposit, x.min_deposit);
    number(cfg.forced_exit_fee, x.forced_exit_fee);
    number(cfg.minimum_stake, x.stake.minimum_stake);
    number(cfg.stake_lock_period, x.stake.stake_lock_period);
    for (unsigned bit = 0; bit < 8; ++bit) flag(cfg.penalty_bits[bit], ((x.stake.penalty_percentage >> bit) & 1u) != 0);
  }

  void batch(const model::BatchRecord& b, const ref::optimistic_rollup::BatchRecord& x) {
    const ref::optimistic_rollup::BatchHeader& h = x.header;
    number(b.chain_id, h.chain_id);
    hash(b.rollup_id, h.rollup_id);
    number(b.number, h.batch_number);
    number(b.epoch, h.epoch);
    number(b.origin, h.l1_origin_height);
    hash(b.prev, h.prev_state_root);
    hash(b.post, h.post_state_root);
    hash(b.transactions_root, h.transactions_root);
    number(b.count, h.transaction_count);
    hash(b.state_roots_root, h.state_roots_root);
    hash(b.id, x.batch_id);
    number(b.submitted_at, x.submitted_at);
    number(b.deadline, x.challenge_deadline);
    number(b.deposits_visible, x.deposits_visible);
    number(b.forced_exits_visible, x.forced_exits_visible);
    flag(b.final, x.final);
    number(b.open_challenges, x.open_challenges);
  }

  void challenge(const model::Challenge& m, const ref::optimistic_rollup::Challenge& x) {
    hash(m.id, x.challenge_id);
    hash(m.batch_id, x.challenged_object);
    hash(m.challenger, x.challenger);
    small(m.proof_type, static_cast<unsigned>(x.proof_type));
    hash(m.evidence, x.evidence);
    number(m.opened_at, x.opened_at);
    number(m.deadline, x.deadline);
    number(m.bond, x.bond_amount);
  }

  void contract(const ref::optimistic_rollup::OptimisticRollup& c) {
    const model::Contract& s = r_.pre;
    number(s.stake, c.stake);
    flag(s.staked, c.staked);
    number(s.unlock, c.stake_unlock_height);
    number(s.escrow, c.escrow);
    number(s.treasury, c.treasury);
    number(s.epoch, c.epoch);
    number(s.next_account_index, c.next_account_index);
    hash(s.last_root, c.last_state_root);
    flag(s.frozen, c.frozen);
    number(s.deposits.count, c.deposits.size());
    for (std::size_t k = 0; k < c.deposits.size(); ++k) {
      const model::QueueEntry e = s.deposits.base(m_.u64v(k));
      hash(e.id, c.deposits[k].deposit_id);
      number(e.recorded_at, c.deposits[k].recorded_at);
      hash(e.party, c.deposits[k].depositor);
      number(e.amount, c.deposits[k].amount);
    }
    number(s.forced_exits.count, c.forced_exits.size());
    for (std::size_t k = 0; k < c.forced_exits.size(); ++k) {
      const model::QueueEntry e = s.forced_exits.base(m_.u64v(k));
      hash(e.id, c.forced_exits[k].request_id);
      number(e.recorded_at, c.forced_exits[k].recorded_at);
    }
    number(s.batch_count, c.batches.size());
    for (std::size_t k = 0; k < c.batches.size(); ++k) batch(s.batches[k], c.batches[k]);
    number(s.challenge_count, c.challenges.size());
    for (std::size_t y = 0; y < c.challenges.size(); ++y) challenge(s.challenges[y], c.challenges[y]);
    for (const ref::optimistic_rollup::PaidWithdrawal& p : c.paid)
      r_.solver.add(s.paid.base({m_.u64v(p.batch_number), m_.u64v(p.transaction_index)}));
  }

  // The opened state header of a timeout fault, a freeze, an exit or a reclaim, with state_root at it.
  void post_state(const ref::optimistic_rollup::StateHeader& header) {
    hash(r_.in.accounts_root, header.accounts_root);
    number(r_.in.deposits_credited, header.deposits_credited);
    number(r_.in.forced_exits_processed, header.forced_exits_processed);
    hash(r_.m.h.state_root(r_.in.accounts_root, r_.in.deposits_credited, r_.in.forced_exits_processed),
         ref::optimistic_rollup::state_root(header));
  }

  // The membership of `key` in a set of the pre-state.
  void member(const model::KeySet& set, const std::vector<u64>& key, bool in) {
    std::vector<expr> k;
    for (u64 v : key) k.push_back(m_.u64v(v));
    flag(set.base(k), in);
  }

  // The call: every field its op reads, every verdict computed by the reference.
  void call(const ref::optimistic_rollup::OptimisticRollup& c, const Step& step) {
    const model::Call& in = r_.in;
    r_.solver.add(in.op == m_.opcode(step.op));
    number(in.height, step.height);
    const ref::optimistic_rollup::L2Params params = ref::optimistic_rollup::params_of(c);
    std::visit([&](const auto& input) { inputs(c, params, step, input); }, step.input);
  }

  template <class Input>
  void caller_and_value(const Input& input) {
    hash(r_.in.caller, input.caller);
    if constexpr (requires { input.value; }) number(r_.in.value, input.value);
    else number(r_.in.value, 0);
  }

  void inputs(const ref::optimistic_rollup::OptimisticRollup&, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::StakeInput& in) {
    caller_and_value(in);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup&, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::CallerInput& in) {
    caller_and_value(in);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params& params, const Step&,
              const ref::optimistic_rollup::DepositNewAccountInput& in) {
    caller_and_value(in);
    hash(r_.in.owner, in.owner);
    flag(m_.h.on_curve(r_.in.owner), ref::bip340::pubkey_on_curve(in.owner));
    if (c.next_account_index <= 0xffffffffULL) {
      const ref::optimistic_rollup::Deposit d{c.deposits.size(), static_cast<ref::optimistic_rollup::AccountIndex>(c.next_account_index), in.owner, in.value};
      hash(m_.h.deposit_id(m_.u64v(c.deposits.size()), m_.u64v(c.next_account_index), ctx_.bool_val(true), r_.in.owner,
                           m_.u64v(in.value)),
           ref::optimistic_rollup::deposit_id(params, d));
    }
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params& params, const Step&, const ref::optimistic_rollup::DepositTopUpInput& in) {
    caller_and_value(in);
    number(r_.in.account, in.to);
    const ref::optimistic_rollup::Deposit d{c.deposits.size(), in.to, std::nullopt, in.value};
    hash(m_.h.deposit_id(m_.u64v(c.deposits.size()), m_.u64v(in.to), ctx_.bool_val(false), m_.zero_hash(),
                         m_.u64v(in.value)),
         ref::optimistic_rollup::deposit_id(params, d));
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params& params, const Step&,
              const ref::optimistic_rollup::RequestForcedExitInput& in) {
    caller_and_value(in);
    number(r_.in.account, in.from);
    hash(r_.in.recipient, in.l1_recipient);
    const ref::optimistic_rollup::ForcedExit e{c.forced_exits.size(), in.from, in.caller, in.l1_recipient, 0};
    hash(m_.h.forced_exit_id(m_.u64v(c.forced_exits.size()), m_.u64v(in.from), r_.in.caller, r_.in.recipient),
         ref::optimistic_rollup::forced_exit_id(params, e));
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::SubmitBatchInput& in) {
    caller_and_value(in);
    const model::Call& x = r_.in;
    const ref::optimistic_rollup::Batch& batch = in.batch;
    const ref::optimistic_rollup::BatchHeader& h = batch.header;
    number(x.chain_id, h.chain_id);
    hash(x.rollup_id, h.rollup_id);
    number(x.number, h.batch_number);
    number(x.epoch, h.epoch);
    number(x.origin, h.l1_origin_height);
    hash(x.prev, h.prev_state_root);
    hash(x.post, h.post_state_root);
    hash(x.transactions_root, h.transactions_root);
    number(x.count, h.transaction_count);
    hash(x.state_roots_root, h.state_roots_root);
    number(x.transactions_length, batch.transactions.size());
    number(x.state_roots_length, batch.state_roots.size());
    hash(x.first_root, batch.state_roots.empty() ? Hash32{} : batch.state_roots.front());
    hash(x.last_root, batch.state_roots.empty() ? Hash32{} : batch.state_roots.back());
    flag(x.transactions_root_ok, h.transactions_root == ref::optimistic_rollup::transactions_root(batch.transactions));
    flag(x.state_roots_root_ok, h.state_roots_root == ref::optimistic_rollup::state_roots_root(batch.state_roots));
    const Hash32 id = ref::optimistic_rollup::batch_id(h);
    flag(x.signature_ok, oracle_(c.operator_key, id, batch.signature));
    hash(m_.h.batch_id_of({x.chain_id, x.rollup_id, x.number, x.epoch, x.origin, x.prev, x.post, x.transactions_root,
                          x.count, x.state_roots_root}),
         id);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup&, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::OpenChallengeInput& in) {
    caller_and_value(in);
    hash(r_.in.batch_id, in.batch_id);
    small(r_.in.proof_type, static_cast<unsigned>(in.proof_type));
    hash(r_.in.evidence, in.evidence);
    hash(m_.h.challenge_id(r_.in.caller, r_.in.evidence), ref::optimistic_rollup::challenge_id(in.caller, in.evidence));
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::ResolveChallengeInput& in) {
    caller_and_value(in);
    const model::Call& x = r_.in;
    const ref::optimistic_rollup::FraudProof& proof = in.proof;
    proof_fields(in.challenge_id, proof);
    OptimisticRollupError verdict = OptimisticRollupError::none;
    if (const auto index = ref::optimistic_rollup::find_challenge(c, in.challenge_id)) {
      const ref::optimistic_rollup::Challenge& challenge = c.challenges[*index];
      hash(m_.h.evidence(m_.hash_value(interner_(challenge.challenger)), x.proof),
           ref::optimistic_rollup::evidence_commitment(challenge.challenger, proof));
      const auto batch = ref::optimistic_rollup::find_pending_batch(c, challenge.challenged_object);
      if (batch && proof.transaction_fault)
        verdict = ref::optimistic_rollup::verify_transaction_fault(c, c.batches[*batch], proof.proof_type, *proof.transaction_fault, oracle_);
    }
    small(x.transaction_verdict, static_cast<unsigned>(verdict));
  }

  // The challenge a proof is revealed for, and what verify_fraud_proof reads of the proof besides its
  // transaction fault's verdict.
  void proof_fields(const Hash32& challenge_id, const ref::optimistic_rollup::FraudProof& proof) {
    const model::Call& x = r_.in;
    hash(x.challenge_id, challenge_id);
    hash(x.proof, ref::tagged_hash("L2/model/proof", reflect::encode(proof)));
    hash(x.proof_batch_id, proof.batch_id);
    small(x.proof_proof_type, static_cast<unsigned>(proof.proof_type));
    flag(x.has_transaction_fault, proof.transaction_fault.has_value());
    flag(x.has_timeout_fault, proof.timeout_fault.has_value());
    const ref::optimistic_rollup::TimeoutFault timeout = proof.timeout_fault.value_or(ref::optimistic_rollup::TimeoutFault{});
    small(x.queue, static_cast<unsigned>(timeout.queue));
    number(x.index, timeout.index);
    post_state(timeout.post_state);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup&, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::ChallengeRef& in) {
    caller_and_value(in);
    hash(r_.in.challenge_id, in.challenge_id);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::PayWithdrawalInput& in) {
    caller_and_value(in);
    const model::Call& x = r_.in;
    number(x.pay_batch, in.batch_number);
    number(x.pay_index, in.transaction_index);
    bool included = false;
    if (in.batch_number < c.batches.size()) {
      const ref::optimistic_rollup::BatchHeader& header = c.batches[in.batch_number].header;
      included = ref::rfc6962::verify_inclusion(in.transaction_index, header.transaction_count,
                                                ref::optimistic_rollup::transaction_leaf_hash(in.transaction), in.proof,
                                                header.transactions_root) == PrimitiveError::none;
    }
    flag(x.included, included);
    const auto decoded = reflect::decode<ref::optimistic_rollup::Transaction>(in.transaction);
    const std::optional<ref::optimistic_rollup::Outflow> outflow = decoded ? ref::optimistic_rollup::outflow_of(decoded.value()) : std::nullopt;
    flag(x.is_outflow, outflow.has_value());
    number(x.amount, outflow ? outflow->amount : 0);
    hash(x.recipient, outflow ? outflow->l1_recipient : Hash32{});
    member(r_.pre.paid, {in.batch_number, in.transaction_index},
           std::any_of(c.paid.begin(), c.paid.end(), [&](const ref::optimistic_rollup::PaidWithdrawal& p) {
             return p.batch_number == in.batch_number && p.transaction_index == in.transaction_index;
           }));
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup&, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::FreezeInput& in) {
    caller_and_value(in);
    small(r_.in.queue, static_cast<unsigned>(in.queue));
    number(r_.in.index, in.index);
    post_state(in.post_state);
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::ExitInput& in) {
    caller_and_value(in);
    const model::Call& x = r_.in;
    post_state(in.post_state);
    number(x.account, in.account_index);
    number(x.balance, in.account.balance);
    number(x.nonce, in.account.nonce);
    hash(x.owner, in.account.owner);
    ref::smt::Proof opening;
    opening.index = in.account_index;
    opening.siblings = in.siblings;
    flag(x.account_proof_ok,
         ref::smt::root_from_proof(opening, ref::optimistic_rollup::account_value(in.account)) == in.post_state.accounts_root);
    member(r_.pre.exited, {in.account_index},
           std::find(c.exited.begin(), c.exited.end(), in.account_index) != c.exited.end());
  }
  void inputs(const ref::optimistic_rollup::OptimisticRollup& c, const ref::optimistic_rollup::L2Params&, const Step&, const ref::optimistic_rollup::ReclaimDepositInput& in) {
    caller_and_value(in);
    post_state(in.post_state);
    number(r_.in.index, in.deposit_index);
    member(r_.pre.reclaimed, {in.deposit_index},
           std::find(c.reclaimed.begin(), c.reclaimed.end(), in.deposit_index) != c.reclaimed.end());
  }

 private:
  Engine::Impl::Relation& r_;
  const model::ContractModel& m_;
  z3::context& ctx_;
  Interner& interner_;
  const SignatureOracle& oracle_;
};

}  // namespace detail

}  // namespace l2::inv::optimistic_rollup
