// Stable error codes of the primitives, each tied to one spec rule ID.
// The string names are what vectors carry; they never change once released.
// spec: primitives.md#errors
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace l2 {

enum class PrimitiveError : std::uint8_t {
  none = 0,
  merkle_index_out_of_range,        // MRK-INC-1
  merkle_proof_length,              // MRK-INC-2
  merkle_root_mismatch,             // MRK-INC-3
  merkle_consistency_sizes,         // MRK-CON-1
  merkle_consistency_proof_length,  // MRK-CON-2
  merkle_consistency_mismatch,      // MRK-CON-3
  smt_root_mismatch,                // SMT-PRF-1
  smt_leaf_not_empty,               // SMT-NON-1
  sig_secret_key_range,             // SIG-KEY-1
  sig_pubkey_not_on_curve,          // SIG-VER-1
  sig_r_out_of_range,               // SIG-VER-2
  sig_s_out_of_range,               // SIG-VER-3
  sig_invalid,                      // SIG-VER-4
  u64_add_overflow,                 // CHK-ADD-1
  u64_sub_underflow,                // CHK-SUB-1
  u64_mul_overflow,                 // CHK-MUL-1
  u64_mul_div_overflow,             // CHK-MULDIV-1
  aead_input_too_short,             // AEAD-OPEN-1
  aead_tag_mismatch,                // AEAD-OPEN-2
};

struct ErrorInfo {
  std::string_view code;     // stable name carried by vectors
  std::string_view rule_id;  // the spec rule whose check returns it
  std::string_view summary;  // one line
};

constexpr ErrorInfo error_info(PrimitiveError e) {
  switch (e) {
    case PrimitiveError::none: return {"OK", "", "no error"};
    case PrimitiveError::merkle_index_out_of_range:
      return {"MERKLE_INDEX_OUT_OF_RANGE", "MRK-INC-1", "leaf index is not below the tree size"};
    case PrimitiveError::merkle_proof_length:
      return {"MERKLE_PROOF_LENGTH", "MRK-INC-2", "inclusion proof has the wrong number of hashes for (index, size)"};
    case PrimitiveError::merkle_root_mismatch:
      return {"MERKLE_ROOT_MISMATCH", "MRK-INC-3", "inclusion proof does not lead to the expected root"};
    case PrimitiveError::merkle_consistency_sizes:
      return {"MERKLE_CONSISTENCY_SIZES", "MRK-CON-1", "consistency needs 0 < old size <= new size"};
    case PrimitiveError::merkle_consistency_proof_length:
      return {"MERKLE_CONSISTENCY_PROOF_LENGTH", "MRK-CON-2", "consistency proof has the wrong number of hashes"};
    case PrimitiveError::merkle_consistency_mismatch:
      return {"MERKLE_CONSISTENCY_MISMATCH", "MRK-CON-3", "consistency proof does not reproduce both roots"};
    case PrimitiveError::smt_root_mismatch:
      return {"SMT_ROOT_MISMATCH", "SMT-PRF-1", "sparse-tree proof does not lead to the expected root"};
    case PrimitiveError::smt_leaf_not_empty:
      return {"SMT_LEAF_NOT_EMPTY", "SMT-NON-1", "non-membership claimed for a slot that holds a value"};
    case PrimitiveError::sig_secret_key_range:
      return {"SIG_SECRET_KEY_RANGE", "SIG-KEY-1", "secret key is 0 or not below the group order n"};
    case PrimitiveError::sig_pubkey_not_on_curve:
      return {"SIG_PUBKEY_NOT_ON_CURVE", "SIG-VER-1", "public key x is not below p or has no point on the curve"};
    case PrimitiveError::sig_r_out_of_range:
      return {"SIG_R_OUT_OF_RANGE", "SIG-VER-2", "signature r is not below the field size p"};
    case PrimitiveError::sig_s_out_of_range:
      return {"SIG_S_OUT_OF_RANGE", "SIG-VER-3", "signature s is not below the group order n"};
    case PrimitiveError::sig_invalid:
      return {"SIG_INVALID", "SIG-VER-4", "R = s*G - e*P is infinite, has odd y, or x(R) != r"};
    case PrimitiveError::u64_add_overflow:
      return {"U64_ADD_OVERFLOW", "CHK-ADD-1", "a + b exceeds UINT64_MAX"};
    case PrimitiveError::u64_sub_underflow:
      return {"U64_SUB_UNDERFLOW", "CHK-SUB-1", "a - b is negative"};
    case PrimitiveError::u64_mul_overflow:
      return {"U64_MUL_OVERFLOW", "CHK-MUL-1", "a * b exceeds UINT64_MAX"};
    case PrimitiveError::u64_mul_div_overflow:
      return {"U64_MUL_DIV_OVERFLOW", "CHK-MULDIV-1", "denominator is 0 or floor(a * b / d) exceeds UINT64_MAX"};
    case PrimitiveError::aead_input_too_short:
      return {"AEAD_INPUT_TOO_SHORT", "AEAD-OPEN-1", "sealed input is shorter than the 16-byte tag"};
    case PrimitiveError::aead_tag_mismatch:
      return {"AEAD_TAG_MISMATCH", "AEAD-OPEN-2", "Poly1305 tag over the aad and ciphertext differs from the received tag"};
  }
  return {"UNKNOWN", "", "unknown error"};
}

inline constexpr std::array<PrimitiveError, 19> all_primitive_errors = {
    PrimitiveError::merkle_index_out_of_range, PrimitiveError::merkle_proof_length,
    PrimitiveError::merkle_root_mismatch,      PrimitiveError::merkle_consistency_sizes,
    PrimitiveError::merkle_consistency_proof_length, PrimitiveError::merkle_consistency_mismatch,
    PrimitiveError::smt_root_mismatch,         PrimitiveError::smt_leaf_not_empty,
    PrimitiveError::sig_secret_key_range,      PrimitiveError::sig_pubkey_not_on_curve,
    PrimitiveError::sig_r_out_of_range,        PrimitiveError::sig_s_out_of_range,
    PrimitiveError::sig_invalid,               PrimitiveError::u64_add_overflow,
    PrimitiveError::u64_sub_underflow,         PrimitiveError::u64_mul_overflow,
    PrimitiveError::u64_mul_div_overflow,      PrimitiveError::aead_input_too_short,
    PrimitiveError::aead_tag_mismatch};

}  // namespace l2
