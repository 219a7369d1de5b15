// Preloaded by bench/rss-breakdown.mjs (`node --import`): every 200 ms the main thread appends one
// JSON line to $FORGE_RSS_SAMPLES with the process's resident memory from /proc/self/status (whole
// process: every thread) and the main isolate's heap. Worker threads load it too and, every second,
// append their own isolate's heap as {w: threadId, role, heapTotal, heapUsed} (role: the run writer,
// whose workerData is the play's genes, or 'other', e.g. the dataset loader; the evaluation pool's
// workers are started without the preload, so their heaps come from the run's peakWorkerHeapBytes).
import fs from 'node:fs';
import { isMainThread, threadId, workerData } from 'node:worker_threads';

const out = process.env.FORGE_RSS_SAMPLES;
if (isMainThread && out) {
  const t0 = performance.now();
  const mib = (bytes) => Math.round((bytes / 1024 ** 2) * 10) / 10;
  const sample = () => {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
    const m = process.memoryUsage();
    const line = {
      s: Math.round(performance.now() - t0) / 1000,
      rss: mib(kib('VmRSS') * 1024),
      hwm: mib(kib('VmHWM') * 1024),
      anon: mib(kib('RssAnon') * 1024),
      file: mib(kib('RssFile') * 1024),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      arrayBuffers: mib(m.arrayBuffers),
    };
    fs.appendFileSync(out, `${JSON.stringify(line)}\n`);
  };
  setInterval(sample, 200).unref();
  process.on('exit', sample);
}
if (!isMainThread && out) {
  const role = workerData !== null && typeof workerData === 'object' && 'genes' in workerData ? 'writer' : 'other';
  const mib = (bytes) => Math.round((bytes / 1024 ** 2) * 10) / 10;
  const sample = () => {
    const m = process.memoryUsage();
    fs.appendFileSync(
      out,
      `${JSON.stringify({ w: threadId, role, heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed) })}\n`,
    );
  };
  setInterval(sample, 1000).unref();
}
