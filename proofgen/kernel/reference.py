"""The reference engine: Metamath read and checked the way the spec says it.

This engine favours being obviously right over being fast.  It reads like
section 4.1 of the Metamath book plus its appendix on compressed proofs; the
Cython engine (`_fast.pyx`) must reach the same verdict, with the same
diagnostics, on every input.

Reading and checking are two passes.  Reading builds statements, frames and
each proof's context (its active hypotheses and `$d` pairs); checking runs
the proof stack machine.  Both report through a `Sink`.
"""
from __future__ import annotations

import bisect
import itertools
import os
import re
import sys
from array import array
from dataclasses import dataclass, field
from typing import Iterator, Optional

from .diagnostics import LineFinder, Sink
from .files import FileProblem, Inputs
from .limits import (DEFAULT_LIMITS, DV_TEST_UNITS, Limits, ResourceError, WorkExhausted,
                     work_message)
from .model import Frame, Proof, Statement

KEYWORDS = {"${", "$}", "$c", "$v", "$f", "$e", "$d", "$a", "$p", "$.", "$=",
            "$(", "$)", "$[", "$]"}
NEVER = sys.maxsize
NO_PAIRS: frozenset = frozenset()
LABEL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


SPACE_RUN = re.compile(rb"[ \t\n\r\f]*")
INVALID_RUN = re.compile(rb"[^\x21-\x7e \t\n\r\f]+")
TOKEN_RUN = re.compile(rb"[\x21-\x7e]+")
NOT_A_LETTER = re.compile(r"[^A-Z?]")  # in the letters of a compressed proof


# ---------------------------------------------------------------------------
# Lexing: bytes -> tokens, with comments removed

class Lexer:
    """Splits one file into (token, offset) pairs; comments are dropped here
    because they are a lexical matter (they may appear between any tokens)."""

    def __init__(self, data: bytes, file: int, sink: Sink, limits: Limits):
        self.data, self.file, self.sink, self.limits = data, file, sink, limits
        self.pos = 0
        self.pending: list[tuple[str, int]] = []

    def _raw(self) -> Optional[tuple[str, int]]:
        """Next whitespace-delimited token, or None at end of file.  A run of
        invalid bytes is reported once and separates tokens."""
        data = self.data
        i = SPACE_RUN.match(data, self.pos).end()
        while (bad := INVALID_RUN.match(data, i)) is not None:
            self.sink.report(self.file, i, "E0101", "",
                             f"invalid byte 0x{data[i]:02X}"
                             " (only printable ASCII, space, tab, LF, CR and FF are allowed)")
            i = SPACE_RUN.match(data, bad.end()).end()
        token = TOKEN_RUN.match(data, i)
        if token is None:
            self.pos = len(data)
            return None
        start, self.pos = i, token.end()
        if self.pos - start > self.limits.max_token_bytes:
            raise ResourceError(f"token of {self.pos - start} bytes exceeds the limit of "
                                f"{self.limits.max_token_bytes} (max_token_bytes)", start)
        return token.group().decode("ascii"), start

    def push_back(self, tok: tuple[str, int]) -> None:
        self.pending.append(tok)

    def next(self) -> Optional[tuple[str, int]]:
        """Next token outside comments, or None at end of file."""
        if self.pending:
            return self.pending.pop()
        while True:
            tok = self._raw()
            if tok is None:
                return None
            text, off = tok
            if text == "$(":
                self._skip_comment(off)
                continue
            if text == "$)":
                self.sink.report(self.file, off, "E0104", "", "'$)' outside a comment")
                continue
            if "$" in text and text not in KEYWORDS:
                self.sink.report(self.file, off, "E0102", "",
                                 f"unknown keyword or '$' inside a token: '{_clip(text)}'")
                continue
            return tok

    def _skip_comment(self, open_off: int) -> None:
        while True:
            tok = self._raw()
            if tok is None:
                self.sink.report(self.file, open_off, "E0105", "", "comment not closed before end of file")
                return
            text, off = tok
            if text == "$)":
                return
            if "$(" in text:
                self.sink.report(self.file, off, "E0103", "", "'$(' inside a comment (comments do not nest)")
            elif "$)" in text:
                self.sink.report(self.file, off, "E0104", "",
                                 "'$)' glued to other text inside a comment; it must stand alone")


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "..."


# ---------------------------------------------------------------------------
# Reading: tokens -> statements, scopes and frames

@dataclass(slots=True)  # slots: a database holds one per statement
class Hyp:
    label: str
    kind: str  # "f" or "e"
    expression: tuple[str, ...]
    index: int  # position in the database, for order of appearance
    file: int
    offset: int
    end: int = NEVER  # index of the first statement after its block closed

    def active_at(self, index: int) -> bool:
        return self.index < index < self.end


@dataclass(slots=True)
class Assertion:
    label: str
    kind: str  # "a" or "p"
    expression: tuple[str, ...]
    index: int
    file: int
    offset: int
    hyps: tuple[Hyp, ...]  # mandatory, in order
    # mandatory $d pairs in the order a citation checks them (docs/kernel.md):
    # (x, y) with x's $f before y's in `hyps`, by the position of x, then of y
    disjoint: tuple
    # proofs only:
    proof_tokens: "Tokens | tuple" = ()
    proof_offset: int = 0
    # active $d pairs (sorted tuples) among the variables the proof can
    # mention: the mandatory ones and those of the $f labels it cites
    active_disjoint: frozenset = frozenset()


class Tokens:
    """A list of (text, offset) pairs (a statement's body, a proof) stored
    compactly: a list of pairs costs about 90 bytes a token, this 16 (texts
    interned, offsets in an array), so a proof of 16 million steps takes
    270 MB, not 2.5 GB."""

    __slots__ = ("texts", "offsets")

    def __init__(self, texts=None, offsets=None):
        self.texts: list[str] = [] if texts is None else texts
        self.offsets = array("q") if offsets is None else offsets

    def append(self, tok: tuple[str, int]) -> None:
        self.texts.append(sys.intern(tok[0]))  # one string per label or symbol
        self.offsets.append(tok[1])

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self):
        return zip(self.texts, self.offsets)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return Tokens(self.texts[i], self.offsets[i])
        return self.texts[i], self.offsets[i]


@dataclass
class Scope:
    variables: list[str] = field(default_factory=list)
    hyps: list[Hyp] = field(default_factory=list)
    disjoint: list[tuple[str, str]] = field(default_factory=list)  # pairs declared here
    floating: list[str] = field(default_factory=list)  # variables given a $f here
    essentials_before: int = 0  # active $e hypotheses when it opened


class Reader:
    def __init__(self, sink: Sink, limits: Limits):
        self.sink, self.limits = sink, limits
        self.constants: set[str] = set()
        self.ever_variables: set[str] = set()
        self.active_variables: set[str] = set()
        self.variable_type: dict[str, str] = {}  # the type a $f gave it, for good
        self.active_float: dict[str, Hyp] = {}  # variable -> its active $f
        self.scopes: list[Scope] = [Scope()]
        self.active_essentials: list[Hyp] = []  # in order, outermost block first
        self.labels: dict[str, object] = {}  # label -> Hyp | Assertion
        self.active_pairs: dict[tuple[str, str], int] = {}  # $d pair -> times declared, active
        self.pairs_held = 0  # $d pairs active or stored in frames, against max_disjoint_pairs
        self.frame_symbols = 0  # what all frames hold, against max_frame_symbols
        self.order: list[object] = []  # labelled statements in order
        self.inputs = Inputs(limits)  # files read (each once) and bytes read in all
        self.root = ""
        self.open_files: list[tuple[Lexer, int]] = []  # (lexer, block depth at its start)

    # -- helpers ------------------------------------------------------------
    def err(self, file: int, off: int, code: str, label: str, msg: str) -> None:
        self.sink.report(file, off, code, label, msg)

    # -- files ----------------------------------------------------------------
    def read_top(self, path: str, stdin: bool = False) -> None:
        """Read the top file; with `stdin`, read standard input instead,
        called `path` in diagnostics, its inclusions resolved relative to
        the current directory (which is then the database folder)."""
        if stdin:
            self.root = os.path.realpath(os.getcwd())
        else:
            real = os.path.realpath(path)
            self.root = os.path.dirname(real)
            self.inputs.add(real)
        data = self._load(path, -1, 0, stdin)
        if data is None:
            return
        self.sink.files[0] = (path, data)
        self._read_file(data, 0, top=True)

    def _load(self, path: str, file: int, off: int, stdin: bool = False) -> Optional[bytes]:
        """The file's bytes, or None after reporting why not (against the
        including file, or against the top file itself when file < 0)."""
        top = file < 0
        if top:
            file = self.sink.add_file(path, b"")
        try:
            if stdin:
                return self.inputs.read_stream(0, path)
            return self.inputs.read(path)
        except FileProblem as exc:
            code, message = exc.args
            self.err(file, off, "E0203" if code == "E0902" and not top else code, "", message)
            return None

    def _read_file(self, data: bytes, file: int, top: bool) -> None:
        """Read a file and, in place of each `$[ $]`, the file it includes.
        Open files are a stack, not a recursion, so include depth is bounded
        by max_include_depth alone."""
        self.open_files = [(Lexer(data, file, self.sink, self.limits), len(self.scopes))]
        while self.open_files:
            lexer, depth0 = self.open_files[-1]
            try:
                more = self._statement(lexer, lexer.file, depth0)
            except ResourceError as exc:
                msg, off = exc.args
                self.err(lexer.file, off, "E0901", "", msg + "; reading stopped")
                raise
            if more:
                continue
            self.open_files.pop()
            if len(self.scopes) > depth0:
                outer = not self.open_files and top
                code, where = ("E0302", "end of file") if outer else ("E0205", "end of an included file")
                self.err(lexer.file, len(lexer.data), code, "",
                         f"{len(self.scopes) - depth0} block(s) still open at {where}")
                while len(self.scopes) > depth0:
                    self._close_scope()

    def _include(self, lexer: Lexer, file: int, off: int) -> None:
        name_tok = lexer.next()
        if name_tok is None or name_tok[0] == "$]" or name_tok[0] in KEYWORDS:
            self.err(file, off, "E0202", "", "'$[' must be followed by a file name and '$]'")
            if name_tok is not None and name_tok[0] != "$]":
                lexer.push_back(name_tok)
            return
        close = lexer.next()
        if close is None or close[0] != "$]":
            self.err(file, off, "E0202", "", "inclusion not closed with '$]'")
            if close is not None:
                lexer.push_back(close)
            return
        if len(self.scopes) > 1:
            self.err(file, off, "E0201", "", "file inclusion is allowed only outside ${ $} blocks")
            return
        name = name_tok[0]
        # where the including file really is (the top file: the database folder)
        base = self.root if file == 0 else os.path.dirname(os.path.realpath(self.sink.files[file][0]))
        path = os.path.join(base, name)
        real = os.path.realpath(path)
        if not self.limits.allow_outside_includes and os.path.commonpath([real, self.root]) != self.root:
            self.err(file, name_tok[1], "E0204", "",
                     f"'{_clip(name)}' lies outside the database folder; "
                     "allow it with --allow-outside-includes")
            return
        if self.inputs.known(real):  # the same file by any name: hard link, symlink
            return
        if not os.path.isfile(real):
            self.err(file, name_tok[1], "E0203", "", f"included file '{_clip(name)}' not found")
            return
        if len(self.open_files) > self.limits.max_include_depth:
            raise ResourceError(f"files included more than {self.limits.max_include_depth} "
                                "deep (max_include_depth)", name_tok[1])
        self.inputs.add(real)
        data = self._load(path, file, name_tok[1])
        if data is None:
            return
        lexer = Lexer(data, self.sink.add_file(path, data), self.sink, self.limits)
        self.open_files.append((lexer, len(self.scopes)))

    # -- statements ------------------------------------------------------------
    def _statement(self, lexer: Lexer, file: int, depth0: int) -> bool:
        """Read one top-level item; False at the end of the file."""
        tok = lexer.next()
        if tok is None:
            return False
        text, off = tok
        if text == "${":
            if len(self.scopes) > self.limits.max_block_depth:
                raise ResourceError(f"blocks nested deeper than {self.limits.max_block_depth} "
                                    "(max_block_depth)", off)
            self.scopes.append(Scope(essentials_before=len(self.active_essentials)))
        elif text == "$}":
            if len(self.scopes) <= depth0:
                self.err(file, off, "E0301", "", "'$}' without a matching '${'")
            else:
                self._close_scope()
        elif text in ("$c", "$v", "$d"):
            body = self._body(lexer, file, off, "")
            if body is not None:
                {"$c": self._constants, "$v": self._variables, "$d": self._disjoint}[text](
                    body, file, off)
        elif text == "$[":
            self._include(lexer, file, off)
        elif text == "$]":
            self.err(file, off, "E0202", "", "'$]' without '$['")
        elif text in ("$f", "$e", "$a", "$p"):
            self.err(file, off, "E0304", "", f"'{text}' statement needs a label")
            self._body(lexer, file, off, "")
        elif text in KEYWORDS:  # $. $= out of place
            self.err(file, off, "E0308", "", f"unexpected '{text}'")
        else:
            self._labelled(lexer, file, text, off)
        return True

    def _body(self, lexer: Lexer, file: int, off: int, label: str,
              stop_at_equals: bool = False) -> Optional[Tokens]:
        """Tokens up to `$.` (or `$=` when asked).  None when the statement is
        broken off by end of file or by a keyword that cannot appear in it."""
        out = Tokens()
        while True:
            tok = lexer.next()
            if tok is None:
                self.err(file, off, "E0307", label, "statement not terminated before end of file")
                return None
            text = tok[0]
            if text == "$." or (stop_at_equals and text == "$="):
                out.append(tok)
                return out
            if text in KEYWORDS:
                if text == "$[":
                    self.err(file, tok[1], "E0201", label, "file inclusion inside a statement")
                else:
                    self.err(file, tok[1], "E0307", label, f"statement broken off by '{text}'")
                lexer.push_back(tok)
                return None
            out.append(tok)

    def _labelled(self, lexer: Lexer, file: int, label: str, off: int) -> None:
        kw = lexer.next()
        if kw is None or kw[0] not in ("$f", "$e", "$a", "$p"):
            if kw is not None and kw[0] in ("${", "$}", "$c", "$v", "$d"):
                self.err(file, off, "E0303", label, f"a label may not precede '{kw[0]}'")
            else:
                self.err(file, off, "E0308", label,
                         f"'{_clip(label)}' is not followed by $f, $e, $a or $p")
            if kw is not None:
                lexer.push_back(kw)
            return
        kind = kw[0][1]
        body = self._body(lexer, file, off, label, stop_at_equals=(kind == "p"))
        if body is None:
            return
        proof = Tokens()
        has_proof = False
        if body[-1][0] == "$=":
            has_proof = True
            while True:
                tok = lexer.next()
                if tok is None:
                    self.err(file, off, "E0307", label, "proof not terminated before end of file")
                    return
                if tok[0] == "$.":
                    break
                if tok[0] in KEYWORDS:
                    if tok[0] == "$[":
                        self.err(file, tok[1], "E0201", label, "file inclusion inside a statement")
                    else:
                        self.err(file, tok[1], "E0307", label, f"proof broken off by '{tok[0]}'")
                    lexer.push_back(tok)
                    return
                proof.append(tok)
        math = body[:-1]
        ok = self._check_label(label, file, off)
        if kind == "p" and not has_proof:
            self.err(file, off, "E0814", label, "$p statement has no '$=' proof")
            ok = False
        if not ok:
            return
        if kind == "f":
            self._floating(label, math, file, off)
        else:
            expr = self._math_string(label, math, file, off)
            if expr is None:
                return
            if kind == "e":
                self._add_hyp(Hyp(label, "e", expr, len(self.order), file, off))
            else:
                self._assertion(label, kind, expr, file, off, proof, body[-1][1])

    def _check_label(self, label: str, file: int, off: int) -> bool:
        if not set(label) <= LABEL_CHARS:
            self.err(file, off, "E0106", "",
                     f"invalid label '{_clip(label)}' (letters, digits, '.', '-' and '_' only)")
            return False
        if label in self.labels:
            self.err(file, off, "E0305", label, f"label '{label}' is already used")
            return False
        if label in self.constants or label in self.ever_variables:
            self.err(file, off, "E0306", label, f"label '{label}' is also a math symbol")
            return False
        return True

    def _math_string(self, label, math, file, off) -> Optional[tuple[str, ...]]:
        if not math:
            self.err(file, off, "E0601", label, "empty math string")
            return None
        ok = True
        seen = set()
        for text, toff in math:
            if text in seen:
                continue
            seen.add(text)
            if text in self.constants:
                continue
            if text not in self.active_variables:
                self.err(file, toff, "E0603", label, f"'{_clip(text)}' is not an active constant or variable")
                ok = False
            elif text not in self.active_float:
                self.err(file, toff, "E0604", label, f"variable '{text}' has no active $f hypothesis")
                ok = False
        first, foff = math[0]
        if ok and first not in self.constants:
            self.err(file, foff, "E0602", label, f"the typecode '{first}' is not a constant")
            ok = False
        return tuple(math.texts) if ok else None

    def _constants(self, body, file, off) -> None:
        symbols = body[:-1]
        if not symbols:
            self.err(file, off, "E0401", "", "$c declares no symbols")
            return
        if len(self.scopes) > 1:
            self.err(file, off, "E0403", "", "$c is allowed only in the outermost block")
            return
        seen = set()
        for text, toff in symbols:
            if text in seen or text in self.constants:
                self.err(file, toff, "E0402", "", f"constant '{text}' declared twice")
            elif text in self.ever_variables:
                self.err(file, toff, "E0404", "", f"'{text}' was declared as a variable")
            elif text in self.labels:
                self.err(file, toff, "E0306", "", f"math symbol '{text}' is also a label")
            else:
                self.constants.add(text)
            seen.add(text)

    def _variables(self, body, file, off) -> None:
        symbols = body[:-1]
        if not symbols:
            self.err(file, off, "E0401", "", "$v declares no symbols")
            return
        seen = set()
        for text, toff in symbols:
            if text in seen or text in self.active_variables:
                self.err(file, toff, "E0402", "", f"variable '{text}' declared twice while active")
            elif text in self.constants:
                self.err(file, toff, "E0404", "", f"'{text}' was declared as a constant")
            elif text in self.labels:
                self.err(file, toff, "E0306", "", f"math symbol '{text}' is also a label")
            else:
                self.active_variables.add(text)
                self.ever_variables.add(text)
                self.scopes[-1].variables.append(text)
            seen.add(text)

    def _disjoint(self, body, file, off) -> None:
        symbols = body[:-1]
        if len(symbols) < 2:
            self.err(file, off, "E0701", "", "$d needs at least two variables")
            return
        seen = set()
        for text, toff in symbols:
            if text in seen:
                self.err(file, toff, "E0701", "", f"variable '{text}' repeated in $d")
                return
            if text not in self.active_variables:
                self.err(file, toff, "E0701", "", f"'{_clip(text)}' in $d is not an active variable")
                return
            seen.add(text)
        names = [t for t, _ in symbols]
        self._hold(len(names) * (len(names) - 1) // 2, off)
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                pair = (min(x, y), max(x, y))
                self.scopes[-1].disjoint.append(pair)
                self.active_pairs[pair] = self.active_pairs.get(pair, 0) + 1

    def _hold(self, pairs: int, off: int) -> None:
        self.pairs_held += pairs
        if self.pairs_held > self.limits.max_disjoint_pairs:
            raise ResourceError(f"more than {self.limits.max_disjoint_pairs} $d pairs "
                                "(max_disjoint_pairs)", off)

    def _pairs_among(self, variables: set, off: int) -> frozenset:
        """The active $d pairs between the given variables.  Costs the
        smaller of (pairs of variables, active pairs), so neither many
        variables nor a huge $d makes every assertion slow."""
        k = len(variables)
        if k * (k - 1) // 2 <= len(self.active_pairs):
            ordered = sorted(variables)
            found = frozenset(p for i, x in enumerate(ordered) for y in ordered[i + 1:]
                              if (p := (x, y)) in self.active_pairs)
        else:
            found = frozenset(p for p in self.active_pairs
                              if p[0] in variables and p[1] in variables)
        self._hold(len(found), off)
        return found or NO_PAIRS  # one empty set for all (216 bytes each otherwise)

    def _floating(self, label, math, file, off) -> None:
        if len(math) != 2:
            self.err(file, off, "E0501", label, "$f must be exactly a typecode constant and a variable")
            return
        (tc, tco), (var, varo) = math
        if tc not in self.constants:
            self.err(file, tco, "E0501", label, f"the typecode '{_clip(tc)}' is not a constant")
            return
        if var not in self.active_variables:
            self.err(file, varo, "E0501", label, f"'{_clip(var)}' is not an active variable")
            return
        if var in self.active_float:
            self.err(file, off, "E0502", label,
                     f"variable '{var}' already has the active $f '{self.active_float[var].label}'")
            return
        if self.variable_type.get(var, tc) != tc:
            self.err(file, off, "E0503", label,
                     f"variable '{var}' was typed '{self.variable_type[var]}' before, now '{tc}'")
            return
        self.variable_type[var] = tc
        hyp = Hyp(label, "f", (tc, var), len(self.order), file, off)
        self.active_float[var] = hyp
        self.scopes[-1].floating.append(var)
        self._add_hyp(hyp)

    def _add_hyp(self, hyp: Hyp) -> None:
        self.labels[hyp.label] = hyp
        self.order.append(hyp)
        self.scopes[-1].hyps.append(hyp)
        if hyp.kind == "e":
            self.active_essentials.append(hyp)

    def _assertion(self, label, kind, expr, file, off, proof, proof_off) -> None:
        # mandatory: every active $e, and the active $f of every variable of
        # the assertion or of an active $e, in order of appearance (found
        # without looking at the other active $f: there may be many)
        essentials = self.active_essentials
        mandatory_vars = {s for s in expr if s in self.active_variables}
        for h in essentials:
            mandatory_vars.update(s for s in h.expression if s in self.active_variables)
        frame_hyps = tuple(sorted(essentials + [self.active_float[v] for v in mandatory_vars],
                                  key=_index))
        self.frame_symbols += len(frame_hyps) + sum(len(h.expression) for h in essentials)
        if self.frame_symbols > self.limits.max_frame_symbols:
            raise ResourceError(f"the frames of the assertions hold more than "
                                f"{self.limits.max_frame_symbols} hypotheses and symbols "
                                "(max_frame_symbols)", off)
        mand_dv = _frame_order(self._pairs_among(mandatory_vars, off), frame_hyps)
        a = Assertion(label, kind, expr, len(self.order), file, off, frame_hyps, mand_dv)
        if kind == "p":
            a.proof_tokens = proof
            a.proof_offset = proof_off
            proof_vars = set(mandatory_vars)
            for text, _ in proof:
                hyp = self.labels.get(text)
                if isinstance(hyp, Hyp) and hyp.kind == "f" and hyp.end == NEVER:
                    proof_vars.add(hyp.expression[1])
            a.active_disjoint = self._pairs_among(proof_vars, off)
        self.labels[label] = a
        self.order.append(a)

    def _close_scope(self) -> None:
        scope = self.scopes.pop()
        del self.active_essentials[scope.essentials_before:]
        for hyp in scope.hyps:
            hyp.end = len(self.order)
        for pair in scope.disjoint:
            self.active_pairs[pair] -= 1
            if not self.active_pairs[pair]:
                del self.active_pairs[pair]
        self.pairs_held -= len(scope.disjoint)
        for v in scope.variables:
            self.active_variables.discard(v)
        for v in scope.floating:
            del self.active_float[v]


def _frame_order(pairs: frozenset, hyps: tuple) -> tuple:
    """`pairs` in the order a citation checks them: each pair (x, y) with
    x's $f before y's in the frame `hyps`, sorted by x's position, then y's."""
    if not pairs:
        return ()
    position = {h.expression[1]: i for i, h in enumerate(hyps) if h.kind == "f"}
    ordered = [(x, y) if position[x] < position[y] else (y, x) for x, y in pairs]
    return tuple(sorted(ordered, key=lambda p: (position[p[0]], position[p[1]])))


# ---------------------------------------------------------------------------
# Checking: the proof stack machine

UNKNOWN = None  # a stack entry produced by a '?' step


class ProofError(Exception):
    def __init__(self, code: str, message: str, offset: int):
        super().__init__(message)
        self.code, self.message, self.offset = code, message, offset


class Budget:
    """Units of work left for checking (see `Limits.max_work`); `stopped`
    is the position of the proof that spent the last of them, or -1."""

    def __init__(self, units: int):
        self.left, self.stopped = units, -1


class Checker:
    """Runs the proofs of a read database, spending `budget` (work: 1 a step,
    plus the symbols of each hypothesis entry an assertion takes, of both
    substitutions of each `$d` pair checked, DV_TEST_UNITS for each pair of
    their variables tested, and the symbols of each expression built)."""

    def __init__(self, reader: Reader, limits: Limits, budget: Budget):
        self.labels = reader.labels
        self.limits = limits
        self.variables = reader.ever_variables
        self.budget = budget

    def _spend(self, units: int, off: int) -> None:
        self.budget.left -= units
        if self.budget.left < 0:
            raise WorkExhausted(work_message(self.limits.max_work), off)

    def check(self, thm: Assertion) -> Optional[tuple[str, str, int]]:
        """None if the proof is correct, else (code, message, offset)."""
        try:
            incomplete = self._run(thm)
        except ProofError as exc:
            return exc.code, exc.message, exc.offset
        except ResourceError as exc:
            return "E0901", exc.args[0], exc.args[1]
        if incomplete:
            return "W0815", "proof contains unknown '?' steps", thm.proof_offset
        return None

    def _run(self, thm: Assertion) -> bool:
        toks = thm.proof_tokens
        if not toks:
            raise ProofError("E0805", "empty proof", thm.proof_offset)
        self.used = 0  # symbols built so far in this proof
        if toks[0][0] == "(":
            stack, incomplete = self._compressed(thm)
        else:
            stack, incomplete = self._normal(thm)
        end = toks[-1][1]
        if len(stack) > 1:
            raise ProofError("E0804", f"{len(stack)} entries left on the proof stack", end)
        if not stack:
            raise ProofError("E0805", "empty proof", thm.proof_offset)
        if stack[0] is UNKNOWN:
            return True
        if stack[0] != thm.expression:
            raise ProofError("E0806", f"proof proves '{_clip(' '.join(stack[0]), 200)}'", end)
        return incomplete

    def _step_target(self, thm: Assertion, label: str, off: int):
        """What a label in a proof refers to, if this proof may use it."""
        target = self.labels.get(label)
        if target is None:
            raise ProofError("E0801", f"'{_clip(label)}' is not a label", off)
        if isinstance(target, Hyp):
            if not target.active_at(thm.index):
                raise ProofError("E0802", f"hypothesis '{label}' is not active here", off)
        elif target.index >= thm.index:
            raise ProofError("E0802", f"'{label}' is not defined before this theorem", off)
        return target

    def _normal(self, thm: Assertion):
        stack: list = []
        incomplete = False
        if len(thm.proof_tokens) > self.limits.max_proof_steps:
            raise ResourceError(f"proof has more than {self.limits.max_proof_steps} steps "
                                "(max_proof_steps)", thm.proof_offset)
        for label, off in thm.proof_tokens:
            self._spend(1, off)
            if label == "?":
                stack.append(UNKNOWN)
                incomplete = True
                continue
            self._apply(thm, self._step_target(thm, label, off), stack, off)
        return stack, incomplete

    def _apply(self, thm: Assertion, target, stack: list, off: int) -> None:
        if isinstance(target, Hyp):
            stack.append(target.expression)
            return
        n = len(target.hyps)
        if len(stack) < n:
            raise ProofError("E0803", f"'{target.label}' needs {n} hypotheses, "
                                      f"the stack holds {len(stack)}", off)
        args = stack[len(stack) - n:]
        del stack[len(stack) - n:]
        # The $f hypotheses fix the substitution ...
        subst: dict[str, Optional[tuple]] = {}
        for hyp, entry in zip(target.hyps, args):
            if hyp.kind != "f":
                continue
            if entry is UNKNOWN:
                subst[hyp.expression[1]] = UNKNOWN
            elif entry[0] != hyp.expression[0]:
                raise ProofError("E0807", f"'{target.label}' wants a '{hyp.expression[0]}' for "
                                          f"{hyp.label}, got '{_clip(' '.join(entry), 80)}'", off)
            else:
                subst[hyp.expression[1]] = entry[1:]
        self._spend(sum(len(e) for e in args if e is not UNKNOWN), off)
        # ... which the $e hypotheses must then match.
        for hyp, entry in zip(target.hyps, args):
            if hyp.kind != "e" or entry is UNKNOWN:
                continue
            if not _is_instance(entry, hyp.expression, subst):
                raise ProofError("E0808", f"hypothesis {hyp.label} of '{target.label}' wants "
                                          f"'{_preview(hyp.expression, subst)}', got "
                                          f"'{_clip(' '.join(entry), 120)}'", off)
        # $d pairs in frame order; the variables of each substitution in order
        # of first occurrence (the rule is in docs/kernel.md)
        for x, y in target.disjoint:
            sx, sy = subst[x], subst[y]
            if sx is UNKNOWN or sy is UNKNOWN:
                continue
            self._spend(len(sx) + len(sy), off)
            vx = list(dict.fromkeys(s for s in sx if s in self.variables))
            vy = list(dict.fromkeys(s for s in sy if s in self.variables))
            in_y = set(vy)
            shared = [v for v in vx if v in in_y]
            if shared:
                raise ProofError("E0809", f"'{target.label}' needs {x}, {y} disjoint, but both "
                                          f"become expressions containing '{shared[0]}'", off)
            self._spend(len(vx) * len(vy) * DV_TEST_UNITS, off)
            # The pairs are distinct, so this stops within len(active_disjoint) + 1 tests.
            for a in vx:
                for b in vy:
                    if ((a, b) if a < b else (b, a)) not in thm.active_disjoint:
                        raise ProofError("E0809", f"'{target.label}' needs {x}, {y} disjoint, so "
                                                  f"this theorem needs '$d {a} {b} $.'", off)
        stack.append(self._substitute(target.expression, subst, off))

    def _substitute(self, expr: tuple, subst: dict, off: int):
        # what is built from a '?' is unknown, of no size (no limit applies)
        if UNKNOWN in subst.values() and any(s in subst and subst[s] is UNKNOWN for s in expr):
            return UNKNOWN
        out: list[str] = []
        for s in expr:
            if s in subst:
                out.extend(subst[s])
            else:
                out.append(s)
            if len(out) > self.limits.max_expression:
                raise ResourceError(f"an expression grows past {self.limits.max_expression} "
                                    "symbols (max_expression)", off)
        self.used += len(out)
        if self.used > self.limits.max_proof_symbols:
            raise ResourceError(f"the proof builds more than {self.limits.max_proof_symbols} "
                                "symbols (max_proof_symbols)", off)
        self._spend(len(out), off)
        return tuple(out)

    def _compressed(self, thm: Assertion):
        toks = thm.proof_tokens
        mandatory = list(thm.hyps)
        mandatory_labels = {h.label for h in mandatory}
        listed: list = []
        if all(t != ")" for t, _ in toks):
            raise ProofError("E0810", "compressed proof has no ')' closing its label list",
                             thm.proof_offset)
        i = 1
        while toks[i][0] != ")":
            label, off = toks[i]
            target = self.labels.get(label)
            if target is None:
                raise ProofError("E0811", f"'{_clip(label)}' is not a label", off)
            if isinstance(target, Hyp):
                if label in mandatory_labels:
                    raise ProofError("E0811", f"mandatory hypothesis '{label}' may not be listed", off)
                if not target.active_at(thm.index):
                    raise ProofError("E0811", f"hypothesis '{label}' is not active here", off)
            elif target.index >= thm.index:
                raise ProofError("E0811", f"'{label}' is not defined before this theorem", off)
            listed.append(target)
            i += 1
        letter_tokens = toks[i + 1:]
        count = 0
        for text, off in letter_tokens:
            bad = NOT_A_LETTER.search(text)
            if bad is not None:
                raise ProofError("E0812", f"'{bad.group()}' is not a compressed-proof letter",
                                 off + bad.start())
            count += len(text)
        if not count:
            raise ProofError("E0810", "compressed proof has no letters", toks[i][1])
        if count > self.limits.max_proof_steps:
            raise ResourceError(f"proof has more than {self.limits.max_proof_steps} steps "
                                "(max_proof_steps)", thm.proof_offset)
        # (char, offset) of each letter, made as needed: a list of them would
        # hold ~90 bytes per letter
        letters = ((ch, off + j) for text, off in letter_tokens for j, ch in enumerate(text))
        m, k = len(mandatory), len(listed)
        saved: list = []
        stack: list = []
        incomplete = False
        n = 0
        in_number = False  # U-Y digits seen, final A-T pending
        can_save = False  # a step has just been completed
        for ch, off in letters:
            if ch == "Z":
                if in_number or not can_save:
                    raise ProofError("E0813", "'Z' must follow a completed step", off)
                saved.append(stack[-1])
                can_save = False
                continue
            if ch == "?":
                if in_number:
                    raise ProofError("E0812", "'?' inside a step number", off)
                self._spend(1, off)
                stack.append(UNKNOWN)
                incomplete = True
                can_save = True
                continue
            if ch >= "U":
                n = n * 5 + (ord(ch) - ord("U") + 1)
                in_number = True
                if n > 1 << 62:
                    raise ProofError("E0812", "step number overflows", off)
                continue
            n = n * 20 + (ord(ch) - ord("A") + 1)
            in_number = False
            if n > 1 << 62:
                raise ProofError("E0812", "step number overflows", off)
            self._spend(1, off)
            if n <= m:
                stack.append(mandatory[n - 1].expression)
            elif n <= m + k:
                self._apply(thm, listed[n - m - 1], stack, off)
            elif n <= m + k + len(saved):
                stack.append(saved[n - m - k - 1])
            else:
                raise ProofError("E0812", f"step number {n} is out of range "
                                          f"({m} hypotheses, {k} labels, {len(saved)} saved steps)", off)
            n = 0
            can_save = True
        if in_number:
            last_text, last_off = letter_tokens[-1]
            raise ProofError("E0812", "compressed proof ends inside a step number",
                             last_off + len(last_text) - 1)
        return stack, incomplete


def _is_instance(entry: tuple, expr: tuple, subst: dict) -> bool:
    """Is `entry` `expr` with `subst` applied?  Compared piece by piece, never
    built, so a hostile substitution cannot blow up memory.  A substitution
    from a '?' step matches anything."""
    i = 0
    for s in expr:
        part = subst[s] if s in subst else (s,)
        if part is UNKNOWN:
            return True
        if entry[i:i + len(part)] != part:
            return False
        i += len(part)
    return i == len(entry)


def _preview(expr: tuple, subst: dict, n: int = 120) -> str:
    """The start of `expr` with `subst` applied, for a message; a variable
    substituted by a '?' step shows as '?'."""
    out: list[str] = []
    for s in expr:
        value = subst.get(s, (s,))
        if value is UNKNOWN:
            out.append("?")
        else:
            out.extend(value)
        if len(out) > n:
            break
    return _clip(" ".join(out), n)


# ---------------------------------------------------------------------------
# The engine interface shared with `_fast`

class ReferenceDatabase:
    """A database read by the reference engine."""

    engine = "python"

    def __init__(self, path: str, limits: Limits = DEFAULT_LIMITS, stdin: bool = False):
        self.path = path
        self.limits = limits
        self.sink = Sink(limits.max_diagnostics)
        self.reader = Reader(self.sink, limits)
        try:
            self.reader.read_top(path, stdin)
        except ResourceError:
            pass  # already reported; what was read so far stays usable
        self.read_diagnostics = len(self.sink)
        self.theorems = [s for s in self.reader.order if isinstance(s, Assertion) and s.kind == "p"]
        self.budget = Budget(limits.max_work)

    def statement_count(self) -> int:
        return len(self.reader.order)

    def proof_count(self) -> int:
        return len(self.theorems)

    def set_work_budget(self, units: int) -> None:
        """Units of work the next `check_range` calls may spend in all."""
        self.budget = Budget(units)

    def work_status(self) -> tuple[int, int]:
        """(units left, position of the proof that spent the last unit or -1)."""
        return self.budget.left, self.budget.stopped

    def check_range(self, start: int, stop: int, step: int = 1):
        """Check theorems[start:stop:step]; return raw diagnostics.  Once the
        work budget is spent (an E0901 on the proof where it happens), the
        rest are not checked."""
        checker = Checker(self.reader, self.limits, self.budget)
        out = []
        for pos in range(start, min(stop, len(self.theorems)), step):
            if self.budget.stopped >= 0:
                break
            thm = self.theorems[pos]
            result = checker.check(thm)
            if result is not None:
                code, msg, off = result
                out.append((thm.file, off, code, thm.label, msg))
            if self.budget.left < 0:
                self.budget.stopped = pos
        return out

    def active_floats(self) -> dict[str, str]:
        """variable -> label of its `$f` active at the end of the database."""
        return {v: h.label for v, h in self.reader.active_float.items()}

    def find_label(self, label: str) -> Optional[tuple[str, int, int]]:
        """(kind, position among the labelled statements, number of `$p`
        before it) of the statement labelled `label`, or None."""
        st = self.reader.labels.get(label)
        if st is None:
            return None
        return st.kind, st.index, bisect.bisect_left(self.theorems, st.index, key=_index)

    def citations(self, start: int, stop: int, targets) -> list:
        """For theorems[start:stop]: each assertion of `targets` (labels)
        its proof cites, once, as raw (file, offset of its first mention,
        theorem label, cited label).  Mentions are the steps of a normal
        proof and the label list of a compressed one; only an assertion
        defined before the theorem counts."""
        labels = self.reader.labels
        out = []
        for thm in self.theorems[start:stop]:
            toks = thm.proof_tokens
            if toks and toks[0][0] == "(":
                toks = itertools.islice(toks, 1, None)
                compressed = True
            else:
                compressed = False
            seen = set()
            for text, off in toks:
                if compressed and text == ")":
                    break
                if text in targets and text not in seen:
                    target = labels.get(text)
                    if isinstance(target, Assertion) and target.index < thm.index:
                        seen.add(text)
                        out.append((thm.file, off, thm.label, text))
        return out

    def check_text(self, name: str, data: bytes, keep: bool = False):
        """Read `data` as if it followed the database, check the theorems it
        adds, then forget them -- or, with `keep` and no diagnostics, keep
        them as part of the database.  Returns (sink, file index)."""
        reader = self.reader
        sink = Sink(self.limits.max_diagnostics)
        sink.files = list(self.sink.files)
        file = sink.add_file(name, data)
        saved_sink, saved_order, saved_pairs = reader.sink, len(reader.order), reader.pairs_held
        saved_frames = reader.frame_symbols
        reader.sink = sink
        kept = False
        try:
            try:
                reader._read_file(data, file, top=True)
            except ResourceError:
                while len(reader.scopes) > 1:
                    reader._close_scope()
            new = reader.order[saved_order:]
            if not sink.raw:
                budget = Budget(self.limits.max_work)
                checker = Checker(reader, self.limits, budget)
                for thm in new:
                    if isinstance(thm, Assertion) and thm.kind == "p":
                        result = checker.check(thm)
                        if result is not None:
                            code, msg, off = result
                            sink.report(file, off, code, thm.label, msg)
                        if budget.left < 0:
                            break
            kept = keep and not sink.raw
        finally:
            reader.sink = saved_sink
            if kept:
                self.sink.add_file(name, data)
                self.theorems.extend(s for s in reader.order[saved_order:]
                                     if isinstance(s, Assertion) and s.kind == "p")
            else:
                for st in reader.order[saved_order:]:
                    del reader.labels[st.label]
                del reader.order[saved_order:]
                reader.pairs_held = saved_pairs
                reader.frame_symbols = saved_frames
        return sink, file

    def mark(self):
        """The database's current extent, for `rollback`."""
        return (len(self.reader.order), self.reader.pairs_held, self.reader.frame_symbols,
                len(self.theorems), len(self.sink.files))

    def rollback(self, mark) -> None:
        """Forget the theorems kept (`check_text(..., keep=True)`) since `mark`."""
        n_order, n_pairs, n_frames, n_thm, n_files = mark
        reader = self.reader
        reader.frame_symbols = n_frames
        for st in reader.order[n_order:]:
            del reader.labels[st.label]
        del reader.order[n_order:]
        reader.pairs_held = n_pairs
        del self.theorems[n_thm:]
        del self.sink.files[n_files:]

    def statements(self) -> Iterator[Statement]:
        lines = LineFinder(self.sink)
        for s in self.reader.order:
            name, line = lines.find(s.file, s.offset)
            if isinstance(s, Hyp):
                yield Statement(s.label, s.kind, s.expression, name, line)
                continue
            frame = Frame(tuple(h.label for h in s.hyps),
                          frozenset((min(x, y), max(x, y)) for x, y in s.disjoint)
                          if s.disjoint else NO_PAIRS)
            if s.kind == "p":
                yield Statement(s.label, s.kind, s.expression, name, line, frame, _proof_of(s),
                                s.active_disjoint)
            else:
                yield Statement(s.label, s.kind, s.expression, name, line, frame)


def _index(statement) -> int:
    return statement.index


def _proof_of(thm: Assertion) -> Proof:
    toks = [t for t, _ in thm.proof_tokens]
    if toks and toks[0] == "(" and ")" in toks:
        close = toks.index(")")
        return Proof(tuple(toks[1:close]), "".join(toks[close + 1:]))
    return Proof(tuple(toks))
