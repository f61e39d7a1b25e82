// Vectors for the state-channel adjudicator (spec: state_channel.md). Every case starts from a
// deployed adjudicator on chain 1 whose id derives from the case seed, with the vectors'
// configuration; most deploy the trivial program (ACCEPT: every move valid, Nitro's TrivialApp) and
// open a three-party channel of keys 0, 1 and 2 on it, funded 100 / 200 / 300, then go on from
// there. Keys derive from the case seed and the reference signs at generation time. Heights are
// chosen so that every deadline is hit at -1, 0 and +1: a challenge at 200 finalizes at 300.
// spec: state_channel.md#vector-operations-mechanism-state_channel
#include <string>
#include <utility>
#include <vector>

#include "l2/inv/state_channel_model.hpp"
#include "l2/opt/state_channel.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/vectors/payment_channel_scenario.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {

namespace state_channel_vectors {

namespace sc = ref::state_channel;
using sc::Adjudicator;
using sc::FixedPart;
using sc::SignedState;
using sc::StateChannelConfig;
using sc::VariablePart;

inline constexpr std::string_view mechanism_name = "state_channel";

// ---- Op handlers, derived from the operations table ----

// The optimized engine: the batch engine loaded with the step's pre-state (its own applications)
// and given the step as a stream of one item on the calling thread.
struct BatchEngine {
  template <class Op>
  StepResult operator()(std::type_identity<Op>, const Adjudicator& state, const typename Op::Input& in, u64 height) const {
    opt::state_channel::Engine engine(state);
    const std::vector<opt::state_channel::Item> stream{opt::state_channel::Item::of<Op>(in, height)};
    const StateChannelError error = engine.process(stream, 1).front();
    if (error != StateChannelError::none) return StepResult{true, rejection(error)};
    const Adjudicator post = engine.to_adjudicator();
    return StepResult{true, Outcome::ok(codec::to_json(post), to_hex(sc::state_root(post)))};
  }
};

std::vector<OpHandler> ops() {
  std::vector<OpHandler> handlers;
  handlers.push_back(deploy_op<sc::DeployInput, Adjudicator, StateChannelError>(sc::deploy, sc::state_root, {}, {}));
  const auto env_of = [](u64 height) { return sc::Env{height}; };
  for (OpHandler& handler : table_ops<sc::Operations, Adjudicator>(sc::state_root, env_of, BatchEngine{}))
    handlers.push_back(std::move(handler));
  return handlers;
}

// ---- The vectors' configuration, programs and heights ----

constexpr u64 chain_id = 1;
// censorship 6, challenge durations 10..1000, at most 4 participants, app_data up to 32 bytes,
// 1000 gas per move.
constexpr StateChannelConfig config{6, 10, 1000, 4, 32, 1000};
constexpr u64 duration = 100;
constexpr u64 open_height = 100;
constexpr u64 challenge_height = 200;
constexpr u64 finalizes = challenge_height + duration;

// ACCEPT: every move is valid.
const Bytes trivial_program = {0x01};
// Accept exactly when to.outcome[0] == from.outcome[0] (channel_vm.md#instruction-set):
// PUSH1 0, FROM_OUTCOME, PUSH1 0, TO_OUTCOME, EQ, PUSH1 11, JUMPI, REJECT, JUMPDEST, ACCEPT.
// The accepting path costs 3 + 3 + 3 + 3 + 3 + 3 + 10 + 1 + 1 = 30 gas.
const Bytes keep_first_program = {0x30, 0x00, 0x66, 0x30, 0x00, 0x67, 0x1a, 0x30, 0x0b, 0x41, 0x02, 0x42, 0x01};

Hash32 adjudicator_id(const Hash32& seed) { return ref::tagged_hash("L2/vectors/adjudicator", seed); }

VariablePart state(u64 turn, std::vector<u64> outcome = {100, 200, 300}, Bytes app_data = {}, bool is_final = false) {
  return VariablePart{turn, std::move(app_data), std::move(outcome), is_final};
}
VariablePart final_state(u64 turn, std::vector<u64> outcome = {300, 200, 100}) { return state(turn, std::move(outcome), {}, true); }

std::vector<std::string> with(std::vector<std::string> rules, const std::vector<std::string>& more) {
  rules.insert(rules.end(), more.begin(), more.end());
  return rules;
}
const std::vector<std::string> state_rules = {"SC-STATE-1", "SC-STATE-2", "SC-STATE-3"};
const std::vector<std::string> sig_rules = {"SC-SIG-1", "SC-SIG-2"};
const std::vector<std::string> support_rules = with(with({"SC-SUP-1", "SC-SUP-2", "SC-SUP-3", "SC-SUP-4", "SC-SUP-5",
                                                          "SC-SUP-6", "SC-SUP-7"},
                                                         state_rules),
                                                    sig_rules);

// A case on one adjudicator: its keys, its channel's fixed part, and its steps.
class Scenario {
 public:
  explicit Scenario(CaseSpec& spec) : spec_(spec), keys_(spec.seed), adjudicator_id_(adjudicator_id(spec.seed)) {
    spec.pre_state = codec::to_json(Adjudicator{chain_id, adjudicator_id_, config, {}, {}});
    fixed_ = fixed_part();
  }

  const Hash32& seed() const { return spec_.seed; }
  const Hash32& pubkey(std::size_t i) const { return keys_.pubkey(i); }
  const FixedPart& fixed() const { return fixed_; }
  Hash32 id() const { return sc::channel_id(fixed_); }

  // The fixed part of keys first .. first + n - 1 running `code`.
  FixedPart fixed_part(std::size_t n = 3, const Bytes& code = trivial_program, u64 challenge_duration = duration,
                       u64 nonce = 0, std::size_t first = 0) const {
    FixedPart f{chain_id, adjudicator_id_, {}, nonce, ref::channel_vm::app_definition(code), challenge_duration};
    for (std::size_t i = 0; i < n; ++i) f.participants.push_back(pubkey(first + i));
    return f;
  }
  Scenario& use(const FixedPart& f) {
    fixed_ = f;
    return *this;
  }

  SignedState signed_by_all(const VariablePart& s, const FixedPart* f = nullptr) const {
    const FixedPart& of = f ? *f : fixed_;
    const Hash32 digest = sc::state_digest(sc::channel_id(of), s);
    SignedState out{s, {}};
    for (const Hash32& key : of.participants) out.signatures.push_back(keys_.sign(index_of(key), digest));
    return out;
  }
  SignedState signed_by(std::size_t key, const VariablePart& s, const FixedPart* f = nullptr) const {
    return SignedState{s, {keys_.sign(key, sc::state_digest(sc::channel_id(f ? *f : fixed_), s))}};
  }
  SignedState by_mover(const VariablePart& s) const {
    return signed_by(index_of(fixed_.participants[sc::mover_index(fixed_, s.turn)]), s);
  }
  static SignedState anchor(const VariablePart& s) { return SignedState{s, {}}; }

  sc::ChallengeInput challenge_input(std::vector<SignedState> proof, std::size_t challenger) const {
    const Hash32 digest = sc::challenge_digest(id(), proof.back().state);
    return sc::ChallengeInput{id(), std::move(proof), challenger, keys_.sign(index_of(fixed_.participants[challenger]), digest)};
  }

  Scenario& step(std::string op, u64 height, json input) {
    spec_.steps.push_back(Step{std::move(op), height, std::move(input)});
    return *this;
  }
  Scenario& deploy_app(const Bytes& code = trivial_program) {
    return step("deploy_app", open_height - 1, codec::to_json(sc::DeployAppInput{code}));
  }
  Scenario& open(const SignedState& opening) {
    return step("open", open_height, codec::to_json(sc::OpenInput{fixed_, opening}));
  }
  Scenario& open(const VariablePart& opening = state(0)) { return open(signed_by_all(opening)); }
  // deploy_app, open on `opening` and deposit every funding.
  Scenario& funded(const VariablePart& opening = state(0)) {
    deploy_app(code_of_fixed()).open(opening);
    for (std::size_t i = 0; i < opening.outcome.size(); ++i)
      if (opening.outcome[i] > 0) deposit(i, opening.outcome[i]);
    return *this;
  }
  Scenario& deposit(u64 participant, u64 amount, u64 height = open_height + 1) {
    return step("deposit", height, codec::to_json(sc::DepositInput{id(), participant, amount}));
  }
  Scenario& checkpoint(std::vector<SignedState> proof, u64 height = open_height + 2) {
    return step("checkpoint", height, codec::to_json(sc::SupportInput{id(), std::move(proof)}));
  }
  Scenario& challenge(const sc::ChallengeInput& in, u64 height = challenge_height) {
    return step("challenge", height, codec::to_json(in));
  }
  Scenario& challenge(std::vector<SignedState> proof, std::size_t challenger, u64 height = challenge_height) {
    return challenge(challenge_input(std::move(proof), challenger), height);
  }
  Scenario& respond(std::vector<SignedState> proof, u64 height) {
    return step("respond", height, codec::to_json(sc::SupportInput{id(), std::move(proof)}));
  }
  Scenario& conclude(const SignedState& s, u64 height = open_height + 3) {
    return step("conclude", height, codec::to_json(sc::ConcludeInput{id(), s}));
  }
  Scenario& withdraw(u64 participant, u64 height) {
    return step("withdraw", height, codec::to_json(sc::WithdrawInput{id(), participant}));
  }

 private:
  std::size_t index_of(const Hash32& key) const {
    for (std::size_t i = 0; i < 5; ++i)
      if (keys_.pubkey(i) == key) return i;
    return 0;
  }
  // The program the fixed part names, if it is one of the vectors' programs (else the trivial one).
  const Bytes& code_of_fixed() const {
    return fixed_.app_definition == ref::channel_vm::app_definition(keep_first_program) ? keep_first_program
                                                                                        : trivial_program;
  }

  CaseSpec& spec_;
  payment_channel_scenario::Keys<5> keys_;
  Hash32 adjudicator_id_;
  FixedPart fixed_;
};

// ---- deploy and deploy_app ----

void deploy_cases(CaseBook& cases) {
  const auto deploy = [&](std::string name, std::string description, std::vector<std::string> rules, StateChannelConfig c) {
    CaseSpec& spec = cases.add("deploy", std::move(name), std::move(description), std::move(rules));
    spec.steps.push_back(Step{"deploy", 1, codec::to_json(sc::DeployInput{chain_id, adjudicator_id(spec.seed), c})});
  };
  const std::vector<std::string> all = {"SC-DEPLOY-1", "SC-DEPLOY-2", "SC-DEPLOY-3", "SC-DEPLOY-4", "SC-DEPLOY-5"};
  deploy("basic", "the vectors' configuration", all, config);
  StateChannelConfig c = config;
  c.censorship_bound_blocks = 0;
  deploy("invalid_censorship_bound_zero", "censorship_bound_blocks 0", {"SC-DEPLOY-1"}, c);
  deploy("smallest", "censorship_bound_blocks 1, min = max challenge duration 2, 2 participants, 1 byte, 1 gas", all,
         StateChannelConfig{1, 2, 2, 2, 1, 1});
  c = config;
  c.min_challenge_duration = 6;
  deploy("invalid_min_duration_at_bound", "min_challenge_duration equal to censorship_bound_blocks (6)", {"SC-DEPLOY-2"}, c);
  c.min_challenge_duration = 7;
  deploy("min_duration_one_above_bound", "min_challenge_duration 7", {"SC-DEPLOY-2"}, c);
  c = config;
  c.max_challenge_duration = c.min_challenge_duration - 1;
  deploy("invalid_max_duration_below_min", "max_challenge_duration one below min_challenge_duration", {"SC-DEPLOY-2"}, c);
  c.max_challenge_duration = (u64{1} << 32) - 1;
  deploy("max_duration_below_two_to_the_32", "max_challenge_duration 2^32 - 1", {"SC-DEPLOY-2"}, c);
  c.max_challenge_duration = u64{1} << 32;
  deploy("invalid_max_duration_two_to_the_32", "max_challenge_duration 2^32", {"SC-DEPLOY-2"}, c);
  for (const u64 n : {u64{1}, u64{2}, u64{64}, u64{65}}) {
    c = config;
    c.max_participants = n;
    deploy((n == 1 || n == 65 ? "invalid_max_participants_" : "max_participants_") + std::to_string(n),
           "max_participants " + std::to_string(n), {"SC-DEPLOY-3"}, c);
  }
  for (const u64 bytes : {u64{0}, u64{65536}, u64{65537}}) {
    c = config;
    c.max_app_data_bytes = bytes;
    deploy((bytes == 65536 ? "max_app_data_" : "invalid_max_app_data_") + std::to_string(bytes),
           "max_app_data_bytes " + std::to_string(bytes), {"SC-DEPLOY-4"}, c);
  }
  for (const u64 gas : {u64{0}, u64{1} << 24, (u64{1} << 24) + 1}) {
    c = config;
    c.move_gas_limit = gas;
    deploy((gas == u64{1} << 24 ? "move_gas_" : "invalid_move_gas_") + std::to_string(gas),
           "move_gas_limit " + std::to_string(gas), {"SC-DEPLOY-5"}, c);
  }

  Scenario(cases.add("deploy_app", "basic", "the trivial program, ACCEPT", {"SC-APP-1", "SC-APP-2"})).deploy_app();
  Scenario(cases.add("deploy_app", "two_programs", "the trivial program, then the keep-first-outcome program",
                     {"SC-APP-1", "SC-APP-2"}))
      .deploy_app()
      .deploy_app(keep_first_program);
  Scenario(cases.add("deploy_app", "invalid_duplicate", "the trivial program twice", {"SC-APP-2"})).deploy_app().deploy_app();
  Scenario(cases.add("deploy_app", "invalid_empty_code", "no bytes", {"SC-APP-1"})).deploy_app(Bytes{});
  Scenario(cases.add("deploy_app", "invalid_undefined_opcode", "the byte 0xff", {"SC-APP-1"})).deploy_app(Bytes{0xff});
  Scenario(cases.add("deploy_app", "invalid_truncated_push", "PUSH1 with no immediate", {"SC-APP-1"})).deploy_app(Bytes{0x30});
  Scenario(cases.add("deploy_app", "code_at_size_limit", "24576 STOPs: the VM's max_code_bytes", {"SC-APP-1"}))
      .deploy_app(Bytes(24576, 0x00));
  Scenario(cases.add("deploy_app", "invalid_code_over_size_limit", "24577 STOPs", {"SC-APP-1"})).deploy_app(Bytes(24577, 0x00));
}

// ---- open ----

void open_cases(CaseBook& cases) {
  const std::vector<std::string> all = with(with({"SC-OPEN-1", "SC-OPEN-2", "SC-OPEN-3", "SC-OPEN-4", "SC-OPEN-5",
                                                  "SC-OPEN-6", "SC-OPEN-7", "SC-OPEN-8"},
                                                 state_rules),
                                            sig_rules);
  Scenario(cases.add("open", "basic", "keys 0, 1, 2 open a channel of the trivial program funded 100 / 200 / 300", all))
      .deploy_app()
      .open();
  {
    Scenario s(cases.add("open", "consensus_app", "the consensus application (32 zero bytes) needs no deployment", all));
    FixedPart f = s.fixed_part();
    f.app_definition = sc::consensus_app;
    s.use(f).open();
  }
  {
    Scenario s(cases.add("open", "invalid_other_chain", "the fixed part names chain 2", {"SC-OPEN-1"}));
    FixedPart f = s.fixed_part();
    f.chain_id = 2;
    s.deploy_app().use(f).open();
  }
  {
    Scenario s(cases.add("open", "invalid_other_adjudicator", "the fixed part names another adjudicator", {"SC-OPEN-1"}));
    FixedPart f = s.fixed_part();
    f.adjudicator_id[0] ^= 1;
    s.deploy_app().use(f).open();
  }
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{5}}) {
    const bool ok = n == 2 || n == 4;
    Scenario s(cases.add("open", (ok ? "participants_" : "invalid_participants_") + std::to_string(n),
                         std::to_string(n) + " participants (max_participants 4)", ok ? all : std::vector<std::string>{"SC-OPEN-2"}));
    s.deploy_app().use(s.fixed_part(n)).open(state(0, std::vector<u64>(n, 10)));
  }
  {
    Scenario s(cases.add("open", "invalid_duplicate_participant", "key 0 is participants 0 and 2", {"SC-OPEN-3"}));
    FixedPart f = s.fixed_part();
    f.participants[2] = f.participants[0];
    s.deploy_app().use(f).open();
  }
  for (const u64 d : {u64{9}, u64{10}, u64{1000}, u64{1001}}) {
    const bool ok = d == 10 || d == 1000;
    Scenario s(cases.add("open", (ok ? "challenge_duration_" : "invalid_challenge_duration_") + std::to_string(d),
                         "challenge_duration " + std::to_string(d) + " (10..1000)", ok ? all : std::vector<std::string>{"SC-OPEN-4"}));
    s.deploy_app().use(s.fixed_part(3, trivial_program, d)).open();
  }
  Scenario(cases.add("open", "invalid_unknown_app", "the trivial program was never deployed", {"SC-OPEN-5"})).open();
  Scenario(cases.add("open", "invalid_turn_one", "the opening state has turn 1", {"SC-OPEN-6"})).deploy_app().open(state(1));
  Scenario(cases.add("open", "invalid_final", "the opening state is final", {"SC-OPEN-6"}))
      .deploy_app()
      .open(state(0, {100, 200, 300}, {}, true));
  Scenario(cases.add("open", "total_at_maximum", "fundings 2^64 - 1, 0, 0", all)).deploy_app().open(state(0, {u64_max, 0, 0}));
  Scenario(cases.add("open", "invalid_total_overflow", "fundings 2^64 - 1, 1, 0", {"SC-OPEN-7"}))
      .deploy_app()
      .open(state(0, {u64_max, 1, 0}));
  Scenario(cases.add("open", "invalid_outcome_short", "two fundings for three participants", {"SC-STATE-1"}))
      .deploy_app()
      .open(state(0, {100, 200}));
  Scenario(cases.add("open", "invalid_outcome_long", "four fundings for three participants", {"SC-STATE-1"}))
      .deploy_app()
      .open(state(0, {100, 200, 300, 0}));
  Scenario(cases.add("open", "app_data_at_limit", "32 bytes of app_data (max_app_data_bytes 32)", all))
      .deploy_app()
      .open(state(0, {100, 200, 300}, Bytes(32, 7)));
  Scenario(cases.add("open", "invalid_app_data_over_limit", "33 bytes of app_data", {"SC-STATE-3"}))
      .deploy_app()
      .open(state(0, {100, 200, 300}, Bytes(33, 7)));
  Scenario(cases.add("open", "invalid_duplicate", "the same open twice", {"SC-OPEN-8"})).deploy_app().open().open();
  {
    Scenario s(cases.add("open", "second_nonce", "the same participants open a second channel with nonce 1", all));
    s.deploy_app().open();
    s.use(s.fixed_part(3, trivial_program, duration, 1)).open();
  }
  {
    Scenario s(cases.add("open", "invalid_signature_missing", "participant 2's signature is missing", {"SC-SIG-1"}));
    SignedState opening = s.signed_by_all(state(0));
    opening.signatures.pop_back();
    s.deploy_app().open(opening);
  }
  {
    Scenario s(cases.add("open", "invalid_signature_extra", "a fourth signature", {"SC-SIG-1"}));
    SignedState opening = s.signed_by_all(state(0));
    opening.signatures.push_back(opening.signatures[0]);
    s.deploy_app().open(opening);
  }
  {
    Scenario s(cases.add("open", "invalid_signature_by_outsider", "key 3 signs in place of participant 1", {"SC-SIG-2"}));
    SignedState opening = s.signed_by_all(state(0));
    opening.signatures[1] = s.signed_by(3, state(0)).signatures[0];
    s.deploy_app().open(opening);
  }
  {
    Scenario s(cases.add("open", "invalid_signatures_swapped", "participants 0 and 1's signatures swapped", {"SC-SIG-2"}));
    SignedState opening = s.signed_by_all(state(0));
    std::swap(opening.signatures[0], opening.signatures[1]);
    s.deploy_app().open(opening);
  }
}

// ---- deposit ----

void deposit_cases(CaseBook& cases) {
  const std::vector<std::string> all = {"SC-CHAN-1", "SC-DEP-1", "SC-DEP-2", "SC-DEP-3", "SC-DEP-4"};
  Scenario(cases.add("deposit", "basic", "every participant deposits its funding", all)).funded();
  Scenario(cases.add("deposit", "partial_then_full", "participant 0 deposits 99, then 1", all))
      .deploy_app()
      .open()
      .deposit(0, 99)
      .deposit(0, 1);
  Scenario(cases.add("deposit", "invalid_excess_by_one", "participant 0 deposits 99, then 2", {"SC-DEP-4"}))
      .deploy_app()
      .open()
      .deposit(0, 99)
      .deposit(0, 2);
  Scenario(cases.add("deposit", "invalid_after_full", "participant 0 deposits 100, then 1", {"SC-DEP-4"}))
      .deploy_app()
      .open()
      .deposit(0, 100)
      .deposit(0, 1);
  Scenario(cases.add("deposit", "invalid_overflow", "participant 0 deposits 1, then 2^64 - 1", {"SC-DEP-4"}))
      .deploy_app()
      .open()
      .deposit(0, 1)
      .deposit(0, u64_max);
  Scenario(cases.add("deposit", "invalid_zero", "an amount of 0", {"SC-DEP-3"})).deploy_app().open().deposit(0, 0);
  Scenario(cases.add("deposit", "last_participant", "participant 2 (n - 1)", all)).deploy_app().open().deposit(2, 300);
  Scenario(cases.add("deposit", "invalid_participant_n", "participant 3 of 3", {"SC-DEP-2"})).deploy_app().open().deposit(3, 1);
  {
    Scenario s(cases.add("deposit", "invalid_unknown_channel", "a channel never opened", {"SC-CHAN-1"}));
    s.deploy_app().deposit(0, 1);
  }
  {
    Scenario s(cases.add("deposit", "one_block_before_finalization", "a deposit at finalizes_at - 1", all));
    s.deploy_app().open().challenge({Scenario::anchor(state(0))}, 0).deposit(0, 100, finalizes - 1);
  }
  {
    Scenario s(cases.add("deposit", "invalid_at_finalization", "a deposit at finalizes_at", {"SC-DEP-1"}));
    s.deploy_app().open().challenge({Scenario::anchor(state(0))}, 0).deposit(0, 100, finalizes);
  }
}

// ---- checkpoint and support proofs ----

void checkpoint_cases(CaseBook& cases) {
  const std::vector<std::string> all = with({"SC-CHAN-1", "SC-CKPT-1", "SC-CKPT-2"}, support_rules);
  {
    Scenario s(cases.add("checkpoint", "basic", "a state of turn 1 signed by all", all));
    s.funded().checkpoint({s.signed_by_all(state(1, {150, 150, 300}))});
  }
  {
    Scenario s(cases.add("checkpoint", "two_moves", "signed by all at turn 0, then the moves of turns 1 and 2", all));
    s.funded().checkpoint({s.signed_by_all(state(0)), s.by_mover(state(1, {100, 200, 300}, {1})),
                           s.by_mover(state(2, {100, 200, 300}, {1, 2}))});
  }
  {
    Scenario s(cases.add("checkpoint", "unsigned_anchor", "the registered state unsigned, then participant 1's move", all));
    s.funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1, {100, 200, 300}, {1}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_stale_equal", "turn 1 again after turn 1", {"SC-CKPT-2"}));
    s.funded().checkpoint({s.signed_by_all(state(1))}).checkpoint({s.signed_by_all(state(1, {100, 250, 250}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_stale_lower", "turn 1 after turn 2", {"SC-CKPT-2"}));
    s.funded().checkpoint({s.signed_by_all(state(2))}).checkpoint({s.signed_by_all(state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_unknown_channel", "no channel is open", {"SC-CHAN-1"}));
    s.deploy_app().checkpoint({s.signed_by_all(state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "clears_challenge_before_finalization",
                         "a checkpoint of turn 1 at finalizes_at - 1 clears the challenge", all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).checkpoint({s.signed_by_all(state(1))}, finalizes - 1);
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_finalized", "a checkpoint at finalizes_at", {"SC-CKPT-1"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).checkpoint({s.signed_by_all(state(1))}, finalizes);
  }
  // SC-SUP-1: lengths 0, n (accepted above: two_moves), n + 1.
  Scenario(cases.add("checkpoint", "invalid_empty_proof", "a proof of no state", {"SC-SUP-1"})).funded().checkpoint({});
  {
    Scenario s(cases.add("checkpoint", "invalid_proof_longer_than_n", "four states for three participants", {"SC-SUP-1"}));
    s.funded().checkpoint({s.signed_by_all(state(0)), s.by_mover(state(1)), s.by_mover(state(2)), s.by_mover(state(3))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_outcome_short", "two entries for three participants", {"SC-STATE-1"}));
    s.funded().checkpoint({s.signed_by_all(state(1, {300, 300}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_outcome_one_over", "the outcome sums to 601", {"SC-STATE-2"}));
    s.funded().checkpoint({s.signed_by_all(state(1, {100, 200, 301}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_outcome_one_short", "the outcome sums to 599", {"SC-STATE-2"}));
    s.funded().checkpoint({s.signed_by_all(state(1, {100, 200, 299}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_outcome_wraps", "2^64 - 1 + 601 wraps to 600", {"SC-STATE-2"}));
    s.funded().checkpoint({s.signed_by_all(state(1, {u64_max, 300, 301}))});
  }
  {
    Scenario s(cases.add("checkpoint", "app_data_at_limit", "a move with 32 bytes of app_data", all));
    s.funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1, {100, 200, 300}, Bytes(32, 1)))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_app_data_over_limit", "a move with 33 bytes", {"SC-STATE-3"}));
    s.funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1, {100, 200, 300}, Bytes(33, 1)))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_final_state", "a final state signed by all", {"SC-SUP-2"}));
    s.funded().checkpoint({s.signed_by_all(final_state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_turn_skipped", "turn 0, then turn 2", {"SC-SUP-3"}));
    s.funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(2))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_turn_repeated", "turn 1, then turn 1", {"SC-SUP-3"}));
    s.funded().checkpoint({s.signed_by_all(state(1)), s.by_mover(state(1, {100, 250, 250}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_unsigned_anchor_not_registered",
                         "an unsigned first state that differs from the registered one in app_data", {"SC-SUP-4"}));
    s.funded().checkpoint({Scenario::anchor(state(0, {100, 200, 300}, {9})), s.by_mover(state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "keep_first_program_accepts", "the keep-first-outcome program accepts a move keeping outcome[0]", all));
    s.use(s.fixed_part(3, keep_first_program)).funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1, {100, 250, 250}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_app_rejects", "the keep-first-outcome program rejects a move changing outcome[0]",
                         {"SC-SUP-5"}));
    s.use(s.fixed_part(3, keep_first_program)).funded().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1, {101, 199, 300}))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_consensus_app_move", "a move in a consensus-application channel", {"SC-SUP-5"}));
    FixedPart f = s.fixed_part();
    f.app_definition = sc::consensus_app;
    s.use(f).open().checkpoint({Scenario::anchor(state(0)), s.by_mover(state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_signature_missing", "the first state carries two signatures", {"SC-SIG-1"}));
    SignedState first = s.signed_by_all(state(1));
    first.signatures.pop_back();
    s.funded().checkpoint({first});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_signature_by_outsider", "key 3 signs for participant 2", {"SC-SIG-2"}));
    SignedState first = s.signed_by_all(state(1));
    first.signatures[2] = s.signed_by(3, state(1)).signatures[0];
    s.funded().checkpoint({first});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_move_unsigned", "a move with no signature", {"SC-SUP-6"}));
    s.funded().checkpoint({Scenario::anchor(state(0)), Scenario::anchor(state(1))});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_move_signed_twice", "a move with the mover's signature twice", {"SC-SUP-6"}));
    SignedState move = s.by_mover(state(1));
    move.signatures.push_back(move.signatures[0]);
    s.funded().checkpoint({Scenario::anchor(state(0)), move});
  }
  {
    Scenario s(cases.add("checkpoint", "invalid_signature_of_another_channel",
                         "every participant signed turn 1, for the channel with nonce 1", {"SC-SIG-2"}));
    const FixedPart other = s.fixed_part(3, trivial_program, duration, 1);
    s.funded().checkpoint({s.signed_by_all(state(1), &other)});
  }
}

// ---- challenge, respond, conclude, withdraw ----

void dispute_cases(CaseBook& cases) {
  const std::vector<std::string> challenge_all = with({"SC-CHAN-1", "SC-CHAL-1", "SC-CHAL-2", "SC-CHAL-3", "SC-CHAL-4"},
                                                      support_rules);
  Scenario(cases.add("challenge", "basic", "participant 0 challenges on the registered opening state", challenge_all))
      .funded()
      .challenge({Scenario::anchor(state(0))}, 0);
  {
    Scenario s(cases.add("challenge", "higher_turn", "a challenge on a state of turn 2 reached by two moves", challenge_all));
    s.funded().challenge({Scenario::anchor(state(0)), s.by_mover(state(1)), s.by_mover(state(2))}, 2);
  }
  {
    Scenario s(cases.add("challenge", "invalid_stale_lower", "a challenge on turn 1 after a checkpoint of turn 2", {"SC-CHAL-2"}));
    s.funded().checkpoint({s.signed_by_all(state(2))}).challenge({s.signed_by_all(state(1))}, 0);
  }
  {
    Scenario s(cases.add("challenge", "invalid_restart_equal_turn", "a second challenge on the challenged turn", {"SC-CHAL-2"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).challenge({Scenario::anchor(state(0))}, 1, challenge_height + 1);
  }
  {
    Scenario s(cases.add("challenge", "running_challenge_raised", "a challenge of turn 1 while one of turn 0 runs", challenge_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).challenge({Scenario::anchor(state(0)), s.by_mover(state(1))}, 1,
                                                                    challenge_height + 1);
  }
  {
    Scenario s(cases.add("challenge", "one_block_before_finalization", "a higher challenge at finalizes_at - 1", challenge_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).challenge({s.signed_by_all(state(1))}, 1, finalizes - 1);
  }
  {
    Scenario s(cases.add("challenge", "invalid_at_finalization", "a higher challenge at finalizes_at", {"SC-CHAL-1"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).challenge({s.signed_by_all(state(1))}, 1, finalizes);
  }
  {
    Scenario s(cases.add("challenge", "invalid_challenger_n", "challenger index 3 of 3", {"SC-CHAL-3"}));
    sc::ChallengeInput in = s.challenge_input({Scenario::anchor(state(0))}, 2);
    in.challenger = 3;
    s.funded().challenge(in);
  }
  {
    Scenario s(cases.add("challenge", "invalid_challenger_signature_by_outsider", "key 3 signs the challenge digest for participant 0",
                         {"SC-CHAL-4"}));
    sc::ChallengeInput in = s.challenge_input({Scenario::anchor(state(0))}, 0);
    in.challenger_signature = payment_channel_scenario::Keys<5>(s.seed()).sign(3, sc::challenge_digest(s.id(), state(0)));
    s.funded().challenge(in);
  }
  {
    Scenario s(cases.add("challenge", "invalid_state_signature_as_authorisation",
                         "participant 0's signature of the state digest, not of the challenge digest", {"SC-CHAL-4"}));
    sc::ChallengeInput in = s.challenge_input({Scenario::anchor(state(0))}, 0);
    in.challenger_signature = s.signed_by(0, state(0)).signatures[0];
    s.funded().challenge(in);
  }
  {
    Scenario s(cases.add("challenge", "invalid_unknown_channel", "no channel is open", {"SC-CHAN-1"}));
    s.deploy_app().challenge({s.signed_by_all(state(1))}, 0);
  }
  {
    Scenario s(cases.add("challenge", "invalid_empty_proof", "a challenge with no state", {"SC-SUP-1"}));
    sc::ChallengeInput in = s.challenge_input({Scenario::anchor(state(0))}, 0);
    in.proof.clear();
    s.funded().challenge(in);
  }

  const std::vector<std::string> respond_all = with({"SC-CHAN-1", "SC-RESP-1", "SC-RESP-2", "SC-RESP-3"}, support_rules);
  {
    Scenario s(cases.add("respond", "basic", "participant 1 answers a challenge on turn 0 with its move", respond_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).respond({Scenario::anchor(state(0)), s.by_mover(state(1))},
                                                                  challenge_height + 1);
  }
  {
    Scenario s(cases.add("respond", "one_block_before_finalization", "the response at finalizes_at - 1", respond_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).respond({Scenario::anchor(state(0)), s.by_mover(state(1))},
                                                                  finalizes - 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_at_finalization", "the response at finalizes_at", {"SC-RESP-2"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).respond({Scenario::anchor(state(0)), s.by_mover(state(1))}, finalizes);
  }
  {
    Scenario s(cases.add("respond", "invalid_no_challenge", "a response with no challenge running", {"SC-RESP-1"}));
    s.funded().respond({Scenario::anchor(state(0)), s.by_mover(state(1))}, challenge_height);
  }
  {
    Scenario s(cases.add("respond", "invalid_equal_turn", "a response with the challenged state itself", {"SC-RESP-3"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).respond({Scenario::anchor(state(0))}, challenge_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_lower_turn", "a response of turn 1 to a challenge of turn 2", {"SC-RESP-3"}));
    s.funded().challenge({s.signed_by_all(state(2))}, 0).respond({s.signed_by_all(state(1))}, challenge_height + 1);
  }
  {
    Scenario s(cases.add("respond", "invalid_second_response", "a second response after the challenge is cleared", {"SC-RESP-1"}));
    s.funded()
        .challenge({Scenario::anchor(state(0))}, 0)
        .respond({Scenario::anchor(state(0)), s.by_mover(state(1))}, challenge_height + 1)
        .respond({Scenario::anchor(state(1)), s.by_mover(state(2))}, challenge_height + 2);
  }
  {
    Scenario s(cases.add("respond", "invalid_unknown_channel", "no channel is open", {"SC-CHAN-1"}));
    s.deploy_app().respond({s.signed_by_all(state(1))}, challenge_height);
  }

  const std::vector<std::string> conclude_all = with({"SC-CHAN-1", "SC-CONC-1", "SC-CONC-2"}, with(state_rules, sig_rules));
  {
    Scenario s(cases.add("conclude", "basic", "a final state of turn 5 signed by all", conclude_all));
    s.funded().conclude(s.signed_by_all(final_state(5)));
  }
  {
    Scenario s(cases.add("conclude", "below_registered_turn", "a final state of turn 1 after a checkpoint of turn 4", conclude_all));
    s.funded().checkpoint({s.signed_by_all(state(4))}).conclude(s.signed_by_all(final_state(1)));
  }
  {
    Scenario s(cases.add("conclude", "during_challenge", "a conclusion at finalizes_at - 1 of a running challenge", conclude_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).conclude(s.signed_by_all(final_state(1)), finalizes - 1);
  }
  {
    Scenario s(cases.add("conclude", "invalid_at_finalization", "a conclusion at finalizes_at", {"SC-CONC-1"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).conclude(s.signed_by_all(final_state(1)), finalizes);
  }
  {
    Scenario s(cases.add("conclude", "invalid_twice", "a second conclusion", {"SC-CONC-1"}));
    s.funded().conclude(s.signed_by_all(final_state(1))).conclude(s.signed_by_all(final_state(2)));
  }
  {
    Scenario s(cases.add("conclude", "invalid_not_final", "a state signed by all that is not final", {"SC-CONC-2"}));
    s.funded().conclude(s.signed_by_all(state(1)));
  }
  {
    Scenario s(cases.add("conclude", "invalid_outcome_total", "a final outcome summing to 601", {"SC-STATE-2"}));
    s.funded().conclude(s.signed_by_all(final_state(1, {301, 200, 100})));
  }
  {
    Scenario s(cases.add("conclude", "invalid_mover_only", "a final state signed by its mover only", {"SC-SIG-1"}));
    s.funded().conclude(s.by_mover(final_state(1)));
  }
  {
    Scenario s(cases.add("conclude", "invalid_signature_by_outsider", "key 3 signs for participant 0", {"SC-SIG-2"}));
    SignedState f = s.signed_by_all(final_state(1));
    f.signatures[0] = s.signed_by(3, final_state(1)).signatures[0];
    s.funded().conclude(f);
  }
  {
    Scenario s(cases.add("conclude", "invalid_unknown_channel", "no channel is open", {"SC-CHAN-1"}));
    s.deploy_app().conclude(s.signed_by_all(final_state(1)));
  }

  const std::vector<std::string> withdraw_all = {"SC-CHAN-1", "SC-WD-1", "SC-WD-2", "SC-WD-3"};
  {
    Scenario s(cases.add("withdraw", "basic", "after a conclusion, every participant withdraws its outcome", withdraw_all));
    s.funded().conclude(s.signed_by_all(final_state(1))).withdraw(0, open_height + 4).withdraw(1, open_height + 4).withdraw(2, open_height + 4);
  }
  {
    Scenario s(cases.add("withdraw", "at_finalization", "a withdrawal at finalizes_at of a challenge", withdraw_all));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).withdraw(2, finalizes);
  }
  {
    Scenario s(cases.add("withdraw", "invalid_before_finalization", "a withdrawal at finalizes_at - 1", {"SC-WD-1"}));
    s.funded().challenge({Scenario::anchor(state(0))}, 0).withdraw(2, finalizes - 1);
  }
  {
    Scenario s(cases.add("withdraw", "invalid_open_channel", "a withdrawal from an open channel", {"SC-WD-1"}));
    s.funded().withdraw(0, challenge_height);
  }
  {
    Scenario s(cases.add("withdraw", "invalid_participant_n", "participant 3 of 3", {"SC-WD-2"}));
    s.funded().conclude(s.signed_by_all(final_state(1))).withdraw(3, open_height + 4);
  }
  {
    Scenario s(cases.add("withdraw", "invalid_unknown_channel", "no channel is open", {"SC-CHAN-1"}));
    s.deploy_app().withdraw(0, challenge_height);
  }
}

// ---- adversarial ----

void adversarial_cases(CaseBook& cases) {
  {
    Scenario s(cases.add("adversarial", "invalid_move_out_of_turn", "participant 0 signs turn 1, whose mover is participant 1",
                         {"SC-SUP-7"}));
    cases.mark_adversarial("a move out of turn", "participant 0");
    s.funded().checkpoint({Scenario::anchor(state(0)), s.signed_by(0, state(1, {100, 200, 300}, {1}))});
  }
  {
    Scenario s(cases.add("adversarial", "invalid_stale_checkpoint", "the proof of turn 1 replayed after turn 2 is registered",
                         {"SC-CKPT-2"}));
    cases.mark_adversarial("a stale checkpoint", "anyone");
    const std::vector<SignedState> turn1 = {s.signed_by_all(state(0)), s.by_mover(state(1))};
    std::vector<SignedState> turn2 = turn1;
    turn2.push_back(s.by_mover(state(2)));
    s.funded().checkpoint(turn2).checkpoint(turn1, open_height + 3);
  }
  {
    // Participants 1 and 2 hold every turn up to 2; turn 3 is participant 0's move. Three challenges
    // of theirs, each raising the turn, then a restart at turn 2 is refused, participant 0 answers
    // with its move of turn 3, and the channel finalizes on it.
    Scenario s(cases.add("adversarial", "invalid_griefing_challenges_bounded",
                         "participants 1 and 2 challenge on turns 0, 1, 2; a restart on turn 2 is refused",
                         with({"SC-CHAL-2"}, support_rules)));
    cases.mark_adversarial("repeated challenges used for griefing", "participants 1 and 2");
    s.funded()
        .challenge({Scenario::anchor(state(0))}, 1, challenge_height)
        .challenge({Scenario::anchor(state(0)), s.by_mover(state(1))}, 2, challenge_height + 1)
        .challenge({Scenario::anchor(state(1)), s.by_mover(state(2))}, 1, challenge_height + 2)
        .challenge({Scenario::anchor(state(2))}, 2, challenge_height + 3);
  }
  {
    Scenario s(cases.add("adversarial", "griefing_answered_and_finalized",
                         "after three raising challenges, participant 0 responds with its move of turn 3 and challenges on it; "
                         "the channel finalizes on turn 3 and pays out",
                         with({"SC-CHAL-2", "SC-RESP-3", "SC-WD-1"}, support_rules)));
    cases.mark_adversarial("repeated challenges used for griefing", "participants 1 and 2");
    const u64 last = challenge_height + 2;
    s.funded()
        .challenge({Scenario::anchor(state(0))}, 1, challenge_height)
        .challenge({Scenario::anchor(state(0)), s.by_mover(state(1))}, 2, challenge_height + 1)
        .challenge({Scenario::anchor(state(1)), s.by_mover(state(2))}, 1, last)
        .respond({Scenario::anchor(state(2)), s.by_mover(state(3, {300, 100, 200}))}, last + duration - 1)
        .challenge({Scenario::anchor(state(3, {300, 100, 200}))}, 0, last + duration)
        .withdraw(0, last + 2 * duration)
        .withdraw(1, last + 2 * duration)
        .withdraw(2, last + 2 * duration);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_equal_turn_response", "the others answer a challenge with the challenged turn",
                         {"SC-RESP-3"}));
    cases.mark_adversarial("an equal-turn response that only clears the timer", "participants 1 and 2");
    s.funded().challenge({s.signed_by_all(state(1))}, 0).respond({s.signed_by_all(state(1, {100, 250, 250}))}, challenge_height + 1);
  }
  {
    Scenario s(cases.add("adversarial", "silent_participant_finalized",
                         "participant 2 stops moving at turn 2; participant 0 challenges on the move of turn 2 and withdraws",
                         with({"SC-CHAL-2", "SC-WD-1"}, support_rules)));
    cases.mark_adversarial("a participant who stops moving", "participant 2");
    s.funded()
        .challenge({s.signed_by_all(state(0)), s.by_mover(state(1, {90, 210, 300})), s.by_mover(state(2, {90, 210, 300}))}, 0)
        .withdraw(0, finalizes)
        .withdraw(1, finalizes);
  }
  {
    Scenario s(cases.add("adversarial", "unfunded_channel_refunds", "participant 1 never deposits; a challenge finalizes and "
                         "participants 0 and 2 get their deposits back", {"SC-DEP-4", "SC-WD-1", "SC-WD-3"}));
    cases.mark_adversarial("a channel never funded", "participant 1");
    s.deploy_app().open().deposit(0, 100).deposit(2, 300).challenge({Scenario::anchor(state(0))}, 0).withdraw(0, finalizes)
        .withdraw(1, finalizes)
        .withdraw(2, finalizes);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_outsider_challenge", "key 3, no participant, signs a challenge", {"SC-CHAL-4"}));
    cases.mark_adversarial("a challenge started by an outsider", "anyone");
    sc::ChallengeInput in = s.challenge_input({Scenario::anchor(state(0))}, 1);
    in.challenger_signature = payment_channel_scenario::Keys<5>(s.seed()).sign(3, sc::challenge_digest(s.id(), state(0)));
    s.funded().challenge(in);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_double_withdraw", "participant 0 withdraws twice", {"SC-WD-3"}));
    cases.mark_adversarial("a double withdrawal", "participant 0");
    s.funded().conclude(s.signed_by_all(final_state(1))).withdraw(0, open_height + 4).withdraw(0, open_height + 5);
  }
  {
    Scenario s(cases.add("adversarial", "invalid_deposit_race", "two deposits of participant 0's whole funding race; the second fails",
                         {"SC-DEP-4"}));
    cases.mark_adversarial("racing deposits beyond a funding", "depositors");
    s.deploy_app().open().deposit(0, 100).deposit(0, 100);
  }
}

std::vector<CaseSpec> all_cases(Profile) {
  CaseBook cases{std::string(mechanism_name)};
  deploy_cases(cases);
  open_cases(cases);
  deposit_cases(cases);
  checkpoint_cases(cases);
  dispute_cases(cases);
  adversarial_cases(cases);
  return cases.take();
}

}  // namespace state_channel_vectors

Mechanism state_channel_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(state_channel_vectors::mechanism_name);
  mechanism.ops = state_channel_vectors::ops();
  mechanism.cases = state_channel_vectors::all_cases;
  mechanism.shared_states = [](Profile) { return std::vector<SharedState>{}; };
  mechanism.model = inv::state_channel::registry_entry;
  mechanism.bench_prefix = "BM_state_channel";
  return mechanism;
}

}  // namespace l2::vectors
