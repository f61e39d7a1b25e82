// Differential test: the state-channel batch engine (l2::opt::state_channel::Engine) against the
// reference's operations (state_channel::Operations) applied one by one with the reference's own
// BIP-340 (Bip340Check), over the same stream and the same application (a test application whose
// move appends one byte to app_data and keeps the outcome, beside the built-in consensus one).
// Each case loads an adjudicator with channels opened by the reference plus unreachable ones (a
// duplicated channel id, a participant key off the curve, a fixed part that does not hash to its
// id) and runs a random interleaving of all seven ops, valid and invalid mixed: opens with every
// SC-OPEN rule broken in turn and copies of earlier opens; deposits at the funding boundary;
// support proofs anchored on a state signed by all or on the registered state, with 0 to n - 1
// moves, turns at the registered turn - 1, 0, + 1 and + 2, moves signed by the wrong participant,
// twice or not at all, moves the application refuses, final states, outcomes off by one, proofs
// longer than n; challenges with the challenger out of range or signing the wrong digest;
// conclusions; withdrawals before, at and after finalization; unknown channels and channels opened
// later in the same stream; forged, swapped and missing signatures (signed with libsecp256k1).
// Per-item errors and the adjudicator after every call must equal the reference's (reflect::equal;
// the final state_root too), whatever the thread count and however the stream is split into calls.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "l2/opt/state_channel.hpp"
#include "l2/ref/state_channel.hpp"
#include "l2/test/key_pool.hpp"

namespace {

using l2::Bytes;
using l2::Hash32;
using l2::StateChannelError;
using l2::u64;
using l2::u8;
namespace sc = l2::ref::state_channel;
namespace engine = l2::opt::state_channel;
using engine::Item;
using sc::Adjudicator;
using sc::Channel;
using sc::FixedPart;
using sc::SignedState;
using sc::VariablePart;

using Keys = l2::test::KeyPool<5>;
constexpr std::size_t outsider = 4;                 // never a participant of a generated channel
constexpr std::size_t off_curve = Keys::off_curve;  // a key no signature verifies under

const Keys& keys() {
  static const Keys pool = Keys::make("state_channel_engine_differential");
  return pool;
}

constexpr u64 chain = 5;
const Hash32 adjudicator_id{0x5c};
const sc::StateChannelConfig config{2, 5, 50, 4, 8, 1000};

Hash32 append_app() {
  Hash32 id{};
  id[31] = 0xA1;
  return id;
}

// The test application: a move keeps the outcome and appends exactly one byte to app_data.
engine::Applications applications() {
  return engine::Applications{
      [](const Hash32& app) { return app == append_app() || app == sc::consensus_app; },
      [](const FixedPart& fixed, const VariablePart& from, const VariablePart& to) {
        if (fixed.app_definition != append_app()) return false;
        if (to.outcome != from.outcome || to.app_data.size() != from.app_data.size() + 1) return false;
        return std::equal(from.app_data.begin(), from.app_data.end(), to.app_data.begin());
      }};
}

// ---- The stream --------------------------------------------------------------------------------

enum class Kind : u8 { deploy_app, open, deposit, checkpoint, challenge, respond, conclude, withdraw };

// Channel VM programs: accept every move; accept when to.outcome[0] == from.outcome[0]; reject every
// move; and three that fail validation (empty, an undefined opcode, a PUSH1 without its byte).
const std::vector<Bytes> programs = {{0x01},
                                     {0x30, 0x00, 0x66, 0x30, 0x00, 0x67, 0x1a, 0x30, 0x0b, 0x41, 0x02, 0x42, 0x01},
                                     {0x02},
                                     {},
                                     {0xff},
                                     {0x30}};

// One random action; the builder turns it into an item against the reference's current state.
struct Action {
  Kind kind;
  u64 channel;      // which known channel (modulo), or an unknown one when it is past the end
  u64 salt;         // every other free choice
  u8 fault;         // 0..3: none; else one rule broken, chosen by salt
  u8 signature_fault;
  u64 height_step;  // 0, 1, or a jump past a challenge window
};

rc::Gen<Action> action_gen() {
  return rc::gen::build<Action>(
      rc::gen::set(&Action::kind, rc::gen::weightedElement<Kind>({{1, Kind::deploy_app},
                                                                  {2, Kind::open},
                                                                  {3, Kind::deposit},
                                                                  {4, Kind::checkpoint},
                                                                  {4, Kind::challenge},
                                                                  {3, Kind::respond},
                                                                  {1, Kind::conclude},
                                                                  {2, Kind::withdraw}})),
      rc::gen::set(&Action::channel, rc::gen::inRange<u64>(0, 12)),
      rc::gen::set(&Action::salt, rc::gen::arbitrary<u64>()),
      rc::gen::set(&Action::fault, rc::gen::weightedElement<u8>({{12, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}})),
      rc::gen::set(&Action::signature_fault, rc::gen::weightedElement<u8>({{12, 0}, {1, 1}, {1, 2}, {1, 3}})),
      rc::gen::set(&Action::height_step, rc::gen::weightedElement<u64>({{6, 0}, {6, 1}, {1, 4}, {1, 49}, {1, 60}})));
}

u64 pick(u64 salt, u64 shift, u64 modulus) { return (salt >> shift) % modulus; }

// The reference's transition for an item, with the reference's BIP-340 and the test's applications.
template <sc::AppCheck App>
l2::Result<Adjudicator, StateChannelError> apply_reference(const Adjudicator& a, const Item& item, const App& app) {
  const sc::Env env{item.height()};
  const sc::Bip340Check bip340{};
  const auto op = item.op();
  if (op == engine::op_code<sc::DeployApp>) return sc::apply_deploy_app(a, std::get<sc::DeployAppInput>(item.input()), env);
  if (op == engine::op_code<sc::Open>) return sc::apply_open(a, std::get<sc::OpenInput>(item.input()), env, bip340, app);
  if (op == engine::op_code<sc::Deposit>) return sc::apply_deposit(a, std::get<sc::DepositInput>(item.input()), env);
  if (op == engine::op_code<sc::Checkpoint>)
    return sc::apply_checkpoint(a, std::get<sc::SupportInput>(item.input()), env, bip340, app);
  if (op == engine::op_code<sc::Respond>)
    return sc::apply_respond(a, std::get<sc::SupportInput>(item.input()), env, bip340, app);
  if (op == engine::op_code<sc::Challenge>)
    return sc::apply_challenge(a, std::get<sc::ChallengeInput>(item.input()), env, bip340, app);
  if (op == engine::op_code<sc::Conclude>)
    return sc::apply_conclude(a, std::get<sc::ConcludeInput>(item.input()), env, bip340);
  return sc::apply_withdraw(a, std::get<sc::WithdrawInput>(item.input()), env);
}

class StreamBuilder {
 public:
  // With `state_apps`, moves are judged by the adjudicator's own applications (the consensus one and
  // the deployed VM programs), as the operations table runs them; else by the test application.
  StreamBuilder(Adjudicator state, bool state_apps) : state_(std::move(state)), state_apps_(state_apps) {
    for (const Channel& channel : state_.channels) remember(channel.channel_id, channel.fixed);
  }

  void add(const Action& act) {
    height_ += act.height_step;
    std::optional<Item> item;
    switch (act.kind) {
      case Kind::deploy_app:
        item = Item::of<sc::DeployApp>(sc::DeployAppInput{programs[pick(act.salt, 0, programs.size())]}, height_);
        break;
      case Kind::open: item = make_open(act); break;
      case Kind::deposit: item = make_deposit(act); break;
      case Kind::checkpoint: item = Item::of<sc::Checkpoint>(sc::SupportInput{target_id(act), make_proof(act)}, height_); break;
      case Kind::respond: item = Item::of<sc::Respond>(sc::SupportInput{target_id(act), make_proof(act)}, height_); break;
      case Kind::challenge: item = make_challenge(act); break;
      case Kind::conclude: item = make_conclude(act); break;
      case Kind::withdraw:
        item = Item::of<sc::Withdraw>(sc::WithdrawInput{target_id(act), pick(act.salt, 3, 5)}, height_);
        break;
    }
    const auto result = state_apps_ ? apply_reference(state_, *item, sc::apps_of(state_))
                                    : apply_reference(state_, *item, engine::ApplicationsCheck{&applications_});
    errors_.push_back(result.ok() ? StateChannelError::none : result.error());
    if (result.ok()) {
      state_ = result.value();
      ++accepted_;
      if (act.kind == Kind::checkpoint || act.kind == Kind::respond || act.kind == Kind::challenge) ++accepted_proofs_;
    }
    if (errors_.back() == StateChannelError::bad_signature || errors_.back() == StateChannelError::support_mover_signature ||
        errors_.back() == StateChannelError::challenge_signature)
      ++signature_rejections_;
    stream_.push_back(std::move(*item));
    states_.push_back(state_);
  }

  const std::vector<Item>& stream() const { return stream_; }
  const std::vector<StateChannelError>& errors() const { return errors_; }
  const std::vector<Adjudicator>& states() const { return states_; }
  std::size_t accepted() const { return accepted_; }
  std::size_t accepted_proofs() const { return accepted_proofs_; }
  std::size_t signature_rejections() const { return signature_rejections_; }

 private:
  void remember(const Hash32& id, const FixedPart& fixed) {
    if (!fixed_.contains(id)) ids_.push_back(id);
    fixed_.emplace(id, fixed);
  }

  Hash32 target_id(const Action& act) const {
    if (ids_.empty() || act.channel == 11) {
      Hash32 unknown{};
      unknown[0] = static_cast<u8>(act.channel);
      unknown[1] = 0xEE;
      return unknown;
    }
    return ids_[act.channel % ids_.size()];
  }

  const Channel* channel_of(const Hash32& id) const {
    const auto index = sc::find_channel(state_, id);
    return index ? &state_.channels[*index] : nullptr;
  }

  std::vector<sc::Signature> sign_all(const Action& act, const Hash32& id, const FixedPart& fixed,
                                      const VariablePart& s) const {
    const Hash32 digest = sc::state_digest(id, s);
    std::vector<sc::Signature> out;
    for (const Hash32& key : fixed.participants) out.push_back(keys().sign(keys().index_of(key), digest));
    if (!out.empty()) {
      const std::size_t k = pick(act.salt, 40, out.size());
      if (act.signature_fault == 1) out[k] = keys().sign(outsider, digest);
      if (act.signature_fault == 2) {
        if (pick(act.salt, 45, 2) == 0)
          out.erase(out.begin() + static_cast<std::ptrdiff_t>(k));
        else
          out.push_back(out[k]);
      }
      if (act.signature_fault == 3 && out.size() > 1) std::swap(out[0], out[1]);
    }
    return out;
  }

  std::optional<Item> make_open(const Action& act) {
    FixedPart fixed{chain, adjudicator_id, {}, pick(act.salt, 0, 4), append_app(), 20};
    const std::size_t n = 2 + pick(act.salt, 2, 3);
    const std::size_t first = pick(act.salt, 4, 4);
    for (std::size_t i = 0; i < n; ++i) fixed.participants.push_back(keys().pubkey[(first + i) % 4]);
    if (pick(act.salt, 6, 3) == 0) fixed.app_definition = sc::consensus_app;
    if (state_apps_ && fixed.app_definition == append_app())
      fixed.app_definition = l2::ref::channel_vm::app_definition(programs[pick(act.salt, 52, 3)]);
    std::vector<u64> outcome(n);
    for (std::size_t i = 0; i < n; ++i) outcome[i] = pick(act.salt, 8 + 3 * i, 6);
    VariablePart opening{0, {}, outcome, false};
    if (act.fault != 0) {
      switch (pick(act.salt, 30, 10)) {
        case 0: fixed.chain_id += 1; break;
        case 1: fixed.participants.resize(1); opening.outcome.resize(1); break;
        case 2: fixed.participants.push_back(keys().pubkey[outsider]); fixed.participants.push_back(keys().pubkey[off_curve]);
                opening.outcome.resize(fixed.participants.size()); break;
        case 3: fixed.participants.back() = fixed.participants.front(); break;
        case 4: fixed.challenge_duration = act.fault % 2 == 0 ? 4 : 51; break;
        case 5: fixed.app_definition[0] = 7; break;
        case 6: opening.turn = 1; break;
        case 7: opening.is_final = true; break;
        case 8: opening.outcome[0] = l2::u64_max; opening.outcome[1] = act.fault; break;
        default: opening.app_data = Bytes(9, 1); break;
      }
    }
    if (act.fault == 5) fixed.participants.back() = keys().pubkey[off_curve];
    const Hash32 id = sc::channel_id(fixed);
    remember(id, fixed);
    return Item::of<sc::Open>(sc::OpenInput{fixed, SignedState{opening, sign_all(act, id, fixed, opening)}}, height_);
  }

  std::optional<Item> make_deposit(const Action& act) const {
    const Hash32 id = target_id(act);
    const Channel* channel = channel_of(id);
    u64 participant = pick(act.salt, 0, 4);
    u64 amount = 1 + pick(act.salt, 8, 3);
    if (channel != nullptr && participant < channel->holdings.size()) {
      const sc::Holding& h = channel->holdings[participant];
      const u64 remaining = h.funding - std::min(h.funding, h.deposited);
      amount = act.fault == 0 ? std::max<u64>(remaining, 1) : (act.fault == 1 ? 0 : remaining + act.fault - 2);
    }
    if (act.fault == 5) participant = 4;
    return Item::of<sc::Deposit>(sc::DepositInput{id, participant, amount}, height_);
  }

  // A proof for the target: an anchor near the registered turn (signed by all, or the registered
  // state unsigned), then moves of the append application.
  std::vector<SignedState> make_proof(const Action& act) const {
    const Hash32 id = target_id(act);
    const auto known = fixed_.find(id);
    const Channel* channel = channel_of(id);
    if (known == fixed_.end()) return {SignedState{VariablePart{1, {}, {1, 1}, false}, {}}};
    const FixedPart& fixed = known->second;
    const std::size_t n = fixed.participants.size();
    VariablePart anchor = channel ? channel->registered : VariablePart{0, {}, std::vector<u64>(n, 1), false};
    const u64 moves = n == 0 ? 0 : pick(act.salt, 0, n);
    bool signed_anchor = pick(act.salt, 3, 3) != 0 || moves == 0;
    if (signed_anchor) {
      const u64 record = anchor.turn;
      const u64 offset = pick(act.salt, 5, 4);  // record - 1, record, record + 1, record + 2
      anchor.turn = offset == 0 ? (record == 0 ? 0 : record - 1) : record + offset - 1;
      if (pick(act.salt, 7, 4) == 0 && anchor.outcome.size() >= 2) {  // move money between the first two
        const u64 shift = std::min<u64>(anchor.outcome[0], 1);
        anchor.outcome[0] -= shift;
        anchor.outcome[1] += shift;
      }
    }
    // An unsigned anchor that is not quite the registered state (SC-SUP-4).
    const bool anchor_fault = !signed_anchor && act.fault != 0 && pick(act.salt, 34, 2) == 0;
    if (anchor_fault) anchor.app_data.push_back(0xFF);
    std::vector<SignedState> proof;
    proof.push_back(SignedState{anchor, signed_anchor ? sign_all(act, id, fixed, anchor) : std::vector<sc::Signature>{}});
    for (u64 j = 0; j < moves; ++j) {
      VariablePart next = proof.back().state;
      next.turn += 1;
      next.app_data.push_back(static_cast<u8>(j));
      const std::size_t mover = sc::mover_index(fixed, next.turn);
      std::size_t signer = keys().index_of(fixed.participants[mover]);
      if (act.signature_fault == 1 && j + 1 == moves) signer = keys().index_of(fixed.participants[(mover + 1) % n]);
      SignedState move{next, {keys().sign(signer, sc::state_digest(id, next))}};
      if (act.signature_fault == 2 && j + 1 == moves) move.signatures.push_back(move.signatures[0]);
      if (act.signature_fault == 3 && j + 1 == moves) move.signatures.clear();
      proof.push_back(move);
    }
    if (act.fault != 0 && !anchor_fault) {
      SignedState& last = proof.back();
      switch (pick(act.salt, 30, 7)) {
        case 0: last.state.is_final = true; break;
        case 1: if (!last.state.outcome.empty()) last.state.outcome[0] += 1; break;
        case 2: last.state.turn += 1; break;
        case 3: last.state.app_data = Bytes(9, 0); break;
        case 4: proof.push_back(proof.back()); proof.push_back(proof.back()); proof.push_back(proof.back()); break;
        case 5: last.state.outcome.push_back(0); break;
        default: proof.clear(); break;
      }
    }
    return proof;
  }

  std::optional<Item> make_challenge(const Action& act) const {
    const Hash32 id = target_id(act);
    std::vector<SignedState> proof = make_proof(act);
    const auto known = fixed_.find(id);
    const std::size_t n = known == fixed_.end() ? 2 : known->second.participants.size();
    u64 challenger = pick(act.salt, 50, n == 0 ? 1 : n);
    if (act.fault == 4) challenger = n;
    sc::Signature signature{};
    if (!proof.empty() && known != fixed_.end() && challenger < n) {
      Hash32 digest = sc::challenge_digest(id, proof.back().state);
      if (pick(act.salt, 58, 8) == 0) digest = sc::state_digest(id, proof.back().state);
      signature = keys().sign(keys().index_of(known->second.participants[challenger]), digest);
    }
    return Item::of<sc::Challenge>(sc::ChallengeInput{id, std::move(proof), challenger, signature}, height_);
  }

  std::optional<Item> make_conclude(const Action& act) const {
    const Hash32 id = target_id(act);
    const auto known = fixed_.find(id);
    const Channel* channel = channel_of(id);
    if (known == fixed_.end() || channel == nullptr)
      return Item::of<sc::Conclude>(sc::ConcludeInput{id, SignedState{VariablePart{1, {}, {}, true}, {}}}, height_);
    VariablePart final_state = channel->registered;
    final_state.turn += pick(act.salt, 0, 3);
    final_state.is_final = act.fault != 1;
    if (act.fault == 2 && !final_state.outcome.empty()) final_state.outcome[0] += 1;
    return Item::of<sc::Conclude>(
        sc::ConcludeInput{id, SignedState{final_state, sign_all(act, id, known->second, final_state)}}, height_);
  }

  Adjudicator state_;
  bool state_apps_;
  engine::Applications applications_ = applications();
  u64 height_ = 100;
  std::vector<Item> stream_;
  std::vector<StateChannelError> errors_;
  std::vector<Adjudicator> states_;
  std::vector<Hash32> ids_;
  std::map<Hash32, FixedPart> fixed_;
  std::size_t accepted_ = 0;
  std::size_t accepted_proofs_ = 0;
  std::size_t signature_rejections_ = 0;
};

// The pre-state: channels the reference opened (some funded, one challenged), then unreachable
// ones appended by hand.
Adjudicator pre_state(u64 seed) {
  Adjudicator a = sc::deploy(sc::DeployInput{chain, adjudicator_id, config}).value();
  a = sc::apply_deploy_app(a, sc::DeployAppInput{programs[0]}, sc::Env{1}).value();
  a = sc::apply_deploy_app(a, sc::DeployAppInput{programs[1]}, sc::Env{1}).value();
  a = sc::apply_deploy_app(a, sc::DeployAppInput{programs[2]}, sc::Env{1}).value();
  const engine::Applications apps = applications();
  for (u64 c = 0; c < 3; ++c) {
    FixedPart fixed{chain, adjudicator_id, {}, 100 + c, append_app(), 10 + c};
    for (std::size_t i = 0; i < 2 + (seed + c) % 3; ++i) fixed.participants.push_back(keys().pubkey[(c + i) % 4]);
    const Hash32 id = sc::channel_id(fixed);
    const VariablePart opening{0, {}, std::vector<u64>(fixed.participants.size(), 2 + c), false};
    SignedState signed_opening{opening, {}};
    for (const Hash32& key : fixed.participants)
      signed_opening.signatures.push_back(keys().sign(keys().index_of(key), sc::state_digest(id, opening)));
    a = sc::apply_open(a, sc::OpenInput{fixed, signed_opening}, sc::Env{1}, sc::Bip340Check{},
                       engine::ApplicationsCheck{&apps})
            .value();
    if ((seed >> c) % 2 == 0)
      for (u64 i = 0; i < fixed.participants.size(); ++i)
        a = sc::apply_deposit(a, sc::DepositInput{id, i, 2 + c}, sc::Env{1}).value();
  }
  a.channels[1].phase = sc::ChannelPhase::challenge;
  a.channels[1].finalizes_at = 100 + seed % 3;
  Channel duplicate = a.channels[0];  // a second channel of the same id: the first is the one found
  duplicate.registered.turn = 7;
  a.channels.push_back(duplicate);
  Channel off = a.channels[2];  // a key off the curve, and a fixed part that does not hash to its id
  off.channel_id[0] ^= 0x11;
  off.fixed.participants.back() = keys().pubkey[off_curve];
  a.channels.push_back(off);
  return a;
}

void expect_matches(const Adjudicator& pre, const StreamBuilder& builder, bool state_apps, unsigned threads,
                    std::vector<std::size_t> splits) {
  engine::Engine e(pre, state_apps ? std::nullopt : std::optional<engine::Applications>(applications()));
  splits.push_back(builder.stream().size());
  std::size_t begin = 0;
  for (const std::size_t end : splits) {
    const auto part = std::span<const Item>(builder.stream()).subspan(begin, end - begin);
    const std::vector<StateChannelError> errors = e.process(part, threads);
    for (std::size_t i = 0; i < part.size(); ++i)
      RC_ASSERT(errors[i] == builder.errors()[begin + i]);
    const Adjudicator expected = end == 0 ? pre : builder.states()[end - 1];
    RC_ASSERT(l2::reflect::equal(e.to_adjudicator(), expected));
    begin = end;
  }
  RC_ASSERT(sc::state_root(e.to_adjudicator()) == sc::state_root(builder.states().empty() ? pre : builder.states().back()));
}

RC_GTEST_PROP(StateChannelEngineDifferential, RandomInterleavingsMatchTheReference, ()) {
  const Adjudicator pre = pre_state(*rc::gen::inRange<u64>(0, 64));
  const auto actions = *rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(10, 61), action_gen());
  const bool state_apps = *rc::gen::arbitrary<bool>();
  StreamBuilder builder(pre, state_apps);
  for (const Action& act : actions) builder.add(act);
  std::vector<std::size_t> splits = {*rc::gen::inRange<std::size_t>(0, builder.stream().size() + 1),
                                     *rc::gen::inRange<std::size_t>(0, builder.stream().size() + 1)};
  std::sort(splits.begin(), splits.end());
  expect_matches(pre, builder, state_apps, 2, {});
  expect_matches(pre, builder, state_apps, 1, splits);
  RC_CLASSIFY(state_apps, "moves judged by deployed VM programs");
  RC_CLASSIFY(builder.accepted() * 4 >= builder.stream().size(), "a quarter or more accepted");
  RC_CLASSIFY(builder.accepted_proofs() > 0, "a support proof accepted");
  RC_CLASSIFY(builder.signature_rejections() > 0, "a signature rejection");
}

// The engine as a drop-in for Op::apply: an open through apply_item equals the reference's.
TEST(StateChannelEngine, ApplyItemMatchesTheReferenceOnAnOpen) {
  const Adjudicator pre = pre_state(1);
  FixedPart fixed{chain, adjudicator_id, {keys().pubkey[0], keys().pubkey[1]}, 9, append_app(), 20};
  const VariablePart opening{0, {}, {3, 4}, false};
  const Hash32 id = sc::channel_id(fixed);
  const Hash32 digest = sc::state_digest(id, opening);
  const sc::OpenInput in{fixed, SignedState{opening, {keys().sign(0, digest), keys().sign(1, digest)}}};
  const auto via_engine = engine::apply_item(pre, Item::of<sc::Open>(in, 5), applications());
  const engine::Applications apps = applications();
  const auto via_reference = sc::apply_open(pre, in, sc::Env{5}, sc::Bip340Check{}, engine::ApplicationsCheck{&apps});
  ASSERT_TRUE(via_engine.ok());
  ASSERT_TRUE(via_reference.ok());
  EXPECT_TRUE(l2::reflect::equal(via_engine.value(), via_reference.value()));
  EXPECT_EQ(via_engine.value().channels.size(), pre.channels.size() + 1);
}

}  // namespace
