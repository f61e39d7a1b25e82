// The hub with locks: must match the fold of l2::ref::channel_network::Operations (apply_open,
// apply_update, apply_cooperative_close, apply_force_close, apply_challenge, apply_settle,
// apply_reveal_secret and apply_resolve_lock in reference/include/l2/ref/channel_network.hpp) over
// a stream, errors, their order and the state after every item included.
// Exploits a pre-pass over the whole stream on oneTBB threads for everything that does not depend
// on the state the stream builds: each signed item's digest and its two BIP-340 verdicts
// (libsecp256k1, each channel's keys parsed once), each distinct point condition's decompression
// and each revealed secret's check. The sequential pass then applies the reference's rules in its
// order, taking a verdict exactly where the reference would call its SignatureCheck, with hash
// indexes instead of the reference's scans of the channels and of the secret registry.
// spec: channel_network.md#on-chain-the-lock-adjudicator
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include <secp256k1.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "l2/opt/channel_network_hub.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sha256_finish.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/verify_check.hpp"
#include "../secp256k1_context.hpp"
#include "../tagged_message.hpp"
#include "../threads.hpp"

namespace l2::opt::channel_network {

using detail::make_midstate;
using detail::Message;

namespace network = ref::channel_network;
using network::ChannelPhase;
using network::LockCondition;
using network::LockedChannel;
using network::LockedState;
using network::NetworkAdjudicator;

namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// ---- libsecp256k1: conditions and secrets -----------------------------------------------------

// The process's one context, used read-only from any thread (../secp256k1_context.hpp).
const secp256k1_context* secp() { return detail::secp256k1_shared_context(); }

// The reference's onion::decompress succeeds exactly when a 33-byte parse does: prefix 02 or 03,
// x < p and x^3 + 7 a square mod p (a 04, 06 or 07 prefix needs 65 bytes, so it fails too).
bool point_well_formed(const LockCondition& condition) {
  secp256k1_pubkey point;
  return secp256k1_ec_pubkey_parse(secp(), &point, condition.data(), condition.size()) == 1;
}

// The reference's opens(): SHA256(secret) for a hash lock; for a point lock, 0 < t < n (what
// pubkey_create accepts) and compress(t * G) equal to the condition.
bool secret_opens(const sha256::Kernel& kernel, const LockCondition& condition, const Hash32& secret) {
  if (network::is_hash_lock(condition)) {
    Hash32 hash{};
    kernel.hash_one(secret.data(), secret.size(), hash.data());
    return std::equal(hash.begin(), hash.end(), condition.begin() + 1);
  }
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_create(secp(), &point, secret.data()) != 1) return false;
  LockCondition compressed{};
  std::size_t length = compressed.size();
  secp256k1_ec_pubkey_serialize(secp(), compressed.data(), &length, &point, SECP256K1_EC_COMPRESSED);
  return compressed == condition;
}

// CN-REVEAL-1 and 2: reveal_secret's rules that read nothing the stream changes.
NetworkError check_revealed_secret(const sha256::Kernel& kernel, const network::RevealInput& in) {
  // Verify: the condition is well formed [CN-REVEAL-1]
  if (!network::is_hash_lock(in.condition) && !point_well_formed(in.condition)) return NetworkError::reveal_condition;
  // Verify: the secret opens the condition [CN-REVEAL-2]
  if (!secret_opens(kernel, in.condition, in.secret)) return NetworkError::reveal_wrong_secret;
  return NetworkError::none;
}

ParsedKeys parse_keys(const std::array<Hash32, 2>& participants) {
  ParsedKeys keys;
  for (std::size_t k = 0; k < 2; ++k) {
    if (const auto parsed = schnorr::parse_pubkey(participants[k])) {
      keys.parsed[k] = *parsed;
      keys.on_curve[k] = 1;
    }
  }
  return keys;
}

// ---- Digests: the reference's channel_id, open_digest, state_digest and close_digest ----------

const sha256::Midstate& id_midstate() {
  static const sha256::Midstate midstate = make_midstate(network::id_tag);
  return midstate;
}
const sha256::Midstate& open_midstate() {
  static const sha256::Midstate midstate = make_midstate(network::open_tag);
  return midstate;
}
const sha256::Midstate& state_midstate() {
  static const sha256::Midstate midstate = make_midstate(network::state_tag);
  return midstate;
}
const sha256::Midstate& close_midstate() {
  static const sha256::Midstate midstate = make_midstate(network::close_tag);
  return midstate;
}

// enc(ChannelIdPreimage): chain_id, adjudicator_id, participants, nonce.
Hash32 derive_channel_id(u64 chain_id, const Hash32& adjudicator_id, const std::array<Hash32, 2>& participants, u64 nonce) {
  return Message(112)
      .u64_field(chain_id)
      .bytes_field(adjudicator_id)
      .bytes_field(participants[0])
      .bytes_field(participants[1])
      .u64_field(nonce)
      .digest(id_midstate());
}

// enc(OpenBody): chain_id, channel_id, terms, total_capacity, balances.
Hash32 open_digest_of(u64 chain_id, const Hash32& id, const network::OpenInput& in) {
  return Message(88)
      .u64_field(chain_id)
      .bytes_field(id)
      .u64_field(in.terms.htlc_minimum)
      .u64_field(in.terms.max_in_flight)
      .u64_field(in.terms.max_locks)
      .u64_field(in.total_capacity)
      .u64_field(in.balances[0])
      .u64_field(in.balances[1])
      .digest(open_midstate());
}

// enc(StateBody): chain_id, channel_id, then the LockedState: sequence, balances, the locks (a u32
// count, then id, sender, amount, condition and expiry of each), next_lock_id.
Hash32 state_digest_of(u64 chain_id, const Hash32& id, const LockedState& state) {
  constexpr std::size_t lock_size = 8 + 1 + 8 + 33 + 8;
  Message message(76 + lock_size * state.locks.size());
  message.u64_field(chain_id)
      .bytes_field(id)
      .u64_field(state.sequence)
      .u64_field(state.balances[0])
      .u64_field(state.balances[1])
      .u32_field(static_cast<u32>(state.locks.size()));
  for (const network::Lock& lock : state.locks)
    message.u64_field(lock.id).u8_field(lock.sender).u64_field(lock.amount).bytes_field(lock.condition).u64_field(lock.expiry);
  return message.u64_field(state.next_lock_id).digest(state_midstate());
}

// enc(SignedStateBody): chain_id, channel_id, sequence, balances.
Hash32 close_digest_of(u64 chain_id, const network::CloseInput& in) {
  return Message(64)
      .u64_field(chain_id)
      .bytes_field(in.channel_id)
      .u64_field(in.sequence)
      .u64_field(in.balances[0])
      .u64_field(in.balances[1])
      .digest(close_midstate());
}

bool is_state_op(NetworkOp op) {
  return op == op_code<network::Update> || op == op_code<network::ForceClose> || op == op_code<network::Challenge>;
}

// The digest a signed item's signatures are over; `open_id` is an open's derived channel_id.
Hash32 signed_digest(u64 chain_id, const NetworkItem& item, const Hash32& open_id) {
  if (item.op() == op_code<network::Open>)
    return open_digest_of(chain_id, open_id, std::get<network::OpenInput>(item.input()));
  if (item.op() == op_code<network::CooperativeClose>)
    return close_digest_of(chain_id, std::get<network::CloseInput>(item.input()));
  const auto& in = std::get<network::StateInput>(item.input());
  return state_digest_of(chain_id, in.channel_id, in.state);
}

const std::array<network::Signature, 2>& signatures_in(const NetworkItem& item) {
  if (item.op() == op_code<network::Open>) return std::get<network::OpenInput>(item.input()).signatures;
  if (item.op() == op_code<network::CooperativeClose>) return std::get<network::CloseInput>(item.input()).signatures;
  return std::get<network::StateInput>(item.input()).signatures;
}

// ---- Signature verdicts -----------------------------------------------------------------------

constexpr u8 verdict_computed = 1;
constexpr u8 verdict_signature0_valid = 2;
constexpr u8 verdict_signature1_valid = 4;

// The reference checks signature 1 only after signature 0 passed, so its verdict is computed only
// then. `valid(k)`: whether signatures[k] is participant k's.
template <class Valid>
u8 verdict_of(const Valid& valid) {
  u8 verdict = verdict_computed;
  if (valid(std::size_t{0})) {
    verdict |= verdict_signature0_valid;
    if (valid(std::size_t{1})) verdict |= verdict_signature1_valid;
  }
  return verdict;
}

u8 verdict_under(const ParsedKeys& keys, const Hash32& digest, const std::array<network::Signature, 2>& signatures) {
  return verdict_of([&](std::size_t k) {
    return keys.on_curve[k] != 0 && schnorr::verify_parsed(keys.parsed[k], digest, signatures[k]);
  });
}

u8 verdict_under(const std::array<Hash32, 2>& participants, const Hash32& digest,
                 const std::array<network::Signature, 2>& signatures) {
  return verdict_of([&](std::size_t k) {
    return schnorr::verify(participants[k], digest, signatures[k]) == PrimitiveError::none;
  });
}

// check_participant_signatures, read from a verdict.
NetworkError verdict_error(u8 verdict) {
  // Verify: signatures[0] is participants[0]'s signature of the digest [CN-SIG-1]
  if ((verdict & verdict_signature0_valid) == 0) return NetworkError::bad_signature_0;
  // Verify: signatures[1] is participants[1]'s signature of the digest [CN-SIG-2]
  if ((verdict & verdict_signature1_valid) == 0) return NetworkError::bad_signature_1;
  return NetworkError::none;
}

// ---- The parts of check_locked_state that need no curve arithmetic -----------------------------

// CN-STATE-1 and CN-STATE-2.
NetworkError check_conservation_and_ids(const LockedState& state, u64 total_capacity) {
  Checked sum = checked_add(state.balances[0], state.balances[1]);
  for (const network::Lock& lock : state.locks) {
    const Checked next = checked_add(sum.value, lock.amount);
    sum = Checked{next.value, sum.overflow || next.overflow};
  }
  // Verify: balances plus lock amounts equal total_capacity, without overflow [CN-STATE-1]
  if (sum.overflow || sum.value != total_capacity) return NetworkError::state_conservation;
  bool ids_ascending = true;
  for (std::size_t i = 0; i < state.locks.size(); ++i)
    if (state.locks[i].id >= state.next_lock_id || (i > 0 && state.locks[i - 1].id >= state.locks[i].id))
      ids_ascending = false;
  // Verify: lock ids are strictly ascending and below next_lock_id [CN-STATE-2]
  if (!ids_ascending) return NetworkError::state_lock_ids;
  return NetworkError::none;
}

// CN-STATE-4's condition.
bool lock_counts_within(const LockedState& state, const network::ChannelTerms& terms) {
  std::array<u64, 2> count{};
  for (const network::Lock& lock : state.locks)
    if (lock.sender <= 1) ++count[lock.sender];
  return count[0] <= terms.max_locks && count[1] <= terms.max_locks;
}

// CN-OPEN-1 to 7: the open's rules that read nothing the stream changes.
NetworkError check_open_input(const network::NetworkConfig& config, const network::OpenInput& in) {
  // Verify: participants[0] != participants[1] [CN-OPEN-1]
  if (in.participants[0] == in.participants[1]) return NetworkError::open_same_participants;
  // Verify: total_capacity >= min_channel_capacity [CN-OPEN-2]
  if (in.total_capacity < config.min_channel_capacity) return NetworkError::open_capacity_too_small;
  // Verify: total_capacity <= max_channel_capacity [CN-OPEN-3]
  if (in.total_capacity > config.max_channel_capacity) return NetworkError::open_capacity_too_large;
  // Verify: the value paid in is exactly total_capacity [CN-OPEN-4]
  if (in.value != in.total_capacity) return NetworkError::open_value;
  // Verify: terms.htlc_minimum >= dust_limit [CN-OPEN-5]
  if (in.terms.htlc_minimum < config.dust_limit) return NetworkError::open_htlc_minimum;
  // Verify: 1 <= terms.max_locks <= max_locks_limit [CN-OPEN-6]
  if (in.terms.max_locks == 0 || in.terms.max_locks > config.max_locks_limit) return NetworkError::open_max_locks;
  // Verify: balances[0] + balances[1] == total_capacity, without overflow [CN-OPEN-7]
  if (!network::balances_sum_to(in.balances, in.total_capacity)) return NetworkError::open_balances;
  return NetworkError::none;
}

// Pre-pass work units per TBB task: a signed item is up to two verifications (tens of
// microseconds each), so 4 amortize the scheduling while a 4096-item stream still splits into a
// thousand tasks.
constexpr std::size_t units_per_task = 4;

// Runs body(i) for i < count, in parallel unless threads == 1 or the work is a single task.
template <class Body>
void for_each_index(std::size_t count, unsigned threads, const Body& body) {
  if (threads == 1 || count <= units_per_task) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, units_per_task),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) body(i);
                      });
  });
}

}  // namespace

// ---- Plan: the pre-pass -------------------------------------------------------------------------

// For each stream position, what the sequential pass reads instead of computing: an open's derived
// channel_id, a signed item's verdicts, a reveal's CN-REVEAL-1/2 outcome; and, per stream, the
// decompression of each distinct point condition of its co-signed states. Built by prepare()
// against the state before the stream, filled in by precheck(), read by apply().
struct Hub::Plan {
  // A signed item whose signatures the reference may reach: an open that passes CN-OPEN-1 to 7
  // (`open_position` is its own position), or a co-signed item whose channel exists before the
  // stream (`channel` is its index) or may be opened earlier in it (`open_position`: the first such
  // open; the id binds the participants, so every open deriving it names the same keys).
  struct Job {
    std::size_t position;
    std::size_t channel;
    std::size_t open_position;
  };

  std::vector<Hash32> open_id;            // open: its derived channel_id
  std::vector<u8> verdict;                // signed item with a job: verdict_* bits, else 0
  std::vector<NetworkError> reveal_check; // reveal: CN-REVEAL-1 and 2 as the reference finds them
  std::vector<std::size_t> open_ordinal;  // open passing CN-OPEN-1 to 7: index into opens / open_keys
  std::vector<std::size_t> opens;         // stream positions of those opens
  std::vector<ParsedKeys> open_keys;      // their participants, parsed
  std::vector<std::size_t> reveals;       // stream positions of the reveals
  std::vector<Job> jobs;
  // The distinct point conditions in the locks of co-signed states, and whether each decompresses.
  std::vector<LockCondition> points;
  std::unordered_map<LockCondition, std::size_t, ConditionHash> point_slot;
  std::vector<u8> point_valid;

  // is_well_formed, from the pre-pass where it looked (computed now otherwise).
  bool well_formed(const LockCondition& condition) const {
    if (network::is_hash_lock(condition)) return true;
    if (const auto found = point_slot.find(condition); found != point_slot.end()) return point_valid[found->second] != 0;
    return point_well_formed(condition);
  }
};

Hub::Plan Hub::prepare(std::span<const NetworkItem> stream) const {
  Plan plan;
  plan.open_id.resize(stream.size());
  plan.verdict.assign(stream.size(), 0);
  plan.reveal_check.assign(stream.size(), NetworkError::none);
  plan.open_ordinal.assign(stream.size(), none);
  // channel_id -> the first open in the stream that derives it and passes CN-OPEN-1 to 7 (no other
  // can register a channel).
  std::unordered_map<Hash32, std::size_t, IdHash> opened_in_stream;
  const auto collect_points = [&plan](const LockedState& state) {
    for (const network::Lock& lock : state.locks) {
      if (network::is_hash_lock(lock.condition)) continue;
      if (plan.point_slot.emplace(lock.condition, plan.points.size()).second) plan.points.push_back(lock.condition);
    }
  };

  for (std::size_t position = 0; position < stream.size(); ++position) {
    const NetworkItem& item = stream[position];
    const NetworkOp op = item.op();
    if (op == op_code<network::Open>) {
      const auto& in = std::get<network::OpenInput>(item.input());
      if (check_open_input(config_, in) != NetworkError::none) continue;
      plan.open_id[position] = derive_channel_id(chain_id_, adjudicator_id_, in.participants, in.nonce);
      opened_in_stream.emplace(plan.open_id[position], position);
      plan.open_ordinal[position] = plan.opens.size();
      plan.opens.push_back(position);
      plan.jobs.push_back(Plan::Job{position, none, position});
    } else if (op == op_code<network::RevealSecret>) {
      plan.reveals.push_back(position);
    } else if (is_state_op(op) || op == op_code<network::CooperativeClose>) {
      const Hash32& id = is_state_op(op) ? std::get<network::StateInput>(item.input()).channel_id
                                         : std::get<network::CloseInput>(item.input()).channel_id;
      Plan::Job job{position, none, none};
      if (const std::size_t* index = find(id)) {
        // A channel's capacity and terms never change, so a failure of these rules now is one when
        // the item is applied, and the reference stops before the signatures.
        const LockedChannel& channel = channels_[*index];
        if (is_state_op(op)) {
          const auto& state = std::get<network::StateInput>(item.input()).state;
          if (check_conservation_and_ids(state, channel.total_capacity) != NetworkError::none) continue;
          collect_points(state);
          if (!lock_counts_within(state, channel.terms)) continue;
        } else if (!network::balances_sum_to(std::get<network::CloseInput>(item.input()).balances,
                                             channel.total_capacity)) {
          continue;
        }
        job.channel = *index;
      } else if (const auto opened = opened_in_stream.find(id); opened != opened_in_stream.end()) {
        if (is_state_op(op)) collect_points(std::get<network::StateInput>(item.input()).state);
        job.open_position = opened->second;
      } else {
        continue;  // unknown when applied: CN-CHAN-1 comes first
      }
      plan.jobs.push_back(job);
    }
  }
  plan.open_keys.resize(plan.opens.size());
  plan.point_valid.assign(plan.points.size(), 0);
  return plan;
}

void Hub::precheck(std::span<const NetworkItem> stream, Plan& plan, unsigned threads) const {
  const sha256::Kernel& kernel = default_merkle_kernel();
  // One index space over the four kinds of work, the heaviest first.
  const std::size_t jobs = plan.jobs.size();
  const std::size_t points = jobs + plan.points.size();
  const std::size_t reveals = points + plan.reveals.size();
  const std::size_t total = reveals + plan.opens.size();
  for_each_index(total, threads, [&](std::size_t i) {
    if (i < jobs) {
      const Plan::Job& job = plan.jobs[i];
      const NetworkItem& item = stream[job.position];
      const Hash32 digest = signed_digest(chain_id_, item, plan.open_id[job.position]);
      const auto& signatures = signatures_in(item);
      plan.verdict[job.position] =
          job.channel != none
              ? verdict_under(keys_[job.channel], digest, signatures)
              : verdict_under(std::get<network::OpenInput>(stream[job.open_position].input()).participants, digest,
                              signatures);
    } else if (i < points) {
      plan.point_valid[i - jobs] = point_well_formed(plan.points[i - jobs]) ? 1 : 0;
    } else if (i < reveals) {
      const std::size_t position = plan.reveals[i - points];
      plan.reveal_check[position] = check_revealed_secret(kernel, std::get<network::RevealInput>(stream[position].input()));
    } else {
      const std::size_t ordinal = i - reveals;
      plan.open_keys[ordinal] = parse_keys(std::get<network::OpenInput>(stream[plan.opens[ordinal]].input()).participants);
    }
  });
}

// ---- The table ----------------------------------------------------------------------------------

std::size_t Hub::IdHash::operator()(const Hash32& key) const {
  u64 word = 0;
  std::memcpy(&word, key.data(), sizeof word);
  return static_cast<std::size_t>(word);
}

std::size_t Hub::ConditionHash::operator()(const LockCondition& key) const {
  // The prefix byte and four words of the hash or x coordinate, mixed (splitmix64's finalizer).
  u64 mixed = key[0];
  for (std::size_t offset = 1; offset < key.size(); offset += 8) {
    u64 word = 0;
    std::memcpy(&word, key.data() + offset, sizeof word);
    mixed ^= word + 0x9e3779b97f4a7c15 + (mixed << 6) + (mixed >> 2);
  }
  mixed = (mixed ^ (mixed >> 30)) * 0xbf58476d1ce4e5b9;
  mixed = (mixed ^ (mixed >> 27)) * 0x94d049bb133111eb;
  return static_cast<std::size_t>(mixed ^ (mixed >> 31));
}

Hub::Hub(const NetworkAdjudicator& adjudicator, unsigned threads)
    : chain_id_(adjudicator.chain_id), adjudicator_id_(adjudicator.adjudicator_id), config_(adjudicator.config) {
  const std::size_t count = adjudicator.channels.size();
  std::vector<ParsedKeys> keys(count);
  for_each_index(count, threads, [&](std::size_t i) { keys[i] = parse_keys(adjudicator.channels[i].participants); });
  channels_.reserve(count);
  keys_.reserve(count);
  channel_index_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) append_channel(adjudicator.channels[i], keys[i]);
  revelations_.reserve(adjudicator.revelations.size());
  revelation_index_.reserve(adjudicator.revelations.size());
  for (const network::Revelation& revelation : adjudicator.revelations) append_revelation(revelation);
}

void Hub::append_channel(LockedChannel channel, const ParsedKeys& keys) {
  channel_index_.emplace(channel.channel_id, channels_.size());  // keeps the first of duplicate ids
  channels_.push_back(std::move(channel));
  keys_.push_back(keys);
}

void Hub::append_revelation(network::Revelation revelation) {
  revelation_index_.emplace(revelation.condition, revelations_.size());  // keeps the first of a condition
  revelations_.push_back(std::move(revelation));
}

const std::size_t* Hub::find(const Hash32& channel_id) const {
  const auto found = channel_index_.find(channel_id);
  return found == channel_index_.end() ? nullptr : &found->second;
}

NetworkAdjudicator Hub::to_adjudicator() const {
  return NetworkAdjudicator{chain_id_, adjudicator_id_, config_, channels_, revelations_};
}

// ---- The sequential pass: the reference's checks, in its order --------------------------------

std::vector<NetworkError> Hub::process(std::span<const NetworkItem> stream, unsigned threads,
                                       const ItemObserver& after_item) {
  Plan plan = prepare(stream);
  precheck(stream, plan, threads);
  std::vector<NetworkError> errors(stream.size(), NetworkError::none);
  for (std::size_t position = 0; position < stream.size(); ++position) {
    errors[position] = apply(stream[position], position, plan);
    if (after_item) after_item(position, errors[position]);
  }
  return errors;
}

NetworkError Hub::apply(const NetworkItem& item, std::size_t position, const Plan& plan) {
  const NetworkOp op = item.op();
  if (op == op_code<network::Open>) return apply_open(item, position, plan);
  if (is_state_op(op)) return apply_state(item, position, plan);
  if (op == op_code<network::CooperativeClose>) return apply_cooperative_close(item, position, plan);
  if (op == op_code<network::Settle>) return apply_settle(std::get<network::ChannelRef>(item.input()), item.height());
  if (op == op_code<network::RevealSecret>)
    return apply_reveal_secret(std::get<network::RevealInput>(item.input()), item.height(), position, plan);
  return apply_resolve_lock(std::get<network::ResolveInput>(item.input()), item.height(), plan);
}

// check_participant_signatures: the pre-pass's verdict on the item's signatures under `keys`. An
// item reaches here only if the pre-pass gave it a job; should one not have, its verdict is
// computed now (and a checking build stops: the pre-pass missed a job).
NetworkError Hub::signatures_of(const NetworkItem& item, std::size_t position, const ParsedKeys& keys,
                                const Plan& plan) const {
  u8 verdict = plan.verdict[position];
  if ((verdict & verdict_computed) == 0) {
    L2_VERIFY_CHECK((verdict & verdict_computed) != 0);
    verdict = verdict_under(keys, signed_digest(chain_id_, item, plan.open_id[position]), signatures_in(item));
  }
  return verdict_error(verdict);
}

// check_locked_state, CN-STATE-1 to 4, with the pre-pass's decompressions for CN-STATE-3.
NetworkError Hub::check_state(const LockedState& state, const LockedChannel& channel, const Plan& plan) const {
  if (const NetworkError e = check_conservation_and_ids(state, channel.total_capacity); e != NetworkError::none) return e;
  bool well_formed = true;
  for (const network::Lock& lock : state.locks)
    if (lock.sender > 1 || !plan.well_formed(lock.condition)) well_formed = false;
  // Verify: every lock's sender is 0 or 1 and its condition is well formed [CN-STATE-3]
  if (!well_formed) return NetworkError::state_lock_form;
  // Verify: each sender has at most terms.max_locks locks [CN-STATE-4]
  if (!lock_counts_within(state, channel.terms)) return NetworkError::state_lock_count;
  return NetworkError::none;
}

// spec: channel_network.md#transitions (open)
NetworkError Hub::apply_open(const NetworkItem& item, std::size_t position, const Plan& plan) {
  const auto& in = std::get<network::OpenInput>(item.input());
  if (const NetworkError e = check_open_input(config_, in); e != NetworkError::none) return e;
  const Hash32& id = plan.open_id[position];
  // Verify: no registered channel has the derived channel_id [CN-OPEN-8]
  if (find(id) != nullptr) return NetworkError::open_duplicate;
  // An open passing CN-OPEN-1 to 7 always has its keys parsed by the pre-pass.
  const std::size_t ordinal = plan.open_ordinal[position];
  L2_VERIFY_CHECK(ordinal != none);
  const ParsedKeys keys = ordinal != none ? plan.open_keys[ordinal] : parse_keys(in.participants);
  if (const NetworkError e = signatures_of(item, position, keys, plan); e != NetworkError::none) return e;

  append_channel(LockedChannel{id, in.participants, in.terms, in.total_capacity, ChannelPhase::active,
                               LockedState{0, in.balances, {}, 0}, 0},
                 keys);
  return NetworkError::none;
}

// spec: channel_network.md#transitions (update, force_close, challenge): lookup, the op's own
// rules, then the co-signed state's checks and its signatures.
NetworkError Hub::apply_state(const NetworkItem& item, std::size_t position, const Plan& plan) {
  const NetworkOp op = item.op();
  const u64 height = item.height();
  const auto& in = std::get<network::StateInput>(item.input());
  const std::size_t* found = find(in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (found == nullptr) return NetworkError::unknown_channel;
  const std::size_t index = *found;
  LockedChannel& channel = channels_[index];
  if (op == op_code<network::Update>) {
    // Verify: the channel is active [CN-UPD-1]
    if (channel.phase != ChannelPhase::active) return NetworkError::update_phase;
    // Verify: state.sequence > the registered sequence [CN-UPD-2]
    if (in.state.sequence <= channel.state.sequence) return NetworkError::update_stale;
  } else if (op == op_code<network::ForceClose>) {
    // Verify: the channel is active [CN-FORCE-1]
    if (channel.phase != ChannelPhase::active) return NetworkError::force_phase;
    // Verify: state.sequence >= the registered sequence [CN-FORCE-2]
    if (in.state.sequence < channel.state.sequence) return NetworkError::force_stale;
  } else {
    // Verify: the channel is disputing [CN-CHAL-1]
    if (channel.phase != ChannelPhase::disputing) return NetworkError::challenge_phase;
    // Verify: height < dispute_deadline [CN-CHAL-2]
    if (height >= channel.dispute_deadline) return NetworkError::challenge_late;
    // Verify: state.sequence > the registered sequence [CN-CHAL-3]
    if (in.state.sequence <= channel.state.sequence) return NetworkError::challenge_stale;
  }
  if (const NetworkError e = check_state(in.state, channel, plan); e != NetworkError::none) return e;
  if (const NetworkError e = signatures_of(item, position, keys_[index], plan); e != NetworkError::none) return e;

  channel.state = in.state;
  if (op == op_code<network::ForceClose>) {
    channel.phase = ChannelPhase::disputing;
    channel.dispute_deadline = saturating_add(height, config_.dispute_period_blocks);
  }
  // A challenge leaves the deadline where the force-close put it.
  return NetworkError::none;
}

// spec: channel_network.md#transitions (cooperative_close)
NetworkError Hub::apply_cooperative_close(const NetworkItem& item, std::size_t position, const Plan& plan) {
  const auto& in = std::get<network::CloseInput>(item.input());
  const std::size_t* found = find(in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (found == nullptr) return NetworkError::unknown_channel;
  const std::size_t index = *found;
  LockedChannel& channel = channels_[index];
  // Verify: the channel is active or disputing [CN-COOP-1]
  if (channel.phase == ChannelPhase::settled) return NetworkError::coop_phase;
  // Verify: sequence > the registered sequence [CN-COOP-2]
  if (in.sequence <= channel.state.sequence) return NetworkError::coop_stale;
  // Verify: balances[0] + balances[1] == total_capacity, without overflow [CN-COOP-3]
  if (!network::balances_sum_to(in.balances, channel.total_capacity)) return NetworkError::coop_balances;
  if (const NetworkError e = signatures_of(item, position, keys_[index], plan); e != NetworkError::none) return e;

  channel.phase = ChannelPhase::settled;
  channel.state = LockedState{in.sequence, in.balances, {}, channel.state.next_lock_id};
  return NetworkError::none;
}

// spec: channel_network.md#transitions (settle)
NetworkError Hub::apply_settle(const network::ChannelRef& in, u64 height) {
  const std::size_t* found = find(in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (found == nullptr) return NetworkError::unknown_channel;
  LockedChannel& channel = channels_[*found];
  // Verify: the channel is disputing [CN-SETTLE-1]
  if (channel.phase != ChannelPhase::disputing) return NetworkError::settle_phase;
  // Verify: height >= dispute_deadline [CN-SETTLE-2]
  if (height < channel.dispute_deadline) return NetworkError::settle_early;
  channel.phase = ChannelPhase::settled;
  return NetworkError::none;
}

// spec: channel_network.md#transitions (reveal_secret)
NetworkError Hub::apply_reveal_secret(const network::RevealInput& in, u64 height, std::size_t position,
                                      const Plan& plan) {
  // CN-REVEAL-1 and 2, as the pre-pass found them.
  if (const NetworkError e = plan.reveal_check[position]; e != NetworkError::none) return e;
  // Verify: no secret of this condition is recorded yet [CN-REVEAL-3]
  if (revelation_index_.contains(in.condition)) return NetworkError::reveal_duplicate;
  append_revelation(network::Revelation{in.condition, in.secret, height});
  return NetworkError::none;
}

// spec: channel_network.md#transitions (resolve_lock)
NetworkError Hub::apply_resolve_lock(const network::ResolveInput& in, u64 height, const Plan& plan) {
  const std::size_t* found = find(in.channel_id);
  // Verify: the channel is registered [CN-CHAN-1]
  if (found == nullptr) return NetworkError::unknown_channel;
  LockedChannel& channel = channels_[*found];
  // Verify: the channel is settled [CN-RESOLVE-1]
  if (channel.phase != ChannelPhase::settled) return NetworkError::resolve_phase;
  // The registered state's checks again, as the reference makes them (a loaded state may be any).
  if (const NetworkError e = check_state(channel.state, channel, plan); e != NetworkError::none) return e;
  const std::optional<std::size_t> lock_index = network::find_lock(channel.state, in.lock_id);
  // Verify: the settled state has a lock with id lock_id [CN-RESOLVE-2]
  if (!lock_index) return NetworkError::resolve_unknown_lock;
  const network::Lock& lock = channel.state.locks[*lock_index];
  // Claimed: the condition's first revelation is strictly before the expiry.
  const auto revealed = revelation_index_.find(lock.condition);
  const bool claimed = revealed != revelation_index_.end() && revelations_[revealed->second].height < lock.expiry;
  // Verify: the lock is claimed before its expiry, or height >= expiry [CN-RESOLVE-3]
  if (!claimed && height < lock.expiry) return NetworkError::resolve_pending;

  // release_lock: conservation bounds the sum, and a registered lock's sender is 0 or 1.
  const u8 payee = claimed ? network::receiver_of(lock) : lock.sender;
  L2_VERIFY_CHECK(payee <= 1);
  const Checked sum = checked_add(channel.state.balances[payee], lock.amount);
  L2_VERIFY_CHECK(!sum.overflow);
  channel.state.balances[payee] = sum.value;
  channel.state.locks.erase(channel.state.locks.begin() + static_cast<std::ptrdiff_t>(*lock_index));
  return NetworkError::none;
}

Result<NetworkAdjudicator, NetworkError> apply_item(const NetworkAdjudicator& adjudicator, const NetworkItem& item) {
  Hub hub(adjudicator, 1);
  const NetworkError error = hub.process(std::span<const NetworkItem>(&item, 1), 1).front();
  if (error != NetworkError::none) return error;
  return hub.to_adjudicator();
}

}  // namespace l2::opt::channel_network
