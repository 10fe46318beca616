# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The `deep` generator's saturation loop in C: `Deep._saturate` and
`Deep._apply` of `deep.py` (the reference), statement for statement, drawing
the same random numbers in the same order, so both derive the same facts
(tests hold them to that).

What differs is only how: matching binds into the application's
substitution in place (undone on failure) instead of copying it per
candidate, and a hypothesis-free library assertion whose conclusion clashes
with the goal on a constant, or has a constant where the goal has a rigid
variable (either rules out a unifier; checked without building anything),
is not handed to `unify`.
"""
from libc.math cimport log
from libc.stdint cimport int32_t, uint64_t
from libc.stdlib cimport malloc, realloc, free
from cpython.tuple cimport PyTuple_GET_SIZE, PyTuple_GET_ITEM
from cpython.list cimport PyList_GET_SIZE, PyList_GET_ITEM
from cpython.dict cimport PyDict_GetItem
from cpython.ref cimport PyObject


cdef enum:
    PREFIX = 4   # deep.PREFIX


cdef inline long _at(tuple t, Py_ssize_t i):
    return <long> <object> PyTuple_GET_ITEM(t, i)


cdef class _Tables:
    """Rule arities and types, variable types (synced as fresh variables
    are added to the grammar)."""
    cdef object g
    cdef int32_t* arity
    cdef int32_t* rtype
    cdef Py_ssize_t nrules
    cdef int32_t* vtype
    cdef Py_ssize_t nvars, vcap

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

    cdef int _sync(self) except -1:
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

    cdef inline int32_t vartype(self, long node) except -2:
        if -1 - node >= self.nvars:
            self._sync()
            if -1 - node >= self.nvars:
                raise ValueError(f"no variable {node}")
        return self.vtype[-1 - node]

    cdef inline int32_t type_of(self, long node) except -2:
        if node >= 0:
            if node >= self.nrules:
                raise ValueError(f"no rule {node}")
            return self.rtype[node]
        return self.vartype(node)

    cdef inline Py_ssize_t skip(self, tuple t, Py_ssize_t pos) except -1:
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

    cdef int match_into(self, tuple pattern, tuple term, dict s) except -1:
        """`kit.match(pattern, term, s)` into `s` itself: 1 and `s` extended,
        or 0 and `s` as it was."""
        cdef Py_ssize_t i = 0, j = 0, end, n = PyTuple_GET_SIZE(pattern)
        cdef Py_ssize_t m = PyTuple_GET_SIZE(term)
        cdef long p
        cdef PyObject* bound
        cdef list added = None
        while i < n:
            p = _at(pattern, i)
            if j >= m:
                break
            if p < 0:
                end = self.skip(term, j)
                key = <object> PyTuple_GET_ITEM(pattern, i)
                bound = PyDict_GetItem(s, key)
                if bound == NULL:
                    if self.type_of(_at(term, j)) != self.vartype(p):
                        break
                    s[key] = term[j:end]
                    if added is None:
                        added = [key]
                    else:
                        added.append(key)
                elif not _equal_slice(<tuple> <object> bound, term, j, end):
                    break
                j = end
            else:
                if _at(term, j) != p:
                    break
                j += 1
            i += 1
        else:
            return 1
        if added is not None:
            for key in added:
                del s[key]
        return 0

    cdef bint clash(self, tuple a, tuple b, set rigid) except -1:
        """Whether `a` and `b` differ in a constant at a place both reach
        through equal constants, or `a` has a variable of `rigid` where `b`
        has a constant (then no substitution instantiating no rigid variable
        unifies them: the rigid one would stand for a compound term)."""
        cdef Py_ssize_t i = 0, j = 0, n = PyTuple_GET_SIZE(a), m = PyTuple_GET_SIZE(b)
        cdef long x, y
        while i < n and j < m:
            x = _at(a, i)
            y = _at(b, j)
            if x < 0 and y >= 0 and x in rigid:
                return True
            if x < 0 or y < 0:
                i = self.skip(a, i)
                j = self.skip(b, j)
            elif x != y:
                return True
            else:
                i += 1
                j += 1
        return False


cdef inline bint _equal_slice(tuple bound, tuple term, Py_ssize_t j, Py_ssize_t end):
    cdef Py_ssize_t k, n = PyTuple_GET_SIZE(bound)
    if n != end - j:
        return False
    for k in range(n):
        if _at(bound, k) != _at(term, j + k):
            return False
    return True


cdef dict _tables_by_grammar = {}


cdef _Tables _tables(g):
    t = _tables_by_grammar.get(id(g))
    if t is None or (<_Tables> t).g is not g:
        if len(_tables_by_grammar) >= 2:
            _tables_by_grammar.clear()      # each holds its grammar: keep no old ones alive
        t = _tables_by_grammar[id(g)] = _Tables(g)
    return <_Tables> t


cdef list _keyed(dict index, tuple term):
    """`deep._keyed`."""
    cdef list out = []
    cdef Py_ssize_t k, n = PyTuple_GET_SIZE(term)
    for k in range(1, PREFIX + 1):
        if k > n or _at(term, k - 1) < 0:
            break
        x = index.get(term[:k])
        if x:
            out.append(x)
    return out


cdef int _walk_shapes(_Tables tb, dict node, tuple term, Py_ssize_t pos,
                      list out) except -1:
    cdef Py_ssize_t n = PyTuple_GET_SIZE(term)
    cdef long x
    cdef PyObject* child
    if pos == n:
        child = PyDict_GetItem(node, None)
        if child != NULL and PyList_GET_SIZE(<list> <object> child):
            out.append(<object> child)
        return 0
    x = _at(term, pos)
    child = PyDict_GetItem(node, -1 - tb.type_of(x))
    if child != NULL:
        _walk_shapes(tb, <dict> <object> child, term, tb.skip(term, pos), out)
    if x >= 0:
        child = PyDict_GetItem(node, <object> PyTuple_GET_ITEM(term, pos))
        if child != NULL:
            _walk_shapes(tb, <dict> <object> child, term, pos + 1, out)
    return 0


cdef list _shapes(_Tables tb, dict root, tuple term):
    """`deep._shapes`."""
    cdef list out = []
    _walk_shapes(tb, root, term, 0, out)
    return out


def shapes(g, dict root, tuple term):
    """`deep._shapes(g, root, term)`."""
    return _shapes(_tables(g), root, term)


def clash(g, tuple a, tuple b, set rigid):
    """Whether no unifier of `a` and `b` leaves `rigid` (variables of `a`)
    alone, told by a walk over both (`_Tables.clash`; True is certain,
    False is not)."""
    return _tables(g).clash(a, b, rigid)


cdef inline bint _bound_in(tuple v, dict s):
    """Whether `v` has a variable `s` binds to something other than itself."""
    cdef Py_ssize_t i, n = PyTuple_GET_SIZE(v)
    cdef long node
    cdef PyObject* b
    for i in range(n):
        node = _at(v, i)
        if node < 0:
            b = PyDict_GetItem(s, <object> PyTuple_GET_ITEM(v, i))
            if b != NULL and not (PyTuple_GET_SIZE(<tuple> <object> b) == 1 and
                                  _at(<tuple> <object> b, 0) == node):
                return True
    return False


cdef tuple _deep_sub(sub, tuple t, dict s):
    """`t` under `s` made idempotent (`Deep._resolve`), without making it:
    substituted until nothing bound is left (`s` has no cycles)."""
    t = sub(t, s)
    while _bound_in(t, s):
        t = sub(t, s)
    return t


cdef tuple _renamed_lemma(dp, dict renamed, a, dict counter):
    """`Deep._renamed_lemma(a, counter)`, from its cache when it can."""
    types = dp.float_types.get(a.label)
    if types is not None:
        r = renamed.get((a.label, tuple([counter.get(t, 0) for t in types])))
        if r is not None:
            return r
    return dp._renamed_lemma(a, counter)


cdef inline Py_ssize_t _pick(object rnd, Py_ssize_t n) except -1:
    return <Py_ssize_t> (<double> rnd() * n)


cdef class _Round:
    """What one round's applications read of the generator, looked up once."""
    cdef object dp, rnd, sub, renamed_of, kit
    cdef _Tables tb
    cdef dict renamed, used, axioms_by_head, assertions, float_types, fixed, by_head, by_type
    cdef dict patterns
    cdef set rigid
    cdef list facts, terms
    cdef Py_ssize_t ncand, window


def saturate(dp, list facts, dict index, dict by_head, set rigid, dict by_type):
    """`Deep._saturate(facts, index, by_head, rigid, by_type)` of `dp`."""
    cfg = dp.config
    rnd = dp.rng.random
    cdef _Round r = _Round()
    r.dp = dp
    r.rnd = rnd
    r.sub = dp.ctx.kit.substitute
    r.kit = dp.ctx.kit
    r.renamed_of = dp._renamed
    r.tb = _tables(dp.ctx.syn.grammar)
    r.renamed = dp.renamed
    r.patterns = dp.patterns
    r.used = dp.used
    r.axioms_by_head = dp.axioms_by_head
    r.assertions = dp.ctx.assertions
    r.float_types = dp.float_types
    r.fixed = {v: (v,) for v in rigid}
    r.by_head = by_head
    r.by_type = by_type
    r.rigid = rigid
    r.facts = facts
    r.terms = [f.term for f in facts]
    r.ncand = cfg.candidates
    r.window = cfg.window
    cdef list terms = r.terms
    cdef list depths = [f.depth for f in facts]
    cdef list stepsets = [f.steps for f in facts]
    cdef list hypsets = [f.hyps for f in facts]
    cdef dict used = r.used
    cdef dict in_round = {}
    cdef dict keyed_var = {}     # fact -> its levels and `var_hyp`
    cdef Py_ssize_t cap = max(cfg.per_round, cfg.pool // len(dp.rules))
    cdef dict keyed = {}
    cdef Py_ssize_t derived = 0, steps = cfg.steps, pool = cfg.pool, draws = cfg.draws
    cdef Py_ssize_t max_symbols = cfg.max_symbols, max_hypotheses = cfg.max_hypotheses
    cdef double var_rate = dp.var_rate, recent = cfg.recent, max_share = cfg.max_share
    cdef Py_ssize_t used_total = dp.used_total
    cdef Py_ssize_t n, i, j, attempts = 0, u, best, node, depth, fdepth, slot
    cdef list levels, opts
    cdef tuple p
    cdef object wide
    cdef dict by_shape = dp.by_shape
    cdef list var_hyp = dp.var_hyp
    cdef tuple term, entry
    cdef set hyps, stp
    cdef bint prune = cfg.prune_tautologies
    cdef Py_ssize_t pruned = 0
    cdef dict ops = None
    if prune:
        if dp.ctx.deep_connectives is None:
            dp._tautology(terms[0])         # (finds the connectives)
        ops = _ops(dp.ctx.deep_connectives)
    Fact = type(facts[0])
    try:
        for _ in range(steps):
            if derived >= pool:
                break
            attempts += 1
            n = len(facts)
            if rnd() < 0.75:
                i = n - 1 - min(n - 1, <Py_ssize_t> (-log(1.0 - <double> rnd()) * recent))
            else:
                i = _pick(rnd, n)
            levels = keyed.get(i)
            if levels is None:
                levels = keyed[i] = _shapes(r.tb, by_shape, <tuple> PyList_GET_ITEM(terms, i))
            if rnd() < var_rate or not levels:
                wide = keyed_var.get(i)
                if wide is None:
                    wide = keyed_var[i] = levels + [var_hyp]
                levels = <list> wide
            opts = levels[_pick(rnd, len(levels))]
            if not opts:
                continue
            entry = opts[_pick(rnd, len(opts))]
            label = entry[2]
            best = used.get(label, 0)
            for _d in range(1, draws):
                other = <tuple> opts[_pick(rnd, len(opts))]
                u = used.get(other[2], 0)
                if u < best:
                    entry = other
                    label = entry[2]
                    best = u
            if in_round.get(label, 0) >= cap or best > max_share * used_total + 20:
                continue
            rule = entry[0]
            slot = entry[1]
            new = _apply(r, rule, slot, i, label)
            if new is None:
                continue
            term, prem, floats = new
            if term in index or PyTuple_GET_SIZE(term) > max_symbols:
                continue
            depth = 0
            hyps = set()
            stp = set()
            for p in prem:
                if PyTuple_GET_SIZE(p) == 2:        # ("f", fact)
                    j = <Py_ssize_t> <object> PyTuple_GET_ITEM(p, 1)
                    fdepth = <Py_ssize_t> <object> PyList_GET_ITEM(depths, j)
                    if fdepth > depth:
                        depth = fdepth
                    stp |= <frozenset> PyList_GET_ITEM(stepsets, j)
                    hyps |= <frozenset> PyList_GET_ITEM(hypsets, j)
                else:                               # ("l", label, floats)
                    stp.add(("l", p[1], p[2]))
            if len(hyps) > max_hypotheses:
                continue
            if prune and _tautology(r.tb, ops, term):
                pruned += 1
                continue
            used[label] = used.get(label, 0) + 1
            in_round[label] = in_round.get(label, 0) + 1
            used_total += 1
            for p in prem:
                if PyTuple_GET_SIZE(p) == 3:
                    used[p[1]] = used.get(p[1], 0) + 1
                    used_total += 1
            node = len(facts)
            stp.add(node)
            index[term] = node
            fs, fh = frozenset(stp), frozenset(hyps)
            facts.append(Fact(term, depth + 1, (label, floats, tuple(prem)), -1, fs, fh))
            terms.append(term)
            depths.append(depth + 1)
            stepsets.append(fs)
            hypsets.append(fh)
            if _at(term, 0) >= 0:
                by_head.setdefault(term[0], []).append(node)
            derived += 1
    finally:
        dp.attempts += attempts
        dp.used_total = used_total
        dp.pruned += pruned


cdef object _apply(_Round r, rule, Py_ssize_t slot, Py_ssize_t driver, label):
    cdef _Tables tb = r.tb
    cdef list terms = r.terms
    cdef dict m0 = {}
    cdef tuple pattern
    cdef object pats = r.patterns.get(label)
    if pats is None:
        pats = r.patterns[label] = tuple(rule.essentials)
    pattern = <tuple> PyTuple_GET_ITEM(<tuple> pats, slot)
    if not tb.match_into(pattern, <tuple> PyList_GET_ITEM(terms, driver), m0):
        return None
    rnd = r.rnd
    sub = r.sub
    cdef dict used = r.used
    rr = r.renamed.get(label)
    if rr is None:
        rr = r.renamed_of(rule)
    ren, hyps, concl, counter = rr
    counter = dict(counter)
    cdef dict s = {ren[v][0]: t for v, t in m0.items()}
    s.update(r.fixed)
    cdef Py_ssize_t nh = len(hyps), x, y, k, o, nc, j, window = r.window, nf
    cdef list prem = [None] * nh
    prem[slot] = ("f", driver)
    cdef list order = [k for k in range(nh) if k != slot]
    for x in range(len(order) - 1, 0, -1):
        y = _pick(rnd, x + 1)
        order[x], order[y] = order[y], order[x]
    cdef tuple goal
    cdef list cands
    for k in order:
        goal = sub(hyps[k], s)
        found = None
        if _at(goal, 0) >= 0:
            c = r.by_head.get(goal[0])
            cands = c if c is not None else []
            nc = len(cands)
            if nc > window:
                o = _pick(rnd, nc)
                for x in range(window):
                    j = <Py_ssize_t> <object> PyList_GET_ITEM(cands, (o + x) % nc)
                    if tb.match_into(goal, <tuple> PyList_GET_ITEM(terms, j), s):
                        found = ("f", j)
                        break
            else:
                for x in range(nc):
                    j = <Py_ssize_t> <object> PyList_GET_ITEM(cands, x)
                    if tb.match_into(goal, <tuple> PyList_GET_ITEM(terms, j), s):
                        found = ("f", j)
                        break
        else:
            nf = len(terms)
            if nf > window:
                o = _pick(rnd, nf)
                for x in range(window):
                    j = (o + x) % nf
                    if tb.match_into(goal, <tuple> PyList_GET_ITEM(terms, j), s):
                        found = ("f", j)
                        break
            else:
                for j in range(nf):
                    if tb.match_into(goal, <tuple> PyList_GET_ITEM(terms, j), s):
                        found = ("f", j)
                        break
        if found is None and _at(goal, 0) >= 0:
            levels = _keyed(r.axioms_by_head, goal)
            if levels:
                for _ in range(r.ncand):
                    lib = levels[_pick(rnd, len(levels))]
                    a = lib[_pick(rnd, len(lib))]
                    b = lib[_pick(rnd, len(lib))]
                    if used.get(b.label, 0) < used.get(a.label, 0):
                        a = b
                    # (renaming apart changes no constant: `a.conclusion` will do)
                    if tb.clash(goal, a.conclusion, r.rigid):
                        continue
                    aren, aconcl, took = _renamed_lemma(r.dp, r.renamed, a, counter)
                    u = unify_rigid(r.kit, goal, aconcl, s, r.rigid)
                    if u is not None:
                        s = u
                        found = ("l", a.label, aren)
                        counter.update(took)
                        break
        if found is None:
            return None
        prem[k] = found
    # `s` made idempotent only where it is read (`Deep._apply` resolves it all)
    concl = _deep_sub(sub, concl, s)
    cdef dict fill = {}
    cdef long nd
    cdef set rigid = r.rigid
    for nd in concl:
        if nd < 0 and nd not in rigid and nd not in fill:
            pool = r.by_type.get(tb.vartype(nd))
            if not pool:
                return None
            fill[nd] = (pool[_pick(rnd, len(pool))],)
    if fill:
        concl = sub(concl, fill)
        floats = tuple([sub(_deep_sub(sub, ren[v], s), fill) for v in rule.floats])
    else:
        floats = tuple([_deep_sub(sub, ren[v], s) for v in rule.floats])
    out = []
    for p in prem:
        if p[0] == "l":
            a = r.assertions[p[1]]
            out.append(("l", p[1], tuple([sub(_deep_sub(sub, p[2][v], s), fill) if fill else
                                          _deep_sub(sub, p[2][v], s) for v in a.floats])))
        else:
            out.append(p)
    return concl, out, floats


# -- tautologies -----------------------------------------------------------------
cdef dict _OPS = {"wn": 1, "wi": 2, "wa": 3, "wo": 4, "wb": 5, "wnan": 6, "wxo": 7,
                  "w3a": 8, "w3o": 9, "wtru": 10, "wfal": 11}


#: atom k's column of the truth table of 6 atoms: bit r set where row r has bit k set
cdef uint64_t[6] _WORD
_WORD[0] = 0xAAAAAAAAAAAAAAAA
_WORD[1] = 0xCCCCCCCCCCCCCCCC
_WORD[2] = 0xF0F0F0F0F0F0F0F0
_WORD[3] = 0xFF00FF00FF00FF00
_WORD[4] = 0xFFFF0000FFFF0000
_WORD[5] = 0xFFFFFFFF00000000


def tautology(ctx, dict connectives, tuple term):
    """`deep._tautology_reference(ctx, connectives, term)` (`connectives`:
    rule id -> its label, for the connectives `truth.TRUTH` knows)."""
    return _tautology(_tables(ctx.syn.grammar), _ops(connectives), term)


cdef dict _ops(dict connectives):
    return {r: _OPS[lab] for r, lab in connectives.items()}


cdef dict _NO_NEGATIONS = {}


cdef bint _tautology(_Tables tb, dict ops, tuple term) except -1:
    """`table` of one term, without defined negations: true in every row?"""
    cdef dict atoms = {}
    _table_atoms(tb, term, 0, ops, _NO_NEGATIONS, atoms)
    cdef Py_ssize_t n = len(atoms), pos = 0
    cdef uint64_t[6] small
    cdef uint64_t full64
    if n > 12:
        return False
    if n <= 6:
        # at most 64 assignments: one machine word per atom
        full64 = (<uint64_t> 1 << (1 << n)) - 1 if n < 6 else <uint64_t> 0xFFFFFFFFFFFFFFFF
        for k in range(n):
            small[k] = _WORD[k] & full64
        return _table_eval64(tb, term, &pos, ops, _NO_NEGATIONS, atoms, small, full64) == full64
    rows = 1 << n
    full = (1 << rows) - 1
    cdef list masks = []
    for k in range(n):
        half = 1 << k
        masks.append((((1 << half) - 1) << half) * full // ((1 << (2 * half)) - 1))
    return _table_eval(tb, term, &pos, ops, _NO_NEGATIONS, atoms, masks, full) == full


# -- truth tables of several terms (truth.table_reference) --------------------------
cdef Py_ssize_t _table_atoms(_Tables tb, tuple t, Py_ssize_t pos, dict ops, dict negated,
                             dict atoms) except -1:
    """Number the atoms of the subterm at `pos` (a defined negation's atom
    is the term it negates) in prefix order; the subterm's end."""
    cdef long node = _at(t, pos)
    cdef Py_ssize_t k, p, end
    if node >= 0 and node in ops:
        p = pos + 1
        for k in range(tb.arity[node]):
            p = _table_atoms(tb, t, p, ops, negated, atoms)
        return p
    end = tb.skip(t, pos)
    if node >= 0 and node in negated:
        key = (negated[node],) + t[pos + 1:end]
    else:
        key = t[pos:end]
    if key not in atoms:
        atoms[key] = len(atoms)
    return end


cdef object _table_eval(_Tables tb, tuple t, Py_ssize_t* pos, dict ops, dict negated,
                        dict atoms, list masks, object full):
    """The subterm's value over every row, its atoms' columns `masks`
    (by atom number): Python integers, as there may be 4,096 rows."""
    cdef long node = _at(t, pos[0])
    cdef Py_ssize_t end, k
    cdef int op
    if node >= 0 and node in ops:
        op = ops[node]
        pos[0] += 1
        a = [_table_eval(tb, t, pos, ops, negated, atoms, masks, full)
             for k in range(tb.arity[node])]
        if op == 1:
            return full & ~a[0]
        if op == 2:
            return full & (~a[0] | a[1])
        if op == 3:
            return a[0] & a[1]
        if op == 4:
            return a[0] | a[1]
        if op == 5:
            return full & ~(a[0] ^ a[1])
        if op == 6:
            return full & ~(a[0] & a[1])
        if op == 7:
            return a[0] ^ a[1]
        if op == 8:
            return a[0] & a[1] & a[2]
        if op == 9:
            return a[0] | a[1] | a[2]
        if op == 10:
            return full
        return 0
    end = tb.skip(t, pos[0])
    if node >= 0 and node in negated:
        m = full & ~masks[atoms[(negated[node],) + t[pos[0] + 1:end]]]
    else:
        m = masks[atoms[t[pos[0]:end]]]
    pos[0] = end
    return m


cdef uint64_t _table_eval64(_Tables tb, tuple t, Py_ssize_t* pos, dict ops, dict negated,
                            dict atoms, uint64_t* words, uint64_t full) except? 0:
    """`_table_eval` over at most 6 atoms: one machine word per value."""
    cdef long node = _at(t, pos[0])
    cdef Py_ssize_t end
    cdef int op
    cdef uint64_t a, b, c
    if node >= 0 and node in ops:
        op = ops[node]
        pos[0] += 1
        if op == 10:
            return full
        if op == 11:
            return 0
        a = _table_eval64(tb, t, pos, ops, negated, atoms, words, full)
        if op == 1:
            return full & ~a
        b = _table_eval64(tb, t, pos, ops, negated, atoms, words, full)
        if op == 2:
            return full & (~a | b)
        if op == 3:
            return a & b
        if op == 4:
            return a | b
        if op == 5:
            return full & ~(a ^ b)
        if op == 6:
            return full & ~(a & b)
        if op == 7:
            return a ^ b
        c = _table_eval64(tb, t, pos, ops, negated, atoms, words, full)
        if op == 8:
            return a & b & c
        return a | b | c
    end = tb.skip(t, pos[0])
    if node >= 0 and node in negated:
        a = full & ~words[<Py_ssize_t> atoms[(negated[node],) + t[pos[0] + 1:end]]]
    else:
        a = words[<Py_ssize_t> atoms[t[pos[0]:end]]]
    pos[0] = end
    return a


cdef dict _ops_cache = {}


def table(g, dict connectives, list terms, negated=None):
    """`truth.table_reference(g, connectives, terms, negated)`: (all rows,
    each term's value as a bit mask, atom -> its number), None past 12 atoms."""
    cdef _Tables tb = _tables(g)
    cdef dict neg = negated if negated else {}
    cdef dict atoms = {}
    cdef Py_ssize_t n, k, pos
    cdef uint64_t[6] small
    cdef uint64_t full64
    key = id(connectives)
    got = _ops_cache.get(key)
    if got is None or (<tuple> got)[0] is not connectives:
        if len(_ops_cache) > 8:
            _ops_cache.clear()
        got = _ops_cache[key] = (connectives, _ops(connectives))
    cdef dict ops = (<tuple> got)[1]
    for t in terms:
        _table_atoms(tb, <tuple> t, 0, ops, neg, atoms)
    n = len(atoms)
    if n > 12:
        return None
    values = []
    if n <= 6:
        full64 = (<uint64_t> 1 << (1 << n)) - 1 if n < 6 else <uint64_t> 0xFFFFFFFFFFFFFFFF
        for k in range(n):
            small[k] = _WORD[k] & full64
        for t in terms:
            pos = 0
            values.append(_table_eval64(tb, <tuple> t, &pos, ops, neg, atoms, small, full64))
        return full64, values, atoms
    rows = 1 << n               # a Python integer: the masks below are too
    full = (1 << rows) - 1
    masks = []
    for k in range(n):      # blocks of 2^k zeros then 2^k ones, repeated
        half = 1 << k
        masks.append((((1 << half) - 1) << half) * full // ((1 << (2 * half)) - 1))
    for t in terms:
        pos = 0
        values.append(_table_eval(tb, <tuple> t, &pos, ops, neg, atoms, masks, full))
    return full, values, atoms


# -- unification that leaves the round's premises alone -----------------------------
def unify_rigid(kit, tuple a, tuple b, dict s, set rigid):
    """`Deep._unify_rigid(a, b, s, rigid)`."""
    u = kit.unify(a, b, {k: v for k, v in s.items() if k not in rigid})
    if u is None:
        return None
    cdef dict flip = {}
    cdef tuple t
    for v in rigid:
        t = u.get(v)
        if t is None:
            continue
        if PyTuple_GET_SIZE(t) != 1 or _at(t, 0) >= 0 or t[0] in rigid or t[0] in flip \
                or t[0] in u:
            return None
        flip[t[0]] = (v,)
    cdef dict out
    if flip:
        sub = kit.substitute
        out = {k: sub(t, flip) for k, t in u.items() if k not in rigid}
    else:
        out = {k: t for k, t in u.items() if k not in rigid}
    out.update(flip)
    for v in rigid:
        out[v] = (v,)
    return out


# -- instances of database assertions (novelty.py) ----------------------------------
cdef object _LEAF_KEY = None, _PENDING_KEY = None
cdef Py_ssize_t _LEAD = 0


def instance_best(index, list hyps, tuple conclusion, disjoint):
    """`novelty.best_instance(index, hyps, conclusion, disjoint)`: the same
    walk of the discrimination tree, matching in place (undone on failure)
    instead of copying a substitution per candidate."""
    global _LEAF_KEY, _PENDING_KEY, _LEAD
    if _LEAD == 0:
        from proofgen.explore import novelty
        _LEAF_KEY, _PENDING_KEY, _LEAD = novelty._LEAF, novelty._PENDING, novelty.LEAD
    cdef _Tables tb = _tables(index.ctx.syn.grammar)
    cdef set have = set()
    cdef tuple h, entry
    cdef Py_ssize_t k, pos, n = PyTuple_GET_SIZE(conclusion)
    for h in hyps:
        k = 0
        while k < PyTuple_GET_SIZE(h) and k < _LEAD and _at(h, k) >= 0:
            k += 1
            have.add(h[:k])
    cdef list roots = index.roots
    cdef list stack = [(roots[k], 0) for k in range(min(len(roots), len(hyps) + 1))]
    cdef dict node, s
    cdef PyObject* child
    cdef long long best_pos = 0
    best = None
    grow = index._grow
    while stack:
        node, pos = stack.pop()
        if _PENDING_KEY in node:
            grow(node)
        if pos == n:
            leaf = node.get(_LEAF_KEY)
            if leaf is None:
                continue
            for entry in leaf:
                a = entry[0]
                if best is not None and a.position >= best_pos:
                    continue
                if not (<frozenset> entry[1]) <= have:
                    continue
                s = {}
                if tb.match_into(<tuple> entry[2], conclusion, s) \
                        and _extend_into(tb, a, <list> entry[3], 0, hyps, s, disjoint):
                    best = a
                    best_pos = a.position
            continue
        child = PyDict_GetItem(node, None)          # the wildcard: one whole subterm
        if child != NULL:
            stack.append((<object> child, tb.skip(conclusion, pos)))
        if _at(conclusion, pos) >= 0:
            child = PyDict_GetItem(node, <object> PyTuple_GET_ITEM(conclusion, pos))
            if child != NULL:
                stack.append((<object> child, pos + 1))
    return best


cdef bint _extend_into(_Tables tb, a, list needed, Py_ssize_t k, list have, dict s,
                       disjoint) except -1:
    """`novelty._extend` from `needed[k]` on, extending `s` in place: on
    False `s` is as it was (a dict pops its latest keys first)."""
    if k == PyList_GET_SIZE(needed):
        return _disjoint_kept(a, s, disjoint)
    cdef tuple first = <tuple> PyList_GET_ITEM(needed, k)
    cdef Py_ssize_t before = len(s), extra
    for h in have:
        if tb.match_into(first, <tuple> h, s):
            if _extend_into(tb, a, needed, k + 1, have, s, disjoint):
                return True
            for extra in range(len(s) - before):
                s.popitem()
    return False


cdef bint _disjoint_kept(a, dict s, disjoint) except -1:
    """`novelty._disjoint_kept(a, s, disjoint)`."""
    cdef long p, q
    for x, y in a.disjoint:
        tx = s.get(x)
        ty = s.get(y)
        if tx is None or ty is None:
            continue
        for p in tx:
            if p >= 0:
                continue
            for q in ty:
                if q >= 0:
                    continue
                if p == q or ((p, q) if p < q else (q, p)) not in disjoint:
                    return False
    return True
