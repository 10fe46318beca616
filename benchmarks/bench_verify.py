#!/usr/bin/env python3
"""Benchmark ``proofgen verify`` against metamath.exe on the same database.

What it measures
----------------
For each configuration below, the wall-clock time, the CPU time (user + sys)
and the peak resident set size of one full verification of a database
(``set.mm`` by default):

* ``metamath``     -- the reference C tool: ``read DB``, ``verify proof *``
* ``proofgen -jN`` -- ``proofgen verify DB --jobs N --engine ENGINE`` (N = 2)
* ``proofgen -j1`` -- the same with ``--jobs 1`` (skip with ``--skip-jobs``)

Why it runs the reference tool every time
-----------------------------------------
The benchmark machine is shared and noisy, so absolute timings taken on
different days cannot be compared.  Instead metamath.exe is timed in the same
run, and the runs are interleaved (metamath, proofgen -j2, proofgen -j1,
metamath, ...) so that any background load hits every configuration alike.
The headline number is the *ratio* proofgen / metamath of the best-of-N
wall times, which is far more stable than either time on its own.

How it measures
---------------
Each tool runs as a child process; ``os.wait4`` returns the child's resource
usage as the kernel recorded it, so no polling is involved.  On Linux
``ru_maxrss`` is in KiB.  Note that for a child that starts worker processes
the kernel reports the *largest single process* among the child and the
descendants it reaped (a maximum, not a sum); CPU times, by contrast, do add
up over all of them.

Only the standard library is used (Python 3.11+).  Run ``--help`` for options.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

DEFAULT_DB = "/usr/share/metamath/databases/set.mm"
REPO_ROOT = Path(__file__).resolve().parent.parent

# Lines of metamath.exe output that the checks below rely on.
MM_ERROR = "?Error"
MM_ALL_VERIFIED = "All proofs in the database were verified"
MM_INCOMPLETE = "statement(s) were not proved"
MM_SOURCE_STATS = re.compile(
    r"The source has (\d+) statements; (\d+) are \$a and (\d+) are \$p")


class BenchError(Exception):
    """A failure to report to the user as a plain message, not a traceback."""


# --------------------------------------------------------------------------
# Running and measuring one child process
# --------------------------------------------------------------------------

@dataclass
class Sample:
    """The measurements of one run."""
    wall_s: float
    cpu_s: float
    maxrss_kib: int


@dataclass
class Completed:
    """One finished run: its measurements, exit status and combined output."""
    sample: Sample
    returncode: int
    output: str


def run_measured(argv: list[str], cwd: Path) -> Completed:
    """Run *argv* in *cwd*, return its wall/CPU time, peak RSS and output.

    Output goes to a temporary file rather than a pipe, so the parent never
    has to read while the child runs and ``os.wait4`` can reap it directly.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT)
        except OSError as exc:
            raise BenchError(f"cannot run {shlex.join(argv)}: {exc}") from None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    sample = Sample(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
                    maxrss_kib=usage.ru_maxrss)
    return Completed(sample, proc.returncode, output)


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


def tail(text: str, lines: int = 15) -> str:
    """The last *lines* lines of *text*, indented for an error message."""
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (no output)"


# --------------------------------------------------------------------------
# The configurations being compared
# --------------------------------------------------------------------------

@dataclass
class Config:
    """One tool invocation to benchmark, and how to tell that it succeeded."""
    name: str
    argv: list[str]
    cwd: Path
    check: Callable[[Completed], None] = field(repr=False)
    samples: list[Sample] = field(default_factory=list)
    last_output: str = field(default="", repr=False)


def metamath_checker(allow_incomplete: bool) -> Callable[[Completed], None]:
    """metamath.exe exits 0 even on errors, so inspect what it printed."""
    def check(run: Completed) -> None:
        errors = run.output.count(MM_ERROR)
        if errors:
            raise BenchError(f"metamath reported {errors} error(s); output "
                             f"ends with:\n" + tail(run.output))
        verified = MM_ALL_VERIFIED in run.output or (
            allow_incomplete and MM_INCOMPLETE in run.output)
        if run.returncode != 0 or not verified:
            hint = (" (use --allow-incomplete to accept unproved statements)"
                    if MM_INCOMPLETE in run.output else "")
            raise BenchError(
                f"metamath did not verify the database{hint}; it "
                f"{describe_exit(run.returncode)}, output ends with:\n"
                + tail(run.output))
    return check


def check_proofgen(run: Completed) -> None:
    if run.returncode != 0:
        raise BenchError(
            f"proofgen {describe_exit(run.returncode)}; output ends with:\n"
            + tail(run.output))


def metamath_config(command: list[str], db: Path,
                    allow_incomplete: bool) -> Config:
    # metamath.exe's READ takes a path; running in the database's folder and
    # passing the (quoted) basename sidesteps its command-line quoting rules.
    argv = [*command, f'read "{db.name}"', "verify proof *", "exit"]
    return Config("metamath", argv, db.parent,
                  metamath_checker(allow_incomplete))


def proofgen_config(command: list[str], db: Path, jobs: int, engine: str,
                    allow_incomplete: bool) -> Config:
    argv = [*command, "verify", str(db), "--jobs", str(jobs),
            "--engine", engine]
    if allow_incomplete:
        argv.append("--allow-incomplete")
    # Run from the repository root so that `python -m proofgen` finds the
    # in-tree package even when it is not installed.
    return Config(f"proofgen -j{jobs} {engine}", argv, REPO_ROOT,
                  check_proofgen)


def build_configs(args: argparse.Namespace, db: Path) -> list[Config]:
    """The configurations, in the order they are interleaved."""
    configs = [
        metamath_config(args.metamath, db, args.allow_incomplete),
        proofgen_config(args.proofgen, db, args.jobs, args.engine,
                        args.allow_incomplete),
    ]
    if not args.skip_jobs:
        configs.append(proofgen_config(args.proofgen, db, 1, args.engine,
                                       args.allow_incomplete))
    return configs


# --------------------------------------------------------------------------
# Before and during the benchmark
# --------------------------------------------------------------------------

def require_executable(command: list[str], option: str) -> None:
    if shutil.which(command[0]) is None:
        raise BenchError(f"{command[0]!r} not found on PATH "
                         f"(set it with {option} CMD)")


def preflight(args: argparse.Namespace) -> None:
    """Fail fast, before minutes of benchmarking, if a tool is unusable."""
    require_executable(args.metamath, "--metamath")
    require_executable(args.proofgen, "--proofgen")
    probe = run_measured([*args.proofgen, "verify", "--help"], REPO_ROOT)
    if probe.returncode != 0:
        raise BenchError(
            f"`{shlex.join(args.proofgen)} verify --help` "
            f"{describe_exit(probe.returncode)}; is proofgen installed and "
            f"built?\n"
            + tail(probe.output))


def run_benchmark(configs: list[Config], repeat: int) -> None:
    """Run every configuration *repeat* times, interleaved round by round."""
    total = repeat * len(configs)
    done = 0
    for round_no in range(1, repeat + 1):
        for config in configs:
            done += 1
            print(f"[{done}/{total}] round {round_no}: {config.name} ...",
                  end=" ", flush=True)
            run = run_measured(config.argv, config.cwd)
            try:
                config.check(run)
            except BenchError:
                print("FAILED", flush=True)
                print(f"  command: {shlex.join(config.argv)}  (cwd "
                      f"{config.cwd})", file=sys.stderr)
                raise
            config.samples.append(run.sample)
            config.last_output = run.output
            s = run.sample
            print(f"{s.wall_s:.2f} s wall, {s.cpu_s:.2f} s cpu, "
                  f"{mib(s.maxrss_kib):.0f} MiB", flush=True)


# --------------------------------------------------------------------------
# Context: the machine and the database
# --------------------------------------------------------------------------

def machine_info() -> dict:
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
                .isoformat(timespec="seconds"),
        "host": platform.node(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "proofgen_commit": git_commit(),
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit() -> str | None:
    """The repository's current commit, if there is one (read-only query)."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                cwd=REPO_ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def db_info(db: Path) -> dict:
    digest = hashlib.sha256()
    with open(db, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return {"path": str(db), "bytes": db.stat().st_size,
            "sha256": digest.hexdigest()}


def metamath_db_stats(output: str) -> str | None:
    """metamath's own count of statements, as a sanity line for the report."""
    match = MM_SOURCE_STATS.search(output)
    if not match:
        return None
    statements, axioms, theorems = match.groups()
    return f"{statements} statements, {axioms} $a, {theorems} $p"


# --------------------------------------------------------------------------
# Summarising and reporting
# --------------------------------------------------------------------------

def mib(kib: int) -> float:
    return kib / 1024


def summarize(config: Config) -> dict:
    walls = [s.wall_s for s in config.samples]
    return {
        "command": shlex.join(config.argv),
        "wall_best_s": min(walls),
        "wall_median_s": statistics.median(walls),
        "cpu_median_s": statistics.median(s.cpu_s for s in config.samples),
        "peak_rss_mib": mib(max(s.maxrss_kib for s in config.samples)),
        "samples": [asdict(s) for s in config.samples],
    }


def ratios(summaries: dict[str, dict], parallel: str,
           serial: str | None) -> dict:
    mm, pg = summaries["metamath"], summaries[parallel]
    result = {
        "time_ratio": pg["wall_best_s"] / mm["wall_best_s"],
        "rss_ratio": pg["peak_rss_mib"] / mm["peak_rss_mib"],
        "jobs_speedup": None,
    }
    if serial is not None:
        result["jobs_speedup"] = (summaries[serial]["wall_best_s"]
                                  / pg["wall_best_s"])
    return result


def print_report(machine: dict, db: dict, db_stats: str | None,
                 summaries: dict[str, dict], parallel: str,
                 serial: str | None, r: dict, repeat: int) -> None:
    print()
    print(f"machine : {machine['cpu']}, nproc={machine['nproc']} "
          f"(usable {machine['usable_cpus']}), load at start "
          f"{' '.join(map(str, machine['loadavg_at_start']))}")
    print(f"python  : {machine['python']} on {machine['platform']}")
    print(f"date    : {machine['date']}   proofgen commit: "
          f"{machine['proofgen_commit'] or 'n/a'}")
    print(f"database: {db['path']}  {db['bytes'] / 1e6:.1f} MB  "
          f"sha256 {db['sha256'][:12]}")
    if db_stats:
        print(f"          {db_stats}")
    print()
    width = max(len(name) for name in summaries)
    print(f"{'config':<{width}}  {'best':>8}  {'median':>8}  "
          f"{'cpu med':>8}  {'peak RSS':>10}   (best of {repeat})")
    for name, s in summaries.items():
        print(f"{name:<{width}}  {s['wall_best_s']:>7.2f}s  "
              f"{s['wall_median_s']:>7.2f}s  {s['cpu_median_s']:>7.2f}s  "
              f"{s['peak_rss_mib']:>6.0f} MiB")
    print()
    print(f"time  {parallel} / metamath (best): {r['time_ratio']:.2f}x")
    print(f"RSS   {parallel} / metamath (peak): {r['rss_ratio']:.2f}x")
    if serial is not None:
        print(f"speedup {serial} -> {parallel} (best): "
              f"{r['jobs_speedup']:.2f}x")


def result_line(db: dict, machine: dict, summaries: dict[str, dict],
                parallel: str, serial: str | None, r: dict,
                engine: str, jobs: int, repeat: int) -> str:
    """One line that summarises the run, meant to be pasted into a note."""
    mm, pg = summaries["metamath"], summaries[parallel]
    parts = [
        "RESULT",
        f"db={Path(db['path']).name}@{db['sha256'][:8]}",
        f"engine={engine}",
        f"metamath={mm['wall_best_s']:.2f}s/{mm['peak_rss_mib']:.0f}MiB",
        f"proofgen-j{jobs}={pg['wall_best_s']:.2f}s/"
        f"{pg['peak_rss_mib']:.0f}MiB",
        f"time-ratio={r['time_ratio']:.2f}x",
        f"rss-ratio={r['rss_ratio']:.2f}x",
    ]
    if serial is not None:
        parts.append(f"j1/j{jobs}={r['jobs_speedup']:.2f}x")
    parts += [f"best-of={repeat}", f"nproc={machine['nproc']}",
              f"date={machine['date'][:10]}"]
    return " ".join(parts)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time proofgen verify against metamath.exe, in one run.")
    parser.add_argument("--db", default=DEFAULT_DB, type=Path,
                        help="database to verify (default: %(default)s)")
    parser.add_argument("--repeat", default=3, type=positive_int, metavar="N",
                        help="runs per configuration, best of N "
                             "(default: %(default)s)")
    parser.add_argument("--engine", default="cython",
                        choices=["python", "cython"],
                        help="proofgen engine (default: %(default)s)")
    parser.add_argument("--jobs", default=2, type=positive_int, metavar="N",
                        help="jobs for the parallel proofgen run "
                             "(default: %(default)s)")
    parser.add_argument("--proofgen", type=shlex.split, metavar="CMD",
                        default=[sys.executable, "-m", "proofgen"],
                        help="proofgen command (default: this python -m "
                             "proofgen, run from the repository root)")
    parser.add_argument("--metamath", type=shlex.split, metavar="CMD",
                        default="metamath",
                        help="metamath.exe command (default: %(default)s)")
    parser.add_argument("--skip-jobs", action="store_true",
                        help="skip the --jobs 1 run (no jobs speedup)")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="accept unproved ($= ? $.) statements: pass "
                             "--allow-incomplete to proofgen and accept "
                             "metamath's not-proved warning")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write the results as JSON to FILE")
    args = parser.parse_args(argv)
    if not args.proofgen or not args.metamath:
        parser.error("--proofgen and --metamath need a non-empty command")
    if args.jobs == 1 and not args.skip_jobs:
        args.skip_jobs = True  # the serial run would duplicate the parallel
    return args


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db = args.db.expanduser().resolve()
    if not db.is_file():
        raise BenchError(f"database not found: {db}")
    if args.json and not args.json.resolve().parent.is_dir():
        raise BenchError(f"cannot write {args.json}: no such directory")

    preflight(args)
    machine, info = machine_info(), db_info(db)
    configs = build_configs(args, db)
    run_benchmark(configs, args.repeat)
    db_stats = metamath_db_stats(configs[0].last_output)

    summaries = {c.name: summarize(c) for c in configs}
    parallel = configs[1].name
    serial = configs[2].name if len(configs) > 2 else None
    r = ratios(summaries, parallel, serial)
    print_report(machine, info, db_stats, summaries, parallel, serial, r,
                 args.repeat)
    line = result_line(info, machine, summaries, parallel, serial, r,
                       args.engine, args.jobs, args.repeat)
    print()
    print(line)

    if args.json:
        write_json(args.json, {
            "machine": machine, "database": {**info, "stats": db_stats},
            "settings": {"repeat": args.repeat, "engine": args.engine,
                         "jobs": args.jobs},
            "configs": summaries, "ratios": r, "result": line,
        })
        print(f"(JSON written to {args.json})")
    return 0


def write_json(path: Path, data: dict) -> None:
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BenchError(f"cannot write {path}: {exc}") from None


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_verify: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nbench_verify: interrupted", file=sys.stderr)
        sys.exit(130)
