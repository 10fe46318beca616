"""How a database's symbols and assertions are written for people.

`Notation.of(syntax, sources)` reads, from the database's own text:

* the typesetting comment (`$( $t ... $)`): `latexdef` and `althtmldef`
  (set.mm's Unicode rendering; tags are stripped and entities decoded), so a
  `|- ( ph -> ps )` can be shown as `⊢ (𝜑 → 𝜓)` or typeset in LaTeX;
* the description comment of every `$a`/`$p` (the comment before it since the
  previous assertion), the fallback wording of an assertion's use.

Symbols without a definition are shown as themselves.
"""
from __future__ import annotations

import copy
import html
import re
import unicodedata
from typing import Optional, Sequence

from ..kernel.comments import COMMENT as _COMMENT, descriptions
from ..syntax import Syntax
from ..syntax.terms import printer as tree_printer
from ..syntax.types import Term


_TAG = re.compile(r"<[^>]*>")
_T_TOKEN = re.compile(r"""/\*.*?\*/|"((?:[^"]|"")*)"|'((?:[^']|'')*)'|([^\s;+"']+)|(;)|(\+)""", re.S)


def parse_typesetting(text: str) -> dict[str, dict[str, str]]:
    """The definitions of a `$t` comment body: keyword -> {symbol: string}.
    Strings may be split with `+`; a doubled quote stands for one quote."""
    defs: dict[str, dict[str, str]] = {}
    words: list = []
    for m in _T_TOKEN.finditer(text):
        if m.group(0).startswith("/*"):
            continue
        if m.group(4):
            if len(words) >= 4 and words[2] == ("w", "as"):
                kw, sym = words[0][1], words[1][1]
                value = "".join(w[1] for w in words[3:] if w[0] == "s")
                defs.setdefault(kw, {})[sym] = value
            words = []
        elif m.group(5):
            continue
        elif m.group(1) is not None:
            words.append(("s", m.group(1).replace('""', '"')))
        elif m.group(2) is not None:
            words.append(("s", m.group(2).replace("''", "'")))
        else:
            words.append(("w", m.group(3)))
    return defs


def _plain(markup: str) -> str:
    """An `althtmldef` string as plain Unicode text."""
    return html.unescape(_TAG.sub("", markup)).strip()


class Notation:
    def __init__(self, syn: Syntax, sources: Sequence[tuple[str, bytes]] = ()):
        self.syn = syn
        self.grammar = syn.grammar
        self._printer = tree_printer(syn.grammar)    # the selector's (kernel.engines)
        self.latexdef: dict[str, str] = {}
        self.unicodedef: dict[str, str] = {}
        self._comments: dict[str, tuple[int, int, int]] = {}   # label -> (file, start, end)
        self._sources = [data for _, data in sources]
        for k, data in enumerate(self._sources):
            self._scan(k, data)
        self._unicode_cache: dict[int, str] = {}
        self._text_cache: dict[tuple, str] = {}
        self._latex_cache: dict[int, str] = {}
        self._latex_terms: dict[tuple, str] = {}
        #: quality.notation_words: the symbols that are words, made on first use
        self.quality_words: Optional[frozenset] = None
        #: variables written as plain letters (`plain`): symbol -> letter
        self.plain_letters: dict[str, str] = {}
        self._plain: Optional[dict] = None      # kept italics -> the plain notation
        self._base: "Notation" = self           # a plain notation's original
        #: variable -> rule ids of the constant terms of its type written as
        #: its plain letter (`plain_variable_letters`)
        self.letter_clashes: dict[str, frozenset] = {}

    @classmethod
    def of(cls, syn: Syntax, sources: Sequence[tuple[str, bytes]] = ()) -> "Notation":
        return cls(syn, sources)

    def _scan(self, k: int, data: bytes) -> None:
        for label, (s, e) in descriptions(data).items():
            self._comments.setdefault(label, (k, s, e))
        for m in _COMMENT.finditer(data):
            s, e = m.span()
            body = data[s + 2:e - 2]
            if body.lstrip().startswith(b"$t"):
                defs = parse_typesetting(body.lstrip()[2:].decode("utf-8", "replace"))
                self.latexdef.update(defs.get("latexdef", {}))
                self.unicodedef.update({sym: _plain(v) for sym, v in
                                        defs.get("althtmldef", {}).items()})

    # -- symbols ---------------------------------------------------------
    def token_ids(self, term: Term) -> list[int]:
        """The printed string as ids (constants >= 0, variables < 0)."""
        if self._printer is not None:
            return self._printer.tokens(term)
        return self.grammar.term_tokens(term)

    def name(self, token: int) -> str:
        g = self.grammar
        return g.symbols[token] if token >= 0 else g.variables[-1 - token].name

    def tokens(self, term: Term) -> list[str]:
        return [self.name(t) for t in self.token_ids(term)]

    def text(self, typecode: str, term: Term) -> str:
        """Metamath ASCII: `|- ( ph -> ps )`."""
        key = (typecode, term)
        s = self._text_cache.get(key)
        if s is None:
            if len(self._text_cache) > 100_000:
                self._text_cache.clear()     # bounded: statements repeat locally
            if self._printer is not None:
                s = self._printer.text(typecode, term)
            else:
                s = " ".join([typecode] + self.tokens(term))
            self._text_cache[key] = s
        return s

    def unicode_symbol(self, sym: str) -> str:
        u = self.plain_letters.get(sym) or self.unicodedef.get(sym)
        return u if u else sym

    def plain(self, used_rules=None) -> "Notation":
        """The same notation with variables in plain letters (φ, x, A) where
        the database's Unicode writes them in math italic (𝜑, 𝑥, 𝐴: three
        cl100k tokens each, against one).  A variable whose plain letter is
        how a constant term of its type is written (set.mm's `_C` is "C")
        keeps its italic where that constant is used: `used_rules`, the
        rule ids of the text's terms (None: assume every one is).  Made
        once per set of kept italics."""
        base = self._base
        if base._plain is None:
            letters, clashes = plain_variable_letters(base)
            base.letter_clashes = clashes
            base._plain = {}
            base._letters = letters
        keep = frozenset(v for v, rules in base.letter_clashes.items()
                         if used_rules is None or not rules.isdisjoint(used_rules))
        got = base._plain.get(keep)
        if got is None:
            got = copy.copy(base)
            got.plain_letters = {v: p for v, p in base._letters.items() if v not in keep} \
                or {"\0": ""}
            got._unicode_cache, got._text_cache = {}, {}
            got.quality_words = None
            base._plain[keep] = got
        return got

    def unicode(self, term: Term, typecode: Optional[str] = None) -> str:
        """The formula in Unicode (`(𝜑 → 𝜓)`), from `althtmldef` where the
        database has it; spaces are kept between symbols that need them."""
        cache = self._unicode_cache
        out = [self.unicode_symbol(typecode)] if typecode else []
        for tok in self.token_ids(term):
            u = cache.get(tok)
            if u is None:
                u = cache[tok] = self.unicode_symbol(self.name(tok))
            out.append(u)
        text = " ".join(out)
        return text.replace("( ", "(").replace(" )", ")")

    def has_latex(self) -> bool:
        return bool(self.latexdef)

    def latex(self, term: Term, typecode: Optional[str] = None) -> str:
        """The formula as LaTeX math (without `$`), from `latexdef`; symbols
        without a definition are set as `\\mathrm{...}`."""
        key = (typecode, term)
        s = self._latex_terms.get(key)
        if s is None:
            if len(self._latex_terms) > 100_000:
                self._latex_terms.clear()
            s = self._latex_terms[key] = self._latex(term, typecode)
        return s

    def _latex(self, term: Term, typecode: Optional[str]) -> str:
        cache = self._latex_cache
        out = [self.latex_symbol(typecode)] if typecode else []
        for tok in self.token_ids(term):
            s = cache.get(tok)
            if s is None:
                s = cache[tok] = self.latex_symbol(self.name(tok))
            out.append(s)
        return " ".join(out)

    def latex_symbol(self, sym: str) -> str:
        d = self.latexdef.get(sym)
        return d.strip() if d is not None else _latex_fallback(sym)

    # -- assertions ------------------------------------------------------
    def comment(self, label: str) -> Optional[str]:
        """The description comment of a database assertion, whitespace
        collapsed; None when it has none."""
        where = self._comments.get(label)
        if where is None:
            return None
        k, s, e = where
        text = " ".join(self._sources[k][s:e].decode("utf-8", "replace").split())
        return text or None


def plain_letter(text: str) -> str:
    """`text` with math-italic letters (U+1D434..U+1D7FF "MATHEMATICAL
    ITALIC ...", and U+210E, the italic h) as the plain letters they stand for; other characters
    (bold, script, double-struck, anything else) are kept."""
    if not any(ord(c) >= 0x1D400 or c == "\u210e" for c in text):
        return text
    out = []
    for c in text:
        if c == "\u210e" or (ord(c) >= 0x1D400 and
                             unicodedata.name(c, "").startswith("MATHEMATICAL ITALIC ")):
            c = unicodedata.normalize("NFKC", c)
        out.append(c)
    return "".join(out)


def plain_variable_letters(notation: "Notation") -> tuple[dict[str, str], dict[str, frozenset]]:
    """(variable symbol -> its Unicode in plain letters, for every variable
    whose Unicode changes; variable -> the rule ids of the constant terms of
    its type, or of a type it converts to, written as that plain letter:
    set.mm's class constant `_C` is "C", so class variable 𝐶 keeps its
    italic in a text that uses binomials)."""
    g = notation.grammar
    shown: dict[tuple, set] = {}     # (type, Unicode) -> rule ids of such constant terms
    into: dict[int, set] = {}        # type -> the types it converts to (setvar -> class)
    for rid, r in enumerate(g.rules):
        if r.is_conversion:
            into.setdefault(-1 - r.pattern[0], set()).add(r.type)
        elif not r.slots:
            text = " ".join(notation.unicode_symbol(g.symbols[c]) for c in r.pattern)
            shown.setdefault((r.type, text), set()).add(rid)
    letters, clashes = {}, {}
    for v in g.variables:
        u = notation.unicodedef.get(v.name)
        if not u:
            continue
        p = plain_letter(u)
        if p == u:
            continue
        letters[v.name] = p
        rules = set()
        for t in {v.type} | into.get(v.type, set()):
            rules |= shown.get((t, p), set())
        if rules:
            clashes[v.name] = frozenset(rules)
    return letters, clashes


_LATEX_SPECIAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&",
                  "%": r"\%", "$": r"\$", "#": r"\#", "^": r"\hat{}", "~": r"\sim{}"}


def _latex_fallback(sym: str) -> str:
    body = "".join(_LATEX_SPECIAL.get(c, c) for c in sym)
    return r"\mathrm{" + body + "}"
