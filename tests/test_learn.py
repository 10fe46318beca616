"""The learnability benchmark (benchmarks/bench_learn.py, proofgen/learn/):
its pieces, and its --tiny mode end to end."""
import importlib.util
import json
import math
import os

import pytest

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")    # as the benchmark: a shared machine

from proofgen import resources  # noqa: E402
from proofgen.learn import corpus  # noqa: E402
from proofgen.learn.tokenizer import UNK, WordTokenizer, normalized, words  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="Debian metamath-databases")


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_learn", os.path.join(ROOT, "benchmarks", "bench_learn.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def hilbert():
    return corpus.Database(resources.bundled_database())


def test_importing_proofgen_learn_needs_no_torch():
    import subprocess
    import sys
    code = ("import sys; sys.modules['torch'] = None\n"      # an import of torch fails
            "import proofgen, proofgen.learn, proofgen.learn.corpus, proofgen.learn.tokenizer\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_the_tokenizer_round_trips():
    texts = ["Theorem a1i: |- ph => |- ( ps -> ph )\n\n1  a1i.1  |- ph  hypothesis\n",
             "2  1 ax-mp   |- ( ps -> ph )  qed\n"]
    tok = WordTokenizer.fit(texts, min_count=1)
    for t in texts:
        ids = tok.encode(t)
        assert tok.unk not in ids
        assert tok.decode(ids) == normalized(t)
        assert tok.encode(tok.decode(ids)) == ids
        assert len(ids) == len(words(t))
    # min_count: words seen once are unknown, and decode says so
    tok2 = WordTokenizer.fit(texts, min_count=2)
    assert tok2.encode("a1i.1 ph") == [tok2.unk, tok2.index["ph"]]
    assert tok2.decode(tok2.encode("a1i.1 ph")) == f"{UNK} ph"
    # the most frequent words come first, after the specials
    every = [w for t in texts for w in words(t)]
    assert tok.vocab[3:] == sorted(set(every), key=lambda w: (-every.count(w), w))
    assert every.count(tok.vocab[3]) == 4 and every.count(tok.vocab[-1]) == 1


def test_label_positions_point_at_each_steps_label(hilbert):
    docs = hilbert.docs()
    assert len(docs) > 20
    for d in docs:
        pr = hilbert.proof(d)
        assert pr.labels == [st.label for st in d.steps]
        assert len(pr.label_positions) == len(d.steps)
        for p in pr.label_positions:
            # the layout read independently: a row's label comes after its
            # number (and premise references) and before its statement
            assert pr.words[p + 1] == "|-"
            start = p - 1 if pr.words[p - 2] == "\n" else p - 2     # the row's number
            assert pr.words[start].isdigit() and pr.words[start - 1] == "\n"
            assert all(w.replace(",", "").isdigit() for w in pr.words[start:p])
        assert pr.words[:2] == ["Theorem", f"{d.label}:"]
        assert pr.words[pr.goal_words - 1] == "\n"
    # and a wrong layout is refused, not misread
    d = next(d for d in docs if len(d.steps) > 1)
    pr = hilbert.proof(d)
    p = pr.label_positions[-1]
    with pytest.raises(ValueError):          # the last step's label left out
        corpus.label_positions(d, pr.words[:p] + pr.words[p + 1:])
    with pytest.raises(ValueError):          # a row fewer
        corpus.label_positions(d, pr.words[:max(i for i in range(p) if pr.words[i] == "\n") + 1])


def test_windows_score_every_target_once_with_the_goal_kept():
    pytest.importorskip("torch")
    from proofgen.learn.train import windows
    for n, goal, ctx in [(5, 3, 8), (9, 3, 8), (10, 3, 8), (200, 17, 32), (1000, 40, 64)]:
        seen = []
        for k, (pos, m) in enumerate(windows(n, goal, ctx)):
            assert 1 <= len(pos) <= ctx + 1 and 1 <= m <= len(pos) - 1
            if k:
                assert pos[:min(goal, ctx // 2)] == list(range(min(goal, ctx // 2)))
                tail = pos[len(pos) - 1 - m:]
                assert tail == list(range(tail[0], tail[0] + m + 1))    # contiguous
            seen.extend(pos[len(pos) - m:])
        assert seen == list(range(1, n)), (n, goal, ctx)


def test_a_train_step_lowers_the_loss_on_a_fixed_batch():
    torch = pytest.importorskip("torch")
    import numpy as np
    from proofgen.learn.model import Decoder, ModelConfig
    from proofgen.learn.train import Stream, batch_of, loss_on, make_optimizer, seed_everything
    seed_everything(3)
    texts = ["|- ( ph -> ( ps -> ph ) )\n"] * 50 + ["|- ( ( ph -> ps ) -> ch )\n"] * 50
    tok = WordTokenizer.fit(texts, min_count=1)
    stream = Stream.of(texts, tok)
    assert stream.ids[stream.starts[0]] == tok.bos
    model = Decoder(ModelConfig(len(tok), context=16, width=32, layers=2, heads=2))
    ids = batch_of(stream, 4, 16, np.random.default_rng(0))
    assert ids.shape == (4, 17)
    opt = make_optimizer(model, 3e-3)
    before = loss_on(model, ids)
    assert math.isclose(before.item(), math.log(len(tok)), rel_tol=0.2)   # near uniform
    opt.zero_grad()
    before.backward()
    opt.step()
    with torch.no_grad():
        after = loss_on(model, ids).item()
    assert after < before.item() - 1e-3


@needs_set_mm
def test_tiny_benchmark_end_to_end(tmp_path, capsys):
    pytest.importorskip("torch")
    bench = _bench()
    work = str(tmp_path / "work")
    out = tmp_path / "out.json"
    argv = ["--tiny", "--seeds", "1,2", "--work", work, "--quiet", "--json", str(out)]
    assert bench.main(argv) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())
    args = bench.parse_args(argv)
    rows, means = result["rows"], result["means"]
    assert [(r["arm"], r["seed"]) for r in rows] == [(a, s) for s in (1, 2) for a in bench.ARMS]
    assert [m["arm"] for m in means] == list(bench.ARMS)
    for r in rows:
        assert 0.0 <= r["top1"] <= r["top10"] <= 1.0
        assert math.isfinite(r["test_loss"]) and r["test_loss"] > 0
        assert r["eval_labels"] > 0 and r["label_candidates"] > 0
    # the budget is the same for every arm, and the generated arms add text
    assert len({r["train_tokens"] for r in rows}) == 1
    assert rows[0]["train_tokens"] == args.steps * args.batch * args.context
    by = {(r["arm"], r["seed"]): r for r in rows}
    for s in (1, 2):
        for arm in ("forward", "deep", "statement", "mixed"):
            assert by[(arm, s)]["corpus_tokens"] > by[("db", s)]["corpus_tokens"]
        # mixed holds forward's theorems in more words
        assert by[("mixed", s)]["corpus_tokens"] > by[("forward", s)]["corpus_tokens"]
    # every arm is evaluated on the same proofs
    assert len({(r["eval_proofs"], r["eval_tokens"], r["eval_labels"]) for r in rows}) == 1
    # the table: a row per arm and seed, then the means
    lines = [ln.split() for ln in printed.splitlines()]
    table = [ln for ln in lines if ln and ln[0] in bench.ARMS]
    assert [(ln[0], ln[1]) for ln in table] == \
        [(a, str(s)) for s in (1, 2) for a in bench.ARMS] + [(a, "mean") for a in bench.ARMS]
    for ln, r in zip(table, rows + means):
        assert float(ln[2]) == pytest.approx(r["top1"], abs=6e-4)
        assert float(ln[4]) == pytest.approx(r["test_loss"], abs=6e-4)
    assert "wall time" in printed

    # what was evaluated: test theorems, their labels where the steps' labels are
    base = bench.prepare(args, work)
    split = base["split"]
    assert base["test"] and all(p.label in split.test for p in base["test"])
    assert all(p.label in split.train for p in base["train"])
    for p in base["test"]:
        assert all(p.words[i] == lab for i, lab in zip(p.label_positions, p.labels))
        assert all(lab in base["db"].assertion_labels for lab in p.labels)
    # and the evaluation scores exactly those words, each once
    from proofgen.learn.train import reading_jobs
    texts = bench.arm_texts("db", base, {})
    tok = WordTokenizer.fit(texts, args.min_count, args.max_vocab)
    jobs = reading_jobs(tok, base["test"], args.context)
    scored = [(w[j + 1], tok.vocab[w[j + 1]]) for w, _, labels in jobs for j, true in labels
              if w[j + 1] == true]
    want = [lab for p in base["test"] for lab in p.labels]
    assert len(scored) == sum(len(labels) for _, _, labels in jobs) == len(want)
    assert [v if v != UNK else None for _, v in scored] == \
        [lab if lab in tok.index else None for lab in want]
    assert any(len(p.words) + 1 > args.context + 1 for p in base["test"])   # some are long
    # the generated text cites and states no held-out theorem (the runs are kept in --work)
    runs = bench.generated_runs(args, base, work, 1)
    held_out = split.valid | split.test
    for gen, style in bench.GENERATED.values():
        texts = corpus.run_texts(runs[gen], style)
        assert len(texts) == args.gen_count
        assert not held_out & {w.rstrip(":") for t in texts for w in words(t)}
