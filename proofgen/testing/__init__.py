"""Property-based, differential and fuzz testing of Metamath verifiers.

proofgen's data is only as good as its checker, so the means of testing the
checker are part of the product:

* `generate_database` - random well-formed databases (constants, typed
  variables, syntax axioms, logical axioms with `$e` and `$d`) whose
  theorems are proved by forward construction, so every proof is valid;
* `mutate_database`, `mutate_proof`, `mutate_bytes` - damaged copies, each
  with the verdict a correct verifier must reach when the damage decides it;
* `random_file` - files drawn from the `.mm` grammar (grammars/mm.lark);
* `run_engines`, `MetamathExe`, `Command`, `compare` - verdicts of both
  proofgen engines, of metamath.exe and of any verifier on the command
  line, and their comparison modulo metamath.exe's documented deviations
  (`DEVIATIONS`);
* `proofgen.testing.strategies` - the same generators as hypothesis
  strategies (imported separately: it needs hypothesis);
* `proofgen.fuzz` - the long-running fuzzer behind `proofgen fuzz`.

Nothing here imports hypothesis; only `strategies` does.  See
docs/testing.md.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Chooser": "choosers", "RandomChooser": "choosers",
    "GenDatabase": "database", "Item": "database", "expected_statements": "database",
    "statement_key": "database",
    "Size": "generate", "generate_database": "generate",
    "Mutant": "mutations", "ProofContext": "mutations", "mutate_database": "mutations",
    "mutate_proof": "mutations", "mutate_bytes": "mutations",
    "compress": "proofs", "decompress": "proofs", "encode_number": "proofs",
    "decode_number": "proofs",
    "random_file": "grammar", "load_grammar": "grammar",
    "DEVIATIONS": "oracle", "Verdict": "oracle", "MetamathExe": "oracle", "Command": "oracle",
    "compare": "oracle", "run_engines": "oracle", "verdict_of": "oracle",
    "make_oracle": "oracle",
}

__all__ = sorted(_EXPORTS) + ["scaled"]


def scaled(n: int) -> int:
    """A test's example count `n`, multiplied by the environment variable
    PROOFGEN_TEST_SCALE (default 1): `PROOFGEN_TEST_SCALE=20 pytest ...`
    runs every property and differential test twenty times harder."""
    import os
    try:
        scale = float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))
    except ValueError:
        scale = 1.0
    return max(1, int(n * scale))


def __getattr__(name: str):
    # submodules load on first use, so importing the package costs nothing
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'proofgen.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
