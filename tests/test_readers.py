"""Readers (`cat`, `report`, `export-mm`) trust only what the manifest
vouches for, and never print a record of a damaged frame."""
import json
import os
import random
import shutil

import pytest

from proofgen.cli import main
from proofgen.emit.shards import ShardWriter, read_shard


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("readers") / "run")
    assert main(["generate", "--count", "400", "--unit-size", "100", "--styles", "mm,en",
                 "--out", out]) == 0
    return out


@pytest.fixture
def run(reference, tmp_path):
    out = str(tmp_path / "run")
    shutil.copytree(reference, out)
    return out


def shard(run, k=1):
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    return os.path.join(run, manifest["shards"][k]["path"])


def cat(capsys, *argv):
    status = main(["cat", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def shipped(run):
    """Records the manifest says the run holds: 400 theorems in two styles
    (one rendering each, picked among them), plus the cited lemmas' records."""
    m = json.load(open(os.path.join(run, "manifest.json")))
    assert m["theorems"] == 400
    return m["records"]


def test_an_intact_run_reads_in_full(run, capsys):
    want = shipped(run)
    status, out, err = cat(capsys, run)
    assert status == 0 and len(out.splitlines()) == want and err == ""
    assert sum(1 for x in out.splitlines() if json.loads(x)["metadata"]["role"] == "theorem") \
        == 400


def _rewrite(path, records):
    w = ShardWriter(path)
    for r in records:
        w.write(r)
    w.close()


@pytest.mark.parametrize("damage", ["cut", "emptied", "duplicated", "edited", "stray",
                                    "missing"])
def test_damaged_runs_are_refused_before_any_record(run, capsys, damage):
    path = shard(run)
    records = list(read_shard(path))
    if damage == "cut":              # at a frame boundary: every frame left is whole
        _rewrite(path, records[:len(records) // 2])
    elif damage == "emptied":
        open(path, "wb").close()
    elif damage == "duplicated":
        _rewrite(path, records + records[:5])
    elif damage == "edited":
        records[3]["text"] = records[3]["text"].replace("ph", "ps", 1)
        _rewrite(path, records)
    elif damage == "stray":
        shutil.copy(path, os.path.join(run, "shards", "unit-009999.jsonl.zst"))
    elif damage == "missing":
        os.unlink(path)
    status, out, err = cat(capsys, run)
    assert status == 1 and out == ""
    assert "shards" in err and "--no-verify" in err
    assert main(["report", run]) == 1
    assert main(["export-mm", run, "-o", os.path.join(os.path.dirname(run), "x.mm")]) == 1
    assert not os.path.exists(os.path.join(os.path.dirname(run), "x.mm"))


def test_a_cut_theorem_file_is_refused_by_export(run, capsys, tmp_path):
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    path = os.path.join(run, manifest["theorem_files"][0]["path"])
    data = open(path, "rb").read()
    open(path, "wb").write(data[:len(data) // 2])
    assert main(["export-mm", run, "-o", str(tmp_path / "x.mm")]) == 1
    assert "cut short or changed" in capsys.readouterr().err
    assert not (tmp_path / "x.mm").exists()


def test_an_unfinished_run_is_refused_and_read_only_when_asked(run, capsys):
    want = shipped(run)
    os.unlink(os.path.join(run, "manifest.json"))
    status, out, err = cat(capsys, run)
    assert status == 1 and out == "" and "not a finished run" in err
    status, out, err = cat(capsys, run, "--no-verify")
    assert status == 0 and len(out.splitlines()) == want
    assert "warning" in err and "not a finished run" in err


def test_bit_flips_never_print_an_altered_record(run, capsys):
    path = shard(run)
    original = open(path, "rb").read()
    # every record of the run as `cat` prints it, before any damage
    good = {json.dumps(r, ensure_ascii=False) for i in range(4) for r in read_shard(shard(run, i))}
    rng = random.Random(5)
    for _ in range(40):
        data = bytearray(original)
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
        open(path, "wb").write(bytes(data))
        # with the manifest check: refused outright
        assert cat(capsys, run)[0] == 1
        # without it: frame checksums still stop every altered record
        status, out, err = cat(capsys, run, "--no-verify")
        printed = out.splitlines()
        assert status == 1, f"flip at {at} read as good"
        assert all(line in good for line in printed), f"flip at {at}: altered record printed"
        assert "damaged shard" in err
    open(path, "wb").write(original)
