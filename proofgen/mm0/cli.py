"""`proofgen verify X.mm0 --proof X.mmb` (or `proofgen verify X.mmb`, which
finds X.mm0 beside it).  Prints `file:line:col: error[CODE]: message` (for
the .mmb, line 0 and the byte offset), a summary on stderr, and exits 0
(verified) or 1 (errors or unreadable input)."""
from __future__ import annotations

import json
import os
import sys

from ..kernel.diagnostics import Diagnostic
from .api import MAX_FILE_BYTES, verify
from .errors import CODES

EXIT_OK, EXIT_ERRORS = 0, 1


def _json(d: Diagnostic) -> str:
    obj = d.to_json()
    obj["title"] = CODES.get(d.code, obj.get("title", ""))
    return json.dumps(obj)


def _read(path: str):
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return None, Diagnostic(path, 0, 0, "E0901", "",
                                    f"file of {size} bytes exceeds the limit of {MAX_FILE_BYTES}")
        with open(path, "rb") as f:
            return f.read(), None
    except OSError as exc:
        return None, Diagnostic(path, 0, 0, "E0902", "", f"cannot read: {exc.strerror}")


def run(path: str, proof: str | None = None, as_json: bool = False, out=None) -> int:
    out = out or sys.stdout
    if path.endswith((".mmb", ".mmu")) and not proof:
        proof, path = path, path[:-4] + ".mm0"
    diags = []
    mm0_data, d = _read(path)
    if d:
        diags.append(d)
    proof_data, kind = None, ""
    if proof:
        kind = proof.rsplit(".", 1)[-1] if "." in os.path.basename(proof) else ""
        if kind not in ("mmb", "mmu"):
            diags.append(Diagnostic(proof, 0, 0, "E0902", "",
                                    "the proof file must end in .mmb or .mmu"))
        proof_data, d = _read(proof)
        if d:
            diags.append(d)
    if diags:
        for d in diags:
            out.write((_json(d) if as_json else d.format()) + "\n")
        return EXIT_ERRORS
    res = verify(mm0_data, proof_data, kind, mm0_name=path, proof_name=proof or "")
    for d in res.diagnostics:
        out.write((_json(d) if as_json else d.format()) + "\n")
    verdict = "ok" if res.ok else "FAILED"
    what = (f"{res.proof_statements} proof-file statements checked" if res.proof_checked
            else "proof file rejected" if proof else "specification only, no proofs checked")
    summary = {"file": path, "proof": proof, "ok": res.ok, "sorts": res.sorts,
               "terms": res.terms, "theorems": res.theorems,
               "proof_statements": res.proof_statements, "proofs_checked": res.proof_checked,
               "errors": len(res.diagnostics), "seconds": round(res.seconds, 3)}
    if as_json:
        out.write(json.dumps({"summary": summary}) + "\n")
    else:
        print(f"{path}: {verdict}: {res.sorts} sorts, {res.terms} terms/defs, {res.theorems} "
              f"axioms/theorems, {what}, {len(res.diagnostics)} errors, {res.seconds:.2f} s "
              "(mm0 python engine)", file=sys.stderr)
    out.flush()
    return EXIT_OK if res.ok else EXIT_ERRORS
