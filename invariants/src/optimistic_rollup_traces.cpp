// Trace validation of the optimistic rollup's Z3 model for `l2spec audit` and the property test:
// pseudo-random traces of reference contract calls, each step checked against the model's
// transition relation with every input and verdict fixed to the reference's values.
// spec: optimistic_rollup.md#the-z3-model
#include <map>
#include <numeric>
#include <random>

#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/symbolic_signature.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"

namespace l2::inv::optimistic_rollup {
namespace {

namespace orr = l2::ref::optimistic_rollup;
namespace rfc6962 = l2::ref::rfc6962;
using l2::ref::tagged_hash;
constexpr SymbolicSignature toy{};

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  u64 below(u64 bound) { return std::uniform_int_distribution<u64>(0, bound - 1)(engine_); }
  bool one_in(u64 n) { return below(n) == 0; }
  template <class T>
  const T& among(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(values.size()))];
  }

 private:
  std::mt19937_64 engine_;
};

Hash32 filled(u8 tag) {
  Hash32 h{};
  h.fill(tag);
  return h;
}

const Hash32 operator_key = filled(0x0a);
const std::vector<Hash32> callers = {filled(0x0a), filled(0xc1), filled(0xc2), filled(0xee)};
const std::vector<Hash32> users = {filled(0x11), filled(0x12)};

// Hashes to the model's 64-bit values: equal hashes, equal values; distinct hashes, distinct values.
class Interner {
 public:
  Interner() { table_.emplace(Hash32{}, 0); }
  std::uint64_t operator()(const Hash32& h) { return table_.try_emplace(h, table_.size()).first->second; }

 private:
  std::map<Hash32, std::uint64_t> table_;
};

// What the model keeps that the contract does not: per batch, whether it is valid (no fraud proof
// against it exists) and the height it was finalized at.
struct Ghost {
  bool valid = true;
  u64 finalized_at = 0;
};

Hash32 proof_hash(const orr::FraudProof& proof) { return tagged_hash("L2/trace/proof", reflect::encode(proof)); }

std::uint8_t code(RollupError e) { return static_cast<std::uint8_t>(e); }

// The whole harness state of one trace: the contract, the ghosts and slots the model needs, and the
// off-chain knowledge (L2 states by root, posted batches, deposits, committed proofs).
struct Harness {
  orr::OptimisticRollup contract;
  std::vector<Ghost> ghosts;
  std::map<Hash32, std::size_t> slots;  // challenge_id -> model slot
  std::map<Hash32, orr::State> states;  // L2 states by root
  std::vector<orr::Batch> posted;
  std::vector<orr::Deposit> deposits;
  std::map<Hash32, orr::FraudProof> committed;  // challenge_id -> the proof its challenger committed
  Interner intern;

  ConcreteContract abstract(const orr::OptimisticRollup& c, const std::vector<Ghost>& g,
                            const std::map<Hash32, std::size_t>& s) {
    ConcreteContract out;
    out.stake = c.stake;
    out.staked = c.staked;
    out.unlock = c.stake_unlock_height;
    out.escrow = c.escrow;
    out.deposit_count = c.deposits.size();
    out.next_account_index = c.next_account_index;
    out.last_root = intern(c.last_state_root);
    out.batch_count = c.batches.size();
    for (std::size_t k = 0; k < c.batches.size() && k < batch_slots; ++k) {
      const orr::BatchRecord& b = c.batches[k];
      out.batches[k] = {b.header.batch_number, intern(b.header.prev_state_root), intern(b.header.post_state_root),
                        intern(b.batch_id),    b.header.transaction_count,      b.submitted_at,
                        b.challenge_deadline,  b.deposits_recorded,             b.final,
                        b.open_challenges,     g[k].finalized_at,               g[k].valid};
    }
    for (const orr::Challenge& x : c.challenges)
      out.challenges[s.at(x.challenge_id)] = {true,
                                              intern(x.challenge_id),
                                              intern(x.challenged_object),
                                              intern(x.challenger),
                                              static_cast<std::uint8_t>(x.proof_type),
                                              intern(x.evidence),
                                              x.deadline,
                                              x.bond_amount,
                                              x.opened_at};
    for (const orr::PaidWithdrawal& p : c.paid) out.paid.emplace_back(p.batch_number, p.transaction_index);
    out.rewards = c.rewards.challenge_bonds;
    out.treasury = c.treasury;
    out.holdings = orr::holdings(c).value;
    return out;
  }
};

struct Generated {
  ContractOp op;
  ConcreteCall call;
  orr::Transition reference = RollupError::none;
  // submit_batch: the batch and the true state after it; open_challenge: the proof committed.
  std::optional<orr::Batch> batch;
  std::optional<orr::State> post_state;
  std::optional<orr::FraudProof> proof;
  std::optional<orr::Deposit> deposit;
};

u64 amount(Random& r, u64 typical) {
  switch (r.below(8)) {
    case 0: return u64_max - r.below(3);
    case 1: return u64_max / 2 + r.below(3);
    case 2: return 0;
    default: return r.below(typical + 1);
  }
}

orr::Batch make_batch(Harness& h, Random& r, std::optional<orr::State>& post, bool& tampered_data) {
  const orr::OptimisticRollup& c = h.contract;
  const orr::L2Params params = orr::params_of(c);
  std::vector<Hash32> deposit_ids;
  for (const orr::DepositRecord& d : c.deposits) deposit_ids.push_back(d.deposit_id);
  const orr::L1View l1{deposit_ids};
  const auto known = h.states.find(c.last_state_root);
  orr::State state = known != h.states.end() ? known->second : orr::State::genesis(operator_key);
  std::vector<orr::Transaction> txs;
  std::vector<Hash32> roots{state.root()};
  const u64 target = 1 + r.below(std::min<u64>(c.config.max_batch_size, 3));
  for (int attempt = 0; attempt < 8 && txs.size() < target; ++attempt) {
    orr::Transaction tx;
    const auto accounts = state.accounts();
    const auto& [from, account] = accounts[static_cast<std::size_t>(r.below(accounts.size()))];
    const auto to = accounts[static_cast<std::size_t>(r.below(accounts.size()))].first;
    const u64 k = state.deposits_credited();
    const u64 kind = r.below(3);
    if (kind == 0 && k < h.deposits.size() && !r.one_in(4)) {
      tx = orr::make_transaction(h.deposits[k]);
    } else if (kind == 1) {
      orr::Transfer t{from, to, r.below(account.balance + 2), r.below(3), account.nonce, {}};
      t.signature = SymbolicSignature::sign(account.owner, orr::transfer_digest(params, t));
      tx = orr::make_transaction(t);
    } else {
      const bool all = r.one_in(2);  // everything the account holds
      orr::Withdrawal w{from, filled(0x77), all ? account.balance : r.below(account.balance + 2),
                        all ? 0 : r.below(3), account.nonce, {}};
      w.signature = SymbolicSignature::sign(account.owner, orr::withdrawal_digest(params, w));
      tx = orr::make_transaction(w);
    }
    auto next = orr::apply_tx(params, l1, state, tx, toy);
    if (!next) continue;
    state = std::move(next).value();
    txs.push_back(tx);
    roots.push_back(state.root());
  }
  // Fraud: a minted balance in the post-state, or an unsigned transfer treated as a no-op.
  if (!txs.empty() && r.one_in(4)) {
    const orr::Account fee = state.account(orr::fee_account).value();
    state.put(orr::fee_account, orr::Account{fee.balance + 1000, fee.nonce, fee.owner});
    roots.back() = state.root();
  } else if (txs.size() < c.config.max_batch_size && r.one_in(5)) {
    const orr::Account fee = state.account(orr::fee_account).value();
    txs.push_back(orr::make_transaction(orr::Transfer{0, 0, 1, 0, fee.nonce, orr::Signature{}}));
    roots.push_back(roots.back());
  }
  h.states.emplace(state.root(), state);
  post = state;
  orr::Batch batch{orr::batch_header_for(c, txs, roots), {}, txs, roots};
  tampered_data = true;
  switch (r.below(14)) {
    case 0: batch.header.batch_number += 1; break;
    case 1: batch.header.prev_state_root = filled(0x55); break;
    case 2: batch.header.chain_id += 1; break;
    case 3: batch.header.transaction_count += 1; break;
    case 4: batch.header.transactions_root = filled(0x56); break;
    case 5: batch.state_roots.pop_back(); break;
    case 6: batch.header.state_roots_root = filled(0x57); break;
    case 7: batch.header.post_state_root = filled(0x58); break;
    default: tampered_data = false;
  }
  const Hash32 id = orr::batch_id(batch.header);
  batch.signature = SymbolicSignature::sign(r.one_in(10) ? filled(0xee) : operator_key, id);
  return batch;
}

// A challenge the harness knows of, or a junk id.
Hash32 some_challenge(Harness& h, Random& r) {
  if (h.contract.challenges.empty() || r.one_in(8)) return filled(0x98);
  return h.contract.challenges[static_cast<std::size_t>(r.below(h.contract.challenges.size()))].challenge_id;
}

orr::FraudProof junk_proof(Random& r, const Hash32& batch_id) {
  const auto type = static_cast<orr::FraudProofType>(r.below(4));
  if (type == orr::FraudProofType::timeout_violation && r.one_in(2))
    return orr::FraudProof{batch_id, type, std::nullopt, orr::TimeoutFault{r.below(3), orr::StateHeader{}}};
  return orr::FraudProof{batch_id, type, std::nullopt, std::nullopt};
}

std::optional<Generated> generate(Harness& h, Random& r, u64 height) {
  const orr::OptimisticRollup& c = h.contract;
  Generated g;
  ConcreteCall& call = g.call;
  call.height = height;
  // Weights per op, in op-code order: the operator stakes first; batches and challenges dominate.
  const bool some_pending = orr::oldest_pending(c).has_value(), open = !c.challenges.empty();
  const bool final = !c.batches.empty() && c.batches.front().final;
  const std::array<u64, 12> weights{c.staked ? 1u : 8u,    1, 1, 3, 2, c.batches.size() < batch_slots ? 6u : 0u,
                                    some_pending ? 6u : 1u, open ? 8u : 1u, open ? 3u : 1u, open ? 3u : 1u, 3,
                                    final ? 4u : 1u};
  u64 pick = r.below(std::accumulate(weights.begin(), weights.end(), u64{0}));
  std::size_t op = 0;
  while (pick >= weights[op]) pick -= weights[op++];
  g.op = static_cast<ContractOp>(op);
  const bool operator_call = g.op == ContractOp::stake || g.op == ContractOp::unstake ||
                             g.op == ContractOp::claim_rewards || g.op == ContractOp::submit_batch;
  const Hash32 caller = operator_call ? (r.one_in(6) ? filled(0xee) : operator_key) : r.among(callers);
  call.caller = h.intern(caller);
  const orr::Env env{height, caller};
  call.op = g.op;
  call.slashed = checked_mul_div(c.stake, c.config.stake.penalty_percentage, 100).value;
  switch (g.op) {
    case ContractOp::stake: {
      const u64 value = !r.one_in(4) ? c.config.stake.minimum_stake + r.below(3) : amount(r, 500);
      call.value = value;
      g.reference = orr::apply_stake(c, orr::StakeInput{value}, env);
      break;
    }
    case ContractOp::unstake: g.reference = orr::apply_unstake(c, env); break;
    case ContractOp::claim_rewards: g.reference = orr::apply_claim_rewards(c, env); break;
    case ContractOp::deposit_new_account: {
      const u64 value = amount(r, 300);
      const Hash32 owner = r.among(users);
      call.value = value;
      g.reference = orr::apply_deposit_new_account(c, orr::DepositNewAccountInput{owner, value}, env);
      g.deposit = orr::Deposit{c.deposits.size(), static_cast<orr::AccountIndex>(c.next_account_index), owner, value};
      break;
    }
    case ContractOp::deposit_top_up: {
      const u64 value = amount(r, 300);
      const auto to = static_cast<orr::AccountIndex>(r.below(c.next_account_index + 2));
      call.value = value;
      call.top_up_to = to;
      g.reference = orr::apply_deposit_top_up(c, orr::DepositTopUpInput{to, value}, env);
      g.deposit = orr::Deposit{c.deposits.size(), to, std::nullopt, value};
      break;
    }
    case ContractOp::submit_batch: {
      if (c.batches.size() >= batch_slots) return std::nullopt;  // the model's batch slots
      std::optional<orr::State> post;
      bool tampered = false;
      orr::Batch batch = make_batch(h, r, post, tampered);
      const orr::BatchHeader& header = batch.header;
      const Hash32 id = orr::batch_id(header);
      call.number = header.batch_number;
      call.prev = h.intern(header.prev_state_root);
      call.post = h.intern(header.post_state_root);
      call.count = header.transaction_count;
      call.header_rest = h.intern(tagged_hash("L2/trace/header", reflect::encode(header)));
      call.tx_len = batch.transactions.size();
      call.state_roots_len = batch.state_roots.size();
      call.header_ok = header.chain_id == c.chain_id && header.rollup_id == c.rollup_id;
      call.tx_root_ok = header.transactions_root == orr::transactions_root(batch.transactions);
      call.endpoints_ok = !batch.state_roots.empty() && batch.state_roots.front() == header.prev_state_root &&
                          batch.state_roots.back() == header.post_state_root;
      call.state_roots_ok = header.state_roots_root == orr::state_roots_root(batch.state_roots);
      call.signature_ok = toy(c.operator_key, id, batch.signature);
      call.header_id = h.intern(id);
      // valid: the honest challenger's search finds no fault from the true state at the prev root.
      const orr::BatchRecord record{header, id, height, saturating_add(height, c.config.challenge_period_blocks),
                                    c.deposits.size(), false, 0};
      const auto pre_state = h.states.find(header.prev_state_root);
      call.valid = pre_state == h.states.end() || !orr::find_fraud(c, record, batch, pre_state->second, toy);
      g.reference = orr::apply_submit_batch(c, batch, env, toy);
      g.batch = batch;
      g.post_state = post;
      break;
    }
    case ContractOp::open_challenge: {
      if (c.challenges.size() >= challenge_slots) return std::nullopt;  // the model's challenge slots
      std::vector<std::size_t> pending;
      for (std::size_t k = 0; k < c.batches.size(); ++k)
        if (!c.batches[k].final) pending.push_back(k);
      const bool real = !pending.empty() && !r.one_in(8);
      const std::size_t k = real ? r.among(pending) : 0;
      const Hash32 batch_id = real ? c.batches[k].batch_id : filled(0x99);
      std::optional<orr::FraudProof> proof;
      if (real) {
        const auto pre_state = h.states.find(c.batches[k].header.prev_state_root);
        if (pre_state != h.states.end() && !r.one_in(5))
          proof = orr::find_fraud(c, c.batches[k], h.posted[k], pre_state->second, toy);
      }
      if (!proof && !r.one_in(3)) proof = junk_proof(r, batch_id);
      Hash32 evidence = proof ? orr::evidence_commitment(caller, *proof) : filled(static_cast<u8>(0x40 + r.below(3)));
      Hash32 who = caller;
      if (!c.challenges.empty() && r.one_in(4)) {  // a copy of an open challenge's evidence, or its duplicate
        const orr::Challenge& copied = c.challenges[static_cast<std::size_t>(r.below(c.challenges.size()))];
        evidence = copied.evidence;
        if (r.one_in(2)) who = copied.challenger;
        proof.reset();
      }
      call.caller = h.intern(who);
      auto type = proof ? proof->proof_type : static_cast<orr::FraudProofType>(r.below(5));
      if (r.one_in(10)) type = static_cast<orr::FraudProofType>(r.below(5));
      const u64 value = r.one_in(6) ? amount(r, 50) : c.config.min_challenge_bond + r.below(3) - (r.one_in(6) ? u64{3} : u64{0});
      call.batch_id = h.intern(batch_id);
      call.proof_type = static_cast<std::uint8_t>(type);
      call.evidence = h.intern(evidence);
      call.value = value;
      call.open_id = h.intern(orr::challenge_id(who, evidence));
      g.reference =
          orr::apply_open_challenge(c, orr::OpenChallengeInput{batch_id, type, evidence, value}, orr::Env{height, who});
      g.proof = proof;
      break;
    }
    case ContractOp::resolve_challenge: {
      const Hash32 id = some_challenge(h, r);
      const auto index = orr::find_challenge(c, id);
      orr::FraudProof proof = junk_proof(r, index ? c.challenges[*index].challenged_object : filled(0x99));
      if (const auto known = h.committed.find(id); known != h.committed.end() && !r.one_in(5)) {
        proof = known->second;
      } else if (!h.committed.empty() && r.one_in(2)) {  // another challenge's proof
        auto it = h.committed.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(r.below(h.committed.size())));
        proof = it->second;
      }
      call.challenge_id = h.intern(id);
      call.proof = h.intern(proof_hash(proof));
      call.fp_error = code(RollupError::fraud_batch_mismatch);
      if (index) {
        const orr::Challenge& x = c.challenges[*index];
        call.commitment = h.intern(orr::evidence_commitment(x.challenger, proof));
        if (const auto batch = orr::find_pending_batch(c, x.challenged_object))
          call.fp_error = code(orr::verify_fraud_proof(c, c.batches[*batch], x, proof, toy));
      }
      g.reference = orr::apply_resolve_challenge(c, orr::ResolveChallengeInput{id, proof}, env, toy);
      break;
    }
    case ContractOp::expire_challenge:
    case ContractOp::withdraw_challenge: {
      const Hash32 id = some_challenge(h, r);
      Hash32 who = caller;
      if (const auto index = orr::find_challenge(c, id); index && !r.one_in(4)) who = c.challenges[*index].challenger;
      call.caller = h.intern(who);
      call.challenge_id = h.intern(id);
      const orr::Env as{height, who};
      g.reference = g.op == ContractOp::expire_challenge ? orr::apply_expire_challenge(c, orr::ChallengeRef{id}, as)
                                                         : orr::apply_withdraw_challenge(c, orr::ChallengeRef{id}, as);
      break;
    }
    case ContractOp::finalize: g.reference = orr::apply_finalize(c, env); break;
    case ContractOp::pay_withdrawal: {
      orr::PayWithdrawalInput in{r.below(c.batches.size() + 1), 0, {}, {}};
      if (in.batch_number < h.posted.size()) {
        const orr::Batch& batch = h.posted[in.batch_number];
        std::vector<std::size_t> withdrawals;
        for (std::size_t i = 0; i < batch.transactions.size(); ++i)
          if (batch.transactions[i].kind == orr::TxKind::withdrawal) withdrawals.push_back(i);
        const std::size_t i = !withdrawals.empty() && !r.one_in(4) ? r.among(withdrawals)
                                                                    : static_cast<std::size_t>(r.below(batch.transactions.size()));
        in.transaction_index = i;
        in.transaction = reflect::encode(batch.transactions[i]);
        in.proof = rfc6962::inclusion_proof(orr::transaction_leaf_hashes(batch.transactions), i);
        if (r.one_in(8)) in.transaction_index += 1;
        if (r.one_in(8) && !in.proof.empty()) in.proof[0] = filled(0x31);
      }
      call.pay_batch = in.batch_number;
      call.pay_index = in.transaction_index;
      if (in.batch_number < c.batches.size()) {
        const orr::BatchHeader& header = c.batches[in.batch_number].header;
        call.included = rfc6962::verify_inclusion(in.transaction_index, header.transaction_count,
                                                  orr::transaction_leaf_hash(in.transaction), in.proof,
                                                  header.transactions_root) == PrimitiveError::none;
      }
      const auto decoded = reflect::decode<orr::Transaction>(in.transaction);
      call.is_withdrawal = decoded && orr::check_shape(decoded.value()) == RollupError::none &&
                           decoded.value().kind == orr::TxKind::withdrawal;
      call.amount = call.is_withdrawal ? decoded.value().withdrawal->amount : 0;
      g.reference = orr::apply_pay_withdrawal(c, in, env);
      break;
    }
  }
  return g;
}

}  // namespace

TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress) {
  TraceValidation report;
  ConcreteChecker checker;
  Random r(seed);
  auto fail = [&](std::size_t t, std::size_t s, std::string_view op, const std::string& what) {
    ++report.disagreements;
    if (report.failures.size() < 10)
      report.failures.push_back("trace " + std::to_string(t) + " step " + std::to_string(s) + " (" +
                                std::string(op) + "): " + what);
  };
  for (std::size_t t = 0; t < traces; ++t) {
    ++report.traces;
    Harness h;
    orr::RollupConfig config{2 + r.below(2), 4 + r.below(6), 2 + r.below(3), 1 + r.below(4), 10,
                             orr::StakeRequirements{100, r.below(8), static_cast<u8>(r.below(101))}};
    switch (r.below(32)) {  // sometimes a configuration deploy refuses
      case 0: config.stake.penalty_percentage = static_cast<u8>(101 + r.below(155)); break;
      case 1: config.max_batch_size = 0; break;
      case 2: config.challenge_period_blocks = 0; break;
      case 3: config.resolution_period_blocks = r.below(2); break;
      default: break;
    }
    ConcreteConfig cc{config.stake.minimum_stake,     config.stake.stake_lock_period,
                      config.stake.penalty_percentage, config.max_batch_size,
                      config.challenge_period_blocks,   config.resolution_period_blocks,
                      config.min_challenge_bond,        h.intern(operator_key),
                      h.intern(orr::genesis_root(operator_key))};
    const auto deployed = orr::deploy(1, filled(0xcc), operator_key, 0, config);
    ++report.steps;
    const RollupError deploy_error = deployed ? RollupError::none : deployed.error();
    ++report.outcomes["deploy: " + (deployed ? std::string("ok") : std::string(error_info(deploy_error).code))];
    if (const std::string problem = checker.check_deploy(cc, code(deploy_error)); !problem.empty())
      fail(t, 0, "deploy", "reference " + std::string(error_info(deploy_error).code) + ": " + problem);
    if (!deployed) {
      if (progress) progress(report.traces);
      continue;
    }
    ++report.accepted;
    h.contract = deployed.value();
    const orr::State genesis = orr::State::genesis(operator_key);
    h.states.emplace(genesis.root(), genesis);
    u64 height = 1;
    const std::size_t length = 1 + static_cast<std::size_t>(r.below(max_steps));
    for (std::size_t s = 1; s <= length; ++s) {
      height += std::array<u64, 8>{0, 0, 0, 1, 1, 1, 2, 5}[r.below(8)];
      const std::optional<Generated> g = generate(h, r, height);
      if (!g) continue;
      ++report.steps;
      const orr::OptimisticRollup& pre = h.contract;
      std::vector<Ghost> ghosts = h.ghosts;
      std::map<Hash32, std::size_t> slots = h.slots;
      ConcreteOutcome expected;
      expected.error = code(g->reference ? RollupError::none : g->reference.error());
      if (g->reference) {
        const orr::Effects& effects = g->reference.value();
        const orr::OptimisticRollup& post = effects.contract;
        for (const orr::Payout& p : effects.payouts) expected.payout += p.amount;
        if (g->op == ContractOp::submit_batch) ghosts.push_back(Ghost{g->call.valid, 0});
        if (g->op == ContractOp::finalize)
          if (const auto oldest = orr::oldest_pending(pre)) ghosts[*oldest].finalized_at = height;
        ghosts.resize(post.batches.size());
        std::map<Hash32, std::size_t> next;
        for (const orr::Challenge& x : post.challenges) {
          if (const auto it = slots.find(x.challenge_id); it != slots.end()) {
            next.emplace(x.challenge_id, it->second);
            continue;
          }
          std::size_t free = 0;  // the model's first free slot before the step
          auto used = [&](std::size_t y) {
            for (const auto& entry : slots)
              if (entry.second == y) return true;
            return false;
          };
          while (used(free)) ++free;
          next.emplace(x.challenge_id, free);
        }
        slots = std::move(next);
        expected.post = h.abstract(post, ghosts, slots);
      } else {
        expected.post = h.abstract(pre, h.ghosts, h.slots);
      }
      const ConcreteContract before = h.abstract(pre, h.ghosts, h.slots);
      const std::string op(contract_op_name(g->op));
      std::string outcome = g->reference ? "ok" : std::string(error_info(g->reference.error()).code);
      if (g->reference && g->op == ContractOp::resolve_challenge)
        outcome += g->reference.value().resolutions.front().kind == orr::ResolutionKind::fraud_confirmed
                       ? " (fraud confirmed)"
                       : " (challenge rejected)";
      ++report.outcomes[op + ": " + outcome];
      if (const std::string problem = checker.check(cc, before, g->call, expected); !problem.empty())
        fail(t, s, op, "reference " + std::string(error_info(static_cast<RollupError>(expected.error)).code) +
                           ": " + problem);
      if (!g->reference) continue;
      ++report.accepted;
      // The harness's own knowledge follows the accepted step.
      const orr::OptimisticRollup post = g->reference.value().contract;
      if (g->op == ContractOp::submit_batch) h.posted.push_back(*g->batch);
      if (g->deposit) h.deposits.push_back(*g->deposit);
      if (g->op == ContractOp::open_challenge && g->proof)
        h.committed.emplace(post.challenges.back().challenge_id, *g->proof);
      h.posted.resize(post.batches.size());
      h.contract = post;
      h.ghosts = std::move(ghosts);
      h.slots = std::move(slots);
    }
    if (progress) progress(report.traces);
  }
  return report;
}

}  // namespace l2::inv::optimistic_rollup
