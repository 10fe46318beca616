"""What a run made, as pictures and a short summary (`proofgen report`).

`figures` sums up what the run stage reads from a run folder (run/report.py):
its manifest, its theorem files' rows (one per shipped theorem: depth,
steps, statement length, labels used) and records of its shards (tokens
per record and style; a sample, the totals from the manifest); `draw`
writes into a folder:

    depth.png, steps.png, length.png   histograms over the shipped theorems
    flattened.png                      proof length with lemmas written out
    tokens.png                         tokens per style (totals, per record)
    assertions.png                     the most cited assertions
    report.md                          the figures, with the pictures

Pictures are drawn with matplotlib's Agg backend: no display needed.
"""
from __future__ import annotations

import os
from collections import Counter
from typing import Callable, Iterable, Optional

import numpy as np

#: the most cited assertions drawn in assertions.png
TOP_ASSERTIONS = 30


def figures(manifest: dict, theorem_rows: Iterable[dict], records: Iterable[dict],
            progress: Optional[Callable[[str], None]] = None) -> dict:
    """The figures the report shows: from the theorem files' rows (lemma
    rows are skipped) and the records given (all, or a sample)."""
    depth, steps, length, flat = [], [], [], []
    used: Counter = Counter()
    generated_used: Counter = Counter()
    by_gen: dict[str, dict[str, list]] = {}     # a mixed run: per generator
    for row in theorem_rows:
        if row.get("role") != "theorem":
            continue
        g = by_gen.setdefault(row.get("generator", ""), {"depth": [], "steps": [],
                                                        "length": []})
        g["depth"].append(row["depth"])
        g["steps"].append(row["steps"])
        g["length"].append(row["statement_nodes"])
        depth.append(row["depth"])
        steps.append(row["steps"])
        length.append(row["statement_nodes"])
        q = row.get("quality")
        if q is not None:
            flat.append(q["flattened"])
        lemmas = set(row.get("lemmas", ()))
        for label in row["uses"]:
            (generated_used if label in lemmas else used)[label] += 1
        if progress and len(depth) % 10_000 == 0:
            progress(f"{len(depth):,} theorems read")
    per_record: dict[str, list[int]] = {}
    largest: dict[str, tuple] = {}      # style -> (tokens, record id)
    texts: dict[str, list] = {}         # style -> its texts' bytes, up to ZSTD_SAMPLE
    sampled: dict[str, int] = {}
    read = 0
    for rec in records:
        meta = rec["metadata"]
        style, tokens = meta["style"], meta["tokens"]
        per_record.setdefault(style, []).append(tokens)
        if tokens > largest.get(style, (-1,))[0]:
            largest[style] = (tokens, rec.get("id", ""))
        if sampled.get(style, 0) < ZSTD_SAMPLE:
            raw = rec.get("text", "").encode()
            texts.setdefault(style, []).append(raw)
            sampled[style] = sampled.get(style, 0) + len(raw)
        read += 1
        if progress and read % 50_000 == 0:
            progress(f"{read:,} records read")
    return {"manifest": manifest, "depth": np.array(depth, dtype=np.int64),
            "steps": np.array(steps, dtype=np.int64),
            "length": np.array(length, dtype=np.int64),
            "flattened": np.array(flat, dtype=np.int64), "used": used,
            "generated_used": generated_used, "per_record": per_record,
            "records_read": read, "largest": largest,
            "zstd": {st: zstd_ratio(b"".join(parts)) for st, parts in texts.items()},
            "by_generator": {n: {k: np.array(v, dtype=np.int64) for k, v in d.items()}
                             for n, d in by_gen.items()}}


#: bytes of each style's texts (the first records read) the zstd ratio is taken over
ZSTD_SAMPLE = 4 << 20


def zstd_ratio(raw: bytes) -> float:
    """Bytes over zstd-compressed bytes (level 19, one stream): how much of a
    style's text repeats itself (set.mm's own source gives about 3.4)."""
    import zstandard
    if not raw:
        return 0.0
    return len(raw) / max(1, len(zstandard.ZstdCompressor(level=19).compress(raw)))


def _bins(values: np.ndarray):
    """Integer bins when the range is small, log-spaced ones otherwise."""
    lo, hi = int(values.min()), int(values.max())
    if hi - lo <= 60:
        return np.arange(lo, hi + 2) - 0.5, False
    return np.unique(np.geomspace(max(lo, 1), hi + 1, 40).round()), True


def _histogram(values: np.ndarray, title: str, xlabel: str, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if len(values):
        bins, log = _bins(values)
        ax.hist(values, bins=bins, color="#3b6ea5", edgecolor="white", linewidth=0.5)
        if log:
            ax.set_xscale("log")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("theorems")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _tokens(data: dict, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    totals = data["manifest"].get("tokens_by_style", {})
    styles = sorted(totals, key=lambda s: -totals[s])
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4), dpi=100)
    a.bar(styles, [totals[s] for s in styles], color="#3b6ea5")
    a.set_title("tokens per style (whole run)")
    a.set_ylabel("tokens")
    per = [data["per_record"].get(s, []) for s in styles]
    if any(per):
        b.boxplot([p or [0] for p in per], showfliers=False)
        b.set_xticks(range(1, len(styles) + 1), styles)
    b.set_title(f"tokens per record ({data['records_read']:,} records)")
    b.set_ylabel("tokens")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _assertions(data: dict, path: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    top = data["used"].most_common(TOP_ASSERTIONS)
    fig, ax = plt.subplots(figsize=(7, max(3.0, 0.25 * len(top) + 1)), dpi=100)
    if top:
        labels, counts = zip(*reversed(top))
        ax.barh(labels, counts, color="#3b6ea5")
    ax.set_title(f"the {len(top)} database assertions cited by most theorems")
    ax.set_xlabel("theorems citing it")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _summary(values: np.ndarray) -> str:
    if not len(values):
        return "–"
    q = np.percentile(values, [50, 90, 99])
    return (f"{values.min()} / {q[0]:g} / {q[1]:g} / {q[2]:g} / {values.max()} "
            f"(mean {values.mean():.1f})")


def _quality(q: Optional[dict], counts: Optional[dict] = None) -> list[str]:
    """The manifest's quality entry (explore/quality.py) and the
    generator's counters (what it dropped, per reason) as report lines."""
    if not q:
        return []
    counts = {k: v for k, v in (counts or {}).items() if v and k != "emitted"}
    dropped = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in counts.items())
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    top = ", ".join(f"`{label}` {k:,}" for label, k in q["top"])
    return [
        "",
        "| quality (shipped theorems) | |",
        "|---|---|",
        f"| beyond propositional logic | {pct(q['non_propositional'])} |",
        f"| with an unused hypothesis | {pct(q['with_unused_hypothesis'])} |",
        f"| with an isolated hypothesis | {pct(q['with_isolated_hypothesis'])} |",
        f"| with a hypothesis sharing no variable with the conclusion | "
        f"{pct(q['with_unshared_hypothesis'])} |",
        f"| instances of a database assertion | {pct(q['instances'])} |",
        f"| citations of database assertions | {q['citations']:,} "
        f"({q['assertions_cited']:,} assertions) |",
        f"| share of the 10 most cited | {pct(q['top_share'])} ({top}) |",
    ] + ([f"| the generator's counts (candidates, what it dropped and why) | {dropped} |"]
         if dropped else [])


def _redundancy(data: dict, budget: int) -> list[str]:
    """Per style: token outliers (p99, the largest record and its id, how
    many records are over the run's token budget) and the zstd ratio of
    its texts (high: the records repeat one another)."""
    per = data["per_record"]
    if not per:
        return []
    lines = ["", "| style | tokens p99 | largest record (tokens, id) | over the budget | "
             "zstd ratio of its texts |", "|---|---:|---|---:|---:|"]
    for style in sorted(per):
        values = np.array(per[style], dtype=np.int64)
        tokens, rid = data["largest"].get(style, (0, ""))
        over = int((values > budget).sum()) if budget else 0
        ratio = data["zstd"].get(style, 0.0)
        lines.append(f"| {style} | {np.percentile(values, 99):g} | {tokens:,} (`{rid}`) | "
                     f"{over:,} | {ratio:.1f}x |")
    lines += ["", f"zstd at level 19 over each style's first {ZSTD_SAMPLE >> 20} MiB of text "
              "read (set.mm's own source: about 3.4x)."]
    return lines


def _by_generator(m: dict, by: dict) -> list[str]:
    """A mixed run (run/mix.py): each generator's share, what it shipped and
    its distributions, side by side (min / median / p90 / p99 / max)."""
    mix = m.get("mix")
    if not mix:
        return []
    lines = ["", f"Mixture ({mix.get('rule', '')}):", "",
             "| generator | weight | share | shipped | depth | steps | statement length | "
             "beyond propositional | top-10 share |",
             "|---|---:|---:|---:|---|---|---|---:|---:|"]
    for name, w in mix.get("weights", {}).items():
        d = by.get(name, {})
        q = m.get("by_generator", {}).get(name, {}).get("quality") or {}
        cell = (lambda k: _summary(d[k]) if k in d and len(d[k]) else "–")
        pct = (lambda k: f"{100 * q[k]:.0f}%" if k in q else "–")
        lines.append(f"| {name} | {w:g} | {mix.get('shares', {}).get(name, 0):,} | "
                     f"{mix.get('theorems', {}).get(name, 0):,} | {cell('depth')} | "
                     f"{cell('steps')} | {cell('length')} | {pct('non_propositional')} | "
                     f"{pct('top_share')} |")
    return lines


def draw(data: dict, out: str, name: str) -> str:
    """Write the pictures and report.md of `figures` into `out` (the run
    called `name`); returns the report's path."""
    os.makedirs(out, exist_ok=True)
    pictures = [
        ("depth.png", "Proof depth", lambda p: _histogram(
            data["depth"], "proof depth (1 + the depth of the deepest result it builds on)", "depth", p)),
        ("steps.png", "Logical steps", lambda p: _histogram(
            data["steps"], "logical steps per proof", "steps", p)),
        ("length.png", "Statement length", lambda p: _histogram(
            data["length"], "statement size (tree nodes, hypotheses included)", "nodes", p)),
        ("flattened.png", "Flattened proof length", lambda p: _histogram(
            data["flattened"], "logical steps with every generated lemma written out",
            "steps", p)),
        ("tokens.png", "Tokens per style", lambda p: _tokens(data, p)),
        ("assertions.png", "Assertion usage", lambda p: _assertions(data, p)),
    ]
    for file, _, make in pictures:
        make(os.path.join(out, file))
    m = data["manifest"]
    gen = m.get("config", {}).get("generate", {})
    dd = m.get("dedup", {})
    theorems = len(data["depth"])
    lines = [
        f"# proofgen run: {name}",
        "",
        f"- database: `{m.get('database')}` (sha256 `{str(m.get('database_sha256'))[:16]}…`)",
        f"- generator: `{gen.get('generator')}`, seed {gen.get('seed')}, "
        f"{m.get('units')} units; proofgen {m.get('versions', {}).get('proofgen')}",
        f"- theorems: {m.get('theorems', 0):,} shipped, all verified by the kernel "
        f"({dd.get('generated_theorems', 0):,} generated, "
        f"{dd.get('dropped_theorems', 0):,} dropped as duplicates across units)",
        f"- records: {m.get('records', 0):,}; tokens: {m.get('tokens', 0):,} "
        f"({m.get('tokenizer', {}).get('name')}); {m.get('bytes', 0):,} bytes compressed",
        f"- assertions cited: {len(data['used']):,} distinct from the database, "
        f"{sum(data['generated_used'].values()):,} citations of generated lemmas",
        "",
        "| | min / median / p90 / p99 / max |",
        "|---|---|",
        f"| depth | {_summary(data['depth'])} |",
        f"| steps | {_summary(data['steps'])} |",
        f"| statement length | {_summary(data['length'])} |",
    ]
    if len(data["flattened"]):
        lines.append(f"| flattened proof length | {_summary(data['flattened'])} |")
    lines += _quality(m.get("quality"), m.get("generator_counts"))
    lines += _by_generator(m, data.get("by_generator", {}))
    lines += [
        "",
        "| style | records | tokens | tokens per record (median) |",
        "|---|---:|---:|---:|",
    ]
    for s, n in sorted(m.get("tokens_by_style", {}).items(), key=lambda kv: -kv[1]):
        per = data["per_record"].get(s)
        med = f"{np.median(per):g}" if per else "–"
        lines.append(f"| {s} | {m.get('records_by_style', {}).get(s, 0):,} | {n:,} | {med} |")
    lines += _redundancy(data, (m.get("budget") or {}).get("max_record_tokens", 0))
    if data["records_read"] < m.get("records", 0):
        lines += ["", f"Tokens per record from the first {data['records_read']:,} records; "
                  "totals from the manifest."]
    if theorems != m.get("theorems", theorems):
        lines += ["", f"Note: the theorem files hold {theorems:,} theorems, the manifest "
                  f"{m.get('theorems'):,}."]
    lines.append("")
    for name, title, _ in pictures:
        lines += [f"## {title}", "", f"![{title}]({name})", ""]
    path = os.path.join(out, "report.md")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, path)
    return path

