"""The grammar a database defines through its syntax axioms.

A syntax axiom such as `wi $a wff ( ph -> ps ) $.` is a production: a `wff`
may be `(`, a `wff`, `->`, a `wff`, `)`.  Its node in a tree carries the
label `wi` and one child per mandatory `$f` hypothesis, in the axiom's frame
order (the order a proof supplies them), so trees read off proofs and trees
from the parser have the same shape.

Terms (trees) are tuples of ints in prefix order: a rule id `r >= 0` is
followed by its `arity(r)` children, a variable is a negative id `-1 - k`
into `Grammar.variables`.  Flat tuples hash, compare and slice fast, and the
Cython toolkit walks them without allocating.

A grammar that cannot give every string at most one tree — a rule that
derives the empty string, a cycle of type conversions, a rule that repeats a
variable or has essential hypotheses — is flagged in `problems` with code
E1002 and those rules are left out of parsing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional, Sequence

from ..kernel import Diagnostic, Statement
from .typecodes import Typecodes


@dataclass(frozen=True)
class Variable:
    name: str
    type: int  # index into Grammar.types


@dataclass(frozen=True)
class Rule:
    """One syntax axiom as a production.

    `pattern` holds constant symbol ids (>= 0) and, for each variable,
    `-1 - t` where t is its type; `order[k]` is the frame position of the
    k-th variable of the pattern, `slots[j]` the variable in frame position j.
    """

    label: str
    type: int
    pattern: tuple[int, ...]
    order: tuple[int, ...]
    slots: tuple[int, ...]
    file: str = ""
    line: int = 0

    @property
    def arity(self) -> int:
        return len(self.slots)

    @property
    def is_conversion(self) -> bool:
        """`class x`: a whole `setvar` is a `class` (one variable, no constants)."""
        return len(self.pattern) == 1 and self.pattern[0] < 0


@dataclass
class Grammar:
    typecodes: Typecodes
    types: list[str] = field(default_factory=list)
    type_index: dict[str, int] = field(default_factory=dict)
    symbols: list[str] = field(default_factory=list)       # constant id -> symbol
    symbol_index: dict[str, int] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)         # node id -> rule
    rule_index: dict[str, int] = field(default_factory=dict)
    variables: list[Variable] = field(default_factory=list)  # -1 - var id -> variable
    variable_index: dict[tuple[str, int], int] = field(default_factory=dict)
    #: rules left out of parsing, by label, with the reason
    excluded: dict[str, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    #: types that can start with themselves (`term` in `a '`): fine, noted
    left_recursive: list[str] = field(default_factory=list)
    #: per type, the variables the database declares, in declaration order
    declared: dict[int, list[int]] = field(default_factory=dict)
    #: the same, ordinary names first: the order canonical variables take
    canonical: dict[int, list[int]] = field(default_factory=dict)
    declared_names: set[str] = field(default_factory=set)
    variable_names: set[str] = field(default_factory=set)

    # -- ids ------------------------------------------------------------
    def constant(self, symbol: str) -> int:
        i = self.symbol_index.get(symbol)
        if i is None:
            i = self.symbol_index[symbol] = len(self.symbols)
            self.symbols.append(symbol)
        return i

    def variable(self, name: str, type_: int | str) -> int:
        """The id of variable `name` of a syntax type (created on first use)."""
        t = self.type_index[type_] if isinstance(type_, str) else type_
        key = (name, t)
        v = self.variable_index.get(key)
        if v is None:
            v = self.variable_index[key] = -1 - len(self.variables)
            self.variables.append(Variable(name, t))
            self.variable_names.add(name)
        return v

    def _stem(self, t: int, upper: bool) -> str:
        # `&W` for wff; the whole type name when two types share an initial
        name = self.types[t]
        initial = name[:1]
        if sum(1 for x in self.types if x[:1].lower() == initial.lower()) > 1 or not initial:
            return "&" + name + ("" if upper else ".")
        return "&" + (initial.upper() if upper else initial.lower())

    def fresh_variable(self, type_: int | str, taken: Iterable[str] = ()) -> int:
        """A new variable of this type whose name clashes with no symbol."""
        t = self.type_index[type_] if isinstance(type_, str) else type_
        used = set(taken)
        stem = self._stem(t, upper=False)
        n = 1
        while True:
            name = f"{stem}{n}"
            if name not in self.symbol_index and name not in self.variable_names \
                    and name not in used:
                return self.variable(name, t)
            n += 1

    def canonical_variable(self, type_: int, k: int) -> int:
        """The k-th canonical variable of a type: its declared variables in
        declaration order (`ph`, `ps`, `ch` ... for set.mm's wff), those
        whose names start with a letter or digit first (set.mm declares
        `.||`, `./`, `.+` between `C` and `D` for its dummy operations; a
        theorem's fourth class variable is `D`, not `.||`), then `&W1`,
        `&W2` ...: a function of (type, k) only, so canonical forms agree
        between processes."""
        declared = self.canonical[type_]
        if k < len(declared):
            return declared[k]
        n = k - len(declared)
        name = self._extra_name(type_, self._stem(type_, upper=True), n)
        return self.variable(name, type_)

    def _extra_name(self, type_: int, stem: str, n: int) -> str:
        # the n-th name of the form stem+number that clashes with no symbol
        # and no declared variable (deterministic)
        k, found = 0, -1
        while True:
            k += 1
            name = f"{stem}{k}"
            if name in self.symbol_index or name in self.declared_names:
                continue
            found += 1
            if found == n:
                return name

    def type_of(self, node: int) -> int:
        """The type of a term whose root is `node`."""
        return self.rules[node].type if node >= 0 else self.variables[-1 - node].type

    def arity(self, node: int) -> int:
        return self.rules[node].arity if node >= 0 else 0

    # -- tokens and printing -------------------------------------------
    def tokens(self, body: Sequence[str], var_types: Mapping[str, str]) -> Optional[list[int]]:
        """A math string as ids: constants >= 0, variables < 0.  None if a
        symbol is neither a known constant nor a typed variable."""
        out = []
        for s in body:
            t = var_types.get(s)
            if t is not None and t in self.type_index:
                out.append(self.variable(s, t))
                continue
            c = self.symbol_index.get(s)
            if c is None:
                return None
            out.append(c)
        return out

    def unparse(self, term: Sequence[int]) -> list[str]:
        """The symbols a term prints as: exactly the string it was parsed from."""
        return [self.symbols[i] if i >= 0 else self.variables[-1 - i].name
                for i in self.term_tokens(term)]

    def term_tokens(self, term: Sequence[int]) -> list[int]:
        """A term's string as ids (constants >= 0, variables < 0): what
        `tokens` gives for the printed string."""
        out: list[int] = []
        # an explicit stack of (term position, pattern index) so that very
        # deep terms cannot exhaust Python's recursion limit
        stack: list[tuple[int, int, list[int]]] = []
        pos = self._open(term, 0, stack, out)
        while stack:
            node, i, starts = stack.pop()
            pattern = self.rules[node].pattern
            while i < len(pattern) and pattern[i] >= 0:
                out.append(pattern[i])
                i += 1
            if i < len(pattern):
                k = sum(1 for x in pattern[:i] if x < 0)
                stack.append((node, i + 1, starts))
                self._open(term, starts[self.rules[node].order[k]], stack, out)
        if pos != len(term):
            raise ValueError("not a single well-formed term")
        return out

    def _open(self, term, pos, stack, out) -> int:
        """Start printing the subterm at `pos`; returns the position after it."""
        node = term[pos]
        if node < 0:
            out.append(node)
            return pos + 1
        rule = self.rules[node]
        starts = []
        p = pos + 1
        for _ in range(rule.arity):
            starts.append(p)
            p = _skip(self, term, p)
        stack.append((node, 0, starts))
        return p

    def describe(self) -> dict:
        """A summary for people and for `proofgen grammar --json`."""
        per_type: dict[str, int] = {t: 0 for t in self.types}
        for r in self.rules:
            if r.label not in self.excluded:
                per_type[self.types[r.type]] += 1
        return {
            "syntax_typecodes": list(self.typecodes.syntax),
            "logical_typecodes": dict(self.typecodes.logical),
            "typecode_source": dict(self.typecodes.source),
            "rules": len(self.rules) - len(self.excluded),
            "rules_per_type": per_type,
            "conversions": [f"{r.label}: {self.types[r.pattern[0] * -1 - 1]} -> {self.types[r.type]}"
                            for r in self.rules if r.is_conversion and r.label not in self.excluded],
            "left_recursive_types": list(self.left_recursive),
            "excluded_rules": dict(self.excluded),
        }


def _skip(g: Grammar, term: Sequence[int], pos: int) -> int:
    """Position just after the subterm starting at `pos`."""
    need = 1
    while need:
        node = term[pos]
        pos += 1
        need += (g.rules[node].arity if node >= 0 else 0) - 1
    return pos


def build(statements: Iterable[Statement], typecodes: Typecodes) -> Grammar:
    """The grammar of the syntax axioms among `statements` (database order)."""
    g = Grammar(typecodes)
    for t in typecodes.syntax:
        g.type_index[t] = len(g.types)
        g.types.append(t)
    floats: dict[str, tuple[str, str]] = {}  # $f label -> (typecode, variable)
    variable_names: set[str] = set()  # a symbol is a variable or a constant, never both
    for s in statements:
        if s.kind == "f":
            if len(s.expression) == 2:
                floats[s.label] = (s.expression[0], s.expression[1])
                variable_names.add(s.expression[1])
                if s.expression[0] in g.type_index:  # ids in declaration order
                    g.variable(s.expression[1], s.expression[0])
            continue
        for sym in s.body:
            if sym not in variable_names:
                g.constant(sym)
        if s.kind != "a" or s.typecode not in g.type_index:
            continue
        _add_rule(g, s, floats)
    _check_conversion_cycles(g)
    _find_left_recursion(g)
    g.declared = {t: [] for t in range(len(g.types))}
    for i, v in enumerate(g.variables):
        g.declared[v.type].append(-1 - i)
        g.declared_names.add(v.name)
    g.canonical = {t: sorted(vs, key=lambda v: not g.variables[-1 - v].name[:1].isalnum())
                   for t, vs in g.declared.items()}
    return g


def _add_rule(g: Grammar, s: Statement, floats) -> None:
    var_types = {}
    slots: list[int] = []
    essential = []
    for h in s.frame.hypotheses:
        if h in floats:
            t, name = floats[h]
            if t not in g.type_index:
                essential.append(h)
                continue
            var_types[name] = t
            slots.append(g.variable(name, t))
        else:
            essential.append(h)
    pattern: list[int] = []
    order: list[int] = []
    seen: set[str] = set()
    repeated = []
    for sym in s.body:
        if sym in var_types:
            if sym in seen:
                repeated.append(sym)
            seen.add(sym)
            pattern.append(-1 - g.type_index[var_types[sym]])
            order.append(slots.index(g.variable(sym, var_types[sym])))
        else:
            pattern.append(g.constant(sym))
    rule = Rule(s.label, g.type_index[s.typecode], tuple(pattern), tuple(order), tuple(slots),
                s.file, s.line)
    g.rule_index[s.label] = len(g.rules)
    g.rules.append(rule)
    reason = None
    if not pattern:
        reason = "derives the empty string"
    elif repeated:
        reason = f"uses variable {repeated[0]} twice"
    elif essential:
        reason = f"has essential hypothesis {essential[0]}"
    elif len(set(order)) != len(slots):
        reason = "has a mandatory variable that does not occur in it"
    if reason:
        _exclude(g, rule, reason)


def _exclude(g: Grammar, rule: Rule, reason: str) -> None:
    if rule.label in g.excluded:
        return
    g.excluded[rule.label] = reason
    g.problems.append(Diagnostic(rule.file, rule.line, 0, "E1002", rule.label,
                                 f"not a tree grammar: syntax axiom {rule.label} {reason}"))


def _check_conversion_cycles(g: Grammar) -> None:
    """Conversions A -> B -> ... -> A give a string infinitely many trees."""
    edges: dict[int, list[Rule]] = {}
    for r in g.rules:
        if r.is_conversion and r.label not in g.excluded:
            edges.setdefault(-1 - r.pattern[0], []).append(r)
    for start in range(len(g.types)):
        # depth-first search for a path back to `start`
        stack = [(start, [])]
        seen = set()
        while stack:
            t, path = stack.pop()
            for r in edges.get(t, []):
                if r.type == start:
                    for bad in path + [r]:
                        _exclude(g, bad, "is part of a cycle of type conversions "
                                 + " -> ".join(x.label for x in path + [r]))
                    stack = []
                    break
                if r.type not in seen:
                    seen.add(r.type)
                    stack.append((r.type, path + [r]))


def _find_left_recursion(g: Grammar) -> None:
    first: dict[int, set[int]] = {t: set() for t in range(len(g.types))}
    for r in g.rules:
        if r.label not in g.excluded and r.pattern and r.pattern[0] < 0:
            first[r.type].add(-1 - r.pattern[0])
    for t in range(len(g.types)):
        seen, todo = set(), list(first[t])
        while todo:
            u = todo.pop()
            if u == t:
                g.left_recursive.append(g.types[t])
                break
            if u not in seen:
                seen.add(u)
                todo.extend(first[u])
