"""One entry point for both file pairs: `verify(mm0_bytes, proof_bytes)`.

The result is a `Result`: the verdict, counts and located diagnostics
(`proofgen.kernel.diagnostics.Diagnostic`), never an exception for bad input.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..kernel.diagnostics import Diagnostic, line_col
from .errors import Mm0Error
from .mmb import check_mmb
from .mmu import check_mmu
from .reader import read_mm0

#: resource limits (exceeding one is E0901)
MAX_FILE_BYTES = 1 << 30
#: a .mmu is held as an s-expression tree (about 170 bytes of memory per byte of text)
MAX_MMU_BYTES = 32 << 20
CHECK_BUDGET = 200_000_000           # stack/unify machine steps
PARSE_BUDGET = 50_000_000            # math parser steps


@dataclass
class Result:
    ok: bool
    sorts: int = 0
    terms: int = 0
    theorems: int = 0
    proof_statements: int = 0
    proof_checked: bool = False
    seconds: float = 0.0
    diagnostics: list = field(default_factory=list)


def _diag(exc: Mm0Error, mm0_name, mm0_data, proof_name, proof_data=None,
          proof_kind="") -> Diagnostic:
    if exc.where == "proof" and proof_data is not None and proof_kind == "mmu":
        line, col = line_col(proof_data, exc.offset)
        return Diagnostic(proof_name, line, col, exc.code, exc.label, exc.message)
    if exc.where == "proof":
        # byte offsets for the binary file: line 0, column = offset
        return Diagnostic(proof_name, 0, exc.offset, exc.code, exc.label,
                          f"{exc.message} (byte offset {exc.offset})")
    line, col = line_col(mm0_data, exc.offset)
    return Diagnostic(mm0_name, line, col, exc.code, exc.label, exc.message)


def verify(mm0_data: bytes, proof_data: bytes | None = None, proof_kind: str = "",
           mm0_name: str = "<mm0>", proof_name: str = "<proof>",
           budget: int = CHECK_BUDGET) -> Result:
    start = time.perf_counter()
    res = Result(ok=False)
    try:
        spec = read_mm0(mm0_data)
        res.sorts, res.terms, res.theorems = len(spec.sorts), len(spec.terms), len(spec.thms)
        if proof_data is not None:
            if proof_kind == "mmb":
                res.proof_statements = check_mmb(spec, proof_data, budget)
                res.proof_checked = True
            elif proof_kind == "mmu":
                if len(proof_data) > MAX_MMU_BYTES:
                    raise Mm0Error("E0901", 0, f".mmu file of {len(proof_data)} bytes exceeds "
                                   f"the limit of {MAX_MMU_BYTES}", where="proof")
                res.proof_statements = check_mmu(spec, proof_data, budget)
                res.proof_checked = True
            else:
                raise Mm0Error("M0410", 0, f"unknown proof file kind {proof_kind!r}",
                               where="proof")
        res.ok = True
    except Mm0Error as exc:
        res.diagnostics.append(_diag(exc, mm0_name, mm0_data, proof_name, proof_data,
                                     proof_kind))
    except RecursionError:
        res.diagnostics.append(Diagnostic(mm0_name, 0, 0, "E0901", "",
                                          "input nested too deeply"))
    except MemoryError:
        res.diagnostics.append(Diagnostic(mm0_name, 0, 0, "E0901", "", "out of memory"))
    res.seconds = time.perf_counter() - start
    return res
