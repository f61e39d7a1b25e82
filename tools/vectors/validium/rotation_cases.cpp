// Suites propose_rotation and activate_rotation: only the governor proposes (VD-ROT-1) a
// well-formed committee (VD-COM-1..4), a new proposal replaces the pending one and restarts its
// delay, the activation height saturates; the rotation is due at activation_height exactly
// (VD-ROT-3, one block early refused), needs a pending proposal (VD-ROT-2), and neither op runs in
// the freeze or once a priority operation expired (VD-LIVE-1/2), which both check first; where
// several committee rules fail, the first of VD-COM-1..4 is reported.
#include <algorithm>

#include "l2/ref/schnorr.hpp"
#include "world.hpp"

namespace l2::vectors::validium_vectors {

namespace {

// `rotation_proposed`, then alice's forced withdrawal at 51 (op 2, expiry 91), never served.
constexpr u64 late_request_height = proposal_height + 1;
constexpr u64 late_request_expiry = late_request_height + zkv::priority_expiry_blocks;

}  // namespace

void rotation_cases(CaseBook& cases, const Worlds& w) {
  const World& executed = w.executed;
  const World& proposed = w.rotation_proposed;
  const Committee replacement = w.replacement_committee();

  // ---- propose_rotation, accepted ----
  {
    Scenario s(cases.add("propose_rotation", "by_governor",
                         "the governor proposes keys 9..13 (threshold 3) at 50: pending, due at 50 + D = 100",
                         propose_rules()),
               executed, "executed");
    s.propose(proposal_height, w.key(governor), replacement);
    if (s.contract().pending_rotation->activation_height != rotation_due) generator_bug("the rotation is not due at 100");
  }
  {
    Scenario s(cases.add("propose_rotation", "replaces_pending",
                         "a second proposal at 60 (keys 7, 12 and 13, threshold 2) replaces the pending one and restarts "
                         "the delay: due at 110",
                         propose_rules()),
               proposed, "rotation_proposed");
    s.propose(60, w.key(governor), w.committee_of({7, 12, 13}, 2));
    if (s.contract().pending_rotation->activation_height != 110) generator_bug("the second proposal is not due at 110");
  }
  {
    Scenario s(cases.add("propose_rotation", "activation_height_saturates",
                         "a proposal at UINT64_MAX - 10: the activation height is min(height + D, UINT64_MAX)",
                         propose_rules()),
               executed, "executed");
    s.propose(zkv::u64_max - 10, w.key(governor), replacement);
    if (s.contract().pending_rotation->activation_height != zkv::u64_max) generator_bug("the activation height does not saturate");
  }

  // ---- propose_rotation, refused ----
  Scenario(cases.add("propose_rotation", "invalid_by_operator", "the operator proposes keys 9..13", {"VD-ROT-1"}), executed,
           "executed")
      .propose(proposal_height, w.key(op), replacement, ValidiumError::not_governor);
  Scenario(cases.add("propose_rotation", "invalid_not_governor_before_committee",
                     "the operator proposes an empty committee: VD-ROT-1 is checked before the committee's rules",
                     {"VD-ROT-1", "VD-COM-1"}),
           executed, "executed")
      .propose(proposal_height, w.key(op), Committee{{}, 0}, ValidiumError::not_governor);
  Scenario(cases.add("propose_rotation", "invalid_no_member", "the governor proposes an empty committee", {"VD-COM-1"}),
           executed, "executed")
      .propose(proposal_height, w.key(governor), Committee{{}, 0}, ValidiumError::committee_size);
  {
    Committee big{{}, 3};
    for (u32 i = 0; i < 65; ++i) {
      const Hash32 secret = ref::bip340::secret_from_seed(case_seed(mechanism_name, "propose_rotation", "invalid_65_members"), i);
      big.members.push_back(ref::bip340::pubkey_from_secret(secret).value());
    }
    std::sort(big.members.begin(), big.members.end());
    Scenario(cases.add("propose_rotation", "invalid_65_members",
                       "the governor proposes 65 members (keys secret_from_seed(case seed, 0..64), sorted), threshold 3",
                       {"VD-COM-1"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), big, ValidiumError::committee_size);
  }
  {
    Committee swapped = replacement;
    std::swap(swapped.members[0], swapped.members[4]);
    Scenario(cases.add("propose_rotation", "invalid_members_swapped",
                       "keys 9..13 with the first and last members swapped", {"VD-COM-2"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), swapped, ValidiumError::committee_not_sorted);
    Committee repeated = replacement;
    repeated.members[4] = repeated.members[3];
    Scenario(cases.add("propose_rotation", "invalid_member_repeated", "keys 9..13 with member 3 listed twice, last",
                       {"VD-COM-2"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), repeated, ValidiumError::committee_not_sorted);
    Committee off_curve = replacement;
    off_curve.members[0] = zkv::off_curve_key();
    std::sort(off_curve.members.begin(), off_curve.members.end());
    Scenario(cases.add("propose_rotation", "invalid_member_off_curve",
                       "keys 9..13 with one member replaced by a key not on the curve (EEFDEA4C...), sorted", {"VD-COM-3"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), off_curve, ValidiumError::committee_member_invalid);
  }
  Scenario(cases.add("propose_rotation", "invalid_threshold_0", "keys 9..13 with threshold 0", {"VD-COM-4"}), executed,
           "executed")
      .propose(proposal_height, w.key(governor), w.committee_of({9, 10, 11, 12, 13}, 0), ValidiumError::threshold);
  Scenario(cases.add("propose_rotation", "invalid_threshold_above_size", "keys 9..13 with threshold 6", {"VD-COM-4"}),
           executed, "executed")
      .propose(proposal_height, w.key(governor), w.committee_of({9, 10, 11, 12, 13}, 6), ValidiumError::threshold);
  {
    Committee bad = w.committee_of({9, 10, 11, 12, 13}, 0);
    std::swap(bad.members[0], bad.members[4]);
    bad.members[2] = zkv::off_curve_key();
    Scenario(cases.add("propose_rotation", "invalid_not_sorted_before_off_curve_and_threshold",
                       "keys 9..13 with the first and last members swapped (VD-COM-2), the middle one replaced by the "
                       "off-curve key EEFDEA4C... (VD-COM-3) and threshold 0 (VD-COM-4): VD-COM-2 is checked first",
                       {"VD-COM-2", "VD-COM-3", "VD-COM-4"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), bad, ValidiumError::committee_not_sorted);
  }
  {
    CaseSpec& spec = cases.add("propose_rotation", "invalid_size_before_not_sorted",
                               "the governor proposes 65 members (keys secret_from_seed(case seed, 0..64), sorted, "
                               "then members 0 and 1 swapped), threshold 3: too many members (VD-COM-1), not ascending "
                               "(VD-COM-2); VD-COM-1 is checked first",
                               {"VD-COM-1", "VD-COM-2"});
    Committee bad = seeded_committee(spec.seed, 65, 3);
    std::swap(bad.members[0], bad.members[1]);
    Scenario(spec, executed, "executed").propose(proposal_height, w.key(governor), bad, ValidiumError::committee_size);
  }
  {
    CaseSpec& spec = cases.add("propose_rotation", "invalid_size_before_off_curve",
                               "the governor proposes 65 members (keys secret_from_seed(case seed, 0..64), the last "
                               "replaced by the off-curve key EEFDEA4C..., sorted), threshold 3: too many members "
                               "(VD-COM-1), one off the curve (VD-COM-3); VD-COM-1 is checked first",
                               {"VD-COM-1", "VD-COM-3"});
    Committee bad = seeded_committee(spec.seed, 65, 3);
    bad.members.back() = zkv::off_curve_key();
    std::sort(bad.members.begin(), bad.members.end());
    Scenario(spec, executed, "executed").propose(proposal_height, w.key(governor), bad, ValidiumError::committee_size);
  }
  {
    Committee bad = w.committee_of({9, 10, 11, 12, 13}, 0);
    bad.members[0] = zkv::off_curve_key();
    std::sort(bad.members.begin(), bad.members.end());
    Scenario(cases.add("propose_rotation", "invalid_off_curve_before_threshold",
                       "keys 9..13 with one member replaced by the off-curve key EEFDEA4C..., sorted (VD-COM-3), and "
                       "threshold 0 (VD-COM-4): VD-COM-3 is checked first",
                       {"VD-COM-3", "VD-COM-4"}),
             executed, "executed")
        .propose(proposal_height, w.key(governor), bad, ValidiumError::committee_member_invalid);
  }
  Scenario(cases.add("propose_rotation", "invalid_frozen", "the governor proposes keys 9..13 in the freeze, at 81",
                     {"VD-LIVE-1"}),
           w.exodus, "exodus")
      .propose(zkv::exodus_height + 1, w.key(governor), replacement, ValidiumError::frozen);
  Scenario(cases.add("propose_rotation", "invalid_at_expiry",
                     "the governor proposes keys 9..13 at 80, the expiry height of alice's unserved forced withdrawal",
                     {"VD-LIVE-2"}),
           w.forced_requested, "forced_requested")
      .propose(zkv::request_expiry, w.key(governor), replacement, ValidiumError::priority_expired);
  Scenario(cases.add("propose_rotation", "invalid_at_expiry_before_not_governor",
                     "the operator proposes an empty committee at 80, the expiry height of alice's unserved forced "
                     "withdrawal: VD-LIVE-2 is checked first, before VD-ROT-1 and VD-COM-1",
                     {"VD-LIVE-2", "VD-ROT-1", "VD-COM-1"}),
           w.forced_requested, "forced_requested")
      .propose(zkv::request_expiry, w.key(op), Committee{{}, 0}, ValidiumError::priority_expired);
  Scenario(cases.add("propose_rotation", "at_expiry_minus_1",
                     "the governor proposes keys 9..13 at 79, one block before alice's forced withdrawal expires",
                     propose_rules()),
           w.forced_requested, "forced_requested")
      .propose(zkv::request_expiry - 1, w.key(governor), replacement);

  // ---- activate_rotation ----
  {
    Scenario s(cases.add("activate_rotation", "at_activation_height",
                         "the watcher activates the rotation at 100 = its activation height: keys 9..13 are the "
                         "committee, nothing is pending, and batch 0's attestation is discarded",
                         activate_rules()),
               proposed, "rotation_proposed");
    s.activate_rotation(rotation_due, w.key(watcher));
    if (s.contract().committee.members != replacement.members || !s.contract().rollup.data_attestations.empty())
      generator_bug("the rotation did not install the committee or keep no attestation");
  }
  Scenario(cases.add("activate_rotation", "one_block_late", "the rotation activated at 101", activate_rules()), proposed,
           "rotation_proposed")
      .activate_rotation(rotation_due + 1, w.key(watcher));
  Scenario(cases.add("activate_rotation", "invalid_one_block_early", "the rotation activated at 99, one block early",
                     {"VD-ROT-3"}),
           proposed, "rotation_proposed")
      .activate_rotation(rotation_due - 1, w.key(watcher), ValidiumError::rotation_not_due);
  Scenario(cases.add("activate_rotation", "invalid_none_pending", "an activation at 100 with no rotation proposed",
                     {"VD-ROT-2"}),
           executed, "executed")
      .activate_rotation(rotation_due, w.key(watcher), ValidiumError::no_pending_rotation);
  Scenario(cases.add("activate_rotation", "invalid_twice",
                     "the rotation activated at 100, then again at 101: nothing is pending any more",
                     concat({activate_rules(), {"VD-ROT-2"}})),
           proposed, "rotation_proposed")
      .activate_rotation(rotation_due, w.key(watcher))
      .activate_rotation(rotation_due + 1, w.key(watcher), ValidiumError::no_pending_rotation);
  Scenario(cases.add("activate_rotation", "invalid_after_expiry",
                     "alice requests a forced withdrawal at 51 (expiry 91) that nobody serves; the activation at 100 "
                     "is refused",
                     concat({zkv::live_rules(), rule_range("ZK-FWQ", 1, 2), {"VD-LIVE-2"}})),
           proposed, "rotation_proposed")
      .request(late_request_height, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee)
      .activate_rotation(rotation_due, w.key(watcher), ValidiumError::priority_expired);
  Scenario(cases.add("activate_rotation", "invalid_frozen",
                     "alice's forced withdrawal at 51 is not served; the freeze is activated at 91; the activation at "
                     "100 is refused",
                     concat({zkv::live_rules(), rule_range("ZK-FWQ", 1, 2), {"ZK-EXO-1", "VD-LIVE-1"}})),
           proposed, "rotation_proposed")
      .request(late_request_height, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee)
      .activate_exodus(late_request_expiry, w.key(watcher))
      .activate_rotation(rotation_due, w.key(watcher), ValidiumError::frozen);
  Scenario(cases.add("activate_rotation", "invalid_frozen_before_none_pending",
                     "an activation in the freeze, at 81, with no rotation proposed: VD-LIVE-1 is checked before "
                     "VD-ROT-2",
                     {"VD-LIVE-1", "VD-ROT-2"}),
           w.exodus, "exodus")
      .activate_rotation(zkv::exodus_height + 1, w.key(watcher), ValidiumError::frozen);
  Scenario(cases.add("activate_rotation", "invalid_after_expiry_before_not_due",
                     "alice requests a forced withdrawal at 51 (expiry 91) that nobody serves; the activation at 95, "
                     "before the rotation is due at 100: VD-LIVE-2 is checked before VD-ROT-3",
                     concat({zkv::live_rules(), rule_range("ZK-FWQ", 1, 2), {"VD-LIVE-2", "VD-ROT-3"}})),
           proposed, "rotation_proposed")
      .request(late_request_height, w.key(alice), zkv::alice_account, w.key(alice), zkv::forced_withdrawal_fee)
      .activate_rotation(late_request_expiry + 4, w.key(watcher), ValidiumError::priority_expired);
}

}  // namespace l2::vectors::validium_vectors
