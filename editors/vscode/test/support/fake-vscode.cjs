// A small in-memory `vscode` module: enough of the API for the extension and
// vscode-languageclient to start the real language server, sync documents and
// settings, and show diagnostics, so the bundled extension can be exercised
// without a VS Code binary. Whatever is not modelled here falls back to a
// do-nothing stand-in (see vscode-stub.cjs).
'use strict';
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');

function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === 'prototype') return target.prototype;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'then') return undefined;
      if (prop === 'dispose') return () => {};
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

/** An object whose unknown properties are stand-ins instead of `undefined`. */
function withFallback(name, known) {
  return new Proxy(known, {
    get(target, prop) {
      if (prop in target) return target[prop];
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return stub(`${name}.${String(prop)}`);
    },
  });
}

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    const fn = this._fn;
    this._fn = undefined;
    fn?.();
  }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this._listeners]) l(value);
  }
  dispose() {
    this._listeners.clear();
  }
}

class Uri {
  constructor(scheme, fsPath, raw) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
    this._raw = raw;
  }
  static file(p) {
    return new Uri('file', p, pathToFileURL(p).href);
  }
  static parse(value) {
    if (value.startsWith('file:')) return new Uri('file', fileURLToPath(value), value);
    const scheme = value.slice(0, value.indexOf(':'));
    return new Uri(scheme, value.slice(scheme.length + 1), value);
  }
  toString() {
    return this._raw;
  }
  toJSON() {
    return this._raw;
  }
  with() {
    return this;
  }
}

class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') {
      this.start = new Position(a, b);
      this.end = new Position(c, d);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}

class TextEdit {
  constructor(range, newText) {
    this.range = range;
    this.newText = newText;
  }
}

/** Records what a WorkspaceEdit holds: text edits per URI and files to create. */
class WorkspaceEdit {
  constructor() {
    this.textEdits = []; // [uri, TextEdit[]]
    this.created = []; // uri
  }
  set(uri, edits) {
    this.textEdits.push([uri, edits.map((e) => (Array.isArray(e) ? e[0] : e))]);
  }
  replace(uri, range, newText) {
    this.textEdits.push([uri, [new TextEdit(range, newText)]]);
  }
  insert(uri, position, newText) {
    this.replace(uri, new Range(position, position), newText);
  }
  createFile(uri) {
    this.created.push(uri);
  }
  entries() {
    return this.textEdits;
  }
  get size() {
    return this.textEdits.length + this.created.length;
  }
}

/** Code-unit offset of a Position in `text` (lines split on \n). */
function offsetAt(text, position) {
  let offset = 0;
  for (let line = 0; line < position.line; line++) {
    const next = text.indexOf('\n', offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + position.character, text.length);
}

function positionAt(text, offset) {
  const before = text.slice(0, offset).split('\n');
  return new Position(before.length - 1, before.at(-1).length);
}

/** A glob of a DocumentFilter (`**`, `*`, `{a,b}`) as a RegExp. */
function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '{') source += '(?:';
    else if (ch === '}') source += ')';
    else if (ch === ',') source += '|';
    else source += ch.replace(/[.+^$()|[\]\\?]/g, '\\$&');
  }
  return new RegExp(`^(?:.*/)?${source}$`);
}

class Diagnostic {
  constructor(range, message, severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}

class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(text) {
    this.value += text;
    return this;
  }
  appendText(text) {
    this.value += text;
    return this;
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

class CancellationError extends Error {}
class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };
const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };

/** Reads a dotted key from the contributed defaults and the set values. */
function makeConfiguration(manifest, setValues) {
  const defaults = {};
  for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    defaults[key] = schema.default;
  }
  const effective = (full) => {
    if (setValues.workspace.has(full)) return setValues.workspace.get(full);
    if (setValues.global.has(full)) return setValues.global.get(full);
    if (full in defaults) return structuredClone(defaults[full]);
    // A section: build the nested object from every key under it.
    const prefix = `${full}.`;
    const keys = new Set(
      [...Object.keys(defaults), ...setValues.workspace.keys(), ...setValues.global.keys()].filter((k) => k.startsWith(prefix)),
    );
    if (keys.size === 0) return undefined;
    const out = {};
    for (const k of keys) {
      const parts = k.slice(prefix.length).split('.');
      let node = out;
      for (const p of parts.slice(0, -1)) node = node[p] ??= {};
      node[parts.at(-1)] = effective(k);
    }
    return out;
  };
  return { defaults, effective };
}

function createFakeVscode({ manifest, workspaceFolder }) {
  const setValues = { global: new Map(), workspace: new Map() };
  const { defaults, effective } = makeConfiguration(manifest, setValues);
  const events = {
    configuration: new EventEmitter(),
    activeEditor: new EventEmitter(),
    openDocument: new EventEmitter(),
    closeDocument: new EventEmitter(),
    changeDocument: new EventEmitter(),
  };
  const state = {
    setValues,
    documents: [],
    activeTextEditor: undefined,
    commands: new Map(),
    statusItems: [],
    diagnosticCollections: [],
    outputLines: [],
    errorMessages: [],
    quickPicks: [],
    quickPickAnswer: undefined, // (items) => item
    updates: [],
    infoMessages: [],
    warningMessages: [],
    appliedEdits: [], // {uri, edits: [{range, newText}]} and {uri, created: true}
    openedDocuments: [], // documents opened from content (openTextDocument({content}))
    executedCommands: [], // [id, ...args] of commands the extension ran that it does not own
  };

  function getConfiguration(section, _scope) {
    const full = (key) => (section ? `${section}.${key}` : key);
    return {
      get(key, defaultValue) {
        const value = effective(full(key));
        return value === undefined ? defaultValue : value;
      },
      has(key) {
        return effective(full(key)) !== undefined;
      },
      inspect(key) {
        const k = full(key);
        return {
          key: k,
          defaultValue: defaults[k],
          globalValue: setValues.global.get(k),
          workspaceValue: setValues.workspace.get(k),
          workspaceFolderValue: undefined,
        };
      },
      async update(key, value, target) {
        const k = full(key);
        const store = target === ConfigurationTarget.Global || target === true ? setValues.global : setValues.workspace;
        state.updates.push({ key: k, value, target });
        if (value === undefined) store.delete(k);
        else store.set(k, value);
        events.configuration.fire({ affectsConfiguration: (s) => k === s || k.startsWith(`${s}.`) || s.startsWith(`${k}.`) });
      },
    };
  }

  function matchScore(selector, document) {
    const filters = Array.isArray(selector) ? selector : [selector];
    for (const f of filters) {
      const filter = typeof f === 'string' ? { language: f } : f;
      if (filter.language && filter.language !== document.languageId) continue;
      if (filter.scheme && filter.scheme !== document.uri.scheme) continue;
      if (filter.pattern && !globToRegExp(filter.pattern).test(document.uri.fsPath)) continue;
      return 10;
    }
    return 0;
  }

  function createLogChannel(name) {
    const log = (level) => (message, ...args) => state.outputLines.push(`[${name}] ${level} ${message} ${args.join(' ')}`.trim());
    return {
      name,
      logLevel: LogLevel.Info,
      onDidChangeLogLevel: new EventEmitter().event,
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      append: log('append'),
      appendLine: log('line'),
      replace() {},
      clear() {},
      show() {},
      hide() {},
      dispose() {},
    };
  }

  function createDiagnosticCollection(name) {
    const entries = new Map();
    const collection = {
      name,
      disposed: false,
      sets: [],
      set(uri, diagnostics) {
        if (Array.isArray(uri)) {
          for (const [u, d] of uri) collection.set(u, d);
          return;
        }
        entries.set(uri.toString(), diagnostics ?? []);
        collection.sets.push({ uri: uri.toString(), diagnostics: diagnostics ?? [], at: Date.now() });
      },
      get: (uri) => entries.get(uri.toString()),
      has: (uri) => entries.has(uri.toString()),
      delete: (uri) => entries.delete(uri.toString()),
      clear: () => entries.clear(),
      forEach: (cb) => entries.forEach((d, u) => cb(Uri.parse(u), d, collection)),
      dispose() {
        collection.disposed = true;
        entries.clear();
      },
    };
    state.diagnosticCollections.push(collection);
    return collection;
  }

  const folder = workspaceFolder ? { uri: Uri.file(workspaceFolder), name: path.basename(workspaceFolder), index: 0 } : undefined;

  const vscode = withFallback('vscode', {
    version: '1.91.0',
    Disposable,
    EventEmitter,
    Uri,
    Position,
    Range,
    Diagnostic,
    TextEdit,
    WorkspaceEdit,
    MarkdownString,
    CancellationTokenSource,
    CancellationError,
    ThemeColor,
    LogLevel,
    ConfigurationTarget,
    StatusBarAlignment: { Left: 1, Right: 2 },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    env: withFallback('vscode.env', { appName: 'Visual Studio Code', language: 'en', machineId: 'test', sessionId: 'test' }),
    commands: withFallback('vscode.commands', {
      registerCommand(id, fn) {
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      async executeCommand(id, ...args) {
        const fn = state.commands.get(id);
        if (!fn) state.executedCommands.push([id, ...args]);
        return fn ? fn(...args) : undefined;
      },
    }),
    languages: withFallback('vscode.languages', {
      match: matchScore,
      createDiagnosticCollection,
    }),
    window: withFallback('vscode.window', {
      get activeTextEditor() {
        return state.activeTextEditor;
      },
      get visibleTextEditors() {
        return state.activeTextEditor ? [state.activeTextEditor] : [];
      },
      tabGroups: withFallback('vscode.window.tabGroups', { all: [], onDidChangeTabs: new EventEmitter().event }),
      onDidChangeActiveTextEditor: events.activeEditor.event,
      onDidChangeVisibleTextEditors: new EventEmitter().event,
      createOutputChannel: (name) => createLogChannel(name),
      createStatusBarItem(id, alignment, priority) {
        const item = { id, alignment, priority, text: '', tooltip: undefined, visible: false, show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; } };
        state.statusItems.push(item);
        return item;
      },
      async showErrorMessage(message, ...items) {
        state.errorMessages.push(message);
        return undefined;
      },
      async showWarningMessage(message) {
        state.warningMessages.push(message);
        return undefined;
      },
      async showInformationMessage(message) {
        state.infoMessages.push(message);
        return undefined;
      },
      async withProgress(_options, task) {
        return task({ report() {} }, new CancellationTokenSource().token);
      },
      async showTextDocument(document) {
        return withFallback('editor', { document });
      },
      async showQuickPick(items, options) {
        const resolved = await items;
        state.quickPicks.push({ items: resolved, options });
        return state.quickPickAnswer ? state.quickPickAnswer(resolved) : undefined;
      },
    }),
    workspace: withFallback('vscode.workspace', {
      get workspaceFolders() {
        return folder ? [folder] : undefined;
      },
      get textDocuments() {
        return state.documents;
      },
      notebookDocuments: [],
      getConfiguration,
      getWorkspaceFolder: () => folder,
      onDidChangeConfiguration: events.configuration.event,
      onDidOpenTextDocument: events.openDocument.event,
      onDidCloseTextDocument: events.closeDocument.event,
      onDidChangeTextDocument: events.changeDocument.event,
      async openTextDocument(options) {
        const document = { uri: Uri.parse(`untitled:Untitled-${state.openedDocuments.length + 1}`), languageId: options.language, getText: () => options.content };
        state.openedDocuments.push(document);
        return document;
      },
      async applyEdit(edit) {
        for (const uri of edit.created) state.appliedEdits.push({ uri: uri.toString(), created: true });
        for (const [uri, edits] of edit.entries()) {
          state.appliedEdits.push({ uri: uri.toString(), edits });
          const document = state.documents.find((d) => d.uri.toString() === uri.toString());
          if (document) changeDocument(document, edits);
        }
        return true;
      },
      onDidSaveTextDocument: new EventEmitter().event,
      onWillSaveTextDocument: new EventEmitter().event,
      onDidChangeWorkspaceFolders: new EventEmitter().event,
    }),
  });

  /** Applies text edits to an open document and tells the listeners, as VS Code would. */
  function changeDocument(document, edits) {
    let text = document.getText();
    const contentChanges = [];
    const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
    for (const edit of sorted) {
      const start = offsetAt(text, edit.range.start);
      const end = offsetAt(text, edit.range.end);
      contentChanges.push({
        range: new Range(positionAt(text, start), positionAt(text, end)),
        rangeOffset: start,
        rangeLength: end - start,
        text: edit.newText,
      });
      text = text.slice(0, start) + edit.newText + text.slice(end);
    }
    document.getText = () => text;
    document.lineCount = text.split('\n').length;
    document.version += 1;
    events.changeDocument.fire({ document, contentChanges, reason: undefined });
  }

  /** Opens a document and makes it the active editor, as VS Code would; `cursor` is a Position. */
  function openDocument(file, text, languageId, cursor = new Position(0, 0)) {
    const lines = text.split('\n');
    const document = {
      uri: Uri.file(file),
      fileName: file,
      languageId,
      version: 1,
      isClosed: false,
      isDirty: false,
      isUntitled: false,
      lineCount: lines.length,
      eol: 1,
      getText: () => text,
    };
    state.documents.push(document);
    events.openDocument.fire(document);
    state.activeTextEditor = withFallback('editor', { document, viewColumn: 1, selection: { active: cursor, anchor: cursor } });
    events.activeEditor.fire(state.activeTextEditor);
    return document;
  }

  /** Makes an open document the active editor again. */
  function showDocument(document, cursor = new Position(0, 0)) {
    state.activeTextEditor = withFallback('editor', { document, viewColumn: 1, selection: { active: cursor, anchor: cursor } });
    events.activeEditor.fire(state.activeTextEditor);
  }

  return { vscode, state, openDocument, showDocument };
}

module.exports = { createFakeVscode };
