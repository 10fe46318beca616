"""Diagnostics are data: every problem the kernel finds is one `Diagnostic`.

Codes are stable (tests, users' scripts and the JSON output key on them); the
table below is the single source of truth for their meaning.  Both engines
must emit the same codes at the same places.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict

ERROR = "error"
INCOMPLETE = "incomplete"
#: reported only when asked for (`verify --discouraged`); never changes the
#: verdict or the exit status
WARNING = "warning"

#: code -> short title.  Grouped by the pass that reports them.
CODES: dict[str, str] = {
    # characters, tokens and comments
    "E0101": "invalid byte",
    "E0102": "unknown keyword",
    "E0103": "nested comment",
    "E0104": "misplaced comment close",
    "E0105": "unterminated comment",
    "E0106": "invalid label",
    # file inclusion
    "E0201": "inclusion not at top level",
    "E0202": "bad inclusion",
    "E0203": "included file not found",
    "E0204": "inclusion outside the database folder",
    "E0205": "included file ends inside a construct",
    # statement structure and scope
    "E0301": "unmatched block close",
    "E0302": "block open at end of file",
    "E0303": "label not allowed here",
    "E0304": "missing label",
    "E0305": "duplicate label",
    "E0306": "label clashes with a math symbol",
    "E0307": "unterminated statement",
    "E0308": "unexpected token",
    # $c $v
    "E0401": "empty declaration",
    "E0402": "symbol declared twice",
    "E0403": "constant declared inside a block",
    "E0404": "symbol declared as both constant and variable",
    # $f
    "E0501": "malformed floating hypothesis",
    "E0502": "second active floating hypothesis for a variable",
    "E0503": "variable given two different types",
    # $e $a $p math strings
    "E0601": "empty math string",
    "E0602": "math string must start with a constant",
    "E0603": "undeclared or inactive math symbol",
    "E0604": "variable has no active floating hypothesis",
    # $d
    "E0701": "malformed disjoint-variable restriction",
    # proofs
    "E0801": "unknown label in proof",
    "E0802": "label not usable in this proof",
    "E0803": "proof stack underflow",
    "E0804": "proof leaves more than one entry",
    "E0805": "empty proof",
    "E0806": "proof proves a different statement",
    "E0807": "floating hypothesis type mismatch",
    "E0808": "essential hypothesis mismatch",
    "E0809": "disjoint-variable violation",
    "E0810": "malformed compressed proof",
    "E0811": "bad label in compressed proof list",
    "E0812": "bad step number in compressed proof",
    "E0813": "misplaced Z in compressed proof",
    "E0814": "missing proof",
    # incomplete proofs (a severity of their own)
    "W0815": "incomplete proof",
    # conventions a database states in its comments (warnings, on request)
    "W0820": "new usage of a discouraged assertion",
    # resource limits
    "E0901": "resource limit exceeded",
    "E0902": "cannot read file",
    # grammar and syntax trees (reported by proofgen.syntax; listed here so
    # that the table stays the one place codes are defined)
    "E1001": "typecode has no syntax type",
    "E1002": "not a tree grammar",
    "E1003": "statement does not parse",
    "E1004": "ambiguous grammar",
    "E1005": "proof builds a different tree",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located.  `line` and `column` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    code: str
    label: str
    message: str

    @property
    def severity(self) -> str:
        if self.code == "W0815":
            return INCOMPLETE
        return WARNING if self.code.startswith("W") else ERROR

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        who = f" {self.label}" if self.label else ""
        return f"{where}: {self.severity}[{self.code}]{who}: {self.message}"

    def to_json(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity
        d["title"] = CODES.get(self.code, "")
        return d


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of byte `offset` in `data`."""
    offset = max(0, min(offset, len(data)))
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


class Sink:
    """Collects diagnostics as (file, byte offset) while an engine works and
    turns them into located `Diagnostic`s at the end, in file order.

    Offsets are converted to lines in one pass per file, so even a file with
    thousands of errors costs one scan.  After `cap` diagnostics the sink only
    counts, so hostile input cannot exhaust memory through its errors.
    """

    def __init__(self, cap: int = 10_000):
        self.cap = cap
        self.files: list[tuple[str, bytes]] = []  # (display name, contents)
        self.raw: list[tuple[int, int, str, str, str]] = []
        self.dropped = 0

    def add_file(self, name: str, data: bytes) -> int:
        self.files.append((name, data))
        return len(self.files) - 1

    def report(self, file: int, offset: int, code: str, label: str, message: str) -> None:
        # Clipped so that a huge label cannot turn into gigabytes of output.
        if len(label) > 100:
            label = label[:100] + "..."
        if len(message) > 400:
            message = message[:400] + "..."
        if len(self.raw) < self.cap:
            self.raw.append((file, offset, code, label, message))
        else:
            self.dropped += 1

    def __len__(self) -> int:
        return len(self.raw) + self.dropped

    def copy(self) -> "Sink":
        other = Sink(self.cap)
        other.files = list(self.files)
        other.raw = list(self.raw)
        other.dropped = self.dropped
        return other

    def extend(self, raw) -> None:
        for item in raw:
            self.report(*item)

    def diagnostics(self) -> list[Diagnostic]:
        raw = sorted(self.raw, key=lambda r: (r[0], r[1], r[2], r[3], r[4]))
        out: list[Diagnostic] = []
        line, pos, line_start, cur = 1, 0, 0, -1
        for file, offset, code, label, message in raw:
            if file < 0:
                out.append(Diagnostic("<input>", 0, 0, code, label, message))
                continue
            name, data = self.files[file]
            if file != cur:
                cur, line, pos, line_start = file, 1, 0, 0
            offset = min(offset, len(data))
            newlines = data.count(b"\n", pos, offset)
            if newlines:
                line += newlines
                line_start = data.rfind(b"\n", pos, offset) + 1
            pos = offset
            col = offset - line_start + 1
            out.append(Diagnostic(name, line, col, code, label, message))
        if self.dropped:
            name = self.files[0][0] if self.files else "<input>"
            out.append(Diagnostic(name, 0, 0, "E0901", "",
                                  f"{self.dropped} further diagnostics not shown (limit {self.cap})"))
        return out


class LineFinder:
    """Line numbers for byte offsets, cheap when offsets come in increasing
    order within a file (the order statements are stored in)."""

    def __init__(self, sink: Sink):
        self.files = sink.files
        self.file, self.pos, self.line = -1, 0, 1

    def find(self, file: int, offset: int) -> tuple[str, int]:
        name, data = self.files[file]
        if file != self.file or offset < self.pos:
            self.file, self.pos, self.line = file, 0, 1
        self.line += data.count(b"\n", self.pos, offset)
        self.pos = offset
        return name, self.line
