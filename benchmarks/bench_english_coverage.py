#!/usr/bin/env python3
"""How much of a database's proofs the English templates put in words, and
what the quality checker finds in the `en` and `mixed` texts.

Every proof from --from (default `ax-ext`, where set.mm's set theory
starts) to --to (default `mathbox`, where its mathboxes start; `-` for the
end) is replayed at the logical level, as the `extract` generator does, and
becomes one document: the theorem's hypotheses, its conclusion and every
logical step.  Over those documents it prints:

* statements (the theorems' hypotheses and conclusions) fully in words:
  every syntax node read by a template (a constant read as its symbol
  counts), of all and of those with at most 30 syntax nodes (longer ones
  are shown in Unicode by the renderings);
* syntax nodes read by a template, over the same statements;
* proof steps whose cited assertion has a template of its own, one by
  family (label pattern), or falls back to its description comment (or its
  label alone);
* the checker's defects (`proofgen.emit.quality`) by kind, over the `en`
  and `mixed` renderings of --sample documents (0: all; mentions are
  checked in those of at most --mention-steps steps);
* the untemplated syntax axioms and assertions weighted by use: what to
  write next.

    python3 benchmarks/bench_english_coverage.py [--db FILE] [--from LABEL] [--to LABEL]
        [--sample N] [--top K]
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from proofgen.emit import english, quality  # noqa: E402
from proofgen.emit.model import ProofDoc  # noqa: E402
from proofgen.emit.notation import Notation  # noqa: E402
from proofgen.explore.context import Context  # noqa: E402
from proofgen.explore.extract import logical_steps  # noqa: E402
from proofgen.kernel import load  # noqa: E402

try:                                    # the step type, wherever it lives
    from proofgen.syntax.types import Step as _Step

    def _step(label, premises, term):
        return _Step(label, premises=premises, term=term)
except ImportError:  # pragma: no cover - older layout
    from proofgen.emit.model import ProofStep as _step  # type: ignore


def documents(ctx: Context, start: str, stop: str):
    """(statement, ProofDoc) for every replayable proof in [start, stop)."""
    stm = ctx.syn.statements
    labels = [s.label for s in stm]
    i = labels.index(start) if start else 0
    j = labels.index(stop) if stop and stop != "-" else len(stm)
    for s in stm[i:j]:
        if s.kind != "p" or s.proof is None or s.label not in ctx.syn.trees:
            continue
        r = logical_steps(ctx, s)
        if r is None:
            continue
        ehyps = [h for h in s.frame.hypotheses if h not in ctx.float_labels]
        steps = tuple(_step(st.label, st.premises, c) for st, c in zip(r.steps, r.conclusions))
        yield s, ProofDoc(s.label, s.typecode, tuple(zip(ehyps, r.hypotheses)),
                          ctx.syn.trees[s.label].term, steps, "",
                          tuple(sorted(s.frame.disjoint)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default="/usr/share/metamath/databases/set.mm")
    ap.add_argument("--from", dest="start", default="ax-ext")
    ap.add_argument("--to", dest="stop", default="mathbox")
    ap.add_argument("--sample", type=int, default=3000,
                    help="documents rendered and checked (0: all)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--mention-steps", type=int, default=40,
                    help="check mentions in documents of at most this many steps")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.process_time()
    db = load(args.db)
    ctx = Context.of(db)
    n = Notation.of(ctx.syn, db.sources)
    tpl = english.templates(n)
    g = n.grammar
    labels = {s.label for s in ctx.syn.statements}
    start = args.start if args.start in labels else ""
    stop = args.stop if args.stop in labels else "-"

    statements = words = small = small_words = 0
    nodes = nodes_said = 0
    missing_rules: collections.Counter = collections.Counter()
    steps = collections.Counter()          # template / family / description / label
    missing_steps: collections.Counter = collections.Counter()
    docs = []
    for s, doc in documents(ctx, start, stop):
        docs.append(doc)
        for term in [doc.conclusion] + [t for _, t in doc.hypotheses]:
            said, total = tpl.in_words(term)
            statements += 1
            nodes += total
            nodes_said += said
            full = said == total
            words += full
            if total <= english.MAX_WORDS_NODES:
                small += 1
                small_words += full
            if not full:
                for pos, node in enumerate(term):
                    if node >= 0 and tpl.rules[tpl.rule_at(term, pos)] is None:
                        missing_rules[g.rules[node].label] += 1
        for st in doc.steps:
            lab = st.label
            if lab in tpl.family:
                steps["family"] += 1
            elif lab in tpl.assertions:
                steps["template"] += 1
            else:
                steps["description" if tpl.description(lab) else "label"] += 1
                missing_steps[lab] += 1
    walked = time.process_time() - t0

    sample = docs if not args.sample or args.sample >= len(docs) else \
        random.Random(args.seed).sample(docs, args.sample)
    kinds = {style: collections.Counter() for style in ("en", "mixed")}
    records_with = {style: 0 for style in kinds}
    examples: dict = {}
    t1 = time.process_time()
    rendered = 0
    for k, doc in enumerate(sample):
        for style, fn in (("en", english.render_en), ("mixed", english.render_mixed)):
            text = fn(doc, n, random.Random(k))
            rendered += 1
            # the reader's search grows with the text: long proofs get the
            # surface checks only
            found = quality.defects(text, doc, n, style,
                                    mentions=len(doc.steps) <= args.mention_steps)
            for d in found:
                kinds[style][d.kind] += 1
                examples.setdefault(d.kind, (doc.label, style, d.detail))
            records_with[style] += bool(found)
    checked = time.process_time() - t1

    total_steps = sum(steps.values())
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "-"  # noqa: E731
    print(f"{os.path.basename(args.db)}, proofs from {start or 'the start'} to "
          f"{stop if stop != '-' else 'the end'}: {len(docs)} proofs, {statements} statements, "
          f"{total_steps} steps ({walked:.0f} s)")
    print(f"statements fully in words: {pct(words, statements)} "
          f"(of those with <= {english.MAX_WORDS_NODES} syntax nodes: {pct(small_words, small)})")
    print(f"syntax nodes in words: {pct(nodes_said, nodes)} of {nodes} "
          f"(constants read as their symbol: {len(tpl.named)} syntax axioms)")
    print(f"steps by an assertion template: {pct(steps['template'], total_steps)}, "
          f"by a family: {pct(steps['family'], total_steps)}, "
          f"description fallback: {pct(steps['description'], total_steps)}, "
          f"label only: {pct(steps['label'], total_steps)}")
    print(f"checker over {len(sample)} documents ({'all' if sample is docs else 'a sample'}, "
          f"{rendered} records, {checked:.0f} s):")
    for style in kinds:
        shown = ", ".join(f"{k} {v}" for k, v in sorted(kinds[style].items())) or "none"
        print(f"  {style:6} records with a defect: {records_with[style]} "
              f"({pct(records_with[style], len(sample))}); defects: {shown}")
    for kind, (label, style, detail) in sorted(examples.items()):
        print(f"  e.g. {kind}: {label} ({style}): {detail[:150]}")
    print(f"what to write next: syntax axioms without a template, by nodes in statements")
    print("  " + ", ".join(f"{lab} {c}" for lab, c in missing_rules.most_common(args.top)))
    print(f"what to write next: assertions on the description fallback, by steps citing them")
    print("  " + ", ".join(f"{lab} {c}" for lab, c in missing_steps.most_common(args.top)))
    print("RESULT", f"statements_words={pct(words, statements)}",
          f"small_statements_words={pct(small_words, small)}",
          f"nodes_words={pct(nodes_said, nodes)}",
          f"steps_templated={pct(steps['template'] + steps['family'], total_steps)}",
          f"en_defect_records={records_with['en']}",
          f"mixed_defect_records={records_with['mixed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
