import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';

// The speed anchors of ../shared/anchors (issue 9, point 5): outside programs doing forge's peer
// workload, run as they are (never copied here) right after forge's peer passes, so that forge's
// figure is read as a ratio to a reference measured in the same minutes on the same noisy machine.
// numba_smacross.py is the compiled-loop class of engine; ts_smacross.mjs a plain JS loop.

export const ANCHORS_DIR = '../shared/anchors';
export const NUMBA_SCRIPT = 'numba_smacross.py';
export const TS_SCRIPT = 'ts_smacross.mjs';
/** Debian's interpreter, where `apt-get install python3-numba python3-pandas` puts the modules. */
export const PYTHON = '/usr/bin/python3';
const INSTALL_HINT = 'apt-get install python3-numba python3-pandas';

/** One timed line of an anchor: `backtests` over `bars` bars in `ms` (best of its repeats). */
export interface AnchorFigure {
  readonly backtests: number;
  readonly bars?: number;
  readonly ms: number;
  /** Backtests per second on one core, as the anchor printed it. */
  readonly perSec: number;
}

export interface NumbaFigures {
  /** The 20/50 reversal check the script prints before timing (a sanity figure). */
  readonly check: { readonly trades: number; readonly equity: number };
  readonly smasPerBacktest: AnchorFigure;
  readonly smasCached: AnchorFigure;
  /** SMAs cached plus per-bar equity sums and deepest drawdown: the same work as forge's peer workload. */
  readonly equityMetrics: AnchorFigure;
}

export interface TsFigures {
  readonly check: { readonly trades: number; readonly equity: number };
  readonly perBacktest: AnchorFigure;
  /** SMAs once per window, as forge's workers keep them in their feature cache (no equity metrics). */
  readonly cached: AnchorFigure;
}

export type AnchorOutcome<T> =
  | ({ readonly status: 'ok'; readonly command: string } & T)
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: 'failed'; readonly command: string; readonly error: string };

/** Forge's peer figure per worker over each anchor's per-core figure (>= 1: forge is as fast or faster). */
export interface AnchorRatio {
  readonly workers: number;
  readonly perWorkerPerSec: number;
  /** Over numba's "smas cached + equity metrics" backtests/s. */
  readonly vsNumba?: number;
  /** Over ts_smacross's "cached" backtests/s. */
  readonly vsTs?: number;
}

export interface AnchorReport {
  readonly dir: string;
  readonly csv: string;
  readonly numba: AnchorOutcome<NumbaFigures>;
  readonly ts: AnchorOutcome<TsFigures>;
  readonly ratios: readonly AnchorRatio[];
}

function formatError(script: string, what: string, output: string): ForgeError {
  const shown = output.trim().split('\n').slice(0, 8).join('\n    ');
  return new ForgeError(
    `${script}: output not understood (${what}); it printed:\n    ${shown || '(nothing)'}`,
    `the anchor's output format changed: update the parser in src/forge/bench/anchors.ts to match ${script}`,
    'E_ANCHOR_FORMAT',
  );
}

const num = (s: string): number => Number(s.replace(/,/g, ''));

/** The three timed lines and the check line of numba_smacross.py. */
export function parseNumbaOutput(output: string): NumbaFigures {
  const check = /^check [^:]*: trades (\d+) equity ([\d,.]+)$/m.exec(output);
  if (!check) throw formatError(NUMBA_SCRIPT, "no 'check ...: trades N equity X' line", output);
  const line = (label: string): AnchorFigure => {
    const esc = label.replace(/[+.]/g, '\\$&');
    const m = new RegExp(
      `^${esc}: (\\d+) backtests on (\\d+) bars in ([\\d.]+) ms = ([\\d,.]+) backtests/s on one core`,
      'm',
    ).exec(output);
    if (!m)
      throw formatError(
        NUMBA_SCRIPT,
        `no '${label}: N backtests on N bars in X ms = N backtests/s on one core' line`,
        output,
      );
    const f = { backtests: num(m[1]), bars: num(m[2]), ms: num(m[3]), perSec: num(m[4]) };
    if (!(f.backtests > 0 && f.ms > 0 && f.perSec > 0))
      throw formatError(NUMBA_SCRIPT, `'${label}' has a zero or unreadable figure`, output);
    return f;
  };
  return {
    check: { trades: num(check[1]), equity: num(check[2]) },
    smasPerBacktest: line('smas per backtest'),
    smasCached: line('smas cached per window'),
    equityMetrics: line('smas cached + equity metrics'),
  };
}

/** The check line and the two timed lines of ts_smacross.mjs. */
export function parseTsOutput(output: string): TsFigures {
  const check = /^check \[ ([\d.eE+-]+), (\d+) \]$/m.exec(output);
  if (!check) throw formatError(TS_SCRIPT, "no 'check [ equity, trades ]' line", output);
  const line = (label: string): AnchorFigure => {
    const m = new RegExp(`^${label} (\\d+) in ([\\d.]+) ms = (\\d+) backtests/s/core$`, 'm').exec(output);
    if (!m) throw formatError(TS_SCRIPT, `no '${label} N in X ms = N backtests/s/core' line`, output);
    const f = { backtests: num(m[1]), ms: num(m[2]), perSec: num(m[3]) };
    if (!(f.backtests > 0 && f.ms > 0 && f.perSec > 0))
      throw formatError(TS_SCRIPT, `'${label}' has a zero or unreadable figure`, output);
    return f;
  };
  return {
    check: { equity: num(check[1]), trades: num(check[2]) },
    perBacktest: line('per backtest'),
    cached: line('cached'),
  };
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  readonly spawnError?: string;
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number; killed?: boolean }) | null;
        if (e && typeof e.code === 'string') resolve({ code: null, stdout, stderr, spawnError: e.code });
        else if (e?.killed) resolve({ code: null, stdout, stderr, spawnError: `killed after ${timeoutMs / 1000} s` });
        else resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Why `python` cannot run the numba anchor, or undefined when it can import numba and pandas. */
export async function numbaUnavailable(python: string = PYTHON): Promise<string | undefined> {
  const r = await run(python, ['-c', 'import numba, pandas'], 60_000);
  if (r.spawnError === 'ENOENT') return `${python} not found (${INSTALL_HINT})`;
  if (r.spawnError) return `${python} could not start (${r.spawnError})`;
  if (r.code === 0) return undefined;
  const missing = /No module named '([\w.]+)'/.exec(r.stderr)?.[1] ?? 'numba';
  return `${python} cannot import ${missing} (${INSTALL_HINT})`;
}

async function runAnchor<T>(
  file: string,
  args: readonly string[],
  timeoutMs: number,
  parse: (out: string) => T,
): Promise<AnchorOutcome<T>> {
  const command = [file, ...args].join(' ');
  const r = await run(file, args, timeoutMs);
  const tail = (s: string) => s.trim().split('\n').slice(-5).join(' | ');
  if (r.spawnError)
    return {
      status: 'failed',
      command,
      error: `could not run (${r.spawnError})${r.stderr ? `: ${tail(r.stderr)}` : ''}`,
    };
  if (r.code !== 0)
    return { status: 'failed', command, error: `exit code ${r.code}: ${tail(r.stderr) || tail(r.stdout)}` };
  try {
    return { status: 'ok', command, ...parse(r.stdout) };
  } catch (e) {
    if (e instanceof ForgeError) return { status: 'failed', command, error: e.message };
    throw e;
  }
}

/** numba_smacross.py on `csv` (compiles, then best of 5 per figure; ~10-30 s), or why it did not run. */
export async function runNumbaAnchor(
  dir: string,
  csv: string,
  python: string = PYTHON,
): Promise<AnchorOutcome<NumbaFigures>> {
  const why = await numbaUnavailable(python);
  if (why) return { status: 'skipped', reason: why };
  return runAnchor(python, [path.join(dir, NUMBA_SCRIPT), csv], 600_000, parseNumbaOutput);
}

/** ts_smacross.mjs on `csv` under this Node (best of 9 per figure; a few seconds). */
export function runTsAnchor(dir: string, csv: string): Promise<AnchorOutcome<TsFigures>> {
  return runAnchor(process.execPath, [path.join(dir, TS_SCRIPT), csv], 300_000, parseTsOutput);
}

/** Forge's per-worker peer figure at each worker count over the anchors' per-core figures. */
export function anchorRatios(
  peer: readonly { workers: number; perWorkerPerSec: number }[],
  numba: AnchorOutcome<NumbaFigures>,
  ts: AnchorOutcome<TsFigures>,
): AnchorRatio[] {
  return peer.map((p) => ({
    workers: p.workers,
    perWorkerPerSec: p.perWorkerPerSec,
    vsNumba: numba.status === 'ok' ? p.perWorkerPerSec / numba.equityMetrics.perSec : undefined,
    vsTs: ts.status === 'ok' ? p.perWorkerPerSec / ts.cached.perSec : undefined,
  }));
}

/** Both anchors, one after the other (never beside forge's own passes: they would share the cores). */
export async function runAnchors(
  dir: string,
  csv: string,
  peer: readonly { workers: number; perWorkerPerSec: number }[],
  o: { python?: string; progress?: (m: string) => void } = {},
): Promise<AnchorReport> {
  const say = o.progress ?? (() => {});
  say(`anchor: ${NUMBA_SCRIPT} on ${path.basename(csv)}`);
  const numba = await runNumbaAnchor(dir, csv, o.python);
  say(`anchor: ${TS_SCRIPT} on ${path.basename(csv)}`);
  const ts = await runTsAnchor(dir, csv);
  return { dir, csv, numba, ts, ratios: anchorRatios(peer, numba, ts) };
}

/** True when `dir` holds both anchor scripts. */
export function anchorsPresent(dir: string): boolean {
  return fs.existsSync(path.join(dir, NUMBA_SCRIPT)) && fs.existsSync(path.join(dir, TS_SCRIPT));
}
