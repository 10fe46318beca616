"""One Metamath text format (`proofgen.kernel.mmtext`) and one proof replay
(`proofgen.syntax.proofs.replay`): the encoder and decoder invert each
other, the C encoder and the C replay agree with them, and the kernel reads
back exactly the block the writer wrote."""
from __future__ import annotations

import functools
import random
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT, available_engines
from proofgen.kernel import load
from proofgen.kernel.mmtext import (block, compressed_steps, compressed_text, decode_number,
                                    encode_number, letter_numbers)
from proofgen.kernel.model import Proof
from proofgen.syntax.proofs import ProofBuilder, Unreplayable, replay
from proofgen.testing import scaled

HILBERT = ROOT / "mm_databases" / "hilbert.mm"
ENGINES = available_engines()


def examples(n: int):
    return settings(max_examples=scaled(n), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# -- numbers -------------------------------------------------------------------

@examples(300)
@given(st.integers(1, 10 ** 18))
def test_numbers_round_trip(n):
    letters = encode_number(n)
    assert re.fullmatch(r"[U-Y]*[A-T]", letters)
    assert decode_number(letters) == n


@examples(300)
@given(st.from_regex(r"[U-Y]{0,12}[A-T]", fullmatch=True))
def test_every_number_has_one_spelling(letters):
    # bijective numeration: no leading "zero", so each spelling is the only one
    assert encode_number(decode_number(letters)) == letters


def test_numbers_match_the_book_and_refuse_what_is_not_a_number():
    assert [encode_number(n) for n in (1, 20, 21, 40, 41, 120, 121, 620, 621)] == \
        ["A", "T", "UA", "UT", "VA", "YT", "UUA", "YYT", "UUUA"]
    for bad in (0, -1):
        with pytest.raises(ValueError):
            encode_number(bad)
    for bad in ("", "U", "AB", "Z", "?", "a", "UZA"):
        with pytest.raises(ValueError):
            decode_number(bad)


steps_strategy = st.lists(st.one_of(st.integers(1, 10 ** 6), st.just(0), st.just(-1)),
                          max_size=40)


@examples(200)
@given(steps_strategy, st.randoms(use_true_random=False))
def test_letters_decode_to_the_numbers_written(numbers, rnd):
    text = "".join({0: "Z", -1: "?"}.get(n) or encode_number(n) for n in numbers)
    # whitespace may stand anywhere in a .mm file's letters
    spaced = "".join(ch + (rnd.choice(" \n\t") if rnd.random() < 0.2 else "") for ch in text)
    assert list(letter_numbers(spaced)) == numbers
    with pytest.raises(ValueError):
        list(letter_numbers(spaced + "a"))


@examples(200)
@given(st.integers(0, 5), st.integers(0, 5), steps_strategy)
def test_compressed_steps_name_what_each_number_is(m, k, numbers):
    labels = tuple(f"l{i}" for i in range(k))
    text = "".join({0: "Z", -1: "?"}.get(n) or encode_number(n) for n in numbers)
    got = list(compressed_steps(m, labels, text))
    assert len(got) == len(numbers)
    for n, item in zip(numbers, got):
        if n == 0:
            assert item == ("save",)
        elif n < 0:
            assert item == ("unknown",)
        elif n <= m:
            assert item == ("hyp", n - 1)
        elif n <= m + k:
            assert item == ("label", labels[n - m - 1])
        else:
            assert item == ("saved", n - m - k - 1)


@examples(200)
@given(st.lists(st.integers(0, 0x7fffffff), max_size=60))
def test_the_c_encoder_agrees_with_the_reference(numbers):
    from proofgen.explore._theorem import ProofWriter
    ctx = hilbert_context()
    writer = ProofWriter(ctx.syn.grammar, ctx.rule_labels, ctx.float_label,
                         ctx.float_position, ctx.assertions)
    assert writer.encode_numbers(numbers) == \
        "".join("Z" if n == 0 else encode_number(n) for n in numbers)


# -- blocks --------------------------------------------------------------------

def test_block_layout():
    text = block("th", "|- ( ph -> ph )", "( a1i ) ABC", [("th.1", "|- ph")],
                 [("x", "y"), ["z", "w", "v"]])
    assert text == ("${\n  $d x y $.\n  $d z w v $.\n  th.1 $e |- ph $.\n"
                    "  th $p |- ( ph -> ph ) $= ( a1i ) ABC $.\n$}\n")
    wrapped = block("th", "|- ph", "wph", wrap=True)
    assert wrapped == "${\n  th $p |- ph $=\n    wph $.\n$}\n"
    assert compressed_text(["a", "b"], "ABZC") == "( a b ) ABZC"


@functools.lru_cache(maxsize=None)
def hilbert(engine: str):
    db = load(HILBERT, engine=engine)
    return db, {s.label: s for s in db.statements()}


@functools.lru_cache(maxsize=None)
def hilbert_context():
    from proofgen.explore.context import Context
    return Context.of(hilbert(ENGINES[0])[0])


def restated_block(st_, stmts, label: str, rnd: random.Random) -> tuple[str, dict]:
    """Theorem `st_` written again by `block` under a new label, its
    hypotheses renamed, some `$d` pairs added; and what the kernel must read."""
    rename = {}
    hyps = []
    for h in st_.frame.hypotheses:
        if stmts[h].kind == "e":
            rename[h] = f"{label}.{len(rename) + 1}"
            hyps.append((rename[h], " ".join(stmts[h].expression)))
    proof = st_.proof
    if proof.compressed:
        text = compressed_text(proof.labels, proof.letters)
    else:
        text = " ".join(rename.get(x, x) for x in proof.labels)
    names = sorted({x for x in st_.expression if any(
        stmts[f].kind == "f" and stmts[f].expression[1] == x for f in st_.frame.hypotheses)})
    # the pairs its proof needs, and a few more among its own variables
    groups = [list(p) for p in sorted(st_.proof_disjoint)]
    if len(names) >= 2:
        groups += [sorted(rnd.sample(names, rnd.randint(2, len(names))))
                   for _ in range(rnd.randrange(3))]
    want = {"expression": st_.expression, "hyps": [h for _, h in hyps],
            "proof": Proof(tuple(rename.get(x, x) for x in proof.labels), proof.letters)
            if not proof.compressed else proof,
            "disjoint": {(x, y) for g in groups for x in g for y in g if x < y}}
    return block(label, " ".join(st_.expression), text, hyps, groups,
                 wrap=rnd.random() < 0.5), want


@pytest.mark.parametrize("engine", ENGINES)
@examples(25)
@given(rnd=st.randoms(use_true_random=False))
def test_the_kernel_reads_back_what_the_writer_wrote(engine, rnd, tmp_path_factory):
    db, stmts = hilbert(engine)
    proved = [s for s in stmts.values() if s.kind == "p"]
    chosen = rnd.sample(proved, 3)
    parts = [restated_block(s, stmts, f"pgrt{k}", rnd) for k, s in enumerate(chosen)]
    text = "".join(b for b, _ in parts)
    assert db.check_blocks(text) == []
    # read as part of a database: every statement as it was written
    path = tmp_path_factory.mktemp("mmtext") / "with-blocks.mm"
    path.write_bytes(HILBERT.read_bytes() + b"\n" + text.encode("ascii"))
    again = load(path, engine=engine)
    assert again.verify().ok
    read = {s.label: s for s in again.statements()}
    for k, (_, want) in enumerate(parts):
        s = read[f"pgrt{k}"]
        assert s.expression == want["expression"]
        assert s.proof == want["proof"]
        ess = [read[h] for h in s.frame.hypotheses if read[h].kind == "e"]
        assert [" ".join(h.expression) for h in ess] == want["hyps"]
        assert want["disjoint"] <= set(s.proof_disjoint)
    # and a block stating something else is refused, under its label
    bad_block, _ = restated_block(chosen[0], stmts, "pgbad", rnd)
    other = next(s for s in proved if s.expression != chosen[0].expression)
    bad_block = bad_block.replace(" ".join(chosen[0].expression) + " $=",
                                  " ".join(other.expression) + " $=")
    found = db.check_blocks(bad_block)
    assert found and {d.label for d in found} <= {"pgbad"}


# -- the replay core -----------------------------------------------------------

class Counting(ProofBuilder):
    """Each entry: the number of steps of its subproof, written out."""

    def __init__(self, stmts):
        self.stmts = stmts

    def arity(self, label):
        s = self.stmts[label]
        return 0 if s.kind in "fe" else len(s.frame.hypotheses)

    def cite(self, label, args):
        return 1 + sum(args)


def test_replay_sizes_match_the_normal_proofs():
    from proofgen.testing.proofs import decompress
    _, stmts = hilbert(ENGINES[0])
    counted = 0
    for s in stmts.values():
        if s.kind != "p":
            continue
        b = Counting(stmts)
        [size] = replay(s.proof, s.frame.hypotheses, b)
        normal = decompress(s.proof, s.frame.hypotheses, b.arity) if s.proof.compressed \
            else list(s.proof.labels)
        assert size == len(normal)
        counted += s.proof.compressed
    assert counted


def test_replay_refuses_malformed_proofs():
    _, stmts = hilbert(ENGINES[0])
    s = next(x for x in stmts.values() if x.kind == "p" and x.proof.compressed)
    b = Counting(stmts)
    m, k = len(s.frame.hypotheses), len(s.proof.labels)
    for letters in ("Z" + s.proof.letters,                       # Z on an empty stack
                    s.proof.letters + encode_number(m + k + 50),  # no such saved step
                    encode_number(m + k)):                        # underflow
        with pytest.raises(Unreplayable):
            replay(replace(s.proof, letters=letters), s.frame.hypotheses, b)
    with pytest.raises(Unreplayable):
        replay(Proof(("?",)), (), b)        # the default builder stops at `?`


def test_c_replay_agrees_with_the_reference_on_malformed_proofs():
    from proofgen.explore.extract import logical_steps, reference_logical_steps
    ctx = hilbert_context()
    proved = [s for s in ctx.syn.statements if s.kind == "p" and s.proof is not None]
    for s in [x for x in proved if x.proof.compressed][:10]:
        m, k = len(s.frame.hypotheses), len(s.proof.labels)
        for letters in ("Z" + s.proof.letters,
                        s.proof.letters + encode_number(m + k + 50),
                        encode_number(m + k) + s.proof.letters,
                        s.proof.letters + "Z" + encode_number(m + k + 1)):
            odd = replace(s, proof=Proof(s.proof.labels, letters))
            fast, ref = logical_steps(ctx, odd), reference_logical_steps(ctx, odd)
            assert (fast is None) == (ref is None)
            if fast is not None:
                assert (fast.steps, fast.conclusions) == (ref.steps, ref.conclusions)


@pytest.mark.parametrize("generator", ["forward", "extract", "deep"])
def test_normal_proofs_agree_with_the_replayed_compressed_proofs(generator):
    """`run.documents.normal_proof` (from the logical steps) writes what the
    replay of the checked compressed proof writes (its reference)."""
    from proofgen.explore.run import GenerateConfig, generate
    from proofgen.run.documents import (checked, generated_assertions, needed_lemmas,
                                        normal_proof, reference_normal_proof)
    db, _ = hilbert(ENGINES[0])
    ctx = hilbert_context()
    mark = db.mark()
    try:
        result = generate(db, GenerateConfig(generator=generator, count=150, seed=3), ctx)
    finally:
        db.rollback(mark)
    extra = generated_assertions(ctx, result.lemmas)
    theorems = result.theorems + needed_lemmas(result)   # what a run writes out
    assert theorems
    for t in theorems:
        hyp_labels = [h for h, _ in checked(ctx, t, extra).hypotheses]
        want = reference_normal_proof(ctx, t, hyp_labels, extra)
        assert want is not None and len(want.split()) > len(t.steps)
        assert normal_proof(ctx, t, hyp_labels, extra) == want
