// Optimized state-channel adjudicator, the batch engine: must match the fold of
// l2::ref::state_channel::Operations (apply_open, apply_deposit, apply_checkpoint, apply_challenge,
// apply_respond, apply_conclude and apply_withdraw in reference/include/l2/ref/state_channel.hpp)
// over a stream of inputs: the same error code for every input and the same adjudicator after every
// input, bit for bit.
// Exploits oneTBB threads across every signature of the stream, verified up front with each
// participant's key parsed once: a signature's verdict depends only on key, digest and signature,
// and a channel's keys are its fixed part's, which its channel_id determines (so an item's keys are
// known before the items ahead of it are applied). Channels are found by a hash index instead of
// the reference's scan, and updated in place.
// spec: state_channel.md#transitions
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "l2/opt/channel_vm.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/stream_item.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/channel_vm.hpp"
#include "l2/ref/result.hpp"
#include "l2/ref/state_channel.hpp"

namespace l2::opt::state_channel {

using Operations = ref::state_channel::Operations;
using Item = StreamItem<Operations>;
template <class Op>
inline constexpr Operations::Code op_code = Operations::code_of<Op>();

// Applications given at run time, the reference's AppCheck as two functions: what a test runs in
// place of the adjudicator's own (the consensus application and the deployed VM programs).
struct Applications {
  std::function<bool(const Hash32& app_definition)> knows;
  std::function<bool(const ref::state_channel::FixedPart& fixed, const ref::state_channel::VariablePart& from,
                     const ref::state_channel::VariablePart& to)>
      valid_move;
};

// The reference's AppCheck over Applications, so that the reference and the engine can be run on
// the same applications.
struct ApplicationsCheck {
  const Applications* applications;
  bool knows(const Hash32& app_definition) const { return applications->knows(app_definition); }
  bool valid_move(const ref::state_channel::FixedPart& fixed, const ref::state_channel::VariablePart& from,
                  const ref::state_channel::VariablePart& to) const {
    return applications->valid_move(fixed, from, to);
  }
};

// The adjudicator of many channels, laid out for throughput. It converts losslessly from and to
// ref::state_channel::Adjudicator: channels keep their order, so the exported adjudicator's
// state_root is the reference's.
class Engine {
 public:
  // Loads `adjudicator` (any state the reference can represent, reachable or not). Moves are judged
  // by its applications (ref::state_channel::apps_of), or by `applications` when given.
  explicit Engine(const ref::state_channel::Adjudicator& adjudicator,
                  std::optional<Applications> applications = std::nullopt);

  ref::state_channel::Adjudicator to_adjudicator() const;

  // Applies the items in order. errors[i] is the code the reference returns for stream[i] applied
  // to the state left by stream[0 .. i), StateChannelError::none if accepted; a rejected item
  // changes nothing. The signatures of the whole stream are verified first, on at most `threads`
  // TBB threads (0 = TBB's default, 1 = the calling thread only); results never depend on `threads`.
  std::vector<StateChannelError> process(std::span<const Item> stream, unsigned threads = 0);

  std::size_t channel_count() const { return channels_.size(); }
  const ref::state_channel::Channel& channel(std::size_t index) const { return channels_[index]; }

  // What the pre-pass found for one item; see engine.cpp.
  struct Verdicts;

 private:
  // Channel ids are tagged hashes: their first word spreads them already.
  struct IdHash {
    std::size_t operator()(const Hash32& key) const;
  };

  StateChannelError apply(const Item& item, const Verdicts& verdicts);
  StateChannelError apply_deploy_app(const ref::state_channel::DeployAppInput& in);
  bool knows(const Hash32& app_definition) const;
  bool valid_move(const ref::state_channel::FixedPart& fixed, const ref::state_channel::VariablePart& from,
                  const ref::state_channel::VariablePart& to) const;
  StateChannelError apply_open(const ref::state_channel::OpenInput& in, const Verdicts& verdicts);
  StateChannelError apply_deposit(const ref::state_channel::DepositInput& in, u64 height);
  StateChannelError apply_proof(Operations::Code op, const Hash32& channel_id,
                                const std::vector<ref::state_channel::SignedState>& proof, u64 height,
                                const ref::state_channel::ChallengeInput* challenge, const Verdicts& verdicts);
  StateChannelError apply_conclude(const ref::state_channel::ConcludeInput& in, u64 height, const Verdicts& verdicts);
  StateChannelError apply_withdraw(const ref::state_channel::WithdrawInput& in, u64 height);
  StateChannelError check_support(const ref::state_channel::Channel& channel,
                                  const std::vector<ref::state_channel::SignedState>& proof,
                                  const Verdicts& verdicts) const;
  ref::state_channel::Channel* find(const Hash32& channel_id);

  u64 chain_id_;
  Hash32 adjudicator_id_;
  ref::state_channel::StateChannelConfig config_;
  std::optional<Applications> override_;
  // The deployed programs in the order of deployment, and each one validated, by app_definition.
  std::vector<ref::state_channel::AppProgram> apps_;
  std::unordered_map<Hash32, channel_vm::Program, IdHash> programs_;
  std::unordered_set<Hash32, IdHash> invalid_;
  // The channels in the order of open, as the reference holds them, and their participants' keys
  // after lift_x (nullopt for a key that is no x coordinate on the curve: every signature under it
  // fails, as in the reference).
  std::vector<ref::state_channel::Channel> channels_;
  std::vector<std::vector<std::optional<schnorr::ParsedPubkey>>> keys_;
  // channel_id -> index of the first channel with that id (the one the reference's scan finds).
  std::unordered_map<Hash32, std::size_t, IdHash> index_;
};

// Loads `adjudicator` into an engine, processes the one item and exports: the engine as a drop-in
// for the reference's Op::apply. One thread.
Result<ref::state_channel::Adjudicator, StateChannelError> apply_item(
    const ref::state_channel::Adjudicator& adjudicator, const Item& item,
    std::optional<Applications> applications = std::nullopt);

}  // namespace l2::opt::state_channel
