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

import html
import re
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
        u = self.unicodedef.get(sym)
        return u if u else sym

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


_LATEX_SPECIAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&",
                  "%": r"\%", "$": r"\$", "#": r"\#", "^": r"\hat{}", "~": r"\sim{}"}


def _latex_fallback(sym: str) -> str:
    body = "".join(_LATEX_SPECIAL.get(c, c) for c in sym)
    return r"\mathrm{" + body + "}"
