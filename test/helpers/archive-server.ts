import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';

// A stand-in for data.binance.vision on 127.0.0.1 (a free port): serves kline zips and their
// .CHECKSUM files in the archive's layout, built in the test, with per-path faults. Nothing in the
// fetch tests reaches any other address.

export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type Fault =
  | { kind: 'status'; status: number; times: number }
  | { kind: 'redirect'; to: string }
  /** Accept the request and never answer (until the server closes). */
  | { kind: 'stall'; onRequest?: () => void };

export class ArchiveServer {
  readonly files = new Map<string, Buffer>();
  readonly faults = new Map<string, Fault>();
  readonly requests: string[] = [];
  private server!: http.Server;
  private readonly held = new Set<http.ServerResponse>();
  baseUrl = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req.url ?? '', res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(url: string, res: http.ServerResponse): void {
    this.requests.push(url);
    const fault = this.faults.get(url);
    if (fault?.kind === 'stall') {
      this.held.add(res);
      fault.onRequest?.();
      return;
    }
    if (fault?.kind === 'redirect') {
      res.writeHead(302, { location: fault.to }).end();
      return;
    }
    if (fault?.kind === 'status' && fault.times > 0) {
      fault.times--;
      res.writeHead(fault.status).end('fault');
      return;
    }
    const body = this.files.get(url);
    if (body === undefined) {
      res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  }

  /** Publishes one archive file: NAME.zip holding NAME.csv, and NAME.zip.CHECKSUM. */
  put(
    pathNoExt: string,
    csv: string,
    o: { entryName?: string; zip?: (zip: Buffer) => Buffer; checksumOf?: Buffer } = {},
  ): void {
    const name = pathNoExt.slice(pathNoExt.lastIndexOf('/') + 1);
    let zip: Buffer = Buffer.from(zipSync({ [o.entryName ?? `${name}.csv`]: Buffer.from(csv) }));
    if (o.zip) zip = o.zip(zip);
    const sum = crypto
      .createHash('sha256')
      .update(o.checksumOf ?? zip)
      .digest('hex');
    this.files.set(`/${pathNoExt}.zip`, zip);
    this.files.set(`/${pathNoExt}.zip.CHECKSUM`, Buffer.from(`${sum}  ${name}.zip\n`));
  }
}

/** Binance kline CSV lines (no header, 12 columns); `micro`: times in microseconds like spot files from 2025. */
export function klineCsv(bars: readonly Bar[], tfMs: number, micro: boolean): string {
  const k = micro ? 1000 : 1;
  return (
    bars
      .map((b) =>
        [
          b.ts * k,
          b.open,
          b.high,
          b.low,
          b.close,
          b.volume,
          (b.ts + tfMs) * k - 1,
          b.close * b.volume,
          10,
          b.volume / 2,
          0,
          0,
        ].join(','),
      )
      .join('\n') + '\n'
  );
}

export const monthKey = (ts: number): string => new Date(ts).toISOString().slice(0, 7);
export const dayKey = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

/** Publishes bars as the archive would: monthly files for months before `now`'s month, daily files after. */
export function publish(
  server: ArchiveServer,
  bars: readonly Bar[],
  o: { symbol: string; tf: string; tfMs: number; now: number; market?: string },
): string[] {
  const root = o.market === 'futures-um' ? 'data/futures/um' : 'data/spot';
  const thisMonth = monthKey(o.now);
  const groups = new Map<string, Bar[]>();
  for (const b of bars) {
    if (b.ts >= Math.floor(o.now / 86_400_000) * 86_400_000) continue;
    const key = monthKey(b.ts) < thisMonth ? `monthly/${monthKey(b.ts)}` : `daily/${dayKey(b.ts)}`;
    const list = groups.get(key);
    if (list) list.push(b);
    else groups.set(key, [b]);
  }
  const paths: string[] = [];
  for (const [key, list] of groups) {
    const [period, date] = key.split('/');
    const p = `${root}/${period}/klines/${o.symbol}/${o.tf}/${o.symbol}-${o.tf}-${date}`;
    server.put(p, klineCsv(list, o.tfMs, o.market !== 'futures-um' && date >= '2025'));
    paths.push(p);
  }
  return paths;
}
