#!/usr/bin/env python3
"""Peer benchmark: replylint against proselint, write-good and textlint on the same replies.

Two shapes of input, built from the labeled corpus (repeated as needed):

1. ``files``: 1,000 ``.txt`` files, one reply each (a template library); every tool is
   invoked once over the whole folder (write-good over the file list).
2. ``jsonl``: one JSONL export of 10,000 replies; replylint reads the ``.jsonl``, the
   peers (which cannot read JSONL) read the same texts as one ``.txt`` file with the
   replies separated by blank lines.

The peers are installed by this script into a scratch folder (default
``benchmarks/.cache/``): a venv for proselint (PyPI), ``npm install --prefix`` for
write-good and textlint (npm). An existing install is reused. A peer that cannot be
installed gets an "unavailable: <reason>" row; the other rows still run.

Standard library only (see benchlib.py for how time and memory are measured).
Usage: ``python benchmarks/peers.py [--quick] [--shapes files,jsonl] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import (
    DEFAULT_CACHE,
    DEFAULT_CORPUS,
    MEMORY_METHOD,
    RunResult,
    Series,
    child_env,
    count_replylint_results,
    cycle_records,
    find_replylint,
    load_corpus,
    machine_info,
    resolve_corpus,
    run_measured,
    write_jsonl,
)

# Pinned so that figures stay comparable from run to run.
PROSELINT_SPEC = "proselint==0.16.0"
WRITE_GOOD_SPECS = ("write-good@1.0.8",)
TEXTLINT_SPECS = (
    "textlint@15.8.0",
    "textlint-rule-write-good@2.0.0",
    "textlint-rule-max-comma@4.0.0",
    "textlint-rule-no-todo@2.0.1",
)
# Rules for English prose that textlint may run (all three are installed). The default set
# is write-good's style checks (through textlint) and TODO markers. max-comma (a comma budget
# per sentence) is opt-in: on one large file it is superlinear (measured here: 1,000 replies
# 2.8 s, 4,000 replies 29 s, 10,000 replies 558 s), which would dominate shape 2.
TEXTLINT_RULES: dict[str, object] = {"write-good": True, "no-todo": True, "max-comma": {"max": 4}}
DEFAULT_TEXTLINT_RULES = ("write-good", "no-todo")

SHAPES = {
    "files": "1 · {n:,} files, one reply each",
    "jsonl": "2 · one JSONL of {n:,} replies",
}
ALL_TOOLS = ("replylint", "proselint", "write-good", "textlint", "spacy-floor")
FLOOR_TOOL = "floor: spaCy alone"
FLOOR_SCRIPT = Path(__file__).with_name("spacy_floor.py")

TARGET_SHAPE1_SPEEDUP = 2.0
TARGET_SHAPE2_J1_SPEEDUP = 1.0
TARGET_SHAPE2_J2_SPEEDUP = 1.5
TARGET_PEAK_MB = 300.0
# The speed issue's targets (one run, side by side with the ones above): 1,000 files
# with --jobs 1, the 10,000-reply JSONL with --jobs 1 and with the default jobs (the
# CPU count, 2 on the reference machine).
ISSUE_TARGETS = (("files", 1, 1.5), ("jsonl", 1, 0.4), ("jsonl", 2, 0.7))

MB = 1024 * 1024
WARMUP_COUNTS_AFTER_S = 30.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- installs


@dataclass
class Install:
    """Outcome of installing one peer: a command prefix or a reason it is unavailable."""

    command: list[str] | None
    version: str = ""
    reason: str = ""
    cwd: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _run_install_step(
    cmd: Sequence[str], *, cache: Path, tag: str, timeout_s: float, cwd: Path | None = None
) -> str | None:
    """Run one install command; ``None`` on success, else the reason it failed."""
    result = run_measured(
        cmd,
        cwd=cwd,
        timeout_s=timeout_s,
        out_dir=cache / "logs",
        tag=f"install-{tag}",
        measure_memory=False,
    )
    if result.timed_out:
        return f"`{' '.join(cmd[:4])} ...` timed out after {timeout_s:.0f} s"
    if result.returncode != 0:
        tail = result.stderr_tail(200) or "no message"
        return f"`{' '.join(cmd[:4])} ...` exited {result.returncode}: {tail}"
    return None


def install_proselint(cache: Path, timeout_s: float, allow_install: bool) -> Install:
    venv = cache / "proselint-venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    exe = bindir / "proselint"
    python = bindir / "python"
    marker = venv / ".benchmark-spec"
    reusable = exe.exists() and marker.exists() and marker.read_text().strip() == PROSELINT_SPEC
    if not reusable:
        if not allow_install:
            return Install(None, reason="not installed and --no-install given")
        log(f"installing {PROSELINT_SPEC} into {venv} ...")
        if not python.exists():
            reason = _run_install_step(
                [sys.executable, "-m", "venv", str(venv)],
                cache=cache,
                tag="proselint-venv",
                timeout_s=timeout_s,
            )
            if reason:
                return Install(None, reason=reason)
        reason = _run_install_step(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                PROSELINT_SPEC,
            ],
            cache=cache,
            tag="proselint-pip",
            timeout_s=timeout_s,
        )
        if reason:
            return Install(None, reason=reason)
        if not exe.exists():
            return Install(None, reason=f"pip succeeded but {exe} is missing")
        marker.write_text(PROSELINT_SPEC + "\n")
    version = PROSELINT_SPEC.split("==", 1)[1]
    # proselint >= 0.14 lints with `proselint check PATH...` (folders are walked);
    # older releases take the files directly.
    major_minor = tuple(int(p) for p in version.split(".")[:2])
    command = [str(exe), "check"] if major_minor >= (0, 14) else [str(exe)]
    return Install(command, version=version)


def _npm_version(prefix: Path, package: str) -> str | None:
    manifest = prefix / "node_modules" / package / "package.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else None


def _npm_install(
    cache: Path, specs: Sequence[str], tag: str, timeout_s: float, allow_install: bool
) -> str | None:
    """Install ``specs`` into ``cache/npm``; ``None`` when installed (now or before)."""
    prefix = cache / "npm"
    wanted = [spec.rsplit("@", 1) for spec in specs]
    if all(_npm_version(prefix, name) == version for name, version in wanted):
        return None
    if not allow_install:
        return "not installed and --no-install given"
    node = shutil.which("node")
    npm = shutil.which("npm")
    if not node or not npm:
        return "node/npm not found on PATH"
    log(f"installing {' '.join(specs)} into {prefix} ...")
    prefix.mkdir(parents=True, exist_ok=True)
    return _run_install_step(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *specs],
        cache=cache,
        tag=f"npm-{tag}",
        timeout_s=timeout_s,
    )


def install_write_good(cache: Path, timeout_s: float, allow_install: bool) -> Install:
    reason = _npm_install(cache, WRITE_GOOD_SPECS, "write-good", timeout_s, allow_install)
    if reason:
        return Install(None, reason=reason)
    node = shutil.which("node")
    if not node:
        return Install(None, reason="node not found on PATH")
    prefix = cache / "npm"
    script = prefix / "node_modules" / "write-good" / "bin" / "write-good.js"
    if not script.exists():
        return Install(None, reason=f"{script} is missing")
    return Install([node, str(script)], version=_npm_version(prefix, "write-good") or "")


def install_textlint(
    cache: Path, timeout_s: float, allow_install: bool, rule_names: Sequence[str]
) -> Install:
    reason = _npm_install(cache, TEXTLINT_SPECS, "textlint", timeout_s, allow_install)
    if reason:
        return Install(None, reason=reason)
    node = shutil.which("node")
    if not node:
        return Install(None, reason="node not found on PATH")
    prefix = cache / "npm"
    script = prefix / "node_modules" / "textlint" / "bin" / "textlint.js"
    if not script.exists():
        return Install(None, reason=f"{script} is missing")
    config = prefix / "textlintrc.benchmark.json"
    rules = {name: TEXTLINT_RULES[name] for name in rule_names}
    config.write_text(json.dumps({"rules": rules}, indent=2) + "\n", encoding="utf-8")
    return Install(
        [node, str(script), "--config", str(config), "--no-color"],
        version=_npm_version(prefix, "textlint") or "",
        cwd=prefix,  # textlint resolves its rule packages from the working folder
        extra={"rules": ", ".join(rules)},
    )


# ------------------------------------------------------------------------ inputs


@dataclass
class ShapeInput:
    name: str
    replies: int
    label: str
    replylint_path: Path
    peer_paths: list[Path]  # what proselint/textlint get (a folder or a file)
    file_list: list[Path]  # what write-good gets


def build_files_shape(records: list[dict[str, object]], n: int, work: Path) -> ShapeInput:
    folder = work / f"files-{n}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    width = max(4, len(str(n)))
    files = []
    for i, record in enumerate(cycle_records(records, n)):
        path = folder / f"reply-{i + 1:0{width}d}.txt"
        path.write_text(str(record["text"]) + "\n", encoding="utf-8")
        files.append(path)
    return ShapeInput("files", n, SHAPES["files"].format(n=n), folder, [folder], files)


def build_jsonl_shape(records: list[dict[str, object]], n: int, work: Path) -> ShapeInput:
    chosen = cycle_records(records, n)
    jsonl = work / f"replies-{n}.jsonl"
    write_jsonl(jsonl, chosen)
    text = work / f"replies-{n}.txt"
    text.write_text("\n\n".join(str(r["text"]) for r in chosen) + "\n", encoding="utf-8")
    return ShapeInput("jsonl", n, SHAPES["jsonl"].format(n=n), jsonl, [text], [text])


# -------------------------------------------------------------------------- rows


@dataclass
class Row:
    shape: str  # the shape's label
    key: str  # the shape's name (files, jsonl)
    tool: str
    command: list[str] = field(default_factory=list)
    status: str = "ok"  # "ok", or "unavailable: ...", "failed: ...", "timed out ..."
    series: Series | None = None
    replies: int = 0
    note: str = ""
    jobs: int | None = None
    timed_out_s: float | None = None  # set when a run was killed at the timeout

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.series is not None and bool(self.series.runs)

    @property
    def wall(self) -> float | None:
        return self.series.median_wall if self.ok and self.series else None

    @property
    def cpu(self) -> float | None:
        return self.series.median_cpu if self.ok and self.series else None

    @property
    def peak_mb(self) -> float | None:
        return self.series.peak_rss_bytes / MB if self.ok and self.series else None

    @property
    def rate(self) -> float | None:
        wall = self.wall
        return self.replies / wall if wall else None


def _describe_failure(result: RunResult, timeout_s: float) -> str | None:
    """Why a run does not count, or ``None``. Peers' exit codes on findings are ignored."""
    if result.timed_out:
        return f"timed out after {timeout_s:.0f} s"
    if result.returncode is None or result.returncode < 0:
        return f"failed: killed by signal {-(result.returncode or 0)}"
    empty_stdout = not result.stdout_path.exists() or result.stdout_path.stat().st_size == 0
    if result.returncode != 0 and empty_stdout:
        return f"failed: exit {result.returncode}: {result.stderr_tail() or 'no message'}"
    return None


def measure(
    row: Row,
    *,
    cwd: Path | None,
    repeat: int,
    warmup: int,
    timeout_s: float,
    out_dir: Path,
    budget_s: float,
    env: dict[str, str],
    check: Callable[[RunResult], str | None] | None = None,
) -> None:
    """Run ``row.command`` ``warmup`` + ``repeat`` times and keep the timed runs.

    A warm-up that takes longer than WARMUP_COUNTS_AFTER_S is kept as a timed run
    (start-up effects are noise at that scale); once the row has spent ``budget_s``,
    no further run is started and the note says how many runs the median covers.
    """
    series = Series()
    slug = f"{row.key}-{row.tool.split()[0]}-j{row.jobs}" if row.jobs else f"{row.key}-{row.tool}"
    slug = slug.replace(" ", "_").replace("/", "_")
    spent = 0.0
    warmups_left = warmup
    attempt = 0
    while len(series.runs) < repeat:
        if spent > budget_s and series.runs:
            row.note = f"{len(series.runs)} of {repeat} runs (row budget {budget_s:.0f} s); " + (
                row.note
            )
            break
        warming = warmups_left > 0
        label = "warm-up" if warming else f"run {len(series.runs) + 1}"
        log(f"  {row.tool:<22} {label}")
        result = run_measured(
            row.command,
            cwd=cwd,
            timeout_s=timeout_s,
            out_dir=out_dir,
            tag=f"{slug}-{attempt}",
            env=env,
        )
        attempt += 1
        spent += result.wall_s
        failure = _describe_failure(result, timeout_s)
        if failure is None and check is not None:
            failure = check(result)
        if failure:
            row.status = failure
            row.timed_out_s = timeout_s if result.timed_out else None
            row.series = None
            return
        if warming:
            warmups_left -= 1
            if result.wall_s <= WARMUP_COUNTS_AFTER_S:
                continue
            warmups_left = 0
        series.runs.append(result)
    row.series = series


# -------------------------------------------------------------------------- table


def _fmt(value: float | None, spec: str) -> str:
    return format(value, spec) if value is not None else "-"


def render_table(rows: list[Row], repeat: int) -> str:
    headers = [
        "shape",
        "tool",
        f"wall s (median of {repeat})",
        "CPU s",
        "peak MB",
        "replies/s",
        "ratio vs replylint -j1",
        "note",
    ]
    body: list[list[str]] = []
    for row in rows:
        ref = _reference(rows, row.shape)
        ratio = row.wall / ref.wall if ref and ref.wall and row.wall else None
        cells = [
            row.shape,
            row.tool,
            _fmt(row.wall, ".2f"),
            _fmt(row.cpu, ".2f"),
            _fmt(row.peak_mb, ".0f"),
            _fmt(row.rate, ",.0f"),
            _fmt(ratio, ".2f"),
            row.note if row.ok else row.status,
        ]
        if row.timed_out_s:
            # Killed at the timeout: the figures are bounds.
            cells[2] = f">{row.timed_out_s:.0f}"
            cells[5] = f"<{row.replies / row.timed_out_s:,.0f}"
            if ref and ref.wall:
                cells[6] = f">{row.timed_out_s / ref.wall:.0f}"
        body.append(cells)
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(headers[:-1])]
    lines = []

    def fmt_cells(cells: list[str]) -> str:
        # Text columns left-aligned, figures right-aligned, the note column unpadded.
        padded = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells[:-1], widths, strict=True))
        ]
        return "  ".join([*padded, cells[-1]])

    lines.append(fmt_cells(headers))
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    previous = None
    for cells, row in zip(body, rows, strict=True):
        if previous is not None and row.shape != previous:
            lines.append("")
        previous = row.shape
        lines.append(fmt_cells(cells))
    return "\n".join(lines)


def _reference(rows: list[Row], shape: str, jobs: int = 1) -> Row | None:
    for row in rows:
        if row.shape == shape and row.jobs == jobs and row.ok:
            return row
    return None


def _peer(rows: list[Row], shape: str, tool: str, timed_out_too: bool = False) -> Row | None:
    for row in rows:
        usable = row.ok or (timed_out_too and row.timed_out_s is not None)
        if row.shape == shape and row.tool.split()[0] == tool and usable:
            return row
    return None


@dataclass
class Target:
    text: str
    value: str
    passed: bool | None  # None: could not be evaluated

    @property
    def mark(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a "}[self.passed]


def evaluate_targets(rows: list[Row], shape_labels: dict[str, str]) -> list[Target]:
    targets: list[Target] = []

    def speedup(shape: str, jobs: int, goal: float, text: str) -> None:
        if shape not in shape_labels:
            targets.append(Target(text, "shape not run", None))
            return
        ours = _reference(rows, shape_labels[shape], jobs)
        theirs = _peer(rows, shape_labels[shape], "proselint", timed_out_too=True)
        if ours is None or theirs is None or not ours.wall:
            missing = "replylint" if ours is None else "proselint"
            targets.append(Target(text, f"no {missing} figure", None))
            return
        if theirs.timed_out_s:
            factor = theirs.timed_out_s / ours.wall
            targets.append(Target(text, f">{factor:.2f}x (proselint timed out)", factor >= goal))
            return
        factor = (theirs.wall or 0.0) / ours.wall
        targets.append(Target(text, f"{factor:.2f}x", factor >= goal))

    speedup(
        "files",
        1,
        TARGET_SHAPE1_SPEEDUP,
        f"shape 1: replylint --jobs 1 >= {TARGET_SHAPE1_SPEEDUP:g}x proselint's speed",
    )
    speedup(
        "files",
        2,
        TARGET_SHAPE1_SPEEDUP,
        f"shape 1: replylint --jobs 2 >= {TARGET_SHAPE1_SPEEDUP:g}x proselint's speed",
    )
    speedup(
        "jsonl",
        1,
        TARGET_SHAPE2_J1_SPEEDUP,
        "shape 2: replylint --jobs 1 >= parity with proselint",
    )
    speedup(
        "jsonl",
        2,
        TARGET_SHAPE2_J2_SPEEDUP,
        f"shape 2: replylint --jobs 2 >= {TARGET_SHAPE2_J2_SPEEDUP:g}x proselint's speed",
    )
    for shape, jobs, goal in ISSUE_TARGETS:
        number = "1" if shape == "files" else "2"
        speedup(
            shape,
            jobs,
            goal,
            f"shape {number}: replylint --jobs {jobs} >= {goal:g}x proselint's speed (speed issue)",
        )
    ours = [r for r in rows if r.jobs is not None and r.ok and r.peak_mb is not None]
    text = f"replylint peak memory < {TARGET_PEAK_MB:g} MB (every replylint row)"
    if ours:
        peak = max(r.peak_mb or 0.0 for r in ours)
        targets.append(Target(text, f"max {peak:.0f} MB", peak < TARGET_PEAK_MB))
    else:
        targets.append(Target(text, "no replylint row", None))
    return targets


_SPEED_TARGETS = (
    ("files", 1, TARGET_SHAPE1_SPEEDUP),
    ("jsonl", 1, TARGET_SHAPE2_J1_SPEEDUP),
    ("jsonl", 2, TARGET_SHAPE2_J2_SPEEDUP),
)


def floor_budget(rows: list[Row], shape_labels: dict[str, str]) -> list[str]:
    """For each speed target: the wall time it allows, what spaCy alone (the floor
    row) takes of it, and what that leaves per reply for detection, rules and report."""
    lines = []
    for shape, jobs, goal in _SPEED_TARGETS:
        label = shape_labels.get(shape)
        floor = _peer(rows, label, "floor:") if label else None
        theirs = _peer(rows, label, "proselint") if label else None
        if floor is None or theirs is None or not floor.wall or not theirs.wall:
            continue
        allowed = theirs.wall / goal
        left = allowed - floor.wall
        per_reply = left / floor.replies * 1e6
        split = (
            f"; {jobs} processes could share the tokenizing, not the start-up" if jobs > 1 else ""
        )
        lines.append(
            f"{label}, {goal:g}x proselint with --jobs {jobs}: allows {allowed:.2f} s; "
            f"spaCy alone takes {floor.wall:.2f} s in one process, leaving {left:+.2f} s "
            f"({per_reply:+,.0f} us per reply) for language detection, seven rules and the "
            f"report{split}"
        )
    return lines


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time replylint against proselint, write-good and textlint.",
    )
    parser.add_argument(
        "--corpus",
        help=f"reply records (.jsonl) or a folder of replies (default: {DEFAULT_CORPUS}, "
        "else the repository's examples/)",
    )
    parser.add_argument(
        "--shapes",
        default="files,jsonl",
        help="comma-separated: files (shape 1), jsonl (shape 2); 1 and 2 also work",
    )
    parser.add_argument("--repeat", type=int, help="timed runs per row (median; default 3)")
    parser.add_argument("--warmup", type=int, help="untimed runs before them (default 1)")
    parser.add_argument("--files", type=int, help="shape 1 file count (default 1000)")
    parser.add_argument("--replies", type=int, help="shape 2 reply count (default 10000)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 100 files / 1,000 replies, repeat 1, no warm-up",
    )
    parser.add_argument("--replylint", help="replylint command (default: beside sys.executable)")
    parser.add_argument("--jobs", default="1,2", help="replylint --jobs values (default 1,2)")
    parser.add_argument(
        "--tools", default=",".join(ALL_TOOLS), help=f"subset of {','.join(ALL_TOOLS)}"
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="scratch folder")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per run before it is killed"
    )
    parser.add_argument(
        "--row-budget",
        type=float,
        default=300.0,
        help="seconds per row after which no further timed run starts (default 300)",
    )
    parser.add_argument(
        "--textlint-rules",
        default=",".join(DEFAULT_TEXTLINT_RULES),
        help=f"textlint rules, from {','.join(TEXTLINT_RULES)} "
        f"(default {','.join(DEFAULT_TEXTLINT_RULES)})",
    )
    parser.add_argument(
        "--install-timeout", type=float, default=600.0, help="seconds per install step"
    )
    parser.add_argument("--no-install", action="store_true", help="use existing peer installs only")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write figures as JSON")
    args = parser.parse_args(argv)
    args.repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    args.warmup = args.warmup if args.warmup is not None else (0 if args.quick else 1)
    args.files = args.files or (100 if args.quick else 1000)
    args.replies = args.replies or (1000 if args.quick else 10000)
    if args.repeat < 1 or args.warmup < 0 or args.files < 1 or args.replies < 1:
        parser.error("--repeat, --files and --replies must be >= 1, --warmup >= 0")
    aliases = {"1": "files", "2": "jsonl"}
    shapes = [aliases.get(s.strip(), s.strip()) for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown or not shapes:
        parser.error(f"unknown shape(s) {unknown}; use files,jsonl")
    args.shapes = list(dict.fromkeys(shapes))
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if any(t not in ALL_TOOLS for t in tools):
        parser.error(f"--tools: choose from {','.join(ALL_TOOLS)}")
    args.tools = tools
    rules = [r.strip() for r in args.textlint_rules.split(",") if r.strip()]
    if not rules or any(r not in TEXTLINT_RULES for r in rules):
        parser.error(f"--textlint-rules: choose from {','.join(TEXTLINT_RULES)}")
    args.textlint_rules = rules
    try:
        args.jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    except ValueError:
        parser.error("--jobs: comma-separated integers")
    return args


def measure_row(
    row: Row,
    args: argparse.Namespace,
    out: Path,
    *,
    cwd: Path | None = None,
    check: Callable[[RunResult], str | None] | None = None,
) -> bool:
    """`measure` with the run settings of `args`; False (and the row marked
    unavailable) when the command cannot be started at all."""
    try:
        measure(
            row,
            cwd=cwd,
            repeat=args.repeat,
            warmup=args.warmup,
            timeout_s=args.timeout,
            out_dir=out,
            budget_s=args.row_budget,
            env=args.child_env,
            check=check,
        )
    except OSError as err:
        row.status = f"unavailable: {err}"
        return False
    return True


def replylint_row(
    shape: ShapeInput, jobs: int, base: list[str] | None, args: argparse.Namespace, out: Path
) -> Row:
    """Time ``replylint check --format json --fail-on never --no-cache --jobs J`` on one
    shape (without the result cache: after the warm-up run every reply would be a hit,
    and the row would time the cache, which startup.py measures on its own)."""
    row = Row(shape.label, shape.name, f"replylint --jobs {jobs}", replies=shape.replies, jobs=jobs)
    if base is None:
        row.status = "unavailable: no replylint beside sys.executable nor on PATH"
        return row
    row.command = [
        *base,
        *("check", "--format", "json", "--fail-on", "never", "--no-cache", "--jobs", str(jobs)),
        str(shape.replylint_path),
    ]
    row.note = "reads the .jsonl" if shape.name == "jsonl" else "reads the folder"
    counts: list[int | None] = []

    def check(result: RunResult) -> str | None:
        # --fail-on never: anything but 0 (1 tolerated) is a usage or input error.
        if result.returncode not in (0, 1):
            return f"failed: exit {result.returncode}: {result.stderr_tail() or 'no message'}"
        counts.append(count_replylint_results(result.stdout_path))
        return None

    if not measure_row(row, args, out, check=check):
        return row
    reported = counts[-1] if counts else None
    if row.ok and reported != shape.replies:
        seen = "no parsable JSON" if reported is None else f"{reported} results"
        row.note += f"; WARNING: {seen}, expected {shape.replies}"
    return row


def peer_row(
    shape: ShapeInput, tool: str, install: Install, args: argparse.Namespace, out: Path
) -> Row:
    """Time one peer on one shape (its exit code is ignored)."""
    row = Row(shape.label, shape.name, f"{tool} {install.version}".strip(), replies=shape.replies)
    if install.command is None:
        row.status = f"unavailable: {install.reason}"
        return row
    paths = shape.file_list if tool == "write-good" else shape.peer_paths
    row.command = [*install.command, *(str(p) for p in paths)]
    notes = []
    if shape.name == "jsonl":
        notes.append("one .txt, replies separated by blank lines")
    elif tool == "write-good":
        notes.append(f"{len(paths)} file arguments")
    else:
        notes.append("reads the folder")
    if "rules" in install.extra:
        notes.append(f"rules: {install.extra['rules']}")
    row.note = "; ".join(notes)
    measure_row(row, args, out, cwd=install.cwd)
    return row


def floor_row(shape: ShapeInput, args: argparse.Namespace, out: Path) -> Row:
    """Time spacy_floor.py (spaCy start-up + tokenizing, no rule) on one shape."""
    row = Row(shape.label, shape.name, FLOOR_TOOL, replies=shape.replies)
    row.command = [sys.executable, str(FLOOR_SCRIPT), str(shape.replylint_path)]
    row.note = "not a linter: imports, two tokenizers, tokenizing; no rule (spacy_floor.py)"

    def check(result: RunResult) -> str | None:
        if result.returncode != 0:
            return f"failed: exit {result.returncode}: {result.stderr_tail() or 'no message'}"
        return None

    measure_row(row, args, out, check=check)
    return row


def install_peers(args: argparse.Namespace, cache: Path) -> dict[str, Install]:
    installers: dict[str, Callable[[Path, float, bool], Install]] = {
        "proselint": install_proselint,
        "write-good": install_write_good,
        "textlint": lambda c, t, a: install_textlint(c, t, a, args.textlint_rules),
    }
    installs: dict[str, Install] = {}
    for tool, installer in installers.items():
        if tool not in args.tools:
            continue
        try:
            installs[tool] = installer(cache, args.install_timeout, not args.no_install)
        except OSError as err:
            installs[tool] = Install(None, reason=str(err))
    return installs


def print_report(
    rows: list[Row],
    targets: list[Target],
    budget: list[str],
    *,
    args: argparse.Namespace,
    corpus: Path,
    distinct: int,
    replylint_cmd: list[str] | None,
    shape_names: set[str],
    cache: Path,
    elapsed: float,
    load_at_start: str,
) -> None:
    print(f"corpus: {corpus} ({distinct} distinct replies, repeated as needed)")
    if "replylint" in args.tools:
        print(f"replylint: {shlex.join(replylint_cmd) if replylint_cmd else 'not found'}")
    print(
        f"runs: {args.warmup} warm-up + {args.repeat} timed per row; "
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average at start {load_at_start}"
    )
    print()
    print(render_table(rows, args.repeat))
    print()
    print("Targets:")
    for target in targets:
        print(f"  [{target.mark}] {target.text}: {target.value}")
    print()
    if budget:
        print("What spaCy alone leaves of each speed target (floor row):")
        for line in budget:
            print(textwrap.fill(line, width=88, initial_indent="  - ", subsequent_indent="    "))
        print()
    notes = [
        "wall s: whole-process wall time (spawn to exit, interpreter/node startup included),"
        " median of the timed runs; replies/s = replies / that median. CPU s: user + system"
        " time of the process tree (median); wall well above CPU for a single-process tool"
        " means the machine was busy.",
        f"peak MB: {MEMORY_METHOD}; max over the timed runs.",
        "ratio: tool wall time / replylint --jobs 1 wall time on the same shape"
        " (> 1 means slower than replylint).",
    ]
    if "jsonl" in shape_names:
        notes.append(
            "shape 2: replylint reads the .jsonl export; proselint, write-good and textlint"
            " cannot read JSONL, so they get the same texts as ONE plain .txt file with the"
            " replies separated by blank lines."
        )
    notes += [
        "the peers' exit codes are ignored (linters exit non-zero on findings); a run counts"
        " as failed only when it exits non-zero with no output, or times out.",
        f"peers installed in {cache} (reused when present); benchmark took {elapsed:.0f} s.",
    ]
    print("Notes:")
    for note in notes:
        print(textwrap.fill(note, width=88, initial_indent="  - ", subsequent_indent="    "))


def _load_average() -> str:
    """1-minute load average: timings are only comparable on an otherwise idle machine."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cache: Path = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    out_dir = cache / "runs"
    args.child_env = child_env(cache)

    corpus_path = resolve_corpus(args.corpus)
    records = load_corpus(corpus_path)
    if not records:
        log(f"no replies found in {corpus_path}")
        return 2
    log(f"corpus: {corpus_path} ({len(records)} replies)")

    installs = install_peers(args, cache)
    replylint_cmd = find_replylint(args.replylint) if "replylint" in args.tools else None

    shapes = [
        build_files_shape(records, args.files, cache / "inputs")
        if name == "files"
        else build_jsonl_shape(records, args.replies, cache / "inputs")
        for name in args.shapes
    ]

    load_at_start = _load_average()
    rows: list[Row] = []
    started = time.perf_counter()
    for shape in shapes:
        log(shape.label)
        if "replylint" in args.tools:
            rows += [replylint_row(shape, j, replylint_cmd, args, out_dir) for j in args.jobs]
        rows += [
            peer_row(shape, tool, install, args, out_dir) for tool, install in installs.items()
        ]
        if "spacy-floor" in args.tools:
            rows.append(floor_row(shape, args, out_dir))
    elapsed = time.perf_counter() - started

    shape_labels = {s.name: s.label for s in shapes}
    targets = evaluate_targets(rows, shape_labels)
    budget = floor_budget(rows, shape_labels)
    print_report(
        rows,
        targets,
        budget,
        args=args,
        corpus=corpus_path,
        distinct=len(records),
        replylint_cmd=replylint_cmd,
        shape_names=set(shape_labels),
        cache=cache,
        elapsed=elapsed,
        load_at_start=load_at_start,
    )

    if args.json:
        payload = {
            "corpus": str(corpus_path),
            "corpus_replies": len(records),
            "replylint": replylint_cmd,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "memory_method": MEMORY_METHOD,
            "machine": machine_info(),
            "shapes": [{"name": s.name, "label": s.label, "replies": s.replies} for s in shapes],
            "rows": [_row_json(row, rows) for row in rows],
            "targets": [{"target": t.text, "value": t.value, "passed": t.passed} for t in targets],
            "floor_budget": budget,
            "elapsed_s": elapsed,
            "load_average_at_start": load_at_start,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"wrote {args.json}")
    return 0


def _row_json(row: Row, rows: list[Row]) -> dict[str, object]:
    ref = _reference(rows, row.shape)
    ratio = row.wall / ref.wall if ref and ref.wall and row.wall else None
    return {
        "shape": row.shape,
        "tool": row.tool,
        "status": row.status,
        "command": row.command,
        "replies": row.replies,
        "wall_s_median": row.wall,
        "wall_s_runs": row.series.walls if row.ok and row.series else [],
        "cpu_s_median": row.cpu,
        "peak_rss_mb": row.peak_mb,
        "replies_per_s": row.rate,
        "ratio_to_replylint_j1": ratio,
        "timed_out_after_s": row.timed_out_s,
        "note": row.note,
    }


if __name__ == "__main__":
    sys.exit(main())
