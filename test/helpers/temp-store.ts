import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CandleStore } from '../../src/forge/store/store.js';

/**
 * A real CandleStore in a fresh temporary folder for the tests of the enclosing describe block: opened
 * before them and handed to `use` (the tests keep it in their own `let store`), closed and removed
 * after them.
 */
export function tempStore(prefix: string, use: (store: CandleStore) => void): void {
  let dir: string | undefined;
  let store: CandleStore | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    store = await CandleStore.open(path.join(dir, 'forge.duckdb'));
    use(store);
  });
  afterAll(() => {
    store?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
}
