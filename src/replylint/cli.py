"""The `replylint` command line.

`main()` turns every error into an exit status and a message on stderr; the
`cmd_*` functions do the work. Subcommands with heavy dependencies (`lsp`,
`serve`, `hook`) are imported only when asked for, so `check` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from replylint.config import ConfigError, ConfigLayer
from replylint.formats import FORMATS
from replylint.model import CHANNELS, FAIL_ON, ExitStatus, fails
from replylint.version import __version__

# Subcommands implemented in their own packages: name -> (module, help).
DELEGATED = {
    "lsp": ("replylint.lsp", "run the language server (stdio)"),
    "serve": ("replylint.service", "run the HTTP pre-send service"),
    "hook": ("replylint.hook", "lint one reply from stdin; exit 1 to block it"),
    "responsiveness": ("replylint.responsiveness.command", "how fast messages are answered"),
}


def missing_package_message(command: str, package: str | None) -> str:
    """What to install when a door's optional package is missing."""
    extra = {"lsp": "lsp", "serve": "serve"}.get(command)
    how = f"pip install 'replylint[{extra}]'" if extra else "reinstall replylint"
    return f"replylint {command}: the package {package!r} is not installed; run: {how}"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse exits 2 itself; keep one path
        raise UsageError(f"{self.prog}: {message}")


def _csv_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """The reply-record fields a command line can set (`check`, `hook`)."""
    parser.add_argument("--channel", choices=CHANNELS, help="channel for replies that do not say")
    parser.add_argument("--incoming", help="the customer's message being answered")
    parser.add_argument("--agent", help="the sending agent's name")
    parser.add_argument("--brand", help="the company / page name")
    parser.add_argument("--language", help="ISO 639-1 code; detected when absent")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="replylint",
        description="Lint customer-service replies before they are sent.",
    )
    parser.add_argument("--version", action="version", version=f"replylint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="lint reply files and collections")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
    add_record_arguments(check)
    check.add_argument("--format", choices=FORMATS, default="text", dest="output_format")
    check.add_argument("--select", type=_csv_list, help="only these rules (comma-separated)")
    check.add_argument("--ignore", type=_csv_list, default=[], help="skip these rules")
    check.add_argument("--fail-on", choices=FAIL_ON, default="error")
    check.add_argument("--config", type=Path, help="use this config file, not the nearest one")
    check.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to lint with (default: the number of cores for 1,000 replies or"
        " more, else one, which is as fast below that; with N, one below 200 replies)",
    )
    check.add_argument(
        "--output",
        type=Path,
        help="write the report to FILE (atomically); FILE.parquet: findings as table rows",
    )
    check.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="lint on a Dask cluster: a scheduler (tcp://host:8786) or 'local'",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="drop the findings recorded in FILE from the report and the exit code",
    )
    check.add_argument(
        "--update-baseline",
        "--write-baseline",
        action="store_true",
        dest="update_baseline",
        help="record this run's findings in the --baseline FILE (atomically)",
    )
    check.add_argument(
        "--no-progress", action="store_true", help="never show the progress bar on stderr"
    )
    check.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep linted replies in DIR (default: the"
        " user cache folder), so unchanged replies are not linted again",
    )
    check.add_argument("--no-cache", action="store_true", help="lint every reply afresh")
    check.add_argument(
        "--show-source",
        action=argparse.BooleanOptionalAction,
        help="text format: show each finding's line, the words underlined (default: on a terminal)",
    )
    check.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: unsafe fixes too"
    )

    sub.add_parser("rules", help="list the rules")
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule")

    evaluate = sub.add_parser("eval", help="precision/recall against labeled records")
    evaluate.add_argument("dataset", type=Path)
    evaluate.add_argument(
        "--show", type=int, default=0, metavar="N", help="show N misses and false alarms per rule"
    )
    evaluate.add_argument("--select", type=_csv_list)
    evaluate.add_argument(
        "--by", choices=("source",), help="also print the table per source of the records"
    )
    evaluate.add_argument("--config", type=Path)

    for name, (_, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    return parser


def run() -> NoReturn:
    """The `replylint` command: `main()`, then the process ends without tearing
    down the interpreter when nothing else is left to finish.

    A `check` run leaves spaCy's pipelines, the rule tables and the language
    detector's models in memory; freeing them one object at a time at exit costs
    ~40 ms of CPU (2% of linting 1,000 files) and nobody reads the result. The
    output is flushed first. The slow, ordinary exit is kept whenever another
    thread or child process is still alive, or coverage measurement must write its
    data at exit, since skipping `atexit` would lose their work.
    """
    _one_blas_thread()
    status = main()
    if _may_skip_teardown():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(status)  # let the ordinary exit report or ignore it
        os._exit(status)
    sys.exit(status)


def _one_blas_thread() -> None:
    """Have numpy's OpenBLAS start one thread instead of one per core.

    numpy comes with spaCy, and OpenBLAS sets up its thread pool when numpy is
    imported: ~50 ms of a one-file `check` on two cores. replylint does no linear
    algebra (spaCy's blank pipelines never call BLAS), so the pool is never used.
    Set for this process and the workers it starts, before numpy is imported; a
    value the user set is kept."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _may_skip_teardown() -> bool:
    import threading

    if threading.active_count() > 1 or "coverage" in sys.modules:
        return False
    processes = sys.modules.get("multiprocessing")
    return processes is None or not processes.active_children()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] in DELEGATED:
        try:
            module = importlib.import_module(DELEGATED[args_list[0]][0])
        except ModuleNotFoundError as exc:
            print(missing_package_message(args_list[0], exc.name), file=sys.stderr)
            return ExitStatus.ERROR
        return int(module.main(args_list[1:]))
    try:
        args = build_parser().parse_args(args_list)
        if args.command is None:
            build_parser().print_help(sys.stderr)
            return ExitStatus.ERROR
        return int(_COMMANDS[args.command](args))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return ExitStatus.ERROR
    except ConfigError as exc:
        print(f"replylint: config error: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:
        from replylint.check.parallel import WorkerError

        if not isinstance(exc, WorkerError):
            raise
        print(f"replylint: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    except BrokenPipeError:
        # Output piped into `head` and closed: not an error of ours.
        sys.stderr.close()
        return ExitStatus.OK


def cmd_check(args: argparse.Namespace) -> ExitStatus:
    from replylint.check.baseline import Baseline, BaselineError, BaselineWriter
    from replylint.check.checker import Checker, Summary, apply_baseline
    from replylint.check.parallel import estimate_replies, lint_units, plan_jobs
    from replylint.check.progress import Progress, wanted
    from replylint.formats import ReportContext, renderer
    from replylint.inputs.files import InputError
    from replylint.inputs.library import LibraryCollector
    from replylint.startup import freeze_what_start_up_builds

    freeze_what_start_up_builds()  # a run ends with its process: see startup.py
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("replylint check: --jobs must be at least 1")
    if args.update_baseline and args.baseline is None:
        raise UsageError("replylint check: --update-baseline needs --baseline FILE")
    if not args.paths and sys.stdin.isatty():
        raise UsageError(
            "replylint check: no PATH given and stdin is a terminal: name files or folders,"
            " or - to read a reply from stdin"
        )
    paths = args.paths or ["-"]
    if paths.count("-") > 1:
        raise UsageError("replylint check: stdin (-) can be read once")
    defaults = {
        key: getattr(args, key)
        for key in ("channel", "incoming", "agent", "brand", "language")
        if getattr(args, key) is not None
    }
    cli_layer = ConfigLayer(
        "command line",
        select=tuple(args.select) if args.select else None,
        ignore=tuple(args.ignore),
        agent=args.agent,
        brand=args.brand,
    )
    if args.config is not None and not args.config.is_file():
        raise ConfigError(str(args.config), "", "config file not found")
    baseline: Baseline | None = None
    if args.baseline is not None and not args.update_baseline:
        try:
            baseline = Baseline.load(args.baseline)
        except BaselineError as exc:
            raise UsageError(f"replylint check: {exc}") from None
    checker = Checker(cli_layer=cli_layer, explicit_config=args.config, defaults=defaults)
    if not args.no_cache:
        from replylint.check.cache import ResultCache, default_cache_dir

        checker.result_cache = ResultCache(args.cache_dir or default_cache_dir())
    stdin_text = sys.stdin.read() if "-" in paths else None
    # Every config is loaded (and a bad one reported) before anything is written.
    # SARIF lists the rules and --language is checked against the engines: both need
    # every engine now, even when the result cache could answer without them.
    need_engines = args.output_format == "sarif" or args.language is not None
    files = checker.prepare(paths, engines=need_engines)
    if args.language is not None:
        defaults["language"] = _supported_language(args.language, checker)
    if args.fix or args.diff:
        from replylint.check.fixes import fix_files, report

        if args.fix and not args.diff and "-" in paths:
            raise UsageError("replylint check: --fix cannot write to stdin (use --diff)")
        run = fix_files(checker, files, stdin_text, unsafe=args.unsafe_fixes)
        report(run, diff=args.diff, out=sys.stdout, err=sys.stderr)
        if args.diff:
            if run.failed:
                return ExitStatus.ERROR
            return ExitStatus.FINDINGS if run.changed else ExitStatus.OK
    estimated = estimate_replies(files, stdin_text)
    workers = plan_jobs(args.jobs, estimated)
    if workers > 1 and checker.all_cached(files):
        workers = 1  # a warm rerun over unchanged documents: no worker has anything to do
    rules: dict[str, Any] = {}
    for engine in checker.engines:
        rules.update(engine.rules)
    terminal = args.output is None and sys.stdout.isatty()
    colour = terminal and "NO_COLOR" not in os.environ
    show_source = terminal if args.show_source is None else args.show_source
    docs_url = next((e.config.docs_url for e in checker.engines if e.config.docs_url), None)
    context = ReportContext(colour=colour, show_source=show_source, rules=rules, docs_url=docs_url)

    summary = Summary(baselined=0 if args.baseline is not None else None)
    errors: list[InputError] = []
    library = LibraryCollector()
    writer = BaselineWriter() if args.update_baseline else None
    show_progress = wanted(
        estimated=estimated, to_file=args.output is not None, disabled=args.no_progress
    )
    if args.output is not None and args.output.suffix.lower() == ".parquet":
        return _check_to_parquet(args, checker, files, stdin_text, workers)
    if args.output is not None:
        _check_writable(args.output)  # reported before any lint work starts
    # Fingerprints, excerpts and UTF-16 columns are read only by these (see Linted).
    checker.finding_details = (
        args.output_format in ("text", "sarif")
        or checker.result_cache is not None
        or args.baseline is not None
    )
    client = _dask_client(args.dask) if args.dask is not None else None
    if client is not None:
        from replylint.check.distributed import lint_on_cluster

        batches: Iterator[list[Any]] = lint_on_cluster(client, checker, files)
    else:
        # Workers start here, before the progress bar's thread and any output (see parallel.py).
        batches = lint_units(checker, checker.units(files, stdin_text), workers)
    try:
        with _report_stream(args.output) as out, Progress(estimated, show_progress) as bar:
            render = renderer(args.output_format, out, context)
            for batch in batches:
                for item in batch:
                    if isinstance(item, InputError):
                        # The text format's module (and rich) only when there is an error.
                        from replylint.formats.text import input_error_line

                        errors.append(item)
                        print(f"replylint: {input_error_line(item)}", file=sys.stderr)
                        continue
                    for problem in item.rule_errors:
                        print(f"replylint: {item.path}: {problem}", file=sys.stderr)
                    library.add(item.library)
                    if item.findings and (writer is not None or baseline is not None):
                        item, dropped = apply_baseline(item, baseline, writer)
                        summary.baselined = (summary.baselined or 0) + dropped
                    summary.add(item)
                    render.result(item)
                bar.advance(len(batch))
            render.finish(errors, summary, library.report())
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()  # the workers stop even when the report could not be opened
        if client is not None:
            _close_dask(client)
    if checker.result_cache is not None:
        checker.result_cache.close()
    if writer is not None:
        _write_atomically(args.baseline, writer.render())
    _report_plugin_errors(checker.engines)
    if errors:
        return ExitStatus.ERROR
    return ExitStatus.FINDINGS if fails(summary.worst, args.fail_on) else ExitStatus.OK


def _supported_language(code: str, checker: Any) -> str:
    """`--language` checked against every engine the run uses (usage error if not
    supported by one)."""
    from replylint.inputs.record import RecordError, check_language

    try:
        for engine in checker.engines:
            code = check_language(code, engine.languages, "--language")
    except RecordError as exc:
        raise UsageError(f"replylint check: {exc}") from None
    return code


def _check_to_parquet(
    args: argparse.Namespace, checker: Any, files: list[Any], stdin_text: str | None, jobs: int
) -> ExitStatus:
    """`check --output FILE.parquet`: findings as table rows, the summary on stdout."""
    from replylint.check.parquet_output import lint_to_parquet
    from replylint.inputs.parquet import ParquetUnavailable

    client = _dask_client(args.dask) if args.dask is not None else None
    try:
        summary, errors = lint_to_parquet(checker, files, stdin_text, jobs, args.output, client)
    except ParquetUnavailable as exc:
        raise UsageError(f"replylint check: {exc}") from None
    finally:
        if client is not None:
            _close_dask(client)
    for error in errors:
        print(f"replylint: {error.path}: {error.to_dict()['message']}", file=sys.stderr)
    counts = summary.to_dict()
    from replylint.formats.text import counted

    replies = counted(counts["replies"], "reply", "replies")
    print(f"{replies}, {counted(counts['findings'], 'finding')} -> {args.output}")
    for label in ("by_rule", "by_severity"):
        for name, count in counts[label].items():
            print(f"  {name}: {count}")
    _report_plugin_errors(checker.engines)
    if errors:
        return ExitStatus.ERROR
    return ExitStatus.FINDINGS if fails(summary.worst, args.fail_on) else ExitStatus.OK


def _dask_client(address: str) -> Any:
    from replylint.check.distributed import DaskUnavailable, connect

    try:
        client = connect(address)
    except DaskUnavailable as exc:
        raise UsageError(f"replylint check: {exc}") from None
    except OSError as exc:
        raise UsageError(
            f"replylint check: cannot reach the Dask scheduler {address}: {exc}"
        ) from None
    print(f"replylint: Dask dashboard at {client.dashboard_link}", file=sys.stderr)
    return client


def _close_dask(client: Any) -> None:
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()


def _report_plugin_errors(engines: Sequence[Any]) -> None:
    """The plugins that failed to load, once (every engine loads the same ones)."""
    for error in dict.fromkeys(error for engine in engines for error in engine.plugin_errors):
        print(f"replylint: {error}", file=sys.stderr)


class _Stdout:
    """sys.stdout looked up at each write, so the progress bar can redirect it."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


@contextlib.contextmanager
def _report_stream(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a temporary file beside `path` renamed over it at the end: the
    report is streamed, yet `path` is never half-written."""
    if path is None:
        yield _Stdout()  # type: ignore[misc]
        return
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in `path`'s folder (made if missing), or a UsageError
    saying why the report cannot be written there."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"replylint check: cannot write {path}: {exc.strerror or exc}") from None


def _check_writable(path: Path) -> None:
    fd, tmp = _temporary_beside(path)
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


def _write_atomically(path: Path, content: str) -> None:
    """Write to a temporary file beside `path`, then rename: never half-written."""
    with _report_stream(path) as handle:
        handle.write(content)


def cmd_rules(args: argparse.Namespace) -> ExitStatus:
    from replylint.catalog import catalog

    listing = catalog()
    rows = [
        (rule.name, rule.severity, ", ".join(rule.languages) or "all", rule.summary)
        for rule in listing.rules
    ]
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table("rule", "severity", "languages", "summary", box=None, show_edge=False)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    else:  # piped: one line a rule, unwrapped, without rich's import (~0.1 s)
        sys.stdout.write(plain_table(("rule", "severity", "languages", "summary"), rows))
    for error in listing.errors:
        print(f"replylint: {error}", file=sys.stderr)
    return ExitStatus.OK


def plain_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart; the last one unpadded."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    return "".join(
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]]
        )
        + "\n"
        for row in (header, *rows)
    )


def cmd_explain(args: argparse.Namespace) -> ExitStatus:
    from replylint.catalog import catalog

    listing = catalog()
    rule = listing.get(args.rule)
    if rule is None:
        known = ", ".join(r.name for r in listing.rules)
        raise UsageError(f"replylint explain: unknown rule {args.rule!r} (known: {known})")
    write_markdown(rule.markdown, sys.stdout)
    return ExitStatus.OK


def write_markdown(markdown: str, out: TextIO) -> None:
    """Markdown rendered by rich on a terminal; the raw text when piped, so it can
    be saved or read by another program."""
    if not out.isatty():
        out.write(markdown)
        return
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=out, force_terminal=True).print(Markdown(markdown))


def cmd_eval(args: argparse.Namespace) -> ExitStatus:
    from replylint.check.evaluate import evaluate, render_evaluation

    if not args.dataset.is_file():
        raise UsageError(f"replylint eval: no such file: {args.dataset}")
    evaluation = evaluate(args.dataset, select=args.select, config_path=args.config)
    if args.by == "source":
        from replylint.check.evaluate import render_by_source

        sys.stdout.write(render_by_source(evaluation))
    sys.stdout.write(render_evaluation(evaluation, show=args.show))
    return ExitStatus.ERROR if evaluation.errors else ExitStatus.OK


_COMMANDS = {"check": cmd_check, "rules": cmd_rules, "explain": cmd_explain, "eval": cmd_eval}
