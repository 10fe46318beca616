"""The `deep` generator: saturate from a premise set, then trace back.

One round (as AlphaGeometry does for geometry):

(a) premises: the `$e` hypotheses of a random library assertion that has
    some (a set of hypotheses a real theorem was proved from, so they are
    jointly meaningful); their variables are *rigid* for the round;
(b) forward chaining to a budget: a driver fact of the round's pool (a
    premise or a derived fact, biased to the deepest and latest) is matched
    against a hypothesis of a library rule found through an index of the
    hypotheses' shapes (`_shapes`: their symbols in prefix order, each
    variable a wildcard for a subterm of its type); the rule's other hypotheses
    are matched against pool facts (by head symbol) or unified with a
    hypothesis-free library assertion (by the head of its conclusion);
    rigid variables are never instantiated; what the rule still leaves free
    in its conclusion becomes a premise variable of the same type (or a
    declared variable, then rigid too); each new fact records its
    derivation (the rule, its substitution, its premises): a DAG;
(c) trace back: every derived fact's proof is the part of the DAG it
    reaches; its hypotheses are exactly the premises reached (so none is
    unused), and a fact is kept only if each hypothesis shares a variable
    with the conclusion (so none is isolated either).  Depth is the longest
    chain of rule applications from a premise; the flattened length counts
    the distinct logical steps of the whole DAG.  The round's best facts
    (flattened length per statement symbol, deepest first on ties) are
    emitted, in derivation order, each citing the round's earlier emitted
    facts as lemmas.

A theorem that is a substitution instance of a database assertion whose
hypotheses it includes (`novelty.py`) is dropped, or with
`keep_instances` emitted with `meta["instance_of"]`.

`_saturate` and `_apply` (and the tautology test) are the reference; their
C twin in `_deep.pyx` runs by default (`kernel.engines` pairs
`explore.deep_saturate` and `explore.deep_tautology`) and derives the same
facts from the same random numbers.

Everything is a pure function of (context, config, seed, unit).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Optional

from ..kernel import engines
from ..syntax.terms import skip
from ..syntax.types import Term
from .context import Assertion, Context, canonical_statement, statement_hash
from .novelty import NEGATIONS
from .theorem import Step, Theorem, as_assertion, disjoint_needed, theorem_label
from .truth import connectives, table, tautology


@dataclass
class DeepConfig:
    library: str = "default"        # labels, as `ForwardConfig.library`
    max_symbols: int = 48
    max_hypotheses: int = 3
    steps: int = 3000               # rule applications tried per round
    pool: int = 600                 # derived facts per round at most
    emit: int = 150                 # theorems emitted per round at most
    min_depth: int = 8              # shallower facts are not emitted
    candidates: int = 2             # library assertions tried per open hypothesis
    window: int = 12                # round facts tried per open hypothesis
    recent: float = 2.5             # mean distance from the latest fact of 3 drivers in 4
    max_share: float = 1.0          # a rule is not applied while it has more than this
                                    # share of the unit's citations and 20 of them (1: off)
    max_rule_hypotheses: int = 0    # rules with more hypotheses are not applied (0: any)
    max_cited_share: float = 1.0    # a theorem is not emitted if a database assertion
                                    # would then have more than this share of the unit's
                                    # emitted citations (plus `CITED_SLACK`; 1: off)
    per_round: int = 3              # applications of one rule per round at most
                                    # (more when the library has few rules)
    drop_tautologies: bool = True   # not emitted: true without their hypotheses
    prune_tautologies: bool = True  # nor kept in the round's pool: what stands on a
                                    # tautology is mostly another one (a wasted chain)
    drop_unneeded: bool = True      # not emitted: follows propositionally without one
                                    # of its hypotheses (`Deep._unneeded`)
    spare_variables: int = 2        # declared variables per premise type added to a
                                    # round's (rigid) variables, to fill what rules leave free
    spare_all_types: bool = False   # of every declared type, not only the premises': a
                                    # rule bringing in a class or setvar then applies
    drop_dressed: bool = True       # nor, if it has a non-propositional atom, from all
                                    # of them: propositional logic dressed in set theory
    size_weight: float = 0.5        # emit by flattened steps / symbols ** size_weight
    draws: int = 2                  # a rule is the least used of this many draws
    instances: bool = True          # look for theorems that are instances of a database
                                    # assertion whose hypotheses they include (`novelty.py`)
    keep_instances: bool = False    # emit them (flagged `instance_of`) instead of dropping
    engine: str = ""                # saturation loop and tautology test: "cython"
                                    # (`_deep.pyx`), "python", or "" (`kernel.engines` picks)


#: symbols of a statement's constant prefix the rule index keys on
PREFIX = 4

#: citations of one assertion allowed beyond `max_cited_share` (a unit's
#: first theorems would otherwise all be over it)
CITED_SLACK = 20


def _keyed(index: dict, term: Term) -> list:
    """The nonempty lists of `index` under the prefixes of `term`'s
    constant prefix: what may match or unify with it."""
    out = []
    for k in range(1, PREFIX + 1):
        if k > len(term) or term[k - 1] < 0:
            break
        x = index.get(term[:k])
        if x:
            out.append(x)
    return out


#: the key under which a shape-index node keeps the rules whose hypothesis
#: ends there (symbols are rule ids >= 0, a variable of type T is -1 - T)
END = None


def _shape_add(g, root: dict, pattern: Term, entry: tuple) -> None:
    """File `entry` in the shape index `root` under `pattern`'s shape: its
    symbols in prefix order, each variable only as its type (a wildcard for
    one subterm of that type)."""
    node = root
    for n in pattern:
        key = n if n >= 0 else -1 - g.variables[-1 - n].type
        node = node.setdefault(key, {})
    node.setdefault(END, []).append(entry)


def _shapes(g, root: dict, term: Term) -> list:
    """The lists of the shape index `root` whose shape `term` has: the rules
    that may take `term` as that hypothesis (a pattern using one variable
    twice may still not match).  Depth first, the wildcard before the
    symbol; `_deep.shapes` is the same in C."""
    out: list = []
    n = len(term)

    def walk(node: dict, pos: int) -> None:
        if pos == n:
            got = node.get(END)
            if got:
                out.append(got)
            return
        x = term[pos]
        ty = g.rules[x].type if x >= 0 else g.variables[-1 - x].type
        child = node.get(-1 - ty)
        if child is not None:
            walk(child, skip(g, term, pos))
        if x >= 0:
            child = node.get(x)
            if child is not None:
                walk(child, pos + 1)

    walk(root, 0)
    walk = None     # noqa: F841 (a recursive closure: a cycle otherwise)
    return out


def _prefix(t: Term) -> Term:
    k = 0
    while k < len(t) and k < PREFIX and t[k] >= 0:
        k += 1
    return t[:k]


@dataclass
class _Fact:
    term: Term
    depth: int
    # derivation: None for premise i (then `hyp` = i), else
    # (rule label, floats, premises) with premises: ("f", fact index) |
    # ("l", label, floats) (a hypothesis-free library assertion)
    rule: Optional[tuple]
    hyp: int = -1
    steps: frozenset = frozenset()  # derivation nodes reached (flattened proof)
    hyps: frozenset = frozenset()   # premises reached


_LIBRARIES: dict = {}


def _library(ctx: Context, labels: list[str], config: DeepConfig) -> tuple:
    """(typecode, rules, seeds, by_shape, var_hyp, axioms_by_head) of a
    library: made once per process for each (context, labels, limits) and
    shared by the units (nothing changes them)."""
    key = (id(ctx), tuple(labels), config.max_hypotheses, config.max_rule_hypotheses)
    got = _LIBRARIES.get(key)
    if got is not None and got[0] is ctx:
        return got[1]
    tcs = [ctx.assertions[x].typecode for x in labels]
    typecode = "|-" if "|-" in tcs else max(set(tcs), key=tcs.count)
    rules, seeds, var_hyp = [], [], []
    by_shape: dict = {}
    g = ctx.syn.grammar
    axioms_by_head: dict = {}
    for lab in labels:
        a = ctx.assertions[lab]
        if a.typecode != typecode:
            continue
        if a.essentials:
            if len(a.essentials) <= config.max_hypotheses:
                seeds.append(a)
            if config.max_rule_hypotheses and len(a.essentials) > config.max_rule_hypotheses:
                continue
            rules.append(a)
            for k, h in enumerate(a.essentials):
                if h[0] < 0:
                    var_hyp.append((a, k, a.label))
                else:
                    _shape_add(g, by_shape, h, (a, k, a.label))
        elif a.conclusion and a.conclusion[0] >= 0:
            axioms_by_head.setdefault(_prefix(a.conclusion), []).append(a)
    out = (typecode, rules, seeds, by_shape, var_hyp, axioms_by_head)
    if len(_LIBRARIES) >= 4 or any(c is not ctx for c, _ in _LIBRARIES.values()):
        _LIBRARIES.clear()      # each holds its context: keep no old ones alive
    _LIBRARIES[key] = (ctx, out)
    return out


@dataclass
class Deep:
    ctx: Context
    config: DeepConfig
    rng: random.Random
    rules: list = field(default_factory=list)            # assertions with $e
    seeds: list = field(default_factory=list)            # assertions with 1..max $e
    #: shape index (`_shape_add`) of the rules' constant-headed hypotheses,
    #: its lists [(rule, slot, rule's label)]
    by_shape: dict = field(default_factory=dict)
    var_hyp: list = field(default_factory=list)          # [(rule, slot, label)] var-headed hyp
    #: constant prefix (up to the first variable, at most PREFIX symbols) of
    #: a hypothesis-free assertion's conclusion -> [assertion]
    axioms_by_head: dict = field(default_factory=dict)
    seen: set = field(default_factory=set)
    generated: dict = field(default_factory=dict)        # label -> Assertion
    temps: dict = field(default_factory=dict)
    attempts: int = 0
    rounds: int = 0
    next_position: int = 2 * 10 ** 9
    excluded: set = field(default_factory=set)
    typecode: str = "|-"
    tautologies: int = 0        # facts not emitted: true without their hypotheses
    pruned: int = 0             # derived tautologies not kept in a round's pool
    unneeded: int = 0           # facts not emitted: a hypothesis is not needed
    used: dict = field(default_factory=dict)    # label -> applications in this unit
    used_total: int = 0                         # the sum of `used`
    var_rate: float = 0.2       # chance a rule with a variable hypothesis is a choice
    renamed: dict = field(default_factory=dict)     # `_renamed`, `_renamed_lemma`
    novelty: object = None      # `novelty.InstanceIndex` (with `DeepConfig.instances`)
    instances: int = 0          # theorems found to be instances of a database assertion
    float_types: dict = field(default_factory=dict)  # label -> its floats' types
    patterns: dict = field(default_factory=dict)     # label -> its hypotheses (C loop)
    declared: Optional[dict] = None                  # `_declared`
    cited: dict = field(default_factory=dict)   # database label -> citations emitted
    cited_total: int = 0                        # the sum of `cited`
    concentrated: int = 0       # theorems not emitted: `max_cited_share`

    @classmethod
    def start(cls, ctx: Context, config: DeepConfig, labels: list[str], seed: int,
              unit: int = 0, excluded_hashes=()) -> "Deep":
        d = cls(ctx, config, random.Random(f"deep:{seed}:{unit}"))
        d.excluded = set(excluded_hashes)
        lib = _library(ctx, labels, config)
        d.typecode, d.rules, d.seeds, d.by_shape, d.var_hyp, d.axioms_by_head = lib
        # every database assertion is known already (`Context.known`: the
        # same canonical hash), not only the library's
        d.seen = set(ctx.known)
        if not d.seeds:
            raise ValueError("library has no assertion with hypotheses to take premises from")
        if config.instances:
            from .novelty import InstanceIndex
            d.novelty = InstanceIndex.of(ctx, d.typecode)
        return d

    # -- helpers ------------------------------------------------------------
    def _temp(self, type_: int, k: int) -> int:
        lst = self.temps.setdefault(type_, [])
        while len(lst) <= k:
            lst.append(self.ctx.syn.grammar.fresh_variable(type_))
        return lst[k]

    def _rename(self, a: Assertion, counter: dict) -> dict:
        """A renaming of `a`'s variables apart, to temporaries (distinct
        within one rule application: `counter` is the application's).
        Temporaries left in a step's floats are its dummy variables."""
        variables = self.ctx.syn.grammar.variables
        temps = self.temps
        ren = {}
        for v in a.floats:
            ty = variables[-1 - v].type
            k = counter.get(ty, 0)
            counter[ty] = k + 1
            lst = temps.get(ty)
            ren[v] = ((lst[k] if lst is not None and k < len(lst) else self._temp(ty, k)),)
        return ren

    # -- one round ------------------------------------------------------------
    def round(self) -> list[Theorem]:
        self.rounds += 1
        g = self.ctx.syn.grammar
        rnd = self.rng.random
        seed = self.seeds[int(rnd() * len(self.seeds))]
        premises = list(dict.fromkeys(seed.essentials))
        rigid: set[int] = set()
        for h in premises:
            rigid.update(n for n in h if n < 0)
        by_type: dict[int, list[int]] = {}
        for v in sorted(rigid, reverse=True):
            by_type.setdefault(g.variables[-1 - v].type, []).append(v)
        if self.config.spare_variables:
            # what a rule leaves free is filled from these too, so a
            # conclusion is not `{ A , { A , A } }` for want of variables
            declared = self._declared()
            for ty in (list(declared) if self.config.spare_all_types else list(by_type)):
                vs = by_type.setdefault(ty, [])
                spare = [v for v in declared.get(ty, ()) if v not in rigid]
                spare = spare[:self.config.spare_variables]
                vs.extend(spare)
                rigid.update(spare)
        facts = [_Fact(h, 0, None, i, frozenset(), frozenset([i])) for i, h in enumerate(premises)]
        index: dict[Term, int] = {h: i for i, h in enumerate(premises)}
        by_head: dict[int, list[int]] = {}
        for i, h in enumerate(premises):
            by_head.setdefault(h[0], []).append(i)
        SATURATE.choose(self.config.engine or None)(self, facts, index, by_head, rigid, by_type)
        return self._emit(premises, facts)

    def _saturate(self, facts, index, by_head, rigid, by_type) -> None:
        """Forward chaining from the round's premises (`facts`) to the
        budget: new facts appended to `facts` (and `index`, `by_head`).
        `_deep.saturate` is the same loop in C (tests hold them to the
        same facts); the random stream is drawn from `rng.random` only,
        in the same order by both."""
        cfg = self.config
        rnd = self.rng.random
        used = self.used
        in_round: dict = {}
        cap = max(cfg.per_round, cfg.pool // len(self.rules))
        keyed: dict = {}        # fact -> its levels of the rule index
        fixed = {v: (v,) for v in rigid}        # match: rigid variables stay put
        derived = 0
        for _ in range(cfg.steps):
            if derived >= cfg.pool:
                break
            self.attempts += 1
            # the driver: biased to the latest (deepest) facts
            n = len(facts)
            if rnd() < 0.75:
                i = n - 1 - min(n - 1, int(-math.log(1.0 - rnd()) * cfg.recent))
            else:
                i = int(rnd() * n)
            f = facts[i]
            # a shape the driver has, then a rule of that shape: every shape
            # as likely, so specific hypotheses are tried as often as `ph -> ps`
            levels = keyed.get(i)
            if levels is None:
                levels = keyed[i] = _shapes(self.ctx.syn.grammar, self.by_shape, f.term)
            if rnd() < self.var_rate or not levels:
                levels = levels + [self.var_hyp]
            opts = levels[int(rnd() * len(levels))]
            if not opts:
                continue
            # the least used of `draws` draws: spreads citations over the library
            rule, slot, label = opts[int(rnd() * len(opts))]
            best = used.get(label, 0)
            for _d in range(1, cfg.draws):
                other = opts[int(rnd() * len(opts))]
                u = used.get(other[2], 0)
                if u < best:
                    (rule, slot, label), best = other, u
            if in_round.get(label, 0) >= cap or best > cfg.max_share * self.used_total + 20:
                continue
            new = self._apply(rule, slot, i, facts, by_head, rigid, fixed, by_type)
            if new is None:
                continue
            term, prem, floats = new
            if term in index or len(term) > cfg.max_symbols:
                continue
            depth = 0
            hyps: set = set()
            steps = set()
            for p in prem:
                if p[0] == "f":
                    fp = facts[p[1]]
                    if fp.depth > depth:
                        depth = fp.depth
                    steps |= fp.steps
                    hyps |= fp.hyps
                else:
                    steps.add(("l", p[1], p[2]))
            if len(hyps) > cfg.max_hypotheses:
                continue
            if cfg.prune_tautologies and self._tautology(term):
                self.pruned += 1
                continue
            used[label] = used.get(label, 0) + 1
            in_round[label] = in_round.get(label, 0) + 1
            self.used_total += 1
            for p in prem:
                if p[0] == "l":
                    used[p[1]] = used.get(p[1], 0) + 1
                    self.used_total += 1
            node = len(facts)
            steps.add(node)
            index[term] = node
            facts.append(_Fact(term, depth + 1, (label, floats, tuple(prem)), -1,
                               frozenset(steps), frozenset(hyps)))
            if term[0] >= 0:
                by_head.setdefault(term[0], []).append(node)
            derived += 1

    def _renamed(self, a: Assertion) -> tuple:
        """`a` renamed apart as the first assertion of an application: (its
        renaming, hypotheses, conclusion, the temporaries it took per type).
        The same every time, so kept."""
        r = self.renamed.get(a.label)
        if r is None:
            counter: dict = {}
            ren = self._rename(a, counter)
            sub = self.ctx.kit.substitute
            r = (ren, [sub(h, ren) for h in a.essentials], sub(a.conclusion, ren), counter)
            self.renamed[a.label] = r
        return r

    def _renamed_lemma(self, a: Assertion, counter: dict) -> tuple:
        """A hypothesis-free `a` renamed apart after what `counter` says the
        application has taken: (renaming, conclusion, temporaries taken per
        type), kept per (label, what was taken of its types)."""
        types = self.float_types.get(a.label)
        if types is None:
            variables = self.ctx.syn.grammar.variables
            types = self.float_types[a.label] = tuple(sorted({variables[-1 - v].type
                                                               for v in a.floats}))
        key = (a.label, tuple([counter.get(t, 0) for t in types]))
        r = self.renamed.get(key)
        if r is None:
            c = {t: counter.get(t, 0) for t in types}
            ren = self._rename(a, c)
            r = (ren, self.ctx.kit.substitute(a.conclusion, ren),
                 [(t, c[t]) for t in types])
            self.renamed[key] = r
        return r

    def _apply(self, rule: Assertion, slot: int, driver: int, facts, by_head, rigid, fixed,
               by_type):
        """Apply `rule` with hypothesis `slot` on fact `driver`: (conclusion,
        premises, floats) or None."""
        kit, rnd = self.ctx.kit, self.rng.random
        g = self.ctx.syn.grammar
        # the driver first, on the rule as it is (most attempts end here):
        # the fact's variables are constants to `match`
        m0 = kit.match(rule.essentials[slot], facts[driver].term)
        if m0 is None:
            return None
        ren, hyps, concl, counter = self._renamed(rule)
        counter = dict(counter)
        s = {ren[v][0]: t for v, t in m0.items()}
        s.update(fixed)
        prem: list = [None] * len(hyps)
        prem[slot] = ("f", driver)
        order = [k for k in range(len(hyps)) if k != slot]
        window = self.config.window
        for x in range(len(order) - 1, 0, -1):      # shuffled
            y = int(rnd() * (x + 1))
            order[x], order[y] = order[y], order[x]
        for k in order:
            goal = kit.substitute(hyps[k], s)
            found = None
            cands = by_head.get(goal[0], ()) if goal[0] >= 0 else range(len(facts))
            nc = len(cands)
            if nc > window:     # `window` in a row from a random start
                o = int(rnd() * nc)
                cands = [cands[(o + x) % nc] for x in range(window)]
            for j in cands:
                m = kit.match(goal, facts[j].term, s)
                if m is not None:
                    found, s = ("f", j), m
                    break
            if found is None and goal[0] >= 0:
                levels = _keyed(self.axioms_by_head, goal)
                if levels:
                    for _ in range(self.config.candidates):
                        lib = levels[int(rnd() * len(levels))]
                        a = lib[int(rnd() * len(lib))]
                        b = lib[int(rnd() * len(lib))]
                        if self.used.get(b.label, 0) < self.used.get(a.label, 0):
                            a = b
                        aren, aconcl, took = self._renamed_lemma(a, counter)
                        u = self._unify_rigid(goal, aconcl, s, rigid)
                        if u is not None:
                            s = u
                            found = ("l", a.label, aren)
                            counter.update(took)
                            break
            if found is None:
                return None
            prem[k] = found
        s = self._resolve(s)
        # free variables of the conclusion: rigid ones of the same type
        concl = kit.substitute(concl, s)
        fill = {}
        for n in concl:
            if n < 0 and n not in rigid and n not in fill:
                ty = g.variables[-1 - n].type
                pool = by_type.get(ty)
                if not pool:
                    return None
                fill[n] = (pool[int(rnd() * len(pool))],)
        sub = kit.substitute
        if fill:
            # (renamings map variables to variables: `fill` after `s`)
            concl = sub(concl, fill)
            floats = tuple([sub(sub(ren[v], s), fill) for v in rule.floats])
        else:
            floats = tuple([sub(ren[v], s) for v in rule.floats])
        out = []
        for p in prem:
            if p[0] == "l":
                a = self.ctx.assertions[p[1]]
                out.append(("l", p[1], tuple([sub(sub(p[2][v], s), fill) if fill else
                                              sub(p[2][v], s) for v in a.floats])))
            else:
                out.append(p)
        return concl, out, floats

    def _resolve(self, s: dict) -> dict:
        """`s` made idempotent: `match` binds variables that earlier
        bindings (from `unify`) may still contain."""
        sub = self.ctx.kit.substitute
        while True:
            t = {k: sub(v, s) for k, v in s.items()}
            if t == s:
                return t
            s = t

    def _unify_rigid(self, a: Term, b: Term, s: dict, rigid: set) -> Optional[dict]:
        """A unifier of a and b extending s that instantiates no rigid
        variable (a rigid variable bound to a temporary is turned around;
        not when that temporary is bound itself: then the rigid one stands
        for what the temporary does)."""
        kit = self.ctx.kit
        u = kit.unify(a, b, {k: v for k, v in s.items() if k not in rigid})
        if u is None:
            return None
        flip = {}
        for v in rigid:
            t = u.get(v)
            if t is None:
                continue
            if len(t) != 1 or t[0] >= 0 or t[0] in rigid or t[0] in flip or t[0] in u:
                return None
            flip[t[0]] = (v,)
        out = {k: kit.substitute(t, flip) for k, t in u.items() if k not in rigid} if flip \
            else {k: t for k, t in u.items() if k not in rigid}
        out.update(flip)
        out.update({v: (v,) for v in rigid})
        return out

    # -- trace back and emit ----------------------------------------------------
    def _emit(self, premises, facts) -> list[Theorem]:
        ctx, cfg = self.ctx, self.config
        cands = []
        for i, f in enumerate(facts):
            if f.rule is None or f.depth < cfg.min_depth or f.term in premises:
                continue
            hyps = [premises[h] for h in sorted(f.hyps)]
            size = len(f.term) + sum(len(h) for h in hyps)
            if size > cfg.max_symbols:
                continue
            cvars = {n for n in f.term if n < 0}
            if any(cvars.isdisjoint(h) for h in hyps):
                continue    # a hypothesis sharing no variable with the conclusion
            if cfg.drop_tautologies and self._tautology(f.term):
                self.tautologies += 1
                continue    # true without its hypotheses: they are not needed
            if cfg.drop_unneeded and self._unneeded(hyps, f.term):
                self.unneeded += 1
                continue    # one of its hypotheses is not needed
            cands.append((-len(f.steps) / size ** cfg.size_weight, -f.depth, i))
        cands.sort()
        chosen = sorted(i for _, _, i in cands[:cfg.emit])
        lemmas: dict[int, tuple] = {}     # fact -> (assertion, canonical var -> term, hyps)
        out = []
        for i in chosen:
            thm = self._theorem(premises, facts, i, lemmas)
            if thm is not None:
                out.append(thm)
        return out

    def _theorem(self, premises, facts, target, lemmas) -> Optional[Theorem]:
        ctx, kit = self.ctx, self.ctx.kit
        g = ctx.syn.grammar
        f = facts[target]
        used = sorted(f.hyps)
        hyps = [premises[h] for h in used]
        hyp_ref = {h: -1 - k for k, h in enumerate(used)}
        steps: list[Step] = []
        done: dict[int, int] = {}

        def ref(j: int) -> int:
            fj = facts[j]
            if fj.rule is None:
                return hyp_ref[fj.hyp]
            if j in done:
                return done[j]
            if j in lemmas and j != target:
                a, back, lhyps = lemmas[j]
                prem = tuple(hyp_ref[premises.index(h)] for h in lhyps)
                steps.append(Step(a.label, tuple(back[v] for v in a.floats), prem))
            else:
                label, floats, prem = fj.rule
                refs = []
                for p in prem:
                    if p[0] == "f":
                        refs.append(ref(p[1]))
                    else:
                        steps.append(Step(p[1], p[2], ()))
                        refs.append(len(steps) - 1)
                steps.append(Step(label, floats, tuple(refs)))
            done[j] = len(steps) - 1
            return done[j]

        ref(target)
        ref = None      # the closure refers to itself: break the cycle (no collection needed)
        conclusion = f.term
        chyps, cconcl, renaming = canonical_statement(ctx, hyps, conclusion)
        key = statement_hash(ctx, chyps, cconcl)
        if key in self.seen or key in self.excluded:
            return None
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
            return None
        cites: dict = {}
        assertions = ctx.assertions
        for st in steps:
            if st.label in assertions:
                cites[st.label] = cites.get(st.label, 0) + 1
        if self.config.max_cited_share < 1.0:
            # deep facts are most often built on a few cheap rewrites
            # (con1bii, xchnxbir, ...): this holds each to a share
            cap = self.config.max_cited_share * (self.cited_total + sum(cites.values())) \
                + CITED_SLACK
            cited = self.cited
            if any(cited.get(lab, 0) + n > cap for lab, n in cites.items()):
                self.concentrated += 1
                return None
        old = [kit.substitute(h, renaming) for h in hyps]
        new_index = {k: list(chyps).index(h) for k, h in enumerate(old)}
        steps = [Step(s.label, tuple(kit.substitute(t, renaming) for t in s.floats),
                      tuple(p if p >= 0 else -1 - new_index[-1 - p] for p in s.premises))
                 for s in steps]
        disjoint = disjoint_needed(ctx, steps, self.generated)
        if disjoint is None:
            return None
        inst = self.novelty.instance_of(chyps, cconcl, disjoint) \
            if self.novelty is not None else None
        if inst is not None:
            self.instances += 1
            if not self.config.keep_instances:
                self.seen.add(key)
                return None
        self.seen.add(key)
        for lab, n in cites.items():
            self.cited[lab] = self.cited.get(lab, 0) + n
        self.cited_total += sum(cites.values())
        thm = Theorem(self._typecode(), tuple(chyps), cconcl, tuple(steps), disjoint, f.depth,
                      "deep", label=theorem_label(ctx, key, chyps, cconcl, disjoint), hash=key,
                      restates=ctx.known.get(key))
        thm.meta["flat_steps"] = len(f.steps)
        if self.novelty is not None:        # judged: run.generate need not look again
            thm.meta["instance_of"] = inst
        a = as_assertion(ctx, thm, self.next_position)
        self.next_position += 1
        self.generated[thm.label] = a
        # to cite it later in the round: canonical variable -> round term
        back = {r[0]: (v,) for v, r in renaming.items()}
        lemmas[target] = (a, back, tuple(hyps[k] for k in
                                         sorted(range(len(hyps)), key=new_index.__getitem__)))
        return thm

    def _tautology(self, term: Term) -> bool:
        """Whether `term` is a propositional tautology, its maximal
        non-propositional subterms (and wff variables) taken as atoms:
        every atom a bit mask over all assignments, evaluated at once."""
        ops = self.ctx.deep_connectives
        if ops is None:
            ops = connectives(self.ctx)
            self.ctx.deep_connectives = ops
        return TAUTOLOGY.choose(self.config.engine or None)(self.ctx, ops, term)

    def _unneeded(self, hyps: list, term: Term) -> bool:
        """Whether `term` follows propositionally from `hyps` less one of
        them (all of them when there is one): maximal non-propositional
        subterms are atoms, except that `A =/= B` is read as `-. A = B` and
        `A e/ B` as `-. A e. B` (df-ne, df-nel), so a fact that only says
        `-. A = B <-> A =/= B` is seen to need nothing.  The proof uses
        every hypothesis, but the statement would not need it."""
        ops = self.ctx.deep_connectives
        if ops is None:
            self._tautology(term)
            ops = self.ctx.deep_connectives
        return _unneeded_reference(self.ctx, ops, hyps, term, self.config.drop_dressed)

    def _declared(self) -> dict:
        """type -> the variables with a global `$f` of that type, in
        declaration order (the database's first-named first), without
        set.mm's special class tokens (`.||`, `./`, `.+`, ...: named with a
        leading dot, they stand for operations, not for any class)."""
        d = self.declared
        if d is None:
            g = self.ctx.syn.grammar
            d = {}
            for v in sorted(self.ctx.float_label, reverse=True):
                var = g.variables[-1 - v]
                if var.name[:1].isalnum():
                    d.setdefault(var.type, []).append(v)
            self.declared = d
        return d

    def _typecode(self) -> str:
        return self.typecode

    def forget(self, label: str) -> None:
        self.generated.pop(label, None)


def _unneeded_reference(ctx: Context, ops: dict, hyps: list, term: Term,
                        dressed: bool = False) -> bool:
    """`Deep._unneeded`: truth tables over the atoms of `hyps` and `term`
    (`truth.table`, defined negations unfolded)."""
    g = ctx.syn.grammar
    ids = ctx.syntax_rules
    negated = {ids[a]: ids[b] for a, b in NEGATIONS.items() if a in ids and b in ids}
    wff = g.rules[ids["wn"]].type if "wn" in ids else None
    got = table(g, ops, [*hyps, term], negated)
    if got is None:
        return False
    full, values, atoms = got
    goal = values.pop()
    if dressed and any(not (t[0] < 0 and g.variables[-1 - t[0]].type == wff)
                       for t in atoms):
        assumed = full
        for v in values:
            assumed &= v
        if assumed & ~goal == 0:
            return True
    for skip in range(len(values)):
        assumed = full
        for k, v in enumerate(values):
            if k != skip:
                assumed &= v
        if assumed & ~goal == 0:
            return True
    return not values and goal == full


def _tautology_reference(ctx: Context, ops: dict, term: Term) -> bool:
    """`Deep._tautology` in plain Python (`truth.tautology`; `_deep.tautology`
    is the same in C)."""
    return tautology(ctx.syn.grammar, ops, term)


SATURATE = engines.pair(
    "explore.deep_saturate", Deep._saturate, "proofgen.explore._deep", "saturate",
    agreement=("tests/test_deep.py::test_cython_saturation_derives_what_the_python_reference_derives",
               "tests/test_deep.py::test_cython_saturation_agrees_on_set_mm"))
TAUTOLOGY = engines.pair(
    "explore.deep_tautology", _tautology_reference, "proofgen.explore._deep", "tautology",
    agreement=("tests/test_deep.py::test_tautology_engines_agree",))
