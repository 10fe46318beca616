"""The per-record token budget (--max-record-tokens), lemmas cited by
statement and shipped once as their own records, and extract provenance."""
import json
import os
import subprocess

import pytest

from conftest import metamath_available
from proofgen.cli import main
from proofgen.emit.records import DEFAULT_MAX_RECORD_TOKENS
from proofgen.emit.render import INLINING_STYLES
from proofgen.emit.shards import read_shard
from proofgen.emit.tokens import TokenCounter

HERE = os.path.dirname(__file__)
HILBERT = os.path.join(HERE, "..", "mm_databases", "hilbert.mm")
BUDGET = 250          # small enough that hilbert.mm's deeper theorems go over


def _run(out, *args):
    assert main(["generate", "--out", str(out), *args]) == 0
    m = json.loads((out / "manifest.json").read_text())
    recs = [r for e in m["shards"] for r in read_shard(str(out / e["path"]))]
    return m, recs


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory):
    out = tmp_path_factory.mktemp("budget") / "run"
    return (out, *_run(out, "--count", "400", "--seed", "5", "--renderings", "2",
                       "--max-record-tokens", str(BUDGET)))


def test_no_record_is_over_the_budget(budgeted):
    _, m, recs = budgeted
    counter = TokenCounter()
    assert m["tokenizer"]["name"] == counter.name
    for r in recs:
        assert r["metadata"]["tokens"] == counter.count(r["text"]) <= BUDGET
    # the budget did bite: some renderings were left out, some cut to citing
    assert m["budget"]["max_record_tokens"] == BUDGET
    assert m["budget"]["over_budget"] > 0 and m["budget"]["cut_to_cited"] > 0


def test_every_cited_lemma_has_its_record_in_the_run(budgeted):
    _, m, recs = budgeted
    by_label = {}
    for r in recs:
        by_label.setdefault(r["metadata"]["label"], {})[r["metadata"]["style"]] = r
    cited = 0
    for r in recs:
        meta = r["metadata"]
        for lab in meta["cited_lemmas"].split():
            cited += 1
            assert lab in meta["lemmas"].split()
            assert lab in by_label                         # proved in its own record
            if meta["style"] == "mm":                      # to check the block against
                assert "mm" in by_label[lab]
            if meta["style"] in INLINING_STYLES:           # stated where cited
                lemma = next(iter(by_label[lab].values()))["metadata"]
                assert lab in r["text"] and lemma["statement"] in r["text"]
    assert cited > 0
    # a lemma record is shipped because a record of the run cites it
    cited_labels = {x for q in recs for x in q["metadata"]["cited_lemmas"].split()}
    lemmas = [r for r in recs if r["metadata"]["role"] == "lemma"]
    assert lemmas and all(r["metadata"]["label"] in cited_labels for r in lemmas)


def test_the_manifest_counts_add_up(budgeted):
    _, m, recs = budgeted
    b = m["budget"]
    assert m["records"] == len(recs) == sum(m["records_by_style"].values())
    assert m["tokens"] == sum(r["metadata"]["tokens"] for r in recs)
    lemma = [r for r in recs if r["metadata"]["role"] == "lemma"]
    assert b["lemma_records"] == len(lemma) == sum(b["lemma_records_by_style"].values())
    cut = [r for r in recs if r["metadata"]["style"] in INLINING_STYLES
           and r["metadata"]["cited_lemmas"]]
    assert b["cut_to_cited"] == len(cut) == sum(b["cut_to_cited_by_style"].values())
    for s, n in b["cut_to_cited_by_style"].items():
        assert n == sum(r["metadata"]["style"] == s for r in cut)
    assert b["over_budget"] == sum(b["over_budget_by_style"].values())
    # the theorems shipped are those with a theorem record
    assert m["theorems"] == len({r["metadata"]["hash"] for r in recs
                                 if r["metadata"]["role"] == "theorem"})


def _mm_in_order(recs) -> str:
    """Every mm record once, each after the mm records of the lemmas it cites."""
    mm = {r["metadata"]["label"]: r for r in recs if r["metadata"]["style"] == "mm"}
    out, done = [], set()

    def put(label):
        stack = [(label, iter(mm[label]["metadata"]["cited_lemmas"].split()))]
        while stack:
            cur, it = stack[-1]
            for lab in it:
                if lab not in done:
                    done.add(lab)
                    stack.append((lab, iter(mm[lab]["metadata"]["cited_lemmas"].split())))
                    break
            else:
                stack.pop()
                out.append(mm[cur]["text"])

    for label in mm:
        if label not in done:
            done.add(label)
            put(label)
    return "".join(out)


def test_mm_records_verify_after_the_lemma_records_they_cite(budgeted, tmp_path):
    out, m, recs = budgeted
    text = _mm_in_order(recs)
    assert "$( Cites generated lemmas" in text
    mm = tmp_path / "records.mm"
    mm.write_text(open(HILBERT).read() + "\n" + text)
    assert main(["verify", str(mm)]) == 0
    # and the run's export (theorem files) still verifies
    export = tmp_path / "export.mm"
    assert main(["export-mm", str(out), "-o", str(export)]) == 0
    assert main(["verify", str(export)]) == 0
    if metamath_available():
        for f in (mm, export):
            done = subprocess.run(["metamath", f'read "{f.name}"', "verify proof *", "exit"],
                                  cwd=str(tmp_path), capture_output=True, text=True,
                                  timeout=600)
            assert "All proofs in the database were verified" in done.stdout, done.stdout[-2000:]
            assert "?Error" not in done.stdout


def test_inline_lemmas_keeps_mm_records_self_contained(tmp_path):
    m, recs = _run(tmp_path / "inline", "--count", "200", "--seed", "5", "--styles", "mm,hier",
                   "--max-record-tokens", "0", "--inline-lemmas")
    from proofgen.kernel import load
    fresh = load(HILBERT)
    assert m["budget"]["cut_to_cited"] == 0 and m["budget"]["over_budget"] == 0
    assert any(r["metadata"]["lemmas"] for r in recs)
    for r in recs:
        assert r["metadata"]["cited_lemmas"] == ""
        if r["metadata"]["style"] == "mm":
            assert fresh.check_blocks(r["text"]) == []


def test_extract_records_name_the_proof_and_step_they_come_from(tmp_path):
    from proofgen.emit.notation import Notation
    from proofgen.explore.context import Context
    from proofgen.explore.extract import logical_steps
    from proofgen.kernel import load
    m, recs = _run(tmp_path / "x", "--generator", "extract", "--proofs", "40", "--count",
                   "100000", "--styles", "steps")
    db = load(HILBERT)
    ctx = Context.of(db)
    notation = Notation.of(ctx.syn, db.sources)
    proofs = {s.label: s for s in ctx.syn.statements if s.kind == "p"}
    checked = 0
    for r in recs:
        meta = r["metadata"]
        assert meta["source_theorem"] in proofs            # a real database theorem
        replay = logical_steps(ctx, proofs[meta["source_theorem"]])
        step = meta["source_step"]
        assert 0 <= step < len(replay.steps)
        # the step proves the record's conclusion, from the source's hypotheses
        tc = proofs[meta["source_theorem"]].typecode
        assert notation.text(tc, replay.conclusions[step]) == meta["statement"]
        hyps = {notation.text(tc, t) for t in replay.hypotheses}
        for line in filter(None, meta["hypotheses"].split("\n")):
            assert line.split(" $e ", 1)[1][:-3] in hyps
        checked += 1
    assert checked > 40


def test_forward_records_have_no_source(budgeted):
    _, _, recs = budgeted
    assert {(r["metadata"]["source_theorem"], r["metadata"]["source_step"]) for r in recs} \
        == {("", -1)}


def test_the_main_job_still_works_with_the_default_budget(tmp_path):
    m, recs = _run(tmp_path / "main", "--count", "1000")
    assert m["theorems"] == 1000
    assert m["budget"]["max_record_tokens"] == DEFAULT_MAX_RECORD_TOKENS
    assert m["config"]["styles"]["max_record_tokens"] == DEFAULT_MAX_RECORD_TOKENS
    assert max(r["metadata"]["tokens"] for r in recs) <= DEFAULT_MAX_RECORD_TOKENS
    assert sum(r["metadata"]["role"] == "theorem" for r in recs) == 1000
    assert m["records"] == 1000 + m["budget"]["lemma_records"]
