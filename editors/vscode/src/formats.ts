// Every format the server reads, for the document selector. Kept free of the
// `vscode` module so it can be tested with plain Node. The server decides which of
// these documents are replies (the `replylint.files` globs, replylint front matter,
// `files` / `exclude` in replylint.toml): everything else gets no diagnostics.

/** Language ids of reply documents (.reply, .md, .txt) and of record collections. */
export const LANGUAGES = ['reply', 'markdown', 'plaintext', 'yaml', 'json', 'jsonc', 'jsonl', 'csv'] as const;

/** File extensions the server reads, whatever language VS Code gives them (CSV has none built in). */
export const EXTENSIONS = ['reply', 'txt', 'md', 'markdown', 'yaml', 'yml', 'json', 'jsonl', 'ndjson', 'csv'] as const;

export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** Saved files by language or extension; untitled documents by language. */
export const DOCUMENT_SELECTOR: DocumentFilter[] = [
  ...LANGUAGES.flatMap((language) => [
    { scheme: 'file', language },
    { scheme: 'untitled', language },
  ]),
  { scheme: 'file', pattern: `**/*.{${EXTENSIONS.join(',')}}` },
];
