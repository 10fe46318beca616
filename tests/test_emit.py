"""The emit stage: renderings, records, shards, manifest, readers."""
import glob
import json
import os
import random
import re

import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from proofgen.cli import main
from proofgen.emit.notation import Notation, parse_typesetting
from proofgen.emit.records import RecordMaker, StyleMix, record_id
from proofgen.emit.render import STYLES, lemma_order, mm_block, render
from proofgen.emit.shards import ShardWriter, file_sha256, read_shard
from proofgen.emit.tokens import TokenCounter
from proofgen.explore.context import Context
from proofgen.run.documents import doc_of, generated_assertions
from proofgen.explore.run import GenerateConfig, generate
from proofgen.kernel import load
from proofgen.run.tasks import run_meta

HERE = os.path.dirname(os.path.abspath(__file__))
HILBERT = os.path.join(HERE, "..", "mm_databases", "hilbert.mm")
SET_MM = "/usr/share/metamath/databases/set.mm"
SCALE = float(os.environ.get("PROOFGEN_TEST_SCALE", "1"))
FORMAL = ("mm", "steps", "hier", "latex")


def docs_of(path, config):
    db = load(path)
    ctx = Context.of(db)
    result = generate(db, config, ctx)
    extra = generated_assertions(ctx, result.lemmas)
    memo = {}
    docs = [doc_of(ctx, t, extra, result.lemmas, memo) for t in result.theorems]
    return ctx, Notation.of(ctx.syn, db.sources), docs


@pytest.fixture(scope="module")
def hilbert_docs():
    return docs_of(HILBERT, GenerateConfig(count=300, seed=5))


# -- notation ------------------------------------------------------------

def test_typesetting_definitions_are_read():
    defs = parse_typesetting("""
        latexdef "->" as "\\rightarrow";  /* a comment; with a semicolon */
        althtmldef "ph" as '<SPAN>&#x1D711;</SPAN>';
        latexdef "x" as "x" + "_1";
        htmldef "it's" as 'it''s';
    """)
    assert defs["latexdef"] == {"->": "\\rightarrow", "x": "x_1"}
    assert defs["althtmldef"]["ph"] == "<SPAN>&#x1D711;</SPAN>"
    assert defs["htmldef"]["it's"] == "it's"


def test_notation_of_the_bundled_database(hilbert_docs):
    ctx, n, docs = hilbert_docs
    term = ctx.syn.trees["ax-1"].term
    assert n.text("|-", term) == "|- ( ph -> ( ps -> ph ) )"
    assert n.unicode(term, "|-") == "⊢ (φ → (ψ → φ))"
    assert n.latex(term, "|-") == r"\vdash ( \varphi \rightarrow ( \psi \rightarrow \varphi ) )"
    assert "modus ponens" in n.comment("ax-mp").lower()
    assert n.comment("no-such-label") is None


@pytest.mark.slow
def test_notation_of_set_mm():
    db = load(SET_MM)
    ctx = Context.of(db)
    n = Notation.of(ctx.syn, db.sources)
    assert n.unicode(ctx.syn.trees["ax-1"].term, "|-") == "⊢ (𝜑 → (𝜓 → 𝜑))"
    assert n.latex(ctx.syn.trees["alcomiw"].term, "|-").startswith(r"\vdash ( \forall x")
    assert n.comment("syl").startswith("An inference version of the transitive laws")
    # a symbol without a definition is set upright, escaped
    assert n.latex_symbol("a_b") == r"\mathrm{a\_b}"


# -- renderings ----------------------------------------------------------

def test_mm_renderings_reverify(hilbert_docs):
    ctx, n, docs = hilbert_docs
    fresh = load(HILBERT)
    cited = 0
    for d in docs:
        text = render("mm", d, n, random.Random(0))
        assert fresh.check_blocks(text) == [], text
        cited += bool(d.lemmas)
    assert cited > 0       # renderings that carry their generated lemmas were tested


def test_mm_rendering_of_a_wrong_proof_is_caught(hilbert_docs):
    ctx, n, docs = hilbert_docs
    d = next(d for d in docs if len(d.steps) > 1)
    text = render("mm", d, n, random.Random(0))
    body, last = text.rsplit("$=", 1)
    letters = last.split(")")[1].split()[0]
    broken = body + "$=" + last.replace(letters, letters[::-1] if letters[::-1] != letters
                                        else letters + "A", 1)
    assert load(HILBERT).check_blocks(broken)


def test_normal_proofs_verify(hilbert_docs):
    ctx, n, docs = hilbert_docs
    fresh = load(HILBERT)
    for d in docs[:100]:
        lemmas = "".join(mm_block(x, n) + "\n" for x in lemma_order(d))
        hyps = "".join(f"  {h} $e {n.text(d.typecode, t)} $.\n" for h, t in d.hypotheses)
        dv = "".join(f"  $d {x} {y} $.\n" for x, y in d.disjoint)
        block = (f"${{\n{dv}{hyps}  {d.label} $p {n.text(d.typecode, d.conclusion)} "
                 f"$= {d.rpn} $.\n$}}\n")
        assert fresh.check_blocks(lemmas + block) == []


def _mentions_every_step(text, n, d):
    for _, t in d.hypotheses:
        assert n.text(d.typecode, t) in text
    for s in d.steps:
        assert n.text(d.typecode, s.term) in text
        assert s.label in text


def test_formal_renderings_account_for_every_hypothesis_and_step(hilbert_docs):
    ctx, n, docs = hilbert_docs
    for d in docs:
        for style in ("steps", "hier"):
            _mentions_every_step(render(style, d, n, random.Random(0)), n, d)
        latex = render("latex", d, n, random.Random(0))
        assert latex.count(r"\item") == len(d.hypotheses) + len(d.steps)
        for _, t in d.hypotheses:
            assert n.latex(t, d.typecode) in latex


def test_steps_rendering_layout(hilbert_docs):
    ctx, n, docs = hilbert_docs
    d = next(d for d in docs if d.hypotheses and len(d.steps) >= 2)
    lines = render("steps", d, n, random.Random(0)).splitlines()
    table = lines[lines.index("") + 1:]
    assert len(table) == len(d.hypotheses) + len(d.steps)
    assert all(row.split()[0] == str(k + 1) for k, row in enumerate(table))
    assert table[0].endswith("hypothesis") and table[-1].endswith("qed")


def test_hier_states_cited_lemmas_first_and_makes_reused_steps_lemmas(hilbert_docs):
    ctx, n, docs = hilbert_docs
    d = max(docs, key=lambda d: len(d.lemmas))
    text = render("hier", d, n, random.Random(0))
    main_at = text.index("Main proof:")
    for lab in d.lemmas:
        assert text.index(f"Lemma {lab}:") < main_at
    # a proof that uses one step twice gets a local lemma
    from proofgen.emit.model import ProofDoc
    from proofgen.syntax.types import Step
    t = ctx.syn.trees
    imp = t["ax-1"].term
    doc = ProofDoc("x", "|-", (), imp, (
        Step("ax-1", premises=(), term=imp),
        Step("ax-mp", premises=(0, 0), term=imp),    # not a real proof: layout only
        Step("ax-mp", premises=(1, 1), term=imp)), "( ) A")
    text = render("hier", doc, n, random.Random(0))
    assert "Lemma 1:" in text and "ax-mp Lemma 1, Lemma 1" in text


def test_hier_local_lemma_names_the_hypotheses_it_uses(hilbert_docs):
    # a reused step built on a hypothesis: its lemma line says which one
    ctx, n, docs = hilbert_docs
    from proofgen.emit.model import ProofDoc
    from proofgen.syntax.types import Step
    imp = ctx.syn.trees["ax-1"].term
    doc = ProofDoc("x", "|-", (("x.1", imp), ("x.2", imp)), imp, (
        Step("ax-1", premises=(), term=imp),          # not a real proof: layout only
        Step("ax-mp", premises=(-2, 0), term=imp),
        Step("ax-mp", premises=(1, 1), term=imp)), "( ) A")
    text = render("hier", doc, n, random.Random(0))
    assert re.search(r"Lemma 1: .* \(from h2\)$", text, re.M), text
    assert "ax-mp Lemma 1, Lemma 1" in text


def _hier_lemma_case(ctx, *, lemma_hyp, thm_hyp, lemma_dv=(), thm_dv=()):
    """A theorem citing a generated lemma `pg.l` (hypothesis `lemma_hyp`)
    on its own hypothesis `thm_hyp`: layout only, not a real proof."""
    from proofgen.emit.model import ProofDoc
    from proofgen.syntax.types import Step
    imp = ctx.syn.trees["ax-1"].term                  # ( ph -> ( ps -> ph ) )
    lemma = ProofDoc("pg.l", "|-", (("pg.l.1", lemma_hyp),), imp,
                     (Step("ax-1", premises=(), term=imp),), "( ) A", disjoint=lemma_dv)
    return ProofDoc("pg.t", "|-", (("pg.t.1", thm_hyp),), imp, (
        Step("pg.l", premises=(-1,), term=imp),
        Step("ax-mp", premises=(-1, 0), term=imp)), "( ) A", disjoint=thm_dv,
        lemmas={"pg.l": lemma})


def test_hier_states_a_cited_lemma_only_where_its_rows_do_not(hilbert_docs):
    # a lemma cited on exactly its own hypotheses, with the conclusion as it
    # is, is stated by the row citing it (and the row's premises); cited
    # under a substitution, or with a $d the theorem does not carry, it
    # gets its own `Using lemma` statement
    ctx, n, _ = hilbert_docs
    ph, ps = (-1,), (-2,)
    cite = lambda doc: render("hier", doc, n, random.Random(0), cite_lemmas=True)
    text = cite(_hier_lemma_case(ctx, lemma_hyp=ph, thm_hyp=ph))
    assert "Using lemma" not in text and "pg.l h1" in text, text
    text = cite(_hier_lemma_case(ctx, lemma_hyp=ps, thm_hyp=ph))
    assert "Using lemma pg.l:" in text and re.search(r"^    h1: \|- ps$", text, re.M), text
    text = cite(_hier_lemma_case(ctx, lemma_hyp=ph, thm_hyp=ph, lemma_dv=(("x", "y"),)))
    assert "Using lemma pg.l:" in text and "    distinct variables: x y" in text, text
    text = cite(_hier_lemma_case(ctx, lemma_hyp=ph, thm_hyp=ph, lemma_dv=(("x", "y"),),
                                 thm_dv=(("y", "x"), ("x", "z"))))
    assert "Using lemma" not in text and "distinct variables: y x, x z" in text, text


def test_hier_last_row_of_a_proof_is_qed_not_the_statement_again(hilbert_docs):
    # the heading (theorem or `Lemma k`) states what the proof proves; its
    # last row says qed instead of restating it
    ctx, n, docs = hilbert_docs
    from proofgen.emit.model import ProofDoc
    from proofgen.syntax.types import Step
    imp = ctx.syn.trees["ax-1"].term
    doc = ProofDoc("x", "|-", (), imp, (
        Step("ax-1", premises=(), term=imp),
        Step("ax-mp", premises=(0, 0), term=imp),    # not a real proof: layout only
        Step("ax-mp", premises=(1, 1), term=imp)), "( ) A")
    lines = render("hier", doc, n, random.Random(0)).splitlines()
    stmt = n.text("|-", imp)
    assert lines[0] == f"Theorem x: {stmt}"
    assert lines[lines.index("  Lemma 1: " + stmt) + 2].split() == ["2", "qed", "ax-mp", "1,", "1"]
    assert lines[-1].split() == ["1", "qed", "ax-mp", "Lemma", "1,", "Lemma", "1"]
    for d in docs:
        text = render("hier", d, n, random.Random(0))
        assert text.count(n.text(d.typecode, d.conclusion)) >= 1
        # nothing to align a statement with: qed is not padded to the rows' width
        assert re.fullmatch(r"    \d+ *  qed  \S+( .+)?", text.splitlines()[-1]), text


def test_unknown_style_is_refused(hilbert_docs):
    ctx, n, docs = hilbert_docs
    with pytest.raises(ValueError, match="unknown style"):
        render("haiku", docs[0], n, random.Random(0))
    with pytest.raises(ValueError, match="unknown style"):
        StyleMix.parse("mm,haiku")
    with pytest.raises(ValueError, match="weight 0"):
        StyleMix.parse("mm=0")


@settings(max_examples=int(30 * SCALE), deadline=None)
@given(weights=st.dictionaries(st.sampled_from(STYLES), st.integers(0, 5), min_size=1),
       k=st.integers(1, 4), seed=st.integers(0, 10 ** 9))
def test_style_mix_draws_distinct_styles_with_positive_weight(weights, k, seed):
    if not any(weights.values()):
        return
    mix = StyleMix({s: float(w) for s, w in weights.items()}, k)
    got = mix.choose(random.Random(seed))
    allowed = {s for s, w in weights.items() if w > 0}
    assert len(got) == min(k, len(allowed)) and len(set(got)) == len(got)
    assert set(got) <= allowed


# -- records -------------------------------------------------------------

def test_records_and_lines_agree(hilbert_docs):
    ctx, n, docs = hilbert_docs
    config = GenerateConfig(count=300, seed=5)
    maker = RecordMaker(n, StyleMix.parse("mm,steps,hier,latex", 2),
                        run_meta(ctx, HILBERT, config, "cl100k_base"), 5, 0)
    counter = TokenCounter()
    for d in docs[:50]:
        recs = maker.records(d)
        lines = [json.loads(x) for x in maker.lines(d)]
        assert recs == lines and len(recs) == 2
        for k, r in enumerate(recs):
            m = r["metadata"]
            assert r["id"] == record_id(d.hash, m["style"], k)
            assert m["tokens"] == counter.count(r["text"]) > 0
            assert m["statement"] == n.text(d.typecode, d.conclusion)
            assert m["proof"]["compressed"] == d.proof and m["proof"]["rpn"]
            assert m["database_sha256"] == ctx.sha256 and m["seed"] == 5


# -- shards --------------------------------------------------------------

def test_shards_are_multi_frame_and_atomic(tmp_path):
    path = str(tmp_path / "s" / "x.jsonl.zst")
    w = ShardWriter(path, frame_bytes=200)
    recs = [{"id": str(i), "text": "é" * i} for i in range(100)]
    for r in recs:
        w.write(r)
    assert not os.path.exists(path) and os.path.exists(w.tmp)
    info = w.close()
    assert not os.path.exists(w.tmp)
    assert list(read_shard(path)) == recs
    assert info["sha256"] == file_sha256(path) and info["records"] == 100
    data = open(path, "rb").read()
    frames = 0
    while data:
        assert zstandard.frame_content_size(data) > 0   # every frame knows its size
        frames += 1
        data = data[_frame_length(data):]
    assert frames > 10


def _frame_length(data: bytes) -> int:
    d = zstandard.ZstdDecompressor().decompressobj()
    d.decompress(data)
    return len(data) - len(d.unused_data)


def test_aborted_shard_leaves_nothing(tmp_path):
    path = str(tmp_path / "x.jsonl.zst")
    with pytest.raises(RuntimeError):
        with ShardWriter(path) as w:
            w.write({"a": 1})
            raise RuntimeError("worker died")
    assert os.listdir(tmp_path) == []


# -- a whole run ---------------------------------------------------------

@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("emit") / "run"
    assert main(["generate", "--out", str(out), "--count", "200", "--seed", "3",
                 "--styles", "mm,steps,hier,latex", "--renderings", "2"]) == 0
    return out


def test_run_layout_and_manifest(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    # 2 renderings per theorem, and the records of the generated lemmas they cite
    assert manifest["theorems"] == 200
    assert manifest["records"] == 400 + manifest["budget"]["lemma_records"]
    assert manifest["tokenizer"]["name"] == "cl100k_base"
    assert manifest["tokenizer"]["package"] == "bpe-openai"
    assert manifest["database_sha256"] == file_sha256(HILBERT)
    recs = []
    for entry in manifest["shards"]:
        path = run_dir / entry["path"]
        assert file_sha256(str(path)) == entry["sha256"]
        assert os.path.getsize(path) == entry["bytes"]
        recs.extend(read_shard(str(path)))
    assert len(recs) == manifest["records"]
    by_style = {}
    for r in recs:
        s = r["metadata"]["style"]
        by_style[s] = by_style.get(s, 0) + r["metadata"]["tokens"]
    assert by_style == manifest["tokens_by_style"]
    assert sum(by_style.values()) == manifest["tokens"]
    assert len({r["id"] for r in recs}) == len(recs)
    assert not glob.glob(str(run_dir / "**" / "*.tmp"), recursive=True)
    assert sum(r["metadata"]["role"] == "theorem" for r in recs) == 400
    fresh = load(HILBERT)
    mm = {r["metadata"]["label"]: r["text"] for r in recs if r["metadata"]["style"] == "mm"}
    cites = {r["metadata"]["label"]: r["metadata"]["cited_lemmas"].split() for r in recs
             if r["metadata"]["style"] == "mm"}

    def with_lemmas(label, out, seen):
        # an mm record verifies after the mm records of the lemmas it cites
        for lab in cites[label]:
            if lab not in seen:
                seen.add(lab)
                with_lemmas(lab, out, seen)
        out.append(mm[label])
        return out

    for label in mm:
        assert fresh.check_blocks("".join(with_lemmas(label, [], set()))) == []


def test_runs_reproduce_byte_for_byte(run_dir, tmp_path):
    again = tmp_path / "again"
    assert main(["generate", "--out", str(again), "--count", "200", "--seed", "3",
                 "--styles", "mm,steps,hier,latex", "--renderings", "2"]) == 0
    for sub in ("shards", "theorems"):
        a = open(run_dir / sub / "unit-000000.jsonl.zst", "rb").read()
        b = open(again / sub / "unit-000000.jsonl.zst", "rb").read()
        assert a == b


def test_cat_streams_records(run_dir, capsys):
    assert main(["cat", str(run_dir), "--limit", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 7 and all(json.loads(x)["text"] for x in lines)
    assert main(["cat", str(run_dir), "--style", "latex", "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["metadata"]["style"] for x in lines] == ["latex"] * 3
    assert main(["cat", str(run_dir), "--style", "hier", "--text", "--limit", "1"]) == 0
    assert capsys.readouterr().out.startswith("Theorem pg.")
    assert main(["cat", str(run_dir / "nowhere")]) == 1
    assert "no shards" in capsys.readouterr().err


def test_cat_reports_a_damaged_shard(run_dir, tmp_path, capsys):
    import shutil
    bad = tmp_path / "bad"
    shutil.copytree(run_dir, bad)
    shard = bad / "shards" / "unit-000000.jsonl.zst"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2:] = b"\0" * (len(data) - len(data) // 2)
    shard.write_bytes(bytes(data))
    assert main(["cat", str(bad)]) == 1
    assert "unit-000000.jsonl.zst" in capsys.readouterr().err


def test_hugging_face_datasets_reads_the_shards_unchanged(run_dir, tmp_path):
    datasets = pytest.importorskip("datasets")   # a test dependency; installed in CI
    ds = datasets.load_dataset("json", data_files=str(run_dir / "shards" / "*.jsonl.zst"),
                               split="train", cache_dir=str(tmp_path / "cache"))
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert len(ds) == manifest["records"] == 400 + manifest["budget"]["lemma_records"]
    row = ds[0]
    assert set(row) >= {"id", "text", "source", "metadata"}
    assert row["metadata"]["style"] in FORMAL and row["metadata"]["tokens"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("config", [
    GenerateConfig(count=int(400 * SCALE), seed=8, target="log-uniform"),
    GenerateConfig(generator="extract", count=int(400 * SCALE), proofs=300),
], ids=["forward", "extract"])
def test_set_mm_renderings(config):
    ctx, n, docs = docs_of(SET_MM, config)
    fresh = load(SET_MM)
    text = "".join(render("mm", d, n, random.Random(0)) for d in docs)
    # one check for all (labels are unique per run, so blocks may repeat a
    # lemma only across records: check each record's blocks separately when
    # they share lemmas)
    seen: set = set()
    batch = []
    for d in docs:
        labels = {x.label for x in lemma_order(d)} | {d.label}
        if labels & seen:
            assert fresh.check_blocks(render("mm", d, n, random.Random(0))) == []
        else:
            seen |= labels
            batch.append(render("mm", d, n, random.Random(0)))
    assert fresh.check_blocks("".join(batch)) == []
    assert text
    for d in docs:
        for style in ("steps", "hier"):
            _mentions_every_step(render(style, d, n, random.Random(0)), n, d)
        latex = render("latex", d, n, random.Random(0))
        symbols = {s for t in [d.conclusion, *(t for _, t in d.hypotheses)]
                   for s in n.tokens(t)}
        for s in symbols:    # the database's latexdef where it has one
            assert n.latex_symbol(s) in latex
            if s not in n.latexdef:
                assert n.latex_symbol(s).startswith("\\mathrm{")
