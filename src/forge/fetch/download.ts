import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { makeDir } from '../atomic.js';
import { httpGet, type GetResult } from './http.js';
import type { ArchiveFile } from './layout.js';

// Each archive file into the cache under the home, verified against its .CHECKSUM first. A file is
// in the cache only once verified (zip renamed in last), so a rerun after a kill or a failure
// downloads only what is missing. Retries with exponential backoff on 5xx, 429 and timeouts.

export interface DownloadOptions {
  readonly baseUrl: string;
  readonly cacheDir: string;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly backoffMs: number;
  readonly onBytes?: (n: number) => void;
  readonly onRetry?: (msg: string) => void;
}

export type Fetched =
  | { file: ArchiveFile; zip: string; state: 'cached' | 'downloaded'; bytes: number }
  | { file: ArchiveFile; state: 'missing' };

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export function cachePaths(cacheDir: string, f: ArchiveFile): { zip: string; checksum: string } {
  const zip = path.join(cacheDir, `${f.path}.zip`);
  return { zip, checksum: `${zip}.CHECKSUM` };
}

/** The verified cached zip, or null (a zip that no longer matches its checksum is removed). */
function cached(cacheDir: string, f: ArchiveFile): string | null {
  const p = cachePaths(cacheDir, f);
  if (!fs.existsSync(p.zip) || !fs.existsSync(p.checksum)) return null;
  if (sha256(p.zip) === parseChecksum(fs.readFileSync(p.checksum, 'utf8'), `${f.name}.zip`, p.checksum)) return p.zip;
  fs.rmSync(p.zip, { force: true });
  return null;
}

/** "<64 hex>  NAME.zip" -> the hash; anything else is an error naming the file. */
export function parseChecksum(text: string, name: string, where: string): string {
  const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(text.trim());
  if (!m || m[2] !== name) {
    throw new ForgeError(
      `${where}: not a checksum of ${name} (expected "<sha256>  ` +
        `${name}", got ${JSON.stringify(text.trim().slice(0, 100))})`,
      'check --base-url points at a Binance data archive or a mirror of it',
      'E_FETCH_CHECKSUM',
    );
  }
  return m[1].toLowerCase();
}

export async function downloadFile(f: ArchiveFile, o: DownloadOptions): Promise<Fetched> {
  const hit = cached(o.cacheDir, f);
  if (hit !== null) return { file: f, zip: hit, state: 'cached', bytes: fs.statSync(hit).size };
  const p = cachePaths(o.cacheDir, f);
  makeDir(path.dirname(p.zip));
  removeStaleParts(path.dirname(p.zip), f.name);
  const tmpSum = `${p.checksum}.part-${process.pid}`;
  const tmpZip = `${p.zip}.part-${process.pid}`;
  try {
    const url = `${o.baseUrl.replace(/\/+$/, '')}/${f.path}.zip`;
    if (!(await get(`${url}.CHECKSUM`, tmpSum, o))) return { file: f, state: 'missing' };
    const want = parseChecksum(fs.readFileSync(tmpSum, 'utf8'), `${f.name}.zip`, `${url}.CHECKSUM`);
    if (!(await get(url, tmpZip, o))) return { file: f, state: 'missing' };
    const got = sha256(tmpZip);
    if (got !== want) {
      throw new ForgeError(
        `${url}: SHA-256 ${got} does not match its .CHECKSUM ${want}; the file was not used and nothing was imported`,
        'rerun the fetch (the file is downloaded again); if it persists, ' +
          'the archive or mirror (--base-url) serves a damaged file',
        'E_FETCH_CHECKSUM',
      );
    }
    const bytes = fs.statSync(tmpZip).size;
    fs.renameSync(tmpSum, p.checksum);
    fs.renameSync(tmpZip, p.zip);
    return { file: f, zip: p.zip, state: 'downloaded', bytes };
  } finally {
    fs.rmSync(tmpSum, { force: true });
    fs.rmSync(tmpZip, { force: true });
  }
}

/** Temp files of this archive file left by a killed fetch (their PID is gone). */
function removeStaleParts(dir: string, name: string): void {
  for (const entry of fs.readdirSync(dir)) {
    const m = /\.part-(\d+)$/.exec(entry);
    if (!m || !entry.startsWith(`${name}.zip`) || pidAlive(Number(m[1]))) continue;
    fs.rmSync(path.join(dir, entry), { force: true });
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when downloaded, false on 404; throws on anything else once retries are spent. */
async function get(url: string, dest: string, o: DownloadOptions): Promise<boolean> {
  let last = '';
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    if (attempt > 0) {
      const wait = o.backoffMs * 2 ** (attempt - 1);
      o.onRetry?.(`${url}: ${last}; retry ${attempt}/${o.retries} in ${wait / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
    }
    const r: GetResult = await httpGet(url, dest, { timeoutMs: o.timeoutMs, onBytes: o.onBytes });
    if (r.kind === 'ok') return true;
    if (r.kind === 'local') throw r.error;
    if (r.kind === 'unreachable') throw noNetwork(url, r.why);
    if (r.kind === 'status' && r.status === 404) return false;
    if (r.kind === 'status' && r.status < 500 && r.status !== 429 && r.status !== 408) {
      throw new ForgeError(
        `${url}: HTTP ${r.status}`,
        'check --base-url and the symbol; the archive answers 200 or 404 for kline files',
        'E_FETCH_HTTP',
      );
    }
    last = r.kind === 'status' ? `HTTP ${r.status}` : r.why;
  }
  throw new ForgeError(
    `${url}: ${last} after ${o.retries + 1} attempts; nothing was imported ` +
      '(files fetched so far are cached and are not downloaded again)',
    'rerun the same command later, or raise --retries / --timeout',
    'E_FETCH_RETRIES',
  );
}

export function noNetwork(url: string, why: string): ForgeError {
  return new ForgeError(
    `cannot reach the candle archive: GET ${url} failed (${why}); nothing was imported`,
    'check the network or --base-url (env FORGE_ARCHIVE_URL), or import ' +
      'a CSV instead: forge data import FILE --symbol SYMBOL --tf TF',
    'E_NO_NETWORK',
  );
}
