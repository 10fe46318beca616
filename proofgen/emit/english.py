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

from .model import ProofDoc
from .notation import Notation

Term = tuple

TEMPLATE_DIR = Path(__file__).resolve().with_name("templates")
GRAMMAR_PATH = TEMPLATE_DIR / "templates.lark"
#: the shipped template files; no label is defined in two of them (tested),
#: and each entry applies to any database that has the label
SHIPPED = ("set.tpl", "hilbert.tpl")
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

    @property
    def arity(self) -> int:
        """Placeholders {1}..{n} every alternative uses (0 for assertions)."""
        return len({p.index for p in self.alternatives[0] if isinstance(p, Slot)})

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


_EXPECTED = {"KIND": "'syntax' or 'assertion'", "LABEL": "a label", "STRING": 'a "string"',
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
        kind, label, *options = node.children
        if str(label) in seen:
            raise TemplateError(file, label.line, label.column,
                                f"{label} is already defined on line {seen[str(label)]}")
        seen[str(label)] = label.line
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
            if want != set(range(len(want))):
                missing = min(set(range(max(want) + 1)) - want) + 1
                raise TemplateError(file, strings[0].line, strings[0].column,
                                    f"{label}: placeholder {{{missing}}} is never used")
            for s, alt in zip(strings[1:], alts[1:]):
                if _slots(alt) != want:
                    raise TemplateError(
                        file, s.line, s.column,
                        f"{label}: every alternative must use the same placeholders "
                        f"({', '.join('{%d}' % (k + 1) for k in sorted(want)) or 'none'})")
        entries.append(Entry(str(kind), str(label), alts, file, label.line, label.column, top))
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
                raise TemplateError(*where(m), "assertion templates are noun phrases and "
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
            out[e.label] = e
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

class EnglishTemplates:
    """The templates that apply to one database, compiled against its
    grammar: a syntax entry applies to the syntax axiom with its label when
    the numbers of variables agree; an assertion entry to the database's
    assertion with its label."""

    def __init__(self, notation: Notation, entries: dict[str, Entry]):
        self.notation = notation
        g = notation.grammar
        self.syntax: dict[str, Entry] = {}
        self.assertions: dict[str, tuple[str, ...]] = {}
        #: entries whose label is a syntax axiom of another shape here
        self.mismatched: list[str] = []
        self.arity = [r.arity for r in g.rules]
        # per rule id: its alternatives compiled (see _compile), or None
        self.rules: list = [None] * len(g.rules)
        self.inner: list = [None] * len(g.rules)     # alternatives usable inside
        for rid, r in enumerate(g.rules):
            e = entries.get(r.label)
            if e is None or e.kind != "syntax" or r.label in g.excluded:
                continue
            if e.arity != r.arity:
                self.mismatched.append(r.label)
                continue
            self.syntax[r.label] = e
            self.rules[rid] = tuple(_compile(alt, r.order) for alt in e.alternatives)
            self.inner[rid] = e.inner()
        self.kinds: dict[str, str] = {}      # assertion label -> axiom/definition/theorem
        for s in notation.syn.statements:
            if s.kind in "ap" and not g.typecodes.is_syntax(s.typecode):
                self.kinds[s.label] = ("theorem" if s.kind == "p" else
                                       "definition" if s.label.startswith("df-") else "axiom")
        for label, e in entries.items():
            if e.kind == "assertion" and label in self.kinds:
                self.assertions[label] = tuple("".join(alt) for alt in e.alternatives)
        self._vars: dict[int, str] = {}
        self._leaves: dict[int, tuple[str, bool]] = {}
        self._inner: dict[Term, tuple[int, ...]] = {}
        self._said: dict[tuple, str] = {}
        self._described: dict[str, Optional[str]] = {}

    # -- formulas ------------------------------------------------------------
    def var(self, node: int) -> str:
        s = self._vars.get(node)
        if s is None:
            n = self.notation
            s = self._vars[node] = n.unicode_symbol(n.name(node))
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

    def words(self, term: Term, chosen: dict, root: dict) -> tuple[str, bool]:
        """The formula in words: (text, open), `open` when it would need
        parentheses inside a larger phrase.  `chosen` holds the alternative
        drawn for each syntax axiom (by `paraphrase`), `root` the one for the
        outermost node."""
        rules, arity, leaves = self.rules, self.arity, self._leaves
        # prefix order read backwards: every node finds its children, first
        # child on top, on a stack of (text, open)
        stack: list = []
        pos = len(term)
        for node in reversed(term):
            pos -= 1
            if node < 0:
                leaf = leaves.get(node)
                if leaf is None:
                    leaf = leaves[node] = (self.var(node), False)
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
            alts = rules[node]
            if alts is None:
                text = self.notation.unicode(term[pos:self.skip(term, pos)])
                stack.append((text, not _closed(text)))
                continue
            # no draw: a node under one shown in Unicode, whose text is unused
            fmt, slots, open_ = alts[(root if pos == 0 else chosen).get(node, 0)]
            text = fmt.format(*[kids[k][0] if k >= 0 else
                                f"({kids[~k][0]})" if kids[~k][1] else kids[~k][0]
                                for k in slots])
            stack.append((text, kids[slots[0]][1] if open_ is None else open_))
        return stack[0]

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
        key = [term]
        top = term[0]
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
        """Templated rules under the root of `term`, in order of first
        appearance (where `words` will look for a draw)."""
        rules = self.rules
        seen: dict[int, None] = {}
        pos, n = 1, len(term)
        while pos < n:
            node = term[pos]
            if node >= 0:
                if rules[node] is None:      # shown in Unicode, with all below it
                    pos = self.skip(term, pos)
                    continue
                seen[node] = None
            pos += 1
        return tuple(seen)

    # -- assertions ------------------------------------------------------------
    def description(self, label: str) -> Optional[str]:
        """The first sentence of the assertion's description comment, as
        plain text, or None."""
        got = self._described.get(label, False)
        if got is False:
            got = self._described[label] = _first_sentence(self.notation.comment(label),
                                                             self.notation)
        return got

    def name(self, label: str, rng: random.Random, lemmas) -> str:
        """A noun phrase for what citing `label` does."""
        if label in lemmas:
            return f"Lemma {label}"
        alts = self.assertions.get(label)
        if alts is not None:
            phrase = alts[int(rng.random() * len(alts))]
            return f"{phrase} ({label})" if rng.random() < 0.4 else phrase
        kind = self.kinds.get(label, "theorem")
        what = self.description(label)
        return f"{kind} {label} ({what})" if what else f"{kind} {label}"


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
    first, last = alt[0], alt[-1]
    if len(alt) == 1 and isinstance(first, Slot) and not first.bracket:
        return "".join(fmt), slots, None
    # open: two children or more ("{(1)} and {(2)}", "exactly one of {(1)}
    # and {(2)} holds": inside another list either would misread), or a
    # child's words run to an edge ("it is not the case that {1}");
    # "not {(1)}" and constants ("true") are closed
    raw_edge = any(isinstance(p, Slot) and not p.bracket for p in (first, last))
    return "".join(fmt), slots, raw_edge or len(slots) >= 2


def _closed(text: str) -> bool:
    """Unicode that reads as one unit: no spaces, or one bracketed group."""
    if " " not in text:
        return True
    if text[0] != "(" or text[-1] != ")":
        return False
    depth = 0
    for i, c in enumerate(text):
        depth += (c == "(") - (c == ")")
        if depth == 0 and i < len(text) - 1:
            return False
    return True


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
        return notation.unicode(term)


# -- description comments --------------------------------------------------------

_MATH = re.compile(r"`(.*?)`", re.S)
_TAGS = re.compile(r"<[^>]*>")
_TILDE = re.compile(r"~\s+(\S+)")
_ITALIC = re.compile(r"(?<!\w)_([^_\s](?:[^_]*[^_\s])?)_(?!\w)")
_ABBREV = {"e.g", "i.e", "p", "pp", "cf", "vs", "resp", "etc", "ch", "sec", "no", "ed", "al",
           "approx", "viz", "thm", "prop", "def", "ax", "eq", "fig", "vol"}
_END = re.compile(r"[.!?](?=\s+[A-Z(\[`~]|\s*$)")
MAX_DESCRIPTION = 160


def _first_sentence(comment: Optional[str], notation: Notation) -> Optional[str]:
    """The first sentence of a description comment in plain text: math
    strings in Unicode, `~ label` as the label, markup dropped."""
    if not comment:
        return None
    text = comment.replace("``", "\0")

    def math(m) -> str:
        syms = [notation.unicode_symbol(t) for t in m.group(1).replace("\0", "`").split()]
        return " ".join(syms).replace("( ", "(").replace(" )", ")")

    text = _MATH.sub(math, text).replace("\0", "`")
    text = _TILDE.sub(r"\1", _TAGS.sub("", text))
    text = _ITALIC.sub(r"\1", text)
    end = len(text)
    for m in _END.finditer(text):
        word = text[:m.start()].rsplit(None, 1)[-1].lstrip("(").lower() if m.start() else ""
        if m.group() == "." and (word in _ABBREV or len(word) == 1 and word.isalpha()):
            continue             # "e.g.", "p. 101", "A. N. Other"
        end = m.start()
        break
    s = " ".join(text[:end].split()).rstrip(" .;:,")
    if not s:
        return None
    if len(s) > MAX_DESCRIPTION:
        s = s[:MAX_DESCRIPTION].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"
    first = s.split(" ", 1)[0]
    if first[:1].isupper() and (first[1:].islower() or first == "A") \
            and not first.endswith("'s"):
        s = s[0].lower() + s[1:]      # "Inference adding ..." -> "inference adding ..."
    return s


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
                s = self.notation.unicode(term) + " holds"
            elif self.symbolic or len(term) > MAX_WORDS_NODES:
                s = self.notation.unicode(term)
            else:
                try:
                    s = self.tpl.paraphrase(term, self.rng, self.chosen, self.root)
                except RecursionError:
                    s = self.notation.unicode(term)
            self.said[term] = s
        return s

    def q(self, term: Term) -> str:
        """The formula in quotes: “φ”, “φ implies ψ”."""
        return "“" + (self.notation.unicode(term) if len(term) == 1 else self.f(term)) + "”"

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
        if not doc.disjoint:
            return ""
        sym = self.notation.unicode_symbol
        if len(doc.disjoint) == 1:
            x, y = doc.disjoint[0]
            return f" Here {sym(x)} and {sym(y)} are distinct variables."
        pairs = _and([f"{sym(x)}, {sym(y)}" for x, y in doc.disjoint])
        return f" Here the variables of each of the pairs {pairs} are distinct."

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
        if last:
            s = _pick(("finally, ", "hence, ", "therefore, ", "thus, ", ""), rng) + s
        return _cap(s)


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
