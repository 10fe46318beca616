"""Metamath text proofgen writes: `${ $}` blocks and compressed-proof numbers.

    block("th1", "|- ( ph -> ph )", "( a1i ) ABC", [("th1.1", "|- ph")], [("x", "y")])
    encode_number(21) == "UA";  decode_number("UA") == 21
    list(compressed_steps(2, ("wi",), "ABCZD"))

Every stage that writes a theorem as Metamath text (the kernel checking
appended blocks, the `mm` rendering, `export-mm`, the differential tests)
writes it here, and every stage that reads a compressed proof's letters
(outside the verifiers, which decode as they check) decodes them here, so
there is one definition of both formats.  It lives in the kernel, the lowest
stage that needs it, and imports nothing of the rest of proofgen.

Numbers follow appendix B of the Metamath book: `A`-`T` are a number's last
digit (1-20), `U`-`Y` its higher base-5 digits (1-5), `Z` saves the step
just made, `?` is an unknown step.
"""
from __future__ import annotations

import re
from typing import Iterator, Sequence

_NUMBER = re.compile(r"[U-Y]*[A-T]")


def encode_number(n: int) -> str:
    """The letters of step number n >= 1."""
    if n < 1:
        raise ValueError("step numbers start at 1")
    s = chr(65 + (n - 1) % 20)            # A-T: the last digit
    n = (n - 1) // 20
    while n:
        s = chr(85 + (n - 1) % 5) + s     # U-Y: the higher digits
        n = (n - 1) // 5
    return s


def letter_numbers(letters: str) -> Iterator[int]:
    """The numbers compressed letters spell, in order: n >= 1 for a step
    number, 0 for `Z`, -1 for `?`.  Whitespace is skipped, as in a .mm file;
    any other character raises ValueError.  Higher digits left without a
    last digit at the end spell nothing (the kernel reports such proofs)."""
    n = 0
    for ch in letters:
        if "A" <= ch <= "T":
            yield n * 20 + (ord(ch) - 64)
            n = 0
        elif "U" <= ch <= "Y":
            n = n * 5 + (ord(ch) - 84)
        elif ch == "Z":
            yield 0
        elif ch == "?":
            yield -1
        elif not ch.isspace():
            raise ValueError(f"bad compressed proof letter {ch!r}")


def decode_number(letters: str) -> int:
    """The step number one number's letters (`[U-Y]*[A-T]`) spell."""
    if not _NUMBER.fullmatch(letters):
        raise ValueError(f"not a step number: {letters!r}")
    return next(letter_numbers(letters))


def compressed_steps(hyp_count: int, labels: Sequence[str], letters: str):
    """The steps of a compressed proof of a theorem with `hyp_count`
    mandatory hypotheses and label list `labels`: ("hyp", i) for the i-th
    mandatory hypothesis, ("label", name), ("saved", k) for the k-th saved
    step, ("save",) after a step marked Z, ("unknown",) for `?`."""
    k = len(labels)
    for n in letter_numbers(letters):
        if n > 0:
            if n <= hyp_count:
                yield ("hyp", n - 1)
            elif n <= hyp_count + k:
                yield ("label", labels[n - hyp_count - 1])
            else:
                yield ("saved", n - hyp_count - k - 1)
        elif n == 0:
            yield ("save",)
        else:
            yield ("unknown",)


def compressed_text(labels: Sequence[str], letters: str) -> str:
    """A compressed proof as it stands between `$=` and `$.`."""
    return "( " + " ".join(labels) + " ) " + letters


def block(label: str, statement: str, proof: str,
          hypotheses: Sequence[tuple[str, str]] = (),
          disjoint: Sequence[Sequence[str]] = (), wrap: bool = False) -> str:
    """A theorem as a `${ $}` block, one statement a line, ending in a line
    break: its `$d` groups (each a sequence of variable names), its `$e`
    hypotheses (label, statement text), then `label $p statement $= proof $.`
    (statements are math text, typecode first; `proof` is proof text).  With
    `wrap` the proof goes on a line of its own."""
    out = "${\n"
    for group in disjoint:
        out += f"  $d {' '.join(group)} $.\n"
    for hyp_label, text in hypotheses:
        out += f"  {hyp_label} $e {text} $.\n"
    sep = "\n    " if wrap else " "
    return f"{out}  {label} $p {statement} $={sep}{proof} $.\n$}}\n"
