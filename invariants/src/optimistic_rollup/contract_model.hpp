// The L1 rollup contract as a Z3 transition relation. spec: optimistic_rollup.md#the-z3-model
//
// THE CONTRACT MODEL AND ITS BOUNDS (spec-ready text: optimistic_rollup.md, "The Z3 model")
//
// State: the configuration (every RollupConfig field; penalty_percentage by its eight bits, so that
// stake * penalty_percentage is linear), the identity (chain_id, rollup_id, operator_key) and the
// genesis root; stake, staked, stake_unlock_height, escrow, treasury, epoch, next_account_index,
// last_state_root, frozen; the two queues (a count and, per index, the record's fields as
// uninterpreted functions, plus the records appended since); `batch_slots` batch records (the first
// batch_count are recorded), each the whole header, batch_id, submitted_at, challenge_deadline, the
// two visible counts, final and open_challenges; `challenge_slots` challenge slots in the contract's
// order (the first challenge_count are open), each the whole Challenge; the paid, exited and
// reclaimed sets (a membership predicate plus the keys added since). A step that needs one more batch
// or challenge slot is outside the model. Ghost state: the contract's whole balance (holdings plus
// bonds), `now` (the height of the last accepted step; L1 heights never decrease), the number of
// confirmed frauds, and per batch its finalization height and `transactions_valid` (no transaction of
// it is faulty: the L2 model's lemmas say when a transaction-fault proof can confirm).
//
// Each of the 15 ops of the reference's operations table is modelled rule by rule in the
// reference's order with its code, including its effects: the payouts in order (zero amounts are
// not payouts), the resolutions in order, the revert cascade with its refunds in the order of the
// contract's challenges, forfeited bonds paid to the operator at once, the epoch. Checks of posted
// data, signatures and Merkle openings are verdicts: OR-BATCH-8, 11 and 12, OR-PAY-2 and 3, OR-EXIT-4,
// and a transaction fault's re-execution (OR-FP-3..8, the L2 model's subject); each only rejects.
// Every other check is computed: OR-BATCH-2 from the identity, OR-BATCH-10 from the posted end roots,
// OR-FP-1, 2 and the timeout rules OR-FP-9..11, OR-FRZ-4, OR-EXIT-3 and OR-RES-4 through the hash
// functions, recorded_by as the boundary of the queue's prefix recorded at or below the origin
// (exact for a queue in recording order, which every reachable state has), the slash as the exact
// floor of stake * penalty_percentage / 100.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "symbols.hpp"

namespace l2::inv::optimistic_rollup::model {

// The slots of one relation. The obligations use batch_slots and challenge_slots; the engine sizes
// them to the concrete state it runs.
struct Bounds {
  std::size_t batches = batch_slots;
  std::size_t challenges = challenge_slots;
  bool operator<(const Bounds& other) const {
    return batches != other.batches ? batches < other.batches : challenges < other.challenges;
  }
};

struct Config {
  expr chain_id, rollup_id, operator_key, genesis_root;
  expr max_batch_size, challenge_period, resolution_period, queue_inclusion, sequencing_window, escape_delay,
      censorship_bound, min_challenge_bond, min_deposit, forced_exit_fee, minimum_stake, stake_lock_period;
  std::vector<expr> penalty_bits;  // penalty_percentage, bit 0 first
  expr penalty;                    // their value
};

// One record of a queue: a DepositRecord (id, recorded_at, depositor, amount) or a ForcedExitRecord
// (id, recorded_at; depositor and amount unused).
struct QueueEntry {
  expr id, recorded_at, party, amount;
};

// A queue as its count, its records before the trace (uninterpreted functions of the index), and the
// records appended since, each under the condition that its step appended it.
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
      e = {z3::ite(here, a.entry.id, e.id), z3::ite(here, a.entry.recorded_at, e.recorded_at),
           z3::ite(here, a.entry.party, e.party), z3::ite(here, a.entry.amount, e.amount)};
    }
    return e;
  }
};

struct BatchRecord {
  // the header, in BatchHeader's order
  expr chain_id, rollup_id, number, epoch, origin, prev, post, transactions_root, count, state_roots_root;
  expr id, submitted_at, deadline, deposits_visible, forced_exits_visible, final, open_challenges;
  expr finalized_at, transactions_valid;  // ghosts
};

struct Challenge {
  expr id, batch_id, challenger, proof_type, evidence, opened_at, deadline, bond;
};

struct Contract {
  expr stake, staked, unlock, escrow, treasury, epoch;
  Queue deposits, forced_exits;
  expr next_account_index, last_root;
  expr batch_count;
  std::vector<BatchRecord> batches;
  expr challenge_count;
  std::vector<Challenge> challenges;  // the open ones first, in the contract's order
  KeySet paid, exited, reclaimed;
  expr frozen;
  expr total, now, frauds;  // ghosts: the contract's balance, the last accepted height, confirmed frauds
};

// A step's input: the fields of every op's input, of which each op reads its own, with the verdicts
// of the abstracted checks.
struct Call {
  expr op, height, caller, value;
  expr owner;      // deposit_new_account.owner; exit.account.owner
  expr account;    // deposit_top_up.to, request_forced_exit.from, exit.account_index
  expr recipient;  // request_forced_exit.l1_recipient; pay_withdrawal: the outflow's l1_recipient
  // submit_batch: the header, the data's lengths and end roots, the verdicts of OR-BATCH-8, 11, 12,
  // the two recorded_by counts, and the ghost `transactions_valid`.
  expr chain_id, rollup_id, number, epoch, origin, prev, post, transactions_root, count, state_roots_root;
  expr transactions_length, state_roots_length, first_root, last_root;
  expr transactions_root_ok, state_roots_root_ok, signature_ok, transactions_valid;
  expr deposits_visible, forced_exits_visible;
  // open_challenge
  expr batch_id, proof_type, evidence;
  // resolve, expire, withdraw
  expr challenge_id;
  // resolve_challenge: the proof (a hash standing for its encoding) and its fields; the verdict of a
  // transaction fault's re-execution (OR-FP-3..8; none = confirmed).
  expr proof, proof_batch_id, proof_proof_type, has_transaction_fault, has_timeout_fault, transaction_verdict;
  // a timeout fault's or a freeze's (queue, index); reclaim_deposit's deposit_index
  expr queue, index;
  // the opened state header of a timeout fault, freeze, exit and reclaim
  expr accounts_root, deposits_credited, forced_exits_processed;
  // pay_withdrawal: the key, the OR-PAY-2 and OR-PAY-3 verdicts, the outflow's amount
  expr pay_batch, pay_index, included, is_outflow, amount;
  // exit: the account's balance and nonce, and the OR-EXIT-4 verdict
  expr balance, nonce, account_proof_ok;
  std::string prefix;  // the names' prefix, for the step's own variables
};

struct Payout {
  expr to, amount;
};

struct Resolution {
  expr present, id, kind, slashed, refunded_bond, reward, forfeited_bond, reason;
};

struct Step {
  expr error;
  Contract post;
  std::vector<Payout> payouts;          // challenge_slots + 2 slots, in order; an amount of 0 is no payout
  std::vector<Resolution> resolutions;  // challenge_slots + 1 slots, in order
  expr domain;                          // the input domain, the environment and the model's bounds
  expr confirmed;                       // resolve_challenge confirmed a fraud
  std::vector<expr> removed;            // per batch slot: removed by this step's revert
  expr slashed, reward;
  expr paid_out;  // Σ payouts
};

// The keys at which the quantified parts of the invariants are read: a paid (batch, index), an
// exited account, a reclaimed deposit, and a pair of indices of each queue.
struct Keys {
  expr paid_batch, paid_index, exited, reclaimed, deposit_i, deposit_j, forced_exit_i, forced_exit_j;
};

// The invariants as bits, for the set each consecution obligation assumes before the step. Each
// obligation assumes only the ones its claim depends on, which keeps every query small.
constexpr unsigned chain_part = 1, finality_part = 2, conservation_part = 4, paid_part = 8, challenges_part = 16,
                   epoch_part = 32, frozen_part = 64;
constexpr unsigned all_parts = 127;

class ContractModel : public Symbols {
 public:
  ContractModel(z3::context& ctx, Weakening weakening, Bounds bounds = {})
      : Symbols(ctx), h(ctx), weakening_(weakening), bounds_(bounds) {}

  Hashes h;
  Weakening weakening() const { return weakening_; }
  const Bounds& bounds() const { return bounds_; }

  // ---- Configuration and deployment.

  Config config(const std::string& p) const {
    Config c{u64(p + ".chain_id"),
             hash(p + ".rollup_id"),
             hash(p + ".operator_key"),
             hash(p + ".genesis_root"),
             u64(p + ".max_batch_size"),
             u64(p + ".challenge_period_blocks"),
             u64(p + ".resolution_period_blocks"),
             u64(p + ".queue_inclusion_blocks"),
             u64(p + ".sequencing_window_blocks"),
             u64(p + ".escape_delay_blocks"),
             u64(p + ".censorship_bound_blocks"),
             u64(p + ".min_challenge_bond"),
             u64(p + ".min_deposit"),
             u64(p + ".forced_exit_fee"),
             u64(p + ".minimum_stake"),
             u64(p + ".stake_lock_period"),
             {},
             u64v(0)};
    for (unsigned bit = 0; bit < 8; ++bit) {
      c.penalty_bits.push_back(boolean(p + ".penalty_percentage.bit" + std::to_string(bit)));
      c.penalty = c.penalty + z3::ite(c.penalty_bits.back(), u64v(1u << bit), u64v(0));
    }
    return c;
  }
  // a * penalty_percentage, linear: the sum of a's shifts by the penalty's set bits.
  expr times_penalty(const Config& c, const expr& a) const {
    expr product = u64v(0);
    for (unsigned bit = 0; bit < 8; ++bit) product = product + z3::ite(c.penalty_bits[bit], a * u64v(1u << bit), u64v(0));
    return product;
  }
  expr config_typing(const Config& c) const {
    return is_u64(c.chain_id) && is_u64(c.max_batch_size) && is_u64(c.challenge_period) &&
           is_u64(c.resolution_period) && is_u64(c.queue_inclusion) && is_u64(c.sequencing_window) &&
           is_u64(c.escape_delay) && is_u64(c.censorship_bound) && is_u64(c.min_challenge_bond) &&
           is_u64(c.min_deposit) && is_u64(c.forced_exit_fee) && is_u64(c.minimum_stake) &&
           is_u64(c.stake_lock_period);
  }
  // check_config, rule by rule in the reference's order [OR-DEPLOY-1..11].
  expr deploy_error(const Config& c) const {
    return first_failure(
        {{c.censorship_bound == u64v(0), Error::config_censorship_bound},                                  // [OR-DEPLOY-1]
         {c.max_batch_size == u64v(0), Error::config_batch_size},                                          // [OR-DEPLOY-2]
         {c.challenge_period <= c.censorship_bound, Error::config_challenge_period},                       // [OR-DEPLOY-3]
         {c.resolution_period <= c.censorship_bound, Error::config_resolution_period},                     // [OR-DEPLOY-4]
         {c.sequencing_window < c.censorship_bound, Error::config_sequencing_window},                      // [OR-DEPLOY-5]
         {overflows(c.queue_inclusion, c.sequencing_window) ||
              c.escape_delay <= c.queue_inclusion + c.sequencing_window,
          Error::config_escape_delay},                                                                     // [OR-DEPLOY-6]
         {c.penalty == u64v(0) || c.penalty > u64v(100), Error::config_penalty},                           // [OR-DEPLOY-7]
         {times_penalty(c, c.minimum_stake) < u64v(200), Error::config_slash},                             // [OR-DEPLOY-8]
         {c.min_challenge_bond == u64v(0), Error::config_challenge_bond},                                  // [OR-DEPLOY-9]
         {c.min_deposit == u64v(0), Error::config_min_deposit},                                            // [OR-DEPLOY-10]
         {c.forced_exit_fee == u64v(0), Error::config_forced_exit_fee}});                                  // [OR-DEPLOY-11]
  }
  // The configurations the obligations range over: every one deploy accepts.
  expr config_valid(const Config& c) const { return config_typing(c) && deploy_error(c) == code(Error::none); }

  // ---- State.

  Queue queue(const std::string& p) const {
    const z3::func_decl id = ctx().function((p + ".id").c_str(), ctx().int_sort(), ctx().bv_sort(hash_bits));
    const z3::func_decl recorded = ctx().function((p + ".recorded_at").c_str(), ctx().int_sort(), ctx().int_sort());
    const z3::func_decl party = ctx().function((p + ".depositor").c_str(), ctx().int_sort(), ctx().bv_sort(hash_bits));
    const z3::func_decl amount = ctx().function((p + ".amount").c_str(), ctx().int_sort(), ctx().int_sort());
    return {u64(p + ".count"),
            [=](const expr& k) { return QueueEntry{id(k), recorded(k), party(k), amount(k)}; },
            {}};
  }

  Contract contract(const std::string& p) const {
    Contract s{u64(p + ".stake"),
               boolean(p + ".staked"),
               u64(p + ".stake_unlock_height"),
               u64(p + ".escrow"),
               u64(p + ".treasury"),
               u64(p + ".epoch"),
               queue(p + ".deposits"),
               queue(p + ".forced_exits"),
               u64(p + ".next_account_index"),
               hash(p + ".last_state_root"),
               u64(p + ".batch_count"),
               {},
               u64(p + ".challenge_count"),
               {},
               key_set(p + ".paid", 2),
               key_set(p + ".exited", 1),
               key_set(p + ".reclaimed", 1),
               boolean(p + ".frozen"),
               u64(p + ".ghost.balance"),
               u64(p + ".ghost.now"),
               u64(p + ".ghost.confirmed_frauds")};
    for (std::size_t k = 0; k < bounds_.batches; ++k) s.batches.push_back(batch_record(p + ".batch" + std::to_string(k)));
    for (std::size_t y = 0; y < bounds_.challenges; ++y) {
      const std::string q = p + ".challenge" + std::to_string(y);
      s.challenges.push_back({hash(q + ".challenge_id"), hash(q + ".challenged_object"), hash(q + ".challenger"),
                              bv(q + ".proof_type", 8), hash(q + ".evidence"), u64(q + ".opened_at"),
                              u64(q + ".deadline"), u64(q + ".bond_amount")});
    }
    return s;
  }
  BatchRecord batch_record(const std::string& q) const {
    return {u64(q + ".header.chain_id"),
            hash(q + ".header.rollup_id"),
            u64(q + ".header.batch_number"),
            u64(q + ".header.epoch"),
            u64(q + ".header.l1_origin_height"),
            hash(q + ".header.prev_state_root"),
            hash(q + ".header.post_state_root"),
            hash(q + ".header.transactions_root"),
            u64(q + ".header.transaction_count"),
            hash(q + ".header.state_roots_root"),
            hash(q + ".batch_id"),
            u64(q + ".submitted_at"),
            u64(q + ".challenge_deadline"),
            u64(q + ".deposits_visible"),
            u64(q + ".forced_exits_visible"),
            boolean(q + ".final"),
            u64(q + ".open_challenges"),
            u64(q + ".ghost.finalized_at"),
            boolean(q + ".ghost.transactions_valid")};
  }

  Call call(const std::string& p) const {
    return {bv(p + ".op", 8),
            u64(p + ".height"),
            hash(p + ".caller"),
            u64(p + ".value"),
            hash(p + ".owner"),
            u64(p + ".account_index"),
            hash(p + ".l1_recipient"),
            u64(p + ".batch.header.chain_id"),
            hash(p + ".batch.header.rollup_id"),
            u64(p + ".batch.header.batch_number"),
            u64(p + ".batch.header.epoch"),
            u64(p + ".batch.header.l1_origin_height"),
            hash(p + ".batch.header.prev_state_root"),
            hash(p + ".batch.header.post_state_root"),
            hash(p + ".batch.header.transactions_root"),
            u64(p + ".batch.header.transaction_count"),
            hash(p + ".batch.header.state_roots_root"),
            u64(p + ".batch.transactions.length"),
            u64(p + ".batch.state_roots.length"),
            hash(p + ".batch.state_roots.first"),
            hash(p + ".batch.state_roots.last"),
            boolean(p + ".batch.transactions_root_matches"),
            boolean(p + ".batch.state_roots_root_matches"),
            boolean(p + ".batch.operator_signature_valid"),
            boolean(p + ".batch.ghost.transactions_valid"),
            u64(p + ".batch.deposits_recorded_by_origin"),
            u64(p + ".batch.forced_exits_recorded_by_origin"),
            hash(p + ".batch_id"),
            bv(p + ".proof_type", 8),
            hash(p + ".evidence"),
            hash(p + ".challenge_id"),
            hash(p + ".proof"),
            hash(p + ".proof.batch_id"),
            bv(p + ".proof.proof_type", 8),
            boolean(p + ".proof.has_transaction_fault"),
            boolean(p + ".proof.has_timeout_fault"),
            bv(p + ".proof.transaction_fault_verdict", 8),
            bv(p + ".queue", 8),
            u64(p + ".index"),
            hash(p + ".post_state.accounts_root"),
            u64(p + ".post_state.deposits_credited"),
            u64(p + ".post_state.forced_exits_processed"),
            u64(p + ".pay.batch_number"),
            u64(p + ".pay.transaction_index"),
            boolean(p + ".pay.included"),
            boolean(p + ".pay.is_withdrawal_or_forced_exit"),
            u64(p + ".amount"),
            u64(p + ".account.balance"),
            u64(p + ".account.nonce"),
            boolean(p + ".account_proof_valid"),
            p};
  }

  // The contract at deployment: nothing staked, escrowed, recorded or paid; account 0 exists on L2,
  // so the next account index is 1; the last state root is genesis.
  expr initial(const Contract& s, const Config& cfg) const {
    const expr zero = u64v(0);
    return s.stake == zero && !s.staked && s.unlock == zero && s.escrow == zero && s.treasury == zero &&
           s.epoch == zero && s.deposits.count == zero && s.forced_exits.count == zero &&
           s.next_account_index == u64v(1) && s.last_root == cfg.genesis_root && s.batch_count == zero &&
           s.challenge_count == zero && !s.frozen && s.total == zero && s.now == zero && s.frauds == zero;
  }
  // A deployed contract's sets are empty.
  void empty_sets(Contract& s) const {
    s.paid.base = [this](const std::vector<expr>&) { return truth(false); };
    s.exited.base = [this](const std::vector<expr>&) { return truth(false); };
    s.reclaimed.base = [this](const std::vector<expr>&) { return truth(false); };
  }

  expr recorded(const Contract& s, std::size_t k) const { return u64v(k) < s.batch_count; }
  expr pending(const Contract& s, std::size_t k) const { return recorded(s, k) && !s.batches[k].final; }
  expr any_pending(const Contract& s) const {
    std::vector<expr> p;
    for (std::size_t k = 0; k < bounds_.batches; ++k) p.push_back(pending(s, k));
    return any(p);
  }
  expr is_open(const Contract& s, std::size_t y) const { return u64v(y) < s.challenge_count; }
  // escrow + stake + treasury: everything but the bonds [OR-STAKE-3, OR-BRIDGE-1].
  expr holdings(const Contract& s) const { return s.escrow + s.stake + s.treasury; }
  expr open_bonds(const Contract& s) const {
    expr sum = u64v(0);
    for (std::size_t y = 0; y < bounds_.challenges; ++y)
      sum = sum + z3::ite(is_open(s, y), s.challenges[y].bond, u64v(0));
    return sum;
  }

  // The recorded batch with `id`, one-hot over the slots (pending ones only if `pending_only`).
  std::vector<expr> batch_with(const Contract& s, const expr& id, bool pending_only) const {
    std::vector<expr> conditions;
    for (std::size_t k = 0; k < bounds_.batches; ++k)
      conditions.push_back((pending_only ? pending(s, k) : recorded(s, k)) && s.batches[k].id == id);
    return first_of(conditions);
  }
  // The open challenge with `id`, one-hot over the slots (the first, as find_challenge).
  std::vector<expr> challenge_with(const Contract& s, const expr& id) const {
    std::vector<expr> conditions;
    for (std::size_t y = 0; y < bounds_.challenges; ++y) conditions.push_back(is_open(s, y) && s.challenges[y].id == id);
    return first_of(conditions);
  }
  std::vector<expr> oldest_pending(const Contract& s) const {
    std::vector<expr> p;
    for (std::size_t k = 0; k < bounds_.batches; ++k) p.push_back(pending(s, k));
    return first_of(p);
  }
  Challenge pick_challenge(const std::vector<expr>& onehot, const Contract& s) const {
    Challenge out = s.challenges.back();
    for (std::size_t y = bounds_.challenges - 1; y-- > 0;) out = select(onehot[y], s.challenges[y], out);
    return out;
  }
  BatchRecord pick_batch(const std::vector<expr>& onehot, const Contract& s) const {
    BatchRecord out = s.batches.back();
    for (std::size_t k = bounds_.batches - 1; k-- > 0;) out = select(onehot[k], s.batches[k], out);
    return out;
  }
  Queue& queue_of(Contract& s, bool forced_exits) const { return forced_exits ? s.forced_exits : s.deposits; }

  // ---- Selection.

  BatchRecord select(const expr& c, const BatchRecord& a, const BatchRecord& b) const {
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    return {m(a.chain_id, b.chain_id),
            m(a.rollup_id, b.rollup_id),
            m(a.number, b.number),
            m(a.epoch, b.epoch),
            m(a.origin, b.origin),
            m(a.prev, b.prev),
            m(a.post, b.post),
            m(a.transactions_root, b.transactions_root),
            m(a.count, b.count),
            m(a.state_roots_root, b.state_roots_root),
            m(a.id, b.id),
            m(a.submitted_at, b.submitted_at),
            m(a.deadline, b.deadline),
            m(a.deposits_visible, b.deposits_visible),
            m(a.forced_exits_visible, b.forced_exits_visible),
            m(a.final, b.final),
            m(a.open_challenges, b.open_challenges),
            m(a.finalized_at, b.finalized_at),
            m(a.transactions_valid, b.transactions_valid)};
  }
  Challenge select(const expr& c, const Challenge& a, const Challenge& b) const {
    auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    return {m(a.id, b.id),         m(a.batch_id, b.batch_id), m(a.challenger, b.challenger),
            m(a.proof_type, b.proof_type), m(a.evidence, b.evidence), m(a.opened_at, b.opened_at),
            m(a.deadline, b.deadline), m(a.bond, b.bond)};
  }
  QueueEntry select(const expr& c, const QueueEntry& a, const QueueEntry& b) const {
    return {z3::ite(c, a.id, b.id), z3::ite(c, a.recorded_at, b.recorded_at), z3::ite(c, a.party, b.party),
            z3::ite(c, a.amount, b.amount)};
  }

  // ---- The transition relation.

  // One op's effect: its error (first failing rule) and, as if accepted, what it appends, adds,
  // pays and resolves.
  struct Effect {
    expr error;
    Contract post;  // the scalar fields and slots; queues and sets are changed through the fields below
    std::optional<QueueEntry> deposit, forced_exit;  // the record appended
    std::optional<std::vector<expr>> paid, exited, reclaimed;  // the key added
    std::vector<Payout> payouts;
    std::vector<Resolution> resolutions;
    expr domain, confirmed, slashed, reward;
    std::vector<expr> removed;
  };

  // The transition relation of one op (`only`), or of any op (the call's op code selects).
  Step step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const;

  // ---- The invariants.

  // Every field is in its type's range, the counts are in the model's bounds, the holdings fit in a
  // u64, the visible counts are at most the queues' lengths, and each queue is in recording order, no
  // record later than `now` (at the keys' indices).
  expr typing(const Contract& s, const Keys& keys) const;
  expr batches_chain(const Contract& s, const Config& cfg) const;
  expr finality(const Contract& s, const Config& cfg) const;
  expr conservation(const Contract& s) const { return s.total == holdings(s) + open_bonds(s); }
  expr paid_only_final(const Contract& s, const Keys& keys) const;
  expr challenges_well_formed(const Contract& s, const Config& cfg) const;
  expr epoch_binds_batches(const Contract& s) const;
  expr frozen_state(const Contract& s, const Keys& keys) const;
  expr invariant(const Contract& s, const Config& cfg, const Keys& keys, unsigned parts) const {
    expr ok = typing(s, keys);
    if (parts & chain_part) ok = ok && batches_chain(s, cfg);
    if (parts & finality_part) ok = ok && finality(s, cfg);
    if (parts & conservation_part) ok = ok && conservation(s);
    if (parts & paid_part) ok = ok && paid_only_final(s, keys);
    if (parts & challenges_part) ok = ok && challenges_well_formed(s, cfg);
    if (parts & epoch_part) ok = ok && epoch_binds_batches(s);
    if (parts & frozen_part) ok = ok && frozen_state(s, keys);
    return ok;
  }
  Keys keys(const std::string& p) const {
    return {u64(p + ".paid.batch_number"), u64(p + ".paid.transaction_index"), u64(p + ".exited.account_index"),
            u64(p + ".reclaimed.deposit_index"), u64(p + ".deposits.i"), u64(p + ".deposits.j"),
            u64(p + ".forced_exits.i"), u64(p + ".forced_exits.j")};
  }

  // The number of requests of `q` recorded at or below `height` (recorded_by), as the boundary of the
  // prefix: `v` with v <= count, every record at v - 1 at or below the height and the record at v
  // above it. For a queue in recording order this is exactly recorded_by.
  expr recorded_by_is(const Queue& q, const expr& height, const expr& v) const {
    return v >= u64v(0) && v <= q.count && z3::implies(v < q.count, q.at(v).recorded_at > height) &&
           z3::implies(v > u64v(0), q.at(v - u64v(1)).recorded_at <= height);
  }
  // The queue is in recording order at indices i <= j, and no record is later than `now`.
  expr in_order_at(const Queue& q, const expr& i, const expr& j, const expr& now) const {
    const expr in_range = u64v(0) <= i && i < q.count;
    return z3::implies(in_range && i <= j && j < q.count, q.at(i).recorded_at <= q.at(j).recorded_at) &&
           z3::implies(in_range, q.at(i).recorded_at <= now && is_u64(q.at(i).recorded_at) &&
                                     is_u64(q.at(i).amount));
  }

  // The overdue test of OR-FP-10 for batch `b`: the request is in its view and was recorded
  // queue_inclusion_blocks or more before its origin (at its inclusion height under the weakening
  // overdue_at_inclusion).
  expr overdue(const Contract& s, const Config& cfg, const BatchRecord& b, const expr& queue, const expr& index) const {
    const expr forced = queue == queue_kind(QueueKind::forced_exits);
    const expr visible = z3::ite(forced, b.forced_exits_visible, b.deposits_visible);
    const expr length = z3::ite(forced, s.forced_exits.count, s.deposits.count);
    const expr recorded_at = z3::ite(forced, s.forced_exits.at(index).recorded_at, s.deposits.at(index).recorded_at);
    const expr judged_at = weakening_ == Weakening::overdue_at_inclusion ? b.submitted_at : b.origin;
    return index >= u64v(0) && index < visible && index < length && !overflows(recorded_at, cfg.queue_inclusion) &&
           recorded_at + cfg.queue_inclusion <= judged_at;
  }

  Contract select(const expr& c, const Contract& a, const Contract& b) const;

  // What verify_fraud_proof reads of a proof: OR-FP-1's batch and type, OR-FP-2's shape, the timeout
  // fault's (queue, index, post-state opening), and the transaction fault's verdict (OR-FP-3..8; none
  // = confirmed).
  struct ProofFields {
    expr batch_id, proof_type, has_transaction_fault, has_timeout_fault, queue, index, accounts_root,
        deposits_credited, forced_exits_processed, transaction_verdict;
  };
  ProofFields proof_fields(const Call& in) const {
    return {in.proof_batch_id, in.proof_proof_type, in.has_transaction_fault, in.has_timeout_fault, in.queue, in.index,
            in.accounts_root, in.deposits_credited, in.forced_exits_processed, in.transaction_verdict};
  }
  // verify_fraud_proof against challenge `c` on batch `b` [OR-FP-1, 2, 9..11; OR-FP-3..8 as the
  // transaction fault's verdict]: none, or the rule that rejects. `facts`: the hash bindings it uses.
  expr fraud_verdict(const Config& cfg, const Contract& pre, const Challenge& c, const BatchRecord& b,
                     const ProofFields& p, std::vector<expr>& facts) const {
    const expr is_timeout = p.proof_type == type(FraudProofType::timeout_violation);
    const expr root = h.root_of(p.accounts_root, p.deposits_credited, p.forced_exits_processed, facts);
    const expr processed = z3::ite(p.queue == queue_kind(QueueKind::forced_exits), p.forced_exits_processed, p.deposits_credited);
    const expr timeout_error = first_failure({{root != b.post, Error::fraud_bad_state_opening},
                                              {!overdue(pre, cfg, b, p.queue, p.index), Error::fraud_request_not_overdue},
                                              {processed > p.index, Error::fraud_request_processed}});
    return z3::ite(p.batch_id != c.batch_id || p.proof_type != c.proof_type, code(Error::fraud_batch_mismatch),
                   z3::ite(is_timeout != p.has_timeout_fault || is_timeout == p.has_transaction_fault,
                           code(Error::fraud_evidence_shape), z3::ite(is_timeout, timeout_error, p.transaction_verdict)));
  }

 private:
  struct Transition;
  Weakening weakening_;
  Bounds bounds_;
};

}  // namespace l2::inv::optimistic_rollup::model
