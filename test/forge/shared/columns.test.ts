import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { arrowTable } from '../../../src/forge/distributed/arrow-table.js';
import { shareFeeds, sharedFeeds } from '../../../src/forge/shared/columns.js';
import { randomFeed } from '../../helpers/random-feed.js';

// The worker is plain JavaScript so this test needs no build step; it does what the pool's workers
// do: view the posted SharedArrayBuffers as Float64Arrays without copying.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const close = new Float64Array(workerData.timeframes[0].buffers.close);
parentPort.on('message', (msg) => {
  if (msg === 'read') parentPort.postMessage({ first: close[0], last: close[close.length - 1], shared: close.buffer instanceof SharedArrayBuffer });
  if (msg === 'write') { close[1] = -42; parentPort.postMessage('written'); }
});
`;

/** The worker's answer to 'read' (to 'write' it answers the string 'written'). */
interface Seen {
  first: number;
  last: number;
  shared: boolean;
}

function ask(worker: Worker, msg: string): Promise<Seen> {
  return new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(msg);
  });
}

describe('shared dataset columns', () => {
  it('gives Arrow tables and feeds that alias the shared buffers (no copy)', () => {
    const feed = randomFeed(1000, 'shared');
    const shared = shareFeeds('T', 'hash', { '1h': feed });
    const feeds = sharedFeeds(shared);
    expect(feeds['1h'].close.buffer).toBe(shared.timeframes[0].buffers.close);
    expect(Array.from(feeds['1h'].close)).toEqual(Array.from(feed.close));
    const table = arrowTable(shared.timeframes[0]);
    expect(table.numRows).toBe(1000);
    expect(table.getChild('high')!.get(10)).toBe(feed.high[10]);
    // The source arrays are not the shared ones: sharing copies once, then never again.
    expect(feeds['1h'].close.buffer).not.toBe(feed.close.buffer);
  });

  it('a worker thread sees the main thread memory itself, in both directions', async () => {
    const shared = shareFeeds('T', 'hash', { '1h': randomFeed(5000, 'w') });
    const worker = new Worker(WORKER, { eval: true, workerData: shared });
    try {
      const mainClose = sharedFeeds(shared)['1h'].close;
      mainClose[0] = 12345.5; // written after the worker received the buffers
      const seen = await ask(worker, 'read');
      expect(seen.first).toBe(12345.5);
      expect(seen.last).toBe(mainClose[4999]);
      expect(seen.shared).toBe(true);
      await ask(worker, 'write');
      expect(mainClose[1]).toBe(-42); // the worker's write is visible here: same memory, not a copy
    } finally {
      await worker.terminate();
    }
  });
});
