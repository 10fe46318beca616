"""The stages import only downwards: kernel nothing of proofgen; syntax the
kernel; explore and emit (siblings) the kernel and syntax; run anything
below it; the command line anything."""
import ast
import os
import re

import pytest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "proofgen")

ALLOWED = {
    "kernel": set(),
    "mm0": {"kernel"},
    "syntax": {"kernel"},
    "explore": {"kernel", "syntax"},
    "emit": {"kernel", "syntax"},
    "run": {"kernel", "syntax", "explore", "emit", "resources"},
    "learn": {"kernel", "syntax", "explore", "emit", "run", "resources"},
}
#: `from .. import __version__`: the package's own version, allowed above the kernel
ROOT = "proofgen"
_PYX_IMPORT = re.compile(r"^\s*(?:from\s+(\.\.|proofgen\.)(\w*)|import\s+proofgen\.(\w+))",
                         re.M)


def imported_stages(path: str, stage: str) -> set[str]:
    """The proofgen subpackages (or top-level modules) a file imports."""
    if path.endswith(".pyx"):             # Cython: not Python syntax, its imports are
        found = set()
        for m in _PYX_IMPORT.finditer(open(path, encoding="utf-8").read()):
            found.add(m.group(2) or m.group(3) or ROOT)
        found.discard(stage)
        return found
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "proofgen" and len(parts) > 1:
                    found.add(parts[1])
            elif node.level == 1 and node.module:
                pass                              # a sibling module of the same stage
            elif node.level == 2:
                found.add((node.module or "").split(".")[0] or "proofgen")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "proofgen" and len(parts) > 1:
                    found.add(parts[1])
    found.discard(stage)
    return found


def files(stage):
    folder = os.path.join(PACKAGE, stage)
    for name in sorted(os.listdir(folder)):
        if name.endswith((".py", ".pyx")):
            yield os.path.join(folder, name)


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_what_lies_below(stage):
    for path in files(stage):
        allowed = ALLOWED[stage] | ({ROOT} if stage != "kernel" else set())
        wrong = imported_stages(path, stage) - allowed
        assert not wrong, f"{os.path.relpath(path, PACKAGE)} imports {sorted(wrong)}"


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from ..emit.records import StyleMix\nimport proofgen.run.job\n")
    assert imported_stages(str(bad), "explore") == {"emit", "run"}
    pyx = tmp_path / "x.pyx"
    pyx.write_text("from libc.stdint cimport int32_t\nfrom ..emit import records\n")
    assert imported_stages(str(pyx), "explore") == {"emit"}
