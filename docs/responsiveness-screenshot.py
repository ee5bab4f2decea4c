"""Regenerate docs/responsiveness-report.png: the HTML report on the twcs sample, as
headless Chromium shows it. Run on demand, when the report's look changes:

    .venv/bin/python docs/responsiveness-screenshot.py [--sample PATH] [--chromium PATH]

Needs Debian's chromium and playwright (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from replylint.responsiveness.command import main as responsiveness

DOCS = Path(__file__).resolve().parent
SAMPLE = DOCS.parents[1] / "shared" / "corpus" / "conversations" / "twcs-4200.csv"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    parser.add_argument("-o", "--output", type=Path, default=DOCS / "responsiveness-report.png")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.html"
        if responsiveness([str(args.sample), "--lint", "-o", str(report)]) != 0:
            raise SystemExit("the report could not be made (see above)")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(args.chromium), headless=True, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(report.as_uri())
            page.screenshot(path=str(args.output), full_page=True)
            browser.close()
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
