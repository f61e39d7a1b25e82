// Stable error codes of the primitives, each tied to one spec rule ID.
// The string names are what vectors carry; they never change once released.
// spec: primitives.md#errors
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "l2/ref/error_table.hpp"

namespace l2 {

#define L2_PRIMITIVE_ERRORS(X) \
  X(merkle_index_out_of_range, "MRK-INC-1", "leaf index is not below the tree size") \
  X(merkle_proof_length, "MRK-INC-2", "inclusion proof has the wrong number of hashes for (index, size)") \
  X(merkle_root_mismatch, "MRK-INC-3", "inclusion proof does not lead to the expected root") \
  X(merkle_consistency_sizes, "MRK-CON-1", "consistency needs 0 < old size <= new size") \
  X(merkle_consistency_proof_length, "MRK-CON-2", "consistency proof has the wrong number of hashes") \
  X(merkle_consistency_mismatch, "MRK-CON-3", "consistency proof does not reproduce both roots") \
  X(smt_root_mismatch, "SMT-PRF-1", "sparse-tree proof does not lead to the expected root") \
  X(smt_leaf_not_empty, "SMT-NON-1", "non-membership claimed for a slot that holds a value") \
  X(sig_secret_key_range, "SIG-KEY-1", "secret key is 0 or not below the group order n") \
  X(sig_pubkey_not_on_curve, "SIG-VER-1", "public key x is not below p or has no point on the curve") \
  X(sig_r_out_of_range, "SIG-VER-2", "signature r is not below the field size p") \
  X(sig_s_out_of_range, "SIG-VER-3", "signature s is not below the group order n") \
  X(sig_invalid, "SIG-VER-4", "R = s*G - e*P is infinite, has odd y, or x(R) != r") \
  X(u64_add_overflow, "CHK-ADD-1", "a + b exceeds UINT64_MAX") \
  X(u64_sub_underflow, "CHK-SUB-1", "a - b is negative") \
  X(u64_mul_overflow, "CHK-MUL-1", "a * b exceeds UINT64_MAX") \
  X(u64_mul_div_overflow, "CHK-MULDIV-1", "denominator is 0 or floor(a * b / d) exceeds UINT64_MAX") \
  X(aead_input_too_short, "AEAD-OPEN-1", "sealed input is shorter than the 16-byte tag") \
  X(aead_tag_mismatch, "AEAD-OPEN-2", "Poly1305 tag over the aad and ciphertext differs from the received tag")
L2_ERROR_ENUM(PrimitiveError, "", L2_PRIMITIVE_ERRORS)

inline constexpr auto all_primitive_errors = all_errors(PrimitiveError{});

}  // namespace l2
