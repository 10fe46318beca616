"""The types every stage above the kernel shares: trees and proof steps.

A `Term` is a tree in flat prefix form, a tuple of ints: a syntax rule's
index (>= 0) followed by its arguments' trees, or a single variable (< 0).
A `Step` is one step of a proof; explore, emit and the syntax layer's proof
replay all use it, each filling in the fields it knows.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

Term = tuple       # of ints, prefix order
Subst = dict       # variable id -> Term


class Step(NamedTuple):
    """One proof step: `label` cited with a tree per `$f` slot of the cited
    assertion (`floats`, frame order) and a premise per `$e` slot
    (`premises`: an earlier step's index, or `-1 - i` for the theorem's
    i-th hypothesis), proving `typecode` `term`.  Fields a user does not
    know stay empty: a generated proof has no `term` until it is rendered,
    a replayed syntax step no `floats` or `premises`.  (A named tuple: one
    is made for every step of every theorem.)"""

    label: str
    floats: tuple = ()
    premises: tuple = ()
    term: Optional[Term] = None
    typecode: str = ""
