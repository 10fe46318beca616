r"""Novelty beyond renaming: is a theorem a substitution instance of a
database assertion whose hypotheses it includes?

A theorem (hypotheses H, conclusion C) is an *instance of* assertion A
(hypotheses H_A, conclusion C_A) when one substitution s of A's variables
makes s(C_A) = C, s(h) a member of H for every h in H_A, and every `$d`
pair of A a `$d` pair of the theorem under s: then the theorem follows from
its hypotheses by a single citation of A, so it says nothing the database
does not say already.
A restatement (`Theorem.restates`) is the special case of a renaming.
Both sides are read with set.mm's defined negations unfolded (`A =/= B` as
`-. A = B`, df-ne; `A e/ B` as `-. A e. B`, df-nel), so `C e/ ( B \ { C } )`
is seen to be an instance of `neldifsn`, `|- -. A e. ( B \ { A } )`.

`InstanceIndex.of(ctx)` indexes the conclusions of the database's
assertions (typecode `|-`, or the database's logical typecode) in a
discrimination tree: the conclusion in prefix order, each variable a
wildcard that stands for a whole subterm.  A lookup walks the theorem's
conclusion down the tree, so only assertions whose constants sit where the
conclusion has the same constants are matched (`kit.match`), and only
those get their hypotheses compared.  Made once per context and shared by
every generator of the process; the tree grows as it is walked (a node
sorts its assertions among its children when a lookup first reaches it),
so a run pays only for the part its theorems visit: on set.mm, about a
tenth of a second to start instead of the whole tree's second.
"""
from __future__ import annotations

from typing import Optional, Sequence

from ..kernel import engines
from ..syntax.types import Term

_STAR = None        # the wildcard key of a tree node

#: defined negations, unfolded before matching: rule -> (wn, the rule it negates)
NEGATIONS = {"wne": "wceq", "wnel": "wcel"}


def unfolding(ctx) -> dict:
    """rule id -> the ids it unfolds to, for `unfold` (empty without them)."""
    ids = ctx.syntax_rules
    if "wn" not in ids:
        return {}
    return {ids[a]: (ids["wn"], ids[b]) for a, b in NEGATIONS.items()
            if a in ids and b in ids}


def unfold(rewrite: dict, term: Term) -> Term:
    """`term` with each defined negation unfolded: in prefix order
    `wne A B` is `wn wceq A B` (same children, one more node)."""
    if not rewrite or rewrite.keys().isdisjoint(term):
        return term
    out: list = []
    for n in term:
        r = rewrite.get(n)
        if r is None:
            out.append(n)
        else:
            out.extend(r)
    return tuple(out)
_LEAF = -10 ** 9    # the key under which a node lists the assertions ending there
_PENDING = -10 ** 9 - 1     # a node's assertions not yet sorted among its children

#: constants of a hypothesis's prefix `InstanceIndex` compares at most
LEAD = 3


def _lead(term: Term) -> Term:
    """The constants `term` starts with (up to its first variable, at most
    LEAD): a term matching `term` as a pattern starts with the same."""
    k = 0
    while k < len(term) and k < LEAD and term[k] >= 0:
        k += 1
    return term[:k]


class InstanceIndex:
    def __init__(self, ctx, typecode: str = "|-"):
        self.ctx = ctx
        self.typecode = typecode
        #: one tree per number of hypotheses: a theorem with k of them
        #: looks only in trees 0..k
        self.roots: list[dict] = []
        self.size = 0
        self._arity = [r.arity for r in ctx.syn.grammar.rules]
        self.rewrite = rw = unfolding(ctx)
        self._best = INSTANCES.choose()
        for label in ctx.order:
            a = ctx.assertions[label]
            if a.typecode != typecode or a.kind == "g" or not a.conclusion:
                continue
            k = len(a.essentials)
            while len(self.roots) <= k:
                self.roots.append({_PENDING: []})
            self.roots[k][_PENDING].append((a, unfold(rw, a.conclusion), 0))
            self.size += 1

    def _grow(self, node: dict) -> None:
        """Sort `node`'s pending assertions (assertion, conclusion unfolded,
        position in it) among its children, by the symbol at the position
        (a variable's key the wildcard), or into its leaf list at the end."""
        rw = self.rewrite
        for a, concl, pos in node.pop(_PENDING):
            if pos == len(concl):
                hyps = [unfold(rw, h) for h in a.essentials]
                # with the constant prefixes of its hypotheses: a theorem
                # lacking one of them among its own hypotheses' cannot qualify
                heads = frozenset(_lead(h) for h in hyps if h[0] >= 0)
                node.setdefault(_LEAF, []).append((a, heads, concl, hyps))
                continue
            key = _STAR if concl[pos] < 0 else concl[pos]
            child = node.get(key)
            if child is None:       # (a node grows once: its children are new)
                child = node[key] = {_PENDING: []}
            child[_PENDING].append((a, concl, pos + 1))

    @classmethod
    def of(cls, ctx, typecode: str = "|-") -> "InstanceIndex":
        """The index of `ctx`'s database, made on first use."""
        key = (id(ctx), typecode)
        got = _INDEXES.get(key)
        if got is None or got.ctx is not ctx:
            if len(_INDEXES) >= 2:      # each holds its context: keep no old ones alive
                _INDEXES.clear()
            got = _INDEXES[key] = cls(ctx, typecode)
        return got

    def candidates(self, conclusion: Term, hypotheses: int = 10 ** 9) -> list:
        """(assertion, constant prefixes of its hypotheses (`_lead`), its
        conclusion and hypotheses unfolded) for the assertions with at most
        `hypotheses` hypotheses whose conclusion may have `conclusion`
        (unfolded) as an instance: the same constants wherever theirs has
        one."""
        out: list = []
        arity = self._arity
        term = conclusion
        n = len(term)

        def skip(pos: int) -> int:
            need = 1
            while need:
                x = term[pos]
                pos += 1
                need += (arity[x] - 1) if x >= 0 else -1
            return pos

        stack = [(root, 0) for root in self.roots[:hypotheses + 1]]
        while stack:
            node, pos = stack.pop()
            if _PENDING in node:
                self._grow(node)
            if pos == n:
                leaf = node.get(_LEAF)
                if leaf:
                    out.extend(leaf)
                continue
            star = node.get(_STAR)
            if star is not None:
                stack.append((star, skip(pos)))
            x = term[pos]
            if x >= 0:
                child = node.get(x)
                if child is not None:
                    stack.append((child, pos + 1))
        return out

    def instance_of(self, hypotheses: Sequence[Term], conclusion: Term,
                    disjoint=frozenset()) -> Optional[str]:
        """The label of a database assertion the theorem (with `$d` pairs
        `disjoint`, sorted pairs of variable ids) is an instance of (the
        earliest in database order), or None."""
        rw = self.rewrite
        best = self._best(self, [unfold(rw, h) for h in hypotheses], unfold(rw, conclusion),
                          disjoint)
        return best.label if best is not None else None


def best_instance(index: InstanceIndex, hyps: list, conclusion: Term, disjoint):
    """`InstanceIndex.instance_of` after unfolding: the earliest assertion
    of `index` the theorem (`hyps`, `conclusion`, both unfolded) is an
    instance of, or None.  `_deep.instance_best` is the same in C."""
    kit = index.ctx.kit
    have = {h[:k] for h in hyps for k in range(1, len(_lead(h)) + 1)}
    best = None
    for a, heads, concl, needed in index.candidates(conclusion, len(hyps)):
        if (best is not None and a.position >= best.position) or not heads <= have:
            continue
        s = kit.match(concl, conclusion)
        if s is None:
            continue
        if _extend(kit, a, needed, hyps, s, disjoint):
            best = a
    return best


def _extend(kit, a, needed: list, have: list, s: dict, disjoint) -> bool:
    """Whether one extension of `s` maps every term of `needed` (`a`'s
    hypotheses) onto a member of `have` and every `$d` pair of `a` onto
    pairs of `disjoint` (backtracking; the lists are short)."""
    if not needed:
        return _disjoint_kept(a, s, disjoint)
    first, rest = needed[0], needed[1:]
    for h in have:
        m = kit.match(first, h, s)
        if m is not None and _extend(kit, a, rest, have, m, disjoint):
            return True
    return False


def _disjoint_kept(a, s: dict, disjoint) -> bool:
    """Whether `a`'s `$d` pairs under `s` are all among `disjoint` (sorted
    pairs of variable ids): then citing `a` proves the theorem."""
    for x, y in a.disjoint:
        tx, ty = s.get(x), s.get(y)
        if tx is None or ty is None:
            continue
        for p in tx:
            if p >= 0:
                continue
            for q in ty:
                if q >= 0:
                    continue
                if p == q or (min(p, q), max(p, q)) not in disjoint:
                    return False
    return True


def instance_of(ctx, hypotheses: Sequence[Term], conclusion: Term, disjoint=frozenset(),
                typecode: str = "|-") -> Optional[str]:
    """`InstanceIndex.of(ctx, typecode).instance_of(hypotheses, conclusion, disjoint)`."""
    return InstanceIndex.of(ctx, typecode).instance_of(hypotheses, conclusion, disjoint)


def instance_of_by_scan(ctx, hypotheses: Sequence[Term], conclusion: Term,
                        disjoint=frozenset(), typecode: str = "|-") -> Optional[str]:
    """The same answer by trying every assertion (no index): the reference
    the tests hold the index to."""
    kit = ctx.kit
    rw = unfolding(ctx)
    hyps = [unfold(rw, h) for h in hypotheses]
    conclusion = unfold(rw, conclusion)
    for label in ctx.order:
        a = ctx.assertions[label]
        if a.typecode != typecode or a.kind == "g" or not a.conclusion:
            continue
        if len(a.essentials) > len(hyps):
            continue
        s = kit.match(unfold(rw, a.conclusion), conclusion)
        if s is not None and _extend(kit, a, [unfold(rw, h) for h in a.essentials], hyps, s,
                                     disjoint):
            return label
    return None


_INDEXES: dict = {}

INSTANCES = engines.pair(
    "explore.instance_match", best_instance, "proofgen.explore._deep", "instance_best",
    agreement=("tests/test_deep.py::test_instances_are_found_by_the_index_as_by_a_scan_and_dropped_by_default",
               "tests/test_engine_pairs.py::test_pair_agrees"))


class GeneralityIndex:
    """The mirror of `InstanceIndex`: given a theorem E, the indexed
    statements T that are substitution instances of E with E's hypotheses
    mapped among T's (so E proves T by one citation, `$d` pairs aside).
    The held-out theorems of a split are indexed so that no generated
    theorem more general than one of them is emitted (explore/split.py).

    The indexed conclusions (unfolded, their variables standing for
    themselves) form a trie in prefix order; a lookup walks E's conclusion
    down it, a constant following its own edge and a variable jumping over
    one whole subterm (the jumps out of a node are found once and kept), so
    only statements with E's constants where E has them are matched."""

    def __init__(self, ctx, statements):
        """`statements`: (label, hypotheses, conclusion) to index."""
        self.ctx = ctx
        self.rewrite = unfolding(ctx)
        self._arity = [r.arity for r in ctx.syn.grammar.rules]
        self.root: dict = {}
        self._jumps: dict[int, list] = {}
        #: (frontier, key -> the same one symbol further): see `_ends`
        self._prefixes: tuple = ([self.root], {})
        self._kept = 0
        self.size = 0
        for label, hyps, concl in statements:
            concl = unfold(self.rewrite, concl)
            node = self.root
            for n in concl:
                node = node.setdefault(n, {})
            hyps = [unfold(self.rewrite, h) for h in hyps]
            node.setdefault(_LEAF, []).append(
                (label, concl, hyps, frozenset(h[0] for h in hyps)))
            self.size += 1

    def _jump(self, node: dict) -> list:
        """The trie nodes one whole subterm below `node`."""
        got = self._jumps.get(id(node))
        if got is None:
            arity = self._arity
            got = []
            stack = [(node, 1)]
            while stack:
                at, need = stack.pop()
                for key, child in at.items():
                    if key == _LEAF:
                        continue
                    left = need - 1 + (arity[key] if key >= 0 else 0)
                    if left == 0:
                        got.append(child)
                    else:
                        stack.append((child, left))
            self._jumps[id(node)] = got
        return got

    def _ends(self, pattern: Term) -> list:
        """The trie nodes where an indexed conclusion of `pattern`'s shape
        ends (its constants, a wildcard for each variable).  Generated
        theorems share the first symbols of their shapes, so the frontier
        after each prefix is kept in a trie of its own (up to a bound)."""
        if self._kept >= 500_000:
            self._prefixes, self._kept = ([self.root], {}), 0
        at = self._prefixes
        for n in pattern:
            key = n if n >= 0 else -1
            nxt = at[1].get(key)
            if nxt is None:
                frontier = at[0]
                if key < 0:
                    seen: dict[int, dict] = {}
                    for node in frontier:
                        for child in self._jump(node):
                            seen[id(child)] = child
                    frontier = list(seen.values())
                else:
                    frontier = [c for c in (node.get(key) for node in frontier)
                                if c is not None]
                nxt = at[1][key] = (frontier, {})
                self._kept += 1
            at = nxt
            if not at[0]:
                break
        return at[0]

    def generalised(self, hypotheses: Sequence[Term], conclusion: Term) -> Optional[str]:
        """The label of an indexed statement that is an instance of the
        theorem (hypotheses, conclusion), or None."""
        kit = self.ctx.kit
        rw = self.rewrite
        pattern = unfold(rw, conclusion)
        frontier = self._ends(pattern)
        if not frontier:
            return None
        needed = [unfold(rw, h) for h in hypotheses]
        # a hypothesis led by a constant maps only onto one led by the same
        heads = frozenset(h[0] for h in needed if h[0] >= 0)
        for node in frontier:
            for label, concl, hyps, have in node.get(_LEAF, ()):
                if (needed and not hyps) or not heads <= have:
                    continue
                s = kit.match(pattern, concl)
                if s is not None and _maps_into(kit, needed, hyps, s):
                    return label
        return None


#: backtracking steps `_maps_into` takes before it answers yes to be safe
MAPPING_BUDGET = 2000


def _maps_into(kit, needed: list, have: list, s: dict) -> bool:
    """Whether one extension of `s` maps every term of `needed` onto a
    member of `have`.  Each term's options are found first (a term with
    none fails at once) and the fewest-options term is tried first; past
    `MAPPING_BUDGET` steps the answer is yes, as dropping a theorem by
    mistake is safe where emitting one is not."""
    options = []
    for h in needed:
        got = [t for t in have if kit.match(h, t, s) is not None]
        if not got:
            return False
        options.append((len(got), h, got))
    options.sort(key=lambda o: o[0])
    steps = 0

    def go(k: int, s: dict) -> bool:
        nonlocal steps
        if k == len(options):
            return True
        _, h, got = options[k]
        for t in got:
            steps += 1
            if steps > MAPPING_BUDGET:
                return True
            m = kit.match(h, t, s)
            if m is not None and go(k + 1, m):
                return True
        return False

    return go(0, s)
