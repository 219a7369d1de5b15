import { ForgeError } from '../engine/errors.js';

// Sizes and durations as users write them in flags and config files.

/** '512MB', '2GB', '1.5 GiB', '64M' or a number of bytes → bytes (decimal and binary units both 1024-based). */
export function parseBytes(v: string | number, field: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i.exec(String(v).trim());
  const unit = m
    ? { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[
        (m[2] ?? '').toLowerCase().charAt(0) as '' | 'b' | 'k' | 'm' | 'g' | 't'
      ]
    : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1024 ** 2))
    throw new ForgeError(`${field}: '${v}' is not a memory size of at least 1 MB`, 'use e.g. 512MB or 2GB', 'E_CONFIG');
  return bytes;
}

/** '90s', '30m', '8h', '1d' or a number of seconds → milliseconds. */
export function parseDuration(v: string | number, key = 'max_wall'): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(String(v).trim());
  if (!m) throw new ForgeError(`${key}: '${v}' is not a duration`, 'use e.g. 90s, 30m, 8h or 1d', 'E_CONFIG');
  const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
