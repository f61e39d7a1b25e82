// Differential test: the reexecution backend's optimized verifier and prover
// (l2::opt::zk_rollup::verify, prove) against l2::ref::zk_rollup::verify and prove_reexecution,
// with real BIP-340 signatures from deterministic keys.
// Each case draws a pre-state (genesis or no fee account, a dozen accounts at dense and far indices,
// balances and nonces at 0, 1 and UINT64_MAX, keys off the curve, counters up to UINT64_MAX - 1 so
// that the verifier's L1 window is cut short) and a batch of 1..40 transactions built valid against
// the reference state reached so far (transfers, to oneself and to and from the fee account,
// withdrawals, deposits creating accounts that then spend in the same batch, top-ups, forced exits
// by owners and by others). The reference prover proves it, sometimes with a second batch in the
// same proof. Then the proof is attacked:
//   - in its witness, rebuilt consistent so the attack reaches re-execution: a transaction's
//     signature, amount, nonce, recipient, kind or order changed (re-signed or not), a deposit or
//     forced exit replayed, skipped or altered, a touched slot dropped (the sender's, the
//     recipient's, the fee account's), an extra empty slot opened, the post root falsified;
//   - in its structure, ZK-RX-1..10: a malformed, foreign or too small key, an unknown backend, a
//     wrong proof input, another statement's key hash, a wrong pre-state, unsorted or repeated
//     slots, a sibling short, extra or flipped, a slot's content changed, no slot, a transaction
//     byte flipped without the data commitment following, a wrong priority-ops hash;
//   - in its bytes: random bytes, truncations, flipped and inserted bytes, a trailing byte, bad
//     optional tags and kinds, empty lists.
// The optimized verifier must give the reference's code for every one, on one thread and on two, on
// a SHA-256 kernel drawn from those this CPU supports; the optimized prover the reference's proof
// bytes or its error. EveryRuleIsHit runs a fixed set of seeds and checks that every ZK-RX rule and
// acceptance were seen.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/zk_rollup.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/zk_rollup.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::u32;
using l2::u64;
using l2::u8;
using l2::ZkRollupError;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
namespace zk_rollup = l2::ref::zk_rollup;
namespace oracle = l2::test::libsecp256k1;
using optimistic_rollup::Account;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Deposit;
using optimistic_rollup::ForcedExit;
using optimistic_rollup::State;
using optimistic_rollup::Transaction;
using optimistic_rollup::Transfer;
using optimistic_rollup::TxKind;
using optimistic_rollup::Withdrawal;

using Keys = l2::test::KeyPool<6>;
constexpr std::size_t off_curve = Keys::off_curve;

const Keys& pool() {
  static const Keys keys = Keys::make("zk_rollup_verify_differential");
  return keys;
}

const optimistic_rollup::L2Params& params() {
  static const optimistic_rollup::L2Params made{
      7, zk_rollup::rollup_id(7, oracle::tagged_hash("test/contract", l2::bytes_of("zk_verify")), pool().pubkey[0], 0)};
  return made;
}

// The reference's rules with libsecp256k1 as the signature check (fast); the reference's own
// BIP-340 (the default check) gives the expected code in some cases, so both are held to it.
struct OracleCheck {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const optimistic_rollup::Signature& signature) const {
    return oracle::verify(pubkey, digest, signature);
  }
};

std::string code(ZkRollupError e) { return std::string(l2::error_info(e).code); }

using Random = std::mt19937_64;

u64 pick(Random& random, u64 n) { return n == 0 ? 0 : random() % n; }
bool chance(Random& random, u64 percent) { return pick(random, 100) < percent; }

// ---- Scenario ---------------------------------------------------------------------------------

struct Scenario {
  State pre;
  std::vector<Transaction> transactions;  // valid from `pre`
  std::vector<Transaction> second;        // valid after `transactions`, possibly empty
};

Hash32 owner_key(Random& random) { return pool().pubkey[chance(random, 8) ? off_curve : pick(random, Keys::signer_count)]; }

u64 balance_choice(Random& random) {
  constexpr std::array<u64, 7> balances = {0, 1, 1000, 1'000'000, 1'000'000'000, l2::u64_max - 1, l2::u64_max};
  return balances[pick(random, balances.size())];
}

State random_state(Random& random) {
  State state;
  if (!chance(random, 6)) state.put(optimistic_rollup::fee_account, Account{chance(random, 5) ? l2::u64_max : 0, 0, owner_key(random)});
  const std::size_t count = 2 + pick(random, 11);
  for (std::size_t i = 0; i < count; ++i) {
    AccountIndex index = static_cast<AccountIndex>(1 + i);
    if (chance(random, 15)) index = 0x80000000u + static_cast<AccountIndex>(pick(random, 1u << 30));
    if (chance(random, 5)) index = 0xFFFFFFFFu - static_cast<AccountIndex>(pick(random, 2));
    const u64 nonce = chance(random, 5) ? l2::u64_max : pick(random, 3);
    state.put(index, Account{chance(random, 70) ? 1'000'000 + pick(random, 1000) : balance_choice(random), nonce, owner_key(random)});
  }
  optimistic_rollup::Counters counters{pick(random, 4), pick(random, 3)};
  if (chance(random, 8)) counters.deposits_credited = l2::u64_max - 1 - pick(random, 2);
  if (chance(random, 8)) counters.forced_exits_processed = l2::u64_max - 1 - pick(random, 2);
  state.set_counters(counters);
  return state;
}

Transaction signed_transfer(const optimistic_rollup::L2Params& p, Transfer t, std::size_t signer) {
  t.signature = pool().sign(signer, optimistic_rollup::transfer_digest(p, t));
  return optimistic_rollup::make_transaction(t);
}

Transaction signed_withdrawal(const optimistic_rollup::L2Params& p, Withdrawal w, std::size_t signer) {
  w.signature = pool().sign(signer, optimistic_rollup::withdrawal_digest(p, w));
  return optimistic_rollup::make_transaction(w);
}

AccountIndex random_index(Random& random, const State& state) {
  const auto accounts = state.accounts();
  if (accounts.empty() || chance(random, 8)) return static_cast<AccountIndex>(pick(random, 20));
  return accounts[pick(random, accounts.size())].first;
}

// A transaction that is likely valid in `state`, given the batch so far.
Transaction candidate(Random& random, const State& state) {
  const u64 kind = pick(random, 100);
  if (kind < 62) {
    const AccountIndex from = random_index(random, state);
    const AccountIndex to = chance(random, 10) ? from : chance(random, 8) ? optimistic_rollup::fee_account : random_index(random, state);
    const std::optional<Account> sender = state.account(from);
    const u64 balance = sender ? sender->balance : 0;
    const u64 fee = pick(random, 3);
    const u64 amount = balance > fee ? pick(random, std::min<u64>(balance - fee, 5000) + 1) : 0;
    const std::size_t signer = sender ? pool().index_of(sender->owner) : 0;
    return signed_transfer(params(), Transfer{from, to, amount, fee, sender ? sender->nonce : 0, {}}, signer);
  }
  if (kind < 74) {
    const AccountIndex from = random_index(random, state);
    const std::optional<Account> sender = state.account(from);
    const u64 balance = sender ? sender->balance : 0;
    const u64 amount = balance > 1 ? pick(random, std::min<u64>(balance - 1, 5000) + 1) : 0;
    return signed_withdrawal(params(), Withdrawal{from, Hash32{0xd1}, amount, 1, sender ? sender->nonce : 0, {}},
                             sender ? pool().index_of(sender->owner) : 0);
  }
  if (kind < 90) {
    const bool create = chance(random, 60);
    AccountIndex to = create ? static_cast<AccountIndex>(20 + pick(random, 10)) : random_index(random, state);
    if (create && chance(random, 20)) to = 0x40000000u + static_cast<AccountIndex>(pick(random, 5));
    return optimistic_rollup::make_transaction(Deposit{state.deposits_credited(), to,
                                                       create ? std::optional<Hash32>(owner_key(random)) : std::nullopt,
                                                       1 + pick(random, 10'000)});
  }
  const AccountIndex from = random_index(random, state);
  const std::optional<Account> account = state.account(from);
  const bool by_owner = account && chance(random, 70);
  const Hash32 requester = by_owner ? account->owner : pool().pubkey[pick(random, Keys::signer_count)];
  const bool owned = account && account->owner == requester;
  return optimistic_rollup::make_transaction(
      ForcedExit{state.forced_exits_processed(), from, requester, Hash32{0xe1}, owned ? account->balance : 0});
}

// Transactions valid from `state` in sequence (invalid candidates are dropped); `state` advances.
std::vector<Transaction> valid_batch(Random& random, State& state, std::size_t attempts) {
  std::vector<Transaction> batch;
  const State start = state;
  for (std::size_t i = 0; i < attempts; ++i) {
    std::vector<Transaction> with = batch;
    with.push_back(candidate(random, state));
    const zk_rollup::OwnIdsView ids = zk_rollup::own_ids_view(params(), start.header(), with);
    auto next = optimistic_rollup::apply_tx(params(), ids.view(), state, with.back(), OracleCheck{});
    if (!next) continue;
    state = std::move(next).value();
    batch = std::move(with);
  }
  return batch;
}

Scenario random_scenario(Random& random) {
  Scenario s;
  s.pre = random_state(random);
  State state = s.pre;
  s.transactions = valid_batch(random, state, 1 + pick(random, 40));
  if (chance(random, 20)) s.second = valid_batch(random, state, 1 + pick(random, 6));
  return s;
}

// ---- Witnesses built by hand, consistent with any transactions --------------------------------

// The slots any transaction of the batch may read.
std::vector<AccountIndex> reads_of(const std::vector<Transaction>& transactions) {
  std::vector<AccountIndex> read;
  for (const Transaction& tx : transactions) {
    if (tx.transfer) read.insert(read.end(), {tx.transfer->from, tx.transfer->to, optimistic_rollup::fee_account});
    if (tx.withdrawal) read.insert(read.end(), {tx.withdrawal->from, optimistic_rollup::fee_account});
    if (tx.deposit) read.push_back(tx.deposit->to);
    if (tx.forced_exit) read.push_back(tx.forced_exit->from);
  }
  std::sort(read.begin(), read.end());
  read.erase(std::unique(read.begin(), read.end()), read.end());
  return read;
}

// A witness of `transactions` from `pre` over the slots `read` (ascending), with a true multiproof,
// the statement's data commitment and priority-ops hash recomputed, and `post_root` claimed.
zk_rollup::BatchWitness witness_over(const zk_rollup::VerifyingKey& vk, const State& pre,
                                     const std::vector<Transaction>& transactions, const std::vector<AccountIndex>& read,
                                     const Hash32& post_root, u64 batch_number) {
  zk_rollup::BatchWitness w;
  w.pre_state = pre.header();
  w.transactions = transactions;
  for (const AccountIndex index : read) w.accounts.push_back(zk_rollup::TouchedAccount{index, pre.account(index)});
  w.siblings = zk_rollup::multiproof_siblings(pre, read);
  w.statement = zk_rollup::PublicInputPreimage{params().chain_id,
                                               params().rollup_id,
                                               zk_rollup::vk_hash(vk),
                                               batch_number,
                                               pre.root(),
                                               post_root,
                                               zk_rollup::data_commitment_of(transactions),
                                               zk_rollup::priority_ops_hash(zk_rollup::priority_ids(params(), transactions))};
  return w;
}

Hash32 input_of(const zk_rollup::ReexecutionProof& proof) {
  std::vector<Hash32> inputs;
  for (const zk_rollup::BatchWitness& w : proof.batches) inputs.push_back(zk_rollup::public_input(w.statement));
  return zk_rollup::proof_input(inputs);
}

// ---- The comparison ---------------------------------------------------------------------------

struct Coverage {
  std::set<ZkRollupError> seen;
  std::size_t cases = 0;
};

Coverage& coverage() {
  static Coverage c;
  return c;
}

const l2::opt::sha256::Kernel& kernel_for(Random& random) {
  static const std::vector<const l2::opt::sha256::Kernel*> kernels = l2::opt::sha256::supported_kernels();
  return *kernels[pick(random, kernels.size())];
}

// The optimized verifier on 1 and 2 threads against the reference (libsecp256k1 or its own BIP-340).
void expect_same(Random& random, const std::string& what, const zk_rollup::VerifyingKey& vk, const Hash32& input,
                 const Bytes& proof, bool reference_bip340 = false) {
  const ZkRollupError expected = reference_bip340 ? zk_rollup::verify(vk, input, proof)
                                                  : zk_rollup::verify(vk, input, proof, OracleCheck{});
  const l2::opt::sha256::Kernel& kernel = kernel_for(random);
  for (const unsigned threads : {1u, 2u}) {
    const ZkRollupError actual = l2::opt::zk_rollup::verify(vk, input, proof, threads, kernel);
    if (actual != expected) {
      ADD_FAILURE() << what << ": reference " << code(expected) << ", optimized " << code(actual) << " on " << threads
                    << " thread(s), kernel " << kernel.name;
    }
  }
  coverage().seen.insert(expected);
  ++coverage().cases;
}

void expect_same(Random& random, const std::string& what, const zk_rollup::VerifyingKey& vk,
                 const zk_rollup::ReexecutionProof& proof, bool reference_bip340 = false) {
  expect_same(random, what, vk, input_of(proof), l2::reflect::encode(proof), reference_bip340);
}

// ---- The attacks ------------------------------------------------------------------------------

// Re-signs a signed transaction by the key that owns its sender in `state` (if any).
void resign(Transaction& tx, const State& state) {
  if (tx.transfer) {
    const std::optional<Account> sender = state.account(tx.transfer->from);
    *tx.transfer = *signed_transfer(params(), *tx.transfer, sender ? pool().index_of(sender->owner) : 0).transfer;
  }
  if (tx.withdrawal) {
    const std::optional<Account> sender = state.account(tx.withdrawal->from);
    *tx.withdrawal = *signed_withdrawal(params(), *tx.withdrawal, sender ? pool().index_of(sender->owner) : 0).withdrawal;
  }
}

// The witness-level attacks: each changes the transactions or the touched slots and rebuilds a
// consistent witness, so the verifier gets to ZK-RX-11..13.
void witness_attacks(Random& random, const Scenario& s, const zk_rollup::VerifyingKey& vk, const Hash32& honest_post) {
  const std::vector<Transaction>& txs = s.transactions;
  const auto check = [&](const std::string& what, const std::vector<Transaction>& attacked,
                         std::optional<std::vector<AccountIndex>> read = std::nullopt,
                         std::optional<Hash32> post = std::nullopt) {
    const std::vector<AccountIndex> slots = read ? *read : reads_of(attacked);
    zk_rollup::ReexecutionProof proof;
    proof.batches.push_back(witness_over(vk, s.pre, attacked, slots, post ? *post : honest_post, 0));
    expect_same(random, what, vk, proof, attacked.size() <= 3 && chance(random, 30));
  };
  const std::size_t i = pick(random, txs.size());
  std::vector<Transaction> a = txs;
  Transaction& tx = a[i];
  switch (pick(random, 16)) {
    case 0:  // a flipped signature byte
      if (tx.transfer) tx.transfer->signature[pick(random, 64)] ^= 1;
      if (tx.withdrawal) tx.withdrawal->signature[pick(random, 64)] ^= 1;
      check("flipped signature", a);
      break;
    case 1:  // overspend, re-signed
      if (tx.transfer) tx.transfer->amount = l2::u64_max - pick(random, 2);
      if (tx.withdrawal) tx.withdrawal->amount = 10'000'000'000'000;
      resign(tx, s.pre);
      check("overspend", a);
      break;
    case 2:  // a nonce gap or replay, re-signed
      if (tx.transfer) tx.transfer->nonce += chance(random, 50) ? 1 : l2::u64_max;
      if (tx.withdrawal) tx.withdrawal->nonce += 1;
      resign(tx, s.pre);
      check("nonce", a);
      break;
    case 3:  // a recipient that is an empty slot, opened
      if (tx.transfer) tx.transfer->to = 0x7000'0000u;
      resign(tx, s.pre);
      check("unknown recipient", a);
      break;
    case 4: {  // a slot the transaction reads is not opened
      std::vector<AccountIndex> read = reads_of(a);
      if (read.size() > 1) read.erase(read.begin() + static_cast<std::ptrdiff_t>(pick(random, read.size())));
      check("slot not opened", a, read);
      break;
    }
    case 5: {  // the fee account not opened
      std::vector<AccountIndex> read = reads_of(a);
      std::erase(read, optimistic_rollup::fee_account);
      check("fee account not opened", a, read);
      break;
    }
    case 6:  // a kind that names an absent body
      tx.kind = static_cast<TxKind>((static_cast<int>(tx.kind) + 1 + pick(random, 3)) % 4);
      check("malformed", a);
      break;
    case 7:  // two transactions swapped
      if (a.size() > 1) std::swap(a[i], a[(i + 1) % a.size()]);
      check("reordered", a);
      break;
    case 8:  // a transaction replayed
      a.insert(a.begin() + static_cast<std::ptrdiff_t>(i), a[i]);
      check("replayed", a);
      break;
    case 9:  // a deposit or forced exit skipped ahead or back
      if (tx.deposit) tx.deposit->deposit_index += chance(random, 50) ? 1 : l2::u64_max;
      if (tx.forced_exit) tx.forced_exit->request_index += chance(random, 50) ? 1 : l2::u64_max;
      check("priority index", a);
      break;
    case 10:  // a forced exit's amount, a deposit's target
      if (tx.forced_exit) tx.forced_exit->amount += 1;
      if (tx.deposit) tx.deposit->to = chance(random, 50) ? optimistic_rollup::fee_account : tx.deposit->to + 1;
      check("priority content", a);
      break;
    case 11:  // the post root falsified
      check("post root", a, std::nullopt, Hash32{0x13});
      break;
    case 12: {  // an extra empty slot opened
      std::vector<AccountIndex> read = reads_of(a);
      read.push_back(0x6000'0000u);
      std::sort(read.begin(), read.end());
      check("extra slot", a, read);
      break;
    }
    case 13:  // a signature from another key
      if (tx.transfer) *tx.transfer = *signed_transfer(params(), *tx.transfer, pick(random, Keys::signer_count)).transfer;
      check("another signer", a);
      break;
    case 14:  // the batch cut short (the honest post root no longer holds)
      a.resize(i + 1);
      check("truncated batch", a);
      break;
    default:  // a deposit creating an existing account, or a top-up of an empty one
      if (tx.deposit) tx.deposit->new_owner = tx.deposit->new_owner ? std::nullopt : std::optional<Hash32>(pool().pubkey[1]);
      check("deposit kind", a);
      break;
  }
}

// The structural attacks on an honest proof: ZK-RX-1..10.
void structure_attacks(Random& random, const zk_rollup::VerifyingKey& vk, const zk_rollup::ReexecutionProof& honest) {
  const Hash32 input = input_of(honest);
  const Bytes bytes = l2::reflect::encode(honest);
  zk_rollup::ReexecutionProof p = honest;
  zk_rollup::BatchWitness& w = p.batches[pick(random, p.batches.size())];
  switch (pick(random, 22)) {
    case 0: {  // a malformed key
      zk_rollup::VerifyingKey bad = vk;
      if (chance(random, 50)) bad.key.push_back(0);
      else bad.key = l2::reflect::encode(zk_rollup::ReexecutionKey{2, 100});
      expect_same(random, "malformed key", bad, input, bytes);
      break;
    }
    case 1: {  // an unknown backend
      zk_rollup::VerifyingKey bad = vk;
      bad.backend = static_cast<zk_rollup::ProofBackend>(1);
      expect_same(random, "unknown backend", bad, input, bytes);
      break;
    }
    case 2:  // another key, too small or merely different
      expect_same(random, "another key", zk_rollup::reexecution_verifying_key(pick(random, 3)), input, bytes);
      break;
    case 3:  // a wrong proof input
      expect_same(random, "wrong input", vk, Hash32{0x44}, bytes);
      break;
    case 4:  // a statement under another key hash
      w.statement.vk_hash[0] ^= 1;
      expect_same(random, "statement key", vk, p);
      break;
    case 5:  // the pre-state's counters
      w.pre_state.deposits_credited += 1;
      w.statement.prev_state_root = optimistic_rollup::state_root(w.pre_state);
      expect_same(random, "pre-state", vk, p);
      w.statement.prev_state_root[3] ^= 1;
      expect_same(random, "prev root", vk, p);
      break;
    case 6:  // unsorted or repeated slots
      if (w.accounts.size() > 1) std::swap(w.accounts[0], w.accounts[1]);
      else w.accounts.push_back(w.accounts.front());
      expect_same(random, "unsorted", vk, p);
      break;
    case 7:  // a sibling short
      if (!w.siblings.empty()) w.siblings.pop_back();
      expect_same(random, "sibling short", vk, p);
      break;
    case 8:  // a sibling extra
      w.siblings.push_back(Hash32{0x55});
      expect_same(random, "sibling extra", vk, p);
      break;
    case 9:  // a sibling flipped
      if (!w.siblings.empty()) w.siblings[pick(random, w.siblings.size())][pick(random, 32)] ^= 0x80;
      expect_same(random, "sibling flipped", vk, p);
      break;
    case 10:  // a slot's content
      if (w.accounts.front().account) w.accounts.front().account->balance += 1;
      else w.accounts.front().account = Account{1, 0, Hash32{}};
      expect_same(random, "slot content", vk, p);
      break;
    case 11:  // no slot
      w.accounts.clear();
      expect_same(random, "no slot", vk, p);
      break;
    case 12:  // a transaction changed without the data commitment
      if (w.transactions.front().transfer) w.transactions.front().transfer->fee += 1;
      else w.transactions.front().kind = TxKind::transfer;
      expect_same(random, "data", vk, p);
      break;
    case 13:  // a wrong priority-ops hash
      w.statement.priority_ops_hash[0] ^= 1;
      expect_same(random, "priority hash", vk, p);
      break;
    case 14: {  // too many transactions for the key (the statements name that key)
      const zk_rollup::VerifyingKey small = zk_rollup::reexecution_verifying_key(w.transactions.size() - 1);
      for (zk_rollup::BatchWitness& each : p.batches) each.statement.vk_hash = zk_rollup::vk_hash(small);
      expect_same(random, "too many", small, p);
      break;
    }
    case 15:  // no witness
      expect_same(random, "no witness", vk, zk_rollup::proof_input({}), l2::reflect::encode(zk_rollup::ReexecutionProof{}));
      break;
    default: {  // the bytes: flipped, inserted, truncated, a trailing byte, random
      Bytes b = bytes;
      switch (pick(random, 6)) {
        case 0: b[pick(random, b.size())] ^= static_cast<u8>(1 + pick(random, 255)); break;
        case 1: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(random, b.size())), static_cast<u8>(pick(random, 3))); break;
        case 2: b.resize(pick(random, b.size())); break;
        case 3: b.push_back(0); break;
        case 4:
          b.resize(pick(random, 600));
          for (u8& byte : b) byte = static_cast<u8>(random());
          break;
        default:
          // An optional tag or a kind byte set out of range: the first transaction starts after the
          // 4-byte witness count, the statement, the pre-state and the 4-byte transaction count.
          b[4 + 208 + 48 + 4 + pick(random, 5)] = static_cast<u8>(2 + pick(random, 250));
          break;
      }
      expect_same(random, "bytes", vk, input, b);
      break;
    }
  }
}

// A failed expectation ends the case.
#define L2_EXPECT_OR_RETURN(condition)                         \
  do {                                                         \
    if (!(condition)) {                                        \
      ADD_FAILURE() << "seed " << seed << ": " << #condition;  \
      return;                                                  \
    }                                                          \
  } while (false)

// One whole case from a seed.
void run_case(u64 seed) {
  Random random(seed);
  const Scenario s = random_scenario(random);
  if (s.transactions.empty()) return;
  const zk_rollup::VerifyingKey vk = zk_rollup::reexecution_verifying_key(40 + pick(random, 3));
  std::vector<zk_rollup::BatchToProve> batches{{0, s.transactions}};
  if (!s.second.empty()) batches.push_back({1, s.second});
  const auto honest = zk_rollup::reexecution_witnesses(params(), vk, s.pre, batches, OracleCheck{});
  L2_EXPECT_OR_RETURN(honest.ok());
  const zk_rollup::ReexecutionProof& proof = honest.value();
  expect_same(random, "honest", vk, proof, s.transactions.size() <= 3);

  // The optimized prover, batch by batch (its one-batch form), against the reference's.
  const l2::opt::sha256::Kernel& kernel = kernel_for(random);
  const auto one = zk_rollup::prove_reexecution(params(), vk, s.pre, std::span(batches).first(1), OracleCheck{});
  const auto mine = l2::opt::zk_rollup::prove(params(), vk, l2::opt::zk_rollup::prover_state(s.pre), 0, s.transactions,
                                              1 + pick(random, 2), kernel);
  L2_EXPECT_OR_RETURN(one.ok() && mine.ok());
  L2_EXPECT_OR_RETURN(one.value() == mine.value());

  for (int k = 0; k < 3; ++k) witness_attacks(random, s, vk, proof.batches.front().statement.post_state_root);
  for (int k = 0; k < 3; ++k) structure_attacks(random, vk, proof);

  // The prover on an invalid batch: the first transaction rule, as the reference's.
  std::vector<Transaction> bad = s.transactions;
  Transaction& tx = bad[pick(random, bad.size())];
  if (tx.transfer) tx.transfer->signature[0] ^= 1;
  if (tx.deposit) tx.deposit->deposit_index += 1;
  if (tx.withdrawal) tx.withdrawal->nonce += 1;
  if (tx.forced_exit) tx.forced_exit->amount += 1;
  const auto reference_bad = zk_rollup::prove_reexecution(params(), vk, s.pre, std::vector<zk_rollup::BatchToProve>{{0, bad}}, OracleCheck{});
  const auto optimized_bad = l2::opt::zk_rollup::prove(params(), vk, l2::opt::zk_rollup::prover_state(s.pre), 0, bad, 2, kernel);
  L2_EXPECT_OR_RETURN(reference_bad.ok() == optimized_bad.ok());
  if (reference_bad.ok()) {
    L2_EXPECT_OR_RETURN(reference_bad.value() == optimized_bad.value());
  } else {
    L2_EXPECT_OR_RETURN(reference_bad.error() == optimized_bad.error());
  }
}

RC_GTEST_PROP(ZkRollupVerifyDifferential, RandomProofsAndAttacks, (u64 seed)) {
  run_case(seed);
  RC_ASSERT(!::testing::Test::HasFailure());
}

TEST(ZkRollupVerifyDifferential, EveryRuleIsHit) {
  coverage() = Coverage{};
  for (u64 seed = 0; seed < 300 && !::testing::Test::HasFailure(); ++seed) run_case(seed * 7919 + 1);
  std::vector<std::string> missing;
  for (const ZkRollupError e : l2::all_zk_rollup_errors) {
    if (e > l2::last_verify_error) continue;
    if (!coverage().seen.contains(e)) missing.push_back(code(e));
  }
  if (!coverage().seen.contains(ZkRollupError::none)) missing.push_back("accepted");
  EXPECT_TRUE(missing.empty()) << "never reached: " << ::testing::PrintToString(missing);
  RecordProperty("cases", static_cast<int>(coverage().cases));
  std::printf("zk_rollup verify differential: %zu cases, %zu outcomes\n", coverage().cases, coverage().seen.size());
}

}  // namespace
