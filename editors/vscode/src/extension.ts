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
import { CHANNELS, CHANNEL_DESCRIPTIONS, type Channel, isChannel, toServerSettings } from './settings';

const CLIENT_ID = 'replylint';
const SECTION = 'replylint';

/** Replies are drafted in `reply` documents, Markdown or plain text; saved or not yet saved. */
const LANGUAGES = ['reply', 'markdown', 'plaintext'] as const;
/** Assignable to both the LSP and the VS Code DocumentSelector types. */
const DOCUMENT_SELECTOR: { scheme: string; language: string }[] = LANGUAGES.flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
let statusItem: vscode.StatusBarItem | undefined;
let serverProblem: string | undefined;
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
    await startClient();
  });
}

// --- channel: status bar and quick pick -----------------------------------

function activeDocument(): vscode.TextDocument | undefined {
  return vscode.window.activeTextEditor?.document;
}

function channelInfo(scope: vscode.Uri | undefined): { channel: Channel | undefined; explicit: boolean } {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const explicit = isExplicitlySet(config.inspect<string>('channel'));
  const value = config.get<string>('channel');
  return { channel: explicit && isChannel(value) ? value : undefined, explicit };
}

function updateStatus(): void {
  if (statusItem === undefined) {
    return;
  }
  const document = activeDocument();
  if (document === undefined || vscode.languages.match(DOCUMENT_SELECTOR, document) === 0) {
    statusItem.hide();
    return;
  }
  const { channel } = channelInfo(document.uri);
  const label = channel ?? 'default';
  const tooltip = new vscode.MarkdownString(undefined, true);
  if (channel !== undefined) {
    tooltip.appendMarkdown(`**replylint channel: ${channel}**\n\n${CHANNEL_DESCRIPTIONS[channel]}\n\n`);
  } else {
    tooltip.appendMarkdown(
      '**replylint channel: project default**\n\nNot set in VS Code: the channel from replylint.toml / ' +
        'pyproject.toml applies, else `private`.\n\n',
    );
  }
  if (serverProblem !== undefined) {
    statusItem.text = `$(warning) replylint: ${label}`;
    statusItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    tooltip.appendMarkdown(`$(warning) ${escapeMarkdown(serverProblem)}\n\n`);
  } else {
    statusItem.text = `$(comment-discussion) ${label}`;
    statusItem.backgroundColor = undefined;
  }
  tooltip.appendMarkdown('Click to switch the channel.');
  statusItem.tooltip = tooltip;
  statusItem.show();
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

interface ChannelPick extends vscode.QuickPickItem {
  channel: Channel | undefined;
}

async function switchChannel(): Promise<void> {
  const scope = activeDocument()?.uri;
  const { channel: current } = channelInfo(scope);
  const items: ChannelPick[] = CHANNELS.map((channel) => ({
    label: channel,
    description: channel === current ? '(current)' : '',
    detail: CHANNEL_DESCRIPTIONS[channel],
    picked: channel === current,
    channel,
  }));
  items.push({
    label: 'project default',
    description: current === undefined ? '(current)' : '',
    detail: 'Remove the setting: use the channel from replylint.toml / pyproject.toml, else private.',
    channel: undefined,
  });
  const choice = await vscode.window.showQuickPick(items, {
    title: 'replylint: where will this reply be sent?',
    placeHolder: `Current channel: ${current ?? 'project default'}`,
    matchOnDetail: true,
  });
  if (choice === undefined) {
    return;
  }

  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const inspected = config.inspect<string>('channel');
  let target: vscode.ConfigurationTarget;
  if (inspected?.workspaceFolderValue !== undefined) {
    // A folder-level value would hide a workspace-level change.
    target = vscode.ConfigurationTarget.WorkspaceFolder;
  } else if (vscode.workspace.workspaceFolders?.length) {
    target = vscode.ConfigurationTarget.Workspace;
  } else {
    target = vscode.ConfigurationTarget.Global;
  }
  try {
    await config.update('channel', choice.channel, target);
  } catch (error) {
    void vscode.window.showErrorMessage(`replylint: could not update replylint.channel: ${String(error)}`);
  }
  // The language client sends workspace/didChangeConfiguration; the status bar
  // follows through onDidChangeConfiguration.
}

// --- activation -----------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem('replylint.channel', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'replylint channel';
  statusItem.command = 'replylint.switchChannel';

  context.subscriptions.push(
    log(),
    statusItem,
    vscode.commands.registerCommand('replylint.switchChannel', switchChannel),
    vscode.commands.registerCommand('replylint.restartServer', restartServer),
    vscode.commands.registerCommand('replylint.showOutput', () => log().show(true)),
    vscode.window.onDidChangeActiveTextEditor(updateStatus),
    vscode.workspace.onDidOpenTextDocument(updateStatus),
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
