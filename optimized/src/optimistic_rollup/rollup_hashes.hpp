// The optimistic rollup's tagged hashes for the rollup engine: must match
// l2::ref::optimistic_rollup::account_value, state_root, transfer_digest, withdrawal_digest and
// deposit_id, and l2::ref::smt::leaf_hash (reference/include/l2/ref/) bit for bit.
// Exploits each tag's midstate (the 64-byte prefix SHA256(tag) || SHA256(tag) compressed once), so
// that an account value, a leaf hash or a state root is one compression and a digest two, and
// SHA-NI with up to four messages in lockstep (rollup_finish_shani.cpp) where the CPU has it.
// Internal to optimized/src.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "l2/ref/optimistic_rollup.hpp"

namespace l2::opt::rollup_detail {

namespace orl = ref::optimistic_rollup;

// The chaining state after a tag's 64-byte prefix.
struct Tag {
  std::array<std::uint32_t, 8> midstate;
};
Tag make_tag(std::string_view tag);

const Tag& account_tag();     // "L2/optimistic_rollup/account"
const Tag& state_tag();       // "L2/optimistic_rollup/state"
const Tag& transfer_tag();    // "L2/optimistic_rollup/transfer"
const Tag& withdrawal_tag();  // "L2/optimistic_rollup/withdrawal"
const Tag& smt_leaf_tag();    // "L2/smt/leaf"

// A tagged hash's message after the tag prefix, padded (FIPS 180-4 §5.1.1, for a message of
// 64 + length bytes) to one block, or two if the length exceeds 55.
struct Tail {
  alignas(16) std::array<u8, 128> bytes{};
  std::size_t blocks = 0;
};

// out[j] = the tagged hash under `tag` of tails[j], for j < count: four at a time in lockstep.
void finish(const Tag& tag, const Tail* tails, std::size_t count, Hash32* out);

// The encodings, as tails. spec: optimistic_rollup.md#account (48 bytes), #state_root (40),
// #transfer_digest (72), #withdrawal_digest (100); merkle.md#smt-leaf_hash (36).
Tail account_tail(u64 balance, u64 nonce, const Hash32& owner);
Tail state_tail(const Hash32& accounts_root, u64 deposits_credited);
Tail transfer_tail(const orl::L2Params& params, const orl::Transfer& t);
Tail withdrawal_tail(const orl::L2Params& params, const orl::Withdrawal& w);
Tail leaf_tail(ref::smt::Index index, const Hash32& value);

// One hash at a time.
Hash32 account_value(u64 balance, u64 nonce, const Hash32& owner);
Hash32 state_root(const Hash32& accounts_root, u64 deposits_credited);
// spec: optimistic_rollup.md#deposit_id. Rare next to transfers, and its encoding has an optional,
// so it goes through the reference's encoder and the kernels' single-message path.
Hash32 deposit_id(const orl::L2Params& params, const orl::Deposit& d);

}  // namespace l2::opt::rollup_detail
