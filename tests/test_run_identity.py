"""One driver per run folder, and a run never mixes two jobs or two wordings."""
import fcntl
import glob
import json
import os
import subprocess
import sys

import pytest

from proofgen.cli import main
from proofgen.emit.shards import read_shard


def records(run):
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    return [r for e in manifest["shards"] for r in read_shard(os.path.join(run, e["path"]))]


def test_a_held_lock_refuses_a_second_driver(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    with open(out / "run.lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write("pid 1 on elsewhere\n")
        held.flush()
        assert main(["generate", "--count", "20", "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert "is being written by another proofgen run (pid 1 on elsewhere)" in err
        # --force cannot pull the run from under its driver either
        assert main(["generate", "--count", "20", "--out", str(out), "--force"]) == 1
        assert "is being written by another proofgen run" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["run.lock"]
    assert main(["generate", "--count", "20", "--out", str(out)]) == 0


@pytest.mark.parametrize("seeds", [(1, 1), (1, 2)])
def test_two_drivers_at_once_never_mix(tmp_path, seeds):
    out = str(tmp_path / "run")
    procs = [subprocess.Popen([sys.executable, "-m", "proofgen", "generate", "--count", "4000",
                               "--unit-size", "500", "--styles", "mm", "--seed", str(s),
                               "--out", out], stderr=subprocess.PIPE, text=True)
             for s in seeds]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    for status, err in results:
        assert "internal error" not in err and "Traceback" not in err, err
        assert status in (0, 1)
        if status == 1:
            assert "being written by another proofgen run" in err or "another job" in err, err
    winners = [seeds[i] for i, (status, _) in enumerate(results) if status == 0]
    assert winners
    # whatever happened, the folder holds one seed's run, whole, and a
    # rerun of the winner's command finds it complete and the same
    got = records(out)
    theorems = [r for r in got if r["metadata"]["role"] == "theorem"]   # and lemma records
    assert {r["metadata"]["seed"] for r in got} == {winners[0]} and len(theorems) == 4000
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert len(got) == manifest["records"] == 4000 + manifest["budget"]["lemma_records"]
    assert main(["cat", out, "--limit", "1"]) == 0


TEMPLATE = 'assertion ax-mp : "detachment" ;\n'


def test_resume_with_other_templates_is_refused(tmp_path, monkeypatch, capsys):
    out = str(tmp_path / "run")
    argv = ["generate", "--count", "60", "--unit-size", "20", "--styles", "en", "--out", out]
    assert main(argv) == 0
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["templates"]["files"] == ["set.tpl", "setclass.tpl", "hilbert.tpl"]
    mine = tmp_path / "mine.tpl"
    mine.write_text(TEMPLATE)
    monkeypatch.setenv("PROOFGEN_TEMPLATES", str(mine))
    os.unlink(glob.glob(os.path.join(out, "done", "*.json"))[0])     # as if interrupted
    assert main(argv) == 1
    assert "other English templates" in capsys.readouterr().err
    monkeypatch.delenv("PROOFGEN_TEMPLATES")
    assert main(argv) == 0


def test_a_worker_refuses_a_folder_that_holds_another_job(tmp_path):
    from proofgen.explore.run import GenerateConfig
    from proofgen.run import JobConfig
    from proofgen.run.tasks import RunIdentityError, Worker
    from proofgen.resources import bundled_database
    out = str(tmp_path / "run")
    assert main(["generate", "--count", "20", "--out", out]) == 0
    have = json.load(open(os.path.join(out, "job.json")))
    mine = Worker(bundled_database(), JobConfig(GenerateConfig(count=20, seed=99)), out)
    with pytest.raises(RunIdentityError, match="no longer holds this worker's job"):
        mine.check_identity()
    same = Worker(bundled_database(), JobConfig(GenerateConfig(count=20)), out)
    same._fingerprint = have["fingerprint"]
    same.check_identity()                       # the run's own job: fine
    same._templates = "0" * 64
    with pytest.raises(RunIdentityError, match="English templates"):
        same.check_identity()
