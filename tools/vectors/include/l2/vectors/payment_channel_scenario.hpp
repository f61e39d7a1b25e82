// Shared pieces of the vector generators whose state embeds the payment-channel adjudicator
// (watchtower, channel_factory): the payment-channel ops lifted onto the embedding state, a case
// list with stable addresses, and the case's keys. spec: watchtower.md, channel_factory.md
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "l2/ref/payment_channel.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors::pc_scenario {

namespace pc = ref::payment_channel;

// The payment-channel defaults every embedding mechanism's vectors use (payment_channel.md).
inline pc::Layer2Config default_config() {
  pc::Layer2Config config{};
  config.max_channels_per_user = 2;
  config.channel_timeout_blocks = 1000;
  config.dispute_period_blocks = 144;
  config.min_channel_capacity = 1000;
  config.max_channel_capacity = 1'000'000;
  config.censorship_bound_blocks = 6;
  config.allocation_window_blocks = 100;
  return config;
}

// Heights every payment-channel scenario uses: open at 100 (timeout_height 1100), fund at 101,
// force-close at 200 (dispute_deadline 344: the last block for a challenge is 343, the first for
// settle 344).
inline constexpr u64 open_height = 100;
inline constexpr u64 fund_height = 101;
inline constexpr u64 timeout_height = 1100;
inline constexpr u64 force_height = 200;
inline constexpr u64 deadline = 344;

// Which digest a co-signed state is signed over: state_digest or close_digest.
enum class Digest { state, close };

// A deployed adjudicator on chain 1 whose id derives from the case seed.
inline pc::Adjudicator empty_adjudicator(const Hash32& seed, const pc::Layer2Config& config) {
  return pc::Adjudicator{1, ref::tagged_hash("L2/vectors/adjudicator", seed), config, {}};
}

// The case's keys: key i is secret_from_seed(case seed, i). Signatures use aux_rand = 0.
template <std::size_t N>
class Keys {
 public:
  explicit Keys(const Hash32& seed) {
    for (std::size_t i = 0; i < N; ++i) {
      secret_[i] = ref::bip340::secret_from_seed(seed, static_cast<u32>(i));
      pubkey_[i] = ref::bip340::pubkey_from_secret(secret_[i]).value();
    }
  }
  const Hash32& pubkey(std::size_t i) const { return pubkey_[i]; }
  pc::Signature sign(std::size_t signer, const Hash32& digest) const {
    return ref::bip340::sign(secret_[signer], digest, Hash32{}).value();
  }

 private:
  std::array<Hash32, N> secret_{};
  std::array<Hash32, N> pubkey_{};
};

}  // namespace l2::vectors::pc_scenario
