// Differential test: the rollup engine's fraud proofs (l2::opt::find_fraud, verify_fraud_proof,
// apply_encoded_tx) against the reference's (find_fraud, verify_fraud_proof, apply_encoded_tx), with
// real BIP-340 signatures from libsecp256k1 (the oracle). Each case deploys a contract, records a
// few deposits (some creating accounts, some top-ups, some recorded early enough to be overdue),
// builds a batch against the true L2 state and posts it after one of four attacks: none (honest),
// a corrupted intermediate root at a random index (the last one included: it is also the header's
// post_state_root), an injected invalid transaction (forged or misdirected signature, replayed or
// skipped nonce, overspend, unknown recipient, deposit out of order or credited twice, malformed
// kind) whose claimed root is the unchanged one, or a deposit left uncredited past its deadline.
// The proofs must be byte-equal (l2::reflect::encode), the engine must be left where the header
// says, and the two verifiers must give the same code on the proof and on mutations of it.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <vector>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Hash32;
using l2::RollupError;
using l2::u32;
using l2::u64;
using l2::u8;
namespace orl = l2::ref::optimistic_rollup;
namespace oracle = l2::test::libsecp256k1;
using l2::opt::RollupEngine;
using orl::AccountIndex;
using orl::Batch;
using orl::FraudProof;
using orl::FraudProofType;
using orl::OptimisticRollup;
using orl::State;
using orl::Transaction;

constexpr u64 chain = 11;
constexpr std::size_t user_count = 5;
constexpr u64 inclusion_blocks = 5;

const orl::RollupConfig config{
    /*max_batch_size=*/256, /*challenge_period_blocks=*/20, /*resolution_period_blocks=*/10,
    /*deposit_inclusion_blocks=*/inclusion_blocks, /*min_challenge_bond=*/100,
    orl::StakeRequirements{/*minimum_stake=*/1000, /*stake_lock_period=*/50, /*penalty_percentage=*/30}};

struct Keys {
  std::array<Hash32, user_count + 1> secret{};  // 0: the operator
  std::array<Hash32, user_count + 1> pubkey{};
};

const Keys& keys() {
  static const Keys made = [] {
    Keys k;
    const l2::Bytes seed = l2::bytes_of("optimistic_rollup_fraud_differential");
    for (std::size_t i = 0; i <= user_count; ++i) {
      k.secret[i] = l2::ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      k.pubkey[i] = oracle::pubkey(k.secret[i]).value();
    }
    return k;
  }();
  return made;
}

// [min, max], both ends included. inRange scales with the test's size, which starts at 0: resize so
// every value can come early.
template <class T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(100, rc::gen::inRange<T>(min, static_cast<T>(max + 1)));
}

enum class Attack { honest, corrupted_root, invalid_transaction, overdue_deposit };

struct Scenario {
  OptimisticRollup contract;
  std::size_t record_index = 0;
  Batch batch;
  State pre_state;
};

class Builder {
 public:
  Builder() {
    contract_ = orl::deploy(chain, Hash32{0xcc}, keys().pubkey[0], 0, config).value();
    contract_ = orl::apply_stake(contract_, {1000}, {1, keys().pubkey[0]}).value().contract;
    state_ = State::genesis(keys().pubkey[0]);
  }

  orl::L2Params params() const { return orl::params_of(contract_); }

  // Records a deposit creating the account of user `owner` (1-based) at `height`.
  void record_new_account(std::size_t owner, u64 amount, u64 height) {
    const u64 index = contract_.deposits.size();
    const AccountIndex to = static_cast<AccountIndex>(contract_.next_account_index);
    contract_ = orl::apply_deposit_new_account(contract_, {keys().pubkey[owner], amount}, {height, Hash32{0xaa}})
                    .value()
                    .contract;
    deposits_.push_back(orl::Deposit{index, to, keys().pubkey[owner], amount});
    owner_of_.resize(std::max<std::size_t>(owner_of_.size(), to + 1));
    owner_of_[to] = owner;
  }
  void record_top_up(AccountIndex to, u64 amount, u64 height) {
    const u64 index = contract_.deposits.size();
    contract_ = orl::apply_deposit_top_up(contract_, {to, amount}, {height, Hash32{0xaa}}).value().contract;
    deposits_.push_back(orl::Deposit{index, to, std::nullopt, amount});
  }
  std::size_t deposits_recorded() const { return deposits_.size(); }
  AccountIndex accounts() const { return static_cast<AccountIndex>(contract_.next_account_index); }

  // Credits deposits [credited, upto) to the true state as batch transactions.
  void credit_deposits(u64 upto) {
    while (state_.deposits_credited() < upto) push_valid(orl::make_transaction(deposits_[state_.deposits_credited()]));
  }

  Transaction transfer(AccountIndex from, AccountIndex to, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    orl::Transfer t{from, to, amount, fee, nonce, {}};
    t.signature = oracle::sign(keys().secret[signer], orl::transfer_digest(params(), t), Hash32{}).value();
    return orl::make_transaction(t);
  }
  Transaction withdrawal(AccountIndex from, u64 amount, u64 fee, u64 nonce, std::size_t signer) const {
    orl::Withdrawal w{from, Hash32{0xe1}, amount, fee, nonce, {}};
    w.signature = oracle::sign(keys().secret[signer], orl::withdrawal_digest(params(), w), Hash32{}).value();
    return orl::make_transaction(w);
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
    auto next = orl::apply_tx(params(), l1(), state_, tx);
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

  Scenario post(u64 height, std::optional<std::size_t> corrupt_root, u64 corruption) {
    std::vector<Hash32> roots = roots_;
    roots.insert(roots.begin(), pre_state_.root());
    if (corrupt_root) roots[*corrupt_root][corruption % 32] ^= static_cast<u8>(1 + corruption % 255);
    Batch batch{orl::batch_header_for(contract_, transactions_, roots), {}, transactions_, roots};
    batch.signature = oracle::sign(keys().secret[0], orl::batch_id(batch.header), Hash32{}).value();
    auto submitted = orl::apply_submit_batch(contract_, batch, {height, keys().pubkey[0]});
    RC_ASSERT(submitted.ok());
    contract_ = submitted.value().contract;
    return Scenario{contract_, contract_.batches.size() - 1, std::move(batch), pre_state_};
  }

  // The batch starts from the current true state.
  void start_batch() {
    pre_state_ = state_;
    transactions_.clear();
    roots_.clear();
  }

  std::vector<Hash32> deposit_ids() const {
    std::vector<Hash32> ids;
    for (const auto& d : contract_.deposits) ids.push_back(d.deposit_id);
    return ids;
  }
  const orl::Deposit& deposit(u64 index) const { return deposits_[index]; }

 private:
  orl::L1View l1() const {
    ids_ = deposit_ids();
    return orl::L1View{ids_};
  }

  OptimisticRollup contract_;
  State state_;
  State pre_state_;
  std::vector<orl::Deposit> deposits_;
  std::vector<std::size_t> owner_of_;  // account index -> user (0: none / the operator)
  std::vector<Transaction> transactions_;
  std::vector<Hash32> roots_;  // after each transaction
  mutable std::vector<Hash32> ids_;
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
      return orl::make_transaction(orl::Deposit{index, to, std::nullopt, 5});
    }
    default: {  // malformed: a transfer's kind with no transfer body
      Transaction tx = b.transfer(from, to, 1, 0, nonce, signer);
      tx.kind = orl::TxKind::withdrawal;
      return tx;
    }
  }
}

std::string code(RollupError e) { return std::string(l2::error_info(e).code); }

// Both verifiers on `proof`; returns the reference's verdict.
RollupError expect_same_verdict(const Scenario& s, const orl::Challenge& challenge, const FraudProof& proof) {
  const orl::BatchRecord& record = s.contract.batches[s.record_index];
  const RollupError reference = orl::verify_fraud_proof(s.contract, record, challenge, proof);
  const RollupError optimized = l2::opt::verify_fraud_proof(s.contract, record, challenge, proof);
  RC_ASSERT(code(optimized) == code(reference));
  if (proof.transaction_fault) {
    const std::vector<Hash32> ids = orl::deposit_ids_at(s.contract, record);
    const orl::TransactionFault& f = *proof.transaction_fault;
    const auto ref_step = orl::apply_encoded_tx(orl::params_of(s.contract), orl::L1View{ids}, f.pre_state_root,
                                                f.witness, f.transaction);
    const auto opt_step = l2::opt::apply_encoded_tx(orl::params_of(s.contract), orl::L1View{ids}, f.pre_state_root,
                                                    f.witness, f.transaction);
    RC_ASSERT(ref_step.ok() == opt_step.ok());
    if (ref_step.ok()) RC_ASSERT(ref_step.value() == opt_step.value());
    else RC_ASSERT(ref_step.error() == opt_step.error());
  }
  return reference;
}

void flip(Hash32& h, u64 pick) { h[pick % 32] ^= static_cast<u8>(1u << (pick % 8)); }

// The proof and mutations of it: every field the verifier reads, and raw bytes of the encoding.
void check_mutations(const Scenario& s, const FraudProof& proof) {
  const orl::BatchRecord& record = s.contract.batches[s.record_index];
  const orl::Challenge challenge{{}, record.batch_id, Hash32{0xc1}, proof.proof_type, {}, 0, 0, 0};
  RC_ASSERT(code(expect_same_verdict(s, challenge, proof)) == code(RollupError::none));

  const u64 pick = *uniform<u64>(0, 1u << 30);
  const int mutation = *uniform<int>(0, 12);
  FraudProof p = proof;
  orl::Challenge ch = challenge;
  if (p.transaction_fault) {
    orl::TransactionFault& f = *p.transaction_fault;
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
      default: break;
    }
  } else if (p.timeout_fault) {
    switch (mutation) {
      case 0: p.timeout_fault->deposit_index = pick % 8; break;
      case 1: p.timeout_fault->post_state.deposits_credited = pick % 8; break;
      case 2: flip(p.timeout_fault->post_state.accounts_root, pick); break;
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

}  // namespace

RC_GTEST_PROP(OptimisticRollupFraudDifferential, ProofsAndVerdictsMatchTheReference, ()) {
  const auto attack = static_cast<Attack>(*uniform<int>(0, 3));
  const auto thread_count = *rc::gen::element<unsigned>(1u, 2u);
  Builder b;

  // Accounts 1..users, each created by a deposit; an early top-up may be left for the timeout attack.
  const std::size_t users = *uniform<std::size_t>(1, user_count);
  for (std::size_t u = 1; u <= users; ++u) b.record_new_account(u, *uniform<u64>(2, 5000), 2);
  // Account 0 is the operator's; spends come from user accounts only (the operator's key signs too).
  if (*rc::gen::arbitrary<bool>()) b.record_top_up(1, *uniform<u64>(1, 100), 3);
  const std::size_t recorded_now = b.deposits_recorded();

  // A first batch credits some deposits, so the batch under test starts from a non-genesis state
  // (a random prefix: the pre-state is not always "all credited").
  b.start_batch();
  b.credit_deposits(*uniform<u64>(0, recorded_now));
  if (b.size() != 0) {
    const Scenario first = b.post(4, std::nullopt, 0);
    static_cast<void>(first);
  }
  // The batch under test.
  b.start_batch();
  const u64 credit_upto = attack == Attack::overdue_deposit ? b.state().deposits_credited()
                                                             : *uniform<u64>(b.state().deposits_credited(), recorded_now);
  b.credit_deposits(credit_upto);
  const std::size_t spends = *uniform<std::size_t>(0, 24);
  const std::size_t injected_at = *uniform<std::size_t>(0, spends);
  bool injected = false;
  for (std::size_t k = 0; k <= spends; ++k) {
    if (attack == Attack::invalid_transaction && k == injected_at) {
      const Transaction bad = invalid_transaction(b, *uniform<int>(0, 7), *uniform<AccountIndex>(0, b.accounts()),
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
  // Submitted late enough that every deposit recorded at 2 or 3 is overdue, for the timeout attack;
  // otherwise sometimes before the deadline (nothing overdue), sometimes after.
  const u64 height = attack == Attack::overdue_deposit ? 3 + inclusion_blocks : *uniform<u64>(5, 3 + inclusion_blocks);
  const Scenario s = b.post(height, corrupt_root, *uniform<u64>(0, 1u << 30));
  const orl::BatchRecord& record = s.contract.batches[s.record_index];

  const auto reference = orl::find_fraud(s.contract, record, s.batch, s.pre_state);
  RollupEngine engine(s.pre_state, thread_count);
  const auto optimized = l2::opt::find_fraud(s.contract, record, s.batch, engine, thread_count);
  RC_ASSERT(reference.has_value() == optimized.has_value());
  RC_TAG(reference ? static_cast<int>(reference->proof_type) : -1);
  if (attack == Attack::corrupted_root || injected) RC_ASSERT(reference.has_value());

  if (reference) {
    RC_ASSERT(l2::reflect::encode(*reference) == l2::reflect::encode(*optimized));
    if (reference->transaction_fault) {
      // Left at the true state before the faulty transaction: the witness's header.
      RC_ASSERT(engine.header().accounts_root == reference->transaction_fault->witness.pre_state.accounts_root);
      RC_ASSERT(engine.deposits_credited() == reference->transaction_fault->witness.pre_state.deposits_credited);
    } else {
      RC_ASSERT(engine.state_root() == orl::state_root(reference->timeout_fault->post_state));
    }
    check_mutations(s, *reference);
  } else {
    RC_ASSERT(engine.state_root() == s.batch.state_roots.back());
  }

  // From a state that is not the batch's prev root, neither searches, and the engine is untouched.
  State elsewhere = s.pre_state;
  elsewhere.set_deposits_credited(elsewhere.deposits_credited() + 1);
  RollupEngine other(elsewhere, 1);
  RC_ASSERT(!orl::find_fraud(s.contract, record, s.batch, elsewhere).has_value());
  RC_ASSERT(!l2::opt::find_fraud(s.contract, record, s.batch, other, 1).has_value());
  RC_ASSERT(other.state_root() == elsewhere.root());
}
