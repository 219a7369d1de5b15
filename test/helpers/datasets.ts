import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { ForgeError } from '../../src/engine/errors.js';
import { forgeHome, type ForgeHome } from '../../src/forge/home.js';

// What the dataset tests share: a temp home holding a catalog, and the ForgeError a promise rejects with.

/** A catalog entry of 1h bars from 05:00: its first 4h and 1d buckets are partial (the build drops them). */
export const TINY_ENTRY = `  - name: TINY
    symbol: TESTUSDT
    base: 1h
    derived: [4h, 1d]
    from: 2024-01-01T05:00:00Z
    to: 2024-01-11
    regime: bear`;

/** A fresh temp home whose datasets/catalog.yaml is `catalog`. */
export function catalogHome(prefix: string, catalog: string): { dir: string; home: ForgeHome } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const home = forgeHome(dir);
  fs.mkdirSync(home.datasetsDir, { recursive: true });
  fs.writeFileSync(home.catalogPath, catalog);
  return { dir, home };
}

/** The ForgeError `p` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(p: Promise<unknown>): Promise<ForgeError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ForgeError);
  return err as ForgeError;
}
