// l2spec kernels: which SHA-256 kernels exist, which this CPU runs, which is selected, and a
// self-check of each supported kernel against the reference.
#include <cstdio>

#include "commands.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::cli {

namespace {

// Compares every batch entry point of `kernel` with the reference over sizes that straddle every
// lane width (1..40 messages of 64 bytes).
bool self_check(const opt::sha256::Kernel& kernel) {
  std::vector<u8> input(64 * 40);
  for (std::size_t i = 0; i < input.size(); ++i) input[i] = static_cast<u8>(i * 131 + 7);
  const opt::sha256::Midstate mid = opt::sha256::midstate_of_tag("L2/smt/node");
  const Hash32 tag = ref::sha256(std::string_view("L2/smt/node"));
  for (std::size_t n = 1; n <= 40; ++n) {
    std::vector<u8> plain(32 * n), node(32 * n), tagged(32 * n);
    kernel.hash64_many(input.data(), plain.data(), n);
    kernel.rfc6962_node_many(input.data(), node.data(), n);
    kernel.midstate64_many(mid, input.data(), tagged.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::span<const u8> message(input.data() + 64 * i, 64);
      Bytes prefixed{0x01};
      append(prefixed, message);
      Bytes with_tag(tag.begin(), tag.end());
      append(with_tag, tag);
      append(with_tag, message);
      if (!bytes_equal(std::span<const u8>(plain.data() + 32 * i, 32), ref::sha256(message))) return false;
      if (!bytes_equal(std::span<const u8>(node.data() + 32 * i, 32), ref::sha256(prefixed))) return false;
      if (!bytes_equal(std::span<const u8>(tagged.data() + 32 * i, 32), ref::sha256(with_tag))) return false;
    }
  }
  for (std::size_t length : {0u, 55u, 56u, 64u, 65u, 1000u}) {
    Hash32 out{};
    kernel.hash_one(input.data(), length, out.data());
    if (out != ref::sha256(std::span<const u8>(input.data(), length))) return false;
  }
  return true;
}

}  // namespace

int run_kernels(nlohmann::json* summary) {
  const auto& selection = opt::sha256::selection();
  bool ok = selection.kernel != nullptr;
  nlohmann::json rows = nlohmann::json::array();
  std::printf("%-12s %-10s %-9s %-10s %s\n", "kernel", "supported", "selected", "self-check", "requires");
  for (const opt::sha256::Kernel* kernel : opt::sha256::all_kernels()) {
    const bool supported = kernel->supported();
    const bool selected = kernel == selection.kernel;
    std::string check = "skipped";  // a kernel this CPU lacks is never run
    if (supported) {
      const bool passed = self_check(*kernel);
      ok = ok && passed;
      check = passed ? "passed" : "FAILED";
    }
    std::printf("%-12s %-10s %-9s %-10s %s\n", std::string(kernel->name).c_str(), supported ? "yes" : "no",
                selected ? "yes" : "", check.c_str(), std::string(kernel->required_isa).c_str());
    rows.push_back({{"kernel", kernel->name}, {"supported", supported}, {"selected", selected}, {"self_check", check}});
  }
  if (selection.kernel == nullptr) std::printf("selection error: %s\n", selection.error.c_str());
  if (summary != nullptr) *summary = {{"kernels", rows}, {"selection_error", selection.error}, {"ok", ok}};
  return ok ? exit_ok : exit_check_failed;
}

}  // namespace l2::cli
