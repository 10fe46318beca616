"""Proofs as trees, and the two ways of writing them (normal and compressed).

A proof tree is `(label, children)`: the children of an assertion step are
the proofs of its mandatory hypotheses in frame order; a hypothesis step has
none.  Shared subtrees are shared objects, so trees are really DAGs and are
walked with memos keyed by identity.
"""
from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from ..kernel.model import Proof
from .choosers import Chooser

Node = tuple  # (label, tuple of Node)


def encode_number(n: int) -> str:
    """Compressed-proof letters for step number n >= 1 (appendix B of the
    Metamath book): A-T end a number, U-Y are its leading base-5 digits."""
    if n < 1:
        raise ValueError("step numbers start at 1")
    s = chr(ord("A") + (n - 1) % 20)
    n = (n - 1) // 20
    while n:
        s = chr(ord("U") + (n - 1) % 5) + s
        n = (n - 1) // 5
    return s


def decode_number(letters: str) -> int:
    n = 0
    for ch in letters[:-1]:
        n = n * 5 + (ord(ch) - ord("U") + 1)
    return n * 20 + (ord(letters[-1]) - ord("A") + 1)


_NUMBER = re.compile(r"[U-Y]*[A-T]|Z|\?|.")


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
    m, labels = len(mandatory), list(proof.labels)
    k = len(labels)
    stack: list[list[str]] = []
    saved: list[list[str]] = []
    for tok in split_letters(proof.letters or ""):
        if tok == "Z":
            if not stack:
                raise ValueError("Z on an empty stack")
            saved.append(stack[-1])
            continue
        if tok == "?":
            stack.append(["?"])
            continue
        if not re.fullmatch(r"[U-Y]*[A-T]", tok):
            raise ValueError(f"bad letters {tok!r}")
        n = decode_number(tok)
        if n <= m:
            stack.append([mandatory[n - 1]])
        elif n <= m + k:
            lab = labels[n - m - 1]
            a = arity(lab)
            if a > len(stack):
                raise ValueError("stack underflow")
            entry: list[str] = []
            for sub in stack[len(stack) - a:]:
                entry.extend(sub)
            del stack[len(stack) - a:]
            entry.append(lab)
            if len(entry) > limit:
                raise ProofTooLarge(f"normal proof longer than {limit} steps")
            stack.append(entry)
        elif n <= m + k + len(saved):
            stack.append(saved[n - m - k - 1])
        else:
            raise ValueError(f"step number {n} out of range")
    if len(stack) != 1:
        raise ValueError(f"{len(stack)} entries left")
    return stack[0]
