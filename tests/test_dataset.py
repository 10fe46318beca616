"""A run folder is a dataset people can load: fixed record types, a dataset
card, and Hugging Face `datasets` reading it every way users do."""
import glob
import json
import os

import pytest

from proofgen.cli import main
from proofgen.emit.records import RECORD_SCHEMA
from proofgen.emit.shards import read_shard

datasets = pytest.importorskip("datasets")
SET_MM = "/usr/share/metamath/databases/set.mm"

_PY_TYPES = {"string": str, "int64": int}


def conforms(value, schema) -> list[str]:
    """Where `value` differs from `schema` (field names and exact types)."""
    problems = []
    names = [n for n, _ in schema]
    if not isinstance(value, dict) or list(value) != names:
        return [f"fields {list(value) if isinstance(value, dict) else value!r} != {names}"]
    for name, kind in schema:
        v = value[name]
        if isinstance(kind, list):
            problems += [f"{name}.{p}" for p in conforms(v, kind)]
        elif type(v) is not _PY_TYPES[kind]:
            problems.append(f"{name}: {type(v).__name__} is not {kind}")
    return problems


def card_features(run_dir):
    return datasets.load_dataset(run_dir, split="train").features


def check_loadable(run_dir):
    manifest = json.load(open(os.path.join(run_dir, "manifest.json")))
    shards = sorted(glob.glob(os.path.join(run_dir, "shards", "*.jsonl.zst")))
    assert len(shards) == len(manifest["shards"])
    by_card = datasets.load_dataset(run_dir, split="train")
    by_files = datasets.load_dataset("json", data_files=os.path.join(run_dir, "shards",
                                                                      "*.jsonl.zst"),
                                     split="train")
    assert len(by_card) == len(by_files) == manifest["records"]
    streamed = datasets.load_dataset("json", data_files=shards, split="train", streaming=True)
    assert sum(1 for _ in streamed) == manifest["records"]
    # the property that makes every way of loading work: each shard alone
    # is inferred as exactly the card's schema, whatever its data holds
    for shard in shards:
        alone = datasets.load_dataset("json", data_files=shard, split="train")
        assert alone.features == by_card.features, shard
    assert by_files.features == by_card.features
    return by_card


@pytest.fixture(scope="module")
def hilbert_run(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ds") / "run")
    assert main(["generate", "--count", "600", "--unit-size", "100", "--out", out,
                 "--seed", "3"]) == 0
    return out


def test_every_record_has_the_fixed_schema(hilbert_run):
    n = 0
    for shard in glob.glob(os.path.join(hilbert_run, "shards", "*.jsonl.zst")):
        for rec in read_shard(shard):
            assert conforms(rec, RECORD_SCHEMA) == []
            n += rec["metadata"]["role"] == "theorem"
    assert n == 600


def test_conforms_notices_a_changed_type():
    # the checker above is what the schema test relies on: it must see a
    # list where a string belongs, a missing field, and a null
    rec = {"id": "a", "text": "t", "source": "s", "metadata": {}}
    assert conforms(rec, RECORD_SCHEMA)
    schema = [("a", "string"), ("b", [("c", "int64")])]
    assert conforms({"a": "x", "b": {"c": 1}}, schema) == []
    assert conforms({"a": [], "b": {"c": 1}}, schema)
    assert conforms({"a": None, "b": {"c": 1}}, schema)
    assert conforms({"a": "x", "b": {"c": "1"}}, schema)


def test_hilbert_run_loads_every_way(hilbert_run):
    ds = check_loadable(hilbert_run)
    row = ds[0]
    assert row["metadata"]["style"] in ("mm", "steps", "hier", "en", "latex", "mixed")
    assert row["metadata"]["generator"] == "forward" and row["metadata"]["run_id"]
    assert row["metadata"]["license"] == "cc0-1.0"
    # hypotheses and $d are Metamath text, one hypothesis per line
    with_hyps = [r for r in ds if r["metadata"]["hypotheses"]]
    assert with_hyps and all(line.endswith(" $.") and " $e |- " in line
                             for r in with_hyps for line in r["metadata"]["hypotheses"].split("\n"))


def test_the_card_describes_the_run(hilbert_run):
    text = open(os.path.join(hilbert_run, "README.md")).read()
    head, _, body = text.partition("\n---\n")
    assert head.startswith("---\n") and "path: shards/*.jsonl.zst" in head
    assert "license: cc0-1.0" in head          # hilbert.mm's header dedicates it to CC0
    manifest = json.load(open(os.path.join(hilbert_run, "manifest.json")))
    assert f"{manifest['theorems']:,} verified theorems from hilbert.mm" in body
    assert manifest["database_sha256"] in body and "## Citation" in body
    for style, tokens in manifest["tokens_by_style"].items():
        assert f"| {style} | {manifest['records_by_style'][style]:,} | {tokens:,} |" in body


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")
def test_set_mm_extract_run_loads_every_way(tmp_path):
    out = str(tmp_path / "set")
    assert main(["generate", "--db", SET_MM, "--generator", "extract", "--count", "24000",
                 "--units", "8", "--proofs", "18000", "--styles", "mm,steps,hier",
                 "--workers", "2", "--out", out]) == 0
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["theorems"] >= 20000 and len(manifest["shards"]) >= 8
    ds = check_loadable(out)
    # shards differ in what a list-typed schema would have inferred from
    # them: some records have $d and hypotheses, some have neither
    assert any(r["disjoint"] for r in ds["metadata"])
    assert any(not r["disjoint"] and not r["hypotheses"] for r in ds["metadata"])


def test_a_run_made_again_in_the_same_folder_is_loaded_afresh(tmp_path):
    # `datasets` caches a local folder by its card: two runs in one folder
    # must not share a card, or the second would load the first's records
    out = str(tmp_path / "again")
    for count in (300, 200):
        assert main(["generate", "--count", str(count), "--out", out, "--force"]) == 0
        ds = datasets.load_dataset(out, split="train")
        m = json.load(open(os.path.join(out, "manifest.json")))
        assert len(ds) == m["records"] == count + m["budget"]["lemma_records"]
        assert sum(r["role"] == "theorem" for r in ds["metadata"]) == count
