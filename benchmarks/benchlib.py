"""Shared helpers for the benchmark scripts: corpus loading, finding replylint, timed runs.

Standard library only. Memory is measured without psutil: while a child runs, the
/proc tree is polled and the resident set sizes of every process in the child's
session are summed (the child is started in its own session, so its whole process
tree — e.g. replylint's ``--jobs`` workers or npm's node — is counted); the figure
kept is the larger of that polled peak and ``wait4()``'s ``ru_maxrss`` (the largest
single process of the tree, which catches spikes shorter than a polling interval).
Where /proc is missing (macOS), only ``ru_maxrss`` is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE = BENCH_DIR / ".cache"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "dev.jsonl"
FALLBACK_CORPUS = REPO_ROOT / "examples"

POLL_INTERVAL_S = 0.02
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_HAVE_PROC = Path("/proc/self/stat").exists()

MEMORY_METHOD = (
    "peak RSS of the child's whole process tree: sum of RSS over the processes of its "
    f"session, polled from /proc every {POLL_INTERVAL_S * 1000:.0f} ms, or wait4() "
    "ru_maxrss (largest single process) if higher"
    if _HAVE_PROC
    else "wait4() ru_maxrss of the child tree (largest single process; /proc unavailable)"
)

# Fields of a reply record (docs/record-fields.md) kept when writing a JSONL export; labels such
# as "expected" and "note" are dropped so the export looks like a helpdesk's.
RECORD_FIELDS = (
    "id",
    "text",
    "channel",
    "incoming",
    "language",
    "agent",
    "brand",
    "customer",
    "saved_reply",
    "faq",
)


# --------------------------------------------------------------------------- corpus


def _document_text(raw: str) -> str:
    """Reply text of a reply document: front matter and quoted (``>``) lines removed."""
    lines = raw.splitlines()
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                lines = lines[i + 1 :]
                break
    return "\n".join(line for line in lines if not line.startswith(">")).strip()


def _records_from_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                yield record


def load_corpus(path: Path) -> list[dict[str, object]]:
    """Reply records (dicts with at least ``id`` and ``text``) from a JSONL file or a folder.

    A folder is read for ``*.jsonl`` collections and ``*.txt``/``*.md``/``*.reply``
    documents (the repository's ``examples/`` is the fallback corpus).
    """
    records: list[dict[str, object]] = []
    if path.is_file():
        records.extend(_records_from_jsonl(path))
    elif path.is_dir():
        for item in sorted(path.rglob("*")):
            if not item.is_file():
                continue
            if item.suffix == ".jsonl":
                records.extend(_records_from_jsonl(item))
            elif item.suffix in {".txt", ".md", ".reply"}:
                text = _document_text(item.read_text(encoding="utf-8", errors="replace"))
                if text:
                    records.append({"id": item.stem, "text": text})
    out: list[dict[str, object]] = []
    for i, record in enumerate(records):
        text = str(record["text"]).strip()
        if not text:
            continue
        kept = {k: record[k] for k in RECORD_FIELDS if k in record}
        kept["id"] = str(record.get("id", i))
        kept["text"] = text
        out.append(kept)
    return out


def resolve_corpus(arg: str | None) -> Path:
    """The corpus path: ``--corpus``, else the shared dev set, else ``examples/``."""
    if arg:
        path = Path(arg).expanduser()
        if not path.exists():
            raise SystemExit(f"corpus not found: {path}")
        return path
    if DEFAULT_CORPUS.exists():
        return DEFAULT_CORPUS
    return FALLBACK_CORPUS


def cycle_records(records: Sequence[dict[str, object]], n: int) -> list[dict[str, object]]:
    """``n`` records, repeating the corpus as needed; repeats get unique ids."""
    if not records:
        raise SystemExit("the corpus has no reply with text")
    out: list[dict[str, object]] = []
    for i in range(n):
        record = dict(records[i % len(records)])
        round_ = i // len(records)
        if round_:
            record["id"] = f"{record['id']}~{round_}"
        out.append(record)
    return out


def write_jsonl(path: Path, records: Sequence[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# ----------------------------------------------------------------------- replylint


def find_replylint(arg: str | None) -> list[str] | None:
    """The replylint command: ``--replylint``, else the script beside sys.executable, else PATH."""
    if arg:
        return shlex.split(arg)
    beside = Path(sys.executable).parent / ("replylint.exe" if os.name == "nt" else "replylint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("replylint")
    return [found] if found else None


def count_replylint_results(stdout_path: Path) -> int | None:
    """Number of entries in ``results`` of a ``replylint check --format json`` output."""
    try:
        payload = json.loads(stdout_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    results = payload.get("results") if isinstance(payload, dict) else None
    return len(results) if isinstance(results, list) else None


# ---------------------------------------------------------------------- timed runs


@dataclass
class RunResult:
    """One child process run: whole-process wall time and peak memory."""

    wall_s: float
    peak_rss_bytes: int
    cpu_s: float  # user + system time of the child and its reaped descendants
    returncode: int | None
    timed_out: bool
    stdout_path: Path
    stderr_path: Path

    def stderr_tail(self, limit: int = 300) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        text = " ".join(text.split())
        return text[-limit:]


def session_stats(sid: int) -> list[list[bytes]] | None:
    """The /proc/PID/stat fields after the command name (state, ppid, pgrp, session,
    ...) of every live process whose session id is ``sid``; None without /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    found = []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 21 and int(fields[3]) == sid:
            found.append(fields)
    return found


def _session_rss_bytes(sid: int) -> int:
    """Sum of RSS over the live processes whose session id is ``sid``."""
    # rss is the 24th field of stat, the 22nd after the command name.
    return sum(int(fields[21]) for fields in session_stats(sid) or ()) * _PAGE_SIZE


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def _kill_tree(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def child_env(cache: Path) -> dict[str, str]:
    """The environment for timed children: this one, with bytecode caching on.

    A machine-wide PYTHONDONTWRITEBYTECODE would make every run of a Python tool
    recompile its modules, which no user's normal setup does. The cache goes under
    ``cache/pycache`` (PYTHONPYCACHEPREFIX) so that nothing is written beside the
    sources of the tools (replylint's src/ included); the warm-up run fills it.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    return env


def run_measured(
    cmd: Sequence[str],
    *,
    cwd: Path | None = None,
    timeout_s: float,
    out_dir: Path,
    tag: str,
    env: dict[str, str] | None = None,
    measure_memory: bool = True,
) -> RunResult:
    """Run ``cmd`` once in its own session; stdout/stderr go to files in ``out_dir``.

    The wall time covers the whole process, from spawn to reaping. On timeout the
    whole process group is killed and ``timed_out`` is set.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stdout_path = out_dir / f"{tag}.stdout"
    stderr_path = out_dir / f"{tag}.stderr"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        reaped: dict[str, object] = {}

        def reap() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            reaped["end"] = time.perf_counter()
            reaped["status"] = status
            reaped["maxrss"] = _maxrss_bytes(usage.ru_maxrss)
            reaped["cpu"] = usage.ru_utime + usage.ru_stime

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        polled_peak = 0
        timed_out = False
        poll = measure_memory and _HAVE_PROC
        while waiter.is_alive():
            if poll:
                polled_peak = max(polled_peak, _session_rss_bytes(proc.pid))
            waiter.join(POLL_INTERVAL_S)
            if waiter.is_alive() and time.perf_counter() - start > timeout_s:
                timed_out = True
                _kill_tree(proc.pid)
                waiter.join()
        # Grandchildren left behind (daemonised helpers) must not outlive the run.
        _kill_tree(proc.pid)
    status = reaped.get("status")
    returncode = os.waitstatus_to_exitcode(status) if isinstance(status, int) else None
    proc.returncode = returncode if returncode is not None else -1
    end = reaped.get("end")
    wall = (end if isinstance(end, float) else time.perf_counter()) - start
    maxrss = reaped.get("maxrss")
    peak = max(polled_peak, maxrss if isinstance(maxrss, int) else 0)
    cpu = reaped.get("cpu")
    cpu_s = cpu if isinstance(cpu, float) else 0.0
    return RunResult(wall, peak, cpu_s, returncode, timed_out, stdout_path, stderr_path)


@dataclass
class Series:
    """Repeated timed runs of one command."""

    runs: list[RunResult] = field(default_factory=list)

    @property
    def walls(self) -> list[float]:
        return [r.wall_s for r in self.runs]

    @property
    def median_wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu_s for r in self.runs)

    @property
    def peak_rss_bytes(self) -> int:
        return max(r.peak_rss_bytes for r in self.runs)


def machine_info() -> dict[str, object]:
    import platform

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }
