// Differential test: the channel hub (l2::opt::ChannelHub) against the fold of the reference's
// operations (payment_channel::Operations) over the same stream, with real BIP-340 signatures. Each case loads a
// random adjudicator (any phase, boundary heights, and states the protocol cannot reach: a
// duplicated channel id, a channel with itself, a key off the curve, a configuration deploy
// refuses) and runs a random interleaving of all eight ops over its channels and the ones the
// stream opens, valid and invalid mixed: signed opens and copies of earlier opens, fund values at
// capacity ± 1, stale and wrapped sequences, balances at capacity ± 1 and UINT64_MAX, missing,
// flipped, duplicated, swapped, replayed and out-of-range signatures on opens and co-signed
// states, unknown channels, heights at timeouts and deadlines ± 1. The hub sees
// the whole stream at once (its signatures verified up front, in parallel), so every item whose
// verdict the hub must take from an earlier open in the same stream, or must not take from a later
// one, is covered. Per-item error codes and the final adjudicator must equal the reference's,
// whatever the thread count and however the stream is split into calls.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "l2/opt/payment_channel_hub.hpp"
#include "l2/ref/payment_channel.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"

namespace {

using l2::ChannelError;
using l2::Hash32;
using l2::u64;
using l2::u8;
namespace payment_channel = l2::ref::payment_channel;
namespace opt = l2::opt;
namespace oracle = l2::test::libsecp256k1;
using payment_channel::Adjudicator;
using payment_channel::ChannelState;
using payment_channel::OffChainTransaction;
using Outcome = l2::Result<Adjudicator, ChannelError>;

// ---- Keys -------------------------------------------------------------------------------------

using Keys = l2::test::KeyPool<6>;
constexpr std::size_t signer_count = Keys::signer_count;
constexpr std::size_t off_curve = Keys::off_curve;  // a key no signature verifies under

const Keys& pool() {
  static const Keys keys = Keys::make("payment_channel_hub_differential");
  return keys;
}



// The reference's rules with libsecp256k1 as the signature check: builds plausible streams fast.
// The expected results come from the reference's own BIP-340 (payment_channel::Bip340Check).
struct OracleCheck {
  bool operator()(const Hash32& pubkey, const Hash32& digest, const payment_channel::Signature& signature) const {
    return oracle::verify(pubkey, digest, signature);
  }
};

// ---- The reference fold -----------------------------------------------------------------------

template <class Check>
Outcome reference_apply(const Adjudicator& a, const opt::ChannelItem& item, const Check& check) {
  const payment_channel::Env env{item.height()};
  return payment_channel::Operations::visit(item.op(), [&](auto op) -> payment_channel::Transition {
    using Operation = typename decltype(op)::type;
    return Operation::apply(a, std::get<typename Operation::Input>(item.input()), env, check);
  });
}

std::string code(ChannelError e) { return std::string(l2::error_info(e).code); }

struct Expected {
  std::vector<ChannelError> errors;
  Adjudicator final_state;
};

// The reference, item by item, with its own BIP-340 (payment_channel::Bip340Check).
Expected fold_reference(const Adjudicator& pre_state, const std::vector<opt::ChannelItem>& stream) {
  Expected expected{std::vector<ChannelError>(stream.size(), ChannelError::none), pre_state};
  for (std::size_t i = 0; i < stream.size(); ++i) {
    const Outcome outcome = reference_apply(expected.final_state, stream[i], payment_channel::Bip340Check{});
    if (outcome.ok()) {
      expected.final_state = outcome.value();
    } else {
      expected.errors[i] = outcome.error();
    }
  }
  return expected;
}

// The first channel that differs, both versions in full. (Not reflect::diff: GCC 12 -O3 reports
// a false -Wrestrict inside its string concatenation when it is inlined here.)
std::string first_difference(const Adjudicator& reference, const Adjudicator& hub) {
  std::ostringstream out;
  if (reference.channels.size() != hub.channels.size()) {
    out << "reference has " << reference.channels.size() << " channels, hub " << hub.channels.size();
    return out.str();
  }
  for (std::size_t i = 0; i < reference.channels.size(); ++i) {
    if (l2::reflect::equal(reference.channels[i], hub.channels[i])) continue;
    out << "channel " << i << ":\n  reference " << l2::reflect::to_text(reference.channels[i]) << "\n  hub       "
        << l2::reflect::to_text(hub.channels[i]);
    return out.str();
  }
  return "chain_id, adjudicator_id or config differ";
}

// The channel stream[i] names, as the reference and as the hub hold it just before item i.
std::string channel_before(const Adjudicator& pre_state, const std::vector<opt::ChannelItem>& stream, std::size_t i) {
  const std::vector<opt::ChannelItem> prefix(stream.begin(), stream.begin() + static_cast<std::ptrdiff_t>(i));
  opt::ChannelHub hub(pre_state, 1);
  hub.process(prefix, 1);
  const Adjudicator reference = fold_reference(pre_state, prefix).final_state;
  const Adjudicator from_hub = hub.to_adjudicator();
  const opt::ChannelItem::Input& input = stream[i].input();
  const Hash32 id = std::visit([](const auto& in) {
    if constexpr (requires { in.channel_id; }) {
      return in.channel_id;
    } else {
      return Hash32{};
    }
  }, input);
  std::ostringstream out;
  const auto in_reference = payment_channel::find_channel(reference, id);
  const auto in_hub = payment_channel::find_channel(from_hub, id);
  out << "  reference: " << (in_reference ? l2::reflect::to_text(reference.channels[*in_reference]) : "no such channel")
      << "\n  hub:       " << (in_hub ? l2::reflect::to_text(from_hub.channels[*in_hub]) : "no such channel");
  return out.str();
}

// How the hub is driven: `threads`, and the stream cut into calls at `splits` (ascending positions).
struct HubRun {
  unsigned threads = 0;
  std::vector<std::size_t> splits;
};

// The hub, loaded with `pre_state`, must give the reference fold's error for every item and end in
// the reference's final adjudicator, for every way of driving it in `runs`.
void expect_matches_reference(const Adjudicator& pre_state, const std::vector<opt::ChannelItem>& stream,
                              const std::vector<HubRun>& runs) {
  const Expected expected = fold_reference(pre_state, stream);
  for (const HubRun& run : runs) {
    opt::ChannelHub hub(pre_state, run.threads);
    std::vector<ChannelError> actual;
    std::size_t begin = 0;
    std::vector<std::size_t> ends = run.splits;
    ends.push_back(stream.size());
    for (const std::size_t end : ends) {
      const auto part = hub.process(std::span(stream).subspan(begin, end - begin), run.threads);
      actual.insert(actual.end(), part.begin(), part.end());
      begin = end;
    }
    std::ostringstream how_text;  // (an ostringstream: GCC 12 misreads long std::string + chains under -Wrestrict)
    how_text << " (threads " << run.threads << ", " << run.splits.size() + 1 << " calls)";
    const std::string how = how_text.str();
    RC_ASSERT(actual.size() == expected.errors.size());
    for (std::size_t i = 0; i < stream.size(); ++i) {
      if (actual[i] != expected.errors[i]) {
        std::ostringstream message;
        message << "item " << i << " (" << opt::op_name(stream[i].op()) << " at height " << stream[i].height()
                << "): reference " << code(expected.errors[i]) << ", hub " << code(actual[i]) << how << "\n"
                << channel_before(pre_state, stream, i);
        RC_FAIL(message.str());
      }
    }
    const Adjudicator exported = hub.to_adjudicator();
    if (!l2::reflect::equal(expected.final_state, exported))
      RC_FAIL("final adjudicators differ" + how + "\n" + first_difference(expected.final_state, exported));
    RC_ASSERT(payment_channel::state_root(exported) == payment_channel::state_root(expected.final_state));
  }
}

// ---- The pre-state ----------------------------------------------------------------------------

constexpr u64 base_height = 1000;
constexpr u64 min_capacity = 1000;

struct Setup {
  u64 max_channels_per_user = 0;
  u64 channel_timeout_blocks = 0;
  u64 dispute_period_blocks = 0;
  bool unbounded_capacity = false;
  u64 censorship_bound_blocks = 0;   // the hub never reads these two; they must survive the round trip
  u64 allocation_window_blocks = 0;
};

struct LoadedChannel {
  std::size_t first = 0, second = 1;  // pool indices of the participants
  u64 nonce = 0;
  int phase = 0;
  u64 sequence = 0;
  u64 capacity = 0;
  u64 split = 0;
  int timing = 0;        // timeout_height and dispute_deadline relative to base_height
  int oddity = 0;        // 0: none; 1: the previous channel's id again; 2: both participants one key
};

rc::Gen<std::size_t> participant_gen() {
  // The off-curve key rarely: often enough that its channels are exercised, rarely enough that
  // most channels can accept signed states.
  return rc::gen::weightedOneOf<std::size_t>(
      {{12, rc::gen::inRange<std::size_t>(0, signer_count)}, {1, rc::gen::just<std::size_t>(std::size_t{off_curve})}});
}

rc::Gen<Setup> setup_gen() {
  return rc::gen::build<Setup>(
      // 1: the limit bites at once; UINT64_MAX: never.
      rc::gen::set(&Setup::max_channels_per_user,
                   rc::gen::weightedElement<u64>({{1, u64{1}}, {1, u64{2}}, {2, u64{4}}, {3, u64{l2::u64_max}}})),
      // UINT64_MAX: timeout_height and dispute_deadline saturate instead of wrapping.
      rc::gen::set(&Setup::channel_timeout_blocks, rc::gen::element<u64>(u64{0}, u64{50}, u64{200}, u64{l2::u64_max})),
      rc::gen::set(&Setup::dispute_period_blocks, rc::gen::element<u64>(u64{0}, u64{10}, u64{30}, u64{l2::u64_max})),
      rc::gen::set(&Setup::unbounded_capacity, rc::gen::arbitrary<bool>()),
      // Windows of 0 (no window at all: the deadline is the dispute's own block) are refused by
      // deploy, but the hub loads any representable adjudicator and must still agree.
      rc::gen::set(&Setup::censorship_bound_blocks, rc::gen::element<u64>(u64{0}, u64{1}, u64{6}, u64{l2::u64_max})),
      rc::gen::set(&Setup::allocation_window_blocks, rc::gen::element<u64>(u64{0}, u64{7}, u64{100}, u64{l2::u64_max})));
}

rc::Gen<LoadedChannel> loaded_channel_gen() {
  return rc::gen::build<LoadedChannel>(
      rc::gen::set(&LoadedChannel::first, participant_gen()), rc::gen::set(&LoadedChannel::second, participant_gen()),
      rc::gen::set(&LoadedChannel::nonce, rc::gen::inRange<u64>(0, 4)),
      // Mostly active and disputing: the phases that accept signed states.
      rc::gen::set(&LoadedChannel::phase, rc::gen::weightedElement<int>({{2, 0}, {5, 1}, {3, 2}, {1, 3}, {1, 4}})),
      // Near the top, where sequence + 1 wraps.
      rc::gen::set(&LoadedChannel::sequence,
                   rc::gen::weightedElement<u64>({{4, u64{0}}, {4, u64{1}}, {4, u64{5}}, {1, u64{l2::u64_max - 1}}, {1, u64{l2::u64_max}}})),
      rc::gen::set(&LoadedChannel::capacity, rc::gen::element<u64>(u64{min_capacity}, u64{10000}, u64{l2::u64_max})),
      rc::gen::set(&LoadedChannel::split, rc::gen::arbitrary<u64>()),
      rc::gen::set(&LoadedChannel::timing, rc::gen::inRange(0, 5)),
      rc::gen::set(&LoadedChannel::oddity, rc::gen::weightedElement<int>({{10, 0}, {1, 1}, {1, 2}})));
}

u64 split_of(u64 split, u64 capacity) { return capacity == l2::u64_max ? split : split % (capacity + 1); }

Adjudicator make_pre_state(const Setup& setup, const std::vector<LoadedChannel>& loaded) {
  Adjudicator a{};
  a.chain_id = 7;
  a.adjudicator_id = oracle::tagged_hash("test/hub_adjudicator", l2::bytes_of("differential"));
  a.config = payment_channel::Layer2Config{setup.max_channels_per_user,
                              setup.channel_timeout_blocks,
                              setup.dispute_period_blocks,
                              min_capacity,
                              setup.unbounded_capacity ? l2::u64_max : u64{1'000'000},
                              setup.censorship_bound_blocks,
                              setup.allocation_window_blocks};
  // At, just before and just after base_height, where the stream's heights start; and further off.
  constexpr std::array<u64, 5> near_base = {base_height - 1, base_height, base_height + 1, base_height + 5,
                                            base_height + 60};
  for (const LoadedChannel& c : loaded) {
    payment_channel::PaymentChannel channel{};
    std::size_t second = c.second == c.first ? (c.first + 1) % signer_count : c.second;
    if (c.oddity == 2) second = c.first;
    channel.participants = {pool().pubkey[c.first], pool().pubkey[second]};
    channel.channel_id = payment_channel::channel_id(a.chain_id, a.adjudicator_id, channel.participants, c.nonce);
    if (c.oddity == 1 && !a.channels.empty()) channel.channel_id = a.channels.back().channel_id;
    channel.total_capacity = c.capacity;
    channel.balances = {split_of(c.split, c.capacity), 0};
    channel.balances[1] = c.capacity - channel.balances[0];
    channel.state = static_cast<ChannelState>(c.phase);
    channel.sequence = c.sequence;
    channel.created_at = base_height - 100;
    const u64 near = near_base[static_cast<std::size_t>(c.timing)];
    channel.timeout_height = near;
    channel.dispute_deadline = channel.state == ChannelState::disputing ? near : 0;
    a.channels.push_back(channel);
  }
  return a;
}

// ---- The stream -------------------------------------------------------------------------------

// One random item. Fields are drawn independently and read against the reference state reached so
// far, so most items are plausible (a real channel, the next sequence, a fresh signature) and many
// deliberately are not.
struct Action {
  int op = 0;              // the table's ops 0..7; 8: a copy of an earlier open of the stream
  std::size_t target = 0;  // which channel: see StreamBuilder::target_id
  std::size_t first = 0, second = 1;
  u64 nonce = 0;
  int capacity_choice = 0;
  u64 split = 0;
  int balance_fault = 0;
  int sequence_step = 0;
  int signature_fault = 0;
  int value_fault = 0;     // fund: 0 the capacity; 1 capacity - 1; 2 capacity + 1; 3 nothing; 4 UINT64_MAX
  int height_mode = 0;
  u64 height_jump = 0;
  unsigned salt = 0;  // uniform, unlike arbitrary<>, which starts small: picks bytes and variants
};

rc::Gen<Action> action_gen() {
  return rc::gen::build<Action>(
      rc::gen::set(&Action::op,
                   rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {6, 2}, {1, 3}, {2, 4}, {3, 5}, {2, 6}, {1, 7}, {1, 8}})),
      rc::gen::set(&Action::target, rc::gen::inRange<std::size_t>(0, 1000)),
      rc::gen::set(&Action::first, participant_gen()), rc::gen::set(&Action::second, participant_gen()),
      rc::gen::set(&Action::nonce, rc::gen::inRange<u64>(0, 4)),
      rc::gen::set(&Action::capacity_choice, rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {6, 2}, {1, 3}, {1, 4}, {1, 5}})),
      rc::gen::set(&Action::split, rc::gen::arbitrary<u64>()),
      rc::gen::set(&Action::balance_fault, rc::gen::weightedElement<int>({{12, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}})),
      rc::gen::set(&Action::sequence_step, rc::gen::weightedElement<int>({{1, 0}, {1, 1}, {8, 2}, {2, 3}, {1, 4}})),
      rc::gen::set(&Action::signature_fault,
                   rc::gen::weightedElement<int>({{24, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7},
                                                  {1, 8}, {1, 9}, {1, 10}, {1, 11}, {1, 12}})),
      // A fund one unit off the capacity either way: an off-by-one in PC-FUND-3 accepts it.
      rc::gen::set(&Action::value_fault, rc::gen::weightedElement<int>({{8, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}})),
      rc::gen::set(&Action::height_mode, rc::gen::weightedElement<int>({{6, 0}, {6, 1}, {2, 2}, {2, 3}, {2, 4}})),
      rc::gen::set(&Action::height_jump, rc::gen::element<u64>(u64{2}, u64{10}, u64{29}, u64{30}, u64{31}, u64{201})),
      rc::gen::set(&Action::salt, rc::gen::inRange<unsigned>(0, 1u << 16)));
}

u64 nudge(u64 value, unsigned salt) {
  switch (salt % 3) {
    case 0: return value == 0 ? 0 : value - 1;
    case 1: return value;
    default: return value == l2::u64_max ? value : value + 1;
  }
}

class StreamBuilder {
 public:
  explicit StreamBuilder(const Adjudicator& pre_state) : state_(pre_state) {
    for (const payment_channel::PaymentChannel& c : pre_state.channels) {
      see(c.channel_id, {pool().index_of(c.participants[0]), pool().index_of(c.participants[1])});
      loaded_ids_.push_back(c.channel_id);
    }
  }

  void add(const Action& act) {
    const payment_channel::PaymentChannel* target = nullptr;
    const Hash32 id = target_id(act);
    if (const auto index = payment_channel::find_channel(state_, id)) target = &state_.channels[*index];
    const bool target_disputing = target != nullptr && target->state == ChannelState::disputing;
    next_height(act, target);
    const bool copied_open = act.op == 8 && !opens_.empty();
    opt::ChannelItem item = make_item(act, id, target);
    const Outcome outcome = reference_apply(state_, item, OracleCheck{});
    const bool is_open = item.op() == payment_channel::op_code<payment_channel::Open>;
    if (outcome.ok()) {
      state_ = outcome.value();
      ++accepted_;
      if (payment_channel::is_cosigned(item.op()) && std::find(loaded_ids_.begin(), loaded_ids_.end(), id) == loaded_ids_.end())
        ++accepted_on_new_channels_;
      if (item.op() == payment_channel::op_code<payment_channel::CooperativeClose> && target_disputing) ++disputes_closed_cooperatively_;
      if (copied_open) ++copied_opens_accepted_;
    } else if (outcome.error() == ChannelError::bad_signature_0 || outcome.error() == ChannelError::bad_signature_1) {
      ++signature_rejections_;
      if (is_open) ++open_signature_rejections_;
    } else if (outcome.error() == ChannelError::fund_wrong_amount) {
      ++wrong_fund_values_;
    }
    stream_.push_back(std::move(item));
  }

  const std::vector<opt::ChannelItem>& stream() const { return stream_; }
  std::size_t accepted() const { return accepted_; }
  // Signed states accepted on channels the stream itself opened: their keys come from the stream.
  std::size_t accepted_on_new_channels() const { return accepted_on_new_channels_; }
  std::size_t signature_rejections() const { return signature_rejections_; }
  std::size_t open_signature_rejections() const { return open_signature_rejections_; }
  std::size_t wrong_fund_values() const { return wrong_fund_values_; }
  std::size_t disputes_closed_cooperatively() const { return disputes_closed_cooperatively_; }
  // A copy of an earlier open accepted: the earlier one was rejected (its id is still free).
  std::size_t copied_opens_accepted() const { return copied_opens_accepted_; }

 private:
  void see(const Hash32& id, std::array<std::size_t, 2> signers) {
    if (signers_.emplace(id, signers).second) ids_.push_back(id);
  }

  // Another key than the first, except now and then (PC-OPEN-1).
  static std::size_t second_participant(const Action& act) {
    if (act.salt % 16 == 0) return act.first;
    const std::size_t other = (act.first + 1 + act.second % (signer_count - 1)) % signer_count;
    return act.second == off_curve ? off_curve : other;
  }

  Hash32 derived_id(const Action& act) const {
    return payment_channel::channel_id(state_.chain_id, state_.adjudicator_id,
                          {pool().pubkey[act.first], pool().pubkey[second_participant(act)]}, act.nonce);
  }

  // The phase an op needs, so that most items get past the phase rules.
  static ChannelState wanted_phase(int op) {
    switch (op) {
      case 1: return ChannelState::opening;
      case 5:
      case 6: return ChannelState::disputing;
      default: return ChannelState::active;
    }
  }

  Hash32 target_id(const Action& act) {
    const std::size_t mode = act.target % 10;
    const std::size_t pick = act.target / 10;
    const std::vector<payment_channel::PaymentChannel>& channels = state_.channels;
    if (mode < 6 && !channels.empty()) {  // a registered channel in the phase the op needs, if any
      std::vector<std::size_t> suitable;
      for (std::size_t i = 0; i < channels.size(); ++i)
        if (channels[i].state == wanted_phase(act.op)) suitable.push_back(i);
      if (!suitable.empty()) return channels[suitable[pick % suitable.size()]].channel_id;
    }
    if (mode < 8 && !channels.empty()) return channels[pick % channels.size()].channel_id;
    if (mode == 8) return ids_[pick % ids_.size()];  // perhaps an open that was rejected
    if (act.salt % 2 == 0) {
      return oracle::tagged_hash("test/unknown", l2::Bytes{static_cast<u8>(act.salt), static_cast<u8>(act.salt >> 8)});
    }
    // Perhaps opened later in the stream: the hub must not take its keys from a later open.
    const Hash32 id = derived_id(act);
    see(id, {act.first, second_participant(act)});
    return id;
  }

  void next_height(const Action& act, const payment_channel::PaymentChannel* target) {
    switch (act.height_mode) {
      case 1: height_ += 1; break;
      case 2: height_ += act.height_jump; break;
      case 3: if (target) height_ = nudge(target->timeout_height, act.salt); break;
      case 4: if (target) height_ = nudge(target->dispute_deadline, act.salt); break;
      default: break;
    }
  }

  u64 capacity_of(int choice) const {
    const u64 max = state_.config.max_channel_capacity;
    switch (choice) {
      case 0: return min_capacity - 1;
      case 1: return min_capacity;
      case 2: return 10000;
      case 3: return max;
      case 4: return max + 1;  // wraps to 0 when max is UINT64_MAX: too small instead
      default: return l2::u64_max;
    }
  }

  std::array<u64, 2> balances_for(const Action& act, u64 capacity) const {
    std::array<u64, 2> balances{split_of(act.split, capacity), 0};
    balances[1] = capacity - balances[0];
    switch (act.balance_fault) {
      case 1: balances[1] += 1; break;  // capacity + 1 (or a wrap to a smaller sum)
      case 2: balances[1] -= 1; break;  // capacity - 1
      case 3: balances[0] = l2::u64_max; break;
      case 4: balances = {l2::u64_max / 2 + 1, l2::u64_max / 2 + 1}; break;  // wraps to exactly 0
      default: break;
    }
    return balances;
  }

  opt::ChannelItem make_item(const Action& act, const Hash32& id, const payment_channel::PaymentChannel* target) {
    switch (act.op) {
      case 8:
        // Anyone may submit a signed open again: a copy is a duplicate if the first was accepted,
        // and may succeed if it was rejected (a quota freed since, a timeout passed).
        if (!opens_.empty()) return opt::ChannelItem::of<payment_channel::Open>(opens_[act.salt % opens_.size()], height_);
        [[fallthrough]];
      case 0: {
        const std::size_t second = second_participant(act);
        const u64 capacity = capacity_of(act.capacity_choice);
        payment_channel::OpenInput in{{pool().pubkey[act.first], pool().pubkey[second]}, balances_for(act, capacity), capacity,
                         act.nonce, {}};
        const Hash32 opened = payment_channel::channel_id(state_.chain_id, state_.adjudicator_id, in.participants, in.nonce);
        see(opened, {act.first, second});
        in.signatures = sign_state(act, opened, 0, in.balances, false, {act.first, second});
        opens_.push_back(in);
        return opt::ChannelItem::of<payment_channel::Open>(in, height_);
      }
      case 1: return opt::ChannelItem::of<payment_channel::Fund>(payment_channel::FundInput{id, fund_value(act, target)}, height_);
      case 6: return opt::ChannelItem::of<payment_channel::Settle>(payment_channel::ChannelRef{id}, height_);
      case 7: return opt::ChannelItem::of<payment_channel::Timeout>(payment_channel::ChannelRef{id}, height_);
      default: break;
    }
    const OffChainTransaction tx = cosigned(act, id, target);
    switch (act.op) {
      case 2: return opt::ChannelItem::of<payment_channel::Update>(tx, height_);
      case 3: return opt::ChannelItem::of<payment_channel::CooperativeClose>(tx, height_);
      case 4: return opt::ChannelItem::of<payment_channel::ForceClose>(tx, height_);
      default: return opt::ChannelItem::of<payment_channel::Challenge>(tx, height_);
    }
  }

  static u64 fund_value(const Action& act, const payment_channel::PaymentChannel* target) {
    const u64 capacity = target ? target->total_capacity : 10000;
    switch (act.value_fault) {
      case 1: return capacity - 1;
      case 2: return capacity + 1;  // wraps to 0 at UINT64_MAX: still not the capacity
      case 3: return 0;
      case 4: return l2::u64_max;
      default: return capacity;
    }
  }

  // Both signers' signatures of a state of `channel` (the close tag if `close`), with the action's
  // signature fault applied: the signed state or tag changed, or the signatures themselves.
  std::array<payment_channel::Signature, 2> sign_state(const Action& act, const Hash32& channel, u64 sequence,
                                          const std::array<u64, 2>& balances, bool close,
                                          const std::array<std::size_t, 2>& signers) const {
    const bool close_tag = close != (act.signature_fault == 5);  // fault 5: the other digest kind
    const auto digest_of = [&](const Hash32& id, u64 seq, const std::array<u64, 2>& signed_balances) {
      return close_tag ? payment_channel::close_digest(state_.chain_id, id, seq, signed_balances)
                       : payment_channel::state_digest(state_.chain_id, id, seq, signed_balances);
    };
    Hash32 digest = digest_of(channel, sequence, balances);
    if (act.signature_fault == 7) digest = digest_of(channel, sequence + 1, balances);  // another state of this channel
    if (act.signature_fault == 8) digest = digest_of(ids_[act.salt % ids_.size()], sequence, balances);  // maybe another channel
    if (act.signature_fault == 12) digest = digest_of(channel, sequence, {balances[1], balances[0]});  // the split reversed
    std::array<payment_channel::Signature, 2> signatures{pool().sign(signers[0], digest), pool().sign(signers[1], digest)};
    const std::size_t byte = act.salt % 64;
    switch (act.signature_fault) {
      case 1: signatures[0][byte] ^= 0x01; break;
      case 2: signatures[1][byte] ^= 0x80; break;
      case 3: signatures[1] = signatures[0]; break;
      case 4: std::swap(signatures[0], signatures[1]); break;
      case 6: signatures[1] = pool().sign((signers[1] + 1 + act.salt % 3) % signer_count, digest); break;  // maybe an outsider
      case 9: std::fill(signatures[0].begin(), signatures[0].begin() + 32, u8{0xFF}); break;  // r >= p
      case 10: std::fill(signatures[1].begin() + 32, signatures[1].end(), u8{0xFF}); break;   // s >= n
      case 11: signatures[act.salt % 2] = {}; break;  // a signature missing
      default: break;
    }
    return signatures;
  }

  OffChainTransaction cosigned(const Action& act, const Hash32& id, const payment_channel::PaymentChannel* target) const {
    const u64 registered = target ? target->sequence : 0;
    const u64 capacity = target ? target->total_capacity : 10000;
    // registered - 1, registered, registered + 1, + 2 (wrapping at the top), or UINT64_MAX.
    const u64 sequence = act.sequence_step == 4 ? l2::u64_max : registered + static_cast<u64>(act.sequence_step) - 1;
    const std::array<u64, 2> balances = balances_for(act, capacity);
    const auto found = signers_.find(id);
    const std::array<std::size_t, 2> signers = found != signers_.end() ? found->second : std::array<std::size_t, 2>{0, 1};
    return OffChainTransaction{id, sequence, balances, sign_state(act, id, sequence, balances, act.op == 3, signers)};
  }

  Adjudicator state_;
  u64 height_ = base_height;
  std::vector<opt::ChannelItem> stream_;
  std::vector<Hash32> ids_;                                  // every id seen, in first-seen order
  std::map<Hash32, std::array<std::size_t, 2>> signers_;    // id -> pool indices of its participants
  std::vector<Hash32> loaded_ids_;
  std::vector<payment_channel::OpenInput> opens_;                       // every open of the stream, accepted or not
  std::size_t accepted_ = 0;
  std::size_t accepted_on_new_channels_ = 0;
  std::size_t signature_rejections_ = 0;
  std::size_t open_signature_rejections_ = 0;
  std::size_t wrong_fund_values_ = 0;
  std::size_t disputes_closed_cooperatively_ = 0;
  std::size_t copied_opens_accepted_ = 0;
};

RC_GTEST_PROP(PaymentChannelHubDifferential, RandomInterleavingsMatchTheReference, ()) {
  const Setup setup = *setup_gen();
  const auto loaded = *rc::gen::container<std::vector<LoadedChannel>>(*rc::gen::inRange<std::size_t>(4, 13), loaded_channel_gen());
  const Adjudicator pre_state = make_pre_state(setup, loaded);
  const auto actions = *rc::gen::container<std::vector<Action>>(*rc::gen::inRange<std::size_t>(50, 301), action_gen());

  StreamBuilder builder(pre_state);
  for (const Action& act : actions) builder.add(act);
  const std::vector<opt::ChannelItem>& stream = builder.stream();

  // Two threads on the whole stream, then one thread with the stream cut into three calls: the
  // verdicts of a call may only come from its own opens and the state before it.
  std::vector<std::size_t> splits = {*rc::gen::inRange<std::size_t>(0, stream.size() + 1),
                                     *rc::gen::inRange<std::size_t>(0, stream.size() + 1)};
  std::sort(splits.begin(), splits.end());
  expect_matches_reference(pre_state, stream, {HubRun{2, {}}, HubRun{1, splits}});

  RC_CLASSIFY(builder.accepted() * 5 >= stream.size(), "a fifth or more accepted");
  RC_CLASSIFY(builder.accepted_on_new_channels() > 0, "a signed state accepted on a channel opened in the stream");
  RC_CLASSIFY(builder.signature_rejections() > 0, "a signature rejection");
  RC_CLASSIFY(builder.open_signature_rejections() > 0, "an open rejected for its signatures");
  RC_CLASSIFY(builder.wrong_fund_values() > 0, "a fund rejected for its value");
  RC_CLASSIFY(builder.disputes_closed_cooperatively() > 0, "a dispute ended by a cooperative close");
  RC_CLASSIFY(builder.copied_opens_accepted() > 0, "a copy of an earlier, rejected open accepted");
  RC_CLASSIFY(payment_channel::check_config(pre_state.config) == ChannelError::none, "a configuration deploy accepts");
}

}  // namespace
