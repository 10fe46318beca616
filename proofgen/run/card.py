"""The dataset card (`README.md`) written into every finished run folder.

Its YAML header is what Hugging Face `datasets` reads (`load_dataset(DIR)`):
the shards as the `train` split and the record schema as fixed features, so
no type is inferred from the data.  The prose says what the data is, where
it comes from, how it was checked, and how to cite it.
"""
from __future__ import annotations

import json
import re

from ..emit.records import schema_features_yaml

_HEADER_COMMENT = re.compile(rb"\$\((.*?)\$\)", re.S)


def database_license(data: bytes, given: str = "") -> tuple[str, str]:
    """(Hub licence id, one line of prose): `given` (`--license`) when set,
    else read from the comments that open the database: set.mm, the Debian
    databases and the bundled hilbert.mm are dedicated to the public domain
    (CC0: "cc0-1.0"); a header naming the GPL gives "gpl"; any other
    "unknown"."""
    if given:
        return given, (f"Licence `{given}`, as the run was told (`--license`); the source "
                       "database's own terms are in its header.")
    # the header: the comments of the file's first 20,000 bytes (set.mm opens
    # with a title comment and states its licence in the next)
    head = " ".join(b" ".join(m.group(1) for m in _HEADER_COMMENT.finditer(data[:20_000]))
                    .decode("utf-8", "replace").split())
    if "CC0" in head or "public domain" in head.lower():
        return "cc0-1.0", ("The source database is dedicated to the public domain (CC0 1.0), "
                           "as its header says; so is this derived data.")
    if re.search(r"\bGPL\b|General Public License", head):
        return "gpl", ("The source database's header puts it under the GPL; the data "
                       "inherits the database's terms, see its header.")
    return "unknown", ("The source database's header states no licence proofgen recognises "
                       "(records say `unknown`; `--license` sets one); the data inherits the "
                       "database's terms, see its header.")


def _budget_line(manifest: dict) -> str:
    b = manifest.get("budget") or {}
    limit = b.get("max_record_tokens", 0)
    how = ("proved inline where the record stays within the budget" if b.get("inline_lemmas")
           else "stated where cited, each proved in its own record (`metadata.role`: lemma)")
    return (f"- at most {limit:,} tokens a record" if limit else "- no limit on a record's tokens") + (
        f" ({b.get('over_budget', 0):,} renderings over it left out); generated lemmas "
        f"{how}: {b.get('lemma_records', 0):,} lemma records")


def card_text(manifest: dict, license_id: str, license_line: str) -> str:
    g = manifest["config"]["generate"]
    options = json.dumps(manifest["config"], sort_keys=True, indent=2)
    raw = sum(e.get("uncompressed_bytes", 0) for e in manifest["shards"])
    by_style = "\n".join(f"| {s} | {manifest['records_by_style'].get(s, 0):,} | {n:,} |"
                         for s, n in manifest["tokens_by_style"].items())
    yaml = [
        "---",
        f"license: {license_id}",
        "pretty_name: proofgen theorems from " + manifest["database"],
        "tags:",
        "- formal-mathematics",
        "- metamath",
        "- theorem-proving",
        "- synthetic",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        "    path: shards/*.jsonl.zst",
        "dataset_info:",
        "  features:",
        *schema_features_yaml(indent=2),
        # the sizes make the card differ from run to run: `datasets` keys
        # its cache of a local folder on the card, not on the files' times
        "  splits:",
        "  - name: train",
        f"    num_bytes: {raw}",
        f"    num_examples: {manifest['records']}",
        f"  download_size: {manifest['bytes']}",
        f"  dataset_size: {raw}",
        "---",
    ]
    return "\n".join(yaml) + f"""

# proofgen: {manifest['theorems']:,} verified theorems from {manifest['database']}

Machine-generated formal mathematics: every theorem in this dataset was
derived by proofgen {manifest['versions']['proofgen']} from the Metamath
database `{manifest['database']}` (sha256 `{manifest['database_sha256']}`)
and checked by proofgen's Metamath kernel ({manifest['versions']['kernel']})
before it was written.  Each record is one rendering of one theorem: formal
Metamath (`mm`), a numbered step list (`steps`), a lemma-structured proof
(`hier`), LaTeX (`latex`), English (`en`) or formal steps with English
(`mixed`).

## Contents

- generator: `{g['generator']}`, seed {g['seed']}, {manifest['units']} work units
- theorems: {manifest['theorems']:,} (asked for {manifest['requested']:,}); records: {manifest['records']:,}
- tokens: {manifest['tokens']:,} ({manifest['tokenizer']['name']}); compressed bytes: {manifest['bytes']:,}
{_budget_line(manifest)}

| style | records | tokens |
|---|---|---|
{by_style}

Fields (`metadata.*`): the statement and its hypotheses and `$d` conditions
in Metamath syntax, the proof (compressed and in normal RPN form), proof
depth, logical steps, statement length, the labels the proof cites, the
generated lemmas it stands on, the database assertion it restates (if any),
the database and its licence (`license`), the generator, the run
(`run_id`: the generator's options are `params` in `manifest.json`, once),
seed and software versions that made it; `statement_nodes` counts the
statement's syntax tree nodes.  Empty values are empty strings.  The theorems as
structured data (with the lemmas they cite) are in `theorems/`, and
`manifest.json` lists every file with its sha256.

## How it was made and checked

A run is a pure function of the database, the options and the seed; the
same command reproduces these files byte for byte.  Theorems are
deduplicated on a canonical form (hypotheses ordered, variables renamed);
every theorem and every generated lemma it cites was re-checked by the
kernel, and each `mm` record re-verifies on its own against the database.

Options:

```json
{options}
```

## Licence

{license_line}

## Citation

```bibtex
@misc{{proofgen,
  title  = {{proofgen: a theorem-prover-backed factory of verified formal mathematics}},
  note   = {{version {manifest['versions']['proofgen']}; dataset from {manifest['database']}, seed {g['seed']}}},
}}
```

and cite the source database (for set.mm: Metamath Proof Explorer,
<https://us.metamath.org/>).
"""
