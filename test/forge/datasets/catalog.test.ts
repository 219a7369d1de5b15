import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/engine/errors.js';
import { findDataset, loadCatalog, parseCatalog, SHIPPED_CATALOG } from '../../../src/forge/datasets/catalog.js';
import { forgeHome } from '../../../src/forge/home.js';

const GOOD = `datasets:
  - name: TINY
    symbol: TESTUSDT
    base: 1h
    derived: [4h, 1d]
    from: 2024-01-01
    to: 2024-01-11
    regime: bear
    description: a test window
`;

/** Parses `text` expecting a ForgeError; returns it. */
function parseError(text: string): ForgeError {
  try {
    parseCatalog(text, 'cat.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ForgeError);
    expect((err as ForgeError).code).toBe('E_CATALOG');
    expect((err as ForgeError).fix).toBeTruthy();
    return err as ForgeError;
  }
  throw new Error('expected a ForgeError');
}

const variant = (from: RegExp | string, to: string) => GOOD.replace(from, to);

describe('shipped catalog', () => {
  it('has the five regime datasets with the brief windows', () => {
    const cat = loadCatalog(forgeHome(path.dirname(path.dirname(SHIPPED_CATALOG))));
    expect([...cat.keys()]).toEqual([
      'BTCUSDT_FULL_CYCLE',
      'BTCUSDT_BEAR_2022',
      'BTCUSDT_BULL_2024',
      'SOLUSDT_VOLATILE',
      'ETHUSDT_RANGE',
    ]);
    const full = cat.get('BTCUSDT_FULL_CYCLE')!;
    expect(full).toMatchObject({ symbol: 'BTCUSDT', baseTf: '15m', derivedTfs: ['1h', '4h', '1d'], regime: 'cycle' });
    expect(full.from).toBe(Date.UTC(2021, 0, 1));
    expect(full.to).toBe(Date.UTC(2025, 0, 1));
    // 1461 days (2024 is a leap year) x 96 bars: "about 140,000"
    expect((full.to - full.from) / 900_000).toBe(140_256);
    const bear = cat.get('BTCUSDT_BEAR_2022')!;
    expect([bear.baseTf, bear.from, bear.to, bear.regime]).toEqual([
      '1h',
      Date.UTC(2022, 0, 1),
      Date.UTC(2023, 0, 1),
      'bear',
    ]);
    expect(cat.get('SOLUSDT_VOLATILE')).toMatchObject({
      from: Date.UTC(2023, 0, 1),
      to: Date.UTC(2025, 0, 1),
      regime: 'volatile',
    });
    expect(cat.get('ETHUSDT_RANGE')!.description).toMatch(/sideways/i);
  });
});

describe('parseCatalog', () => {
  it('parses a good entry, dates at midnight UTC and `to` exclusive', () => {
    const [d] = parseCatalog(GOOD, 'cat.yaml');
    expect(d).toMatchObject({
      name: 'TINY',
      symbol: 'TESTUSDT',
      baseTf: '1h',
      derivedTfs: ['4h', '1d'],
      regime: 'bear',
      description: 'a test window',
    });
    expect(d.from).toBe(Date.UTC(2024, 0, 1));
    expect(d.to).toBe(Date.UTC(2024, 0, 11));
    expect(d.definedAt).toBe('cat.yaml:2');
  });

  it('a missing field names the file, line, entry and field', () => {
    const e = parseError(variant('    symbol: TESTUSDT\n', ''));
    expect(e.message).toContain('cat.yaml:2');
    expect(e.message).toContain("entry 'TINY'");
    expect(e.message).toContain("field 'symbol'");
    expect(e.message).toContain('missing');
  });

  it('a missing name names the entry by position', () => {
    const e = parseError(variant('  - name: TINY\n    symbol', '  - symbol'));
    expect(e.message).toMatch(/entry #1, field 'name': missing/);
  });

  it('a bad timeframe names the field and suggests one', () => {
    const e = parseError(variant('base: 1h', 'base: 1hr'));
    expect(e.message).toContain("entry 'TINY', field 'base'");
    expect(e.message).toContain("'1hr' is not a timeframe");
    expect(e.message).toContain('cat.yaml:4');
  });

  it('from >= to is an empty window', () => {
    const e = parseError(variant('to: 2024-01-11', 'to: 2024-01-01'));
    expect(e.message).toContain("field 'to'");
    expect(e.message).toContain('empty');
  });

  it('a derived timeframe that is not a multiple of the base', () => {
    const e = parseError(variant('derived: [4h, 1d]', 'derived: [4h, 90m]'));
    expect(e.message).toContain("field 'derived'");
    expect(e.message).toContain("'90m' is not a whole multiple of the base timeframe 1h");
    const lower = parseError(variant('derived: [4h, 1d]', 'derived: [30m]'));
    expect(lower.message).toContain("'30m'");
  });

  it('an unknown key gets a did-you-mean', () => {
    const e = parseError(variant('regime: bear', 'regim: bear'));
    expect(e.message).toContain("field 'regim'");
    expect(e.message).toContain("did you mean 'regime'");
    expect(e.message).toContain('cat.yaml:8');
  });

  it('an unknown regime gets a did-you-mean', () => {
    const e = parseError(variant('regime: bear', 'regime: beer'));
    expect(e.message).toContain("field 'regime'");
    expect(e.message).toContain("did you mean 'bear'");
  });

  it('a date that is not a date (or not a calendar day)', () => {
    expect(parseError(variant('from: 2024-01-01', 'from: yesterday')).message).toContain("field 'from'");
    expect(parseError(variant('from: 2024-01-01', 'from: 2024-02-30')).message).toContain("field 'from'");
  });

  it('a window off the base bar grid', () => {
    expect(parseError(variant('from: 2024-01-01', 'from: 2024-01-01T00:30:00Z')).message).toContain('bar boundaries');
  });

  it('duplicates, non-lists and bad YAML', () => {
    expect(parseError(GOOD + GOOD.replace('datasets:\n', '')).message).toContain('defined twice');
    expect(parseError('datasets: 3\n').message).toContain('must be a list');
    expect(parseError('datasets:\n  - name: [\n').message).toContain('not valid YAML');
    expect(parseError('dataset:\n  - name: X\n').message).toContain("did you mean 'datasets'");
  });
});

describe('loadCatalog and findDataset', () => {
  it('merges the home catalog over the shipped one, and suggests names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-catalog-'));
    const home = forgeHome(dir);
    fs.mkdirSync(home.datasetsDir, { recursive: true });
    fs.writeFileSync(
      home.catalogPath,
      GOOD +
        variant(/^datasets:\n/, '')
          .replace('TINY', 'BTCUSDT_BEAR_2022')
          .replace('TESTUSDT', 'XBTUSDT'),
    );
    const cat = loadCatalog(home);
    expect(cat.size).toBe(6);
    expect(cat.get('TINY')!.symbol).toBe('TESTUSDT');
    expect(cat.get('BTCUSDT_BEAR_2022')!.symbol).toBe('XBTUSDT');
    expect(cat.get('BTCUSDT_BEAR_2022')!.definedAt).toContain(home.catalogPath);
    expect(() => findDataset(cat, 'BTCUSDT_BEAR_2023')).toThrow(
      /unknown dataset 'BTCUSDT_BEAR_2023', did you mean 'BTCUSDT_BEAR_2022'/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a malformed home catalog names that file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-catalog-'));
    const home = forgeHome(dir);
    fs.mkdirSync(home.datasetsDir, { recursive: true });
    fs.writeFileSync(home.catalogPath, variant('    symbol: TESTUSDT\n', ''));
    expect(() => loadCatalog(home)).toThrow(`${home.catalogPath}:2: entry 'TINY', field 'symbol': missing`);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
