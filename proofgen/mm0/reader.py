"""The `.mm0` reader: lexer, statements, the notation (precedence) parser and
the well-formedness checks (definition checking).  The result, a `Spec`, is
the only trusted input of the proof checkers.

Expressions are tuples: ("v", i) is binder i of the statement (arguments,
then a definition's dummies), ("t", term_id, args) an application.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Mm0Error

PURE, STRICT, PROVABLE, FREE = 1, 2, 4, 8
MODIFIERS = ("pure", "strict", "provable", "free")
MAX_PREC = 2047          # `max`; numeric precedences are 0..2046
APP_PREC = 1024
MAX_BOUND = 55
KEYWORDS = {"sort", "term", "def", "axiom", "theorem", "delimiter", "prefix", "infixl",
            "infixr", "notation", "coercion", "input", "output", "pub", "local"} | set(MODIFIERS)
PUNCT = set("*.:;(){}>=")
IDENT_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
IDENT_CHARS = IDENT_START | set("0123456789")
DIGITS = set("0123456789")


@dataclass
class Arg:
    name: str
    sort: int
    bound: bool
    deps: int            # bitset over the bound arguments (a bound one: its own bit)


@dataclass
class Sort:
    name: str
    mods: int
    offset: int


@dataclass
class Term:
    name: str
    args: list
    ret_sort: int
    ret_deps: int
    is_def: bool
    offset: int
    value: object = None             # a def's body, or None (abstract def / term)
    dummies: list = field(default_factory=list)   # [(name, sort)]


@dataclass
class Theorem:
    name: str
    args: list
    hyps: list
    concl: object
    is_axiom: bool
    offset: int


@dataclass
class Spec:
    sorts: list = field(default_factory=list)
    terms: list = field(default_factory=list)
    thms: list = field(default_factory=list)
    #: the statements a proof file must match, in order: ("sort"|"term"|"thm", index)
    order: list = field(default_factory=list)
    outputs: int = 0
    inputs: int = 0


# ---------------------------------------------------------------- lexer

def lex(data: bytes):
    """Tokens of a .mm0 file: (kind, text, offset); kind is "id", "num", "p"
    (punctuation), "math" (text without the dollars).  Whitespace is only
    space and newline; `--` starts a comment to the end of the line."""
    toks = []
    n = len(data)
    i = 0
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise Mm0Error("M0101", exc.start, "non-ASCII byte") from None
    while i < n:
        c = text[i]
        if c == " " or c == "\n":
            i += 1
        elif c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            end = n if j < 0 else j
            for k in range(i, end):
                if not (" " <= text[k] <= "~"):
                    raise Mm0Error("M0101", k, f"invalid character {text[k]!r} in a comment")
            i = end
        elif c in IDENT_START:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            toks.append(("id", text[i:j], i))
            i = j
        elif c in DIGITS:
            j = i + 1
            while j < n and text[j] in IDENT_CHARS:
                j += 1
            word = text[i:j]
            if not word.isdigit() or (len(word) > 1 and word[0] == "0"):
                raise Mm0Error("M0102", i, f"invalid number or identifier {word!r}")
            toks.append(("num", word, i))
            i = j
        elif c in PUNCT:
            toks.append(("p", c, i))
            i += 1
        elif c == "$":
            j = text.find("$", i + 1)
            if j < 0:
                raise Mm0Error("M0104", i, "math string without a closing $")
            for k in range(i + 1, j):
                ch = text[k]
                if not (ch == " " or ch == "\n" or "!" <= ch <= "~"):
                    raise Mm0Error("M0101", k, f"invalid character {ch!r} in a math string")
            toks.append(("math", text[i + 1:j], i))
            i = j + 1
        else:
            raise Mm0Error("M0101", i, f"invalid character {c!r}")
    return toks


# ---------------------------------------------------------------- notation

@dataclass
class Notation:
    term: int
    prec: int
    #: literals after the leading constant: ("c", token) or ("v", arg index, prec)
    lits: list


class Reader:
    def __init__(self, data: bytes, budget: int = 50_000_000):
        self.data = data
        self.toks = lex(data)
        self.pos = 0
        self.spec = Spec()
        self.sort_ids: dict[str, int] = {}
        self.term_ids: dict[str, int] = {}
        self.thm_names: set[str] = set()
        self.left: set[str] = set()
        self.right: set[str] = set()
        self.consts: dict[str, int] = {}         # token -> precedence
        self.prefixes: dict[str, Notation] = {}
        self.infixes: dict[str, tuple] = {}      # token -> (term, prec, right assoc)
        self.prec_assoc: dict[int, bool] = {}
        self.coes: dict[int, dict[int, list]] = {}   # s1 -> s2 -> [term ids]
        self.budget = budget

    # token helpers
    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else ("eof", "", len(self.data))

    def next(self):
        t = self.peek()
        if t[0] == "eof":
            raise Mm0Error("M0103", t[2], "unexpected end of file")
        self.pos += 1
        return t

    def expect(self, text):
        t = self.next()
        if t[1] != text or t[0] not in ("p", "id"):
            raise Mm0Error("M0103", t[2], f"expected {text!r}, found {t[1]!r}")
        return t

    def ident(self, allow_blank=False):
        t = self.next()
        if t[0] != "id" or t[1] in KEYWORDS or (t[1] == "_" and not allow_blank):
            raise Mm0Error("M0103", t[2], f"expected an identifier, found {t[1]!r}")
        return t

    def at(self, text):
        t = self.peek()
        return t[0] in ("p", "id") and t[1] == text

    # statements
    def read(self) -> Spec:
        while self.peek()[0] != "eof":
            t = self.peek()
            word = t[1] if t[0] == "id" else None
            if word in MODIFIERS or word == "sort":
                self.sort_stmt()
            elif word in ("pub", "local"):
                raise Mm0Error("M0103", t[2], f"{word!r} is not allowed in a .mm0 file")
            elif word == "term" or word == "def":
                self.term_stmt(word == "def")
            elif word in ("axiom", "theorem"):
                self.thm_stmt(word == "axiom")
            elif word == "delimiter":
                self.delimiter_stmt()
            elif word in ("prefix", "infixl", "infixr"):
                self.simple_notation(word)
            elif word == "notation":
                self.general_notation()
            elif word == "coercion":
                self.coercion_stmt()
            elif word in ("input", "output"):
                self.inout_stmt(word)
            else:
                raise Mm0Error("M0103", t[2], f"expected a statement, found {t[1]!r}")
        return self.spec

    def sort_stmt(self):
        start = self.peek()[2]
        mods = 0
        last = -1
        while True:
            t = self.next()
            if t[0] == "id" and t[1] in MODIFIERS:
                k = MODIFIERS.index(t[1])
                if k <= last:
                    raise Mm0Error("M0201", t[2], f"modifier {t[1]!r} out of order or repeated "
                                   "(the order is pure strict provable free)")
                last = k
                mods |= 1 << k
            elif t[0] == "id" and t[1] == "sort":
                break
            else:
                raise Mm0Error("M0103", t[2], f"expected a sort modifier or 'sort', found {t[1]!r}")
        name = self.ident()
        self.expect(";")
        if name[1] in self.sort_ids:
            raise Mm0Error("M0202", name[2], f"sort {name[1]!r} declared twice")
        if len(self.spec.sorts) >= 128:
            raise Mm0Error("M0201", name[2], "more than 128 sorts")
        self.sort_ids[name[1]] = len(self.spec.sorts)
        self.spec.order.append(("sort", len(self.spec.sorts)))
        self.spec.sorts.append(Sort(name[1], mods, start))

    def sort_of(self, tok) -> int:
        if tok[1] not in self.sort_ids:
            raise Mm0Error("M0203", tok[2], f"unknown sort {tok[1]!r}")
        return self.sort_ids[tok[1]]

    def type_(self, names: dict, args: list, in_parens: bool):
        """`sort dep*`: (sort, deps bitset)."""
        s = self.sort_of(self.ident())
        deps = 0
        while self.peek()[0] == "id" and not self.peek()[1] in KEYWORDS:
            t = self.next()
            k = names.get(t[1])
            if k is None or not args[k].bound:
                raise Mm0Error("M0205", t[2], f"{t[1]!r} is not a bound variable declared "
                               "earlier")
            deps |= args[k].deps
        return s, deps

    def binders(self, allow_dummy: bool, allow_formula: bool):
        """Binders up to ':'.  Returns (args, dummies, hyps, names)."""
        args: list[Arg] = []
        dummies: list = []
        hyps: list = []
        names: dict[str, int] = {}
        nbound = 0
        pending_hyps = []
        while self.at("(") or self.at("{"):
            open_ = self.next()
            curly = open_[1] == "{"
            close = "}" if curly else ")"
            idents = []
            while not self.at(":"):
                dot = False
                if self.at("."):
                    if not allow_dummy:
                        raise Mm0Error("M0204", self.peek()[2], "dummy variables are only "
                                       "allowed in definitions")
                    self.next()
                    dot = True
                t = self.ident(allow_blank=not curly and not dot)
                idents.append((t, dot))
            self.expect(":")
            if self.peek()[0] == "math":
                if not allow_formula or curly:
                    raise Mm0Error("M0204", self.peek()[2], "a hypothesis binder is not allowed "
                                   "here")
                m = self.next()
                self.expect(close)
                for t, dot in idents:
                    pending_hyps.append(m)
                continue
            if pending_hyps:
                raise Mm0Error("M0204", open_[2], "variables must come before hypotheses")
            s, deps = self.type_(names, args, not curly)
            self.expect(close)
            for t, dot in idents:
                if t[1] != "_" and (t[1] in names or any(d[0] == t[1] for d in dummies)):
                    raise Mm0Error("M0202", t[2], f"variable {t[1]!r} declared twice")
                bound = curly or dot
                if bound and deps:
                    raise Mm0Error("M0205", t[2], "a bound variable cannot have dependencies")
                if bound and self.spec.sorts[s].mods & STRICT:
                    raise Mm0Error("M0204", t[2], f"sort {self.spec.sorts[s].name!r} is strict: "
                                   "no bound variables")
                if dot:
                    if self.spec.sorts[s].mods & FREE:
                        raise Mm0Error("M0204", t[2], f"sort {self.spec.sorts[s].name!r} is "
                                       "free: no dummy variables")
                    dummies.append((t[1], s, t[2]))
                    continue
                if bound:
                    if nbound >= MAX_BOUND:
                        raise Mm0Error("M0408", t[2], f"more than {MAX_BOUND} bound variables")
                    a = Arg(t[1], s, True, 1 << nbound)
                    nbound += 1
                else:
                    a = Arg(t[1], s, False, deps)
                if t[1] != "_":
                    names[t[1]] = len(args)
                args.append(a)
        return args, dummies, pending_hyps, names

    def new_term_name(self, tok):
        if tok[1] in self.term_ids:
            raise Mm0Error("M0202", tok[2], f"term {tok[1]!r} declared twice")

    def term_stmt(self, is_def):
        start = self.next()[2]
        name = self.ident()
        self.new_term_name(name)
        args, dummies, _, names = self.binders(allow_dummy=is_def, allow_formula=False)
        self.expect(":")
        # arrow type: type (> type)*; all but the last are anonymous arguments
        types = [self.type_(names, args, True)]
        while self.at(">"):
            if is_def:
                raise Mm0Error("M0103", self.peek()[2], "a definition's type has no arrows")
            self.next()
            types.append(self.type_(names, args, True))
        for s, deps in types[:-1]:
            args.append(Arg("_", s, False, deps))
        ret_sort, ret_deps = types[-1]
        if self.spec.sorts[ret_sort].mods & PURE:
            raise Mm0Error("M0201", name[2], f"sort {self.spec.sorts[ret_sort].name!r} is pure: "
                           "no term constructors")
        term = Term(name[1], args, ret_sort, ret_deps, is_def, start)
        term.dummies = [(d[0], d[1]) for d in dummies]
        tid = len(self.spec.terms)
        value_tok = None
        if is_def and self.at("="):
            self.next()
            value_tok = self.next()
            if value_tok[0] != "math":
                raise Mm0Error("M0103", value_tok[2], "expected a math string")
        self.expect(";")
        if value_tok is not None:
            vnames = dict(names)
            bound_of = {i: a.bound for i, a in enumerate(args)}
            sorts = [a.sort for a in args]
            for k, (dname, ds, off) in enumerate(dummies):
                vnames[dname] = len(args) + k
                bound_of[len(args) + k] = True
                sorts.append(ds)
            value = self.parse_math(value_tok, vnames, sorts, bound_of, ret_sort)
            self.check_def(term, value, value_tok[2])
            term.value = value
        self.term_ids[name[1]] = tid
        self.spec.order.append(("term", tid))
        self.spec.terms.append(term)

    def check_def(self, term: Term, value, offset):
        """The free variables of the body must be among the declared
        dependencies of the return type; dummies are never free."""
        nargs = len(term.args)
        bits = [a.deps if a.bound else 0 for a in term.args]
        nb = sum(1 for a in term.args if a.bound)
        for k in range(len(term.dummies)):
            if nb + k >= MAX_BOUND:
                raise Mm0Error("M0408", offset, f"more than {MAX_BOUND} bound variables")
            bits.append(1 << (nb + k))
        memo = {}

        def fv(e):
            r = memo.get(e)
            if r is not None:
                return r
            if e[0] == "v":
                i = e[1]
                r = bits[i] if (i >= nargs or term.args[i].bound) else term.args[i].deps
            else:
                t = self.spec.terms[e[1]]
                r = 0
                bvs = [e[2][i] for i, a in enumerate(t.args) if a.bound]
                bvfv = [fv(b) for b in bvs]
                for i, a in enumerate(t.args):
                    if a.bound:          # a binder: free only through the return deps
                        continue
                    x = fv(e[2][i])
                    if True:
                        for j, bf in enumerate(bvfv):
                            if a.deps >> j & 1:
                                x &= ~bf
                    r |= x
                for j, bf in enumerate(bvfv):
                    if t.ret_deps >> j & 1:
                        r |= bf
            memo[e] = r
            return r

        extra = fv(value) & ~term.ret_deps
        if extra:
            names = [a.name for a in term.args if a.bound] + [d[0] for d in term.dummies]
            bad = [names[j] for j in range(len(names)) if extra >> j & 1]
            raise Mm0Error("M0304", offset, f"definition {term.name!r}: the body depends on "
                           f"{', '.join(bad)}, not declared in its type")

    def thm_stmt(self, is_axiom):
        start = self.next()[2]
        name = self.ident()
        if name[1] in self.thm_names:
            raise Mm0Error("M0202", name[2], f"theorem {name[1]!r} declared twice")
        args, _, hyp_toks, names = self.binders(allow_dummy=False, allow_formula=True)
        self.expect(":")
        items = []
        while True:
            if self.peek()[0] == "math":
                items.append(("f", self.next()))
            else:
                if hyp_toks:
                    raise Mm0Error("M0204", self.peek()[2], "variables must come before "
                                   "hypotheses")
                items.append(("t", self.type_(names, args, True)))
            if not self.at(">"):
                break
            self.next()
        self.expect(";")
        if items[-1][0] != "f":
            raise Mm0Error("M0103", start, "the conclusion of a theorem must be a formula")
        formulas = list(hyp_toks)
        seen_formula = bool(formulas)
        for kind, x in items[:-1]:
            if kind == "t":
                if seen_formula:
                    raise Mm0Error("M0204", start, "variables must come before hypotheses")
                args.append(Arg("_", x[0], False, x[1]))
            else:
                seen_formula = True
                formulas.append(x)
        formulas.append(items[-1][1])
        bound_of = {i: a.bound for i, a in enumerate(args)}
        sorts = [a.sort for a in args]
        exprs = []
        for m in formulas:
            e, s = self.parse_math_any(m, names, sorts, bound_of)
            if not self.spec.sorts[s].mods & PROVABLE:
                # coerced into the (unique) provable sort it reaches, if any
                targets = sorted(b for b in self.coes.get(s, {})
                                 if self.spec.sorts[b].mods & PROVABLE)
                if len(targets) == 1:
                    for t in self.coes[s][targets[0]]:
                        e = ("t", t, (e,))
                    s = targets[0]
            if not self.spec.sorts[s].mods & PROVABLE:
                raise Mm0Error("M0305", m[2], f"sort {self.spec.sorts[s].name!r} is not "
                               "provable")
            exprs.append(e)
        self.thm_names.add(name[1])
        thm = Theorem(name[1], args, exprs[:-1], exprs[-1], is_axiom, start)
        self.spec.order.append(("thm", len(self.spec.thms)))
        self.spec.thms.append(thm)

    # notation statements
    def delimiter_stmt(self):
        self.next()
        m1 = self.next()
        if m1[0] != "math":
            raise Mm0Error("M0103", m1[2], "expected a math string")
        m2 = None
        if self.peek()[0] == "math":
            m2 = self.next()
        self.expect(";")
        for m, target in ((m1, self.left), (m2, self.right)) if m2 else ((m1, None),):
            for tok in m[1].split():
                if len(tok) != 1:
                    raise Mm0Error("M0207", m[2], f"delimiter {tok!r} is not one character")
                if tok in "()" and False:
                    pass
                if target is None:
                    self.left.add(tok)
                    self.right.add(tok)
                else:
                    target.add(tok)

    def constant(self, m):
        if m[0] != "math":
            raise Mm0Error("M0103", m[2], "expected a constant in a math string")
        toks = self.math_tokens(m[1], m[2])
        if len(toks) != 1:
            raise Mm0Error("M0207", m[2], f"a constant must be one token, got {m[1]!r}")
        c = toks[0]
        if c in ("(", ")"):
            raise Mm0Error("M0207", m[2], "'(' and ')' are reserved")
        return c

    def prec(self):
        t = self.next()
        if t[0] == "id" and t[1] == "max":
            return MAX_PREC
        if t[0] != "num":
            raise Mm0Error("M0206", t[2], f"expected a precedence, found {t[1]!r}")
        if len(t[1]) > 5 or int(t[1]) > 2046:
            raise Mm0Error("M0206", t[2], f"precedence {t[1]} out of range 0..2046")
        return int(t[1])

    def add_const(self, c, p, off):
        old = self.consts.get(c)
        if old is not None and old != p:
            raise Mm0Error("M0207", off, f"constant {c!r} already has precedence {old}")
        self.consts[c] = p

    def term_of(self, tok):
        if tok[1] not in self.term_ids:
            raise Mm0Error("M0203", tok[2], f"unknown term {tok[1]!r}")
        return self.term_ids[tok[1]]

    def simple_notation(self, kind):
        self.next()
        t = self.term_of(self.ident())
        self.expect(":")
        m = self.next()
        c = self.constant(m)
        self.expect("prec")
        p = self.prec()
        self.expect(";")
        term = self.spec.terms[t]
        n = len(term.args)
        if c in self.prefixes or c in self.infixes:
            raise Mm0Error("M0207", m[2], f"constant {c!r} already has a notation")
        if kind == "prefix":
            lits = [("v", i, MAX_PREC) for i in range(n - 1)]
            if n:
                lits.append(("v", n - 1, p))
            self.add_const(c, p, m[2])
            self.prefixes[c] = Notation(t, p, lits)
        else:
            if n != 2:
                raise Mm0Error("M0207", m[2], f"an infix term needs 2 arguments, "
                               f"{term.name!r} has {n}")
            if p == MAX_PREC:
                raise Mm0Error("M0206", m[2], "an infix notation cannot have precedence max")
            right = kind == "infixr"
            if self.prec_assoc.setdefault(p, right) != right:
                raise Mm0Error("M0207", m[2], f"precedence {p} is used by both infixl and infixr")
            self.add_const(c, p, m[2])
            self.infixes[c] = (t, p, right)

    def general_notation(self):
        start = self.next()[2]
        name = self.ident()
        t = self.term_of(name)
        args, _, _, names = self.binders(allow_dummy=False, allow_formula=False)
        self.expect(":")
        self.type_(names, args, True)
        self.expect("=")
        term = self.spec.terms[t]
        if len(args) != len(term.args):
            raise Mm0Error("M0207", name[2], "the notation's binders do not match the term")
        raw = []
        while not self.at(";"):
            if self.at("("):
                self.next()
                m = self.next()
                c = self.constant(m)
                self.expect(":")
                p = self.prec()
                self.expect(")")
                raw.append(("c", c, p, m[2]))
            else:
                v = self.ident()
                if v[1] not in names:
                    raise Mm0Error("M0203", v[2], f"{v[1]!r} is not a binder of the notation")
                raw.append(("v", names[v[1]], 0, v[2]))
        self.expect(";")
        if not raw or raw[0][0] != "c":
            raise Mm0Error("M0207", start, "a notation must start with a constant")
        head, p0 = raw[0][1], raw[0][2]
        if head in self.prefixes or head in self.infixes:
            raise Mm0Error("M0207", raw[0][3], f"constant {head!r} already starts a notation")
        lits = []
        used = set()
        for k in range(1, len(raw)):
            r = raw[k]
            if r[0] == "c":
                self.add_const(r[1], r[2], r[3])
                lits.append(("c", r[1]))
            else:
                if r[1] in used:
                    raise Mm0Error("M0207", r[3], "a variable appears twice in a notation")
                used.add(r[1])
                if k + 1 == len(raw):
                    q = p0
                elif raw[k + 1][0] == "c":
                    q = min(raw[k + 1][2] + 1, MAX_PREC)
                else:
                    q = MAX_PREC
                lits.append(("v", r[1], q))
        if len(used) != len(term.args):
            raise Mm0Error("M0207", start, "every argument must appear in the notation")
        self.add_const(head, p0, raw[0][3])
        self.prefixes[head] = Notation(t, p0, lits)

    def coercion_stmt(self):
        self.next()
        tok = self.ident()
        t = self.term_of(tok)
        self.expect(":")
        s1 = self.sort_of(self.ident())
        self.expect(">")
        s2 = self.sort_of(self.ident())
        self.expect(";")
        term = self.spec.terms[t]
        if len(term.args) != 1 or term.args[0].sort != s1 or term.ret_sort != s2 \
                or term.args[0].bound:
            raise Mm0Error("M0208", tok[2], f"{term.name!r} is not a term from "
                           f"{self.spec.sorts[s1].name} to {self.spec.sorts[s2].name}")
        # every a ->* s1 and s2 ->* b: a new path a -> b, which must not exist yet
        into = {s1: []}
        for a, out in self.coes.items():
            if s1 in out:
                into[a] = out[s1]
        outof = {s2: []}
        for b, path in self.coes.get(s2, {}).items():
            outof[b] = path
        for a, pa in into.items():
            for b, pb in outof.items():
                if a == b:
                    raise Mm0Error("M0208", tok[2], "the coercion makes a cycle")
                if b in self.coes.get(a, {}):
                    raise Mm0Error("M0208", tok[2], f"a second coercion path from "
                                   f"{self.spec.sorts[a].name} to {self.spec.sorts[b].name}")
        for a, pa in into.items():
            for b, pb in outof.items():
                # applied innermost first
                self.coes.setdefault(a, {})[b] = pa + [t] + pb

    def inout_stmt(self, word):
        self.next()
        self.ident()
        self.expect(":")
        while not self.at(";"):
            t = self.next()
            if t[0] not in ("id", "math"):
                raise Mm0Error("M0103", t[2], f"unexpected {t[1]!r} in {word}")
        self.expect(";")
        if word == "input":
            self.spec.inputs += 1
        else:
            self.spec.outputs += 1

    # the secondary (math) parser
    def math_tokens(self, text, offset):
        out = []
        for chunk in text.split():
            cur = ""
            for ch in chunk:
                if ch in self.right:
                    if cur:
                        out.append(cur)
                    cur = ch
                    if ch in self.left:
                        out.append(cur)
                        cur = ""
                elif ch in self.left:
                    out.append(cur + ch)
                    cur = ""
                else:
                    cur += ch
            if cur:
                out.append(cur)
        return out

    def parse_math_any(self, m, names, sorts, bound_of):
        p = MathParser(self, m, names, sorts, bound_of)
        e, s = p.expr(0)
        p.finish()
        return e, s

    def parse_math(self, m, names, sorts, bound_of, target):
        p = MathParser(self, m, names, sorts, bound_of)
        e, s = p.expr(0)
        p.finish()
        return p.coerce(e, s, target)


class MathParser:
    def __init__(self, reader: Reader, m, names, sorts, bound_of):
        self.r = reader
        self.toks = reader.math_tokens(m[1], m[2])
        self.off = m[2]
        self.i = 0
        self.names = names
        self.sorts = sorts
        self.bound_of = bound_of
        self.depth = 0

    def fail(self, msg):
        raise Mm0Error("M0301", self.off, msg)

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def finish(self):
        if self.i != len(self.toks):
            self.fail(f"unexpected {self.toks[self.i]!r} in the math string")

    def coerce(self, e, s, target):
        if s == target:
            return e
        path = self.r.coes.get(s, {}).get(target)
        if path is None:
            sn = self.r.spec.sorts
            self.fail(f"expected sort {sn[target].name}, found {sn[s].name}")
        for t in path:
            e = ("t", t, (e,))
        return e

    def arg(self, term, i, prec):
        a = term.args[i]
        e, s = self.expr(prec)
        if a.bound:
            if e[0] != "v" or not self.bound_of.get(e[1]) or s != a.sort:
                self.fail(f"argument {i + 1} of {term.name!r} must be a bound variable of "
                          f"sort {self.r.spec.sorts[a.sort].name}")
            return e
        return self.coerce(e, s, a.sort)

    def expr(self, p):
        self.depth += 1
        if self.depth > 250:
            raise Mm0Error("E0901", self.off, "math expression nested too deeply")
        self.r.budget -= 1
        if self.r.budget < 0:
            raise Mm0Error("E0901", self.off, "parsing budget exhausted")
        e, s = self.prefix(p)
        while True:
            c = self.peek()
            inf = self.r.infixes.get(c)
            if inf is None:
                break
            t, q, right = inf
            if q < p:
                break
            self.i += 1
            term = self.r.spec.terms[t]
            lhs = self.coerce(e, s, term.args[0].sort) if not term.args[0].bound else e
            rhs = self.arg(term, 1, q if right else q + 1)
            e, s = ("t", t, (lhs, rhs)), term.ret_sort
        self.depth -= 1
        return e, s

    def prefix(self, p):
        c = self.peek()
        if c is None:
            self.fail("math string ends where an expression was expected")
        self.i += 1
        if c == "(":
            e, s = self.expr(0)
            if self.peek() != ")":
                self.fail("missing ')'")
            self.i += 1
            return e, s
        nota = self.r.prefixes.get(c)
        if nota is not None:
            if nota.prec < p:
                self.fail(f"{c!r} (precedence {nota.prec}) needs parentheses here")
            term = self.r.spec.terms[nota.term]
            args = [None] * len(term.args)
            for lit in nota.lits:
                if lit[0] == "c":
                    if self.peek() != lit[1]:
                        self.fail(f"expected {lit[1]!r}")
                    self.i += 1
                else:
                    args[lit[1]] = self.arg(term, lit[1], lit[2])
            return ("t", nota.term, tuple(args)), term.ret_sort
        if c in self.r.consts or c in self.r.infixes:
            self.fail(f"unexpected {c!r}")
        if c in self.names:
            k = self.names[c]
            return ("v", k), self.sorts[k]
        t = self.r.term_ids.get(c)
        if t is None:
            self.fail(f"unknown symbol {c!r}")
        term = self.r.spec.terms[t]
        if term.args and p > APP_PREC:
            self.fail(f"an application of {c!r} needs parentheses here")
        args = tuple(self.arg(term, i, MAX_PREC) for i in range(len(term.args)))
        return ("t", t, args), term.ret_sort


def read_mm0(data: bytes) -> Spec:
    """Read and check a .mm0 file; raises `Mm0Error`."""
    return Reader(data).read()
