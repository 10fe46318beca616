"""The quality figures of a run (explore/quality.py): in every theorem
file row, summed in the manifest, shown by `proofgen report`, and checked
here against an independent reading of the theorem files."""
from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from proofgen.cli import main
from proofgen.emit.shards import read_shard
from proofgen.explore.quality import Tally
from proofgen.resources import bundled_database
from test_deep import database_variables, hypothesis_faults

HILBERT = bundled_database()


def rows(run, role="theorem"):
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    out = []
    for entry in manifest["theorem_files"]:
        out += [r for r in read_shard(os.path.join(run, entry["path"]))
                if role is None or r["role"] == role]
    return manifest, out


@pytest.fixture(scope="module", params=["forward", "deep"])
def run(request, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("quality") / request.param)
    assert main(["generate", "--generator", request.param, "--count", "240",
                 "--unit-size", "80", "--seed", "3", "--styles", "mm", "--out", out]) == 0
    return request.param, out


def test_manifest_quality_is_the_sum_of_the_shipped_theorems(run):
    _, out = run
    manifest, theorems = rows(out)
    q = manifest["quality"]
    assert q["theorems"] == manifest["theorems"] == len(theorems) == 240
    t = Tally()
    for r in theorems:
        t.add(r["quality"], instance=bool(r["instance_of"]))
    assert t.summary() == q
    cites = Counter()
    for r in theorems:
        cites.update(r["quality"]["citations"])
    assert q["citations"] == sum(cites.values()) > 0
    assert q["top"] == [[lab, k] for lab, k in cites.most_common(10)]
    # the generator's counters, summed over the units' markers
    counts = manifest["generator_counts"]
    units = [json.load(open(os.path.join(out, "units", f)))
             for f in sorted(os.listdir(os.path.join(out, "units")))]
    assert counts["candidates"] == sum(u["stats"]["candidates"] for u in units) >= 240
    assert counts["emitted"] == sum(u["stats"]["emitted"] for u in units)


def test_hypothesis_figures_agree_with_an_independent_reading(run):
    """Unused (not in the RPN proof) and isolated (no variable shared with
    the conclusion or another hypothesis) recomputed from the text, with
    the variables read from the database file."""
    gen, out = run
    manifest, theorems = rows(out)
    variables = database_variables(HILBERT)
    unused = isolated = unshared = 0
    for r in theorems:
        u, i = hypothesis_faults(r, variables)
        unused += bool(u)
        isolated += bool(i)
        concl = set(r["statement"].split()) & variables
        unshared += any(not (set(h["statement"].split()) & variables & concl)
                        for h in r["hypotheses"])
        assert r["quality"]["unused_hypotheses"] == len(u)
        assert r["quality"]["isolated_hypotheses"] == len(i)
    n = len(theorems)
    q = manifest["quality"]
    assert q["with_unused_hypothesis"] == round(unused / n, 4) == 0
    assert q["with_isolated_hypothesis"] == round(isolated / n, 4) == 0
    assert q["with_unshared_hypothesis"] == round(unshared / n, 4)
    if gen == "deep":
        assert unshared == 0      # deep never keeps such a hypothesis


def test_flattened_length_counts_lemmas_written_out(run):
    _, out = run
    manifest, everything = rows(out, role=None)
    by_label = {r["label"]: r for r in everything}
    some_lemma = False
    for r in everything:
        f = r["quality"]["flattened"]
        if r["lemmas"]:
            some_lemma = True
            # each cited lemma is one step here and at least one written out
            assert f >= r["steps"]
            assert f >= max(by_label[lab]["quality"]["flattened"] for lab in r["lemmas"])
        else:
            assert f == r["steps"]
    assert some_lemma
    hist = Counter()
    for r in everything:
        if r["role"] == "theorem":
            hist[str(max(0, r["quality"]["flattened"].bit_length() - 1))] += 1
    assert manifest["quality"]["flattened"] == dict(sorted(hist.items(),
                                                           key=lambda kv: int(kv[0])))


def test_report_and_command_line_show_the_quality(run, tmp_path, capsys):
    _, out = run
    rep = str(tmp_path / "rep")
    assert main(["report", out, "-o", rep]) == 0
    md = open(os.path.join(rep, "report.md")).read()
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    q = manifest["quality"]
    assert md.startswith(f"# proofgen run: {os.path.basename(out)}\n")
    assert f"| with an isolated hypothesis | {100 * q['with_isolated_hypothesis']:.1f}% |" in md
    assert f"| share of the 10 most cited | {100 * q['top_share']:.1f}%" in md
    assert open(os.path.join(rep, "flattened.png"), "rb").read().startswith(b"\x89PNG")


SET_MM = "/usr/share/metamath/databases/set.mm"


@pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")
def test_canonical_variables_are_ordinary_names_before_special_tokens():
    """set.mm declares `.||`, `./`, `.+` ... (its dummy operations) among
    its class variables, right after `C`: canonical renaming must not turn
    a theorem's fourth class variable into `.||`."""
    import re
    from proofgen.explore.context import Context
    from proofgen.explore.forward import ForwardConfig
    from proofgen.explore.run import GenerateConfig, generate
    from proofgen.kernel import load
    db = load(SET_MM)
    ctx = Context.of(db)
    g = ctx.syn.grammar
    cls = g.type_index["class"]
    first = [g.variables[-1 - g.canonical_variable(cls, k)].name for k in range(12)]
    assert first[:4] == ["A", "B", "C", "D"] and all(n[0].isalnum() for n in first)
    assert ".||" in {g.variables[-1 - v].name for v in g.declared[cls]}     # still declared
    specials = {v.name for v in g.variables if not v.name[:1].isalnum()}
    for gen in ("forward", "deep"):
        mark = db.mark()
        try:
            r = generate(db, GenerateConfig(generator=gen, count=300, seed=2,
                                            forward=ForwardConfig(library="all")), ctx=ctx)
        finally:
            db.rollback(mark)
        used = set()
        for t in r.theorems:
            for term in (*t.hypotheses, t.conclusion):
                used |= {g.variables[-1 - n].name for n in term if n < 0}
        assert used and not (used & specials), (gen, sorted(used & specials))
        assert any(re.fullmatch(r"[A-Z]", n) for n in used)
