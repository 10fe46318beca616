"""English renderings: `en` (the theorem and its proof in prose) and `mixed`
(formal steps, each followed by its paraphrase).

Words come from templates (`templates/*.tpl`, in the language of
`templates/templates.lark`): a syntax axiom's template reads a formula built
with it ("if {1}, then {2}"), an assertion's template names what a step citing
it does ("modus ponens").  Where there is no template, a formula is shown in
Unicode (the database's `althtmldef`s) and an assertion is named by label
with the first sentence of its description comment, or by label alone.
Every choice (alternatives, sentence frames) is drawn from the caller's
seeded RNG: a rendering is a function of (doc, notation, rng state).

Templates are compiled once per `Notation` and cached with it; rendering is
string work on cached tables, cheap next to generating the theorem.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, NamedTuple, Optional, Sequence, Union

from ..syntax.types import Term
from .model import ProofDoc
from .notation import Notation


TEMPLATE_DIR = Path(__file__).resolve().with_name("templates")
GRAMMAR_PATH = TEMPLATE_DIR / "templates.lark"
#: the shipped template files; no label is defined in two of them (tested),
#: and each entry applies to any database that has the label
SHIPPED = ("set.tpl", "setclass.tpl", "hilbert.tpl")
#: more template files (separated by os.pathsep), read after the shipped
#: ones; an entry there replaces a shipped entry with the same label
ENV_VAR = "PROOFGEN_TEMPLATES"

#: formulas longer than this (in tree nodes) are shown in Unicode: a paraphrase
#: that long is harder to read than the symbols
MAX_WORDS_NODES = 30
#: chance that a rendering shows all its formulas in Unicode rather than words
SYMBOLIC_SHARE = 0.2
#: entries in each per-database cache of paraphrases (cleared when full)
CACHE_LIMIT = 100_000


# -- the template language ---------------------------------------------------

class TemplateError(ValueError):
    """A problem in a template file, located as `file:line:col: message`."""

    def __init__(self, file: str, line: int, column: int, message: str):
        super().__init__(f"{file}:{line}:{column}: {message}")
        self.file, self.line, self.column, self.message = file, line, column, message


class Slot(NamedTuple):
    """A placeholder: the syntax axiom's variable number `index` (0-based, in
    the order the variables appear in its statement); `bracket`: put the
    child in parentheses when it reads as an open phrase."""

    index: int
    bracket: bool


Piece = Union[str, Slot]


@dataclass(frozen=True)
class Entry:
    kind: str                                   # "syntax" | "assertion"
    label: str
    alternatives: tuple[tuple[Piece, ...], ...]
    file: str
    line: int
    column: int
    top: tuple[bool, ...] = ()                  # per alternative: outermost node only
    #: syntax(k=CONST): (k - 1, CONST), the variable that must be the constant
    spec: Optional[tuple[int, str]] = None

    @property
    def key(self) -> str:
        """What a later file's entry must repeat to replace this one."""
        if self.kind == "family":
            return f'family "{self.label}"'
        return f"{self.label}({self.spec[0] + 1}={self.spec[1]})" if self.spec else self.label

    @property
    def arity(self) -> int:
        """Placeholders {1}..{n} every alternative uses (0 for assertions),
        counting a specialised entry's fixed variable."""
        used = {p.index for p in self.alternatives[0] if isinstance(p, Slot)}
        if self.spec:
            used.add(self.spec[0])
        return len(used)

    def texts(self) -> list[str]:
        """The alternatives as written (placeholders as {k} / {(k)})."""
        return ["".join(p if isinstance(p, str) else
                        ("{(%d)}" if p.bracket else "{%d}") % (p.index + 1) for p in alt)
                for alt in self.alternatives]

    def inner(self) -> tuple[int, ...]:
        """Indices of the alternatives usable inside a formula."""
        return tuple(i for i in range(len(self.alternatives))
                     if not (self.top and self.top[i]))


@lru_cache(maxsize=1)
def _parser():
    from lark import Lark
    return Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr")


_EXPECTED = {"KIND": "'syntax', 'assertion' or 'family'", "LABEL": "a label",
             "STRING": 'a "string"', "SPEC": "a fixed variable (k=LABEL)",
             "VBAR": "'|'", "COLON": "':'", "SEMICOLON": "';'", "TOP": "'top'"}
# inside a string: an escape, a placeholder, a stray brace, plain text
_PIECE = re.compile(r'\\(.)|\{(\(?)(\d+)(\)?)\}|([{}])|([^\\{}]+)')


def parse_templates(text: str, file: str = "<templates>") -> list[Entry]:
    """The entries of a template file; `TemplateError` (with file:line:col)
    for anything malformed."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as e:
        line, col = e.line, e.column
        if isinstance(e, UnexpectedCharacters):
            msg = ("unterminated string" if e.char == '"'
                   else f"unexpected character {e.char!r}")
        elif isinstance(e, UnexpectedToken) and e.token.type != "$END":
            want = " or ".join(sorted(_EXPECTED.get(x, x) for x in e.expected))
            msg = f"unexpected {e.token.value!r}; expected {want}"
        else:
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
            msg = "unexpected end of file; an entry ends with ';'"
        raise TemplateError(file, line, col, msg) from None
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for node in tree.children:
        kind, name, *options = node.children
        label, *rest = name.children
        spec = None
        if label.type == "STRING":
            if kind != "family":
                raise TemplateError(file, label.line, label.column,
                                    f"a {kind} entry names a label, not a string")
            pattern = label.value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise TemplateError(file, label.line, label.column,
                                    f"bad regular expression: {exc}") from None
            key = f'family "{pattern}"'
        else:
            if kind == "family":
                raise TemplateError(file, label.line, label.column,
                                    'a family names its labels by a "regular expression"')
            pattern = str(label)
            if rest:
                if kind != "syntax":
                    raise TemplateError(file, rest[0].line, rest[0].column,
                                        "only syntax entries fix a variable")
                k, const = rest[0].value[1:-1].split("=")
                if int(k) < 1:
                    raise TemplateError(file, rest[0].line, rest[0].column,
                                        "variables are numbered from 1")
                spec = (int(k) - 1, const)
            key = pattern + (rest[0].value if rest else "")
        if key in seen:
            raise TemplateError(file, label.line, label.column,
                                f"{key} is already defined on line {seen[key]}")
        seen[key] = label.line
        strings = [o.children[-1] for o in options]
        top = tuple(len(o.children) == 2 for o in options)
        for o in options:
            if len(o.children) == 2 and kind != "syntax":
                mark = o.children[0]
                raise TemplateError(file, mark.line, mark.column,
                                    "'top' marks syntax alternatives only")
        if all(top):
            raise TemplateError(file, label.line, label.column,
                                f"{label}: every alternative is 'top'; one must be usable "
                                "inside a formula")
        alts = tuple(_pieces(file, kind, s) for s in strings)
        if kind == "syntax":
            want = _slots(alts[0])
            if spec and spec[0] not in want:
                # the fixed variable may be left out (its constant is read
                # by the words around it) in every alternative, or in none
                for s, alt in zip(strings, alts):
                    if spec[0] in _slots(alt):
                        raise TemplateError(
                            file, s.line, s.column,
                            f"{label}: every alternative must use the same placeholders")
            full = want | ({spec[0]} if spec else set())
            if full != set(range(len(full))):
                missing = min(set(range(max(full) + 1)) - full) + 1
                raise TemplateError(file, strings[0].line, strings[0].column,
                                    f"{label}: placeholder {{{missing}}} is never used")
            for s, alt in zip(strings[1:], alts[1:]):
                if _slots(alt) != want:
                    raise TemplateError(
                        file, s.line, s.column,
                        f"{label}: every alternative must use the same placeholders "
                        f"({', '.join('{%d}' % (k + 1) for k in sorted(want)) or 'none'})")
        entries.append(Entry(str(kind), pattern, alts, file, label.line, label.column, top,
                             spec))
    return entries


def _slots(alt) -> set[int]:
    return {p.index for p in alt if isinstance(p, Slot)}


def _pieces(file: str, kind, tok) -> tuple[Piece, ...]:
    body = tok.value[1:-1]
    out: list[Piece] = []
    text: list[str] = []

    def where(m) -> tuple[str, int, int]:
        return file, tok.line, tok.column + 1 + m.start()

    for m in _PIECE.finditer(body):
        esc, open_, num, close, stray, plain = m.groups()
        if plain is not None:
            text.append(plain)
        elif esc is not None:
            if esc not in '"\\{}':
                raise TemplateError(*where(m), f"unknown escape \\{esc}")
            text.append(esc)
        elif stray is not None:
            raise TemplateError(*where(m), "a brace must be part of a placeholder {k} or {(k)}; "
                                           "write \\{ or \\} for the character")
        else:
            if bool(open_) != bool(close):
                raise TemplateError(*where(m), "a bracketed placeholder is written {(k)}")
            if kind != "syntax":
                raise TemplateError(*where(m), f"{kind} templates are noun phrases and "
                                               "take no placeholders")
            if int(num) < 1:
                raise TemplateError(*where(m), "placeholders are numbered from {1}")
            if text:
                out.append("".join(text))
                text = []
            out.append(Slot(int(num) - 1, bool(open_)))
    if text:
        out.append("".join(text))
    if not any(isinstance(p, Slot) or p.strip() for p in out):
        raise TemplateError(file, tok.line, tok.column, "empty alternative")
    return tuple(out)


def read_templates(paths: Iterable[Union[str, Path]]) -> dict[str, Entry]:
    """Entries by label from template files; a later file's entry replaces
    an earlier one's."""
    out: dict[str, Entry] = {}
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        for e in parse_templates(text, str(path)):
            out[e.key] = e
    return out


def template_files() -> list[str]:
    """The template files renderings use, in the order they are read: the
    shipped ones, then those named by PROOFGEN_TEMPLATES."""
    extra = [p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p]
    return [str(TEMPLATE_DIR / name) for name in SHIPPED] + extra


def templates_fingerprint() -> str:
    """sha256 of the template files' contents in reading order: what a run
    records, so that a resumed run never mixes two wordings."""
    h = hashlib.sha256()
    for path in template_files():
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise TemplateError(path, 1, 1, f"cannot be read ({exc.strerror or exc})") from None
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


@lru_cache(maxsize=8)
def _entries(extra: tuple[str, ...]) -> dict[str, Entry]:
    return read_templates([TEMPLATE_DIR / name for name in SHIPPED] + list(extra))


# -- templates compiled for one database ----------------------------------------

def first_family(patterns: list[re.Pattern], labels) -> dict[str, int]:
    """label -> index of the first pattern matching all of it, for the
    labels some pattern matches.  One alternation of all the patterns, each
    in a named group, tries them in order in C (a loop over the patterns per
    label cost about a second on set.mm's 40,000 labels)."""
    if not patterns:
        return {}
    out: dict[str, int] = {}
    try:
        if any(p.groupindex for p in patterns):    # a pattern's own names would clash
            raise re.error("named groups")
        either = re.compile("|".join(f"(?P<f{k}>{p.pattern})" for k, p in enumerate(patterns)))
    except re.error:      # e.g. a global flag inside: one pattern at a time
        for label in labels:
            k = next((k for k, p in enumerate(patterns) if p.fullmatch(label)), None)
            if k is not None:
                out[label] = k
        return out
    for label in labels:
        m = either.fullmatch(label)
        if m is not None:
            # the outermost group closes last, so lastgroup names the alternative
            out[label] = int(m.lastgroup[1:])
    return out


class EnglishTemplates:
    """The templates that apply to one database, compiled against its
    grammar: a syntax entry applies to the syntax axiom with its label when
    the numbers of variables agree (a specialised one where its fixed
    variable is its constant); an assertion entry to the database's
    assertion with its label; a family to the assertions its pattern
    matches that have no entry of their own."""

    def __init__(self, notation: Notation, entries: dict[str, Entry]):
        self.notation = notation
        g = notation.grammar
        self.syntax: dict[str, Entry] = {}
        #: assertion label -> its own entry's phrases
        self.own: dict[str, tuple[str, ...]] = {}
        #: entries whose label is a syntax axiom of another shape here
        self.mismatched: list[str] = []
        self.arity = [r.arity for r in g.rules]
        # per rule id: its alternatives compiled (see _compile), or None;
        # specialised entries get ids after the grammar's (same arity)
        self.rules: list = [None] * len(g.rules)
        self.inner: list = [None] * len(g.rules)     # alternatives usable inside
        #: per rule id, the pieces of its alternatives (for readers)
        self.pieces: list = [None] * len(g.rules)
        #: rule id -> [(frame position, constant's rule id, specialised id)]
        self.special: dict[int, list] = {}
        #: specialised id -> the grammar's rule id
        self.base: dict[int, int] = {}
        #: constants (syntax axioms without variables) read as their symbol
        self.named: set[int] = set()
        for rid, r in enumerate(g.rules):
            e = entries.get(r.label)
            if r.label in g.excluded:
                continue
            if e is None or e.kind != "syntax":
                if r.arity == 0:
                    sym = prose_unicode(notation.unicode((rid,)))
                    alt = (sym.replace("{", "{{").replace("}", "}}"),)
                    self.rules[rid] = ((alt[0], (), False, ()),)
                    self.inner[rid] = (0,)
                    self.pieces[rid] = ((sym,),)
                    self.named.add(rid)
                continue
            if e.arity != r.arity:
                self.mismatched.append(r.label)
                continue
            self.syntax[r.label] = e
            self._add(rid, e, r)
        for key, e in entries.items():
            if e.kind != "syntax" or e.spec is None:
                continue
            rid = g.rule_index.get(e.label)
            crid = g.rule_index.get(e.spec[1])
            if rid is None or crid is None or e.label in g.excluded:
                continue
            r = g.rules[rid]
            if e.arity > r.arity or e.spec[0] >= r.arity or g.rules[crid].arity:
                self.mismatched.append(key)
                continue
            vid = len(self.rules)
            self.rules.append(None)
            self.inner.append(None)
            self.pieces.append(None)
            self.arity.append(r.arity)
            self._add(vid, e, r)
            self.base[vid] = rid
            self.syntax[key] = e
            self.special.setdefault(rid, []).append((r.order[e.spec[0]], crid, vid))
        # a child repeats the word before it only if some alternative starts
        # with that word: keep only those checks (`words` runs them per node)
        starts = {alt[0].split(" ", 1)[0] + " " for alts in self.pieces if alts
                  for alt in alts if isinstance(alt[0], str)}
        self.rules = [None if alts is None else
                      tuple((f, sl, op, tuple(x for x in leads if x[1] in starts))
                            for f, sl, op, leads in alts)
                      for alts in self.rules]
        self.kinds: dict[str, str] = {}      # assertion label -> axiom/definition/theorem
        for s in notation.syn.statements:
            if s.kind in "ap" and not g.typecodes.is_syntax(s.typecode):
                self.kinds[s.label] = ("theorem" if s.kind == "p" else
                                       "definition" if s.label.startswith("df-") else "axiom")
        families = [(re.compile(e.label), tuple("".join(alt) for alt in e.alternatives))
                    for e in entries.values() if e.kind == "family"]
        for label, e in entries.items():
            if e.kind == "assertion" and label in self.kinds:
                self.own[label] = tuple("".join(alt) for alt in e.alternatives)
        # families are matched when a label is first cited (matching all of
        # set.mm's labels up front cost half a second per worker)
        self._families = families
        self._family_of: dict[str, int] = {}       # label -> family index, -1: none
        self._all: Optional[tuple[dict, dict]] = None
        self._vars: dict[int, str] = {}
        self._leaves: dict[int, tuple] = {}
        self._inner: dict[Term, tuple[int, ...]] = {}
        self._said: dict[tuple, str] = {}
        self._described: dict[str, Optional[str]] = {}
        self._uni: dict[Term, str] = {}
        self._tok: dict[int, str] = {}
        self._individual: Optional[dict[str, bool]] = None    # made by `individual`

    def individual(self, name: str) -> bool:
        """Is `name` an individual variable (set.mm's setvar: one a class
        or term can be made of, or of a type named set/setvar/var)?"""
        kinds = self._individual
        if kinds is None:
            g = self.notation.grammar
            conv = {-1 - r.pattern[0] for r in g.rules if r.is_conversion}
            ind = {t for t, name_ in enumerate(g.types) if name_ in ("setvar", "set", "var")}
            ind |= {t for t in conv if g.types[t] not in ("wff", "class")}
            kinds = self._individual = {
                v.name: v.type in ind for v in reversed(g.variables)}
        return kinds.get(name, False)

    def _add(self, rid: int, e: Entry, r) -> None:
        self.rules[rid] = tuple(_compile(alt, r.order) for alt in e.alternatives)
        self.inner[rid] = e.inner()
        self.pieces[rid] = e.alternatives

    # -- formulas ------------------------------------------------------------
    def var(self, node: int) -> str:
        s = self._vars.get(node)
        if s is None:
            n = self.notation
            s = n.unicode_symbol(n.name(node))
            if s in (",", ".", ";", ":"):       # set.mm's `.,`: punctuation in prose
                s = n.name(node)
            s = self._vars[node] = s
        return s

    def uni(self, term: Term) -> str:
        """The term in Unicode as prose shows it (see `prose_unicode`;
        variables as `var` shows them)."""
        s = self._uni.get(term)
        if s is None:
            if len(self._uni) > CACHE_LIMIT:
                self._uni.clear()
            n, toks = self.notation, self._tok
            out = []
            for t in n.token_ids(term):
                u = toks.get(t)
                if u is None:
                    u = toks[t] = self.var(t) if t < 0 else n.unicode_symbol(n.name(t))
                out.append(u)
            s = " ".join(out).replace("( ", "(").replace(" )", ")")
            s = self._uni[term] = prose_unicode(s)
        return s

    def skip(self, term: Term, pos: int) -> int:
        """Position just after the subterm at `pos`."""
        arity = self.arity
        need = 1
        while need:
            node = term[pos]
            pos += 1
            need += (arity[node] if node >= 0 else 0) - 1
        return pos

    def rule_at(self, term: Term, pos: int) -> int:
        """The rule id that reads the node at `pos`: a specialised entry's
        where its constant is in place, else the node's own."""
        node = term[pos]
        sp = self.special.get(node)
        if sp:
            for fp, crid, vid in sp:
                p = pos + 1
                for _ in range(fp):
                    p = self.skip(term, p)
                if term[p] == crid:
                    return vid
        return node

    def readings(self, term: Term, pos: int, starts=None):
        """Every alternative (as pieces) that may read the node at `pos`:
        the specialised entry's, if one applies, and the node's own."""
        node = term[pos]
        out = []
        vid = self.rule_at(term, pos)
        if vid != node and self.pieces[vid]:
            out += [(alt, vid) for alt in self.pieces[vid]]
        if self.pieces[node]:
            out += [(alt, node) for alt in self.pieces[node]]
        return out

    def in_words(self, term: Term) -> tuple[int, int]:
        """(nodes read by a template, syntax nodes) of a term; variables do
        not count, constants read as their symbol do."""
        said = total = 0
        for pos, node in enumerate(term):
            if node >= 0:
                total += 1
                if self.rules[self.rule_at(term, pos)] is not None:
                    said += 1
        return said, total

    def words(self, term: Term, chosen: dict, root: dict) -> tuple[str, bool]:
        """The formula in words: (text, open), `open` when it would need
        parentheses inside a larger phrase.  `chosen` holds the alternative
        drawn for each syntax axiom (by `paraphrase`), `root` the one for the
        outermost node."""
        rules, arity, leaves, special = self.rules, self.arity, self._leaves, self.special
        # prefix order read backwards: every node finds its children, first
        # child on top, on a stack of (text, open, node)
        stack: list = []
        pos = len(term)
        for node in reversed(term):
            pos -= 1
            if node < 0:
                leaf = leaves.get(node)
                if leaf is None:
                    leaf = leaves[node] = (self.var(node), False, node)
                stack.append(leaf)
                continue
            n = arity[node]
            if n == 2:                  # most connectives: no slicing
                a = stack.pop()
                kids = (a, stack.pop())
            elif n == 1:
                kids = (stack.pop(),)
            elif n:
                kids = stack[-1:-n - 1:-1]
                del stack[-n:]
            else:
                kids = ()
            rid = node
            sp = special.get(node)
            if sp:
                for fp, crid, vid in sp:
                    if kids[fp][2] == crid:
                        rid = vid
                        break
            alts = rules[rid]
            if alts is None:
                text = self.uni(term[pos:self.skip(term, pos)])
                stack.append((text, not _closed(text), node))
                continue
            # no draw: a node under one shown in Unicode, whose text is unused
            fmt, slots, open_, leads = alts[(root if pos == 0 else chosen).get(rid, 0)]
            args = [kids[k][0] if k >= 0 else f"({kids[~k][0]})" if kids[~k][1] else kids[~k][0]
                    for k in slots]
            if leads:
                for j, word in leads:
                    if args[j].startswith(word):
                        args[j] = f"({args[j]})"
            text = fmt.format(*args)
            stack.append((text, kids[slots[0]][1] if open_ is None else open_, node))
        return stack[0][:2]

    def paraphrase(self, term: Term, rng: random.Random, chosen: dict, root: dict) -> str:
        """The formula in words, with the alternatives drawn in `chosen` (one
        per syntax axiom, drawn at its first use in a rendering, so that a
        text reads every connective the same way) and `root` (for the
        outermost node, which may read differently: "if A, then B" outside,
        "A implies B" inside).  Cached across renderings: the text is a
        function of the term and the draws for the rules in it, which are
        made before the cache is consulted, so the cache never changes what
        the RNG yields or what is said."""
        inner = self._inner.get(term)
        if inner is None:
            if len(self._inner) > CACHE_LIMIT:
                self._inner.clear()
            inner = self._inner[term] = self._rules_below(term)
        top, inner = inner[0], inner[1:]
        key = [term]
        if top >= 0:
            alts = self.rules[top]
            if alts is not None:
                i = root.get(top)
                if i is None:
                    i = root[top] = int(rng.random() * len(alts)) if len(alts) > 1 else 0
                key.append(i)
        for r in inner:
            i = chosen.get(r)
            if i is None:
                usable = self.inner[r]
                i = chosen[r] = usable[int(rng.random() * len(usable))] if len(usable) > 1 \
                    else usable[0]
            key.append(i)
        key = tuple(key)
        text = self._said.get(key)
        if text is None:
            if len(self._said) > CACHE_LIMIT:
                self._said.clear()
            text = self._said[key] = self.words(term, chosen, root)[0]
        return text

    def _rules_below(self, term: Term) -> tuple[int, ...]:
        """The rule reading the root, then the templated rules under it with
        several alternatives, in order of first appearance (where `words`
        will look for a draw)."""
        rules, special, inner = self.rules, self.special, self.inner
        seen: dict[int, None] = {}
        pos, n = 1, len(term)
        while pos < n:
            node = term[pos]
            if node >= 0:
                rid = self.rule_at(term, pos) if node in special else node
                if rules[rid] is None:       # shown in Unicode, with all below it
                    pos = self.skip(term, pos)
                    continue
                if len(inner[rid]) > 1 or rid not in self.named:
                    seen[rid] = None
            pos += 1
        top = self.rule_at(term, 0) if term[0] >= 0 else term[0]
        return (top,) + tuple(seen)

    # -- assertions ------------------------------------------------------------
    def description(self, label: str) -> Optional[str]:
        """The first sentence of the assertion's description comment, as
        plain text, or None."""
        got = self._described.get(label, False)
        if got is False:
            got = self._described[label] = _first_sentence(self.notation.comment(label),
                                                             self.notation)
        return got

    def _family(self, label: str) -> int:
        """Index of the first family naming `label` (-1: none), memoised."""
        k = self._family_of.get(label)
        if k is None:
            k = -1
            if label in self.kinds and label not in self.own:
                k = next((k for k, (p, _) in enumerate(self._families) if p.fullmatch(label)), -1)
            self._family_of[label] = k
        return k

    def alternatives(self, label: str) -> Optional[tuple[str, ...]]:
        """The phrases of `label`'s own entry, else of its family, else None."""
        alts = self.own.get(label)
        if alts is None:
            k = self._family(label)
            if k >= 0:
                alts = self._families[k][1]
        return alts

    def _everything(self) -> tuple[dict, dict]:
        if self._all is None:
            phrases = dict(self.own)
            family: dict[str, str] = {}
            named = [label for label in self.kinds if label not in self.own]
            for label, k in first_family([p for p, _ in self._families], named).items():
                phrases[label] = self._families[k][1]
                family[label] = self._families[k][0].pattern
            self._all = (phrases, family)
        return self._all

    @property
    def assertions(self) -> dict[str, tuple[str, ...]]:
        """Every assertion with phrases (own entry or family) -> them; for
        coverage reports: it matches every label of the database."""
        return self._everything()[0]

    @property
    def family(self) -> dict[str, str]:
        """Every assertion named by a family -> the family's pattern."""
        return self._everything()[1]

    def phrases(self, label: str) -> tuple[str, ...]:
        """Every phrase a step citing `label` may name it by (besides the
        label, which the description fallback always shows)."""
        return self.alternatives(label) or ()

    def name(self, label: str, rng: random.Random, lemmas) -> str:
        """A noun phrase for what citing `label` does."""
        if label in lemmas:
            return f"Lemma {label}"
        alts = self.alternatives(label)
        if alts is not None:
            phrase = alts[int(rng.random() * len(alts))]
            # a family's phrase names a kind of law: the label says which
            return f"{phrase} ({label})" if rng.random() < 0.4 or label not in self.own \
                else phrase
        kind = self.kinds.get(label, "theorem")
        what = self.description(label)
        return f"{kind} {label} ({_gloss(what, kind)})" if what else f"{kind} {label}"


def _compile(alt: Sequence[Piece], order: Sequence[int]):
    """An alternative as (format string, slots, open): slot j of the format
    is child k (frame order) as is, or ~k bracketed when open; open None
    means "as the child" (for "{1}")."""
    # placeholders name variables in statement order; children come in frame order
    slots = tuple(~order[p.index] if p.bracket else order[p.index]
                  for p in alt if isinstance(p, Slot))
    fmt, j = [], 0
    for p in alt:
        if isinstance(p, str):
            fmt.append(p.replace("{", "{{").replace("}", "}}"))
        else:
            fmt.append("{%d}" % j)
            j += 1
    # a child whose words would repeat the word before it ("not not 𝜑")
    # is put in parentheses: (slot number, that word)
    leads = []
    for j, (p, q) in enumerate(zip(alt, alt[1:])):
        if isinstance(q, Slot) and isinstance(p, str) and p.endswith(" "):
            word = p.split()[-1:] if p.strip() else []
            if word and word[0].isalpha():
                leads.append((sum(isinstance(x, Slot) for x in alt[:j + 1]), word[0] + " "))
    leads = tuple(leads)
    first, last = alt[0], alt[-1]
    if len(alt) == 1 and isinstance(first, Slot) and not first.bracket:
        return "".join(fmt), slots, None, leads
    # open: two children or more ("{(1)} and {(2)}", "exactly one of {(1)}
    # and {(2)} holds": inside another list either would misread), or a
    # child's words run to an edge ("it is not the case that {1}");
    # "not {(1)}" and constants ("true") are closed
    raw_edge = any(isinstance(p, Slot) and not p.bracket for p in (first, last))
    return "".join(fmt), slots, (raw_edge or len(slots) >= 2) and not _bracketed(alt), leads


def _bracketed(alt: Sequence[Piece]) -> bool:
    """An alternative that reads as one unit whatever its children: no
    space outside the brackets it opens and closes itself, and no plain {k}
    at either end ("{(1)}({2})", "⟨{1}, {2}⟩", "|{2}|", "𝒫{(1)}")."""
    if any(isinstance(p, Slot) and not p.bracket for p in (alt[0], alt[-1])):
        return False
    depth = 0
    for p in alt:
        if isinstance(p, Slot):
            continue
        for c in p:
            if c in "([{⟨⌊":
                depth += 1
            elif c in ")]}⟩⌋":
                depth -= 1
                if depth < 0:
                    return False
            elif c == " " and depth == 0:
                return False
    return depth == 0


_GROUPS = {"(": ")", "{": "}", "⟨": "⟩", "[": "]"}


def _closed(text: str) -> bool:
    """Unicode that reads as one unit: no spaces, or one bracketed group
    ("(𝐴 + 𝐵)", "{𝑥 ∣ 𝜑}", "⟨𝐴, 𝐵⟩")."""
    if " " not in text:
        return True
    close = _GROUPS.get(text[0])
    if close is None or text[-1] != close:
        return False
    open_ = text[0]
    depth = 0
    for i, c in enumerate(text):
        depth += (c == open_) - (c == close)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


#: spaces the database's Unicode keeps between symbols that prose drops:
#: "{𝑥 ∣ 𝜑}", "⟨𝐴, 𝐵⟩", "if(𝜑, 𝐴, 𝐵)", "[𝐴 / 𝑥]𝜑"
_TIDY = (("{ ", "{"), (" }", "}"), ("⟨ ", "⟨"), (" ⟩", "⟩"), (" , ", ", "), ("[ ", "["),
         (" ]", "]"), ("“ ", "“"), (" ”", "”"), ("if (", "if("))


_DECIMAL = re.compile(r"((?:; )+)((?:[0-9] )+[0-9])")


def _digits(m) -> str:
    # set.mm's decimal constructor: "; ; 4 0 1" is 401
    return m.group(2).replace(" ", "") if m.group(1).count(";") == m.group(2).count(" ") \
        else m.group(0)


def prose_unicode(text: str) -> str:
    """A formula's Unicode (`Notation.unicode`) as prose shows it: no space
    inside braces, angle brackets or square brackets, none before a comma;
    decimal numbers as digits ("; 4 8" is 48)."""
    if " " not in text:
        return text
    for a, b in _TIDY:
        if a in text:
            text = text.replace(a, b)
    if "; " in text:
        text = _DECIMAL.sub(_digits, text).replace("; ", ";")
    return text


_VERB = re.compile(r"\b(is|are|was|were|has|have|had|holds|hold|implies|imply|yields?|gives?|"
                   r"equals?|exists?|contains?|belongs?|preserves?|means|can|cannot|may|must|"
                   r"will|does|do|satisf(?:y|ies)|follows?|commutes?|distributes?|becomes?|"
                   r"lies|lie|agrees?|converges?|divides?|maps?|sends?|takes?)\b")
_DETERMINER = re.compile(r"(a|an|the|this|that|these|those|any|every|each|some|no|two|three|"
                         r"one|its|their|our)\b|[A-Z]\w*'s\b", re.I)


#: verbs that open set.mm's descriptions of what a theorem is for
_IMPERATIVE = frozenset(
    "extract eliminate introduce add remove show prove derive convert swap rewrite replace "
    "express infer deduce specialize generalize distribute move change combine import "
    "export join split use apply restate transfer substitute commute drop absorb reverse "
    "obtain compute calculate simplify reduce expand negate weaken strengthen discharge "
    "detach bound count compare assert state relate".split())


def _gloss(what: str, kind: str) -> str:
    """A description's first sentence as a parenthetical that reads after
    "theorem fvres": a clause as "which says that ...", an instruction
    ("define ...") as "which defines ...", a noun phrase with an article."""
    first, _, rest = what.partition(" ")
    if first.lower() in ("define", "defines") and rest:
        return "which defines " + rest
    if first.lower() in _IMPERATIVE and rest:
        return "used to " + what[0].lower() + what[1:]
    if first.lower() in ("if", "when", "whenever") or _VERB.search(what.split("(")[0]):
        return "which says that " + what
    if _DETERMINER.match(what) or not what[:1].isalpha():
        return what
    return "the " + what


_CACHE: "weakref.WeakKeyDictionary[Notation, EnglishTemplates]" = weakref.WeakKeyDictionary()


def templates(notation: Notation) -> EnglishTemplates:
    """The templates for `notation`'s database, compiled once per Notation."""
    got = _CACHE.get(notation)
    if got is None:
        extra = tuple(p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p)
        got = _CACHE[notation] = EnglishTemplates(notation, _entries(extra))
    return got


def formula(notation: Notation, typecode: str, term: Term, rng: random.Random) -> str:
    """A formula in English: syntax templates where they exist, Unicode
    for subterms without one; variables as their Unicode symbols."""
    tpl = templates(notation)
    try:
        return tpl.paraphrase(term, rng, {}, {})
    except RecursionError:       # absurdly deep: symbols still read
        return tpl.uni(term)


# -- description comments --------------------------------------------------------

_MATH = re.compile(r"`(.*?)`", re.S)
_TAGS = re.compile(r"<[^>]*>")
_TILDE = re.compile(r"~\s+(\S+)")
_ITALIC = re.compile(r"(?<!\w)_([^_\s](?:[^_]*[^_\s])?)_(?!\w)")
_ABBREV = {"e.g", "i.e", "p", "pp", "cf", "vs", "resp", "etc", "ch", "sec", "no", "ed", "al",
           "approx", "viz", "thm", "prop", "def", "ax", "eq", "fig", "vol"}
_END = re.compile(r"[.!?](?=\s+[A-Z(\[`~\"]|\s*$)")   # also before a quotation
MAX_DESCRIPTION = 160
_CREDIT = re.compile(r"\((?:Contributed|Revised|Proof shortened|Proof modification|"
                     r"New usage|Modified|Shortened|Proof revised|Corrected|Added|Moved)\b",
                     re.I)
#: "Obsolete proof of ~ foo as of 5-Jan-2021." (set.mm's *OLD): not a description
_OBSOLETE = re.compile(r"(?i)\b(?:obsolete|old)\s+(?:proof|version)\s+of\b.*?(?:\.(?=\s|$)|$)")
#: a bibliographic reference, as set.mm writes them: "[Margaris] p. 49",
#: "Theorem 5.2 of [Mendelson] p. 55", "Axiom *2.01 of [WhiteheadRussell] p. 100"
_CITE = re.compile(
    r"(?:\b(?:[Ss]ee|[Cc]ompare(?: with)?|[Cc]f\.|[Ff]rom|[Ii]n)\s+)?"
    r"(?:(?:[Tt]heorem|[Aa]xiom|[Dd]efinition|[Ll]emma|[Ee]xercise|[Pp]roposition|[Cc]orollary|"
    r"[Rr]ule|[Ee]xample|[Rr]emark|[Pp]art|[Pp]roblem|[Ss]ection|[Cc]hapter|[Ss]cheme|"
    r"[Pp]ostulate|[Ff]ormula|[Ee]quation|[Ii]tem|[Dd]ef\.|[Tt]hm\.|[Pp]rop\.|[Aa]x\.)"
    r"\s+[\w*.:'()-]*\w[)]?\s+(?:of|in)\s+)?"
    r"\[[A-Z][\w.-]*\](?:'s)?"
    r"(?:\s*,?\s*(?:pp?\.|page|Section|Sec\.|Ch\.|Chapter)\s*[\w*-]+(?:\.\d+)*"
    r"(?:\s*(?:,|and|-|–)\s*\w*\d\w*(?:\.\d+)*)*)*")
#: what a removed reference leaves: "()", "( , )", ", ." and the like
_CITE_LEFT = re.compile(r"\(\s*(?:(?:and|or|also|see|,|;)\s*)*\)|\[\s*\]")
_CITE_SENTENCE = re.compile(r"(?i)(?:^|(?<=[.;:]))(?:\s*(?:this|it|is|and|or|also|see|compare|"
                            r"with|cf\.|,))*\s*(?:[.,;:]+|$)")
_TWICE = re.compile(r"\b(the|a|an|of|to|is|in|and|or|for|by|on|with) \1\b")
_LOOSE = re.compile(r"\s+([,.;:])(?=\s|$)")


def _first_sentence(comment: Optional[str], notation: Notation) -> Optional[str]:
    """The first sentence of a description comment in plain text: math
    strings in Unicode, `~ label` as the label, markup dropped."""
    if not comment:
        return None
    text = comment.replace("``", "\0")

    def math(m) -> str:
        syms = [notation.unicode_symbol(t) for t in m.group(1).replace("\0", "`").split()]
        return prose_unicode(" ".join(syms).replace("( ", "(").replace(" )", ")"))

    text = _CREDIT.split(text, 1)[0]          # "(Contributed by ...)" and after
    text = _without_citations(text)
    text = _MATH.sub(math, text).replace("\0", "`")
    text = _TILDE.sub(r"\1", _TAGS.sub("", text))
    text = _ITALIC.sub(r"\1", text)
    text = _LOOSE.sub(r"\1", text)           # "on 𝑥 ." (a math string, then a stop)
    text = _TWICE.sub(r"\1", text)           # a comment's typo: "and the the least"
    end = len(text)
    for m in _END.finditer(text):
        word = text[:m.start()].rsplit(None, 1)[-1].lstrip("(") if m.start() else ""
        if m.group() == "." and (word.lower() in _ABBREV or len(word) == 1 and
                                 "A" <= word <= "Z"):
            continue             # "e.g.", "p. 101", "A. N. Other"
        end = m.start()
        break
    s = _balanced(" ".join(text[:end].split())).rstrip(" .;:,")
    if not s:
        return None
    if len(s) > MAX_DESCRIPTION:
        # never cut inside a parenthesis: the unclosed part goes
        s = _balanced(s[:MAX_DESCRIPTION].rsplit(" ", 1)[0]).rstrip(" ,;:") + " …"
    first = s.split(" ", 1)[0]
    if first[:1].isupper() and (first[1:].islower() or first == "A") \
            and not first.endswith("'s"):
        s = s[0].lower() + s[1:]      # "Inference adding ..." -> "inference adding ..."
    return s


def _without_citations(text: str) -> str:
    """A description without "obsolete proof of ..." sentences and
    bibliographic references that are only citations ("[Margaris] p. 49",
    "Theorem 5.2 of [Mendelson] p. 55"); what the removal leaves empty
    ("()", a sentence of punctuation) goes too."""
    if "[" not in text and "bsolete" not in text and "ld " not in text:
        return text
    text = _OBSOLETE.sub("", text)
    if "[" in text:
        text = _CITE.sub("", text)
        for _ in range(2):
            text = _CITE_LEFT.sub("", text)
        text = _CITE_SENTENCE.sub("", text)
        text = re.sub(r"\s+([,.;:)])", r"\1", text)
        text = re.sub(r"\(\s+", "(", text)
    return text.strip()


def _balanced(s: str) -> str:
    """`s` without a closing parenthesis that closes nothing (a typo in a
    comment, "a number.)") and without an opening one left open; round
    and square brackets pair with each other, as in "[0, 1)"."""
    if "(" not in s and ")" not in s:
        return s
    out, open_ = [], []
    for c in s:
        if c in ")]":
            if not open_:
                continue
            open_.pop()
        elif c in "([":
            open_.append(len(out))
        out.append(c)
    if open_:
        del out[open_[0]:]
    return "".join(out)


# -- rendering ------------------------------------------------------------------

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth", "eleventh", "twelfth")


def _pick(seq, rng: random.Random):
    return seq[int(rng.random() * len(seq))]


def _cap(s: str) -> str:
    """Capitalise a sentence that starts with an English word."""
    c = s[:1]
    return c.upper() + s[1:] if "a" <= c <= "z" else s


def _and(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class _Text:
    """One rendering's choices: how formulas are shown (drawn once), each
    formula's paraphrase (made once, so it reads the same every time)."""

    __slots__ = ("tpl", "notation", "doc", "rng", "symbolic", "said", "chosen", "root")

    def __init__(self, tpl: EnglishTemplates, doc: ProofDoc, rng: random.Random):
        self.tpl = tpl
        self.notation = tpl.notation
        self.doc = doc
        self.rng = rng
        self.symbolic = rng.random() < SYMBOLIC_SHARE
        self.said: dict[Term, str] = {}
        self.chosen: dict = {}
        self.root: dict = {}

    def f(self, term: Term) -> str:
        """The formula as a clause: "φ implies ψ", "φ holds"."""
        s = self.said.get(term)
        if s is None:
            if len(term) == 1:          # "suppose that φ holds", not "that φ"
                s = self.tpl.uni(term) + " holds"
            elif self.symbolic or len(term) > MAX_WORDS_NODES:
                s = self.tpl.uni(term)
            else:
                try:
                    s = self.tpl.paraphrase(term, self.rng, self.chosen, self.root)
                except RecursionError:
                    s = self.tpl.uni(term)
            self.said[term] = s
        return s

    def q(self, term: Term) -> str:
        """The formula in quotes: “φ”, “φ implies ψ”."""
        return "“" + (self.tpl.uni(term) if len(term) == 1 else self.f(term)) + "”"

    # -- the statement -------------------------------------------------------
    def statement(self, doc: ProofDoc, numbered: bool) -> str:
        """"Suppose that A, and that B. Then C." (hypotheses tagged (1), (2)
        when `numbered`)."""
        rng = self.rng
        c = self.f(doc.conclusion)
        if not doc.hypotheses:
            # never a bare "{c}.": a sentence must not start with a formula
            # ("x = x" would be capitalised)
            return _cap(_pick(("it holds that {c}.", "we show that {c}.",
                               "the following holds: {c}."), rng).format(c=c))
        hyps = [self.f(t) for _, t in doc.hypotheses]
        if numbered:
            given = _and([f"({i + 1}) {h}" for i, h in enumerate(hyps)])
            frame = _pick(("suppose that {h}. Then {c}.", "assume {h}. We show that {c}.",
                           "assume that {h}. We prove that {c}."), rng)
        else:
            given = "that " + hyps[0] if len(hyps) == 1 else \
                ", ".join("that " + h for h in hyps[:-1]) + ", and that " + hyps[-1]
            # clauses end at a full stop: "given that A, B" misreads when A
            # is "if φ, then ψ"
            frame = _pick(("suppose {h}. Then {c}.", "assume {h}. We show that {c}.",
                           "suppose {h}. We prove that {c}."), rng)
        return _cap(frame.format(h=given, c=c))

    def disjoint(self, doc: ProofDoc) -> str:
        """The `$d` conditions as one sentence: "Here 𝑥 and 𝑦 are distinct
        variables, and 𝑥 does not occur in 𝐴." """
        if not doc.disjoint:
            return ""
        return " Here " + disjoint_clauses(doc.disjoint, self.tpl.individual,
                                           self.notation.unicode_symbol) + "."

    def lemma(self, d: ProofDoc) -> str:
        c = self.f(d.conclusion)
        if not d.hypotheses:
            return _pick((f"Recall Lemma {d.label}: {c}.", f"Lemma {d.label} states that {c}."),
                         self.rng)
        hyps = _and([self.q(t) for _, t in d.hypotheses])
        c = self.q(d.conclusion)
        return _pick((f"Recall Lemma {d.label}: from {hyps}, infer {c}.",
                      f"Lemma {d.label} derives {c} from {hyps}."), self.rng)

    # -- steps ---------------------------------------------------------------
    def step(self, i: int, refs: list[str], clauses: list[str], last: bool) -> str:
        """The sentence for step i, citing its premises by `refs` (noun
        phrases) or, in "since" frames, by `clauses` (their statements)."""
        doc, rng = self.doc, self.rng
        st = doc.steps[i]
        j = self.tpl.name(st.label, rng, doc.lemmas)
        c = self.f(st.term)
        if refs:
            # "since" wants short clauses, and none that reads "since if ..."
            frames = _WITH_PREMISES if len(clauses) > 2 or any(
                x.startswith("if ") for x in clauses) else _WITH_PREMISES + _SINCE
            s = _pick(frames, rng).format(j=j, r=_and(refs), c=c,
                                          s=", and since ".join(clauses))
        else:
            s = _pick(_WITHOUT_PREMISES, rng).format(j=j, c=c)
        if last and i:
            # never on a first sentence: there is nothing to follow from
            s = _pick(("finally, ", "hence, ", "therefore, ", "thus, ", ""), rng) + s
        return _cap(s)


def disjoint_clauses(pairs: Sequence[tuple[str, str]], individual, sym) -> str:
    """`$d` pairs as clauses of one sentence: individual variables that
    must differ ("𝑥, 𝑦 and 𝑧 are distinct variables", "𝑥 is distinct from
    𝑦 and 𝑧"), individual variables that must not occur in a class or
    formula ("𝑥 does not occur in 𝐴", "𝑥 and 𝑦 occur in neither 𝐴 nor
    𝐵"), and other pairs ("𝐴 and 𝐵 share no variable").  `individual(name)`
    tells an individual variable; `sym` gives a variable's symbol."""
    order: dict[str, int] = {}
    for x, y in pairs:
        order.setdefault(x, len(order))
        order.setdefault(y, len(order))
    edges: dict[str, set[str]] = {}
    occurs: dict[str, list[str]] = {}            # other variable -> individuals
    others: list[tuple[str, str]] = []
    for x, y in dict.fromkeys(tuple(sorted(p, key=order.get)) for p in pairs if p[0] != p[1]):
        ix, iy = individual(x), individual(y)
        if ix and iy:
            edges.setdefault(x, set()).add(y)
            edges.setdefault(y, set()).add(x)
        elif ix or iy:
            s, o = (x, y) if ix else (y, x)
            occurs.setdefault(o, []).append(s)
        else:
            others.append((x, y))
    clauses: list[str] = []
    names = lambda vs: _and([sym(v) for v in sorted(vs, key=order.get)])  # noqa: E731
    while any(edges.values()):
        # the largest clique greedily, from the variable with most neighbours
        v = max((u for u in edges if edges[u]), key=lambda u: (len(edges[u]), -order[u]))
        clique = [v]
        for u in sorted(edges[v], key=lambda u: (-len(edges[u]), order[u])):
            if all(u in edges[w] for w in clique):
                clique.append(u)
        if len(clique) >= 3:
            clauses.append(f"{names(clique)} are distinct variables")
            for a in clique:
                edges[a] -= set(clique)
        else:
            nb = edges[v]
            if len(nb) == 1:
                clauses.append(f"{names([v] + list(nb))} are distinct variables")
            else:
                clauses.append(f"{sym(v)} is distinct from {names(nb)}")
            for u in nb:
                edges[u].discard(v)
            edges[v] = set()
    groups: dict[tuple, list[str]] = {}
    for o, ss in occurs.items():
        groups.setdefault(tuple(sorted(set(ss), key=order.get)), []).append(o)
    for ss, os_ in groups.items():
        who = names(ss)
        if len(os_) == 1:
            verb = "does not occur" if len(ss) == 1 else "do not occur"
            clauses.append(f"{who} {verb} in {sym(os_[0])}")
        elif len(os_) == 2:
            verb = "occurs" if len(ss) == 1 else "occur"
            a, b = sorted(os_, key=order.get)
            clauses.append(f"{who} {verb} in neither {sym(a)} nor {sym(b)}")
        else:
            verb = "occurs" if len(ss) == 1 else "occur"
            clauses.append(f"{who} {verb} in none of {names(os_)}")
    for x, y in others:
        clauses.append(f"{sym(x)} and {sym(y)} share no variable")
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


# Frames in lower case (capitalised where a sentence starts); "by J" comes
# before "that C", never after C, where it could attach to a part of C.
_WITH_PREMISES = (
    "from {r}, we obtain by {j} that {c}.",
    "from {r}, {j} gives that {c}.",
    "applying {j} to {r}, we get that {c}.",
    "by {j} applied to {r}, {c}.",
    "{j} applied to {r} yields that {c}.",
)
_SINCE = (
    "since {s}, {j} gives that {c}.",
    "since {s}, it follows by {j} that {c}.",
)
_WITHOUT_PREMISES = (
    "by {j}, {c}.",
    "{j} gives that {c}.",
    "we have by {j} that {c}.",
    "it holds by {j} that {c}.",
)


def _premises(doc: ProofDoc, i: int) -> list[int]:
    """Step i's premises, each once, in order."""
    return list(dict.fromkeys(doc.steps[i].premises))


def _cited_lemmas(doc: ProofDoc) -> list[ProofDoc]:
    return [doc.lemmas[lab] for lab in doc.uses() if lab in doc.lemmas]


def render_en(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    """"Theorem. Suppose that ... Then ... Proof. ... ∎": every hypothesis
    stated, every step a sentence naming what it cites."""
    tpl = templates(notation)
    w = _Text(tpl, doc, rng)
    n_hyps = len(doc.hypotheses)
    # how hypotheses are cited: by number, by ordinal, or by content
    style = _pick(("number", "ordinal", "content"), rng) if n_hyps else ""
    head = _pick(("Theorem.", f"Theorem {doc.label}.", "Proposition."), rng)
    parts = [head, " ", w.statement(doc, style == "number"), w.disjoint(doc)]
    if doc.restates:
        parts.append(f" (This is {doc.restates} of the database.)")
    lemmas = _cited_lemmas(doc)
    parts.append("\n\n")
    for d in lemmas:
        parts.append(w.lemma(d) + " ")
    parts.append(_pick(("Proof.", "Proof:"), rng))

    def hyp_ref(k: int) -> str:
        if style == "number":
            return _pick((f"({k + 1})", f"hypothesis ({k + 1})"), rng)
        if style == "ordinal":
            if n_hyps == 1:
                return "the hypothesis"
            return f"the {_ORDINALS[k]} hypothesis" if k < len(_ORDINALS) else \
                f"hypothesis {k + 1}"
        return f"the hypothesis {w.q(doc.hypotheses[k][1])}"

    last = len(doc.steps) - 1
    for i in range(len(doc.steps)):
        refs, clauses = [], []
        for p in _premises(doc, i):
            if p < 0:
                refs.append(hyp_ref(-1 - p))
                clauses.append(w.f(doc.hypotheses[-1 - p][1]))
            else:
                # quoted: a clause inside a list of references would misread
                refs.append(_pick(("this", "the previous step"), rng) if p == i - 1
                            else f"the earlier result {w.q(doc.steps[p].term)}")
                clauses.append(w.f(doc.steps[p].term))
        parts.append(" " + w.step(i, refs, clauses, i == last))
    parts.append(" " + _pick(("∎", "This completes the proof.", "∎"), rng))
    return "".join(parts) + "\n"


def render_mixed(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    """Numbered formal rows (hypotheses, then steps), each followed by its
    paraphrase; the statement first, formally and in words."""
    tpl = templates(notation)
    w = _Text(tpl, doc, rng)
    text = notation.text
    tc = doc.typecode
    lines = [f"Theorem {doc.label}: {_formal(doc, notation)}"]
    if doc.disjoint:
        lines.append("Distinct variables: " + "; ".join(f"{x}, {y}" for x, y in doc.disjoint))
    lines.append(_pick(("In words: ", "That is: ", "Informally: "), rng)
                 + w.statement(doc, False) + w.disjoint(doc))
    for d in _cited_lemmas(doc):
        lines.append(f"Lemma {d.label}: {_formal(d, notation)}")
        lines.append("   " + w.lemma(d))
    lines.append("")
    rows: list[tuple[str, str, str]] = []      # number, formal, [how]
    says: list[str] = []
    number: dict[int, int] = {}
    ref_style = _pick(("{}", "({})", "line {}", "step {}"), rng)
    assume = _pick(("Assume that {}.", "Hypothesis: {}.", "We are given that {}.",
                    "Suppose that {}."), rng)
    for k, (lab, t) in enumerate(doc.hypotheses):
        number[-1 - k] = len(rows) + 1
        rows.append((str(len(rows) + 1), text(tc, t), f"[hypothesis {lab}]"))
        says.append(_cap(assume.format(w.f(t))))
    last = len(doc.steps) - 1
    for i, st in enumerate(doc.steps):
        prem = _premises(doc, i)
        refs = [ref_style.format(number[p]) for p in prem]
        clauses = [w.f(doc.hypotheses[-1 - p][1] if p < 0 else doc.steps[p].term) for p in prem]
        number[i] = len(rows) + 1
        how = st.label + (", from " + _and([str(number[p]) for p in prem]) if prem else "")
        rows.append((str(len(rows) + 1), text(tc, st.term), f"[{how}]"))
        says.append(w.step(i, refs, clauses, i == last))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    pad = " " * (w0 + 2)
    for (n, formal, how), say in zip(rows, says):
        lines.append(f"{n.ljust(w0)}  {formal.ljust(w1)}  {how}")
        lines.append(pad + say)
    return "\n".join(lines) + "\n"


def _formal(doc: ProofDoc, notation: Notation) -> str:
    hyps = " & ".join(notation.text(doc.typecode, t) for _, t in doc.hypotheses)
    concl = notation.text(doc.typecode, doc.conclusion)
    return f"{hyps} => {concl}" if hyps else concl
