"""personal_data: each detector, including texts that only just qualify for it.

The detectors are skipped when the text cannot hold what they look for (no "@",
too few digits); these cases sit at those limits.
"""

from __future__ import annotations

import pytest

from replylint.personal_data import find_personal_data


def kinds(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(item.kind, item.text) for item in find_personal_data(text, language)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to jane.doe@example.com please", [("email", "jane.doe@example.com")]),
        ("Card 4111 1111 1111 1111 was declined", [("card", "4111 1111 1111 1111")]),
        ("IBAN FR14 2004 1010 0505 0001 3M02 606", [("iban", "FR14 2004 1010 0505 0001 3M02 606")]),
        ("Your order #48213 shipped", [("identifier", "48213")]),
        ("Parcel XU240813808FR is on its way", [("parcel", "XU240813808FR")]),
        ("Tracking 1ZABCDEFGHIJKLMNOP left the depot", [("parcel", "1ZABCDEFGHIJKLMNOP")]),
        ("Date of birth: 12/04/1987 on file", [("birth_date", "12/04/1987")]),
        ("DOB 12/04/1987", [("birth_date", "12/04/1987")]),
        ("Your D.O.B. is 12/04/1987", [("birth_date", "12/04/1987")]),
        ("Born on March 3, 1990 apparently", [("birth_date", "March 3, 1990")]),
        ("Call me on (415) 555-2671 tonight", [("phone", "(415) 555-2671")]),
        ("Send it to 221B Baker Street, London", [("address", "221B Baker Street, London")]),
    ],
)
def test_each_detector_finds_its_kind(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for waiting, we are on it!",  # no digit, no "@"
        "Ping @acmehelp for updates",  # an @handle is never data
        "See you at 10 on the 3rd",  # digits, but nothing shaped like data
        "Order 42 is small",  # a code needs more digits
        "Card 4111 1111 1111 1112 is fine",  # fails the Luhn check
    ],
)
def test_ordinary_text_holds_no_personal_data(text: str) -> None:
    assert kinds(text) == []


def test_french_birth_date_and_address() -> None:
    found = kinds("Née le 12/03/1985, j'habite 12 rue des Lilas", "fr")
    assert found[0] == ("birth_date", "12/03/1985")
    assert found[1][0] == "address"


def test_public_contacts_are_not_reported() -> None:
    found = find_personal_data(
        "Call us on (415) 555-2671", "en", public_contacts=("+1 415 555 2671",)
    )
    assert found == []
