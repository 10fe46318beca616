"""`export-mm` of multi-unit runs verifies in both verifiers; labels are
unique by construction; the export never overwrites its inputs and never
reports success for a file that does not verify."""
import glob
import json
import os
import subprocess

import pytest

from conftest import metamath_available
from proofgen.cli import main
from proofgen.emit.shards import read_shard as _read

SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")


def label_statements(run_dir):
    """label -> the distinct exact statements (hypotheses, conclusion, $d)
    the run's theorem files give it."""
    seen = {}
    for f in glob.glob(os.path.join(run_dir, "theorems", "*.jsonl.zst")):
        for rec in _read(f):
            exact = (tuple(h["statement"] for h in rec["hypotheses"]), rec["statement"],
                     tuple(map(tuple, rec["disjoint"])))
            seen.setdefault(rec["label"], set()).add(exact)
    return seen


def both_verify(mm, tmp_path):
    assert main(["verify", str(mm)]) == 0
    assert metamath_available()
    done = subprocess.run(["metamath", f'read "{os.path.basename(mm)}"', "verify proof *",
                           "exit"], cwd=os.path.dirname(mm), capture_output=True, text=True,
                          timeout=900)
    assert "All proofs in the database were verified" in done.stdout, done.stdout[-2000:]
    assert "?Error" not in done.stdout


@pytest.mark.slow
@needs_set_mm
def test_multi_unit_set_mm_extract_export_verifies_in_both_verifiers(tmp_path):
    out = tmp_path / "run"
    # 3,600 proofs: with instances of database assertions dropped (a third
    # of the candidates here), still more than 5,000 theorems
    assert main(["generate", "--db", SET_MM, "--generator", "extract", "--proofs", "3600",
                 "--units", "4", "--count", "100000", "--styles", "mm", "--out",
                 str(out)]) == 0
    # units made the same lemmas under other variable names; none shares a label
    clashes = {lab: st for lab, st in label_statements(out).items() if len(st) > 1}
    assert clashes == {}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["theorems"] > 5000 and len(manifest["shards"]) == 4
    mm = tmp_path / "extract.mm"
    assert main(["export-mm", str(out), "--db", SET_MM, "-o", str(mm)]) == 0
    both_verify(mm, tmp_path)


def test_multi_unit_forward_export_verifies_in_both_verifiers(tmp_path):
    out = tmp_path / "run"
    assert main(["generate", "--count", "3000", "--unit-size", "500", "--styles", "mm",
                 "--out", str(out)]) == 0
    assert all(len(st) == 1 for st in label_statements(out).values())
    mm = tmp_path / "forward.mm"
    assert main(["export-mm", str(out), "-o", str(mm)]) == 0
    both_verify(mm, tmp_path)


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("exp") / "run"
    assert main(["generate", "--count", "200", "--styles", "mm", "--out", str(out)]) == 0
    return out


def test_export_refuses_to_overwrite_its_inputs(small_run, tmp_path, capsys):
    import shutil
    from proofgen.resources import bundled_database
    db = tmp_path / "hilbert.mm"
    shutil.copy(bundled_database(), db)
    before = db.read_bytes()
    assert main(["export-mm", str(small_run), "--db", str(db), "-o", str(db)]) == 1
    assert "is the database the run was made from" in capsys.readouterr().err
    assert db.read_bytes() == before
    manifest = small_run / "manifest.json"
    text = manifest.read_text()
    assert main(["export-mm", str(small_run), "-o", str(manifest)]) == 1
    assert "is a file of the run" in capsys.readouterr().err
    assert manifest.read_text() == text


def test_an_export_that_does_not_verify_is_not_written(small_run, tmp_path, capsys):
    import shutil
    import zstandard
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    # a theorem file whose first proof is damaged (still valid JSON)
    path = sorted(glob.glob(str(run / "theorems" / "*.jsonl.zst")))[0]
    recs = list(_read(path))
    recs[0]["proof"]["compressed"] = recs[0]["proof"]["compressed"][:-1] + "Z"
    data = "".join(json.dumps(r) + "\n" for r in recs).encode()
    with open(path, "wb") as f:
        f.write(zstandard.ZstdCompressor().compress(data))
    out = tmp_path / "bad.mm"
    # the manifest check sees the changed file first; past it (--no-verify),
    # the export's own verification is the last line of defence
    assert main(["export-mm", str(run), "-o", str(out)]) == 1
    assert "cut short or changed" in capsys.readouterr().err
    assert main(["export-mm", str(run), "-o", str(out), "--no-verify"]) == 1
    err = capsys.readouterr().err
    assert "the export does not verify" in err and "was not written" in err
    assert not out.exists() and not glob.glob(str(tmp_path / "bad.mm*"))


def test_force_never_removes_what_proofgen_did_not_write(small_run, tmp_path, capsys):
    # a user's folder that happens to use run names, without a job
    mine = tmp_path / "mine"
    for sub in ("theorems", "report", "shards"):
        (mine / sub).mkdir(parents=True)
        (mine / sub / "keep.txt").write_text(sub)
    (mine / "manifest.json").write_text("{}")
    assert main(["generate", "--count", "20", "--out", str(mine), "--force"]) == 1
    assert "holds no proofgen job" in capsys.readouterr().err
    assert sorted(p.name for p in mine.iterdir()) == ["manifest.json", "report", "shards",
                                                      "theorems"]
    assert (mine / "shards" / "keep.txt").read_text() == "shards"
    # a run with a damaged job.json and nothing foreign: --force may replace it
    import shutil
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    (run / "job.json").write_text("{ damaged")
    assert main(["generate", "--count", "20", "--out", str(run), "--force"]) == 0
    assert json.loads((run / "manifest.json").read_text())["theorems"] == 20
