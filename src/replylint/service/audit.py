"""The override audit trail: one JSON line per overridden rule, never the reply itself.

A line holds the time, the rule, the agent's reason, how many findings the override
took out of the verdict, the channel and the SHA-256 of the reply text, so a
reviewer can match a line to a sent reply without the log holding its text or the
customer's data. Without a log file, overrides are still honoured and only counted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger("replylint.service")


class AuditError(OSError):
    """The audit log cannot be written; the override must not be applied silently."""


class AuditLog:
    """Appends override lines to a JSONL file (or only counts them, without a file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def check_writable(self) -> None:
        """Open the file once at startup so a bad path fails early (raises OSError)."""
        if self.path is not None:
            os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))

    def record(
        self,
        text: str,
        rules: tuple[str, ...],
        reason: str,
        findings: Mapping[str, int],
        channel: str,
    ) -> None:
        """Log one line per overridden rule; raises `AuditError` if the file fails."""
        with self._lock:
            self.counts.update(rules)
            total = sum(self.counts.values())
        if self.path is None:
            log.info(
                "override: rules=%s (audit log off; %d overrides so far)", ",".join(rules), total
            )
            return
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        lines = "".join(
            json.dumps(
                {
                    "time": now,
                    "rule": rule,
                    "reason": reason,
                    "findings": findings.get(rule, 0),
                    "channel": channel,
                    "text_sha256": digest,
                },
                ensure_ascii=True,
                separators=(",", ":"),
            )
            + "\n"
            for rule in rules
        )
        # One O_APPEND write per request keeps lines whole with several workers.
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, lines.encode("ascii"))
            finally:
                os.close(fd)
        except OSError as exc:
            log.error("audit log %s cannot be written: %s", self.path, exc.strerror)
            raise AuditError(exc.errno, exc.strerror) from None
