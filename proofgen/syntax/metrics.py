"""The measures of a theorem that a run shapes (`--metric`) and reports.

One definition each, used by the factory (distribution control,
histograms) and by the emit stage (record metadata), so the figures a
manifest, a record and `proofgen report` give are the same numbers:

- `depth`: lemma depth, as the generator counts it (`Theorem.depth`);
- `steps`: logical steps of the proof;
- `length`: symbols of the statement, hypotheses included.

Buckets are 2^k .. 2^(k+1)-1 (bucket 0 also holds 0).
"""
from __future__ import annotations

import math
from typing import Iterable, Sized

METRICS = ("depth", "steps", "length")


def statement_length(hypotheses: Iterable[Sized], conclusion: Sized) -> int:
    """The `length` metric: symbols of the conclusion and of every hypothesis."""
    return len(conclusion) + sum(map(len, hypotheses))


def bucket(value: int) -> int:
    """The histogram bucket of a metric's value."""
    return max(0, int(math.log2(max(1, value))))
