// The committed vectors replay on every implementation, regenerate byte for byte, and every way a
// directory can be wrong (tampered expectation, stray file, schema violation, bad hash) is caught.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "l2/opt/sha256.hpp"
#include "l2/vectors/framework.hpp"

namespace {

namespace fs = std::filesystem;
using l2::vectors::Impl;
using l2::vectors::json;

fs::path source_dir() {
  const char* dir = std::getenv("L2_SOURCE_DIR");
  return dir != nullptr ? fs::path(dir) : fs::path(L2_TEST_SOURCE_DIR);
}

const l2::vectors::Log quiet = [](std::string_view) {};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary | std::ios::trunc) << text; }

// A scratch copy of freshly generated vectors, removed afterwards. The suite generates once; each
// test edits its own copy.
class ScratchVectors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    generated_ = fs::temp_directory_path() / ("l2spec-test-" + std::to_string(::getpid()) + "-generated");
    fs::remove_all(generated_);
    generation_errors_ = l2::vectors::generate(generated_, l2::vectors::Profile::small, quiet).errors;
  }
  static void TearDownTestSuite() { fs::remove_all(generated_); }

  void SetUp() override {
    ASSERT_TRUE(generation_errors_.empty()) << generation_errors_.front();
    dir_ = generated_.string() + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::copy(generated_, dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Rewrites a file's text and fixes its hash in the index, so only the intended change is tested.
  void rewrite_text(const std::string& path, const std::function<void(std::string&)>& edit) {
    std::string text = read(dir_ / path);
    edit(text);
    write(dir_ / path, text);
    json index = json::parse(read(dir_ / "index.json"));
    for (auto& entry : index["files"])
      if (entry["path"] == path) {
        const auto* data = reinterpret_cast<const l2::u8*>(text.data());
        entry["sha256"] = l2::to_hex(l2::opt::sha256::hash(std::span<const l2::u8>(data, text.size())));
      }
    write(dir_ / "index.json", l2::vectors::dump_canonical(index));
  }
  void rewrite_case(const std::string& path, const std::function<void(json&)>& edit) {
    rewrite_text(path, [&](std::string& text) {
      json document = json::parse(text);
      edit(document);
      text = l2::vectors::dump_canonical(document);
    });
  }
  // Replaces the one occurrence of `from` in the file's text.
  void replace_once(const std::string& path, const std::string& from, const std::string& to) {
    rewrite_text(path, [&](std::string& text) {
      const std::size_t at = text.find(from);
      ASSERT_NE(at, std::string::npos) << from << " not in " << path;
      ASSERT_EQ(text.find(from, at + 1), std::string::npos) << from << " twice in " << path;
      text.replace(at, from.size(), to);
    });
  }

  l2::vectors::VerifyReport verify_all() { return l2::vectors::verify(dir_, {Impl::reference, Impl::optimized}, quiet); }

  static inline fs::path generated_;
  static inline std::vector<std::string> generation_errors_;
  fs::path dir_;
};

TEST(PrimitivesVectors, CommittedVectorsReplayOnReferenceAndOptimized) {
  std::cout << "SHA-256 kernel: " << l2::opt::sha256::active_kernel().name << "\n";
  const auto report = l2::vectors::verify(source_dir() / "vectors", {Impl::reference, Impl::optimized}, quiet);
  for (const auto& failure : report.failures) ADD_FAILURE() << failure;
  EXPECT_GT(report.cases, 250u);
  EXPECT_GT(report.steps_checked, report.cases);  // the optimized engine replays a good share too
}

TEST(PrimitivesVectors, CommittedVectorsHaveNoDrift) {
  const auto differences = l2::vectors::drift(source_dir() / "vectors", quiet);
  for (const auto& difference : differences) ADD_FAILURE() << difference;
}

TEST_F(ScratchVectors, GenerationIsByteIdentical) {
  const fs::path again = dir_.string() + "-again";
  l2::vectors::generate(again, l2::vectors::Profile::small, quiet);
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    EXPECT_EQ(read(entry.path()), read(again / fs::relative(entry.path(), dir_))) << entry.path();
  }
  fs::remove_all(again);
}

TEST_F(ScratchVectors, FreshVectorsVerify) { EXPECT_TRUE(verify_all().ok()); }

TEST_F(ScratchVectors, TamperedDigestIsAMismatch) {
  rewrite_case("primitives/sha256/nist_abc.json",
               [](json& c) { c["steps"][0]["expect"]["post_state"]["digest"] = std::string(64, '0'); });
  const auto report = verify_all();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.failures.front().find("nist_abc"), std::string::npos) << report.failures.front();
}

TEST_F(ScratchVectors, TamperedErrorCodeIsAMismatch) {
  rewrite_case("primitives/schnorr_verify/invalid_r_equals_p.json",
               [](json& c) { c["steps"][0]["expect"]["error"] = "SIG_INVALID"; c["steps"][0]["expect"]["rule"] = "SIG-VER-4"; });
  const auto report = verify_all();
  ASSERT_EQ(report.failures.size(), 2u);  // once per implementation
  EXPECT_NE(report.failures[0].find("SIG_R_OUT_OF_RANGE"), std::string::npos) << report.failures[0];
}

TEST_F(ScratchVectors, AcceptedWhereRejectedIsAMismatch) {
  rewrite_case("primitives/checked_add/invalid_max_plus_1.json", [](json& c) {
    c["steps"][0]["expect"] = {{"outcome", "ok"}, {"post_state", {{"value", "0"}}}, {"state_root", std::string(64, 'a')}};
  });
  EXPECT_FALSE(verify_all().ok());
}

TEST_F(ScratchVectors, StrayFileIsNeverReadAndFails) {
  write(dir_ / "primitives" / "sha256" / "extra.json", "{}");
  const auto report = verify_all();
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_NE(report.failures[0].find("never read"), std::string::npos) << report.failures[0];
}

TEST_F(ScratchVectors, SchemaViolationFails) {
  rewrite_case("primitives/sha256/nist_abc.json", [](json& c) { c.erase("seed"); });
  const auto report = verify_all();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.failures.front().find("schema"), std::string::npos) << report.failures.front();
}

TEST_F(ScratchVectors, ContentHashMismatchFails) {
  write(dir_ / "primitives/sha256/nist_abc.json", read(dir_ / "primitives/sha256/nist_abc.json") + " ");
  const auto report = verify_all();
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.failures.front().find("content hash"), std::string::npos) << report.failures.front();
}

TEST_F(ScratchVectors, MissingListedFileFails) {
  fs::remove(dir_ / "primitives/sha256/nist_abc.json");
  EXPECT_FALSE(verify_all().ok());
}

TEST_F(ScratchVectors, MissingSharedStateFails) {
  const fs::path state = dir_ / "primitives/states/smt_accounts.json";
  ASSERT_TRUE(fs::exists(state));
  fs::remove(state);
  EXPECT_FALSE(verify_all().ok());
}

// A plain JSON parser reads "index": -0 as 0, and keeps the last of two equal keys; both would
// replay as if nothing were wrong. The files are read strictly, as encoding.md#json-text requires.
// One scratch directory serves every change, each undone before the next.
TEST_F(ScratchVectors, CaseFilesAndTheIndexAreReadStrictly) {
  const std::string index = read(dir_ / "index.json");
  const auto expect_one_failure = [&](const std::string& expected) {
    const auto report = verify_all();
    ASSERT_EQ(report.failures.size(), 1u) << expected;
    EXPECT_NE(report.failures[0].find(expected), std::string::npos) << report.failures[0];
  };
  const std::string membership = "primitives/smt_membership/verify_0.json";
  const std::string membership_text = read(dir_ / membership);
  replace_once(membership, "\"index\": 0", "\"index\": -0");
  expect_one_failure(membership + ": field \"steps[0].input.index\" is the number -0");
  write(dir_ / membership, membership_text);
  write(dir_ / "index.json", index);

  const std::string digest = "primitives/sha256/nist_abc.json";
  const std::string digest_text = read(dir_ / digest);
  replace_once(digest, "\"message\": \"616263\"", "\"message\": \"00\", \"message\": \"616263\"");
  expect_one_failure(digest + ": field \"steps[0].input.message\" appears twice");
  write(dir_ / digest, digest_text);
  write(dir_ / "index.json", index);

  std::string doubled = index;
  doubled.replace(doubled.find("\"profile\""), 0, "\"profile\": \"large\", ");
  write(dir_ / "index.json", doubled);
  expect_one_failure("index.json: field \"profile\" appears twice");
  write(dir_ / "index.json", index);
  EXPECT_TRUE(verify_all().ok());
}

// The vector format's schemas ship beside the vectors, byte for byte the files of spec/schema/;
// the index lists them, and they are read like every other file. The audit report's schema lives
// there too but describes build/audit/audit.json, not the vectors (spec/audit_report.md), so it
// does not ship.
TEST_F(ScratchVectors, SchemasShipBesideTheVectorsAndAreRead) {
  const json index = json::parse(read(dir_ / "index.json"));
  ASSERT_EQ(index["schemas"].size(), 3u);
  EXPECT_TRUE(fs::is_regular_file(source_dir() / "spec/schema/audit.schema.json"));
  EXPECT_FALSE(fs::exists(dir_ / "schema/audit.schema.json"));
  std::size_t found = 0;
  for (const auto& entry : fs::directory_iterator(source_dir() / "spec/schema")) {
    const std::string file = entry.path().filename().string();
    if (file == "audit.schema.json") continue;
    const std::string name = file.substr(0, file.find('.'));
    const std::string text = read(entry.path());
    EXPECT_EQ(read(dir_ / "schema" / file), text) << file;
    for (const auto& listed : index["schemas"])
      if (listed["path"] == "schema/" + file) {
        ++found;
        EXPECT_EQ(listed["schema"], "l2spec/" + name);
        const auto* data = reinterpret_cast<const l2::u8*>(text.data());
        EXPECT_EQ(listed["sha256"], l2::to_hex(l2::opt::sha256::hash(std::span<const l2::u8>(data, text.size()))));
      }
  }
  EXPECT_EQ(found, 3u);

  const auto expect_one_failure = [&](const std::string& expected) {
    const auto report = verify_all();
    ASSERT_EQ(report.failures.size(), 1u) << expected;
    EXPECT_NE(report.failures[0].find(expected), std::string::npos) << report.failures[0];
  };
  const std::string case_schema = read(dir_ / "schema/case.schema.json");
  write(dir_ / "schema/case.schema.json", case_schema + " ");
  expect_one_failure("schema/case.schema.json: content hash differs from index.json");
  fs::remove(dir_ / "schema/case.schema.json");
  expect_one_failure("schema/case.schema.json: listed in index.json but missing");
  write(dir_ / "schema/case.schema.json", case_schema);
  write(dir_ / "schema/old.schema.json", "{}");
  expect_one_failure("schema/old.schema.json: present in the directory but never read");
  l2::vectors::generate(dir_, l2::vectors::Profile::small, quiet);
  EXPECT_FALSE(fs::exists(dir_ / "schema/old.schema.json"));
  EXPECT_TRUE(verify_all().ok());
}

TEST(PrimitivesVectors, SchemasRejectWhatTheyShould) {
  const json ok_case = json::parse(read(source_dir() / "vectors/primitives/sha256/nist_abc.json"));
  EXPECT_TRUE(l2::vectors::validate_schema("case", ok_case).empty());
  json bad = ok_case;
  bad["steps"][0]["height"] = 0;  // heights are decimal strings
  EXPECT_FALSE(l2::vectors::validate_schema("case", bad).empty());
  bad = ok_case;
  bad["steps"][0]["expect"] = {{"outcome", "invalid"}, {"error", "X"}};  // no rule, no reason
  EXPECT_FALSE(l2::vectors::validate_schema("case", bad).empty());
  bad = ok_case;
  bad["pre_state_ref"] = "smt_accounts";  // both a pre-state and a reference
  EXPECT_FALSE(l2::vectors::validate_schema("case", bad).empty());
  EXPECT_FALSE(l2::vectors::validate_schema("no-such-schema", ok_case).empty());
}

TEST(PrimitivesVectors, EveryNegativeCaseIsNamedAsSuch) {
  const json index = json::parse(read(source_dir() / "vectors/index.json"));
  for (const auto& entry : index["files"]) {
    if (entry["kind"] != "case") continue;
    const std::string name = fs::path(entry["path"].get<std::string>()).stem().string();
    const std::string outcome = entry["outcome"];
    const bool named_invalid = name.rfind("invalid_", 0) == 0;
    const bool named_malformed = name.rfind("malformed_", 0) == 0;
    EXPECT_EQ(outcome == "invalid", named_invalid) << entry["path"];
    EXPECT_EQ(outcome == "malformed", named_malformed) << entry["path"];
  }
}

}  // namespace
