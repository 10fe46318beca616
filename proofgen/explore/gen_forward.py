"""The `forward` generator: forward derivation over a growing pool
(`forward.py`), verified in batches; what it derives joins the pool, so
later theorems cite earlier ones as lemmas."""
from __future__ import annotations

from .degenerate import drops
from .generators import Counted, Request, library_labels, register


class ForwardGenerator(Counted):
    name = "forward"
    help = "derive new facts from a library"
    uses_library = True

    def make(self, req: Request) -> tuple[list, dict]:
        from .forward import Forward, ForwardConfig
        config, stats, want = req.config, req.stats, req.want
        # what may be cited, as labels: excluded and discouraged labels left out
        lib = library_labels(req.ctx, config)
        fcfg = ForwardConfig(**{**config.forward.__dict__, "library": "labels:" + ",".join(lib)})
        if config.target != "natural" and config.metric == "depth" and not fcfg.deep_bias:
            fcfg = ForwardConfig(**{**fcfg.__dict__, "deep_bias": 0.5})
        fw = Forward.start(req.ctx, fcfg, config.seed, config.unit)
        fw.drop_degenerate = drops(config)
        limit = config.max_attempts or 400 * want
        pool: list = []
        lemmas: dict = {}
        pending: list = []

        def forget(t):
            fw.forget(t.label)

        while len(pool) < want and fw.attempts < limit:
            thm = fw.derive()
            if thm is None:
                continue
            stats.candidates += 1
            pending.append(thm)
            if len(pending) >= config.batch or len(pool) + len(pending) >= want:
                req.keep_verified(pending, fw.generated, forget, pool, lemmas,
                                  drop_excluded=True)
                pending = []
                req.made(len(pool))
        if pending:
            req.keep_verified(pending, fw.generated, forget, pool, lemmas, drop_excluded=True)
        stats.attempts = fw.attempts
        # attempts that gave nothing: no unifier, a filter, or already seen
        stats.set("no_result", fw.attempts - stats.candidates)
        for why, n in sorted(fw.degenerate.items()):
            stats.add("degenerate_" + why, n)
        return pool, lemmas


register(ForwardGenerator())
