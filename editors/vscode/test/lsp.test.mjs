// Drives the REAL replylint language server over stdio, the way the extension's
// LanguageClient does: same client capabilities (test/fixtures/client-capabilities.json,
// generated from vscode-languageclient), same settings answers, same
// didChangeConfiguration push.
//
// The server command line comes from REPLYLINT_SERVER (for example
// "/work/main/.venv/bin/replylint lsp"), else `replylint lsp` from PATH.
// A server that cannot be started is a test failure, never a skip.
import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { splitCommandLine } from './support/command-line.mjs';

const require = createRequire(import.meta.url);
const lsp = require('vscode-languageserver-protocol/node');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CAPABILITIES = JSON.parse(readFileSync(path.join(HERE, 'fixtures', 'client-capabilities.json'), 'utf8')).capabilities;

/** The built-in rules (shared/RULES.md). A plugin rule name would also be kebab-case. */
const RULES = [
  'personal-tone',
  'brevity',
  'directness',
  'signature-present',
  'no-marketing-spam',
  'sensitive-in-private',
  'saved-reply-fit',
];

const STARTUP_TIMEOUT_MS = Number(process.env.REPLYLINT_TEST_STARTUP_TIMEOUT_MS ?? 90_000);
const STEP_TIMEOUT_MS = Number(process.env.REPLYLINT_TEST_TIMEOUT_MS ?? 30_000);

const REPLY_TEXT = 'Dear valued customer, your request has been received.\nThe Acme Team';
// Same reply behind two astral-plane emoji: each is 1 code point but 2 UTF-16
// code units, so a server that reports code points instead of UTF-16 would shift.
const EMOJI_REPLY_TEXT = '\u{1F600}\u{1F600} ' + REPLY_TEXT;

/** Settings exactly as VS Code holds them for the `replylint` section (what didChangeConfiguration pushes). */
function rawSection(overrides = {}) {
  return {
    channel: 'public',
    agent: 'Marie',
    brand: 'Acme',
    language: 'en',
    rules: {},
    server: { command: ['replylint', 'lsp'], python: '' },
    trace: { server: 'off' },
    ...overrides,
  };
}

/**
 * What the extension answers to workspace/configuration for `replylint`
 * (src/settings.ts toServerSettings: client-only keys and unset values left out).
 */
function serverSection(raw) {
  const out = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'server' || key === 'trace' || value === null || value === undefined) continue;
    if (typeof value === 'string') {
      if (value.trim() !== '') out[key] = value.trim();
    } else if (key === 'rules') {
      if (Object.keys(value).length > 0) out.rules = value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

class ServerSession {
  /** `files`: {relative path: text} written into the workspace before the server starts. */
  constructor(commandLine, { files = {}, settings = {} } = {}) {
    this.commandLine = commandLine;
    this.files = files;
    this.events = []; // {seq, kind, method, params}
    this.seq = 0;
    this.listeners = new Set();
    this.stderr = '';
    this.exit = null; // {code, signal}
    this.spawnError = null;
    this.settings = rawSection(settings);
  }

  describeCommand() {
    return `\`${this.commandLine}\``;
  }

  failure(what) {
    const lines = [what];
    if (this.spawnError) lines.push(`spawn error: ${this.spawnError.message}`);
    else if (this.exit) lines.push(`server exited with code ${this.exit.code} signal ${this.exit.signal}`);
    const tail = this.stderr.trim().split('\n').slice(-30).join('\n');
    if (tail) lines.push(`server stderr (last lines):\n${tail}`);
    return new Error(lines.join('\n'));
  }

  record(kind, method, params) {
    const event = { seq: ++this.seq, kind, method, params };
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
    return event;
  }

  /** Resolves with the first event after `afterSeq` matching `predicate`. */
  waitFor(predicate, description, { afterSeq = 0, timeoutMs = STEP_TIMEOUT_MS } = {}) {
    const found = this.events.find((e) => e.seq > afterSeq && predicate(e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = (fn, value) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        fn(value);
      };
      const listener = (event) => {
        if (event.seq > afterSeq && predicate(event)) done(resolve, event);
        else if (event.kind === 'exit') done(reject, this.failure(`The server stopped while waiting for ${description}.`));
      };
      const timer = setTimeout(
        () => done(reject, this.failure(`Timed out after ${timeoutMs} ms waiting for ${description}.`)),
        timeoutMs,
      );
      this.listeners.add(listener);
      if (this.exit) listener({ seq: 0, kind: 'exit' });
    });
  }

  /** A request that fails with the server's stderr when it times out or the server dies. */
  request(type, params, timeoutMs = STEP_TIMEOUT_MS) {
    const method = type.method;
    return new Promise((resolve, reject) => {
      const listener = (event) => {
        if (event.kind === 'exit') finish(reject, this.failure(`The server stopped before answering ${method}.`));
      };
      const finish = (fn, value) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        fn(value);
      };
      const timer = setTimeout(
        () => finish(reject, this.failure(`Timed out after ${timeoutMs} ms waiting for the answer to ${method}.`)),
        timeoutMs,
      );
      this.listeners.add(listener);
      if (this.exit) {
        listener({ kind: 'exit' });
        return;
      }
      const call = params === undefined ? this.connection.sendRequest(type) : this.connection.sendRequest(type, params);
      call.then(
        (result) => finish(resolve, result),
        (error) => finish(reject, this.failure(`${method} failed: ${error?.message ?? error}`)),
      );
    });
  }

  answerConfiguration(params) {
    return params.items.map((item) => {
      const section = item.section ?? null;
      if (section === 'replylint') return serverSection(this.settings);
      if (section !== null && section.startsWith('replylint.')) {
        let value = this.settings;
        for (const key of section.slice('replylint.'.length).split('.')) value = value?.[key];
        return value ?? null;
      }
      if (section === null) return { replylint: this.settings };
      return null;
    });
  }

  async start() {
    const argv = splitCommandLine(this.commandLine);
    if (argv.length === 0) throw new Error('REPLYLINT_SERVER is empty: set it to a command line such as "replylint lsp".');
    this.workspace = mkdtempSync(path.join(tmpdir(), 'replylint-vscode-test-'));
    for (const [name, text] of Object.entries(this.files)) {
      mkdirSync(path.dirname(path.join(this.workspace, name)), { recursive: true });
      writeFileSync(path.join(this.workspace, name), text);
    }
    this.child = spawn(argv[0], argv.slice(1), { cwd: this.workspace, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (error) => {
      this.spawnError = error;
      this.exit ??= { code: null, signal: null };
      this.record('exit', 'error', error);
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.record('exit', 'exit', { code, signal });
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-64 * 1024);
    });
    // A dead server makes writes fail with EPIPE; that is reported through exit.
    this.child.stdin.on('error', () => {});

    const connection = lsp.createProtocolConnection(
      new lsp.StreamMessageReader(this.child.stdout),
      new lsp.StreamMessageWriter(this.child.stdin),
    );
    this.connection = connection;
    connection.onError(() => {});
    connection.onNotification(lsp.PublishDiagnosticsNotification.type, (params) =>
      this.record('notification', lsp.PublishDiagnosticsNotification.method, params),
    );
    connection.onNotification((method, params) => this.record('notification', method, params));
    connection.onRequest(lsp.ConfigurationRequest.type, (params) => {
      const answer = this.answerConfiguration(params);
      this.record('request', lsp.ConfigurationRequest.method, { params, answer });
      return answer;
    });
    // Whatever else a server may ask VS Code: accept it like VS Code would.
    connection.onRequest((method, params) => {
      this.record('request', method, params);
      if (method === lsp.WorkspaceFoldersRequest.method) {
        return [{ uri: pathToFileURL(this.workspace).href, name: path.basename(this.workspace) }];
      }
      if (method === lsp.ApplyWorkspaceEditRequest.method) return { applied: true };
      return null;
    });
    connection.listen();

    const workspaceUri = pathToFileURL(this.workspace).href;
    /** @type {import('vscode-languageserver-protocol').InitializeParams} */
    const initializeParams = {
      processId: process.pid,
      clientInfo: { name: 'Visual Studio Code', version: '1.91.0' },
      locale: 'en',
      rootPath: this.workspace,
      rootUri: workspaceUri,
      capabilities: CAPABILITIES,
      trace: 'off',
      workspaceFolders: [{ uri: workspaceUri, name: path.basename(this.workspace) }],
    };
    let result;
    try {
      result = await this.request(lsp.InitializeRequest.type, initializeParams, STARTUP_TIMEOUT_MS);
    } catch (error) {
      throw this.failure(
        `Could not start the replylint language server with ${this.describeCommand()}.\n` +
          'Set REPLYLINT_SERVER to a command line that starts it, for example ' +
          'REPLYLINT_SERVER="/path/to/.venv/bin/replylint lsp", or put `replylint` on PATH.\n' +
          `(${error.message.split('\n')[0]})`,
      );
    }
    this.initializeResult = result;
    await this.connection.sendNotification(lsp.InitializedNotification.type, {});
    // vscode-languageclient's synchronize.configurationSection pushes the section once after `initialized`.
    await this.connection.sendNotification(lsp.DidChangeConfigurationNotification.type, {
      settings: { replylint: this.settings },
    });
    return result;
  }

  async open(name, text, languageId = 'reply') {
    const file = path.join(this.workspace, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    const seq = this.seq;
    await this.connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return { uri, text, seq };
  }

  /** The next non-empty publishDiagnostics for `uri` after `afterSeq`. */
  async diagnostics(uri, afterSeq, timeoutMs, { allowEmpty = false } = {}) {
    const event = await this.waitFor(
      (e) =>
        e.kind === 'notification' &&
        e.method === lsp.PublishDiagnosticsNotification.method &&
        e.params.uri === uri &&
        (allowEmpty || e.params.diagnostics.length > 0),
      `textDocument/publishDiagnostics for ${path.basename(uri)}`,
      { afterSeq, timeoutMs },
    );
    return { seq: event.seq, diagnostics: event.params.diagnostics };
  }

  uriOf(name) {
    return pathToFileURL(path.join(this.workspace, name)).href;
  }

  /** The next replylint/documentStatus notification for `uri` after `afterSeq`. */
  async status(uri, afterSeq) {
    const event = await this.waitFor(
      (e) => e.kind === 'notification' && e.method === 'replylint/documentStatus' && e.params.uri === uri,
      `replylint/documentStatus for ${path.basename(uri)}`,
      { afterSeq },
    );
    return event.params;
  }

  async changeSettings(overrides) {
    this.settings = rawSection(overrides);
    const seq = this.seq;
    // What vscode-languageclient sends when a `replylint.*` setting changes.
    await this.connection.sendNotification(lsp.DidChangeConfigurationNotification.type, {
      settings: { replylint: this.settings },
    });
    const pulled = await this.waitFor(
      (e) =>
        e.kind === 'request' &&
        e.method === lsp.ConfigurationRequest.method &&
        e.params.params.items.some((item) => item.section === 'replylint' || item.section?.startsWith('replylint.')),
      'the server to pull workspace/configuration after workspace/didChangeConfiguration',
      { afterSeq: seq },
    );
    return pulled.seq;
  }

  async shutdown() {
    await this.request(lsp.ShutdownRequest.type, undefined);
    const exited = this.exit
      ? Promise.resolve()
      : this.waitFor((e) => e.kind === 'exit', 'the server process to exit after `exit`', { timeoutMs: 10_000 });
    await this.connection.sendNotification(lsp.ExitNotification.type);
    await exited;
    return this.exit;
  }

  dispose() {
    try {
      this.connection?.dispose();
    } catch {
      // already closed
    }
    if (this.child && this.exit === null) this.child.kill('SIGKILL');
    if (this.workspace) rmSync(this.workspace, { recursive: true, force: true });
  }
}

function lineText(text, line) {
  return text.split(/\r?\n/)[line] ?? '';
}

/** The text a range covers, with characters counted in UTF-16 code units (JS string indices). */
function rangeText(text, range) {
  assert.equal(range.start.line, range.end.line, 'this test only expects single-line findings');
  return lineText(text, range.start.line).slice(range.start.character, range.end.character);
}

function assertWellFormed(diagnostics, text) {
  const lines = text.split(/\r?\n/);
  for (const d of diagnostics) {
    const where = JSON.stringify(d);
    assert.equal(d.source, 'replylint', `source must be "replylint": ${where}`);
    assert.ok(RULES.includes(d.code), `code must be a rule name (${RULES.join(', ')}): ${where}`);
    assert.equal(typeof d.message, 'string', `message: ${where}`);
    assert.ok(d.message.length > 0, `message must not be empty: ${where}`);
    // A docs link only when the workspace configures `docs_url` (none by default).
    assert.ok(!d.codeDescription || /^https?:\/\//.test(d.codeDescription.href), `codeDescription.href, when present, links the rule docs: ${where}`);
    assert.ok([1, 2, 3, 4].includes(d.severity), `severity: ${where}`);
    for (const pos of [d.range.start, d.range.end]) {
      assert.ok(pos.line >= 0 && pos.line < lines.length, `line out of the document: ${where}`);
      assert.ok(pos.character >= 0 && pos.character <= lines[pos.line].length, `character out of the line (UTF-16): ${where}`);
    }
    const startsBefore =
      d.range.start.line < d.range.end.line ||
      (d.range.start.line === d.range.end.line && d.range.start.character <= d.range.end.character);
    assert.ok(startsBefore, `range start after end: ${where}`);
  }
}

function codesOf(diagnostics) {
  return [...new Set(diagnostics.map((d) => d.code))].sort();
}

function isCodeAction(item) {
  return item && typeof item.title === 'string' && typeof item.command !== 'string';
}

function hoverText(hover) {
  const contents = hover.contents;
  const one = (c) => (typeof c === 'string' ? c : (c?.value ?? ''));
  return Array.isArray(contents) ? contents.map(one).join('\n') : one(contents);
}

const commandLine = process.env.REPLYLINT_SERVER?.trim() || 'replylint lsp';
const START_TEST = 'starts the server and answers initialize';

describe(`replylint lsp over stdio (${commandLine})`, { timeout: 5 * 60_000 }, () => {
  const session = new ServerSession(commandLine);
  let doc;
  let first;

  let started = false;
  // Every step after the first needs a running server: fail (never skip) when it did not start.
  const requireServer = () => {
    if (!started) throw new Error(`not run: the replylint language server did not start (${commandLine}); see the first failure`);
  };
  beforeEach((t) => {
    if (t.name !== START_TEST) requireServer();
  });

  after(() => session.dispose());

  it(START_TEST, { timeout: STARTUP_TIMEOUT_MS + 5_000 }, async () => {
    await session.start();
    started = true;
  });

  it('initializes with the capabilities the extension relies on', () => {
    const caps = session.initializeResult.capabilities;
    assert.ok(caps.textDocumentSync !== undefined && caps.textDocumentSync !== 0, 'textDocumentSync: the server must track open documents');
    if (typeof caps.textDocumentSync === 'object') {
      assert.equal(caps.textDocumentSync.openClose, true, 'textDocumentSync.openClose');
    }
    assert.ok(caps.codeActionProvider, 'codeActionProvider (quick fixes)');
    assert.ok(caps.hoverProvider, 'hoverProvider (rule docs)');
    if (caps.positionEncoding !== undefined) {
      assert.equal(caps.positionEncoding, 'utf-16', 'the client only offers utf-16 positions');
    }
    assert.deepEqual(CAPABILITIES.general.positionEncodings, ['utf-16']);
    assert.equal(CAPABILITIES.workspace.configuration, true);
  });

  it('pulls the replylint settings with workspace/configuration', async () => {
    await session.waitFor(
      (e) => e.kind === 'request' && e.method === lsp.ConfigurationRequest.method,
      'a workspace/configuration request after initialized',
    );
  });

  it('publishes diagnostics for an opened reply document', { timeout: STARTUP_TIMEOUT_MS + 5_000 }, async () => {
    doc = await session.open('welcome.reply', REPLY_TEXT);
    first = await session.diagnostics(doc.uri, doc.seq, STARTUP_TIMEOUT_MS);
    assertWellFormed(first.diagnostics, doc.text);
    const codes = codesOf(first.diagnostics);
    assert.ok(
      codes.includes('personal-tone'),
      `"Dear valued customer" / "your request has been received" must be flagged by personal-tone; got ${codes.join(', ')}`,
    );
  });

  it('offers a quick fix for a diagnostic', async () => {
    const diagnostics = first.diagnostics;
    const hasFixes = (d) => Array.isArray(d.data?.fixes) && d.data.fixes.length > 0;
    const target = diagnostics.find(hasFixes) ?? diagnostics.find((d) => d.code === 'personal-tone') ?? diagnostics[0];
    const actions = await session.request(lsp.CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: target.range,
      context: { diagnostics: [target], triggerKind: lsp.CodeActionTriggerKind.Invoked },
    });
    assert.ok(Array.isArray(actions), `textDocument/codeAction must answer a list, got ${JSON.stringify(actions)}`);
    const quickFixes = actions.filter(
      (a) => isCodeAction(a) && typeof a.kind === 'string' && (a.kind === 'quickfix' || a.kind.startsWith('quickfix.')),
    );
    assert.ok(quickFixes.length >= 1, `expected at least one quick fix for ${target.code}, got ${JSON.stringify(actions)}`);

    const resolvable = session.initializeResult.capabilities.codeActionProvider?.resolveProvider === true;
    let usable = 0;
    for (let action of quickFixes) {
      if (!action.edit && !action.command && resolvable) {
        action = await session.request(lsp.CodeActionResolveRequest.type, action);
      }
      if (action.edit || action.command) usable += 1;
      const edits = [
        ...Object.entries(action.edit?.changes ?? {}).filter(([uri]) => uri === doc.uri).flatMap(([, e]) => e),
        ...(action.edit?.documentChanges ?? [])
          .filter((c) => c.textDocument?.uri === doc.uri)
          .flatMap((c) => c.edits),
      ];
      for (const edit of edits) {
        assert.ok(edit.range.start.line <= doc.text.split('\n').length, `edit outside the document: ${JSON.stringify(edit)}`);
      }
    }
    assert.ok(usable >= 1, `at least one quick fix must carry an edit or a command: ${JSON.stringify(quickFixes)}`);
  });

  it('shows rule documentation on hover over a finding', async () => {
    const target = first.diagnostics.find((d) => d.code === 'personal-tone') ?? first.diagnostics[0];
    const position = {
      line: target.range.start.line,
      character: Math.min(target.range.start.character + 1, target.range.end.character),
    };
    const hover = await session.request(lsp.HoverRequest.type, { textDocument: { uri: doc.uri }, position });
    assert.ok(hover, `expected a hover at ${JSON.stringify(position)} (inside a ${target.code} finding)`);
    assert.ok(hoverText(hover).trim().length > 0, `hover must not be empty: ${JSON.stringify(hover)}`);
  });

  it('answers pull diagnostics (textDocument/diagnostic) like it pushes them', async (t) => {
    if (!session.initializeResult.capabilities.diagnosticProvider) {
      t.skip('the server does not advertise diagnosticProvider; VS Code uses pushed diagnostics only');
      return;
    }
    const report = await session.request(lsp.DocumentDiagnosticRequest.type, { textDocument: { uri: doc.uri } });
    assert.equal(report.kind, 'full', `first pull must be a full report: ${JSON.stringify(report)}`);
    assertWellFormed(report.items, doc.text);
    assert.deepEqual(codesOf(report.items), codesOf(first.diagnostics), 'pulled and pushed diagnostics disagree');
  });

  it('reports positions in UTF-16 code units', async () => {
    const emoji = await session.open('emoji.reply', EMOJI_REPLY_TEXT);
    const { diagnostics } = await session.diagnostics(emoji.uri, emoji.seq, STEP_TIMEOUT_MS);
    assertWellFormed(diagnostics, emoji.text);
    const plain = first.diagnostics.filter((d) => d.code === 'personal-tone').map((d) => rangeText(doc.text, d.range));
    const shifted = diagnostics.filter((d) => d.code === 'personal-tone').map((d) => rangeText(emoji.text, d.range));
    assert.ok(shifted.length > 0, 'personal-tone must still be flagged after the emoji');
    for (const text of shifted) {
      assert.ok(
        plain.includes(text),
        `after two emoji the highlighted text is ${JSON.stringify(text)}, expected one of ${JSON.stringify(plain)}: ` +
          'positions must count UTF-16 code units',
      );
    }
  });

  it('republishes diagnostics when the channel setting changes', async () => {
    const pulledAt = await session.changeSettings({ channel: 'chat' });
    const last = session.events.filter((e) => e.method === lsp.ConfigurationRequest.method).at(-1);
    assert.equal(last.params.answer[0].channel, 'chat');
    const { diagnostics } = await session.diagnostics(doc.uri, pulledAt, STEP_TIMEOUT_MS, { allowEmpty: true });
    assertWellFormed(diagnostics, doc.text);
    assert.ok(
      codesOf(diagnostics).includes('personal-tone'),
      `personal-tone does not depend on the channel and must stay: got ${codesOf(diagnostics).join(', ')}`,
    );
  });

  it('applies per-rule settings from workspace/configuration', async () => {
    const pulledAt = await session.changeSettings({ channel: 'chat', rules: { 'personal-tone': { enabled: false } } });
    const { diagnostics } = await session.diagnostics(doc.uri, pulledAt, STEP_TIMEOUT_MS, { allowEmpty: true });
    assertWellFormed(diagnostics, doc.text);
    assert.ok(
      !codesOf(diagnostics).includes('personal-tone'),
      `replylint.rules {"personal-tone": {"enabled": false}} must turn the rule off: got ${JSON.stringify(diagnostics)}`,
    );
  });

  it('shuts down and exits cleanly', async () => {
    const exit = await session.shutdown();
    assert.equal(exit.code, 0, `exit code after shutdown + exit: ${JSON.stringify(exit)}\n${session.stderr.slice(-2000)}`);
  });
});

// --- which files are replies, the status, and the commands' requests --------

const EXTENSION_README = readFileSync(path.join(HERE, '..', 'README.md'), 'utf8');
// The same reply, three ways: as a .reply, as Markdown with replylint front matter,
// and as Markdown without (a note, not a reply).
const FRONT_MATTER_REPLY = `---\nchannel: public\n---\n${REPLY_TEXT}\n`;
const LIBRARY_YAML = `replies:\n  - id: welcome\n    text: "${REPLY_TEXT.replace('\n', '\\n')}"\n`;
const SHORT_REPLY = 'Your parcel left our warehouse this morning and arrives on Friday before noon.\n– Marie\n';
const WORKSPACE_FILES = {
  'replylint.toml': 'files = ["templates/"]\nexclude = ["drafts/old.reply"]\n',
  'templates/library.yaml': LIBRARY_YAML,
  'drafts/old.reply': REPLY_TEXT,
  'notes/plain.md': REPLY_TEXT,
  'saved/closing.reply': REPLY_TEXT, // never opened: only the workspace lint sees it
};

function severityCounts(diagnostics) {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[{ 1: 'error', 2: 'warning', 3: 'info' }[d.severity]] += 1;
  return counts;
}

/** `replylint explain <rule>` from the same installation as the server. */
function explainFromCli(rule) {
  const argv = splitCommandLine(commandLine);
  assert.equal(argv.at(-1), 'lsp', `REPLYLINT_SERVER must end with "lsp" to derive the CLI: ${commandLine}`);
  const run = spawnSync(argv[0], [...argv.slice(1, -1), 'explain', rule], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

describe(`reply files, document status and commands (${commandLine})`, { timeout: 5 * 60_000 }, () => {
  // The channel setting says private: front matter `channel: public` must win.
  const session = new ServerSession(commandLine, { files: WORKSPACE_FILES, settings: { channel: 'private' } });
  let started = false;
  beforeEach((t) => {
    if (t.name !== 'starts' && !started) throw new Error('not run: the server did not start; see the first failure');
  });
  after(() => session.dispose());

  it('starts', { timeout: STARTUP_TIMEOUT_MS + 5_000 }, async () => {
    await session.start();
    started = true;
  });

  it("gives the extension's own README no findings", { timeout: STARTUP_TIMEOUT_MS + 5_000 }, async () => {
    const readme = await session.open('README.md', EXTENSION_README, 'markdown');
    const { diagnostics } = await session.diagnostics(readme.uri, readme.seq, STARTUP_TIMEOUT_MS, { allowEmpty: true });
    assert.deepEqual(diagnostics, []);
    const status = await session.status(readme.uri, readme.seq);
    assert.equal(status.isReply, false);
    assert.match(status.reason, /replylint\.files/);
  });

  it('lints Markdown with replylint front matter, in the channel the front matter says', async () => {
    const doc = await session.open('notes/reply.md', FRONT_MATTER_REPLY, 'markdown');
    const { diagnostics } = await session.diagnostics(doc.uri, doc.seq, STEP_TIMEOUT_MS);
    assert.ok(codesOf(diagnostics).includes('personal-tone'));
    const status = await session.status(doc.uri, doc.seq);
    assert.equal(status.isReply, true);
    assert.equal(status.reason, 'it has replylint front matter');
    assert.equal(status.channel, 'public', 'front matter channel: public wins over the private setting');
    assert.equal(status.language, 'en');
    assert.deepEqual(status.counts, severityCounts(diagnostics));
    assert.equal(status.verdict, status.counts.error ? 'block' : status.counts.warning ? 'warn' : 'pass');
    // Asked as a request, the server answers the same.
    const asked = await session.request(new lsp.RequestType('replylint/documentStatus'), { textDocument: { uri: doc.uri } });
    assert.deepEqual(asked, status);
  });

  it('leaves Markdown without front matter alone, and honours exclude in replylint.toml', async () => {
    const note = await session.open('notes/plain.md', REPLY_TEXT, 'markdown');
    assert.deepEqual((await session.diagnostics(note.uri, note.seq, STEP_TIMEOUT_MS, { allowEmpty: true })).diagnostics, []);
    const old = await session.open('drafts/old.reply', REPLY_TEXT, 'reply');
    assert.deepEqual((await session.diagnostics(old.uri, old.seq, STEP_TIMEOUT_MS, { allowEmpty: true })).diagnostics, []);
    const status = await session.status(old.uri, old.seq);
    assert.equal(status.isReply, false);
    assert.match(status.reason, /excluded by `drafts\/old\.reply`/);
  });

  it('lints a template library in a folder that replylint.toml lists under files', async () => {
    const library = await session.open('templates/library.yaml', LIBRARY_YAML, 'yaml');
    const { diagnostics } = await session.diagnostics(library.uri, library.seq, STEP_TIMEOUT_MS);
    assert.ok(codesOf(diagnostics).includes('personal-tone'));
    const status = await session.status(library.uri, library.seq);
    assert.equal(status.kind, 'yaml');
    assert.equal(status.channel, 'private', 'a record without a channel takes the setting');
    assert.match(status.reason, /`templates\/` of `files` in replylint\.toml/);
  });

  it('explains the rule under the cursor with the text of `replylint explain`', async () => {
    const doc = await session.open('explain.reply', REPLY_TEXT);
    const { diagnostics } = await session.diagnostics(doc.uri, doc.seq, STEP_TIMEOUT_MS);
    const target = diagnostics.find((d) => d.code === 'personal-tone');
    const answer = await session.request(new lsp.RequestType('replylint/explainRule'), {
      textDocument: { uri: doc.uri },
      position: target.range.start,
    });
    const rule = answer.rules.find((r) => r.rule === 'personal-tone');
    assert.ok(rule, JSON.stringify(answer));
    assert.equal(rule.markdown, explainFromCli('personal-tone'));
    const nothing = await session.request(new lsp.RequestType('replylint/explainRule'), {
      textDocument: { uri: doc.uri },
      position: { line: 0, character: 200 },
    });
    assert.deepEqual(nothing, { rules: [] });
  });

  it("switches a reply's channel in its front matter through workspace/applyEdit", async () => {
    const doc = await session.open('switch.reply', FRONT_MATTER_REPLY);
    await session.diagnostics(doc.uri, doc.seq, STEP_TIMEOUT_MS);
    const seq = session.seq;
    const answer = await session.request(new lsp.RequestType('replylint/setChannel'), {
      textDocument: { uri: doc.uri },
      channel: 'chat',
    });
    assert.equal(answer.applied, true, JSON.stringify(answer));
    assert.match(answer.description, /channel: chat/);
    const applied = await session.waitFor((e) => e.seq > seq && e.method === lsp.ApplyWorkspaceEditRequest.method, 'workspace/applyEdit');
    const [change] = applied.params.edit.documentChanges;
    assert.equal(change.textDocument.uri, doc.uri);
    assert.deepEqual(change.edits, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 15 } }, newText: 'channel: chat' }]);
  });

  it('disables a rule in the front matter, and a file in replylint.toml', async () => {
    const doc = await session.open('disable.reply', REPLY_TEXT);
    const { diagnostics } = await session.diagnostics(doc.uri, doc.seq, STEP_TIMEOUT_MS);
    const target = diagnostics.find((d) => d.code === 'personal-tone');
    let seq = session.seq;
    const rule = await session.request(new lsp.RequestType('replylint/disable'), {
      textDocument: { uri: doc.uri },
      position: target.range.start,
      what: 'rule',
      where: 'frontMatter',
    });
    assert.equal(rule.applied, true, JSON.stringify(rule));
    let applied = await session.waitFor((e) => e.seq > seq && e.method === lsp.ApplyWorkspaceEditRequest.method, 'workspace/applyEdit');
    assert.deepEqual(applied.params.edit.documentChanges[0].edits.map((e) => e.newText), ['---\nreplylint-ignore: [personal-tone]\n---\n']);

    seq = session.seq;
    const file = await session.request(new lsp.RequestType('replylint/disable'), {
      textDocument: { uri: doc.uri },
      what: 'file',
      where: 'config',
    });
    assert.equal(file.applied, true, JSON.stringify(file));
    applied = await session.waitFor((e) => e.seq > seq && e.method === lsp.ApplyWorkspaceEditRequest.method, 'workspace/applyEdit');
    const [change] = applied.params.edit.documentChanges;
    assert.equal(change.textDocument.uri, session.uriOf('replylint.toml'));
    assert.deepEqual(change.edits.map((e) => e.newText), ['["drafts/old.reply", "disable.reply"]']);
  });

  it('lints the workspace: every reply file, and nothing else', async () => {
    const seq = session.seq;
    const summary = await session.request(new lsp.RequestType('replylint/lintWorkspace'), {});
    const published = session.events.filter((e) => e.seq > seq && e.method === lsp.PublishDiagnosticsNotification.method);
    const uris = published.map((e) => e.params.uri);
    assert.ok(uris.includes(session.uriOf('templates/library.yaml')) === false, 'the open library is linted already, not twice');
    for (const name of ['notes/plain.md', 'drafts/old.reply', 'replylint.toml', 'README.md']) {
      assert.ok(!uris.includes(session.uriOf(name)), `${name} is not a reply file: ${uris.join(', ')}`);
    }
    const closing = published.find((e) => e.params.uri === session.uriOf('saved/closing.reply'));
    assert.ok(closing, `saved/closing.reply gets diagnostics: ${uris.join(', ')}`);
    assert.ok(codesOf(closing.params.diagnostics).includes('personal-tone'));
    // Reply files: saved/closing.reply and the open ones (notes/reply.md,
    // templates/library.yaml, explain/switch/disable.reply).
    assert.equal(summary.files, 6, JSON.stringify(summary));
    assert.ok(summary.findings > 0);
  });

  it('applies rule options from replylint.rules', async () => {
    const doc = await session.open('short.reply', SHORT_REPLY);
    const before = await session.diagnostics(doc.uri, doc.seq, STEP_TIMEOUT_MS, { allowEmpty: true });
    assert.ok(!codesOf(before.diagnostics).includes('brevity'), 'a 13-word reply is within the 90-word private budget');
    const pulledAt = await session.changeSettings({ channel: 'private', rules: { brevity: { max_words: 5 } } });
    const { diagnostics } = await session.diagnostics(doc.uri, pulledAt, STEP_TIMEOUT_MS);
    const [brevity] = diagnostics.filter((d) => d.code === 'brevity');
    assert.ok(brevity, `brevity with max_words 5: ${JSON.stringify(diagnostics)}`);
    assert.match(brevity.message, /under 5\b/);
  });
});
