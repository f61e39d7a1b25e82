#!/usr/bin/env python3
"""Tests of the schemata: a small header in the reference's style is schematized, compiled with the
run-time selector, and run under each of its mutants (python3 tools/mutate/test_schemata.py; the
campaign runs them first). The expected behaviour of every mutant is written out below, from the
definition of its operator, not read off the tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpp  # noqa: E402
import schemata  # noqa: E402

HERE = Path(__file__).resolve().parent

EXAMPLE = """// A two-party step in the reference's style.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace example {

#define EXAMPLE_ERRORS(X) X(too_late, "EX-1", "") X(unfair, "EX-2", "") X(unknown, "EX-3", "")
enum class ExampleError : std::uint8_t { none = 0, too_late, unfair, unknown };

struct Pot {
  std::array<std::uint64_t, 2> balances{};
  std::uint64_t deadline = 0;
  std::uint64_t moves = 0;
};

constexpr std::optional<int> find(const Pot& pot) {
  if (pot.deadline == 0) return std::nullopt;
  return 1;
}

// spec: example.md#apply_move
constexpr ExampleError apply_move(Pot& pot, std::uint64_t height) {
  const auto found = find(pot);
  // Verify: the pot is open [EX-3]
  if (!found) return ExampleError::unknown;
  // Verify: height < deadline [EX-1]
  if (height >= pot.deadline) return ExampleError::too_late;
  // Verify: balances[0] <= balances[1] [EX-2]
  if (pot.balances[0] > pot.balances[1]) return ExampleError::unfair;
  pot.moves += 1;
  return ExampleError::none;
}

}  // namespace example
"""

PROGRAM = """#include <cstdio>
#include "l2/ref/example.hpp"
using namespace example;

// Constant evaluation never sees a mutant.
static_assert([] { Pot p{{1, 2}, 10, 0}; return apply_move(p, 10); }() == ExampleError::too_late);
static_assert([] { Pot p{{1, 2}, 10, 0}; return apply_move(p, 9); }() == ExampleError::none);

int main() {
  // (balances, deadline, height): each line prints the error and the move count.
  const struct { std::uint64_t b0, b1, deadline, height; } inputs[] = {
      {1, 2, 10, 9}, {1, 2, 10, 10}, {1, 2, 10, 8}, {2, 1, 10, 9}, {2, 2, 10, 9}, {1, 2, 0, 5}, {1, 2, 10, 11}};
  for (const auto& in : inputs) {
    Pot pot{{in.b0, in.b1}, in.deadline, 0};
    const ExampleError e = apply_move(pot, in.height);
    std::printf("%d %llu\\n", static_cast<int>(e), static_cast<unsigned long long>(pot.moves));
  }
}
"""

# Original outcomes of the inputs above: (error, moves).
ORIGINAL = ["0 1", "1 0", "0 1", "2 0", "0 1", "3 0", "1 0"]


class CppReader(unittest.TestCase):
    def test_comparisons_and_templates(self):
        tokens, _ = cpp.tokenize("if (a < static_cast<E>(b) && std::numeric_limits<T>::max() >= c) x;")
        pairs = cpp.template_brackets(tokens, 0, len(tokens))
        texts = [t.text for t in tokens]
        self.assertEqual(sorted(texts[i] + texts[j] for i, j in pairs.items()), ["<>", "<>"])
        relations = [texts[i] for i in range(len(tokens)) if texts[i] in cpp.RELATIONS and i not in pairs
                     and i not in pairs.values()]
        self.assertEqual(relations, ["<", ">="])

    def test_declarations_and_updates(self):
        for text, declares in [("const Checked sum = f(a);", True), ("std::vector<u8> used(3, 0);", True),
                               ("Account account{};", True), ("const Account& a = x;", True),
                               ("next.users[*user].slots = total.value;", False), ("store.write(i, a);", False),
                               ("++count;", False), ("x = y;", False)]:
            tokens, _ = cpp.tokenize(text)
            self.assertEqual(cpp.is_declaration(tokens, 0, len(tokens)), declares, text)

    def test_functions_and_checks(self):
        tokens, _ = cpp.tokenize(EXAMPLE)
        names = [f.name for f in cpp.find_functions(tokens)]
        self.assertEqual(names, ["find", "apply_move"])


@unittest.skipIf(shutil.which("g++-12") is None and shutil.which("g++") is None, "no C++ compiler")
class SchematizedExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = Path(tempfile.mkdtemp(prefix="l2-mutate-test-"))
        texts, cls.mutants = schemata.schematize({"example.hpp": EXAMPLE}, {"example.hpp": "example"}, [EXAMPLE])
        include = cls.dir / "l2" / "ref"
        include.mkdir(parents=True)
        (include / "example.hpp").write_text(texts["example.hpp"])
        shutil.copy(HERE / "mutant.hpp", include / "mutant.hpp")
        (cls.dir / "main.cpp").write_text(PROGRAM)
        compiler = shutil.which("g++-12") or "g++"
        subprocess.run([compiler, "-std=c++20", "-Wall", "-Wextra", "-Werror", "-Wno-tautological-compare", "-I", str(cls.dir),
                        str(cls.dir / "main.cpp"), "-o", str(cls.dir / "example")], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_with(self, env: dict[str, str]) -> list[str]:
        full = {k: v for k, v in os.environ.items() if not k.startswith("L2_MUTANT")} | env
        return subprocess.run([str(self.dir / "example")], capture_output=True, text=True, check=True, env=full).stdout.split("\n")[:-1]

    def test_every_operator_is_present(self):
        operators = {m.operator for m in self.mutants}
        self.assertEqual(operators, {"negate", "drop", "flip", "height+1", "height-1", "error-prev", "error-next", "skip",
                                     "swap"})
        self.assertEqual({m.rule for m in self.mutants if m.function == "apply_move"}, {"EX-1", "EX-2", "EX-3", ""})

    def test_no_mutant_is_the_original(self):
        self.assertEqual(self.run_with({}), ORIGINAL)

    def test_each_operator_behaves_as_defined(self):
        expected = {
            # EX-1 `height >= deadline` (too_late = 1)
            "EX-1/drop": ["0 1", "0 1", "0 1", "2 0", "0 1", "3 0", "0 1"],
            "EX-1/negate": ["1 0", "0 1", "1 0", "1 0", "1 0", "3 0", "0 1"],
            "EX-1/flip": ["0 1", "0 1", "0 1", "2 0", "0 1", "3 0", "1 0"],  # `>`: height == deadline passes
            "EX-1/height+1": ["0 1", "0 1", "0 1", "2 0", "0 1", "3 0", "1 0"],  # height >= deadline + 1
            "EX-1/height-1": ["1 0", "1 0", "0 1", "1 0", "1 0", "3 0", "1 0"],  # height >= deadline - 1
            "EX-1/error-next": ["0 1", "2 0", "0 1", "2 0", "0 1", "3 0", "2 0"],  # too_late becomes unfair
            # EX-2 `balances[0] > balances[1]` (unfair = 2)
            "EX-2/flip": ["0 1", "1 0", "0 1", "2 0", "2 0", "3 0", "1 0"],
            "EX-2/swap/0": ["0 1", "1 0", "0 1", "0 1", "0 1", "3 0", "1 0"],  # `b1 > b1` never holds
            "EX-2/swap/1": ["0 1", "1 0", "0 1", "0 1", "0 1", "3 0", "1 0"],  # `b0 > b0` never holds
            # EX-3 `!found` (unknown = 3, the last error: it has no next one)
            "EX-3/error-prev": ["0 1", "1 0", "0 1", "2 0", "0 1", "2 0", "1 0"],
            "skip": ["0 0", "1 0", "0 0", "2 0", "0 0", "3 0", "1 0"],
        }
        by_prefix = {}
        for m in self.mutants:
            prefix = f"{m.rule or 'body'}/{m.operator}"
            if m.operator == "swap":
                prefix += "/0" if "[0]` becomes" in m.description else "/1"
            if m.operator == "skip":
                prefix = "skip"
            by_prefix.setdefault(prefix, []).append(m)
        self.assertNotIn("EX-1/error-prev", by_prefix)  # too_late is the first error
        self.assertNotIn("EX-3/error-next", by_prefix)
        for prefix, outcomes in expected.items():
            [mutant] = by_prefix[prefix]
            self.assertEqual(self.run_with({"L2_MUTANT": str(mutant.id)}), outcomes, f"{prefix}: {mutant.description}")

    def test_the_trace_lists_the_points_reached(self):
        trace = self.dir / "trace"
        trace.unlink(missing_ok=True)
        self.assertEqual(self.run_with({"L2_MUTANT_TRACE": str(trace)}), ORIGINAL)
        reached = {int(x) for x in trace.read_text().split()}
        # Every mutant of apply_move's checks is reached by some input; find() is not a transition
        # of a mechanism in CHECKS_ONLY, so its own `if` is mutated too and reached.
        self.assertEqual(reached, {m.id for m in self.mutants})


if __name__ == "__main__":
    unittest.main()
