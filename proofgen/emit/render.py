"""Renderings: one theorem, several kinds of text.

    text = render("steps", doc, notation, rng)

Styles (`STYLES`):

* `mm`     a Metamath block with a compressed proof, preceded by the blocks of
           the generated lemmas it stands on (so it re-verifies against the
           source database on its own) or, citing, by a comment stating them;
* `steps`  numbered steps, each with its premises, label and statement
           (metamath.exe's Lemmon style);
* `hier`   a hierarchical proof: the generated lemmas it cites, then the
           subproofs that are reused or large, are stated and proved first as
           lemmas (to any depth), and the main proof cites them;
* `en`     English from templates (english.py);
* `latex`  the theorem and its steps typeset with the database's `latexdef`;
* `mixed`  formal steps interleaved with their English paraphrase.

Every renderer is a pure function of (doc, notation, rng state).

`mm` and `hier` inline the generated lemmas a theorem stands on; with
`cite_lemmas` they state the lemmas the proof cites directly instead (as
the other styles always do) and leave their proofs to the lemmas' own
records: a lemma used by many theorems is then shipped once, not in each.
"""
from __future__ import annotations

import random
from typing import Callable, Iterable

from ..kernel.mmtext import block
from .model import ProofDoc
from .notation import Notation

STYLES = ("mm", "steps", "hier", "en", "latex", "mixed")

#: the styles that prove generated lemmas inline unless told to cite them
INLINING_STYLES = ("mm", "hier")

#: a local subproof of at least this many steps becomes a lemma in `hier`
HIER_LEMMA_STEPS = 4


def render(style: str, doc: ProofDoc, notation: Notation, rng: random.Random,
           cite_lemmas: bool = False) -> str:
    """`cite_lemmas`: `mm` and `hier` state the generated lemmas the proof
    cites instead of proving them (the other styles never prove them)."""
    if cite_lemmas and style in _CITING:
        return _CITING[style](doc, notation, rng)
    try:
        fn = _RENDERERS[style]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; choose from {', '.join(STYLES)}") from None
    return fn(doc, notation, rng)


def lemma_order(doc: ProofDoc) -> list[ProofDoc]:
    """The generated lemmas `doc` stands on, each after the lemmas it cites
    (computed once per doc: several styles ask)."""
    got = doc._lemma_order
    if got is None:
        got = doc._lemma_order = _lemma_order(doc)
    return got


def _lemma_order(doc: ProofDoc) -> list[ProofDoc]:
    out: list[ProofDoc] = []
    seen: set[str] = set()

    def visit(d: ProofDoc) -> None:
        # iterative post-order: lemma chains can be deep
        stack = [(d, iter(d.uses()))]
        while stack:
            cur, it = stack[-1]
            for lab in it:
                sub = cur.lemmas.get(lab)
                if sub is not None and lab not in seen:
                    seen.add(lab)
                    stack.append((sub, iter(sub.uses())))
                    break
            else:
                stack.pop()
                if cur is not d:
                    out.append(cur)

    visit(doc)
    return out


# -- mm ------------------------------------------------------------------
def _mm_text(doc: ProofDoc, notation: Notation) -> str:
    tc = doc.typecode
    return block(doc.label, notation.text(tc, doc.conclusion), doc.proof,
                 [(lab, notation.text(tc, term)) for lab, term in doc.hypotheses],
                 doc.disjoint, wrap=True)


def mm_block(doc: ProofDoc, notation: Notation) -> str:
    """The doc as a `${ $}` block (without the final line break)."""
    return _mm_text(doc, notation)[:-1]


def render_mm(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    return "".join([_mm_text(d, notation) for d in lemma_order(doc) + [doc]])


def render_mm_citing(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    """The theorem's block alone, after a comment stating each generated
    lemma it cites: it verifies after the database and the cited lemmas'
    own `mm` blocks (their records)."""
    cited = doc.cited_lemmas()
    if not cited:
        return _mm_text(doc, notation)
    # statements hold no `$`, so they sit in a comment as they are
    lines = ["$( Cites generated lemmas, each proved in its own record:"]
    lines.extend(f"   {d.label}: {_statement_line(d, notation)}" for d in cited)
    return "\n".join(lines) + " $)\n" + _mm_text(doc, notation)


# -- steps ---------------------------------------------------------------
def _statement_line(doc: ProofDoc, notation: Notation) -> str:
    hyps = " & ".join(notation.text(doc.typecode, t) for _, t in doc.hypotheses)
    concl = notation.text(doc.typecode, doc.conclusion)
    return f"{hyps} => {concl}" if hyps else concl


def _disjoint_note(doc: ProofDoc) -> str:
    return ", ".join(f"{x} {y}" for x, y in doc.disjoint)


def _step_table(doc: ProofDoc, notation: Notation, indent: str = "",
                cite: Callable[[int], str] | None = None,
                steps: Iterable[int] | None = None) -> list[str]:
    """Rows `n  refs label  statement  note`; hypotheses first."""
    rows = []
    number: dict[int, int] = {}
    for i, (lab, term) in enumerate(doc.hypotheses):
        number[-1 - i] = len(rows) + 1
        rows.append((str(len(rows) + 1), lab, notation.text(doc.typecode, term), "hypothesis"))
    todo = list(range(len(doc.steps))) if steps is None else list(steps)
    last = len(doc.steps) - 1
    for i in todo:
        st = doc.steps[i]
        number[i] = len(rows) + 1
        refs = ",".join(str(number[p]) for p in st.premises)
        rows.append((str(len(rows) + 1), f"{refs} {st.label}" if refs else st.label,
                     notation.text(doc.typecode, st.term), "qed" if i == last else ""))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    w2 = max(len(r[2]) for r in rows)
    out = []
    for n, how, stmt, note in rows:
        line = f"{indent}{n.ljust(w0)}  {how.ljust(w1)}  {stmt.ljust(w2) if note else stmt}"
        out.append(f"{line}  {note}" if note else line)
    return out


def render_steps(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    lines = [f"Theorem {doc.label}: {_statement_line(doc, notation)}"]
    if doc.disjoint:
        lines.append(f"Distinct variables: {_disjoint_note(doc)}")
    cited = [d for d in lemma_order(doc) if d.label in set(doc.uses())]
    for d in cited:
        lines.append(f"Using {d.label}: {_statement_line(d, notation)}")
    lines.append("")
    lines.extend(_step_table(doc, notation))
    return "\n".join(lines) + "\n"


# -- hier ----------------------------------------------------------------
def _local_lemmas(doc: ProofDoc) -> set[int]:
    """Steps whose subproofs become lemmas: used more than once, or at least
    HIER_LEMMA_STEPS steps long (never the whole proof, never one step)."""
    n = len(doc.steps)
    uses = [0] * n
    size = [1] * n
    for i, st in enumerate(doc.steps):
        seen = set()
        for p in st.premises:
            if p >= 0:
                uses[p] += 1
                if p not in seen:
                    seen.add(p)
                    size[i] += size[p]   # a tree-size bound; DAG sharing is fine here
    return {i for i in range(n - 1)
            if size[i] > 1 and (uses[i] > 1 or size[i] >= HIER_LEMMA_STEPS)}


def _hier_proof(doc: ProofDoc, notation: Notation, indent: str, title: str) -> list[str]:
    tc = doc.typecode
    lemmas = _local_lemmas(doc)
    name = {}
    lines = []
    hyp_ref = {-1 - i: f"h{i + 1}" for i in range(len(doc.hypotheses))}

    def block(root: int, inner: str) -> list[str]:
        """Rows proving step `root`, stopping at hypotheses and at other
        lemmas (cited by name).  The last row, `root` itself, says `qed`:
        its statement is the heading's (the theorem's, or `Lemma k`'s)."""
        order: list[int] = []
        seen = set()
        stack = [(root, False)]
        while stack:
            i, expanded = stack.pop()
            if expanded:
                order.append(i)
                continue
            if i in seen:
                continue
            seen.add(i)
            stack.append((i, True))
            for p in reversed(doc.steps[i].premises):
                if p >= 0 and p not in seen and (p not in lemmas or p == root):
                    stack.append((p, False))
        rows, local = [], {}
        for i in order:
            st = doc.steps[i]
            refs = []
            for p in st.premises:
                refs.append(hyp_ref[p] if p < 0 else
                            name[p] if p in name and p != i else str(local[p]))
            local[i] = len(rows) + 1
            how = st.label + (" " + ", ".join(refs) if refs else "")
            rows.append((str(local[i]), None if i == root else notation.text(tc, st.term), how))
        w0 = max(len(r[0]) for r in rows)
        w1 = max([len(r[1]) for r in rows if r[1] is not None], default=0)
        # the statement column is aligned; the qed row has no statement to align
        return [f"{inner}{n.ljust(w0)}  {s.ljust(w1)}  {how}" if s is not None else
                f"{inner}{n.ljust(w0)}  qed  {how}" for n, s, how in rows]

    for i in sorted(lemmas):
        name[i] = f"Lemma {len(name) + 1}"
        used = sorted(_hyps_below(doc, i, lemmas))
        under = f" (from {', '.join(hyp_ref[-1 - h] for h in used)})" if used else ""
        lines.append(f"{indent}  {name[i]}: {notation.text(tc, doc.steps[i].term)}{under}")
        lines.extend(block(i, indent + "    "))
        lines.append("")
    lines.append(f"{indent}  {title}:")
    lines.extend(block(len(doc.steps) - 1, indent + "    "))
    return lines


def _hyps_below(doc: ProofDoc, root: int, lemmas: set[int]) -> set[int]:
    out, seen, stack = set(), set(), [root]
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        for p in doc.steps[i].premises:
            if p < 0:
                out.add(-1 - p)
            else:
                stack.append(p)
    return out


def _hier_header(doc: ProofDoc, notation: Notation, indent: str, kind: str) -> list[str]:
    lines = [f"{indent}{kind} {doc.label}: {notation.text(doc.typecode, doc.conclusion)}"]
    for i, (_, t) in enumerate(doc.hypotheses):
        lines.append(f"{indent}  h{i + 1}: {notation.text(doc.typecode, t)}")
    if doc.disjoint:
        lines.append(f"{indent}  distinct variables: {_disjoint_note(doc)}")
    return lines


def render_hier(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    lines = _hier_header(doc, notation, "", "Theorem")
    lines.append("")
    for d in lemma_order(doc):
        lines.extend(_hier_header(d, notation, "  ", "Lemma"))
        lines.extend(_hier_proof(d, notation, "  ", "Proof"))
        lines.append("")
    lines.extend(_hier_proof(doc, notation, "", "Main proof"))
    return "\n".join(lines) + "\n"


def _row_states(doc: ProofDoc, lemma: ProofDoc) -> bool:
    """Every row citing `lemma` shows its whole statement: the row's formula
    is the lemma's conclusion as it is and the row's premises (hypotheses
    `hN`, rows, `Lemma k`, each stated in the text) are its hypotheses as
    they are, in order; its `$d` pairs, if any, are among the theorem's
    own (stated in the heading).  The rows then state it where it is cited."""
    dv = {frozenset(p) for p in doc.disjoint}
    if any(frozenset(p) not in dv for p in lemma.disjoint):
        return False
    want = [t for _, t in lemma.hypotheses]

    def term(p: int):
        return doc.hypotheses[-1 - p][1] if p < 0 else doc.steps[p].term

    return all(st.term == lemma.conclusion and len(st.premises) == len(want)
               and all(term(p) == t for p, t in zip(st.premises, want))
               for st in doc.steps if st.label == lemma.label)


def render_hier_citing(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    """`hier` with each generated lemma the proof cites stated, not proved
    (its own record proves it); a lemma cited as it is, on premises that are
    its hypotheses as they are, is stated by the rows citing it (`_row_states`)."""
    lines = _hier_header(doc, notation, "", "Theorem")
    lines.append("")
    for d in doc.cited_lemmas():
        if not _row_states(doc, d):
            lines.extend(_hier_header(d, notation, "  ", "Using lemma"))
            lines.append("")
    lines.extend(_hier_proof(doc, notation, "", "Main proof"))
    return "\n".join(lines) + "\n"


# -- latex ---------------------------------------------------------------
def _tt(label: str) -> str:
    return r"\texttt{" + label.replace("_", r"\_").replace("&", r"\&") + "}"


def render_latex(doc: ProofDoc, notation: Notation, rng: random.Random) -> str:
    tc = doc.typecode

    def m(term) -> str:
        return "$" + notation.latex(term, tc) + "$"

    lines = [r"\begin{theorem}[" + _tt(doc.label) + "]"]
    if doc.hypotheses:
        hyps = [m(t) for _, t in doc.hypotheses]
        premise = hyps[0] if len(hyps) == 1 else ", ".join(hyps[:-1]) + " and " + hyps[-1]
        lines.append(f"If {premise}, then {m(doc.conclusion)}.")
    else:
        lines.append(m(doc.conclusion) + ".")
    if doc.disjoint:
        pairs = ", ".join("$" + ", ".join(notation.latex_symbol(v) for v in pair) + "$"
                          for pair in doc.disjoint)
        lines.append(f"(Distinct variables: {pairs}.)")
    lines.append(r"\end{theorem}")
    lines.append(r"\begin{proof}")
    lines.append(r"\begin{enumerate}")
    number = {}
    for i, (lab, t) in enumerate(doc.hypotheses):
        number[-1 - i] = len(number) + 1
        lines.append(rf"\item {m(t)} \hfill hypothesis {_tt(lab)}")
    for i, st in enumerate(doc.steps):
        number[i] = len(number) + 1
        refs = ", ".join(f"({number[p]})" for p in st.premises)
        how = f"by {_tt(st.label)}" + (f" from {refs}" if refs else "")
        lines.append(rf"\item {m(st.term)} \hfill {how}")
    lines.append(r"\end{enumerate}")
    lines.append(r"\end{proof}")
    return "\n".join(lines) + "\n"


def _render_en(doc, notation, rng):
    from .english import render_en
    return render_en(doc, notation, rng)


def _render_mixed(doc, notation, rng):
    from .english import render_mixed
    return render_mixed(doc, notation, rng)


_RENDERERS: dict[str, Callable[[ProofDoc, Notation, random.Random], str]] = {
    "mm": render_mm, "steps": render_steps, "hier": render_hier, "en": _render_en,
    "latex": render_latex, "mixed": _render_mixed,
}

_CITING: dict[str, Callable[[ProofDoc, Notation, random.Random], str]] = {
    "mm": render_mm_citing, "hier": render_hier_citing,
}
