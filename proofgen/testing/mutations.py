"""Mutations of valid proofs and databases, and of raw bytes.

A `Mutant` carries the mutated file and, where the mutation decides it, the
verdict a correct verifier must reach (`expect`): changing a theorem's
statement under an unchanged proof must fail, re-encoding a proof must
not, a proof with a `?` in place of a hypothesis step is incomplete, and so
on.  Where the outcome depends on details (swapping two steps, moving a
`$d` out of its block) `expect` is None and only an oracle can say.

Operators on databases (`OPERATORS`) work on a `GenDatabase`; operators on
a single proof (`mutate_proof`) need only a `ProofContext`, so they also
serve theorems taken from real databases such as set.mm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from ..kernel.model import Proof
from .choosers import Chooser, as_chooser
from .database import GenDatabase, Scopes, render, replay
from .proofs import compress, decode_number, encode_number, normal_steps, split_letters

#: the file name mutants are written under
SELF_NAME = "db.mm"


@dataclass
class Mutant:
    """A mutated file: which operator made it, and what must come of it
    (`ok`, `error`, `incomplete`, or None when only an oracle can tell)."""

    operator: str
    data: bytes
    expect: Optional[str]
    target: str = ""
    items: Optional[list] = None
    filename: str = SELF_NAME
    #: other files to write next to it (name -> contents)
    files: dict = field(default_factory=dict)

    def write(self, directory) -> Path:
        """Write the mutant (and its companions) into `directory`; its path."""
        directory = Path(directory)
        for name, body in self.files.items():
            (directory / name).write_bytes(body)
        path = directory / self.filename
        path.write_bytes(self.data)
        return path


# ---------------------------------------------------------------------------
# single proofs

@dataclass
class ProofContext:
    """What proof mutations need to know about the theorem being mutated."""

    label: str
    mandatory: Sequence[str]
    #: mandatory hypotheses of a label (0 for a hypothesis), None if unknown
    arity: Callable[[str], Optional[int]]
    #: labels a proof may use here: earlier assertions and active hypotheses
    earlier: Sequence[str] = ()
    #: labels of statements after the theorem
    later: Sequence[str] = ()
    #: hypotheses whose block has closed
    inactive: Sequence[str] = ()
    #: labels that are not statements at all
    unknown: Sequence[str] = ("no.such.label",)


def _pick_label(ctx: ProofContext, ch: Chooser, avoid: str) -> tuple[str, str, Optional[str]]:
    """A replacement label: (label, kind, expected verdict for a normal proof)."""
    kinds = ["earlier", "earlier", "earlier", "self", "unknown"]
    if ctx.later:
        kinds.append("later")
    if ctx.inactive:
        kinds.append("inactive")
    kind = ch.choice(kinds)
    if kind == "self":
        return ctx.label, kind, "error"
    if kind == "unknown":
        return ch.choice(list(ctx.unknown)), kind, "error"
    if kind == "later":
        return ch.choice(list(ctx.later)), kind, "error"
    if kind == "inactive":
        return ch.choice(list(ctx.inactive)), kind, "error"
    options = [x for x in ctx.earlier if x != avoid]
    if not options:
        return ctx.label, "self", "error"
    return ch.choice(options), kind, None


def _effect(ctx: ProofContext, label: str) -> Optional[int]:
    """How a step changes the stack height (+1 for a hypothesis)."""
    if label == "?":
        return 1
    a = ctx.arity(label)
    return None if a is None else 1 - a


def mutate_proof(proof: Proof, ctx: ProofContext, ch: Chooser) -> tuple[Proof, str, Optional[str]]:
    """One mutation of a correct proof: (new proof, what was done, expected
    verdict or None)."""
    if proof.compressed:
        return _mutate_compressed(proof, ctx, ch)
    return _mutate_normal(proof, ctx, ch)


def _mutate_normal(proof: Proof, ctx: ProofContext, ch: Chooser):
    steps = list(proof.labels)
    op = ch.choice(["replace", "replace", "drop", "duplicate", "swap", "question", "whole"])
    if not steps:
        return Proof(("?",)), "question-whole", "incomplete"
    j = ch.integer(0, len(steps) - 1)
    if op == "replace":
        new, kind, expect = _pick_label(ctx, ch, steps[j])
        old = steps[j]
        steps[j] = new
        if expect is None and _effect(ctx, new) != _effect(ctx, old) and None not in (
                _effect(ctx, new), _effect(ctx, old)):
            expect = "error"  # the stack ends with the wrong number of entries
        return Proof(tuple(steps)), f"replace-step-{kind}", expect
    if op in ("drop", "duplicate"):
        e = _effect(ctx, steps[j])
        if op == "drop":
            del steps[j]
        else:
            steps.insert(j, steps[j])
        if not steps:
            return Proof(()), "drop-step", "error"
        return Proof(tuple(steps)), f"{op}-step", "error" if e not in (0, None) else None
    if op == "swap":
        k = ch.integer(0, len(steps) - 1)
        if steps[j] == steps[k]:
            return Proof(tuple(steps)), "swap-steps-same", "ok"
        steps[j], steps[k] = steps[k], steps[j]
        return Proof(tuple(steps)), "swap-steps", None
    if op == "question":
        e = _effect(ctx, steps[j])
        steps[j] = "?"
        # a '?' in place of a step that pops nothing keeps the stack's shape
        return Proof(tuple(steps)), "question-step", "incomplete" if e == 1 else None
    if ch.chance(0.5):
        return Proof(("?",)), "question-whole", "incomplete"
    return Proof(()), "empty-proof", "error"


def _mutate_compressed(proof: Proof, ctx: ProofContext, ch: Chooser):
    labels = list(proof.labels)
    toks = split_letters(proof.letters or "")
    m, k = len(ctx.mandatory), len(labels)
    op = ch.choice(["list-replace", "list-replace", "list-mandatory", "list-drop", "list-add",
                    "drop", "duplicate", "swap", "letter", "z-first", "trailing-digit",
                    "bad-char", "out-of-range", "double-z", "question"])

    def effect(tok: str) -> Optional[int]:
        if tok in ("Z",):
            return 0
        if tok == "?":
            return 1
        if not tok or not ("A" <= tok[-1] <= "T"):
            return None
        n = decode_number(tok)
        if n <= m:
            return 1
        if n <= m + k:
            return _effect(ctx, labels[n - m - 1])
        return 1

    def done(letters_toks, name, expect):
        return Proof(tuple(labels), "".join(letters_toks)), name, expect

    if op == "list-replace" and labels:
        j = ch.integer(0, k - 1)
        new, kind, expect = _pick_label(ctx, ch, labels[j])
        labels[j] = new
        return done(toks, f"list-replace-{kind}", expect)
    if op == "list-mandatory" and ctx.mandatory:
        labels.insert(ch.integer(0, k), ch.choice(list(ctx.mandatory)))
        return done(toks, "list-mandatory", "error")
    if op == "list-drop" and labels:
        del labels[ch.integer(0, k - 1)]
        return done(toks, "list-drop", None)
    if op == "list-add" and ctx.earlier:
        labels.insert(ch.integer(0, k), ch.choice(list(ctx.earlier)))
        return done(toks, "list-add", None)
    if not toks:
        return done(["A"], "letters-empty", None)
    j = ch.integer(0, len(toks) - 1)
    if op == "drop":
        e = effect(toks[j])
        del toks[j]
        if not toks:
            return done(toks, "drop-number", "error")
        return done(toks, "drop-number", "error" if e not in (0, None) else None)
    if op == "duplicate":
        e = effect(toks[j])
        toks.insert(j, toks[j])
        if toks[j] == "Z":
            return done(toks, "double-z", "error")
        return done(toks, "duplicate-number", "error" if e not in (0, None) else None)
    if op == "swap":
        i2 = ch.integer(0, len(toks) - 1)
        if toks[j] == toks[i2]:
            return done(toks, "swap-same", "ok")
        toks[j], toks[i2] = toks[i2], toks[j]
        return done(toks, "swap-numbers", None)
    if op == "letter":
        t = toks[j]
        p = ch.integer(0, len(t) - 1)
        c = ch.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ".replace(t[p], ""))
        toks[j] = t[:p] + c + t[p + 1:]
        return done(toks, "replace-letter", None)
    if op == "z-first":
        return done(["Z"] + toks, "z-first", "error")
    if op == "trailing-digit":
        return done(toks + [ch.choice("UVWXY")], "trailing-digit", "error")
    if op == "bad-char":
        t = toks[j]
        p = ch.integer(0, len(t))
        toks[j] = t[:p] + ch.choice("az019_.") + t[p:]
        return done(toks, "bad-letter", "error")
    if op == "out-of-range":
        saved = sum(1 for t in toks if t == "Z")
        toks.insert(j, encode_number(m + k + saved + ch.integer(1, 50)))
        return done(toks, "out-of-range", "error")
    if op == "double-z":
        zs = [i for i, t in enumerate(toks) if t == "Z"]
        if zs:
            toks.insert(ch.choice(zs), "Z")
            return done(toks, "double-z", "error")
    # a '?' in place of a number
    e = effect(toks[j])
    toks[j] = "?"
    nxt = toks[j + 1] if j + 1 < len(toks) else ""
    return done(toks, "question-number", "incomplete" if e == 1 and nxt != "Z" else None)


# ---------------------------------------------------------------------------
# databases

@dataclass
class _Work:
    """A database being mutated: its items, a replay of them, and labels."""

    db: GenDatabase
    ch: Chooser
    items: list = field(default_factory=list)
    scopes: Optional[Scopes] = None

    def __post_init__(self):
        self.items = list(self.db.items)
        self.scopes = replay(self.items)

    def indices(self, kinds: str) -> list[int]:
        return [i for i, it in enumerate(self.items) if it.kind in kinds]

    def pick(self, kinds: str) -> Optional[int]:
        idx = self.indices(kinds)
        return self.ch.choice(idx) if idx else None

    def arity(self, label: str) -> Optional[int]:
        it = self.scopes.labels.get(label)
        if it is None:
            return None
        if it.kind in "fe":
            return 0
        return len(self.scopes.frames[label].hypotheses)

    def context(self, i: int) -> ProofContext:
        """The proof context of the theorem at index i."""
        before = replay(self.items[:i])
        th = self.items[i]
        frame = before.frame(th.math)
        active = [h.label for h in before.hyps]
        earlier = [it.label for it in self.items[:i] if it.kind in "ap"] + active
        later = [it.label for it in self.items[i + 1:] if it.label]
        active_set = set(active)
        inactive = [it.label for it in self.items[:i] if it.kind in "fe"
                    and it.label not in active_set]
        return ProofContext(th.label, frame.hypotheses, self.arity, earlier, later, inactive)

    def block_of(self, i: int) -> Optional[tuple[int, int]]:
        """(index of `${`, index of `$}`) of the innermost block holding i."""
        depth = 0
        start = None
        for j in range(i - 1, -1, -1):
            k = self.items[j].kind
            if k == "}":
                depth += 1
            elif k == "{":
                if depth == 0:
                    start = j
                    break
                depth -= 1
        if start is None:
            return None
        depth = 0
        for j in range(i + 1, len(self.items)):
            k = self.items[j].kind
            if k == "{":
                depth += 1
            elif k == "}":
                if depth == 0:
                    return start, j
                depth -= 1
        return None

    def dv_expectation(self, items: list) -> str:
        """After a change to `$d` statements only: does every theorem still
        have the pairs its proof needs?"""
        sc = replay(items)
        for lab, info in self.db.info.items():
            if lab in sc.proof_dv and not info.needed_dv <= sc.proof_dv[lab]:
                return "error"
        return "ok"

    def uses(self, i: int) -> bool:
        """Is the `$e` at index i a theorem's own hypothesis (inside its
        block) that its proof pushes?  (An outer `$e` is part of the frames
        of later assertions too, so changing it changes what they ask for.)"""
        label = self.items[i].label
        return self.block_of(i) is not None and any(
            label in info.used_hyps for info in self.db.info.values())


def _op_proof(w: _Work):
    i = w.pick("p")
    if i is None:
        return None
    th = w.items[i]
    proof, name, expect = mutate_proof(th.proof or Proof(()), w.context(i), w.ch)
    w.items[i] = th.replace(proof=proof)
    return name, th.label, expect


def _op_reencode(w: _Work):
    """The same proof written another way: must still verify."""
    cands = [i for i in w.indices("p") if w.items[i].label in w.db.info
             and w.db.info[w.items[i].label].tree]
    if not cands:
        return None
    i = w.ch.choice(cands)
    th = w.items[i]
    tree = w.db.info[th.label].tree
    frame = w.scopes.frames[th.label]
    style = w.ch.choice(["normal", "compressed", "save-hypotheses"])
    if style == "normal":
        steps = normal_steps(tree, 20_000)
        if steps is None:
            return None
        proof = Proof(tuple(steps))
    else:
        proof = compress(tree, frame.hypotheses, w.ch, save_hypotheses=(style == "save-hypotheses"))
    w.items[i] = th.replace(proof=proof)
    return f"reencode-{style}", th.label, "ok"


def _alter_math(math: tuple, ch: Chooser, symbols: list[str], keep_first: bool) -> tuple:
    m = list(math)
    lo = 1 if keep_first and len(m) > 1 else 0
    op = ch.choice(["swap", "replace", "drop", "duplicate"])
    j = ch.integer(lo, len(m) - 1)
    if op == "swap" and len(m) - lo >= 2:
        k = ch.integer(lo, len(m) - 1)
        m[j], m[k] = m[k], m[j]
    elif op == "drop" and len(m) > 1:
        del m[j]
    elif op == "duplicate":
        m.insert(j, m[j])
    else:
        m[j] = ch.choice(symbols)
    return tuple(m)


def _symbols(w: _Work) -> list[str]:
    out = []
    for it in w.items:
        if it.kind in "cv":
            out.extend(it.math)
    return out or ["x"]


def _variables(w: _Work) -> set[str]:
    return {s for it in w.items if it.kind == "v" for s in it.math}


def _same_frame(w: _Work, old: tuple, new: tuple) -> bool:
    """A changed statement keeps the theorem's frame (and so the meaning of
    its compressed proof) when it mentions the same variables, or fails to
    read when its first symbol is now a variable."""
    vs = _variables(w)
    return {s for s in old if s in vs} == {s for s in new if s in vs} or new[0] in vs


def _op_hypothesis(w: _Work):
    i = w.pick("e")
    if i is None:
        return None
    it = w.items[i]
    new = _alter_math(it.math, w.ch, _symbols(w), keep_first=w.ch.chance(0.8))
    if new == it.math:
        return None
    w.items[i] = it.replace(math=new)
    # a proof that pushes it now pushes something else, where the cited
    # assertion (its substitution fixed by the syntax steps) wants the old one
    sure = w.uses(i) and _same_frame(w, it.math, new)
    return "alter-hypothesis", it.label, "error" if sure else None


def _op_conclusion(w: _Work):
    i = w.pick("p")
    if i is None:
        return None
    it = w.items[i]
    new = _alter_math(it.math, w.ch, _symbols(w), keep_first=w.ch.chance(0.8))
    if new == it.math:
        return None
    w.items[i] = it.replace(math=new)
    # the proof still proves the old statement
    sure = _same_frame(w, it.math, new) or not (it.proof and it.proof.compressed)
    return "alter-conclusion", it.label, "error" if sure else None


def _op_typecode(w: _Work):
    i = w.pick("feap")
    if i is None:
        return None
    it = w.items[i]
    new_tc = w.ch.choice(_symbols(w))
    if new_tc == it.math[0]:
        return None
    w.items[i] = it.replace(math=(new_tc,) + it.math[1:])
    expect = None
    if it.kind == "p" or (it.kind == "e" and w.uses(i)):
        expect = "error"  # as for the statement: same variables, or unreadable
    return f"alter-typecode-{it.kind}", it.label, expect


def _op_remove_dv(w: _Work):
    i = w.pick("d")
    if i is None:
        return None
    del w.items[i]
    return "remove-dv", "", w.dv_expectation(w.items) if w.db.info else None


def _op_weaken_dv(w: _Work):
    i = w.pick("d")
    if i is None:
        return None
    it = w.items[i]
    vs = list(it.math)
    del vs[w.ch.integer(0, len(vs) - 1)]
    w.items[i] = it.replace(math=tuple(vs))
    if len(vs) < 2:
        return "weaken-dv-to-one", "", "error"
    return "weaken-dv", "", w.dv_expectation(w.items) if w.db.info else None


def _op_duplicate_dv(w: _Work):
    i = w.pick("d")
    if i is None:
        return None
    w.items.insert(i + 1, w.items[i])
    return "duplicate-dv", "", "ok"


def _op_move_out(w: _Work):
    """Move a statement out of its block (to just after the `$}`)."""
    cands = [i for i in w.indices("vdfep") if w.block_of(i)]
    if not cands:
        return None
    i = w.ch.choice(cands)
    start, end = w.block_of(i)
    it = w.items[i]
    expect = None
    if it.kind == "e" and any(it.label in w.db.info[x.label].used_hyps and not x.proof.compressed
                              for x in w.items[start:end] if x.kind == "p" and x.label in w.db.info):
        expect = "error"  # a normal proof of the block names it; now it comes later
    if it.kind == "p" and it.proof and not it.proof.compressed:
        block_hyps = {x.label for x in w.items[start:end] if x.kind in "ef"}
        if block_hyps & set(it.proof.labels):
            expect = "error"  # its proof names hypotheses that are no longer active
    del w.items[i]
    w.items.insert(end, it)  # `end` moved down by one: lands just after the `$}`
    return f"move-out-of-scope-{it.kind}", it.label, expect


def _op_move_before_citation(w: _Work):
    """Move a theorem (with its block) in front of an assertion it cites."""
    cands = [i for i in w.indices("p") if w.items[i].label in w.db.info
             and w.db.info[w.items[i].label].cited]
    if not cands:
        return None
    i = w.ch.choice(cands)
    th = w.items[i]
    cited = w.ch.choice(sorted(w.db.info[th.label].cited))
    target = next((j for j, it in enumerate(w.items) if it.label == cited), None)
    if target is None:
        return None
    blk = w.block_of(i)
    lo, hi = blk if blk else (i, i)
    # the block holding the cited assertion starts at its outermost `${`
    depth, start = 0, target
    for j in range(target - 1, -1, -1):
        k = w.items[j].kind
        if k == "}":
            depth += 1
        elif k == "{":
            if depth == 0:
                start = j
            else:
                depth -= 1
    if start > lo:
        return None
    moved = w.items[lo:hi + 1]
    del w.items[lo:hi + 1]
    w.items[start:start] = moved
    return "move-before-citation", th.label, "error"


def _op_delete(w: _Work):
    i = w.pick("cvfeap")
    if i is None:
        return None
    it = w.items[i]
    del w.items[i]
    expect = None
    if it.kind in "ap":
        for x in w.items[i:]:
            if x.kind == "p" and x.proof and it.label in x.proof.labels:
                expect = "error"  # a later proof names it
                break
    return f"delete-{it.kind}", it.label, expect


def _op_duplicate(w: _Work):
    i = w.pick("cvfeap")
    if i is None:
        return None
    it = w.items[i]
    w.items.insert(i + 1, it)
    # a label twice, or a symbol declared twice while active
    return f"duplicate-{it.kind}", it.label, "error"


def _op_swap_hypotheses(w: _Work):
    es = w.indices("e")
    pairs = [(a, b) for a in es for b in es if a < b and w.block_of(a) and
             w.block_of(a) == w.block_of(b) and w.items[a].math != w.items[b].math]
    if not pairs:
        return None
    a, b = w.ch.choice(pairs)
    w.items[a], w.items[b] = w.items[b], w.items[a]
    return "swap-hypotheses", w.items[a].label, None


def _op_label_clash(w: _Work):
    i = w.pick("eap")
    if i is None:
        return None
    it = w.items[i]
    sym = w.ch.choice(_symbols(w))
    if not all(c.isalnum() or c in "._-" for c in sym):
        return None
    w.items[i] = it.replace(label=sym)
    return "label-is-a-symbol", it.label, "error"


def _op_second_float(w: _Work):
    i = w.pick("f")
    if i is None:
        return None
    it = w.items[i]
    w.items.insert(i + 1, it.replace(label=it.label + ".again"))
    return "second-float", it.label, "error"


OPERATORS: dict[str, Callable] = {
    "proof": _op_proof,
    "reencode": _op_reencode,
    "alter-hypothesis": _op_hypothesis,
    "alter-conclusion": _op_conclusion,
    "alter-typecode": _op_typecode,
    "remove-dv": _op_remove_dv,
    "weaken-dv": _op_weaken_dv,
    "duplicate-dv": _op_duplicate_dv,
    "move-out-of-scope": _op_move_out,
    "move-before-citation": _op_move_before_citation,
    "delete-statement": _op_delete,
    "duplicate-statement": _op_duplicate,
    "swap-hypotheses": _op_swap_hypotheses,
    "label-is-a-symbol": _op_label_clash,
    "second-float": _op_second_float,
}
#: how often each operator is tried (proof mutations are the heart of it)
WEIGHTS = {"proof": 8, "reencode": 2, "remove-dv": 2, "weaken-dv": 2, "alter-conclusion": 2,
           "alter-hypothesis": 2}

#: text-level operators: (name, expected verdict)
TEXT_OPERATORS = ["glue-keyword", "glue-parenthesis", "bad-byte", "include-in-block"]


def mutate_database(db: GenDatabase, source: Chooser | int | None = None,
                    operators: Sequence[str] | None = None) -> Mutant:
    """One mutant of a (valid) generated database."""
    ch = as_chooser(source)
    names = list(operators or list(OPERATORS) + TEXT_OPERATORS)
    weighted = [n for n in names for _ in range(WEIGHTS.get(n, 1))]
    for _ in range(50):
        name = ch.choice(weighted)
        if name in TEXT_OPERATORS:
            got = _text_operator(name, db, ch)
            if got is not None:
                return got
            continue
        w = _Work(db, ch)
        got = OPERATORS[name](w)
        if got is not None:
            op, target, expect = got
            return Mutant(op, render(w.items).encode("ascii"), expect, target, items=w.items)
    # nothing applied (a database with almost nothing in it): the identity
    return Mutant("identity", render(db.items).encode("ascii"), "ok", items=list(db.items))


def _text_operator(name: str, db: GenDatabase, ch: Chooser) -> Optional[Mutant]:
    text = render(db.items)
    if name == "glue-keyword":
        spots = [i for i in range(len(text) - 2) if text.startswith(" $.", i)]
        if not spots:
            return None
        i = ch.choice(spots)
        return Mutant(name, (text[:i] + text[i + 1:]).encode("ascii"), "error")
    if name == "glue-parenthesis":
        # `(` and `)` of a compressed proof are tokens: `(wi` or `)ABC` is not
        spots = []
        for m in re.finditer(r"\$= \( ((?:[^\s$]+ )*)\) [A-Z?]", text):
            close = m.start(1) + len(m.group(1))  # where `)` is
            spots.append(close + 1)               # `)ABC`
            if m.group(1):
                spots += [m.start() + 4, close - 1]  # `(wi`, `ax-mp)`
        if not spots:
            return None
        i = ch.choice(spots)
        return Mutant(name, (text[:i] + text[i + 1:]).encode("ascii"), "error")
    if name == "bad-byte":
        spots = [i for i, c in enumerate(text) if c in " \n"]
        i = ch.choice(spots)
        byte = ch.choice([b"\x0b", b"\x00", b"\x7f", b"\x80", b"\xff", b"\x1c"])
        data = text.encode("ascii")
        return Mutant(f"bad-byte-{byte.hex()}", data[:i] + byte + data[i + 1:], "error")
    # include-in-block: a (harmless) file included from inside a block
    items = list(db.items)
    opens = [i for i, it in enumerate(items) if it.kind == "{"]
    if not opens:
        return None
    i = ch.choice(opens)
    body = render(items[:i + 1]) + "$[ inc.mm $]\n" + render(items[i + 1:])
    return Mutant(name, body.encode("ascii"), "error",
                  files={"inc.mm": b"$( an included file $)\n"})


def mutate_bytes(data: bytes, source: Chooser | int | None = None, edits: int = 0,
                 tokens: Sequence[bytes] = ()) -> bytes:
    """Byte-level damage to a file: inserted, deleted, flipped and duplicated
    bytes, spliced keywords and symbols, truncation."""
    ch = as_chooser(source)
    words = list(tokens) or [b"$c", b"$v", b"$f", b"$e", b"$a", b"$p", b"$d", b"${", b"$}",
                             b"$.", b"$=", b"$(", b"$)", b"$[", b"$]", b"(", b")", b"?",
                             b"Z", b"UA", b"\x0b", b"\x00", b"\xff", b"ph", b"|-", b"wff"]
    out = bytearray(data)
    for _ in range(edits or ch.integer(1, 6)):
        i = ch.integer(0, len(out))
        op = ch.choice(["insert", "delete", "flip", "duplicate", "token", "truncate", "space"])
        if op == "insert":
            out[i:i] = bytes(ch.integer(0, 255) for _ in range(ch.integer(1, 4)))
        elif op == "delete":
            del out[i:i + ch.integer(1, 40)]
        elif op == "flip" and i < len(out):
            out[i] = ch.integer(0x20, 0x7E)
        elif op == "duplicate":
            j = min(len(out), i + ch.integer(1, 120))
            k = ch.integer(0, len(out))
            out[k:k] = out[i:j]
        elif op == "token":
            out[i:i] = b" " + ch.choice(words) + b" "
        elif op == "truncate" and ch.chance(0.3):
            del out[i:]
        elif op == "space" and i < len(out):
            out[i:i + 1] = ch.choice([b" ", b"", b"\n", b"\t"])
    return bytes(out)
