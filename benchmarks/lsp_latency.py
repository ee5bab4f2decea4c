#!/usr/bin/env python3
"""Language server latency: time from a didChange to fresh publishDiagnostics.

Starts ``replylint lsp`` over stdio (raw JSON-RPC, standard library only), opens a
~2,000-character draft built from the corpus, then types after its last sentence one
character per keystroke at human speed (``--interval-ms``, default 200 ms: about 60
words a minute), words separated by spaces, so every version is a text the server has
not linted before. Each sample is the wall time from a keystroke's didChange to the
first publishDiagnostics for that version or a later one: what the writer waits for.

By default the server runs with its default settings (no ``debounceMs`` is sent), so
the figure is what a user sees; ``--debounce-ms N`` sets the debounce instead.
Nothing is subtracted. The load average is printed: on a busy machine the figures
grow.

For reference the same texts are also linted in-process (engine only), which
separates the engine's time from the server's overhead (JSON-RPC, positions,
scheduling).

Usage: ``python benchmarks/lsp_latency.py [-n 200] [--interval-ms 200] [--json OUT]``.
Targets (default settings): median <= 40 ms, p95 <= 80 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from benchlib import load_corpus, resolve_corpus

DRAFT_CHARS = 2_000
TARGET_MEDIAN_MS = 40.0
TARGET_P95_MS = 80.0


class Connection:
    """A minimal LSP client: Content-Length frames over the child's stdin/stdout."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True).start()
        self.stderr: list[bytes] = []

    def _drain(self, stream: BinaryIO) -> None:
        for line in stream:
            self.stderr.append(line)

    def _read(self, stream: BinaryIO) -> None:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put({"_eof": True})
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            message["_received"] = time.perf_counter()
            if "method" in message and "id" in message:
                self._answer(message)
            self.messages.put(message)

    def _answer(self, request: dict[str, Any]) -> None:
        method = request["method"]
        if method == "workspace/configuration":
            result: Any = [None for _ in request["params"]["items"]]
        else:
            result = None
        self.send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def send(self, payload: dict[str, Any]) -> float:
        body = json.dumps(payload).encode("utf-8")
        with self._lock:
            assert self.proc.stdin is not None
            sent = time.perf_counter()
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()
        return sent

    def request(self, method: str, params: Any, timeout: float = 120) -> Any:
        self._next_id += 1
        wanted = self._next_id
        self.send({"jsonrpc": "2.0", "id": wanted, "method": method, "params": params})
        message = self.wait(lambda m: m.get("id") == wanted and "method" not in m, timeout)
        if "error" in message:
            raise RuntimeError(f"{method} failed: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: Any) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, predicate: Any, timeout: float) -> dict[str, Any]:
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError("no answer from the server")
            message = self.messages.get(timeout=remaining)
            if message.get("_eof"):
                tail = b"".join(self.stderr[-20:]).decode("utf-8", "replace")
                raise RuntimeError(f"the server exited\n{tail}")
            if predicate(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def build_draft(corpus: Path) -> str:
    """About 2,000 characters of real reply text, in one reply document."""
    records = load_corpus(corpus)
    texts = [str(r["text"]) for r in records if str(r.get("language", "en")) in ("en", "")] or [
        str(r["text"]) for r in records
    ]
    body = ""
    for text in texts:
        if len(body) >= DRAFT_CHARS:
            break
        body += text.strip() + "\n\n"
    if not body:
        body = "Hi Sam,\nthanks for writing. We checked your order and it ships today.\n\n" * 30
    header = "---\nchannel: private\n---\n"
    return header + body[: DRAFT_CHARS - len(header)].rstrip() + "\n"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def position(text: str, offset: int) -> dict[str, int]:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    prefix = text[start:offset]
    return {"line": line, "character": len(prefix.encode("utf-16-le")) // 2}


def run(args: argparse.Namespace) -> dict[str, Any]:
    draft = build_draft(resolve_corpus(args.corpus))
    workspace = Path(tempfile.mkdtemp(prefix="replylint-lsp-bench-"))
    if args.select:
        names = ", ".join(json.dumps(n.strip()) for n in args.select.split(",") if n.strip())
        (workspace / "replylint.toml").write_text(f"select = [{names}]\n", encoding="utf-8")
    draft_path = workspace / "draft.reply"
    draft_path.write_text(draft, encoding="utf-8")
    uri = draft_path.as_uri()
    command = args.server.split() if args.server else [sys.executable, "-m", "replylint", "lsp"]

    started = time.perf_counter()
    conn = Connection(command, workspace)
    conn.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": workspace.as_uri(),
            "workspaceFolders": [{"uri": workspace.as_uri(), "name": "bench"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"configuration": True},
                "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            },
            "initializationOptions": {}
            if args.debounce_ms is None
            else {"debounceMs": args.debounce_ms},
        },
    )
    conn.notify("initialized", {})
    conn.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "reply", "version": 1, "text": draft}},
    )
    first = conn.wait(
        lambda m: (
            m.get("method") == "textDocument/publishDiagnostics" and m["params"]["version"] == 1
        ),
        timeout=120,
    )
    startup_s = first["_received"] - started
    findings_open = len(first["params"]["diagnostics"])

    text = draft
    cursor = text.rindex(".") + 1  # type after the last full stop
    samples: list[float] = []
    engine_texts: list[str] = []
    version = 1
    interval = args.interval_ms / 1000
    next_key = time.perf_counter()
    # Words never seen before (" thanks0 thanks1 ..."), one character a keystroke.
    keystrokes = "".join(f" thanks{k}" for k in range(args.warmup + args.n))
    for i in range(args.warmup + args.n):
        version += 1
        char = keystrokes[i]
        change = {
            "range": {"start": position(text, cursor), "end": position(text, cursor)},
            "text": char,
        }
        text = text[:cursor] + char + text[cursor:]
        cursor += 1
        sent = conn.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
        wanted = version
        message = conn.wait(
            lambda m, v=wanted: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and (m["params"].get("version") or 0) >= v
            ),
            timeout=60,
        )
        if i >= args.warmup:
            samples.append((message["_received"] - sent) * 1000)
            engine_texts.append(text)
        next_key = max(next_key + interval, time.perf_counter())
        time.sleep(max(0.0, next_key - time.perf_counter()))
    conn.close()

    engine_ms = engine_reference(engine_texts[: args.engine_samples], workspace)
    return {
        "edits": len(samples),
        "draft_chars": len(draft),
        "findings_on_open": findings_open,
        "debounce_ms": "server default" if args.debounce_ms is None else args.debounce_ms,
        "interval_ms": args.interval_ms,
        "rules": args.select or "all installed",
        "startup_to_first_diagnostics_s": round(startup_s, 2),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
        "min_ms": round(min(samples), 2),
        "engine_median_ms": round(statistics.median(engine_ms), 2) if engine_ms else None,
        "engine_p95_ms": round(percentile(engine_ms, 95), 2) if engine_ms else None,
    }


def engine_reference(texts: list[str], workspace: Path) -> list[float]:
    """The same edits linted in-process, engine only (parse_document + Engine.lint),
    with the workspace's config like the server."""
    if not texts:
        return []
    from replylint.config import load_config
    from replylint.engine import Engine
    from replylint.inputs.documents import parse_document

    engine = Engine(load_config(workspace))
    engine.lint(parse_document(texts[0]).reply)
    out = []
    for text in texts:
        start = time.perf_counter()
        engine.lint(parse_document(text).reply)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="measured edits (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="edits before measuring")
    parser.add_argument(
        "--debounce-ms", type=int, help="server debounceMs (default: the server's default)"
    )
    parser.add_argument(
        "--interval-ms", type=int, default=200, help="time between keystrokes (default 200)"
    )
    parser.add_argument("--select", help="only these rules (comma-separated; default: all)")
    parser.add_argument("--corpus", help="JSONL corpus or folder (default: the shared dev set)")
    parser.add_argument("--server", help="server command line (default: python -m replylint lsp)")
    parser.add_argument(
        "--engine-samples", type=int, default=200, help="in-process reference lints"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()
    load_before = os.getloadavg()
    figures = run(args)
    figures["load_average"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    print(
        f"replylint lsp latency: didChange -> fresh publishDiagnostics ({figures['edits']} edits)"
    )
    print(
        f"  draft: {figures['draft_chars']} characters, {figures['findings_on_open']} diagnostics on open"
    )
    print(f"  rules: {figures['rules']}")
    print(
        f"  debounce: {figures['debounce_ms']}; a keystroke every {figures['interval_ms']} ms;"
        f" load average before {figures['load_average'][:3]}, after {figures['load_average'][3:]}"
    )
    print(f"  startup to first diagnostics: {figures['startup_to_first_diagnostics_s']} s")
    print(
        f"  median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"min {figures['min_ms']} ms, max {figures['max_ms']} ms"
    )
    if figures["engine_median_ms"] is not None:
        print(
            f"  engine alone (in-process): median {figures['engine_median_ms']} ms, "
            f"p95 {figures['engine_p95_ms']} ms"
        )
    ok = figures["median_ms"] <= TARGET_MEDIAN_MS and figures["p95_ms"] <= TARGET_P95_MS
    print(
        f"  target median <= {TARGET_MEDIAN_MS:g} ms, p95 <= {TARGET_P95_MS:g} ms: "
        f"{'met' if ok else 'NOT met'}"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
