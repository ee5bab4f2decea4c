"""The composer page in a real browser: type, see underlines, hover, apply a fix,
select a finding's words, French words for a French reply, remembered fields, and
an accessibility check (axe-core, WCAG 2 A/AA) that fails on any violation.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against the real
server. Outside CI a missing browser (or axe-core, `npm ci --prefix
tests/service/axe`) skips; under CI=true it fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .support import TOKEN, Server, start_server, stop_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI") == "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not IN_CI,
        reason=f"{CHROMIUM} is not installed (apt-get install chromium) — browser test skipped",
    ),
]


def required(path: Path, how: str) -> None:
    """Skip without `path` outside CI; in CI a missing part is a failure."""
    if not path.exists():
        (pytest.fail if IN_CI else pytest.skip)(f"{path} is missing ({how})")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    required(CHROMIUM, "apt-get install chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + "/")
    yield page
    context.close()
    assert errors == [], errors


def test_type_see_underline_apply_fix(page: Page) -> None:
    # The test server needs a token: the page shows the field once /healthz says so.
    expect(page.locator("#token-row")).to_be_visible()
    page.fill("#token", TOKEN)
    page.fill("#agent", "Marie")
    page.click("#reply")
    # An emoji before the flagged words: code-point offsets vs UTF-16 indices.
    page.keyboard.type("Hi Sam 😀, these banned words are gone.\n– Marie")

    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "block", timeout=15000)
    mark = page.locator("#backdrop mark.sev-error")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text("banned words")
    box = mark.bounding_box()
    assert box is not None and box["width"] > 20

    # Hovering the underline shows the explanation.
    tooltip = page.locator("#tooltip")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Never write 'banned words'.")
    expect(tooltip).to_contain_text("test-block")

    item = page.locator("#findings li.finding")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("test-block")
    item.locator("button.fix").click()

    expect(page.locator("#reply")).to_have_value("Hi Sam 😀, these kind words are gone.\n– Marie")
    expect(verdict).to_have_attribute("data-verdict", "pass", timeout=15000)
    expect(page.locator("#backdrop mark")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()


def test_warn_then_block_while_typing(page: Page) -> None:
    page.fill("#token", TOKEN)
    page.click("#reply")
    page.keyboard.type("That is a questionable phrase")
    verdict = page.locator("#verdict")
    expect(verdict).to_have_attribute("data-verdict", "warn", timeout=15000)
    expect(page.locator("#backdrop mark.sev-warning")).to_have_text("questionable phrase")
    page.keyboard.type(" and a forbidden phrase.")
    expect(verdict).to_have_attribute("data-verdict", "block", timeout=15000)
    expect(page.locator("#findings li.finding")).to_have_count(2)
    # Hovering a list item highlights its underline.
    page.locator("#findings li.finding").nth(1).hover()
    expect(page.locator("#backdrop mark.active")).to_have_text("forbidden phrase")


def test_wrong_token_shows_an_error(page: Page) -> None:
    page.fill("#token", "wrong")
    page.click("#reply")
    page.keyboard.type("Hello there")
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "error", timeout=15000)
    expect(page.locator("#status")).to_contain_text("token")


# --- built-in rules: Brand, sign-off, French --------------------------------------


@pytest.fixture(scope="module")
def builtin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with the built-in rules (an empty config) and no token."""
    tmp = tmp_path_factory.mktemp("builtin")
    config = tmp / "replylint.toml"
    config.write_text("", encoding="utf-8")
    running = start_server(tmp, "--config", str(config))
    yield running
    stop_server(running)


@pytest.fixture
def builtin_page(browser: Browser, builtin_server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-US")
    page = context.new_page()
    page.goto(builtin_server.url + "/")
    yield page
    context.close()


FRENCH_REPLY = (
    "Bonjour Sam, le magasin de Lyon ouvre à 9 h demain. "
    "Appelez-moi au 06 12 34 56 78 si besoin.\n– Marie"
)


def test_french_reply_gets_french_words_and_its_fix(builtin_page: Page) -> None:
    page = builtin_page
    page.select_option("#channel", "public")
    page.fill("#agent", "Marie")
    page.fill("#reply", FRENCH_REPLY)
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "block", timeout=30000)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("label[for=reply]")).to_have_text("Votre réponse")
    expect(page.locator("#verdict")).to_have_text("bloqué")
    expect(page.locator("#status")).to_contain_text("Langue : fr")
    item = page.locator("#findings li.finding", has_text="sensitive-in-private")
    expect(item).to_contain_text("Un numéro de téléphone")
    expect(item).to_contain_text("masquez cette donnée")  # the gender-neutral wording
    expect(item.locator(".sev")).to_have_text("erreur")
    expect(item.locator("button.fix")).to_have_text("Corriger : Masquer")
    item.locator("button.fix").click()
    expect(page.locator("#reply")).to_have_value(
        FRENCH_REPLY.replace("06 12 34 56 78", "** ** ** 56 78")
    )


def test_brand_names_the_team_sign_off_and_underlines_all_of_it(builtin_page: Page) -> None:
    page = builtin_page
    page.fill("#brand", "Acme")
    page.fill("#reply", "Your parcel left this morning and should arrive on Friday.\nThe Acme Team")
    item = page.locator("#findings li.finding", has_text="signature-present")
    expect(item).to_contain_text("team's name", timeout=30000)
    index = item.get_attribute("data-index")
    underlined = page.evaluate(
        """(index) => Array.from(document.querySelectorAll("#backdrop mark"))
            .filter((m) => m.dataset.findings.split(" ").includes(index))
            .map((m) => m.textContent).join("")""",
        index,
    )
    assert underlined == "The Acme Team"


def test_fields_are_remembered_between_visits(builtin_page: Page) -> None:
    page = builtin_page
    page.select_option("#channel", "email")
    page.fill("#agent", "Lou")
    page.fill("#brand", "Acme")
    page.reload()
    expect(page.locator("#channel")).to_have_value("email")
    expect(page.locator("#agent")).to_have_value("Lou")
    expect(page.locator("#brand")).to_have_value("Acme")


# --- the test server: selection, hover fix, tokens, rule pages ------------------------


def test_clicking_a_finding_selects_its_words(page: Page) -> None:
    page.fill("#token", TOKEN)
    page.fill("#reply", "Well, that is a questionable phrase to use here.")
    item = page.locator("#findings li.finding")
    expect(item).to_have_count(1, timeout=15000)
    item.locator(".message").click()
    selected = page.evaluate(
        "() => { const r = document.getElementById('reply');"
        " return r.value.slice(r.selectionStart, r.selectionEnd); }"
    )
    assert selected == "questionable phrase"


def test_hover_offers_the_fix(page: Page) -> None:
    page.fill("#token", TOKEN)
    page.fill("#reply", "Only banned words here.")
    mark = page.locator("#backdrop mark.sev-error")
    expect(mark).to_have_text("banned words", timeout=15000)
    box = mark.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    button = page.locator("#tooltip button.fix")
    expect(button).to_have_text("Fix: Replace with 'kind words'")
    button.click()
    expect(page.locator("#reply")).to_have_value("Only kind words here.")


def test_missing_and_wrong_tokens_get_different_messages(page: Page) -> None:
    page.fill("#reply", "Hello there")
    expect(page.locator("#status")).to_have_text(
        "This server needs an API token: enter it above.", timeout=15000
    )
    page.fill("#token", "wrong")
    expect(page.locator("#status")).to_have_text(
        "The server did not accept this API token: check it and try again.", timeout=15000
    )


def test_rule_link_opens_the_served_docs(page: Page, server: Server) -> None:
    page.fill("#token", TOKEN)
    page.fill("#reply", "That is a forbidden phrase.")
    link = page.locator("#findings li.finding a")
    expect(link).to_have_attribute("href", "/rules/test-block", timeout=15000)
    page.goto(server.url + "/rules/test-block")
    expect(page.locator("h1")).to_have_text("test-block")
    expect(page.locator("main")).to_contain_text("forbidden phrase")


# --- accessibility ------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A and AA violations on the page as it is now."""
    required(AXE, "npm ci --prefix tests/service/axe")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values:"
        " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


def test_accessibility_of_a_checked_reply(browser: Browser, server: Server) -> None:
    # axe is injected as a script: the page's CSP (script-src 'self') is bypassed for it.
    context = browser.new_context(viewport={"width": 1000, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server.url + "/")
    page.fill("#token", TOKEN)
    page.fill("#reply", "A questionable phrase, a forbidden phrase, and we utilize banned words.")
    expect(page.locator("#findings li.finding")).to_have_count(4, timeout=15000)
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "block")
    page.locator("#findings li.finding").first.hover()
    expect(page.locator("#tooltip")).to_be_visible()
    assert axe_violations(page) == []
    # ERROR labels and the BLOCK badge do not share one red.
    label = page.locator(".finding .sev.sev-error").first.evaluate("e => getComputedStyle(e).color")
    badge = page.locator("#verdict").evaluate("e => getComputedStyle(e).backgroundColor")
    assert label != badge
    page.goto(server.url + "/rules/test-warn")
    assert axe_violations(page) == []
    context.close()
