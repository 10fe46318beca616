"""Mixtures: several generators in one run (`--mix forward=0.5,deep=0.5`).

The count is split by the weights with largest-remainder rounding: each
generator gets the floor of `count * weight / total`, and the theorems left
go one each to the largest remainders (ties: the order the mix names them).
Each generator plans its share with its own `plan` (a counted one: units of
--unit-size; one cut by proofs: its proof ranges, asked for its share), and
units are numbered consecutively across generators in the mix's order; a
unit's `generator` says which made it.  Global dedup is the run's, across
all units (a theorem two generators made is kept in the smaller-numbered
unit); a counted generator that falls short after dedup is topped up on its
own, and every generator's shard stops at its share.
"""
from __future__ import annotations

import math
from dataclasses import replace

from ..explore import generators


def parse(text: str) -> tuple[tuple[str, float], ...]:
    """`forward=0.5,deep=0.5` -> (("forward", 0.5), ("deep", 0.5)); ValueError
    for a bad item, an unknown generator, a duplicate or a weight <= 0."""
    out: list[tuple[str, float]] = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        name, eq, w = item.partition("=")
        name = name.strip()
        if not eq:
            raise ValueError(f"--mix {item!r}: write NAME=WEIGHT, e.g. forward=0.5")
        generators.get(name)                    # ValueError naming the known ones
        try:
            weight = float(w)
        except ValueError:
            raise ValueError(f"--mix {name}={w}: the weight is not a number") from None
        if not weight > 0 or math.isinf(weight):
            raise ValueError(f"--mix {name}={w}: a weight must be a positive number")
        if any(n == name for n, _ in out):
            raise ValueError(f"--mix: {name} is named twice")
        out.append((name, weight))
    if not out:
        raise ValueError("--mix: name at least one generator, e.g. forward=0.5,deep=0.5")
    return tuple(out)


def shares(count: int, mix) -> dict[str, int]:
    """The count split by the weights (largest remainder)."""
    total = sum(w for _, w in mix)
    exact = [(n, count * w / total) for n, w in mix]
    out = {n: int(math.floor(x)) for n, x in exact}
    left = count - sum(out.values())
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i][1] - out[exact[i][0]]), i))
    for i in order[:left]:
        out[exact[i][0]] += 1
    return out


def share_config(config, name: str):
    """`config` as generator `name` sees it: its generator and its share."""
    return replace(config, generator=name, count=shares(config.count, config.mix)[name])


def plan(job, proof_count: int) -> list:
    """The mixed job's units: each generator's plan for its share, numbered
    on.  Returns (spec, generator) pairs."""
    out, first = [], 0
    for name, _ in job.generate.mix:
        gen = generators.get(name)
        cfg = share_config(job.generate, name)
        if cfg.count <= 0:
            continue
        for s in gen.plan(cfg, job.unit_size, job.units, proof_count):
            out.append((replace(s, unit=first + s.unit), name))
        first = out[-1][0].unit + 1 if out else 0
    return out


def top_up(job, units: list, kept: list, fresh: set) -> list:
    """More units for the counted generators that fell short, numbered after
    the last unit.  Returns (spec, generator) pairs."""
    out, first = [], units[-1].unit + 1
    for name, _ in job.generate.mix:
        gen = generators.get(name)
        mine = [(u, k) for u, k in zip(units, kept) if u.generator == name]
        if not mine:
            continue
        more = gen.top_up(share_config(job.generate, name), job.unit_size,
                          [u for u, _ in mine], [k for _, k in mine], fresh)
        for i, s in enumerate(more):
            out.append((replace(s, unit=first + i), name))
        first += len(more)
    return out


def quotas(job, units: list, kept: list) -> dict[int, int]:
    """Each unit's shard: its kept theorems, until its generator's share."""
    left = shares(job.generate.count, job.generate.mix)
    quota = {}
    for u, k in zip(units, kept):
        quota[u.unit] = min(k, left[u.generator])
        left[u.generator] -= quota[u.unit]
    return quota
