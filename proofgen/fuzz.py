"""`proofgen fuzz`: a long-running fuzzer for Metamath verifiers.

It makes inputs of four kinds, from one seed:

* generated: a random valid database (must verify);
* mutant: a mutation of one (a wrong statement, a dropped step, a removed
  `$d`, a moved hypothesis...; must fail, must pass, or either);
* grammar: a random file from the `.mm` grammar (proofgen/data/mm.lark);
* bytes: byte-level damage to a corpus file or a generated database;

checks each with both proofgen engines in a worker process (so a crash or
a hang is caught, not suffered), and, with `--against`, with another
verifier.  A *finding* is a crash, a hang, a Python traceback, the two
engines disagreeing, a verdict a mutation rules out, or a disagreement
with the other verifier.  Each finding is shrunk (delta debugging over
lines, then tokens) and written with its original to the output directory.

`--against metamath` uses Debian's metamath.exe, reads its verdict from its
messages and ignores its documented deviations from the specification;
`--against "CMD ... {file} ..."` runs any verifier, exit status 0 meaning
"verified".
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

KINDS = ("generated", "mutant", "grammar", "bytes")
WEIGHTS = {"generated": 15, "mutant": 40, "grammar": 20, "bytes": 25}
ROOT = Path(__file__).resolve().parent.parent


def _number(kind, text: str, least: float, strict: bool):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"),) or value < least or (strict and value == least):
        raise argparse.ArgumentTypeError(f"{text} must be {'>' if strict else '>='} {least:g}")
    return value


def _non_negative_float(text: str) -> float:
    return _number(float, text, 0, False)


def _positive_float(text: str) -> float:
    return _number(float, text, 0, True)


def _non_negative_int(text: str) -> int:
    return _number(int, text, 0, False)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `proofgen fuzz`."""
    parser.add_argument("--minutes", type=_non_negative_float, default=10.0,
                        help="how long to run (default 10; fractions allowed)")
    parser.add_argument("--against", metavar="CMD",
                        help="another verifier to compare with: 'metamath' for Debian's "
                             "metamath.exe (documented deviations ignored), or a command "
                             "with {file}, exit status 0 meaning the file verifies")
    parser.add_argument("--out", default="fuzz-findings", metavar="DIR",
                        help="where minimised reproducers go (default fuzz-findings)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the run (default: random; printed at the start)")
    parser.add_argument("--timeout", type=_positive_float, default=20.0, metavar="SECONDS",
                        help="time one input may take in one verifier before it counts "
                             "as a hang (default 20)")
    parser.add_argument("--max-execs", type=_non_negative_int, default=0, metavar="N",
                        help="stop after N inputs (default: no limit)")
    parser.add_argument("--corpus", nargs="*", default=None, metavar="FILE",
                        help=".mm files to damage byte by byte (default: the bundled "
                             "databases); keep them small, every input is checked twice")
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"input kinds to make (default {','.join(KINDS)})")
    parser.add_argument("--minimise-seconds", type=_non_negative_float, default=60.0,
                        metavar="SECONDS",
                        help="time spent shrinking one finding (default 60; 0: do not shrink)")
    parser.add_argument("--max-per-kind", type=_non_negative_int, default=3, metavar="N",
                        help="reproducers written per kind of finding (default 3; the rest "
                             "are counted)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the fuzzer as a program (`python -m proofgen.fuzz ...`)."""
    parser = argparse.ArgumentParser(prog="proofgen fuzz", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


# ---------------------------------------------------------------------------
# the worker: both engines on one file at a time, in a separate process

def _worker() -> int:
    """Read file paths on stdin; answer each with one JSON line."""
    from .testing.oracle import diagnostics_key, run_engines, verdict_of
    for line in sys.stdin:
        path = line.rstrip("\n")
        run = run_engines(path)
        out = {"failures": run.failures, "agree": run.agree, "engines": {}}
        for engine, report in run.reports.items():
            v = verdict_of(report)
            keep = 2000  # plenty for a fuzz input; beyond it only the verdict counts
            out["engines"][engine] = {
                "status": v.status, "reading": v.reading or len(report.diagnostics) > keep,
                "diagnostics": [list(k) for k in diagnostics_key(report)[:keep]],
                "errors": [(line, label, msg[:300]) for line, label, msg in v.errors[:keep]],
                "incomplete": sorted(v.incomplete),
                "messages": [d.message[:300] for d in report.diagnostics[:keep]],
                "counts": [report.statements, report.proofs]}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
    return 0


class Worker:
    """A child process running both engines; restarted after a crash or hang."""

    COMMAND = [sys.executable, "-c", "import sys, proofgen.fuzz as f; sys.exit(f._worker())"]

    def __init__(self, timeout: float, command: Optional[list[str]] = None):
        self.timeout = timeout
        self.command = command or self.COMMAND
        self.proc: Optional[subprocess.Popen] = None

    def _start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
        env.pop("PROOFGEN_DEBUG", None)
        self.proc = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=env,
            preexec_fn=_cap_memory if os.name == "posix" else None)

    def check(self, path: Path) -> dict:
        """{'result': worker answer} or {'hang': True} or {'crash': text}."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc and self.proc.stdin and self.proc.stdout
        try:
            self.proc.stdin.write((str(path) + "\n").encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return {"crash": self._died()}
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        if not ready:
            self.stop()
            return {"hang": True}
        line = self.proc.stdout.readline()
        if not line:
            return {"crash": self._died()}
        return {"result": json.loads(line)}

    def _died(self) -> str:
        assert self.proc
        try:
            self.proc.wait(timeout=5)
            err = self.proc.stderr.read().decode("utf-8", "replace") if self.proc.stderr else ""
        except subprocess.TimeoutExpired:
            err = ""
        status = self.proc.returncode
        self.proc = None
        return f"worker exited with status {status}\n{err[-3000:]}"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def _cap_memory() -> None:
    # a broken resource limit in the kernel must fail the input, not the machine
    try:
        import resource
        cap = 4 << 30
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass


# ---------------------------------------------------------------------------
# inputs

@dataclass
class Case:
    kind: str
    seed: int
    data: bytes
    expect: Optional[str] = None
    files: dict = field(default_factory=dict)
    filename: str = "db.mm"
    note: str = ""


class Inputs:
    """Makes cases from seeds, reproducibly."""

    def __init__(self, kinds: list[str], corpus: list[bytes]):
        from .testing import grammar
        if "grammar" in kinds:
            grammar.grammar_path()  # FileNotFoundError, saying what is missing
        self.kinds = list(kinds)
        self.corpus = corpus

    def make(self, seed: int) -> Case:
        from .testing.choosers import RandomChooser
        from .testing.generate import generate_database
        from .testing.grammar import random_file
        from .testing.mutations import mutate_bytes, mutate_database
        ch = RandomChooser(seed)
        kind = ch.choice([k for k in self.kinds for _ in range(WEIGHTS.get(k, 10))])
        size = ch.choice(["tiny", "small", "small", "medium"])
        if kind == "generated":
            db = generate_database(ch, size)
            return Case(kind, seed, db.text(ch if ch.chance(0.5) else None).encode("ascii"), "ok",
                        note=f"generated ({size})")
        if kind == "mutant":
            db = generate_database(ch, size)
            m = mutate_database(db, ch)
            return Case(kind, seed, m.data, m.expect, dict(m.files), m.filename,
                        f"mutant: {m.operator} {m.target}".strip())
        if kind == "grammar":
            prelude = generate_database(ch, "tiny") if ch.chance(0.6) else None
            text = random_file(ch, prelude, budget=ch.integer(10, 300))
            files = {}
            if ch.chance(0.4):
                # something for its inclusions to find: a fragment, maybe cut short
                inc = random_file(ch, None, budget=ch.integer(1, 40)).encode("ascii")
                if ch.chance(0.3):
                    inc = inc[:ch.integer(0, len(inc))]
                files["inc.mm"] = inc
            return Case(kind, seed, text.encode("ascii"), files=files, note="grammar file")
        sources = self.corpus + [generate_database(ch, size).text().encode("ascii")]
        return Case(kind, seed, mutate_bytes(ch.choice(sources), ch), note="byte mutation")


def default_corpus() -> list[Path]:
    """Small real databases: the bundled ones, and Debian's small examples."""
    from .resources import bundled_databases
    out = [Path(p) for p in bundled_databases()]
    debian = Path("/usr/share/metamath/databases")
    out += [debian / n for n in ("demo0.mm", "miu.mm", "big-unifier.mm") if (debian / n).exists()]
    return out


# ---------------------------------------------------------------------------
# checking one case

@dataclass
class Outcome:
    problems: list          # (kind of finding, detail)
    status: str = ""        # proofgen's verdict
    deviation: str = ""     # a documented deviation of the other verifier
    first_code: str = ""    # proofgen's first diagnostic
    other: str = ""         # the other verifier's verdict

    def signature(self, kind: str) -> tuple:
        """What a shrunk input must still show to count as the same finding."""
        if kind == "expectation":
            return kind, self.status, self.first_code
        if kind == "against":
            return kind, self.status, self.other
        return (kind,)


class Checker:
    def __init__(self, workdir: Path, timeout: float, against: Optional[str]):
        from .testing.oracle import MetamathExe, make_oracle
        self.workdir = workdir
        self.worker = Worker(timeout)
        self.oracle = make_oracle(against, timeout) if against else None
        self.builtin = isinstance(self.oracle, MetamathExe)

    def write(self, case: Case, data: Optional[bytes] = None) -> Path:
        d = self.workdir / "case"
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for name, body in case.files.items():
            (d / name).write_bytes(body)
        path = d / case.filename
        path.write_bytes(case.data if data is None else data)
        return path

    def check(self, case: Case, data: Optional[bytes] = None) -> Outcome:
        from .testing.oracle import Verdict, compare
        data = case.data if data is None else data
        path = self.write(case, data)
        got = self.worker.check(path)
        if "hang" in got:
            return Outcome([("hang", f"no verdict within {self.worker.timeout} s")])
        if "crash" in got:
            return Outcome([("crash", got["crash"])])
        res = got["result"]
        if res["failures"]:
            return Outcome([("traceback", "\n".join(f"{e}:\n{tb}" for e, tb
                                                    in res["failures"].items()))])
        engines = res["engines"]
        first = next(iter(engines.values()))
        status = first["status"]
        problems = []
        if not res["agree"]:
            problems.append(("engines", "\n".join(
                f"{e}: {r['status']} {r['diagnostics'][:10]} counts={r['counts']}"
                for e, r in engines.items())))
        if case.expect and status != case.expect:
            problems.append(("expectation", f"{case.note}: expected {case.expect}, proofgen "
                                            f"says {status}: {first['diagnostics'][:10]}"))
        deviation = other = ""
        if self.oracle is not None:
            ours = _verdict(Verdict, first)
            theirs = self.oracle.check(path)
            other = theirs.status
            cmp = compare(ours, theirs, data, deviations=self.builtin, path=path)
            if not cmp.agree:
                problems.append(("against", cmp.detail[:6000]))
            deviation = cmp.deviation or ""
        first_code = first["diagnostics"][0][3] if first["diagnostics"] else ""
        return Outcome(problems, status, deviation, first_code, other)

    def stop(self) -> None:
        self.worker.stop()


def _verdict(cls, answer: dict):
    from .kernel import Diagnostic
    diags = [Diagnostic(f, line, col, code, label, msg)
             for (f, line, col, code, label), msg in zip(answer["diagnostics"],
                                                         answer["messages"])]
    return cls(answer["status"], [tuple(e) for e in answer["errors"]], set(answer["incomplete"]),
               [d[3] for d in answer["diagnostics"]], diags,
               "\n".join(f"{d[0]}:{d[1]}:{d[2]}: {d[3]} {d[4]}"
                         for d in answer["diagnostics"][:20]),
               reading=answer["reading"])


# ---------------------------------------------------------------------------
# shrinking

def minimise(data: bytes, still_fails: Callable[[bytes], bool], seconds: float) -> bytes:
    """Delta debugging: drop chunks of lines, then of tokens, while the
    failure persists, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    for unit in (rb"[^\n]*\n|[^\n]+", rb"\s*\S+|\s+"):
        parts = re.findall(unit, data)
        n = 2
        while len(parts) >= 2 and time.monotonic() < deadline:
            size = max(1, -(-len(parts) // n))
            for i in range(0, len(parts), size):
                if time.monotonic() >= deadline:
                    break
                candidate = parts[:i] + parts[i + size:]
                if candidate and still_fails(b"".join(candidate)):
                    parts = candidate
                    n = max(n - 1, 2)
                    break
            else:
                if size == 1:
                    break
                n = min(len(parts), n * 2)
        data = b"".join(parts)
    return data


# ---------------------------------------------------------------------------
# the run

class Findings:
    """Writes reproducers: one directory per finding."""

    def __init__(self, out: Path, max_per_kind: int):
        self.out, self.max_per_kind = out, max_per_kind
        self.counts: Counter = Counter()
        self.written: list[Path] = []

    def keep(self, kind: str) -> bool:
        self.counts[kind] += 1
        return self.counts[kind] <= self.max_per_kind

    def write(self, kind: str, case: Case, minimal: bytes, detail: str, against: Optional[str],
              seed: int) -> Path:
        d = self.out / f"{len(self.written) + 1:04d}-{kind}"
        (d / "original").mkdir(parents=True, exist_ok=True)
        for where, body in ((d, minimal), (d / "original", case.data)):
            for name, extra in case.files.items():
                (where / name).write_bytes(extra)
            (where / case.filename).write_bytes(body)
        how = [f"proofgen verify {case.filename}"]
        if against:
            how.append(against.replace("{file}", case.filename) if "{file}" in against
                       else f"metamath 'read \"{case.filename}\"' 'verify proof *' exit")
        (d / "README.txt").write_text(
            f"finding: {kind}\ninput: {case.note} (case seed {case.seed}, run seed {seed})\n"
            f"files: {case.filename} here is the shrunk input ({len(minimal)} bytes); "
            f"original/ holds the input as generated ({len(case.data)} bytes)\n"
            f"reproduce (in this directory):\n  " + "\n  ".join(how) + "\n\n"
            f"what was seen on the original:\n{detail}\n")
        self.written.append(d)
        return d


def run(args: argparse.Namespace) -> int:
    """Run the fuzzer; exit status 0 when nothing was found, 1 otherwise."""
    from .testing.oracle import MetamathExe, make_oracle
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown or not kinds:
        print(f"proofgen fuzz: unknown input kinds {sorted(unknown)}; choose from "
              f"{', '.join(KINDS)}", file=sys.stderr)
        return 2
    if args.against:
        try:
            oracle = make_oracle(args.against, args.timeout)
        except ValueError as exc:
            print(f"proofgen fuzz: {exc}", file=sys.stderr)
            return 2
        if isinstance(oracle, MetamathExe) and not oracle.available():
            print(f"proofgen fuzz: {oracle.program} not found", file=sys.stderr)
            return 2
    grammar_file = None
    if "grammar" in kinds:
        from .testing.grammar import grammar_path
        try:
            grammar_file = grammar_path()
        except FileNotFoundError as exc:
            print(f"proofgen fuzz: error: cannot make grammar inputs: {exc.strerror} "
                  f"({exc.filename}); or leave them out with --kinds "
                  f"{','.join(k for k in kinds if k != 'grammar') or 'generated'}",
                  file=sys.stderr)
            return 2
    corpus_paths = [Path(p) for p in args.corpus] if args.corpus is not None else default_corpus()
    corpus = []
    for p in corpus_paths:
        try:
            data = p.read_bytes()
        except OSError as exc:
            print(f"proofgen fuzz: cannot read {p}: {exc}", file=sys.stderr)
            return 2
        if len(data) > 1 << 20:
            print(f"proofgen fuzz: skipping {p} (over 1 MB; damaged copies would be slow)",
                  file=sys.stderr)
            continue
        corpus.append(data)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    say(f"proofgen fuzz: seed {seed}, {args.minutes:g} min, kinds {','.join(kinds)}"
        + (f", grammar {grammar_file}" if grammar_file else "")
        + (f", against {args.against}" if args.against else ""))
    rng = random.Random(seed)
    inputs = Inputs(kinds, corpus)
    stats: Counter = Counter()
    statuses: Counter = Counter()
    deviations: Counter = Counter()
    findings = Findings(Path(args.out), args.max_per_kind)
    start = time.monotonic()
    deadline = start + args.minutes * 60
    last_note = start
    with tempfile.TemporaryDirectory(prefix="proofgen-fuzz-") as tmp:
        checker = Checker(Path(tmp), args.timeout, args.against)
        execs = 0
        try:
            while time.monotonic() < deadline and (not args.max_execs or execs < args.max_execs):
                case = inputs.make(rng.getrandbits(64))
                outcome = checker.check(case)
                execs += 1
                stats[case.kind] += 1
                statuses[outcome.status or "none"] += 1
                if outcome.deviation:
                    deviations[outcome.deviation] += 1
                for kind, detail in outcome.problems:
                    if not findings.keep(kind):
                        continue
                    minimal = case.data
                    # an expectation belongs to the mutation as made: shrinking
                    # would only find some other file with that verdict
                    if args.minimise_seconds > 0 and kind != "expectation":
                        wanted = outcome.signature(kind)

                        def still(data: bytes, kind=kind, wanted=wanted) -> bool:
                            again = checker.check(case, data)
                            return any(k == kind and again.signature(k) == wanted
                                       for k, _ in again.problems)
                        minimal = minimise(case.data, still, args.minimise_seconds)
                    d = findings.write(kind, case, minimal, detail, args.against, seed)
                    say(f"finding: {kind} ({case.note}) -> {d}")
                now = time.monotonic()
                if now - last_note >= 30:
                    last_note = now
                    say(f"  {execs} inputs, {execs / (now - start):.0f}/s, "
                        f"{sum(findings.counts.values())} findings")
        except KeyboardInterrupt:
            say("proofgen fuzz: interrupted")
        finally:
            checker.stop()
    minutes = (time.monotonic() - start) / 60
    summary = {
        "seed": seed, "minutes": round(minutes, 2), "execs": execs,
        "execs_per_second": round(execs / max(minutes * 60, 1e-9), 1),
        "inputs": dict(stats), "verdicts": dict(statuses),
        "findings": dict(findings.counts), "reproducers": [str(p) for p in findings.written],
    }
    if args.against:
        summary["against"] = args.against
        summary["deviations"] = dict(deviations)
    print(json.dumps(summary, indent=1))
    return 1 if findings.counts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
