// L2_VERIFY_CHECK(condition): the third class of error in ARCHITECTURE.md, an internal bug. It
// states a condition the code's own logic guarantees (never one an input can break: those are
// error codes). Active when L2_VERIFY is defined, which CMake does for every build type but Release
// and MinSizeRel (so in test, audit, fuzz and debug builds): a failure prints the condition and its
// place, then aborts, as libsecp256k1's VERIFY_CHECK does. Otherwise the condition still compiles
// but is not evaluated. In a constant evaluation a failed check does not compile.
// spec: README.md#error-classes
#pragma once

#include <cstdio>
#include <cstdlib>

namespace l2::verify_detail {

[[noreturn]] inline void failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: internal check failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace l2::verify_detail

#if defined(L2_VERIFY)
#define L2_VERIFY_CHECK(condition) \
  ((condition) ? static_cast<void>(0) : ::l2::verify_detail::failed(#condition, __FILE__, __LINE__))
#else
#define L2_VERIFY_CHECK(condition) static_cast<void>(sizeof((condition) ? 1 : 0))
#endif
