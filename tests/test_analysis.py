"""analysis: the parts of a reply (salutation, body, sign-off) and its words."""

from __future__ import annotations

import pytest

from replylint.model import Reply
from replylint.text.analysis import _closing_prefix, _last_chunks_start, _last_emoji, analyze
from replylint.text.language_data import language_data


def signoff_of(text: str, language: str = "en") -> tuple[str, str] | None:
    signoff = analyze(Reply(text=text), language).signoff
    return None if signoff is None else (signoff.kind, text[signoff.start : signoff.end])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your parcel left today. ^JK", ("initials", "^JK")),
        ("Your parcel left today.\t^JK", ("initials", "^JK")),
        ("Your parcel left today.\u00a0^JK", ("initials", "^JK")),  # a no-break space
        ("Your parcel left today! -MS 2/2", ("initials", "-MS")),
        ("Your parcel left today. *MikeRice", ("initials", "*MikeRice")),
        ("Your parcel left today. – Marie Dupont", ("dash-name", "– Marie Dupont")),
        ("Your parcel left today.\t-\tTom B.", ("dash-name", "-\tTom B.")),
        ("Your parcel left today.\nBest,\nMarie", ("line", "Best,\nMarie")),
        ("Your parcel left today, sorry for the wait", None),
    ],
)
def test_signoff(text: str, expected: tuple[str, str] | None) -> None:
    assert signoff_of(text) == expected


def test_body_words_exclude_salutation_and_signoff() -> None:
    analysis = analyze(Reply(text="Hi Sam,\nYour order ships today.\n– Marie"), "en")
    assert [t.text for t in analysis.body_words] == ["Your", "order", "ships", "today"]
    assert [s.text.strip() for s in analysis.sentences] == ["Your order ships today."]


@pytest.mark.parametrize(
    ("text", "body_start"),
    [
        ("Hello, Sam! Your parcel left today.", len("Hello, Sam!")),
        ("Hi-fi speakers are back in stock today.", 0),  # a hyphen: no salutation
        ("Highlights of the week are below.", 0),  # "hi" inside a word
        ("Hey there, the fix is live.", len("Hey there,")),
    ],
)
def test_salutation_is_a_whole_opening_word(text: str, body_start: int) -> None:
    assert analyze(Reply(text), "en").body_start == body_start


@pytest.mark.parametrize(
    ("text", "body_start"),
    [
        ("Hi {{first_name}}, your parcel left today.", len("Hi {{first_name}},")),
        ("Hello [Customer Name], your parcel left today.", len("Hello [Customer Name],")),
        ("@{{handle}} Hi <NAME>, your parcel left today.", len("@{{handle}} Hi <NAME>,")),
        ("Hi {name} your parcel left today.", 0),  # no punctuation closes it: no salutation
    ],
)
def test_a_name_slot_belongs_to_the_salutation(text: str, body_start: int) -> None:
    assert analyze(Reply(text), "en").body_start == body_start


@pytest.mark.parametrize(
    ("text", "language", "body_start"),
    [
        ("Hi Max. We are sorry. The bus leaves at 8:20.", "en", len("Hi Max.")),
        ("Dear Mr. Osei, your card is on its way.", "en", len("Dear Mr. Osei,")),
        ("Bonjour Léa. Nous sommes désolés. Le bus part à 8h20.", "fr", len("Bonjour Léa.")),
        ("Bonjour M. Dupont, votre carte est partie.", "fr", len("Bonjour M. Dupont,")),
    ],
)
def test_a_period_closes_the_salutation_unless_it_ends_a_title(
    text: str, language: str, body_start: int
) -> None:
    assert analyze(Reply(text), language).body_start == body_start


@pytest.mark.parametrize(
    ("text", "language", "signoff"),
    [
        ("Please contact our support team via the app. The Acme Team", "en", "The Acme Team"),
        ("Votre colis est parti ce matin. Le service client Acme", "fr", "Le service client Acme"),
        ("Your parcel left this morning. The weather helped", "en", None),  # words of a text
    ],
)
def test_a_teams_signoff_after_the_last_sentence_ends_the_body(
    text: str, language: str, signoff: str | None
) -> None:
    analysis = analyze(Reply(text), language)
    found = analysis.signoff.name if analysis.signoff is not None else None
    assert found == signoff
    if signoff is not None:
        assert analysis.text[: analysis.body_end].endswith(".")


@pytest.mark.parametrize(
    ("text", "floor", "chunks", "expected"),
    [
        ("Thanks a lot\n  ^AB", 0, 1, 15),  # "^AB"
        ("Thanks a lot\n  ^AB", 0, 2, 9),  # "lot" and "^AB" (a line break separates)
        ("Thanks a lot\n  ^AB", 0, 5, 0),  # fewer chunks than that: the floor
        ("Thanks a lot\n  ^AB", 10, 2, 10),  # not before the floor
        ("a\tb c", 0, 1, 4),
        ("a\tb c", 0, 2, 0),  # a tab does not separate chunks
        ("ok   \n", 0, 1, 0),  # trailing spaces are no chunk
    ],
)
def test_last_chunks_start(text: str, floor: int, chunks: int, expected: int) -> None:
    assert _last_chunks_start(text, floor, chunks) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Thanks, Tom", 8),  # "Thanks" and ", "
        ("Thank you so much!", 18),  # the longest closing, then its "!"
        ("Thanksgiving was great", 0),  # a closing followed by a letter is none
        ("Best regards", 12),
        ("Tom", 0),
    ],
)
def test_closing_prefix(line: str, expected: int) -> None:
    assert _closing_prefix(line, language_data("en")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Done 😊 Aoife", 5),
        ("Café ☕ ok 😊", 10),  # the last one
        ("Café ok", -1),  # an accented letter is no symbol
        ("ok :-)", -1),  # nor an ASCII smiley
    ],
)
def test_last_emoji(text: str, expected: int) -> None:
    assert _last_emoji(text, -1) == expected
