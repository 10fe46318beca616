"""Replaying proofs, and trees read off them.

`replay` is the one loop that walks a Metamath proof, normal or compressed:
it keeps the proof stack and the saved steps and hands every step to a
*builder*, which says how many stack entries a label takes (`arity`) and
what citing it with them gives (`cite`).  What a replay makes is the
builder's business, so each replayer of proofgen is a builder: trees of
every step here (`ProofReplayer`), logical steps for the `extract`
generator, normal proofs and proof trees in `proofgen.testing`.

A Metamath proof builds every formula it uses: the steps that prove `wff`
or `class` statements are its syntax subproofs, and they are parse trees
already (a step citing `wi` with two wff subproofs is the node `wi`).
`ProofReplayer` replays a proof on trees instead of strings and returns the
tree of each step; `check_proof_syntax` compares the conclusion's tree with
the parser's, which catches a grammar that parses a statement differently
from how its proofs build it.

The kernel has already checked the proofs replayed here; this layer trusts
their shape (and says so with a ValueError if it is handed one it cannot
replay).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

from ..kernel import Diagnostic, Statement
from ..kernel.mmtext import compressed_steps as decode_compressed  # noqa: F401 - re-exported
from ..kernel.model import Proof
from .database import Syntax
from .formats import sexp
from .terms import term_kit
from .types import Step


class Unreplayable(ValueError):
    """A proof `replay` cannot go through: a stack underflow, a saved step
    that does not exist, `Z` on an empty stack; builders raise it too for a
    step they cannot build."""


class ProofBuilder:
    """What `replay` makes of a proof's steps.  Hypotheses (the theorem's
    own and any other the proof cites) come as labels like assertions, with
    arity 0."""

    def arity(self, label: str) -> int:
        """How many stack entries citing `label` takes (its mandatory
        hypotheses); raise ValueError for a label it does not know."""
        raise NotImplementedError

    def cite(self, label: str, args: list) -> Any:
        """The stack entry citing `label` gives; `args` are the entries it
        takes, in frame order."""
        raise NotImplementedError

    def unknown(self) -> Any:
        """The stack entry of a `?` step (by default: not replayable)."""
        raise Unreplayable("the proof has an unknown step")


def proof_items(proof: Proof, mandatory: Sequence[str]) -> list:
    """A proof's steps in one alphabet: a label (`?` for an unknown step)
    for a citation, k >= 1 for the k-th saved step, 0 for saving the step
    just made (`Z`).  A compressed proof's letters are all decoded first (a
    ValueError for a bad letter comes before any step is replayed)."""
    if proof.letters is None:
        return list(proof.labels)
    out: list = []
    for item in decode_compressed(len(mandatory), proof.labels, proof.letters):
        kind = item[0]
        if kind == "label":
            out.append(item[1])
        elif kind == "hyp":
            out.append(mandatory[item[1]])
        elif kind == "saved":
            out.append(item[1] + 1)
        elif kind == "save":
            out.append(0)
        else:
            out.append("?")
    return out


def replay(proof: Proof, mandatory: Sequence[str], builder: ProofBuilder) -> list:
    """Replay `proof` of a theorem whose mandatory hypotheses are
    `mandatory` (frame order) through `builder`; the stack at the end (one
    entry for a complete proof).  A saved step is its entry again, as it
    was made."""
    arity, cite = builder.arity, builder.cite
    stack: list = []
    saved: list = []
    for item in proof_items(proof, mandatory):
        if type(item) is str:
            if item == "?":
                stack.append(builder.unknown())
                continue
            n = arity(item)
            if n:
                if n > len(stack):
                    raise Unreplayable(f"proof stack underflow at {item}")
                args = stack[len(stack) - n:]
                del stack[len(stack) - n:]
            else:
                args = []
            stack.append(cite(item, args))
        elif item:
            if item > len(saved):
                raise Unreplayable(f"no saved step {item}")
            stack.append(saved[item - 1])
        else:
            if not stack:
                raise Unreplayable("Z on an empty stack")
            saved.append(stack[-1])
    return stack


@dataclass(frozen=True)
class ProofTrees:
    label: str
    steps: tuple[Step, ...]                 # label, typecode, term (None: not built)
    conclusion: Optional[tuple[int, ...]]   # tree of the last step
    complete: bool                          # False when the proof has `?`


class ProofReplayer:
    """Replays proofs of one database on trees."""

    def __init__(self, syn: Syntax, kit=None):
        self.syn = syn
        self.g = syn.grammar
        self.kit = kit or term_kit(self.g)
        self.by_label = {s.label: s for s in syn.statements}
        # $f label -> variable id
        self.float_var = {label: tree.term[0] for label, tree in syn.trees.items()
                          if self.by_label[label].kind == "f"}

    def replay(self, st: Statement, logical: bool = False) -> ProofTrees:
        """The tree of every step of `st`'s proof.  With `logical=False`,
        logical steps (`|-`) get a tree only if they are the last step."""
        if st.proof is None:
            raise ValueError(f"{st.label} has no proof")
        b = _TreeBuilder(self, logical)
        stack = replay(st.proof, st.frame.hypotheses, b)
        if not b.complete or len(stack) != 1:
            return ProofTrees(st.label, tuple(b.steps), None, False)
        step, lazy = stack[0]
        term = step.term
        if term is None and lazy is not None:
            term = self.kit.substitute(*lazy)
        return ProofTrees(st.label, tuple(b.steps), term, True)


class _TreeBuilder(ProofBuilder):
    """Stack entries (Step, lazy): a logical step's tree is built only when
    asked for; until then `lazy` holds (its statement's tree, substitution)."""

    def __init__(self, r: ProofReplayer, logical: bool):
        self.r = r
        self.logical = logical
        self.steps: list[Step] = []
        self.complete = True

    def arity(self, label: str) -> int:
        s = self.r.by_label.get(label)
        if s is None:
            raise ValueError(f"proof cites unknown label {label}")
        return 0 if s.kind in ("f", "e") else len(s.frame.hypotheses)

    def unknown(self):
        self.complete = False
        return (Step("?", typecode="?"), None)

    def cite(self, label: str, args: list):
        r = self.r
        s = r.by_label[label]
        tree = r.syn.trees.get(label)
        if s.kind in ("f", "e"):
            entry = (Step(label, term=tree.term if tree else None, typecode=s.typecode), None)
            self.steps.append(entry[0])
            return entry
        subst = {}
        for h, (arg, _) in zip(s.frame.hypotheses, args):
            v = r.float_var.get(h)
            if v is not None:
                if arg.term is None:
                    raise ValueError(f"{label}: argument for {h} has no tree")
                subst[v] = arg.term
        if tree is None:
            entry = (Step(label, typecode=s.typecode), None)
        elif self.logical or r.g.typecodes.is_syntax(s.typecode):
            entry = (Step(label, term=r.kit.substitute(tree.term, subst), typecode=s.typecode),
                     None)
        else:
            entry = (Step(label, typecode=s.typecode), (tree.term, subst))
        self.steps.append(entry[0])
        return entry


def check_proof_syntax(syn: Syntax, replayer: Optional[ProofReplayer] = None,
                       labels=None) -> tuple[int, list[Diagnostic]]:
    """Replay proofs (all, or those in `labels`) and compare each
    conclusion's tree with the parser's.  Returns (proofs compared,
    diagnostics E1005 for disagreements)."""
    r = replayer or ProofReplayer(syn)
    out: list[Diagnostic] = []
    compared = 0
    for s in syn.statements:
        if s.kind != "p" or (labels is not None and s.label not in labels):
            continue
        parsed = syn.trees.get(s.label)
        if parsed is None:
            continue
        try:
            result = r.replay(s)
        except ValueError as exc:
            out.append(Diagnostic(s.file, s.line, 0, "E1005", s.label, f"cannot replay proof: {exc}"))
            continue
        if not result.complete:
            continue
        compared += 1
        if result.conclusion != parsed.term:
            out.append(Diagnostic(
                s.file, s.line, 0, "E1005", s.label,
                f"the proof builds {sexp(syn.grammar, result.conclusion) if result.conclusion else 'nothing'}"
                f" but the parser reads {sexp(syn.grammar, parsed.term)}"))
    return compared, out
