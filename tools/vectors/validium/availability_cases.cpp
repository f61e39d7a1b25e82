// Suites verify_availability and commit_batch: the DA proof's rules (VD-DA-1..4) at their
// boundaries (1, 5 and 6 entries against 5 members; threshold - 1 and threshold distinct signers,
// with and without a duplicate, next to its first copy or not), the order of the rules (too many
// entries before a non-member or a bad signature, a non-member before a bad signature or too few
// signers, a bad signature before too few signers, the frozen rule before every DA rule), the
// frozen rule (VD-LIVE-1/2, at the expiry height and one block before), and the wrapped
// commit_batch in the committee mode (ZK-COMMIT-10, ZK-COMMIT-12, the former first).
#include "world.hpp"

namespace l2::vectors::validium_vectors {

namespace {

// The first signature's last byte flipped: no longer its signer's signature of the digest.
vd::VerifyAvailabilityInput with_bad_signature(vd::VerifyAvailabilityInput in, std::size_t position) {
  in.proof.signatures.at(position).signature.back() ^= 0x01;
  return in;
}

constexpr u64 attest_height = 44;
constexpr u64 commit1_height = 45;

}  // namespace

void availability_cases(CaseBook& cases, const Worlds& w) {
  const World& executed = w.executed;
  // Batch 1 on `executed`: bob pays alice 200. Its data root is what the committee signs.
  const vd::ValidiumBatch batch1 = Worlds::batch(executed, 0, {w.bob_pays_alice()});
  const Hash32& root1 = batch1.commit.header.transactions_root;
  const auto by = [&](std::initializer_list<std::size_t> positions) {
    return w.attestation(executed, 1, root1, Worlds::members(executed, positions));
  };
  // The members at `positions`, then the griefer's own valid signature of the same digest: a non-member.
  const auto by_and_griefer = [&](std::initializer_list<std::size_t> positions) {
    vd::VerifyAvailabilityInput in = by(positions);
    in.proof.signatures.push_back(w.signature(w.key(griefer), vd::da_digest_of(executed.contract, 1, root1)));
    return in;
  };

  // ---- verify_availability, accepted ----
  Scenario(cases.add("verify_availability", "exactly_threshold",
                     "members 0, 1 and 2 (3 = the threshold) sign batch 1's digest: the digest is recorded", da_rules()),
           executed, "executed")
      .attest(attest_height, by({0, 1, 2}));
  Scenario(cases.add("verify_availability", "all_members",
                     "all 5 members sign: 5 entries = the committee's size, the most VD-DA-1 admits", da_rules()),
           executed, "executed")
      .attest(attest_height, by({0, 1, 2, 3, 4}));
  Scenario(cases.add("verify_availability", "any_order",
                     "members 4, 0 and 2, listed in that order: the entries need not be sorted", da_rules()),
           executed, "executed")
      .attest(attest_height, by({4, 0, 2}));
  Scenario(cases.add("verify_availability", "threshold_distinct_plus_duplicate",
                     "members 0, 1, 2 and member 0 again, both of its signatures valid: 3 distinct signers", da_rules()),
           executed, "executed")
      .attest(attest_height, by({0, 1, 2, 0}));
  {
    Scenario s(cases.add("verify_availability", "same_proof_twice",
                         "the same DA proof sent twice: the second call is accepted and records nothing new", da_rules()),
               executed, "executed");
    s.attest(attest_height, by({0, 1, 2}));
    const std::size_t recorded = s.contract().rollup.data_attestations.size();
    s.attest(attest_height + 1, by({0, 1, 2}));
    if (s.contract().rollup.data_attestations.size() != recorded) generator_bug("a repeated attestation was recorded twice");
  }
  {
    Scenario s(cases.add("verify_availability", "one_signature_threshold_1",
                         "a validium deployed with the world's committee at threshold 1; member 3 alone attests batch 0 "
                         "under the data root of the world's batch 1: one entry, the fewest VD-DA-1 admits",
                         concat({deploy_rules(), da_rules()})));
    s.deploy(zkv::deploy_height, w.deploy_input(zkv::default_config(), w.committee_of({7, 8, 9, 10, 11}, 1)));
    s.attest(2, w.attestation(s.world(), 0, root1, Worlds::members(s.world(), {3})));
  }
  Scenario(cases.add("verify_availability", "at_expiry_minus_1",
                     "alice's forced withdrawal (op 2) expires at 80; members 0..2 attest batch 1 at 79", da_rules()),
           w.forced_requested, "forced_requested")
      .attest(zkv::request_expiry - 1, w.attestation(w.forced_requested, 1, root1, Worlds::members(executed, {0, 1, 2})));

  // ---- verify_availability, refused ----
  Scenario(cases.add("verify_availability", "invalid_no_signature", "a DA proof of batch 1 with no signature",
                     {"VD-DA-1"}),
           executed, "executed")
      .attest(attest_height, by({}), ValidiumError::da_signature_count);
  Scenario(cases.add("verify_availability", "invalid_six_entries",
                     "all 5 members and member 0 again: 6 entries, one more than the committee has members", {"VD-DA-1"}),
           executed, "executed")
      .attest(attest_height, by({0, 1, 2, 3, 4, 0}), ValidiumError::da_signature_count);
  Scenario(cases.add("verify_availability", "invalid_signature_count_before_bad_signature",
                     "all 5 members and member 0 again (6 entries, VD-DA-1), member 1's signature with its last byte "
                     "flipped (VD-DA-3): VD-DA-1 is checked first",
                     {"VD-DA-1", "VD-DA-3"}),
           executed, "executed")
      .attest(attest_height, with_bad_signature(by({0, 1, 2, 3, 4, 0}), 1), ValidiumError::da_signature_count);
  Scenario(cases.add("verify_availability", "invalid_signature_count_before_not_member",
                     "all 5 members, then the griefer's own valid signature of the digest (6 entries, VD-DA-1; a "
                     "non-member, VD-DA-2): VD-DA-1 is checked first",
                     {"VD-DA-1", "VD-DA-2"}),
           executed, "executed")
      .attest(attest_height, by_and_griefer({0, 1, 2, 3, 4}), ValidiumError::da_signature_count);
  {
    const vd::VerifyAvailabilityInput in = by_and_griefer({0, 1});
    Scenario(cases.add("verify_availability", "invalid_not_member",
                       "members 0 and 1, then the griefer's own valid signature of the digest: the griefer is no member",
                       {"VD-DA-2"}),
             executed, "executed")
        .attest(attest_height, in, ValidiumError::da_not_member);
    Scenario(cases.add("verify_availability", "invalid_not_member_before_bad_signature",
                       "the same proof with member 0's signature corrupted: the non-member (VD-DA-2, over the whole "
                       "list) is reported before the bad signature (VD-DA-3)",
                       {"VD-DA-2", "VD-DA-3"}),
             executed, "executed")
        .attest(attest_height, with_bad_signature(in, 0), ValidiumError::da_not_member);
  }
  Scenario(cases.add("verify_availability", "invalid_not_member_before_below_threshold",
                     "member 0, then the griefer's own valid signature of the digest: a non-member (VD-DA-2) and 2 = "
                     "threshold - 1 distinct signers (VD-DA-4); VD-DA-2 is checked first",
                     {"VD-DA-2", "VD-DA-4"}),
           executed, "executed")
      .attest(attest_height, by_and_griefer({0}), ValidiumError::da_not_member);
  Scenario(cases.add("verify_availability", "invalid_bad_signature",
                     "members 0, 1 and 2, member 1's signature with its last byte flipped", {"VD-DA-3"}),
           executed, "executed")
      .attest(attest_height, with_bad_signature(by({0, 1, 2}), 1), ValidiumError::da_bad_signature);
  Scenario(cases.add("verify_availability", "invalid_bad_duplicate",
                     "members 0, 1, 2 and member 2 again with a corrupted signature: both copies must verify",
                     {"VD-DA-3"}),
           executed, "executed")
      .attest(attest_height, with_bad_signature(by({0, 1, 2, 2}), 3), ValidiumError::da_bad_signature);
  {
    vd::VerifyAvailabilityInput in = by({0, 1, 2});
    in.proof.signatures[2] = w.signature(in.proof.signatures[2].signer, vd::da_digest_of(executed.contract, 2, root1));
    Scenario(cases.add("verify_availability", "invalid_signature_of_another_batch",
                       "members 0 and 1 sign batch 1's digest; member 2's signature is of batch 2's digest (same data root)",
                       {"VD-DA-3"}),
             executed, "executed")
        .attest(attest_height, in, ValidiumError::da_bad_signature);
  }
  Scenario(cases.add("verify_availability", "invalid_below_threshold",
                     "members 0 and 1 only: 2 = threshold - 1 distinct signers", {"VD-DA-4"}),
           executed, "executed")
      .attest(attest_height, by({0, 1}), ValidiumError::da_below_threshold);
  Scenario(cases.add("verify_availability", "invalid_below_threshold_with_duplicate",
                     "members 0, 1 and member 1 again: 3 entries, every signature valid, 2 distinct signers", {"VD-DA-4"}),
           executed, "executed")
      .attest(attest_height, by({0, 1, 1}), ValidiumError::da_below_threshold);
  Scenario(cases.add("verify_availability", "invalid_below_threshold_separated_duplicate",
                     "members 0, 1 and member 0 again: 3 entries = the threshold, every signature valid, the duplicate "
                     "not next to its first copy; 2 distinct signers",
                     {"VD-DA-4"}),
           executed, "executed")
      .attest(attest_height, by({0, 1, 0}), ValidiumError::da_below_threshold);
  Scenario(cases.add("verify_availability", "invalid_bad_signature_before_below_threshold",
                     "members 0 and 1 only (2 = threshold - 1 distinct signers, VD-DA-4), member 1's signature with "
                     "its last byte flipped (VD-DA-3): VD-DA-3 is checked first",
                     {"VD-DA-3", "VD-DA-4"}),
           executed, "executed")
      .attest(attest_height, with_bad_signature(by({0, 1}), 1), ValidiumError::da_bad_signature);
  Scenario(cases.add("verify_availability", "invalid_frozen", "members 0..2 attest batch 1 in the freeze, at 81",
                     {"VD-LIVE-1"}),
           w.exodus, "exodus")
      .attest(zkv::exodus_height + 1, w.attestation(w.exodus, 1, root1, Worlds::members(executed, {0, 1, 2})),
              ValidiumError::frozen);
  {
    // Member 0, then the griefer five times, its first signature corrupted: 6 entries (VD-DA-1), a
    // non-member (VD-DA-2), a bad signature (VD-DA-3), 2 distinct signers (VD-DA-4).
    vd::VerifyAvailabilityInput in = w.attestation(w.exodus, 1, root1, Worlds::members(w.exodus, {0}));
    const Hash32 digest = vd::da_digest_of(w.exodus.contract, 1, root1);
    for (int i = 0; i < 5; ++i) in.proof.signatures.push_back(w.signature(w.key(griefer), digest));
    Scenario(cases.add("verify_availability", "invalid_frozen_before_da_rules",
                       "in the freeze, at 81, a DA proof of batch 1 failing every DA rule: member 0, then the griefer "
                       "five times with its first signature corrupted (6 entries, a non-member, a bad signature, 2 "
                       "distinct signers): VD-LIVE-1 is checked first, before VD-DA-1..4",
                       {"VD-LIVE-1", "VD-DA-1", "VD-DA-2", "VD-DA-3", "VD-DA-4"}),
             w.exodus, "exodus")
        .attest(zkv::exodus_height + 1, with_bad_signature(in, 1), ValidiumError::frozen);
  }
  Scenario(cases.add("verify_availability", "invalid_at_expiry",
                     "members 0..2 attest batch 1 at 80 = the expiry height of alice's unserved forced withdrawal",
                     {"VD-LIVE-2"}),
           w.forced_requested, "forced_requested")
      .attest(zkv::request_expiry, w.attestation(w.forced_requested, 1, root1, Worlds::members(executed, {0, 1, 2})),
              ValidiumError::priority_expired);

  // ---- commit_batch (wrapped), in the committee mode ----
  Scenario(cases.add("commit_batch", "attested_batch",
                     "members 0..2 attest batch 1 (bob pays alice 200) at 44; the operator commits it at 45 with no "
                     "transactions posted",
                     concat({da_rules(), commit_rules()})),
           executed, "executed")
      .attest(attest_height, by({0, 1, 2}))
      .commit(commit1_height, batch1);
  {
    zk::CommitBatchInput posted = batch1.commit;
    posted.transactions = batch1.transactions;
    Scenario(cases.add("commit_batch", "invalid_transactions_posted",
                       "batch 1 attested, then committed with its transaction posted: the committee mode posts none",
                       concat({da_rules(), {"ZK-COMMIT-10"}})),
             executed, "executed")
        .attest(attest_height, by({0, 1, 2}))
        .commit_refused(commit1_height, posted, ZkRollupError::commit_data_shape);
  }
  Scenario(cases.add("commit_batch", "invalid_not_attested", "batch 1 committed with nothing attested for it",
                     {"ZK-COMMIT-12"}),
           executed, "executed")
      .commit_refused(commit1_height, batch1.commit, ZkRollupError::commit_data_not_attested);
  {
    zk::CommitBatchInput posted = batch1.commit;
    posted.transactions = batch1.transactions;
    Scenario(cases.add("commit_batch", "invalid_transactions_posted_before_not_attested",
                       "batch 1 committed with its transaction posted (ZK-COMMIT-10) and nothing attested for it "
                       "(ZK-COMMIT-12): ZK-COMMIT-10 is checked first",
                       {"ZK-COMMIT-10", "ZK-COMMIT-12"}),
             executed, "executed")
        .commit_refused(commit1_height, posted, ZkRollupError::commit_data_shape);
  }
  {
    const vd::ValidiumBatch other = Worlds::batch(executed, 0, {w.alice_pays_bob()});
    Scenario(cases.add("commit_batch", "invalid_attested_for_another_data_root",
                       "members 0..2 attest batch 1 with the data root of other transactions (alice pays bob 100); the "
                       "operator commits batch 1 (bob pays alice 200)",
                       concat({da_rules(), {"ZK-COMMIT-12"}})),
             executed, "executed")
        .attest(attest_height, w.attestation(executed, other))
        .commit_refused(commit1_height, batch1.commit, ZkRollupError::commit_data_not_attested);
  }
  Scenario(cases.add("commit_batch", "invalid_attested_for_another_batch_number",
                     "members 0..2 attest batch 1's data root as batch 2; the operator commits batch 1",
                     concat({da_rules(), {"ZK-COMMIT-12"}})),
           executed, "executed")
      .attest(attest_height, w.attestation(executed, 2, root1, Worlds::members(executed, {0, 1, 2})))
      .commit_refused(commit1_height, batch1.commit, ZkRollupError::commit_data_not_attested);
}

}  // namespace l2::vectors::validium_vectors
