"""Trees read off proofs.

A Metamath proof builds every formula it uses: the steps that prove `wff`
or `class` statements are its syntax subproofs, and they are parse trees
already (a step citing `wi` with two wff subproofs is the node `wi`).
`proof_trees` replays a proof on trees instead of strings and returns the
tree of each step; `check_proof_syntax` compares the conclusion's tree with
the parser's, which catches a grammar that parses a statement differently
from how its proofs build it.

The kernel has already checked the proof; this layer trusts its shape (and
says so with a ValueError if it is handed one it cannot replay).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..kernel import Diagnostic, Statement
from .database import Syntax
from .formats import sexp
from .terms import term_kit


@dataclass(frozen=True)
class Step:
    """One proof step: the label it cites, the typecode it proves, its tree
    (None for a logical step when only syntax was asked for)."""

    label: str
    typecode: str
    term: Optional[tuple[int, ...]]


@dataclass(frozen=True)
class ProofTrees:
    label: str
    steps: tuple[Step, ...]
    conclusion: Optional[tuple[int, ...]]   # tree of the last step
    complete: bool                          # False when the proof has `?`


def decode_compressed(hyp_count: int, labels: tuple[str, ...], letters: str):
    """The steps of a compressed proof: ("hyp", i) for the i-th mandatory
    hypothesis, ("label", name), ("saved", k) for the k-th saved step,
    ("save",) after a step marked Z, ("unknown",) for `?`."""
    n = 0
    for ch in letters:
        if "U" <= ch <= "Y":
            n = n * 5 + (ord(ch) - ord("U") + 1)
        elif "A" <= ch <= "T":
            n = n * 20 + (ord(ch) - ord("A") + 1)
            if n <= hyp_count:
                yield ("hyp", n - 1)
            elif n <= hyp_count + len(labels):
                yield ("label", labels[n - hyp_count - 1])
            else:
                yield ("saved", n - hyp_count - len(labels) - 1)
            n = 0
        elif ch == "Z":
            yield ("save",)
        elif ch == "?":
            yield ("unknown",)
        elif not ch.isspace():
            raise ValueError(f"bad compressed proof letter {ch!r}")


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
        proof = st.proof
        if proof.compressed:
            hyps = st.frame.hypotheses
            items = []
            for item in decode_compressed(len(hyps), proof.labels, proof.letters):
                if item[0] == "hyp":
                    items.append(("label", hyps[item[1]]))
                else:
                    items.append(item)
        else:
            items = [("unknown",) if lab == "?" else ("label", lab) for lab in proof.labels]
        stack: list = []
        saved: list = []
        steps: list[Step] = []
        complete = True
        for item in items:
            kind = item[0]
            if kind == "label":
                entry = self._cite(item[1], stack, logical)
                stack.append(entry)
                steps.append(entry[0])
            elif kind == "saved":
                stack.append(saved[item[1]])
            elif kind == "save":
                saved.append(stack[-1])
            else:
                complete = False
                stack.append((Step("?", "?", None), None))
        if not complete or len(stack) != 1:
            return ProofTrees(st.label, tuple(steps), None, False)
        step, lazy = stack[0]
        term = step.term
        if term is None and lazy is not None:
            term = self.kit.substitute(*lazy)
        return ProofTrees(st.label, tuple(steps), term, True)

    def _cite(self, label: str, stack: list, logical: bool):
        s = self.by_label.get(label)
        if s is None:
            raise ValueError(f"proof cites unknown label {label}")
        tree = self.syn.trees.get(label)
        if s.kind in ("f", "e"):
            return (Step(label, s.typecode, tree.term if tree else None), None)
        hyps = s.frame.hypotheses
        if len(stack) < len(hyps):
            raise ValueError(f"proof stack underflow at {label}")
        args = stack[len(stack) - len(hyps):]
        del stack[len(stack) - len(hyps):]
        subst = {}
        for h, (arg, _) in zip(hyps, args):
            v = self.float_var.get(h)
            if v is not None:
                if arg.term is None:
                    raise ValueError(f"{label}: argument for {h} has no tree")
                subst[v] = arg.term
        if tree is None:
            return (Step(label, s.typecode, None), None)
        if logical or self.g.typecodes.is_syntax(s.typecode):
            return (Step(label, s.typecode, self.kit.substitute(tree.term, subst)), None)
        return (Step(label, s.typecode, None), (tree.term, subst))


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
