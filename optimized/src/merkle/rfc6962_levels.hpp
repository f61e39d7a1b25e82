// Internals shared by the RFC 6962 root engine (rfc6962_engine.cpp) and the proof engine
// (rfc6962_proofs.cpp): hashing one level of the level-by-level construction, and the rule for
// when that is worth TBB threads. Internal to optimized/src/merkle.
#pragma once

#include <cstddef>

#include "l2/opt/merkle.hpp"
#include "../threads.hpp"

namespace l2::opt::rfc6962::detail {

using opt::detail::for_each_chunk;

// Runs work(parallel) inside an arena of at most `threads` threads when the job is big enough.
template <class Work>
auto with_threads(unsigned threads, bool big_enough, const Work& work) {
  if (threads == 1 || !big_enough) return work(false);
  return opt::detail::in_arena(threads, [&work] { return work(true); });
}

// parents[i] = node(children[2i], children[2i+1]); an odd last child moves up unchanged, which
// gives exactly RFC 6962's split at the largest power of two below the size. `parents` must not
// overlap `children`.
void hash_level(const sha256::Kernel& kernel, const Hash32* children, std::size_t child_count, Hash32* parents,
                bool parallel);

// SHA256(""), the empty tree's root.
Hash32 empty_tree_root(const sha256::Kernel& kernel);

// Whether a tree of `leaf_count` leaves has a level worth splitting across threads.
bool worth_threads(std::size_t leaf_count);

}  // namespace l2::opt::rfc6962::detail
