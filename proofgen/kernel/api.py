"""The kernel's public face: load a database, look at it, verify it.

    db = load("set.mm")                 # fast engine by default (see engines.py)
    report = db.verify(jobs=2)
    for st in db.statements(): ...

    report = db.verify(jobs=2, only="syl,ax-mp..a1i", discouraged=True)

Engines (`python`: the readable reference; `cython`: the fast one) implement
the same small protocol: reading happens in the constructor (from a file, or
from standard input with `stdin=True`), reading diagnostics go to `sink`,
`check_range` checks a slice of the theorems and returns raw diagnostics,
`find_label` says where a label is, `citations` lists the assertions proofs
cite, `statements` yields `model.Statement`s.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

from .diagnostics import Diagnostic
from .files import STDIN_NAME
from .limits import DEFAULT_LIMITS, Limits
from .model import Proof, Report, Statement
from .mmtext import block, compressed_text

from . import engines
from .engines import ENGINES, default_engine, fast_engine_available  # noqa: F401 - re-exported
from .reference import ReferenceDatabase

#: proofs checked per unit of work; small enough for a smooth progress bar
#: and good balance between jobs, large enough that hand-off costs nothing.
CHUNK = 400

DATABASE = engines.pair("kernel.database", ReferenceDatabase, "proofgen.kernel._fast",
                        "FastDatabase",
                        agreement=("tests/test_engines_agree.py::test_conformance_files_agree",
                                   "tests/test_engines_agree.py::test_mutants_agree"))


class SelectionError(ValueError):
    """A `verify(only=...)` selection that names no statement, a statement
    without a proof, or a reversed range; the message is one line."""


#: what a `$p`-less statement is, for messages
_KINDS = {"a": "an axiom or definition ($a)", "e": "a hypothesis ($e)",
          "f": "a floating hypothesis ($f)"}


def parse_only(spec: str | Sequence[str]) -> tuple[str, ...]:
    """The items of a selection: comma-separated labels and `A..B` ranges
    (`A..` and `..B` are open-ended), as a tuple; a sequence of such strings
    is joined.  Only the form is checked here (SelectionError); whether the
    labels exist is up to `Database.select`."""
    parts = [spec] if isinstance(spec, str) else list(spec)
    items: list[str] = []
    for part in parts:
        if not isinstance(part, str):
            raise SelectionError(f"{part!r} is not a label or a range")
        for item in part.split(","):
            item = item.strip()
            if not item:
                raise SelectionError(f"empty item in {part!r} (labels and A..B ranges, "
                                     "separated by commas)")
            if not _LABEL.fullmatch(item):
                raise SelectionError(f"{item!r} is not a label or a range A..B (labels are "
                                     "letters, digits, '.', '-' and '_')")
            items.append(item)
    if not items:
        raise SelectionError("no labels given")
    return tuple(items)


class Database:
    """A read Metamath database.  Reading errors are in `read_diagnostics`.

    With `stdin=True` the database is read from standard input instead of
    `path` (which defaults to "<stdin>", the name diagnostics give it); its
    `$[ $]` inclusions are then resolved relative to the current directory.
    """

    def __init__(self, path: str = STDIN_NAME, engine: Optional[str] = None,
                 limits: Limits = DEFAULT_LIMITS, stdin: bool = False):
        start = time.perf_counter()
        self.path = path
        # None: the selector's choice (PROOFGEN_ENGINE, else fast when built)
        self.engine = engine = DATABASE.engine(engine)
        self.limits = limits
        cls = DATABASE.choose(engine)
        if stdin:
            self._db = cls(path, limits, stdin=True)
        else:
            self._db = cls(path, limits)
        self.read_seconds = time.perf_counter() - start

    @property
    def read_diagnostics(self) -> list[Diagnostic]:
        return self._db.sink.diagnostics()

    def statements(self) -> Iterator[Statement]:
        """Every labelled statement (`$f $e $a $p`) in database order."""
        return self._db.statements()

    @property
    def sources(self) -> list[tuple[str, bytes]]:
        """(name, contents) of every file read, in the order they were opened;
        for tools that read comments (`$j`, `$t`) the kernel skips."""
        return [(name, data) for name, data in self._db.sink.files if data]

    def active_floats(self) -> dict[str, str]:
        """variable name -> label of its `$f` active at the end of the
        database: the hypotheses a new theorem's variables take."""
        return self._db.active_floats()

    @property
    def proof_count(self) -> int:
        return self._db.proof_count()

    def select(self, only: str | Sequence[str]) -> list[tuple[int, int]]:
        """The proofs a selection names (see `parse_only`), as sorted,
        disjoint ranges [start, stop) of positions among the `$p`
        statements.  A label must name a `$p`; a range A..B holds every
        `$p` from A to B in database order, both included (A and B may be
        any statements; an open end reaches the first or last `$p`).
        SelectionError, with a one-line message, otherwise."""
        total = self._db.proof_count()
        spans: list[tuple[int, int]] = []
        for item in parse_only(only):
            found = self._db.find_label(item)
            if found is not None:
                kind, _, pos = found
                if kind != "p":
                    raise SelectionError(f"'{item}' is {_KINDS.get(kind, kind)}, not a $p "
                                         "statement: it has no proof to check")
                spans.append((pos, pos + 1))
                continue
            if ".." not in item:
                raise SelectionError(f"'{item}' is not a label of {self.path}"
                                     + self._read_errors_hint())
            spans.append(self._range(item, total))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for a, b in spans:
            if a >= b:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def _range(self, item: str, total: int) -> tuple[int, int]:
        """[start, stop) of the `$p` positions of range `item` ("A..B",
        "A..", "..B"), splitting at the first ".." whose ends both resolve
        (labels may themselves contain "..")."""
        first = None
        i = item.find("..")
        while i >= 0:
            left, right = item[:i], item[i + 2:]
            ends = [None if not x else self._db.find_label(x) for x in (left, right)]
            if all(x == "" or e is not None for x, e in zip((left, right), ends)):
                lo, hi = ends
                if lo is not None and hi is not None and lo[1] > hi[1]:
                    raise SelectionError(f"range '{item}' is reversed: '{right}' comes before "
                                         f"'{left}' in {self.path}")
                start = 0 if lo is None else lo[2]
                stop = total if hi is None else hi[2] + (hi[0] == "p")
                return start, stop
            if first is None:
                first = next(x for x, e in zip((left, right), ends) if x and e is None)
            i = item.find("..", i + 1)
        raise SelectionError(f"range '{item}': '{first}' is not a label of {self.path}"
                             + self._read_errors_hint())

    def _read_errors_hint(self) -> str:
        n = sum(1 for d in self.read_diagnostics if d.severity == "error")
        return (f" (the database has {n} reading errors, and a statement with an error is "
                "dropped)") if n else ""

    def discouraged_uses(self, spans: Optional[Sequence[tuple[int, int]]] = None) -> list:
        """W0820 for every assertion marked "(New usage is discouraged.)" in
        its description comment that a proof cites, unless the citing
        theorem is marked so itself: raw diagnostics (file, offset of the
        label in the proof, code, theorem, message), for the `$p` positions
        in `spans` (default: all)."""
        from .comments import discouraged
        marked = {label for label, marks in discouraged(self.sources).items() if "usage" in marks}
        if not marked:
            return []
        if spans is None:
            spans = [(0, self._db.proof_count())]
        out = []
        for a, b in spans:
            for file, off, thm, cited in self._db.citations(a, b, marked):
                if thm not in marked:
                    out.append((file, off, "W0820", thm,
                                f"new usage of '{cited}' is discouraged (its description "
                                "says so)"))
        return out

    def verify(self, jobs: int = 1,
               progress: Optional[Callable[[int, int], None]] = None,
               only: str | Sequence[str] | None = None,
               discouraged: bool = False) -> Report:
        """Check every proof, or with `only` (labels and A..B ranges, see
        `select`; SelectionError if it names no `$p`) just those; the whole
        database is read either way and its reading diagnostics reported.
        `discouraged` adds W0820 warnings (`discouraged_uses`) for the
        proofs checked; warnings never change the verdict.
        `progress(done, total)` is called as proofs finish."""
        start = time.perf_counter()
        total = self._db.proof_count()
        spans = [(0, total)] if only is None else self.select(only)
        chunks = [(i, min(i + CHUNK, b)) for a, b in spans for i in range(a, b, CHUNK)]
        checked = sum(b - a for a, b in spans)
        raw: list = []
        done = 0
        budget = self.limits.max_work
        db = self._db
        db.set_work_budget(budget)
        parallel = jobs > 1 and len(chunks) > 1
        if parallel:
            import multiprocessing      # here only: a serial check need not pay its import
            parallel = "fork" in multiprocessing.get_all_start_methods()
        if parallel:
            # Workers inherit the read database by fork: nothing is pickled
            # but the chunk bounds and the (rare) diagnostics.  Each worker
            # spends at most the whole work budget; the chunks are then
            # taken in database order, so the outcome is that of one job:
            # where the budget runs out in that order, the chunk is checked
            # again here with what is left of it (`_settle`).
            global _WORKER_DB
            _WORKER_DB = db
            ctx = multiprocessing.get_context("fork")
            results = {}
            with ctx.Pool(min(jobs, len(chunks))) as pool:
                for (a, b), found, used, cut in pool.imap_unordered(_check_chunk, chunks):
                    results[a] = (found, used, cut)
                    done += b - a
                    if progress:
                        progress(done, checked)
            _WORKER_DB = None
            stopped, spent = _settle(db, chunks, results, budget, raw)
        else:
            stopped = -1
            for a, b in chunks:
                raw.extend(db.check_range(a, b))
                done += b - a
                if progress:
                    progress(done, checked)
                stopped = db.work_status()[1]
                if stopped >= 0:
                    break
            spent = budget - db.work_status()[0]
        if stopped >= 0:    # the work budget ran out: the proofs after were not checked
            checked = sum(max(0, min(b, stopped + 1) - a) for a, b in spans)
        if discouraged:
            raw.extend(self.discouraged_uses(spans))
        sink = self._db.sink.copy()
        sink.extend(raw)
        report = Report(sink.diagnostics(), self._db.statement_count(), total,
                        checked=None if only is None and stopped < 0 else checked,
                        work=spent)
        report.seconds = self.read_seconds + time.perf_counter() - start
        return report

    def check_proof(self, conclusion: str | Sequence[str], proof: str | Sequence[str] | Proof,
                    hypotheses: Sequence[tuple[str, str | Sequence[str]]] = (),
                    disjoint: Sequence[Sequence[str]] = (),
                    label: str = "proofgen.new") -> list[Diagnostic]:
        """Check a new theorem against this database without re-reading it.

        The theorem is read as a `${ $}` block placed after the last
        statement: `disjoint` groups become `$d` statements, `hypotheses`
        (label, expression) become `$e`, and its variables take the `$f`
        hypotheses active at the end of the database.  `proof` is proof text
        as in a .mm file, a list of labels, or a `Proof`.  Returns the
        diagnostics; an empty list means the proof is correct.  The database
        is left as it was.
        """
        return self.check_theorems([NewTheorem(label, conclusion, proof, hypotheses, disjoint)])[0]

    def mark(self) -> object:
        """The database's current extent: `rollback(mark)` later forgets every
        theorem kept by `check_theorems(..., keep=True)` since, so one loaded
        database can serve many independent jobs."""
        return self._db.mark()

    def rollback(self, mark: object) -> None:
        self._db.rollback(mark)

    def check_blocks(self, text: str, name: str = "<blocks>") -> list[Diagnostic]:
        """Check Metamath text made of `${ $}` blocks holding `$d`, `$e` and
        `$p` statements (such as proofgen's `mm` rendering) as if it followed
        the database; nothing is kept.  An empty list means every proof in
        it is correct."""
        try:
            data = text.encode("ascii")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{name}: not ASCII at offset {exc.start}") from None
        sink, _ = self._db.check_text(name, data, False)
        return sink.diagnostics()

    def check_theorems(self, theorems: Sequence["NewTheorem"], keep: bool = False,
                       name: str = "<new theorems>") -> list[list[Diagnostic]]:
        """Check many new theorems in one pass (much cheaper than one
        `check_proof` each).  Blocks are read in order, so a theorem may cite
        an earlier one of the batch; one citing a theorem that fails fails
        too.  Returns each theorem's diagnostics.

        With `keep`, the theorems that pass become part of the database (a
        theorem citing one that fails is dropped too), so later batches can
        cite them; those that fail leave no trace.
        """
        if not theorems:
            return []
        results: list[list[Diagnostic]] = [[] for _ in theorems]
        todo = list(range(len(theorems)))
        while todo:
            text = _blocks([theorems[i] for i in todo]).encode("ascii")
            sink, _ = self._db.check_text(name, text, keep)
            found = sink.diagnostics()
            if not found:
                break
            owner = _owners([theorems[i] for i in todo])
            failed = {owner.get(d.label, -1) for d in found}
            if -1 in failed:  # a problem outside any theorem: it concerns all
                for i in todo:
                    results[i].extend(d for d in found if owner.get(d.label, -1) == -1)
                break
            for d in found:
                results[todo[owner[d.label]]].append(d)
            # Run again without the theorems found wrong: a reading error
            # stops checking, `keep` keeps nothing on any error, and a theorem
            # citing a wrong one must fail too.
            todo = [i for k, i in enumerate(todo) if k not in failed]
        return results

@dataclass(frozen=True)
class NewTheorem:
    """A theorem to check: conclusion and hypotheses are math strings (text
    or symbol lists, typecode first), `proof` is proof text, a label list or
    a `Proof`, `disjoint` a list of `$d` groups."""

    label: str
    conclusion: str | Sequence[str]
    proof: str | Sequence[str] | Proof
    hypotheses: Sequence[tuple[str, str | Sequence[str]]] = ()
    disjoint: Sequence[Sequence[str]] = ()


def _block(t: NewTheorem) -> str:
    """The theorem's block (`mmtext.block`), each part normalized to text
    and checked first."""
    disjoint = [_symbol_text(group, "disjoint variable").split(" ") for group in t.disjoint]
    hypotheses = [(_label(hyp_label), _symbol_text(expr, "hypothesis"))
                  for hyp_label, expr in t.hypotheses]
    proof = t.proof
    if isinstance(proof, Proof):
        text = compressed_text(proof.labels, proof.letters) if proof.compressed \
            else " ".join(proof.labels)
    elif isinstance(proof, str):
        text = proof
    else:
        text = " ".join(proof)
    if "$" in text:
        raise ValueError("proof text may not contain '$'")
    return block(_label(t.label), _symbol_text(t.conclusion, "conclusion"), text,
                 hypotheses, disjoint)


def _blocks(theorems: Sequence[NewTheorem]) -> str:
    """"".join(_block(t) for t in theorems), in one pass when every theorem
    is plain text (as generators write it): labels, expressions and `$d`
    symbols are then checked with one regex each over the whole batch.
    Anything else, or anything those checks refuse, goes through `_block`,
    which normalizes it or says what is wrong."""
    out: list[str] = []
    labels: list[str] = []
    exprs: list[str] = []
    words: list[str] = []
    try:
        for t in theorems:
            proof, concl = t.proof, t.conclusion
            if type(proof) is not str or type(concl) is not str or "$" in proof:
                break
            groups = []
            for group in t.disjoint:
                if type(group) is str:
                    raise TypeError
                group = list(group)
                words.extend(group)
                groups.append(group)
            for hyp_label, expr in t.hypotheses:
                if type(expr) is not str:
                    raise TypeError
                labels.append(hyp_label)
                exprs.append(expr)
            labels.append(t.label)
            exprs.append(concl)
            out.append(block(t.label, concl, proof, t.hypotheses, groups))
        else:
            if _all_match(_LABELS, labels) and _all_math_text(exprs, " ") and \
                    (not words or _all_math_text(words, "")):
                return "".join(out)
    except TypeError:  # not plain text: the general path
        pass
    return "".join(_block(t) for t in theorems)


def _all_match(pattern: re.Pattern, items: list[str]) -> bool:
    """Every item matches the one-item form of `pattern` (items one a line;
    an item holding a line break fails)."""
    text = "\n".join(items)
    return pattern.fullmatch(text) is not None and text.count("\n") == len(items) - 1


def _all_math_text(items: list[str], sep: str) -> bool:
    """Every item is math symbols (printable ASCII but `$`) separated by
    single `sep` (" " for expressions: `_MATH_TEXT`; "" for one symbol:
    `_MATH`).  String scans over the items one a line, instead of a regex:
    the text of a batch is long."""
    text = "\n".join(items)
    if not text.isascii() or "$" in text or text.count("\n") != len(items) - 1:
        return False
    if not text.replace("\n", "x").isprintable():   # ASCII: 0x20-0x7e only
        return False
    if "\n\n" in text or text[:1] in ("", "\n") or text[-1] == "\n":
        return False        # an empty item
    if not sep:
        return " " not in text
    return not (text[0] == " " or text[-1] == " " or "  " in text or " \n" in text
                or "\n " in text)


def _owners(theorems: Sequence[NewTheorem]) -> dict[str, int]:
    """label (theorem or hypothesis) -> index of the theorem it belongs to."""
    out = {}
    for k, t in enumerate(theorems):
        out[t.label] = k
        for h, _ in t.hypotheses:
            out[h] = k
    return out


_MATH = re.compile(r"[\x21-\x23\x25-\x7e]+")
# symbols separated by single spaces: such text is its own normal form
_MATH_TEXT = re.compile(r"[\x21-\x23\x25-\x7e]+(?: [\x21-\x23\x25-\x7e]+)*")
_LABEL = re.compile(r"[A-Za-z0-9._-]+")
# the same, over many labels, one a line
_LABELS = re.compile(r"[A-Za-z0-9._-]+(?:\n[A-Za-z0-9._-]+)*")


def _symbols(expr: str | Sequence[str], what: str) -> list[str]:
    words = expr.split() if isinstance(expr, str) else list(expr)
    for w in words:
        if not _MATH.fullmatch(w):  # printable ASCII without `$`
            raise ValueError(f"{what}: {w!r} is not a math symbol")
    return words


def _symbol_text(expr: str | Sequence[str], what: str) -> str:
    """' '.join(_symbols(expr, what)), checked in one pass when `expr` is
    already symbols separated by single spaces (as generators write it)."""
    if isinstance(expr, str) and _MATH_TEXT.fullmatch(expr):
        return expr
    return " ".join(_symbols(expr, what))


def _label(label: str) -> str:
    if not isinstance(label, str) or not _LABEL.fullmatch(label):
        raise ValueError(f"{label!r} is not a valid label")
    return label


_WORKER_DB = None


def _check_chunk(bounds):
    """In a worker: check a chunk; return its diagnostics, the work it took
    and whether the worker's budget ran out in it (or before it)."""
    a, b = bounds
    left = _WORKER_DB.work_status()[0]
    found = _WORKER_DB.check_range(a, b)
    now, stopped = _WORKER_DB.work_status()
    return bounds, found, left - now, stopped >= 0


def _settle(db, chunks, results, budget: int, raw: list) -> tuple[int, int]:
    """Take the chunks' results in database order, as one job would have
    made them: while the work they took fits the budget they stand; the
    chunk where it would not (or where a worker ran out) is checked again
    in this process with what is left, and nothing after the proof where
    the budget runs out counts.  Returns that proof's position (or -1) and
    the work spent."""
    spent = 0
    for a, b in chunks:
        found, used, cut = results[a]
        if not cut and spent + used <= budget:
            raw.extend(found)
            spent += used
            continue
        db.set_work_budget(budget - spent)
        raw.extend(db.check_range(a, b))
        left, stopped = db.work_status()
        spent = budget - left
        if stopped >= 0:
            return stopped, spent
    return -1, spent


def load(path: str | os.PathLike, engine: Optional[str] = None, limits: Limits = DEFAULT_LIMITS) -> Database:
    """Read the database at `path` (and the files it includes)."""
    return Database(os.fspath(path), engine, limits)


def load_stdin(engine: Optional[str] = None, limits: Limits = DEFAULT_LIMITS,
               name: str = STDIN_NAME) -> Database:
    """Read a database from standard input (bounded by
    `limits.max_file_bytes`; a terminal is refused with E0902 instead of
    waited on).  Diagnostics call it `name`; its `$[ $]` inclusions are
    resolved relative to the current directory, the database folder."""
    return Database(name, engine, limits, stdin=True)


def verify_file(path: str | os.PathLike, engine: Optional[str] = None, jobs: int = 1,
                limits: Limits = DEFAULT_LIMITS,
                progress: Optional[Callable[[int, int], None]] = None,
                only: str | Sequence[str] | None = None,
                discouraged: bool = False) -> Report:
    """Read and verify in one call."""
    return load(path, engine, limits).verify(jobs, progress, only=only, discouraged=discouraged)
