"""The `extract` generator: every logical step inside a proof becomes a
theorem of its own.

A proof of `|- ph -> ch` that passes through `|- ph -> ps` proves that too;
the step's subproof, with only the hypotheses it reaches and the `$d` its
citations need, is a complete proof of it.  Proofs are replayed on trees
(see `logical_steps`) so each step's statement is a tree ready for canonical
hashing, and the subproof is a slice of the step DAG, never an expansion.
"""
from __future__ import annotations

import itertools
from typing import Iterator, Optional

from ..kernel import Statement, engines
from ..syntax.proofs import ProofBuilder, Unreplayable, replay
from ..syntax.types import Term
from .context import Assertion, Context, canonical_order, ordered_statement_hash
from .theorem import Step, Theorem, as_assertion, disjoint_needed, theorem_label


class Replay:
    """A proof at the logical level: `steps[i]` with conclusion `conclusions[i]`."""

    def __init__(self, statement: Statement, steps: list[Step], conclusions: list[Term],
                 hypotheses: list[Term]):
        self.statement = statement
        self.steps = steps
        self.conclusions = conclusions
        self.hypotheses = hypotheses


def logical_steps(ctx: Context, st: Statement) -> Optional[Replay]:
    """Replay `st`'s proof keeping only logical steps (syntax steps become
    the trees they build).  None for an incomplete or unreplayable proof.
    In C when the extension is built (`_theorem.Replayer`), else by
    `reference_logical_steps`."""
    replayer = ctx.replayer
    if replayer is None:
        replayer = ctx.replayer = REPLAYER.choose()(ctx, Step)
    found = replayer.replay(st)
    return None if found is None else Replay(st, *found)


class ReferenceReplayer:
    """`reference_logical_steps` behind the interface of `_theorem.Replayer`."""

    def __init__(self, ctx: Context, step_class=Step):   # the C one's signature
        self.ctx = ctx

    def replay(self, st: Statement) -> Optional[tuple]:
        r = reference_logical_steps(self.ctx, st)
        return None if r is None else (r.steps, r.conclusions, r.hypotheses)


REPLAYER = engines.pair(
    "explore.replayer", ReferenceReplayer, "proofgen.explore._theorem", "Replayer",
    agreement=("tests/test_explore.py::test_c_replay_agrees_with_the_reference_on_set_mm",
               "tests/test_explore.py::test_c_replay_agrees_with_the_reference_on_odd_proofs"))


def reference_logical_steps(ctx: Context, st: Statement) -> Optional[Replay]:
    """`logical_steps` in plain Python: the reference for `_theorem.Replayer`."""
    syn = ctx.syn
    frame = st.frame.hypotheses
    hyp_index: dict[str, int] = {}
    hypotheses: list[Term] = []
    for h in frame:
        tree = syn.trees.get(h)
        if tree is None:
            return None
        if not _is_float(ctx, h):
            hyp_index[h] = len(hypotheses)
            hypotheses.append(tree.term)
    b = _LogicalBuilder(ctx, hyp_index)
    try:
        stack = replay(st.proof, frame, b)
    except Unreplayable:
        return None
    if len(stack) != 1 or stack[0][0] != "s":
        return None
    return Replay(st, b.steps, b.conclusions, hypotheses)


class _LogicalBuilder(ProofBuilder):
    """Replays a proof at the logical level.  Stack entries: ("t", tree) a
    syntax value, ("s", i) the i-th logical step, ("h", i) the theorem's
    i-th `$e` hypothesis; a `?`, or anything a correct proof would not
    have, stops the replay (Unreplayable)."""

    def __init__(self, ctx: Context, hyp_index: dict[str, int]):
        self.ctx = ctx
        self.hyp_index = hyp_index
        self.steps: list[Step] = []
        self.conclusions: list[Term] = []

    def arity(self, label: str) -> int:
        ctx = self.ctx
        if label in self.hyp_index:
            return 0
        a = ctx.assertions.get(label)
        if a is not None:
            return len(a.frame)
        # a $f or a syntax axiom / syntax theorem: builds a tree
        if label not in ctx.syn.trees:
            raise Unreplayable(f"{label} has no tree")
        if _is_float(ctx, label):
            return 0
        s = ctx.syntax_frames.get(label)
        if s is None:
            raise Unreplayable(f"{label} is neither logical nor syntax")
        return len(s)

    def cite(self, label: str, args: list):
        ctx = self.ctx
        h = self.hyp_index.get(label)
        if h is not None:
            return ("h", h)
        a = ctx.assertions.get(label)
        if a is None:
            tree = ctx.syn.trees[label]
            if _is_float(ctx, label):
                return ("t", tree.term)
            if any(arg[0] != "t" for arg in args):
                raise Unreplayable(f"{label}: a syntax argument is not a tree")
            rid = ctx.syntax_rules.get(label)
            if rid is not None:
                # a syntax axiom: its node over its arguments, in frame order
                out = (rid,)
                for arg in args:
                    out += arg[1]
                return ("t", out)
            subst = {v: arg[1] for v, arg in zip(ctx.syntax_frames[label], args)
                     if v is not None}
            return ("t", ctx.kit.substitute(tree.term, subst))
        floats, premises, subst = [], [], {}
        for (k, x), arg in zip(a.frame, args):
            if k == "f":
                if arg[0] != "t":
                    raise Unreplayable(f"{label}: a $f argument is not a tree")
                floats.append(arg[1])
                subst[x] = arg[1]
            else:
                if arg[0] == "t":
                    raise Unreplayable(f"{label}: a $e argument is a tree")
                premises.append(arg[1] if arg[0] == "s" else -1 - arg[1])
        self.steps.append(Step(label, tuple(floats), tuple(premises)))
        self.conclusions.append(ctx.kit.substitute(a.conclusion, subst))
        return ("s", len(self.steps) - 1)


def _is_float(ctx: Context, label: str) -> bool:
    return label in ctx.float_labels


def subproof(replay: Replay, i: int) -> tuple[list[Step], list[int], int]:
    """The steps step i depends on, renumbered (i last), the source
    hypotheses it uses (in source order) and the height of its DAG."""
    steps = replay.steps
    need = set()
    todo = [i]
    while todo:
        j = todo.pop()
        if j in need:
            continue
        need.add(j)
        todo.extend(p for p in steps[j].premises if p >= 0)
    order = sorted(need)
    new_index = {j: k for k, j in enumerate(order)}
    hyps_used = sorted({-1 - p for j in order for p in steps[j].premises if p < 0})
    hyp_index = {h: k for k, h in enumerate(hyps_used)}
    out = []
    height = [0] * len(order)
    for k, j in enumerate(order):
        st = steps[j]
        prem = tuple(new_index[p] if p >= 0 else -1 - hyp_index[-1 - p] for p in st.premises)
        out.append(Step(st.label, st.floats, prem))
        height[k] = 1 + max((height[p] for p in prem if p >= 0), default=0)
    return out, hyps_used, height[-1]


def extract(ctx: Context, statements=None, skip_final: bool = False) -> Iterator[Theorem]:
    """Every logical step of every proof (of `statements`, default all) as a
    theorem, in database order.  Not yet deduplicated or verified."""
    for st in statements if statements is not None else ctx.syn.statements:
        if st.kind != "p" or st.proof is None or st.label not in ctx.syn.trees:
            continue
        replay = logical_steps(ctx, st)
        if replay is None:
            continue
        last = len(replay.steps) - 1
        for i in range(len(replay.steps)):
            if skip_final and i == last:
                continue
            steps, hyps_used, height = subproof(replay, i)
            disjoint = disjoint_needed(ctx, steps)
            if disjoint is None:
                continue
            yield Theorem(st.typecode, tuple(replay.hypotheses[h] for h in hyps_used),
                          replay.conclusions[i], tuple(steps), disjoint, height, "extract",
                          meta={"source": st.label, "step": i})


class Extractor:
    """Hierarchical extraction: each step becomes a theorem whose proof cites
    the theorems of its premises as lemmas (one step on top of lemmas), so a
    database's proofs become a theory of small, distinct theorems, and the
    cost is linear in the number of steps instead of quadratic.

    A step equal (up to renaming) to an earlier one is not emitted again;
    later steps cite the earlier theorem through a substitution found by
    matching.  A step that restates one of its hypotheses is that
    hypothesis.  A step proved by one citation of a database assertion on
    its hypotheses is an instance of that assertion: it is not emitted, and
    the steps using it cite the assertion themselves (`one_step`).  A step whose lemma is excluded cannot be proved without it
    and is skipped, with everything built on it."""

    def __init__(self, ctx: Context, excluded_hashes=frozenset()):
        self.ctx = ctx
        self.excluded = excluded_hashes
        self.lemmas: dict[int, Assertion] = {}     # canonical hash -> emitted theorem
        self.generated: dict[str, Assertion] = {}  # label -> emitted theorem
        self.stats = {"candidates": 0, "duplicates": 0, "trivial": 0, "excluded": 0,
                      "skipped": 0, "one_step": 0}
        self.position = 10 ** 9
        self._depth: dict[str, int] = {}
        loop = EXTRACT_LOOP.fast()        # None: `reference_theorems` runs
        self._loop = None if loop is None else loop(
            self, logical_steps, disjoint_needed, Step, Theorem, Assertion, theorem_label)

    def close(self) -> None:
        """Drop the C loop, which refers back to this extractor: without the
        cycle, what the extractor holds is freed when its last reference
        goes (a worker's collector may never look: explore/collector.py)."""
        self._loop = None

    def theorems(self, st: Statement) -> Iterator[Theorem]:
        """The theorems `st`'s proof gives, in order.  In C when the
        extension is built (`_theorem.ExtractLoop`), else by
        `reference_theorems`."""
        if self._loop is None:
            return self.reference_theorems(st)
        return iter(self._loop.theorems(st))

    def reference_theorems(self, st: Statement) -> Iterator[Theorem]:
        """`theorems` in plain Python: the reference for `_theorem.ExtractLoop`."""
        ctx = self.ctx
        replay = logical_steps(ctx, st)
        if replay is None:
            return
        stats = self.stats
        lemmas = self.lemmas
        excluded = self.excluded
        generated = self.generated
        depths = self._depth
        sources = replay.hypotheses
        conclusions = replay.conclusions
        typecode = st.typecode
        # per step: ("lemma", Assertion, its hypotheses as source hypothesis
        # indices in canonical order) or ("hyp", source index) or None (skipped)
        made: list = []
        for i, step in enumerate(replay.steps):
            stats["candidates"] += 1
            concl = conclusions[i]
            used = self._hyps_used(replay, i, made)
            if used is None:
                made.append(None)
                stats["skipped"] += 1
                continue
            hyp_terms = [sources[h] for h in used]
            if concl in hyp_terms:
                made.append(("hyp", used[hyp_terms.index(concl)]))
                stats["trivial"] += 1
                continue
            if len(used) > 1:
                order = canonical_order(ctx, hyp_terms)
                used = [used[k] for k in order]
                hyp_terms = [hyp_terms[k] for k in order]
            key = ordered_statement_hash(ctx, hyp_terms, concl)
            known = lemmas.get(key)
            if known is not None:
                made.append(("lemma", known, used))
                stats["duplicates"] += 1
                continue
            if key in excluded:
                made.append(None)
                stats["excluded"] += 1
                continue
            # the proof: each premise's lemma, then this step's assertion
            local = {h: k for k, h in enumerate(used)}
            steps: list[Step] = []
            refs: list[int] = []
            depth = 0
            for p in step.premises:
                if p < 0:
                    refs.append(-1 - local[-1 - p])
                    continue
                m = made[p]
                if m[0] == "hyp":
                    refs.append(-1 - local[m[1]])
                    continue
                if m[0] == "step":      # one database citation, inlined
                    label, floats, srcs = m[1]
                    steps.append(Step(label, floats, tuple([-1 - local[h] for h in srcs])))
                    refs.append(len(steps) - 1)
                    depth = max(depth, 1)
                    continue
                lemma = m[1]
                found = self._instance(lemma, conclusions[p], m[2], replay)
                if found is None:
                    break
                subst, lemma_hyps = found
                steps.append(Step(lemma.label, tuple([subst[v] for v in lemma.floats]),
                                  tuple([-1 - local[h] for h in lemma_hyps])))
                refs.append(len(steps) - 1)
                d = depths.get(lemma.label, 1)
                if d > depth:
                    depth = d
            else:
                steps.append(Step(step.label, step.floats, tuple(refs)))
            disjoint = None if len(refs) < len(step.premises) else \
                disjoint_needed(ctx, steps, generated)
            if disjoint is None:
                made.append(None)
                stats["skipped"] += 1
                continue
            if len(steps) == 1:
                # one citation of a database assertion on hypotheses: an
                # instance of it, not a theorem of its own; the steps that
                # use it cite the assertion themselves
                made.append(("step", (step.label, step.floats,
                                      [used[-1 - r] for r in refs]), used))
                stats["one_step"] += 1
                continue
            label = theorem_label(ctx, key, hyp_terms, concl, disjoint)
            thm = Theorem(typecode, tuple(hyp_terms), concl, tuple(steps), disjoint, depth + 1,
                          "extract", label=label, hash=key,
                          restates=ctx.known.get(key), meta={"source": st.label, "step": i})
            a = as_assertion(ctx, thm, self.position)
            self.position += 1
            lemmas[key] = a
            generated[label] = a
            depths[label] = depth + 1
            made.append(("lemma", a, used))
            yield thm

    def forget(self, thm: Theorem) -> None:
        """Drop a theorem the kernel rejected."""
        self.lemmas.pop(thm.hash, None)
        self.generated.pop(thm.label, None)

    def _hyps_used(self, replay: Replay, i: int, made: list) -> Optional[list[int]]:
        """Source hypotheses step i rests on (through its premises' lemmas)."""
        out = set()
        for p in replay.steps[i].premises:
            if p < 0:
                out.add(-1 - p)
                continue
            m = made[p]
            if m is None:
                return None
            if m[0] == "hyp":
                out.add(m[1])
            else:
                out.update(m[2])
        return sorted(out)

    def _instance(self, lemma: Assertion, conclusion: Term, hyps: list[int],
                  replay: Replay) -> Optional[tuple[dict, list[int]]]:
        """The substitution that turns `lemma` into the statement (conclusion,
        source hypotheses `hyps`), and which source hypothesis stands for
        each of the lemma's.  Hypotheses tied in canonical order may pair up
        either way; small ties are tried every way."""
        kit = self.ctx.kit
        base = kit.match(lemma.conclusion, conclusion)
        if base is None:
            return None
        if not hyps:
            return base, []
        orders = [hyps] if len(hyps) > 5 else itertools.permutations(hyps)
        for order in orders:
            subst = base
            for h, src in zip(lemma.essentials, order):
                subst = kit.match(h, replay.hypotheses[src], subst)
                if subst is None:
                    break
            if subst is not None:
                return subst, list(order)
        return None


EXTRACT_LOOP = engines.pair(
    "explore.extract_loop", Extractor.reference_theorems, "proofgen.explore._theorem",
    "ExtractLoop",
    agreement=("tests/test_explore.py::test_c_extract_loop_agrees_with_the_reference_on_set_mm",))
