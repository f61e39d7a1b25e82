// Z3 model of the optimistic rollup: the L1 rollup contract, the fraud-proof verifier, and the
// named obligations over both.
// spec: optimistic_rollup.md#invariants, README.md#the-formal-layer
//
// THE ABSTRACTION AND ITS BOUNDS (spec-ready text: optimistic_rollup.md, "The Z3 model")
//
// Two models, composed through two lemmas (assume-guarantee).
//
// Numbers. Every u64 (amounts, heights, counts, nonces, indices) is an exact integer constrained
// to [0, UINT64_MAX]. For such integers checked_add's test `a > UINT64_MAX - b` is `a + b >
// UINT64_MAX`, checked_sub's `a < b` is `a - b < 0` and saturating_add is min(a + b,
// UINT64_MAX) (the primitives obligations prove the reference's tests), so every checked
// operation reads the same as on u64; the unchecked ones (rewards and treasury credits, the
// slash, payouts, the open-challenge count) are proved to stay in range. Sums are then linear
// arithmetic; as 64-bit bit-vectors, equal sums in a different order are adder circuits the
// solver must prove equivalent, which took minutes. Hashes (keys, roots, ids, evidence, proofs)
// are 64-bit bit-vectors: they are only compared and passed through uninterpreted functions, so
// any width with more values than a query has hash terms is equisatisfiable with 256 bits; the
// collision resistance a claim needs is asserted as ground instances of inverse functions at the
// terms the query builds (an injective function on finitely many terms always exists). Error
// codes, op codes, kinds, proof types and account indices are 8-bit bit-vectors.
//
// 1. The fraud-proof verifier. An L2 state is `account_slots` (3) slots, each (exists, balance,
//    nonce, owner), and deposits_credited; an empty slot holds zeros (an opening of an empty slot
//    carries no account). A transaction is a transfer, deposit or withdrawal over those slots, or
//    malformed (OR-TX-1), with its signature verdict (OR-SEND-2) and its match with L1's deposit
//    record (OR-DEP-4) as free Booleans: each is a pure function of the transaction, the sender's
//    key and L1, so every execution of one transaction on one state sees the same verdicts.
//    apply(state, tx) is the reference's rules in its order, aliasing of from, to and the fee
//    account included. A state's root is the state itself: the identity is an injective root
//    function (SHA-256 collision resistance over an injective encoding, and the sparse tree's
//    binding of every slot). A committed root is any tuple; one that is not a well-formed state
//    is the root of no state, a junk root no witness opens. A witness is a well-formed state that
//    passes the witness rules (OR-WIT-1..4) exactly when it equals the claimed pre-root: a real
//    witness right on every slot the transaction reads gives that outcome, any other a witness
//    error. RFC 6962 inclusion (OR-FP-3..5) and OR-FP-1 are verdicts that, when they hold, bind
//    the proof to the committed transaction, roots, batch and type. recorded_at is an
//    uninterpreted function of the deposit index. A batch is valid when every transaction i is
//    valid at the state with root state_roots[i] and leads to state_roots[i + 1], and no deposit
//    overdue at submission is uncredited in its post-state.
//    - fraud_proof_soundness (one step, so for batches of any size): if step i is valid, every
//      transaction-fault proof naming i is rejected, whatever its type, witness and inclusion
//      verdicts; if the post-state credits every overdue deposit, every timeout proof is rejected.
//    - fraud_proof_completeness: at the first wrong step i of a batch of any size, the correct
//      prefix has committed the true state u as state_roots[i]; if transaction i is invalid at u or
//      its result is not state_roots[i + 1], the honest proof at i (witness u) confirms for some
//      type; a batch with correct steps and an overdue uncredited deposit has a confirmed timeout
//      proof. End to end, by bounded model checking from any well-formed start state: every
//      invalid batch of 1 or 2 transactions over 3 account slots, or of 3 transactions over 2
//      slots, has a confirmed proof (the negation, "invalid and every (index, type) and the
//      timeout proof rejected", is a finite conjunction, and unsat).
//    - conservation (L2) and exactly_once_deposits: every valid transaction on any well-formed
//      state keeps sum of balances + withdrawn = previous sum + deposited, keeps the state well
//      formed, and advances deposits_credited by one exactly for a deposit at that index.
//
// 2. The L1 rollup contract: configuration, stake, escrow, next_account_index, last_state_root,
//    `batch_slots` (3) batch records of which the first batch_count are recorded,
//    `challenge_slots` (3) challenge slots with an open flag (each open challenge with its id,
//    batch, challenger, type, evidence, opened_at, deadline and bond), the paid set, rewards,
//    treasury. A step that needs a fourth batch or challenge slot is outside the model. The paid
//    set is an uninterpreted predicate plus the keys added since, queried at finitely many keys.
//    The configuration is one deploy accepted: OR-DEPLOY-1 (penalty_percentage <= 100,
//    max_batch_size >= 1, challenge_period_blocks >= 1, resolution_period_blocks >= 2) is the
//    model's deploy check and every obligation assumes it. Checks of posted data and proofs are
//    free verdicts: OR-BATCH-2, 8, 10..12 (header, roots, endpoints, signature), OR-PAY-2
//    (inclusion, with transaction_index < transaction_count), OR-PAY-3, and verify_fraud_proof's
//    result, a free code among none and OR-FP-1..11: each only rejects, so the claims hold
//    whatever they answer. batch_id is an uninterpreted function of the header, injective in
//    batch_number (a ground inverse instance per submission). challenge_id = H(challenger,
//    evidence) and evidence = H(challenger, proof) are uninterpreted functions of two hashes (a
//    proof is a hash standing for its encoding), injective in both arguments by ground inverse
//    instances (per opened challenge; per revealed proof); OR-RES-4 is
//    `H(challenger, proof) == evidence`, not a free verdict. Every rule is modelled in the
//    reference's order with its code, including the caps that keep every internal credit in
//    range: OR-STAKE-3, OR-BRIDGE-1 and OR-CHAL-6 refuse holdings + value > UINT64_MAX, where
//    holdings = escrow + stake + sum of open bonds + rewards + treasury; OR-PAY-5 refuses
//    amount > escrow. Ghost state: each batch's `valid`, `finalized_at`, and `holdings`, the
//    contract's balance: an accepted step adds the value attached and subtracts its payouts.
//    Lemmas from part 1: verify_fraud_proof confirms only against an invalid batch; the honest
//    challenger's proof confirms. Input domain of a step: value is an input of the payable entry
//    points only (stake, the two deposits, open_challenge), 0 for every other call; the slash is
//    0 <= slashed <= stake (conservation/slash proves it of floor(stake * penalty_percentage /
//    100) for penalty_percentage <= 100).
//    The invariants batches_chain, finality_requires_challenge_period, conservation,
//    no_withdrawal_from_non_final_batch and challenges_well_formed (with the typing of every
//    field, and each open challenge's id = H(challenger, evidence)) are proved by initiation and
//    by consecution against each of the 12 transitions. They are mutually inductive: each
//    consecution assumes before the step the ones its claim depends on. The paid-set invariant is
//    over all keys and is checked at one arbitrary key, which is sound because a step changes the
//    set at one key at most. fraud_proof_soundness at L1: a resolution confirms only against its
//    own (invalid, pending) batch and removes exactly it and the later ones.
//    honest_challenger_wins is a bounded model check of `honest_challenger_depth` (4) steps from
//    any state satisfying the invariants: the honest challenger, holding a proof P of an invalid
//    pending batch, opens with evidence H(honest, P) before the batch's challenge deadline with a
//    bond that fits beside the holdings (the L1 asset's supply fits in a u64) (step 1) and reveals
//    P in a later block before its challenge's deadline (step 3); steps 0 and 2 are any call by
//    anyone else, who may copy its evidence or its proof. The batch is reverted and never final.
//    There is no assumption about the others: a copied evidence opens the copier's own challenge
//    (its id is H(copier, evidence)), which no proof opens. Under the weakening
//    challenge_id_is_evidence (OR-CHAL-5 as first specified, challenge_id = evidence) the same
//    check has a counterexample: a copy mined first makes the honest open a duplicate.
//
// Trace validation (optimistic_rollup_traces.cpp): seeded random traces of reference contract
// calls, from deploy, with honest and fraudulent batches, honest, copied and junk challenges and
// proofs; at every step the model's transition with every input and verdict fixed to the
// reference's values (hashes interned: equal hashes, equal values) must admit the reference's
// error code and, on success, its post-state and payout, and no other outcome.
#include "l2/inv/optimistic_rollup_model.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <utility>

#include "l2/ref/optimistic_rollup.hpp"

namespace l2::inv::optimistic_rollup {

std::string_view weakening_name(Weakening weakening) {
  switch (weakening) {
    case Weakening::none:
      return "none";
    case Weakening::finalize_ignores_open_challenges:
      return "finalize_ignores_open_challenges";
    case Weakening::challenge_accepted_at_deadline:
      return "challenge_accepted_at_deadline";
    case Weakening::challenge_id_is_evidence:
      return "challenge_id_is_evidence";
  }
  return "unknown";
}

std::optional<Weakening> parse_weakening(std::string_view name) {
  for (Weakening w : {Weakening::none, Weakening::finalize_ignores_open_challenges,
                      Weakening::challenge_accepted_at_deadline, Weakening::challenge_id_is_evidence})
    if (weakening_name(w) == name) return w;
  return std::nullopt;
}

namespace {
constexpr std::array<std::string_view, 12> contract_op_names{
    "stake",        "unstake",        "claim_rewards",     "deposit_new_account", "deposit_top_up",
    "submit_batch", "open_challenge", "resolve_challenge", "expire_challenge",    "withdraw_challenge",
    "finalize",     "pay_withdrawal"};
}  // namespace

std::string_view contract_op_name(ContractOp op) { return contract_op_names[static_cast<std::size_t>(op)]; }

namespace {

using z3::expr;
using E = RollupError;
using FraudProofType = l2::ref::optimistic_rollup::FraudProofType;
using TxKind = l2::ref::optimistic_rollup::TxKind;

constexpr std::string_view mechanism_name = "optimistic_rollup";

// Keys, roots, ids and evidence in both models. They are only compared for equality and
// passed through uninterpreted functions, so any width with more values than the finitely many
// hash terms of a query is equisatisfiable with 256 bits; 64 keeps the queries small.
constexpr unsigned hash_bits = 64;

// The contract's entry points; the value is the model's op code.
using Op = ContractOp;
constexpr std::size_t op_count = contract_op_names.size();
std::string op_name(Op op) { return std::string(contract_op_name(op)); }

// Calls that take the attached value; every other call carries none.
constexpr bool payable(Op op) {
  return op == Op::stake || op == Op::deposit_new_account || op == Op::deposit_top_up || op == Op::open_challenge;
}

// ChallengeResolution, or none for a step that resolves nothing.
enum class Outcome : unsigned { none, fraud_confirmed, challenge_rejected, challenge_withdrawn };

// ---------------------------------------------------------------------------------------------
// Shared helpers.

class Symbols {
 public:
  explicit Symbols(z3::context& ctx) : ctx_(ctx) {}

  z3::context& ctx() const { return ctx_; }
  expr truth(bool b) const { return ctx_.bool_val(b); }
  // Every u64 (amounts, heights, counts, nonces, indices) is read as an exact integer in [0,
  // UINT64_MAX]. For such integers checked_add's test `a > UINT64_MAX - b` is exactly `a + b >
  // UINT64_MAX`, checked_sub's `a < b` is `a - b < 0` and saturating_add is min(a + b,
  // UINT64_MAX) (the primitives obligations prove the first two of the reference's code), so every
  // checked operation reads the same; the unchecked ones are claimed to stay in range. Sums and
  // comparisons are then linear integer arithmetic: bit-blasted adders make the solver prove
  // circuit equivalences, which it does badly.
  expr u64(const std::string& name) const { return ctx_.int_const(name.c_str()); }
  expr u64v(std::uint64_t v) const { return ctx_.int_val(v); }
  expr u64max() const { return u64v(u64_max); }
  expr is_u64(const expr& a) const { return a >= u64v(0) && a <= u64max(); }
  expr hash(const std::string& name) const { return ctx_.bv_const(name.c_str(), hash_bits); }
  expr zero_hash() const { return ctx_.bv_val(0, hash_bits); }
  expr code(E e) const { return ctx_.bv_val(static_cast<unsigned>(e), 8); }
  expr type(FraudProofType t) const { return ctx_.bv_val(static_cast<unsigned>(t), 8); }
  expr kind(TxKind k) const { return ctx_.bv_val(static_cast<unsigned>(k), 8); }
  expr outcome(Outcome o) const { return ctx_.bv_val(static_cast<unsigned>(o), 8); }
  expr opcode(Op op) const { return ctx_.bv_val(static_cast<unsigned>(op), 8); }
  expr index8(std::size_t i) const { return ctx_.bv_val(static_cast<unsigned>(i), 8); }

  // checked_add's overflow test [CHK-ADD-1]; saturating_add.
  expr overflows(const expr& a, const expr& b) const { return a + b > u64max(); }
  expr saturating_add(const expr& a, const expr& b) const { return z3::ite(overflows(a, b), u64max(), a + b); }
  expr max(const expr& a, const expr& b) const { return z3::ite(a >= b, a, b); }

  expr bv(const std::string& name, unsigned width) const { return ctx_.bv_const(name.c_str(), width); }
  expr boolean(const std::string& name) const { return ctx_.bool_const(name.c_str()); }

  // The error of the first failing check, in the order given; `none` when all pass.
  expr first_failure(const std::vector<std::pair<expr, E>>& checks) const {
    expr result = code(E::none);
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) result = z3::ite(it->first, code(it->second), result);
    return result;
  }

  expr all(const std::vector<expr>& conditions) const {
    expr out = truth(true);
    for (const expr& c : conditions) out = out && c;
    return out;
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

 private:
  z3::context& ctx_;
};

// =============================================================================================
// Part 1: the L2 state, apply_tx and verify_fraud_proof.

struct Account {
  expr exists, balance, nonce, owner;
};

struct L2State {
  std::vector<Account> accounts;
  expr credited;  // deposits_credited
};

// A transaction: its kind's fields (each kind reads its own), whether it is malformed
// (OR-TX-1), and the free verdicts of its signature (OR-SEND-2) and of its deposit record (OR-DEP-4).
struct Tx {
  expr malformed, kind, from, to, amount, fee, nonce, deposit_index, creates, new_owner, signature_ok, deposit_matches;
};

struct Applied {
  expr error;
  L2State post;
  expr withdrawn, deposited;  // the amount leaving L2, the amount entering it
};

// The batch's L1 facts a fraud proof reads: L1View's length (deposits_recorded), submitted_at,
// deposit_inclusion_blocks, and each deposit's recorded_at.
struct BatchFacts {
  expr deposits_recorded, submitted_at, inclusion_blocks;
  z3::func_decl recorded_at;
};

// A fraud proof: whether it names the challenge's batch and type (OR-FP-1), its type, which
// evidence it carries (OR-FP-2), the RFC 6962 verdicts of its transaction and two roots
// (OR-FP-3..5), its witness, and for a timeout fault the deposit and the post-state opening.
struct Proof {
  expr matches_challenge, type, has_transaction_fault, has_timeout_fault;
  expr tx_included, pre_included, post_included;
  L2State witness;
  expr deposit_index;
  L2State post_state;
};

class L2Model : public Symbols {
 public:
  L2Model(z3::context& ctx, z3::solver& solver, std::size_t accounts = account_slots)
      : Symbols(ctx), solver_(solver), accounts_(accounts) {}

  L2State state(const std::string& p) const {
    L2State s{{}, u64(p + ".deposits_credited")};
    for (std::size_t a = 0; a < accounts_; ++a) {
      const std::string q = p + ".account" + std::to_string(a);
      s.accounts.push_back({boolean(q + ".exists"), u64(q + ".balance"), u64(q + ".nonce"), hash(q + ".owner")});
    }
    return s;
  }
  // Every field is a u64; an empty slot holds no account: its fields are zero, so equal states
  // have equal roots.
  expr well_formed(const L2State& s) const {
    expr ok = is_u64(s.credited);
    for (const Account& a : s.accounts)
      ok = ok && is_u64(a.balance) && is_u64(a.nonce) &&
           z3::implies(!a.exists, a.balance == u64v(0) && a.nonce == u64v(0) && a.owner == zero_hash());
    return ok;
  }

  Tx tx(const std::string& p) const {
    return {boolean(p + ".malformed"),
            bv(p + ".kind", 8),
            bv(p + ".from", 8),
            bv(p + ".to", 8),
            u64(p + ".amount"),
            u64(p + ".fee"),
            u64(p + ".nonce"),
            u64(p + ".deposit_index"),
            boolean(p + ".creates_account"),
            hash(p + ".new_owner"),
            boolean(p + ".signature_valid"),
            boolean(p + ".deposit_matches_record")};
  }
  // Account indices range over the model's slots; the kind byte names one of the three kinds (a
  // byte that names none does not decode: that is `malformed`).
  expr tx_domain(const Tx& t) const {
    return z3::ule(t.kind, kind(TxKind::withdrawal)) && z3::ult(t.from, index8(accounts_)) &&
           z3::ult(t.to, index8(accounts_)) && is_u64(t.amount) && is_u64(t.fee) && is_u64(t.nonce) &&
           is_u64(t.deposit_index);
  }

  // Roots: the state itself stands for its root (the identity is an injective root function),
  // so "r opens to s" is equality of the tuples. A committed root may be any tuple: one that is
  // not well formed is the root of no state, which no witness opens (a junk root).
  expr same(const L2State& a, const L2State& b) const {
    expr eq = a.credited == b.credited;
    for (std::size_t k = 0; k < a.accounts.size(); ++k)
      eq = eq && a.accounts[k].exists == b.accounts[k].exists && a.accounts[k].balance == b.accounts[k].balance &&
           a.accounts[k].nonce == b.accounts[k].nonce && a.accounts[k].owner == b.accounts[k].owner;
    return eq;
  }

  Account read(const L2State& s, const expr& index) const {
    Account out = s.accounts.back();
    for (std::size_t a = s.accounts.size() - 1; a-- > 0;) {
      const expr here = index == index8(a);
      const Account& x = s.accounts[a];
      out = {z3::ite(here, x.exists, out.exists), z3::ite(here, x.balance, out.balance),
             z3::ite(here, x.nonce, out.nonce), z3::ite(here, x.owner, out.owner)};
    }
    return out;
  }
  L2State write(const L2State& s, const expr& index, const Account& value) const {
    L2State out = s;
    for (std::size_t a = 0; a < s.accounts.size(); ++a) {
      const expr here = index == index8(a);
      const Account& x = s.accounts[a];
      out.accounts[a] = {z3::ite(here, value.exists, x.exists), z3::ite(here, value.balance, x.balance),
                         z3::ite(here, value.nonce, x.nonce), z3::ite(here, value.owner, x.owner)};
    }
    return out;
  }
  L2State choose(const expr& c, const L2State& a, const L2State& b) const {
    L2State out = b;
    out.credited = z3::ite(c, a.credited, b.credited);
    for (std::size_t k = 0; k < a.accounts.size(); ++k)
      out.accounts[k] = {z3::ite(c, a.accounts[k].exists, b.accounts[k].exists),
                         z3::ite(c, a.accounts[k].balance, b.accounts[k].balance),
                         z3::ite(c, a.accounts[k].nonce, b.accounts[k].nonce),
                         z3::ite(c, a.accounts[k].owner, b.accounts[k].owner)};
    return out;
  }

  // The stateful step, rule by rule in the reference's order [OR-TX-1, OR-SEND-*, OR-XFER-*,
  // OR-FEE-*, OR-DEP-*]; `deposits_recorded` is len(l1.deposit_ids).
  Applied apply(const L2State& s, const Tx& t, const expr& deposits_recorded) const {
    // debit_sender [OR-SEND-1..7]
    const Account sender = read(s, t.from);
    const expr total = t.amount + t.fee;
    const std::vector<std::pair<expr, E>> debit_checks{{!sender.exists, E::unknown_sender},
                                                       {!t.signature_ok, E::bad_signature},
                                                       {(t.nonce < sender.nonce), E::nonce_replayed},
                                                       {(t.nonce > sender.nonce), E::nonce_gap},
                                                       {sender.nonce == u64max(), E::nonce_exhausted},
                                                       {overflows(t.amount, t.fee), E::amount_overflow},
                                                       {sender.balance < total, E::insufficient_balance}};
    const L2State debited =
        write(s, t.from, {sender.exists, sender.balance - total, sender.nonce + u64v(1), sender.owner});
    // credit_fee on a state [OR-FEE-1, OR-FEE-2]
    auto fee_checks = [&](const L2State& before) {
      const Account fee_account = read(before, index8(0));
      return std::pair{
          std::vector<std::pair<expr, E>>{{!fee_account.exists, E::no_fee_account},
                                          {overflows(fee_account.balance, t.fee), E::fee_balance_overflow}},
          write(before, index8(0),
                {fee_account.exists, fee_account.balance + t.fee, fee_account.nonce, fee_account.owner})};
    };

    // apply_transfer [OR-XFER-1, OR-XFER-2], then credit_fee
    const Account recipient = read(debited, t.to);
    const L2State credited_to =
        write(debited, t.to, {recipient.exists, recipient.balance + t.amount, recipient.nonce, recipient.owner});
    std::vector<std::pair<expr, E>> transfer_checks = debit_checks;
    transfer_checks.emplace_back(!recipient.exists, E::unknown_recipient);
    transfer_checks.emplace_back(overflows(recipient.balance, t.amount), E::recipient_balance_overflow);
    const auto [transfer_fee_checks, transferred] = fee_checks(credited_to);
    transfer_checks.insert(transfer_checks.end(), transfer_fee_checks.begin(), transfer_fee_checks.end());

    // apply_withdrawal: debit_sender, then credit_fee
    std::vector<std::pair<expr, E>> withdrawal_checks = debit_checks;
    const auto [withdrawal_fee_checks, withdrawn] = fee_checks(debited);
    withdrawal_checks.insert(withdrawal_checks.end(), withdrawal_fee_checks.begin(), withdrawal_fee_checks.end());

    // apply_deposit [OR-DEP-1..7]
    const Account target = read(s, t.to);
    const std::vector<std::pair<expr, E>> deposit_checks{
        {(t.deposit_index < s.credited), E::deposit_already_credited},
        {(t.deposit_index > s.credited), E::deposit_out_of_order},
        {(t.deposit_index >= deposits_recorded), E::deposit_not_recorded},
        {!t.deposit_matches, E::deposit_mismatch},
        {t.creates && target.exists, E::account_exists},
        {!t.creates && !target.exists, E::unknown_account},
        {!t.creates && overflows(target.balance, t.amount), E::deposit_balance_overflow}};
    const Account deposited_account{truth(true), z3::ite(t.creates, t.amount, target.balance + t.amount),
                                    z3::ite(t.creates, u64v(0), target.nonce),
                                    z3::ite(t.creates, t.new_owner, target.owner)};
    L2State deposited = write(s, t.to, deposited_account);
    deposited.credited = t.deposit_index + u64v(1);

    const expr is_transfer = t.kind == kind(TxKind::transfer), is_deposit = t.kind == kind(TxKind::deposit);
    const expr error =
        z3::ite(t.malformed, code(E::tx_malformed),
                z3::ite(is_transfer, first_failure(transfer_checks),
                        z3::ite(is_deposit, first_failure(deposit_checks), first_failure(withdrawal_checks))));
    const L2State post = choose(is_transfer, transferred, choose(is_deposit, deposited, withdrawn));
    const expr is_withdrawal = !t.malformed && t.kind == kind(TxKind::withdrawal);
    return {error, choose(error == code(E::none), post, s), z3::ite(is_withdrawal, t.amount, u64v(0)),
            z3::ite(!t.malformed && is_deposit, t.amount, u64v(0))};
  }

  // fault_type [optimistic_rollup.md#fraudprooftype]; meaningful for a transaction error.
  expr fault_type(const expr& error) const {
    return z3::ite(error == code(E::bad_signature), type(FraudProofType::invalid_signature),
                   z3::ite(error == code(E::nonce_replayed) || error == code(E::insufficient_balance) ||
                               error == code(E::deposit_already_credited),
                           type(FraudProofType::double_spend), type(FraudProofType::invalid_transition)));
  }

  // verify_fraud_proof for the challenge's batch, whose committed transaction at the proof's
  // index is `committed`, between committed roots `pre_root` and `post_root`; `batch_post_root`
  // is the batch's post_state_root [OR-FP-1..11].
  expr verify(const Proof& p, const Tx& committed, const L2State& pre_root, const L2State& post_root,
              const L2State& batch_post_root, const BatchFacts& facts) const {
    const expr is_timeout = p.type == type(FraudProofType::timeout_violation);
    // apply_tx on the proof's witness: check_shape first, then the witness rules.
    const Applied run = apply(p.witness, committed, facts.deposits_recorded);
    const expr witness_opens = same(p.witness, pre_root);  // [OR-WIT-1..4], by injectivity
    const expr result = z3::ite(committed.malformed, code(E::tx_malformed),
                                z3::ite(witness_opens, run.error, code(E::witness_state_mismatch)));
    const expr post_ok = result == code(E::none);
    const expr expected_type = z3::ite(post_ok, type(FraudProofType::invalid_transition), fault_type(result));
    const expr transaction_error = first_failure({{!p.tx_included, E::fraud_tx_not_included},
                                                  {!p.pre_included, E::fraud_pre_root_not_included},
                                                  {!p.post_included, E::fraud_post_root_not_included},
                                                  {result == code(E::witness_state_mismatch), E::fraud_bad_witness},
                                                  {post_ok && same(run.post, post_root), E::fraud_no_fault},
                                                  {p.type != expected_type, E::fraud_type_mismatch}});
    const expr recorded_at = facts.recorded_at(p.deposit_index);
    const expr overdue = (p.deposit_index < facts.deposits_recorded) &&
                         !overflows(recorded_at, facts.inclusion_blocks) &&
                         (recorded_at + facts.inclusion_blocks <= facts.submitted_at);
    const expr timeout_error = first_failure({{!same(p.post_state, batch_post_root), E::fraud_bad_state_opening},
                                              {!overdue, E::fraud_deposit_not_overdue},
                                              {(p.post_state.credited > p.deposit_index), E::fraud_deposit_credited}});
    const expr shape_wrong = p.has_timeout_fault != is_timeout || p.has_transaction_fault != !is_timeout;
    return z3::ite(
        !p.matches_challenge, code(E::fraud_batch_mismatch),
        z3::ite(shape_wrong, code(E::fraud_evidence_shape), z3::ite(is_timeout, timeout_error, transaction_error)));
  }

  Proof proof(const std::string& p) const {
    return {boolean(p + ".matches_challenge"),
            bv(p + ".proof_type", 8),
            boolean(p + ".has_transaction_fault"),
            boolean(p + ".has_timeout_fault"),
            boolean(p + ".transaction_included"),
            boolean(p + ".pre_root_included"),
            boolean(p + ".post_root_included"),
            state(p + ".witness"),
            u64(p + ".deposit_index"),
            state(p + ".post_state")};
  }
  // The proof an honest challenger builds: for the challenge's batch and type, the evidence its
  // type needs, the committed transaction and roots with their inclusion proofs, and the
  // witness of the state it knows.
  Proof honest_proof(const expr& proof_type, const L2State& witness, const expr& deposit_index,
                     const L2State& post_state) const {
    const expr timeout = proof_type == type(FraudProofType::timeout_violation);
    return {truth(true), proof_type,  !timeout, timeout,       truth(true),
            truth(true), truth(true), witness,  deposit_index, post_state};
  }

  BatchFacts facts(const std::string& p) {
    BatchFacts f{u64(p + ".deposits_recorded"), u64(p + ".submitted_at"), u64(p + ".deposit_inclusion_blocks"),
                 ctx().function((p + ".recorded_at").c_str(), ctx().int_sort(), ctx().int_sort())};
    solver_.add(is_u64(f.deposits_recorded) && is_u64(f.submitted_at) && is_u64(f.inclusion_blocks));
    return f;
  }

  // Σ balances of the existing accounts, exactly.
  expr total_balance(const L2State& s) const {
    expr sum = u64v(0);
    for (const Account& a : s.accounts) sum = sum + z3::ite(a.exists, a.balance, u64v(0));
    return sum;
  }

  z3::solver& solver() { return solver_; }

 private:
  z3::solver& solver_;
  std::size_t accounts_;
};

// ---- Part 1 obligations: each asserts its hypotheses, then the negated claim when `claim`.

// Soundness, transaction faults: step i of the batch is valid (its transaction is valid at the
// state u with root r_i and leads to r_{i+1}); then every proof naming step i is rejected.
void soundness_transaction_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("committed_pre_state");
  const Tx t = m.tx("committed_tx");
  solver.add(m.well_formed(u) && m.tx_domain(t));
  const Applied step = m.apply(u, t, facts.deposits_recorded);
  const L2State post_root = m.state("committed_post_root");
  solver.add(!t.malformed && step.error == m.code(E::none) && m.same(post_root, step.post));
  const Proof p = m.proof("proof");
  solver.add(m.well_formed(p.witness) && m.well_formed(p.post_state));
  solver.add(z3::ule(p.type, m.type(FraudProofType::timeout_violation)) &&
             p.type != m.type(FraudProofType::timeout_violation));
  const expr verdict = m.verify(p, t, u, post_root, m.state("batch_post_root"), facts);
  if (claim) solver.add(verdict == m.code(E::none));
}

// Soundness, timeout faults: the batch's post-state u_n (root r_n) credits the deposit the proof
// names if it was overdue; then the proof is rejected.
void soundness_timeout_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State post = m.state("batch_post_state");
  solver.add(m.well_formed(post));

  const Proof p = m.proof("proof");
  solver.add(m.well_formed(p.witness) && m.well_formed(p.post_state));
  solver.add(p.type == m.type(FraudProofType::timeout_violation));
  const expr recorded_at = facts.recorded_at(p.deposit_index);
  const expr overdue = (p.deposit_index < facts.deposits_recorded) &&
                       !m.overflows(recorded_at, facts.inclusion_blocks) &&
                       (recorded_at + facts.inclusion_blocks <= facts.submitted_at);
  solver.add(z3::implies(overdue, (post.credited > p.deposit_index)));  // the batch is valid at that deposit
  const expr verdict =
      m.verify(p, m.tx("committed_tx"), m.state("committed_pre_root"), m.state("committed_post_root"), post, facts);
  if (claim) solver.add(verdict == m.code(E::none));
}

// Completeness of one step, for batches of any size: at the first index i where a batch goes
// wrong, the correct prefix has committed the true state u as state_roots[i] (u is well formed:
// valid transactions keep states well formed, conservation/l2_transaction). If transaction i is
// invalid at u, or valid with a result other than state_roots[i + 1], the honest proof at i
// (witness u) confirms with some type.
void completeness_transaction_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("true_state");
  const Tx t = m.tx("committed_tx");
  const L2State next_root = m.state("committed_post_root");  // any root, junk included
  solver.add(m.well_formed(u) && m.tx_domain(t));
  const Applied step = m.apply(u, t, facts.deposits_recorded);
  solver.add(!(!t.malformed && step.error == m.code(E::none) && m.same(step.post, next_root)));
  if (!claim) return;
  for (FraudProofType type :
       {FraudProofType::invalid_transition, FraudProofType::invalid_signature, FraudProofType::double_spend}) {
    const Proof p = m.honest_proof(m.type(type), u, m.u64v(0), u);
    solver.add(m.verify(p, t, u, next_root, m.state("batch_post_root"), facts) != m.code(E::none));
  }
}

// Completeness of the timeout fault: a batch whose transactions are all correct has committed its
// true post-state u as post_state_root; if a deposit overdue at submission is uncredited in u, the
// honest timeout proof (opening u) confirms.
void completeness_timeout_negation(z3::context& ctx, z3::solver& solver, bool claim) {
  L2Model m(ctx, solver);
  const BatchFacts facts = m.facts("batch");
  const L2State u = m.state("true_post_state");
  solver.add(m.well_formed(u));
  const expr deposit = m.u64("overdue_deposit");
  const expr recorded_at = facts.recorded_at(deposit);
  solver.add(deposit >= m.u64v(0) && deposit < facts.deposits_recorded &&
             !m.overflows(recorded_at, facts.inclusion_blocks) &&
             recorded_at + facts.inclusion_blocks <= facts.submitted_at && u.credited <= deposit);
  if (!claim) return;
  const Proof timeout = m.honest_proof(m.type(FraudProofType::timeout_violation), u, deposit, u);
  solver.add(m.verify(timeout, m.tx("committed_tx"), m.state("committed_pre_root"), m.state("committed_post_root"), u,
                      facts) != m.code(E::none));
}

// Completeness end to end, by bounded model checking over a batch of n transactions and
// `accounts` account slots from an arbitrary real state s_0: if the batch is invalid, the honest
// proof confirms for some index and type, or the honest timeout proof does.
void completeness_negation(z3::context& ctx, z3::solver& solver, std::size_t n, std::size_t accounts, bool claim) {
  L2Model m(ctx, solver, accounts);
  const BatchFacts facts = m.facts("batch");
  std::vector<Tx> txs;
  const L2State start = m.state("start_state");
  solver.add(m.well_formed(start));
  std::vector<L2State> roots{start};  // state_roots[0] = prev_state_root, the root of a real state
  for (std::size_t i = 0; i < n; ++i) {
    txs.push_back(m.tx("tx" + std::to_string(i)));
    solver.add(m.tx_domain(txs.back()));
    roots.push_back(m.state("state_roots" + std::to_string(i + 1)));  // any root, junk included
  }
  std::vector<L2State> states{start};  // the true state before each transaction
  expr invalid = m.truth(false);
  for (std::size_t i = 0; i < n; ++i) {
    const Applied step = m.apply(states[i], txs[i], facts.deposits_recorded);
    invalid = invalid || !(m.same(states[i], roots[i]) && !txs[i].malformed && step.error == m.code(E::none) &&
                           m.same(step.post, roots[i + 1]));
    states.push_back(step.post);  // apply leaves the state as it was on an error
  }
  const expr overdue_deposit = m.u64("overdue_deposit");
  const expr recorded_at = facts.recorded_at(overdue_deposit);
  invalid =
      invalid || (overdue_deposit >= m.u64v(0) && overdue_deposit < facts.deposits_recorded &&
                  !m.overflows(recorded_at, facts.inclusion_blocks) &&
                  recorded_at + facts.inclusion_blocks <= facts.submitted_at && states[n].credited <= overdue_deposit);
  solver.add(invalid);
  if (!claim) return;
  for (std::size_t i = 0; i < n; ++i)
    for (FraudProofType type :
         {FraudProofType::invalid_transition, FraudProofType::invalid_signature, FraudProofType::double_spend}) {
      const Proof p = m.honest_proof(m.type(type), states[i], m.u64v(0), states[i]);
      solver.add(m.verify(p, txs[i], roots[i], roots[i + 1], roots[n], facts) != m.code(E::none));
    }
  const Proof timeout =
      m.honest_proof(m.type(FraudProofType::timeout_violation), states[n], overdue_deposit, states[n]);
  solver.add(m.verify(timeout, txs[0], roots[0], roots[1], roots[n], facts) != m.code(E::none));
}

// One valid transaction on any well-formed state.
struct ValidTx {
  L2State pre;
  Tx tx;
  Applied step;
};
ValidTx valid_transaction(L2Model& m, const expr& deposits_recorded) {
  const L2State pre = m.state("pre");
  const Tx tx = m.tx("tx");
  ValidTx v{pre, tx, m.apply(pre, tx, deposits_recorded)};
  m.solver().add(m.well_formed(v.pre) && m.tx_domain(v.tx));
  m.solver().add(v.step.error == m.code(E::none));
  return v;
}

// =============================================================================================
// Part 2: the L1 rollup contract.

struct Config {
  expr minimum_stake, stake_lock_period, penalty_percentage, max_batch_size, challenge_period_blocks,
      resolution_period_blocks, min_challenge_bond, operator_key, genesis_root;
};

struct BatchRecord {
  expr number, prev, post, id, count, submitted_at, deadline, deposits_recorded, final, open_challenges;
  expr finalized_at, valid;  // ghosts
};

struct Challenge {
  expr open, id, batch_id, challenger, proof_type, evidence, deadline, bond, opened_at;
};

// A set of (batch_number, transaction_index) keys as its membership predicate: the model only
// ever asks about finitely many keys, so an uninterpreted predicate plus the keys added since
// stands for the set without the theory of arrays.
struct Key {
  expr batch_number, transaction_index;
};
using KeySet = std::function<expr(const Key& key)>;

struct Contract {
  expr stake, staked, unlock, escrow, deposit_count, next_account_index, last_root, batch_count;
  std::vector<BatchRecord> batches;
  std::vector<Challenge> challenges;
  KeySet paid;
  expr rewards, treasury;
  expr holdings;  // ghost: the contract's L1 balance
};

// A call: the op, the environment, and the fields of every entry point's input, of which each op
// reads its own, with the abstracted checks as free verdicts.
struct Call {
  expr op, height, caller, value;
  expr top_up_to;
  expr number, prev, post, count, header_rest, tx_len, state_roots_len, header_ok, tx_root_ok, endpoints_ok,
      state_roots_ok, signature_ok, valid;
  expr batch_id, proof_type, evidence;
  expr challenge_id, proof, fp_error;
  expr pay_batch, pay_index, included, is_withdrawal, amount;
  expr slashed;  // floor(stake * penalty_percentage / 100), pinned by the step's domain
};

struct Step {
  expr error, outcome, payout;
  expr domain;  // the input domain: the environment assumptions and the model's bounds
  Contract post;
  expr slashed, half;  // resolve_challenge's slash and the half paid to the challenger
};

// The invariants as bits, for the set each consecution obligation assumes before the step.
// Together they are inductive; each obligation assumes only the ones its claim depends on, which
// is a stronger claim than assuming all of them and keeps every query small.
constexpr unsigned chain_part = 1, finality_part = 2, conservation_part = 4, paid_part = 8, challenges_part = 16;

class L1Model : public Symbols {
 public:
  L1Model(z3::context& ctx, Weakening weakening)
      : Symbols(ctx),
        weakening_(weakening),
        batch_id_fn_(batch_id_function(ctx)),
        batch_id_number_(ctx.function("batch_id_inverse.batch_number", ctx.bv_sort(hash_bits), ctx.int_sort())),
        challenge_id_fn_(hash_function(ctx, "challenge_id")),
        challenge_id_challenger_(hash_function(ctx, "challenge_id_inverse.challenger", 1)),
        challenge_id_evidence_(hash_function(ctx, "challenge_id_inverse.evidence", 1)),
        commitment_fn_(hash_function(ctx, "evidence_commitment")),
        commitment_challenger_(hash_function(ctx, "evidence_commitment_inverse.challenger", 1)),
        commitment_proof_(hash_function(ctx, "evidence_commitment_inverse.proof", 1)) {}

  Weakening weakening() const { return weakening_; }

  // batch_id(header): an uninterpreted function of the header's fields.
  expr header_id(const Call& in) const {
    z3::expr_vector header(ctx());
    for (const expr& e : {in.number, in.prev, in.post, in.count, in.header_rest}) header.push_back(e);
    return batch_id_fn_(header);
  }

  // challenge_id = H_"L2/optimistic_rollup/challenge"(enc(challenger, evidence)) [OR-CHAL-5], an
  // uninterpreted function; `challenge_id_binds` is its collision resistance at one id (ground
  // instances of the inverse functions). Under challenge_id_is_evidence the id is the evidence.
  expr challenge_id(const expr& challenger, const expr& evidence) const {
    return weakening_ == Weakening::challenge_id_is_evidence ? evidence : challenge_id_fn_(challenger, evidence);
  }
  expr challenge_id_binds(const expr& id, const expr& challenger, const expr& evidence) const {
    if (weakening_ == Weakening::challenge_id_is_evidence) return id == evidence;
    return challenge_id_challenger_(id) == challenger && challenge_id_evidence_(id) == evidence;
  }
  // evidence = H_"L2/optimistic_rollup/evidence"(enc(challenger, proof)) [OR-RES-4]; the proof is
  // a hash standing for its encoding. `commitment_binds`: collision resistance at one commitment.
  expr commitment(const expr& challenger, const expr& proof) const { return commitment_fn_(challenger, proof); }
  expr commitment_binds(const expr& challenger, const expr& proof) const {
    const expr e = commitment(challenger, proof);
    return commitment_challenger_(e) == challenger && commitment_proof_(e) == proof;
  }

  Config config(const std::string& p) const {
    return {u64(p + ".minimum_stake"),
            u64(p + ".stake_lock_period"),
            bv(p + ".penalty_percentage", 8),
            u64(p + ".max_batch_size"),
            u64(p + ".challenge_period_blocks"),
            u64(p + ".resolution_period_blocks"),
            u64(p + ".min_challenge_bond"),
            hash(p + ".operator"),
            hash(p + ".genesis_root")};
  }
  expr config_domain(const Config& c) const {
    return is_u64(c.minimum_stake) && is_u64(c.min_challenge_bond) && is_u64(c.stake_lock_period) &&
           is_u64(c.max_batch_size) && is_u64(c.challenge_period_blocks) && is_u64(c.resolution_period_blocks) &&
           deploy_error(c) == code(E::none);
  }
  // deploy's check of the configuration [OR-DEPLOY-1]; every obligation assumes a deployed one.
  expr deploy_error(const Config& c) const {
    return first_failure({{z3::ugt(c.penalty_percentage, ctx().bv_val(100, 8)), E::config_invalid},
                          {c.max_batch_size == u64v(0), E::config_invalid},
                          {c.challenge_period_blocks == u64v(0), E::config_invalid},
                          {c.resolution_period_blocks < u64v(2), E::config_invalid}});
  }

  Contract contract(const std::string& p) const {
    Contract s{u64(p + ".stake"),
               boolean(p + ".staked"),
               u64(p + ".stake_unlock_height"),
               u64(p + ".escrow"),
               u64(p + ".deposit_count"),
               u64(p + ".next_account_index"),
               hash(p + ".last_state_root"),
               u64(p + ".batch_count"),
               {},
               {},
               [paid = ctx().function((p + ".paid").c_str(), ctx().int_sort(), ctx().int_sort(), ctx().bool_sort())](
                   const Key& key) { return paid(key.batch_number, key.transaction_index); },
               u64(p + ".rewards.challenge_bonds"),
               u64(p + ".treasury"),
               u64(p + ".holdings")};
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const std::string q = p + ".batch" + std::to_string(k);
      s.batches.push_back({u64(q + ".batch_number"), hash(q + ".prev_state_root"), hash(q + ".post_state_root"),
                           hash(q + ".batch_id"), u64(q + ".transaction_count"), u64(q + ".submitted_at"),
                           u64(q + ".challenge_deadline"), u64(q + ".deposits_recorded"), boolean(q + ".final"),
                           u64(q + ".open_challenges"), u64(q + ".finalized_at"), boolean(q + ".valid")});
    }
    for (std::size_t y = 0; y < challenge_slots; ++y) {
      const std::string q = p + ".challenge" + std::to_string(y);
      s.challenges.push_back({boolean(q + ".open"), hash(q + ".challenge_id"), hash(q + ".challenged_object"),
                              hash(q + ".challenger"), bv(q + ".proof_type", 8), hash(q + ".evidence"),
                              u64(q + ".deadline"), u64(q + ".bond_amount"), u64(q + ".opened_at")});
    }
    return s;
  }

  Call call(const std::string& p) const {
    return {bv(p + ".op", 8),
            u64(p + ".height"),
            hash(p + ".caller"),
            u64(p + ".value"),
            u64(p + ".top_up.to"),
            u64(p + ".header.batch_number"),
            hash(p + ".header.prev_state_root"),
            hash(p + ".header.post_state_root"),
            u64(p + ".header.transaction_count"),
            hash(p + ".header.other_fields"),
            u64(p + ".transactions.length"),
            u64(p + ".state_roots.length"),
            boolean(p + ".header_names_this_rollup"),
            boolean(p + ".transactions_root_matches"),
            boolean(p + ".state_root_endpoints_match"),
            boolean(p + ".state_roots_root_matches"),
            boolean(p + ".operator_signature_valid"),
            boolean(p + ".batch_data_valid"),
            hash(p + ".open.batch_id"),
            bv(p + ".open.proof_type", 8),
            hash(p + ".open.evidence"),
            hash(p + ".challenge_id"),
            hash(p + ".resolve.proof"),
            bv(p + ".verify_fraud_proof", 8),
            u64(p + ".pay.batch_number"),
            u64(p + ".pay.transaction_index"),
            boolean(p + ".pay.included"),
            boolean(p + ".pay.is_withdrawal"),
            u64(p + ".pay.amount"),
            u64(p + ".slashed")};
  }

  // The contract at deployment: nothing staked, escrowed or recorded; account 0 exists on L2, so
  // the next account index is 1.
  expr initial(const Contract& s, const Config& cfg) const {
    const expr none = u64v(0);
    expr init = s.stake == none && !s.staked && s.unlock == u64v(0) && s.escrow == none && s.deposit_count == u64v(0) &&
                s.next_account_index == u64v(1) && s.last_root == cfg.genesis_root && s.batch_count == u64v(0) &&
                s.rewards == none && s.treasury == none && s.holdings == none;
    for (const BatchRecord& b : s.batches) init = init && !b.final;
    for (const Challenge& c : s.challenges) init = init && !c.open;
    return init;
  }

  expr recorded(const Contract& s, std::size_t k) const { return (u64v(k) < s.batch_count); }
  expr pending(const Contract& s, std::size_t k) const { return recorded(s, k) && !s.batches[k].final; }
  Key key(const std::string& name) const { return {u64(name + ".batch_number"), u64(name + ".transaction_index")}; }

  Contract select(const expr& c, const Contract& a, const Contract& b) const {
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    Contract out = b;
    out.stake = m(a.stake, b.stake);
    out.staked = m(a.staked, b.staked);
    out.unlock = m(a.unlock, b.unlock);
    out.escrow = m(a.escrow, b.escrow);
    out.deposit_count = m(a.deposit_count, b.deposit_count);
    out.next_account_index = m(a.next_account_index, b.next_account_index);
    out.last_root = m(a.last_root, b.last_root);
    out.batch_count = m(a.batch_count, b.batch_count);
    for (std::size_t k = 0; k < batch_slots; ++k) out.batches[k] = select_batch(c, a.batches[k], b.batches[k]);
    for (std::size_t y = 0; y < challenge_slots; ++y)
      out.challenges[y] = select_challenge(c, a.challenges[y], b.challenges[y]);
    out.paid = [c, in_a = a.paid, in_b = b.paid](const Key& key) { return z3::ite(c, in_a(key), in_b(key)); };
    out.rewards = m(a.rewards, b.rewards);
    out.treasury = m(a.treasury, b.treasury);
    out.holdings = m(a.holdings, b.holdings);
    return out;
  }
  BatchRecord select_batch(const expr& c, const BatchRecord& a, const BatchRecord& b) const {
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    return {m(a.number, b.number),
            m(a.prev, b.prev),
            m(a.post, b.post),
            m(a.id, b.id),
            m(a.count, b.count),
            m(a.submitted_at, b.submitted_at),
            m(a.deadline, b.deadline),
            m(a.deposits_recorded, b.deposits_recorded),
            m(a.final, b.final),
            m(a.open_challenges, b.open_challenges),
            m(a.finalized_at, b.finalized_at),
            m(a.valid, b.valid)};
  }
  Challenge select_challenge(const expr& c, const Challenge& a, const Challenge& b) const {
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    return {m(a.open, b.open),
            m(a.id, b.id),
            m(a.batch_id, b.batch_id),
            m(a.challenger, b.challenger),
            m(a.proof_type, b.proof_type),
            m(a.evidence, b.evidence),
            m(a.deadline, b.deadline),
            m(a.bond, b.bond),
            m(a.opened_at, b.opened_at)};
  }
  // A batch record as kept once final: everything but `final` and the challenge count.
  expr same_record(const BatchRecord& a, const BatchRecord& b) const {
    return a.number == b.number && a.prev == b.prev && a.post == b.post && a.id == b.id && a.count == b.count &&
           a.submitted_at == b.submitted_at && a.deadline == b.deadline && a.deposits_recorded == b.deposits_recorded &&
           a.finalized_at == b.finalized_at;
  }

  // The open challenge with `id`, one-hot over the slots.
  std::vector<expr> challenge_with(const Contract& s, const expr& id) const {
    std::vector<expr> conditions;
    for (const Challenge& c : s.challenges) conditions.push_back(c.open && c.id == id);
    return first_of(conditions);
  }
  // The recorded batch with `id`, one-hot over the slots.
  std::vector<expr> batch_with(const Contract& s, const expr& id, bool pending_only) const {
    std::vector<expr> conditions;
    for (std::size_t k = 0; k < batch_slots; ++k)
      conditions.push_back((pending_only ? pending(s, k) : recorded(s, k)) && s.batches[k].id == id);
    return first_of(conditions);
  }
  Challenge pick_challenge(const std::vector<expr>& onehot, const Contract& s) const {
    Challenge out = s.challenges.back();
    for (std::size_t y = challenge_slots - 1; y-- > 0;) out = select_challenge(onehot[y], s.challenges[y], out);
    return out;
  }
  BatchRecord pick_batch(const std::vector<expr>& onehot, const Contract& s) const {
    BatchRecord out = s.batches.back();
    for (std::size_t k = batch_slots - 1; k-- > 0;) out = select_batch(onehot[k], s.batches[k], out);
    return out;
  }

  // The transition relation of one op (its checks in the spec's order and its effect), or of any
  // op (`op` absent: the call's op code selects).
  Step step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) {
    if (only) {
      Step out = step_of(cfg, pre, in, *only);
      out.domain = out.domain && in.op == opcode(*only);
      return out;
    }
    std::vector<Step> each;
    for (std::size_t i = 0; i < op_count; ++i) each.push_back(step_of(cfg, pre, in, static_cast<Op>(i)));
    Step out = each.back();
    out.domain = z3::implies(in.op == opcode(static_cast<Op>(op_count - 1)), out.domain);
    for (std::size_t i = op_count - 1; i-- > 0;) {
      const expr is_op = in.op == opcode(static_cast<Op>(i));
      out.error = z3::ite(is_op, each[i].error, out.error);
      out.outcome = z3::ite(is_op, each[i].outcome, out.outcome);
      out.payout = z3::ite(is_op, each[i].payout, out.payout);
      out.post = select(is_op, each[i].post, out.post);
      out.domain = out.domain && z3::implies(is_op, each[i].domain);
    }
    out.domain = out.domain && z3::ult(in.op, opcode(static_cast<Op>(op_count)));
    return out;
  }

  // ---- The invariants.

  // batches_chain: numbers are positions, batch ids bind them, each batch starts where the one
  // before ended (the first at genesis), and last_state_root is the last batch's post-root.
  expr batches_chain(const Contract& s, const Config& cfg) const {
    expr ok =
        (s.batch_count <= u64v(batch_slots)) && z3::implies(s.batch_count == u64v(0), s.last_root == cfg.genesis_root);
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const BatchRecord& b = s.batches[k];
      const expr prev = k == 0 ? cfg.genesis_root : s.batches[k - 1].post;
      ok =
          ok && z3::implies(recorded(s, k), b.number == u64v(k) && batch_id_number_(b.id) == u64v(k) && b.prev == prev);
      ok = ok && z3::implies(s.batch_count == u64v(k + 1), s.last_root == b.post);
    }
    return ok;
  }

  // finality_requires_challenge_period (the state part): a final batch is recorded, was
  // finalized at or after its challenge deadline, has no open challenge, and every earlier batch is
  // final; each recorded batch's deadline is min(submitted_at + challenge_period_blocks, UINT64_MAX).
  expr finality(const Contract& s, const Config& cfg) const {
    expr ok = truth(true);
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const BatchRecord& b = s.batches[k];
      ok =
          ok && z3::implies(b.final, recorded(s, k) && (b.finalized_at >= b.deadline) && b.open_challenges == u64v(0) &&
                                         (k == 0 ? truth(true) : s.batches[k - 1].final));
      ok = ok && z3::implies(recorded(s, k), b.deadline == saturating_add(b.submitted_at, cfg.challenge_period_blocks));
    }
    return ok;
  }

  // The exact sum the contract must hold: escrow + stake + Σ open bonds + rewards + treasury.
  expr obligations_total(const Contract& s) const {
    expr sum = s.escrow + s.stake + s.rewards + s.treasury;
    for (const Challenge& c : s.challenges) sum = sum + z3::ite(c.open, c.bond, u64v(0));
    return sum;
  }
  // Every amount the contract keeps is a u64. Assumed before every step; conservation claims it
  // after, which shows that the unchecked operations (rewards and treasury credits, the slash, the
  // challenger's payout) never leave the range.
  expr typing(const Contract& s) const {
    expr ok = is_u64(s.stake) && is_u64(s.escrow) && is_u64(s.rewards) && is_u64(s.treasury) && is_u64(s.holdings) &&
              is_u64(s.unlock) && s.deposit_count >= u64v(0) && is_u64(s.next_account_index) &&
              s.batch_count >= u64v(0);
    for (std::size_t k = 0; k < batch_slots; ++k) {
      const BatchRecord& b = s.batches[k];
      ok = ok && z3::implies(recorded(s, k), is_u64(b.count) && is_u64(b.submitted_at) && is_u64(b.deadline) &&
                                                 b.deposits_recorded >= u64v(0) && is_u64(b.finalized_at));
    }
    for (const Challenge& c : s.challenges)
      ok = ok && z3::implies(c.open, is_u64(c.bond) && is_u64(c.deadline) && is_u64(c.opened_at));
    return ok;
  }
  // conservation (L1): the holdings are exactly what the contract owes, and fit in a u64.
  expr conservation(const Contract& s) const { return s.holdings == obligations_total(s) && typing(s); }

  // no_withdrawal_from_non_final_batch (the state part, at one key): a paid (batch, index) names a
  // final batch and an index inside it.
  expr paid_only_final(const Contract& s, const Key& key) const {
    const expr &batch_number = key.batch_number, &index = key.transaction_index;
    expr names_final = truth(false);
    for (std::size_t k = 0; k < batch_slots; ++k)
      names_final = names_final ||
                    (batch_number == u64v(k) && recorded(s, k) && s.batches[k].final && (index < s.batches[k].count));
    return z3::implies(s.paid(key), names_final);
  }

  // challenges_well_formed: an open challenge names a pending batch, was opened before that
  // batch's challenge deadline and has deadline min(opened_at + resolution_period_blocks,
  // UINT64_MAX); open challenge ids are distinct; each batch counts exactly its open challenges.
  expr challenges_well_formed(const Contract& s, const Config& cfg) const {
    expr ok = truth(true);
    for (std::size_t y = 0; y < challenge_slots; ++y) {
      const Challenge& c = s.challenges[y];
      expr names_pending = truth(false);
      for (std::size_t k = 0; k < batch_slots; ++k)
        names_pending =
            names_pending || (pending(s, k) && s.batches[k].id == c.batch_id && (c.opened_at < s.batches[k].deadline));
      ok = ok && z3::implies(c.open, names_pending &&
                                         c.deadline == saturating_add(c.opened_at, cfg.resolution_period_blocks) &&
                                         c.id == challenge_id(c.challenger, c.evidence) &&
                                         challenge_id_binds(c.id, c.challenger, c.evidence));
      for (std::size_t z = y + 1; z < challenge_slots; ++z)
        ok = ok && z3::implies(c.open && s.challenges[z].open, c.id != s.challenges[z].id);
    }
    for (std::size_t k = 0; k < batch_slots; ++k) {
      expr count = u64v(0);
      for (const Challenge& c : s.challenges)
        count = count + z3::ite(c.open && c.batch_id == s.batches[k].id, u64v(1), u64v(0));
      ok = ok && z3::implies(recorded(s, k), s.batches[k].open_challenges == count);
    }
    return ok;
  }

  // The conjunction of the invariants in `parts` (Part bits).
  expr invariant(const Contract& s, const Config& cfg, const Key& key, unsigned parts) const {
    expr ok = typing(s);
    if (parts & chain_part) ok = ok && batches_chain(s, cfg);
    if (parts & finality_part) ok = ok && finality(s, cfg);
    if (parts & conservation_part) ok = ok && conservation(s);
    if (parts & paid_part) ok = ok && paid_only_final(s, key);
    if (parts & challenges_part) ok = ok && challenges_well_formed(s, cfg);
    return ok;
  }

 private:
  static z3::func_decl batch_id_function(z3::context& ctx) {
    z3::sort_vector domain(ctx);
    for (const z3::sort& s :
         {ctx.int_sort(), ctx.bv_sort(hash_bits), ctx.bv_sort(hash_bits), ctx.int_sort(), ctx.bv_sort(hash_bits)})
      domain.push_back(s);
    return ctx.function("batch_id", domain, ctx.bv_sort(hash_bits));
  }
  static z3::func_decl hash_function(z3::context& ctx, const char* name, unsigned arity = 2) {
    z3::sort_vector domain(ctx);
    for (unsigned k = 0; k < arity; ++k) domain.push_back(ctx.bv_sort(hash_bits));
    return ctx.function(name, domain, ctx.bv_sort(hash_bits));
  }

  Step step_of(const Config& cfg, const Contract& pre, const Call& in, Op op) {
    const expr zero = u64v(0), one = u64v(1), nothing = u64v(0), single = u64v(1);
    Contract post = pre;
    expr error = code(E::none);
    expr payout = nothing;
    expr outcome = this->outcome(Outcome::none);
    expr domain = truth(true);
    expr slashed = nothing, half = nothing;
    const expr not_operator = in.caller != cfg.operator_key;  // [OR-STAKE-1]

    switch (op) {
      case Op::stake:
        error = first_failure({{not_operator, E::not_operator},
                               {!pre.staked && in.value < cfg.minimum_stake, E::stake_below_minimum},  // [OR-STAKE-2]
                               {overflows(obligations_total(pre), in.value), E::stake_overflow}});  // [OR-STAKE-3]
        post.stake = pre.stake + in.value;
        post.staked = truth(true);
        post.unlock = max(pre.unlock, saturating_add(in.height, cfg.stake_lock_period));
        break;
      case Op::unstake: {
        std::vector<expr> pendings;
        for (std::size_t k = 0; k < batch_slots; ++k) pendings.push_back(pending(pre, k));
        error = first_failure({{not_operator, E::not_operator},
                               {(in.height < pre.unlock), E::stake_locked},  // [OR-UNSTAKE-1]
                               {any(pendings), E::batches_pending}});  // [OR-UNSTAKE-2]
        post.stake = nothing;
        post.staked = truth(false);
        payout = pre.stake;
        break;
      }
      case Op::claim_rewards:
        error = first_failure({{not_operator, E::not_operator}});
        post.rewards = nothing;
        payout = pre.rewards;
        break;
      case Op::deposit_new_account:
        error = first_failure({{overflows(obligations_total(pre), in.value), E::escrow_overflow},  // [OR-BRIDGE-1]
                               {(pre.next_account_index > u64v(0xffffffffULL)), E::accounts_exhausted}});  // [OR-BRIDGE-3]
        post.escrow = pre.escrow + in.value;
        post.deposit_count = pre.deposit_count + one;
        post.next_account_index = pre.next_account_index + one;
        break;
      case Op::deposit_top_up:
        error = first_failure({{overflows(obligations_total(pre), in.value), E::escrow_overflow},  // [OR-BRIDGE-1]
                               {(in.top_up_to >= pre.next_account_index), E::deposit_unknown_account}});  // [OR-BRIDGE-2]
        post.escrow = pre.escrow + in.value;
        post.deposit_count = pre.deposit_count + one;
        break;
      case Op::submit_batch: {
        error = first_failure({{!pre.staked || pre.stake < cfg.minimum_stake, E::operator_understaked},
                               {!in.header_ok, E::batch_wrong_rollup},
                               {in.number != pre.batch_count, E::batch_out_of_order},
                               {in.prev != pre.last_root, E::batch_prev_root_mismatch},
                               {in.tx_len == zero, E::batch_empty},
                               {(in.tx_len > cfg.max_batch_size), E::batch_too_large},
                               {in.count != in.tx_len, E::batch_count_mismatch},
                               {!in.tx_root_ok, E::batch_tx_root_mismatch},
                               {in.state_roots_len != in.count + one, E::batch_state_root_count},
                               {!in.endpoints_ok, E::batch_state_root_endpoints},
                               {!in.state_roots_ok, E::batch_state_roots_mismatch},
                               {!in.signature_ok, E::bad_operator_signature}});
        const expr id = header_id(in);
        domain = domain && batch_id_number_(id) == in.number;      // collision resistance: batch_id binds batch_number
        domain = domain && (pre.batch_count < u64v(batch_slots));  // a free record slot
        const BatchRecord record{in.number,
                                 in.prev,
                                 in.post,
                                 id,
                                 in.count,
                                 in.height,
                                 saturating_add(in.height, cfg.challenge_period_blocks),
                                 pre.deposit_count,
                                 truth(false),
                                 nothing,
                                 zero,
                                 in.valid};
        for (std::size_t k = 0; k < batch_slots; ++k)
          post.batches[k] = select_batch(pre.batch_count == u64v(k), record, pre.batches[k]);
        post.batch_count = pre.batch_count + one;
        post.last_root = in.post;
        break;
      }
      case Op::open_challenge: {
        const std::vector<expr> target = batch_with(pre, in.batch_id, true);
        const BatchRecord batch = pick_batch(target, pre);
        const expr too_late = weakening_ == Weakening::challenge_accepted_at_deadline ? (in.height > batch.deadline)
                                                                                      : (in.height >= batch.deadline);
        const expr id = challenge_id(in.caller, in.evidence);
        std::vector<expr> duplicates, free;
        for (const Challenge& c : pre.challenges) {
          duplicates.push_back(c.open && c.id == id);
          free.push_back(!c.open);
        }
        error =
            first_failure({{!any(target), E::challenge_unknown_batch},  // [OR-CHAL-1]
                           {too_late, E::challenge_too_late},  // [OR-CHAL-2]
                           {in.value < cfg.min_challenge_bond, E::challenge_bond_too_small},  // [OR-CHAL-3]
                           {in.proof_type == type(FraudProofType::data_withholding), E::challenge_type_not_applicable},  // [OR-CHAL-4]
                           {any(duplicates), E::challenge_duplicate},  // [OR-CHAL-5]
                           {overflows(obligations_total(pre), in.value), E::challenge_bond_overflow}});  // [OR-CHAL-6]
        domain = domain && z3::ule(in.proof_type, type(FraudProofType::data_withholding)) && any(free) &&
                 challenge_id_binds(id, in.caller, in.evidence);
        const std::vector<expr> slot = first_of(free);
        const Challenge opened{truth(true),   id,          in.batch_id,
                               in.caller,     in.proof_type, in.evidence,
                               saturating_add(in.height, cfg.resolution_period_blocks), in.value, in.height};
        for (std::size_t y = 0; y < challenge_slots; ++y)
          post.challenges[y] = select_challenge(slot[y], opened, pre.challenges[y]);
        for (std::size_t k = 0; k < batch_slots; ++k)
          post.batches[k].open_challenges =
              z3::ite(target[k], pre.batches[k].open_challenges + single, pre.batches[k].open_challenges);
        break;
      }
      case Op::resolve_challenge:
      case Op::expire_challenge:
      case Op::withdraw_challenge: {
        const std::vector<expr> chosen = challenge_with(pre, in.challenge_id);
        const Challenge c = pick_challenge(chosen, pre);
        const std::vector<expr> challenge_batch = batch_with(pre, c.batch_id, true);
        const BatchRecord batch = pick_batch(challenge_batch, pre);
        const expr unknown = !any(chosen);  // [OR-RES-1]
        // Closing the addressed challenge, with its batch's count decremented.
        Contract closed = pre;
        for (std::size_t y = 0; y < challenge_slots; ++y)
          closed.challenges[y].open = pre.challenges[y].open && !chosen[y];
        for (std::size_t k = 0; k < batch_slots; ++k)
          closed.batches[k].open_challenges =
              z3::ite(challenge_batch[k], pre.batches[k].open_challenges - single, pre.batches[k].open_challenges);
        if (op == Op::expire_challenge) {
          error =
              first_failure({{unknown, E::unknown_challenge}, {(in.height < c.deadline), E::challenge_not_expired}});
          post = closed;
          post.rewards = pre.rewards + c.bond;
          outcome = this->outcome(Outcome::challenge_rejected);
          break;
        }
        if (op == Op::withdraw_challenge) {
          error = first_failure({{unknown, E::unknown_challenge},
                                 {in.caller != c.challenger, E::not_challenger},
                                 {(in.height >= c.deadline), E::challenge_expired}});
          post = closed;
          payout = c.bond;
          outcome = this->outcome(Outcome::challenge_withdrawn);
          break;
        }
        // [OR-RES-1..4]: the challenge's batch is pending too; the reveal is in a later block than the
        // commitment; the proof is the one this challenger committed.
        error = first_failure({{unknown || !any(challenge_batch), E::unknown_challenge},  // [OR-RES-1]
                               {(in.height >= c.deadline), E::challenge_expired},  // [OR-RES-2]
                               {(in.height <= c.opened_at), E::reveal_too_early},  // [OR-RES-3]
                               {commitment(c.challenger, in.proof) != c.evidence, E::evidence_mismatch}});  // [OR-RES-4]
        domain = domain && commitment_binds(c.challenger, in.proof);
        const expr confirmed = in.fp_error == code(E::none);
        // verify_fraud_proof answers none or one of its own codes, and confirms only against an
        // invalid batch (the fraud_proof_soundness lemma).
        domain = domain && (confirmed || (z3::uge(in.fp_error, code(E::fraud_batch_mismatch)) &&
                                          z3::ule(in.fp_error, code(E::fraud_deposit_credited))));
        domain = domain && z3::implies(confirmed && any(challenge_batch), !batch.valid);
        // FraudConfirmed: slashed = floor(stake * penalty_percentage / 100) (checked_mul_div). The
        // model keeps only what the claims need, 0 <= slashed <= stake, which the obligation
        // conservation/slash proves of the exact value for penalty_percentage <= 100.
        slashed = in.slashed;
        domain = domain && slashed >= nothing && slashed <= pre.stake;
        half = slashed / u64v(2);
        Contract reverted = pre;
        reverted.stake = pre.stake - slashed;
        reverted.treasury = pre.treasury + (slashed - half);
        std::vector<expr> removed;
        expr from_here = truth(false);
        for (std::size_t k = 0; k < batch_slots; ++k) {
          from_here = from_here || challenge_batch[k];
          removed.push_back(from_here && recorded(pre, k));
        }
        std::vector<expr> positions;
        for (std::size_t k = 0; k < batch_slots; ++k) positions.push_back(u64v(k));
        reverted.batch_count = z3::ite(any(challenge_batch), pick(challenge_batch, positions), pre.batch_count);
        reverted.last_root = batch.prev;
        expr refunds = nothing;
        for (std::size_t y = 0; y < challenge_slots; ++y) {
          const Challenge& other = pre.challenges[y];
          expr on_removed = truth(false);
          for (std::size_t k = 0; k < batch_slots; ++k)
            on_removed = on_removed || (removed[k] && other.batch_id == pre.batches[k].id);
          const expr refunded = other.open && !chosen[y] && on_removed;
          refunds = refunds + z3::ite(refunded, other.bond, nothing);
          reverted.challenges[y].open = other.open && !chosen[y] && !on_removed;
        }
        Contract rejected = closed;
        rejected.rewards = pre.rewards + c.bond;
        post = select(confirmed, reverted, rejected);
        payout = z3::ite(confirmed, c.bond + half + refunds, nothing);
        outcome =
            z3::ite(confirmed, this->outcome(Outcome::fraud_confirmed), this->outcome(Outcome::challenge_rejected));
        break;
      }
      case Op::finalize: {
        std::vector<expr> pendings;
        for (std::size_t k = 0; k < batch_slots; ++k) pendings.push_back(pending(pre, k));
        const std::vector<expr> oldest = first_of(pendings);
        const BatchRecord batch = pick_batch(oldest, pre);
        std::vector<std::pair<expr, E>> checks{{!any(pendings), E::nothing_to_finalize},
                                               {(in.height < batch.deadline), E::challenge_period_open}};
        if (weakening_ != Weakening::finalize_ignores_open_challenges)
          checks.emplace_back(batch.open_challenges != nothing, E::challenges_open);
        error = first_failure(checks);
        for (std::size_t k = 0; k < batch_slots; ++k) {
          post.batches[k].final = pre.batches[k].final || oldest[k];
          post.batches[k].finalized_at = z3::ite(oldest[k], in.height, pre.batches[k].finalized_at);
        }
        break;
      }
      case Op::pay_withdrawal: {
        std::vector<expr> named;
        for (std::size_t k = 0; k < batch_slots; ++k) named.push_back(in.pay_batch == u64v(k) && recorded(pre, k));
        const BatchRecord batch = pick_batch(named, pre);
        const Key key{in.pay_batch, in.pay_index};
        error = first_failure({{!(any(named) && batch.final), E::pay_batch_not_final},  // [OR-PAY-1]
                               {!(in.included && (in.pay_index < batch.count)), E::pay_tx_not_included},  // [OR-PAY-2]
                               {!in.is_withdrawal, E::pay_not_withdrawal},  // [OR-PAY-3]
                               {pre.paid(key), E::pay_already_paid},  // [OR-PAY-4]
                               {(in.amount > pre.escrow), E::pay_escrow_insufficient}});  // [OR-PAY-5]
        post.escrow = pre.escrow - in.amount;
        post.paid = [before = pre.paid, key](const Key& other) {
          return before(other) ||
                 (other.batch_number == key.batch_number && other.transaction_index == key.transaction_index);
        };
        payout = in.amount;
        break;
      }
    }

    const expr accepted = error == code(E::none);
    for (const expr& field : {in.height, in.value, in.top_up_to, in.number, in.count, in.tx_len, in.state_roots_len,
                              in.pay_batch, in.pay_index, in.amount})
      domain = domain && is_u64(field);
    if (!payable(op)) domain = domain && in.value == nothing;  // only payable entry points take value
    post.holdings = pre.holdings + in.value - payout;
    return {error,
            z3::ite(accepted, outcome, this->outcome(Outcome::none)),
            z3::ite(accepted, payout, nothing),
            domain,
            select(accepted, post, pre),
            slashed,
            half};
  }

  Weakening weakening_;
  z3::func_decl batch_id_fn_;
  z3::func_decl batch_id_number_;
  z3::func_decl challenge_id_fn_, challenge_id_challenger_, challenge_id_evidence_;
  z3::func_decl commitment_fn_, commitment_challenger_, commitment_proof_;
};

// A context for one L1 obligation: the model, a configuration, and the premise-or-claim switch.
struct Context {
  z3::context& ctx;
  z3::solver& solver;
  L1Model m;
  Config cfg;
  bool claim;
  Context(z3::context& c, z3::solver& s, Weakening weakening, bool negate_claim)
      : ctx(c), solver(s), m(c, weakening), cfg(m.config("cfg")), claim(negate_claim) {
    solver.add(m.config_domain(cfg));
  }
};

// One step of `op` from a state satisfying every invariant (the paid set at the key `key`).
struct OneStep {
  Contract pre;
  Call in;
  Step out;
  Key key;
};

OneStep one_step(Context& c, Op op, unsigned parts) {
  const Contract pre = c.m.contract("pre");
  const Call in = c.m.call("s0");
  const Key key = c.m.key("paid_key");
  Step out = c.m.step(c.cfg, pre, in, op);
  c.solver.add(c.m.invariant(pre, c.cfg, key, parts));
  c.solver.add(out.domain);
  return {pre, in, out, key};
}

expr accepted(Context& c, const Step& out) { return out.error == c.m.code(E::none); }

using Claim = std::function<expr(Context&, const OneStep&, Op)>;

struct Invariant {
  std::string name;
  std::string statement;
  unsigned assumes;  // the invariants (Part bits) assumed before the step
  std::function<expr(Context&, const Contract&, const Key& key)> state;  // for initiation
  Claim claim;                                                           // for consecution
};

std::vector<Invariant> contract_invariants() {
  std::vector<Invariant> list;
  list.push_back({"batches_chain",
                  "batches[k].batch_number == k and batch_id binds it; batches[0] starts at the genesis root and "
                  "batches[k + 1].prev_state_root == batches[k].post_state_root; last_state_root is the last batch's "
                  "post_state_root (genesis if none)",
                  chain_part | challenges_part,
                  [](Context& c, const Contract& s, const Key&) { return c.m.batches_chain(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.batches_chain(s.out.post, c.cfg); }});
  list.push_back(
      {"finality_requires_challenge_period",
       "a final batch was finalized at height >= challenge_deadline = min(submitted_at + challenge_period_blocks, "
       "UINT64_MAX) with no open challenge and every earlier batch final; final batches are a prefix, never removed "
       "or changed, and only finalize makes one",
       chain_part | finality_part | challenges_part,
       [](Context& c, const Contract& s, const Key&) { return c.m.finality(s, c.cfg); },
       [](Context& c, const OneStep& s, Op op) {
         L1Model& m = c.m;
         expr ok = m.finality(s.out.post, c.cfg);
         for (std::size_t k = 0; k < batch_slots; ++k) {
           const BatchRecord& before = s.pre.batches[k];
           const BatchRecord& after = s.out.post.batches[k];
           ok = ok &&
                z3::implies(before.final, after.final && m.recorded(s.out.post, k) && m.same_record(before, after));
           const expr made_final = !before.final && after.final;
           if (op == Op::finalize)
             ok = ok &&
                  z3::implies(made_final, (s.in.height >= before.deadline) && before.open_challenges == m.u64v(0) &&
                                              (k == 0 ? m.truth(true) : s.pre.batches[k - 1].final));
           else
             ok = ok && !made_final;
         }
         return ok;
       }});
  list.push_back({"conservation",
                  "the contract holds exactly escrow + stake + sum of open bonds + rewards.challenge_bonds + treasury "
                  "(<= UINT64_MAX); a step changes its holdings by the value in minus the payouts; a slash moves "
                  "floor(stake * penalty / 100) <= stake from stake to the challenger and the treasury without loss",
                  chain_part | finality_part | conservation_part | challenges_part,
                  [](Context& c, const Contract& s, const Key&) { return c.m.conservation(s); },
                  [](Context& c, const OneStep& s, Op op) {
                    L1Model& m = c.m;
                    expr ok = m.conservation(s.out.post);
                    if (op == Op::resolve_challenge) {
                      const expr confirmed = s.out.outcome == m.outcome(Outcome::fraud_confirmed);
                      ok = ok && z3::implies(confirmed,
                                             s.out.post.stake + s.out.half + (s.out.post.treasury - s.pre.treasury) ==
                                                 s.pre.stake);
                    }
                    return ok;
                  }});
  list.push_back({"no_withdrawal_from_non_final_batch",
                  "pay_withdrawal pays only a withdrawal included in a final batch and not paid before; a paid entry "
                  "stays paid and always names a final batch and an index inside it",
                  chain_part | finality_part | paid_part | challenges_part,
                  [](Context& c, const Contract& s, const Key& key) { return c.m.paid_only_final(s, key); },
                  [](Context& c, const OneStep& s, Op op) {
                    L1Model& m = c.m;
                    expr ok =
                        m.paid_only_final(s.out.post, s.key) && z3::implies(s.pre.paid(s.key), s.out.post.paid(s.key));
                    if (op == Op::pay_withdrawal) {
                      const Key key{s.in.pay_batch, s.in.pay_index};
                      expr final_batch = m.truth(false);
                      for (std::size_t k = 0; k < batch_slots; ++k)
                        final_batch =
                            final_batch || (s.in.pay_batch == m.u64v(k) && m.recorded(s.pre, k) &&
                                            s.pre.batches[k].final && (s.in.pay_index < s.pre.batches[k].count));
                      ok = ok && z3::implies(accepted(c, s.out), final_batch && s.in.included && s.in.is_withdrawal &&
                                                                     !s.pre.paid(key) && s.out.post.paid(key));
                    } else {
                      ok = ok && s.out.post.paid(s.key) == s.pre.paid(s.key);
                    }
                    return ok;
                  }});
  list.push_back({"challenges_well_formed",
                  "an open challenge names a pending batch, was opened before its challenge_deadline and has deadline "
                  "min(opened_at + resolution_period_blocks, UINT64_MAX); open challenge ids are distinct; "
                  "open_challenges counts them",
                  chain_part | finality_part | challenges_part,
                  [](Context& c, const Contract& s, const Key&) { return c.m.challenges_well_formed(s, c.cfg); },
                  [](Context& c, const OneStep& s, Op) { return c.m.challenges_well_formed(s.out.post, c.cfg); }});
  return list;
}

// fraud_proof_soundness at the contract: a resolution confirms only when verify_fraud_proof
// confirmed against the challenge's own batch, which (by the lemma) is invalid, and it removes
// exactly that batch and the later ones, restoring last_state_root to its prev_state_root.
void contract_soundness_negation(Context& c) {
  const OneStep s = one_step(c, Op::resolve_challenge, chain_part | finality_part | challenges_part);
  L1Model& m = c.m;
  const expr confirmed = s.out.outcome == m.outcome(Outcome::fraud_confirmed);
  c.solver.add(confirmed);
  if (!c.claim) return;
  const std::vector<expr> chosen = m.challenge_with(s.pre, s.in.challenge_id);
  const Challenge challenge = m.pick_challenge(chosen, s.pre);
  expr good = s.in.fp_error == m.code(E::none);
  expr some = m.truth(false);
  for (std::size_t k = 0; k < batch_slots; ++k) {
    const expr is_it = m.recorded(s.pre, k) && s.pre.batches[k].id == challenge.batch_id;
    some = some || is_it;
    good = good &&
           z3::implies(is_it, !s.pre.batches[k].valid && !s.pre.batches[k].final &&
                                  s.out.post.batch_count == m.u64v(k) && s.out.post.last_root == s.pre.batches[k].prev);
  }
  c.solver.add(!(good && some));
}

// ---- Honest challenger: a bounded model check over `honest_challenger_depth` steps.
//
// The honest challenger (key `honest`) holds a proof P of an invalid pending batch B; its evidence
// is E = H(honest, P), and it has no open challenge with E before. Step 1 is its
// open_challenge(B, E) at a height below B's challenge deadline, with a bond that fits beside the
// contract's holdings (the L1 asset's supply fits in a u64); step 3 its resolve_challenge with P at
// a height above step 1's and below its challenge's deadline. Steps 0 and 2 are any call by anyone
// else, who may copy E (or later P) from the mempool. The evidence binds challenger and proof (a
// reveal matches a challenge's evidence only for the proof its challenger committed), and P against
// the honest challenge confirms (the completeness lemma). Claim: B is reverted by the end and is
// never final before.
void honest_challenger_negation(Context& c) {
  L1Model& m = c.m;
  constexpr std::size_t depth = honest_challenger_depth;
  constexpr std::size_t open_step = 1, resolve_step = 3;
  const Contract start = m.contract("pre");
  c.solver.add(m.invariant(start, c.cfg, c.m.key("paid_key"), chain_part | finality_part | challenges_part));
  const expr honest = m.hash("honest.key"), proof = m.hash("honest.proof");
  const expr evidence = m.commitment(honest, proof);
  c.solver.add(m.commitment_binds(honest, proof));
  const expr target = m.u64("target_batch");
  std::vector<expr> is_target;
  for (std::size_t k = 0; k < batch_slots; ++k) is_target.push_back(target == m.u64v(k));
  c.solver.add(target >= m.u64v(0) && target < start.batch_count);
  const BatchRecord batch = m.pick_batch(is_target, start);
  c.solver.add(!batch.final && !batch.valid);
  for (const Challenge& ch : start.challenges)
    c.solver.add(z3::implies(ch.open, !(ch.challenger == honest && ch.evidence == evidence)));
  expr reverted = m.truth(false), final_before = m.truth(false), opened_deadline = m.u64v(0);
  expr opened_at = m.u64v(0);
  Contract state = start;
  expr last_height = m.u64v(0);
  for (std::size_t i = 0; i < depth; ++i) {
    const Call in = m.call("s" + std::to_string(i));
    const Step out = m.step(c.cfg, state, in, std::nullopt);
    c.solver.add(out.domain);
    if (i > 0) c.solver.add((in.height >= last_height));
    last_height = in.height;
    const Challenge ch = m.pick_challenge(m.challenge_with(state, in.challenge_id), state);
    if (i == open_step) {
      c.solver.add(in.op == m.opcode(Op::open_challenge) && in.caller == honest && in.batch_id == batch.id &&
                   in.evidence == evidence && z3::ule(in.proof_type, m.type(FraudProofType::timeout_violation)) &&
                   in.value >= c.cfg.min_challenge_bond && (in.height < batch.deadline) &&
                   m.obligations_total(state) + in.value <= m.u64max());
      opened_at = in.height;
      opened_deadline = m.saturating_add(in.height, c.cfg.resolution_period_blocks);
    } else if (i == resolve_step) {
      c.solver.add(in.op == m.opcode(Op::resolve_challenge) && in.caller == honest &&
                   in.challenge_id == m.challenge_id(honest, evidence) && in.proof == proof &&
                   (in.height > opened_at) && (in.height < opened_deadline));
    } else {
      c.solver.add(in.caller != honest);
    }
    // P revealed against the honest challenge (by anyone) confirms: the completeness lemma.
    c.solver.add(z3::implies(in.op == m.opcode(Op::resolve_challenge) && ch.challenger == honest &&
                                 ch.evidence == evidence && in.proof == proof,
                             in.fp_error == m.code(E::none)));
    state = out.post;
    reverted = reverted || (state.batch_count <= target);
    final_before = final_before || (!reverted && m.pick_batch(is_target, state).final);
  }
  if (c.claim) c.solver.add(!reverted || final_before);
}

// ---------------------------------------------------------------------------------------------

Obligation make(std::string invariant, std::string transition, Kind kind, std::string statement,
                std::function<void(z3::context&, z3::solver&, bool)> negation) {
  Obligation o = make_obligation(std::string(mechanism_name), std::move(invariant), std::move(transition), kind,
                                 std::move(statement),
                                 [negation](z3::context& ctx, z3::solver& solver) { negation(ctx, solver, true); });
  o.assert_premise = [negation](z3::context& ctx, z3::solver& solver) { negation(ctx, solver, false); };
  return o;
}

}  // namespace

std::vector<Obligation> obligations(Weakening weakening) {
  std::vector<Obligation> list;
  auto add_l1 = [&](std::string invariant, std::string transition, Kind kind, std::string statement,
                    std::function<void(Context&)> negation) {
    list.push_back(make(std::move(invariant), std::move(transition), kind, std::move(statement),
                        [negation, weakening](z3::context& ctx, z3::solver& solver, bool claim) {
                          Context c(ctx, solver, weakening, claim);
                          negation(c);
                        }));
  };

  // The contract's invariants: initiation, then consecution against every transition.
  for (const Invariant& inv : contract_invariants()) {
    add_l1(inv.name, "init", Kind::initiation, inv.statement, [state = inv.state](Context& c) {
      Contract s = c.m.contract("init");
      s.paid = [](const Key& key) { return key.batch_number.ctx().bool_val(false); };  // nothing paid
      const Key key = c.m.key("paid_key");
      c.solver.add(c.m.initial(s, c.cfg));
      if (c.claim) c.solver.add(!state(c, s, key));
    });
    for (std::size_t t = 0; t < op_count; ++t) {
      const Op op = static_cast<Op>(t);
      add_l1(inv.name, op_name(op), Kind::consecution, inv.statement,
             [op, claim = inv.claim, parts = inv.assumes](Context& c) {
               const OneStep s = one_step(c, op, parts);
               // Premise: the transition can accept a step from a state satisfying every invariant.
               c.solver.add(c.claim ? !claim(c, s, op) : accepted(c, s.out));
             });
    }
  }

  // The slash's bound, over the u64 values checked_mul_div computes with: the model reads the
  // slash only as 0 <= slashed <= stake.
  list.push_back(make("conservation", "slash", Kind::safety,
                      "for penalty_percentage <= 100, slashed = floor(stake * penalty_percentage / 100) is at most the "
                      "stake (so checked_mul_div cannot overflow and stake - slashed cannot underflow)",
                      [](z3::context& ctx, z3::solver& solver, bool claim) {
                        Symbols m(ctx);
                        const expr stake = m.u64("stake"), slashed = m.u64("slashed");
                        // penalty_percentage, a u8, by its bits; stake * penalty as its partial products
                        expr penalty = m.u64v(0), product = m.u64v(0);
                        for (unsigned bit = 0; bit < 8; ++bit) {
                          const expr set = m.boolean("penalty_percentage.bit" + std::to_string(bit));
                          penalty = penalty + z3::ite(set, m.u64v(1u << bit), m.u64v(0));
                          product = product + z3::ite(set, stake * m.u64v(1u << bit), m.u64v(0));
                        }
                        solver.add(m.is_u64(stake) && penalty <= m.u64v(100));
                        const expr hundred = m.u64v(100);
                        solver.add(hundred * slashed <= product && product < hundred * slashed + hundred);  // the floor
                        if (claim) solver.add(!(slashed >= m.u64v(0) && slashed <= stake));
                      }));

  add_l1("fraud_proof_soundness", "resolve_challenge", Kind::safety,
         "resolve_challenge ends FraudConfirmed only when verify_fraud_proof confirmed against the challenge's own "
         "batch, which is then invalid and pending, and it removes exactly that batch and the later ones, "
         "resetting last_state_root to its prev_state_root",
         [](Context& c) { contract_soundness_negation(c); });

  // The fraud-proof verifier.
  list.push_back(
      make("fraud_proof_soundness", "transaction_fault", Kind::safety,
           "if transaction i is valid at the state with root state_roots[i] and leads to state_roots[i + 1], "
           "every transaction-fault proof naming i is rejected, whatever its type, witness and inclusion "
           "verdicts (any batch size)",
           soundness_transaction_negation));
  list.push_back(
      make("fraud_proof_soundness", "timeout_fault", Kind::safety,
           "if the batch's post-state credits every deposit overdue at submission, every timeout-fault proof "
           "is rejected, whatever its deposit and state opening",
           soundness_timeout_negation));
  list.push_back(
      make("fraud_proof_completeness", "transaction_fault", Kind::safety,
           "at the first wrong step of a batch of any size (its transaction invalid at the true state, or its "
           "committed post-root not the result), the honest proof at that index, with the true state as "
           "witness, confirms for some type",
           completeness_transaction_negation));
  list.push_back(
      make("fraud_proof_completeness", "timeout_fault", Kind::safety,
           "a batch whose steps are all correct but which leaves a deposit overdue at submission uncredited has "
           "a confirmed timeout proof (the true post-state as opening)",
           completeness_timeout_negation));
  for (std::size_t n = 1; n <= completeness_max_transactions; ++n) {
    const std::size_t accounts = completeness_accounts(n);
    list.push_back(
        make("fraud_proof_completeness", "batch_of_" + std::to_string(n), Kind::bmc,
             "every invalid batch of " + std::to_string(n) + " transaction(s) over " + std::to_string(accounts) +
                 " account slots, from any real state, has a confirmed proof: the honest witness at some index "
                 "with some type, or the timeout proof",
             [n, accounts](z3::context& ctx, z3::solver& solver, bool claim) {
               completeness_negation(ctx, solver, n, accounts, claim);
             }));
  }

  list.push_back(make("conservation", "l2_transaction", Kind::consecution,
                      "a valid transaction keeps sum of balances + withdrawn == previous sum + deposited (fees move "
                      "inside L2), on any state",
                      [](z3::context& ctx, z3::solver& solver, bool claim) {
                        L2Model m(ctx, solver);
                        const expr recorded = m.u64("deposits_recorded");
                        solver.add(m.is_u64(recorded));
                        const ValidTx v = valid_transaction(m, recorded);
                        if (claim)
                          solver.add(m.total_balance(v.step.post) + v.step.withdrawn !=
                                         m.total_balance(v.pre) + v.step.deposited ||
                                     !m.well_formed(v.step.post));
                      }));
  list.push_back(make("exactly_once_deposits", "l2_transaction", Kind::consecution,
                      "a valid deposit has deposit_index == deposits_credited < deposits_recorded and advances "
                      "deposits_credited by one; every other valid transaction leaves it unchanged",
                      [](z3::context& ctx, z3::solver& solver, bool claim) {
                        L2Model m(ctx, solver);
                        const expr recorded = m.u64("deposits_recorded");
                        solver.add(m.is_u64(recorded));
                        const ValidTx v = valid_transaction(m, recorded);
                        const expr is_deposit = !v.tx.malformed && v.tx.kind == m.kind(TxKind::deposit);
                        if (claim)
                          solver.add(!z3::ite(is_deposit,
                                              v.tx.deposit_index == v.pre.credited && (v.pre.credited < recorded) &&
                                                  v.step.post.credited == v.pre.credited + m.u64v(1),
                                              v.step.post.credited == v.pre.credited));
                      }));

  add_l1(
      "honest_challenger_wins", "trace", Kind::bmc,
      "depth " + std::to_string(honest_challenger_depth) +
          ": a challenger who opens against an invalid pending batch before its challenge deadline and reveals in a "
          "later block before its own deadline gets the batch reverted, and it is never final, whatever anyone else "
          "does in between, copies of its evidence and proof included",
      [](Context& c) { honest_challenger_negation(c); });
  return list;
}

// =============================================================================================
// Trace validation: one concrete step against the transition relation of any op.

struct ConcreteChecker::Impl {
  z3::context ctx;
  z3::solver solver;
  L1Model m;
  Config cfg;
  Contract pre;
  Call in;
  Step out;

  Impl()
      : solver(ctx),
        m(ctx, Weakening::none),
        cfg(m.config("cfg")),
        pre(m.contract("pre")),
        in(m.call("s0")),
        out(m.step(cfg, pre, in, std::nullopt)) {
    solver.add(m.config_domain(cfg));
    solver.add(out.domain);
  }

  expr n(std::uint64_t v) { return ctx.int_val(v); }
  expr h(std::uint64_t v) { return ctx.bv_val(v, hash_bits); }
  expr b8(std::uint8_t v) { return ctx.bv_val(static_cast<unsigned>(v), 8); }
  expr flag(const expr& e, bool v) { return v ? e : !e; }

  expr config_is(const ConcreteConfig& c) {
    return cfg.minimum_stake == n(c.minimum_stake) && cfg.stake_lock_period == n(c.stake_lock_period) &&
           cfg.penalty_percentage == b8(c.penalty_percentage) && cfg.max_batch_size == n(c.max_batch_size) &&
           cfg.challenge_period_blocks == n(c.challenge_period_blocks) &&
           cfg.resolution_period_blocks == n(c.resolution_period_blocks) &&
           cfg.min_challenge_bond == n(c.min_challenge_bond) && cfg.operator_key == h(c.operator_key) &&
           cfg.genesis_root == h(c.genesis_root);
  }
  expr batch_is(const BatchRecord& b, const ConcreteBatch& c) {
    return b.number == n(c.number) && b.prev == h(c.prev) && b.post == h(c.post) && b.id == h(c.id) &&
           b.count == n(c.count) && b.submitted_at == n(c.submitted_at) && b.deadline == n(c.deadline) &&
           b.deposits_recorded == n(c.deposits_recorded) && flag(b.final, c.final) &&
           b.open_challenges == n(c.open_challenges) && b.finalized_at == n(c.finalized_at) && flag(b.valid, c.valid);
  }
  expr challenge_is(const Challenge& x, const ConcreteChallenge& c) {
    return flag(x.open, c.open) && x.id == h(c.id) && x.batch_id == h(c.batch_id) && x.challenger == h(c.challenger) &&
           x.proof_type == b8(c.proof_type) && x.evidence == h(c.evidence) && x.deadline == n(c.deadline) &&
           x.bond == n(c.bond) && x.opened_at == n(c.opened_at);
  }
  // The contract's fields; `all_slots`: every slot in full (for the pre-state), else the recorded
  // batches and the open challenges (the rest of a slot is not state).
  expr contract_is(const Contract& s, const ConcreteContract& c, bool all_slots) {
    expr ok = s.stake == n(c.stake) && flag(s.staked, c.staked) && s.unlock == n(c.unlock) &&
              s.escrow == n(c.escrow) && s.deposit_count == n(c.deposit_count) &&
              s.next_account_index == n(c.next_account_index) && s.last_root == h(c.last_root) &&
              s.batch_count == n(c.batch_count) && s.rewards == n(c.rewards) && s.treasury == n(c.treasury) &&
              s.holdings == n(c.holdings);
    for (std::size_t k = 0; k < batch_slots; ++k)
      if (all_slots || k < c.batch_count) ok = ok && batch_is(s.batches[k], c.batches[k]);
    for (std::size_t y = 0; y < challenge_slots; ++y)
      ok = ok && ((all_slots || c.challenges[y].open) ? challenge_is(s.challenges[y], c.challenges[y])
                                                    : !s.challenges[y].open);
    return ok;
  }
  expr paid_is(const Contract& s, const std::vector<std::pair<std::uint64_t, std::uint64_t>>& paid,
               const std::vector<std::pair<std::uint64_t, std::uint64_t>>& keys) {
    expr ok = ctx.bool_val(true);
    for (const auto& key : keys) {
      const bool member = std::find(paid.begin(), paid.end(), key) != paid.end();
      ok = ok && flag(s.paid(Key{n(key.first), n(key.second)}), member);
    }
    return ok;
  }
  expr call_is(const ConcreteCall& c, const ConcreteContract& pre_state) {
    expr ok = in.op == b8(static_cast<std::uint8_t>(c.op)) && in.height == n(c.height) && in.caller == h(c.caller) &&
              in.value == n(c.value) && in.top_up_to == n(c.top_up_to) && in.number == n(c.number) &&
              in.prev == h(c.prev) && in.post == h(c.post) && in.count == n(c.count) &&
              in.header_rest == h(c.header_rest) && in.tx_len == n(c.tx_len) &&
              in.state_roots_len == n(c.state_roots_len) && flag(in.header_ok, c.header_ok) &&
              flag(in.tx_root_ok, c.tx_root_ok) && flag(in.endpoints_ok, c.endpoints_ok) &&
              flag(in.state_roots_ok, c.state_roots_ok) && flag(in.signature_ok, c.signature_ok) &&
              flag(in.valid, c.valid) && in.batch_id == h(c.batch_id) && in.proof_type == b8(c.proof_type) &&
              in.evidence == h(c.evidence) && in.challenge_id == h(c.challenge_id) && in.proof == h(c.proof) &&
              in.fp_error == b8(c.fp_error) && in.slashed == n(c.slashed) && in.pay_batch == n(c.pay_batch) &&
              in.pay_index == n(c.pay_index) && flag(in.included, c.included) &&
              flag(in.is_withdrawal, c.is_withdrawal) && in.amount == n(c.amount);
    // The hash functions at the terms this step reads, as the reference computed them.
    ok = ok && m.header_id(in) == h(c.header_id) && m.challenge_id(in.caller, in.evidence) == h(c.open_id);
    for (const ConcreteChallenge& x : pre_state.challenges)
      if (x.open && x.id == c.challenge_id) ok = ok && m.commitment(h(x.challenger), in.proof) == h(c.commitment);
    return ok;
  }
};

ConcreteChecker::ConcreteChecker() : impl_(std::make_unique<Impl>()) {}
ConcreteChecker::~ConcreteChecker() = default;

std::string ConcreteChecker::check(const ConcreteConfig& config, const ConcreteContract& pre,
                                   const ConcreteCall& call, const ConcreteOutcome& expected) {
  Impl& x = *impl_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> keys = pre.paid;
  keys.insert(keys.end(), expected.post.paid.begin(), expected.post.paid.end());
  keys.emplace_back(call.pay_batch, call.pay_index);
  x.solver.push();
  x.solver.add(x.config_is(config));
  x.solver.add(x.contract_is(x.pre, pre, true) && x.paid_is(x.pre, pre.paid, keys));
  x.solver.add(x.call_is(call, pre));
  const expr outcome = x.out.error == x.b8(expected.error) && x.out.payout == x.n(expected.payout) &&
                       x.contract_is(x.out.post, expected.post, false) &&
                       x.paid_is(x.out.post, expected.post.paid, keys);
  std::string problem;
  x.solver.push();
  x.solver.add(outcome);
  const z3::check_result admitted = x.solver.check();
  x.solver.pop();
  if (admitted != z3::sat) {
    problem = admitted == z3::unsat ? "the model does not admit the reference's outcome"
                                    : "z3: " + x.solver.reason_unknown();
    if (admitted == z3::unsat && x.solver.check() == z3::sat) {
      const z3::model model = x.solver.get_model();
      problem += " (it gives error " + model.eval(x.out.error, true).to_string() + ", payout " +
                 model.eval(x.out.payout, true).to_string() + ")";
    } else if (admitted == z3::unsat) {
      problem += " (it admits no outcome: the step is outside its domain)";
    }
  } else {
    x.solver.add(!outcome);
    const z3::check_result other = x.solver.check();
    if (other != z3::unsat)
      problem = other == z3::sat ? "the model admits a second outcome" : "z3: " + x.solver.reason_unknown();
  }
  x.solver.pop();
  return problem;
}

std::string ConcreteChecker::check_deploy(const ConcreteConfig& config, std::uint8_t expected_error) {
  Impl& x = *impl_;
  z3::solver solver(x.ctx);
  solver.add(x.config_is(config));
  solver.add(x.m.deploy_error(x.cfg) != x.b8(expected_error));
  const z3::check_result other = solver.check();
  if (other == z3::unsat) return "";
  if (other == z3::sat)
    return "the model's deploy gives " + solver.get_model().eval(x.m.deploy_error(x.cfg), true).to_string();
  return "z3: " + solver.reason_unknown();
}

}  // namespace l2::inv::optimistic_rollup
