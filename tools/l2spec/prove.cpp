// l2spec prove: every obligation of the formal layer, with a table of result and time.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string_view>
#include <utility>

#include "commands.hpp"
#include "l2/inv/obligation.hpp"
#include "l2/inv/optimistic_rollup_model.hpp"
#include "l2/inv/payment_channel_model.hpp"

namespace l2::cli {

int run_prove(const ProveOptions& options, nlohmann::json* summary) {
  std::vector<inv::Obligation> all;
  if (options.weaken.empty()) {
    all = inv::all_obligations();
  } else {
    // NAME is a payment-channel weakening, else an optimistic-rollup one; a "payment_channel:" or
    // "optimistic_rollup:" prefix picks the mechanism (both have challenge_accepted_at_deadline).
    std::string_view name = options.weaken;
    bool channel = true, rollup = true;
    for (const auto& [prefix, is_channel] : {std::pair<std::string_view, bool>{"payment_channel:", true},
                                            std::pair<std::string_view, bool>{"optimistic_rollup:", false}})
      if (name.substr(0, prefix.size()) == prefix) {
        name.remove_prefix(prefix.size());
        channel = is_channel;
        rollup = !is_channel;
      }
    const auto channel_weakening = channel ? inv::payment_channel::parse_weakening(name) : std::nullopt;
    const auto rollup_weakening = rollup && !channel_weakening ? inv::optimistic_rollup::parse_weakening(name) : std::nullopt;
    if (channel_weakening) {
      all = inv::payment_channel::obligations(*channel_weakening);
    } else if (rollup_weakening) {
      all = inv::optimistic_rollup::obligations(*rollup_weakening);
    } else {
      std::cerr << "l2spec prove: unknown weakening \"" << options.weaken
                << "\" (payment channel: update_accepts_equal_sequence, challenge_accepted_at_deadline; optimistic "
                   "rollup: finalize_ignores_open_challenges, optimistic_rollup:challenge_accepted_at_deadline, "
                   "challenge_id_is_evidence)\n";
      return exit_usage;
    }
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
    if (!result.witness.empty() && !options.counterexample_dir.empty()) {
      const auto path = std::filesystem::path(options.counterexample_dir) / (obligation.id() + ".json");
      std::ofstream(path) << result.witness;
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
      if (!result.witness.empty()) std::printf("  as a vector case:\n%s", result.witness.c_str());
      std::fflush(stdout);
    }
  }
  if (options.json) std::cout << nlohmann::json{{"obligations", rows}}.dump(2) << "\n";
  else std::printf("%zu obligations: %zu proved, %zu failed, %.2f s\n", obligations.size(), obligations.size() - failed, failed, total_seconds);
  if (summary != nullptr) *summary = {{"obligations", rows}, {"failed", failed}, {"seconds", total_seconds}};
  return failed == 0 ? exit_ok : exit_check_failed;
}

}  // namespace l2::cli
