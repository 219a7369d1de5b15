import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, makeDir, readTextIfExists, writeFileAtomic, writeFilesAtomic } from '../../src/forge/atomic.js';
import { ForgeError } from '../../src/engine/errors.js';

// The atomic writes every run folder, manifest and checkpoint goes through, on a real file system:
// the content lands whole, no temp file stays behind, and an OS failure is a ForgeError naming the
// path and the cause (paths under a regular file give ENOTDIR, a folder as target EISDIR, whatever
// the user's permissions).

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-atomic-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const leftovers = (d: string) => fs.readdirSync(d).filter((f) => f.includes('.tmp-'));

function thrown(f: () => unknown): ForgeError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ForgeError);
    return err as ForgeError;
  }
  throw new Error('expected an error');
}

describe('writeFileAtomic', () => {
  it('writes text and bytes, replaces the old content, makes missing folders and leaves no temp file', () => {
    const target = path.join(dir, 'a', 'b', 'file.json');
    writeFileAtomic(target, '{"x":1}');
    expect(fs.readFileSync(target, 'utf8')).toBe('{"x":1}');
    writeFileAtomic(target, new Uint8Array([104, 105]));
    expect(fs.readFileSync(target, 'utf8')).toBe('hi');
    expect(leftovers(path.dirname(target))).toEqual([]);
  });

  it('under a regular file: names the path and the cause, and leaves nothing', () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'x');
    const e = thrown(() => writeFileAtomic(path.join(file, 'sub', 'out.json'), 'y'));
    expect(e.message).toContain(path.join(file, 'sub'));
    expect(e.message).toMatch(/a part of the path is a file, not a folder/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    expect(leftovers(dir)).toEqual([]);
  });

  it('over a folder: the rename fails with EISDIR, the temp file is removed, the folder untouched', () => {
    const target = path.join(dir, 'folder');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'kept');
    const e = thrown(() => writeFileAtomic(target, 'data'));
    expect(e.message).toContain(target);
    expect(e.message).toMatch(/folder/);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept');
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('writeFilesAtomic', () => {
  it('writes every file; a failing rename stops at that file, earlier ones in place, no temp file left', async () => {
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.txt');
    await writeFilesAtomic([
      [a, 'A1'],
      [b, new Uint8Array([66, 49])],
    ]);
    expect([fs.readFileSync(a, 'utf8'), fs.readFileSync(b, 'utf8')]).toEqual(['A1', 'B1']);

    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(blocked);
    fs.writeFileSync(path.join(blocked, 'x'), 'x');
    const c = path.join(dir, 'c.txt');
    await expect(
      writeFilesAtomic([
        [a, 'A2'],
        [blocked, 'never'],
        [c, 'C2'],
      ]),
    ).rejects.toThrow(blocked);
    // Renamed in order: the first file is the new one, the one after the failure never appeared.
    expect(fs.readFileSync(a, 'utf8')).toBe('A2');
    expect(fs.existsSync(c)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a temp file that cannot be written fails the whole job before any rename', async () => {
    const a = path.join(dir, 'a.txt');
    fs.writeFileSync(a, 'old');
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'x');
    await expect(
      writeFilesAtomic([
        [a, 'new'],
        [path.join(file, 'sub', 'inner.txt'), 'y'],
      ]),
    ).rejects.toThrow(/a part of the path is a file, not a folder/);
    expect(fs.readFileSync(a, 'utf8')).toBe('old');
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('makeDir, canonicalJson, readTextIfExists', () => {
  it('makeDir names the level that cannot be made', () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'x');
    makeDir(path.join(dir, 'ok', 'deeper'));
    expect(fs.statSync(path.join(dir, 'ok', 'deeper')).isDirectory()).toBe(true);
    const e = thrown(() => makeDir(path.join(file, 'x', 'y')));
    expect(e.message).toContain(path.join(file, 'x'));
    expect(e.message).toMatch(/create the folder/);
  });

  it('canonicalJson sorts keys at every depth and keeps array order', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, 1, { z: 1, y: 2 }], c: null } });
    expect(a).toBe('{"a":{"c":null,"d":[3,1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ y: 2, z: 1 })).toBe(canonicalJson({ z: 1, y: 2 }));
  });

  it('readTextIfExists: null when absent, the text when present, other errors thrown', () => {
    expect(readTextIfExists(path.join(dir, 'none'))).toBeNull();
    fs.writeFileSync(path.join(dir, 't'), 'text');
    expect(readTextIfExists(path.join(dir, 't'))).toBe('text');
    expect(() => readTextIfExists(dir)).toThrow(/EISDIR/);
  });
});
