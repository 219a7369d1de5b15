import fs from 'node:fs';
import path from 'node:path';

/** ../shared/data: FORGE_SHARED_DATA, else the first `shared/data` found walking up from the repo. */
export function sharedDataDir(): string | undefined {
  if (process.env.FORGE_SHARED_DATA)
    return fs.existsSync(process.env.FORGE_SHARED_DATA) ? process.env.FORGE_SHARED_DATA : undefined;
  let dir = path.resolve(import.meta.dirname, '../..');
  for (;;) {
    const cand = path.join(dir, 'shared', 'data');
    if (fs.existsSync(path.join(cand, 'README.md'))) return cand;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
