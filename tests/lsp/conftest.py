"""pytest-lsp fixtures: the real server over stdio, one workspace folder per test.

`client` starts `python -m replylint lsp` with VS Code's capabilities (UTF-16
only) in a temporary workspace holding a `replylint.toml` with one phrase rule
(`test-guys`: "hey guys" -> "hey folks", a warning with a fix). Parametrize it
indirectly to change the workspace or the client:

    @pytest.mark.parametrize("client", [{"encodings": ["utf-8", "utf-16"]}], indirect=True)

keys: `encodings` (general.positionEncodings), `config` (replylint.toml text, or
None for no config file), `files` ({name: text} written before start),
`init` (initializationOptions), `settings` (the `replylint` section answered to
workspace/configuration), `configuration` (False: the client does not support
workspace/configuration), `server` (the server command line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsp_support import INIT_OPTIONS, PHRASE_CONFIG, SERVER
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities


@pytest_asyncio.fixture
async def client(request: pytest.FixtureRequest, tmp_path: Path):
    # Like @pytest_lsp.fixture, but the server command can vary per test.
    options: dict[str, Any] = getattr(request, "param", None) or {}
    lsp_client = await ClientServerConfig(server_command=options.get("server", SERVER)).start()
    assert isinstance(lsp_client, LanguageClient)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    config = options.get("config", PHRASE_CONFIG)
    if config is not None:
        (workspace / "replylint.toml").write_text(config, encoding="utf-8")
    for name, text in options.get("files", {}).items():
        (workspace / name).write_text(text, encoding="utf-8")
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(
        position_encodings=options.get("encodings", [types.PositionEncodingKind.Utf16])
    )
    if options.get("configuration") is False:  # a client without workspace/configuration
        capabilities.workspace.configuration = False
    lsp_client.set_configuration(options.get("settings", {}), section="replylint")
    lsp_client.workspace_path = workspace  # type: ignore[attr-defined]
    lsp_client.received = []  # type: ignore[attr-defined]  # every publishDiagnostics, in order
    original = lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        lsp_client.received.append(params)  # type: ignore[attr-defined]
        original(params)

    lsp_client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="workspace")],
            initialization_options=options.get("init", INIT_OPTIONS),
        )
    )
    lsp_client.init_result = result  # type: ignore[attr-defined]
    yield lsp_client
    await lsp_client.shutdown_session()
    await lsp_client.stop()
