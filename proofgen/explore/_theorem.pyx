# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Writing a generated theorem's proof, in C: same results as the plain
Python in `theorem.py` (`_variables_of`, `metamath_proof`), which stays the
reference; tests hold both to that.

The extract generator writes one compressed proof per emitted theorem, so
the per-node work (postfix order, label numbering, letters) is the hot part.
"""
from libc.stdint cimport int32_t
from libc.stdlib cimport malloc, realloc, free
from cpython.tuple cimport PyTuple_GET_SIZE, PyTuple_GET_ITEM
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.long cimport PyLong_FromLong


# steps nested deeper than this raise (C recursion; Python's would too)
cdef int _MAX_DEPTH = 20000


cdef inline long _at(tuple t, Py_ssize_t i):
    return <long> <object> PyTuple_GET_ITEM(t, i)


def variables_of(terms):
    """The variables of `terms` in order of first appearance."""
    cdef long buf[64]
    cdef long* seen = buf
    cdef Py_ssize_t count = 0, cap = 64, i, k, n
    cdef long node
    cdef tuple t
    cdef long* p
    try:
        for term in terms:
            t = term if type(term) is tuple else tuple(term)
            n = PyTuple_GET_SIZE(t)
            for i in range(n):
                node = _at(t, i)
                if node >= 0:
                    continue
                for k in range(count):
                    if seen[k] == node:
                        break
                else:
                    if count == cap:
                        p = <long*> malloc(2 * cap * sizeof(long))
                        if p == NULL:
                            raise MemoryError()
                        for k in range(count):
                            p[k] = seen[k]
                        if seen != buf:
                            free(seen)
                        seen = p
                        cap *= 2
                    seen[count] = node
                    count += 1
        return [PyLong_FromLong(seen[k]) for k in range(count)]
    finally:
        if seen != buf:
            free(seen)


cdef class _Ints:
    """A growable C array of ints."""
    cdef int32_t* data
    cdef Py_ssize_t n, cap

    def __cinit__(self):
        self.cap = 256
        self.n = 0
        self.data = <int32_t*> malloc(self.cap * sizeof(int32_t))
        if self.data == NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)

    cdef inline int push(self, int32_t x) except -1:
        cdef int32_t* p
        if self.n == self.cap:
            p = <int32_t*> realloc(self.data, 2 * self.cap * sizeof(int32_t))
            if p == NULL:
                raise MemoryError()
            self.data = p
            self.cap *= 2
        self.data[self.n] = x
        self.n += 1
        return 0


cdef class ProofWriter:
    """`metamath_proof` for one context: the grammar's arities and labels in
    C arrays, scratch buffers reused from one proof to the next."""
    cdef int32_t* arity
    cdef Py_ssize_t nrules
    cdef list rule_labels
    cdef dict float_label
    cdef dict float_position
    cdef dict assertions
    # scratch, per proof
    cdef _Ints raw       # > 0: a number; 0: Z; < 0: -1 - saved index
    cdef _Ints stack     # postfix walk: pending children per open node
    cdef _Ints nodes     # postfix walk: open nodes
    cdef list labels
    cdef dict number
    cdef dict saved_terms
    cdef dict term_uses
    cdef int32_t* saved_steps
    cdef int32_t* step_uses
    cdef Py_ssize_t steps_cap
    cdef int32_t n_saved
    cdef int32_t n_mand
    cdef tuple steps
    cdef object hyp_numbers
    cdef object extra

    def __cinit__(self):
        self.arity = NULL
        self.saved_steps = NULL
        self.step_uses = NULL
        self.steps_cap = 0

    def __dealloc__(self):
        free(self.arity)
        free(self.saved_steps)
        free(self.step_uses)

    def __init__(self, grammar, rule_labels, float_label, float_position, assertions):
        rules = grammar.rules
        self.nrules = len(rules)
        self.arity = <int32_t*> malloc((self.nrules + 1) * sizeof(int32_t))
        if self.arity == NULL:
            raise MemoryError()
        for i, r in enumerate(rules):
            self.arity[i] = r.arity
        self.rule_labels = list(rule_labels)
        self.float_label = float_label
        self.float_position = float_position
        self.assertions = assertions
        self.raw = _Ints()
        self.stack = _Ints()
        self.nodes = _Ints()

    cdef int _ensure_steps(self, Py_ssize_t n) except -1:
        cdef int32_t* a
        cdef int32_t* b
        if n <= self.steps_cap:
            return 0
        cap = max(n, 2 * self.steps_cap, 64)
        a = <int32_t*> realloc(self.saved_steps, cap * sizeof(int32_t))
        if a == NULL:
            raise MemoryError()
        self.saved_steps = a
        b = <int32_t*> realloc(self.step_uses, cap * sizeof(int32_t))
        if b == NULL:
            raise MemoryError()
        self.step_uses = b
        self.steps_cap = cap
        return 0

    cdef inline int32_t _ref(self, object label) except -1:
        cdef object k = self.number.get(label)
        if k is None:
            self.labels.append(label)
            k = self.n_mand + len(self.labels)
            self.number[label] = k
        return <int32_t> k

    cdef int _emit_term(self, tuple t) except -1:
        cdef object idx
        cdef Py_ssize_t i, n = PyTuple_GET_SIZE(t)
        cdef long node
        cdef int32_t a
        cdef _Ints raw = self.raw, stack = self.stack, nodes = self.nodes
        if n > 1:
            idx = self.saved_terms.get(t)
            if idx is not None:
                raw.push(-1 - <int32_t> idx)
                return 0
        # children first: a stack of (open node, children still to come)
        stack.n = nodes.n = 0
        for i in range(n):
            node = _at(t, i)
            if node >= 0:
                if node >= self.nrules:
                    raise ValueError(f"no rule {node}")
                a = self.arity[node]
                if a:
                    nodes.push(<int32_t> node)
                    stack.push(a)
                    continue
                raw.push(self._ref(self.rule_labels[node]))
            else:
                raw.push(self._ref(self.float_label[node]))
            while stack.n:
                stack.data[stack.n - 1] -= 1
                if stack.data[stack.n - 1]:
                    break
                stack.n -= 1
                nodes.n -= 1
                raw.push(self._ref(self.rule_labels[nodes.data[nodes.n]]))
        if n > 1 and self.term_uses.get(t, 0) > 1:
            self.saved_terms[t] = self.n_saved
            self.n_saved += 1
            raw.push(0)
        return 0

    cdef int _emit_step(self, Py_ssize_t i, int depth) except -1:
        cdef Py_ssize_t fi = 0, ei = 0
        cdef long p
        if i < 0 or i >= PyTuple_GET_SIZE(self.steps):
            raise IndexError(f"no step {i}")
        if depth > _MAX_DEPTH:
            raise RecursionError("proof steps nest too deeply")
        if self.saved_steps[i] >= 0:
            self.raw.push(-1 - self.saved_steps[i])
            return 0
        st = <object> PyTuple_GET_ITEM(self.steps, i)
        label = st.label
        a = None
        if self.extra:
            a = self.extra.get(label)
        if a is None:
            a = self.assertions[label]
        cdef tuple floats = st.floats
        cdef tuple premises = st.premises
        for kind, _ in a.frame:
            if kind == "f":
                if fi >= PyTuple_GET_SIZE(floats):
                    raise IndexError(f"step {i}: too few floats for {label}")
                self._emit_term(<tuple> PyTuple_GET_ITEM(floats, fi))
                fi += 1
            else:
                if ei >= PyTuple_GET_SIZE(premises):
                    raise IndexError(f"step {i}: too few premises for {label}")
                p = _at(premises, ei)
                ei += 1
                if p < 0:
                    if -1 - p >= len(self.hyp_numbers):
                        raise IndexError(f"step {i}: no hypothesis {-1 - p}")
                    self.raw.push(self.hyp_numbers[-1 - p])
                else:
                    self._emit_step(p, depth + 1)
        self.raw.push(self._ref(label))
        if self.step_uses[i] > 1:
            self.saved_steps[i] = self.n_saved
            self.n_saved += 1
            self.raw.push(0)
        return 0

    def metamath_proof(self, thm, hyp_labels, extra=None):
        """Same as `theorem.metamath_proof(ctx, thm, hyp_labels, extra)`."""
        cdef Py_ssize_t i, j, nsteps, base, total, m, x, k
        cdef long p
        cdef tuple floats, premises
        hypotheses = thm.hypotheses
        mand_vars = variables_of(list(hypotheses) + [thm.conclusion])
        mand = [self.float_label[v] for v in sorted(mand_vars, key=self.float_position.__getitem__)]
        mand += list(hyp_labels)
        self.number = {lab: i + 1 for i, lab in enumerate(mand)}
        self.n_mand = len(mand)
        self.hyp_numbers = [self.number[h] for h in hyp_labels]
        self.labels = []
        self.saved_terms = {}
        self.n_saved = 0
        self.extra = extra
        self.steps = thm.steps if type(thm.steps) is tuple else tuple(thm.steps)
        nsteps = PyTuple_GET_SIZE(self.steps)
        self._ensure_steps(nsteps)
        cdef dict term_uses = {}
        for i in range(nsteps):
            self.step_uses[i] = 0
            self.saved_steps[i] = -1
        for i in range(nsteps):
            st = <object> PyTuple_GET_ITEM(self.steps, i)
            floats = st.floats
            for j in range(PyTuple_GET_SIZE(floats)):
                t = <tuple> PyTuple_GET_ITEM(floats, j)
                if PyTuple_GET_SIZE(t) > 1:
                    term_uses[t] = term_uses.get(t, 0) + 1
            premises = st.premises
            for j in range(PyTuple_GET_SIZE(premises)):
                p = _at(premises, j)
                if p >= nsteps:
                    raise IndexError(f"step {i}: no step {p}")
                if p >= 0:
                    self.step_uses[p] += 1
        self.term_uses = term_uses
        self.raw.n = 0
        try:
            self._emit_step(nsteps - 1, 0)
            labels = self.labels
            base = self.n_mand + len(labels)
            letters = self._letters(base)
        finally:
            self.steps = None
            self.extra = None
            self.number = None
            self.labels = None
            self.saved_terms = None
            self.term_uses = None
            self.hyp_numbers = None
        return mand, labels, letters

    cdef str _letters(self, Py_ssize_t base):
        cdef _Ints raw = self.raw
        cdef Py_ssize_t i, k, cap = 8 * raw.n + 8, pos = 0
        cdef long n, x
        cdef char tmp[32]
        cdef char* out = <char*> malloc(cap)
        cdef char* grown
        if out == NULL:
            raise MemoryError()
        try:
            for i in range(raw.n):
                x = raw.data[i]
                if x == 0:
                    out[pos] = b'Z'
                    pos += 1
                    continue
                n = x if x > 0 else base + 1 + (-1 - x)
                # A-T last digit, U-Y higher digits (built backwards)
                k = 0
                tmp[k] = <char> (65 + (n - 1) % 20)
                k += 1
                n = (n - 1) // 20
                while n:
                    tmp[k] = <char> (85 + (n - 1) % 5)
                    k += 1
                    n = (n - 1) // 5
                if pos + k > cap:
                    cap = 2 * cap + k
                    grown = <char*> realloc(out, cap)
                    if grown == NULL:
                        raise MemoryError()
                    out = grown
                while k:
                    k -= 1
                    out[pos] = tmp[k]
                    pos += 1
            return PyBytes_FromStringAndSize(out, pos).decode("ascii")
        finally:
            free(out)
