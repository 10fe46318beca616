"""Running a generator: dedup, filters, distribution control, verification.

    result = generate(db, GenerateConfig(generator="forward", count=1000, seed=1))
    result.theorems      # verified, deduplicated, selected
    result.histograms    # per metric: bucket -> count, of what was produced

The generator is the registry's (`generators.get(config.generator)`; one
module each, see generators.py).  Nothing leaves `generate` unverified:
candidates are checked by the kernel in batches (`Request.verify`, through
`Database.check_theorems`), generated lemmas are kept in the kernel so
later theorems can cite them, and a candidate the kernel rejects is dropped
and counted in `Stats` (it would be a generator bug).

Distribution control works on candidates: the run over-generates, sorts
candidates into buckets of a metric (proof depth, logical steps or
statement length; bucket k holds values in [2^k, 2^(k+1))), then takes from
each bucket its share of the target: `natural` (as generated), `uniform`
over values (a bucket's share grows with its width) or `log-uniform` (equal
shares per bucket).  The top bucket is open-ended and starts where enough
candidates remain to fill its share, so the deepest bucket is never a
handful of stragglers.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

from ..kernel import Database
from ..syntax.metrics import METRICS, bucket, statement_length
from . import collector, generators
from .context import Context
from .forward import ForwardConfig
from .generators import Request, Stats, excluded, exclusions, held_out, library_labels
from .theorem import Theorem

TARGETS = ("natural", "uniform", "log-uniform")

__all__ = ["METRICS", "TARGETS", "GenerateConfig", "Result", "Stats", "bucket",
           "check_exclusions", "forward_library", "generate", "histograms", "metric",
           "resolve_range",
           "select"]


@dataclass
class GenerateConfig:
    generator: str = "forward"          # a registered generator (generators.names())
    count: int = 1000
    seed: int = 0
    unit: int = 0
    forward: ForwardConfig = field(default_factory=ForwardConfig)
    target: str = "natural"             # natural | uniform | log-uniform
    metric: str = "depth"               # depth | steps | length
    oversample: float = 4.0             # candidates generated per theorem wanted, with targets
    exclude: tuple[str, ...] = ()       # labels, or statements ("|- ( ph -> ph )")
    batch: int = 1000                   # theorems per kernel check
    max_attempts: int = 0               # forward, deep: 0 means 400 (deep: 1000) per
                                        # theorem wanted
    proofs: int = 0                     # extract: only the first N proofs (0: all)
    first_proof: int = 0                # extract: skip the proofs before this one
    from_label: str = ""                # extract: from the first proof at or after this
                                        # statement (`resolve_range` sets first_proof)
    to_label: str = ""                  # extract: only proofs before this statement
    flat: bool = False                  # extract: self-contained subproofs, no lemmas
    allow_discouraged: bool = False     # cite (and mine the proofs of) assertions the
                                        # database marks as discouraged
    keep_instances: bool = False        # deep: emit theorems that are instances of a database
                                        # assertion (flagged `instance_of`) instead of dropping
    mix: tuple = ()                     # ((generator, weight), ...): several generators in
                                        # one run (run/mix.py); () for one generator
    held_out: tuple[str, ...] = ()      # theorems held out (a split's valid and test):
                                        # never cited, mined or emitted (explore/split.py)
    strict: bool = False                # held out too: assertions whose proofs cite them

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items()
             if k not in ("forward", "mix", "held_out", "strict")}
        d["forward"] = dict(self.forward.__dict__)
        d["exclude"] = list(self.exclude)
        if self.mix:                    # only a mixed run's job says so (same fingerprints)
            d["mix"] = [[n, w] for n, w in self.mix]
        if self.held_out:               # the list by its digest: thousands of labels
            from .split import digest
            d["held_out"] = {"theorems": len(self.held_out),
                             "sha256": digest(self.held_out), "strict": self.strict}
        return d


def resolve_range(config: GenerateConfig, statements) -> GenerateConfig:
    """`config` with `from_label`/`to_label` turned into the proof range
    they name (`first_proof`, `proofs`), given the database's statements in
    order (`Database.statements()`); `proofs` caps the range when set too.
    ValueError naming an unknown label or an empty range."""
    if not config.from_label and not config.to_label:
        return config
    where: dict[str, tuple[int, int]] = {}    # label -> (position, proofs before it)
    proofs = 0
    for k, st in enumerate(statements):
        where.setdefault(st.label, (k, proofs))
        if st.kind == "p":
            proofs += 1
    for opt, label in (("--from", config.from_label), ("--to", config.to_label)):
        if label and label not in where:
            raise ValueError(f"{opt} {label}: no statement of the database has this label")
    first = where[config.from_label][1] if config.from_label else 0
    last = where[config.to_label][1] if config.to_label else proofs
    if last <= first:
        raise ValueError(f"no proof lies from {config.from_label or 'the start'} to "
                         f"{config.to_label or 'the end'} (--to must come after --from)")
    count = last - first
    if config.proofs:
        count = min(count, config.proofs)
    return replace(config, first_proof=first, proofs=count)


@dataclass
class Result:
    theorems: list[Theorem]
    histograms: dict[str, dict[int, int]]
    stats: Stats
    lemmas: dict = field(default_factory=dict)   # label -> Theorem, every verified fact


def metric(thm: Theorem, name: str) -> int:
    """The value of metric `name` (syntax/metrics.py) for a theorem."""
    if name == "depth":
        return thm.depth
    if name == "steps":
        return thm.logical_steps
    return statement_length(thm.hypotheses, thm.conclusion)


def histograms(theorems: list[Theorem]) -> dict[str, dict[int, int]]:
    """Per metric: bucket -> count of `theorems` in it (buckets in order of
    first appearance).  The values of `metric`, counted in bulk."""
    values = {
        "depth": [t.depth for t in theorems],
        "steps": [len(t.steps) for t in theorems],
        "length": [statement_length(t.hypotheses, t.conclusion) for t in theorems],
    }
    hist: dict[str, dict[int, int]] = {}
    for m in METRICS:
        counts: dict[int, int] = {}
        for v, n in Counter(values[m]).items():   # values in order of first appearance
            b = bucket(v)
            counts[b] = counts.get(b, 0) + n
        hist[m] = counts
    return hist


def generate(db: Database, config: GenerateConfig, ctx: Optional[Context] = None,
             progress: Optional[Callable[[int, int], None]] = None) -> Result:
    gen = generators.get(config.generator)
    if config.target not in TARGETS:
        raise ValueError(f"unknown target {config.target!r}; choose one of {', '.join(TARGETS)}")
    if config.metric not in METRICS:
        raise ValueError(f"unknown metric {config.metric!r}; choose one of {', '.join(METRICS)}")
    start = time.perf_counter()
    ctx = ctx or Context.of(db)
    excluded_labels, excluded_hashes = excluded(ctx, config)
    want = config.count if config.target == "natural" else int(config.count * config.oversample)
    req = Request(db, ctx, config, want, excluded_labels, excluded_hashes, Stats(), progress,
                  held_out(ctx, config))
    # what a run makes is kept, not garbage: see collector.py
    with collector.paused(may_freeze=gen.may_freeze):
        pool, lemmas = gen.make(req)
    stats = req.stats
    # whatever the generator (the built-in ones filter as they go): nothing
    # held out is cited or stated, by a theorem or a lemma it stands on, and
    # no instance of a database assertion is shipped as new
    pool = req.emittable(pool, lemmas)
    buckets: dict = {}
    chosen = select(pool, config, buckets)
    hist = histograms(chosen)
    stats.restatements = sum(1 for t in chosen if t.restates)
    stats.selection = {str(k): v for k, v in sorted(buckets.items())}
    stats.seconds = round(time.perf_counter() - start, 3)
    stats.emitted = len(chosen)
    return Result(chosen, hist, stats, lemmas)


def check_exclusions(ctx: Context, exclude) -> None:
    """ValueError naming the first `--exclude` item that is neither a label
    nor a statement of the database."""
    exclusions(ctx, exclude)


#: labels and canonical statement hashes never emitted (generators.exclusions)
_exclusions = exclusions
#: what forward and deep may cite (generators.library_labels)
forward_library = library_labels


def select(pool: list[Theorem], config: GenerateConfig, report: Optional[dict] = None) -> list[Theorem]:
    """Take `config.count` theorems from the candidates to match the target
    histogram (see the module docstring).  Deterministic: within a bucket,
    candidates are taken in the order they were made.  `report`, if given,
    receives {bucket: [available, taken]} (the top bucket open-ended)."""
    n = config.count
    if config.target == "natural" or not pool:
        return pool[:n]
    by_bucket: dict[int, list[Theorem]] = {}
    for t in pool:
        by_bucket.setdefault(bucket(metric(t, config.metric)), []).append(t)
    keys = sorted(by_bucket)

    def weights(ks):
        return [1.0 if config.target == "log-uniform" else float(2 ** k) for k in ks]

    # Merge the deepest buckets into one open-ended bucket until it holds
    # enough candidates to fill its share.
    while len(keys) > 1:
        w = weights(keys)
        if len(by_bucket[keys[-1]]) >= w[-1] / sum(w) * n:
            break
        top = keys.pop()
        by_bucket[keys[-1]] = by_bucket[keys[-1]] + by_bucket.pop(top)
    quota = _water_fill([len(by_bucket[k]) for k in keys], weights(keys), n)
    chosen: list[Theorem] = []
    for k, q in zip(keys, quota):
        chosen.extend(by_bucket[k][:q])
        if report is not None:
            report[k] = [len(by_bucket[k]), q]
    order = {id(t): i for i, t in enumerate(pool)}
    return sorted(chosen, key=lambda t: order[id(t)])


def _water_fill(available: list[int], weights: list[float], n: int) -> list[int]:
    """Quotas q_k = min(available_k, lam * w_k) summing to n (or to all
    that is available): buckets short of candidates give their share to the
    others in proportion to the others' weights."""
    k = len(available)
    quota = [0] * k
    open_ = set(range(k))
    left = min(n, sum(available))
    while open_ and left > 0:
        total_w = sum(weights[i] for i in open_)
        capped = [i for i in open_ if available[i] <= weights[i] / total_w * left]
        if not capped:
            # largest remainders, so the quotas add up exactly
            raw = {i: weights[i] / total_w * left for i in open_}
            for i in open_:
                quota[i] = int(raw[i])
            rest = left - sum(quota[i] for i in open_)
            for i in sorted(open_, key=lambda i: (-(raw[i] - int(raw[i])), i))[:rest]:
                quota[i] += 1
            break
        for i in capped:
            quota[i] = available[i]
            left -= available[i]
            open_.discard(i)
    return quota
