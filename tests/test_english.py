"""The `en` and `mixed` renderings: the template language, coverage of the
shipped templates, and what every English rendering must say.

"Mentions" is checked by a reader independent of the renderer: `Reader`
decides whether a text contains *some* reading of a formula, trying every
template alternative of every node (and the Unicode of every subterm), so
the checks hold whatever the RNG drew.
"""
from __future__ import annotations

import functools
import json
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from proofgen.emit import english, quality
from proofgen.emit.english import (Slot, TemplateError, formula, parse_templates, read_templates,
                                   render_en, render_mixed, templates)
from proofgen.emit.model import ProofDoc
from proofgen.emit.notation import Notation
from proofgen.explore.context import Context
from proofgen.run.documents import doc_of, generated_assertions
from proofgen.explore.run import GenerateConfig, generate
from proofgen.kernel import load
from proofgen.syntax import Syntax
from proofgen.syntax.types import Step

from conftest import DATABASES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HILBERT = os.path.join(ROOT, "mm_databases", "hilbert.mm")
SET_MM = os.path.join(DATABASES, "set.mm")
SCALE = float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))
SETTINGS = settings(max_examples=int(150 * SCALE), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def docs_of(path, config):
    db = load(path)
    ctx = Context.of(db)
    result = generate(db, config, ctx)
    extra = generated_assertions(ctx, result.lemmas)
    memo: dict = {}
    docs = [doc_of(ctx, t, extra, result.lemmas, memo) for t in result.theorems]
    return ctx, Notation.of(ctx.syn, db.sources), docs


@pytest.fixture(scope="module")
def hilbert():
    return docs_of(HILBERT, GenerateConfig(count=300, seed=5))


@pytest.fixture(scope="module")
def hilbert_pairs(hilbert):
    """(notation, doc) from forward and extract runs."""
    _, n, docs = hilbert
    _, n2, extracted = docs_of(HILBERT, GenerateConfig(generator="extract", count=100))
    return [(n, d) for d in docs] + [(n2, d) for d in extracted]


@functools.lru_cache(maxsize=1)
def set_mm():
    """(notation, doc) pairs from set.mm forward and extract runs."""
    out = []
    for config in (GenerateConfig(count=int(200 * SCALE), seed=8, target="log-uniform"),
                   GenerateConfig(generator="extract", count=int(200 * SCALE), proofs=300)):
        ctx, n, docs = docs_of(SET_MM, config)
        out += [(n, d) for d in docs]
    return ctx, out


# -- an independent reader ------------------------------------------------------

Reader = quality.Reader


def cites(text: str, tpl, doc: ProofDoc, label: str) -> bool:
    """The text names what step `label` does: the label, a template phrase,
    or the generated lemma."""
    low = text.lower()              # a phrase may start a sentence
    return label in text or any(p.lower() in low for p in tpl.phrases(label))


def check_en(text: str, notation: Notation, doc: ProofDoc) -> None:
    reader = Reader(notation)
    tpl = templates(notation)
    assert text.strip()
    for lab, t in doc.hypotheses:
        assert reader.says(text, t), (lab, text)
    assert reader.says(text, doc.conclusion), text
    for st in doc.steps:
        assert reader.says(text, st.term), text
        assert cites(text, tpl, doc, st.label), (st.label, text)
    for x, y in doc.disjoint:
        assert notation.unicode_symbol(x) in text and notation.unicode_symbol(y) in text


def check_mixed(text: str, notation: Notation, doc: ProofDoc) -> None:
    lines = text.splitlines()
    for lab, t in doc.hypotheses:
        assert any(notation.text(doc.typecode, t) in x and lab in x for x in lines), text
    for st in doc.steps:
        assert any(notation.text(doc.typecode, st.term) in x and f"[{st.label}" in x
                   for x in lines), text
    reader = Reader(notation)
    for st in doc.steps:
        assert reader.says(text, st.term)


# -- the template language ------------------------------------------------------

def test_a_template_file_parses():
    entries = parse_templates('''
        # comments run to the end of the line
        syntax wi : top "if {(1)}, then {2}"   # after an entry too
                  | "{(1)} implies {(2)}" ;
        assertion ax-mp : "modus ponens" | "the rule \\"MP\\" \\{sic\\}" ;
        syntax wtru : "true" ;
    ''', "t.tpl")
    wi, mp, tru = entries
    assert (wi.kind, wi.label, wi.arity, wi.line) == ("syntax", "wi", 2, 3)
    assert wi.alternatives[0] == ("if ", Slot(0, True), ", then ", Slot(1, False))
    assert wi.texts() == ["if {(1)}, then {2}", "{(1)} implies {(2)}"]
    assert wi.top == (True, False) and wi.inner() == (1,)
    assert mp.texts() == ["modus ponens", 'the rule "MP" {sic}']
    assert tru.arity == 0


@pytest.mark.parametrize("text, where, message", [
    ('syntax wi "x" ;', "1:11", "expected ':'"),
    ('syntax wi : "x"\nsyntax wn : "y" ;', "2:1", "expected"),
    ('syntax wi : "x" |\n', "2:1", "end of file"),
    ('syntax wi : "x" ;\n  syntax wi : "y" ;', "2:10", "already defined on line 1"),
    ('syntax wi : "open', "1:13", "unterminated string"),
    ('syntax wi : "if {x} then" ;', "1:17", "brace"),
    ('syntax wi : "{(1)}, {(2}" ;', "1:21", "{(k)}"),
    ('syntax wi : "{0}" ;', "1:14", "numbered from {1}"),
    ('syntax wi : "a\\q" ;', "1:15", "unknown escape"),
    ('assertion ax-mp : "by {1}" ;', "1:23", "no placeholders"),
    ('syntax wi : "{1} and {2}" | "{1} alone" ;', "1:29", "same placeholders"),
    ('syntax wi : "{2} only" ;', "1:13", "{1} is never used"),
    ('syntax wi : "" ;', "1:13", "empty alternative"),
    ('lemma x : "y" ;', "1:1", "'syntax', 'assertion' or 'family'"),
    ('family fveq2 : "x" ;', "1:8", "regular expression"),
    ('family "fv(eq" : "x" ;', "1:8", "bad regular expression"),
    ('syntax "wi" : "x" ;', "1:8", "names a label"),
    ('assertion ax-mp(1=wi) : "x" ;', "1:16", "only syntax entries fix a variable"),
    ('syntax co(0=cfz) : "{1} to {3}" ;', "1:10", "numbered from 1"),
    ('syntax co(2=cfz) : "{1} to {3}" | "{1} {2} {3}" ;', "1:35", "same placeholders"),
    ('syntax co(3=cfz) : "{1} only" ;', "1:20", "{2} is never used"),
    ('family "x.*" : "by {1}" ;', "1:20", "no placeholders"),
    ('syntax wi : "x" ; @', "1:19", "unexpected character '@'"),
    ('assertion ax-mp : "x" | top "y" ;', "1:25", "syntax alternatives only"),
    ('syntax wi : top "{1}{2}" | top "{2}{1}" ;', "1:8", "every alternative is 'top'"),
])
def test_template_errors_are_located(text, where, message):
    with pytest.raises(TemplateError) as e:
        parse_templates(text, "bad.tpl")
    assert str(e.value).startswith(f"bad.tpl:{where}: "), str(e.value)
    assert message in str(e.value)


def test_template_file_errors_name_the_file(tmp_path):
    path = tmp_path / "mine.tpl"
    path.write_text('syntax wi : "x" ;\nsyntax wn : "{1" ;\n')
    with pytest.raises(TemplateError, match=rf"^{re.escape(str(path))}:2:14: "):
        read_templates([path])


def test_shipped_files_parse_and_define_each_label_once():
    seen: dict[str, str] = {}
    for name in english.SHIPPED:
        for e in parse_templates((english.TEMPLATE_DIR / name).read_text(), name):
            assert e.key not in seen, f"{e.key} in {seen.get(e.key)} and {name}"
            seen[e.key] = name
            for alt in e.texts():
                assert alt == alt.strip() and "  " not in alt, (e.label, alt)
                if e.kind == "assertion":
                    # noun phrases: "applying <it> to (1)" must read; a
                    # gerund ("swapping ...") does not
                    assert not re.match(r"[a-z]+ing\b", alt), (e.label, alt)
    assert os.path.realpath(os.path.join(ROOT, "grammars", "templates.lark")) == \
        os.path.realpath(english.GRAMMAR_PATH)


# -- coverage --------------------------------------------------------------------

def test_every_syntax_axiom_and_assertion_of_hilbert_mm_has_a_template(hilbert):
    ctx, n, _ = hilbert
    tpl = templates(n)
    g = n.grammar
    rules = [r.label for r in g.rules if r.label not in g.excluded]
    assert rules and all(lab in tpl.syntax for lab in rules), set(rules) - set(tpl.syntax)
    assert set(ctx.assertions) <= set(tpl.assertions), set(ctx.assertions) - set(tpl.assertions)
    assert tpl.mismatched == []


@pytest.mark.slow
def test_set_mm_logic_syntax_and_200_most_used_assertions_have_templates():
    ctx, pairs = set_mm()
    n = pairs[-1][0]                       # the notation of ctx's database
    tpl = templates(n)
    g = n.grammar
    statements = ctx.syn.statements
    stop = next(i for i, s in enumerate(statements) if s.label == "ax-ext")
    logic = statements[:stop]
    rules = [s.label for s in logic if s.label in g.rule_index and s.label not in g.excluded]
    assert len(rules) >= 20
    assert [lab for lab in rules if lab not in tpl.syntax] == []
    assertions = [s.label for s in logic if s.label in ctx.assertions]
    position = {lab: i for i, lab in enumerate(assertions)}
    top = sorted(assertions, key=lambda lab: (-ctx.usage.get(lab, 0), position[lab]))[:200]
    assert [lab for lab in top if lab not in tpl.assertions] == []
    assert tpl.mismatched == []


# -- what every rendering says ------------------------------------------------------

@SETTINGS
@given(data=st.data())
def test_en_mentions_every_hypothesis_and_step(hilbert_pairs, data):
    n, doc = hilbert_pairs[data.draw(st.integers(0, len(hilbert_pairs) - 1))]
    text = render_en(doc, n, random.Random(data.draw(st.integers(0, 2 ** 32))))
    check_en(text, n, doc)


@SETTINGS
@given(data=st.data())
def test_mixed_shows_every_step_formally_and_in_words(hilbert_pairs, data):
    n, doc = hilbert_pairs[data.draw(st.integers(0, len(hilbert_pairs) - 1))]
    text = render_mixed(doc, n, random.Random(data.draw(st.integers(0, 2 ** 32))))
    check_mixed(text, n, doc)


@pytest.mark.slow
def test_set_mm_renderings_mention_everything():
    _, pairs = set_mm()
    docs = [d for _, d in pairs]
    assert any(d.lemmas for d in docs) and any(d.hypotheses for d in docs)
    assert any(d.generator == "extract" for d in docs)
    rng = random.Random(11)
    for n, d in pairs:
        en = render_en(d, n, rng)
        check_en(en, n, d)
        check_mixed(render_mixed(d, n, rng), n, d)
        # variables in Unicode, never their ASCII names
        assert not re.search(r"\b(ph|ps|ch|th)\b", en), en


def test_the_reader_is_not_fooled(hilbert):
    ctx, n, docs = hilbert
    reader = Reader(n)
    t = ctx.syn.trees
    a1, a2 = t["ax-1"].term, t["ax-2"].term
    text = formula(n, "|-", a1, random.Random(3))
    assert reader.says("So " + text + ".", a1)
    assert not reader.says(text, a2)
    assert not reader.says(text.replace("ψ", "χ"), a1)


def test_cited_lemmas_are_named_and_stated(hilbert):
    _, n, docs = hilbert
    doc = next(d for d in docs if d.lemmas)
    for seed in range(10):
        text = render_en(doc, n, random.Random(seed))
        for lab, lemma in doc.lemmas.items():
            assert f"Lemma {lab}" in text
            assert Reader(n).says(text, lemma.conclusion)


# -- determinism and variety -----------------------------------------------------------

def test_same_seed_same_text_whatever_was_rendered_before(hilbert):
    ctx, n, docs = hilbert
    first = {(i, s): (render_en(d, n, random.Random(s)), render_mixed(d, n, random.Random(s)))
             for i, d in enumerate(docs[:60]) for s in (1, 2)}
    fresh = Notation.of(ctx.syn, load(HILBERT).sources)      # cold caches, other order
    for (i, s) in sorted(first, reverse=True):
        d = docs[i]
        assert first[i, s] == (render_en(d, fresh, random.Random(s)),
                               render_mixed(d, fresh, random.Random(s)))


def test_seeds_give_different_texts(hilbert):
    _, n, docs = hilbert
    doc = next(d for d in docs if d.hypotheses and len(d.steps) >= 2)
    assert len({render_en(doc, n, random.Random(s)) for s in range(30)}) >= 20
    assert len({render_mixed(doc, n, random.Random(s)) for s in range(30)}) >= 20
    # every alternative of the commonest connective is drawn somewhere
    texts = " ".join(render_en(d, n, random.Random(s)) for d in docs[:40] for s in range(5))
    for needle in (", then ", " implies (", " implies that "):
        assert needle in texts


def test_top_alternatives_read_only_the_outermost_connective(hilbert):
    ctx, n, docs = hilbert
    tpl = templates(n)
    assert any(tpl.syntax["wi"].top) and not all(tpl.syntax["wi"].top)
    nested = {t for d in docs for t in [d.conclusion] + [s.term for s in d.steps]
              if t.count(t[0]) >= 2 and t[0] == n.grammar.rule_index["wi"]}
    assert len(nested) > 50
    seen_if = 0
    for k, t in enumerate(sorted(nested)):
        text = formula(n, "|-", t, random.Random(k))
        # "if A, then B" and "A implies that B" are top-only: at most once, outside
        assert text.count("if ") + text.count("implies that") <= 1, text
        if "if " in text:
            assert text.startswith("if ")
            seen_if += 1
    assert seen_if > 5


# -- fallbacks -------------------------------------------------------------------------

SMALL = """
$( A third-party database with set.mm-style labels for its syntax. $)
$c ( ) -> ~ # wff |- $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
wtl $a wff ~ ph $.
wn $a wff ( ph # ps ) $.
${
  dt.1 $e |- ph $.
  dt.2 $e |- ( ph -> ps ) $.
  $( Detach the consequent, e.g. from a proven antecedent (the second
     sentence is not shown).  Here is more. $)
  detach $a |- ps $.
$}
bare $a |- ( ph -> ph ) $.
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "small.mm"
    path.write_text(SMALL)
    db = load(str(path))
    syn = Syntax.of(db)
    return syn, Notation.of(syn, db.sources)


def test_assertions_without_templates_are_named_by_comment_then_label(small):
    syn, n = small
    ph, imp = syn.trees["wph"].term, syn.trees["bare"].term
    ps = syn.trees["wps"].term
    doc = ProofDoc("th", "|-", (("th.1", ph), ("th.2", syn.trees["dt.2"].term)), ps,
                   (Step("bare", premises=(), term=imp),
                    Step("detach", premises=(-1, -2), term=ps)), "( ) A")
    seen = set()
    for seed in range(20):
        text = render_en(doc, n, random.Random(seed))
        # the description as a parenthetical that reads after the label
        assert "detach (used to detach the consequent, e.g. from a proven antecedent (the " \
               "second sentence is not shown))" in text
        assert "axiom bare" in text.lower()
        check_en(text, n, doc)
        seen.add(text)
    assert len(seen) > 5


def test_templates_apply_by_label_and_arity(small):
    syn, n = small
    tpl = templates(n)
    assert "wi" in tpl.syntax                 # set.tpl's wi, here too
    assert "wn" in tpl.mismatched             # set.tpl's wn has one place, this one two
    g = syn.grammar
    ph, ps = g.variable("ph", "wff"), g.variable("ps", "wff")
    tilde = (g.rule_index["wtl"], ph)
    term = (g.rule_index["wi"], *tilde, ps)   # ( ~ ph -> ps )
    texts = {formula(n, "|-", term, random.Random(s)) for s in range(20)}
    # no template for ~: its formula in Unicode (no althtmldef here: as
    # written), bracketed where it is open
    assert texts == {"if (~ ph), then ps", "(~ ph) implies ps", "(~ ph) implies that ps"}
    hash_ = (g.rule_index["wn"], ph, ps)
    assert formula(n, "|-", hash_, random.Random(0)) == "(ph # ps)"


def test_extra_template_files_from_the_environment(small, tmp_path, monkeypatch):
    syn, _ = small
    extra = tmp_path / "extra.tpl"
    extra.write_text('syntax wi : "when {1}, {2}" ;\nassertion bare : "the bare law" ;\n')
    monkeypatch.setenv(english.ENV_VAR, str(extra))
    english._entries.cache_clear()
    n = Notation.of(syn, syn.sources)
    term = syn.trees["bare"].term
    assert formula(n, "|-", term, random.Random(0)) == "when ph, ph"
    assert templates(n).assertions["bare"] == ("the bare law",)
    extra.write_text('syntax wi : "when {1" ;\n')
    english._entries.cache_clear()
    with pytest.raises(TemplateError, match=r"extra.tpl:1:19: a brace"):
        templates(Notation.of(syn, syn.sources))
    english._entries.cache_clear()


def test_description_first_sentence(hilbert):
    _, n, _ = hilbert                # its althtmldef: ph as φ
    first = english._first_sentence
    assert first("Modus ponens.  More.", n) == "modus ponens"
    assert first("If ` ph ` then ~ ax-mp applies, i.e. twice.  (Contributed by X.)", n) == \
        "if φ then ax-mp applies, i.e. twice"
    # a citation is not a description (issue 22): the next sentence is
    assert first("Theorem *2.06 of [WhiteheadRussell] p. 101.  Next.", n) == "next"
    assert first("Peirce's axiom.", n) == "Peirce's axiom"
    # a sentence ends before a quotation too (set.mm's abai, and its mnemonic)
    assert first('Introduce one conjunct as an antecedent to the other.  "abai" stands for '
                 '"and, biconditional, and, implication".', n) == \
        "introduce one conjunct as an antecedent to the other"
    assert first("", n) is None and first(None, n) is None
    long = first("word " * 100, n)
    assert len(long) <= english.MAX_DESCRIPTION + 2 and long.endswith("…")


# -- the quality checker -----------------------------------------------------------------

@pytest.mark.parametrize("kind, bad, good", [
    ("dangling", "Theorem. It holds that φ. Proof. Finally, by ax-1, φ. ∎",
     "Theorem. It holds that φ. Proof. By ax-1, φ. ∎"),
    ("dangling", "From (1) and, we get φ.", "From (1) and (2), we get φ."),
    ("dangling", "Proof: Hence, by mp2, ψ.", "Proof: By mp2, ψ. Hence, by ax-mp, χ."),
    ("doubled", "Since φ, the the rule gives ψ.", "Since φ, the rule gives ψ."),
    ("doubled", "We show that that φ holds.", "We show that φ holds."),
    ("space", "By ax-1 , φ.", "By ax-1, φ."),
    ("space", "Hence φ implies ψ .", "Hence φ implies ψ."),
    ("space", "By  ax-1, φ.", "By ax-1, φ."),
    ("brackets", "Then (φ implies ψ.", "Then (φ implies ψ)."),
    ("brackets", "Then ⟨𝐴, 𝐵 equals 𝐶.", "Then ⟨𝐴, 𝐵⟩ equals 𝐶."),
    ("brackets", "Then φ) holds.", "Then 𝐴 is in the interval [0, 1) and in (𝐴 + 𝐵)."),
    ("disjoint", "Here the variables of each of the pairs 𝑥, 𝑦 and 𝑥, 𝑧 are distinct.",
     "Here 𝑥, 𝑦 and 𝑧 are distinct variables, and 𝑥 does not occur in 𝐴."),
])
def test_the_checker_finds_each_defect_kind(kind, bad, good):
    assert kind in {d.kind for d in quality.surface_defects(bad)}, quality.surface_defects(bad)
    assert quality.surface_defects(good) == []


def test_the_checker_lets_notation_words_repeat():
    text = "By fvex, dom dom 𝐹 is a set."
    assert [d.kind for d in quality.surface_defects(text)] == ["doubled"]
    assert quality.surface_defects(text, frozenset({"dom"})) == []


def test_the_checker_finds_what_is_not_mentioned(hilbert):
    _, n, docs = hilbert
    doc = next(d for d in docs if d.hypotheses and len(d.steps) >= 2)
    text = render_en(doc, n, random.Random(4))
    assert quality.defects(text, doc, n, "en") == []
    # the last step's sentence gone: its statement (the conclusion) and
    # what it cites are no longer said
    cut = text[:text.rindex(". ", 0, text.rindex(". ")) + 1] + " ∎\n"
    gone = {d.kind for d in quality.mention_defects(cut, doc, n, "en")}
    assert gone == {"unmentioned"}
    mixed = render_mixed(doc, n, random.Random(4))
    assert quality.defects(mixed, doc, n, "mixed") == []
    first = mixed.splitlines()
    rows = [x for x in first if x.strip().startswith("1 ")]
    assert quality.mention_defects("\n".join(x for x in first if x not in rows), doc, n, "mixed")


def test_disjoint_variables_read_as_one_sentence():
    ind = lambda v: v in "xyzw"                  # noqa: E731
    say = functools.partial(english.disjoint_clauses, individual=ind, sym=str)
    assert say([("x", "y")]) == "x and y are distinct variables"
    assert say([("x", "y"), ("x", "z"), ("y", "z")]) == "x, y and z are distinct variables"
    assert say([("x", "y"), ("x", "A")]) == \
        "x and y are distinct variables, and x does not occur in A"
    assert say([("w", "z"), ("w", "y"), ("z", "y"), ("z", "x")]) == \
        "w, z and y are distinct variables, and z and x are distinct variables"
    assert say([("x", "A"), ("x", "B"), ("y", "A"), ("y", "B")]) == \
        "x and y occur in neither A nor B"
    assert say([("x", "A"), ("x", "B"), ("x", "C"), ("A", "B")]) == \
        "x occurs in none of A, B and C, and A and B share no variable"
    assert say([("x", "y"), ("x", "z"), ("x", "w")]) == "x is distinct from y, z and w"


CONST = """
$c ( ) -> wff |- T $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wt $a wff T $.
wi $a wff ( ph -> ps ) $.
"""


def test_specialised_and_constant_syntax_entries(tmp_path, monkeypatch):
    path = tmp_path / "const.mm"
    path.write_text(CONST)
    db = load(str(path))
    syn = Syntax.of(db)
    extra = tmp_path / "spec.tpl"
    extra.write_text('syntax wi(1=wt) : "{2} holds outright" | "{2}, unconditionally" ;\n')
    monkeypatch.setenv(english.ENV_VAR, str(extra))
    english._entries.cache_clear()
    try:
        n = Notation.of(syn, db.sources)
        tpl = templates(n)
        g = syn.grammar
        wi, wt = g.rule_index["wi"], g.rule_index["wt"]
        ph, ps = g.variable("ph", "wff"), g.variable("ps", "wff")
        special = (wi, wt, ps)                       # ( T -> ps )
        general = (wi, ph, wi, wt, ps)               # ( ph -> ( T -> ps ) )
        said = {formula(n, "|-", special, random.Random(s)) for s in range(20)}
        assert said == {"ps holds outright", "ps, unconditionally"}
        # the general wi (set.tpl's) outside, the specialised one inside
        inner = {formula(n, "|-", general, random.Random(s)) for s in range(30)}
        assert any(x.endswith("implies (ps holds outright)") or
                   x.endswith("then ps holds outright") for x in inner), inner
        # a constant without an entry reads as its symbol, and counts as words
        assert formula(n, "|-", (wi, wt, ph), random.Random(0)) in {
            "ph holds outright", "ph, unconditionally"}
        assert tpl.in_words((wi, ph, wt)) == (2, 2)
        assert wt in tpl.named
        reader = quality.Reader(n)
        for s in range(10):
            text = formula(n, "|-", general, random.Random(s))
            assert reader.says("So " + text + ".", general), text
        assert not reader.says("ps holds outright", general)
    finally:
        english._entries.cache_clear()


def test_families_name_assertions_by_label_pattern(small, tmp_path, monkeypatch):
    syn, _ = small
    extra = tmp_path / "fam.tpl"
    extra.write_text('family "det.*" : "a detachment law" ;\nfamily "d.*" : "never drawn" ;\n')
    monkeypatch.setenv(english.ENV_VAR, str(extra))
    english._entries.cache_clear()
    try:
        tpl = templates(Notation.of(syn, syn.sources))
        assert tpl.assertions["detach"] == ("a detachment law",)
        assert tpl.family["detach"] == "det.*"
        assert "bare" not in tpl.family                  # the pattern matches whole labels
    finally:
        english._entries.cache_clear()


@pytest.mark.slow
def test_set_mm_set_theory_records_have_no_checker_defects():
    """A sample of the proofs of set.mm's set theory (from ax-ext), as
    `proofgen templates coverage` reads them, rendered both ways: no defect
    at all."""
    from proofgen.run.coverage import documents
    db = load(SET_MM)
    ctx = Context.of(db)
    n = Notation.of(ctx.syn, db.sources)
    docs = [d for d in documents(ctx, "ax-ext", "mathbox") if len(d.steps) <= 25]
    sample = random.Random(19).sample(docs, int(150 * SCALE))
    assert any(d.disjoint for d in sample) and any(d.hypotheses for d in sample)
    found = []
    for k, doc in enumerate(sample):
        for style, fn in (("en", render_en), ("mixed", render_mixed)):
            text = fn(doc, n, random.Random(k))
            found += [(doc.label, style, d) for d in quality.defects(text, doc, n, style)]
    assert found == [], found[:5]
    tpl = templates(n)
    assert tpl.mismatched == []
    said = total = 0
    for doc in sample:
        for t in [doc.conclusion] + [t for _, t in doc.hypotheses]:
            a, b = tpl.in_words(t)
            said, total = said + a, total + b
    assert said >= 0.97 * total


def test_families_go_to_the_first_pattern_matching_the_whole_label():
    from proofgen.emit.english import first_family
    labels = [s.label for s in load(SET_MM).statements() if s.kind in "ap"]
    text = (Path(english.TEMPLATE_DIR) / "setclass.tpl").read_text()
    patterns = [re.compile(p) for p in re.findall(r'^family "([^"]+)"', text, re.M)]
    assert len(patterns) > 100
    naive = {}
    for label in labels:
        for k, p in enumerate(patterns):
            if p.fullmatch(label):
                naive[label] = k
                break
    assert len(naive) > 5000
    assert first_family(patterns, labels) == naive
    # a pattern with its own named group or an inline flag: one at a time, same rule
    odd = [re.compile("(?P<x>ax)-1"), re.compile("(?i)AX-.*")] + patterns
    assert first_family(odd, ["ax-1", "ax-mp", "eqid"]) == {"ax-1": 0, "ax-mp": 1, "eqid": 2 + naive["eqid"]}


def test_templates_coverage_command(capsys, tmp_path):
    from proofgen.cli import main
    hilbert = os.path.join(ROOT, "mm_databases", "hilbert.mm")
    assert main(["templates", "coverage", hilbert, "--sample", "0"]) == 0
    out = capsys.readouterr().out
    assert "statements fully in words: 100.0%" in out
    assert "en: 0 records with a defect" in out and "mixed: 0 records with a defect" in out
    assert main(["templates", "coverage", hilbert, "--from", "mpd", "--to", "com12",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["proofs"] < 40 and data["statements_in_words"] == data["statements"]
    assert sum(data["steps"].values()) > 0 and data["sampled"] == data["proofs"]
    assert main(["templates", "coverage", hilbert, "--from", "nosuch"]) == 1
    err = capsys.readouterr().err
    assert "--from nosuch: no statement of hilbert.mm has this label" in err
    assert "Traceback" not in err
    assert main(["templates", "coverage", str(tmp_path / "none.mm")]) == 1
