# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Writing a generated theorem's proof, in C: same results as the plain
Python in `theorem.py` (`_variables_of`, `metamath_proof`), which stays the
reference; tests hold both to that.

The extract generator writes one compressed proof per emitted theorem, so
the per-node work (postfix order, label numbering, letters) is the hot part.
"""
from libc.stdint cimport int32_t
from libc.stdlib cimport malloc, realloc, free
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM, PyTuple_GET_SIZE, PyTuple_GET_ITEM
from cpython.ref cimport Py_INCREF
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

    def encode_numbers(self, numbers):
        """The letters of step numbers >= 1 (and `Z` for 0), written by the
        loop `metamath_proof` uses: tests hold it to the Python encoder
        (`kernel.mmtext.encode_number`), which is the reference."""
        self.raw.n = 0
        for n in numbers:
            if n < 0 or n > 0x7fffffff:
                raise ValueError(f"step number {n} out of range")
            self.raw.push(<int32_t> n)
        return self._letters(0)

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


# stack entries of a replay: a syntax value (a tree), a logical step, a hypothesis
cdef enum:
    _TERM = 0
    _STEP = 1
    _HYP = 2


cdef class Replayer:
    """`extract.logical_steps` in C: same results for every proof a correct
    database holds (the Python version stays the reference; tests hold both
    to that).  Returns (steps, conclusions, hypotheses) or None."""
    cdef dict trees
    cdef dict assertions
    cdef object float_labels
    cdef dict syntax_frames
    cdef dict syntax_rules
    cdef object substitute
    cdef object step_class
    cdef _Ints kinds      # per stack entry: _TERM, _STEP or _HYP
    cdef _Ints saved_kinds

    def __init__(self, ctx, step_class):
        self.trees = ctx.syn.trees
        self.assertions = ctx.assertions
        self.float_labels = ctx.float_labels
        self.syntax_frames = ctx.syntax_frames
        self.syntax_rules = ctx.syntax_rules
        self.substitute = ctx.kit.substitute
        self.step_class = step_class
        self.kinds = _Ints()
        self.saved_kinds = _Ints()

    def replay(self, st):
        cdef dict hyp_index = {}
        cdef list hypotheses = []
        cdef tuple frame = tuple(st.frame.hypotheses)
        cdef Py_ssize_t nframe = PyTuple_GET_SIZE(frame)
        proof = st.proof
        trees = self.trees
        for h in frame:
            tree = trees.get(h)
            if tree is None:
                return None
            if h not in self.float_labels:
                hyp_index[h] = len(hypotheses)
                hypotheses.append(tree.term)
        cdef list steps = []
        cdef list concls = []
        cdef list values = []     # the stack's values (kinds in self.kinds)
        cdef list saved = []      # saved values (kinds in self.saved_kinds)
        self.kinds.n = 0
        self.saved_kinds.n = 0
        cdef tuple labels = tuple(proof.labels)
        cdef Py_ssize_t nlabels = PyTuple_GET_SIZE(labels), i, n, k
        cdef long num = 0
        cdef int r
        cdef str letters
        cdef Py_UCS4 ch
        if proof.letters is not None:
            letters = proof.letters
            # the reference decodes every letter before replaying any
            for ch in letters:
                if not ("A" <= ch <= "Z" or ch == "?" or ch.isspace()):
                    raise ValueError(f"bad compressed proof letter {ch!r}")
            for ch in letters:
                if "U" <= ch <= "Y":
                    num = num * 5 + (<long> ch - 85 + 1)
                elif "A" <= ch <= "T":
                    num = num * 20 + (<long> ch - 65 + 1)
                    if num <= nframe:
                        r = self._label(<object> PyTuple_GET_ITEM(frame, num - 1), hyp_index,
                                        values, steps, concls)
                    elif num <= nframe + nlabels:
                        r = self._label(<object> PyTuple_GET_ITEM(labels, num - nframe - 1),
                                        hyp_index, values, steps, concls)
                    else:
                        k = num - nframe - nlabels - 1
                        if k >= len(saved):
                            return None     # no such saved step (the reference: the same)
                        values.append(saved[k])
                        self.kinds.push(self.saved_kinds.data[k])
                        r = 1
                    num = 0
                    if not r:
                        return None
                elif ch == "Z":
                    if not values:
                        return None         # Z on an empty stack
                    saved.append(values[len(values) - 1])
                    self.saved_kinds.push(self.kinds.data[self.kinds.n - 1])
                elif ch == "?":
                    return None
        else:
            for lab in labels:
                if lab == "?":
                    return None
                if not self._label(lab, hyp_index, values, steps, concls):
                    return None
        if len(values) != 1 or self.kinds.data[0] != _STEP:
            return None
        return steps, concls, hypotheses

    cdef int _label(self, object label, dict hyp_index, list values, list steps,
                    list concls) except -1:
        """Push what citing `label` gives; 0 when the proof cannot be replayed."""
        cdef _Ints kinds = self.kinds
        cdef Py_ssize_t n, top, j, total, pos, m, q
        cdef tuple out, piece
        h = hyp_index.get(label)
        if h is not None:
            values.append(h)
            kinds.push(_HYP)
            return 1
        tree = self.trees.get(label)
        a = self.assertions.get(label)
        if a is None:
            # a $f or a syntax axiom / syntax theorem: builds a tree
            if tree is None:
                return 0
            if label in self.float_labels:
                values.append(tree.term)
                kinds.push(_TERM)
                return 1
            s = self.syntax_frames.get(label)
            if s is None:
                return 0
            n = len(<tuple> s)
            top = len(values)
            if top < n:
                return 0
            for j in range(top - n, top):
                if kinds.data[j] != _TERM:
                    return 0
            rid = self.syntax_rules.get(label)
            if rid is not None:
                # a syntax axiom: its node over its arguments, in frame order
                total = 1
                for j in range(top - n, top):
                    total += PyTuple_GET_SIZE(<tuple> values[j])
                out = PyTuple_New(total)
                Py_INCREF(rid)
                PyTuple_SET_ITEM(out, 0, rid)
                pos = 1
                for j in range(top - n, top):
                    piece = <tuple> values[j]
                    for q in range(PyTuple_GET_SIZE(piece)):
                        x = <object> PyTuple_GET_ITEM(piece, q)
                        Py_INCREF(x)
                        PyTuple_SET_ITEM(out, pos, x)
                        pos += 1
                del values[top - n:]
                kinds.n = top - n
                values.append(out)
                kinds.push(_TERM)
                return 1
            subst = {}
            for j in range(n):
                v = (<tuple> s)[j]
                if v is not None:
                    subst[v] = values[top - n + j]
            del values[top - n:]
            kinds.n = top - n
            values.append(self.substitute(tree.term, subst))
            kinds.push(_TERM)
            return 1
        cdef tuple frame = a.frame
        n = PyTuple_GET_SIZE(frame)
        top = len(values)
        if top < n:
            return 0
        floats, premises, subst = [], [], {}
        for j in range(n):
            slot = <tuple> PyTuple_GET_ITEM(frame, j)
            arg = values[top - n + j]
            if slot[0] == "f":
                if kinds.data[top - n + j] != _TERM:
                    return 0
                floats.append(arg)
                subst[slot[1]] = arg
            else:
                k = kinds.data[top - n + j]
                if k == _TERM:
                    return 0
                premises.append(arg if k == _STEP else -1 - <long> arg)
        del values[top - n:]
        kinds.n = top - n
        steps.append(self.step_class(label, tuple(floats), tuple(premises)))
        concls.append(self.substitute(a.conclusion, subst))
        values.append(len(steps) - 1)
        kinds.push(_STEP)
        return 1


cdef Py_ssize_t _term_variables(tuple t, long* out) except -1:
    """The distinct variables of `t` into `out` (room for len(t)); their count."""
    cdef Py_ssize_t i, k, m = 0, n = PyTuple_GET_SIZE(t)
    cdef long node
    for i in range(n):
        node = _at(t, i)
        if node >= 0:
            continue
        for k in range(m):
            if out[k] == node:
                break
        else:
            out[m] = node
            m += 1
    return m


cdef class DisjointFinder:
    """`theorem.disjoint_needed` in C: same results as the plain Python
    `reference_disjoint_needed`, which stays the reference (tests hold both
    to that).  Each cited assertion's `$d` pairs are turned once into pairs
    of float slots, kept on the assertion."""
    cdef dict assertions

    def __init__(self, assertions):
        self.assertions = assertions

    cdef tuple _slots(self, a):
        # a declared cached property of `context.Assertion`: made once
        return <tuple> a.disjoint_slots

    def needed(self, steps, extra=None):
        """The `$d` pairs `steps` need, or None (see `disjoint_needed`)."""
        cdef set out = set()
        cdef tuple floats, slots, pair, tx, ty
        cdef Py_ssize_t kx, ky, nx, ny, i, j, n, cap = 0
        cdef long p, q
        cdef long* vx = NULL
        cdef long* vy = NULL
        try:
            for st in steps:
                label = st.label
                a = None
                if extra:
                    a = extra.get(label)
                if a is None:
                    a = self.assertions[label]
                if not a.disjoint:
                    continue
                nslots, slots = self._slots(a)
                floats = st.floats
                if PyTuple_GET_SIZE(floats) < <Py_ssize_t> nslots:
                    raise IndexError("tuple index out of range")
                for pair in slots:
                    kx = <Py_ssize_t> <object> PyTuple_GET_ITEM(pair, 0)
                    ky = <Py_ssize_t> <object> PyTuple_GET_ITEM(pair, 1)
                    if kx < 0 or ky < 0:
                        continue
                    tx = <tuple> PyTuple_GET_ITEM(floats, kx)
                    ty = <tuple> PyTuple_GET_ITEM(floats, ky)
                    n = max(PyTuple_GET_SIZE(tx), PyTuple_GET_SIZE(ty))
                    if n > cap:
                        free(vx)
                        free(vy)
                        vx = <long*> malloc(n * sizeof(long))
                        vy = <long*> malloc(n * sizeof(long))
                        cap = n
                        if vx == NULL or vy == NULL:
                            cap = 0
                            raise MemoryError()
                    nx = _term_variables(tx, vx)
                    ny = _term_variables(ty, vy)
                    for i in range(nx):
                        p = vx[i]
                        for j in range(ny):
                            q = vy[j]
                            if p == q:
                                return None
                            out.add((p, q) if p < q else (q, p))
            return frozenset(out)
        finally:
            free(vx)
            free(vy)


cdef object _PERMUTATIONS = None


cdef class ExtractLoop:
    """`Extractor.theorems` in C: same theorems, same lemmas and statistics
    as the plain Python `Extractor.reference_theorems`, which stays the
    reference (tests hold both to that).  Returns the theorems of one
    proof as a list."""
    cdef object ex, ctx, logical_steps, disjoint_needed, assertion_class
    cdef object step_class, theorem_class, theorem_label
    cdef object canonical_hash, canonical_term, match
    cdef dict lemmas, generated, depths, known, float_position, stats

    def __init__(self, ex, logical_steps, disjoint_needed, step_class, theorem_class,
                 assertion_class, theorem_label):
        global _PERMUTATIONS
        if _PERMUTATIONS is None:
            import itertools
            _PERMUTATIONS = itertools.permutations
        self.ex = ex
        self.ctx = ex.ctx
        self.logical_steps = logical_steps
        self.disjoint_needed = disjoint_needed
        if tuple(step_class._fields) != ("label", "floats", "premises", "term", "typecode"):
            raise TypeError("ExtractLoop makes Steps field by field: update `_step`")
        self.step_class = step_class
        self.theorem_class = theorem_class
        self.assertion_class = assertion_class
        self.theorem_label = theorem_label
        kit = self.ctx.kit
        self.canonical_hash = kit.canonical_hash
        self.canonical_term = kit.canonical_term
        self.match = kit.match
        self.lemmas = ex.lemmas
        self.generated = ex.generated
        self.depths = ex._depth
        self.stats = ex.stats
        self.known = self.ctx.known
        self.float_position = self.ctx.float_position

    cdef object _step(self, label, floats, premises):
        # a Step (a named tuple) made without its Python-level __new__
        return tuple.__new__(self.step_class, (label, floats, premises, None, ""))

    cdef object _instance(self, lemma, conclusion, list hyps, list sources):
        match = self.match
        base = match(lemma.conclusion, conclusion)
        if base is None:
            return None
        if not hyps:
            return base, []
        essentials = lemma.essentials
        orders = [hyps] if len(hyps) > 5 else _PERMUTATIONS(hyps)
        for order in orders:
            subst = base
            for h, src in zip(essentials, order):
                subst = match(h, sources[src], subst)
                if subst is None:
                    break
            if subst is not None:
                return subst, list(order)
        return None

    cdef object _assertion(self, str label, typecode, tuple hyps, tuple concl, disjoint,
                           long long position):
        mand_vars = variables_of(list(hyps) + [concl])
        floats = sorted(mand_vars, key=self.float_position.__getitem__)
        frame = [("f", v) for v in floats]
        frame += [("e", h) for h in hyps]
        if disjoint:
            mand = set(mand_vars)
            dj = frozenset([p for p in disjoint if p[0] in mand and p[1] in mand])
        else:
            dj = frozenset()
        a = self.assertion_class.__new__(self.assertion_class)
        d = a.__dict__
        d["label"] = label
        d["typecode"] = typecode
        d["frame"] = tuple(frame)
        d["conclusion"] = concl
        d["disjoint"] = dj
        d["kind"] = "g"
        d["position"] = position
        d["essentials"] = list(hyps)
        d["floats"] = floats
        return a

    def theorems(self, st):
        replay = self.logical_steps(self.ctx, st)
        if replay is None:
            return []
        cdef list out = []
        cdef list rsteps = replay.steps
        cdef list conclusions = replay.conclusions
        cdef list sources = replay.hypotheses
        cdef Py_ssize_t nsteps = len(rsteps), i, k, nused
        cdef long p, depth, dl
        cdef long candidates = 0, skipped = 0, trivial = 0, duplicates = 0, excluded_n = 0
        cdef long one_step = 0
        cdef long long position = self.ex.position
        cdef list made_kind = []      # 0 skipped, 1 a source hypothesis, 2 a lemma,
                                      # 3 one database citation (inlined)
        cdef list made_hyp = []       # kind 1: the source hypothesis index
        cdef list made_lemma = []     # kind 2: the Assertion; 3: (label, floats, sources)
        cdef list made_used = []      # kinds 2, 3: its hypotheses as source indices
        cdef list used, hyp_terms, steps, refs
        cdef dict local
        cdef set seen
        cdef tuple premises
        lemmas = self.lemmas
        generated = self.generated
        depths = self.depths
        excluded = self.ex.excluded
        typecode = st.typecode
        source_label = st.label
        ctx = self.ctx
        try:
            for i in range(nsteps):
                step = rsteps[i]
                candidates += 1
                concl = conclusions[i]
                premises = step.premises
                # the source hypotheses step i rests on (through its premises' lemmas)
                seen = set()
                for q in premises:
                    p = q
                    if p < 0:
                        seen.add(-1 - p)
                        continue
                    kind = made_kind[p]
                    if kind == 0:
                        seen = None
                        break
                    if kind == 1:
                        seen.add(made_hyp[p])
                    else:
                        seen.update(made_used[p])
                if seen is None:
                    made_kind.append(0); made_hyp.append(None)
                    made_lemma.append(None); made_used.append(None)
                    skipped += 1
                    continue
                used = sorted(seen)
                nused = len(used)
                hyp_terms = [sources[h] for h in used]
                if concl in hyp_terms:
                    made_kind.append(1); made_hyp.append(used[hyp_terms.index(concl)])
                    made_lemma.append(None); made_used.append(None)
                    trivial += 1
                    continue
                if nused > 1:
                    canon = self.canonical_term
                    keys = [(canon(h), len(h)) for h in hyp_terms]
                    order = sorted(range(nused), key=keys.__getitem__)
                    used = [used[k] for k in order]
                    hyp_terms = [hyp_terms[k] for k in order]
                key = self.canonical_hash(hyp_terms + [concl])
                known = lemmas.get(key)
                if known is not None:
                    made_kind.append(2); made_hyp.append(None)
                    made_lemma.append(known); made_used.append(used)
                    duplicates += 1
                    continue
                if key in excluded:
                    made_kind.append(0); made_hyp.append(None)
                    made_lemma.append(None); made_used.append(None)
                    excluded_n += 1
                    continue
                # the proof: each premise's lemma, then this step's assertion
                local = {}
                for k in range(nused):
                    local[used[k]] = k
                steps = []
                refs = []
                depth = 0
                complete = True
                for q in premises:
                    p = q
                    if p < 0:
                        refs.append(-1 - <long> local[-1 - p])
                        continue
                    kind = made_kind[p]
                    if kind == 1:
                        refs.append(-1 - <long> local[made_hyp[p]])
                        continue
                    if kind == 3:
                        label, floats, srcs = made_lemma[p]
                        steps.append(self._step(label, floats,
                                                tuple([-1 - <long> local[h] for h in srcs])))
                        refs.append(len(steps) - 1)
                        if depth < 1:
                            depth = 1
                        continue
                    lemma = made_lemma[p]
                    found = self._instance(lemma, conclusions[p], made_used[p], sources)
                    if found is None:
                        complete = False
                        break
                    subst, lemma_hyps = found
                    steps.append(self._step(lemma.label,
                                            tuple([subst[v] for v in lemma.floats]),
                                            tuple([-1 - <long> local[h] for h in lemma_hyps])))
                    refs.append(len(steps) - 1)
                    dl = depths.get(lemma.label, 1)
                    if dl > depth:
                        depth = dl
                if complete:
                    steps.append(self._step(step.label, step.floats, tuple(refs)))
                    disjoint = self.disjoint_needed(ctx, steps, generated)
                else:
                    disjoint = None
                if disjoint is None:
                    made_kind.append(0); made_hyp.append(None)
                    made_lemma.append(None); made_used.append(None)
                    skipped += 1
                    continue
                if len(steps) == 1:
                    made_kind.append(3); made_hyp.append(None)
                    made_lemma.append((step.label, step.floats,
                                       [used[-1 - <long> r] for r in refs]))
                    made_used.append(used)
                    one_step += 1
                    continue
                label = self.theorem_label(self.ctx, key, hyp_terms, concl, disjoint)
                hyps = tuple(hyp_terms)
                thm = self.theorem_class.__new__(self.theorem_class)
                d = thm.__dict__
                d["typecode"] = typecode
                d["hypotheses"] = hyps
                d["conclusion"] = concl
                d["steps"] = tuple(steps)
                d["disjoint"] = disjoint
                d["depth"] = depth + 1
                d["generator"] = "extract"
                d["label"] = label
                d["hash"] = key
                d["restates"] = self.known.get(key)
                d["meta"] = {"source": source_label, "step": i}
                a = self._assertion(label, typecode, hyps, concl, disjoint, position)
                position += 1
                lemmas[key] = a
                generated[label] = a
                depths[label] = depth + 1
                made_kind.append(2); made_hyp.append(None)
                made_lemma.append(a); made_used.append(used)
                out.append(thm)
        finally:
            self.ex.position = position
            stats = self.stats
            stats["candidates"] += candidates
            stats["duplicates"] += duplicates
            stats["trivial"] += trivial
            stats["excluded"] += excluded_n
            stats["skipped"] += skipped
            stats["one_step"] += one_step
        return out


def new_theorem(ctx, writer, thm, extra, new_theorem_class):
    """Same as `theorem.reference_new_theorem(ctx, thm, extra)`, with
    `writer` the context's `ProofWriter`."""
    cdef Py_ssize_t i, n
    cdef tuple hyps = thm.hypotheses
    cdef list hyp_labels, hyp_texts
    label = thm.label
    n = len(hyps)
    hyp_labels = ["%s.%d" % (label, i + 1) for i in range(n)]
    mand, labels, letters = writer.metamath_proof(thm, hyp_labels, extra)
    proof = "( " + " ".join(labels) + " ) " + letters
    disjoint = thm.disjoint
    if disjoint:
        names = ctx.syn.grammar.variables
        groups = [[names[-1 - a].name, names[-1 - b].name] for a, b in sorted(disjoint)]
    else:
        groups = []
    tc = thm.typecode
    printer = ctx.printer
    text = printer.text if printer is not None else ctx.text
    concl = text(tc, thm.conclusion)
    hyp_texts = []
    for i in range(n):
        # `theorem._hypothesis_text`: remembered, the memo renewed past 100,000
        memo = ctx.hypothesis_texts
        if len(memo) > 100_000:
            memo = ctx.hypothesis_texts = {}
        t = hyps[i]
        key = (tc, t)
        s = memo.get(key)
        if s is None:
            s = memo[key] = ctx.text(tc, t)
        hyp_texts.append((hyp_labels[i], s))
    nt = new_theorem_class.__new__(new_theorem_class)
    d = nt.__dict__
    d["label"] = label
    d["conclusion"] = concl
    d["proof"] = proof
    d["hypotheses"] = hyp_texts
    d["disjoint"] = groups
    return nt
