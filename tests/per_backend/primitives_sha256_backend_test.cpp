// Differential tests: every SHA-256 kernel the CPU supports against l2::ref::sha256 /
// l2::ref::tagged_hash, with OpenSSL's SHA-256 as an independent second oracle; and the
// L2_FORCE_BACKEND selection rule.
#include <gtest/gtest.h>

// SHA256_Init/Update/Final and SHA256_CTX are deprecated in OpenSSL 3 but expose the chaining
// state, which checks midstate_of_tag against an implementation that is not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/sha.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/sha256.hpp"

namespace {

namespace opt = l2::opt::sha256;
using l2::Bytes;
using l2::Hash32;
using l2::u8;

constexpr u8 canary = 0xA5;
// A byte past the end of each batch output must survive: tail handling that writes whole lane
// groups would overwrite it.
constexpr std::size_t canary_bytes = 64 * 32;

// Batch sizes. Each kernel handles n in groups of its lane width (shani: 4 interleaved, avx2: 8,
// avx512: 16) plus a tail, so every width w is hit at 0, 1, w - 1, w, w + 1 and 2 w + 3. The
// multi-buffer kernels hand a tail of up to 3/4 w to shani (1 to portable without SHA-NI) and pad
// a larger one: tails of w - 1 exercise the padded pass, tails of 1 and 3 the hand-off.
const std::vector<std::size_t> batch_sizes = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  15, 16, 17,
                                              19, 31, 32, 33, 35, 47, 48, 49, 63, 64, 65, 1000};

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes out(n);
  for (u8& b : out) b = static_cast<u8>(rng());
  return out;
}

Hash32 openssl_sha256(const u8* data, std::size_t len) {
  Hash32 out{};
  SHA256(data, len, out.data());
  return out;
}

Hash32 at(const std::vector<u8>& out, std::size_t i) {
  Hash32 h{};
  std::copy_n(out.begin() + static_cast<std::ptrdiff_t>(32 * i), 32, h.begin());
  return h;
}

// Inputs for the batch functions: random, all-zero and all-0xFF messages (the last two hunt
// carry and sign-extension slips in the vector code), starting one byte off alignment so no
// kernel may assume aligned loads.
struct BatchInput {
  std::vector<u8> storage;
  const u8* data() const { return storage.data() + 1; }
};

BatchInput batch_input(std::mt19937_64& rng, std::size_t n) {
  BatchInput input;
  input.storage = random_bytes(rng, 64 * n + 1);
  if (n > 2) {
    std::fill_n(input.storage.begin() + 1, 64, u8{0x00});
    std::fill_n(input.storage.begin() + 1 + 64, 64, u8{0xFF});
  }
  return input;
}

std::vector<u8> fresh_output(std::size_t n) { return std::vector<u8>(32 * n + canary_bytes, canary); }

void expect_canary_intact(const std::vector<u8>& out, std::size_t n, std::string_view what) {
  const bool intact = std::all_of(out.begin() + static_cast<std::ptrdiff_t>(32 * n), out.end(),
                                  [](u8 b) { return b == canary; });
  EXPECT_TRUE(intact) << what << " wrote past output " << n;
}

Bytes node_message(const u8* pair) {
  Bytes message(65);
  message[0] = 0x01;
  std::memcpy(message.data() + 1, pair, 64);
  return message;
}

std::vector<const opt::Kernel*> kernels_to_test() {
  std::vector<const opt::Kernel*> run;
  for (const opt::Kernel* kernel : opt::all_kernels()) {
    if (kernel->supported()) {
      run.push_back(kernel);
    } else {
      std::cout << "[ NOT RUN  ] kernel " << kernel->name << ": this CPU lacks " << kernel->required_isa << "\n";
    }
  }
  return run;
}

void announce(const opt::Kernel& kernel, std::string_view test) {
  std::cout << "[ KERNEL   ] " << kernel.name << " (" << kernel.description << ") " << test << "\n";
}

TEST(Sha256Backend, HashOneMatchesReferenceAndOpenSslForEveryLength) {
  // Every length 0..300 crosses the padding boundaries several times: tails of 55 bytes (last one
  // that fits the length in the same block), 56 and 63 (need a second block), 64 (empty tail).
  std::mt19937_64 rng(256);
  const Bytes data = random_bytes(rng, 4096 + 8);
  std::vector<std::size_t> lengths;
  for (std::size_t len = 0; len <= 300; ++len) lengths.push_back(len);
  for (std::size_t len : {447u, 448u, 511u, 512u, 1000u, 4096u, 4103u}) lengths.push_back(len);
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "hash_one");
    for (std::size_t len : lengths) {
      const u8* message = data.data() + 1;  // unaligned
      Hash32 got{};
      kernel->hash_one(message, len, got.data());
      const Hash32 expected = l2::ref::sha256(std::span<const u8>(message, len));
      ASSERT_EQ(l2::to_hex(got), l2::to_hex(expected)) << kernel->name << " length " << len;
      ASSERT_EQ(l2::to_hex(got), l2::to_hex(openssl_sha256(message, len))) << kernel->name << " length " << len;
    }
    Hash32 empty{};
    kernel->hash_one(nullptr, 0, empty.data());
    EXPECT_EQ(l2::to_hex(empty), l2::to_hex(l2::ref::sha256(std::span<const u8>())));
  }
}

TEST(Sha256Backend, HashOneMatchesPublishedVectors) {
  // FIPS 180-2 Appendix B.1 and B.2.
  const std::string abc = "abc";
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "published vectors");
    Hash32 got{};
    kernel->hash_one(reinterpret_cast<const u8*>(abc.data()), abc.size(), got.data());
    EXPECT_EQ(l2::to_hex(got), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    kernel->hash_one(reinterpret_cast<const u8*>(two_blocks.data()), two_blocks.size(), got.data());
    EXPECT_EQ(l2::to_hex(got), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }
}

TEST(Sha256Backend, Hash64ManyMatchesReferenceAndOpenSsl) {
  std::mt19937_64 rng(64);
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "hash64_many");
    for (std::size_t n : batch_sizes) {
      const BatchInput input = batch_input(rng, n);
      std::vector<u8> out = fresh_output(n);
      kernel->hash64_many(input.data(), out.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const u8* message = input.data() + 64 * i;
        const Hash32 expected = l2::ref::sha256(std::span<const u8>(message, 64));
        ASSERT_EQ(l2::to_hex(at(out, i)), l2::to_hex(expected)) << kernel->name << " n " << n << " i " << i;
        ASSERT_EQ(l2::to_hex(at(out, i)), l2::to_hex(openssl_sha256(message, 64))) << kernel->name;
      }
      expect_canary_intact(out, n, kernel->name);
    }
  }
}

TEST(Sha256Backend, Rfc6962NodeManyMatchesReferenceAndOpenSsl) {
  std::mt19937_64 rng(6962);
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "rfc6962_node_many");
    for (std::size_t n : batch_sizes) {
      const BatchInput input = batch_input(rng, n);
      std::vector<u8> out = fresh_output(n);
      kernel->rfc6962_node_many(input.data(), out.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const Bytes message = node_message(input.data() + 64 * i);
        const Hash32 expected = l2::ref::sha256(std::span<const u8>(message));
        ASSERT_EQ(l2::to_hex(at(out, i)), l2::to_hex(expected)) << kernel->name << " n " << n << " i " << i;
        ASSERT_EQ(l2::to_hex(at(out, i)), l2::to_hex(openssl_sha256(message.data(), message.size())));
      }
      expect_canary_intact(out, n, kernel->name);
    }
  }
}

TEST(Sha256Backend, Midstate64ManyMatchesTaggedHash) {
  std::mt19937_64 rng(340);
  // An empty tag and a tag longer than one block exercise midstate_of_tag's own hashing.
  const std::vector<std::string> tags = {"L2/merkle/node", "", "BIP0340/challenge", std::string(100, 't')};
  for (const std::string& tag : tags) {
    const opt::Midstate mid = opt::midstate_of_tag(tag);
    for (const opt::Kernel* kernel : kernels_to_test()) {
      announce(*kernel, "midstate64_many tag \"" + tag.substr(0, 20) + "\"");
      for (std::size_t n : batch_sizes) {
        const BatchInput input = batch_input(rng, n);
        std::vector<u8> out = fresh_output(n);
        kernel->midstate64_many(mid, input.data(), out.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
          const Hash32 expected = l2::ref::tagged_hash(tag, std::span<const u8>(input.data() + 64 * i, 64));
          ASSERT_EQ(l2::to_hex(at(out, i)), l2::to_hex(expected)) << kernel->name << " n " << n << " i " << i;
        }
        expect_canary_intact(out, n, kernel->name);
      }
    }
  }
}

TEST(Sha256Backend, MidstateOfTagMatchesOpenSslChainingState) {
  const std::vector<std::string> tags = {"L2/merkle/node", "", "BIP0340/challenge", std::string(100, 't')};
  for (const std::string& tag : tags) {
    const Hash32 tag_hash = l2::ref::sha256(std::string_view(tag));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, tag_hash.data(), tag_hash.size());
    SHA256_Update(&context, tag_hash.data(), tag_hash.size());
    // After exactly one whole block the context holds the chaining words and an empty buffer.
    const opt::Midstate mid = opt::midstate_of_tag(tag);
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(mid.words[i], context.h[i]) << "tag \"" << tag << "\" word " << i;
#pragma GCC diagnostic pop
  }
}

TEST(Sha256Backend, KernelsAgreeWithEachOtherOnLargeRandomBatches) {
  // Many lane groups of fresh random data: a lane-mixing slip that happens to pass the small
  // cases above shows up as a disagreement with the portable kernel here.
  std::mt19937_64 rng(2024);
  constexpr std::size_t n = 4099;
  const BatchInput input = batch_input(rng, n);
  const opt::Midstate mid = opt::midstate_of_tag("L2/test/large");
  const opt::Kernel& portable = *opt::find_kernel("portable");
  std::vector<u8> expected64 = fresh_output(n), expected_node = fresh_output(n), expected_mid = fresh_output(n);
  portable.hash64_many(input.data(), expected64.data(), n);
  portable.rfc6962_node_many(input.data(), expected_node.data(), n);
  portable.midstate64_many(mid, input.data(), expected_mid.data(), n);
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "large batches against portable");
    std::vector<u8> out = fresh_output(n);
    kernel->hash64_many(input.data(), out.data(), n);
    EXPECT_EQ(out, expected64) << kernel->name;
    kernel->rfc6962_node_many(input.data(), out.data(), n);
    EXPECT_EQ(out, expected_node) << kernel->name;
    kernel->midstate64_many(mid, input.data(), out.data(), n);
    EXPECT_EQ(out, expected_mid) << kernel->name;
  }
}

TEST(Sha256Backend, ActiveKernelEntryPointsMatchReference) {
  const opt::Selection& chosen = opt::selection();
  if (chosen.kernel == nullptr) {
    // Only when the test runs under a bad L2_FORCE_BACKEND: then the entry points must refuse.
    std::cout << "[ SELECTION] error: " << chosen.error << "\n";
    EXPECT_THROW(opt::active_kernel(), std::runtime_error);
    EXPECT_THROW(opt::hash(std::span<const u8>()), std::runtime_error);
    return;
  }
  announce(*chosen.kernel, "active kernel entry points");
  EXPECT_EQ(&opt::active_kernel(), chosen.kernel);
  std::mt19937_64 rng(7);
  for (std::size_t len : {0u, 55u, 56u, 64u, 65u, 200u}) {
    const Bytes message = random_bytes(rng, len);
    EXPECT_EQ(opt::hash(message), l2::ref::sha256(std::span<const u8>(message))) << "length " << len;
  }
  constexpr std::size_t n = 37;
  const BatchInput input = batch_input(rng, n);
  std::vector<u8> out = fresh_output(n);
  opt::hash64_many(input.data(), out.data(), n);
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_EQ(at(out, i), l2::ref::sha256(std::span<const u8>(input.data() + 64 * i, 64)));
  opt::rfc6962_node_many(input.data(), out.data(), n);
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_EQ(at(out, i), l2::ref::sha256(std::span<const u8>(node_message(input.data() + 64 * i))));
  const std::string tag = "L2/test/active";
  opt::midstate64_many(opt::midstate_of_tag(tag), input.data(), out.data(), n);
  for (std::size_t i = 0; i < n; ++i)
    EXPECT_EQ(at(out, i), l2::ref::tagged_hash(tag, std::span<const u8>(input.data() + 64 * i, 64)));
  expect_canary_intact(out, n, "active kernel");
}

TEST(Sha256Selection, KernelTablesAreConsistent) {
  const auto all = opt::all_kernels();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front()->name, "portable");
  EXPECT_TRUE(all.front()->supported());
  const auto preference = opt::kernels_by_preference();
  EXPECT_EQ(preference.size(), all.size());
  for (const opt::Kernel* kernel : all) {
    EXPECT_EQ(opt::find_kernel(kernel->name), kernel);
    EXPECT_EQ(std::count(preference.begin(), preference.end(), kernel), 1) << kernel->name;
    EXPECT_FALSE(kernel->description.empty());
    EXPECT_FALSE(kernel->required_isa.empty());
  }
  EXPECT_EQ(opt::find_kernel("no_such_kernel"), nullptr);
}

TEST(Sha256Selection, DefaultIsTheFirstSupportedKernelInPreferenceOrder) {
  const std::vector<const opt::Kernel*> supported = opt::supported_kernels();
  const opt::Selection chosen = opt::select_kernel("", supported);
  ASSERT_NE(chosen.kernel, nullptr) << chosen.error;
  EXPECT_TRUE(chosen.error.empty());
  const auto preference = opt::kernels_by_preference();
  const auto first_supported = std::find_if(preference.begin(), preference.end(), [&](const opt::Kernel* k) {
    return std::find(supported.begin(), supported.end(), k) != supported.end();
  });
  ASSERT_NE(first_supported, preference.end());
  EXPECT_EQ(chosen.kernel, *first_supported);
  std::cout << "[ SELECTION] default kernel on this CPU: " << chosen.kernel->name << "\n";

  // On a CPU with only the portable kernel, the default must fall back to it.
  const opt::Kernel* const only_portable[] = {opt::find_kernel("portable")};
  EXPECT_EQ(opt::select_kernel("", only_portable).kernel, only_portable[0]);
}

TEST(Sha256Selection, ForcingASupportedKernelSelectsIt) {
  for (const opt::Kernel* kernel : opt::supported_kernels()) {
    const opt::Selection chosen = opt::select_kernel(kernel->name);
    EXPECT_EQ(chosen.kernel, kernel) << chosen.error;
    EXPECT_TRUE(chosen.error.empty());
  }
}

TEST(Sha256Selection, ForcingAnUnknownNameIsAnError) {
  // Names are exact: a different case or stray whitespace is not a kernel either.
  for (std::string_view name : {"sse4", "AVX2_X8", "portable ", "avx512", "openssl"}) {
    const opt::Selection chosen = opt::select_kernel(name);
    EXPECT_EQ(chosen.kernel, nullptr) << name;
    EXPECT_NE(chosen.error.find("names no SHA-256 kernel"), std::string::npos) << chosen.error;
    EXPECT_NE(chosen.error.find(std::string(name)), std::string::npos) << chosen.error;
    EXPECT_NE(chosen.error.find("portable"), std::string::npos) << "the error lists the kernels: " << chosen.error;
  }
}

TEST(Sha256Selection, ForcingAKernelTheCpuLacksIsAnError) {
  // Simulates a CPU that only runs the portable kernel.
  const opt::Kernel* const only_portable[] = {opt::find_kernel("portable")};
  for (const opt::Kernel* kernel : opt::all_kernels()) {
    const opt::Selection chosen = opt::select_kernel(kernel->name, only_portable);
    if (kernel == only_portable[0]) {
      EXPECT_EQ(chosen.kernel, kernel);
      continue;
    }
    EXPECT_EQ(chosen.kernel, nullptr) << kernel->name;
    EXPECT_NE(chosen.error.find("cannot run"), std::string::npos) << chosen.error;
    EXPECT_NE(chosen.error.find(kernel->required_isa), std::string::npos) << chosen.error;
  }
  // And on the real CPU: whatever it lacks is refused.
  for (const opt::Kernel* kernel : opt::all_kernels()) {
    if (kernel->supported()) continue;
    const opt::Selection chosen = opt::select_kernel(kernel->name);
    EXPECT_EQ(chosen.kernel, nullptr) << kernel->name;
    std::cout << "[ SELECTION] forcing " << kernel->name << " here: " << chosen.error << "\n";
  }
}

TEST(Sha256Selection, NoSupportedKernelIsAnError) {
  const opt::Selection chosen = opt::select_kernel("", std::span<const opt::Kernel* const>());
  EXPECT_EQ(chosen.kernel, nullptr);
  EXPECT_FALSE(chosen.error.empty());
}

TEST(Sha256Selection, SelectionFollowsTheEnvironment) {
  const char* forced = std::getenv(std::string(opt::force_backend_variable).c_str());
  const opt::Selection expected = opt::select_kernel(forced == nullptr ? "" : forced);
  EXPECT_EQ(opt::selection().kernel, expected.kernel);
  EXPECT_EQ(opt::selection().error, expected.error);
}

}  // namespace
