"""The tree toolkit, in plain Python: the reference for `_terms.pyx`.

A term is a tuple of ints in prefix order (see `grammar`): rule ids >= 0
followed by their children, variables < 0.  A substitution is a dict from
variable id to term.  Everything is typed: a variable only ever stands for
a term of its own type (a `setvar` never for a `class`).

    kit = TermKit(grammar)           # or FastTermKit, same methods
    kit.match(pattern, term)         # {var: subterm} or None
    kit.unify(a, b)                  # most general unifier or None
    kit.substitute(term, subst)
    kit.canonical(terms), kit.structural_hash(terms)   # the functions below
    canonical(grammar, [hyp1, hyp2, concl])  # variables renamed by first appearance
    structural_hash(grammar, terms)  # 64-bit, stable across runs and machines
"""
from __future__ import annotations

import hashlib
from typing import Mapping, Optional, Sequence

from ..kernel import engines
from .grammar import Grammar
from .types import Subst, Term  # noqa: F401 - re-exported


def skip(g: Grammar, term: Sequence[int], pos: int) -> int:
    """Position just after the subterm that starts at `pos`."""
    rules = g.rules
    need = 1
    while need:
        node = term[pos]
        pos += 1
        need += (rules[node].arity if node >= 0 else 0) - 1
    return pos


def children(g: Grammar, term: Sequence[int]) -> list[Term]:
    """The root's children as terms."""
    out = []
    pos = 1
    for _ in range(g.arity(term[0])):
        end = skip(g, term, pos)
        out.append(tuple(term[pos:end]))
        pos = end
    return out


def variables(term: Sequence[int]) -> tuple[int, ...]:
    """The variables of a term in order of first appearance (its free
    variables: the grammar level binds nothing)."""
    seen: dict[int, None] = {}
    for node in term:
        if node < 0 and node not in seen:
            seen[node] = None
    return tuple(seen)


def size(term: Sequence[int]) -> int:
    return len(term)


class TermKit:
    """Typed operations on terms of one grammar (pure Python)."""

    def __init__(self, g: Grammar):
        self.g = g

    def type_of(self, term: Sequence[int]) -> int:
        return self.g.type_of(term[0])

    def depth(self, term: Sequence[int]) -> int:
        """Nodes on the longest root-to-leaf path (a variable has depth 1)."""
        g = self.g
        best = 0
        pending: list[int] = []  # children still to visit, per open node
        for node in term:
            d = len(pending) + 1
            best = max(best, d)
            a = g.arity(node)
            if a:
                pending.append(a)
                continue
            while pending:
                pending[-1] -= 1
                if pending[-1]:
                    break
                pending.pop()
        return best

    def substitute(self, term: Sequence[int], subst: Mapping[int, Term]) -> Term:
        out: list[int] = []
        for node in term:
            if node < 0 and node in subst:
                out.extend(subst[node])
            else:
                out.append(node)
        return tuple(out)

    def match(self, pattern: Sequence[int], term: Sequence[int],
              subst: Optional[Mapping[int, Term]] = None) -> Optional[Subst]:
        """The substitution s with s(pattern) == term, extending `subst`
        (whose bindings are kept as they are), or None."""
        g = self.g
        s = dict(subst or {})
        i = j = 0
        n = len(pattern)
        while i < n:
            p = pattern[i]
            if p < 0:
                end = skip(g, term, j)
                piece = tuple(term[j:end])
                bound = s.get(p)
                if bound is None:
                    if g.type_of(term[j]) != g.variables[-1 - p].type:
                        return None
                    s[p] = piece
                elif bound != piece:
                    return None
                j = end
            else:
                if term[j] != p:
                    return None
                j += 1
            i += 1
        return s

    def unify(self, a: Sequence[int], b: Sequence[int],
              subst: Optional[Mapping[int, Term]] = None) -> Optional[Subst]:
        """A most general unifier of `a` and `b` (extending `subst`), as an
        idempotent substitution: no bound variable occurs in any binding.
        None when they do not unify (clash, type mismatch, occurs check)."""
        g = self.g
        s: Subst = dict(subst or {})
        todo = [(tuple(a), tuple(b))]
        while todo:
            x, y = todo.pop()
            x = self._walk(x, s)
            y = self._walk(y, s)
            if x == y:
                continue
            if len(x) == 1 and x[0] < 0:
                if not self._bind(x[0], y, s):
                    return None
            elif len(y) == 1 and y[0] < 0:
                if not self._bind(y[0], x, s):
                    return None
            elif x[0] != y[0]:
                return None
            else:
                todo.extend(zip(children(g, x), children(g, y)))
        # resolve bindings so the result is idempotent
        return {v: self._resolve(t, s) for v, t in s.items()}

    def canonical(self, terms: Sequence[Sequence[int]]) -> tuple[tuple[Term, ...], Subst]:
        """`canonical(g, terms)` (the C kit has its own)."""
        return canonical(self.g, terms)

    def canonical_term(self, term: Sequence[int]) -> Term:
        """`canonical(g, [term])[0][0]` (the C kit has its own)."""
        return canonical(self.g, [term])[0][0]

    def structural_hash(self, terms: Sequence[Sequence[int]]) -> int:
        """`structural_hash(g, terms)` (the C kit has its own)."""
        return structural_hash(self.g, terms)

    def canonical_hash(self, terms: Sequence[Sequence[int]]) -> int:
        """`structural_hash(g, canonical(g, terms)[0])`: the hash of the
        terms up to renaming (the C kit does it in one pass)."""
        return structural_hash(self.g, canonical(self.g, terms)[0])

    def _walk(self, t: Term, s: Subst) -> Term:
        while len(t) == 1 and t[0] < 0 and t[0] in s:
            t = s[t[0]]
        return t

    def _resolve(self, t: Term, s: Subst) -> Term:
        while any(n < 0 and n in s for n in t):
            t = self.substitute(t, s)
        return t

    def _bind(self, v: int, t: Term, s: Subst) -> bool:
        g = self.g
        if g.type_of(t[0]) != g.variables[-1 - v].type:
            return False
        if v in self._resolve(t, s):
            return False  # occurs check
        s[v] = t
        return True


class ReferencePrinter:
    """A tree as tokens, text and a syntax proof's node order, in plain
    Python: the reference for `_terms.FastPrinter`."""

    def __init__(self, g: Grammar):
        self.g = g

    def tokens(self, term: Term) -> list[int]:
        return self.g.term_tokens(term)

    def text(self, typecode: str, term: Term) -> str:
        return " ".join([typecode] + self.g.unparse(term))

    def postfix(self, term: Term) -> list[int]:
        """Nodes children-first: the order of a syntax proof."""
        out: list[int] = []
        todo = [term]                 # explicit stack: terms can be deep
        while todo:
            t = todo.pop()
            out.append(t[0])
            if t[0] >= 0:
                todo.extend(children(self.g, t))
        out.reverse()
        return out


TERM_KIT = engines.pair("syntax.term_kit", TermKit, "proofgen.syntax._terms", "FastTermKit",
                        agreement=("tests/test_syntax_properties.py::"
                                   "test_match_finds_the_substitution",
                                   "tests/test_syntax_properties.py::"
                                   "test_fast_canonical_and_hash_agree_with_the_reference"))
PRINTER = engines.pair("syntax.printer", ReferencePrinter, "proofgen.syntax._terms", "FastPrinter",
                       agreement=("tests/test_syntax_properties.py::"
                                  "test_fast_printer_agrees_with_the_grammar",))


def term_kit(g: Grammar):
    """The toolkit the selector picks (`kernel.engines`): fast when built."""
    return TERM_KIT.choose()(g)


def printer(g: Grammar):
    """The tree printer the selector picks (`kernel.engines`): fast when built."""
    return PRINTER.choose()(g)


def canonical(g: Grammar, terms: Sequence[Sequence[int]]) -> tuple[tuple[Term, ...], Subst]:
    """Rename variables in order of first appearance across `terms`: the
    k-th distinct variable of a type becomes that type's k-th canonical
    variable (`Grammar.canonical_variable`).  Returns the renamed terms and
    the renaming used."""
    counts: dict[int, int] = {}
    renaming: Subst = {}
    for term in terms:
        for node in term:
            if node < 0 and node not in renaming:
                t = g.variables[-1 - node].type
                k = counts.get(t, 0)
                counts[t] = k + 1
                renaming[node] = (g.canonical_variable(t, k),)
    out = tuple(tuple(renaming[n][0] if n < 0 else n for n in term) for term in terms)
    return out, renaming


def structural_hash(g: Grammar, terms: Sequence[Sequence[int]]) -> int:
    """A 64-bit hash of the terms' structure by rule labels and variable
    names: equal across runs, machines and Python versions.  Hash
    `canonical` terms to identify statements up to renaming."""
    h = hashlib.blake2b(digest_size=8, person=b"proofgen.tree")
    for term in terms:
        h.update(" ".join(g.rules[n].label if n >= 0 else "$" + g.variables[-1 - n].name
                          for n in term).encode())
        h.update(b"\n")
    return int.from_bytes(h.digest(), "big")
