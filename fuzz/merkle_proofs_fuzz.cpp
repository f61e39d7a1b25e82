// Merkle proof verification on hostile input: any index, size and proof must give an error code,
// never a crash; and a proof the verifier accepts must really lead to the root it was checked against.
#include <cstdlib>

#include "l2/ref/merkle.hpp"
#include "l2/ref/sparse_merkle.hpp"

namespace {

std::uint64_t take_u64(const std::uint8_t*& data, std::size_t& size) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8 && size > 0; ++i, ++data, --size) value = (value << 8) | *data;
  return value;
}

l2::Hash32 take_hash(const std::uint8_t*& data, std::size_t& size) {
  l2::Hash32 hash{};
  for (std::size_t i = 0; i < 32 && size > 0; ++i, ++data, --size) hash[i] = *data;
  return hash;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Small sizes dominate so that accepted proofs are reachable.
  const std::uint64_t index = take_u64(data, size) % 70;
  const std::uint64_t tree_size = take_u64(data, size) % 70;
  const l2::Hash32 root = take_hash(data, size);
  const l2::Hash32 leaf = take_hash(data, size);
  std::vector<l2::Hash32> proof;
  while (size > 0 && proof.size() < 80) proof.push_back(take_hash(data, size));

  const auto inclusion = l2::ref::rfc6962::verify_inclusion(index, tree_size, leaf, proof, root);
  if (inclusion == l2::PrimitiveError::none &&
      l2::ref::rfc6962::verify_inclusion(index, tree_size, leaf, proof, l2::ref::rfc6962::node_hash(root, root)) ==
          l2::PrimitiveError::none)
    std::abort();  // one proof cannot lead to two roots
  (void)l2::ref::rfc6962::verify_consistency(index, tree_size, leaf, root, proof);

  l2::ref::smt::Proof smt_proof;
  smt_proof.index = static_cast<l2::ref::smt::Index>(index * 0x9e3779b9u);
  for (std::size_t h = 0; h < l2::ref::smt::depth && h < proof.size(); ++h) smt_proof.siblings[h] = proof[h];
  const l2::Hash32 opened = l2::ref::smt::root_from_proof(smt_proof, leaf);
  if (l2::ref::smt::verify_membership(opened, smt_proof, leaf) != l2::PrimitiveError::none) std::abort();
  if (l2::ref::smt::verify_non_membership(opened, smt_proof) == l2::PrimitiveError::none) std::abort();
  return 0;
}
