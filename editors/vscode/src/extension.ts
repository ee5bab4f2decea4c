// VS Code client for the replylint language server (`replylint lsp`, stdio).
import * as vscode from 'vscode';
import {
  type DiagnosticCollectionProvider,
  type LanguageClientOptions,
  type ServerOptions,
  LanguageClient,
  State,
} from 'vscode-languageclient/node';

import { ServerCommandError, findExecutable, formatCommandLine, resolveServerCommand } from './serverCommand';
import { DOCUMENT_SELECTOR } from './formats';
import { CHANNELS, CHANNEL_DESCRIPTIONS, type Channel, isChannel, toServerSettings } from './settings';
import {
  DISABLE_METHOD,
  type DocumentStatus,
  type EditAnswer,
  EXPLAIN_METHOD,
  type Explanation,
  LINT_WORKSPACE_METHOD,
  SET_CHANNEL_METHOD,
  STATUS_METHOD,
  type WorkspaceSummary,
  statusText,
  summaryMessage,
  verdictLine,
} from './status';

const CLIENT_ID = 'replylint';
const SECTION = 'replylint';

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let serverProblem: string | undefined;
/** The server's last `replylint/documentStatus` for each document. */
const statuses = new Map<string, DocumentStatus>();
/** Start/stop/restart run one after the other, never interleaved. */
let lifecycle: Promise<void> = Promise.resolve();

function log(): vscode.LogOutputChannel {
  outputChannel ??= vscode.window.createOutputChannel('replylint', { log: true });
  return outputChannel;
}

/**
 * The server may both push diagnostics (textDocument/publishDiagnostics) and
 * answer pull requests (textDocument/diagnostic). With separate collections VS
 * Code would show every problem twice; one shared collection keyed by document
 * means the latest report, pushed or pulled, replaces the previous one.
 */
class SharedDiagnosticCollection implements DiagnosticCollectionProvider {
  private collection: vscode.DiagnosticCollection | undefined;
  private users = 0;

  create(): vscode.DiagnosticCollection {
    this.collection ??= vscode.languages.createDiagnosticCollection(CLIENT_ID);
    this.users += 1;
    return this.collection;
  }

  dispose(collection: vscode.DiagnosticCollection): void {
    if (collection !== this.collection) {
      collection.dispose();
      return;
    }
    this.users -= 1;
    if (this.users <= 0) {
      collection.dispose();
      this.collection = undefined;
      this.users = 0;
    }
  }
}

function firstWorkspaceFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath;
}

interface ResolvedServer {
  options: ServerOptions;
  commandLine: string;
  /** The program was not found: starting it could only fail with ENOENT. */
  missing: boolean;
  source: string;
}

function serverOptions(): ResolvedServer {
  const config = vscode.workspace.getConfiguration(SECTION);
  const workspaceFolder = firstWorkspaceFolder();
  const resolved = resolveServerCommand(
    { command: config.get<unknown>('server.command'), python: config.get<unknown>('server.python') },
    workspaceFolder === undefined ? {} : { workspaceFolder },
  );
  const options: ServerOptions = {
    command: resolved.command,
    args: resolved.args,
    // No `transport`: stdio without the `--stdio` flag that TransportKind.stdio
    // would append, so the command runs exactly as configured (`replylint lsp`).
    // cwd: the server looks for replylint.toml / pyproject.toml from the workspace root.
    options: workspaceFolder === undefined ? {} : { cwd: workspaceFolder },
  };
  const missing = findExecutable(resolved.command, process.env, workspaceFolder ?? process.cwd()) === undefined;
  return { options, commandLine: formatCommandLine(resolved), missing, source: resolved.source };
}

function isExplicitlySet<T>(inspected: { globalValue?: T; workspaceValue?: T; workspaceFolderValue?: T } | undefined): boolean {
  return (
    inspected !== undefined &&
    (inspected.globalValue !== undefined ||
      inspected.workspaceValue !== undefined ||
      inspected.workspaceFolderValue !== undefined)
  );
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: DOCUMENT_SELECTOR,
    // Tell the server when `replylint.*` changes (workspace/didChangeConfiguration);
    // it then pulls the new values with workspace/configuration.
    synchronize: { configurationSection: SECTION },
    outputChannel: log(),
    diagnosticCollectionName: CLIENT_ID,
    diagnosticCollectionProvider: new SharedDiagnosticCollection(),
    markdown: { isTrusted: false, supportHtml: false },
    middleware: {
      workspace: {
        // Answer `replylint` with the documented server settings only, leaving out
        // what the user did not set so the project's config file still applies.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, index) => {
            if (item.section !== SECTION) {
              return result[index];
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const config = vscode.workspace.getConfiguration(SECTION, scope);
            return toServerSettings(result[index], isExplicitlySet(config.inspect('channel')));
          });
        },
      },
    },
  };
}

async function startClient(): Promise<void> {
  let resolved: ResolvedServer;
  try {
    resolved = serverOptions();
  } catch (error) {
    const message = error instanceof ServerCommandError ? error.message : String(error);
    reportStartFailure(message, true);
    return;
  }
  if (resolved.missing) {
    reportStartFailure(
      `Cannot start the language server: \`${resolved.commandLine}\` (from ${resolved.source}) was not found. ` +
        'Install replylint where VS Code can find it (pip install replylint), or set ' +
        'replylint.server.python to the Python interpreter that has it, then run "replylint: Restart Server".',
      true,
    );
    return;
  }

  log().info(`Starting the replylint language server: ${resolved.commandLine}`);
  const newClient = new LanguageClient(CLIENT_ID, 'replylint', resolved.options, clientOptions());
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Running) {
      serverProblem = undefined;
    } else if (event.newState === State.Stopped && client === newClient) {
      serverProblem ??= 'The replylint language server is not running.';
    }
    updateStatus();
  });
  client = newClient;
  newClient.onNotification(STATUS_METHOD, (status: DocumentStatus) => {
    statuses.set(status.uri, status);
    updateStatus();
  });
  try {
    await newClient.start();
    serverProblem = undefined;
  } catch (error) {
    client = undefined;
    const reason = error instanceof Error ? error.message : String(error);
    // vscode-languageclient has already shown its own notification for this.
    reportStartFailure(`Could not start the language server with \`${resolved.commandLine}\`: ${reason}`, false);
    try {
      await newClient.dispose();
    } catch {
      // Already failed to start: nothing to stop.
    }
  }
  updateStatus();
}

function reportStartFailure(message: string, notify: boolean): void {
  serverProblem = message;
  log().error(message);
  updateStatus();
  if (!notify) {
    return;
  }
  void vscode.window.showErrorMessage(`replylint: ${message}`, 'Open Settings', 'Show Output').then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'replylint.server');
    } else if (choice === 'Show Output') {
      log().show(true);
    }
  });
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    if (current.needsStop()) {
      await current.stop();
    }
  } catch (error) {
    log().warn(`Stopping the language server failed: ${String(error)}`);
  }
  try {
    await current.dispose();
  } catch {
    // Stopped already.
  }
}

function enqueue(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

function restartServer(): Promise<void> {
  return enqueue(async () => {
    await stopClient();
    serverProblem = undefined;
    statuses.clear();
    await startClient();
  });
}

// --- status bar: the channel, language and verdict the server reports -----

function activeDocument(): vscode.TextDocument | undefined {
  return vscode.window.activeTextEditor?.document;
}

function channelInfo(scope: vscode.Uri | undefined): { channel: Channel | undefined; explicit: boolean } {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const explicit = isExplicitlySet(config.inspect<string>('channel'));
  const value = config.get<string>('channel');
  return { channel: explicit && isChannel(value) ? value : undefined, explicit };
}

function isCandidate(document: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCUMENT_SELECTOR, document) > 0;
}

/** Ask the server for a document's status when no notification has brought it yet. */
function requestStatus(document: vscode.TextDocument): void {
  const current = client;
  const uri = document.uri.toString();
  if (current === undefined || !current.isRunning() || statuses.has(uri)) {
    return;
  }
  current.sendRequest<DocumentStatus>(STATUS_METHOD, { textDocument: { uri } }).then(
    (status) => {
      if (status && !statuses.has(uri)) {
        statuses.set(uri, status);
        updateStatus();
      }
    },
    (error) => log().warn(`${STATUS_METHOD} failed: ${String(error)}`),
  );
}

function updateStatus(): void {
  if (statusItem === undefined) {
    return;
  }
  const document = activeDocument();
  if (document === undefined || !isCandidate(document)) {
    statusItem.hide();
    return;
  }
  const tooltip = new vscode.MarkdownString(undefined, true);
  if (serverProblem !== undefined) {
    statusItem.text = '$(warning) replylint';
    statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    tooltip.appendMarkdown(`$(warning) ${escapeMarkdown(serverProblem)}\n\n`);
    statusItem.tooltip = tooltip;
    statusItem.show();
    return;
  }
  const status = statuses.get(document.uri.toString());
  if (status === undefined) {
    requestStatus(document);
    statusItem.hide();
    return;
  }
  if (!status.isReply) {
    // Not a reply (a README, CI YAML): stay out of the way.
    statusItem.hide();
    return;
  }
  statusItem.text = statusText(status);
  statusItem.backgroundColor =
    status.verdict === 'block' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  const channel = status.channel ?? 'unknown';
  tooltip.appendMarkdown(`**replylint: ${escapeMarkdown(verdictLine(status))}**\n\n`);
  tooltip.appendMarkdown(
    `Linted as a **${escapeMarkdown(channel)}** reply in **${escapeMarkdown(status.language ?? 'unknown')}**` +
      (isChannel(channel) ? `: ${CHANNEL_DESCRIPTIONS[channel]}` : '.') +
      '\n\n',
  );
  tooltip.appendMarkdown(`A reply because ${escapeMarkdown(status.reason)}.\n\n`);
  tooltip.appendMarkdown('Click to switch the channel.');
  statusItem.tooltip = tooltip;
  statusItem.show();
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

// --- commands -------------------------------------------------------------

function runningClient(): LanguageClient | undefined {
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showErrorMessage('replylint: the language server is not running. Run "replylint: Restart Server".');
    return undefined;
  }
  return client;
}

function cursor(): { document: vscode.TextDocument; position: vscode.Position } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || !isCandidate(editor.document)) {
    void vscode.window.showInformationMessage('replylint: open a reply first.');
    return undefined;
  }
  return { document: editor.document, position: editor.selection.active };
}

function report(answer: EditAnswer): void {
  const message = `replylint: ${answer.description}`;
  if (answer.applied) {
    void vscode.window.showInformationMessage(message);
  } else {
    void vscode.window.showWarningMessage(message);
  }
}

interface ChannelPick extends vscode.QuickPickItem {
  channel: Channel | undefined;
}

/**
 * A reply document: sets `channel:` in its front matter (the server makes the edit,
 * the user sees it in the editor and can undo it). A collection or no reply: the
 * records' default, the replylint.channel setting, and says so.
 */
async function switchChannel(): Promise<void> {
  const document = activeDocument();
  const status = document === undefined ? undefined : statuses.get(document.uri.toString());
  const inDocument = document !== undefined && status?.isReply === true && status.kind === 'reply';
  const current = inDocument ? status?.channel ?? undefined : channelInfo(document?.uri).channel;
  const items: ChannelPick[] = CHANNELS.map((channel) => ({
    label: channel,
    description: channel === current ? '(current)' : '',
    detail: CHANNEL_DESCRIPTIONS[channel],
    picked: channel === current,
    channel,
  }));
  items.push({
    label: inDocument ? 'remove from the front matter' : 'project default',
    description: '',
    detail: inDocument
      ? 'Remove `channel:` from this reply: the replylint.channel setting or the project config applies.'
      : 'Remove the setting: use the channel from replylint.toml / pyproject.toml, else private.',
    channel: undefined,
  });
  const choice = await vscode.window.showQuickPick(items, {
    title: inDocument
      ? 'replylint: where will this reply be sent? (sets channel: in its front matter)'
      : 'replylint: default channel for replies that do not set one (replylint.channel setting)',
    placeHolder: `Current channel: ${current ?? 'project default'}`,
    matchOnDetail: true,
  });
  if (choice === undefined) {
    return;
  }
  if (inDocument && document !== undefined) {
    const running = runningClient();
    if (running === undefined) {
      return;
    }
    const answer = await running.sendRequest<EditAnswer>(SET_CHANNEL_METHOD, {
      textDocument: { uri: document.uri.toString() },
      channel: choice.channel ?? null,
    });
    report(answer);
    return;
  }
  await setChannelSetting(choice.channel, document?.uri);
}

async function setChannelSetting(channel: Channel | undefined, scope: vscode.Uri | undefined): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const inspected = config.inspect<string>('channel');
  let target: vscode.ConfigurationTarget;
  let where: string;
  if (inspected?.workspaceFolderValue !== undefined) {
    // A folder-level value would hide a workspace-level change.
    target = vscode.ConfigurationTarget.WorkspaceFolder;
    where = 'folder';
  } else if (vscode.workspace.workspaceFolders?.length) {
    target = vscode.ConfigurationTarget.Workspace;
    where = 'workspace';
  } else {
    target = vscode.ConfigurationTarget.Global;
    where = 'user';
  }
  try {
    await config.update('channel', channel, target);
  } catch (error) {
    void vscode.window.showErrorMessage(`replylint: could not update replylint.channel: ${String(error)}`);
    return;
  }
  void vscode.window.showInformationMessage(
    channel === undefined
      ? `replylint: removed replylint.channel from the ${where} settings: the project config applies to replies and records that set no channel.`
      : `replylint: set replylint.channel to ${channel} in the ${where} settings: it applies to replies and records that set no channel of their own.`,
  );
}

async function explainRule(): Promise<void> {
  const at = cursor();
  const running = at && runningClient();
  if (at === undefined || running === undefined) {
    return;
  }
  const answer = await running.sendRequest<{ rules: Explanation[] }>(EXPLAIN_METHOD, {
    textDocument: { uri: at.document.uri.toString() },
    position: { line: at.position.line, character: at.position.character },
  });
  if (!answer?.rules?.length) {
    void vscode.window.showInformationMessage('replylint: no finding under the cursor. Put it on an underlined word.');
    return;
  }
  const content = answer.rules.map((r) => r.markdown.trim()).join('\n\n---\n\n') + '\n';
  const doc = await vscode.workspace.openTextDocument({ content, language: 'markdown' });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri);
}

async function lintWorkspace(): Promise<void> {
  const running = runningClient();
  if (running === undefined) {
    return;
  }
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'replylint: linting the workspace' },
    () => running.sendRequest<WorkspaceSummary>(LINT_WORKSPACE_METHOD, {}),
  );
  void vscode.window.showInformationMessage(summaryMessage(summary));
}

interface WherePick extends vscode.QuickPickItem {
  where: 'config' | 'frontMatter';
}

async function disable(what: 'file' | 'rule'): Promise<void> {
  const at = cursor();
  const running = at && runningClient();
  if (at === undefined || running === undefined) {
    return;
  }
  const status = statuses.get(at.document.uri.toString());
  const items: WherePick[] = [
    what === 'file'
      ? { label: 'Exclude it in replylint.toml', detail: 'Adds the file to `exclude` in the project config (or a new replylint.toml): no one gets findings for it.', where: 'config' }
      : { label: 'Turn it off in replylint.toml', detail: 'Sets `enabled = false` for the rule in the project config (or a new replylint.toml), for every reply.', where: 'config' },
  ];
  if (status?.kind === 'reply') {
    items.push(
      what === 'file'
        ? { label: 'Ignore every rule in its front matter', detail: 'Adds `replylint-ignore: [all]` to this reply.', where: 'frontMatter' }
        : { label: 'Ignore it in this reply only', detail: 'Adds the rule to `replylint-ignore` in this reply\'s front matter.', where: 'frontMatter' },
    );
  }
  const choice = await vscode.window.showQuickPick(items, {
    title: what === 'file' ? 'replylint: disable for this file' : 'replylint: disable the rule under the cursor',
  });
  if (choice === undefined) {
    return;
  }
  const answer = await running.sendRequest<EditAnswer>(DISABLE_METHOD, {
    textDocument: { uri: at.document.uri.toString() },
    position: { line: at.position.line, character: at.position.character },
    what,
    where: choice.where,
  });
  report(answer);
}

// --- activation -----------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem('replylint.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'replylint';
  statusItem.command = 'replylint.switchChannel';

  context.subscriptions.push(
    log(),
    statusItem,
    vscode.commands.registerCommand('replylint.switchChannel', switchChannel),
    vscode.commands.registerCommand('replylint.explainRule', explainRule),
    vscode.commands.registerCommand('replylint.lintWorkspace', lintWorkspace),
    vscode.commands.registerCommand('replylint.disableForFile', () => disable('file')),
    vscode.commands.registerCommand('replylint.disableRule', () => disable('rule')),
    vscode.commands.registerCommand('replylint.restartServer', restartServer),
    vscode.commands.registerCommand('replylint.showOutput', () => log().show(true)),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.workspace.onDidOpenTextDocument(updateStatus),
    vscode.workspace.onDidCloseTextDocument((document) => statuses.delete(document.uri.toString())),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('replylint.server')) {
        log().info('The server settings changed: restarting the language server.');
        void restartServer();
      }
      if (event.affectsConfiguration('replylint.channel')) {
        updateStatus();
      }
    }),
    { dispose: () => void enqueue(stopClient) },
  );

  updateStatus();
  await enqueue(startClient);
}

export function deactivate(): Thenable<void> {
  return enqueue(stopClient);
}
