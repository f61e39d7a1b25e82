# Every target of ours calls l2_warnings(); CI builds with L2_WERROR=ON.
add_library(l2_warnings INTERFACE)
target_compile_options(l2_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(L2_WERROR)
  target_compile_options(l2_warnings INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # constexpr SHA-256 and secp256k1 evaluation in static_assert needs more steps than the default.
  target_compile_options(l2_warnings INTERFACE -fconstexpr-ops-limit=1000000000 -fconstexpr-loop-limit=100000000)
elseif(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(l2_warnings INTERFACE -fconstexpr-steps=1000000000)
endif()
