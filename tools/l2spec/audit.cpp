// l2spec audit: the main job. Each stage prints progress; the report goes to Markdown, HTML and JSON.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "l2/inv/registry.hpp"
#include "l2/vectors/registry.hpp"

namespace l2::cli {

namespace {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

int run_audit(const AuditOptions& options) {
  struct Stage {
    std::string name;
    int code = 0;
    double seconds = 0;
    std::string detail;
  };
  std::vector<Stage> stages;
  nlohmann::json report = nlohmann::json::object();
  auto run = [&](const std::string& name, auto&& body) {
    say("== " + name);
    std::cout << "\n== " << name << "\n" << std::flush;
    const auto start = std::chrono::steady_clock::now();
    Stage stage{name, 0, 0, ""};
    stage.code = body(stage.detail);
    stage.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stages.push_back(stage);
  };
  const auto vectors_dir = options.source / "vectors";
  auto log = [](std::string_view line) { say("  " + std::string(line)); };

  run("SHA-256 kernels: CPU support and self-check", [&](std::string& detail) {
    const int code = run_kernels(&report["kernels"]);
    detail = code == 0 ? "every supported kernel matches the reference" : "a kernel failed its self-check";
    return code;
  });
  run("prove: every proof obligation (Z3)", [&](std::string& detail) {
    ProveOptions prove;
    prove.timeout_seconds = options.timeout_seconds;
    const int code = run_prove(prove, &report["prove"]);
    detail = std::to_string(report["prove"]["obligations"].size()) + " obligations, " +
             std::to_string(report["prove"]["failed"].get<std::size_t>()) + " failed";
    return code;
  });
  run("vectors verify --impl all", [&](std::string& detail) {
    const auto result = vectors::verify(vectors_dir, {vectors::Impl::reference, vectors::Impl::optimized, vectors::Impl::model}, log);
    for (const auto& failure : result.failures) std::cout << "FAIL " << failure << "\n";
    report["vectors"] = {{"files", result.files}, {"cases", result.cases}, {"steps_checked", result.steps_checked},
                         {"steps_not_applicable", result.steps_not_applicable}, {"failures", result.failures}};
    detail = std::to_string(result.cases) + " cases, " + std::to_string(result.steps_checked) + " step replays, " +
             std::to_string(result.steps_not_applicable) + " not applicable, " + std::to_string(result.failures.size()) + " failures";
    std::cout << detail << "\n";
    return result.ok() ? exit_ok : exit_check_failed;
  });
  // Each mechanism whose model has a concrete engine: seeded random reference traces through it.
  for (const inv::ModelEntry& model : vectors::models()) {
    if (!model.trace_validation) continue;
    const inv::TraceValidationStage& stage = *model.trace_validation;
    run("trace validation: random " + model.mechanism + " traces, reference vs Z3 model", [&](std::string& detail) {
      const std::size_t every = std::max<std::size_t>(1, stage.traces / 5);
      const inv::TraceReport result = stage.run(20261124, stage.traces, stage.max_steps, [&](std::size_t done) {
        if (done % every == 0) say("  " + std::to_string(done) + "/" + std::to_string(stage.traces) + " traces");
      });
      for (const auto& failure : result.failures) std::cout << "FAIL " << failure << "\n";
      report["model_traces"][model.mechanism] = {
          {"traces", result.traces},   {"steps", result.steps},       {"accepted", result.accepted},
          {"disagreements", result.disagreements}, {"failures", result.failures}, {"outcomes", result.outcomes}};
      detail = std::to_string(result.traces) + " traces, " + std::to_string(result.steps) + " steps (" +
               std::to_string(result.accepted) + " accepted), " + std::to_string(result.disagreements) + " disagreements";
      std::cout << detail << "\n";
      return result.disagreements == 0 ? exit_ok : exit_check_failed;
    });
  }
  run("vectors drift", [&](std::string& detail) {
    const auto differences = vectors::drift(vectors_dir, log);
    for (const auto& difference : differences) std::cout << "DRIFT " << difference << "\n";
    report["drift"] = differences;
    detail = differences.empty() ? "the committed vectors equal a fresh generation" : std::to_string(differences.size()) + " files drifted";
    std::cout << detail << "\n";
    return differences.empty() ? exit_ok : exit_check_failed;
  });
  run("trace: rules to code, model, tests and vectors", [&](std::string& detail) {
    const int code = run_trace(TraceOptions{options.source, vectors_dir, false}, &report["trace"]);
    detail = std::to_string(report["trace"]["rules"].size()) + " rules, " +
             std::to_string(report["trace"]["problems"].size()) + " problems";
    if (!report["trace"]["pending"].empty())
      detail += ", " + std::to_string(report["trace"]["pending"].size()) + " pending (in progress: " +
                report["trace"]["in_progress"].get<std::string>() + ")";
    return code;
  });

  if (options.mutants) {
    run("mutation campaign (tools/mutate), time-boxed", [&](std::string& detail) {
      const auto out = options.report_dir / "mutants";
      const std::string command = "python3 \"" + (options.source / "tools" / "mutate" / "mutate.py").string() +
                                  "\" --source \"" + options.source.string() + "\" --report \"" + out.string() +
                                  "\" --budget " + std::to_string(static_cast<long>(options.mutants_budget_seconds));
      const int status = std::system(command.c_str());
      std::ifstream in(out / "mutants.json");
      const nlohmann::json campaign = nlohmann::json::parse(in, nullptr, false);
      if (campaign.is_discarded()) {
        detail = "no report (the schematized build failed?)";
        return exit_check_failed;
      }
      report["mutants"] = campaign["mechanisms"];
      auto percent = [](const nlohmann::json& rate) {
        return rate.is_number() ? std::to_string(static_cast<int>(rate.get<double>() * 1000) / 10.0).substr(0, 5) + "%"
                                : std::string("n/a");
      };
      for (const auto& [mechanism, summary] : campaign["mechanisms"].items())
        detail += (detail.empty() ? "" : "; ") + mechanism + " " + percent(summary["vector_kill_rate"]) + " by the vectors, " +
                  percent(summary["suite_kill_rate"]) + " by the suite";
      return status == 0 ? exit_ok : exit_check_failed;
    });
  }

  bool ok = true;
  nlohmann::json stage_rows = nlohmann::json::array();
  std::string markdown = "# l2spec audit\n\n| stage | result | seconds | detail |\n|---|---|---|---|\n";
  std::string html = "<!doctype html><meta charset=utf-8><title>l2spec audit</title><h1>l2spec audit</h1><table border=1 "
                     "cellpadding=4><tr><th>stage<th>result<th>seconds<th>detail";
  std::cout << "\n== summary\n";
  for (const Stage& stage : stages) {
    const std::string result = stage.code == 0 ? "pass" : "FAIL";
    ok = ok && stage.code == 0;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", stage.seconds);
    std::printf("%-4s  %8s s  %-48s %s\n", result.c_str(), seconds, stage.name.c_str(), stage.detail.c_str());
    markdown += "| " + stage.name + " | " + result + " | " + seconds + " | " + stage.detail + " |\n";
    html += "<tr><td>" + html_escape(stage.name) + "<td>" + result + "<td>" + seconds + "<td>" + html_escape(stage.detail);
    stage_rows.push_back({{"stage", stage.name}, {"result", result}, {"seconds", stage.seconds}, {"detail", stage.detail}});
  }
  html += "</table><h2>Details</h2><pre>" + html_escape(report.dump(2)) + "</pre>\n";
  report["stages"] = stage_rows;
  report["result"] = ok ? "pass" : "fail";
  std::error_code ec;
  std::filesystem::create_directories(options.report_dir, ec);
  std::ofstream(options.report_dir / "audit.md") << markdown;
  std::ofstream(options.report_dir / "audit.html") << html;
  std::ofstream(options.report_dir / "audit.json") << report.dump(2) << "\n";
  std::printf("audit %s; report: %s/audit.{md,html,json}\n", ok ? "passed" : "FAILED", options.report_dir.string().c_str());
  return ok ? exit_ok : exit_check_failed;
}

}  // namespace l2::cli
