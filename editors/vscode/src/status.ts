// What the status bar shows for a document, from the server's
// `replylint/documentStatus` (the channel and language the reply was linted in,
// its verdict and counts). Kept free of the `vscode` module so it can be tested.

export const STATUS_METHOD = 'replylint/documentStatus';
export const EXPLAIN_METHOD = 'replylint/explainRule';
export const LINT_WORKSPACE_METHOD = 'replylint/lintWorkspace';
export const DISABLE_METHOD = 'replylint/disable';
export const SET_CHANNEL_METHOD = 'replylint/setChannel';

export interface Counts {
  error: number;
  warning: number;
  info: number;
}

export interface DocumentStatus {
  uri: string;
  isReply: boolean;
  reason: string;
  kind?: string;
  /** As the server resolved it; "mixed" when a collection's records differ. */
  channel?: string | null;
  language?: string | null;
  verdict?: 'block' | 'warn' | 'pass';
  counts?: Counts;
  replies?: number;
}

export interface EditAnswer {
  applied: boolean;
  description: string;
}

export interface Explanation {
  rule: string;
  markdown: string;
  url?: string | null;
}

export interface WorkspaceSummary {
  files: number;
  findings: number;
  counts: Partial<Counts>;
}

const VERDICT_ICONS: Record<string, string> = { block: '$(error)', warn: '$(warning)', pass: '$(check)' };

/** `$(comment-discussion) public · en · $(error) 1 $(warning) 2`, or `... · $(check) pass`. */
export function statusText(status: DocumentStatus): string {
  const where = [status.channel ?? '?', status.language ?? '?'].join(' · ');
  const counts = status.counts ?? { error: 0, warning: 0, info: 0 };
  const parts: string[] = [];
  if (counts.error) parts.push(`$(error) ${counts.error}`);
  if (counts.warning) parts.push(`$(warning) ${counts.warning}`);
  if (counts.info) parts.push(`$(info) ${counts.info}`);
  const verdict = parts.length ? parts.join(' ') : `${VERDICT_ICONS[status.verdict ?? 'pass']} ${status.verdict ?? 'pass'}`;
  return `$(comment-discussion) ${where} · ${verdict}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line for the tooltip: `block: 1 error, 2 warnings, 0 infos`. */
export function verdictLine(status: DocumentStatus): string {
  const counts = status.counts ?? { error: 0, warning: 0, info: 0 };
  return `${status.verdict ?? 'pass'}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`;
}

export function summaryMessage(summary: WorkspaceSummary): string {
  const c = summary.counts;
  return (
    `replylint: ${plural(summary.files, 'reply file')} linted, ${plural(summary.findings, 'finding')} ` +
    `(${plural(c.error ?? 0, 'error')}, ${plural(c.warning ?? 0, 'warning')}, ${c.info ?? 0} info). See the Problems panel.`
  );
}
