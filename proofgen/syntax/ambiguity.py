"""Looking for ambiguity the database's own statements do not show.

Parsing every statement finds the ambiguous strings a database contains.  A
grammar can be ambiguous without any statement showing it yet (`-. ph -> ps`
when `wn` and an unbracketed `wi` are both rules); the generator would then
write statements whose text means two things.  `probe` builds the strings of
every rule with one argument replaced by every rule of its type — where
precedence and overlap ambiguities live — and parses each.  The probe is a
search, not a proof: it can miss ambiguity that needs deeper nesting.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..kernel import Diagnostic
from .formats import sexp
from .grammar import Grammar


@dataclass
class ProbeResult:
    strings: int = 0            # strings parsed
    total: int = 0              # strings the full probe would parse
    ambiguous: list[Diagnostic] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.strings >= self.total


def probe(g: Grammar, parser, budget: Optional[int] = 200_000) -> ProbeResult:
    """Parse rule(..., inner, ...) for every rule, argument and inner rule of
    the argument's type, up to `budget` strings (None: no limit).  Reports at
    most one ambiguity per outer rule."""
    rules = [(rid, r) for rid, r in enumerate(g.rules) if r.label not in g.excluded]
    by_type: dict[int, list[int]] = {}
    for rid, r in rules:
        by_type.setdefault(r.type, []).append(rid)
    result = ProbeResult()
    result.total = sum(len(by_type.get(g.variables[-1 - v].type, ()))
                       for _, r in rules for v in r.slots)
    leaf = {t: _representative(g, t) for t in range(len(g.types))}
    for rid, outer in rules:
        found = False
        for k, slot in enumerate(outer.slots):
            for inner_id in by_type.get(g.variables[-1 - slot].type, ()):
                if budget is not None and result.strings >= budget:
                    return result
                inner = g.rules[inner_id]
                term = [rid]
                for j, s in enumerate(outer.slots):
                    if j == k:
                        term.append(inner_id)
                        term.extend(leaf[g.variables[-1 - x].type] for x in inner.slots)
                    else:
                        term.append(leaf[g.variables[-1 - s].type])
                term = tuple(term)
                toks = g.term_tokens(term)
                result.strings += 1
                parsed = parser.parse(toks, outer.type)
                if parsed.ambiguous and not found:
                    found = True
                    result.ambiguous.append(Diagnostic(
                        outer.file, outer.line, 0, "E1004", outer.label,
                        f"ambiguous grammar: {' '.join(g.unparse(term))} parses as "
                        f"{sexp(g, parsed.term)} and as {sexp(g, parsed.alternative)}"))
    return result


def _representative(g: Grammar, t: int) -> int:
    declared = g.declared.get(t)
    return declared[0] if declared else g.canonical_variable(t, 0)
