#!/usr/bin/env node
// Issue 14 point 7's overhead figure, established: node bench/distributed-series.mjs [--runs 8]
// [--generations 30]. Runs bench/distributed.mjs --json that many times, alternating which side goes
// first, one line per run, then the median and the range of the wall and CPU overheads. Why a series:
// on this class of machine the speed drifts 5-20 % between minutes, so one run's overhead (local vs
// distributed, measured a few seconds apart) scatters by more than the 10 % target; the median of
// alternating runs cancels the drift's order effect. Build first (`npm run build`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const runs = arg('runs', 8);
const generations = arg('generations', 30);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const rows = [];
for (let r = 0; r < runs; r++) {
  const args = [path.join(here, 'distributed.mjs'), '--generations', String(generations), '--json'];
  if (r % 2 === 1) args.push('--remote-first');
  const p = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (p.status !== 0) {
    process.stderr.write(`run ${r + 1} failed (exit ${p.status}):\n${p.stderr}${p.stdout}`);
    process.exit(1);
  }
  const j = JSON.parse(p.stdout);
  const L = j.local2Threads;
  const R = j.redis2Workers;
  const queueCpu = R.cpuMsByProcess.coordinator.main + R.cpuMsByProcess['redis-server'].main;
  rows.push({ wall: j.overheadShare, cpu: j.cpuOverheadShare, same: j.sameRecords });
  console.log(
    `${j.date} ${j.order.padEnd(23)} load ${j.load1AtStart.local}/${j.load1AtStart.distributed}` +
      ` | local ${L.wallMs} ms, ${L.cpuMs} ms CPU | distributed ${R.wallMs} ms, ${R.cpuMs} ms CPU` +
      ` (coordinator + redis ${queueCpu}) | overhead wall ${pct(j.overheadShare)}, CPU ${pct(j.cpuOverheadShare)}` +
      ` | same records ${j.sameRecords}`,
  );
}
const wall = rows.map((r) => r.wall);
const cpu = rows.map((r) => r.cpu);
console.log(
  `${runs} runs of ${generations} generations: wall overhead median ${pct(median(wall))}` +
    ` (${pct(Math.min(...wall))} to ${pct(Math.max(...wall))}), CPU overhead median ${pct(median(cpu))}` +
    ` (${pct(Math.min(...cpu))} to ${pct(Math.max(...cpu))}); records identical in ${rows.filter((r) => r.same).length} of ${runs}`,
);
if (rows.some((r) => !r.same)) process.exitCode = 1;
