import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  describePlay,
  effectiveKeyOf,
  parsePlay,
  randomGene,
  randomGenome,
  resolvePlay,
} from '../../../src/engine/play/index.js';

// effectiveKeyOf is used as the key of memos of resolved plays and identities, so it must never give two
// genomes one key unless they resolve to the same play. The reference is resolvePlay itself: genomes
// that differ only where the key says '-' must resolve to deep-equal plays (and one description), and
// a change to any gene the key shows must change the key.
const PLAYS = path.resolve(__dirname, '../../../configs/plays');
const files = fs.readdirSync(PLAYS).filter((f) => f.endsWith('.yaml'));

describe('effectiveKeyOf: one key only for genomes with one play', () => {
  it.each(files)('%s: genes marked off can take any value; genes shown change the key', (file) => {
    const space = parsePlay(fs.readFileSync(path.join(PLAYS, file), 'utf8'), file);
    const key = effectiveKeyOf(space);
    const rng = seedrandom(`effective-${file}`);
    let offSeen = 0;
    for (let k = 0; k < 150; k++) {
      const g = randomGenome(space.genes, rng);
      const parts = key(g).split(',');
      const other = g.slice();
      parts.forEach((p, i) => {
        if (p === '-') {
          other[i] = randomGene(space.genes[i], rng);
          offSeen++;
        }
      });
      expect(key(other)).toBe(key(g));
      expect(resolvePlay(space, other)).toEqual(resolvePlay(space, g));
      expect(describePlay(resolvePlay(space, other))).toEqual(describePlay(resolvePlay(space, g)));
      // A gene the key shows, moved to another value of its grid, moves the key.
      const shown = parts.map((p, i) => (p !== '-' && i < space.genes.length ? i : -1)).filter((i) => i >= 0);
      if (shown.length > 0) {
        const i = shown[Math.floor(rng() * shown.length)];
        const moved = g.slice();
        for (let t = 0; t < 20 && moved[i] === g[i]; t++) moved[i] = randomGene(space.genes[i], rng);
        if (moved[i] !== g[i]) expect(key(moved)).not.toBe(key(g));
      }
    }
    if (file === 'default.yaml') expect(offSeen).toBeGreaterThan(100); // its optional rules and stops
  });

  it('keys a genome resolvePlay refuses by its raw values', () => {
    const space = parsePlay(fs.readFileSync(path.join(PLAYS, 'default.yaml'), 'utf8'), 'default.yaml');
    const key = effectiveKeyOf(space);
    expect(key([1, 2])).toBe('raw:1,2');
    expect(key(space.genes.map(() => Number.NaN))).toMatch(/^raw:NaN/);
  });
});

describe('effectiveKeyOf with optional rules inside an optional group', () => {
  const text = `
name: nested
market: {symbol: X, tf: 1h}
features:
  fast: {indicator: ema, params: {period: {int: [5, 20]}}}
  slow: {indicator: sma, params: {period: {int: [30, 60]}}}
  rsi: {indicator: rsi, params: {period: 14}}
entry:
  long:
    all:
      - {cross_above: [fast, slow]}
      - any:
          - {left: rsi, op: '<', right: {int: [50, 80]}, optional: true}
          - {left: rsi, op: '>', right: {int: [5, 20]}}
        optional: true
`;
  it('an inner optional gene is off when its group is, whatever its own value', () => {
    const space = parsePlay(text, 'nested.yaml');
    const key = effectiveKeyOf(space);
    const names = space.genes.map((g) => g.path);
    const outer = names.findIndex((p) => p.endsWith('all[1].optional'));
    const inner = names.findIndex((p) => p.endsWith('any[0].optional'));
    expect(outer).toBeGreaterThanOrEqual(0);
    expect(inner).toBeGreaterThanOrEqual(0);
    const rng = seedrandom('nested');
    for (let k = 0; k < 100; k++) {
      const g = randomGenome(space.genes, rng);
      g[outer] = 0; // the group is off: nothing inside it is read, the inner switch included
      const flipped = g.slice();
      flipped[inner] = 1 - g[inner];
      expect(key(flipped)).toBe(key(g));
      expect(resolvePlay(space, flipped)).toEqual(resolvePlay(space, g));
      g[outer] = 1;
      flipped[outer] = 1;
      expect(key(flipped)).not.toBe(key(g));
    }
  });
});
