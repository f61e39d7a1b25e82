// The reexecution proof's decoder: must accept exactly the byte strings
// l2::ref::reflect::decode<ReexecutionProof> accepts (reference/include/l2/ref/encoding.hpp: the
// canonical encodings, every other string refused) and give the same values. The verifier maps any
// refusal to ZK-RX-2, so the reason need not match.
// Exploits the fixed layout of every field: one forward pass with one bounds check per field, the
// transactions' byte ranges kept (a transaction's canonical encoding is the range it was decoded
// from, so its RFC 6962 leaf is hashed from the proof itself), and the siblings left in place.
// spec: encoding.md#decoding, zk_rollup.md#the-reexecution-backend
#include <algorithm>
#include <cstring>

#include "reexecution.hpp"

namespace l2::opt::zk_rollup::detail {

namespace {

// Smallest encodings, to bound a list's count by the bytes left before reserving for it.
constexpr std::size_t min_witness_bytes = 208 + 48 + 4 + 4 + 4;
constexpr std::size_t min_transaction_bytes = 5;
constexpr std::size_t min_touched_bytes = 5;
constexpr u8 tx_kind_count = 4;
// What a list reserves before its items are read: a hostile count (bounded only by the bytes left)
// then costs memory only as its items actually decode.
constexpr std::size_t reserve_cap = std::size_t{1} << 16;

class Reader {
 public:
  explicit Reader(std::span<const u8> input) : data_(input.data()), size_(input.size()) {}

  std::size_t position() const { return position_; }
  std::size_t remaining() const { return size_ - position_; }
  const u8* here() const { return data_ + position_; }
  bool ok() const { return ok_; }
  void fail() { ok_ = false; }

  // Each read fails once the input is short, and every later read then fails too.
  bool take(std::size_t count) {
    if (!ok_ || remaining() < count) {
      ok_ = false;
      return false;
    }
    position_ += count;
    return true;
  }
  template <class U>
  U integer() {
    const u8* at = here();
    if (!take(sizeof(U))) return 0;
    U value = 0;
    for (std::size_t i = 0; i < sizeof(U); ++i) value = static_cast<U>((value << 8) | at[i]);
    return value;
  }
  template <std::size_t N>
  void bytes(std::array<u8, N>& out) {
    const u8* at = here();
    if (take(N)) std::memcpy(out.data(), at, N);
  }
  // An optional's tag: true when present; a tag above 1 fails the read.
  bool tag() {
    const u8 value = integer<u8>();
    if (value > 1) ok_ = false;
    return ok_ && value == 1;
  }
  // A list's count, refused when `min_bytes` each cannot fit in what is left.
  u32 count(std::size_t min_bytes) {
    const u32 value = integer<u32>();
    if (ok_ && value > remaining() / min_bytes) ok_ = false;
    return ok_ ? value : 0;
  }

 private:
  const u8* data_;
  std::size_t size_;
  std::size_t position_ = 0;
  bool ok_ = true;
};

void read_account(Reader& in, Account& a) {
  a.balance = in.integer<u64>();
  a.nonce = in.integer<u64>();
  in.bytes(a.owner);
}

void read_transaction(Reader& in, Transaction& tx) {
  const u8 kind = in.integer<u8>();
  if (kind >= tx_kind_count) {
    in.fail();
    return;
  }
  tx.kind = static_cast<optimistic_rollup::TxKind>(kind);
  if (in.tag()) {
    optimistic_rollup::Transfer& t = tx.transfer.emplace();
    t.from = in.integer<u32>();
    t.to = in.integer<u32>();
    t.amount = in.integer<u64>();
    t.fee = in.integer<u64>();
    t.nonce = in.integer<u64>();
    in.bytes(t.signature);
  }
  if (in.tag()) {
    optimistic_rollup::Deposit& d = tx.deposit.emplace();
    d.deposit_index = in.integer<u64>();
    d.to = in.integer<u32>();
    if (in.tag()) in.bytes(d.new_owner.emplace());
    d.amount = in.integer<u64>();
  }
  if (in.tag()) {
    optimistic_rollup::Withdrawal& w = tx.withdrawal.emplace();
    w.from = in.integer<u32>();
    in.bytes(w.l1_recipient);
    w.amount = in.integer<u64>();
    w.fee = in.integer<u64>();
    w.nonce = in.integer<u64>();
    in.bytes(w.signature);
  }
  if (in.tag()) {
    optimistic_rollup::ForcedExit& e = tx.forced_exit.emplace();
    e.request_index = in.integer<u64>();
    e.from = in.integer<u32>();
    in.bytes(e.requester);
    in.bytes(e.l1_recipient);
    e.amount = in.integer<u64>();
  }
}

void read_witness(Reader& in, DecodedWitness& w) {
  ref::zk_rollup::PublicInputPreimage& s = w.statement;
  s.chain_id = in.integer<u64>();
  in.bytes(s.rollup_id);
  in.bytes(s.vk_hash);
  s.batch_number = in.integer<u64>();
  in.bytes(s.prev_state_root);
  in.bytes(s.post_state_root);
  in.bytes(s.data_commitment);
  in.bytes(s.priority_ops_hash);
  in.bytes(w.pre_state.accounts_root);
  w.pre_state.deposits_credited = in.integer<u64>();
  w.pre_state.forced_exits_processed = in.integer<u64>();

  const u32 transactions = in.count(min_transaction_bytes);
  w.transactions.reserve(std::min<std::size_t>(transactions, reserve_cap));
  w.transaction_bytes.reserve(std::min<std::size_t>(transactions, reserve_cap));
  for (u32 i = 0; i < transactions && in.ok(); ++i) {
    const std::size_t start = in.position();
    const u8* first = in.here();
    read_transaction(in, w.transactions.emplace_back());
    w.transaction_bytes.emplace_back(first, in.position() - start);
  }

  const u32 accounts = in.count(min_touched_bytes);
  w.accounts.reserve(std::min<std::size_t>(accounts, reserve_cap));
  for (u32 i = 0; i < accounts && in.ok(); ++i) {
    Slot& slot = w.accounts.emplace_back();
    slot.index = in.integer<u32>();
    if (in.tag()) read_account(in, slot.account.emplace());
  }

  const u32 siblings = in.count(32);
  w.siblings = in.here();
  w.sibling_count = siblings;
  in.take(std::size_t{32} * siblings);
}

}  // namespace

std::optional<std::vector<DecodedWitness>> decode_proof(std::span<const u8> proof) {
  Reader in(proof);
  const u32 count = in.count(min_witness_bytes);
  std::vector<DecodedWitness> witnesses;
  witnesses.reserve(std::min<std::size_t>(count, reserve_cap));
  for (u32 k = 0; k < count && in.ok(); ++k) read_witness(in, witnesses.emplace_back());
  // The whole input is one value: nothing may remain.
  if (!in.ok() || in.remaining() != 0) return std::nullopt;
  return witnesses;
}

}  // namespace l2::opt::zk_rollup::detail
