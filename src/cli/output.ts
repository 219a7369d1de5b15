// The CLI's only printing helpers: a plain-text table for people and JSON for scripts.

export interface CliContext {
  readonly home: string;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Human text to stdout (suppressed with --json, which prints only the final document). */
  say(text: string): void;
  /** Warnings and progress go to stderr so that stdout stays parseable. */
  warn(text: string): void;
  /** The machine-readable result of a command under --json. */
  emit(doc: unknown): void;
}

export function makeContext(argv: { home?: string; json?: boolean; quiet?: boolean }): CliContext {
  const json = Boolean(argv.json);
  const quiet = Boolean(argv.quiet);
  return {
    home: argv.home ?? process.env.FORGE_HOME ?? process.cwd(),
    json,
    quiet,
    say: (text) => {
      if (!json && !quiet) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
    },
    warn: (text) => {
      if (!quiet) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
    },
    emit: (doc) => {
      if (json) process.stdout.write(JSON.stringify(doc, jsonReplacer, 2) + '\n');
    },
  };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    return value !== value ? null : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}

/** Left-aligned text, right-aligned numbers; columns sized to their widest cell. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map(formatCell));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const widths = headers.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]?.length ?? 0)));
  const line = (r: readonly string[]) =>
    r
      .map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    if (!Number.isFinite(v)) return String(v);
    return Math.abs(v) >= 1000 ? v.toFixed(2) : v.toPrecision(6).replace(/\.?0+$/, '');
  }
  return String(v);
}
