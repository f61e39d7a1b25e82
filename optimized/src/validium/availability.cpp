// The DA check of the optimized Validium engine: must match the DA rules of
// l2::ref::validium::apply_verify_availability (reference/include/l2/ref/validium.hpp) bit for bit,
// VD-DA-1..4 in the reference's order. The reference checks every signer's membership before any
// signature (VD-DA-2 before VD-DA-3) and reports VD-DA-3 whichever signature fails, so the
// signatures may be verified in any order and on any thread: here one task per distinct signer,
// which parses the key once and verifies each of that signer's entries.
// spec: validium.md#apply_verify_availability, validium.md#engines-and-missing-faces
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstddef>
#include <memory>
#include <numeric>
#include <optional>
#include <vector>

#include <tbb/task_arena.h>

#include "../tagged_message.hpp"
#include "../threads.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/validium.hpp"

namespace l2::opt::validium {
namespace {

namespace reference = ref::validium;

// da_digest(chain_id, validium_id, batch_number, data_root) (zk_rollup_contract.hpp): the tagged
// hash of the canonical DaDigestPreimage, from the tag's midstate.
Hash32 da_digest(const reference::Validium& v, const reference::DAProof& proof) {
  static const sha256::Midstate midstate = detail::make_midstate(ref::zk_rollup::da_tag);
  return detail::Message(8 + 32 + 8 + 32)
      .u64_field(v.rollup.chain_id)
      .bytes_field(v.rollup.rollup_id)
      .u64_field(proof.batch_number)
      .bytes_field(proof.data_root)
      .digest(midstate);
}

// ref::validium::is_member: a binary search where the members ascend, as VD-COM-2 makes every
// committee a contract holds; a linear scan otherwise, so that the answer is the reference's on
// any committee.
class Membership {
 public:
  explicit Membership(const std::vector<Hash32>& members)
      : members_(members), ascending_(std::is_sorted(members.begin(), members.end())) {}

  bool contains(const Hash32& key) const {
    if (ascending_) return std::binary_search(members_.begin(), members_.end(), key);
    return std::find(members_.begin(), members_.end(), key) != members_.end();
  }

 private:
  const std::vector<Hash32>& members_;
  bool ascending_;
};

// Runs work() inside an arena of at most `threads` TBB threads (0: the default arena). A DA check
// takes about half a millisecond, so the arena is made once per calling thread and thread count
// and kept, rather than made per call as detail::in_arena does for calls a thousand times longer.
template <class Work>
void in_kept_arena(unsigned threads, const Work& work) {
  if (threads == 0) {
    work();
    return;
  }
  thread_local unsigned kept_threads = 0;
  thread_local std::unique_ptr<tbb::task_arena> kept;
  if (!kept || kept_threads != threads) {
    kept = std::make_unique<tbb::task_arena>(static_cast<int>(std::min<unsigned>(threads, INT_MAX)));
    kept_threads = threads;
  }
  kept->execute(work);
}

// check_availability with the proof's digest already hashed.
ValidiumError check_with_digest(const reference::Validium& v, const reference::DAProof& proof, const Hash32& digest,
                                unsigned threads) {
  const std::vector<reference::CommitteeSignature>& signatures = proof.signatures;
  const std::size_t count = signatures.size();
  // VD-DA-1: 1 <= len(signatures) <= len(committee.members)
  if (count == 0 || count > v.committee.members.size()) return ValidiumError::da_signature_count;

  // VD-DA-2: every signer a member, over the whole list before any signature.
  const Membership membership(v.committee.members);
  for (const reference::CommitteeSignature& entry : signatures)
    if (!membership.contains(entry.signer)) return ValidiumError::da_not_member;

  // The entries grouped by signer: each group is one distinct signer (VD-DA-4) and one task.
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return signatures[a].signer < signatures[b].signer; });
  std::vector<std::size_t> group_starts;
  group_starts.reserve(count + 1);
  for (std::size_t i = 0; i < count; ++i)
    if (i == 0 || signatures[order[i]].signer != signatures[order[i - 1]].signer) group_starts.push_back(i);
  const std::size_t distinct = group_starts.size();
  group_starts.push_back(count);

  // VD-DA-3: every signature its signer's BIP-340 signature of the digest. A key off the curve
  // fails every signature under it, as the reference's verify fails it (SIG-VER-1).
  std::atomic<bool> failed{false};
  const auto verify_groups = [&](std::size_t begin, std::size_t end) {
    for (std::size_t g = begin; g < end && !failed.load(std::memory_order_relaxed); ++g) {
      const std::optional<schnorr::ParsedPubkey> key = schnorr::parse_pubkey(signatures[order[group_starts[g]]].signer);
      bool valid = key.has_value();
      for (std::size_t i = group_starts[g]; valid && i < group_starts[g + 1]; ++i)
        valid = schnorr::verify_parsed(*key, digest, signatures[order[i]].signature);
      if (!valid) failed.store(true, std::memory_order_relaxed);
    }
  };
  // One signer per task: a verification takes tens of microseconds, far above a task's cost.
  const bool parallel = threads != 1 && distinct > 1;
  if (parallel) {
    in_kept_arena(threads, [&] { detail::for_each_chunk(distinct, 1, true, verify_groups); });
  } else {
    verify_groups(0, distinct);
  }
  if (failed.load()) return ValidiumError::da_bad_signature;

  // VD-DA-4: at least committee.threshold distinct signers.
  if (distinct < v.committee.threshold) return ValidiumError::da_below_threshold;
  return ValidiumError::none;
}

}  // namespace

ValidiumError check_availability(const reference::Validium& v, const reference::DAProof& proof, unsigned threads) {
  return check_with_digest(v, proof, da_digest(v, proof), threads);
}

reference::Transition apply_verify_availability(const reference::Validium& v,
                                                const reference::VerifyAvailabilityInput& in,
                                                const reference::Env& env, unsigned threads) {
  // VD-LIVE-1, VD-LIVE-2: the reference's own check, a flag and a scan of the priority queue.
  if (const ValidiumError e = reference::check_live(v, env); e != ValidiumError::none) return e;
  const Hash32 digest = da_digest(v, in.proof);
  if (const ValidiumError e = check_with_digest(v, in.proof, digest, threads); e != ValidiumError::none) return e;

  reference::ValidiumEffects effects = reference::effects_of(v);
  std::vector<Hash32>& attestations = effects.contract.rollup.data_attestations;
  // The same attestation again is accepted and records nothing new.
  if (std::find(attestations.begin(), attestations.end(), digest) == attestations.end()) attestations.push_back(digest);
  return effects;
}

}  // namespace l2::opt::validium
