"""Language detection: the text where it is clear, else the incoming message, the
greeting and sign-off words, the configured default; explicit always wins; a
reply in an unsupported language gets a `language` finding."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from replylint import hook
from replylint.config import load_config
from replylint.engine import Engine
from replylint.model import Reply, Severity
from replylint.text import statistical
from replylint.text.detect import _letter_counts, choose_language, detect_language
from replylint.text.function_words import count_function_words

LANGS = ("en", "fr")
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def labeled(corpus: list[dict], corpus2: list[dict]) -> list[dict]:
    """The labeled replies of dev.jsonl and dev2.jsonl."""
    return [r for r in corpus + corpus2 if r.get("expected_language")]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def choose(text: str, incoming: str | None = None, default: str = "en") -> str:
    return choose_language(
        text, explicit=None, incoming=incoming, default=default, languages=LANGS
    ).language


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


# --------------------------------------------------------------- accuracy


def test_every_labeled_reply_gets_its_language(engine: Engine, labeled: list[dict]) -> None:
    wrong = [
        r["id"]
        for r in labeled
        if engine.detect_language(Reply(r["text"], incoming=r.get("incoming")))
        != r["expected_language"]
    ]
    assert len(labeled) > 500
    assert len(wrong) <= len(labeled) // 100, wrong


def test_labeled_replies_under_60_characters_get_their_language(
    engine: Engine, labeled: list[dict]
) -> None:
    short = [r for r in labeled if len(r["text"]) < 60]
    wrong = [
        r["id"]
        for r in short
        if engine.detect_language(Reply(r["text"], incoming=r.get("incoming")))
        != r["expected_language"]
    ]
    assert len(short) >= 50
    assert len(wrong) <= len(short) // 100, wrong


def test_written_short_replies_get_their_language(engine: Engine) -> None:
    """tests/data/short_replies.jsonl: greetings, "done", thanks, holding replies."""
    records = read_jsonl(DATA / "short_replies.jsonl")
    wrong = [
        (r["text"], r["expected_language"])
        for r in records
        if engine.detect_language(Reply(r["text"], incoming=r.get("incoming")))
        != r["expected_language"]
    ]
    assert len(records) >= 200
    assert len(wrong) <= len(records) // 100, wrong


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci pour votre message, nous regardons cela tout de suite.", "fr"),
        ("oui il est disponible en 50 ml", "fr"),
        ("Thanks for reaching out, we are looking into it now.", "en"),
        ("Sorry to hear that, can you DM us the details?", "en"),
        ("Je regarde. – Vic", "fr"),
        ("On it now! – Jo", "en"),
        ("Réglé ! – JD", "fr"),
        ("Your parcel left this morning.", "en"),
        ("Bien reçu, je transmets.", "fr"),
    ],
)
def test_short_texts(text: str, expected: str) -> None:
    assert choose(text) == expected


def test_short_english_reply_is_english_case_5_of_issue_16() -> None:
    """`echo "Hi Sam, done. – Marie" | replylint hook` said French on the old code."""
    out = io.StringIO()
    status = hook.main([], stdin=io.StringIO("Hi Sam, done. – Marie\n"), stdout=out)
    assert status == 0
    assert json.loads(out.getvalue())["language"] == "en"


# --------------------------------------------------------------- fallback order


def test_a_clear_text_beats_the_incoming_message() -> None:
    assert choose("Merci, c'est noté ! – Anne", incoming="Can you cancel my order?") == "fr"


def test_an_unclear_text_takes_the_incoming_messages_language() -> None:
    assert choose("OK – Paul", incoming="Pouvez-vous annuler ma commande ?") == "fr"
    assert choose("OK – Paul", incoming="Can you cancel my order please?", default="fr") == "en"


def test_without_a_clear_incoming_the_greeting_or_sign_off_decides() -> None:
    # "Cordialement" is a French sign-off; "ok" says nothing, nor does "👍".
    assert choose("Ok. Cordialement, Paul", incoming="👍") == "fr"
    assert choose("Ok. Cheers, Paul", incoming=None, default="fr") == "en"


def test_the_incoming_message_comes_before_the_greeting_words() -> None:
    # "Hello" is a greeting in both lists, so no cue; "Salut" is French only.
    assert choose("Salut ! OK.", incoming="Can you cancel my order please?") == "en"


def test_nothing_to_go_on_gives_the_configured_default() -> None:
    assert choose("OK – Paul", default="fr") == "fr"
    assert choose("OK – Paul", default="en") == "en"
    assert choose("👍", incoming="ok", default="fr") == "fr"


def test_the_choice_says_where_the_language_came_from() -> None:
    def source(text: str, incoming: str | None) -> str:
        return choose_language(
            text, explicit=None, incoming=incoming, default="en", languages=LANGS
        ).source

    assert source("Thanks for your message, we are on it.", None) == "text"
    assert source("OK – Paul", "Pouvez-vous annuler ma commande ?") == "incoming"
    assert source("Ok, salut !", None) == "cues"
    assert source("OK – Paul", None) == "default"


@pytest.mark.parametrize(
    "text",
    ["Thanks a lot for your message", "Hallo Sam, das Paket ist heute unterwegs.", "ok"],
)
def test_explicit_language_always_wins(text: str) -> None:
    choice = choose_language(
        text,
        explicit="fr",
        incoming="Can you cancel my order?",
        default="en",
        languages=LANGS,
    )
    assert (choice.language, choice.source, choice.supported) == ("fr", "explicit", True)


def test_explicit_language_wins_in_the_engine(engine: Engine) -> None:
    report = engine.lint(Reply("Hallo Sam, das Paket ist heute unterwegs.", language="en"))
    assert report.language == "en"
    assert "language" not in {f.rule for f in report.findings}


def test_detection_is_repeatable() -> None:
    text = "Le colis part demain matin."
    assert len({detect_language(text, LANGS) for _ in range(5)}) == 1


def test_function_words_decide_without_the_statistical_detectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unavailable(*args: object) -> list[tuple[str, float]]:
        raise AssertionError("the statistical detector was asked")

    monkeypatch.setattr(statistical, "confidences", unavailable)
    monkeypatch.setattr(statistical, "wide_confidences", unavailable)
    assert choose("Thanks for your patience, we are looking into it.") == "en"
    assert choose("Merci de votre patience, nous regardons cela.") == "fr"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No function word: the short-reply word decides.
        ("Absolutely, Jo!", "en"),
        ("Volontiers !", "fr"),
        # "à" and the elision "l'heure" are two French function words.
        ("Livré à l'heure.", "fr"),
        # The sign-off initials "-LO" are not the Spanish witness word "lo": "have" decides.
        ("Have a lovely evening! -LO", "en"),
        # One French function word, "par", and no other.
        ("Envoyé par mail.", "fr"),
    ],
)
def test_short_replies_are_decided_without_the_statistical_detectors(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: str
) -> None:
    def unavailable(*args: object) -> list[tuple[str, float]]:
        raise AssertionError("a statistical detector was asked")

    monkeypatch.setattr(statistical, "confidences", unavailable)
    monkeypatch.setattr(statistical, "wide_confidences", unavailable)
    assert choose(text, default="de") == expected


def test_spanish_par_is_not_taken_for_french() -> None:
    # "un" and "par" are French function words, but "hace" is a Spanish witness word:
    # the function words decide nothing.
    words = count_function_words("Hace un par de horas")
    assert (words.french, words.other, words.others) == (2, 1, frozenset({"es"}))
    assert words.language(single=True) is None


def test_short_reply_words_never_outvote_a_function_word() -> None:
    # "parfait" is a French short-reply word, "thanks" an English function word.
    words = count_function_words("Parfait, thanks")
    assert (words.english, words.french, words.french_replies) == (1, 0, 1)
    assert words.language(single=True) == "en"
    # "yes" (English short-reply word) against "merci" (French function word).
    assert count_function_words("Yes, merci").language(single=True) == "fr"
    # Short-reply words of both languages and no function word: undecided.
    assert count_function_words("Noted, parfait").language(single=True) is None


def test_function_words_are_counted_with_repeats_and_either_apostrophe() -> None:
    # the x2, and, you, your -> 5 English; "c’est" and "l’équipe" (an elision) -> 2 French;
    # "und" -> 1 German witness; "Paket" is none of them.
    words = count_function_words("The box and the Paket: you, your… C’est l’équipe und")
    assert (words.english, words.french, words.other) == (5, 2, 1)
    assert words.others == frozenset({"de"})


@pytest.mark.parametrize(
    ("text", "english", "french"),
    [
        # An apostrophe at a word's edge is no part of it: the, and, you -> 3 English.
        ("'The' 'and' you'", 3, 0),
        # One apostrophe joins two runs of letters, the next one separates: "rock'n" and
        # "the" (English); "qu'il" is an elision and "vous" French.
        ("rock'n'the, qu'il-vous", 1, 2),
        # Two apostrophes in a row separate too: "the", "and".
        ("the''and", 2, 0),
        # Digits and signs separate words: "the", "vous", "and".
        ("2the+vous_and", 2, 1),
        # Capitals with accents are lower-cased: "à", "la", "l'équipe" (an elision),
        # "est", "très" -> 5 French; "maison" and "là" are none.
        ("À LA MAISON, L'ÉQUIPE EST TRÈS LÀ", 0, 5),
    ],
)
def test_apostrophes_digits_and_signs_split_words(text: str, english: int, french: int) -> None:
    words = count_function_words(text)
    assert (words.english, words.french) == (english, french)


def test_counts_of_a_long_text_stay_apart() -> None:
    # 5,000 English words and 3 French ones: no count spills into another.
    words = count_function_words("the " * 5000 + "vous " * 3 + "done")
    assert (words.english, words.french, words.other) == (5000, 3, 0)
    assert (words.english_replies, words.french_replies) == (1, 0)


@pytest.mark.parametrize(
    ("text", "letters", "latin"),
    [
        ("Hi Sam, 2 boxes!", 10, 10),  # ASCII: every letter is a Latin one
        ("Ça va, Zoë?", 7, 7),  # accented Latin letters
        ("Заказ ok", 7, 2),  # Cyrillic letters are letters, not Latin ones
        ("", 0, 0),
        # The Latin range holds × and ÷, which are no letters; an emoji is neither.
        ("2×3 😀 ß", 1, 2),
        ("ok \ud800 no", 4, 4),  # a lone surrogate (broken UTF-16) is no letter
    ],
)
def test_letters_and_latin_letters_are_counted(text: str, letters: int, latin: int) -> None:
    assert _letter_counts(text) == (letters, latin)


# --------------------------------------------------------------- unsupported languages


def language_findings(engine: Engine, reply: Reply) -> list:
    return [f for f in engine.lint(reply).findings if f.rule == "language"]


@pytest.mark.parametrize(
    ("text", "code", "name"),
    [
        ("Hallo Sam, das Paket ist heute unterwegs. Viele Grüße, Marie", "de", "German"),
        ("Hola Sam, tu pedido ya está en camino. Un saludo, Marie", "es", "Spanish"),
        ("Здравствуйте! Ваш заказ уже в пути.", "ru", "Russian"),
    ],
)
def test_a_reply_in_an_unsupported_language_gets_an_info_finding(
    engine: Engine, text: str, code: str, name: str
) -> None:
    report = engine.lint(Reply(text))
    assert report.language == code
    [finding] = [f for f in report.findings if f.rule == "language"]
    assert finding.severity is Severity.INFO
    assert finding.message == (
        f"{name} is not supported: only the language-independent checks ran."
    )
    assert (finding.start, finding.end) == (0, len(text))


def test_the_unsupported_language_message_is_french_in_a_french_context(
    engine: Engine,
) -> None:
    reply = Reply(
        "Hallo Sam, das Paket ist heute unterwegs. Viele Grüße, Marie",
        incoming="Bonjour, où en est ma commande ?",
    )
    [finding] = language_findings(engine, reply)
    assert finding.message == (
        "Langue non prise en charge (allemand) : seules les vérifications "
        "indépendantes de la langue ont été faites."
    )


def test_the_language_rule_can_be_ignored_or_made_a_warning(tmp_path: Path) -> None:
    """The two settings docs/language.md shows, read from a real replylint.toml."""
    text = "Hallo Sam, das Paket ist heute unterwegs. Viele Grüße, Marie"
    ignoring = tmp_path / "ignoring.toml"
    ignoring.write_text('ignore = ["language"]\n', encoding="utf-8")
    assert language_findings(Engine(load_config(explicit=ignoring)), Reply(text)) == []
    warning = tmp_path / "warning.toml"
    warning.write_text('[rules.language]\nseverity = "warning"\n', encoding="utf-8")
    [finding] = language_findings(Engine(load_config(explicit=warning)), Reply(text))
    assert finding.severity is Severity.WARNING
    record_ignore = Reply(text, extra={"replylint-ignore": "language"})
    assert language_findings(Engine(), record_ignore) == []


def test_english_and_french_replies_get_no_language_finding(engine: Engine) -> None:
    for text in ("Hi Sam, done. – Marie", "Bonjour Sam, c'est fait. – Marie"):
        assert language_findings(engine, Reply(text)) == []


def test_written_unsupported_replies_are_reported() -> None:
    """tests/data/unsupported_replies.jsonl: each names its language, not en/fr."""
    records = read_jsonl(DATA / "unsupported_replies.jsonl")
    found = [detect_language(r["text"], LANGS) for r in records]
    right = sum(
        d is not None and d.language == r["expected_language"] and not d.supported
        for d, r in zip(found, records, strict=True)
    )
    # Short foreign replies without one frequent word of their language can pass as
    # English or French: at most one in twenty here.
    assert right >= len(records) * 0.95


# --------------------------------------------------------------- the rule's surface


def test_the_language_rule_is_listed_and_documented(engine: Engine) -> None:
    rule = engine.rules["language"]
    assert rule.default_severity is Severity.INFO
    markdown = rule.docs.markdown(rule.name, rule.summary)
    for title in ("What it does", "Why it matters", "Example", "Use instead", "Options"):
        assert f"## {title}" in markdown


def test_eval_leaves_the_language_rule_out_unless_labeled(tmp_path: Path) -> None:
    from replylint.check.evaluate import evaluate

    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"text": "Thanks, done! – Sam", "expected": []}) + "\n")
    assert "language" not in evaluate(plain).rules
    labeled = tmp_path / "labeled.jsonl"
    record = {"text": "Hallo Sam, das Paket ist heute unterwegs.", "expected": ["language"]}
    labeled.write_text(json.dumps(record) + "\n")
    evaluation = evaluate(labeled)
    assert "language" in evaluation.rules
    assert evaluation.counts("language") == (1, 0, 0)


def test_version_does_not_load_the_detector() -> None:
    code = (
        "import sys, contextlib, io\n"
        "from replylint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--version'])\n"
        "    except SystemExit:\n        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lingua', 'spacy')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
