"""Held-out splits of a database's theorems, and the filter that keeps
them out of everything a run makes.

    split = make_split(db.statements(), valid=0.1, test=0.1, seed=1)
    write_split(split, "splits/")            # train.txt valid.txt test.txt split.json
    held = HeldOut.of(ctx, split.valid + split.test, strict=False)
    held.reason(theorem)                     # None, or why it may not be emitted

A split assigns every theorem (`$p` of the logical typecode `|-`) to train,
valid or test: theorems are ranked by a keyed hash of (seed, label), the
first `test` share of all theorems goes to test and the next `valid` share
to valid (exact shares, rounded), so the split is a function of the seed
and the set of theorems, whatever their order.  Labels to `keep` (what a
generator must cite, say) are never held out.  `split_from_labels` takes a
published split instead (label lists).

A run on the train side (`generate --split DIR`) holds the valid and test
theorems out (`HeldOut`):

- they are never cited: libraries leave them out, and a candidate whose
  proof cites one (an extracted step, say) is dropped, with every theorem
  that stands on it as a lemma;
- their proofs are never mined (extraction skips them);
- no theorem is emitted that states one of them up to renaming and
  hypothesis order, or of which one of them is a substitution instance
  with its hypotheses mapped among the held-out theorem's (so citing the
  emitted theorem would prove it in one step; `$d` pairs are not asked
  for, which drops more, never less);
- with `strict`, assertions whose own proofs cite a held-out theorem
  directly are treated as held out too (not cited, not mined).

What the filter dropped is counted per reason (`REASONS`) in the run's
statistics and the manifest's `decontamination` entry.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from .context import Context, statement_hash
from .novelty import GeneralityIndex

#: the reasons a candidate is dropped, as counted in `Stats` and the manifest
REASONS = {
    "held_out_cited": "its proof cites a held-out theorem",
    "held_out_statement": "states a held-out theorem (up to renaming and hypothesis order)",
    "held_out_generalised": "a held-out theorem is a substitution instance of it",
    "held_out_lemma": "stands on a generated lemma dropped for one of the reasons above",
}

SPLIT_FORMAT = "proofgen-split/1"
LOGICAL = "|-"


@dataclass(frozen=True)
class Split:
    train: tuple[str, ...]
    valid: tuple[str, ...]
    test: tuple[str, ...]
    seed: Optional[int] = None          # None: taken from label lists
    source: str = ""                    # how it was made, for split.json

    def held_out(self) -> tuple[str, ...]:
        return self.valid + self.test


def theorem_labels(statements: Iterable) -> list[str]:
    """The labels a split divides: the `$p` statements of typecode `|-`
    (every `$p`, for a database without that typecode), database order."""
    proofs = [st for st in statements if st.kind == "p"]
    logical = [st.label for st in proofs if st.typecode == LOGICAL]
    return logical if logical else [st.label for st in proofs]


def _key(seed: int, label: str) -> bytes:
    h = hashlib.blake2b(digest_size=16, person=b"proofgen.split")
    h.update(f"{seed}\0{label}".encode())
    return h.digest()


def make_split(statements: Iterable, valid: float, test: float, seed: int,
               keep: Iterable[str] = ()) -> Split:
    """The split of the database's theorems by seed (see the module
    docstring).  ValueError for shares outside [0, 1] or summing past 1,
    or a label to keep that is not a theorem."""
    for name, share in (("--valid", valid), ("--test", test)):
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"{name} {share}: a share between 0 and 1")
    if valid + test > 1.0:
        raise ValueError(f"--valid {valid} and --test {test} add up to more than 1")
    labels = theorem_labels(statements)
    keep = set(keep)
    missing = sorted(keep.difference(labels))
    if missing:
        raise ValueError(f"--keep {missing[0]}: not a theorem of the database (a $p statement "
                         "of typecode |-)")
    n = len(labels)
    n_test, n_valid = round(test * n), round(valid * n)
    ranked = sorted((x for x in labels if x not in keep), key=lambda lab: _key(seed, lab))
    test_set = set(ranked[:n_test])
    valid_set = set(ranked[n_test:n_test + n_valid])
    return Split(tuple(x for x in labels if x not in test_set and x not in valid_set),
                 tuple(x for x in labels if x in valid_set),
                 tuple(x for x in labels if x in test_set), seed,
                 f"seed {seed}, valid {valid}, test {test}"
                 + (f", {len(keep)} kept in train" if keep else ""))


def split_from_labels(statements: Iterable, test: Sequence[tuple[str, int]],
                      valid: Sequence[tuple[str, int]] = (), where: tuple[str, str] = ("", "")
                      ) -> Split:
    """The split whose test (and valid) theorems are the given labels, each
    with the line it was read from; the rest is train.  ValueError naming
    the file and line of a label that is not a theorem of the database, or
    that is in both lists."""
    labels = theorem_labels(statements)
    known = set(labels)
    sets = []
    for (name, items), path in zip((("test", test), ("valid", valid)), where):
        got: set[str] = set()
        for label, line in items:
            if label not in known:
                raise ValueError(f"{path or name}:{line}: {label}: not a theorem of the "
                                 "database (a $p statement of typecode |-)")
            got.add(label)
        sets.append(got)
    test_set, valid_set = sets
    both = sorted(test_set & valid_set, key=labels.index)
    if both:
        raise ValueError(f"{both[0]} is in both the test and the valid list")
    return Split(tuple(x for x in labels if x not in test_set and x not in valid_set),
                 tuple(x for x in labels if x in valid_set),
                 tuple(x for x in labels if x in test_set), None,
                 "label lists: " + ", ".join(p for p in where if p))


def read_labels(path: str) -> list[tuple[str, int]]:
    """(label, line number) of each label in a file: one per line (blank
    lines and `#` comments skipped; a line's first word is its label, so
    `label<TAB>anything` works too).  OSError or ValueError with the file
    and line."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for k, line in enumerate(f, 1):
            words = line.split("#", 1)[0].split()
            if words:
                out.append((words[0], k))
    return out


def write_split(split: Split, out: str, database: str = "", database_sha256: str = "") -> dict:
    """train.txt, valid.txt, test.txt (one label per line, database order)
    and split.json (how it was made, counts, a digest of each list) in
    folder `out`, made if missing.  Returns what split.json holds."""
    os.makedirs(out, exist_ok=True)
    info = {"format": SPLIT_FORMAT, "database": database, "database_sha256": database_sha256,
            "made_by": split.source, "seed": split.seed, "files": {}}
    for name in ("train", "valid", "test"):
        labels = getattr(split, name)
        text = "".join(x + "\n" for x in labels)
        path = os.path.join(out, f"{name}.txt")
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        info["files"][name] = {"theorems": len(labels),
                               "sha256": hashlib.sha256(text.encode()).hexdigest()}
    with open(os.path.join(out, "split.json.tmp"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    os.replace(os.path.join(out, "split.json.tmp"), os.path.join(out, "split.json"))
    return info


def held_out_files(path: str) -> list[str]:
    """The label files a `--split` names: a split folder's valid.txt and
    test.txt, or one file.  OSError when they are missing."""
    if os.path.isdir(path):
        files = [os.path.join(path, n) for n in ("valid.txt", "test.txt")]
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            raise OSError(f"{path}: not a split folder (no {os.path.basename(missing[0])}; "
                          "`proofgen split` makes one)")
        return files
    if not os.path.isfile(path):
        raise OSError(f"{path}: no such file or folder")
    return [path]


def digest(labels: Sequence[str]) -> str:
    """A digest of a label list, for fingerprints and manifests."""
    return hashlib.sha256("".join(x + "\n" for x in labels).encode()).hexdigest()


class HeldOut:
    """What a run on the train side of a split may not use or emit (see
    the module docstring)."""

    def __init__(self, ctx: Context, labels: Iterable[str], strict: bool = False):
        self.ctx = ctx
        self.labels = frozenset(labels)
        unknown = sorted(x for x in self.labels if x not in ctx.assertions
                         or ctx.assertions[x].kind != "p")
        if unknown:
            raise ValueError(f"held out: {unknown[0]} is not a theorem of the database"
                             + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""))
        self.strict = strict
        barred = set(self.labels)
        if strict:
            for st in ctx.syn.statements:
                if st.kind == "p" and st.proof is not None and \
                        not self.labels.isdisjoint(st.proof.labels):
                    barred.add(st.label)
        #: never cited, never mined
        self.barred = frozenset(barred)
        held = [ctx.assertions[x] for x in ctx.order if x in self.labels]
        self.hashes = frozenset(statement_hash(ctx, a.essentials, a.conclusion) for a in held)
        self.index = GeneralityIndex(ctx, ((a.label, a.essentials, a.conclusion)
                                           for a in held))

    @classmethod
    def of(cls, ctx: Context, labels: Sequence[str], strict: bool = False) -> "HeldOut":
        """The filter for `labels`, made once per process and context."""
        key = (id(ctx), digest(sorted(set(labels))), strict)
        got = _MADE.get(key)
        if got is None or got.ctx is not ctx:
            _MADE.clear()                 # one split per process at a time
            got = _MADE[key] = cls(ctx, labels, strict)
        return got

    def reason(self, thm) -> Optional[str]:
        """The key in `REASONS` for which `thm` (a `Theorem`) may not be
        emitted, on its own (not its lemmas), or None."""
        if not self.barred.isdisjoint(thm.uses()):
            return "held_out_cited"
        if statement_hash(self.ctx, thm.hypotheses, thm.conclusion) in self.hashes:
            return "held_out_statement"
        if self.index.generalised(thm.hypotheses, thm.conclusion) is not None:
            return "held_out_generalised"
        return None

    def clean(self, pool: list, lemmas: dict, stats, verdict: Optional[dict] = None) -> list:
        """The theorems of `pool` that neither fail `reason` nor stand on a
        generated lemma (in `lemmas`, transitively) that does; each one
        dropped is counted in `stats` by its reason.  `verdict`: label ->
        reason or None, kept between calls of one run."""
        if verdict is None:
            verdict = {}

        def judge(thm) -> Optional[str]:
            # iterative: hierarchical extraction stacks lemmas dozens deep
            todo = [thm]
            opened: set[str] = set()
            while todo:
                t = todo[-1]
                if t.label in verdict:
                    todo.pop()
                    continue
                below = [lemmas[x] for x in t.uses()
                         if x in lemmas and x != t.label and x not in verdict]
                if below and t.label not in opened:   # (a cycle would not recur)
                    opened.add(t.label)
                    todo.extend(below)
                    continue
                todo.pop()
                own = self.reason(t)
                if own is None and any(verdict.get(x) for x in t.uses()
                                       if x in lemmas and x != t.label):
                    own = "held_out_lemma"
                verdict[t.label] = own
            return verdict[thm.label]

        kept = []
        for t in pool:
            why = judge(t)
            if why is None:
                kept.append(t)
            else:
                stats.add(why)
        return kept


_MADE: dict = {}
