"""The `.mmb` checker (reference engine, pure Python).

Reads the binary proof file, bounds-checks every header field, table entry
and stream index, runs the proof stream's stack machine and the unify
streams, and matches every public statement against the `.mm0` `Spec`, the
only trusted input.  Equality of expressions is pointer identity (`is`), as
the format requires.  Dependency sets are 55-bit bitsets.
"""
from __future__ import annotations

import struct

from .errors import Mm0Error
from .reader import PROVABLE, STRICT, FREE, MAX_BOUND, Spec

DEPS_MASK = (1 << MAX_BOUND) - 1
RESERVED_BIT = 1 << 55

# proof stream statements
ST_END, ST_AXIOM, ST_SORT, ST_TERM, ST_THM, ST_LOCAL_DEF, ST_LOCAL_THM = 0, 2, 4, 5, 6, 0x0D, 0x0E
# unify commands
U_TERM, U_TERM_SAVE, U_REF, U_DUMMY, U_HYP = 0x30, 0x31, 0x32, 0x33, 0x36
# proof commands
P_TERM, P_TERM_SAVE, P_REF, P_DUMMY, P_THM, P_THM_SAVE, P_HYP, P_CONV, P_REFL, P_SYM, \
    P_CONG, P_UNFOLD, P_CONV_CUT, P_CONV_SAVE, P_SAVE, P_SORRY = \
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1E, 0x1F, 0x20

# stack element tags
EXPR, PROOF, CONV, COBLIG = 0, 1, 2, 3


class Expr:
    """An allocated expression.  `head` is -1 for a variable; `deps` is V(e)
    in theorem proofs and FV(e) in definitions."""
    __slots__ = ("sort", "bound", "deps", "head", "args")

    def __init__(self, sort, bound, deps, head, args):
        self.sort = sort
        self.bound = bound
        self.deps = deps
        self.head = head
        self.args = args


class TermEntry:
    __slots__ = ("args", "ret_sort", "ret_deps", "is_def", "unify", "bv", "offset")


class ThmEntry:
    __slots__ = ("args", "unify", "offset")


class Checker:
    def __init__(self, spec: Spec, data: bytes, budget: int = 200_000_000):
        self.spec = spec
        self.d = data
        self.n = len(data)
        self.budget = budget

    def err(self, code, off, msg):
        raise Mm0Error(code, off, msg, where="proof")

    def u32(self, off):
        if off < 0 or off + 4 > self.n:
            self.err("M0403", off, "read past the end of the file")
        return struct.unpack_from("<I", self.d, off)[0]

    def u64(self, off):
        if off < 0 or off + 8 > self.n:
            self.err("M0403", off, "read past the end of the file")
        return struct.unpack_from("<Q", self.d, off)[0]

    def cmd(self, off):
        """(cmd, data, next offset) of the command at `off`."""
        if off >= self.n:
            self.err("M0405", off, "stream runs past the end of the file")
        b = self.d[off]
        size = b >> 6
        c = b & 0x3F
        if size == 0:
            return c, 0, off + 1
        k = (0, 1, 2, 4)[size]
        if off + 1 + k > self.n:
            self.err("M0405", off, "command runs past the end of the file")
        return c, int.from_bytes(self.d[off + 1:off + 1 + k], "little"), off + 1 + k

    # ------------------------------------------------------------ header
    def header(self):
        if self.n < 40:
            self.err("M0401", 0, "file shorter than the 40-byte header")
        magic, version, nsorts, res, nterms, nthms, pterms, pthms, pproof, res2, pindex = \
            struct.unpack_from("<4sBBHIIIIIIQ", self.d, 0)
        if magic != b"MM0B":
            self.err("M0401", 0, "bad magic (expected MM0B)")
        if version != 1:
            self.err("M0401", 4, f"unsupported version {version}")
        if nsorts > 128:
            self.err("M0401", 5, f"{nsorts} sorts (at most 128)")
        if 40 + nsorts > self.n:
            self.err("M0403", 40, "sort table past the end of the file")
        for name, p, count in (("term", pterms, nterms), ("theorem", pthms, nthms)):
            if p % 8 or p + 8 * count > self.n:
                self.err("M0403", 12 if name == "term" else 16,
                         f"{name} table ({count} entries at {p}) out of bounds or misaligned")
        if pproof > self.n:
            self.err("M0403", 24, "proof stream pointer out of bounds")
        self.nsorts, self.nterms, self.nthms = nsorts, nterms, nthms
        self.pterms, self.pthms, self.pproof = pterms, pthms, pproof
        self.sort_mods = list(self.d[40:40 + nsorts])
        for i, m in enumerate(self.sort_mods):
            if m & 0xF0:
                self.err("M0402", 40 + i, f"sort {i}: unused modifier bits set")
        self.terms: list = [None] * nterms
        #: .mm0 term index -> .mmb term index (local defs interleave in the .mmb)
        self.term_map: dict[int, int] = {}
        self.thms: list = [None] * nthms

    def read_args(self, p, count, nsorts_now, where):
        """Validate and return [(sort, bound, deps)]."""
        if p % 8 or p < 0 or p + 8 * count > self.n:
            self.err("M0403", where, "argument list out of bounds or misaligned")
        args = []
        nb = 0
        for i in range(count):
            w = self.u64(p + 8 * i)
            deps = w & DEPS_MASK
            if w & RESERVED_BIT:
                self.err("M0402", p + 8 * i, f"argument {i}: reserved dependency bit 55 set")
            sort = (w >> 56) & 0x7F
            bound = bool(w >> 63)
            if sort >= nsorts_now:
                self.err("M0403", p + 8 * i, f"argument {i}: sort {sort} not declared yet")
            if bound:
                if nb >= MAX_BOUND:
                    self.err("M0408", p + 8 * i, f"more than {MAX_BOUND} bound variables")
                if deps != 1 << nb:
                    self.err("M0402", p + 8 * i, f"bound argument {i} must depend on itself only")
                if self.sort_mods[sort] & STRICT:
                    self.err("M0402", p + 8 * i, f"bound argument {i} of a strict sort")
                nb += 1
            elif deps >> nb:
                self.err("M0402", p + 8 * i, f"argument {i} depends on a later bound variable")
            args.append((sort, bound, deps))
        return args, nb

    # ------------------------------------------------------------ main loop
    def check(self):
        self.header()
        spec = self.spec
        order = spec.order
        oi = 0
        nsort = nterm = nthm = 0
        pos = self.pproof
        stmt_index = 0
        while True:
            c, data, after = self.cmd(pos)
            if c == ST_END:
                break
            nxt = pos + data
            if data == 0 or nxt > self.n:
                self.err("M0405", pos, f"statement {stmt_index}: bad length {data}")
            if c == ST_SORT:
                if nsort >= self.nsorts:
                    self.err("M0409", pos, "more sort statements than the header declares")
                if oi >= len(order) or order[oi][0] != "sort":
                    self.err("M0404", pos, f"statement {stmt_index}: a sort where the .mm0 has "
                             f"{self._what(oi)}")
                s = spec.sorts[order[oi][1]]
                if order[oi][1] != nsort or self.sort_mods[nsort] != s.mods:
                    self.err("M0404", pos, f"sort {s.name!r}: modifiers differ from the .mm0")
                oi += 1
                nsort += 1
                if nxt != after:
                    self.err("M0405", pos, "a sort statement has no proof")
            elif c in (ST_TERM, ST_LOCAL_DEF):
                if nterm >= self.nterms:
                    self.err("M0409", pos, "more term statements than the header declares")
                entry = self.term_entry(nterm, nsort)
                if c == ST_LOCAL_DEF and not entry.is_def:
                    self.err("M0402", pos, "a local def whose table entry is not a def")
                if c == ST_TERM:
                    if oi >= len(order) or order[oi][0] != "term":
                        self.err("M0404", pos, f"statement {stmt_index}: a term where the .mm0 "
                                 f"has {self._what(oi)}")
                    self.match_term(entry, spec.terms[order[oi][1]], pos)
                    self.term_map[order[oi][1]] = nterm
                    oi += 1
                if entry.is_def:
                    end = self.prove(pos, after, nterm, nthm, entry, None)
                    if end != nxt:
                        self.err("M0405", pos, "statement length does not match its proof")
                elif nxt != after:
                    self.err("M0405", pos, "a term statement has no proof")
                self.terms[nterm] = entry
                nterm += 1
            elif c in (ST_AXIOM, ST_THM, ST_LOCAL_THM):
                if nthm >= self.nthms:
                    self.err("M0409", pos, "more theorem statements than the header declares")
                entry = self.thm_entry(nthm, nsort, nterm)
                if c != ST_LOCAL_THM:
                    want = "axiom" if c == ST_AXIOM else "theorem"
                    if oi >= len(order) or order[oi][0] != "thm" or \
                            spec.thms[order[oi][1]].is_axiom != (c == ST_AXIOM):
                        self.err("M0404", pos, f"statement {stmt_index}: an {want} where the "
                                 f".mm0 has {self._what(oi)}")
                    self.match_thm(entry, spec.thms[order[oi][1]], pos)
                    oi += 1
                end = self.prove(pos, after, nterm, nthm, None, (entry, c == ST_AXIOM))
                if end != nxt:
                    self.err("M0405", pos, "statement length does not match its proof")
                self.thms[nthm] = entry
                nthm += 1
            else:
                self.err("M0405", pos, f"unknown statement code {c:#x}")
            pos = nxt
            stmt_index += 1
        if oi != len(order):
            self.err("M0409", pos, f"the proof file ends before the .mm0's {self._what(oi)}")
        if (nsort, nterm, nthm) != (self.nsorts, self.nterms, self.nthms):
            self.err("M0409", pos, "fewer statements than the header declares")
        return stmt_index

    def _what(self, oi):
        if oi >= len(self.spec.order):
            return "no more statements"
        kind, i = self.spec.order[oi]
        if kind == "sort":
            return f"sort {self.spec.sorts[i].name!r}"
        if kind == "term":
            t = self.spec.terms[i]
            return f"{'def' if t.is_def else 'term'} {t.name!r}"
        t = self.spec.thms[i]
        return f"{'axiom' if t.is_axiom else 'theorem'} {t.name!r}"

    # ------------------------------------------------------------ tables
    def term_entry(self, i, nsort):
        off = self.pterms + 8 * i
        nargs = struct.unpack_from("<H", self.d, off)[0]
        rs = self.d[off + 2]
        pdata = self.u32(off + 4)
        e = TermEntry()
        e.offset = off
        e.is_def = bool(rs & 0x80)
        e.ret_sort = rs & 0x7F
        if e.ret_sort >= nsort:
            self.err("M0403", off, f"term {i}: return sort not declared yet")
        if self.d[off + 3]:
            self.err("M0402", off, f"term {i}: reserved byte set")
        e.args, nb = self.read_args(pdata, nargs, nsort, off)
        ret = self.u64(pdata + 8 * nargs)
        if ret >> 63 or (ret >> 56) & 0x7F != e.ret_sort or ret & RESERVED_BIT:
            self.err("M0402", pdata + 8 * nargs, f"term {i}: bad return type")
        e.ret_deps = ret & DEPS_MASK
        if e.ret_deps >> nb:
            self.err("M0402", pdata + 8 * nargs, f"term {i}: return depends on unknown variables")
        # the unify stream follows the return type inline (as mm0-rs writes it)
        e.unify = pdata + 8 * nargs + 8 if e.is_def else None
        if e.unify is not None and e.unify >= self.n:
            self.err("M0403", off, f"term {i}: unify stream out of bounds")
        e.bv = [k for k, a in enumerate(e.args) if a[1]]
        return e

    def thm_entry(self, i, nsort, nterm):
        off = self.pthms + 8 * i
        nargs = struct.unpack_from("<H", self.d, off)[0]
        pdata = self.u32(off + 4)
        e = ThmEntry()
        e.offset = off
        e.args, nb = self.read_args(pdata, nargs, nsort, off)
        e.unify = pdata + 8 * nargs          # inline, after the arguments
        if e.unify >= self.n:
            self.err("M0403", off, f"theorem {i}: unify stream out of bounds")
        return e

    # ------------------------------------------------------------ matching with the .mm0
    def match_args(self, args, mm0_args, pos, name):
        if len(args) != len(mm0_args) or any(
                (s, b, d) != (a.sort, a.bound, a.deps) for (s, b, d), a in zip(args, mm0_args)):
            self.err("M0404", pos, f"{name!r}: arguments differ from the .mm0")

    def match_term(self, e, t, pos):
        self.match_args(e.args, t.args, pos, t.name)
        if e.ret_sort != t.ret_sort or e.ret_deps != t.ret_deps or e.is_def != t.is_def:
            self.err("M0404", pos, f"{t.name!r}: type differs from the .mm0")
        if t.is_def and t.value is not None:
            heap = [("v", k) for k in range(len(t.args))]
            nargs = len(t.args)
            sorts = [a.sort for a in t.args] + [d[1] for d in t.dummies]
            self.unify_mm0(e.unify, heap, [t.value], [], nargs, sorts, True, pos, t.name)

    def match_thm(self, e, t, pos):
        self.match_args(e.args, t.args, pos, t.name)
        heap = [("v", k) for k in range(len(t.args))]
        self.unify_mm0(e.unify, heap, [t.concl], list(t.hyps), len(t.args), None, False, pos,
                       t.name)

    def unify_mm0(self, p, heap, stack, hyps, nargs, sorts, is_def, pos, name):
        """Run a unify stream against the .mm0's own expression (structural
        equality: the .mm0 side has no sharing to speak of)."""
        while True:
            c, data, p2 = self.cmd(p)
            self.budget -= 1
            if self.budget < 0:
                self.err("E0901", p, "checking budget exhausted")
            if c == 0:
                break
            if not stack and c != U_HYP:
                self.err("M0404", p, f"{name!r}: statement differs from the .mm0 (extra "
                         "commands)")
            if c == U_REF:
                if data >= len(heap):
                    self.err("M0403", p, f"unify heap index {data} out of range")
                if stack.pop() != heap[data]:
                    self.err("M0404", pos, f"{name!r}: statement differs from the .mm0")
            elif c in (U_TERM, U_TERM_SAVE):
                x = stack.pop()
                if x[0] != "t" or self.term_map.get(x[1]) != data:
                    self.err("M0404", pos, f"{name!r}: statement differs from the .mm0")
                if c == U_TERM_SAVE:
                    heap.append(x)
                stack.extend(reversed(x[2]))
            elif c == U_DUMMY and is_def:
                x = stack.pop()
                if x[0] != "v" or x[1] < nargs or sorts[x[1]] != data or x in heap:
                    self.err("M0404", pos, f"{name!r}: definition differs from the .mm0")
                heap.append(x)
            elif c == U_HYP and not is_def:
                if not hyps:
                    self.err("M0404", pos, f"{name!r}: more hypotheses than in the .mm0")
                stack.append(hyps.pop())
            else:
                self.err("M0405", p, f"bad unify command {c:#x}")
            p = p2
        if stack or hyps:
            self.err("M0404", pos, f"{name!r}: statement differs from the .mm0")

    # ------------------------------------------------------------ proofs
    def var(self, sort, bound, deps):
        return Expr(sort, bound, deps, -1, ())

    def prove(self, pos, p, nterm, nthm, def_entry, thm_info):
        """Run the proof stream at `p`; returns the offset after its END."""
        is_def = def_entry is not None
        args = def_entry.args if is_def else thm_info[0].args
        heap = []
        for s, b, d in args:
            heap.append((EXPR, self.var(s, b, d)))
        next_bv = sum(1 for a in args if a[1])
        stack = []
        hyps = []
        terms = self.terms
        thms = self.thms
        sort_mods = self.sort_mods
        err = self.err
        while True:
            c, data, p2 = self.cmd(p)
            self.budget -= 1
            if self.budget < 0:
                err("E0901", p, "checking budget exhausted")
            if c == 0:
                break
            if c == P_TERM or c == P_TERM_SAVE:
                if data >= nterm:
                    err("M0403", p, f"term {data} not declared yet")
                t = terms[data]
                k = len(t.args)
                if len(stack) < k:
                    err("M0406", p, "stack underflow")
                es = stack[len(stack) - k:] if k else []
                if k:
                    del stack[len(stack) - k:]
                vals = []
                for i, (el, (s, b, dd)) in enumerate(zip(es, t.args)):
                    if el[0] != EXPR:
                        err("M0406", p, f"term {data}: argument {i} is not an expression")
                    x = el[1]
                    if x.sort != s or (b and not x.bound):
                        err("M0406", p, f"term {data}: argument {i} has the wrong sort or is "
                            "not a bound variable")
                    vals.append(x)
                if is_def:
                    deps = 0
                    bvd = [vals[j].deps for j in t.bv]
                    for i, (s, b, dd) in enumerate(t.args):
                        if b:
                            continue
                        x = vals[i].deps
                        for j, bd in enumerate(bvd):
                            if dd >> j & 1:
                                x &= ~bd
                        deps |= x
                    for j, bd in enumerate(bvd):
                        if t.ret_deps >> j & 1:
                            deps |= bd
                else:
                    deps = 0
                    for x in vals:
                        deps |= x.deps
                el = (EXPR, Expr(t.ret_sort, False, deps, data, tuple(vals)))
                stack.append(el)
                if c == P_TERM_SAVE:
                    heap.append(el)
            elif c == P_REF:
                if data >= len(heap):
                    err("M0403", p, f"heap index {data} out of range")
                h = heap[data]
                if h[0] == CONV:
                    if not stack or stack[-1][0] != COBLIG:
                        err("M0406", p, "Ref to a conversion needs a conversion obligation")
                    o = stack.pop()
                    if o[1] is not h[1] or o[2] is not h[2]:
                        err("M0406", p, "conversion does not match the obligation")
                else:
                    stack.append(h)
            elif c == P_DUMMY:
                if data >= len(sort_mods) or data >= self._nsort_now(nterm, nthm):
                    err("M0403", p, f"sort {data} out of range")
                if sort_mods[data] & STRICT:
                    err("M0406", p, f"dummy of strict sort {data}")
                if is_def and sort_mods[data] & FREE:
                    err("M0406", p, f"dummy of free sort {data} in a definition")
                if next_bv >= MAX_BOUND:
                    err("M0408", p, f"more than {MAX_BOUND} bound variables")
                el = (EXPR, self.var(data, True, 1 << next_bv))
                next_bv += 1
                stack.append(el)
                heap.append(el)
            elif c == P_THM or c == P_THM_SAVE:
                if is_def:
                    err("M0406", p, "theorem application in a definition")
                if data >= nthm:
                    err("M0403", p, f"theorem {data} not proved yet")
                T = thms[data]
                k = len(T.args)
                if len(stack) < k + 1:
                    err("M0406", p, "stack underflow")
                top = stack.pop()
                if top[0] != EXPR:
                    err("M0406", p, "theorem application needs an expression")
                es = stack[len(stack) - k:] if k else []
                if k:
                    del stack[len(stack) - k:]
                uheap = []
                bdeps = []
                for i, (el, (s, b, dd)) in enumerate(zip(es, T.args)):
                    if el[0] != EXPR:
                        err("M0406", p, f"theorem {data}: argument {i} is not an expression")
                    x = el[1]
                    if x.sort != s:
                        err("M0406", p, f"theorem {data}: argument {i} has the wrong sort")
                    if b:
                        if not x.bound:
                            err("M0406", p, f"theorem {data}: argument {i} must be a bound "
                                "variable")
                        for y in uheap:
                            if y.deps & x.deps:
                                err("M0406", p, f"theorem {data}: disjoint variable violation "
                                    f"at argument {i}")
                        bdeps.append(x.deps)
                    else:
                        for j, bd in enumerate(bdeps):
                            if not dd >> j & 1 and bd & x.deps:
                                err("M0406", p, f"theorem {data}: disjoint variable "
                                    f"violation at argument {i}")
                    uheap.append(x)
                self.unify(T.unify, uheap, top[1], stack, False, p)
                el = (PROOF, top[1])
                stack.append(el)
                if c == P_THM_SAVE:
                    heap.append(el)
            elif c == P_HYP:
                if is_def:
                    err("M0406", p, "Hyp in a definition")
                if not stack or stack[-1][0] != EXPR:
                    err("M0406", p, "Hyp needs an expression")
                x = stack.pop()[1]
                if not sort_mods[x.sort] & PROVABLE:
                    err("M0406", p, "hypothesis of a sort that is not provable")
                hyps.append(x)
                heap.append((PROOF, x))
            elif c == P_CONV:
                if len(stack) < 2 or stack[-1][0] != PROOF or stack[-2][0] != EXPR:
                    err("M0406", p, "Conv needs an expression and a proof")
                e2 = stack.pop()[1]
                e1 = stack.pop()[1]
                stack.append((PROOF, e1))
                stack.append((COBLIG, e1, e2))
            elif c == P_REFL:
                o = self._oblig(stack, p)
                if o[1] is not o[2]:
                    err("M0406", p, "Refl: the two sides are not the same expression")
            elif c == P_SYM:
                o = self._oblig(stack, p)
                stack.append((COBLIG, o[2], o[1]))
            elif c == P_CONG:
                o = self._oblig(stack, p)
                a, b = o[1], o[2]
                if a.head < 0 or a.head != b.head:
                    err("M0406", p, "Cong: the two sides are not applications of one term")
                for x, y in zip(reversed(a.args), reversed(b.args)):
                    stack.append((COBLIG, x, y))
            elif c == P_UNFOLD:
                if len(stack) < 2 or stack[-1][0] != EXPR or stack[-2][0] != COBLIG:
                    err("M0406", p, "Unfold needs an obligation and an expression")
                e = stack.pop()[1]
                o = stack.pop()
                a = o[1]
                if a.head < 0 or not terms[a.head].is_def:
                    err("M0406", p, "Unfold: not a definition")
                self.unify(terms[a.head].unify, list(a.args), e, None, True, p)
                stack.append((COBLIG, e, o[2]))
            elif c == P_CONV_CUT:
                o = self._oblig(stack, p)
                stack.append((CONV, o[1], o[2]))
                stack.append(o)
            elif c == P_CONV_SAVE:
                if not stack or stack[-1][0] != CONV:
                    err("M0406", p, "ConvSave needs a conversion proof")
                heap.append(stack.pop())
            elif c == P_SAVE:
                if not stack or stack[-1][0] == COBLIG:
                    err("M0406", p, "Save needs a stack element that is not an obligation")
                heap.append(stack[-1])
            elif c == P_SORRY:
                err("M0410", p, "Sorry is not accepted")
            else:
                err("M0405", p, f"unknown proof command {c:#x}")
            p = p2
        # the end of the proof
        if len(stack) != 1:
            err("M0406", p, f"the proof ends with {len(stack)} stack entries, not 1")
        el = stack[0]
        if is_def:
            if el[0] != EXPR or el[1].sort != def_entry.ret_sort:
                err("M0406", p, "the definition's value has the wrong sort")
            if el[1].deps & ~def_entry.ret_deps:
                err("M0406", p, "the definition's value has free variables not declared in its "
                    "type (dummies must be bound)")
            heap0 = [h[1] for h in heap[:len(args)]]
            self.unify(def_entry.unify, heap0, el[1], None, True, p)
        else:
            entry, is_axiom = thm_info
            want = EXPR if is_axiom else PROOF
            if el[0] != want:
                err("M0406", p, "the proof does not end with " +
                    ("an expression" if is_axiom else "a proof"))
            if not sort_mods[el[1].sort] & PROVABLE:
                err("M0406", p, "the conclusion's sort is not provable")
            heap0 = [h[1] for h in heap[:len(args)]]
            hs = [(PROOF, x) for x in hyps]
            self.unify(entry.unify, heap0, el[1], hs, False, p)
            if hs:
                err("M0406", p, "the statement has fewer hypotheses than the proof")
        return p2

    def _nsort_now(self, nterm, nthm):
        return self.nsorts

    def _oblig(self, stack, p):
        if not stack or stack[-1][0] != COBLIG:
            self.err("M0406", p, "a conversion obligation was expected")
        return stack.pop()

    def unify(self, p, heap, e, mstack, is_def, at):
        """Run the unify stream at `p` on `e`; `mstack` supplies hypotheses
        (theorems).  Pointer identity decides equality."""
        stack = [e]
        err = self.err
        while True:
            c, data, p2 = self.cmd(p)
            self.budget -= 1
            if self.budget < 0:
                err("E0901", p, "checking budget exhausted")
            if c == 0:
                break
            if c == U_HYP:
                if is_def:
                    err("M0405", p, "UHyp in a definition's unify stream")
                if not mstack or mstack[-1][0] != PROOF:
                    err("M0407", at, "a hypothesis proof is missing")
                stack.append(mstack.pop()[1])
                p = p2
                continue
            if not stack:
                err("M0407", at, f"unify stream at {p} is longer than the expression")
            x = stack.pop()
            if c == U_REF:
                if data >= len(heap):
                    err("M0403", p, f"unify heap index {data} out of range")
                if x is not heap[data]:
                    err("M0407", at, f"unification fails (unify stream at {p})")
            elif c == U_TERM or c == U_TERM_SAVE:
                if x.head != data:
                    err("M0407", at, f"unification fails: expected term {data} (unify stream at "
                        f"{p})")
                if c == U_TERM_SAVE:
                    heap.append(x)
                stack.extend(reversed(x.args))
            elif c == U_DUMMY:
                if not is_def:
                    err("M0405", p, "UDummy outside a definition")
                if x.head >= 0 or not x.bound or x.sort != data:
                    err("M0407", at, f"unification fails: a dummy of sort {data} expected")
                for y in heap:
                    if y.deps & x.deps:
                        err("M0407", at, "unification fails: the dummy is not fresh")
                heap.append(x)
            else:
                err("M0405", p, f"bad unify command {c:#x}")
            p = p2
        if stack:
            err("M0407", at, "unify stream ends before the expression")


def check_mmb(spec: Spec, data: bytes, budget: int = 200_000_000) -> int:
    """Check a .mmb against the spec; returns the number of statements.
    Raises `Mm0Error` (where="proof") on the first problem."""
    return Checker(spec, data, budget).check()
