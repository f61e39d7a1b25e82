// The l2spec commands. Each returns the process exit code: 0 all good, 1 a check failed,
// 2 a usage or input error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "l2/inv/obligation.hpp"
#include "l2/vectors/framework.hpp"

namespace l2::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_check_failed = 1;
inline constexpr int exit_usage = 2;

void say(const std::string& line);  // progress to stderr, results to stdout are separate

struct ProveOptions {
  bool json = false;
  std::string smt2_dir;
  double timeout_seconds = 300;
  std::string filter;
  std::string counterexample_dir;  // write each counterexample that can be realised as a vector case here
  std::string weaken;              // a deliberately weakened rule ([mechanism:]name), to show the prover's teeth
  inv::Depth depth = inv::Depth::full;  // how deep bounded obligations unroll (obligation.hpp)
};
// Runs the obligations; fills `summary` (for the audit report) when given.
int run_prove(const ProveOptions& options, nlohmann::json* summary = nullptr);

struct TraceOptions {
  std::filesystem::path source;
  std::filesystem::path vectors;
  bool quiet = false;
};
int run_trace(const TraceOptions& options, nlohmann::json* summary = nullptr);

int run_kernels(nlohmann::json* summary = nullptr);

struct AuditOptions {
  std::filesystem::path source;
  std::filesystem::path report_dir;
  double timeout_seconds = 300;
  bool mutants = false;               // also run the mutation campaign (tools/mutate), time-boxed
  double mutants_budget_seconds = 3600;
  std::filesystem::path mutants_report{};  // or read a finished campaign's mutants.json instead
  std::filesystem::path bench_json{};     // a Google Benchmark JSON file, measured against spec/audit_report.md's targets
  std::vector<std::string> mechanisms{};  // only these mechanisms' proofs, weakenings, traces and sections; empty: all
  double weakenings_budget_seconds = 900;  // every weakening's search for its counterexample, in all
  std::filesystem::path render_from{};    // re-render the report from a run's audit.inputs.json; runs no stage
  bool browser_check = false;             // with render_from: also run the browser check (a full run always does)
};
int run_audit(const AuditOptions& options);

// The vector side of the mutation campaign; only an l2spec built from a schematized tree runs it.
struct MutateOptions {
  std::filesystem::path plan;     // {"mutants": [{"id", "mechanism"}]}: the mutants to run
  std::filesystem::path vectors;  // the committed vectors
  int jobs = 1;
  double timeout_seconds = 0;  // per mutant; 0: ten times the baseline replay, at least 10 s
  double deadline = 0;         // Unix time after which no mutant starts; 0: none
};
int run_mutate(const MutateOptions& options);

}  // namespace l2::cli
