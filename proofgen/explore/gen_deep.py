"""The `deep` generator: rounds of saturation from a premise set and
trace-back (`deep.py`), verified in batches like forward's.  It reads
forward's library and size options (`GenerateConfig.forward`); its other
knobs are `DeepConfig` defaults."""
from __future__ import annotations

from . import collector
from .generators import Counted, Request, library_labels, register


class DeepGenerator(Counted):
    name = "deep"
    help = ("saturate from a library assertion's hypotheses and trace every derived fact "
            "back to the hypotheses and steps it uses (deep chains, no unused or isolated "
            "hypothesis; --library, --max-symbols, --max-hypotheses, --unit-size as forward)")
    uses_library = True
    may_freeze = True      # no cyclic garbage (tests/test_deep.py holds it to that)

    def make(self, req: Request) -> tuple[list, dict]:
        from .deep import Deep, DeepConfig
        config, stats, want = req.config, req.stats, req.want
        lib = library_labels(req.ctx, config)
        f = config.forward
        dcfg = DeepConfig(library=f.library, max_symbols=f.max_symbols,
                          max_hypotheses=f.max_hypotheses,
                          keep_instances=getattr(config, "keep_instances", False))
        dp = Deep.start(req.ctx, dcfg, lib, config.seed, config.unit, req.excluded_hashes)
        limit = config.max_attempts or 1000 * want
        pool: list = []
        lemmas: dict = {}
        pending: list = []
        paused = collector.is_paused()

        def forget(t):
            dp.forget(t.label)

        def flush():
            req.keep_verified(pending, dp.generated, forget, pool, lemmas, collect=not paused)
            pending.clear()
            req.made(len(pool))
            if paused:
                # nothing cyclic to find: what the run made goes out of the
                # collector's sight instead of being scanned
                collector.freeze_young()

        while len(pool) < want and dp.attempts < limit:
            made = dp.round()
            stats.candidates += len(made)
            pending.extend(made)
            if len(pending) >= config.batch or len(pool) + len(pending) >= want:
                flush()
        if pending:
            flush()
        stats.attempts = dp.attempts
        stats.set("rounds", dp.rounds)
        stats.set("tautologies", dp.tautologies)  # facts not emitted: true without hypotheses
        stats.set("pruned", dp.pruned)     # derived tautologies not kept in a round's pool
        stats.set("unneeded", dp.unneeded)       # not emitted: a hypothesis is not needed
        stats.set("instances", dp.instances)   # instances of a database assertion (novelty.py)
        stats.set("concentrated", dp.concentrated)  # over `max_cited_share`
        stats.set("no_result", dp.attempts - stats.candidates)
        # lemmas past the count stay (they are cited); the theorems stop at it
        return pool[:want], lemmas


register(DeepGenerator())
