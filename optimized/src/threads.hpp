// The one way the optimized engines bound their thread count. Internal to optimized/src.
#pragma once

#include <algorithm>
#include <climits>

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

}  // namespace l2::opt::detail
