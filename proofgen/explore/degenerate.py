"""Degenerate statements: theorems that verify but say nothing worth
training on, whatever the generator (issue 22).  Each reason is one test
on a statement (hypotheses, conclusion, `$d` pairs):

- `closed_hypothesis`: a hypothesis with no variable at all (a closed
  statement about constants, `|- (/) e. ZZ`, `|- On e. On`) that the
  database does not prove as it stands: a constant was put where a
  variable was meant, and the hypothesis is false or merely restates a
  fact;
- `inconsistent`: the hypotheses cannot all hold, decided propositionally
  (maximal non-propositional subterms are atoms, `A =/= B` read as
  `-. A = B` and `A e/ B` as `-. A e. B`): anything follows;
- `tautology`: the conclusion is a propositional tautology (atoms as above)
  and the theorem has hypotheses, none of which it needs;
- `vacuous`: a generalisation `A. x P` or `E. x P` (set.mm's `wal`, `wex`)
  whose variable `x` is not free in `P` in any instance: `x` does not occur
  in `P` and every variable of `P` is `$d`-distinct from `x`.  (`x` merely
  absent from `P` is not enough: in `( A. x ph -> ph )` the wff variable
  `ph` stands for formulas in which `x` is free.)

`DROP` holds the defaults (every reason dropped); a run's
`GenerateConfig.degenerate` (a set of the reasons to drop) overrides them.
What is found is counted per reason (`degenerate_<reason>`), dropped or
not.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..syntax.terms import children, skip
from ..syntax.types import Term
from . import truth
from .context import Context, statement_hash
from .truth import connectives, table

REASONS = ("closed_hypothesis", "inconsistent", "tautology", "vacuous")
#: the reasons dropped by default
DROP = frozenset(REASONS)
#: quantifiers whose bound variable is their first argument
QUANTIFIERS = ("wal", "wex")
#: atoms beyond which the truth table is not built (the statement is kept)
MAX_ATOMS = truth.MAX_ATOMS


def drops(config) -> frozenset:
    """The reasons a run drops: `config.degenerate` if set, else `DROP`."""
    own = getattr(config, "degenerate", None)
    return DROP if own is None else frozenset(own)


class Judge:
    """The four tests on one database, with what they need made once."""

    def __init__(self, ctx: Context):
        from .novelty import NEGATIONS
        ids = ctx.syntax_rules
        self.ctx = ctx
        self.g = ctx.syn.grammar
        self.ops = connectives(ctx)
        self.negated = {ids[a]: ids[b] for a, b in NEGATIONS.items() if a in ids and b in ids}
        # quantifier rule -> (slot of its variable, slot of its body): the
        # body has the rule's own type (children come in frame order)
        g = self.g
        self.quantifiers = {}
        for q in QUANTIFIERS:
            slots = ctx.syntax_frames.get(q)
            if q in ids and slots and len(slots) == 2 and None not in slots:
                body = [g.variables[-1 - v].type == g.rules[ids[q]].type for v in slots]
                if body.count(True) == 1:
                    self.quantifiers[ids[q]] = (body.index(False), body.index(True))

    @classmethod
    def of(cls, ctx: Context) -> "Judge":
        judge = ctx.degenerate_judge
        if judge is None:
            judge = ctx.degenerate_judge = cls(ctx)
        return judge

    def reason(self, hypotheses: Sequence[Term], conclusion: Term,
               disjoint=frozenset()) -> Optional[str]:
        """The first reason the statement is degenerate, or None."""
        if any(self.closed_unproved(h) for h in hypotheses):
            return "closed_hypothesis"
        if hypotheses and self.ops:
            table = self.table(list(hypotheses) + [conclusion])
            if table is not None:
                full, values = table
                assumed = full
                for v in values[:-1]:
                    assumed &= v
                if not assumed:
                    return "inconsistent"
                if values[-1] == full:
                    return "tautology"
        if self.quantifiers and any(self.vacuous(t, disjoint)
                                    for t in (*hypotheses, conclusion)):
            return "vacuous"
        return None

    def closed_unproved(self, h: Term) -> bool:
        """`h` has no variable and no hypothesis-free database assertion
        states it."""
        return (all(n >= 0 for n in h)
                and statement_hash(self.ctx, [], h) not in self.ctx.known)

    def table(self, terms: list) -> Optional[tuple[int, list[int]]]:
        """(all rows, each term's truth value as a bit mask over the rows),
        over the atoms of `terms` (`truth.table`); None past `MAX_ATOMS` atoms."""
        got = table(self.g, self.ops, terms, self.negated)
        return None if got is None else got[:2]

    def vacuous(self, t: Term, disjoint) -> bool:
        """Whether `t` holds a quantifier over a variable not free in its
        body in any instance (see the module docstring)."""
        g = self.g
        for i, n in enumerate(t):
            if n < 0 or n not in self.quantifiers:
                continue
            kids = children(g, t[i:skip(g, t, i)])
            var, body = (kids[k] for k in self.quantifiers[n])
            if len(var) != 1 or var[0] >= 0:
                continue
            x = var[0]
            if all(m != x and (min(m, x), max(m, x)) in disjoint
                   for m in body if m < 0):
                return True
        return False


def judge(ctx: Context, hypotheses: Sequence[Term], conclusion: Term,
          disjoint=frozenset()) -> Optional[str]:
    """`Judge.reason` on `ctx`'s database."""
    return Judge.of(ctx).reason(hypotheses, conclusion, disjoint)
