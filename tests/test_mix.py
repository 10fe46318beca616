"""Mixtures (`--mix`, proofgen/run/mix.py): several generators in one run,
the count split by the weights (largest remainder), units numbered across
generators in the mix's order, global dedup across all of them, each
generator topped up (counted ones) and stopped at its share; per-generator
histograms in the manifest and a per-generator table in the report."""
import glob
import json
import os
import subprocess
from collections import Counter

import pytest

from conftest import metamath_available
from proofgen.cli import EXIT_USAGE, main
from proofgen.emit.shards import read_shard
from proofgen.explore.generators import UnitSpec
from proofgen.explore.run import GenerateConfig
from proofgen.run import JobConfig, mix
from proofgen.run.tasks import Unit

HERE = os.path.dirname(os.path.abspath(__file__))
HILBERT = os.path.join(os.path.dirname(HERE), "mm_databases", "hilbert.mm")
SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")
MIXED = ["generate", "--db", HILBERT, "--mix", "forward=0.5,deep=0.5", "--count", "60",
         "--unit-size", "20", "--styles", "mm,steps", "--seed", "3"]


def rows(out, role="theorem"):
    return [r for p in sorted(glob.glob(os.path.join(out, "theorems", "*")))
            for r in read_shard(p) if r["role"] == role]


def files(out):
    got = {os.path.relpath(p, out): open(p, "rb").read()
           for sub in ("shards", "theorems") for p in sorted(glob.glob(os.path.join(out, sub, "*")))}
    m = json.loads(open(os.path.join(out, "manifest.json")).read())
    for k in ("cpu_seconds", "executor"):
        m.pop(k)
    got["manifest"] = m
    return got


# -- the split ----------------------------------------------------------------------
def test_the_count_is_split_by_largest_remainder():
    w = mix.parse("forward=0.5,extract=0.3,statement=0.2")
    assert w == (("forward", 0.5), ("extract", 0.3), ("statement", 0.2))
    assert mix.shares(1000, w) == {"forward": 500, "extract": 300, "statement": 200}
    # 3.5 / 2.1 / 1.4: floors 3, 2, 1; the one left goes to the largest remainder
    assert mix.shares(7, w) == {"forward": 4, "extract": 2, "statement": 1}
    # equal remainders: the order the mix names them
    assert mix.shares(10, mix.parse("deep=1,forward=1,extract=1")) == \
        {"deep": 4, "forward": 3, "extract": 3}
    for n in range(0, 40):
        assert sum(mix.shares(n, w).values()) == n


@pytest.mark.parametrize("text, words", [
    ("forward=0", "positive"), ("forward=-1", "positive"), ("forward=x", "not a number"),
    ("bogus=1", "unknown generator"), ("forward=1,forward=2", "twice"),
    ("forward", "NAME=WEIGHT"), ("", "at least one")])
def test_bad_mixes_are_refused(text, words):
    with pytest.raises(ValueError, match=words):
        mix.parse(text)


def test_a_config_mix_is_checked_like_the_option():
    from proofgen.run.job import JobError
    for bad in ((("forward", 0.0),), (("nope", 1.0),), (("deep", 1.0), ("deep", 2.0))):
        with pytest.raises(JobError):
            JobConfig(GenerateConfig(count=10, mix=bad)).check()
    JobConfig(GenerateConfig(count=10, mix=(("forward", 2), ("deep", 1)))).check()


def test_units_are_numbered_across_generators_and_each_has_its_generator():
    job = JobConfig(GenerateConfig(count=50, mix=mix.parse("forward=0.6,extract=0.4")),
                    unit_size=20, units=2)
    units = job.plan(proof_count=30)
    assert [u.unit for u in units] == list(range(len(units)))
    assert [u.generator for u in units] == ["forward", "forward", "extract", "extract"]
    assert [u.count for u in units[:2]] == [20, 10]
    c = units[2].config(job.generate)
    assert c.generator == "extract" and c.count == 10 and c.proofs == 15
    assert units[0].config(job.generate).generator == "forward"


def test_a_generator_short_after_dedup_is_not_made_up_by_the_others():
    # every generator stops at its share, and one that falls short (after global
    # dedup, once its top-up is exhausted) leaves the run short: the others'
    # surplus is not shipped, so the mixture's proportions hold
    job = JobConfig(GenerateConfig(count=10, mix=mix.parse("forward=1,deep=1")), unit_size=5)
    units = [Unit(0, 5, generator="forward"), Unit(1, 5, generator="deep"),
             Unit(2, 5, generator="forward")]
    assert mix.quotas(job, units, [5, 3, 4]) == {0: 5, 1: 3, 2: 0}
    # the short one, and only it, is topped up, numbered after the last unit
    more = mix.top_up(job, units, [5, 3, 0], fresh={0, 1, 2})
    assert more and all(name == "deep" for _, name in more)
    assert [s.unit for s, _ in more] == list(range(3, 3 + len(more)))
    assert isinstance(more[0][0], UnitSpec)


# -- runs ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("mix") / "run")
    assert main(MIXED + ["--out", out]) == 0
    return out


def test_a_mixed_run_ships_each_generator_its_share(mixed_run):
    m = json.loads(open(os.path.join(mixed_run, "manifest.json")).read())
    assert m["theorems"] == 60 and m["requested"] == 60
    assert m["mix"]["weights"] == {"forward": 0.5, "deep": 0.5}
    assert m["mix"]["shares"] == m["mix"]["theorems"] == {"forward": 30, "deep": 30}
    by = m["by_generator"]
    assert set(by) == {"forward", "deep"}
    for name, g in by.items():
        assert sum(g["histograms"]["depth"].values()) == 30
        assert g["quality"]["theorems"] == 30
    # the run-wide entries are the sums
    for metric, h in m["histograms"].items():
        total = Counter()
        for g in by.values():
            total.update(g["histograms"][metric])
        assert dict(total) == h
    assert m["quality"]["theorems"] == 60
    # deep is deeper than forward in the same run
    assert max(map(int, by["forward"]["histograms"]["depth"])) < \
        max(map(int, by["deep"]["histograms"]["depth"]))
    # theorem rows and records say which generator made them
    made = Counter(r["generator"] for r in rows(mixed_run))
    assert made == {"forward": 30, "deep": 30}
    recs = Counter(r["metadata"]["generator"] for p in glob.glob(
        os.path.join(mixed_run, "shards", "*")) for r in read_shard(p)
        if r["metadata"]["role"] == "theorem")          # not the lemma records
    assert recs == {"forward": 30, "deep": 30}            # one rendering each


def test_a_mixed_run_is_the_same_with_two_workers_and_on_resume(mixed_run, tmp_path):
    two = str(tmp_path / "two")
    assert main(MIXED + ["--out", two, "--workers", "2"]) == 0
    assert files(two) == files(mixed_run)
    # interrupted: a unit's shard and markers gone; the same command resumes
    os.remove(os.path.join(two, "manifest.json"))
    for p in glob.glob(os.path.join(two, "units", "*")):
        if "00002" in os.path.basename(p) or "000002" in os.path.basename(p):
            os.remove(p)
    assert main(MIXED + ["--out", two]) == 0
    assert files(two) == files(mixed_run)


def test_a_mixed_run_exports_and_verifies_and_reports(mixed_run, tmp_path):
    mm = tmp_path / "mix.mm"
    assert main(["export-mm", mixed_run, "--db", HILBERT, "-o", str(mm)]) == 0
    assert main(["verify", str(mm)]) == 0
    assert main(["report", mixed_run, "-o", str(tmp_path / "rep")]) == 0
    text = (tmp_path / "rep" / "report.md").read_text()
    assert "| generator | weight | share | shipped |" in text
    assert "| forward | 0.5 | 30 | 30 |" in text and "| deep | 0.5 | 30 | 30 |" in text


def test_extract_in_a_mix_is_capped_at_its_share(tmp_path):
    out = str(tmp_path / "fx")
    assert main(["generate", "--db", HILBERT, "--mix", "forward=0.5,extract=0.5", "--count",
                 "20", "--unit-size", "10", "--units", "2", "--styles", "mm",
                 "--out", out]) == 0
    m = json.loads(open(os.path.join(out, "manifest.json")).read())
    assert m["mix"]["theorems"] == {"forward": 10, "extract": 10}
    # extract's proofs hold more theorems than its share: it stops at the share
    assert m["by_generator"]["extract"]["generator_counts"]["candidates"] > 10
    assert Counter(r["generator"] for r in rows(out)) == {"forward": 10, "extract": 10}


def test_extract_short_of_its_share_leaves_the_run_short(tmp_path):
    # 15 proofs hold fewer distinct theorems than extract's share (20) once
    # instances of database assertions are dropped and global dedup drops
    # what forward's units (numbered first) made too; a
    # generator cut by proofs is not topped up, and forward does not make up
    # the difference: the run ships 30 + what extract found
    out = str(tmp_path / "short")
    assert main(["generate", "--db", HILBERT, "--mix", "forward=0.6,extract=0.4", "--count",
                 "50", "--unit-size", "20", "--units", "2", "--proofs", "15", "--styles", "mm",
                 "--out", out]) == 0
    m = json.loads(open(os.path.join(out, "manifest.json")).read())
    got = m["mix"]["theorems"]
    assert m["mix"]["shares"] == {"forward": 30, "extract": 20}
    assert got["forward"] == 30 and 0 < got["extract"] < 20
    assert m["theorems"] == 30 + got["extract"]


@pytest.mark.parametrize("extra, words", [
    (["--generator", "deep"], "--mix and --generator deep"),
    (["--from", "mpd"], "no generator of --mix is cut by proofs"),
    (["--proofs", "10"], "no generator of --mix is cut by proofs")])
def test_mix_options_that_do_not_apply_are_usage_errors(extra, words, tmp_path, capsys):
    assert main(MIXED + ["--out", str(tmp_path / "x")] + extra) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
    assert not os.path.exists(tmp_path / "x")


@pytest.mark.parametrize("spec, words", [
    ("forward=0", "positive"), ("nope=1", "unknown generator"),
    ("deep=1,deep=1", "named twice")])
def test_bad_mix_on_the_command_line(spec, words, tmp_path, capsys):
    assert main(["generate", "--db", HILBERT, "--mix", spec, "--out",
                 str(tmp_path / "x")]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1


def test_library_needs_a_mixed_generator_that_cites_one(tmp_path, capsys):
    assert main(["generate", "--db", HILBERT, "--mix", "extract=1", "--library", "all",
                 "--out", str(tmp_path / "x")]) == EXIT_USAGE
    assert "no generator of --mix cites a library" in capsys.readouterr().err
    # the same generator named both ways is one meaning: accepted
    assert main(["generate", "--db", HILBERT, "--mix", "forward=1", "--generator", "forward",
                 "--count", "5", "--styles", "mm", "--out", str(tmp_path / "y")]) == 0


# -- set.mm: forward, extract and statement ------------------------------------------
@pytest.mark.slow
@needs_set_mm
def test_set_mm_mix_of_three_verifies_in_metamath(tmp_path):
    out = tmp_path / "mix"
    assert main(["generate", "--db", SET_MM, "--mix", "forward=0.5,extract=0.3,statement=0.2",
                 "--count", "200", "--unit-size", "50", "--units", "2", "--proofs", "400",
                 "--styles", "mm", "--out", str(out)]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["mix"]["shares"] == {"forward": 100, "extract": 60, "statement": 40}
    got = m["mix"]["theorems"]
    # the counted generators are topped up to their shares; extract (cut by
    # proofs, not topped up) may lose a few to global dedup against forward
    assert got["forward"] == 100 and got["statement"] == 40 and 50 <= got["extract"] <= 60
    assert m["theorems"] == sum(got.values())
    assert m["rejected_by_kernel"] == 0
    assert Counter(r["generator"] for r in rows(str(out))) == m["mix"]["theorems"]
    mm = tmp_path / "mix.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    assert main(["verify", str(mm)]) == 0
    assert metamath_available()
    done = subprocess.run(["metamath", f'read "{mm.name}"', "verify proof *", "exit"],
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=900)
    assert "All proofs in the database were verified" in done.stdout, done.stdout[-2000:]
    assert "?Error" not in done.stdout
