import fs from 'node:fs';
import path from 'node:path';
import { type DigestMap, DigestTable, type DigestWords } from './digest-table.js';

// A DigestMap (digest-table.ts) that keeps nothing per entry in the process: a hash table of 4 KiB
// buckets in an unlinked file, read and written one bucket at a time.
//
// Why on disk: a search's evaluated set is legitimately O(evaluations) (forgetting a play would evaluate
// it again and change results), and a night at ~4,400 distinct evaluations a second is ~127 M entries.
// In memory that was ~10 bytes an entry even with the entries spilled (the slots: 1.3 GB a night, most
// of a 10-minute run's RSS growth; bench/RESULTS.md, issue 10 point 9). Here the process holds a cache
// of CACHED buckets (1 MiB) whatever the size; the file's pages sit in the kernel's page cache, which is
// not process memory and which the kernel may drop under pressure. A lookup outside the cache is one
// 4 KiB pread (a few microseconds from the page cache), a new entry one 4 KiB pwrite more; the GA makes
// a few hundred a generation, far from the evaluation's hot path.
//
// Layout: bucket i holds the keys whose first word, scaled to the bucket count, is i (keys are SHA-1
// prefixes: uniform, no hashing needed). A bucket is a uint32 count and up to CAPACITY entries of
// (word 0, word 1, word 2: uint32; value: float64), words in the host's order (the file never leaves
// the process that wrote it). A full bucket overflows into the
// next one (wrapping at the end), so a lookup goes on past full buckets only. The table doubles at
// MAX_LOAD; since floor(2x) is 2 floor(x) or one more, bucket i's keys go to buckets 2i and 2i + 1, so
// growing is one sequential pass over the old file into the new one.

const BUCKET = 4096;
const ENTRY = 20;
const CAPACITY = Math.floor((BUCKET - 4) / ENTRY); // 204
const MAX_LOAD = 0.75;
const MIN_BUCKETS = 16;
/** Old buckets read per step while growing (the new ones staged: twice as many). */
const GROW_CHUNK = 64;
/**
 * Buckets kept in memory (direct-mapped by index, written through): a new play is asked for and then
 * added, and the add finds its bucket here.
 */
const CACHED = 64;
/**
 * Keys set or found recently, in memory: two tables of up to `recent` keys, the older dropped when the
 * newer fills. Most asks are about plays of the last few generations or the population's elites
 * (breeding proposes clones of them hundreds of times a generation), and these are answered without
 * touching the file; a key found in the file moves back in.
 */
export interface DigestFileOptions {
  /** Keys in each of the two recent tables (tests set a few to make the file answer). */
  readonly recent: number;
}

const DEFAULTS: DigestFileOptions = { recent: 32_768 };

/** Files this process has opened: part of each name, so two tables in one folder never meet. */
let opened = 0;

export class DigestFile implements DigestMap {
  private fd: number;
  private buckets = MIN_BUCKETS;
  private count = 0;
  private readonly cache = Buffer.alloc(CACHED * BUCKET);
  /** The cache as words: a bucket's count and its entries' key words are 4-byte aligned. */
  private readonly words = wordsOf(this.cache);
  /** Which bucket each cache line holds (-1: none). */
  private readonly tags = new Int32Array(CACHED).fill(-1);
  /** The cache line find() ended on. */
  private line = 0;
  private young = new DigestTable();
  private old = new DigestTable();
  private readonly dir: string;
  private readonly options: DigestFileOptions;

  constructor(dir: string, options: Partial<DigestFileOptions> = {}) {
    this.dir = dir;
    this.options = { ...DEFAULTS, ...options };
    if (!(Number.isInteger(this.options.recent) && this.options.recent >= 0))
      throw new Error(`internal: DigestFile recent: got ${this.options.recent}, expected an integer >= 0`);
    this.fd = this.openFile(this.buckets);
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.buckets * CAPACITY;
  }

  /** Bytes held in the process: the caches, bounded whatever the size; the file is the kernel's. */
  get bytes(): number {
    return this.cache.length + this.young.bytes + this.old.bytes;
  }

  get(key: DigestWords): number | undefined {
    const recent = this.recent(key);
    if (recent !== undefined) return recent;
    const at = this.find(key[0], key[1], key[2]);
    if (at < 0) return undefined;
    const value = this.cache.readDoubleLE(at + 12);
    this.remember(key, value);
    return value;
  }

  has(key: DigestWords): boolean {
    return this.get(key) !== undefined;
  }

  set(key: DigestWords, value: number, overwrite = false): void {
    if (!overwrite && this.recent(key) !== undefined) return;
    const [a, b, c] = key;
    const at = this.find(a, b, c);
    if (at >= 0) {
      if (overwrite) {
        this.cache.writeDoubleLE(value, at + 12);
        this.writeLine();
      } else value = this.cache.readDoubleLE(at + 12);
      this.remember(key, value);
      return;
    }
    if (this.count + 1 > MAX_LOAD * this.capacity) {
      this.grow();
      this.find(a, b, c);
    }
    this.append(a, b, c, value);
    this.remember(key, value);
  }

  /** Adds a key find() just missed to the bucket find() ended on: the first with room on its path. */
  private append(a: number, b: number, c: number, value: number): void {
    const base = this.line * BUCKET;
    const n = this.words[base >> 2];
    putEntry(this.cache, this.words, base + 4 + n * ENTRY, a, b, c, value);
    this.words[base >> 2] = n + 1;
    this.writeLine();
    this.count++;
  }

  /** The value of a recent key (undefined: not recent; NaN and infinities are values). */
  private recent(key: DigestWords): number | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  /** Keeps a key's current value among the recent ones (overwriting: the file's value is the truth). */
  private remember(key: DigestWords, value: number): void {
    if (this.young.size >= this.options.recent && !this.young.has(key)) {
      this.old = this.young;
      this.young = new DigestTable();
    }
    this.young.set(key, value, true);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  private home(a: number, buckets: number): number {
    // min() guards the last bucket against rounding at huge sizes.
    return Math.min(buckets - 1, Math.floor((a * buckets) / 4294967296));
  }

  /**
   * The byte offset in the cache of the key's entry, whose bucket's line find() ends on; or -1, ending
   * on the line of the first bucket on the key's path that has room.
   */
  private find(a: number, b: number, c: number): number {
    const words = this.words;
    let i = this.home(a, this.buckets);
    for (;;) {
      const w = this.load(i) * (BUCKET >> 2);
      const n = words[w];
      if (n > CAPACITY) throw new Error(`internal: evaluated-set bucket ${i} holds ${n} entries (at most ${CAPACITY})`);
      for (let k = w + 1, end = w + 1 + n * (ENTRY >> 2); k < end; k += ENTRY >> 2)
        if (words[k] === a && words[k + 1] === b && words[k + 2] === c) return k << 2;
      if (n < CAPACITY) return -1;
      i = i + 1 === this.buckets ? 0 : i + 1;
    }
  }

  /** Bucket i's cache line, read from the file unless the line holds it already. */
  private load(i: number): number {
    const line = i % CACHED;
    this.line = line;
    if (this.tags[line] === i) return line;
    this.tags[line] = -1; // a failed read must not leave the line marked as holding bucket i
    readFully(this.fd, this.cache.subarray(line * BUCKET, (line + 1) * BUCKET), i * BUCKET);
    this.tags[line] = i;
    return line;
  }

  private writeLine(): void {
    const line = this.line;
    writeFully(this.fd, this.cache.subarray(line * BUCKET, (line + 1) * BUCKET), this.tags[line] * BUCKET);
  }

  /**
   * Twice the buckets, in a new file: old buckets are read GROW_CHUNK at a time and their entries staged
   * into the new buckets they map to. The rare entry whose new bucket was written already or is full
   * (it overflowed, or wrapped around the end) is set again afterwards, by the usual path.
   */
  private grow(): void {
    const buckets = this.buckets * 2;
    const fd = this.openFile(buckets);
    const old = Buffer.alloc(GROW_CHUNK * BUCKET);
    const oldWords = wordsOf(old);
    const staged = Buffer.alloc(2 * GROW_CHUNK * BUCKET);
    const stagedWords = wordsOf(staged);
    const late: [number, number, number, number][] = [];
    try {
      for (let first = 0; first < this.buckets; first += GROW_CHUNK) {
        const chunk = Math.min(GROW_CHUNK, this.buckets - first);
        readFully(this.fd, old.subarray(0, chunk * BUCKET), first * BUCKET);
        staged.fill(0);
        for (let j = 0; j < chunk; j++) {
          const base = j * BUCKET;
          const n = oldWords[base >> 2];
          for (let at = base + 4, end = base + 4 + n * ENTRY; at < end; at += ENTRY) {
            const a = oldWords[at >> 2];
            const b = oldWords[(at >> 2) + 1];
            const c = oldWords[(at >> 2) + 2];
            const value = old.readDoubleLE(at + 12);
            const k = this.home(a, buckets) - 2 * first;
            const m = k >= 0 && k < 2 * chunk ? stagedWords[(k * BUCKET) >> 2] : CAPACITY;
            if (m === CAPACITY) {
              late.push([a, b, c, value]);
              continue;
            }
            putEntry(staged, stagedWords, k * BUCKET + 4 + m * ENTRY, a, b, c, value);
            stagedWords[(k * BUCKET) >> 2] = m + 1;
          }
        }
        writeFully(fd, staged.subarray(0, 2 * chunk * BUCKET), 2 * first * BUCKET);
      }
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    fs.closeSync(this.fd);
    this.fd = fd;
    this.buckets = buckets;
    this.tags.fill(-1);
    this.count -= late.length;
    for (const [a, b, c, value] of late) {
      this.find(a, b, c);
      this.append(a, b, c, value);
    }
  }

  /** A zero-filled file of `buckets` buckets in `dir`, unlinked once open: no crash leaves it behind. */
  private openFile(buckets: number): number {
    const file = path.join(this.dir, `.evaluated-${process.pid}-${Date.now().toString(36)}-${opened++}.bin`);
    const fd = fs.openSync(file, 'wx+');
    try {
      fs.unlinkSync(file);
      // Sparse: zero-filled buckets (count 0) without writing them.
      fs.ftruncateSync(fd, buckets * BUCKET);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
    return fd;
  }
}

const wordsOf = (buf: Buffer) => new Uint32Array(buf.buffer, buf.byteOffset, buf.length >> 2);

/** Writes an entry at byte `at` of `buf` (`words` is its word view: counts and keys in native order). */
function putEntry(buf: Buffer, words: Uint32Array, at: number, a: number, b: number, c: number, value: number): void {
  words[at >> 2] = a;
  words[(at >> 2) + 1] = b;
  words[(at >> 2) + 2] = c;
  buf.writeDoubleLE(value, at + 12);
}

function readFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) throw new Error(`internal: evaluated-set file ends before byte ${position + buf.length}`);
    done += n;
  }
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}
