// The parts of a state channel that its applications read: the fixed part, the variable part, the
// mover of a turn, and the AppCheck concept an application satisfies. Shared by the adjudicator
// (state_channel.hpp) and the channel VM (channel_vm.hpp), which runs applications as bytecode.
// spec: state_channel.md#state
#pragma once

#include <concepts>
#include <cstddef>
#include <vector>

#include <boost/hana/define_struct.hpp>

#include "l2/ref/bytes.hpp"
#include "l2/ref/reflect.hpp"

namespace l2::ref::state_channel {

// What never changes in a channel; its hash is the channel_id. spec: state_channel.md#fixedpart
struct FixedPart {
  BOOST_HANA_DEFINE_STRUCT(FixedPart, (u64, chain_id), (Hash32, adjudicator_id), (std::vector<Hash32>, participants),
                           (u64, channel_nonce), (Hash32, app_definition), (u64, challenge_duration));
};

// What a move changes. outcome[i] is what participants[i] is paid if the channel finalizes on this
// state. spec: state_channel.md#variablepart
struct VariablePart {
  BOOST_HANA_DEFINE_STRUCT(VariablePart, (u64, turn), (Bytes, app_data), (std::vector<u64>, outcome), (bool, is_final));
};

// The participant who signs the state of turn `turn` when it is a move. Contract: the channel has
// a participant. spec: state_channel.md#mover
constexpr std::size_t mover_index(const FixedPart& fixed, u64 turn) {
  return static_cast<std::size_t>(turn % fixed.participants.size());
}

// An AppCheck runs a channel's application: `knows` says whether the adjudicator can run the
// application an app_definition names, and `valid_move` whether `to` is a valid move from `from`.
// spec: state_channel.md#applications
template <class F>
concept AppCheck = requires(const F& app, const Hash32& app_definition, const FixedPart& fixed,
                            const VariablePart& from, const VariablePart& to) {
  { app.knows(app_definition) } -> std::same_as<bool>;
  { app.valid_move(fixed, from, to) } -> std::same_as<bool>;
};

// The consensus application, app_definition all zeros: no move is valid, so a state is supported
// only when every participant signed it. It makes the channel a plain n-party payment channel, as
// Nitro's ConsensusApp does. spec: state_channel.md#applications
inline constexpr Hash32 consensus_app{};

}  // namespace l2::ref::state_channel
