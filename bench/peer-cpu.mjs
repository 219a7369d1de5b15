// The peer workload in this thread, CPU time: node bench/peer-cpu.mjs [BUILD_DIR=dist] [passes=10]
// (build first: npm run build). The evaluator a pool worker runs (createEvaluator), over the SMA grid of
// configs/plays/peer_sma_cross.yaml on ../shared/data/BTCUSD_1h.csv, after 8 untimed passes: CPU us per
// backtest, free of the pool's messaging, to compare builds by alternating runs on a loaded machine.
import fs from 'node:fs';
import path from 'node:path';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const build = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
const passes = Number(process.argv[3] ?? 10);
const csv = process.env.FORGE_PEER_CSV ?? path.join(root, '../shared/data/BTCUSD_1h.csv');
if (!fs.existsSync(csv)) {
  console.log(`skipped: ${csv} not found (set FORGE_PEER_CSV)`);
  process.exit(0);
}
const { csvFeed } = await import(path.join(build, 'forge/csv-feed.js'));
const { createEvaluator } = await import(path.join(build, 'forge/eval/evaluator.js'));
const { peerGrid } = await import(path.join(build, 'forge/bench/peer.js'));
const feed = csvFeed(csv, '1h', 'FORGE_PEER_CSV');
const playText = fs.readFileSync(path.join(root, 'configs/plays/peer_sma_cross.yaml'), 'utf8');
const job = {
  playText,
  playFile: 'peer_sma_cross.yaml',
  cash: 10000,
  inSample: [feed.time[0], feed.time[feed.length - 1] + 1],
  outOfSample: null,
  fitness: { metric: 'sharpe' },
  cacheBytes: 256 << 20,
};
const evaluator = createEvaluator(job, { [feed.tf]: feed });
const grid = peerGrid();
for (let p = 0; p < 8; p++) for (const g of grid) evaluator.evaluate(g);
const t = process.cpuUsage();
for (let p = 0; p < passes; p++) for (const g of grid) evaluator.evaluate(g);
const u = process.cpuUsage(t);
const us = (u.user + u.system) / (passes * grid.length);
console.log(`peer, one thread: ${us.toFixed(1)} us CPU per backtest (${(1e6 / us).toFixed(0)}/s), ${feed.length} bars`);
