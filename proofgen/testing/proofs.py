"""Proofs as trees, and the two ways of writing them (normal and compressed).

A proof tree is `(label, children)`: the children of an assertion step are
the proofs of its mandatory hypotheses in frame order; a hypothesis step has
none.  Shared subtrees are shared objects, so trees are really DAGs and are
walked with memos keyed by identity.
"""
from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from ..kernel.mmtext import decode_number, encode_number  # noqa: F401 - re-exported
from ..kernel.model import Proof
from ..syntax.proofs import ProofBuilder, replay
from .choosers import Chooser

Node = tuple  # (label, tuple of Node)

_NUMBER = re.compile(r"[U-Y]*[A-T]|Z|\?|.")
_STEP = re.compile(r"[U-Y]*[A-T]|Z|\?")


def split_letters(letters: str) -> list[str]:
    """Letters as steps: numbers (`[U-Y]*[A-T]`), `Z`, `?`; anything else
    (a stray character, trailing digits) comes out as itself."""
    return _NUMBER.findall(letters)


def normal_steps(tree: Node, limit: int = 1 << 20) -> Optional[list[str]]:
    """The normal (RPN) proof of a tree, or None if longer than `limit`."""
    out: list[str] = []
    stack = [(tree, False)]
    while stack:
        node, done = stack.pop()
        if done or not node[1]:
            out.append(node[0])
            if len(out) > limit:
                return None
            continue
        stack.append((node, True))
        for child in reversed(node[1]):
            stack.append((child, False))
    return out


def _canonical(tree: Node) -> dict[int, int]:
    """Structural ids: equal subtrees get equal ids (hash-consing by identity
    memo, so a DAG costs its size, not its unfolded size)."""
    ids: dict[int, int] = {}
    table: dict[tuple, int] = {}
    stack = [(tree, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in ids:
            continue
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in node[1] if id(c) not in ids)
            continue
        key = (node[0], tuple(ids[id(c)] for c in node[1]))
        ids[id(node)] = table.setdefault(key, len(table))
    return ids


def compress(tree: Node, mandatory: Sequence[str], chooser: Optional[Chooser] = None,
             extra: Sequence[str] = (), save_hypotheses: bool = False) -> Proof:
    """The compressed proof of a tree for a theorem whose mandatory
    hypotheses are `mandatory` (frame order).

    Repeated subtrees are saved with `Z` and referenced afterwards (with a
    chooser, each is saved or not at random); the label list is in order of
    first use or shuffled, and `extra` labels (unused, harmless) are added.
    Hypothesis steps are not saved unless `save_hypotheses` (legal, but one
    popular verifier rejects it).
    """
    ids = _canonical(tree)
    # how often each distinct subtree is reached when repeats are referenced
    seen: dict[int, int] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        c = ids[id(node)]
        seen[c] = seen.get(c, 0) + 1
        if seen[c] == 1:
            stack.extend(node[1])
    mand_index = {lab: i + 1 for i, lab in enumerate(mandatory)}
    order: list[str] = []
    for lab in normal_steps_unique(tree):
        if lab not in mand_index and lab not in order:
            order.append(lab)
    if chooser is not None:
        if chooser.chance(0.5):
            order = chooser.shuffled(order)
        for lab in extra:
            order.insert(chooser.integer(0, len(order)), lab)
    else:
        order.extend(extra)
    m = len(mandatory)
    list_index: dict[str, int] = {}
    for i, lab in enumerate(order):
        list_index.setdefault(lab, m + i + 1)
    saved: dict[int, int] = {}
    out: list[str] = []
    stack2: list = [(tree, False)]
    while stack2:
        node, done = stack2.pop()
        c = ids[id(node)]
        if not done:
            if c in saved:
                out.append(encode_number(saved[c]))
                continue
            stack2.append((node, True))
            for child in reversed(node[1]):
                stack2.append((child, False))
            continue
        lab = node[0]
        out.append(encode_number(mand_index[lab] if lab in mand_index else list_index[lab]))
        if seen[c] > 1 and (node[1] or save_hypotheses) and c not in saved:
            if chooser is None or chooser.chance(0.85):
                saved[c] = m + len(order) + len(saved) + 1
                out.append("Z")
    return Proof(tuple(order), "".join(out))


def normal_steps_unique(tree: Node) -> list[str]:
    """Labels in order of first use (postorder), each once."""
    seen_nodes: set[int] = set()
    out: list[str] = []
    have: set[str] = set()
    stack = [(tree, False)]
    while stack:
        node, done = stack.pop()
        if done or not node[1]:
            if node[0] not in have:
                have.add(node[0])
                out.append(node[0])
            continue
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        stack.append((node, True))
        for child in reversed(node[1]):
            stack.append((child, False))
    return out


class ProofTooLarge(ValueError):
    """A compressed proof whose normal form is longer than asked for."""


def decompress(proof: Proof, mandatory: Sequence[str], arity: Callable[[str], int],
               limit: int = 100_000) -> list[str]:
    """The normal proof of a correct compressed proof.  `arity(label)` is
    the number of mandatory hypotheses of a listed label (0 for a
    hypothesis).  Raises ValueError on a malformed proof and ProofTooLarge
    past `limit` steps."""
    letters = proof.letters or ""
    for tok in split_letters(letters):       # stricter than a replay: no spaces
        if not _STEP.fullmatch(tok):
            raise ValueError(f"bad letters {tok!r}")
    stack = replay(Proof(proof.labels, letters), mandatory, _NormalProof(arity, limit))
    if len(stack) != 1:
        raise ValueError(f"{len(stack)} entries left")
    return stack[0]


class _NormalProof(ProofBuilder):
    """Replays a proof into its normal form: each entry the labels of its
    subproof (a saved step is written out again)."""

    def __init__(self, arity: Callable[[str], int], limit: int):
        self.arity = arity
        self.limit = limit

    def cite(self, label: str, args: list) -> list[str]:
        if not args:
            return [label]
        entry: list[str] = []
        for sub in args:
            entry.extend(sub)
        entry.append(label)
        if len(entry) > self.limit:
            raise ProofTooLarge(f"normal proof longer than {self.limit} steps")
        return entry

    def unknown(self) -> list[str]:
        return ["?"]
