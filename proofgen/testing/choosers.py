"""Where random decisions come from.

Every generator in `proofgen.testing` takes its decisions from a `Chooser`,
so the same code serves two masters: a seeded `random.Random` (the fuzzer:
reproducible from one integer, no dependencies) and hypothesis (the property
tests: `strategies.HypothesisChooser` turns each decision into a draw, so
failing examples shrink).
"""
from __future__ import annotations

import random
from typing import Sequence, TypeVar

T = TypeVar("T")


class Chooser:
    """The three decisions generators make.  Subclasses implement `integer`;
    the rest is built on it (and may be overridden)."""

    def integer(self, lo: int, hi: int) -> int:
        """A whole number in [lo, hi]."""
        raise NotImplementedError

    def choice(self, options: Sequence[T]) -> T:
        """One of `options` (which must not be empty)."""
        return options[self.integer(0, len(options) - 1)]

    def chance(self, p: float) -> bool:
        """True with probability about `p`; shrinks towards False."""
        if p <= 0:
            return False
        if p >= 1:
            return True
        return self.integer(0, 999) >= int(1000 * (1 - p))

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A random permutation of `items`."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """`k` elements of `items` at distinct positions (all of them, in
        random order, if there are fewer)."""
        n = len(items)
        if 4 * k >= n:
            return self.shuffled(items)[:k]
        picked: dict[int, None] = {}
        while len(picked) < k:  # few draws from many: no need to shuffle them all
            picked.setdefault(self.integer(0, n - 1))
        return [items[i] for i in picked]


class RandomChooser(Chooser):
    """Decisions from a seeded `random.Random`: the same seed, the same run."""

    def __init__(self, seed: int | random.Random = 0):
        self.random = seed if isinstance(seed, random.Random) else random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.random.randint(lo, hi)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.random.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.random.random() < p

    def shuffled(self, items: Sequence[T]) -> list[T]:
        out = list(items)
        self.random.shuffle(out)
        return out

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        return self.random.sample(list(items) if not isinstance(items, (list, tuple)) else items,
                                  min(k, len(items)))


def as_chooser(source: Chooser | random.Random | int | None) -> Chooser:
    """A chooser from a chooser, a `random.Random` or a seed."""
    if isinstance(source, Chooser):
        return source
    return RandomChooser(0 if source is None else source)
