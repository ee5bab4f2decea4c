"""What the CLI says: `rules` agrees with the README, `explain` on a terminal and in a
pipe, every message template in both languages, plural-correct summaries, the
assumed context in the text report, the language server's install hint."""

from __future__ import annotations

import io
import re
import string
import sys
from collections import Counter
from pathlib import Path

import pytest

from replylint import cli
from replylint.catalog import severity_label
from replylint.engine import Engine
from replylint.formats.text import assumed_line, severity_counts, summary_line

README = Path(__file__).resolve().parents[2] / "README.md"
SEVERITIES = r"(?:error|warning|info)(?: / (?:error|warning|info))*"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- rules and the README ------------------------------------------------------------


def _readme_severities() -> dict[str, str]:
    """rule -> the `default` cell of the README's rules table."""
    table = README.read_text(encoding="utf-8").split("## The rules", 1)[1]
    rows = re.findall(r"^\| `([a-z-]+)` \|.*\| ([a-z /]+) \|$", table, re.MULTILINE)
    return dict(rows)


def test_rules_prints_the_severities_the_readme_states(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["rules"]) == 0
    printed = dict(
        re.findall(rf"^ ?([a-z][a-z-]+) +({SEVERITIES})  ", capsys.readouterr().out, re.MULTILINE)
    )
    readme = _readme_severities()
    assert set(readme) == set(Engine().rules)
    assert printed == readme


def test_rules_shows_every_severity_of_a_rule_whose_checks_differ() -> None:
    rules = Engine().rules
    # By the [checks.*] tables: card number, secret and data requests are errors, the
    # customer's own matters warnings; saved replies: placeholder error, not-covered
    # warning, unchanged and no-faq info. Brevity's two checks are both info.
    assert severity_label(rules["sensitive-in-private"]) == "error / warning"
    assert severity_label(rules["saved-reply-fit"]) == "error / warning / info"
    assert severity_label(rules["brevity"]) == "info"


# --- explain ------------------------------------------------------------------------------

MARKDOWN = "# brevity\n\nKeep it **short**.\n\n## Example\n\nA `reply`.\n"


def test_explain_stays_raw_markdown_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["explain", "brevity"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# brevity\n")
    assert "\n## What it does\n" in out
    assert "\x1b[" not in out


def test_explain_renders_markdown_on_a_terminal() -> None:
    terminal = _Terminal()
    cli.write_markdown(MARKDOWN, terminal)
    shown = terminal.getvalue()
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert "\x1b[1m" in shown  # bold, from the heading or **short**
    assert "Keep it short." in plain  # the ** markers are gone
    assert "# brevity" not in plain and "## Example" not in plain
    assert "`reply`" not in plain and "reply" in plain


def test_explain_piped_writes_the_markdown_unchanged() -> None:
    piped = io.StringIO()
    cli.write_markdown(MARKDOWN, piped)
    assert piped.getvalue() == MARKDOWN


# --- every message template, both languages ----------------------------------------------

# A sample value for every placeholder a template may hold, per language.
SAMPLES = {
    "en": {
        "words": 72,
        "channel": "public",
        "budget": 60,
        "limit": 35,
        "count": 2,
        "first": "Thanks for reaching out",
        "question": "Where is my order?",
        "phrase": "shop now",
        "replacement": "Hi",
        "placeholder": "[NAME]",
        "specifics": "order 4821, March 3",
        "value": "Sam",
        "team": "Acme Support",
        "name": "Julie",
        "agent": "Marie",
        "what": "your email address",
        "where": "reply here",
        "language": "German",
    },
    "fr": {
        "words": 72,
        "channel": "public",
        "budget": 60,
        "limit": 40,
        "count": 2,
        "first": "Merci de nous avoir contactés",
        "question": "Où est ma commande ?",
        "phrase": "profitez-en",
        "replacement": "Bonjour",
        "placeholder": "[PRÉNOM]",
        "specifics": "commande 4821, 3 mars",
        "value": "Sam",
        "team": "Service client Acme",
        "name": "Julie",
        "agent": "Marie",
        "what": "votre adresse e-mail",
        "where": "ici",
        "language": "allemand",
    },
}
# Templates whose {count} the rules only fill with 2 or more: shouting needs two "!!"
# runs; a preamble is reported from `preamble_sentences` (default 2) sentences.
COUNT_AT_LEAST_TWO = {("no-marketing-spam", "shouting"), ("directness", "preamble")}
DETERMINERS = {
    "en": r"(?:the|your|their|his|her|our|my|a|an)",
    "fr": r"(?:le|la|les|l'|son|sa|ses|votre|vos|leur|un|une|mon|ma)",
}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _rendered(rule_name: str, language: str, key: str, template: str) -> list[str]:
    """The template with the sample values, and once with every value a rule's data
    or its own messages can put in a placeholder (`secret` from the `secrets` list,
    `kind` from the `kind_*` messages)."""
    rule = Engine().rules[rule_name]
    names = _placeholders(template)
    base = {**SAMPLES[language]}
    variants = [base]
    for name in names:
        from_data = rule.data.get(language, {}).get(f"{name}s")
        from_messages = [
            v
            for k, v in rule.messages[language].items()
            if k.startswith(f"{name}_") and not _placeholders(v)  # a value, not a message
        ]
        values = list(from_data or []) + from_messages
        if name not in base and not values:
            pytest.fail(f"{rule_name} {language}.{key}: no sample value for {{{name}}}")
        base.setdefault(name, values[0] if values else "")
        variants += [{**base, name: value} for value in values]
    return [template.format(**values) for values in variants]


def _templates() -> list[tuple[str, str, str, str]]:
    return [
        (rule.name, language, key, template)
        for rule in Engine().rules.values()
        for language, messages in rule.messages.items()
        for key, template in messages.items()
    ]


def test_every_message_key_exists_in_both_languages_with_the_same_placeholders() -> None:
    for rule in Engine().rules.values():
        if not rule.messages:
            continue
        assert set(rule.messages) == {"en", "fr"}, rule.name
        assert set(rule.messages["en"]) == set(rule.messages["fr"]), rule.name
        for key, english in rule.messages["en"].items():
            french = rule.messages["fr"][key]
            assert _placeholders(english) == _placeholders(french), (rule.name, key)


@pytest.mark.parametrize(("rule", "language", "key", "template"), _templates())
def test_every_message_template_renders(rule: str, language: str, key: str, template: str) -> None:
    if "{count}" in template:
        assert (rule, key) in COUNT_AT_LEAST_TWO, "a new {count}: check its plural for 1"
    for message in _rendered(rule, language, key, template):
        assert not re.search(r"\{[^{}]*\}", message), message  # no leftover {name}
        assert "None" not in message
        twice = rf"\b{DETERMINERS[language]}\s+{DETERMINERS[language]}\b"
        assert not re.search(twice, message, re.IGNORECASE), message


def test_a_secret_request_message_reads_right_for_every_listed_phrase() -> None:
    # The slip this test was written for: "for their your pin". The message quotes
    # the matched phrase instead of putting a determiner before it.
    rule = Engine().rules["sensitive-in-private"]
    template = rule.messages["en"]["secret"]
    assert "pin code" in rule.data["en"]["secrets"]
    messages = _rendered("sensitive-in-private", "en", "secret", template)
    assert "Never ask a customer for a secret like “pin code”: no agent" in " ".join(messages)


# --- CLI summary messages ---------------------------------------------------------------


class _Summary:
    def __init__(self, replies: int, by_severity: dict[str, int], ignored: set[str]) -> None:
        self.replies = replies
        self.by_severity = Counter(by_severity)
        self.baselined = None
        self.ignored_fields = ignored


@pytest.mark.parametrize(
    ("replies", "severities", "errors", "duplicates", "ignored", "expected"),
    [
        (0, {}, 1, 0, set(), "0 replies checked: no findings; 1 input error"),
        (1, {"error": 1}, 0, 0, set(), "1 reply checked: 1 error"),
        (
            2,
            {"error": 2, "warning": 1, "info": 3},
            2,
            1,
            {"expected"},
            "2 replies checked: 2 errors, 1 warning, 3 info; 1 near-duplicate saved reply;"
            " 2 input errors; ignored 1 field: expected",
        ),
        (
            3,
            {"warning": 2, "info": 1},
            0,
            2,
            {"a", "b"},
            "3 replies checked: 2 warnings, 1 info; 2 near-duplicate saved replies;"
            " ignored 2 fields: a, b",
        ),
    ],
)
def test_summary_lines_agree_in_number(
    replies: int,
    severities: dict[str, int],
    errors: int,
    duplicates: int,
    ignored: set[str],
    expected: str,
) -> None:
    summary = _Summary(replies, severities, ignored)
    assert summary_line(summary, errors, duplicates) == expected  # type: ignore[arg-type]


def test_severity_counts_worst_first() -> None:
    assert severity_counts({"info": 1, "error": 1}) == "1 error, 1 info"


def test_assumed_line_names_the_default_channel_and_detected_languages() -> None:
    line = assumed_line(Counter({"private": 1}), Counter({"en": 2, "fr": 1}))
    assert line == (
        "assumed: channel private (the default) for 1 reply; language detected for"
        " 3 replies (en 2, fr 1) (set `channel` / `language` to state them)"
    )
    assert assumed_line(Counter(), Counter()) is None


def test_the_text_report_says_which_context_was_assumed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "stated.jsonl").write_text(
        '{"text": "Thanks Sam, it left today. – Marie", "channel": "chat", "language": "en"}\n'
        '{"text": "Thanks Sam, it left today. – Marie", "channel": "email"}\n'
        '{"text": "Thanks Sam, it left today. – Marie", "language": "en"}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = cli.main(["check", "--no-progress", str(tmp_path / "stated.jsonl")])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    # Record 2 left its language to detection, record 3 its channel to the default.
    assert out[-2] == (
        "assumed: channel private (the default) for 1 reply; language detected for"
        " 1 reply (en 1) (set `channel` / `language` to state them)"
    )
    assert out[-1] == "3 replies checked: no findings"


def test_nothing_assumed_prints_no_assumed_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "one.jsonl").write_text(
        '{"text": "Thanks Sam, it left today. – Marie", "channel": "chat", "language": "en"}\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["check", "--no-progress", str(tmp_path / "one.jsonl")]) == 0
    assert capsys.readouterr().out == "1 reply checked: no findings\n"


# --- the language server's install hint --------------------------------------------------


def test_lsp_without_its_server_module_does_not_point_to_the_empty_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from replylint import lsp

    monkeypatch.setitem(sys.modules, "replylint.lsp.server", None)  # import fails
    assert lsp.main([]) == 2
    err = capsys.readouterr().err
    assert "reinstall replylint" in err
    assert "replylint[lsp]" not in err
