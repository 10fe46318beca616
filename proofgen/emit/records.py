"""Records: one rendering of one theorem, in the datatrove/dolma shape.

    {"id": ..., "text": ..., "source": "proofgen/hilbert.mm",
     "metadata": {"style": "en", "tokens": 212, "statement": "|- ...", ...}}

`id` is a hash of the theorem's canonical hash, the style and the
rendering's index among the theorem's renderings, so it is stable across
runs, machines, `--units` and workers, and differs between renderings.
Which styles a theorem gets is drawn by weight from a per-theorem RNG seeded
by (run seed, theorem hash, label), not by the unit: the output does not
depend on the order in which theorems are rendered or on how the run is cut.  The full field list is in docs/emit.md.
"""
from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import random
import time
from dataclasses import dataclass, field
from typing import Optional

import orjson

from ..syntax.metrics import statement_length
from .model import ProofDoc
from .notation import Notation
from .render import INLINING_STYLES, STYLES, lemma_order, render
from .tokens import TokenCounter


#: `--max-record-tokens` unless told: a long context's worth of cl100k tokens;
#: with lemmas cited, set.mm's extracted and forward theorems fit it far
#: below their p99 (benchmarks/bench_records.py)
DEFAULT_MAX_RECORD_TOKENS = 8192


@dataclass
class StyleMix:
    """Weights of the styles, and how many distinct styles each theorem is
    rendered in (drawn without replacement by weight)."""

    weights: dict[str, float] = field(default_factory=lambda: {s: 1.0 for s in STYLES})
    per_theorem: int = 1
    #: en, mixed: variables as plain letters (φ, x, A) instead of the
    #: database's math-italic code points (𝜑, 𝑥, 𝐴); latex uses latexdef
    plain_letters: bool = True
    #: the most tokens a record's text may have (0: no limit); a rendering
    #: over it is not written (`RecordMaker.over_budget`)
    max_tokens: int = DEFAULT_MAX_RECORD_TOKENS
    #: mm, hier: prove the generated lemmas inline when the text stays within
    #: `max_tokens` (cite them when not); by default they are always cited,
    #: each lemma shipped once as its own record
    inline_lemmas: bool = False

    @classmethod
    def parse(cls, spec: str, per_theorem: int = 1, plain_letters: bool = True,
              max_tokens: int = None, inline_lemmas: bool = False) -> "StyleMix":
        """`all`, `en`, `mm,steps` or weighted `mm=2,en=1`; ValueError when
        `per_theorem` asks for more distinct styles than the spec mixes
        (built directly, a mix gives each theorem as many as it has)."""
        mix = cls._parse(spec, per_theorem)
        mix.plain_letters = plain_letters
        if max_tokens is not None:
            if max_tokens < 0:
                raise ValueError(f"a record budget of {max_tokens} tokens; 0 is no limit")
            mix.max_tokens = max_tokens
        mix.inline_lemmas = inline_lemmas
        if mix.per_theorem > len(mix._names):
            raise ValueError(f"{mix.per_theorem} distinct renderings per theorem asked for, "
                             f"but only {len(mix._names)} styles are mixed "
                             f"({', '.join(mix._names)})")
        return mix

    @classmethod
    def _parse(cls, spec: str, per_theorem: int) -> "StyleMix":
        spec = spec.strip()
        if spec in ("", "all"):
            return cls(per_theorem=per_theorem)
        weights: dict[str, float] = {}
        for item in spec.split(","):
            name, _, w = item.strip().partition("=")
            name = name.strip()
            if name not in STYLES:
                raise ValueError(f"unknown style {name!r}; choose from {', '.join(STYLES)}")
            try:
                weight = float(w) if w else 1.0
            except ValueError:
                raise ValueError(f"style weight {w!r} of {name} is not a number") from None
            if not math.isfinite(weight) or weight < 0:
                raise ValueError(f"style weight {w!r} of {name} is not a finite number >= 0")
            weights[name] = weight
        if not any(weights.values()):
            raise ValueError("every style has weight 0")
        return cls(weights, per_theorem)

    def __post_init__(self) -> None:
        if self.per_theorem < 1:
            raise ValueError("each theorem needs at least one rendering")
        self._names = [s for s in STYLES if self.weights.get(s, 0) > 0]
        self._w = [self.weights[s] for s in self._names]
        self._cumulative = list(itertools.accumulate(self._w))
        self._total = self._cumulative[-1] if self._cumulative else 0.0

    def choose(self, rng: random.Random) -> list[str]:
        if self.per_theorem == 1:      # the common case, on the hot path
            x = rng.random() * self._total
            return [self._names[min(bisect.bisect_right(self._cumulative, x),
                                    len(self._names) - 1)]]
        names, w = list(self._names), list(self._w)
        out = []
        for _ in range(min(self.per_theorem, len(names))):
            k = rng.choices(range(len(names)), w)[0]
            out.append(names.pop(k))
            w.pop(k)
        return out

    def as_dict(self) -> dict:
        return {"weights": {s: self.weights.get(s, 0.0) for s in STYLES},
                "per_theorem": self.per_theorem, "plain_letters": self.plain_letters,
                "max_record_tokens": self.max_tokens, "inline_lemmas": self.inline_lemmas}


#: styles whose text shows variables in Unicode (where plain letters apply)
PROSE_STYLES = ("en", "mixed")

#: metric (syntax/metrics.py) -> the record field that holds it
RECORD_METRIC = {"depth": "depth", "steps": "steps", "length": "statement_nodes"}


def record_id(theorem_hash: str, style: str, index: int) -> str:
    """blake2b-128 of (canonical theorem hash, style, rendering index), hex:
    the same theorem rendered the same way has the same id whichever unit,
    worker or cut of the run made it."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{theorem_hash}\0{style}\0{index}".encode())
    return h.hexdigest()


class RecordMaker:
    """Renders theorems into records.  `run` holds the fields shared by every
    record of a unit (database, generator and its parameters, seed, unit,
    versions, tokenizer)."""

    def __init__(self, notation: Notation, mix: StyleMix, run: dict, seed: int, unit: int,
                 counter: Optional[TokenCounter] = None):
        self.notation = notation
        self.mix = mix
        self.run = run
        self.seed = seed
        self.unit = unit
        self.counter = counter or TokenCounter()
        self.source = f"proofgen/{run.get('database', 'db')}"
        self.tokens: dict[str, int] = {s: 0 for s in STYLES}
        self.records_by_style: dict[str, int] = {s: 0 for s in STYLES}
        # mm, hier renderings whose lemmas are cited instead of proved inline,
        # and renderings not written because they exceed the budget
        self.cut_to_cited: dict[str, int] = {s: 0 for s in STYLES}
        self.over_budget: dict[str, int] = {s: 0 for s in STYLES}
        #: generated lemma -> the styles of the records citing it by statement
        self.cited_in: dict[str, set] = {}
        #: theorem -> the styles drawn for it (`lemma_styles` adds to them)
        self.drawn: dict[str, list] = {}
        self._shared: Optional[str] = None
        self.seconds = {"render": 0.0, "tokens": 0.0}   # where emitting time goes
        self._source = ""

    def rng_for(self, doc: ProofDoc) -> random.Random:
        # not the unit: a theorem gets the same styles and words however the run is cut
        return random.Random(f"{self.seed}:{doc.hash}:{doc.label}")

    def notation_for(self, style: str, doc: Optional[ProofDoc] = None) -> Notation:
        if self.mix.plain_letters and style in PROSE_STYLES:
            return self.notation.plain(None if doc is None else used_rules(doc))
        return self.notation

    def _doc_meta(self, doc: ProofDoc) -> dict:
        """The theorem as structured data (the theorem files)."""
        n = self.notation
        tc = doc.typecode
        return {
            "label": doc.label,
            "hash": doc.hash,
            "statement": n.text(tc, doc.conclusion),
            "hypotheses": [{"label": lab, "statement": n.text(tc, t)}
                           for lab, t in doc.hypotheses],
            "disjoint": [list(p) for p in doc.disjoint],
            "proof": {"compressed": doc.proof, "rpn": doc.rpn},
            "depth": doc.depth,
            "steps": len(doc.steps),
            # tree nodes of hypotheses and conclusion (the `length` metric)
            "statement_nodes": statement_length([t for _, t in doc.hypotheses],
                                                doc.conclusion),
            "uses": doc.uses(),
            "lemmas": sorted(d.label for d in lemma_order(doc)),
            "restates": doc.restates,
            "instance_of": doc.instance_of,
            "source_theorem": doc.source_theorem,
            "source_step": doc.source_step,
        }

    def _record_meta(self, doc: ProofDoc) -> dict:
        """The theorem's fields in a dataset record, in the fixed types of
        `RECORD_SCHEMA`: lists that may be empty are written as Metamath
        text and absent values as "", so no field's type depends on the data."""
        m = self._doc_meta(doc)
        return {
            **m,
            "hypotheses": "\n".join(f"{h['label']} $e {h['statement']} $."
                                    for h in m["hypotheses"]),
            "disjoint": " ".join(f"$d {a} {b} $." for a, b in m["disjoint"]),
            "proof": {"compressed": m["proof"]["compressed"], "rpn": m["proof"]["rpn"] or ""},
            "uses": " ".join(m["uses"]),
            "lemmas": " ".join(m["lemmas"]),
            "restates": m["restates"] or "",
            "instance_of": m["instance_of"] or "",
            "source_theorem": m["source_theorem"] or "",
            "source_step": -1 if m["source_step"] is None else m["source_step"],
        }

    def _renderings(self, doc: ProofDoc, styles=None):
        """(index, style, text, tokens, cited): `cited` the labels of the
        generated lemmas the text cites without proving them, space-separated.
        A rendering over the budget is counted and left out (its index kept,
        so the others' ids do not move).  `styles`: these, not a draw (a
        lemma's records: the styles of the records citing it)."""
        rng = self.rng_for(doc)
        clock = time.perf_counter
        budget = self.mix.max_tokens
        direct = " ".join(d.label for d in doc.cited_lemmas())
        first = 0
        if styles is None:
            styles = self.drawn[doc.label] = self.mix.choose(rng)
        else:
            # more renderings of a theorem already drawn: indices after its own
            first = len(self.drawn.get(doc.label, ()))
        for index, style in enumerate(styles, first):
            inlines = style in INLINING_STYLES and bool(direct)
            cite = inlines and not self.mix.inline_lemmas
            t0 = clock()
            text = render(style, doc, self.notation_for(style, doc), rng, cite_lemmas=cite)
            t1 = clock()
            tokens = self.counter.count(text)
            if inlines and not cite and budget and tokens > budget:
                # mm and hier draw nothing from rng: the second rendering is the same draw
                text = render(style, doc, self.notation_for(style, doc), rng, cite_lemmas=True)
                tokens = self.counter.count(text)
                cite = True
            self.seconds["render"] += t1 - t0
            self.seconds["tokens"] += clock() - t1
            if budget and tokens > budget:
                self.over_budget[style] += 1
                continue
            if cite:
                self.cut_to_cited[style] += 1
            if direct and (cite or not inlines):
                for lab in direct.split():
                    self.cited_in.setdefault(lab, set()).add(style)
            self.tokens[style] += tokens
            self.records_by_style[style] += 1
            yield index, style, text, tokens, (direct if cite or not inlines else "")

    def records(self, doc: ProofDoc, role: str = "theorem", styles=None) -> list[dict]:
        """The theorem's records, as dicts (`role`: "theorem", or "lemma" for
        a generated lemma shipped because records cite it)."""
        base = self._record_meta(doc)
        shared = record_run_fields(self.run)
        out = []
        for index, style, text, tokens, cited in self._renderings(doc, styles):
            meta = {"style": style, "role": role, "tokens": tokens, "cited_lemmas": cited,
                    **base, **shared}
            out.append({"id": record_id(self._id_key(doc, role), style, index), "text": text,
                        "source": self.source, "metadata": meta})
        return out

    def _prepare(self) -> None:
        if self._shared is None:
            self._shared = _dumps(record_run_fields(self.run))[1:-1]
            self._fact_shared = _dumps(record_run_fields(self.run))[1:-1]
            self._source = _dumps(self.source)

    def _doc_json(self, doc: ProofDoc) -> str:
        """The theorem's theorem-file fields as JSON (without braces), once per doc."""
        got = doc._meta_json
        if got is None:
            got = doc._meta_json = _dumps(self._doc_meta(doc))[1:-1]
        return got

    def _record_json(self, doc: ProofDoc) -> str:
        """The theorem's record fields as JSON (without braces), once per doc."""
        got = doc._record_json
        if got is None:
            got = doc._record_json = _dumps(self._record_meta(doc))[1:-1]
        return got

    def fact_line(self, doc: ProofDoc, role: str, quality: Optional[dict] = None) -> str:
        """The theorem as data, without a rendering (the run's theorem file:
        what `export-mm` reads): `role` ("theorem" or "lemma"), the theorem's
        metadata fields, its `quality` figures (`explore.quality.measures`)
        when given, and the unit's shared fields, as one JSON line."""
        self._prepare()
        q = f'"quality":{orjson.dumps(quality).decode()},' if quality is not None else ""
        return f'{{"role":"{role}",{self._doc_json(doc)},{q}{self._fact_shared}}}\n'

    def _id_key(self, doc: ProofDoc, role: str) -> str:
        # lemma records are shipped per unit (two units citing one lemma both
        # ship it), so their ids name the unit: distinct across the run
        return doc.hash if role == "theorem" else f"{doc.hash}/lemma/{self.unit}"

    def lemma_styles(self, doc: ProofDoc) -> list[str]:
        """The styles still missing of a generated lemma cited by statement:
        a lemma that is no theorem of the run takes those of the records
        citing it; one that is (it has drawn styles) only `mm`, so the
        blocks an `mm` record cites are there to check it against; none
        when it has them already."""
        have = self.drawn.get(doc.label)
        want = self.cited_in.get(doc.label, ())
        if have is not None:
            want = {"mm"} & set(want)
        return [s for s in STYLES if s in want and s not in (have or ())]

    def add_renderings(self, doc: ProofDoc, styles: list[str]) -> list[str]:
        """`lines` of `doc` in `styles` as records of role "lemma" (the
        renderings a citing record needs), after any drawn for it."""
        out = self.lines(doc, "lemma", styles)
        self.drawn[doc.label] = list(self.drawn.get(doc.label, [])) + list(styles)
        return out

    def lines(self, doc: ProofDoc, role: str = "theorem", styles=None) -> list[str]:
        """The same records as JSON lines, equal to `json.dumps` of `records`
        field for field; the fields shared by the whole unit are serialised
        once, not per record (this is on the hot path)."""
        self._prepare()
        doc_part = self._record_json(doc)
        out = []
        key = self._id_key(doc, role)
        for index, style, text, tokens, cited in self._renderings(doc, styles):
            out.append(f'{{"id":"{record_id(key, style, index)}","text":{_dumps(text)},'
                       f'"source":{self._source},"metadata":{{"style":"{style}",'
                       f'"role":"{role}","tokens":{tokens},"cited_lemmas":"{cited}",'
                       f'{doc_part},{self._shared}}}}}\n')
        return out


def used_rules(doc: ProofDoc) -> set:
    """The syntax rule ids of every formula a rendering of `doc` shows (its
    statement, steps and generated lemmas), once per doc."""
    got = doc._used_rules if hasattr(doc, "_used_rules") else None
    if got is None:
        got = set()
        todo, seen = [doc], set()
        while todo:
            d = todo.pop()
            if d.label in seen:
                continue
            seen.add(d.label)
            for _, t in d.hypotheses:
                got.update(t)
            got.update(d.conclusion)
            for st in d.steps:
                if st.term is not None:
                    got.update(st.term)
            todo.extend(d.lemmas.values())
        got.discard(-1)
        try:
            doc._used_rules = got
        except AttributeError:
            pass
    return got


def record_run_fields(run: dict) -> dict:
    """The unit's shared fields as a record carries them: the run's
    parameters are the manifest's (`params`, once per run), a record keeps
    the run's id (`run_id`)."""
    return {k: v for k, v in run.items() if k != "params"}


#: The fixed schema of a record, in Hugging Face `datasets` feature terms
#: (`dtype` names as a dataset card writes them).  Every record has every
#: field with exactly this type; tests hold real runs to it.
RECORD_SCHEMA: list[tuple[str, object]] = [
    ("id", "string"),
    ("text", "string"),
    ("source", "string"),
    ("metadata", [
        ("style", "string"),
        ("role", "string"),             # theorem, or lemma (shipped because records cite it)
        ("tokens", "int64"),
        ("cited_lemmas", "string"),     # generated lemmas the text states, not proves
        ("label", "string"),
        ("hash", "string"),
        ("statement", "string"),
        ("hypotheses", "string"),       # one "label $e statement $." per line
        ("disjoint", "string"),         # "$d x y $. $d x z $."
        ("proof", [("compressed", "string"), ("rpn", "string")]),
        ("depth", "int64"),
        ("steps", "int64"),
        ("statement_nodes", "int64"),   # tree nodes of hypotheses + conclusion
        ("uses", "string"),             # labels, space-separated
        ("lemmas", "string"),
        ("restates", "string"),
        ("instance_of", "string"),      # deep --keep-instances: the assertion it instantiates
        ("source_theorem", "string"),   # extract: the database theorem whose proof has the step
        ("source_step", "int64"),       # extract: the step's index among its logical steps; -1
        ("database", "string"),
        ("database_sha256", "string"),
        ("license", "string"),          # the database's licence (Hub id; "unknown")
        ("generator", "string"),
        ("run_id", "string"),           # the manifest's run_id: its params, config
        ("seed", "int64"),
        ("unit", "int64"),
        ("proofgen_version", "string"),
        ("kernel_version", "string"),
        ("tokenizer", "string"),
    ]),
]


def schema_features_yaml(schema=RECORD_SCHEMA, indent: int = 0) -> list[str]:
    """`dataset_info.features` of a dataset card, as YAML lines."""
    pad = " " * indent
    out = []
    for name, kind in schema:
        out.append(f"{pad}- name: {name}")
        if isinstance(kind, list):
            out.append(f"{pad}  struct:")
            out.extend(schema_features_yaml(kind, indent + 2))
        else:
            out.append(f"{pad}  dtype: {kind}")
    return out


def _dumps(obj) -> str:
    # orjson writes what json.dumps(obj, ensure_ascii=False, separators=(",",
    # ":")) writes, ~9x faster; this is the hot path of every run
    return orjson.dumps(obj).decode()
