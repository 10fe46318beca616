"""Metamath Zero: the `.mm0` reader (`reader`), the `.mmb` checker (`mmb`,
the pure-Python reference engine), diagnostics codes (`errors`) and the
entry points (`api.verify`, `cli.run`).  Imports nothing of proofgen but the
kernel's diagnostics types."""
from .api import Result, verify
from .errors import CODES, Mm0Error

__all__ = ["verify", "Result", "Mm0Error", "CODES"]
