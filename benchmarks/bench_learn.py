"""Does proofgen's data teach a model?  A learnability benchmark.

The same small decoder-only transformer (proofgen/learn/model.py; 1-1.3 M
parameters by default, as the embedding has the arm's vocabulary) is
trained from scratch with the same budget (`--steps` optimizer steps of
`--batch` windows of `--context` tokens: the same training tokens and
FLOPs) on each of five corpora ("arms"), with a
word-level tokenizer fitted on the arm's own training text
(whitespace-separated words, line breaks kept, `--min-count`, `<unk>`):

  a  db         the database's own proofs of the train-split theorems,
                rendered in proofgen's `steps` style
  b  forward    a + `proofgen generate --generator forward --styles steps`
  c  deep       a + `--generator deep`
  d  statement  a + `--generator statement`
  e  mixed      b with the generated part rendered `mixed` (formal + English;
                the same theorems as b: one run renders both)

The split is `proofgen split DB --keep-statement-lemmas --seed
--split-seed` (the statement generator's own lemmas stay in train); every
generator run is `--exclude-split` of it, so no held-out (valid or test)
theorem is cited, mined or emitted.  Generated runs take `--gen-count`
theorems each and the run seed is the training seed.

Evaluation, the same for every arm and seed: at most `--eval-proofs` of the
test-split theorems in the range (a fixed sample), their own database
proofs rendered as in arm a.  Top-1 / top-10: the share of proof steps
whose label is ranked first / in the first ten among the candidate labels
(the database's axioms and theorems in the arm's vocabulary; an unknown
label is a miss) by the model's next-token logits, given the goal and the
previous rows.  Loss: mean negative log-likelihood per word (nats) of the
test proofs' text, read with the goal kept in the window when a proof is
longer than the context (proofgen/learn/train.py).  The unknown-word share
of the test text is printed too: vocabularies differ between arms, and
words an arm maps to `<unk>` are easier to predict.

The range: set.mm up to `ax-ext` (`--to`), i.e. propositional calculus and
predicate logic with equality (about 2,400 proofs), where all three
generators work (statement is propositional; forward and deep cite the
assertions before `--to`, `--library upto:ax-ext`), the formulas are
short enough for a 256-word window to hold a goal and several rows, and
the labels (about 2,500 assertions before ax-ext) suit a small model.  The
defaults (5 arms x 2 seeds, generation included) took 28 minutes on the
project's 2 cores while other work kept them busy (load 6-8).
`--tiny` runs the whole thing in seconds (22 s for one seed, 30-50 s for
the smoke test's two, on the shared machine) on set.mm cut before `ax-gen`
(propositional calculus) with a toy model: a smoke test, not a measurement.

    python benchmarks/bench_learn.py                      # the benchmark, seeds 1,2
    python benchmarks/bench_learn.py --seeds 1 --steps 200 --json /tmp/learn.json
    python benchmarks/bench_learn.py --tiny
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

# torch's OpenMP threads spin while they wait by default: on a machine
# shared with other work that made 2 threads 4-5 times slower than 1 (set
# before torch is first imported)
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from proofgen.learn import corpus  # noqa: E402
from proofgen.learn.tokenizer import WordTokenizer  # noqa: E402

SET_MM = "/usr/share/metamath/databases/set.mm"
ARMS = ("db", "forward", "deep", "statement", "mixed")
#: arm -> (generator run, style of its generated part); db has none
GENERATED = {"forward": ("forward", "steps"), "deep": ("deep", "steps"),
             "statement": ("statement", "steps"), "mixed": ("forward", "mixed")}
RUN_STYLES = {"forward": ("steps", "mixed"), "deep": ("steps",), "statement": ("steps",)}

FULL = dict(db=SET_MM, to="ax-ext", steps=250, batch=8, context=256, width=128, layers=4,
            heads=4, lr=2e-3, gen_count=3000, eval_proofs=300, min_count=2, max_vocab=4096)
TINY = dict(db=SET_MM, to="", steps=12, batch=4, context=64, width=32, layers=2,
            heads=2, lr=3e-3, gen_count=40, eval_proofs=20, min_count=2, max_vocab=2048)
TINY_CUT = "ax-gen"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiny", action="store_true", help="seconds: a cut of set.mm, a toy model")
    p.add_argument("--db", help=f"the database (default {SET_MM})")
    p.add_argument("--to", help="the range: theorems before this label (default ax-ext)")
    p.add_argument("--seeds", default="1,2", help="training and generation seeds (default 1,2)")
    p.add_argument("--split-seed", type=int, default=1, help="proofgen split's seed (default 1)")
    p.add_argument("--arms", default=",".join(ARMS), help=f"which arms (default {','.join(ARMS)})")
    p.add_argument("--steps", type=int, help="optimizer steps per arm (the budget; default 240)")
    p.add_argument("--batch", type=int, help="windows per step (default 8)")
    p.add_argument("--context", type=int, help="window in tokens (default 256)")
    p.add_argument("--width", type=int, help="model width (default 128)")
    p.add_argument("--layers", type=int, help="transformer blocks (default 4)")
    p.add_argument("--heads", type=int, help="attention heads (default 4)")
    p.add_argument("--lr", type=float, help="peak learning rate (default 2e-3)")
    p.add_argument("--gen-count", type=int, help="theorems per generated run (default 3000)")
    p.add_argument("--eval-proofs", type=int, help="test proofs evaluated (default 300)")
    p.add_argument("--min-count", type=int, help="a word's occurrences to be in the vocabulary")
    p.add_argument("--max-vocab", type=int, help="vocabulary size cap (default 4096)")
    p.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    p.add_argument("--work", help="folder for the split and the generated runs (kept; reused "
                   "when the same options come again); default a temporary folder")
    p.add_argument("--json", metavar="OUT", help="write the results here")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args(argv)
    base = TINY if args.tiny else FULL
    for k, v in base.items():
        if getattr(args, k, None) is None:
            setattr(args, k, v)
    args.seed_list = [int(s) for s in str(args.seeds).split(",") if s.strip()]
    args.arm_list = [a.strip() for a in args.arms.split(",") if a.strip()]
    bad = [a for a in args.arm_list if a not in ARMS]
    if bad:
        p.error(f"unknown arms {bad}; choose from {', '.join(ARMS)}")
    if not args.seed_list:
        p.error("--seeds: at least one")
    return args


def _log(args, msg: str) -> None:
    if not args.quiet:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def prepare(args, work: str) -> dict:
    """The database, its split, the db-proof corpus and the evaluation sample."""
    db_path = args.db
    if args.tiny:
        db_path = corpus.cut_database(args.db, TINY_CUT, os.path.join(work, "tiny.mm"))
    t0 = time.perf_counter()
    db = corpus.Database(db_path)
    split = corpus.make_split(db_path, args.split_seed, os.path.join(work, f"split-{args.split_seed}"))
    docs = db.docs(args.to)
    train = [db.proof(d) for d in docs if d.label in split.train]
    test = [d for d in docs if d.label in split.test]
    pick = random.Random(0)                  # the same sample whatever the seeds
    if len(test) > args.eval_proofs:
        test = sorted(pick.sample(test, args.eval_proofs), key=lambda d: db.order.index(d.label))
    test_proofs = [db.proof(d) for d in test]
    _log(args, f"{os.path.basename(db_path)} up to {args.to or 'the end'}: {len(docs)} proofs, "
               f"{len(train)} train, {len(test_proofs)} test evaluated "
               f"({time.perf_counter() - t0:.1f} s)")
    return {"db_path": db_path, "db": db, "split": split, "train": train, "test": test_proofs}


def generated_runs(args, base: dict, work: str, seed: int) -> dict:
    """The generator runs the arms need, for one seed (two at a time)."""
    need = sorted({GENERATED[a][0] for a in args.arm_list if a in GENERATED})
    library = f"upto:{args.to}" if args.to else None

    def one(gen: str) -> tuple[str, str]:
        out = os.path.join(work, f"{gen}-seed{seed}-n{args.gen_count}")
        t0 = time.perf_counter()
        corpus.generate(base["db_path"], gen, args.gen_count, seed, RUN_STYLES[gen],
                        base["split"], out, library)
        _log(args, f"generated {gen} seed {seed} ({time.perf_counter() - t0:.0f} s)")
        return gen, out

    with ThreadPoolExecutor(2) as ex:
        return dict(ex.map(one, need))


def arm_texts(arm: str, base: dict, runs: dict) -> list[str]:
    texts = [p.text for p in base["train"]]
    if arm in GENERATED:
        gen, style = GENERATED[arm]
        texts = texts + corpus.run_texts(runs[gen], style)
    return texts


def run_arm(args, arm: str, seed: int, base: dict, runs: dict) -> dict:
    from proofgen.learn.model import Decoder, ModelConfig
    from proofgen.learn.train import Stream, evaluate, seed_everything, train
    t0 = time.perf_counter()
    texts = arm_texts(arm, base, runs)
    tok = WordTokenizer.fit(texts, args.min_count, args.max_vocab)
    stream = Stream.of(texts, tok)
    seed_everything(seed, args.threads)
    model = Decoder(ModelConfig(len(tok), args.context, args.width, args.layers, args.heads))
    log = None if args.quiet else (lambda m: _log(args, f"  {arm} seed {seed}: {m}"))
    stats = train(model, stream, args.steps, args.batch, args.lr, seed, log)
    ev = evaluate(model, tok, base["test"], base["db"].assertion_labels)
    row = {"arm": arm, "seed": seed, "top1": ev["top1"], "top10": ev["top10"],
           "test_loss": ev["loss"], "unk_share": ev["unk_share"],
           "train_tokens": stats["tokens"], "train_loss": stats["train_loss_last"],
           "corpus_docs": len(texts), "corpus_tokens": len(stream) - len(texts),
           "vocab": len(tok), "parameters": model.parameters_count(),
           "label_candidates": ev["label_candidates"], "eval_labels": ev["labels"],
           "eval_tokens": ev["tokens"], "eval_proofs": ev["proofs"],
           "seconds": time.perf_counter() - t0}
    _log(args, f"{arm} seed {seed}: top1 {row['top1']:.3f} top10 {row['top10']:.3f} "
               f"loss {row['test_loss']:.3f} ({row['seconds']:.0f} s)")
    return row


def mean_rows(rows: list[dict], arms: list[str]) -> list[dict]:
    out = []
    for arm in arms:
        rs = [r for r in rows if r["arm"] == arm]
        if rs:
            m = {"arm": arm, "seed": "mean"}
            for k in ("top1", "top10", "test_loss", "unk_share", "train_tokens",
                      "corpus_tokens", "seconds"):
                m[k] = sum(r[k] for r in rs) / len(rs)
            out.append(m)
    return out


def table(rows: list[dict], means: list[dict]) -> str:
    head = (f"{'arm':<10} {'seed':>5} {'top-1':>7} {'top-10':>7} {'loss':>7} {'unk':>6} "
            f"{'train tok':>10} {'corpus tok':>11} {'wall s':>7}")
    lines = [head, "-" * len(head)]
    for r in rows + means:
        lines.append(f"{r['arm']:<10} {str(r['seed']):>5} {r['top1']:7.3f} {r['top10']:7.3f} "
                     f"{r['test_loss']:7.3f} {r['unk_share']:6.3f} {int(r['train_tokens']):>10,} "
                     f"{int(r['corpus_tokens']):>11,} {r['seconds']:7.0f}")
        if r is rows[-1] and means:
            lines.append("-" * len(head))
    return "\n".join(lines)


def run(args) -> dict:
    t_start = time.perf_counter()
    own = None
    work = args.work
    if not work:
        own = tempfile.TemporaryDirectory(prefix="bench-learn-")
        work = own.name
    os.makedirs(work, exist_ok=True)
    try:
        base = prepare(args, work)
        rows = []
        for seed in args.seed_list:
            runs = generated_runs(args, base, work, seed)
            for arm in args.arm_list:
                rows.append(run_arm(args, arm, seed, base, runs))
    finally:
        if own is not None:
            own.cleanup()
    import torch
    means = mean_rows(rows, args.arm_list) if len(args.seed_list) > 1 else []
    return {"rows": rows, "means": means,
            "config": {k: getattr(args, k) for k in FULL} | {
                "tiny": args.tiny, "seeds": args.seed_list, "split_seed": args.split_seed,
                "arms": args.arm_list, "threads": args.threads,
                "split": "proofgen split --keep-statement-lemmas; generate --exclude-split"},
            "eval": {"proofs": len(base["test"]), "labels": sum(len(p.labels) for p in base["test"])},
            "machine": {"python": platform.python_version(), "torch": torch.__version__,
                        "cpus": os.cpu_count(), "platform": platform.platform()},
            "wall_seconds": time.perf_counter() - t_start}


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("bench_learn: needs torch (pip install torch==2.13.0, a CPU build)", file=sys.stderr)
        return 2
    if not os.path.isfile(args.db):
        print(f"bench_learn: {args.db}: no such database", file=sys.stderr)
        return 2
    result = run(args)
    cfg = result["config"]
    print(f"bench_learn: {os.path.basename(args.db)}{' (tiny cut)' if args.tiny else ''} up to "
          f"{args.to or 'the end'}; model {result['rows'][0]['parameters']:,} parameters "
          f"(width {cfg['width']}, {cfg['layers']} layers, context {cfg['context']}); budget "
          f"{cfg['steps']} steps x {cfg['batch']} x {cfg['context']} tokens; "
          f"{result['eval']['proofs']} test proofs, {result['eval']['labels']} step labels")
    print(table(result["rows"], result["means"]))
    print(f"wall time {result['wall_seconds']:.0f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
