"""Theorems of a real database, restated at its end, and mutants of them.

Reading set.mm takes metamath.exe seconds, so a differential test cannot
hand it one file per mutant.  Instead each theorem is *restated*: copied as
a new `${ $d $e $p $}` block (new labels, the `$d` pairs its proof needs,
its hypotheses) to be appended to the database; mutants are restatements
with something changed.  One file then carries thousands of them, and each
verifier's verdict on each block is read off by line number
(`block_verdicts`).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Optional, Sequence

from ..kernel.mmtext import block, compressed_text
from ..kernel.model import Proof, Statement
from ..syntax.proofs import ProofBuilder, Unreplayable, replay
from .choosers import Chooser
from .mutations import ProofContext, _alter_math, mutate_proof
from .oracle import Verdict
from .proofs import ProofTooLarge, compress, decompress


@dataclass
class Restated:
    """A theorem as a self-contained block to append to its database."""

    label: str
    conclusion: tuple
    hyps: list            # (label, expression)
    disjoint: list        # sorted pairs
    proof: Proof
    base: str = ""        # the theorem it restates
    operator: str = "control"
    expect: Optional[str] = "ok"
    #: the original mandatory hypotheses in frame order, $e renamed
    mandatory: tuple = ()

    def lines(self) -> list[str]:
        proof = self.proof
        text = compressed_text(proof.labels, proof.letters) if proof.compressed \
            else " ".join(proof.labels)
        return block(self.label, " ".join(self.conclusion), text,
                     [(h, " ".join(e)) for h, e in self.hyps], self.disjoint).split("\n")[:-1]

    def check(self, db) -> list:
        """Diagnostics from checking this block against a loaded database
        (`Database.check_proof`)."""
        return db.check_proof(self.conclusion, self.proof, self.hyps,
                              [list(p) for p in self.disjoint], label=self.label)


def restate(st: Statement, stmts: dict, label: str) -> Restated:
    """`st` (a `$p` of a loaded database whose statements are `stmts`) as a
    block labelled `label`; its hypotheses become `label.h1`, `label.h2`..."""
    rename = {}
    hyps = []
    for h in st.frame.hypotheses:
        if stmts[h].kind == "e":
            rename[h] = f"{label}.h{len(rename) + 1}"
            hyps.append((rename[h], stmts[h].expression))
    proof = st.proof
    if not proof.compressed:
        proof = Proof(tuple(rename.get(x, x) for x in proof.labels))
    mandatory = tuple(rename.get(h, h) for h in st.frame.hypotheses)
    return Restated(label, st.expression, hyps, sorted(st.proof_disjoint), proof, st.label,
                    mandatory=mandatory)


class Mutator:
    """Mutations of restated theorems of one database."""

    def __init__(self, stmts: dict, ch: Chooser):
        self.stmts, self.ch = stmts, ch
        self.assertions = [s.label for s in stmts.values() if s.kind in "ap"]
        self.hypotheses = [s.label for s in stmts.values() if s.kind == "e"]
        self.constants = sorted({s.expression[0] for s in stmts.values() if s.kind in "ap"})
        self.variables = {s.expression[1] for s in stmts.values() if s.kind == "f"}

    def arity(self, r: Restated):
        own = {h for h, _ in r.hyps}

        def arity(label: str) -> Optional[int]:
            if label in own or label == "?":
                return 0
            st = self.stmts.get(label)
            if st is None:
                return None
            return 0 if st.kind in "fe" else len(st.frame.hypotheses)
        return arity

    def context(self, r: Restated, later: Sequence[str]) -> ProofContext:
        base = self.stmts[r.base]
        used = [x for x in base.proof.labels if x in self.stmts]
        earlier = list(dict.fromkeys(used + self.ch.sample(self.assertions, 20)
                                     + [h for h, _ in r.hyps]))
        return ProofContext(r.label, r.mandatory, self.arity(r), earlier, list(later),
                            self.ch.sample(self.hypotheses, 10))

    def normal(self, r: Restated, limit: int = 3000) -> Optional[list[str]]:
        if not r.proof.compressed:
            return list(r.proof.labels)
        try:
            return decompress(r.proof, r.mandatory, self.arity(r), limit)
        except (ProofTooLarge, ValueError):
            return None

    def mutate(self, r: Restated, label: str, later: Sequence[str]) -> Restated:
        """A mutant of restatement `r`, labelled `label`."""
        ch = self.ch
        m = _relabel(r, label)
        op = ch.choice(["proof"] * 6 + ["conclusion", "hypothesis", "dv", "decompress",
                                         "recompress"])
        if op == "conclusion":
            new = _alter(m.conclusion, ch, self.constants)
            if new != m.conclusion:
                vs = self.variables
                same_vars = {x for x in new if x in vs} == {x for x in m.conclusion if x in vs}
                return dataclasses.replace(m, conclusion=new, operator="alter-conclusion",
                                           expect="error" if same_vars else None)
        if op == "hypothesis" and m.hyps:
            j = ch.integer(0, len(m.hyps) - 1)
            h, e = m.hyps[j]
            new = _alter(e, ch, self.constants)
            if new != e:
                hyps = list(m.hyps)
                hyps[j] = (h, new)
                return dataclasses.replace(m, hyps=hyps, operator="alter-hypothesis", expect=None)
        if op == "dv" and m.disjoint:
            dv = list(m.disjoint)
            del dv[ch.integer(0, len(dv) - 1)]
            return dataclasses.replace(m, disjoint=dv, operator="remove-dv", expect=None)
        if op in ("decompress", "recompress"):
            steps = self.normal(m)
            if steps is not None:
                if op == "decompress":
                    return dataclasses.replace(m, proof=Proof(tuple(steps)),
                                               operator="decompress", expect="ok")
                tree = _tree(steps, self.arity(m))
                if tree is not None:
                    return dataclasses.replace(m, proof=compress(tree, m.mandatory, ch),
                                               operator="recompress", expect="ok")
        proof, name, expect = mutate_proof(m.proof, self.context(m, later), ch)
        return dataclasses.replace(m, proof=proof, operator=name, expect=expect)


def _relabel(r: Restated, label: str) -> Restated:
    rename = {h: f"{label}.h{i + 1}" for i, (h, _) in enumerate(r.hyps)}
    proof = r.proof
    if not proof.compressed:
        proof = Proof(tuple(rename.get(x, x) for x in proof.labels))
    return dataclasses.replace(r, label=label, proof=proof,
                               hyps=[(rename[h], e) for h, e in r.hyps],
                               mandatory=tuple(rename.get(h, h) for h in r.mandatory))


def _alter(expr: tuple, ch: Chooser, constants: list[str]) -> tuple:
    """`expr` with one symbol swapped, replaced (by a constant or one of its
    own symbols), dropped or doubled; its typecode kept."""
    return _alter_math(expr, ch, constants + list(expr), keep_first=True)


def _tree(steps: Sequence[str], arity) -> Optional[tuple]:
    """A proof tree from a correct normal proof (None for one that is not)."""
    try:
        stack = replay(Proof(tuple(steps)), (), _TreeOf(arity))
    except Unreplayable:
        return None
    return stack[0] if len(stack) == 1 else None


class _TreeOf(ProofBuilder):
    """Replays a proof into its tree: (label, children)."""

    def __init__(self, arity):
        self._arity = arity

    def arity(self, label: str) -> int:
        a = self._arity(label)
        if a is None:
            raise Unreplayable(f"unknown label {label}")
        return a

    def cite(self, label: str, args: list) -> tuple:
        return (label, tuple(args))

    def unknown(self) -> tuple:
        return ("?", ())


@dataclass
class Layout:
    """Where each appended block sits in the combined file (1-based lines)."""

    blocks: list = field(default_factory=list)  # (first line, last line, Restated)

    def block_at(self, line: int) -> Optional[int]:
        lo, hi = 0, len(self.blocks) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            a, b, _ = self.blocks[mid]
            if line < a:
                hi = mid - 1
            elif line > b:
                lo = mid + 1
            else:
                return mid
        return None


def append_blocks(base_text: bytes, blocks: Sequence[Restated]) -> tuple[bytes, Layout]:
    """The database followed by the blocks; and where each block is."""
    line = base_text.count(b"\n") + 1
    parts = [base_text if base_text.endswith(b"\n") else base_text + b"\n"]
    if not base_text.endswith(b"\n"):
        line += 1
    layout = Layout()
    for r in blocks:
        lines = r.lines()
        layout.blocks.append((line, line + len(lines) - 1, r))
        parts.append(("\n".join(lines) + "\n").encode("ascii"))
        line += len(lines)
    return b"".join(parts), layout


def block_verdicts(verdict: Verdict, layout: Layout, first_line: int = 0) -> list[Verdict]:
    """Split a whole-file verdict into one per block by the lines of its
    errors (and the labels of its incomplete proofs).  Errors outside every
    block (in the database itself) are ignored."""
    out = [Verdict("ok") for _ in layout.blocks]
    by_label = {r.label: i for i, (_, _, r) in enumerate(layout.blocks)}
    diags = [d for d in verdict.diagnostics if d.severity == "error"] or [None] * len(verdict.errors)
    for (line, label, msg), d in zip(verdict.errors, diags):
        i = layout.block_at(line)
        if i is None:
            i = by_label.get(label) if label else None
            if i is None:
                i = by_label.get(re.sub(r"\.h\d+$", "", label or ""))
        if i is None:
            continue
        v = out[i]
        v.status = "error"
        v.errors.append((line, label, msg))
        if d is not None:
            v.codes.append(d.code)
            v.diagnostics.append(d)
        v.output += msg + "\n"
    for lab in verdict.incomplete:
        i = by_label.get(lab)
        if i is not None and out[i].status == "ok":
            out[i].status = "incomplete"
            out[i].incomplete.add(lab)
            out[i].codes.append("W0815")
    return out
