"""`proofgen dedup` (run/merge.py): runs merged without repeating a
theorem, each kept from the first run that has it, checked inputs, and
clear refusals."""
import hashlib
import json
import os
import shutil

import pytest

from proofgen.cli import main
from proofgen.emit.shards import read_shard
from proofgen.resources import bundled_database


def _records(folder):
    m = json.loads(open(os.path.join(folder, "manifest.json")).read())
    return [r for e in m["shards"] for r in read_shard(os.path.join(folder, e["path"]))]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    out = []
    for seed, styles in ((1, "mm,steps"), (2, "mm,steps"), (3, "mm")):
        run = d / f"s{seed}"
        assert main(["generate", "--count", "200", "--seed", str(seed), "--styles", styles,
                     "--out", str(run)]) == 0
        out.append(str(run))
    return out


def test_each_theorem_is_kept_once_from_the_first_run_that_has_it(runs, tmp_path, capsys):
    out = tmp_path / "merged"
    assert main(["dedup", *runs, "-o", str(out)]) == 0
    assert "distinct theorems" in capsys.readouterr().out
    got = _records(str(out))
    inputs = [_records(r) for r in runs]
    first = {}                                    # hash -> the first run having it
    for k, recs in enumerate(inputs):
        for r in recs:
            first.setdefault(r["metadata"]["hash"], k)
    want = [r for k, recs in enumerate(inputs) for r in recs
            if first[r["metadata"]["hash"]] == k]
    assert [r["id"] for r in got] == [r["id"] for r in want]      # all of them, in order
    assert len({r["metadata"]["hash"] for r in got}) == len(first)
    shared = sum(len(recs) for recs in inputs) - len(got)
    assert shared > 0                      # the seeds overlap on the bundled calculus
    m = json.loads((out / "manifest.json").read_text())
    assert m["format"] == "proofgen-dedup/1" and m["records"] == len(got)
    assert m["dropped_records"] == shared
    assert [i["kept_records"] for i in m["inputs"]] == \
        [sum(1 for r in recs if first[r["metadata"]["hash"]] == k)
         for k, recs in enumerate(inputs)]
    for e in m["shards"]:
        data = (out / e["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == e["sha256"] and len(data) == e["bytes"]


def test_refusals_name_the_problem(runs, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["dedup", runs[0], runs[0], "-o", str(out)]) == 1
    assert "twice" in capsys.readouterr().err
    assert main(["dedup", runs[0], "-o", runs[0]]) == 1
    assert "one of the runs" in capsys.readouterr().err
    assert main(["dedup", runs[0], "-o", str(out)]) == 0
    assert main(["dedup", runs[0], "-o", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["dedup", runs[0], runs[1], "-o", str(out), "--force"]) == 0
    # another database: hashes are not comparable
    other_db = tmp_path / "other.mm"
    other_db.write_text(open(bundled_database()).read() + "\n$( another file $)\n")
    other = tmp_path / "other"
    assert main(["generate", "--db", str(other_db), "--count", "20", "--out", str(other)]) == 0
    capsys.readouterr()
    assert main(["dedup", runs[0], str(other), "-o", str(tmp_path / "x")]) == 1
    assert "different databases" in capsys.readouterr().err
    # a damaged run is refused before anything is written
    broken = tmp_path / "broken"
    shutil.copytree(runs[2], broken)
    shard = next(p for p in (broken / "shards").iterdir() if p.name.endswith(".zst"))
    shard.write_bytes(shard.read_bytes()[:-10])
    assert main(["dedup", runs[0], str(broken), "-o", str(tmp_path / "y")]) == 1
    assert "shards/" in capsys.readouterr().err
    assert not (tmp_path / "y" / "manifest.json").exists()
