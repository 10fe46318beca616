"""Hypothesis strategies for Metamath databases (requires hypothesis).

    from hypothesis import given
    from proofgen.testing.strategies import databases, mutants

    @given(databases())
    def test_my_verifier_accepts(db):
        assert my_verifier(db.text()) is True

    @given(mutants())
    def test_my_verifier_rejects(case):
        db, mutant = case
        if mutant.expect == "error":
            assert my_verifier(mutant.data.decode("latin-1")) is False

Every decision of the generators is a hypothesis draw, so a failing example
shrinks to a small database.
"""
from __future__ import annotations

from typing import Optional, Sequence

from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from .choosers import Chooser
from .database import GenDatabase
from .generate import Size, generate_database
from .grammar import FILENAMES, KEYWORDS, LABELS, SEPARATORS, SYMBOLS, load_grammar
from .mutations import Mutant, mutate_bytes, mutate_database


class DrawChooser(Chooser):
    """A Chooser whose decisions are hypothesis draws (inside a composite
    strategy or from `st.data()`)."""

    def __init__(self, draw):
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


def choosers() -> st.SearchStrategy[Chooser]:
    """A Chooser drawing from hypothesis; use it within the test that drew it."""
    return st.data().map(lambda data: DrawChooser(data.draw))


@st.composite
def databases(draw, size: Size | str = "small", odd: float = 0.05) -> GenDatabase:
    """A random valid database (see `generate.generate_database`)."""
    return generate_database(DrawChooser(draw), size, odd)


@st.composite
def database_texts(draw, size: Size | str = "small") -> tuple[GenDatabase, str]:
    """A random valid database and its text in a random layout."""
    db = draw(databases(size))
    return db, db.text(DrawChooser(draw))


@st.composite
def mutants(draw, size: Size | str = "small",
            operators: Optional[Sequence[str]] = None) -> tuple[GenDatabase, Mutant]:
    """A random valid database and a mutant of it."""
    db = draw(databases(size))
    return db, mutate_database(db, DrawChooser(draw), operators)


@st.composite
def byte_mutants(draw, sources: Sequence[bytes]) -> bytes:
    """One of `sources` (file contents) damaged at the byte level."""
    data = draw(st.sampled_from(list(sources)))
    return mutate_bytes(data, DrawChooser(draw))


#: declares every symbol of grammar.SYMBOLS, so grammar files get past the
#: first checks and into scoping and proofs
PRELUDE = ("$c ( ) -> -. wff |- = set class A. ? @ ` ' $.\n$v ph ps ch x $.\n"
           "wph $f wff ph $.\nwps $f wff ps $.\nwch $f wff ch $.\nvx $f set x $.\n"
           "wi $a wff ( ph -> ps ) $.\nwn $a wff -. ph $.\n"
           "${ min $e |- ph $. maj $e |- ( ph -> ps ) $. ax-mp $a |- ps $. $}\n"
           "ax-1 $a |- ( ph -> ( ps -> ph ) ) $.\n")


def _separated(words: st.SearchStrategy[str], glue: bool = True) -> st.SearchStrategy[str]:
    seps = st.sampled_from(SEPARATORS + ([""] if glue else []))
    return st.tuples(words, seps).map("".join)


def grammar_files(glue: bool = True, prelude: bool = True) -> st.SearchStrategy[str]:
    """Files generated from grammars/mm.lark by hypothesis's `from_lark`,
    terminals drawn from small pools of labels and symbols (and a prelude
    declaring them, unless `prelude=False`).  With `glue`, a token is
    sometimes not followed by whitespace."""
    letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ?", min_size=1, max_size=8)
    comment = st.lists(st.sampled_from(["a", "$t", "x$y", "`", "$.", "ph"]), max_size=4).map(
        lambda ws: "$( " + " ".join(ws) + " $)")
    explicit = {name: _separated(st.just(text), glue) for name, text in KEYWORDS.items()}
    explicit.update({
        "LABEL": _separated(st.sampled_from(LABELS + ["g1", "g2"]), glue),
        "SYMBOL": _separated(st.sampled_from(SYMBOLS + ["undeclared"]), glue),
        "FILENAME": _separated(st.sampled_from(sorted(set(FILENAMES))), glue),
        "LETTERS": _separated(letters, glue),
        "COMMENT": _separated(comment, False),
        "WHITESPACE": st.sampled_from(SEPARATORS),
    })
    files = from_lark(load_grammar(), start="start", explicit=explicit)
    if prelude:
        return files.map(lambda text: PRELUDE + text)
    return files
