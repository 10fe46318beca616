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
    # (added later: after the first fields, so that positional use still works)
    #: bytes read from all files together: the top file and every file it
    #: includes, each file (device and inode: hard links and symlinks are
    #: the same file) counted once
    max_total_bytes: int = 1 << 28
    #: units of work one verification may spend checking proofs, all proofs
    #: together: 1 a step, plus the symbols of every hypothesis entry an
    #: assertion step takes, of both substitutions of every `$d` pair it
    #: checks, DV_TEST_UNITS for every pair of their variables looked up,
    #: and the symbols of the expression it builds (docs/kernel.md, "Work");
    #: checking all of set.mm takes about 2.3 * 10^8
    max_work: int = 3_000_000_000
    #: what the frames of all assertions hold together: for each, its
    #: mandatory hypotheses and the symbols of its essential ones (every
    #: active `$e` is in the frame of every assertion in its scope: without
    #: a bound, 1.7 MB of `$e`s and axioms would make 20 GB of frames)
    max_frame_symbols: int = 1 << 24


#: work units of one lookup of a variable pair among a theorem's `$d` pairs
#: (a binary search, or a hash of two names: it costs as much as ~64 symbols
#: compared)
DV_TEST_UNITS = 64

DEFAULT_LIMITS = Limits()

#: for a database the factory extends: every kept generated theorem stores
#: its $d pairs and its frame, and extracting all of set.mm keeps ~700,000
#: theorems, more than a database read from a file ever needs (8 bytes a
#: pair, 4-12 a frame symbol)
GENERATION_LIMITS = Limits(max_disjoint_pairs=1 << 26, max_frame_symbols=1 << 28)


class ResourceError(Exception):
    """Raised inside an engine when a limit is hit: args are (message, byte
    offset).  It becomes diagnostic E0901."""


class WorkExhausted(ResourceError):
    """The verification's `max_work` is spent: the proof where it happens
    fails with E0901 and no later proof is checked."""


def work_message(max_work: int) -> str:
    """The E0901 message of `WorkExhausted`, the same in both engines."""
    return (f"checking takes more than {max_work} units of work (max_work); the proofs "
            "after this one are not checked")
