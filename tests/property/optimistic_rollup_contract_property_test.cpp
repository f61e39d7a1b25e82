// Random call sequences through the optimistic rollup's L1 contract, mixing valid and invalid calls
// by every party (honest and fraudulent batches, honest and junk challenges, reveals at random
// heights, early and late finalizations, payouts, freezes, exits, reclaims), keep the spec's
// invariants after every accepted call (spec: optimistic_rollup.md#invariants):
//   conservation            value in - payouts = the change of escrow + stake + treasury + bonds;
//                           the escrow is the deposits taken in minus what pay_withdrawal, exit and
//                           reclaim_deposit paid; the treasury is the slashes' unpaid halves
//   batches_chain           numbers 0..n-1, each prev root the previous post root, last_state_root
//   finality                final batches are a prefix and are never removed or changed
//   epochs                  epoch = confirmed frauds; headers' epochs never decrease along the
//                           chain and never exceed it; a batch recorded by this call has it
//   challenges_well_formed  every open challenge is on a pending batch, whose open_challenges
//                           counts exactly its challenges
//   frozen_is_final         once frozen, always frozen, and no batch, deposit or request is added
//   at most once            paid, exited and reclaimed hold no repeat; paid names final batches
//   slash arithmetic        a confirmed fraud slashes floor(stake * penalty / 100) and pays the
//                           challenger its bond + half of it
// and, with an honest operator, no challenge is ever confirmed. Signatures are real (libsecp256k1
// signs, the reference verifies); the sequences are short so the run stays around a second.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <initializer_list>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "l2/ref/encoding.hpp"
#include "l2/ref/optimistic_rollup_contract.hpp"
#include "l2/test/optimistic_rollup_world.hpp"

namespace {

using l2::Hash32;
using l2::OptimisticRollupError;
using l2::u64;
namespace optimistic_rollup = l2::ref::optimistic_rollup;
using l2::test::rollup::BuiltBatch;
using l2::test::rollup::Party;
using l2::test::rollup::Wide;
using l2::test::rollup::World;
using optimistic_rollup::AccountIndex;
using optimistic_rollup::Effects;
using optimistic_rollup::Env;
using optimistic_rollup::FraudProof;
using optimistic_rollup::FraudProofType;
using optimistic_rollup::OptimisticRollup;
using optimistic_rollup::ResolutionKind;
using optimistic_rollup::State;

struct Step {
  int op = 0;
  u64 a = 0;
  u64 b = 0;
  u64 c = 0;
  u64 advance = 0;
};

rc::Gen<Step> step_gen() {
  // Weighted toward the paths that need several calls in a row: batches, honest challenges, reveals.
  const auto op = rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {2, 2}, {2, 3}, {2, 4}, {4, 5}, {3, 6}, {3, 7}, {2, 8},
                                                 {4, 9}, {1, 10}, {1, 11}, {3, 12}, {3, 13}, {1, 14}, {2, 15}, {1, 16}});
  return rc::gen::build<Step>(rc::gen::set(&Step::op, op),
                              rc::gen::set(&Step::a, rc::gen::inRange<u64>(0, 1000)),
                              rc::gen::set(&Step::b, rc::gen::inRange<u64>(0, 1000)),
                              rc::gen::set(&Step::c, rc::gen::inRange<u64>(0, 1000)),
                              rc::gen::set(&Step::advance, rc::gen::weightedOneOf<u64>(
                                                               {{6, rc::gen::inRange<u64>(0, 3)},
                                                                {3, rc::gen::inRange<u64>(3, 10)},
                                                                {1, rc::gen::inRange<u64>(10, 30)}})));
}

// One run: the world, and what the test tracks beside the contract.
class Run {
 public:
  // Short windows, so that short sequences reach finality, expiry and the escape hatch: challenge
  // 50, resolution 40, queue 3, window 7, escape 12 (> 3 + 7), censorship 2.
  static constexpr optimistic_rollup::RollupConfig config{4, 50, 40, 3, 7, 12, 2, 1000, 100, 17, optimistic_rollup::StakeRequirements{10000, 500, 50}};

  explicit Run(bool operator_cheats) : w(config), cheats_(operator_cheats) {
    w.stake(10000, 1);
    w.deposit_new(Party::alice, Party::alice, 1000, 1);
    w.deposit_new(Party::bob, Party::bob, 500, 1);
    escrow_ = 1500;
    states_[w.contract.last_state_root] = w.l2;
  }

  void step(const Step& s) {
    height_ += s.advance;
    const Party party = static_cast<Party>(s.a % 6);
    switch (s.op) {
      case 0: apply<optimistic_rollup::Stake>({w.key(s.b % 3 == 0 ? party : Party::operator_party), pick(s.c, {0, 1, 9999, 10000, 5001})}); break;
      case 1: apply<optimistic_rollup::Unstake>({w.key(s.b % 4 == 0 ? party : Party::operator_party)}); break;
      case 2: {
        const auto to = static_cast<AccountIndex>(w.contract.next_account_index);
        const Hash32 owner = s.b % 8 == 0 ? w.keys.pubkey[l2::test::KeyPool<6>::off_curve] : w.key(static_cast<Party>(s.b % 6));
        const u64 value = pick(s.c, {99, 100, 101, 1000 + s.c});
        if (apply<optimistic_rollup::DepositNewAccount>({w.key(party), owner, value}))
          w.deposits.push_back(optimistic_rollup::Deposit{w.deposits.size(), to, owner, value});
        break;
      }
      case 3: {
        const auto to = static_cast<AccountIndex>(s.b % (w.contract.next_account_index + 1));
        const u64 value = pick(s.c, {99, 100, 300 + s.c});
        if (apply<optimistic_rollup::DepositTopUp>({w.key(party), to, value}))
          w.deposits.push_back(optimistic_rollup::Deposit{w.deposits.size(), to, std::nullopt, value});
        break;
      }
      case 4: {
        const auto from = static_cast<AccountIndex>(s.b % (w.contract.next_account_index + 1));
        const Hash32 recipient{static_cast<l2::u8>(0xe0 + s.a % 6)};
        if (apply<optimistic_rollup::RequestForcedExit>({w.key(party), from, recipient, pick(s.c, {17, 17, 16, 18})}))
          w.exits.push_back(optimistic_rollup::ForcedExit{w.exits.size(), from, w.key(party), recipient, 0});
        break;
      }
      case 5:
      case 6: submit(s, s.op == 6 && cheats_); break;
      case 7: open_honest(s); break;
      case 8: {
        if (w.contract.batches.empty()) break;
        const FraudProof junk{w.contract.batches[s.b % w.contract.batches.size()].batch_id,
                              static_cast<FraudProofType>(s.c % 5), std::nullopt, std::nullopt};
        open(party, junk, pick(s.c, {999, 1000, 1500}));
        break;
      }
      case 9: {  // reveal what was committed, at whatever height this is
        if (w.contract.challenges.empty()) break;
        // Mostly a challenge committed to a real proof, if there is one.
        std::size_t k = s.b % w.contract.challenges.size();
        for (std::size_t i = 0; i < w.contract.challenges.size() && s.c % 4 != 0; ++i) {
          const std::size_t j = (s.b + i) % w.contract.challenges.size();
          const auto p = proofs_.find(w.contract.challenges[j].challenge_id);
          if (p != proofs_.end() && (p->second.transaction_fault || p->second.timeout_fault)) {
            k = j;
            break;
          }
        }
        const optimistic_rollup::Challenge& c = w.contract.challenges[k];
        const auto committed = proofs_.find(c.challenge_id);
        if (committed == proofs_.end()) break;
        // Mostly the challenger's own reveal, a block after its commitment; sometimes at any height.
        if (s.c % 4 != 0) height_ = std::max(height_, c.opened_at + 1);
        apply<optimistic_rollup::ResolveChallenge>({w.key(party), c.challenge_id, committed->second});
        break;
      }
      case 10:
        if (!w.contract.challenges.empty())
          apply<optimistic_rollup::ExpireChallenge>({w.key(party), w.contract.challenges[s.b % w.contract.challenges.size()].challenge_id});
        break;
      case 11:
        if (!w.contract.challenges.empty()) {
          const optimistic_rollup::Challenge& c = w.contract.challenges[s.b % w.contract.challenges.size()];
          apply<optimistic_rollup::WithdrawChallenge>({s.c % 4 == 0 ? w.key(party) : c.challenger, c.challenge_id});
        }
        break;
      case 12: apply<optimistic_rollup::Finalize>({w.key(party)}); break;
      case 13: {
        if (w.posted.empty()) break;
        const std::size_t k = s.b % w.posted.size();
        const auto& txs = w.posted[k].transactions;
        // A withdrawal or forced exit of the batch if it has one, else any transaction.
        u64 index = s.c % txs.size();
        for (u64 i = 0; i < txs.size(); ++i)
          if (s.c % 4 != 0 && (txs[i].kind == optimistic_rollup::TxKind::withdrawal || txs[i].kind == optimistic_rollup::TxKind::forced_exit)) index = i;
        const auto leaves = optimistic_rollup::transaction_leaf_hashes(txs);
        apply<optimistic_rollup::PayWithdrawal>({w.key(party), k, index, l2::reflect::encode(txs[index]),
                                   l2::ref::rfc6962::inclusion_proof(leaves, index)});
        break;
      }
      case 14: {
        const auto queue = s.b % 2 == 0 ? optimistic_rollup::QueueKind::deposits : optimistic_rollup::QueueKind::forced_exits;
        const u64 size = queue == optimistic_rollup::QueueKind::deposits ? w.contract.deposits.size() : w.contract.forced_exits.size();
        apply<optimistic_rollup::Freeze>({w.key(party), queue, s.c % (size + 1), last_state().header()});
        break;
      }
      case 15: {
        const State& last = last_state();
        if (last.accounts().empty()) break;
        const AccountIndex index = last.accounts()[s.b % last.accounts().size()].first;
        apply<optimistic_rollup::Exit>({w.key(party), last.header(), index, *last.account(index), last.prove(index).siblings});
        break;
      }
      default:
        apply<optimistic_rollup::ReclaimDeposit>({w.key(party), last_state().header(), s.b % (w.contract.deposits.size() + 1)});
        break;
    }
  }

  bool any_fraud_confirmed() const { return frauds_ > 0; }
  bool accepted_any(const char* name) const { return accepted_ops_.count(name) != 0; }
  u64 accepted() const { return accepted_; }

  World w;

 private:
  static u64 pick(u64 r, std::initializer_list<u64> values) { return values.begin()[r % values.size()]; }

  const State& last_state() const { return states_.at(w.contract.last_state_root); }

  void submit(const Step& s, bool fraudulent) {
    if (w.contract.frozen) return;
    const u64 origin = height_ - 1 - std::min<u64>(height_ - 1, s.c % 9);
    // The requests the operator must process first, then one user transaction from that state.
    const State requests_done = w.honest(origin).post;
    std::vector<optimistic_rollup::Transaction> txs;
    if (s.b % 4 != 0 && requests_done.account(1)) {
      const optimistic_rollup::Account a = *requests_done.account(1);
      txs.push_back(s.b % 2 == 0 ? w.withdrawal(Party::alice, 1, Hash32{0xa0}, a.balance / 2, a.balance % 2, a.nonce)
                                 : w.transfer(Party::alice, 1, 0, a.balance / 3, 0, a.nonce));
    } else {
      txs.push_back(w.transfer(Party::operator_party, 0, 0, 0, 0, requests_done.account(0)->nonce));
    }
    BuiltBatch built = w.honest(origin, txs);
    if (built.batch.transactions.size() > w.config().max_batch_size) return;
    State claimed = built.post;
    if (fraudulent) {
      // The operator credits itself 5000 from nowhere (account 0 exists in every state).
      const optimistic_rollup::Account fee_account = *claimed.account(0);
      claimed.put(0, optimistic_rollup::Account{fee_account.balance + 5000, fee_account.nonce, fee_account.owner});
      std::vector<Hash32> roots = built.batch.state_roots;
      roots.back() = claimed.root();
      built.batch = w.signed_batch(built.batch.transactions, roots, origin);
    }
    if (apply<optimistic_rollup::SubmitBatch>({w.key(Party::watcher), built.batch})) {
      w.posted.push_back(built.batch);
      w.pre_states.push_back(built.pre);
      w.l2 = claimed;
      states_[claimed.root()] = claimed;
    }
  }

  void open_honest(const Step& s) {
    for (std::size_t k = 0; k < w.contract.batches.size(); ++k) {
      if (w.contract.batches[k].final) continue;
      const auto proof = w.fraud_in(k);
      if (proof) {
        open(s.b % 2 == 0 ? Party::challenger : Party::carol, *proof, 1000 + s.c);
        return;
      }
    }
  }

  void open(Party who, const FraudProof& proof, u64 bond) {
    const optimistic_rollup::OpenChallengeInput in = w.open_input(who, proof, bond);
    if (apply<optimistic_rollup::OpenChallenge>(in)) proofs_[optimistic_rollup::challenge_id(w.key(who), in.evidence)] = proof;
  }

  // Applies the call; on acceptance checks every invariant against the pre-state and adopts it.
  template <class Op>
  bool apply(const typename Op::Input& in) {
    const OptimisticRollup before = w.contract;
    const optimistic_rollup::Transition t = Op::apply(before, in, Env{height_});
    if (!t.ok()) return false;
    const Effects& e = t.value();
    const OptimisticRollup& after = e.contract;
    ++accepted_;
    accepted_ops_.insert(std::string(Op::name));

    RC_ASSERT(l2::test::rollup::conserves(before, l2::test::rollup::value_in(in), e));
    // The escrow and the treasury, tracked from the calls' own meaning.
    if constexpr (std::is_same_v<Op, optimistic_rollup::DepositNewAccount> || std::is_same_v<Op, optimistic_rollup::DepositTopUp>) escrow_ += in.value;
    if constexpr (std::is_same_v<Op, optimistic_rollup::PayWithdrawal> || std::is_same_v<Op, optimistic_rollup::Exit> ||
                  std::is_same_v<Op, optimistic_rollup::ReclaimDeposit>)
      escrow_ -= static_cast<u64>(l2::test::rollup::payout_total(e));
    RC_ASSERT(after.escrow == escrow_);
    for (const optimistic_rollup::ChallengeResolution& r : e.resolutions) {
      if (r.kind != ResolutionKind::fraud_confirmed) continue;
      ++frauds_;
      const u64 slashed = before.stake * before.config.stake.penalty_percentage / 100;  // stake < 2^57 here
      RC_ASSERT(r.slashed_amount == slashed);
      const auto challenge = std::find_if(before.challenges.begin(), before.challenges.end(),
                                          [&](const optimistic_rollup::Challenge& c) { return c.challenge_id == r.challenge_id; });
      RC_ASSERT(challenge != before.challenges.end());
      RC_ASSERT(r.refunded_bond == challenge->bond_amount);
      RC_ASSERT(r.reward == slashed / 2);
      treasury_ += slashed - slashed / 2;
    }
    RC_ASSERT(after.treasury == treasury_);
    RC_ASSERT(after.epoch == frauds_);

    // batches_chain and the epochs
    Hash32 prev = optimistic_rollup::genesis_root(w.key(Party::operator_party));
    u64 epoch = 0;
    for (std::size_t k = 0; k < after.batches.size(); ++k) {
      const optimistic_rollup::BatchRecord& b = after.batches[k];
      RC_ASSERT(b.header.batch_number == k);
      RC_ASSERT(b.header.prev_state_root == prev);
      RC_ASSERT(b.batch_id == optimistic_rollup::batch_id(b.header));
      RC_ASSERT(b.header.epoch >= epoch);
      RC_ASSERT(b.header.epoch <= after.epoch);
      epoch = b.header.epoch;
      prev = b.header.post_state_root;
      if (k > 0 && b.final) RC_ASSERT(after.batches[k - 1].final);
    }
    RC_ASSERT(after.last_state_root == prev);
    if (after.batches.size() > before.batches.size()) RC_ASSERT(after.batches.back().header.epoch == after.epoch);
    // Final batches are never removed or changed.
    for (std::size_t k = 0; k < before.batches.size() && before.batches[k].final; ++k) {
      RC_ASSERT(k < after.batches.size());
      RC_ASSERT(after.batches[k].final);
      RC_ASSERT(l2::reflect::equal(after.batches[k], before.batches[k]));
    }
    // challenges_well_formed
    std::map<Hash32, u64> open;
    std::set<Hash32> ids;
    for (const optimistic_rollup::Challenge& c : after.challenges) {
      RC_ASSERT(ids.insert(c.challenge_id).second);
      RC_ASSERT(c.challenge_id == optimistic_rollup::challenge_id(c.challenger, c.evidence));
      RC_ASSERT(optimistic_rollup::find_pending_batch(after, c.challenged_object).has_value());
      ++open[c.challenged_object];
    }
    for (const optimistic_rollup::BatchRecord& b : after.batches) RC_ASSERT(b.open_challenges == (b.final ? 0 : open[b.batch_id]));
    // frozen_is_final
    if (before.frozen) {
      RC_ASSERT(after.frozen);
      RC_ASSERT(after.batches.size() <= before.batches.size());
      RC_ASSERT(after.deposits.size() == before.deposits.size());
      RC_ASSERT(after.forced_exits.size() == before.forced_exits.size());
    }
    // At most once, and only from final batches.
    std::set<std::pair<u64, u64>> paid;
    for (const optimistic_rollup::PaidWithdrawal& p : after.paid) {
      RC_ASSERT(paid.insert({p.batch_number, p.transaction_index}).second);
      RC_ASSERT(p.batch_number < after.batches.size());
      RC_ASSERT(after.batches[p.batch_number].final);
    }
    RC_ASSERT(std::set<AccountIndex>(after.exited.begin(), after.exited.end()).size() == after.exited.size());
    RC_ASSERT(std::set<u64>(after.reclaimed.begin(), after.reclaimed.end()).size() == after.reclaimed.size());

    w.contract = after;
    if (after.batches.size() < before.batches.size()) w.rewind();
    return true;
  }

  bool cheats_;
  u64 height_ = 2;
  u64 escrow_ = 0;
  u64 treasury_ = 0;
  u64 frauds_ = 0;
  u64 accepted_ = 0;
  std::map<Hash32, State> states_;          // every state a batch claimed, by root
  std::map<Hash32, FraudProof> proofs_;     // what each challenge committed to
  std::set<std::string> accepted_ops_;
};

RC_GTEST_PROP(OptimisticRollupContractProperty, RandomCallsKeepTheInvariants, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(*rc::gen::inRange<std::size_t>(20, 100), step_gen());
  Run run(true);
  for (const Step& s : steps) run.step(s);
  // How much of the contract the runs reach (printed by RapidCheck).
  RC_CLASSIFY(run.any_fraud_confirmed(), "a fraud confirmed");
  RC_CLASSIFY(run.accepted_any("freeze"), "frozen");
  RC_CLASSIFY(run.accepted_any("exit") || run.accepted_any("reclaim_deposit"), "escaped");
  RC_CLASSIFY(run.accepted_any("pay_withdrawal"), "paid");
  RC_CLASSIFY(run.accepted_any("finalize"), "finalized");
}

RC_GTEST_PROP(OptimisticRollupContractProperty, AnHonestOperatorIsNeverSlashed, ()) {
  const auto steps = *rc::gen::container<std::vector<Step>>(*rc::gen::inRange<std::size_t>(20, 100), step_gen());
  Run run(false);
  for (const Step& s : steps) run.step(s);
  RC_ASSERT(!run.any_fraud_confirmed());
}

}  // namespace
