"""The `extract` generator: every logical step inside the database's proofs
as a theorem (`extract.py`): hierarchical (each step cites its premises'
theorems as lemmas) or, with `flat`, self-contained subproofs."""
from __future__ import annotations

from . import collector
from .generators import ByProofs, Request, register

#: theorems made between freezes (see collector.py)
_YOUNG_EVERY = 100


class ExtractGenerator(ByProofs):
    name = "extract"
    help = "every step of the database's proofs as a theorem"
    may_freeze = True

    def make(self, req: Request) -> tuple[list, dict]:
        config, ctx, stats = req.config, req.ctx, req.stats
        sources = [s for s in ctx.syn.statements if s.kind == "p"]
        sources = sources[config.first_proof:]
        if config.proofs:
            sources = sources[:config.proofs]
        sources = [s for s in sources if s.label not in req.excluded_labels]
        if not config.allow_discouraged:
            # a proof the database asks to keep as it is, or one citing what it
            # discourages (set.mm's *OLD and *ALT proofs do both), is not mined
            before = len(sources)
            blocked = ctx.not_to_cite()
            sources = [s for s in sources if s.label not in blocked
                       and blocked.isdisjoint(s.proof.labels)]
            stats.set("discouraged_proofs", before - len(sources))
        if config.flat:
            return _flat(req, sources)
        return _hierarchical(req, sources)


def _hierarchical(req: Request, sources) -> tuple[list, dict]:
    from .extract import Extractor
    config, want = req.config, req.want
    ex = Extractor(req.ctx, req.excluded_hashes)
    pool: list = []
    lemmas: dict = {}
    pending: list = []
    paused = collector.is_paused()

    def flush():
        # a theorem the kernel rejects is a bug: later theorems must not cite it
        req.keep_verified(pending, ex.generated, ex.forget, pool, lemmas, collect=not paused)
        pending.clear()
        req.made(len(pool))

    young = 0            # pending theorems at the last young collection
    for st in sources:
        for thm in ex.theorems(st):
            pending.append(thm)
        if paused and len(pending) - young >= _YOUNG_EVERY:
            # no cyclic garbage to find: out of the collector's sight, while
            # the young generation is still short
            collector.freeze_young()
            young = len(pending)
        if len(pending) >= config.batch:
            young = 0
            flush()
            if len(pool) >= want:
                break
    if pending:
        flush()
    ex.close()
    for k in ("candidates", "duplicates", "trivial", "excluded", "skipped", "one_step"):
        req.stats.add(k, ex.stats[k])
    return pool[:want], lemmas


def _flat(req: Request, sources) -> tuple[list, dict]:
    from .context import canonical_statement
    from .extract import extract
    from .theorem import theorem_label
    ctx, config, stats, want = req.ctx, req.config, req.stats, req.want
    excluded_hashes = req.excluded_hashes
    seen: set[int] = set()
    pool: list = []
    pending: list = []
    for thm in extract(ctx, sources):
        stats.candidates += 1
        if thm.conclusion in thm.hypotheses:
            stats.trivial += 1
            continue
        hyps, concl, _ = canonical_statement(ctx, thm.hypotheses, thm.conclusion)
        key = ctx.kit.structural_hash(list(hyps) + [concl])
        if key in seen:
            stats.duplicates += 1
            continue
        seen.add(key)
        if key in excluded_hashes:
            stats.excluded += 1
            continue
        thm.hash = key
        thm.label = theorem_label(ctx, key, thm.hypotheses, thm.conclusion, thm.disjoint)
        thm.restates = ctx.known.get(key)
        pending.append(thm)
        if len(pending) >= config.batch:
            pool.extend(req.emittable(req.verify(pending, None, False)))
            pending = []
            req.made(len(pool))
            if len(pool) >= want:
                break
    if pending:
        pool.extend(req.emittable(req.verify(pending, None, False)))
    return pool[:want], {}


register(ExtractGenerator())
