"""What the emit stage renders: a verified theorem with its proof, in terms
the renderers need and nothing more.

The explore stage fills these in (see `proofgen.run.documents.doc_of`);
emit never runs a generator.  Trees are the syntax layer's flat prefix
tuples; `Notation` (notation.py) turns them into tokens, Unicode or LaTeX.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, NamedTuple, Optional

Term = tuple


class ProofStep(NamedTuple):
    """One logical step: `label` cited with `premises` (one per `$e` slot of
    the cited assertion, in its frame order: an earlier step's index, or
    `-1 - i` for the theorem's i-th hypothesis), proving `term`.  (A named
    tuple: made once per step of every theorem rendered.)"""

    label: str
    premises: tuple[int, ...]
    term: Term


@dataclass
class ProofDoc:
    """A theorem ready to be rendered.  `steps[-1]` proves the conclusion;
    `lemmas` holds the generated theorems the proof cites directly (by
    label), each a `ProofDoc` of its own with its own `lemmas`, so
    renderings can state and prove them first (`render.lemma_order` gives
    all of them, each after those it cites)."""

    label: str
    typecode: str
    hypotheses: tuple[tuple[str, Term], ...]    # (label, tree)
    conclusion: Term
    steps: tuple[ProofStep, ...]
    proof: str                                  # compressed: "( labels ) LETTERS"
    disjoint: tuple[tuple[str, str], ...] = ()
    depth: int = 1
    generator: str = ""
    hash: str = ""                              # canonical statement hash (hex)
    restates: Optional[str] = None
    lemmas: Mapping[str, "ProofDoc"] = field(default_factory=dict)
    rpn: Optional[str] = None                   # normal (uncompressed) proof, if not huge

    def uses(self) -> list[str]:
        """Labels the proof cites, in order of first use."""
        got = self.__dict__.get("_uses")
        if got is None:
            got = self.__dict__["_uses"] = list(dict.fromkeys(s.label for s in self.steps))
        return got

    def is_generated(self, label: str) -> bool:
        return label in self.lemmas
