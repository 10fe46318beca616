"""Metamath Zero: the .mm0 reader, the .mmb checker and `proofgen verify`
on MM0 files (proofgen/mm0, docs/mm0.md).  Test data: tests/data/mm0 (CC0,
from the MM0 project; LICENSE.txt there)."""
import os
import struct
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from proofgen.cli import main
from proofgen.mm0 import verify
from proofgen.mm0.errors import CODES, Mm0Error
from proofgen.mm0.reader import read_mm0

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "mm0")


def path(rel):
    return os.path.join(DATA, rel)


def load(rel):
    with open(path(rel), "rb") as f:
        return f.read()


def cases():
    with open(path("expected.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            case, verdict, fmt = line.rstrip("\n").split("\t")
            yield case, verdict, fmt


def run_case(case, fmt):
    mm0 = load(case + ".mm0")
    if "proof: " in fmt:
        proof_rel = fmt.split("proof: ")[1].rstrip(")")
        return verify(mm0, load(proof_rel), "mmb")
    if "mmb" in fmt:
        return verify(mm0, load(case + ".mmb"), "mmb")
    if "mmu" in fmt and os.path.exists(path(case + ".mmu")):
        return verify(mm0, load(case + ".mmu"), "mmu")
    return verify(mm0)


@pytest.mark.parametrize("case,verdict,fmt", list(cases()), ids=lambda x: str(x))
def test_expected_verdicts(case, verdict, fmt):
    res = run_case(case, fmt)
    for d in res.diagnostics:                   # every diagnostic is located and coded
        assert d.code in CODES and d.file
    if verdict == "any":
        return                                  # ended cleanly: no exception, no hang
    assert res.ok == (verdict == "pass"), [d.format() for d in res.diagnostics]
    if verdict == "pass" and "mm0+" in fmt:
        assert res.proof_checked


def test_peano_mmb_verifies():
    res = verify(load("examples/peano.mm0"), load("examples/peano.mmb"), "mmb")
    assert res.ok, [d.format() for d in res.diagnostics]
    assert (res.sorts, res.terms, res.theorems) == (3, 116, 81)
    assert res.proof_statements > 2800 and res.proof_checked


def test_peano_2021_mmu_verifies():
    res = verify(load("examples/peano-2021.mm0"), load("examples/peano-2021.mmu"), "mmu")
    assert res.ok, [d.format() for d in res.diagnostics]
    assert res.proof_statements == 2844


MMU_SMALL = load("examples/hello.mmu")
MMU_THM = b"""(sort wff strict provable)
(term im ((p wff ()) (q wff ())) (wff ()))
(axiom ax_1 ((a wff ()) (b wff ())) () (im a (im b a)))
(axiom ax_mp ((a wff ()) (b wff ())) ((im a b) a) b)
(theorem a1i ((a wff ()) (b wff ())) ((h b)) (im a b) () (ax_mp (b (im a b)) (ax_1 (b a)) h))
"""
MM0_THM = b"""strict provable sort wff; term im: wff > wff > wff; infixr im: $->$ prec 25;
axiom ax_1 (a b: wff): $ a -> b -> a $; axiom ax_mp (a b: wff): $ a -> b $ > $ a $ > $ b $;
theorem a1i (a b: wff): $ b $ > $ a -> b $;
"""


def test_mmu_theorem_checks_and_a_wrong_proof_is_located():
    assert verify(MM0_THM, MMU_THM, "mmu").ok
    bad = MMU_THM.replace(b"(ax_1 (b a)) h))", b"(ax_1 (a b)) h))")
    res = verify(MM0_THM, bad, "mmu", proof_name="x.mmu")
    (d,) = res.diagnostics
    assert d.code == "M0406" and d.file == "x.mmu" and d.line == 5


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_token_mutations_of_mmu_never_crash(data):
    toks = MMU_THM.replace(b"(", b" ( ").replace(b")", b" ) ").split()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(toks) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "swap"]))
        if op == "drop":
            del toks[i]
        elif op == "dup":
            toks.insert(i, toks[i])
        else:
            j = data.draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
    res = verify(MM0_THM, b" ".join(toks), "mmu")
    assert res.ok or res.diagnostics


def test_tutorial_mmb_verifies():
    res = verify(load("examples/tutorial/02-mm0-intro.mm0"),
                 load("examples/tutorial/03-mm1-intro.mmb"), "mmb")
    assert res.ok and res.proof_statements == 20


def proof_start(mmb):
    return struct.unpack_from("<I", mmb, 24)[0]


def test_one_flipped_byte_in_the_peano_proof_stream_is_rejected_with_a_location():
    mmb = bytearray(load("examples/peano.mmb"))
    # the proof of the def `iff`: `Ref 0, Ref 1, Term imp, Ref 1, Ref 0, Term imp, Term an`;
    # the data byte of the first `Ref 1` becomes 0: the value no longer matches the def
    p = proof_start(mmb) + 4995
    assert mmb[p - 1:p + 1] == b"\x52\x01"
    mmb[p] ^= 0x01
    res = verify(load("examples/peano.mm0"), bytes(mmb), "mmb", proof_name="peano.mmb")
    assert not res.ok
    (d,) = res.diagnostics
    assert d.file == "peano.mmb" and d.column > 0 and d.code.startswith("M04")
    # flipping TermSave/Term is harmless (an unused heap entry): still valid
    mmb = bytearray(load("examples/peano.mmb"))
    mmb[proof_start(mmb) + 5000] ^= 0x01
    assert verify(load("examples/peano.mm0"), bytes(mmb), "mmb").ok


def test_a_statement_missing_from_the_mmb_is_reported():
    # the spec has one more theorem than the proof file proves
    spec = load("examples/tutorial/02-mm0-intro.mm0") + b"theorem extra (a: wff): $ a -> a $;\n"
    res = verify(spec, load("examples/tutorial/03-mm1-intro.mmb"), "mmb")
    assert not res.ok and res.diagnostics[0].code == "M0409"


def test_a_changed_statement_does_not_match():
    spec = load("examples/tutorial/02-mm0-intro.mm0").replace(
        b"theorem id (a: wff): $ a -> a $;", b"theorem id (a: wff): $ a -> ~a $;")
    res = verify(spec, load("examples/tutorial/03-mm1-intro.mmb"), "mmb")
    assert not res.ok and res.diagnostics[0].code == "M0404"


def test_header_is_bounds_checked():
    mmb = bytearray(load("examples/tutorial/03-mm1-intro.mmb"))
    struct.pack_into("<I", mmb, 16, 0xFFFFFFF8)          # p_thms far out of the file
    res = verify(load("examples/tutorial/02-mm0-intro.mm0"), bytes(mmb), "mmb")
    assert [d.code for d in res.diagnostics] == ["M0403"]
    res = verify(load("examples/tutorial/02-mm0-intro.mm0"), b"MM0B\x01", "mmb")
    assert [d.code for d in res.diagnostics] == ["M0401"]


# ------------------------------------------------------------------ .mm0 traps

def reads(text):
    try:
        read_mm0(text.encode())
        return None
    except Mm0Error as exc:
        return exc.code


@pytest.mark.parametrize("text,code", [
    ("sort s;\tsort t;", "M0101"),                      # a tab is not whitespace
    ("sort s;\r\n", "M0101"),
    ("sort _;", "M0103"),                               # `_` alone is not an identifier
    ("sort s; term a: s; prefix a: $+$ prec 2047;", "M0206"),
    ("sort s; term a: s; prefix a: $+$ prec 99999999999999;", "M0206"),
    ("sort s; term a: s; prefix a: $($ prec 1;", "M0207"),     # ( ) are reserved
    ("sort s; term a: s > s; notation a (x: s): s = x ($+$:1);", "M0207"),
    ("sort s; sort t; term f: s > t; term g: t > s; coercion f: s > t; coercion g: t > s;",
     "M0208"),                                          # coercion cycle
    ("sort s; term a (x: s) (p: s x): s;", "M0205"),   # x is not bound
    ("provable sort wff; sort n; term al {x: n} (p: wff x): wff;"
     "def bad {x: n} (p: wff): wff = $ p $;", None),
    ("provable sort wff; sort n; term eq (a b: n): wff;"
     "def bad (.x: n): wff = $ eq x x $;", "M0304"),   # a dummy left free
    ("provable sort wff; free sort n; term eq (a b: n): wff; term al {x: n} (p: wff x): wff;"
     "def d (.x: n): wff = $ al x (eq x x) $;", "M0204"),   # free sort: no dummies
    ("strict sort n; term t {x: n}: n;", "M0204"),    # strict sort: no bound variables
    ("pure sort n; term t: n;", "M0201"),             # pure sort: no term constructors
    ("sort s; axiom a: $ s $;", "M0301"),
    ("sort n; term z: n; axiom a: $ z $;", "M0305"),  # not provable
])
def test_mm0_traps(text, code):
    assert reads(text) == code


def test_dependencies_are_recorded_as_bitsets():
    spec = read_mm0(b"provable sort wff; sort n; term al {x: n} {y: n} (p: wff x y) (q: wff y):"
                    b" wff;")
    assert [(a.bound, a.deps) for a in spec.terms[0].args] == \
        [(True, 1), (True, 2), (False, 3), (False, 2)]


def test_precedence_and_associativity():
    spec = read_mm0(b"""delimiter $ ( ~ $ $ ) $; provable sort wff;
        term imp: wff > wff > wff; infixr imp: $->$ prec 25;
        term an: wff > wff > wff; infixl an: $/\\$ prec 34;
        term not: wff > wff; prefix not: $~$ prec 100;
        axiom t (a b c: wff): $ ~a /\\ b /\\ c -> a -> b $;""")
    imp, an, nt = 0, 1, 2
    a, b, c = ("v", 0), ("v", 1), ("v", 2)
    assert spec.thms[0].concl == \
        ("t", imp, (("t", an, (("t", an, (("t", nt, (a,)), b)), c)), ("t", imp, (a, b))))


def test_math_string_lexer_splits_at_delimiters():
    spec = read_mm0(b"delimiter $ ( $ $ ) $; provable sort wff; term f: wff > wff;"
                    b"term x: wff; prefix x: $x$ prec max; axiom t: $(f (x))$;")
    assert spec.thms[0].concl == ("t", 0, (("t", 1, ()),))
    from proofgen.mm0.reader import Reader
    r = Reader(b"delimiter $ ( $ $ ) $;")
    r.read()
    # split after a left delimiter, before a right one: `f(` stays one token
    assert r.math_tokens("(f(x))", 0) == ["(", "f(", "x", ")", ")"]


def test_coercions_are_inserted():
    spec = read_mm0(b"provable sort wff; sort n; term tt: n > wff; coercion tt: n > wff;"
                    b"axiom t (a: n): $ a $;")
    assert spec.thms[0].concl == ("t", 0, (("v", 0),))


# ------------------------------------------------------------------ mutants

SMALL = [("examples/tutorial/02-mm0-intro.mm0", "examples/tutorial/03-mm1-intro.mmb"),
         ("tests/mmb/pass/max_bound_vars.mm0", "tests/mmb/pass/max_bound_vars.mmb"),
         ("tests/mmb/run/gi_header_p_index_overflow.mm0",
          "tests/mmb/run/gi_header_p_index_overflow.mmb")]


def _check_cleanly(mm0, mmb):
    t = time.perf_counter()
    res = verify(mm0, mmb, "mmb", budget=20_000_000)
    assert time.perf_counter() - t < 20
    assert res.ok or res.diagnostics
    for d in res.diagnostics:
        assert d.code in CODES
    return res


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(SMALL), st.data())
def test_mutated_small_mmb_never_crashes(pair, data):
    mm0, mmb = load(pair[0]), bytearray(load(pair[1]))
    kind = data.draw(st.sampled_from(["flip", "truncate", "set"]))
    if kind == "truncate":
        mmb = mmb[:data.draw(st.integers(0, len(mmb)))]
    else:
        for _ in range(data.draw(st.integers(1, 4))):
            i = data.draw(st.integers(0, len(mmb) - 1))
            mmb[i] = (mmb[i] ^ (1 << data.draw(st.integers(0, 7)))) if kind == "flip" \
                else data.draw(st.integers(0, 255))
    _check_cleanly(mm0, bytes(mmb))


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 875943), st.integers(0, 7), st.booleans())
def test_mutated_peano_mmb_never_crashes(i, bit, truncate):
    mmb = bytearray(load("examples/peano.mmb"))
    if truncate:
        mmb = mmb[:i]
    else:
        mmb[i % len(mmb)] ^= 1 << bit
    _check_cleanly(load("examples/peano.mm0"), bytes(mmb))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=300), st.sampled_from([c for c, v, f in cases()]))
def test_mutated_mm0_never_crashes(junk, case):
    data = bytearray(load(case + ".mm0"))
    pos = len(junk) % (len(data) + 1)
    res = verify(bytes(data[:pos]) + junk + bytes(data[pos:]))
    assert res.ok or res.diagnostics


# ------------------------------------------------------------------ command line

def test_cli_verifies_peano(capsys):
    assert main(["verify", path("examples/peano.mm0"), "--proof",
                 path("examples/peano.mmb")]) == 0
    assert ": ok:" in capsys.readouterr().err


def test_cli_finds_the_mm0_beside_the_mmb(capsys):
    assert main(["verify", path("examples/tutorial/03-mm1-intro.mmb")]) == 1   # no such .mm0
    out = capsys.readouterr().out
    assert "E0902" in out
    assert main(["verify", path("tests/mmb/pass/max_bound_vars.mmb")]) == 0


def test_cli_reports_a_located_mm0_error(capsys):
    assert main(["verify", path("tests/mm0_mmu/fail/bad-whitespace1.mm0")]) == 1
    out = capsys.readouterr().out
    assert out.startswith(path("tests/mm0_mmu/fail/bad-whitespace1.mm0") + ":2:7: error[M0101]")


def test_cli_json(capsys):
    import json
    assert main(["verify", path("tests/mm0_mmu/fail/bad-sort21.mm0"), "--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[0]["code"] == "M0201" and lines[-1]["summary"]["ok"] is False


def test_cli_missing_file(capsys, tmp_path):
    assert main(["verify", str(tmp_path / "nope.mm0")]) == 1
    assert "E0902" in capsys.readouterr().out


def test_the_mmb_checker_alone_refuses_a_56th_bound_variable(monkeypatch):
    """gi_dummy_reserved_bit: the .mm0 reader already refuses 56 dummies; with
    that limit lifted and the def made abstract, the .mmb's own `Dummy`
    bound check must still reject it (bit 55 is reserved)."""
    import proofgen.mm0.reader as reader
    from proofgen.mm0.mmb import check_mmb
    monkeypatch.setattr(reader, "MAX_BOUND", 64)
    r = reader.Reader(load("tests/mmb/fail/gi_dummy_reserved_bit.mm0"))
    monkeypatch.setattr(r, "check_def", lambda *a: None)
    spec = r.read()
    for t in spec.terms:
        if t.name == "choose":
            t.value = None
    with pytest.raises(Mm0Error) as e:
        check_mmb(spec, load("tests/mmb/fail/gi_dummy_reserved_bit.mmb"))
    assert (e.value.code, e.value.where) == ("M0408", "proof")
    # and the 55-dummy file passes the same way
    assert verify(load("tests/mmb/pass/max_bound_vars.mm0"),
                  load("tests/mmb/pass/max_bound_vars.mmb"), "mmb").ok


MM0_TINY = b"provable sort wff; term t: wff; axiom a: $ t $; theorem b: $ t $;"


def tiny_mmb(proof_b: bytes) -> bytes:
    """A hand-built .mmb for MM0_TINY; `proof_b` is the proof of `b` (without END)."""
    header = struct.pack("<4sBBHIIIIIIQ", b"MM0B", 1, 1, 0, 1, 2, 48, 64, 96, 0, 0)
    out = bytearray(header + bytes([4]) + bytes(7))           # sort 0: provable
    out += struct.pack("<HBBI", 0, 0, 0, 56)                   # term t: no args, wff
    out += struct.pack("<Q", 0)                                # its return type
    out += struct.pack("<HHI", 0, 0, 80) + struct.pack("<HHI", 0, 0, 88)
    out += bytes([0x30, 0]) + bytes(6) + bytes([0x30, 0]) + bytes(6)   # unify: UTerm 0
    body = proof_b + b"\x00"
    out += bytes([0x44, 2, 0x45, 2, 0x42, 4, 0x10, 0, 0x46, 2 + len(body)]) + body + b"\x00"
    return bytes(out)


def test_a_hand_built_mmb_checks():
    good = tiny_mmb(bytes([0x11, 0x12, 0x14, 0x17, 0x18]))   # TermSave Ref Thm Conv Refl
    assert verify(MM0_TINY, good, "mmb").ok


def test_pointer_identity_decides_refl():
    """`Term 0, Term 0` builds two different expressions: Refl must fail
    although they are structurally equal."""
    bad = tiny_mmb(bytes([0x10, 0x10, 0x14, 0x17, 0x18]))    # Term Term Thm Conv Refl
    res = verify(MM0_TINY, bad, "mmb")
    assert [d.code for d in res.diagnostics] == ["M0406"]
    assert "Refl" in res.diagnostics[0].message


def test_a_forward_theorem_reference_is_refused():
    bad = tiny_mmb(bytes([0x11, 0x12, 0x54, 1, 0x17, 0x18]))  # Thm 1: b itself
    res = verify(MM0_TINY, bad, "mmb")
    assert [d.code for d in res.diagnostics] == ["M0403"]
