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
import { fileURLToPath } from 'node:url';
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
      assert.ok(typeof d.code === 'object' && d.code.target, `code links the rule docs: ${JSON.stringify(d.code)}`);
    }
    assert.ok(diagnostics.some((d) => codeOf(d) === 'personal-tone'), `personal-tone among ${diagnostics.map(codeOf)}`);
    // Pushed and pulled diagnostics share one collection: never shown twice.
    const live = fake.state.diagnosticCollections.filter((c) => !c.disposed && c.sets.length > 0);
    assert.equal(new Set(live).size, live.length);
    assert.ok(live.length <= 1, `one replylint diagnostic collection, got ${live.map((c) => c.name)}`);
  });

  it('shows the channel in the status bar', () => {
    const status = fake.state.statusItems[0];
    assert.ok(status.visible);
    assert.match(status.text, /public/);
    assert.equal(status.command, 'replylint.switchChannel');
  });

  it('switches the channel in the workspace settings and re-lints', async () => {
    const setsBefore = fake.state.diagnosticCollections.reduce((n, c) => n + c.sets.length, 0);
    fake.state.quickPickAnswer = (items) => items.find((i) => i.label === 'chat');
    await fake.vscode.commands.executeCommand('replylint.switchChannel');
    const pick = fake.state.quickPicks.at(-1);
    assert.deepEqual(pick.items.map((i) => i.label), ['public', 'private', 'chat', 'email', 'project default']);
    assert.deepEqual(fake.state.updates.at(-1), { key: 'replylint.channel', value: 'chat', target: 2 /* Workspace */ });
    assert.match(fake.state.statusItems[0].text, /chat/);
    await until(
      () => fake.state.diagnosticCollections.reduce((n, c) => n + c.sets.length, 0) > setsBefore,
      'diagnostics to be republished after the channel changed',
      STEP_TIMEOUT_MS,
      fake,
    );
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
