"""Trees as text for people and programs: S-expressions and JSON."""
from __future__ import annotations

import re
from typing import Sequence

from .grammar import Grammar

_PLAIN = re.compile(r'[^\s()";]+\Z')


def _atom(name: str) -> str:
    if _PLAIN.match(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sexp(g: Grammar, term: Sequence[int]) -> str:
    """`(wi (wn ph) ps)`: a node is `(label child...)`, a variable its name.
    Symbols with spaces, parentheses, quotes or `;` are written in quotes."""
    out: list[str] = []
    closes: list[int] = []  # children still to print at each open node
    for node in term:
        if node >= 0:
            out.append("(" + _atom(g.rules[node].label))
            closes.append(g.rules[node].arity)
            if not closes[-1]:
                closes.pop()
                out[-1] += ")"
                _close(out, closes)
        else:
            out.append(_atom(g.variables[-1 - node].name))
            _close(out, closes)
    return " ".join(out)


def _close(out: list[str], closes: list[int]) -> None:
    # a complete subterm was printed: count it against its parent
    while closes:
        closes[-1] -= 1
        if closes[-1]:
            return
        closes.pop()
        out[-1] += ")"


def to_json(g: Grammar, term: Sequence[int]):
    """Nested objects: `{"node": "wi", "args": [...]}` and
    `{"var": "ph", "type": "wff"}`."""
    stack: list[list] = [[]]
    need: list[int] = []
    for node in term:
        if node >= 0:
            rule = g.rules[node]
            obj = {"node": rule.label, "type": g.types[rule.type], "args": []}
            stack[-1].append(obj)
            if rule.arity:
                stack.append(obj["args"])
                need.append(rule.arity)
                continue
        else:
            v = g.variables[-1 - node]
            stack[-1].append({"var": v.name, "type": g.types[v.type]})
        while need and len(stack[-1]) == need[-1]:
            stack.pop()
            need.pop()
    return stack[0][0] if stack[0] else None
