"""Work units, executors, resume and global dedup (the run stage)."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofgen.emit.records import StyleMix
from proofgen.emit.shards import read_shard
from proofgen.explore.run import GenerateConfig
from proofgen.run import JobConfig, LocalExecutor, RayExecutor, run_job
from proofgen.run.job import JobError
from proofgen.run.tasks import Unit, Worker, partition_slice, partitioned, unit_hashes

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
HILBERT = os.path.join(ROOT, "mm_databases", "hilbert.mm")
STYLES = "mm,steps,hier,latex"
VOLATILE = ("cpu_seconds", "executor")


def job(count=600, unit_size=100, **kw):
    return JobConfig(GenerateConfig(count=count, seed=4, **kw), StyleMix.parse(STYLES, 2),
                     unit_size=unit_size)


def dataset(out) -> dict:
    """Every file of the finished dataset, by path, and the manifest without
    its timing fields."""
    files = {}
    for sub in ("shards", "theorems"):
        for name in sorted(os.listdir(os.path.join(out, sub))):
            with open(os.path.join(out, sub, name), "rb") as f:
                files[f"{sub}/{name}"] = f.read()
    manifest = json.loads(open(os.path.join(out, "manifest.json")).read())
    for k in VOLATILE:
        manifest.pop(k)
    files["manifest"] = manifest
    return files


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ref") / "run")
    run_job(HILBERT, job(), out, LocalExecutor(1))
    return out


@settings(max_examples=50, deadline=None)
@given(hashes=st.lists(st.integers(0, 2 ** 64 - 1), unique=True, max_size=60),
       partitions=st.integers(1, 9))
def test_hash_files_group_by_partition(hashes, partitions):
    data = partitioned(np.array(hashes, dtype=np.uint64), partitions)
    assert sorted(unit_hashes(data).tolist()) == sorted(hashes)
    for p in range(partitions):
        mine = partition_slice(data, p, partitions).tolist()
        assert mine == [h for h in hashes if h % partitions == p]   # unit order kept
    with pytest.raises(ValueError):
        partition_slice(data, 0, partitions + 1)


def _claim_for(j, folder):
    """The folder claimed for job `j`, as a driver does before its workers
    write (they refuse a folder that holds another job)."""
    from proofgen.emit.english import templates_fingerprint
    from proofgen.run.layout import write_json
    write_json(os.path.join(str(folder), "job.json"),
               {"fingerprint": j.fingerprint(), "templates_sha256": templates_fingerprint()})


def test_a_unit_is_a_pure_function_of_the_unit(tmp_path):
    """One warm worker: unit 0, unit 1, unit 0 again give the same bytes
    (the kernel forgets a unit's theorems afterwards)."""
    _claim_for(job(), tmp_path)
    w = Worker(HILBERT, job(), str(tmp_path))
    first = w.generate(Unit(0, 100))
    data = open(tmp_path / first["staging"]["path"], "rb").read()
    w.generate(Unit(1, 100))
    again = w.generate(Unit(0, 100))
    assert open(tmp_path / again["staging"]["path"], "rb").read() == data
    assert again["staging"]["sha256"] == first["staging"]["sha256"]


def test_global_dedup_keeps_the_first_unit_and_the_count_asked_for(reference):
    manifest = json.loads(open(os.path.join(reference, "manifest.json")).read())
    dd = manifest["dedup"]
    assert dd["dropped_theorems"] > 0                  # units did overlap: dedup was tested
    # 600 distinct theorems asked for: units were added to make up for the
    # duplicates, and the last unit's tail beyond 600 is not shipped
    assert manifest["theorems"] == manifest["requested"] == 600
    units = manifest["units"]
    assert units > 6
    assert dd["generated_theorems"] - dd["dropped_theorems"] - dd["beyond_count"] == 600
    owner, order = {}, []
    for u in range(units):
        data = np.load(os.path.join(reference, "hashes", f"unit-{u:06d}.npy"))
        for h in unit_hashes(data):
            key = f"{int(h):016x}"
            if key not in owner:
                owner[key] = u
    seen = {}
    records = lemma_records = 0
    for entry in manifest["shards"]:
        u = int(entry["path"].split("-")[1].split(".")[0])
        for rec in read_shard(os.path.join(reference, entry["path"])):
            h = rec["metadata"]["hash"]
            if rec["metadata"]["role"] == "lemma":     # cited by a record of the unit
                lemma_records += 1
                continue
            assert owner[h] == u                       # kept where it first appeared
            assert seen.setdefault(h, u) == u          # and nowhere else
            if not order or order[-1] != h:
                order.append(h)
            records += 1
    assert len(seen) == 600 == len(order)
    assert records == 2 * 600
    assert records + lemma_records == manifest["records"]
    assert lemma_records == manifest["budget"]["lemma_records"]
    # only the last shipping unit's tail (and units after it) go unshipped
    assert len(owner) == 600 + dd["beyond_count"]
    last = max(seen.values())
    assert all(owner[h] >= last for h in set(owner) - set(seen))
    # the theorem files hold exactly the shipped theorems (and cited lemmas)
    shipped = set()
    for entry in manifest["theorem_files"]:
        for rec in read_shard(os.path.join(reference, entry["path"])):
            if rec["role"] == "theorem":
                shipped.add(rec["hash"])
    assert shipped == set(seen)
    assert not os.path.exists(os.path.join(reference, "staging"))


@pytest.mark.parametrize("partitions", [3, 7])
def test_partition_count_does_not_change_the_dataset(reference, tmp_path, partitions):
    j = job()
    j.partitions = partitions
    out = str(tmp_path / "run")
    run_job(HILBERT, j, out, LocalExecutor(1))
    mine, ref = dataset(out), dataset(reference)
    assert mine.pop("manifest")["dedup"]["partitions"] == partitions
    ref.pop("manifest")
    assert mine == ref


def test_two_local_workers_make_the_same_dataset(reference, tmp_path):
    out = str(tmp_path / "run")
    m = run_job(HILBERT, job(), out, LocalExecutor(2))
    assert m["executor"] == {"executor": "local", "workers": 2, "lost_workers": 0,
                             "resent_tasks": 0}
    assert dataset(out) == dataset(reference)


def test_rerun_resumes_and_repairs(reference, tmp_path):
    import shutil
    out = str(tmp_path / "run")
    shutil.copytree(reference, out)
    # a final shard damaged, another unit's marker lost, a stale temporary
    shard = os.path.join(out, "shards", "unit-000002.jsonl.zst")
    data = bytearray(open(shard, "rb").read())
    data[10] ^= 0xFF
    open(shard, "wb").write(bytes(data))
    os.unlink(os.path.join(out, "done", "unit-000004.json"))
    open(os.path.join(out, "shards", "unit-000001.jsonl.zst.999.tmp"), "wb").write(b"junk")
    done = []
    run_job(HILBERT, job(), out, LocalExecutor(1), progress=lambda s: done.append(dict(s)))
    assert dataset(out) == dataset(reference)
    units = json.loads(open(os.path.join(out, "manifest.json")).read())["units"]
    assert done[-1]["resumed"] == units - 2    # units 2 and 4 lost their staging: redone
    assert not [n for n in os.listdir(os.path.join(out, "shards")) if n.endswith(".tmp")]


class _LosesAWorkerMidWrite(LocalExecutor):
    """Does the work, and leaves behind what a worker lost while writing a
    shard leaves: a half-written file under its temporary name."""

    def start(self, db_path, job, out, state=None):
        self.out = out
        super().start(db_path, job, out, state)

    def run(self, tasks, done):
        tasks = list(tasks)
        if tasks and tasks[0][0] == "finalize":
            os.makedirs(os.path.join(self.out, "shards"), exist_ok=True)
            open(os.path.join(self.out, "shards", "unit-000001.jsonl.zst.99999.tmp"),
                 "wb").write(b"\x28\xb5")
        super().run(tasks, done)


def test_a_lost_workers_half_written_file_is_not_left_in_the_dataset(reference, tmp_path):
    out = str(tmp_path / "run")
    run_job(HILBERT, job(), out, _LosesAWorkerMidWrite(1))
    assert dataset(out) == dataset(reference)


def test_another_job_in_the_same_folder_is_refused(reference, tmp_path):
    import shutil
    out = str(tmp_path / "run")
    shutil.copytree(reference, out)
    with pytest.raises(JobError, match="another job"):
        run_job(HILBERT, job(count=700), out, LocalExecutor(1))
    os.makedirs(tmp_path / "other")
    open(tmp_path / "other" / "notes.txt", "w").write("mine")
    with pytest.raises(JobError, match="not empty"):
        run_job(HILBERT, job(), str(tmp_path / "other"), LocalExecutor(1))


def test_extract_units_slice_the_proofs(tmp_path):
    j = JobConfig(GenerateConfig(generator="extract", count=10_000),
                  StyleMix.parse("mm"), units=3)
    out = str(tmp_path / "run")
    m = run_job(HILBERT, j, out, LocalExecutor(1))
    one = JobConfig(GenerateConfig(generator="extract", count=10_000), StyleMix.parse("mm"))
    m1 = run_job(HILBERT, one, str(tmp_path / "one"), LocalExecutor(1))
    # the same proofs, cut in three: every theorem of the whole run is made,
    # some more than once across units (dedup keeps one)
    assert m["units"] == 3 and m["theorems"] >= m1["theorems"] > 0
    assert m["dedup"]["dropped_theorems"] >= 0


def _proofs_before(path, label):
    """`$p` statements before the statement `label`, read from the text."""
    import re
    text = re.sub(r"\$\(.*?\$\)", " ", open(path).read(), flags=re.S)
    n = 0
    for m in re.finditer(r"(\S+)\s+\$([aefp])\s", text):
        if m.group(1) == label:
            return n
        n += m.group(2) == "p"
    raise AssertionError(label)


def test_extract_from_and_to_labels_take_that_range_of_proofs(tmp_path):
    first, stop = _proofs_before(HILBERT, "mpd"), _proofs_before(HILBERT, "com12")
    assert 0 < first < stop
    ranged = JobConfig(GenerateConfig(generator="extract", count=10_000, from_label="mpd",
                                      to_label="com12"), StyleMix.parse("mm"), units=2)
    m = run_job(HILBERT, ranged, str(tmp_path / "ranged"), LocalExecutor(1))
    g = m["config"]["generate"]
    assert (g["first_proof"], g["proofs"]) == (first, stop - first)
    # the same theorems as the numbered range
    numbered = JobConfig(GenerateConfig(generator="extract", count=10_000, first_proof=first,
                                        proofs=stop - first), StyleMix.parse("mm"), units=2)
    m2 = run_job(HILBERT, numbered, str(tmp_path / "numbered"), LocalExecutor(1))

    def hashes(out, manifest):
        return sorted(r["hash"] for e in manifest["theorem_files"]
                      for r in read_shard(os.path.join(out, e["path"])) if r["role"] == "theorem")
    assert hashes(str(tmp_path / "ranged"), m) == hashes(str(tmp_path / "numbered"), m2)
    assert 0 < m["theorems"] < run_job(HILBERT, JobConfig(GenerateConfig(
        generator="extract", count=10_000), StyleMix.parse("mm")), str(tmp_path / "all"),
        LocalExecutor(1))["theorems"]
    # the same command again resumes the finished run (the fingerprint is the resolved one)
    again = run_job(HILBERT, ranged, str(tmp_path / "ranged"), LocalExecutor(1))
    assert again["theorems"] == m["theorems"]
    # --proofs caps the range
    capped = JobConfig(GenerateConfig(generator="extract", count=10_000, from_label="mpd",
                                      proofs=2), StyleMix.parse("mm"))
    g = run_job(HILBERT, capped, str(tmp_path / "capped"), LocalExecutor(1))["config"]["generate"]
    assert (g["first_proof"], g["proofs"]) == (first, 2)


def test_extract_range_errors_are_clear(tmp_path, capsys):
    from proofgen.cli import main
    base = ["generate", "--db", HILBERT, "--generator", "extract", "--styles", "mm"]
    # found when the database is read, before --out is touched
    assert main(base + ["--from", "nosuch", "--out", str(tmp_path / "a")]) == 1
    assert "--from nosuch: no statement of the database has this label" in \
        capsys.readouterr().err
    assert main(base + ["--from", "com12", "--to", "mpd", "--out", str(tmp_path / "b")]) == 1
    assert "--to must come after --from" in capsys.readouterr().err
    assert main(["generate", "--db", HILBERT, "--from", "mpd", "--out",
                 str(tmp_path / "c")]) == 1
    assert "--from and --to slice the database's proofs" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "a") and not os.path.exists(tmp_path / "b")


# -- SIGKILL at several points, then resume --------------------------------

def _command(out, workers):
    return [sys.executable, "-m", "proofgen", "generate", "--out", out, "--count", "1500",
            "--unit-size", "100", "--seed", "4", "--styles", STYLES, "--renderings", "2",
            "--workers", str(workers), "--partitions", "3"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("whole") / "run")
    subprocess.run(_command(out, 1), check=True, capture_output=True, timeout=600)
    return dataset(out)


def _count(out, sub):
    folder = os.path.join(out, sub)
    return len([n for n in os.listdir(folder) if n.endswith(".json")]) \
        if os.path.isdir(folder) else 0


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("kill_when", [
    ("units", 1), ("units", 9), ("dedup", 1), ("done", 4), ("done", 12),
    ("units", 16)])          # 15 planned units: the 16th is added to make up the count
def test_sigkill_then_resume_gives_the_uninterrupted_dataset(uninterrupted, tmp_path,
                                                             kill_when, workers):
    out = str(tmp_path / "run")
    proc = subprocess.Popen(_command(out, workers), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    sub, n = kill_when
    deadline = time.time() + 300
    while proc.poll() is None and _count(out, sub) < n and time.time() < deadline:
        time.sleep(0.005)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    assert killed, "the run ended before the kill point"
    assert not os.path.exists(os.path.join(out, "manifest.json"))
    done = subprocess.run(_command(out, workers), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert dataset(out) == uninterrupted


# -- Ray -------------------------------------------------------------------

ray = pytest.importorskip("ray")


@pytest.mark.slow
def test_ray_executor_makes_the_local_dataset(reference, tmp_path):
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        out = str(tmp_path / "run")
        m = run_job(HILBERT, job(), out, RayExecutor(workers=2))
        assert m["executor"]["workers"] == 2
        assert dataset(out) == dataset(reference)
    finally:
        ray.shutdown()


@pytest.mark.slow
def test_ray_survives_losing_a_node(reference, tmp_path):
    from ray.cluster_utils import Cluster
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0})
    nodes = [cluster.add_node(num_cpus=1) for _ in range(3)]
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False)
    removed = []

    def progress(stats):
        # after the first units are in, a node goes away with its actor
        if stats["generated"] >= 1 and not removed:
            removed.append(nodes[1])
            cluster.remove_node(nodes[1], allow_graceful=False)

    try:
        out = str(tmp_path / "run")
        m = run_job(HILBERT, job(count=3000), out, RayExecutor(workers=3), progress=progress)
        assert removed
        assert m["executor"]["lost_workers"] == 1 and m["executor"]["resent_tasks"] >= 1
        ref = str(tmp_path / "local")
        run_job(HILBERT, job(count=3000), ref, LocalExecutor(1))
        assert dataset(out) == dataset(ref)
    finally:
        ray.shutdown()
        cluster.shutdown()


# -- cluster/ ------------------------------------------------------------------

def test_cluster_files_are_valid_and_their_commands_parse():
    import shlex

    import yaml

    from proofgen.cli import build_parser
    cluster = os.path.join(ROOT, "cluster")
    up = yaml.safe_load(open(os.path.join(cluster, "ray-cluster-aws.yaml")))
    assert up["head_node_type"] in up["available_node_types"]
    assert up["available_node_types"]["head"]["resources"] == {"CPU": 0}
    docs = list(yaml.safe_load_all(open(os.path.join(cluster, "kuberay-rayjob.yaml"))))
    rayjob = next(d for d in docs if d["kind"] == "RayJob")
    argv = shlex.split(rayjob["spec"]["entrypoint"])
    assert argv[0] == "proofgen"
    args = build_parser().parse_args(argv[1:])       # the entrypoint is a valid command
    assert args.executor == "ray" and args.address == "auto" and args.out.startswith("/data")
    pvc = next(d for d in docs if d["kind"] == "PersistentVolumeClaim")
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    submit = open(os.path.join(cluster, "submit.sh")).read()
    assert "proofgen generate --executor ray --address auto" in submit


def test_force_replaces_a_run_whatever_proofgen_wrote_in_it(reference, tmp_path, capsys):
    """--force starts over in a folder holding a grown plan (plan.json) and
    a report: only proofgen's own files are there, so nothing is refused."""
    import shutil
    from proofgen.cli import main
    out = str(tmp_path / "run")
    shutil.copytree(reference, out)
    assert os.path.exists(os.path.join(out, "plan.json"))        # units were added
    assert main(["report", out]) == 0
    assert main(["generate", "--out", out, "--count", "50", "--unit-size", "50"]) == 1
    assert "another job" in capsys.readouterr().err
    assert main(["generate", "--out", out, "--count", "50", "--unit-size", "50",
                 "--force"]) == 0
    assert json.loads(open(os.path.join(out, "manifest.json")).read())["theorems"] == 50
    assert not os.path.exists(os.path.join(out, "plan.json"))
    assert not os.path.exists(os.path.join(out, "report"))
    # a file that is not proofgen's is never removed: the folder is refused
    open(os.path.join(out, "notes.txt"), "w").write("mine")
    assert main(["generate", "--out", out, "--count", "60", "--force"]) == 1
    assert "not empty" in capsys.readouterr().err
    assert open(os.path.join(out, "notes.txt")).read() == "mine"
