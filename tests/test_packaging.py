"""Packaging: the files commands read at run time are package data, found
with importlib.resources, and the wheel and the sdist carry them.

These are the fast checks, on the checkout (no build): the resource
functions, the top-level symlinks, the package-data patterns of
pyproject.toml and MANIFEST.in evaluated by setuptools' own file-list code.
`.ci/package-check` (run by `.ci/run`) builds the wheel and the sdist,
installs each in a fresh venv and runs the commands from outside the
checkout.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
from importlib import resources as importlib_resources
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from conftest import ROOT
from proofgen import fuzz, resources
from proofgen.testing import grammar

PACKAGE = ROOT / "proofgen"

#: package data every install needs (relative to proofgen/)
DATA = ["py.typed", "data/hilbert.mm", "data/mm.lark", "emit/templates/templates.lark",
        "emit/templates/set.tpl", "emit/templates/hilbert.tpl"]

#: the top-level files of a checkout that link to package data
LINKS = {"mm_databases/hilbert.mm": "proofgen/data/hilbert.mm",
         "grammars/mm.lark": "proofgen/data/mm.lark",
         "grammars/templates.lark": "proofgen/emit/templates/templates.lark"}


def _in_package(path: str) -> Path:
    p = Path(path)
    assert p.is_file(), path
    assert p.resolve().is_relative_to(Path(os.fspath(importlib_resources.files("proofgen")))
                                      .resolve()), path
    return p


# -- the resource functions ----------------------------------------------------

def test_resource_functions_give_the_packaged_files():
    db = _in_package(resources.bundled_database())
    assert db.parts[-2:] == ("data", "hilbert.mm")
    assert db.read_bytes().startswith(b"$( hilbert.mm")
    assert _in_package(resources.grammar_path()).parts[-2:] == ("data", "mm.lark")
    assert _in_package(resources.grammar_path("mm.lark")) == Path(resources.grammar_path())
    assert _in_package(resources.grammar_path("templates.lark")).parts[-3:] == \
        ("emit", "templates", "templates.lark")
    assert _in_package(resources.template_path("set.tpl")).name == "set.tpl"
    assert resources.bundled_databases() == [resources.bundled_database()]
    assert grammar.grammar_path() == Path(resources.grammar_path())
    assert grammar.grammar_available()


def test_a_missing_resource_says_what_is_missing():
    with pytest.raises(FileNotFoundError) as e:
        resources.data_path("nosuch.mm")
    assert "proofgen/data/nosuch.mm is missing" in str(e.value)
    assert e.value.filename.endswith(os.path.join("proofgen", "data", "nosuch.mm"))


def test_the_default_database_of_the_cli_is_the_bundled_one(monkeypatch):
    from proofgen.cli import _default_db
    assert _default_db() == resources.bundled_database()

    def missing(name=resources.DEFAULT_DATABASE):
        raise FileNotFoundError(2, "missing", "/nowhere/proofgen/data/hilbert.mm")
    monkeypatch.setattr(resources, "bundled_database", missing)
    # where it belongs, for the kernel to report as unreadable (E0902)
    assert _default_db() == "/nowhere/proofgen/data/hilbert.mm"


def test_english_templates_are_found_in_the_package():
    from proofgen.emit import english
    assert english.GRAMMAR_PATH.resolve() == \
        Path(resources.grammar_path("templates.lark")).resolve()
    assert english.TEMPLATE_DIR.resolve() == \
        Path(resources.template_path("set.tpl")).resolve().parent


# -- the checkout's top-level files are symlinks to the package's ------------

@pytest.mark.parametrize("top,packaged", sorted(LINKS.items()))
def test_top_level_files_link_to_the_package_data(top, packaged):
    link = ROOT / top
    assert link.is_symlink(), f"{top} should be a symlink to {packaged}"
    target = os.readlink(link)
    assert not os.path.isabs(target), f"{top} -> {target} should be relative"
    assert link.resolve() == (ROOT / packaged).resolve()
    assert (ROOT / packaged).is_file() and not (ROOT / packaged).is_symlink()
    assert link.read_bytes() == (ROOT / packaged).read_bytes()


# -- pyproject package-data: the wheel ----------------------------------------

def _package_data_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["setuptools"]["package-data"]["proofgen"]


def test_package_data_patterns_cover_the_data_files():
    patterns = _package_data_patterns()
    for rel in DATA:
        assert (PACKAGE / rel).is_file(), rel
        assert any(fnmatch.fnmatch(rel, p) for p in patterns), \
            f"proofgen/{rel} is matched by no package-data pattern of pyproject.toml"
    # every data file in the package's data folders, not only the known ones
    for folder in ("data", "emit/templates"):
        for f in (PACKAGE / folder).iterdir():
            if f.is_file() and f.suffix not in (".py", ".pyc"):
                rel = f"{folder}/{f.name}"
                assert any(fnmatch.fnmatch(rel, p) for p in patterns), \
                    f"proofgen/{rel} would be left out of the wheel"
    # and no pattern is stale
    for p in patterns:
        assert list(PACKAGE.glob(p)), f"package-data pattern {p!r} matches nothing"


def test_py_typed_is_declared_and_present():
    assert (PACKAGE / "py.typed").is_file()
    assert "py.typed" in _package_data_patterns()


# -- MANIFEST.in: the sdist ---------------------------------------------------

@pytest.fixture(scope="module")
def sdist_files() -> set[str]:
    """The files MANIFEST.in selects from the checkout, by the same
    setuptools code `sdist` runs (symlinks are followed, as sdist does)."""
    from setuptools._distutils.filelist import FileList
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        files = FileList()
        files.findall(".")
        for line in (ROOT / "MANIFEST.in").read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                files.process_template_line(line)
    finally:
        os.chdir(here)
    return {os.path.normpath(f) for f in files.files}


def _extension_sources() -> list[str]:
    sources = re.findall(r'"(proofgen/[\w/]+\.pyx)"', (ROOT / "setup.py").read_text())
    # every .pyx of the package is built (and the regex found them all)
    assert sorted(sources) == sorted(str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.pyx")), sources
    return sources


def test_the_sdist_has_what_building_needs(sdist_files):
    need = ["setup.py", "pyproject.toml", "README.md", "MANIFEST.in",
            *_extension_sources(), *(f"proofgen/{rel}" for rel in DATA), *LINKS]
    missing = [f for f in need if f not in sdist_files]
    assert not missing, f"MANIFEST.in leaves out {missing}"
    # every Python module of the package
    modules = {str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= sdist_files, sorted(modules - sdist_files)


def test_the_sdist_has_no_generated_files(sdist_files):
    generated = [f for f in sdist_files
                 if f.endswith((".c", ".so", ".pyc")) or f.startswith(("build/", "dist/"))]
    assert not generated, generated


# -- the fuzzer and its grammar -----------------------------------------------

def test_fuzz_names_the_grammar_it_uses(tmp_path, capsys):
    status = fuzz.main(["--minutes", "1", "--max-execs", "3", "--seed", "3", "--kinds",
                        "grammar", "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert status == 0, captured
    assert f"kinds grammar, grammar {resources.grammar_path()}" in captured.err
    assert json.loads(captured.out)["inputs"] == {"grammar": 3}


def test_fuzz_fails_loudly_without_its_grammar(tmp_path, capsys, monkeypatch):
    def missing(name="mm.lark"):
        raise FileNotFoundError(2, "proofgen's package data proofgen/data/mm.lark is missing",
                                "/nowhere/mm.lark")
    monkeypatch.setattr(grammar, "_packaged_grammar", missing)
    assert not grammar.grammar_available()
    status = fuzz.main(["--minutes", "0.01", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert "cannot make grammar inputs" in err and "/nowhere/mm.lark" in err
    assert "--kinds generated,mutant,bytes" in err
    assert not (tmp_path / "out").exists()
    with pytest.raises(FileNotFoundError):
        fuzz.Inputs(["grammar", "bytes"], [])
    # without grammar inputs it needs no grammar
    assert fuzz.Inputs(["bytes"], []).kinds == ["bytes"]


def test_fuzz_corpus_is_the_bundled_databases():
    corpus = fuzz.default_corpus()
    assert Path(resources.bundled_database()) in corpus


# -- CI runs the packaging check ----------------------------------------------

def test_ci_runs_the_package_check():
    check = ROOT / ".ci" / "package-check"
    assert check.stat().st_mode & stat.S_IXUSR, ".ci/package-check is not executable"
    run = (ROOT / ".ci" / "run").read_text()
    assert "bash .ci/setup && python3 -m pytest -q" in run
    assert run.index("python3 -m pytest -q") < run.index("bash .ci/package-check")
