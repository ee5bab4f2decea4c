// Works out the command line that starts `replylint lsp` from the settings.
// Kept free of the `vscode` module so that it can be tested with plain Node.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const DEFAULT_SERVER_COMMAND: readonly string[] = ['replylint', 'lsp'];

export interface ServerSettings {
  /** `replylint.server.command`: program and arguments. */
  command?: unknown;
  /** `replylint.server.python`: interpreter with replylint installed. */
  python?: unknown;
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command line came from, for messages. */
  source: 'replylint.server.python' | 'replylint.server.command';
}

export class ServerCommandError extends Error {}

export interface ExpandContext {
  /** File-system path of the first workspace folder, when there is one. */
  workspaceFolder?: string;
  homeDir?: string;
}

/** Expands `${workspaceFolder}`, `${userHome}` and a leading `~`. */
export function expandVariables(value: string, ctx: ExpandContext): string {
  const home = ctx.homeDir ?? os.homedir();
  let out = value.replace(/\$\{(workspaceFolder|userHome)\}/g, (whole, name: string) => {
    if (name === 'userHome') {
      return home;
    }
    if (ctx.workspaceFolder === undefined) {
      throw new ServerCommandError(`${whole} is used in the replylint server settings but no folder is open.`);
    }
    return ctx.workspaceFolder;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = home + out.slice(1);
  }
  return out;
}

/**
 * A program given as a relative path with a directory part (`.venv/bin/python`)
 * is taken relative to the workspace folder; a bare name (`replylint`) is looked
 * up on PATH by the operating system.
 */
function resolveProgram(program: string, ctx: ExpandContext): string {
  const hasDirectory = program.includes('/') || program.includes('\\');
  if (hasDirectory && !path.isAbsolute(program) && ctx.workspaceFolder !== undefined) {
    return path.join(ctx.workspaceFolder, program);
  }
  return program;
}

export function resolveServerCommand(settings: ServerSettings, ctx: ExpandContext = {}): ServerCommand {
  const python = settings.python;
  if (python !== undefined && python !== null && python !== '') {
    if (typeof python !== 'string') {
      throw new ServerCommandError('replylint.server.python must be a string (a path to a Python interpreter).');
    }
    const program = resolveProgram(expandVariables(python.trim(), ctx), ctx);
    return { command: program, args: ['-m', 'replylint', 'lsp'], source: 'replylint.server.python' };
  }

  const raw = settings.command ?? DEFAULT_SERVER_COMMAND;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((part) => typeof part === 'string')) {
    throw new ServerCommandError(
      'replylint.server.command must be a non-empty array of strings, for example ["replylint", "lsp"].',
    );
  }
  const parts = (raw as string[]).map((part) => expandVariables(part, ctx));
  const [program, ...args] = parts;
  if (program === undefined || program.trim() === '') {
    throw new ServerCommandError('replylint.server.command must start with the program to run.');
  }
  return { command: resolveProgram(program, ctx), args, source: 'replylint.server.command' };
}

/** The command line as a person would type it, for messages. */
export function formatCommandLine(cmd: { command: string; args: readonly string[] }): string {
  return [cmd.command, ...cmd.args].map((part) => (/[\s"'$\\]/.test(part) ? JSON.stringify(part) : part)).join(' ');
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the program would be found when spawned: itself when it names a path,
 * else the first match on PATH (with PATHEXT on Windows). `undefined` when it
 * cannot be found, so the extension can say so instead of a bare ENOENT.
 */
export function findExecutable(
  program: string,
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string | undefined {
  const windows = process.platform === 'win32';
  const extensions = windows ? ['', ...(env['PATHEXT'] ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  const candidates = (base: string) => extensions.map((ext) => base + ext);
  if (program.includes('/') || (windows && program.includes('\\'))) {
    const base = path.resolve(cwd, program);
    return candidates(base).find(isExecutableFile);
  }
  const searchPath = env['PATH'] ?? (windows ? env['Path'] : undefined) ?? '';
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') {
      continue;
    }
    const found = candidates(path.join(dir, program)).find(isExecutableFile);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}
