"""`--format json`: the document of DESIGN.md (version 1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from replylint.checker import Result, Summary
from replylint.inputs import InputError


def render(results: Sequence[Result], errors: Sequence[InputError], summary: Summary) -> str:
    document: dict[str, Any] = {
        "version": 1,
        "results": [r.to_dict() for r in results],
        "errors": [e.to_dict() for e in errors],
        "summary": summary.to_dict(),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
