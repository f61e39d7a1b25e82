"""Just enough C++ for the mutation campaign: tokens, function bodies and their statements.

The reference is written plainly (STYLE.md: plain loops, one check per `// Verify:` line), so a
token-level reader suffices: it finds each function's body, splits it into statements, and gives
each `if` its condition and branches. It never needs to understand types: the rewrites it feeds
(schemata.py) are written so that they compile whatever the operand types are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Longest first, so that `<<=` is one token and `<` `<=` are not confused.
_OPERATORS = sorted(
    """<<= >>= <=> ... ->* :: -> ++ -- << >> <= >= == != && || += -= *= /= %= &= |= ^= .*
    { } [ ] ( ) < > ; : , . ? ~ ! + - * / % ^ & | = #""".split(),
    key=len,
    reverse=True,
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"(?:0[xX][0-9A-Fa-f']+|[0-9][0-9']*(?:\.[0-9']*)?(?:[eE][+-]?[0-9]+)?)[uUlLfF]*")

ASSIGNMENTS = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
RELATIONS = {"<": "less", "<=": "less_equal", ">": "greater", ">=": "greater_equal", "==": "equal", "!=": "not_equal"}
KEYWORDS = {
    "if", "else", "for", "while", "do", "switch", "case", "default", "return", "break", "continue", "goto",
    "const", "constexpr", "consteval", "static", "inline", "auto", "template", "typename", "class", "struct",
    "union", "enum", "namespace", "using", "static_assert", "requires", "concept", "noexcept", "operator",
    "true", "false", "nullptr", "sizeof", "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast",
    "new", "delete", "this", "void", "bool", "char", "int", "long", "unsigned", "signed", "short", "double",
    "float", "mutable", "override", "final", "virtual", "friend", "public", "private", "protected",
}


@dataclass
class Token:
    kind: str  # ident | number | string | char | op
    text: str
    start: int  # offsets into the file's text
    end: int
    line: int


@dataclass
class Comment:
    text: str
    start: int
    end: int
    line: int


def tokenize(text: str) -> tuple[list[Token], list[Comment]]:
    """Tokens and comments of `text`; preprocessor lines (with their continuations) are skipped."""
    tokens: list[Token] = []
    comments: list[Comment] = []
    i, line, n = 0, 1, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:
            while i < n and text[i] != "\n":
                if text[i] == "\\" and i + 1 < n and text[i + 1] == "\n":
                    i += 2
                    line += 1
                    continue
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            comments.append(Comment(text[i:end], i, end, line))
            i = end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            comments.append(Comment(text[i:end], i, end, line))
            line += text.count("\n", i, end)
            i = end
            continue
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            tokens.append(Token("string" if c == '"' else "char", text[i : j + 1], i, j + 1, line))
            i = j + 1
            continue
        m = _IDENT.match(text, i)
        if m:
            tokens.append(Token("ident", m.group(), i, m.end(), line))
            i = m.end()
            continue
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            tokens.append(Token("number", m.group(), i, m.end(), line))
            i = m.end()
            continue
        for op in _OPERATORS:
            if text.startswith(op, i):
                tokens.append(Token("op", op, i, i + len(op), line))
                i += len(op)
                break
        else:
            raise ValueError(f"line {line}: unexpected character {c!r}")
    return tokens, comments


_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}


def match(tokens: list[Token], i: int) -> int:
    """Index of the bracket closing tokens[i] (one of ( [ {)."""
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j].text
        if t in _OPEN:
            depth += 1
        elif t in _CLOSE:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError(f"line {tokens[i].line}: unbalanced {tokens[i].text}")


def template_brackets(tokens: list[Token], lo: int, hi: int) -> dict[int, int]:
    """Pairs (open index -> close index) of the `<` `>` in tokens[lo:hi] that are template brackets.

    A `<` after a name opens a template argument list when a matching `>` follows, inside the same
    parentheses, before any `&&` `||` `?` `;` `{` `}`, and the `>` is followed by `(` `::` `{` or
    `>`: `static_cast<E>(raw)`, `std::numeric_limits<AccountIndex>::max()`.
    """
    pairs: dict[int, int] = {}
    for i in range(lo, hi):
        if tokens[i].text != "<" or i == lo or tokens[i - 1].kind != "ident" or tokens[i - 1].text in KEYWORDS - {
            "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast"
        }:
            continue
        depth_angle, depth_paren, j = 1, 0, i + 1
        while j < hi:
            t = tokens[j].text
            if t in ("(", "["):
                depth_paren += 1
            elif t in (")", "]"):
                if depth_paren == 0:
                    break
                depth_paren -= 1
            elif depth_paren == 0 and t in ("&&", "||", "?", ";", "{", "}"):
                break
            elif depth_paren == 0 and t == "<":
                depth_angle += 1
            elif depth_paren == 0 and t in (">", ">>"):
                depth_angle -= len(t)
                if depth_angle <= 0:
                    after = tokens[j + 1].text if j + 1 < len(tokens) else ""
                    if depth_angle == 0 and after in ("(", "::", "{", ">", ")", ","):
                        pairs[i] = j
                    break
            j += 1
    return pairs


# ------------------------------------------------------------------------------------------------
# Functions


@dataclass
class Function:
    name: str
    owner: str  # the enclosing struct, or ""
    header_start: int  # token index of the declaration's first token
    body_open: int  # token index of `{`
    body_close: int  # token index of the matching `}`
    body: "Statement | None" = None

    @property
    def qualified_name(self) -> str:
        return f"{self.owner}::{self.name}" if self.owner else self.name


def find_functions(tokens: list[Token]) -> list[Function]:
    """Every function defined at namespace or class scope, with its body's statements parsed."""
    functions: list[Function] = []
    scopes: list[tuple[str, str]] = []  # (kind, name): namespace | class | other
    statement_start = 0
    i = 0
    while i < len(tokens):
        t = tokens[i].text
        if t in (";", "}"):
            if t == "}" and scopes:
                scopes.pop()
            statement_start = i + 1
            i += 1
            continue
        if t == "(" or t == "[":
            i = match(tokens, i) + 1
            continue
        if t != "{":
            i += 1
            continue
        kind, name = _classify_brace(tokens, statement_start, i)
        if kind == "function":
            close = match(tokens, i)
            owner = next((n for k, n in reversed(scopes) if k == "class"), "")
            function = Function(name, owner, statement_start, i, close)
            function.body = parse_statement(tokens, i)[0]
            functions.append(function)
            i = close + 1
            statement_start = i
            continue
        if kind == "other":
            i = match(tokens, i) + 1
            continue
        scopes.append((kind, name))
        statement_start = i + 1
        i += 1
    return functions


def _classify_brace(tokens: list[Token], lo: int, brace: int) -> tuple[str, str]:
    texts = [t.text for t in tokens[lo:brace]]
    if "namespace" in texts:
        return "namespace", ""
    # A function: the last `)` at depth 0 is followed only by qualifiers or a trailing return type,
    # and nothing before its `(` is an initializer (`= [] {`) or a requires-expression.
    depth, last_close = 0, None
    for j in range(brace - 1, lo - 1, -1):
        s = tokens[j].text
        if s in (")", "]"):
            if depth == 0 and s == ")" and last_close is None:
                last_close = j
            depth += 1
        elif s in ("(", "["):
            depth -= 1
    if last_close is not None:
        between = texts[last_close + 1 - lo :]
        allowed = {"const", "noexcept", "override", "final", "mutable", "->", "::", "<", ">", ",", "&", "*", "&&"}
        if all(s in allowed or _IDENT.fullmatch(s) for s in between) and not ({"struct", "class", "union", "enum"} & set(between)):
            open_paren = _matching_open(tokens, last_close)
            before = tokens[open_paren - 1].text if open_paren > lo else ""
            head = texts[: open_paren - lo]
            if "=" not in _depth0(head) and before not in ("requires", "if", "for", "while", "switch"):
                name = before
                if before == ")" and open_paren - 3 >= lo and tokens[open_paren - 3].text == "operator":
                    name = "operator()"
                return "function", name
    top = _depth0(texts)
    if "enum" in top:
        return "other", ""
    for keyword in ("struct", "class", "union"):
        if keyword in top:
            k = len(top) - 1 - top[::-1].index(keyword)
            return "class", top[k + 1] if k + 1 < len(top) else ""
    return "other", ""


def _depth0(texts: list[str]) -> list[str]:
    """The tokens outside any ( [ { or template < > brackets."""
    out, depth = [], 0
    for s in texts:
        if s in ("(", "[", "{", "<"):
            depth += 1
        elif s in (")", "]", "}", ">"):
            depth = max(0, depth - 1)
        elif s == ">>":
            depth = max(0, depth - 2)
        elif depth == 0:
            out.append(s)
    return out


def _matching_open(tokens: list[Token], close: int) -> int:
    depth = 0
    for j in range(close, -1, -1):
        s = tokens[j].text
        if s in _CLOSE:
            depth += 1
        elif s in _OPEN:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError("unbalanced )")


# ------------------------------------------------------------------------------------------------
# Statements


@dataclass
class Statement:
    kind: str  # block | if | loop | do | switch | label | return | jump | simple | empty
    start: int  # token range [start, end)
    end: int
    children: list["Statement"] = field(default_factory=list)
    # if: the condition's token range (after an init-statement), and its flavour
    condition: tuple[int, int] | None = None
    has_init: bool = False
    is_constexpr: bool = False
    then: "Statement | None" = None
    otherwise: "Statement | None" = None

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()
        for branch in (self.then, self.otherwise):
            if branch is not None:
                yield from branch.walk()


def _scan_to_semicolon(tokens: list[Token], i: int) -> int:
    """Index just past the `;` ending the statement that starts at i."""
    depth = 0
    while i < len(tokens):
        s = tokens[i].text
        if s in _OPEN:
            depth += 1
        elif s in _CLOSE:
            depth -= 1
        elif s == ";" and depth == 0:
            return i + 1
        i += 1
    raise ValueError("statement without `;`")


def parse_statement(tokens: list[Token], i: int) -> tuple[Statement, int]:
    s = tokens[i].text
    if s == "{":
        close = match(tokens, i)
        block = Statement("block", i, close + 1)
        j = i + 1
        while j < close:
            child, j = parse_statement(tokens, j)
            block.children.append(child)
        return block, close + 1
    if s == "if":
        j = i + 1
        is_constexpr = tokens[j].text == "constexpr"
        if is_constexpr:
            j += 1
        close = match(tokens, j)
        condition_start, depth = j + 1, 0
        for k in range(j + 1, close):
            t = tokens[k].text
            if t in _OPEN:
                depth += 1
            elif t in _CLOSE:
                depth -= 1
            elif t == ";" and depth == 0:
                condition_start = k + 1
        then, after = parse_statement(tokens, close + 1)
        node = Statement("if", i, after, condition=(condition_start, close), has_init=condition_start != j + 1,
                         is_constexpr=is_constexpr, then=then)
        if after < len(tokens) and tokens[after].text == "else":
            node.otherwise, after = parse_statement(tokens, after + 1)
            node.end = after
        return node, after
    if s in ("for", "while", "switch"):
        close = match(tokens, i + 1)
        body, after = parse_statement(tokens, close + 1)
        return Statement("switch" if s == "switch" else "loop", i, after, children=[body]), after
    if s == "do":
        body, after = parse_statement(tokens, i + 1)
        end = _scan_to_semicolon(tokens, after)
        return Statement("do", i, end, children=[body]), end
    if s == "case" or (s == "default" and tokens[i + 1].text == ":"):
        j = i
        while tokens[j].text != ":":
            j += 1
        return Statement("label", i, j + 1), j + 1
    if s == ";":
        return Statement("empty", i, i + 1), i + 1
    end = _scan_to_semicolon(tokens, i)
    kind = "return" if s == "return" else "jump" if s in ("break", "continue", "goto") else "simple"
    return Statement(kind, i, end), end


def is_declaration(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the simple statement tokens[start:end] declares something (rather than being an
    expression): `const Checked sum = ...`, `std::vector<u8> used(...)`, `Account account{}`."""
    texts = [t.text for t in tokens[start:end]]
    if texts and texts[0] in ("using", "static_assert", "typedef", "constexpr", "static", "const", "auto", "struct",
                              "enum", "template", "namespace"):
        return True
    # The tokens before the first `=`, `(` or `{`, outside brackets: a declaration has a type then a
    # name there (`Account account`, `vector<u8> used`, `const Account& a`); an expression does not
    # (`next.tower.users[*user].slots`).
    head: list[Token] = []
    depth = 0
    for t in tokens[start:end]:
        if depth == 0 and (t.text in ASSIGNMENTS or t.text in ("(", "{")) and head:
            break
        if t.text in _OPEN:
            depth += 1
        elif t.text in _CLOSE:
            depth -= 1
        elif depth == 0:
            head.append(t)
    for k in range(1, len(head)):
        a, b = head[k - 1], head[k]
        if b.kind != "ident" or b.text in KEYWORDS:
            continue
        if a.kind == "ident" and a.text not in ("return",) or a.text in (">", ">>"):
            return True
        if a.text in ("&", "*", "&&") and k >= 2 and (head[k - 2].kind == "ident" or head[k - 2].text in (">", ">>")):
            return True
    return False
