# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The fast engine: the reference engine's rules on interned integers.

Same reading rules, same diagnostics as `reference.py` (tests hold both to
that); the differences are all in representation:

* every label and math symbol is interned once into a C hash table;
  expressions are int32 arrays in one arena;
* each assertion stores its conclusion and essential hypotheses as
  *templates* (variables replaced by -(position of their $f in the frame)-1),
  so a citation substitutes by array slices, never by dictionary;
* proof stack entries are (offset, length) references: hypotheses point into
  the statement arena, built expressions into a per-proof work arena, and a
  compressed proof's saved steps are pushed by reference, never expanded;
* `$e` hypotheses are compared against the stack piece by piece, never built;
* a theorem's active `$d` pairs are a sorted array of 64-bit keys.

Reading is serial; `check_range` checks any slice of the theorems, so the
API can fork workers over a read database.
"""
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport malloc, realloc, free, qsort
from libc.string cimport memcmp, memcpy, memchr
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE

import os

from .diagnostics import LineFinder, Sink
from .files import FileProblem, Inputs
from .limits import DEFAULT_LIMITS, DV_TEST_UNITS, ResourceError, WorkExhausted, work_message
from .model import Frame, Proof, Statement

# ---------------------------------------------------------------------------
# growable arrays

cdef struct IVec:
    int32_t* d
    Py_ssize_t n
    Py_ssize_t cap

cdef struct LVec:
    int64_t* d
    Py_ssize_t n
    Py_ssize_t cap


cdef int ivec_reserve(IVec* v, Py_ssize_t need) except -1:
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


cdef inline int ivec_push(IVec* v, int32_t x) except -1:
    if v.n >= v.cap:
        ivec_reserve(v, v.n + 1)
    v.d[v.n] = x
    v.n += 1
    return 0


cdef int lvec_reserve(LVec* v, Py_ssize_t need) except -1:
    cdef Py_ssize_t cap
    cdef int64_t* p
    if need <= v.cap:
        return 0
    cap = v.cap * 2 if v.cap else 64
    while cap < need:
        cap *= 2
    p = <int64_t*> realloc(v.d, cap * sizeof(int64_t))
    if p == NULL:
        raise MemoryError()
    v.d = p
    v.cap = cap
    return 0


cdef inline int lvec_push(LVec* v, int64_t x) except -1:
    if v.n >= v.cap:
        lvec_reserve(v, v.n + 1)
    v.d[v.n] = x
    v.n += 1
    return 0


# ---------------------------------------------------------------------------
# bytes

cdef unsigned char CLS[256]   # 0 invalid, 1 whitespace, 2 printable
cdef unsigned char LABELCH[256]
cdef unsigned char KWCH[256]  # second byte of a keyword
cdef int _i
cdef Py_ssize_t DV_UNITS = DV_TEST_UNITS  # see limits.py
for _i in range(256):
    CLS[_i] = 2 if 0x21 <= _i <= 0x7E else 0
    LABELCH[_i] = 0
    KWCH[_i] = 0
for _c in bytearray(b" \t\n\r\f"):
    CLS[_c] = 1
for _c in bytearray(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"):
    LABELCH[_c] = 1
for _c in bytearray(b"{}cvfedap.=()[]"):
    KWCH[_c] = 1

DEF SYM_CONST = 1
DEF SYM_EVERVAR = 2
DEF SYM_ACTIVEVAR = 4
DEF NO_END = 0x7FFFFFFF

# keyword codes: the keyword's second byte
DEF K_NONE = 0


cdef inline int keyword_of(const unsigned char* s, Py_ssize_t a, Py_ssize_t b) noexcept:
    """The keyword's second byte if s[a:b] is a keyword, else 0."""
    if b - a == 2 and s[a] == 36 and KWCH[s[a + 1]]:
        return s[a + 1]
    return K_NONE


def _clip(text, n=40):
    return text if len(text) <= n else text[:n] + "..."


# ---------------------------------------------------------------------------
# lexing

cdef class Lexer:
    """Tokens of one file, comments removed (see reference.Lexer)."""
    cdef object data
    cdef const unsigned char* s
    cdef Py_ssize_t n, pos
    cdef int file
    cdef FastDatabase db
    cdef bint has_pending
    cdef Py_ssize_t pa, pb

    def __cinit__(self, bytes data, int file, FastDatabase db):
        self.data = data
        self.s = <const unsigned char*> PyBytes_AS_STRING(data)
        self.n = PyBytes_GET_SIZE(data)
        self.pos = 0
        self.file = file
        self.db = db
        self.has_pending = False

    cdef int raw(self, Py_ssize_t* a, Py_ssize_t* b) except -1:
        cdef const unsigned char* s = self.s
        cdef Py_ssize_t i = self.pos, n = self.n, start
        while True:
            while i < n and CLS[s[i]] == 1:
                i += 1
            if i < n and CLS[s[i]] == 0:
                start = i
                while i < n and CLS[s[i]] == 0:
                    i += 1
                self.db.report(self.file, start, "E0101", "",
                               "invalid byte 0x%02X (only printable ASCII, space, tab, LF, CR and FF "
                               "are allowed)" % s[start])
                continue
            break
        if i >= n:
            self.pos = n
            return 0
        start = i
        while i < n and CLS[s[i]] == 2:
            i += 1
        self.pos = i
        if i - start > self.db.max_token_bytes:
            raise ResourceError("token of %d bytes exceeds the limit of %d (max_token_bytes)"
                                % (i - start, self.db.max_token_bytes), start)
        a[0] = start
        b[0] = i
        return 1

    cdef inline void push_back(self, Py_ssize_t a, Py_ssize_t b):
        self.has_pending = True
        self.pa = a
        self.pb = b

    cdef int next(self, Py_ssize_t* a, Py_ssize_t* b) except -1:
        """1 and the token's bounds, or 0 at end of file."""
        cdef int kw
        if self.has_pending:
            self.has_pending = False
            a[0] = self.pa
            b[0] = self.pb
            return 1
        while True:
            if not self.raw(a, b):
                return 0
            if memchr(self.s + a[0], 36, b[0] - a[0]) == NULL:
                return 1
            kw = keyword_of(self.s, a[0], b[0])
            if kw == 40:  # $(
                self.skip_comment(a[0])
                continue
            if kw == 41:  # $)
                self.db.report(self.file, a[0], "E0104", "", "'$)' outside a comment")
                continue
            if kw:
                return 1
            self.db.report(self.file, a[0], "E0102", "",
                           "unknown keyword or '$' inside a token: '%s'" % _clip(self.text(a[0], b[0])))

    cdef int skip_comment(self, Py_ssize_t open_off) except -1:
        cdef Py_ssize_t a, b, i
        cdef const unsigned char* s = self.s
        cdef bint opens, closes
        while True:
            if not self.raw(&a, &b):
                self.db.report(self.file, open_off, "E0105", "", "comment not closed before end of file")
                return 0
            if memchr(s + a, 36, b - a) == NULL:
                continue
            if b - a == 2 and s[a] == 36 and s[a + 1] == 41:
                return 0
            opens = closes = False
            for i in range(a, b - 1):
                if s[i] == 36:
                    if s[i + 1] == 40:
                        opens = True
                    elif s[i + 1] == 41:
                        closes = True
            if opens:
                self.db.report(self.file, a, "E0103", "", "'$(' inside a comment (comments do not nest)")
            elif closes:
                self.db.report(self.file, a, "E0104", "",
                               "'$)' glued to other text inside a comment; it must stand alone")

    cdef str text(self, Py_ssize_t a, Py_ssize_t b):
        return (<bytes> self.s[a:b]).decode("ascii")


# ---------------------------------------------------------------------------
# the database

cdef class FastDatabase:
    cdef readonly object path
    cdef readonly object limits
    cdef public object sink
    cdef readonly int read_diagnostics
    cdef Py_ssize_t max_token_bytes, max_block_depth, max_expression, max_proof_symbols
    cdef Py_ssize_t max_proof_steps, max_include_depth
    cdef bint allow_outside
    cdef list buffers          # file index -> bytes
    cdef object root
    cdef object inputs         # files read (each once), bytes read in all
    cdef list open_files       # (lexer, block depth at its start), innermost last

    # symbol table (labels and math symbols share it)
    cdef char* names
    cdef Py_ssize_t names_n, names_cap
    cdef LVec name_off
    cdef IVec name_len
    cdef LVec name_hash
    cdef int32_t* htab
    cdef Py_ssize_t hcap
    cdef IVec sym_flags, sym_label, sym_float, sym_type, sym_mark, sym_pos
    cdef int32_t stamp

    # labelled statements
    cdef IVec st_kind, st_label, st_file, st_expr, st_len, st_end
    cdef IVec st_frame, st_nframe, st_dv, st_ndv, st_tpl, st_ntpl, st_snap, st_nsnap
    cdef LVec st_off, st_pf_eq, st_pf_end
    cdef IVec exprs            # raw expressions of all statements
    cdef IVec fr_hyp, fr_tpl, fr_ntpl   # frame entries: hyp stmt, its template
    cdef IVec tpl              # templates
    cdef IVec dvpairs          # mandatory $d as frame-position pairs
    cdef LVec snaps            # sorted $d keys of theorems' contexts
    cdef IVec theorems         # stmt index of each $p

    # scopes
    cdef IVec sc_hyp, sc_var, sc_float, sc_dv
    cdef IVec active_hyps, active_ess, scope_vars, scope_floats, sc_ess
    cdef LVec active_dv        # keys of the $d pairs declared in open blocks
    # $d pair key -> times declared in open blocks (open addressing, keys >= 0)
    cdef int64_t* dvh_keys
    cdef int32_t* dvh_cnt
    cdef Py_ssize_t dvh_cap, dvh_n
    cdef Py_ssize_t pairs_held, max_disjoint_pairs
    cdef Py_ssize_t frame_syms, max_frame_symbols  # what all frames hold (Limits)
    cdef IVec tmp_vars

    # proof checking
    cdef IVec work
    cdef LVec stk_off
    cdef IVec stk_len
    cdef LVec sv_off
    cdef IVec sv_len
    cdef LVec sub_off
    cdef IVec sub_len
    cdef IVec listed
    cdef Py_ssize_t used
    cdef Py_ssize_t max_work, work_left, work_stopped  # see Limits.max_work
    cdef const int64_t* dvkeys
    cdef Py_ssize_t ndvkeys
    cdef object e_code, e_msg
    cdef Py_ssize_t e_off

    def __cinit__(self):
        self.hcap = 1 << 16
        self.htab = <int32_t*> malloc(self.hcap * sizeof(int32_t))
        if self.htab == NULL:
            raise MemoryError()
        for i in range(self.hcap):
            self.htab[i] = -1
        self.names = NULL
        self.names_n = self.names_cap = 0
        self.dvh_cap = 1 << 10
        self.dvh_n = 0
        self.dvh_keys = <int64_t*> malloc(self.dvh_cap * sizeof(int64_t))
        self.dvh_cnt = <int32_t*> malloc(self.dvh_cap * sizeof(int32_t))
        if self.dvh_keys == NULL or self.dvh_cnt == NULL:
            raise MemoryError()
        for i in range(self.dvh_cap):
            self.dvh_keys[i] = -1
            self.dvh_cnt[i] = 0

    def __dealloc__(self):
        free(self.htab)
        free(self.names)
        free(self.dvh_keys)
        free(self.dvh_cnt)
        free(self.tmp_vars.d)
        free(self.name_len.d)
        free(self.sym_flags.d)
        free(self.sym_label.d)
        free(self.sym_float.d)
        free(self.sym_type.d)
        free(self.sym_mark.d)
        free(self.sym_pos.d)
        free(self.st_kind.d)
        free(self.st_label.d)
        free(self.st_file.d)
        free(self.st_expr.d)
        free(self.st_len.d)
        free(self.st_end.d)
        free(self.st_frame.d)
        free(self.st_nframe.d)
        free(self.st_dv.d)
        free(self.st_ndv.d)
        free(self.st_tpl.d)
        free(self.st_ntpl.d)
        free(self.st_snap.d)
        free(self.st_nsnap.d)
        free(self.exprs.d)
        free(self.fr_hyp.d)
        free(self.fr_tpl.d)
        free(self.fr_ntpl.d)
        free(self.tpl.d)
        free(self.dvpairs.d)
        free(self.theorems.d)
        free(self.sc_hyp.d)
        free(self.sc_var.d)
        free(self.sc_float.d)
        free(self.sc_dv.d)
        free(self.active_hyps.d)
        free(self.active_ess.d)
        free(self.sc_ess.d)
        free(self.scope_vars.d)
        free(self.scope_floats.d)
        free(self.active_dv.d)
        free(self.work.d)
        free(self.stk_len.d)
        free(self.sv_len.d)
        free(self.sub_len.d)
        free(self.listed.d)
        free(self.name_off.d)
        free(self.name_hash.d)
        free(self.st_off.d)
        free(self.st_pf_eq.d)
        free(self.st_pf_end.d)
        free(self.snaps.d)
        free(self.stk_off.d)
        free(self.sv_off.d)
        free(self.sub_off.d)

    def __init__(self, path, limits=DEFAULT_LIMITS, stdin=False):
        self.path = path
        self.limits = limits
        self.sink = Sink(limits.max_diagnostics)
        self.max_token_bytes = limits.max_token_bytes
        self.max_block_depth = limits.max_block_depth
        self.max_expression = limits.max_expression
        self.max_proof_symbols = limits.max_proof_symbols
        self.max_proof_steps = limits.max_proof_steps
        self.max_include_depth = limits.max_include_depth
        self.allow_outside = limits.allow_outside_includes
        self.buffers = []
        self.inputs = Inputs(limits)
        self.max_work = min(limits.max_work, 1 << 62)
        self.work_left = self.max_work
        self.work_stopped = -1
        self.open_files = []
        self.stamp = 0
        self.max_disjoint_pairs = limits.max_disjoint_pairs
        self.max_frame_symbols = min(limits.max_frame_symbols, 1 << 62)
        self.frame_syms = 0
        self.pairs_held = 0
        try:
            self.read_top(path, stdin)
        except ResourceError:
            pass  # reported where it happened; what was read stays usable
        while self.sc_hyp.n:  # blocks left open at the top level were reported
            self.close_scope()
        self.read_diagnostics = len(self.sink)

    # -- diagnostics ----------------------------------------------------------
    cdef int report(self, int file, Py_ssize_t off, str code, str label, str msg) except -1:
        self.sink.report(file, off, code, label, msg)
        return 0

    cdef str name(self, int32_t sym):
        cdef Py_ssize_t o = self.name_off.d[sym]
        return (<bytes> self.names[o:o + self.name_len.d[sym]]).decode("ascii")

    cdef str label_of(self, int32_t st):
        return self.name(self.st_label.d[st])

    # -- symbol table -------------------------------------------------------------
    cdef inline uint64_t hash_bytes(self, const unsigned char* p, Py_ssize_t n) noexcept:
        cdef uint64_t h = 1469598103934665603ULL
        cdef Py_ssize_t i
        for i in range(n):
            h = (h ^ p[i]) * 1099511628211ULL
        return h

    cdef int32_t lookup(self, const unsigned char* p, Py_ssize_t n) noexcept:
        """The symbol's id, or -1."""
        cdef uint64_t h = self.hash_bytes(p, n)
        cdef Py_ssize_t mask = self.hcap - 1
        cdef Py_ssize_t i = <Py_ssize_t> (h & mask)
        cdef int32_t id
        while True:
            id = self.htab[i]
            if id < 0:
                return -1
            if (<uint64_t> self.name_hash.d[id]) == h and self.name_len.d[id] == n and \
                    memcmp(self.names + self.name_off.d[id], p, n) == 0:
                return id
            i = (i + 1) & mask

    cdef int32_t intern(self, const unsigned char* p, Py_ssize_t n) except -1:
        cdef uint64_t h = self.hash_bytes(p, n)
        cdef Py_ssize_t mask = self.hcap - 1
        cdef Py_ssize_t i = <Py_ssize_t> (h & mask)
        cdef int32_t id
        cdef char* nb
        while True:
            id = self.htab[i]
            if id < 0:
                break
            if (<uint64_t> self.name_hash.d[id]) == h and self.name_len.d[id] == n and \
                    memcmp(self.names + self.name_off.d[id], p, n) == 0:
                return id
            i = (i + 1) & mask
        id = <int32_t> self.name_len.n
        if self.names_n + n > self.names_cap:
            self.names_cap = max(2 * self.names_cap, self.names_n + n, 1 << 16)
            nb = <char*> realloc(self.names, self.names_cap)
            if nb == NULL:
                raise MemoryError()
            self.names = nb
        memcpy(self.names + self.names_n, p, n)
        lvec_push(&self.name_off, self.names_n)
        ivec_push(&self.name_len, <int32_t> n)
        lvec_push(&self.name_hash, <int64_t> h)
        self.names_n += n
        ivec_push(&self.sym_flags, 0)
        ivec_push(&self.sym_label, -1)
        ivec_push(&self.sym_float, -1)
        ivec_push(&self.sym_type, -1)
        ivec_push(&self.sym_mark, 0)
        ivec_push(&self.sym_pos, -1)
        self.htab[i] = id
        if 2 * self.name_len.n > self.hcap:
            self.rehash()
        return id

    cdef int rehash(self) except -1:
        cdef Py_ssize_t cap = self.hcap * 2, mask = cap - 1, i, j
        cdef int32_t* t = <int32_t*> malloc(cap * sizeof(int32_t))
        if t == NULL:
            raise MemoryError()
        for i in range(cap):
            t[i] = -1
        for j in range(self.name_len.n):
            i = <Py_ssize_t> ((<uint64_t> self.name_hash.d[j]) & mask)
            while t[i] >= 0:
                i = (i + 1) & mask
            t[i] = <int32_t> j
        free(self.htab)
        self.htab = t
        self.hcap = cap
        return 0

    cdef inline int32_t new_stamp(self) noexcept:
        cdef Py_ssize_t i
        if self.stamp >= (1 << 30):  # wrap around: forget every old mark
            for i in range(self.sym_mark.n):
                self.sym_mark.d[i] = 0
            self.stamp = 0
        self.stamp += 1
        return self.stamp

    # -- files --------------------------------------------------------------------
    cdef int read_top(self, path, bint stdin) except -1:
        """See reference.Reader.read_top (`stdin`: read standard input,
        inclusions relative to the current directory)."""
        if stdin:
            self.root = os.path.realpath(os.getcwd())
        else:
            real = os.path.realpath(path)
            self.root = os.path.dirname(real)
            self.inputs.add(real)
        data = self.load_file(path, -1, 0, stdin)
        if data is None:
            return 0
        self.sink.files[0] = (path, data)
        self.buffers[0] = data
        self.read_file(data, 0, True)
        return 0

    cdef int add_file(self, path, bytes data) except -1:
        self.buffers.append(data)
        return self.sink.add_file(path, data)

    cdef object load_file(self, path, int file, Py_ssize_t off, bint stdin=False):
        """The file's bytes, or None after reporting why not (against the
        including file, or against the top file itself when file < 0)."""
        top = file < 0
        if top:
            file = self.add_file(path, b"")
        try:
            if stdin:
                return self.inputs.read_stream(0, path)
            return self.inputs.read(path)
        except FileProblem as exc:
            code, message = exc.args
            self.report(file, off, "E0203" if code == "E0902" and not top else code, "", message)
            return None

    cdef int read_file(self, bytes data, int file, bint top) except -1:
        """Read a file and, in place of each `$[ $]`, the file it includes
        (a stack of open files, as in the reference engine)."""
        cdef Lexer lexer
        cdef Py_ssize_t depth0
        self.open_files = [(Lexer(data, file, self), self.sc_hyp.n)]
        while self.open_files:
            lexer, depth0 = self.open_files[len(self.open_files) - 1]
            try:
                more = self.read_statement(lexer, lexer.file, depth0)
            except ResourceError as exc:
                msg, off = exc.args
                self.report(lexer.file, off, "E0901", "", msg + "; reading stopped")
                raise
            if more:
                continue
            self.open_files.pop()
            if self.sc_hyp.n > depth0:
                if not self.open_files and top:
                    self.report(lexer.file, lexer.n, "E0302", "",
                                "%d block(s) still open at end of file" % (self.sc_hyp.n - depth0))
                else:
                    self.report(lexer.file, lexer.n, "E0205", "",
                                "%d block(s) still open at end of an included file"
                                % (self.sc_hyp.n - depth0))
                while self.sc_hyp.n > depth0:
                    self.close_scope()
        return 0

    cdef int include_file(self, Lexer lexer, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t a, b, ca, cb
        cdef int kw
        if not lexer.next(&a, &b):
            self.report(file, off, "E0202", "", "'$[' must be followed by a file name and '$]'")
            return 0
        kw = keyword_of(lexer.s, a, b)
        if kw:
            self.report(file, off, "E0202", "", "'$[' must be followed by a file name and '$]'")
            if kw != 93:
                lexer.push_back(a, b)
            return 0
        if not lexer.next(&ca, &cb):
            self.report(file, off, "E0202", "", "inclusion not closed with '$]'")
            return 0
        if keyword_of(lexer.s, ca, cb) != 93:
            self.report(file, off, "E0202", "", "inclusion not closed with '$]'")
            lexer.push_back(ca, cb)
            return 0
        if self.sc_hyp.n > 0:
            self.report(file, off, "E0201", "", "file inclusion is allowed only outside ${ $} blocks")
            return 0
        name = lexer.text(a, b)
        # where the including file really is (the top file: the database folder)
        base = self.root if file == 0 else os.path.dirname(os.path.realpath(self.sink.files[file][0]))
        path = os.path.join(base, name)
        real = os.path.realpath(path)
        if not self.allow_outside and os.path.commonpath([real, self.root]) != self.root:
            self.report(file, a, "E0204", "",
                        "'%s' lies outside the database folder; allow it with --allow-outside-includes"
                        % _clip(name))
            return 0
        if self.inputs.known(real):  # the same file by any name: hard link, symlink
            return 0
        if not os.path.isfile(real):
            self.report(file, a, "E0203", "", "included file '%s' not found" % _clip(name))
            return 0
        if len(self.open_files) > self.max_include_depth:
            raise ResourceError("files included more than %d deep (max_include_depth)"
                                % self.max_include_depth, a)
        self.inputs.add(real)
        data = self.load_file(path, file, a)
        if data is None:
            return 0
        self.open_files.append((Lexer(data, self.add_file(path, data), self), self.sc_hyp.n))
        return 0

    # -- statements -----------------------------------------------------------------
    cdef int read_statement(self, Lexer lexer, int file, Py_ssize_t depth0) except -1:
        """Read one top-level item; 0 at the end of the file."""
        cdef Py_ssize_t a, b
        cdef int kw
        if not lexer.next(&a, &b):
            return 0
        kw = keyword_of(lexer.s, a, b)
        if kw == 123:  # ${
            if self.sc_hyp.n >= self.max_block_depth:
                raise ResourceError("blocks nested deeper than %d (max_block_depth)"
                                    % self.max_block_depth, a)
            self.open_scope()
        elif kw == 125:  # $}
            if self.sc_hyp.n <= depth0:
                self.report(file, a, "E0301", "", "'$}' without a matching '${'")
            else:
                self.close_scope()
        elif kw == 99 or kw == 118 or kw == 100:  # $c $v $d
            self.declaration(lexer, file, a, kw)
        elif kw == 91:  # $[
            self.include_file(lexer, file, a)
        elif kw == 93:
            self.report(file, a, "E0202", "", "'$]' without '$['")
        elif kw == 102 or kw == 101 or kw == 97 or kw == 112:  # $f $e $a $p
            self.report(file, a, "E0304", "", "'%s' statement needs a label" % lexer.text(a, b))
            self.body(lexer, file, a, -1, False, NULL)
        elif kw:
            self.report(file, a, "E0308", "", "unexpected '%s'" % lexer.text(a, b))
        else:
            self.labelled(lexer, file, a, b)
        return 1

    cdef int body(self, Lexer lexer, int file, Py_ssize_t off, int32_t label, bint stop_at_equals,
                  IVec* out) except -1:
        """Read tokens up to `$.` (or `$=`), interning them into `out` (as
        (start, symbol) pairs) unless out is NULL.  Returns the terminating
        keyword, or 0 when the statement was broken off (already reported)."""
        cdef Py_ssize_t a, b
        cdef int kw
        lab = self.name(label) if label >= 0 else ""
        while True:
            if not lexer.next(&a, &b):
                self.report(file, off, "E0307", lab, "statement not terminated before end of file")
                return 0
            kw = keyword_of(lexer.s, a, b)
            if kw == 46 or (stop_at_equals and kw == 61):
                return kw
            if kw:
                if kw == 91:
                    self.report(file, a, "E0201", lab, "file inclusion inside a statement")
                else:
                    self.report(file, a, "E0307", lab, "statement broken off by '%s'" % lexer.text(a, b))
                lexer.push_back(a, b)
                return 0
            if out != NULL:
                ivec_push(out, <int32_t> a)
                ivec_push(out, self.intern(lexer.s + a, b - a))

    cdef int declaration(self, Lexer lexer, int file, Py_ssize_t off, int kw) except -1:
        cdef IVec toks
        toks.d = NULL
        toks.n = toks.cap = 0
        try:
            if not self.body(lexer, file, off, -1, False, &toks):
                return 0
            if kw == 99:
                self.constants(&toks, file, off)
            elif kw == 118:
                self.variables(&toks, file, off)
            else:
                self.disjoint(&toks, file, off)
        finally:
            free(toks.d)
        return 0

    cdef int constants(self, IVec* toks, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t i
        cdef int32_t sym, st = self.new_stamp()
        if toks.n == 0:
            self.report(file, off, "E0401", "", "$c declares no symbols")
            return 0
        if self.sc_hyp.n > 0:
            self.report(file, off, "E0403", "", "$c is allowed only in the outermost block")
            return 0
        for i in range(0, toks.n, 2):
            sym = toks.d[i + 1]
            if self.sym_mark.d[sym] == st or self.sym_flags.d[sym] & SYM_CONST:
                self.report(file, toks.d[i], "E0402", "", "constant '%s' declared twice" % self.name(sym))
            elif self.sym_flags.d[sym] & SYM_EVERVAR:
                self.report(file, toks.d[i], "E0404", "", "'%s' was declared as a variable" % self.name(sym))
            elif self.sym_label.d[sym] >= 0:
                self.report(file, toks.d[i], "E0306", "", "math symbol '%s' is also a label" % self.name(sym))
            else:
                self.sym_flags.d[sym] |= SYM_CONST
            self.sym_mark.d[sym] = st
        return 0

    cdef int variables(self, IVec* toks, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t i
        cdef int32_t sym, st = self.new_stamp()
        if toks.n == 0:
            self.report(file, off, "E0401", "", "$v declares no symbols")
            return 0
        for i in range(0, toks.n, 2):
            sym = toks.d[i + 1]
            if self.sym_mark.d[sym] == st or self.sym_flags.d[sym] & SYM_ACTIVEVAR:
                self.report(file, toks.d[i], "E0402", "",
                            "variable '%s' declared twice while active" % self.name(sym))
            elif self.sym_flags.d[sym] & SYM_CONST:
                self.report(file, toks.d[i], "E0404", "", "'%s' was declared as a constant" % self.name(sym))
            elif self.sym_label.d[sym] >= 0:
                self.report(file, toks.d[i], "E0306", "", "math symbol '%s' is also a label" % self.name(sym))
            else:
                self.sym_flags.d[sym] |= SYM_ACTIVEVAR | SYM_EVERVAR
                ivec_push(&self.scope_vars, sym)
            self.sym_mark.d[sym] = st
        return 0

    cdef int disjoint(self, IVec* toks, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t i, j
        cdef int64_t key
        cdef int32_t sym, st = self.new_stamp()
        if toks.n < 4:
            self.report(file, off, "E0701", "", "$d needs at least two variables")
            return 0
        for i in range(0, toks.n, 2):
            sym = toks.d[i + 1]
            if self.sym_mark.d[sym] == st:
                self.report(file, toks.d[i], "E0701", "", "variable '%s' repeated in $d" % self.name(sym))
                return 0
            if not self.sym_flags.d[sym] & SYM_ACTIVEVAR:
                self.report(file, toks.d[i], "E0701", "",
                            "'%s' in $d is not an active variable" % _clip(self.name(sym)))
                return 0
            self.sym_mark.d[sym] = st
        self.hold((toks.n // 2) * (toks.n // 2 - 1) // 2, off)
        for i in range(1, toks.n, 2):
            for j in range(i + 2, toks.n, 2):
                key = pair_key(toks.d[i], toks.d[j])
                lvec_push(&self.active_dv, key)
                self.dv_slot(key)[0] += 1
        return 0

    # -- $d pairs -----------------------------------------------------------------
    cdef int hold(self, Py_ssize_t pairs, Py_ssize_t off) except -1:
        self.pairs_held += pairs
        if self.pairs_held > self.max_disjoint_pairs:
            raise ResourceError("more than %d $d pairs (max_disjoint_pairs)"
                                % self.max_disjoint_pairs, off)
        return 0

    cdef inline Py_ssize_t dv_index(self, int64_t key) noexcept:
        cdef uint64_t h = (<uint64_t> key) * 0x9E3779B97F4A7C15ULL
        cdef Py_ssize_t mask = self.dvh_cap - 1
        cdef Py_ssize_t i = <Py_ssize_t> ((h ^ (h >> 29)) & mask)
        while self.dvh_keys[i] != key and self.dvh_keys[i] != -1:
            i = (i + 1) & mask
        return i

    cdef int32_t* dv_slot(self, int64_t key) except NULL:
        """The counter of a $d pair, created at 0 if new."""
        cdef Py_ssize_t i = self.dv_index(key), j, cap
        cdef int64_t* keys
        cdef int32_t* cnt
        if self.dvh_keys[i] == -1:
            if 2 * (self.dvh_n + 1) > self.dvh_cap:
                keys, cnt, cap = self.dvh_keys, self.dvh_cnt, self.dvh_cap
                self.dvh_cap = cap * 2
                self.dvh_keys = <int64_t*> malloc(self.dvh_cap * sizeof(int64_t))
                self.dvh_cnt = <int32_t*> malloc(self.dvh_cap * sizeof(int32_t))
                if self.dvh_keys == NULL or self.dvh_cnt == NULL:
                    raise MemoryError()
                for j in range(self.dvh_cap):
                    self.dvh_keys[j] = -1
                    self.dvh_cnt[j] = 0
                for j in range(cap):
                    if keys[j] != -1:
                        i = self.dv_index(keys[j])
                        self.dvh_keys[i] = keys[j]
                        self.dvh_cnt[i] = cnt[j]
                free(keys)
                free(cnt)
                i = self.dv_index(key)
            self.dvh_keys[i] = key
            self.dvh_n += 1
        return &self.dvh_cnt[i]

    cdef inline bint dv_active(self, int64_t key) noexcept:
        return self.dvh_cnt[self.dv_index(key)] > 0

    cdef Py_ssize_t pairs_among(self, IVec* vars, int32_t mark, LVec* out, Py_ssize_t off) except -1:
        """Append to `out`, sorted and unique, the active $d pairs between
        `vars` (all carrying sym_mark == mark).  Costs the smaller of (pairs
        of variables, active pairs): see reference.Reader._pairs_among."""
        cdef Py_ssize_t k = vars.n, i, j, start = out.n, n
        cdef int64_t key
        if k * (k - 1) // 2 <= self.active_dv.n:
            for i in range(k):
                for j in range(i + 1, k):
                    key = pair_key(vars.d[i], vars.d[j])
                    if self.dv_active(key):
                        lvec_push(out, key)
        else:
            for i in range(self.active_dv.n):
                key = self.active_dv.d[i]
                if self.sym_mark.d[<int32_t> (key >> 32)] == mark and \
                        self.sym_mark.d[<int32_t> (key & 0xFFFFFFFF)] == mark:
                    lvec_push(out, key)
        qsort(out.d + start, out.n - start, sizeof(int64_t), cmp_int64)
        n = start
        for i in range(start, out.n):
            if n == start or out.d[n - 1] != out.d[i]:
                out.d[n] = out.d[i]
                n += 1
        out.n = n
        self.hold(n - start, off)
        return n - start

    cdef int labelled(self, Lexer lexer, int file, Py_ssize_t off, Py_ssize_t lend) except -1:
        cdef Py_ssize_t a, b, eq_off = 0, pf_end = 0
        cdef int kw, end
        cdef int32_t label
        cdef IVec toks
        cdef bint ok, has_proof
        if not lexer.next(&a, &b):
            self.report(file, off, "E0308", lexer.text(off, lend),
                        "'%s' is not followed by $f, $e, $a or $p" % _clip(lexer.text(off, lend)))
            return 0
        kw = keyword_of(lexer.s, a, b)
        if not (kw == 102 or kw == 101 or kw == 97 or kw == 112):
            if kw == 123 or kw == 125 or kw == 99 or kw == 118 or kw == 100:
                self.report(file, off, "E0303", lexer.text(off, lend),
                            "a label may not precede '%s'" % lexer.text(a, b))
            else:
                self.report(file, off, "E0308", lexer.text(off, lend),
                            "'%s' is not followed by $f, $e, $a or $p" % _clip(lexer.text(off, lend)))
            lexer.push_back(a, b)
            return 0
        label = self.intern(lexer.s + off, lend - off)
        toks.d = NULL
        toks.n = toks.cap = 0
        try:
            end = self.body(lexer, file, off, label, kw == 112, &toks)
            if not end:
                return 0
            has_proof = end == 61
            if has_proof:
                eq_off = lexer.pos - 2
                while True:
                    if not lexer.next(&a, &b):
                        self.report(file, off, "E0307", self.name(label),
                                    "proof not terminated before end of file")
                        return 0
                    end = keyword_of(lexer.s, a, b)
                    if end == 46:
                        pf_end = a
                        break
                    if end == 91:
                        self.report(file, a, "E0201", self.name(label), "file inclusion inside a statement")
                        lexer.push_back(a, b)
                        return 0
                    if end:
                        self.report(file, a, "E0307", self.name(label),
                                    "proof broken off by '%s'" % lexer.text(a, b))
                        lexer.push_back(a, b)
                        return 0
            ok = self.check_label(label, file, off)
            if kw == 112 and not has_proof:
                self.report(file, off, "E0814", self.name(label), "$p statement has no '$=' proof")
                ok = False
            if not ok:
                return 0
            if kw == 102:
                self.floating(label, &toks, file, off)
            elif self.math_string(label, &toks, file, off):
                if kw == 101:
                    self.add_statement(label, 101, file, off, &toks)
                    ivec_push(&self.active_hyps, self.st_kind.n - 1)
                    ivec_push(&self.active_ess, self.st_kind.n - 1)
                else:
                    self.assertion(label, kw, file, off, &toks, eq_off, pf_end)
        finally:
            free(toks.d)
        return 0

    cdef bint check_label(self, int32_t label, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t o = self.name_off.d[label], i
        cdef Py_ssize_t n = self.name_len.d[label]
        for i in range(n):
            if not LABELCH[<unsigned char> self.names[o + i]]:
                self.report(file, off, "E0106", "",
                            "invalid label '%s' (letters, digits, '.', '-' and '_' only)"
                            % _clip(self.name(label)))
                return False
        if self.sym_label.d[label] >= 0:
            self.report(file, off, "E0305", self.name(label), "label '%s' is already used" % self.name(label))
            return False
        if self.sym_flags.d[label] & (SYM_CONST | SYM_EVERVAR):
            self.report(file, off, "E0306", self.name(label), "label '%s' is also a math symbol" % self.name(label))
            return False
        return True

    cdef bint math_string(self, int32_t label, IVec* toks, int file, Py_ssize_t off) except -1:
        cdef Py_ssize_t i
        cdef int32_t sym, flags, st = self.new_stamp()
        cdef bint ok = True
        if toks.n == 0:
            self.report(file, off, "E0601", self.name(label), "empty math string")
            return False
        for i in range(0, toks.n, 2):
            sym = toks.d[i + 1]
            if self.sym_mark.d[sym] == st:
                continue
            self.sym_mark.d[sym] = st
            flags = self.sym_flags.d[sym]
            if flags & SYM_CONST:
                continue
            if not flags & SYM_ACTIVEVAR:
                self.report(file, toks.d[i], "E0603", self.name(label),
                            "'%s' is not an active constant or variable" % _clip(self.name(sym)))
                ok = False
            elif self.sym_float.d[sym] < 0:
                self.report(file, toks.d[i], "E0604", self.name(label),
                            "variable '%s' has no active $f hypothesis" % self.name(sym))
                ok = False
        if ok and not self.sym_flags.d[toks.d[1]] & SYM_CONST:
            self.report(file, toks.d[0], "E0602", self.name(label),
                        "the typecode '%s' is not a constant" % self.name(toks.d[1]))
            ok = False
        return ok

    cdef int floating(self, int32_t label, IVec* toks, int file, Py_ssize_t off) except -1:
        cdef int32_t tc, var
        if toks.n != 4:
            self.report(file, off, "E0501", self.name(label),
                        "$f must be exactly a typecode constant and a variable")
            return 0
        tc = toks.d[1]
        var = toks.d[3]
        if not self.sym_flags.d[tc] & SYM_CONST:
            self.report(file, toks.d[0], "E0501", self.name(label),
                        "the typecode '%s' is not a constant" % _clip(self.name(tc)))
            return 0
        if not self.sym_flags.d[var] & SYM_ACTIVEVAR:
            self.report(file, toks.d[2], "E0501", self.name(label),
                        "'%s' is not an active variable" % _clip(self.name(var)))
            return 0
        if self.sym_float.d[var] >= 0:
            self.report(file, off, "E0502", self.name(label),
                        "variable '%s' already has the active $f '%s'"
                        % (self.name(var), self.label_of(self.sym_float.d[var])))
            return 0
        if self.sym_type.d[var] >= 0 and self.sym_type.d[var] != tc:
            self.report(file, off, "E0503", self.name(label),
                        "variable '%s' was typed '%s' before, now '%s'"
                        % (self.name(var), self.name(self.sym_type.d[var]), self.name(tc)))
            return 0
        self.sym_type.d[var] = tc
        self.add_statement(label, 102, file, off, toks)
        self.sym_float.d[var] = <int32_t> (self.st_kind.n - 1)
        ivec_push(&self.scope_floats, var)
        ivec_push(&self.active_hyps, self.st_kind.n - 1)
        return 0

    cdef int add_statement(self, int32_t label, int kind, int file, Py_ssize_t off, IVec* toks) except -1:
        cdef Py_ssize_t i
        cdef int32_t idx = <int32_t> self.st_kind.n
        ivec_push(&self.st_kind, kind)
        ivec_push(&self.st_label, label)
        ivec_push(&self.st_file, file)
        lvec_push(&self.st_off, off)
        ivec_push(&self.st_expr, <int32_t> self.exprs.n)
        ivec_push(&self.st_len, <int32_t> (toks.n // 2))
        ivec_reserve(&self.exprs, self.exprs.n + toks.n // 2)
        for i in range(1, toks.n, 2):
            self.exprs.d[self.exprs.n] = toks.d[i]
            self.exprs.n += 1
        ivec_push(&self.st_end, NO_END)
        ivec_push(&self.st_frame, 0)
        ivec_push(&self.st_nframe, 0)
        ivec_push(&self.st_dv, 0)
        ivec_push(&self.st_ndv, 0)
        ivec_push(&self.st_tpl, 0)
        ivec_push(&self.st_ntpl, 0)
        ivec_push(&self.st_snap, 0)
        ivec_push(&self.st_nsnap, 0)
        lvec_push(&self.st_pf_eq, 0)
        lvec_push(&self.st_pf_end, 0)
        self.sym_label.d[label] = idx
        return 0

    cdef int template(self, int32_t st) except -1:
        """Append statement st's expression to `tpl`, variables replaced by
        -(frame position)-1 (sym_pos must hold the positions)."""
        cdef Py_ssize_t i, o = self.st_expr.d[st], n = self.st_len.d[st]
        cdef int32_t sym
        ivec_reserve(&self.tpl, self.tpl.n + n)
        for i in range(n):
            sym = self.exprs.d[o + i]
            if self.sym_flags.d[sym] & SYM_EVERVAR:
                sym = -self.sym_pos.d[sym] - 1
            self.tpl.d[self.tpl.n] = sym
            self.tpl.n += 1
        return 0

    cdef int assertion(self, int32_t label, int kind, int file, Py_ssize_t off, IVec* toks,
                       Py_ssize_t eq_off, Py_ssize_t pf_end) except -1:
        cdef Py_ssize_t i, j, k, o, n, nf
        cdef int32_t st, sym, h, a, b, mark = self.new_stamp()
        cdef int64_t key
        cdef Py_ssize_t n_st = self.st_kind.n, n_expr = self.exprs.n, n_fr = self.fr_hyp.n
        cdef Py_ssize_t n_tpl = self.tpl.n
        self.add_statement(label, kind, file, off, toks)
        st = <int32_t> (self.st_kind.n - 1)
        # mandatory hypotheses: the active $f of the variables of the
        # assertion and of every active $e, and every active $e ...
        self.st_frame.d[st] = <int32_t> self.fr_hyp.n
        for i in range(1, toks.n, 2):
            sym = toks.d[i]
            if self.sym_flags.d[sym] & SYM_ACTIVEVAR and self.sym_mark.d[sym] != mark:
                self.sym_mark.d[sym] = mark
                ivec_push(&self.fr_hyp, self.sym_float.d[sym])
        for i in range(self.active_ess.n):
            h = self.active_ess.d[i]
            o = self.st_expr.d[h]
            for j in range(self.st_len.d[h]):
                sym = self.exprs.d[o + j]
                if self.sym_flags.d[sym] & SYM_ACTIVEVAR and self.sym_mark.d[sym] != mark:
                    self.sym_mark.d[sym] = mark
                    ivec_push(&self.fr_hyp, self.sym_float.d[sym])
            ivec_push(&self.fr_hyp, h)
        # ... in order of appearance
        nf = self.fr_hyp.n - self.st_frame.d[st]
        qsort(self.fr_hyp.d + self.st_frame.d[st], nf, sizeof(int32_t), cmp_int32)
        self.st_nframe.d[st] = <int32_t> nf
        ivec_reserve(&self.fr_tpl, self.fr_hyp.n)
        ivec_reserve(&self.fr_ntpl, self.fr_hyp.n)
        for i in range(nf):
            h = self.fr_hyp.d[self.st_frame.d[st] + i]
            if self.st_kind.d[h] == 102:
                self.sym_pos.d[self.exprs.d[self.st_expr.d[h] + 1]] = <int32_t> i
            self.fr_tpl.d[self.fr_tpl.n] = 0
            self.fr_ntpl.d[self.fr_ntpl.n] = 0
            self.fr_tpl.n += 1
            self.fr_ntpl.n += 1
        # templates: the essential hypotheses and the conclusion
        for i in range(self.st_frame.d[st], self.fr_hyp.n):
            h = self.fr_hyp.d[i]
            if self.st_kind.d[h] == 101:
                self.fr_tpl.d[i] = <int32_t> self.tpl.n
                self.fr_ntpl.d[i] = self.st_len.d[h]
                self.template(h)
        self.st_tpl.d[st] = <int32_t> self.tpl.n
        self.st_ntpl.d[st] = self.st_len.d[st]
        self.template(st)
        # what all frames hold: the mandatory hypotheses and the symbols of the
        # essential ones (the templates but the conclusion's)
        self.frame_syms += (self.fr_hyp.n - n_fr) + (self.tpl.n - n_tpl - self.st_len.d[st])
        if self.frame_syms > self.max_frame_symbols:
            self._truncate(n_st, n_expr, n_fr, n_tpl, self.dvpairs.n, self.snaps.n,
                           self.theorems.n, self.pairs_held, self.frame_syms)
            raise ResourceError("the frames of the assertions hold more than %d hypotheses and "
                                "symbols (max_frame_symbols)" % self.max_frame_symbols, off)
        # mandatory $d, as pairs of frame positions
        self.tmp_vars.n = 0
        for i in range(nf):
            h = self.fr_hyp.d[self.st_frame.d[st] + i]
            if self.st_kind.d[h] == 102:
                ivec_push(&self.tmp_vars, self.exprs.d[self.st_expr.d[h] + 1])
        o = self.snaps.n  # scratch space at the end of snaps
        try:
            n = self.pairs_among(&self.tmp_vars, mark, &self.snaps, off)
        except ResourceError:  # max_disjoint_pairs: the statement is not read
            self._truncate(n_st, n_expr, n_fr, n_tpl, self.dvpairs.n, o,
                           self.theorems.n, self.pairs_held, self.frame_syms)
            raise
        # in the order they are checked (docs/kernel.md): by the frame position
        # of the first variable, then of the second
        for i in range(o, o + n):
            self.snaps.d[i] = pair_key(self.sym_pos.d[<int32_t> (self.snaps.d[i] >> 32)],
                                       self.sym_pos.d[<int32_t> (self.snaps.d[i] & 0xFFFFFFFF)])
        qsort(self.snaps.d + o, n, sizeof(int64_t), cmp_int64)
        self.st_dv.d[st] = <int32_t> self.dvpairs.n
        for i in range(o, o + n):
            ivec_push(&self.dvpairs, <int32_t> (self.snaps.d[i] >> 32))
            ivec_push(&self.dvpairs, <int32_t> (self.snaps.d[i] & 0xFFFFFFFF))
        self.snaps.n = o
        self.st_ndv.d[st] = <int32_t> n
        if kind == 112:
            self.st_pf_eq.d[st] = eq_off
            self.st_pf_end.d[st] = pf_end
            try:
                self.proof_pairs(st, file, mark)
            except ResourceError:  # as above
                self._truncate(n_st, n_expr, n_fr, n_tpl, self.st_dv.d[st], self.st_snap.d[st],
                               self.theorems.n, self.pairs_held, self.frame_syms)
                raise
            ivec_push(&self.theorems, st)
        return 0

    cdef int proof_pairs(self, int32_t st, int file, int32_t mark) except -1:
        """Store the active $d pairs among the variables this proof can
        mention: the mandatory ones (already in tmp_vars, marked) and those
        of the active $f hypotheses it cites."""
        cdef bytes data = self.buffers[file]
        cdef const unsigned char* s = <const unsigned char*> PyBytes_AS_STRING(data)
        cdef Py_ssize_t i = self.st_pf_eq.d[st] + 2, a, b
        cdef int32_t sym, h, var
        while next_proof_token(s, &i, self.st_pf_end.d[st], &a, &b):
            sym = self.lookup(s + a, b - a)
            if sym < 0:
                continue
            h = self.sym_label.d[sym]
            if h >= 0 and self.st_kind.d[h] == 102 and self.st_end.d[h] == NO_END:
                var = self.exprs.d[self.st_expr.d[h] + 1]
                if self.sym_mark.d[var] != mark:
                    self.sym_mark.d[var] = mark
                    ivec_push(&self.tmp_vars, var)
        self.st_snap.d[st] = <int32_t> self.snaps.n
        self.st_nsnap.d[st] = <int32_t> self.pairs_among(&self.tmp_vars, mark, &self.snaps,
                                                         self.st_off.d[st])
        return 0

    cdef int open_scope(self) except -1:
        ivec_push(&self.sc_hyp, <int32_t> self.active_hyps.n)
        ivec_push(&self.sc_ess, <int32_t> self.active_ess.n)
        ivec_push(&self.sc_var, <int32_t> self.scope_vars.n)
        ivec_push(&self.sc_float, <int32_t> self.scope_floats.n)
        ivec_push(&self.sc_dv, <int32_t> self.active_dv.n)
        return 0

    cdef int close_scope(self) except -1:
        cdef Py_ssize_t i, top = self.sc_hyp.n - 1
        cdef int32_t end = <int32_t> self.st_kind.n
        for i in range(self.sc_hyp.d[top], self.active_hyps.n):
            self.st_end.d[self.active_hyps.d[i]] = end
        self.active_hyps.n = self.sc_hyp.d[top]
        self.active_ess.n = self.sc_ess.d[top]
        self.sc_ess.n -= 1
        for i in range(self.sc_var.d[top], self.scope_vars.n):
            self.sym_flags.d[self.scope_vars.d[i]] &= ~SYM_ACTIVEVAR
        self.scope_vars.n = self.sc_var.d[top]
        for i in range(self.sc_float.d[top], self.scope_floats.n):
            self.sym_float.d[self.scope_floats.d[i]] = -1
        self.scope_floats.n = self.sc_float.d[top]
        for i in range(self.sc_dv.d[top], self.active_dv.n):
            self.dv_slot(self.active_dv.d[i])[0] -= 1
        self.pairs_held -= self.active_dv.n - self.sc_dv.d[top]
        self.active_dv.n = self.sc_dv.d[top]
        self.sc_hyp.n -= 1
        self.sc_var.n -= 1
        self.sc_float.n -= 1
        self.sc_dv.n -= 1
        return 0

    # -- the engine protocol ---------------------------------------------------------
    def statement_count(self):
        return self.st_kind.n

    def proof_count(self):
        return self.theorems.n

    def set_work_budget(self, units):
        """Units of work the next `check_range` calls may spend in all."""
        self.work_left = min(units, 1 << 62)
        self.work_stopped = -1

    def work_status(self):
        """(units left, position of the proof that spent the last unit or -1)."""
        return self.work_left, self.work_stopped

    def check_range(self, Py_ssize_t start, Py_ssize_t stop, Py_ssize_t step=1):
        """Check theorems[start:stop:step]; return raw diagnostics.  Once the
        work budget is spent (an E0901 on the proof where it happens), the
        rest are not checked."""
        cdef Py_ssize_t i
        cdef int32_t t
        cdef int r
        out = []
        stop = min(stop, self.theorems.n)
        for i in range(start, stop, step):
            if self.work_stopped >= 0:
                break
            t = self.theorems.d[i]
            r = self.check_theorem(t)
            if r:
                out.append((self.st_file.d[t], self.e_off, self.e_code, self.label_of(t), self.e_msg))
            if self.work_left < 0:
                self.work_stopped = i
        return out

    def find_label(self, str label):
        """(kind, position among the labelled statements, number of `$p`
        before it) of the statement labelled `label`, or None."""
        cdef bytes b = label.encode("ascii", "replace")
        cdef int32_t sym = self.lookup(<const unsigned char*> PyBytes_AS_STRING(b), len(b)), st
        cdef Py_ssize_t lo = 0, hi = self.theorems.n, mid
        if sym < 0 or self.sym_label.d[sym] < 0:
            return None
        st = self.sym_label.d[sym]
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.theorems.d[mid] < st:
                lo = mid + 1
            else:
                hi = mid
        return chr(self.st_kind.d[st]), st, lo

    def citations(self, Py_ssize_t start, Py_ssize_t stop, targets):
        """See reference.ReferenceDatabase.citations."""
        cdef Py_ssize_t i, p, a, b
        cdef int32_t t, sym, st, mark
        cdef bytes data
        cdef const unsigned char* s
        cdef bint compressed
        out = []
        mark = self.new_stamp()
        for label in targets:
            data = label.encode("ascii", "replace")
            sym = self.lookup(<const unsigned char*> PyBytes_AS_STRING(data), len(data))
            if sym >= 0:
                self.sym_mark.d[sym] = mark
        stop = min(stop, self.theorems.n)
        for i in range(start, stop):
            t = self.theorems.d[i]
            data = self.buffers[self.st_file.d[t]]
            s = <const unsigned char*> PyBytes_AS_STRING(data)
            p = self.st_pf_eq.d[t] + 2
            compressed = False
            seen = None
            first = True
            while next_proof_token(s, &p, self.st_pf_end.d[t], &a, &b):
                if b - a == 1 and (s[a] == 40 or s[a] == 41):  # ( )
                    if first and s[a] == 40:
                        compressed = True
                        first = False
                        continue
                    if compressed and s[a] == 41:
                        break
                first = False
                sym = self.lookup(s + a, b - a)
                if sym < 0 or self.sym_mark.d[sym] != mark:
                    continue
                st = self.sym_label.d[sym]
                if st < 0 or st >= t or not (self.st_kind.d[st] == 97 or self.st_kind.d[st] == 112):
                    continue
                if seen is None:
                    seen = set()
                elif sym in seen:
                    continue
                seen.add(sym)
                out.append((self.st_file.d[t], a, self.label_of(t), self.name(sym)))
        return out

    def active_floats(self):
        """variable -> label of its `$f` active at the end of the database."""
        cdef Py_ssize_t sym
        return {self.name(sym): self.label_of(self.sym_float.d[sym])
                for sym in range(self.sym_float.n) if self.sym_float.d[sym] >= 0}

    def check_text(self, name, bytes data, keep=False):
        """Read `data` as if it followed the database, check the theorems it
        adds, then forget them -- or, with `keep` and no diagnostics, keep
        them as part of the database.  Returns (sink, file index).
        `data` may hold blocks with $d, $e and $p statements only (the API
        builds it), so rolling back means truncating the statement arrays."""
        cdef Py_ssize_t n_st = self.st_kind.n, n_expr = self.exprs.n, n_fr = self.fr_hyp.n
        cdef Py_ssize_t n_tpl = self.tpl.n, n_dv = self.dvpairs.n, n_snap = self.snaps.n
        cdef Py_ssize_t n_thm = self.theorems.n, i, n_held = self.pairs_held
        cdef Py_ssize_t saved_left = self.work_left, saved_stopped = self.work_stopped
        cdef Py_ssize_t n_frames = self.frame_syms
        cdef int32_t t
        cdef IVec* iv
        sink = Sink(self.limits.max_diagnostics)
        sink.files = list(self.sink.files)
        file = sink.add_file(name, data)
        saved_sink = self.sink
        self.sink = sink
        self.buffers.append(data)
        kept = False
        try:
            try:
                self.read_file(data, file, True)
            except ResourceError:
                while self.sc_hyp.n:
                    self.close_scope()
            if not sink.raw:
                self.work_left = self.max_work  # a budget of its own, as in the reference
                for i in range(n_thm, self.theorems.n):
                    t = self.theorems.d[i]
                    if self.check_theorem(t):
                        sink.report(file, self.e_off, self.e_code, self.label_of(t), self.e_msg)
                    if self.work_left < 0:
                        break
            kept = keep and not sink.raw
        finally:
            self.work_left = saved_left
            self.work_stopped = saved_stopped
            self.sink = saved_sink
            if kept:
                self.sink.add_file(name, data)
                return sink, file
            self._truncate(n_st, n_expr, n_fr, n_tpl, n_dv, n_snap, n_thm, n_held, n_frames)
            self.buffers.pop()
        return sink, file

    cdef void _truncate(self, Py_ssize_t n_st, Py_ssize_t n_expr, Py_ssize_t n_fr,
                        Py_ssize_t n_tpl, Py_ssize_t n_dv, Py_ssize_t n_snap,
                        Py_ssize_t n_thm, Py_ssize_t n_held, Py_ssize_t n_frames):
        """Forget every statement read after the given array sizes (only
        `${ $}` blocks of $d/$e/$p are ever appended after the database)."""
        cdef Py_ssize_t i
        for i in range(n_st, self.st_kind.n):
            self.sym_label.d[self.st_label.d[i]] = -1
        self.st_kind.n = self.st_label.n = self.st_file.n = self.st_expr.n = n_st
        self.st_len.n = self.st_end.n = self.st_frame.n = self.st_nframe.n = n_st
        self.st_dv.n = self.st_ndv.n = self.st_tpl.n = self.st_ntpl.n = n_st
        self.st_snap.n = self.st_nsnap.n = n_st
        self.st_off.n = self.st_pf_eq.n = self.st_pf_end.n = n_st
        self.exprs.n = n_expr
        self.fr_hyp.n = self.fr_tpl.n = self.fr_ntpl.n = n_fr
        self.tpl.n = n_tpl
        self.dvpairs.n = n_dv
        self.snaps.n = n_snap
        self.theorems.n = n_thm
        self.pairs_held = n_held
        self.frame_syms = n_frames

    def mark(self):
        """The database's current extent, for `rollback`."""
        return (self.st_kind.n, self.exprs.n, self.fr_hyp.n, self.tpl.n, self.dvpairs.n,
                self.snaps.n, self.theorems.n, self.pairs_held, self.frame_syms,
                len(self.buffers), len(self.sink.files))

    def rollback(self, mark):
        """Forget the theorems kept (`check_text(..., keep=True)`) since `mark`."""
        n_st, n_expr, n_fr, n_tpl, n_dv, n_snap, n_thm, n_held, n_frames, n_buf, n_files = mark
        self._truncate(n_st, n_expr, n_fr, n_tpl, n_dv, n_snap, n_thm, n_held, n_frames)
        del self.buffers[n_buf:]
        del self.sink.files[n_files:]

    def statements(self):
        cdef Py_ssize_t i, j, o, fo
        lines = LineFinder(self.sink)
        for i in range(self.st_kind.n):
            name, line = lines.find(self.st_file.d[i], self.st_off.d[i])
            o = self.st_expr.d[i]
            expr = tuple([self.name(self.exprs.d[o + j]) for j in range(self.st_len.d[i])])
            kind = chr(self.st_kind.d[i])
            if kind in "fe":
                yield Statement(self.label_of(i), kind, expr, name, line)
                continue
            fo = self.st_frame.d[i]
            hyps = tuple([self.label_of(self.fr_hyp.d[fo + j]) for j in range(self.st_nframe.d[i])])
            pairs = set()
            for j in range(self.st_ndv.d[i]):
                x = self.name(self.exprs.d[self.st_expr.d[self.fr_hyp.d[fo + self.dvpairs.d[self.st_dv.d[i] + 2 * j]]] + 1])
                y = self.name(self.exprs.d[self.st_expr.d[self.fr_hyp.d[fo + self.dvpairs.d[self.st_dv.d[i] + 2 * j + 1]]] + 1])
                pairs.add((min(x, y), max(x, y)))
            frame = Frame(hyps, frozenset(pairs))
            if kind == "a":
                yield Statement(self.label_of(i), kind, expr, name, line, frame)
                continue
            active = set()
            for j in range(self.st_snap.d[i], self.st_snap.d[i] + self.st_nsnap.d[i]):
                x = self.name(<int32_t> (self.snaps.d[j] >> 32))
                y = self.name(<int32_t> (self.snaps.d[j] & 0xFFFFFFFF))
                active.add((min(x, y), max(x, y)))
            yield Statement(self.label_of(i), kind, expr, name, line, frame, self.proof_of(i),
                            frozenset(active))

    cdef object proof_of(self, int32_t t):
        cdef Py_ssize_t a, b, i = self.st_pf_eq.d[t] + 2
        cdef bytes data = self.buffers[self.st_file.d[t]]
        cdef const unsigned char* s = <const unsigned char*> PyBytes_AS_STRING(data)
        toks = []
        while next_proof_token(s, &i, self.st_pf_end.d[t], &a, &b):
            toks.append((<bytes> s[a:b]).decode("ascii"))
        if toks and toks[0] == "(" and ")" in toks:
            close = toks.index(")")
            return Proof(tuple(toks[1:close]), "".join(toks[close + 1:]))
        return Proof(tuple(toks))

    # -- proof checking ---------------------------------------------------------------
    cdef inline int spend(self, Py_ssize_t units, Py_ssize_t off) except -1:
        """Spend units of the work budget (Limits.max_work)."""
        self.work_left -= units
        if self.work_left < 0:
            raise WorkExhausted(work_message(self.max_work), off)
        return 0

    cdef int fail(self, str code, str msg, Py_ssize_t off) except -1:
        self.e_code = code
        self.e_msg = msg
        self.e_off = off
        return 1

    cdef inline const int32_t* entry(self, int64_t off) noexcept:
        """Stack entries point into the statement arena (off < 0) or the work arena."""
        if off < 0:
            return self.exprs.d + (-off - 1)
        return self.work.d + off

    cdef str entry_text(self, int64_t off, int32_t n, int limit=120):
        cdef const int32_t* p = self.entry(off)
        cdef int32_t j
        words = [self.name(p[j]) for j in range(min(n, limit))]
        return _clip(" ".join(words), limit)

    cdef inline int push(self, int64_t off, int32_t n) except -1:
        if self.stk_len.n >= self.stk_len.cap:
            ivec_reserve(&self.stk_len, self.stk_len.n + 1)
            lvec_reserve(&self.stk_off, self.stk_len.n + 1)
        self.stk_off.d[self.stk_len.n] = off
        self.stk_len.d[self.stk_len.n] = n
        self.stk_len.n += 1
        return 0

    cdef inline int push_hyp(self, int32_t h) except -1:
        return self.push(-(<int64_t> self.st_expr.d[h]) - 1, self.st_len.d[h])

    cdef inline bint hyp_active(self, int32_t h, int32_t t) noexcept:
        return h < t and t < self.st_end.d[h]

    cdef bint has_dv(self, int32_t a, int32_t b) noexcept:
        cdef int64_t key
        cdef Py_ssize_t lo = 0, hi = self.ndvkeys, mid
        if a > b:
            a, b = b, a
        key = ((<int64_t> a) << 32) | b
        while lo < hi:
            mid = (lo + hi) >> 1
            if self.dvkeys[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo < self.ndvkeys and self.dvkeys[lo] == key

    cdef int apply(self, int32_t t, int32_t a, Py_ssize_t off) except -1:
        """Cite assertion a at the top of the stack.  1 on a proof error."""
        cdef Py_ssize_t n = self.st_nframe.d[a], fo = self.st_frame.d[a], base, j, k, i, p, q
        cdef Py_ssize_t total, pos
        cdef int32_t h, sym, ln, va, vb, mark_a, mark_b
        cdef Py_ssize_t na
        cdef const int32_t* e
        cdef const int32_t* tp
        cdef const int32_t* sa
        cdef const int32_t* sb
        cdef int64_t eoff
        cdef bint unknown_sub
        if self.stk_len.n < n:
            return self.fail("E0803", "'%s' needs %d hypotheses, the stack holds %d"
                             % (self.label_of(a), n, self.stk_len.n), off)
        base = self.stk_len.n - n
        lvec_reserve(&self.sub_off, n)
        ivec_reserve(&self.sub_len, n)
        # the $f hypotheses fix the substitution ...
        total = 0  # symbols of all the entries taken: the work spent on them
        for j in range(n):
            ln = self.stk_len.d[base + j]
            if ln > 0:
                total += ln
            h = self.fr_hyp.d[fo + j]
            if self.st_kind.d[h] != 102:
                continue
            if ln < 0:
                self.sub_len.d[j] = -1
                continue
            e = self.entry(self.stk_off.d[base + j])
            if e[0] != self.exprs.d[self.st_expr.d[h]]:
                return self.fail("E0807", "'%s' wants a '%s' for %s, got '%s'"
                                 % (self.label_of(a), self.name(self.exprs.d[self.st_expr.d[h]]),
                                    self.label_of(h), self.entry_text(self.stk_off.d[base + j], ln, 80)), off)
            self.sub_off.d[j] = self.stk_off.d[base + j] + (1 if self.stk_off.d[base + j] >= 0 else -1)
            self.sub_len.d[j] = ln - 1
        self.spend(total, off)
        # ... which the $e hypotheses must then match
        for j in range(n):
            h = self.fr_hyp.d[fo + j]
            if self.st_kind.d[h] != 101:
                continue
            ln = self.stk_len.d[base + j]
            if ln < 0:
                continue
            e = self.entry(self.stk_off.d[base + j])
            tp = self.tpl.d + self.fr_tpl.d[fo + j]
            pos = 0
            unknown_sub = False
            for i in range(self.fr_ntpl.d[fo + j]):
                sym = tp[i]
                if sym >= 0:
                    if pos >= ln or e[pos] != sym:
                        break
                    pos += 1
                else:
                    k = -sym - 1
                    if self.sub_len.d[k] < 0:
                        unknown_sub = True
                        break
                    if pos + self.sub_len.d[k] > ln or memcmp(e + pos, self.entry(self.sub_off.d[k]),
                                                              self.sub_len.d[k] * sizeof(int32_t)) != 0:
                        break
                    pos += self.sub_len.d[k]
            else:
                if pos == ln:
                    continue
            if unknown_sub:
                continue
            return self.fail("E0808", "hypothesis %s of '%s' wants '%s', got '%s'"
                             % (self.label_of(h), self.label_of(a), self.preview(fo + j),
                                self.entry_text(self.stk_off.d[base + j], ln)), off)
        # disjoint variables: distinct variables of each side first, so the
        # work is bounded by the theorem's pairs, not by the expressions' sizes
        for i in range(self.st_ndv.d[a]):
            p = self.dvpairs.d[self.st_dv.d[a] + 2 * i]
            q = self.dvpairs.d[self.st_dv.d[a] + 2 * i + 1]
            if self.sub_len.d[p] < 0 or self.sub_len.d[q] < 0:
                continue
            self.spend(self.sub_len.d[p] + self.sub_len.d[q], off)
            sa = self.entry(self.sub_off.d[p])
            sb = self.entry(self.sub_off.d[q])
            mark_a = self.new_stamp()
            self.tmp_vars.n = 0
            for j in range(self.sub_len.d[p]):
                va = sa[j]
                if self.sym_flags.d[va] & SYM_EVERVAR and self.sym_mark.d[va] != mark_a:
                    self.sym_mark.d[va] = mark_a
                    ivec_push(&self.tmp_vars, va)
            na = self.tmp_vars.n
            mark_b = self.new_stamp()
            for k in range(self.sub_len.d[q]):
                vb = sb[k]
                if not self.sym_flags.d[vb] & SYM_EVERVAR or self.sym_mark.d[vb] == mark_b:
                    continue
                if self.sym_mark.d[vb] == mark_a:
                    return self.fail("E0809", "'%s' needs %s, %s disjoint, but both become "
                                     "expressions containing '%s'" % (self.label_of(a),
                                     self.var_of(fo + p), self.var_of(fo + q),
                                     self.name(self.first_shared(sa, self.sub_len.d[p],
                                                                 sb, self.sub_len.d[q]))), off)
                self.sym_mark.d[vb] = mark_b
                ivec_push(&self.tmp_vars, vb)
            self.spend(na * (self.tmp_vars.n - na) * DV_UNITS, off)
            for j in range(na):
                va = self.tmp_vars.d[j]
                for k in range(na, self.tmp_vars.n):
                    vb = self.tmp_vars.d[k]
                    if not self.has_dv(va, vb):
                        return self.fail("E0809", "'%s' needs %s, %s disjoint, so this theorem needs "
                                         "'$d %s %s $.'" % (self.label_of(a), self.var_of(fo + p),
                                         self.var_of(fo + q), self.name(va), self.name(vb)), off)
        # build the conclusion
        tp = self.tpl.d + self.st_tpl.d[a]
        total = 0
        unknown_sub = False
        for i in range(self.st_ntpl.d[a]):
            sym = tp[i]
            if sym >= 0:
                total += 1
            elif self.sub_len.d[-sym - 1] < 0:
                unknown_sub = True
                break
            else:
                total += self.sub_len.d[-sym - 1]
        self.stk_len.n = base
        self.stk_off.n = base
        if unknown_sub:
            return self.push(0, -1)
        if total > self.max_expression:
            raise ResourceError("an expression grows past %d symbols (max_expression)"
                                % self.max_expression, off)
        self.used += total
        if self.used > self.max_proof_symbols:
            raise ResourceError("the proof builds more than %d symbols (max_proof_symbols)"
                                % self.max_proof_symbols, off)
        self.spend(total, off)
        ivec_reserve(&self.work, self.work.n + total)
        eoff = self.work.n
        for i in range(self.st_ntpl.d[a]):
            sym = tp[i]
            if sym >= 0:
                self.work.d[self.work.n] = sym
                self.work.n += 1
            else:
                k = -sym - 1
                memcpy(self.work.d + self.work.n, self.entry(self.sub_off.d[k]),
                       self.sub_len.d[k] * sizeof(int32_t))
                self.work.n += self.sub_len.d[k]
        return self.push(eoff, <int32_t> total)

    cdef int32_t first_shared(self, const int32_t* sa, Py_ssize_t na, const int32_t* sb,
                              Py_ssize_t nb) noexcept:
        """The first variable of sa (in order of occurrence) that sb also
        holds, or -1: the variable an E0809 names (only on that error)."""
        cdef int32_t mark = self.new_stamp()
        cdef Py_ssize_t j
        for j in range(nb):
            if self.sym_flags.d[sb[j]] & SYM_EVERVAR:
                self.sym_mark.d[sb[j]] = mark
        for j in range(na):
            if self.sym_flags.d[sa[j]] & SYM_EVERVAR and self.sym_mark.d[sa[j]] == mark:
                return sa[j]
        return -1

    cdef str var_of(self, Py_ssize_t frame_entry):
        return self.name(self.exprs.d[self.st_expr.d[self.fr_hyp.d[frame_entry]] + 1])

    cdef str preview(self, Py_ssize_t frame_entry):
        cdef const int32_t* tp = self.tpl.d + self.fr_tpl.d[frame_entry]
        cdef Py_ssize_t i, k, j
        words = []
        for i in range(self.fr_ntpl.d[frame_entry]):
            if tp[i] >= 0:
                words.append(self.name(tp[i]))
            else:
                k = -tp[i] - 1
                if self.sub_len.d[k] < 0:  # from a '?' step
                    words.append("?")
                for j in range(min(self.sub_len.d[k], 121)):
                    words.append(self.name(self.entry(self.sub_off.d[k])[j]))
            if len(words) > 120:
                break
        return _clip(" ".join(words), 120)

    cdef int check_theorem(self, int32_t t) except -1:
        """0 if the proof is right, 1 with e_code/e_msg/e_off set otherwise."""
        cdef int r
        try:
            r = self.run(t)
        except ResourceError as exc:
            return self.fail("E0901", exc.args[0], exc.args[1])
        return r

    cdef int run(self, int32_t t) except -1:
        cdef Py_ssize_t i = self.st_pf_eq.d[t] + 2, end = self.st_pf_end.d[t], a, b, last = 0
        cdef bytes data = self.buffers[self.st_file.d[t]]
        cdef const unsigned char* s = <const unsigned char*> PyBytes_AS_STRING(data)
        cdef int r, incomplete
        cdef const int32_t* e
        self.work.n = 0
        self.stk_len.n = 0
        self.stk_off.n = 0
        self.sv_len.n = 0
        self.sv_off.n = 0
        self.used = 0
        self.dvkeys = self.snaps.d + self.st_snap.d[t]
        self.ndvkeys = self.st_nsnap.d[t]
        if not next_proof_token(s, &i, end, &a, &b):
            return self.fail("E0805", "empty proof", self.st_pf_eq.d[t])
        if b - a == 1 and s[a] == 40:
            r = self.compressed(t, s, i, end, &last)
        else:
            r = self.normal(t, s, a, b, i, end, &last)
        if r == 1:
            return 1
        incomplete = r == 2
        if self.stk_len.n > 1:
            return self.fail("E0804", "%d entries left on the proof stack" % self.stk_len.n, last)
        if self.stk_len.n == 0:
            return self.fail("E0805", "empty proof", self.st_pf_eq.d[t])
        if self.stk_len.d[0] < 0:
            incomplete = True
        elif self.stk_len.d[0] != self.st_len.d[t] or memcmp(
                self.entry(self.stk_off.d[0]), self.exprs.d + self.st_expr.d[t],
                self.st_len.d[t] * sizeof(int32_t)) != 0:
            return self.fail("E0806", "proof proves '%s'"
                             % self.entry_text(self.stk_off.d[0], self.stk_len.d[0], 200), last)
        if incomplete:
            return self.fail("W0815", "proof contains unknown '?' steps", self.st_pf_eq.d[t])
        return 0

    cdef int32_t step_target(self, int32_t t, const unsigned char* s, Py_ssize_t a, Py_ssize_t b) except -2:
        """The statement a normal-proof label refers to; -1 with a failure set."""
        cdef int32_t sym = self.lookup(s + a, b - a), st
        if sym < 0 or self.sym_label.d[sym] < 0:
            self.fail("E0801", "'%s' is not a label" % _clip((<bytes> s[a:b]).decode("ascii")), a)
            return -1
        st = self.sym_label.d[sym]
        if self.st_kind.d[st] == 102 or self.st_kind.d[st] == 101:
            if not self.hyp_active(st, t):
                self.fail("E0802", "hypothesis '%s' is not active here" % self.label_of(st), a)
                return -1
        elif st >= t:
            self.fail("E0802", "'%s' is not defined before this theorem" % self.label_of(st), a)
            return -1
        return st

    cdef int normal(self, int32_t t, const unsigned char* s, Py_ssize_t a, Py_ssize_t b,
                    Py_ssize_t i, Py_ssize_t end, Py_ssize_t* last) except -1:
        cdef int32_t st
        cdef int incomplete = 0
        cdef Py_ssize_t count = 0, j = i
        cdef Py_ssize_t ta, tb
        if end - a > self.max_proof_steps:  # only then can there be too many steps
            count = 1
            while next_proof_token(s, &j, end, &ta, &tb):
                count += 1
            if count > self.max_proof_steps:
                raise ResourceError("proof has more than %d steps (max_proof_steps)"
                                    % self.max_proof_steps, self.st_pf_eq.d[t])
        while True:
            last[0] = a
            self.spend(1, a)
            if b - a == 1 and s[a] == 63:  # ?
                self.push(0, -1)
                incomplete = 1
            else:
                st = self.step_target(t, s, a, b)
                if st < 0:
                    return 1
                if self.st_kind.d[st] == 102 or self.st_kind.d[st] == 101:
                    self.push_hyp(st)
                elif self.apply(t, st, a):
                    return 1
            if not next_proof_token(s, &i, end, &a, &b):
                break
        return 2 if incomplete else 0

    cdef int list_error(self, const unsigned char* s, Py_ssize_t i, Py_ssize_t end, int32_t t,
                        str msg, Py_ssize_t off) except -1:
        """A bad label-list entry is E0811, unless the list is never closed:
        then it is the letters being read as labels, and the error is E0810."""
        cdef Py_ssize_t a, b
        while next_proof_token(s, &i, end, &a, &b):
            if b - a == 1 and s[a] == 41:
                return self.fail("E0811", msg, off)
        return self.fail("E0810", "compressed proof has no ')' closing its label list",
                         self.st_pf_eq.d[t])

    cdef int compressed(self, int32_t t, const unsigned char* s, Py_ssize_t i, Py_ssize_t end,
                        Py_ssize_t* last) except -1:
        cdef Py_ssize_t a, b, j, nletters = 0, close_off = -1, letters_start, m, k, idx
        cdef int32_t sym, st, fo = self.st_frame.d[t], h
        cdef uint64_t n = 0
        cdef bint in_number = False, can_save = False, closed = False
        cdef int incomplete = 0
        cdef unsigned char ch
        m = self.st_nframe.d[t]
        self.listed.n = 0
        # the label list
        while next_proof_token(s, &i, end, &a, &b):
            if b - a == 1 and s[a] == 41:
                closed = True
                close_off = a
                break
            sym = self.lookup(s + a, b - a)
            if sym < 0 or self.sym_label.d[sym] < 0:
                return self.list_error(s, i, end, t, "'%s' is not a label" % _clip((<bytes> s[a:b]).decode("ascii")), a)
            st = self.sym_label.d[sym]
            if self.st_kind.d[st] == 102 or self.st_kind.d[st] == 101:
                for j in range(m):
                    if self.fr_hyp.d[fo + j] == st:
                        return self.list_error(s, i, end, t, "mandatory hypothesis '%s' may not be listed"
                                         % self.label_of(st), a)
                if not self.hyp_active(st, t):
                    return self.list_error(s, i, end, t, "hypothesis '%s' is not active here" % self.label_of(st), a)
            elif st >= t:
                return self.list_error(s, i, end, t, "'%s' is not defined before this theorem" % self.label_of(st), a)
            ivec_push(&self.listed, st)
        if not closed:
            return self.fail("E0810", "compressed proof has no ')' closing its label list",
                             self.st_pf_eq.d[t])
        k = self.listed.n
        # letters: check them all before running any (as the reference does)
        letters_start = i
        j = i
        while next_proof_token(s, &j, end, &a, &b):
            for idx in range(a, b):
                ch = s[idx]
                if not ((65 <= ch <= 90) or ch == 63):
                    return self.fail("E0812", "'%s' is not a compressed-proof letter" % chr(ch), idx)
            nletters += b - a
            last[0] = a
        if nletters == 0:
            return self.fail("E0810", "compressed proof has no letters", close_off)
        if nletters > self.max_proof_steps:
            raise ResourceError("proof has more than %d steps (max_proof_steps)"
                                % self.max_proof_steps, self.st_pf_eq.d[t])
        j = letters_start
        while next_proof_token(s, &j, end, &a, &b):
            for idx in range(a, b):
                ch = s[idx]
                if ch == 90:  # Z
                    if in_number or not can_save:
                        return self.fail("E0813", "'Z' must follow a completed step", idx)
                    lvec_push(&self.sv_off, self.stk_off.d[self.stk_len.n - 1])
                    ivec_push(&self.sv_len, self.stk_len.d[self.stk_len.n - 1])
                    can_save = False
                    continue
                if ch == 63:  # ?
                    if in_number:
                        return self.fail("E0812", "'?' inside a step number", idx)
                    self.spend(1, idx)
                    self.push(0, -1)
                    incomplete = 1
                    can_save = True
                    continue
                if ch >= 85:  # U-Y
                    # n * 5 + digit > 2**62, tested before it can wrap
                    if n > ((1ULL << 62) - (ch - 84)) // 5:
                        return self.fail("E0812", "step number overflows", idx)
                    n = n * 5 + (ch - 84)
                    in_number = True
                    continue
                if n > ((1ULL << 62) - (ch - 64)) // 20:
                    return self.fail("E0812", "step number overflows", idx)
                n = n * 20 + (ch - 64)
                in_number = False
                self.spend(1, idx)
                if n <= <uint64_t> m:
                    self.push_hyp(self.fr_hyp.d[fo + n - 1])
                elif n <= <uint64_t> (m + k):
                    st = self.listed.d[n - m - 1]
                    if self.st_kind.d[st] == 102 or self.st_kind.d[st] == 101:
                        self.push_hyp(st)
                    elif self.apply(t, st, idx):
                        return 1
                elif n <= <uint64_t> (m + k + self.sv_len.n):
                    self.push(self.sv_off.d[n - m - k - 1], self.sv_len.d[n - m - k - 1])
                else:
                    return self.fail("E0812", "step number %d is out of range (%d hypotheses, %d labels, "
                                     "%d saved steps)" % (n, m, k, self.sv_len.n), idx)
                n = 0
                can_save = True
        if in_number:
            return self.fail("E0812", "compressed proof ends inside a step number", b - 1)
        return 2 if incomplete else 0


cdef inline int64_t pair_key(int32_t a, int32_t b) noexcept:
    """A $d pair as one sortable number, smaller symbol first."""
    if a > b:
        a, b = b, a
    return ((<int64_t> a) << 32) | b


cdef int cmp_int32(const void* a, const void* b) noexcept nogil:
    cdef int32_t x = (<const int32_t*> a)[0], y = (<const int32_t*> b)[0]
    return (x > y) - (x < y)


cdef int cmp_int64(const void* a, const void* b) noexcept nogil:
    cdef int64_t x = (<const int64_t*> a)[0], y = (<const int64_t*> b)[0]
    return (x > y) - (x < y)


cdef int next_proof_token(const unsigned char* s, Py_ssize_t* pos, Py_ssize_t end,
                          Py_ssize_t* a, Py_ssize_t* b) noexcept:
    """Next token of a stored proof, skipping what the lexer dropped when the
    proof was read: comments, invalid bytes and tokens with a stray '$'."""
    cdef Py_ssize_t i = pos[0], start
    cdef bint in_comment = False
    while True:
        while i < end and CLS[s[i]] != 2:
            i += 1
        if i >= end:
            pos[0] = i
            return 0
        start = i
        while i < end and CLS[s[i]] == 2:
            i += 1
        if memchr(s + start, 36, i - start) == NULL:
            if not in_comment:
                break
            continue
        if i - start == 2 and s[start + 1] == 40 and not in_comment:
            in_comment = True
        elif i - start == 2 and s[start + 1] == 41 and in_comment:
            in_comment = False
    pos[0] = i
    a[0] = start
    b[0] = i
    return 1
