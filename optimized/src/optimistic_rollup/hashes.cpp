// The optimistic rollup's tagged hashes on the optimized SHA-256 kernels: must match
// l2::ref::optimistic_rollup::account_value, state_root, transfer_digest, withdrawal_digest,
// deposit_id and forced_exit_id, and l2::ref::smt::leaf_hash and node_hash bit for bit.
// Exploits the tags' midstates and the dispatcher's finishing kernel (sha256_finish.hpp), chosen
// from the kernel the caller names: a rollup engine on the portable kernel
// (L2_FORCE_BACKEND=portable) stays portable throughout.
#include "hashes.hpp"

#include <algorithm>
#include <vector>

#include "l2/opt/sha256_finish.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"
#include "l2/ref/sha256.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/ref/verify_check.hpp"

namespace l2::opt::optimistic_rollup::detail {
namespace {

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

Tail padded(std::span<const u8> body) {
  Tail tail;
  L2_VERIFY_CHECK(body.size() + 9 <= tail.bytes.size());
  std::copy(body.begin(), body.end(), tail.bytes.begin());
  pad(tail, body.size());
  return tail;
}

Hash32 finish_one(const sha256::Kernel& kernel, const Tag& tag, const Tail& tail) {
  Hash32 out;
  finish(kernel, tag, &tail, 1, &out);
  return out;
}

}  // namespace

// The reference's SHA-256 and compression function, not the kernels': a tag's midstate is computed
// once per process, and the reference never throws (sha256::midstate_of_tag goes through the
// active kernel, which does when L2_FORCE_BACKEND names a kernel this CPU lacks).
Tag make_tag(std::string_view tag) {
  const Hash32 tag_hash = ref::sha256(tag);
  std::array<u8, 64> prefix{};
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin());
  std::copy(tag_hash.begin(), tag_hash.end(), prefix.begin() + 32);
  std::array<u32, 8> state = ref::sha256_detail::initial_state;
  ref::sha256_compress(state, prefix.data());
  return Tag{sha256::Midstate{state}};
}

const Tag& account_tag() {
  static const Tag tag = make_tag(reference::account_tag);
  return tag;
}
const Tag& state_tag() {
  static const Tag tag = make_tag(reference::state_tag);
  return tag;
}
const Tag& transfer_tag() {
  static const Tag tag = make_tag(reference::transfer_tag);
  return tag;
}
const Tag& withdrawal_tag() {
  static const Tag tag = make_tag(reference::withdrawal_tag);
  return tag;
}
const Tag& deposit_tag() {
  static const Tag tag = make_tag(reference::deposit_tag);
  return tag;
}
const Tag& forced_exit_tag() {
  static const Tag tag = make_tag(reference::forced_exit_tag);
  return tag;
}
const Tag& smt_leaf_tag() {
  static const Tag tag = make_tag(ref::smt::leaf_tag);
  return tag;
}
const Tag& smt_node_tag() {
  static const Tag tag = make_tag(ref::smt::node_tag);
  return tag;
}

void finish(const sha256::Kernel& kernel, const Tag& tag, const Tail* tails, std::size_t count, Hash32* out) {
  // One block count per call: runs of equal counts (in practice, all of them), four at a time.
  constexpr std::size_t group = 4;
  for (std::size_t first = 0; first < count;) {
    std::size_t run = 1;
    while (run < group && first + run < count && tails[first + run].blocks == tails[first].blocks) ++run;
    const u8* blocks[group];
    u8* digests[group];
    for (std::size_t j = 0; j < run; ++j) {
      blocks[j] = tails[first + j].bytes.data();
      digests[j] = out[first + j].data();
    }
    sha256::finish_many(kernel, tag.midstate, blocks, tails[first].blocks, digests, run);
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

Tail state_tail(const Hash32& accounts_root, const reference::Counters& counters) {
  Tail tail;
  u8* out = put_hash(tail.bytes.data(), accounts_root);
  out = put_u64(out, counters.deposits_credited);
  out = put_u64(out, counters.forced_exits_processed);
  pad(tail, static_cast<std::size_t>(out - tail.bytes.data()));
  return tail;
}

Tail transfer_tail(const reference::L2Params& params, const reference::Transfer& t) {
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

Tail withdrawal_tail(const reference::L2Params& params, const reference::Withdrawal& w) {
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

Hash32 account_value(const sha256::Kernel& kernel, const reference::Account& account) {
  return finish_one(kernel, account_tag(), account_tail(account.balance, account.nonce, account.owner));
}

Hash32 state_root(const sha256::Kernel& kernel, const Hash32& accounts_root, const reference::Counters& counters) {
  return finish_one(kernel, state_tag(), state_tail(accounts_root, counters));
}

Hash32 state_root(const sha256::Kernel& kernel, const reference::StateHeader& header) {
  return state_root(kernel, header.accounts_root,
                    reference::Counters{header.deposits_credited, header.forced_exits_processed});
}

// 61 or 93 bytes.
Hash32 deposit_id(const sha256::Kernel& kernel, const reference::L2Params& params, const reference::Deposit& d) {
  const Bytes body = reflect::encode(
      reference::DepositBody{params.chain_id, params.rollup_id, d.deposit_index, d.to, d.new_owner, d.amount});
  return finish_one(kernel, deposit_tag(), padded(body));
}

// 116 bytes.
Hash32 forced_exit_id(const sha256::Kernel& kernel, const reference::L2Params& params, const reference::ForcedExit& e) {
  const Bytes body = reflect::encode(reference::ForcedExitBody{params.chain_id, params.rollup_id, e.request_index,
                                                               e.from, e.requester, e.l1_recipient});
  return finish_one(kernel, forced_exit_tag(), padded(body));
}

Hash32 tagged_hash(const sha256::Kernel& kernel, std::string_view tag, std::span<const u8> message) {
  Hash32 tag_hash;
  kernel.hash_one(reinterpret_cast<const u8*>(tag.data()), tag.size(), tag_hash.data());
  std::vector<u8> preimage;
  preimage.reserve(64 + message.size());
  preimage.insert(preimage.end(), tag_hash.begin(), tag_hash.end());
  preimage.insert(preimage.end(), tag_hash.begin(), tag_hash.end());
  preimage.insert(preimage.end(), message.begin(), message.end());
  Hash32 out;
  kernel.hash_one(preimage.data(), preimage.size(), out.data());
  return out;
}

Hash32 smt_leaf_hash(const sha256::Kernel& kernel, ref::smt::Index index, const std::optional<Hash32>& value) {
  if (!value) return ref::smt::empty_leaf_hash;
  return finish_one(kernel, smt_leaf_tag(), leaf_tail(index, *value));
}

Hash32 smt_root_from_path(const sha256::Kernel& kernel, ref::smt::Index index, const Hash32& leaf_hash,
                          std::span<const Hash32, ref::smt::depth> siblings) {
  Hash32 hash = leaf_hash;
  std::array<u8, 64> pair;
  for (std::size_t height = 0; height < ref::smt::depth; ++height) {
    const bool right = ref::smt::goes_right(index, height);
    std::copy(hash.begin(), hash.end(), pair.begin() + (right ? 32 : 0));
    std::copy(siblings[height].begin(), siblings[height].end(), pair.begin() + (right ? 0 : 32));
    kernel.midstate64_many(smt_node_tag().midstate, pair.data(), hash.data(), 1);
  }
  return hash;
}

}  // namespace l2::opt::optimistic_rollup::detail
