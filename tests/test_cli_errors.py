"""Ordinary mistakes end in one clear line and the usage-error status, never
in "internal error", and never leave --out claimed; no option is ignored."""
import argparse
import os
import socket
import subprocess
import sys

import pytest

from proofgen.cli import EXIT_USAGE, build_parser, main


def run(capsys, *argv):
    status = main(list(argv))
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
    return status, err


@pytest.mark.parametrize("argv, message", [
    (["--renderings", "7"], "7 distinct renderings per theorem asked for, but only 6 styles"),
    (["--styles", "mm,en", "--renderings", "3"], "only 2 styles are mixed"),
    (["--styles", "mm=nan"], "--styles:"),
    (["--styles", "nosuch"], "unknown style 'nosuch'"),
    (["--address", "auto"], "--address names a Ray cluster; it needs --executor ray"),
    (["--library", "upto:nope"], "--library: no assertion labelled nope"),
    (["--library", "labels:ax-1"], "--library labels:ax-1 has no rule of inference"),
    (["--library", "bogus"], "--library 'bogus': use axioms, all, upto:LABEL or labels:A,B"),
    (["--exclude", "nosuch"], "--exclude: 'nosuch' is neither a label nor a statement"),
    (["--generator", "extract", "--library", "all"], "--library chooses what forward"),
    (["--units", "3"], "--units, --proofs, --from and --to slice the database's proofs"),
    (["--db", "/nonexistent/x.mm"], "--db /nonexistent/x.mm cannot be read: no such file"),
])
def test_generate_mistakes(tmp_path, capsys, argv, message):
    out = tmp_path / "run"
    status, err = run(capsys, "generate", "--count", "20", "--out", str(out), *argv)
    assert status == EXIT_USAGE
    assert message in err
    # one line of error (an informational line about the library may precede it)
    assert len([line for line in err.splitlines() if "error" in line]) == 1
    # the folder is not claimed: the corrected command just runs
    assert not out.exists()


def test_corrected_command_runs_after_a_mistake(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert run(capsys, "generate", "--count", "20", "--out", out, "--exclude", "nope")[0] == 1
    status, err = run(capsys, "generate", "--count", "20", "--out", out, "--exclude", "ax-1")
    assert status == 0 and "20 theorems" in err


def test_bad_out_folders(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("")
    status, err = run(capsys, "generate", "--count", "5", "--out", str(afile))
    assert status == EXIT_USAGE and "exists and is not a folder" in err
    status, err = run(capsys, "generate", "--count", "5", "--out", str(afile / "sub" / "run"))
    assert status == EXIT_USAGE and f"{afile} is not a folder" in err


@pytest.mark.parametrize("argv, message", [
    (["--seed", "-1"], "argument --seed: -1 is negative"),
    (["--seed", str(2 ** 63)], "too large"),
    (["--workers", "-2"], "argument --workers: -2 is negative"),
    (["--units", "-1"], "argument --units: -1 is negative"),
    (["--count", "0"], "argument --count/-n: 0 is not positive"),
])
def test_generate_option_values(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["generate", *argv])
    assert exit_.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_cat_style_must_exist(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["cat", str(tmp_path), "--style", "nosuch"])
    assert exit_.value.code == EXIT_USAGE
    assert "invalid choice: 'nosuch'" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("address, message", [
    (f"127.0.0.1:{_free_port()}", "cannot reach the Ray cluster at 127.0.0.1:"),
    ("nonsense", "--address nonsense: expected auto, HOST:PORT or ray://HOST:PORT"),
])
def test_unreachable_ray_cluster_is_a_clear_error(tmp_path, address, message):
    # a subprocess: the test session may have a Ray of its own initialised
    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "proofgen", "generate", "--count", "10",
                           "--out", str(out), "--executor", "ray", "--address", address],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr and "internal error" not in proc.stderr
    assert not out.exists()


def _options(parser):
    """(command, option, action) for every option of every command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for opt in sub._actions:
                    if opt.option_strings and opt.dest != "help":
                        yield name, opt.option_strings[0], opt


def test_every_option_has_help_and_shows_its_default():
    seen = 0
    for command, option, action in _options(build_parser()):
        seen += 1
        assert action.help, f"{command} {option} has no help"
        if action.default not in (None, False, 0, argparse.SUPPRESS):
            sub = build_parser()._subparsers._group_actions[0].choices[command]
            shown = sub._get_formatter()._get_help_string(action)
            assert "default" in shown, f"{command} {option}: default not shown"
    assert seen > 40


def test_generate_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = capsys.readouterr().out
    assert "examples:" in text and "proofgen generate --db set.mm --generator extract" in text


@pytest.mark.parametrize("argv, message", [
    (["--minutes", "-1"], "argument --minutes: -1 must be >= 0"),
    (["--minutes", "nan"], "argument --minutes: nan must be >= 0"),
    (["--timeout", "0"], "argument --timeout: 0 must be > 0"),
    (["--max-execs", "-5"], "argument --max-execs: -5 must be >= 0"),
])
def test_fuzz_option_values(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        main(["fuzz", *argv])
    assert exit_.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--count", str(10 ** 12)], "is more than one run makes"),
    (["--count", str(10 ** 10)], "makes 10,000,000 units, more than a run keeps track of"),
    (["--unit-size", str(10 ** 7)], "at most 200,000"),
])
def test_counts_a_run_cannot_hold_are_refused_at_once(tmp_path, capsys, argv, message):
    # memory grows with what a run keeps, never with the count asked for
    import resource
    out = tmp_path / "run"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    status, err = run(capsys, "generate", "--out", str(out), *argv)
    assert status == EXIT_USAGE and message in err and not out.exists()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000   # KiB


def test_a_full_disk_is_reported_and_the_run_resumes_identical(tmp_path, capsys, monkeypatch):
    import errno
    import json
    from proofgen.cli import EXIT_IO
    from proofgen.emit import shards
    argv = ["generate", "--count", "600", "--unit-size", "100", "--styles", "mm"]
    ref = str(tmp_path / "ref")
    assert main(argv + ["--out", ref]) == 0
    real = shards.ShardWriter._flush
    calls = []

    def full(self):
        calls.append(1)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, "No space left on device", self.tmp)
        return real(self)
    monkeypatch.setattr(shards.ShardWriter, "_flush", full)
    out = str(tmp_path / "run")
    status, err = run(capsys, *argv, "--out", out)
    assert status == EXIT_IO
    assert "No space left on device" in err and "rerun the same command to resume" in err
    monkeypatch.setattr(shards.ShardWriter, "_flush", real)
    assert run(capsys, *argv, "--out", out)[0] == 0

    def files(d):
        return {p: open(os.path.join(d, p), "rb").read() for sub in ("shards", "theorems")
                for p in (os.path.join(sub, n) for n in sorted(os.listdir(os.path.join(d, sub))))}
    assert files(out) == files(ref)
    m = json.load(open(os.path.join(out, "manifest.json")))
    assert m["records"] == 600 + m["budget"]["lemma_records"] and m["theorems"] == 600
