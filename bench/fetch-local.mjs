// forge data fetch throughput without the internet: a node:http archive on 127.0.0.1 serving the
// main dataset's shape (BTCUSDT 15m, 2021-2024: 48 monthly zips, 140,256 bars of synthetic candles),
// then the same fetch again from the cache. Run after `npm run build`: node bench/fetch-local.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchCandles } from '../dist/forge/fetch/fetch.js';
import { forgeHome } from '../dist/forge/home.js';
import { monthlyKlines, serveArchive } from '../scripts/local-archive.mjs';

const { files, bytes } = monthlyKlines({
  symbol: 'BTCUSDT',
  tf: '15m',
  tfMs: 900_000,
  from: Date.UTC(2021, 0, 1),
  to: Date.UTC(2025, 0, 1),
  price: (t, i) => 30000 + 5000 * Math.sin(t / 9e9) + 40 * Math.sin(i / 7),
});
const server = await serveArchive(files);
const baseUrl = server.baseUrl;
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
await server.close();
fs.rmSync(home.root, { recursive: true, force: true });
