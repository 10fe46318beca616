"""Properties of parsing and of the tree toolkit, over random trees.

Trees are drawn from real grammars (the bundled hilbert.mm, and set.mm's
grammar of ~1,600 syntax axioms) and from small ambiguous grammars.
"""
from __future__ import annotations

import functools
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from proofgen.kernel import load
from proofgen.syntax import ReferenceParser, Syntax, make_parser
from proofgen.syntax._terms import FastTermKit
from proofgen.syntax.terms import TermKit, canonical, structural_hash, variables

from conftest import DATABASES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HILBERT = os.path.join(ROOT, "mm_databases", "hilbert.mm")
# PROOFGEN_TEST_SCALE multiplies every example count (docs/testing.md)
EXAMPLES = int(150 * float(os.environ.get("PROOFGEN_TEST_SCALE", "1")))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@functools.lru_cache(maxsize=None)
def syntax(path: str) -> Syntax:
    return Syntax.of(load(path))


AMBIGUOUS = """$c -> -. wff |- + $. $v ph ps ch $.
wph $f wff ph $. wps $f wff ps $. wch $f wff ch $.
wn $a wff -. ph $. wi $a wff ph -> ps $. wp $a wff ph + ps $.
"""


@functools.lru_cache(maxsize=None)
def ambiguous_syntax() -> Syntax:
    import tempfile
    path = os.path.join(tempfile.mkdtemp(), "amb.mm")
    with open(path, "w") as f:
        f.write(AMBIGUOUS)
    return Syntax.of(load(path))


def terms(syn: Syntax, type_name: str | None = None, max_depth: int = 6):
    """Random well-typed terms of a grammar."""
    g = syn.grammar
    usable = [i for i, r in enumerate(g.rules) if r.label not in g.excluded]
    by_type: dict[int, list[int]] = {}
    for i in usable:
        by_type.setdefault(g.rules[i].type, []).append(i)
    leaves = {t: g.declared.get(t) or [] for t in range(len(g.types))}

    @st.composite
    def term(draw, t, depth):
        choices_rules = by_type.get(t, [])
        if not choices_rules or depth >= max_depth or (leaves[t] and draw(st.booleans())):
            if not leaves[t]:
                # a type without variables (hol.mm's wff): must use a rule
                rule = draw(st.sampled_from(choices_rules))
            else:
                return (draw(st.sampled_from(leaves[t][:6])),)
        else:
            rule = draw(st.sampled_from(choices_rules))
        out = [rule]
        for v in g.rules[rule].slots:
            out.extend(draw(term(g.variables[-1 - v].type, depth + 1)))
        return tuple(out)

    types = [g.type_index[type_name]] if type_name else \
        [t for t in range(len(g.types)) if by_type.get(t) or leaves[t]]
    return st.sampled_from(types).flatmap(lambda t: term(t, 0))


def reparse(syn: Syntax, term, engine: str):
    g = syn.grammar
    toks = g.term_tokens(term)
    return make_parser(g, engine).parse(toks, g.type_of(term[0]))


# -- parsing ---------------------------------------------------------------

@SETTINGS
@given(st.data())
def test_hilbert_trees_round_trip(data):
    syn = syntax(HILBERT)
    term = data.draw(terms(syn))
    for engine in ("cython", "python"):
        result = reparse(syn, term, engine)
        assert result.term == term and not result.ambiguous


@SETTINGS
@given(st.data())
def test_set_mm_trees_round_trip(data):
    # the printed string of any well-typed set.mm tree parses back to that
    # tree, and to no other: set.mm's grammar is unambiguous
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    term = data.draw(terms(syn, max_depth=5))
    result = reparse(syn, term, "cython")
    assert result.term == term, syn.grammar.unparse(term)
    assert not result.ambiguous


@SETTINGS
@given(st.data())
def test_engines_agree_on_ambiguous_grammar(data):
    syn = ambiguous_syntax()
    g = syn.grammar
    term = data.draw(terms(syn, "wff", max_depth=5))
    toks = g.term_tokens(term)
    fast = make_parser(g, "cython").parse(toks, 0)
    ref = ReferenceParser(g).parse(toks, 0)
    assert fast == ref
    assert fast.term is not None
    if fast.ambiguous:
        # the two trees differ and both print as the same string
        assert fast.alternative != fast.term
        assert g.term_tokens(fast.alternative) == toks == g.term_tokens(fast.term)


@SETTINGS
@given(st.lists(st.sampled_from(["-.", "->", "+", "ph", "ps", "ch"]), max_size=14))
def test_engines_agree_on_any_string(words):
    syn = ambiguous_syntax()
    g = syn.grammar
    toks = g.tokens(words, {"ph": "wff", "ps": "wff", "ch": "wff"})
    fast = make_parser(g, "cython").parse(toks, 0)
    ref = ReferenceParser(g).parse(toks, 0)
    assert fast == ref
    if fast.term is not None:
        assert g.term_tokens(fast.term) == toks


# -- the toolkit -----------------------------------------------------------

def kits(syn):
    return TermKit(syn.grammar), FastTermKit(syn.grammar)


@st.composite
def substitution(draw, syn, term):
    g = syn.grammar
    subst = {}
    for v in variables(term):
        if draw(st.booleans()):
            subst[v] = draw(terms(syn, g.types[g.variables[-1 - v].type], max_depth=3))
    return subst


@SETTINGS
@given(st.data())
def test_match_finds_the_substitution(data):
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    ref, fast = kits(syn)
    pattern = data.draw(terms(syn, "wff", max_depth=3))
    s = data.draw(substitution(syn, pattern))
    instance = ref.substitute(pattern, s)
    assert fast.substitute(pattern, s) == instance
    found = ref.match(pattern, instance)
    assert found is not None and fast.match(pattern, instance) == found
    assert ref.substitute(pattern, found) == instance
    for v, t in s.items():
        assert found[v] == t


@SETTINGS
@given(st.data())
def test_unify_gives_a_most_general_idempotent_unifier(data):
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    ref, fast = kits(syn)
    g = syn.grammar
    a = data.draw(terms(syn, "wff", max_depth=3))
    b = data.draw(terms(syn, "wff", max_depth=3))
    # rename b apart from a, as a generator does before unifying
    (b,), _ = canonical(g, [b])
    apart = {v: (g.canonical_variable(g.variables[-1 - v].type, 50 + i),)
             for i, v in enumerate(variables(b))}
    b = ref.substitute(b, apart)
    u = ref.unify(a, b)
    assert fast.unify(a, b) == u
    if u is not None:
        ua = ref.substitute(a, u)
        assert ua == ref.substitute(b, u)
        assert ref.substitute(ua, u) == ua  # idempotent
        for v, t in u.items():               # typed
            assert ref.type_of(t) == g.variables[-1 - v].type
    # any instance pair of a common term unifies
    s = data.draw(substitution(syn, a))
    inst = ref.substitute(a, s)
    (c,), _ = canonical(g, [inst])
    c = ref.substitute(c, {v: (g.canonical_variable(g.variables[-1 - v].type, 80 + i),)
                           for i, v in enumerate(variables(c))})
    u2 = ref.unify(a, c)
    assert u2 is not None and ref.substitute(a, u2) == ref.substitute(c, u2)
    # and the unifier is most general: the instance is reached from it
    assert ref.match(ref.substitute(a, u2), inst) is not None


def test_unify_respects_types_and_occurs_check():
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    ref, fast = kits(syn)
    g = syn.grammar
    ph = g.variable("ph", "wff")
    x = g.variable("x", "setvar")
    A = g.variable("A", "class")
    cv = g.rule_index["cv"]
    wn = g.rule_index["wn"]
    for kit in (ref, fast):
        assert kit.unify((A,), (cv, x)) == {A: (cv, x)}
        assert kit.unify((x,), (A,)) is None            # setvar is not class
        assert kit.unify((ph,), (wn, ph)) is None       # occurs check
        assert kit.match((A,), (ph,)) is None
        assert kit.depth((wn, wn, ph)) == 3


@SETTINGS
@given(st.data())
def test_canonical_forms_identify_renamings(data):
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    ref, _ = kits(syn)
    g = syn.grammar
    hyp = data.draw(terms(syn, "wff", max_depth=3))
    concl = data.draw(terms(syn, "wff", max_depth=3))
    canon, _ = canonical(g, [hyp, concl])
    assert canonical(g, list(canon))[0] == canon          # idempotent
    names = variables(hyp + concl)
    shuffled = data.draw(st.permutations(list(range(len(names)))))
    renaming = {v: (g.canonical_variable(g.variables[-1 - v].type, 30 + k),)
                for v, k in zip(names, shuffled)}
    renamed = [ref.substitute(hyp, renaming), ref.substitute(concl, renaming)]
    assert canonical(g, renamed)[0] == canon
    assert structural_hash(g, canonical(g, renamed)[0]) == structural_hash(g, canon)


@SETTINGS
@given(st.data())
def test_fast_canonical_and_hash_agree_with_the_reference(data):
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    ref, fast = kits(syn)
    g = syn.grammar
    stmt = data.draw(st.lists(terms(syn, max_depth=4), max_size=4))
    # variables past the declared ones (canonical `&W1` ...) too
    extra = {v: (g.canonical_variable(g.variables[-1 - v].type, 40 + k),)
             for k, v in enumerate(variables(tuple(n for t in stmt for n in t)))
             if data.draw(st.booleans())}
    stmt = [ref.substitute(t, extra) for t in stmt]
    assert fast.canonical(stmt) == ref.canonical(stmt) == canonical(g, stmt)
    for t in stmt:
        assert fast.canonical_term(t) == ref.canonical_term(t) == canonical(g, [t])[0][0]
    assert fast.structural_hash(stmt) == ref.structural_hash(stmt) == structural_hash(g, stmt)
    canon = ref.canonical(stmt)[0]
    assert fast.structural_hash(canon) == structural_hash(g, canon)
    assert fast.canonical_hash(stmt) == ref.canonical_hash(stmt) == structural_hash(g, canon)


def test_structural_hash_is_pinned():
    # the same statement hashes to the same number on every machine and run
    syn = syntax(HILBERT)
    g = syn.grammar
    ax1 = canonical(g, [syn.trees["ax-1"].term])[0]
    ax2 = canonical(g, [syn.trees["ax-2"].term])[0]
    # blake2b over rule labels and variable names: independent of ids,
    # PYTHONHASHSEED and platform
    assert structural_hash(g, ax1) == 0x4f9c1452e7b7cbe9
    assert structural_hash(g, ax2) == 0x4b7753c4eb727024
    fast = FastTermKit(g)
    assert fast.structural_hash(ax1) == 0x4f9c1452e7b7cbe9
    assert fast.canonical([syn.trees["ax-2"].term])[0] == ax2


@SETTINGS
@given(st.data())
def test_fast_printer_agrees_with_the_grammar(data):
    from proofgen.syntax._terms import FastPrinter
    from proofgen.syntax.terms import children
    syn = syntax(os.path.join(DATABASES, "set.mm"))
    g = syn.grammar
    printer = FastPrinter(g)
    term = data.draw(terms(syn, max_depth=5))
    assert printer.tokens(term) == g.term_tokens(term)
    assert printer.text("|-", term) == " ".join(["|-"] + g.unparse(term))

    def postfix(t):
        if t[0] < 0:
            return [t[0]]
        return [n for kid in children(g, t) for n in postfix(kid)] + [t[0]]
    assert printer.postfix(term) == postfix(term)
