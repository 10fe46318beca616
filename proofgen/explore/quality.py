"""What a theorem is worth as training text, measured the same way for
every generator: the figures a run's manifest and `proofgen report` give
(and `benchmarks/bench_deep.py` prints).

Per theorem (`measures`):

- `flattened`: logical steps with every generated lemma the proof cites
  expanded into its own proof, recursively (a lemma cited twice counts
  twice): the length of the proof written out without lemmas;
- `non_propositional`: the statement (hypotheses or conclusion) uses a
  syntax rule outside `PROPOSITIONAL`;
- `unused_hypotheses`: hypotheses no step of the proof refers to;
- `isolated_hypotheses`: hypotheses sharing no variable with the
  conclusion nor with another hypothesis (`|- ph` next to `|- A = B`);
- `unshared_hypotheses`: hypotheses sharing no variable with the
  conclusion (linked to it only through another hypothesis, or isolated);
- `citations`: database assertion -> the proof's steps citing it.

`Tally` sums them over a set of theorems (a unit's shipped ones; a run's,
by `merge`), and `summary` turns a tally into the manifest's `quality`
entry: rates per theorem and the share of citations going to the 10 most
cited assertions (the usage concentration).
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from ..syntax.metrics import bucket

#: syntax rules that count as propositional (set.mm's and iset.mm's names):
#: a theorem whose statement uses any other syntax rule is non-propositional
PROPOSITIONAL = frozenset({
    "wn", "wi", "wb", "wa", "wo", "wif", "w3o", "w3a", "wnan", "wxo", "wtru", "wfal",
    "wnor", "w3nand", "wcad", "wdc"})

#: the most cited assertions `summary` lists
TOP = 10


def non_propositional(ctx, hypotheses, conclusion) -> bool:
    """Whether the statement uses a syntax rule outside `PROPOSITIONAL`."""
    labels = ctx.rule_labels
    for t in (*hypotheses, conclusion):
        for n in t:
            if n >= 0 and labels[n] not in PROPOSITIONAL:
                return True
    return False


def flattened(thm, lemmas: Mapping, memo: dict) -> int:
    """`thm`'s logical steps with each cited generated lemma (in `lemmas`,
    label -> theorem) counted as its own flattened proof."""
    got = memo.get(thm.label)
    if got is not None:
        return got
    n = 0
    for s in thm.steps:
        lem = lemmas.get(s.label)
        n += flattened(lem, lemmas, memo) if lem is not None and lem is not thm else 1
    memo[thm.label] = n
    return n


def hypothesis_faults(thm) -> tuple[int, int, int]:
    """(unused, isolated, sharing no variable with the conclusion): how many
    of `thm`'s hypotheses are each (`-1 - k` is hypothesis k in a step's
    premises; variables are the negative ids)."""
    used = {-1 - p for s in thm.steps for p in s.premises if p < 0}
    cvars = {n for n in thm.conclusion if n < 0}
    hvars = [{n for n in h if n < 0} for h in thm.hypotheses]
    unused = sum(1 for i in range(len(hvars)) if i not in used)
    isolated = unshared = 0
    for i, hv in enumerate(hvars):
        if hv.isdisjoint(cvars):
            unshared += 1
            if all(hv.isdisjoint(o) for j, o in enumerate(hvars) if j != i):
                isolated += 1
    return unused, isolated, unshared


def measures(ctx, thm, lemmas: Mapping, memo: dict) -> dict:
    """The per-theorem figures (module docstring), as a theorem file row's
    `quality` field."""
    unused, isolated, unshared = hypothesis_faults(thm)
    assertions = ctx.assertions
    cites = Counter(s.label for s in thm.steps if s.label in assertions
                    and s.label not in lemmas)
    return {"flattened": flattened(thm, lemmas, memo),
            "non_propositional": non_propositional(ctx, thm.hypotheses, thm.conclusion),
            "unused_hypotheses": unused, "isolated_hypotheses": isolated,
            "unshared_hypotheses": unshared, "citations": dict(sorted(cites.items()))}


class Tally:
    """Sums of `measures` over theorems; plain data (`as_dict`) for a unit's
    marker, merged back by `merge`."""

    COUNTS = ("theorems", "non_propositional", "with_unused_hypothesis",
              "with_isolated_hypothesis", "with_unshared_hypothesis", "instances")

    def __init__(self) -> None:
        self.counts = dict.fromkeys(self.COUNTS, 0)
        self.flattened: Counter = Counter()      # bucket -> theorems
        self.citations: Counter = Counter()

    def add(self, quality: Mapping, instance: bool = False) -> None:
        c = self.counts
        c["theorems"] += 1
        c["non_propositional"] += bool(quality["non_propositional"])
        c["with_unused_hypothesis"] += quality["unused_hypotheses"] > 0
        c["with_isolated_hypothesis"] += quality["isolated_hypotheses"] > 0
        c["with_unshared_hypothesis"] += quality["unshared_hypotheses"] > 0
        c["instances"] += bool(instance)
        self.flattened[str(bucket(quality["flattened"]))] += 1
        self.citations.update(quality["citations"])

    def as_dict(self) -> dict:
        return {**self.counts, "flattened": dict(self.flattened),
                "citations": dict(self.citations)}

    @classmethod
    def merge(cls, parts: Iterable[Mapping]) -> "Tally":
        t = cls()
        for p in parts:
            for k in cls.COUNTS:
                t.counts[k] += p.get(k, 0)
            t.flattened.update(p.get("flattened", {}))
            t.citations.update(p.get("citations", {}))
        return t

    def summary(self) -> dict:
        """The manifest's `quality` entry: rates (share of theorems, 4
        decimals), the flattened-length histogram and usage concentration."""
        c = self.counts
        n = c["theorems"] or 1
        total = sum(self.citations.values())
        top = self.citations.most_common(TOP)
        return {
            "theorems": c["theorems"],
            "non_propositional": round(c["non_propositional"] / n, 4),
            "with_unused_hypothesis": round(c["with_unused_hypothesis"] / n, 4),
            "with_isolated_hypothesis": round(c["with_isolated_hypothesis"] / n, 4),
            "with_unshared_hypothesis": round(c["with_unshared_hypothesis"] / n, 4),
            "instances": round(c["instances"] / n, 4),
            "flattened": dict(sorted(self.flattened.items(), key=lambda kv: int(kv[0]))),
            "citations": total,
            "assertions_cited": len(self.citations),
            "top_share": round(sum(k for _, k in top) / total, 4) if total else 0.0,
            "top": [[label, k] for label, k in top],
        }
