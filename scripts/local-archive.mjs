// A candle archive on 127.0.0.1 for scripts and benches that run `forge data fetch` without the
// internet: monthly kline zips in data.binance.vision's layout, each with its .CHECKSUM, served by
// node:http on a free port. (The tests' archive, test/helpers/archive-server.ts, adds per-path faults.)
import crypto from 'node:crypto';
import http from 'node:http';
import { zipSync } from 'fflate';

/**
 * The monthly spot files of `symbol` at `tf` (tfMs apart) for the months [fromYear-fromMonth, toYear-toMonth),
 * with prices from `price(t, i)`: { files: Map<url path, Buffer>, bars, bytes }.
 */
export function monthlyKlines({ symbol, tf, tfMs, from, to, price }) {
  const files = new Map();
  let bars = 0;
  let bytes = 0;
  for (let m = new Date(from); m < new Date(to); m.setUTCMonth(m.getUTCMonth() + 1)) {
    const month = m.toISOString().slice(0, 7);
    const name = `${symbol}-${tf}-${month}`;
    const end = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1);
    const lines = [];
    for (let t = m.getTime(), i = 0; t < end; t += tfMs, i++) {
      const p = Number(price(t, i).toFixed(2));
      const row = [t, p.toFixed(2), (p + 25).toFixed(2), (p - 25).toFixed(2), (p + 3).toFixed(2), 12.5];
      lines.push([...row, t + tfMs - 1, 375000, 900, 6, 187000, 0].join(','));
    }
    bars += lines.length;
    const zip = Buffer.from(zipSync({ [`${name}.csv`]: Buffer.from(`${lines.join('\n')}\n`) }));
    bytes += zip.length;
    const url = `/data/spot/monthly/klines/${symbol}/${tf}/${name}.zip`;
    const sum = crypto.createHash('sha256').update(zip).digest('hex');
    files.set(url, zip);
    files.set(`${url}.CHECKSUM`, Buffer.from(`${sum}  ${name}.zip\n`));
  }
  return { files, bars, bytes };
}

/** Serves `files` (url path -> body; anything else 404) until close(): { baseUrl, requests, close }. */
export async function serveArchive(files) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
