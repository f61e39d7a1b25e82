// The one way the optimized engines bound their thread count and split work. Internal to
// optimized/src.
#pragma once

#include <algorithm>
#include <climits>
#include <cstddef>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace l2::opt::detail {

// Runs work() on the calling thread's default TBB arena (threads == 0) or inside an arena of at
// most `threads` threads, and returns what it returns.
template <class Work>
auto in_arena(unsigned threads, const Work& work) {
  if (threads == 0) return work();
  tbb::task_arena arena(static_cast<int>(std::min<unsigned>(threads, INT_MAX)));
  return arena.execute(work);
}

// Calls body(begin, end) on pieces of [0, count): split across the arena's threads when
// `parallel` and there are at least two pieces of `grain`, else once on this thread.
template <class Body>
void for_each_chunk(std::size_t count, std::size_t grain, bool parallel, const Body& body) {
  if (!parallel || count < 2 * grain) {
    body(std::size_t{0}, count);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, grain),
                    [&body](const tbb::blocked_range<std::size_t>& range) { body(range.begin(), range.end()); });
}

}  // namespace l2::opt::detail
