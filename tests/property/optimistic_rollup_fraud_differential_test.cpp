// Differential tests: the optimized fraud proofs and contract engines against the reference, with
// real BIP-340 signatures from libsecp256k1 (the oracle).
//   - find_fraud, verify_fraud_proof and apply_encoded_tx (l2/opt/optimistic_rollup_fraud.hpp)
//     against l2::ref::optimistic_rollup's. Each case deploys a contract, records deposits (new
//     accounts and top-ups) and forced-exit requests (by owners and by others), credits a random
//     prefix of them in a first batch, and posts the batch under test, built on a random L1 origin,
//     after one of five attacks: none (honest), a corrupted intermediate root at a random index (the
//     last one included: it is the header's post_state_root too), an injected invalid transaction
//     (forged or misdirected signature, replayed or skipped nonce, overspend, unknown recipient,
//     deposit or forced exit out of order or processed twice, a forced exit's wrong amount,
//     malformed kind) whose claimed root is the unchanged one, or a deposit or a forced exit left
//     unprocessed past its deadline at the origin. A request recorded after the origin is invisible
//     to the batch. The proofs must be byte-equal (l2::reflect::encode), the engine must be left
//     where the header says, and both verifiers and both stateless steps must give the same code
//     on the proof and on mutations of every field it has.
//   - apply_submit_batch and apply_resolve_challenge (l2/opt/optimistic_rollup_contract.hpp) against
//     the reference's: the same code, or the same Effects (contract, payouts, resolutions), for the
//     honest input and for a mutation reaching each rule (deterministically for every rule at its
//     boundary, then at random, combined).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/optimistic_rollup_contract.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/rapidcheck_runs.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u32;
using l2::u64;
using l2::u8;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace optimized = l2::opt::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using optimized::Engine;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Batch;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::OptimisticRollup;
using optimistic_rollup::QueueKind;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;

constexpr u64 chain = 11;
constexpr std::size_t user_count = 5;
constexpr std::size_t challenger = user_count + 1;
constexpr u64 inclusion_blocks = 5;
constexpr u64 bond = 100;

const optimistic_rollup::RollupConfig config{/*max_batch_size=*/256,
                               /*challenge_period_blocks=*/20,
                               /*resolution_period_blocks=*/10,
                               /*queue_inclusion_blocks=*/inclusion_blocks,
                               /*sequencing_window_blocks=*/10,
                               /*escape_delay_blocks=*/20,
                               /*censorship_bound_blocks=*/2,
                               /*min_challenge_bond=*/bond,
                               /*min_deposit=*/1,
                               /*forced_exit_fee=*/3,
                               optimistic_rollup::StakeRequirements{/*minimum_stake=*/1000, /*stake_lock_period=*/50,
                                                      /*penalty_percentage=*/30}};

struct Keys {
  std::array<Hash32, challenger + 1> secret{};  // 0: the operator, 1..user_count: users
  std::array<Hash32, challenger + 1> pubkey{};
};

const Keys& keys() {
  static const Keys made = [] {
    Keys k;
    const l2::Bytes seed = l2::bytes_of("optimistic_rollup_fraud_differential");
    for (std::size_t i = 0; i <= challenger; ++i) {
      k.secret[i] = l2::ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      k.pubkey[i] = oracle::pubkey(k.secret[i]).value();
    }
    return k;
  }();
  return made;
}

const Hash32& key(std::size_t who) { return keys().pubkey[who]; }

optimistic_rollup::Signature sign(std::size_t who, const Hash32& digest) { return oracle::sign(keys().secret[who], digest, Hash32{}).value(); }

// libsecp256k1 as the reference's signature check while building scenarios (the reference's own
// BIP-340 decides in every comparison).
struct OracleCheck {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const optimistic_rollup::Signature& signature) const {
    return oracle::verify(pubkey, digest, signature);
  }
};

// [min, max], both ends included. inRange scales with the test's size, which starts at 0: resize so
// every value can come early.
template <class T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, static_cast<T>(max + 1)));
}

std::string code(OptimisticRollupError e) { return std::string(l2::error_info(e).code); }

enum class Attack { honest, corrupted_root, invalid_transaction, overdue_deposit, overdue_forced_exit };

struct Scenario {
  OptimisticRollup contract;
  std::size_t record_index = 0;
  Batch batch;
  State pre_state;
};

class Builder {
 public:
  Builder() {
    contract_ = optimistic_rollup::deploy(optimistic_rollup::DeployInput{chain, Hash32{0xcc}, key(0), 0, config}).value();
    contract_ = optimistic_rollup::apply_stake(contract_, optimistic_rollup::StakeInput{key(0), config.stake.minimum_stake}, optimistic_rollup::Env{1}).value().contract;
    state_ = State::genesis(key(0));
  }

  optimistic_rollup::L2Params params() const { return optimistic_rollup::params_of(contract_); }
  const OptimisticRollup& contract() const { return contract_; }

  // Records a deposit creating the account of user `owner` at `height`.
  void record_new_account(std::size_t owner, u64 amount, u64 height) {
    const u64 index = contract_.deposits.size();
    const auto to = static_cast<AccountIndex>(contract_.next_account_index);
    contract_ = optimistic_rollup::apply_deposit_new_account(contract_, optimistic_rollup::DepositNewAccountInput{key(owner), key(owner), amount},
                                               optimistic_rollup::Env{height})
                    .value()
                    .contract;
    deposits_.push_back(optimistic_rollup::Deposit{index, to, key(owner), amount});
    owner_of_.resize(std::max<std::size_t>(owner_of_.size(), to + 1));
    owner_of_[to] = owner;
  }
  void record_top_up(AccountIndex to, u64 amount, u64 height) {
    const u64 index = contract_.deposits.size();
    contract_ = optimistic_rollup::apply_deposit_top_up(contract_, optimistic_rollup::DepositTopUpInput{key(1), to, amount}, optimistic_rollup::Env{height})
                    .value()
                    .contract;
    deposits_.push_back(optimistic_rollup::Deposit{index, to, std::nullopt, amount});
  }
  // Records user `requester`'s request for the forced exit of account `from` at `height`.
  void record_forced_exit(AccountIndex from, std::size_t requester, u64 height) {
    const u64 index = contract_.forced_exits.size();
    const Hash32 recipient{static_cast<u8>(0xd0 + requester)};
    contract_ = optimistic_rollup::apply_request_forced_exit(
                    contract_, optimistic_rollup::RequestForcedExitInput{key(requester), from, recipient, config.forced_exit_fee},
                    optimistic_rollup::Env{height})
                    .value()
                    .contract;
    forced_exits_.push_back(ForcedExit{index, from, key(requester), recipient, 0});
  }
  AccountIndex accounts() const { return static_cast<AccountIndex>(contract_.next_account_index); }

  // The batch under construction starts from the current true state and is built on L1 block `origin`.
  void start_batch(u64 origin) {
    origin_ = origin;
    ids_ = optimistic_rollup::l1_ids_for_origin(contract_, origin);
    pre_state_ = state_;
    transactions_.clear();
    roots_.clear();
  }
  u64 deposits_visible() const { return ids_.deposit_ids.size(); }
  u64 forced_exits_visible() const { return ids_.forced_exit_ids.size(); }

  // Processes the visible deposits up to index `deposits_upto` and the visible forced exits up to
  // `forced_upto`, interleaved, each at the amount the state decides.
  void process_requests(u64 deposits_upto, u64 forced_upto) {
    deposits_upto = std::min(deposits_upto, deposits_visible());
    forced_upto = std::min(forced_upto, forced_exits_visible());
    while (state_.deposits_credited() < deposits_upto || state_.forced_exits_processed() < forced_upto) {
      if (state_.deposits_credited() < deposits_upto) push_valid(optimistic_rollup::make_transaction(deposits_[state_.deposits_credited()]));
      if (state_.forced_exits_processed() < forced_upto) push_valid(optimistic_rollup::make_transaction(next_forced_exit()));
    }
  }
  // The next forced exit the state must process, with the amount it decides (with none recorded, a
  // request by user 1 for account 1 that L1 never recorded).
  ForcedExit next_forced_exit() const {
    ForcedExit e{state_.forced_exits_processed(), 1, key(1), Hash32{0xd1}, 0};
    if (!forced_exits_.empty()) e = forced_exits_[std::min<u64>(e.request_index, forced_exits_.size() - 1)];
    const auto account = state_.account(e.from);
    e.amount = account && account->owner == e.requester ? account->balance : 0;
    return e;
  }
  bool has_forced_exit_to_process() const { return state_.forced_exits_processed() < forced_exits_visible(); }

  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    optimistic_rollup::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = sign(signer, optimistic_rollup::transfer_digest(params(), t));
    return optimistic_rollup::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    optimistic_rollup::Withdrawal w{from, Hash32{0xe1}, amount, fee, nonce, {}};
    w.signature = sign(signer, optimistic_rollup::withdrawal_digest(params(), w));
    return optimistic_rollup::make_transaction(w);
  }

  // A signed transfer or withdrawal from an existing user account, valid in the true state.
  std::optional<Transaction> valid_spend(AccountIndex from, AccountIndex to, u64 amount_pick, bool withdraw) const {
    const auto sender = state_.account(from);
    if (from == 0 || from >= owner_of_.size() || owner_of_[from] == 0 || !sender || sender->balance < 2) return {};
    const u64 fee = amount_pick % 2;
    const u64 amount = amount_pick % (sender->balance - fee);
    return withdraw ? withdrawal(from, amount, fee, sender->nonce, owner_of_[from])
                    : transfer(from, to, amount, fee, sender->nonce, owner_of_[from]);
  }

  // Appends `tx` if the true state accepts it.
  bool push_valid(const Transaction& tx) {
    auto next = optimistic_rollup::apply_tx(params(), ids_.view(), state_, tx, OracleCheck{});
    if (!next) return false;
    state_ = std::move(next).value();
    transactions_.push_back(tx);
    roots_.push_back(state_.root());
    return true;
  }
  // Appends `tx` with the unchanged root claimed after it (the operator pretends it was a no-op).
  void push_claimed_noop(const Transaction& tx) {
    transactions_.push_back(tx);
    roots_.push_back(state_.root());
  }

  const State& state() const { return state_; }
  std::size_t size() const { return transactions_.size(); }

  // The batch as the operator would sign it, for the contract as it is now.
  Batch signed_batch(std::optional<std::size_t> corrupt_root, u64 corruption) const {
    std::vector<Hash32> roots = roots_;
    roots.insert(roots.begin(), pre_state_.root());
    if (corrupt_root) roots[*corrupt_root][corruption % 32] ^= static_cast<u8>(1 + corruption % 255);
    Batch batch{optimistic_rollup::batch_header_for(contract_, transactions_, roots, origin_), {}, transactions_, roots};
    batch.signature = sign(0, optimistic_rollup::batch_id(batch.header));
    return batch;
  }

  Scenario post(u64 height, std::optional<std::size_t> corrupt_root, u64 corruption) {
    Batch batch = signed_batch(corrupt_root, corruption);
    auto submitted = optimistic_rollup::apply_submit_batch(contract_, optimistic_rollup::SubmitBatchInput{key(0), batch}, optimistic_rollup::Env{height},
                                             OracleCheck{});
    RC_ASSERT(submitted.ok());
    contract_ = submitted.value().contract;
    return Scenario{contract_, contract_.batches.size() - 1, std::move(batch), pre_state_};
  }

  const optimistic_rollup::Deposit& deposit(u64 index) const { return deposits_[index]; }

 private:
  OptimisticRollup contract_;
  State state_;
  State pre_state_;
  u64 origin_ = 0;
  optimistic_rollup::L1Ids ids_;
  std::vector<optimistic_rollup::Deposit> deposits_;
  std::vector<ForcedExit> forced_exits_;  // amounts decided when processed
  std::vector<std::size_t> owner_of_;     // account index -> user (0: none / the operator)
  std::vector<Transaction> transactions_;
  std::vector<Hash32> roots_;  // after each transaction
};

// The invalid transaction of kind `fault` against `b`'s true state.
Transaction invalid_transaction(const Builder& b, int fault, AccountIndex from, AccountIndex to, u64 pick) {
  const auto sender = b.state().account(from);
  const u64 nonce = sender ? sender->nonce : 0;
  const u64 balance = sender ? sender->balance : 0;
  const std::size_t signer = 1 + static_cast<std::size_t>(pick % user_count);
  switch (fault) {
    case 0: {  // a forged signature: one byte flipped
      Transaction tx = b.transfer(from, to, balance / 2, 0, nonce, signer);
      tx.transfer->signature[pick % 64] ^= 0x01;
      return tx;
    }
    case 1: return b.transfer(from, to, 1, 0, nonce, 1 + (signer % user_count));  // perhaps the wrong key
    case 2: return b.transfer(from, to, 1, 0, nonce == 0 ? 1 : nonce - 1, signer);  // replay or gap
    case 3: return b.transfer(from, to, balance, 1, nonce, signer);                 // overspend by the fee
    case 4: return b.transfer(from, 4000, 1, 0, nonce, signer);                     // unknown recipient
    case 5: return b.withdrawal(from, balance + 1, 0, nonce, signer);               // overspend
    case 6: {  // a deposit credited twice, or out of order
      const u64 credited = b.state().deposits_credited();
      const u64 index = credited == 0 || pick % 2 == 0 ? credited + 1 : credited - 1;
      return optimistic_rollup::make_transaction(optimistic_rollup::Deposit{index, to, std::nullopt, 5});
    }
    case 7: {  // a forced exit processed twice, or out of order
      const u64 processed = b.state().forced_exits_processed();
      const u64 index = processed == 0 || pick % 2 == 0 ? processed + 1 : processed - 1;
      return optimistic_rollup::make_transaction(ForcedExit{index, from, key(signer), Hash32{0xd1}, 0});
    }
    case 8: {  // the next forced exit with a wrong amount (or, with none left, one not recorded)
      ForcedExit e = b.next_forced_exit();
      if (!b.has_forced_exit_to_process()) e.request_index = b.state().forced_exits_processed();
      e.amount = e.amount == 0 ? 1 + pick % 3 : e.amount - 1;
      return optimistic_rollup::make_transaction(e);
    }
    default: {  // malformed: a transfer's kind with no transfer body
      Transaction tx = b.transfer(from, to, 1, 0, nonce, signer);
      tx.kind = optimistic_rollup::TxKind::withdrawal;
      return tx;
    }
  }
}

// Both verifiers, and both stateless steps on the proof's transaction, on `proof`; returns the
// reference's verdict.
OptimisticRollupError expect_same_verdict(const Scenario& s, const optimistic_rollup::Challenge& challenge, const FraudProof& proof) {
  const optimistic_rollup::BatchRecord& record = s.contract.batches[s.record_index];
  const OptimisticRollupError reference = optimistic_rollup::verify_fraud_proof(s.contract, record, challenge, proof);
  const OptimisticRollupError fast = optimized::verify_fraud_proof(s.contract, record, challenge, proof);
  RC_ASSERT(code(fast) == code(reference));
  if (proof.transaction_fault) {
    const optimistic_rollup::L1Ids ids = optimistic_rollup::l1_ids_at(s.contract, record);
    const optimistic_rollup::TransactionFault& f = *proof.transaction_fault;
    const auto ref_step = optimistic_rollup::apply_encoded_tx(optimistic_rollup::params_of(s.contract), ids.view(), f.pre_state_root, f.witness,
                                                f.transaction);
    const auto opt_step = optimized::apply_encoded_tx(optimistic_rollup::params_of(s.contract), ids.view(), f.pre_state_root,
                                                      f.witness, f.transaction);
    RC_ASSERT(ref_step.ok() == opt_step.ok());
    if (ref_step.ok()) {
      RC_ASSERT(ref_step.value() == opt_step.value());
    } else {
      RC_ASSERT(code(ref_step.error()) == code(opt_step.error()));
    }
    // The same step on the decoded transaction, when it decodes.
    if (const auto tx = l2::reflect::decode<Transaction>(f.transaction)) {
      const auto ref_decoded = optimistic_rollup::apply_tx(optimistic_rollup::params_of(s.contract), ids.view(), f.pre_state_root, f.witness, tx.value());
      const auto opt_decoded =
          optimized::apply_tx(optimistic_rollup::params_of(s.contract), ids.view(), f.pre_state_root, f.witness, tx.value());
      RC_ASSERT(ref_decoded.ok() == opt_decoded.ok());
      if (ref_decoded.ok()) {
        RC_ASSERT(ref_decoded.value() == opt_decoded.value());
      } else {
        RC_ASSERT(code(ref_decoded.error()) == code(opt_decoded.error()));
      }
    }
  }
  return reference;
}

void flip(Hash32& h, u64 pick) { h[pick % 32] ^= static_cast<u8>(1u << (pick % 8)); }

// The proof and mutations of it: every field the verifier reads, and raw bytes of the encoding.
void check_mutations(const Scenario& s, const FraudProof& proof) {
  const optimistic_rollup::BatchRecord& record = s.contract.batches[s.record_index];
  const optimistic_rollup::Challenge challenge{{}, record.batch_id, key(challenger), proof.proof_type, {}, 0, 0, 0};
  RC_ASSERT(code(expect_same_verdict(s, challenge, proof)) == code(OptimisticRollupError::none));

  const u64 pick = *uniform<u64>(0, 1u << 30);
  const int mutation = *uniform<int>(0, 14);
  FraudProof p = proof;
  optimistic_rollup::Challenge ch = challenge;
  if (p.transaction_fault) {
    optimistic_rollup::TransactionFault& f = *p.transaction_fault;
    switch (mutation) {
      case 0: f.transaction_index += 1 + pick % 2; break;
      case 1: if (!f.transaction.empty()) f.transaction[pick % f.transaction.size()] ^= 0x01; break;
      case 2: if (!f.transaction_proof.empty()) flip(f.transaction_proof[pick % f.transaction_proof.size()], pick); break;
      case 3: flip(f.pre_state_root, pick); break;
      case 4: flip(f.post_state_root, pick); break;
      case 5: if (!f.post_state_root_proof.empty()) f.post_state_root_proof.pop_back(); break;
      case 6: flip(f.witness.pre_state.accounts_root, pick); break;
      case 7: if (!f.witness.accounts.empty()) flip(f.witness.accounts[pick % f.witness.accounts.size()].siblings[pick % 32], pick); break;
      case 8: if (!f.witness.accounts.empty()) f.witness.accounts.pop_back(); break;
      case 9: if (!f.witness.accounts.empty() && f.witness.accounts[0].account) f.witness.accounts[0].account->balance ^= 1; break;
      case 13: f.witness.pre_state.forced_exits_processed += 1; break;
      case 14: if (!f.witness.accounts.empty()) f.witness.accounts[0].index ^= 1; break;
      default: break;
    }
  } else if (p.timeout_fault) {
    optimistic_rollup::TimeoutFault& t = *p.timeout_fault;
    switch (mutation) {
      case 0: t.index = pick % 8; break;
      case 1: t.post_state.deposits_credited = pick % 8; break;
      case 2: flip(t.post_state.accounts_root, pick); break;
      case 3: t.queue = t.queue == QueueKind::deposits ? QueueKind::forced_exits : QueueKind::deposits; break;
      case 4: t.post_state.forced_exits_processed = pick % 8; break;
      case 5: t.index = l2::u64_max - pick % 2; break;
      default: break;
    }
  }
  if (mutation == 10) {  // the type, in the proof and the challenge: OR-FP-2 or OR-FP-8
    p.proof_type = static_cast<FraudProofType>(pick % 5);
    ch.proof_type = p.proof_type;
  }
  if (mutation == 11) p.proof_type = static_cast<FraudProofType>(pick % 5);  // OR-FP-1 unless equal
  if (mutation == 12) flip(p.batch_id, pick);
  expect_same_verdict(s, ch, p);

  // A raw byte of the encoding: whatever still decodes must get the same verdict from both.
  l2::Bytes wire = l2::reflect::encode(proof);
  wire[pick % wire.size()] ^= static_cast<u8>(1u << (pick % 8));
  const auto decoded = l2::reflect::decode<FraudProof>(wire);
  if (decoded) expect_same_verdict(s, challenge, decoded.value());
}

// A random world and a batch under test posted after `attack`.
struct Posted {
  Scenario scenario;
  bool injected = false;  // an invalid transaction is in the batch
  Builder builder;
};

Posted post_random_batch(Attack attack) {
  Builder b;
  // Accounts 1..users, each created by a deposit at height 2; an early top-up; forced-exit requests
  // by owners and by others at height 3, some for the account of an earlier request.
  const std::size_t users = *uniform<std::size_t>(1, user_count);
  for (std::size_t u = 1; u <= users; ++u) b.record_new_account(u, *uniform<u64>(2, 5000), 2);
  if (*rc::gen::arbitrary<bool>()) b.record_top_up(1, *uniform<u64>(1, 100), 3);
  const std::size_t requests = attack == Attack::overdue_forced_exit ? *uniform<std::size_t>(1, 3)
                                                                      : *uniform<std::size_t>(0, 3);
  for (std::size_t k = 0; k < requests; ++k)
    b.record_forced_exit(*uniform<AccountIndex>(0, b.accounts() - 1), *uniform<std::size_t>(1, user_count), 3);

  // A first batch processes a random prefix of the requests, so the batch under test starts from a
  // non-genesis state.
  // (The timeout attacks keep at least one request of their queue for the batch under test.)
  b.start_batch(3);
  const u64 leave_deposit = attack == Attack::overdue_deposit ? 1 : 0;
  const u64 leave_forced_exit = attack == Attack::overdue_forced_exit ? 1 : 0;
  b.process_requests(*uniform<u64>(0, b.deposits_visible() - leave_deposit),
                     *uniform<u64>(0, b.forced_exits_visible() - leave_forced_exit));
  if (b.size() != 0) static_cast<void>(b.post(4, std::nullopt, 0));

  // The batch under test: built on an origin at which the requests are overdue (the timeout
  // attacks), or a random one around that deadline. A deposit recorded after the origin is not in
  // its view.
  const u64 origin = attack == Attack::overdue_deposit || attack == Attack::overdue_forced_exit
                         ? 3 + inclusion_blocks + *uniform<u64>(0, 1)
                         : *uniform<u64>(4, 3 + inclusion_blocks + 1);
  if (*uniform<int>(0, 3) == 0) b.record_new_account(1, 7, origin + 1);
  b.start_batch(origin);
  const u64 visible_deposits = b.deposits_visible();
  const u64 visible_forced = b.forced_exits_visible();
  switch (attack) {
    case Attack::overdue_deposit:
      b.process_requests(b.state().deposits_credited(), *uniform<u64>(0, visible_forced));
      break;
    case Attack::overdue_forced_exit:
      b.process_requests(visible_deposits, b.state().forced_exits_processed());
      break;
    default: b.process_requests(*uniform<u64>(0, visible_deposits), *uniform<u64>(0, visible_forced)); break;
  }
  const std::size_t spends = *uniform<std::size_t>(0, 20);
  const std::size_t injected_at = *uniform<std::size_t>(0, spends);
  bool injected = false;
  for (std::size_t k = 0; k <= spends; ++k) {
    if (attack == Attack::invalid_transaction && k == injected_at) {
      const Transaction bad = invalid_transaction(b, *uniform<int>(0, 9), *uniform<AccountIndex>(0, b.accounts()),
                                                  *uniform<AccountIndex>(0, b.accounts()), *uniform<u64>(0, 1u << 30));
      // A fault that happens to be valid is just one more transaction.
      if (!b.push_valid(bad)) {
        b.push_claimed_noop(bad);
        injected = true;
      }
    }
    if (k == spends) break;
    const auto spend = b.valid_spend(*uniform<AccountIndex>(1, b.accounts() - 1), *uniform<AccountIndex>(0, b.accounts()),
                                     *uniform<u64>(0, 1u << 20), *uniform<int>(0, 4) == 0);
    if (spend) b.push_valid(*spend);
  }
  RC_PRE(b.size() != 0);  // a batch is never empty (OR-BATCH-5)

  std::optional<std::size_t> corrupt_root;
  if (attack == Attack::corrupted_root) corrupt_root = *uniform<std::size_t>(1, b.size());
  Scenario s = b.post(origin + 1 + *uniform<u64>(0, config.sequencing_window_blocks - 1), corrupt_root,
                      *uniform<u64>(0, 1u << 30));
  return Posted{std::move(s), injected, std::move(b)};
}

// A proof against transaction i of the batch built as an honest challenger would (the true witness
// at state_roots[i]) whether or not there is a fault there, typed `type`.
FraudProof proof_at(const Scenario& s, u64 i, FraudProofType type) {
  const optimistic_rollup::BatchRecord& record = s.contract.batches[s.record_index];
  const optimistic_rollup::L1Ids ids = optimistic_rollup::l1_ids_at(s.contract, record);
  State state = s.pre_state;
  for (u64 k = 0; k < i; ++k) {
    auto next = optimistic_rollup::apply_tx(optimistic_rollup::params_of(s.contract), ids.view(), state, s.batch.transactions[k], OracleCheck{});
    if (!next) break;  // past a fault the true state stays where it stopped
    state = std::move(next).value();
  }
  return FraudProof{record.batch_id, type, optimistic_rollup::transaction_fault_at(s.contract, record, s.batch, i, state, OracleCheck{}),
                    std::nullopt};
}

std::string describe(const optimistic_rollup::Transition& t) {
  if (!t.ok()) return code(t.error());
  std::string out = "ok, contract " + l2::to_hex(optimistic_rollup::contract_root(t.value().contract)) + ", payouts";
  for (const optimistic_rollup::Payout& p : t.value().payouts) out += " " + std::to_string(p.amount);
  for (const optimistic_rollup::ChallengeResolution& r : t.value().resolutions)
    out += ", resolution " + std::to_string(static_cast<int>(r.kind)) + " " + code(r.reason);
  return out;
}

// The same code, or the same effects, field by field.
bool same_transition(const optimistic_rollup::Transition& a, const optimistic_rollup::Transition& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return a.error() == b.error();
  return l2::reflect::encode(a.value().contract) == l2::reflect::encode(b.value().contract) &&
         l2::reflect::encode(a.value().payouts) == l2::reflect::encode(b.value().payouts) &&
         a.value().resolutions == b.value().resolutions;
}

}  // namespace

RC_GTEST_PROP(OptimisticRollupFraudDifferential, ProofsAndVerdictsMatchTheReference, ()) {
  const auto attack = static_cast<Attack>(*uniform<int>(0, 4));
  const auto thread_count = *rc::gen::element<unsigned>(1u, 2u);
  const Posted posted = post_random_batch(attack);
  const Scenario& s = posted.scenario;
  const optimistic_rollup::BatchRecord& record = s.contract.batches[s.record_index];

  const auto reference = optimistic_rollup::find_fraud(s.contract, record, s.batch, s.pre_state);
  Engine engine(s.pre_state, thread_count);
  const auto fast = optimized::find_fraud(s.contract, record, s.batch, engine, thread_count);
  RC_ASSERT(reference.has_value() == fast.has_value());
  RC_TAG(!reference ? std::string("no fault")
                    : reference->timeout_fault ? std::string("timeout_violation, queue ") +
                                                     (reference->timeout_fault->queue == QueueKind::deposits ? "deposits" : "forced_exits")
                                               : "transaction fault, type " + std::to_string(static_cast<int>(reference->proof_type)));
  if (attack == Attack::corrupted_root || posted.injected) RC_ASSERT(reference.has_value());
  if (attack == Attack::overdue_deposit || attack == Attack::overdue_forced_exit) RC_ASSERT(reference.has_value());

  if (reference) {
    RC_ASSERT(l2::reflect::encode(*reference) == l2::reflect::encode(*fast));
    if (reference->transaction_fault) {
      // Left at the true state before the faulty transaction: the witness's header.
      RC_ASSERT(l2::reflect::encode(engine.header()) == l2::reflect::encode(reference->transaction_fault->witness.pre_state));
    } else {
      RC_ASSERT(engine.state_root() == optimistic_rollup::state_root(reference->timeout_fault->post_state));
    }
    check_mutations(s, *reference);
  } else {
    RC_ASSERT(engine.state_root() == s.batch.state_roots.back());
    // A valid batch: a proof against any of its transactions is rejected (OR-FP-7 for the type
    // invalid_transition, else OR-FP-7 or OR-FP-8), by both verifiers.
    const FraudProof frivolous = proof_at(s, *uniform<u64>(0, s.batch.transactions.size() - 1),
                                          static_cast<FraudProofType>(*uniform<int>(0, 2)));
    const optimistic_rollup::Challenge challenge{{}, record.batch_id, key(challenger), frivolous.proof_type, {}, 0, 0, 0};
    const OptimisticRollupError verdict = expect_same_verdict(s, challenge, frivolous);
    RC_ASSERT(verdict == OptimisticRollupError::fraud_no_fault || verdict == OptimisticRollupError::fraud_type_mismatch);
  }

  // From a state that is not the batch's prev root, neither searches, and the engine is untouched.
  State elsewhere = s.pre_state;
  elsewhere.set_counters(optimistic_rollup::Counters{elsewhere.deposits_credited(), elsewhere.forced_exits_processed() + 1});
  Engine other(elsewhere, 1);
  RC_ASSERT(!optimistic_rollup::find_fraud(s.contract, record, s.batch, elsewhere).has_value());
  RC_ASSERT(!optimized::find_fraud(s.contract, record, s.batch, other, 1).has_value());
  RC_ASSERT(other.state_root() == elsewhere.root());
}

// ---- submit_batch -----------------------------------------------------------------------------

namespace {

// What a mutation of a submit_batch call changes, and the rule it aims at.
enum SubmitMutation : int {
  submit_none,
  submit_frozen,             // OR-FROZEN-1
  submit_unstaked,           // OR-BATCH-1: staked = false
  submit_stake_below,        // OR-BATCH-1: stake = minimum - 1
  submit_wrong_chain,        // OR-BATCH-2
  submit_wrong_rollup,       // OR-BATCH-2
  submit_epoch_above,        // OR-BATCH-13: epoch + 1
  submit_epoch_below,        // OR-BATCH-13: a batch built before a revert
  submit_number_above,       // OR-BATCH-3
  submit_number_below,       // OR-BATCH-3
  submit_prev_root,          // OR-BATCH-4
  submit_origin_at_height,   // OR-BATCH-14: origin == height
  submit_origin_above,       // OR-BATCH-14: origin == height + 1
  submit_origin_stale,       // OR-BATCH-15: height == origin + window + 1
  submit_origin_last,        // passes: height == origin + window
  submit_empty,              // OR-BATCH-5
  submit_too_large,          // OR-BATCH-6: max_batch_size = n - 1
  submit_largest,            // passes: max_batch_size = n
  submit_count_above,        // OR-BATCH-7
  submit_count_below,        // OR-BATCH-7
  submit_transaction_edited, // OR-BATCH-8: a posted transaction differs from the committed one
  submit_tx_root,            // OR-BATCH-8: the header's root differs
  submit_root_missing,       // OR-BATCH-9: n roots
  submit_root_extra,         // OR-BATCH-9: n + 2 roots
  submit_first_root,         // OR-BATCH-10
  submit_last_root,          // OR-BATCH-10
  submit_middle_root,        // OR-BATCH-11: a posted intermediate root differs from the committed one
  submit_roots_root,         // OR-BATCH-11: the header's root differs
  submit_signature_flipped,  // OR-BATCH-12
  submit_signed_by_other,    // OR-BATCH-12
  submit_unsigned_edit,      // OR-BATCH-12: the header edited after signing (origin one lower, still valid)
  submit_mutation_count,
};

// The rule each mutation reaches when it is applied alone to an honest submission.
OptimisticRollupError expected_code(int mutation) {
  switch (mutation) {
    case submit_frozen: return OptimisticRollupError::rollup_frozen;
    case submit_unstaked:
    case submit_stake_below: return OptimisticRollupError::operator_understaked;
    case submit_wrong_chain:
    case submit_wrong_rollup: return OptimisticRollupError::batch_wrong_rollup;
    case submit_epoch_above:
    case submit_epoch_below: return OptimisticRollupError::batch_wrong_epoch;
    case submit_number_above:
    case submit_number_below: return OptimisticRollupError::batch_out_of_order;
    case submit_prev_root: return OptimisticRollupError::batch_prev_root_mismatch;
    case submit_origin_at_height:
    case submit_origin_above: return OptimisticRollupError::batch_origin_in_future;
    case submit_origin_stale: return OptimisticRollupError::batch_origin_stale;
    case submit_empty: return OptimisticRollupError::batch_empty;
    case submit_too_large: return OptimisticRollupError::batch_too_large;
    case submit_count_above:
    case submit_count_below: return OptimisticRollupError::batch_count_mismatch;
    case submit_transaction_edited:
    case submit_tx_root: return OptimisticRollupError::batch_tx_root_mismatch;
    case submit_root_missing:
    case submit_root_extra: return OptimisticRollupError::batch_state_root_count;
    case submit_first_root:
    case submit_last_root: return OptimisticRollupError::batch_state_root_endpoints;
    case submit_middle_root:
    case submit_roots_root: return OptimisticRollupError::batch_state_roots_mismatch;
    case submit_signature_flipped:
    case submit_signed_by_other:
    case submit_unsigned_edit: return OptimisticRollupError::bad_operator_signature;
    default: return OptimisticRollupError::none;
  }
}

struct SubmitCall {
  OptimisticRollup contract;
  optimistic_rollup::SubmitBatchInput input;
  optimistic_rollup::Env env;
};

// Applies `mutation` to an honest call. Mutations that edit the header or the data re-sign it
// unless the signature is what they aim at, so that each reaches its own rule.
void mutate(SubmitCall& call, int mutation, u64 pick) {
  OptimisticRollup& c = call.contract;
  Batch& batch = call.input.batch;
  optimistic_rollup::BatchHeader& h = batch.header;
  bool resign = true;
  switch (mutation) {
    case submit_frozen: c.frozen = true; break;
    case submit_unstaked: c.staked = false; break;
    case submit_stake_below: c.stake = config.stake.minimum_stake - 1; break;
    case submit_wrong_chain: h.chain_id += 1; break;
    case submit_wrong_rollup: flip(h.rollup_id, pick); break;
    case submit_epoch_above: h.epoch += 1; break;
    case submit_epoch_below: c.epoch += 1; break;
    case submit_number_above: h.batch_number += 1; break;
    case submit_number_below:
      if (h.batch_number == 0) {
        c.batches.insert(c.batches.begin(), optimistic_rollup::BatchRecord{});  // one more batch than the header counts
      } else {
        h.batch_number -= 1;
      }
      break;
    case submit_prev_root: flip(h.prev_state_root, pick); break;
    case submit_origin_at_height: call.env.height = h.l1_origin_height; break;
    case submit_origin_above: call.env.height = h.l1_origin_height - 1; break;  // origin >= 1 here
    case submit_origin_stale: call.env.height = h.l1_origin_height + config.sequencing_window_blocks + 1; break;
    case submit_origin_last: call.env.height = h.l1_origin_height + config.sequencing_window_blocks; break;
    case submit_empty: batch.transactions.clear(); break;
    case submit_too_large: c.config.max_batch_size = batch.transactions.size() - 1; break;
    case submit_largest: c.config.max_batch_size = batch.transactions.size(); break;
    case submit_count_above: h.transaction_count += 1; break;
    case submit_count_below: h.transaction_count -= 1; break;
    case submit_transaction_edited: {
      Transaction& tx = batch.transactions[pick % batch.transactions.size()];
      if (tx.transfer) {
        tx.transfer->amount ^= 1;
      } else if (tx.withdrawal) {
        tx.withdrawal->amount ^= 1;
      } else if (tx.deposit) {
        tx.deposit->amount ^= 1;
      } else if (tx.forced_exit) {
        tx.forced_exit->amount ^= 1;
      }
      break;
    }
    case submit_tx_root: flip(h.transactions_root, pick); break;
    case submit_root_missing: batch.state_roots.erase(batch.state_roots.begin() + 1); break;
    case submit_root_extra: batch.state_roots.insert(batch.state_roots.begin() + 1, Hash32{0x42}); break;
    case submit_first_root: flip(batch.state_roots.front(), pick); break;
    case submit_last_root: flip(batch.state_roots.back(), pick); break;
    case submit_middle_root:
      if (batch.state_roots.size() > 2) {
        flip(batch.state_roots[1 + pick % (batch.state_roots.size() - 2)], pick);
      } else {
        flip(h.state_roots_root, pick);
      }
      break;
    case submit_roots_root: flip(h.state_roots_root, pick); break;
    case submit_signature_flipped:
      batch.signature[pick % 64] ^= static_cast<u8>(1u << (pick % 8));
      resign = false;
      break;
    case submit_signed_by_other:
      batch.signature = sign(1 + pick % user_count, optimistic_rollup::batch_id(h));
      resign = false;
      break;
    case submit_unsigned_edit:  // another origin the window admits: only the signature fails
      h.l1_origin_height = h.l1_origin_height + 1 < call.env.height ? h.l1_origin_height + 1 : h.l1_origin_height - 1;
      resign = false;
      break;
    default: resign = false; break;
  }
  if (resign) batch.signature = sign(0, optimistic_rollup::batch_id(h));
}

// An honest submit_batch call: the batch under test of a random world, before it was submitted.
SubmitCall honest_submission() {
  Posted posted = post_random_batch(static_cast<Attack>(*uniform<int>(0, 4)));
  SubmitCall call;
  call.contract = posted.scenario.contract;
  call.contract.batches.pop_back();  // as it was before the batch under test
  call.contract.last_state_root = posted.scenario.batch.header.prev_state_root;
  call.input = optimistic_rollup::SubmitBatchInput{key(0), posted.scenario.batch};
  call.env = optimistic_rollup::Env{posted.scenario.contract.batches.back().submitted_at};
  return call;
}

optimistic_rollup::Transition submit_reference(const SubmitCall& call) {
  return optimistic_rollup::apply_submit_batch(call.contract, call.input, call.env);
}
optimistic_rollup::Transition submit_optimized(const SubmitCall& call, unsigned threads) {
  return optimized::apply_submit_batch(call.contract, call.input, call.env, threads);
}

}  // namespace

// Every rule of submit_batch at its boundary: on each of a few worlds, the reference reaches the rule
// each mutation aims at, and the optimized engine returns the same code or the same effects; then
// each pair of consecutive rules broken together, where the earlier rule must report.
TEST(OptimisticRollupContractDifferential, SubmitBatchEveryRuleAtItsBoundary) {
  l2::test::check_property(
      [] {
        const SubmitCall honest = honest_submission();
        RC_PRE(honest.input.batch.transactions.size() >= 2);
        for (int mutation = 0; mutation < submit_mutation_count; ++mutation) {
          SubmitCall call = honest;
          mutate(call, mutation, 7);
          const optimistic_rollup::Transition expected = submit_reference(call);
          RC_ASSERT(code(expected.ok() ? OptimisticRollupError::none : expected.error()) == code(expected_code(mutation)));
          const optimistic_rollup::Transition got = submit_optimized(call, 1 + mutation % 2);
          if (!same_transition(expected, got))
            RC_FAIL("mutation " + std::to_string(mutation) + ": reference " + describe(expected) + ", optimized " +
                    describe(got));
        }
        // The order: two rules broken at once, the earlier one in the reference's order reports.
        const std::vector<std::pair<int, int>> pairs = {
            {submit_frozen, submit_unstaked},         {submit_unstaked, submit_wrong_chain},
            {submit_wrong_chain, submit_epoch_above}, {submit_epoch_above, submit_number_above},
            {submit_number_above, submit_prev_root},  {submit_prev_root, submit_origin_at_height},
            {submit_prev_root, submit_origin_stale},  {submit_origin_at_height, submit_empty},
            {submit_origin_stale, submit_empty},      {submit_empty, submit_too_large},
            {submit_too_large, submit_count_above},   {submit_count_above, submit_tx_root},
            {submit_tx_root, submit_root_missing},    {submit_root_missing, submit_first_root},
            {submit_first_root, submit_roots_root},   {submit_roots_root, submit_signature_flipped}};
        for (const auto& [earlier, later] : pairs) {
          SubmitCall call = honest;
          mutate(call, earlier, 7);
          mutate(call, later, 7);
          const optimistic_rollup::Transition expected = submit_reference(call);
          RC_ASSERT(code(expected.ok() ? OptimisticRollupError::none : expected.error()) == code(expected_code(earlier)));
          const optimistic_rollup::Transition got = submit_optimized(call, 1);
          if (!same_transition(expected, got))
            RC_FAIL("mutations " + std::to_string(earlier) + " and " + std::to_string(later) + ": reference " +
                    describe(expected) + ", optimized " + describe(got));
        }
      },
      4);
}

RC_GTEST_PROP(OptimisticRollupContractDifferential, SubmitBatchMatchesTheReference, ()) {
  SubmitCall call = honest_submission();
  // Up to three mutations at once: which rule wins is the reference's order.
  const std::size_t count = *uniform<std::size_t>(0, 3);
  for (std::size_t k = 0; k < count; ++k) {
    const int mutation = *uniform<int>(0, submit_mutation_count - 1);
    if (call.input.batch.transactions.size() < 2 && mutation != submit_empty) continue;
    if (call.input.batch.transactions.empty() || call.input.batch.state_roots.size() < 2) break;
    mutate(call, mutation, *uniform<u64>(0, 1u << 30));
  }
  const optimistic_rollup::Transition expected = submit_reference(call);
  const optimistic_rollup::Transition got = submit_optimized(call, *rc::gen::element<unsigned>(1u, 2u));
  RC_TAG(expected.ok() ? std::string("accepted") : code(expected.error()));
  if (!same_transition(expected, got)) RC_FAIL("reference " + describe(expected) + ", optimized " + describe(got));
}

// ---- resolve_challenge --------------------------------------------------------------------------

namespace {

// A challenge opened against the batch under test at `opened_at` with `proof`'s evidence, by the
// challenger key; and, for the revert cascade, a second challenge by user 1 on the same batch.
struct ResolveCall {
  OptimisticRollup contract;
  optimistic_rollup::ResolveChallengeInput input;
  optimistic_rollup::Env env;
};

ResolveCall open_challenge(const Scenario& s, const FraudProof& proof, bool second_challenge) {
  OptimisticRollup c = s.contract;
  const Hash32 batch_id = c.batches[s.record_index].batch_id;
  const u64 opened_at = c.batches[s.record_index].submitted_at + 1;
  if (second_challenge) {
    const optimistic_rollup::OpenChallengeInput other{key(1), batch_id, FraudProofType::invalid_signature, Hash32{0x5e}, bond + 7};
    c = optimistic_rollup::apply_open_challenge(c, other, optimistic_rollup::Env{opened_at}).value().contract;
  }
  const Hash32 evidence = optimistic_rollup::evidence_commitment(key(challenger), proof);
  const optimistic_rollup::OpenChallengeInput in{key(challenger), batch_id, proof.proof_type, evidence, bond};
  c = optimistic_rollup::apply_open_challenge(c, in, optimistic_rollup::Env{opened_at}).value().contract;
  const Hash32 id = optimistic_rollup::challenge_id(key(challenger), evidence);
  return ResolveCall{c, optimistic_rollup::ResolveChallengeInput{key(5), id, proof}, optimistic_rollup::Env{opened_at + 1}};
}

}  // namespace

RC_GTEST_PROP(OptimisticRollupContractDifferential, ResolveChallengeMatchesTheReference, ()) {
  const auto attack = static_cast<Attack>(*uniform<int>(0, 4));
  const Posted posted = post_random_batch(attack);
  const Scenario& s = posted.scenario;
  const optimistic_rollup::BatchRecord& record = s.contract.batches[s.record_index];
  std::optional<FraudProof> proof = optimistic_rollup::find_fraud(s.contract, record, s.batch, s.pre_state, OracleCheck{});
  if (!proof) {
    // An honest batch: a frivolous proof, the true witness of one of its transactions (rejected:
    // OR-FP-7 or OR-FP-8).
    proof = proof_at(s, *uniform<u64>(0, s.batch.transactions.size() - 1), static_cast<FraudProofType>(*uniform<int>(0, 2)));
  }
  ResolveCall call = open_challenge(s, *proof, *rc::gen::arbitrary<bool>());
  const u64 pick = *uniform<u64>(0, 1u << 30);
  switch (*uniform<int>(0, 12)) {
    case 0: flip(call.input.challenge_id, pick); break;                                   // OR-RES-1
    case 1: call.contract.batches[s.record_index].final = true; break;                    // OR-RES-1: not pending
    case 2: call.env.height = call.contract.challenges.back().deadline; break;           // OR-RES-2
    case 3: call.env.height = call.contract.challenges.back().deadline - 1; break;       // passes OR-RES-2
    case 4: call.env.height = call.contract.challenges.back().opened_at; break;          // OR-RES-3
    case 5: {                                                                            // OR-RES-4
      FraudProof other = *proof;
      flip(other.batch_id, pick);
      call.input.proof = other;
      break;
    }
    case 6: {  // the challenger committed to a mutated proof: rejected by some OR-FP rule, or confirmed
      FraudProof other = *proof;
      if (other.transaction_fault) {
        flip(other.transaction_fault->post_state_root, pick);
      } else if (other.timeout_fault) {
        other.timeout_fault->index += 1;
      }
      call = open_challenge(s, other, false);
      break;
    }
    default: break;  // the proof as committed
  }
  const optimistic_rollup::Transition expected = optimistic_rollup::apply_resolve_challenge(call.contract, call.input, call.env);
  const optimistic_rollup::Transition got = optimized::apply_resolve_challenge(call.contract, call.input, call.env);
  RC_TAG(expected.ok() ? (expected.value().resolutions.empty() ? std::string("no resolution")
                                                                 : "resolved " + code(expected.value().resolutions[0].reason))
                       : code(expected.error()));
  if (!same_transition(expected, got)) RC_FAIL("reference " + describe(expected) + ", optimized " + describe(got));
}
