"""Regenerate docs/composer-fr.png and docs/terminal.png.

    .venv/bin/python docs/screenshots.py

The composer: a real `replylint serve` (built-in rules), a French public reply
typed in headless Chromium. The terminal: `replylint check` run in a pseudo-terminal
(colours and source lines, as a user sees it), its output drawn by rich's SVG
export and photographed by the same browser.
"""

from __future__ import annotations

import io
import os
import pty
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import expect, sync_playwright
from rich.console import Console
from rich.text import Text

DOCS = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
FRENCH_REPLY = (
    "Bonjour Sam, votre colis est parti ce matin de notre entrepôt. "
    "Appelez-moi au 06 12 34 56 78 si besoin.\nL'équipe Acme"
)
SAMPLE = {
    "refund.reply": "---\nchannel: public\nagent: Marie\n---\n> @Acme where is my refund??\n"
    "Dear valued customer, your refund left today. Call me at +1 415 555 0134 if it is late.\n",
    "saved.jsonl": '{"id": "welcome", "channel": "chat", "text": "Hi {{first_name}}, thanks for'
    ' waiting! Your order ships on Monday.\\n– Lou"}\n',
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def composer(browser_path: str, work: Path) -> None:
    config = work / "replylint.toml"
    config.write_text("", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "replylint", "serve", "--port", str(port), "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(url + "/healthz", timeout=2).json().get("ready"):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1000, "height": 860}, locale="fr-FR")
            page.goto(url + "/")
            page.select_option("#channel", "public")
            page.fill("#agent", "Marie")
            page.fill("#brand", "Acme")
            page.fill("#reply", FRENCH_REPLY)
            expect(page.locator("#verdict")).to_have_attribute(
                "data-verdict", "block", timeout=60000
            )
            mark = page.locator("#backdrop mark.sev-error").first
            box = mark.bounding_box()
            assert box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            expect(page.locator("#tooltip")).to_be_visible()
            page.screenshot(path=str(DOCS / "composer-fr.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def terminal(browser_path: str, work: Path) -> None:
    for name, text in SAMPLE.items():
        (work / name).write_text(text, encoding="utf-8")
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "replylint", "check", "--no-progress", *SAMPLE],
        cwd=work,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    output = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    console = Console(record=True, width=118, file=io.StringIO(), force_terminal=True)
    console.print(Text.from_ansi("$ replylint check refund.reply saved.jsonl\n" + output))
    svg = work / "terminal.svg"
    svg.write_text(console.export_svg(title="replylint check"), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 600})
        page.goto(svg.as_uri())
        page.locator("svg").screenshot(path=str(DOCS / "terminal.png"))
        browser.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        composer(CHROMIUM, Path(tmp))
        terminal(CHROMIUM, Path(tmp))
    print(f"wrote {DOCS / 'composer-fr.png'} and {DOCS / 'terminal.png'}")
