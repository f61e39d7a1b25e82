// The optimistic rollup's tagged hashes for the rollup engine: must match
// l2::ref::optimistic_rollup::account_value, state_root, transfer_digest, withdrawal_digest and
// deposit_id, and l2::ref::smt::leaf_hash bit for bit.
// Exploits the tags' midstates and the SHA-NI lockstep finisher (rollup_finish_shani.cpp), chosen
// once at run time: used when the CPU has SHA-NI and the SHA-256 kernel in use is not the portable
// one (L2_FORCE_BACKEND=portable keeps the whole engine portable); else the reference's compression
// function.
#include "rollup_hashes.hpp"

#include <algorithm>
#include <vector>

#include "l2/opt/merkle.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/sha256.hpp"
#include "rollup_finish_kernels.hpp"

namespace l2::opt::rollup_detail {
namespace {

bool use_shani() {
  static const bool chosen = [] {
    const sha256::Kernel* shani_kernel = sha256::find_kernel("shani");
    return shani::compiled() && shani_kernel != nullptr && shani_kernel->supported() &&
           default_merkle_kernel().name != "portable";
  }();
  return chosen;
}

u8* put_u64(u8* out, u64 value) {
  for (int shift = 56; shift >= 0; shift -= 8) *out++ = static_cast<u8>(value >> shift);
  return out;
}
u8* put_u32(u8* out, u32 value) {
  for (int shift = 24; shift >= 0; shift -= 8) *out++ = static_cast<u8>(value >> shift);
  return out;
}
u8* put_hash(u8* out, const Hash32& value) { return std::copy(value.begin(), value.end(), out); }

// Pads the `length` bytes written to tail.bytes for a message of 64 + length bytes.
void pad(Tail& tail, std::size_t length) {
  tail.blocks = length + 9 <= 64 ? 1 : 2;
  tail.bytes[length] = 0x80;
  const u64 bits = (64 + u64{length}) * 8;
  put_u64(tail.bytes.data() + 64 * tail.blocks - 8, bits);
}

void finish_portable(const Tag& tag, const Tail& tail, Hash32& out) {
  std::array<u32, 8> state = tag.midstate;
  for (std::size_t block = 0; block < tail.blocks; ++block) ref::sha256_compress(state, tail.bytes.data() + 64 * block);
  for (std::size_t i = 0; i < 8; ++i) put_u32(out.data() + 4 * i, state[i]);
}

}  // namespace

Tag make_tag(std::string_view tag) {
  const Hash32 tag_hash = ref::sha256(tag);
  std::array<u8, 64> prefix{};
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin());
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin() + 32);
  Tag made{ref::sha256_detail::initial_state};
  ref::sha256_compress(made.midstate, prefix.data());
  return made;
}

const Tag& account_tag() {
  static const Tag tag = make_tag(orl::account_tag);
  return tag;
}
const Tag& state_tag() {
  static const Tag tag = make_tag(orl::state_tag);
  return tag;
}
const Tag& transfer_tag() {
  static const Tag tag = make_tag(orl::transfer_tag);
  return tag;
}
const Tag& withdrawal_tag() {
  static const Tag tag = make_tag(orl::withdrawal_tag);
  return tag;
}
const Tag& smt_leaf_tag() {
  static const Tag tag = make_tag(ref::smt::leaf_tag);
  return tag;
}

void finish(const Tag& tag, const Tail* tails, std::size_t count, Hash32* out) {
  if (!use_shani()) {
    for (std::size_t j = 0; j < count; ++j) finish_portable(tag, tails[j], out[j]);
    return;
  }
  // Lockstep needs one block count per call: runs of equal counts (in practice, all of them).
  constexpr std::size_t lockstep = 4;
  for (std::size_t first = 0; first < count;) {
    std::size_t run = 1;
    while (run < lockstep && first + run < count && tails[first + run].blocks == tails[first].blocks) ++run;
    const unsigned char* blocks[lockstep];
    unsigned char* digests[lockstep];
    for (std::size_t j = 0; j < run; ++j) {
      blocks[j] = tails[first + j].bytes.data();
      digests[j] = out[first + j].data();
    }
    shani::finish_lockstep(tag.midstate.data(), blocks, tails[first].blocks, digests, run);
    first += run;
  }
}

Tail account_tail(u64 balance, u64 nonce, const Hash32& owner) {
  Tail tail;
  u8* out = put_u64(tail.bytes.data(), balance);
  out = put_u64(out, nonce);
  out = put_hash(out, owner);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Tail state_tail(const Hash32& accounts_root, u64 deposits_credited) {
  Tail tail;
  u8* out = put_hash(tail.bytes.data(), accounts_root);
  out = put_u64(out, deposits_credited);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Tail transfer_tail(const orl::L2Params& params, const orl::Transfer& t) {
  Tail tail;
  u8* out = put_u64(tail.bytes.data(), params.chain_id);
  out = put_hash(out, params.rollup_id);
  out = put_u32(out, t.from);
  out = put_u32(out, t.to);
  out = put_u64(out, t.amount);
  out = put_u64(out, t.fee);
  out = put_u64(out, t.nonce);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Tail withdrawal_tail(const orl::L2Params& params, const orl::Withdrawal& w) {
  Tail tail;
  u8* out = put_u64(tail.bytes.data(), params.chain_id);
  out = put_hash(out, params.rollup_id);
  out = put_u32(out, w.from);
  out = put_hash(out, w.l1_recipient);
  out = put_u64(out, w.amount);
  out = put_u64(out, w.fee);
  out = put_u64(out, w.nonce);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Tail leaf_tail(ref::smt::Index index, const Hash32& value) {
  Tail tail;
  u8* out = put_u32(tail.bytes.data(), index);
  out = put_hash(out, value);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Hash32 account_value(u64 balance, u64 nonce, const Hash32& owner) {
  const Tail tail = account_tail(balance, nonce, owner);
  Hash32 out;
  finish(account_tag(), &tail, 1, &out);
  return out;
}

Hash32 state_root(const Hash32& accounts_root, u64 deposits_credited) {
  const Tail tail = state_tail(accounts_root, deposits_credited);
  Hash32 out;
  finish(state_tag(), &tail, 1, &out);
  return out;
}

Hash32 deposit_id(const orl::L2Params& params, const orl::Deposit& d) {
  const Bytes body =
      reflect::encode(orl::DepositBody{params.chain_id, params.rollup_id, d.deposit_index, d.to, d.new_owner, d.amount});
  static const Hash32 tag_hash = ref::sha256(orl::deposit_tag);
  std::vector<u8> message(tag_hash.begin(), tag_hash.end());
  message.insert(message.end(), tag_hash.begin(), tag_hash.end());
  message.insert(message.end(), body.begin(), body.end());
  Hash32 out;
  default_merkle_kernel().hash_one(message.data(), message.size(), out.data());
  return out;
}

}  // namespace l2::opt::rollup_detail
