"""Generated theorems and their proofs.

A proof is kept at the logical level: a tuple of `Step`s, each citing an
assertion with a tree for every `$f` slot and a reference for every `$e`
slot (an earlier step, or `-1 - i` for the theorem's i-th hypothesis).  The
syntax subproofs a Metamath proof also needs are derived from the trees
when the proof is written out (`metamath_proof`), with shared subproofs
saved and reused (`Z`) in the compressed format.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..kernel import engines
from ..kernel.api import NewTheorem
from ..kernel.mmtext import compressed_text, encode_number
from ..syntax.types import Step, Term  # noqa: F401 - Step: the steps of a `Theorem`
from .context import Assertion, Context, _pair


@dataclass
class Theorem:
    typecode: str
    hypotheses: tuple[Term, ...]
    conclusion: Term
    steps: tuple[Step, ...]
    disjoint: frozenset = frozenset()
    depth: int = 1
    generator: str = ""
    label: str = ""
    hash: int = 0
    restates: Optional[str] = None   # label of a database assertion it restates
    meta: dict = field(default_factory=dict)

    @property
    def logical_steps(self) -> int:
        return len(self.steps)

    def uses(self) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.steps:
            seen.setdefault(s.label, None)
        return list(seen)


def theorem_label(ctx: Context, key: int, hypotheses: Sequence[Term], conclusion: Term,
                  disjoint) -> str:
    """The label of a generated theorem: `pg.` and 16 hex digits of a hash
    of its canonical hash `key` (what dedup compares) and its exact
    statement (hypotheses in order, variable names, `$d` pairs).  Two
    theorems that differ only in variable names or `$d` are not
    interchangeable where a proof cites them, so they never share a label:
    records and runs can be put together into one database."""
    exact = ctx.kit.structural_hash(list(hypotheses) + [conclusion])
    h = hashlib.blake2b(digest_size=8, person=b"proofgen.label")
    h.update(key.to_bytes(8, "big"))
    h.update(exact.to_bytes(8, "big"))
    h.update(",".join(f"{a}:{b}" for a, b in sorted(disjoint)).encode())
    return f"pg.{h.hexdigest()}"


def detached_hypotheses(hypotheses: Sequence[Term], conclusion: Term) -> list[int]:
    """Indices of the hypotheses not linked to the conclusion by shared
    variables (directly, or through other hypotheses).  Such a hypothesis
    says nothing about the conclusion: substitute theorems for its
    variables (or, if none can make it true, anything follows from it) and
    the theorem holds without it, like `|- ph` over `|- ( ps -> ps )`.  A
    hypothesis without variables is always detached."""
    reach = {n for n in conclusion if n < 0}
    own = [{n for n in h if n < 0} for h in hypotheses]
    linked = [False] * len(hypotheses)
    grew = True
    while grew:
        grew = False
        for i, vs in enumerate(own):
            if not linked[i] and not reach.isdisjoint(vs):
                linked[i] = grew = True
                reach |= vs
    return [i for i, ok in enumerate(linked) if not ok]


def disjoint_needed(ctx: Context, steps: Sequence[Step],
                    extra: dict[str, Assertion] | None = None) -> Optional[frozenset]:
    """The `$d` pairs a proof needs: every cited assertion's `$d` pairs
    under its substitution.  None when a pair would need a variable distinct
    from itself (the proof is invalid).  In C when the extension is built
    (`_theorem.DisjointFinder`), else by `reference_disjoint_needed`."""
    finder = ctx.disjoint_finder
    if finder is None:
        finder = ctx.disjoint_finder = DISJOINT_FINDER.choose()(ctx.assertions)
    return finder.needed(steps, extra)


class ReferenceDisjointFinder:
    """`disjoint_needed` in plain Python: the reference for `_theorem.DisjointFinder`."""

    def __init__(self, assertions: dict[str, Assertion]):
        self.assertions = assertions

    def needed(self, steps: Sequence[Step],
               extra: dict[str, Assertion] | None = None) -> Optional[frozenset]:
        from ..syntax import variables
        out = set()
        for st in steps:
            a = (extra or {}).get(st.label) or self.assertions[st.label]
            if not a.disjoint:
                continue
            slot = {v: st.floats[k] for k, v in enumerate(a.floats)}
            for x, y in a.disjoint:
                vx = variables(slot[x]) if x in slot else ()
                vy = variables(slot[y]) if y in slot else ()
                for p in vx:
                    for q in vy:
                        if p == q:
                            return None
                        out.add(_pair(p, q))
        return frozenset(out)


def reference_disjoint_needed(ctx: Context, steps: Sequence[Step],
                              extra: dict[str, Assertion] | None = None) -> Optional[frozenset]:
    """`disjoint_needed` in plain Python (`ReferenceDisjointFinder`)."""
    return ReferenceDisjointFinder(ctx.assertions).needed(steps, extra)


def metamath_proof(ctx: Context, thm: Theorem, hyp_labels: Sequence[str],
                   extra: dict[str, Assertion] | None = None) -> tuple[list[str], list[str], str]:
    """The theorem's proof in compressed form: (mandatory hypothesis labels,
    label list, letters).  Syntax subterms and logical steps used more than
    once are saved (`Z`) and referred to again.  `extra` holds the generated
    assertions the proof cites.  Written in C when the extension is built
    (`_theorem.ProofWriter`), else by `reference_metamath_proof`."""
    return _writer(ctx).metamath_proof(thm, hyp_labels, extra)


class ReferenceProofWriter:
    """`reference_metamath_proof` behind the interface of `_theorem.ProofWriter`."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def metamath_proof(self, thm: "Theorem", hyp_labels: Sequence[str],
                       extra: dict[str, Assertion] | None = None):
        return reference_metamath_proof(self.ctx, thm, hyp_labels, extra)


def _writer(ctx: Context):
    """The context's proof writer (the selector's choice), made on first use."""
    writer = ctx.proof_writer
    if writer is None:
        fast = PROOF_WRITER.fast()
        writer = ctx.proof_writer = ReferenceProofWriter(ctx) if fast is None else fast(
            ctx.syn.grammar, ctx.rule_labels, ctx.float_label, ctx.float_position,
            ctx.assertions)
    return writer


def reference_metamath_proof(ctx: Context, thm: Theorem, hyp_labels: Sequence[str],
                             extra: dict[str, Assertion] | None = None
                             ) -> tuple[list[str], list[str], str]:
    """`metamath_proof` in plain Python: the reference for `_theorem.pyx`."""
    g = ctx.syn.grammar
    mand_vars = reference_variables_of(list(thm.hypotheses) + [thm.conclusion])
    mand = [ctx.float_label[v] for v in sorted(mand_vars, key=ctx.float_position.__getitem__)]
    mand += list(hyp_labels)
    number: dict[str, int] = {lab: i + 1 for i, lab in enumerate(mand)}
    labels: list[str] = []
    raw: list = []            # ints: final numbers; ("s", j): j-th saved step; "Z"
    saved: dict = {}          # ("t", term) or ("s", step) -> saved index
    # Whole argument terms used more than once are saved and reused (their
    # inner subterms are not: counting every subterm costs more than the
    # letters it saves on these short proofs).
    term_uses: dict[Term, int] = {}
    step_uses = [0] * len(thm.steps)
    for st in thm.steps:
        for t in st.floats:
            if len(t) > 1:
                term_uses[t] = term_uses.get(t, 0) + 1
        for p in st.premises:
            if p >= 0:
                step_uses[p] += 1
    printer = ctx.printer

    def ref(label: str) -> int:
        k = number.get(label)
        if k is None:
            labels.append(label)
            k = number[label] = len(mand) + len(labels)
        return k

    def save(key) -> None:
        saved[key] = len(saved)
        raw.append("Z")

    def emit_term(t: Term) -> None:
        key = ("t", t)
        if key in saved:
            raw.append(("s", saved[key]))
            return
        nodes = printer.postfix(t) if printer is not None else _postfix(g, t)
        for node in nodes:
            raw.append(ref(ctx.float_label[node] if node < 0 else
                           (ctx.rule_labels[node])))
        if term_uses.get(t, 0) > 1:
            save(key)

    def emit_step(i: int) -> None:
        key = ("s", i)
        if key in saved:
            raw.append(("s", saved[key]))
            return
        st = thm.steps[i]
        a = (extra or {}).get(st.label) or ctx.assertions[st.label]
        fi = ei = 0
        for kind, _ in a.frame:
            if kind == "f":
                emit_term(st.floats[fi])
                fi += 1
            else:
                p = st.premises[ei]
                ei += 1
                if p < 0:
                    raw.append(number[hyp_labels[-1 - p]])
                else:
                    emit_step(p)
        raw.append(ref(st.label))
        if step_uses[i] > 1:
            save(key)

    emit_step(len(thm.steps) - 1)
    # the nested functions refer to each other: clear them, so what they
    # hold is freed without the collector (explore/collector.py)
    ref = save = emit_term = emit_step = None  # noqa: F841
    base = len(mand) + len(labels)
    letters = "".join("Z" if x == "Z" else encode_number(base + 1 + x[1]) if isinstance(x, tuple)
                      else encode_number(x) for x in raw)
    return mand, labels, letters


def reference_variables_of(terms: Sequence[Term]) -> list[int]:
    """The variables of `terms` in order of first appearance (plain Python:
    the reference for `_theorem.variables_of`)."""
    seen: dict[int, None] = {}
    for t in terms:
        for n in t:
            if n < 0:
                seen.setdefault(n, None)
    return list(seen)


_C = "proofgen.explore._theorem"
_AGREE = "tests/test_explore.py::"
DISJOINT_FINDER = engines.pair(
    "explore.disjoint_finder", ReferenceDisjointFinder, _C, "DisjointFinder",
    agreement=(_AGREE + "test_c_disjoint_finder_agrees_with_the_reference_on_set_mm",))
PROOF_WRITER = engines.pair(
    "explore.proof_writer", ReferenceProofWriter, _C, "ProofWriter",
    agreement=(_AGREE + "test_c_proof_writer_agrees_with_the_reference_on_set_mm",
               _AGREE + "test_c_proof_writer_agrees_with_the_reference_on_forward_theorems"))
VARIABLES_OF = engines.pair(
    "explore.variables_of", reference_variables_of, _C, "variables_of",
    agreement=(_AGREE + "test_c_proof_writer_agrees_with_the_reference_on_set_mm",))

# the compiled sides, None when not built (agreement tests use them) ...
DisjointFinder = DISJOINT_FINDER.compiled()
ProofWriter = PROOF_WRITER.compiled()
# ... and what runs, resolved once
variables_of = _variables_of = VARIABLES_OF.choose()


def _postfix(g, t: Term) -> list[int]:
    """Nodes children-first: the order of a syntax proof."""
    from ..syntax.terms import children
    if t[0] < 0:
        return [t[0]]
    out: list[int] = []
    for kid in children(g, t):
        out.extend(_postfix(g, kid))
    out.append(t[0])
    return out


def new_theorem(ctx: Context, thm: Theorem, extra: dict[str, Assertion] | None = None) -> NewTheorem:
    """The theorem as the kernel's `NewTheorem` (text), for checking.  In C
    when the extension is built (`_theorem.new_theorem`), else by
    `reference_new_theorem`."""
    fast = _new_theorem_fast
    if fast is None:
        return reference_new_theorem(ctx, thm, extra)
    return fast(ctx, _writer(ctx), thm, extra, NewTheorem)


def reference_new_theorem(ctx: Context, thm: Theorem,
                          extra: dict[str, Assertion] | None = None) -> NewTheorem:
    """`new_theorem` in plain Python: the reference for `_theorem.new_theorem`."""
    g = ctx.syn.grammar
    hyp_labels = [f"{thm.label}.{i + 1}" for i in range(len(thm.hypotheses))]
    mand, labels, letters = metamath_proof(ctx, thm, hyp_labels, extra)
    proof = compressed_text(labels, letters)
    name = g.variables
    groups = [[name[-1 - a].name, name[-1 - b].name] for a, b in sorted(thm.disjoint)]
    tc = thm.typecode
    return NewTheorem(thm.label, ctx.text(tc, thm.conclusion), proof,
                      [(h, _hypothesis_text(ctx, tc, t)) for h, t in zip(hyp_labels, thm.hypotheses)],
                      groups)


NEW_THEOREM = engines.pair(
    "explore.new_theorem", reference_new_theorem, _C, "new_theorem",
    agreement=(_AGREE + "test_c_new_theorem_agrees_with_the_reference_on_set_mm",))
_c_new_theorem = NEW_THEOREM.compiled()
_new_theorem_fast = NEW_THEOREM.fast()     # None: the reference runs


def _hypothesis_text(ctx: Context, typecode: str, term: Term) -> str:
    """`ctx.text`, remembered: the theorems taken from one proof share its
    hypotheses, so most hypotheses are printed again and again."""
    memo = ctx.hypothesis_texts
    if len(memo) > 100_000:
        memo = ctx.hypothesis_texts = {}
    key = (typecode, term)
    text = memo.get(key)
    if text is None:
        text = memo[key] = ctx.text(typecode, term)
    return text


def as_assertion(ctx: Context, thm: Theorem, position: int) -> Assertion:
    """A verified generated theorem as a citable assertion (its frame as the
    kernel builds it: mandatory $f in declaration order, then its $e)."""
    hyps = thm.hypotheses
    mand_vars = _variables_of(list(hyps) + [thm.conclusion])
    floats = sorted(mand_vars, key=ctx.float_position.__getitem__)
    frame = [("f", v) for v in floats]
    frame += [("e", h) for h in hyps]
    if thm.disjoint:
        mand = set(mand_vars)
        disjoint = frozenset(p for p in thm.disjoint if p[0] in mand and p[1] in mand)
    else:
        disjoint = frozenset()
    # `essentials` and `floats` are known here: not computed again from the frame
    return Assertion(thm.label, thm.typecode, tuple(frame), thm.conclusion, disjoint, "g",
                     position, list(hyps), floats)
