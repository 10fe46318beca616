"""The trusted core: reads Metamath databases and checks their proofs.

Imports nothing from the rest of proofgen.
"""
from .api import (Database, ENGINES, SelectionError, fast_engine_available, load, load_stdin,
                  parse_only, verify_file)
from .diagnostics import CODES, Diagnostic
from .limits import DEFAULT_LIMITS, GENERATION_LIMITS, Limits
from .model import Frame, Proof, Report, Statement

__all__ = ["Database", "ENGINES", "SelectionError", "fast_engine_available", "load", "load_stdin",
           "parse_only", "verify_file", "CODES",
           "Diagnostic", "DEFAULT_LIMITS", "GENERATION_LIMITS", "Limits", "Frame", "Proof", "Report", "Statement"]
