// The one libsecp256k1 context of the optimized engines: created once, randomized against side
// channels where the machine has an entropy source (randomizing never changes a result), and used
// read-only from any thread. Internal to optimized/src.
#pragma once

#include <secp256k1.h>

namespace l2::opt::detail {

const secp256k1_context* secp256k1_shared_context();

}  // namespace l2::opt::detail
