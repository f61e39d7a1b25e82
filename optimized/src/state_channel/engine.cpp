// The state-channel batch engine: must match the fold of l2::ref::state_channel::Operations over a
// stream, errors, their order and the state after every item included.
// Exploits a pre-pass over the whole stream on oneTBB threads for everything that does not depend
// on the state the stream builds: each signed state's digest and the BIP-340 verdict of each of its
// signatures (libsecp256k1, each key parsed once per pre-pass). A channel's keys are its fixed
// part's, and its channel_id is the hash of that fixed part, so every item's keys are known from the
// adjudicator loaded and the opens of the stream, before anything is applied. The sequential pass
// then applies the reference's rules in its order, taking a verdict exactly where the reference
// would call its SignatureCheck, with a hash index instead of the reference's scan of the channels.
// spec: state_channel.md#transitions
#include <algorithm>
#include <cstring>
#include <optional>
#include <variant>

#include "l2/opt/schnorr.hpp"
#include "l2/opt/state_channel.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/opt/sha256.hpp"
#include "../tagged_message.hpp"
#include "../threads.hpp"

namespace l2::opt::state_channel {

namespace sc = ref::state_channel;
using sc::Channel;
using sc::ChannelPhase;
using sc::FixedPart;
using sc::SignedState;
using sc::VariablePart;

// What the pre-pass found for one item. A verdict is 1 when the signature is the expected signer's
// signature of the expected digest.
struct Engine::Verdicts {
  // The state signed by all (the opening, proof[0] when it is signed, the final state):
  // signed_by_all[i] for signatures[i] under participants[i], for i below both counts.
  std::vector<u8> signed_by_all;
  // moves[j - 1] for proof[j]: it carries exactly one signature, and that is its mover's.
  std::vector<u8> moves;
  // The challenger's signature of the challenge digest.
  u8 challenger = 0;
  // An open's participants after lift_x, which the engine keeps if the open is accepted.
  std::vector<std::optional<schnorr::ParsedPubkey>> open_keys;
};

namespace {

// ---- Keys and verdicts ----------------------------------------------------------------------

// A channel's participants after lift_x; nullopt for a key that is no x coordinate on the curve
// (every signature under it then fails, as in the reference).
using ParsedKeys = std::vector<std::optional<schnorr::ParsedPubkey>>;

ParsedKeys parse_keys(const std::vector<Hash32>& participants) {
  ParsedKeys keys;
  keys.reserve(participants.size());
  for (const Hash32& key : participants) keys.push_back(schnorr::parse_pubkey(key));
  return keys;
}

bool verify(const std::optional<schnorr::ParsedPubkey>& key, const Hash32& digest, const sc::Signature& signature) {
  return key.has_value() && schnorr::verify_parsed(*key, digest, signature);
}

// ---- Digests: the reference's state_digest and challenge_digest -------------------------------

const sha256::Midstate& state_midstate() {
  static const sha256::Midstate midstate = detail::make_midstate(sc::state_tag);
  return midstate;
}
const sha256::Midstate& challenge_midstate() {
  static const sha256::Midstate midstate = detail::make_midstate(sc::challenge_tag);
  return midstate;
}

// enc(SignedStateBody): channel_id, then the VariablePart: turn, app_data, outcome (a u32 count,
// then each amount), is_final.
Hash32 state_digest_of(const Hash32& id, const VariablePart& state) {
  detail::Message message(32 + 8 + 4 + state.app_data.size() + 4 + 8 * state.outcome.size() + 1);
  message.bytes_field(id).u64_field(state.turn).byte_string(state.app_data).u32_field(static_cast<u32>(state.outcome.size()));
  for (const u64 amount : state.outcome) message.u64_field(amount);
  return message.u8_field(state.is_final ? 1 : 0).digest(state_midstate());
}

// enc(ChallengeBody): channel_id, state_digest of the candidate.
Hash32 challenge_digest_of(const Hash32& id, const VariablePart& candidate) {
  return detail::Message(64).bytes_field(id).bytes_field(state_digest_of(id, candidate)).digest(challenge_midstate());
}

// A channel as the pre-pass knows it: its id, its fixed part and its parsed keys.
struct KnownChannel {
  Hash32 id;
  const FixedPart* fixed;
  const ParsedKeys* keys;
};

std::vector<u8> signed_by_all_verdicts(const Hash32& id, const ParsedKeys& keys, const SignedState& state) {
  const std::size_t count = std::min(keys.size(), state.signatures.size());
  std::vector<u8> verdicts(count);
  if (count == 0) return verdicts;
  const Hash32 digest = state_digest_of(id, state.state);
  for (std::size_t i = 0; i < count; ++i) verdicts[i] = verify(keys[i], digest, state.signatures[i]) ? 1 : 0;
  return verdicts;
}

void proof_verdicts(const KnownChannel& channel, const std::vector<SignedState>& proof, Engine::Verdicts& out) {
  if (proof.empty() || channel.keys->empty()) return;
  if (!proof.front().signatures.empty()) out.signed_by_all = signed_by_all_verdicts(channel.id, *channel.keys, proof.front());
  out.moves.assign(proof.size() - 1, 0);
  for (std::size_t j = 1; j < proof.size(); ++j) {
    if (proof[j].signatures.size() != 1) continue;
    const std::size_t mover = sc::mover_index(*channel.fixed, proof[j].state.turn);
    out.moves[j - 1] = verify((*channel.keys)[mover], state_digest_of(channel.id, proof[j].state), proof[j].signatures[0]);
  }
}

// Pre-pass work units per TBB task: an item is at least one verification (tens of microseconds).
constexpr std::size_t items_per_task = 4;

// ---- The rules that read no signature -------------------------------------------------------

bool finalized(const Channel& channel, u64 height) {
  return channel.phase == ChannelPhase::concluded ||
         (channel.phase == ChannelPhase::challenge && height >= channel.finalizes_at);
}

// The outcome's sum, or nullopt on overflow.
std::optional<u64> sum_of(const std::vector<u64>& outcome) {
  u64 sum = 0;
  for (const u64 amount : outcome) {
    if (amount > u64_max - sum) return std::nullopt;
    sum += amount;
  }
  return sum;
}

StateChannelError state_error(const sc::StateChannelConfig& config, const Channel& channel, const VariablePart& state) {
  // Verify: the outcome has one entry per participant [SC-STATE-1]
  if (state.outcome.size() != channel.fixed.participants.size()) return StateChannelError::state_outcome_length;
  const std::optional<u64> total = sum_of(state.outcome);
  // Verify: the outcome sums to the channel's total, without overflow [SC-STATE-2]
  if (!total || *total != channel.total) return StateChannelError::state_outcome_total;
  // Verify: app_data is at most max_app_data_bytes long [SC-STATE-3]
  if (state.app_data.size() > config.max_app_data_bytes) return StateChannelError::state_app_data_size;
  return StateChannelError::none;
}

// check_signed_by_all, read from verdicts.
StateChannelError signed_by_all_error(std::size_t participants, const SignedState& state, const std::vector<u8>& verdicts) {
  // Verify: the state carries exactly one signature per participant [SC-SIG-1]
  if (state.signatures.size() != participants) return StateChannelError::signature_count;
  // Verify: signatures[i] is participants[i]'s signature of the state digest [SC-SIG-2]
  if (std::find(verdicts.begin(), verdicts.end(), u8{0}) != verdicts.end()) return StateChannelError::bad_signature;
  return StateChannelError::none;
}

bool distinct(const std::vector<Hash32>& keys) {
  std::vector<Hash32> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

}  // namespace

std::size_t Engine::IdHash::operator()(const Hash32& key) const {
  std::size_t word;
  std::memcpy(&word, key.data(), sizeof word);
  return word;
}

Engine::Engine(const sc::Adjudicator& adjudicator, std::optional<Applications> applications)
    : chain_id_(adjudicator.chain_id),
      adjudicator_id_(adjudicator.adjudicator_id),
      config_(adjudicator.config),
      override_(std::move(applications)),
      apps_(adjudicator.apps),
      channels_(adjudicator.channels) {
  index_.reserve(channels_.size());
  keys_.reserve(channels_.size());
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    index_.emplace(channels_[i].channel_id, i);
    keys_.push_back(parse_keys(channels_[i].fixed.participants));
  }
  // The first program of each app_definition, as the reference's scan finds it; one that fails
  // validation (a loaded state no deploy_app made) is kept as absent, and its moves are refused.
  for (const sc::AppProgram& app : apps_) {
    if (programs_.contains(app.app_definition) || invalid_.contains(app.app_definition)) continue;
    auto program = channel_vm::validate(app.code, ref::channel_vm::default_limits);
    if (program.ok())
      programs_.emplace(app.app_definition, std::move(program).value());
    else
      invalid_.insert(app.app_definition);
  }
}

sc::Adjudicator Engine::to_adjudicator() const {
  return sc::Adjudicator{chain_id_, adjudicator_id_, config_, apps_, channels_};
}

bool Engine::knows(const Hash32& app_definition) const {
  if (override_) return override_->knows(app_definition);
  if (app_definition == sc::consensus_app) return true;
  for (const sc::AppProgram& app : apps_)
    if (app.app_definition == app_definition) return true;
  return false;
}

bool Engine::valid_move(const FixedPart& fixed, const VariablePart& from, const VariablePart& to) const {
  if (override_) return override_->valid_move(fixed, from, to);
  const auto it = programs_.find(fixed.app_definition);
  return it != programs_.end() &&
         channel_vm::judge_move(it->second, fixed, from, to, config_.move_gas_limit, ref::channel_vm::default_limits);
}

StateChannelError Engine::apply_deploy_app(const sc::DeployAppInput& in) {
  auto program = channel_vm::validate(in.code, ref::channel_vm::default_limits);
  // Verify: the code passes the channel VM's validation under its default limits [SC-APP-1]
  if (!program.ok()) return StateChannelError::app_invalid_code;
  const Hash32 definition = ref::channel_vm::app_definition(in.code);
  // Verify: no deployed program has this app_definition [SC-APP-2]
  if (std::any_of(apps_.begin(), apps_.end(), [&](const sc::AppProgram& app) { return app.app_definition == definition; }))
    return StateChannelError::app_duplicate;
  apps_.push_back(sc::AppProgram{definition, in.code});
  programs_.emplace(definition, std::move(program).value());
  return StateChannelError::none;
}

Channel* Engine::find(const Hash32& channel_id) {
  const auto it = index_.find(channel_id);
  return it == index_.end() ? nullptr : &channels_[it->second];
}

std::vector<StateChannelError> Engine::process(std::span<const Item> stream, unsigned threads) {
  std::vector<Verdicts> verdicts(stream.size());
  std::vector<Hash32> open_ids(stream.size());
  std::vector<std::size_t> opens;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    if (stream[i].op() != op_code<sc::Open>) continue;
    open_ids[i] = sc::channel_id(std::get<sc::OpenInput>(stream[i].input()).fixed);
    opens.push_back(i);
  }
  const bool parallel = threads != 1;
  detail::in_arena(threads, [&] {
    // Each open's own keys: its verdicts are under them, and they are the channel's if it opens.
    detail::for_each_chunk(opens.size(), items_per_task, parallel, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k)
        verdicts[opens[k]].open_keys = parse_keys(std::get<sc::OpenInput>(stream[opens[k]].input()).fixed.participants);
    });
    return 0;
  });
  // The channels an item may name: the loaded ones (the first of each id, as find sees them), then
  // those the stream opens (an id determines its fixed part, so any open of it has the same keys).
  std::unordered_map<Hash32, KnownChannel, IdHash> known;
  for (const auto& [id, index] : index_) known.emplace(id, KnownChannel{id, &channels_[index].fixed, &keys_[index]});
  for (const std::size_t i : opens)
    known.emplace(open_ids[i], KnownChannel{open_ids[i], &std::get<sc::OpenInput>(stream[i].input()).fixed, &verdicts[i].open_keys});
  const auto known_channel = [&](const Hash32& id) -> const KnownChannel* {
    const auto it = known.find(id);
    return it == known.end() ? nullptr : &it->second;
  };
  detail::in_arena(threads, [&] {
    detail::for_each_chunk(stream.size(), items_per_task, parallel, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const Item& item = stream[i];
        Verdicts& out = verdicts[i];
        if (item.op() == op_code<sc::Open>) {
          const auto& in = std::get<sc::OpenInput>(item.input());
          out.signed_by_all = signed_by_all_verdicts(open_ids[i], out.open_keys, in.opening);
        } else if (item.op() == op_code<sc::Checkpoint> || item.op() == op_code<sc::Respond>) {
          const auto& in = std::get<sc::SupportInput>(item.input());
          if (const KnownChannel* channel = known_channel(in.channel_id)) proof_verdicts(*channel, in.proof, out);
        } else if (item.op() == op_code<sc::Challenge>) {
          const auto& in = std::get<sc::ChallengeInput>(item.input());
          const KnownChannel* channel = known_channel(in.channel_id);
          if (channel == nullptr) continue;
          proof_verdicts(*channel, in.proof, out);
          if (!in.proof.empty() && in.challenger < channel->keys->size())
            out.challenger = verify((*channel->keys)[in.challenger], challenge_digest_of(channel->id, in.proof.back().state),
                                    in.challenger_signature);
        } else if (item.op() == op_code<sc::Conclude>) {
          const auto& in = std::get<sc::ConcludeInput>(item.input());
          if (const KnownChannel* channel = known_channel(in.channel_id))
            out.signed_by_all = signed_by_all_verdicts(channel->id, *channel->keys, in.final_state);
        }
      }
    });
    return 0;
  });

  std::vector<StateChannelError> errors(stream.size());
  for (std::size_t i = 0; i < stream.size(); ++i) errors[i] = apply(stream[i], verdicts[i]);
  return errors;
}

StateChannelError Engine::apply(const Item& item, const Verdicts& verdicts) {
  const u64 height = item.height();
  const Operations::Code op = item.op();
  if (op == op_code<sc::DeployApp>) return apply_deploy_app(std::get<sc::DeployAppInput>(item.input()));
  if (op == op_code<sc::Open>) return apply_open(std::get<sc::OpenInput>(item.input()), verdicts);
  if (op == op_code<sc::Deposit>) return apply_deposit(std::get<sc::DepositInput>(item.input()), height);
  if (op == op_code<sc::Checkpoint> || op == op_code<sc::Respond>) {
    const auto& in = std::get<sc::SupportInput>(item.input());
    return apply_proof(op, in.channel_id, in.proof, height, nullptr, verdicts);
  }
  if (op == op_code<sc::Challenge>) {
    const auto& in = std::get<sc::ChallengeInput>(item.input());
    return apply_proof(op, in.channel_id, in.proof, height, &in, verdicts);
  }
  if (op == op_code<sc::Conclude>) return apply_conclude(std::get<sc::ConcludeInput>(item.input()), height, verdicts);
  return apply_withdraw(std::get<sc::WithdrawInput>(item.input()), height);
}

StateChannelError Engine::apply_open(const sc::OpenInput& in, const Verdicts& verdicts) {
  const FixedPart& fixed = in.fixed;
  const VariablePart& opening = in.opening.state;
  // Verify: the fixed part names this chain and this adjudicator [SC-OPEN-1]
  if (fixed.chain_id != chain_id_ || fixed.adjudicator_id != adjudicator_id_) return StateChannelError::open_binding;
  // Verify: 2 <= n <= max_participants [SC-OPEN-2]
  if (fixed.participants.size() < 2 || fixed.participants.size() > config_.max_participants)
    return StateChannelError::open_participant_count;
  // Verify: the participant keys are distinct [SC-OPEN-3]
  if (!distinct(fixed.participants)) return StateChannelError::open_duplicate_participant;
  // Verify: min_challenge_duration <= challenge_duration <= max_challenge_duration [SC-OPEN-4]
  if (fixed.challenge_duration < config_.min_challenge_duration ||
      fixed.challenge_duration > config_.max_challenge_duration)
    return StateChannelError::open_challenge_duration;
  // Verify: the adjudicator runs the application app_definition names [SC-OPEN-5]
  if (!knows(fixed.app_definition)) return StateChannelError::open_unknown_app;
  // Verify: the opening state has turn 0 and is not final [SC-OPEN-6]
  if (opening.turn != 0 || opening.is_final) return StateChannelError::open_not_initial;
  const std::optional<u64> total = sum_of(opening.outcome);
  // Verify: the opening outcome's sum does not overflow [SC-OPEN-7]
  if (!total) return StateChannelError::open_total_overflow;
  Channel channel{};
  channel.channel_id = sc::channel_id(fixed);
  channel.fixed = fixed;
  channel.total = *total;
  channel.phase = ChannelPhase::open;
  channel.registered = opening;
  channel.finalizes_at = 0;
  if (const StateChannelError e = state_error(config_, channel, opening); e != StateChannelError::none) return e;
  // Verify: no registered channel has this channel_id [SC-OPEN-8]
  if (index_.contains(channel.channel_id)) return StateChannelError::open_duplicate;
  if (const StateChannelError e = signed_by_all_error(fixed.participants.size(), in.opening, verdicts.signed_by_all);
      e != StateChannelError::none)
    return e;
  channel.holdings.reserve(opening.outcome.size());
  for (const u64 funding : opening.outcome) channel.holdings.push_back(sc::Holding{funding, 0, false});
  index_.emplace(channel.channel_id, channels_.size());
  channels_.push_back(std::move(channel));
  keys_.push_back(verdicts.open_keys);
  return StateChannelError::none;
}

StateChannelError Engine::apply_deposit(const sc::DepositInput& in, u64 height) {
  Channel* channel = find(in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (channel == nullptr) return StateChannelError::unknown_channel;
  // Verify: the channel is not finalized [SC-DEP-1]
  if (finalized(*channel, height)) return StateChannelError::deposit_finalized;
  // Verify: participant < n [SC-DEP-2]
  if (in.participant >= channel->holdings.size()) return StateChannelError::deposit_participant;
  // Verify: amount >= 1 [SC-DEP-3]
  if (in.amount == 0) return StateChannelError::deposit_zero;
  sc::Holding& holding = channel->holdings[in.participant];
  // Verify: deposited + amount <= funding, without overflow [SC-DEP-4]
  if (in.amount > holding.funding || holding.deposited > holding.funding - in.amount)
    return StateChannelError::deposit_excess;
  holding.deposited += in.amount;
  return StateChannelError::none;
}

StateChannelError Engine::check_support(const Channel& channel, const std::vector<SignedState>& proof,
                                        const Verdicts& verdicts) const {
  const std::size_t n = channel.fixed.participants.size();
  // Verify: the proof has 1..n states [SC-SUP-1]
  if (proof.empty() || proof.size() > n) return StateChannelError::support_length;
  for (const SignedState& step : proof) {
    if (const StateChannelError e = state_error(config_, channel, step.state); e != StateChannelError::none) return e;
    // Verify: no state of the proof is final [SC-SUP-2]
    if (step.state.is_final) return StateChannelError::support_final;
  }
  for (std::size_t j = 1; j < proof.size(); ++j) {
    // Verify: each state's turn is its predecessor's turn plus 1 [SC-SUP-3]
    if (proof[j - 1].state.turn == u64_max || proof[j].state.turn != proof[j - 1].state.turn + 1)
      return StateChannelError::support_turns;
  }
  const SignedState& first = proof.front();
  // Verify: an unsigned first state is the registered state [SC-SUP-4]
  if (first.signatures.empty() && !reflect::equal(first.state, channel.registered))
    return StateChannelError::support_anchor;
  for (std::size_t j = 1; j < proof.size(); ++j) {
    // Verify: the application accepts each move [SC-SUP-5]
    if (!valid_move(channel.fixed, proof[j - 1].state, proof[j].state)) return StateChannelError::support_app;
  }
  if (!first.signatures.empty()) {
    if (const StateChannelError e = signed_by_all_error(n, first, verdicts.signed_by_all); e != StateChannelError::none)
      return e;
  }
  for (std::size_t j = 1; j < proof.size(); ++j) {
    // Verify: each move carries exactly one signature [SC-SUP-6]
    if (proof[j].signatures.size() != 1) return StateChannelError::support_mover_count;
    // Verify: each move's signature is its mover's signature of the state digest [SC-SUP-7]
    if (verdicts.moves[j - 1] == 0) return StateChannelError::support_mover_signature;
  }
  return StateChannelError::none;
}

StateChannelError Engine::apply_proof(Operations::Code op, const Hash32& channel_id, const std::vector<SignedState>& proof,
                                      u64 height, const sc::ChallengeInput* challenge, const Verdicts& verdicts) {
  Channel* channel = find(channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (channel == nullptr) return StateChannelError::unknown_channel;
  const u64 record = channel->registered.turn;
  const std::size_t n = channel->fixed.participants.size();
  if (op == op_code<sc::Respond>) {
    // Verify: a challenge runs [SC-RESP-1]
    if (channel->phase != ChannelPhase::challenge) return StateChannelError::respond_no_challenge;
    // Verify: height < finalizes_at [SC-RESP-2]
    if (height >= channel->finalizes_at) return StateChannelError::respond_late;
  } else if (finalized(*channel, height)) {
    // Verify: the channel is not finalized [SC-CKPT-1] [SC-CHAL-1]
    return op == op_code<sc::Challenge> ? StateChannelError::challenge_finalized : StateChannelError::checkpoint_finalized;
  }
  // Verify: the proof has 1..n states [SC-SUP-1]
  if (proof.empty() || proof.size() > n) return StateChannelError::support_length;
  const u64 turn = proof.back().state.turn;
  if (op == op_code<sc::Challenge>) {
    // Verify: turn >= the registered turn when open, turn > the registered turn while a challenge runs [SC-CHAL-2]
    if (turn < record || (channel->phase == ChannelPhase::challenge && turn == record))
      return StateChannelError::challenge_stale;
    // Verify: challenger < n [SC-CHAL-3]
    if (challenge->challenger >= n) return StateChannelError::challenge_challenger;
  } else if (turn <= record) {
    // Verify: the candidate's turn > the registered turn [SC-CKPT-2] [SC-RESP-3]
    return op == op_code<sc::Respond> ? StateChannelError::respond_stale : StateChannelError::checkpoint_stale;
  }
  if (const StateChannelError e = check_support(*channel, proof, verdicts); e != StateChannelError::none) return e;
  if (op == op_code<sc::Challenge>) {
    // Verify: challenger_signature is participants[challenger]'s signature of the challenge digest [SC-CHAL-4]
    if (verdicts.challenger == 0) return StateChannelError::challenge_signature;
  }
  channel->registered = proof.back().state;
  if (op == op_code<sc::Challenge>) {
    channel->phase = ChannelPhase::challenge;
    const u64 duration = channel->fixed.challenge_duration;
    channel->finalizes_at = height > u64_max - duration ? u64_max : height + duration;
  } else {
    channel->phase = ChannelPhase::open;
    channel->finalizes_at = 0;
  }
  return StateChannelError::none;
}

StateChannelError Engine::apply_conclude(const sc::ConcludeInput& in, u64 height, const Verdicts& verdicts) {
  Channel* channel = find(in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (channel == nullptr) return StateChannelError::unknown_channel;
  const VariablePart& state = in.final_state.state;
  // Verify: the channel is not finalized [SC-CONC-1]
  if (finalized(*channel, height)) return StateChannelError::conclude_finalized;
  // Verify: the state is final [SC-CONC-2]
  if (!state.is_final) return StateChannelError::conclude_not_final;
  if (const StateChannelError e = state_error(config_, *channel, state); e != StateChannelError::none) return e;
  if (const StateChannelError e =
          signed_by_all_error(channel->fixed.participants.size(), in.final_state, verdicts.signed_by_all);
      e != StateChannelError::none)
    return e;
  channel->registered = state;
  channel->phase = ChannelPhase::concluded;
  channel->finalizes_at = height;
  return StateChannelError::none;
}

StateChannelError Engine::apply_withdraw(const sc::WithdrawInput& in, u64 height) {
  Channel* channel = find(in.channel_id);
  // Verify: the channel is registered [SC-CHAN-1]
  if (channel == nullptr) return StateChannelError::unknown_channel;
  // Verify: the channel is finalized [SC-WD-1]
  if (!finalized(*channel, height)) return StateChannelError::withdraw_not_finalized;
  // Verify: participant < n [SC-WD-2]
  if (in.participant >= channel->holdings.size()) return StateChannelError::withdraw_participant;
  // Verify: the participant has not withdrawn [SC-WD-3]
  if (channel->holdings[in.participant].withdrawn) return StateChannelError::withdraw_repeated;
  channel->holdings[in.participant].withdrawn = true;
  return StateChannelError::none;
}

Result<sc::Adjudicator, StateChannelError> apply_item(const sc::Adjudicator& adjudicator, const Item& item,
                                                      std::optional<Applications> applications) {
  Engine engine(adjudicator, std::move(applications));
  const StateChannelError error = engine.process(std::span<const Item>(&item, 1), 1).front();
  if (error != StateChannelError::none) return error;
  return engine.to_adjudicator();
}

}  // namespace l2::opt::state_channel
