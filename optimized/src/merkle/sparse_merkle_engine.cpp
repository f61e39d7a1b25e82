// Optimized sparse Merkle tree: must match l2::ref::smt::Tree (set, erase, get, root, prove) and
// l2::ref::smt::rebuild_root bit for bit.
// Exploits a flat per-level cache holding each non-empty node's two children side by side (the
// exact 64-byte input of its hash, one lookup away, on transparent huge pages), batch updates that
// hash each dirty node once, the multi-buffer SHA-256 kernels (midstate64_many continuing the
// "L2/smt/node" tag's midstate) and oneTBB threads across the dirty nodes of a level.
#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>
#include <tbb/task_arena.h>

#include "l2/opt/sparse_merkle.hpp"
#include "l2/ref/sha256.hpp"
#include "../threads.hpp"

namespace l2::opt::smt {
namespace detail {

namespace {
// Fibonacci hashing: consecutive prefixes (the common case in a dense tree) spread evenly.
constexpr std::uint64_t golden_ratio_multiplier = 0x9E3779B97F4A7C15ULL;
constexpr std::size_t min_capacity = 16;
// Linear probing stays short below this load: at most 5 of every 8 slots are used.
constexpr std::size_t load_numerator = 5;
constexpr std::size_t load_denominator = 8;
}  // namespace

namespace {
constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
}  // namespace

void* allocate_table_bytes(std::size_t bytes, std::size_t alignment) {
#if defined(__linux__)
  if (bytes >= huge_page_bytes) {
    const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
    void* pages = std::aligned_alloc(huge_page_bytes, rounded);
    if (pages == nullptr) throw std::bad_alloc();
    // Only a hint: without transparent huge pages the table still works, on 4 KiB pages.
    madvise(pages, rounded, MADV_HUGEPAGE);
    return pages;
  }
#endif
  return ::operator new(bytes, std::align_val_t(alignment));
}

void free_table_bytes(void* pointer, [[maybe_unused]] std::size_t bytes, std::size_t alignment) {
#if defined(__linux__)
  if (bytes >= huge_page_bytes) {
    std::free(pointer);
    return;
  }
#endif
  ::operator delete(pointer, std::align_val_t(alignment));
}

template <class Payload>
std::size_t PairTable<Payload>::home_of(std::uint32_t key) const {
  return static_cast<std::size_t>((std::uint64_t{key} * golden_ratio_multiplier) >> shift_);
}

template <class Payload>
PairTable<Payload>::PairTable(const PairTable& other)
    : words_(other.words_.size()), payloads_(other.payloads_), size_(other.size_), shift_(other.shift_) {
  for (std::size_t slot = 0; slot < words_.size(); ++slot) words_[slot].store(other.word(slot), std::memory_order_relaxed);
}

template <class Payload>
PairTable<Payload>& PairTable<Payload>::operator=(const PairTable& other) {
  if (this != &other) *this = PairTable(other);
  return *this;
}

template <class Payload>
std::size_t PairTable<Payload>::find(std::uint32_t key) const {
  if (words_.empty()) return npos;
  const std::size_t mask = words_.size() - 1;
  for (std::size_t slot = home_of(key);; slot = (slot + 1) & mask) {
    const std::uint64_t probed = word(slot);
    if (static_cast<std::uint32_t>(probed) == key) return slot;
    if (probed == free_word) return npos;
  }
}

template <class Payload>
u8 PairTable<Payload>::occupied_children(std::size_t slot) const {
  return static_cast<u8>(word(slot) >> 32);
}

template <class Payload>
void PairTable<Payload>::set_occupied_children(std::size_t slot, u8 children) {
  const std::uint64_t key = static_cast<std::uint32_t>(word(slot));
  words_[slot].store(key | (std::uint64_t{children} << 32), std::memory_order_relaxed);
}

template <class Payload>
void PairTable<Payload>::reserve(std::size_t count) {
  if (count * load_denominator <= words_.size() * load_numerator) return;
  std::size_t capacity = std::max(min_capacity, words_.size());
  while (count * load_denominator > capacity * load_numerator) capacity *= 2;
  rehash(capacity);
}

template <class Payload>
void PairTable<Payload>::rehash(std::size_t new_capacity) {
  decltype(words_) old_words(new_capacity);
  decltype(payloads_) old_payloads(new_capacity);
  old_words.swap(words_);
  old_payloads.swap(payloads_);
  for (Word& fresh : words_) fresh.store(free_word, std::memory_order_relaxed);
  shift_ = 64;
  for (std::size_t capacity = new_capacity; capacity > 1; capacity /= 2) --shift_;
  const std::size_t mask = new_capacity - 1;
  for (std::size_t old_slot = 0; old_slot < old_words.size(); ++old_slot) {
    const std::uint64_t moving = old_words[old_slot].load(std::memory_order_relaxed);
    if (moving == free_word) continue;
    std::size_t slot = home_of(static_cast<std::uint32_t>(moving));
    while (word(slot) != free_word) slot = (slot + 1) & mask;
    words_[slot].store(moving, std::memory_order_relaxed);
    payloads_[slot] = old_payloads[old_slot];
  }
}

template <class Payload>
std::size_t PairTable<Payload>::insert(std::uint32_t key) {
  reserve(size_ + 1);
  const std::size_t mask = words_.size() - 1;
  std::size_t slot = home_of(key);
  while (word(slot) != free_word) slot = (slot + 1) & mask;
  words_[slot].store(key, std::memory_order_relaxed);
  ++size_;
  return slot;
}

// Backward-shift deletion: later members of the probe run move into the hole when their home
// allows, so lookups never need tombstones.
template <class Payload>
void PairTable<Payload>::erase(std::uint32_t key) {
  std::size_t hole = find(key);
  if (hole == npos) return;
  const std::size_t mask = words_.size() - 1;
  for (std::size_t next = (hole + 1) & mask; word(next) != free_word; next = (next + 1) & mask) {
    const std::size_t home = home_of(static_cast<std::uint32_t>(word(next)));
    const bool hole_between_home_and_next = ((next - home) & mask) >= ((next - hole) & mask);
    if (hole_between_home_and_next) {
      words_[hole].store(word(next), std::memory_order_relaxed);
      payloads_[hole] = payloads_[next];
      hole = next;
    }
  }
  words_[hole].store(free_word, std::memory_order_relaxed);
  --size_;
}

template class PairTable<LeafPair>;
template class PairTable<NodePair>;

}  // namespace detail

namespace {

using detail::DirtyNodes;

static_assert(sizeof(detail::NodePair) == 64, "a node pair is exactly one midstate64_many input");

constexpr std::string_view leaf_tag = "L2/smt/leaf";
constexpr std::string_view node_tag = "L2/smt/node";
// SHA256("L2/smt/leaf"), the first and second half of every leaf message: a constant.
constexpr Hash32 leaf_tag_hash = ref::sha256(leaf_tag);

// The SHA-256 state after the 64-byte prefix SHA256(tag) || SHA256(tag), computed at compile time.
constexpr sha256::Midstate midstate_after_tag(std::string_view tag) {
  const Hash32 tag_hash = ref::sha256(tag);
  std::array<u8, 64> prefix{};
  for (std::size_t i = 0; i < 32; ++i) prefix[i] = prefix[32 + i] = tag_hash[i];
  std::array<std::uint32_t, 8> state = ref::sha256_detail::initial_state;
  ref::sha256_compress(state, prefix.data());
  return sha256::Midstate{state};
}

constexpr sha256::Midstate node_tag_midstate = midstate_after_tag(node_tag);
constexpr std::size_t index_bytes = 4;
constexpr std::size_t leaf_message_size = 64 + index_bytes + 32;
// Parents hashed per midstate64_many call: a multiple of every kernel's lane count, and small
// enough for the staging buffers to live on the stack.
constexpr std::size_t parents_per_block = 64;
constexpr std::size_t parents_per_task = 512;
// Measured: a batch of 1024 updates gains nothing from a second thread, whose task hand-offs cost
// as much as they save.
constexpr std::size_t min_updates_for_threads = 4 * parents_per_task;

using opt::detail::for_each_chunk;

// What a batch did to one parent; decided in parallel, applied to the table afterwards.
enum class Outcome : u8 {
  unchanged,      // every write to its children was a no-op
  hashed,         // still non-empty: its new hash is in the result
  hashed_new,     // was empty: its pair must be inserted into the table
  emptied,        // lost its last leaf: its pair leaves the table
};

constexpr u8 child_bit(std::uint32_t prefix) { return static_cast<u8>(1u << (prefix & 1u)); }

// starts[g] is the first of the sorted `prefixes` whose parent (prefix >> 1) is the g-th distinct
// one; starts.back() == prefixes.size().
template <class PrefixOf>
std::vector<std::size_t> group_by_parent(std::size_t count, const PrefixOf& prefix_of) {
  std::vector<std::size_t> starts;
  starts.reserve(count + 1);
  for (std::size_t i = 0; i < count; ++i)
    if (i == 0 || (prefix_of(i) >> 1) != (prefix_of(i - 1) >> 1)) starts.push_back(i);
  starts.push_back(count);
  return starts;
}

// Collects the 64-byte pairs of up to parents_per_block parents and hashes them in one kernel call.
class PairHasher {
 public:
  PairHasher(const sha256::Kernel& kernel, const sha256::Midstate& node_midstate)
      : kernel_(kernel), node_midstate_(node_midstate) {}

  void stage(const std::array<Hash32, 2>& pair, std::size_t parent) {
    std::memcpy(pairs_.data() + 64 * staged_, pair.data(), 64);
    parent_of_staged_[staged_++] = parent;
  }

  void hash_into(std::vector<Hash32>& parent_hashes) {
    if (staged_ == 0) return;
    kernel_.midstate64_many(node_midstate_, pairs_.data(), hashes_[0].data(), staged_);
    for (std::size_t k = 0; k < staged_; ++k) parent_hashes[parent_of_staged_[k]] = hashes_[k];
    staged_ = 0;
  }

 private:
  const sha256::Kernel& kernel_;
  const sha256::Midstate& node_midstate_;
  std::array<u8, 64 * parents_per_block> pairs_;
  std::array<Hash32, parents_per_block> hashes_;
  std::array<std::size_t, parents_per_block> parent_of_staged_;
  std::size_t staged_ = 0;
};

// The parents of this level that changed, in order, for the next level up.
DirtyNodes changed_parents(const std::vector<std::uint32_t>& parent_prefixes, const std::vector<Outcome>& outcomes,
                           const std::vector<Hash32>& parent_hashes) {
  DirtyNodes changed;
  changed.prefixes.reserve(outcomes.size());
  changed.hashes.reserve(outcomes.size());
  changed.emptied.reserve(outcomes.size());
  for (std::size_t g = 0; g < outcomes.size(); ++g) {
    if (outcomes[g] == Outcome::unchanged) continue;
    changed.prefixes.push_back(parent_prefixes[g]);
    changed.hashes.push_back(parent_hashes[g]);
    changed.emptied.push_back(outcomes[g] == Outcome::emptied ? 1 : 0);
  }
  return changed;
}

}  // namespace

Tree::Tree() : Tree(default_merkle_kernel()) {}

const sha256::Midstate& detail::node_midstate() { return node_tag_midstate; }

Tree::Tree(const sha256::Kernel& kernel) : kernel_(&kernel), node_midstate_(node_tag_midstate) {
  empty_hashes_[0] = Hash32{};
  for (std::size_t height = 0; height < depth; ++height) {
    const std::array<Hash32, 2> pair = {empty_hashes_[height], empty_hashes_[height]};
    kernel.midstate64_many(node_midstate_, pair[0].data(), empty_hashes_[height + 1].data(), 1);
  }
  root_ = empty_hashes_[depth];
}

Hash32 detail::leaf_hash(const sha256::Kernel& kernel, Index index, const Hash32& value) {
  std::array<u8, leaf_message_size> message;
  std::copy(leaf_tag_hash.begin(), leaf_tag_hash.end(), message.begin());
  std::copy(leaf_tag_hash.begin(), leaf_tag_hash.end(), message.begin() + 32);
  for (std::size_t byte = 0; byte < index_bytes; ++byte)
    message[64 + byte] = static_cast<u8>(index >> (8 * (index_bytes - 1 - byte)));
  std::copy(value.begin(), value.end(), message.begin() + 64 + index_bytes);
  Hash32 digest;
  kernel.hash_one(message.data(), message.size(), digest.data());
  return digest;
}

std::optional<Hash32> Tree::get(Index index) const {
  const std::size_t slot = leaf_pairs_.find(index >> 1);
  if (slot == leaf_pairs_.npos) return std::nullopt;
  if ((leaf_pairs_.occupied_children(slot) & child_bit(index)) == 0) return std::nullopt;
  return leaf_pairs_.payload(slot).values[index & 1u];
}

Proof Tree::prove(Index index) const {
  Proof proof;
  proof.index = index;
  const std::size_t leaf_slot = leaf_pairs_.find(index >> 1);
  proof.siblings[0] = leaf_slot == leaf_pairs_.npos ? empty_hashes_[0]
                                                    : leaf_pairs_.payload(leaf_slot).leaf_hashes[(index & 1u) ^ 1u];
  for (std::size_t height = 1; height < depth; ++height) {
    const auto& level = node_pairs_[height - 1];
    const std::uint64_t prefix = std::uint64_t{index} >> height;
    const std::size_t slot = level.find(static_cast<std::uint32_t>(prefix >> 1));
    proof.siblings[height] = slot == level.npos ? empty_hashes_[height] : level.payload(slot).children[(prefix & 1u) ^ 1u];
  }
  return proof;
}

void Tree::set(Index index, const Hash32& value) {
  const Update update{index, value};
  apply_batch(std::span<const Update>(&update, 1), 1);
}

bool Tree::erase(Index index) {
  if (!get(index).has_value()) return false;
  const Update update{index, std::nullopt};
  apply_batch(std::span<const Update>(&update, 1), 1);
  return true;
}

void Tree::apply_batch(std::span<const Update> updates, unsigned threads) {
  // Each slice sorts (index, position) packed into 64 bits, so a slice holds < 2^32 updates;
  // slices applied in order keep "last write wins" across them.
  constexpr std::size_t max_slice = std::numeric_limits<std::uint32_t>::max();
  const auto apply_all = [&](bool parallel) {
    for (std::size_t begin = 0; begin < updates.size(); begin += max_slice)
      apply_slice(updates.subspan(begin, std::min(max_slice, updates.size() - begin)), parallel);
  };
  if (threads == 1 || updates.size() < min_updates_for_threads) {
    apply_all(false);
  } else {
    opt::detail::in_arena(threads, [&] { apply_all(true); });
  }
}

void Tree::apply_slice(std::span<const Update> updates, bool parallel) {
  std::vector<std::uint64_t> index_then_position(updates.size());
  for (std::size_t position = 0; position < updates.size(); ++position)
    index_then_position[position] = (std::uint64_t{updates[position].index} << 32) | position;
  if (parallel)
    tbb::parallel_sort(index_then_position.begin(), index_then_position.end());
  else
    std::sort(index_then_position.begin(), index_then_position.end());
  std::vector<const Update*> last_writes;
  last_writes.reserve(updates.size());
  for (std::size_t i = 0; i < index_then_position.size(); ++i) {
    const bool last_for_index =
        i + 1 == index_then_position.size() || (index_then_position[i + 1] >> 32) != (index_then_position[i] >> 32);
    if (last_for_index) last_writes.push_back(&updates[index_then_position[i] & 0xffffffffu]);
  }

  DirtyNodes dirty = update_leaf_pairs(last_writes, parallel);
  for (std::size_t height = 1; height < depth && !dirty.prefixes.empty(); ++height)
    dirty = update_node_pairs(height, dirty, parallel);
  if (!dirty.prefixes.empty()) root_ = dirty.emptied[0] != 0 ? empty_hashes_[depth] : dirty.hashes[0];
}

DirtyNodes Tree::update_leaf_pairs(const std::vector<const Update*>& writes, bool parallel) {
  const std::vector<std::size_t> starts =
      group_by_parent(writes.size(), [&](std::size_t i) { return writes[i]->index; });
  const std::size_t parent_count = starts.size() - 1;
  std::vector<std::uint32_t> parent_prefixes(parent_count);
  std::vector<Outcome> outcomes(parent_count, Outcome::unchanged);
  std::vector<Hash32> parent_hashes(parent_count);
  std::vector<std::int8_t> leaf_count_changes(parent_count, 0);
  // Leaf hashes of the values written, kept for pairs that must be inserted afterwards.
  std::vector<Hash32> new_leaf_hashes(writes.size());

  for_each_chunk(parent_count, parents_per_task, parallel, [&](std::size_t begin, std::size_t end) {
    PairHasher hasher(*kernel_, node_midstate_);
    for (std::size_t block = begin; block < end; block += parents_per_block) {
      const std::size_t block_end = std::min(end, block + parents_per_block);
      for (std::size_t g = block; g < block_end; ++g) {
        const std::uint32_t parent = writes[starts[g]]->index >> 1;
        parent_prefixes[g] = parent;
        const std::size_t slot = leaf_pairs_.find(parent);
        detail::LeafPair fresh{};
        detail::LeafPair& pair = slot == leaf_pairs_.npos ? fresh : leaf_pairs_.payload(slot);
        u8 occupied = slot == leaf_pairs_.npos ? u8{0} : leaf_pairs_.occupied_children(slot);
        bool changed = false;
        for (std::size_t w = starts[g]; w < starts[g + 1]; ++w) {
          const Update& update = *writes[w];
          const std::size_t child = update.index & 1u;
          const u8 bit = child_bit(update.index);
          const bool was_present = (occupied & bit) != 0;
          if (update.value.has_value()) {
            if (was_present && pair.values[child] == *update.value) continue;
            new_leaf_hashes[w] = detail::leaf_hash(*kernel_, update.index, *update.value);
            pair.values[child] = *update.value;
            pair.leaf_hashes[child] = new_leaf_hashes[w];
            occupied = static_cast<u8>(occupied | bit);
            if (!was_present) ++leaf_count_changes[g];
          } else {
            if (!was_present) continue;
            pair.values[child] = Hash32{};
            pair.leaf_hashes[child] = empty_hashes_[0];
            occupied = static_cast<u8>(occupied & ~bit);
            --leaf_count_changes[g];
          }
          changed = true;
        }
        if (!changed) continue;
        if (slot != leaf_pairs_.npos) leaf_pairs_.set_occupied_children(slot, occupied);
        if (occupied == 0) {
          outcomes[g] = Outcome::emptied;
          continue;
        }
        outcomes[g] = slot == leaf_pairs_.npos ? Outcome::hashed_new : Outcome::hashed;
        hasher.stage(pair.leaf_hashes, g);
      }
      hasher.hash_into(parent_hashes);
    }
  });

  const auto inserts = static_cast<std::size_t>(std::count(outcomes.begin(), outcomes.end(), Outcome::hashed_new));
  leaf_pairs_.reserve(leaf_pairs_.size() + inserts);
  for (std::size_t g = 0; g < parent_count; ++g) {
    leaf_count_ = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(leaf_count_) + leaf_count_changes[g]);
    if (outcomes[g] == Outcome::hashed_new) {
      const std::size_t slot = leaf_pairs_.insert(parent_prefixes[g]);
      detail::LeafPair& pair = leaf_pairs_.payload(slot);
      pair = detail::LeafPair{};
      u8 occupied = 0;
      for (std::size_t w = starts[g]; w < starts[g + 1]; ++w) {
        if (!writes[w]->value.has_value()) continue;
        const std::size_t child = writes[w]->index & 1u;
        pair.values[child] = *writes[w]->value;
        pair.leaf_hashes[child] = new_leaf_hashes[w];
        occupied = static_cast<u8>(occupied | child_bit(writes[w]->index));
      }
      leaf_pairs_.set_occupied_children(slot, occupied);
    } else if (outcomes[g] == Outcome::emptied) {
      leaf_pairs_.erase(parent_prefixes[g]);
    }
  }
  return changed_parents(parent_prefixes, outcomes, parent_hashes);
}

DirtyNodes Tree::update_node_pairs(std::size_t height, const DirtyNodes& children, bool parallel) {
  auto& level = node_pairs_[height - 1];
  const Hash32& empty_child = empty_hashes_[height];
  const std::vector<std::size_t> starts =
      group_by_parent(children.prefixes.size(), [&](std::size_t i) { return children.prefixes[i]; });
  const std::size_t parent_count = starts.size() - 1;
  std::vector<std::uint32_t> parent_prefixes(parent_count);
  std::vector<Outcome> outcomes(parent_count, Outcome::unchanged);
  std::vector<Hash32> parent_hashes(parent_count);

  // Writes the changed children of group g into `pair`; returns the new occupancy bits.
  const auto write_children = [&](std::size_t g, detail::NodePair& pair, u8 occupied) {
    for (std::size_t w = starts[g]; w < starts[g + 1]; ++w) {
      const std::uint32_t prefix = children.prefixes[w];
      if (children.emptied[w] != 0) {
        pair.children[prefix & 1u] = empty_child;
        occupied = static_cast<u8>(occupied & ~child_bit(prefix));
      } else {
        pair.children[prefix & 1u] = children.hashes[w];
        occupied = static_cast<u8>(occupied | child_bit(prefix));
      }
    }
    return occupied;
  };

  for_each_chunk(parent_count, parents_per_task, parallel, [&](std::size_t begin, std::size_t end) {
    PairHasher hasher(*kernel_, node_midstate_);
    for (std::size_t block = begin; block < end; block += parents_per_block) {
      const std::size_t block_end = std::min(end, block + parents_per_block);
      for (std::size_t g = block; g < block_end; ++g) {
        const std::uint32_t parent = children.prefixes[starts[g]] >> 1;
        parent_prefixes[g] = parent;
        const std::size_t slot = level.find(parent);
        if (slot == level.npos) {
          detail::NodePair fresh{{empty_child, empty_child}};
          // A parent that was empty gains a child; "emptied" children of an empty parent are no-ops.
          if (write_children(g, fresh, 0) == 0) continue;
          outcomes[g] = Outcome::hashed_new;
          hasher.stage(fresh.children, g);
          continue;
        }
        detail::NodePair& pair = level.payload(slot);
        const u8 occupied = write_children(g, pair, level.occupied_children(slot));
        level.set_occupied_children(slot, occupied);
        if (occupied == 0) {
          outcomes[g] = Outcome::emptied;
          continue;
        }
        outcomes[g] = Outcome::hashed;
        hasher.stage(pair.children, g);
      }
      hasher.hash_into(parent_hashes);
    }
  });

  const auto inserts = static_cast<std::size_t>(std::count(outcomes.begin(), outcomes.end(), Outcome::hashed_new));
  level.reserve(level.size() + inserts);
  for (std::size_t g = 0; g < parent_count; ++g) {
    if (outcomes[g] == Outcome::hashed_new) {
      const std::size_t slot = level.insert(parent_prefixes[g]);
      level.payload(slot) = detail::NodePair{{empty_child, empty_child}};
      level.set_occupied_children(slot, write_children(g, level.payload(slot), 0));
    } else if (outcomes[g] == Outcome::emptied) {
      level.erase(parent_prefixes[g]);
    }
  }
  return changed_parents(parent_prefixes, outcomes, parent_hashes);
}

Hash32 rebuild_root(std::span<const std::pair<Index, Hash32>> entries, unsigned threads) {
  std::vector<Update> updates;
  updates.reserve(entries.size());
  for (const auto& [index, value] : entries) updates.push_back(Update{index, value});
  Tree tree;
  tree.apply_batch(updates, threads);
  return tree.root();
}

}  // namespace l2::opt::smt
