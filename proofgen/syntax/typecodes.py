"""Which typecodes are syntax (`wff`, `class`, `setvar`) and which are logical (`|-`).

Databases in the set.mm family say so in `$j` comments:

    $( $j syntax 'wff'; syntax '|-' as 'wff'; $)

read by `read_j_commands`.  Where a database says nothing, `infer` decides
from the statements themselves: a typecode that types a variable (`$f`) or
only ever appears in `$a` statements (`|-` excepted) is a syntax typecode,
any other is logical; a logical typecode is parsed as `wff` when there is such a syntax
typecode, otherwise as the syntax typecode most of its statements parse as
(decided later by the grammar).  Users can override both.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..kernel import Statement


@dataclass
class Typecodes:
    """The typecode split of a database.

    `syntax` lists the syntax typecodes in the order they were found;
    `logical` maps each logical typecode to the syntax typecode its
    statements are parsed as (None when still undecided).  `source` says
    for each typecode whether it came from `$j`, inference or an override.
    """

    syntax: list[str] = field(default_factory=list)
    logical: dict[str, Optional[str]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)

    def is_syntax(self, typecode: str) -> bool:
        return typecode in self.syntax

    def parse_type(self, typecode: str) -> Optional[str]:
        """The syntax typecode a statement with this typecode is parsed as."""
        if typecode in self.syntax:
            return typecode
        return self.logical.get(typecode)


@dataclass(frozen=True)
class JCommand:
    """One `$j` command: a keyword and its arguments (quoted strings unquoted)."""

    keyword: str
    args: tuple[str, ...]
    file: str
    line: int


_COMMENT = re.compile(rb"\$\(\s+\$j(?=\s)(.*?)\s\$\)", re.S)
_WORD = re.compile(r"'([^']*)'|\"([^\"]*)\"|([^\s;'\"]+)|(;)")


def read_j_commands(sources: Iterable[tuple[str, bytes]]) -> list[JCommand]:
    """Every command of every `$( $j ... $)` comment, in file order.

    A command ends at `;`; words are bare or quoted with ' or ".  Anything a
    command does not understand is kept as it is: unknown keywords are the
    business of the tools that own them.
    """
    out: list[JCommand] = []
    for name, data in sources:
        for m in _COMMENT.finditer(data):
            line = data.count(b"\n", 0, m.start(1)) + 1
            text = m.group(1).decode("ascii", "replace")
            words: list[str] = []
            for w in _WORD.finditer(text):
                if w.group(4):
                    if words:
                        out.append(JCommand(words[0], tuple(words[1:]), name, line))
                    words = []
                else:
                    words.append(next(g for g in w.groups()[:3] if g is not None))
            if words:  # a last command without its `;`
                out.append(JCommand(words[0], tuple(words[1:]), name, line))
    return out


def from_j_commands(commands: Iterable[JCommand]) -> Typecodes:
    """The typecodes declared by `syntax 'T';` and `syntax 'L' as 'T';`."""
    tc = Typecodes()
    for c in commands:
        if c.keyword != "syntax":
            continue
        args = list(c.args)
        if len(args) == 1:
            _add_syntax(tc, args[0], "$j")
        elif len(args) == 3 and args[1] == "as":
            tc.logical[args[0]] = args[2]
            tc.source[args[0]] = "$j"
            _add_syntax(tc, args[2], "$j")
        elif len(args) > 1 and "as" not in args:
            for a in args:  # `syntax 'wff' 'class';` declares several
                _add_syntax(tc, a, "$j")
    return tc


def _add_syntax(tc: Typecodes, typecode: str, source: str) -> None:
    if typecode not in tc.syntax:
        tc.syntax.append(typecode)
        tc.source.setdefault(typecode, source)
    tc.logical.pop(typecode, None)


def infer(statements: Iterable[Statement], declared: Optional[Typecodes] = None,
          override: Optional[dict[str, Optional[str]]] = None) -> Typecodes:
    """Complete `declared` (from `$j`) with what the statements show.

    `override` maps a typecode to the syntax typecode it is parsed as; a
    typecode mapped to itself (or to None) is declared a syntax typecode.
    """
    tc = Typecodes(list(declared.syntax), dict(declared.logical), dict(declared.source)) \
        if declared else Typecodes()
    float_types: list[str] = []
    axiom_types: list[str] = []
    proved: set[str] = set()
    for s in statements:
        if not s.expression:
            continue
        t = s.expression[0]
        if s.kind == "f":
            if t not in float_types:
                float_types.append(t)
        elif s.kind == "a":
            if t not in axiom_types:
                axiom_types.append(t)
        else:
            proved.add(t)
    # `|-` is the provability typecode by Metamath convention, even in a
    # database of axioms only
    for t in float_types + [t for t in axiom_types if t not in proved and t != "|-"]:
        if t not in tc.syntax and t not in tc.logical:
            _add_syntax(tc, t, "inferred")
    for t in axiom_types + sorted(proved):
        if t not in tc.syntax and t not in tc.logical:
            tc.logical[t] = "wff" if "wff" in tc.syntax else None
            tc.source[t] = "inferred"
    for t, target in (override or {}).items():
        if target is None or target == t:
            _add_syntax(tc, t, "override")
        else:
            if t in tc.syntax:
                tc.syntax.remove(t)
            tc.logical[t] = target  # an unknown target is reported per statement
        tc.source[t] = "override"
    return tc


def parse_override(text: str) -> dict[str, Optional[str]]:
    """`"|-=wff,type"` -> {'|-': 'wff', 'type': None}: the CLI's override syntax."""
    out: dict[str, Optional[str]] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            left, right = part.split("=", 1)
            if not left or not right:
                raise ValueError(f"bad typecode mapping {part!r}; write LOGICAL=SYNTAX, e.g. |-=wff")
            out[left] = right
        else:
            out[part] = None
    return out
