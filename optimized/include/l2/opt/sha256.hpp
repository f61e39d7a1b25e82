// Optimized SHA-256: must match l2::ref::sha256 (reference/include/l2/ref/sha256.hpp) bit for bit.
// Kernels: portable, SHA-NI, AVX2 8-lane and AVX-512 16-lane multi-buffer, chosen at run time from
// CPUID. L2_FORCE_BACKEND=<name> forces one; forcing one the CPU lacks is an error, never a crash.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace l2::opt::sha256 {

using u8 = std::uint8_t;
using Hash32 = std::array<u8, 32>;

// A SHA-256 chaining state after some whole blocks, e.g. after the 64-byte prefix
// SHA256(tag) || SHA256(tag) of a BIP-340 tagged hash.
struct Midstate {
  std::array<std::uint32_t, 8> words;
};

// The interface every kernel implements (simdjson style). Multi-buffer kernels hash `lanes`
// messages at once; the functions below take any n and handle the tail.
struct Kernel {
  std::string_view name;         // "portable", "shani", "avx2_x8", "avx512_x16"
  std::string_view description;  // one line
  std::string_view required_isa; // e.g. "SHA-NI, SSE4.1"
  bool (*supported)();           // CPUID check on this machine
  // out = SHA256(data[0 .. len)): one message of any length.
  void (*hash_one)(const u8* data, std::size_t len, u8* out);
  // out[i] = SHA256(in[64 i .. 64 i + 64)) for i < n.
  void (*hash64_many)(const u8* in, u8* out, std::size_t n);
  // out[i] = SHA256(0x01 || in[64 i .. 64 i + 64)): RFC 6962 interior nodes over pairs of children.
  void (*rfc6962_node_many)(const u8* in, u8* out, std::size_t n);
  // out[i] = SHA256(prefix || in[64 i .. 64 i + 64)) where `mid` is the state after a 64-byte prefix:
  // tagged hashes of 64-byte node pairs.
  void (*midstate64_many)(const Midstate& mid, const u8* in, u8* out, std::size_t n);
};

// Every kernel compiled into this build, portable first.
std::span<const Kernel* const> all_kernels();
// The kernels this CPU can run.
std::vector<const Kernel*> supported_kernels();
// Looks a kernel up by name; nullptr if no such kernel exists.
const Kernel* find_kernel(std::string_view name);

// Every kernel compiled into this build, fastest first (measured on the 64-byte batch path); the
// best supported one in this order is the default.
std::span<const Kernel* const> kernels_by_preference();

// The environment variable that forces a kernel by name. Unset or empty: the best supported one.
inline constexpr std::string_view force_backend_variable = "L2_FORCE_BACKEND";

// The kernel in use: the best supported one, or L2_FORCE_BACKEND's if set. If L2_FORCE_BACKEND
// names an unknown or unsupported kernel, selection().kernel is nullptr and selection().error
// says why; the functions below that go through the active kernel then throw (see active_kernel).
struct Selection {
  const Kernel* kernel = nullptr;
  std::string error;  // empty when kernel != nullptr
};
// Read once, on first use, from L2_FORCE_BACKEND and CPUID; thread-safe.
const Selection& selection();
// The selection rule itself, without the environment: `forced_name` empty picks the first kernel of
// kernels_by_preference() that is in `supported`; otherwise that name must be a kernel in this build
// (else an "unknown" error) and in `supported` (else an "unsupported" error).
Selection select_kernel(std::string_view forced_name, std::span<const Kernel* const> supported);
// The same with supported = supported_kernels().
Selection select_kernel(std::string_view forced_name);
// Convenience: selection().kernel, or throws std::runtime_error with selection().error. Callers at
// API boundaries (CLI, tests, bench) use this; it is the one API-contract error of this module.
const Kernel& active_kernel();

// Single message of any length through the active kernel (the multi-buffer kernels hash single
// messages with SHA-NI when the CPU has it, else with the portable code). Throws as active_kernel().
Hash32 hash(std::span<const u8> data);
Midstate midstate_of_tag(std::string_view tag);  // state after SHA256(tag) || SHA256(tag)

// Batch entry points through the active kernel. Throw as active_kernel().
void hash64_many(const u8* in, u8* out, std::size_t n);
void rfc6962_node_many(const u8* in, u8* out, std::size_t n);
void midstate64_many(const Midstate& mid, const u8* in, u8* out, std::size_t n);

}  // namespace l2::opt::sha256
