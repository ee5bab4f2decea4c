#!/usr/bin/env python3
"""The floor under any replylint run: spaCy's part of it, and nothing else.

What every replylint process must do before a rule can run, done the way replylint
does it (``replylint.text.nlp``: spaCy imported without its command line, the French
tokenizer built the light way, lookup lemmas from the cache): import spaCy, build
the English and French pipelines (the corpus holds both languages), read the
input and tokenize every reply. No sentence starts or lemmas (the rules need
both), no language detection, no rule, no report. A linter built on spaCy cannot be faster than this on the same input, so
``peers.py`` times it beside the peers: it shows how much of a speed target the
tokenizer alone leaves to everything else.

Each reply goes through the English tokenizer (no detection: French costs about
the same per reply), so the figure is, if anything, low.

Usage: ``python benchmarks/spacy_floor.py PATH`` with PATH a ``.jsonl`` of reply
records or a folder of ``.txt`` replies. Prints the number of replies and tokens.
Needs replylint installed in the running Python.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path


def texts(path: Path) -> Iterator[str]:
    if path.is_dir():
        for file in sorted(path.iterdir()):
            if file.suffix == ".txt":
                yield file.read_text(encoding="utf-8")
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield str(json.loads(line)["text"])


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    from replylint.text.nlp import pipeline

    english = pipeline("en")
    pipeline("fr")
    replies = tokens = 0
    for text in texts(Path(argv[0])):
        tokens += len(english.make_doc(text))
        replies += 1
    print(f"{replies} replies, {tokens} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
