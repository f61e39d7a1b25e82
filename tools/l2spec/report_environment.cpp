// The audit report's run facts: commit, date, machine, compilers, Z3 and the SHA-256 kernel.
// spec: audit_report.md#the-run
#include <sys/utsname.h>
#include <z3.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include "l2/opt/sha256.hpp"
#include "report.hpp"

namespace l2::cli::report {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The first line a command prints, or nothing when it fails.
std::optional<std::string> first_line_of(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::array<char, 512> buffer{};
  std::string line;
  if (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) line = buffer.data();
  std::string rest;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) rest += buffer.data();
  const int status = ::pclose(pipe);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (status != 0 || line.empty()) return std::nullopt;
  return line;
}

std::size_t line_count_of(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return 0;
  std::array<char, 512> buffer{};
  std::size_t lines = 0;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) ++lines;
  ::pclose(pipe);
  return lines;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      const auto start = colon == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", colon + 1);
      if (start != std::string::npos) return line.substr(start);
    }
  return "unknown: /proc/cpuinfo names no model";
}

// The C++ compiler a CMake build directory was configured with, and its version line.
std::optional<json> configured_compiler(const fs::path& build_dir, const std::string& role) {
  std::ifstream in(build_dir / "CMakeCache.txt");
  if (!in) return std::nullopt;
  std::string line;
  const std::string key = "CMAKE_CXX_COMPILER:";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const std::string compiler = line.substr(line.find('=') + 1);
    const auto version = first_line_of(shell_quote(compiler) + " --version");
    return json{{"role", role}, {"compiler", compiler}, {"version", version.value_or("unknown: " + compiler + " --version failed")}};
  }
  return std::nullopt;
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  std::array<char, 32> date{};
  std::strftime(date.data(), date.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return date.data();
}

json collect_environment(const fs::path& source) {
  json environment = json::object();
  const std::string git = "git -C " + shell_quote(source.string());
  if (const auto commit = first_line_of(git + " rev-parse HEAD")) {
    environment["commit"] = *commit;
    environment["uncommitted_changes"] = line_count_of(git + " status --porcelain --untracked-files=no");
  } else {
    environment["commit"] = "unknown: " + source.string() + " is not a git checkout (or git is missing)";
    environment["uncommitted_changes"] = nullptr;
  }
  environment["date"] = utc_now();

  struct utsname names {};
  json machine = json::object();
  if (::uname(&names) == 0) {
    machine["system"] = names.sysname;
    machine["release"] = names.release;
    machine["architecture"] = names.machine;
    machine["hostname"] = names.nodename;
  } else {
    machine["system"] = "unknown: uname failed";
  }
  machine["cpus"] = std::thread::hardware_concurrency();
  machine["cpu_model"] = cpu_model();
  environment["machine"] = machine;

  json compilers = json::array();
  // The compiler that built this l2spec: its version as the compiler itself states it.
#if defined(__clang__)
  compilers.push_back({{"role", "l2spec (this binary)"}, {"compiler", "clang"}, {"version", __VERSION__}});
#elif defined(__GNUC__)
  compilers.push_back({{"role", "l2spec (this binary)"}, {"compiler", "gcc"}, {"version", std::string("gcc ") + __VERSION__}});
#else
  compilers.push_back({{"role", "l2spec (this binary)"}, {"compiler", "unknown"}, {"version", "unknown"}});
#endif
  // The build directories ./l2 configures besides build/ (the clang checks).
  for (const auto& [dir, role] : {std::pair<const char*, const char*>{"build", "gcc build (./l2: tests, l2spec, benchmarks)"},
                                  {"build-clang", "clang build (./l2: reference checks, optimized library, fuzzers)"},
                                  {"build-clang-tools", "clang compile check of the tools (./l2 audit)"}})
    if (auto compiler = configured_compiler(source / dir, role)) compilers.push_back(*compiler);
  environment["compilers"] = compilers;
  environment["z3"] = Z3_get_full_version();

  const auto& selection = opt::sha256::selection();
  environment["sha256_kernel"] = selection.kernel != nullptr ? std::string(selection.kernel->name)
                                                              : "none: " + selection.error;
  return environment;
}

}  // namespace l2::cli::report
