"""Generators: the contract each one keeps, and the registry that `run/`
and the command line ask instead of naming generators.

    from proofgen.explore import generators
    gen = generators.get("forward")
    gen.counted, gen.cuts_by_proofs, gen.uses_library    # what it needs
    gen.plan(config, unit_size, units, proof_count)     # a job's units
    gen.make(request)                                   # a unit's theorems

Each generator is declared in one module (`gen_forward.py`, `gen_deep.py`,
`gen_extract.py`), which ends by registering it; the lines at the end of
this module import the built-in ones.  A generator subclasses one of the
two ways a run is cut into units:

- `Counted` (forward, deep): asked for a number of distinct theorems; units
  of `unit_size`, and more units after global dedup when units made the
  same theorems (`top_up`); the shards stop at the count asked for.
- `ByProofs` (extract): units are ranges of the database's proofs
  (`units`, `proofs`); every distinct theorem found is shipped.

`make(request)` returns the unit's candidates and the verified facts they
may cite; every candidate goes through `request.verify` (the kernel) first.
Dedup against the run, exclusions, distribution control and histograms are
`run.generate`'s, the same for every generator.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Optional, Protocol, Sequence

from . import collector

if TYPE_CHECKING:
    from ..kernel import Database
    from .context import Context
    from .run import GenerateConfig


@dataclass(eq=True)
class Stats(Mapping):
    """What one generator run counted.  The counters every generator keeps
    are attributes; a generator's own (`rounds`, `discouraged_proofs`, ...)
    go to `extra` through `add`/`set`.  Reads like a dict, in a fixed
    order (`stats["rejected"]`, `as_dict()` for a unit's marker)."""

    candidates: int = 0
    duplicates: int = 0
    trivial: int = 0
    excluded: int = 0
    rejected: int = 0
    unexpressible: int = 0
    restatements: int = 0
    attempts: int = 0
    extra: dict = field(default_factory=dict)
    rejections: list = field(default_factory=list)     # the kernel's first messages
    selection: dict = field(default_factory=dict)      # bucket -> [available, taken]
    seconds: float = 0.0
    emitted: int = 0

    COUNTERS = ("candidates", "duplicates", "trivial", "excluded", "rejected",
                "unexpressible", "restatements", "attempts")

    def add(self, name: str, n: int = 1) -> None:
        if name in self.COUNTERS:
            setattr(self, name, getattr(self, name) + n)
        else:
            self.extra[name] = self.extra.get(name, 0) + n

    def set(self, name: str, value) -> None:
        if name in self.COUNTERS:
            setattr(self, name, value)
        else:
            self.extra[name] = value

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.COUNTERS}
        d.update(self.extra)
        if self.rejections:
            d["rejections"] = self.rejections
        d.update(selection=self.selection, seconds=self.seconds, emitted=self.emitted)
        return d

    def __getitem__(self, key: str):
        return self.as_dict()[key]

    def __iter__(self):
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())


@dataclass
class Request:
    """One generator run, as `make` gets it: the database and its context,
    the run's options, how many candidates are wanted (the count, or more
    when a target histogram selects among them), what must never be
    emitted, the run's `Stats`, and a progress callback (made, wanted)."""

    db: "Database"
    ctx: "Context"
    config: "GenerateConfig"
    want: int
    excluded_labels: set
    excluded_hashes: set
    stats: Stats = field(default_factory=Stats)
    progress: Optional[Callable[[int, int], None]] = None
    held: object = None             # the run's `split.HeldOut`, or None
    verdicts: dict = field(default_factory=dict)   # its verdicts so far, by label

    def emittable(self, theorems: list, lemmas: Optional[dict] = None) -> list:
        """The verified `theorems` a run may emit: with held-out theorems,
        those that neither cite nor state one, nor stand on a lemma (in
        `lemmas`) that does; and not an instance of a database assertion
        (`novel`), nor degenerate (`sound`).  What is dropped is counted by
        reason."""
        if self.held is not None:
            theorems = self.held.clean(theorems, lemmas or {}, self.stats, self.verdicts)
        return self.sound(self.novel(theorems))

    def sound(self, theorems: list) -> list:
        """`theorems` without the degenerate ones (degenerate.py: a closed
        hypothesis the database does not prove, inconsistent hypotheses, a
        tautology with hypotheses, a vacuous quantifier), each judged once
        (`meta["degenerate"]`, unless its generator did), counted per reason
        as `degenerate_<reason>` and dropped if the run drops that reason."""
        todo = [t for t in theorems if "degenerate" not in t.meta]
        if not todo:
            return theorems
        from .degenerate import Judge, drops
        judge, drop = Judge.of(self.ctx), drops(self.config)
        dropped = set()
        for t in todo:
            why = t.meta["degenerate"] = judge.reason(t.hypotheses, t.conclusion, t.disjoint)
            if why is not None:
                self.stats.add("degenerate_" + why)
                if why in drop:
                    dropped.add(id(t))
        return [t for t in theorems if id(t) not in dropped] if dropped else theorems

    def novel(self, theorems: list) -> list:
        """`theorems` with each one its generator did not judge (no
        `meta["instance_of"]`) flagged if it is a substitution instance of a
        database assertion whose hypotheses it includes (novelty.py), and
        then dropped unless `keep_instances`: it says nothing the database
        does not.  A restatement (`restates`, a renaming) is such an
        instance, except for an extracted theorem that restates the very
        theorem whose proof it comes from (`meta["source"]`): that is the
        database's own theorem with its own proof."""
        todo = [t for t in theorems if "instance_of" not in t.meta]
        if not todo:
            return theorems
        from .novelty import InstanceIndex
        index = InstanceIndex.of(self.ctx)
        dropped = set()
        for t in todo:
            if t.restates:
                inst = None if t.restates == t.meta.get("source") else t.restates
            else:
                inst = index.instance_of(t.hypotheses, t.conclusion, t.disjoint)
            t.meta["instance_of"] = inst
            if inst is not None:
                self.stats.add("instances")
                if not self.config.keep_instances:
                    dropped.add(id(t))
        return [t for t in theorems if id(t) not in dropped] if dropped else theorems

    def verify(self, batch: list, extra, keep: bool = True,
               collect: bool = True) -> list:
        """The kernel's check of a batch (`Database.check_theorems`): the
        theorems it accepts, each holding what was checked (`meta["checked"]`,
        which is what gets written); a rejection is counted, with its first
        message.  `extra`: generated facts the batch may cite; `keep`: the
        kernel keeps what passes, so later batches can cite it."""
        from .theorem import new_theorem
        stats = self.stats
        texts, kept = [], []
        for t in batch:
            try:
                nt = new_theorem(self.ctx, t, extra)
                t.meta["checked"] = nt
                texts.append(nt)
                kept.append(t)
            except KeyError:  # a variable with no global $f: not expressible here
                stats.unexpressible += 1
        results = self.db.check_theorems(texts, keep=keep)
        if collect:
            collector.after_batch()
        good = []
        for t, problems in zip(kept, results):
            if problems:
                stats.rejected += 1
                stats.rejections.append(problems[0].format())
            else:
                good.append(t)
        return good

    def keep_verified(self, pending: list, generated, forget: Callable, pool: list,
                      lemmas: dict, drop_excluded: bool = False,
                      collect: bool = True) -> None:
        """Verify `pending`; what passes becomes a lemma and joins `pool`
        (unless excluded, with `drop_excluded`); what fails is `forget`-ten
        by the generator, so no later theorem cites it (it would be a bug)."""
        good = self.verify(pending, generated, True, collect)
        ok = {t.label for t in good}
        for t in pending:
            if t.label not in ok:
                forget(t)
        excluded = self.excluded_hashes if drop_excluded else ()
        fresh = []
        for t in good:
            lemmas[t.label] = t
            if t.hash in excluded:
                self.stats.excluded += 1
                continue
            fresh.append(t)
        pool.extend(self.emittable(fresh, lemmas))

    def made(self, n: int) -> None:
        if self.progress:
            self.progress(min(n, self.want), self.want)


@dataclass(frozen=True)
class UnitSpec:
    """What one work unit makes: its number, theorems asked for and (for a
    `ByProofs` generator) its slice of the database's proofs."""

    unit: int
    count: int
    first_proof: int = 0
    proofs: int = 0


class Generator(Protocol):
    """The contract (see the module docstring)."""

    name: str
    help: str                 # one line for --generator's help
    counted: bool             # asked for a count: units of --unit-size, topped up
    cuts_by_proofs: bool      # units are ranges of the database's proofs
    uses_library: bool        # cites a library of assertions (--library)
    may_freeze: bool          # makes no cyclic garbage (see collector.py)

    def check(self, ctx: "Context", config: "GenerateConfig") -> None: ...

    def plan(self, config: "GenerateConfig", unit_size: int, units: int,
             proof_count: int) -> list[UnitSpec]: ...

    def top_up(self, config: "GenerateConfig", unit_size: int, planned: Sequence,
               kept: Sequence[int], fresh: set[int]) -> list[UnitSpec]: ...

    def unit_config(self, config: "GenerateConfig", unit) -> "GenerateConfig": ...

    def make(self, request: Request) -> tuple[list, dict]: ...


class _Base:
    name = ""
    help = ""
    counted = False
    cuts_by_proofs = False
    uses_library = False
    may_freeze = False

    def check(self, ctx, config) -> None:
        """ValueError for an option only the database can judge, before any
        worker starts: the library of a generator that cites one."""
        if self.uses_library:
            library_labels(ctx, config)

    def top_up(self, config, unit_size, planned, kept, fresh) -> list[UnitSpec]:
        return []

    def make(self, request: Request) -> tuple[list, dict]:
        raise NotImplementedError


class Counted(_Base):
    """Cut by count: `count` theorems in units of `unit_size`."""

    counted = True

    def plan(self, config, unit_size, units, proof_count) -> list[UnitSpec]:
        if unit_size < 1:
            raise ValueError("unit size must be at least 1")
        n = max(1, math.ceil(config.count / unit_size))
        return [UnitSpec(u, min(unit_size, config.count - u * unit_size)) for u in range(n)]

    def top_up(self, config, unit_size, planned, kept, fresh) -> list[UnitSpec]:
        """Units made the same theorems and global dedup left fewer than the
        count: more units make up the rest.  Their number and size follow
        from the dedup result, a pure function of the job, so the plan (and
        the dataset) stay reproducible.  `planned`: the units so far (with
        `unit`, `count`), `kept`: what dedup kept of each, `fresh`: the
        numbers of the units the last round made."""
        short = config.count - sum(kept)
        if short <= 0 or sum(u.count for u in planned) > 4 * config.count + 10 * unit_size:
            return []                      # nothing missing (or dedup drops nearly all)
        if not any(k > 0 for u, k in zip(planned, kept) if u.unit in fresh):
            return []                      # the last round found nothing new: exhausted
        extra = short + short // 4 + 8     # a margin for the new units' own duplicates
        first = planned[-1].unit + 1
        n = math.ceil(extra / unit_size)
        return [UnitSpec(first + i, min(unit_size, extra - i * unit_size)) for i in range(n)]

    def unit_config(self, config, unit):
        return replace(config, unit=unit.unit, count=unit.count)


class ByProofs(_Base):
    """Cut by proofs: the database's proofs (or the first `config.proofs`)
    in `units` ranges; each unit asked for its share of the count."""

    cuts_by_proofs = True

    def plan(self, config, unit_size, units, proof_count) -> list[UnitSpec]:
        n = max(1, units)
        total = config.proofs or max(0, proof_count - config.first_proof)
        size = math.ceil(total / n) if total else 0
        per = math.ceil(config.count / n)
        return [UnitSpec(u, per, u * size, size) for u in range(n)]

    def unit_config(self, config, unit):
        return replace(config, unit=unit.unit, count=unit.count,
                       first_proof=config.first_proof + unit.first_proof, proofs=unit.proofs)


# -- what every generator shares ------------------------------------------

def exclusions(ctx: "Context", exclude) -> tuple[set[str], set[int]]:
    """Labels and canonical statement hashes that must never be emitted
    (`--exclude`: labels, or statements such as `|- ( ph -> ph )`)."""
    from .context import statement_hash
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


def held_out(ctx: "Context", config: "GenerateConfig"):
    """The run's `split.HeldOut` filter, or None without held-out theorems.
    ValueError naming a held-out label that is not a theorem here."""
    if not getattr(config, "held_out", ()):
        return None
    from .split import HeldOut
    return HeldOut.of(ctx, config.held_out, config.strict)


def excluded(ctx: "Context", config: "GenerateConfig") -> tuple[set[str], set[int]]:
    """`exclusions` of the run's `--exclude`, with its held-out theorems
    among the labels never cited nor mined.  (Held-out statements are left
    to `HeldOut.clean`, after the generator, which counts them by reason.)"""
    labels, hashes = exclusions(ctx, config.exclude)
    held = held_out(ctx, config)
    if held is not None:
        labels |= held.barred
    return labels, hashes


def library_labels(ctx: "Context", config: "GenerateConfig") -> list[str]:
    """The labels a generator that cites a library may cite: the library
    asked for (`config.forward.library`), without excluded labels and
    (unless allowed) discouraged ones.  ValueError when nothing is left."""
    from .forward import library
    barred = excluded(ctx, config)[0]
    if not config.allow_discouraged:
        barred |= ctx.not_to_cite()
    spec = config.forward.library
    lib = [a.label for a in library(ctx, spec,
                                    getattr(config.forward, "include_mathboxes", False),
                                    getattr(config.forward, "with_definitions", False))
           if a.label not in barred]
    if not lib:
        raise ValueError(f"library {spec}: every assertion in it is excluded"
                         + ("" if config.allow_discouraged else
                            " or discouraged (see --allow-discouraged)"))
    if not any(ctx.assertions[x].essentials for x in lib):
        raise ValueError(f"library {spec} has no rule of inference (an assertion with "
                         "hypotheses, such as ax-mp): nothing can be derived")
    return lib


# -- the registry -----------------------------------------------------------

_REGISTRY: dict[str, Generator] = {}


def register(generator: Generator) -> Generator:
    """Make `generator` known by its name (a later one of the same name
    replaces it).  Returns it, so a module can end with one line."""
    if not generator.name:
        raise ValueError("a generator needs a name")
    _REGISTRY[generator.name] = generator
    return generator


def unregister(name: str) -> None:
    """Forget the generator called `name` (a test's own, say)."""
    _REGISTRY.pop(name, None)


def get(name: str) -> Generator:
    """The generator called `name`; ValueError naming the known ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = names()
        choices = ", ".join(known[:-1]) + " or " + known[-1] if len(known) > 1 else known[0]
        raise ValueError(f"unknown generator {name!r}; choose {choices}") from None


def names() -> tuple[str, ...]:
    """Every registered generator, in the order registered."""
    return tuple(_REGISTRY)


# the built-in generators, one line each (each module registers itself)
from . import gen_forward  # noqa: E402,F401
from . import gen_deep  # noqa: E402,F401
from . import gen_extract  # noqa: E402,F401
from . import gen_statement  # noqa: E402,F401
