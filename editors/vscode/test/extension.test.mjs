// Checks that need no VS Code and no language server: the manifest, the docs,
// the bundle, and the pure helpers (server command line, settings sent to the server).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules, createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

import { bundleOptions } from '../esbuild.config.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const read = (file) => readFileSync(path.join(ROOT, file), 'utf8');
const manifest = JSON.parse(read('package.json'));
const properties = manifest.contributes.configuration.properties;

const SETTINGS = [
  'replylint.channel',
  'replylint.agent',
  'replylint.brand',
  'replylint.language',
  'replylint.rules',
  'replylint.files',
  'replylint.server.command',
  'replylint.server.python',
  'replylint.trace.server',
];
const COMMANDS = [
  'replylint.switchChannel',
  'replylint.explainRule',
  'replylint.lintWorkspace',
  'replylint.disableForFile',
  'replylint.disableRule',
  'replylint.restartServer',
];

let tmp;
let helpers;

before(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'replylint-vscode-unit-'));
  // Compile the vscode-free helpers to ESM so they can be tested directly.
  await esbuild.build({
    entryPoints: ['serverCommand', 'settings', 'formats', 'status'].map((name) => path.join(ROOT, `src/${name}.ts`)),
    outdir: tmp,
    format: 'esm',
    platform: 'node',
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  helpers = {
    ...(await import(pathToFileURL(path.join(tmp, 'serverCommand.mjs')).href)),
    ...(await import(pathToFileURL(path.join(tmp, 'settings.mjs')).href)),
    ...(await import(pathToFileURL(path.join(tmp, 'formats.mjs')).href)),
    ...(await import(pathToFileURL(path.join(tmp, 'status.mjs')).href)),
  };
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('package.json manifest', () => {
  it('has the fields vsce needs to package without prompting', () => {
    assert.equal(manifest.license, 'MIT');
    assert.ok(manifest.repository?.url, 'repository.url');
    assert.ok(manifest.publisher, 'publisher');
    assert.ok(manifest.engines?.vscode, 'engines.vscode');
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(existsSync(path.join(ROOT, 'LICENSE')), 'LICENSE');
    assert.ok(existsSync(path.join(ROOT, 'README.md')), 'README.md');
  });

  it('keeps @types/vscode within engines.vscode', () => {
    const types = manifest.devDependencies['@types/vscode'].replace(/^[~^]/, '');
    const engine = manifest.engines.vscode.replace(/^[~^]/, '');
    const [tMaj, tMin] = types.split('.').map(Number);
    const [eMaj, eMin] = engine.split('.').map(Number);
    assert.ok(tMaj < eMaj || (tMaj === eMaj && tMin <= eMin), `@types/vscode ${types} is newer than engines.vscode ${engine}`);
  });

  it('activates for every format the server reads, and for replylint projects', () => {
    for (const language of ['reply', 'markdown', 'plaintext', 'yaml', 'json', 'jsonc', 'jsonl', 'csv']) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), `onLanguage:${language}`);
      assert.ok(helpers.LANGUAGES.includes(language), `document selector language ${language}`);
    }
    assert.ok(manifest.activationEvents.includes('workspaceContains:**/replylint.toml'));
  });

  it('selects files of every extension the server reads, CSV included', () => {
    const patterns = helpers.DOCUMENT_SELECTOR.filter((f) => f.pattern).map((f) => f.pattern);
    assert.deepEqual(patterns, ['**/*.{reply,txt,md,markdown,yaml,yml,json,jsonl,ndjson,csv}']);
    assert.ok(helpers.DOCUMENT_SELECTOR.some((f) => f.scheme === 'untitled' && f.language === 'reply'));
  });

  it('offers the supported languages, and rule options with their defaults from the rule data', () => {
    assert.deepEqual(properties['replylint.language'].enum, ['', 'en', 'fr']);
    assert.deepEqual(properties['replylint.files'].default, ['*.reply', '*.reply.md']);
    const rules = properties['replylint.rules'].properties;
    // rules/brevity.toml: max_words = { public = 60, chat = 60, private = 90, email = 180 }
    assert.deepEqual(rules.brevity.properties.max_words.default, { public: 60, chat: 60, private: 90, email: 180 });
    assert.deepEqual(rules.brevity.properties.max_words.anyOf[0], { type: 'integer' });
    // rules/saved-reply-fit.toml: coverage_threshold = 0.5
    assert.equal(rules['saved-reply-fit'].properties.coverage_threshold.type, 'number');
    assert.equal(rules.brevity.additionalProperties, false, 'a misspelt option is flagged in settings.json');
  });

  it('contributes the reply language for *.reply and *.reply.md, with its grammar', () => {
    const reply = manifest.contributes.languages.find((l) => l.id === 'reply');
    assert.ok(reply, 'language "reply"');
    assert.ok(reply.extensions.includes('.reply'));
    assert.ok(reply.filenamePatterns.includes('*.reply.md'));
    JSON.parse(read(reply.configuration));
    const grammar = manifest.contributes.grammars.find((g) => g.language === 'reply');
    const tm = JSON.parse(read(grammar.path));
    assert.equal(tm.scopeName, grammar.scopeName);
    // Every regex in the grammar must at least be valid JavaScript (Oniguruma is a superset here).
    const walk = (node) => {
      if (node && typeof node === 'object') {
        for (const key of ['match', 'begin', 'end']) {
          if (typeof node[key] === 'string') new RegExp(node[key].replace(/\\A/g, '^'), 'u');
        }
        Object.values(node).forEach(walk);
      }
    };
    walk(tm);
  });

  it('contributes every setting, each with a description', () => {
    for (const key of SETTINGS) {
      assert.ok(properties[key], `setting ${key}`);
      assert.ok(properties[key].description || properties[key].markdownDescription, `description of ${key}`);
    }
    assert.deepEqual(Object.keys(properties).sort(), [...SETTINGS].sort(), 'no undocumented extra settings');
  });

  it('describes each channel and matches the channels the extension offers', () => {
    const channel = properties['replylint.channel'];
    assert.deepEqual(channel.enum, [...helpers.CHANNELS]);
    assert.equal(channel.enumDescriptions.length, channel.enum.length);
    assert.deepEqual(properties['replylint.server.command'].default, ['replylint', 'lsp']);
    assert.deepEqual(properties['replylint.trace.server'].enum, ['off', 'messages', 'verbose']);
    for (const rule of ['personal-tone', 'brevity', 'directness', 'signature-present', 'no-marketing-spam', 'sensitive-in-private', 'saved-reply-fit']) {
      assert.ok(properties['replylint.rules'].properties[rule], `replylint.rules schema names ${rule}`);
    }
  });

  it('contributes exactly the commands that the extension registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    const registered = [...read('src/extension.ts').matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(contributed, registered);
    for (const command of COMMANDS) assert.ok(contributed.includes(command), command);
  });

  it('documents every setting and command in README.md', () => {
    const readme = read('README.md');
    for (const name of [...SETTINGS, ...manifest.contributes.commands.map((c) => c.command)]) {
      assert.ok(readme.includes(`\`${name}\``), `README.md must document \`${name}\``);
    }
  });
});

describe('LSP test fixture', () => {
  it('has the client capabilities that the installed vscode-languageclient sends', () => {
    const require = createRequire(import.meta.url);
    const { computeClientCapabilities, clientVersion } = require('../scripts/client-capabilities.cjs');
    const fixture = JSON.parse(read('test/fixtures/client-capabilities.json'));
    assert.deepEqual(
      fixture.capabilities,
      computeClientCapabilities(),
      `test/fixtures/client-capabilities.json is out of date for vscode-languageclient ${clientVersion()}: ` +
        'run `node scripts/dump-client-capabilities.cjs`',
    );
    assert.equal(fixture.capabilities.workspace.configuration, true);
    assert.deepEqual(fixture.capabilities.general.positionEncodings, ['utf-16']);
  });
});

describe('server command line', () => {
  it('defaults to `replylint lsp` from PATH', () => {
    const cmd = helpers.resolveServerCommand({});
    assert.deepEqual([cmd.command, ...cmd.args], ['replylint', 'lsp']);
  });

  it('runs `<python> -m replylint lsp` when an interpreter is configured', () => {
    const cmd = helpers.resolveServerCommand(
      { python: '${workspaceFolder}/.venv/bin/python', command: ['ignored'] },
      { workspaceFolder: '/ws' },
    );
    assert.deepEqual([cmd.command, ...cmd.args], ['/ws/.venv/bin/python', '-m', 'replylint', 'lsp']);
    assert.equal(cmd.source, 'replylint.server.python');
  });

  it('expands ~ and resolves relative programs against the workspace folder', () => {
    const ctx = { workspaceFolder: '/ws', homeDir: '/home/me' };
    assert.equal(helpers.resolveServerCommand({ command: ['~/bin/replylint', 'lsp'] }, ctx).command, '/home/me/bin/replylint');
    assert.equal(helpers.resolveServerCommand({ python: '.venv/bin/python' }, ctx).command, path.join('/ws', '.venv/bin/python'));
    assert.equal(helpers.resolveServerCommand({ command: ['replylint', 'lsp'] }, ctx).command, 'replylint');
  });

  it('rejects malformed settings with a message naming the setting', () => {
    assert.throws(() => helpers.resolveServerCommand({ command: [] }), /replylint\.server\.command/);
    assert.throws(() => helpers.resolveServerCommand({ command: 'replylint lsp' }), /replylint\.server\.command/);
    assert.throws(() => helpers.resolveServerCommand({ python: 3 }), /replylint\.server\.python/);
    assert.throws(() => helpers.resolveServerCommand({ command: ['${workspaceFolder}/x'] }, {}), /no folder is open/);
  });

  it('finds the program on PATH or by path, and says when it is missing', () => {
    const node = process.execPath;
    assert.equal(helpers.findExecutable(path.basename(node), { PATH: path.dirname(node) }), path.join(path.dirname(node), path.basename(node)));
    assert.equal(helpers.findExecutable(node, { PATH: '' }), node);
    assert.equal(helpers.findExecutable('replylint-surely-not-installed', { PATH: path.dirname(node) }), undefined);
    assert.equal(helpers.findExecutable('./no-such-dir/replylint', { PATH: '' }, tmp), undefined);
    // A directory or a non-executable file is not a program.
    assert.equal(helpers.findExecutable(path.dirname(node), { PATH: '' }), undefined);
    assert.equal(helpers.findExecutable(path.join(ROOT, 'package.json'), { PATH: '' }), undefined);
  });

  it('formats a command line for messages', () => {
    assert.equal(helpers.formatCommandLine({ command: '/a b/python', args: ['-m', 'replylint', 'lsp'] }), '"/a b/python" -m replylint lsp');
  });
});

describe('settings sent to the server', () => {
  it('sends only what the user set, so the project config still applies', () => {
    const raw = { channel: 'private', agent: '', brand: ' Acme ', language: '', rules: {}, server: { command: ['x'] }, trace: { server: 'off' } };
    assert.deepEqual(helpers.toServerSettings(raw, false), { brand: 'Acme' });
  });

  it('sends an explicitly chosen channel and rule overrides', () => {
    const raw = { channel: 'chat', agent: 'Marie', language: 'fr', rules: { brevity: { enabled: false } } };
    assert.deepEqual(helpers.toServerSettings(raw, true), {
      channel: 'chat',
      agent: 'Marie',
      language: 'fr',
      rules: { brevity: { enabled: false } },
    });
  });

  it('passes other keys through for the server to validate', () => {
    assert.deepEqual(helpers.toServerSettings({ debounceMs: 300, select: ['brevity'], trace: { server: 'verbose' } }, false), {
      debounceMs: 300,
      select: ['brevity'],
    });
  });

  it('drops an unknown channel and tolerates a missing section', () => {
    assert.deepEqual(helpers.toServerSettings({ channel: 'fax' }, true), {});
    assert.deepEqual(helpers.toServerSettings(null, true), {});
  });
});

describe('status bar text', () => {
  it('shows channel, language and counts, or the verdict when there is nothing', () => {
    const base = { uri: 'file:///a.reply', isReply: true, reason: 'r', channel: 'public', language: 'fr' };
    assert.equal(
      helpers.statusText({ ...base, verdict: 'block', counts: { error: 1, warning: 2, info: 0 } }),
      '$(comment-discussion) public · fr · $(error) 1 $(warning) 2',
    );
    assert.equal(helpers.statusText({ ...base, verdict: 'pass', counts: { error: 0, warning: 0, info: 0 } }), '$(comment-discussion) public · fr · $(check) pass');
    assert.equal(helpers.verdictLine({ ...base, verdict: 'warn', counts: { error: 0, warning: 1, info: 3 } }), 'warn: 0 errors, 1 warning, 3 info');
  });

  it('summarises a workspace lint', () => {
    assert.equal(
      helpers.summaryMessage({ files: 1, findings: 3, counts: { error: 1, warning: 2, info: 0 } }),
      'replylint: 1 reply file linted, 3 findings (1 error, 2 warnings, 0 info). See the Problems panel.',
    );
  });
});

describe('bundle', () => {
  it('needs nothing at run time but vscode and Node built-ins, and exports activate/deactivate', async () => {
    const outfile = path.join(tmp, 'extension.js');
    await esbuild.build({ ...bundleOptions, absWorkingDir: ROOT, outfile, logLevel: 'silent', metafile: true });
    const source = readFileSync(outfile, 'utf8');
    const required = new Set([...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const name of required) {
      assert.ok(name === 'vscode' || builtins.has(name), `the bundle requires "${name}" at run time`);
    }
    // Load it with a stand-in for `vscode`: module-level code must not need the editor.
    const require = createRequire(outfile);
    const uninstall = require(path.join(ROOT, 'test', 'support', 'vscode-stub.cjs')).installVscodeStub();
    try {
      const extension = require(outfile);
      assert.equal(typeof extension.activate, 'function');
      assert.equal(typeof extension.deactivate, 'function');
    } finally {
      uninstall();
    }
  });
});
