// The l2spec command line, run as a process: exit codes 0 (good), 1 (a check failed) and
// 2 (usage or input error), and the proof export read back by a stock z3.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "l2/test/run_l2spec.hpp"

namespace {

namespace fs = std::filesystem;

using Outcome = l2::test::L2specRun;
using l2::test::run_l2spec;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("l2spec-cli-" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(L2specCli, HelpDocumentsEveryCommand) {
  const Outcome help = run_l2spec("--help");
  EXPECT_EQ(help.code, 0);
  for (const char* command : {"vectors", "prove", "trace", "kernels", "audit", "Exit codes"})
    EXPECT_NE(help.output.find(command), std::string::npos) << command;
  const Outcome vectors_help = run_l2spec("vectors --help");
  EXPECT_EQ(vectors_help.code, 0);
  for (const char* command : {"generate", "verify", "drift"}) EXPECT_NE(vectors_help.output.find(command), std::string::npos);
}

TEST(L2specCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_l2spec("").code, 2);
  EXPECT_EQ(run_l2spec("no-such-command").code, 2);
  EXPECT_EQ(run_l2spec("vectors verify --impl nonsense").code, 2);
  EXPECT_EQ(run_l2spec("prove --filter no-obligation-has-this-name").code, 2);
  EXPECT_EQ(run_l2spec("prove --depth deep").code, 2);
  EXPECT_EQ(run_l2spec("vectors generate --profile huge").code, 2);
}

TEST(L2specCli, ForcingAnUnknownKernelIsAClearUsageError) {
  const char* binary = std::getenv("L2SPEC");
  const std::string command = "L2_FORCE_BACKEND=sha_from_the_future " + std::string(binary != nullptr ? binary : "l2spec") + " kernels 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 2) << output;  // an input error, not a failed check
  EXPECT_NE(output.find("sha_from_the_future"), std::string::npos) << output;
}

TEST(L2specCli, GenerateThenVerifyAndDetectTampering) {
  const fs::path dir = scratch("generate");
  ASSERT_EQ(run_l2spec("vectors generate --out " + dir.string()).code, 0);
  const Outcome verified = run_l2spec("vectors verify --impl all " + dir.string());
  EXPECT_EQ(verified.code, 0) << verified.output;
  std::ofstream(dir / "primitives" / "stray.json") << "{}";
  const Outcome stray = run_l2spec("vectors verify --impl reference " + dir.string());
  EXPECT_EQ(stray.code, 1) << stray.output;
  EXPECT_NE(stray.output.find("never read"), std::string::npos);
  EXPECT_EQ(run_l2spec("vectors verify " + (dir / "does-not-exist").string()).code, 1);
  fs::remove_all(dir);
}

// One cheap obligation: invariants_prover_test discharges all of the primitives', and the audit
// every mechanism's.
TEST(L2specCli, ProveJsonListsEveryObligationProved) {
  const Outcome prove = run_l2spec("prove --json --depth small --filter primitives__overflow_detected_exactly__checked_add");
  ASSERT_EQ(prove.code, 0) << prove.output;
  EXPECT_NE(prove.output.find("\"transition\": \"checked_add\""), std::string::npos);
  const auto begin = prove.output.find("{\n");
  ASSERT_NE(begin, std::string::npos);
  EXPECT_NE(prove.output.find("\"kind\": \"safety\""), std::string::npos);
  EXPECT_NE(prove.output.find("\"result\": \"proved\""), std::string::npos);
  EXPECT_EQ(prove.output.find("\"result\": \"unknown\""), std::string::npos);
}

TEST(L2specCli, Smt2ExportIsAnsweredUnsatByStockZ3) {
  const fs::path dir = scratch("smt2");
  ASSERT_EQ(run_l2spec("prove --filter primitives --smt2 " + dir.string()).code, 0);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    FILE* pipe = ::popen(("z3 -T:300 " + entry.path().string()).c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::array<char, 256> buffer{};
    std::string answer;
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) answer += buffer.data();
    ::pclose(pipe);
    EXPECT_EQ(answer, "unsat\n") << entry.path();
  }
  EXPECT_GE(files, 5u);
  fs::remove_all(dir);
}

}  // namespace
