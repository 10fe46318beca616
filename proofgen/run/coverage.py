"""`proofgen templates coverage DB`: how much of a database's proofs the
English templates put in words, and what to write next.

Every proof in a range of the database (`start` to `stop`, statement
labels) is replayed at the logical level, as the `extract` generator does,
and becomes one document: the theorem's hypotheses, its conclusion and
every logical step.  Over those documents `coverage` counts

- statements (hypotheses and conclusions) fully in words: every syntax node
  read by a template (a constant read as its symbol counts), of all and of
  those with at most `english.MAX_WORDS_NODES` syntax nodes;
- syntax nodes read by a template;
- proof steps whose cited assertion has a template of its own, one by
  family (label pattern), or falls back to its description comment (or its
  label alone);
- the quality checker's defects (`emit.quality`) in the `en` and `mixed`
  renderings of `sample` documents (0: all);
- the untemplated syntax axioms and assertions, weighted by use: what to
  write next.

It reads the database and the templates only (no run folder).
"""
from __future__ import annotations

import collections
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from ..emit import english, quality
from ..emit.model import ProofDoc
from ..emit.notation import Notation
from ..explore.context import Context
from ..explore.extract import logical_steps
from ..syntax.types import Step


@dataclass
class Coverage:
    database: str
    start: str                      # "" : the first statement
    stop: str                       # "" : the end
    proofs: int = 0
    statements: int = 0
    statements_in_words: int = 0
    small_statements: int = 0       # at most english.MAX_WORDS_NODES syntax nodes
    small_in_words: int = 0
    nodes: int = 0
    nodes_in_words: int = 0
    steps: collections.Counter = field(default_factory=collections.Counter)
    missing_rules: collections.Counter = field(default_factory=collections.Counter)
    missing_assertions: collections.Counter = field(default_factory=collections.Counter)
    sampled: int = 0
    defects: dict = field(default_factory=dict)          # style -> Counter of kinds
    records_with_defects: dict = field(default_factory=dict)   # style -> records
    examples: dict = field(default_factory=dict)         # kind -> (label, style, detail)
    seconds: float = 0.0

    @property
    def steps_total(self) -> int:
        return sum(self.steps.values())

    def as_dict(self, top: int = 25) -> dict:
        return {
            "database": self.database, "from": self.start, "to": self.stop,
            "proofs": self.proofs, "statements": self.statements,
            "statements_in_words": self.statements_in_words,
            "small_statements": self.small_statements, "small_in_words": self.small_in_words,
            "nodes": self.nodes, "nodes_in_words": self.nodes_in_words,
            "steps": dict(self.steps),
            "sampled": self.sampled,
            "defects": {s: dict(c) for s, c in self.defects.items()},
            "records_with_defects": dict(self.records_with_defects),
            "missing_rules": self.missing_rules.most_common(top),
            "missing_assertions": self.missing_assertions.most_common(top),
        }


def documents(ctx: Context, start: str, stop: str) -> Iterator[ProofDoc]:
    """A ProofDoc for every replayable proof from the statement `start`
    (or the first) to `stop` (excluded; or the end)."""
    stm = ctx.syn.statements
    labels = [s.label for s in stm]
    i = labels.index(start) if start else 0
    j = labels.index(stop) if stop else len(stm)
    for s in stm[i:j]:
        if s.kind != "p" or s.proof is None or s.label not in ctx.syn.trees:
            continue
        r = logical_steps(ctx, s)
        if r is None:
            continue
        ehyps = [h for h in s.frame.hypotheses if h not in ctx.float_labels]
        steps = tuple(Step(st.label, premises=st.premises, term=c)
                      for st, c in zip(r.steps, r.conclusions))
        yield ProofDoc(s.label, s.typecode, tuple(zip(ehyps, r.hypotheses)),
                       ctx.syn.trees[s.label].term, steps, "",
                       tuple(sorted(s.frame.disjoint)))


def coverage(db, name: str, start: str = "", stop: str = "", sample: int = 3000,
             seed: int = 1, mention_steps: int = 40,
             progress: Optional[Callable[[str], None]] = None) -> Coverage:
    """The figures of the module docstring for the loaded database `db`
    (`name` for the report).  ValueError for a label the database lacks."""
    t0 = time.process_time()
    labels = {s.label for s in db.statements()}
    for opt, label in (("--from", start), ("--to", stop)):
        if label and label not in labels:
            raise ValueError(f"{opt} {label}: no statement of {name} has this label")
    ctx = Context.of(db)
    n = Notation.of(ctx.syn, db.sources)
    tpl = english.templates(n)
    g = n.grammar
    cov = Coverage(name, start, stop)
    docs = []
    for doc in documents(ctx, start, stop):
        docs.append(doc)
        for term in [doc.conclusion] + [t for _, t in doc.hypotheses]:
            said, total = tpl.in_words(term)
            cov.statements += 1
            cov.nodes += total
            cov.nodes_in_words += said
            full = said == total
            cov.statements_in_words += full
            if total <= english.MAX_WORDS_NODES:
                cov.small_statements += 1
                cov.small_in_words += full
            if not full:
                for pos, node in enumerate(term):
                    if node >= 0 and tpl.rules[tpl.rule_at(term, pos)] is None:
                        cov.missing_rules[g.rules[node].label] += 1
        for st in doc.steps:
            lab = st.label
            if lab in tpl.family:
                cov.steps["family"] += 1
            elif lab in tpl.assertions:
                cov.steps["template"] += 1
            else:
                cov.steps["description" if tpl.description(lab) else "label"] += 1
                cov.missing_assertions[lab] += 1
        if progress and len(docs) % 2000 == 0:
            progress(f"{len(docs):,} proofs read")
    cov.proofs = len(docs)
    chosen = docs if not sample or sample >= len(docs) else \
        random.Random(seed).sample(docs, sample)
    cov.sampled = len(chosen)
    for style in ("en", "mixed"):
        cov.defects[style] = collections.Counter()
        cov.records_with_defects[style] = 0
    for k, doc in enumerate(chosen):
        for style, render in (("en", english.render_en), ("mixed", english.render_mixed)):
            text = render(doc, n, random.Random(k))
            # the reader's search grows with the text: long proofs get the
            # surface checks only
            found = quality.defects(text, doc, n, style, mentions=len(doc.steps) <= mention_steps)
            for d in found:
                cov.defects[style][d.kind] += 1
                cov.examples.setdefault(d.kind, (doc.label, style, d.detail))
            cov.records_with_defects[style] += bool(found)
        if progress and (k + 1) % 1000 == 0:
            progress(f"{k + 1:,} of {len(chosen):,} proofs rendered and checked")
    cov.seconds = time.process_time() - t0
    return cov


def text(cov: Coverage, top: int = 25) -> list[str]:
    """The report as lines."""
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "-"  # noqa: E731
    st = cov.steps
    total = cov.steps_total
    lines = [
        f"{cov.database}, proofs from {cov.start or 'the start'} to {cov.stop or 'the end'}: "
        f"{cov.proofs:,} proofs, {cov.statements:,} statements, {total:,} steps "
        f"({cov.seconds:.0f} CPU s)",
        f"statements fully in words: {pct(cov.statements_in_words, cov.statements)} (of those "
        f"with at most {english.MAX_WORDS_NODES} syntax nodes: "
        f"{pct(cov.small_in_words, cov.small_statements)})",
        f"syntax nodes in words: {pct(cov.nodes_in_words, cov.nodes)} of {cov.nodes:,}",
        f"steps read by an assertion's template: {pct(st['template'], total)}, by a family: "
        f"{pct(st['family'], total)}; description fallback: {pct(st['description'], total)}, "
        f"label only: {pct(st['label'], total)}",
        f"checker over the en and mixed renderings of {cov.sampled:,} proofs"
        f"{' (all)' if cov.sampled == cov.proofs else ' (a sample)'}:",
    ]
    for style, kinds in cov.defects.items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"
        lines.append(f"  {style}: {cov.records_with_defects[style]:,} records with a defect "
                     f"({pct(cov.records_with_defects[style], cov.sampled)}); {shown}")
    for kind, (label, style, detail) in sorted(cov.examples.items()):
        lines.append(f"  e.g. {kind}: {label} ({style}): {detail[:150]}")
    lines.append("what to write next, syntax axioms without a template (by syntax nodes in "
                 "statements not fully in words):")
    lines.append("  " + (", ".join(f"{lab} {c:,}" for lab, c in cov.missing_rules.most_common(top))
                         or "none"))
    lines.append("what to write next, assertions on the description fallback (by steps "
                 "citing them):")
    lines.append("  " + (", ".join(f"{lab} {c:,}"
                                   for lab, c in cov.missing_assertions.most_common(top))
                         or "none"))
    return lines
