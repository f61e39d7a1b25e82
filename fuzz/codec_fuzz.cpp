// The reflection codecs on hostile input. Canonical decoding either fails cleanly or round-trips
// exactly (the encoding is canonical: one value, one byte string); JSON decoding never throws.
#include <boost/hana.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "l2/codec/json.hpp"
#include "l2/ref/encoding.hpp"
#include "l2/ref/reflect.hpp"

namespace {

struct Inner {
  BOOST_HANA_DEFINE_STRUCT(Inner, (std::uint32_t, index), (std::optional<l2::Hash32>, value));
};
struct Sample {
  BOOST_HANA_DEFINE_STRUCT(Sample, (std::uint64_t, amount), (bool, flag), (l2::Bytes, payload), (std::string, label),
                           (std::vector<Inner>, items), (std::array<std::uint16_t, 2>, pair));
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const l2::u8> input(data, size);
  const auto decoded = l2::reflect::decode<Sample>(input);
  if (decoded.ok()) {
    const l2::Bytes again = l2::reflect::encode(decoded.value());
    if (!l2::bytes_equal(again, input)) std::abort();
    const auto through_json = l2::codec::from_json<Sample>(l2::codec::to_json(decoded.value()));
    if (!through_json.ok() || !l2::reflect::equal(through_json.value(), decoded.value())) std::abort();
  }
  const auto parsed = l2::codec::parse_json<Sample>(std::string_view(reinterpret_cast<const char*>(data), size));
  if (parsed.ok() && !l2::reflect::equal(l2::reflect::decode<Sample>(l2::reflect::encode(parsed.value())).value(), parsed.value()))
    std::abort();
  return 0;
}
