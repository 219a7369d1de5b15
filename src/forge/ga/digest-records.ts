import fs from 'node:fs';
import path from 'node:path';

// The entries of a DigestTable (digest-table.ts), in insertion order: each key's last two words and its
// value. The table's slots hold only the first word and the entry's index; it reads an entry back when a
// slot's first word matches the key it looks for (a hit, or a 2^-32 chance per probed slot).
//
// In memory they cost 20 bytes an entry. Spilled to a file, they cost nothing in the process: a long
// search evaluates ~2,000 distinct plays a second, and 20 bytes each on the heap side was most of a
// 10-minute run's RSS growth (bench/RESULTS.md, issue 10 point 9). The file is written in appends of
// 64 KiB and read one entry at a time (the GA asks a few hundred hits a generation: ~2 us each from the
// page cache, which the kernel may drop; process memory it is not).

/** Files this process has opened: part of each name, so two tables in one folder never meet. */
let opened = 0;

/** Bytes of an entry: key words 1 and 2 (uint32), value (float64), little-endian. */
const ENTRY = 16;
const BUFFERED = 4096;

export interface DigestRecords {
  /** Stores an entry and returns its index (0, 1, 2, ...). */
  append(b: number, c: number, value: number): number;
  /** Whether entry i's key words 1 and 2 are (b, c). */
  matches(i: number, b: number, c: number): boolean;
  /** Entry i's key words 1 and 2. */
  keyWords(i: number): [number, number];
  value(i: number): number;
  setValue(i: number, value: number): void;
  /** Bytes this object holds in the process. */
  readonly bytes: number;
  close(): void;
}

/** Entries in two growing typed arrays. */
export class MemoryRecords implements DigestRecords {
  private words = new Uint32Array(2 * 1024);
  private values = new Float64Array(1024);
  private count = 0;

  append(b: number, c: number, value: number): number {
    if (this.count === this.values.length) {
      // 1.25x, like the slots: in memory, slack is memory a run keeps.
      const capacity = Math.ceil(this.values.length * 1.25);
      const words = new Uint32Array(2 * capacity);
      words.set(this.words);
      const values = new Float64Array(capacity);
      values.set(this.values);
      this.words = words;
      this.values = values;
    }
    this.words[2 * this.count] = b;
    this.words[2 * this.count + 1] = c;
    this.values[this.count] = value;
    return this.count++;
  }

  matches(i: number, b: number, c: number): boolean {
    return this.words[2 * i] === b && this.words[2 * i + 1] === c;
  }

  keyWords(i: number): [number, number] {
    return [this.words[2 * i], this.words[2 * i + 1]];
  }

  value(i: number): number {
    return this.values[i];
  }

  setValue(i: number, value: number): void {
    this.values[i] = value;
  }

  get bytes(): number {
    return this.words.byteLength + this.values.byteLength;
  }

  close(): void {}
}

/**
 * Entries in an unlinked file of `dir` (removed as soon as it is open: it lives as long as this object
 * and no crash leaves it behind); the newest ones in a buffer until it fills.
 */
export class FileRecords implements DigestRecords {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(BUFFERED * ENTRY);
  private readonly one = Buffer.alloc(ENTRY);
  /** Entries in the file; entries from here on are in the buffer. */
  private written = 0;
  private buffered = 0;
  private closed = false;
  /** Set only where the file system could not unlink the open file: close() removes it then. */
  private file: string | undefined;

  constructor(dir: string) {
    const file = path.join(dir, `.evaluated-${process.pid}-${Date.now().toString(36)}-${opened++}.bin`);
    this.fd = fs.openSync(file, 'wx+');
    try {
      fs.unlinkSync(file);
    } catch {
      this.file = file;
    }
  }

  append(b: number, c: number, value: number): number {
    if (this.buffered === BUFFERED) this.flush();
    const at = this.buffered * ENTRY;
    this.buffer.writeUInt32LE(b, at);
    this.buffer.writeUInt32LE(c, at + 4);
    this.buffer.writeDoubleLE(value, at + 8);
    this.buffered++;
    return this.written + this.buffered - 1;
  }

  /** The buffer holding entry i, and its offset there (the buffer itself for recent entries). */
  private entry(i: number): [Buffer, number] {
    if (i >= this.written) return [this.buffer, (i - this.written) * ENTRY];
    const n = fs.readSync(this.fd, this.one, 0, ENTRY, i * ENTRY);
    if (n !== ENTRY) throw new Error(`internal: evaluated-set file: read ${n} of ${ENTRY} bytes of entry ${i}`);
    return [this.one, 0];
  }

  matches(i: number, b: number, c: number): boolean {
    const [buf, at] = this.entry(i);
    return buf.readUInt32LE(at) === b && buf.readUInt32LE(at + 4) === c;
  }

  keyWords(i: number): [number, number] {
    const [buf, at] = this.entry(i);
    return [buf.readUInt32LE(at), buf.readUInt32LE(at + 4)];
  }

  value(i: number): number {
    const [buf, at] = this.entry(i);
    return buf.readDoubleLE(at + 8);
  }

  setValue(i: number, value: number): void {
    if (i >= this.written) {
      this.buffer.writeDoubleLE(value, (i - this.written) * ENTRY + 8);
      return;
    }
    this.one.writeDoubleLE(value, 0);
    fs.writeSync(this.fd, this.one, 0, 8, i * ENTRY + 8);
  }

  private flush(): void {
    const length = this.buffered * ENTRY;
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, this.buffer, done, length - done, this.written * ENTRY + done);
    this.written += this.buffered;
    this.buffered = 0;
  }

  get bytes(): number {
    return this.buffer.byteLength + this.one.byteLength;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
    if (this.file !== undefined) fs.rmSync(this.file, { force: true });
  }
}
