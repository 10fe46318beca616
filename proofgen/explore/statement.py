"""Statement-first generation: sample a propositional statement, decide it,
prove it.

Every other generator derives a proof and reads its statement off the end;
this one goes the other way (Lample & Charton's "forward" data: small
problems, long solutions).  A unit draws formulas in the database's own
notation (set.mm's `-.`, `->`, `<->`, `/\\`, `\\/`, `-/\\`, `\\/_`, `T.`,
`F.`, the three-place `/\\` and `\\/`, `if-`, `hadd`, `cadd`), keeps the
tautologies (truth table on bit masks) and proves each with a complete
procedure whose proof is a `Theorem` of ordinary `Step`s, checked by the
kernel like every other generator's.

The proof (`Prover`).  A *context* is a conjunction of literals, nested to
the left, `( ( l1 /\\ l2 ) /\\ l3 )`, a partial truth assignment.  Under a
context G every subformula ps whose value the assignment already fixes
(three-valued Kleene evaluation) gets a proof of `( G -> ps )` (true) or
`( G -> -. ps )` (false), bottom up, one set.mm deduction rule per
connective and value (`jca`, `intnanrd`, `orcd`, `a1d`, `pm2.21d`, `2thd`,
`2falsed`, ...; a defined connective goes through its definition,
`df-nan`, `df-xor`, ... with `sylibr`).  A subformula fixed by the parent
context already is proved there once and carried down by `adantr`, so both
branches of a split share it; within one proof a statement is proved once
(the steps form a DAG, and the proof writer reuses repeated steps).  When
the context does not fix the formula, the prover splits on a variable
(the one that fixes the formula in most branches, then the most frequent)
and joins the two branches with `pm2.61dan` (`pm2.61i` at the top, where
the context is the literal itself, proved by `id`; deeper literals by
`simpr`).  A tautology is fixed true under every full assignment, so the
recursion always ends with a proof; a formula that is not valid ends in a
context that fixes it false: a countermodel.

The lemmas are a small fixed set looked up by label (`LEMMAS`, `DEFINITIONS`)
and checked against the statements the procedure expects; `Logic.of`
refuses a database that lacks one (the bundled hilbert.mm, iset.mm's
intuitionistic logic) with a ValueError naming them.

When `library_match` is on and the statement is an instance of a
hypothesis-free database assertion that may be cited, the proof is that one
citation instead (`meta["proof"] == "library"`); every such theorem carries
`instance_of` like deep's.

Sampling (`Sampler`, knobs in `StatementConfig`).  A statement's size is its
printed length in symbols (`( ph -> ph )`: 5; `|-` not counted; the run's
`length` metric counts tree nodes, 3 here).  For each theorem a cell is
drawn: a size from `size_distribution` (`uniform` over
`min_size..max_size`, or `log-uniform`: the log of the size uniform) among
the sizes the connective mix can print, then a number of distinct variables
uniform over `min_vars..max_vars` among those the size leaves room for (a
tautology needs a variable twice, so k variables need k + 1 variable
leaves).  Formulas of exactly that cell are drawn (connective by `mix`
weight among those that fit the size, a random split of the rest among the
arguments, `constant_rate` of the spare leaves `T.`/`F.`, the variables a
random surjection onto the leaves, renamed by first appearance: `ph`, `ps`,
...) until one is a new tautology, at most `tries` times; then the next
cell.  So the kept theorems' sizes follow the size distribution and their
variable counts the variable distribution, except where a cell runs out of
distinct tautologies (the smallest sizes).  Everything is a function of
(database, config, seed, unit).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..syntax.terms import children
from ..syntax.types import Step, Term

#: the lemmas the prover cites: label -> (hypotheses, conclusion) as set.mm states them
LEMMAS: dict[str, tuple[tuple[str, ...], str]] = {
    "id": ((), "( ph -> ph )"),
    "simpr": ((), "( ( ph /\\ ps ) -> ps )"),
    "adantr": (("( ph -> ps )",), "( ( ph /\\ ch ) -> ps )"),
    "pm2.61i": (("( ph -> ps )", "( -. ph -> ps )"), "ps"),
    "pm2.61dan": (("( ( ph /\\ ps ) -> ch )", "( ( ph /\\ -. ps ) -> ch )"), "( ph -> ch )"),
    "syl": (("( ph -> ps )", "( ps -> ch )"), "( ph -> ch )"),
    "notnot1": ((), "( ph -> -. -. ph )"),
    "a1d": (("( ph -> ps )",), "( ph -> ( ch -> ps ) )"),
    "pm2.21d": (("( ph -> -. ps )",), "( ph -> ( ps -> ch ) )"),
    "annim": ((), "( ( ph /\\ -. ps ) <-> -. ( ph -> ps ) )"),
    "jca": (("( ph -> ps )", "( ph -> ch )"), "( ph -> ( ps /\\ ch ) )"),
    "intnanrd": (("( ph -> -. ps )",), "( ph -> -. ( ps /\\ ch ) )"),
    "intnand": (("( ph -> -. ps )",), "( ph -> -. ( ch /\\ ps ) )"),
    "orcd": (("( ph -> ps )",), "( ph -> ( ps \\/ ch ) )"),
    "olcd": (("( ph -> ps )",), "( ph -> ( ch \\/ ps ) )"),
    "pm4.56": ((), "( ( -. ph /\\ -. ps ) <-> -. ( ph \\/ ps ) )"),
    "sylib": (("( ph -> ps )", "( ps <-> ch )"), "( ph -> ch )"),
    "sylibr": (("( ph -> ps )", "( ch <-> ps )"), "( ph -> ch )"),
    "2thd": (("( ph -> ps )", "( ph -> ch )"), "( ph -> ( ps <-> ch ) )"),
    "2falsed": (("( ph -> -. ps )", "( ph -> -. ch )"), "( ph -> ( ps <-> ch ) )"),
    "nbbn": ((), "( ( -. ph <-> ps ) <-> -. ( ph <-> ps ) )"),
    "notbii": (("( ph <-> ps )",), "( -. ph <-> -. ps )"),
    "a1i": (("ph",), "( ps -> ph )"),
    "tru": ((), "T."),
    "fal": ((), "-. F."),
}

#: the connectives the prover knows directly (syntax label -> lemmas they need)
CORE = {
    "wn": ("syl", "notnot1"),
    "wi": ("a1d", "pm2.21d", "jca", "annim", "sylib"),
    "wa": ("jca", "intnanrd", "intnand"),
    "wo": ("orcd", "olcd", "jca", "pm4.56", "sylib"),
    "wb": ("2thd", "2falsed", "nbbn", "sylib", "syl", "notnot1"),
    "wtru": ("a1i", "tru"),
    "wfal": ("a1i", "fal"),
}
#: the lemmas every proof may need: literals, lifting, case splits
FRAME = ("id", "simpr", "adantr", "pm2.61i", "pm2.61dan")
#: defined connectives: syntax label -> its definition `( C <-> D )`
DEFINITIONS = {
    "wnan": "df-nan",      # ( ph -/\ ps ) <-> -. ( ph /\ ps )
    "wxo": "df-xor",       # ( ph \/_ ps ) <-> -. ( ph <-> ps )
    "w3a": "df-3an",       # ( ph /\ ps /\ ch ) <-> ( ( ph /\ ps ) /\ ch )
    "w3o": "df-3or",
    "wif": "df-ifp",       # if- ( ph , ps , ch ) <-> ( ( ph /\ ps ) \/ ( -. ph /\ ch ) )
    "whad": "df-had",
    "wcad": "df-cad",
}
DEFINED_NEEDS = ("sylibr", "notbii")

#: the default connective mix: syntax label -> weight (a leaf is a variable,
#: or with `constant_rate` a constant among `wtru`/`wfal` by these weights)
DEFAULT_MIX: dict[str, float] = {
    "wn": 3.0, "wi": 4.0, "wb": 2.0, "wa": 3.0, "wo": 3.0,
    "wnan": 0.5, "wxo": 0.5, "w3a": 0.4, "w3o": 0.4, "wif": 0.3, "whad": 0.1, "wcad": 0.1,
    "wtru": 1.0, "wfal": 1.0,
}
SIZE_DISTRIBUTIONS = ("uniform", "log-uniform")
MAX_VARIABLES = 6


@dataclass
class StatementConfig:
    """The statement generator's knobs (defaults used by `--generator
    statement`; see the module docstring)."""

    min_vars: int = 1
    max_vars: int = 6                   # distinct variables, at most MAX_VARIABLES
    min_size: int = 5                   # printed symbols, `|-` not counted
    max_size: int = 40                  # (also at most the run's --max-symbols)
    size_distribution: str = "log-uniform"   # uniform | log-uniform
    mix: dict = field(default_factory=lambda: dict(DEFAULT_MIX))
    constant_rate: float = 0.05         # share of spare leaves that are T. or F.
    tries: int = 300                    # formulas drawn per cell before the next cell
    library_match: bool = True          # one citation when a database assertion has it
    min_splits: int = 0                 # keep only statements whose case proof needs
                                        # at least this many splits (harder ones), with
                                        # that proof (no library match then)

    def validate(self) -> None:
        if not 1 <= self.min_vars <= self.max_vars <= MAX_VARIABLES:
            raise ValueError(f"statement: variables must satisfy 1 <= min_vars <= max_vars "
                             f"<= {MAX_VARIABLES} (got {self.min_vars}..{self.max_vars})")
        if not 1 <= self.min_size <= self.max_size:
            raise ValueError(f"statement: sizes must satisfy 1 <= min_size <= max_size "
                             f"(got {self.min_size}..{self.max_size})")
        if self.min_splits < 0 or self.tries < 1:
            raise ValueError("statement: min_splits must be >= 0 and tries >= 1")
        if self.size_distribution not in SIZE_DISTRIBUTIONS:
            raise ValueError(f"statement: unknown size distribution {self.size_distribution!r}; "
                             f"choose {' or '.join(SIZE_DISTRIBUTIONS)}")
        bad = [k for k, w in self.mix.items() if w < 0]
        if bad:
            raise ValueError(f"statement: negative weight for {', '.join(bad)}")
        if not any(w > 0 for k, w in self.mix.items() if k not in ("wtru", "wfal")):
            raise ValueError("statement: the connective mix has no connective with a weight")


def needed_labels(mix: dict) -> list[str]:
    """The database labels a mix needs: syntax axioms, lemmas, definitions."""
    out: dict[str, None] = dict.fromkeys(FRAME)
    for op, w in mix.items():
        if w <= 0:
            continue
        if op in CORE:
            out.update(dict.fromkeys(CORE[op]))
        elif op in DEFINITIONS:
            out[DEFINITIONS[op]] = None
            out.update(dict.fromkeys(DEFINED_NEEDS))
    return list(out)


class Logic:
    """What the prover needs of a database: the connectives' rule ids, the
    wff variables, the lemmas (checked against `LEMMAS`) and definitions."""

    def __init__(self, ctx, mix: dict):
        self.ctx = ctx
        g = self.g = ctx.syn.grammar
        self.kit = ctx.kit
        missing: list[str] = []
        unknown = [op for op in mix if op not in CORE and op not in DEFINITIONS]
        if unknown:
            raise ValueError(f"statement: unknown connective {', '.join(unknown)} in the mix; "
                             f"known: {', '.join(list(CORE) + list(DEFINITIONS))}")
        ops = [op for op, w in mix.items() if w > 0]
        for op in ("wn", "wi", "wa", "wb") + tuple(ops):   # contexts need -. -> /\ <->
            if op not in ctx.syntax_rules and op not in missing:
                missing.append(op)
        labels = needed_labels(mix)
        for lab in labels:
            if lab not in ctx.assertions and lab not in missing:
                missing.append(lab)
        if missing:
            syntax = [x for x in missing if x not in ctx.assertions and x not in labels]
            lemmas = [x for x in missing if x not in syntax]
            parts = []
            if syntax:
                parts.append("the connectives " + ", ".join(syntax))
            if lemmas:
                parts.append("the lemmas " + ", ".join(lemmas))
            raise ValueError("statement: the database lacks " + " and ".join(parts)
                             + " (the propositional prover needs set.mm's; see "
                             "proofgen/explore/statement.py)")
        self.rule = {op: ctx.syntax_rules[op] for op in set(CORE) | set(DEFINITIONS)
                     if op in ctx.syntax_rules}
        self.label_of = {r: op for op, r in self.rule.items()}
        self.wff = g.rules[self.rule["wi"]].type
        self.variables = list(g.declared.get(self.wff, []))[:MAX_VARIABLES]
        if len(self.variables) < MAX_VARIABLES:
            raise ValueError("statement: the database declares fewer than "
                             f"{MAX_VARIABLES} wff variables")
        self.var_names = {g.variables[-1 - v].name: v for v in g.declared.get(self.wff, [])}
        self.cost = {r: sum(1 for x in g.rules[r].pattern if x >= 0) for r in self.rule.values()}
        self.arity = {r: g.rules[r].arity for r in self.rule.values()}
        self.order = {r: g.rules[r].order for r in self.rule.values()}
        self.lemma = {lab: ctx.assertions[lab] for lab in labels if lab in LEMMAS}
        self._args: dict[Term, tuple] = {}
        self._expanded: dict[Term, Term] = {}
        wrong = []
        for lab, a in self.lemma.items():
            hyps, concl = LEMMAS[lab]
            got = (tuple(self._plain(h) for h in a.essentials), self._plain(a.conclusion))
            if got != (hyps, concl) or a.disjoint:
                wrong.append(lab)
        self.definition: dict[int, tuple] = {}
        for op, dlab in DEFINITIONS.items():
            if dlab not in labels:
                continue
            a = ctx.assertions[dlab]
            c = a.conclusion
            ok = (not a.essentials and not a.disjoint and c and c[0] == self.rule["wb"])
            if ok:
                lhs, rhs = self.args(c)
                kids = self.args(lhs) if lhs[0] == self.rule.get(op) else None
                ok = (kids is not None and all(len(k) == 1 and k[0] < 0 for k in kids)
                      and len(set(kids)) == len(kids)
                      and {n for n in rhs if n < 0} <= {k[0] for k in kids}
                      and all(n < 0 or n in self.label_of for n in rhs))
            if not ok:
                wrong.append(dlab)
                continue
            self.definition[self.rule[op]] = (a, lhs, rhs)
        if wrong:
            raise ValueError("statement: these labels do not state what the prover expects: "
                             + ", ".join(wrong))

    def _plain(self, term: Term) -> str:
        return self.ctx.text("|-", term)[3:]

    # -- terms ------------------------------------------------------------
    def args(self, t: Term) -> tuple:
        """The root's arguments in printed order."""
        got = self._args.get(t)
        if got is None:
            kids = children(self.g, t)
            got = self._args[t] = tuple(kids[k] for k in self.order[t[0]])
            if len(self._args) > 200_000:
                self._args = {}
        return got

    def make(self, op: str, *printed: Term) -> Term:
        r = self.rule[op]
        frame: list = [None] * len(printed)
        for k, pos in enumerate(self.order[r]):
            frame[pos] = printed[k]
        out = [r]
        for x in frame:
            out.extend(x)
        return tuple(out)

    def expand(self, t: Term) -> Term:
        """A defined connective's definiens, instantiated with `t`'s arguments."""
        got = self._expanded.get(t)
        if got is None:
            _, lhs, rhs = self.definition[t[0]]
            s = {k[0]: a for k, a in zip(self.args(lhs), self.args(t))}
            got = self._expanded[t] = self.kit.substitute(rhs, s)
        return got

    def size(self, t: Term) -> int:
        """Printed symbols (`|-` not counted)."""
        cost = self.cost
        return sum(1 if n < 0 else cost[n] for n in t)

    # -- semantics ----------------------------------------------------------
    def truth_table(self, t: Term, variables: Sequence[int]) -> int:
        """The bit mask of rows (assignments of `variables`, row i gives
        variable j the value of bit j of i) where `t` is true."""
        n = len(variables)
        columns = _COLUMNS.get(n)
        if columns is None:
            rows = 1 << n
            columns = _COLUMNS[n] = [sum(1 << i for i in range(rows) if i >> j & 1)
                                     for j in range(n)]
        masks = dict(zip(variables, columns))
        return self._table(t, masks, (1 << (1 << n)) - 1, {})

    def _table(self, t: Term, masks: dict, full: int, memo: dict) -> int:
        # (a method, not a closure calling itself: no reference cycle per call)
        if t[0] < 0:
            return masks[t[0]]
        got = memo.get(t)
        if got is not None:
            return got
        op = self.label_of[t[0]]
        if op == "wtru":
            r = full
        elif op == "wfal":
            r = 0
        elif op == "wn":
            r = full ^ self._table(self.args(t)[0], masks, full, memo)
        elif op in ("wi", "wa", "wo", "wb"):
            a, b = self.args(t)
            x, y = self._table(a, masks, full, memo), self._table(b, masks, full, memo)
            r = ((full ^ x) | y if op == "wi" else x & y if op == "wa" else
                 x | y if op == "wo" else full ^ (x ^ y))
        else:
            r = self._table(self.expand(t), masks, full, memo)
        memo[t] = r
        return r

    def is_tautology(self, t: Term) -> bool:
        vs = list(dict.fromkeys(n for n in t if n < 0))
        return self.truth_table(t, vs) == (1 << (1 << len(vs))) - 1

    def kleene(self, t: Term, assign: dict, memo: dict):
        """True, False, or None (not fixed by the partial assignment)."""
        if t[0] < 0:
            return assign.get(t[0])
        if t in memo:
            return memo[t]
        op = self.label_of[t[0]]
        if op == "wtru":
            r = True
        elif op == "wfal":
            r = False
        elif op == "wn":
            a = self.kleene(self.args(t)[0], assign, memo)
            r = None if a is None else not a
        elif op in ("wi", "wa", "wo", "wb"):
            x, y = self.args(t)
            a = self.kleene(x, assign, memo)
            b = self.kleene(y, assign, memo)
            if op == "wi":
                r = True if (a is False or b is True) else False if (a and b is False) else None
            elif op == "wa":
                r = False if (a is False or b is False) else True if (a and b) else None
            elif op == "wo":
                r = True if (a is True or b is True) else False if (a is False and b is False) \
                    else None
            else:
                r = None if a is None or b is None else a == b
        else:
            r = self.kleene(self.expand(t), assign, memo)
        memo[t] = r
        return r


_LOGICS: dict = {}
_COLUMNS: dict[int, list[int]] = {}     # variables -> each one's truth-table column


def logic_of(ctx, mix: dict) -> Logic:
    """`Logic(ctx, mix)`, made once per context and mix."""
    key = (id(ctx), tuple(sorted((k, w > 0) for k, w in mix.items())))
    got = _LOGICS.get(key)
    if got is None or got.ctx is not ctx:
        if len(_LOGICS) > 16:
            _LOGICS.clear()
        got = _LOGICS[key] = Logic(ctx, mix)
    return got


# -- the proof ----------------------------------------------------------------

class _Node:
    """A context: the conjunction of literals down to this one."""

    __slots__ = ("parent", "var", "value", "assign", "term", "literal", "memo", "kleene")

    def __init__(self, parent, var, value, literal, term):
        self.parent = parent
        self.var = var
        self.value = value
        self.assign = dict(parent.assign) if parent is not None else {}
        self.assign[var] = value
        self.literal = literal
        self.term = term
        self.memo: dict = {}          # (formula, value) -> step index
        self.kleene: dict = {}


@dataclass
class Proof:
    steps: tuple           # of Step, premises before the steps citing them
    statements: tuple      # what each step proves
    depth: int             # the longest chain of steps
    splits: int            # case splits (pm2.61i / pm2.61dan)


class Prover:
    """The complete procedure of the module docstring, for one formula at a time."""

    def __init__(self, logic: Logic):
        self.L = logic

    def prove(self, formula: Term) -> tuple[Optional[Proof], Optional[dict]]:
        """(proof of `|- formula`, None), or (None, countermodel: var -> bool)
        when the formula is not valid."""
        L = self.L
        self.steps: list[Step] = []
        self.stmts: list[Term] = []
        self.shared: dict = {}            # statement -> the step proving it
        self.splits = 0
        vs = list(dict.fromkeys(n for n in formula if n < 0))
        if not vs:
            raise ValueError("statement: a formula without variables")
        x = self._choose(None, formula, vs)
        branches = []
        for value in (True, False):
            lit = (x,) if value else L.make("wn", (x,))
            node = _Node(None, x, value, lit, lit)
            got = self._solve(node, formula, vs)
            if isinstance(got, dict):
                return None, got
            branches.append(got)
        self.splits += 1
        last = self._cite("pm2.61i", {"ph": (x,), "ps": formula}, branches)
        return self._finish(last), None

    # -- search -------------------------------------------------------------
    def _solve(self, node: _Node, formula: Term, vs: list):
        v = self.L.kleene(formula, node.assign, node.kleene)
        if v is True:
            return self._proof(node, formula, True)
        if v is False:
            return {x: node.assign.get(x, False) for x in vs}
        x = self._choose(node, formula, vs)
        L = self.L
        branches = []
        for value in (True, False):
            lit = (x,) if value else L.make("wn", (x,))
            child = _Node(node, x, value, lit, L.make("wa", node.term, lit))
            got = self._solve(child, formula, vs)
            if isinstance(got, dict):
                return got
            branches.append(got)
        self.splits += 1
        return self._cite("pm2.61dan", {"ph": node.term, "ps": (x,), "ch": formula}, branches)

    def _choose(self, node: Optional[_Node], formula: Term, vs: list) -> int:
        """The variable to split on: the one that fixes the formula in most
        branches, then the most frequent, then the first."""
        assign = node.assign if node is not None else {}
        best, key = None, None
        for i, x in enumerate(vs):
            if x in assign:
                continue
            fixed = 0
            for value in (True, False):
                a = dict(assign)
                a[x] = value
                if self.L.kleene(formula, a, {}) is not None:
                    fixed += 1
            k = (fixed, formula.count(x), -i)
            if key is None or k > key:
                best, key = x, k
        return best

    # -- proofs under a context -----------------------------------------------
    def _proof(self, node: _Node, t: Term, value: bool) -> int:
        """A step proving `( G -> t )` (value True) or `( G -> -. t )`."""
        key = (t, value)
        got = node.memo.get(key)
        if got is not None:
            return got
        L = self.L
        parent = node.parent
        if parent is not None and L.kleene(t, parent.assign, parent.kleene) is not None:
            below = self._proof(parent, t, value)
            got = self._cite("adantr", {"ph": parent.term, "ps": self._target(t, value),
                                        "ch": node.literal}, [below])
        else:
            got = self._direct(node, t, value)
        node.memo[key] = got
        return got

    def _target(self, t: Term, value: bool) -> Term:
        return t if value else self.L.make("wn", t)

    def _direct(self, node: _Node, t: Term, value: bool) -> int:
        L = self.L
        G = node.term
        if t[0] < 0:                      # the literal this context adds
            assert t[0] == node.var and node.assign[t[0]] == value
            if node.parent is None:
                return self._cite("id", {"ph": node.literal}, [])
            return self._cite("simpr", {"ph": node.parent.term, "ps": node.literal}, [])
        op = L.label_of[t[0]]
        P = self._proof
        kl = lambda u: L.kleene(u, node.assign, node.kleene)   # noqa: E731
        neg = lambda u: L.make("wn", u)                          # noqa: E731
        if op == "wtru":
            tru = self._cite("tru", {}, [])
            return self._cite("a1i", {"ph": t, "ps": G}, [tru])
        if op == "wfal":
            fal = self._cite("fal", {}, [])
            return self._cite("a1i", {"ph": neg(t), "ps": G}, [fal])
        if op == "wn":
            (a,) = L.args(t)
            if value:                       # ( G -> -. a ) is a's proof of falsity
                return P(node, a, False)
            pa = P(node, a, True)
            nn = self._cite("notnot1", {"ph": a}, [])
            return self._cite("syl", {"ph": G, "ps": a, "ch": neg(neg(a))}, [pa, nn])
        if t[0] in L.definition:
            d = L.expand(t)
            df = self._cite(L.definition[t[0]][0].label, self._def_subst(t), [])
            pd = P(node, d, value)
            if value:
                return self._cite("sylibr", {"ph": G, "ps": d, "ch": t}, [pd, df])
            nb = self._cite("notbii", {"ph": t, "ps": d}, [df])
            return self._cite("sylibr", {"ph": G, "ps": neg(d), "ch": neg(t)}, [pd, nb])
        a, b = L.args(t)
        va, vb = kl(a), kl(b)
        if op == "wi":
            if value:
                if vb is True and (va is not False or self._cheaper(node, b, True, a, False)):
                    return self._cite("a1d", {"ph": G, "ps": b, "ch": a}, [P(node, b, True)])
                return self._cite("pm2.21d", {"ph": G, "ps": a, "ch": b}, [P(node, a, False)])
            j = self._cite("jca", {"ph": G, "ps": a, "ch": neg(b)},
                           [P(node, a, True), P(node, b, False)])
            an = self._cite("annim", {"ph": a, "ps": b}, [])
            return self._cite("sylib", {"ph": G, "ps": L.make("wa", a, neg(b)),
                                        "ch": neg(t)}, [j, an])
        if op == "wa":
            if value:
                return self._cite("jca", {"ph": G, "ps": a, "ch": b},
                                  [P(node, a, True), P(node, b, True)])
            if va is False and (vb is not False or self._cheaper(node, a, False, b, False)):
                return self._cite("intnanrd", {"ph": G, "ps": a, "ch": b}, [P(node, a, False)])
            return self._cite("intnand", {"ph": G, "ps": b, "ch": a}, [P(node, b, False)])
        if op == "wo":
            if not value:
                j = self._cite("jca", {"ph": G, "ps": neg(a), "ch": neg(b)},
                               [P(node, a, False), P(node, b, False)])
                pm = self._cite("pm4.56", {"ph": a, "ps": b}, [])
                return self._cite("sylib", {"ph": G, "ps": L.make("wa", neg(a), neg(b)),
                                            "ch": neg(t)}, [j, pm])
            if va is True and (vb is not True or self._cheaper(node, a, True, b, True)):
                return self._cite("orcd", {"ph": G, "ps": a, "ch": b}, [P(node, a, True)])
            return self._cite("olcd", {"ph": G, "ps": b, "ch": a}, [P(node, b, True)])
        if op == "wb":
            if value and va:
                return self._cite("2thd", {"ph": G, "ps": a, "ch": b},
                                  [P(node, a, True), P(node, b, True)])
            if value:
                return self._cite("2falsed", {"ph": G, "ps": a, "ch": b},
                                  [P(node, a, False), P(node, b, False)])
            # ( -. a <-> b ) by 2thd or 2falsed, then nbbn
            na = neg(a)
            if va is False:
                inner = self._cite("2thd", {"ph": G, "ps": na, "ch": b},
                                   [P(node, na, True), P(node, b, True)])
            else:
                inner = self._cite("2falsed", {"ph": G, "ps": na, "ch": b},
                                   [P(node, na, False), P(node, b, False)])
            nb = self._cite("nbbn", {"ph": a, "ps": b}, [])
            return self._cite("sylib", {"ph": G, "ps": L.make("wb", na, b), "ch": neg(t)},
                              [inner, nb])
        raise AssertionError(f"no rule for {op}")

    def _cheaper(self, node, a, va, b, vb) -> bool:
        """Of two ways to prove a node, whether the one through `a` is the
        better: already proved, else the smaller subformula."""
        ha, hb = (a, va) in node.memo, (b, vb) in node.memo
        if ha != hb:
            return ha
        return len(a) <= len(b)

    def _def_subst(self, t: Term) -> dict:
        a, lhs, _ = self.L.definition[t[0]]
        g = self.L.g
        return {g.variables[-1 - k[0]].name: x for k, x in zip(self.L.args(lhs), self.L.args(t))}

    def _cite(self, label: str, subst: dict, premises: list) -> int:
        """Append the step citing `label` with its variables (by name) set to
        `subst`, unless a step of the proof proves the same statement already
        (then that step; what it would have used is dropped by `_finish`)."""
        L = self.L
        a = L.lemma.get(label) or L.ctx.assertions[label]
        names = L.var_names
        s = {names[k]: v for k, v in subst.items()}
        floats = tuple(s[v] for v in a.floats)
        stmt = L.kit.substitute(a.conclusion, s)
        got = self.shared.get(stmt)
        if got is not None:           # proved already (another way): that step serves
            return got
        self.steps.append(Step(label, floats, tuple(premises)))
        self.stmts.append(stmt)
        i = self.shared[stmt] = len(self.steps) - 1
        return i

    def _finish(self, last: int) -> Proof:
        """The steps the last one reaches, renumbered in order."""
        keep = set()
        todo = [last]
        while todo:
            i = todo.pop()
            if i in keep:
                continue
            keep.add(i)
            todo.extend(self.steps[i].premises)
        order = sorted(keep)
        new = {old: k for k, old in enumerate(order)}
        steps, depth = [], []
        for old in order:
            st = self.steps[old]
            prem = tuple(new[p] for p in st.premises)
            steps.append(Step(st.label, st.floats, prem))
            depth.append(1 + max((depth[p] for p in prem), default=0))
        return Proof(tuple(steps), tuple(self.stmts[i] for i in order), depth[-1], self.splits)


def check_proof(logic: Logic, proof: Proof) -> None:
    """AssertionError unless every step's premises are what its lemma's
    hypotheses need (the kernel's check, at the tree level: for tests)."""
    kit = logic.kit
    for st, stmt in zip(proof.steps, proof.statements):
        a = logic.ctx.assertions[st.label]
        s = dict(zip(a.floats, st.floats))
        assert kit.substitute(a.conclusion, s) == stmt
        for h, p in zip(a.essentials, st.premises):
            assert p >= 0 and kit.substitute(h, s) == proof.statements[p], st.label


# -- sampling ----------------------------------------------------------------

class Sampler:
    """Formulas of a given printed size and number of distinct variables
    (see the module docstring), and the cells (size, variables) to draw."""

    def __init__(self, logic: Logic, config: StatementConfig):
        self.L = logic
        self.config = config
        mix = {op: w for op, w in config.mix.items() if w > 0}
        self.ops = [(logic.rule[op], w) for op, w in mix.items() if op not in ("wtru", "wfal")]
        self.constants = [(logic.rule[op], w) for op, w in mix.items() if op in ("wtru", "wfal")]
        top = max(config.max_size, 1)
        self._fits: dict = {}            # (size, leaves needed) -> the ops that fit
        self._leaf_memo: dict = {1: 1}
        self._parts_memo: dict = {}
        self.leaves = [-1] + [self._leaves(s) for s in range(1, top + 1)]
        lo = config.min_size
        self.sizes = [s for s in range(lo, top + 1) if self.leaves[s] >= config.min_vars + 1]
        self._size_set = set(self.sizes)
        if not self.sizes:
            raise ValueError(f"statement: no size in {config.min_size}..{config.max_size} can "
                             f"hold {config.min_vars} variable(s) with this connective mix")

    def _leaves(self, s: int) -> int:
        """The most leaves a formula of printed size `s` can have (-1: none)."""
        got = self._leaf_memo.get(s)
        if got is None:
            got = -1
            for r, _ in self.ops:
                rest = s - self.L.cost[r]
                if rest >= self.L.arity[r]:
                    got = max(got, self._best_parts(self.L.arity[r], rest))
            self._leaf_memo[s] = got
        return got

    def _best_parts(self, a: int, t: int) -> int:
        """The most leaves over splits of `t` symbols among `a` arguments."""
        if a == 1:
            return self._leaves(t) if t >= 1 else -1
        key = (a, t)
        got = self._parts_memo.get(key)
        if got is None:
            got = -1
            for p in range(1, t - a + 2):
                x, y = self._leaves(p), self._best_parts(a - 1, t - p)
                if x >= 0 and y >= 0:
                    got = max(got, x + y)
            self._parts_memo[key] = got
        return got

    def cell(self, rng: random.Random) -> tuple[int, int]:
        """(size, distinct variables) for the next theorem."""
        c = self.config
        if c.size_distribution == "uniform":
            s = rng.choice(self.sizes)
        else:
            lo, hi = math.log(self.sizes[0]), math.log(self.sizes[-1] + 1)
            while True:
                s = int(math.exp(rng.uniform(lo, hi)))
                if s in self._size_set:
                    break
        top = min(c.max_vars, self.leaves[s] - 1)
        return s, rng.randint(c.min_vars, top)

    def formula(self, rng: random.Random, size: int, k: int) -> Term:
        """A formula of printed size `size` with exactly `k` distinct
        variables, each leaf beyond the first k + 1 a constant with
        `constant_rate`, variables renamed by first appearance."""
        L = self.L
        shape = self._shape(rng, size, k + 1)
        leaves = [i for i, n in enumerate(shape) if n is None]
        spare = len(leaves) - (k + 1)
        order = leaves[:]
        rng.shuffle(order)
        constant: set = set()
        if self.constants and spare > 0:
            for i in order[k + 1:]:
                if rng.random() < self.config.constant_rate:
                    constant.add(i)
        var_leaves = [i for i in order if i not in constant]
        assign = {}
        for j, i in enumerate(var_leaves):
            assign[i] = j if j < k else rng.randrange(k)
        vs = L.variables
        out = []
        for i, n in enumerate(shape):
            if n is not None:
                out.append(n)
            elif i in constant:
                out.append(self._pick(rng, self.constants))
            else:
                out.append(vs[assign[i]])
        (canon,), _ = L.kit.canonical([tuple(out)])
        return canon

    def _pick(self, rng, weighted):
        total = sum(w for _, w in weighted)
        x = rng.random() * total
        for r, w in weighted:
            x -= w
            if x < 0:
                return r
        return weighted[-1][0]

    def _shape(self, rng: random.Random, size: int, need: int) -> list:
        """Prefix nodes (rule ids; None for a leaf) of printed size `size`
        with at least `need` leaves."""
        L = self.L
        out: list = []
        stack = [(size, need)]
        while stack:
            s, n = stack.pop()
            if s == 1:
                out.append(None)
                continue
            fits = self._fits.get((s, n))
            if fits is None:
                fits = self._fits[(s, n)] = [
                    (r, w) for r, w in self.ops
                    if s - L.cost[r] >= L.arity[r]
                    and self._best_parts(L.arity[r], s - L.cost[r]) >= n]
            r = self._pick(rng, fits)
            a = L.arity[r]
            parts = self._split(rng, s - L.cost[r], a, n)
            needs = self._share(rng, parts, n)
            out.append(r)
            # frame order of the children is the printed order mapped by `order`;
            # the shape is random anyway, so children go in frame order
            for p, m in reversed(list(zip(parts, needs))):
                stack.append((p, m))
        return out

    def _split(self, rng, total: int, a: int, need: int) -> list[int]:
        if a == 1:
            return [total]
        for attempt in range(40):
            cuts = sorted(rng.sample(range(1, total), a - 1))
            parts = [y - x for x, y in zip([0] + cuts, cuts + [total])]
            # a part of 2..4 symbols is a chain of negations: mostly avoided
            if attempt < 30 and any(2 <= p <= 4 for p in parts) and rng.random() < 0.8:
                continue
            if sum(self.leaves[p] for p in parts) >= need:
                return parts
        # the split with the most leaves, built greedily from the table
        parts = []
        left = total
        for i in range(a - 1, 0, -1):
            p = max(range(1, left - i + 1),
                    key=lambda p: (self.leaves[p] + self._best_parts(i, left - p)
                                   if self.leaves[p] >= 0 and self._best_parts(i, left - p) >= 0
                                   else -10, rng.random()))
            parts.append(p)
            left -= p
        parts.append(left)
        return parts

    def _share(self, rng, parts: list[int], need: int) -> list[int]:
        caps = [self.leaves[p] for p in parts]
        got = [1] * len(parts)
        left = need - len(parts)
        while left > 0:
            open_ = [i for i, c in enumerate(caps) if got[i] < c]
            i = rng.choice(open_)
            got[i] += 1
            left -= 1
        return got


# -- a unit's theorems ----------------------------------------------------------

class Statements:
    """One work unit's statement-first theorems: `next()` gives the next
    new valid statement with its proof, as a `Theorem` (not yet verified)."""

    def __init__(self, ctx, config: StatementConfig, seed: int, unit: int,
                 excluded_hashes=frozenset(), excluded_labels=frozenset(),
                 allow_discouraged: bool = False):
        config.validate()
        self.ctx = ctx
        self.config = config
        self.L = logic_of(ctx, config.mix)
        self.sampler = Sampler(self.L, config)
        self.prover = Prover(self.L)
        self.rng = random.Random(f"proofgen.statement/{seed}/{unit}")
        self.excluded = excluded_hashes
        self.seen: set[int] = set()
        self.misses: dict = {}         # (size, variables) -> times it ran dry
        self.typecode = self.L.lemma["id"].typecode
        self.counts = dict(drawn=0, invalid=0, duplicates=0, excluded=0, cells=0,
                           cells_exhausted=0, library=0, easy=0)
        self._index = None
        self._no_cite = set(excluded_labels)
        if not allow_discouraged:
            self._no_cite |= ctx.not_to_cite()

    def next(self):
        """The next theorem, or None when `tries` draws of the cell found
        nothing new (a cell that ran dry twice is not tried again in the
        unit): the caller draws again."""
        c, counts = self.config, self.counts
        size, k = self.sampler.cell(self.rng)
        counts["cells"] += 1
        if self.misses.get((size, k), 0) >= 2:     # ran dry twice: drawn again at once
            counts["cells_exhausted"] += 1
            return None
        for _ in range(c.tries):
            f = self.sampler.formula(self.rng, size, k)
            counts["drawn"] += 1
            if not self.L.is_tautology(f):
                counts["invalid"] += 1
                continue
            thm = self._theorem(f, size, k)
            if thm is not None:
                return thm
        counts["cells_exhausted"] += 1
        self.misses[(size, k)] = self.misses.get((size, k), 0) + 1
        return None

    def _theorem(self, f: Term, size: int, k: int):
        from .context import statement_hash
        from .theorem import Theorem, theorem_label
        ctx = self.ctx
        key = statement_hash(ctx, [], f)
        if key in self.seen:
            self.counts["duplicates"] += 1
            return None
        self.seen.add(key)
        if key in self.excluded:
            self.counts["excluded"] += 1
            return None
        first, cite = self._instances(f)
        how = "cases"
        proof = None
        if cite is None or not self.config.library_match or self.config.min_splits:
            proof, countermodel = self.prover.prove(f)
            if proof is None:          # the truth table said valid: a bug if reached
                raise AssertionError(f"statement: no proof of a tautology ({countermodel})")
            if proof.splits < self.config.min_splits:
                self.counts["easy"] += 1
                return None
        if cite is not None and self.config.library_match and proof is None:
            a, s = cite
            steps = (Step(a.label, tuple(s.get(v, (v,)) for v in a.floats), ()),)
            depth, splits, how = 1, 0, "library"
            self.counts["library"] += 1
        else:
            steps, depth, splits = proof.steps, proof.depth, proof.splits
        thm = Theorem(self.typecode, (), f, steps, frozenset(), depth, "statement",
                      label=theorem_label(ctx, key, (), f, frozenset()), hash=key,
                      restates=ctx.known.get(key))
        thm.meta.update(proof=how, size=size, variables=k, splits=splits)
        thm.meta["instance_of"] = first     # judged (None: no instance)
        return thm

    def _instances(self, f: Term):
        """(the earliest database assertion `f` is an instance of, or None;
        the earliest one that may be cited with its substitution, or None)."""
        from .novelty import InstanceIndex
        if self._index is None:
            self._index = InstanceIndex.of(self.ctx, self.typecode)
        kit = self.ctx.kit
        first = cite = None
        # candidates: (assertion, ...) entries whose conclusion may match; the
        # match that decides is on the assertion's own conclusion
        found = sorted((entry[0] for entry in self._index.candidates(f, 0)),
                       key=lambda a: a.position)
        for a in found:
            if a.essentials or a.disjoint:
                continue
            s = kit.match(a.conclusion, f)
            if s is None:
                continue
            if first is None:
                first = a.label
            if a.label not in self._no_cite:
                cite = (a, s)
                break
        return first, cite


def countermodel(logic: Logic, formula: Term) -> Optional[dict]:
    """None when `formula` is a tautology (truth table), else the first
    falsifying assignment (variable id -> bool) in truth-table order."""
    vs = list(dict.fromkeys(n for n in formula if n < 0))
    mask = logic.truth_table(formula, vs)
    rows = 1 << len(vs)
    if mask == (1 << rows) - 1:
        return None
    row = next(i for i in range(rows) if not mask >> i & 1)
    return {v: bool(row >> j & 1) for j, v in enumerate(vs)}
