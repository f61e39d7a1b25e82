"""Mutant schemata: every mutation point of the reference, behind a run-time selector.

`schematize_tree(reference_dir)` reads the reference headers, finds the mutation points and returns
the rewritten headers and the list of mutants. One rewritten tree holds every mutant at once: a
point asks l2/ref/mutant.hpp (tools/mutate/mutant.hpp) whether its mutant is the active one, so one
build serves the whole campaign.

Where mutants are made:
  - at every check: the `if` that follows a `// Verify: ... [RULE-ID]` line (a Verify line above a
    function, as in checked.hpp, makes every `if` of that function a check of the rule);
  - in the transition bodies of the mechanisms: every function that an `apply_<op>`, `deploy` or
    operation-table `apply` reaches through calls within the mechanism's headers. The primitives
    have no transitions: only their checks are mutated.

The operators (spec: the issue's item 8):
  negate      an if condition becomes its negation
  drop        a check's condition becomes false: the check never fires
  flip        a relational operator changes: < <=, > >=, == !=
  height+1/-1 the right side of a height or deadline comparison moves by one, in its own type
  error-prev/-next  a returned error code becomes its neighbour in the mechanism's error list
  skip        a field update (assignment, increment, mutating call) in a transition is skipped
  swap        one participant becomes the other: `participants[0]` for `participants[1]`, and the
              two-party member pairs of TWO_PARTY_MEMBERS
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cpp

REPOSITORY = Path(__file__).resolve().parents[2]


def registry_mechanisms(repository: Path = REPOSITORY) -> list[str]:
    """The mechanisms of the registry (tools/vectors/registry.cpp: one X(name) line each), in its
    order: the campaign needs no list of its own."""
    text = (repository / "tools" / "vectors" / "registry.cpp").read_text()
    macro = re.search(r"#define L2_MECHANISMS\(X\)((?:[^\n]*\\\n)*[^\n]*)", text)
    if macro is None:
        raise SystemExit("tools/vectors/registry.cpp has no L2_MECHANISMS(X) macro")
    return re.findall(r"\bX\((\w+)\)", macro.group(1))


MECHANISMS = registry_mechanisms()
# The mechanism that owns the shared headers' checks (checked arithmetic, Merkle trees, BIP-340,
# the AEAD, the canonical encoding).
SHARED_MECHANISM = "primitives"

# l2spec trace's marker of a mechanism still being built (spec/vectors.md#rule-tables).
IN_PROGRESS_MARKER = "<!-- l2spec trace: in progress -->"


def in_progress_mechanisms(repository: Path = REPOSITORY) -> list[str]:
    """Mechanisms still being built: spec/<m>.md carries the in-progress marker on a line of its own,
    and m is not in the registry yet. They have no vectors to measure, so the campaign leaves their
    headers out instead of counting their checks as the primitives'."""
    return [spec.stem for spec in sorted((repository / "spec").glob("*.md"))
            if IN_PROGRESS_MARKER in spec.read_text().splitlines() and spec.stem not in MECHANISMS]


IN_PROGRESS = in_progress_mechanisms()


def header_mechanism(name: str, mechanisms: list[str] = MECHANISMS) -> str:
    """A reference header's mechanism: <m>.hpp and <m>_*.hpp are m's (the longest such m), every
    other header is the primitives'."""
    stem = name.removesuffix(".hpp")
    owners = [m for m in mechanisms if stem == m or stem.startswith(m + "_")]
    return max(owners, key=len) if owners else SHARED_MECHANISM


def mutated_headers(reference_dir: Path, mechanisms: list[str] = MECHANISMS,
                    in_progress: list[str] = IN_PROGRESS) -> dict[str, str]:
    """The headers mutated, with their mechanism: every reference header with a `// Verify:` check,
    the mechanisms' first, in the registry's order, except an in-progress mechanism's. The rest of
    the reference (bytes, SHA-256, secp256k1, the result and table machinery) is copied unchanged."""
    names = sorted(p.name for p in reference_dir.glob("*.hpp")
                   if "// Verify:" in p.read_text() and header_mechanism(p.name, in_progress) == SHARED_MECHANISM)
    owners = {name: header_mechanism(name, mechanisms) for name in names}
    return {name: owners[name] for name in sorted(names, key=lambda name: mechanisms.index(owners[name]))}


CHECKS_ONLY = {"primitives"}

# Arrays indexed by party (0 or 1): a swap reads the other party's entry.
TWO_PARTY_ARRAYS = {"participants", "balances", "new_balances", "signatures"}
# Members naming the two parties of one object, by header: `t.from` <-> `t.to` in a transfer.
TWO_PARTY_MEMBERS = {
    "optimistic_rollup.hpp": [("t", "from", "to")],
}

_RULE = re.compile(r"Verify:.*\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")
_HEIGHT = re.compile(r"height|deadline|_at$|^due$")
_ERROR_LIST = re.compile(r"#define\s+(L2_\w+_ERRORS)\(X\)((?:[^\n]*\\\n)*[^\n]*)")
_ERROR_ROW = re.compile(r"X\(\s*(\w+)\s*,")
_ERROR_ENUM = re.compile(r"L2_ERROR_ENUM\(\s*(\w+)\s*,\s*\"[^\"]*\"\s*,\s*(\w+)\s*\)")
_PLAIN_ENUM = re.compile(r"enum\s+class\s+(\w*Error\w*)\s*:\s*[\w:]+\s*\{([^}]*)\}")


@dataclass
class Mutant:
    id: int
    key: str  # stable: <rule or function>/<operator>/<hash>
    file: str
    line: int
    function: str
    rule: str  # the check's rule ID, or "" in a transition body
    operator: str
    mechanism: str
    description: str

    @property
    def scope(self) -> str:
        return self.rule or f"{self.function} (body)"


@dataclass
class Rewrite:
    start: int  # character span in the header
    end: int
    holes: list[tuple[int, int]]  # sub-spans whose (rewritten) text the template keeps
    template: Callable[[list[str]], str]
    order: int = 0


@dataclass
class Header:
    name: str
    mechanism: str
    text: str
    tokens: list[cpp.Token] = field(default_factory=list)
    comments: list[cpp.Comment] = field(default_factory=list)
    functions: list[cpp.Function] = field(default_factory=list)


def error_lists(texts: list[str]) -> dict[str, list[str]]:
    """Every error enum of the reference, in declaration order, without `none`."""
    lists: dict[str, list[str]] = {}
    macros: dict[str, list[str]] = {}
    for text in texts:
        for m in _ERROR_LIST.finditer(text):
            macros[m.group(1)] = _ERROR_ROW.findall(m.group(2))
    for text in texts:
        for m in _ERROR_ENUM.finditer(text):
            if m.group(2) in macros:
                lists[m.group(1)] = macros[m.group(2)]
        for m in _PLAIN_ENUM.finditer(text):
            names = [re.sub(r"\s*=.*", "", item).strip() for item in re.sub(r"//[^\n]*", "", m.group(2)).split(",")]
            lists[m.group(1)] = [n for n in names if n and n != "none"]
    return lists


def _snippet(text: str, limit: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


class Schemata:
    """Builds the rewrites and mutants of a set of headers."""

    def __init__(self, headers: list[Header], errors: dict[str, list[str]]):
        self.headers = headers
        self.errors = errors
        self.mutants: list[Mutant] = []
        self.rewrites: dict[str, list[Rewrite]] = {h.name: [] for h in headers}
        self._keys: set[str] = set()
        self._order = 0

    # -- ids and keys -------------------------------------------------------------------------------

    def _new(self, header: Header, line: int, function: str, rule: str, operator: str, original: str,
             description: str) -> int:
        digest = hashlib.sha256("|".join([header.name, function, operator, " ".join(original.split()), description])
                                .encode()).hexdigest()[:6]
        scope = rule or function
        key = f"{scope}/{operator}/{digest}"
        suffix = 2
        while key in self._keys:
            key = f"{scope}/{operator}/{digest}-{suffix}"
            suffix += 1
        self._keys.add(key)
        mutant = Mutant(len(self.mutants) + 1, key, header.name, line, function, rule, operator, header.mechanism,
                        description)
        self.mutants.append(mutant)
        return mutant.id

    def _add(self, header: Header, start: int, end: int, holes, template) -> None:
        self._order += 1
        self.rewrites[header.name].append(Rewrite(start, end, holes, template, self._order))

    # -- the sites ----------------------------------------------------------------------------------

    def condition(self, header: Header, function: str, rule: str, statement: cpp.Statement, drop: bool) -> None:
        t = header.tokens
        lo, hi = statement.condition
        start, end = t[lo].start, t[hi - 1].end
        text = header.text[start:end]
        line = t[lo].line
        negate_id = self._new(header, line, function, rule, "negate", text, f"negate `{_snippet(text)}`")
        drop_id = self._new(header, line, function, rule, "drop", text, f"drop the check `{_snippet(text)}`") if drop else 0
        self._add(header, start, end, [(start, end)],
                  lambda h, n=negate_id, d=drop_id: f"::l2::mutation::condition(static_cast<bool>({h[0]}), {n}, {d})")

    def comparisons(self, header: Header, function: str, rule_of, lo: int, hi: int) -> None:
        t = header.tokens
        templates = cpp.template_brackets(t, lo, hi)
        closers = set(templates.values())
        for k in range(lo, hi):
            op = t[k].text
            if op not in cpp.RELATIONS or k in templates or k in closers:
                continue
            left = _operand(t, k, lo, -1, templates)
            right = _operand(t, k, hi, +1, templates)
            if left is None or right is None:
                continue
            a_start, a_end = t[left[0]].start, t[left[1]].end
            b_start, b_end = t[right[0]].start, t[right[1]].end
            a_text, b_text = header.text[a_start:a_end], header.text[b_start:b_end]
            rule = rule_of(k)
            line = t[k].line
            whole = f"{a_text} {op} {b_text}"
            flipped = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}[op]
            flip_id = self._new(header, line, function, rule, "flip", whole,
                                f"`{_snippet(whole)}`: `{op}` becomes `{flipped}`")
            plus_id = minus_id = 0
            names = [x.text for x in t[left[0] : right[1] + 1] if x.kind == "ident"]
            if op not in ("==", "!=") and any(_HEIGHT.search(n) for n in names):
                plus_id = self._new(header, line, function, rule, "height+1", whole,
                                    f"`{_snippet(whole)}`: the right side + 1")
                minus_id = self._new(header, line, function, rule, "height-1", whole,
                                     f"`{_snippet(whole)}`: the right side - 1")
            relation = cpp.RELATIONS[op]
            self._add(header, a_start, b_end, [(a_start, a_end), (b_start, b_end)],
                      lambda h, r=relation, f=flip_id, p=plus_id, m=minus_id:
                      f"::l2::mutation::compare<::l2::mutation::Relation::{r}, {f}, {p}, {m}>({h[0]}, {h[1]})")

    def error_codes(self, header: Header, function: str, rule_of, lo: int, hi: int) -> None:
        t = header.tokens
        for k in range(lo, hi - 2):
            enum = t[k].text
            if enum not in self.errors or t[k + 1].text != "::" or t[k + 2].kind != "ident":
                continue
            name = t[k + 2].text
            members = self.errors[enum]
            if name not in members:
                continue
            first = k
            while first >= 2 and t[first - 1].text == "::" and t[first - 2].kind == "ident":
                first -= 2
            if first >= 1 and t[first - 1].text == "::":
                first -= 1
            start, end = t[first].start, t[k + 2].end
            qualified = header.text[start : t[k].end]
            index = members.index(name)
            rule = rule_of(k)
            ids = []
            for operator, neighbour in (("error-prev", index - 1), ("error-next", index + 1)):
                if 0 <= neighbour < len(members):
                    other = members[neighbour]
                    ids.append((self._new(header, t[k].line, function, rule, operator, f"{enum}::{name}",
                                          f"`{enum}::{name}` becomes `{enum}::{other}`"), other))
            if not ids:
                continue
            self._add(header, start, end, [], lambda h, q=qualified, n=name, ids=ids:
                      "(" + " : ".join(f"L2_MUTANT({i}) ? {q}::{o}" for i, o in ids) + f" : {q}::{n})")

    def skip(self, header: Header, function: str, rule: str, statement: cpp.Statement) -> None:
        t = header.tokens
        start, end = t[statement.start].start, t[statement.end - 1].end
        text = header.text[start:end]
        n = self._new(header, t[statement.start].line, function, rule, "skip", text, f"skip `{_snippet(text)}`")
        self._add(header, start, end, [(start, end)], lambda h, n=n: f"{{ if (!L2_MUTANT({n})) {{ {h[0]} }} }}")

    def swaps(self, header: Header, function: str, rule_of, lo: int, hi: int, done: set[int]) -> None:
        t = header.tokens
        members = TWO_PARTY_MEMBERS.get(header.name, [])
        for k in range(lo, hi):
            if k in done:
                continue
            if (t[k].text in TWO_PARTY_ARRAYS and k + 3 < hi and t[k + 1].text == "[" and t[k + 2].text in ("0", "1")
                    and t[k + 3].text == "]"):
                done.add(k)
                index = t[k + 2].text
                other = "1" if index == "0" else "0"
                n = self._new(header, t[k].line, function, rule_of(k), "swap", f"{t[k].text}[{index}]",
                              f"`{t[k].text}[{index}]` becomes `{t[k].text}[{other}]`")
                self._add(header, t[k + 2].start, t[k + 2].end, [], lambda h, n=n, i=index, o=other:
                          f"(L2_MUTANT({n}) ? {o} : {i})")
            for obj, a, b in members:
                if t[k].text == obj and k + 2 < hi and t[k + 1].text == "." and t[k + 2].text in (a, b) and (
                        k == 0 or t[k - 1].text not in (".", "->", "::")):
                    done.add(k)
                    mine = t[k + 2].text
                    other = b if mine == a else a
                    n = self._new(header, t[k].line, function, rule_of(k), "swap", f"{obj}.{mine}",
                                  f"`{obj}.{mine}` becomes `{obj}.{other}`")
                    self._add(header, t[k].start, t[k + 2].end, [], lambda h, n=n, o=obj, m=mine, x=other:
                              f"(L2_MUTANT({n}) ? {o}.{x} : {o}.{m})")

    # -- one header ----------------------------------------------------------------------------------

    def schematize(self, header: Header, transitions: set[str]) -> None:
        t = header.tokens
        checks = _checks(header)
        for function in header.functions:
            name = function.qualified_name
            in_transition = header.mechanism not in CHECKS_ONLY and (
                function.name in transitions or function.qualified_name in transitions)
            ranges = [(s.start, s.end, rule) for s, rule in checks.get(id(function), [])]
            check_of = {id(s): rule for s, rule in checks.get(id(function), [])}

            def rule_of(k: int, ranges=ranges) -> str:
                inner = [(e - s, rule) for s, e, rule in ranges if s <= k < e]
                return min(inner)[1] if inner else ""

            swapped: set[int] = set()
            for statement in function.body.walk():
                rule = check_of.get(id(statement))
                if statement.kind == "if" and not statement.is_constexpr and not _declares(t, statement):
                    lo, hi = statement.condition
                    if rule is not None:
                        self.condition(header, name, rule, statement, drop=True)
                        self.comparisons(header, name, rule_of, lo, hi)
                        self.swaps(header, name, rule_of, lo, hi, swapped)
                        then = statement.then
                        if then is not None and then.kind == "return":
                            self.error_codes(header, name, rule_of, then.start, then.end)
                    elif in_transition and not _propagates(t, statement):
                        self.condition(header, name, rule_of(statement.start), statement, drop=False)
                        self.comparisons(header, name, rule_of, lo, hi)
                        self.swaps(header, name, rule_of, lo, hi, swapped)
                if not in_transition:
                    continue
                if statement.kind == "simple" and _updates(t, statement):
                    self.skip(header, name, rule_of(statement.start), statement)
                if statement.kind == "return" and not _inside_check_return(statement, checks.get(id(function), [])):
                    self.error_codes(header, name, rule_of, statement.start, statement.end)
            if in_transition:
                self.swaps(header, name, rule_of, function.body_open, function.body_close, swapped)

    def render(self, header: Header) -> str:
        text = _render(header.text, self.rewrites[header.name])
        include = '#include "l2/ref/mutant.hpp"  // tools/mutate: the run-time mutant selector\n'
        pragma = text.find("#pragma once")
        at = text.find("\n", pragma) + 1 if pragma >= 0 else 0
        banner = ("// GENERATED by tools/mutate/schemata.py from the reference header of the same name: every\n"
                  "// mutation point asks l2/ref/mutant.hpp whether its mutant is active. Do not edit.\n")
        return banner + text[:at] + include + text[at:]


def _checks(header: Header) -> dict[int, list[tuple[cpp.Statement, str]]]:
    """For each function (by id), its check statements and their rules."""
    out: dict[int, list[tuple[cpp.Statement, str]]] = {}
    t = header.tokens
    for comment in header.comments:
        m = _RULE.search(comment.text)
        if not m:
            continue
        rule = m.group(1)
        inside = [f for f in header.functions if t[f.body_open].start < comment.start < t[f.body_close].start]
        if inside:
            function = inside[0]
            following = [s for s in function.body.walk() if s.kind == "if" and t[s.start].start > comment.start]
            if following:
                out.setdefault(id(function), []).append((min(following, key=lambda s: s.start), rule))
            continue
        after = [f for f in header.functions if t[f.body_open].start > comment.start]
        if after:
            function = min(after, key=lambda f: f.body_open)
            first = function.header_start
            if t[first].start < comment.start or (first > 0 and t[first - 1].end > comment.start):
                continue  # the comment does not sit right above the function
            for s in function.body.walk():
                if s.kind == "if" and not s.is_constexpr:
                    out.setdefault(id(function), []).append((s, rule))
    return out


def _declares(t: list[cpp.Token], statement: cpp.Statement) -> bool:
    """`if (const auto user = find_user(...))`: the condition declares a variable."""
    lo, hi = statement.condition
    depth = 0
    for k in range(lo, hi):
        s = t[k].text
        if s in ("(", "[", "{"):
            depth += 1
        elif s in (")", "]", "}"):
            depth -= 1
        elif s == "=" and depth == 0:
            return True
    return False


def _propagates(t: list[cpp.Token], statement: cpp.Statement) -> bool:
    """An if that only passes on an error found below: `if (!opened) return opened.error();` or
    `if (const E e = f(...); e != E::none) return e;`."""
    if statement.has_init:
        return True
    then = statement.then
    if then is None or then.kind != "return" or statement.otherwise is not None:
        return False
    texts = [x.text for x in t[then.start : then.end]]
    return (len(texts) == 3 and t[then.start + 1].kind == "ident") or (
        len(texts) == 7 and texts[2:6] == [".", "error", "(", ")"])


def _updates(t: list[cpp.Token], statement: cpp.Statement) -> bool:
    """A simple statement that changes state: an assignment, an increment, or a call."""
    first = t[statement.start]
    if first.kind == "ident" and first.text.isupper():  # a macro such as L2_VERIFY_CHECK
        return False
    if cpp.is_declaration(t, statement.start, statement.end):
        return False
    texts = [x.text for x in t[statement.start : statement.end - 1]]
    depth = 0
    for s in texts:
        if s in ("(", "[", "{"):
            depth += 1
        elif s in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and s in cpp.ASSIGNMENTS:
            return True
    return texts[:1] in (["++"], ["--"]) or texts[-1:] in (["++"], ["--"], [")"])


def _inside_check_return(statement: cpp.Statement, checks) -> bool:
    return any(s.then is statement for s, _ in checks)


_STOP = {"&&", "||", "?", ":", ",", ";", "return", "&", "|", "^", "{", "}"} | set(cpp.RELATIONS) | cpp.ASSIGNMENTS


def _operand(t: list[cpp.Token], k: int, limit: int, step: int, templates: dict[int, int]) -> tuple[int, int] | None:
    """The token range [first, last] of the operand on one side of the relational operator at k."""
    closers = {close: open_ for open_, close in templates.items()}
    j, depth, last = k + step, 0, None
    while (j >= limit) if step < 0 else (j < limit):
        s = t[j].text
        opening = s in ("(", "[") or j in templates
        closing = s in (")", "]") or j in closers
        if (opening and step > 0) or (closing and step < 0):
            depth += 1
        elif (closing and step > 0) or (opening and step < 0):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and s in _STOP:
            break
        elif s in ("{", "}"):  # a lambda body inside the operand
            if depth == 0:
                break
        last = j
        j += step
    if last is None:
        return None
    return (last, k - 1) if step < 0 else (k + 1, last)


def _render(text: str, rewrites: list[Rewrite]) -> str:
    # Outer first. On one span, a wrapper (one hole over the whole span: a condition, a skipped
    # statement) goes outside the rewrites that keep only parts of it (a comparison's operands).
    items = sorted(rewrites, key=lambda r: (r.start, -r.end, 0 if r.holes == [(r.start, r.end)] else 1, -r.order))

    def render_range(start: int, end: int, inner: list[Rewrite]) -> str:
        out, position, i = [], start, 0
        while i < len(inner):
            r = inner[i]
            j = i + 1
            while j < len(inner) and inner[j].start < r.end:
                if inner[j].end > r.end:
                    raise ValueError(f"overlapping mutation points at offsets {r.start} and {inner[j].start}")
                j += 1
            out.append(text[position : r.start])
            out.append(render_rewrite(r, inner[i + 1 : j]))
            position = r.end
            i = j
        out.append(text[position:end])
        return "".join(out)

    def render_rewrite(r: Rewrite, inner: list[Rewrite]) -> str:
        holes = []
        placed = 0
        for hole_start, hole_end in r.holes:
            members = [x for x in inner if hole_start <= x.start and x.end <= hole_end]
            placed += len(members)
            holes.append(render_range(hole_start, hole_end, members))
        if placed != len(inner):
            raise ValueError(f"a mutation point at offset {inner[0].start} falls outside the holes of another")
        return r.template(holes)

    return render_range(0, len(text), items)


def _calls(header: Header, function: cpp.Function) -> set[str]:
    t = header.tokens
    names = set()
    for k in range(function.body_open, function.body_close):
        if t[k].kind == "ident" and k + 1 < len(t) and t[k + 1].text in ("(", "<"):
            names.add(t[k].text)
    return names


def transitions_of(headers: list[Header]) -> set[str]:
    """The functions reached from the mechanism's transitions through calls within `headers`."""
    defined: dict[str, list[tuple[Header, cpp.Function]]] = {}
    for header in headers:
        for function in header.functions:
            defined.setdefault(function.name, []).append((header, function))
    roots = [name for name in defined if name.startswith("apply_") or name == "deploy" or name == "apply"]
    reached, queue = set(roots), list(roots)
    while queue:
        name = queue.pop()
        for header, function in defined.get(name, []):
            for callee in _calls(header, function):
                if callee in defined and callee not in reached:
                    reached.add(callee)
                    queue.append(callee)
    return reached


def schematize(texts: dict[str, str], mechanisms: dict[str, str], context: list[str]) -> tuple[dict[str, str], list[Mutant]]:
    """Rewrites the headers `texts` (file name -> text; `mechanisms` gives each one's mechanism).
    `context` is every header's text, where the error lists are read."""
    errors = error_lists(context)
    headers = []
    for name, text in texts.items():
        header = Header(name, mechanisms[name], text)
        header.tokens, header.comments = cpp.tokenize(header.text)
        header.functions = cpp.find_functions(header.tokens)
        headers.append(header)
    result = Schemata(headers, errors)
    for mechanism in dict.fromkeys(mechanisms.values()):
        own = [h for h in headers if h.mechanism == mechanism]
        transitions = transitions_of(own) if mechanism not in CHECKS_ONLY else set()
        for header in own:
            result.schematize(header, transitions)
    return {h.name: result.render(h) for h in headers}, result.mutants


def schematize_tree(reference_dir: Path) -> tuple[dict[str, str], list[Mutant]]:
    """The rewritten text of every mutated header of the reference (by file name) and every mutant,
    numbered from 1 in the order of mutated_headers()."""
    context = [p.read_text() for p in sorted(reference_dir.glob("*.hpp"))]
    headers = mutated_headers(reference_dir)
    texts = {name: (reference_dir / name).read_text() for name in headers}
    return schematize(texts, headers, context)
