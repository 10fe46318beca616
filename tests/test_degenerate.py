"""Degenerate statements (explore/degenerate.py, issue 22): closed
hypotheses about constants the database does not prove, propositionally
inconsistent hypotheses, tautologies with hypotheses, vacuous quantifiers.
Judged on hand-made statements, through the shared hook every generator's
batches go through, and on forward runs, checked by an independent reading
of the written theorem text."""
from __future__ import annotations

import itertools
import json
import os
import re

import pytest

from proofgen.cli import main
from proofgen.emit.shards import read_shard
from proofgen.explore.context import Context
from proofgen.explore.degenerate import DROP, REASONS, Judge, drops
from proofgen.explore.generators import Request, Stats
from proofgen.explore.run import GenerateConfig, generate
from proofgen.explore.theorem import Theorem
from proofgen.kernel import load
from proofgen.resources import bundled_database

HILBERT = bundled_database()
SET_MM = "/usr/share/metamath/databases/set.mm"
needs_set_mm = pytest.mark.skipif(not os.path.exists(SET_MM), reason="set.mm not installed")

#: constants as set.mm writes them, one axiom proving a closed statement
TINY = """$c ( ) -> -. wff |- class e. (/) ZZ 0 On $.
$v ph ps A B $.
wph $f wff ph $.  wps $f wff ps $.  cA $f class A $.  cB $f class B $.
wn $a wff -. ph $.  wi $a wff ( ph -> ps ) $.
wcel $a wff A e. B $.
c0 $a class (/) $.  cz $a class ZZ $.  cc0 $a class 0 $.  con0 $a class On $.
${ min $e |- ph $.  maj $e |- ( ph -> ps ) $.  ax-mp $a |- ps $. $}
0z $a |- 0 e. ZZ $.
"""


class Statements:
    """Statements of one database from their text: `|- ...` strings, `$d`
    as pairs of variable names."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        g = ctx.syn.grammar
        self.types = {v.name: g.types[v.type] for v in g.variables}
        self.ids = {}
        for i, v in enumerate(g.variables):
            self.ids.setdefault(v.name, -1 - i)
        self.parser = ctx.syn.parser()

    def term(self, text: str):
        g = self.ctx.syn.grammar
        w = text.split()
        parsed = self.parser.parse(g.tokens(w[1:], self.types),
                                   g.type_index[g.typecodes.parse_type(w[0])])
        assert parsed is not None and parsed.term is not None, text
        return parsed.term

    def reason(self, hyps, concl, disjoint=()):
        d = frozenset(tuple(sorted((self.ids[a], self.ids[b]))) for a, b in disjoint)
        return Judge.of(self.ctx).reason([self.term(h) for h in hyps], self.term(concl), d)

    def theorem(self, hyps, concl, disjoint=()):
        d = frozenset(tuple(sorted((self.ids[a], self.ids[b]))) for a, b in disjoint)
        return Theorem("|-", tuple(self.term(h) for h in hyps), self.term(concl), (), d)


@pytest.fixture(scope="module")
def hilbert():
    return Statements(Context.of(load(HILBERT)))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("degenerate") / "tiny.mm"
    path.write_text(TINY)
    return Statements(Context.of(load(str(path))))


@pytest.fixture(scope="module")
def setmm():
    if not os.path.exists(SET_MM):
        pytest.skip("set.mm not installed")
    return Statements(Context.of(load(SET_MM)))


# -- an independent reading of statement text (set.mm's notation) -----------

BINARY = {"->": lambda a, b: (not a) or b, "<->": lambda a, b: a == b,
          "/\\": lambda *x: all(x), "\\/": lambda *x: any(x),
          "-/\\": lambda a, b: not (a and b), "\\/_": lambda a, b: a != b}
OPEN, CLOSE = {"(", "{", "[", "<.", "[_"}, {")", "}", "]", ">.", "]_"}
#: wff-forming prefixes: a span starting with one is an atom as it stands
BINDERS = {"[", "A.", "E.", "E!", "E*", "F/", "F/_", "[.", "CondEq", "if-", "hadd", "cadd"}


def formula(tokens: list):
    """A propositional reading of a wff's tokens: ("atom", key, negated),
    ("T",), ("F",), ("-.", f) or (connective, f, g, ...)."""
    if tokens == ["T."]:
        return ("T",)
    if tokens == ["F."]:
        return ("F",)
    if tokens[0] == "-.":
        return ("-.", formula(tokens[1:]))
    if tokens[0] == "(" and _match(tokens, 0) == len(tokens) - 1:
        inner, depth, cuts = tokens[1:-1], 0, []
        for i, t in enumerate(inner):
            depth += (t in OPEN) - (t in CLOSE)
            if depth == 0 and t in BINARY:
                cuts.append(i)
        if cuts and len({inner[i] for i in cuts}) == 1:
            parts, last = [], 0
            for i in cuts:
                parts.append(inner[last:i])
                last = i + 1
            parts.append(inner[last:])
            return (inner[cuts[0]],) + tuple(formula(p) for p in parts)
    if tokens[0] not in BINDERS:
        depth = 0
        for i, t in enumerate(tokens):
            depth += (t in OPEN) - (t in CLOSE)
            if depth == 0 and t in ("=/=", "e/"):
                flip = {"=/=": "=", "e/": "e."}[t]
                return ("atom", tuple(tokens[:i] + [flip] + tokens[i + 1:]), True)
    return ("atom", tuple(tokens), False)


def _match(tokens, i):
    depth = 0
    for j in range(i, len(tokens)):
        depth += (tokens[j] in OPEN) - (tokens[j] in CLOSE)
        if depth == 0:
            return j
    return -1


def atoms(f, out):
    if f[0] == "atom":
        out.setdefault(f[1], len(out))
    elif f[0] not in ("T", "F"):
        for g in f[1:]:
            atoms(g, out)
    return out


def value(f, row):
    if f[0] == "atom":
        return row[f[1]] != f[2]
    if f[0] in ("T", "F"):
        return f[0] == "T"
    if f[0] == "-.":
        return not value(f[1], row)
    return BINARY[f[0]](*[value(g, row) for g in f[1:]])


def propositional_faults(hyps: list, concl: str) -> set:
    """{"inconsistent", "tautology"}, read off a truth table of the text."""
    fs = [formula(h.split()[1:]) for h in hyps]
    goal = formula(concl.split()[1:])
    table = {}
    for f in fs + [goal]:
        atoms(f, table)
    if not hyps or len(table) > 12:
        return set()
    consistent, tautology = False, True
    for bits in itertools.product((False, True), repeat=len(table)):
        row = dict(zip(table, bits))
        if all(value(f, row) for f in fs):
            consistent = True
        if not value(goal, row):
            tautology = False
    return ({"inconsistent"} if not consistent else set()) | ({"tautology"} if tautology else set())


def database_text(path: str) -> tuple[set, set]:
    """(the variables the database declares, its closed `|-` assertions),
    read from its text with the comments taken out."""
    text = re.sub(r"\$\(.*?\$\)", " ", open(path).read(), flags=re.S)
    variables = {v for m in re.finditer(r"\$v(.*?)\$\.", text, re.S) for v in m.group(1).split()}
    closed = set()
    for m in re.finditer(r"\$[ap]\s+\|-(.*?)\$[.=]", text, re.S):
        body = m.group(1).split()
        if not any(t in variables for t in body):
            closed.add(" ".join(["|-"] + body))
    return variables, closed


def closed_unproved(hyps: list, variables: set, closed: set) -> list:
    return [h for h in hyps if not any(t in variables for t in h.split()[1:])
            and " ".join(h.split()) not in closed]


def shipped(run: str) -> list:
    manifest = json.load(open(os.path.join(run, "manifest.json")))
    return [r for e in manifest["theorem_files"] for r in read_shard(os.path.join(run, e["path"]))
            if r["role"] == "theorem"]


# -- the judge on hand-made statements ---------------------------------------

def test_defaults_drop_every_reason():
    assert DROP == frozenset(REASONS)
    assert drops(GenerateConfig()) == DROP
    cfg = GenerateConfig()
    cfg.degenerate = {"vacuous"}
    assert drops(cfg) == {"vacuous"}


def test_the_independent_reader_finds_what_it_should():
    assert propositional_faults(["|- ph", "|- -. ph"], "|- ps") == {"inconsistent"}
    assert propositional_faults(["|- A = B", "|- A =/= B"], "|- ps") == {"inconsistent"}
    assert propositional_faults(["|- ( ph /\\ ps /\\ -. ph )"], "|- ch") == {"inconsistent"}
    assert propositional_faults(["|- ph"], "|- ( ps -> ( A e. B \\/ A e/ B ) )") == {"tautology"}
    assert propositional_faults(["|- ph", "|- ( ph -> ps )"], "|- ps") == set()
    assert propositional_faults(["|- A. x ( ph -> ps )"], "|- ( A. x ph -> A. x ps )") == set()
    assert propositional_faults([], "|- ( ph -> ph )") == set()
    assert closed_unproved(["|- (/) e. ZZ", "|- 0 e.  ZZ", "|- A e. ZZ"], {"A"},
                           {"|- 0 e. ZZ"}) == ["|- (/) e. ZZ"]


def test_inconsistent_hypotheses(hilbert):
    assert hilbert.reason(["|- ph", "|- -. ph"], "|- ps") == "inconsistent"
    assert hilbert.reason(["|- ( ph -> ps )", "|- ph", "|- -. ps"], "|- ch") == "inconsistent"
    assert hilbert.reason(["|- -. ( ph -> ph )"], "|- ps") == "inconsistent"
    assert hilbert.reason(["|- ph", "|- ( ph -> ps )"], "|- ps") is None
    # non-propositional atoms: A. x ph and ph are two atoms
    assert hilbert.reason(["|- A. x ph", "|- -. ph"], "|- ps") is None
    assert hilbert.reason(["|- A. x ph", "|- -. A. x ph"], "|- ps") == "inconsistent"


def test_tautology_with_hypotheses(hilbert):
    assert hilbert.reason(["|- ph"], "|- ( ps -> ( ph -> ph ) )") == "tautology"
    assert hilbert.reason(["|- ph"], "|- ( A. x ps -> A. x ps )") == "tautology"
    assert hilbert.reason([], "|- ( ps -> ( ph -> ph ) )") is None    # a theorem of logic
    assert hilbert.reason(["|- ph"], "|- ( ps -> ph )") is None


def test_vacuous_quantifier_needs_x_not_free_in_any_instance(hilbert):
    assert hilbert.reason([], "|- A. x ph", [("x", "ph")]) == "vacuous"
    assert hilbert.reason(["|- ph"], "|- ( ps -> A. x ph )", [("x", "ph")]) == "vacuous"
    assert hilbert.reason(["|- A. x y = z"], "|- ph", [("x", "y"), ("x", "z")]) == "vacuous"
    # ph may be a formula in which x is free: sp, ax-4, ax-gen are not vacuous
    assert hilbert.reason([], "|- ( A. x ph -> ph )") is None
    assert hilbert.reason(["|- ph"], "|- A. x ph") is None
    assert hilbert.reason(["|- A. x y = z"], "|- ph", [("x", "y")]) is None
    assert hilbert.reason([], "|- ( A. x x = y -> y = y )") is None     # x occurs


def test_closed_hypothesis_unless_the_database_proves_it(tiny):
    assert tiny.reason(["|- (/) e. ZZ"], "|- ( ph -> ph )") == "closed_hypothesis"
    assert tiny.reason(["|- On e. On", "|- ph"], "|- ph") == "closed_hypothesis"
    assert tiny.reason(["|- 0 e. ZZ", "|- ( 0 e. ZZ -> ph )"], "|- ph") is None   # 0z
    assert tiny.reason(["|- A e. ZZ"], "|- ( ph -> A e. ZZ )") is None
    assert tiny.reason([], "|- (/) e. ZZ") is None     # a conclusion is proved, not assumed


@needs_set_mm
@pytest.mark.slow
def test_set_mm_statements(setmm):
    for hyp in ("|- (/) e. ZZ", "|- Homeo e. RR", "|- On e. On"):
        assert setmm.reason([hyp, "|- ( ph -> ps )"], "|- ( ph -> ps )") == "closed_hypothesis"
    assert setmm.reason(["|- 0 e. ZZ"], "|- ( ph -> 0 e. ZZ )") is None          # 0z
    assert setmm.reason(["|- A = B", "|- A =/= B"], "|- ph") == "inconsistent"
    assert setmm.reason(["|- A e. B", "|- -. ( A e. B \\/ ph )"], "|- ps") == "inconsistent"
    assert setmm.reason(["|- A = B"], "|- ( -. A = B <-> A =/= B )") == "tautology"
    assert setmm.reason([], "|- E. x ph", [("x", "ph")]) == "vacuous"
    assert setmm.reason([], "|- ( A. x ph -> ph )") is None


# -- the shared hook ------------------------------------------------------------

def test_the_hook_counts_per_reason_and_drops_by_default(hilbert):
    ctx = hilbert.ctx
    made = [hilbert.theorem(["|- ph", "|- -. ph"], "|- ps"),
            hilbert.theorem(["|- ph"], "|- ( ps -> ( ph -> ph ) )"),
            hilbert.theorem([], "|- A. x ph", [("x", "ph")]),
            hilbert.theorem(["|- ph", "|- ( ph -> ps )"], "|- ps")]
    req = Request(ctx.db, ctx, GenerateConfig(), 4, set(), set(), Stats())
    kept = req.sound(list(made))
    assert kept == made[3:]
    assert req.stats["degenerate_inconsistent"] == req.stats["degenerate_tautology"] \
        == req.stats["degenerate_vacuous"] == 1
    assert [t.meta["degenerate"] for t in made] == ["inconsistent", "tautology", "vacuous", None]
    # judged once: a second pass neither counts nor drops anything else
    assert req.sound(kept) == kept and req.stats["degenerate_vacuous"] == 1
    # a run that keeps them still counts them
    cfg = GenerateConfig()
    cfg.degenerate = ()
    for t in made:
        t.meta.clear()
    req = Request(ctx.db, ctx, cfg, 4, set(), set(), Stats())
    assert req.sound(list(made)) == made and req.stats["degenerate_tautology"] == 1


def test_forward_on_the_bundled_database(hilbert):
    db, ctx = hilbert.ctx.db, hilbert.ctx
    res = generate(db, GenerateConfig(generator="forward", count=400, seed=1), ctx)
    keep = GenerateConfig(generator="forward", count=400, seed=1)
    keep.degenerate = ()
    kept = generate(db, keep, ctx)
    assert len(kept.theorems) == len(res.theorems) == 400
    assert res.stats["degenerate_tautology"] > 0 and res.stats["degenerate_inconsistent"] > 0
    text = ctx.text

    def faults(t):
        return propositional_faults([text("|-", h) for h in t.hypotheses],
                                    text("|-", t.conclusion))

    assert all(t.meta["degenerate"] is None and not faults(t) for t in res.theorems)
    # kept, they are shipped, and the independent reader finds the same
    flagged = [t for t in kept.theorems if t.meta["degenerate"]]
    assert flagged
    for t in kept.theorems:
        assert (t.meta["degenerate"] in ("inconsistent", "tautology")) == bool(faults(t))
        if t.meta["degenerate"]:
            assert t.meta["degenerate"] in faults(t)


@needs_set_mm
@pytest.mark.slow
def test_forward_on_set_mm_ships_no_degenerate_hypotheses(tmp_path):
    out = str(tmp_path / "run")
    assert main(["generate", "--db", SET_MM, "--generator", "forward", "--library", "all",
                 "--count", "300", "--seed", "5", "--styles", "mm", "--out", out]) == 0
    rows = shipped(out)
    assert len(rows) == 300
    variables, closed = database_text(SET_MM)
    bad_closed, bad_prop = [], []
    for r in rows:
        hyps = [h["statement"] for h in r["hypotheses"]]
        bad_closed += closed_unproved(hyps, variables, closed)
        if propositional_faults(hyps, r["statement"]):
            bad_prop.append(r["statement"])
    assert bad_closed == [] and bad_prop == []
    counts = json.load(open(os.path.join(out, "manifest.json")))["generator_counts"]
    assert all(isinstance(counts.get("degenerate_" + k, 0), int) for k in REASONS)
