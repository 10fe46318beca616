"""Builds the Cython extensions; everything else is in pyproject.toml."""
from Cython.Build import cythonize
from setuptools import Extension, setup

extensions = [
    Extension("proofgen.kernel._fast", ["proofgen/kernel/_fast.pyx"],
              extra_compile_args=["-O3"]),
    Extension("proofgen.syntax._parse", ["proofgen/syntax/_parse.pyx"],
              extra_compile_args=["-O3"]),
    Extension("proofgen.syntax._terms", ["proofgen/syntax/_terms.pyx"],
              extra_compile_args=["-O3"]),
    Extension("proofgen.explore._theorem", ["proofgen/explore/_theorem.pyx"],
              extra_compile_args=["-O3"]),
    Extension("proofgen.explore._deep", ["proofgen/explore/_deep.pyx"],
              extra_compile_args=["-O3"]),
]

setup(ext_modules=cythonize(extensions, language_level=3,
                            compiler_directives={"boundscheck": False, "wraparound": False,
                                                 "cdivision": True, "initializedcheck": False}))
