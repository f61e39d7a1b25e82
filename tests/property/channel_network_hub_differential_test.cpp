// Differential test: the hub with locks (l2::opt::channel_network::Hub) against the reference's
// operations (channel_network::Operations) applied one by one with the reference's own BIP-340
// (Bip340Check), over the same stream. Each case loads a random adjudicator (channels in every
// phase carrying hash and point locks, boundary sequences, a duplicated channel id, a channel with
// itself, a key off the curve, revelations already in the registry, duplicated ones too) and runs a
// random interleaving of all eight ops, valid and invalid mixed: signed opens and copies of earlier
// opens with every CN-OPEN rule broken in turn; co-signed states that add, fulfill or fail a lock
// or move a balance, with stale sequences, broken conservation, lock ids out of order or not below
// next_lock_id, senders other than 0 and 1, malformed hash and point conditions and too many locks;
// cooperative closes; forged, swapped, duplicated, replayed and out-of-range signatures (pre-signed
// with libsecp256k1 from a small key pool); unknown channels and channels opened later in the
// stream; reveals of right, wrong and out-of-range secrets; resolves and reveals at a lock's expiry
// - 1, expiry and expiry + 1, and heights at dispute deadlines +- 1. The hub sees the whole stream
// at once (its signatures verified up front, in parallel), so every item whose verdict the hub must
// take from an earlier open in the same stream, or must not take from a later one, is covered.
// Per-item errors and the adjudicator after every item must equal the reference's (reflect::equal;
// the final state_root too), whatever the thread count and however the stream is split into calls.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <secp256k1.h>

#include "l2/opt/channel_network_hub.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::Hash32;
using l2::NetworkError;
using l2::u64;
using l2::u8;
namespace network = l2::ref::channel_network;
namespace hub = l2::opt::channel_network;
namespace oracle = l2::test::libsecp256k1;
using hub::NetworkItem;
using network::ChannelPhase;
using network::Lock;
using network::LockCondition;
using network::LockedChannel;
using network::LockedState;
using network::NetworkAdjudicator;

// ---- Keys, conditions and secrets -------------------------------------------------------------

using Keys = l2::test::KeyPool<5>;
constexpr std::size_t signer_count = Keys::signer_count;
constexpr std::size_t off_curve = Keys::off_curve;  // a key no signature verifies under

const Keys& pool() {
  static const Keys keys = Keys::make("channel_network_hub_differential");
  return keys;
}



// Conditions: hash locks first, then point locks (each opened by secrets[i]), then malformed ones.
constexpr std::size_t hash_conditions = 3;
constexpr std::size_t point_conditions = 3;
constexpr std::size_t well_formed_conditions = hash_conditions + point_conditions;

struct ConditionPool {
  std::vector<LockCondition> conditions;
  std::vector<Hash32> secrets;  // secrets[i] opens conditions[i] for i < well_formed_conditions
};

LockCondition compressed_point(const Hash32& secret) {
  secp256k1_pubkey point;
  EXPECT_EQ(secp256k1_ec_pubkey_create(oracle::context(), &point, secret.data()), 1);
  LockCondition out{};
  std::size_t length = out.size();
  secp256k1_ec_pubkey_serialize(oracle::context(), out.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return out;
}

const ConditionPool& conditions() {
  static const ConditionPool made = [] {
    ConditionPool p;
    for (std::size_t i = 0; i < hash_conditions; ++i) {
      const Hash32 secret = oracle::tagged_hash("test/preimage", l2::Bytes{static_cast<u8>(i)});
      p.secrets.push_back(secret);
      p.conditions.push_back(network::hash_lock(l2::ref::sha256(secret)));
    }
    for (std::size_t i = 0; i < point_conditions; ++i) {
      const Hash32 secret = oracle::tagged_hash("test/point_secret", l2::Bytes{static_cast<u8>(i)});
      p.secrets.push_back(secret);
      p.conditions.push_back(compressed_point(secret));
    }
    LockCondition bad_prefix = p.conditions[hash_conditions];
    bad_prefix[0] = 0x05;
    LockCondition no_point{};  // 02 || an x with no point
    no_point[0] = 0x02;
    std::copy(pool().pubkey[off_curve].begin(), pool().pubkey[off_curve].end(), no_point.begin() + 1);
    LockCondition x_too_large{};  // 03 || 2^256 - 1, not below p
    std::fill(x_too_large.begin(), x_too_large.end(), u8{0xFF});
    x_too_large[0] = 0x03;
    p.conditions.insert(p.conditions.end(), {bad_prefix, no_point, x_too_large});
    return p;
  }();
  return made;
}

// The secret a reveal shows for condition `c`: its own, another condition's, 0, n or n + 1.
Hash32 secret_for(std::size_t c, int choice) {
  const ConditionPool& p = conditions();
  Hash32 n = l2::ref::secp256k1::to_be_bytes(l2::ref::secp256k1::group_order);
  switch (choice) {
    case 1: return p.secrets[(c + 1 + hash_conditions) % well_formed_conditions];
    case 2: return Hash32{};
    case 3: return n;
    case 4: ++n[31]; return n;
    default: return p.secrets[c % well_formed_conditions];
  }
}

// ---- The reference, one item at a time ---------------------------------------------------------

network::Transition reference_apply(const NetworkAdjudicator& a, const NetworkItem& item) {
  const network::Env env{item.height()};
  return network::Operations::visit(item.op(), [&](auto op) -> network::Transition {
    using Operation = typename decltype(op)::type;
    return Operation::apply(a, std::get<typename Operation::Input>(item.input()), env, network::Bip340Check{});
  });
}

std::string code(NetworkError e) { return std::string(l2::error_info(e).code); }

// The reference's result for every item and its adjudicator after every item.
struct Expected {
  std::vector<NetworkError> errors;
  std::vector<NetworkAdjudicator> states;
};

// The first channel or revelation that differs, both versions in full.
std::string first_difference(const NetworkAdjudicator& reference, const NetworkAdjudicator& from_hub) {
  std::ostringstream out;
  if (reference.channels.size() != from_hub.channels.size()) {
    out << "reference has " << reference.channels.size() << " channels, hub " << from_hub.channels.size();
    return out.str();
  }
  for (std::size_t i = 0; i < reference.channels.size(); ++i) {
    if (l2::reflect::equal(reference.channels[i], from_hub.channels[i])) continue;
    out << "channel " << i << ":\n  reference " << l2::reflect::to_text(reference.channels[i]) << "\n  hub       "
        << l2::reflect::to_text(from_hub.channels[i]);
    return out.str();
  }
  if (!l2::reflect::equal(reference.revelations, from_hub.revelations)) {
    out << "revelations:\n  reference " << l2::reflect::to_text(reference.revelations) << "\n  hub       "
        << l2::reflect::to_text(from_hub.revelations);
    return out.str();
  }
  return "chain_id, adjudicator_id or config differ";
}

// How the hub is driven: `threads`, and the stream cut into calls at `splits` (ascending positions).
struct HubRun {
  unsigned threads = 0;
  std::vector<std::size_t> splits;
};

// The hub, loaded with `pre_state`, must give the reference's error for every item and hold the
// reference's adjudicator after every item, for every way of driving it in `runs`.
void expect_matches_reference(const NetworkAdjudicator& pre_state, const std::vector<NetworkItem>& stream,
                              const Expected& expected, const std::vector<HubRun>& runs) {
  for (const HubRun& run : runs) {
    std::ostringstream how;
    how << " (threads " << run.threads << ", " << run.splits.size() + 1 << " calls)";
    hub::Hub engine(pre_state, run.threads);
    std::vector<std::size_t> ends = run.splits;
    ends.push_back(stream.size());
    std::size_t begin = 0;
    std::optional<std::string> failure;
    for (const std::size_t end : ends) {
      const auto observe = [&](std::size_t offset, NetworkError error) {
        const std::size_t i = begin + offset;
        if (failure) return;
        std::ostringstream message;
        message << "item " << i << " (" << hub::op_name(stream[i].op()) << " at height " << stream[i].height() << ")";
        if (error != expected.errors[i]) {
          message << ": reference " << code(expected.errors[i]) << ", hub " << code(error) << how.str();
          failure = message.str();
          return;
        }
        const NetworkAdjudicator state = engine.to_adjudicator();
        if (!l2::reflect::equal(expected.states[i], state)) {
          message << ": the adjudicators differ after it" << how.str() << "\n" << first_difference(expected.states[i], state);
          failure = message.str();
        }
      };
      const auto errors = engine.process(std::span(stream).subspan(begin, end - begin), run.threads, observe);
      if (failure) RC_FAIL(*failure);
      RC_ASSERT(std::equal(errors.begin(), errors.end(), expected.errors.begin() + static_cast<std::ptrdiff_t>(begin)));
      begin = end;
    }
    const NetworkAdjudicator final_state = stream.empty() ? pre_state : expected.states.back();
    RC_ASSERT(l2::reflect::equal(engine.to_adjudicator(), final_state));
    RC_ASSERT(network::state_root(engine.to_adjudicator()) == network::state_root(final_state));
  }
}

// ---- The pre-state ----------------------------------------------------------------------------

constexpr u64 chain_id = 7;
constexpr u64 base_height = 1000;
constexpr u64 min_capacity = 1000;

struct Setup {
  u64 dispute_period_blocks = 0;
  u64 max_channel_capacity = 0;
  u64 dust_limit = 0;
  u64 max_locks_limit = 0;
};

rc::Gen<Setup> setup_gen() {
  return rc::gen::build<Setup>(
      // 0: the deadline is the force-close's own block; UINT64_MAX: it saturates.
      rc::gen::set(&Setup::dispute_period_blocks, rc::gen::element<u64>(u64{0}, u64{10}, u64{30}, u64{l2::u64_max})),
      rc::gen::set(&Setup::max_channel_capacity, rc::gen::element<u64>(u64{1'000'000}, u64{l2::u64_max})),
      rc::gen::set(&Setup::dust_limit, rc::gen::element<u64>(u64{1}, u64{100})),
      rc::gen::set(&Setup::max_locks_limit, rc::gen::element<u64>(u64{2}, u64{3}, u64{483})));
}

struct LoadedChannel {
  std::size_t first = 0, second = 1;  // pool indices of the participants
  u64 nonce = 0;
  int phase = 0;
  u64 sequence = 0;
  u64 capacity = 0;
  u64 split = 0;
  u64 max_locks = 0;
  std::vector<std::size_t> lock_conditions;  // indices into the well-formed conditions
  int timing = 0;  // dispute_deadline and lock expiries relative to base_height
  int oddity = 0;  // 0: none; 1: the previous channel's id again; 2: both participants one key
};

rc::Gen<std::size_t> participant_gen() {
  // The off-curve key rarely: often enough that its channels are exercised, rarely enough that
  // most channels can accept signed states.
  return rc::gen::weightedOneOf<std::size_t>(
      {{12, rc::gen::inRange<std::size_t>(0, signer_count)}, {1, rc::gen::just<std::size_t>(std::size_t{off_curve})}});
}

rc::Gen<LoadedChannel> loaded_channel_gen() {
  return rc::gen::build<LoadedChannel>(
      rc::gen::set(&LoadedChannel::first, participant_gen()), rc::gen::set(&LoadedChannel::second, participant_gen()),
      rc::gen::set(&LoadedChannel::nonce, rc::gen::inRange<u64>(0, 3)),
      rc::gen::set(&LoadedChannel::phase, rc::gen::weightedElement<int>({{5, 0}, {3, 1}, {3, 2}})),
      // Near the top, where sequence + 1 wraps.
      rc::gen::set(&LoadedChannel::sequence,
                   rc::gen::weightedElement<u64>({{4, u64{0}}, {4, u64{3}}, {1, u64{l2::u64_max - 1}}, {1, u64{l2::u64_max}}})),
      rc::gen::set(&LoadedChannel::capacity, rc::gen::element<u64>(u64{min_capacity}, u64{10000}, u64{l2::u64_max})),
      rc::gen::set(&LoadedChannel::split, rc::gen::arbitrary<u64>()),
      rc::gen::set(&LoadedChannel::max_locks, rc::gen::element<u64>(u64{1}, u64{2}, u64{3})),
      rc::gen::set(&LoadedChannel::lock_conditions,
                   rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange<std::size_t>(0, 3),
                                                                rc::gen::inRange<std::size_t>(0, well_formed_conditions))),
      rc::gen::set(&LoadedChannel::timing, rc::gen::inRange(0, 5)),
      rc::gen::set(&LoadedChannel::oddity, rc::gen::weightedElement<int>({{10, 0}, {1, 1}, {1, 2}})));
}

u64 split_of(u64 split, u64 capacity) { return capacity == l2::u64_max ? split : split % (capacity + 1); }

// At, just before and just after base_height, where the stream's heights start; and further off.
constexpr std::array<u64, 5> near_base = {base_height - 1, base_height, base_height + 1, base_height + 5, base_height + 60};

NetworkAdjudicator make_pre_state(const Setup& setup, const std::vector<LoadedChannel>& loaded,
                                  const std::vector<std::size_t>& revealed) {
  NetworkAdjudicator a{};
  a.chain_id = chain_id;
  a.adjudicator_id = oracle::tagged_hash("test/network_adjudicator", l2::bytes_of("differential"));
  a.config = network::NetworkConfig{6, setup.dispute_period_blocks, min_capacity, setup.max_channel_capacity,
                                    setup.dust_limit, setup.max_locks_limit, 10, 1000};
  for (const LoadedChannel& c : loaded) {
    LockedChannel channel{};
    std::size_t second = c.second == c.first ? (c.first + 1) % signer_count : c.second;
    if (c.oddity == 2) second = c.first;
    channel.participants = {pool().pubkey[c.first], pool().pubkey[second]};
    channel.channel_id = network::channel_id(a.chain_id, a.adjudicator_id, channel.participants, c.nonce);
    if (c.oddity == 1 && !a.channels.empty()) channel.channel_id = a.channels.back().channel_id;
    channel.terms = network::ChannelTerms{setup.dust_limit, c.capacity, c.max_locks};
    channel.total_capacity = c.capacity;
    channel.phase = static_cast<ChannelPhase>(c.phase);
    const u64 near = near_base[static_cast<std::size_t>(c.timing)];
    channel.dispute_deadline = channel.phase == ChannelPhase::active ? 0 : near;
    // A state that conserves the capacity, its locks (well formed, at most max_locks per sender)
    // taken out of the balances.
    LockedState& state = channel.state;
    state.sequence = c.sequence;
    state.balances = {split_of(c.split, c.capacity), 0};
    state.balances[1] = c.capacity - state.balances[0];
    u64 id = 0;
    std::array<u64, 2> count{};
    for (std::size_t k = 0; k < c.lock_conditions.size(); ++k) {
      const u8 sender = state.balances[0] >= state.balances[1] ? 0 : 1;
      const u64 amount = state.balances[sender] / 4;
      if (amount == 0 || count[sender] == c.max_locks) continue;
      ++count[sender];
      state.balances[sender] -= amount;
      id += 1 + k;
      state.locks.push_back(Lock{id, sender, amount, conditions().conditions[c.lock_conditions[k]], near + 3 * k});
    }
    state.next_lock_id = id + 1 + c.timing % 2;
    a.channels.push_back(channel);
  }
  // Revelations already recorded, at heights around the locks' expiries, and often a condition
  // twice: reveal_secret never records a repeat, but a loaded registry may hold one, and then the
  // first one decides whether a lock is claimed.
  for (const std::size_t r : revealed) {
    const std::size_t c = r % well_formed_conditions;
    const u64 height = near_base[(r / well_formed_conditions) % near_base.size()] + r / 30 % 8;
    a.revelations.push_back(network::Revelation{conditions().conditions[c], conditions().secrets[c], height});
    if (r % 2 == 0) {  // the same condition again, at another height
      const u64 again = near_base[r / 240 % near_base.size()] + r % 7;
      a.revelations.push_back(network::Revelation{conditions().conditions[c], conditions().secrets[c], again});
    }
  }
  return a;
}

// ---- The stream -------------------------------------------------------------------------------

// One random item. Fields are drawn independently and read against the reference state reached so
// far, so most items are plausible (a real channel, the next sequence, the locks it has, a fresh
// signature) and many deliberately are not.
struct Action {
  int op = 0;              // 0 open, 1 update, 2 cooperative_close, 3 force_close, 4 challenge,
                           // 5 settle, 6 reveal_secret, 7 resolve_lock, 8 a copy of an earlier open
  std::size_t target = 0;  // which channel: see StreamBuilder::target_id
  std::size_t first = 0, second = 1;
  u64 nonce = 0;
  int open_fault = 0;      // 0 none; 1..7 breaks CN-OPEN-1..7 in turn
  int lock_move = 0;       // 0 add a lock, 1 fulfill one, 2 fail one, 3 move balance only
  int state_fault = 0;
  int sequence_step = 0;
  int signature_fault = 0;
  std::size_t condition = 0;
  int secret_choice = 0;
  int expiry_choice = 0;
  int height_mode = 0;
  u64 height_jump = 0;
  unsigned salt = 0;       // uniform: picks locks, bytes and variants
};

rc::Gen<Action> action_gen() {
  return rc::gen::build<Action>(
      rc::gen::set(&Action::op, rc::gen::weightedElement<int>(
                                    {{2, 0}, {6, 1}, {1, 2}, {2, 3}, {2, 4}, {2, 5}, {3, 6}, {3, 7}, {1, 8}})),
      rc::gen::set(&Action::target, rc::gen::inRange<std::size_t>(0, 1000)),
      rc::gen::set(&Action::first, participant_gen()), rc::gen::set(&Action::second, participant_gen()),
      rc::gen::set(&Action::nonce, rc::gen::inRange<u64>(0, 3)),
      rc::gen::set(&Action::open_fault, rc::gen::weightedElement<int>(
                                            {{16, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}})),
      rc::gen::set(&Action::lock_move, rc::gen::weightedElement<int>({{4, 0}, {3, 1}, {2, 2}, {1, 3}})),
      rc::gen::set(&Action::state_fault, rc::gen::weightedElement<int>(
                                             {{20, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}, {1, 8}, {1, 9}})),
      rc::gen::set(&Action::sequence_step, rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {8, 2}, {2, 3}, {1, 4}})),
      rc::gen::set(&Action::signature_fault,
                   rc::gen::weightedElement<int>({{24, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
                                                  {1, 8}, {1, 9}, {1, 10}, {1, 11}})),
      rc::gen::set(&Action::condition, rc::gen::weightedOneOf<std::size_t>(
                                           {{8, rc::gen::inRange<std::size_t>(0, well_formed_conditions)},
                                            {1, rc::gen::inRange<std::size_t>(well_formed_conditions,
                                                                              conditions().conditions.size())}})),
      rc::gen::set(&Action::secret_choice, rc::gen::weightedElement<int>({{8, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}})),
      rc::gen::set(&Action::expiry_choice, rc::gen::inRange(0, 4)),
      rc::gen::set(&Action::height_mode, rc::gen::weightedElement<int>({{6, 0}, {6, 1}, {2, 2}, {2, 3}, {3, 4}})),
      rc::gen::set(&Action::height_jump, rc::gen::element<u64>(u64{2}, u64{9}, u64{10}, u64{11}, u64{31}, u64{201})),
      rc::gen::set(&Action::salt, rc::gen::inRange<unsigned>(0, 1u << 16)));
}

// value - 1, value or value + 1, without wrapping.
u64 nudge(u64 value, unsigned salt) {
  switch (salt % 3) {
    case 0: return value == 0 ? 0 : value - 1;
    case 1: return value;
    default: return value == l2::u64_max ? value : value + 1;
  }
}

// Builds the stream item by item against the reference's state, and applies each item to that
// state with the reference's own BIP-340: the expected errors and states come out as it goes.
class StreamBuilder {
 public:
  explicit StreamBuilder(const NetworkAdjudicator& pre_state) : state_(pre_state) {
    for (const LockedChannel& c : pre_state.channels) {
      see(c.channel_id, {pool().index_of(c.participants[0]), pool().index_of(c.participants[1])});
      loaded_ids_.push_back(c.channel_id);
    }
  }

  void add(const Action& act) {
    const Hash32 id = target_id(act);
    const LockedChannel* target = nullptr;
    if (const auto index = network::find_channel(state_, id)) target = &state_.channels[*index];
    next_height(act, target);
    NetworkItem item = make_item(act, id, target);
    const network::Transition outcome = reference_apply(state_, item);
    const NetworkError error = outcome.ok() ? NetworkError::none : outcome.error();
    if (outcome.ok()) {
      note_accepted(item, id);
      state_ = outcome.value();
    }
    if (error == NetworkError::bad_signature_0 || error == NetworkError::bad_signature_1) ++signature_rejections_;
    if (error == NetworkError::state_lock_form) ++malformed_locks_;
    if (error == NetworkError::resolve_pending) ++resolves_pending_;
    expected_.errors.push_back(error);
    expected_.states.push_back(state_);
    stream_.push_back(std::move(item));
  }

  const std::vector<NetworkItem>& stream() const { return stream_; }
  const Expected& expected() const { return expected_; }
  std::size_t accepted() const { return accepted_; }
  std::size_t accepted_with_locks() const { return accepted_with_locks_; }
  std::size_t accepted_with_point_locks() const { return accepted_with_point_locks_; }
  std::size_t accepted_on_new_channels() const { return accepted_on_new_channels_; }
  std::size_t reveals_accepted() const { return reveals_accepted_; }
  std::size_t claims() const { return claims_; }
  std::size_t refunds() const { return refunds_; }
  std::size_t signature_rejections() const { return signature_rejections_; }
  std::size_t malformed_locks() const { return malformed_locks_; }
  std::size_t resolves_pending() const { return resolves_pending_; }

 private:
  void note_accepted(const NetworkItem& item, const Hash32& id) {
    ++accepted_;
    const hub::NetworkOp op = item.op();
    if (op == hub::op_code<network::Update> || op == hub::op_code<network::ForceClose> ||
        op == hub::op_code<network::Challenge>) {
      const auto& locks = std::get<network::StateInput>(item.input()).state.locks;
      if (!locks.empty()) ++accepted_with_locks_;
      if (std::any_of(locks.begin(), locks.end(), [](const Lock& l) { return !network::is_hash_lock(l.condition); }))
        ++accepted_with_point_locks_;
      if (std::find(loaded_ids_.begin(), loaded_ids_.end(), id) == loaded_ids_.end()) ++accepted_on_new_channels_;
    }
    if (op == hub::op_code<network::RevealSecret>) ++reveals_accepted_;
    if (op == hub::op_code<network::ResolveLock>) {
      const auto& in = std::get<network::ResolveInput>(item.input());
      const LockedChannel& channel = state_.channels[*network::find_channel(state_, in.channel_id)];
      const Lock& lock = channel.state.locks[*network::find_lock(channel.state, in.lock_id)];
      if (network::is_claimed(state_, lock)) {
        ++claims_;
      } else {
        ++refunds_;
      }
    }
  }

  void see(const Hash32& id, std::array<std::size_t, 2> signers) {
    if (signers_.emplace(id, signers).second) ids_.push_back(id);
  }

  // Another key than the first, except now and then (CN-OPEN-1).
  static std::size_t second_participant(const Action& act) {
    if (act.open_fault == 1) return act.first;
    const std::size_t other = (act.first + 1 + act.second % (signer_count - 1)) % signer_count;
    return act.second == off_curve ? off_curve : other;
  }

  Hash32 derived_id(const Action& act) const {
    return network::channel_id(state_.chain_id, state_.adjudicator_id,
                               {pool().pubkey[act.first], pool().pubkey[second_participant(act)]}, act.nonce);
  }

  // The phase an op needs, so that most items get past the phase rules.
  static ChannelPhase wanted_phase(int op) {
    switch (op) {
      case 4:
      case 5: return ChannelPhase::disputing;
      case 7: return ChannelPhase::settled;
      default: return ChannelPhase::active;
    }
  }

  Hash32 target_id(const Action& act) {
    const std::size_t mode = act.target % 10;
    const std::size_t pick = act.target / 10;
    const std::vector<LockedChannel>& channels = state_.channels;
    if (mode < 7 && !channels.empty()) {  // a registered channel in the phase the op needs, if any
      std::vector<std::size_t> suitable;
      for (std::size_t i = 0; i < channels.size(); ++i)
        if (channels[i].phase == wanted_phase(act.op) && (act.op != 7 || !channels[i].state.locks.empty()))
          suitable.push_back(i);
      if (!suitable.empty()) return channels[suitable[pick % suitable.size()]].channel_id;
    }
    if (mode < 8 && !channels.empty()) return channels[pick % channels.size()].channel_id;
    if (mode == 8 && !ids_.empty()) return ids_[pick % ids_.size()];  // perhaps an open that was rejected
    if (act.salt % 2 == 0) {
      return oracle::tagged_hash("test/unknown", l2::Bytes{static_cast<u8>(act.salt), static_cast<u8>(act.salt >> 8)});
    }
    // Perhaps opened later in the stream: the hub must not take its keys from a later open.
    const Hash32 id = derived_id(act);
    see(id, {act.first, second_participant(act)});
    return id;
  }

  // A lock of `target` the action picks, if it has any.
  static const Lock* pick_lock(const Action& act, const LockedChannel* target) {
    if (target == nullptr || target->state.locks.empty()) return nullptr;
    return &target->state.locks[act.salt % target->state.locks.size()];
  }

  // Any registered lock under `condition`, for reveals at its expiry.
  const Lock* lock_under(const LockCondition& condition) const {
    for (const LockedChannel& channel : state_.channels)
      for (const Lock& lock : channel.state.locks)
        if (lock.condition == condition) return &lock;
    return nullptr;
  }

  void next_height(const Action& act, const LockedChannel* target) {
    switch (act.height_mode) {
      case 1: height_ += 1; break;
      case 2: height_ += act.height_jump; break;
      case 3:
        if (target != nullptr) height_ = nudge(target->dispute_deadline, act.salt);
        break;
      case 4: {  // a lock's expiry - 1, expiry or expiry + 1
        const Lock* lock = act.op == 6 ? lock_under(conditions().conditions[act.condition]) : pick_lock(act, target);
        if (lock != nullptr) height_ = nudge(lock->expiry, act.salt / 7);
        break;
      }
      default: break;
    }
  }

  u64 expiry(const Action& act) const {
    switch (act.expiry_choice) {
      case 0: return height_ + 7;
      case 1: return height_ + 20;
      case 2: return height_ + 60;
      default: return height_ + 1 + act.salt % 5;
    }
  }

  NetworkItem make_item(const Action& act, const Hash32& id, const LockedChannel* target) {
    switch (act.op) {
      case 8:
        // Anyone may submit a signed open again: a duplicate if the first was accepted.
        if (!opens_.empty()) return NetworkItem::of<network::Open>(opens_[act.salt % opens_.size()], height_);
        [[fallthrough]];
      case 0: return NetworkItem::of<network::Open>(make_open(act), height_);
      case 1: return NetworkItem::of<network::Update>(cosigned_state(act, id, target), height_);
      case 2: return NetworkItem::of<network::CooperativeClose>(make_close(act, id, target), height_);
      case 3: return NetworkItem::of<network::ForceClose>(cosigned_state(act, id, target), height_);
      case 4: return NetworkItem::of<network::Challenge>(cosigned_state(act, id, target), height_);
      case 5: return NetworkItem::of<network::Settle>(network::ChannelRef{id}, height_);
      case 6: {
        const std::size_t c = act.condition;
        return NetworkItem::of<network::RevealSecret>(
            network::RevealInput{conditions().conditions[c], secret_for(c, act.secret_choice)}, height_);
      }
      default: {
        const Lock* lock = pick_lock(act, target);
        u64 lock_id = lock != nullptr ? lock->id : act.salt % 4;
        if (act.salt % 11 == 0) lock_id = target != nullptr ? target->state.next_lock_id : 0;  // never a lock
        return NetworkItem::of<network::ResolveLock>(network::ResolveInput{id, lock_id}, height_);
      }
    }
  }

  network::OpenInput make_open(const Action& act) {
    const network::NetworkConfig& config = state_.config;
    network::OpenInput in{};
    const std::size_t second = second_participant(act);
    in.participants = {pool().pubkey[act.first], pool().pubkey[second]};
    in.total_capacity = act.salt % 3 == 0 ? min_capacity : 10000;
    if (act.open_fault == 2) in.total_capacity = min_capacity - 1;
    if (act.open_fault == 3) in.total_capacity = config.max_channel_capacity + 1;  // wraps to 0 at UINT64_MAX
    in.value = act.open_fault == 4 ? in.total_capacity + 1 : in.total_capacity;
    in.terms = network::ChannelTerms{config.dust_limit, in.total_capacity / 2, 1 + act.salt % 2};
    if (act.open_fault == 5) in.terms.htlc_minimum = config.dust_limit - 1;
    if (act.open_fault == 6) in.terms.max_locks = act.salt % 2 == 0 ? 0 : config.max_locks_limit + 1;
    in.balances = {split_of(act.salt * u64{977}, in.total_capacity), 0};
    in.balances[1] = in.total_capacity - in.balances[0];
    if (act.open_fault == 7) in.balances[act.salt % 2] += 1;
    in.nonce = act.nonce;
    const Hash32 opened = network::channel_id(state_.chain_id, state_.adjudicator_id, in.participants, in.nonce);
    see(opened, {act.first, second});
    in.signatures = sign_digest(act, network::open_digest(state_.chain_id, opened, in.terms, in.total_capacity, in.balances),
                                {act.first, second});
    opens_.push_back(in);
    return in;
  }

  // Both signers' signatures of `digest`, with the action's signature fault applied (faults 5, 7 and
  // 8 change what is signed and are applied by the callers).
  std::array<network::Signature, 2> sign_digest(const Action& act, const Hash32& digest,
                                                const std::array<std::size_t, 2>& signers) const {
    std::array<network::Signature, 2> signatures{pool().sign(signers[0], digest), pool().sign(signers[1], digest)};
    const std::size_t byte = act.salt % 64;
    switch (act.signature_fault) {
      case 1: signatures[0][byte] ^= 0x01; break;
      case 2: signatures[1][byte] ^= 0x80; break;
      case 3: signatures[1] = signatures[0]; break;
      case 4: std::swap(signatures[0], signatures[1]); break;
      case 6: signatures[1] = pool().sign((signers[1] + 1 + act.salt % 3) % signer_count, digest); break;  // maybe an outsider
      case 9: std::fill(signatures[0].begin(), signatures[0].begin() + 32, u8{0xFF}); break;  // r >= p
      case 10: std::fill(signatures[1].begin() + 32, signatures[1].end(), u8{0xFF}); break;   // s >= n
      case 11: signatures[act.salt % 2] = {}; break;                                          // a signature missing
      default: break;
    }
    return signatures;
  }

  std::array<std::size_t, 2> signers_of(const Hash32& id) const {
    const auto found = signers_.find(id);
    return found != signers_.end() ? found->second : std::array<std::size_t, 2>{0, 1};
  }

  u64 next_sequence(const Action& act, const LockedChannel* target) const {
    const u64 registered = target ? target->state.sequence : 0;
    // registered - 1, registered, registered + 1, + 2 (wrapping at the top), or UINT64_MAX.
    return act.sequence_step == 4 ? l2::u64_max : registered + static_cast<u64>(act.sequence_step) - 1;
  }

  // The next state of `target` as the participants would sign it off chain: a lock added,
  // fulfilled or failed, or a balance moved; then the action's state fault.
  LockedState next_state(const Action& act, const LockedChannel* target) const {
    LockedState state = target ? target->state : LockedState{0, {5000, 5000}, {}, 0};
    const u64 dust = state_.config.dust_limit;
    const u8 sender = static_cast<u8>(act.salt % 2);
    const std::size_t pick = state.locks.empty() ? 0 : act.salt % state.locks.size();
    switch (act.lock_move) {
      case 0: {
        const u64 amount = std::max<u64>(dust, state.balances[sender] / (2 + act.salt % 5));
        state.balances[sender] -= std::min(amount, state.balances[sender]);
        state.locks.push_back(Lock{state.next_lock_id, sender, amount, conditions().conditions[act.condition], expiry(act)});
        ++state.next_lock_id;
        break;
      }
      case 1:
      case 2:
        if (!state.locks.empty()) {
          const Lock lock = state.locks[pick];
          const u8 to = act.lock_move == 1 ? network::receiver_of(lock) : lock.sender;
          if (to <= 1) state.balances[to] += lock.amount;
          state.locks.erase(state.locks.begin() + static_cast<std::ptrdiff_t>(pick));
        }
        break;
      default: {
        const u64 moved = std::min<u64>(state.balances[sender], 1 + act.salt % 500);
        state.balances[sender] -= moved;
        state.balances[1 - sender] += moved;
        break;
      }
    }
    state.sequence = next_sequence(act, target);
    switch (act.state_fault) {
      case 1: state.balances[act.salt % 2] += 1; break;  // CN-STATE-1, one unit over
      case 2:                                            // CN-STATE-2: ids out of order, or one not below next_lock_id
        if (state.locks.size() >= 2) {
          std::swap(state.locks[0].id, state.locks[1].id);
        } else {
          state.next_lock_id = state.locks.empty() ? state.next_lock_id : state.locks.back().id;
        }
        break;
      case 3: if (!state.locks.empty()) state.locks[pick].sender = 2; break;  // CN-STATE-3: a sender other than 0 or 1
      case 4:  // CN-STATE-3: a malformed condition
        if (!state.locks.empty()) state.locks[pick].condition = conditions().conditions[well_formed_conditions + act.salt % 3];
        break;
      case 5: {  // CN-STATE-4: one sender over max_locks, in dust-sized locks
        const u64 max_locks = target ? target->terms.max_locks : 1;
        for (u64 k = 0; k <= max_locks && state.balances[sender] >= dust; ++k) {
          state.balances[sender] -= dust;
          state.locks.push_back(Lock{state.next_lock_id, sender, dust, conditions().conditions[k % well_formed_conditions], expiry(act)});
          ++state.next_lock_id;
        }
        break;
      }
      case 6:  // CN-STATE-1 by overflow: the sum wraps to exactly the capacity
        if (!state.locks.empty()) {
          state.locks[pick].amount += l2::u64_max / 2 + 1;
          state.balances[0] += l2::u64_max / 2 + 1;
        }
        break;
      case 7: state.balances[1 - sender] = l2::u64_max; break;
      case 8: state.next_lock_id = l2::u64_max; break;  // fine: ids need only be below it
      case 9:  // CN-STATE-1 by overflow: the balances overflow and the one lock left holds the capacity
        if (!state.locks.empty()) {
          state.locks = {state.locks[pick]};
          state.locks[0].amount = target ? target->total_capacity : 10000;
          state.balances = {l2::u64_max, 1};
        }
        break;
      default: break;
    }
    return state;
  }

  network::StateInput cosigned_state(const Action& act, const Hash32& id, const LockedChannel* target) const {
    network::StateInput in{id, next_state(act, target), {}};
    Hash32 digest = network::state_digest(state_.chain_id, id, in.state);
    if (act.signature_fault == 5)  // the close digest of the same sequence and balances
      digest = network::close_digest(state_.chain_id, id, in.state.sequence, in.state.balances);
    if (act.signature_fault == 7) {  // another state of this channel
      LockedState other = in.state;
      ++other.sequence;
      digest = network::state_digest(state_.chain_id, id, other);
    }
    if (act.signature_fault == 8 && !ids_.empty())  // perhaps another channel's state
      digest = network::state_digest(state_.chain_id, ids_[act.salt % ids_.size()], in.state);
    in.signatures = sign_digest(act, digest, signers_of(id));
    return in;
  }

  network::CloseInput make_close(const Action& act, const Hash32& id, const LockedChannel* target) const {
    const u64 capacity = target ? target->total_capacity : 10000;
    network::CloseInput in{id, next_sequence(act, target), {split_of(act.salt * u64{131}, capacity), 0}, {}};
    in.balances[1] = capacity - in.balances[0];
    if (act.state_fault == 1) in.balances[act.salt % 2] += 1;  // CN-COOP-3
    if (act.state_fault == 6) in.balances = {l2::u64_max / 2 + 1, l2::u64_max / 2 + 1};  // wraps to 0
    Hash32 digest = network::close_digest(state_.chain_id, id, in.sequence, in.balances);
    if (act.signature_fault == 5 && target != nullptr)  // the state digest of the registered state
      digest = network::state_digest(state_.chain_id, id, target->state);
    if (act.signature_fault == 7) digest = network::close_digest(state_.chain_id, id, in.sequence + 1, in.balances);
    in.signatures = sign_digest(act, digest, signers_of(id));
    return in;
  }

  NetworkAdjudicator state_;
  u64 height_ = base_height;
  std::vector<NetworkItem> stream_;
  Expected expected_;
  std::vector<Hash32> ids_;                               // every id seen, in first-seen order
  std::map<Hash32, std::array<std::size_t, 2>> signers_;  // id -> pool indices of its participants
  std::vector<Hash32> loaded_ids_;
  std::vector<network::OpenInput> opens_;  // every open of the stream, accepted or not
  std::size_t accepted_ = 0;
  std::size_t accepted_with_locks_ = 0;
  std::size_t accepted_with_point_locks_ = 0;
  std::size_t accepted_on_new_channels_ = 0;
  std::size_t reveals_accepted_ = 0;
  std::size_t claims_ = 0;
  std::size_t refunds_ = 0;
  std::size_t signature_rejections_ = 0;
  std::size_t malformed_locks_ = 0;
  std::size_t resolves_pending_ = 0;
};

RC_GTEST_PROP(ChannelNetworkHubDifferential, RandomInterleavingsMatchTheReference, ()) {
  const Setup setup = *setup_gen();
  const auto loaded =
      *rc::gen::container<std::vector<LoadedChannel>>(*rc::gen::inRange<std::size_t>(3, 9), loaded_channel_gen());
  const auto revealed = *rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange<std::size_t>(0, 5),
                                                                     rc::gen::inRange<std::size_t>(0, 1200));
  const NetworkAdjudicator pre_state = make_pre_state(setup, loaded, revealed);
  const auto actions = *rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(40, 201), action_gen());

  StreamBuilder builder(pre_state);
  for (const Action& act : actions) builder.add(act);
  const std::vector<NetworkItem>& stream = builder.stream();

  // Two threads on the whole stream, then one thread with the stream cut into three calls: the
  // verdicts of a call may only come from its own opens and the state before it.
  std::vector<std::size_t> splits = {*rc::gen::inRange<std::size_t>(0, stream.size() + 1),
                                     *rc::gen::inRange<std::size_t>(0, stream.size() + 1)};
  std::sort(splits.begin(), splits.end());
  expect_matches_reference(pre_state, stream, builder.expected(), {HubRun{2, {}}, HubRun{1, splits}});

  RC_CLASSIFY(builder.accepted() * 4 >= stream.size(), "a quarter or more accepted");
  RC_CLASSIFY(builder.accepted_with_locks() > 0, "a co-signed state with locks accepted");
  RC_CLASSIFY(builder.accepted_with_point_locks() > 0, "a co-signed state with a point lock accepted");
  RC_CLASSIFY(builder.accepted_on_new_channels() > 0, "a co-signed state accepted on a channel opened in the stream");
  RC_CLASSIFY(builder.reveals_accepted() > 0, "a secret revealed");
  RC_CLASSIFY(builder.claims() > 0, "a lock resolved as claimed");
  RC_CLASSIFY(builder.refunds() > 0, "a lock resolved as refunded");
  RC_CLASSIFY(builder.resolves_pending() > 0, "a resolve refused as pending");
  RC_CLASSIFY(builder.signature_rejections() > 0, "a signature rejection");
  RC_CLASSIFY(builder.malformed_locks() > 0, "a state refused for a malformed lock");
}

}  // namespace
