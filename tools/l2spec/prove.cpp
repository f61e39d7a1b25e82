// l2spec prove: every obligation of the formal layer, with a table of result and time.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "commands.hpp"
#include "l2/inv/obligation.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"

namespace l2::cli {

int run_prove(const ProveOptions& options, nlohmann::json* summary) {
  std::vector<inv::Obligation> all;
  if (options.weaken.empty()) {
    all = vectors::all_obligations(options.depth);
  } else {
    const std::vector<inv::ModelEntry> models = vectors::models();
    std::vector<const inv::ModelEntry*> entries;
    for (const inv::ModelEntry& model : models) entries.push_back(&model);
    const inv::WeakenedObligations found = inv::find_weakening(entries, options.weaken);
    if (found.entries.empty()) {
      std::string known;
      for (const inv::ModelEntry& model : models)
        for (const std::string& name : model.weakenings) known += " " + model.mechanism + ":" + name;
      std::cerr << "l2spec prove: unknown weakening \"" << options.weaken << "\"; known:" << known << "\n";
      return exit_usage;
    }
    if (found.entries.size() > 1) {
      std::cerr << "l2spec prove: the weakening \"" << options.weaken << "\" exists in";
      for (const inv::ModelEntry* model : found.entries) std::cerr << " " << model->mechanism;
      std::cerr << "; prefix it with the mechanism, e.g. " << found.entries.front()->mechanism << ":" << found.name << "\n";
      return exit_usage;
    }
    all = found.entries.front()->weakened(found.name);
  }
  if (!options.counterexample_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.counterexample_dir, ec);
    if (ec) {
      std::cerr << "l2spec prove: cannot create " << options.counterexample_dir << ": " << ec.message() << "\n";
      return exit_usage;
    }
  }
  std::vector<inv::Obligation> obligations;
  for (auto& obligation : all)
    if (options.filter.empty() || obligation.id().find(options.filter) != std::string::npos) obligations.push_back(obligation);
  if (obligations.empty()) {
    std::cerr << "l2spec prove: no obligation matches \"" << options.filter << "\"\n";
    return exit_usage;
  }
  if (!options.smt2_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.smt2_dir, ec);
    if (ec) {
      std::cerr << "l2spec prove: cannot create " << options.smt2_dir << ": " << ec.message() << "\n";
      return exit_usage;
    }
    for (const auto& obligation : obligations) {
      std::ofstream out(std::filesystem::path(options.smt2_dir) / (obligation.id() + ".smt2"));
      out << inv::to_smt2(obligation);
    }
    say("wrote " + std::to_string(obligations.size()) + " SMT-LIB2 files to " + options.smt2_dir);
  }

  const auto timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  nlohmann::json rows = nlohmann::json::array();
  std::size_t failed = 0;
  double total_seconds = 0;
  if (!options.json) std::printf("%-16s %-26s %-18s %-12s %-15s %8s\n", "mechanism", "invariant", "transition", "kind", "result", "seconds");
  for (std::size_t i = 0; i < obligations.size(); ++i) {
    const auto& obligation = obligations[i];
    if (options.json) say("[" + std::to_string(i + 1) + "/" + std::to_string(obligations.size()) + "] " + obligation.id());
    const inv::ObligationResult result = inv::discharge(obligation, timeout);
    total_seconds += result.seconds;
    // The counterexample as a vector case, rendered by its mechanism's descriptor.
    std::string witness;
    if (result.witness) {
      const vectors::json document = vectors::counterexample_case(obligation.mechanism, *result.witness);
      if (!document.is_null()) witness = vectors::dump_canonical(document);
    }
    if (!witness.empty() && !options.counterexample_dir.empty()) {
      const auto path = std::filesystem::path(options.counterexample_dir) / (obligation.id() + ".json");
      std::ofstream(path) << witness;
      say("wrote the counterexample as a vector case: " + path.string());
    }
    if (result.verdict != inv::Verdict::proved) ++failed;
    const std::string verdict(inv::verdict_name(result.verdict));
    rows.push_back({{"mechanism", obligation.mechanism}, {"invariant", obligation.invariant},
                    {"transition", obligation.transition}, {"kind", inv::kind_name(obligation.kind)},
                    {"result", verdict}, {"seconds", result.seconds}});
    if (!options.json) {
      std::printf("%-16s %-26s %-18s %-12s %-15s %8.3f\n", obligation.mechanism.c_str(), obligation.invariant.c_str(),
                  obligation.transition.c_str(), std::string(inv::kind_name(obligation.kind)).c_str(), verdict.c_str(),
                  result.seconds);
      if (result.verdict == inv::Verdict::counterexample) std::printf("  counterexample:\n%s", result.counterexample.c_str());
      if (result.verdict == inv::Verdict::unknown) std::printf("  reason: %s\n", result.reason.c_str());
      if (!witness.empty()) std::printf("  as a vector case:\n%s", witness.c_str());
      std::fflush(stdout);
    }
  }
  if (options.json) std::cout << nlohmann::json{{"obligations", rows}}.dump(2) << "\n";
  else std::printf("%zu obligations: %zu proved, %zu failed, %.2f s\n", obligations.size(), obligations.size() - failed, failed, total_seconds);
  if (summary != nullptr) *summary = {{"obligations", rows}, {"failed", failed}, {"seconds", total_seconds}};
  return failed == 0 ? exit_ok : exit_check_failed;
}

}  // namespace l2::cli
