// Runs the bundled extension (dist-style esbuild output) inside an in-memory
// `vscode` (test/support/fake-vscode.cjs) against the REAL language server:
// activation starts `replylint lsp` through vscode-languageclient, diagnostics
// reach the diagnostic collection, the status bar shows the channel, and
// replylint.switchChannel / replylint.restartServer work end to end.
// The server comes from REPLYLINT_SERVER (default `replylint lsp`), as in lsp.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

import { bundleOptions } from '../esbuild.config.mjs';
import { splitCommandLine } from './support/command-line.mjs';

const require = createRequire(import.meta.url);
const Module = require('node:module');
const { createFakeVscode } = require('./support/fake-vscode.cjs');

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const commandLine = process.env.REPLYLINT_SERVER?.trim() || 'replylint lsp';
const STARTUP_TIMEOUT_MS = Number(process.env.REPLYLINT_TEST_STARTUP_TIMEOUT_MS ?? 90_000);
const STEP_TIMEOUT_MS = Number(process.env.REPLYLINT_TEST_TIMEOUT_MS ?? 30_000);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition, description, timeoutMs, fake) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = condition();
    if (value) return value;
    await sleep(25);
  }
  const log = fake ? `\nreplylint output channel:\n${fake.state.outputLines.slice(-40).join('\n')}` : '';
  const errors = fake?.state.errorMessages.length ? `\nerror messages shown:\n${fake.state.errorMessages.join('\n')}` : '';
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.${errors}${log}`);
}

/** Child processes of this test process (Linux /proc), to check the server is stopped. */
function childPids() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Builds the extension bundle and loads it with `fake.vscode` as its `vscode` module. */
async function loadExtension(dir, name, fake) {
  const outfile = path.join(dir, `${name}.js`);
  await esbuild.build({ ...bundleOptions, absWorkingDir: ROOT, outfile, logLevel: 'silent' });
  // esbuild keeps a service child process; stop it so that the only children are servers.
  await esbuild.stop();
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return fake.vscode;
    return load.call(this, request, ...rest);
  };
  try {
    return require(outfile);
  } finally {
    Module._load = load;
  }
}

function extensionContext() {
  return { subscriptions: [], extensionPath: ROOT, asAbsolutePath: (p) => path.join(ROOT, p) };
}

function replylintDiagnostics(fake, uri) {
  const latest = [];
  for (const collection of fake.state.diagnosticCollections) {
    if (collection.disposed) continue;
    const sets = collection.sets.filter((s) => s.uri === uri);
    if (sets.length) latest.push(sets.at(-1));
  }
  return latest.sort((a, b) => a.at - b.at).at(-1)?.diagnostics;
}

const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? d.code.value : d.code);

let tmp;
before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'replylint-vscode-activate-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('extension activation without a server', () => {
  it('reports a server that cannot start, without throwing, and keeps its commands', async () => {
    const workspace = mkdtempSync(path.join(tmp, 'ws-'));
    const fake = createFakeVscode({ manifest, workspaceFolder: workspace });
    fake.state.setValues.workspace.set('replylint.server.command', ['./no-such-dir/replylint', 'lsp']);
    const extension = await loadExtension(tmp, 'missing-server', fake);
    fake.openDocument(path.join(workspace, 'a.reply'), 'Hello', 'reply');
    await extension.activate(extensionContext());
    assert.equal(fake.state.errorMessages.length, 1, `one error message: ${fake.state.errorMessages.join(' | ')}`);
    assert.match(fake.state.errorMessages[0], /no-such-dir\/replylint lsp.* was not found/);
    assert.match(fake.state.errorMessages[0], /replylint\.server\.python/);
    const status = fake.state.statusItems[0];
    assert.ok(status.visible, 'the status bar item is shown for a reply document');
    assert.match(status.text, /warning/);
    for (const command of ['replylint.switchChannel', 'replylint.restartServer']) {
      assert.ok(fake.state.commands.has(command), command);
    }
    await extension.deactivate();
  });
});

describe(`extension against the real server (${commandLine})`, { timeout: 5 * 60_000 }, () => {
  const workspace = () => path.join(tmp, 'real');
  let fake;
  let extension;
  let document;

  before(async () => {
    const ws = workspace();
    rmSync(ws, { recursive: true, force: true });
    fake = createFakeVscode({ manifest, workspaceFolder: ws });
    // The extension reads the server command from its settings, as a user would set it.
    fake.state.setValues.global.set('replylint.server.command', splitCommandLine(commandLine));
    fake.state.setValues.workspace.set('replylint.channel', 'public');
    fake.state.setValues.workspace.set('replylint.agent', 'Marie');
    fake.state.setValues.workspace.set('replylint.brand', 'Acme');
    extension = await loadExtension(tmp, 'real-server', fake);
  });

  after(async () => {
    await extension?.deactivate();
  });

  it('starts the server on activation and shows diagnostics', { timeout: STARTUP_TIMEOUT_MS + 10_000 }, async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(workspace(), { recursive: true });
    const file = path.join(workspace(), 'welcome.reply');
    const text = 'Dear valued customer, your request has been received.\nThe Acme Team';
    writeFileSync(file, text);
    document = fake.openDocument(file, text, 'reply');
    await extension.activate(extensionContext());
    assert.deepEqual(fake.state.errorMessages, [], 'no error shown on activation');
    const diagnostics = await until(
      () => {
        const d = replylintDiagnostics(fake, document.uri.toString());
        return d && d.length > 0 ? d : undefined;
      },
      'diagnostics in the replylint diagnostic collection',
      STARTUP_TIMEOUT_MS,
      fake,
    );
    for (const d of diagnostics) {
      assert.equal(d.source, 'replylint');
      // The rule's name; a link only when the workspace configures `docs_url`.
      assert.ok(codeOf(d), `code names the rule: ${JSON.stringify(d.code)}`);
    }
    assert.ok(diagnostics.some((d) => codeOf(d) === 'personal-tone'), `personal-tone among ${diagnostics.map(codeOf)}`);
    // Pushed and pulled diagnostics share one collection: never shown twice.
    const live = fake.state.diagnosticCollections.filter((c) => !c.disposed && c.sets.length > 0);
    assert.equal(new Set(live).size, live.length);
    assert.ok(live.length <= 1, `one replylint diagnostic collection, got ${live.map((c) => c.name)}`);
  });

  it('shows the channel, language and verdict the server linted the reply in', async () => {
    const status = fake.state.statusItems[0];
    await until(() => status.visible && /public · en/.test(status.text), 'the status bar to show public · en', STEP_TIMEOUT_MS, fake);
    assert.equal(status.command, 'replylint.switchChannel');
    const diagnostics = replylintDiagnostics(fake, document.uri.toString());
    const warnings = diagnostics.filter((d) => d.severity === 1).length;
    assert.ok(warnings > 0, 'the welcome reply has warnings');
    assert.match(status.text, new RegExp(`\\$\\(warning\\) ${warnings}\\b`));
    assert.match(status.tooltip.value, /Linted as a \*\*public\*\* reply in \*\*en\*\*/);
  });

  it('shows the front matter channel, not the setting', async () => {
    const file = path.join(workspace(), 'email.reply');
    const text = '---\nchannel: email\n---\nHi Sam, your parcel ships today.\n– Marie\n';
    writeFileSync(file, text);
    fake.openDocument(file, text, 'reply');
    const status = fake.state.statusItems[0];
    await until(() => /email · en/.test(status.text), 'the status bar to show email', STEP_TIMEOUT_MS, fake);
    // Back to the welcome reply for the next tests.
    fake.showDocument(document);
    await until(() => /public/.test(status.text), 'the status bar to show public again', STEP_TIMEOUT_MS, fake);
  });

  it("gives the extension's own README no findings and no status", async () => {
    const readme = path.join(ROOT, 'README.md');
    const opened = fake.openDocument(readme, readFileSync(readme, 'utf8'), 'markdown');
    await until(
      () => replylintDiagnostics(fake, opened.uri.toString()) !== undefined,
      'diagnostics (none) for README.md',
      STEP_TIMEOUT_MS,
      fake,
    );
    assert.deepEqual(replylintDiagnostics(fake, opened.uri.toString()), []);
    await sleep(0);
    assert.equal(fake.state.statusItems[0].visible, false, 'no status for a file that is not a reply');
    fake.showDocument(document);
  });

  it("switches the channel in the reply's front matter and re-lints", async () => {
    fake.state.quickPickAnswer = (items) => items.find((i) => i.label === 'chat');
    const setsBefore = fake.state.diagnosticCollections.reduce((n, c) => n + c.sets.length, 0);
    await fake.vscode.commands.executeCommand('replylint.switchChannel');
    const pick = fake.state.quickPicks.at(-1);
    assert.deepEqual(pick.items.map((i) => i.label), ['public', 'private', 'chat', 'email', 'remove from the front matter']);
    assert.match(pick.options.title, /front matter/);
    assert.equal(fake.state.updates.length, 0, 'no setting written');
    const open = fake.state.documents.filter((d) => d.uri.toString() === document.uri.toString()).at(-1);
    assert.ok(open.getText().startsWith('---\nchannel: chat\n---\nDear valued customer'), open.getText());
    assert.match(fake.state.infoMessages.at(-1), /Set `channel: chat` in the front matter of welcome\.reply/);
    await until(() => /chat · en/.test(fake.state.statusItems[0].text), 'the status bar to show chat', STEP_TIMEOUT_MS, fake);
    assert.ok(fake.state.diagnosticCollections.reduce((n, c) => n + c.sets.length, 0) > setsBefore);
    document = open;
  });

  it('explains the rule under the cursor in a Markdown preview', async () => {
    const diagnostics = replylintDiagnostics(fake, document.uri.toString());
    const target = diagnostics.find((d) => codeOf(d) === 'personal-tone');
    fake.state.activeTextEditor.selection = { active: target.range.start, anchor: target.range.start };
    await fake.vscode.commands.executeCommand('replylint.explainRule');
    const shown = fake.state.openedDocuments.at(-1);
    assert.equal(shown.languageId, 'markdown');
    assert.match(shown.getText(), /^# personal-tone\n/);
    assert.deepEqual(fake.state.executedCommands.at(-1)[0], 'markdown.showPreviewToSide');
  });

  it('disables the file in a new replylint.toml', async () => {
    fake.state.quickPickAnswer = (items) => items[0];
    const before = fake.state.appliedEdits.length;
    await fake.vscode.commands.executeCommand('replylint.disableForFile');
    assert.deepEqual(fake.state.quickPicks.at(-1).items.map((i) => i.where), ['config', 'frontMatter']);
    const config = pathToFileURL(path.join(workspace(), 'replylint.toml')).href;
    const applied = fake.state.appliedEdits.slice(before);
    assert.deepEqual(applied.map((a) => a.uri), [config, config]);
    assert.equal(applied[0].created, true);
    assert.deepEqual(applied[1].edits.map((e) => e.newText), ['exclude = ["welcome.reply"]\n']);
  });

  it('lints the workspace and reports what it found', async () => {
    await fake.vscode.commands.executeCommand('replylint.lintWorkspace');
    assert.match(fake.state.infoMessages.at(-1), /^replylint: 2 reply files linted, \d+ findings/);
  });

  it('applies replylint.rules from the settings', async () => {
    await fake.vscode.workspace
      .getConfiguration('replylint')
      .update('rules', { 'personal-tone': { enabled: false } }, 2);
    await until(
      () => {
        const d = replylintDiagnostics(fake, document.uri.toString());
        return d && !d.some((x) => codeOf(x) === 'personal-tone');
      },
      'personal-tone to disappear after disabling it in replylint.rules',
      STEP_TIMEOUT_MS,
      fake,
    );
  });

  it('restarts the server on replylint.restartServer', { timeout: STARTUP_TIMEOUT_MS + 10_000 }, async () => {
    // The restarted client may reuse the shared collection or make a new one: count
    // the diagnostics set anywhere after the restart. (Earlier tests switched the
    // channel and disabled a rule, so the new server's report may well be empty.)
    const setsBefore = fake.state.diagnosticCollections.map((c) => c.sets.length);
    const before = childPids();
    await fake.vscode.commands.executeCommand('replylint.restartServer');
    assert.deepEqual(fake.state.errorMessages, []);
    const after = childPids();
    if (before && after) {
      assert.equal(after.length, 1, `one server process after the restart, got ${after}`);
      assert.ok(!before.includes(after[0]), 'the server process is a new one');
    }
    await until(
      () =>
        fake.state.diagnosticCollections.some((c, i) =>
          c.sets.slice(setsBefore[i] ?? 0).length > 0,
        ),
      'diagnostics from the restarted server',
      STARTUP_TIMEOUT_MS,
      fake,
    );
  });

  it('stops the server on deactivate', async () => {
    await extension.deactivate();
    extension = undefined;
    const pids = childPids();
    if (pids) {
      await until(() => childPids().length === 0, 'the server process to exit after deactivate', 10_000, fake);
    }
  });
});
