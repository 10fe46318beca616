"""Running a generator: dedup, filters, distribution control, verification.

    result = generate(db, GenerateConfig(generator="forward", count=1000, seed=1))
    result.theorems      # verified, deduplicated, selected
    result.histograms    # per metric: bucket -> count, of what was produced

Nothing leaves `generate` unverified: candidates are checked by the kernel
in batches (`Database.check_theorems`), generated lemmas are kept in the
kernel so later theorems can cite them, and a candidate the kernel rejects
is dropped and counted (it would be a generator bug).

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

import contextlib
import gc
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Optional

from ..kernel import Database
from .context import Context, canonical_statement, statement_hash
from .extract import Extractor, extract
from .forward import Forward, ForwardConfig
from .theorem import Theorem, new_theorem, theorem_label

METRICS = ("depth", "steps", "length")
TARGETS = ("natural", "uniform", "log-uniform")


@dataclass
class GenerateConfig:
    generator: str = "forward"          # forward | extract
    count: int = 1000
    seed: int = 0
    unit: int = 0
    forward: ForwardConfig = field(default_factory=ForwardConfig)
    target: str = "natural"             # natural | uniform | log-uniform
    metric: str = "depth"               # depth | steps | length
    oversample: float = 4.0             # candidates generated per theorem wanted, with targets
    exclude: tuple[str, ...] = ()       # labels, or statements ("|- ( ph -> ph )")
    batch: int = 1000                   # theorems per kernel check
    max_attempts: int = 0               # forward: 0 means 400 per theorem wanted
    proofs: int = 0                     # extract: only the first N proofs (0: all)
    first_proof: int = 0                # extract: skip the proofs before this one
    flat: bool = False                  # extract: self-contained subproofs, no lemmas
    allow_discouraged: bool = False     # cite (and mine the proofs of) assertions the
                                        # database marks as discouraged

    def as_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "forward"}
        d["forward"] = dict(self.forward.__dict__)
        d["exclude"] = list(self.exclude)
        return d


@dataclass
class Result:
    theorems: list[Theorem]
    histograms: dict[str, dict[int, int]]
    stats: dict
    lemmas: dict = field(default_factory=dict)   # label -> Theorem, every verified fact


def metric(thm: Theorem, name: str) -> int:
    if name == "depth":
        return thm.depth
    if name == "steps":
        return thm.logical_steps
    return len(thm.conclusion) + sum(len(h) for h in thm.hypotheses)


def bucket(value: int) -> int:
    return max(0, int(math.log2(max(1, value))))


def histograms(theorems: list[Theorem]) -> dict[str, dict[int, int]]:
    """Per metric: bucket -> count of `theorems` in it (buckets in order of
    first appearance).  The values of `metric`, counted in bulk."""
    values = {
        "depth": [t.depth for t in theorems],
        "steps": [len(t.steps) for t in theorems],
        "length": [len(t.conclusion) + sum(map(len, t.hypotheses)) for t in theorems],
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
    if config.generator not in ("forward", "extract", "deep"):
        raise ValueError(f"unknown generator {config.generator!r}; choose forward, deep "
                         "or extract")
    if config.target not in TARGETS:
        raise ValueError(f"unknown target {config.target!r}; choose one of {', '.join(TARGETS)}")
    if config.metric not in METRICS:
        raise ValueError(f"unknown metric {config.metric!r}; choose one of {', '.join(METRICS)}")
    start = time.perf_counter()
    ctx = ctx or Context.of(db)
    excluded_labels, excluded_hashes = _exclusions(ctx, config.exclude)
    stats = {"candidates": 0, "duplicates": 0, "trivial": 0, "excluded": 0, "rejected": 0,
             "unexpressible": 0, "restatements": 0, "attempts": 0}
    want = config.count if config.target == "natural" else int(config.count * config.oversample)
    with _old_generations_left_alone(may_freeze=config.generator == "extract"):
        if config.generator == "forward":
            pool, lemmas = _run_forward(db, ctx, config, want, excluded_hashes, stats,
                                        progress)
        elif config.generator == "deep":
            pool, lemmas = _run_deep(db, ctx, config, want, excluded_hashes, stats, progress)
        else:
            pool, lemmas = _run_extract(db, ctx, config, want, excluded_labels,
                                        excluded_hashes, stats, progress)
    buckets: dict = {}
    chosen = select(pool, config, buckets)
    hist = histograms(chosen)
    stats["restatements"] = sum(1 for t in chosen if t.restates)
    stats["selection"] = {str(k): v for k, v in sorted(buckets.items())}
    stats["seconds"] = round(time.perf_counter() - start, 3)
    stats["emitted"] = len(chosen)
    return Result(chosen, hist, stats, lemmas)


@contextlib.contextmanager
def _old_generations_left_alone(may_freeze: bool):
    """A run keeps what it makes (candidates, lemmas, the kernel's copies of
    them) on top of the loaded database, and makes little cyclic garbage:
    the collector's automatic passes over the old generations find nothing
    and cost as much as the run itself.  They are paused for the run;
    `_verify` collects the young generation after each kernel batch, so
    short-lived cycles are still freed.  The extract generator makes no
    cyclic garbage at all (its young collections found none over all of
    set.mm): it moves what it makes out of the collector's sight instead
    (`gc.freeze`, which costs nothing, where a young collection scans).
    The collector's state is restored afterwards: enabled as it was, and
    what the run froze given back to it unless the caller had frozen
    objects itself (then everything stays frozen, as it asked).  Counting
    frozen objects walks all of them (a worker froze its whole database), so
    it is done only for a generator that freezes (`may_freeze`)."""
    enabled = gc.isenabled()
    frozen = gc.get_freeze_count() if may_freeze else None
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if frozen == 0:
            gc.unfreeze()
        if enabled:
            gc.enable()


def check_exclusions(ctx: Context, exclude) -> None:
    """ValueError naming the first `--exclude` item that is neither a label
    nor a statement of the database."""
    _exclusions(ctx, exclude)


def _exclusions(ctx: Context, exclude) -> tuple[set[str], set[int]]:
    """Labels and canonical statement hashes that must never be emitted."""
    g = ctx.syn.grammar
    labels, hashes = set(), set()
    for item in exclude:
        item = item.strip()
        if not item:
            continue
        if item in ctx.assertions:
            labels.add(item)
            a = ctx.assertions[item]
            hashes.add(statement_hash(ctx, a.essentials, a.conclusion))
            continue
        words = item.split()
        target = g.typecodes.parse_type(words[0]) if words else None
        if target is None:
            raise ValueError(f"exclude: {item!r} is neither a label nor a statement")
        var_types = {v.name: g.types[v.type] for v in g.variables}
        toks = g.tokens(words[1:], var_types)
        parsed = ctx.syn.parser().parse(toks, g.type_index[target]) if toks else None
        if parsed is None or parsed.term is None:
            raise ValueError(f"exclude: {item!r} does not parse")
        hashes.add(statement_hash(ctx, [], parsed.term))
    return labels, hashes


def _verify(db: Database, ctx: Context, batch: list[Theorem], extra, keep: bool,
            stats: dict, collect: bool = True) -> list[Theorem]:
    texts, kept = [], []
    for t in batch:
        try:
            nt = new_theorem(ctx, t, extra)
            # what the kernel checked is what gets written: keep it
            t.meta["checked"] = nt
            texts.append(nt)
            kept.append(t)
        except KeyError:  # a variable with no global $f: not expressible here
            stats["unexpressible"] += 1
    results = db.check_theorems(texts, keep=keep)
    if collect and not gc.isenabled():   # paused by the run (or the caller): see above
        gc.collect(0)
    good = []
    for t, problems in zip(kept, results):
        if problems:
            stats["rejected"] += 1
            stats.setdefault("rejections", []).append(problems[0].format())
        else:
            good.append(t)
    return good


def forward_library(ctx: Context, config: GenerateConfig) -> list[str]:
    """The labels forward derivation may cite: the library asked for,
    without excluded labels and (unless allowed) discouraged ones.
    ValueError when nothing is left."""
    excluded = _exclusions(ctx, config.exclude)[0]
    if not config.allow_discouraged:
        excluded |= ctx.not_to_cite()
    lib = [x for x in _library_labels(ctx, config.forward.library) if x not in excluded]
    if not lib:
        raise ValueError(f"library {config.forward.library}: every assertion in it is "
                         "excluded" + ("" if config.allow_discouraged else
                                       " or discouraged (see --allow-discouraged)"))
    if not any(ctx.assertions[x].essentials for x in lib):
        raise ValueError(f"library {config.forward.library} has no rule of inference (an "
                         "assertion with hypotheses, such as ax-mp): nothing can be derived")
    return lib


def _run_forward(db, ctx, config, want, excluded_hashes, stats, progress):
    # what may be cited, as labels: excluded and discouraged labels left out
    lib = forward_library(ctx, config)
    fcfg = ForwardConfig(**{**config.forward.__dict__, "library": "labels:" + ",".join(lib)})
    if config.target != "natural" and config.metric == "depth" and not fcfg.deep_bias:
        fcfg = ForwardConfig(**{**fcfg.__dict__, "deep_bias": 0.5})
    fw = Forward.start(ctx, fcfg, config.seed, config.unit)
    limit = config.max_attempts or 400 * want
    pool: list[Theorem] = []
    lemmas: dict[str, Theorem] = {}
    pending: list[Theorem] = []
    while len(pool) < want and fw.attempts < limit:
        thm = fw.derive()
        if thm is None:
            continue
        stats["candidates"] += 1
        pending.append(thm)
        if len(pending) >= config.batch or len(pool) + len(pending) >= want:
            _flush_forward(db, ctx, fw, pending, pool, lemmas, excluded_hashes, stats)
            pending = []
            if progress:
                progress(min(len(pool), want), want)
    if pending:
        _flush_forward(db, ctx, fw, pending, pool, lemmas, excluded_hashes, stats)
    stats["attempts"] = fw.attempts
    # attempts that gave nothing: no unifier, a filter, or already seen
    stats["no_result"] = fw.attempts - stats["candidates"]
    return pool, lemmas


def _flush_forward(db, ctx, fw, pending, pool, lemmas, excluded_hashes, stats):
    good = _verify(db, ctx, pending, fw.generated, True, stats)
    ok = {t.label for t in good}
    for t in pending:
        if t.label not in ok:
            fw.forget(t.label)
    for t in good:
        lemmas[t.label] = t
        if t.hash in excluded_hashes:
            stats["excluded"] += 1
            continue
        pool.append(t)


def _run_deep(db, ctx, config, want, excluded_hashes, stats, progress):
    """The `deep` generator (`deep.py`): rounds of saturation from a premise
    set and trace-back, verified in batches like forward's."""
    from .deep import Deep, DeepConfig
    lib = forward_library(ctx, config)
    f = config.forward
    dcfg = DeepConfig(library=f.library, max_symbols=f.max_symbols,
                      max_hypotheses=f.max_hypotheses)
    dp = Deep.start(ctx, dcfg, lib, config.seed, config.unit, excluded_hashes)
    limit = config.max_attempts or 400 * want
    pool: list[Theorem] = []
    lemmas: dict[str, Theorem] = {}
    pending: list[Theorem] = []

    def flush():
        good = _verify(db, ctx, pending, dp.generated, True, stats)
        ok = {t.label for t in good}
        for t in pending:
            if t.label not in ok:
                dp.forget(t.label)
        for t in good:
            lemmas[t.label] = t
            pool.append(t)
        pending.clear()
        if progress:
            progress(min(len(pool), want), want)

    while len(pool) < want and dp.attempts < limit:
        made = dp.round()
        stats["candidates"] += len(made)
        pending.extend(made)
        if len(pending) >= config.batch or len(pool) + len(pending) >= want:
            flush()
    if pending:
        flush()
    stats["attempts"] = dp.attempts
    stats["rounds"] = dp.rounds
    stats["tautologies"] = dp.tautologies    # facts not emitted: true without hypotheses
    stats["no_result"] = dp.attempts - stats["candidates"]
    # lemmas past the count stay (they are cited); the theorems stop at it
    return pool[:want], lemmas


def _library_labels(ctx, spec):
    from .forward import library
    return [a.label for a in library(ctx, spec)]


#: extract: theorems made between freezes (see `_old_generations_left_alone`)
_YOUNG_EVERY = 100


def _run_extract(db, ctx, config, want, excluded_labels, excluded_hashes, stats, progress):
    sources = [s for s in ctx.syn.statements if s.kind == "p"]
    sources = sources[config.first_proof:]
    if config.proofs:
        sources = sources[:config.proofs]
    sources = [s for s in sources if s.label not in excluded_labels]
    if not config.allow_discouraged:
        # a proof the database asks to keep as it is, or one citing what it
        # discourages (set.mm's *OLD and *ALT proofs do both), is not mined
        before = len(sources)
        blocked = ctx.not_to_cite()
        sources = [s for s in sources if s.label not in blocked
                   and blocked.isdisjoint(s.proof.labels)]
        stats["discouraged_proofs"] = before - len(sources)
    if config.flat:
        return _run_extract_flat(db, ctx, config, want, sources, excluded_hashes, stats,
                                 progress)
    ex = Extractor(ctx, excluded_hashes)
    pool: list[Theorem] = []
    lemmas: dict[str, Theorem] = {}
    pending: list[Theorem] = []

    def flush():
        good = _verify(db, ctx, pending, ex.generated, True, stats, collect=not paused)
        ok = {t.label for t in good}
        for t in pending:
            if t.label not in ok:   # a bug: keep later theorems from citing it
                ex.forget(t)
        for t in good:
            lemmas[t.label] = t
            pool.append(t)
        pending.clear()
        if progress:
            progress(min(len(pool), want), want)

    paused = not gc.isenabled()
    young = 0            # pending theorems at the last young collection
    for st in sources:
        for thm in ex.theorems(st):
            pending.append(thm)
        if paused and len(pending) - young >= _YOUNG_EVERY:
            # no cyclic garbage to find: out of the collector's sight, while
            # the young generation is still short (see _old_generations_left_alone)
            gc.freeze()
            young = len(pending)
        if len(pending) >= config.batch:
            young = 0
            flush()
            if len(pool) >= want:
                break
    if pending:
        flush()
    for k in ("candidates", "duplicates", "trivial", "excluded", "skipped"):
        stats[k] = stats.get(k, 0) + ex.stats[k]
    return pool[:want], lemmas


def _run_extract_flat(db, ctx, config, want, sources, excluded_hashes, stats, progress):
    seen: set[int] = set()
    pool: list[Theorem] = []
    pending: list[Theorem] = []
    for thm in extract(ctx, sources):
        stats["candidates"] += 1
        if thm.conclusion in thm.hypotheses:
            stats["trivial"] += 1
            continue
        hyps, concl, _ = canonical_statement(ctx, thm.hypotheses, thm.conclusion)
        key = _hash(ctx, hyps, concl)
        if key in seen:
            stats["duplicates"] += 1
            continue
        seen.add(key)
        if key in excluded_hashes:
            stats["excluded"] += 1
            continue
        thm.hash = key
        thm.label = theorem_label(ctx, key, thm.hypotheses, thm.conclusion, thm.disjoint)
        thm.restates = ctx.known.get(key)
        pending.append(thm)
        if len(pending) >= config.batch:
            pool.extend(_verify(db, ctx, pending, None, False, stats))
            pending = []
            if progress:
                progress(min(len(pool), want), want)
            if len(pool) >= want:
                break
    if pending:
        pool.extend(_verify(db, ctx, pending, None, False, stats))
    return pool[:want], {}


def _hash(ctx, hyps, concl) -> int:
    return ctx.kit.structural_hash(list(hyps) + [concl])


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
