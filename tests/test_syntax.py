"""Syntax trees: typecodes, grammar, parsing, ambiguity, proofs on trees."""
from __future__ import annotations

import json
import os

import pytest

from proofgen.cli import main
from proofgen.kernel import load
from proofgen.syntax import Syntax, make_parser, parse_override, read_j_commands
from proofgen.syntax.formats import sexp, to_json
from proofgen.syntax.proofs import ProofReplayer, check_proof_syntax, decode_compressed
from proofgen.syntax.typecodes import from_j_commands

from conftest import DATABASES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HILBERT = os.path.join(ROOT, "mm_databases", "hilbert.mm")
TREE_DATABASES = ["set.mm", "iset.mm", "nf.mm", "ql.mm", "hol.mm", "peano.mm"]


def syntax_of(tmp_path, text, engine="cython", name="t.mm", **kw) -> Syntax:
    path = tmp_path / name
    path.write_text(text)
    db = load(path)
    assert not db.read_diagnostics, [d.format() for d in db.read_diagnostics]
    return Syntax.of(db, engine=engine, **kw)


def codes(syn: Syntax) -> list[str]:
    return [d.code for d in syn.diagnostics]


PROP = """$c ( ) -> -. wff |- $.
$v ph ps ch $.
wph $f wff ph $. wps $f wff ps $. wch $f wff ch $.
wn $a wff -. ph $.
wi $a wff ( ph -> ps ) $.
"""


@pytest.fixture(params=["cython", "python"])
def engine(request):
    return request.param


# -- typecodes -------------------------------------------------------------

def test_j_commands_are_read_with_quotes_and_several_per_comment(tmp_path):
    src = [("a.mm", b"$( $j syntax 'wff'; syntax '|-' as 'wff';\n  unambiguous 'klr 5'; $)\n"
                    b"$( not a j comment: $j syntax 'class'; $)\n"
                    b"$( $j syntax \"class\" $)")]
    cmds = read_j_commands(src)
    assert [(c.keyword, c.args) for c in cmds] == [
        ("syntax", ("wff",)), ("syntax", ("|-", "as", "wff")), ("unambiguous", ("klr 5",)),
        ("syntax", ("class",))]
    tc = from_j_commands(cmds)
    assert tc.syntax == ["wff", "class"] and tc.logical == {"|-": "wff"}


def test_typecodes_are_inferred_without_j(tmp_path, engine):
    syn = syntax_of(tmp_path, PROP + "ax $a |- ( ph -> ph ) $.\n", engine)
    tc = syn.grammar.typecodes
    assert tc.syntax == ["wff"] and tc.logical == {"|-": "wff"}
    assert tc.source["wff"] == "inferred"


def test_typecode_with_only_axioms_is_syntax_but_turnstile_stays_logical(tmp_path):
    text = """$c term = wff |- 0 $. $v a b $. ta $f term a $. tb $f term b $.
    t0 $a term 0 $. weq $a wff a = b $. refl $a |- a = a $."""
    syn = syntax_of(tmp_path, text)
    assert syn.grammar.typecodes.syntax == ["term", "wff"]
    assert syn.grammar.typecodes.logical == {"|-": "wff"}
    assert syn.is_tree_grammar
    assert sexp(syn.grammar, syn.trees["refl"].term) == "(weq a a)"


def test_typecode_override(tmp_path):
    # `proves` is not `|-` and there is no `wff`: inference picks the type its
    # statements parse as; an override can force it
    text = """$c form proves ~ $. $v p $. fp $f form p $. fn $a form ~ p $.
    ax $a proves ~ p $. ${ h $e proves p $. ax2 $a proves ~ ~ p $. $}"""
    syn = syntax_of(tmp_path, text)
    assert syn.grammar.typecodes.logical == {"proves": "form"}
    assert "ax" in syn.trees
    assert parse_override("|-=wff, class") == {"|-": "wff", "class": None}
    with pytest.raises(ValueError):
        parse_override("=wff")
    syn = syntax_of(tmp_path, text, override={"proves": "form"})
    assert syn.grammar.typecodes.source["proves"] == "override"


def test_statement_of_unknown_typecode_is_reported(tmp_path):
    text = PROP + "$c thm $. x $a thm ph $.\n"
    syn = syntax_of(tmp_path, text, override={"thm": "nonexistent"})
    assert "E1001" in codes(syn)


# -- the real databases ----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", TREE_DATABASES)
def test_every_statement_parses_and_prints_back_exactly(name):
    db = load(os.path.join(DATABASES, name))
    statements = list(db.statements())
    syn = Syntax.of(db, statements=statements)
    assert syn.diagnostics == []
    assert syn.is_tree_grammar
    assert len(syn.trees) == len(statements)
    for s in statements:
        assert syn.text(syn.trees[s.label]) == s.text, s.label


@pytest.mark.slow
@pytest.mark.parametrize("name", TREE_DATABASES)
def test_engines_build_the_same_trees(name):
    if name == "set.mm":
        pytest.importorskip("proofgen.syntax._parse")
    db = load(os.path.join(DATABASES, name))
    statements = list(db.statements())
    fast = Syntax.of(db, statements=statements, engine="cython")
    ref = Syntax.of(db, statements=statements, engine="python")
    assert fast.trees == ref.trees
    assert fast.diagnostics == ref.diagnostics


@pytest.mark.slow
@pytest.mark.parametrize("name", TREE_DATABASES)
def test_proofs_build_the_trees_the_parser_reads(name):
    db = load(os.path.join(DATABASES, name))
    syn = Syntax.of(db)
    compared, problems = check_proof_syntax(syn)
    assert problems == []
    assert compared == db.proof_count


@pytest.mark.slow
def test_the_full_probe_finds_no_ambiguity_in_the_tree_databases():
    for name in TREE_DATABASES:
        syn = Syntax.of(load(os.path.join(DATABASES, name)))
        result = syn.probe(budget=None)
        assert result.complete and result.ambiguous == [], name
        assert result.strings > 0


def test_miu_is_reported_as_not_a_tree_grammar(engine):
    syn = Syntax.of(load(os.path.join(DATABASES, "miu.mm")), engine=engine)
    syn.probe()
    assert not syn.is_tree_grammar
    found = codes(syn)
    assert "E1002" in found          # `we` derives the empty string
    assert "E1004" in found          # `x y` concatenation is ambiguous
    assert syn.grammar.excluded == {"we": "derives the empty string"}
    assert "wff" in syn.grammar.left_recursive


def test_left_recursive_postfix_grammar_parses(tmp_path, engine):
    # ql.mm-style postfix complement: term := term '
    text = """$c term wff |- ' = ( v ) $. $v a b $. ta $f term a $. tb $f term b $.
    tn $a term a ' $. tv $a term ( a v b ) $. we $a wff a = b $.
    ax $a |- a ' ' = ( a v b ' ) ' $."""
    syn = syntax_of(tmp_path, text, engine)
    assert syn.is_tree_grammar and syn.grammar.left_recursive == ["term"]
    assert sexp(syn.grammar, syn.trees["ax"].term) == "(we (tn (tn a)) (tn (tv a (tn b))))"


# -- hand-made ambiguous and unsound grammars ----------------------------

def test_precedence_ambiguity_in_a_statement(tmp_path, engine):
    text = """$c -> -. wff |- $. $v ph ps $. wph $f wff ph $. wps $f wff ps $.
    wn $a wff -. ph $. wi $a wff ph -> ps $.
    ax $a |- -. ph -> ps $."""
    syn = syntax_of(tmp_path, text, engine)
    assert syn.ambiguous == ["ax"]
    d = next(d for d in syn.diagnostics if d.label == "ax")
    assert d.code == "E1004" and "(wn (wi ph ps))" in d.message and "(wi (wn ph) ps)" in d.message
    assert d.line == 3 and d.column == 5
    assert not syn.is_tree_grammar


def test_probe_finds_ambiguity_no_statement_shows(tmp_path, engine):
    text = """$c -> -. wff |- ( ) $. $v ph ps $. wph $f wff ph $. wps $f wff ps $.
    wn $a wff -. ph $. wi $a wff ph -> ps $.
    ax $a |- ps -> -. ph $."""
    syn = syntax_of(tmp_path, text, engine)
    assert syn.diagnostics == []            # no statement is ambiguous...
    result = syn.probe()
    assert result.complete
    assert {d.label for d in result.ambiguous} >= {"wi"}   # ...but the grammar is
    assert not syn.is_tree_grammar


def test_duplicate_syntax_axioms_are_ambiguous(tmp_path, engine):
    text = PROP + "wa $a wff ( ph & ps ) $. wb $a wff ( ph & ps ) $.\n$c & $.\n"
    text = text.replace("$c ( ) -> -. wff |- $.", "$c ( ) -> -. wff |- & $.").replace("$c & $.\n", "")
    syn = syntax_of(tmp_path, text, engine)
    assert set(syn.ambiguous) == {"wa", "wb"}


def test_associativity_ambiguity(tmp_path, engine):
    text = """$c + wff |- $. $v ph ps ch $. wph $f wff ph $. wps $f wff ps $. wch $f wff ch $.
    wp $a wff ph + ps $. ax $a |- ph + ps + ch $."""
    syn = syntax_of(tmp_path, text, engine)
    assert syn.ambiguous == ["ax"]


@pytest.mark.parametrize("rules, reason", [
    ("wz $a wff $.", "derives the empty string"),
    ("wd $a wff ( ph ph ) $.", "uses variable ph twice"),
    ("${ we.1 $e |- ph $. we $a wff ( ph ) $. $}", "has essential hypothesis we.1"),
])
def test_unsound_rules_are_excluded_and_reported(tmp_path, engine, rules, reason):
    syn = syntax_of(tmp_path, PROP + rules + "\n", engine)
    label = rules.split()[0] if not rules.startswith("${") else "we"
    assert syn.grammar.excluded == {label: reason}
    assert [d.code for d in syn.diagnostics if d.label == label] == ["E1002"]
    assert not syn.is_tree_grammar


def test_conversion_cycle_is_reported(tmp_path, engine):
    text = """$c class setvar wff |- = $. $v x A B $. vx $f setvar x $. cA $f class A $.
    cB $f class B $. cv $a class x $. vc $a setvar A $. weq $a wff A = B $."""
    syn = syntax_of(tmp_path, text, engine)
    assert set(syn.grammar.excluded) == {"cv", "vc"}
    assert "cycle of type conversions" in syn.grammar.excluded["cv"]


def test_unparsable_statement_says_how_far_it_got(tmp_path, engine):
    syn = syntax_of(tmp_path, PROP + "$c junk $. ax $a |- ( ph -> ps ) junk $.\n", engine)
    d = next(d for d in syn.diagnostics if d.label == "ax")
    assert d.code == "E1003" and "ends at symbol 5" in d.message
    assert syn.unparsed == ["ax"]


def test_pathological_grammar_is_bounded_not_hung(tmp_path):
    body = " ".join(["x"] * 400)
    text = "$c wff |- $. $v x y $. wx $f wff x $. wy $f wff y $. wxy $a wff x y $.\n" + \
        "".join(f"a{i} $a |- {body} $.\n" for i in range(3))
    syn = syntax_of(tmp_path, text)
    assert [d.code for d in syn.diagnostics] == ["E0901"] * 3


def test_deep_terms_do_not_exhaust_the_stack(tmp_path, engine):
    depth = 5000
    text = PROP + f"ax $a |- {'-. ' * depth}ph $.\n"
    syn = syntax_of(tmp_path, text, engine)
    term = syn.trees["ax"].term
    assert len(term) == depth + 1
    assert syn.text(syn.trees["ax"]).startswith("|- -. -. ")
    assert sexp(syn.grammar, term).endswith("ph" + ")" * depth)
    assert to_json(syn.grammar, term)["node"] == "wn"


# -- trees from proofs -----------------------------------------------------

def test_compressed_proof_decoding():
    steps = list(decode_compressed(2, ("wi", "ax-mp"), "ABCZDEUAF?"))
    assert steps[:4] == [("hyp", 0), ("hyp", 1), ("label", "wi"), ("save",)]
    assert steps[4:] == [("label", "ax-mp"), ("saved", 0), ("saved", 16), ("saved", 1),
                         ("unknown",)]


def test_replayed_steps_are_parse_trees():
    syn = Syntax.of(load(HILBERT))
    replay = ProofReplayer(syn)
    st = next(s for s in syn.statements if s.label == "a1i")
    result = replay.replay(st, logical=True)
    assert result.complete and result.conclusion == syn.trees["a1i"].term
    for step in result.steps:
        assert step.term is not None
        if step.label in syn.trees and syn.grammar.typecodes.is_syntax(step.typecode):
            # every syntax step is a tree the parser reads from its own text
            text = syn.grammar.unparse(step.term)
            toks = syn.grammar.tokens(text, {v.name: syn.grammar.types[v.type]
                                             for v in syn.grammar.variables})
            assert make_parser(syn.grammar, "cython").parse(
                toks, syn.grammar.type_index[step.typecode]).term == step.term


def test_proof_building_the_other_tree_is_reported(tmp_path):
    # the grammar is ambiguous; one of the two theorems must be built by its
    # proof differently from how the parser reads it
    text = """$c -> -. wff |- $. $v ph ps $. wph $f wff ph $. wps $f wff ps $.
    wn $a wff -. ph $. wi $a wff ph -> ps $.
    ${ a.1 $e |- ph $. a $a |- ph $. $}
    ${ t1.1 $e |- -. ph -> ps $. t1 $p |- -. ph -> ps $= wph wps wi wn t1.1 a $. $}
    ${ t2.1 $e |- -. ph -> ps $. t2 $p |- -. ph -> ps $= wph wn wps wi t2.1 a $. $}"""
    path = tmp_path / "amb.mm"
    path.write_text(text)
    db = load(path)
    assert db.verify().ok
    syn = Syntax.of(db)
    compared, problems = check_proof_syntax(syn)
    assert compared == 2
    assert [d.code for d in problems] == ["E1005"]
    assert "the proof builds" in problems[0].message


# -- command line ----------------------------------------------------------

def test_cli_parse_sexp_and_json(capsys):
    assert main(["parse", HILBERT, "--label", "ax-1"]) == 0
    assert capsys.readouterr().out == "ax-1 |- (wi ph (wi ps ph))\n"
    assert main(["parse", HILBERT, "-l", "ax-mp", "-l", "wi", "--format", "json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["label"] for x in lines] == ["wi", "ax-mp"]
    assert lines[0]["tree"] == {"node": "wi", "type": "wff", "args": [
        {"var": "ph", "type": "wff"}, {"var": "ps", "type": "wff"}]}
    assert main(["parse", HILBERT]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == sum(1 for s in load(HILBERT).statements() if s.kind != "f")


def test_cli_parse_errors(capsys, tmp_path):
    assert main(["parse", HILBERT, "--label", "nope"]) == 1
    assert "no statement labelled nope" in capsys.readouterr().err
    bad = tmp_path / "bad.mm"
    bad.write_text("$c wff $. x $a wff y $.")
    assert main(["parse", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "E0603" in err and "cannot build the grammar" in err
    assert main(["parse", HILBERT, "--typecodes", "=x"]) == 1
    assert "--typecodes" in capsys.readouterr().err


def test_cli_grammar_verdicts(capsys, tmp_path):
    assert main(["grammar", HILBERT, "--proofs"]) == 0
    out = capsys.readouterr().out
    assert "unambiguous tree grammar" in out and "40 replayed" in out
    assert main(["grammar", os.path.join(DATABASES, "miu.mm")]) == 1
    assert "NOT a sound tree grammar" in capsys.readouterr().out
    amb = tmp_path / "amb.mm"
    amb.write_text("""$c -> -. wff |- $. $v ph ps $. wph $f wff ph $. wps $f wff ps $.
    wn $a wff -. ph $. wi $a wff ph -> ps $.""")
    assert main(["grammar", str(amb), "--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[-1]["grammar"]["tree_grammar"] is False
    assert any(x.get("code") == "E1004" for x in lines[:-1])
