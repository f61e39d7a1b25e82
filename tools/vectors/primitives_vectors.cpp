// Vectors for the primitives: SHA-256, tagged hashes, RFC 6962 trees, the sparse Merkle tree,
// BIP-340 Schnorr, checked uint64 arithmetic and the ChaCha20-Poly1305 AEAD. Each op runs on the
// reference and, where an engine exists, on the optimized library. spec: primitives.md,
// merkle.md, crypto_schnorr.md
#include <boost/hana.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "l2/inv/registry.hpp"
#include "l2/opt/aead.hpp"
#include "l2/opt/merkle.hpp"
#include "l2/opt/merkle_proofs.hpp"
#include "l2/opt/schnorr.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/chacha20_poly1305.hpp"
#include "l2/ref/checked.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/errors.hpp"
#include "l2/ref/merkle.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/ref/sparse_merkle.hpp"
#include "l2/vectors/bip340_published_vectors.hpp"
#include "l2/vectors/rfc8439_published_vectors.hpp"
#include "l2/vectors/typed_ops.hpp"

namespace l2::vectors {
namespace primitives_vectors {

// ---- Inputs and outputs, declared once: encoding, JSON and state roots derive from these. ----

struct MessageInput {
  BOOST_HANA_DEFINE_STRUCT(MessageInput, (Bytes, message));
};
struct TaggedInput {
  BOOST_HANA_DEFINE_STRUCT(TaggedInput, (std::string, tag), (Bytes, message));
};
struct DigestOutput {
  BOOST_HANA_DEFINE_STRUCT(DigestOutput, (Hash32, digest));
};
struct Accepted {
  BOOST_HANA_DEFINE_STRUCT(Accepted, (bool, accepted));
};
struct LeavesInput {
  BOOST_HANA_DEFINE_STRUCT(LeavesInput, (std::vector<Bytes>, leaves));
};
struct RootOutput {
  BOOST_HANA_DEFINE_STRUCT(RootOutput, (u64, tree_size), (Hash32, root));
};
struct InclusionProofInput {
  BOOST_HANA_DEFINE_STRUCT(InclusionProofInput, (std::vector<Bytes>, leaves), (u64, index));
};
struct Inclusion {
  BOOST_HANA_DEFINE_STRUCT(Inclusion, (u64, index), (u64, tree_size), (Hash32, leaf_hash),
                           (std::vector<Hash32>, proof), (Hash32, root));
};
struct ConsistencyProofInput {
  BOOST_HANA_DEFINE_STRUCT(ConsistencyProofInput, (std::vector<Bytes>, leaves), (u64, old_size));
};
struct Consistency {
  BOOST_HANA_DEFINE_STRUCT(Consistency, (u64, old_size), (u64, new_size), (Hash32, old_root), (Hash32, new_root),
                           (std::vector<Hash32>, proof));
};
struct SmtLeaf {
  BOOST_HANA_DEFINE_STRUCT(SmtLeaf, (u32, index), (Hash32, value));
};
// The sparse tree as a state: its leaves in ascending index order and its root. A pre-state's
// root is not trusted; every step recomputes it.
struct SmtState {
  BOOST_HANA_DEFINE_STRUCT(SmtState, (std::vector<SmtLeaf>, leaves), (Hash32, root));
};
struct SmtSetInput {
  BOOST_HANA_DEFINE_STRUCT(SmtSetInput, (u32, index), (std::optional<Hash32>, value));
};
struct SmtProveInput {
  BOOST_HANA_DEFINE_STRUCT(SmtProveInput, (std::vector<SmtLeaf>, leaves), (u32, index));
};
// A sparse-tree path: exactly one sibling per level, so a proof of another length does not decode
// (spec: merkle.md#smt-proof). The rollup's AccountWitness carries the same type.
using SmtSiblings = std::array<Hash32, ref::smt::depth>;
struct SmtOpening {
  BOOST_HANA_DEFINE_STRUCT(SmtOpening, (Hash32, root), (u32, index), (std::optional<Hash32>, value),
                           (SmtSiblings, siblings));
};
struct SmtUpdateInput {
  BOOST_HANA_DEFINE_STRUCT(SmtUpdateInput, (Hash32, old_root), (u32, index), (std::optional<Hash32>, old_value),
                           (std::optional<Hash32>, new_value), (SmtSiblings, siblings));
};
struct SmtRootOutput {
  BOOST_HANA_DEFINE_STRUCT(SmtRootOutput, (Hash32, root));
};
struct SecretKeyInput {
  BOOST_HANA_DEFINE_STRUCT(SecretKeyInput, (Hash32, secret_key));
};
struct PubkeyOutput {
  BOOST_HANA_DEFINE_STRUCT(PubkeyOutput, (Hash32, pubkey));
};
struct SignInput {
  BOOST_HANA_DEFINE_STRUCT(SignInput, (Hash32, secret_key), (Bytes, message), (Hash32, aux_rand));
};
struct SignOutput {
  BOOST_HANA_DEFINE_STRUCT(SignOutput, (Hash32, pubkey), (ByteArray<64>, signature));
};
struct VerifyInput {
  BOOST_HANA_DEFINE_STRUCT(VerifyInput, (Hash32, pubkey), (Bytes, message), (ByteArray<64>, signature));
};
struct U64PairInput {
  BOOST_HANA_DEFINE_STRUCT(U64PairInput, (u64, a), (u64, b));
};
struct MulDivInput {
  BOOST_HANA_DEFINE_STRUCT(MulDivInput, (u64, a), (u64, numerator), (u64, denominator));
};
struct U64Output {
  BOOST_HANA_DEFINE_STRUCT(U64Output, (u64, value));
};
struct AeadSealInput {
  BOOST_HANA_DEFINE_STRUCT(AeadSealInput, (ByteArray<32>, key), (ByteArray<12>, nonce), (Bytes, aad), (Bytes, plaintext));
};
struct AeadSealOutput {
  BOOST_HANA_DEFINE_STRUCT(AeadSealOutput, (Bytes, ciphertext_and_tag));
};
struct AeadOpenInput {
  BOOST_HANA_DEFINE_STRUCT(AeadOpenInput, (ByteArray<32>, key), (ByteArray<12>, nonce), (Bytes, aad),
                           (Bytes, ciphertext_and_tag));
};
struct AeadOpenOutput {
  BOOST_HANA_DEFINE_STRUCT(AeadOpenOutput, (Bytes, plaintext));
};

// One value of every field kind, for the canonical-decoding vectors (spec: encoding.md#decoding).
enum class SamplePhase : u8 { opening, active, closed };
L2_REFLECT_ENUM(SamplePhase, opening, active, closed);
struct SampleInner {
  BOOST_HANA_DEFINE_STRUCT(SampleInner, (u16, weight), (std::optional<u32>, limit));
};
struct EncodingSample {
  BOOST_HANA_DEFINE_STRUCT(EncodingSample, (u8, version), (u64, amount), (bool, flag), (SamplePhase, phase),
                           (ByteArray<4>, tag), (Bytes, payload), (std::string, label), (std::vector<u32>, items),
                           (std::vector<SampleInner>, inners));
};
struct DecodeInput {
  BOOST_HANA_DEFINE_STRUCT(DecodeInput, (Bytes, encoding));
};

// The JSON mapping's vectors (spec: encoding.md#json-mapping): a JSON text, as its bytes so that
// text which is not UTF-8 can be carried too, read as the type named `type`.
struct JsonDecodeInput {
  BOOST_HANA_DEFINE_STRUCT(JsonDecodeInput, (std::string, type), (Bytes, document));
};
struct EncodingOutput {
  BOOST_HANA_DEFINE_STRUCT(EncodingOutput, (Bytes, encoding));
};

// Reads a JSON text strictly as T and returns its canonical encoding.
template <class T>
Result<Bytes, codec::JsonError> json_to_encoding(std::string_view text) {
  const auto value = codec::parse_json<T>(text);
  if (!value.ok()) return value.error();
  return reflect::encode(value.value());
}

using JsonReader = Result<Bytes, codec::JsonError> (*)(std::string_view text);

// The types json_decode reads, by their names in the type notation of spec/encoding.md.
const std::vector<std::pair<std::string_view, JsonReader>>& json_decode_types() {
  static const std::vector<std::pair<std::string_view, JsonReader>> types = {
      {"u8", json_to_encoding<u8>},
      {"u16", json_to_encoding<u16>},
      {"u32", json_to_encoding<u32>},
      {"u64", json_to_encoding<u64>},
      {"bool", json_to_encoding<bool>},
      {"string", json_to_encoding<std::string>},
      {"bytes", json_to_encoding<Bytes>},
      {"bytes4", json_to_encoding<ByteArray<4>>},
      {"hash32", json_to_encoding<Hash32>},
      {"[u32]", json_to_encoding<std::vector<u32>>},
      {"[u16; 2]", json_to_encoding<std::array<u16, 2>>},
      {"optional u64", json_to_encoding<std::optional<u64>>},
      {"sample_phase", json_to_encoding<SamplePhase>},
      {"sample_inner", json_to_encoding<SampleInner>},
      {"sample", json_to_encoding<EncodingSample>},
  };
  return types;
}

using Error = PrimitiveError;
template <class In, class Out>
using Fn = PureFn<In, Out, Error>;

// ---- Conversions shared by both implementations ----

std::vector<Hash32> ref_leaf_hashes(const std::vector<Bytes>& leaves) {
  std::vector<Hash32> out;
  out.reserve(leaves.size());
  for (const Bytes& leaf : leaves) out.push_back(ref::rfc6962::leaf_hash(leaf));
  return out;
}

std::vector<Hash32> opt_leaf_hashes(const std::vector<Bytes>& leaves) {
  const std::vector<std::span<const u8>> views(leaves.begin(), leaves.end());
  std::vector<Hash32> out(leaves.size());
  opt::rfc6962::leaf_hashes(opt::default_merkle_kernel(), views, out);
  return out;
}

ref::smt::Proof proof_of(u32 index, const SmtSiblings& siblings) { return ref::smt::Proof{index, siblings}; }
opt::smt::Proof opt_proof_of(u32 index, const SmtSiblings& siblings) { return opt::smt::Proof{index, siblings}; }

Error opt_verify_membership(const Hash32& root, const opt::smt::Proof& proof, const Hash32& value) {
  return opt::smt::verify_membership(root, proof, value);
}

// The smt_verify_membership op over either implementation's verify_membership (and its Proof).
template <class Verify, class ProofOf>
Result<Accepted, Error> membership_claim(const SmtOpening& in, const Verify& verify, const ProofOf& proof_of_opening) {
  // A membership claim without a value claims no membership: whatever the siblings, it reaches
  // no root as a member (spec: merkle.md#verify_membership).
  // Verify: the opening names a value [SMT-PRF-1]
  if (!in.value) return Error::smt_root_mismatch;
  const Error error = verify(in.root, proof_of_opening(in.index, in.siblings), *in.value);
  if (error != Error::none) return error;
  return Accepted{true};
}

std::vector<ref::smt::Leaf> leaves_of(const std::vector<SmtLeaf>& leaves) {
  std::vector<ref::smt::Leaf> out;
  for (const SmtLeaf& leaf : leaves) out.emplace_back(leaf.index, leaf.value);
  return out;
}

SmtState state_of(std::span<const ref::smt::Leaf> leaves, const Hash32& root) {
  SmtState state;
  for (const auto& [index, value] : leaves) state.leaves.push_back(SmtLeaf{index, value});
  state.root = root;
  return state;
}

ref::smt::Tree ref_tree_of(const std::vector<SmtLeaf>& leaves) {
  ref::smt::Tree tree;
  for (const SmtLeaf& leaf : leaves) tree.set(leaf.index, leaf.value);
  return tree;
}

opt::smt::Tree opt_tree_of(const std::vector<SmtLeaf>& leaves) {
  std::vector<opt::smt::Update> updates;
  for (const SmtLeaf& leaf : leaves) updates.push_back({leaf.index, leaf.value});
  opt::smt::Tree tree;
  tree.apply_batch(updates);
  return tree;
}

Hash32 smt_state_root(const SmtState& state) { return state.root; }

// ---- Op handlers ----

std::vector<OpHandler> ops() {
  std::vector<OpHandler> list;

  list.push_back(stateless_op<MessageInput, DigestOutput, Error>(
      "sha256", "SHA-256 of a message [HASH-SHA256-1]",
      Fn<MessageInput, DigestOutput>([](const MessageInput& in) -> Result<DigestOutput, Error> {
        return DigestOutput{ref::sha256(in.message)};
      }),
      Fn<MessageInput, DigestOutput>([](const MessageInput& in) -> Result<DigestOutput, Error> {
        return DigestOutput{opt::sha256::hash(in.message)};
      })));

  list.push_back(stateless_op<TaggedInput, DigestOutput, Error>(
      "tagged_hash", "BIP-340 tagged hash [HASH-TAG-1]",
      Fn<TaggedInput, DigestOutput>([](const TaggedInput& in) -> Result<DigestOutput, Error> {
        return DigestOutput{ref::tagged_hash(in.tag, in.message)};
      }),
      Fn<TaggedInput, DigestOutput>([](const TaggedInput& in) -> Result<DigestOutput, Error> {
        const Hash32 tag_hash = opt::sha256::hash(bytes_of(in.tag));
        Bytes whole(tag_hash.begin(), tag_hash.end());
        append(whole, tag_hash);
        append(whole, in.message);
        return DigestOutput{opt::sha256::hash(whole)};
      })));

  list.push_back(stateless_op<LeavesInput, RootOutput, Error>(
      "rfc6962_root", "RFC 6962 Merkle tree hash of a list [MRK-ROOT-1]",
      Fn<LeavesInput, RootOutput>([](const LeavesInput& in) -> Result<RootOutput, Error> {
        return RootOutput{in.leaves.size(), ref::rfc6962::root(in.leaves)};
      }),
      Fn<LeavesInput, RootOutput>([](const LeavesInput& in) -> Result<RootOutput, Error> {
        return RootOutput{in.leaves.size(), opt::rfc6962::root(std::span<const Bytes>(in.leaves))};
      })));

  list.push_back(stateless_op<InclusionProofInput, Inclusion, Error>(
      "rfc6962_inclusion_proof", "RFC 6962 audit path of one leaf [MRK-INC-1]",
      Fn<InclusionProofInput, Inclusion>([](const InclusionProofInput& in) -> Result<Inclusion, Error> {
        const auto hashes = ref_leaf_hashes(in.leaves);
        // Verify: index < tree size [MRK-INC-1]
        if (in.index >= hashes.size()) return Error::merkle_index_out_of_range;
        return Inclusion{in.index, hashes.size(), hashes[in.index], ref::rfc6962::inclusion_proof(hashes, in.index),
                         ref::rfc6962::root_from_leaf_hashes(hashes)};
      }),
      Fn<InclusionProofInput, Inclusion>([](const InclusionProofInput& in) -> Result<Inclusion, Error> {
        const auto hashes = opt_leaf_hashes(in.leaves);
        const opt::rfc6962::Tree tree(hashes);
        auto proof = tree.inclusion_proof(in.index);
        if (!proof.ok()) return proof.error();
        return Inclusion{in.index, tree.size(), hashes[in.index], std::move(proof).value(), tree.root()};
      })));

  list.push_back(stateless_op<Inclusion, Accepted, Error>(
      "rfc6962_verify_inclusion", "RFC 6962 inclusion proof check [MRK-INC-1..3]",
      Fn<Inclusion, Accepted>([](const Inclusion& in) -> Result<Accepted, Error> {
        const Error error = ref::rfc6962::verify_inclusion(in.index, in.tree_size, in.leaf_hash, in.proof, in.root);
        if (error != Error::none) return error;
        return Accepted{true};
      }),
      Fn<Inclusion, Accepted>([](const Inclusion& in) -> Result<Accepted, Error> {
        const Error error = opt::rfc6962::verify_inclusion(in.index, in.tree_size, in.leaf_hash, in.proof, in.root);
        if (error != Error::none) return error;
        return Accepted{true};
      })));

  list.push_back(stateless_op<ConsistencyProofInput, Consistency, Error>(
      "rfc6962_consistency_proof", "RFC 6962 consistency proof between two sizes [MRK-CON-1]",
      Fn<ConsistencyProofInput, Consistency>([](const ConsistencyProofInput& in) -> Result<Consistency, Error> {
        const auto hashes = ref_leaf_hashes(in.leaves);
        // Verify: 0 < old size <= new size [MRK-CON-1]
        if (in.old_size == 0 || in.old_size > hashes.size()) return Error::merkle_consistency_sizes;
        const std::span<const Hash32> old_part(hashes.data(), in.old_size);
        return Consistency{in.old_size, hashes.size(), ref::rfc6962::root_from_leaf_hashes(old_part),
                           ref::rfc6962::root_from_leaf_hashes(hashes), ref::rfc6962::consistency_proof(hashes, in.old_size)};
      }),
      Fn<ConsistencyProofInput, Consistency>([](const ConsistencyProofInput& in) -> Result<Consistency, Error> {
        const opt::rfc6962::Tree tree(opt_leaf_hashes(in.leaves));
        auto proof = tree.consistency_proof(in.old_size);
        if (!proof.ok()) return proof.error();
        const auto old_root = tree.root_of_first(in.old_size);
        if (!old_root.ok()) return old_root.error();
        return Consistency{in.old_size, tree.size(), old_root.value(), tree.root(), std::move(proof).value()};
      })));

  list.push_back(stateless_op<Consistency, Accepted, Error>(
      "rfc6962_verify_consistency", "RFC 6962 consistency proof check [MRK-CON-1..3]",
      Fn<Consistency, Accepted>([](const Consistency& in) -> Result<Accepted, Error> {
        const Error error = ref::rfc6962::verify_consistency(in.old_size, in.new_size, in.old_root, in.new_root, in.proof);
        if (error != Error::none) return error;
        return Accepted{true};
      }),
      Fn<Consistency, Accepted>([](const Consistency& in) -> Result<Accepted, Error> {
        const Error error = opt::rfc6962::verify_consistency(in.old_size, in.new_size, in.old_root, in.new_root, in.proof);
        if (error != Error::none) return error;
        return Accepted{true};
      })));

  list.push_back(transition_op<SmtState, SmtSetInput, Error>(
      "smt_set", "write (or erase, with a null value) one slot of the sparse tree [SMT-UPD-1]",
      TransitionFn<SmtState, SmtSetInput, Error>([](const SmtState& state, const SmtSetInput& in, u64) -> Result<SmtState, Error> {
        ref::smt::Tree tree = ref_tree_of(state.leaves);
        if (in.value) tree.set(in.index, *in.value);
        else tree.erase(in.index);
        return state_of(tree.leaves(), tree.root());
      }),
      TransitionFn<SmtState, SmtSetInput, Error>([](const SmtState& state, const SmtSetInput& in, u64) -> Result<SmtState, Error> {
        opt::smt::Tree tree = opt_tree_of(state.leaves);
        const opt::smt::Update update{in.index, in.value};
        tree.apply_batch(std::span<const opt::smt::Update>(&update, 1));
        std::map<u32, Hash32> leaves;  // last write wins, as in the engine
        for (const SmtLeaf& leaf : state.leaves) leaves[leaf.index] = leaf.value;
        if (in.value) leaves[in.index] = *in.value;
        else leaves.erase(in.index);
        SmtState out;
        for (const auto& [index, value] : leaves) out.leaves.push_back(SmtLeaf{index, value});
        out.root = tree.root();
        return out;
      }),
      std::function<Hash32(const SmtState&)>(smt_state_root)));

  list.push_back(stateless_op<SmtProveInput, SmtOpening, Error>(
      "smt_prove", "open one slot of the sparse tree: its value (or none) and siblings [SMT-ROOT-1]",
      Fn<SmtProveInput, SmtOpening>([](const SmtProveInput& in) -> Result<SmtOpening, Error> {
        const ref::smt::Tree tree = ref_tree_of(in.leaves);
        return SmtOpening{tree.root(), in.index, tree.get(in.index), tree.prove(in.index).siblings};
      }),
      Fn<SmtProveInput, SmtOpening>([](const SmtProveInput& in) -> Result<SmtOpening, Error> {
        const opt::smt::Tree tree = opt_tree_of(in.leaves);
        return SmtOpening{tree.root(), in.index, tree.get(in.index), tree.prove(in.index).siblings};
      })));

  list.push_back(stateless_op<SmtOpening, Accepted, Error>(
      "smt_verify_membership", "check that a slot holds a value under a root [SMT-PRF-1]",
      Fn<SmtOpening, Accepted>([](const SmtOpening& in) -> Result<Accepted, Error> {
        return membership_claim(in, ref::smt::verify_membership, proof_of);
      }),
      Fn<SmtOpening, Accepted>([](const SmtOpening& in) -> Result<Accepted, Error> {
        return membership_claim(in, opt_verify_membership, opt_proof_of);
      })));

  list.push_back(stateless_op<SmtOpening, Accepted, Error>(
      "smt_verify_non_membership", "check that a slot is empty under a root [SMT-PRF-1, SMT-NON-1]",
      Fn<SmtOpening, Accepted>([](const SmtOpening& in) -> Result<Accepted, Error> {
        const Error error = ref::smt::verify_non_membership(in.root, proof_of(in.index, in.siblings), in.value);
        if (error != Error::none) return error;
        return Accepted{true};
      }),
      Fn<SmtOpening, Accepted>([](const SmtOpening& in) -> Result<Accepted, Error> {
        const Error error = opt::smt::verify_non_membership(in.root, opt_proof_of(in.index, in.siblings), in.value);
        if (error != Error::none) return error;
        return Accepted{true};
      })));

  list.push_back(stateless_op<SmtUpdateInput, SmtRootOutput, Error>(
      "smt_update_from_proof", "stateless single-slot update checked against the old root [SMT-UPD-1]",
      Fn<SmtUpdateInput, SmtRootOutput>([](const SmtUpdateInput& in) -> Result<SmtRootOutput, Error> {
        const auto root =
            ref::smt::verified_root_after_update(in.old_root, proof_of(in.index, in.siblings), in.old_value, in.new_value);
        if (!root.ok()) return root.error();
        return SmtRootOutput{root.value()};
      }),
      Fn<SmtUpdateInput, SmtRootOutput>([](const SmtUpdateInput& in) -> Result<SmtRootOutput, Error> {
        const auto root =
            opt::smt::update_from_proof(in.old_root, opt_proof_of(in.index, in.siblings), in.old_value, in.new_value);
        if (!root.ok()) return root.error();
        return SmtRootOutput{root.value()};
      })));

  list.push_back(stateless_op<SecretKeyInput, PubkeyOutput, Error>(
      "schnorr_pubkey", "BIP-340 x-only public key of a secret key [SIG-KEY-1]",
      Fn<SecretKeyInput, PubkeyOutput>([](const SecretKeyInput& in) -> Result<PubkeyOutput, Error> {
        const auto pubkey = ref::bip340::pubkey_from_secret(in.secret_key);
        if (!pubkey.ok()) return pubkey.error();
        return PubkeyOutput{pubkey.value()};
      }),
      Fn<SecretKeyInput, PubkeyOutput>([](const SecretKeyInput& in) -> Result<PubkeyOutput, Error> {
        const auto pubkey = opt::schnorr::pubkey_from_secret(in.secret_key);
        if (!pubkey.ok()) return pubkey.error();
        return PubkeyOutput{pubkey.value()};
      })));

  list.push_back(stateless_op<SignInput, SignOutput, Error>(
      "schnorr_sign", "BIP-340 signature with auxiliary randomness [SIG-KEY-1, SIG-SIGN-1]",
      Fn<SignInput, SignOutput>([](const SignInput& in) -> Result<SignOutput, Error> {
        // sign checks the secret key itself [SIG-KEY-1]; the public key is derived after it.
        const auto signature = ref::bip340::sign(in.secret_key, in.message, in.aux_rand);
        if (!signature.ok()) return signature.error();
        const auto pubkey = ref::bip340::pubkey_from_secret(in.secret_key);
        if (!pubkey.ok()) return pubkey.error();
        return SignOutput{pubkey.value(), signature.value()};
      }),
      Fn<SignInput, SignOutput>([](const SignInput& in) -> Result<SignOutput, Error> {
        // sign checks the secret key itself [SIG-KEY-1]; the public key is derived after it.
        const auto signature = opt::schnorr::sign(in.secret_key, in.message, in.aux_rand);
        if (!signature.ok()) return signature.error();
        const auto pubkey = opt::schnorr::pubkey_from_secret(in.secret_key);
        if (!pubkey.ok()) return pubkey.error();
        return SignOutput{pubkey.value(), signature.value()};
      })));

  list.push_back(stateless_op<VerifyInput, Accepted, Error>(
      "schnorr_verify", "BIP-340 verification [SIG-VER-1..4]",
      Fn<VerifyInput, Accepted>([](const VerifyInput& in) -> Result<Accepted, Error> {
        const Error error = ref::bip340::verify(in.pubkey, in.message, in.signature);
        if (error != Error::none) return error;
        return Accepted{true};
      }),
      Fn<VerifyInput, Accepted>([](const VerifyInput& in) -> Result<Accepted, Error> {
        const Error error = opt::schnorr::verify(in.pubkey, in.message, in.signature);
        if (error != Error::none) return error;
        return Accepted{true};
      })));

  {
    // Decoding has its own error codes (reflect::DecodeErrorCode), so this handler is written out.
    OpHandler decode;
    decode.op = "canonical_decode";
    decode.summary = "decode the canonical encoding of the sample type [ENC-*]";
    decode.apply = [](Impl impl, const json& state, const json& input, u64) -> StepResult {
      if (impl != Impl::reference) return StepResult{false, {}};
      if (!state.is_null()) return StepResult{true, Outcome::malformed("this operation takes no pre-state")};
      const auto decoded_input = codec::from_json<DecodeInput>(input);
      if (!decoded_input.ok()) return StepResult{true, Outcome::malformed(decoded_input.error().message)};
      const auto value = reflect::decode<EncodingSample>(decoded_input.value().encoding);
      if (!value.ok()) {
        const ErrorInfo info = reflect::decode_error_info(value.error().code);
        return StepResult{true, Outcome::invalid(std::string(info.code), std::string(info.rule_id), reflect::describe(value.error()))};
      }
      return StepResult{true, Outcome::ok(codec::to_json(value.value()), to_hex(output_root(value.value())))};
    };
    list.push_back(decode);
  }

  {
    // The JSON mapping has no error codes of its own: every rejection is `malformed`.
    OpHandler decode;
    decode.op = "json_decode";
    decode.summary = "read a JSON text as a named type and return its canonical encoding [JSON-*]";
    decode.apply = [](Impl impl, const json& state, const json& input, u64) -> StepResult {
      if (impl != Impl::reference) return StepResult{false, {}};
      if (!state.is_null()) return StepResult{true, Outcome::malformed("this operation takes no pre-state")};
      const auto decoded_input = codec::from_json<JsonDecodeInput>(input);
      if (!decoded_input.ok()) return StepResult{true, Outcome::malformed(decoded_input.error().message)};
      const JsonDecodeInput& in = decoded_input.value();
      const auto& types = json_decode_types();
      const auto type = std::find_if(types.begin(), types.end(), [&](const auto& entry) { return entry.first == in.type; });
      if (type == types.end()) return StepResult{true, Outcome::malformed("type \"" + in.type + "\" is not one json_decode reads")};
      const std::string text(in.document.begin(), in.document.end());
      const auto encoding = type->second(text);
      if (!encoding.ok()) return StepResult{true, Outcome::malformed(encoding.error().message)};
      const EncodingOutput output{encoding.value()};
      return StepResult{true, Outcome::ok(codec::to_json(output), to_hex(output_root(output)))};
    };
    list.push_back(decode);
  }

  auto checked_op = [](std::string op, std::string summary, auto fn, Error error) {
    return stateless_op<U64PairInput, U64Output, Error>(
        std::move(op), std::move(summary),
        Fn<U64PairInput, U64Output>([fn, error](const U64PairInput& in) -> Result<U64Output, Error> {
          const Checked result = fn(in.a, in.b);
          if (result.overflow) return error;
          return U64Output{result.value};
        }),
        nullptr);
  };
  list.push_back(checked_op("u64_add", "checked a + b [CHK-ADD-1]", checked_add, Error::u64_add_overflow));
  list.push_back(checked_op("u64_sub", "checked a - b [CHK-SUB-1]", checked_sub, Error::u64_sub_underflow));
  list.push_back(checked_op("u64_mul", "checked a * b [CHK-MUL-1]", checked_mul, Error::u64_mul_overflow));
  list.push_back(stateless_op<MulDivInput, U64Output, Error>(
      "u64_mul_div", "checked floor(a * numerator / denominator) [CHK-MULDIV-1]",
      Fn<MulDivInput, U64Output>([](const MulDivInput& in) -> Result<U64Output, Error> {
        const Checked result = checked_mul_div(in.a, in.numerator, in.denominator);
        if (result.overflow) return Error::u64_mul_div_overflow;
        return U64Output{result.value};
      }),
      nullptr));

  list.push_back(stateless_op<AeadSealInput, AeadSealOutput, Error>(
      "aead_seal", "RFC 8439 ChaCha20-Poly1305 encryption: ciphertext || tag [AEAD-SEAL-1]",
      Fn<AeadSealInput, AeadSealOutput>([](const AeadSealInput& in) -> Result<AeadSealOutput, Error> {
        return AeadSealOutput{ref::chacha20_poly1305::seal(in.key, in.nonce, in.aad, in.plaintext)};
      }),
      Fn<AeadSealInput, AeadSealOutput>([](const AeadSealInput& in) -> Result<AeadSealOutput, Error> {
        const auto sealed = opt::aead::seal(in.key, in.nonce, in.aad, in.plaintext);
        // OpenSSL failing (out of memory) has no code of its own; as `none` it shows up as a
        // mismatch against the expected outcome, never as a pass.
        if (!sealed) return Error::none;
        return AeadSealOutput{*sealed};
      })));

  list.push_back(stateless_op<AeadOpenInput, AeadOpenOutput, Error>(
      "aead_open", "RFC 8439 ChaCha20-Poly1305 decryption of ciphertext || tag [AEAD-OPEN-1, AEAD-OPEN-2]",
      Fn<AeadOpenInput, AeadOpenOutput>([](const AeadOpenInput& in) -> Result<AeadOpenOutput, Error> {
        const auto opened = ref::chacha20_poly1305::open(in.key, in.nonce, in.aad, in.ciphertext_and_tag);
        if (!opened.ok()) return opened.error();
        return AeadOpenOutput{opened.value()};
      }),
      Fn<AeadOpenInput, AeadOpenOutput>([](const AeadOpenInput& in) -> Result<AeadOpenOutput, Error> {
        const auto opened = opt::aead::open(in.key, in.nonce, in.aad, in.ciphertext_and_tag);
        if (!opened.ok()) return opened.error();
        return AeadOpenOutput{opened.value()};
      })));
  return list;
}

// ---- Cases: inputs only; the reference computes every expected outcome. ----

constexpr std::string_view mechanism_name = "primitives";

class CaseList {
 public:
  // Adds a one-step case and returns its seed's generator for any randomness the input needs.
  CaseSpec& add(std::string suite, std::string name, std::string description, std::vector<std::string> rules) {
    CaseSpec spec;
    spec.seed = case_seed(mechanism_name, suite, name);
    spec.suite = std::move(suite);
    spec.name = std::move(name);
    spec.description = std::move(description);
    spec.rules = std::move(rules);
    cases_.push_back(std::move(spec));
    return cases_.back();
  }
  CaseSpec& one_step(std::string suite, std::string name, std::string description, std::vector<std::string> rules,
                     std::string op, json input) {
    CaseSpec& spec = add(std::move(suite), std::move(name), std::move(description), std::move(rules));
    spec.steps.push_back(Step{std::move(op), 0, std::move(input)});
    return spec;
  }
  std::vector<CaseSpec> take() { return std::move(cases_); }

 private:
  std::vector<CaseSpec> cases_;
};

Bytes hex_bytes(std::string_view hex) {
  Bytes out;
  hex_decode(hex, out);
  return out;
}

Hash32 hex32(std::string_view hex) {
  Hash32 out{};
  hex_decode(hex, out);
  return out;
}

void sha256_cases(CaseList& cases, Profile profile) {
  // FIPS 180-4 / NIST CSRC example messages.
  cases.one_step("sha256", "nist_empty", "SHA-256 of the empty message (FIPS 180-4 example)", {"HASH-SHA256-1"}, "sha256",
                 codec::to_json(MessageInput{{}}));
  cases.one_step("sha256", "nist_abc", "SHA-256 of \"abc\", one block (FIPS 180-4 example)", {"HASH-SHA256-1"}, "sha256",
                 codec::to_json(MessageInput{bytes_of("abc")}));
  cases.one_step("sha256", "nist_448_bits", "SHA-256 of the 56-byte NIST message: padding spills into a second block",
                 {"HASH-SHA256-1"}, "sha256",
                 codec::to_json(MessageInput{bytes_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")}));
  cases.one_step("sha256", "nist_896_bits", "SHA-256 of the 112-byte NIST message", {"HASH-SHA256-1"}, "sha256",
                 codec::to_json(MessageInput{bytes_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                                      "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")}));
  // Lengths around the padding boundaries: 55 fits the length in one block, 56 does not; 64 is
  // one whole block; a kernel that mishandles partial words fails at the odd ones.
  std::vector<std::size_t> lengths = {1, 3, 31, 32, 33, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000};
  if (profile == Profile::large)
    for (std::size_t n = 130; n < 600; ++n) lengths.push_back(n);
  for (std::size_t length : lengths) {
    const std::string name = "length_" + std::to_string(length);
    CaseSpec& spec = cases.add("sha256", name, "SHA-256 of " + std::to_string(length) + " seeded random bytes", {"HASH-SHA256-1"});
    Drbg rng(spec.seed);
    spec.steps.push_back(Step{"sha256", 0, codec::to_json(MessageInput{rng.next_bytes(length)})});
  }
  cases.one_step("sha256", "malformed_odd_hex", "a message whose hex has an odd number of digits", {"HASH-SHA256-1"},
                 "sha256", json{{"message", "abc"}});
  cases.one_step("sha256", "malformed_uppercase_hex", "hex must be lowercase", {"HASH-SHA256-1"}, "sha256",
                 json{{"message", "ABCD"}});
  cases.one_step("sha256", "malformed_missing_field", "the input has no message field", {"HASH-SHA256-1"}, "sha256",
                 json::object());
  cases.one_step("sha256", "malformed_unknown_field", "the input has a field the op does not define", {"HASH-SHA256-1"},
                 "sha256", json{{"message", ""}, {"extra", 1}});
}

void tagged_hash_cases(CaseList& cases) {
  const std::vector<std::pair<std::string, std::string>> tags = {
      {"bip340_challenge", "BIP0340/challenge"}, {"bip340_aux", "BIP0340/aux"}, {"bip340_nonce", "BIP0340/nonce"},
      {"smt_node", "L2/smt/node"},               {"smt_leaf", "L2/smt/leaf"},   {"state_root", "L2/vectors/state_root"},
      {"empty_tag", ""}};
  for (const auto& [name, tag] : tags) {
    CaseSpec& spec = cases.add("tagged_hash", name, "tagged hash with tag \"" + tag + "\" over 64 seeded bytes", {"HASH-TAG-1"});
    Drbg rng(spec.seed);
    spec.steps.push_back(Step{"tagged_hash", 0, codec::to_json(TaggedInput{tag, rng.next_bytes(64)})});
  }
  cases.one_step("tagged_hash", "empty_message", "tagged hash of the empty message", {"HASH-TAG-1"}, "tagged_hash",
                 codec::to_json(TaggedInput{"L2/test", {}}));
  cases.one_step("tagged_hash", "malformed_tag_not_string", "the tag must be a string", {"HASH-TAG-1"}, "tagged_hash",
                 json{{"tag", 7}, {"message", ""}});
}

// The leaves of the Certificate Transparency reference test tree (RFC 6962 implementations share them).
std::vector<Bytes> ct_test_leaves() {
  return {hex_bytes(""),         hex_bytes("00"),       hex_bytes("10"),
          hex_bytes("2021"),     hex_bytes("3031"),     hex_bytes("40414243"),
          hex_bytes("5051525354555657"), hex_bytes("606162636465666768696a6b6c6d6e6f")};
}

std::vector<Bytes> prefix(const std::vector<Bytes>& leaves, std::size_t n) { return {leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(n)}; }

Inclusion reference_inclusion(const std::vector<Bytes>& leaves, u64 index) {
  const auto hashes = ref_leaf_hashes(leaves);
  return Inclusion{index, hashes.size(), hashes[index], ref::rfc6962::inclusion_proof(hashes, index),
                   ref::rfc6962::root_from_leaf_hashes(hashes)};
}

Consistency reference_consistency(const std::vector<Bytes>& leaves, u64 old_size) {
  const auto hashes = ref_leaf_hashes(leaves);
  const std::span<const Hash32> old_part(hashes.data(), old_size);
  return Consistency{old_size, hashes.size(), ref::rfc6962::root_from_leaf_hashes(old_part),
                     ref::rfc6962::root_from_leaf_hashes(hashes), ref::rfc6962::consistency_proof(hashes, old_size)};
}

void flip_bit(Hash32& hash, std::size_t bit) { hash[bit / 8 % 32] ^= static_cast<u8>(1u << (bit % 8)); }

void rfc6962_cases(CaseList& cases, Profile profile) {
  const auto leaves = ct_test_leaves();
  for (std::size_t n = 0; n <= leaves.size(); ++n)
    cases.one_step("rfc6962_root", "ct_size_" + std::to_string(n),
                   "root of the first " + std::to_string(n) + " CT test leaves" + (n == 0 ? " (the empty tree is SHA-256 of \"\")" : ""),
                   {"MRK-ROOT-1"}, "rfc6962_root", codec::to_json(LeavesInput{prefix(leaves, n)}));
  const std::vector<std::size_t> big_sizes = profile == Profile::large ? std::vector<std::size_t>{1000, 1023, 1024, 1025, 4097}
                                                                       : std::vector<std::size_t>{31, 32, 33, 100};
  for (std::size_t n : big_sizes) {
    CaseSpec& spec = cases.add("rfc6962_root", "random_size_" + std::to_string(n),
                               "root of " + std::to_string(n) + " seeded random leaves of varying length", {"MRK-ROOT-1"});
    Drbg rng(spec.seed);
    std::vector<Bytes> random_leaves;
    for (std::size_t i = 0; i < n; ++i) random_leaves.push_back(rng.next_bytes(rng.below(40)));
    spec.steps.push_back(Step{"rfc6962_root", 0, codec::to_json(LeavesInput{random_leaves})});
  }
  cases.one_step("rfc6962_root", "malformed_leaf_not_hex", "a leaf that is not hex", {"MRK-ROOT-1"}, "rfc6962_root",
                 json{{"leaves", {"00", "zz"}}});

  // Every audit path and every consistency proof of the CT test tree, generated and verified.
  for (std::size_t size = 1; size <= leaves.size(); ++size) {
    const auto tree = prefix(leaves, size);
    for (std::size_t index = 0; index < size; ++index) {
      const std::string tag = std::to_string(index) + "_of_" + std::to_string(size);
      cases.one_step("rfc6962_inclusion", "prove_" + tag, "audit path of leaf " + tag + " in the CT test tree",
                     {"MRK-INC-1"}, "rfc6962_inclusion_proof", codec::to_json(InclusionProofInput{tree, index}));
      cases.one_step("rfc6962_inclusion", "verify_" + tag, "a correct audit path of leaf " + tag + " verifies",
                     {"MRK-INC-1", "MRK-INC-2", "MRK-INC-3"}, "rfc6962_verify_inclusion",
                     codec::to_json(reference_inclusion(tree, index)));
    }
    for (std::size_t old_size = 1; old_size <= size; ++old_size) {
      const std::string tag = std::to_string(old_size) + "_to_" + std::to_string(size);
      cases.one_step("rfc6962_consistency", "prove_" + tag, "consistency proof from size " + tag, {"MRK-CON-1"},
                     "rfc6962_consistency_proof", codec::to_json(ConsistencyProofInput{tree, old_size}));
      cases.one_step("rfc6962_consistency", "verify_" + tag, "a correct consistency proof " + tag + " verifies",
                     {"MRK-CON-1", "MRK-CON-2", "MRK-CON-3"}, "rfc6962_verify_consistency",
                     codec::to_json(reference_consistency(tree, old_size)));
    }
  }

  // Tampered inclusion proofs: each names the forgery it stands for.
  const Inclusion good = reference_inclusion(leaves, 5);  // leaf 5 of 8: a three-hash path
  const Adversarial forger{"a forged inclusion proof for a leaf that is not in the committed list", "prover"};
  {
    Inclusion bad = good;
    bad.index = 8;
    cases.one_step("rfc6962_inclusion", "invalid_index_equals_size", "leaf index equal to the tree size", {"MRK-INC-1"},
                   "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad.index = UINT64_MAX;
    cases.one_step("rfc6962_inclusion", "invalid_index_max", "leaf index UINT64_MAX", {"MRK-INC-1"},
                   "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
  }
  {
    Inclusion bad = good;
    bad.proof.push_back(bad.proof.back());
    cases.one_step("rfc6962_inclusion", "invalid_proof_too_long", "an audit path with one hash too many",
                   {"MRK-INC-2"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad = good;
    bad.proof.pop_back();
    cases.one_step("rfc6962_inclusion", "invalid_proof_too_short", "an audit path with one hash missing",
                   {"MRK-INC-2"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad = good;
    bad.tree_size = 6;  // leaf 5 of 6 has a two-hash path
    cases.one_step("rfc6962_inclusion", "invalid_wrong_tree_size", "a correct path claimed for a tree size whose path is shorter",
                   {"MRK-INC-2"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad = good;
    bad.tree_size = 7;  // leaf 5 has a three-hash path of the same shape in trees of 7 and of 8
    cases.one_step("rfc6962_inclusion", "size_not_bound_by_same_shape_path",
                   "accepted: a proof binds the tree size only through its shape, so roots must be committed with "
                   "their sizes (merkle.md#what-a-proof-binds)",
                   {"MRK-INC-1", "MRK-INC-2", "MRK-INC-3"}, "rfc6962_verify_inclusion", codec::to_json(bad));
  }
  for (std::size_t element = 0; element < good.proof.size(); ++element) {
    Inclusion bad = good;
    flip_bit(bad.proof[element], 8 * element + 3);
    cases.one_step("rfc6962_inclusion", "invalid_flipped_bit_in_path_" + std::to_string(element),
                   "one bit flipped in audit path element " + std::to_string(element), {"MRK-INC-3"},
                   "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
  }
  {
    Inclusion bad = good;
    flip_bit(bad.leaf_hash, 0);
    cases.one_step("rfc6962_inclusion", "invalid_flipped_bit_in_leaf", "one bit flipped in the leaf hash",
                   {"MRK-INC-3"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad = good;
    bad.index = 4;
    cases.one_step("rfc6962_inclusion", "invalid_wrong_index", "a correct path presented for the neighbouring index",
                   {"MRK-INC-3"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial = forger;
    bad = good;
    bad.leaf_hash = ref::rfc6962::node_hash(good.proof[0], good.leaf_hash);
    bad.index = 2;
    bad.proof.erase(bad.proof.begin());
    cases.one_step("rfc6962_inclusion", "invalid_interior_node_as_leaf",
                   "an interior node presented as leaf 2 of the 8-leaf tree: its path is one hash short",
                   {"MRK-INC-2"}, "rfc6962_verify_inclusion", codec::to_json(bad)).adversarial =
        Adversarial{"second-preimage: an interior node passed off as a leaf", "prover"};
  }
  // Asking for a proof outside the tree is rejected with the verifier's code (merkle.md#inclusion_proof);
  // prove_7_of_8 is the last index accepted.
  cases.one_step("rfc6962_inclusion", "invalid_prove_index_out_of_range", "asking for the path of a leaf past the end",
                 {"MRK-INC-1"}, "rfc6962_inclusion_proof", codec::to_json(InclusionProofInput{leaves, 8}));
  cases.one_step("rfc6962_inclusion", "invalid_prove_empty_tree", "asking for the path of leaf 0 of the empty tree",
                 {"MRK-INC-1"}, "rfc6962_inclusion_proof", codec::to_json(InclusionProofInput{{}, 0}));
  cases.one_step("rfc6962_inclusion", "invalid_prove_index_max", "asking for the path of leaf UINT64_MAX",
                 {"MRK-INC-1"}, "rfc6962_inclusion_proof", codec::to_json(InclusionProofInput{leaves, UINT64_MAX}));

  // Tampered consistency proofs.
  const Consistency good_consistency = reference_consistency(leaves, 3);
  const Adversarial rewriter{"a log that rewrote history presents a consistency proof", "log operator"};
  {
    Consistency bad = good_consistency;
    bad.old_size = 0;
    cases.one_step("rfc6962_consistency", "invalid_old_size_zero", "consistency from the empty tree is undefined",
                   {"MRK-CON-1"}, "rfc6962_verify_consistency", codec::to_json(bad));
    bad = good_consistency;
    bad.old_size = 9;
    cases.one_step("rfc6962_consistency", "invalid_old_size_above_new", "old size larger than the new size",
                   {"MRK-CON-1"}, "rfc6962_verify_consistency", codec::to_json(bad));
    bad = good_consistency;
    bad.proof.push_back(bad.proof.front());
    cases.one_step("rfc6962_consistency", "invalid_proof_too_long", "one hash too many", {"MRK-CON-2"},
                   "rfc6962_verify_consistency", codec::to_json(bad)).adversarial = rewriter;
    bad = good_consistency;
    bad.proof.pop_back();
    cases.one_step("rfc6962_consistency", "invalid_proof_too_short", "one hash missing", {"MRK-CON-2"},
                   "rfc6962_verify_consistency", codec::to_json(bad)).adversarial = rewriter;
    bad = good_consistency;
    flip_bit(bad.old_root, 77);
    cases.one_step("rfc6962_consistency", "invalid_old_root", "the old root was rewritten", {"MRK-CON-3"},
                   "rfc6962_verify_consistency", codec::to_json(bad)).adversarial = rewriter;
    bad = good_consistency;
    flip_bit(bad.new_root, 200);
    cases.one_step("rfc6962_consistency", "invalid_new_root", "the new root does not extend the old one",
                   {"MRK-CON-3"}, "rfc6962_verify_consistency", codec::to_json(bad)).adversarial = rewriter;
    bad = good_consistency;
    flip_bit(bad.proof[1], 9);
    cases.one_step("rfc6962_consistency", "invalid_flipped_bit_in_proof", "one bit flipped in the proof",
                   {"MRK-CON-3"}, "rfc6962_verify_consistency", codec::to_json(bad)).adversarial = rewriter;
    Consistency same = reference_consistency(leaves, 8);
    flip_bit(same.new_root, 1);
    cases.one_step("rfc6962_consistency", "invalid_equal_sizes_different_roots",
                   "equal sizes need equal roots and an empty proof", {"MRK-CON-3"}, "rfc6962_verify_consistency",
                   codec::to_json(same)).adversarial = rewriter;
  }
  // Outside 0 < old_size <= size the request is rejected with the verifier's code
  // (merkle.md#consistency_proof); prove_1_to_8 and prove_8_to_8 are the sizes accepted at each end.
  cases.one_step("rfc6962_consistency", "invalid_prove_old_size_zero", "asking for a proof from size 0",
                 {"MRK-CON-1"}, "rfc6962_consistency_proof", codec::to_json(ConsistencyProofInput{leaves, 0}));
  cases.one_step("rfc6962_consistency", "invalid_prove_old_size_above_size", "asking for a proof from size 9 to size 8",
                 {"MRK-CON-1"}, "rfc6962_consistency_proof", codec::to_json(ConsistencyProofInput{leaves, 9}));
  cases.one_step("rfc6962_consistency", "invalid_prove_empty_tree", "asking for a proof from size 0 to the empty tree",
                 {"MRK-CON-1"}, "rfc6962_consistency_proof", codec::to_json(ConsistencyProofInput{{}, 0}));
}

// Slots that share long path prefixes or sit at the edges catch bit-order and boundary bugs.
std::vector<u32> interesting_slots() { return {0, 1, 2, 3, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, 12345}; }

std::vector<SmtLeaf> seeded_leaves(Drbg& rng, std::size_t count) {
  std::map<u32, Hash32> leaves;
  for (u32 slot : interesting_slots()) leaves[slot] = rng.next32();
  while (leaves.size() < count) leaves[static_cast<u32>(rng.below(u64{1} << 32))] = rng.next32();
  std::vector<SmtLeaf> out;
  for (const auto& [index, value] : leaves) out.push_back(SmtLeaf{index, value});
  return out;
}

std::vector<SharedState> smt_shared_states(Profile profile) {
  Drbg rng(case_seed(mechanism_name, "states", "smt_accounts"));
  const std::vector<SmtLeaf> leaves = seeded_leaves(rng, profile == Profile::large ? 4096 : 64);
  ref::smt::Tree tree = ref_tree_of(leaves);
  return {SharedState{"smt_accounts", codec::to_json(SmtState{leaves, tree.root()})}};
}

void smt_cases(CaseList& cases, Profile profile) {
  const SharedState shared = smt_shared_states(profile).front();
  const SmtState accounts = codec::from_json<SmtState>(shared.state).value();
  const ref::smt::Tree tree = ref_tree_of(accounts.leaves);

  cases.one_step("smt_root", "empty_tree", "root of the empty tree: the empty-subtree hash at height 32",
                 {"SMT-ROOT-1"}, "smt_prove", codec::to_json(SmtProveInput{{}, 0}));
  for (u32 slot : interesting_slots()) {
    cases.one_step("smt_root", "open_slot_" + std::to_string(slot), "opening of an occupied slot of the shared tree",
                   {"SMT-ROOT-1"}, "smt_prove", codec::to_json(SmtProveInput{accounts.leaves, slot}));
  }
  cases.one_step("smt_root", "malformed_negative_index", "slot indices are unsigned 32-bit", {"SMT-ROOT-1"}, "smt_prove",
                 json{{"leaves", json::array()}, {"index", -1}});
  cases.one_step("smt_root", "open_empty_slot", "opening of an empty slot", {"SMT-ROOT-1"}, "smt_prove",
                 codec::to_json(SmtProveInput{accounts.leaves, 4}));

  auto opening = [&](u32 slot) {
    const ref::smt::Proof proof = tree.prove(slot);
    return SmtOpening{tree.root(), slot, tree.get(slot), proof.siblings};
  };
  const Adversarial forger{"a forged account opening against the committed state root", "prover"};
  for (u32 slot : {0u, 0xffffffffu, 12345u}) {
    cases.one_step("smt_membership", "verify_" + std::to_string(slot), "a correct membership proof verifies",
                   {"SMT-PRF-1"}, "smt_verify_membership", codec::to_json(opening(slot)));
    SmtOpening bad = opening(slot);
    flip_bit(*bad.value, 5);
    cases.one_step("smt_membership", "invalid_wrong_value_" + std::to_string(slot), "the proof of another value",
                   {"SMT-PRF-1"}, "smt_verify_membership", codec::to_json(bad)).adversarial = forger;
    bad = opening(slot);
    flip_bit(bad.siblings[31], 0);
    cases.one_step("smt_membership", "invalid_flipped_sibling_" + std::to_string(slot), "top sibling tampered",
                   {"SMT-PRF-1"}, "smt_verify_membership", codec::to_json(bad)).adversarial = forger;
  }
  {
    SmtOpening bad = opening(1);
    bad.index = 3;  // same siblings, neighbouring slot: the index is bound into the leaf hash
    cases.one_step("smt_membership", "invalid_moved_to_other_slot", "a value's proof replayed for another slot",
                   {"SMT-PRF-1"}, "smt_verify_membership", codec::to_json(bad)).adversarial = forger;
    // A path has exactly 32 siblings: 31 or 33 is not a proof of this tree and does not decode.
    json short_proof = codec::to_json(opening(1));
    short_proof["siblings"].erase(short_proof["siblings"].size() - 1);
    cases.one_step("smt_membership", "malformed_31_siblings", "31 siblings instead of 32", {"SMT-PRF-1"},
                   "smt_verify_membership", short_proof).adversarial = forger;
    json long_proof = codec::to_json(opening(1));
    long_proof["siblings"].push_back(long_proof["siblings"].back());
    cases.one_step("smt_membership", "malformed_33_siblings", "33 siblings instead of 32", {"SMT-PRF-1"},
                   "smt_verify_membership", long_proof).adversarial = forger;
    // A null value claims no membership: rejected even when the siblings open an empty slot honestly.
    cases.one_step("smt_membership", "invalid_null_value_empty_slot",
                   "membership claimed with a null value for an empty slot, with its correct siblings", {"SMT-PRF-1"},
                   "smt_verify_membership", codec::to_json(opening(4))).adversarial = forger;
    bad = opening(2);
    bad.value.reset();
    cases.one_step("smt_membership", "invalid_null_value_occupied_slot",
                   "membership claimed with a null value for an occupied slot", {"SMT-PRF-1"}, "smt_verify_membership",
                   codec::to_json(bad)).adversarial = forger;
  }
  cases.one_step("smt_non_membership", "verify_empty_slot", "a correct proof of absence verifies",
                 {"SMT-PRF-1", "SMT-NON-1"}, "smt_verify_non_membership", codec::to_json(opening(4)));
  cases.one_step("smt_non_membership", "invalid_occupied_slot", "absence claimed for an occupied slot, opened honestly",
                 {"SMT-NON-1"}, "smt_verify_non_membership", codec::to_json(opening(2))).adversarial =
      Adversarial{"hiding an account by claiming its slot is empty", "prover"};
  {
    SmtOpening bad = opening(2);
    bad.value.reset();
    cases.one_step("smt_non_membership", "invalid_occupied_slot_as_empty", "absence claimed by dropping the value",
                   {"SMT-PRF-1"}, "smt_verify_non_membership", codec::to_json(bad)).adversarial =
        Adversarial{"hiding an account by claiming its slot is empty", "prover"};
  }

  // Stateful updates on the shared tree: the post-state's root must equal a full rebuild.
  {
    CaseSpec& spec = cases.add("smt_update", "set_sequence", "insert, overwrite and erase on the shared tree",
                               {"SMT-UPD-1", "SMT-ROOT-1"});
    spec.pre_state_ref = shared.name;
    Drbg rng(spec.seed);
    spec.steps.push_back(Step{"smt_set", 1, codec::to_json(SmtSetInput{4, rng.next32()})});
    spec.steps.push_back(Step{"smt_set", 2, codec::to_json(SmtSetInput{0xffffffffu, rng.next32()})});
    spec.steps.push_back(Step{"smt_set", 3, codec::to_json(SmtSetInput{0, std::nullopt})});
    spec.steps.push_back(Step{"smt_set", 4, codec::to_json(SmtSetInput{0x80000000u, std::nullopt})});
    spec.steps.push_back(Step{"smt_set", 5, codec::to_json(SmtSetInput{0, rng.next32()})});
  }
  {
    CaseSpec& spec = cases.add("smt_update", "erase_absent_then_fill", "erasing an empty slot changes nothing",
                               {"SMT-UPD-1"});
    spec.pre_state = codec::to_json(SmtState{{}, ref::smt::empty_hashes[ref::smt::depth]});
    Drbg rng(spec.seed);
    spec.steps.push_back(Step{"smt_set", 0, codec::to_json(SmtSetInput{7, std::nullopt})});
    spec.steps.push_back(Step{"smt_set", 0, codec::to_json(SmtSetInput{7, rng.next32()})});
    spec.steps.push_back(Step{"smt_set", 0, codec::to_json(SmtSetInput{7, std::nullopt})});
  }
  {
    CaseSpec& spec = cases.add("smt_update", "malformed_set_index_too_large", "a slot index past 2^32 - 1",
                               {"SMT-UPD-1"});
    spec.pre_state_ref = shared.name;
    spec.steps.push_back(Step{"smt_set", 0, json{{"index", 4294967296ull}, {"value", nullptr}}});
  }
  for (u32 slot : {4u, 2u}) {
    const ref::smt::Proof proof = tree.prove(slot);
    Drbg rng(case_seed(mechanism_name, "smt_update", "from_proof_" + std::to_string(slot)));
    SmtUpdateInput update{tree.root(), slot, tree.get(slot), rng.next32(), proof.siblings};
    cases.one_step("smt_update", "from_proof_" + std::to_string(slot), "stateless update from a proof equals set()",
                   {"SMT-UPD-1", "SMT-PRF-1"}, "smt_update_from_proof", codec::to_json(update));
    update.old_value = std::nullopt;
    if (slot == 2) {
      cases.one_step("smt_update", "invalid_from_proof_wrong_old_value", "the opening does not match the old root",
                     {"SMT-PRF-1"}, "smt_update_from_proof", codec::to_json(update)).adversarial = forger;
      json short_proof = codec::to_json(update);
      short_proof["siblings"].erase(short_proof["siblings"].size() - 1);
      cases.one_step("smt_update", "malformed_from_proof_31_siblings", "an update proof with 31 siblings instead of 32",
                     {"SMT-UPD-1"}, "smt_update_from_proof", short_proof);
    }
  }
}

void schnorr_cases(CaseList& cases) {
  for (const auto& row : bip340_published::rows) {
    const std::string index = std::to_string(row.index);
    const std::string note = row.comment.empty() ? std::string() : " (" + std::string(row.comment) + ")";
    if (!row.secret_key_hex.empty()) {
      cases.one_step("schnorr_sign", "bip340_row_" + index, "BIP-340 published vector " + index + note,
                     {"SIG-KEY-1", "SIG-SIGN-1"}, "schnorr_sign",
                     codec::to_json(SignInput{hex32(row.secret_key_hex), hex_bytes(row.message_hex), hex32(row.aux_rand_hex)}));
    }
    ByteArray<64> signature{};
    hex_decode(row.signature_hex, signature);
    CaseSpec& spec = cases.one_step("schnorr_verify", std::string(row.verifies ? "" : "invalid_") + "bip340_row_" + index,
                                    "BIP-340 published vector " + index + note, {"SIG-VER-1", "SIG-VER-2", "SIG-VER-3", "SIG-VER-4"},
                                    "schnorr_verify",
                                    codec::to_json(VerifyInput{hex32(row.public_key_hex), hex_bytes(row.message_hex), signature}));
    if (!row.verifies) spec.adversarial = Adversarial{"a signature the BIP-340 authors built to be rejected", "signer"};
  }

  // Our own keys from seeds, and every kind of invalid signature built from a valid one.
  const Hash32 seed = case_seed(mechanism_name, "schnorr_verify", "keys");
  const Hash32 alice = ref::bip340::secret_from_seed(seed, 0);
  const Hash32 bob = ref::bip340::secret_from_seed(seed, 1);
  const Bytes message = bytes_of("l2spec: pay 100 to bob on chain 1");
  const Hash32 aux = ref::sha256("l2spec aux");
  const Hash32 alice_pub = ref::bip340::pubkey_from_secret(alice).value();
  const Hash32 bob_pub = ref::bip340::pubkey_from_secret(bob).value();
  const ByteArray<64> good = ref::bip340::sign(alice, message, aux).value();
  cases.one_step("schnorr_sign", "seeded_key", "signature by a key derived from a seed", {"SIG-KEY-1", "SIG-SIGN-1"},
                 "schnorr_sign", codec::to_json(SignInput{alice, message, aux}));
  cases.one_step("schnorr_verify", "seeded_key", "a valid signature by a seeded key", {"SIG-VER-1", "SIG-VER-2", "SIG-VER-3", "SIG-VER-4"},
                 "schnorr_verify", codec::to_json(VerifyInput{alice_pub, message, good}));
  const Adversarial forger{"a forged or mangled signature", "signer"};
  cases.one_step("schnorr_verify", "invalid_wrong_key", "alice's signature checked against bob's key", {"SIG-VER-4"},
                 "schnorr_verify", codec::to_json(VerifyInput{bob_pub, message, good})).adversarial =
      Adversarial{"a signature from the wrong participant", "counterparty"};
  {
    Bytes changed = message;
    changed[0] ^= 0x01;
    cases.one_step("schnorr_verify", "invalid_flipped_bit_in_message", "one bit of the message flipped", {"SIG-VER-4"},
                   "schnorr_verify", codec::to_json(VerifyInput{alice_pub, changed, good})).adversarial = forger;
  }
  for (std::size_t byte : {0u, 31u, 32u, 63u}) {
    ByteArray<64> bad = good;
    bad[byte] ^= 0x80;
    cases.one_step("schnorr_verify", "invalid_flipped_bit_in_signature_byte_" + std::to_string(byte),
                   "one bit of signature byte " + std::to_string(byte) + " flipped", {"SIG-VER-2", "SIG-VER-3", "SIG-VER-4"},
                   "schnorr_verify", codec::to_json(VerifyInput{alice_pub, message, bad})).adversarial = forger;
  }
  const Hash32 field_p = hex32("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  const Hash32 order_n = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  auto with_r = [&](const Hash32& r) { ByteArray<64> s = good; std::copy(r.begin(), r.end(), s.begin()); return s; };
  auto with_s = [&](const Hash32& v) { ByteArray<64> s = good; std::copy(v.begin(), v.end(), s.begin() + 32); return s; };
  cases.one_step("schnorr_verify", "invalid_r_equals_p", "r = p, the field size", {"SIG-VER-2"}, "schnorr_verify",
                 codec::to_json(VerifyInput{alice_pub, message, with_r(field_p)})).adversarial = forger;
  cases.one_step("schnorr_verify", "invalid_r_all_ones", "r = 2^256 - 1", {"SIG-VER-2"}, "schnorr_verify",
                 codec::to_json(VerifyInput{alice_pub, message, with_r(hex32(std::string(64, 'f')))})).adversarial = forger;
  cases.one_step("schnorr_verify", "invalid_s_equals_n", "s = n, the group order", {"SIG-VER-3"}, "schnorr_verify",
                 codec::to_json(VerifyInput{alice_pub, message, with_s(order_n)})).adversarial = forger;
  cases.one_step("schnorr_verify", "invalid_s_all_ones", "s = 2^256 - 1", {"SIG-VER-3"}, "schnorr_verify",
                 codec::to_json(VerifyInput{alice_pub, message, with_s(hex32(std::string(64, 'f')))})).adversarial = forger;
  cases.one_step("schnorr_verify", "invalid_key_x_equals_p", "public key x = p", {"SIG-VER-1"}, "schnorr_verify",
                 codec::to_json(VerifyInput{field_p, message, good})).adversarial = forger;
  // x = 5 has no point: 5^3 + 7 = 132 is not a square mod p (BIP-340 row 5 uses another such x).
  cases.one_step("schnorr_verify", "invalid_key_off_curve", "public key x with no point on the curve", {"SIG-VER-1"},
                 "schnorr_verify", codec::to_json(VerifyInput{hex32("0000000000000000000000000000000000000000000000000000000000000005"), message, good}))
      .adversarial = forger;
  cases.one_step("schnorr_pubkey", "seeded_key", "public key of a seeded secret", {"SIG-KEY-1"}, "schnorr_pubkey",
                 codec::to_json(SecretKeyInput{alice}));
  cases.one_step("schnorr_pubkey", "secret_n_minus_1", "the largest valid secret, n - 1", {"SIG-KEY-1"}, "schnorr_pubkey",
                 codec::to_json(SecretKeyInput{hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")}));
  cases.one_step("schnorr_pubkey", "invalid_secret_zero", "secret key 0", {"SIG-KEY-1"}, "schnorr_pubkey",
                 codec::to_json(SecretKeyInput{Hash32{}}));
  cases.one_step("schnorr_pubkey", "invalid_secret_n", "secret key n", {"SIG-KEY-1"}, "schnorr_pubkey",
                 codec::to_json(SecretKeyInput{order_n}));
  cases.one_step("schnorr_sign", "invalid_secret_zero", "signing with secret key 0", {"SIG-KEY-1"}, "schnorr_sign",
                 codec::to_json(SignInput{Hash32{}, message, aux}));
  cases.one_step("schnorr_sign", "invalid_secret_n", "signing with secret key n", {"SIG-KEY-1"}, "schnorr_sign",
                 codec::to_json(SignInput{order_n, message, aux}));
  cases.one_step("schnorr_sign", "secret_n_minus_1", "signing with the largest valid secret, n - 1", {"SIG-KEY-1", "SIG-SIGN-1"},
                 "schnorr_sign",
                 codec::to_json(SignInput{hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"), message, aux}));
  cases.one_step("schnorr_sign", "malformed_short_aux_rand", "auxiliary randomness must be exactly 32 bytes",
                 {"SIG-SIGN-1"}, "schnorr_sign",
                 json{{"secret_key", to_hex(alice)}, {"message", to_hex(message)}, {"aux_rand", to_hex(aux).substr(2)}});
  cases.one_step("schnorr_verify", "malformed_short_signature", "a 63-byte signature", {"SIG-VER-4"}, "schnorr_verify",
                 json{{"pubkey", to_hex(alice_pub)}, {"message", to_hex(message)}, {"signature", to_hex(good).substr(2)}});
  cases.one_step("schnorr_verify", "malformed_33_byte_key", "a compressed 33-byte key where BIP-340 wants x-only",
                 {"SIG-VER-1"}, "schnorr_verify",
                 json{{"pubkey", "02" + to_hex(alice_pub)}, {"message", to_hex(message)}, {"signature", to_hex(good)}});
}

void checked_cases(CaseList& cases) {
  struct Pair { const char* op; const char* name; u64 a; u64 b; const char* rule; const char* what; };
  const u64 max = UINT64_MAX;
  const Pair pairs[] = {
      {"u64_add", "zero", 0, 0, "CHK-ADD-1", "0 + 0"},
      {"u64_add", "max_plus_zero", max, 0, "CHK-ADD-1", "UINT64_MAX + 0 is exact"},
      {"u64_add", "max_minus_1_plus_1", max - 1, 1, "CHK-ADD-1", "UINT64_MAX - 1 + 1 reaches the top exactly"},
      {"u64_add", "invalid_max_plus_1", max, 1, "CHK-ADD-1", "UINT64_MAX + 1 would wrap to 0"},
      {"u64_add", "invalid_half_plus_half", u64{1} << 63, u64{1} << 63, "CHK-ADD-1", "2^63 + 2^63"},
      {"u64_sub", "equal", 5, 5, "CHK-SUB-1", "5 - 5"},
      {"u64_sub", "max_minus_max", max, max, "CHK-SUB-1", "UINT64_MAX - UINT64_MAX"},
      {"u64_sub", "invalid_zero_minus_1", 0, 1, "CHK-SUB-1", "0 - 1 would wrap to UINT64_MAX"},
      {"u64_mul", "largest_exact", 0xffffffffull, 0x100000001ull, "CHK-MUL-1", "(2^32 - 1)(2^32 + 1) = UINT64_MAX"},
      {"u64_mul", "zero_times_max", 0, max, "CHK-MUL-1", "0 * UINT64_MAX"},
      {"u64_mul", "invalid_2_32_squared", u64{1} << 32, u64{1} << 32, "CHK-MUL-1", "2^32 * 2^32 = 2^64"},
      {"u64_mul", "invalid_max_times_2", max, 2, "CHK-MUL-1", "UINT64_MAX * 2"},
  };
  for (const Pair& p : pairs)
    cases.one_step("checked_" + std::string(p.op).substr(4), p.name, p.what, {p.rule}, p.op, codec::to_json(U64PairInput{p.a, p.b}));
  struct Triple { const char* name; u64 a; u64 n; u64 d; const char* what; };
  const Triple triples[] = {
      {"fee_ppm", 1234567, 2500, 1000000, "a 0.25% fee: floor(1234567 * 2500 / 10^6)"},
      {"max_times_max_over_max", max, max, max, "the 128-bit intermediate is needed: result UINT64_MAX"},
      {"rounds_down", 1000, 3, 7, "floor(3000 / 7) = 428"},
      {"invalid_zero_denominator", 1, 1, 0, "division by zero"},
      {"invalid_quotient_too_large", u64{1} << 63, 4, 2, "2^63 * 4 / 2 = 2^64"},
  };
  for (const Triple& t : triples)
    cases.one_step("checked_mul_div", t.name, t.what, {"CHK-MULDIV-1"}, "u64_mul_div", codec::to_json(MulDivInput{t.a, t.n, t.d}));
  cases.one_step("checked_add", "malformed_number_not_string", "u64 values travel as decimal strings",
                 {"CHK-ADD-1"}, "u64_add", json{{"a", 1}, {"b", "2"}});
  cases.one_step("checked_add", "malformed_above_u64", "2^64 does not fit", {"CHK-ADD-1"}, "u64_add",
                 json{{"a", "18446744073709551616"}, {"b", "0"}});
  cases.one_step("checked_add", "malformed_leading_zero", "decimal strings have no leading zeros", {"CHK-ADD-1"},
                 "u64_add", json{{"a", "01"}, {"b", "0"}});
}

void encoding_cases(CaseList& cases) {
  const std::vector<std::string> all_rules = {"ENC-INT-1", "ENC-BOOL-1", "ENC-ENUM-1", "ENC-OPT-1",
                                              "ENC-LEN-1", "ENC-TEXT-1", "ENC-END-1"};
  const EncodingSample sample{7, UINT64_MAX - 1, true, SamplePhase::closed, {0xde, 0xad, 0xbe, 0xef}, bytes_of("pay"), "bob",
                              {1, 0xffffffffu}, {{3, std::nullopt}, {0xffff, 42u}}};
  const Bytes good = reflect::encode(sample);
  auto add = [&](const std::string& name, const std::string& what, std::vector<std::string> rules, const Bytes& encoding) {
    cases.one_step("canonical_decode", name, what, std::move(rules), "canonical_decode", codec::to_json(DecodeInput{encoding}));
  };
  add("every_field_kind", "a value with a field of every kind decodes", all_rules, good);
  add("empty_lists_and_absent", "zero-length strings and lists, all optionals absent", all_rules,
      reflect::encode(EncodingSample{0, 0, false, SamplePhase::opening, {}, {}, "", {}, {}}));
  // Offsets follow the layout: version 0, amount 1..8, flag 9, phase 10, tag 11..14, payload length 15..18.
  add("invalid_truncated_in_u64", "the input ends inside the u64 amount", {"ENC-INT-1"}, Bytes(good.begin(), good.begin() + 5));
  add("invalid_truncated_in_fixed_array", "the input ends inside the 4-byte tag", {"ENC-INT-1"}, Bytes(good.begin(), good.begin() + 13));
  add("invalid_truncated_last_byte", "the last byte is missing", {"ENC-INT-1"}, Bytes(good.begin(), good.end() - 1));
  add("invalid_empty_input", "no bytes at all", {"ENC-INT-1"}, Bytes{});
  Bytes bad = good;
  bad[9] = 0x02;
  add("invalid_bool_two", "a bool byte of 0x02", {"ENC-BOOL-1"}, bad);
  bad = good;
  bad[10] = 0x03;
  add("invalid_enum_past_range", "enum value 3 of a 3-value enum", {"ENC-ENUM-1"}, bad);
  bad = good;
  bad[bad.size() - 5] = 0x02;  // the last inner's optional tag: tag, then 4 bytes of value
  add("invalid_optional_tag_two", "an optional tag of 0x02", {"ENC-OPT-1"}, bad);
  bad = good;
  bad[15] = 0xff;  // payload length 0xff000003
  add("invalid_byte_string_length", "a byte-string length far past the end: rejected before allocating", {"ENC-LEN-1"}, bad);
  bad = good;
  const std::size_t items_count_at = 15 + 4 + 3 + 4 + 3;  // after payload ("pay") and label ("bob")
  bad[items_count_at] = 0x40;  // 2^30 u32 items claimed
  add("invalid_list_count", "a list count whose elements cannot fit in what is left", {"ENC-LEN-1"}, bad);
  bad = good;
  bad.push_back(0x00);
  add("invalid_trailing_byte", "one byte after the value", {"ENC-END-1"}, bad);
  cases.one_step("canonical_decode", "malformed_encoding_not_hex", "the encoding field is not hex", {"ENC-INT-1"},
                 "canonical_decode", json{{"encoding", "0x00"}});

  // The label is text: its bytes must be well-formed UTF-8 (ENC-TEXT-1), failing at its length
  // prefix, offset 22. Each sequence sits at a boundary of RFC 3629's table.
  const auto with_label = [&](std::string label) {
    EncodingSample changed = sample;
    changed.label = std::move(label);
    return reflect::encode(changed);
  };
  add("text_utf8_boundaries",
      "a label of the first and last code point of every UTF-8 length, and both sides of the surrogates",
      {"ENC-TEXT-1"},
      with_label("\x7f" "\xc2\x80" "\xdf\xbf" "\xe0\xa0\x80" "\xed\x9f\xbf" "\xee\x80\x80" "\xef\xbf\xbf"
                 "\xf0\x90\x80\x80" "\xf4\x8f\xbf\xbf"));
  add("text_nul_byte", "a label holding U+0000, which is a code point like any other", {"ENC-TEXT-1"},
      with_label(std::string("a\0b", 3)));
  struct IllFormed {
    const char* name;
    const char* what;
    std::string bytes;
  };
  const IllFormed ill_formed[] = {
      {"continuation_byte_alone", "a continuation byte 0x80 with no lead", "\x80"},
      {"byte_ff", "the byte 0xff, never part of UTF-8", "\xff"},
      {"overlong_two_bytes", "c0 af: '/' written in two bytes (overlong)", "\xc0\xaf"},
      {"overlong_three_bytes", "e0 9f bf: U+07FF written in three bytes (overlong)", "\xe0\x9f\xbf"},
      {"overlong_four_bytes", "f0 8f bf bf: U+FFFF written in four bytes (overlong)", "\xf0\x8f\xbf\xbf"},
      {"surrogate_d800", "ed a0 80: the surrogate U+D800", "\xed\xa0\x80"},
      {"surrogate_dfff", "ed bf bf: the surrogate U+DFFF", "\xed\xbf\xbf"},
      {"above_10ffff", "f4 90 80 80: U+110000, past the last code point", "\xf4\x90\x80\x80"},
      {"cut_short", "e2 82: the first two bytes of a three-byte sequence at the end of the text", "ok\xe2\x82"},
      {"missing_continuation", "c3 41: a two-byte lead followed by an ASCII letter", "\xc3\x41"},
  };
  for (const IllFormed& text : ill_formed)
    add("invalid_text_" + std::string(text.name), std::string("a label that is not UTF-8: ") + text.what, {"ENC-TEXT-1"},
        with_label(text.bytes));
}

// The JSON mapping, one rule at a time: what each rule accepts at its boundaries, and every
// rejection encoding.md#json-mapping specifies. A case's JSON text is in its description when it is
// printable; the input carries its bytes.
void json_cases(CaseList& cases) {
  struct JsonCase {
    const char* suite;
    const char* name;  // malformed_* for a rejection
    const char* rule;
    const char* type;
    std::string text;
    const char* what;
  };
  const std::string sample =
      R"({"version": 7, "amount": "18446744073709551614", "flag": true, "phase": "closed", "tag": "deadbeef",)"
      R"( "payload": "706179", "label": "bob", "items": [1, 4294967295],)"
      R"( "inners": [{"weight": 3, "limit": null}, {"weight": 65535, "limit": 42}]})";
  const JsonCase rows[] = {
      // JSON-DOC-1: one RFC 8259 value in UTF-8, nothing around it but whitespace.
      {"json_document", "whitespace_everywhere", "JSON-DOC-1", "sample_inner", " \t\n\r{ \"weight\" :1 ,\n\"limit\": null }\r\n",
       "space, tab, newline and carriage return around every token"},
      {"json_document", "malformed_empty", "JSON-DOC-1", "u32", "", "an empty text"},
      {"json_document", "malformed_only_whitespace", "JSON-DOC-1", "u32", " \n", "whitespace and no value"},
      {"json_document", "malformed_unclosed_object", "JSON-DOC-1", "sample_inner", R"({"weight": 1, "limit": null)",
       "an object without its closing brace"},
      {"json_document", "malformed_trailing_comma", "JSON-DOC-1", "sample_inner", R"({"weight": 1, "limit": null,})",
       "a comma before the closing brace"},
      {"json_document", "malformed_two_values", "JSON-DOC-1", "u32", "1 2", "a second value after the first"},
      {"json_document", "malformed_comment", "JSON-DOC-1", "u32", "/* one */ 1", "a comment, which JSON does not have"},
      {"json_document", "malformed_single_quotes", "JSON-DOC-1", "sample_inner", "{'weight': 1, 'limit': null}",
       "keys in single quotes"},
      {"json_document", "malformed_byte_order_mark", "JSON-DOC-1", "u32", "\xef\xbb\xbf" "1",
       "a UTF-8 byte-order mark (ef bb bf) before the value"},
      {"json_document", "malformed_leading_zero_number", "JSON-DOC-1", "u32", "01", "the number 01: JSON numbers have no leading zero"},
      {"json_document", "malformed_nan", "JSON-DOC-1", "u32", "NaN", "NaN is not JSON"},
      {"json_document", "malformed_true_capitalised", "JSON-DOC-1", "bool", "True", "True is not a JSON literal"},
      {"json_document", "malformed_not_utf8", "JSON-DOC-1", "string", "\"\xff\"", "a string holding the byte ff, never UTF-8"},
      {"json_document", "malformed_overlong_utf8", "JSON-DOC-1", "string", "\"\xc0\xaf\"",
       "a string holding c0 af, an overlong '/'"},
      {"json_document", "malformed_utf8_surrogate", "JSON-DOC-1", "string", "\"\xed\xa0\x80\"",
       "a string holding ed a0 80, the surrogate U+D800 encoded as UTF-8"},
      {"json_document", "malformed_lone_high_surrogate", "JSON-DOC-1", "string", R"("\ud800")",
       "the escape \\ud800 with no low surrogate after it"},
      {"json_document", "malformed_lone_low_surrogate", "JSON-DOC-1", "string", R"("\udc00")",
       "the escape \\udc00 with no high surrogate before it"},
      {"json_document", "malformed_high_surrogate_then_letter", "JSON-DOC-1", "string", R"("\ud800\u0041")",
       "the escape \\ud800 followed by \\u0041, not a low surrogate"},
      {"json_document", "malformed_control_character", "JSON-DOC-1", "string", "\"a\x01" "b\"",
       "a string holding the raw control character 01, which must be escaped"},
      {"json_document", "malformed_unknown_escape", "JSON-DOC-1", "string", R"("\x41")", "the escape \\x, which JSON does not have"},
      {"json_document", "malformed_number_overflow", "JSON-DOC-1", "u32", "1e400", "a number too large for any reader"},
      // JSON-INT-1: u8, u16, u32.
      {"json_integer", "u8_zero", "JSON-INT-1", "u8", "0", "u8 0"},
      {"json_integer", "u8_max", "JSON-INT-1", "u8", "255", "u8 255, the largest"},
      {"json_integer", "u16_max", "JSON-INT-1", "u16", "65535", "u16 65535, the largest"},
      {"json_integer", "u32_max", "JSON-INT-1", "u32", "4294967295", "u32 4294967295, the largest"},
      {"json_integer", "malformed_u8_256", "JSON-INT-1", "u8", "256", "u8 256, one past the largest"},
      {"json_integer", "malformed_u16_65536", "JSON-INT-1", "u16", "65536", "u16 65536, one past the largest"},
      {"json_integer", "malformed_u32_4294967296", "JSON-INT-1", "u32", "4294967296", "u32 2^32, one past the largest"},
      {"json_integer", "malformed_u32_2_pow_64", "JSON-INT-1", "u32", "18446744073709551616", "2^64 as a JSON number"},
      {"json_integer", "malformed_negative_one", "JSON-INT-1", "u32", "-1", "u32 -1"},
      {"json_integer", "malformed_negative_zero", "JSON-INT-1", "u32", "-0", "u32 -0: 0 has one spelling"},
      {"json_integer", "malformed_negative_zero_u8", "JSON-INT-1", "u8", "-0", "u8 -0"},
      {"json_integer", "malformed_negative_zero_in_struct", "JSON-INT-1", "sample_inner", R"({"weight": -0, "limit": null})",
       "a u16 field written -0"},
      {"json_integer", "malformed_fraction", "JSON-INT-1", "u32", "1.5", "u32 1.5"},
      {"json_integer", "malformed_zero_fraction", "JSON-INT-1", "u32", "1.0", "u32 1.0: an integer has no fraction"},
      {"json_integer", "malformed_exponent", "JSON-INT-1", "u32", "1e2", "u32 1e2: an integer has no exponent"},
      {"json_integer", "malformed_exponent_capital", "JSON-INT-1", "u32", "1E2", "u32 1E2"},
      {"json_integer", "malformed_string", "JSON-INT-1", "u32", R"("1")", "u32 as the string \"1\""},
      {"json_integer", "malformed_bool", "JSON-INT-1", "u8", "true", "u8 as true"},
      {"json_integer", "malformed_null", "JSON-INT-1", "u16", "null", "u16 as null"},
      {"json_integer", "malformed_array", "JSON-INT-1", "u32", "[1]", "u32 as an array"},
      // JSON-U64-1: a canonical decimal string.
      {"json_u64", "zero", "JSON-U64-1", "u64", R"("0")", "u64 \"0\""},
      {"json_u64", "max", "JSON-U64-1", "u64", R"("18446744073709551615")", "u64 2^64 - 1, the largest"},
      {"json_u64", "malformed_number", "JSON-U64-1", "u64", "5", "u64 as the number 5"},
      {"json_u64", "malformed_empty_string", "JSON-U64-1", "u64", R"("")", "u64 \"\""},
      {"json_u64", "malformed_leading_zero", "JSON-U64-1", "u64", R"("01")", "u64 \"01\""},
      {"json_u64", "malformed_double_zero", "JSON-U64-1", "u64", R"("00")", "u64 \"00\""},
      {"json_u64", "malformed_plus_sign", "JSON-U64-1", "u64", R"("+1")", "u64 \"+1\""},
      {"json_u64", "malformed_minus_sign", "JSON-U64-1", "u64", R"("-1")", "u64 \"-1\""},
      {"json_u64", "malformed_negative_zero", "JSON-U64-1", "u64", R"("-0")", "u64 \"-0\""},
      {"json_u64", "malformed_leading_space", "JSON-U64-1", "u64", R"(" 1")", "u64 \" 1\""},
      {"json_u64", "malformed_trailing_space", "JSON-U64-1", "u64", R"("1 ")", "u64 \"1 \""},
      {"json_u64", "malformed_hex", "JSON-U64-1", "u64", R"("0x10")", "u64 \"0x10\""},
      {"json_u64", "malformed_exponent", "JSON-U64-1", "u64", R"("1e3")", "u64 \"1e3\""},
      {"json_u64", "malformed_fraction", "JSON-U64-1", "u64", R"("1.0")", "u64 \"1.0\""},
      {"json_u64", "malformed_2_pow_64", "JSON-U64-1", "u64", R"("18446744073709551616")", "u64 2^64, one past the largest"},
      {"json_u64", "malformed_20_nines", "JSON-U64-1", "u64", R"("99999999999999999999")", "u64 of twenty nines"},
      {"json_u64", "malformed_null", "JSON-U64-1", "u64", "null", "u64 as null"},
      // JSON-BOOL-1.
      {"json_bool", "true", "JSON-BOOL-1", "bool", "true", "true"},
      {"json_bool", "false", "JSON-BOOL-1", "bool", "false", "false"},
      {"json_bool", "malformed_one", "JSON-BOOL-1", "bool", "1", "bool as the number 1"},
      {"json_bool", "malformed_zero", "JSON-BOOL-1", "bool", "0", "bool as the number 0"},
      {"json_bool", "malformed_string", "JSON-BOOL-1", "bool", R"("true")", "bool as the string \"true\""},
      {"json_bool", "malformed_null", "JSON-BOOL-1", "bool", "null", "bool as null"},
      // JSON-STR-1: text.
      {"json_text", "escapes", "JSON-STR-1", "string", R"("\u00e9\ud83d\ude00\n\"\\\/\u0000")",
       "escapes: \\u00e9, a surrogate pair for U+1F600, \\n, quote, backslash, slash and \\u0000"},
      {"json_text", "raw_utf8", "JSON-STR-1", "string", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"",
       "U+00E9, U+20AC and U+1F600 written as raw UTF-8"},
      {"json_text", "empty", "JSON-STR-1", "string", R"("")", "the empty text"},
      {"json_text", "malformed_number", "JSON-STR-1", "string", "5", "text as the number 5"},
      {"json_text", "malformed_null", "JSON-STR-1", "string", "null", "text as null"},
      {"json_text", "malformed_array", "JSON-STR-1", "string", R"(["a"])", "text as an array"},
      // JSON-ENUM-1.
      {"json_enum", "first_name", "JSON-ENUM-1", "sample_phase", R"("opening")", "the name of value 0"},
      {"json_enum", "last_name", "JSON-ENUM-1", "sample_phase", R"("closed")", "the name of the last value"},
      {"json_enum", "malformed_capitalised", "JSON-ENUM-1", "sample_phase", R"("Closed")", "\"Closed\": names are case-sensitive"},
      {"json_enum", "malformed_number", "JSON-ENUM-1", "sample_phase", "2", "the number 2 for \"closed\""},
      {"json_enum", "malformed_unknown_name", "JSON-ENUM-1", "sample_phase", R"("settled")", "a name the enumeration lacks"},
      {"json_enum", "malformed_padded_name", "JSON-ENUM-1", "sample_phase", R"(" closed")", "a name with a leading space"},
      {"json_enum", "malformed_empty_name", "JSON-ENUM-1", "sample_phase", R"("")", "the empty name"},
      {"json_enum", "malformed_null", "JSON-ENUM-1", "sample_phase", "null", "null"},
      // JSON-HEX-1: byte strings and fixed byte arrays.
      {"json_bytes", "empty", "JSON-HEX-1", "bytes", R"("")", "the empty byte string"},
      {"json_bytes", "every_digit", "JSON-HEX-1", "bytes", R"("0123456789abcdef")", "every hex digit"},
      {"json_bytes", "bytes4", "JSON-HEX-1", "bytes4", R"("deadbeef")", "four bytes as eight digits"},
      {"json_bytes", "hash32", "JSON-HEX-1", "hash32", "\"" + std::string(64, 'f') + "\"", "32 bytes as 64 digits"},
      {"json_bytes", "malformed_odd_length", "JSON-HEX-1", "bytes", R"("abc")", "three digits"},
      {"json_bytes", "malformed_uppercase", "JSON-HEX-1", "bytes", R"("ABCD")", "uppercase digits"},
      {"json_bytes", "malformed_mixed_case", "JSON-HEX-1", "bytes", R"("aBcd")", "one uppercase digit"},
      {"json_bytes", "malformed_prefix", "JSON-HEX-1", "bytes", R"("0x00")", "a 0x prefix"},
      {"json_bytes", "malformed_not_hex", "JSON-HEX-1", "bytes", R"("0g")", "the letter g"},
      {"json_bytes", "malformed_space", "JSON-HEX-1", "bytes", R"("00 ff")", "a space between bytes"},
      {"json_bytes", "malformed_array_of_numbers", "JSON-HEX-1", "bytes", "[0, 255]", "bytes as an array of numbers"},
      {"json_bytes", "malformed_null", "JSON-HEX-1", "bytes", "null", "bytes as null"},
      {"json_bytes", "malformed_bytes4_short", "JSON-HEX-1", "bytes4", R"("deadbe")", "a 4-byte array of 3 bytes"},
      {"json_bytes", "malformed_bytes4_long", "JSON-HEX-1", "bytes4", R"("deadbeef00")", "a 4-byte array of 5 bytes"},
      {"json_bytes", "malformed_bytes4_odd", "JSON-HEX-1", "bytes4", R"("deadbeef0")", "a 4-byte array of 9 digits"},
      {"json_bytes", "malformed_bytes4_uppercase", "JSON-HEX-1", "bytes4", R"("DEADBEEF")", "a 4-byte array in uppercase"},
      {"json_bytes", "malformed_hash32_short", "JSON-HEX-1", "hash32", "\"" + std::string(62, 'f') + "\"",
       "a hash32 of 31 bytes"},
      {"json_bytes", "malformed_hash32_long", "JSON-HEX-1", "hash32", "\"" + std::string(66, 'f') + "\"",
       "a hash32 of 33 bytes"},
      // JSON-LIST-1: lists and fixed lists.
      {"json_list", "empty", "JSON-LIST-1", "[u32]", "[]", "the empty list"},
      {"json_list", "two_elements", "JSON-LIST-1", "[u32]", "[0, 4294967295]", "two u32 elements"},
      {"json_list", "fixed_two", "JSON-LIST-1", "[u16; 2]", "[1, 65535]", "a fixed list of exactly 2"},
      {"json_list", "malformed_object", "JSON-LIST-1", "[u32]", "{}", "a list as an object"},
      {"json_list", "malformed_string", "JSON-LIST-1", "[u32]", R"("[]")", "a list as a string"},
      {"json_list", "malformed_null", "JSON-LIST-1", "[u32]", "null", "a list as null"},
      {"json_list", "malformed_bad_element", "JSON-LIST-1", "[u32]", "[1, -1]", "a list whose second element is -1"},
      {"json_list", "malformed_fixed_one", "JSON-LIST-1", "[u16; 2]", "[1]", "a fixed list of 2 with 1 element"},
      {"json_list", "malformed_fixed_three", "JSON-LIST-1", "[u16; 2]", "[1, 2, 3]", "a fixed list of 2 with 3 elements"},
      {"json_list", "malformed_fixed_empty", "JSON-LIST-1", "[u16; 2]", "[]", "a fixed list of 2 with none"},
      // Optional values: null or the value's own form.
      {"json_optional", "absent", "JSON-OPT-1", "optional u64", "null", "null: absent"},
      {"json_optional", "present", "JSON-OPT-1", "optional u64", R"("5")", "present: the u64's own form"},
      {"json_optional", "malformed_present_as_number", "JSON-OPT-1", "optional u64", "5", "a present u64 as a number"},
      {"json_optional", "malformed_empty_array", "JSON-OPT-1", "optional u64", "[]", "an empty array for absent"},
      {"json_optional", "malformed_empty_string", "JSON-OPT-1", "optional u64", R"("")", "the empty string for absent"},
      // JSON-STRUCT-1: exactly the fields, each once.
      {"json_struct", "every_kind", "JSON-STRUCT-1", "sample", sample, "the canonical_decode sample, a field of every kind"},
      {"json_struct", "keys_in_any_order", "JSON-STRUCT-1", "sample_inner", R"({"limit": 5, "weight": 2})",
       "the fields in the opposite order"},
      {"json_struct", "malformed_duplicate_key", "JSON-STRUCT-1", "sample_inner", R"({"weight": 1, "weight": 1, "limit": null})",
       "weight given twice with the same value"},
      {"json_struct", "malformed_duplicate_key_last_differs", "JSON-STRUCT-1", "sample_inner",
       R"({"weight": 1, "limit": null, "weight": 2})", "weight given twice: a reader that keeps the last would read 2"},
      {"json_struct", "malformed_duplicate_key_nested", "JSON-STRUCT-1", "sample",
       sample.substr(0, sample.size() - 3) + R"(, "limit": 42}]})", "a key given twice inside an element of a list"},
      {"json_struct", "malformed_missing_field", "JSON-STRUCT-1", "sample_inner", R"({"weight": 1})",
       "the optional field limit left out: an absent value is written null"},
      {"json_struct", "malformed_unknown_field", "JSON-STRUCT-1", "sample_inner", R"({"weight": 1, "limit": null, "extra": 0})",
       "a key that is not a field"},
      {"json_struct", "malformed_field_name_case", "JSON-STRUCT-1", "sample_inner", R"({"Weight": 1, "limit": null})",
       "a field name in another case"},
      {"json_struct", "malformed_array", "JSON-STRUCT-1", "sample_inner", "[1, null]", "a struct as an array of its fields"},
      {"json_struct", "malformed_null", "JSON-STRUCT-1", "sample_inner", "null", "a struct as null"},
  };
  for (const JsonCase& row : rows) {
    cases.one_step(row.suite, row.name, std::string(row.what) + " (read as " + row.type + ")", {row.rule}, "json_decode",
                   codec::to_json(JsonDecodeInput{row.type, bytes_of(row.text)}));
  }
}

// "§2.8.2" -> "2_8_2", "A.5" -> "a_5": a section as part of a case name.
std::string section_slug(std::string_view section) {
  std::string slug;
  for (const char c : section) {
    if (c >= '0' && c <= '9') slug += c;
    else if (c >= 'A' && c <= 'Z') slug += static_cast<char>(c - 'A' + 'a');
    else if (c == '.') slug += '_';
  }
  return slug;
}

AeadSealInput seeded_seal_input(Drbg& rng, std::size_t aad_length, std::size_t plaintext_length) {
  AeadSealInput in;
  in.key = rng.next32();
  const Bytes nonce = rng.next_bytes(in.nonce.size());
  std::copy(nonce.begin(), nonce.end(), in.nonce.begin());
  in.aad = rng.next_bytes(aad_length);
  in.plaintext = rng.next_bytes(plaintext_length);
  return in;
}

AeadOpenInput sealed_by_reference(const AeadSealInput& in) {
  return AeadOpenInput{in.key, in.nonce, in.aad, ref::chacha20_poly1305::seal(in.key, in.nonce, in.aad, in.plaintext)};
}

void aead_cases(CaseList& cases, Profile profile) {
  const std::vector<std::string> seal_rules = {"AEAD-SEAL-1"};
  const std::vector<std::string> open_rules = {"AEAD-OPEN-1", "AEAD-OPEN-2"};
  const std::vector<std::string> length_rule = {"AEAD-OPEN-1"};
  const Adversarial forger{"a forged or tampered ciphertext", "sender"};

  // RFC 8439's two AEAD vectors, sealed and opened.
  for (const auto& v : rfc8439_published::aeads) {
    const std::string name = "rfc8439_" + section_slug(v.section);
    const std::string what = "RFC 8439 " + std::string(v.section) + " published vector: " + std::string(v.comment);
    AeadSealInput in;
    hex_decode(v.key_hex, in.key);
    hex_decode(v.nonce_hex, in.nonce);
    in.aad = hex_bytes(v.aad_hex);
    in.plaintext = hex_bytes(v.plaintext_hex);
    cases.one_step("aead_seal", name, what, seal_rules, "aead_seal", codec::to_json(in));
    AeadOpenInput sealed{in.key, in.nonce, in.aad, hex_bytes(std::string(v.ciphertext_hex) + std::string(v.tag_hex))};
    cases.one_step("aead_open", name, what, open_rules, "aead_open", codec::to_json(sealed));
    if (section_slug(v.section) == "a_5") {
      sealed.ciphertext_and_tag.back() ^= 0x80;
      cases.one_step("aead_open", "invalid_" + name + "_flipped_tag_bit", what + ", with the tag's last bit flipped", open_rules,
                     "aead_open", codec::to_json(sealed)).adversarial = forger;
    }
  }

  // Lengths around Poly1305's 16-byte block (and the padding unit) and ChaCha20's 64-byte block:
  // a partial block or a padding bug shows at one below, at and one above.
  std::vector<std::size_t> lengths = {0, 1, 15, 16, 17, 63, 64, 65, 128};
  if (profile == Profile::large)
    for (std::size_t n = 2; n <= 300; ++n)
      if (std::find(lengths.begin(), lengths.end(), n) == lengths.end()) lengths.push_back(n);
  for (const std::size_t length : lengths) {
    const std::string n = std::to_string(length);
    CaseSpec& by_plaintext = cases.add("aead_seal", "plaintext_length_" + n,
                                       "seal " + n + " seeded plaintext bytes with 17 bytes of aad", seal_rules);
    Drbg plaintext_rng(by_plaintext.seed);
    by_plaintext.steps.push_back(Step{"aead_seal", 0, codec::to_json(seeded_seal_input(plaintext_rng, 17, length))});
    CaseSpec& by_aad = cases.add("aead_seal", "aad_length_" + n, "seal 17 seeded plaintext bytes with " + n + " bytes of aad",
                                 seal_rules);
    Drbg aad_rng(by_aad.seed);
    by_aad.steps.push_back(Step{"aead_seal", 0, codec::to_json(seeded_seal_input(aad_rng, length, 17))});
    CaseSpec& opened = cases.add("aead_open", "plaintext_length_" + n,
                                 "open the seal of " + n + " seeded plaintext bytes (" + std::to_string(length + 16) +
                                     " bytes with the tag)", open_rules);
    Drbg open_rng(opened.seed);
    opened.steps.push_back(Step{"aead_open", 0, codec::to_json(sealed_by_reference(seeded_seal_input(open_rng, 13, length)))});
  }

  // Every way to be rejected, from one genuine message: 16 bytes of aad, 20 of plaintext.
  Drbg rng(case_seed(mechanism_name, "aead_open", "tampering"));
  const AeadSealInput message = seeded_seal_input(rng, 16, 20);
  const AeadOpenInput genuine = sealed_by_reference(message);
  const auto add_invalid = [&](const std::string& name, const std::string& what, const std::vector<std::string>& rules,
                               const std::function<void(AeadOpenInput&)>& change) {
    AeadOpenInput in = genuine;
    change(in);
    cases.one_step("aead_open", name, what, rules, "aead_open", codec::to_json(in)).adversarial = forger;
  };
  add_invalid("invalid_empty_input", "no bytes at all: no tag", length_rule, [](AeadOpenInput& in) { in.ciphertext_and_tag.clear(); });
  add_invalid("invalid_1_byte", "one byte: no tag", length_rule, [](AeadOpenInput& in) { in.ciphertext_and_tag.resize(1); });
  add_invalid("invalid_15_bytes", "15 bytes, one short of a tag", length_rule,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.resize(15); });
  add_invalid("invalid_16_zero_bytes", "16 zero bytes: a tag-sized input with the wrong tag for an empty ciphertext", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.assign(16, 0); });
  add_invalid("invalid_flipped_bit_in_first_ciphertext_byte", "one bit of the first ciphertext byte flipped", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.front() ^= 0x01; });
  add_invalid("invalid_flipped_bit_in_last_ciphertext_byte", "one bit of the last ciphertext byte flipped", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag[in.ciphertext_and_tag.size() - 17] ^= 0x80; });
  add_invalid("invalid_flipped_bit_in_first_tag_byte", "one bit of the first tag byte flipped", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag[in.ciphertext_and_tag.size() - 16] ^= 0x01; });
  add_invalid("invalid_flipped_bit_in_last_tag_byte", "one bit of the last tag byte flipped", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.back() ^= 0x80; });
  add_invalid("invalid_flipped_bit_in_aad", "one bit of the aad flipped", open_rules, [](AeadOpenInput& in) { in.aad[5] ^= 0x04; });
  add_invalid("invalid_flipped_bit_in_nonce", "one bit of the nonce flipped", open_rules,
              [](AeadOpenInput& in) { in.nonce[11] ^= 0x80; });
  add_invalid("invalid_flipped_bit_in_key", "one bit of the key flipped", open_rules, [](AeadOpenInput& in) { in.key[0] ^= 0x01; });
  add_invalid("invalid_truncated_by_one_byte", "the last tag byte missing", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.pop_back(); });
  add_invalid("invalid_one_byte_appended", "a zero byte after the tag", open_rules,
              [](AeadOpenInput& in) { in.ciphertext_and_tag.push_back(0); });
  add_invalid("invalid_aad_moved_into_ciphertext",
              "the last 8 aad bytes moved to the front of the ciphertext: same bytes, another Poly1305 layout", open_rules,
              [](AeadOpenInput& in) {
                Bytes moved(in.aad.begin() + 8, in.aad.end());
                append(moved, in.ciphertext_and_tag);
                in.aad.resize(8);
                in.ciphertext_and_tag = moved;
              });
  add_invalid("invalid_empty_aad", "the aad left out", open_rules, [](AeadOpenInput& in) { in.aad.clear(); });
  {
    // 15 and 16 zero bytes of aad pad to the same block; only the length block tells them apart.
    AeadSealInput zeros = message;
    zeros.aad.assign(16, 0);
    AeadOpenInput in = sealed_by_reference(zeros);
    in.aad.assign(15, 0);
    cases.one_step("aead_open", "invalid_aad_15_zeros_for_16", "sealed with 16 zero bytes of aad, opened with 15", open_rules,
                   "aead_open", codec::to_json(in)).adversarial = forger;
  }
  {
    AeadSealInput other = message;
    other.plaintext[0] ^= 0x01;
    const Bytes other_sealed = sealed_by_reference(other).ciphertext_and_tag;
    AeadOpenInput in = genuine;
    std::copy(other_sealed.end() - 16, other_sealed.end(), in.ciphertext_and_tag.end() - 16);
    cases.one_step("aead_open", "invalid_tag_of_another_message", "the ciphertext with the tag of a different plaintext",
                   open_rules, "aead_open", codec::to_json(in)).adversarial = forger;
  }
  {
    AeadOpenInput in = genuine;
    in.key = rng.next32();
    cases.one_step("aead_open", "invalid_wrong_key", "a blob sealed under another key", open_rules, "aead_open",
                   codec::to_json(in)).adversarial = Adversarial{"a blob sealed under another key", "sender"};
  }
  cases.one_step("aead_open", "tampering_base", "the genuine message the invalid_* cases change", open_rules, "aead_open",
                 codec::to_json(genuine));

  // Inputs that do not decode.
  const json good_seal = codec::to_json(message);
  const auto with = [](json input, const std::string& field, json value) {
    input[field] = std::move(value);
    return input;
  };
  cases.one_step("aead_seal", "malformed_key_31_bytes", "a 31-byte key", seal_rules, "aead_seal",
                 with(good_seal, "key", to_hex(message.key).substr(2)));
  cases.one_step("aead_seal", "malformed_nonce_8_bytes", "a 64-bit nonce, as in the original ChaCha20, not this AEAD's 96 bits",
                 seal_rules, "aead_seal", with(good_seal, "nonce", to_hex(message.nonce).substr(8)));
  cases.one_step("aead_seal", "malformed_nonce_24_bytes", "a 192-bit nonce, as in XChaCha20, not this AEAD's 96 bits", seal_rules,
                 "aead_seal", with(good_seal, "nonce", to_hex(message.nonce) + to_hex(message.nonce)));
  cases.one_step("aead_seal", "malformed_plaintext_odd_hex", "plaintext hex with an odd number of digits", seal_rules, "aead_seal",
                 with(good_seal, "plaintext", "abc"));
  {
    json missing = good_seal;
    missing.erase("aad");
    cases.one_step("aead_seal", "malformed_missing_aad", "no aad field: an empty aad is written \"\"", seal_rules, "aead_seal",
                   missing);
  }
  const json good_open = codec::to_json(genuine);
  cases.one_step("aead_open", "malformed_key_33_bytes", "a 33-byte key", open_rules, "aead_open",
                 with(good_open, "key", to_hex(genuine.key) + "00"));
  cases.one_step("aead_open", "malformed_uppercase_hex", "ciphertext_and_tag hex must be lowercase", open_rules, "aead_open",
                 with(good_open, "ciphertext_and_tag", "ABCDEF"));
}

std::vector<CaseSpec> all_cases(Profile profile) {
  CaseList cases;
  encoding_cases(cases);
  json_cases(cases);
  sha256_cases(cases, profile);
  tagged_hash_cases(cases);
  rfc6962_cases(cases, profile);
  smt_cases(cases, profile);
  schnorr_cases(cases);
  checked_cases(cases);
  aead_cases(cases, profile);
  return cases.take();
}

}  // namespace primitives_vectors

Mechanism primitives_mechanism() {
  Mechanism mechanism;
  mechanism.name = std::string(primitives_vectors::mechanism_name);
  mechanism.ops = primitives_vectors::ops();
  mechanism.cases = primitives_vectors::all_cases;
  mechanism.shared_states = primitives_vectors::smt_shared_states;
  mechanism.model = inv::primitives_model_entry;
  mechanism.bench_prefix = "BM_primitives";
  return mechanism;
}

}  // namespace l2::vectors
