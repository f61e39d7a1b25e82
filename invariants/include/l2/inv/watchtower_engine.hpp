// The watchtower's model engine (spec: watchtower.md#the-model-engine): the tower's own operations,
// register_user, appoint, release and respond, as a Z3 transition relation over one concrete
// pre-state and input. The relation holds every rule of spec/watchtower.md in the reference's order
// of checks (the first failing rule gives the error code) and every effect: registration and
// quotas, per-user duplicate locators, blob sizes, heights, find_latest's unrolled search with its
// choice of the latest state among the appointments it opens, and what release and respond remove.
// The solver's model gives the error code and the post-state, and a second check proves no other
// outcome is admitted.
//
// Cryptography is not modelled: BIP-340 verification, opening a blob under a key, deriving locators
// and keys, and hashing are computed outside Z3 and enter the relation as oracle values, as the
// payment-channel engine's SignatureOracle does. Hashes and blobs enter as interned identifiers
// (equal values, equal identifiers), since the rules only compare them. A response's challenge on
// the adjudicator goes through the payment-channel model's engine.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "l2/inv/payment_channel_model.hpp"
#include "l2/ref/watchtower.hpp"

namespace l2::inv::watchtower {

// The input of one of the tower's own operations.
using TowerInput = std::variant<ref::watchtower::RegisterUserInput, ref::watchtower::AppointInput, ref::watchtower::ReleaseInput, ref::watchtower::RespondInput>;

// Opens an appointment's blob: ChaCha20-Poly1305 with `key`, the zero nonce and `locator` as the
// associated data. The plaintext, or nullopt when the tag does not verify.
using BlobOpener = std::function<std::optional<Bytes>(const Hash32& key, const Hash32& locator, const Bytes& blob)>;

// The reference's ChaCha20-Poly1305 (l2/ref/chacha20_poly1305.hpp) as a BlobOpener.
BlobOpener reference_blob_opener();

// The most appointments a response's search is unrolled over, and the most distinct states the
// appointments can open to; a larger step is reported as a problem, never guessed.
inline constexpr std::size_t max_searched_appointments = 32;
inline constexpr std::size_t max_searched_states = 64;
// The most users, appointments or channels any step may hold.
inline constexpr std::size_t max_list_size = 1024;

class Engine {
 public:
  // `signatures` decides BIP-340 (for appointments, releases and the states a search opens, and in
  // the payment-channel engine that registers a response); `open_blob` decides the AEAD.
  explicit Engine(payment_channel::SignatureOracle signatures = ref::payment_channel::Bip340Check{},
                  BlobOpener open_blob = reference_blob_opener());
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  struct Outcome {
    WatchtowerError error = WatchtowerError::none;
    ref::watchtower::WatchtowerWorld post;  // the pre-state when error != none
    bool ambiguous = false;    // the model admits more than one outcome (never expected)
    std::string problem;       // why the step could not be modelled; empty when it was
  };
  // The outcome of the tower's operation `input` on `pre`, included on chain at `height` (only a
  // response reads it).
  Outcome apply(const ref::watchtower::WatchtowerWorld& pre, const TowerInput& input, u64 height);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace l2::inv::watchtower
