import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestFile } from '../../../src/forge/ga/digest-file.js';
import { type DigestMap, DigestTable, type DigestWords } from '../../../src/forge/ga/digest-table.js';
import { EvaluatedSet } from '../../../src/forge/ga/evaluated.js';

// The GA's evaluated set grows by one entry per distinct evaluation over a night (issue 10 point 9): these
// tests hold it to its bound in bytes per entry, outside V8's heap, and to exact answers at that density.

const words = (i: number): DigestWords => {
  const d = createHash('sha1').update(`play ${i}`).digest();
  return [d.readUInt32BE(0) || 1, d.readUInt32BE(4), d.readUInt32BE(8)];
};

const dirs: string[] = [];
const spillDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-digest-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe.each<[string, () => DigestMap & { readonly capacity: number }, string, (t: DigestMap) => number, number]>([
  // In memory: 8-byte slots at 72-90 % load and 16-byte entries, outside V8's heap.
  ['DigestTable, in memory', () => new DigestTable(), 'at most 30 bytes per entry', () => 30 * 200_000, 0.7],
  // On disk: the process holds bounded caches whatever the size; buckets fill to 37.5-75 %.
  ['DigestFile, in a folder', () => new DigestFile(spillDir()), 'at most 3 MB', () => 3 * 1024 ** 2, 0.37],
  // The same with almost no recent keys in memory: the file answers nearly every ask.
  [
    'DigestFile, answering from the file',
    () => new DigestFile(spillDir(), { recent: 4 }),
    'at most 3 MB',
    () => 3 * 1024 ** 2,
    0.37,
  ],
])('%s', (_, make, bound, boundOf, minLoad) => {
  it(`answers exactly for 200,000 keys while holding ${bound}`, () => {
    const t = make();
    const n = 200_000;
    const maxBytes = boundOf(t);
    let peak = 0;
    for (let i = 0; i < n; i++) {
      t.set(words(i), i / 7);
      peak = Math.max(peak, t.bytes);
    }
    expect(t.size).toBe(n);
    for (let i = 0; i < n; i += 7) expect(t.get(words(i))).toBe(i / 7);
    for (let i = n; i < n + 20_000; i++) expect(t.has(words(i))).toBe(false);
    expect(peak).toBeLessThanOrEqual(maxBytes);
    expect(t.size / t.capacity).toBeGreaterThan(minLoad);
    expect(t.size / t.capacity).toBeLessThanOrEqual(0.9);
    t.close();
  });

  it('tells apart keys that differ only in their second or third word, and keeps the first value', () => {
    const t = make();
    t.set([5, 6, 7], 1);
    t.set([5, 6, 8], 2);
    t.set([5, 9, 7], 3);
    t.set([5, 6, 7], 4); // kept: the first evaluation of an identity keeps it
    expect([t.get([5, 6, 7]), t.get([5, 6, 8]), t.get([5, 9, 7]), t.get([5, 9, 8])]).toEqual([1, 2, 3, undefined]);
    t.set([5, 6, 7], 5, true);
    expect(t.get([5, 6, 7])).toBe(5);
    expect(t.size).toBe(3);
    // Non-finite fitness (a failed play) is a value like any other, not an empty slot.
    t.set([0xffffffff, 0, 0], Number.NEGATIVE_INFINITY);
    t.set([1, 0, 0], Number.NaN);
    expect(t.get([0xffffffff, 0, 0])).toBe(Number.NEGATIVE_INFINITY);
    expect(t.get([1, 0, 0])).toBeNaN();
    // Entries set long ago (before the table grew several times) are found and overwritten in place.
    for (let i = 0; i < 10_000; i++) t.set(words(i), i);
    t.set([5, 6, 8], 6, true);
    t.set(words(3), -3, true);
    expect([t.get([5, 6, 8]), t.get(words(3)), t.get(words(9_999)), t.get([5, 9, 7])]).toEqual([6, -3, 9_999, 3]);
    t.close();
  });

  it('agrees with a Map on keys crowded into a few first words, across growth and wrap-around', () => {
    // Keys sharing their first word all want one slot or bucket: far more than a bucket holds (204) pile
    // up, overflow into the next ones, and at the top of the range wrap around to the start. A Map keyed
    // by the three words is the reference.
    const t = make();
    const ref = new Map<string, number>();
    const firsts = [1, 2, 0x80000000, 0xfffffffe, 0xffffffff];
    const rng = seedrandom('crowded keys');
    const pick = (n: number) => Math.floor(rng() * n);
    for (let i = 0; i < 12_000; i++) {
      const key: DigestWords = [firsts[pick(firsts.length)], pick(3_000), pick(3)];
      const id = key.join(',');
      const overwrite = pick(4) === 0;
      if (!ref.has(id) || overwrite) ref.set(id, i);
      t.set(key, i, overwrite);
    }
    // Enough keys that the table grew (a bucket holds 204, the first 16 buckets 2,448 at 75 %).
    expect(ref.size).toBeGreaterThan(8_000);
    expect(t.size).toBe(ref.size);
    for (const [id, v] of ref) expect(t.get(id.split(',').map(Number) as unknown as DigestWords)).toBe(v);
    for (let i = 0; i < 500; i++) expect(t.has([firsts[i % firsts.length], 3_000 + i, 0])).toBe(false);
    t.close();
  });
});

describe('DigestFile', () => {
  it('leaves nothing in its folder, during the run or after', () => {
    const dir = spillDir();
    const t = new DigestFile(dir);
    for (let i = 0; i < 50_000; i++) t.set(words(i), i);
    expect(fs.readdirSync(dir)).toEqual([]);
    t.close();
    t.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('EvaluatedSet memory', () => {
  it('costs at most 30 bytes per distinct play in memory, however long the identities', () => {
    // A play identity is its description, hundreds of bytes; the set keeps 96 bits of its digest.
    const describe = (g: readonly number[]) => `rsi(${g[0]}) < ${g[1]}\n${'feature and rule text '.repeat(20)}`;
    const seen = new EvaluatedSet(describe);
    const n = 100_000;
    for (let i = 0; i < n; i++) seen.add([i % 1000, Math.floor(i / 1000)], i);
    expect(seen.size).toBe(n);
    expect(seen.bytes / n).toBeLessThanOrEqual(30);
    expect(seen.fitnessOf([999, 99])).toBe(n - 1);
    expect(seen.has([0, 100])).toBe(false);
    // The first play of an identity keeps its fitness; a genome as its own identity is set again.
    const same = new EvaluatedSet(() => 'one strategy');
    same.add([1], 1);
    same.add([2], 2);
    expect([same.size, same.fitnessOf([3])]).toEqual([1, 1]);
    const own = new EvaluatedSet();
    own.add([1], 1);
    own.add([1], 2);
    expect([own.size, own.fitnessOf([1]), own.has([2])]).toEqual([1, 2, false]);
  });

  it('costs nothing per distinct play in the process when it spills to a folder', () => {
    const seen = new EvaluatedSet((g) => `play ${g.join(',')}`, { spillDir: spillDir() });
    const n = 100_000;
    for (let i = 0; i < n; i++) seen.add([i], i);
    expect(seen.bytes).toBeLessThanOrEqual(3 * 1024 ** 2);
    expect([seen.fitnessOf([0]), seen.fitnessOf([n - 1]), seen.has([n])]).toEqual([0, n - 1, false]);
    seen.close();
  });
});
