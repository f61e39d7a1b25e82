// The shared libsecp256k1 context of the optimized engines (secp256k1_context.hpp).
#include "secp256k1_context.hpp"

#include <array>
#include <new>
#include <random>

namespace l2::opt::detail {
namespace {

class Context {
 public:
  Context() : context_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)) {
    if (context_ == nullptr) throw std::bad_alloc();
    // Blinds the generator multiplication against side channels; it never changes a result, so a
    // machine without an entropy source just keeps the unblinded context.
    try {
      std::array<unsigned char, 32> seed{};
      std::random_device random;
      for (unsigned char& byte : seed) byte = static_cast<unsigned char>(random());
      [[maybe_unused]] const int randomized = secp256k1_context_randomize(context_, seed.data());
    } catch (...) {
    }
  }
  ~Context() { secp256k1_context_destroy(context_); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const secp256k1_context* get() const { return context_; }

 private:
  secp256k1_context* context_;
};

}  // namespace

const secp256k1_context* secp256k1_shared_context() {
  static const Context shared;
  return shared.get();
}

}  // namespace l2::opt::detail
