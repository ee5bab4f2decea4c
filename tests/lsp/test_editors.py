"""docs/editors.md: every editor's configuration starts a server that answers.

The command is read out of each snippet as the editor would read it (Lua table,
TOML, Emacs list, JSON, the dialog's command line); only `replylint` itself is
replaced by the script of this environment, as the page tells users to do when it is
not on PATH. Neovim's fallback configuration is then run for real in
`nvim --headless`, which must show a finding worked out by hand.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from replylint.tomlcompat import tomllib

DOC = (Path(__file__).resolve().parents[2] / "docs" / "editors.md").read_text("utf-8")
REPLYLINT = str(Path(sys.executable).with_name("replylint"))


def section(title: str) -> str:
    """The text of the `## title...` section of the page."""
    match = re.search(rf"^## {re.escape(title)}.*?$(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match, f"no section {title!r} in docs/editors.md"
    return match.group(1)


def block(title: str, language: str, index: int = 0) -> str:
    blocks = re.findall(rf"```{language}\n(.*?)```", section(title), re.S)
    assert len(blocks) > index, f"no {language} block #{index} in {title!r}"
    return str(blocks[index])


def strings(text: str) -> list[str]:
    return re.findall(r'"([^"]*)"', text)


def lua_cmd(title: str) -> list[str]:
    match = re.search(r"cmd = \{(.*?)\}", block(title, "lua"))
    assert match
    return strings(match.group(1))


def helix_cmd() -> list[str]:
    server = tomllib.loads(block("Helix", "toml"))["language-server"]["replylint"]
    return [server["command"], *server["args"]]


def emacs_cmd() -> list[str]:
    match = re.search(r"\(\(reply-mode\)\s*\.\s*\(([^:)]*)", block("Emacs", "elisp"))
    assert match
    return strings(match.group(1))


def zed_cmd() -> list[str]:
    binary = json.loads(block("Zed", "json"))["lsp"]["replylint"]["binary"]
    return [binary["path"], *binary["arguments"]]


def jetbrains_cmd() -> list[str]:
    return shlex.split(block("JetBrains", "sh"))


COMMANDS = {
    "neovim 0.11": lambda: lua_cmd("Neovim 0.11"),
    "neovim 0.7": lambda: lua_cmd("Neovim 0.7"),
    "helix": helix_cmd,
    "emacs": emacs_cmd,
    "zed": zed_cmd,
    "jetbrains": jetbrains_cmd,
}


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_frames(data: bytes) -> list[dict[str, Any]]:
    messages = []
    while data:
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", header).group(1))  # type: ignore[union-attr]
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


@pytest.mark.parametrize("editor", list(COMMANDS))
def test_each_documented_command_starts_a_server(editor: str, tmp_path: Path) -> None:
    command = COMMANDS[editor]()
    assert command == ["replylint", "lsp"]  # what the page shows, before the path swap
    exchange = b"".join(
        frame(m)
        for m in (
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
            },
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
            {"jsonrpc": "2.0", "method": "exit", "params": None},
        )
    )
    done = subprocess.run(
        [REPLYLINT, *command[1:]],
        input=exchange,
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    replies = {m["id"]: m for m in read_frames(done.stdout) if "id" in m and "method" not in m}
    assert replies[1]["result"]["serverInfo"]["name"] == "replylint"
    assert "textDocumentSync" in replies[1]["result"]["capabilities"]
    assert replies[2]["result"] is None
    assert done.returncode == 0, done.stderr.decode(errors="replace")


HARNESS = """
local found = vim.wait(90000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(out, { message = d.message, source = d.source, lnum = d.lnum, col = d.col,
                      end_col = d.end_col, code = d.code or lsp.code })
end
vim.fn.writefile({ vim.fn.json_encode({ found = found, diagnostics = out }) }, "result.json")
vim.cmd("qa!")
"""
TEAM_CONFIG = """\
select = ["acme-words"]

[[phrases]]
name = "acme-words"
message = "Avoid '{phrase}'."
phrases = ["kindly"]
severity = "error"
"""


def test_neovim_fallback_configuration_shows_diagnostics(tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        message = "nvim is not installed (apt-get install neovim)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI must run this test", pytrace=False)
        pytest.skip(message)
    (tmp_path / "init.lua").write_text(block("Neovim 0.7", "lua"), encoding="utf-8")
    (tmp_path / "harness.lua").write_text(HARNESS, encoding="utf-8")
    (tmp_path / "replylint.toml").write_text(TEAM_CONFIG, encoding="utf-8")
    (tmp_path / "draft.reply").write_text(
        "Hi Jo,\nplease kindly wait for the courier.\nMia\n", encoding="utf-8"
    )
    env = dict(os.environ, PATH=f"{Path(REPLYLINT).parent}{os.pathsep}{os.environ['PATH']}")
    env.pop("VIMINIT", None)
    done = subprocess.run(
        [nvim, "--headless", "-n", "-u", "init.lua", "draft.reply", "-c", "luafile harness.lua"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=180,
        check=False,
    )
    result_file = tmp_path / "result.json"
    assert result_file.exists(), done.stderr.decode(errors="replace")
    result = json.loads(result_file.read_text("utf-8"))
    assert result["found"] is True
    # "kindly" is line 2 (0-based 1), columns 7 to 13 of "please kindly wait ...".
    assert result["diagnostics"] == [
        {
            "message": "Avoid 'kindly'.",
            "source": "replylint",
            "lnum": 1,
            "col": 7,
            "end_col": 13,
            "code": "acme-words",
        }
    ]
