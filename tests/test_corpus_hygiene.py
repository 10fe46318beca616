"""Corpus hygiene (issue 22): what `--library` takes in, the records'
provenance fields and ids, plain letters for tokenizers, and description
fallbacks without credits or citations."""
import json
import os

import pytest

from proofgen.cli import main
from proofgen.emit import english
from proofgen.emit.notation import Notation, plain_letter
from proofgen.emit.records import StyleMix
from proofgen.emit.render import render
from proofgen.emit.shards import read_shard
from proofgen.emit.tokens import TokenCounter
from proofgen.explore.context import Context, first_mathbox_label, mathbox_heading
from proofgen.explore.forward import library, library_counted
from proofgen.explore.run import GenerateConfig
from proofgen.kernel import load
from proofgen.run import JobConfig, LocalExecutor, run_job
from proofgen.run.card import database_license
from proofgen.run.folder import FORMAT, RunFolder, RunFolderError

HERE = os.path.dirname(os.path.abspath(__file__))
HILBERT = os.path.join(HERE, "..", "mm_databases", "hilbert.mm")
DATABASES = "/usr/share/metamath/databases"
SET_MM = os.path.join(DATABASES, "set.mm")

TINY = """$( tiny.mm: a library with set.mm's kinds of junk $)
$c ( ) -> wff |- T. $.
$v ph ps $.
wph $f wff ph $.
wps $f wff ps $.
wi $a wff ( ph -> ps ) $.
wtru $a wff T. $.
${ min $e |- ph $. maj $e |- ( ph -> ps ) $.
   $( Modus ponens. $)
   ax-mp $a |- ps $. $}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
df-id $a |- ( ph -> ph ) $.
${ a1i.1 $e |- ph $. a1i $a |- ( ps -> ph ) $. $}
${ a1iOLD.1 $e |- ph $. a1iOLD $a |- ( ps -> ph ) $. $}
${ a1iALT2.1 $e |- ph $. a1iALT2 $a |- ( ps -> ph ) $. $}
${ a1iVD.1 $e |- ph $. a1iVD $a |- ( ps -> ph ) $. $}
dummylink $a |- ( ph -> ph ) $.
${ bj-a1i.1 $e |- ph $. bj-a1i $a |- ( ps -> ph ) $. $}
$(
###############################################################################
                 SUPPLEMENTARY MATERIAL (USER'S MATHBOXES)
###############################################################################
$)
$( Not a statement: mbx0 $a |- ph $. $)
ax-mb $a |- ( ph -> ( ph -> ph ) ) $.
${ mb.1 $e |- ph $. mb $a |- ( ps -> ( ps -> ph ) ) $. $}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.mm"
    path.write_text(TINY)
    return Context.of(load(str(path)))


def labels(assertions):
    return [a.label for a in assertions]


# -- library --------------------------------------------------------------

def test_mathboxes_start_after_the_heading_in_set_mm_and_iset_mm():
    for name in ("set.mm", "iset.mm"):
        data = open(os.path.join(DATABASES, name), "rb").read()
        s, e = mathbox_heading(data)
        assert b"USER'S MATHBOXES" in data[s:e]
        assert first_mathbox_label(data) == "mathbox"     # metamath.exe's marker statement
    for name in ("nf.mm", "ql.mm", "hol.mm", "peano.mm"):
        assert first_mathbox_label(open(os.path.join(DATABASES, name), "rb").read()) is None
    # a comment that only mentions mathboxes is no heading
    assert mathbox_heading(b"$( moved from TA's mathbox $) ax-1 $a |- ph $.") is None


def test_all_is_the_main_body(tiny):
    assert tiny.mathbox_start() == ("ax-mb", tiny.assertions["ax-mb"].position)
    lib, left = library_counted(tiny, "all")
    assert labels(lib) == ["ax-mp", "ax-1", "df-id", "a1i"]
    assert left == {"mathbox": 3, "variant": 4}          # bj-a1i, ax-mb, mb; OLD ALT2 VD dummylink
    assert labels(library(tiny, "all", include_mathboxes=True)) == \
        ["ax-mp", "ax-1", "df-id", "a1i", "bj-a1i", "ax-mb", "mb"]
    assert labels(library(tiny, "upto:a1iOLD")) == ["ax-mp", "ax-1", "df-id", "a1i"]
    # labels: is exactly what it names
    assert labels(library(tiny, "labels:a1iOLD,mb")) == ["a1iOLD", "mb"]


def test_axioms_are_the_logical_axioms(tiny):
    lib, left = library_counted(tiny, "axioms")
    assert labels(lib) == ["ax-mp", "ax-1"]
    assert left["definition"] == 1 and left["mathbox"] == 1    # df-id; ax-mb (bj-a1i, mb: no ax-)
    assert labels(library(tiny, "axioms", with_definitions=True)) == ["ax-mp", "ax-1", "df-id"]
    assert labels(library(tiny, "axioms", include_mathboxes=True)) == \
        ["ax-mp", "ax-1", "ax-mb"]


def test_a_database_without_a_mathbox_heading_loses_nothing():
    ctx = Context.of(load(HILBERT))
    assert ctx.mathbox_start() is None
    lib, left = library_counted(ctx, "all")
    assert len(lib) == len(ctx.assertions) and not left


def test_the_command_says_what_the_library_left_out(tiny, tmp_path, capsys):
    path = tmp_path / "tiny.mm"
    path.write_text(TINY)
    assert main(["generate", "--db", str(path), "--library", "all", "--count", "5",
                 "--styles", "mm", "--out", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    assert "library all: 4 assertions; left out: 3 in mathboxes or bj-*" in err
    assert "4 *OLD/*ALT/*VD/dummylink variants" in err
    lib = json.load(open(tmp_path / "run" / "manifest.json"))["params"]["forward"]
    assert lib["include_mathboxes"] is False and lib["with_definitions"] is False


# -- records ---------------------------------------------------------------

def test_licences():
    header = open(SET_MM, "rb").read(20_000)
    assert database_license(header)[0] == "cc0-1.0"
    assert database_license(open(HILBERT, "rb").read())[0] == "cc0-1.0"
    assert database_license(open(os.path.join(DATABASES, "peano.mm"), "rb").read())[0] == "gpl"
    assert database_license(b"$( my database $) $c x $.")[0] == "unknown"
    assert database_license(b"$( my database $)", "mit")[0] == "mit"


def _extract(out, units, **kw):
    job = JobConfig(GenerateConfig(generator="extract", count=10_000, seed=3),
                    StyleMix.parse("all", 2), units=units, **kw)
    return run_job(HILBERT, job, out, LocalExecutor(1))


@pytest.fixture(scope="module")
def cuts(tmp_path_factory):
    base = tmp_path_factory.mktemp("cuts")
    return {k: (str(base / f"u{k}"), _extract(str(base / f"u{k}"), k)) for k in (4, 6)}


def _records(out, manifest):
    return [r for e in manifest["shards"] for r in read_shard(os.path.join(out, e["path"]))]


def test_ids_do_not_depend_on_the_units(cuts):
    ids = {}
    for k, (out, m) in cuts.items():
        recs = _records(out, m)
        assert len({r["id"] for r in recs}) == len(recs)          # distinct per rendering
        # lemma records are shipped by the unit whose records cite them, so
        # which there are depends on the cut; the theorems' records do not
        ids[k] = sorted((r["metadata"]["hash"], r["metadata"]["style"], r["id"]) for r in recs
                        if r["metadata"]["role"] == "theorem")
    assert cuts[4][1]["units"] == 4 and cuts[6][1]["units"] == 6
    assert ids[4] == ids[6] and len(ids[4]) > 100


def test_records_carry_licence_and_run_id_and_the_manifest_the_params(cuts):
    out, m = cuts[4]
    assert m["format"] == FORMAT == "proofgen-run/6"
    assert m["license"] == "cc0-1.0" and m["params"]["generator"] == "extract"
    for r in _records(out, m):
        meta = r["metadata"]
        assert "params" not in meta and "length" not in meta
        assert meta["run_id"] == m["run_id"] and meta["license"] == "cc0-1.0"
        assert meta["statement_nodes"] > 0
    card = open(os.path.join(out, "README.md")).read()
    assert "name: run_id" in card and "name: statement_nodes" in card and "params" in card


def test_the_given_licence_is_the_records(tmp_path):
    out = str(tmp_path / "run")
    m = _extract(out, 1, license="cc-by-4.0")
    assert m["license"] == "cc-by-4.0"
    assert {r["metadata"]["license"] for r in _records(out, m)} == {"cc-by-4.0"}
    assert "license: cc-by-4.0" in open(os.path.join(out, "README.md")).read()


def test_a_run_of_an_older_format_is_refused_clearly(cuts, tmp_path):
    out, m = cuts[4]
    old = tmp_path / "old"
    old.mkdir()
    (old / "manifest.json").write_text(json.dumps({**m, "format": "proofgen-run/4"}))
    with pytest.raises(RunFolderError, match=r"proofgen-run/4; this proofgen reads "
                                             r"proofgen-run/6.*regenerate"):
        RunFolder(str(old)).manifest()


# -- plain letters -------------------------------------------------------------

def test_plain_letter():
    assert plain_letter("(𝜑 → 𝜓)") == "(φ → ψ)"
    assert plain_letter("𝑥 ∈ 𝐴 ℎ") == "x ∈ A h"
    assert plain_letter("ℝ 𝔼 𝐀") == "ℝ 𝔼 𝐀"        # double-struck, fraktur, bold: kept


@pytest.fixture(scope="module")
def italic_hilbert():
    """hilbert.mm's notation with set.mm's math-italic variables, and docs."""
    from tests.test_emit import docs_of
    ctx, n, docs = docs_of(HILBERT, GenerateConfig(count=80, seed=2))
    n.unicodedef.update({"ph": "𝜑", "ps": "𝜓", "ch": "𝜒", "x": "𝑥", "y": "𝑦"})
    n._unicode_cache.clear()
    return ctx, n, docs


def test_plain_letters_in_english(italic_hilbert):
    import random
    ctx, n, docs = italic_hilbert
    plain = n.plain()
    assert plain is n.plain() and plain.plain() is plain and plain.plain(set()) is plain
    assert plain.unicode_symbol("ph") == "φ" and n.unicode_symbol("ph") == "𝜑"
    counter = TokenCounter()
    before = after = 0
    for d in docs:
        for style in ("en", "mixed"):
            italic = render(style, d, n, random.Random(1))
            text = render(style, d, plain, random.Random(1))
            assert not any(0x1D400 <= ord(c) <= 0x1D7FF for c in text)
            assert text == plain_letter(italic)       # the same words, only the letters
            before += counter.count(italic)
            after += counter.count(text)
    assert after < 0.9 * before


def test_a_letter_a_constant_term_of_its_type_is_written_as_keeps_its_italic(tiny):
    n = Notation.of(tiny.syn, tiny.db.sources)
    n.unicodedef.update({"ph": "𝜑", "ps": "𝜓", "T.": "φ"})   # the wff constant shown as φ
    wtru = tiny.syn.grammar.rule_index["wtru"]
    p = n.plain()                              # any constant may be shown: ph keeps 𝜑
    assert p.unicode_symbol("ph") == "𝜑" and p.unicode_symbol("ps") == "ψ"
    assert n.plain({wtru}) is p and p.plain() is p
    q = n.plain(set())                         # a text without T.: plain φ
    assert q.unicode_symbol("ph") == "φ" and q.unicode_symbol("ps") == "ψ"


def test_the_option_is_in_the_manifest_and_latex_is_untouched(tmp_path):
    for flag, on in (("--plain-letters", True), ("--math-italic", False)):
        out = tmp_path / flag
        assert main(["generate", "--count", "30", "--styles", "en,latex", "--renderings", "2",
                     flag, "--out", str(out)]) == 0
        m = json.load(open(out / "manifest.json"))
        assert m["config"]["styles"]["plain_letters"] is on
    # hilbert.mm's own Unicode is plain already: the same dataset either way
    a = [r["text"] for r in _records(str(tmp_path / "--plain-letters"),
                                     json.load(open(tmp_path / "--plain-letters" / "manifest.json")))]
    b = [r["text"] for r in _records(str(tmp_path / "--math-italic"),
                                     json.load(open(tmp_path / "--math-italic" / "manifest.json")))]
    assert a == b


# -- description fallbacks --------------------------------------------------------

@pytest.mark.parametrize("comment, first", [
    ("Inference adding an antecedent.  (Contributed by NM, 11-Oct-1999.)",
     "inference adding an antecedent"),
    ("(Contributed by NM, 11-Oct-1999.)  Inference adding an antecedent.", None),
    ("A rule.  (Revised by Mario Carneiro, 5-Jan-2016.)", "a rule"),
    ("A rule (Proof shortened by Wolf Lammen, 5-Jan-2016.)", "a rule"),
    ("Axiom of extensionality [Margaris] p. 49.", "axiom of extensionality"),
    ("Theorem 5.2 of [Mendelson] p. 55.  Deduction form of modus ponens.",
     "deduction form of modus ponens"),
    ("Theorem 5.2 of [Mendelson] p. 55.", None),
    ("A closed form of ~ syl (see [Margaris] p. 49).", "a closed form of syl"),
    ("Inference form.  See also [Hamilton] p. 31 and [Margaris] p. 40.", "inference form"),
    ("Obsolete proof of ~ 19.21 as of 5-Jan-2021.  (Contributed by NM, 1-Jan-1993.)", None),
    ("Obsolete version of ~ syl as of 5-Jan-2021.  Syllogism.", "syllogism"),
])
def test_description_fallbacks_are_descriptions(comment, first):
    n = Context.of(load(HILBERT))
    notation = Notation.of(n.syn, n.db.sources)
    assert english._first_sentence(comment, notation) == first
