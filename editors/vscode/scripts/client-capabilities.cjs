// The ClientCapabilities that the extension's LanguageClient sends in `initialize`,
// computed by the installed vscode-languageclient itself (against a stand-in for
// the `vscode` module, since this runs outside VS Code).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { installVscodeStub } = require('../test/support/vscode-stub.cjs');

const LANGUAGES = ['reply', 'markdown', 'plaintext'];

function clientVersion() {
  const file = path.join(__dirname, '..', 'node_modules', 'vscode-languageclient', 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

function computeClientCapabilities() {
  const uninstall = installVscodeStub();
  try {
    const { LanguageClient } = require('vscode-languageclient/node');
    const client = new LanguageClient(
      'replylint',
      'replylint',
      { command: 'replylint', args: ['lsp'] },
      {
        documentSelector: LANGUAGES.flatMap((language) => [
          { scheme: 'file', language },
          { scheme: 'untitled', language },
        ]),
        synchronize: { configurationSection: 'replylint' },
      },
    );
    // JSON round trip: plain data, as it goes over the wire.
    return JSON.parse(JSON.stringify(client.computeClientCapabilities()));
  } finally {
    uninstall();
  }
}

module.exports = { computeClientCapabilities, clientVersion };
