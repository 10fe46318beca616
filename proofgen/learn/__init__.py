"""Does proofgen's data teach a model?  The pieces of
`benchmarks/bench_learn.py`: a word-level tokenizer (`tokenizer`), the
corpora of a database's own proofs and of generated runs (`corpus`), a
small decoder-only transformer (`model`) and its training and evaluation
(`train`).

`tokenizer` and `corpus` need only proofgen; `model` and `train` import
torch (the `learn` extra), so nothing here is imported by `import proofgen`.
"""
