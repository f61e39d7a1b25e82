// The l2spec binary run as a process, for the tests of the command line: L2SPEC names the binary
// (tests/CMakeLists.txt sets it to the build's), else `l2spec` on PATH.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace l2::test {

struct L2specRun {
  int code = -1;       // the exit code; -1 if the process could not be started or did not exit
  std::string output;  // stdout and stderr, interleaved
};

inline L2specRun run_l2spec(const std::string& arguments) {
  const char* binary = std::getenv("L2SPEC");
  const std::string command = std::string(binary != nullptr ? binary : "l2spec") + " " + arguments + " 2>&1";
  L2specRun result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace l2::test
