"""The cyclic garbage collector during a run: every rule in one place.

A worker loads the database once (millions of long-lived objects) and a
run keeps what it makes (candidates, lemmas, the kernel's copies of them);
neither is cyclic garbage, yet the collector's automatic passes over the
old generations would scan them again and again, costing as much as the
run itself.  So:

- `settle_loaded()`: after a worker loads its state, collect once and
  freeze it (out of the collector's sight; after a fork its pages stay
  shared);
- `paused(may_freeze)`: the collector is off for a generator run and
  restored afterwards;
- `after_batch()`: while paused, the young generation is collected after
  each kernel batch, so short-lived cycles are still freed;
- `freeze_young()`: a generator that makes no cyclic garbage (extract: its
  young collections found none over all of set.mm) moves what it made out
  of sight instead, which costs nothing where a collection scans.
"""
from __future__ import annotations

import contextlib
import gc


def settle_loaded() -> None:
    """A worker's loaded state: collected once, then frozen."""
    gc.collect()
    gc.freeze()


def is_paused() -> bool:
    return not gc.isenabled()


@contextlib.contextmanager
def paused(may_freeze: bool):
    """The collector off for the block, then restored: enabled as it was,
    and what the block froze given back to it unless the caller had frozen
    objects itself (then everything stays frozen, as it asked).  Counting
    frozen objects walks all of them (a worker froze its whole database),
    so it is done only for a generator that freezes (`may_freeze`)."""
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


def after_batch() -> None:
    """After a kernel batch: the young generation, if the run paused the
    collector (or the caller did)."""
    if not gc.isenabled():
        gc.collect(0)


def freeze_young() -> None:
    """What was made so far, out of the collector's sight (no cycles in it)."""
    gc.freeze()
