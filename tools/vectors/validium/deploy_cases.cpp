// Suite deploy: zk_rollup's deployment under the validium id in the committee mode (VD-DEPLOY-1),
// the committee's rules (VD-COM-1..4) at their boundaries (0, 1, 64 and 65 members; thresholds 0, 1,
// the size and the size + 1), the rotation delay against E + B = 46 (45, 46, 47, and a sum that
// overflows), and the rules' order where several fail (VD-DEPLOY-1 first; VD-COM-1 before VD-COM-2,
// VD-COM-3 and VD-DEPLOY-2; VD-COM-2 before VD-COM-3 and VD-COM-4; VD-COM-3 before VD-COM-4).
#include <algorithm>

#include "l2/ref/schnorr.hpp"
#include "world.hpp"

namespace l2::vectors::validium_vectors {

namespace {

void deploy_one(CaseBook& cases, const char* name, const std::string& description,
                std::vector<std::string> rules, const vd::ValidiumDeployInput& in, ValidiumError expect = ValidiumError::none) {
  CaseSpec& spec = cases.add("deploy", name, description, std::move(rules));
  Scenario(spec).deploy(zkv::deploy_height, in, expect);
}

}  // namespace

void deploy_cases(CaseBook& cases, const Worlds& w) {
  const zk::ZkConfig config = zkv::default_config();
  const Committee world = w.world_committee();

  // ---- accepted ----
  deploy_one(cases, "world_committee",
             "the world's deployment: zk_rollup's configuration and key, the committee of keys 7..11 (threshold 3), "
             "the governor key 6, D = 50",
             deploy_rules(), w.deploy_input(config, world));
  deploy_one(cases, "threshold_1", "the world's committee with threshold 1 = the lowest accepted", deploy_rules(),
             w.deploy_input(config, w.committee_of({7, 8, 9, 10, 11}, 1)));
  deploy_one(cases, "threshold_equal_to_size", "the world's committee with threshold 5 = its size", deploy_rules(),
             w.deploy_input(config, w.committee_of({7, 8, 9, 10, 11}, 5)));
  deploy_one(cases, "one_member", "a committee of one member (key 7), threshold 1: the smallest committee",
             deploy_rules(), w.deploy_input(config, w.committee_of({7}, 1)));
  {
    CaseSpec& spec = cases.add("deploy", "sixty_four_members",
                               "64 members, the most VD-COM-1 admits (keys secret_from_seed(case seed, 0..63), sorted), "
                               "threshold 43",
                               deploy_rules());
    Scenario(spec).deploy(zkv::deploy_height, w.deploy_input(config, seeded_committee(spec.seed, 64, 43)));
  }
  deploy_one(cases, "rotation_delay_47", "D = 47 = E + B + 1: the shortest delay accepted", deploy_rules(),
             w.deploy_input(config, world, zkv::priority_expiry_blocks + zkv::censorship_bound_blocks + 1));

  // ---- refused ----
  {
    zk::ZkConfig broken = config;
    broken.max_batch_size = 0;
    deploy_one(cases, "invalid_zk_bound_broken",
               "max_batch_size 0: zk_rollup's deployment refuses the rollup (ZK-DEPLOY-2), reported as VD-DEPLOY-1",
               {"VD-DEPLOY-1"}, w.deploy_input(broken, world), ValidiumError::rollup_config);
  }
  deploy_one(cases, "invalid_no_member", "an empty committee (threshold 0)", {"VD-COM-1"},
             w.deploy_input(config, Committee{{}, 0}), ValidiumError::committee_size);
  {
    CaseSpec& spec = cases.add("deploy", "invalid_65_members",
                               "65 members (keys secret_from_seed(case seed, 0..64), sorted), threshold 3: one more "
                               "than VD-COM-1 admits",
                               {"VD-COM-1"});
    Scenario(spec).deploy(zkv::deploy_height, w.deploy_input(config, seeded_committee(spec.seed, 65, 3)),
                          ValidiumError::committee_size);
  }
  {
    Committee swapped = world;
    std::swap(swapped.members[1], swapped.members[2]);
    deploy_one(cases, "invalid_members_swapped", "the world's committee with its members 1 and 2 swapped",
               {"VD-COM-2"}, w.deploy_input(config, swapped), ValidiumError::committee_not_sorted);
  }
  {
    Committee repeated = world;
    repeated.members[2] = repeated.members[1];
    deploy_one(cases, "invalid_member_repeated",
               "the world's committee with member 1 in place of member 2: listed twice, in order", {"VD-COM-2"},
               w.deploy_input(config, repeated), ValidiumError::committee_not_sorted);
  }
  {
    Committee off_curve = world;
    off_curve.members.back() = zkv::off_curve_key();
    std::sort(off_curve.members.begin(), off_curve.members.end());
    deploy_one(cases, "invalid_member_off_curve",
               "the world's committee with its last member replaced by BIP-340's test-vector key not on the curve "
               "(EEFDEA4C...), sorted",
               {"VD-COM-3"}, w.deploy_input(config, off_curve), ValidiumError::committee_member_invalid);
  }
  deploy_one(cases, "invalid_threshold_0", "the world's committee with threshold 0", {"VD-COM-4"},
             w.deploy_input(config, w.committee_of({7, 8, 9, 10, 11}, 0)), ValidiumError::threshold);
  deploy_one(cases, "invalid_threshold_above_size", "the world's committee with threshold 6 = its size + 1",
             {"VD-COM-4"}, w.deploy_input(config, w.committee_of({7, 8, 9, 10, 11}, 6)), ValidiumError::threshold);
  deploy_one(cases, "invalid_rotation_delay_46", "D = 46 = E + B: not above it", {"VD-DEPLOY-2"},
             w.deploy_input(config, world, zkv::priority_expiry_blocks + zkv::censorship_bound_blocks),
             ValidiumError::config_rotation_delay);
  deploy_one(cases, "invalid_rotation_delay_45", "D = 45 = E + B - 1", {"VD-DEPLOY-2"},
             w.deploy_input(config, world, zkv::priority_expiry_blocks + zkv::censorship_bound_blocks - 1),
             ValidiumError::config_rotation_delay);
  {
    zk::ZkConfig long_expiry = config;
    long_expiry.priority_expiry_blocks = zkv::u64_max;
    deploy_one(cases, "invalid_rotation_delay_sum_overflows",
               "E = UINT64_MAX (zk_rollup accepts it), so E + B overflows: refused whatever D, here UINT64_MAX",
               {"VD-DEPLOY-1", "VD-DEPLOY-2"}, w.deploy_input(long_expiry, world, zkv::u64_max),
               ValidiumError::config_rotation_delay);
  }
  {
    CaseSpec& spec = cases.add("deploy", "invalid_size_before_not_sorted",
                               "65 members (keys secret_from_seed(case seed, 0..64), sorted, then members 0 and 1 "
                               "swapped), threshold 3: too many members (VD-COM-1), not ascending (VD-COM-2); VD-COM-1 "
                               "is checked first",
                               {"VD-COM-1", "VD-COM-2"});
    Committee bad = seeded_committee(spec.seed, 65, 3);
    std::swap(bad.members[0], bad.members[1]);
    Scenario(spec).deploy(zkv::deploy_height, w.deploy_input(config, bad), ValidiumError::committee_size);
  }
  {
    CaseSpec& spec = cases.add("deploy", "invalid_size_before_off_curve",
                               "65 members (keys secret_from_seed(case seed, 0..64), the last replaced by the "
                               "off-curve key EEFDEA4C..., sorted), threshold 3: too many members (VD-COM-1), one off "
                               "the curve (VD-COM-3); VD-COM-1 is checked first",
                               {"VD-COM-1", "VD-COM-3"});
    Committee bad = seeded_committee(spec.seed, 65, 3);
    bad.members.back() = zkv::off_curve_key();
    std::sort(bad.members.begin(), bad.members.end());
    Scenario(spec).deploy(zkv::deploy_height, w.deploy_input(config, bad), ValidiumError::committee_size);
  }
  {
    Committee bad = w.committee_of({7, 8, 9, 10, 11}, 0);
    bad.members.back() = zkv::off_curve_key();
    std::sort(bad.members.begin(), bad.members.end());
    deploy_one(cases, "invalid_off_curve_before_threshold",
               "the world's committee with its last member replaced by the off-curve key EEFDEA4C..., sorted "
               "(VD-COM-3), and threshold 0 (VD-COM-4): VD-COM-3 is checked first",
               {"VD-COM-3", "VD-COM-4"}, w.deploy_input(config, bad), ValidiumError::committee_member_invalid);
  }
  deploy_one(cases, "invalid_committee_before_delay",
             "an empty committee and D = 0: the committee's rule (VD-COM-1) is checked before the delay's",
             {"VD-COM-1", "VD-DEPLOY-2"}, w.deploy_input(config, Committee{{}, 0}, 0), ValidiumError::committee_size);
  {
    zk::ZkConfig broken = config;
    broken.max_batch_size = 0;
    CaseSpec& spec = cases.add("deploy", "invalid_zk_bound_before_committee",
                               "max_batch_size 0 (VD-DEPLOY-1), 65 members (keys secret_from_seed(case seed, 0..64), "
                               "sorted, then members 0 and 1 swapped and the last replaced by the off-curve key "
                               "EEFDEA4C...), threshold 0, and D = 0: every deploy rule fails; VD-DEPLOY-1 is checked "
                               "first, before VD-COM-1..4 and VD-DEPLOY-2",
                               {"VD-DEPLOY-1", "VD-COM-1", "VD-COM-2", "VD-COM-3", "VD-COM-4", "VD-DEPLOY-2"});
    Committee bad = seeded_committee(spec.seed, 65, 0);
    std::swap(bad.members[0], bad.members[1]);
    bad.members.back() = zkv::off_curve_key();
    Scenario(spec).deploy(zkv::deploy_height, w.deploy_input(broken, bad, 0), ValidiumError::rollup_config);
  }
  {
    Committee bad = w.committee_of({7, 8, 9, 10, 11}, 0);
    std::swap(bad.members[1], bad.members[2]);
    bad.members.back() = zkv::off_curve_key();
    deploy_one(cases, "invalid_not_sorted_before_off_curve_and_threshold",
               "the world's committee with members 1 and 2 swapped (VD-COM-2), its last member replaced by the "
               "off-curve key EEFDEA4C... (VD-COM-3) and threshold 0 (VD-COM-4): VD-COM-2 is checked first, before "
               "VD-COM-3 and VD-COM-4",
               {"VD-COM-2", "VD-COM-3", "VD-COM-4"}, w.deploy_input(config, bad), ValidiumError::committee_not_sorted);
  }
}

}  // namespace l2::vectors::validium_vectors
