"""Conformance tests for the spec checklist (the Metamath spec checklist: rules 1-36).

One test (or one parametrized table) per checklist rule, in checklist order.
Names say the rule and the verdict: `test_r01_...` / `test_a05_...` use the
rule number; every rule has accepting and rejecting cases (for a rule that is
only A or only R the opposite case is its nearest well- or ill-formed
counterpart).  Rejecting tests assert the specific diagnostic codes of
`proofgen.kernel.diagnostics.CODES`; both engines must give the same codes.

The databases are small and hand-written on top of `BASE`, a tiny
propositional logic (`wi`, `ax-mp`, `ax-1`, `ax-2`).  Proofs were checked with
metamath.exe where it follows the spec; compressed proofs for unusual shapes
are built with `encode`/`compress` below, an independent implementation of
the book's appendix.
"""
from __future__ import annotations

import os
import re

import pytest

from conftest import check, codes
from proofgen.kernel import CODES, Limits, load
from proofgen.kernel.mmtext import encode_number as encode  # step number -> letters

# ---------------------------------------------------------------------------
# helpers

BASE = """\
$( A tiny propositional base. $)
$c ( ) -> wff |- $.
$v ph ps ch $.
wph $f wff ph $.
wps $f wff ps $.
wch $f wff ch $.
wi $a wff ( ph -> ps ) $.
${
  min $e |- ph $.
  maj $e |- ( ph -> ps ) $.
  ax-mp $a |- ps $.
$}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
ax-2 $a |- ( ( ph -> ( ps -> ch ) ) -> ( ( ph -> ps ) -> ( ph -> ch ) ) ) $.
"""

#: a1i in normal form; frame (wph, wps, a1i.1)
A1I_NORMAL = "wph wps wph wi a1i.1 wph wps ax-1 ax-mp"
#: the same, compressed by metamath.exe
A1I_LIST = "wi ax-1 ax-mp"
A1I_LETTERS = "ABADCABEF"
#: id: |- ( ph -> ph ), frame (wph)
ID_NORMAL = ("wph wph wph wi wi wph wph wi wph wph ax-1 "
             "wph wph wph wi wph wi wi wph wph wph wi wi wph wph wi wi "
             "wph wph wph wi ax-1 wph wph wph wi wph ax-2 ax-mp ax-mp")
ID_COMPRESSED = "( wi ax-1 ax-2 ax-mp ) AAABZBZFAACAFABBGFBAFCAFADEE"


def a1i(proof: str = A1I_NORMAL, label: str = "a1i") -> str:
    """The theorem a1i (|- ( ps -> ph ) from |- ph) with the given proof."""
    return f"""${{
  {label}.1 $e |- ph $.
  {label} $p |- ( ps -> ph ) $= {proof} $.
$}}"""


def a1i_c(letters: str = A1I_LETTERS, labels: str = A1I_LIST, label: str = "a1i") -> str:
    return a1i(f"( {labels} ) {letters}", label)


def thm_id(proof: str = ID_NORMAL, label: str = "id") -> str:
    return f"{label} $p |- ( ph -> ph ) $= {proof} $."


def mm(*parts: str) -> str:
    """BASE followed by `parts`, one per line."""
    return BASE + "\n".join(parts) + "\n"


def compress(steps: str, mandatory: list[str], listed: list[str]) -> str:
    """Letters for a normal proof, without saving steps: label -> number."""
    numbers = {}
    for i, lab in enumerate(mandatory + listed, 1):
        numbers.setdefault(lab, i)
    return "".join(encode(numbers[s]) for s in steps.split())


def verify(tmp_path, engine, text, limits: Limits | None = None, name="t.mm", **files):
    """Like conftest.check, with optional resource limits."""
    if limits is None:
        return check(tmp_path, text, engine, name, **files)
    for fname, body in files.items():
        p = tmp_path / fname.replace("__", "/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body if isinstance(body, bytes) else body.encode())
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return load(path, engine=engine, limits=limits).verify()


def show(report) -> list[str]:
    return [d.format() for d in report.diagnostics]


def assert_ok(report) -> None:
    assert report.ok, show(report)
    assert report.exit_status() == 0


def assert_rejected(report, *expected: str) -> None:
    found = codes(report)
    for code in expected:
        assert code in CODES, code
        assert code in found, (code, show(report))
    assert report.exit_status() == 1, show(report)


def pos(text: str | bytes, needle: str | bytes, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of `needle` in `text`."""
    if isinstance(text, str):
        text = text.encode()
    if isinstance(needle, str):
        needle = needle.encode()
    off = -1
    for _ in range(nth):
        off = text.index(needle, off + 1)
    line = text.count(b"\n", 0, off) + 1
    return line, off - (text.rfind(b"\n", 0, off) + 1) + 1


def diag(report, code: str):
    """The first diagnostic with `code`."""
    for d in report.diagnostics:
        if d.code == code:
            return d
    raise AssertionError((code, show(report)))


def test_base_and_reference_proofs_accepted(tmp_path, engine):
    """Sanity: the base, a1i and id (normal and compressed) all verify."""
    text = mm(a1i(), a1i_c(label="a1ic"), thm_id(), thm_id(ID_COMPRESSED, "idc"))
    report = check(tmp_path, text, engine)
    assert_ok(report)
    assert report.proofs == 4


# ===========================================================================
# Characters and tokens

BAD_BYTES = [0x00, 0x01, 0x08, 0x0B, 0x0E, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F,
             0x80, 0xA0, 0xC3, 0xFF]


@pytest.mark.parametrize("byte", BAD_BYTES, ids=lambda b: f"0x{b:02X}")
@pytest.mark.parametrize("where", ["between-tokens", "in-comment", "in-token", "at-eof"])
def test_r01_invalid_byte_rejected(tmp_path, engine, byte, where):
    """Rule 1: any byte outside 0x21-0x7E and SP TAB LF CR FF is an error,
    anywhere -- comments included.  VT (0x0B) is not whitespace."""
    b = bytes([byte])
    text = mm(a1i()).encode()
    if where == "between-tokens":
        text = text.replace(b"ax-1 $a", b"ax-1" + b + b"$a", 1)
    elif where == "in-comment":
        text = text.replace(b"A tiny", b"A" + b + b"tiny", 1)
    elif where == "in-token":
        text += b"$( x $)\nax-3" + b + b"x $a |- ph $.\n"
    else:
        text += b
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0101")
    d = diag(report, "E0101")
    assert (d.line, d.column) == pos(text, b)


def test_r01_vt_is_not_whitespace(tmp_path, engine):
    """Rule 1: VT between two tokens is an error even though the tokens
    around it would be fine with a space (metamath.exe accepts it)."""
    text = mm(a1i()).replace("wps $f wff ps", "wps $f wff\vps")
    assert_rejected(check(tmp_path, text, engine), "E0101")


@pytest.mark.parametrize("ws", [" ", "\t", "\n", "\r\n", "\r", "\f", " \t\f\r\n "],
                         ids=["SP", "TAB", "LF", "CRLF", "CR", "FF", "mixed"])
def test_a01_whitespace_bytes_accepted(tmp_path, engine, ws):
    """Rule 1 (accepting side): the five whitespace bytes separate tokens."""
    text = re.sub(r"[ \n]+", lambda m: ws, mm(a1i(), thm_id()))
    assert_ok(check(tmp_path, text, engine))


def test_a01_all_printable_ascii_accepted(tmp_path, engine):
    """Rule 1: every printable byte 0x21-0x7E is fine in a comment (except
    the `$(`/`$)` pairs, which are excluded by rule 6)."""
    printable = bytes(range(0x21, 0x7F)).replace(b"$", b"")
    text = mm(a1i()).encode() + b"$( " + printable + b" $ $)\n"
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("token", ["$x", "$P", "$A", "$", "$$", "$.x", "x$.", "$c$.",
                                   "$[]", "${}", "$=$."])
def test_r02_unknown_keyword_rejected(tmp_path, engine, token):
    """Rule 2: a token starting with (or containing) `$` that is not one of
    the 15 keywords is an error outside comments.  Keywords are case-sensitive."""
    text = mm(a1i(), f"{token}", thm_id())
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0102")
    d = diag(report, "E0102")
    assert (d.line, d.column) == (pos(text, f"\n{token}\n")[0] + 1, 1)


@pytest.mark.parametrize("text_from,text_to", [
    ("wph $f wff ph $.", "wph $f wff ph$."),
    ("ax-1 $a |- (", "ax-1$a |- ("),
    ("$v ph ps ch $.", "$v ph ps ch$."),
    ("$c ( ) -> wff |- $.", "$c ( ) -> wff |-$."),
    ("${\n  min", "${min"),
])
def test_r02_keyword_glued_rejected(tmp_path, engine, text_from, text_to):
    """Rule 2: a keyword glued to other text (`ph$.`) is not a keyword."""
    text = mm(a1i()).replace(text_from, text_to, 1)
    assert text != mm(a1i())
    assert_rejected(check(tmp_path, text, engine), "E0102")


def test_a02_every_keyword_accepted(tmp_path, engine):
    """Rule 2 (accepting side): all 15 keywords, whitespace-separated."""
    text = mm("${ $d ph ps $. $}", "$[ inc.mm $]", a1i(), thm_id())
    assert_ok(check(tmp_path, text, engine, **{"inc.mm": "$( included $) $c T $."}))


@pytest.mark.parametrize("label", ["x.y-z_W9", "0", "9a", "a--b", "_", ".", "-", "A.B.C",
                                   "ax-3", "ABC_def.123-x"])
def test_a03_label_charset_accepted(tmp_path, engine, label):
    """Rule 3: labels are [A-Za-z0-9._-]+."""
    text = mm(f"{label} $a |- ( ph -> ph ) $.",
              f"use $p |- ( ps -> ps ) $= wps {label} $.")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("label", ["a@b", "a:b", "a/b", "a?", "a,b", "a(b", "a+b",
                                   "a'b", "a`b", "a~b", "a|b", "a#b", "a*"])
def test_r03_label_charset_rejected(tmp_path, engine, label):
    """Rule 3: any other character in a label is an error."""
    text = mm(f"{label} $a |- ( ph -> ph ) $.")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0106")
    d = diag(report, "E0106")
    assert (d.line, d.column) == pos(text, label)


def test_a04_unusual_math_symbols_accepted(tmp_path, engine):
    """Rule 4: math symbols are any printable characters but `$`:
    `?`, `@`, backquote, quotes, brackets ... are all fine."""
    text = mm(
        "$c ? @ ` ' \" \\ [ ] { } , ; : ! # % & * + = ~ ^ | < > . $.",
        "$v x' y\" a@b ?? $.",
        "wx $f wff x' $.",
        "wy $f wff y\" $.",
        "wab $f wff a@b $.",
        "wq $f wff ?? $.",
        "odd $a |- ? @ ` ' \" \\ [ ] { } , ; : ! # % & * + = ~ ^ | < > . x' y\" a@b ?? $.",
        "odd2 $p |- ? @ ` ' \" \\ [ ] { } , ; : ! # % & * + = ~ ^ | < > . ph y\" a@b ?? $=",
        "  wph wy wab wq odd $.",
    )
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("decl", ["$c a$b $.", "$v x$ $.", "$c $$ $."])
def test_r04_dollar_in_math_symbol_rejected(tmp_path, engine, decl):
    """Rule 4 (rejecting side): `$` is the one printable character a math
    symbol may not contain."""
    assert_rejected(check(tmp_path, mm(decl), engine), "E0102")


@pytest.mark.parametrize("text", [b"", b"\n", b"\r\n", b"   \n\t\f\n", b"$( only a comment $)\n"],
                         ids=["empty", "one-empty-line", "crlf", "whitespace", "comment"])
def test_a05_empty_file_accepted(tmp_path, engine, text):
    """Rule 5: an empty file and a file with one empty line are valid databases."""
    report = check(tmp_path, text, engine)
    assert_ok(report)
    assert report.statements == 0 and report.proofs == 0


def test_a05_case_distinguishes_symbols_and_labels(tmp_path, engine):
    """Rule 5: case matters -- `wff`/`WFF` and `wph`/`WPH` are different."""
    text = mm("$c WFF $.", "$v PH $.", "WPH $f WFF PH $.",
              "WI $a WFF ( PH -> PH ) $.",
              "tW $p WFF ( PH -> PH ) $= WPH WI $.",
              "tw $p wff ( ph -> ph ) $= wph wph wi $.",
              "A $a |- ( ph -> ph ) $.", "a $a |- ( ps -> ps ) $.",
              "tA $p |- ( ph -> ph ) $= wph A $.", "ta $p |- ( ph -> ph ) $= wph a $.")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("case,code", [
    ("$C T $.", "E0102"),                                   # keyword case
    ("t $p |- ( ph -> ph ) $= WPH id $.", "E0801"),        # label case
    ("t $a WFF ph $.", "E0603"),                            # symbol case
])
def test_r05_case_matters(tmp_path, engine, case, code):
    """Rule 5 (rejecting side): a wrong-case keyword, label or symbol is not
    the one meant."""
    assert_rejected(check(tmp_path, mm(thm_id(), case), engine), code)


def test_r05_stray_keyword_in_otherwise_empty_file(tmp_path, engine):
    """Rule 5 (nearest ill-formed counterpart of an empty file): a lone `$.`."""
    assert_rejected(check(tmp_path, "\n$.\n", engine), "E0308")


# ===========================================================================
# Comments

@pytest.mark.parametrize("comment,code", [
    ("$( a $( b $)", "E0103"),
    ("$( a$(b $)", "E0103"),
    ("$( a $(b $)", "E0103"),
    ("$( a b$( $)", "E0103"),
    ("$( a$)b $)", "E0104"),
    ("$( a $)b $)", "E0104"),
    ("$( a b$) $)", "E0104"),
])
def test_r06_comment_delimiters_inside_comment_rejected(tmp_path, engine, comment, code):
    """Rule 6: `$(` anywhere inside a comment (even inside a token) is an
    error; so is `$)` glued to other text inside a comment."""
    text = mm(a1i(), comment, thm_id())
    report = check(tmp_path, text, engine)
    assert_rejected(report, code)
    d = diag(report, code)
    assert d.line == pos(text, comment)[0]


def test_r06_comment_close_outside_comment_rejected(tmp_path, engine):
    """Rule 6: `$)` outside a comment is an error."""
    text = mm(a1i(), "$( fine $) $)", thm_id())
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0104")
    assert (diag(report, "E0104").line, diag(report, "E0104").column) == pos(text, "$)", 3)


@pytest.mark.parametrize("tail", ["$( never closed", "$( never closed\n", "$(",
                                  "$( looks closed$)", "$( looks closed $)x"])
def test_r06_comment_open_at_eof_rejected(tmp_path, engine, tail):
    """Rule 6: a comment still open at end of file is an error, reported at
    the `$(` that opened it."""
    text = mm(a1i(), thm_id()) + tail
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0105")
    d = diag(report, "E0105")
    assert (d.line, d.column) == pos(text, "$(", text.count("$("))


def test_a06_well_formed_comments_accepted(tmp_path, engine):
    """Rule 6 (accepting side): comments with `(`, `)`, `$` alone and
    `$`-free text are fine; several comments in a row too."""
    text = mm("$( ( ) $ ) ( $ $) $( second $) $( $) $(\n multi\n line\n $)", a1i())
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("inner", ["$t", "$j", "$a", "$[ x $]", "$c", "$.", "$=", "${ $}",
                                   "$p", "$d", "$$", "$x", "a$b", "$[ missing.mm $]",
                                   "$j usage 'x' avoids 'y';", "$t htmldef \"x\" as 'y';"])
def test_a07_dollar_sequences_in_comments_accepted(tmp_path, engine, inner):
    """Rule 7: inside a comment, `$t`, `$j`, `$a`, `$[ x $]` ... are plain text."""
    text = mm(f"$( {inner} $)", a1i())
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("stray,code", [("$t", "E0102"), ("$j", "E0102"),
                                        ("$[ x.mm $]", "E0203")])
def test_r07_same_sequences_outside_comments_rejected(tmp_path, engine, stray, code):
    """Rule 7 (rejecting side): the same sequences outside a comment are
    read as tokens and rejected."""
    assert_rejected(check(tmp_path, mm(a1i(), stray), engine), code)


def test_a08_comments_between_any_tokens_accepted(tmp_path, engine):
    """Rule 8: comments may sit between any two tokens -- inside `$c`,
    `$v`, `$d`, `$f`, `$e`, `$a`, `$p` statements, between a label and its
    keyword, inside an inclusion, inside normal proofs, in a compressed
    proof's label list and between the letters of its letter block."""
    C = "$( c $)"
    text = f"""{C} $c {C} ( ) -> wff |- {C} $. {C}
$v {C} ph {C} ps ch $.
wph {C} $f {C} wff {C} ph {C} $.
wps $f wff ps $.
wch $f wff ch $.
wi $a wff ( ph {C} -> ps ) $.
${{ {C}
  min $e |- {C} ph $.
  maj {C} $e |- ( ph -> ps ) $. {C}
  ax-mp $a |- ps $.
{C} $}}
ax-1 $a |- ( ph -> ( ps -> ph ) ) $.
${{ $d {C} ph {C} ps {C} $. $}}
$[ {C} inc.mm {C} $]
${{
  a1i.1 $e |- ph {C} $.
  a1i {C} $p |- ( ps -> ph ) {C} $= {C} wph wps {C} wph wi a1i.1 wph wps ax-1 {C} ax-mp {C} $.
$}}
${{
  b.1 $e |- ph $.
  b $p |- ( ps -> ph ) $= {C} ( {C} wi {C} ax-1
    {C} ax-mp {C} ) {C} AB {C} AD $( comment
    over lines $) C {C} A B E {C} F {C} $.
$}}
"""
    assert_ok(check(tmp_path, text, engine, **{"inc.mm": "$c T $."}))


@pytest.mark.parametrize("glued", [
    A1I_LETTERS[:4] + "$( c $)" + A1I_LETTERS[4:],
    A1I_LETTERS + "$(c $)",
])
def test_r08_comment_glued_to_letters_rejected(tmp_path, engine, glued):
    """Rule 8 (rejecting side): a comment must be a separate token; glued to
    compressed letters it is a `$` inside a token."""
    text = mm(a1i_c(glued))
    assert_rejected(check(tmp_path, text, engine), "E0102")


def test_r08_comment_glued_to_math_symbol_rejected(tmp_path, engine):
    """Rule 8 (rejecting side): `ph$( c $)` is not `ph` followed by a comment."""
    text = mm("ax-3 $a |- ph$( c $) $.")
    assert_rejected(check(tmp_path, text, engine), "E0102")


# ===========================================================================
# File inclusion

INC = "$c T $.\nt-ax $a |- ( ph -> ph ) $.\n"


def test_a09_inclusion_at_top_level_accepted(tmp_path, engine):
    """Rule 9 (accepting side): `$[ name $]` between statements at top level;
    the included statements are usable."""
    text = mm("$[ inc.mm $]", "t-use $p |- ( ps -> ps ) $= wps t-ax $.")
    report = check(tmp_path, text, engine, **{"inc.mm": INC})
    assert_ok(report)
    assert report.proofs == 1


def test_r09_inclusion_inside_block_rejected(tmp_path, engine):
    """Rule 9: inclusion inside `${ ... $}` is an error (metamath.exe allows it)."""
    text = mm("${", "  $[ inc.mm $]", "$}")
    report = check(tmp_path, text, engine, **{"inc.mm": INC})
    assert_rejected(report, "E0201")
    assert diag(report, "E0201").line == pos(text, "$[")[0]


@pytest.mark.parametrize("stmt", ["ax-3 $a |- $[ inc.mm $] ph $.",
                                  "ax-3 $a $[ inc.mm $] |- ph $.",
                                  "$v $[ inc.mm $] x $.",
                                  "$d ph $[ inc.mm $] ps $."])
def test_r09_inclusion_inside_statement_rejected(tmp_path, engine, stmt):
    """Rule 9: inclusion inside a statement is an error."""
    report = check(tmp_path, mm(stmt), engine, **{"inc.mm": INC})
    assert report.exit_status() == 1
    assert_rejected(report, "E0201")


def test_r09_inclusion_between_label_and_keyword_rejected(tmp_path, engine):
    """Rule 9: `ax-3 $[ inc.mm $] $a ...` -- the label is left without its
    keyword (E0308) and the keyword without its label (E0304)."""
    report = check(tmp_path, mm("ax-3 $[ inc.mm $] $a |- ph $."), engine, **{"inc.mm": INC})
    assert_rejected(report, "E0308", "E0304")


def test_r09_inclusion_inside_proof_rejected(tmp_path, engine):
    """Rule 9: a `$p` statement includes its proof; inclusion there is E0201."""
    text = mm("t $p |- ( ph -> ( ps -> ph ) ) $= wph wps $[ inc.mm $] ax-1 $.")
    assert_rejected(check(tmp_path, text, engine, **{"inc.mm": INC}), "E0201")


@pytest.mark.parametrize("inc,expected", [
    ("$[ a$b.mm $]", ["E0102", "E0202"]),   # name containing `$`
    ("$[ $]", ["E0202"]),                    # no name
    ("$]", ["E0202"]),                       # `$]` without `$[`
    ("$[ inc.mm", ["E0202"]),                # not closed before EOF
    ("$[ inc.mm inc.mm $]", ["E0202"]),      # two names
    ("$[ $c $]", ["E0202"]),                 # keyword as name
])
def test_r09_malformed_inclusion_rejected(tmp_path, engine, inc, expected):
    """Rule 9: a name containing `$`, no name, a lone `$]`, an unclosed
    inclusion."""
    report = check(tmp_path, mm(inc), engine, **{"inc.mm": INC})
    assert_rejected(report, *expected)


def test_r09_missing_file_rejected(tmp_path, engine):
    """Rule 9: a missing included file is an error, located at its name."""
    text = mm("$[ nosuch.mm $]")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0203")
    d = diag(report, "E0203")
    assert (d.line, d.column) == pos(text, "nosuch.mm")


def test_r09_directory_as_included_file_rejected(tmp_path, engine):
    """Rule 9: a name that is a folder, not a file, is 'not found'."""
    (tmp_path / "adir").mkdir()
    assert_rejected(check(tmp_path, mm("$[ adir $]"), engine), "E0203")


@pytest.mark.parametrize("body,code", [
    ("$c T $.\n$( never closed\n", "E0105"),        # inside a comment
    ("$c T $.\nt-ax $a |- ( ph -> ph )\n", "E0307"),  # inside a statement
    ("$c T $.\n${\nt-ax $a |- ph $.\n", "E0205"),   # inside a block
    ("$c T $.\n$[ other.mm\n", "E0202"),             # inside an inclusion
    ("$c T $.\n$}\n", "E0301"),                       # closing the includer's scope
])
def test_r09_included_file_ends_inside_construct_rejected(tmp_path, engine, body, code):
    """Rule 9: an included file must be complete on its own -- it may not
    end inside a comment, statement, block or inclusion."""
    text = mm("$[ inc.mm $]", thm_id())
    report = check(tmp_path, text, engine, **{"inc.mm": body, "other.mm": "$c U $.\n"})
    assert_rejected(report, code)
    d = diag(report, code)
    assert d.file.endswith("inc.mm"), d.format()


def test_r09_block_opened_before_inclusion_cannot_be_closed_by_it(tmp_path, engine):
    """Rule 9: a statement cannot straddle files: an includer's statement is
    not completed by the included file."""
    text = mm("ax-3 $a |- ph", "$[ inc.mm $]")
    report = check(tmp_path, text, engine, **{"inc.mm": "$.\n"})
    assert_rejected(report, "E0201")


def test_a10_file_included_twice_is_ignored(tmp_path, engine):
    """Rule 10: a second inclusion of the same file is ignored (no duplicate
    labels)."""
    text = mm("$[ inc.mm $]", "$[ inc.mm $]", "$[ inc.mm $]",
              "t-use $p |- ( ps -> ps ) $= wps t-ax $.")
    assert_ok(check(tmp_path, text, engine, **{"inc.mm": INC}))


def test_a10_top_file_reincluded_is_ignored(tmp_path, engine):
    """Rule 10: the top file including itself, directly or via another file,
    is ignored."""
    text = mm("$[ t.mm $]", "$[ inc.mm $]", a1i())
    report = check(tmp_path, text, engine, **{"inc.mm": INC + "$[ t.mm $]\n$[ inc.mm $]\n"})
    assert_ok(report)


def test_a10_same_file_by_another_name_is_ignored(tmp_path, engine):
    """Rule 10 / I: names are compared after resolving the path, so
    `./inc.mm` and `sub/../inc.mm` are the same file as `inc.mm`."""
    text = mm("$[ inc.mm $]", "$[ ./inc.mm $]", "$[ sub/../inc.mm $]")
    (tmp_path / "sub").mkdir()
    assert_ok(check(tmp_path, text, engine, **{"inc.mm": INC}))


def test_r10_two_different_files_are_both_read(tmp_path, engine):
    """Rule 10 (rejecting side): two *different* files are both read, so a
    label defined in both is a duplicate."""
    text = mm("$[ inc.mm $]", "$[ inc2.mm $]")
    report = check(tmp_path, text, engine,
                   **{"inc.mm": INC, "inc2.mm": "t-ax $a |- ( ps -> ps ) $.\n"})
    assert_rejected(report, "E0305")
    assert diag(report, "E0305").file.endswith("inc2.mm")


def test_a11_path_relative_to_including_file(tmp_path, engine, monkeypatch):
    """Rule 11 (I): a name is resolved relative to the folder of the file
    that includes it, not the working directory or the top file."""
    monkeypatch.chdir(tmp_path / "..")
    text = mm("$[ sub/a.mm $]", "t-use $p |- ( ps -> ps ) $= wps b-ax $.")
    files = {"sub__a.mm": "$c T $.\n$[ b.mm $]\n$[ deeper/c.mm $]\n",
             "sub__b.mm": "b-ax $a |- ( ph -> ph ) $.\n",
             "sub__deeper__c.mm": "$[ ../../top.mm $]\n",
             "top.mm": "c-ax $a |- ph $.\n"}
    report = check(tmp_path, text, engine, **files)
    assert_ok(report)


def test_r11_path_not_relative_to_top_file(tmp_path, engine):
    """Rule 11 (rejecting side): from sub/a.mm, `b.mm` means sub/b.mm even
    if a b.mm sits next to the top file."""
    text = mm("$[ sub/a.mm $]")
    report = check(tmp_path, text, engine,
                   **{"sub__a.mm": "$[ b.mm $]\n", "b.mm": "$c T $.\n"})
    assert_rejected(report, "E0203")
    assert diag(report, "E0203").file.endswith("a.mm")


@pytest.mark.parametrize("how", ["dotdot", "deep-dotdot", "absolute", "symlink"])
def test_r11_include_outside_database_folder_rejected(tmp_path, engine, how):
    """Rule 11 (I, security): by default a database may not include files
    outside the top file's folder -- by `..`, an absolute path or a symlink."""
    outside = tmp_path / "out.mm"
    outside.write_text(INC)
    if how == "dotdot":
        name = "../out.mm"
    elif how == "deep-dotdot":
        name = "sub/../../out.mm"
        (tmp_path / "db" / "sub").mkdir(parents=True)
    elif how == "absolute":
        name = str(outside)
    else:
        (tmp_path / "db").mkdir(exist_ok=True)
        os.symlink(outside, tmp_path / "db" / "link.mm")
        name = "link.mm"
    text = mm(f"$[ {name} $]")
    report = check(tmp_path, text, engine, name="db/t.mm")
    assert_rejected(report, "E0204")
    d = diag(report, "E0204")
    assert (d.line, d.column) == pos(text, name)
    assert report.statements == 9  # BASE only: out.mm was not read


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a11_include_outside_folder_allowed_by_option(tmp_path, engine, how):
    """Rule 11 (I): Limits(allow_outside_includes=True) lifts the restriction."""
    outside = tmp_path / "out.mm"
    outside.write_text(INC)
    (tmp_path / "db").mkdir()
    name = {"dotdot": "../out.mm", "absolute": str(outside), "symlink": "link.mm"}[how]
    if how == "symlink":
        os.symlink(outside, tmp_path / "db" / "link.mm")
    text = mm(f"$[ {name} $]", "t-use $p |- ( ps -> ps ) $= wps t-ax $.")
    report = verify(tmp_path, engine, text, Limits(allow_outside_includes=True), name="db/t.mm")
    assert_ok(report)


def test_a11_dotdot_staying_inside_folder_accepted(tmp_path, engine):
    """Rule 11: `..` is fine while the path stays inside the database folder."""
    text = mm("$[ sub/a.mm $]", "t-use $p |- ( ps -> ps ) $= wps t-ax $.")
    report = check(tmp_path, text, engine, **{"sub__a.mm": "$[ ../inc.mm $]\n", "inc.mm": INC})
    assert_ok(report)


def test_a11_symlinked_top_file_can_include_its_neighbours(tmp_path, engine):
    """Rule 11 (I): verifying a database through a symlink to it works --
    whichever folder is chosen as the base, the same one must bound includes.
    (inc.mm sits next to both the link and its target, so either consistent
    choice accepts.)"""
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "real.mm").write_text(mm("$[ inc.mm $]",
                                                "t-use $p |- ( ps -> ps ) $= wps t-ax $."))
    (tmp_path / "db" / "inc.mm").write_text(INC)
    (tmp_path / "inc.mm").write_text(INC)
    os.symlink(tmp_path / "db" / "real.mm", tmp_path / "link.mm")
    assert_ok(load(tmp_path / "link.mm", engine=engine).verify())


# ===========================================================================
# Declarations and scope

@pytest.mark.parametrize("text,code", [
    ("$}", "E0301"),
    ("${ $} $}", "E0301"),
    ("${", "E0302"),
    ("${ ${ $}", "E0302"),
    ("lbl ${ $}", "E0303"),
    ("${ lbl $}", "E0303"),
    ("lbl $c T $.", "E0303"),
    ("lbl $v x $.", "E0303"),
    ("lbl $d ph ps $.", "E0303"),
])
def test_r12_block_structure_rejected(tmp_path, engine, text, code):
    """Rule 12: unmatched `$}`, `${` open at EOF, a label in front of
    `${ $} $c $v $d`."""
    full = mm(a1i(), text)
    report = check(tmp_path, full, engine)
    assert_rejected(report, code)
    d = diag(report, code)
    if code == "E0302":
        assert d.line == full.count("\n") + 1  # reported at end of file
    else:
        assert d.line == full.count("\n")  # the last line
    if code == "E0303":
        assert d.label == "lbl"


def test_a12_nested_and_empty_blocks_accepted(tmp_path, engine):
    """Rule 12 (accepting side): balanced, nested and empty blocks."""
    text = mm("${ $}", "${ ${ ${ $} $} ${ $} $}", "${", a1i(), "$}", thm_id())
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("text,code", [
    ("$c $.", "E0401"),
    ("$v $.", "E0401"),
    ("$c T T $.", "E0402"),
    ("$v x x $.", "E0402"),
    ("${ $c T $. $}", "E0403"),
    ("${ ${ $c T $. $} $}", "E0403"),
])
def test_r13_bad_c_v_statements_rejected(tmp_path, engine, text, code):
    """Rule 13: `$c`/`$v` with no symbols or repeating a symbol; `$c` in a block."""
    assert_rejected(check(tmp_path, mm(text), engine), code)


def test_a13_c_v_statements_accepted(tmp_path, engine):
    """Rule 13 (accepting side): several symbols at once; `$v` in a block."""
    text = mm("$c T U V $.", "${ $v x y z $. wx $f wff x $. tx $a |- ( x -> ph ) $. $}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("text,code", [
    ("$c wff $.", "E0402"),                          # constant again
    ("$c T $. $c T $.", "E0402"),
    ("$v ph $.", "E0402"),                           # active variable again
    ("${ $v ph $. $}", "E0402"),                     # ... in an inner block
    ("${ $v x $. ${ $v x $. $} $}", "E0402"),
    ("${ $v x $. $} $c x $.", "E0404"),              # constant that was a variable
    ("$c ph $.", "E0404"),
    ("$v wff $.", "E0404"),                          # variable that is a constant
    ("${ $v |- $. $}", "E0404"),
])
def test_r14_redeclaration_rejected(tmp_path, engine, text, code):
    """Rule 14: redeclaring a constant or an active variable; declaring as a
    constant a symbol that was ever a variable (and vice versa)."""
    assert_rejected(check(tmp_path, mm(text), engine), code)


def test_a14_variable_redeclared_after_block_closed(tmp_path, engine):
    """Rule 14: a variable may be declared again once its block has closed
    (and given a `$f` again, of the same type)."""
    text = mm("${ $v x $. wx $f wff x $. ax-x $a |- x $. $}",
              "${ $v x $. wx2 $f wff x $. ax-x2 $a |- ( x -> x ) $.",
              "  tx $p |- ( x -> x ) $= wx2 ax-x2 $. $}",
              "${ $v x $. $}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("text,code", [
    ("ax-1 $a |- ph $.", "E0305"),                               # assertion label again
    ("wph $f wff ch $.", "E0305"),
    ("min $e |- ph $.", "E0305"),                                # hypothesis of a closed block
    ("${ min $e |- ph $. $}", "E0305"),
    ("${ x.1 $e |- ph $. $} ${ x.1 $e |- ps $. $}", "E0305"),
    ("ph $a |- ph $.", "E0306"),                                 # label = variable
    ("wff $a |- ph $.", "E0306"),                                # label = constant
    ("$c wi $.", "E0306"),                                       # symbol = earlier label
    ("$v ax-1 $.", "E0306"),
    ("${ $v x $. $} x $a |- ph $.", "E0306"),                   # label = a former variable
    ("$c min $.", "E0306"),                                      # symbol = closed block's label
    ("${ $v min $. $}", "E0306"),
])
def test_r15_label_clashes_rejected(tmp_path, engine, text, code):
    """Rule 15: labels are global and unique (even for hypotheses of closed
    blocks), and no label may equal a math symbol."""
    report = check(tmp_path, mm(text), engine)
    assert_rejected(report, code)


def test_a15_distinct_labels_accepted(tmp_path, engine):
    """Rule 15 (accepting side): labels that differ only in case, or that
    share text with a symbol only as a substring, are distinct."""
    text = mm("${ Min $e |- ph $. MIN $a |- ph $. $}", "ph1 $a |- ( ph -> ph ) $.",
              "wffx $a |- ps $.")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("text,code", [
    ("$v x $. wx $f $.", "E0501"),              # empty
    ("$v x $. wx $f wff $.", "E0501"),          # too short
    ("$v x y $. wx $f wff x y $.", "E0501"),    # too long
    ("$v x $. wx $f ph x $.", "E0501"),         # variable as typecode
    ("wx $f wff wff $.", "E0501"),              # constant as variable
    ("$v x $. wx $f foo x $.", "E0501"),        # undeclared typecode
    ("wx $f wff y $.", "E0501"),                # undeclared variable
    ("${ $v x $. $} wx $f wff x $.", "E0501"),  # inactive variable
    ("wph2 $f wff ph $.", "E0502"),             # second active $f
    ("${ wph2 $f wff ph $. $}", "E0502"),       # ... in an inner block
    ("$v x $. ${ wx $f wff x $. wx2 $f wff x $. $}", "E0502"),
    ("$c class $. $v x $. ${ wx $f wff x $. $} ${ cx $f class x $. $}", "E0503"),
    ("$c class $. ${ $v x $. wx $f wff x $. $} ${ $v x $. cx $f class x $. $}", "E0503"),
])
def test_r16_bad_floating_hypothesis_rejected(tmp_path, engine, text, code):
    """Rule 16: `$f` is exactly `label $f constant active-variable $.`; one
    active `$f` per variable; a variable's type is global (strict reading,
    E0503)."""
    report = check(tmp_path, mm(text), engine)
    assert_rejected(report, code)


def test_a16_floating_hypotheses_accepted(tmp_path, engine):
    """Rule 16 (accepting side): `$f` in a block for a block variable; the
    same variable re-typed identically in a later block."""
    text = mm("$c class $. $v x $.",
              "${ cx $f class x $. cax $a |- x $. $}",
              "${ cx2 $f class x $. cax2 $a |- ( x -> ph ) $. $}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("kind", ["e", "a", "p"])
@pytest.mark.parametrize("body,code", [
    ("", "E0601"),                 # empty
    ("ph", "E0602"),               # first symbol a variable
    ("ph -> ph", "E0602"),
    ("|- foo", "E0603"),           # undeclared symbol
    ("|- x", "E0603"),             # inactive variable (declared in a closed block)
    ("|- y", "E0604"),             # variable without an active $f
    ("|- z", "E0604"),             # ... its $f was in a closed block
])
def test_r17_bad_math_string_rejected(tmp_path, engine, kind, body, code):
    """Rule 17: `$e $a $p` need a non-empty body that starts with a constant
    and uses only active symbols, every variable with an active `$f`."""
    proof = " $= ?" if kind == "p" else ""
    text = mm("${ $v x $. $}", "$v y z $.", "${ wz $f wff z $. $}",
              "${", "  stmt $" + kind + f" {body}{proof} $.", "$}")
    report = check(tmp_path, text, engine)
    assert_rejected(report, code)
    d = diag(report, code)
    assert d.label == "stmt"


def test_a17_math_strings_accepted(tmp_path, engine):
    """Rule 17 (accepting side): constant-only bodies, variables with `$f`."""
    text = mm("${ e.1 $e |- ( ) $. e.2 $e wff ph $. e $a |- ( ph -> ) $. $}",
              "k $a |- ( ) ( $.", "kp $p |- ( ) ( $= k $.")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("text", [
    "$d $.",
    "$d ph $.",              # fewer than two
    "$d ph ph $.",           # repeated
    "$d ph ps ph $.",
    "$d ph wff $.",          # a constant
    "$d ( ph $.",
    "$d ph nosuch $.",       # undeclared
    "${ $v x $. $} $d ph x $.",  # inactive
])
def test_r18_bad_disjoint_rejected(tmp_path, engine, text):
    """Rule 18: `$d` needs two or more distinct active variables."""
    report = check(tmp_path, mm(text), engine)
    assert_rejected(report, "E0701")


DV_BASE = """\
${
  $d ph ps $.
  ax-d $a |- ( ps -> ph ) $.
$}
${
  ax-e.1 $e |- ( ps -> ph ) $.
  ax-e $a |- ph $.
$}
"""


def test_a18_disjoint_needs_no_floating_hypothesis(tmp_path, engine):
    """Rule 18: `$d` wants active variables; a `$f` is not required."""
    text = mm("${ $v x y $. $d x y $. $d x ph ps $. $}", a1i())
    assert_ok(check(tmp_path, text, engine))


def test_a18_compound_disjoint_means_every_pair(tmp_path, engine):
    """Rule 18: `$d ph ps ch $.` stands for all three pairs."""
    text = mm(DV_BASE, "${ $d ph ps ch $.",
              "  td $p |- ( ( ch -> ps ) -> ph ) $= wph wch wps wi ax-d $.", "$}")
    report = check(tmp_path, text, engine)
    assert_ok(report)
    st = {s.label: s for s in load(tmp_path / "t.mm", engine=engine).statements()}
    assert st["td"].frame.disjoint == {("ch", "ph"), ("ph", "ps"), ("ch", "ps")}


def test_r18_partial_disjoint_pairs_rejected(tmp_path, engine):
    """Rule 18 (rejecting side): `$d ph ch $.` does not cover (ph, ps)."""
    text = mm(DV_BASE, "${ $d ph ch $.",
              "  td $p |- ( ( ch -> ps ) -> ph ) $= wph wch wps wi ax-d $.", "$}")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0809")
    assert diag(report, "E0809").label == "td"


def test_a19_essential_hypothesis_in_outermost_block(tmp_path, engine):
    """Rule 19: a `$e` in the outermost block is legal; it is mandatory for
    every later assertion."""
    text = mm(a1i(), "top.1 $e |- ph $.", "top $p |- ph $= top.1 $.",
              "top2 $p |- ( ps -> ph ) $= wph wps top.1 a1i $.")
    report = check(tmp_path, text, engine)
    assert_ok(report)
    st = {s.label: s for s in load(tmp_path / "t.mm", engine=engine).statements()}
    assert st["top"].frame.hypotheses == ("wph", "top.1")
    assert st["top2"].frame.hypotheses == ("wph", "wps", "top.1")


def test_r19_outermost_essential_hypothesis_is_mandatory(tmp_path, engine):
    """Rule 19 (rejecting side): the outermost `$e` must be supplied when
    the later assertion is used."""
    text = mm("top.1 $e |- ph $.", "top $a |- ( ph -> ph ) $.",
              "use $p |- ( ps -> ps ) $= wps top $.")
    report = check(tmp_path, text, engine)
    # citing `top` needs wph and top.1; the proof supplies only one entry
    assert_rejected(report, "E0803")


# ===========================================================================
# Frames

FRAME_DB = """\
${
  $v th $.
  mx.1 $e |- ph $.
  wth $f wff th $.
  mx $a |- ( ph -> th ) $.
$}
"""


def test_a20_floating_after_essential_in_frame_order(tmp_path, engine):
    """Rule 20: mandatory hypotheses are in order of appearance, `$f` and
    `$e` interleaved -- here (wph, mx.1, wth) because wth is declared after
    mx.1.  Normal and compressed proofs must push them in that order."""
    text = mm(FRAME_DB,
              "${ t.1 $e |- ps $. t $p |- ( ps -> ph ) $= wps t.1 wph mx $. $}",
              "${ u.1 $e |- ps $. u $p |- ( ps -> ph ) $= ( mx ) BCAD $. $}")
    report = check(tmp_path, text, engine)
    assert_ok(report)
    st = {s.label: s for s in load(tmp_path / "t.mm", engine=engine).statements()}
    assert st["mx"].frame.hypotheses == ("wph", "mx.1", "wth")
    assert st["u"].frame.hypotheses == ("wph", "wps", "u.1")


def test_r20_floating_first_order_rejected(tmp_path, engine):
    """Rule 20 (rejecting side): pushing all `$f` first (wph, wth, mx.1), as
    a verifier that sorts `$f` before `$e` would, is wrong."""
    text = mm(FRAME_DB, "${ t.1 $e |- ps $. t $p |- ( ps -> ph ) $= wps wph t.1 mx $. $}")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0807")


def test_a20_only_mandatory_floating_in_frame(tmp_path, engine):
    """Rule 20: `$f` of variables in neither the assertion nor an `$e` is not
    part of the frame (ax-1 has no wch)."""
    assert_ok(check(tmp_path, mm(a1i()), engine))
    st = {s.label: s for s in load(tmp_path / "t.mm", engine=engine).statements()}
    assert st["ax-1"].frame.hypotheses == ("wph", "wps")
    assert st["ax-mp"].frame.hypotheses == ("wph", "wps", "min", "maj")
    assert st["ax-2"].frame.hypotheses == ("wph", "wps", "wch")
    assert st["a1i"].frame.hypotheses == ("wph", "wps", "a1i.1")


def test_r20_extra_hypothesis_pushed_rejected(tmp_path, engine):
    """Rule 20 (rejecting side): treating a non-mandatory `$f` as part of the
    frame (pushing wch for ax-1) leaves an extra entry."""
    report = check(tmp_path, mm("t $p |- ( ph -> ( ps -> ph ) ) $= wph wps wch ax-1 $."), engine)
    assert_rejected(report, "E0804")


THD = "thd $p |- ph $= wph wch wph wch ax-d ax-e $."
THD_C = "thd $p |- ph $= ( wch ax-d ax-e ) ABABCD $."


@pytest.mark.parametrize("proof", [THD, THD_C], ids=["normal", "compressed"])
def test_a21_dummy_variable_disjoint_applies_in_proof(tmp_path, engine, proof):
    """Rule 21: `$d ph ch` on the dummy ch is not mandatory for thd (ch is
    not in its statement), but it is active and satisfies ax-d in the proof.
    The compressed form lists the non-mandatory wch (rule 29)."""
    text = mm(DV_BASE, "${ $d ph ch $.", "  " + proof, "$}")
    report = check(tmp_path, text, engine)
    assert_ok(report)
    st = {s.label: s for s in load(tmp_path / "t.mm", engine=engine).statements()}
    assert st["thd"].frame.disjoint == frozenset()
    assert st["thd"].frame.hypotheses == ("wph",)
    assert st["ax-d"].frame.disjoint == {("ph", "ps")}


@pytest.mark.parametrize("where", ["absent", "closed-block", "other-pair"])
@pytest.mark.parametrize("proof", [THD, THD_C], ids=["normal", "compressed"])
def test_r21_dummy_disjoint_missing_rejected(tmp_path, engine, proof, where):
    """Rule 21 (rejecting side): without an active `$d ph ch` the same proof
    violates ax-d's restriction."""
    pre = {"absent": "${", "closed-block": "${ $d ph ch $. $} ${", "other-pair": "${ $d ps ch $."}
    text = mm(DV_BASE, pre[where], "  " + proof, "$}")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0809")
    d = diag(report, "E0809")
    assert d.label == "thd"
    if proof == THD:
        assert (d.line, d.column) == pos(text, "ax-d", 2)
    else:
        line, col = pos(text, "ABABCD")
        assert (d.line, d.column) == (line, col + 4)  # the letter C = ax-d


# ===========================================================================
# Proofs (normal)

def test_a22_usable_steps_accepted(tmp_path, engine):
    """Rule 22: steps may be active hypotheses (mandatory or not) and earlier
    `$a`/`$p` statements."""
    text = mm(a1i(), thm_id(),
              "th2 $p |- ( ps -> ( ph -> ph ) ) $= wph wph wi wps wph id a1i $.",
              "${ th3.1 $e |- ch $. th3 $p wff ph $= wph $. $}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("extra,proof,code,bad", [
    ("", "wph th", "E0802", "th"),                           # itself
    ("later $a |- ( ph -> ph ) $.", "wph later", "E0802", "later"),
    ("", "wph nosuch", "E0801", "nosuch"),
    ("", "wph a1i.1", "E0802", "a1i.1"),                     # hypothesis of a closed block
    ("", "wph min", "E0802", "min"),
    ("", "wph ?x", "E0801", "?x"),
])
def test_r22_unusable_steps_rejected(tmp_path, engine, extra, proof, code, bad):
    """Rule 22: the theorem itself, a later statement, an unknown label or a
    hypothesis whose block has closed may not be a step."""
    text = mm(a1i(), f"th $p |- ( ph -> ph ) $= {proof} $.", extra)
    report = check(tmp_path, text, engine)
    assert_rejected(report, code)
    d = diag(report, code)
    assert d.label == "th"
    line, col = pos(text, f" {bad} $.")
    assert (d.line, d.column) == (line, col + 1)


@pytest.mark.parametrize("proof,code", [
    ("wph wps ax-mp", "E0803"),                                # underflow
    ("ax-1", "E0803"),
    (A1I_NORMAL + " wph", "E0804"),                            # two entries left
    ("wph " + A1I_NORMAL, "E0804"),
    ("", "E0805"),                                             # empty proof
    ("wph wps wps wi a1i.1 wph wps ax-1 ax-mp", "E0808"),
    ("wph wps ax-1", "E0806"),                                 # proves something else
    ("a1i.1", "E0806"),
    ("( wi ax-1 ax-mp ) F", "E0803"),                        # compressed variants
    ("( wi ax-1 ax-mp ) ABADCABEFA", "E0804"),
    ("( wi ax-1 ax-mp ) ABADCABE", "E0804"),
    ("( wi ax-1 ax-mp ) ABE", "E0806"),
])
def test_r23_stack_discipline_rejected(tmp_path, engine, proof, code):
    """Rule 23: stack underflow, more than one entry at the end, an empty
    proof, a final entry different from the statement -- all errors (exit 1,
    unlike one verifier that only prints a message)."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert_rejected(report, code)
    assert report.exit_status() == 1


def test_r23_equals_outside_p_statement_rejected(tmp_path, engine):
    """Rule 23 (nearest ill-formed counterpart): only `$p` has a proof."""
    report = check(tmp_path, mm("t $a |- ( ph -> ph ) $= wph $."), engine)
    assert_rejected(report, "E0307")


def test_r23_missing_proof_rejected(tmp_path, engine):
    """Rule 23: a `$p` without `$=` has no proof at all."""
    assert_rejected(check(tmp_path, mm("t $p |- ( ph -> ph ) $."), engine), "E0814")


def test_a23_single_final_entry_accepted(tmp_path, engine):
    """Rule 23 (accepting side): exactly one entry, equal to the statement."""
    assert_ok(check(tmp_path, mm(a1i(), thm_id()), engine))


EMPTY_SUBST = "we $a wff $.\nax-x $a |- ( ph ) $.\n"


def test_a24_empty_substitution_accepted(tmp_path, engine):
    """Rule 24: a `$f` entry of just the typecode substitutes the empty
    sequence (as in miu.mm); a substitution with no variables needs no `$d`."""
    text = mm(EMPTY_SUBST, DV_BASE, "te $p |- ( ) $= we ax-x $.",
              "te2 $p |- ( -> ph ) $= wph we ax-d $.",
              "te3 $p |- ( ( -> ) ) $= we we wi ax-x $.")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("proof", [
    "wph wps a1i.1 wi ax-1",                  # |- ph where wff is wanted
    "wph wps wph wi a1i.1 a1i.1 wps ax-1 ax-mp",
])
def test_r24_floating_typecode_mismatch_rejected(tmp_path, engine, proof):
    """Rule 24: the entry for a `$f` must have the `$f`'s typecode."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert_rejected(report, "E0807")
    assert diag(report, "E0807").label == "a1i"


@pytest.mark.parametrize("proof", [
    "wph wps wph wi wph wph wps ax-1 ax-mp",          # `wff ph` for `|- ph`
    "wph wps wph wi a1i.1 wps wph ax-1 ax-mp",        # wrong major premise
    "wps wph wps wi a1i.1 wps wph ax-1 ax-mp",        # wrong minor premise
])
def test_r25_essential_hypothesis_mismatch_rejected(tmp_path, engine, proof):
    """Rule 25: the entry for a `$e` must equal the substituted hypothesis,
    typecode included."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert_rejected(report, "E0808")
    d = diag(report, "E0808")
    text = mm(a1i(proof))
    assert (d.line, d.column) == pos(text, "ax-mp $.")


def test_a25_essential_hypothesis_match_accepted(tmp_path, engine):
    """Rule 25 (accepting side): a matching `$e` entry with a compound
    substitution."""
    text = mm(a1i(), "${ t.1 $e |- ( ph -> ps ) $.",
              "  t $p |- ( ch -> ( ph -> ps ) ) $= wph wps wi wch t.1 a1i $.", "$}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("proof,why", [
    ("wph wph ax-d", "shares"),                 # both become `ph`
    ("wph wph wps wi ax-d", "shares"),          # ph in ( ph -> ps )
    ("wph wch ax-d", "missing"),                # no $d ph ch here
])
def test_r26_disjoint_violation_rejected(tmp_path, engine, proof, why):
    """Rule 26: substitutions of a mandatory `$d` pair may not share a
    variable, and each cross pair needs an active `$d` in this theorem."""
    stmt = {"wph wph ax-d": "|- ( ph -> ph )",
            "wph wph wps wi ax-d": "|- ( ( ph -> ps ) -> ph )",
            "wph wch ax-d": "|- ( ch -> ph )"}[proof]
    text = mm(DV_BASE, "${ $d ph ps $.", f"  t $p {stmt} $= {proof} $.", "$}")
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0809")
    d = diag(report, "E0809")
    assert d.label == "t"
    assert (d.line, d.column) == pos(text, "ax-d $.")


def test_a26_disjoint_satisfied_accepted(tmp_path, engine):
    """Rule 26 (accepting side): every cross pair covered, in any order and
    split over several `$d` statements."""
    text = mm(DV_BASE, "${ $d ch ph $. $d ps ph $.",
              "  t $p |- ( ( ch -> ps ) -> ph ) $= wph wch wps wi ax-d $.", "$}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("proof", [
    "?",
    "wph wps wph wi ? wph wps ax-1 ax-mp",
    "wph ? a1i.1 ? ax-mp",
    "? ? ? ? ax-mp",
    "( wi ax-1 ax-mp ) ABAD?ABEF",
    "( wi ax-1 ax-mp ) ?",
])
def test_a27_unknown_step_is_incomplete(tmp_path, engine, proof):
    """Rule 27: `?` steps make the proof incomplete: a W0815 of severity
    "incomplete", exit status 2 (0 when incomplete proofs are allowed)."""
    text = mm(a1i(proof))
    report = check(tmp_path, text, engine)
    assert codes(report) == ["W0815"], show(report)
    assert report.errors == []
    assert [d.severity for d in report.incomplete] == ["incomplete"]
    assert report.incomplete[0].label == "a1i"
    assert report.exit_status() == 2
    assert report.exit_status(allow_incomplete=True) == 0
    d = report.incomplete[0]
    assert (d.line, d.column) == pos(text, "$= " + proof)  # at the proof's `$=`
    assert not report.ok


@pytest.mark.parametrize("proof,code", [
    ("wph wps ax-1 ?", "E0804"),
    ("wph wph wph wi ? ? ax-mp", "E0806"),               # proves ( ph -> ph )
    ("wph wps wph wi ? wps wph ax-1 ax-mp", "E0808"),
    ("( wi ax-1 ax-mp ) ABAD?ABEFA", "E0804"),
])
def test_r27_unknown_step_does_not_hide_errors(tmp_path, engine, proof, code):
    """Rule 27 (rejecting side): a `?` does not excuse the rest of the proof."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert_rejected(report, code)
    assert report.exit_status(allow_incomplete=True) == 1


# ===========================================================================
# Compressed proofs

@pytest.mark.parametrize("proof", [
    "( wi ax-1 ax-mp ) ABADCABEF",
    "( wi ax-1 ax-mp ) AB AD C A B E F",
    "( wi ax-1 ax-mp )\n  ABA\n  DCA\n  BEF",
    "( wi ax-1 ax-mp ) ABAD $( comment $) CABEF",
    "( wi $( c $) ax-1 ax-mp ) A $( c $) BADCABEF",
    "(\twi\tax-1\tax-mp\t)\tABADCABEF",
])
def test_a28_compressed_syntax_accepted(tmp_path, engine, proof):
    """Rule 28: `( label* ) letters`, letters split across tokens and comments."""
    assert_ok(check(tmp_path, mm(a1i(proof)), engine))


@pytest.mark.parametrize("proof,code", [
    ("( wi ax-1 ax-mp", "E0810"),           # no `)` and no letters
    ("( wi ax-1 ax-mp ) ", "E0810"),        # empty letter block
    ("( ) ", "E0810"),
    ("( wi ax-1 ax-mp ) $( ABADCABEF $)", "E0810"),
    ("( wi ax-1 ax-mp ) ABADCABEF )", "E0812"),   # stray `)` among letters
    ("( wi ax-1 ax-mp ) ABAD ( CABEF", "E0812"),
])
def test_r28_compressed_syntax_rejected(tmp_path, engine, proof, code):
    """Rule 28: a missing `)` or an empty letter block."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert_rejected(report, code)
    assert diag(report, code).label == "a1i"


def test_r28_missing_close_paren_before_letters(tmp_path, engine):
    """Rule 28: `( wi ax-1 ax-mp ABADCABEF` -- the `)` is missing; the
    letters are not a bad label."""
    report = check(tmp_path, mm(a1i("( wi ax-1 ax-mp ABADCABEF")), engine)
    assert_rejected(report, "E0810")


@pytest.mark.parametrize("labels", [
    "wi wi ax-1 ax-mp",                    # repeated
    "wi ax-1 ax-mp wi ax-1 ax-mp",
    "ax-2 wi ax-2 ax-1 ax-2 ax-mp ax-2",   # unused
    "wi ax-1 ax-mp a1i.1x",                # unused, earlier $p
    "ax-mp ax-1 wi",                       # any order
])
def test_a29_repeated_and_unused_labels_accepted(tmp_path, engine, labels):
    """Rule 29: the label list may repeat labels and list unused ones."""
    letters = compress(A1I_NORMAL, ["wph", "wps", "a1i.1"], labels.split())
    pre = "${ a1i.1x.1 $e |- ph $. a1i.1x $p |- ( ps -> ph ) $= " + A1I_NORMAL.replace(
        "a1i.1", "a1i.1x.1") + " $. $}"
    text = mm(pre, a1i_c(letters, labels))
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("extra,labels,bad", [
    ("", "wph wi ax-1 ax-mp", "wph"),                 # mandatory $f
    ("", "wi ax-1 ax-mp wps", "wps"),
    ("", "wi a1i.1 ax-1 ax-mp", "a1i.1"),             # mandatory $e
    ("", "wi ax-1 ax-mp min", "min"),                 # inactive (closed block)
    ("", "wi ax-1 ax-mp a1i", "a1i"),                 # itself
    ("later", "wi ax-1 ax-mp later", "later"),        # later statement
    ("", "wi ax-1 ax-mp nosuch", "nosuch"),           # unknown
    ("", "wi ax-1 ax-mp ?", "?"),
    ("", "wi ax-1 ax-mp (", "("),
])
def test_r29_bad_label_list_rejected(tmp_path, engine, extra, labels, bad):
    """Rule 29: the list may hold only earlier `$a`/`$p` and active
    non-mandatory hypotheses; not a mandatory or inactive hypothesis, the
    theorem itself, a later statement or an unknown label."""
    after = "later $a |- ( ph -> ph ) $." if extra else ""
    text = mm(a1i_c(A1I_LETTERS, labels), after)
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0811")
    d = diag(report, "E0811")
    assert d.label == "a1i"
    line, col = pos(text, f"( {labels} )")
    assert (d.line, d.column) == (line, col + 2 + f" {labels} ".index(f" {bad} "))


@pytest.mark.parametrize("proof,code", [
    ("( ex.1 ) B", "E0811"),   # the known exploit: cite a closed block's $e
    ("ex.1", "E0802"),
])
def test_r29_inactive_hypothesis_exploit_rejected(tmp_path, engine, proof, code):
    """Rule 29: listing a hypothesis of a closed block would prove `|- ph`
    from nothing."""
    text = mm("${ ex.1 $e |- ph $. $}", f"exploit $p |- ph $= {proof} $.")
    assert_rejected(check(tmp_path, text, engine), code)


def test_a29_active_nonmandatory_hypothesis_in_list(tmp_path, engine):
    """Rule 29 (accepting side): an active `$f` that is not mandatory (a
    dummy) may be listed; here wch and wth both, only wch used."""
    text = mm("$v th $. wth $f wff th $.", DV_BASE,
              "${ $d ph ch $. thd $p |- ph $= ( wth wch ax-d ax-e ) ACACDE $. $}")
    assert_ok(check(tmp_path, text, engine))


@pytest.mark.parametrize("fillers", [0, 16, 17, 100, 116, 117, 616, 3116, 12000])
def test_a30_step_number_decoding(tmp_path, engine, fillers):
    """Rule 30: A-T end a number, U-Y are leading base-5 digits.  Unused
    filler labels push wi/ax-1/ax-mp across the 20/120/620/3120 boundaries
    (encodings such as T/UA, YT/UUA, YYT/UUUA, YYYT/UUUUA)."""
    listed = ["ax-2"] * fillers + ["wi", "ax-1", "ax-mp"]
    letters = compress(A1I_NORMAL, ["wph", "wps", "a1i.1"], listed)
    text = mm(a1i_c(letters, " ".join(listed)))
    assert_ok(check(tmp_path, text, engine))


def test_a30_encode_matches_book_examples():
    """Rule 30: the test's own encoder agrees with the book's table."""
    assert [encode(n) for n in (1, 20, 21, 40, 41, 120, 121, 620, 621, 3120, 3121)] == \
        ["A", "T", "UA", "UT", "VA", "YT", "UUA", "YYT", "UUUA", "YYYT", "UUUUA"]


@pytest.mark.parametrize("wrong", ["zero-based", "little-endian", "dropped-digit"])
def test_r30_misdecoded_numbers_rejected(tmp_path, engine, wrong):
    """Rule 30 (rejecting side): letters produced by a wrong decoding rule
    (numbers off by one, U-Y digits after the final letter, numbers taken
    modulo 20) do not prove the theorem."""
    listed = ["ax-2"] * 17 + ["wi", "ax-1", "ax-mp"]
    numbers = {lab: i for i, lab in enumerate(["wph", "wps", "a1i.1"] + listed, 1)}
    steps = [numbers[s] for s in A1I_NORMAL.split()]
    if wrong == "zero-based":
        letters = "".join(encode(n + 1) for n in steps)
    elif wrong == "little-endian":
        letters = "".join(encode(n)[::-1] for n in steps)
    else:
        letters = "".join(encode(n)[-1] for n in steps)
    report = check(tmp_path, mm(a1i_c(letters, " ".join(listed))), engine)
    expected = {"zero-based": "E0807", "little-endian": "E0808", "dropped-digit": "E0804"}[wrong]
    assert_rejected(report, expected)


@pytest.mark.parametrize("letters,at", [
    ("ZABADCABEF", 0),          # Z first
    ("ABZZADCABEF", 3),         # ZZ
    ("ABADCAUZBEF", 7),         # Z after a U-Y digit
    ("ABADCABEFYZ", 10),
    ("ABADCABEF Z Z", 12),      # ZZ across tokens
])
def test_r31_misplaced_z_rejected(tmp_path, engine, letters, at):
    """Rule 31: `Z` saves the step just completed; `Z` first, `ZZ` and `Z`
    after a U-Y digit are errors, reported at the offending `Z`."""
    text = mm(a1i_c(letters))
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0813")
    d = diag(report, "E0813")
    assert d.label == "a1i"
    line, col = pos(text, letters)
    assert (d.line, d.column) == (line, col + at)


@pytest.mark.parametrize("proof", [
    "( wi ax-1 ax-mp ) AZBADCABEF",                            # after a hypothesis
    "( wi ax-1 ax-mp ) ABAZDCABEF",
    "( wi ax-1 ax-mp ) ABADZCABEF",                            # after a built step
    "( wi ax-1 ax-mp ) ABADCABEZFZ",
    "( wi ax-1 ax-mp ) ABAD?ZABEF",                           # after `?` (incomplete)
])
def test_a31_z_after_hypothesis_or_step_accepted(tmp_path, engine, proof):
    """Rule 31 (I): `Z` right after a hypothesis is accepted like after any
    completed step; unused saved steps are fine."""
    report = check(tmp_path, mm(a1i(proof)), engine)
    assert not report.errors, show(report)
    assert report.exit_status() == (2 if "?" in proof else 0)


@pytest.mark.parametrize("letters", [
    "AAABZBZFZAACAFABBGFBAFCAFADEE",      # Z right after the saved-step reference F
    "AAABZBZFAACAFABBGZFBAFCAFADEE",      # ... after G
    "AAABZBZFAACAFABBGFBAFCAFADEEZ",      # after the last step
])
def test_a31_z_after_saved_step_reference_accepted(tmp_path, engine, letters):
    """Rule 31 (I): `Z` right after a saved-step reference saves it again."""
    report = check(tmp_path, mm(thm_id(f"( wi ax-1 ax-2 ax-mp ) {letters}")), engine)
    assert_ok(report)


@pytest.mark.parametrize("letters,why", [
    ("ABADCABEG", "saved step 7 never saved"),
    ("AAABZGBZFAACAFABBGFBAFCAFADEE", "saved step used before it is saved"),
    ("ABADCABET", "20 > 3 + 3"),
    ("ABADCABEUA", "21 out of range"),
    ("ABADCABEYYYYYT", "large"),
])
def test_r32_undefined_or_out_of_range_step_rejected(tmp_path, engine, letters, why):
    """Rule 32: a saved-step number not yet defined, or any number above
    hypotheses + labels + saved steps."""
    theorem = thm_id(f"( wi ax-1 ax-2 ax-mp ) {letters}") if letters.startswith("AAAB") \
        else a1i_c(letters)
    text = mm(theorem)
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0812")


@pytest.mark.parametrize("number", [2**31 + 4, 2**32 + 1, 2**32 + 4, 2**62 + 1, 2**63 + 1,
                                    2**63 + 4, 2**64 + 1, 2**64 + 4, 2**64 * 7 + 4, 2**70 + 4])
def test_r32_overflowing_step_number_rejected(tmp_path, engine, number):
    """Rule 32: overflow is an error.  Each number is congruent to a valid
    step (1 = wph or 4 = wi) modulo 2**32 or 2**64, so a verifier whose
    accumulator wraps would accept a wrong proof."""
    small = 1 if number % 2**32 == 1 else 4
    big = encode(number)
    letters = A1I_LETTERS.replace("D" if small == 4 else "A", big, 1)
    text = mm(a1i_c(letters))
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0812")
    assert codes(report) == ["E0812"], show(report)


@pytest.mark.parametrize("letters", ["U" * 29 + "A", "Y" * 40 + "T", "U" * 27 + "A",
                                     "U" * 200 + "A"])
def test_r32_overflow_long_digit_run_rejected(tmp_path, engine, letters):
    """Rule 32: the checklist's overflow example and longer runs."""
    report = check(tmp_path, mm(a1i_c("AB" + letters + "ADCABEF")), engine)
    assert_rejected(report, "E0812")


@pytest.mark.parametrize("letters,why", [
    ("ABADCABEFU", "dangling U"),
    ("ABADCABEF Y", "dangling Y in its own token"),
    ("ABADCABEU", "dangling U before the end"),
    ("ABADCABEf", "lowercase"),
    ("abadcabef", "all lowercase"),
    ("ABADCABE6", "digit"),
    ("ABAD1CABEF", "digit"),
    ("ABADCAB.EF", "punctuation"),
    ("ABADCAB-EF", "punctuation"),
    ("ABADCABEU?", "`?` inside a number"),
])
def test_r32_bad_letters_rejected(tmp_path, engine, letters, why):
    """Rule 32: U-Y with no final A-T letter; any character outside A-Z
    and `?`."""
    text = mm(a1i_c(letters))
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0812")
    d = diag(report, "E0812")
    bad = next((i for i, ch in enumerate(letters) if not ("A" <= ch <= "Z" or ch in "? ")), None)
    if bad is not None:
        assert (d.line, d.column) == (pos(text, letters)[0], pos(text, letters)[1] + bad)


@pytest.mark.parametrize("theorem", [
    thm_id(ID_COMPRESSED),                       # G = 7 = the last saved step
    a1i_c("ABADCABEF", "wi ax-1 ax-mp"),         # F = 6 = the last label
    a1i_c(compress(A1I_NORMAL, ["wph", "wps", "a1i.1"], ["ax-2"] * 114 + ["wi", "ax-1", "ax-mp"]),
          " ".join(["ax-2"] * 114 + ["wi", "ax-1", "ax-mp"])),  # YT = 120 = the last label
], ids=["last-saved", "last-label", "last-label-YT"])
def test_a32_numbers_up_to_the_last_in_range_accepted(tmp_path, engine, theorem):
    """Rule 32 (accepting side): the largest valid number (last label, last
    saved step) is in range."""
    assert_ok(check(tmp_path, mm(theorem), engine))


def doubling_saved(levels: int) -> list[str]:
    """Letters of a proof of `|- ( )` by a tree of depth `levels` of `dup`
    (two `|- ( )` give `|- ( )`): its normal form has 2**levels leaves;
    compressed, each level pushes the previous saved step once more (the
    other copy is still on the stack), applies dup and saves the result."""
    # th frame: th.1 = A; list: dup = B; saved steps from C on
    letters = ["AABZ"]  # dup of two leaves, saved as C
    for i in range(levels - 1):
        prev = encode(3 + i)
        letters.append(prev + "BZ")
    return letters


DUP = "${ dup.1 $e |- ( ) $. dup.2 $e |- ( ) $. dup $a |- ( ) $. $}"


def dup_theorem(letters: list[str]) -> str:
    return f"${{ th.1 $e |- ( ) $. th $p |- ( ) $= ( dup ) {' '.join(letters)} $. $}}"


@pytest.mark.parametrize("levels", [64, 200])
def test_a33_saved_steps_pushed_by_reference(tmp_path, engine, levels):
    """Rule 33: a compressed proof standing for 2**64 (or 2**200) normal
    steps verifies quickly -- saved steps are never expanded."""
    text = mm(DUP, dup_theorem(doubling_saved(levels)))
    report = check(tmp_path, text, engine)
    assert_ok(report)


def test_r33_same_shape_with_bad_reference_rejected(tmp_path, engine):
    """Rule 33 (rejecting side): the same 64-level proof with one reference
    to a step not yet saved fails fast with E0812."""
    letters = doubling_saved(64)
    letters[40] = encode(3 + 40) + "BZ"   # one level ahead: not saved yet
    text = mm(DUP, dup_theorem(letters))
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0812")
    assert codes(report) == ["E0812"]


# ===========================================================================
# Beyond the spec: resources, grammar, reporting

def doubling_expression(levels: int) -> str:
    """Letters turning `wff X` into `wff ( X -> X )` `levels` times, by
    saved steps: the final expression has 2**levels copies of ph."""
    # frame: wph = A; list: wi = B; saved from C on
    letters = ["AABZ"]  # wff ( ph -> ph ), saved as C
    for i in range(levels - 1):
        prev = encode(3 + i)
        letters.append(prev + "BZ")
    return " ".join(letters)


def doubled(levels: int) -> str:
    expr = "ph"
    for _ in range(levels):
        expr = f"( {expr} -> {expr} )"
    return expr


@pytest.mark.parametrize("levels", [64, 200])
def test_r34_exponential_expression_hits_resource_limit(tmp_path, engine, levels):
    """Rule 34: each step doubling the formula must end in E0901, quickly,
    with default limits."""
    text = mm(f"th $p wff ph $= ( wi ) {doubling_expression(levels)} $.", thm_id())
    report = check(tmp_path, text, engine)
    assert_rejected(report, "E0901")
    d = diag(report, "E0901")
    assert d.label == "th"
    assert d.line == pos(text, "th $p")[0]
    assert codes(report) == ["E0901"], show(report)  # id still verified


@pytest.mark.parametrize("limits", [Limits(max_expression=50), Limits(max_proof_symbols=200)],
                         ids=["max_expression", "max_proof_symbols"])
def test_r34_small_limits_hit_early(tmp_path, engine, limits):
    """Rule 34: with small limits, 6 doublings (64 copies of ph, 254
    symbols) are too many."""
    text = mm(f"th $p wff {doubled(6)} $= ( wi ) {doubling_expression(6)} $.")
    report = verify(tmp_path, engine, text, limits)
    assert_rejected(report, "E0901")


def test_a34_growth_within_limits_accepted(tmp_path, engine):
    """Rule 34 (accepting side): the same shape within the limits verifies
    (the last saved step is the statement)."""
    levels = 6
    text = mm(f"th $p wff {doubled(levels)} $= ( wi ) {doubling_expression(levels)} $.")
    report = verify(tmp_path, engine, text, Limits(max_expression=1000))
    assert_ok(report)


def test_r34_other_limits(tmp_path, engine):
    """Rule 34: token, block depth and step-count limits end in E0901 too."""
    r = verify(tmp_path, engine, mm(a1i()), Limits(max_token_bytes=4))
    assert_rejected(r, "E0901")
    r = verify(tmp_path, engine, mm("${ " * 20 + "$} " * 20, a1i()), Limits(max_block_depth=10))
    assert_rejected(r, "E0901")
    r = verify(tmp_path, engine, mm(a1i(), thm_id()), Limits(max_proof_steps=20))
    assert_rejected(r, "E0901")
    assert diag(r, "E0901").label == "id"
    assert "a1i" not in [d.label for d in r.diagnostics]


# Rule 35 (a grammar from the syntax axioms, with an ambiguity check) belongs
# to the syntax stage, which has its own tests.


def test_r36_independent_errors_all_reported(tmp_path, engine):
    """Rule 36: every error is reported with file, line, column, label and
    code, and reading/checking goes on after an error."""
    text = mm(
        a1i(),
        "${ $c T $. $}",                                             # read error, no label
        "bad1 $p |- ( ph -> ps ) $= wph wps ax-1 $.",                # E0806
        "good1 $p |- ( ph -> ( ps -> ph ) ) $= wph wps ax-1 $.",
        "bad2 $p |- ( ph -> ph ) $= wph nosuch $.",                  # E0801
        "bad3 $a |- undeclared $.",                                  # E0603
        thm_id(),
    )
    report = check(tmp_path, text, engine)
    assert report.exit_status() == 1
    got = [(d.code, d.label, d.line, d.column) for d in report.diagnostics]
    assert got == [
        ("E0403", "", *pos(text, "$c T")),
        ("E0806", "bad1", *pos(text, "ax-1 $.\ngood1")),   # at the last step
        ("E0801", "bad2", *pos(text, "nosuch")),
        ("E0603", "bad3", *pos(text, "undeclared")),
    ], show(report)
    assert all(d.file == str(tmp_path / "t.mm") for d in report.diagnostics)
    assert report.proofs == 5
    formatted = report.diagnostics[2].format()
    assert formatted.startswith(f"{tmp_path / 't.mm'}:{pos(text, 'nosuch')[0]}:")
    assert "[E0801]" in formatted and "bad2" in formatted


def test_r36_errors_in_included_files_name_that_file(tmp_path, engine):
    """Rule 36: an error in an included file carries that file's name and
    its own line numbers; the includer's errors keep theirs."""
    inc = "$c T $.\n\nx1 $p |- ( ph -> ph ) $= wph nosuch $.\n"
    text = mm("$[ sub/inc.mm $]", "x2 $p |- ( ph -> ph ) $= wph alsonot $.")
    report = check(tmp_path, text, engine, **{"sub__inc.mm": inc})
    got = [(os.path.basename(d.file), d.code, d.label, d.line, d.column) for d in report.diagnostics]
    assert sorted(got) == sorted([("t.mm", "E0801", "x2", *pos(text, "alsonot")),
                                  ("inc.mm", "E0801", "x1", 3, pos(inc, "nosuch")[1])])


def test_a36_clean_file_reports_nothing(tmp_path, engine):
    """Rule 36 (accepting side): no diagnostics at all for a correct file."""
    report = check(tmp_path, mm(a1i(), thm_id()), engine)
    assert report.diagnostics == []
    assert report.ok and report.exit_status() == 0
