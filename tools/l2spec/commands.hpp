// The l2spec commands. Each returns the process exit code: 0 all good, 1 a check failed,
// 2 a usage or input error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
};
int run_audit(const AuditOptions& options);

}  // namespace l2::cli
