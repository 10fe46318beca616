"""The `deep` generator: saturate from a premise set, then trace back.

One round (as AlphaGeometry does for geometry):

(a) premises: the `$e` hypotheses of a random library assertion that has
    some (a set of hypotheses a real theorem was proved from, so they are
    jointly meaningful); their variables are *rigid* for the round;
(b) forward chaining to a budget: a driver fact of the round's pool (a
    premise or a derived fact, biased to the deepest and latest) is matched
    against a hypothesis of a library rule found through an index from a
    hypothesis's head symbol to (rule, slot); the rule's other hypotheses
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

Everything is a pure function of (context, config, seed, unit).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from .context import Assertion, Context, canonical_statement, statement_hash
from .theorem import Step, Theorem, as_assertion, disjoint_needed, theorem_label

Term = tuple

#: syntax rules that count as propositional (set.mm's and iset.mm's names):
#: a theorem whose statement uses any other syntax rule is non-propositional
PROPOSITIONAL = frozenset({
    "wn", "wi", "wb", "wa", "wo", "wif", "w3o", "w3a", "wnan", "wxo", "wtru", "wfal",
    "wnor", "w3nand", "wcad", "wdc"})


#: truth functions of the propositional connectives (on bit masks; `f` all ones)
_TRUTH = {
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


@dataclass
class DeepConfig:
    library: str = "default"        # labels, as `ForwardConfig.library`
    max_symbols: int = 48
    max_hypotheses: int = 3
    steps: int = 3000               # rule applications tried per round
    pool: int = 600                 # derived facts per round at most
    emit: int = 150                 # theorems emitted per round at most
    min_depth: int = 8              # shallower facts are not emitted
    candidates: int = 6             # library assertions tried per open hypothesis
    per_round: int = 3              # applications of one rule per round at most
                                    # (more when the library has few rules)
    drop_tautologies: bool = True   # not emitted: true without their hypotheses
    size_weight: float = 0.5        # emit by flattened steps / symbols ** size_weight


#: symbols of a statement's constant prefix the rule index keys on
PREFIX = 4


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


@dataclass
class Deep:
    ctx: Context
    config: DeepConfig
    rng: random.Random
    rules: list = field(default_factory=list)            # assertions with $e
    seeds: list = field(default_factory=list)            # assertions with 1..max $e
    #: constant prefix (up to the first variable, at most PREFIX symbols) of
    #: a rule's hypothesis -> [(rule, slot)]; of a hypothesis-free
    #: assertion's conclusion -> [assertion]
    by_hyp_head: dict = field(default_factory=dict)
    var_hyp: list = field(default_factory=list)          # [(rule, slot)] var-headed hyp
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
    used: dict = field(default_factory=dict)    # label -> applications in this unit
    var_rate: float = 0.2       # chance a rule with a variable hypothesis is a choice

    @classmethod
    def start(cls, ctx: Context, config: DeepConfig, labels: list[str], seed: int,
              unit: int = 0, excluded_hashes=()) -> "Deep":
        d = cls(ctx, config, random.Random(f"deep:{seed}:{unit}"))
        d.excluded = set(excluded_hashes)
        tcs = [ctx.assertions[x].typecode for x in labels]
        d.typecode = "|-" if "|-" in tcs else max(set(tcs), key=tcs.count)
        for lab in labels:
            a = ctx.assertions[lab]
            if a.typecode != d.typecode:
                continue
            d.seen.add(statement_hash(ctx, a.essentials, a.conclusion))
            if a.essentials:
                d.rules.append(a)
                if len(a.essentials) <= config.max_hypotheses:
                    d.seeds.append(a)
                for k, h in enumerate(a.essentials):
                    if h[0] < 0:
                        d.var_hyp.append((a, k))
                    else:
                        d.by_hyp_head.setdefault(_prefix(h), []).append((a, k))
            elif a.conclusion and a.conclusion[0] >= 0:
                d.axioms_by_head.setdefault(_prefix(a.conclusion), []).append(a)
        if not d.seeds:
            raise ValueError("library has no assertion with hypotheses to take premises from")
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
        ctx, cfg, rng, kit = self.ctx, self.config, self.rng, self.ctx.kit
        g = ctx.syn.grammar
        seed = rng.choice(self.seeds)
        premises = list(dict.fromkeys(seed.essentials))
        rigid: set[int] = set()
        for h in premises:
            rigid.update(n for n in h if n < 0)
        by_type: dict[int, list[int]] = {}
        for v in sorted(rigid, reverse=True):
            by_type.setdefault(g.variables[-1 - v].type, []).append(v)
        facts = [_Fact(h, 0, None, i, frozenset(), frozenset([i])) for i, h in enumerate(premises)]
        index: dict[Term, int] = {h: i for i, h in enumerate(premises)}
        by_head: dict[int, list[int]] = {}
        for i, h in enumerate(premises):
            by_head.setdefault(h[0], []).append(i)
        derived = 0
        used = self.used
        in_round: dict = {}
        cap = max(cfg.per_round, cfg.pool // len(self.rules))
        keyed: dict = {}        # fact -> its levels of the rule index
        for _ in range(cfg.steps):
            if derived >= cfg.pool:
                break
            self.attempts += 1
            # the driver: biased to the latest (deepest) facts
            n = len(facts)
            i = n - 1 - min(n - 1, int(rng.expovariate(1.0) * 2.5)) if rng.random() < 0.75 \
                else rng.randrange(n)
            f = facts[i]
            # a level of the prefix index, then a rule in it: specific
            # hypotheses (long constant prefixes) are few but likely to match
            levels = keyed.get(i)
            if levels is None:
                levels = keyed[i] = self._keyed(self.by_hyp_head, f.term)
            if rng.random() < self.var_rate or not levels:
                levels = levels + [self.var_hyp]
            opts = levels[int(rng.random() * len(levels))]
            if not opts:
                continue
            # the less used of two draws: spreads citations over the library
            rnd = rng.random
            rule, slot = opts[int(rnd() * len(opts))]
            other = opts[int(rnd() * len(opts))]
            if used.get(other[0].label, 0) < used.get(rule.label, 0):
                rule, slot = other
            if in_round.get(rule.label, 0) >= cap:
                continue
            new = self._apply(rule, slot, i, facts, by_head, rigid, by_type, {})
            if new is None:
                continue
            term, prem, floats = new
            if term in index or len(term) > cfg.max_symbols:
                continue
            used[rule.label] = used.get(rule.label, 0) + 1
            in_round[rule.label] = in_round.get(rule.label, 0) + 1
            for p in prem:
                if p[0] == "l":
                    used[p[1]] = used.get(p[1], 0) + 1
            depth = 1 + max((facts[p[1]].depth for p in prem if p[0] == "f"), default=0)
            node = len(facts)
            steps = {node}
            hyps: set = set()
            for p in prem:
                if p[0] == "f":
                    steps |= facts[p[1]].steps
                    hyps |= facts[p[1]].hyps
                else:
                    steps.add(("l", p[1], p[2]))
            if len(hyps) > cfg.max_hypotheses:
                continue
            index[term] = node
            facts.append(_Fact(term, depth, (rule.label, floats, tuple(prem)), -1,
                               frozenset(steps), frozenset(hyps)))
            if term[0] >= 0:
                by_head.setdefault(term[0], []).append(node)
            derived += 1
        return self._emit(premises, facts)

    def _apply(self, rule: Assertion, slot: int, driver: int, facts, by_head, rigid, by_type,
               counter):
        """Apply `rule` with hypothesis `slot` on fact `driver`: (conclusion,
        premises, floats) or None."""
        ctx, kit, rng = self.ctx, self.ctx.kit, self.rng
        g = ctx.syn.grammar
        # the driver first, on the rule as it is (most attempts end here):
        # the fact's variables are constants to `match`
        m0 = kit.match(rule.essentials[slot], facts[driver].term)
        if m0 is None:
            return None
        ren = self._rename(rule, counter)
        hyps = [kit.substitute(h, ren) for h in rule.essentials]
        fixed = {v: (v,) for v in rigid}        # match: rigid variables stay put
        s = {ren[v][0]: t for v, t in m0.items()}
        s.update(fixed)
        prem: list = [None] * len(hyps)
        prem[slot] = ("f", driver)
        order = [k for k in range(len(hyps)) if k != slot]
        rng.shuffle(order)
        for k in order:
            goal = kit.substitute(hyps[k], s)
            found = None
            cands = by_head.get(goal[0], ()) if goal[0] >= 0 else range(len(facts))
            if len(cands) > 12:     # 12 in a row from a random start
                o = rng.randrange(len(cands))
                cands = [cands[(o + x) % len(cands)] for x in range(12)]
            for j in cands:
                m = kit.match(goal, facts[j].term, {**s, **fixed})
                if m is not None:
                    found, s = ("f", j), m
                    break
            if found is None and goal[0] >= 0:
                levels = self._keyed(self.axioms_by_head, goal)
                if levels:
                    s = self._resolve(s)
                for _ in range(self.config.candidates if levels else 0):
                    lib = levels[rng.randrange(len(levels))]
                    a = lib[rng.randrange(len(lib))]
                    b = lib[rng.randrange(len(lib))]
                    if self.used.get(b.label, 0) < self.used.get(a.label, 0):
                        a = b
                    aren = self._rename(a, counter)
                    u = self._unify_rigid(goal, kit.substitute(a.conclusion, aren), s, rigid)
                    if u is not None:
                        s = u
                        found = ("l", a.label, aren)
                        break
            if found is None:
                return None
            prem[k] = found
        s = self._resolve(s)
        # free variables of the conclusion: rigid ones of the same type
        concl = kit.substitute(kit.substitute(rule.conclusion, ren), s)
        fill = {}
        for n in concl:
            if n < 0 and n not in rigid and n not in fill:
                ty = g.variables[-1 - n].type
                pool = by_type.get(ty)
                if not pool:
                    return None
                fill[n] = (pool[rng.randrange(len(pool))],)
        if fill:
            s = {v: kit.substitute(t, fill) for v, t in s.items()}
            s.update(fill)
            concl = kit.substitute(concl, fill)
        floats = tuple(kit.substitute(ren[v], s) for v in rule.floats)
        out = []
        for p in prem:
            if p[0] == "l":
                a = ctx.assertions[p[1]]
                out.append(("l", p[1], tuple(kit.substitute(p[2][v], s) for v in a.floats)))
            else:
                out.append(p)
        return concl, out, floats

    @staticmethod
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
        variable (a rigid variable bound to a temporary is turned around)."""
        kit = self.ctx.kit
        u = kit.unify(a, b, {k: v for k, v in s.items() if k not in rigid})
        if u is None:
            return None
        flip = {}
        for v in rigid:
            t = u.get(v)
            if t is None:
                continue
            if len(t) != 1 or t[0] >= 0 or t[0] in rigid or t[0] in flip:
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
        old = [kit.substitute(h, renaming) for h in hyps]
        new_index = {k: list(chyps).index(h) for k, h in enumerate(old)}
        steps = [Step(s.label, tuple(kit.substitute(t, renaming) for t in s.floats),
                      tuple(p if p >= 0 else -1 - new_index[-1 - p] for p in s.premises))
                 for s in steps]
        disjoint = disjoint_needed(ctx, steps, self.generated)
        if disjoint is None:
            return None
        self.seen.add(key)
        thm = Theorem(self._typecode(), tuple(chyps), cconcl, tuple(steps), disjoint, f.depth,
                      "deep", label=theorem_label(ctx, key, chyps, cconcl, disjoint), hash=key,
                      restates=ctx.known.get(key))
        thm.meta["flat_steps"] = len(f.steps)
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
        ops = self.ctx.__dict__.get("_deep_connectives")
        if ops is None:
            ops = {r: lab for lab, r in self.ctx.syntax_rules.items() if lab in _TRUTH}
            self.ctx.__dict__["_deep_connectives"] = ops
        from ..syntax.terms import children
        g = self.ctx.syn.grammar
        atoms: dict = {}

        def collect(t):
            if t[0] >= 0 and t[0] in ops:
                for c in children(g, t):
                    collect(c)
            else:
                atoms.setdefault(t, len(atoms))

        collect(term)
        n = len(atoms)
        if n > 12:
            return False
        rows = 1 << n
        full = (1 << rows) - 1
        masks = {}
        for t, k in atoms.items():   # atom k is true in rows whose bit k is set
            half = 1 << k            # blocks of `half` zeros then `half` ones, repeated
            block = ((1 << half) - 1) << half
            masks[t] = block * full // ((1 << (2 * half)) - 1)

        def ev(t):
            if t in masks:
                return masks[t]
            lab = ops[t[0]]
            a = [ev(c) for c in children(g, t)]
            return _TRUTH[lab](full, *a)

        return ev(term) == full

    def _typecode(self) -> str:
        return self.typecode

    def forget(self, label: str) -> None:
        self.generated.pop(label, None)


def uses_non_propositional(ctx: Context, thm: Theorem) -> bool:
    """Whether the statement uses a syntax rule outside `PROPOSITIONAL`."""
    labels = ctx.rule_labels
    for t in list(thm.hypotheses) + [thm.conclusion]:
        for n in t:
            if n >= 0 and labels[n] not in PROPOSITIONAL:
                return True
    return False
