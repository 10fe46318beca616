"""The text a model is trained and evaluated on.

* A database's own proofs, rendered in proofgen's `steps` style
  (`database_proofs`), each with where its step labels are
  (`label_positions`): the evaluation asks for those words.
* Generated runs, made by `proofgen generate` on the train side of a split
  (`generate`), read back from their shards by style (`run_texts`).
* The split itself (`make_split`): `proofgen split`'s three label lists.

The split and the generator runs go through proofgen's command line, as a
user would run them; only this module knows their options.
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from ..emit.model import ProofDoc
from ..emit.render import render_steps
from ..emit.shards import read_shard
from ..run.folder import read_manifest
from .tokenizer import NEWLINE, words


@dataclass
class Proof:
    """A database theorem's proof as text: its words, and for each logical
    step the index of the word that is the step's label."""
    label: str
    text: str
    words: list[str]
    label_positions: list[int]
    labels: list[str]               # the step labels, in order (words at those positions)
    goal_words: int                 # the words of the statement line, its line break included


class Database:
    """A loaded database with what rendering its proofs needs."""

    def __init__(self, path: str):
        from ..explore.context import Context
        from ..emit.notation import Notation
        from ..kernel import load
        self.path = path
        self.db = load(path)
        if any(d.severity == "error" for d in self.db.read_diagnostics):
            raise ValueError(f"{path}: the database cannot be read (run proofgen verify)")
        self.ctx = Context.of(self.db)
        self.notation = Notation.of(self.ctx.syn, self.db.sources)
        self.order = [s.label for s in self.ctx.syn.statements]
        #: what a proof step can cite: the database's axioms and theorems
        self.assertion_labels = frozenset(s.label for s in self.ctx.syn.statements
                                          if s.kind in ("a", "p"))

    def docs(self, stop: str = "") -> list[ProofDoc]:
        """The database's replayable proofs before the statement `stop` (all: "")."""
        from ..run.coverage import documents
        if stop and stop not in self.order:
            raise ValueError(f"--to {stop}: no statement of {self.path} has this label")
        return list(documents(self.ctx, "", stop))

    def proof(self, doc: ProofDoc) -> Proof:
        # steps is deterministic: the rng is never drawn from, but the renderer takes one
        text = render_steps(doc, self.notation, random.Random(0))
        ws = words(text)
        positions = label_positions(doc, ws)
        return Proof(doc.label, text, ws, positions, [ws[p] for p in positions],
                     ws.index(NEWLINE) + 1)


def label_positions(doc: ProofDoc, ws: Sequence[str]) -> list[int]:
    """Where each logical step's label is among the words of the doc's
    `steps` rendering.  The table follows the first blank line; a row is
    `n [refs] label statement... [note]`, hypotheses first; a step has the
    refs word exactly when it has premises.  ValueError if the text is not
    laid out so (the check that the positions are right)."""
    lines: list[list[int]] = [[]]
    for i, w in enumerate(ws):
        if w == NEWLINE:
            lines.append([])
        else:
            lines[-1].append(i)
    try:
        start = lines.index([]) + 1           # the blank line before the table
    except ValueError:
        raise ValueError(f"{doc.label}: no step table") from None
    rows = [ln for ln in lines[start:] if ln]
    nh = len(doc.hypotheses)
    if len(rows) != nh + len(doc.steps):
        raise ValueError(f"{doc.label}: {len(rows)} rows for {nh} hypotheses and "
                         f"{len(doc.steps)} steps")
    out = []
    for st, row in zip(doc.steps, rows[nh:]):
        p = row[2 if st.premises else 1]
        if ws[p] != st.label:
            raise ValueError(f"{doc.label}: row {ws[row[0]]} has {ws[p]!r} where "
                             f"{st.label!r} should be")
        out.append(p)
    return out


# -- the split ---------------------------------------------------------------

@dataclass
class Split:
    folder: str
    train: frozenset
    valid: frozenset
    test: frozenset

    def generate_options(self) -> list[str]:
        """What makes a `proofgen generate` run keep to the train side."""
        return ["--exclude-split", self.folder]


def _proofgen(*args: str) -> None:
    cmd = [sys.executable, "-m", "proofgen", *args]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def _labels(path: str) -> frozenset:
    with open(path, encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def make_split(db_path: str, seed: int, folder: str, valid: float = 0.1,
               test: float = 0.1) -> Split:
    """`proofgen split` of the whole database (the statement generator's
    lemmas kept in train, so it runs on the train side), read back."""
    if not os.path.exists(os.path.join(folder, "split.json")):
        _proofgen("split", db_path, "--valid", str(valid), "--test", str(test),
                  "--seed", str(seed), "--keep-statement-lemmas", "-o", folder)
    return Split(folder, _labels(os.path.join(folder, "train.txt")),
                 _labels(os.path.join(folder, "valid.txt")),
                 _labels(os.path.join(folder, "test.txt")))


# -- generated runs ------------------------------------------------------------

def generate(db_path: str, generator: str, count: int, seed: int, styles: Sequence[str],
             split: Split, out: str, library: Optional[str] = None) -> str:
    """A `proofgen generate` run in `out` on the train side of `split`, every
    theorem rendered in each of `styles`; resumed (or kept) if already there."""
    args = ["generate", "--db", db_path, "--generator", generator, "--count", str(count),
            "--seed", str(seed), "--styles", ",".join(styles),
            "--renderings", str(len(styles)), "--workers", "0", "--out", out,
            *split.generate_options()]
    if library and generator in ("forward", "deep"):
        args += ["--library", library]
    if not os.path.exists(os.path.join(out, "manifest.json")):
        _proofgen(*args)
    return out


def run_texts(run_dir: str, style: str) -> list[str]:
    """The run's records of one style, in shard order."""
    manifest = read_manifest(run_dir)
    out = []
    for shard in manifest["shards"]:
        for rec in read_shard(os.path.join(run_dir, shard["path"])):
            if rec["metadata"]["style"] == style:
                out.append(rec["text"])
    return out


# -- a small database for --tiny -------------------------------------------------

def cut_database(src: str, label: str, out: str) -> str:
    """The statements of `src` before the top-level statement holding
    `label` (a database of its own: no open `${`), written to `out`."""
    data = open(src, "rb").read()
    target = label.encode()
    depth = 0
    cut = 0
    tokens = re.compile(rb"\S+")
    pos = 0
    while True:
        m = tokens.search(data, pos)
        if m is None:
            break
        tok, pos = m.group(), m.end()
        if tok == b"$(":
            end = data.find(b"$)", pos)
            if end < 0:
                break
            pos = end + 2
        elif tok == target:
            with open(out, "wb") as f:
                f.write(data[:cut] + b"\n")
            return out
        elif tok == b"${":
            depth += 1
        elif tok == b"$}":
            depth -= 1
            if depth == 0:
                cut = pos
        elif tok == b"$." and depth == 0:
            cut = pos
    raise ValueError(f"{src}: no statement {label}")


def write_json(path: str, data) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
