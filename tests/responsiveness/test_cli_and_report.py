"""The command as a real process, the output formats in process, and the HTML report in
a real headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from replylint.responsiveness.command import main

from .conftest import write_jsonl
from .test_inputs import LOG

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_the_command_runs_as_a_process(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "log.jsonl", LOG)
    done = subprocess.run(
        [sys.executable, "-m", "replylint", "responsiveness", str(export), "--format", "csv"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows[0]["scope"] == "overall"
    assert (rows[0]["customer_messages"], rows[0]["answered"]) == ("3", "2")


def test_text_output_is_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = write_jsonl(tmp_path / "log.jsonl", LOG)
    assert main([str(export)]) == 0
    out = capsys.readouterr().out
    assert "3 customer messages, 2 answered, 1 unanswered" in out
    assert "┃ brand" in out and "Acme" in out


def test_bad_options_exit_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x.jsonl", "--timezone", "Mars/Olympus"]) == 2
    assert "unknown time zone 'Mars/Olympus'" in capsys.readouterr().err
    assert main(["x.jsonl", "--format", "parquet"]) == 2
    assert "needs -o FILE" in capsys.readouterr().err


def test_parquet_out_has_one_row_per_counted_message(tmp_path: Path) -> None:
    import duckdb

    export = write_jsonl(tmp_path / "log.jsonl", LOG)
    out = tmp_path / "messages.parquet"
    assert main([str(export), "-o", str(out)]) == 0
    rows = duckdb.sql(f"SELECT id, response_s FROM '{out}' ORDER BY id").fetchall()
    assert rows == [("1", 180.0), ("3", 1200.0), ("5", None)]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def test_html_report_renders_offline_in_chromium(
    browser: object, twcs_sample: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    assert main([str(twcs_sample), "--lint", "-o", str(report)]) == 0
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())
    charts = ["histogram", "week-grid", "brands", "daily", "findings"]
    for chart in charts:
        box = page.locator(f"#{chart} svg").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100, chart
    assert "does not meet it" in page.locator("#verdict").inner_text()
    assert "staff these hours or set them as away" in page.locator("#advice").inner_text()
    assert [url for url in requests if not url.startswith("file:")] == []
    assert errors == []
    # The page paints: a screenshot of it is a real image (the one in docs/ comes
    # from docs/responsiveness-screenshot.py, run on demand).
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    context.close()
