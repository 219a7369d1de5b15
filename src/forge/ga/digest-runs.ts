import fs from 'node:fs';
import path from 'node:path';
import { type DigestMap, DigestTable, type DigestWords } from './digest-table.js';

// A DigestMap for a search's evaluated set that holds ~1.5-3 bytes an entry in the process, whatever
// the run's length, and writes its files sequentially.
//
// Why: the set is legitimately O(evaluations) (forgetting a play would evaluate it again and change
// results); a night at ~4,400 distinct evaluations a second is ~127 M entries. In-memory slots cost
// ~10 bytes each (1.3 GB a night; most of a 10-minute run's RSS growth), and a hash table on disk
// dirtied a random 4 KiB page per new play, so the kernel wrote the whole file back every writeback
// interval (bench/RESULTS.md, issue 10 point 9).
//
// How (a small log-structured merge tree): new keys go to `pending`, in memory; when it holds
// `pending` keys they are sorted and written as a run file, and runs of similar size are merged (each
// merge one sequential pass), so there are about log2(entries / pending) runs. Each run keeps the first
// key of every block of BLOCK entries in memory (0.06 bytes an entry), so finding a key in a run is one
// pread of a block. A blocked Bloom filter over every key in the runs (FILTER_BITS bits a key, rebuilt
// twice as large from the runs when they outgrow it) answers most asks for keys never set without
// reading anything: breeding's ~460 asks a generation are mostly such keys. Hits on keys set long ago,
// and the filter's ~1 % false positives, read one block per run until found.

/** Entry: key words 0, 1, 2 (uint32) and the value (float64), little-endian; runs sorted by key. */
const ENTRY = 20;
const BLOCK = 204;
/** Bits of filter per key at the filter's fullest (rebuilt larger past that): ~1 % false positives. */
const FILTER_BITS = 12;
/** Filter blocks are 512 bits (16 words): one cache line per key. */
const FILTER_BLOCK_WORDS = 16;
/** Entries read or written per step of a merge or a filter rebuild. */
const STREAM = 4096;

export interface DigestRunsOptions {
  /** Keys held in memory before they are written as a run. */
  readonly pending: number;
}

const DEFAULTS: DigestRunsOptions = { pending: 65_536 };

/** Files this process has opened: part of each name, so two tables in one folder never meet. */
let opened = 0;

interface Run {
  readonly fd: number;
  readonly count: number;
  /** The first key of each block, three words a block. */
  readonly index: Uint32Array;
}

/** -1, 0, 1 as key (a, b, c) sorts before, with or after key (x, y, z). */
const compare = (a: number, b: number, c: number, x: number, y: number, z: number): number =>
  a !== x ? (a < x ? -1 : 1) : b !== y ? (b < y ? -1 : 1) : c !== z ? (c < z ? -1 : 1) : 0;

export class DigestRuns implements DigestMap {
  private pending = new DigestTable();
  /** Oldest first. */
  private runs: Run[] = [];
  private filter = new Int32Array(FILTER_BLOCK_WORDS);
  /** Keys in the runs the filter was sized for (keys in runs can repeat: overwritten values). */
  private filterKeys = 0;
  private runKeys = 0;
  private count = 0;
  private readonly block = Buffer.alloc(BLOCK * ENTRY);
  private readonly options: DigestRunsOptions;

  constructor(
    private readonly dir: string,
    options: Partial<DigestRunsOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    if (!(Number.isInteger(this.options.pending) && this.options.pending >= 1))
      throw new Error(`internal: DigestRuns pending: got ${this.options.pending}, expected an integer >= 1`);
    this.sizeFilter(this.options.pending);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held in the process: pending keys (bounded), the filter and the runs' block indexes. */
  get bytes(): number {
    return this.pending.bytes + this.filter.byteLength + this.runs.reduce((s, r) => s + r.index.byteLength, 0);
  }

  get(key: DigestWords): number | undefined {
    const v = this.pending.get(key);
    if (v !== undefined || !this.mayHave(key[0], key[1], key[2])) return v;
    for (let r = this.runs.length - 1; r >= 0; r--) {
      const found = this.find(this.runs[r], key[0], key[1], key[2]);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  has(key: DigestWords): boolean {
    return this.get(key) !== undefined;
  }

  set(key: DigestWords, value: number, overwrite = false): void {
    const known = this.get(key) !== undefined;
    if (known && !overwrite) return;
    if (!known) this.count++;
    // An overwritten key sits in a newer place than its old value, which lookups reach first and merges keep.
    this.pending.set(key, value, true);
    if (this.pending.size >= this.options.pending) this.flush();
  }

  close(): void {
    for (const r of this.runs) fs.closeSync(r.fd);
    this.runs = [];
  }

  private mayHave(a: number, b: number, c: number): boolean {
    return this.filterBits(a, b, c, false);
  }

  private addToFilter(a: number, b: number, c: number): void {
    this.filterBits(a, b, c, true);
  }

  /**
   * Whether a key's six bits are all set in the filter, setting them first when `set`: one 512-bit
   * block chosen by word 1, three bits from word 2 and three from word 0, nine bits apart (the three
   * words of a SHA-1 digest are independent and uniform).
   */
  private filterBits(a: number, b: number, c: number, set: boolean): boolean {
    const f = this.filter;
    const base = (b & (f.length / FILTER_BLOCK_WORDS - 1)) * FILTER_BLOCK_WORDS;
    let all = true;
    for (let k = 0; k < 6; k++) {
      const w = k < 3 ? c : a;
      const shift = 9 * (k % 3);
      const word = base + ((w >>> (shift + 5)) & 15);
      const bit = 1 << ((w >>> shift) & 31);
      if (set) f[word] |= bit;
      else if ((f[word] & bit) === 0) all = false;
    }
    return all;
  }

  /** An empty filter for `keys` keys at FILTER_BITS bits each, rounded up to a power of two of blocks. */
  private sizeFilter(keys: number): void {
    let blocks = 1;
    while (blocks * FILTER_BLOCK_WORDS * 32 < keys * FILTER_BITS) blocks *= 2;
    this.filter = new Int32Array(blocks * FILTER_BLOCK_WORDS);
    this.filterKeys = (blocks * FILTER_BLOCK_WORDS * 32) / FILTER_BITS;
  }

  /** The value of key (a, b, c) in `run`, or undefined: one block read, found by the block index. */
  private find(run: Run, a: number, b: number, c: number): number | undefined {
    const idx = run.index;
    // The last block whose first key is <= the key.
    let lo = 0;
    let hi = idx.length / 3 - 1;
    if (compare(a, b, c, idx[0], idx[1], idx[2]) < 0) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compare(a, b, c, idx[3 * mid], idx[3 * mid + 1], idx[3 * mid + 2]) >= 0) lo = mid;
      else hi = mid - 1;
    }
    const n = Math.min(BLOCK, run.count - lo * BLOCK);
    readFully(run.fd, this.block, n * ENTRY, lo * BLOCK * ENTRY);
    let l = 0;
    let h = n - 1;
    while (l <= h) {
      const m = (l + h) >> 1;
      const at = m * ENTRY;
      const cmp = compare(
        this.block.readUInt32LE(at),
        this.block.readUInt32LE(at + 4),
        this.block.readUInt32LE(at + 8),
        a,
        b,
        c,
      );
      if (cmp === 0) return this.block.readDoubleLE(at + 12);
      if (cmp < 0) l = m + 1;
      else h = m - 1;
    }
    return undefined;
  }

  /** Writes the pending keys as a run, then merges runs of similar size. */
  private flush(): void {
    const n = this.pending.size;
    const keys = new Uint32Array(3 * n);
    const values = new Float64Array(n);
    let k = 0;
    this.pending.forEach((a, b, c, value) => {
      keys[3 * k] = a;
      keys[3 * k + 1] = b;
      keys[3 * k + 2] = c;
      values[k++] = value;
    });
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
      compare(keys[3 * i], keys[3 * i + 1], keys[3 * i + 2], keys[3 * j], keys[3 * j + 1], keys[3 * j + 2]),
    );
    const out = new RunWriter(this.dir);
    try {
      for (const i of order) out.add(keys[3 * i], keys[3 * i + 1], keys[3 * i + 2], values[i]);
      this.runs.push(out.finish());
    } catch (e) {
      out.abandon();
      throw e;
    }
    this.runKeys += n;
    if (this.runKeys > this.filterKeys) this.rebuildFilter();
    else for (let i = 0; i < n; i++) this.addToFilter(keys[3 * i], keys[3 * i + 1], keys[3 * i + 2]);
    this.pending = new DigestTable();
    // Merging while the newer run is at least half the older keeps ~log2(entries / pending) runs and
    // writes each entry ~log2(entries / pending) times, all sequentially.
    while (this.runs.length >= 2 && 2 * this.runs[this.runs.length - 1].count >= this.runs[this.runs.length - 2].count)
      this.mergeLastTwo();
  }

  private rebuildFilter(): void {
    this.sizeFilter(this.runKeys); // rounded up to a power of two: 12-24 bits a key until the next rebuild
    for (const run of this.runs) for (const r = new RunReader(run); !r.done; r.next()) this.addToFilter(r.a, r.b, r.c);
  }

  /** Merges the two newest runs into one; on equal keys the newer run's value wins. */
  private mergeLastTwo(): void {
    const newer = this.runs[this.runs.length - 1];
    const older = this.runs[this.runs.length - 2];
    const out = new RunWriter(this.dir);
    try {
      const x = new RunReader(older);
      const y = new RunReader(newer);
      while (!x.done || !y.done) {
        const cmp = x.done ? 1 : y.done ? -1 : compare(x.a, x.b, x.c, y.a, y.b, y.c);
        if (cmp < 0) {
          out.add(x.a, x.b, x.c, x.value);
          x.next();
        } else {
          out.add(y.a, y.b, y.c, y.value);
          if (cmp === 0) x.next();
          y.next();
        }
      }
      const merged = out.finish();
      fs.closeSync(newer.fd);
      fs.closeSync(older.fd);
      this.runs.splice(this.runs.length - 2, 2, merged);
      this.runKeys -= older.count + newer.count - merged.count;
    } catch (e) {
      out.abandon();
      throw e;
    }
  }
}

/** Streams a run's entries in order, STREAM at a time (merges, filter rebuilds). */
class RunReader {
  a = 0;
  b = 0;
  c = 0;
  value = 0;
  done = false;
  private readonly buf = Buffer.alloc(STREAM * ENTRY);
  private pos = -1;
  private loaded = 0;
  private start = 0;

  constructor(private readonly run: Run) {
    this.next();
  }

  next(): void {
    this.pos++;
    if (this.pos >= this.start + this.loaded) {
      this.start += this.loaded;
      this.loaded = Math.min(STREAM, this.run.count - this.start);
      if (this.loaded <= 0) {
        this.done = true;
        return;
      }
      readFully(this.run.fd, this.buf, this.loaded * ENTRY, this.start * ENTRY);
    }
    const at = (this.pos - this.start) * ENTRY;
    this.a = this.buf.readUInt32LE(at);
    this.b = this.buf.readUInt32LE(at + 4);
    this.c = this.buf.readUInt32LE(at + 8);
    this.value = this.buf.readDoubleLE(at + 12);
  }
}

/** Writes a run's entries in order to an unlinked file (no crash leaves it behind), building its index. */
class RunWriter {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(STREAM * ENTRY);
  private buffered = 0;
  private count = 0;
  private index: number[] = [];

  constructor(dir: string) {
    const file = path.join(dir, `.evaluated-${process.pid}-${Date.now().toString(36)}-${opened++}.run`);
    this.fd = fs.openSync(file, 'wx+');
    try {
      fs.unlinkSync(file);
    } catch (e) {
      fs.closeSync(this.fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
  }

  add(a: number, b: number, c: number, value: number): void {
    if (this.count % BLOCK === 0) this.index.push(a, b, c);
    const at = this.buffered * ENTRY;
    this.buf.writeUInt32LE(a, at);
    this.buf.writeUInt32LE(b, at + 4);
    this.buf.writeUInt32LE(c, at + 8);
    this.buf.writeDoubleLE(value, at + 12);
    this.count++;
    if (++this.buffered === STREAM) this.flush();
  }

  finish(): Run {
    this.flush();
    return { fd: this.fd, count: this.count, index: Uint32Array.from(this.index) };
  }

  abandon(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* the first error is the one to report */
    }
  }

  private flush(): void {
    const length = this.buffered * ENTRY;
    const position = (this.count - this.buffered) * ENTRY;
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, this.buf, done, length - done, position + done);
    this.buffered = 0;
  }
}

function readFully(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new Error(`internal: evaluated-set run ends before byte ${position + length}`);
    done += n;
  }
}
