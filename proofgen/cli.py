"""The `proofgen` command line."""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Optional

from . import __version__
from .kernel import ENGINES, GENERATION_LIMITS, Limits, fast_engine_available, load

EXIT_USAGE = 1      # a mistake in the command (2 is verify's "only incomplete proofs")
EXIT_IO = 4         # the file system failed (full disk, no permission): retry
EXIT_INTERNAL = 3   # a bug in proofgen


class Progress:
    """A one-line progress bar on stderr, drawn only on a terminal."""

    def __init__(self, label: str, enabled: bool, unit: str = "proofs"):
        self.label, self.enabled, self.unit = label, enabled, unit
        self.start = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if not self.enabled or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        rate = done / max(now - self.start, 1e-9)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total} {self.unit}, {rate:,.0f}/s ")
        if done >= total:
            sys.stderr.write("\r\033[K")
        sys.stderr.flush()


LIMIT_OPTIONS = {  # option -> (Limits field, help)
    "--max-expression": ("max_expression", "symbols in one expression"),
    "--max-proof-symbols": ("max_proof_symbols", "symbols built by one proof"),
    "--max-proof-steps": ("max_proof_steps", "steps in one proof"),
    "--max-token-bytes": ("max_token_bytes", "bytes in one token"),
    "--max-file-bytes": ("max_file_bytes", "bytes in one file"),
    "--max-total-bytes": ("max_total_bytes", "bytes read from all files together, each file once"),
    "--max-work": ("max_work", "units of work checking all proofs (steps, symbols compared "
                   "and built, $d tests; see docs/kernel.md)"),
    "--max-block-depth": ("max_block_depth", "nesting of ${ $}"),
    "--max-include-depth": ("max_include_depth", "chain of $[ $] inclusions"),
    "--max-disjoint-pairs": ("max_disjoint_pairs", "$d pairs held at once"),
    "--max-frame-symbols": ("max_frame_symbols", "hypotheses and symbols held by the frames "
                            "of all assertions"),
    "--max-diagnostics": ("max_diagnostics", "diagnostics shown"),
}


def _limits(args) -> Limits:
    chosen = {field: getattr(args, field) for field, _ in LIMIT_OPTIONS.values()
              if getattr(args, field) is not None}
    return Limits(allow_outside_includes=args.allow_outside_includes, **chosen)


GENERATE_EXAMPLES = """examples:
  proofgen generate --count 1000 --out run1
      1,000 theorems derived from the bundled hilbert.mm, all six renderings
  proofgen generate --db set.mm --generator extract --proofs 3000 --units 4 --workers 2 --out ex
      every step of set.mm's first 3,000 proofs as a theorem, in 4 units on 2 processes
  proofgen generate --db set.mm --library upto:ax-ext --target log-uniform --styles en,mixed
      forward derivation over set.mm's predicate calculus, depths spread log-uniformly
  proofgen generate --db set.mm --count 100000 --executor ray --address auto --out big
      on the Ray cluster this machine belongs to (rerun the same command to resume)
"""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default (unless its help already says it), and
    keeps the examples' layout."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS) \
                or action.option_strings == []:
            return text
        return f"{text} (default: {action.default})"


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _non_negative(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def _seed(text: str) -> int:
    value = _non_negative(text)
    if value >= 2 ** 63:
        raise argparse.ArgumentTypeError(f"{value} is too large (seeds are below 2^63)")
    return value


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def cmd_verify(args) -> int:
    # Metamath Zero (docs/mm0.md), told by the name alone: importing the
    # MM0 package would cost every .mm verification about 18 ms of start-up
    if args.file.endswith((".mm0", ".mmb", ".mmu")) or getattr(args, "proof", None):
        from .mm0.cli import run as run_mm0
        return run_mm0(args.file, args.proof, as_json=args.json)
    from .kernel import SelectionError, load_stdin
    from .kernel.engines import default_engine
    engine = args.engine or default_engine()      # PROOFGEN_ENGINE, else fast when built
    if engine == "cython" and not fast_engine_available():
        print("proofgen: the Cython engine is not built (pip install .); "
              "use --engine python", file=sys.stderr)
        return 1
    if args.file == "-":
        if os.isatty(0):
            print("proofgen: error: 'verify -' reads the database from standard input, which "
                  "is a terminal here; pipe or redirect one in (proofgen verify - < FILE)",
                  file=sys.stderr)
            return 1
        db = load_stdin(engine=engine, limits=_limits(args))
    else:
        db = load(args.file, engine=engine, limits=_limits(args))
    try:
        spans = [(0, db.proof_count)] if args.only is None else db.select(args.only)
    except SelectionError as exc:
        print(f"proofgen: error: --only: {exc}", file=sys.stderr)
        return 1
    show = sys.stderr.isatty() and not args.json and sum(b - a for a, b in spans) >= 2000
    report = db.verify(jobs=max(1, args.jobs), progress=Progress("verifying", show),
                       only=args.only, discouraged=args.discouraged)
    try:
        _print_report(report, engine, args, db.path)
    except BrokenPipeError:
        # The reader went away (`| head`); the verdict still stands.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return report.exit_status(args.allow_incomplete)


def _print_report(report, engine: str, args, name: str) -> None:
    if args.json:
        import json
    out = sys.stdout
    for d in report.diagnostics:
        out.write((json.dumps(d.to_json()) if args.json else d.format()) + "\n")
    summary = {
        "file": name, "engine": engine, "statements": report.statements,
        "proofs": report.proofs, "checked": report.proofs_checked, "errors": len(report.errors),
        "incomplete": len(report.incomplete), "warnings": len(report.warnings),
        "seconds": round(report.seconds, 3),
    }
    if args.json:
        out.write(json.dumps({"summary": summary}) + "\n")
    else:
        verdict = "ok" if report.ok else ("incomplete" if not report.errors else "FAILED")
        proofs = (f"{report.proofs} proofs" if report.checked is None
                  else f"{report.checked} of {report.proofs} proofs checked")
        warnings = f"{len(report.warnings)} warnings, " if args.discouraged else ""
        print(f"{name}: {verdict}: {report.statements} statements, {proofs}, "
              f"{len(report.errors)} errors, {len(report.incomplete)} incomplete, {warnings}"
              f"{report.seconds:.2f} s ({engine} engine)", file=sys.stderr)
    out.flush()


def _syntax_of(args):
    """Read the database and parse every statement; None (after printing
    the kernel's errors) when the file cannot be read cleanly."""
    from .syntax import Syntax, parse_override
    try:
        override = parse_override(args.typecodes) if args.typecodes else None
    except ValueError as exc:
        print(f"proofgen: error: --typecodes: {exc}", file=sys.stderr)
        return None
    engine = None             # the selector's choice for each (kernel.engines)
    db = load(args.file, engine=engine,
              limits=Limits(allow_outside_includes=args.allow_outside_includes))
    errors = [d for d in db.read_diagnostics if d.severity == "error"]
    if errors:
        for d in errors:
            print(d.format(), file=sys.stderr)
        print(f"{args.file}: cannot build the grammar of a database with reading errors "
              f"({len(errors)}); `proofgen verify` shows them all", file=sys.stderr)
        return None
    return db, Syntax.of(db, override=override, engine=engine)


def cmd_parse(args) -> int:
    import json
    from .syntax.formats import sexp, to_json
    loaded = _syntax_of(args)
    if loaded is None:
        return 1
    db, syn = loaded
    g = syn.grammar
    wanted = set(args.label) if args.label else None
    if wanted:
        missing = sorted(wanted - {s.label for s in syn.statements})
        if missing:
            print(f"proofgen: error: no statement labelled {', '.join(missing)} in {args.file}",
                  file=sys.stderr)
            return 1
    out = sys.stdout
    try:
        for s in syn.statements:
            if (wanted and s.label not in wanted) or (not wanted and s.kind == "f"):
                continue
            tree = syn.trees.get(s.label)
            if tree is None:
                continue
            if args.format == "json":
                out.write(json.dumps({"label": s.label, "kind": s.kind, "typecode": s.typecode,
                                      "tree": to_json(g, tree.term)}) + "\n")
            else:
                out.write(f"{s.label} {s.typecode} {sexp(g, tree.term)}\n")
        out.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    problems = [d for d in syn.diagnostics
                if not wanted or d.label in wanted or d.code == "E1002"]
    for d in problems:
        print(d.format(), file=sys.stderr)
    return 1 if problems else 0


def cmd_grammar(args) -> int:
    import json
    from .syntax.proofs import check_proof_syntax
    loaded = _syntax_of(args)
    if loaded is None:
        return 1
    db, syn = loaded
    g = syn.grammar
    info = g.describe()
    probe = None if args.probe == 0 else syn.probe(args.probe)
    replayed = None
    if args.proofs:
        report = db.verify(jobs=os.cpu_count() or 1)
        if report.errors:
            print(f"{args.file}: proofs are not replayed: the database has "
                  f"{len(report.errors)} proof errors (see `proofgen verify`)", file=sys.stderr)
        else:
            replayed, found = check_proof_syntax(syn)
            syn.diagnostics.extend(found)
    parsed = sum(1 for s in syn.statements if s.kind != "f" and s.label in syn.trees)
    total = sum(1 for s in syn.statements if s.kind != "f")
    ok = syn.is_tree_grammar and not any(d.code == "E1005" for d in syn.diagnostics)
    info.update({
        "file": args.file, "statements": total, "parsed": parsed,
        "unparsed": len(syn.unparsed), "ambiguous_statements": len(syn.ambiguous),
        "probe": None if probe is None else {"strings": probe.strings, "of": probe.total,
                                               "ambiguous_rules": len(probe.ambiguous)},
        "proofs_replayed": replayed, "tree_grammar": ok, "seconds": round(syn.seconds, 3),
    })
    if args.json:
        for d in syn.diagnostics:
            print(json.dumps(d.to_json()))
        print(json.dumps({"grammar": info}))
        return 0 if ok else 1
    for d in syn.diagnostics:
        print(d.format())
    codes = g.typecodes

    def src(t):
        return f" ({codes.source.get(t, '?')})"
    print(f"{args.file}:")
    print("  syntax typecodes: " + ", ".join(t + src(t) for t in codes.syntax))
    print("  logical typecodes: " + (", ".join(f"{t} as {codes.logical[t]}{src(t)}"
                                                for t in codes.logical) or "none"))
    print(f"  rules: {info['rules']} (" + ", ".join(f"{t} {n}" for t, n in
                                                   info["rules_per_type"].items()) + ")")
    print("  type conversions: " + (", ".join(info["conversions"]) or "none"))
    print("  left-recursive types: " + (", ".join(info["left_recursive_types"]) or "none"))
    print(f"  statements: {parsed} of {total} parsed, {len(syn.ambiguous)} ambiguous")
    if probe is not None:
        print(f"  probe: {probe.strings} of {probe.total} nested-rule strings parsed, "
              f"{len(probe.ambiguous)} rules with ambiguous strings"
              + ("" if probe.complete else " (budget reached; raise --probe)"))
    if replayed is not None:
        print(f"  proofs: {replayed} replayed on trees, "
              f"{sum(d.code == 'E1005' for d in syn.diagnostics)} disagree with the parser")
    print("  verdict: " + ("unambiguous tree grammar" if ok else
                           "NOT a sound tree grammar (see the errors above)"))
    return 0 if ok else 1


#: the renderings a run mixes unless told otherwise
DEFAULT_STYLES = "all"
#: every rendering style (emit.render.STYLES, without importing emit at start-up)
STYLE_NAMES = ("mm", "steps", "hier", "en", "latex", "mixed")


def _default_db() -> str:
    """The embedded default: the database bundled in the package
    (proofgen/data/hilbert.mm, found with importlib.resources).  Should an
    install lack it, the path where it belongs, which the kernel then reports
    as unreadable (E0902)."""
    from .resources import bundled_database
    try:
        return bundled_database()
    except FileNotFoundError as exc:
        return exc.filename


class JobProgress:
    """The driver's progress: units, theorems/s, tokens/s.  On a terminal,
    one line redrawn in place; otherwise (a log: `ray job logs`, `kubectl
    logs`, a file) a time-stamped line when a phase starts and then at
    most every `every` seconds (PROOFGEN_PROGRESS_EVERY, default 30), and
    once what a resumed run found done."""

    def __init__(self, tty: bool, every: Optional[float] = None):
        self.tty = tty
        if every is None:
            try:
                every = float(os.environ.get("PROOFGEN_PROGRESS_EVERY", "30"))
            except ValueError:
                every = 30.0
        self.every = every
        self.last = 0.0
        self.phase: Optional[str] = None
        self.told_resume = False

    def _line(self, stats) -> str:
        elapsed = max(time.perf_counter() - stats["started"], 1e-9)
        done = stats["generated"] if stats["phase"] == "generate" else stats["finalized"]
        new = stats["generated"] - stats["resumed"]
        return (f"{stats['phase']}: {done}/{stats['units']} units, "
                f"{stats['theorems']:,} theorems, {stats['tokens']:,} tokens"
                + (f" ({stats['theorems'] / elapsed:,.0f} theorems/s, "
                   f"{stats['tokens'] / elapsed:,.0f} tokens/s)" if new else ""))

    def __call__(self, stats) -> None:
        now = time.perf_counter()
        if self.tty:
            if now - self.last < 0.2:
                return
            self.last = now
            sys.stderr.write(f"\r\033[K{self._line(stats)}")
            sys.stderr.flush()
            return
        if not self.told_resume and stats["resumed"]:
            self.told_resume = True
            print(f"{time.strftime('%H:%M:%S')} resuming: {stats['resumed']} of "
                  f"{stats['units']} units were generated already", file=sys.stderr, flush=True)
        if stats["phase"] != self.phase or now - self.last >= self.every:
            self.phase, self.last = stats["phase"], now
            print(f"{time.strftime('%H:%M:%S')} {self._line(stats)}", file=sys.stderr,
                  flush=True)

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _usage_error(message: str) -> int:
    """A mistake in the command: one line, and the usage-error status."""
    print(f"proofgen: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _out_problem(out: str) -> Optional[str]:
    """Why `out` cannot be a run folder, or None."""
    if os.path.exists(out) and not os.path.isdir(out):
        return f"--out {out} exists and is not a folder"
    parent = os.path.dirname(os.path.abspath(out))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return f"--out {out}: {parent} is not a folder"
    target = out if os.path.isdir(out) else parent
    if not os.access(target, os.W_OK | os.X_OK):
        return f"--out {out}: {target} is not writable"
    return None


def _read_held_out(items) -> list[tuple[str, str]]:
    """(label, "file:line") of every theorem the --exclude-split items name."""
    from .explore.split import held_out_files, read_labels
    out = []
    for item in items or []:
        for path in held_out_files(item):
            out.extend((lab, f"{path}:{line}") for lab, line in read_labels(path))
    return out


def cmd_split(args) -> int:
    from .explore.split import make_split, read_labels, split_from_labels, write_split
    from .kernel import load
    db_path = args.db
    if not os.path.isfile(db_path):
        return _usage_error(f"{db_path} cannot be read: no such file")
    if args.valid_labels and not args.from_labels:
        return _usage_error("--valid-labels goes with --from-labels (the test list)")
    if args.from_labels and (args.keep or args.keep_statement_lemmas):
        return _usage_error("--keep chooses what a seeded split never holds out; a split "
                            "taken --from-labels is as published")
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        return _usage_error(f"-o {args.output}: exists and is not a folder")
    db = load(db_path)
    if any(d.severity == "error" for d in db.read_diagnostics):
        print(f"proofgen: error: {db_path}: the database cannot be read (run proofgen verify "
              "for the diagnostics)", file=sys.stderr)
        return 1
    statements = list(db.statements())
    try:
        if args.from_labels:
            lists = [read_labels(p) if p else [] for p in (args.from_labels, args.valid_labels)]
            split = split_from_labels(statements, lists[0], lists[1],
                                      (args.from_labels, args.valid_labels or ""))
        else:
            keep = set(_read_exclusions(args.keep))
            if args.keep_statement_lemmas:
                from .explore.statement import DEFAULT_MIX, needed_labels
                proofs = {st.label for st in statements if st.kind == "p"}
                keep.update(x for x in needed_labels(DEFAULT_MIX) if x in proofs)  # not df-*
            split = make_split(statements, args.valid, args.test, args.seed, keep)
    except (OSError, ValueError) as exc:
        return _usage_error(str(exc))
    import hashlib
    sha = hashlib.sha256()
    for _, data in db.sources:
        sha.update(data)
    write_split(split, args.output, os.path.basename(db_path), sha.hexdigest())
    total = len(split.train) + len(split.valid) + len(split.test)
    print(f"{args.output}: {total:,} theorems of {os.path.basename(db_path)}: "
          f"{len(split.train):,} train, {len(split.valid):,} valid, {len(split.test):,} test "
          f"({split.source}); generate on the train side with --exclude-split {args.output}")
    return 0


def _read_exclusions(items) -> list[str]:
    exclude: list[str] = []
    for item in items or []:
        if os.path.isfile(item):
            with open(item) as f:
                exclude.extend(line.strip() for line in f
                               if line.strip() and not line.startswith("#"))
        else:
            exclude.extend(x.strip() for x in item.split(",") if x.strip())
    return exclude


def cmd_generate(args) -> int:
    from .emit.records import StyleMix
    from .explore.context import Context
    from .explore.forward import ForwardConfig, default_library
    from .explore import generators
    from .explore.run import GenerateConfig, check_exclusions
    from .run import JobConfig, JobError, LocalExecutor, RayExecutor, clear_run, run_job
    from .run.executors import ExecutorError
    from .run.tasks import load_state
    from .syntax import Syntax
    db_path = args.db or _default_db()
    out = args.out
    # every option is checked before the database is read or --out is touched
    problem = _out_problem(out)
    if problem:
        return _usage_error(problem)
    if args.address is not None and args.executor != "ray":
        return _usage_error("--address names a Ray cluster; it needs --executor ray")
    mixed: tuple = ()
    if getattr(args, "mix", None) is not None:
        from .run import mix
        try:
            mixed = mix.parse(args.mix)
        except ValueError as exc:
            return _usage_error(str(exc))
        if args.generator is not None and [n for n, _ in mixed] != [args.generator]:
            return _usage_error(f"--mix and --generator {args.generator} both choose the "
                                "generators; give one of them")
        args.generator = mixed[0][0]
    args.generator = args.generator or "forward"
    gen = generators.get(args.generator)
    gens = [generators.get(n) for n, _ in mixed] or [gen]
    if mixed:
        if args.library is not None and not any(g.uses_library for g in gens):
            return _usage_error("--library chooses what forward derivation may cite; no "
                                "generator of --mix cites a library")
        if (args.units or args.proofs or args.from_label or args.to_label) \
                and not any(g.cuts_by_proofs for g in gens):
            return _usage_error("--units, --proofs, --from and --to slice the database's "
                                "proofs; no generator of --mix is cut by proofs")
        gen = next((g for g in gens if g.uses_library), gens[0])
    elif args.library is not None and not gen.uses_library:
        return _usage_error(f"--library chooses what forward derivation may cite; {gen.name} "
                            "cites no library" + (": it takes its theorems from the "
                                                  "database's proofs" if gen.cuts_by_proofs
                                                  else ""))
    if (args.units or args.proofs or args.from_label or args.to_label) \
            and not mixed and not gen.cuts_by_proofs:
        by_proofs = [n for n in generators.names() if generators.get(n).cuts_by_proofs]
        return _usage_error("--units, --proofs, --from and --to slice the database's proofs "
                            f"for --generator {' or '.join(by_proofs)}; {gen.name} runs are "
                            "cut with --unit-size")
    try:
        styles = StyleMix.parse(args.styles, args.renderings, plain_letters=args.plain_letters,
                                max_tokens=args.max_record_tokens,
                                inline_lemmas=args.inline_lemmas)
    except ValueError as exc:
        return _usage_error(f"--styles: {exc}")
    if not os.path.isfile(db_path):
        return _usage_error(f"--db {db_path} cannot be read: no such file")
    try:
        exclude = _read_exclusions(args.exclude)
    except (OSError, UnicodeDecodeError) as exc:
        return _usage_error(f"--exclude: {exc}")
    if args.strict and not args.held_out:
        return _usage_error("--strict says how much --exclude-split holds out; give a split")
    try:
        held_out = _read_held_out(args.held_out)
    except OSError as exc:
        return _usage_error(f"--exclude-split: {exc}")
    fcfg = ForwardConfig(library=args.library or "default", max_symbols=args.max_symbols,
                         max_hypotheses=args.max_hypotheses, choice=args.choice,
                         include_mathboxes=args.include_mathboxes,
                         with_definitions=args.with_definitions)
    db = load(db_path, engine=None, limits=GENERATION_LIMITS)   # None: kernel.engines picks
    errors = [d for d in db.read_diagnostics if d.severity == "error"]
    report = db.verify(jobs=os.cpu_count() or 1)
    if errors or report.errors:
        for d in (errors or report.errors)[:20]:
            print(d.format(), file=sys.stderr)
        what = "cannot be read" if errors else "does not verify"
        print(f"{db_path}: the database {what}; generation needs a correct one",
              file=sys.stderr)
        return 1
    syn = Syntax.of(db)
    if not syn.is_tree_grammar:
        for d in syn.diagnostics[:20]:
            print(d.format(), file=sys.stderr)
        print(f"{db_path}: its grammar is not an unambiguous tree grammar "
              "(see `proofgen grammar`); generated text could not be trusted", file=sys.stderr)
        return 1
    ctx = Context.of(db, syn)
    if not ctx.assertions:
        return _usage_error(f"{db_path} has no logical axioms or theorems to derive from")
    if gen.uses_library and args.library is None:
        spec, why = default_library(ctx)
        fcfg = ForwardConfig(**{**fcfg.__dict__, "library": spec})
        print(f"proofgen: library {spec} (the default for {os.path.basename(db_path)}: "
              f"{why}; choose another with --library)", file=sys.stderr)
    if gen.uses_library:
        from .explore.forward import library_counted, library_note
        try:
            kept, left_out = library_counted(ctx, fcfg.library, fcfg.include_mathboxes,
                                             fcfg.with_definitions)
            print("proofgen: " + library_note(fcfg.library, len(kept), left_out),
                  file=sys.stderr)
        except ValueError:
            pass                      # reported by gen.check below
    wrong = next(((lab, where) for lab, where in held_out
                  if lab not in ctx.assertions or ctx.assertions[lab].kind != "p"), None)
    if wrong:
        return _usage_error(f"--exclude-split: {wrong[1]}: {wrong[0]} is not a theorem of "
                            f"{os.path.basename(db_path)} (a split of another database?)")
    config = GenerateConfig(generator=args.generator, count=args.count, seed=args.seed,
                            forward=fcfg, target=args.target, metric=args.metric,
                            held_out=tuple(dict.fromkeys(lab for lab, _ in held_out)),
                            strict=args.strict,
                            exclude=tuple(exclude), proofs=args.proofs,
                            from_label=args.from_label, to_label=args.to_label,
                            allow_discouraged=args.allow_discouraged,
                            keep_instances=args.keep_instances, mix=mixed)
    job = JobConfig(config, styles, unit_size=args.unit_size, units=args.units,
                    partitions=args.partitions)
    if args.license:
        job.license = args.license
    try:
        job.check()
    except JobError as exc:
        return _usage_error(str(exc))
    try:
        # options that need the database are checked here, before any
        # worker starts or --out is claimed
        check_exclusions(ctx, config.exclude)
        from dataclasses import replace
        for g in gens:
            g.check(ctx, replace(config, generator=g.name))
        executor = (RayExecutor(args.address, args.workers, task_timeout=args.task_timeout)
                    if args.executor == "ray"
                    else LocalExecutor(args.workers or 1, task_timeout=args.task_timeout))
    except (ValueError, ExecutorError) as exc:
        text = str(exc)
        # the generator's messages name the option they are about without its dashes
        return _usage_error("--" + text if text.startswith(("library", "exclude")) else text)
    if args.force:
        try:
            clear_run(out)
        except JobError as exc:
            return _usage_error(str(exc))
    state = (load_state(db_path, db, ctx, novelty=args.workers > 1)
             if args.executor == "local" else None)
    progress = JobProgress(sys.stderr.isatty())
    try:
        manifest = run_job(db_path, job, out, executor, progress=progress,
                           keep_staging=args.keep_staging, state=state)
    except (JobError, ExecutorError, ValueError) as exc:
        progress.close()
        print(f"proofgen: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # a full disk, a folder made read-only: what is written is whole files
        # vouched for by markers, so the same command resumes the run
        progress.close()
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"proofgen: error: writing the run failed: {where}{exc.strerror or exc}; "
              f"nothing written is damaged: fix the cause and rerun the same command to "
              f"resume", file=sys.stderr)
        return EXIT_IO
    progress.close()
    cpu = manifest["cpu_seconds"]
    seconds = cpu["generate"] + cpu["emit"]
    dd = manifest["dedup"]
    print(f"{out}: {manifest['theorems']:,} theorems ({args.mix if mixed else args.generator}, seed {args.seed}, "
          f"{manifest['units']} units), all verified; {manifest['records']:,} records, "
          f"{manifest['tokens']:,} tokens ({manifest['tokenizer']['name']}), "
          f"{manifest['bytes']:,} bytes compressed; {seconds:.2f} CPU s "
          f"({dd['generated_theorems'] / max(seconds, 1e-9):,.0f} theorems/s, "
          f"{manifest['tokens'] / max(seconds, 1e-9):,.0f} tokens/s per core; "
          f"rendering and writing {100 * cpu['emit'] / max(seconds, 1e-9):.0f}%)",
          file=sys.stderr)
    if dd["dropped_theorems"]:
        print(f"  global dedup: {dd['dropped_theorems']:,} theorems made by more than one "
              "unit kept once" + (f"; {dd['beyond_count']:,} beyond the count not shipped"
                                  if dd.get("beyond_count") else ""), file=sys.stderr)
    print("  tokens by style: " + ", ".join(f"{s} {n:,}" for s, n in
                                            manifest["tokens_by_style"].items()), file=sys.stderr)
    hist = manifest["histograms"][args.metric]
    print(f"  {args.metric} buckets (2^k..2^(k+1)-1): " +
          ", ".join(f"{2 ** int(k)}+: {v}" for k, v in hist.items()), file=sys.stderr)
    q = manifest.get("quality")
    if q:
        print(f"  quality: {100 * q['non_propositional']:.0f}% beyond propositional logic; "
              f"hypotheses unused in {100 * q['with_unused_hypothesis']:.1f}%, isolated in "
              f"{100 * q['with_isolated_hypothesis']:.1f}%, sharing no variable with the "
              f"conclusion in {100 * q['with_unshared_hypothesis']:.1f}%; instances of a "
              f"database assertion {100 * q['instances']:.1f}%; the 10 most cited "
              f"assertions {100 * q['top_share']:.0f}% of {q['citations']:,} citations",
              file=sys.stderr)
    if manifest["rejected_by_kernel"]:
        # true theorems the kernel refused: a bug or a resource limit; never shipped
        print(f"  warning: the kernel rejected {manifest['rejected_by_kernel']:,} generated "
              "theorems (not shipped); first: " +
              "; ".join(manifest.get("rejections", [])[:3]), file=sys.stderr)
    for name, n in manifest.get("mix", {}).get("theorems", {}).items():
        print(f"  {name}: {n:,} theorems of its share {manifest['mix']['shares'][name]:,}",
              file=sys.stderr)
    if manifest["theorems"] < args.count and gen.counted and not mixed:
        print(f"  fewer theorems than asked ({args.count}): the generator ran out of new "
              "results; widen --library or raise --max-symbols", file=sys.stderr)
    return 0


def _checked_run(args) -> Optional[dict]:
    """The run's manifest once its files are checked against it (or, with
    --no-verify, as it stands; None for an unfinished run); prints the
    problem and returns False when the folder cannot be trusted."""
    from .run.folder import RunFilesError, RunFolder, RunFolderError
    folder = RunFolder(args.run_dir)
    try:
        if args.no_verify:
            try:
                return folder.manifest()
            except RunFolderError:
                if os.path.isdir(folder.path("shards")):
                    print(f"proofgen: warning: {args.run_dir} is not a finished run; reading "
                          "the shards written so far, unchecked", file=sys.stderr)
                    return None
                raise
        return folder.check()
    except RunFolderError as exc:
        hint = " (--no-verify reads it anyway)" if isinstance(exc, RunFilesError) else ""
        print(f"proofgen: error: {exc}{hint}", file=sys.stderr)
        return False


def cmd_cat(args) -> int:
    """Stream a run's records as JSON lines."""
    import json
    from .run.folder import RunFolder
    manifest = _checked_run(args)
    if manifest is False:
        return 1
    n = 0
    out = sys.stdout
    try:
        # no manifest (--no-verify on an unfinished run): the shards so far
        for rec in RunFolder(args.run_dir).records(manifest):
            if args.style and rec.get("metadata", {}).get("style") not in args.style:
                continue
            if args.text:
                out.write(rec["text"].rstrip("\n") + "\n\n")
            else:
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
            if args.limit and n >= args.limit:
                return 0
    except BrokenPipeError:            # the reader had enough (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ValueError as exc:             # RunFilesError names the shard
        print(f"proofgen: error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_report(args) -> int:
    from .run.report import ReportError, write_report
    if not _checked_run(args):
        return 1
    tty = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if tty:
            sys.stderr.write(f"\r\033[K{msg}")
            sys.stderr.flush()

    try:
        path = write_report(args.run_dir, args.out, args.max_records, progress)
    except ReportError as exc:
        if tty:
            sys.stderr.write("\r\033[K")
        print(f"proofgen: error: {exc}", file=sys.stderr)
        return 1
    if tty:
        sys.stderr.write("\r\033[K")
    print(f"{path}: the run's report (with depth, steps, length, tokens and assertion "
          "pictures next to it)", file=sys.stderr)
    return 0


def cmd_templates_coverage(args) -> int:
    import json
    from .kernel import load
    from .run.coverage import coverage, text
    db_path = args.db
    if not os.path.isfile(db_path):
        return _usage_error(f"{db_path} cannot be read: no such file")
    db = load(db_path)
    if any(d.severity == "error" for d in db.read_diagnostics):
        print(f"proofgen: error: {db_path}: the database cannot be read (run proofgen verify "
              "for the diagnostics)", file=sys.stderr)
        return 1
    tty = sys.stderr.isatty()

    def progress(msg: str) -> None:
        if tty:
            sys.stderr.write(f"\r\033[K{msg}")
            sys.stderr.flush()

    try:
        cov = coverage(db, os.path.basename(db_path), args.from_label, args.to_label,
                       args.sample, args.seed, progress=progress)
    except ValueError as exc:
        return _usage_error(str(exc))
    finally:
        if tty:
            sys.stderr.write("\r\033[K")
    if args.json:
        print(json.dumps(cov.as_dict(args.top), indent=1))
    else:
        print("\n".join(text(cov, args.top)))
    return 0


def cmd_dedup(args) -> int:
    from .run.merge import MergeError, dedup_runs

    def progress(msg: str) -> None:
        print(f"proofgen: {msg}", file=sys.stderr)

    try:
        m = dedup_runs(args.runs, args.output, force=args.force, progress=progress)
    except MergeError as exc:
        return _usage_error(str(exc))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"proofgen: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    print(f"{args.output}: {m['theorems']:,} distinct theorems, {m['records']:,} records "
          f"from {len(m['inputs'])} runs ({m['dropped_records']:,} records dropped: their "
          "theorems are in an earlier run)")
    return 0


def cmd_export_mm(args) -> int:
    from .run.export import export_mm
    if not _checked_run(args):
        return 1
    try:
        n = export_mm(args.run_dir, args.db or _default_db(), args.output)
    except (OSError, ValueError) as exc:
        print(f"proofgen: error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.output}: the database with {n} generated theorems appended", file=sys.stderr)
    return 0


NO_VERIFY_HELP = ("do not check the run's files against its manifest (sizes, sha256, no "
                  "strays) before reading; zstd frame checksums are still checked, and an "
                  "unfinished run is read as far as it got")


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 1: status 2 means 'only incomplete proofs'.  Help
    shows every option's default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


#: the subcommands, as `build_parser` adds them
COMMANDS = ("verify", "parse", "grammar", "generate", "cat", "report", "templates", "dedup",
            "split", "export-mm", "fuzz")


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The command line.  Given a `command` of COMMANDS, only that
    subcommand gets its options: the others' would import what `verify`
    does not need (the factory, the fuzzer) and slow its start."""

    def want(name: str) -> bool:
        return command in (None, name)

    parser = _Parser(prog="proofgen", description=__doc__)
    parser.add_argument("--version", action="version", version=f"proofgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    from .kernel import SelectionError, parse_only

    def only_labels(text: str) -> tuple[str, ...]:
        try:
            return parse_only(text)
        except SelectionError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    v = sub.add_parser("verify", help="check every proof of a .mm database",
                       description="Check every proof of a Metamath database (or, with --only, "
                       "some of them).\nExit status: 0 all proofs verified; 1 errors or a usage "
                       "error; 2 only incomplete ('?')\nproofs. Warnings (--discouraged) never "
                       "change it.",
                       epilog="examples:\n"
                       "  proofgen verify set.mm\n"
                       "  proofgen verify set.mm --only syl,ax-mp..a1i   # 4 proofs; the file is "
                       "still read whole\n"
                       "  zcat set.mm.gz | proofgen verify -             # from standard input\n"
                       "  proofgen verify set.mm --discouraged           # W0820 warnings, exit "
                       "0")
    if want("verify"):
        v.add_argument("file", help="the .mm file (included files are read too), or '-' to read "
                       "the database from standard input: its $[ $] inclusions are then resolved "
                       "relative to the current directory (which also bounds them, see "
                       "--allow-outside-includes) and diagnostics call it <stdin>")
        v.add_argument("--proof", default=None, metavar="FILE",
                       help="Metamath Zero: the .mmb proof file of the .mm0 given as FILE "
                       "(a .mmb alone finds the .mm0 beside it); see docs/mm0.md")
        v.add_argument("--only", type=only_labels, default=None, metavar="LABELS",
                       help="check only these proofs: comma-separated $p labels and ranges A..B "
                       "(every $p from statement A to statement B in database order, both "
                       "included; A.. and ..B are open-ended); the whole database is still read "
                       "and its reading errors reported. An unknown label, a label that is not a "
                       "$p, or a reversed range is a usage error (exit 1). Default: every proof")
        v.add_argument("--discouraged", action="store_true",
                       help="warn (W0820) where a proof cites an assertion whose description says "
                       "'(New usage is discouraged.)', unless the citing theorem says so too; "
                       "warnings do not change the exit status (default: off)")
        v.add_argument("--jobs", "-j", type=_positive, default=os.cpu_count() or 1,
                       help="worker processes for proof checking (default: all cores)")
        v.add_argument("--engine", choices=ENGINES, default=None,
                       help="cython (fast, default) or python (the readable reference)")
        v.add_argument("--json", action="store_true",
                       help="diagnostics as JSON lines on stdout (default: text)")
        v.add_argument("--allow-incomplete", action="store_true",
                       help="exit 0 when the only problems are '?' steps (default: exit 2)")
        v.add_argument("--allow-outside-includes", action="store_true",
                       help="let $[ $] include files outside the database's folder (default: "
                       "refused, E0204)")
        lim = v.add_argument_group("resource limits (exceeding one is error E0901)")
        defaults = Limits()
        for option, (field, help_text) in LIMIT_OPTIONS.items():
            lim.add_argument(option, dest=field, type=_positive, metavar="N",
                             help=f"{help_text} (default {getattr(defaults, field):,})")
        v.set_defaults(func=cmd_verify)

    def syntax_options(p):
        p.add_argument("file", help="the .mm file")
        p.add_argument("--typecodes", metavar="MAP",
                       help="override the typecodes: comma-separated LOGICAL=SYNTAX (e.g. "
                       "'|-=wff') or SYNTAX entries; default: $j comments, then inference")
        p.add_argument("--allow-outside-includes", action="store_true",
                       help="let $[ $] include files outside the database's folder")

    p = sub.add_parser("parse", help="print the syntax tree of statements",
                       description="Parse statements with the grammar of the database's syntax "
                       "axioms and print their trees, one statement per line. Exit 1 if a "
                       "printed statement does not parse or is ambiguous.")
    if want("parse"):
        syntax_options(p)
        p.add_argument("--label", "-l", action="append", metavar="L",
                       help="only this statement (repeatable); default: every $e $a $p")
        p.add_argument("--format", choices=("sexp", "json"), default="sexp",
                       help="sexp: 'label typecode (wi ph ps)'; json: one object per line")
        p.set_defaults(func=cmd_parse)

    gr = sub.add_parser("grammar", help="report the grammar and any ambiguity",
                        description="Build the grammar from the syntax axioms, parse every "
                        "statement, search for ambiguous strings, and report. Exit 1 unless "
                        "the grammar is an unambiguous tree grammar.")
    if want("grammar"):
        syntax_options(gr)
        gr.add_argument("--probe", type=int, default=1_000_000, metavar="N",
                        help="parse at most N nested-rule strings looking for ambiguity "
                        "(0: skip; default 1,000,000)")
        gr.add_argument("--proofs", action="store_true",
                        help="also verify the proofs and replay them on trees, checking that "
                        "each builds the tree the parser reads")
        gr.add_argument("--json", action="store_true", help="diagnostics and summary as JSON lines")
        gr.set_defaults(func=cmd_grammar)

    ge = sub.add_parser("generate", help="derive new verified theorems from a database",
                        description="Derive new theorems (forward derivation or extraction of "
                        "proof steps), deduplicate, shape their distribution, verify every one "
                        "with the kernel, and write them as a dataset: zstd JSON-lines shards, "
                        "a manifest and a dataset card (README.md) in --out.",
                        epilog=GENERATE_EXAMPLES)
    if want("generate"):
        ge.add_argument("--db", help="the .mm database (default: the bundled hilbert.mm)")
        from .explore import generators
        ge.add_argument("--generator", choices=generators.names(), default=None,
                        help="; ".join(f"{n}: {generators.get(n).help}"
                                       for n in generators.names()) + " (default: forward)")
        ge.add_argument("--mix", default=None, metavar="NAME=W,...",
                        help="several generators in one run, e.g. forward=0.5,extract=0.3,"
                        "statement=0.2: the count split by the weights (largest remainder); "
                        "instead of --generator")
        ge.add_argument("--count", "-n", type=_positive, default=1000,
                        help="distinct theorems wanted")
        ge.add_argument("--seed", type=_seed, default=0,
                        help="the run's seed (0 .. 2^63-1): same seed, same files")
        ge.add_argument("--out", "-o", default="proofgen-out", help="output folder")
        ge.add_argument("--force", action="store_true",
                        help="replace a run already in --out (by default the same command "
                        "resumes it, and another job is refused)")
        ge.add_argument("--library", default=None,
                        help="forward: what may be cited: axioms (ax-*), all (the main body: no "
                        "mathboxes, no *OLD/*ALT/*VD/bj-*/dummylink), upto:LABEL (assertions "
                        "before LABEL, the same left out) or labels:A,B; default: upto:ax-gen "
                        "(propositional calculus) on a database with ax-gen, else all")
        ge.add_argument("--include-mathboxes", action="store_true",
                        help="--library all, axioms, upto:LABEL: also cite the database's "
                        "mathboxes (set.mm's user sections, after its mathbox heading) and bj-* "
                        "labels; left out by default, as are the *OLD, *ALT, *VD and dummylink "
                        "variants")
        ge.add_argument("--with-definitions", action="store_true",
                        help="--library axioms: also the definitions (df-*); by default only the "
                        "logical axioms (ax-*)")
        ge.add_argument("--license", default="", metavar="ID",
                        help="the licence records and the dataset card give (a Hugging Face "
                        "licence id); default: read from the database's header (CC0: cc0-1.0), "
                        "else unknown")
        ge.add_argument("--plain-letters", dest="plain_letters", action="store_true",
                        default=True,
                        help="en, mixed: write variables as plain letters (φ, x, A), one token "
                        "each (the default)")
        ge.add_argument("--math-italic", dest="plain_letters", action="store_false",
                        help="en, mixed: write variables in the database's math-italic code points "
                        "(𝜑, 𝑥, 𝐴), as set.mm's Unicode does")
        ge.add_argument("--allow-discouraged", action="store_true",
                        help="also cite assertions marked '(New usage is discouraged.)' and mine "
                        "proofs marked '(Proof modification is discouraged.)' (set.mm's *OLD, "
                        "*ALT); left out by default")
        ge.add_argument("--keep-instances", action="store_true",
                        help="keep theorems that are a substitution instance of a database "
                        "assertion whose hypotheses they include (flagged instance_of); dropped "
                        "by default, whatever the generator (statement keeps its own, flagged)")
        ge.add_argument("--choice", choices=("uniform", "usage", "inverse-usage"),
                        default="uniform",
                        help="forward: how assertions are picked (weights from use in the "
                        "database)")
        ge.add_argument("--target", choices=("natural", "uniform", "log-uniform"),
                        default="natural",
                        help="target histogram of --metric over buckets 2^k..2^(k+1)-1")
        ge.add_argument("--metric", choices=("depth", "steps", "length"), default="depth",
                        help="what --target shapes: proof depth, logical steps or statement length")
        ge.add_argument("--max-symbols", type=_positive, default=48,
                        help="forward: largest statement (hypotheses + conclusion) in symbols")
        ge.add_argument("--max-hypotheses", type=_non_negative, default=3,
                        help="forward: most hypotheses of a theorem")
        ge.add_argument("--proofs", type=_non_negative, default=0, metavar="N",
                        help="extract: only from the first N proofs of the database (0: all; "
                        "with --from, the first N from there)")
        ge.add_argument("--from", dest="from_label", default="", metavar="LABEL",
                        help="extract: from the first proof at or after the statement LABEL "
                        "(e.g. ax-ext: set.mm's set theory without its logic)")
        ge.add_argument("--to", dest="to_label", default="", metavar="LABEL",
                        help="extract: only the proofs before the statement LABEL")
        ge.add_argument("--exclude-split", "--split", dest="held_out", action="append",
                        metavar="DIR|FILE",
                        help="hold these theorems out (a `proofgen split` folder: its valid.txt "
                        "and test.txt; or a file of labels): never cited, mined or emitted, nor "
                        "any theorem stating one or more general than one (repeatable)")
        ge.add_argument("--strict", action="store_true",
                        help="with --exclude-split: hold out too the assertions whose own proofs "
                        "cite a held-out theorem")
        ge.add_argument("--exclude", action="append", metavar="LABELS|FILE",
                        help="never emit these (labels or statements, comma-separated, or a file "
                        "with one per line) and never use their proofs (repeatable)")
        ge.add_argument("--styles", default=DEFAULT_STYLES, metavar="SPEC",
                        help="renderings to mix: all, a list (mm,steps,hier,en,latex,mixed) or "
                        "weights (mm=2,en=1)")
        from .emit.records import DEFAULT_MAX_RECORD_TOKENS
        ge.add_argument("--max-record-tokens", type=_non_negative,
                        default=DEFAULT_MAX_RECORD_TOKENS, metavar="N",
                        help="most tokens (cl100k_base) of a record's text; a rendering over it "
                        "is not written and counted in the manifest's budget entry (0: no limit; "
                        f"default {DEFAULT_MAX_RECORD_TOKENS})")
        ge.add_argument("--inline-lemmas", action="store_true",
                        help="mm, hier: prove the generated lemmas inline when the record stays "
                        "within --max-record-tokens (default: state them where cited and ship "
                        "each as its own record)")
        ge.add_argument("--renderings", type=_positive, default=1, metavar="K",
                        help="distinct styles each theorem is rendered in (at most the number of "
                        "styles in --styles)")
        ge.add_argument("--workers", type=_non_negative, default=0, metavar="N",
                        help="processes (local executor; 0: one) or Ray actors (0: one per CPU "
                        "of the cluster)")
        ge.add_argument("--executor", choices=("local", "ray"), default="local",
                        help="local processes, or actors on a Ray cluster")
        ge.add_argument("--task-timeout", type=_non_negative, default=0, metavar="SECONDS",
                        help="end the run (resumable) when no task finishes for this long, as "
                        "when a worker hangs or a Ray actor is paused (0: no limit); a local "
                        "worker process that dies is replaced either way")
        ge.add_argument("--address", default=None,
                        help="ray: the cluster to join (auto, ray://host:10001); default: start "
                        "a local Ray")
        ge.add_argument("--unit-size", type=_positive, default=1000, metavar="N",
                        help="forward: theorems per work unit")
        ge.add_argument("--units", type=_non_negative, default=0, metavar="K",
                        help="extract: cut the database's proofs into K units (0: one)")
        ge.add_argument("--partitions", type=_non_negative, default=0, metavar="P",
                        help="hash partitions of the global dedup (0: one per 64 units)")
        ge.add_argument("--keep-staging", action="store_true",
                        help="keep each unit's records from before global dedup")
        ge.set_defaults(func=cmd_generate)

    ca = sub.add_parser("cat", help="stream a run's records",
                        description="Print the records of a run's shards as JSON lines "
                        "(or their text only).")
    if want("cat"):
        ca.add_argument("run_dir", help="a run folder (made by proofgen generate)")
        ca.add_argument("--style", action="append", metavar="S", choices=STYLE_NAMES,
                        help="only records of this style (repeatable): " + ", ".join(STYLE_NAMES))
        ca.add_argument("--limit", type=_non_negative, default=0, metavar="N",
                        help="stop after N records (0: all)")
        ca.add_argument("--text", action="store_true", help="print only the text of each record")
        ca.add_argument("--no-verify", action="store_true", help=NO_VERIFY_HELP)
        ca.set_defaults(func=cmd_cat)

    rp = sub.add_parser("report", help="pictures and a summary of a run",
                        description="Write PNG histograms (depth, steps, statement length, "
                        "tokens per style, assertion usage) and report.md for a finished run.")
    if want("report"):
        rp.add_argument("run_dir", help="a finished run folder")
        rp.add_argument("-o", "--out", metavar="DIR",
                        help="where to write (default: RUN_DIR/report)")
        rp.add_argument("--max-records", type=_non_negative, default=200_000, metavar="N",
                        help="records read for tokens per record (0: all)")
        rp.add_argument("--no-verify", action="store_true", help=NO_VERIFY_HELP)
        rp.set_defaults(func=cmd_report)

    tp = sub.add_parser("templates", help="the English templates: coverage of a database",
                        description="What the English templates say of a database.")
    if want("templates"):
        tsub = tp.add_subparsers(dest="templates_command", required=True, metavar="COMMAND")
        tc = tsub.add_parser("coverage", help="statements, syntax nodes and proof steps in words, "
                             "checker defects, and what to write next",
                             description="Replay the database's proofs (from --from to --to) and "
                             "report how much of their statements and steps the English templates "
                             "put in words, the quality checker's defects in the en and mixed "
                             "renderings of a sample, and the untemplated syntax axioms and "
                             "assertions weighted by use.")
        tc.add_argument("db", help="the .mm database")
        tc.add_argument("--from", dest="from_label", default="", metavar="LABEL",
                        help="from this statement (default: the start; set.mm's set theory: "
                        "ax-ext)")
        tc.add_argument("--to", dest="to_label", default="", metavar="LABEL",
                        help="up to this statement, excluded (default: the end)")
        tc.add_argument("--sample", type=_non_negative, default=3000, metavar="N",
                        help="proofs rendered and checked (0: all)")
        tc.add_argument("--seed", type=_non_negative, default=1, help="which sample")
        tc.add_argument("--top", type=_positive, default=25, metavar="K",
                        help="untemplated syntax axioms and assertions listed")
        tc.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
        tc.set_defaults(func=cmd_templates_coverage)

    dd = sub.add_parser("dedup", help="merge runs without repeating a theorem",
                        description="Read finished runs (checked against their manifests) in "
                        "the order given and write their records to one folder, keeping each "
                        "theorem (metadata.hash) from the first run that has it: shards and a "
                        "manifest saying what was kept of each run.  The runs must come from "
                        "one database.")
    if want("dedup"):
        dd.add_argument("runs", nargs="+", metavar="RUN", help="finished run folders")
        dd.add_argument("--output", "-o", required=True, metavar="DIR",
                        help="the folder to write (made if missing)")
        dd.add_argument("--force", action="store_true",
                        help="replace the shards and manifest a previous dedup left in DIR")
        dd.set_defaults(func=cmd_dedup)

    sp = sub.add_parser("split", help="hold out valid and test theorems (label lists)",
                        description="Split a database's theorems ($p statements of typecode "
                        "|-) into train, valid and test, writing train.txt, valid.txt, "
                        "test.txt and split.json to a folder.  A seeded split ranks theorems "
                        "by a keyed hash of (seed, label) and takes exact shares; "
                        "--from-labels takes a published split instead.  Generate on the "
                        "train side with `proofgen generate --exclude-split DIR`.")
    if want("split"):
        sp.add_argument("db", help="the .mm database")
        sp.add_argument("--valid", type=float, default=0.1, metavar="SHARE",
                        help="share of the theorems held out for validation (default 0.1)")
        sp.add_argument("--test", type=float, default=0.1, metavar="SHARE",
                        help="share held out for testing (default 0.1)")
        sp.add_argument("--seed", type=_non_negative, default=1, help="which split (default 1)")
        sp.add_argument("--keep", action="append", metavar="LABELS|FILE",
                        help="never hold these out (comma-separated, or a file; repeatable)")
        sp.add_argument("--keep-statement-lemmas", action="store_true",
                        help="never hold out the lemmas the statement generator's prover cites "
                        "(so it can run on the train side)")
        sp.add_argument("--from-labels", metavar="FILE",
                        help="the test theorems of a published split (one label per line); the "
                        "rest is train")
        sp.add_argument("--valid-labels", metavar="FILE",
                        help="with --from-labels: the published split's valid theorems")
        sp.add_argument("--output", "-o", required=True, metavar="DIR",
                        help="the folder to write (made if missing)")
        sp.set_defaults(func=cmd_split)

    ex = sub.add_parser("export-mm", help="write a run's theorems as a .mm file",
                        description="Write the database followed by a run's theorems (and the "
                        "generated lemmas they cite) as ${ $} blocks with compressed proofs.")
    if want("export-mm"):
        ex.add_argument("run_dir", help="a finished run folder")
        ex.add_argument("--db", help="the database the run was made from (default: the bundled "
                        "hilbert.mm)")
        ex.add_argument("--output", "-o", required=True, help="the .mm file to write")
        ex.add_argument("--no-verify", action="store_true", help=NO_VERIFY_HELP)
        ex.set_defaults(func=cmd_export_mm)

    fz = sub.add_parser("fuzz", help="fuzz the checker (and optionally another verifier)",
                        description="Generate and damage .mm files for a while; report "
                        "crashes, hangs and disagreements (between proofgen's two engines, "
                        "and with --against another verifier) with minimised reproducers.")
    if want("fuzz"):
        from . import fuzz
        fuzz.add_arguments(fz)
        fz.set_defaults(func=fuzz.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("proofgen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        print("proofgen: error[E0901]: out of memory; lower the resource limits", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in proofgen, not in the input
        print(f"proofgen: internal error: {type(exc).__name__}: {exc} "
              "(please report this with the input file)", file=sys.stderr)
        if os.environ.get("PROOFGEN_DEBUG"):
            raise
        return EXIT_INTERNAL
