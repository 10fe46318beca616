"""What the generators know about a database, built once per process.

`Context.of(db)` parses the database (`proofgen.syntax`) and indexes every
assertion as an `Assertion`: its frame as a list of slots (a variable for
each mandatory `$f`, a tree for each `$e`), its conclusion tree and its `$d`
pairs as variable ids.  Generated lemmas become `Assertion`s of the same
shape, so the generators cite database theorems and their own results alike.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional, Sequence

from ..kernel import Database
from ..kernel.comments import discouraged
from ..syntax import Syntax, term_kit
from ..syntax.terms import printer as tree_printer
from ..syntax.types import Term


@dataclass(frozen=True)
class Assertion:
    """A citable statement.  `frame[k]` is ("f", var id) or ("e", tree), in
    the order a proof supplies them; `disjoint` holds sorted var-id pairs."""

    label: str
    typecode: str
    frame: tuple
    conclusion: Term
    disjoint: frozenset = frozenset()
    kind: str = "a"              # "a" axiom, "p" theorem, "g" generated
    position: int = 0            # database order (generated: after the database)
    # the frame's $e trees and $f variables, in order: generators and
    # renderers ask often; computed from `frame` unless the maker knows them
    essentials: Optional[list] = field(default=None, compare=False, repr=False)
    floats: Optional[list] = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.essentials is None:
            object.__setattr__(self, "essentials", [x for k, x in self.frame if k == "e"])
        if self.floats is None:
            object.__setattr__(self, "floats", [x for k, x in self.frame if k == "f"])

    @cached_property
    def disjoint_slots(self) -> tuple[int, tuple]:
        """(number of float slots, each `$d` pair as a pair of float slots,
        -1 for a variable not in the frame): what `_theorem.DisjointFinder`
        substitutes through, made once per assertion."""
        index = {v: k for k, v in enumerate(self.floats)}
        pairs = tuple((index.get(x, -1), index.get(y, -1)) for x, y in self.disjoint)
        return len(self.floats), pairs


@dataclass
class Context:
    db: Database
    syn: Syntax
    kit: object
    assertions: dict[str, Assertion] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)     # assertion labels, database order
    float_label: dict[int, str] = field(default_factory=dict)   # var id -> its $f label
    float_position: dict[int, int] = field(default_factory=dict)
    #: canonical hash of each database assertion (hypotheses + conclusion)
    known: dict[int, str] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)  # citations in the database's proofs
    sha256: str = ""   # of the database's files as read, before anything is generated
    printer: object = None        # the tree printer (`syntax.terms.printer`)
    rule_labels: list = field(default_factory=list)
    files: list = field(default_factory=list)
    float_labels: set[str] = field(default_factory=set)
    #: syntax axioms and theorems: label -> variable per frame slot
    syntax_frames: dict[str, tuple] = field(default_factory=dict)
    #: syntax axioms used by the parser: label -> rule id
    syntax_rules: dict[str, int] = field(default_factory=dict)
    #: assertions whose description discourages new usage ("usage") or
    #: changing their proof ("proof"): label -> marks (set.mm's conventions)
    discouraged: dict[str, frozenset] = field(default_factory=dict)

    # accelerators and memos, made on first use by the functions named
    #: extract.logical_steps, theorem.disjoint_needed, theorem._writer
    replayer: object = field(default=None, repr=False, compare=False)
    disjoint_finder: object = field(default=None, repr=False, compare=False)
    proof_writer: object = field(default=None, repr=False, compare=False)
    #: theorem._hypothesis_text (and `_theorem.new_theorem`): (typecode, tree) -> text
    hypothesis_texts: dict = field(default_factory=dict, repr=False, compare=False)
    #: deep's tautology test: rule id -> connective
    deep_connectives: Optional[dict] = field(default=None, repr=False, compare=False)
    degenerate_judge: object = field(default=None, repr=False, compare=False)  # degenerate.Judge
    #: run.documents.normal_proof: tree -> (syntax proof text, size); label -> frame kinds
    rpn_terms: dict = field(default_factory=dict, repr=False, compare=False)
    rpn_frames: dict = field(default_factory=dict, repr=False, compare=False)
    #: mathbox_start: (label, position) of the first mathbox assertion, or None
    _mathboxes: object = field(default=False, repr=False, compare=False)

    @classmethod
    def of(cls, db: Database, syn: Optional[Syntax] = None) -> "Context":
        syn = syn or Syntax.of(db)
        ctx = cls(db, syn, term_kit(syn.grammar))
        ctx.printer = tree_printer(syn.grammar)
        ctx.rule_labels = [r.label for r in syn.grammar.rules]
        ctx.syntax_rules = {lab: r for lab, r in syn.grammar.rule_index.items()
                            if lab not in syn.grammar.excluded}
        h = hashlib.sha256()
        for _, data in db.sources:
            h.update(data)
        ctx.sha256 = h.hexdigest()
        ctx.files = [name for name, _ in db.sources]
        ctx.discouraged = discouraged(db.sources)
        g = syn.grammar
        by_label = {}
        active = set(db.active_floats().values())
        for pos, s in enumerate(syn.statements):
            by_label[s.label] = s
            if s.kind == "f" and s.label in syn.trees:
                ctx.float_labels.add(s.label)
                if s.label in active:  # what a new theorem's variable will use
                    v = syn.trees[s.label].term[0]
                    ctx.float_label[v] = s.label
                    ctx.float_position[v] = pos
        for pos, s in enumerate(syn.statements):
            if s.kind not in "ap" or s.label not in syn.trees:
                continue
            if g.typecodes.is_syntax(s.typecode):
                # syntax axioms are the grammar, not facts
                ctx.syntax_frames[s.label] = tuple(
                    syn.trees[h].term[0] if h in syn.trees and by_label[h].kind == "f" else None
                    for h in s.frame.hypotheses)
                continue
            frame = []
            ok = True
            for h in s.frame.hypotheses:
                hs = by_label[h]
                tree = syn.trees.get(h)
                if tree is None:
                    ok = False
                    break
                frame.append(("f", tree.term[0]) if hs.kind == "f" else ("e", tree.term))
            if not ok:
                continue
            names = {g.variables[-1 - x].name: x for k, x in frame if k == "f"}
            disjoint = frozenset(_pair(names[a], names[b]) for a, b in s.frame.disjoint
                                 if a in names and b in names)
            a = Assertion(s.label, s.typecode, tuple(frame), syn.trees[s.label].term, disjoint,
                          s.kind, pos)
            ctx.assertions[s.label] = a
            ctx.order.append(s.label)
            ctx.known.setdefault(statement_hash(ctx, a.essentials, a.conclusion), s.label)
            if s.proof is not None:
                for lab in s.proof.labels:
                    ctx.usage[lab] = ctx.usage.get(lab, 0) + 1
        return ctx

    def not_to_cite(self) -> set[str]:
        """Assertions a generator leaves alone unless allowed: those whose
        new usage the database discourages, and (to be safe, as most are
        *OLD and *ALT variants) those whose proof it asks to keep as is."""
        return set(self.discouraged)

    def mathbox_start(self) -> Optional[tuple[str, int]]:
        """(label, database position) of the first assertion of the
        database's mathboxes (set.mm's user sections, after its
        "SUPPLEMENTARY MATERIAL (USER'S MATHBOXES)" heading), or None for a
        database without one; see `mathbox_heading`."""
        if self._mathboxes is False:
            found = None
            for _, data in self.db.sources:
                label = first_mathbox_label(data)
                if label is not None and label in self.assertions:
                    a = self.assertions[label]
                    if found is None or a.position < found[1]:
                        found = (label, a.position)
            self._mathboxes = found
        return self._mathboxes

    def type_name(self, var: int) -> str:
        g = self.syn.grammar
        return g.types[g.variables[-1 - var].type]

    def text(self, typecode: str, term: Term) -> str:
        if self.printer is not None:
            return self.printer.text(typecode, term)
        return " ".join([typecode] + self.syn.grammar.unparse(term))


#: a heading comment's title line that opens the mathboxes (set.mm, iset.mm:
#: "SUPPLEMENTARY MATERIAL (USER'S MATHBOXES)", then "Mathbox for NAME")
_MATHBOX_WORD = re.compile(rb"(?i)mathbox")
_MATHBOX_TITLE = re.compile(rb"(?i)^(?:.*\buser'?s mathboxes\b.*|mathbox(?:es)? (?:for|of)\b.*)$")
#: a heading's rule line: set.mm's part, chapter, section, subsection rules
_RULE_LINE = re.compile(rb"^(?:#{4,}|(?:#\*){4,}#?|(?:=-){4,}=?|(?:-\.){4,}-?)$")
_LABELLED_ASSERTION = re.compile(rb"(?:^|\s)([A-Za-z0-9._-]+)\s+\$[ap]\s")


def mathbox_heading(data: bytes) -> Optional[tuple[int, int]]:
    """(start, end) of the first heading comment that opens a mathbox: a
    comment whose first line is a heading rule (`####`, `#*#*`, `=-=-`,
    `-.-.`) and whose title says "user's mathboxes" or "Mathbox for ...".
    Only comments around the word "mathbox" are looked at."""
    looked = 0                            # comments before this are done
    for m in _MATHBOX_WORD.finditer(data):
        if m.start() < looked:
            continue                      # in a comment looked at already ($t's is huge)
        s = data.rfind(b"$(", 0, m.start())
        if s < 0 or data.rfind(b"$)", s, m.start()) >= 0:
            continue                      # not inside a comment
        e = data.find(b"$)", m.end())
        if e < 0:
            return None
        looked = e
        # a heading's rule and title are its first two lines
        head = data[s + 2:min(e, s + 2 + 4096)]
        lines = [x.strip() for x in head.splitlines() if x.strip()][:2]
        if len(lines) >= 2 and _RULE_LINE.match(lines[0]) and _MATHBOX_TITLE.match(lines[1]):
            return s, e + 2
    return None


def first_mathbox_label(data: bytes) -> Optional[str]:
    """The label of the first `$a`/`$p` after the mathbox heading of one
    source file (outside comments), or None when the file has none."""
    where = mathbox_heading(data)
    if where is None:
        return None
    pos = where[1]
    while True:
        m = _LABELLED_ASSERTION.search(data, pos)
        if m is None:
            return None
        s = data.rfind(b"$(", where[1], m.start(1))
        if s >= 0 and data.rfind(b"$)", s, m.start(1)) < 0:
            pos = data.find(b"$)", m.start(1))     # inside a comment: skip past it
            if pos < 0:
                return None
            continue
        return m.group(1).decode("ascii", "replace")


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def canonical_order(ctx: Context, hypotheses: Sequence[Term]) -> list[int]:
    """Indices of `hypotheses` in canonical order: by each hypothesis's own
    canonical form (a key independent of variable names), then size."""
    if len(hypotheses) < 2:
        return list(range(len(hypotheses)))
    canon = ctx.kit.canonical_term
    keys = [(canon(h), len(h)) for h in hypotheses]
    return sorted(range(len(hypotheses)), key=keys.__getitem__)


def canonical_statement(ctx: Context, hypotheses: Sequence[Term], conclusion: Term):
    """Hypotheses in canonical order and variables renamed by first
    appearance.  Hypotheses are ordered by their own canonical forms (a key
    that does not depend on variable names), then by size."""
    keyed = [hypotheses[i] for i in canonical_order(ctx, hypotheses)]
    terms, renaming = ctx.kit.canonical(keyed + [conclusion])
    return terms[:-1], terms[-1], renaming


def statement_hash(ctx: Context, hypotheses: Sequence[Term], conclusion: Term) -> int:
    """The structural hash of `canonical_statement`."""
    keyed = [hypotheses[i] for i in canonical_order(ctx, hypotheses)]
    return ctx.kit.canonical_hash(keyed + [conclusion])


def ordered_statement_hash(ctx: Context, hypotheses: Sequence[Term], conclusion: Term) -> int:
    """`statement_hash` of hypotheses already in canonical order (as
    `canonical_order` puts them; ordering them again changes nothing)."""
    return ctx.kit.canonical_hash(list(hypotheses) + [conclusion])
