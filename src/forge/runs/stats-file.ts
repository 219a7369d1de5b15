import fs from 'node:fs';
import { writeFileAtomic } from '../atomic.js';
import { osError } from '../os-error.js';

// generations.json: JSON.stringify(stats, null, 2) + '\n', one entry a generation.
//
// The writer thread appends each write's new entries in place, over the closing bracket, instead of
// rewriting the file: rewritten whole, a long run's writes grew with the run (6 MB a write after 10
// minutes of pop 100 on 8,760 bars, ~300 bytes a generation) and so did the thread's copy of the text
// (bench/RESULTS.md, issue 10 point 9). A write is cheap now whatever the run's length, and the thread
// keeps two numbers, not the text.
//
// An append is not atomic: a kill during one leaves a file cut inside the new entries. The entries
// before them are intact, and the checkpoint (written after the append) never counts more generations
// than those; parseStatsText reads such a file up to its last whole entry, and a resumed run rewrites it.

const TAIL = '\n]\n';
const EMPTY = '[]\n';

/** An entry's text as JSON.stringify(array, null, 2) lays it out, with its separator. */
const entryText = (entry: unknown, first: boolean): string =>
  `${first ? '[' : ','}\n  ${JSON.stringify(entry, null, 2).replace(/\n/g, '\n  ')}`;

/** The whole file for `entries`: JSON.stringify(entries, null, 2) + '\n'. */
export function statsFileText(entries: readonly unknown[]): string {
  return entries.length === 0 ? EMPTY : entries.map((e, i) => entryText(e, i === 0)).join('') + TAIL;
}

/** The writer thread's view of generations.json: how many entries and bytes its last good write left. */
export class StatsFile {
  private count = 0;
  private bytes = 0;

  /**
   * Makes the file hold entries [0, from + entries.length): from 0 it is written whole (atomically: a
   * run's first write, or a resumed run's); otherwise `from` must be the count of the last good write
   * (a failed write is sent again from there) and the entries are appended after it.
   */
  write(file: string, from: number, entries: readonly unknown[]): void {
    if (from === 0) {
      const text = Buffer.from(statsFileText(entries));
      writeFileAtomic(file, text);
      this.count = entries.length;
      this.bytes = text.length;
      return;
    }
    if (from !== this.count) throw new Error(`internal: statistics from ${from}, ${this.count} written`);
    if (entries.length === 0) return;
    const text = Buffer.from(entries.map((e) => entryText(e, false)).join('') + TAIL);
    const at = this.bytes - TAIL.length;
    try {
      const fd = fs.openSync(file, 'r+');
      try {
        let done = 0;
        while (done < text.length) done += fs.writeSync(fd, text, done, text.length - done, at + done);
        // A failed write sent again may have left a longer, cut tail behind this one.
        fs.ftruncateSync(fd, at + text.length);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      throw osError(err, 'write', file);
    }
    this.count += entries.length;
    this.bytes = at + text.length;
  }
}

/**
 * generations.json's text parsed (for readJsonFile in read.ts); a file cut by a kill during an append
 * gives its whole entries (each ends with a line holding only "  }": nested values are indented
 * further). Anything else that does not parse throws JSON.parse's error.
 */
export function parseStatsText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const end = text.lastIndexOf('\n  }');
    if (!text.startsWith('[\n') || end <= 0) throw err;
    try {
      return JSON.parse(`${text.slice(0, end + 4)}\n]`);
    } catch {
      throw err;
    }
  }
}
