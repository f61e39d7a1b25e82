// The optimistic-rollup engine's state: must hold exactly what l2::ref::optimistic_rollup::State
// holds (the accounts, the account tree whose slot values are account_value(account), the two
// counters), so
// that it converts both ways and its root is State::root().
// Exploits a dense table indexed by account index (account indices are handed out in order by L1,
// so they are dense; a far outlier goes to a hash map instead of stretching the table), each owner
// key parsed once on load, and oneTBB threads for the parsing, the account values and the tree
// build (AccountTree::assign, whole levels through the multi-buffer kernels) of a snapshot.
// spec: optimistic_rollup.md#l2-state
#include <algorithm>
#include <bit>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "l2/opt/merkle.hpp"
#include "l2/opt/optimistic_rollup.hpp"
#include "l2/ref/verify_check.hpp"
#include "hashes.hpp"
#include "../threads.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

namespace {

// The dense table may always cover this many indices; beyond it, at most twice the accounts held.
// 2^16 slots cost 8 MiB at most, and only once an index that high is used.
constexpr std::size_t dense_floor = std::size_t{1} << 16;

// Accounts per TBB task when loading: a key parse is a few microseconds.
constexpr std::size_t load_grain = 256;

std::size_t dense_limit(std::size_t account_count) { return std::max(dense_floor, 2 * account_count + 2); }

// The dense range's height for accounts at `index` when `expected_accounts` accounts exist: the
// smallest covering power of two, if the table it needs stays within dense_limit; else nullopt.
std::optional<unsigned> dense_height_for(smt::Index index, std::size_t expected_accounts) {
  const auto height = static_cast<unsigned>(std::bit_width(index));
  if (height > AccountTree::max_dense_height || (std::size_t{1} << height) > dense_limit(expected_accounts))
    return std::nullopt;
  return height;
}

}  // namespace

// The tree's dense range starts at [0, 1).
Engine::Engine(const sha256::Kernel& kernel) : dense_(1), dense_keys_(1), kernel_(&kernel), tree_(kernel) {}

Engine Engine::genesis(const Hash32& operator_key, const sha256::Kernel& kernel) {
  const AccountEntry fee_account{reference::fee_account, Account{0, 0, operator_key}};
  return Engine(std::span<const AccountEntry>(&fee_account, 1), reference::Counters{}, 1, kernel);
}

Engine::Engine(const reference::State& state, unsigned threads, const sha256::Kernel& kernel) : Engine(kernel) {
  load(state.accounts(), threads);
  counters_ = state.counters();
}

Engine::Engine(std::span<const AccountEntry> accounts, const reference::Counters& counters, unsigned threads,
               const sha256::Kernel& kernel)
    : Engine(kernel) {
  load(accounts, threads);
  counters_ = counters;
}


void Engine::load(std::span<const AccountEntry> accounts, unsigned threads) {
  // The last entry for each index, by ascending index.
  std::vector<std::size_t> order(accounts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return accounts[a].first < accounts[b].first; });
  std::vector<const AccountEntry*> entries;
  entries.reserve(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k + 1 < order.size() && accounts[order[k + 1]].first == accounts[order[k]].first) continue;
    entries.push_back(&accounts[order[k]]);
  }

  // The dense range ends after the highest index it can take while covering at most about twice
  // the accounts below it.
  unsigned dense_height = 0;
  for (std::size_t k = 0; k < entries.size(); ++k)
    if (const auto height = dense_height_for(entries[k]->first, k + 1)) dense_height = std::max(dense_height, *height);
  const std::size_t dense_size = std::size_t{1} << dense_height;
  dense_.assign(dense_size, Record{});
  dense_keys_.assign(dense_size, schnorr::ParsedPubkey{});
  sparse_.clear();
  for (const AccountEntry* entry : entries)
    if (entry->first >= dense_size) sparse_.emplace(entry->first, SparseSlot{});
  account_count_ = entries.size();

  std::vector<smt::Update> values(entries.size());
  const auto load_range = [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      const auto& [index, account] = *entries[k];
      // Distinct entries own distinct slots, and the sparse map is not modified here.
      Record* record = find(index);
      record->balance = account.balance;
      record->nonce = account.nonce;
      record->owner = account.owner;
      record->present = 1;
      const std::optional<schnorr::ParsedPubkey> parsed = schnorr::parse_pubkey(account.owner);
      record->key_on_curve = parsed ? 1 : 0;
      if (parsed) {
        if (index < dense_size) {
          dense_keys_[index] = *parsed;
        } else {
          sparse_.find(index)->second.key = *parsed;
        }
      }
      values[k] = smt::Update{index, detail::account_value(*kernel_, account)};
    }
  };
  if (threads == 1 || entries.size() < 2 * load_grain) {
    load_range(0, entries.size());
  } else {
    opt::detail::in_arena(threads, [&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, entries.size(), load_grain),
                        [&](const tbb::blocked_range<std::size_t>& range) { load_range(range.begin(), range.end()); });
    });
  }
  tree_.assign(dense_height, values, threads);
}

void Engine::reserve_dense(AccountIndex index, std::size_t expected_accounts) {
  if (index < dense_.size()) return;
  const std::optional<unsigned> height = dense_height_for(index, expected_accounts);
  if (!height) return;  // stays sparse
  const std::size_t grown = std::size_t{1} << *height;
  dense_.resize(grown);
  dense_keys_.resize(grown);
  // Keeps every sparse index above the dense table, as the tree keeps its outer slots above its
  // dense range.
  std::vector<smt::Update> moved;
  for (auto it = sparse_.begin(); it != sparse_.end();) {
    if (it->first < grown) {
      const Record& record = it->second.record;
      dense_[it->first] = record;
      dense_keys_[it->first] = it->second.key;
      moved.push_back(
          smt::Update{it->first, detail::account_value(*kernel_, Account{record.balance, record.nonce, record.owner})});
      it = sparse_.erase(it);
    } else {
      ++it;
    }
  }
  tree_.grow_dense(*height, moved);
}

const Engine::Record* Engine::find(AccountIndex index) const {
  if (index < dense_.size()) return &dense_[index];
  const auto it = sparse_.find(index);
  return it == sparse_.end() ? nullptr : &it->second.record;
}

Engine::Record* Engine::find(AccountIndex index) {
  if (index < dense_.size()) return &dense_[index];
  const auto it = sparse_.find(index);
  return it == sparse_.end() ? nullptr : &it->second.record;
}

const schnorr::ParsedPubkey* Engine::key_of(AccountIndex index) const {
  const Record* record = find(index);
  if (record == nullptr || record->present == 0 || record->key_on_curve == 0) return nullptr;
  if (index < dense_.size()) return &dense_keys_[index];
  return &sparse_.find(index)->second.key;
}

void Engine::store(AccountIndex index, const Account& account, const schnorr::ParsedPubkey* key,
                         bool key_on_curve) {
  Record* record = find(index);
  if (record == nullptr) record = &sparse_[index].record;
  if (record->present == 0) {
    ++account_count_;
    record->present = 1;
    record->key_on_curve = key_on_curve ? 1 : 0;
    if (key_on_curve) {
      L2_VERIFY_CHECK(key != nullptr);
      if (index < dense_.size()) {
        dense_keys_[index] = *key;
      } else {
        sparse_.find(index)->second.key = *key;
      }
    }
  }
  record->balance = account.balance;
  record->nonce = account.nonce;
  record->owner = account.owner;
}

void Engine::restore(AccountIndex index, const Record& old) {
  const Record* current = find(index);
  if (current != nullptr && current->present != 0 && old.present == 0) --account_count_;
  if (index < dense_.size()) {
    dense_[index] = old;
    return;
  }
  if (old.present == 0) {
    sparse_.erase(index);
  } else {
    sparse_[index].record = old;  // a present account keeps its key: owners never change
  }
}

std::optional<Engine::Account> Engine::account(AccountIndex index) const {
  const Record* record = find(index);
  if (record == nullptr || record->present == 0) return std::nullopt;
  return Account{record->balance, record->nonce, record->owner};
}

std::vector<Engine::AccountEntry> Engine::accounts() const {
  std::vector<AccountEntry> out;
  out.reserve(account_count());
  for (std::size_t index = 0; index < dense_.size(); ++index) {
    const Record& record = dense_[index];
    if (record.present != 0)
      out.emplace_back(static_cast<AccountIndex>(index), Account{record.balance, record.nonce, record.owner});
  }
  const std::size_t dense_end = out.size();
  for (const auto& [index, slot] : sparse_) {
    if (slot.record.present != 0)
      out.emplace_back(index, Account{slot.record.balance, slot.record.nonce, slot.record.owner});
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(dense_end), out.end(),
            [](const AccountEntry& a, const AccountEntry& b) { return a.first < b.first; });
  return out;
}

reference::State Engine::to_state() const {
  reference::State state;
  for (const auto& [index, account] : accounts()) state.put(index, account);
  state.set_counters(counters_);
  return state;
}

Hash32 Engine::state_root() const {
  return detail::state_root(*kernel_, tree_.root(), counters_);
}

reference::AccountWitness Engine::opening(AccountIndex index) const {
  return reference::AccountWitness{index, account(index), tree_.prove(index).siblings};
}

}  // namespace l2::opt::optimistic_rollup
