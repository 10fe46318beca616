"""What the emit stage renders: a verified theorem with its proof, in terms
the renderers need and nothing more.

The explore stage fills these in (see `proofgen.run.documents.doc_of`);
emit never runs a generator.  Trees are the syntax layer's flat prefix
tuples; `Notation` (notation.py) turns them into tokens, Unicode or LaTeX.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from ..syntax.types import Step, Term


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
    steps: tuple[Step, ...]                     # each with its `term`
    proof: str                                  # compressed: "( labels ) LETTERS"
    disjoint: tuple[tuple[str, str], ...] = ()
    depth: int = 1
    generator: str = ""
    hash: str = ""                              # canonical statement hash (hex)
    restates: Optional[str] = None
    instance_of: Optional[str] = None           # a database assertion it is an instance of
    lemmas: Mapping[str, "ProofDoc"] = field(default_factory=dict)
    rpn: Optional[str] = None                   # normal (uncompressed) proof, if not huge
    # extract: the database theorem whose proof the step comes from, and the
    # step's index among that proof's logical steps (0-based)
    source_theorem: Optional[str] = None
    source_step: Optional[int] = None
    # made once per doc, on first use, by the functions named (several
    # styles and both output files ask): `uses`, `render.lemma_order`, and
    # the record and theorem-file JSON of `records.RecordMaker`
    _uses: Optional[list] = field(default=None, init=False, repr=False, compare=False)
    _lemma_order: Optional[list] = field(default=None, init=False, repr=False, compare=False)
    _record_json: Optional[str] = field(default=None, init=False, repr=False, compare=False)
    _meta_json: Optional[str] = field(default=None, init=False, repr=False, compare=False)

    def uses(self) -> list[str]:
        """Labels the proof cites, in order of first use."""
        got = self._uses
        if got is None:
            got = self._uses = list(dict.fromkeys(s.label for s in self.steps))
        return got

    def is_generated(self, label: str) -> bool:
        return label in self.lemmas

    def cited_lemmas(self) -> list["ProofDoc"]:
        """The generated lemmas the proof cites directly, in order of first use."""
        return [self.lemmas[lab] for lab in self.uses() if lab in self.lemmas]
