// Optimized lock adjudicator of the channel network, "the hub with locks": must match the fold of
// l2::ref::channel_network::Operations (apply_open, apply_update, apply_cooperative_close,
// apply_force_close, apply_challenge, apply_settle, apply_reveal_secret and apply_resolve_lock in
// reference/include/l2/ref/channel_network.hpp) over a stream of inputs: the same error code for
// every input and the same adjudicator after every input, bit for bit.
// Exploits oneTBB threads across every signature of the stream (verified up front: a signature's
// validity depends only on key, digest and signature, and a channel's keys never change),
// libsecp256k1 with each channel's keys parsed once, for the point conditions (each distinct one
// decompressed once per stream) and the secrets revealed, the dispatched SHA-256 continuing each
// tag's midstate for the signed digests, and hash indexes from channel_id to channel and from
// condition to revelation (the reference scans both lists).
// spec: channel_network.md#on-chain-the-lock-adjudicator
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "l2/opt/schnorr.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_network.hpp"
#include "l2/ref/result.hpp"

namespace l2::opt::channel_network {

// The adjudicator's operations and their codes, as the reference's table defines them.
using Operations = ref::channel_network::Operations;
using NetworkOp = Operations::Code;
template <class Op>
inline constexpr NetworkOp op_code = Operations::code_of<Op>();
constexpr std::string_view op_name(NetworkOp op) { return Operations::name(op); }

// One input of a stream: an operation, its reference input struct and the L1 height it is
// included at. Built only through `of<Op>`, so the operation always matches the input's type.
class NetworkItem {
 public:
  using Input = Operations::InputVariant;

  template <class Op>
  static NetworkItem of(const typename Op::Input& input, u64 height) {
    return NetworkItem(op_code<Op>, height, input);
  }

  NetworkOp op() const { return op_; }
  u64 height() const { return height_; }
  // The op's reference input struct (Op::Input of the op the code names).
  const Input& input() const { return input_; }

 private:
  NetworkItem(NetworkOp op, u64 height, Input input) : op_(op), height_(height), input_(std::move(input)) {}

  NetworkOp op_;
  u64 height_;
  Input input_;
};

// A channel's participants after lift_x; on_curve[k] == 0 when participant k is no x coordinate on
// the curve (every signature under it then fails, as in the reference).
struct ParsedKeys {
  std::array<schnorr::ParsedPubkey, 2> parsed{};
  std::array<u8, 2> on_curve{};
};

// The lock adjudicator of many channels, laid out for throughput. It converts losslessly from and
// to ref::channel_network::NetworkAdjudicator: channels and revelations keep their order, so the
// exported adjudicator's state_root is the reference's.
class Hub {
 public:
  // Called after each item with its position in the stream and its error (none if accepted); the
  // hub then holds the state the reference reaches after that item, and to_adjudicator() may be
  // called on it.
  using ItemObserver = std::function<void(std::size_t position, NetworkError error)>;

  // Loads `adjudicator` (any state the reference can represent, reachable or not) and parses its
  // participants' keys on at most `threads` TBB threads (0 = TBB's default).
  explicit Hub(const ref::channel_network::NetworkAdjudicator& adjudicator, unsigned threads = 0);

  ref::channel_network::NetworkAdjudicator to_adjudicator() const;

  // Applies the items in order. errors[i] is the code the reference returns for stream[i] applied
  // to the state left by stream[0 .. i), NetworkError::none if accepted; a rejected item changes
  // nothing. The signatures of the whole stream (and its point conditions and revealed secrets) are
  // checked first, on at most `threads` TBB threads (0 = TBB's default, 1 = the calling thread
  // only); results never depend on `threads`.
  std::vector<NetworkError> process(std::span<const NetworkItem> stream, unsigned threads = 0,
                                    const ItemObserver& after_item = {});

  std::size_t channel_count() const { return channels_.size(); }
  // The channel at `index` (< channel_count()), as the reference stores it.
  const ref::channel_network::LockedChannel& channel(std::size_t index) const { return channels_[index]; }
  std::size_t revelation_count() const { return revelations_.size(); }

 private:
  // Channel ids are tagged hashes: their first word spreads them already.
  struct IdHash {
    std::size_t operator()(const Hash32& key) const;
  };
  // Conditions in the registry opened under a secret, so neither part is chosen freely; all 33
  // bytes are mixed anyway.
  struct ConditionHash {
    std::size_t operator()(const ref::channel_network::LockCondition& key) const;
  };
  // What the pre-pass found for one stream; see hub.cpp.
  struct Plan;

  Plan prepare(std::span<const NetworkItem> stream) const;
  void precheck(std::span<const NetworkItem> stream, Plan& plan, unsigned threads) const;
  NetworkError apply(const NetworkItem& item, std::size_t position, const Plan& plan);
  NetworkError apply_open(const NetworkItem& item, std::size_t position, const Plan& plan);
  NetworkError apply_state(const NetworkItem& item, std::size_t position, const Plan& plan);
  NetworkError apply_cooperative_close(const NetworkItem& item, std::size_t position, const Plan& plan);
  NetworkError apply_settle(const ref::channel_network::ChannelRef& in, u64 height);
  NetworkError apply_reveal_secret(const ref::channel_network::RevealInput& in, u64 height, std::size_t position,
                                   const Plan& plan);
  NetworkError apply_resolve_lock(const ref::channel_network::ResolveInput& in, u64 height, const Plan& plan);
  NetworkError check_state(const ref::channel_network::LockedState& state, const ref::channel_network::LockedChannel& channel,
                           const Plan& plan) const;
  NetworkError signatures_of(const NetworkItem& item, std::size_t position, const ParsedKeys& keys,
                             const Plan& plan) const;
  const std::size_t* find(const Hash32& channel_id) const;
  void append_channel(ref::channel_network::LockedChannel channel, const ParsedKeys& keys);
  void append_revelation(ref::channel_network::Revelation revelation);

  u64 chain_id_;
  Hash32 adjudicator_id_;
  ref::channel_network::NetworkConfig config_;

  // The channels in the order of open, as the reference holds them, and their parsed keys.
  std::vector<ref::channel_network::LockedChannel> channels_;
  std::vector<ParsedKeys> keys_;
  // The registry in the order of reveal.
  std::vector<ref::channel_network::Revelation> revelations_;

  // channel_id -> index of the first channel with that id (the one the reference's scan finds).
  std::unordered_map<Hash32, std::size_t, IdHash> channel_index_;
  // condition -> index of its first revelation (the one the reference's scan finds).
  std::unordered_map<ref::channel_network::LockCondition, std::size_t, ConditionHash> revelation_index_;
};

// Loads `adjudicator` into a hub, processes the one item and exports: the hub as a drop-in for the
// reference's Op::apply. One thread.
Result<ref::channel_network::NetworkAdjudicator, NetworkError> apply_item(
    const ref::channel_network::NetworkAdjudicator& adjudicator, const NetworkItem& item);

}  // namespace l2::opt::channel_network
