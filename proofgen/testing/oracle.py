"""Verdicts: proofgen's engines, metamath.exe, or any verifier on the command line.

A `Verdict` is what a verifier said about one file: `ok`, `incomplete`
(only `?` steps are missing), `error`, or, for an outside program, `crash`
or `timeout`; errors carry a line and label where the verifier gives one.

`compare` puts proofgen's verdict next to another verifier's and decides
whether they agree, differ by one of metamath.exe's documented deviations
from the specification (`DEVIATIONS`), or disagree.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shlex
import shutil
import subprocess
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from ..kernel import DEFAULT_LIMITS, ENGINES, Limits, Report, fast_engine_available, load

#: metamath.exe 0.195 (Debian's `metamath`) departs from the specification
#: here; proofgen follows the specification (see docs/testing.md).
DEVIATIONS = {
    "vt-byte": "treats a VT byte (0x0B) as whitespace; the spec allows only "
               "SP, TAB, LF, CR and FF",
    "second-float": "accepts a second active $f for a variable when both are "
                    "declared in the same block",
    "include-in-block": "reads a $[ $] inclusion inside a ${ $} block",
    "z-after-hypothesis": "rejects Z (save) right after a hypothesis or a saved-step "
                          "reference in a compressed proof",
    "obsolete-compression": "decodes a compressed proof whose letters contain 'UV' "
                            "but not 'UU' with its pre-2005 algorithm, and so rejects "
                            "a valid proof",
    "glued-parenthesis": "reads the ( and ) of a compressed proof as characters, so "
                         "'(wi', 'ax-mp)' and ')ABC' pass; tokens are separated by "
                         "whitespace, and proofgen rejects them",
    "double-z": "accepts ZZ in a compressed proof (the second Z follows no step)",
    "nul-byte": "does not reject a NUL byte: it warns that the file is not ASCII, "
                "and may stop at an internal 'BUG CHECK'",
    "self-inclusion": "stops at an internal 'BUG CHECK' (1765) when a file includes the "
                      "top file, which the spec says to ignore",
    "include-by-two-names": "compares inclusion names as strings, so a file included as "
                            "'inc.mm' and as './inc.mm' is read twice (the spec allows "
                            "this; proofgen compares resolved paths, checklist 10-11)",
    "no-variable-hypotheses": "does not check the $e hypotheses of an assertion that has "
                              "no variables: '|- 0' from a hypothesis '|- 1' is accepted",
    "crash-after-error": "crashes (segmentation fault, heap corruption) or stops at an "
                         "internal 'BUG CHECK' after reporting errors, for instance "
                         "while verifying proofs that cite a statement it has "
                         "rejected; the file is rejected either way",
    "slow-errors": "can take minutes to report the errors of a small file: a symbol "
                   "repeated in a $c or $v statement is reported once for every earlier "
                   "occurrence, echoing the statement each time (2 KB of '$v x x x ...'), "
                   "and a unification failure prints both expressions in full (megabytes "
                   "for a damaged big-unifier.mm); a timeout after errors counts as rejection",
    "retyped-variable": "lets a later $f give a variable a different type "
                        "(proofgen's strict reading of the book, checklist 16)",
}


@dataclass
class Verdict:
    """One verifier's verdict on one file."""

    status: str  # ok | incomplete | error | crash | timeout
    #: (line, label, message) for each error; line 0 or label "" when unknown
    errors: list = field(default_factory=list)
    #: labels of incomplete proofs
    incomplete: set = field(default_factory=set)
    #: the diagnostics' codes (proofgen only)
    codes: list = field(default_factory=list)
    #: the diagnostics themselves (proofgen only)
    diagnostics: list = field(default_factory=list)
    #: raw output, clipped, for reports
    output: str = ""
    #: False for verifiers that only say yes or no (no `incomplete`)
    graded: bool = True
    #: the program died (a signal) after saying what `errors` holds
    crashed: bool = False
    #: some error arose while reading (not while checking a proof); then
    #: which proofs fail depends on error recovery, so only the file's
    #: verdict is compared
    reading: bool = True
    #: it ran out of time after reporting errors
    timed_out: bool = False

    @property
    def accepts(self) -> bool:
        return self.status == "ok"


def verdict_of(report: Report) -> Verdict:
    """proofgen's verdict from a kernel report."""
    status = {0: "ok", 1: "error", 2: "incomplete"}[report.exit_status()]
    return Verdict(status,
                   [(d.line, d.label, f"{d.code} {d.message}") for d in report.errors],
                   {d.label for d in report.incomplete},
                   [d.code for d in report.diagnostics],
                   list(report.diagnostics),
                   "\n".join(d.format() for d in report.diagnostics[:20]),
                   reading=any(_reading_error(d) for d in report.errors))


def _reading_error(d) -> bool:
    # E08xx are proof errors, and so is a resource limit met inside a proof
    return not (d.code.startswith("E08") or (d.code == "E0901" and d.label))


def diagnostics_key(report: Report) -> list[tuple]:
    """What the two engines must agree on: every diagnostic's place, code and label."""
    return [(os.path.basename(d.file), d.line, d.column, d.code, d.label)
            for d in report.diagnostics]


@dataclass
class EngineRun:
    """Both engines on one file."""

    reports: dict          # engine -> Report
    failures: dict         # engine -> traceback text, for an engine that raised
    statements: dict       # engine -> list of statement keys (when reading worked)

    @property
    def agree(self) -> bool:
        if self.failures:
            return False
        keys = [diagnostics_key(r) for r in self.reports.values()]
        counts = [(r.statements, r.proofs) for r in self.reports.values()]
        stmts = list(self.statements.values())
        return (all(k == keys[0] for k in keys) and all(c == counts[0] for c in counts)
                and all(s == stmts[0] for s in stmts))

    def describe(self) -> str:
        if self.failures:
            return "\n".join(f"{e} raised:\n{tb}" for e, tb in self.failures.items())
        lines = []
        for e, r in self.reports.items():
            lines.append(f"{e}: {diagnostics_key(r)[:12]} statements={r.statements} proofs={r.proofs}")
        return "\n".join(lines)

    def report(self) -> Report:
        """The first engine's report."""
        return next(iter(self.reports.values()))


def engines() -> list[str]:
    return list(ENGINES) if fast_engine_available() else ["python"]


def run_engines(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS,
                which: Sequence[str] | None = None, statements: bool = True) -> EngineRun:
    """Load and verify with each engine; an exception is recorded, not raised
    (it is a bug: bad input must give a diagnostic)."""
    reports, failures, stmts = {}, {}, {}
    for e in which or engines():
        try:
            db = load(path, engine=e, limits=limits)
            reports[e] = db.verify()
            if statements:
                stmts[e] = [(s.label, s.kind, s.expression, s.frame, s.proof, s.proof_disjoint)
                            for s in db.statements()]
        except Exception:  # noqa: BLE001 - any exception is a finding
            failures[e] = traceback.format_exc(limit=8)
    return EngineRun(reports, failures, stmts)


# ---------------------------------------------------------------------------
# metamath.exe

# metamath.exe wraps its messages at 79 columns, between words
_ERROR = re.compile(r'^\?Error\s+on\s+line\s+(\d+)\s+of\s+file\s+"(.*?)"(?:\s+at\s+statement\s+\d+)?'
                    r'(?:,\s+label\s+"(.*?)")?', re.M)
_UNPROVED = re.compile(r"^Warning: The following \$p statement\(s\) were not proved:"
                       r"((?:.|\n(?!\n|MM>))*)", re.M)


class MetamathExe:
    """Debian's `metamath` (metamath.exe) as an oracle.

    `check(path)` reads the file and verifies `labels` (a metamath.exe
    pattern, `*` for all), and parses which lines and labels it rejects.
    """

    def __init__(self, program: str = "metamath", timeout: float = 120):
        self.program, self.timeout = program, timeout

    def available(self) -> bool:
        return shutil.which(self.program) is not None

    def command(self, name: str, labels: str = "*") -> list[str]:
        # (a wider screen would keep messages on one line, but `set width`
        # above 79 makes metamath.exe 0.195 crash on some error messages)
        return [self.program, "set scroll continuous",
                f'read "{name}"', f"verify proof {labels}", "exit"]

    def check(self, path: str | os.PathLike, labels: str = "*") -> Verdict:
        path = Path(path)
        try:
            proc = subprocess.run(self.command(path.name, labels), cwd=path.parent or ".",
                                  capture_output=True, timeout=self.timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            return _timed_out(exc.stdout or b"", self.timeout)
        out = proc.stdout.decode("utf-8", "replace")
        if "Reading source file" not in out:
            return Verdict("crash", output=(out + proc.stderr.decode("utf-8", "replace"))[-3000:])
        verdict = parse_metamath_output(out)
        if proc.returncode < 0 or "?BUG CHECK" in out:
            # it died, or stopped at an internal consistency check; what it
            # rejected before that still stands
            verdict.crashed = True
            if proc.returncode < 0:
                verdict.output += f"\n(killed by signal {-proc.returncode})"
            if verdict.status != "error":
                verdict.status = "crash"
        return verdict


def _timed_out(partial: bytes, timeout: float) -> Verdict:
    """No answer in time.  If it had already reported errors, the file is
    rejected all the same (metamath.exe can take minutes to print them)."""
    note = f"\n(no end within {timeout} s)"
    head = partial[:1 << 21].decode("utf-8", "replace")
    if "Reading source file" in head and "?Error" in head:
        verdict = parse_metamath_output(head)
        verdict.crashed = verdict.timed_out = True
        verdict.output += note
        return verdict
    return Verdict("timeout", output=head[-2000:] + note)


def parse_metamath_output(out: str) -> Verdict:
    """A verdict from metamath.exe's output: every `?Error` is an error (with
    its line and label when given); the 'not proved' warning lists
    incomplete proofs."""
    errors = []
    verifying = out.find("MM> verify proof")
    reading = False
    starts = [m.start() for m in re.finditer(r"^\?Error", out, re.M)] + [len(out)]
    for a, b in zip(starts, starts[1:]):
        block = out[a:b]
        m = _ERROR.match(block)
        # the message: up to the next prompt or blank line, wrapping undone
        msg = " ".join(block.split("\nMM>")[0].split("\n\n")[0].split())
        errors.append((int(m.group(1)) if m else 0, (m.group(3) or "") if m else "", msg[:700]))
        reading |= verifying < 0 or a < verifying
    incomplete = set()
    for m in _UNPROVED.finditer(out):
        incomplete.update(x for x in re.split(r"[\s,]+", m.group(1)) if x)
    status = "error" if errors else ("incomplete" if incomplete else "ok")
    return Verdict(status, errors, incomplete, output=_clip_output(out), reading=reading)


def _clip_output(out: str) -> str:
    keep = [line for line in out.splitlines()
            if not line.startswith(("Metamath - Version", "MM> set ", "Continuous scrolling",
                                    "Screen width"))]
    text = "\n".join(keep)
    return text if len(text) < 4000 else text[:2000] + "\n...\n" + text[-2000:]


# ---------------------------------------------------------------------------
# any verifier on the command line

class Command:
    """An outside verifier given as a command template with `{file}`.  Exit
    status 0 means the file verifies; anything else rejects it."""

    def __init__(self, template: str, timeout: float = 60):
        self.template, self.timeout = template, timeout
        self.args = shlex.split(template)
        if not any("{file}" in a for a in self.args):
            raise ValueError(f"the command {template!r} has no {{file}} placeholder")

    def check(self, path: str | os.PathLike) -> Verdict:
        args = [a.replace("{file}", os.fspath(path)) for a in self.args]
        try:
            proc = subprocess.run(args, capture_output=True, timeout=self.timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return Verdict("timeout", output=f"no answer within {self.timeout} s")
        except OSError as exc:
            return Verdict("crash", output=f"cannot run {args[0]}: {exc}")
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        if proc.returncode < 0:
            return Verdict("crash", output=f"killed by signal {-proc.returncode}\n{out[-2000:]}")
        return Verdict("ok" if proc.returncode == 0 else "error", output=out[-3000:], graded=False)


def make_oracle(spec: str, timeout: float = 60):
    """`metamath` (or `metamath:PROGRAM`) for the built-in metamath.exe
    oracle, else a command template with `{file}`."""
    if spec == "metamath" or spec.startswith("metamath:"):
        program = spec.partition(":")[2] or "metamath"
        return MetamathExe(program, timeout)
    return Command(spec, timeout)


# ---------------------------------------------------------------------------
# comparing

@dataclass
class Comparison:
    agree: bool
    deviation: Optional[str] = None  # a key of DEVIATIONS explaining a difference
    detail: str = ""


def explain(ours: Verdict, theirs: Verdict, data: bytes,
            path: str | os.PathLike | None = None) -> Optional[str]:
    """The documented metamath.exe deviation (a key of DEVIATIONS) that
    explains why it and proofgen differ on this file, if one does.  `path`
    (the file) lets the check for `no-variable-hypotheses` read frames."""
    said = " ".join(theirs.output.split())
    if theirs.status == "crash":
        if "BUG CHECK" in said and b"\x00" in data and "E0101" in ours.codes:
            return "nul-byte"
        if "DETECTED BUG 1765" in said and path is not None and _includes_top(path):
            return "self-inclusion"
    if not ours.accepts and theirs.status in ("ok", "incomplete"):
        codes = set(ours.codes)
        if "E0101" in codes and b"\x0b" in data:
            return "vt-byte"
        if "E0101" in codes and b"\x00" in data and "not an ASCII file" in said:
            return "nul-byte"
        if "E0502" in codes:
            return "second-float"
        if "E0201" in codes and any("outside ${ $} blocks" in e[2] for e in ours.errors):
            return "include-in-block"
        if "E0503" in codes:
            return "retyped-variable"
        if "E0813" in codes and _after_z(ours, data):
            return "double-z"
        if codes == {"E0808"} and path is not None and _variable_free(ours, path):
            return "no-variable-hypotheses"
        if codes <= {"E0801", "E0810"} and _glued_parenthesis(ours, data):
            return "glued-parenthesis"
    if theirs.status == "error" and ours.status in ("ok", "incomplete"):
        if "declares a local label" in said:
            return "z-after-hypothesis"
        if "uses obsolete compression" in said:
            return "obsolete-compression"
        if path is not None and _included_by_two_names(path):
            return "include-by-two-names"
    return None


def _inclusions(path) -> list[tuple[str, str]]:
    """(name as written, real path) of each `$[ $]` in the file and, in
    turn, in the files it includes."""
    top = os.path.realpath(path)
    seen, todo, out = set(), [top], []
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        try:
            with open(f, "rb") as fh:
                data = fh.read(1 << 24)
        except OSError:
            continue
        text = re.sub(rb"(?s)\$\(.*?\$\)", b" ", data)  # comments may stand inside $[ $]
        for m in re.finditer(rb"\$\[\s+(\S+)\s+\$\]", text):
            name = m.group(1).decode("latin-1")
            real = os.path.realpath(os.path.join(os.path.dirname(f), name))
            out.append((name, real))
            if os.path.isfile(real):
                todo.append(real)
    return out


def _includes_top(path) -> bool:
    top = os.path.realpath(path)
    return any(real == top for _, real in _inclusions(path))


def _included_by_two_names(path) -> bool:
    names: dict[str, set] = {}
    for name, real in _inclusions(path):
        if os.path.isfile(real):
            names.setdefault(real, set()).add(name)
    return any(len(v) > 1 for v in names.values())


def _glued_parenthesis(ours: Verdict, data: bytes) -> bool:
    """Is every error a compressed proof whose `(` or `)` is glued to a
    neighbouring token (`(wi`, `ax-mp)`, `)ABC`)?"""
    text = re.sub(rb"(?s)\$\(.*?\$\)", b" ", data)
    glued = re.search(rb"(?<![^\s])\(\S|\S\)|\)(?!\s|$)", text) is not None
    return glued and all(("'(" in d.message if d.code == "E0801" else "')'" in d.message)
                         for d in ours.diagnostics if d.severity == "error")


def _after_z(ours: Verdict, data: bytes) -> bool:
    """Is some E0813 ('Z' must follow a completed step) a Z right after a Z?"""
    lines = data.split(b"\n")
    for d in ours.diagnostics:
        if d.code == "E0813" and 0 < d.line <= len(lines):
            before = lines[d.line - 1][:d.column - 1].rstrip()
            if before.endswith(b"Z"):
                return True
    return False


_WANTS = re.compile(r"hypothesis \S+ of '(.+?)' wants")


def _variable_free(ours: Verdict, path) -> bool:
    """Are all of proofgen's errors E0808 mismatches of a hypothesis of an
    assertion with no variables (so no `$f` in its frame)?"""
    cited = set()
    for d in ours.diagnostics:
        m = _WANTS.search(d.message)
        if d.code != "E0808" or not m:
            return False
        cited.add(m.group(1))
    try:
        stmts = {s.label: s for s in load(path).statements()}
    except Exception:  # noqa: BLE001 - no explanation then
        return False
    for lab in cited:
        st = stmts.get(lab)
        if st is None or st.frame is None or any(
                stmts[h].kind == "f" for h in st.frame.hypotheses if h in stmts):
            return False
    return True


def compare(ours: Verdict, theirs: Verdict, data: bytes = b"",
            deviations: bool = True, path: str | os.PathLike | None = None) -> Comparison:
    """Do two verdicts agree on whether the file verifies?  With
    `deviations`, differences explained by DEVIATIONS count as agreement
    (and are named)."""
    if theirs.status in ("crash", "timeout"):
        why = explain(ours, theirs, data, path) if deviations else None
        if why:
            return Comparison(True, why)
        return Comparison(False, None, f"proofgen: {ours.status}\n{ours.output}\n---\n"
                                       f"the other verifier: {theirs.status}\n{theirs.output}")
    same = ours.status == theirs.status if theirs.graded else ours.accepts == theirs.accepts
    detail = (f"proofgen: {ours.status}\n{ours.output}\n---\n"
              f"other: {theirs.status}\n{theirs.output}")
    if not same:
        why = explain(ours, theirs, data, path) if deviations else None
        return Comparison(True, why) if why else Comparison(False, None, detail)
    if theirs.crashed:
        crash = "crash-after-error"
        if "DETECTED BUG 1765" in theirs.output and path is not None and _includes_top(path):
            crash = "self-inclusion"
        if theirs.timed_out:
            crash = "slow-errors"
        return Comparison(True, crash)
    if theirs.graded and ours.status != "ok" and not (ours.reading or theirs.reading):
        # every proof is checked on its own: the same proofs must fail
        differ = _failing(ours) ^ _failing(theirs)
        whys = {explain(_only(ours, lab), _only(theirs, lab), data, path) if deviations else None
                for lab in differ}
        if None in whys:
            return Comparison(False, None, f"different proofs fail: {sorted(differ)[:10]}\n"
                                           + detail)
        return Comparison(True, min(whys) if whys else None)
    return Comparison(True)


def _failing(v: Verdict) -> set:
    """(label, kind) of every proof a verdict rejects or finds incomplete."""
    bad = {label for _, label, _ in v.errors}
    return {(lab, "error") for lab in bad} | {(lab, "incomplete") for lab in v.incomplete - bad}


def _only(v: Verdict, item: tuple) -> Verdict:
    """The part of a verdict about one proof."""
    label = item[0]
    errors = [e for e in v.errors if e[1] == label]
    diags = [d for d in v.diagnostics if d.label == label]
    incomplete = v.incomplete & {label}
    status = "error" if errors else ("incomplete" if incomplete else "ok")
    return dataclasses.replace(v, status=status, errors=errors, incomplete=incomplete,
                               codes=[d.code for d in diags], diagnostics=diags)
