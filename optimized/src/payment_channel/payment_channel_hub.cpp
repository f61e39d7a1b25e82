// The channel hub: must match the fold of l2::ref::payment_channel::Operations (apply_open,
// apply_fund, apply_update, apply_cooperative_close, apply_force_close, apply_challenge,
// apply_settle and apply_timeout in reference/include/l2/ref/payment_channel.hpp) over a stream,
// errors and their order included.
// Exploits oneTBB threads across every signature of the stream (verified up front, since a
// signature's validity depends only on key, digest and signature, and a channel's keys never
// change), libsecp256k1 with each key parsed once, multi-buffer SHA-256 (midstate64_many) for the
// digests, and a structure-of-arrays table with hash lookups for everything else.
// spec: payment_channel.md#the-channel-hub-the-optimized-engine
#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "l2/opt/payment_channel_hub.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/verify_check.hpp"
#include "../threads.hpp"

namespace l2::opt {

namespace payment_channel = ref::payment_channel;
using payment_channel::ChannelState;

namespace {

// ---- Hashing: the reference's channel_id, state_digest and close_digest ---------------------

// SHA256(tag), and the chaining state after the 64-byte prefix SHA256(tag) || SHA256(tag).
struct Tag {
  Hash32 tag_hash;
  sha256::Midstate midstate;
};

Tag make_tag(std::string_view tag) {
  Tag made{ref::sha256(tag), {}};
  std::array<u8, 64> prefix{};
  std::copy(made.tag_hash.begin(), made.tag_hash.end(), prefix.begin());
  std::copy(made.tag_hash.begin(), made.tag_hash.end(), prefix.begin() + 32);
  std::array<u32, 8> state = ref::sha256_detail::initial_state;
  ref::sha256_compress(state, prefix.data());
  for (std::size_t i = 0; i < 8; ++i) made.midstate.words[i] = state[i];
  return made;
}

const Tag& id_tag() {
  static const Tag tag = make_tag(payment_channel::id_tag);
  return tag;
}
const Tag& state_tag() {
  static const Tag tag = make_tag(payment_channel::state_tag);
  return tag;
}
const Tag& close_tag() {
  static const Tag tag = make_tag(payment_channel::close_tag);
  return tag;
}

u8* put_u64(u8* out, u64 value) {
  for (int shift = 56; shift >= 0; shift -= 8) *out++ = static_cast<u8>(value >> shift);
  return out;
}
u8* put_hash(u8* out, const Hash32& value) { return std::copy(value.begin(), value.end(), out); }

// channel_id: the tagged hash of enc(chain_id, adjudicator_id, participants, nonce), 112 bytes.
Hash32 derive_channel_id(const sha256::Kernel& kernel, u64 chain_id, const Hash32& adjudicator_id,
                         const std::array<Hash32, 2>& participants, u64 nonce) {
  std::array<u8, 64 + 112> message{};
  u8* out = put_hash(message.data(), id_tag().tag_hash);
  out = put_hash(out, id_tag().tag_hash);
  out = put_u64(out, chain_id);
  out = put_hash(out, adjudicator_id);
  out = put_hash(out, participants[0]);
  out = put_hash(out, participants[1]);
  put_u64(out, nonce);
  Hash32 id{};
  kernel.hash_one(message.data(), message.size(), id.data());
  return id;
}

// enc(SignedStateBody): chain_id, channel_id, sequence, balances; exactly one SHA-256 block, so each
// digest is one compression continuing its tag's midstate.
using SignedBody = std::array<u8, 64>;

SignedBody signed_body(u64 chain_id, const Hash32& channel_id, u64 sequence, const std::array<u64, 2>& balances) {
  SignedBody body{};
  u8* out = put_u64(body.data(), chain_id);
  out = put_hash(out, channel_id);
  out = put_u64(out, sequence);
  out = put_u64(out, balances[0]);
  put_u64(out, balances[1]);
  return body;
}

using payment_channel::is_cosigned;
using payment_channel::op_code;


// Verification jobs per TBB task: a job is up to two verifications (tens of microseconds each),
// so 4 amortize the scheduling while a 4096-item stream still splits into a thousand tasks.
constexpr std::size_t jobs_per_task = 4;

// Runs body(i) for i < count, in parallel unless threads == 1 or the work is a single task.
template <class Body>
void for_each_index(std::size_t count, unsigned threads, const Body& body) {
  if (threads == 1 || count <= jobs_per_task) {
    for (std::size_t i = 0; i < count; ++i) body(i);
    return;
  }
  detail::in_arena(threads, [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, jobs_per_task),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) body(i);
                      });
  });
}

struct KeyPair {
  std::array<schnorr::ParsedPubkey, 2> parsed{};
  std::array<u8, 2> on_curve{};
};

KeyPair parse_pair(const Hash32& first, const Hash32& second) {
  KeyPair pair;
  const Hash32* keys[2] = {&first, &second};
  for (std::size_t k = 0; k < 2; ++k) {
    if (const auto parsed = schnorr::parse_pubkey(*keys[k])) {
      pair.parsed[k] = *parsed;
      pair.on_curve[k] = 1;
    }
  }
  return pair;
}

// Verdict bits of a signed item: an open (its opening state) or a co-signed state.
constexpr u8 verdict_computed = 1;
constexpr u8 verdict_signature0_valid = 2;
constexpr u8 verdict_signature1_valid = 4;

// check_signatures read from a verdict the pre-pass computed.
ChannelError signature_verdict(u8 verdict) {
  L2_VERIFY_CHECK((verdict & verdict_computed) != 0);
  // Verify: signatures[0] is participants[0]'s signature of the digest [PC-SIG-1]
  if ((verdict & verdict_signature0_valid) == 0) return ChannelError::bad_signature_0;
  // Verify: signatures[1] is participants[1]'s signature of the digest [PC-SIG-2]
  if ((verdict & verdict_signature1_valid) == 0) return ChannelError::bad_signature_1;
  return ChannelError::none;
}

}  // namespace

// ---- Plan: the signature pre-pass -------------------------------------------------------------

// For each stream position: the derived channel_id of an open, the digest of a co-signed item and
// the verdicts on its two signatures. Built by prepare() against the state before the stream, filled
// in by verify_signatures(), read by apply().
struct ChannelHub::Plan {
  // A signed item whose signatures the reference may reach: an open (`open_position` is its own
  // position), or a co-signed item whose channel exists before the stream (`channel` is its index)
  // or is opened earlier in the stream (`open_position`).
  struct VerifyJob {
    std::size_t position;
    std::optional<std::size_t> channel;
    std::size_t open_position;
  };

  std::vector<Hash32> item_hash;         // open: its channel_id; co-signed with a job: its digest
  std::vector<Hash32> open_digest;       // open: the state_digest of its opening balances
  std::vector<u8> verdict;               // signed item with a job: verdict_* bits
  std::vector<std::size_t> open_ordinal;  // open: index into opens / open_keys
  std::vector<std::size_t> opens;        // stream positions of the opens
  std::vector<KeyPair> open_keys;        // participants of each open, parsed
  std::vector<VerifyJob> jobs;
};

ChannelHub::Plan ChannelHub::prepare(std::span<const ChannelItem> stream) const {
  const sha256::Kernel& kernel = default_merkle_kernel();
  Plan plan;
  plan.item_hash.resize(stream.size());
  plan.open_digest.resize(stream.size());
  plan.verdict.assign(stream.size(), 0);
  plan.open_ordinal.assign(stream.size(), 0);
  // channel_id -> the first open in the stream that derives it. The id binds the participants, so
  // every open deriving it names the same keys (up to a SHA-256 collision).
  std::unordered_map<Hash32, std::size_t, FirstWordHash> opened_in_stream;
  // Digests to compute, per tag ([0]: state, [1]: close): the body and where the digest goes.
  std::array<std::vector<SignedBody>, 2> bodies;
  std::array<std::vector<Hash32*>, 2> digest_slots;

  for (std::size_t position = 0; position < stream.size(); ++position) {
    const ChannelItem& item = stream[position];
    if (item.op() == op_code<payment_channel::Open>) {
      const auto& in = std::get<payment_channel::OpenInput>(item.input());
      plan.item_hash[position] = derive_channel_id(kernel, chain_id_, adjudicator_id_, in.participants, in.nonce);
      opened_in_stream.emplace(plan.item_hash[position], position);
      plan.open_ordinal[position] = plan.opens.size();
      plan.opens.push_back(position);
      // The opening state: sequence 0 and the open's balances, under the state tag.
      bodies[0].push_back(signed_body(chain_id_, plan.item_hash[position], 0, in.balances));
      digest_slots[0].push_back(&plan.open_digest[position]);
      plan.jobs.push_back(Plan::VerifyJob{position, std::nullopt, position});
      continue;
    }
    if (!is_cosigned(item.op())) continue;
    const auto& tx = std::get<payment_channel::OffChainTransaction>(item.input());
    Plan::VerifyJob job{position, std::nullopt, 0};
    if (const std::size_t* index = find(tx.channel_id)) {
      // The capacity never changes, so a PC-BAL failure now is a PC-BAL failure when the item is
      // applied: the reference stops before the signatures.
      if (payment_channel::check_balances(tx.new_balances, total_capacity_[*index]) != ChannelError::none) continue;
      job.channel = *index;
    } else if (const auto opened = opened_in_stream.find(tx.channel_id); opened != opened_in_stream.end()) {
      job.open_position = opened->second;
    } else {
      continue;  // unknown when applied: PC-CHAN-1 comes first
    }
    const std::size_t tag = item.op() == op_code<payment_channel::CooperativeClose> ? 1 : 0;
    bodies[tag].push_back(signed_body(chain_id_, tx.channel_id, tx.sequence_number, tx.new_balances));
    digest_slots[tag].push_back(&plan.item_hash[position]);
    plan.jobs.push_back(job);
  }

  std::vector<Hash32> digests;
  for (std::size_t tag = 0; tag < 2; ++tag) {
    digests.resize(bodies[tag].size());
    if (!digests.empty()) {
      kernel.midstate64_many(tag == 1 ? close_tag().midstate : state_tag().midstate, bodies[tag][0].data(),
                             digests[0].data(), digests.size());
    }
    for (std::size_t i = 0; i < digests.size(); ++i) *digest_slots[tag][i] = digests[i];
  }
  plan.open_keys.resize(plan.opens.size());
  return plan;
}

void ChannelHub::verify_signatures(std::span<const ChannelItem> stream, Plan& plan, unsigned threads) const {
  // One index space over both kinds of work: the jobs, then the opens whose keys need parsing.
  const std::size_t job_count = plan.jobs.size();
  for_each_index(job_count + plan.opens.size(), threads, [&](std::size_t i) {
    if (i >= job_count) {
      const auto& in = std::get<payment_channel::OpenInput>(stream[plan.opens[i - job_count]].input());
      plan.open_keys[i - job_count] = parse_pair(in.participants[0], in.participants[1]);
      return;
    }
    const Plan::VerifyJob& job = plan.jobs[i];
    const ChannelItem& item = stream[job.position];
    const bool is_open = item.op() == op_code<payment_channel::Open>;
    const std::array<payment_channel::Signature, 2>& signatures = is_open ? std::get<payment_channel::OpenInput>(item.input()).signatures
                                                              : std::get<payment_channel::OffChainTransaction>(item.input()).signatures;
    const Hash32& digest = is_open ? plan.open_digest[job.position] : plan.item_hash[job.position];
    // The reference checks signature 1 only after signature 0 passed, so its verdict is needed only then.
    const auto valid = [&](std::size_t k) {
      if (job.channel) {
        const std::size_t slot = 2 * *job.channel + k;
        return key_on_curve_[slot] != 0 && schnorr::verify_parsed(parsed_keys_[slot], digest, signatures[k]);
      }
      const auto& open = std::get<payment_channel::OpenInput>(stream[job.open_position].input());
      return schnorr::verify(open.participants[k], digest, signatures[k]) == PrimitiveError::none;
    };
    u8 verdict = verdict_computed;
    if (valid(0)) {
      verdict |= verdict_signature0_valid;
      if (valid(1)) verdict |= verdict_signature1_valid;
    }
    plan.verdict[job.position] = verdict;
  });
}

// ---- The table --------------------------------------------------------------------------------

std::size_t ChannelHub::FirstWordHash::operator()(const Hash32& key) const {
  u64 word = 0;
  std::memcpy(&word, key.data(), sizeof word);
  return static_cast<std::size_t>(word);
}

ChannelHub::ChannelHub(const payment_channel::Adjudicator& adjudicator, unsigned threads)
    : chain_id_(adjudicator.chain_id), adjudicator_id_(adjudicator.adjudicator_id), config_(adjudicator.config) {
  const std::size_t count = adjudicator.channels.size();
  for (auto* column : {&channel_ids_, &participant0_, &participant1_}) column->reserve(count);
  for (auto* column : {&balance0_, &balance1_, &total_capacity_, &sequence_, &created_at_, &timeout_height_,
                       &dispute_deadline_}) {
    column->reserve(count);
  }
  phase_.reserve(count);
  index_of_.reserve(count);
  for (const payment_channel::PaymentChannel& channel : adjudicator.channels) append_channel(channel);

  parsed_keys_.resize(2 * count);
  key_on_curve_.assign(2 * count, 0);
  for_each_index(count, threads, [&](std::size_t i) {
    const KeyPair pair = parse_pair(participant0_[i], participant1_[i]);
    for (std::size_t k = 0; k < 2; ++k) {
      parsed_keys_[2 * i + k] = pair.parsed[k];
      key_on_curve_[2 * i + k] = pair.on_curve[k];
    }
  });
}

// Appends every column but the parsed keys, and counts the channel for its participants if live.
void ChannelHub::append_channel(const payment_channel::PaymentChannel& channel) {
  const std::size_t index = channel_ids_.size();
  channel_ids_.push_back(channel.channel_id);
  participant0_.push_back(channel.participants[0]);
  participant1_.push_back(channel.participants[1]);
  balance0_.push_back(channel.balances[0]);
  balance1_.push_back(channel.balances[1]);
  total_capacity_.push_back(channel.total_capacity);
  phase_.push_back(channel.state);
  sequence_.push_back(channel.sequence);
  created_at_.push_back(channel.created_at);
  timeout_height_.push_back(channel.timeout_height);
  dispute_deadline_.push_back(channel.dispute_deadline);
  index_of_.emplace(channel.channel_id, index);  // keeps the first of duplicate ids, as the scan finds it
  if (payment_channel::is_live(channel.state)) {
    // The reference counts a channel once per key it names, even if both slots hold that key.
    ++live_channels_[channel.participants[0]];
    if (channel.participants[1] != channel.participants[0]) ++live_channels_[channel.participants[1]];
  }
}

void ChannelHub::leave_live(std::size_t index) {
  --live_channels_[participant0_[index]];
  if (participant1_[index] != participant0_[index]) --live_channels_[participant1_[index]];
}

const std::size_t* ChannelHub::find(const Hash32& channel_id) const {
  const auto found = index_of_.find(channel_id);
  return found == index_of_.end() ? nullptr : &found->second;
}

payment_channel::PaymentChannel ChannelHub::channel(std::size_t index) const {
  payment_channel::PaymentChannel channel{};
  channel.channel_id = channel_ids_[index];
  channel.participants = {participant0_[index], participant1_[index]};
  channel.balances = {balance0_[index], balance1_[index]};
  channel.total_capacity = total_capacity_[index];
  channel.state = phase_[index];
  channel.sequence = sequence_[index];
  channel.created_at = created_at_[index];
  channel.timeout_height = timeout_height_[index];
  channel.dispute_deadline = dispute_deadline_[index];
  return channel;
}

payment_channel::Adjudicator ChannelHub::to_adjudicator() const {
  payment_channel::Adjudicator adjudicator{};
  adjudicator.chain_id = chain_id_;
  adjudicator.adjudicator_id = adjudicator_id_;
  adjudicator.config = config_;
  adjudicator.channels.reserve(channel_count());
  for (std::size_t i = 0; i < channel_count(); ++i) adjudicator.channels.push_back(channel(i));
  return adjudicator;
}

// ---- The sequential pass: the reference's checks, in its order ------------------------------

std::vector<ChannelError> ChannelHub::process(std::span<const ChannelItem> stream, unsigned threads) {
  Plan prepared = prepare(stream);
  verify_signatures(stream, prepared, threads);
  std::vector<ChannelError> errors(stream.size(), ChannelError::none);
  for (std::size_t position = 0; position < stream.size(); ++position)
    errors[position] = apply(stream[position], position, prepared);
  return errors;
}

ChannelError ChannelHub::apply(const ChannelItem& item, std::size_t position, const Plan& plan) {
  const ChannelOp op = item.op();
  if (op == op_code<payment_channel::Open>) return apply_open(std::get<payment_channel::OpenInput>(item.input()), item.height(), position, plan);
  if (op == op_code<payment_channel::Fund>) return apply_fund(std::get<payment_channel::FundInput>(item.input()), item.height());
  if (is_cosigned(op))
    return apply_cosigned(op, std::get<payment_channel::OffChainTransaction>(item.input()), item.height(), position, plan);
  return apply_ref(op, std::get<payment_channel::ChannelRef>(item.input()).channel_id, item.height());
}

// spec: payment_channel.md#apply_fund
ChannelError ChannelHub::apply_fund(const payment_channel::FundInput& in, u64 height) {
  const std::size_t* index = find(in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (index == nullptr) return ChannelError::unknown_channel;
  // Verify: the channel is Opening [PC-FUND-1]
  if (phase_[*index] != ChannelState::opening) return ChannelError::fund_not_opening;
  // Verify: height < timeout_height [PC-FUND-2]
  if (height >= timeout_height_[*index]) return ChannelError::funding_expired;
  // Verify: the value paid in is exactly total_capacity [PC-FUND-3]
  if (in.value != total_capacity_[*index]) return ChannelError::fund_wrong_amount;
  phase_[*index] = ChannelState::active;
  return ChannelError::none;
}

// spec: payment_channel.md#apply_open
ChannelError ChannelHub::apply_open(const payment_channel::OpenInput& in, u64 height, std::size_t position, const Plan& plan) {
  // Verify: participants[0] != participants[1] [PC-OPEN-1]
  if (in.participants[0] == in.participants[1]) return ChannelError::same_participants;
  if (const ChannelError e = payment_channel::check_balances(in.balances, in.total_capacity); e != ChannelError::none) return e;
  // Verify: total_capacity >= min_channel_capacity [PC-OPEN-2]
  if (in.total_capacity < config_.min_channel_capacity) return ChannelError::capacity_too_small;
  // Verify: total_capacity <= max_channel_capacity [PC-OPEN-3]
  if (in.total_capacity > config_.max_channel_capacity) return ChannelError::capacity_too_large;
  // Verify: each participant has fewer than max_channels_per_user live channels [PC-OPEN-4]
  for (const Hash32& user : in.participants) {
    const auto live = live_channels_.find(user);
    const u64 count = live == live_channels_.end() ? 0 : live->second;
    if (count >= config_.max_channels_per_user) return ChannelError::too_many_channels;
  }
  const Hash32& id = plan.item_hash[position];
  // Verify: no registered channel has the derived channel_id [PC-OPEN-5]
  if (find(id) != nullptr) return ChannelError::duplicate_channel;
  if (const ChannelError e = signature_verdict(plan.verdict[position]); e != ChannelError::none) return e;

  payment_channel::PaymentChannel channel{};
  channel.channel_id = id;
  channel.participants = in.participants;
  channel.balances = in.balances;
  channel.total_capacity = in.total_capacity;
  channel.state = ChannelState::opening;
  channel.sequence = 0;
  channel.created_at = height;
  channel.timeout_height = payment_channel::saturating_add(height, config_.channel_timeout_blocks);
  channel.dispute_deadline = 0;
  append_channel(channel);
  const KeyPair& keys = plan.open_keys[plan.open_ordinal[position]];
  for (std::size_t k = 0; k < 2; ++k) {
    parsed_keys_.push_back(keys.parsed[k]);
    key_on_curve_.push_back(keys.on_curve[k]);
  }
  return ChannelError::none;
}

// spec: payment_channel.md#apply_update, #apply_cooperative_close, #apply_force_close,
// #apply_challenge: lookup, phase, (challenge: height), sequence, check_balances, check_signatures.
ChannelError ChannelHub::apply_cosigned(ChannelOp op, const payment_channel::OffChainTransaction& in, u64 height,
                                        std::size_t position, const Plan& plan) {
  const std::size_t* found = find(in.channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (found == nullptr) return ChannelError::unknown_channel;
  const std::size_t index = *found;
  const ChannelState phase = phase_[index];
  const u64 sequence = sequence_[index];
  if (op == op_code<payment_channel::Update>) {
    // Verify: the channel is Active [PC-UPD-1]
    if (phase != ChannelState::active) return ChannelError::update_not_active;
    // Verify: sequence_number > sequence [PC-UPD-2]
    if (in.sequence_number <= sequence) return ChannelError::stale_sequence;
  } else if (op == op_code<payment_channel::CooperativeClose>) {
    // Verify: the channel is Active or Disputing [PC-COOP-1]
    if (!payment_channel::holds_capacity(phase)) return ChannelError::coop_wrong_phase;
    // Verify: sequence_number > sequence [PC-COOP-2]
    if (in.sequence_number <= sequence) return ChannelError::coop_stale_sequence;
  } else if (op == op_code<payment_channel::ForceClose>) {
    // Verify: the channel is Active [PC-FORCE-1]
    if (phase != ChannelState::active) return ChannelError::force_not_active;
    // Verify: sequence_number >= sequence [PC-FORCE-2]
    if (in.sequence_number < sequence) return ChannelError::force_stale_sequence;
  } else {  // challenge
    // Verify: the channel is Disputing [PC-CHAL-1]
    if (phase != ChannelState::disputing) return ChannelError::challenge_not_disputing;
    // Verify: height < dispute_deadline [PC-CHAL-2]
    if (height >= dispute_deadline_[index]) return ChannelError::challenge_too_late;
    // Verify: sequence_number > sequence [PC-CHAL-3]
    if (in.sequence_number <= sequence) return ChannelError::challenge_stale_sequence;
  }
  if (const ChannelError e = payment_channel::check_balances(in.new_balances, total_capacity_[index]); e != ChannelError::none)
    return e;
  // Every co-signed item that gets here had a job: its channel existed before the stream or was
  // opened earlier in it, and its balances matched the capacity.
  if (const ChannelError e = signature_verdict(plan.verdict[position]); e != ChannelError::none) return e;

  sequence_[index] = in.sequence_number;
  balance0_[index] = in.new_balances[0];
  balance1_[index] = in.new_balances[1];
  if (op == op_code<payment_channel::CooperativeClose>) {
    phase_[index] = ChannelState::settled;
    leave_live(index);
  } else if (op == op_code<payment_channel::ForceClose>) {
    phase_[index] = ChannelState::disputing;
    dispute_deadline_[index] = payment_channel::saturating_add(height, config_.dispute_period_blocks);
  }
  // A challenge leaves dispute_deadline where the force-close put it.
  return ChannelError::none;
}

// spec: payment_channel.md#apply_settle, #apply_timeout
ChannelError ChannelHub::apply_ref(ChannelOp op, const Hash32& channel_id, u64 height) {
  const std::size_t* found = find(channel_id);
  // Verify: the channel is registered [PC-CHAN-1]
  if (found == nullptr) return ChannelError::unknown_channel;
  const std::size_t index = *found;
  const ChannelState phase = phase_[index];
  if (op == op_code<payment_channel::Settle>) {
    // Verify: the channel is Disputing [PC-SETTLE-1]
    if (phase != ChannelState::disputing) return ChannelError::settle_not_disputing;
    // Verify: height >= dispute_deadline [PC-SETTLE-2]
    if (height < dispute_deadline_[index]) return ChannelError::settle_too_early;
    phase_[index] = ChannelState::settled;
    leave_live(index);
    return ChannelError::none;
  }
  // Verify: the channel is Opening or Active [PC-TIMEOUT-1]
  if (phase != ChannelState::opening && phase != ChannelState::active) return ChannelError::timeout_wrong_phase;
  // Verify: height >= timeout_height [PC-TIMEOUT-2]
  if (height < timeout_height_[index]) return ChannelError::timeout_not_reached;
  if (phase == ChannelState::opening) {
    phase_[index] = ChannelState::closed;
    leave_live(index);
  } else {
    phase_[index] = ChannelState::disputing;
    dispute_deadline_[index] = payment_channel::saturating_add(height, config_.dispute_period_blocks);
  }
  return ChannelError::none;
}

Result<payment_channel::Adjudicator, ChannelError> apply_item(const payment_channel::Adjudicator& adjudicator, const ChannelItem& item) {
  ChannelHub hub(adjudicator, 1);
  const ChannelError error = hub.process(std::span<const ChannelItem>(&item, 1), 1).front();
  if (error != ChannelError::none) return error;
  return hub.to_adjudicator();
}

}  // namespace l2::opt
