// spec: vectors.md
#include "l2/vectors/framework.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "l2/codec/json.hpp"
#include "l2/opt/sha256.hpp"
#include "l2/ref/sha256.hpp"

namespace l2::vectors {

namespace fs = std::filesystem;

std::string_view impl_name(Impl impl) {
  switch (impl) {
    case Impl::reference: return "reference";
    case Impl::optimized: return "optimized";
    case Impl::model: return "model";
  }
  return "unknown";
}

std::optional<Impl> parse_impl(std::string_view name) {
  if (name == "reference") return Impl::reference;
  if (name == "optimized") return Impl::optimized;
  if (name == "model") return Impl::model;
  return std::nullopt;
}

Outcome Outcome::ok(json post_state, std::string state_root, json extras) {
  Outcome o;
  o.outcome = "ok";
  o.post_state = std::move(post_state);
  o.state_root = std::move(state_root);
  o.extras = std::move(extras);
  return o;
}

Outcome Outcome::invalid(std::string error, std::string rule, std::string reason) {
  Outcome o;
  o.outcome = "invalid";
  o.error = std::move(error);
  o.rule = std::move(rule);
  o.reason = std::move(reason);
  return o;
}

Outcome Outcome::malformed(std::string reason) {
  Outcome o;
  o.outcome = "malformed";
  o.error = "MALFORMED_INPUT";
  o.reason = std::move(reason);
  return o;
}

json outcome_to_json(const Outcome& o) {
  json expect = json::object();
  expect["outcome"] = o.outcome;
  if (o.outcome == "ok") {
    expect["post_state"] = o.post_state;
    expect["state_root"] = o.state_root;
  } else {
    expect["error"] = o.error;
    expect["reason"] = o.reason;
    if (o.outcome == "invalid") expect["rule"] = o.rule;
  }
  return expect;
}

std::optional<Outcome> outcome_from_json(const json& expect) {
  if (!expect.is_object() || !expect.contains("outcome") || !expect["outcome"].is_string()) return std::nullopt;
  Outcome o;
  o.outcome = expect["outcome"].get<std::string>();
  auto text = [&](const char* key) -> std::string {
    return expect.contains(key) && expect[key].is_string() ? expect[key].get<std::string>() : std::string();
  };
  if (o.outcome == "ok") {
    o.post_state = expect.value("post_state", json());
    o.state_root = text("state_root");
  } else if (o.outcome == "invalid" || o.outcome == "malformed") {
    o.error = text("error");
    o.rule = text("rule");
    o.reason = text("reason");
  } else {
    return std::nullopt;
  }
  return o;
}

const OpHandler* Mechanism::find_op(std::string_view op) const {
  for (const auto& handler : ops)
    if (handler.op == op) return &handler;
  return nullptr;
}

Hash32 Drbg::next32() {
  Bytes message(seed_.begin(), seed_.end());
  put_u64_be(message, counter_++);
  return ref::tagged_hash("L2/vectors/drbg", message);
}

Bytes Drbg::next_bytes(std::size_t n) {
  Bytes out;
  while (out.size() < n) {
    const Hash32 block = next32();
    for (u8 b : block)
      if (out.size() < n) out.push_back(b);
  }
  return out;
}

std::uint64_t Drbg::next_u64() {
  const Hash32 block = next32();
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | block[static_cast<std::size_t>(i)];
  return value;
}

std::uint64_t Drbg::below(std::uint64_t bound) {
  // Rejection sampling keeps the distribution uniform for any bound.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    const std::uint64_t value = next_u64();
    if (value < limit) return value % bound;
  }
}

Hash32 case_seed(std::string_view mechanism, std::string_view suite, std::string_view name) {
  const std::string text = "l2spec/vectors/seed/" + std::string(mechanism) + "/" + std::string(suite) + "/" + std::string(name);
  return ref::sha256(std::string_view(text));
}

std::string dump_canonical(const json& document) { return document.dump(2) + "\n"; }

namespace {

std::string file_sha256_hex(const std::string& content) {
  const auto* data = reinterpret_cast<const u8*>(content.data());
  return to_hex(opt::sha256::hash(std::span<const u8>(data, content.size())));
}

bool write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return static_cast<bool>(out);
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Every regular file under `root`, as `/`-separated paths relative to it; empty if `root` is no directory.
std::set<std::string> list_files(const fs::path& root) {
  std::set<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) files.insert(fs::relative(it->path(), root).generic_string());
  return files;
}

json u64_json(std::uint64_t value) { return std::to_string(value); }

std::optional<std::uint64_t> parse_u64(const json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t out = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (out > (UINT64_MAX - digit) / 10) return std::nullopt;
    out = out * 10 + digit;
  }
  return out;
}

std::string outcome_summary(const Outcome& o) {
  if (o.outcome == "ok") return "ok (root " + o.state_root + ")";
  if (o.outcome == "invalid") return "invalid " + o.error + " [" + o.rule + "]";
  return o.outcome + " " + o.error;
}

// Compares what an implementation produced with what the vector states. Reasons and extras are
// informative only.
std::optional<std::string> compare(const Outcome& expected, const Outcome& actual) {
  if (expected.outcome != actual.outcome || expected.error != actual.error || expected.rule != actual.rule)
    return "expected " + outcome_summary(expected) + ", got " + outcome_summary(actual) +
           (actual.reason.empty() ? "" : " (" + actual.reason + ")");
  if (expected.outcome == "ok") {
    if (expected.state_root != actual.state_root) return "state root differs: expected " + expected.state_root + ", got " + actual.state_root;
    if (expected.post_state != actual.post_state) return "post-state differs: expected " + expected.post_state.dump() + ", got " + actual.post_state.dump();
  }
  return std::nullopt;
}

struct GeneratedCase {
  std::string path;  // relative to the vectors root
  json document;
  std::vector<std::string> rules;
  std::string outcome;
};

std::string final_outcome(const json& steps) {
  return steps.empty() ? std::string("ok") : steps.back()["expect"]["outcome"].get<std::string>();
}

// Where a vector directory ships the JSON Schema named `name` ("case", "state", "index").
std::string schema_path(std::string_view name) { return "schema/" + std::string(name) + ".schema.json"; }

// A file of a vector directory, parsed strictly (spec: encoding.md#json-text): a repeated key or a
// -0 makes the whole file unreadable, as it would for any conforming consumer.
std::optional<json> parse_file(const std::string& path, const std::string& text, const std::function<void(std::string)>& fail) {
  auto document = codec::parse_document(text);
  if (!document.ok()) {
    fail(path + ": " + document.error().message);
    return std::nullopt;
  }
  return std::move(document).value();
}

}  // namespace

GenerateReport generate(const fs::path& out_dir, Profile profile, const Log& log) {
  GenerateReport report;
  json index_files = json::array();
  std::set<std::string> written;

  // The schemas travel with the vectors, so a directory is self-describing (spec: vectors.md#layout).
  json index_schemas = json::array();
  for (const auto& [name, text] : embedded_schemas()) {
    const std::string path = schema_path(name);
    const std::string content(text);
    if (!write_file(out_dir / path, content)) report.errors.push_back("cannot write " + path);
    written.insert(path);
    index_schemas.push_back({{"schema", "l2spec/" + std::string(name)}, {"path", path}, {"sha256", file_sha256_hex(content)}});
  }

  for (const Mechanism& mechanism : mechanisms()) {
    std::map<std::string, json> shared;
    if (mechanism.shared_states) {
      for (const SharedState& state : mechanism.shared_states(profile)) {
        json document = {{"schema", state_schema}, {"schema_version", schema_version},
                         {"generator", generator_version}, {"mechanism", mechanism.name},
                         {"name", state.name}, {"state", state.state}};
        const std::string path = mechanism.name + "/states/" + state.name + ".json";
        const std::string text = dump_canonical(document);
        if (!write_file(out_dir / path, text)) report.errors.push_back("cannot write " + path);
        written.insert(path);
        shared[state.name] = state.state;
        index_files.push_back({{"path", path}, {"sha256", file_sha256_hex(text)}, {"kind", "state"},
                               {"mechanism", mechanism.name}, {"rules", json::array()}, {"outcome", "ok"}});
        ++report.states;
      }
    }
    const std::vector<CaseSpec> specs = mechanism.cases(profile);
    log("generating " + std::to_string(specs.size()) + " " + mechanism.name + " cases");
    for (const CaseSpec& spec : specs) {
      const std::string path = mechanism.name + "/" + spec.suite + "/" + spec.name + ".json";
      if (!written.insert(path).second) {
        report.errors.push_back("duplicate case path " + path);
        continue;
      }
      json state = spec.pre_state;
      if (!spec.pre_state_ref.empty()) {
        auto it = shared.find(spec.pre_state_ref);
        if (it == shared.end()) {
          report.errors.push_back(path + ": unknown shared state " + spec.pre_state_ref);
          continue;
        }
        state = it->second;
      }
      json steps = json::array();
      for (std::size_t i = 0; i < spec.steps.size(); ++i) {
        const Step& step = spec.steps[i];
        const OpHandler* handler = mechanism.find_op(step.op);
        if (handler == nullptr) {
          report.errors.push_back(path + ": unknown op " + step.op);
          break;
        }
        const StepResult result = handler->apply(Impl::reference, state, step.input, step.height);
        json entry = {{"op", step.op}, {"height", u64_json(step.height)}, {"input", step.input},
                      {"expect", outcome_to_json(result.outcome)}};
        if (!result.outcome.extras.is_null()) entry["extras"] = result.outcome.extras;
        steps.push_back(entry);
        if (result.outcome.outcome == "ok") state = result.outcome.post_state;
      }
      json document = {{"schema", case_schema},      {"schema_version", schema_version},
                       {"generator", generator_version}, {"mechanism", mechanism.name},
                       {"suite", spec.suite},        {"case", spec.name},
                       {"description", spec.description}, {"rules", spec.rules},
                       {"seed", to_hex(spec.seed)},  {"steps", steps}};
      if (spec.adversarial) document["adversarial"] = {{"attack", spec.adversarial->attack}, {"party", spec.adversarial->party}};
      if (!spec.pre_state_ref.empty()) document["pre_state_ref"] = spec.pre_state_ref;
      else document["pre_state"] = spec.pre_state;
      for (const std::string& violation : validate_schema("case", document))
        report.errors.push_back(path + ": generated case violates the schema: " + violation);
      const std::string text = dump_canonical(document);
      if (!write_file(out_dir / path, text)) report.errors.push_back("cannot write " + path);
      index_files.push_back({{"path", path}, {"sha256", file_sha256_hex(text)}, {"kind", "case"},
                             {"mechanism", mechanism.name}, {"rules", spec.rules}, {"outcome", final_outcome(steps)}});
      ++report.cases;
    }
  }
  // A case (or schema) that was renamed or dropped must not linger: `verify` rejects unlisted files.
  // Only the generated mechanisms' folders and schema/ are cleaned; anything else in out_dir is left
  // alone.
  for (const std::string& path : list_files(out_dir)) {
    const bool owned = path.rfind("schema/", 0) == 0 ||
                       std::any_of(mechanisms().begin(), mechanisms().end(), [&](const Mechanism& m) {
                         return path.rfind(m.name + "/", 0) == 0;
                       });
    if (owned && !written.count(path) && path.size() > 5 && path.substr(path.size() - 5) == ".json") {
      std::error_code ec;
      fs::remove(out_dir / path, ec);
      log("removed " + path + " (no longer generated)");
    }
  }
  std::sort(index_files.begin(), index_files.end(),
            [](const json& a, const json& b) { return a["path"].get<std::string>() < b["path"].get<std::string>(); });
  const json index = {{"schema", index_schema}, {"schema_version", schema_version}, {"generator", generator_version},
                      {"profile", profile == Profile::small ? "small" : "large"}, {"files", index_files},
                      {"schemas", index_schemas}};
  if (!write_file(out_dir / "index.json", dump_canonical(index))) report.errors.push_back("cannot write index.json");
  log("wrote " + std::to_string(report.cases) + " cases and " + std::to_string(report.states) + " shared states to " +
      out_dir.string());
  return report;
}

VerifyReport verify(const fs::path& dir, const std::vector<Impl>& impls, const Log& log) {
  VerifyReport report;
  auto fail = [&](std::string message) { report.failures.push_back(std::move(message)); };

  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    fail(dir.string() + ": not a directory");
    return report;
  }
  const std::set<std::string> present = list_files(dir);
  std::set<std::string> read;

  const auto index_text = read_file(dir / "index.json");
  if (!index_text) {
    fail(dir.string() + ": no index.json");
    return report;
  }
  read.insert("index.json");
  ++report.files;
  const std::optional<json> parsed_index = parse_file("index.json", *index_text, fail);
  if (!parsed_index) return report;
  const json& index = *parsed_index;
  for (const auto& violation : validate_schema("index", index)) fail("index.json: schema violation: " + violation);
  if (!report.failures.empty()) return report;

  // The schemas shipped beside the vectors: read, hashed and parsed like every other file.
  for (const json& entry : index.value("schemas", json::array())) {
    const std::string path = entry["path"].get<std::string>();
    const auto text = read_file(dir / path);
    if (!text) {
      fail(path + ": listed in index.json but missing");
      continue;
    }
    read.insert(path);
    ++report.files;
    if (file_sha256_hex(*text) != entry["sha256"].get<std::string>()) fail(path + ": content hash differs from index.json");
    parse_file(path, *text, fail);
  }

  std::map<std::string, json> documents;  // path -> parsed document
  for (const json& entry : index["files"]) {
    const std::string path = entry["path"].get<std::string>();
    const auto text = read_file(dir / path);
    if (!text) {
      fail(path + ": listed in index.json but missing");
      continue;
    }
    read.insert(path);
    ++report.files;
    if (file_sha256_hex(*text) != entry["sha256"].get<std::string>()) fail(path + ": content hash differs from index.json");
    std::optional<json> parsed = parse_file(path, *text, fail);
    if (!parsed) continue;
    json document = std::move(*parsed);
    const std::string kind = entry["kind"].get<std::string>();
    const auto violations = validate_schema(kind == "state" ? "state" : "case", document);
    for (const auto& violation : violations) fail(path + ": schema violation: " + violation);
    if (violations.empty()) documents[path] = std::move(document);
  }

  std::size_t done = 0;
  for (const auto& [path, document] : documents) {
    if (document["schema"] != case_schema) continue;
    ++report.cases;
    const std::string mechanism_name = document["mechanism"].get<std::string>();
    const Mechanism* mechanism = nullptr;
    for (const Mechanism& m : mechanisms())
      if (m.name == mechanism_name) mechanism = &m;
    if (mechanism == nullptr) {
      fail(path + ": unknown mechanism " + mechanism_name);
      continue;
    }
    json pre_state = document.value("pre_state", json());
    if (document.contains("pre_state_ref")) {
      const std::string ref_path = mechanism_name + "/states/" + document["pre_state_ref"].get<std::string>() + ".json";
      auto it = documents.find(ref_path);
      if (it == documents.end()) {
        fail(path + ": pre_state_ref " + ref_path + " is not an indexed, valid state file");
        continue;
      }
      pre_state = it->second["state"];
    }
    for (Impl impl : impls) {
      json state = pre_state;
      std::size_t step_number = 0;
      for (const json& step : document["steps"]) {
        const std::string where = path + " step " + std::to_string(step_number++) + " [" + std::string(impl_name(impl)) + "]";
        const OpHandler* handler = mechanism->find_op(step["op"].get<std::string>());
        if (handler == nullptr) {
          fail(where + ": unknown op " + step["op"].get<std::string>());
          break;
        }
        const auto height = parse_u64(step["height"]);
        const auto expected = outcome_from_json(step["expect"]);
        if (!height || !expected) {
          fail(where + ": unreadable height or expect");
          break;
        }
        const StepResult result = handler->apply(impl, state, step["input"], *height);
        if (!result.applicable) {
          // No engine for this op: go on from the outcome the reference computed (spec/vectors.md#the-index).
          ++report.steps_not_applicable;
          if (expected->outcome == "ok") state = expected->post_state;
          continue;
        }
        ++report.steps_checked;
        if (auto mismatch = compare(*expected, result.outcome)) {
          fail(where + ": " + *mismatch);
          break;
        }
        if (result.outcome.outcome == "ok") state = result.outcome.post_state;
      }
    }
    if (++done % 200 == 0) log("  replayed " + std::to_string(done) + " cases");
  }

  for (const std::string& path : present)
    if (!read.count(path)) fail(path + ": present in the directory but never read (not listed in index.json)");
  log("verified " + std::to_string(report.cases) + " cases, " + std::to_string(report.steps_checked) +
      " step replays, " + std::to_string(report.steps_not_applicable) + " not applicable to an implementation, " +
      std::to_string(report.failures.size()) + " failures");
  return report;
}

std::vector<std::string> drift(const fs::path& committed, const Log& log) {
  std::vector<std::string> differences;
  const fs::path fresh = fs::temp_directory_path() / ("l2spec-drift-" + std::to_string(::getpid()));
  fs::remove_all(fresh);
  const GenerateReport generated = generate(fresh, Profile::small, log);
  for (const auto& error : generated.errors) differences.push_back("generator: " + error);

  const auto old_files = list_files(committed);
  const auto new_files = list_files(fresh);
  for (const auto& path : new_files) {
    if (!old_files.count(path)) differences.push_back(path + ": generated but not committed");
    else if (read_file(committed / path) != read_file(fresh / path)) differences.push_back(path + ": differs from a fresh generation");
  }
  for (const auto& path : old_files)
    if (!new_files.count(path)) differences.push_back(path + ": committed but no longer generated");
  fs::remove_all(fresh);
  log(differences.empty() ? "no drift: the committed vectors equal a fresh generation"
                          : std::to_string(differences.size()) + " files drifted");
  return differences;
}

std::vector<std::string> rule_range(const std::string& prefix, int first, int last) {
  std::vector<std::string> out;
  for (int i = first; i <= last; ++i) out.push_back(prefix + "-" + std::to_string(i));
  return out;
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& part : parts)
    for (const auto& id : part)
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  return out;
}

}  // namespace l2::vectors
