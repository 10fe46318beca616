"""`proofgen report`: pictures and a summary of a finished run."""
from __future__ import annotations

import json
import os

import pytest

from proofgen.cli import main
from proofgen.run.report import ReportError, collect, write_report
from proofgen.emit.shards import read_shard

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("report") / "run")
    assert main(["generate", "--count", "300", "--unit-size", "100", "--seed", "5",
                 "--renderings", "2", "--out", out]) == 0
    return out


def test_report_draws_every_picture_and_states_the_run(run, tmp_path, capsys):
    out = str(tmp_path / "rep")
    assert main(["report", run, "-o", out]) == 0
    assert "report.md" in capsys.readouterr().err
    for name in ("depth.png", "steps.png", "length.png", "tokens.png", "assertions.png"):
        data = open(os.path.join(out, name), "rb").read()
        assert data.startswith(PNG) and len(data) > 5000, name
    md = open(os.path.join(out, "report.md")).read()
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    assert f"{manifest['theorems']:,} shipped" in md
    assert f"tokens: {manifest['tokens']:,}" in md
    for style, n in manifest["tokens_by_style"].items():
        assert f"| {style} | {manifest['records_by_style'][style]:,} | {n:,} |" in md
    for name in ("depth.png", "assertions.png"):
        assert f"]({name})" in md


def test_report_figures_come_from_the_shipped_theorems_and_records(run):
    data = collect(run)
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    assert len(data["depth"]) == len(data["steps"]) == manifest["theorems"] == 300
    # the same theorems as the shards' records, by their own metadata
    seen = {}
    tokens = {}
    for entry in manifest["shards"]:
        for rec in read_shard(os.path.join(run, entry["path"])):
            m = rec["metadata"]
            if m["role"] == "theorem":     # lemma records: the lemmas records cite
                seen[m["hash"]] = (m["depth"], m["steps"], m["statement_nodes"])
            tokens.setdefault(m["style"], []).append(m["tokens"])
    assert sorted(seen.values()) == sorted(zip(data["depth"].tolist(), data["steps"].tolist(),
                                               data["length"].tolist()))
    assert {s: sorted(v) for s, v in data["per_record"].items()} == \
        {s: sorted(v) for s, v in tokens.items()}
    assert data["records_read"] == manifest["records"] == 600 + manifest["budget"]["lemma_records"]
    assert sum(data["used"].values()) > 0 and "ax-mp" in data["used"]
    # a sample of the records: the count says so
    assert collect(run, max_records=50)["records_read"] == 50


def test_report_states_token_outliers_and_redundancy_per_style(run, tmp_path):
    import zstandard
    texts, largest = {}, {}
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    for entry in manifest["shards"]:
        for rec in read_shard(os.path.join(run, entry["path"])):
            m = rec["metadata"]
            texts.setdefault(m["style"], []).append(rec["text"])
            if m["tokens"] > largest.get(m["style"], (-1,))[0]:
                largest[m["style"]] = (m["tokens"], rec["id"])
    data = collect(run)
    assert data["largest"] == largest
    md = open(write_report(run, str(tmp_path / "rep"))).read()
    for style, parts in texts.items():
        raw = "".join(parts).encode()      # the whole run is under the sample size
        ratio = len(raw) / len(zstandard.ZstdCompressor(level=19).compress(raw))
        assert abs(data["zstd"][style] - ratio) < 1e-9
        tokens, rid = largest[style]
        # nothing is over the default budget of 8,192 tokens in this run
        assert f"| {style} |" in md and f"{tokens:,} (`{rid}`) | 0 | {ratio:.1f}x |" in md


def test_report_errors_are_clear(run, tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 1
    assert "not a finished run" in capsys.readouterr().err
    import shutil
    broken = str(tmp_path / "broken")
    shutil.copytree(run, broken)
    manifest = json.load(open(os.path.join(broken, "manifest.json")))
    shard = os.path.join(broken, manifest["shards"][1]["path"])
    data = bytearray(open(shard, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(shard, "wb").write(bytes(data))
    with pytest.raises(ReportError, match="unit-000001"):
        write_report(broken)
    assert main(["report", broken]) == 1
    err = capsys.readouterr().err
    assert "unit-000001" in err and "Traceback" not in err


def test_cat_into_a_closed_pipe_is_quiet(run):
    import subprocess
    import sys
    done = subprocess.run(f"{sys.executable} -m proofgen cat {run} | head -n 1",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1 and done.stderr == ""
