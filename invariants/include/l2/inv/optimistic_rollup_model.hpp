// The Z3 model of the optimistic rollup (spec: optimistic_rollup.md, README.md#the-formal-layer):
// the L1 rollup contract's transition relation over bounded arrays of 64-bit bit-vectors, the
// fraud-proof verifier over a small L2 state, and the named obligations over both. The abstraction
// and its bounds are described at the top of invariants/src/optimistic_rollup_model.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "l2/inv/obligation.hpp"

namespace l2::inv::optimistic_rollup {

// The model's bounds. The contract model holds at most `batch_slots` recorded batches and
// `challenge_slots` open challenges (a step that would exceed them is outside the model); the
// L2 model has `account_slots` account slots; completeness is checked end to end, by bounded
// model checking, for every batch of 1 to `completeness_max_transactions` transactions, over
// completeness_accounts(n) account slots (fewer for the longest batches, to keep the check fast;
// the one-step completeness obligations hold for any batch size).
inline constexpr std::size_t batch_slots = 3;
inline constexpr std::size_t challenge_slots = 3;
inline constexpr std::size_t account_slots = 3;
inline constexpr std::size_t completeness_max_transactions = 3;
constexpr std::size_t completeness_accounts(std::size_t transactions) { return transactions < 3 ? 3 : 2; }
// The honest-challenger bounded model check: steps of the trace, the honest ones included.
inline constexpr std::size_t honest_challenger_depth = 4;

// A rule deliberately weakened, to show that the obligations have teeth. Never used outside
// tests and `l2spec prove --weaken`.
enum class Weakening {
  none,
  finalize_ignores_open_challenges,  // OR-FIN-3 dropped
  challenge_accepted_at_deadline,    // OR-CHAL-2 as `height <= challenge_deadline`
  challenge_id_is_evidence,          // OR-CHAL-5 as first specified: challenge_id = evidence, whoever commits it
};
std::string_view weakening_name(Weakening weakening);
std::optional<Weakening> parse_weakening(std::string_view name);
inline constexpr std::array<Weakening, 3> all_weakenings = {
    Weakening::finalize_ignores_open_challenges, Weakening::challenge_accepted_at_deadline,
    Weakening::challenge_id_is_evidence};

// Every obligation of the mechanism: initiation and consecution of the contract invariants
// against each contract transition, fraud-proof soundness and (bounded) completeness, L2
// conservation and exactly-once deposits, and the honest-challenger bounded model check (which
// holds whatever anyone else commits: under Weakening::challenge_id_is_evidence, a copy of the
// honest commitment taken from the mempool blocks the honest challenge and it has a counterexample).
std::vector<Obligation> obligations(Weakening weakening = Weakening::none);

// ---- Trace validation: concrete steps of the reference contract checked against the model.
//
// A concrete contract state, call and outcome in the model's terms: hashes are 64-bit values from
// an interning table (equal hashes, equal values; distinct hashes, distinct values), the records
// are the model's slots (batch k in slot k; each open challenge in the slot the model assigned
// it), and every check of posted data or of a proof is its verdict computed by the reference.

// The contract's entry points, in the model's op-code order.
enum class ContractOp : std::uint8_t {
  stake,
  unstake,
  claim_rewards,
  deposit_new_account,
  deposit_top_up,
  submit_batch,
  open_challenge,
  resolve_challenge,
  expire_challenge,
  withdraw_challenge,
  finalize,
  pay_withdrawal,
};
std::string_view contract_op_name(ContractOp op);

struct ConcreteConfig {
  std::uint64_t minimum_stake = 0, stake_lock_period = 0;
  std::uint8_t penalty_percentage = 0;
  std::uint64_t max_batch_size = 0, challenge_period_blocks = 0, resolution_period_blocks = 0,
                min_challenge_bond = 0, operator_key = 0, genesis_root = 0;
};

struct ConcreteBatch {
  std::uint64_t number = 0, prev = 0, post = 0, id = 0, count = 0, submitted_at = 0, deadline = 0,
                deposits_recorded = 0;
  bool final = false;
  std::uint64_t open_challenges = 0, finalized_at = 0;  // finalized_at: ghost
  bool valid = true;                                      // ghost: no fraud proof exists against it
};

struct ConcreteChallenge {
  bool open = false;
  std::uint64_t id = 0, batch_id = 0, challenger = 0;
  std::uint8_t proof_type = 0;
  std::uint64_t evidence = 0, deadline = 0, bond = 0, opened_at = 0;
};

struct ConcreteContract {
  std::uint64_t stake = 0;
  bool staked = false;
  std::uint64_t unlock = 0, escrow = 0, deposit_count = 0, next_account_index = 0, last_root = 0, batch_count = 0;
  std::array<ConcreteBatch, batch_slots> batches{};
  std::array<ConcreteChallenge, challenge_slots> challenges{};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> paid;  // (batch_number, transaction_index)
  std::uint64_t rewards = 0, treasury = 0, holdings = 0;
};

struct ConcreteCall {
  ContractOp op = ContractOp::stake;
  std::uint64_t height = 0, caller = 0, value = 0, top_up_to = 0;
  // submit_batch: the header's fields, the data's lengths, the verdicts of OR-BATCH-2, 8, 10..12,
  // batch_id(header), and the ghost `valid`.
  std::uint64_t number = 0, prev = 0, post = 0, count = 0, header_rest = 0, tx_len = 0, state_roots_len = 0;
  bool header_ok = false, tx_root_ok = false, endpoints_ok = false, state_roots_ok = false, signature_ok = false,
       valid = true;
  std::uint64_t header_id = 0;
  // open_challenge: its input and challenge_id(caller, evidence).
  std::uint64_t batch_id = 0;
  std::uint8_t proof_type = 0;
  std::uint64_t evidence = 0, open_id = 0;
  // resolve / expire / withdraw: the id; the proof (a hash of its encoding), evidence_commitment of
  // the addressed challenge's challenger and the proof, verify_fraud_proof's verdict, the slash.
  std::uint64_t challenge_id = 0, proof = 0, commitment = 0;
  std::uint8_t fp_error = 0;
  std::uint64_t slashed = 0;
  // pay_withdrawal: the key, the OR-PAY-2 and OR-PAY-3 verdicts, the withdrawal's amount.
  std::uint64_t pay_batch = 0, pay_index = 0;
  bool included = false, is_withdrawal = false;
  std::uint64_t amount = 0;
};

// The reference's outcome: its error code, and on success the post-state and the value paid out.
struct ConcreteOutcome {
  std::uint8_t error = 0;
  ConcreteContract post;
  std::uint64_t payout = 0;
};

// Checks concrete steps against the model's transition relation with one Z3 context: the
// relation, with every input and verdict fixed, must admit `expected` and no other outcome.
class ConcreteChecker {
 public:
  ConcreteChecker();
  ~ConcreteChecker();
  ConcreteChecker(const ConcreteChecker&) = delete;
  ConcreteChecker& operator=(const ConcreteChecker&) = delete;
  // "" when the model admits exactly `expected`; otherwise what went wrong.
  std::string check(const ConcreteConfig& config, const ConcreteContract& pre, const ConcreteCall& call,
                    const ConcreteOutcome& expected);
  // deploy's configuration check [OR-DEPLOY-1]: "" when the model's verdict is `expected_error`.
  std::string check_deploy(const ConcreteConfig& config, std::uint8_t expected_error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct TraceValidation {
  std::size_t traces = 0;
  std::size_t steps = 0;
  std::size_t accepted = 0;
  std::size_t disagreements = 0;
  std::vector<std::string> failures;  // the first ten disagreements, each naming trace, step and outcomes
  std::map<std::string, std::size_t> outcomes;  // "op: error code" (or "op: ok") -> steps
};

// Replays `traces` pseudo-random traces (deterministic in `seed`) of up to `max_steps` reference
// contract calls (with the toy signature check), from deploy, through the model: honest and
// fraudulent batches, honest, copied and junk challenges and proofs, heights around every
// deadline, values up to UINT64_MAX. Traces stay inside the model's batch and challenge slots.
// `progress` is called after each trace.
TraceValidation validate_random_traces(std::uint64_t seed, std::size_t traces, std::size_t max_steps,
                                       const std::function<void(std::size_t done)>& progress = {});

}  // namespace l2::inv::optimistic_rollup
