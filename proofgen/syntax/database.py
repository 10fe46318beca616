"""Every statement of a database as a tree.

    from proofgen.kernel import load
    from proofgen.syntax import Syntax

    syn = Syntax.of(load("set.mm"))
    syn.trees["ax-mp"]          # Tree('|-', (wi-id, ph-id, ps-id)) ...
    syn.text(syn.trees["ax-1"])  # '|- ( ph -> ( ps -> ph ) )'
    syn.diagnostics              # grammar problems, failed and ambiguous parses

`Syntax.of` reads the database's statements once, builds the grammar (see
`grammar`), and parses every `$e $a $p` statement (and `$f`, trivially).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

from ..kernel import Database, Diagnostic, Statement
from . import typecodes as tc_mod
from .formats import sexp
from .grammar import Grammar, build
from .parser import PARSER, ParseResult, step_budget


@dataclass(frozen=True)
class Tree:
    """A parsed statement: its typecode (`|-`, `wff`, ...) and the tree of its body."""

    typecode: str
    term: tuple[int, ...]


@dataclass
class Syntax:
    grammar: Grammar
    trees: dict[str, Tree] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)
    #: syntax axioms the probe found ambiguous strings around
    ambiguous_rules: list[str] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = "cython"
    sources: list[tuple[str, bytes]] = field(default_factory=list)

    # -- construction ---------------------------------------------------
    @classmethod
    def of(cls, db: Database, override: Optional[Mapping[str, Optional[str]]] = None,
           engine: Optional[str] = None,
           statements: Optional[Sequence[Statement]] = None) -> "Syntax":
        """Build the grammar of `db` and parse all its statements."""
        statements = list(db.statements()) if statements is None else list(statements)
        sources = db.sources
        declared = tc_mod.from_j_commands(tc_mod.read_j_commands(sources))
        syn = cls.from_statements(statements, declared, override, engine)
        syn.sources = sources
        syn.diagnostics = locate(syn.diagnostics, sources)
        return syn

    @classmethod
    def from_statements(cls, statements: Sequence[Statement],
                        declared: Optional[tc_mod.Typecodes] = None,
                        override: Optional[Mapping[str, Optional[str]]] = None,
                        engine: Optional[str] = None) -> "Syntax":
        start = time.perf_counter()
        engine = PARSER.engine(engine)    # None: the selector's choice (kernel.engines)
        codes = tc_mod.infer(statements, declared, dict(override or {}))
        g = build(statements, codes)
        syn = cls(g, statements=list(statements), engine=engine)
        syn.diagnostics.extend(g.problems)
        parser = make_parser(g, engine)
        _decide_logical_types(syn, parser)
        syn._parse_all(parser)
        syn.seconds = time.perf_counter() - start
        return syn

    def _parse_all(self, parser) -> None:
        g = self.grammar
        var_types: dict[str, str] = {}
        # Work for the whole database is bounded too, so that a hostile
        # grammar cannot make thousands of statements each take their full
        # per-statement budget.  Real grammars use under 10 steps a symbol.
        left = 20_000_000 + 200 * sum(len(s.expression) for s in self.statements)
        for s in self.statements:
            if s.kind == "f":
                if len(s.expression) == 2:
                    var_types[s.expression[1]] = s.expression[0]
                    if s.expression[0] in g.type_index:
                        v = g.variable(s.expression[1], s.expression[0])
                        self.trees[s.label] = Tree(s.typecode, (v,))
                continue
            target = g.typecodes.parse_type(s.typecode)
            if target is None or target not in g.type_index:
                why = (f"is parsed as {target}, which is not a syntax typecode" if target
                       else "is not parsed as any syntax typecode")
                self._report(s, "E1001", f"typecode {s.typecode} {why}; declare it with "
                             "$j syntax or --typecodes")
                continue
            if s.label in g.excluded:
                continue  # reported with the grammar
            toks = g.tokens(s.body, var_types)
            if toks is None:
                bad = next(x for x in s.body if x not in g.symbol_index and x not in var_types)
                self._report(s, "E1003", f"symbol {bad} is neither a constant nor a typed variable")
                continue
            result = parser.parse(toks, g.type_index[target], min(step_budget(len(toks)), left))
            left = max(0, left - parser.steps)
            self._record(s, target, result)

    def _record(self, s: Statement, target: str, result: ParseResult) -> None:
        g = self.grammar
        if result.exhausted:
            self._report(s, "E0901", "parsing gave up at its work budget: the grammar is "
                         "too ambiguous for this statement")
            return
        if result.term is None:
            where = ""
            if 0 < result.longest < len(s.body):
                where = (f"; the longest part that is a {target} ends at symbol "
                         f"{result.longest} ({s.body[result.longest - 1]})")
            self._report(s, "E1003", f"{' '.join(s.body)[:200]} does not parse as a {target}{where}")
            return
        self.trees[s.label] = Tree(s.typecode, result.term)
        if result.ambiguous:
            self.ambiguous.append(s.label)
            self.diagnostics.append(Diagnostic(
                s.file, s.line, 0, "E1004", s.label,
                f"ambiguous: {sexp(g, result.term)} and {sexp(g, result.alternative)} "
                "print the same"))

    def _report(self, s: Statement, code: str, message: str) -> None:
        self.unparsed.append(s.label)
        self.diagnostics.append(Diagnostic(s.file, s.line, 0, code, s.label, message))

    # -- questions -----------------------------------------------------
    @property
    def is_tree_grammar(self) -> bool:
        """True when every statement has exactly one tree under a sound grammar."""
        return not (self.grammar.excluded or self.ambiguous or self.unparsed
                    or self.ambiguous_rules)

    def text(self, tree: Tree) -> str:
        return " ".join([tree.typecode] + self.grammar.unparse(tree.term))

    def parser(self):
        """A parser for this grammar (the engine the trees were made with)."""
        return make_parser(self.grammar, self.engine)

    def probe(self, budget: Optional[int] = 1_000_000):
        """Search for ambiguity beyond the statements (see `ambiguity.probe`);
        what it finds is added to `diagnostics` and `ambiguous_grammar`."""
        from .ambiguity import probe
        result = probe(self.grammar, self.parser(), budget)
        found = locate(result.ambiguous, self.sources)
        self.diagnostics.extend(found)
        self.ambiguous_rules.extend(d.label for d in found)
        return result


def make_parser(g: Grammar, engine: Optional[str] = None):
    """A parser: `engine` when named, else the selector's choice."""
    return PARSER.choose(engine)(g)


def _decide_logical_types(syn: Syntax, parser) -> None:
    """A logical typecode with no `$j` and no `wff` is parsed as the syntax
    typecode most of its first statements parse as."""
    g = syn.grammar
    undecided = [t for t, target in g.typecodes.logical.items() if target is None]
    if not undecided:
        return
    samples: dict[str, list[list[int]]] = {t: [] for t in undecided}
    var_types: dict[str, str] = {}
    for s in syn.statements:
        if s.kind == "f" and len(s.expression) == 2:
            var_types[s.expression[1]] = s.expression[0]
        elif s.typecode in samples and len(samples[s.typecode]) < 50:
            if s.label in g.excluded:
                continue  # reported with the grammar
            toks = g.tokens(s.body, var_types)
            if toks is not None:
                samples[s.typecode].append(toks)
    for t, bodies in samples.items():
        best, best_count = None, 0
        for target in g.types:
            count = sum(parser.parse(b, g.type_index[target]).term is not None for b in bodies)
            if count > best_count:
                best, best_count = target, count
        g.typecodes.logical[t] = best


def locate(diagnostics: list[Diagnostic], sources: Sequence[tuple[str, bytes]]) -> list[Diagnostic]:
    """Fill in the column of diagnostics that know their line and label:
    the column where the label is written on that line.  One pass per file."""
    data = dict(sources)
    found: dict[int, int] = {}
    order = sorted(range(len(diagnostics)), key=lambda i: (diagnostics[i].file, diagnostics[i].line))
    cur, pos, line_no = None, 0, 1
    for i in order:
        d = diagnostics[i]
        text = data.get(d.file)
        if d.column or not d.line or not d.label or text is None:
            continue
        if d.file != cur:
            cur, pos, line_no = d.file, 0, 1
        while line_no < d.line and pos >= 0:
            pos = text.find(b"\n", pos)
            pos = pos + 1 if pos >= 0 else -1
            line_no += 1
        if pos < 0:
            continue
        end = text.find(b"\n", pos)
        line = text[pos:end if end >= 0 else len(text)]
        label = d.label.encode()
        j = line.find(label)
        while j >= 0:
            after = j + len(label)
            if (j == 0 or line[j - 1:j].isspace()) and \
                    (after == len(line) or line[after:after + 1].isspace()):
                found[i] = j + 1
                break
            j = line.find(label, j + 1)
    return [Diagnostic(d.file, d.line, found.get(i, d.column or (1 if d.line else 0)),
                       d.code, d.label, d.message) if not d.column else d
            for i, d in enumerate(diagnostics)]
