"""proofgen: a theorem-prover-backed factory of verified mathematical text."""
__version__ = "0.1.0"
