// The L1 rollup contract's transition relation, op by op, and its invariants.
// spec: optimistic_rollup.md#the-z3-model
#include "contract_model.hpp"

namespace l2::inv::optimistic_rollup::model {

Contract ContractModel::select(const expr& c, const Contract& a, const Contract& b) const {
  auto m = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
  Contract out = b;
  out.stake = m(a.stake, b.stake);
  out.staked = m(a.staked, b.staked);
  out.unlock = m(a.unlock, b.unlock);
  out.escrow = m(a.escrow, b.escrow);
  out.treasury = m(a.treasury, b.treasury);
  out.epoch = m(a.epoch, b.epoch);
  out.deposits.count = m(a.deposits.count, b.deposits.count);
  out.forced_exits.count = m(a.forced_exits.count, b.forced_exits.count);
  out.next_account_index = m(a.next_account_index, b.next_account_index);
  out.last_root = m(a.last_root, b.last_root);
  out.batch_count = m(a.batch_count, b.batch_count);
  for (std::size_t k = 0; k < bounds_.batches; ++k) out.batches[k] = select(c, a.batches[k], b.batches[k]);
  out.challenge_count = m(a.challenge_count, b.challenge_count);
  for (std::size_t y = 0; y < bounds_.challenges; ++y) out.challenges[y] = select(c, a.challenges[y], b.challenges[y]);
  out.frozen = m(a.frozen, b.frozen);
  out.total = m(a.total, b.total);
  out.now = m(a.now, b.now);
  out.frauds = m(a.frauds, b.frauds);
  return out;
}

// One step's effects, op by op, overloaded on the table's operation types: a table entry without an
// effect here does not compile.
struct ContractModel::Transition {
  const ContractModel& m;
  const Config& cfg;
  const Contract& pre;
  const Call& in;

  std::size_t batches() const { return m.bounds_.batches; }
  std::size_t challenges() const { return m.bounds_.challenges; }

  Effect base() const {
    Effect e{m.code(Error::none), pre, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, {}, {},
             m.truth(true), m.truth(false), m.u64v(0), m.u64v(0), {}};
    for (std::size_t i = 0; i < challenges() + 2; ++i) e.payouts.push_back({m.zero_hash(), m.u64v(0)});
    for (std::size_t i = 0; i < challenges() + 1; ++i)
      e.resolutions.push_back({m.truth(false), m.zero_hash(), m.resolution(ResolutionKind::fraud_confirmed), m.u64v(0),
                               m.u64v(0), m.u64v(0), m.u64v(0), m.code(Error::none)});
    for (std::size_t k = 0; k < batches(); ++k) e.removed.push_back(m.truth(false));
    return e;
  }

  expr not_operator() const { return in.caller != cfg.operator_key; }  // [OR-STAKE-1]
  expr holdings_overflow() const { return m.overflows(m.holdings(pre), in.value); }

  // The challenge with the call's id removed (and, when `refunded`, those too), the rest compacted
  // in order; the count of the rest.
  void keep_challenges(Contract& post, const std::vector<expr>& keep) const {
    std::vector<expr> position;
    expr before = m.u64v(0);
    for (std::size_t y = 0; y < challenges(); ++y) {
      position.push_back(before);
      before = before + z3::ite(keep[y], m.u64v(1), m.u64v(0));
    }
    post.challenge_count = before;
    for (std::size_t i = 0; i < challenges(); ++i) {
      Challenge slot = pre.challenges[i];
      for (std::size_t y = challenges(); y-- > i;)
        slot = m.select(keep[y] && position[y] == m.u64v(i), pre.challenges[y], slot);
      post.challenges[i] = slot;
    }
  }

  // A challenge that ends without a fraud: closed (its batch's count decremented), its bond paid to
  // the operator at once [forfeit_challenge, close_challenge].
  Effect forfeit(Effect e, const std::vector<expr>& chosen, const Challenge& c, ResolutionKind kind,
                 const expr& reason) const {
    std::vector<expr> keep;
    for (std::size_t y = 0; y < challenges(); ++y) keep.push_back(m.is_open(pre, y) && !chosen[y]);
    keep_challenges(e.post, keep);
    const std::vector<expr> batch = m.batch_with(pre, c.batch_id, true);
    for (std::size_t k = 0; k < batches(); ++k)
      e.post.batches[k].open_challenges =
          z3::ite(batch[k], pre.batches[k].open_challenges - m.u64v(1), pre.batches[k].open_challenges);
    e.payouts[0] = {cfg.operator_key, c.bond};
    e.resolutions[0] = {m.truth(true), c.id, m.resolution(kind), m.u64v(0), m.u64v(0), m.u64v(0), c.bond, reason};
    return e;
  }

  // stake [OR-STAKE-1, OR-STAKE-2, OR-STAKE-3]
  Effect effect(std::type_identity<ref::optimistic_rollup::Stake>) const {
    Effect e = base();
    e.error = m.first_failure({{not_operator(), Error::not_operator},
                               {!pre.staked && in.value < cfg.minimum_stake, Error::stake_below_minimum},
                               {holdings_overflow(), Error::stake_overflow}});
    e.post.stake = pre.stake + in.value;
    e.post.staked = m.truth(true);
    e.post.unlock = m.max(pre.unlock, m.saturating_add(in.height, cfg.stake_lock_period));
    return e;
  }
  // unstake [OR-STAKE-1, OR-UNSTAKE-1, OR-UNSTAKE-2]
  Effect effect(std::type_identity<ref::optimistic_rollup::Unstake>) const {
    Effect e = base();
    e.error = m.first_failure({{not_operator(), Error::not_operator},
                               {in.height < pre.unlock, Error::stake_locked},
                               {m.any_pending(pre), Error::batches_pending}});
    e.post.stake = m.u64v(0);
    e.post.staked = m.truth(false);
    e.payouts[0] = {cfg.operator_key, pre.stake};
    return e;
  }
  // deposit_new_account [OR-FROZEN-1, OR-BRIDGE-4, OR-BRIDGE-1, OR-BRIDGE-3, OR-BRIDGE-5]
  Effect effect(std::type_identity<ref::optimistic_rollup::DepositNewAccount>) const {
    Effect e = base();
    e.error = m.first_failure({{pre.frozen, Error::rollup_frozen},
                               {in.value < cfg.min_deposit, Error::deposit_below_minimum},
                               {holdings_overflow(), Error::escrow_overflow},
                               {pre.next_account_index > m.u64v(0xffffffffULL), Error::accounts_exhausted},
                               {!m.h.on_curve(in.owner), Error::deposit_owner_invalid}});
    e.deposit = QueueEntry{m.h.deposit_id(pre.deposits.count, pre.next_account_index, m.truth(true), in.owner, in.value),
                           in.height, in.caller, in.value};
    e.post.escrow = pre.escrow + in.value;
    e.post.next_account_index = pre.next_account_index + m.u64v(1);
    return e;
  }
  // deposit_top_up [OR-FROZEN-1, OR-BRIDGE-4, OR-BRIDGE-1, OR-BRIDGE-2]
  Effect effect(std::type_identity<ref::optimistic_rollup::DepositTopUp>) const {
    Effect e = base();
    e.error = m.first_failure({{pre.frozen, Error::rollup_frozen},
                               {in.value < cfg.min_deposit, Error::deposit_below_minimum},
                               {holdings_overflow(), Error::escrow_overflow},
                               {in.account >= pre.next_account_index, Error::deposit_unknown_account}});
    e.deposit = QueueEntry{m.h.deposit_id(pre.deposits.count, in.account, m.truth(false), m.zero_hash(), in.value),
                           in.height, in.caller, in.value};
    e.post.escrow = pre.escrow + in.value;
    return e;
  }
  // request_forced_exit [OR-FROZEN-1, OR-FEXQ-1, OR-FEXQ-2]
  Effect effect(std::type_identity<ref::optimistic_rollup::RequestForcedExit>) const {
    Effect e = base();
    e.error = m.first_failure({{pre.frozen, Error::rollup_frozen},
                               {in.value != cfg.forced_exit_fee, Error::forced_exit_fee},
                               {in.account >= pre.next_account_index, Error::forced_exit_unknown_account}});
    e.forced_exit = QueueEntry{m.h.forced_exit_id(pre.forced_exits.count, in.account, in.caller, in.recipient),
                               in.height, m.zero_hash(), m.u64v(0)};
    e.payouts[0] = {cfg.operator_key, in.value};  // the fee pays the operator at once
    return e;
  }
  // submit_batch [OR-FROZEN-1, OR-BATCH-1, 2, 13, 3, 4, 14, 15, 5..12]
  Effect effect(std::type_identity<ref::optimistic_rollup::SubmitBatch>) const {
    Effect e = base();
    std::vector<std::pair<expr, Error>> checks{
        {pre.frozen, Error::rollup_frozen},
        {!pre.staked || pre.stake < cfg.minimum_stake, Error::operator_understaked},
        {in.chain_id != cfg.chain_id || in.rollup_id != cfg.rollup_id, Error::batch_wrong_rollup}};
    if (m.weakening_ != Weakening::reverted_batch_replayable) checks.push_back({in.epoch != pre.epoch, Error::batch_wrong_epoch});
    const std::vector<std::pair<expr, Error>> rest{
        {in.number != pre.batch_count, Error::batch_out_of_order},
        {in.prev != pre.last_root, Error::batch_prev_root_mismatch},
        {in.origin >= in.height, Error::batch_origin_in_future},
        {in.height > m.saturating_add(in.origin, cfg.sequencing_window), Error::batch_origin_stale},
        {in.transactions_length == m.u64v(0), Error::batch_empty},
        {in.transactions_length > cfg.max_batch_size, Error::batch_too_large},
        {in.count != in.transactions_length, Error::batch_count_mismatch},
        {!in.transactions_root_ok, Error::batch_tx_root_mismatch},
        {in.state_roots_length != in.transactions_length + m.u64v(1), Error::batch_state_root_count},
        {in.first_root != in.prev || in.last_root != in.post, Error::batch_state_root_endpoints},
        {!in.state_roots_root_ok, Error::batch_state_roots_mismatch},
        {!in.signature_ok, Error::bad_operator_signature}};
    checks.insert(checks.end(), rest.begin(), rest.end());
    e.error = m.first_failure(checks);
    const expr id = m.h.batch_id_of({in.chain_id, in.rollup_id, in.number, in.epoch, in.origin, in.prev, in.post,
                                     in.transactions_root, in.count, in.state_roots_root});
    // batch_id binds the batch number and the epoch (collision resistance at this term); a free slot.
    e.domain = m.h.batch_id_number(id) == in.number && m.h.batch_id_epoch(id) == in.epoch &&
               pre.batch_count < m.u64v(batches()) && m.recorded_by_is(pre.deposits, in.origin, in.deposits_visible) &&
               m.recorded_by_is(pre.forced_exits, in.origin, in.forced_exits_visible);
    for (const expr& field : {in.chain_id, in.number, in.epoch, in.origin, in.count, in.transactions_length,
                              in.state_roots_length})
      e.domain = e.domain && m.is_u64(field);
    const BatchRecord record{in.chain_id,
                             in.rollup_id,
                             in.number,
                             in.epoch,
                             in.origin,
                             in.prev,
                             in.post,
                             in.transactions_root,
                             in.count,
                             in.state_roots_root,
                             id,
                             in.height,
                             m.saturating_add(in.height, cfg.challenge_period),
                             in.deposits_visible,
                             in.forced_exits_visible,
                             m.truth(false),
                             m.u64v(0),
                             m.u64v(0),
                             in.transactions_valid};
    for (std::size_t k = 0; k < batches(); ++k)
      e.post.batches[k] = m.select(pre.batch_count == m.u64v(k), record, pre.batches[k]);
    e.post.batch_count = pre.batch_count + m.u64v(1);
    e.post.last_root = in.post;
    return e;
  }
  // open_challenge [OR-CHAL-1..5]
  Effect effect(std::type_identity<ref::optimistic_rollup::OpenChallenge>) const {
    Effect e = base();
    const std::vector<expr> target = m.batch_with(pre, in.batch_id, true);
    const BatchRecord batch = m.pick_batch(target, pre);
    const expr too_late =
        m.weakening_ == Weakening::challenge_accepted_at_deadline ? in.height > batch.deadline : in.height >= batch.deadline;
    const expr id = challenge_id(in.caller, in.evidence);
    std::vector<expr> duplicates;
    for (std::size_t y = 0; y < challenges(); ++y) duplicates.push_back(m.is_open(pre, y) && pre.challenges[y].id == id);
    e.error = m.first_failure({{!m.any(target), Error::challenge_unknown_batch},
                               {too_late, Error::challenge_too_late},
                               {in.value < cfg.min_challenge_bond, Error::challenge_bond_too_small},
                               {in.proof_type == m.type(FraudProofType::data_withholding), Error::challenge_type_not_applicable},
                               {m.any(duplicates), Error::challenge_duplicate}});
    e.domain = z3::ule(in.proof_type, m.type(FraudProofType::data_withholding)) &&
               pre.challenge_count < m.u64v(challenges()) && challenge_id_binds(id, in.caller, in.evidence);
    const Challenge opened{id,        in.batch_id, in.caller,
                           in.proof_type, in.evidence, in.height,
                           m.saturating_add(in.height, cfg.resolution_period), in.value};
    for (std::size_t y = 0; y < challenges(); ++y)
      e.post.challenges[y] = m.select(pre.challenge_count == m.u64v(y), opened, pre.challenges[y]);
    e.post.challenge_count = pre.challenge_count + m.u64v(1);
    for (std::size_t k = 0; k < batches(); ++k)
      e.post.batches[k].open_challenges =
          z3::ite(target[k], pre.batches[k].open_challenges + m.u64v(1), pre.batches[k].open_challenges);
    return e;
  }
  // resolve_challenge [OR-RES-1..4, then verify_fraud_proof OR-FP-1..11: confirm_fraud or forfeit]
  Effect effect(std::type_identity<ref::optimistic_rollup::ResolveChallenge>) const {
    Effect e = base();
    const std::vector<expr> chosen = m.challenge_with(pre, in.challenge_id);
    const Challenge c = m.pick_challenge(chosen, pre);
    const std::vector<expr> batch_of = m.batch_with(pre, c.batch_id, true);
    const BatchRecord batch = m.pick_batch(batch_of, pre);
    e.error = m.first_failure({{!m.any(chosen) || !m.any(batch_of), Error::unknown_challenge},
                               {in.height >= c.deadline, Error::challenge_expired},
                               {in.height <= c.opened_at, Error::reveal_too_early},
                               {m.h.evidence(c.challenger, in.proof) != c.evidence, Error::evidence_mismatch}});
    // verify_fraud_proof
    std::vector<expr> facts;
    const expr verdict = m.fraud_verdict(cfg, pre, c, batch, m.proof_fields(in), facts);
    e.domain = m.all(facts) && m.h.evidence_challenger(m.h.evidence(c.challenger, in.proof)) == c.challenger &&
               m.h.evidence_proof(m.h.evidence(c.challenger, in.proof)) == in.proof &&
               (in.transaction_verdict == m.code(Error::none) ||
                (z3::uge(in.transaction_verdict, m.code(Error::fraud_tx_not_included)) &&
                 z3::ule(in.transaction_verdict, m.code(Error::fraud_type_mismatch)))) &&
               z3::ule(in.proof_proof_type, m.type(FraudProofType::data_withholding)) &&
               z3::ule(in.queue, m.queue_kind(QueueKind::forced_exits)) && m.is_u64(in.index) &&
               m.is_u64(in.deposits_credited) && m.is_u64(in.forced_exits_processed);
    // The L2 model's soundness lemma: a transaction fault confirms only against a batch with a faulty
    // transaction (the ghost `transactions_valid` is false).
    e.domain = e.domain && z3::implies(in.transaction_verdict == m.code(Error::none) && m.any(batch_of), !batch.transactions_valid);
    e.confirmed = verdict == m.code(Error::none);

    // FraudConfirmed [confirm_fraud]: slashed = floor(stake * penalty_percentage / 100), exactly.
    const expr slashed = m.u64(in.prefix + ".slashed"), reward = m.u64(in.prefix + ".reward");
    const expr product = m.times_penalty(cfg, pre.stake);
    e.domain = e.domain && m.u64v(100) * slashed <= product && product < m.u64v(100) * slashed + m.u64v(100) &&
               m.u64v(2) * reward <= slashed && slashed < m.u64v(2) * reward + m.u64v(2) &&
               slashed >= m.u64v(0) && slashed <= pre.stake;  // the bound conservation/slash proves
    e.slashed = slashed;
    e.reward = reward;
    Effect confirmed = e;
    confirmed.post.stake = pre.stake - slashed;
    confirmed.post.treasury = pre.treasury + (slashed - reward);
    confirmed.post.last_root = batch.prev;
    confirmed.post.epoch = pre.epoch + m.u64v(1);
    std::vector<expr> positions;
    for (std::size_t k = 0; k < batches(); ++k) positions.push_back(m.u64v(k));
    confirmed.post.batch_count = m.pick(batch_of, positions);
    expr from_here = m.truth(false);
    for (std::size_t k = 0; k < batches(); ++k) {
      from_here = from_here || batch_of[k];
      confirmed.removed[k] = from_here && m.recorded(pre, k);
    }
    confirmed.payouts[0] = {c.challenger, c.bond};
    confirmed.payouts[1] = {c.challenger, reward};
    confirmed.resolutions[0] = {m.truth(true), c.id, m.resolution(ResolutionKind::fraud_confirmed), slashed,
                                c.bond,      reward, m.u64v(0), m.code(Error::none)};
    std::vector<expr> keep;
    for (std::size_t y = 0; y < challenges(); ++y) {
      const Challenge& other = pre.challenges[y];
      expr on_removed = m.truth(false);
      for (std::size_t k = 0; k < batches(); ++k)
        on_removed = on_removed || (confirmed.removed[k] && other.batch_id == pre.batches[k].id);
      const expr candidate = m.is_open(pre, y) && !chosen[y];
      const expr refunded = candidate && on_removed;
      keep.push_back(candidate && !on_removed);
      confirmed.payouts[2 + y] = {other.challenger, z3::ite(refunded, other.bond, m.u64v(0))};
      confirmed.resolutions[1 + y] = {refunded,  other.id,  m.resolution(ResolutionKind::batch_reverted),
                                      m.u64v(0), other.bond, m.u64v(0),
                                      m.u64v(0), m.code(Error::none)};
    }
    keep_challenges(confirmed.post, keep);

    const Effect rejected = forfeit(e, chosen, c, ResolutionKind::challenge_rejected, verdict);
    return choose(e.confirmed, confirmed, rejected);
  }
  // expire_challenge [OR-RES-1, OR-EXP-1]
  Effect effect(std::type_identity<ref::optimistic_rollup::ExpireChallenge>) const {
    const std::vector<expr> chosen = m.challenge_with(pre, in.challenge_id);
    const Challenge c = m.pick_challenge(chosen, pre);
    Effect e = forfeit(base(), chosen, c, ResolutionKind::challenge_rejected, m.code(Error::challenge_expired));
    e.error = m.first_failure({{!m.any(chosen), Error::unknown_challenge}, {in.height < c.deadline, Error::challenge_not_expired}});
    return e;
  }
  // withdraw_challenge [OR-RES-1, OR-WDC-1, OR-RES-2]
  Effect effect(std::type_identity<ref::optimistic_rollup::WithdrawChallenge>) const {
    const std::vector<expr> chosen = m.challenge_with(pre, in.challenge_id);
    const Challenge c = m.pick_challenge(chosen, pre);
    Effect e = forfeit(base(), chosen, c, ResolutionKind::challenge_withdrawn, m.code(Error::none));
    e.error = m.first_failure({{!m.any(chosen), Error::unknown_challenge},
                               {in.caller != c.challenger, Error::not_challenger},
                               {in.height >= c.deadline, Error::challenge_expired}});
    return e;
  }
  // finalize [OR-FIN-1..3]
  Effect effect(std::type_identity<ref::optimistic_rollup::Finalize>) const {
    Effect e = base();
    const std::vector<expr> oldest = m.oldest_pending(pre);
    const BatchRecord batch = m.pick_batch(oldest, pre);
    std::vector<std::pair<expr, Error>> checks{{!m.any(oldest), Error::nothing_to_finalize},
                                           {in.height < batch.deadline, Error::challenge_period_open}};
    if (m.weakening_ != Weakening::finalize_ignores_open_challenges)
      checks.emplace_back(batch.open_challenges != m.u64v(0), Error::challenges_open);
    e.error = m.first_failure(checks);
    for (std::size_t k = 0; k < batches(); ++k) {
      e.post.batches[k].final = pre.batches[k].final || oldest[k];
      e.post.batches[k].finalized_at = z3::ite(oldest[k], in.height, pre.batches[k].finalized_at);
    }
    return e;
  }
  // pay_withdrawal [OR-PAY-1..5]
  Effect effect(std::type_identity<ref::optimistic_rollup::PayWithdrawal>) const {
    Effect e = base();
    std::vector<expr> named;
    for (std::size_t k = 0; k < batches(); ++k) named.push_back(in.pay_batch == m.u64v(k) && m.recorded(pre, k));
    const BatchRecord batch = m.pick_batch(named, pre);
    e.error = m.first_failure({{!(m.any(named) && batch.final), Error::pay_batch_not_final},
                               {!in.included, Error::pay_tx_not_included},
                               {!in.is_outflow, Error::pay_not_withdrawal},
                               {pre.paid.contains({in.pay_batch, in.pay_index}), Error::pay_already_paid},
                               {pre.escrow < in.amount, Error::pay_escrow_insufficient}});
    // An RFC 6962 inclusion exists only for an index inside the tree.
    e.domain = z3::implies(in.included && m.any(named), in.pay_index < batch.count) && m.is_u64(in.pay_batch) &&
               m.is_u64(in.pay_index) && m.is_u64(in.amount);
    e.post.escrow = pre.escrow - in.amount;
    e.paid = std::vector<expr>{in.pay_batch, in.pay_index};
    e.payouts[0] = {in.recipient, in.amount};
    return e;
  }
  // freeze [OR-FRZ-1..5]
  Effect effect(std::type_identity<ref::optimistic_rollup::Freeze>) const {
    Effect e = base();
    std::vector<expr> facts;
    const expr forced = in.queue == m.queue_kind(QueueKind::forced_exits);
    const expr length = z3::ite(forced, pre.forced_exits.count, pre.deposits.count);
    const expr recorded_at = z3::ite(forced, pre.forced_exits.at(in.index).recorded_at, pre.deposits.at(in.index).recorded_at);
    const expr processed = z3::ite(forced, in.forced_exits_processed, in.deposits_credited);
    const expr root = m.h.root_of(in.accounts_root, in.deposits_credited, in.forced_exits_processed, facts);
    e.error = m.first_failure({{pre.frozen, Error::already_frozen},
                               {in.index >= length, Error::freeze_unknown_request},
                               {m.overflows(recorded_at, cfg.escape_delay) || in.height < recorded_at + cfg.escape_delay,
                                Error::freeze_not_overdue},
                               {root != pre.last_root, Error::freeze_bad_state_opening},
                               {processed > in.index, Error::freeze_request_processed}});
    e.domain = m.all(facts) && z3::ule(in.queue, m.queue_kind(QueueKind::forced_exits)) && m.is_u64(in.index) &&
               m.is_u64(in.deposits_credited) && m.is_u64(in.forced_exits_processed);
    e.post.frozen = m.truth(true);
    return e;
  }
  // exit and reclaim_deposit both first check OR-EXIT-1..3.
  std::vector<std::pair<expr, Error>> final_state_checks(std::vector<expr>& facts) const {
    const expr root = m.h.root_of(in.accounts_root, in.deposits_credited, in.forced_exits_processed, facts);
    return {{!pre.frozen, Error::not_frozen}, {m.any_pending(pre), Error::exit_batches_pending},
            {root != pre.last_root, Error::exit_bad_state_opening}};
  }
  // exit [OR-EXIT-1..6]
  Effect effect(std::type_identity<ref::optimistic_rollup::Exit>) const {
    Effect e = base();
    std::vector<expr> facts;
    std::vector<std::pair<expr, Error>> checks = final_state_checks(facts);
    checks.emplace_back(!in.account_proof_ok, Error::exit_bad_account_proof);
    checks.emplace_back(pre.exited.contains({in.account}), Error::exit_already_exited);
    checks.emplace_back(pre.escrow < in.balance, Error::exit_escrow_insufficient);
    e.error = m.first_failure(checks);
    e.domain = m.all(facts) && m.is_u32(in.account) && m.is_u64(in.balance) && m.is_u64(in.nonce) &&
               m.is_u64(in.deposits_credited) && m.is_u64(in.forced_exits_processed);
    e.post.escrow = pre.escrow - in.balance;
    e.exited = std::vector<expr>{in.account};
    e.payouts[0] = {in.owner, in.balance};
    return e;
  }
  // reclaim_deposit [OR-EXIT-1..3, OR-RECL-1..4]
  Effect effect(std::type_identity<ref::optimistic_rollup::ReclaimDeposit>) const {
    Effect e = base();
    std::vector<expr> facts;
    const QueueEntry deposit = pre.deposits.at(in.index);
    std::vector<std::pair<expr, Error>> checks = final_state_checks(facts);
    checks.emplace_back(in.index >= pre.deposits.count, Error::reclaim_unknown_deposit);
    checks.emplace_back(in.index < in.deposits_credited, Error::reclaim_deposit_credited);
    checks.emplace_back(pre.reclaimed.contains({in.index}), Error::reclaim_already_reclaimed);
    checks.emplace_back(pre.escrow < deposit.amount, Error::reclaim_escrow_insufficient);
    e.error = m.first_failure(checks);
    e.domain = m.all(facts) && m.is_u64(in.index) && m.is_u64(in.deposits_credited) &&
               m.is_u64(in.forced_exits_processed);
    e.post.escrow = pre.escrow - deposit.amount;
    e.reclaimed = std::vector<expr>{in.index};
    e.payouts[0] = {deposit.party, deposit.amount};
    return e;
  }

  // challenge_id = H(challenger, evidence) [OR-CHAL-5]; the evidence itself under challenge_id_is_evidence.
  expr challenge_id(const expr& challenger, const expr& evidence) const {
    return m.weakening_ == Weakening::challenge_id_is_evidence ? evidence : m.h.challenge_id(challenger, evidence);
  }
  expr challenge_id_binds(const expr& id, const expr& challenger, const expr& evidence) const {
    if (m.weakening_ == Weakening::challenge_id_is_evidence) return id == evidence;
    return m.h.challenge_id_challenger(id) == challenger && m.h.challenge_id_evidence(id) == evidence;
  }

  // The two outcomes of resolve_challenge, by the verdict.
  Effect choose(const expr& c, const Effect& a, const Effect& b) const {
    Effect out = b;
    out.post = m.select(c, a.post, b.post);
    for (std::size_t i = 0; i < out.payouts.size(); ++i)
      out.payouts[i] = {z3::ite(c, a.payouts[i].to, b.payouts[i].to), z3::ite(c, a.payouts[i].amount, b.payouts[i].amount)};
    for (std::size_t i = 0; i < out.resolutions.size(); ++i) out.resolutions[i] = select(c, a.resolutions[i], b.resolutions[i]);
    for (std::size_t k = 0; k < out.removed.size(); ++k) out.removed[k] = c && a.removed[k];
    out.confirmed = c;
    return out;
  }
  Resolution select(const expr& c, const Resolution& a, const Resolution& b) const {
    auto s = [&](const expr& x, const expr& y) { return z3::ite(c, x, y); };
    return {s(a.present, b.present), s(a.id, b.id), s(a.kind, b.kind), s(a.slashed, b.slashed),
            s(a.refunded_bond, b.refunded_bond), s(a.reward, b.reward), s(a.forfeited_bond, b.forfeited_bond),
            s(a.reason, b.reason)};
  }
};

Step ContractModel::step(const Config& cfg, const Contract& pre, const Call& in, std::optional<Op> only) const {
  const Transition t{*this, cfg, pre, in};
  std::vector<std::pair<Op, Effect>> effects;
  ref::optimistic_rollup::Operations::for_each([&](auto op) {
    using Operation = typename decltype(op)::type;
    constexpr Op code = op_code<Operation>;
    if (only && *only != code) return;
    Effect e = t.effect(op);
    // Only the payable entry points take value; every other call carries none.
    if (code != op_code<ref::optimistic_rollup::Stake> && code != op_code<ref::optimistic_rollup::DepositNewAccount> && code != op_code<ref::optimistic_rollup::DepositTopUp> &&
        code != op_code<ref::optimistic_rollup::RequestForcedExit> && code != op_code<ref::optimistic_rollup::OpenChallenge>)
      e.domain = e.domain && in.value == u64v(0);
    effects.emplace_back(code, std::move(e));
  });

  // Select the op's effect.
  Effect chosen = effects.back().second;
  expr domain = z3::implies(in.op == opcode(effects.back().first), chosen.domain);
  expr known = in.op == opcode(effects.back().first);
  auto merge_entry = [&](const expr& is_op, const std::optional<QueueEntry>& mine, std::optional<QueueEntry>& merged,
                         expr& present) {
    if (!mine) return;
    merged = merged ? select(is_op, *mine, *merged) : *mine;
    present = present || is_op;
  };
  auto merge_key = [&](const expr& is_op, const std::optional<std::vector<expr>>& mine,
                       std::optional<std::vector<expr>>& merged, expr& present) {
    if (!mine) return;
    if (merged)
      for (std::size_t i = 0; i < mine->size(); ++i) (*merged)[i] = z3::ite(is_op, (*mine)[i], (*merged)[i]);
    else
      merged = mine;
    present = present || is_op;
  };
  const expr last_op = in.op == opcode(effects.back().first);
  expr deposit_present = truth(false), forced_exit_present = truth(false), paid_present = truth(false),
       exited_present = truth(false), reclaimed_present = truth(false);
  std::optional<QueueEntry> deposit, forced_exit;
  std::optional<std::vector<expr>> paid, exited, reclaimed;
  merge_entry(last_op, chosen.deposit, deposit, deposit_present);
  merge_entry(last_op, chosen.forced_exit, forced_exit, forced_exit_present);
  merge_key(last_op, chosen.paid, paid, paid_present);
  merge_key(last_op, chosen.exited, exited, exited_present);
  merge_key(last_op, chosen.reclaimed, reclaimed, reclaimed_present);
  for (std::size_t i = effects.size() - 1; i-- > 0;) {
    const expr is_op = in.op == opcode(effects[i].first);
    const Effect& e = effects[i].second;
    known = known || is_op;
    domain = domain && z3::implies(is_op, e.domain);
    chosen.error = z3::ite(is_op, e.error, chosen.error);
    chosen.post = select(is_op, e.post, chosen.post);
    for (std::size_t p = 0; p < chosen.payouts.size(); ++p)
      chosen.payouts[p] = {z3::ite(is_op, e.payouts[p].to, chosen.payouts[p].to),
                           z3::ite(is_op, e.payouts[p].amount, chosen.payouts[p].amount)};
    for (std::size_t r = 0; r < chosen.resolutions.size(); ++r) {
      const Resolution &a = e.resolutions[r], &b = chosen.resolutions[r];
      chosen.resolutions[r] = {z3::ite(is_op, a.present, b.present),
                               z3::ite(is_op, a.id, b.id),
                               z3::ite(is_op, a.kind, b.kind),
                               z3::ite(is_op, a.slashed, b.slashed),
                               z3::ite(is_op, a.refunded_bond, b.refunded_bond),
                               z3::ite(is_op, a.reward, b.reward),
                               z3::ite(is_op, a.forfeited_bond, b.forfeited_bond),
                               z3::ite(is_op, a.reason, b.reason)};
    }
    for (std::size_t k = 0; k < chosen.removed.size(); ++k) chosen.removed[k] = z3::ite(is_op, e.removed[k], chosen.removed[k]);
    chosen.confirmed = z3::ite(is_op, e.confirmed, chosen.confirmed);
    chosen.slashed = z3::ite(is_op, e.slashed, chosen.slashed);
    chosen.reward = z3::ite(is_op, e.reward, chosen.reward);
    merge_entry(is_op, e.deposit, deposit, deposit_present);
    merge_entry(is_op, e.forced_exit, forced_exit, forced_exit_present);
    merge_key(is_op, e.paid, paid, paid_present);
    merge_key(is_op, e.exited, exited, exited_present);
    merge_key(is_op, e.reclaimed, reclaimed, reclaimed_present);
  }
  // The environment: a known op, every u64 input in range, L1 heights never decrease.
  domain = domain && known && is_u64(in.height) && is_u64(in.value) && is_u32(in.account) && in.height >= pre.now;

  const expr accepted = chosen.error == code(Error::none);
  Step out{chosen.error, select(accepted, chosen.post, pre), {}, {}, domain, accepted && chosen.confirmed, {},
           chosen.slashed, chosen.reward, u64v(0)};
  // Queues and sets: the record or key the accepted op appends.
  out.post.deposits = pre.deposits;
  out.post.forced_exits = pre.forced_exits;
  out.post.paid = pre.paid;
  out.post.exited = pre.exited;
  out.post.reclaimed = pre.reclaimed;
  auto append = [&](Queue& q, const std::optional<QueueEntry>& entry, const expr& present) {
    if (!entry) return;
    const expr added = accepted && present;
    const expr index = q.count;  // the count before the step
    q.appended.push_back({added, index, *entry});
    q.count = z3::ite(added, index + u64v(1), index);
  };
  append(out.post.deposits, deposit, deposit_present);
  append(out.post.forced_exits, forced_exit, forced_exit_present);
  auto add = [&](KeySet& set, const std::optional<std::vector<expr>>& key, const expr& present) {
    if (key) set.added.push_back({accepted && present, *key});
  };
  add(out.post.paid, paid, paid_present);
  add(out.post.exited, exited, exited_present);
  add(out.post.reclaimed, reclaimed, reclaimed_present);
  for (const Payout& p : chosen.payouts) {
    out.payouts.push_back({p.to, z3::ite(accepted, p.amount, u64v(0))});
    out.paid_out = out.paid_out + out.payouts.back().amount;
  }
  for (const Resolution& r : chosen.resolutions) {
    Resolution guarded = r;
    guarded.present = accepted && r.present;
    out.resolutions.push_back(guarded);
  }
  for (const expr& removed : chosen.removed) out.removed.push_back(out.confirmed && removed);
  out.post.total = z3::ite(accepted, pre.total + in.value - out.paid_out, pre.total);
  out.post.now = z3::ite(accepted, in.height, pre.now);
  out.post.frauds = z3::ite(out.confirmed, pre.frauds + u64v(1), pre.frauds);
  return out;
}

// ---- Invariants.

expr ContractModel::typing(const Contract& s, const Keys& keys) const {
  // Counts that only grow by one per step (the queues' lengths, the epoch) are not bounded: 2^64 steps
  // do not happen.
  expr ok = is_u64(s.stake) && is_u64(s.unlock) && is_u64(s.escrow) && is_u64(s.treasury) && s.epoch >= u64v(0) &&
            s.next_account_index >= u64v(1) && s.next_account_index <= u64v(0x100000000ULL) && is_u64(s.now) &&
            s.total >= u64v(0) && s.frauds >= u64v(0) && holdings(s) <= u64max() && s.deposits.count >= u64v(0) &&
            s.forced_exits.count >= u64v(0) && s.batch_count >= u64v(0) && s.batch_count <= u64v(bounds_.batches) &&
            s.challenge_count >= u64v(0) && s.challenge_count <= u64v(bounds_.challenges);
  for (std::size_t k = 0; k < bounds_.batches; ++k) {
    const BatchRecord& b = s.batches[k];
    ok = ok && z3::implies(recorded(s, k),
                           is_u64(b.chain_id) && is_u64(b.number) && is_u64(b.epoch) && is_u64(b.origin) &&
                               is_u64(b.count) && is_u64(b.submitted_at) && is_u64(b.deadline) &&
                               b.deposits_visible >= u64v(0) && b.deposits_visible <= s.deposits.count &&
                               b.forced_exits_visible >= u64v(0) && b.forced_exits_visible <= s.forced_exits.count &&
                               is_u64(b.open_challenges) && is_u64(b.finalized_at) && b.submitted_at <= s.now &&
                               b.origin < b.submitted_at);
  }
  for (std::size_t y = 0; y < bounds_.challenges; ++y) {
    const Challenge& c = s.challenges[y];
    ok = ok && z3::implies(is_open(s, y), is_u64(c.opened_at) && is_u64(c.deadline) && is_u64(c.bond) &&
                                              c.opened_at <= s.now);
  }
  return ok && in_order_at(s.deposits, keys.deposit_i, keys.deposit_j, s.now) &&
         in_order_at(s.forced_exits, keys.forced_exit_i, keys.forced_exit_j, s.now);
}

// batches_chain: numbers are positions, batch ids bind them, each batch starts where the one before
// ended (the first at genesis), and last_state_root is the last batch's post-root.
expr ContractModel::batches_chain(const Contract& s, const Config& cfg) const {
  expr ok = z3::implies(s.batch_count == u64v(0), s.last_root == cfg.genesis_root);
  for (std::size_t k = 0; k < bounds_.batches; ++k) {
    const BatchRecord& b = s.batches[k];
    const expr prev = k == 0 ? cfg.genesis_root : s.batches[k - 1].post;
    ok = ok && z3::implies(recorded(s, k), b.number == u64v(k) && h.batch_id_number(b.id) == u64v(k) && b.prev == prev);
    ok = ok && z3::implies(s.batch_count == u64v(k + 1), s.last_root == b.post);
  }
  return ok;
}

// finality_requires_challenge_period (the state part): a final batch is recorded, was finalized at or
// after its challenge deadline, has no open challenge, and every earlier batch is final; each
// recorded batch's deadline is min(submitted_at + challenge_period_blocks, UINT64_MAX).
expr ContractModel::finality(const Contract& s, const Config& cfg) const {
  expr ok = truth(true);
  for (std::size_t k = 0; k < bounds_.batches; ++k) {
    const BatchRecord& b = s.batches[k];
    ok = ok && z3::implies(recorded(s, k) && b.final, b.finalized_at >= b.deadline && b.open_challenges == u64v(0) &&
                                                          (k == 0 ? truth(true) : s.batches[k - 1].final));
    ok = ok && z3::implies(recorded(s, k), b.deadline == saturating_add(b.submitted_at, cfg.challenge_period));
  }
  return ok;
}

// no_withdrawal_from_non_final_batch (the state part, at one key): a paid (batch, index) names a
// final batch and an index inside it.
expr ContractModel::paid_only_final(const Contract& s, const Keys& keys) const {
  expr names_final = truth(false);
  for (std::size_t k = 0; k < bounds_.batches; ++k)
    names_final = names_final || (keys.paid_batch == u64v(k) && recorded(s, k) && s.batches[k].final &&
                                  keys.paid_index >= u64v(0) && keys.paid_index < s.batches[k].count);
  return z3::implies(s.paid.contains({keys.paid_batch, keys.paid_index}), names_final);
}

// challenges_well_formed: an open challenge names a pending batch, was opened before that batch's
// challenge deadline, has deadline min(opened_at + resolution_period_blocks, UINT64_MAX), a type other
// than data_withholding, and id H(challenger, evidence); open ids are distinct; each batch counts
// exactly its open challenges.
expr ContractModel::challenges_well_formed(const Contract& s, const Config& cfg) const {
  expr ok = truth(true);
  for (std::size_t y = 0; y < bounds_.challenges; ++y) {
    const Challenge& c = s.challenges[y];
    expr names_pending = truth(false);
    for (std::size_t k = 0; k < bounds_.batches; ++k)
      names_pending = names_pending || (pending(s, k) && s.batches[k].id == c.batch_id && c.opened_at < s.batches[k].deadline);
    const expr id = weakening_ == Weakening::challenge_id_is_evidence ? c.evidence : h.challenge_id(c.challenger, c.evidence);
    const expr binds = weakening_ == Weakening::challenge_id_is_evidence
                           ? truth(true)
                           : h.challenge_id_challenger(c.id) == c.challenger && h.challenge_id_evidence(c.id) == c.evidence;
    ok = ok && z3::implies(is_open(s, y), names_pending &&
                                              c.deadline == saturating_add(c.opened_at, cfg.resolution_period) &&
                                              z3::ule(c.proof_type, type(FraudProofType::timeout_violation)) &&
                                              c.id == id && binds);
    for (std::size_t z = y + 1; z < bounds_.challenges; ++z)
      ok = ok && z3::implies(is_open(s, y) && is_open(s, z), c.id != s.challenges[z].id);
  }
  for (std::size_t k = 0; k < bounds_.batches; ++k) {
    std::vector<expr> on_it;
    for (std::size_t y = 0; y < bounds_.challenges; ++y)
      on_it.push_back(is_open(s, y) && s.challenges[y].batch_id == s.batches[k].id);
    ok = ok && z3::implies(recorded(s, k), s.batches[k].open_challenges == count(on_it));
  }
  return ok;
}

// epoch_binds_batches: every recorded batch carries the epoch it was submitted in, at most the
// contract's, and its batch_id binds it; the epoch counts the confirmed frauds. (Batches before a
// reverted one keep their older epoch; the step part of the obligation says an accepted batch carries
// the current one.)
expr ContractModel::epoch_binds_batches(const Contract& s) const {
  expr ok = s.epoch == s.frauds;
  for (std::size_t k = 0; k < bounds_.batches; ++k)
    ok = ok && z3::implies(recorded(s, k), s.batches[k].epoch <= s.epoch && h.batch_id_epoch(s.batches[k].id) == s.batches[k].epoch);
  return ok;
}

// frozen_is_final (the state part, at one key each): an account exits and a deposit is reclaimed only
// once frozen; a reclaimed index is a recorded deposit.
expr ContractModel::frozen_state(const Contract& s, const Keys& keys) const {
  return z3::implies(s.exited.contains({keys.exited}), s.frozen) &&
         z3::implies(s.reclaimed.contains({keys.reclaimed}),
                     s.frozen && keys.reclaimed >= u64v(0) && keys.reclaimed < s.deposits.count);
}

}  // namespace l2::inv::optimistic_rollup::model
