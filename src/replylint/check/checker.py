"""The `check` command's work: find files, pick each one's config, lint every reply.

Config is looked up per file (nearest replylint.toml / pyproject.toml upward) and
one engine is kept per config file, so a tree with several configs is linted with
the right settings everywhere.

The work is cut into `Unit`s in input order (a batch of document files, or a chunk
of records read from a collection) so that `parallel.py` can hand them to worker
processes; `lint_unit` turns one into `Linted` replies: JSON-ready dicts with no
spaCy objects, small to keep and cheap to send between processes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from replylint.check.baseline import Baseline, BaselineWriter, fingerprint
from replylint.config import Config, ConfigLayer, find_config_file, load_config, load_config_file
from replylint.inputs.files import (
    STDIN,
    InputError,
    Item,
    Reading,
    expand_paths,
    is_document,
    read_items,
)
from replylint.inputs.globs import matching_glob
from replylint.inputs.library import LibraryEntry
from replylint.model import Finding, LineIndex, Severity, assumed_context
from replylint.redact import redact_spans
from replylint.startup import paused_collector

if TYPE_CHECKING:
    from replylint.engine import Engine  # imported on first use: a cached run needs none

# Records per unit of work, and document files per unit.
RECORDS_PER_UNIT = 128
DOCUMENTS_PER_UNIT = 16


@dataclass(frozen=True)
class Result:
    """The findings for one reply, with positions relative to `source`."""

    path: str
    id: str | None
    language: str
    channel: str
    findings: tuple[Finding, ...]
    source: str
    rule_errors: tuple[str, ...] = ()
    is_document: bool = False  # one reply per file: positions are file positions
    assumed: dict[str, str] = field(default_factory=dict)  # context the reply left open

    def to_dict(self) -> dict[str, Any]:
        index = LineIndex(self.source)
        return {
            "path": self.path,
            "id": self.id,
            "language": self.language,
            "channel": self.channel,
            "assumed": self.assumed,
            "findings": [f.to_dict(index) for f in self.findings],
        }


class FindingDetail(NamedTuple):
    """What reports need about a finding beyond its JSON: identity and exact place."""

    fingerprint: str  # see baseline.py: path, record id, rule, flagged text
    text: str  # the flagged text, personal data masked (redact.py)
    start_utf16: int  # 1-based columns in UTF-16 code units (SARIF's default)
    end_utf16: int
    # Documents only: per fix, per edit, the replaced region as (start line, start
    # column, end line, end column), 1-based, columns in UTF-16 code units.
    fix_regions: tuple[tuple[tuple[int, int, int, int], ...], ...] = ()
    # The line where the finding starts, personal data masked, cut to SOURCE_CONTEXT
    # characters each side of the span ("…" where cut: a megabyte-long line is not
    # copied into every finding), and the span's bounds in it (code points).
    source_line: str = ""
    source_start: int = 0
    source_end: int = 0


@dataclass(frozen=True, slots=True)
class Linted:
    """One linted reply as `check` keeps it: the results entry of the JSON output
    (`findings` are Finding JSON dicts) plus what SARIF, baselines and the library
    checks need."""

    path: str
    id: str | None
    language: str
    channel: str
    findings: tuple[dict[str, Any], ...]
    details: tuple[FindingDetail, ...] = ()
    is_document: bool = False
    line: int | None = None  # collections: the line where the record starts
    rule_errors: tuple[str, ...] = ()
    library: LibraryEntry | None = None
    assumed: dict[str, str] = field(default_factory=dict)  # context the reply left open
    ignored: tuple[str, ...] = ()  # foreign fields of the record, kept and ignored

    @classmethod
    def from_result(
        cls,
        result: Result,
        line: int | None = None,
        library: LibraryEntry | None = None,
        ignored: tuple[str, ...] = (),
        *,
        with_details: bool = True,
    ) -> Linted:
        """`with_details=False`: no `details` (a run whose report and storage read none)."""
        findings: tuple[dict[str, Any], ...] = ()
        details: tuple[FindingDetail, ...] = ()
        if result.findings:  # most replies have none: no line index, excerpt nor fingerprint
            if with_details:
                findings, details = _finding_details(result)
            else:
                index = LineIndex(result.source)
                findings = tuple(f.to_dict(index) for f in result.findings)
        return cls(
            result.path,
            result.id,
            result.language,
            result.channel,
            findings,
            details,
            result.is_document,
            line,
            result.rule_errors,
            library,
            result.assumed,
            ignored,
        )

    def __reduce__(self) -> tuple[type[Linted], tuple[Any, ...]]:
        # Pickled by its field values (`--jobs`: every reply a worker lints comes back
        # this way): half the cost of the slots dataclass's generic state methods.
        return Linted, tuple([getattr(self, name) for name in _LINTED_FIELDS])

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "id": self.id,
            "language": self.language,
            "channel": self.channel,
            "assumed": self.assumed,
            "findings": list(self.findings),
        }

    def without(self, dropped: set[int]) -> Linted:
        """This reply without the findings at the indices in `dropped` (baselined)."""
        keep = [i for i in range(len(self.findings)) if i not in dropped]
        return replace(
            self,
            findings=tuple(self.findings[i] for i in keep),
            details=tuple(self.details[i] for i in keep),
        )


_LINTED_FIELDS = tuple(f.name for f in fields(Linted))

SOURCE_CONTEXT = 50  # characters of a finding's line kept on each side of its span


def source_window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The line of `text` where `start` is, cut to SOURCE_CONTEXT characters around
    [start, end) ("…" where cut), and the span's bounds in that excerpt."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end == -1:
        line_end = len(text)
    if line_end > line_start and text[line_end - 1] == "\r":
        line_end -= 1
    end = min(max(end, start), line_end)
    cut_start = max(line_start, start - SOURCE_CONTEXT)
    cut_end = min(line_end, end + SOURCE_CONTEXT)
    prefix = "…" if cut_start > line_start else ""
    suffix = "…" if cut_end < line_end else ""
    first = len(prefix) + start - cut_start
    return prefix + text[cut_start:cut_end] + suffix, first, first + end - start


def _finding_details(
    result: Result,
) -> tuple[tuple[dict[str, Any], ...], tuple[FindingDetail, ...]]:
    """The findings as report dicts, and what the text formats show of each."""
    source = result.source
    index = LineIndex(source)
    # The one place reports get their excerpts from: personal data masked here
    # reaches no report format in the clear.
    shown = redact_spans(source, ((f.start, f.end) for f in result.findings if f.personal_data))
    details = []
    for f in result.findings:
        text = shown[f.start : f.end]
        fix_regions = (
            tuple(tuple(_utf16_region(index, e.start, e.end) for e in fix.edits) for fix in f.fixes)
            if result.is_document
            else ()
        )
        details.append(
            FindingDetail(
                fingerprint(result.path, result.id, f.rule, source[f.start : f.end]),
                text,
                index.utf16_column(f.start),
                index.utf16_column(f.end),
                fix_regions,
                *source_window(shown, f.start, f.end),
            )
        )
    return tuple(f.to_dict(index) for f in result.findings), tuple(details)


def _utf16_region(index: LineIndex, start: int, end: int) -> tuple[int, int, int, int]:
    return (
        index.line_col(start)[0] + 1,
        index.utf16_column(start),
        index.line_col(end)[0] + 1,
        index.utf16_column(end),
    )


# Finding JSON spells a severity `str(severity)`: looked up, not parsed, per finding.
_SEVERITY_NAMED = {str(severity): severity for severity in Severity}


@dataclass
class Summary:
    replies: int = 0
    findings: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    worst: Severity | None = None
    baselined: int | None = None  # set when a baseline is in use
    ignored_fields: set[str] = field(default_factory=set)  # foreign record fields seen

    def add(self, result: Result | Linted) -> None:
        self.replies += 1
        if isinstance(result, Linted):
            self.ignored_fields.update(result.ignored)
        self.findings += len(result.findings)
        for finding in result.findings:
            if isinstance(finding, dict):
                rule, name = finding["rule"], finding["severity"]
                severity = _SEVERITY_NAMED.get(name) or Severity.parse(name)
            else:
                rule, severity = finding.rule, finding.severity
            self.by_rule[rule] += 1
            self.by_severity[str(severity)] += 1
            if self.worst is None or severity > self.worst:
                self.worst = severity

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "replies": self.replies,
            "findings": self.findings,
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_severity": dict(sorted(self.by_severity.items())),
        }
        if self.baselined is not None:
            data["baselined"] = self.baselined
        if self.ignored_fields:
            data["ignored_fields"] = sorted(self.ignored_fields)
        return data


@dataclass(frozen=True)
class Unit:
    """A piece of work, in input order: document files a worker reads itself, or
    records (and input errors, passed through in place) read from a collection."""

    documents: tuple[str, ...] = ()
    items: tuple[Item | InputError, ...] = ()

    @property
    def size(self) -> int:
        return len(self.documents) + len(self.items)


class Checker:
    """Lints files with the configuration that applies to each."""

    def __init__(
        self,
        *,
        cli_layer: ConfigLayer | None = None,
        explicit_config: Path | None = None,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        self.cli_layer = cli_layer
        self.explicit_config = explicit_config
        self.defaults = defaults or {}
        self._engines: dict[Path | None, Engine] = {}
        self._configs: dict[Path | None, Config] = {}
        # id of a config in `_configs` (kept alive there) -> its `exclude` globs
        self._exclude_globs: dict[int, tuple[str, ...]] = {}
        self._config_for_dir: dict[Path, Path | None] = {}
        self._config_for_path: dict[str, Path | None] = {}
        self._config_for_folder: dict[str, Path | None] = {}
        # id of a config in `_configs` -> (it, the flags then, its Reading)
        self._readings: dict[int, tuple[Config, dict[str, Any], Reading]] = {}
        self.result_cache: Any = None
        # Whether linted replies carry `Linted.details` (fingerprints, excerpts, UTF-16
        # columns): the text and SARIF reports, baselines and the result cache read
        # them; a JSON or GitHub report alone does not, and `check` then skips them.
        self.finding_details = True
        self.fresh_lints = 0  # replies linted here, not served by the result cache

    def settings(self) -> tuple[ConfigLayer | None, Path | None, dict[str, Any]]:
        """What a worker process needs to build the same checker."""
        return self.cli_layer, self.explicit_config, self.defaults

    def config_key(self, path: str) -> Path | None:
        """The config file that applies to `path` (None: built-in defaults)."""
        if self.explicit_config is not None:
            return self.explicit_config
        # Asked once per record: resolving the path each time costs system calls.
        if path in self._config_for_path:
            return self._config_for_path[path]
        # Files of one folder share their config, so the folder is resolved once (a
        # symlinked file is resolved itself: its config is where its target is).
        folder = os.path.dirname(path) if path != STDIN and not os.path.islink(path) else None
        if folder is not None and folder in self._config_for_folder:
            key = self._config_for_path[path] = self._config_for_folder[folder]
            return key
        start = Path.cwd() if path == STDIN else Path(path).resolve().parent
        if start not in self._config_for_dir:
            self._config_for_dir[start] = find_config_file(start)
        key = self._config_for_path[path] = self._config_for_dir[start]
        if folder is not None:
            self._config_for_folder[folder] = key
        return key

    def config_for(self, path: str) -> Config:
        """The configuration in force for `path`; raises ConfigError for a bad file."""
        key = self.config_key(path)
        config = self._configs.get(key)
        if config is None:
            if key is None:
                config = Config()
            elif self.explicit_config is not None:
                config = load_config(explicit=key)
            else:
                config = Config((load_config_file(key),), key)
            config = self._configs[key] = config.with_layer(self.cli_layer)
        return config

    def excluded(self, path: str) -> bool:
        """Whether the `exclude` globs of the config in force for `path` name it
        (relative to that config file's folder)."""
        config = self.config_for(path)
        globs = self._exclude_globs.get(id(config))
        if globs is None:  # once per config: most have none, and then nothing else runs
            globs = tuple(glob for layer in config.layers for glob in layer.exclude)
            self._exclude_globs[id(config)] = globs
        if not globs:
            return False
        root = config.path.parent if config.path is not None else None
        return matching_glob(globs, Path(path), root) is not None

    def engine_for(self, path: str) -> Engine:
        """The engine for `path`; raises ConfigError for a bad config file."""
        key = self.config_key(path)
        engine = self._engines.get(key)
        if engine is None:
            with paused_collector():  # imports the rules, reads their data
                from replylint.engine import Engine

                engine = self._engines[key] = Engine(self.config_for(path))
        return engine

    @property
    def engines(self) -> list[Engine]:
        return list(self._engines.values())

    def record_defaults(self, path: str) -> Reading:
        """How to read the records of `path`: flags, its configured channel, and the
        languages its engine supports (one `Reading` per config while the flags stay
        as they are: the result cache hashes each once)."""
        config = self.config_for(path)
        known = self._readings.get(id(config))
        if known is not None and known[1] == self.defaults:
            return known[2]
        reading = Reading(self.defaults, config.channel, self.languages_for(path))
        self._readings[id(config)] = (config, dict(self.defaults), reading)
        return reading

    def languages_for(self, path: str) -> tuple[str, ...]:
        """The languages the engine for `path` supports, without building it when the
        result cache recorded them for the same configuration and rule set: a rerun
        that only hits the cache imports no rule and no spaCy."""
        engine = self._engines.get(self.config_key(path))
        if engine is None and self.result_cache is not None:
            known = self.result_cache.known_languages(self.config_for(path))
            if known is not None:
                return known
        return (engine or self.engine_for(path)).languages

    def lint_item(self, engine: Engine, item: Item) -> Result:
        report = engine.lint(item.reply)
        findings = report.findings
        source = item.reply.text
        if item.offsets is not None and item.source is not None:
            findings = tuple(f.shifted(item.offsets) for f in findings)
            source = item.source
        return Result(
            item.path,
            item.reply.id,
            report.language,
            report.channel,
            findings,
            source,
            report.rule_errors,
            is_document=item.offsets is not None,
            assumed=assumed_context(item.reply),
        )

    def lint_compact(self, item: Item) -> Linted:
        if self.result_cache is not None:  # a `check.cache.ResultCache`, set by `check`
            return self.result_cache.lint(self.config_for(item.path), item, self._lint_fresh)
        return self._lint_fresh(item)

    def _lint_fresh(self, item: Item) -> Linted:
        self.fresh_lints += 1
        result = self.lint_item(self.engine_for(item.path), item)
        entry = LibraryEntry.from_reply(
            item.path, item.reply, is_document=result.is_document, line=item.line
        )
        return Linted.from_result(
            result, item.line, entry, item.ignored, with_details=self.finding_details
        )

    def _lint_document(self, path: str, reading: Reading) -> list[Linted | InputError]:
        return [
            item if isinstance(item, InputError) else self.lint_compact(item)
            for item in read_items(path, reading)
        ]

    def _lint_document_cached(self, path: str) -> list[Linted | InputError]:
        """A document file's replies, from the result cache's entry for its path and
        stat when it is unchanged: then it is not even read."""
        reading = self.record_defaults(path)
        return self.result_cache.lint_document(  # type: ignore[no-any-return]
            self.config_for(path), reading, path, lambda: self._lint_document(path, reading)
        )

    def all_cached(self, files: Iterable[str | InputError]) -> bool:
        """Whether every one of `files` is a document the result cache holds by its
        stat entry: then a run has nothing to lint (and no use for worker processes).
        Stops at the first that is not."""
        cache = self.result_cache
        if cache is None:
            return False
        for path in files:
            if isinstance(path, InputError) or not is_document(path):
                return False  # a collection's records are known only once it is read
            if not cache.has_document(self.config_for(path), self.record_defaults(path), path):
                return False
        return True

    # --- units of work (see parallel.py) ------------------------------------------

    def warm_languages(self, units: Iterable[Unit], done: set[tuple[int, str]]) -> None:
        """Lint here, and throw away, the first reply of each language in `units` that
        no reply in `done` (engine id, language) had: that builds the language's
        pipeline, phrase tables and detector models once, before `parallel.py` forks
        workers that then share them. Documents are read for this, but not linted.

        This runs before any worker starts, so once every language an engine
        supports is done, its further replies are not read nor their language
        detected (the fork is not held up by hundreds of detections)."""
        for unit in units:
            for path in unit.documents:
                if not _all_warm(self.engine_for(path), done):
                    self._warm_items(read_items(path, self.record_defaults(path)), done)
            self._warm_items(unit.items, done)

    def _warm_items(self, items: Iterable[Item | InputError], done: set[tuple[int, str]]) -> None:
        for item in items:
            if isinstance(item, InputError):
                continue
            engine = self.engine_for(item.path)
            if _all_warm(engine, done):
                continue
            language = engine.language_choice(engine.prepare(item.reply)).language
            if (id(engine), language) not in done:
                done.add((id(engine), language))
                self.lint_item(engine, item)

    def lint_unit(self, unit: Unit) -> list[Linted | InputError]:
        out: list[Linted | InputError] = []
        for path in unit.documents:
            if self.result_cache is not None:
                out.extend(self._lint_document_cached(path))
            else:
                out.extend(self._lint_document(path, self.record_defaults(path)))
        for item in unit.items:
            out.append(item if isinstance(item, InputError) else self.lint_compact(item))
        if self.result_cache is not None:
            # Entries are written in batches: what this unit added is stored before
            # its results leave (a worker may be stopped once the run has them).
            self.result_cache.flush()
        return out

    def units(
        self,
        files: Iterable[str | InputError],
        stdin_text: str | None = None,
        records_per_unit: int = RECORDS_PER_UNIT,
        documents_per_unit: int = DOCUMENTS_PER_UNIT,
    ) -> Iterator[Unit]:
        """The work for `files` in input order. Collections are read here, lazily,
        so memory stays flat; documents are read by whoever lints them."""
        documents: list[str] = []
        pending: list[Item | InputError] = []

        def flush_documents() -> Iterator[Unit]:
            if documents:
                yield Unit(documents=tuple(documents))
                documents.clear()

        for path in files:
            if isinstance(path, InputError):
                yield from flush_documents()
                yield Unit(items=(path,))
            elif is_document(path):
                documents.append(path)
                if len(documents) >= documents_per_unit:
                    yield from flush_documents()
            else:
                yield from flush_documents()
                for item in read_items(path, self.record_defaults(path), stdin_text):
                    pending.append(item)
                    if len(pending) >= records_per_unit:
                        yield Unit(items=tuple(pending))
                        pending.clear()
                if pending:
                    yield Unit(items=tuple(pending))
                    pending.clear()
        yield from flush_documents()

    def prepare(self, paths: Iterable[str], *, engines: bool = True) -> list[str | InputError]:
        """The files to lint, with every config they need loaded and validated now,
        so that a configuration error stops the run before anything is written.

        Unless `engines` is set, a config the result cache saw validated against the
        same rule set gets its engine (plugins, rule data) only once a reply misses."""
        files = list(expand_paths(paths, self.excluded))
        cache = self.result_cache
        for path in files:
            if not isinstance(path, InputError):
                if cache is None:
                    self.engine_for(path)
                elif engines or cache.known_languages(self.config_for(path)) is None:
                    cache.mark_validated(self.config_for(path), self.engine_for(path))
        return files


def _all_warm(engine: Engine, done: set[tuple[int, str]]) -> bool:
    """Whether a reply of every language `engine` supports is in `done`."""
    return all((id(engine), language) in done for language in engine.languages)


def apply_baseline(
    item: Linted, baseline: Baseline | None, writer: BaselineWriter | None
) -> tuple[Linted, int]:
    """`item` without its baselined findings, and how many were dropped.

    With a `writer` (`--update-baseline`) every finding is recorded and dropped;
    else the findings `baseline` holds are dropped.
    """
    if writer is not None:
        for finding, detail in zip(item.findings, item.details, strict=True):
            writer.add(detail.fingerprint, item.path, item.id, finding["rule"], detail.text)
        return item.without(set(range(len(item.findings)))), len(item.findings)
    if baseline is None:
        return item, 0
    dropped = {i for i, d in enumerate(item.details) if baseline.absorb(d.fingerprint)}
    return (item.without(dropped), len(dropped)) if dropped else (item, 0)
