// Differential tests: SHA-256 finishing from a midstate (l2/opt/sha256_finish.hpp), through every
// kernel the CPU supports, against OpenSSL's SHA-256 of the whole message (an implementation that is
// not ours) and l2::ref::tagged_hash; and the dispatcher's choice of finishing code per kernel.
// The midstates come from the reference's compression function over a random 64-byte prefix (or a
// tag's prefix), so a wrong midstate and a wrong finish cannot cancel out.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "l2/opt/sha256.hpp"
#include "l2/opt/sha256_finish.hpp"
#include "l2/ref/bytes.hpp"
#include "l2/ref/sha256.hpp"

namespace {

namespace opt = l2::opt::sha256;
using l2::Bytes;
using l2::Hash32;
using l2::u8;

constexpr u8 canary = 0xA5;

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
  std::cout << "[ KERNEL   ] " << kernel.name << " (finishes with " << opt::finishing_kernel(kernel).name << ") "
            << test << "\n";
}

opt::Midstate midstate_after(const u8* prefix) {
  std::array<l2::u32, 8> state = l2::ref::sha256_detail::initial_state;
  l2::ref::sha256_compress(state, prefix);
  return opt::Midstate{state};
}

// One message after the 64-byte prefix, padded for the whole (prefix + message) length into
// `blocks` blocks, stored one byte off alignment; the caller picks lengths that fit.
struct Padded {
  std::vector<u8> storage;
  std::size_t blocks = 0;
  const u8* data() const { return storage.data() + 1; }
};

Padded pad(std::span<const u8> message, std::size_t blocks) {
  Padded p;
  p.blocks = blocks;
  p.storage.assign(1 + 64 * blocks, 0);
  std::copy(message.begin(), message.end(), p.storage.begin() + 1);
  p.storage[1 + message.size()] = 0x80;
  const l2::u64 bits = (64 + static_cast<l2::u64>(message.size())) * 8;
  for (std::size_t i = 0; i < 8; ++i) p.storage[1 + 64 * blocks - 1 - i] = static_cast<u8>(bits >> (8 * i));
  return p;
}

std::size_t blocks_for(std::size_t length) { return (length + 9 + 63) / 64; }

Hash32 openssl_sha256(const std::vector<u8>& whole) {
  Hash32 out{};
  SHA256(whole.data(), whole.size(), out.data());
  return out;
}

TEST(Sha256FinishBackend, FinishManyMatchesOpenSslForEveryCountAndBlockCount) {
  std::mt19937_64 rng(180);
  // Counts around the lockstep width (4), and messages of 1, 2 and 3 blocks at their edges
  // (0 and 55 bytes: one block; 56 and 119: two; 120 and 183: three).
  const std::vector<std::size_t> counts = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13};
  const std::vector<std::size_t> lengths = {0, 1, 36, 48, 55, 56, 72, 100, 116, 119, 120, 183};
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "finish_many");
    for (const std::size_t length : lengths) {
      const std::size_t blocks = blocks_for(length);
      for (const std::size_t count : counts) {
        std::vector<u8> prefix(64);
        for (u8& b : prefix) b = static_cast<u8>(rng());
        const opt::Midstate start = midstate_after(prefix.data());
        std::vector<Bytes> messages(count, Bytes(length));
        std::vector<Padded> padded;
        for (Bytes& m : messages) {
          for (u8& b : m) b = static_cast<u8>(rng());
          padded.push_back(pad(m, blocks));
        }
        // Each digest in its own buffer, one byte off alignment, between canaries.
        std::vector<std::vector<u8>> outputs(count, std::vector<u8>(1 + 32 + 8, canary));
        std::vector<const u8*> inputs;
        std::vector<u8*> digests;
        for (std::size_t j = 0; j < count; ++j) {
          inputs.push_back(padded[j].data());
          digests.push_back(outputs[j].data() + 1);
        }
        opt::finish_many(*kernel, start, inputs.data(), blocks, digests.data(), count);
        for (std::size_t j = 0; j < count; ++j) {
          std::vector<u8> whole = prefix;
          whole.insert(whole.end(), messages[j].begin(), messages[j].end());
          Hash32 got{};
          std::memcpy(got.data(), digests[j], 32);
          ASSERT_EQ(l2::to_hex(got), l2::to_hex(openssl_sha256(whole)))
              << kernel->name << " length " << length << " count " << count << " message " << j;
          EXPECT_EQ(outputs[j][0], canary);
          EXPECT_TRUE(std::all_of(outputs[j].begin() + 33, outputs[j].end(), [](u8 b) { return b == canary; }));
        }
      }
    }
  }
}

TEST(Sha256FinishBackend, FinishingATagsMidstateIsTheTaggedHash) {
  // The rollup's use: a tag's midstate, then the body (an account is 48 bytes, a transfer digest's
  // body 72, a withdrawal's 100, a forced exit id's 116).
  std::mt19937_64 rng(340);
  const std::string tag = "L2/optimistic_rollup/account";
  const Hash32 tag_hash = l2::ref::sha256(std::string_view(tag));
  std::vector<u8> prefix(tag_hash.begin(), tag_hash.end());
  prefix.insert(prefix.end(), tag_hash.begin(), tag_hash.end());
  const opt::Midstate start = midstate_after(prefix.data());
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "tagged hashes");
    for (const std::size_t length : {48u, 72u, 100u, 116u}) {
      Bytes body(length);
      for (u8& b : body) b = static_cast<u8>(rng());
      const Padded padded = pad(body, blocks_for(length));
      const u8* input = padded.data();
      Hash32 got{};
      u8* out = got.data();
      opt::finish_many(*kernel, start, &input, padded.blocks, &out, 1);
      EXPECT_EQ(l2::to_hex(got), l2::to_hex(l2::ref::tagged_hash(tag, body))) << kernel->name << " length " << length;
    }
  }
}

TEST(Sha256FinishBackend, KernelsAgreeOnLargeRandomSets) {
  std::mt19937_64 rng(4096);
  constexpr std::size_t count = 1027;
  std::vector<u8> prefix(64);
  for (u8& b : prefix) b = static_cast<u8>(rng());
  const opt::Midstate start = midstate_after(prefix.data());
  std::vector<u8> blocks(128 * count);
  for (u8& b : blocks) b = static_cast<u8>(rng());
  std::vector<const u8*> inputs;
  for (std::size_t j = 0; j < count; ++j) inputs.push_back(blocks.data() + 128 * j);
  const auto run = [&](const opt::Kernel& kernel) {
    std::vector<Hash32> out(count);
    std::vector<u8*> digests;
    for (Hash32& h : out) digests.push_back(h.data());
    opt::finish_many(kernel, start, inputs.data(), 2, digests.data(), count);
    return out;
  };
  const std::vector<Hash32> expected = run(*opt::find_kernel("portable"));
  // The portable result is itself the reference's compression over the same blocks.
  for (std::size_t j = 0; j < count; j += 97) {
    std::array<l2::u32, 8> state = start.words;
    l2::ref::sha256_compress(state, inputs[j]);
    l2::ref::sha256_compress(state, inputs[j] + 64);
    Hash32 digest{};
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t b = 0; b < 4; ++b) digest[4 * i + b] = static_cast<u8>(state[i] >> (24 - 8 * b));
    ASSERT_EQ(expected[j], digest) << "message " << j;
  }
  for (const opt::Kernel* kernel : kernels_to_test()) {
    announce(*kernel, "large set against portable");
    EXPECT_EQ(run(*kernel), expected) << kernel->name;
  }
}

TEST(Sha256FinishSelection, EachKernelFinishesWithItselfOrTheSingleStreamKernel) {
  const opt::Kernel& portable = *opt::find_kernel("portable");
  EXPECT_EQ(&opt::finishing_kernel(portable), &portable);
  const opt::Kernel* shani = opt::find_kernel("shani");
  if (shani != nullptr) {
    EXPECT_EQ(&opt::finishing_kernel(*shani), shani);
  }
  // The multi-buffer kernels finish single-stream: with SHA-NI where the CPU has it, else portably.
  const opt::Kernel& single_stream = shani != nullptr && shani->supported() ? *shani : portable;
  for (const std::string_view name : {"avx2_x8", "avx512_x16"}) {
    if (const opt::Kernel* kernel = opt::find_kernel(name)) {
      EXPECT_EQ(&opt::finishing_kernel(*kernel), &single_stream) << name;
    }
  }
  // Every finishing kernel this CPU is sent to is one it supports.
  for (const opt::Kernel* kernel : kernels_to_test()) EXPECT_TRUE(opt::finishing_kernel(*kernel).supported()) << kernel->name;
}

}  // namespace
