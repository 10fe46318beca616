"""Truth tables of statements read propositionally: maximal
non-propositional subterms (and wff variables) are atoms, and every atom
is a bit mask over all assignments at once (atom k true in the rows whose
bit k is set), so a formula's value over every row is one evaluation.

One evaluator for the deep generator's tautology and "unneeded
hypothesis" tests and for the degenerate-statement judge: `table`, with
its C twin in `_deep.pyx` (the pair `explore.truth_table`; tests hold the
two to the same tables), which runs by default.  `_deep.pyx` also has
the tautology test of one term in C, held to `tautology` by tests.
"""
from __future__ import annotations

from typing import Optional

from ..kernel import engines
from ..syntax.terms import children
from ..syntax.types import Term

#: truth functions of the propositional connectives (on bit masks; `f` all ones)
TRUTH = {
    "wn": lambda f, a: f & ~a,
    "wi": lambda f, a, b: f & (~a | b),
    "wa": lambda f, a, b: a & b,
    "wo": lambda f, a, b: a | b,
    "wb": lambda f, a, b: f & ~(a ^ b),
    "wnan": lambda f, a, b: f & ~(a & b),
    "wxo": lambda f, a, b: a ^ b,
    "w3a": lambda f, a, b, c: a & b & c,
    "w3o": lambda f, a, b, c: a | b | c,
    "wtru": lambda f: f,
    "wfal": lambda f: 0,
}

#: atoms beyond which no table is made (2^12 rows)
MAX_ATOMS = 12


def connectives(ctx) -> dict:
    """rule id -> connective label, for the connectives `TRUTH` knows."""
    return {r: lab for lab, r in ctx.syntax_rules.items() if lab in TRUTH}


def table(g, ops: dict, terms: list, negated: Optional[dict] = None
          ) -> Optional[tuple[int, list[int], dict]]:
    """`table_reference`, by the engine that runs (C by default)."""
    global _table
    if _table is None:
        _table = TABLE.choose()
    return _table(g, ops, terms, negated)


def table_reference(g, ops: dict, terms: list, negated: Optional[dict] = None
                    ) -> Optional[tuple[int, list[int], dict]]:
    """(all rows, each term's value as a bit mask, atom -> its index) over
    the atoms of `terms` (numbered in prefix order), or None past
    `MAX_ATOMS` atoms.  `ops`: rule id -> connective label (`connectives`);
    `negated`: defined negations read as `-.` of another rule (rule id ->
    that rule: `A =/= B` as `-. A = B`), their atom the unfolded one."""
    negated = negated or {}
    atoms: dict = {}

    def atom(t):
        if t[0] >= 0 and t[0] in negated:
            return (negated[t[0]],) + tuple(t[1:]), True
        return t, False

    def collect(t):
        if t[0] >= 0 and t[0] in ops:
            for c in children(g, t):
                collect(c)
        else:
            atoms.setdefault(atom(t)[0], len(atoms))

    for t in terms:
        collect(t)
    if len(atoms) > MAX_ATOMS:
        collect = atom = None   # noqa: F841 (recursive closures: a cycle otherwise)
        return None
    full = (1 << (1 << len(atoms))) - 1
    masks = {}
    for t, k in atoms.items():   # blocks of 2^k zeros then 2^k ones, repeated
        half = 1 << k
        masks[t] = (((1 << half) - 1) << half) * full // ((1 << (2 * half)) - 1)

    def ev(t):
        if t[0] < 0 or t[0] not in ops:
            a, neg = atom(t)
            return full & ~masks[a] if neg else masks[a]
        return TRUTH[ops[t[0]]](full, *[ev(c) for c in children(g, t)])

    values = [ev(t) for t in terms]
    collect = ev = atom = None  # noqa: F841 (recursive closures: a cycle otherwise)
    return full, values, atoms


TABLE = engines.pair(
    "explore.truth_table", table_reference, "proofgen.explore._deep", "table",
    agreement=("tests/test_truth.py::test_table_engines_agree_on_random_statements",
               "tests/test_truth.py::test_table_engines_agree_on_set_mm_statements"))
_table = None       # TABLE's choice, made on first use


def tautology(g, ops: dict, term: Term) -> bool:
    """Whether `term` is true in every row (False past `MAX_ATOMS` atoms)."""
    got = table(g, ops, [term])
    return got is not None and got[1][0] == got[0]
