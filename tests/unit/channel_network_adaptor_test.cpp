// BIP-340 adaptor signatures (reference) against libsecp256k1, an implementation that shares no code
// with it: the nonce derivation and s' recomputed from the spec's formulas with libsecp256k1's
// tagged hash and scalar arithmetic; completed signatures checked by secp256k1_schnorrsig_verify;
// every rule CN-ADAPT-1..5 at its boundaries, each function's check order, and the error enum
// against the spec's rule table.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "l2/ref/channel_network_adaptor.hpp"
#include "l2/ref/schnorr.hpp"
#include "l2/test/key_pool.hpp"
#include "l2/test/libsecp256k1_oracle.hpp"
#include "l2/test/spec_rule_table.hpp"

namespace {

namespace adaptor = l2::ref::channel_network::adaptor;
namespace bip340 = l2::ref::bip340;
namespace oracle = l2::test::libsecp256k1;
using l2::AdaptorError;
using l2::Bytes;
using l2::Hash32;
using l2::u8;
using Point = adaptor::Point;
using adaptor::PreSignature;

std::string name_of(AdaptorError e) { return std::string(l2::error_info(e).code); }
#define EXPECT_ADAPTOR_ERROR(got, want) EXPECT_EQ(name_of(got), name_of(want))

Hash32 hash_from_hex(std::string_view hex) { return l2::from_hex<32>(hex); }
const Hash32 group_order = hash_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
const Hash32 group_order_minus_1 = hash_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140");
const Hash32 field_size = hash_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
const Hash32 all_ones = hash_from_hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");

Hash32 small(u8 value) {
  Hash32 out{};
  out[31] = value;
  return out;
}

// ---- libsecp256k1 as the independent curve and scalar arithmetic ----

const secp256k1_context* ctx() { return oracle::context(); }

// compress(secret*G), by libsecp256k1.
Point point_of(const Hash32& secret) {
  secp256k1_pubkey pubkey;
  EXPECT_EQ(secp256k1_ec_pubkey_create(ctx(), &pubkey, secret.data()), 1);
  Point out{};
  std::size_t length = out.size();
  secp256k1_ec_pubkey_serialize(ctx(), out.data(), &length, &pubkey, SECP256K1_EC_COMPRESSED);
  return out;
}

bool parses(const Point& point) {
  secp256k1_pubkey pubkey;
  return secp256k1_ec_pubkey_parse(ctx(), &pubkey, point.data(), point.size()) == 1;
}

// compress(A + B), or nullopt at infinity.
std::optional<Point> combine(const Point& a, const Point& b) {
  secp256k1_pubkey pa, pb, sum;
  EXPECT_EQ(secp256k1_ec_pubkey_parse(ctx(), &pa, a.data(), a.size()), 1);
  EXPECT_EQ(secp256k1_ec_pubkey_parse(ctx(), &pb, b.data(), b.size()), 1);
  const secp256k1_pubkey* both[] = {&pa, &pb};
  if (secp256k1_ec_pubkey_combine(ctx(), &sum, both, 2) != 1) return std::nullopt;
  Point out{};
  std::size_t length = out.size();
  secp256k1_ec_pubkey_serialize(ctx(), out.data(), &length, &sum, SECP256K1_EC_COMPRESSED);
  return out;
}

// -P: the same x with the other prefix.
Point negated(const Point& point) {
  Point out = point;
  out[0] = point[0] == 0x02 ? 0x03 : 0x02;
  return out;
}

bool even(const Point& point) { return point[0] == 0x02; }

Hash32 x_of(const Point& point) {
  Hash32 x{};
  for (std::size_t i = 0; i < 32; ++i) x[i] = point[1 + i];
  return x;
}

// Scalars mod n through libsecp256k1's key tweaks (the operands and results here are never 0).
Hash32 scalar_add(const Hash32& a, const Hash32& b) {
  Hash32 out = a;
  EXPECT_EQ(secp256k1_ec_seckey_tweak_add(ctx(), out.data(), b.data()), 1);
  return out;
}
Hash32 scalar_mul(const Hash32& a, const Hash32& b) {
  Hash32 out = a;
  EXPECT_EQ(secp256k1_ec_seckey_tweak_mul(ctx(), out.data(), b.data()), 1);
  return out;
}
Hash32 scalar_neg(const Hash32& a) {
  Hash32 out = a;
  EXPECT_EQ(secp256k1_ec_seckey_negate(ctx(), out.data()), 1);
  return out;
}

// A 256-bit hash taken mod n; a hash at or above n has probability about 2^-128, so here it is
// asserted away rather than reduced.
Hash32 as_scalar(const Hash32& hash) {
  EXPECT_TRUE(oracle::secret_key_valid(hash));
  return hash;
}

// d: the secret negated when d'*G has odd y.
Hash32 even_secret(const Hash32& secret_key) {
  return even(point_of(secret_key)) ? secret_key : scalar_neg(secret_key);
}

// e(R, P, m).
Hash32 challenge(const Hash32& r, const Hash32& pubkey, std::span<const u8> msg) {
  Bytes data(r.begin(), r.end());
  l2::append(data, pubkey);
  l2::append(data, msg);
  return as_scalar(oracle::tagged_hash("BIP0340/challenge", data));
}

// The spec's presign, from its formulas, over libsecp256k1.
struct Expected {
  Point nonce_point{};  // R^
  Point big_r{};        // R = R^ + T
  Hash32 k0{};
  Hash32 s_prime{};
};

Expected expected_presign(const Hash32& secret_key, std::span<const u8> msg, const Point& big_t, const Hash32& aux) {
  const Hash32 d = even_secret(secret_key);
  const Hash32 pubkey = oracle::pubkey(secret_key).value();
  const Hash32 aux_hash = oracle::tagged_hash("BIP0340/aux", aux);
  Bytes data;
  for (std::size_t i = 0; i < 32; ++i) data.push_back(static_cast<u8>(d[i] ^ aux_hash[i]));
  l2::append(data, pubkey);
  l2::append(data, big_t);
  l2::append(data, msg);
  Expected out;
  out.k0 = as_scalar(oracle::tagged_hash("L2/adaptor/nonce", data));
  out.nonce_point = point_of(out.k0);
  out.big_r = combine(out.nonce_point, big_t).value();
  const Hash32 k = even(out.big_r) ? out.k0 : scalar_neg(out.k0);
  out.s_prime = scalar_add(k, scalar_mul(challenge(x_of(out.big_r), pubkey, msg), d));
  return out;
}

Hash32 s_prime_bytes(const PreSignature& pre) {
  Hash32 s{};
  for (std::size_t i = 0; i < 32; ++i) s[i] = pre[33 + i];
  return s;
}

PreSignature with_s_prime(PreSignature pre, const Hash32& s_prime) {
  for (std::size_t i = 0; i < 32; ++i) pre[33 + i] = s_prime[i];
  return pre;
}

PreSignature with_nonce_point(PreSignature pre, const Point& nonce_point) {
  for (std::size_t i = 0; i < 33; ++i) pre[i] = nonce_point[i];
  return pre;
}

bip340::Signature signature_of(const Hash32& r, const Hash32& s) {
  bip340::Signature sig{};
  for (std::size_t i = 0; i < 32; ++i) {
    sig[i] = r[i];
    sig[32 + i] = s[i];
  }
  return sig;
}

Point point_with_x(u8 prefix, const Hash32& x) {
  Point out{};
  out[0] = prefix;
  for (std::size_t i = 0; i < 32; ++i) out[1 + i] = x[i];
  return out;
}

// The smallest x whose 02 point libsecp256k1 parses, and one that names no point.
Hash32 small_x(bool on_curve) {
  for (u8 low = 1;; ++low)
    if (parses(point_with_x(0x02, small(low))) == on_curve) return small(low);
}

// p + a where a is an x coordinate of a point: reduced mod p it would name that point.
Hash32 field_size_plus(const Hash32& a) {
  Hash32 out = field_size;
  unsigned carry = 0;
  for (std::size_t i = 32; i-- > 0;) {
    const unsigned sum = unsigned{out[i]} + a[i] + carry;
    out[i] = static_cast<u8>(sum);
    carry = sum >> 8;
  }
  EXPECT_EQ(carry, 0u);
  return out;
}

// Points that are not: prefix 04 and 00, x = p, x = p + a for a valid a, and an x with no point.
std::vector<std::pair<std::string, Point>> not_points() {
  const Hash32 valid_x = small_x(true);
  return {{"prefix 04", point_with_x(0x04, valid_x)},
          {"prefix 00", point_with_x(0x00, valid_x)},
          {"x = p", point_with_x(0x02, field_size)},
          {"x = p + a", point_with_x(0x03, field_size_plus(valid_x))},
          {"x with no point", point_with_x(0x02, small_x(false))}};
}

const l2::test::KeyPool<8>& keys() {
  static const auto pool = l2::test::KeyPool<8>::make("channel_network_adaptor_test");
  return pool;
}

Hash32 adaptor_secret(l2::u32 index) { return bip340::secret_from_seed(l2::bytes_of("adaptor secrets"), index); }

Bytes message(std::size_t index) {
  const std::size_t lengths[] = {32, 0, 1, 5, 64, 100};
  Bytes msg(lengths[index % std::size(lengths)]);
  for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<u8>(index * 31 + i);
  return msg;
}

// One lock, made by the reference and checked against the expectation above.
struct Lock {
  Hash32 secret_key{};
  Hash32 pubkey{};
  Bytes msg;
  Hash32 t{};
  Point big_t{};
  PreSignature pre{};
};

Lock make_lock(std::size_t key, l2::u32 secret, const Bytes& msg) {
  Lock lock{keys().secret[key], keys().pubkey[key], msg, adaptor_secret(secret), {}, {}};
  lock.big_t = point_of(lock.t);
  const auto pre = adaptor::presign(lock.secret_key, lock.msg, lock.big_t, small(7));
  EXPECT_TRUE(pre.ok()) << name_of(pre.error());
  lock.pre = pre.value();
  return lock;
}

// ---- At compile time ----

// The header is constexpr: one lock made, pre-verified, completed and opened by constant
// evaluation (about 4 s of compile time, g++ 12 and clang 14). t = 3 and T = 3G; the run-time tests
// below hold the independent expectations.
constexpr bool compile_time_round_trip() {
  namespace secp = l2::ref::secp256k1;
  Hash32 t{}, key{}, aux{};
  t[31] = 3;
  key[31] = 1;
  aux[31] = 7;
  const Point big_t = l2::ref::channel_network::onion::compress(secp::to_affine(secp::multiply(secp::from_be_bytes(t), secp::generator)));
  const Bytes msg = l2::bytes_of("compile time");
  const auto pre = adaptor::presign(key, msg, big_t, aux);
  if (!pre.ok()) return false;
  if (adaptor::pre_verify(secp::to_be_bytes(secp::generator_x), msg, big_t, pre.value()) != AdaptorError::none) return false;
  const auto sig = adaptor::adapt(pre.value(), big_t, t);
  if (!sig.ok()) return false;
  const auto back = adaptor::extract(pre.value(), big_t, sig.value());
  return back.ok() && back.value() == t;
}
static_assert(compile_time_round_trip());

// ---- The rule table ----

// Only the CN-ADAPT rows: l2::test::expect_rule_table_matches would count every CN rule of the file.
TEST(ChannelNetworkAdaptor, ErrorEnumMatchesTheSpecRuleTable) {
  const std::string spec = l2::test::read_spec("channel_network.md");
  ASSERT_FALSE(spec.empty());
  const auto errors = all_errors(AdaptorError{});
  std::set<std::string_view> codes, rules;
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const l2::ErrorInfo info = l2::error_info(errors[i]);
    EXPECT_EQ(info.rule_id, "CN-ADAPT-" + std::to_string(i + 1));
    EXPECT_TRUE(codes.insert(info.code).second) << info.code;
    EXPECT_TRUE(rules.insert(info.rule_id).second) << info.rule_id;
    const std::string row = "| " + std::string(info.rule_id) + " | " + std::string(info.code) + " |";
    EXPECT_NE(spec.find(row), std::string::npos) << "no spec row " << row;
  }
  std::size_t rows = 0;
  for (std::size_t at = spec.find("\n| CN-ADAPT-"); at != std::string::npos; at = spec.find("\n| CN-ADAPT-", at + 1)) ++rows;
  EXPECT_EQ(rows, errors.size());
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_EQ(l2::error_info(AdaptorError::adapt_secret_key).code, "CN_ADAPT_SECRET_KEY");
}

// ---- presign, pre_verify, adapt, extract over many locks ----

// presign is the spec's formula (nonce, parity of R, s'), the lock pre-verifies, the adapted
// signature verifies under libsecp256k1 and the reference, is R's x and s' +- t, and extract
// gives t back; over enough locks that R has even y in some and odd y in others.
TEST(ChannelNetworkAdaptor, RoundTripMatchesTheSpecAndLibsecp256k1InBothParities) {
  int even_r = 0, odd_r = 0;
  for (l2::u32 i = 0; i < 32; ++i) {
    SCOPED_TRACE("lock " + std::to_string(i));
    const Lock lock = make_lock(i % keys().signer_count, i, message(i));
    const Expected want = expected_presign(lock.secret_key, lock.msg, lock.big_t, small(7));
    EXPECT_EQ(adaptor::nonce_point_of(lock.pre), want.nonce_point);
    EXPECT_EQ(s_prime_bytes(lock.pre), want.s_prime);
    (even(want.big_r) ? even_r : odd_r) += 1;

    EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, lock.pre), AdaptorError::none);

    const auto sig = adaptor::adapt(lock.pre, lock.big_t, lock.t);
    ASSERT_TRUE(sig.ok()) << name_of(sig.error());
    EXPECT_TRUE(oracle::verify(lock.pubkey, lock.msg, sig.value()));
    EXPECT_EQ(bip340::verify(lock.pubkey, lock.msg, sig.value()), l2::PrimitiveError::none);
    const Hash32 s = even(want.big_r) ? scalar_add(want.s_prime, lock.t) : scalar_add(want.s_prime, scalar_neg(lock.t));
    EXPECT_EQ(sig.value(), signature_of(x_of(want.big_r), s));

    const auto t = adaptor::extract(lock.pre, lock.big_t, sig.value());
    ASSERT_TRUE(t.ok()) << name_of(t.error());
    EXPECT_EQ(t.value(), lock.t);
  }
  EXPECT_GT(even_r, 0) << "no lock had R with even y";
  EXPECT_GT(odd_r, 0) << "no lock had R with odd y";
}

// The nonce depends on every input: aux, T and the message each change R^.
TEST(ChannelNetworkAdaptor, NonceCommitsToAuxPointAndMessage) {
  const Lock lock = make_lock(0, 0, message(0));
  const auto other_aux = adaptor::presign(lock.secret_key, lock.msg, lock.big_t, small(8));
  const auto other_t = adaptor::presign(lock.secret_key, lock.msg, point_of(adaptor_secret(1)), small(7));
  const auto other_msg = adaptor::presign(lock.secret_key, message(1), lock.big_t, small(7));
  ASSERT_TRUE(other_aux.ok() && other_t.ok() && other_msg.ok());
  EXPECT_NE(adaptor::nonce_point_of(other_aux.value()), adaptor::nonce_point_of(lock.pre));
  EXPECT_NE(adaptor::nonce_point_of(other_t.value()), adaptor::nonce_point_of(lock.pre));
  EXPECT_NE(adaptor::nonce_point_of(other_msg.value()), adaptor::nonce_point_of(lock.pre));
  EXPECT_EQ(adaptor::nonce_point_of(other_aux.value()),
            expected_presign(lock.secret_key, lock.msg, lock.big_t, small(8)).nonce_point);
}

// ---- pre_verify's rejections ----

TEST(ChannelNetworkAdaptor, PreVerifyRejectsAnotherMessageKeyPointOrS) {
  const Lock lock = make_lock(1, 3, message(3));
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, lock.pre), AdaptorError::none);

  Bytes other_msg = lock.msg;
  other_msg[0] ^= 1;
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, other_msg, lock.big_t, lock.pre), AdaptorError::adapt_invalid);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(keys().pubkey[2], lock.msg, lock.big_t, lock.pre), AdaptorError::adapt_invalid);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, point_of(adaptor_secret(99)), lock.pre),
                       AdaptorError::adapt_invalid);
  // -T flips R's parity for the same x: pre_verify must look at the sign, not only at x.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, negated(lock.big_t), lock.pre),
                       AdaptorError::adapt_invalid);
  // -R^ with the same s'.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t,
                                           with_nonce_point(lock.pre, negated(adaptor::nonce_point_of(lock.pre)))),
                       AdaptorError::adapt_invalid);
  const Hash32 s_plus_1 = scalar_add(s_prime_bytes(lock.pre), small(1));
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, with_s_prime(lock.pre, s_plus_1)),
                       AdaptorError::adapt_invalid);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, with_s_prime(lock.pre, group_order)),
                       AdaptorError::adapt_scalar_range);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, with_s_prime(lock.pre, all_ones)),
                       AdaptorError::adapt_scalar_range);
  // s' = n - 1 is in range; it fails only the equation.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, with_s_prime(lock.pre, group_order_minus_1)),
                       AdaptorError::adapt_invalid);
}

TEST(ChannelNetworkAdaptor, PointsThatAreNotPointsAreRejectedEverywhere) {
  const Lock lock = make_lock(2, 4, message(4));
  const bip340::Signature sig = adaptor::adapt(lock.pre, lock.big_t, lock.t).value();
  for (const auto& [name, bad] : not_points()) {
    SCOPED_TRACE(name);
    ASSERT_FALSE(parses(bad));
    const PreSignature bad_pre = with_nonce_point(lock.pre, bad);
    EXPECT_ADAPTOR_ERROR(adaptor::presign(lock.secret_key, lock.msg, bad, small(7)).error(), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, bad, lock.pre), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, bad_pre), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::adapt(lock.pre, bad, lock.t).error(), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::adapt(bad_pre, lock.big_t, lock.t).error(), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, bad, sig).error(), AdaptorError::adapt_point);
    EXPECT_ADAPTOR_ERROR(adaptor::extract(bad_pre, lock.big_t, sig).error(), AdaptorError::adapt_point);
  }
  // P: an x with no point (the key pool's off-curve key), and x = p.
  ASSERT_FALSE(oracle::pubkey_parses(keys().pubkey[keys().off_curve]));
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(keys().pubkey[keys().off_curve], lock.msg, lock.big_t, lock.pre),
                       AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(field_size, lock.msg, lock.big_t, lock.pre), AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(field_size_plus(small_x(true)), lock.msg, lock.big_t, lock.pre),
                       AdaptorError::adapt_point);
}

// R^ = -T puts R at infinity.
TEST(ChannelNetworkAdaptor, NoncePointMinusTIsDegenerate) {
  const Lock lock = make_lock(3, 5, message(5));
  const PreSignature degenerate = with_nonce_point(lock.pre, negated(lock.big_t));
  ASSERT_FALSE(combine(negated(lock.big_t), lock.big_t).has_value());
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, lock.msg, lock.big_t, degenerate), AdaptorError::adapt_degenerate);
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(degenerate, lock.big_t, lock.t).error(), AdaptorError::adapt_degenerate);
  const bip340::Signature sig = adaptor::adapt(lock.pre, lock.big_t, lock.t).value();
  EXPECT_ADAPTOR_ERROR(adaptor::extract(degenerate, lock.big_t, sig).error(), AdaptorError::adapt_degenerate);
  // R^ = T is fine: R = 2T.
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(with_nonce_point(lock.pre, lock.big_t), lock.big_t, lock.t).error(),
                       AdaptorError::none);
}

// ---- adapt and extract ----

TEST(ChannelNetworkAdaptor, AdaptWithAWrongSecretGivesAnInvalidSignature) {
  const Lock lock = make_lock(4, 6, message(6));
  for (const Hash32& wrong : {scalar_add(lock.t, small(1)), adaptor_secret(100), scalar_neg(lock.t)}) {
    const auto sig = adaptor::adapt(lock.pre, lock.big_t, wrong);
    ASSERT_TRUE(sig.ok());
    EXPECT_FALSE(oracle::verify(lock.pubkey, lock.msg, sig.value()));
    EXPECT_NE(bip340::verify(lock.pubkey, lock.msg, sig.value()), l2::PrimitiveError::none);
    // Its r is R's, so extract gets as far as t*G = T, and fails there.
    EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, sig.value()).error(), AdaptorError::adapt_invalid);
  }
}

// A valid signature by the same key with the same R, of another message: its r matches, its s is
// unrelated to s', so the t it yields is not T's. Made from the nonce's discrete log k0 + t,
// which the spec's nonce derivation gives (computed here by libsecp256k1).
TEST(ChannelNetworkAdaptor, ExtractFromAnUnrelatedValidSignatureIsInvalid) {
  const Lock lock = make_lock(5, 7, message(7));
  const Expected want = expected_presign(lock.secret_key, lock.msg, lock.big_t, small(7));
  const Hash32 r_log = scalar_add(want.k0, lock.t);  // R = (k0 + t)*G
  ASSERT_EQ(point_of(r_log), want.big_r);
  const Hash32 k = even(want.big_r) ? r_log : scalar_neg(r_log);
  const Bytes other_msg = l2::bytes_of("another message under the same nonce");
  const Hash32 e = challenge(x_of(want.big_r), lock.pubkey, other_msg);
  const bip340::Signature other = signature_of(x_of(want.big_r), scalar_add(k, scalar_mul(e, even_secret(lock.secret_key))));
  ASSERT_TRUE(oracle::verify(lock.pubkey, other_msg, other));
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, other).error(), AdaptorError::adapt_invalid);
}

TEST(ChannelNetworkAdaptor, ExtractChecksTheRangesAndR) {
  const Lock lock = make_lock(6, 8, message(8));
  const bip340::Signature sig = adaptor::adapt(lock.pre, lock.big_t, lock.t).value();
  ASSERT_TRUE(adaptor::extract(lock.pre, lock.big_t, sig).ok());
  // A valid signature by the same key of the same message, but with its own nonce: r differs.
  const bip340::Signature plain = oracle::sign(lock.secret_key, lock.msg, small(9)).value();
  ASSERT_TRUE(oracle::verify(lock.pubkey, lock.msg, plain));
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, plain).error(), AdaptorError::adapt_scalar_range);
  Hash32 r{}, s{};
  for (std::size_t i = 0; i < 32; ++i) r[i] = sig[i], s[i] = sig[32 + i];
  Hash32 other_r = r;
  other_r[31] ^= 1;
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, signature_of(other_r, s)).error(),
                       AdaptorError::adapt_scalar_range);
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, signature_of(r, group_order)).error(),
                       AdaptorError::adapt_scalar_range);
  EXPECT_ADAPTOR_ERROR(adaptor::extract(with_s_prime(lock.pre, group_order), lock.big_t, sig).error(),
                       AdaptorError::adapt_scalar_range);
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(with_s_prime(lock.pre, group_order), lock.big_t, lock.t).error(),
                       AdaptorError::adapt_scalar_range);
  // s = n - 1 is in range: it fails only t*G = T.
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, signature_of(r, group_order_minus_1)).error(),
                       AdaptorError::adapt_invalid);
}

// ---- CN-ADAPT-1 at its boundaries ----

TEST(ChannelNetworkAdaptor, SecretKeyRange) {
  const Point big_t = point_of(adaptor_secret(10));
  const Bytes msg = message(10);
  EXPECT_ADAPTOR_ERROR(adaptor::presign(small(0), msg, big_t, small(7)).error(), AdaptorError::adapt_secret_key);
  EXPECT_ADAPTOR_ERROR(adaptor::presign(group_order, msg, big_t, small(7)).error(), AdaptorError::adapt_secret_key);
  EXPECT_ADAPTOR_ERROR(adaptor::presign(all_ones, msg, big_t, small(7)).error(), AdaptorError::adapt_secret_key);
  // 1 and n - 1 have the same x-only key (G's x): d is 1 for both.
  for (const Hash32& key : {small(1), group_order_minus_1}) {
    const auto pre = adaptor::presign(key, msg, big_t, small(7));
    ASSERT_TRUE(pre.ok()) << name_of(pre.error());
    const Hash32 pubkey = oracle::pubkey(key).value();
    EXPECT_EQ(s_prime_bytes(pre.value()), expected_presign(key, msg, big_t, small(7)).s_prime);
    EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(pubkey, msg, big_t, pre.value()), AdaptorError::none);
    const auto sig = adaptor::adapt(pre.value(), big_t, adaptor_secret(10));
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(oracle::verify(pubkey, msg, sig.value()));
  }
}

TEST(ChannelNetworkAdaptor, AdaptorSecretRange) {
  const Bytes msg = message(11);
  // t = 1 (T = G) and t = n - 1 (T = -G) are accepted and come back out of extract.
  for (const Hash32& t : {small(1), group_order_minus_1}) {
    const Point big_t = point_of(t);
    const auto pre = adaptor::presign(keys().secret[7], msg, big_t, small(7));
    ASSERT_TRUE(pre.ok());
    const auto sig = adaptor::adapt(pre.value(), big_t, t);
    ASSERT_TRUE(sig.ok()) << name_of(sig.error());
    EXPECT_TRUE(oracle::verify(keys().pubkey[7], msg, sig.value()));
    const auto extracted = adaptor::extract(pre.value(), big_t, sig.value());
    ASSERT_TRUE(extracted.ok()) << name_of(extracted.error());
    EXPECT_EQ(extracted.value(), t);
  }
  const Lock lock = make_lock(7, 12, msg);
  for (const Hash32& t : {small(0), group_order, all_ones})
    EXPECT_ADAPTOR_ERROR(adaptor::adapt(lock.pre, lock.big_t, t).error(), AdaptorError::adapt_secret_key);
}

// ---- Check order: an input breaking two rules reports the earlier ----

TEST(ChannelNetworkAdaptor, PresignCheckOrder) {
  const Point bad = point_with_x(0x04, small_x(true));
  // CN-ADAPT-1 before CN-ADAPT-2.
  EXPECT_ADAPTOR_ERROR(adaptor::presign(small(0), message(0), bad, small(7)).error(), AdaptorError::adapt_secret_key);
  EXPECT_ADAPTOR_ERROR(adaptor::presign(group_order, message(0), bad, small(7)).error(), AdaptorError::adapt_secret_key);
}

TEST(ChannelNetworkAdaptor, PreVerifyCheckOrder) {
  const Lock lock = make_lock(0, 13, message(13));
  const Point bad = point_with_x(0x02, small_x(false));
  const Hash32 bad_key = keys().pubkey[keys().off_curve];
  const PreSignature high_s = with_s_prime(lock.pre, group_order);
  Bytes other_msg = lock.msg;
  other_msg.push_back(1);
  // CN-ADAPT-2 before CN-ADAPT-4 and -5, whichever of P, T, R^ is bad.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(bad_key, other_msg, lock.big_t, high_s), AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, other_msg, bad, high_s), AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, other_msg, lock.big_t, with_nonce_point(high_s, bad)),
                       AdaptorError::adapt_point);
  // CN-ADAPT-2 (P) before CN-ADAPT-3.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(bad_key, lock.msg, lock.big_t, with_nonce_point(lock.pre, negated(lock.big_t))),
                       AdaptorError::adapt_point);
  // CN-ADAPT-3 before CN-ADAPT-4.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, other_msg, lock.big_t, with_nonce_point(high_s, negated(lock.big_t))),
                       AdaptorError::adapt_degenerate);
  // CN-ADAPT-4 before CN-ADAPT-5.
  EXPECT_ADAPTOR_ERROR(adaptor::pre_verify(lock.pubkey, other_msg, lock.big_t, high_s), AdaptorError::adapt_scalar_range);
}

TEST(ChannelNetworkAdaptor, AdaptCheckOrder) {
  const Lock lock = make_lock(1, 14, message(14));
  const Point bad = point_with_x(0x02, field_size);
  const PreSignature high_s = with_s_prime(lock.pre, group_order);
  // CN-ADAPT-1 before -2, -3, -4.
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(high_s, bad, small(0)).error(), AdaptorError::adapt_secret_key);
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(with_nonce_point(high_s, negated(lock.big_t)), lock.big_t, group_order).error(),
                       AdaptorError::adapt_secret_key);
  // CN-ADAPT-2 before -4, for T and for R^.
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(high_s, bad, lock.t).error(), AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(with_nonce_point(high_s, bad), lock.big_t, lock.t).error(), AdaptorError::adapt_point);
  // CN-ADAPT-3 before -4.
  EXPECT_ADAPTOR_ERROR(adaptor::adapt(with_nonce_point(high_s, negated(lock.big_t)), lock.big_t, lock.t).error(),
                       AdaptorError::adapt_degenerate);
}

TEST(ChannelNetworkAdaptor, ExtractCheckOrder) {
  const Lock lock = make_lock(2, 15, message(15));
  const bip340::Signature sig = adaptor::adapt(lock.pre, lock.big_t, lock.t).value();
  const Point bad = point_with_x(0x03, small_x(false));
  const PreSignature high_s = with_s_prime(lock.pre, group_order);
  Hash32 r{};
  for (std::size_t i = 0; i < 32; ++i) r[i] = sig[i];
  const bip340::Signature high_sig = signature_of(r, group_order);
  // CN-ADAPT-2 before -4, for T and for R^.
  EXPECT_ADAPTOR_ERROR(adaptor::extract(high_s, bad, high_sig).error(), AdaptorError::adapt_point);
  EXPECT_ADAPTOR_ERROR(adaptor::extract(with_nonce_point(high_s, bad), lock.big_t, high_sig).error(),
                       AdaptorError::adapt_point);
  // CN-ADAPT-3 before -4.
  EXPECT_ADAPTOR_ERROR(adaptor::extract(with_nonce_point(high_s, negated(lock.big_t)), lock.big_t, high_sig).error(),
                       AdaptorError::adapt_degenerate);
  // CN-ADAPT-4 before -5: a signature whose r is not R's and whose s would give a wrong t.
  const bip340::Signature wrong = adaptor::adapt(lock.pre, lock.big_t, scalar_add(lock.t, small(1))).value();
  EXPECT_ADAPTOR_ERROR(adaptor::extract(high_s, lock.big_t, wrong).error(), AdaptorError::adapt_scalar_range);
  Hash32 other_r = r;
  other_r[0] ^= 0x80;
  Hash32 wrong_s{};
  for (std::size_t i = 0; i < 32; ++i) wrong_s[i] = wrong[32 + i];
  EXPECT_ADAPTOR_ERROR(adaptor::extract(lock.pre, lock.big_t, signature_of(other_r, wrong_s)).error(),
                       AdaptorError::adapt_scalar_range);
}

}  // namespace
