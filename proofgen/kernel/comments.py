"""Description comments of assertions, and the marks set.mm puts in them.

The proof rules ignore comments, but databases speak through them: the
comment just before an `$a` or `$p` statement describes it, and set.mm's
conventions put two marks there that tools honour:

    (New usage is discouraged.)        do not cite this assertion
    (Proof modification is discouraged.)  its proof is kept as it is

`descriptions` finds each assertion's comment; `discouraged` reads the marks.
Both work on the database's source bytes (`Database.sources`) as read.
"""
from __future__ import annotations

import bisect
import re
from typing import Sequence

COMMENT = re.compile(rb"\$\((.*?)\$\)", re.S)
_ASSERTION = re.compile(rb"(?:^|\s)(\S+)\s+\$[ap]\s")

#: mark -> the words of the mark (whitespace may be any run of blanks)
MARKS = {
    "usage": b"(New usage is discouraged.)",
    "proof": b"(Proof modification is discouraged.)",
}
_MARK_PATTERNS = {name: re.compile(rb"\s+".join(re.escape(w) for w in text.split()))
                  for name, text in MARKS.items()}


def descriptions(data: bytes) -> dict[str, tuple[int, int]]:
    """Label -> (start, end) of the body of its description comment (between
    `$(` and `$)`): the last comment before the label's statement that comes
    after the previous assertion.  Assertions without one are left out."""
    spans = [(m.start(), m.end()) for m in COMMENT.finditer(data)]
    starts = [s for s, _ in spans]
    out: dict[str, tuple[int, int]] = {}
    previous = 0
    for m in _ASSERTION.finditer(data):
        pos = m.start(1)
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][1] > pos:
            continue                      # inside a comment
        label = m.group(1).decode("ascii", "replace")
        if i >= 0 and spans[i][0] >= previous:
            out.setdefault(label, (spans[i][0] + 2, spans[i][1] - 2))
        previous = pos
    return out


_DISCOURAGED = re.compile(rb"discouraged\.\)")
_NEXT_ASSERTION = re.compile(rb"\s*(\S+)\s+\$[ap]\s")


def discouraged(sources: Sequence[tuple[str, bytes]]) -> dict[str, frozenset[str]]:
    """Label -> the marks (`"usage"`, `"proof"`) in its description comment,
    for every assertion that has at least one.  Only the comments holding a
    mark are looked at (set.mm: a few thousand of its 41 MB), each followed
    by the assertion it describes."""
    out: dict[str, frozenset[str]] = {}
    for _, data in sources:
        seen = -1
        for m in _DISCOURAGED.finditer(data):
            s = data.rfind(b"$(", 0, m.start())
            if s < 0 or s == seen or data.rfind(b"$)", s, m.start()) >= 0:
                continue                  # outside any comment, or done already
            seen = s
            e = data.find(b"$)", m.end())
            if e < 0:
                continue
            body = data[s + 2:e]
            marks = frozenset(name for name, pat in _MARK_PATTERNS.items() if pat.search(body))
            nxt = _NEXT_ASSERTION.match(data, e + 2)
            if marks and nxt:
                out.setdefault(nxt.group(1).decode("ascii", "replace"), marks)
    return out
