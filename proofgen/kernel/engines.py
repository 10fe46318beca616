"""Which implementation runs: the reference (plain Python) or the fast one
(compiled with Cython), for every place proofgen has both.

A *pair* is a reference implementation and its compiled twin, which must
give the same results (tests hold them to it: `tests/test_engine_pairs.py`
walks this registry).  Every stage registers its pairs where the reference
lives, and asks for them through this module only:

    TERM_KIT = engines.pair("syntax.term_kit", TermKit, "proofgen.syntax._terms",
                            "FastTermKit", agreement=("tests/test_x.py::test_y",))
    kit = TERM_KIT.choose()(grammar)          # resolve once, keep the result

Names are `stage.thing`; the engine names are those of the kernel, `python`
(the reference) and `cython` (the fast one).  The environment variable
`PROOFGEN_ENGINE` picks for all pairs at once: `python` forces every
reference path; `cython` or unset runs the fast path wherever the extension
is built and falls back to the reference where it is not.  The choice is
read when a pair is first resolved, so set it before the process starts.

The kernel imports nothing of proofgen, so this module knows pairs only as
their owners hand them in: a compiled module is imported (by name) only
when its owner asks for its pair.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import Any, Optional

PYTHON = "python"
CYTHON = "cython"
ENGINES = (CYTHON, PYTHON)
#: the environment variable that picks the engine of every pair
ENV = "PROOFGEN_ENGINE"

_MISSING = object()


def requested() -> str:
    """What the environment asks for: `python` or `cython` (the default)."""
    value = os.environ.get(ENV, "").strip().lower()
    if value in ("", CYTHON):
        return CYTHON
    if value == PYTHON:
        return PYTHON
    raise ValueError(f"{ENV}={os.environ[ENV]!r}: choose {CYTHON} or {PYTHON}")


@dataclass(eq=False)
class Pair:
    """A reference implementation and its compiled twin (`module`.`attribute`)."""

    name: str
    reference: Any
    module: str
    attribute: str
    #: pytest node ids of tests that run both sides on the same inputs
    agreement: tuple[str, ...] = ()
    _compiled: Any = field(default=_MISSING, repr=False)

    def compiled(self) -> Any:
        """The compiled implementation, None when the extension is not
        built; whatever the environment asks (agreement tests use it)."""
        got = self._compiled
        if got is _MISSING:
            try:
                got = getattr(importlib.import_module(self.module), self.attribute)
            except ImportError:
                got = None
            self._compiled = got
        return got

    def engine(self, engine: Optional[str] = None) -> str:
        """The engine that runs: `engine` when given (an error if it is
        `cython` and the extension is not built), else the environment's
        choice, falling back to `python` when the extension is missing."""
        if engine is None:
            engine = requested()
            if engine == CYTHON and self.compiled() is None:
                engine = PYTHON
        elif engine == CYTHON:
            if self.compiled() is None:
                raise RuntimeError(f"the Cython extension {self.module} is not built; "
                                   "reinstall proofgen (pip install .) or use the python engine")
        elif engine != PYTHON:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        return engine

    def choose(self, engine: Optional[str] = None) -> Any:
        """The implementation that runs (see `engine`)."""
        return self.compiled() if self.engine(engine) == CYTHON else self.reference

    def fast(self) -> Any:
        """The compiled implementation if it is the one that runs, else None
        (for callers whose reference path is inline code)."""
        return self.compiled() if self.engine() == CYTHON else None


_PAIRS: dict[str, Pair] = {}


def pair(name: str, reference: Any, module: str, attribute: str,
         agreement: tuple[str, ...] = ()) -> Pair:
    """Register (or, on a module's re-import, replace) a pair and return it."""
    if name.count(".") != 1:
        raise ValueError(f"pair names are stage.thing, not {name!r}")
    got = _PAIRS[name] = Pair(name, reference, module, attribute, tuple(agreement))
    return got


def pairs() -> dict[str, Pair]:
    """Every registered pair, by name (those of the stages imported so far)."""
    return dict(sorted(_PAIRS.items()))


def default_engine() -> str:
    """The kernel's engine when none is named: the environment's choice,
    `python` when the kernel's extension is not built."""
    return _PAIRS["kernel.database"].engine()


def fast_engine_available() -> bool:
    """Whether the kernel's Cython engine is built."""
    return _PAIRS["kernel.database"].compiled() is not None


def describe() -> dict:
    """For a run's manifest: what the environment asked for and the engine
    of every registered pair in this process (workers inherit both the
    environment and the build, so they run the same)."""
    return {"requested": requested(),
            "pairs": {name: p.engine() for name, p in pairs().items()}}
