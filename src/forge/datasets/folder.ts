import fs from 'node:fs';
import path from 'node:path';
import { ForgeError } from '../../engine/errors.js';
import { isAtomicTemp, writeFileAtomic } from '../atomic.js';
import type { ForgeHome } from '../home.js';
import { MANIFEST_FILE, readManifest, type Manifest } from './manifest.js';
import { readTextIfExists } from '../atomic.js';

// A built dataset is <datasets>/<NAME>/ holding versions v1, v2, ... (each: Parquet files and
// manifest.json) and current.json, which names the version in use. A build writes a new version
// beside the old one, then replaces current.json by one atomic rename: killed at any instant, the
// dataset is the old version or the new one, never absent. Anything else in the folder is a dead
// build's leftover, removed by the next build under the dataset's lock (lock.ts).
//
// Datasets built before versioning kept manifest.json and the Parquet files in <NAME>/ itself; they
// still load (no current.json) and become v1.. at their next build.

export const POINTER_FILE = 'current.json';
export const BUILD_LOCK = 'build.lock';
const VERSION_RE = /^v[1-9][0-9]{0,8}$/;
/** A catalog name (see catalog.ts) that is also one safe folder name: no separators, no leading dot, bounded. */
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * <datasets>/<NAME>, refusing a name that could leave the datasets folder (names also come from run
 * configs on disk).
 */
export function datasetDir(home: ForgeHome, name: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new ForgeError(
      `${JSON.stringify(name)} is not a dataset name (letters, digits, _ . -; at most 128)`,
      'use a name from `forge datasets ls`',
      'E_UNKNOWN_DATASET',
    );
  }
  return path.join(home.datasetsDir, name);
}

export interface BuiltDataset {
  readonly manifest: Manifest;
  /** The folder of its Parquet files: <NAME>/vN, or <NAME> for a build made before versioning. */
  readonly dir: string;
}

/** The version current.json names, or null when there is no current.json. */
export function currentVersion(dir: string): string | null {
  const file = path.join(dir, POINTER_FILE);
  const text = readTextIfExists(file);
  if (text === null) return null;
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown }).version;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string' || !VERSION_RE.test(version)) {
    throw new ForgeError(
      `${file}: field version must name a version folder like "v3", ` +
        `got ${JSON.stringify(version ?? text.slice(0, 40))}`,
      `rebuild it: forge datasets build ${path.basename(dir)}`,
      'E_MANIFEST',
    );
  }
  return version;
}

/** The dataset's current build, or null when it was never built. */
export function readBuilt(dir: string): BuiltDataset | null {
  const version = currentVersion(dir);
  if (version === null) {
    const manifest = readManifest(dir);
    return manifest === null ? null : { manifest, dir };
  }
  const vdir = path.join(dir, version);
  const manifest = readManifest(vdir);
  if (manifest === null) {
    throw new ForgeError(
      `${path.join(dir, POINTER_FILE)} names ${version}, which has no ${MANIFEST_FILE}`,
      `rebuild it: forge datasets build ${path.basename(dir)}`,
      'E_MANIFEST',
    );
  }
  return { manifest, dir: vdir };
}

/** The next unused version name (call under the build lock). */
export function nextVersion(dir: string): string {
  let max = 0;
  for (const name of fs.readdirSync(dir)) if (VERSION_RE.test(name)) max = Math.max(max, Number(name.slice(1)));
  return `v${max + 1}`;
}

/** Makes `version` the dataset's current build: one atomic rename. */
export function publishVersion(dir: string, version: string): void {
  writeFileAtomic(path.join(dir, POINTER_FILE), JSON.stringify({ version }) + '\n');
}

/**
 * Removes what dead builds left in <NAME>/: unpublished versions, temp files, and (once a
 * current.json exists) superseded versions and the files of a pre-versioning build. Call only
 * under the build lock, so no live build's files are taken.
 */
export function removeLeftovers(dir: string): void {
  const current = currentVersion(dir);
  const keep = new Set([POINTER_FILE, BUILD_LOCK, ...(current === null ? [] : [current])]);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (keep.has(entry.name)) continue;
    const leftover = VERSION_RE.test(entry.name) || isAtomicTemp(entry.name) || current !== null;
    if (leftover) fs.rmSync(path.join(dir, entry.name), { recursive: true, force: true });
  }
}

/**
 * Pre-versioning builds swapped <NAME> by two renames through .<NAME>.tmp-PID and .<NAME>.old-PID;
 * a kill between them left only .old-PID. Put such a build back, and remove the rest. `dir` is datasetDir's.
 */
export function recoverLegacySwap(dir: string): void {
  const datasetsDir = path.dirname(dir);
  const name = path.basename(dir);
  if (!fs.existsSync(datasetsDir)) return;
  const prefix = `.${name}.`;
  for (const entry of fs.readdirSync(datasetsDir)) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length);
    const full = path.join(datasetsDir, entry);
    if (/^old-\d+$/.test(rest) && !fs.existsSync(dir)) fs.renameSync(full, dir);
    else if (/^(old|tmp)-\d+$/.test(rest)) fs.rmSync(full, { recursive: true, force: true });
  }
}
