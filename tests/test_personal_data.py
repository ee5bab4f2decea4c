"""personal_data: each detector, including texts that only just qualify for it.

The detectors are skipped when the text cannot hold what they look for (no "@",
too few digits); these cases sit at those limits.
"""

from __future__ import annotations

import pytest

from replylint.builtin.personal_data import find_personal_data


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


DIGIT_LED_TEXTS = [
    "12 rue des Lilas, 75011 Paris and 3 bis avenue Foch",
    "221B Baker Street, London SW1A 1AA; also 10 Downing St",
    "IBAN FR14 2004 1010 0505 0001 3M02 606 or GB82WEST12345698765432",
    "cards 4111 1111 1111 1111, 5500-0000-0000-0004 and 1234",
    "XU240813808FR then 1Z999AA10123456784 x9 99 9",
    "no digits here",
    "9",
    "a1b2c3 4d5e6 77 888 9999 12345 6",
]


@pytest.mark.parametrize("text", DIGIT_LED_TEXTS)
def test_digit_led_scan_finds_what_a_full_scan_finds(text: str) -> None:
    """Patterns tried only at runs of digits find the same matches as `finditer`."""
    from replylint.builtin import personal_data as pd

    scan = pd._Scan(text)
    addresses = pd.address_patterns(pd.default_words("en").street_words)
    assert len(addresses) == 2  # the English and the French shape
    for pattern, back in [
        *((address, 0) for address in addresses),
        (pd._CARD, 0),
        (pd._IBAN, 2),
        (pd._PARCEL, 2),
        (pd._UK_POSTCODE, 2),
    ]:
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in scan.digit_led(pattern, back)] == expected


@pytest.mark.parametrize("keyword", ["ſubscription", "İNVOİCE", "ınvoice", "ORDERS"])
def test_identifier_pre_test_follows_case_insensitive_matching(keyword: str) -> None:
    """Letters `re.IGNORECASE` folds to ASCII (long s, dotted and dotless i) still
    let the identifier pattern run."""
    assert kinds(f"{keyword} 4821937") == [("identifier", "4821937")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The shortest codes: five characters with four digits, six with two letters.
        ("Your order 12-34 is packed", [("identifier", "12-34")]),
        ("Your ticket AB12CD is open", [("identifier", "AB12CD")]),
        ("Your ticket 1-2-3 is open", []),  # three digits: no code
        # The only long run of digits is an @handle: the keyword has no code.
        ("@order48213 your order 12 is here", []),
        # A number in groups of digits is one code; a count after a code is not part of it.
        ("We see on account 2994 118 203 an estimated reading", [("identifier", "2994 118 203")]),
        ("Your order 48213 on 12 March left", [("identifier", "48213")]),
    ],
)
def test_identifier_codes_at_their_shortest_and_around_their_digits(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Please call us on (415) 555-2671 any day.", "en"),  # "us": the brand's line
        ("Our store at 5 High Street, London opens at 9.", "en"),
        ("The support desk is on 020 7946 0018 until 6pm.", "en"),
        ("Email us at help@acme-example.com and we'll look.", "en"),
        ("Ring 0800 028 0202 free of charge.", "en"),  # a UK freephone number
        ("Appelez-nous au 01 44 55 66 77 en semaine.", "fr"),
        ("Notre numéro : 01 44 55 66 77.", "fr"),
        ("Composez le 0 800 123 456, appel gratuit.", "fr"),  # a French toll-free number
        ("Just email returns@shop-example.com with a photo.", "en"),  # a role mailbox
        ("Write to customer.care@acme-example.com for a copy.", "en"),  # role, then a dot
        ("Écrivez à sav-lyon@boutique-exemple.fr pour l'échange.", "fr"),
    ],
)
def test_the_brands_own_contact_is_marked_business(text: str, language: str) -> None:
    found = find_personal_data(text, language)
    assert len(found) == 1 and found[0].business, found


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We will call you on (415) 555-2671 tomorrow.", "en"),
        ("Our driver tried to call you on (415) 555-2671.", "en"),  # "you" stands nearer
        ("You can also write to jane.doe@gmail.com about it.", "en"),
        ("Write to supporter.jane@gmail.com about it.", "en"),  # a role word is no prefix
        ("Your parcel went to 22 Baker Street, London.", "en"),
        ("Appelez-moi au 06 12 34 56 78 demain.", "fr"),
        ("Nous avons livré au 15 allée des Tilleuls.", "fr"),
    ],
)
def test_the_customers_contact_is_personal(text: str, language: str) -> None:
    found = find_personal_data(text, language)
    assert len(found) == 1 and not found[0].business, found


def test_text_written_as_code_is_not_data() -> None:
    assert kinds("Sign with `Signed-off-by: Ann <ann@example.org>` at the end.") == []
    assert kinds("Or mail ann@example.org directly.") == [("email", "ann@example.org")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An @handle holding digits is never read as data, in either form of "@".
        ("@shop48213 your order #48213 shipped", [("identifier", "48213")]),
        ("＠shop48213 your order #48213 shipped", [("identifier", "48213")]),
        # "@" after a word character opens an email, not a handle.
        ("mail ann.lee@example.org or @helpdesk", [("email", "ann.lee@example.org")]),
        # "@" right after "@" or "＠" opens no handle: the digits after it are read.
        ("see @@order 48213", [("identifier", "48213")]),
        ("see ＠@order 48213", [("identifier", "48213")]),
    ],
)
def test_handles_are_found_wherever_their_at_sign_stands(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@115821 @4821937 thanks, all sorted", []),
        ("@115821 see https://shop.example/orders/4821937", []),
        ("@115821 write to ann.lee@example.org", [("email", "ann.lee@example.org")]),
        ("@115821 your order 4821937 shipped", [("identifier", "4821937")]),
        # A handle standing inside a URL is the URL's: its digits are not read either.
        ("@115821 see https://t.co/Ab4821937/@ann4821937 thanks", []),
        ("Hi @ann48 see HTTPS://t.co/x4821937 for order 4821937", [("identifier", "4821937")]),
        ("＠shop48213 see www.shop.example/4821937, all sorted", []),
    ],
)
def test_digits_only_in_handles_urls_or_emails_hold_no_other_data(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize("text", ["@helpdesk @shop thanks!", "Thanks @helpdesk, all sorted"])
def test_a_text_with_only_handles_and_no_digits_holds_no_data(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 13 digits is the shortest card number: a Visa that passes the Luhn check.
        ("Card 4222222222222 was declined", ["4222222222222"]),
        # 12 digits cannot be a card, whatever the words around them.
        ("Card 422222222222 was declined", []),
    ],
)
def test_card_numbers_start_at_thirteen_digits(text: str, expected: list[str]) -> None:
    from replylint.builtin.personal_data import find_card_numbers

    assert [card.text for card in find_card_numbers(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        *DIGIT_LED_TEXTS,
        "gb82west12345698765432 and sw1a 1aa in lower case",
        "A1 2BC, EC1A 1BB, W1 1AA and 2W1 1AA",
        "ÉC1A 1BB then GB82 WEST 1234 5698 7654 32",
    ],
)
def test_capital_led_scan_finds_what_a_full_scan_finds(text: str) -> None:
    """IBANs and UK postcodes tried only at runs of digits after a capital find the
    same matches as `finditer`."""
    from replylint.builtin import personal_data as pd

    scan = pd._Scan(text)
    for pattern in (pd._IBAN, pd._UK_POSTCODE):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in scan.capital_led(pattern, 2)] == expected


@pytest.mark.parametrize(
    ("text", "has_digit", "count"),
    [
        ("no digits here", False, 0),
        ("", False, 0),
        ("order 4821 on 12/05", True, 8),
        ("café au lait", False, 0),  # not ASCII, no digit
        ("café n° 42", True, 2),  # not ASCII, ASCII digits
        ("prix : ٣٤ €", True, 2),  # Arabic-Indic digits are digits too
        ("１２３ fullwidth", True, 3),
    ],
)
def test_digit_tests_count_unicode_digits_like_re(text: str, has_digit: bool, count: int) -> None:
    """The quick digit tests answer what `re`'s `\\d` does, ASCII or not."""
    from replylint.builtin import personal_data as pd

    assert pd._has_digit(text) is has_digit
    assert pd._digit_count(text) == count


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("see HTTP://A.b/c and www.x.io/1", [(4, 16), (21, 31)]),
        ("no link here", []),
        ("xhttp://a.b and wwww.b.com", []),  # no word boundary before either
        ("http://a.io/x www.b.io", [(0, 13), (14, 22)]),
        ("İ http://x.io", [(2, 13)]),  # not ASCII: "İ" lower-cases to two characters
    ],
)
def test_url_spans_are_where_links_start_at_a_word_boundary(
    text: str, spans: list[tuple[int, int]]
) -> None:
    from replylint.builtin import personal_data as pd

    assert pd._url_spans(text, text.lower()) == spans


@pytest.mark.parametrize(
    ("text", "outside"),
    [
        ("@115821 Hi, see https://t.co/x8Fz", False),
        ("@115821 call 555 today", True),
        ("see www.shop.com/12 or http://x.io/7", False),
        ("see www.shop.com/12 room 7", True),
        ("＠12345 hi", False),
    ],
)
def test_digit_outside_links_ignores_digits_of_urls_and_handles(text: str, outside: bool) -> None:
    from replylint.builtin import personal_data as pd

    lower = text.lower()
    assert pd._digit_outside_links(text, lower, pd._url_spans(text, lower)) is outside
