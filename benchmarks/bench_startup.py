#!/usr/bin/env python3
"""The whole `proofgen verify` command on small databases, start-up included.

Goal (issue 21, fast start): `proofgen verify ql.mm` in at most 40 ms wall.

In one run, round-robin, best of N wall times of:

* ``proofgen``    -- the console script `proofgen verify DB` (the README's
                     entry), found next to this interpreter, else on PATH;
* ``python -m``   -- `python -m proofgen verify DB` from the repository root;
* ``proofgen -j1`` -- the console script with `--jobs 1` (no worker processes);
* ``metamath``    -- metamath.exe `read DB`, `verify proof *`, `exit`;

on ql.mm, demo0.mm (when the Debian databases are installed) and the bundled
hilbert.mm; and, for context, the bare interpreter: `python -c pass` (what
`site` and the environment's .pth files cost every Python command) and
`python -S -c pass`.  Ratios are proofgen / metamath, and proofgen less the
bare interpreter.  `--importtime K` adds the K slowest imports of one
`proofgen verify` (from `-X importtime`).

Python runs with its bytecode cached, as in an install (PYTHONPYCACHEPREFIX
set to a temporary folder, warmed by one untimed round), even where the
environment says PYTHONDONTWRITEBYTECODE; `--as-is` keeps the environment.

Only the standard library is used; runs are timed with `bench_verify`'s
`run_measured` (a child reaped with os.wait4).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_verify import (REPO_ROOT, BenchError, check_proofgen, metamath_checker,  # noqa: E402
                          positive_int, run_measured, tail)

DEBIAN = Path("/usr/share/metamath/databases")
BUNDLED = REPO_ROOT / "proofgen" / "data" / "hilbert.mm"
GOAL_S = 0.040


def databases() -> list[Path]:
    found = [DEBIAN / "ql.mm", DEBIAN / "demo0.mm", BUNDLED]
    return [p for p in found if p.is_file()]


def console_script() -> list[str]:
    """The `proofgen` script installed for this interpreter (a version
    manager's shim on PATH would add its own start-up), else PATH's."""
    beside = Path(sys.executable).with_name("proofgen")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("proofgen")
    if found is None:
        raise BenchError("no `proofgen` console script (pip install -e .)")
    return [found]


def configs(dbs: list[Path], metamath: str) -> list[tuple[str, list[str], Path, object]]:
    """(name, argv, cwd, check) for every run, in round-robin order."""
    out = []
    script = console_script()
    for db in dbs:
        out.append((f"proofgen {db.name}", [*script, "verify", str(db)], REPO_ROOT,
                    check_proofgen))
        out.append((f"python -m {db.name}", [sys.executable, "-m", "proofgen", "verify",
                                             str(db)], REPO_ROOT, check_proofgen))
        out.append((f"proofgen -j1 {db.name}", [*script, "verify", str(db), "--jobs", "1"],
                    REPO_ROOT, check_proofgen))
        out.append((f"metamath {db.name}", [metamath, f'read "{db.name}"', "verify proof *",
                                            "exit"], db.parent, metamath_checker(False)))
    out.append(("python -c pass", [sys.executable, "-c", "pass"], REPO_ROOT, check_proofgen))
    out.append(("python -S -c pass", [sys.executable, "-S", "-c", "pass"], REPO_ROOT,
                check_proofgen))
    return out


def importtime(db: Path, top: int) -> list[str]:
    """The `top` imports of one `python -m proofgen verify DB` with the
    largest cumulative time, as 'ms module' lines (nesting kept)."""
    import subprocess
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "proofgen", "verify",
                          str(db)], cwd=REPO_ROOT, capture_output=True, text=True)
    rows = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    rows.sort(reverse=True)
    return [f"{us / 1000:7.1f} ms {name}" for us, name in rows[:top]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time whole `proofgen verify` commands on "
                                     "small databases against metamath.exe, in one run.")
    parser.add_argument("--repeat", type=positive_int, default=10, metavar="N",
                        help="runs of each command, best of N (default: %(default)s)")
    parser.add_argument("--metamath", default="metamath", help="metamath.exe command")
    parser.add_argument("--importtime", type=int, default=0, metavar="K",
                        help="also list the K slowest imports of proofgen verify")
    parser.add_argument("--as-is", action="store_true",
                        help="keep the environment's bytecode settings (default: cached "
                        "bytecode in a temporary folder)")
    args = parser.parse_args(argv)
    if args.as_is:
        return measure(args)
    with tempfile.TemporaryDirectory(prefix="bench-startup-pyc-") as cache:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = cache
        return measure(args, warmup=1)


def measure(args, warmup: int = 0) -> int:
    if warmup:
        print("bytecode: cached (a temporary folder, warmed by an untimed round)")
    else:
        print("bytecode: as the environment has it"
              + (" (PYTHONDONTWRITEBYTECODE: never cached)"
                 if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""))
    if shutil.which(args.metamath) is None:
        raise BenchError(f"{args.metamath!r} not found on PATH (--metamath CMD)")
    dbs = databases()
    runs = configs(dbs, args.metamath)
    walls: dict[str, list[float]] = {name: [] for name, *_ in runs}
    for round_no in range(warmup + args.repeat):
        for name, cmd, cwd, check in runs:
            done = run_measured(cmd, cwd)
            try:
                check(done)
            except BenchError as exc:
                raise BenchError(f"{name}: {exc}\n{tail(done.output)}") from None
            if round_no >= warmup:
                walls[name].append(done.sample.wall_s)
    best = {name: min(w) for name, w in walls.items()}
    width = max(map(len, best))
    print(f"{'command':<{width}}  {'best':>8}  {'median':>8}   (best of {args.repeat}, "
          f"round-robin; nproc {os.cpu_count()})")
    for name, w in walls.items():
        print(f"{name:<{width}}  {1000 * best[name]:6.1f}ms  "
              f"{1000 * statistics.median(w):6.1f}ms")
    bare = best["python -c pass"]
    print()
    result = ["RESULT"]
    for db in dbs:
        pg, mm = best[f"proofgen {db.name}"], best[f"metamath {db.name}"]
        print(f"{db.name}: proofgen / metamath {pg / mm:.1f}x; proofgen less python -c pass "
              f"{1000 * (pg - bare):.1f} ms" + ("; goal <= 40 ms "
                                               + ("met" if pg <= GOAL_S else "not met")
                                               if db.name == "ql.mm" else ""))
        result.append(f"{db.stem}={1000 * pg:.0f}ms/mm{1000 * mm:.0f}ms")
    result += [f"python-c-pass={1000 * bare:.0f}ms",
               f"python-S={1000 * best['python -S -c pass']:.0f}ms", f"best-of={args.repeat}"]
    print("\n" + " ".join(result))
    if args.importtime and dbs:
        print(f"\nslowest imports of proofgen verify {dbs[0].name} (cumulative):")
        print("\n".join(importtime(dbs[0], args.importtime)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_startup: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nbench_startup: interrupted", file=sys.stderr)
        sys.exit(130)
