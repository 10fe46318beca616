"""Fast start: `proofgen verify` of a .mm file imports only the kernel and
the command line, not the factory (explore, emit, run), Metamath Zero or
their libraries; and the parser built for one subcommand is the full one's
(benchmarks/bench_startup.py times the whole command)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from proofgen import cli

HILBERT = ROOT / "mm_databases" / "hilbert.mm"

#: run a command as an entry point would, then list the modules it imported
ENTRIES = {
    "console script": "from proofgen.cli import main\ncode = main(sys.argv[1:])\n",
    "python -m": "try:\n    runpy.run_module('proofgen', run_name='__main__', alter_sys=True)\n"
                 "except SystemExit as exc:\n    code = exc.code\n",
}
NOT_IMPORTED = ("proofgen.explore", "proofgen.emit", "proofgen.run", "proofgen.mm0",
                "proofgen.syntax", "proofgen.learn", "proofgen.fuzz", "numpy", "zstandard",
                "lark", "orjson", "multiprocessing")


def modules_after(entry: str, *args: str) -> tuple[int, list[str]]:
    script = ("import runpy, sys\nsys.argv[0] = 'proofgen'\n" + ENTRIES[entry]
              + "import json\nprint(json.dumps([code, sorted(sys.modules)]))\n")
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert "Traceback" not in proc.stderr, proc.stderr
    code, modules = json.loads(proc.stdout.splitlines()[-1])
    return code, modules


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@pytest.mark.parametrize("extra", [(), ("--engine", "python"), ("--json", "--jobs", "2")])
def test_verify_imports_only_the_kernel(entry, extra):
    code, modules = modules_after(entry, "verify", str(HILBERT), *extra)
    assert code == 0
    assert "proofgen.kernel.api" in modules
    wrong = [m for m in modules if any(m == x or m.startswith(x + ".") for x in NOT_IMPORTED)]
    assert not wrong, f"proofgen verify imported {wrong}"


def _help(parser, prefix: str = "") -> dict[str, str]:
    """The help of the parser and of every subcommand (and theirs), by name."""
    out = {prefix: parser.format_help()}
    if parser._subparsers is not None:
        for name, sub in parser._subparsers._group_actions[0].choices.items():
            out.update(_help(sub, f"{prefix} {name}".strip()))
    return out


def test_commands_lists_every_subcommand():
    names = list(cli.build_parser()._subparsers._group_actions[0].choices)
    assert list(cli.COMMANDS) == names


@pytest.mark.parametrize("command", cli.COMMANDS)
def test_a_parser_for_one_subcommand_is_the_full_one(command):
    full, lazy = _help(cli.build_parser()), _help(cli.build_parser(command))
    assert lazy[""] == full[""]
    mine = {k: v for k, v in full.items() if k.split(" ")[0] == command}
    assert mine and all(lazy[k] == v for k, v in mine.items())
