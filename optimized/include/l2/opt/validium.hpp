// Optimized Validium engine: must match l2::ref::validium (reference/include/l2/ref/validium.hpp)
// bit for bit:
//   - check_availability: the DA rules of ref::validium::apply_verify_availability, VD-DA-1..4 in
//     the reference's order (the count, then membership over the whole list, then every signature,
//     then the distinct signers against the threshold), the same ValidiumError for every committee
//     and proof, reachable or not;
//   - apply_verify_availability: ref::validium::apply_verify_availability with BIP-340, the same
//     ValidiumError (VD-LIVE-1, VD-LIVE-2, then the DA rules) or the same ValidiumEffects.
// Exploits: the DA digest hashed once from the tag's midstate on the dispatched SHA-256 kernel;
// membership by binary search over the committee's ascending members (VD-COM-2; a committee out of
// order, which no contract holds, is searched linearly, with the same answer); each distinct signer's
// key parsed (lift_x) once however often it is listed; and the signatures checked with libsecp256k1
// on oneTBB threads, one task per distinct signer verifying all its entries, every task stopping once
// any signature has failed.
// spec: validium.md#engines-and-missing-faces
#pragma once

#include "l2/ref/validium.hpp"

namespace l2::opt::validium {

// The DA rules VD-DA-1..4 of ref::validium::apply_verify_availability(v, {caller, proof}, env):
// none when the proof attests proof.data_root for proof.batch_number, else the first failing
// rule's code. The signatures are verified on at most `threads` TBB threads (0 = TBB's default,
// 1 = the calling thread only); no result depends on it.
ValidiumError check_availability(const ref::validium::Validium& v, const ref::validium::DAProof& proof,
                                 unsigned threads = 0);

// ref::validium::apply_verify_availability(v, in, env) with BIP-340 as the signature check: the
// frozen rule (VD-LIVE-1, VD-LIVE-2), check_availability, then the digest recorded in
// rollup.data_attestations unless already there. `threads` as for check_availability.
ref::validium::Transition apply_verify_availability(const ref::validium::Validium& v,
                                                    const ref::validium::VerifyAvailabilityInput& in,
                                                    const ref::validium::Env& env, unsigned threads = 0);

}  // namespace l2::opt::validium
