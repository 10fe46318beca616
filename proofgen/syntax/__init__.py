"""Syntax trees: the grammar a database defines with its syntax axioms, a
tree for every statement, and the tree toolkit the generator works with.

Imports only the kernel.
"""
from .database import Syntax, Tree, make_parser
from .grammar import Grammar, Rule, Variable
from .parser import ParseResult, ReferenceParser
from .proofs import ProofReplayer, check_proof_syntax
from .terms import TermKit, canonical, structural_hash, term_kit, variables
from .typecodes import Typecodes, parse_override, read_j_commands

__all__ = ["Syntax", "Tree", "make_parser", "Grammar", "Rule", "Variable", "ParseResult",
           "ReferenceParser", "ProofReplayer", "check_proof_syntax", "TermKit", "canonical",
           "structural_hash", "term_kit", "variables", "Typecodes", "parse_override",
           "read_j_commands"]
