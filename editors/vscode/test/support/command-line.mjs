// REPLYLINT_SERVER is a command line; the tests split it the way a shell would.

/** Splits a command line like a POSIX shell would for simple cases: quotes and backslashes. */
export function splitCommandLine(line) {
  const out = [];
  let current = '';
  let inToken = false;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inToken = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inToken = true;
    } else if (/\s/.test(ch)) {
      if (inToken) out.push(current);
      current = '';
      inToken = false;
    } else {
      current += ch;
      inToken = true;
    }
  }
  if (quote !== null) throw new Error(`Unterminated ${quote} quote in REPLYLINT_SERVER: ${line}`);
  if (inToken) out.push(current);
  return out;
}
