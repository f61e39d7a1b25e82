# Every dependency comes from Debian 12's archive; ./l2 installs the packages. Nothing is fetched.
find_package(Boost 1.74 REQUIRED)                      # libboost-dev: Hana is header-only
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)  # libsecp256k1-dev
find_package(TBB REQUIRED)                                          # libtbb-dev
find_package(OpenSSL REQUIRED)                                      # libssl-dev

if(L2_BUILD_TOOLS)
  find_package(nlohmann_json 3.10 REQUIRED)             # nlohmann-json3-dev
  find_package(CLI11 REQUIRED)                          # libcli11-dev
  find_package(rapidcheck REQUIRED)                     # librapidcheck-dev
  find_package(GTest REQUIRED)                          # libgtest-dev
  pkg_check_modules(Z3 REQUIRED IMPORTED_TARGET z3)     # libz3-dev (ships no CMake config)
endif()
if(L2_BUILD_BENCH)
  find_package(benchmark REQUIRED)                      # libbenchmark-dev
endif()
