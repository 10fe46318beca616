"""Where the factory meets the emit stage: verified theorems as documents.

`doc_of` is a theorem as the emit stage's `ProofDoc`: the trees every
rendering needs, the proof as the kernel checked it (compressed) and in
normal form, and the generated lemmas it cites.  Writing files is the run
stage's job.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..explore.context import Context
from ..explore.run import Result
from ..emit.model import ProofDoc
from ..kernel.api import NewTheorem
from ..explore.theorem import Theorem, metamath_proof, new_theorem
from ..kernel.model import Proof
from ..syntax.proofs import ProofBuilder, Unreplayable, replay
from ..syntax.types import Step


def checked(ctx: Context, thm: Theorem, extra) -> NewTheorem:
    """The theorem as the kernel checked it (kept by `generate`)."""
    nt = thm.meta.get("checked")
    return nt if nt is not None else new_theorem(ctx, thm, extra)


class GeneratedAssertions(Mapping):
    """Verified generated theorems as citable `Assertion`s, by label, made
    on first use (a run cites a small part of what it generated)."""

    def __init__(self, ctx: Context, lemmas: dict[str, Theorem]):
        self._ctx = ctx
        self._lemmas = lemmas
        self._made: dict = {}
        self._position = {lab: i for i, lab in enumerate(lemmas)} if lemmas else {}

    def __getitem__(self, label: str):
        a = self._made.get(label)
        if a is None:
            from ..explore.theorem import as_assertion
            t = self._lemmas[label]          # KeyError: not generated
            a = self._made[label] = as_assertion(self._ctx, t, 10 ** 9 + self._position[label])
        return a

    def get(self, label, default=None):
        return self[label] if label in self._lemmas else default

    def __contains__(self, label) -> bool:
        return label in self._lemmas

    def __iter__(self):
        return iter(self._lemmas)

    def __len__(self) -> int:
        return len(self._lemmas)


def generated_assertions(ctx: Context, lemmas: dict[str, Theorem]) -> GeneratedAssertions:
    """Every verified generated theorem as a citable `Assertion`, by label."""
    return GeneratedAssertions(ctx, lemmas)


def doc_of(ctx: Context, thm: Theorem, extra, lemmas: dict[str, Theorem],
           memo: dict | None = None) -> ProofDoc:
    """The theorem as the emit stage's `ProofDoc`: each step with the tree it
    proves, and the generated lemmas it cites (from `lemmas`), recursively."""
    memo = {} if memo is None else memo
    done = memo.get(thm.label)
    if done is not None:
        return done
    kit = ctx.kit
    steps = []
    cited: dict[str, ProofDoc] = {}
    for st in thm.steps:
        a = extra.get(st.label) if extra else None
        if a is None:
            a = ctx.assertions[st.label]
        subst = dict(zip(a.floats, st.floats))
        steps.append(Step(st.label, st.floats, st.premises, kit.substitute(a.conclusion, subst)))
        if st.label in lemmas and st.label not in cited:
            cited[st.label] = doc_of(ctx, lemmas[st.label], extra, lemmas, memo)
    nt = checked(ctx, thm, extra)
    hyp_labels = [h for h, _ in nt.hypotheses]
    doc = ProofDoc(
        label=thm.label, typecode=thm.typecode,
        hypotheses=tuple(zip(hyp_labels, thm.hypotheses)),
        conclusion=thm.conclusion, steps=tuple(steps), proof=nt.proof,
        disjoint=tuple(tuple(g) for g in nt.disjoint),
        depth=thm.depth, generator=thm.generator, hash=f"{thm.hash:016x}",
        restates=thm.restates, instance_of=thm.meta.get("instance_of"), lemmas=cited,
        rpn=normal_proof(ctx, thm, hyp_labels, extra),
        # extract sets both (explore/extract.py): where the step was proved
        source_theorem=thm.meta.get("source") if thm.generator == "extract" else None,
        source_step=thm.meta.get("step") if thm.generator == "extract" else None)
    memo[thm.label] = doc
    return doc


#: normal proofs longer than this many labels are left out of records
MAX_RPN_LABELS = 100_000


def normal_proof(ctx: Context, thm: Theorem, hyp_labels, extra) -> str | None:
    """The proof in normal (uncompressed, RPN) form: every syntax and
    logical step written out; None when longer than MAX_RPN_LABELS."""
    printer = ctx.printer
    float_label, rule_labels = ctx.float_label, ctx.rule_labels
    # a term's syntax proof, as text: terms recur across steps and theorems
    cache = ctx.rpn_terms
    frames: dict[str, tuple] = ctx.rpn_frames
    # steps come after their premises, so each step's text is built from
    # texts already made (shared premises are written out again, as RPN does)
    texts: list[str] = []
    sizes: list[int] = []
    for st in thm.steps:
        frame = frames.get(st.label)
        if frame is None:
            a = (extra.get(st.label) if extra else None) or ctx.assertions[st.label]
            frame = tuple(k == "f" for k, _ in a.frame)
            if a.kind != "g":         # generated lemmas differ between runs
                frames[st.label] = frame
        parts: list[str] = []
        size = 1
        fi = ei = 0
        for is_float in frame:
            if is_float:
                t = st.floats[fi]
                fi += 1
                frag = cache.get(t)
                if frag is None:
                    nodes = printer.postfix(t) if printer is not None else _postfix(ctx, t)
                    frag = (" ".join([float_label[n] if n < 0 else rule_labels[n]
                                      for n in nodes]), len(nodes))
                    if len(cache) > 200_000:
                        cache.clear()
                    cache[t] = frag
                parts.append(frag[0])
                size += frag[1]
            else:
                p = st.premises[ei]
                ei += 1
                if p < 0:
                    parts.append(hyp_labels[-1 - p])
                    size += 1
                else:
                    parts.append(texts[p])
                    size += sizes[p]
        if size > MAX_RPN_LABELS:
            return None
        parts.append(st.label)
        texts.append(" ".join(parts))
        sizes.append(size)
    return texts[-1]


def _postfix(ctx: Context, t):
    from ..explore.theorem import _postfix as postfix
    return postfix(ctx.syn.grammar, t)


def reference_normal_proof(ctx: Context, thm: Theorem, hyp_labels, extra) -> str | None:
    """`normal_proof` by the one proof replay (`syntax.proofs.replay`): the
    theorem's compressed proof written out, step by step.  The reference
    tests hold `normal_proof` to; that one builds the same text from the
    logical steps and remembered syntax proofs, about 2.5 times faster."""
    mand, labels, letters = metamath_proof(ctx, thm, hyp_labels, extra)
    try:
        stack = replay(Proof(tuple(labels), letters), mand, _NormalText(ctx, extra))
    except _TooLong:
        return None
    return stack[0][0]


class _TooLong(Unreplayable):
    pass


class _NormalText(ProofBuilder):
    """Entries (normal proof text, its number of labels)."""

    def __init__(self, ctx: Context, extra):
        self.ctx = ctx
        self.extra = extra

    def arity(self, label: str) -> int:
        a = (self.extra.get(label) if self.extra else None) or self.ctx.assertions.get(label)
        if a is not None:
            return len(a.frame)
        s = self.ctx.syntax_frames.get(label)
        return 0 if s is None else len(s)     # hypotheses: 0

    def cite(self, label: str, args: list) -> tuple[str, int]:
        if not args:
            return label, 1
        size = 1 + sum(n for _, n in args)
        if size > MAX_RPN_LABELS:
            raise _TooLong(label)
        return " ".join([text for text, _ in args] + [label]), size


def needed_lemmas(result: Result) -> list[Theorem]:
    """The generated lemmas the emitted theorems stand on (transitively) that
    are not emitted themselves, in the order they were made."""
    emitted = {t.label for t in result.theorems}
    needed: dict[str, Theorem] = {}
    todo = [u for t in result.theorems for u in t.uses()]
    while todo:
        lab = todo.pop()
        if lab in needed or lab in emitted or lab not in result.lemmas:
            continue
        needed[lab] = result.lemmas[lab]
        todo.extend(result.lemmas[lab].uses())
    order = {lab: i for i, lab in enumerate(result.lemmas)}
    return sorted(needed.values(), key=lambda t: order[t.label])
