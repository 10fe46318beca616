# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The tree toolkit's hot operations in C: same methods and results as
`terms.TermKit` (tests hold both to that).

Terms stay Python tuples of ints (they are dict keys everywhere else); the
speed comes from walking them with C loops and C arity/type tables instead
of slicing children out.
"""
from libc.stdint cimport int32_t
from libc.stdlib cimport malloc, realloc, free
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM, PyTuple_GET_SIZE, PyTuple_GET_ITEM
from cpython.ref cimport Py_INCREF, PyObject
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE, PyBytes_FromStringAndSize
from cpython.long cimport PyLong_FromLong
from libc.string cimport memcpy
import hashlib


cdef inline long _at(tuple t, Py_ssize_t i):
    return <long> <object> PyTuple_GET_ITEM(t, i)


cdef class FastTermKit:
    cdef object g
    cdef int32_t* arity
    cdef int32_t* rtype
    cdef Py_ssize_t nrules
    cdef int32_t* vtype
    cdef Py_ssize_t nvars, vcap
    cdef list rule_names     # rule id -> label, as bytes (structural_hash)
    cdef list var_names      # variable index -> "$" + name, as bytes (filled on demand)
    cdef dict canon          # type -> its canonical variables so far (a function of (type, k))

    def __cinit__(self):
        self.arity = self.rtype = self.vtype = NULL

    def __dealloc__(self):
        free(self.arity)
        free(self.rtype)
        free(self.vtype)

    def __init__(self, g):
        self.g = g
        self.nrules = len(g.rules)
        self.arity = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        self.rtype = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        if self.arity == NULL or self.rtype == NULL:
            raise MemoryError()
        for i, r in enumerate(g.rules):
            self.arity[i] = r.arity
            self.rtype[i] = r.type
        self.nvars = self.vcap = 0
        self._sync()
        self.rule_names = [r.label.encode() for r in g.rules]
        self.var_names = []
        self.canon = {}

    cdef int _sync(self) except -1:
        # variables may be added to the grammar (fresh ones) at any time
        cdef int32_t* p
        variables = self.g.variables
        cdef Py_ssize_t n = len(variables)
        if n <= self.nvars:
            return 0
        if n > self.vcap:
            self.vcap = max(n, 2 * self.vcap, 64)
            p = <int32_t*> realloc(self.vtype, self.vcap * sizeof(int32_t))
            if p == NULL:
                raise MemoryError()
            self.vtype = p
        while self.nvars < n:
            self.vtype[self.nvars] = variables[self.nvars].type
            self.nvars += 1
        return 0

    cdef inline int32_t _type(self, long node) except -2:
        if node >= 0:
            if node >= self.nrules:
                raise ValueError(f"no rule {node}")
            return self.rtype[node]
        if -1 - node >= self.nvars:
            self._sync()
            if -1 - node >= self.nvars:
                raise ValueError(f"no variable {node}")
        return self.vtype[-1 - node]

    cdef inline Py_ssize_t _skip(self, tuple t, Py_ssize_t pos) except -1:
        cdef Py_ssize_t need = 1
        cdef long node
        cdef Py_ssize_t n = PyTuple_GET_SIZE(t)
        while need:
            if pos >= n:
                raise ValueError("truncated term")
            node = _at(t, pos)
            pos += 1
            if node >= 0:
                if node >= self.nrules:
                    raise ValueError(f"no rule {node}")
                need += self.arity[node] - 1
            else:
                need -= 1
        return pos

    def type_of(self, tuple term):
        return self._type(_at(term, 0))

    def depth(self, tuple term):
        cdef Py_ssize_t i, n = PyTuple_GET_SIZE(term), best = 0, top = 0
        cdef long node
        cdef int32_t a
        cdef int32_t* pending = <int32_t*> malloc((n + 1) * sizeof(int32_t))
        if pending == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                node = _at(term, i)
                if top + 1 > best:
                    best = top + 1
                a = self.arity[node] if 0 <= node < self.nrules else 0
                if a:
                    pending[top] = a
                    top += 1
                    continue
                while top:
                    pending[top - 1] -= 1
                    if pending[top - 1]:
                        break
                    top -= 1
        finally:
            free(pending)
        return best

    def substitute(self, tuple term, dict subst):
        cdef Py_ssize_t i, j, n = PyTuple_GET_SIZE(term), total = 0
        cdef long node
        cdef object piece
        # two passes: size, then fill (no intermediate list)
        for i in range(n):
            node = _at(term, i)
            if node < 0:
                piece = subst.get(node)
                if piece is not None:
                    total += PyTuple_GET_SIZE(<tuple> piece)
                    continue
            total += 1
        out = PyTuple_New(total)
        j = 0
        cdef object x
        cdef Py_ssize_t k
        for i in range(n):
            x = <object> PyTuple_GET_ITEM(term, i)
            node = <long> x
            if node < 0:
                piece = subst.get(node)
                if piece is not None:
                    for k in range(PyTuple_GET_SIZE(<tuple> piece)):
                        y = <object> PyTuple_GET_ITEM(<tuple> piece, k)
                        Py_INCREF(y)
                        PyTuple_SET_ITEM(out, j, y)
                        j += 1
                    continue
            Py_INCREF(x)
            PyTuple_SET_ITEM(out, j, x)
            j += 1
        return out

    def match(self, tuple pattern, tuple term, subst=None):
        cdef dict s = dict(subst) if subst else {}
        cdef Py_ssize_t i = 0, j = 0, end, n = PyTuple_GET_SIZE(pattern), m = PyTuple_GET_SIZE(term)
        cdef long p
        cdef object bound
        while i < n:
            p = _at(pattern, i)
            if j >= m:
                return None
            if p < 0:
                end = self._skip(term, j)
                piece = term[j:end]
                bound = s.get(p)
                if bound is None:
                    if self._type(_at(term, j)) != self._type(p):
                        return None
                    s[p] = piece
                elif bound != piece:
                    return None
                j = end
            else:
                if _at(term, j) != p:
                    return None
                j += 1
            i += 1
        return s

    def unify(self, a, b, subst=None):
        cdef dict s = dict(subst) if subst else {}
        # pairs of (term, position) still to unify
        cdef list todo = [(tuple(a), 0, tuple(b), 0)]
        cdef tuple x, y
        cdef Py_ssize_t xp, yp, xe, ye, k, ar
        cdef long xn, yn
        while todo:
            x, xp, y, yp = todo.pop()
            x, xp = self._walk(x, xp, s)
            y, yp = self._walk(y, yp, s)
            xn = _at(x, xp)
            yn = _at(y, yp)
            if xn < 0 and yn < 0 and xn == yn:
                continue
            if xn < 0:
                if not self._bind(xn, y, yp, s):
                    return None
            elif yn < 0:
                if not self._bind(yn, x, xp, s):
                    return None
            elif xn != yn:
                return None
            else:
                ar = self.arity[xn]
                xe = xp + 1
                ye = yp + 1
                for k in range(ar):
                    todo.append((x, xe, y, ye))
                    if k + 1 < ar:
                        xe = self._skip(x, xe)
                        ye = self._skip(y, ye)
        out = {}
        for v, t in s.items():
            out[v] = self._resolve(t, s)
        return out

    def canonical(self, terms):
        """Same as `terms.canonical(g, terms)`: (renamed terms, renaming)."""
        cdef list seen = []        # variables in order of first appearance
        cdef list renamed = []     # their canonical variables (ints)
        cdef dict counts = {}
        cdef dict index = {}       # variable -> position in seen
        cdef list out = []
        cdef tuple t, r
        cdef Py_ssize_t i, n
        cdef long node
        g = self.g
        for term in terms:
            t = term if type(term) is tuple else tuple(term)
            n = PyTuple_GET_SIZE(t)
            r = PyTuple_New(n)
            for i in range(n):
                x = <object> PyTuple_GET_ITEM(t, i)
                node = <long> x
                if node < 0:
                    k = index.get(x)
                    if k is None:
                        ty = self._type(node)
                        c = counts.get(ty, 0)
                        counts[ty] = c + 1
                        k = len(seen)
                        index[x] = k
                        seen.append(x)
                        renamed.append(self._canonical_variable(ty, c))
                    x = renamed[<Py_ssize_t> k]
                Py_INCREF(x)
                PyTuple_SET_ITEM(r, i, x)
            out.append(r)
        return tuple(out), {v: (c,) for v, c in zip(seen, renamed)}

    cdef object _canonical_variable(self, int32_t ty, Py_ssize_t k):
        cdef list known = self.canon.get(ty)
        if known is None:
            known = self.canon[ty] = []
        while len(known) <= k:
            known.append(self.g.canonical_variable(ty, len(known)))
        return known[k]

    def canonical_term(self, term_):
        """`canonical(g, [term])[0][0]`: one term renamed on its own."""
        cdef tuple term = term_ if type(term_) is tuple else tuple(term_)
        cdef Py_ssize_t i, n = PyTuple_GET_SIZE(term), k, m = 0
        cdef long node
        cdef long seen[32]
        cdef int32_t counts_ty[32]
        cdef Py_ssize_t counts_n[32]
        cdef Py_ssize_t ntypes = 0, c, j
        cdef list renamed = []
        cdef tuple r = PyTuple_New(n)
        for i in range(n):
            x = <object> PyTuple_GET_ITEM(term, i)
            node = <long> x
            if node < 0:
                for k in range(m):
                    if seen[k] == node:
                        break
                else:
                    if m == 32:
                        return self.canonical([term])[0][0]
                    ty = self._type(node)
                    for j in range(ntypes):
                        if counts_ty[j] == ty:
                            break
                    else:
                        j = ntypes
                        counts_ty[j] = ty
                        counts_n[j] = 0
                        ntypes += 1
                    c = counts_n[j]
                    counts_n[j] = c + 1
                    seen[m] = node
                    renamed.append(self._canonical_variable(ty, c))
                    k = m
                    m += 1
                x = renamed[k]
            Py_INCREF(x)
            PyTuple_SET_ITEM(r, i, x)
        return r

    def structural_hash(self, terms):
        """Same as `terms.structural_hash(g, terms)`."""
        cdef Py_ssize_t i, n, size = 0
        cdef tuple t
        cdef long node
        cdef bytes name
        cdef list parts = []       # the name of every node, in order; None ends a term
        for term in terms:
            t = term if type(term) is tuple else tuple(term)
            n = PyTuple_GET_SIZE(t)
            for i in range(n):
                node = _at(t, i)
                if node >= 0:
                    if node >= self.nrules:
                        raise IndexError(f"no rule {node}")
                    name = <bytes> self.rule_names[node]
                else:
                    name = self._var_name(-1 - node)
                parts.append(name)
                size += PyBytes_GET_SIZE(name) + 1
            parts.append(None)
            if n == 0:
                size += 1
        return self._digest(parts, size)

    def canonical_hash(self, terms):
        """Same as `structural_hash(canonical(terms)[0])`, without making
        the renamed terms: each variable's canonical name is written as it
        is met."""
        cdef Py_ssize_t i, n, size = 0, k
        cdef tuple t
        cdef long node
        cdef bytes name
        cdef list parts = []
        cdef list renamed = []     # canonical name of the k-th variable met
        cdef dict counts = {}
        cdef dict index = {}       # variable -> k
        for term in terms:
            t = term if type(term) is tuple else tuple(term)
            n = PyTuple_GET_SIZE(t)
            for i in range(n):
                x = <object> PyTuple_GET_ITEM(t, i)
                node = <long> x
                if node >= 0:
                    if node >= self.nrules:
                        raise IndexError(f"no rule {node}")
                    name = <bytes> self.rule_names[node]
                else:
                    kk = index.get(x)
                    if kk is None:
                        ty = self._type(node)
                        c = counts.get(ty, 0)
                        counts[ty] = c + 1
                        index[x] = len(renamed)
                        name = self._var_name(-1 - <long> self._canonical_variable(ty, c))
                        renamed.append(name)
                    else:
                        name = <bytes> renamed[<Py_ssize_t> kk]
                parts.append(name)
                size += PyBytes_GET_SIZE(name) + 1
            parts.append(None)
            if n == 0:
                size += 1
        return self._digest(parts, size)

    cdef object _digest(self, list parts, Py_ssize_t size):
        cdef Py_ssize_t pos = 0, m
        cdef bytes data = PyBytes_FromStringAndSize(NULL, size)
        cdef char* buf = PyBytes_AS_STRING(data)
        cdef bint first = True
        for p in parts:
            if p is None:
                buf[pos] = b'\n'
                pos += 1
                first = True
                continue
            if not first:
                buf[pos] = b' '
                pos += 1
            first = False
            m = PyBytes_GET_SIZE(<bytes> p)
            memcpy(buf + pos, PyBytes_AS_STRING(<bytes> p), m)
            pos += m
        if pos != size:
            raise AssertionError("structural_hash: size mismatch")
        digest = hashlib.blake2b(data, digest_size=8, person=b"proofgen.tree").digest()
        return int.from_bytes(digest, "big")

    cdef bytes _var_name(self, Py_ssize_t k):
        cdef list names = self.var_names
        if k >= len(names):
            variables = self.g.variables
            if k >= len(variables):
                raise IndexError(f"no variable {-1 - k}")
            while len(names) <= k:
                names.append(("$" + variables[len(names)].name).encode())
        return <bytes> names[k]

    cdef tuple _walk(self, tuple t, Py_ssize_t pos, dict s):
        cdef long node = _at(t, pos)
        cdef object bound
        while node < 0:
            bound = s.get(node)
            if bound is None:
                break
            t = <tuple> bound
            pos = 0
            node = _at(t, 0)
        return t, pos

    cdef object _resolve(self, tuple t, dict s):
        cdef Py_ssize_t i
        cdef bint again = True
        while again:
            again = False
            for i in range(PyTuple_GET_SIZE(t)):
                if _at(t, i) < 0 and _at(t, i) in s:
                    again = True
                    break
            if again:
                t = self.substitute(t, s)
        return t

    cdef bint _bind(self, long v, tuple t, Py_ssize_t pos, dict s) except -1:
        cdef Py_ssize_t end = self._skip(t, pos), i
        if self._type(_at(t, pos)) != self._type(v):
            return False
        piece = t[pos:end]
        if v in self._resolve(piece, s):
            return False  # occurs check
        s[v] = piece
        return True


cdef class FastPrinter:
    """A term's tokens and postfix order in C (see `Grammar.term_tokens`);
    the factory prints every statement it emits, so this is hot."""
    cdef object g
    cdef int32_t* arity
    cdef int32_t* pat_start
    cdef int32_t* pat
    cdef int32_t* order_start
    cdef int32_t* order
    cdef Py_ssize_t nrules
    cdef list names          # token id (const) -> str
    cdef list var_names      # variable index -> name (filled on demand)
    cdef list rule_labels

    def __cinit__(self):
        self.arity = self.pat_start = self.pat = self.order_start = self.order = NULL

    def __dealloc__(self):
        free(self.arity)
        free(self.pat_start)
        free(self.pat)
        free(self.order_start)
        free(self.order)

    def __init__(self, g):
        self.g = g
        rules = g.rules
        self.nrules = len(rules)
        npat = sum(len(r.pattern) for r in rules)
        nord = sum(len(r.order) for r in rules)
        self.arity = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        self.pat_start = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        self.order_start = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        self.pat = <int32_t*> malloc((npat + 1) * sizeof(int32_t))
        self.order = <int32_t*> malloc((nord + 1) * sizeof(int32_t))
        if not (self.arity and self.pat_start and self.order_start and self.pat and self.order):
            raise MemoryError()
        cdef Py_ssize_t p = 0, o = 0, i
        for i, r in enumerate(rules):
            self.arity[i] = r.arity
            self.pat_start[i] = p
            for x in r.pattern:
                self.pat[p] = x
                p += 1
            self.order_start[i] = o
            for x in r.order:
                self.order[o] = x
                o += 1
        self.pat_start[self.nrules] = p
        self.order_start[self.nrules] = o
        self.names = list(g.symbols)
        self.var_names = []
        self.rule_labels = [r.label for r in rules]

    cdef Py_ssize_t _skip(self, tuple t, Py_ssize_t pos) except -1:
        cdef Py_ssize_t need = 1, n = PyTuple_GET_SIZE(t)
        cdef long node
        while need:
            if pos >= n:
                raise ValueError("truncated term")
            node = _at(t, pos)
            pos += 1
            if node >= 0:
                if node >= self.nrules:
                    raise ValueError(f"no rule {node}")
                need += self.arity[node] - 1
            else:
                need -= 1
        return pos

    def tokens(self, tuple term):
        """Token ids of the term's string (constants >= 0, variables < 0)."""
        cdef list out = []
        # explicit stack of (rule, pattern index, first child position)
        cdef list stack = []
        cdef Py_ssize_t pos, i, k, j, start, a, end
        cdef long node, item
        cdef list starts
        end = self._open(term, 0, stack, out)
        while stack:
            node, i, starts = stack.pop()
            start = self.pat_start[node]
            end_pat = self.pat_start[node + 1]
            while start + i < end_pat:
                item = self.pat[start + i]
                if item >= 0:
                    out.append(item)
                    i += 1
                    continue
                k = 0
                for j in range(i):
                    if self.pat[start + j] < 0:
                        k += 1
                stack.append((node, i + 1, starts))
                self._open(term, starts[self.order[self.order_start[node] + k]], stack, out)
                break
        return out

    cdef Py_ssize_t _open(self, tuple term, Py_ssize_t pos, list stack, list out) except -1:
        cdef long node = _at(term, pos)
        cdef Py_ssize_t p, a
        if node < 0:
            out.append(node)
            return pos + 1
        if node >= self.nrules:
            raise ValueError(f"no rule {node}")
        starts = []
        p = pos + 1
        for a in range(self.arity[node]):
            starts.append(p)
            p = self._skip(term, p)
        stack.append((node, 0, starts))
        return p

    def text(self, str typecode, tuple term):
        """`typecode` followed by the term's symbols, space separated: the
        names of `tokens(term)`, found by C walks (the end of every subterm
        first, then the patterns with an explicit stack)."""
        cdef Py_ssize_t n = PyTuple_GET_SIZE(term), pos = 0, top = 0, i, k, c, ps, pe, child
        cdef long node, item
        cdef list names = self.names
        cdef list parts = [typecode]
        cdef Py_ssize_t* buf = <Py_ssize_t*> malloc((4 * n + 4) * sizeof(Py_ssize_t))
        if buf == NULL:
            raise MemoryError()
        # end[i]: where the subterm at i ends; a stack of (start, children
        # left) for the first walk, of (position, pattern index) for the second
        cdef Py_ssize_t* end = buf
        cdef Py_ssize_t* st_a = buf + n + 1
        cdef Py_ssize_t* st_b = buf + 2 * n + 2
        try:
            while True:
                if pos >= n:
                    raise ValueError("truncated term")
                node = _at(term, pos)
                if node >= 0:
                    if node >= self.nrules:
                        raise ValueError(f"no rule {node}")
                    if self.arity[node]:
                        st_a[top] = pos
                        st_b[top] = self.arity[node]
                        top += 1
                        pos += 1
                        continue
                end[pos] = pos + 1
                pos += 1
                while top:
                    st_b[top - 1] -= 1
                    if st_b[top - 1]:
                        break
                    top -= 1
                    end[st_a[top]] = pos
                if not top:
                    break
            st_a[0] = 0
            st_b[0] = 0
            top = 1
            while top:
                pos = st_a[top - 1]
                node = _at(term, pos)
                if node < 0:
                    parts.append(self._var_name(-1 - node))
                    top -= 1
                    continue
                ps = self.pat_start[node]
                pe = self.pat_start[node + 1]
                i = st_b[top - 1]
                while ps + i < pe:
                    item = self.pat[ps + i]
                    if item >= 0:
                        parts.append(names[item])
                        i += 1
                        continue
                    k = 0
                    for c in range(i):
                        if self.pat[ps + c] < 0:
                            k += 1
                    child = pos + 1
                    for c in range(self.order[self.order_start[node] + k]):
                        child = end[child]
                    st_b[top - 1] = i + 1
                    st_a[top] = child
                    st_b[top] = 0
                    top += 1
                    break
                else:
                    top -= 1
            return " ".join(parts)
        finally:
            free(buf)

    cdef object _var_name(self, Py_ssize_t k):
        cdef list names = self.var_names
        if k >= len(names):
            variables = self.g.variables
            while len(names) <= k:
                names.append(variables[len(names)].name)
        return names[k]

    def postfix(self, tuple term):
        """Rule ids and variables children-first: a syntax proof's order."""
        cdef Py_ssize_t n = PyTuple_GET_SIZE(term), i, top = 0
        cdef long node
        cdef list out = []
        # reversing prefix order of a reversed-children walk gives postfix;
        # simplest exact method: a stack of (node, children left)
        cdef list nodes = []
        cdef list left = []
        for i in range(n):
            node = _at(term, i)
            if node >= 0 and node >= self.nrules:
                raise ValueError(f"no rule {node}")
            if node >= 0 and self.arity[node]:
                nodes.append(node)
                left.append(self.arity[node])
                continue
            out.append(node)
            while left:
                left[len(left) - 1] -= 1
                if left[len(left) - 1]:
                    break
                left.pop()
                out.append(nodes.pop())
        return out
