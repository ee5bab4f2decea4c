"""Language detection on short replies: lingua against langdetect, alone and with
replylint's cues, side by side in one run.

    .venv/bin/python benchmarks/language_detection.py [--corpus DIR] [--repeat N]

Sets (each record carries `expected_language`):

- `corpus<60ch`: labeled replies of `dev.jsonl` and `dev2.jsonl` under 60 characters;
- `corpus<60letters`: labeled replies with fewer than 60 letters (handles, links,
  numbers and initials do not count);
- `short`: `tests/data/short_replies.jsonl`, short replies written for the tests
  (`short,default=fr`: the same with French as the configured default);
- `corpus-all`: every labeled reply (to see that long replies lose nothing);
- `unsupported`: `tests/data/unsupported_replies.jsonl`; right means the reply's own
  language was named and reported as unsupported.

Detectors:

- `langdetect alone`, `lingua alone`: the detector restricted to English and French,
  its top answer on the reply text (handles, links and numbers removed), nothing else;
- `langdetect+cues`, `lingua+cues`: replylint's whole choice (function words, the
  unsupported-language check, the detector where confident, then incoming message,
  greeting and sign-off words, default `en`), with that detector as the narrow one.
  `lingua+cues` is what replylint ships.

µs/reply is the mean over `--repeat` passes after one warm-up pass (models loaded).
Load times are measured in fresh interpreters: import plus the first detection.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from replylint.text import statistical
from replylint.text.detect import _NOISE, LanguageChoice, choose_language

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "fr")
DEFAULT = "en"

Record = dict[str, object]


def load(path: Path) -> list[Record]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _letters(text: str) -> int:
    return sum(map(str.isalpha, _NOISE.sub(" ", text)))


def sets(corpus: Path) -> dict[str, list[Record]]:
    labeled = [
        r
        for name in ("dev.jsonl", "dev2.jsonl")
        for r in load(corpus / name)
        if r.get("expected_language")
    ]
    return {
        "corpus<60ch": [r for r in labeled if len(str(r["text"])) < 60],
        "corpus<60letters": [r for r in labeled if _letters(str(r["text"])) < 60],
        "short": load(REPO / "tests" / "data" / "short_replies.jsonl"),
        # The same with French as the configured default: how much the default carries.
        "short,default=fr": [
            {**r, "default": "fr"} for r in load(REPO / "tests" / "data" / "short_replies.jsonl")
        ],
        "corpus-all": labeled,
        "unsupported": load(REPO / "tests" / "data" / "unsupported_replies.jsonl"),
    }


def langdetect_scorer() -> Callable[[str, Sequence[str]], list[tuple[str, float]]]:
    """langdetect restricted to English and French, seeded: replylint's old detector."""
    from langdetect.detector_factory import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    profiles = resources.files("langdetect") / "profiles"
    factory = DetectorFactory()
    factory.load_json_profile([(profiles / code).read_text("utf-8") for code in LANGUAGES])
    factory.set_seed(0)

    def score(text: str, languages: Sequence[str]) -> list[tuple[str, float]]:
        detector = factory.create()
        detector.append(text)
        try:
            return [(p.lang, p.prob) for p in detector.get_probabilities()]
        except LangDetectException:  # no letters it knows
            return []

    return score


# A detector here maps a record to the language it answers and whether that language
# is supported.
Detector = Callable[[Record], tuple[str | None, bool]]


def alone(scorer: Callable[[str, Sequence[str]], list[tuple[str, float]]]) -> Detector:
    def detect(record: Record) -> tuple[str | None, bool]:
        scores = scorer(_NOISE.sub(" ", str(record["text"])), LANGUAGES)
        return (scores[0][0] if scores else None), True

    return detect


def with_cues(scorer: Callable[[str, Sequence[str]], list[tuple[str, float]]] | None) -> Detector:
    def detect(record: Record) -> tuple[str | None, bool]:
        choice: LanguageChoice = choose_language(
            str(record["text"]),
            explicit=None,
            incoming=record.get("incoming"),  # type: ignore[arg-type]
            default=str(record.get("default", DEFAULT)),
            languages=LANGUAGES,
            scorer=scorer,
        )
        return choice.language, choice.supported

    return detect


def right(record: Record, answer: tuple[str | None, bool], unsupported_set: bool) -> bool:
    language, supported = answer
    if unsupported_set:
        return language == record["expected_language"] and not supported
    return language == record["expected_language"] and supported


def measure(detect: Detector, records: list[Record], unsupported_set: bool, repeat: int):  # type: ignore[no-untyped-def]
    answers = [detect(r) for r in records]  # also the warm-up pass
    correct = sum(right(r, a, unsupported_set) for r, a in zip(records, answers, strict=True))
    start = time.perf_counter()
    for _ in range(repeat):
        for record in records:
            detect(record)
    micros = (time.perf_counter() - start) / (repeat * len(records)) * 1e6
    wrong = [r for r, a in zip(records, answers, strict=True) if not right(r, a, unsupported_set)]
    return correct, micros, wrong


LOAD_SNIPPETS = {
    "langdetect (en, fr profiles)": (
        "import sys; sys.path.insert(0, {bench!r});"
        "from language_detection import langdetect_scorer;"
        "langdetect_scorer()('Hi Sam, done.', ('en', 'fr'))"
    ),
    "lingua narrow (en, fr)": (
        "from replylint.text.statistical import confidences;"
        "confidences('Hi Sam, done.', ('en', 'fr'))"
    ),
    "lingua wide (low accuracy)": (
        "from replylint.text.statistical import wide_confidences;"
        "wide_confidences('Hallo Sam, das Paket ist unterwegs.', ('en', 'fr'))"
    ),
}


def load_times() -> dict[str, float]:
    times = {}
    for name, snippet in LOAD_SNIPPETS.items():
        code = (
            "import time; t = time.perf_counter();"
            + snippet.format(bench=str(REPO / "benchmarks"))
            + "; print(time.perf_counter() - t)"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        times[name] = float(out.stdout.strip() or "nan")
    return times


def version_imports_lingua() -> bool:
    code = (
        "import sys; from replylint.cli import main;"
        "import contextlib, io;"
        "buf = io.StringIO();\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try: main(['--version'])\n"
        "    except SystemExit: pass\n"
        "print('lingua' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip().endswith("True")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show-wrong", action="store_true", help="list the misses")
    args = parser.parse_args()

    langdetect = langdetect_scorer()
    detectors: dict[str, Detector] = {
        "langdetect alone": alone(langdetect),
        "lingua alone": alone(statistical.confidences),
        "langdetect+cues": with_cues(langdetect),
        "lingua+cues": with_cues(None),
    }
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at start: {load:.2f}")
    data = sets(args.corpus)
    header = f"{'set':<18}{'n':>5}" + "".join(f"{name:>24}" for name in detectors)
    print(header)
    misses: list[str] = []
    for set_name, records in data.items():
        unsupported_set = set_name == "unsupported"
        row = f"{set_name:<18}{len(records):>5}"
        for name, detect in detectors.items():
            if unsupported_set and "alone" in name:
                row += f"{'-':>24}"  # restricted to en/fr: cannot name another language
                continue
            correct, micros, wrong = measure(detect, records, unsupported_set, args.repeat)
            cell = f"{correct / len(records):.1%} {micros:6.1f}µs"
            row += f"{cell:>24}"
            misses += [f"{set_name} | {name} | {r['id']}: {r['text']!r}" for r in wrong]
        print(row)
    print("\nfirst-use cost (fresh interpreter: import + first detection), seconds:")
    for name, seconds in load_times().items():
        print(f"  {name:<30}{seconds:8.3f}")
    print(f"`replylint --version` imports lingua: {version_imports_lingua()}")
    if args.show_wrong:
        print("\nmisses:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
