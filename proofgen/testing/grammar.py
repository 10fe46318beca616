"""The `.mm` grammar (proofgen/data/mm.lark; grammars/mm.lark links to it):
loading it, and random files from it.

`random_file` expands the grammar's rules at random, drawing terminals from
small pools (the labels and symbols of a generated database, when one is
given as a prelude) so that what comes out is syntactically plausible and
often nearly valid: the inputs that reach deep into a verifier.  It needs
only lark, so the fuzzer can use it; the property tests use hypothesis's
`from_lark` on the same grammar (`strategies.grammar_files`).
"""
from __future__ import annotations

import functools
import os
from importlib import resources
from pathlib import Path
from typing import Optional

from ..resources import grammar_path as _packaged_grammar
from .choosers import Chooser, as_chooser
from .database import GenDatabase

#: where the grammar belongs: package data, proofgen/data/mm.lark (grammars/mm.lark
#: of a checkout links to it); `grammar_path()` gives it as a real file
GRAMMAR_PATH = Path(os.fspath(resources.files("proofgen") / "data" / "mm.lark"))

#: the text of each fixed terminal
KEYWORDS = {
    "KW_C": "$c", "KW_V": "$v", "KW_D": "$d", "KW_F": "$f", "KW_E": "$e", "KW_A": "$a",
    "KW_P": "$p", "KW_EQ": "$=", "KW_END": "$.", "KW_OPEN": "${", "KW_CLOSE": "$}",
    "KW_INCLUDE": "$[", "KW_INCLUDE_END": "$]", "LPAREN": "(", "RPAREN": ")", "UNKNOWN": "?",
}
LABELS = ["wph", "wps", "wi", "ax-mp", "ax-1", "th1", "h1", "min", "maj", "g.1", "x-y", "1"]
SYMBOLS = ["(", ")", "->", "-.", "wff", "|-", "ph", "ps", "ch", "x", "set", "class", "=",
           "?", "@", "`", "'", "A."]
FILENAMES = ["inc.mm", "missing.mm", "sub/inc.mm", "../outside.mm"] * 4 + ["./inc.mm", "db.mm"]
SEPARATORS = [" ", " ", " ", "\n", "\n", "\t", "  ", "\r\n", "\f"]


def grammar_path() -> Path:
    """The `.mm` grammar's file; FileNotFoundError (saying so) when the install
    lacks it."""
    return Path(_packaged_grammar("mm.lark"))


def grammar_text(path: Optional[Path] = None) -> str:
    return Path(path or grammar_path()).read_text()


@functools.lru_cache(maxsize=4)
def load_grammar(path: Optional[str] = None):
    """The grammar as a lark parser (LALR, contextual lexer)."""
    from lark import Lark
    return Lark(grammar_text(Path(path) if path else None), parser="lalr", lexer="contextual")


def grammar_available() -> bool:
    try:
        grammar_path()
    except FileNotFoundError:
        return False
    return True


class _Expander:
    def __init__(self, parser):
        terminals, rules, ignore = parser.grammar.compile(["start"], ())
        self.terminals = {t.name for t in terminals}
        self.rules: dict[str, list[tuple]] = {}
        for r in rules:
            self.rules.setdefault(r.origin.name, []).append(
                tuple((s.name, s.is_term) for s in r.expansion))
        # the least depth at which each rule can finish, to end expansions
        height = {name: None for name in self.rules}
        changed = True
        while changed:
            changed = False
            for name, alts in self.rules.items():
                for alt in alts:
                    hs = [0 if term else height[sym] for sym, term in alt]
                    if all(h is not None for h in hs):
                        h = 1 + max(hs, default=0)
                        if height[name] is None or h < height[name]:
                            height[name] = h
                            changed = True
        self.height = height

    def shortest(self, name: str) -> tuple:
        return min(self.rules[name], key=lambda alt: max(
            [0 if term else self.height[s] for s, term in alt], default=0))


@functools.lru_cache(maxsize=4)
def _expander(path: Optional[str] = None) -> _Expander:
    return _Expander(load_grammar(path))


def terminal_pools(prelude: Optional[GenDatabase] = None) -> dict[str, list[str]]:
    """Words for the open terminals: those of the prelude database, if any,
    plus a few that are not declared anywhere."""
    labels, symbols = list(LABELS), list(SYMBOLS)
    if prelude is not None:
        labels = [it.label for it in prelude.items if it.label] + ["g1", "g2", "g.3", "nolabel"]
        symbols = [s for it in prelude.items if it.kind in "cv" for s in it.math] + ["undeclared"]
    return {"LABEL": labels, "SYMBOL": symbols, "FILENAME": FILENAMES}


def random_letters(ch: Chooser) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRST" * 3 + "UVWXY" + "ZZZ" + "?"
    return "".join(ch.choice(alphabet) for _ in range(ch.integer(1, 10)))


def random_comment(ch: Chooser) -> str:
    words = ["a", "$t", "comment", "x$y", "$[", "$]", "$.", "`", "ph", "~"]
    return "$( " + " ".join(ch.choice(words) for _ in range(ch.integer(0, 4))) + " $)"


def random_file(source: Chooser | int | None = None, prelude: Optional[GenDatabase] = None,
                budget: int = 300, glue: float = 0.01) -> str:
    """A random file from the grammar: at most about `budget` tokens after
    the prelude (a valid database whose labels and symbols it reuses).  With
    chance `glue` a token is not followed by whitespace."""
    ch = as_chooser(source)
    ex = _expander()
    pools = terminal_pools(prelude)
    out: list[str] = [prelude.text() if prelude is not None else ""]
    left = [budget]

    def terminal(name: str) -> None:
        left[0] -= 1
        if name in KEYWORDS:
            word = KEYWORDS[name]
        elif name == "LETTERS":
            word = random_letters(ch)
        elif name in pools:
            word = ch.choice(pools[name])
        else:  # pragma: no cover - a terminal added to the grammar without a pool
            raise KeyError(f"no generator for terminal {name}")
        out.append(word)
        if ch.chance(glue):
            return
        if ch.chance(0.03):
            out.append(" " + random_comment(ch))
        out.append(ch.choice(SEPARATORS))

    # explicit stack instead of recursion: (symbol, is terminal)
    stack = [("start", False)]
    depth_guard = 0
    while stack:
        name, term = stack.pop()
        if term:
            terminal(name)
            continue
        alts = ex.rules[name]
        if left[0] <= 0 or depth_guard > 2000:
            alt = ex.shortest(name)
        else:
            recursive = [a for a in alts if any(s == name for s, _ in a)]
            if recursive and ch.chance(0.8):
                alt = ch.choice(recursive)
            else:
                alt = ch.choice([a for a in alts if a] if ch.chance(0.9) else alts)
        depth_guard += 1
        stack.extend(reversed(alt))
    return "".join(out)
