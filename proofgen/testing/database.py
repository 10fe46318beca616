"""A database as a list of statements, its scoping rules, and its text.

`Item` is one statement (or a block keyword); a `GenDatabase` is a list of
them plus what the generator knows about each theorem's proof.  `Scopes`
replays items with the specification's scoping rules (section 4.2 of the
Metamath book) and computes frames: it is a third, deliberately plain
implementation of those rules, used to build valid databases and to say what
the kernel should read back from them.
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..kernel.model import Frame, Proof
from .choosers import Chooser

#: the statement kinds an `Item` may have; "{" and "}" open and close blocks
KINDS = ("c", "v", "d", "f", "e", "a", "p", "{", "}")


@dataclass(frozen=True)
class Item:
    """One statement: `kind` is a letter of KINDS, `math` the symbols after
    the keyword, `proof` the proof of a `$p`."""

    kind: str
    label: str = ""
    math: tuple[str, ...] = ()
    proof: Optional[Proof] = None

    def replace(self, **changes) -> "Item":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class TheoremInfo:
    """What the generator knows about a theorem's proof."""

    #: `$d` pairs (sorted) the proof needs: every pair of variables that the
    #: substitutions of a cited assertion's disjoint pair put side by side
    needed_dv: frozenset = frozenset()
    #: `$e` labels the proof pushes
    used_hyps: frozenset = frozenset()
    #: assertion labels the proof cites
    cited: frozenset = frozenset()
    #: the proof as a tree: (label, children) with children in frame order
    tree: tuple = ()


@dataclass
class GenDatabase:
    """A generated database: statements plus the generator's knowledge."""

    items: list[Item]
    info: dict[str, TheoremInfo] = field(default_factory=dict)

    def text(self, chooser: Optional[Chooser] = None) -> str:
        """The database as .mm text; with a chooser, in a random layout
        (comments between tokens, split proof letters, odd whitespace)."""
        return render(self.items, chooser)

    def with_items(self, items: Iterable[Item]) -> "GenDatabase":
        return GenDatabase(list(items), dict(self.info))

    def labelled(self) -> dict[str, Item]:
        return {it.label: it for it in self.items if it.label}

    def theorems(self) -> list[Item]:
        return [it for it in self.items if it.kind == "p"]


# ---------------------------------------------------------------------------
# scoping

@dataclass
class _Block:
    variables: list = field(default_factory=list)
    hyps: int = 0                                   # active hyps declared here
    pairs: list = field(default_factory=list)
    floats: list = field(default_factory=list)


class Scopes:
    """Replays items in order, keeping what is active, and records each
    assertion's frame.  Meant for well-formed input: statements that break
    a rule are applied anyway, as far as they make sense."""

    def __init__(self):
        self.constants: set[str] = set()
        self.variables: set[str] = set()          # active
        self.typed: dict[str, str] = {}           # variable -> type from its first $f
        self.floats: dict[str, str] = {}          # active variable -> its $f label
        self.hyps: list[Item] = []                # active $f/$e, in order of appearance
        self.pairs: Counter = Counter()           # active $d pairs
        self.blocks: list[_Block] = [_Block()]
        self.labels: dict[str, Item] = {}
        self.frames: dict[str, Frame] = {}
        self.proof_dv: dict[str, frozenset] = {}

    def add(self, item: Item) -> None:
        k = item.kind
        if k == "{":
            self.blocks.append(_Block())
        elif k == "}":
            self._close()
        elif k == "c":
            self.constants.update(item.math)
        elif k == "v":
            self.variables.update(item.math)
            self.blocks[-1].variables.extend(item.math)
        elif k == "d":
            vs = list(item.math)
            for i, x in enumerate(vs):
                for y in vs[i + 1:]:
                    p = pair(x, y)
                    self.pairs[p] += 1
                    self.blocks[-1].pairs.append(p)
        elif k in "fe":
            if k == "f":
                var = item.math[1]
                self.floats[var] = item.label
                self.typed.setdefault(var, item.math[0])
                self.blocks[-1].floats.append(var)
            self.hyps.append(item)
            self.blocks[-1].hyps += 1
            self.labels[item.label] = item
        elif k in "ap":
            self.frames[item.label] = self.frame(item.math)
            if k == "p":
                self.proof_dv[item.label] = self._proof_dv(item)
            self.labels[item.label] = item

    def _close(self) -> None:
        if len(self.blocks) == 1:
            return
        b = self.blocks.pop()
        if b.hyps:
            del self.hyps[len(self.hyps) - b.hyps:]
        for p in b.pairs:
            self.pairs[p] -= 1
            if not self.pairs[p]:
                del self.pairs[p]
        for v in b.variables:
            self.variables.discard(v)
        for v in b.floats:
            self.floats.pop(v, None)

    def mandatory_variables(self, math: Iterable[str]) -> set[str]:
        mv = {s for s in math if s in self.variables}
        for h in self.hyps:
            if h.kind == "e":
                mv.update(s for s in h.math if s in self.variables)
        return mv

    def frame(self, math: Iterable[str]) -> Frame:
        """The frame an assertion with this math string would have here."""
        mv = self.mandatory_variables(math)
        hyps = tuple(h.label for h in self.hyps if h.kind == "e" or h.math[1] in mv)
        return Frame(hyps, frozenset(p for p in self.pairs if p[0] in mv and p[1] in mv))

    def _proof_dv(self, item: Item) -> frozenset:
        # as the kernel defines it: active pairs among the mandatory variables
        # and the variables of the active $f labels the proof names
        vs = self.mandatory_variables(item.math)
        active_floats = {h.label: h.math[1] for h in self.hyps if h.kind == "f"}
        for lab in (item.proof.labels if item.proof else ()):
            if lab in active_floats:
                vs.add(active_floats[lab])
        return frozenset(p for p in self.pairs if p[0] in vs and p[1] in vs)

    def active_dv(self) -> frozenset:
        return frozenset(self.pairs)


def pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)


def replay(items: Iterable[Item]) -> Scopes:
    sc = Scopes()
    for it in items:
        sc.add(it)
    return sc


def expected_statements(items: list[Item]) -> list[tuple]:
    """What the kernel's `Database.statements()` should give for these items,
    as (label, kind, expression, frame, proof, proof_disjoint) tuples."""
    sc = Scopes()
    out = []
    for it in items:
        sc.add(it)
        if it.kind in "fe":
            out.append((it.label, it.kind, it.math, None, None, frozenset()))
        elif it.kind in "ap":
            out.append((it.label, it.kind, it.math, sc.frames[it.label], it.proof,
                        sc.proof_dv.get(it.label, frozenset())))
    return out


def statement_key(st) -> tuple:
    """A kernel `Statement` in the form `expected_statements` uses."""
    return (st.label, st.kind, st.expression, st.frame, st.proof, st.proof_disjoint)


# ---------------------------------------------------------------------------
# text

_KEYWORD = {"c": "$c", "v": "$v", "d": "$d", "f": "$f", "e": "$e", "a": "$a", "p": "$p"}
_COMMENT_WORDS = ["Theorem", "axiom", "of", "the", "$t", "$j", "x$y", "$[", "a.mm", "$]", "`", "~",
                  "ph", "$$", "$a", "$.", "-.", "(", ")", "$=", "1.", "see", "hyp"]
_SPACES = [" ", " ", " ", "  ", "\t", "\n", "\n  ", "\r\n", "\f"]


def proof_text(proof: Proof, chooser: Optional[Chooser] = None) -> str:
    """A proof as it appears after `$=`."""
    if not proof.compressed:
        return " ".join(proof.labels) if proof.labels else ""
    letters = proof.letters or ""
    if chooser is not None and letters:
        # letters may be split across tokens and comments (checklist 8, 28)
        parts, i = [], 0
        while i < len(letters):
            n = chooser.integer(1, max(1, min(len(letters) - i, 30)))
            parts.append(letters[i:i + n])
            i += n
        seps = [chooser.choice([" ", "\n", " $( split $) "]) for _ in parts[1:]]
        letters = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:]))
    inner = " ".join(proof.labels)
    return f"( {inner} ) {letters}" if inner else f"( ) {letters}"


def item_text(it: Item, chooser: Optional[Chooser] = None) -> str:
    if it.kind == "{":
        return "${"
    if it.kind == "}":
        return "$}"
    words = ([it.label] if it.label else []) + [_KEYWORD[it.kind]] + list(it.math)
    if chooser is not None and chooser.chance(0.1):
        # a comment between two tokens of the statement (checklist 8)
        i = chooser.integer(1, len(words))
        words.insert(i, _comment(chooser))
    text = " ".join(words)
    if it.kind == "p":
        text += " $= " + proof_text(it.proof or Proof(()), chooser)
    return text + " $."


def _comment(chooser: Chooser) -> str:
    n = chooser.integer(0, 5)
    return "$( " + " ".join(chooser.choice(_COMMENT_WORDS) for _ in range(n)) + " $)"


def render(items: list[Item], chooser: Optional[Chooser] = None) -> str:
    """Items as .mm text: one statement a line, indented by block depth, or
    with a chooser a random layout that must read back the same."""
    out: list[str] = []
    depth = 0
    for it in items:
        if it.kind == "}":
            depth -= 1
        if chooser is None:
            out.append("  " * max(depth, 0) + item_text(it) + "\n")
        else:
            if chooser.chance(0.05):
                out.append(_comment(chooser) + chooser.choice(_SPACES))
            out.append(item_text(it, chooser) + chooser.choice(_SPACES))
        if it.kind == "{":
            depth += 1
    text = "".join(out)
    if chooser is not None and not text.endswith("\n") and chooser.chance(0.5):
        text += "\n"
    return text
