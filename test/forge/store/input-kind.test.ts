import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { forgeCli } from '../../helpers/cli.js';

// Inputs that are not a CSV or Parquet file get one clear line naming the file and what it is, exit 1,
// before anything is parsed: a folder, a FIFO (which used to block the import forever), gzip and zip
// files, random bytes named .parquet (which used to print binary as column names), binary "CSV".

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-input-kind-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919 + 13) % 256));

function importOf(name: string) {
  return forgeCli(
    ['data', 'import', path.join(dir, name), '--symbol', 'X', '--tf', '1h', '--home', path.join(dir, 'home')],
    { timeout: 30_000 },
  );
}

describe('import input that is not a data file', () => {
  it.each([
    ['a folder', 'folder.csv', () => fs.mkdirSync(path.join(dir, 'folder.csv')), /folder\.csv is a folder, not a file/],
    [
      'a FIFO (no hang)',
      'pipe.csv',
      () => execFileSync('mkfifo', [path.join(dir, 'pipe.csv')]),
      /pipe\.csv is not a regular file \(a pipe, socket or device\)/,
    ],
    [
      'gzip',
      'data.csv.gz',
      () => fs.writeFileSync(path.join(dir, 'data.csv.gz'), zlib.gzipSync('timestamp,open\n')),
      /data\.csv\.gz is gzip-compressed/,
    ],
    [
      'zip',
      'data.zip',
      () =>
        fs.writeFileSync(path.join(dir, 'data.zip'), Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), bytes(100)])),
      /data\.zip is a zip archive/,
    ],
    [
      'random bytes named .parquet',
      'bad.parquet',
      () => fs.writeFileSync(path.join(dir, 'bad.parquet'), bytes(2000)),
      /bad\.parquet is not a Parquet file/,
    ],
    [
      'binary named .csv',
      'bin.csv',
      () => fs.writeFileSync(path.join(dir, 'bin.csv'), bytes(2000)),
      /bin\.csv is a binary file, not CSV text/,
    ],
  ])('%s', (_what, name, make, message) => {
    make();
    const r = importOf(name);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'home', 'data', 'forge.duckdb'))).toBe(false);
  });
});
