"""Hostile inputs for every door's parser, and what each door must do with them.

Shared by `test_fuzz_properties.py` (a few dozen examples per door, in the suite) and
`benchmarks/fuzz.py` (10,000 per door): the same generators, the same verdicts.

Each `try_*` function feeds one generated input to a door, in-process, and returns
the broken promises it saw (an empty list when the door behaved): a traceback or
internal error, a 500, a position outside the text, a valid record that was not
linted because a bad one stood beside it. A door may refuse input (exit 2, a 4xx,
an input error, a problem diagnostic): refusing is behaving.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import anyio
import httpx
from hypothesis import strategies as st

from replylint import cli, hook
from replylint.engine import Engine
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.kinds import SNIFF_BYTES
from replylint.inputs.record import RECORD_FIELDS, RecordError, parse_record
from replylint.lsp.linting import lint_text
from replylint.service.app import create_app

LANGUAGES = ("en", "fr")
MAX_DOCUMENT = 200_000  # the language server's default maxDocumentSize
ONE_MB = 1_000_000

# --- generators -----------------------------------------------------------------------

# Characters that break naive text handling: lone surrogates, C0/C1 controls, NUL,
# zero-width and bidirectional marks, line separators, a BOM, combining marks.
SURROGATES = ("\ud800", "\udbff", "\udc00", "\udfff")
CONTROLS = tuple(chr(c) for c in (*range(0x00, 0x20), 0x7F, 0x85, 0x9B))
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
RIGHT_TO_LEFT = ("\u200f", "\u202e", "\u202b", "\u2067", "שלום", "مرحبا", "\u05d0\u0301")
SEPARATORS = ("\u2028", "\u2029", "\r\n", "\r", "\n\n")
# Pieces of real replies and of the formats, so inputs reach past the first check.
PIECES = (
    "Hi Sam, ",
    "Bonjour Claire, ",
    "your order 48213377 shipped. ",
    "– Marie",
    "^MK",
    "Dear valued customer, ",
    "Please send us your password. ",
    "4111 1111 1111 1111",
    "{{first_name}}",
    "[NAME]",
    "https://x.example/?utm_source=a",
    "20% off!! ",
    "---\n",
    "> Where is my order?\n",
    "channel: public\n",
    '"',
    "'",
    ",",
    "{",
    "}",
    "[",
    "]",
    ":",
    "\\u00e9",
    "\\ud800",
    "👍🏽",
    "é",
    "e\u0301",
)

nasty_char = st.one_of(
    st.characters(exclude_categories=()),  # every code point, surrogates included
    st.sampled_from((*SURROGATES, *CONTROLS, *ZERO_WIDTH, *RIGHT_TO_LEFT, *SEPARATORS)),
)
nasty_text = st.lists(st.one_of(nasty_char, st.sampled_from(PIECES)), max_size=40).map("".join)
# A megabyte of one repeated unit (random content of that size would take hypothesis
# longer to draw than the door takes to read).
huge_text = st.tuples(st.sampled_from(PIECES + RIGHT_TO_LEFT), nasty_text).map(
    lambda pair: ((pair[0] + pair[1]) * (ONE_MB // max(1, len(pair[0] + pair[1])) + 1))[:ONE_MB]
)
# One draw in about fifty is a megabyte: met in every run, rare enough that the
# doors that lint every input stay quick (a megabyte takes seconds to lint). Not
# `one_of` or an integer bound: hypothesis favours those, and it keeps every
# generated value of a run in memory.
any_text = st.sampled_from(range(50)).flatmap(lambda n: huge_text if n == 37 else nasty_text)


def _nested(depth: int, kind: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value] if kind == 0 else {"text": value}
    return value


# Nested values (kept under the depth hypothesis can print); deeper nesting, past
# Python's recursion limit, is sent as JSON text (`deep_json`).
deep_value = st.tuples(st.integers(1, 200), st.integers(0, 1)).map(lambda t: _nested(*t))
deep_json = st.tuples(st.integers(1, 5000), st.sampled_from(("[", '{"text":'))).map(
    lambda t: t[1] * t[0] + '"x"' + ("]" if t[1] == "[" else "}") * t[0]
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30, max_value=10**40),
    st.floats(),
    nasty_text,
)
json_value = st.recursive(
    json_scalar,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(nasty_text, children, max_size=4)
    ),
    max_leaves=12,
)
# The record fields, their near misses, and keys of no field at all.
field_names = st.one_of(
    st.sampled_from((*RECORD_FIELDS, "meta", "replylint-ignore", "chanel", "txt", "langauge")),
    nasty_text,
)
# A value for a field: often the right type (so parsing goes on), often not.
field_value = st.one_of(
    nasty_text,
    st.sampled_from(("public", "private", "chat", "email", "en", "fr", "de", "", " ")),
    json_value,
    deep_value,
)
bad_record = st.one_of(
    st.dictionaries(field_names, field_value, max_size=8),
    st.fixed_dictionaries({"text": any_text}, optional={"channel": field_value}),
    json_value,
)


def good_record(number: int) -> dict[str, Any]:
    """A record every door must lint, whatever stands beside it."""
    return {
        "id": f"good-{number}",
        "text": "Hi Sam, your parcel left today and arrives Friday. – Marie",
        "channel": "private",
        "language": "en",
    }


GOOD_ID = "good-1"


@dataclass(frozen=True)
class Collection:
    """A collection file's text; `good` is True when a good record sits in a part of
    the file a bad record cannot make unreadable (its own line, or valid syntax)."""

    kind: str  # "json", "jsonl", "yaml", "csv"
    text: str
    good: bool

    @property
    def expect_good(self) -> bool:
        """A file with a lone surrogate is written as bytes that are not UTF-8: it
        is refused whole (an input error naming the byte), good record included; so
        is one that reads as binary."""
        if any("\ud800" <= char <= "\udfff" for char in self.text):
            return False
        # NUL bytes where the file is sniffed: binary data, skipped whole.
        return self.good and "\x00" not in self.text[:SNIFF_BYTES]


def _csv_text(rows: list[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text", "channel", "language"])
    for row in rows:
        writer.writerow([_cell(row.get(k)) for k in ("id", "text", "channel", "language")])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)[:200]


def _dump_json(value: Any, ascii: bool = False) -> str | None:
    try:
        return json.dumps(value, ensure_ascii=ascii)
    except (RecursionError, ValueError):
        return None


@st.composite
def collections(draw: st.DrawFn) -> Collection:
    """A collection of each kind: a good record and a bad one, or raw garbage."""
    kind = draw(st.sampled_from(("json", "jsonl", "yaml", "csv", "macros")))
    bad = draw(bad_record)
    good = good_record(1)
    garbage = draw(any_text)
    if kind == "jsonl":
        # Line-based: a broken line costs that line only, wherever the good one is.
        bad_line = draw(
            st.one_of(st.just(_dump_json(bad)), st.just(garbage.replace("\n", " ")), deep_json)
        )
        lines = [bad_line or "{", json.dumps(good)]  # the good line is plain ASCII
        if draw(st.booleans()):
            lines.reverse()
        return Collection("jsonl", "\n".join(lines) + "\n", True)
    if kind == "csv":
        if draw(st.booleans()):
            return Collection("csv", draw(any_text), False)
        rows = [good, bad if isinstance(bad, dict) else {"text": bad}]
        return Collection("csv", _csv_text(rows) + garbage, True)
    if kind == "macros":
        macro = {"id": 7, "title": "Shipped", "actions": [{"field": "comment_value", "value": bad}]}
        body = _dump_json({"macros": [macro, draw(json_value)]})
        return Collection("json", body or garbage, False)
    records = [good, bad]
    if draw(st.booleans()):
        records.reverse()
    if kind == "yaml":
        import yaml

        try:
            body = yaml.safe_dump(records, allow_unicode=True)
        except (yaml.YAMLError, RecursionError):
            return Collection("yaml", garbage, False)
        return Collection("yaml", body, True)
    body = _dump_json(records, ascii=draw(st.booleans()))  # escaped or raw characters
    return (
        Collection("json", body, True) if body is not None else Collection("json", garbage, False)
    )


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A reply document: optional front matter (valid YAML or not), quoted lines, body."""
    parts = []
    if draw(st.booleans()):
        front = draw(st.one_of(st.dictionaries(field_names, field_value, max_size=5), json_value))
        try:
            import yaml

            rendered = yaml.safe_dump(front, allow_unicode=True)
        except Exception:
            rendered = draw(nasty_text)
        parts.append(f"---\n{rendered}---\n")
    for _ in range(draw(st.integers(0, 2))):
        parts.append("> " + draw(nasty_text) + "\n")
    parts.append(draw(any_text))
    return "".join(parts)


# What stdin holds for the hook: JSON (a record, garbage, deep nesting) or text, as
# bytes that may not even be UTF-8.
hook_stdin = st.one_of(
    st.tuples(bad_record, st.booleans()).map(
        lambda pair: (_dump_json(*pair) or "{").encode("utf-8", "surrogatepass")
    ),
    any_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    st.integers(1, 5000).map(lambda d: ("{" + '"a":[' * d).encode()),
    deep_json.map(lambda text: ("{" + '"text":' + text + "}").encode()),
)
hook_flags = st.sampled_from(
    ([], ["--input", "json"], ["--input", "text"], ["--channel", "public"], ["--language", "fr"])
)


@st.composite
def http_requests(draw: st.DrawFn) -> tuple[str, bytes, str]:
    """(path, body, content type) for /v1/check or /v1/check/batch."""
    path = draw(st.sampled_from(("/v1/check", "/v1/check/batch")))
    if path == "/v1/check":
        payload: Any = draw(bad_record)
    else:
        replies = draw(st.lists(bad_record, max_size=3))
        at = draw(st.integers(0, len(replies)))
        payload = {"replies": [*replies[:at], good_record(1), *replies[at:]]}
    body = (_dump_json(payload, draw(st.booleans())) or "{").encode("utf-8", "surrogatepass")
    body = draw(
        st.one_of(st.just(body), st.just(body), st.binary(max_size=100), deep_json.map(str.encode))
    )
    content_type = draw(st.sampled_from(("application/json", "application/json", "text/plain", "")))
    return path, body, content_type


lsp_documents = st.one_of(
    documents().map(lambda text: ("reply", text, False)),
    collections().map(lambda c: (c.kind, c.text, c.good)),
)

# --- the doors ---------------------------------------------------------------------------


@cache
def engine() -> Engine:
    return Engine()


def _crash() -> list[str]:
    return [traceback.format_exc(limit=-3)]


def _inside(start: Any, end: Any, length: int, what: str) -> list[str]:
    # JSON findings give positions as {line, column, offset}: the code-point offset.
    start = start.get("offset") if isinstance(start, dict) else start
    end = end.get("offset") if isinstance(end, dict) else end
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= length:
        return []
    return [f"{what} at {start}..{end} is outside the text ({length} characters)"]


def try_parse_record(data: Any, strict: bool) -> list[str]:
    """`parse_record` in single (strict) or collection mode: a Reply or a RecordError."""
    try:
        reply = parse_record(data, strict=strict, languages=LANGUAGES, default_id="1")
    except RecordError as exc:
        return [] if str(exc) else ["a RecordError without a message"]
    except Exception:
        return _crash()
    return [] if reply.text.strip() else ["an empty reply was accepted"]


def _check_json(path: str) -> tuple[int, dict[str, Any] | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", path, "--format", "json", "--no-progress", "--jobs", "1"])
    try:
        report = json.loads(out.getvalue())
    except json.JSONDecodeError:
        report = None
    return code, report, err.getvalue()


def try_collection(collection: Collection) -> list[str]:
    """`replylint check` on a collection file: a report, the good record linted."""
    suffix = {"json": ".json", "jsonl": ".jsonl", "yaml": ".yaml", "csv": ".csv"}[collection.kind]
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "replies" + suffix)
        with open(path, "w", encoding="utf-8", errors="surrogatepass", newline="") as handle:
            handle.write(collection.text)
        try:
            code, report, err = _check_json(path)
        except Exception:
            return _crash()
    problems = []
    if code not in (0, 1, 2) or report is None:
        problems.append(f"exit {code} without a JSON report; stderr: {err[-500:]}")
        return problems
    if "Traceback" in err or "internal error" in err:
        problems.append(f"a traceback on stderr: {err[-500:]}")
    if collection.expect_good and GOOD_ID not in {r.get("id") for r in report["results"]}:
        problems.append(f"the good record was not linted beside a bad one: {report['errors']}")
    # A record's positions are in its own text (the record contract), whose line
    # breaks are the file's or escaped in it ("\n" in JSON and double-quoted YAML).
    escaped = sum(collection.text.count(e) for e in ("\\n", "\\u000a", "\\u000A"))
    lines = collection.text.count("\n") + escaped + 1
    for result in report["results"]:
        for finding in result["findings"]:
            line = finding["start"]["line"]
            if not 1 <= line <= lines:
                problems.append(f"a finding on line {line} of a {lines}-line file")
    return problems


def try_document(text: str) -> list[str]:
    """A reply document with front matter: a reply mapped into the file, or a DocumentError."""
    try:
        doc = parse_document(text, languages=LANGUAGES)
    except DocumentError as exc:
        return [] if str(exc) else ["a DocumentError without a message"]
    except Exception:
        return _crash()
    problems = []
    for offset in (0, len(doc.reply.text)):
        problems += _inside(
            doc.offsets.to_file(offset), doc.offsets.to_file(offset), len(text), "a mapped offset"
        )
    return problems


def try_hook(stdin: bytes, flags: list[str]) -> list[str]:
    """`replylint hook`: exit 0/1 with a report whose positions are in the text, or 2."""
    out, err = io.StringIO(), io.StringIO()
    stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    try:
        with contextlib.redirect_stderr(err):
            code = hook.main(flags, stdin=stream, stdout=out)
    except Exception:
        return _crash()
    problems = []
    if "internal error" in err.getvalue() or "Traceback" in err.getvalue():
        problems.append(f"internal error: {err.getvalue()[-500:]}")
    if code == 2:
        return problems if out.getvalue() == "" else [*problems, "exit 2 with a report"]
    if code not in (0, 1):
        return [*problems, f"exit status {code}"]
    report = json.loads(out.getvalue())
    text = _hook_text(stdin, flags)
    for finding in report["findings"]:
        problems += _inside(finding["start"], finding["end"], len(text), "a finding")
    return problems


def try_hook_parser(stdin: bytes, flags: list[str]) -> list[str]:
    """The hook's stdin parser and record rules, then a lint with a shared engine
    (what `hook.main` does, without loading the configuration for every input)."""
    input_format = "json" if "json" in flags else "text" if "text" in flags else "auto"
    stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    try:
        record = hook.read_record(stream, input_format)
        reply = parse_record(record, strict=True, languages=LANGUAGES)
        report = engine().lint(reply)
    except (hook.InputError, RecordError) as exc:
        return [] if str(exc) else ["an input error without a message"]
    except Exception:
        return _crash()
    problems = []
    for finding in report.findings:
        problems += _inside(finding.start, finding.end, len(reply.text), "a finding")
    return problems


def _hook_text(stdin: bytes, flags: list[str]) -> str:
    raw = stdin.decode("utf-8-sig")
    as_json = "json" in flags or ("text" not in flags and raw.lstrip().startswith("{"))
    return str(json.loads(raw)["text"]) if as_json else raw.rstrip("\r\n")


@cache
def _app() -> Any:
    return create_app(engine(), warm_up=False)


def try_http(path: str, body: bytes, content_type: str) -> list[str]:
    """The HTTP service in-process: never a 500; 200s have findings inside the text."""
    headers = {"content-type": content_type} if content_type else {}

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://fuzz") as client:
            return await client.post(path, content=body, headers=headers)

    try:
        answer = anyio.run(send)
    except Exception:
        return _crash()
    if answer.status_code >= 500:
        return [f"{answer.status_code}: {answer.text[:300]}"]
    if answer.status_code != 200:
        return [] if answer.json().get("status") == answer.status_code else ["no problem body"]
    sent = json.loads(body)
    if path == "/v1/check":
        return _http_positions(answer.json(), sent)
    problems = []
    results = answer.json()["results"]
    for record, result in zip(sent["replies"], results, strict=True):
        if record == good_record(1) and "verdict" not in result:
            problems.append(f"the good record was not linted beside bad ones: {result}")
        if "verdict" in result:
            problems += _http_positions(result, record)
    return problems


def _http_positions(result: dict[str, Any], record: Any) -> list[str]:
    problems = []
    for finding in result["findings"]:
        problems += _inside(finding["start"], finding["end"], len(record["text"]), "a finding")
    return problems


def try_lsp(kind: str, text: str, good: bool) -> list[str]:
    """The language server's linting function: findings and problems inside the
    document, no internal error, the good record of a collection linted."""
    try:
        outcome = lint_text(engine(), text, kind, max_size=MAX_DOCUMENT)
    except Exception:
        return _crash()
    problems = [f"internal error: {e}" for e in outcome.internal_errors]
    for item in (*outcome.findings, *outcome.problems):
        problems += _inside(item.start, item.end, len(text), type(item).__name__)
    if good and len(text) <= MAX_DOCUMENT:
        named = [p.message for p in outcome.problems if p.message.startswith(f"record {GOOD_ID}:")]
        if named or not outcome.records:
            problems.append(f"the good record was not linted: {named or 'no records read'}")
    return problems


@dataclass(frozen=True)
class Door:
    name: str
    inputs: st.SearchStrategy[Any]
    run: Callable[[Any], list[str]]


DOORS = (
    Door("parse_record (single)", bad_record, lambda data: try_parse_record(data, strict=True)),
    Door(
        "parse_record (collection)", bad_record, lambda data: try_parse_record(data, strict=False)
    ),
    Door("check: collections", collections(), try_collection),
    Door("documents", documents(), try_document),
    Door("hook stdin", st.tuples(hook_stdin, hook_flags), lambda pair: try_hook_parser(*pair)),
    Door("http /v1/check[/batch]", http_requests(), lambda req: try_http(*req)),
    Door("lsp documents", lsp_documents, lambda doc: try_lsp(*doc)),
)
