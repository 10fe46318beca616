"""MM0 diagnostics: one exception type carrying a stable code and a location.

The reader and the checker raise `Mm0Error`; the command line turns it into a
`proofgen.kernel.diagnostics.Diagnostic` (file:line:col for `.mm0`, byte
offset for `.mmb`).  A fast engine must raise the same codes at the same places.
"""
from __future__ import annotations

#: code -> short title
CODES: dict[str, str] = {
    "M0101": "invalid character",
    "M0102": "invalid token",
    "M0103": "unexpected token",
    "M0104": "unterminated math string",
    "M0201": "bad sort declaration",
    "M0202": "duplicate name",
    "M0203": "unknown name",
    "M0204": "bad binder",
    "M0205": "bad dependency",
    "M0206": "bad precedence",
    "M0207": "bad notation",
    "M0208": "bad coercion",
    "M0301": "math expression does not parse",
    "M0302": "sort mismatch",
    "M0303": "bound variable expected",
    "M0304": "definition not well formed",
    "M0305": "hypothesis of a sort that is not provable",
    "M0401": "bad .mmb header",
    "M0402": "bad .mmb table entry",
    "M0403": "index out of bounds",
    "M0404": "statement does not match the .mm0",
    "M0405": "malformed stream",
    "M0406": "proof step fails",
    "M0407": "unification fails",
    "M0408": "too many bound variables",
    "M0409": "wrong statement count",
    "M0410": "unsupported command",
    "E0901": "resource limit exceeded",
    "E0902": "cannot read file",
}


class Mm0Error(Exception):
    """A located verification failure.  `offset` is a byte offset in the
    file named by `where` ("mm0" or "proof")."""

    def __init__(self, code: str, offset: int, message: str, where: str = "mm0",
                 label: str = ""):
        super().__init__(message)
        self.code = code
        self.offset = offset
        self.message = message
        self.where = where
        self.label = label
