"""A checker for the English renderings (`en`, `mixed`): what a reader
would trip over.

`surface_defects(text)` looks at the words alone; `defects(text, doc,
notation, style)` adds what the text must say about the theorem.  Each
defect is a `Defect(kind, detail)`, `kind` one of `KINDS`:

* `dangling`: a connective with nothing to connect: a proof whose first
  sentence opens with "Finally,", "Hence," ... (there is no earlier step to
  follow from), or a sentence or clause that ends on "and", "that", "of" ...;
* `doubled`: the same word twice in a row ("the the", "that that");
* `space`: a space before a comma or a full stop, or two spaces inside a
  line;
* `brackets`: parentheses, brackets, braces or angle brackets that do not
  balance (an interval's "[a, b)" pairs a bracket with a parenthesis and
  balances);
* `disjoint`: `$d` conditions not said as one natural sentence (the list of
  "pairs" wording), or a variable of a `$d` pair not named;
* `unmentioned`: a hypothesis, step or the conclusion the text does not
  state, or a step whose cited assertion it does not name.

Mentions are checked by `Reader`, which does not rerun the renderer: it
decides whether a text contains *some* reading of a formula, trying at every
node every template alternative (with or without parentheses around a
child) and the Unicode of the subterm, so it holds whatever the RNG drew.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .model import ProofDoc
from .notation import Notation

KINDS = ("dangling", "doubled", "space", "brackets", "disjoint", "unmentioned")


class Defect(NamedTuple):
    kind: str
    detail: str


#: words that join to what came before: a proof cannot open with them
_OPENERS = re.compile(r"(?:Proof[.:]|\bProof\b[.:]?)\s*(Finally|Hence|Therefore|Thus|So|"
                      r"Then|Consequently|Moreover|Also|Again|And)\b")
#: a clause that stops on a word that needs more after it
_HANGING = re.compile(r"\b(and|or|that|of|the|a|an|by|to|if|then|from|with|since|"
                      r"which|when|nor|either|both)\s*[.,;:](?=\s|$)")
_DOUBLED = re.compile(r"(?<![\w'’-])([A-Za-z]{2,})\s+\1(?![\w'’-])", re.I)
_SPACE = re.compile(r"\S[ \t]+[,.](?=\s|$)|[^\s] {2,}\S")
_PAIRS = re.compile(r"each of the pairs|the variables of each")
_OPEN, _CLOSE = "([", ")]"


def surface_defects(text: str, symbols=frozenset()) -> list[Defect]:
    """Defects visible in the words alone (any English text).  `symbols`:
    words that are a database's notation ("dom"): "dom dom 𝐷" is a
    formula, not a doubled word."""
    out: list[Defect] = []
    for m in _OPENERS.finditer(text):
        out.append(Defect("dangling", f"the proof opens with {m.group(1)!r}"))
    for m in _HANGING.finditer(text):
        out.append(Defect("dangling", f"clause ends on {m.group(1)!r}: {_around(text, m)}"))
    for m in _DOUBLED.finditer(text):
        if any(w in symbols for w in m.group(0).split()):
            continue
        # "that that" can be right ("shows that that set..."), but never here
        out.append(Defect("doubled", f"{m.group(0)!r}: {_around(text, m)}"))
    for line in text.splitlines():
        for m in _SPACE.finditer(line.strip()):
            out.append(Defect("space", f"{m.group(0)!r}: {_around(line.strip(), m)}"))
    out += _bracket_defects(text)
    if _PAIRS.search(text):
        out.append(Defect("disjoint", "distinct variables listed as pairs"))
    return out


def _around(text: str, m, width: int = 30) -> str:
    return "…" + text[max(0, m.start() - width):m.end() + width].replace("\n", " ") + "…"


def _bracket_defects(text: str) -> list[Defect]:
    """Round and square brackets balance as one kind (intervals mix them);
    braces and angle brackets each on their own; all per line, since a line
    of `mixed` holds a formal statement and its bracketing on its own."""
    out = []
    kinds = {"(": "(", "[": "(", ")": "(", "]": "(", "{": "{", "}": "{", "⟨": "⟨", "⟩": "⟨"}
    for line in text.splitlines():
        opened: dict[str, list[int]] = {"(": [], "{": [], "⟨": []}
        where = None
        for i, c in enumerate(line):
            k = kinds.get(c)
            if k is None:
                continue
            if c in "([{⟨":
                opened[k].append(i)
            elif opened[k]:
                opened[k].pop()
            else:
                where = i                 # a closer with nothing open
                break
        if where is None:
            left = [v[0] for v in opened.values() if v]
            where = min(left) if left else None
        if where is not None:
            out.append(Defect("brackets", f"unbalanced at {line[max(0, where - 40):where + 40]!r}"))
    return out


# -- mentions ------------------------------------------------------------------

class Reader:
    """Does a text contain a reading of a formula?  Tries, at every node,
    every alternative of its template (a child with or without parentheses)
    and the Unicode of the subterm (as prose shows it); case-insensitive, so
    a capitalised sentence start still matches."""

    def __init__(self, notation: Notation):
        from .english import prose_unicode, templates
        self.n = notation
        self.g = notation.grammar
        self.tpl = templates(notation)
        self.prose = prose_unicode

    def says(self, text: str, term) -> bool:
        text = text.lower()
        kids = self._children(term)
        memo: dict = {}
        symbols: dict = {}
        tpl = self.tpl

        def ends(pos: int, i: int) -> set[int]:
            key = (pos, i)
            if key in memo:
                return memo[key]
            memo[key] = set()                      # no left recursion: a guard
            out = set()
            shown = symbols.get(pos)
            if shown is None:
                sub = term[pos:kids[pos][1]]
                shown = symbols[pos] = {self.n.unicode(sub).lower(),
                                        self.prose(self.n.unicode(sub)).lower()}
                shown.add(tpl.uni(sub).lower())
            for s in shown:
                if text.startswith(s, i):
                    out.add(i + len(s))
            node = term[pos]
            rule = self.g.rules[node] if node >= 0 else None
            for alt, fixed in tpl.readings(term, pos, kids[pos][0]) if rule else ():
                at = {i}
                for piece in alt:
                    nxt = set()
                    if isinstance(piece, str):
                        p = piece.lower()
                        nxt = {s + len(p) for s in at if text.startswith(p, s)}
                    else:
                        child = kids[pos][0][rule.order[piece.index]]
                        for s in at:
                            nxt |= ends(child, s)
                            if piece.bracket and text.startswith("(", s):
                                nxt |= {e + 1 for e in ends(child, s + 1)
                                        if text.startswith(")", e)}
                    at = nxt
                    if not at:
                        break
                out |= at
            memo[key] = out
            return out

        # a reading starts with its first literal or its first child's
        # reading: try only where one of those starts
        firsts: dict = {}

        def first(pos: int) -> set[str]:
            got = firsts.get(pos)
            if got is not None:
                return got
            firsts[pos] = set()
            out = set(s[:1] for s in symbols.get(pos) or ()) or {
                self.n.unicode(term[pos:kids[pos][1]]).lower()[:1]}
            out.add(self.prose(self.n.unicode(term[pos:kids[pos][1]])).lower()[:1])
            out.add(tpl.uni(term[pos:kids[pos][1]]).lower()[:1])
            node = term[pos]
            rule = self.g.rules[node] if node >= 0 else None
            for alt, _ in tpl.readings(term, pos, kids[pos][0]) if rule else ():
                piece = alt[0]
                if isinstance(piece, str):
                    out.add(piece.lower()[:2])
                else:
                    out |= first(kids[pos][0][rule.order[piece.index]])
                    if piece.bracket:
                        out.add("(")
            firsts[pos] = out
            return out

        starts = set()
        for p in first(0):
            if not p:
                continue
            i = text.find(p)
            while i >= 0:
                starts.add(i)
                i = text.find(p, i + 1)
        return any(ends(0, i) for i in sorted(starts))

    def _children(self, term):
        """pos -> (child start positions in frame order, end position)."""
        out = {}
        arity = self.g.arity
        ends = [0] * len(term)
        for p in range(len(term) - 1, -1, -1):        # iterative: deep terms
            starts, q = [], p + 1
            for _ in range(arity(term[p])):
                starts.append(q)
                q = ends[q]
            ends[p] = q
            out[p] = (starts, q)
        return out


def mention_defects(text: str, doc: ProofDoc, notation: Notation, style: str) -> list[Defect]:
    """Every hypothesis, step and the conclusion stated; every step's cited
    assertion named (by label or by one of its phrases); in `mixed`, every
    row shown formally with its label."""
    from .english import templates
    reader = Reader(notation)
    tpl = templates(notation)
    out: list[Defect] = []
    for lab, t in doc.hypotheses:
        if not reader.says(text, t):
            out.append(Defect("unmentioned", f"hypothesis {lab}"))
    if style == "en" and not reader.says(text, doc.conclusion):
        out.append(Defect("unmentioned", "the conclusion"))
    low = text.lower()
    for i, st in enumerate(doc.steps):
        if not reader.says(text, st.term):
            out.append(Defect("unmentioned", f"step {i + 1} ({st.label})"))
        if st.label not in text and not any(p.lower() in low for p in tpl.phrases(st.label)):
            out.append(Defect("unmentioned", f"what step {i + 1} cites ({st.label})"))
    if style == "mixed":
        lines = text.splitlines()
        for lab, t in doc.hypotheses:
            if not any(notation.text(doc.typecode, t) in x and lab in x for x in lines):
                out.append(Defect("unmentioned", f"hypothesis {lab} formally"))
        for i, st in enumerate(doc.steps):
            if not any(notation.text(doc.typecode, st.term) in x and f"[{st.label}" in x
                       for x in lines):
                out.append(Defect("unmentioned", f"step {i + 1} formally"))
    for x, y in doc.disjoint:
        for v in (x, y):
            if notation.unicode_symbol(v) not in text:
                out.append(Defect("disjoint", f"{v} of $d {x} {y} not named"))
    return out


def defects(text: str, doc: ProofDoc, notation: Notation, style: str,
            mentions: bool = True) -> list[Defect]:
    """All defects of an `en` or `mixed` rendering of `doc` (the mentions
    too, unless `mentions` is false: the slow part)."""
    if style == "mixed":
        # the formal rows are Metamath ASCII: only the prose lines are English
        prose = "\n".join(x for x in text.splitlines() if x.startswith(" ") or
                          x.startswith(("In words", "That is", "Informally")))
    else:
        prose = text
    found = surface_defects(prose, notation_words(notation))
    return found + mention_defects(text, doc, notation, style) if mentions else found


def notation_words(notation: Notation) -> frozenset:
    """The database's symbols that are words ("dom", "ran", "suc")."""
    got = notation.quality_words
    if got is None:
        got = notation.quality_words = frozenset(
            u for u in notation.unicodedef.values() if re.fullmatch(r"[A-Za-z]{2,}", u))
    return got
