"""The reference parser: readable, general, and the oracle for the fast one.

It is a bottom-up chart parser.  Positions are processed right to left; at
each position it finds every `(type, end)` such that the symbols in between
form a term of that type:

* seeds: a variable, or a rule whose pattern starts with the constant there,
  matched against the chart to its right (already complete);
* growth: a found item is the left corner of rules whose pattern starts with
  its type (`A = B` starts with a class; ql.mm's `a '` with a term), which
  handles left recursion with no special case.

Each item counts its derivations, saturating at 2: two derivations of the
whole string mean it is ambiguous, and counting never enumerates trees, so
even a very ambiguous grammar parses in polynomial time.  Rule patterns are
stored in tries (rules sharing a prefix are matched once).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from ..kernel import engines
from .grammar import Grammar


class _Node:
    __slots__ = ("const", "nt", "ends")

    def __init__(self):
        self.const: dict[int, _Node] = {}
        self.nt: dict[int, _Node] = {}
        self.ends: list[int] = []


@dataclass(frozen=True)
class ParseResult:
    """`term` is the tree (None when the string does not parse); when the
    string is ambiguous `alternative` is a second, different tree.
    `longest` is how many symbols the longest parsing prefix covers;
    `exhausted` says the parse gave up at its step budget."""

    term: Optional[tuple[int, ...]]
    ambiguous: bool = False
    alternative: Optional[tuple[int, ...]] = None
    longest: int = 0
    exhausted: bool = False


def step_budget(n: int) -> int:
    """Work allowed for parsing n symbols (trie frames + derivations).
    Real grammars need a few dozen steps per symbol; a pathologically
    ambiguous grammar needs n**3, so without a budget a long statement
    could keep the parser busy for hours."""
    return 200_000 + 2_000 * n


class _Exhausted(Exception):
    pass


class _Item:
    __slots__ = ("type", "end", "count", "derivs")

    def __init__(self, type_, end):
        self.type, self.end, self.count, self.derivs = type_, end, 0, []


def build_tries(g: Grammar) -> tuple[dict[int, _Node], dict[int, _Node]]:
    """Tries of rule patterns: keyed by first constant, and by first type."""
    by_const: dict[int, _Node] = {}
    by_type: dict[int, _Node] = {}
    for rid, rule in enumerate(g.rules):
        if rule.label in g.excluded or not rule.pattern:
            continue
        first = rule.pattern[0]
        roots = by_const if first >= 0 else by_type
        key = first if first >= 0 else -1 - first
        node = roots.setdefault(key, _Node())
        for item in rule.pattern[1:]:
            table = node.const if item >= 0 else node.nt
            k = item if item >= 0 else -1 - item
            node = table.setdefault(k, _Node())
        node.ends.append(rid)
    return by_const, by_type


class ReferenceParser:
    """Parses math strings with a grammar; see the module docstring."""

    def __init__(self, g: Grammar):
        self.g = g
        self.by_const, self.by_type = build_tries(g)

    def parse(self, tokens: Sequence[int], type_: int, budget: Optional[int] = None) -> ParseResult:
        self.budget = step_budget(len(tokens)) if budget is None else budget
        self.steps = 0
        try:
            return self._parse(tokens, type_)
        except _Exhausted:
            return ParseResult(None, exhausted=True)

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.budget:
            raise _Exhausted()

    def _parse(self, tokens: Sequence[int], type_: int) -> ParseResult:
        g = self.g
        n = len(tokens)
        # chart[i]: type -> list of items starting at i (complete once i is done)
        chart: list[dict[int, list[_Item]]] = [dict() for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            items: dict[tuple[int, int], _Item] = {}
            work: list[_Item] = []

            def add(type_, end, deriv, count):
                self._tick()
                item = items.get((type_, end))
                if item is None:
                    item = items[(type_, end)] = _Item(type_, end)
                before = item.count
                if deriv not in item.derivs and len(item.derivs) < 2:
                    item.derivs.append(deriv)
                item.count = min(2, before + count)
                if item.count != before:
                    work.append(item)

            def walk(node: _Node, pos: int, kids: tuple, count: int):
                self._tick()
                for rid in node.ends:
                    add(g.rules[rid].type, pos, (rid, kids), count)
                if pos < n:
                    tok = tokens[pos]
                    if tok >= 0 and tok in node.const:
                        walk(node.const[tok], pos + 1, kids, count)
                    for t, child in node.nt.items():
                        for kid in chart[pos].get(t, ()):
                            walk(child, kid.end, kids + (kid,), min(2, count * kid.count))

            tok = tokens[i]
            if tok < 0:
                add(g.variables[-1 - tok].type, i + 1, (tok, ()), 1)
            elif tok in self.by_const:
                walk(self.by_const[tok], i + 1, (), 1)
            while work:
                item = work.pop()
                root = self.by_type.get(item.type)
                if root is not None:
                    walk(root, item.end, (item,), item.count)
            for item in items.values():
                chart[i].setdefault(item.type, []).append(item)
        whole = next((it for it in chart[0].get(type_, ()) if it.end == n), None) if n else None
        longest = max((it.end for it in chart[0].get(type_, ())), default=0) if n else 0
        if whole is None:
            return ParseResult(None, longest=longest)
        term: list[int] = []
        self._emit(whole, term, False)
        if whole.count < 2:
            return ParseResult(tuple(term), longest=n)
        alt: list[int] = []
        self._emit(whole, alt, True)
        return ParseResult(tuple(term), True, tuple(alt), n)

    def _emit(self, top: _Item, out: list[int], alternative: bool) -> None:
        """Prefix order of the item's first tree, or (alternative=True) of a
        second, different one: its second derivation, or else the first with
        one ambiguous child replaced by that child's alternative.  Iterative:
        trees can be far deeper than Python's recursion limit."""
        stack = [(top, alternative)]
        while stack:
            item, alt = stack.pop()
            deriv = item.derivs[0]
            swap = None
            if alt:
                if len(item.derivs) > 1:
                    deriv = item.derivs[1]
                else:
                    swap = next(k for k in deriv[1] if k.count > 1)
            node, kids = deriv
            out.append(node)
            if node < 0:
                continue
            order = self.g.rules[node].order
            by_slot = [None] * len(kids)
            for k, kid in enumerate(kids):
                by_slot[order[k]] = kid
            for kid in reversed(by_slot):
                stack.append((kid, kid is swap))


PARSER = engines.pair("syntax.parser", ReferenceParser, "proofgen.syntax._parse", "FastParser",
                      agreement=("tests/test_syntax.py::test_engines_build_the_same_trees",
                                 "tests/test_syntax_properties.py::"
                                 "test_engines_agree_on_any_string"))
