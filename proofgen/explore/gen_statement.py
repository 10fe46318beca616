"""The `statement` generator: statement first, proof second
(`statement.py`).  A unit samples propositional formulas in the database's
notation, keeps the tautologies and proves each with a complete procedure
(case splits on variables, a fixed set of set.mm lemmas), verified in
batches like every generator's.

Its knobs are `StatementConfig`'s (the module defaults for `--generator
statement`); the run's `--max-symbols` caps the printed size too
(`max_size` is the smaller of the two).  From Python, register an instance
with other knobs under another name, or set `GenerateConfig.statement`
(a `StatementConfig` or a dict of its fields) where the run carries one.
"""
from __future__ import annotations

from dataclasses import fields, replace

from . import collector
from .generators import Counted, Request, excluded, register
from .statement import Sampler, StatementConfig, logic_of, needed_labels


class StatementGenerator(Counted):
    name = "statement"
    help = ("sample propositional statements (up to 6 variables, 40 symbols), keep the "
            "tautologies and prove each by case splits from a fixed set of set.mm lemmas")
    uses_library = False
    may_freeze = True      # no cyclic garbage (tests/test_statement.py holds it to that)

    def __init__(self, config: StatementConfig | None = None, name: str = "statement"):
        self.config = config or StatementConfig()
        self.name = name

    def settings(self, config) -> StatementConfig:
        """The knobs for a run: this generator's, or the run's own
        (`config.statement`), the size capped by `--max-symbols`."""
        own = getattr(config, "statement", None)
        if isinstance(own, dict):
            known = {f.name for f in fields(StatementConfig)}
            bad = sorted(set(own) - known)
            if bad:
                raise ValueError(f"statement: unknown setting {', '.join(bad)}")
            own = StatementConfig(**own)
        cfg = own or self.config
        cap = config.forward.max_symbols
        if cap < cfg.max_size:
            cfg = replace(cfg, max_size=cap, min_size=min(cfg.min_size, cap))
        return cfg

    def check(self, ctx, config) -> None:
        """ValueError naming what the database lacks (hilbert.mm lacks
        set.mm's lemmas), or a knob out of range, or a needed lemma that
        `--exclude` (or, without --allow-discouraged, the database) forbids."""
        cfg = self.settings(config)
        cfg.validate()
        Sampler(logic_of(ctx, cfg.mix), cfg)     # some size in range can hold the variables
        excluded_labels = excluded(ctx, config)[0]
        if not config.allow_discouraged:
            excluded_labels |= ctx.not_to_cite()
        barred = [lab for lab in needed_labels(cfg.mix) if lab in excluded_labels]
        if barred:
            raise ValueError("statement: the prover cites " + ", ".join(barred)
                             + ", which the run excludes (or holds out: see `proofgen split "
                             "--keep`) or the database discourages")

    def make(self, req: Request) -> tuple[list, dict]:
        from .statement import Statements
        config, stats, want = req.config, req.stats, req.want
        self.check(req.ctx, config)
        cfg = self.settings(config)
        st = Statements(req.ctx, cfg, config.seed, config.unit, req.excluded_hashes,
                        req.excluded_labels, config.allow_discouraged)
        limit = config.max_attempts or 400 * want
        pool: list = []
        pending: list = []
        cells = 0
        paused = collector.is_paused()

        def flush():
            pool.extend(req.emittable(req.verify(pending, None, keep=False,
                                                    collect=not paused)))
            pending.clear()
            req.made(len(pool))
            if paused:
                # nothing cyclic to find: what the run made goes out of the
                # collector's sight instead of being scanned
                collector.freeze_young()

        while len(pool) < want and cells < limit:
            cells += 1
            thm = st.next()
            if thm is None:
                continue
            stats.candidates += 1
            pending.append(thm)
            if len(pending) >= config.batch or len(pool) + len(pending) >= want:
                flush()
        if pending:
            flush()
        counts = st.counts
        stats.attempts = counts["drawn"]
        stats.duplicates += counts["duplicates"]
        stats.excluded += counts["excluded"]
        for k in ("invalid", "cells", "cells_exhausted", "library", "easy"):
            stats.set(k, counts[k])
        return pool[:want], {}


register(StatementGenerator())
