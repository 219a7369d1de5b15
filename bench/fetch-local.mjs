// forge data fetch throughput without the internet: a node:http archive on 127.0.0.1 serving the
// main dataset's shape (BTCUSDT 15m, 2021-2024: 48 monthly zips, 140,256 bars of synthetic candles),
// then the same fetch again from the cache. Run after `npm run build`: node bench/fetch-local.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { fetchCandles } from '../dist/forge/fetch/fetch.js';
import { forgeHome } from '../dist/forge/home.js';

const M15 = 900_000;
const files = new Map();
let bytes = 0;
for (let y = 2021; y <= 2024; y++) {
  for (let m = 0; m < 12; m++) {
    const name = `BTCUSDT-15m-${y}-${String(m + 1).padStart(2, '0')}`;
    const lines = [];
    for (let t = Date.UTC(y, m, 1), i = 0; t < Date.UTC(y, m + 1, 1); t += M15, i++) {
      const p = (30000 + 5000 * Math.sin(t / 9e9) + 40 * Math.sin(i / 7)).toFixed(2);
      lines.push(
        [
          t,
          p,
          (+p + 25).toFixed(2),
          (+p - 25).toFixed(2),
          (+p + 3).toFixed(2),
          12.5,
          t + M15 - 1,
          375000,
          900,
          6,
          187000,
          0,
        ].join(','),
      );
    }
    const zip = Buffer.from(zipSync({ [`${name}.csv`]: Buffer.from(lines.join('\n') + '\n') }));
    bytes += zip.length;
    const p = `/data/spot/monthly/klines/BTCUSDT/15m/${name}.zip`;
    files.set(p, zip);
    files.set(`${p}.CHECKSUM`, Buffer.from(`${crypto.createHash('sha256').update(zip).digest('hex')}  ${name}.zip\n`));
  }
}
const server = http.createServer((req, res) => {
  const body = files.get(req.url ?? '');
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-length': body.length }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const home = forgeHome(fs.mkdtempSync(path.join(os.tmpdir(), 'forge-fetch-bench-')));
const opts = {
  symbol: 'BTCUSDT',
  tf: '15m',
  from: Date.UTC(2021, 0, 1),
  to: Date.UTC(2025, 0, 1),
  baseUrl,
  now: Date.UTC(2025, 5, 1),
};
for (const label of ['download + verify + import', 'rerun from the cache (import unchanged)']) {
  const t0 = performance.now();
  const r = await fetchCandles(home, opts);
  const ms = performance.now() - t0;
  console.log(
    `${label}: ${r.files} files (${(bytes / 1e6).toFixed(1)} MB), ${r.import.rowsRead} bars, ${r.downloaded} downloaded, ${r.cached} cached, inserted ${r.import.inserted}, unchanged ${r.import.unchanged}: ${(ms / 1000).toFixed(2)} s`,
  );
}
server.close();
fs.rmSync(home.root, { recursive: true, force: true });
