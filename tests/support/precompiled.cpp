// The translation unit that builds the tests' precompiled header (tests/CMakeLists.txt,
// l2_test_pch): the header list is there; this file only gives the target a source to compile.
