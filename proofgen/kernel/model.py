"""The engine-neutral view of a loaded database.

Both engines present what they read through these plain objects, so the rest
of proofgen (and users' scripts) never depend on which engine did the work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .diagnostics import Diagnostic


@dataclass(frozen=True)
class Frame:
    """What a citation of an assertion must supply.

    `hypotheses` are the mandatory hypotheses' labels in order of appearance
    (`$f` and `$e` interleaved); `disjoint` holds the mandatory `$d` pairs,
    each pair sorted.
    """

    hypotheses: tuple[str, ...]
    disjoint: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Proof:
    """A proof as written.  `labels` is the whole step list of a normal proof,
    or the parenthesised label list of a compressed one; `letters` holds the
    compressed letters (None for a normal proof)."""

    labels: tuple[str, ...]
    letters: Optional[str] = None

    @property
    def compressed(self) -> bool:
        return self.letters is not None


@dataclass(frozen=True)
class Statement:
    """A labelled statement: kind is one of "f", "e", "a", "p"."""

    label: str
    kind: str
    expression: tuple[str, ...]
    file: str
    line: int
    frame: Optional[Frame] = None
    proof: Optional[Proof] = None
    #: for `$p`: every `$d` pair active at the theorem, mandatory or on the
    #: dummy variables its proof uses (each pair sorted)
    proof_disjoint: frozenset[tuple[str, str]] = frozenset()

    @property
    def typecode(self) -> str:
        return self.expression[0]

    @property
    def body(self) -> tuple[str, ...]:
        return self.expression[1:]

    @property
    def text(self) -> str:
        return " ".join(self.expression)


@dataclass
class Report:
    """The outcome of reading and verifying a database."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    statements: int = 0
    proofs: int = 0
    seconds: float = 0.0
    #: proofs checked: all of them (None, or `proofs`) unless a selection
    #: (`verify(only=...)`) asked for fewer, or the work budget
    #: (`Limits.max_work`) ran out before the last
    checked: Optional[int] = None
    #: units of work checking took (see `Limits.max_work`)
    work: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def incomplete(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "incomplete"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics that do not change the verdict (such as W0820)."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No errors and no incomplete proofs (warnings do not count)."""
        return all(d.severity == "warning" for d in self.diagnostics)

    @property
    def proofs_checked(self) -> int:
        return self.proofs if self.checked is None else self.checked

    def exit_status(self, allow_incomplete: bool = False) -> int:
        if self.errors:
            return 1
        if self.incomplete and not allow_incomplete:
            return 2
        return 0
