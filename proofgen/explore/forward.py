"""The `forward` generator: derive new facts from a library and from each other.

A pool of proven facts (statement with hypotheses, and how to cite it)
starts as the allowed library.  One derivation step picks an assertion A,
unifies each of its essential hypotheses with the conclusion of a pool fact
(most general unifier, every fact renamed apart: condensed detachment
generalised to any assertion and typed variables), fills A's remaining
variables with small sampled terms or leaves them as variables, and adds the
result to the pool: later facts cite earlier ones as lemmas, so the output
is a theory with depth.  The facts' own hypotheses become the new fact's
hypotheses (inference forms); now and then a pool fact is a bare assumption
`|- t`, which is how hypotheses enter.

Candidates are found through an index from the root symbol of a conclusion
to the facts that have it, so unification is only tried where it can work.
Everything is a pure function of (context, config, seed, unit).
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from ..syntax.types import Term
from .context import Assertion, Context, canonical_statement, statement_hash
from .degenerate import DROP, Judge
from .theorem import (Step, Theorem, as_assertion, detached_hypotheses, disjoint_needed,
                      theorem_label)


@dataclass
class ForwardConfig:
    #: "axioms": the database's logical axioms; "upto:LABEL": every assertion
    #: before LABEL; "labels:A,B,...": those; "all": the main body (see
    #: `library`); "default": see `default_library`
    library: str = "default"
    include_mathboxes: bool = False  # all, axioms, upto: also the mathboxes (and bj-*)
    with_definitions: bool = False   # axioms: also the definitions (df-*)
    max_symbols: int = 48            # hypotheses + conclusion, in symbols
    max_hypotheses: int = 3
    assumption_rate: float = 0.05    # chance a premise is a new assumption
    fill_rate: float = 0.3           # chance an unbound variable gets a term
    candidates: int = 6              # pool facts tried per hypothesis
    choice: str = "uniform"          # assertion choice: uniform | usage | inverse-usage
    deep_bias: float = 0.0           # 0..1: prefer deep premises (for depth targets)


@dataclass
class Fact:
    assertion: Optional[Assertion]   # None: an assumption
    hypotheses: tuple[Term, ...]
    conclusion: Term
    depth: int
    typecode: str


@dataclass
class Forward:
    ctx: Context
    config: ForwardConfig
    rng: random.Random
    pool: list[Fact] = field(default_factory=list)
    by_head: dict[int, list[int]] = field(default_factory=dict)
    var_headed: list[int] = field(default_factory=list)
    rules: list[Assertion] = field(default_factory=list)   # assertions to apply
    weights: list[float] = field(default_factory=list)
    seen: set = field(default_factory=set)
    attempts: int = 0
    temps: dict[int, list[int]] = field(default_factory=dict)
    generated: dict[str, Assertion] = field(default_factory=dict)
    next_position: int = 10 ** 9
    #: degenerate statements (degenerate.py): the reasons dropped, and what
    #: was found per reason (a dropped fact never joins the pool)
    drop_degenerate: frozenset = field(default_factory=lambda: DROP)
    degenerate: Counter = field(default_factory=Counter)

    @classmethod
    def start(cls, ctx: Context, config: ForwardConfig, seed: int, unit: int = 0) -> "Forward":
        fw = cls(ctx, config, random.Random(f"forward:{seed}:{unit}"))
        for a in library(ctx, config.library):
            fw.add(Fact(a, tuple(a.essentials), a.conclusion, 0, a.typecode), known=True)
            if a.essentials:
                fw.rules.append(a)
        if not fw.rules:
            raise ValueError(f"library {config.library} has no rule of inference (an assertion "
                             "with hypotheses): nothing can be derived")
        for a in fw.rules:
            use = ctx.usage.get(a.label, 0)
            fw.weights.append({"uniform": 1.0, "usage": 1.0 + use,
                               "inverse-usage": 1.0 / (1.0 + use)}[config.choice])
        return fw

    # -- the pool ---------------------------------------------------------
    def add(self, fact: Fact, known: bool = False) -> None:
        i = len(self.pool)
        self.pool.append(fact)
        head = fact.conclusion[0]
        if head < 0:
            self.var_headed.append(i)
        else:
            self.by_head.setdefault(head, []).append(i)
        if known:
            self.seen.add(statement_hash(self.ctx, fact.hypotheses, fact.conclusion))

    def forget(self, label: str) -> None:
        """Drop a fact the kernel rejected (a generator bug, reported)."""
        for i, f in enumerate(self.pool):
            if f.assertion is not None and f.assertion.label == label:
                self.pool[i] = Fact(None, (), (), 0, "")
                for lst in list(self.by_head.values()) + [self.var_headed]:
                    if i in lst:
                        lst.remove(i)
        self.generated.pop(label, None)

    # -- one derivation ---------------------------------------------------
    def _temp(self, type_: int, k: int) -> int:
        lst = self.temps.setdefault(type_, [])
        while len(lst) <= k:
            lst.append(self.ctx.syn.grammar.fresh_variable(type_))
        return lst[k]

    def _rename(self, terms, counter: dict) -> tuple[list[Term], dict]:
        """Rename the variables of `terms` apart, to temporaries."""
        g = self.ctx.syn.grammar
        ren = {}
        for t in terms:
            for n in t:
                if n < 0 and n not in ren:
                    ty = g.variables[-1 - n].type
                    k = counter.get(ty, 0)
                    counter[ty] = k + 1
                    ren[n] = (self._temp(ty, k),)
        return [self.ctx.kit.substitute(t, ren) for t in terms], ren

    def derive(self) -> Optional[Theorem]:
        """One attempt; a new (not yet deduplicated-by-caller) theorem or None."""
        self.attempts += 1
        ctx, cfg, rng, kit = self.ctx, self.config, self.rng, self.ctx.kit
        g = ctx.syn.grammar
        rule = rng.choices(self.rules, self.weights)[0]
        counter: dict = {}
        (rconcl, *rhyps), rren = self._rename([rule.conclusion] + rule.essentials, counter)
        subst: dict = {}
        premises = []   # per hypothesis: (fact, renaming of the fact) or ("assume", term)
        for h in rhyps:
            goal = kit.substitute(h, subst)
            if rng.random() < cfg.assumption_rate:
                premises.append(("assume", goal))
                continue
            found = None
            for fact in self._candidates(goal):
                terms, fren = self._rename([fact.conclusion] + list(fact.hypotheses), counter)
                u = kit.unify(goal, terms[0], subst)
                if u is not None:
                    found = (fact, fren)
                    subst = u
                    break
            if found is None:
                return None
            premises.append(found)
        # variables of the rule still free: a small term, or left as they are
        fills = {}
        for v in kit_variables(rconcl, rhyps):
            if v not in subst and rng.random() < cfg.fill_rate:
                term = self._sample_term(g.variables[-1 - v].type)
                if term is not None:
                    fills[v] = term
        if fills:  # compose, keeping the substitution idempotent
            subst = {v: kit.substitute(t, fills) for v, t in subst.items()}
            subst.update(fills)
        conclusion = kit.substitute(rconcl, subst)
        hyps: list[Term] = []
        steps: list[Step] = []
        refs: list[int] = []
        depth = 0
        for p in premises:
            if p[0] == "assume":
                hyps_index = _add_hyp(hyps, kit.substitute(p[1], subst))
                refs.append(-1 - hyps_index)
                continue
            fact, fren = p
            a = fact.assertion
            depth = max(depth, fact.depth)
            full = {v: kit.substitute(t, subst) for v, t in fren.items()}
            if kit.substitute(a.conclusion, full) == conclusion:
                # a detour: the rule gives back what a premise already
                # proves, only weakened by the other premises' hypotheses
                return None
            floats = tuple(full[v] for v in a.floats)
            prem = tuple(-1 - _add_hyp(hyps, kit.substitute(h, full)) for h in a.essentials)
            steps.append(Step(a.label, floats, prem))
            refs.append(len(steps) - 1)
        rule_full = {v: kit.substitute(t, subst) for v, t in rren.items()}
        steps.append(Step(rule.label, tuple(rule_full[v] for v in rule.floats), tuple(refs)))
        if len(hyps) > cfg.max_hypotheses or conclusion in hyps:
            return None
        if hyps and detached_hypotheses(hyps, conclusion):
            return None        # vacuous: a hypothesis with nothing to say about the conclusion
        if len(conclusion) + sum(len(h) for h in hyps) > cfg.max_symbols:
            return None
        return self._finish(rule, hyps, conclusion, steps, depth + 1)

    def _finish(self, rule, hyps, conclusion, steps, depth) -> Optional[Theorem]:
        ctx, kit = self.ctx, self.ctx.kit
        g = ctx.syn.grammar
        chyps, cconcl, renaming = canonical_statement(ctx, hyps, conclusion)
        key = statement_hash(ctx, chyps, cconcl)
        if key in self.seen:
            return None
        # dummy variables of the proof get canonical names after the others
        counts: dict[int, int] = {}
        for v in renaming:
            t = g.variables[-1 - v].type
            counts[t] = counts.get(t, 0) + 1
        for st in steps:
            for t in st.floats:
                for n in t:
                    if n < 0 and n not in renaming:
                        ty = g.variables[-1 - n].type
                        renaming[n] = (g.canonical_variable(ty, counts.get(ty, 0)),)
                        counts[ty] = counts.get(ty, 0) + 1
        if any(r[0] not in ctx.float_label for r in renaming.values()):
            return None  # more variables than the database declares
        # hypothesis order changed: map old hypothesis index -> new
        old = [kit.substitute(h, renaming) for h in hyps]
        new_index = {i: list(chyps).index(h) for i, h in enumerate(old)}
        steps = [Step(s.label, tuple(kit.substitute(t, renaming) for t in s.floats),
                      tuple(p if p >= 0 else -1 - new_index[-1 - p] for p in s.premises))
                 for s in steps]
        disjoint = disjoint_needed(ctx, steps, self.generated)
        if disjoint is None:
            return None
        self.seen.add(key)
        why = Judge.of(ctx).reason(chyps, cconcl, disjoint)
        if why is not None:
            self.degenerate[why] += 1
            if why in self.drop_degenerate:
                return None
        thm = Theorem(rule.typecode, tuple(chyps), cconcl, tuple(steps), disjoint, depth,
                      "forward", label=theorem_label(ctx, key, chyps, cconcl, disjoint), hash=key,
                      restates=ctx.known.get(key), meta={"degenerate": why})
        a = as_assertion(ctx, thm, self.next_position)
        self.next_position += 1
        self.generated[thm.label] = a
        self.add(Fact(a, thm.hypotheses, thm.conclusion, depth, thm.typecode))
        return thm

    def _candidates(self, goal: Term):
        """Pool facts whose conclusion may unify with `goal`, a few at random."""
        rng = self.rng
        head = goal[0]
        if head >= 0:
            lists = [self.by_head.get(head, []), self.var_headed]
        else:
            lists = [self.var_headed] + list(self.by_head.values())
        total = sum(len(x) for x in lists)
        if not total:
            return
        picks = []
        for _ in range(self.config.candidates):
            r = rng.randrange(total)
            for x in lists:
                if r < len(x):
                    picks.append(x[r])
                    break
                r -= len(x)
        if self.config.deep_bias and rng.random() < self.config.deep_bias:
            picks.sort(key=lambda i: -self.pool[i].depth)
        for i in picks:
            fact = self.pool[i]
            if fact.assertion is not None:
                yield fact

    def _sample_term(self, type_: int) -> Optional[Term]:
        """A small term of a type: a subterm of a random pool conclusion."""
        from ..syntax.terms import skip
        g = self.ctx.syn.grammar
        for _ in range(4):
            fact = self.pool[self.rng.randrange(len(self.pool))]
            t = fact.conclusion
            if not t:
                continue
            pos = self.rng.randrange(len(t))
            sub = t[pos:skip(g, t, pos)]
            if g.type_of(sub[0]) == type_ and len(sub) <= 7:
                return sub
        return None


def kit_variables(first: Term, rest) -> list[int]:
    seen: dict[int, None] = {}
    for t in [first] + list(rest):
        for n in t:
            if n < 0:
                seen.setdefault(n, None)
    return list(seen)


def _add_hyp(hyps: list[Term], h: Term) -> int:
    if h in hyps:
        return hyps.index(h)
    hyps.append(h)
    return len(hyps) - 1


def default_library(ctx: Context) -> tuple[str, str]:
    """The library a run uses unless told otherwise, and why: a database
    laid out like set.mm (propositional calculus, then `ax-gen`) gives its
    propositional calculus; any other gives all its assertions."""
    if "ax-gen" in ctx.assertions:
        return "upto:ax-gen", "the assertions before ax-gen: its propositional calculus"
    return "all", "every assertion (it has no ax-gen, where set.mm's predicate calculus starts)"


#: labels of set.mm's variants and scaffolding: alternative and obsolete
#: proofs (*ALT, *OLD, numbered too), virtual-deduction versions (*VD),
#: `dummylink`; never in a library unless asked for by `labels:`
VARIANT_LABEL = re.compile(r".*(?:OLD|ALT)\d*|.*VD|dummylink")
#: a mathbox's labels found outside the mathbox section (BJ's prefix)
MATHBOX_LABEL = re.compile(r"bj-.*")


def library(ctx: Context, spec: str, include_mathboxes: bool = False,
            with_definitions: bool = False) -> list[Assertion]:
    """The allowed library: see `ForwardConfig.library` and `library_counted`."""
    return library_counted(ctx, spec, include_mathboxes, with_definitions)[0]


def library_counted(ctx: Context, spec: str, include_mathboxes: bool = False,
                    with_definitions: bool = False) -> tuple[list[Assertion], Counter]:
    """The library `spec` names, and what it left out, by reason.

    `all` is the database's main body: every assertion except those of its
    mathboxes (from the first assertion after the mathbox heading on:
    `Context.mathbox_start`; a database without one has none) and labels
    matching `bj-*` (reason "mathbox"), and set.mm's variants `*OLD`,
    `*ALT`, `*VD`, `dummylink` (reason "variant").  `include_mathboxes`
    keeps the mathboxes.  `axioms` is the logical axioms: `$a` labelled
    `ax-*` (on a database with no such label, every `$a` not labelled
    `df-*`), with the definitions (`df-*`) only when `with_definitions`
    (reason "definition" otherwise), mathboxes and variants left out as for
    `all`.  `upto:LABEL` leaves out the same as `all` before LABEL;
    `labels:A,B` is exactly those."""
    excluded: Counter = Counter()
    if spec == "default":
        spec = default_library(ctx)[0]
    if spec.startswith("labels:"):
        labels = [x for x in spec[7:].split(",") if x]
        missing = [x for x in labels if x not in ctx.assertions]
        if missing:
            raise ValueError(f"library: no assertion labelled {', '.join(missing)}")
        return _nonempty(spec, [ctx.assertions[x] for x in labels]), excluded
    if spec == "axioms":
        axioms = [ctx.assertions[x] for x in ctx.order if ctx.assertions[x].kind == "a"]
        named = any(a.label.startswith("ax-") for a in axioms)
        picked = []
        for a in axioms:
            if a.label.startswith("df-"):
                if not with_definitions:
                    excluded["definition"] += 1
                    continue
            elif named and not a.label.startswith("ax-"):
                excluded["not an axiom"] += 1     # ax-* named: other $a are not logical axioms
                continue
            picked.append(a)
        candidates = picked
    elif spec.startswith("upto:"):
        stop = spec[5:]
        if stop not in ctx.assertions:
            raise ValueError(f"library: no assertion labelled {stop}")
        candidates = []
        for x in ctx.order:
            if x == stop:
                break
            candidates.append(ctx.assertions[x])
    elif spec == "all":
        candidates = [ctx.assertions[x] for x in ctx.order]
    else:
        raise ValueError(f"library {spec!r}: use axioms, all, upto:LABEL or labels:A,B")
    start = None if include_mathboxes else ctx.mathbox_start()
    out = []
    for a in candidates:
        if not include_mathboxes and ((start is not None and a.position >= start[1])
                                      or MATHBOX_LABEL.fullmatch(a.label)):
            excluded["mathbox"] += 1
        elif VARIANT_LABEL.fullmatch(a.label):
            excluded["variant"] += 1
        else:
            out.append(a)
    return _nonempty(spec, out), excluded


def library_note(spec: str, kept: int, excluded: Counter) -> str:
    """One line for the run's log: the library's size and what it left out."""
    reasons = {"mathbox": "in mathboxes or bj-* (--include-mathboxes keeps them)",
               "variant": "*OLD/*ALT/*VD/dummylink variants",
               "definition": "definitions (--with-definitions keeps them)",
               "not an axiom": "other $a that are not ax-* axioms"}
    parts = [f"{n:,} {reasons.get(k, k)}" for k, n in sorted(excluded.items()) if n]
    return (f"library {spec}: {kept:,} assertions"
            + (f"; left out: {', '.join(parts)}" if parts else ""))


def _nonempty(spec: str, found: list[Assertion]) -> list[Assertion]:
    if not found:
        raise ValueError(f"library {spec} holds no axiom or theorem to derive from")
    return found
