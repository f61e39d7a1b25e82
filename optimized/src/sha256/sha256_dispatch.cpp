// SHA-256 kernel dispatch: every entry point must match l2::ref::sha256 / l2::ref::tagged_hash
// (reference/include/l2/ref/sha256.hpp) through whichever kernel it picks.
// Hardware feature: none itself; it reads CPUID and XCR0 to learn which kernels this CPU and OS
// can run. This file is compiled for baseline x86-64, so the checks are safe on any CPU, and no
// check runs before the first call (no global constructor).
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "l2/opt/sha256_finish.hpp"
#include "sha256_kernels.hpp"

#if L2_SHA256_X86_KERNELS
#include <cpuid.h>
#endif

namespace l2::opt::sha256 {
namespace detail {
namespace {

struct CpuFeatures {
  bool sha_ni = false;
  bool avx2 = false;
  bool avx512 = false;  // F, VL and BW, as the avx512 file is compiled with all three
};

#if L2_SHA256_X86_KERNELS
constexpr bool bit(unsigned word, int index) { return ((word >> index) & 1u) != 0; }

// XCR0 says which register state the OS saves on a context switch. XGETBV faults unless the OS
// set CR4.OSXSAVE, which CPUID.1:ECX.OSXSAVE reports, so that bit is checked first.
u64 read_xcr0() {
  unsigned low = 0;
  unsigned high = 0;
  __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
  return (u64{high} << 32) | low;
}

CpuFeatures detect_cpu_features() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return {};
  const bool ssse3 = bit(ecx, 9);
  const bool sse41 = bit(ecx, 19);
  const bool osxsave = bit(ecx, 27);
  const bool avx = bit(ecx, 28);
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return {};
  const bool avx2 = bit(ebx, 5);
  const bool avx512f = bit(ebx, 16);
  const bool sha = bit(ebx, 29);
  const bool avx512bw = bit(ebx, 30);
  const bool avx512vl = bit(ebx, 31);

  constexpr u64 xcr0_sse_avx = (1u << 1) | (1u << 2);                   // XMM, YMM upper halves
  constexpr u64 xcr0_avx512 = xcr0_sse_avx | (1u << 5) | (1u << 6) | (1u << 7);  // + opmask, ZMM0-15 upper, ZMM16-31
  const u64 xcr0 = osxsave ? read_xcr0() : 0;
  const bool os_saves_ymm = (xcr0 & xcr0_sse_avx) == xcr0_sse_avx;
  const bool os_saves_zmm = (xcr0 & xcr0_avx512) == xcr0_avx512;

  CpuFeatures features;
  features.sha_ni = sha && ssse3 && sse41;  // XMM state is always enabled on x86-64
  features.avx2 = avx && avx2 && os_saves_ymm;
  features.avx512 = features.avx2 && avx512f && avx512vl && avx512bw && os_saves_zmm;
  return features;
}
#else
CpuFeatures detect_cpu_features() { return {}; }
#endif

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect_cpu_features();
  return features;
}

bool portable_supported() { return true; }

#if L2_SHA256_X86_KERNELS
bool shani_supported() { return cpu_features().sha_ni; }
bool avx2_x8_supported() { return cpu_features().avx2; }
bool avx512_x16_supported() { return cpu_features().avx512; }

constinit const Kernel shani_kernel{
    "shani", "one message at a time (four interleaved in batches) with the x86 SHA extensions",
    "SHA-NI, SSE4.1, SSSE3", &shani_supported, &shani::hash_one, &shani::hash64_many,
    &shani::rfc6962_node_many, &shani::midstate64_many};
constinit const Kernel avx2_x8_kernel{
    "avx2_x8", "8 messages at once, one per 32-bit lane of 256-bit AVX2 registers; small remainders single-stream",
    "AVX2 (OS-enabled YMM state)", &avx2_x8_supported, &single_stream_hash_one, &avx2_x8::hash64_many,
    &avx2_x8::rfc6962_node_many, &avx2_x8::midstate64_many};
constinit const Kernel avx512_x16_kernel{
    "avx512_x16", "16 messages at once, one per 32-bit lane of 512-bit AVX-512 registers; small remainders single-stream",
    "AVX-512F, AVX-512VL, AVX-512BW, AVX2 (OS-enabled ZMM and opmask state)", &avx512_x16_supported,
    &single_stream_hash_one, &avx512_x16::hash64_many, &avx512_x16::rfc6962_node_many,
    &avx512_x16::midstate64_many};
#endif

constinit const Kernel portable_kernel{
    "portable", "plain C++, one message at a time", "none (any CPU)", &portable_supported,
    &portable::hash_one, &portable::hash64_many, &portable::rfc6962_node_many, &portable::midstate64_many};

#if L2_SHA256_X86_KERNELS
constinit const Kernel* const kernels_in_build[] = {&portable_kernel, &shani_kernel, &avx2_x8_kernel,
                                                    &avx512_x16_kernel};
// Measured with BM_primitives_node_hash (64-byte batch path) on AMD EPYC (Zen 4/5 class).
constinit const Kernel* const kernels_fastest_first[] = {&avx512_x16_kernel, &shani_kernel, &avx2_x8_kernel,
                                                         &portable_kernel};
#else
constinit const Kernel* const kernels_in_build[] = {&portable_kernel};
constinit const Kernel* const kernels_fastest_first[] = {&portable_kernel};
#endif

std::string joined_names(std::span<const Kernel* const> kernels) {
  std::string names;
  for (const Kernel* kernel : kernels) {
    if (!names.empty()) names += ", ";
    names += kernel->name;
  }
  return names.empty() ? std::string("none") : names;
}

bool contains(std::span<const Kernel* const> kernels, const Kernel* wanted) {
  for (const Kernel* kernel : kernels)
    if (kernel == wanted) return true;
  return false;
}

Selection read_selection() {
  const char* forced = std::getenv(force_backend_variable.data());
  return select_kernel(forced == nullptr ? std::string_view() : std::string_view(forced));
}

}  // namespace

const Kernel& single_stream_kernel() {
#if L2_SHA256_X86_KERNELS
  if (cpu_features().sha_ni) return shani_kernel;
#endif
  return portable_kernel;
}

void single_stream_hash_one(const u8* data, std::size_t len, u8* out) { single_stream_kernel().hash_one(data, len, out); }

// Measured on hash64_many (AMD EPYC, Zen 4/5 class): SHA-NI hashes up to about 3/4 of a 16-lane
// pass's worth of messages in the time of one pass; the portable code only a single message.
std::size_t single_stream_tail_limit(std::size_t lanes) {
  if (&single_stream_kernel() != &portable_kernel) return lanes * 3 / 4;
  return 1;
}

}  // namespace detail

std::span<const Kernel* const> all_kernels() { return detail::kernels_in_build; }

std::span<const Kernel* const> kernels_by_preference() { return detail::kernels_fastest_first; }

std::vector<const Kernel*> supported_kernels() {
  std::vector<const Kernel*> supported;
  for (const Kernel* kernel : all_kernels())
    if (kernel->supported()) supported.push_back(kernel);
  return supported;
}

const Kernel* find_kernel(std::string_view name) {
  for (const Kernel* kernel : all_kernels())
    if (kernel->name == name) return kernel;
  return nullptr;
}

Selection select_kernel(std::string_view forced_name, std::span<const Kernel* const> supported) {
  Selection result;
  if (forced_name.empty()) {
    for (const Kernel* kernel : kernels_by_preference()) {
      if (detail::contains(supported, kernel)) {
        result.kernel = kernel;
        return result;
      }
    }
    result.error = "no SHA-256 kernel is supported on this CPU";
    return result;
  }
  const std::string quoted = std::string(force_backend_variable) + "=\"" + std::string(forced_name) + "\"";
  const Kernel* forced = find_kernel(forced_name);
  if (forced == nullptr) {
    result.error = quoted + " names no SHA-256 kernel; kernels in this build: " + detail::joined_names(all_kernels());
    return result;
  }
  if (!detail::contains(supported, forced)) {
    result.error = quoted + " names a kernel this CPU cannot run (it needs " + std::string(forced->required_isa) +
                   "); supported here: " + detail::joined_names(supported);
    return result;
  }
  result.kernel = forced;
  return result;
}

Selection select_kernel(std::string_view forced_name) {
  const std::vector<const Kernel*> supported = supported_kernels();
  return select_kernel(forced_name, supported);
}

const Selection& selection() {
  static const Selection chosen = detail::read_selection();
  return chosen;
}

const Kernel& active_kernel() {
  const Selection& chosen = selection();
  if (chosen.kernel == nullptr) throw std::runtime_error(chosen.error);
  return *chosen.kernel;
}

Hash32 hash(std::span<const u8> data) {
  Hash32 digest{};
  active_kernel().hash_one(data.data(), data.size(), digest.data());
  return digest;
}

Midstate midstate_of_tag(std::string_view tag) {
  const Hash32 tag_hash = hash(std::span(reinterpret_cast<const u8*>(tag.data()), tag.size()));
  u8 prefix[64];
  std::memcpy(prefix, tag_hash.data(), 32);
  std::memcpy(prefix + 32, tag_hash.data(), 32);
  Midstate mid{};
  detail::u32 state[8];
  std::memcpy(state, detail::initial_state.w, sizeof state);
  detail::portable::compress_blocks(state, prefix, 1);
  for (std::size_t i = 0; i < 8; ++i) mid.words[i] = state[i];
  return mid;
}

const Kernel& finishing_kernel(const Kernel& kernel) {
  if (&kernel == &detail::portable_kernel) return kernel;
#if L2_SHA256_X86_KERNELS
  if (&kernel == &detail::shani_kernel) return kernel;
#endif
  return detail::single_stream_kernel();
}

void finish_many(const Kernel& kernel, const Midstate& start, const u8* const* blocks, std::size_t block_count,
                 u8* const* out, std::size_t count) {
#if L2_SHA256_X86_KERNELS
  if (&finishing_kernel(kernel) == &detail::shani_kernel) {
    detail::shani::finish_many(start, blocks, block_count, out, count);
    return;
  }
#endif
  detail::portable::finish_many(start, blocks, block_count, out, count);
}

void hash64_many(const u8* in, u8* out, std::size_t n) { active_kernel().hash64_many(in, out, n); }

void rfc6962_node_many(const u8* in, u8* out, std::size_t n) { active_kernel().rfc6962_node_many(in, out, n); }

void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n) {
  active_kernel().midstate64_many(mid, in, out, n);
}

}  // namespace l2::opt::sha256
