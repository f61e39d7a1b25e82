// The optimistic rollup's tagged hashes on the optimized SHA-256 kernels: must match
// l2::ref::optimistic_rollup::account_value, state_root, transfer_digest, withdrawal_digest,
// deposit_id and forced_exit_id, and l2::ref::smt::leaf_hash and node_hash
// (reference/include/l2/ref/) bit for bit.
// Exploits each tag's midstate (the 64-byte prefix SHA256(tag) || SHA256(tag) compressed once), so
// that an account value or a leaf hash is one compression, a state root or a digest two, and the
// dispatcher's finishing kernel (sha256_finish.hpp: SHA-NI with up to four messages in lockstep
// where the CPU has it, else portable) for every hash.
// Internal to optimized/src.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "l2/opt/sha256.hpp"
#include "l2/ref/optimistic_rollup.hpp"

namespace l2::opt::optimistic_rollup::detail {

namespace reference = ref::optimistic_rollup;

// The chaining state after a tag's 64-byte prefix.
struct Tag {
  sha256::Midstate midstate;
};
Tag make_tag(std::string_view tag);

const Tag& account_tag();      // "L2/optimistic_rollup/account"
const Tag& state_tag();        // "L2/optimistic_rollup/state"
const Tag& transfer_tag();     // "L2/optimistic_rollup/transfer"
const Tag& withdrawal_tag();   // "L2/optimistic_rollup/withdrawal"
const Tag& deposit_tag();      // "L2/optimistic_rollup/deposit"
const Tag& forced_exit_tag();  // "L2/optimistic_rollup/forced_exit"
const Tag& smt_leaf_tag();     // "L2/smt/leaf"
const Tag& smt_node_tag();     // "L2/smt/node"

// A tagged hash's message after the tag prefix, padded (FIPS 180-4 §5.1.1, for a message of
// 64 + length bytes) to one block, or two if the length exceeds 55.
struct Tail {
  alignas(16) std::array<u8, 128> bytes{};
  std::size_t blocks = 0;
};

// out[j] = the tagged hash under `tag` of tails[j], for j < count, through sha256::finish_many with
// `kernel` (runs of equal block counts in one call).
void finish(const sha256::Kernel& kernel, const Tag& tag, const Tail* tails, std::size_t count, Hash32* out);

// The encodings, as tails. spec: optimistic_rollup.md#account (48 bytes), #state_root (48),
// #transfer_digest (72), #withdrawal_digest (100); merkle.md#smt-leaf_hash (36).
Tail account_tail(u64 balance, u64 nonce, const Hash32& owner);
Tail state_tail(const Hash32& accounts_root, const reference::Counters& counters);
Tail transfer_tail(const reference::L2Params& params, const reference::Transfer& t);
Tail withdrawal_tail(const reference::L2Params& params, const reference::Withdrawal& w);
Tail leaf_tail(ref::smt::Index index, const Hash32& value);

// One hash at a time.
Hash32 account_value(const sha256::Kernel& kernel, const reference::Account& account);
Hash32 state_root(const sha256::Kernel& kernel, const Hash32& accounts_root, const reference::Counters& counters);
Hash32 state_root(const sha256::Kernel& kernel, const reference::StateHeader& header);
// spec: optimistic_rollup.md#deposit_id, #forced_exit_id. Rare next to transfers, and the deposit's
// encoding has an optional, so both bodies come from the reference's encoder.
Hash32 deposit_id(const sha256::Kernel& kernel, const reference::L2Params& params, const reference::Deposit& d);
Hash32 forced_exit_id(const sha256::Kernel& kernel, const reference::L2Params& params, const reference::ForcedExit& e);

// The tagged hash of a message of any length (the evidence commitment, a batch id).
Hash32 tagged_hash(const sha256::Kernel& kernel, std::string_view tag, std::span<const u8> message);

// The sparse tree's leaf hash of a slot holding `value` (nullopt: the empty leaf, 32 zero bytes), and
// the root a path leads to from it: spec: merkle.md#root_from_proof. `siblings` leaf level first.
Hash32 smt_leaf_hash(const sha256::Kernel& kernel, ref::smt::Index index, const std::optional<Hash32>& value);
Hash32 smt_root_from_path(const sha256::Kernel& kernel, ref::smt::Index index, const Hash32& leaf_hash,
                          std::span<const Hash32, ref::smt::depth> siblings);

}  // namespace l2::opt::optimistic_rollup::detail
