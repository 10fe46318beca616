"""The files proofgen ships inside its package, found with importlib.resources.

Everything a command needs at run time lives in the package, so an install
from a wheel or an sdist has it as well as a source checkout:

* `proofgen/data/`: the bundled database(s) (`hilbert.mm`, the default of
  `generate` and `export-mm`) and the `.mm` grammar (`mm.lark`, for the
  fuzzer and the property tests);
* `proofgen/emit/templates/`: the English templates and their grammar
  (`templates.lark`).

The top-level `mm_databases/` and `grammars/` of a checkout are symlinks to
these files.  The kernel opens files by path, so each function returns a
real filesystem path: a normal install (a wheel is always unpacked) gives one
directly; from a zipped import the file is extracted once, for the life of
the process.
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import os
from importlib import resources
from typing import Iterator

#: the bundled default database
DEFAULT_DATABASE = "hilbert.mm"

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)
_cache: dict[tuple[str, ...], str] = {}


def _path(*parts: str) -> str:
    """A real filesystem path to `proofgen/<parts...>`; FileNotFoundError
    when the package does not contain it (a broken install)."""
    if parts in _cache:
        return _cache[parts]
    node = resources.files("proofgen")
    for p in parts:
        node = node / p
    if not node.is_file():
        raise FileNotFoundError(
            errno.ENOENT,
            f"proofgen's package data {'/'.join(('proofgen',) + parts)} is missing; "
            f"reinstall proofgen", os.fspath(node))
    path = os.fspath(_extracted.enter_context(resources.as_file(node)))
    _cache[parts] = path
    return path


def data_path(name: str) -> str:
    """A file of `proofgen/data/`."""
    return _path("data", name)


def bundled_database(name: str = DEFAULT_DATABASE) -> str:
    """The path of a database that ships with proofgen (default hilbert.mm)."""
    return data_path(name)


def bundled_databases() -> list[str]:
    """The paths of every `.mm` database that ships with proofgen, sorted."""
    return [data_path(n) for n in sorted(_names("data")) if n.endswith(".mm")]


def grammar_path(name: str = "mm.lark") -> str:
    """The path of one of proofgen's lark grammars: `mm.lark` (the `.mm`
    syntax) or `templates.lark` (the English templates' language)."""
    if name == "templates.lark":
        return template_path(name)
    return data_path(name)


def template_path(name: str) -> str:
    """A file of `proofgen/emit/templates/` (the `.tpl` files, templates.lark)."""
    return _path("emit", "templates", name)


def _names(*parts: str) -> Iterator[str]:
    node = resources.files("proofgen")
    for p in parts:
        node = node / p
    return (child.name for child in node.iterdir() if child.is_file())
