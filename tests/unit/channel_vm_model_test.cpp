// The channel VM's Z3 model (spec: channel_vm.md#the-z3-model): every obligation is proved with a
// satisfiable premise, and each weakening is refuted exactly by the obligations the spec's weakening
// table names, each with a counterexample, while the others still hold. The model reads the
// reference's instruction table; the table itself is checked here against the spec's gas classes.
#include "l2/inv/channel_vm_model.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "l2/ref/channel_vm.hpp"
#include "l2/test/model_verdicts.hpp"

namespace {

namespace model = l2::inv::channel_vm;
using l2::inv::Verdict;

// The two gas obligations take most of the model's time (about 23 s of 26): a weakening that
// touches neither gas nor memory skips them here, and `l2spec prove --weaken channel_vm:<name>`
// in the audit discharges the whole set.
const std::set<std::string> slow_gas_obligations = {"gas_strictly_decreases/step", "halts_within_gas/step"};

std::map<std::string, Verdict> verdicts(model::Weakening weakening, const std::set<std::string>& skipped = {}) {
  return l2::test::model_verdicts(model::obligations(weakening), weakening == model::Weakening::none, skipped);
}

using l2::test::refuted;

TEST(ChannelVmModel, EveryObligationIsProvedWithASatisfiablePremise) {
  const auto results = verdicts(model::Weakening::none);
  EXPECT_EQ(results.size(), 11u);
  EXPECT_TRUE(refuted(results).empty());
  for (const l2::inv::Obligation& obligation : model::obligations())
    EXPECT_TRUE(static_cast<bool>(obligation.assert_premise)) << obligation.id();
}

// The model's gas comes from the reference's table; the spec's classes (channel_vm.md#gas) are typed
// here: a table that let an instruction cost 0 would escape the model's own weakening.
TEST(ChannelVmModel, TheTableTheModelReadsHasTheSpecsGasClasses) {
  namespace vm = l2::ref::channel_vm;
  EXPECT_EQ(vm::opcode_count, 49u);
  for (const vm::OpcodeInfo& info : vm::opcode_table) {
    if (info.defined) {
      EXPECT_GE(info.gas, 1u) << info.mnemonic;
    }
  }
  EXPECT_EQ(vm::opcode_info(0x42).gas, 1u);   // JUMPDEST
  EXPECT_EQ(vm::opcode_info(0x00).gas, 1u);   // STOP
  EXPECT_EQ(vm::opcode_info(0x5c).gas, 30u);  // SHA256's base
  EXPECT_EQ(vm::opcode_info(0x59).gas, 20u);  // SSTORE
}

// The lemma whose ground instances every step of the model assumes (each square of the memory price
// is a value of its own there), checked over its whole domain: for w < 2^20, w^2 < 2^40, 0^2 = 0,
// and the squares strictly grow.
TEST(ChannelVmModel, SquaresBelow2To20GrowAndStayBelow2To40) {
  std::uint64_t previous = 0;
  for (std::uint64_t w = 1; w < (std::uint64_t{1} << 20); ++w) {
    const std::uint64_t square = w * w;
    ASSERT_GT(square, previous) << w;
    ASSERT_LT(square, std::uint64_t{1} << 40) << w;
    ASSERT_EQ(square / w, w) << w;  // no wrap-around
    previous = square;
  }
}

TEST(ChannelVmModel, AFreeInstructionLoopsForEver) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::gas_free_instruction)),
            (std::set<std::string>{"gas_strictly_decreases/step", "halts_within_gas/step"}));
}

TEST(ChannelVmModel, UncheckedMemoryOverflowsTheCost) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::unchecked_memory_limit)),
            (std::set<std::string>{"memory_cost_no_overflow/step", "memory_bounded/step", "need_within_limit/step",
                                   "gas_strictly_decreases/step", "halts_within_gas/step"}));
}

TEST(ChannelVmModel, UncheckedStackGrowsPastItsLimit) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::unchecked_stack_limit, slow_gas_obligations)), (std::set<std::string>{"stack_bounded/step"}));
}

TEST(ChannelVmModel, UncheckedCallDepthGrowsPastItsLimit) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::unchecked_call_depth, slow_gas_obligations)), (std::set<std::string>{"call_depth_bounded/step"}));
}

TEST(ChannelVmModel, UncheckedStorageGrowsPastItsLimit) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::unchecked_storage_limit, slow_gas_obligations)), (std::set<std::string>{"storage_bounded/step"}));
}

TEST(ChannelVmModel, GrowingBeforeTheGasCheckChangesTheMachineOnAFault) {
  EXPECT_EQ(refuted(verdicts(model::Weakening::grow_before_gas_check, slow_gas_obligations)), (std::set<std::string>{"fault_changes_nothing/step"}));
}

TEST(ChannelVmModel, WeakeningsHaveNamesThatParseBack) {
  for (const model::Weakening w : model::all_weakenings) EXPECT_EQ(model::parse_weakening(model::weakening_name(w)), w);
  EXPECT_EQ(model::parse_weakening("none"), model::Weakening::none);
  EXPECT_FALSE(model::parse_weakening("no_such_weakening").has_value());
  const l2::inv::ModelEntry entry = model::registry_entry();
  EXPECT_EQ(entry.mechanism, "channel_vm");
  EXPECT_EQ(entry.weakenings.size(), model::all_weakenings.size());
}

}  // namespace
