# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The fast parser: `parser.ReferenceParser`'s algorithm on C arrays.

Same chart, same order of exploration (so the same first tree and the same
alternative on ambiguous strings; tests hold both to that).  Differences are
representation only: the rule tries are flat arrays with a hash table for
constant edges, items live in arrays reused from parse to parse, and the
trie walk uses an explicit stack, so no rule is too long for the C stack.
"""
from libc.stdint cimport int32_t, uint32_t, uint64_t
from libc.stdlib cimport malloc, realloc, free
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.ref cimport Py_INCREF

from .parser import ParseResult, build_tries, step_budget


cdef struct Vec:
    int32_t* d
    Py_ssize_t n
    Py_ssize_t cap


cdef int vec_reserve(Vec* v, Py_ssize_t need) except -1:
    cdef Py_ssize_t cap
    cdef int32_t* p
    if need <= v.cap:
        return 0
    cap = v.cap * 2 if v.cap else 64
    while cap < need:
        cap *= 2
    p = <int32_t*> realloc(v.d, cap * sizeof(int32_t))
    if p == NULL:
        raise MemoryError()
    v.d = p
    v.cap = cap
    return 0


cdef inline int vec_push(Vec* v, int32_t x) except -1:
    if v.n >= v.cap:
        vec_reserve(v, v.n + 1)
    v.d[v.n] = x
    v.n += 1
    return 0


# one frame of the trie walk
cdef struct Frame:
    int32_t node
    int32_t pos
    int32_t nk      # kids matched so far (in the kid stack)
    int32_t count
    int32_t edge    # next nt edge to try (-1: const edge not tried yet)
    int32_t item    # next item at `pos` to try for the current nt edge


class _Exhausted(Exception):
    pass


cdef class FastParser:
    cdef object g
    # tries: node -> [nt_start, nt_end) into nt_type/nt_child, [end_start, end_end) into end_rule
    cdef Vec nt_start, nt_end, nt_type, nt_child, end_start, end_end, end_rule
    cdef uint64_t* ckeys      # (node << 32 | constant) + 1, 0 = empty slot
    cdef int32_t* cvals
    cdef Py_ssize_t cmask
    cdef Vec root_const, root_type
    cdef Vec rule_type, rule_order_start, rule_order, rule_arity
    cdef Vec var_type
    # per-parse work areas
    cdef Vec it_type, it_end, it_count, it_n, it_r0, it_k0, it_r1, it_k1
    cdef Vec pos_first, pos_last, kids, work, kidstack, out
    cdef Frame* frames
    cdef Py_ssize_t frames_cap
    cdef int32_t* toks
    cdef Py_ssize_t ntoks, cur_first
    cdef public long long steps       # frames pushed + derivations added, last parse
    cdef long long budget

    def __cinit__(self):
        self.ckeys = NULL
        self.cvals = NULL
        self.frames = NULL
        self.toks = NULL

    def __dealloc__(self):
        free(self.nt_start.d)
        free(self.nt_end.d)
        free(self.nt_type.d)
        free(self.nt_child.d)
        free(self.end_start.d)
        free(self.end_end.d)
        free(self.end_rule.d)
        free(self.root_const.d)
        free(self.root_type.d)
        free(self.rule_type.d)
        free(self.rule_order_start.d)
        free(self.rule_order.d)
        free(self.rule_arity.d)
        free(self.var_type.d)
        free(self.it_type.d)
        free(self.it_end.d)
        free(self.it_count.d)
        free(self.it_n.d)
        free(self.it_r0.d)
        free(self.it_k0.d)
        free(self.it_r1.d)
        free(self.it_k1.d)
        free(self.pos_first.d)
        free(self.pos_last.d)
        free(self.kids.d)
        free(self.work.d)
        free(self.kidstack.d)
        free(self.out.d)
        free(self.ckeys)
        free(self.cvals)
        free(self.frames)
        free(self.toks)

    def __init__(self, g):
        self.g = g
        by_const, by_type = build_tries(g)
        nodes = []        # breadth of all trie nodes, numbered in order of discovery
        index = {}

        def number(node):
            todo = [node]
            while todo:
                x = todo.pop()
                if id(x) in index:
                    continue
                index[id(x)] = len(nodes)
                nodes.append(x)
                todo.extend(x.const.values())
                todo.extend(x.nt.values())

        for root in by_const.values():
            number(root)
        for root in by_type.values():
            number(root)
        cdef Py_ssize_t size = 16
        const_edges = sum(len(x.const) for x in nodes)
        while size < 2 * const_edges + 16:
            size *= 2
        self.ckeys = <uint64_t*> malloc(size * sizeof(uint64_t))
        self.cvals = <int32_t*> malloc(size * sizeof(int32_t))
        if self.ckeys == NULL or self.cvals == NULL:
            raise MemoryError()
        self.cmask = size - 1
        cdef Py_ssize_t i
        for i in range(size):
            self.ckeys[i] = 0
        for k, x in enumerate(nodes):
            vec_push(&self.nt_start, self.nt_type.n)
            for t, child in x.nt.items():
                vec_push(&self.nt_type, t)
                vec_push(&self.nt_child, index[id(child)])
            vec_push(&self.nt_end, self.nt_type.n)
            vec_push(&self.end_start, self.end_rule.n)
            for r in x.ends:
                vec_push(&self.end_rule, r)
            vec_push(&self.end_end, self.end_rule.n)
            for c, child in x.const.items():
                self._cput(k, c, index[id(child)])
        for c in range(len(g.symbols)):
            vec_push(&self.root_const, index[id(by_const[c])] if c in by_const else -1)
        for t in range(len(g.types)):
            vec_push(&self.root_type, index[id(by_type[t])] if t in by_type else -1)
        for r in g.rules:
            vec_push(&self.rule_type, r.type)
            vec_push(&self.rule_arity, r.arity)
            vec_push(&self.rule_order_start, self.rule_order.n)
            for o in r.order:
                vec_push(&self.rule_order, o)
        self.frames_cap = 0

    cdef void _cput(self, int32_t node, int32_t c, int32_t child):
        cdef uint64_t key = ((<uint64_t> node) << 32 | <uint32_t> c) + 1
        cdef Py_ssize_t h = <Py_ssize_t> ((key * 0x9E3779B97F4A7C15ULL) >> 20) & self.cmask
        while self.ckeys[h] != 0 and self.ckeys[h] != key:
            h = (h + 1) & self.cmask
        self.ckeys[h] = key
        self.cvals[h] = child

    cdef inline int32_t _cget(self, int32_t node, int32_t c) nogil:
        cdef uint64_t key = ((<uint64_t> node) << 32 | <uint32_t> c) + 1
        cdef Py_ssize_t h = <Py_ssize_t> ((key * 0x9E3779B97F4A7C15ULL) >> 20) & self.cmask
        while self.ckeys[h] != 0:
            if self.ckeys[h] == key:
                return self.cvals[h]
            h = (h + 1) & self.cmask
        return -1

    cdef int _sync_variables(self) except -1:
        variables = self.g.variables
        while self.var_type.n < len(variables):
            vec_push(&self.var_type, variables[self.var_type.n].type)
        return 0

    # -- the chart -------------------------------------------------------
    cdef int _add(self, int32_t type_, int32_t end, int32_t rule, int32_t* kids, int32_t nk,
                  int32_t count) except -1:
        """A derivation of (type_, end) from the current position."""
        cdef Py_ssize_t it, j
        cdef int32_t before, same
        self.steps += 1
        if self.steps > self.budget:
            raise _Exhausted()
        it = -1
        for j in range(self.cur_first, self.it_type.n):
            if self.it_type.d[j] == type_ and self.it_end.d[j] == end:
                it = j
                break
        if it < 0:
            it = self.it_type.n
            vec_push(&self.it_type, type_)
            vec_push(&self.it_end, end)
            vec_push(&self.it_count, 0)
            vec_push(&self.it_n, 0)
            vec_push(&self.it_r0, 0)
            vec_push(&self.it_k0, 0)
            vec_push(&self.it_r1, 0)
            vec_push(&self.it_k1, 0)
        before = self.it_count.d[it]
        if self.it_n.d[it] < 2:
            same = 0
            if self.it_n.d[it] == 1 and self.it_r0.d[it] == rule:
                same = 1
                for j in range(nk):
                    if self.kids.d[self.it_k0.d[it] + j] != kids[j]:
                        same = 0
                        break
            if not same:
                if self.it_n.d[it] == 0:
                    self.it_r0.d[it] = rule
                    self.it_k0.d[it] = self.kids.n
                else:
                    self.it_r1.d[it] = rule
                    self.it_k1.d[it] = self.kids.n
                self.it_n.d[it] += 1
                vec_reserve(&self.kids, self.kids.n + nk)
                for j in range(nk):
                    self.kids.d[self.kids.n + j] = kids[j]
                self.kids.n += nk
        count = before + count
        if count > 2:
            count = 2
        self.it_count.d[it] = count
        if count != before:
            vec_push(&self.work, <int32_t> it)
        return 0

    cdef int _walk(self, int32_t root, int32_t pos, int32_t first_kid, int32_t count) except -1:
        cdef Frame* f
        cdef Py_ssize_t depth = 0
        cdef int32_t node, r, c, child, t, e, j, kid, kc
        self._push_frame(0, root, pos, 0, count)
        if first_kid >= 0:
            vec_reserve(&self.kidstack, 1)
            self.kidstack.d[0] = first_kid
            self.frames[0].nk = 1
        self._enter(0)
        while depth >= 0:
            f = &self.frames[depth]
            node = f.node
            if f.edge < 0:
                f.edge = self.nt_start.d[node]
                f.item = -1
                if f.pos < self.ntoks:
                    c = self.toks[f.pos]
                    if c >= 0:
                        child = self._cget(node, c)
                        if child >= 0:
                            self._push_frame(depth + 1, child, f.pos + 1, f.nk, f.count)
                            depth += 1
                            self._enter(depth)
                            continue
            f = &self.frames[depth]
            # next (nt edge, item at pos) pair
            child = -1
            while f.edge < self.nt_end.d[f.node] and f.pos < self.ntoks:
                t = self.nt_type.d[f.edge]
                j = self.pos_first.d[f.pos] if f.item < 0 else f.item + 1
                while j < self.pos_last.d[f.pos] and self.it_type.d[j] != t:
                    j += 1
                if j < self.pos_last.d[f.pos]:
                    f.item = j
                    child = self.nt_child.d[f.edge]
                    break
                f.edge += 1
                f.item = -1
            if child < 0:
                depth -= 1
                continue
            kid = f.item
            kc = f.count * self.it_count.d[kid]
            if kc > 2:
                kc = 2
            vec_reserve(&self.kidstack, f.nk + 1)
            self.kidstack.d[f.nk] = kid
            self._push_frame(depth + 1, child, self.it_end.d[kid], f.nk + 1, kc)
            depth += 1
            self._enter(depth)
        return 0

    cdef int _push_frame(self, Py_ssize_t depth, int32_t node, int32_t pos, int32_t nk,
                         int32_t count) except -1:
        cdef Frame* p
        self.steps += 1
        if self.steps > self.budget:
            raise _Exhausted()
        if depth >= self.frames_cap:
            self.frames_cap = self.frames_cap * 2 if self.frames_cap else 64
            p = <Frame*> realloc(self.frames, self.frames_cap * sizeof(Frame))
            if p == NULL:
                raise MemoryError()
            self.frames = p
        self.frames[depth].node = node
        self.frames[depth].pos = pos
        self.frames[depth].nk = nk
        self.frames[depth].count = count
        self.frames[depth].edge = -1
        self.frames[depth].item = -1
        return 0

    cdef int _enter(self, Py_ssize_t depth) except -1:
        """Rules completed at this frame's node."""
        cdef Frame* f = &self.frames[depth]
        cdef int32_t e, r
        for e in range(self.end_start.d[f.node], self.end_end.d[f.node]):
            r = self.end_rule.d[e]
            self._add(self.rule_type.d[r], f.pos, r, self.kidstack.d, f.nk, f.count)
            f = &self.frames[depth]
        return 0

    def parse(self, tokens, int type_, budget=None):
        """Same contract as `ReferenceParser.parse`."""
        self.budget = step_budget(len(tokens)) if budget is None else budget
        self.steps = 0
        try:
            return self._parse(tokens, type_)
        except _Exhausted:
            return ParseResult(None, exhausted=True)

    def _parse(self, tokens, int type_):
        cdef Py_ssize_t n = len(tokens), i, j, whole = -1
        cdef int32_t tok, root, it, longest = 0
        cdef int32_t vt
        self._sync_variables()
        self.toks = <int32_t*> realloc(self.toks, (n + 1) * sizeof(int32_t))
        if self.toks == NULL:
            raise MemoryError()
        for i in range(n):
            self.toks[i] = tokens[i]
        self.ntoks = n
        self.it_type.n = self.it_end.n = self.it_count.n = self.it_n.n = 0
        self.it_r0.n = self.it_k0.n = self.it_r1.n = self.it_k1.n = 0
        self.kids.n = self.work.n = 0
        vec_reserve(&self.pos_first, n + 1)
        vec_reserve(&self.pos_last, n + 1)
        self.pos_first.d[n] = self.pos_last.d[n] = 0
        for i in range(n - 1, -1, -1):
            self.cur_first = self.it_type.n
            tok = self.toks[i]
            if tok < 0:
                if -1 - tok >= self.var_type.n:
                    raise ValueError(f"unknown variable id {tok}")
                vt = self.var_type.d[-1 - tok]
                self._add(vt, <int32_t> (i + 1), tok, NULL, 0, 1)
            elif tok < self.root_const.n:
                root = self.root_const.d[tok]
                if root >= 0:
                    self._walk(root, <int32_t> (i + 1), -1, 1)
            while self.work.n:
                self.work.n -= 1
                it = self.work.d[self.work.n]
                root = self.root_type.d[self.it_type.d[it]] if self.it_type.d[it] < self.root_type.n else -1
                if root >= 0:
                    self._walk(root, self.it_end.d[it], it, self.it_count.d[it])
            self.pos_first.d[i] = <int32_t> self.cur_first
            self.pos_last.d[i] = <int32_t> self.it_type.n
        if n:
            for j in range(self.pos_first.d[0], self.pos_last.d[0]):
                if self.it_type.d[j] == type_:
                    if self.it_end.d[j] > longest:
                        longest = self.it_end.d[j]
                    if self.it_end.d[j] == n and whole < 0:
                        whole = j
        if whole < 0:
            return ParseResult(None, longest=longest)
        term = self._emit(<int32_t> whole, 0)
        if self.it_count.d[whole] < 2:
            return ParseResult(term, longest=n)
        return ParseResult(term, True, self._emit(<int32_t> whole, 1), n)

    cdef tuple _emit(self, int32_t top, int alternative):
        """Prefix order of the first tree of `top` or of an alternative
        (see `ReferenceParser._emit`); iterative, for very deep trees."""
        cdef Vec stack          # pairs (item, wants alternative), popped in prefix order
        cdef int32_t it, alt, rule, k0, nk, k, swap, j, arity, ostart
        cdef Py_ssize_t i
        cdef object v
        stack.d = NULL
        stack.n = stack.cap = 0
        self.out.n = 0
        try:
            vec_push(&stack, top)
            vec_push(&stack, alternative)
            while stack.n:
                alt = stack.d[stack.n - 1]
                it = stack.d[stack.n - 2]
                stack.n -= 2
                rule = self.it_r0.d[it]
                k0 = self.it_k0.d[it]
                swap = -1
                if alt:
                    if self.it_n.d[it] > 1:
                        rule = self.it_r1.d[it]
                        k0 = self.it_k1.d[it]
                    else:
                        nk = self._nkids(rule)
                        for k in range(nk):
                            if self.it_count.d[self.kids.d[k0 + k]] > 1:
                                swap = self.kids.d[k0 + k]
                                break
                vec_push(&self.out, rule)
                if rule < 0:
                    continue
                arity = self.rule_arity.d[rule]
                ostart = self.rule_order_start.d[rule]
                # children in frame order; pushed in reverse so they pop in order
                vec_reserve(&stack, stack.n + 2 * arity)
                for k in range(arity):
                    j = self.rule_order.d[ostart + k]
                    stack.d[stack.n + 2 * (arity - 1 - j)] = self.kids.d[k0 + k]
                    stack.d[stack.n + 2 * (arity - 1 - j) + 1] = 1 if self.kids.d[k0 + k] == swap else 0
                stack.n += 2 * arity
        finally:
            free(stack.d)
        result = PyTuple_New(self.out.n)
        for i in range(self.out.n):
            v = self.out.d[i]
            Py_INCREF(v)
            PyTuple_SET_ITEM(result, i, v)
        return result

    cdef inline int32_t _nkids(self, int32_t rule):
        return self.rule_arity.d[rule] if rule >= 0 else 0
