"""The composer page in a real browser: type, see underlines, hover, apply a fix.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against the real
server. Skipped only when that browser is not installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .support import TOKEN, Server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is not installed (apt-get install chromium) — browser test skipped",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
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
