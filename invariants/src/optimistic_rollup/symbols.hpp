// What the optimistic rollup's two Z3 models (l2_model.hpp, contract_model.hpp) share: the contract
// models' vocabulary (l2/inv/z3_vocabulary.hpp), the rollup's codes, and the uninterpreted hash
// functions.
// spec: optimistic_rollup.md#the-z3-model
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/z3_vocabulary.hpp"

namespace l2::inv::optimistic_rollup::model {

using z3::expr;
using inv::KeySet;
using Error = OptimisticRollupError;
using FraudProofType = ref::optimistic_rollup::FraudProofType;
using ResolutionKind = ref::optimistic_rollup::ResolutionKind;
using QueueKind = ref::optimistic_rollup::QueueKind;
using TxKind = ref::optimistic_rollup::TxKind;

// Keys, roots, ids and evidence in both models. They are only compared for equality and passed
// through uninterpreted functions, so any width with more values than the finitely many hash terms
// of a query is equisatisfiable with 256 bits; 64 keeps the queries small.
constexpr unsigned hash_bits = 64;

class Symbols : public Vocabulary {
 public:
  explicit Symbols(z3::context& ctx) : Vocabulary(ctx, hash_bits) {}

  expr hash_value(std::uint64_t v) const { return ctx().bv_val(v, hash_bits); }
  expr code(Error e) const { return ctx().bv_val(static_cast<unsigned>(e), 8); }
  expr type(FraudProofType t) const { return ctx().bv_val(static_cast<unsigned>(t), 8); }
  expr kind(TxKind k) const { return ctx().bv_val(static_cast<unsigned>(k), 8); }
  expr resolution(ResolutionKind k) const { return ctx().bv_val(static_cast<unsigned>(k), 8); }
  expr queue_kind(QueueKind q) const { return ctx().bv_val(static_cast<unsigned>(q), 8); }
  expr opcode(Op op) const { return ctx().bv_val(static_cast<unsigned>(op), 8); }
  template <class Operation>
  expr opcode() const {
    return opcode(op_code<Operation>);
  }
  expr index8(std::size_t i) const { return ctx().bv_val(static_cast<unsigned>(i), 8); }

  expr max(const expr& a, const expr& b) const { return z3::ite(a >= b, a, b); }

  expr bv(const std::string& name, unsigned width) const { return ctx().bv_const(name.c_str(), width); }

  // The error of the first failing check, in the order given; `none` when all pass.
  expr first_failure(const std::vector<std::pair<expr, Error>>& checks) const {
    expr result = code(Error::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }

  expr any(const std::vector<expr>& conditions) const {
    expr out = truth(false);
    for (const expr& c : conditions) out = out || c;
    return out;
  }
  // One-hot: out[k] holds when conditions[k] is the first that holds.
  std::vector<expr> first_of(const std::vector<expr>& conditions) const {
    std::vector<expr> out;
    expr none_before = truth(true);
    for (const expr& c : conditions) {
      out.push_back(none_before && c);
      none_before = none_before && !c;
    }
    return out;
  }
  // values[k] where onehot[k] holds (the last value when none does; callers guard that case).
  expr pick(const std::vector<expr>& onehot, const std::vector<expr>& values) const {
    expr out = values.back();
    for (std::size_t k = values.size() - 1; k-- > 0;) out = z3::ite(onehot[k], values[k], out);
    return out;
  }
  // The number of conditions that hold, as an integer.
  expr count(const std::vector<expr>& conditions) const {
    expr out = u64v(0);
    for (const expr& c : conditions) out = out + z3::ite(c, u64v(1), u64v(0));
    return out;
  }
};

// The hash functions both models read, uninterpreted, declared once per context (a declaration is
// its name and sorts, so every builder in a context gets the same functions). The collision
// resistance a claim needs is asserted as ground instances of the inverse functions at the terms the
// query builds.
struct Hashes {
  // state_root(StateHeader) over (accounts_root, deposits_credited, forced_exits_processed).
  z3::func_decl state_root, state_root_accounts, state_root_deposits, state_root_forced_exits;
  // batch_id(BatchHeader) over its ten fields, in the header's order.
  z3::func_decl batch_id, batch_id_number, batch_id_epoch;
  // challenge_id(challenger, evidence) and evidence_commitment(challenger, proof), a proof being a
  // hash standing for its encoding.
  z3::func_decl challenge_id, challenge_id_challenger, challenge_id_evidence;
  z3::func_decl evidence, evidence_challenger, evidence_proof;
  // deposit_id(index, to, creates, new_owner, amount) and forced_exit_id(index, from, requester,
  // l1_recipient): the ids L1 records, under the rollup's fixed L2Params.
  z3::func_decl deposit_id, forced_exit_id;
  // bip340 lift_x succeeds [OR-BRIDGE-5].
  z3::func_decl on_curve;

  explicit Hashes(z3::context& ctx)
      : state_root(function(ctx, "state_root", {hash(ctx), ctx.int_sort(), ctx.int_sort()}, hash(ctx))),
        state_root_accounts(function(ctx, "state_root_inverse.accounts_root", {hash(ctx)}, hash(ctx))),
        state_root_deposits(function(ctx, "state_root_inverse.deposits_credited", {hash(ctx)}, ctx.int_sort())),
        state_root_forced_exits(function(ctx, "state_root_inverse.forced_exits_processed", {hash(ctx)}, ctx.int_sort())),
        batch_id(function(ctx, "batch_id",
                          {ctx.int_sort(), hash(ctx), ctx.int_sort(), ctx.int_sort(), ctx.int_sort(), hash(ctx), hash(ctx),
                           hash(ctx), ctx.int_sort(), hash(ctx)},
                          hash(ctx))),
        batch_id_number(function(ctx, "batch_id_inverse.batch_number", {hash(ctx)}, ctx.int_sort())),
        batch_id_epoch(function(ctx, "batch_id_inverse.epoch", {hash(ctx)}, ctx.int_sort())),
        challenge_id(function(ctx, "challenge_id", {hash(ctx), hash(ctx)}, hash(ctx))),
        challenge_id_challenger(function(ctx, "challenge_id_inverse.challenger", {hash(ctx)}, hash(ctx))),
        challenge_id_evidence(function(ctx, "challenge_id_inverse.evidence", {hash(ctx)}, hash(ctx))),
        evidence(function(ctx, "evidence_commitment", {hash(ctx), hash(ctx)}, hash(ctx))),
        evidence_challenger(function(ctx, "evidence_commitment_inverse.challenger", {hash(ctx)}, hash(ctx))),
        evidence_proof(function(ctx, "evidence_commitment_inverse.proof", {hash(ctx)}, hash(ctx))),
        deposit_id(function(ctx, "deposit_id", {ctx.int_sort(), ctx.int_sort(), ctx.bool_sort(), hash(ctx), ctx.int_sort()},
                            hash(ctx))),
        forced_exit_id(function(ctx, "forced_exit_id", {ctx.int_sort(), ctx.int_sort(), hash(ctx), hash(ctx)}, hash(ctx))),
        on_curve(function(ctx, "pubkey_on_curve", {hash(ctx)}, ctx.bool_sort())) {}

  // batch_id over the header's fields, in BatchHeader's order.
  expr batch_id_of(const std::vector<expr>& header) const {
    z3::expr_vector args(batch_id.ctx());
    for (const expr& e : header) args.push_back(e);
    return batch_id(args);
  }

  // state_root(a, d, f) with its collision resistance at that term: the root gives back its header.
  expr root_of(const expr& accounts_root, const expr& deposits, const expr& forced_exits, std::vector<expr>& facts) const {
    const expr root = state_root(accounts_root, deposits, forced_exits);
    facts.push_back(state_root_accounts(root) == accounts_root && state_root_deposits(root) == deposits &&
                    state_root_forced_exits(root) == forced_exits);
    return root;
  }

 private:
  static z3::sort hash(z3::context& ctx) { return ctx.bv_sort(hash_bits); }
};

}  // namespace l2::inv::optimistic_rollup::model
