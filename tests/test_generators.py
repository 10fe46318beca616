"""The generator registry: the built-in generators, and a new generator
added by one class and one `register` line (here, in this test module)
that runs through `generate`, a whole job (`run_job`, local executor) and
the command line, with nothing else changed."""
from __future__ import annotations

import json
import os
import random

import pytest

from proofgen.cli import main
from proofgen.emit.records import StyleMix
from proofgen.explore import generators
from proofgen.explore.context import statement_hash
from proofgen.explore.generators import Counted, Request, library_labels
from proofgen.explore.run import GenerateConfig, generate
from proofgen.explore.theorem import Step, Theorem, disjoint_needed, theorem_label
from proofgen.kernel import load
from proofgen.resources import bundled_database
from proofgen.run import JobConfig, LocalExecutor, run_job
from proofgen.run.folder import RunFolder

HILBERT = bundled_database()


class Restate(Counted):
    """A toy generator: each theorem restates a library assertion (in a
    random order per unit), proved by citing it once."""

    name = "restate-test"
    help = "restate library assertions (a test generator)"
    uses_library = True

    def make(self, req: Request) -> tuple[list, dict]:
        ctx, config = req.ctx, req.config
        labels = library_labels(ctx, config)
        random.Random(f"{config.seed}/{config.unit}").shuffle(labels)
        pending = []
        for label in labels[:req.want]:
            a = ctx.assertions[label]
            req.stats.candidates += 1
            key = statement_hash(ctx, a.essentials, a.conclusion)
            if key in req.excluded_hashes:
                req.stats.excluded += 1
                continue
            hyps = tuple(a.essentials)
            steps = (Step(a.label, tuple((v,) for v in a.floats),
                          tuple(-1 - i for i in range(len(hyps)))),)
            disjoint = disjoint_needed(ctx, steps, None)
            pending.append(Theorem(a.typecode, hyps, a.conclusion, steps, disjoint, 1,
                                   self.name, theorem_label(ctx, key, hyps, a.conclusion,
                                                            disjoint),
                                   key, ctx.known.get(key)))
        return req.verify(pending, None, keep=False), {}


@pytest.fixture
def restate():
    gen = generators.register(Restate())     # the one line a new generator needs
    yield gen
    generators.unregister(gen.name)


def test_the_built_in_generators_and_what_they_declare():
    assert generators.names()[:3] == ("forward", "deep", "extract")
    fw, deep, ex = (generators.get(n) for n in ("forward", "deep", "extract"))
    assert fw.counted and deep.counted and not ex.counted
    assert ex.cuts_by_proofs and not fw.cuts_by_proofs and not deep.cuts_by_proofs
    assert fw.uses_library and deep.uses_library and not ex.uses_library
    assert ex.may_freeze and not fw.may_freeze
    with pytest.raises(ValueError, match="unknown generator 'nope'; choose forward, deep"):
        generators.get("nope")
    # how each cuts a run: a count in units of a size, or ranges of proofs
    config = GenerateConfig(count=25)
    assert [(u.unit, u.count) for u in fw.plan(config, 10, 0, 500)] == [(0, 10), (1, 10),
                                                                       (2, 5)]
    cuts = ex.plan(GenerateConfig(generator="extract", count=90), 0, 3, 300)
    assert [(u.first_proof, u.proofs, u.count) for u in cuts] == [(0, 100, 30), (100, 100, 30),
                                                                  (200, 100, 30)]
    unit = ex.unit_config(GenerateConfig(generator="extract", first_proof=7), cuts[1])
    assert (unit.unit, unit.first_proof, unit.proofs) == (1, 107, 100)


def test_a_registered_generator_runs_through_generate(restate):
    db = load(HILBERT)
    # restatements say nothing new: whatever the generator, run.generate
    # drops them (counted) unless asked to keep them, flagged
    dropped = generate(db, GenerateConfig(generator=restate.name, count=20, seed=3))
    assert dropped.theorems == [] and dropped.stats["instances"] == 20
    result = generate(db, GenerateConfig(generator=restate.name, count=20, seed=3,
                                         keep_instances=True))
    assert len(result.theorems) == 20
    assert all(t.meta["instance_of"] == t.restates for t in result.theorems)
    assert result.stats["rejected"] == 0 and result.stats.candidates == 20
    assert all(t.restates == t.steps[0].label for t in result.theorems)   # each restates its rule
    assert len({t.hash for t in result.theorems}) == 20
    assert sum(result.histograms["length"].values()) == 20
    # the run's options apply to it too: an excluded label is not cited
    excluded = result.theorems[0].restates
    again = generate(db, GenerateConfig(generator=restate.name, count=20, seed=3,
                                        exclude=(excluded,), keep_instances=True))
    assert len(again.theorems) == 20
    assert excluded not in {t.restates for t in again.theorems}


def test_a_registered_generator_runs_a_whole_job(restate, tmp_path):
    out = str(tmp_path / "run")
    job = JobConfig(GenerateConfig(generator=restate.name, count=30, seed=1,
                                   keep_instances=True),
                    StyleMix.parse("mm"), unit_size=10)
    manifest = run_job(HILBERT, job, out, LocalExecutor(1))
    # counted: units of 10, topped up after global dedup until 30 distinct
    assert manifest["theorems"] == 30 and manifest["units"] > 3
    assert manifest["dedup"]["dropped_theorems"] > 0
    folder = RunFolder(out)
    assert folder.check() == manifest
    records = list(folder.records(manifest))
    assert len(records) == 30
    assert {r["metadata"]["generator"] for r in records} == {restate.name}
    rows = [r for r in folder.theorem_rows(manifest) if r["role"] == "theorem"]
    assert len({r["restates"] for r in rows}) == 30
    # and the command line offers it; the export verifies
    cli_out = str(tmp_path / "cli")
    assert main(["generate", "--generator", restate.name, "--count", "12", "--unit-size", "4",
                 "--styles", "mm", "--keep-instances", "--out", cli_out]) == 0
    m = json.load(open(os.path.join(cli_out, "manifest.json")))
    assert m["theorems"] == 12 and m["config"]["generate"]["generator"] == restate.name
    assert main(["export-mm", cli_out, "-o", str(tmp_path / "x.mm")]) == 0
    assert main(["generate", "--generator", restate.name, "--units", "2",
                 "--out", str(tmp_path / "bad")]) == 1
