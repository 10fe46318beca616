"""The `extract` generator: every logical step inside a proof becomes a
theorem of its own.

A proof of `|- ph -> ch` that passes through `|- ph -> ps` proves that too;
the step's subproof, with only the hypotheses it reaches and the `$d` its
citations need, is a complete proof of it.  Proofs are replayed on trees
(see `logical_steps`) so each step's statement is a tree ready for canonical
hashing, and the subproof is a slice of the step DAG, never an expansion.
"""
from __future__ import annotations

from typing import Iterator, Optional

from ..kernel import Statement
from ..syntax.proofs import decode_compressed
from .context import Context
from .theorem import Step, Theorem, disjoint_needed

Term = tuple


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
    the trees they build).  None for an incomplete or unreplayable proof."""
    syn, kit = ctx.syn, ctx.kit
    proof = st.proof
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
    if proof.compressed:
        items = [("label", frame[i[1]]) if i[0] == "hyp" else i
                 for i in decode_compressed(len(frame), proof.labels, proof.letters)]
    else:
        items = [("unknown",) if x == "?" else ("label", x) for x in proof.labels]
    steps: list[Step] = []
    concls: list[Term] = []
    stack: list = []      # ("t", term) syntax value | ("s", step) | ("h", hyp index)
    saved: list = []
    for item in items:
        kind = item[0]
        if kind == "saved":
            stack.append(saved[item[1]])
            continue
        if kind == "save":
            saved.append(stack[-1])
            continue
        if kind == "unknown":
            return None
        label = item[1]
        if label in hyp_index:
            stack.append(("h", hyp_index[label]))
            continue
        tree = syn.trees.get(label)
        a = ctx.assertions.get(label)
        if a is None:
            # a $f or a syntax axiom / syntax theorem: builds a tree
            if tree is None:
                return None
            if _is_float(ctx, label):
                stack.append(("t", tree.term))
                continue
            s = ctx.syntax_frames.get(label)
            if s is None:
                return None
            n = len(s)
            args = stack[len(stack) - n:]
            del stack[len(stack) - n:]
            subst = {v: arg[1] for v, arg in zip(s, args) if v is not None}
            stack.append(("t", kit.substitute(tree.term, subst)))
            continue
        n = len(a.frame)
        if len(stack) < n:
            return None
        args = stack[len(stack) - n:]
        del stack[len(stack) - n:]
        floats, premises, subst = [], [], {}
        for (k, x), arg in zip(a.frame, args):
            if k == "f":
                if arg[0] != "t":
                    return None
                floats.append(arg[1])
                subst[x] = arg[1]
            else:
                if arg[0] == "t":
                    return None
                premises.append(arg[1] if arg[0] == "s" else -1 - arg[1])
        steps.append(Step(label, tuple(floats), tuple(premises)))
        concls.append(kit.substitute(a.conclusion, subst))
        stack.append(("s", len(steps) - 1))
    if len(stack) != 1 or stack[0][0] != "s":
        return None
    return Replay(st, steps, concls, hypotheses)


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
