"""The `.mmu` checker (text proofs; reference engine).

An `.mmu` file is a list of s-expressions: `(sort ...)`, `(term ...)`,
`(def ...)`, `(axiom ...)`, `(theorem ...)` (optionally `local`), and the
input/output directives.  Public statements are matched, in order, to the
`.mm0` `Spec`; proofs are checked with structural equality of expressions,
conversions (`:conv`, `:sym`, `:unfold`, congruence) and `:let`.

Expressions here are tuples: ("v", name) or ("t", term name, args).
"""
from __future__ import annotations

from .errors import Mm0Error
from .reader import MODIFIERS, PROVABLE, STRICT, FREE, MAX_BOUND, Spec

WS = b" \n"


def _err(code, off, msg):
    raise Mm0Error(code, off, msg, where="proof")


def parse_sexprs(data: bytes):
    """Atoms are (text, offset) tuples; lists are Python lists with the
    offset of their '(' in `.off`."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as exc:
        _err("M0101", exc.start, "non-ASCII byte")
    out = []
    stack = [out]
    offs = [0]
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == " " or c == "\n":
            i += 1
        elif c == "-" and text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c == "(":
            if len(stack) > 10_000:
                _err("E0901", i, "s-expression nested too deeply")
            lst = SList()
            lst.off = i
            stack[-1].append(lst)
            stack.append(lst)
            i += 1
        elif c == ")":
            if len(stack) == 1:
                _err("M0103", i, "unmatched ')'")
            stack.pop()
            i += 1
        elif c.isalnum() or c in "_:.":
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_:."):
                j += 1
            out_atom = Atom(text[i:j])
            out_atom.off = i
            stack[-1].append(out_atom)
            i = j
        else:
            _err("M0101", i, f"invalid character {c!r}")
    if len(stack) != 1:
        _err("M0103", n, "unclosed '('")
    return out


class SList(list):
    off = 0


class Atom(str):
    off = 0


def off_of(x):
    return getattr(x, "off", 0)


def atom(x, what="a name"):
    if not isinstance(x, Atom):
        _err("M0103", off_of(x), f"expected {what}")
    return str(x)


def lst(x, what="a list"):
    if not isinstance(x, SList):
        _err("M0103", off_of(x), f"expected {what}")
    return x


class MmuChecker:
    def __init__(self, spec: Spec, data: bytes, budget: int = 200_000_000):
        self.spec = spec
        self.forms = parse_sexprs(data)
        self.budget = budget
        self.sorts = {}            # name -> mods
        self.terms = {}            # name -> (args, ret_sort, ret_deps, value, dummies)
        self.thms = {}             # name -> (args, hyps, concl)
        self.oi = 0

    def tick(self, off):
        self.budget -= 1
        if self.budget < 0:
            _err("E0901", off, "checking budget exhausted")

    def next_mm0(self, kind, off, name):
        order = self.spec.order
        if self.oi >= len(order) or order[self.oi][0] != kind:
            _err("M0404", off, f"{name!r} does not match the next .mm0 statement")
        k = order[self.oi][1]
        self.oi += 1
        return k

    def check(self):
        count = 0
        for f in self.forms:
            f = lst(f, "a statement")
            if not f:
                _err("M0103", f.off, "empty statement")
            head = atom(f[0], "a statement keyword")
            local = head == "local"
            if local:
                f = SList(f[1:])
                f.off = off_of(f[0]) if f else 0
                head = atom(f[0], "a statement keyword") if f else ""
            if head == "sort" and not local:
                self.sort(f)
            elif head == "term" and not local:
                self.term(f, False, False)
            elif head == "def":
                self.term(f, True, local)
            elif head == "axiom" and not local:
                self.theorem(f, True, False)
            elif head == "theorem":
                self.theorem(f, False, local)
            elif head in ("input", "output") and not local:
                pass
            else:
                _err("M0103", f.off, f"unknown statement {head!r}")
            count += 1
        if self.oi != len(self.spec.order):
            _err("M0409", 0, "the proof file ends before the .mm0's statements do")
        return count

    def sort(self, f):
        name = atom(f[1]) if len(f) > 1 else _err("M0103", f.off, "sort without a name")
        mods, last = 0, -1
        for m in f[2:]:
            m = atom(m, "a sort modifier")
            if m not in MODIFIERS or MODIFIERS.index(m) <= last:
                _err("M0201", f.off, f"bad sort modifier {m!r}")
            last = MODIFIERS.index(m)
            mods |= 1 << last
        if name in self.sorts:
            _err("M0202", f.off, f"sort {name!r} declared twice")
        k = self.next_mm0("sort", f.off, name)
        s = self.spec.sorts[k]
        if s.name != name or s.mods != mods:
            _err("M0404", f.off, f"sort {name!r} differs from the .mm0's {s.name!r}")
        self.sorts[name] = (mods, k)

    def sort_id(self, x):
        name = atom(x, "a sort")
        if name not in self.sorts:
            _err("M0203", off_of(x), f"unknown sort {name!r}")
        return name

    def binders(self, blist, dummies=False):
        """[(name, sort, bound, deps frozenset)]"""
        out = []
        seen = {}
        for b in lst(blist, "binders"):
            b = lst(b, "a binder")
            if len(b) not in (2, 3):
                _err("M0204", b.off, "bad binder")
            name = atom(b[0])
            s = self.sort_id(b[1])
            if len(b) == 2:
                if self.sorts[s][0] & STRICT:
                    _err("M0204", b.off, f"bound variable of strict sort {s!r}")
                if dummies and self.sorts[s][0] & FREE:
                    _err("M0204", b.off, f"dummy of free sort {s!r}")
                out.append((name, s, True, frozenset([name])))
            else:
                if dummies:
                    _err("M0204", b.off, "a dummy has no dependencies")
                deps = []
                for d in lst(b[2], "dependencies"):
                    d = atom(d)
                    if d not in seen or not seen[d][2]:
                        _err("M0205", off_of(b), f"{d!r} is not an earlier bound variable")
                    deps.append(d)
                out.append((name, s, False, frozenset(deps)))
            if name != "_" and name in seen:
                _err("M0202", b.off, f"variable {name!r} declared twice")
            seen[name] = out[-1]
        if sum(1 for x in out if x[2]) > MAX_BOUND:
            _err("M0408", off_of(blist), f"more than {MAX_BOUND} bound variables")
        return out

    def match_args(self, args, mm0_args, off, name):
        names = [a[0] for a in args]
        if len(args) != len(mm0_args):
            _err("M0404", off, f"{name!r}: arguments differ from the .mm0")
        for (n, s, b, d), a in zip(args, mm0_args):
            bound_names = {names[j] for j, m in enumerate(mm0_args) if m.bound and
                           a.deps & m.deps and not a.bound}
            if s != self.spec.sorts[a.sort].name or b != a.bound or \
                    (not b and d != bound_names):
                _err("M0404", off, f"{name!r}: arguments differ from the .mm0")

    def to_names(self, e, names):
        if e[0] == "v":
            return ("v", names[e[1]])
        return ("t", self.spec.terms[e[1]].name, tuple(self.to_names(x, names) for x in e[2]))

    def term(self, f, is_def, local):
        if len(f) < 4:
            _err("M0103", f.off, "malformed term")
        name = atom(f[1])
        if name in self.terms:
            _err("M0202", f.off, f"term {name!r} declared twice")
        args = self.binders(f[2])
        ret = lst(f[3], "a return type")
        if len(ret) != 2:
            _err("M0103", ret.off, "malformed return type")
        rs = self.sort_id(ret[0])
        rdeps = frozenset(atom(d) for d in lst(ret[1]))
        if self.sorts[rs][0] & 1:
            _err("M0201", f.off, f"sort {rs!r} is pure")
        value = None
        dummies = []
        if is_def:
            if len(f) != 6:
                _err("M0103", f.off, "malformed def")
            dummies = self.binders(f[4], dummies=True)
            ctx = {a[0]: a for a in args + dummies}
            value, vs = self.expr(f[5], ctx)
            if vs != rs:
                _err("M0302", off_of(f[5]), f"def {name!r}: value of sort {vs}, not {rs}")
            fv = self.fv(value, ctx)
            if not fv <= rdeps:
                _err("M0304", off_of(f[5]), f"def {name!r}: the value depends on "
                     f"{sorted(fv - rdeps)}, not declared in its type")
        elif len(f) != 4:
            _err("M0103", f.off, "malformed term")
        if not local:
            k = self.next_mm0("term", f.off, name)
            t = self.spec.terms[k]
            self.match_args(args, t.args, f.off, name)
            bound_names = {args[j][0] for j, a in enumerate(t.args) if a.bound and
                           a.deps & t.ret_deps}
            if t.name != name or t.is_def != is_def or \
                    self.spec.sorts[t.ret_sort].name != rs or rdeps != bound_names:
                _err("M0404", f.off, f"{name!r} differs from the .mm0's {t.name!r}")
            if is_def and t.value is not None:
                names = [a[0] for a in args] + [d[0] for d in t.dummies]
                want = self.to_names(t.value, names)
                # the .mmu may name and order its dummies differently: compare up to a
                # sort-preserving bijection of the dummies
                mine = {d[0]: self.spec.sorts[d[1]].name for d in t.dummies}
                theirs = {d[0]: d[1] for d in dummies}
                if len(dummies) != len(t.dummies) or \
                        not self.alpha(want, value, mine, theirs, {}, {}):
                    _err("M0404", f.off, f"def {name!r}: value differs from the .mm0")
        self.terms[name] = (args, rs, rdeps, value, dummies)

    def alpha(self, a, b, mine, theirs, fwd, back):
        if a[0] != b[0]:
            return False
        if a[0] == "v":
            x, y = a[1], b[1]
            if x in mine or y in theirs:
                if x not in mine or y not in theirs or mine[x] != theirs[y]:
                    return False
                if fwd.setdefault(x, y) != y or back.setdefault(y, x) != x:
                    return False
                return True
            return x == y
        return a[1] == b[1] and len(a[2]) == len(b[2]) and all(
            self.alpha(x, y, mine, theirs, fwd, back) for x, y in zip(a[2], b[2]))

    def rename(self, e, ren):
        if e[0] == "v":
            return ("v", ren.get(e[1], e[1]))
        return ("t", e[1], tuple(self.rename(x, ren) for x in e[2]))

    def fv(self, e, ctx):
        if e[0] == "v":
            v = ctx[e[1]]
            return v[3]
        args, rs, rdeps, _, _ = self.terms[e[1]]
        out = set()
        for (n, s, b, d), x in zip(args, e[2]):
            if b:
                continue
            y = set(self.fv(x, ctx))
            for bn in d:
                j = [a[0] for a in args].index(bn)
                y -= self.fv(e[2][j], ctx)
            out |= y
        for bn in rdeps:
            j = [a[0] for a in args].index(bn)
            out |= self.fv(e[2][j], ctx)
        return frozenset(out)

    def expr(self, x, ctx, depth=0):
        """(expression, sort)."""
        self.tick(off_of(x))
        if depth > 400:
            _err("E0901", off_of(x), "expression nested too deeply")
        if isinstance(x, Atom):
            v = ctx.get(str(x))
            if v is None:
                _err("M0203", x.off, f"unknown variable {x!r}")
            return ("v", str(x)), v[1]
        if not x:
            _err("M0103", x.off, "empty expression")
        t = atom(x[0], "a term name")
        if t not in self.terms:
            _err("M0203", x.off, f"unknown term {t!r}")
        args, rs = self.terms[t][0], self.terms[t][1]
        if len(x) - 1 != len(args):
            _err("M0302", x.off, f"{t!r} takes {len(args)} arguments")
        out = []
        for (n, s, b, d), y in zip(args, x[1:]):
            e, es = self.expr(y, ctx, depth + 1)
            if es != s:
                _err("M0302", off_of(y), f"{t!r}: argument {n!r} must be of sort {s}")
            if b and (e[0] != "v" or not ctx[e[1]][2]):
                _err("M0303", off_of(y), f"{t!r}: argument {n!r} must be a bound variable")
            out.append(e)
        return ("t", t, tuple(out)), rs

    def subst(self, e, sub):
        if e[0] == "v":
            return sub[e[1]]
        return ("t", e[1], tuple(self.subst(x, sub) for x in e[2]))

    def theorem(self, f, is_axiom, local):
        want = 5 if is_axiom else 7
        if len(f) != want:
            _err("M0103", f.off, "malformed " + ("axiom" if is_axiom else "theorem"))
        name = atom(f[1])
        if name in self.thms:
            _err("M0202", f.off, f"theorem {name!r} declared twice")
        args = self.binders(f[2])
        ctx = {a[0]: a for a in args}
        hyps = []
        hnames = {}
        for h in lst(f[3]):
            if is_axiom:
                e, s = self.expr(h, ctx)
            else:
                h = lst(h, "a hypothesis")
                if len(h) != 2:
                    _err("M0103", h.off, "malformed hypothesis")
                e, s = self.expr(h[1], ctx)
                hnames[atom(h[0])] = e
            if not self.sorts[s][0] & PROVABLE:
                _err("M0305", off_of(h), "hypothesis of a sort that is not provable")
            hyps.append(e)
        concl, cs = self.expr(f[4], ctx)
        if not self.sorts[cs][0] & PROVABLE:
            _err("M0305", off_of(f[4]), "conclusion of a sort that is not provable")
        if not local:
            k = self.next_mm0("thm", f.off, name)
            t = self.spec.thms[k]
            self.match_args(args, t.args, f.off, name)
            names = [a[0] for a in args]
            if t.name != name or t.is_axiom != is_axiom or \
                    [self.to_names(h, names) for h in t.hyps] != hyps or \
                    self.to_names(t.concl, names) != concl:
                _err("M0404", f.off, f"{name!r} differs from the .mm0's {t.name!r}")
        if not is_axiom:
            dummies = self.binders(f[5], dummies=True)
            for d in dummies:
                if d[0] in ctx:
                    _err("M0202", off_of(f[5]), f"dummy {d[0]!r} shadows a variable")
                ctx[d[0]] = d
            if sum(1 for a in ctx.values() if a[2]) > MAX_BOUND:
                _err("M0408", off_of(f[5]), f"more than {MAX_BOUND} bound variables")
            got = self.proof(f[6], ctx, dict(hnames), 0)
            if got != concl:
                _err("M0406", off_of(f[6]), f"theorem {name!r}: the proof proves a different "
                     "statement")
        self.thms[name] = (args, hyps, concl)

    def proof(self, x, ctx, hyps, depth):
        self.tick(off_of(x))
        if depth > 400:
            _err("E0901", off_of(x), "proof nested too deeply")
        if isinstance(x, Atom):
            if str(x) not in hyps:
                _err("M0203", x.off, f"unknown hypothesis {x!r}")
            return hyps[str(x)]
        if not x:
            _err("M0103", x.off, "empty proof")
        head = atom(x[0], "a theorem name")
        if head == ":let":
            if len(x) != 4:
                _err("M0103", x.off, "malformed :let")
            h = atom(x[1])
            e = self.proof(x[2], ctx, hyps, depth + 1)
            inner = dict(hyps)
            inner[h] = e
            return self.proof(x[3], ctx, inner, depth + 1)
        if head == ":conv":
            if len(x) != 4:
                _err("M0103", x.off, "malformed :conv")
            e, _ = self.expr(x[1], ctx)
            lhs, rhs = self.conv(x[2], ctx, depth + 1)
            p = self.proof(x[3], ctx, hyps, depth + 1)
            if lhs != e or rhs != p:
                _err("M0406", x.off, ":conv: the conversion does not connect the statements")
            return e
        if head not in self.thms:
            _err("M0203", x.off, f"unknown theorem {head!r}")
        args, thyps, concl = self.thms[head]
        if len(x) < 2:
            _err("M0103", x.off, "malformed theorem application")
        es = lst(x[1], "the substitution")
        if len(es) != len(args) or len(x) - 2 != len(thyps):
            _err("M0406", x.off, f"{head!r}: wrong number of arguments or hypotheses")
        sub = {}
        bound_vals = {}
        for (n, s, b, d), y in zip(args, es):
            e, es_ = self.expr(y, ctx)
            if es_ != s:
                _err("M0302", off_of(y), f"{head!r}: argument {n!r} must be of sort {s}")
            if b:
                if e[0] != "v" or not ctx[e[1]][2]:
                    _err("M0303", off_of(y), f"{head!r}: argument {n!r} must be a bound variable")
                if e[1] in bound_vals.values():
                    _err("M0406", off_of(y), f"{head!r}: two bound arguments get the same "
                         f"variable {e[1]!r}")
                bound_vals[n] = e[1]
            else:
                vs = self.vars(e, ctx)
                for bn, bv in bound_vals.items():
                    if bn not in d and bv in vs:
                        _err("M0406", off_of(y), f"{head!r}: disjoint variable violation: "
                             f"{n!r} may not contain {bv!r}")
            sub[n] = e
        # non-bound arguments may not contain later bound variables either
        names = [a[0] for a in args]
        for i, (n, s, b, d) in enumerate(args):
            if b:
                continue
            vs = self.vars(sub[n], ctx)
            for j in range(i + 1, len(args)):
                if args[j][2] and bound_vals[args[j][0]] in vs:
                    _err("M0406", x.off, f"{head!r}: disjoint variable violation: {n!r} "
                         f"may not contain {bound_vals[args[j][0]]!r}")
        for h, y in zip(thyps, x[2:]):
            got = self.proof(y, ctx, hyps, depth + 1)
            if got != self.subst(h, sub):
                _err("M0406", off_of(y), f"{head!r}: hypothesis does not match")
        return self.subst(concl, sub)

    def vars(self, e, ctx):
        if e[0] == "v":
            return ctx[e[1]][3]
        out = set()
        for a in e[2]:
            out |= self.vars(a, ctx)
        return out

    def conv(self, x, ctx, depth):
        """(lhs, rhs) of a conversion proof."""
        self.tick(off_of(x))
        if depth > 400:
            _err("E0901", off_of(x), "conversion nested too deeply")
        if isinstance(x, Atom):
            e, _ = self.expr(x, ctx)
            return e, e
        if not x:
            _err("M0103", x.off, "empty conversion")
        head = atom(x[0])
        if head == ":sym":
            if len(x) != 2:
                _err("M0103", x.off, "malformed :sym")
            a, b = self.conv(x[1], ctx, depth + 1)
            return b, a
        if head == ":unfold":
            if len(x) != 5:
                _err("M0103", x.off, "malformed :unfold")
            t = atom(x[1])
            if t not in self.terms or self.terms[t][3] is None:
                _err("M0406", x.off, f":unfold: {t!r} is not a definition")
            args, rs, rdeps, value, dummies = self.terms[t]
            es = lst(x[2])
            ds = lst(x[3])
            if len(es) != len(args) or len(ds) != len(dummies):
                _err("M0406", x.off, f":unfold {t}: wrong number of arguments or dummies")
            lhs_args = []
            sub = {}
            for (n, s, b, d), y in zip(args, es):
                e, _ = self.expr(y, ctx)
                sub[n] = e
                lhs_args.append(e)
            used = set()
            for (n, s, _, _), y in zip(dummies, ds):
                v = atom(y)
                if v not in ctx or not ctx[v][2] or ctx[v][1] != s or v in used:
                    _err("M0406", off_of(y), f":unfold {t}: {v!r} is not a fresh dummy of "
                         f"sort {s}")
                used.add(v)
                sub[n] = ("v", v)
            for e in lhs_args:
                if self.vars(e, ctx) & used:
                    _err("M0406", x.off, f":unfold {t}: a dummy occurs in the arguments")
            body = self.subst(value, sub)
            a, b = self.conv(x[4], ctx, depth + 1)
            if a != body:
                _err("M0406", x.off, f":unfold {t}: the conversion does not start at the "
                     "unfolded body")
            return ("t", t, tuple(lhs_args)), b
        if head not in self.terms:
            _err("M0203", x.off, f"unknown term {head!r}")
        args = self.terms[head][0]
        if len(x) - 1 != len(args):
            _err("M0302", x.off, f"{head!r} takes {len(args)} arguments")
        ls, rs_ = [], []
        for (n, s, b, d), y in zip(args, x[1:]):
            a, c = self.conv(y, ctx, depth + 1)
            ls.append(a)
            rs_.append(c)
        return ("t", head, tuple(ls)), ("t", head, tuple(rs_))


def check_mmu(spec: Spec, data: bytes, budget: int = 200_000_000) -> int:
    return MmuChecker(spec, data, budget).check()
