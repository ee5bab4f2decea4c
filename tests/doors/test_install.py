"""The README's first command installs every door: a fresh venv, exactly that install,
then each door's `--help` exits 0 and prints its usage.

Slow (a full `pip install -e .` of this checkout, about a minute and a half with a
warm pip cache), so the venv is built once for the module and every door is asked
from it; it is the one test of this kind in the suite.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
DOORS = ("check", "hook", "serve", "lsp", "eval", "responsiveness")

pytestmark = pytest.mark.timeout(1800)


def readme_install() -> str:
    """The README's first command up to the install (`... pip install -e .`)."""
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.+?)\n```", readme, re.DOTALL)
    assert first is not None, "the README has no ```sh block"
    steps = [step.strip() for step in first.group(1).split("&&")]
    install = [step for step in steps if "pip install" in step]
    assert install == [".venv/bin/pip install -e ."], steps
    return " && ".join(steps[: steps.index(install[0]) + 1])


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    venv = tmp_path_factory.mktemp("readme") / "venv"
    # The README's own words, with its `.venv` moved out of the checkout.
    command = readme_install().replace(".venv", shlex.quote(str(venv)))
    proc = subprocess.run(
        command, shell=True, cwd=CHECKOUT, capture_output=True, text=True, timeout=1500
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    yield venv


def test_the_readme_installs_with_one_pip_command() -> None:
    assert readme_install() == "python3 -m venv .venv && .venv/bin/pip install -e ."


@pytest.mark.parametrize("door", DOORS)
def test_every_door_answers_help_after_the_readme_install(fresh_venv: Path, door: str) -> None:
    proc = subprocess.run(
        [str(fresh_venv / "bin" / "replylint"), door, "--help"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: replylint"), proc.stdout[:300]
    assert "Traceback" not in proc.stderr
