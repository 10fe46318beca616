"""Held-out splits (`proofgen split`) and decontamination (`generate
--exclude-split`, explore/split.py): splits are exact, reproducible and
taken as published; a run on the train side cites, mines and emits nothing
held out, checked on set.mm by an independent scan of the theorem files
(which finds leaks in the same run made without the split)."""
import glob
import hashlib
import json
import os
import random
from collections import namedtuple

import pytest
from hypothesis import given, settings, strategies as st

from proofgen.cli import main
from proofgen.emit.shards import read_shard
from proofgen.explore.split import (REASONS, HeldOut, make_split, read_labels,
                                    split_from_labels, theorem_labels)
from proofgen.resources import bundled_database

SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")

St = namedtuple("St", "label kind expression")
St.typecode = property(lambda self: self.expression[0])


def fake_statements(labels, other=("ax-1", "wff-x")):
    """Statements as `theorem_labels` reads them: theorems, plus an axiom
    and a syntax theorem a split must leave alone."""
    out = [St(x, "p", ("|-", "ph")) for x in labels]
    out.insert(0, St(other[0], "a", ("|-", "ph")))
    out.insert(1, St(other[1], "p", ("wff", "ph")))
    return out


# -- the split ---------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.from_regex(r"[a-z][a-z0-9.]{0,6}", fullmatch=True), min_size=1, max_size=300,
                unique=True),
       st.floats(0, 0.5), st.floats(0, 0.5), st.integers(0, 2 ** 31), st.randoms())
def test_a_split_is_exact_disjoint_and_depends_on_the_seed_and_the_set_only(
        labels, valid, test, seed, rnd):
    labels = [x for x in labels if x not in ("ax-1", "wff-x")] or ["t"]
    sts = fake_statements(labels)
    sp = make_split(sts, valid, test, seed)
    n = len(labels)
    assert len(sp.test) == round(test * n) and len(sp.valid) == round(valid * n)
    assert sorted(sp.train + sp.valid + sp.test) == sorted(labels)      # a partition
    assert len(set(sp.train) | set(sp.valid) | set(sp.test)) == n
    order = {x: k for k, x in enumerate(labels)}
    for part in (sp.train, sp.valid, sp.test):                           # database order
        assert [order[x] for x in part] == sorted(order[x] for x in part)
    shuffled = labels[:]
    rnd.shuffle(shuffled)
    again = make_split(fake_statements(shuffled), valid, test, seed)
    assert set(again.test) == set(sp.test) and set(again.valid) == set(sp.valid)


def test_seeds_give_different_splits_and_kept_labels_stay_in_train():
    labels = [f"t{k}" for k in range(1000)]
    a = make_split(fake_statements(labels), 0.1, 0.1, 1)
    b = make_split(fake_statements(labels), 0.1, 0.1, 2)
    assert set(a.test) != set(b.test) and len(a.test) == len(b.test) == 100
    keep = list(a.test[:10])
    c = make_split(fake_statements(labels), 0.1, 0.1, 1, keep)
    assert set(keep) <= set(c.train) and len(c.test) == 100
    with pytest.raises(ValueError, match="ax-1"):
        make_split(fake_statements(labels), 0.1, 0.1, 1, ["ax-1"])        # an axiom: not split
    for bad in ((1.2, 0.0), (0.6, 0.6), (-0.1, 0.1)):
        with pytest.raises(ValueError):
            make_split(fake_statements(labels), *bad, 1)


def test_only_theorems_of_the_logical_typecode_are_split():
    sts = fake_statements(["a", "b"])
    assert theorem_labels(sts) == ["a", "b"]
    sp = make_split(sts, 0.5, 0.5, 3)
    assert "wff-x" not in sp.train + sp.valid + sp.test


def test_a_published_split_is_taken_exactly_and_bad_lines_are_named(tmp_path):
    labels = [f"t{k}" for k in range(50)]
    sts = fake_statements(labels)
    pub = tmp_path / "published.txt"
    pub.write_text("# a published test list\n\nt40\nt3\tanything after the label\n  t17  \n")
    got = split_from_labels(sts, read_labels(str(pub)), (), (str(pub), ""))
    assert got.test == ("t3", "t17", "t40") and got.valid == ()
    assert got.train == tuple(x for x in labels if x not in {"t3", "t17", "t40"})
    pub.write_text("t1\nnope\n")
    with pytest.raises(ValueError, match=r"published.txt:2: nope"):
        split_from_labels(sts, read_labels(str(pub)), (), (str(pub), ""))
    with pytest.raises(ValueError, match="ax-1"):               # an axiom is never split
        split_from_labels(sts, [("ax-1", 1)])
    with pytest.raises(ValueError, match="both"):
        split_from_labels(sts, [("t1", 1)], [("t1", 1)])


def test_the_split_command_writes_lists_that_a_published_split_reproduces(tmp_path, capsys):
    db = bundled_database()
    a = tmp_path / "a"
    assert main(["split", db, "--valid", "0.2", "--test", "0.2", "--seed", "5", "-o", str(a)]) == 0
    info = json.loads((a / "split.json").read_text())
    files = {n: (a / f"{n}.txt").read_text() for n in ("train", "valid", "test")}
    for n, text in files.items():
        assert info["files"][n]["sha256"] == hashlib.sha256(text.encode()).hexdigest()
        assert info["files"][n]["theorems"] == len(text.split())
    total = sum(len(t.split()) for t in files.values())
    with open(db) as f:
        assert total == f.read().count("$p")     # hilbert.mm: every $p is a |- theorem
    assert len(files["test"].split()) == round(0.2 * total)
    # the lists taken as a published split give the same files
    b = tmp_path / "b"
    assert main(["split", db, "--from-labels", str(a / "test.txt"),
                 "--valid-labels", str(a / "valid.txt"), "-o", str(b)]) == 0
    for n, text in files.items():
        assert (b / f"{n}.txt").read_text() == text
    capsys.readouterr()
    bad = tmp_path / "bad.txt"
    bad.write_text("ax-mp\n")
    assert main(["split", db, "--from-labels", str(bad), "-o", str(tmp_path / "c")]) == 1
    assert "bad.txt:1: ax-mp: not a theorem" in capsys.readouterr().err


def test_generate_refuses_a_split_of_another_database_naming_file_and_line(tmp_path, capsys):
    lst = tmp_path / "test.txt"
    lst.write_text("a1i\nnot-here\n")
    assert main(["generate", "--count", "5", "--exclude-split", str(lst),
                 "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "test.txt:2: not-here is not a theorem of hilbert.mm" in err
    assert not (tmp_path / "o").exists()
    assert main(["generate", "--count", "5", "--strict", "--out", str(tmp_path / "o")]) == 1
    assert main(["generate", "--count", "5", "--exclude-split", str(tmp_path / "none"),
                 "--out", str(tmp_path / "o")]) == 1


# -- the filter ----------------------------------------------------------------
def _ctx():
    from proofgen.explore.context import Context
    from proofgen.kernel import load
    return Context.of(load(bundled_database()))


def _theorem(ctx, hyps, concl, uses=("ax-mp",), label="pg.t"):
    from proofgen.explore.theorem import Theorem
    from proofgen.syntax.types import Step
    steps = tuple(Step(u, (), ()) for u in uses)
    return Theorem("|-", tuple(hyps), concl, steps, label=label)


def test_held_out_statements_generalisations_and_citations_are_refused():
    ctx = _ctx()
    kit = ctx.kit
    a1i = ctx.assertions["a1i"]                  # |- ph => |- ( ps -> ph )
    held = HeldOut(ctx, ["a1i"])
    ph, ps = a1i.floats
    ch = next(v for v in ctx.assertions["ax-2"].floats if v not in (ph, ps))
    # the statement itself, renamed
    renamed = {ph: (ch,), ps: (ph,)}
    t = _theorem(ctx, [kit.substitute(h, renamed) for h in a1i.essentials],
                 kit.substitute(a1i.conclusion, renamed))
    assert held.reason(t) == "held_out_statement"
    # |- ph => |- ps (not a theorem, but a statement): a1i is its instance
    # by ps := ( ps -> ph ), with its hypothesis mapped onto a1i's
    general = _theorem(ctx, [(ph,)], (ps,))
    assert held.reason(general) == "held_out_generalised"
    # a weaker one (a hypothesis a1i lacks) is not
    weaker = _theorem(ctx, [(ph,), (ps,)], a1i.conclusion)
    assert held.reason(weaker) is None
    # citing it
    ax1 = ctx.assertions["ax-1"].conclusion      # ( ph -> ( ps -> ph ) ): a1i is no instance
    assert held.reason(_theorem(ctx, [], ax1, uses=("a1i",))) == "held_out_cited"
    assert held.reason(_theorem(ctx, [], ax1, uses=("ax-mp",))) is None
    # |- ph alone is more general than every theorem
    assert held.reason(_theorem(ctx, [], (ph,))) == "held_out_generalised"


def test_a_theorem_standing_on_a_dropped_lemma_is_dropped_and_counted():
    from proofgen.explore.generators import Stats
    ctx = _ctx()
    held = HeldOut(ctx, ["a1i"])
    lemma = _theorem(ctx, [], ctx.assertions["ax-1"].conclusion, uses=("a1i",), label="pg.l")
    top = _theorem(ctx, [], lemma.conclusion, uses=("pg.l", "ax-mp"), label="pg.top")
    fine = _theorem(ctx, [], lemma.conclusion, uses=("ax-mp",), label="pg.fine")
    stats = Stats()
    kept = held.clean([top, fine], {"pg.l": lemma, "pg.top": top, "pg.fine": fine}, stats)
    assert kept == [fine]
    assert stats["held_out_lemma"] == 1 and "held_out_cited" not in stats   # the lemma: not emitted


def test_the_generality_index_agrees_with_a_scan():
    """`GeneralityIndex` against trying every indexed statement with
    `kit.match` and every mapping of the hypotheses (itertools)."""
    import itertools
    from proofgen.explore.novelty import GeneralityIndex
    ctx = _ctx()
    kit = ctx.kit
    rnd = random.Random(7)
    assertions = [ctx.assertions[x] for x in ctx.order if ctx.assertions[x].typecode == "|-"]
    for _ in range(20):
        held = rnd.sample(assertions, 10)
        index = GeneralityIndex(ctx, [(a.label, a.essentials, a.conclusion) for a in held])
        for e in assertions:
            def instance(t):
                s = kit.match(e.conclusion, t.conclusion)
                if s is None:
                    return False
                for choice in itertools.product(t.essentials, repeat=len(e.essentials)):
                    m = s
                    for h, target in zip(e.essentials, choice):
                        m = kit.match(h, target, m) if m is not None else None
                    if m is not None:
                        return True
                return False
            want = {t.label for t in held if instance(t)}
            got = index.generalised(e.essentials, e.conclusion)
            assert (got is None) == (not want) and (got is None or got in want)


# -- zero leaks on set.mm ---------------------------------------------------------
def _rows(run_dir):
    for f in sorted(glob.glob(os.path.join(run_dir, "theorems", "*.jsonl.zst"))):
        yield from read_shard(f)


class LeakScan:
    """An independent reading of a run's theorem files against held-out
    theorems: a row leaks if its RPN proof names a held-out label, or it
    restates one, or a held-out theorem is an instance of it (its own
    first-order matcher over parsed prefix terms, tried against every
    held-out theorem of the same leading symbol, all hypothesis mappings)."""

    def __init__(self, ctx, labels):
        self.ctx = ctx
        self.labels = set(labels)
        g = ctx.syn.grammar
        self.arity = [r.arity for r in g.rules]
        self.var_types = {v.name: g.types[v.type] for v in g.variables}
        self.by_head = {}
        for lab in labels:
            a = ctx.assertions[lab]
            self.by_head.setdefault(a.conclusion[0], []).append(a)
        self.all = [ctx.assertions[x] for x in labels]
        self.parser = ctx.syn.parser()

    def parse(self, text):
        g = self.ctx.syn.grammar
        words = text.split()
        toks = g.tokens(words[1:], self.var_types)
        got = self.parser.parse(toks, g.type_index[g.typecodes.parse_type(words[0])])
        return got.term

    def _end(self, term, i):
        need = 1
        while need:
            x = term[i]
            i += 1
            need += (self.arity[x] - 1) if x >= 0 else -1
        return i

    def match(self, p, t, s):
        s = dict(s)
        i = j = 0
        while i < len(p):
            if p[i] < 0:
                end = self._end(t, j)
                piece = t[j:end]
                if s.setdefault(p[i], piece) != piece:
                    return None
                j = end
            elif j >= len(t) or t[j] != p[i]:
                return None
            else:
                j += 1
            i += 1
        return s if j == len(t) else None

    def instance(self, hyps, concl, a):
        s = self.match(concl, a.conclusion, {})
        if s is None:
            return False
        if not all(any(self.match(h, t, s) is not None for t in a.essentials) for h in hyps):
            return False            # a hypothesis with nowhere to go (the usual case)

        def go(k, s):
            if k == len(hyps):
                return True
            return any(m is not None and go(k + 1, m)
                       for m in (self.match(hyps[k], h, s) for h in a.essentials))
        return go(0, s)

    def leaks(self, run_dir, cites_only=False):
        found = []
        for r in _rows(run_dir):
            why = None
            if self.labels & set(r["proof"]["rpn"].split()):
                why = "cites"
            elif cites_only:
                pass
            elif r.get("restates") in self.labels:
                why = "restates"
            else:
                concl = self.parse(r["statement"])
                hyps = [self.parse(h["statement"]) for h in r["hypotheses"]]
                pool = self.all if concl[0] < 0 else self.by_head.get(concl[0], [])
                hit = next((a.label for a in pool if self.instance(hyps, concl, a)), None)
                if hit:
                    why = f"generalises {hit}"
            if why:
                found.append((r["label"], r["role"], why))
        return found


@pytest.fixture(scope="module")
def set_mm_split(tmp_path_factory):
    from proofgen.explore.context import Context
    from proofgen.kernel import load
    d = tmp_path_factory.mktemp("split")
    assert main(["split", SET_MM, "--seed", "1", "-o", str(d)]) == 0
    labels = [x for n in ("valid", "test") for x, _ in read_labels(str(d / f"{n}.txt"))]
    return d, LeakScan(Context.of(load(SET_MM)), labels)


@pytest.mark.slow
@needs_set_mm
@pytest.mark.parametrize("generator, args", [
    ("forward", ["--count", "1500"]),
    ("forward", ["--library", "all", "--count", "600"]),
    ("extract", ["--proofs", "1200", "--count", "3000"]),
    ("deep", ["--library", "all", "--count", "200"]),
])
def test_no_held_out_theorem_leaks_into_a_set_mm_run(set_mm_split, tmp_path, generator, args):
    split_dir, scan = set_mm_split
    base = ["generate", "--db", SET_MM, "--generator", generator, "--styles", "mm"] + args
    dirty, clean = tmp_path / "dirty", tmp_path / "clean"
    assert main(base + ["--out", str(dirty)]) == 0
    assert main(base + ["--exclude-split", str(split_dir), "--out", str(clean)]) == 0
    manifest = json.loads((clean / "manifest.json").read_text())
    assert manifest["theorems"] > 0 and manifest["rejected_by_kernel"] == 0
    dec = manifest["decontamination"]
    assert dec["held_out"] == len(scan.labels) and set(dec["dropped"]) == set(REASONS)
    if generator == "forward" and "all" not in args or generator == "extract":
        # the scan sees leaks where there are some: the run without the split
        assert scan.leaks(str(dirty))
        assert sum(dec["dropped"].values()) > 0
    assert scan.leaks(str(clean)) == []


@pytest.mark.slow
@needs_set_mm
def test_strict_also_holds_out_what_cites_held_out_theorems(set_mm_split, tmp_path):
    split_dir, scan = set_mm_split
    ctx = scan.ctx
    held = HeldOut(ctx, scan.labels, strict=True)
    users = {s.label for s in ctx.syn.statements if s.kind == "p" and s.proof is not None
             and scan.labels & set(s.proof.labels)}
    assert held.barred == frozenset(scan.labels) | users
    out = tmp_path / "strict"
    assert main(["generate", "--db", SET_MM, "--generator", "extract", "--proofs", "1200",
                 "--styles", "mm", "--exclude-split", str(split_dir), "--strict",
                 "--out", str(out)]) == 0
    assert LeakScan(ctx, sorted(held.barred)).leaks(str(out), cites_only=True) == []
    assert scan.leaks(str(out)) == []
