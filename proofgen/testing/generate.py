"""Random well-formed databases whose proofs are valid by construction.

The generator declares constants and typed variables, invents syntax axioms
(`wff ( ph -> ps )`-like) and logical axioms with `$e` hypotheses and `$d`
conditions, then proves theorems by *forward construction*: starting from
nothing, it cites an axiom or an earlier theorem, fixing the substitution
by matching the citation's hypotheses against facts already proved (or
making a new `$e` hypothesis of the theorem when none matches), and repeats;
the last fact becomes the theorem.  Every step respects the cited frame's
`$d` conditions, and the pairs of variables that this forces apart are
declared.  Proofs are written in normal or compressed form.

Everything is drawn from a `Chooser`, so a seed reproduces a database and
hypothesis can shrink one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..kernel.model import Proof
from .choosers import Chooser, as_chooser
from .database import GenDatabase, Item, Scopes, TheoremInfo, pair
from .proofs import compress, normal_steps

MAIN_TYPE = "wff"
OTHER_TYPES = ["class", "setvar", "term", "nat"]
PROVABLE = ["|-", "|=", "TT", "PROV"]
VARIABLES = {
    "wff": ["ph", "ps", "ch", "th", "ta", "et", "ze", "si", "rh", "mu", "la", "ka"],
    "class": ["A", "B", "C", "D", "E", "F", "G", "H"],
    "setvar": ["x", "y", "z", "w", "v", "u", "t", "s"],
    "term": ["a", "b", "c", "d", "e", "g", "q", "r"],
    "nat": ["m", "n", "k", "j", "i", "l", "o", "p"],
}
#: printable symbols that stress tokenisers (checklist 4)
ODD_SYMBOLS = ["ph'", "x`", "A@", "?v", '"q"', "p#1", "&a", "b~", "[x]", "y_", "0z"]
CONNECTIVES = ["(", ")", "->", "-.", "/\\", "\\/", "<->", "=", "e.", "A.", "E.", "+", "x.",
               "0", "S", "[", "]", "{", "}", ",", "|", "&", "~", "<", "<_", "T.", "F.",
               "?", "@", "`", "'", '"', "#", "%", "^", ":", ";", "!", "*"]
#: labels that are legal but unusual (checklist 3)
ODD_LABELS = ["1", "x.y", "_a", "-b", ".", "-", "a-b_c.1", "ABZ", "Zz", "9.9", "f_", "--"]


@dataclass(frozen=True)
class Size:
    """Upper bounds on what one database holds."""

    types: int = 2          # syntax typecodes besides `wff`
    variables: int = 4      # global variables per typecode
    connectives: int = 7    # constants besides typecodes
    syntax: int = 6         # syntax axioms
    axioms: int = 5         # logical axioms
    theorems: int = 6
    steps: int = 6          # citations in one forward construction
    depth: int = 2          # depth of random expressions
    symbols: int = 40       # longest statement the construction keeps


SIZES = {
    "tiny": Size(1, 2, 4, 3, 3, 2, 3, 1, 20),
    "small": Size(),
    "medium": Size(3, 6, 14, 12, 10, 16, 10, 3, 80),
}


@dataclass
class _Assertion:
    """A citable logical assertion: its conclusion and hypotheses as trees."""

    label: str
    conclusion: object
    hyps: list  # (label, "f", variable) or (label, "e", tree), frame order
    dv: frozenset


@dataclass
class _Syntax:
    typecode: str
    body: tuple      # the symbols after the typecode
    slots: tuple     # its variables in frame order


@dataclass
class _Theorem:
    facts: list = field(default_factory=list)   # (tree, node)
    hyps: list = field(default_factory=list)    # (label, tree)
    pairs: dict = field(default_factory=dict)   # id(node) -> pairs that step needs
    nodes: list = field(default_factory=list)   # keeps nodes alive for `pairs`


class _Generator:
    def __init__(self, ch: Chooser, size: Size, odd: float):
        self.ch, self.size, self.odd = ch, size, odd
        self.items: list[Item] = []
        self.sc = Scopes()
        self.names: set[str] = set()       # every label and symbol used so far
        self.vtype: dict[str, str] = {}
        self.syntax: dict[str, _Syntax] = {}
        self.by_type: dict[str, list[str]] = {}
        self.assertions: list[_Assertion] = []
        self.trees: dict[str, object] = {}  # $e label -> tree
        self.outer_hyps: list[tuple[str, object]] = []
        self.global_vars: dict[str, list[str]] = {}
        self.local_names: dict[str, list[str]] = {}
        self.info: dict[str, TheoremInfo] = {}
        self.flat_memo: dict = {}
        self.n = 0

    # -- small helpers ---------------------------------------------------------
    def emit(self, item: Item) -> None:
        self.items.append(item)
        self.sc.add(item)

    def label(self, prefix: str) -> str:
        if self.ch.chance(self.odd):
            for cand in self.ch.shuffled(ODD_LABELS):
                if cand not in self.names:
                    self.names.add(cand)
                    return cand
        while True:
            self.n += 1
            cand = f"{prefix}{self.n}"
            if cand not in self.names:
                self.names.add(cand)
                return cand

    def type_of(self, tree) -> str:
        return self.vtype[tree] if isinstance(tree, str) else self.syntax[tree[0]].typecode

    def flat(self, tree) -> tuple:
        if isinstance(tree, str):
            return (tree,)
        got = self.flat_memo.get(tree)
        if got is None:
            s = self.syntax[tree[0]]
            sub = dict(zip(s.slots, tree[1:]))
            out: list[str] = []
            for sym in s.body:
                out.extend(self.flat(sub[sym]) if sym in sub else (sym,))
            got = self.flat_memo[tree] = tuple(out)
        return got

    def random_tree(self, typ: str, depth: int, pool: dict):
        options = self.by_type.get(typ, [])
        if depth <= 0 or not options or self.ch.chance(0.35):
            return self.ch.choice(pool[typ])
        lab = self.ch.choice(options)
        return (lab,) + tuple(self.random_tree(self.vtype[v], depth - 1, pool)
                              for v in self.syntax[lab].slots)

    def syntax_node(self, tree, floats: dict):
        if isinstance(tree, str):
            return (floats[tree], ())
        return (tree[0], tuple(self.syntax_node(c, floats) for c in tree[1:]))

    # -- the database ------------------------------------------------------------
    def run(self) -> GenDatabase:
        ch, size = self.ch, self.size
        self.provable = ch.choice(PROVABLE) if ch.chance(0.3) else "|-"
        self.types = [MAIN_TYPE] + ch.sample(OTHER_TYPES, ch.integer(0, size.types))
        self.connectives = ch.sample(CONNECTIVES, ch.integer(2, max(2, size.connectives)))
        constants = [self.provable] + self.types + self.connectives
        self.names.update(constants)
        self._declare_constants(constants)
        self._declare_variables()
        self._syntax_axioms()
        self._logical_axioms(ch.integer(1, max(1, size.axioms)))
        for _ in range(ch.integer(1, max(1, size.theorems))):
            roll = ch.integer(0, 99)
            if roll < 12:
                self._logical_axioms(1)
            elif roll < 17:
                self._syntax_theorem()
            elif roll < 20:
                self._outer_statement()
            else:
                self._theorem()
        if not any(it.kind == "p" for it in self.items):
            self._theorem()
        if not any(it.kind == "p" for it in self.items):
            self._syntax_theorem()  # always possible: every database proves something
        return GenDatabase(self.items, self.info)

    def _declare_constants(self, constants: list[str]) -> None:
        rest = self.ch.shuffled(constants)
        while rest:
            k = self.ch.integer(1, len(rest))
            self.emit(Item("c", math=tuple(rest[:k])))
            rest = rest[k:]

    def _fresh_variable(self, typ: str) -> Optional[str]:
        pool = [v for v in VARIABLES[typ] if v not in self.names]
        if self.ch.chance(self.odd):
            pool = [v for v in ODD_SYMBOLS if v not in self.names] or pool
        if not pool:
            return None
        v = self.ch.choice(pool)
        self.names.add(v)
        self.vtype[v] = typ
        return v

    def _declare_variables(self) -> None:
        ch = self.ch
        order = []
        for typ in self.types:
            vs = [v for v in (self._fresh_variable(typ)
                              for _ in range(ch.integer(1, max(1, self.size.variables)))) if v]
            self.global_vars[typ] = vs
            order.extend(vs)
        order = ch.shuffled(order)
        together = ch.chance(0.5)  # all $v first, or each $v next to its $f
        if together:
            self.emit(Item("v", math=tuple(order)))
        for v in order:
            if not together:
                self.emit(Item("v", math=(v,)))
            self.emit(Item("f", self.label("f."), (self.vtype[v], v)))

    def _syntax_axioms(self) -> None:
        ch = self.ch
        conn = self.connectives
        count = ch.integer(1, max(1, self.size.syntax))
        for i in range(count):
            if i == 0:
                # a connective on wff first: binary when it can be, so that
                # rules shaped like modus ponens exist
                typ, wffs = MAIN_TYPE, self.global_vars[MAIN_TYPE]
                if len(wffs) > 1:
                    a, b = ch.sample(wffs, 2)
                    body = (ch.choice(conn), a, ch.choice(conn), b, ch.choice(conn))
                else:
                    body = (ch.choice(conn), wffs[0])
            else:
                typ = ch.choice(self.types)
                body = []
                for _ in range(ch.integer(1, 5)):
                    if ch.chance(0.45):
                        vtyp = ch.choice(self.types)
                        free = [v for v in self.global_vars[vtyp] if v not in body]
                        if free:
                            body.append(ch.choice(free))
                            continue
                    body.append(ch.choice(conn))
                body = tuple(body)
                if len(body) == 1 and body[0] in self.vtype and self.vtype[body[0]] == typ:
                    body = (ch.choice(conn),) + body
            label = self.label("w")
            self.emit(Item("a", label, (typ,) + body))
            frame = self.sc.frames[label]
            slots = tuple(self.sc.labels[h].math[1] for h in frame.hypotheses)
            self.syntax[label] = _Syntax(typ, body, slots)
            self.by_type.setdefault(typ, []).append(label)

    def _logical_axioms(self, count: int) -> None:
        ch = self.ch
        for i in range(count):
            label = self.label("ax-")
            # a few variables per axiom, so that hypotheses and conclusion share them
            pool = {t: ch.sample(vs, ch.integer(1, 3)) for t, vs in self.global_vars.items()}
            mp = (not self.assertions and len(self.global_vars[MAIN_TYPE]) > 1
                  and len(self.syntax[self.by_type[MAIN_TYPE][0]].slots) == 2 and ch.chance(0.8))
            if mp:
                x, y = ch.sample(self.global_vars[MAIN_TYPE], 2)
                imp = self.by_type[MAIN_TYPE][0]
                s = self.syntax[imp]
                hyps = [x, (imp,) + tuple({s.body[1]: x, s.body[3]: y}[v] for v in s.slots)]
                conclusion = y
            else:
                depth = self.size.depth
                conclusion = self.random_tree(MAIN_TYPE, depth, pool)
                hyps = [self.random_tree(MAIN_TYPE, depth, pool)
                        for _ in range(ch.choice([0, 0, 1, 1, 2, 3]))]
            mvars = set(_vars(conclusion))
            for h in hyps:
                mvars.update(_vars(h))
            dv = []
            if len(mvars) > 1 and ch.chance(0.4):
                for _ in range(ch.integer(1, 2)):
                    a, b = ch.sample(sorted(mvars), 2)
                    dv.append((a, b))
            block = bool(hyps or dv) or ch.chance(0.2)
            inner = [Item("e", f"{label}.{j + 1}", (self.provable,) + self.flat(h))
                     for j, h in enumerate(hyps)]
            for j, h in enumerate(hyps):
                self.names.add(f"{label}.{j + 1}")
                self.trees[f"{label}.{j + 1}"] = h
            for a, b in dv:
                inner.insert(ch.integer(0, len(inner)), Item("d", math=(a, b)))
            if block:
                self.emit(Item("{"))
            for it in inner:
                self.emit(it)
            self.emit(Item("a", label, (self.provable,) + self.flat(conclusion)))
            self._register(label, conclusion)
            if block:
                self.emit(Item("}"))

    def _register(self, label: str, conclusion) -> None:
        frame = self.sc.frames[label]
        hyps = []
        for h in frame.hypotheses:
            it = self.sc.labels[h]
            hyps.append((h, "f", it.math[1]) if it.kind == "f" else (h, "e", self.trees[h]))
        self.assertions.append(_Assertion(label, conclusion, hyps, frame.disjoint))

    def _outer_statement(self) -> None:
        """A `$e` or `$d` in the outermost block: active for the rest of the
        file (a `$e` there is legal, checklist 19)."""
        ch = self.ch
        if ch.chance(0.5):
            vs = ch.sample(sorted(self.vtype), 2)
            if len(vs) == 2 and all(v in self.sc.variables for v in vs):
                self.emit(Item("d", math=tuple(vs)))
            return
        tree = self.random_tree(MAIN_TYPE, 1, self.global_vars)
        label = self.label("hyp")
        self.trees[label] = tree
        self.outer_hyps.append((label, tree))
        self.emit(Item("e", label, (self.provable,) + self.flat(tree)))

    # -- theorems ------------------------------------------------------------------
    def _locals(self) -> list[str]:
        """Variables declared inside the theorem's block; names are reused
        across blocks (legal once the earlier block has closed)."""
        out = []
        for _ in range(self.ch.integer(1, 2)):
            typ = self.ch.choice(self.types)
            reuse = [v for v in self.local_names.get(typ, []) if v not in out]
            if reuse and self.ch.chance(0.5):
                v = self.ch.choice(reuse)
            else:
                v = self._fresh_variable(typ)
                if v is None:
                    continue
                self.local_names.setdefault(typ, []).append(v)
            out.append(v)
        return out

    def _theorem(self) -> None:
        ch = self.ch
        if not self.assertions:
            return
        label = self.label("th")
        locals_ = self._locals() if ch.chance(0.25) else []
        pool = {t: list(vs) for t, vs in self.global_vars.items()}
        for v in locals_:
            pool[self.vtype[v]].append(v)
        local_floats = {v: self.label("lf.") for v in locals_}
        floats = {v: self.sc.floats[v] for v in self.sc.floats}
        floats.update(local_floats)
        th = _Theorem()
        for _ in range(ch.integer(1, max(1, self.size.steps))):
            for _attempt in range(6):
                if self._cite(ch.choice(self.assertions), th, pool, floats, label):
                    break
        if not th.facts:
            for lab in [h for h, _ in th.hyps]:
                self.names.discard(lab)
            return
        conclusion, tree = th.facts[-1]
        # what the proof of the last fact really uses
        needed, used, cited = set(), set(), set()
        stack, seen = [tree], set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            needed.update(th.pairs.get(id(node), ()))
            if node[1]:
                cited.add(node[0])
            stack.extend(node[1])
        hyp_labels = {h for h, _ in th.hyps} | {h for h, _ in self.outer_hyps}
        for node_label in _leaf_labels(tree):
            if node_label in hyp_labels:
                used.add(node_label)
        # unused hypotheses are legal; keep a few
        th.hyps = [(h, t) for h, t in th.hyps if h in used or ch.chance(0.2)]
        # the block: local $v, then local $f, $e and $d in random order
        body: list[Item] = [Item("f", local_floats[v], (self.vtype[v], v)) for v in locals_]
        for h, t in th.hyps:
            self.trees[h] = t
            body.append(Item("e", h, (self.provable,) + self.flat(t)))
        dv = sorted(needed)
        if dv and ch.chance(0.3):
            vs = sorted({v for p in dv for v in p})
            body.append(Item("d", math=tuple(ch.shuffled(vs))))
        else:
            body.extend(Item("d", math=tuple(ch.shuffled(p))) for p in dv)
        if ch.chance(0.1):
            extra = ch.sample(sorted(v for vs in pool.values() for v in vs), 2)
            if len(extra) == 2:
                body.append(Item("d", math=tuple(extra)))
        body = _floats_first(ch.shuffled(body), set(locals_))
        block = bool(locals_ or body) or ch.chance(0.2)
        if block:
            self.emit(Item("{"))
        if locals_:
            self.emit(Item("v", math=tuple(locals_)))
        for it in body:
            self.emit(it)
        math = (self.provable,) + self.flat(conclusion)
        frame = self.sc.frame(math)
        self.emit(Item("p", label, math, self._write_proof(tree, frame.hypotheses)))
        self._register(label, conclusion)
        if block:
            self.emit(Item("}"))
        self.info[label] = TheoremInfo(frozenset(needed), frozenset(used), frozenset(cited), tree)

    def _write_proof(self, tree, mandatory) -> Proof:
        ch = self.ch
        steps = normal_steps(tree, 300)
        if steps is not None and ch.chance(0.4):
            return Proof(tuple(steps))
        extra = []
        if ch.chance(0.2):
            # unused labels in the list are legal: an earlier assertion, or
            # the $f of a variable the theorem does not mention
            extra.append(ch.choice(self.assertions).label)
            spare = [self.sc.floats[v] for vs in self.global_vars.values() for v in vs
                     if self.sc.floats.get(v) and self.sc.floats[v] not in mandatory]
            if spare and ch.chance(0.5):
                extra.append(ch.choice(spare))
        return compress(tree, mandatory, ch, extra)

    def _cite(self, a: _Assertion, th: _Theorem, pool, floats, label: str) -> bool:
        """One forward step: cite `a`, add the fact it gives.  False (and no
        change) when the substitution breaks one of its `$d` conditions."""
        ch = self.ch
        known = th.facts + [(t, (h, ())) for h, t in th.hyps + self.outer_hyps]
        sub: dict = {}
        args: dict = {}
        pending = []
        for h, kind, obj in a.hyps:
            if kind != "e":
                continue
            for i in ch.shuffled(range(len(known)))[:8]:
                trial = dict(sub)
                if self._match(obj, known[i][0], trial):
                    sub = trial
                    args[h] = known[i][1]
                    break
            else:
                pending.append((h, obj))
        for h, kind, obj in a.hyps:
            if kind == "f" and obj not in sub:
                sub[obj] = self.random_tree(self.vtype[obj], self.size.depth, pool)
        fact = _subst(a.conclusion, sub)
        if len(self.flat(fact)) > self.size.symbols or any(
                len(self.flat(_subst(obj, sub))) > self.size.symbols for _, obj in pending):
            return False  # keeps statements (and files) small
        pairs = set()
        for x, y in a.dv:
            vx, vy = set(_vars(sub[x])), set(_vars(sub[y]))
            if vx & vy:
                return False
            pairs.update(pair(p, q) for p in vx for q in vy)
        if len(th.hyps) + len(pending) > 8:
            return False
        for h, obj in pending:
            lab = f"{label}.{len(th.hyps) + 1}"
            if lab in self.names:
                lab = self.label(f"{label}.h")
            self.names.add(lab)
            th.hyps.append((lab, _subst(obj, sub)))
            args[h] = (lab, ())
        children = tuple(self.syntax_node(sub[obj], floats) if kind == "f" else args[h]
                         for h, kind, obj in a.hyps)
        node = (a.label, children)
        th.nodes.append(node)
        th.pairs[id(node)] = pairs
        th.facts.append((fact, node))
        return True

    def _match(self, template, tree, sub: dict) -> bool:
        if isinstance(template, str):
            if template in sub:
                return sub[template] == tree
            if self.type_of(tree) != self.vtype[template]:
                return False
            sub[template] = tree
            return True
        if isinstance(tree, str) or tree[0] != template[0]:
            return False
        return all(self._match(t, u, sub) for t, u in zip(template[1:], tree[1:]))

    def _syntax_theorem(self) -> None:
        """A `$p` proving a syntax statement (`wff ( ph -> ps )`)."""
        typ = self.ch.choice(self.types)
        tree = self.random_tree(typ, self.size.depth, self.global_vars)
        label = self.label("sth")
        math = (typ,) + self.flat(tree)
        floats = dict(self.sc.floats)
        node = self.syntax_node(tree, floats)
        frame = self.sc.frame(math)
        self.emit(Item("p", label, math, self._write_proof(node, frame.hypotheses)))
        self.info[label] = TheoremInfo(tree=node, cited=frozenset(
            n for n in _labels(node) if n in self.syntax))


def _vars(tree):
    if isinstance(tree, str):
        yield tree
        return
    for c in tree[1:]:
        yield from _vars(c)


def _subst(tree, sub):
    if isinstance(tree, str):
        return sub.get(tree, tree)
    return (tree[0],) + tuple(_subst(c, sub) for c in tree[1:])


def _labels(node):
    yield node[0]
    for c in node[1]:
        yield from _labels(c)


def _leaf_labels(node):
    stack, seen = [node], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if not n[1]:
            yield n[0]
        stack.extend(n[1])


def _floats_first(body: list[Item], locals_: set) -> list[Item]:
    """Reorder so that each local `$f` precedes the first `$e` or `$d`...
    that needs it (a `$e` may only use variables with an active `$f`)."""
    floats = {it.math[1]: it for it in body if it.kind == "f"}
    out, placed = [], set()
    for it in body:
        if it.kind == "f":
            if it.math[1] not in placed:
                placed.add(it.math[1])
                out.append(it)
            continue
        if it.kind == "e":
            for s in it.math:
                if s in locals_ and s not in placed:
                    placed.add(s)
                    out.append(floats[s])
        out.append(it)
    return out


def generate_database(source: Chooser | int | None = None, size: Size | str = "small",
                      odd: float = 0.05) -> GenDatabase:
    """A random valid database.  `source` is a Chooser, a `random.Random` or
    a seed; `size` a `Size` or one of "tiny", "small", "medium"; `odd` the
    chance of unusual (legal) labels and symbols."""
    if isinstance(size, str):
        size = SIZES[size]
    return _Generator(as_chooser(source), size, odd).run()
