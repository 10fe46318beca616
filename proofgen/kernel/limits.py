"""Resource limits.  Hostile input must end in a clear E0901, never in a hang
or in exhausting memory; generous defaults leave every real database alone."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    #: longest token (label, symbol, compressed-proof letter run), in bytes
    max_token_bytes: int = 1 << 20
    #: deepest `${` nesting
    max_block_depth: int = 10_000
    #: longest expression built during a proof, in symbols
    max_expression: int = 1 << 20
    #: symbols held by one proof's working storage at once
    max_proof_symbols: int = 1 << 25
    #: steps in one proof (normal labels or compressed numbers)
    max_proof_steps: int = 1 << 24
    #: $d pairs held at once: active ones plus those stored for frames and proofs
    max_disjoint_pairs: int = 1 << 22
    #: diagnostics kept; further ones are only counted
    max_diagnostics: int = 10_000
    #: size of one input file, in bytes
    max_file_bytes: int = 1 << 31
    #: chain of files including files
    max_include_depth: int = 100
    #: allow `$[ $]` to reach files outside the top file's folder
    allow_outside_includes: bool = False


DEFAULT_LIMITS = Limits()

#: for a database the factory extends: every kept generated theorem stores
#: its $d pairs, and extracting all of set.mm keeps ~700,000 theorems, more
#: $d pairs than a database read from a file ever needs (8 bytes a pair)
GENERATION_LIMITS = Limits(max_disjoint_pairs=1 << 26)


class ResourceError(Exception):
    """Raised inside an engine when a limit is hit: args are (message, byte
    offset).  It becomes diagnostic E0901."""
