// The optimistic-rollup engine's fraud-proof witness: must match l2::ref::optimistic_rollup::witness_for
// (reference/include/l2/ref/optimistic_rollup.hpp) for the same state. It does not restate the
// rules: it runs the reference's execute_transaction over a store backed by the engine, so the
// openings are read in the reference's order by construction.
// Exploits the engine's account table (no copy of the state, which the reference makes) and its
// tree: each opening is a path read off the flat levels, each write one path update, and the writes
// are undone afterwards by writing the old values back.
// spec: optimistic_rollup.md#witnesses
#include <algorithm>
#include <array>
#include <utility>

#include "l2/opt/optimistic_rollup.hpp"
#include "l2/opt/optimistic_rollup_fraud.hpp"
#include "hashes.hpp"

namespace l2::opt::optimistic_rollup {

namespace reference = ref::optimistic_rollup;

// Reads through the writes made so far (an overlay of at most three slots), opens each read against
// the engine's tree as those writes left it, and remembers each slot's first value to put it back.
class Engine::WitnessStore {
 public:
  explicit WitnessStore(Engine& engine) : engine_(engine) {}
  WitnessStore(const WitnessStore&) = delete;
  WitnessStore& operator=(const WitnessStore&) = delete;
  ~WitnessStore() { restore(); }

  Result<std::optional<Account>, OptimisticRollupError> open(AccountIndex index) {
    std::optional<Account> account = engine_.account(index);
    for (std::size_t k = 0; k < count_; ++k)
      if (written_[k].index == index) account = written_[k].now;
    openings_.push_back(reference::AccountWitness{index, account, engine_.tree_.prove(index).siblings});
    return account;
  }

  void write(AccountIndex index, const Account& account) {
    std::size_t k = 0;
    while (k < count_ && written_[k].index != index) ++k;
    // A transaction writes at most three slots (sender, recipient, fee account; a forced exit one).
    if (k == count_) {
      if (count_ == written_.size()) return;  // unreachable under the reference rules
      written_[count_++] = Written{index, engine_.account(index), account};
    }
    written_[k].now = account;
    const smt::Update update{index, detail::account_value(*engine_.kernel_, account)};
    engine_.tree_.update(std::span(&update, 1));
  }

  std::vector<reference::AccountWitness> take_openings() { return std::move(openings_); }

 private:
  struct Written {
    AccountIndex index = 0;
    std::optional<Account> before;
    Account now{};
  };

  void restore() {
    std::array<smt::Update, 3> updates;
    for (std::size_t k = 0; k < count_; ++k) {
      const std::optional<Account>& before = written_[k].before;
      updates[k] = smt::Update{written_[k].index, std::nullopt};
      if (before) updates[k].value = detail::account_value(*engine_.kernel_, *before);
    }
    if (count_ != 0) engine_.tree_.update(std::span(updates.data(), count_));
    count_ = 0;
  }

  Engine& engine_;
  std::array<Written, 3> written_{};
  std::size_t count_ = 0;
  std::vector<reference::AccountWitness> openings_;
};

reference::TxWitness Engine::witness_for(const reference::L2Params& params, const reference::L1View& l1,
                                         const reference::Transaction& tx) {
  reference::TxWitness witness{header(), {}};
  reference::Counters counters = counters_;
  {
    WitnessStore store(*this);
    static_cast<void>(reference::execute_transaction(store, params, l1, counters, tx, Bip340Check{}));
    witness.accounts = store.take_openings();
  }
  return witness;
}

}  // namespace l2::opt::optimistic_rollup
